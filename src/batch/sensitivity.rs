//! Global sensitivity analysis of batch-run outputs, following SALib's estimators.
//!
//! - Morris screening ([`morris_indices`]): elementary effects along one-at-a-time
//!   trajectories (Morris 1991, *Technometrics* 33(2):161–174), summarised by their mean
//!   `mu`, the mean absolute effect `mu*` (Campolongo, Cariboni & Saltelli 2007, *Environ.
//!   Model. Softw.* 22:1509–1518) and their standard deviation `sigma`, with a bootstrap
//!   confidence interval on `mu*`, as `SALib.analyze.morris.analyze` (unscaled effects).
//! - Variance-based Sobol' indices ([`sobol_indices`], [`sobol_second_order`]) from a
//!   Saltelli design: first order with the estimator of Saltelli et al. 2010 (*Comput. Phys.
//!   Commun.* 181:259–270, table 2 (b)), total order with Jansen's estimator (Jansen 1999,
//!   *Comput. Phys. Commun.* 117:35–43; Saltelli et al. 2010, table 2 (f)), second order as in
//!   Saltelli 2002 (*Comput. Phys. Commun.* 145:280–297), all as `SALib.analyze.sobol.analyze`,
//!   with bootstrap confidence intervals over the base rows.
//!
//! The inputs are the row layouts of [`super::design::morris_trajectories`] and
//! [`super::design::saltelli_sample`]. Point estimates agree with SALib to rounding; the
//! confidence intervals use this module's own seeded resampling, so they agree with SALib's
//! only in distribution. Bootstrap draws come from the crate's [`crate::rng::Stream`] keyed
//! by `(seed, Process::Design)`, so results depend on the seed and the crate alone.

use serde::{Deserialize, Serialize};

use crate::rng::{Process, Stream};

/// The 97.5 % standard normal quantile: confidence intervals are `Z_95 * sd(bootstrap)`,
/// the half-width of a 95 % interval (`scipy.stats.norm.ppf(0.975)`, as SALib uses).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Why an analysis could not be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SensitivityError {
    /// No factors.
    #[error("analysis needs at least one factor, but k = 0")]
    ZeroFactors,
    /// The output count does not fit the design layout.
    #[error(
        "{len} outputs do not fit the design: expected a multiple of {block} \
         (one block of {block} runs per base sample or trajectory for k = {k})"
    )]
    LayoutMismatch {
        /// Number of outputs given.
        len: usize,
        /// Number of factors.
        k: usize,
        /// Rows per base sample (`k + 2`, `2k + 2`) or per trajectory (`k + 1`).
        block: usize,
    },
    /// Too few base samples or trajectories for a variance or standard deviation.
    #[error("analysis needs at least 2 {unit}, but the outputs hold {found}")]
    TooFewSamples {
        /// "base samples" or "trajectories".
        unit: &'static str,
        /// How many the outputs hold.
        found: usize,
    },
    /// Fewer than two bootstrap resamples cannot give a standard deviation.
    #[error(
        "confidence intervals need at least 2 bootstrap resamples, but n_bootstrap = {n_bootstrap}"
    )]
    TooFewResamples {
        /// Resamples asked for.
        n_bootstrap: usize,
    },
    /// A model output is NaN or infinite.
    #[error("model output {index} is not finite ({value})")]
    NonFiniteOutput {
        /// Index of the output.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Inputs and outputs differ in number.
    #[error("{inputs} input rows but {outputs} outputs")]
    InputOutputMismatch {
        /// Rows of inputs.
        inputs: usize,
        /// Outputs.
        outputs: usize,
    },
    /// An input row has the wrong number of coordinates.
    #[error("input row {row} has {found} coordinates but k = {k}")]
    InputWidth {
        /// Index of the row.
        row: usize,
        /// Number of factors.
        k: usize,
        /// Coordinates found.
        found: usize,
    },
    /// Morris analysis needs the levels of its design.
    #[error("Morris analysis needs at least 2 levels, but levels = {levels}")]
    MorrisTooFewLevels {
        /// The levels given.
        levels: usize,
    },
    /// A trajectory step that does not move exactly one factor.
    #[error(
        "trajectory {trajectory} is not a Morris trajectory: step {step} moves {moved} factors \
         (each step must move exactly one)"
    )]
    NotATrajectory {
        /// Index of the trajectory.
        trajectory: usize,
        /// Row within the trajectory that was compared with its predecessor (1..=k).
        step: usize,
        /// Factors whose value changed at this step.
        moved: usize,
    },
    /// A trajectory that moves a factor twice, and so leaves another unmoved.
    #[error(
        "trajectory {trajectory} is not a Morris trajectory: step {step} moves factor {factor} \
         a second time (each factor must move exactly once)"
    )]
    FactorMovedTwice {
        /// Index of the trajectory.
        trajectory: usize,
        /// Row within the trajectory that was compared with its predecessor (1..=k).
        step: usize,
        /// Index of the factor.
        factor: usize,
    },
}

