//! Running a plan: runs in parallel, failures isolated, finished runs skipped on resume.
//!
//! Runs are spread over a rayon pool of `threads` workers. Each worker takes the next run
//! of its slice from a shared counter and simulates it inside the pool, so the model's own
//! parallel loops run on the same workers: while several runs are in flight every worker is
//! busy with its own run, and when the last runs finish idle workers help with their inner
//! loops. At most `threads` runs are in flight, and each is written to disk as soon as it
//! finishes, so memory is bounded by the runs in flight, not by the size of the batch.
//!
//! A run that fails (an invalid parameter combination, a panic inside the model, a write
//! error) is recorded with the stage where it failed ([`Stage`]) in its folder
//! (`failure.json`) and in the run table; the batch goes on (Mesa's `FailureInfo`). A run
//! folder whose `manifest.json` matches the planned seed and scenario hash is complete,
//! because [`crate::output::write_run`] writes every table atomically and the manifest last;
//! such runs are skipped when a batch is resumed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::plan::{Plan, PlanError, PlannedRun, Shard};
use crate::output::{Format, OutputError, write_atomic, write_run, write_table};
use crate::run::{Manifest, fnv1a, simulate};
use crate::scenario::Scenario;

/// Why a batch could not run at all (individual run failures are not errors).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The plan is invalid.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// Writing a table failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A table could not be built or read.
    #[error("{what}: {source}")]
    Polars {
        /// What was being done.
        what: String,
        /// Cause.
        source: PolarsError,
    },
    /// The output folder holds another batch.
    #[error(
        "{path} belongs to a different batch (its batch.json does not match this command): use another --out folder, or delete it to start afresh"
    )]
    DifferentBatch {
        /// The batch.json found.
        path: PathBuf,
    },
    /// `batch.json` is missing or unreadable.
    #[error("{path}: not a batch folder ({message})")]
    NotABatch {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Another process is writing into the batch folder.
    #[error(
        "{dir} is in use by another monotown process (lock file {lock}: {holder}); wait for it to finish, or, if no such process runs any more (it was killed), delete {lock}"
    )]
    Locked {
        /// The batch folder.
        dir: PathBuf,
        /// The lock file found.
        lock: PathBuf,
        /// What the lock file says about its owner (process id, host).
        holder: String,
    },
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Cause.
        message: String,
    },
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BatchError + '_ {
    move |source| BatchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where a run failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Checking the point's scenario (ranges, references).
    Validate,
    /// Initialising or simulating the model (a panic).
    Simulate,
    /// Writing the run's tables.
    Write,
}

impl Stage {
    /// Name in the run table.
    pub fn name(&self) -> &'static str {
        match self {
            Stage::Validate => "validate",
            Stage::Simulate => "simulate",
            Stage::Write => "write",
        }
    }
}

/// How a run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Ran and was written.
    Ok,
    /// Failed; see stage and error.
    Failed,
    /// Already complete from an earlier invocation; not rerun.
    Skipped,
    /// Not run yet (only in tables rebuilt by `merge`).
    Missing,
}

impl Status {
    /// Name in the run table.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Missing => "missing",
        }
    }

    /// Whether the run's outputs are complete on disk.
    pub fn complete(&self) -> bool {
        matches!(self, Status::Ok | Status::Skipped)
    }
}

/// One row of the run table.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Position in the plan.
    pub index: usize,
    /// Scenario label.
    pub scenario: String,
    /// Parameter point.
    pub point: u32,
    /// Replicate.
    pub replicate: u32,
    /// Seed.
    pub seed: u64,
    /// Outcome.
    pub status: Status,
    /// Stage where it failed.
    pub stage: Option<Stage>,
    /// Error message of a failed run.
    pub error: Option<String>,
    /// Wall seconds (validation, simulation and writing; 0 when skipped).
    pub seconds: f64,
    /// Agent-months simulated.
    pub person_months: u64,
    /// Folder relative to the batch folder.
    pub dir: PathBuf,
}

