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
//! Randomised designs take an explicit `seed` and draw from `Pcg64Mcg` through `next_u64`
//! only, converting to floats and bounded integers here rather than through `rand`'s
//! distribution code: a design then depends on the seed and this file alone, and stays the
//! same when `rand` changes how it samples ranges.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

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
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut rows = vec![vec![0.0; k]; n];
    let mut perm: Vec<usize> = (0..n).collect();
    for j in 0..k {
        shuffle(&mut perm, &mut rng);
        for (row, &stratum) in rows.iter_mut().zip(&perm) {
            row[j] = in_stratum(stratum, unit_f64(&mut rng), n);
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
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let half = levels / 2; // delta in grid steps; also the number of admissible base levels
    let step = 1.0 / (levels - 1) as f64;
    let mut rows = Vec::with_capacity(total);
    let mut order: Vec<usize> = (0..k).collect();
    for _ in 0..r {
        shuffle(&mut order, &mut rng);
        // Grid index of each factor's base level x*, and whether it steps up from x* or
        // down to it from x* + delta (the diagonal D* of Morris' B* construction).
        let base: Vec<usize> = (0..k).map(|_| below(&mut rng, half)).collect();
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

/// Uniform in `[0, 1)` from the top 53 bits of one draw.
fn unit_f64(rng: &mut Pcg64Mcg) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform integer in `0..n` (`n > 0`), unbiased (Lemire 2019, multiply and reject).
fn below(rng: &mut Pcg64Mcg, n: usize) -> usize {
    let n = n as u64;
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as usize;
        }
    }
}

/// Fisher–Yates shuffle.
fn shuffle(items: &mut [usize], rng: &mut Pcg64Mcg) {
    for i in (1..items.len()).rev() {
        items.swap(i, below(rng, i + 1));
    }
}

// Sobol' direction numbers for dimensions 2..=MAX_SOBOL_DIMS, from Joe & Kuo's file
// `new-joe-kuo-6.21201` (https://web.maths.unsw.edu.au/~fkuo/sobol/), as `(s, a, m_1..m_s)`:
// the degree of the primitive polynomial, its inner coefficients as a bit string, and the
// initial direction integers. Dimension 1 (all m_i = 1) is built in `direction_numbers`.
//
// Copyright (c) 2008, Frances Y. Kuo and Stephen Joe
// All rights reserved.
//
// Redistribution and use in source and binary forms, with or without
// modification, are permitted provided that the following conditions are
// met:
//
// Redistributions of source code must retain the above copyright
// notice, this list of conditions and the following disclaimer.
//
// Redistributions in binary form must reproduce the above copyright
// notice, this list of conditions and the following disclaimer in the
// documentation and/or other materials provided with the distribution.
//
// Neither the names of the copyright holders nor the names of the
// University of New South Wales and the University of Waikato
// and its contributors may be used to endorse or promote products derived
// from this software without specific prior written permission.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS "AS IS" AND ANY
// EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
// WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
// DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDERS BE LIABLE FOR ANY
// DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
// DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
// OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
// HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT,
// STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN
// ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
// POSSIBILITY OF SUCH DAMAGE.

const JOE_KUO: [(u32, u32, &[u32]); 255] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
    (7, 50, &[1, 3, 1, 3, 5, 53, 69]),
    (7, 55, &[1, 1, 5, 5, 23, 33, 13]),
    (7, 56, &[1, 1, 7, 7, 1, 61, 123]),
    (7, 59, &[1, 1, 7, 9, 13, 61, 49]),
    (7, 62, &[1, 3, 3, 5, 3, 55, 33]),
    (8, 14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (8, 21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (8, 22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (8, 38, &[1, 3, 1, 11, 27, 43, 71, 9]),
    (8, 47, &[1, 1, 7, 15, 21, 11, 81, 45]),
    (8, 49, &[1, 3, 7, 3, 25, 31, 65, 79]),
    (8, 50, &[1, 3, 1, 1, 19, 11, 3, 205]),
    (8, 52, &[1, 1, 5, 9, 19, 21, 29, 157]),
    (8, 56, &[1, 3, 7, 11, 1, 33, 89, 185]),
    (8, 67, &[1, 3, 3, 3, 15, 9, 79, 71]),
    (8, 70, &[1, 3, 7, 11, 15, 39, 119, 27]),
    (8, 84, &[1, 1, 3, 1, 11, 31, 97, 225]),
    (8, 97, &[1, 1, 1, 3, 23, 43, 57, 177]),
    (8, 103, &[1, 3, 7, 7, 17, 17, 37, 71]),
    (8, 115, &[1, 3, 1, 5, 27, 63, 123, 213]),
    (8, 122, &[1, 1, 3, 5, 11, 43, 53, 133]),
    (9, 8, &[1, 3, 5, 5, 29, 17, 47, 173, 479]),
    (9, 13, &[1, 3, 3, 11, 3, 1, 109, 9, 69]),
    (9, 16, &[1, 1, 1, 5, 17, 39, 23, 5, 343]),
    (9, 22, &[1, 3, 1, 5, 25, 15, 31, 103, 499]),
    (9, 25, &[1, 1, 1, 11, 11, 17, 63, 105, 183]),
    (9, 44, &[1, 1, 5, 11, 9, 29, 97, 231, 363]),
    (9, 47, &[1, 1, 5, 15, 19, 45, 41, 7, 383]),
    (9, 52, &[1, 3, 7, 7, 31, 19, 83, 137, 221]),
    (9, 55, &[1, 1, 1, 3, 23, 15, 111, 223, 83]),
    (9, 59, &[1, 1, 5, 13, 31, 15, 55, 25, 161]),
    (9, 62, &[1, 1, 3, 13, 25, 47, 39, 87, 257]),
    (9, 67, &[1, 1, 1, 11, 21, 53, 125, 249, 293]),
    (9, 74, &[1, 1, 7, 11, 11, 7, 57, 79, 323]),
    (9, 81, &[1, 1, 5, 5, 17, 13, 81, 3, 131]),
    (9, 82, &[1, 1, 7, 13, 23, 7, 65, 251, 475]),
    (9, 87, &[1, 3, 5, 1, 9, 43, 3, 149, 11]),
    (9, 91, &[1, 1, 3, 13, 31, 13, 13, 255, 487]),
    (9, 94, &[1, 3, 3, 1, 5, 63, 89, 91, 127]),
    (9, 103, &[1, 1, 3, 3, 1, 19, 123, 127, 237]),
    (9, 104, &[1, 1, 5, 7, 23, 31, 37, 243, 289]),
    (9, 109, &[1, 1, 5, 11, 17, 53, 117, 183, 491]),
    (9, 122, &[1, 1, 1, 5, 1, 13, 13, 209, 345]),
    (9, 124, &[1, 1, 3, 15, 1, 57, 115, 7, 33]),
    (9, 137, &[1, 3, 1, 11, 7, 43, 81, 207, 175]),
    (9, 138, &[1, 3, 1, 1, 15, 27, 63, 255, 49]),
    (9, 143, &[1, 3, 5, 3, 27, 61, 105, 171, 305]),
    (9, 145, &[1, 1, 5, 3, 1, 3, 57, 249, 149]),
    (9, 152, &[1, 1, 3, 5, 5, 57, 15, 13, 159]),
    (9, 157, &[1, 1, 1, 11, 7, 11, 105, 141, 225]),
    (9, 167, &[1, 3, 3, 5, 27, 59, 121, 101, 271]),
    (9, 173, &[1, 3, 5, 9, 11, 49, 51, 59, 115]),
    (9, 176, &[1, 1, 7, 1, 23, 45, 125, 71, 419]),
    (9, 181, &[1, 1, 3, 5, 23, 5, 105, 109, 75]),
    (9, 182, &[1, 1, 7, 15, 7, 11, 67, 121, 453]),
    (9, 185, &[1, 3, 7, 3, 9, 13, 31, 27, 449]),
    (9, 191, &[1, 3, 1, 15, 19, 39, 39, 89, 15]),
    (9, 194, &[1, 1, 1, 1, 1, 33, 73, 145, 379]),
    (9, 199, &[1, 3, 1, 15, 15, 43, 29, 13, 483]),
    (9, 218, &[1, 1, 7, 3, 19, 27, 85, 131, 431]),
    (9, 220, &[1, 3, 3, 3, 5, 35, 23, 195, 349]),
    (9, 227, &[1, 3, 3, 7, 9, 27, 39, 59, 297]),
    (9, 229, &[1, 1, 3, 9, 11, 17, 13, 241, 157]),
    (9, 230, &[1, 3, 7, 15, 25, 57, 33, 189, 213]),
    (9, 234, &[1, 1, 7, 1, 9, 55, 73, 83, 217]),
    (9, 236, &[1, 3, 3, 13, 19, 27, 23, 113, 249]),
    (9, 241, &[1, 3, 5, 3, 23, 43, 3, 253, 479]),
    (9, 244, &[1, 1, 5, 5, 11, 5, 45, 117, 217]),
    (9, 253, &[1, 3, 3, 7, 29, 37, 33, 123, 147]),
    (10, 4, &[1, 3, 1, 15, 5, 5, 37, 227, 223, 459]),
    (10, 13, &[1, 1, 7, 5, 5, 39, 63, 255, 135, 487]),
    (10, 19, &[1, 3, 1, 7, 9, 7, 87, 249, 217, 599]),
    (10, 22, &[1, 1, 3, 13, 9, 47, 7, 225, 363, 247]),
    (10, 50, &[1, 3, 7, 13, 19, 13, 9, 67, 9, 737]),
    (10, 55, &[1, 3, 5, 5, 19, 59, 7, 41, 319, 677]),
    (10, 64, &[1, 1, 5, 3, 31, 63, 15, 43, 207, 789]),
    (10, 69, &[1, 1, 7, 9, 13, 39, 3, 47, 497, 169]),
    (10, 98, &[1, 3, 1, 7, 21, 17, 97, 19, 415, 905]),
    (10, 107, &[1, 3, 7, 1, 3, 31, 71, 111, 165, 127]),
    (10, 115, &[1, 1, 5, 11, 1, 61, 83, 119, 203, 847]),
    (10, 121, &[1, 3, 3, 13, 9, 61, 19, 97, 47, 35]),
    (10, 127, &[1, 1, 7, 7, 15, 29, 63, 95, 417, 469]),
    (10, 134, &[1, 3, 1, 9, 25, 9, 71, 57, 213, 385]),
    (10, 140, &[1, 3, 5, 13, 31, 47, 101, 57, 39, 341]),
    (10, 145, &[1, 1, 3, 3, 31, 57, 125, 173, 365, 551]),
    (10, 152, &[1, 3, 7, 1, 13, 57, 67, 157, 451, 707]),
    (10, 158, &[1, 1, 1, 7, 21, 13, 105, 89, 429, 965]),
    (10, 161, &[1, 1, 5, 9, 17, 51, 45, 119, 157, 141]),
    (10, 171, &[1, 3, 7, 7, 13, 45, 91, 9, 129, 741]),
    (10, 181, &[1, 3, 7, 1, 23, 57, 67, 141, 151, 571]),
    (10, 194, &[1, 1, 3, 11, 17, 47, 93, 107, 375, 157]),
    (10, 199, &[1, 3, 3, 5, 11, 21, 43, 51, 169, 915]),
    (10, 203, &[1, 1, 5, 3, 15, 55, 101, 67, 455, 625]),
    (10, 208, &[1, 3, 5, 9, 1, 23, 29, 47, 345, 595]),
    (10, 227, &[1, 3, 7, 7, 5, 49, 29, 155, 323, 589]),
    (10, 242, &[1, 3, 3, 7, 5, 41, 127, 61, 261, 717]),
    (10, 251, &[1, 3, 7, 7, 17, 23, 117, 67, 129, 1009]),
    (10, 253, &[1, 1, 3, 13, 11, 39, 21, 207, 123, 305]),
    (10, 265, &[1, 1, 3, 9, 29, 3, 95, 47, 231, 73]),
    (10, 266, &[1, 3, 1, 9, 1, 29, 117, 21, 441, 259]),
    (10, 274, &[1, 3, 1, 13, 21, 39, 125, 211, 439, 723]),
    (10, 283, &[1, 1, 7, 3, 17, 63, 115, 89, 49, 773]),
    (10, 289, &[1, 3, 7, 13, 11, 33, 101, 107, 63, 73]),
    (10, 295, &[1, 1, 5, 5, 13, 57, 63, 135, 437, 177]),
    (10, 301, &[1, 1, 3, 7, 27, 63, 93, 47, 417, 483]),
    (10, 316, &[1, 1, 3, 1, 23, 29, 1, 191, 49, 23]),
    (10, 319, &[1, 1, 3, 15, 25, 55, 9, 101, 219, 607]),
    (10, 324, &[1, 3, 1, 7, 7, 19, 51, 251, 393, 307]),
    (10, 346, &[1, 3, 3, 3, 25, 55, 17, 75, 337, 3]),
    (10, 352, &[1, 1, 1, 13, 25, 17, 65, 45, 479, 413]),
    (10, 361, &[1, 1, 7, 7, 27, 49, 99, 161, 213, 727]),
    (10, 367, &[1, 3, 5, 1, 23, 5, 43, 41, 251, 857]),
    (10, 382, &[1, 3, 3, 7, 11, 61, 39, 87, 383, 835]),
    (10, 395, &[1, 1, 3, 15, 13, 7, 29, 7, 505, 923]),
    (10, 398, &[1, 3, 7, 1, 5, 31, 47, 157, 445, 501]),
    (10, 400, &[1, 1, 3, 7, 1, 43, 9, 147, 115, 605]),
    (10, 412, &[1, 3, 3, 13, 5, 1, 119, 211, 455, 1001]),
    (10, 419, &[1, 1, 3, 5, 13, 19, 3, 243, 75, 843]),
    (10, 422, &[1, 3, 7, 7, 1, 19, 91, 249, 357, 589]),
    (10, 426, &[1, 1, 1, 9, 1, 25, 109, 197, 279, 411]),
    (10, 428, &[1, 3, 1, 15, 23, 57, 59, 135, 191, 75]),
    (10, 433, &[1, 1, 5, 15, 29, 21, 39, 253, 383, 349]),
    (10, 446, &[1, 3, 3, 5, 19, 45, 61, 151, 199, 981]),
    (10, 454, &[1, 3, 5, 13, 9, 61, 107, 141, 141, 1]),
    (10, 457, &[1, 3, 1, 11, 27, 25, 85, 105, 309, 979]),
    (10, 472, &[1, 3, 3, 11, 19, 7, 115, 223, 349, 43]),
    (10, 493, &[1, 1, 7, 9, 21, 39, 123, 21, 275, 927]),
    (10, 505, &[1, 1, 7, 13, 15, 41, 47, 243, 303, 437]),
    (10, 508, &[1, 1, 1, 7, 7, 3, 15, 99, 409, 719]),
    (11, 2, &[1, 3, 3, 15, 27, 49, 113, 123, 113, 67, 469]),
    (11, 11, &[1, 3, 7, 11, 3, 23, 87, 169, 119, 483, 199]),
    (11, 21, &[1, 1, 5, 15, 7, 17, 109, 229, 179, 213, 741]),
    (11, 22, &[1, 1, 5, 13, 11, 17, 25, 135, 403, 557, 1433]),
    (11, 35, &[1, 3, 1, 1, 1, 61, 67, 215, 189, 945, 1243]),
    (11, 49, &[1, 1, 7, 13, 17, 33, 9, 221, 429, 217, 1679]),
    (11, 50, &[1, 1, 3, 11, 27, 3, 15, 93, 93, 865, 1049]),
    (11, 56, &[1, 3, 7, 7, 25, 41, 121, 35, 373, 379, 1547]),
    (11, 61, &[1, 3, 3, 9, 11, 35, 45, 205, 241, 9, 59]),
    (11, 70, &[1, 3, 1, 7, 3, 51, 7, 177, 53, 975, 89]),
    (11, 74, &[1, 1, 3, 5, 27, 1, 113, 231, 299, 759, 861]),
    (11, 79, &[1, 3, 3, 15, 25, 29, 5, 255, 139, 891, 2031]),
    (11, 84, &[1, 3, 1, 1, 13, 9, 109, 193, 419, 95, 17]),
    (11, 88, &[1, 1, 7, 9, 3, 7, 29, 41, 135, 839, 867]),
    (11, 103, &[1, 1, 7, 9, 25, 49, 123, 217, 113, 909, 215]),
    (11, 104, &[1, 1, 7, 3, 23, 15, 43, 133, 217, 327, 901]),
    (11, 112, &[1, 1, 3, 3, 13, 53, 63, 123, 477, 711, 1387]),
    (11, 115, &[1, 1, 3, 15, 7, 29, 75, 119, 181, 957, 247]),
    (11, 117, &[1, 1, 1, 11, 27, 25, 109, 151, 267, 99, 1461]),
    (11, 122, &[1, 3, 7, 15, 5, 5, 53, 145, 11, 725, 1501]),
    (11, 134, &[1, 3, 7, 1, 9, 43, 71, 229, 157, 607, 1835]),
    (11, 137, &[1, 3, 3, 13, 25, 1, 5, 27, 471, 349, 127]),
    (11, 146, &[1, 1, 1, 1, 23, 37, 9, 221, 269, 897, 1685]),
    (11, 148, &[1, 1, 3, 3, 31, 29, 51, 19, 311, 553, 1969]),
    (11, 157, &[1, 3, 7, 5, 5, 55, 17, 39, 475, 671, 1529]),
    (11, 158, &[1, 1, 7, 1, 1, 35, 47, 27, 437, 395, 1635]),
    (11, 162, &[1, 1, 7, 3, 13, 23, 43, 135, 327, 139, 389]),
    (11, 164, &[1, 3, 7, 3, 9, 25, 91, 25, 429, 219, 513]),
    (11, 168, &[1, 1, 3, 5, 13, 29, 119, 201, 277, 157, 2043]),
    (11, 173, &[1, 3, 5, 3, 29, 57, 13, 17, 167, 739, 1031]),
    (11, 185, &[1, 3, 3, 5, 29, 21, 95, 27, 255, 679, 1531]),
    (11, 186, &[1, 3, 7, 15, 9, 5, 21, 71, 61, 961, 1201]),
    (11, 191, &[1, 3, 5, 13, 15, 57, 33, 93, 459, 867, 223]),
    (11, 193, &[1, 1, 1, 15, 17, 43, 127, 191, 67, 177, 1073]),
    (11, 199, &[1, 1, 1, 15, 23, 7, 21, 199, 75, 293, 1611]),
    (11, 213, &[1, 3, 7, 13, 15, 39, 21, 149, 65, 741, 319]),
    (11, 214, &[1, 3, 7, 11, 23, 13, 101, 89, 277, 519, 711]),
    (11, 220, &[1, 3, 7, 15, 19, 27, 85, 203, 441, 97, 1895]),
    (11, 227, &[1, 3, 1, 3, 29, 25, 21, 155, 11, 191, 197]),
    (11, 236, &[1, 1, 7, 5, 27, 11, 81, 101, 457, 675, 1687]),
    (11, 242, &[1, 3, 1, 5, 25, 5, 65, 193, 41, 567, 781]),
    (11, 251, &[1, 3, 1, 5, 11, 15, 113, 77, 411, 695, 1111]),
    (11, 256, &[1, 1, 3, 9, 11, 53, 119, 171, 55, 297, 509]),
    (11, 259, &[1, 1, 1, 1, 11, 39, 113, 139, 165, 347, 595]),
    (11, 265, &[1, 3, 7, 11, 9, 17, 101, 13, 81, 325, 1733]),
    (11, 266, &[1, 3, 1, 1, 21, 43, 115, 9, 113, 907, 645]),
    (11, 276, &[1, 1, 7, 3, 9, 25, 117, 197, 159, 471, 475]),
    (11, 292, &[1, 3, 1, 9, 11, 21, 57, 207, 485, 613, 1661]),
    (11, 304, &[1, 1, 7, 7, 27, 55, 49, 223, 89, 85, 1523]),
    (11, 310, &[1, 1, 5, 3, 19, 41, 45, 51, 447, 299, 1355]),
    (11, 316, &[1, 3, 1, 13, 1, 33, 117, 143, 313, 187, 1073]),
    (11, 319, &[1, 1, 7, 7, 5, 11, 65, 97, 377, 377, 1501]),
    (11, 322, &[1, 3, 1, 1, 21, 35, 95, 65, 99, 23, 1239]),
    (11, 328, &[1, 1, 5, 9, 3, 37, 95, 167, 115, 425, 867]),
    (11, 334, &[1, 3, 3, 13, 1, 37, 27, 189, 81, 679, 773]),
    (11, 339, &[1, 1, 3, 11, 1, 61, 99, 233, 429, 969, 49]),
    (11, 341, &[1, 1, 1, 7, 25, 63, 99, 165, 245, 793, 1143]),
    (11, 345, &[1, 1, 5, 11, 11, 43, 55, 65, 71, 283, 273]),
    (11, 346, &[1, 1, 5, 5, 9, 3, 101, 251, 355, 379, 1611]),
    (11, 362, &[1, 1, 1, 15, 21, 63, 85, 99, 49, 749, 1335]),
    (11, 367, &[1, 1, 5, 13, 27, 9, 121, 43, 255, 715, 289]),
    (11, 372, &[1, 3, 1, 5, 27, 19, 17, 223, 77, 571, 1415]),
    (11, 375, &[1, 1, 5, 3, 13, 59, 125, 251, 195, 551, 1737]),
    (11, 376, &[1, 3, 3, 15, 13, 27, 49, 105, 389, 971, 755]),
    (11, 381, &[1, 3, 5, 15, 23, 43, 35, 107, 447, 763, 253]),
    (11, 385, &[1, 3, 5, 11, 21, 3, 17, 39, 497, 407, 611]),
    (11, 388, &[1, 1, 7, 13, 15, 31, 113, 17, 23, 507, 1995]),
    (11, 392, &[1, 1, 7, 15, 3, 15, 31, 153, 423, 79, 503]),
    (11, 409, &[1, 1, 7, 9, 19, 25, 23, 171, 505, 923, 1989]),
    (11, 415, &[1, 1, 5, 9, 21, 27, 121, 223, 133, 87, 697]),
    (11, 416, &[1, 1, 5, 5, 9, 19, 107, 99, 319, 765, 1461]),
    (11, 421, &[1, 1, 3, 3, 19, 25, 3, 101, 171, 729, 187]),
    (11, 428, &[1, 1, 3, 1, 13, 23, 85, 93, 291, 209, 37]),
    (11, 431, &[1, 1, 1, 15, 25, 25, 77, 253, 333, 947, 1073]),
    (11, 434, &[1, 1, 3, 9, 17, 29, 55, 47, 255, 305, 2037]),
    (11, 439, &[1, 3, 3, 9, 29, 63, 9, 103, 489, 939, 1523]),
    (11, 446, &[1, 3, 7, 15, 7, 31, 89, 175, 369, 339, 595]),
    (11, 451, &[1, 3, 7, 13, 25, 5, 71, 207, 251, 367, 665]),
    (11, 453, &[1, 3, 3, 3, 21, 25, 75, 35, 31, 321, 1603]),
    (11, 457, &[1, 1, 1, 9, 11, 1, 65, 5, 11, 329, 535]),
    (11, 458, &[1, 1, 5, 3, 19, 13, 17, 43, 379, 485, 383]),
    (11, 471, &[1, 3, 5, 13, 13, 9, 85, 147, 489, 787, 1133]),
    (11, 475, &[1, 3, 1, 1, 5, 51, 37, 129, 195, 297, 1783]),
    (11, 478, &[1, 1, 3, 15, 19, 57, 59, 181, 455, 697, 2033]),
    (11, 484, &[1, 3, 7, 1, 27, 9, 65, 145, 325, 189, 201]),
    (11, 493, &[1, 3, 1, 15, 31, 23, 19, 5, 485, 581, 539]),
    (11, 494, &[1, 1, 7, 13, 11, 15, 65, 83, 185, 847, 831]),
    (11, 499, &[1, 3, 5, 7, 7, 55, 73, 15, 303, 511, 1905]),
    (11, 502, &[1, 3, 5, 9, 7, 21, 45, 15, 397, 385, 597]),
    (11, 517, &[1, 3, 7, 3, 23, 13, 73, 221, 511, 883, 1265]),
    (11, 518, &[1, 1, 3, 11, 1, 51, 73, 185, 33, 975, 1441]),
    (11, 524, &[1, 3, 3, 9, 19, 59, 21, 39, 339, 37, 143]),
    (11, 527, &[1, 1, 7, 1, 31, 33, 19, 167, 117, 635, 639]),
    (11, 555, &[1, 1, 1, 3, 5, 13, 59, 83, 355, 349, 1967]),
    (11, 560, &[1, 1, 1, 5, 19, 3, 53, 133, 97, 863, 983]),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// `scipy.stats.qmc.Sobol(5, scramble=False).random(16)` (scipy 1.17.1).
    const SCIPY_SOBOL_5D: [[f64; 5]; 16] = [
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.5, 0.5, 0.5, 0.5, 0.5],
        [0.75, 0.25, 0.25, 0.25, 0.75],
        [0.25, 0.75, 0.75, 0.75, 0.25],
        [0.375, 0.375, 0.625, 0.875, 0.375],
        [0.875, 0.875, 0.125, 0.375, 0.875],
        [0.625, 0.125, 0.875, 0.625, 0.625],
        [0.125, 0.625, 0.375, 0.125, 0.125],
        [0.1875, 0.3125, 0.9375, 0.4375, 0.5625],
        [0.6875, 0.8125, 0.4375, 0.9375, 0.0625],
        [0.9375, 0.0625, 0.6875, 0.1875, 0.3125],
        [0.4375, 0.5625, 0.1875, 0.6875, 0.8125],
        [0.3125, 0.1875, 0.3125, 0.5625, 0.9375],
        [0.8125, 0.6875, 0.8125, 0.0625, 0.4375],
        [0.5625, 0.4375, 0.0625, 0.8125, 0.1875],
        [0.0625, 0.9375, 0.5625, 0.3125, 0.6875],
    ];

    #[test]
    fn sobol_matches_scipy_first_points() {
        let points = sobol_points(16, 5, 0).unwrap();
        for (ours, theirs) in points.iter().zip(SCIPY_SOBOL_5D) {
            assert_eq!(ours.as_slice(), theirs.as_slice());
        }
    }

    #[test]
    fn sobol_matches_scipy_in_high_dimensions_after_skip() {
        // `s = Sobol(256, scramble=False); s.fast_forward(1000); s.random(3)`, columns
        // 36..=40 and 252..=256 (1-based), exercising the embedded table at both ends.
        let expected = [
            [
                0.7705078125,
                0.8486328125,
                0.8310546875,
                0.3076171875,
                0.4794921875,
            ],
            [
                0.2705078125,
                0.3486328125,
                0.3310546875,
                0.8076171875,
                0.9794921875,
            ],
            [
                0.0205078125,
                0.5986328125,
                0.5810546875,
                0.0576171875,
                0.2294921875,
            ],
        ];
        let expected_last = [
            [
                0.1708984375,
                0.3798828125,
                0.5888671875,
                0.4345703125,
                0.2490234375,
            ],
            [
                0.6708984375,
                0.8798828125,
                0.0888671875,
                0.9345703125,
                0.7490234375,
            ],
            [
                0.9208984375,
                0.1298828125,
                0.3388671875,
                0.6845703125,
                0.9990234375,
            ],
        ];
        let points = sobol_points(3, MAX_SOBOL_DIMS, 1000).unwrap();
        assert_eq!(MAX_SOBOL_DIMS, 256);
        for (i, point) in points.iter().enumerate() {
            assert_eq!(&point[35..40], expected[i].as_slice());
            assert_eq!(&point[251..256], expected_last[i].as_slice());
        }
    }

    #[test]
    fn sobol_skip_continues_the_sequence() {
        let all = sobol_points(300, 12, 0).unwrap();
        for skip in [1, 2, 7, 64, 255] {
            let tail = sobol_points(300 - skip, 12, skip).unwrap();
            assert_eq!(tail.as_slice(), &all[skip..]);
        }
    }

    #[test]
    fn sobol_first_power_of_two_points_stratify_every_dimension() {
        // The defining (t, m, s)-net property in one dimension: the first 2^m points of each
        // coordinate are exactly the multiples of 2^-m, a check on every embedded table row.
        let n = 1024;
        let points = sobol_points(n, MAX_SOBOL_DIMS, 0).unwrap();
        for j in 0..MAX_SOBOL_DIMS {
            let mut cells: Vec<usize> = points.iter().map(|p| (p[j] * n as f64) as usize).collect();
            cells.sort_unstable();
            assert!(cells.iter().copied().eq(0..n), "dimension {}", j + 1);
            assert!(
                points
                    .iter()
                    .all(|p| p[j] * n as f64 == (p[j] * n as f64).floor())
            );
        }
    }

    #[test]
    fn sobol_errors() {
        assert_eq!(sobol_points(0, 2, 0), Err(DesignError::ZeroPoints));
        assert_eq!(sobol_points(4, 0, 0), Err(DesignError::ZeroFactors));
        assert_eq!(
            sobol_points(4, MAX_SOBOL_DIMS + 1, 0),
            Err(DesignError::TooManySobolDimensions {
                dims: MAX_SOBOL_DIMS + 1,
                max: MAX_SOBOL_DIMS
            })
        );
        let last = (1usize << 32) - 1;
        assert!(sobol_points(1, 1, last).is_ok());
        assert_eq!(
            sobol_points(2, 1, last),
            Err(DesignError::SobolExhausted { skip: last, n: 2 })
        );
    }

    #[test]
    fn full_factorial_spans_the_grid_last_factor_fastest() {
        let grid = full_factorial(2, 3).unwrap();
        let expected = [
            [0.0, 0.0],
            [0.0, 0.5],
            [0.0, 1.0],
            [0.5, 0.0],
            [0.5, 0.5],
            [0.5, 1.0],
            [1.0, 0.0],
            [1.0, 0.5],
            [1.0, 1.0],
        ];
        assert_eq!(grid.len(), 9);
        for (ours, theirs) in grid.iter().zip(expected) {
            assert_eq!(ours.as_slice(), theirs.as_slice());
        }
        assert_eq!(full_factorial(3, 1).unwrap(), vec![vec![0.5; 3]]);
        assert_eq!(full_factorial(4, 2).unwrap().len(), 16);
    }

    #[test]
    fn full_factorial_errors() {
        assert_eq!(full_factorial(0, 3), Err(DesignError::ZeroFactors));
        assert_eq!(full_factorial(2, 0), Err(DesignError::ZeroLevels));
        assert_eq!(
            full_factorial(100, 10),
            Err(DesignError::SizeOverflow { design: "grid" })
        );
    }

    #[test]
    fn latin_hypercube_hits_every_stratum_once() {
        for n in [1, 2, 3, 7, 10, 99, 1000] {
            for seed in [0, 1, 42, u64::MAX] {
                let k = 4;
                let sample = latin_hypercube(n, k, seed).unwrap();
                assert_eq!(sample.len(), n);
                for j in 0..k {
                    let mut hits = vec![0usize; n];
                    for point in &sample {
                        assert_eq!(point.len(), k);
                        assert!((0.0..1.0).contains(&point[j]));
                        hits[(point[j] * n as f64).floor() as usize] += 1;
                    }
                    assert!(
                        hits.iter().all(|&h| h == 1),
                        "n = {n}, seed = {seed}, dim = {j}"
                    );
                }
            }
        }
    }

    #[test]
    fn in_stratum_survives_extreme_offsets() {
        let below_one = f64::from_bits(1.0f64.to_bits() - 1);
        for n in [1, 3, 10, 49, 1 << 20, 3_000_017] {
            for stratum in [0, n / 2, n - 1] {
                for u in [0.0, f64::MIN_POSITIVE, 0.5, below_one] {
                    let x = in_stratum(stratum, u, n);
                    assert_eq!((x * n as f64).floor() as usize, stratum);
                    assert!(x < 1.0);
                }
            }
        }
    }

    #[test]
    fn randomised_designs_are_deterministic_in_the_seed() {
        assert_eq!(
            latin_hypercube(50, 3, 7).unwrap(),
            latin_hypercube(50, 3, 7).unwrap()
        );
        assert_ne!(
            latin_hypercube(50, 3, 7).unwrap(),
            latin_hypercube(50, 3, 8).unwrap()
        );
        assert_eq!(
            morris_trajectories(10, 5, 4, 7).unwrap(),
            morris_trajectories(10, 5, 4, 7).unwrap()
        );
        assert_ne!(
            morris_trajectories(10, 5, 4, 7).unwrap(),
            morris_trajectories(10, 5, 4, 8).unwrap()
        );
        let design = Design::LatinHypercube;
        assert_eq!(
            design.generate(3, 20, 1).unwrap(),
            design.generate(3, 20, 1).unwrap()
        );
    }

    #[test]
    fn latin_hypercube_errors() {
        assert_eq!(latin_hypercube(0, 2, 1), Err(DesignError::ZeroPoints));
        assert_eq!(latin_hypercube(5, 0, 1), Err(DesignError::ZeroFactors));
    }

    #[test]
    fn saltelli_layout_follows_salib() {
        let (n, k, skip) = (8, 3, 8);
        let base = sobol_points(n, 2 * k, skip).unwrap();
        for second_order in [false, true] {
            let rows = saltelli_sample(n, k, skip, second_order).unwrap();
            let block = if second_order { 2 * k + 2 } else { k + 2 };
            assert_eq!(rows.len(), n * block);
            for (j, point) in base.iter().enumerate() {
                let (a, b) = point.split_at(k);
                let rows = &rows[j * block..(j + 1) * block];
                assert_eq!(rows[0], a);
                assert_eq!(rows[block - 1], b);
                for i in 0..k {
                    let ab: Vec<f64> = (0..k).map(|c| if c == i { b[c] } else { a[c] }).collect();
                    assert_eq!(rows[1 + i], ab);
                    if second_order {
                        let ba: Vec<f64> =
                            (0..k).map(|c| if c == i { a[c] } else { b[c] }).collect();
                        assert_eq!(rows[1 + k + i], ba);
                    }
                }
            }
        }
    }

    #[test]
    fn saltelli_errors() {
        assert_eq!(
            saltelli_sample(0, 2, 0, false),
            Err(DesignError::ZeroPoints)
        );
        assert_eq!(
            saltelli_sample(4, 0, 0, false),
            Err(DesignError::ZeroFactors)
        );
        let k = MAX_SALTELLI_FACTORS + 1;
        assert_eq!(
            saltelli_sample(4, k, 0, true),
            Err(DesignError::TooManySaltelliFactors {
                k,
                max: MAX_SALTELLI_FACTORS
            })
        );
        assert!(saltelli_sample(4, MAX_SALTELLI_FACTORS, 0, false).is_ok());
    }

    #[test]
    fn morris_trajectories_move_each_factor_once_by_delta() {
        for levels in [2, 4, 6, 8] {
            let (r, k) = (20, 5);
            let rows = morris_trajectories(r, k, levels, 3).unwrap();
            assert_eq!(rows.len(), r * (k + 1));
            let delta = levels as f64 / (2.0 * (levels - 1) as f64);
            for trajectory in rows.chunks(k + 1) {
                let mut moved = vec![false; k];
                for pair in trajectory.windows(2) {
                    let changed: Vec<usize> =
                        (0..k).filter(|&j| pair[0][j] != pair[1][j]).collect();
                    assert_eq!(changed.len(), 1);
                    let j = changed[0];
                    assert!(!moved[j]);
                    moved[j] = true;
                    assert!(((pair[1][j] - pair[0][j]).abs() - delta).abs() < 1e-12);
                }
                for point in trajectory {
                    for &x in point {
                        let level = x * (levels - 1) as f64;
                        assert!((level - level.round()).abs() < 1e-12 && (0.0..=1.0).contains(&x));
                    }
                }
            }
        }
    }

    #[test]
    fn morris_errors() {
        assert_eq!(
            morris_trajectories(0, 3, 4, 1),
            Err(DesignError::ZeroTrajectories)
        );
        assert_eq!(
            morris_trajectories(5, 0, 4, 1),
            Err(DesignError::ZeroFactors)
        );
        assert_eq!(
            morris_trajectories(5, 3, 1, 1),
            Err(DesignError::MorrisTooFewLevels { levels: 1 })
        );
        assert_eq!(
            morris_trajectories(5, 3, 0, 1),
            Err(DesignError::MorrisTooFewLevels { levels: 0 })
        );
        assert_eq!(
            morris_trajectories(5, 3, 3, 1),
            Err(DesignError::MorrisOddLevels { levels: 3 })
        );
    }

    #[test]
    fn design_sizes_and_budget() {
        let k = 3;
        let cases = [
            (Design::Grid { levels: 4 }, 64),
            (
                Design::Morris {
                    trajectories: 10,
                    levels: 4,
                },
                40,
            ),
            (
                Design::Saltelli {
                    base_samples: 16,
                    second_order: false,
                },
                80,
            ),
            (
                Design::Saltelli {
                    base_samples: 16,
                    second_order: true,
                },
                128,
            ),
        ];
        for (design, size) in cases {
            assert_eq!(design.fixed_size(k), Ok(Some(size)));
            assert_eq!(design.generate(k, size, 0).unwrap().len(), size);
            assert_eq!(design.generate(k, 10_000, 0).unwrap().len(), size);
            assert_eq!(
                design.generate(k, size - 1, 0),
                Err(DesignError::NotEnoughPoints {
                    needed: size,
                    n_points: size - 1
                })
            );
        }
        for design in [Design::LatinHypercube, Design::Sobol] {
            assert_eq!(design.fixed_size(k), Ok(None));
            assert_eq!(design.generate(k, 37, 0).unwrap().len(), 37);
            assert_eq!(design.generate(k, 0, 0), Err(DesignError::ZeroPoints));
        }
        assert_eq!(
            Design::Sobol.generate(0, 10, 0),
            Err(DesignError::ZeroFactors)
        );
        assert_eq!(
            Design::Saltelli {
                base_samples: 0,
                second_order: false
            }
            .generate(2, 10, 0),
            Err(DesignError::ZeroPoints)
        );
        // The Saltelli design skips SALib's default number of initial points.
        let salt = Design::Saltelli {
            base_samples: 16,
            second_order: false,
        }
        .generate(2, 64, 0)
        .unwrap();
        assert_eq!(salt, saltelli_sample(16, 2, 16, false).unwrap());
        let err = Design::Saltelli {
            base_samples: 1024,
            second_order: false,
        }
        .generate(3, 100, 0)
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "design needs at least 5120 points but n_points = 100"
        );
    }

    #[test]
    fn design_reads_from_json() {
        let design: Design =
            serde_json::from_str(r#"{"method": "saltelli", "base_samples": 64}"#).unwrap();
        assert_eq!(
            design,
            Design::Saltelli {
                base_samples: 64,
                second_order: false
            }
        );
        let design: Design =
            serde_json::from_str(r#"{"method": "morris", "trajectories": 8, "levels": 4}"#)
                .unwrap();
        assert_eq!(
            design,
            Design::Morris {
                trajectories: 8,
                levels: 4
            }
        );
        let design: Design = serde_json::from_str(r#"{"method": "latin_hypercube"}"#).unwrap();
        assert_eq!(design, Design::LatinHypercube);
        assert!(
            serde_json::from_str::<Design>(r#"{"method": "grid", "levels": 3, "extra": 1}"#)
                .is_err()
        );
        let text = serde_json::to_string(&Design::Grid { levels: 5 }).unwrap();
        assert_eq!(
            serde_json::from_str::<Design>(&text).unwrap(),
            Design::Grid { levels: 5 }
        );
    }

    #[test]
    fn scale_maps_to_ranges_with_exact_bounds() {
        let factors = [Factor::new("a", 0.1, 0.3), Factor::new("b", -5.0, 5.0)];
        let scaled = scale(&[vec![0.0, 1.0], vec![1.0, 0.5], vec![0.5, 0.25]], &factors).unwrap();
        assert_eq!(scaled[0], [0.1, 5.0]);
        assert_eq!(scaled[1], [0.3, 0.0]);
        assert!((scaled[2][0] - 0.2).abs() < 1e-15);
        assert_eq!(scaled[2][1], -2.5);
    }

    #[test]
    fn scale_errors() {
        let factors = [Factor::new("a", 0.0, 1.0), Factor::new("b", 0.0, 2.0)];
        assert_eq!(
            scale(&[vec![0.5, 0.5], vec![0.5]], &factors),
            Err(DesignError::DimensionMismatch {
                row: 1,
                expected: 2,
                found: 1
            })
        );
        assert_eq!(
            scale(&[vec![0.5, 1.5]], &factors),
            Err(DesignError::OutsideUnitCube {
                row: 0,
                col: 1,
                value: 1.5
            })
        );
        assert!(matches!(
            scale(&[vec![f64::NAN, 0.5]], &factors),
            Err(DesignError::OutsideUnitCube { .. })
        ));
        for (low, high) in [
            (1.0, 1.0),
            (2.0, 1.0),
            (0.0, f64::INFINITY),
            (f64::NAN, 1.0),
        ] {
            let bad = [Factor::new("c", low, high)];
            assert!(matches!(
                scale(&[vec![0.5]], &bad),
                Err(DesignError::InvalidBounds { .. })
            ));
        }
        let msg = scale(&[vec![0.5]], &[Factor::new("c", 2.0, 1.0)])
            .unwrap_err()
            .to_string();
        assert_eq!(
            msg,
            "factor 'c' has invalid bounds [2, 1]: need finite low < high"
        );
    }

    #[test]
    fn salib_problem_json_has_salib_keys() {
        let factors = [
            Factor::new("wage", 10.0, 20.0),
            Factor::new("rate", 0.0, 0.5),
        ];
        let text = salib_problem_json(&factors);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"num_vars": 2, "names": ["wage", "rate"], "bounds": [[10.0, 20.0], [0.0, 0.5]]})
        );
    }

    #[test]
    fn sample_matrix_text_round_trips() {
        let rows = vec![
            vec![0.1, 1.0 / 3.0, 0.0, -0.0, 1e-300, 5e-324],
            vec![
                -2.5e20,
                1e15,
                123456.789,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ],
        ];
        let text = sample_matrix_text(&rows);
        assert!(text.ends_with('\n'));
        assert_eq!(
            text.lines().next().unwrap(),
            "0.1 0.3333333333333333 0 -0 1e-300 5e-324"
        );
        for (line, row) in text.lines().zip(&rows) {
            let parsed: Vec<f64> = line.split(' ').map(|t| t.parse().unwrap()).collect();
            assert_eq!(parsed.len(), row.len());
            for (p, v) in parsed.iter().zip(row) {
                assert!(p.to_bits() == v.to_bits() || (p.is_nan() && v.is_nan()));
            }
        }
    }
}