/// Morris measures of one factor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MorrisIndex {
    /// Mean elementary effect: its sign gives the direction of a monotone influence.
    pub mu: f64,
    /// Mean absolute elementary effect, the screening measure (Campolongo et al. 2007).
    pub mu_star: f64,
    /// Standard deviation of the elementary effects (`ddof = 1`): large when the factor
    /// interacts with others or acts non-linearly.
    pub sigma: f64,
    /// Half-width of the bootstrap 95 % confidence interval on `mu_star`.
    pub mu_star_conf: f64,
}

/// First- and total-order Sobol' indices of one factor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SobolIndex {
    /// First-order index: the share of output variance due to the factor alone.
    pub s1: f64,
    /// Half-width of the bootstrap 95 % confidence interval on `s1`.
    pub s1_conf: f64,
    /// Total-order index: the share due to the factor including all its interactions.
    pub st: f64,
    /// Half-width of the bootstrap 95 % confidence interval on `st`.
    pub st_conf: f64,
}

/// Second-order Sobol' index of a pair of factors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SecondOrderIndex {
    /// First factor of the pair.
    pub i: usize,
    /// Second factor of the pair (`j > i`).
    pub j: usize,
    /// Share of output variance due to the interaction of `i` and `j` alone.
    pub s2: f64,
    /// Half-width of the bootstrap 95 % confidence interval on `s2`.
    pub s2_conf: f64,
}

