//! The calibration file (docs/CALIBRATION.md) and its checks, all made before any run.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::CalibrateError;
use super::abc::{KernelKind, Settings};
use super::prior::Prior;
use super::target::{ObsKind, Observation, TargetSpec, series_observations};
use crate::batch::keypath::{BaseScenario, ResolvedKey, check_value};
use crate::batch::sweep::towns_numeric_columns;
use crate::scenario::TownKind;
use crate::scenario::{Scenario, closest};

/// `[calibration]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationSection {
    /// Master seed.
    pub seed: u64,
    /// Targets after this year are out-of-sample checks only.
    pub fit_until: i32,
    /// Accepted particles per generation.
    pub population: usize,
    /// Most generations (generation 0, from the prior, included).
    pub generations: u32,
    /// Most model runs in all (default: 50 x population x generations x replicates).
    #[serde(default)]
    pub budget: Option<u64>,
    /// Stop once epsilon is at or below this (default 0).
    #[serde(default)]
    pub min_epsilon: f64,
    /// Stop after a generation accepting less than this share of its attempts (default 0).
    #[serde(default)]
    pub min_acceptance: f64,
    /// Model runs per particle (their statistics are averaged).
    #[serde(default = "one_u32")]
    pub replicates: u32,
    /// Agents per person of every run (default: each scenario's `run.scale`).
    #[serde(default)]
    pub scale: Option<f64>,
    /// Quantile of the previous distances that sets epsilon (default 0.5).
    #[serde(default = "half")]
    pub quantile: f64,
    /// Posterior-predictive draws from the final generation, each run over the full
    /// scenario years (default 50; 0 switches the posterior-predictive batch off).
    #[serde(default = "fifty")]
    pub predictive_draws: i64,
    /// Model runs per posterior-predictive draw (default 1).
    #[serde(default = "one_i64")]
    pub predictive_replicates: i64,
    /// Common random numbers within a generation: every particle of a generation runs with
    /// the same model seeds (default false: each attempt has its own).
    #[serde(default)]
    pub common_random_numbers: bool,
    /// Perturbation kernel: "standard" (default) or "olcm".
    #[serde(default = "standard")]
    pub kernel: String,
}

fn standard() -> String {
    "standard".into()
}

fn fifty() -> i64 {
    50
}
fn one_i64() -> i64 {
    1
}

fn one_u32() -> u32 {
    1
}
fn half() -> f64 {
    0.5
}

/// `[[parameter]]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// Key path (as in sweeps).
    pub key: String,
    /// Prior, e.g. `uniform(0.5, 2)`.
    pub prior: String,
    /// Only this scenario (its `run.name`); default: every scenario.
    #[serde(default)]
    pub scenario: Option<String>,
}

/// The file as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationFile {
    /// Settings.
    pub calibration: CalibrationSection,
    /// Base scenario files, relative to the calibration file.
    pub scenarios: Vec<String>,
    /// Calibrated parameters.
    #[serde(default)]
    pub parameter: Vec<ParameterSpec>,
    /// Targets.
    #[serde(default)]
    pub target: Vec<TargetSpec>,
}

/// A calibrated parameter, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Key path.
    pub key: String,
    /// Prior.
    pub prior: Prior,
    /// Scenario index it applies to; `None` for all.
    pub scenario: Option<usize>,
}

/// A base scenario with the keys it takes.
#[derive(Debug, Clone)]
pub struct ScenarioSetup {
    /// The base scenario.
    pub base: BaseScenario,
    /// (parameter index, resolved key) of the parameters applied to it.
    pub keys: Vec<(usize, ResolvedKey)>,
    /// `run.end_year` shortened to the last year a target needs, when that is earlier.
    pub end_year: Option<(ResolvedKey, i32)>,
    /// Agents per person of its runs.
    pub scale: f64,
}

