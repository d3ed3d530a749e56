//! Experimental designs for batch runs: which points of factor space the model is run at.
//!
//! Every design is built on the unit hypercube `[0, 1]^k`; [`scale`] maps unit points onto
//! the factors' ranges (discrete factors are mapped by the caller). The designs are:
//!
//! - a full factorial grid ([`full_factorial`]);
//! - Latin hypercube sampling ([`latin_hypercube`]; McKay, Beckman & Conover 1979,
//!   *Technometrics* 21(2):239–245);
//! - the Sobol' low-discrepancy sequence ([`sobol_points`]; Sobol' 1967, *USSR Comput. Math.
//!   Math. Phys.* 7(4):86–112) with the direction numbers of Joe & Kuo 2008 (*SIAM J. Sci.
//!   Comput.* 30(5):2635–2654, file `new-joe-kuo-6.21201`), in the Gray-code order of
//!   Antonov & Saleev 1979, so that it reproduces `scipy.stats.qmc.Sobol(d, scramble=False)`
//!   point for point;
//! - Saltelli's cross-sampling of two Sobol' matrices ([`saltelli_sample`]; Saltelli 2002,
//!   *Comput. Phys. Commun.* 145:280–297; Saltelli et al. 2010, *Comput. Phys. Commun.*
//!   181:259–270) in SALib's row layout, for the variance-based indices of
//!   [`super::sensitivity::sobol_indices`];
//! - Morris one-at-a-time trajectories ([`morris_trajectories`]; Morris 1991,
//!   *Technometrics* 33(2):161–174) for elementary-effects screening with `mu*`
//!   (Campolongo, Cariboni & Saltelli 2007, *Environ. Model. Softw.* 22:1509–1518), analysed by
//!   [`super::sensitivity::morris_indices`].
//!
//! Randomised designs take an explicit `seed` and draw from the crate's own generator,
//! [`crate::rng::Stream`] keyed by `(seed, Process::Design)`, like every other random draw of
//! monotown: a design depends on the seed and the crate alone, never on `rand`'s sampling.

use serde::{Deserialize, Serialize};

use crate::rng::{Process, Stream};

use joe_kuo::JOE_KUO;

mod joe_kuo;

/// Number of dimensions for which Sobol' direction numbers are embedded.
pub const MAX_SOBOL_DIMS: usize = JOE_KUO.len() + 1;

/// Largest number of factors a Saltelli design supports (it draws `2k` Sobol' dimensions).
pub const MAX_SALTELLI_FACTORS: usize = MAX_SOBOL_DIMS / 2;

/// Bits per Sobol' coordinate: the sequence has `2^32` points, each an exact dyadic rational.
const SOBOL_BITS: u32 = 32;

