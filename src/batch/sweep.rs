//! Sweep files: which parameters of a base scenario to vary, over which design, and which
//! model outputs (metrics) to analyse.
//!
//! A sweep file is TOML, read strictly like a scenario file (unknown keys are errors):
//!
//! ```toml
//! [sweep]
//! name = "tagil_morris"
//! base = "../nizhny_tagil.toml"   # relative to the sweep file
//! replicates = 2                  # runs per parameter point, each with its own seed
//! seed = 1                        # master seed of the sweep
//! points = 60                     # run budget (needed by latin_hypercube and sobol)
//! scale = 0.01                    # optional; --scale overrides it
//! set = { "run.end_year" = 2000 } # fixed overrides applied to every run
//!
//! [design]
//! method = "morris"               # grid | latin_hypercube | sobol | morris | saltelli
//! trajectories = 10
//! levels = 4
//!
//! [[parameter]]
//! key = "migration.beta_distance"
//! range = [0.4, 1.6]
//!
//! [[parameter]]
//! key = "firm.Uralvagonzavod.state_order_share"
//! values = [0.3, 0.5, 0.7]        # a discrete factor
//!
//! [[metric]]
//! name = "pop_2035"
//! town = "Nizhny Tagil"
//! column = "population"           # any numeric column of towns.parquet
//! year = 2035
//! stat = "december"               # december | mean | sum | min | max
//! ```
//!
//! Designs come from [`super::design`]; a parameter with a `range` is uniform on it, one
//! with `values` takes the value whose stratum of `[0, 1]` the design coordinate falls in
//! (for a grid: every listed value). Morris designs feed the elementary-effects screening
//! and Saltelli designs the Sobol' indices of [`super::sensitivity`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::design::{self, Design, DesignError, Factor};
use super::keypath::{BaseScenario, KeyPathError, ResolvedKey, check_value};
use crate::scenario::closest;

/// Why a sweep file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The file could not be read.
    #[error("cannot read sweep file {path}: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        cause: std::io::Error,
    },
    /// Not valid TOML, an unknown key or a wrong type.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the key path.
        message: String,
    },
    /// A value breaks a rule.
    #[error("{path}: `{key}`: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Key in the sweep file.
        key: String,
        /// What is wrong and what is valid.
        message: String,
    },
    /// A parameter's key path does not fit the base scenario.
    #[error("{path}: {cause}")]
    Key {
        /// The sweep file.
        path: PathBuf,
        /// Cause.
        cause: KeyPathError,
    },
    /// The design could not be built.
    #[error("{path}: `design`: {cause}")]
    Design {
        /// The sweep file.
        path: PathBuf,
        /// Cause.
        cause: DesignError,
    },
}

/// The `[sweep]` section.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSection {
    /// Name of the sweep (default output folder `output/sweeps/<name>`).
    pub name: String,
    /// Base scenario file, relative to the sweep file.
    pub base: PathBuf,
    /// Runs per parameter point.
    #[serde(default = "one_u32")]
    pub replicates: u32,
    /// Master seed; each run's seed is derived from it (see [`super::plan::run_seed`]).
    #[serde(default = "default_master_seed")]
    pub seed: u64,
    /// Run budget: the number of points of a Latin hypercube or Sobol' design; for grid,
    /// Morris and Saltelli designs the most points allowed (default: the design's size).
    #[serde(default)]
    pub points: Option<usize>,
    /// Agents per person for every run (default: the base scenario's `run.scale`).
    #[serde(default)]
    pub scale: Option<f64>,
    /// Fixed overrides applied to every run, by key path.
    #[serde(default)]
    pub set: BTreeMap<String, f64>,
    /// Free text for the report.
    #[serde(default)]
    pub description: String,
}

fn one_u32() -> u32 {
    1
}

/// Default master seed of batches and sweeps.
pub fn default_master_seed() -> u64 {
    20_240_501
}

/// The `[design]` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum DesignSpec {
    /// Full factorial grid: `levels` values per ranged parameter, every listed value of the
    /// others.
    Grid {
        /// Values per ranged parameter (not needed when all parameters list values).
        #[serde(default)]
        levels: Option<usize>,
    },
    /// Latin hypercube of `points` points.
    LatinHypercube,
    /// The first `points` points of the Sobol' sequence.
    Sobol,
    /// Morris trajectories for screening: `trajectories * (k + 1)` points.
    Morris {
        /// Number of trajectories.
        trajectories: usize,
        /// Grid levels (even; 4 is customary).
        #[serde(default = "four")]
        levels: usize,
    },
    /// Saltelli cross-sampling for Sobol' indices: `base_samples * (k + 2)` points.
    Saltelli {
        /// Base sample size (a power of two is best).
        base_samples: usize,
        /// Also second-order indices (`base_samples * (2k + 2)` points).
        #[serde(default)]
        second_order: bool,
    },
}

