//! A run: scenario + seed in, records and a manifest out. A pure function of its inputs
//! (wall time is measured around the model, never read inside it).

use std::convert::Infallible;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::model::Model;
use crate::model::observe::{FirmRow, Records};
use crate::scenario::Scenario;

/// What a run was and how it went (written as `manifest.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from.
    pub scenario_origin: String,
    /// FNV-1a 64-bit hash of the scenario text (hex).
    pub scenario_hash: String,
    /// Full scenario text.
    pub scenario_text: String,
    /// Seed used.
    pub seed: u64,
    /// Agents per person.
    pub scale: f64,
    /// First and last simulated year.
    pub start_year: i32,
    /// Last simulated year.
    pub end_year: i32,
    /// monotown version.
    pub version: String,
    /// Git commit of the build, when known.
    pub git_commit: Option<String>,
    /// Worker threads.
    pub threads: usize,
    /// Seconds spent initialising the model.
    pub init_seconds: f64,
    /// Seconds spent simulating.
    pub simulate_seconds: f64,
    /// Seconds spent writing outputs (filled in by the writer).
    pub write_seconds: f64,
    /// Agent-months simulated.
    pub person_months: u64,
    /// Agent-months per second of simulation time.
    pub person_months_per_second: f64,
    /// Agents at the start and at the end.
    pub agents_start: usize,
    /// Agents at the end.
    pub agents_end: usize,
    /// Replicate number within a batch, when part of one.
    pub replicate: Option<u32>,
    /// Parameter point within a sweep, when part of one.
    pub point: Option<u32>,
    /// Parameter values applied to the base scenario (key path, value).
    pub parameters: Vec<(String, f64)>,
}

/// Records and manifest of a finished run.
pub struct RunOutput {
    /// Tables.
    pub records: Records,
    /// Manifest.
    pub manifest: Manifest,
}

/// FNV-1a 64-bit hash.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Simulate a scenario from its start to its end year with the given seed, at the
/// scenario's validated scale (see [`Scenario::with_scale`]). Uses the current rayon pool.
/// The records keep every December's firm snapshot.
pub fn simulate(scenario: &Scenario, seed: u64) -> RunOutput {
    let no_sink = None::<fn(&Records, Vec<FirmRow>) -> Result<(), Infallible>>;
    match simulate_with(scenario, seed, no_sink) {
        Ok(out) => out,
        Err(never) => match never {},
    }
}

/// What [`simulate_streaming`] hands each December's firm snapshot to: the records (for
/// the interned names) and the year's rows.
pub type FirmSink<'a, E> = dyn FnMut(&Records, Vec<FirmRow>) -> Result<(), E> + 'a;

/// [`simulate`], handing each December's firm snapshot to `sink` as soon as it is
/// recorded instead of keeping it in the records (a Novokuznetsk run has ~665k firm rows,
/// the largest part of its records): the sink writes them out and keeps what it needs.
/// `sink` is given the records (for the interned firm and town names) and the year's
/// rows, in year order. The run stops at the first error of the sink and returns it.
/// Time spent in the sink is not simulation time: it is reported as `write_seconds` in
/// the manifest (the writer adds its own).
pub fn simulate_streaming<E>(
    scenario: &Scenario,
    seed: u64,
    sink: &mut FirmSink<'_, E>,
) -> Result<RunOutput, E> {
    simulate_with(scenario, seed, Some(sink))
}

fn simulate_with<E, F>(scenario: &Scenario, seed: u64, mut sink: Option<F>) -> Result<RunOutput, E>
where
    F: FnMut(&Records, Vec<FirmRow>) -> Result<(), E>,
{
    #[allow(clippy::disallowed_methods)]
    // wall-clock timing of the run, reported only in the manifest
    let t0 = Instant::now();
    let mut model = Model::new(scenario.clone(), seed);
    let agents_start = model.people.len();
    let init_seconds = t0.elapsed().as_secs_f64();
    #[allow(clippy::disallowed_methods)]
    // wall-clock timing of the run, reported only in the manifest
    let t1 = Instant::now();
    let mut sink_seconds = 0.0;
    match sink.as_mut() {
        None => model.run_to_end(),
        Some(sink) => {
            let end = scenario.params().end_month();
            while model.month <= end {
                model.step();
                #[allow(clippy::disallowed_methods)]
                // wall-clock timing of the sink, reported only in the manifest
                let t = Instant::now();
                for rows in model.records.take_firm_years() {
                    sink(&model.records, rows)?;
                }
                sink_seconds += t.elapsed().as_secs_f64();
            }
        }
    }
    let simulate_seconds = t1.elapsed().as_secs_f64() - sink_seconds;
    let commit = option_env!("MONOTOWN_GIT_COMMIT")
        .filter(|c| !c.is_empty())
        .map(String::from);
    let p = scenario.params();
    let manifest = Manifest {
        scenario: p.name().to_string(),
        scenario_origin: scenario.origin().to_string(),
        scenario_hash: format!("{:016x}", fnv1a(scenario.source_text().as_bytes())),
        scenario_text: scenario.source_text().to_string(),
        seed,
        scale: p.scale(),
        start_year: p.start_year(),
        end_year: p.end_year(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit: commit,
        threads: rayon::current_num_threads(),
        init_seconds,
        simulate_seconds,
        write_seconds: sink_seconds,
        person_months: model.person_months,
        person_months_per_second: model.person_months as f64 / simulate_seconds.max(1e-9),
        agents_start,
        agents_end: model.people.live(),
        replicate: None,
        point: None,
        parameters: Vec::new(),
    };
    Ok(RunOutput {
        records: std::mem::take(&mut model.records),
        manifest,
    })
}
