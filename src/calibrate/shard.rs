//! Spreading a generation's attempts over cluster jobs: `monotown calibrate FILE --shard I/N`
//! runs part of the next generation's attempts and saves what the model returned; a later
//! `monotown calibrate FILE --merge` (or the plain command) finishes the generation with the
//! unsharded algorithm, taking the shards' results instead of running the model again. The
//! merged generation is therefore the one a single machine would have made, bit for bit
//! (attempt `a` proposes and runs the same values wherever it runs); attempts no shard ran
//! are run by the merge itself.
//!
//! ```text
//! DIR/state/shards/generation_TTT/shard_IofN_round_RRRRR.json   one round of one shard
//! ```
//!
//! Round `r` of shard `I` of `N` runs the attempts `a` in `[r B N, (r + 1) B N)` with
//! `a mod N = I`, where `B = ceil(population / N)` (so one round of all shards is about one
//! batch of the unsharded algorithm). A shard stops after the round in which it has accepted
//! `ceil(1.2 x population / N)` particles itself, or once the attempts saved by all shards
//! so far, taken in attempt order without a gap, hold `population` accepted particles, or when
//! the run budget is spent. A shard that is run again skips its saved rounds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::CalibrateError;
use super::abc::{self, AttemptRecord, Step};
use super::file::Calibration;
use super::output::load_generations;
use super::prior::Prior;
use crate::batch::plan::Shard;
use crate::output::write_atomic;

/// The file of one round of one shard.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RoundFile {
    /// Fingerprint of the calibration's inputs.
    fingerprint: String,
    /// Generation number.
    generation: u32,
    /// The attempts of the round, in attempt order.
    records: Vec<AttemptRecord>,
}

/// What one `--shard` call did.
#[derive(Debug, Clone, PartialEq)]
pub enum ShardDone {
    /// The calibration's stop rules already hold: nothing to run (merge to finish it).
    Complete,
    /// Part of generation `generation` was run.
    Ran {
        /// Generation number.
        generation: u32,
        /// Rounds of this shard in all.
        rounds: u64,
        /// Rounds loaded from an earlier call.
        resumed: u64,
        /// Attempts of this shard.
        attempts: u64,
        /// Accepted particles among them.
        accepted: u64,
    },
}

fn out_err(path: &Path, message: impl ToString) -> CalibrateError {
    CalibrateError::Output {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

fn generation_dir(dir: &Path, t: u32) -> PathBuf {
    dir.join("state")
        .join("shards")
        .join(format!("generation_{t:03}"))
}

/// Read every round file of generation `t` (any shard count): attempt -> record.
fn load_records(
    dir: &Path,
    fingerprint: &str,
    t: u32,
) -> Result<HashMap<u64, AttemptRecord>, CalibrateError> {
    let gdir = generation_dir(dir, t);
    let mut out = HashMap::new();
    let Ok(entries) = std::fs::read_dir(&gdir) else {
        return Ok(out);
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("shard_") && n.ends_with(".json"))
        })
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| out_err(&path, e))?;
        let round: RoundFile = serde_json::from_str(&text).map_err(|e| {
            out_err(
                &path,
                format!("unreadable shard file ({e}): delete it and run its shard again"),
            )
        })?;
        if round.fingerprint != fingerprint {
            return Err(CalibrateError::OtherCalibration {
                path: dir.to_path_buf(),
            });
        }
        for r in round.records {
            out.insert(r.attempt, r);
        }
    }
    Ok(out)
}

/// Every shard record of the generations after the complete ones, keyed by (generation,
/// attempt): what the merge takes instead of running the model.
pub(super) fn load_cache(
    dir: &Path,
    fingerprint: &str,
    first: u32,
) -> Result<HashMap<(u32, u64), AttemptRecord>, CalibrateError> {
    let mut out = HashMap::new();
    let mut t = first;
    while generation_dir(dir, t).is_dir() {
        for (a, r) in load_records(dir, fingerprint, t)? {
            out.insert((t, a), r);
        }
        t += 1;
    }
    Ok(out)
}

/// Whether the saved attempts, in attempt order up to the first gap, hold `population`
/// accepted particles.
fn prefix_is_full(records: &HashMap<u64, AttemptRecord>, step: &Step, population: usize) -> bool {
    let mut accepted = 0;
    let mut a = 0u64;
    while let Some(r) = records.get(&a) {
        if !r.theta.is_empty() && step.accepts(&r.result) {
            accepted += 1;
            if accepted >= population {
                return true;
            }
        }
        a += 1;
    }
    false
}

/// Run shard `shard` of the next generation of the calibration in `dir`.
pub fn run(
    cal: &Calibration,
    dir: &Path,
    shard: Shard,
    on_run: &(dyn Fn() + Sync),
) -> Result<ShardDone, CalibrateError> {
    let states = load_generations(dir, &cal.fingerprint)?;
    let done: Vec<abc::Generation> = states.iter().map(|s| s.generation.clone()).collect();
    let s = &cal.settings;
    if abc::stop_after(s, &done).is_some() {
        return Ok(ShardDone::Complete);
    }
    let priors: Vec<Prior> = cal.parameters.iter().map(|p| p.prior).collect();
    let step = Step::new(s, done.last());
    let t = step.index;
    let gdir = generation_dir(dir, t);
    std::fs::create_dir_all(&gdir).map_err(|e| out_err(&gdir, e))?;
    let (i, n) = (shard.index as u64, shard.count as u64);
    let per_shard = (s.population as u64).div_ceil(n);
    let quota = (1.2 * s.population as f64 / n as f64).ceil() as u64;
    let runs_left = s.budget - done.iter().map(|g| g.runs).sum::<u64>();
    let sim = |theta: &[f64], t: u32, a: u64| {
        let r = cal.simulate(theta, t, a);
        on_run();
        r
    };
    let (mut rounds, mut resumed, mut attempts, mut accepted, mut runs) = (0, 0, 0, 0, 0u64);
    loop {
        let path = gdir.join(format!("shard_{i}of{n}_round_{rounds:05}.json"));
        let records = match std::fs::read_to_string(&path) {
            Ok(text) => {
                resumed += 1;
                let round: RoundFile = serde_json::from_str(&text).map_err(|e| {
                    out_err(&path, format!("unreadable shard file ({e}): delete it"))
                })?;
                round.records
            }
            Err(_) => {
                let first = rounds * per_shard * n;
                let mine: Vec<u64> = (first..first + per_shard * n)
                    .filter(|a| a % n == i)
                    .collect();
                let records = abc::run_attempts(s, &priors, &step, &mine, &sim);
                let file = RoundFile {
                    fingerprint: cal.fingerprint.clone(),
                    generation: t,
                    records,
                };
                let text = serde_json::to_string(&file).map_err(|e| out_err(&path, e))?;
                write_atomic(&path, text.as_bytes()).map_err(|e| out_err(&path, e))?;
                file.records
            }
        };
        rounds += 1;
        for r in &records {
            attempts += 1;
            if !r.theta.is_empty() {
                runs += s.runs_per_attempt;
                if step.accepts(&r.result) {
                    accepted += 1;
                }
            }
        }
        if accepted >= quota
            || runs.saturating_mul(n) >= runs_left
            || prefix_is_full(
                &load_records(dir, &cal.fingerprint, t)?,
                &step,
                s.population,
            )
        {
            break;
        }
    }
    Ok(ShardDone::Ran {
        generation: t,
        rounds,
        resumed,
        attempts,
        accepted,
    })
}