/// Why a design could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DesignError {
    /// A sample size of zero was asked for.
    #[error("design needs at least one point, but 0 points were requested")]
    ZeroPoints,
    /// No factors.
    #[error("design needs at least one factor, but k = 0")]
    ZeroFactors,
    /// A grid with zero levels per factor.
    #[error("grid design needs at least 1 level per factor, but levels = 0")]
    ZeroLevels,
    /// A Morris design with no trajectories.
    #[error("Morris design needs at least one trajectory, but trajectories = 0")]
    ZeroTrajectories,
    /// A Morris design needs at least two levels to take a step.
    #[error("Morris design needs at least 2 levels, but levels = {levels}")]
    MorrisTooFewLevels {
        /// The levels asked for.
        levels: usize,
    },
    /// Morris' sampling is only balanced for an even number of levels.
    #[error(
        "Morris design needs an even number of levels (Morris 1991: p even, delta = p/(2(p-1))), \
         but levels = {levels}"
    )]
    MorrisOddLevels {
        /// The levels asked for.
        levels: usize,
    },
    /// More Sobol' dimensions than direction numbers are embedded for.
    #[error(
        "Sobol' sequence has direction numbers for at most {max} dimensions, \
         but {dims} were requested"
    )]
    TooManySobolDimensions {
        /// Dimensions asked for.
        dims: usize,
        /// Dimensions available.
        max: usize,
    },
    /// A Saltelli design needs `2k` Sobol' dimensions.
    #[error(
        "Saltelli design draws 2k Sobol' dimensions and supports at most {max} factors, \
         but k = {k}"
    )]
    TooManySaltelliFactors {
        /// Factors asked for.
        k: usize,
        /// Factors available.
        max: usize,
    },
    /// The requested stretch runs past the end of the 32-bit Sobol' sequence.
    #[error("Sobol' sequence has 2^32 points, but {n} points after skipping {skip} were requested")]
    SobolExhausted {
        /// Points skipped.
        skip: usize,
        /// Points asked for.
        n: usize,
    },
    /// The design's point count does not fit in `usize`.
    #[error("{design} design is too large: its number of points overflows usize")]
    SizeOverflow {
        /// Which design.
        design: &'static str,
    },
    /// The run budget is smaller than the design.
    #[error("design needs at least {needed} points but n_points = {n_points}")]
    NotEnoughPoints {
        /// Points the design has.
        needed: usize,
        /// Points the caller allowed.
        n_points: usize,
    },
    /// A point has a different number of coordinates than there are factors.
    #[error("point {row} has {found} coordinates but {expected} factors were given")]
    DimensionMismatch {
        /// Index of the point.
        row: usize,
        /// Number of factors.
        expected: usize,
        /// Number of coordinates.
        found: usize,
    },
    /// A unit-cube coordinate outside `[0, 1]` (or NaN) was given to [`scale`].
    #[error("point {row}, coordinate {col} = {value} is outside the unit interval [0, 1]")]
    OutsideUnitCube {
        /// Index of the point.
        row: usize,
        /// Index of the coordinate.
        col: usize,
        /// The offending value.
        value: f64,
    },
    /// A factor whose range is empty, reversed or not finite.
    #[error("factor '{name}' has invalid bounds [{low}, {high}]: need finite low < high")]
    InvalidBounds {
        /// Factor name.
        name: String,
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
}

/// A continuous factor varied by a design, uniform on `[low, high]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// Name, e.g. the parameter's key path in the scenario file.
    pub name: String,
    /// Lower bound, reached at unit coordinate 0.
    pub low: f64,
    /// Upper bound, reached at unit coordinate 1.
    pub high: f64,
}

impl Factor {
    /// A factor named `name` on `[low, high]`.
    pub fn new(name: impl Into<String>, low: f64, high: f64) -> Self {
        Factor {
            name: name.into(),
            low,
            high,
        }
    }

    fn check(&self) -> Result<(), DesignError> {
        // SALib rejects empty ranges too; a zero-width factor would also hide Morris steps
        // from the analysis, which detects them from the scaled inputs.
        if self.low.is_finite() && self.high.is_finite() && self.low < self.high {
            Ok(())
        } else {
            Err(DesignError::InvalidBounds {
                name: self.name.clone(),
                low: self.low,
                high: self.high,
            })
        }
    }

    /// Map a unit coordinate to the factor's range. Unit 0 and 1 give `low` and `high`
    /// exactly, so grid designs hit the stated bounds without rounding drift.
    fn at(&self, u: f64) -> f64 {
        if u >= 1.0 {
            self.high
        } else {
            (self.low + u * (self.high - self.low)).clamp(self.low, self.high)
        }
    }
}

/// A design, as named in a batch configuration.
///
/// Serialised internally tagged, e.g. `{"method": "morris", "trajectories": 20, "levels": 4}`
/// or `method = "saltelli"` with `base_samples = 1024` in TOML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Design {
    /// Full factorial grid with `levels` equally spaced values per factor: `levels^k` points.
    Grid {
        /// Values per factor (1 gives the midpoint).
        levels: usize,
    },
    /// Latin hypercube of `n_points` points.
    LatinHypercube,
    /// The first `n_points` points of the unscrambled Sobol' sequence (point 0 included;
    /// a power of two keeps every dyadic interval of each axis equally filled).
    Sobol,
    /// Morris trajectories: `trajectories * (k + 1)` points.
    Morris {
        /// Number of trajectories `r`.
        trajectories: usize,
        /// Grid levels `p` (even, at least 2; 4 is customary).
        levels: usize,
    },
    /// Saltelli cross-sampling: `base_samples * (k + 2)` points, or
    /// `base_samples * (2k + 2)` with `second_order`.
    Saltelli {
        /// Base sample size `N` (a power of two keeps the Sobol' balance).
        base_samples: usize,
        /// Also build the `BA` blocks needed for second-order indices (false when omitted).
        #[serde(default)]
        second_order: bool,
    },
}

