//! monotown's ABC-SMC on the normal-mean toy problem, for the cross-check against pyabc
//! (`scripts/pyabc_toy.py`, docs/CALIBRATION.md, "Cross-check against pyabc").
//!
//! `n` observations of a normal with unknown mean `theta` and variance 1 have the sample
//! mean `xbar`; the summary is the sample mean (sufficient), simulated as
//! `theta + N(0, 1) / sqrt(n)`, and the distance is `|ybar - xbar|`. The analytic
//! posterior is `N(xbar, 1/n)` under a uniform prior (truncated to the prior's bounds) and
//! the conjugate normal under a normal prior.
//!
//! ```text
//! cargo run --release --example abc_toy -- [--seed 1] [--population 1000]
//!     [--generations 10] [--quantile 0.5] [--prior "uniform(-10, 10)"]
//!     [--n 20] [--xbar 1.3] [--batch 256]
//! ```
//!
//! Prints a CSV line per generation (generation, epsilon, acceptance, ess, mean, sd,
//! attempts, runs) and then `# analytic,MEAN,SD`. It stops after `--generations` only
//! (no minimum epsilon or acceptance), as the pyabc script does. Deterministic per seed
//! whatever the thread count. Bad flags: a message and exit status 2.

use monotown::calibrate::abc::{self, Generation, KernelKind, Outcome, Settings};
use monotown::calibrate::prior::{Prior, std_normal};
use monotown::rng::{Process, Stream};

struct Args {
    settings: Settings,
    prior: Prior,
    n: f64,
    xbar: f64,
}

const USAGE: &str = "usage: abc_toy [--seed U64] [--population N>=2] [--generations N>=1] \
[--quantile (0,1)] [--prior \"uniform(a, b)\"|\"normal(m, s)\"] [--n N>=1] [--xbar X] [--batch N>=1]";

fn parse_args() -> Result<Args, String> {
    let mut s = Settings {
        seed: 1,
        population: 1000,
        generations: 10,
        budget: u64::MAX,
        min_epsilon: 0.0,
        min_acceptance: 0.0,
        quantile: 0.5,
        batch: 256,
        runs_per_attempt: 1,
        common_random_numbers: false,
        kernel: KernelKind::Standard,
    };
    let mut prior = Prior::parse("uniform(-10, 10)")?;
    let (mut n, mut xbar) = (20.0f64, 1.3f64);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value; {USAGE}"))?;
        let bad = |range: &str| format!("`{flag} {value}`: want {range}; {USAGE}");
        let int = |lo: u64| {
            value
                .parse::<u64>()
                .ok()
                .filter(|v| *v >= lo)
                .ok_or_else(|| bad(&format!("an integer >= {lo}")))
        };
        let real = || {
            value
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad("a finite number"))
        };
        match flag.as_str() {
            "--seed" => s.seed = int(0)?,
            "--population" => s.population = int(2)? as usize,
            "--generations" => {
                s.generations = u32::try_from(int(1)?).map_err(|_| bad("at most 2^32 - 1"))?
            }
            "--batch" => s.batch = int(1)? as usize,
            "--quantile" => {
                s.quantile = real()
                    .ok()
                    .filter(|q| *q > 0.0 && *q < 1.0)
                    .ok_or_else(|| bad("a number in (0, 1)"))?
            }
            "--n" => n = int(1)? as f64,
            "--xbar" => xbar = real()?,
            "--prior" => {
                prior = Prior::parse(&value).map_err(|m| format!("`--prior`: {m}; {USAGE}"))?;
                if !matches!(prior, Prior::Uniform { .. } | Prior::Normal { .. }) {
                    return Err(format!(
                        "`--prior {value}`: the toy's analytic posterior needs a uniform or a normal prior"
                    ));
                }
            }
            _ => return Err(format!("unknown flag `{flag}`; {USAGE}")),
        }
    }
    Ok(Args {
        settings: s,
        prior,
        n,
        xbar,
    })
}

/// Standard normal density and distribution function (the latter by the complementary
/// error function of Numerical Recipes, `erfcc`, relative error < 1.2e-7).
fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

fn big_phi(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.26551223
        + t * (1.00002368
            + t * (0.37409196
                + t * (0.09678418
                    + t * (-0.18628806
                        + t * (0.27886807
                            + t * (-1.13520398
                                + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 {
        1.0 - 0.5 * erfc
    } else {
        0.5 * erfc
    }
}

/// Analytic posterior mean and sd.
fn analytic(prior: &Prior, n: f64, xbar: f64) -> (f64, f64) {
    match *prior {
        Prior::Normal { mean, sd } => {
            let precision = 1.0 / (sd * sd) + n;
            (
                (mean / (sd * sd) + n * xbar) / precision,
                precision.sqrt().recip(),
            )
        }
        Prior::Uniform { low, high } => {
            // N(xbar, 1/n) truncated to [low, high].
            let s = n.sqrt().recip();
            let (a, b) = ((low - xbar) / s, (high - xbar) / s);
            let z = big_phi(b) - big_phi(a);
            let m = (phi(a) - phi(b)) / z;
            let v = 1.0 + (a * phi(a) - b * phi(b)) / z - m * m;
            (xbar + s * m, s * v.sqrt())
        }
        _ => unreachable!("checked in parse_args"),
    }
}

/// Weighted posterior mean and sd of a generation.
fn moments(g: &Generation) -> (f64, f64) {
    let m: f64 = g.particles.iter().map(|p| p.weight * p.theta[0]).sum();
    let v: f64 = g
        .particles
        .iter()
        .map(|p| p.weight * (p.theta[0] - m).powi(2))
        .sum();
    (m, v.sqrt())
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(m) => {
            eprintln!("abc_toy: {m}");
            std::process::exit(2);
        }
    };
    let Args {
        settings: s,
        prior,
        n,
        xbar,
    } = args;
    let seed = s.seed;
    // The model: its seed is the attempt's model seed, as in `monotown calibrate`.
    let simulate = |theta: &[f64], t: u32, a: u64| -> Result<Outcome, String> {
        let mut rng = Stream::new(abc::model_seed(seed, t, a, 0), Process::CalibrateSeed, 0, 0);
        let ybar = theta[0] + std_normal(&mut rng) / n.sqrt();
        Ok(Outcome {
            distance: (ybar - xbar).abs(),
            stats: vec![ybar],
        })
    };
    println!("generation,epsilon,acceptance,ess,mean,sd,attempts,runs");
    let mut done = Vec::new();
    let result = abc::run(&s, &[prior], &mut done, &simulate, |g| {
        let (m, sd) = moments(g);
        println!(
            "{},{},{:.6},{:.2},{:.6},{:.6},{},{}",
            g.index,
            g.epsilon.map_or("inf".to_string(), |e| format!("{e:.6}")),
            g.acceptance_rate(),
            g.ess(),
            m,
            sd,
            g.attempts,
            g.runs
        );
        Ok(())
    });
    if let Err(m) = result {
        eprintln!("abc_toy: {m}");
        std::process::exit(1);
    }
    let (m, sd) = analytic(&prior, n, xbar);
    println!("# analytic,{m:.6},{sd:.6}");
}
