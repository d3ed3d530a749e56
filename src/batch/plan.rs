//! The plan of a batch: every run it holds, its seed and its place in the dataset.
//!
//! A plan is built from a [`BatchSpec`] (scenario texts, replicates, master seed, or a sweep
//! file and its base scenario) which is saved as `batch.json` in the batch folder, so that
//! resuming, sharding and merging all see the same runs in the same order. Run `i` of a plan
//! is scenario `s`, parameter point `p`, replicate `r` with
//! `i = (s * points + p) * replicates + r`; its seed is [`run_seed`], a pure function of the
//! master seed, the scenario's name, the point and the replicate (Mesa's
//! `spawn_replications` idea), recorded in the run's manifest. In a comparison
//! ([`PlanSpec::Compare`]) under common random numbers the seed is [`compare_seed`], a
//! function of the master seed and the replicate only, shared by the base and the variants.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::keypath::{BaseScenario, KeyPathError, ResolvedKey, check_value};
use super::sweep::{SweepError, SweepPlan, parse_sweep};
use crate::output::Format;
use crate::rng::{Process, key, mix64};
use crate::run::fnv1a;

/// Why a batch could not be planned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A scenario or override is wrong.
    #[error(transparent)]
    Key(#[from] KeyPathError),
    /// The sweep file is wrong.
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// A batch option is wrong.
    #[error("{option}: {message}")]
    Option {
        /// The option, e.g. `--replicates`.
        option: String,
        /// What is wrong and what is valid.
        message: String,
    },
}

/// A text file kept verbatim in `batch.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceText {
    /// Path it was read from.
    pub origin: String,
    /// Its content.
    pub text: String,
}

/// What a batch runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanSpec {
    /// Scenarios x replicates.
    Batch {
        /// The scenario files.
        scenarios: Vec<SourceText>,
        /// Replicates per scenario.
        replicates: u32,
        /// Master seed.
        seed: u64,
        /// Overrides applied to every scenario (key path, value).
        #[serde(default)]
        set: Vec<(String, f64)>,
    },
    /// A policy comparison (`monotown compare`): a base scenario and its variants, each
    /// with the same replicates. Under common random numbers (the default) replicate `r`
    /// of every scenario runs with the same model seed, [`compare_seed`]; with
    /// `independent` the variants get seeds of their own ([`run_seed`]), so that the
    /// difference is unpaired. The first scenario of the plan is the base.
    Compare {
        /// The base scenario file.
        base: SourceText,
        /// The variant scenario files.
        variants: Vec<SourceText>,
        /// Replicates per scenario (at least 2, for an interval).
        replicates: u32,
        /// Master seed.
        seed: u64,
        /// Overrides applied to every scenario (key path, value).
        #[serde(default)]
        set: Vec<(String, f64)>,
        /// Independent seeds instead of common random numbers.
        #[serde(default)]
        independent: bool,
        /// Years (first, last) of the window effects (default: the base's whole run).
        #[serde(default)]
        window: Option<(i32, i32)>,
        /// Also write `effects.csv`.
        #[serde(default)]
        csv: bool,
    },
    /// A parameter sweep.
    Sweep {
        /// The sweep file.
        sweep: SourceText,
        /// Its base scenario.
        base: SourceText,
        /// Master seed given on the command line (overrides the file's).
        #[serde(default)]
        seed: Option<u64>,
    },
}

/// Everything that defines a batch's runs and outputs; saved as `batch.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchSpec {
    /// The runs.
    pub plan: PlanSpec,
    /// Agents per person for every run (default: the sweep's, else each scenario's).
    pub scale: Option<f64>,
    /// Table format of each run: `parquet`, `csv` or `both`.
    pub format: String,
}

/// A run's seed: a pure function of the master seed, the scenario name, the parameter
/// point and the replicate number.
pub fn run_seed(master: u64, scenario: &str, point: u32, replicate: u32) -> u64 {
    let entity =
        mix64(fnv1a(scenario.as_bytes())) ^ u64::from(point).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    key(master, Process::Replicate, entity, replicate)
}

/// The model seed of replicate `replicate` of every scenario of a comparison under common
/// random numbers: a pure function of the master seed and the replicate only, so the base
/// and each variant draw from the same streams.
pub fn compare_seed(master: u64, replicate: u32) -> u64 {
    key(
        master,
        Process::Replicate,
        mix64(fnv1a(b"monotown compare: common random numbers")),
        replicate,
    )
}