/// Morris measures per factor from the outputs `y` of a Morris design `x`
/// (`SALib.analyze.morris.analyze` with `scaled=False`).
///
/// `x` holds `r` trajectories of `k + 1` rows as made by
/// [`super::design::morris_trajectories`], either on the unit cube or scaled to the
/// factors' ranges: only which coordinate changes between consecutive rows, and in which
/// direction, is read from it. Prefer the unit design when factors are mapped to discrete
/// values, where a step may not change the scaled value. The elementary effect of the factor
/// moved at a step is `(y at its upper value - y at its lower value) / delta`, with the unit-cube step
/// `delta = levels / (2 (levels - 1))`, so effects are per unit of the factor's normalised
/// range. `mu_star_conf` resamples each factor's `r` effects with replacement
/// `n_bootstrap` times.
pub fn morris_indices(
    x: &[Vec<f64>],
    y: &[f64],
    k: usize,
    levels: usize,
    n_bootstrap: usize,
    seed: u64,
) -> Result<Vec<MorrisIndex>, SensitivityError> {
    if k == 0 {
        return Err(SensitivityError::ZeroFactors);
    }
    if levels < 2 {
        return Err(SensitivityError::MorrisTooFewLevels { levels });
    }
    if x.len() != y.len() {
        return Err(SensitivityError::InputOutputMismatch {
            inputs: x.len(),
            outputs: y.len(),
        });
    }
    let block = k + 1;
    if !y.len().is_multiple_of(block) {
        return Err(SensitivityError::LayoutMismatch {
            len: y.len(),
            k,
            block,
        });
    }
    let r = y.len() / block;
    if r < 2 {
        return Err(SensitivityError::TooFewSamples {
            unit: "trajectories",
            found: r,
        });
    }
    if n_bootstrap < 2 {
        return Err(SensitivityError::TooFewResamples { n_bootstrap });
    }
    check_finite(y)?;
    if let Some((row, p)) = x.iter().enumerate().find(|(_, p)| p.len() != k) {
        return Err(SensitivityError::InputWidth {
            row,
            k,
            found: p.len(),
        });
    }

    let delta = levels as f64 / (2.0 * (levels - 1) as f64);
    // effects[j][t]: the elementary effect of factor j in trajectory t.
    let mut effects = vec![vec![0.0; r]; k];
    let mut seen = vec![usize::MAX; k];
    for t in 0..r {
        let rows = &x[t * block..(t + 1) * block];
        let outs = &y[t * block..(t + 1) * block];
        for step in 1..block {
            let (before, after) = (&rows[step - 1], &rows[step]);
            let mut moved = (0..k).filter(|&j| after[j] != before[j]);
            let (j, extra) = (moved.next(), moved.count());
            let not_trajectory = |moved| SensitivityError::NotATrajectory {
                trajectory: t,
                step,
                moved,
            };
            let j = match (j, extra) {
                (Some(j), 0) => j,
                (None, _) => return Err(not_trajectory(0)),
                (Some(_), extra) => return Err(not_trajectory(1 + extra)),
            };
            // A factor moved twice would leave another unmoved and its effect unset.
            if seen[j] == t {
                return Err(SensitivityError::FactorMovedTwice {
                    trajectory: t,
                    step,
                    factor: j,
                });
            }
            seen[j] = t;
            // Orient the difference from the factor's lower to its upper value, so that a
            // step down contributes the same effect as a step up over the same interval.
            let rise = outs[step] - outs[step - 1];
            let dy = if after[j] > before[j] { rise } else { -rise };
            effects[j][t] = dy / delta;
        }
    }

    let mut rng = Stream::new(seed, Process::Design, 0, 0);
    let rf = r as f64;
    Ok(effects
        .iter()
        .map(|ee| {
            let mu = ee.iter().sum::<f64>() / rf;
            let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / rf;
            let sigma = (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (rf - 1.0)).sqrt();
            let resampled: Vec<f64> = (0..n_bootstrap)
                .map(|_| {
                    (0..r)
                        .map(|_| ee[rng.below(r as u64) as usize].abs())
                        .sum::<f64>()
                        / rf
                })
                .collect();
            MorrisIndex {
                mu,
                mu_star,
                sigma,
                mu_star_conf: Z_95 * sample_sd(&resampled),
            }
        })
        .collect())
}

/// The output blocks of a Saltelli design, normalised as SALib does.
struct Blocks {
    a: Vec<f64>,
    b: Vec<f64>,
    /// `ab[j][row]`: output at `A` with column `j` from `B`.
    ab: Vec<Vec<f64>>,
    /// `ba[j][row]`: output at `B` with column `j` from `A` (empty without second order).
    ba: Vec<Vec<f64>>,
}

/// Validate a Saltelli output vector and split it into its blocks; `None` when the output
/// is constant, in which case every index is zero.
fn saltelli_blocks(
    y: &[f64],
    k: usize,
    second_order: bool,
    n_bootstrap: usize,
) -> Result<Option<Blocks>, SensitivityError> {
    if k == 0 {
        return Err(SensitivityError::ZeroFactors);
    }
    let block = if second_order { 2 * k + 2 } else { k + 2 };
    if !y.len().is_multiple_of(block) {
        return Err(SensitivityError::LayoutMismatch {
            len: y.len(),
            k,
            block,
        });
    }
    let n = y.len() / block;
    if n < 2 {
        return Err(SensitivityError::TooFewSamples {
            unit: "base samples",
            found: n,
        });
    }
    if n_bootstrap < 2 {
        return Err(SensitivityError::TooFewResamples { n_bootstrap });
    }
    check_finite(y)?;
    // SALib standardises the outputs first: the S1 estimator mean(B (AB - A)) is not
    // invariant to a shift of the output, and centring reduces its bias.
    let len = y.len() as f64;
    let mean = y.iter().sum::<f64>() / len;
    let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / len).sqrt();
    if sd == 0.0 {
        // SALib would divide by zero here and report NaN; a constant output is better
        // described as sensitive to nothing.
        return Ok(None);
    }
    let z: Vec<f64> = y.iter().map(|v| (v - mean) / sd).collect();
    let column =
        |offset: usize| -> Vec<f64> { z.iter().skip(offset).step_by(block).copied().collect() };
    Ok(Some(Blocks {
        a: column(0),
        b: column(block - 1),
        ab: (0..k).map(|j| column(1 + j)).collect(),
        ba: if second_order {
            (0..k).map(|j| column(1 + k + j)).collect()
        } else {
            Vec::new()
        },
    }))
}