/// What `failure.json` in a failed run's folder holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FailureInfo {
    /// Seed.
    pub seed: u64,
    /// Scenario hash of the attempted run.
    pub scenario_hash: String,
    /// Stage.
    pub stage: Stage,
    /// Error (with the panic message for a panic).
    pub error: String,
    /// Wall seconds until the failure.
    pub seconds: f64,
}

/// Progress reports from a running batch. The library never prints; a command line or a
/// notebook implements this (all methods default to doing nothing). Called from worker
/// threads.
pub trait Progress: Sync {
    /// The batch (or this shard of it) holds `runs` runs.
    fn started(&self, runs: usize) {
        let _ = runs;
    }
    /// A run finished, was skipped or failed.
    fn finished(&self, record: &RunRecord) {
        let _ = record;
    }
}

/// A [`Progress`] that reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {}

/// How to execute a plan.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    /// Worker threads (default: all cores). Results do not depend on it.
    pub threads: Option<usize>,
    /// Only this slice of the runs.
    pub shard: Option<Shard>,
}

/// The signature of the function that simulates one run (the model's
/// [`crate::run::simulate`]; tests substitute others).
pub type SimulateFn = fn(&Scenario, u64) -> crate::run::RunOutput;

/// Create the batch folder (if needed) and record the plan in `batch.json`; refuse a folder
/// that holds a different batch. Also writes the SALib files of a sweep. Call after the plan
/// is checked, so that bad input writes nothing.
pub fn prepare_dir(plan: &Plan, out: &Path) -> Result<(), BatchError> {
    let spec_path = out.join("batch.json");
    let json = serde_json::to_vec_pretty(&plan.spec).expect("batch spec serialises");
    if spec_path.exists() {
        let old = std::fs::read(&spec_path).map_err(io_err(&spec_path))?;
        let same = serde_json::from_slice::<super::plan::BatchSpec>(&old)
            .map(|o| o == plan.spec)
            .unwrap_or(false);
        if !same {
            return Err(BatchError::DifferentBatch { path: spec_path });
        }
        return Ok(());
    }
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    if let Some(sp) = &plan.sweep {
        let dir = out.join("salib");
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        write_atomic(
            &dir.join("problem.json"),
            super::design::salib_problem_json(&sp.factors).as_bytes(),
        )?;
        write_atomic(
            &dir.join("sample.txt"),
            super::design::sample_matrix_text(&sp.values).as_bytes(),
        )?;
        write_atomic(
            &dir.join("sample_unit.txt"),
            super::design::sample_matrix_text(&sp.unit).as_bytes(),
        )?;
    }
    Ok(write_atomic(&spec_path, &json)?)
}