/// One slice of a batch, `--shard I/N`: runs whose index modulo `N` is `I` (`0 <= I < N`,
/// as Slurm's `--array=0-(N-1)` numbers its tasks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based slice number.
    pub index: usize,
    /// Number of slices.
    pub count: usize,
}

impl Shard {
    /// Parse `I/N` with `0 <= I < N`.
    pub fn parse(s: &str) -> Result<Shard, PlanError> {
        let bad = |m: String| PlanError::Option {
            option: "--shard".into(),
            message: m,
        };
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| bad(format!("`{s}` is not of the form I/N (e.g. 3/10)")))?;
        let i: usize = i
            .trim()
            .parse()
            .map_err(|_| bad(format!("`{s}`: I is not a whole number")))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| bad(format!("`{s}`: N is not a whole number")))?;
        if n == 0 || n > 1_000_000 {
            return Err(bad(format!(
                "`{s}`: N = {n} is outside the valid range [1, 1000000]"
            )));
        }
        if i >= n {
            return Err(bad(format!(
                "`{s}`: I = {i} is outside the valid range [0, {}] (shards are numbered from 0)",
                n - 1
            )));
        }
        Ok(Shard { index: i, count: n })
    }

    /// Whether run `index` belongs to this slice.
    pub fn contains(&self, index: usize) -> bool {
        index % self.count == self.index
    }

    /// `shard-I-of-N`, for file names.
    pub fn tag(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

/// One scenario of a plan with the overrides every one of its runs gets.
#[derive(Debug, Clone)]
pub struct PlanScenario {
    /// Name used in the dataset (`scenario=<label>`).
    pub label: String,
    /// The base text.
    pub base: BaseScenario,
    /// Overrides for all runs.
    pub fixed: Vec<(ResolvedKey, f64)>,
}

/// A checked plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Name of the batch.
    pub name: String,
    /// What it was built from.
    pub spec: BatchSpec,
    /// Table format.
    pub format: Format,
    /// Scenarios (one for a sweep).
    pub scenarios: Vec<PlanScenario>,
    /// The sweep, if this is one.
    pub sweep: Option<SweepPlan>,
    /// Parameter points per scenario (1 for a plain batch).
    pub points: usize,
    /// Replicates per point.
    pub replicates: u32,
    /// Master seed.
    pub master_seed: u64,
}

/// One run of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRun {
    /// Position in the plan.
    pub index: usize,
    /// Scenario label.
    pub scenario: String,
    /// Parameter point (0 in a plain batch).
    pub point: u32,
    /// Replicate number.
    pub replicate: u32,
    /// Seed.
    pub seed: u64,
    /// Parameter values of the point.
    pub parameters: Vec<(String, f64)>,
    /// Folder relative to the batch folder.
    pub dir: PathBuf,
}

/// Keep names usable as Hive partition values and folder names.
/// `--replicates` within `[min, 100000]`; `why` is added to the error message.
fn check_replicates(replicates: u32, min: u32, why: &str) -> Result<(), PlanError> {
    if (min..=100_000).contains(&replicates) {
        return Ok(());
    }
    Err(PlanError::Option {
        option: "--replicates".into(),
        message: format!("{replicates} is outside the valid range [{min}, 100000]{why}"),
    })
}