/// Variance (`ddof = 0`) of `A` and `B` stacked, over the base rows `idx`; 0 when the
/// stacked outputs are constant to within machine epsilon, which makes SALib's indices 0.
fn stacked_variance(a: &[f64], b: &[f64], idx: &[usize]) -> f64 {
    let values = || idx.iter().flat_map(|&i| [a[i], b[i]]);
    let (lo, hi) = values().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if hi - lo <= f64::EPSILON {
        return 0.0;
    }
    let m = 2.0 * idx.len() as f64;
    let mean = values().sum::<f64>() / m;
    let var = values().map(|v| (v - mean).powi(2)).sum::<f64>() / m;
    if var > f64::EPSILON { var } else { 0.0 }
}

/// `sum / var`, or 0 where SALib's `np.divide(..., where=var > eps)` leaves its zeros.
fn ratio(sum: f64, n: usize, var: f64) -> f64 {
    if var > 0.0 { sum / n as f64 / var } else { 0.0 }
}

/// Saltelli et al. 2010 first-order estimator, SALib's `first_order`.
fn first_order(bl: &Blocks, j: usize, idx: &[usize], var: f64) -> f64 {
    let sum: f64 = idx.iter().map(|&i| bl.b[i] * (bl.ab[j][i] - bl.a[i])).sum();
    ratio(sum, idx.len(), var)
}

/// Jansen 1999 total-order estimator, SALib's `total_order`.
fn total_order(bl: &Blocks, j: usize, idx: &[usize], var: f64) -> f64 {
    let sum: f64 = idx.iter().map(|&i| (bl.a[i] - bl.ab[j][i]).powi(2)).sum();
    0.5 * ratio(sum, idx.len(), var)
}

/// Saltelli 2002 second-order estimator, SALib's `second_order`.
fn second_order(bl: &Blocks, j: usize, l: usize, idx: &[usize], var: f64) -> f64 {
    let sum: f64 = idx
        .iter()
        .map(|&i| bl.ba[j][i] * bl.ab[l][i] - bl.a[i] * bl.b[i])
        .sum();
    ratio(sum, idx.len(), var) - first_order(bl, j, idx, var) - first_order(bl, l, idx, var)
}

/// The base-row index sets of the bootstrap: `n_bootstrap` draws of `n` rows with
/// replacement, shared by all factors as in SALib.
fn resamples(n: usize, n_bootstrap: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = Stream::new(seed, Process::Design, 0, 0);
    (0..n_bootstrap)
        .map(|_| (0..n).map(|_| rng.below(n as u64) as usize).collect())
        .collect()
}

/// A point estimate on all base rows and `Z_95` times its bootstrap standard deviation.
fn estimate(
    bl: &Blocks,
    boot: &[(Vec<usize>, f64)],
    f: impl Fn(&Blocks, &[usize], f64) -> f64,
) -> (f64, f64) {
    let all: Vec<usize> = (0..bl.a.len()).collect();
    let point = f(bl, &all, stacked_variance(&bl.a, &bl.b, &all));
    let draws: Vec<f64> = boot.iter().map(|(idx, var)| f(bl, idx, *var)).collect();
    (point, Z_95 * sample_sd(&draws))
}

