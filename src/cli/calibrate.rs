//! The `calibrate` command (binary only): check the calibration file, run or resume the
//! ABC-SMC in the library's `calibrate` module, print one line per generation.

use std::path::{Path, PathBuf};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use monotown::batch::plan::Shard;
use monotown::calibrate::shard::ShardDone;
use monotown::calibrate::{self, CalibrateError, Calibration};

/// Bad input exits with status 2, before anything is written.
fn input_error(e: &CalibrateError) -> ! {
    eprintln!("error: {e}");
    std::process::exit(2)
}

/// Progress bar of the current generation: model runs done of the expected number (the
/// last generation's runs; the population for generation 0), with ETA.
fn progress_bar(cal: &Calibration) -> ProgressBar {
    let b = ProgressBar::with_draw_target(
        Some(cal.settings.population as u64),
        ProgressDrawTarget::stderr(),
    );
    b.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} {msg} [{bar:30}] {pos}/~{len} runs, ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    b.set_message("generation 0");
    b
}

/// `monotown calibrate`.
pub fn calibrate(
    path: &Path,
    out: Option<&PathBuf>,
    threads: Option<usize>,
    quiet: bool,
    shard: Option<&str>,
    merge: bool,
) -> Result<()> {
    if let Err(e) = super::check_threads(threads) {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
    let shard = shard.map(|s| {
        Shard::parse(s).unwrap_or_else(|e| {
            eprintln!("error: {e}");
            std::process::exit(2)
        })
    });
    let cal = Calibration::load(path).unwrap_or_else(|e| input_error(&e));
    let dir = out.cloned().unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map_or("calibration".into(), |s| s.to_string_lossy().into_owned());
        Path::new("output").join("calibrations").join(stem)
    });
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n);
    }
    let pool = pool.build()?;
    if !quiet {
        eprintln!(
            "calibrating {} parameter(s) on {} observation(s) ({} in sample), population {}, up to {} generations, {} replicate(s), into {}",
            cal.parameters.len(),
            cal.observations.len(),
            cal.observations.iter().filter(|o| o.in_sample).count(),
            cal.settings.population,
            cal.settings.generations,
            cal.file.calibration.replicates,
            dir.display()
        );
    }
    // A panicking run is caught and recorded as a failure; keep the default hook quiet.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    if let Some(shard) = shard {
        let result = pool.install(|| calibrate::shard::run(&cal, &dir, shard, &|| {}));
        std::panic::set_hook(hook);
        match result {
            Ok(ShardDone::Complete) => {
                if !quiet {
                    eprintln!(
                        "shard {}/{}: the calibration's stop rules hold; nothing to run (finish with --merge)",
                        shard.index, shard.count
                    );
                }
            }
            Ok(ShardDone::Ran {
                generation,
                rounds,
                resumed,
                attempts,
                accepted,
            }) => {
                if !quiet {
                    eprintln!(
                        "shard {}/{}: generation {generation}, {attempts} attempts in {rounds} round(s) ({resumed} resumed), {accepted} accepted; after all shards: monotown calibrate {} --out {} --merge",
                        shard.index,
                        shard.count,
                        path.display(),
                        dir.display()
                    );
                }
            }
            Err(e) if e.is_input() => input_error(&e),
            Err(e) => return Err(e.into()),
        }
        return Ok(());
    }
    let bar = (!quiet).then(|| progress_bar(&cal));
    let on_run = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let result = pool.install(|| {
        calibrate::calibrate(&cal, &dir, merge, &on_run, |g| {
            if let Some(b) = &bar {
                // Printed also when stderr is not a terminal (println would drop it).
                b.suspend(|| {
                    eprintln!(
                    "generation {}: epsilon {}, acceptance {:.3}, ESS {:.1}, {} runs, {} failed",
                    g.index,
                    g.epsilon.map_or("inf".to_string(), |e| format!("{e:.4}")),
                    g.acceptance_rate(),
                    g.ess(),
                    g.runs,
                        g.failures.len()
                    )
                });
                // Expected model runs of the next generation: as many as this one's.
                b.set_length(g.runs.max(1));
                b.set_position(0);
                b.reset_eta();
                b.set_message(format!("generation {}", g.index + 1));
            }
        })
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    std::panic::set_hook(hook);
    let fin = match result {
        Ok(f) => f,
        Err(e) if e.is_input() => input_error(&e),
        Err(e) => return Err(e.into()),
    };
    if !quiet {
        eprintln!(
            "{} generations ({} resumed), {} runs ({} attempts taken from shards); {}: {}",
            fin.generations,
            fin.resumed,
            fin.runs,
            fin.from_shards,
            fin.stop.map_or(
                "not finished: run the next generation's shards, then --merge".to_string(),
                |s| format!("stopped because {}", s.text())
            ),
            dir.join("posterior.csv").display()
        );
        if let Some((draws, runs)) = fin.predictive {
            eprintln!(
                "posterior predictive: {draws} draw(s) x {} replicate(s), {runs} run(s) now: {}",
                cal.file.calibration.predictive_replicates,
                dir.join("predictive").join("predictive.csv").display()
            );
        }
    }
    Ok(())
}