fn label(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl Plan {
    /// Check a spec and build the plan. `sweep_dir` is unused; paths inside the spec are
    /// already resolved to texts.
    pub fn new(spec: BatchSpec) -> Result<Plan, PlanError> {
        let format = Format::parse(&spec.format).ok_or_else(|| PlanError::Option {
            option: "--format".into(),
            message: format!("`{}` is not one of parquet, csv, both", spec.format),
        })?;
        if let Some(s) = spec.scale
            && !(s > 0.0 && s <= 1.0)
        {
            return Err(PlanError::Option {
                option: "--scale".into(),
                message: format!("{s} is outside the valid range (0, 1]"),
            });
        }
        match &spec.plan {
            PlanSpec::Batch {
                scenarios,
                replicates,
                seed,
                set,
            } => {
                if scenarios.is_empty() {
                    return Err(PlanError::Option {
                        option: "SCENARIO".into(),
                        message: "give at least one scenario file".into(),
                    });
                }
                check_replicates(*replicates, 1, "")?;
                let list = scenario_list(scenarios.iter(), set)?;
                let name = list
                    .iter()
                    .map(|s| s.label.as_str())
                    .collect::<Vec<_>>()
                    .join("+");
                Ok(Plan {
                    name,
                    format,
                    scenarios: list,
                    sweep: None,
                    points: 1,
                    replicates: *replicates,
                    master_seed: *seed,
                    spec,
                })
            }
            PlanSpec::Compare {
                base,
                variants,
                replicates,
                seed,
                set,
                window,
                ..
            } => {
                if variants.is_empty() {
                    return Err(PlanError::Option {
                        option: "VARIANT".into(),
                        message: "give at least one variant scenario file after the base".into(),
                    });
                }
                check_replicates(*replicates, 2, " (an interval needs at least 2 replicates)")?;
                if let Some((a, b)) = window
                    && a > b
                {
                    return Err(PlanError::Option {
                        option: "--window".into(),
                        message: format!("{a}-{b}: the first year is after the last"),
                    });
                }
                let list = scenario_list(std::iter::once(base).chain(variants), set)?;
                let name = format!(
                    "{}_vs_{}",
                    list[1..]
                        .iter()
                        .map(|s| s.label.as_str())
                        .collect::<Vec<_>>()
                        .join("+"),
                    list[0].label
                );
                Ok(Plan {
                    name,
                    format,
                    scenarios: list,
                    sweep: None,
                    points: 1,
                    replicates: *replicates,
                    master_seed: *seed,
                    spec,
                })
            }
            PlanSpec::Sweep { sweep, base, seed } => {
                let file = parse_sweep(&sweep.text, Path::new(&sweep.origin))?;
                let sp = SweepPlan::new(
                    file,
                    Path::new(&sweep.origin),
                    &base.text,
                    Path::new(&base.origin),
                )?;
                let master_seed = seed.unwrap_or(sp.file.sweep.seed);
                let scenario = PlanScenario {
                    label: label(&sp.base.name),
                    base: sp.base.clone(),
                    fixed: Vec::new(),
                };
                Ok(Plan {
                    name: sp.file.sweep.name.clone(),
                    format,
                    points: sp.values.len(),
                    replicates: sp.file.sweep.replicates,
                    master_seed,
                    scenarios: vec![scenario],
                    sweep: Some(sp),
                    spec,
                })
            }
        }
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.scenarios.len() * self.points * self.replicates as usize
    }

    /// True when the plan holds no run (never, for a checked plan).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Run `index` (0-based, below [`Plan::len`]).
    pub fn run(&self, index: usize) -> PlannedRun {
        let r = self.replicates as usize;
        let replicate = (index % r) as u32;
        let point = (index / r) % self.points;
        let s = index / (r * self.points);
        let scenario = &self.scenarios[s];
        let parameters = match &self.sweep {
            Some(sp) => sp.parameters(point),
            None => Vec::new(),
        };
        let point = point as u32;
        PlannedRun {
            index,
            scenario: scenario.label.clone(),
            point,
            replicate,
            seed: match &self.spec.plan {
                PlanSpec::Compare { independent, .. } if !*independent || s == 0 => {
                    compare_seed(self.master_seed, replicate)
                }
                _ => run_seed(self.master_seed, &scenario.base.name, point, replicate),
            },
            parameters,
            dir: PathBuf::from("data")
                .join(format!("scenario={}", scenario.label))
                .join(format!("point={point}"))
                .join(format!("replicate={replicate}")),
        }
    }

    /// The scenario text of a run: the base with the fixed overrides and the point's values.
    pub fn scenario_text(&self, run: &PlannedRun) -> String {
        let s = index_of_scenario(self, run.index);
        match &self.sweep {
            Some(sp) => sp.scenario_text(run.point as usize),
            None => {
                let sc = &self.scenarios[s];
                let pairs: Vec<(&ResolvedKey, f64)> =
                    sc.fixed.iter().map(|(k, v)| (k, *v)).collect();
                sc.base.with_values(&pairs)
            }
        }
    }

    /// The scenario origin recorded in manifests.
    pub fn scenario_origin(&self, run: &PlannedRun) -> String {
        let s = &self.scenarios[index_of_scenario(self, run.index)];
        match &self.sweep {
            Some(_) => format!("{} (point {})", s.base.origin.display(), run.point),
            None => s.base.origin.display().to_string(),
        }
    }

    /// Agents per person of a run whose validated scenario says `scenario_scale`.
    pub fn scale_for(&self, scenario_scale: f64) -> f64 {
        self.spec
            .scale
            .or_else(|| self.sweep.as_ref().and_then(|s| s.file.sweep.scale))
            .unwrap_or(scenario_scale)
    }
}

/// Check scenario texts and the overrides every one of them gets; labels must differ.
fn scenario_list<'a>(
    texts: impl Iterator<Item = &'a SourceText>,
    set: &[(String, f64)],
) -> Result<Vec<PlanScenario>, PlanError> {
    let mut list: Vec<PlanScenario> = Vec::new();
    for s in texts {
        let base = BaseScenario::new(&s.text, Path::new(&s.origin))?;
        let mut fixed = Vec::new();
        for (k, v) in set {
            let r = base.resolve(k)?;
            check_value(&r, *v)?;
            fixed.push((r, *v));
        }
        let l = label(&base.name);
        if let Some(other) = list.iter().find(|o| o.label == l) {
            return Err(PlanError::Option {
                option: "SCENARIO".into(),
                message: format!(
                    "{} and {} both name their scenario `{}` (run.name); names must differ within a batch",
                    other.base.origin.display(),
                    s.origin,
                    base.name
                ),
            });
        }
        list.push(PlanScenario {
            label: l,
            base,
            fixed,
        });
    }
    Ok(list)
}