impl Design {
    /// Number of points a fixed-size design has for `k` factors, or `None` for the designs
    /// whose size is the caller's `n_points` (Latin hypercube, Sobol').
    pub fn fixed_size(&self, k: usize) -> Result<Option<usize>, DesignError> {
        if k == 0 {
            return Err(DesignError::ZeroFactors);
        }
        match *self {
            Design::LatinHypercube | Design::Sobol => Ok(None),
            Design::Grid { levels } => grid_size(k, levels).map(Some),
            Design::Morris {
                trajectories,
                levels,
            } => {
                check_morris(trajectories, levels)?;
                trajectories
                    .checked_mul(k + 1)
                    .map(Some)
                    .ok_or(DesignError::SizeOverflow { design: "Morris" })
            }
            Design::Saltelli {
                base_samples,
                second_order,
            } => {
                if base_samples == 0 {
                    return Err(DesignError::ZeroPoints);
                }
                saltelli_rows(base_samples, k, second_order).map(Some)
            }
        }
    }

    /// Build the design for `k` factors on the unit hypercube.
    ///
    /// `n_points` is the sample size of the Latin hypercube and Sobol' designs, and the run
    /// budget of the fixed-size ones: a grid, Morris or Saltelli design larger than
    /// `n_points` is refused with [`DesignError::NotEnoughPoints`], a smaller one is returned
    /// whole (see [`Design::fixed_size`]). `seed` drives the Latin hypercube and Morris
    /// designs; the others are deterministic and ignore it. The Saltelli design skips the
    /// first `max(16, N rounded up to a power of two)` Sobol' points, the default of SALib's
    /// unscrambled sampler, because the sequence starts at the all-zero corner where `A`
    /// and `B` coincide.
    pub fn generate(
        &self,
        k: usize,
        n_points: usize,
        seed: u64,
    ) -> Result<Vec<Vec<f64>>, DesignError> {
        // A plain `match` rather than a let chain: the crate's MSRV (1.85) predates them.
        match self.fixed_size(k)? {
            Some(needed) if needed > n_points => {
                return Err(DesignError::NotEnoughPoints { needed, n_points });
            }
            _ => {}
        }
        match *self {
            Design::Grid { levels } => full_factorial(k, levels),
            Design::LatinHypercube => latin_hypercube(n_points, k, seed),
            Design::Sobol => sobol_points(n_points, k, 0),
            Design::Morris {
                trajectories,
                levels,
            } => morris_trajectories(trajectories, k, levels, seed),
            Design::Saltelli {
                base_samples,
                second_order,
            } => {
                let skip = base_samples
                    .checked_next_power_of_two()
                    .unwrap_or(usize::MAX)
                    .max(16);
                saltelli_sample(base_samples, k, skip, second_order)
            }
        }
    }
}

/// Map unit-hypercube points onto the factors' ranges: coordinate `j` of each point becomes
/// `low_j + u (high_j - low_j)`, with 0 and 1 giving the bounds exactly.
pub fn scale(unit: &[Vec<f64>], factors: &[Factor]) -> Result<Vec<Vec<f64>>, DesignError> {
    for factor in factors {
        factor.check()?;
    }
    unit.iter()
        .enumerate()
        .map(|(row, point)| {
            if point.len() != factors.len() {
                return Err(DesignError::DimensionMismatch {
                    row,
                    expected: factors.len(),
                    found: point.len(),
                });
            }
            point
                .iter()
                .zip(factors)
                .enumerate()
                .map(|(col, (&u, factor))| {
                    if (0.0..=1.0).contains(&u) {
                        Ok(factor.at(u))
                    } else {
                        Err(DesignError::OutsideUnitCube { row, col, value: u })
                    }
                })
                .collect()
        })
        .collect()
}

fn grid_size(k: usize, levels: usize) -> Result<usize, DesignError> {
    if levels == 0 {
        return Err(DesignError::ZeroLevels);
    }
    u32::try_from(k)
        .ok()
        .and_then(|k| levels.checked_pow(k))
        .ok_or(DesignError::SizeOverflow { design: "grid" })
}