/// Read the plan recorded in a batch folder.
pub fn load_plan(out: &Path) -> Result<Plan, BatchError> {
    let path = out.join("batch.json");
    let bytes = std::fs::read(&path).map_err(|e| BatchError::NotABatch {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let spec = serde_json::from_slice(&bytes).map_err(|e| BatchError::NotABatch {
        path: path.clone(),
        message: e.to_string(),
    })?;
    Ok(Plan::new(spec)?)
}

/// Whether a planned run is complete on disk: its manifest exists and matches the planned
/// seed, point, replicate and scenario text.
pub fn complete_manifest(out: &Path, run: &PlannedRun, scenario_hash: &str) -> Option<Manifest> {
    let bytes = std::fs::read(out.join(&run.dir).join("manifest.json")).ok()?;
    let m: Manifest = serde_json::from_slice(&bytes).ok()?;
    (m.seed == run.seed
        && m.scenario_hash == scenario_hash
        && m.replicate == Some(run.replicate)
        && m.point == Some(run.point))
    .then_some(m)
}

/// Hash of a scenario text, as recorded in manifests.
pub fn scenario_hash(text: &str) -> String {
    format!("{:016x}", fnv1a(text.as_bytes()))
}

/// Run every run of the plan (or of the shard) that is not complete yet, in parallel, and
/// return the run records of this invocation in plan order. [`prepare_dir`] must have been
/// called.
pub fn execute(
    plan: &Plan,
    out: &Path,
    opts: &ExecOptions,
    progress: &dyn Progress,
) -> Result<Vec<RunRecord>, BatchError> {
    execute_with(plan, out, opts, progress, simulate)
}

/// [`execute`] with another simulation function (for tests of failure handling).
pub fn execute_with(
    plan: &Plan,
    out: &Path,
    opts: &ExecOptions,
    progress: &dyn Progress,
    sim: SimulateFn,
) -> Result<Vec<RunRecord>, BatchError> {
    let indices: Vec<usize> = (0..plan.len())
        .filter(|i| opts.shard.is_none_or(|s| s.contains(*i)))
        .collect();
    progress.started(indices.len());
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = opts.threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build().map_err(|e| BatchError::Threads {
        threads: opts.threads.unwrap_or(0),
        message: e.to_string(),
    })?;
    let next = AtomicUsize::new(0);
    let records = Mutex::new(Vec::with_capacity(indices.len()));
    pool.broadcast(|_| {
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(&index) = indices.get(k) else { break };
            let record = run_one(plan, out, &plan.run(index), sim);
            progress.finished(&record);
            records
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(record);
        }
    });
    let mut records = records.into_inner().unwrap_or_else(|e| e.into_inner());
    records.sort_by_key(|r| r.index);
    Ok(records)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panic: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panic: {s}")
    } else {
        "panic (no message)".to_string()
    }
}

/// Run one planned run (or skip it when complete), never panicking.
fn run_one(plan: &Plan, out: &Path, run: &PlannedRun, sim: SimulateFn) -> RunRecord {
    #[allow(clippy::disallowed_methods)]
    // wall-clock timing of the run, reported only in the run table
    let t0 = Instant::now();
    let mut record = RunRecord {
        index: run.index,
        scenario: run.scenario.clone(),
        point: run.point,
        replicate: run.replicate,
        seed: run.seed,
        status: Status::Ok,
        stage: None,
        error: None,
        seconds: 0.0,
        person_months: 0,
        dir: run.dir.clone(),
    };
    let text = plan.scenario_text(run);
    let hash = scenario_hash(&text);
    if let Some(m) = complete_manifest(out, run, &hash) {
        record.status = Status::Skipped;
        record.person_months = m.person_months;
        return record;
    }
    let dir = out.join(&run.dir);
    let failure_path = dir.join("failure.json");
    let _ = std::fs::remove_file(&failure_path);
    let fail = |mut record: RunRecord, stage: Stage, error: String| {
        record.status = Status::Failed;
        record.stage = Some(stage);
        record.seconds = t0.elapsed().as_secs_f64();
        let info = FailureInfo {
            seed: run.seed,
            scenario_hash: hash.clone(),
            stage,
            error: error.clone(),
            seconds: record.seconds,
        };
        // Best effort: the run table records the failure even if this file cannot be written.
        let _ = std::fs::create_dir_all(&dir).map(|_| {
            write_atomic(
                &failure_path,
                &serde_json::to_vec_pretty(&info).unwrap_or_default(),
            )
        });
        record.error = Some(error);
        record
    };
    let origin = plan.scenario_origin(run);
    let scenario = match catch_unwind(AssertUnwindSafe(|| {
        Scenario::from_toml(&text, Path::new(&origin)).and_then(|s| {
            let scale = plan.scale_for(s.params().scale());
            s.with_scale(scale)
        })
    })) {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return fail(record, Stage::Validate, e.to_string()),
        Err(p) => return fail(record, Stage::Validate, panic_message(p.as_ref())),
    };
    let mut output = match catch_unwind(AssertUnwindSafe(|| sim(&scenario, run.seed))) {
        Ok(o) => o,
        Err(p) => return fail(record, Stage::Simulate, panic_message(p.as_ref())),
    };
    drop(scenario);
    output.manifest.replicate = Some(run.replicate);
    output.manifest.point = Some(run.point);
    output.manifest.parameters = run.parameters.clone();
    record.person_months = output.manifest.person_months;
    #[allow(clippy::disallowed_methods)]
    // wall-clock timing of the run, reported only in the manifest
    let tw = Instant::now();
    let written = catch_unwind(AssertUnwindSafe(|| -> Result<(), OutputError> {
        write_run(&dir, &output.records, &output.manifest, plan.format)?;
        output.manifest.write_seconds = tw.elapsed().as_secs_f64();
        let json = serde_json::to_vec_pretty(&output.manifest).expect("manifest serialises");
        write_atomic(&dir.join("manifest.json"), &json)
    }));
    match written {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return fail(record, Stage::Write, e.to_string()),
        Err(p) => return fail(record, Stage::Write, panic_message(p.as_ref())),
    }
    record.seconds = t0.elapsed().as_secs_f64();
    record
}

