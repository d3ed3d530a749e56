//! Calibration by ABC-SMC: `monotown calibrate CALIBRATION.toml` (docs/CALIBRATION.md).
//!
//! - [`file`]: the calibration file (base scenarios, parameters with priors, targets,
//!   settings), checked in full before any run;
//! - [`prior`]: prior distributions;
//! - [`target`]: observed series and fact ranges, and the distance of a run to them;
//! - [`abc`]: the ABC-SMC algorithm, pure and independent of the model;
//! - `sim`: one particle = the model run in memory for each scenario;
//! - [`output`]: the folder (resumable per generation);
//! - [`predictive`]: the posterior-predictive batch after the last generation;
//! - [`shard`]: a generation's attempts spread over cluster jobs (`--shard I/N`), merged
//!   by the unsharded algorithm;
//! - [`chart`], [`report`]: the charts and `report.html`.
//!
//! ```text
//! DIR/state/generation_NNN.json   complete generations (resume reads them)
//! DIR/posterior.{parquet,csv}     generation, particle, attempt, parameters, weight, distance, seed
//! DIR/generations.csv             epsilon, acceptance rate, ESS, attempts, runs, failures, wall time
//! DIR/failures.csv                failed runs (rejected, not fatal)
//! DIR/checks.csv                  observations vs the last generation (in and out of sample)
//! DIR/calibrated/<scenario>.toml  base scenario with the posterior medians written in
//! DIR/posterior_<parameter>.{png,svg}, epsilon.{png,svg}, pairs.{png,svg}   charts
//! DIR/predictive/                 posterior-predictive batch: series.{parquet,csv},
//!                                 predictive.csv, failures.csv, band charts (see [`predictive`])
//! DIR/state/predictive/           its finished draws (resume reads them)
//! DIR/state/shards/               attempts run by `--shard I/N` jobs (see [`shard`])
//! DIR/report.html                 generations, posterior, charts, checks, predictive, links
//! ```

pub mod abc;
pub mod chart;
pub mod file;
pub mod output;
pub mod predictive;
pub mod prior;
pub mod report;
pub mod shard;
mod sim;
pub mod target;

use std::path::{Path, PathBuf};

use std::time::Instant;

pub use file::Calibration;

use crate::batch::keypath::KeyPathError;
use crate::scenario::ScenarioError;
use abc::Stop;
use output::GenerationState;

/// Why a calibration could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrateError {
    /// A value of the calibration file is invalid.
    #[error("{path}: `{key}`: {message}")]
    Invalid {
        /// The calibration file.
        path: PathBuf,
        /// Key path of the value.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A parameter's key path does not fit a scenario.
    #[error("{path}: {cause}")]
    Key {
        /// Where in the calibration file.
        path: PathBuf,
        /// Cause.
        cause: KeyPathError,
    },
    /// A base scenario is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The output folder holds another calibration.
    #[error(
        "{path} holds a calibration of different inputs (file, scenarios or targets changed): use another --out folder, or delete it to start afresh"
    )]
    OtherCalibration {
        /// The folder.
        path: PathBuf,
    },
    /// Writing an output failed.
    #[error("{path}: {message}")]
    Output {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl CalibrateError {
    /// Bad input (exit status 2) rather than a failure while writing.
    pub fn is_input(&self) -> bool {
        !matches!(self, CalibrateError::Output { .. })
    }
}

/// What a finished (or resumed and finished) calibration did.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Complete generations.
    pub generations: usize,
    /// Of which were loaded from an earlier run.
    pub resumed: usize,
    /// Why it stopped (`None`: a merge made its generation and the calibration goes on).
    pub stop: Option<Stop>,
    /// Model runs of the generations in all.
    pub runs: u64,
    /// Attempts of this call whose results were taken from `--shard` jobs, not run.
    pub from_shards: u64,
    /// Posterior-predictive draws, and the model runs they took in this call (0 when all
    /// were loaded); `None` when `predictive_draws` is 0.
    pub predictive: Option<(usize, u64)>,
}