/// A calibration file checked against its scenarios and targets: ready to run.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The file's path.
    pub path: PathBuf,
    /// The file.
    pub file: CalibrationFile,
    /// Algorithm settings.
    pub settings: Settings,
    /// Parameters in file order.
    pub parameters: Vec<Parameter>,
    /// Scenarios in file order.
    pub scenarios: Vec<ScenarioSetup>,
    /// Observations of every target.
    pub observations: Vec<Observation>,
    /// FNV-1a hash of every input text (file, scenarios, target files), hex: a resumed
    /// calibration must have the same.
    pub fingerprint: String,
}

fn read(path: &Path) -> Result<String, CalibrateError> {
    std::fs::read_to_string(path).map_err(|source| CalibrateError::Read {
        path: path.to_path_buf(),
        source,
    })
}

impl Calibration {
    /// Read and check a calibration file, its scenarios and its target files.
    pub fn load(path: &Path) -> Result<Calibration, CalibrateError> {
        let text = read(path)?;
        let file: CalibrationFile = {
            let de = toml::Deserializer::parse(&text).map_err(|e| CalibrateError::Invalid {
                path: path.to_path_buf(),
                key: "(file)".into(),
                message: format!("TOML syntax error: {e}"),
            })?;
            serde_path_to_error::deserialize(de).map_err(|e| CalibrateError::Invalid {
                path: path.to_path_buf(),
                key: e.path().to_string(),
                message: e.inner().message().to_string(),
            })?
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut hashed = text.clone();
        let invalid = |key: &str, message: String| CalibrateError::Invalid {
            path: path.to_path_buf(),
            key: key.to_string(),
            message,
        };
        let settings = check_settings(&file.calibration, &invalid)?;
        if file.scenarios.is_empty() {
            return Err(invalid(
                "scenarios",
                "name at least one base scenario".into(),
            ));
        }
        let mut scenarios: Vec<ScenarioSetup> = Vec::new();
        for (i, s) in file.scenarios.iter().enumerate() {
            let sp = dir.join(s);
            // The scenario with its `extends` chain resolved: a stand-alone text.
            let resolved = crate::scenario::resolve(&sp)?;
            let st = resolved.text.clone();
            hashed.push_str(&st);
            resolved.parse().map_err(|e| CalibrateError::Key {
                path: path.to_path_buf(),
                cause: e.into(),
            })?;
            let base = BaseScenario::new(&st, &sp).map_err(|cause| CalibrateError::Key {
                path: path.to_path_buf(),
                cause,
            })?;
            if scenarios.iter().any(|o| o.base.name == base.name) {
                return Err(invalid(
                    &format!("scenarios[{i}]"),
                    format!("scenario `{}` is listed twice", base.name),
                ));
            }
            let sc = resolved.scenario()?;
            let p = sc.params();
            let fit = file.calibration.fit_until;
            if fit < p.start_year() || fit > p.end_year() {
                return Err(invalid(
                    "calibration.fit_until",
                    format!(
                        "value {fit} is outside the valid range [{}, {}] (the years of {})",
                        p.start_year(),
                        p.end_year(),
                        sp.display()
                    ),
                ));
            }
            let scale = file.calibration.scale.unwrap_or(p.scale());
            sc.with_scale(scale)?;
            scenarios.push(ScenarioSetup {
                base,
                keys: Vec::new(),
                end_year: None,
                scale,
            });
        }
        let parameters = check_parameters(&file, &mut scenarios, &invalid)?;
        let observations = check_targets(&file, dir, &mut scenarios, &mut hashed, &invalid)?;
        let cal = Calibration {
            path: path.to_path_buf(),
            file,
            settings,
            parameters,
            scenarios,
            observations,
            fingerprint: format!("{:016x}", crate::run::fnv1a(hashed.as_bytes())),
        };
        cal.check_prior_extremes()?;
        Ok(cal)
    }

    /// The scenario text of scenario `s` with parameter values `theta` (all parameters,
    /// in file order) and the shortened end year.
    pub fn scenario_text(&self, s: usize, theta: &[f64]) -> String {
        self.text_with(s, theta, true)
    }

    fn text_with(&self, s: usize, theta: &[f64], shorten: bool) -> String {
        let setup = &self.scenarios[s];
        let mut pairs: Vec<(&ResolvedKey, f64)> =
            setup.keys.iter().map(|(p, k)| (k, theta[*p])).collect();
        if shorten && let Some((k, y)) = &setup.end_year {
            pairs.push((k, f64::from(*y)));
        }
        setup.base.with_values(&pairs)
    }

    /// A validated scenario for `theta`, at the calibration's scale.
    pub fn scenario(
        &self,
        s: usize,
        theta: &[f64],
    ) -> Result<Scenario, crate::scenario::ScenarioError> {
        self.scenario_with(s, theta, true)
    }

    /// A validated scenario for `theta` at the calibration's scale, its run ending at the
    /// last year a target needs (`shorten`) or at the scenario's own `run.end_year`.
    pub fn scenario_with(
        &self,
        s: usize,
        theta: &[f64],
        shorten: bool,
    ) -> Result<Scenario, crate::scenario::ScenarioError> {
        let setup = &self.scenarios[s];
        Scenario::from_toml(&self.text_with(s, theta, shorten), &setup.base.origin)?
            .with_scale(setup.scale)
    }

    /// Every parameter at either end of its prior (the others at their medians) must give
    /// a valid scenario: the prior lies inside the parameter's valid range.
    fn check_prior_extremes(&self) -> Result<(), CalibrateError> {
        let medians: Vec<f64> = self.parameters.iter().map(|p| p.prior.median()).collect();
        for s in 0..self.scenarios.len() {
            self.scenario(s, &medians)?;
        }
        for (i, p) in self.parameters.iter().enumerate() {
            let (lo, hi) = p.prior.extremes();
            for v in [lo, hi] {
                let mut theta = medians.clone();
                theta[i] = v;
                for s in 0..self.scenarios.len() {
                    if p.scenario.is_some_and(|x| x != s) {
                        continue;
                    }
                    if let Err(e) = self.scenario(s, &theta) {
                        return Err(CalibrateError::Invalid {
                            path: self.path.clone(),
                            key: format!("parameter[{i}].prior"),
                            message: format!(
                                "the prior of `{}` reaches {v}, outside the parameter's valid range: {e}",
                                p.key
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

fn check_settings(
    c: &CalibrationSection,
    invalid: &dyn Fn(&str, String) -> CalibrateError,
) -> Result<Settings, CalibrateError> {
    let range = |key: &str, v: f64, lo: f64, hi: f64| {
        if v.is_finite() && v >= lo && v <= hi {
            Ok(())
        } else {
            Err(invalid(
                &format!("calibration.{key}"),
                format!("value {v} is outside the valid range [{lo}, {hi}]"),
            ))
        }
    };
    range("population", c.population as f64, 2.0, 100_000.0)?;
    range("generations", f64::from(c.generations), 1.0, 1000.0)?;
    range("replicates", f64::from(c.replicates), 1.0, 1000.0)?;
    range("min_epsilon", c.min_epsilon, 0.0, 1e300)?;
    range("min_acceptance", c.min_acceptance, 0.0, 1.0)?;
    range("quantile", c.quantile, 0.01, 0.99)?;
    range("fit_until", f64::from(c.fit_until), 1900.0, 2100.0)?;
    range(
        "predictive_draws",
        c.predictive_draws as f64,
        0.0,
        100_000.0,
    )?;
    range(
        "predictive_replicates",
        c.predictive_replicates as f64,
        1.0,
        1000.0,
    )?;
    if let Some(s) = c.scale
        && !(s > 0.0 && s <= 1.0)
    {
        return Err(invalid(
            "calibration.scale",
            format!("value {s} is outside the valid range (0, 1]"),
        ));
    }
    let kernel = KernelKind::parse(&c.kernel).ok_or_else(|| {
        invalid(
            "calibration.kernel",
            format!(
                "`{}` is not a kernel: valid values are \"standard\" (2x the weighted covariance, Beaumont et al. 2009) and \"olcm\" (Filippi et al. 2013)",
                c.kernel
            ),
        )
    })?;
    let per_attempt = u64::from(c.replicates);
    let min_budget = c.population as u64 * per_attempt;
    let budget = c
        .budget
        .unwrap_or(50 * min_budget * u64::from(c.generations));
    range("budget", budget as f64, min_budget as f64, 1e12)?;
    Ok(Settings {
        seed: c.seed,
        population: c.population,
        generations: c.generations,
        budget,
        min_epsilon: c.min_epsilon,
        min_acceptance: c.min_acceptance,
        quantile: c.quantile,
        batch: c.population,
        runs_per_attempt: per_attempt,
        common_random_numbers: c.common_random_numbers,
        kernel,
    })
}

fn check_parameters(
    file: &CalibrationFile,
    scenarios: &mut [ScenarioSetup],
    invalid: &dyn Fn(&str, String) -> CalibrateError,
) -> Result<Vec<Parameter>, CalibrateError> {
    if file.parameter.is_empty() {
        return Err(invalid(
            "parameter",
            "a calibration needs at least one [[parameter]]".into(),
        ));
    }
    let mut out: Vec<Parameter> = Vec::new();
    for (i, p) in file.parameter.iter().enumerate() {
        let key = format!("parameter[{i}]");
        let prior = Prior::parse(&p.prior).map_err(|m| invalid(&format!("{key}.prior"), m))?;
        let scenario = match &p.scenario {
            None => None,
            Some(name) => Some(
                scenarios
                    .iter()
                    .position(|s| &s.base.name == name)
                    .ok_or_else(|| {
                        let names: Vec<&str> =
                            scenarios.iter().map(|s| s.base.name.as_str()).collect();
                        invalid(
                            &format!("{key}.scenario"),
                            format!(
                                "no calibrated scenario is named `{name}` (names: {})",
                                names.join(", ")
                            ),
                        )
                    })?,
            ),
        };
        if out.iter().any(|o| {
            o.key == p.key && (o.scenario.is_none() || scenario.is_none() || o.scenario == scenario)
        }) {
            return Err(invalid(
                &format!("{key}.key"),
                format!("`{}` is listed twice for the same scenario", p.key),
            ));
        }
        if let Some(row) = crate::scenario::params::all_tables()
            .into_iter()
            .flatten()
            .find(|r| r.key == p.key)
        {
            let (lo, hi) = prior.support();
            if lo < row.min || hi > row.max {
                return Err(invalid(
                    &format!("{key}.prior"),
                    format!(
                        "the support [{lo}, {hi}] of {} goes outside the valid range [{}, {}] of `{}` (monotown params){}",
                        p.prior.trim(),
                        row.min,
                        row.max,
                        p.key,
                        if matches!(prior, Prior::Normal { .. }) {
                            "; use truncnormal(m, s, a, b)"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
        for (s, setup) in scenarios.iter_mut().enumerate() {
            if scenario.is_some_and(|x| x != s) {
                continue;
            }
            let r = setup
                .base
                .resolve(&p.key)
                .map_err(|cause| CalibrateError::Key {
                    path: PathBuf::from(&key),
                    cause,
                })?;
            if r.integer {
                check_value(&r, prior.median().round()).map_err(|cause| CalibrateError::Key {
                    path: PathBuf::from(&key),
                    cause,
                })?;
            }
            setup.keys.push((i, r));
        }
        out.push(Parameter {
            key: p.key.clone(),
            prior,
            scenario,
        });
    }
    Ok(out)
}

fn check_targets(
    file: &CalibrationFile,
    dir: &Path,
    scenarios: &mut [ScenarioSetup],
    hashed: &mut String,
    invalid: &dyn Fn(&str, String) -> CalibrateError,
) -> Result<Vec<Observation>, CalibrateError> {
    if file.target.is_empty() {
        return Err(invalid(
            "target",
            "a calibration needs at least one [[target]]".into(),
        ));
    }
    let agent_towns: Vec<Vec<String>> = scenarios
        .iter()
        .map(|s| {
            crate::scenario::parse_file(&s.base.text, &s.base.origin)
                .map(|f| {
                    f.town
                        .iter()
                        .filter(|t| t.kind == TownKind::Agent)
                        .map(|t| t.name.clone())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let town_scenario = |town: &str| {
        agent_towns
            .iter()
            .position(|ts| ts.iter().any(|t| t == town))
    };
    let columns = towns_numeric_columns();
    let fit = file.calibration.fit_until;
    let mut obs = Vec::new();
    for (i, t) in file.target.iter().enumerate() {
        let key = |k: &str| format!("target[{i}].{k}");
        if t.weight.is_nan() || t.weight <= 0.0 || !t.weight.is_finite() {
            return Err(invalid(
                &key("weight"),
                format!("value {} must be a finite number > 0", t.weight),
            ));
        }
        if let Some(sd) = t.sd.or(t.relative_sd)
            && !(sd > 0.0 && sd.is_finite())
        {
            return Err(invalid(
                &key("sd"),
                format!("value {sd} must be a finite number > 0"),
            ));
        }
        if t.month.is_some_and(|m| !(1..=12).contains(&m)) {
            return Err(invalid(&key("month"), "must be in [1, 12]".into()));
        }
        match (&t.file, &t.fact) {
            (Some(f), None) => {
                let c = t.column.as_deref().unwrap_or("");
                if !columns.iter().any(|x| x == c) {
                    let hint = closest(0.7, c, columns.iter().map(String::as_str))
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    return Err(invalid(
                        &key("column"),
                        format!(
                            "`{c}` is not a numeric column of the towns table (docs/OUTPUT.md){hint}"
                        ),
                    ));
                }
                let fp = dir.join(f);
                let text = read(&fp)?;
                hashed.push_str(&text);
                let found = series_observations(t, &text, &fp, fit, &town_scenario)
                    .map_err(|(k, m)| invalid(&key(&k), m))?;
                obs.extend(found);
            }
            (None, Some(fact)) => {
                obs.push(fact_observation(t, fact, fit, &town_scenario, &|k, m| {
                    invalid(&key(k), m)
                })?);
            }
            _ => {
                return Err(invalid(
                    &format!("target[{i}]"),
                    "give exactly one of `file` (an observed series) or `fact`".into(),
                ));
            }
        }
    }
    if !obs.iter().any(|o| o.in_sample) {
        return Err(invalid(
            "calibration.fit_until",
            format!("no target observation is in or before {fit}: nothing to fit"),
        ));
    }
    shorten_runs(&obs, scenarios, invalid)?;
    Ok(obs)
}

/// A `fact` target as an observation (its range, the scale of a miss, its scenario).
fn fact_observation(
    t: &TargetSpec,
    fact: &str,
    fit: i32,
    town_scenario: &dyn Fn(&str) -> Option<usize>,
    invalid: &dyn Fn(&str, String) -> CalibrateError,
) -> Result<Observation, CalibrateError> {
    let town = t
        .town
        .clone()
        .ok_or_else(|| invalid("town", "a fact target needs `town`".into()))?;
    let s = town_scenario(&town).ok_or_else(|| {
        invalid(
            "town",
            format!("`{town}` is not an agent town of any calibrated scenario"),
        )
    })?;
    let known =
        crate::facts::FACTS.iter().any(|(f, _)| *f == fact) || fact.starts_with("commuters_to_");
    if !known {
        let hint = closest(0.7, fact, crate::facts::FACTS.iter().map(|(f, _)| *f))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(invalid(
            "fact",
            format!("`{fact}` is not a fact of facts.csv{hint}"),
        ));
    }
    let [low, high] = match t.range {
        Some(r) => r,
        None => match crate::facts::targets::target(fact, &town) {
            Some(tg) => [tg.low, tg.high],
            None => {
                return Err(invalid(
                    "range",
                    format!("`{fact}` has no target range for {town}: give `range = [low, high]`"),
                ));
            }
        },
    };
    if low.is_nan() || high.is_nan() || low > high {
        return Err(invalid("range", format!("[{low}, {high}] is empty")));
    }
    let sd = match t.sd {
        Some(sd) => sd,
        None if low.is_finite() && high.is_finite() && high > low => high - low,
        None => {
            return Err(invalid(
                "sd",
                format!(
                    "the range [{low}, {high}] has no finite width: give `sd`, the scale of a miss"
                ),
            ));
        }
    };
    let source = match t.range {
        Some(_) => String::new(),
        None => crate::facts::targets::target(fact, &town)
            .map(|x| x.source.to_string())
            .unwrap_or_default(),
    };
    let in_sample = t.year.is_none_or(|y| y <= fit);
    // The data rule: a range resting on observations after 2010 is for validation only.
    if in_sample && source.contains("validation only") {
        return Err(invalid(
            "fact",
            format!(
                "the target range of `{fact}` rests partly on data after 2010 (validation only) and may not be fitted: set `year` after fit_until to report it as an out-of-sample check, or give your own `range`"
            ),
        ));
    }
    Ok(Observation {
        target: t.name.clone(),
        scenario: s,
        town,
        year: t.year,
        kind: ObsKind::Fact(fact.to_string()),
        observed: f64::NAN,
        low,
        high,
        sd,
        weight: t.weight,
        in_sample,
        source,
    })
}

/// Check the observation years against each scenario's years, and end its runs at the
/// last year a target needs (unless a fact, which may use the whole run, is fitted on it).
fn shorten_runs(
    obs: &[Observation],
    scenarios: &mut [ScenarioSetup],
    invalid: &dyn Fn(&str, String) -> CalibrateError,
) -> Result<(), CalibrateError> {
    for (s, setup) in scenarios.iter_mut().enumerate() {
        let sc = crate::scenario::parse_file(&setup.base.text, &setup.base.origin)?;
        let (first, end_year) = (sc.run.start_year, sc.run.end_year);
        if let Some(o) = obs
            .iter()
            .find(|o| o.scenario == s && o.year.is_some_and(|y| y < first || y > end_year))
        {
            return Err(invalid(
                "target",
                format!(
                    "target `{}`: {} {} is outside the years {first}-{end_year} of scenario `{}`",
                    o.target,
                    o.town,
                    o.year.unwrap_or_default(),
                    setup.base.name
                ),
            ));
        }
        if !obs.iter().any(|o| o.scenario == s) {
            return Err(invalid(
                "scenarios",
                format!("scenario `{}` has no target observations", setup.base.name),
            ));
        }
        let last = obs
            .iter()
            .filter(|o| o.scenario == s)
            .filter_map(|o| o.year)
            .max();
        if obs
            .iter()
            .any(|o| o.scenario == s && matches!(o.kind, ObsKind::Fact(_)))
        {
            continue;
        }
        let Some(last) = last else { continue };
        let end = setup
            .base
            .resolve("run.end_year")
            .map_err(|cause| CalibrateError::Key {
                path: PathBuf::from("scenarios"),
                cause,
            })?;
        if last < sc.run.end_year && last >= sc.run.start_year {
            setup.end_year = Some((end, last));
        }
    }
    Ok(())
}