fn four() -> usize {
    4
}

impl DesignSpec {
    /// Name as written in the file.
    pub fn method(&self) -> &'static str {
        match self {
            DesignSpec::Grid { .. } => "grid",
            DesignSpec::LatinHypercube => "latin_hypercube",
            DesignSpec::Sobol => "sobol",
            DesignSpec::Morris { .. } => "morris",
            DesignSpec::Saltelli { .. } => "saltelli",
        }
    }
}

/// One `[[parameter]]`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// Key path in the base scenario (see [`super::keypath`]).
    pub key: String,
    /// `[low, high]`: uniform on the range.
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// A list of values: a discrete factor.
    #[serde(default)]
    pub values: Option<Vec<f64>>,
}

/// How a metric reduces a town's monthly series in the chosen year(s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    /// The December value of `year` (or of `to` when a span is given).
    December,
    /// Mean over the months.
    Mean,
    /// Sum over the months (flows such as migrants, births).
    Sum,
    /// Smallest monthly value.
    Min,
    /// Largest monthly value.
    Max,
}

impl Stat {
    /// Name as written in the file.
    pub fn name(&self) -> &'static str {
        match self {
            Stat::December => "december",
            Stat::Mean => "mean",
            Stat::Sum => "sum",
            Stat::Min => "min",
            Stat::Max => "max",
        }
    }
}

/// One `[[metric]]`: a number computed from each run's towns table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    /// Name (a column of the sensitivity table and of metrics.parquet).
    pub name: String,
    /// Town name.
    pub town: String,
    /// A numeric column of towns.parquet (docs/OUTPUT.md).
    pub column: String,
    /// The year (or the first year of a span ending at `to`).
    pub year: i32,
    /// Last year of a span (inclusive); default: `year`.
    #[serde(default)]
    pub to: Option<i32>,
    /// Only this month (1-12) of each year; default: all months.
    #[serde(default)]
    pub month: Option<u32>,
    /// Reduction over the selected months.
    pub stat: Stat,
    /// Subtract this column before reducing (e.g. `out_migrants` minus `in_migrants`).
    #[serde(default)]
    pub minus: Option<String>,
}

impl MetricSpec {
    /// The last year covered.
    pub fn last_year(&self) -> i32 {
        self.to.unwrap_or(self.year)
    }

    /// Columns of the towns table this metric reads.
    pub fn columns(&self) -> Vec<&str> {
        let mut c = vec![self.column.as_str()];
        if let Some(m) = &self.minus {
            c.push(m.as_str());
        }
        c
    }
}

/// Sensitivity analysis settings.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivitySection {
    /// Bootstrap resamples for the confidence intervals.
    #[serde(default = "default_bootstrap")]
    pub bootstrap: usize,
}

impl Default for SensitivitySection {
    fn default() -> Self {
        SensitivitySection {
            bootstrap: default_bootstrap(),
        }
    }
}

fn default_bootstrap() -> usize {
    1000
}

/// The whole sweep file, as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// Name, base scenario, replicates, seed, budget.
    pub sweep: SweepSection,
    /// The design.
    pub design: DesignSpec,
    /// Parameters varied.
    #[serde(default)]
    pub parameter: Vec<ParameterSpec>,
    /// Metrics analysed.
    #[serde(default)]
    pub metric: Vec<MetricSpec>,
    /// Sensitivity settings.
    #[serde(default)]
    pub sensitivity: SensitivitySection,
}

/// Parse sweep text strictly; `origin` names the file in errors.
pub fn parse_sweep(text: &str, origin: &Path) -> Result<SweepFile, SweepError> {
    let de = toml::Deserializer::parse(text).map_err(|e| SweepError::Parse {
        path: origin.to_path_buf(),
        message: format!("TOML syntax error: {e}"),
    })?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let message = e.into_inner().to_string();
        let message = if key.is_empty() || key == "." {
            message
        } else {
            format!("at key `{key}`: {message}")
        };
        SweepError::Parse {
            path: origin.to_path_buf(),
            message,
        }
    })
}