fn bootstrap(bl: &Blocks, n_bootstrap: usize, seed: u64) -> Vec<(Vec<usize>, f64)> {
    resamples(bl.a.len(), n_bootstrap, seed)
        .into_iter()
        .map(|idx| {
            let var = stacked_variance(&bl.a, &bl.b, &idx);
            (idx, var)
        })
        .collect()
}

/// First- and total-order Sobol' indices per factor from the outputs `y` of a Saltelli
/// design (`SALib.analyze.sobol.analyze`).
///
/// `y[i]` is the output at row `i` of [`super::design::saltelli_sample`] with the same `k`
/// and `second_order`: `N (k + 2)` or `N (2k + 2)` values. As in SALib, the outputs are
/// standardised, then `S1_j = mean(B (AB_j - A)) / V` and `ST_j = mean((A - AB_j)^2) / (2V)`
/// with `V` the variance (`ddof = 0`) of `A` and `B` stacked. Confidence half-widths are
/// `Z_95` times the standard deviation (`ddof = 1`) of the estimates over `n_bootstrap`
/// resamples of the `N` base rows drawn with replacement. A constant output gives all-zero
/// indices (SALib reports NaN). Estimates can fall slightly outside `[0, 1]` at small `N`.
pub fn sobol_indices(
    y: &[f64],
    k: usize,
    second_order: bool,
    n_bootstrap: usize,
    seed: u64,
) -> Result<Vec<SobolIndex>, SensitivityError> {
    let Some(bl) = saltelli_blocks(y, k, second_order, n_bootstrap)? else {
        return Ok(vec![
            SobolIndex {
                s1: 0.0,
                s1_conf: 0.0,
                st: 0.0,
                st_conf: 0.0
            };
            k
        ]);
    };
    let boot = bootstrap(&bl, n_bootstrap, seed);
    Ok((0..k)
        .map(|j| {
            let (s1, s1_conf) = estimate(&bl, &boot, |bl, idx, var| first_order(bl, j, idx, var));
            let (st, st_conf) = estimate(&bl, &boot, |bl, idx, var| total_order(bl, j, idx, var));
            SobolIndex {
                s1,
                s1_conf,
                st,
                st_conf,
            }
        })
        .collect())
}

/// Second-order Sobol' indices for every pair `i < j` (in row-major pair order) from the
/// outputs of a Saltelli design built with `second_order = true` (SALib's `S2`, Saltelli
/// 2002): `S2_ij = mean(BA_i AB_j - A B) / V - S1_i - S1_j`. Outputs are standardised and
/// confidence intervals bootstrapped as in [`sobol_indices`]; the same `seed` draws the same
/// resamples there and here.
pub fn sobol_second_order(
    y: &[f64],
    k: usize,
    n_bootstrap: usize,
    seed: u64,
) -> Result<Vec<SecondOrderIndex>, SensitivityError> {
    let pairs = (0..k).flat_map(|i| (i + 1..k).map(move |j| (i, j)));
    let Some(bl) = saltelli_blocks(y, k, true, n_bootstrap)? else {
        return Ok(pairs
            .map(|(i, j)| SecondOrderIndex {
                i,
                j,
                s2: 0.0,
                s2_conf: 0.0,
            })
            .collect());
    };
    let boot = bootstrap(&bl, n_bootstrap, seed);
    Ok(pairs
        .map(|(i, j)| {
            let (s2, s2_conf) =
                estimate(&bl, &boot, |bl, idx, var| second_order(bl, i, j, idx, var));
            SecondOrderIndex { i, j, s2, s2_conf }
        })
        .collect())
}

fn check_finite(y: &[f64]) -> Result<(), SensitivityError> {
    match y.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(SensitivityError::NonFiniteOutput {
            index,
            value: y[index],
        }),
        None => Ok(()),
    }
}