fn index_of_scenario(plan: &Plan, index: usize) -> usize {
    index / (plan.replicates as usize * plan.points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_pure_and_differ_across_replicate_point_scenario() {
        let a = run_seed(1, "tiny", 0, 0);
        assert_eq!(a, run_seed(1, "tiny", 0, 0));
        let others = [
            run_seed(1, "tiny", 0, 1),
            run_seed(1, "tiny", 1, 0),
            run_seed(1, "other", 0, 0),
            run_seed(2, "tiny", 0, 0),
        ];
        for o in others {
            assert_ne!(a, o);
        }
        let mut all: Vec<u64> = (0..50)
            .flat_map(|p| (0..50).map(move |r| run_seed(9, "x", p, r)))
            .collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 2500);
    }

    #[test]
    fn shard_parsing_and_balance() {
        assert!(
            Shard::parse("3/2")
                .unwrap_err()
                .to_string()
                .contains("[0, 1]")
        );
        assert!(Shard::parse("2/2").is_err());
        assert!(Shard::parse("0/2").is_ok());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("x").is_err());
        let s = Shard::parse("1/3").unwrap();
        let mine: Vec<usize> = (0..10).filter(|i| s.contains(*i)).collect();
        assert_eq!(mine, vec![1, 4, 7]);
        let total: usize = (0..3)
            .map(|i| {
                (0..10)
                    .filter(|j| Shard { index: i, count: 3 }.contains(*j))
                    .count()
            })
            .sum();
        assert_eq!(total, 10);
    }

    #[test]
    fn batch_plan_enumerates_scenarios_by_replicates() {
        let text = include_str!("../../tests/data/tiny_batch.toml");
        let spec = BatchSpec {
            plan: PlanSpec::Batch {
                scenarios: vec![SourceText {
                    origin: "tiny.toml".into(),
                    text: text.into(),
                }],
                replicates: 3,
                seed: 5,
                set: vec![("run.end_year".into(), 1990.0)],
            },
            scale: None,
            format: "parquet".into(),
        };
        let plan = Plan::new(spec.clone()).unwrap();
        assert_eq!(plan.len(), 3);
        let r = plan.run(2);
        assert_eq!((r.point, r.replicate), (0, 2));
        assert_eq!(
            r.dir,
            PathBuf::from("data/scenario=tiny/point=0/replicate=2")
        );
        assert!(plan.scenario_text(&r).contains("end_year = 1990"));
        let mut bad = spec.clone();
        if let PlanSpec::Batch { replicates, .. } = &mut bad.plan {
            *replicates = 0;
        }
        assert!(
            Plan::new(bad)
                .unwrap_err()
                .to_string()
                .contains("--replicates")
        );
    }
}