/// A sweep checked against its base scenario: the factors, the design's points and the
/// scenario values of each point.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    /// The file.
    pub file: SweepFile,
    /// The base scenario.
    pub base: BaseScenario,
    /// Resolved fixed overrides.
    pub fixed: Vec<(ResolvedKey, f64)>,
    /// Resolved parameter keys, in file order.
    pub keys: Vec<ResolvedKey>,
    /// Factors for SALib (discrete ones span their values' range).
    pub factors: Vec<Factor>,
    /// The design on the unit cube, one row per point.
    pub unit: Vec<Vec<f64>>,
    /// Parameter values, one row per point.
    pub values: Vec<Vec<f64>>,
}

impl SweepPlan {
    /// Check a sweep file and build its design. `base_text` is the base scenario's text,
    /// `base_origin` its path.
    pub fn new(
        file: SweepFile,
        origin: &Path,
        base_text: &str,
        base_origin: &Path,
    ) -> Result<SweepPlan, SweepError> {
        let invalid = |key: &str, message: String| SweepError::Invalid {
            path: origin.to_path_buf(),
            key: key.to_string(),
            message,
        };
        let keyerr = |cause| SweepError::Key {
            path: origin.to_path_buf(),
            cause,
        };
        let s = &file.sweep;
        if s.name.trim().is_empty() || s.name.contains(['/', '\\']) || s.name.starts_with('.') {
            return Err(invalid(
                "sweep.name",
                "must be a non-empty name without `/`, `\\` or a leading `.`".into(),
            ));
        }
        if s.replicates == 0 || s.replicates > 100_000 {
            return Err(invalid(
                "sweep.replicates",
                format!(
                    "value {} is outside the valid range [1, 100000]",
                    s.replicates
                ),
            ));
        }
        if let Some(sc) = s.scale
            && !(sc > 0.0 && sc <= 1.0)
        {
            return Err(invalid(
                "sweep.scale",
                format!("value {sc} is outside the valid range (0, 1]"),
            ));
        }
        let base = BaseScenario::new(base_text, base_origin).map_err(keyerr)?;
        let mut fixed = Vec::new();
        for (k, v) in &s.set {
            let r = base.resolve(k).map_err(keyerr)?;
            check_value(&r, *v).map_err(keyerr)?;
            fixed.push((r, *v));
        }
        if file.parameter.is_empty() {
            return Err(invalid(
                "parameter",
                "a sweep needs at least one [[parameter]]".into(),
            ));
        }
        let mut keys = Vec::new();
        let mut factors = Vec::new();
        for (i, p) in file.parameter.iter().enumerate() {
            let r = base.resolve(&p.key).map_err(keyerr)?;
            if keys.iter().any(|k: &ResolvedKey| k.key == p.key) {
                return Err(invalid(
                    &format!("parameter[{i}].key"),
                    format!("`{}` is listed twice", p.key),
                ));
            }
            if fixed.iter().any(|(k, _)| k.key == p.key) {
                return Err(invalid(
                    &format!("parameter[{i}].key"),
                    format!("`{}` is also fixed in sweep.set", p.key),
                ));
            }
            let factor = match (&p.range, &p.values) {
                (Some([lo, hi]), None) => {
                    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                        return Err(invalid(
                            &format!("parameter[{i}].range"),
                            format!("[{lo}, {hi}] is empty: need finite low < high"),
                        ));
                    }
                    Factor::new(&p.key, *lo, *hi)
                }
                (None, Some(vals)) => {
                    if vals.is_empty() {
                        return Err(invalid(
                            &format!("parameter[{i}].values"),
                            "the list of values is empty".into(),
                        ));
                    }
                    if let Some(v) = vals.iter().find(|v| !v.is_finite()) {
                        return Err(invalid(
                            &format!("parameter[{i}].values"),
                            format!("{v} is not a finite number"),
                        ));
                    }
                    for v in vals {
                        check_value(&r, *v).map_err(keyerr)?;
                    }
                    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    Factor::new(&p.key, lo, if hi > lo { hi } else { lo + 1.0 })
                }
                _ => {
                    return Err(invalid(
                        &format!("parameter[{i}]"),
                        "give exactly one of `range = [low, high]` or `values = [...]`".into(),
                    ));
                }
            };
            keys.push(r);
            factors.push(factor);
        }
        let k = factors.len();
        let derr = |cause| SweepError::Design {
            path: origin.to_path_buf(),
            cause,
        };
        let unit = match file.design {
            DesignSpec::Grid { levels } => {
                grid(&file.parameter, levels).map_err(|m| invalid("design.levels", m))?
            }
            DesignSpec::LatinHypercube | DesignSpec::Sobol => {
                let n = s.points.ok_or_else(|| {
                    invalid(
                        "sweep.points",
                        format!(
                            "the {} design needs `points`, the number of points to run",
                            file.design.method()
                        ),
                    )
                })?;
                let d = if file.design == DesignSpec::Sobol {
                    Design::Sobol
                } else {
                    Design::LatinHypercube
                };
                d.generate(k, n, design_seed(s.seed)).map_err(derr)?
            }
            DesignSpec::Morris {
                trajectories,
                levels,
            } => {
                let d = Design::Morris {
                    trajectories,
                    levels,
                };
                let needed = d.fixed_size(k).map_err(derr)?.unwrap_or(0);
                d.generate(k, s.points.unwrap_or(needed), design_seed(s.seed))
                    .map_err(derr)?
            }
            DesignSpec::Saltelli {
                base_samples,
                second_order,
            } => {
                let d = Design::Saltelli {
                    base_samples,
                    second_order,
                };
                let needed = d.fixed_size(k).map_err(derr)?.unwrap_or(0);
                d.generate(k, s.points.unwrap_or(needed), design_seed(s.seed))
                    .map_err(derr)?
            }
        };
        if let (DesignSpec::Grid { .. }, Some(budget)) = (file.design, s.points)
            && unit.len() > budget
        {
            return Err(derr(DesignError::NotEnoughPoints {
                needed: unit.len(),
                n_points: budget,
            }));
        }
        if unit.len() > 10_000_000 {
            return Err(invalid(
                "design",
                format!(
                    "{} points is more than the 10,000,000 a sweep can hold",
                    unit.len()
                ),
            ));
        }
        let values = unit
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&file.parameter)
                    .zip(&factors)
                    .map(|((&u, p), f)| value_at(u, p, f))
                    .collect()
            })
            .collect();
        check_metrics(&file, origin, &base)?;
        if file.sensitivity.bootstrap < 2 {
            return Err(invalid(
                "sensitivity.bootstrap",
                format!(
                    "value {} is outside the valid range [2, 1000000]",
                    file.sensitivity.bootstrap
                ),
            ));
        }
        Ok(SweepPlan {
            file,
            base,
            fixed,
            keys,
            factors,
            unit,
            values,
        })
    }

    /// The scenario text of point `p`.
    pub fn scenario_text(&self, p: usize) -> String {
        let mut pairs: Vec<(&ResolvedKey, f64)> = self.fixed.iter().map(|(k, v)| (k, *v)).collect();
        pairs.extend(self.keys.iter().zip(&self.values[p]).map(|(k, v)| (k, *v)));
        self.base.with_values(&pairs)
    }

    /// `(key, value)` of point `p`, as recorded in the manifest.
    pub fn parameters(&self, p: usize) -> Vec<(String, f64)> {
        self.keys
            .iter()
            .zip(&self.values[p])
            .map(|(k, v)| (k.key.clone(), if k.integer { v.round() } else { *v }))
            .collect()
    }
}