/// Standard deviation with `ddof = 1` (needs at least two values).
fn sample_sd(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::batch::design::{Factor, morris_trajectories, saltelli_sample, scale};
    use std::f64::consts::PI;

    /// Ishigami & Homma 1990 with a = 7, b = 0.1, on [-pi, pi]^3.
    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    fn ishigami_factors() -> Vec<Factor> {
        (1..=3)
            .map(|i| Factor::new(format!("x{i}"), -PI, PI))
            .collect()
    }

    /// Analytic indices: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, and so on.
    const S1: [f64; 3] = [0.3139, 0.4424, 0.0];
    const ST: [f64; 3] = [0.5576, 0.4424, 0.2437];

    /// Ishigami outputs on the design `saltelli_sample(n, 3, n, second_order)`, which is
    /// SALib's `sobol.sample(problem, n, scramble=False, skip_values=n)`.
    fn ishigami_saltelli(n: usize, second_order: bool) -> Vec<f64> {
        let unit = saltelli_sample(n, 3, n, second_order).unwrap();
        scale(&unit, &ishigami_factors())
            .unwrap()
            .iter()
            .map(|x| ishigami(x))
            .collect()
    }

    #[test]
    fn sobol_indices_of_ishigami() {
        for n in [1024, 2048] {
            let y = ishigami_saltelli(n, false);
            let indices = sobol_indices(&y, 3, false, 200, 11).unwrap();
            for (j, index) in indices.iter().enumerate() {
                // The design is deterministic, so these are fixed numbers (SALib gives the
                // same to 1e-15); the bounds leave room over the errors seen, at most 0.016
                // for S1 and 0.002 for ST.
                assert!(
                    (index.s1 - S1[j]).abs() < 0.03,
                    "n = {n}, S1[{j}] = {}",
                    index.s1
                );
                assert!(
                    (index.st - ST[j]).abs() < 0.01,
                    "n = {n}, ST[{j}] = {}",
                    index.st
                );
                for conf in [index.s1_conf, index.st_conf] {
                    assert!(
                        conf.is_finite() && conf > 0.0 && conf < 0.1,
                        "n = {n}, conf = {conf}"
                    );
                }
            }
        }
    }

    #[test]
    fn second_order_layout_gives_same_first_order_and_ishigami_interaction() {
        let n = 1024;
        let y = ishigami_saltelli(n, true);
        let with = sobol_indices(&y, 3, true, 100, 5).unwrap();
        let without = sobol_indices(&ishigami_saltelli(n, false), 3, false, 100, 5).unwrap();
        // The A, AB and B rows are the same points in both layouts; only the centring,
        // taken over all rows including BA, moves S1 a little (ST is shift-invariant).
        for (a, b) in with.iter().zip(&without) {
            assert!(
                (a.s1 - b.s1).abs() < 1e-3 && (a.st - b.st).abs() < 1e-12,
                "{a:?} {b:?}"
            );
        }
        let pairs = sobol_second_order(&y, 3, 100, 5).unwrap();
        assert_eq!(
            pairs.iter().map(|p| (p.i, p.j)).collect::<Vec<_>>(),
            [(0, 1), (0, 2), (1, 2)]
        );
        // Only x1 and x3 interact: S13 = ST3 - S3 = 0.2437.
        let expected = [0.0, 0.2437, 0.0];
        for (pair, s2) in pairs.iter().zip(expected) {
            assert!((pair.s2 - s2).abs() < 0.05, "S2 {:?}", pair);
            assert!(pair.s2_conf.is_finite() && pair.s2_conf > 0.0);
        }
    }

    #[test]
    fn sobol_bootstrap_is_seeded() {
        let y = ishigami_saltelli(256, false);
        let a = sobol_indices(&y, 3, false, 50, 1).unwrap();
        assert_eq!(a, sobol_indices(&y, 3, false, 50, 1).unwrap());
        let b = sobol_indices(&y, 3, false, 50, 2).unwrap();
        assert_ne!(a, b);
        for (a, b) in a.iter().zip(&b) {
            assert_eq!((a.s1, a.st), (b.s1, b.st));
        }
    }

    #[test]
    fn sobol_indices_are_invariant_to_affine_output_changes() {
        let y = ishigami_saltelli(128, false);
        let moved: Vec<f64> = y.iter().map(|v| 1e6 + 3.0 * v).collect();
        let (a, b) = (
            sobol_indices(&y, 3, false, 20, 1).unwrap(),
            sobol_indices(&moved, 3, false, 20, 1).unwrap(),
        );
        for (a, b) in a.iter().zip(&b) {
            assert!((a.s1 - b.s1).abs() < 1e-8 && (a.st - b.st).abs() < 1e-8);
        }
    }

    #[test]
    fn constant_output_is_sensitive_to_nothing() {
        let y = vec![4.2; 16 * 5];
        for index in sobol_indices(&y, 3, false, 10, 1).unwrap() {
            assert_eq!(
                index,
                SobolIndex {
                    s1: 0.0,
                    s1_conf: 0.0,
                    st: 0.0,
                    st_conf: 0.0
                }
            );
        }
        let y = vec![4.2; 16 * 8];
        assert!(
            sobol_second_order(&y, 3, 10, 1)
                .unwrap()
                .iter()
                .all(|p| p.s2 == 0.0 && p.s2_conf == 0.0)
        );
    }

    #[test]
    fn sobol_errors() {
        let y = vec![1.0; 50];
        assert_eq!(
            sobol_indices(&y, 0, false, 10, 1),
            Err(SensitivityError::ZeroFactors)
        );
        assert_eq!(
            sobol_indices(&y, 4, false, 10, 1),
            Err(SensitivityError::LayoutMismatch {
                len: 50,
                k: 4,
                block: 6
            })
        );
        assert_eq!(
            sobol_indices(&y[..5], 3, false, 10, 1),
            Err(SensitivityError::TooFewSamples {
                unit: "base samples",
                found: 1
            })
        );
        assert_eq!(
            sobol_indices(&y, 3, false, 1, 1),
            Err(SensitivityError::TooFewResamples { n_bootstrap: 1 })
        );
        let mut bad = y.clone();
        bad[7] = f64::NAN;
        assert!(matches!(
            sobol_indices(&bad, 3, false, 10, 1),
            Err(SensitivityError::NonFiniteOutput { index: 7, .. })
        ));
        assert_eq!(
            sobol_second_order(&y, 3, 10, 1),
            Err(SensitivityError::LayoutMismatch {
                len: 50,
                k: 3,
                block: 8
            })
        );
        let msg = sobol_indices(&y, 4, false, 10, 1).unwrap_err().to_string();
        assert!(
            msg.starts_with("50 outputs do not fit the design: expected a multiple of 6"),
            "{msg}"
        );
    }

    fn morris_on(
        f: impl Fn(&[f64]) -> f64,
        r: usize,
        k: usize,
        seed: u64,
    ) -> (Vec<Vec<f64>>, Vec<f64>) {
        let x = morris_trajectories(r, k, 4, seed).unwrap();
        let y = x.iter().map(|p| f(p)).collect();
        (x, y)
    }

    #[test]
    fn morris_ranks_factors_and_finds_the_inert_one() {
        let f = |x: &[f64]| 2.0 * x[0] + x[1] * x[1] + 0.0 * x[2];
        let (x, y) = morris_on(f, 30, 3, 4);
        let m = morris_indices(&x, &y, 3, 4, 500, 9).unwrap();
        // A linear factor's effect is its slope whichever way the step goes.
        assert!((m[0].mu - 2.0).abs() < 1e-12 && (m[0].mu_star - 2.0).abs() < 1e-12);
        assert!(m[0].sigma < 1e-12);
        assert_eq!(
            (m[2].mu, m[2].mu_star, m[2].sigma, m[2].mu_star_conf),
            (0.0, 0.0, 0.0, 0.0)
        );
        assert!(m[0].mu_star > m[1].mu_star && m[1].mu_star > m[2].mu_star);
        // x2^2 with delta = 2/3 from base 0 or 1/3: effects 2/3 or 4/3, so sigma > 0.
        assert!(m[1].sigma > 0.0 && m[1].mu_star_conf > 0.0 && m[1].mu_star_conf.is_finite());
    }

    #[test]
    fn morris_on_ishigami_shows_the_x3_interaction() {
        let unit = morris_trajectories(100, 3, 4, 21).unwrap();
        let x = scale(&unit, &ishigami_factors()).unwrap();
        let y: Vec<f64> = x.iter().map(|p| ishigami(p)).collect();
        let m = morris_indices(&x, &y, 3, 4, 1000, 2).unwrap();
        // x3 acts only through 0.1 x3^4 sin x1, whose sign follows x1: its effects are large
        // but of both signs, so mu* > 0 while mu is small and sigma large.
        assert!(m[2].mu_star > 1.0);
        assert!(m[2].sigma > m[2].mu_star);
        assert!(m[2].sigma > 3.0 * m[2].mu.abs());
        assert!(
            m.iter()
                .all(|i| i.mu_star_conf.is_finite() && i.mu_star_conf >= 0.0)
        );
        // Only the direction of each step is read from x, so the unit design gives the same.
        assert_eq!(m, morris_indices(&unit, &y, 3, 4, 1000, 2).unwrap());
    }

    #[test]
    fn morris_errors() {
        let f = |x: &[f64]| x[0] + x[1];
        let (x, y) = morris_on(f, 3, 2, 1);
        assert_eq!(
            morris_indices(&x, &y, 0, 4, 10, 1),
            Err(SensitivityError::ZeroFactors)
        );
        assert_eq!(
            morris_indices(&x, &y, 2, 1, 10, 1),
            Err(SensitivityError::MorrisTooFewLevels { levels: 1 })
        );
        assert_eq!(
            morris_indices(&x, &y[..8], 2, 4, 10, 1),
            Err(SensitivityError::InputOutputMismatch {
                inputs: 9,
                outputs: 8
            })
        );
        assert_eq!(
            morris_indices(&x[..8], &y[..8], 2, 4, 10, 1),
            Err(SensitivityError::LayoutMismatch {
                len: 8,
                k: 2,
                block: 3
            })
        );
        assert_eq!(
            morris_indices(&x[..3], &y[..3], 2, 4, 10, 1),
            Err(SensitivityError::TooFewSamples {
                unit: "trajectories",
                found: 1
            })
        );
        assert_eq!(
            morris_indices(&x, &y, 2, 4, 1, 1),
            Err(SensitivityError::TooFewResamples { n_bootstrap: 1 })
        );
        let mut bad_y = y.clone();
        bad_y[4] = f64::INFINITY;
        assert!(matches!(
            morris_indices(&x, &bad_y, 2, 4, 10, 1),
            Err(SensitivityError::NonFiniteOutput { index: 4, .. })
        ));
        let mut narrow = x.clone();
        narrow[5].pop();
        assert_eq!(
            morris_indices(&narrow, &y, 2, 4, 10, 1),
            Err(SensitivityError::InputWidth {
                row: 5,
                k: 2,
                found: 1
            })
        );
        // A step that moves nothing, one that moves two factors, and a factor moved twice.
        let frozen = vec![vec![0.0, 0.0], vec![0.0, 0.0], vec![0.0, 1.0]];
        let both = vec![vec![0.0, 0.0], vec![1.0, 1.0], vec![1.0, 0.0]];
        let twice = vec![vec![0.0, 0.0], vec![1.0, 0.0], vec![0.0, 0.0]];
        let mut bad = x.clone();
        bad[3..6].clone_from_slice(&twice);
        assert_eq!(
            morris_indices(&bad, &y, 2, 4, 10, 1),
            Err(SensitivityError::FactorMovedTwice {
                trajectory: 1,
                step: 2,
                factor: 0
            })
        );
        for (trajectory, moved) in [(frozen, 0), (both, 2)] {
            let mut bad = x.clone();
            bad[3..6].clone_from_slice(&trajectory);
            let err = morris_indices(&bad, &y, 2, 4, 10, 1).unwrap_err();
            assert!(
                matches!(err, SensitivityError::NotATrajectory { trajectory: 1, moved: m, .. } if m == moved),
                "{err}"
            );
        }
    }
}