/// The run table as a data frame.
pub fn runs_frame(records: &[RunRecord]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "scenario".into(),
            records
                .iter()
                .map(|r| r.scenario.clone())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "point".into(),
            records.iter().map(|r| r.point).collect::<Vec<_>>(),
        ),
        Column::new(
            "replicate".into(),
            records.iter().map(|r| r.replicate).collect::<Vec<_>>(),
        ),
        Column::new(
            "seed".into(),
            records.iter().map(|r| r.seed).collect::<Vec<_>>(),
        ),
        Column::new(
            "status".into(),
            records.iter().map(|r| r.status.name()).collect::<Vec<_>>(),
        ),
        Column::new(
            "stage".into(),
            records
                .iter()
                .map(|r| r.stage.map(|s| s.name()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "error".into(),
            records.iter().map(|r| r.error.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "seconds".into(),
            records.iter().map(|r| r.seconds).collect::<Vec<_>>(),
        ),
        Column::new(
            "person_months".into(),
            records.iter().map(|r| r.person_months).collect::<Vec<_>>(),
        ),
        Column::new(
            "path".into(),
            records
                .iter()
                .map(|r| r.dir.display().to_string())
                .collect::<Vec<_>>(),
        ),
    ])
}

/// Write the run table as `<stem>.parquet` and `<stem>.csv` in `out`.
pub fn write_runs_table(
    out: &Path,
    stem: &str,
    records: &[RunRecord],
) -> Result<Vec<PathBuf>, BatchError> {
    let mut df = runs_frame(records).map_err(|source| BatchError::Polars {
        what: "building the run table".into(),
        source,
    })?;
    Ok(write_table(out, stem, &mut df, Format::Both)?)
}

/// The state on disk of every run of the plan: `ok` (complete), `failed` (with the stage
/// and error of its last attempt) or `missing`. Used by `merge`, which combines shards.
pub fn scan_runs(plan: &Plan, out: &Path) -> Vec<RunRecord> {
    (0..plan.len())
        .map(|i| {
            let run = plan.run(i);
            let hash = scenario_hash(&plan.scenario_text(&run));
            let mut r = RunRecord {
                index: i,
                scenario: run.scenario.clone(),
                point: run.point,
                replicate: run.replicate,
                seed: run.seed,
                status: Status::Missing,
                stage: None,
                error: None,
                seconds: 0.0,
                person_months: 0,
                dir: run.dir.clone(),
            };
            if let Some(m) = complete_manifest(out, &run, &hash) {
                r.status = Status::Ok;
                r.seconds = m.init_seconds + m.simulate_seconds + m.write_seconds;
                r.person_months = m.person_months;
            } else if let Ok(bytes) = std::fs::read(out.join(&run.dir).join("failure.json"))
                && let Ok(f) = serde_json::from_slice::<FailureInfo>(&bytes)
                && f.seed == run.seed
                && f.scenario_hash == hash
            {
                r.status = Status::Failed;
                r.stage = Some(f.stage);
                r.error = Some(f.error);
                r.seconds = f.seconds;
            }
            r
        })
        .collect()
}