/// Full factorial grid: `levels^k` points, `levels` equally spaced values per axis including
/// 0 and 1 (`levels = 1` gives the midpoint 0.5).
///
/// Rows are in lexicographic order with the last factor varying fastest, like
/// `itertools.product` or a C-order `numpy.meshgrid(..., indexing="ij")`.
pub fn full_factorial(k: usize, levels: usize) -> Result<Vec<Vec<f64>>, DesignError> {
    if k == 0 {
        return Err(DesignError::ZeroFactors);
    }
    let n = grid_size(k, levels)?;
    let value = |level: usize| {
        if levels == 1 {
            0.5
        } else {
            level as f64 / (levels - 1) as f64
        }
    };
    let mut rows = Vec::with_capacity(n);
    let mut digits = vec![0usize; k];
    for _ in 0..n {
        rows.push(digits.iter().map(|&d| value(d)).collect());
        // Odometer increment, last digit fastest.
        for d in digits.iter_mut().rev() {
            *d += 1;
            if *d < levels {
                break;
            }
            *d = 0;
        }
    }
    Ok(rows)
}

/// Latin hypercube sample of `n` points in `k` dimensions (McKay et al. 1979).
///
/// Each axis is cut into `n` equal strata and every stratum holds exactly one point: point
/// `i` lies in stratum `perm_j(i)` of axis `j`, with an independent random permutation per
/// axis and a uniform position inside the stratum. "Stratum `s`" means
/// `floor(x * n) == s`, which holds exactly in floating point.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Result<Vec<Vec<f64>>, DesignError> {
    if n == 0 {
        return Err(DesignError::ZeroPoints);
    }
    if k == 0 {
        return Err(DesignError::ZeroFactors);
    }
    let mut rng = Stream::new(seed, Process::Design, 0, 0);
    let mut rows = vec![vec![0.0; k]; n];
    let mut perm: Vec<usize> = (0..n).collect();
    for j in 0..k {
        shuffle(&mut perm, &mut rng);
        for (row, &stratum) in rows.iter_mut().zip(&perm) {
            row[j] = in_stratum(stratum, rng.uniform(), n);
        }
    }
    Ok(rows)
}

/// `(stratum + u) / n`, nudged by single ulps where rounding in the division pushed it
/// across a stratum edge, so that `floor(x * n) == stratum` and `x < 1` always hold.
fn in_stratum(stratum: usize, u: f64, n: usize) -> f64 {
    let nf = n as f64;
    let s = stratum as f64;
    let mut x = (s + u) / nf;
    while (x * nf).floor() > s {
        x = f64::from_bits(x.to_bits() - 1);
    }
    while (x * nf).floor() < s {
        x = f64::from_bits(x.to_bits() + 1);
    }
    x
}

/// Left-aligned 32-bit direction numbers `v_1..v_32` of Sobol' dimension `dim` (0-based).
fn direction_numbers(dim: usize) -> [u32; SOBOL_BITS as usize] {
    let mut v = [0u32; SOBOL_BITS as usize];
    if dim == 0 {
        // Dimension 1 has all m_i = 1: the van der Corput sequence.
        for (i, vi) in v.iter_mut().enumerate() {
            *vi = 1 << (SOBOL_BITS - 1 - i as u32);
        }
        return v;
    }
    let (s, a, m) = JOE_KUO[dim - 1];
    let s = s as usize;
    for i in 0..s {
        v[i] = m[i] << (SOBOL_BITS - 1 - i as u32);
    }
    // Recurrence of Bratley & Fox 1988 as in Joe & Kuo's reference code: the primitive
    // polynomial's inner coefficients `a` select which earlier numbers are mixed in.
    for i in s..SOBOL_BITS as usize {
        let mut vi = v[i - s] ^ (v[i - s] >> s);
        for t in 1..s {
            if (a >> (s - 1 - t)) & 1 == 1 {
                vi ^= v[i - t];
            }
        }
        v[i] = vi;
    }
    v
}

