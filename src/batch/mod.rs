//! Batches, replicates and parameter sweeps.
//!
//! - [`plan`]: which runs a batch holds (scenarios × parameter points × replicates), each
//!   with its own seed derived from the master seed, and their place in the dataset;
//! - [`keypath`]: naming a scenario value (`migration.beta_distance`,
//!   `firm.<name>.export_share`) and setting it on the base scenario;
//! - [`sweep`]: sweep files (base scenario, parameters, design, metrics);
//! - [`design`] and [`sensitivity`]: experimental designs and Morris / Sobol' analysis;
//! - [`runner`]: running a plan in parallel with isolated failures, resume and shards;
//! - [`summary`], [`report`] and [`chart`]: the batch's run table, replicate summary,
//!   sensitivity tables and charts, and the HTML report;
//! - [`compare`]: policy comparisons (`monotown compare`): a base and variants under common
//!   random numbers, and the effects table and charts (mean differences, 90% intervals).
//!
//! A batch folder looks like this (the run tables form one Hive-partitioned dataset):
//!
//! ```text
//! DIR/batch.json                  the plan (resume, shards and merge read it)
//! DIR/batch.lock                  while a batch, sweep or merge writes here (see [`lock`])
//! DIR/data/scenario=S/point=P/replicate=R/{towns,migration_od,firms,clusters,events}.parquet
//! DIR/data/scenario=S/point=P/replicate=R/manifest.json   (failure.json for a failed run)
//! DIR/runs.{parquet,csv}          scenario, point, replicate, seed, status, stage, error, ...
//! DIR/summary.{parquet,csv}       median, mean, 5% and 95% quantiles across replicates
//! DIR/metrics.{parquet,csv}       sweep metrics per run
//! DIR/sensitivity.{parquet,csv}   Morris mu*/sigma or Sobol' S1/ST with 95% intervals
//! DIR/sensitivity_<metric>.{png,svg}
//! DIR/salib/{problem.json,sample.txt,sample_unit.txt,Y_<metric>.txt}
//! DIR/effects.{parquet,csv}      comparisons: mean differences with 90% intervals
//! DIR/charts/effects/effect_<variant>_<town>.{png,svg}
//! DIR/report.html
//! ```
//!
//! The library never prints: progress goes through [`runner::Progress`].

pub mod bands;
pub mod chart;
pub mod compare;
pub mod design;
pub mod keypath;
pub mod lock;
pub mod plan;
pub mod report;
pub mod runner;
pub mod sensitivity;
pub mod summary;
pub mod sweep;

pub use lock::BatchLock;
pub use plan::{BatchSpec, Plan, PlanSpec, Shard, SourceText, compare_seed, run_seed};
pub use runner::{
    BatchError, ExecOptions, NoProgress, Progress, RunRecord, Stage, Status, execute, load_plan,
    prepare_dir,
};
pub use summary::{ChartHook, Finalized, finalize};