/// The seed of a sweep's randomised design, derived from its master seed.
fn design_seed(master: u64) -> u64 {
    crate::rng::key(master, crate::rng::Process::Design, 0, 0)
}

/// Map a unit coordinate to a parameter value: ranges linearly, lists by stratum.
fn value_at(u: f64, p: &ParameterSpec, f: &Factor) -> f64 {
    match &p.values {
        Some(vals) => {
            let n = vals.len();
            let i = ((u * n as f64).floor() as usize).min(n - 1);
            vals[i]
        }
        None => design::scale(&[vec![u]], std::slice::from_ref(f))
            .map(|r| r[0][0])
            .unwrap_or(f.low),
    }
}

/// A full factorial grid on the unit cube where listed parameters take each of their values
/// and ranged ones `levels` equally spaced values (last parameter varying fastest).
fn grid(params: &[ParameterSpec], levels: Option<usize>) -> Result<Vec<Vec<f64>>, String> {
    let mut axes: Vec<Vec<f64>> = Vec::new();
    for p in params {
        let n = match &p.values {
            Some(v) => v.len(),
            None => match levels {
                Some(0) => return Err("value 0 is outside the valid range [1, 1000]".into()),
                Some(l) if l <= 1000 => l,
                Some(l) => return Err(format!("value {l} is outside the valid range [1, 1000]")),
                None => {
                    return Err(format!(
                        "the grid design needs `levels` for the ranged parameter `{}`",
                        p.key
                    ));
                }
            },
        };
        // Listed values: the middle of each stratum, so `value_at` picks each value once.
        let axis = if p.values.is_some() {
            (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect()
        } else if n == 1 {
            vec![0.5]
        } else {
            (0..n).map(|i| i as f64 / (n - 1) as f64).collect()
        };
        axes.push(axis);
    }
    let total = axes
        .iter()
        .try_fold(1usize, |acc, a| acc.checked_mul(a.len()))
        .filter(|t| *t <= 10_000_000);
    let Some(total) = total else {
        return Err("the grid has more than 10,000,000 points".into());
    };
    let mut rows = Vec::with_capacity(total);
    let mut digits = vec![0usize; axes.len()];
    for _ in 0..total {
        rows.push(digits.iter().zip(&axes).map(|(&d, a)| a[d]).collect());
        for (d, a) in digits.iter_mut().zip(&axes).rev() {
            *d += 1;
            if *d < a.len() {
                break;
            }
            *d = 0;
        }
    }
    Ok(rows)
}

/// Metrics must name a town of the base scenario, a numeric column of the towns table and
/// years inside the simulated span.
fn check_metrics(file: &SweepFile, origin: &Path, base: &BaseScenario) -> Result<(), SweepError> {
    let invalid = |key: String, message: String| SweepError::Invalid {
        path: origin.to_path_buf(),
        key,
        message,
    };
    let columns = towns_numeric_columns();
    let scenario =
        crate::scenario::parse_file(&base.text, &base.origin).map_err(|e| SweepError::Key {
            path: origin.to_path_buf(),
            cause: e.into(),
        })?;
    let mut start = scenario.run.start_year;
    let mut end = scenario.run.end_year;
    for (k, v) in &file.sweep.set {
        match k.as_str() {
            "run.start_year" => start = *v as i32,
            "run.end_year" => end = *v as i32,
            _ => {}
        }
    }
    let towns: Vec<&str> = scenario.town.iter().map(|t| t.name.as_str()).collect();
    let mut seen = std::collections::HashSet::new();
    for (i, m) in file.metric.iter().enumerate() {
        let key = |f: &str| format!("metric[{i}].{f}");
        if m.name.trim().is_empty()
            || !m
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(invalid(
                key("name"),
                format!(
                    "`{}` must be a non-empty name of letters, digits, `_` or `-`",
                    m.name
                ),
            ));
        }
        if !seen.insert(m.name.as_str()) {
            return Err(invalid(
                key("name"),
                format!("metric `{}` is defined twice", m.name),
            ));
        }
        if !towns.contains(&m.town.as_str()) {
            let hint = closest(0.7, &m.town, towns.iter().copied())
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            return Err(invalid(
                key("town"),
                format!("town `{}` is not in the base scenario{hint}", m.town),
            ));
        }
        for (field, c) in [("column", Some(&m.column)), ("minus", m.minus.as_ref())] {
            if let Some(c) = c
                && !columns.contains(c)
            {
                let hint = closest(0.7, c, columns.iter().map(String::as_str))
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                return Err(invalid(
                    key(field),
                    format!(
                        "`{c}` is not a numeric column of towns.parquet (docs/OUTPUT.md){hint}"
                    ),
                ));
            }
        }
        if m.year < start || m.last_year() > end || m.last_year() < m.year {
            return Err(invalid(
                key("year"),
                format!(
                    "years {}-{} are outside the simulated years [{start}, {end}]",
                    m.year,
                    m.last_year()
                ),
            ));
        }
        if let Some(mo) = m.month
            && !(1..=12).contains(&mo)
        {
            return Err(invalid(
                key("month"),
                format!("value {mo} is outside the valid range [1, 12]"),
            ));
        }
    }
    Ok(())
}