/// `n` points of the unscrambled `k`-dimensional Sobol' sequence after skipping the first
/// `skip` (Sobol' 1967; Joe & Kuo 2008 direction numbers, `new-joe-kuo-6.21201`).
///
/// Points are in Gray-code order and the sequence starts with the all-zero point at index 0,
/// exactly as `scipy.stats.qmc.Sobol(k, scramble=False)` followed by `fast_forward(skip)`:
/// dimension 1 runs 0, 0.5, 0.75, 0.25, 0.375, 0.875, … Coordinates are exact multiples of
/// `2^-32`. Errors if `n` or `k` is zero, `k > MAX_SOBOL_DIMS`, or `skip + n > 2^32`.
pub fn sobol_points(n: usize, k: usize, skip: usize) -> Result<Vec<Vec<f64>>, DesignError> {
    if n == 0 {
        return Err(DesignError::ZeroPoints);
    }
    if k == 0 {
        return Err(DesignError::ZeroFactors);
    }
    if k > MAX_SOBOL_DIMS {
        return Err(DesignError::TooManySobolDimensions {
            dims: k,
            max: MAX_SOBOL_DIMS,
        });
    }
    let end = (skip as u128) + (n as u128);
    if end > 1u128 << SOBOL_BITS {
        return Err(DesignError::SobolExhausted { skip, n });
    }
    let directions: Vec<_> = (0..k).map(direction_numbers).collect();
    let first = skip as u64;
    // Point i is the XOR of the direction numbers selected by the bits of gray(i); jump
    // straight there, then step by flipping one bit per point (Antonov & Saleev 1979).
    let gray = first ^ (first >> 1);
    let mut state: Vec<u32> = directions
        .iter()
        .map(|v| {
            (0..SOBOL_BITS)
                .filter(|b| (gray >> b) & 1 == 1)
                .fold(0, |x, b| x ^ v[b as usize])
        })
        .collect();
    let scale = 1.0 / (1u64 << SOBOL_BITS) as f64;
    let mut rows = Vec::with_capacity(n);
    for offset in 0..n as u64 {
        if offset > 0 {
            let bit = (first + offset).trailing_zeros() as usize;
            for (x, v) in state.iter_mut().zip(&directions) {
                *x ^= v[bit];
            }
        }
        rows.push(state.iter().map(|&x| f64::from(x) * scale).collect());
    }
    Ok(rows)
}

fn saltelli_rows(n: usize, k: usize, second_order: bool) -> Result<usize, DesignError> {
    let blocks = if second_order {
        k.checked_mul(2).and_then(|b| b.checked_add(2))
    } else {
        k.checked_add(2)
    };
    blocks
        .and_then(|b| b.checked_mul(n))
        .ok_or(DesignError::SizeOverflow { design: "Saltelli" })
}

/// Saltelli cross-sample for Sobol' indices (Saltelli 2002; Saltelli et al. 2010), with
/// SALib's row layout (`SALib.sample.sobol.sample` with `scramble=False`,
/// `skip_values=skip`).
///
/// A `2k`-dimensional Sobol' sample of `n` points (after `skip`) gives the base matrices
/// `A` (first `k` columns) and `B` (last `k`). For each base row `j` the output holds, in
/// order: `A_j`; `AB_j^(1)..AB_j^(k)` where `AB^(i)` is `A` with column `i` taken from `B`;
/// if `second_order`, `BA_j^(1)..BA_j^(k)` where `BA^(i)` is `B` with column `i` taken from
/// `A`; then `B_j`. That is `n (k + 2)` rows, or `n (2k + 2)` with `second_order`, the
/// layout [`super::sensitivity::sobol_indices`] reads back.
pub fn saltelli_sample(
    n: usize,
    k: usize,
    skip: usize,
    second_order: bool,
) -> Result<Vec<Vec<f64>>, DesignError> {
    if n == 0 {
        return Err(DesignError::ZeroPoints);
    }
    if k == 0 {
        return Err(DesignError::ZeroFactors);
    }
    if k > MAX_SALTELLI_FACTORS {
        return Err(DesignError::TooManySaltelliFactors {
            k,
            max: MAX_SALTELLI_FACTORS,
        });
    }
    let total = saltelli_rows(n, k, second_order)?;
    let base = sobol_points(n, 2 * k, skip)?;
    let mut rows = Vec::with_capacity(total);
    for point in &base {
        let (a, b) = point.split_at(k);
        rows.push(a.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            rows.push(ab);
        }
        if second_order {
            for i in 0..k {
                let mut ba = b.to_vec();
                ba[i] = a[i];
                rows.push(ba);
            }
        }
        rows.push(b.to_vec());
    }
    Ok(rows)
}

fn check_morris(trajectories: usize, levels: usize) -> Result<(), DesignError> {
    if trajectories == 0 {
        return Err(DesignError::ZeroTrajectories);
    }
    if levels < 2 {
        return Err(DesignError::MorrisTooFewLevels { levels });
    }
    if levels % 2 == 1 {
        return Err(DesignError::MorrisOddLevels { levels });
    }
    Ok(())
}