/// Run (or resume) a calibration into `dir`. `on_run` is called after each simulated
/// particle (from any thread, e.g. to advance a progress bar); `on_generation` sees each
/// new generation. Attempts saved by `--shard` jobs are taken instead of being run again
/// (the result is the same). With `merge`, at most one new generation is made (the
/// generation the shards worked on); the posterior-predictive batch runs only once the
/// stop rules hold. `Finished::stop` is `None` when a merge left the calibration unfinished.
pub fn calibrate(
    cal: &Calibration,
    dir: &Path,
    merge: bool,
    on_run: &(dyn Fn() + Sync),
    mut on_generation: impl FnMut(&abc::Generation),
) -> Result<Finished, CalibrateError> {
    let mut states = output::load_generations(dir, &cal.fingerprint)?;
    std::fs::create_dir_all(dir).map_err(|e| CalibrateError::Output {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let resumed = states.len();
    let mut done: Vec<abc::Generation> = states.iter().map(|s| s.generation.clone()).collect();
    let priors: Vec<prior::Prior> = cal.parameters.iter().map(|p| p.prior).collect();
    let cache = shard::load_cache(dir, &cal.fingerprint, resumed as u32)?;
    let from_shards = std::sync::atomic::AtomicU64::new(0);
    let sim = |theta: &[f64], t: u32, a: u64| {
        if let Some(r) = cache.get(&(t, a))
            && r.theta.len() == theta.len()
            && r.theta
                .iter()
                .zip(theta)
                .all(|(x, y)| x.to_bits() == y.to_bits())
        {
            from_shards.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return r.result.clone();
        }
        let r = cal.simulate(theta, t, a);
        on_run();
        r
    };
    // A merge makes at most one generation: the same algorithm with the generation count
    // capped after it (the stop rule is only reported when the real rules hold).
    let capped;
    let settings = if merge {
        capped = abc::Settings {
            generations: cal.settings.generations.min(resumed as u32 + 1),
            ..cal.settings.clone()
        };
        &capped
    } else {
        &cal.settings
    };
    #[allow(clippy::disallowed_methods)]
    // wall-clock timing of a generation, written to generations.csv only
    let mut t0 = Instant::now();
    let stop = abc::run(settings, &priors, &mut done, &sim, |g| {
        let state = GenerationState {
            fingerprint: cal.fingerprint.clone(),
            generation: g.clone(),
            wall_seconds: t0.elapsed().as_secs_f64(),
        };
        let r = output::save_generation(dir, &state)
            .and_then(|()| {
                states.push(state);
                output::write_tables(cal, dir, &states, None, None)
            })
            .map_err(|e| e.to_string());
        #[allow(clippy::disallowed_methods)]
        {
            t0 = Instant::now();
        }
        on_generation(g);
        r
    })
    .map_err(|message| CalibrateError::Output {
        path: dir.to_path_buf(),
        message,
    })?;
    // The real stop rules (a merge's cap is not one of them).
    let stop = if merge {
        match abc::stop_after(&cal.settings, &done) {
            Some(real) => real,
            None if stop == Stop::Budget => Stop::Budget,
            None => {
                output::write_tables(cal, dir, &states, None, None)?;
                return Ok(Finished {
                    generations: states.len(),
                    resumed,
                    stop: None,
                    runs: states.iter().map(|s| s.generation.runs).sum(),
                    from_shards: from_shards.into_inner(),
                    predictive: None,
                });
            }
        }
    } else {
        stop
    };
    let pred = match states.last() {
        Some(last) => predictive::run(cal, dir, &last.generation, on_run)?,
        None => None,
    };
    output::write_tables(cal, dir, &states, Some(stop), pred.as_ref())?;
    Ok(Finished {
        generations: states.len(),
        resumed,
        stop: Some(stop),
        runs: states.iter().map(|s| s.generation.runs).sum(),
        from_shards: from_shards.into_inner(),
        predictive: pred.map(|p| (p.draws, p.runs_now)),
    })
}