/// Numeric columns of the towns table.
pub fn towns_numeric_columns() -> Vec<String> {
    crate::output::schema::towns::TABLE
        .columns()
        .into_iter()
        .filter(|(_, dtype)| dtype.is_numeric())
        .map(|(name, _)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = include_str!("../../tests/data/tiny_batch.toml");

    fn plan(text: &str) -> Result<SweepPlan, SweepError> {
        let file = parse_sweep(text, Path::new("s.toml"))?;
        SweepPlan::new(file, Path::new("s.toml"), TINY, Path::new("tiny.toml"))
    }

    const HEAD: &str = "[sweep]\nname = \"t\"\nbase = \"tiny.toml\"\n";

    #[test]
    fn grid_with_values_and_levels() {
        let p = plan(&format!(
            "{HEAD}[design]\nmethod = \"grid\"\nlevels = 3\n[[parameter]]\nkey = \"migration.beta_wage\"\nrange = [1.0, 3.0]\n[[parameter]]\nkey = \"firm.Tiny Works.export_share\"\nvalues = [0.1, 0.5]\n"
        ))
        .unwrap();
        assert_eq!(p.values.len(), 6);
        assert_eq!(p.values[0], vec![1.0, 0.1]);
        assert_eq!(p.values[1], vec![1.0, 0.5]);
        assert_eq!(p.values[5], vec![3.0, 0.5]);
        let text = p.scenario_text(5);
        let s = crate::scenario::Scenario::from_toml(&text, Path::new("x")).unwrap();
        assert_eq!(s.file().migration.beta_wage, 3.0);
        assert_eq!(s.file().firm[0].export_share, 0.5);
    }

    #[test]
    fn bad_inputs_are_clear_errors() {
        let e = plan(&format!("{HEAD}[design]\nmethod = \"grid\"\nlevels = 2\n[[parameter]]\nkey = \"migration.beta_wage\"\nrange = [3.0, 3.0]\n")).unwrap_err().to_string();
        assert!(
            e.contains("parameter[0].range") && e.contains("empty"),
            "{e}"
        );
        let e = plan(&format!("{HEAD}points = 5\n[design]\nmethod = \"morris\"\ntrajectories = 4\n[[parameter]]\nkey = \"migration.beta_wage\"\nrange = [1.0, 3.0]\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("needs at least 8 points") && e.contains("n_points = 5"),
            "{e}"
        );
        let e = plan(&format!("{HEAD}[design]\nmethod = \"sobol\"\n[[parameter]]\nkey = \"migration.beta_wage\"\nrange = [1.0, 3.0]\n")).unwrap_err().to_string();
        assert!(e.contains("sweep.points"), "{e}");
        let e = plan(&format!("{HEAD}[design]\nmethod = \"grid\"\nlevels = 2\n[[parameter]]\nkey = \"migration.beta_wages\"\nrange = [1.0, 3.0]\n")).unwrap_err().to_string();
        assert!(e.contains("did you mean `migration.beta_wage`"), "{e}");
        let e = plan(&format!("{HEAD}replicates = 0\n[design]\nmethod = \"grid\"\nlevels = 2\n[[parameter]]\nkey = \"migration.beta_wage\"\nrange = [1.0, 3.0]\n")).unwrap_err().to_string();
        assert!(
            e.contains("sweep.replicates") && e.contains("[1, 100000]"),
            "{e}"
        );
        let e = plan(&format!(
            "{HEAD}[design]\nmethod = \"grid\"\nlevels = 2\n[[parameter]]\nkey = \"migration.beta_wage\"\nrange = [1.0, 3.0]\n[[metric]]\nname = \"m\"\ntown = \"Tinygrad\"\ncolumn = \"populaton\"\nyear = 1990\nstat = \"mean\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("metric[0].column") && e.contains("did you mean `population`"),
            "{e}"
        );
        let e = plan(&format!(
            "{HEAD}[design]\nmethod = \"grid\"\nlevels = 2\n[[parameter]]\nkey = \"migration.beta_wage\"\nrange = [1.0, 3.0]\n[[metric]]\nname = \"m\"\ntown = \"Tinygrad\"\ncolumn = \"population\"\nyear = 2035\nstat = \"mean\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("metric[0].year") && e.contains("[1989, 1995]"),
            "{e}"
        );
        let e = plan(&format!(
            "{HEAD}[design]\nmethod = \"grid\"\nlevels = 2\nbogus = 1\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("bogus"), "{e}");
    }

    #[test]
    fn morris_design_has_trajectory_layout() {
        let p = plan(&format!(
            "{HEAD}[design]\nmethod = \"morris\"\ntrajectories = 3\n[[parameter]]\nkey = \"migration.beta_wage\"\nrange = [1.0, 3.0]\n[[parameter]]\nkey = \"town.Tinygrad.amenity\"\nrange = [0.5, 1.5]\n"
        ))
        .unwrap();
        assert_eq!(p.unit.len(), 9);
        assert!(
            p.values
                .iter()
                .all(|r| (1.0..=3.0).contains(&r[0]) && (0.5..=1.5).contains(&r[1]))
        );
    }
}