/// `r` Morris trajectories of `k + 1` points each on a `levels`-level grid (Morris 1991).
///
/// Rows are trajectory by trajectory, as `SALib.sample.morris.sample` without trajectory
/// optimisation. Each trajectory starts at a random grid point and moves every factor once,
/// in random order, by `delta = levels / (2 (levels - 1))`: up from a base value in the
/// lower half of the grid, or down to it, with the direction drawn per factor. Every
/// coordinate is a grid value `l / (levels - 1)`, so steps are exact. `levels` must be even
/// (and at least 2) for the grid to be sampled evenly.
pub fn morris_trajectories(
    r: usize,
    k: usize,
    levels: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>, DesignError> {
    if k == 0 {
        return Err(DesignError::ZeroFactors);
    }
    check_morris(r, levels)?;
    let total = r
        .checked_mul(k + 1)
        .ok_or(DesignError::SizeOverflow { design: "Morris" })?;
    let mut rng = Stream::new(seed, Process::Design, 0, 0);
    let half = levels / 2; // delta in grid steps; also the number of admissible base levels
    let step = 1.0 / (levels - 1) as f64;
    let mut rows = Vec::with_capacity(total);
    let mut order: Vec<usize> = (0..k).collect();
    for _ in 0..r {
        shuffle(&mut order, &mut rng);
        // Grid index of each factor's base level x*, and whether it steps up from x* or
        // down to it from x* + delta (the diagonal D* of Morris' B* construction).
        let base: Vec<usize> = (0..k).map(|_| rng.below(half as u64) as usize).collect();
        let up: Vec<bool> = (0..k).map(|_| rng.next_u64() >> 63 == 1).collect();
        let mut level: Vec<usize> = base
            .iter()
            .zip(&up)
            .map(|(&b, &u)| if u { b } else { b + half })
            .collect();
        rows.push(level.iter().map(|&l| l as f64 * step).collect());
        for &j in &order {
            level[j] = if up[j] { base[j] + half } else { base[j] };
            rows.push(level.iter().map(|&l| l as f64 * step).collect());
        }
    }
    Ok(rows)
}

#[derive(Serialize)]
struct SalibProblem<'a> {
    num_vars: usize,
    names: Vec<&'a str>,
    bounds: Vec<[f64; 2]>,
}

/// SALib's problem dictionary as JSON:
/// `{"num_vars": k, "names": [...], "bounds": [[low, high], ...]}`, so a run can be
/// re-analysed in Python with `SALib.analyze.*.analyze(json.load(f), ...)`.
/// Non-finite bounds, which SALib cannot use either, are written as `null`.
pub fn salib_problem_json(factors: &[Factor]) -> String {
    let problem = SalibProblem {
        num_vars: factors.len(),
        names: factors.iter().map(|f| f.name.as_str()).collect(),
        bounds: factors.iter().map(|f| [f.low, f.high]).collect(),
    };
    // Serialising plain strings and numbers into a String cannot fail.
    serde_json::to_string(&problem).unwrap_or_default()
}

/// A sample matrix as text readable by `numpy.loadtxt`: one row per line, values separated
/// by single spaces, each written with the shortest representation that reads back to the
/// same `f64` (plain decimal for moderate magnitudes, `1.5e-7` style otherwise; `nan`,
/// `inf`, `-inf` for non-finite values).
pub fn sample_matrix_text(rows: &[Vec<f64>]) -> String {
    let mut out = String::new();
    for row in rows {
        let mut first = true;
        for &value in row {
            if !first {
                out.push(' ');
            }
            first = false;
            out.push_str(&format_value(value));
        }
        out.push('\n');
    }
    out
}

fn format_value(x: f64) -> String {
    if x.is_nan() {
        "nan".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 {
            "inf".to_owned()
        } else {
            "-inf".to_owned()
        }
    } else if x == 0.0 || (1e-4..1e15).contains(&x.abs()) {
        // Rust's `{}` and `{:e}` both print the shortest round-tripping digits.
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Fisher–Yates shuffle.
fn shuffle(items: &mut [usize], rng: &mut Stream) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i as u64 + 1) as usize);
    }
}

#[cfg(test)]
mod tests;
