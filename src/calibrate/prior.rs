//! Prior distributions of calibrated parameters, written in the calibration file as
//! `uniform(a, b)`, `loguniform(a, b)`, `normal(m, s)` or `truncnormal(m, s, a, b)`.
//!
//! Densities are unnormalised: ABC-SMC importance weights are normalised across the
//! particles of a generation, so a constant factor per parameter cancels.

use serde::{Deserialize, Serialize};

use crate::rng::Stream;

/// A prior of one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Prior {
    /// Uniform on [low, high].
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Log-uniform on [low, high] (0 < low < high): density proportional to 1/x.
    LogUniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Normal with mean and standard deviation (unbounded).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Normal truncated to [low, high].
    TruncNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Its standard deviation.
        sd: f64,
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
}

/// A standard normal draw (Box-Muller; one of the pair is used, so a stream's draws
/// stay a pure function of how many were taken).
pub fn std_normal(rng: &mut Stream) -> f64 {
    let u1 = 1.0 - rng.uniform(); // (0, 1]
    let u2 = rng.uniform();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

impl Prior {
    /// Parse `name(a, b, ...)`. The error says what is wrong, without the key.
    pub fn parse(text: &str) -> Result<Prior, String> {
        let t = text.trim();
        let usage =
            "write uniform(a, b), loguniform(a, b), normal(m, s) or truncnormal(m, s, a, b)";
        let (name, rest) = t
            .split_once('(')
            .ok_or_else(|| format!("`{t}` is not a prior: {usage}"))?;
        let args = rest
            .strip_suffix(')')
            .ok_or_else(|| format!("`{t}`: missing `)`: {usage}"))?;
        let nums = args
            .split(',')
            .map(|a| {
                let a = a.trim();
                a.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("`{t}`: `{a}` is not a finite number"))
            })
            .collect::<Result<Vec<f64>, String>>()?;
        let want = |n: usize| {
            if nums.len() == n {
                Ok(())
            } else {
                Err(format!(
                    "`{t}`: {} takes {n} numbers, got {}",
                    name.trim(),
                    nums.len()
                ))
            }
        };
        let prior = match name.trim() {
            "uniform" => {
                want(2)?;
                Prior::Uniform {
                    low: nums[0],
                    high: nums[1],
                }
            }
            "loguniform" => {
                want(2)?;
                Prior::LogUniform {
                    low: nums[0],
                    high: nums[1],
                }
            }
            "normal" => {
                want(2)?;
                Prior::Normal {
                    mean: nums[0],
                    sd: nums[1],
                }
            }
            "truncnormal" => {
                want(4)?;
                Prior::TruncNormal {
                    mean: nums[0],
                    sd: nums[1],
                    low: nums[2],
                    high: nums[3],
                }
            }
            other => return Err(format!("`{other}` is not a known prior: {usage}")),
        };
        prior.check().map_err(|m| format!("`{t}`: {m}"))?;
        Ok(prior)
    }

    fn check(&self) -> Result<(), String> {
        match *self {
            Prior::Uniform { low, high } if low >= high => Err("need low < high".into()),
            Prior::LogUniform { low, high } if !(0.0 < low && low < high) => {
                Err("need 0 < low < high".into())
            }
            Prior::Normal { sd, .. } if sd <= 0.0 => Err("need sd > 0".into()),
            Prior::TruncNormal {
                mean,
                sd,
                low,
                high,
            } => {
                if sd <= 0.0 || low >= high {
                    Err("need sd > 0 and low < high".into())
                } else if high < mean - 4.0 * sd || low > mean + 4.0 * sd {
                    Err("[low, high] lies more than 4 sd from the mean".into())
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// Smallest and largest value with positive density (infinite for a normal).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Prior::Uniform { low, high }
            | Prior::LogUniform { low, high }
            | Prior::TruncNormal { low, high, .. } => (low, high),
            Prior::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }

    /// Values a check of the parameter's valid range should try: the support's finite
    /// ends, or mean +- 6 sd for an unbounded normal.
    pub fn extremes(&self) -> (f64, f64) {
        match *self {
            Prior::Normal { mean, sd } => (mean - 6.0 * sd, mean + 6.0 * sd),
            _ => self.support(),
        }
    }

    /// The median (a starting value that is always inside the support).
    pub fn median(&self) -> f64 {
        match *self {
            Prior::Uniform { low, high } => 0.5 * (low + high),
            Prior::LogUniform { low, high } => (low * high).sqrt(),
            Prior::Normal { mean, .. } => mean,
            Prior::TruncNormal {
                mean, low, high, ..
            } => mean.clamp(low, high),
        }
    }

    /// Unnormalised density; 0 outside the support.
    pub fn density(&self, x: f64) -> f64 {
        let (lo, hi) = self.support();
        if !(x >= lo && x <= hi) {
            return 0.0;
        }
        match *self {
            Prior::Uniform { .. } => 1.0,
            Prior::LogUniform { .. } => 1.0 / x,
            Prior::Normal { mean, sd } | Prior::TruncNormal { mean, sd, .. } => {
                let z = (x - mean) / sd;
                (-0.5 * z * z).exp()
            }
        }
    }

    /// One draw.
    pub fn sample(&self, rng: &mut Stream) -> f64 {
        match *self {
            Prior::Uniform { low, high } => low + (high - low) * rng.uniform(),
            Prior::LogUniform { low, high } => (low.ln() + (high / low).ln() * rng.uniform()).exp(),
            Prior::Normal { mean, sd } => mean + sd * std_normal(rng),
            Prior::TruncNormal {
                mean,
                sd,
                low,
                high,
            } => {
                // Rejection from the normal; `check` keeps the acceptance probability
                // above about 3e-5. Clamping after a million tries is a safeguard only.
                for _ in 0..1_000_000 {
                    let x = mean + sd * std_normal(rng);
                    if (low..=high).contains(&x) {
                        return x;
                    }
                }
                mean.clamp(low, high)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Process;

    #[test]
    fn parses_the_four_priors_and_rejects_bad_ones() {
        assert_eq!(
            Prior::parse(" uniform(0.5, 2) ").unwrap(),
            Prior::Uniform {
                low: 0.5,
                high: 2.0
            }
        );
        assert!(matches!(
            Prior::parse("loguniform(1e-3,1)").unwrap(),
            Prior::LogUniform { .. }
        ));
        assert!(matches!(
            Prior::parse("normal(0, 1)").unwrap(),
            Prior::Normal { .. }
        ));
        assert!(matches!(
            Prior::parse("truncnormal(0, 1, -1, 2)").unwrap(),
            Prior::TruncNormal { .. }
        ));
        for bad in [
            "uniform(2, 1)",
            "loguniform(0, 1)",
            "normal(0, -1)",
            "beta(1, 2)",
            "uniform(1)",
            "uniform(0, x)",
            "uniform 0 1",
            "truncnormal(0, 1, 10, 11)",
        ] {
            assert!(Prior::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn draws_stay_in_support_with_the_right_mean() {
        let mut rng = Stream::new(1, Process::CalibrateProposal, 0, 0);
        let priors = [
            (Prior::parse("uniform(1, 3)").unwrap(), 2.0),
            (Prior::parse("normal(5, 2)").unwrap(), 5.0),
            (Prior::parse("truncnormal(0, 1, 0, 10)").unwrap(), 0.7979),
            // E[x] for log-uniform on [1, e^2]: (e^2 - 1) / 2
            (
                Prior::parse("loguniform(1, 7.38905609893065)").unwrap(),
                3.1945,
            ),
        ];
        for (p, mean) in priors {
            let n = 100_000;
            let xs: Vec<f64> = (0..n).map(|_| p.sample(&mut rng)).collect();
            assert!(xs.iter().all(|&x| p.density(x) > 0.0), "{p:?}");
            let m = xs.iter().sum::<f64>() / n as f64;
            assert!((m - mean).abs() < 0.03, "{p:?}: mean {m}, want {mean}");
        }
        assert_eq!(Prior::parse("uniform(0,1)").unwrap().density(1.5), 0.0);
    }
}
