//! The `batch`, `sweep` and `merge` commands (binary only): turn flags into a
//! [`monotown::batch::BatchSpec`], draw the progress bar, and report the outcome. All the
//! work is in the library's `batch` module.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use monotown::batch::sweep::{default_master_seed, parse_sweep};
use monotown::batch::{
    self, BatchLock, BatchSpec, ExecOptions, Plan, PlanSpec, Progress, RunRecord, Shard,
    SourceText, Status,
};

/// Options shared by `batch` and `sweep` (the run options have the meaning of `run`).
#[derive(clap::Args, Clone, Debug)]
pub struct BatchOpts {
    /// Batch folder (default: output/batch/<scenarios> or output/sweeps/<sweep name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Master seed; each run's seed is derived from it, the scenario, the point and the
    /// replicate (default: 20240501 for batches, the sweep file's seed for sweeps).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Agents per person, in (0, 1] (default: the sweep's, else each scenario's run.scale).
    #[arg(long)]
    pub scale: Option<f64>,
    /// Table format of each run: parquet, csv or both.
    #[arg(long, default_value = "parquet")]
    pub format: String,
    /// Run only slice I of N deterministic slices of the batch (runs whose index mod N is
    /// I; 0 <= I < N, e.g. `$SLURM_ARRAY_TASK_ID/N` in a job array `--array=0-(N-1)`);
    /// then `monotown merge DIR`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// No progress bar or summary (errors are still printed).
    #[arg(long)]
    pub quiet: bool,
}

/// A scenario file with its `extends` chain resolved (the runs read the resolved,
/// stand-alone text); errors in the files' keys name the file of the chain holding them.
fn read_scenario(path: &Path) -> Result<SourceText> {
    let resolved = monotown::scenario::resolve(path)?;
    resolved.parse()?;
    Ok(SourceText {
        origin: path.display().to_string(),
        text: resolved.text,
    })
}

fn read(path: &Path) -> Result<SourceText> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(SourceText {
        origin: path.display().to_string(),
        text,
    })
}

/// `--set KEY=VALUE` flags as (key, number) pairs.
fn parse_set(set: &[String]) -> Result<Vec<(String, f64)>> {
    let mut overrides = Vec::new();
    for s in set {
        let Some((k, v)) = s.split_once('=') else {
            bail!("--set: `{s}` is not of the form KEY=VALUE")
        };
        let v: f64 = v
            .trim()
            .parse()
            .with_context(|| format!("--set {s}: `{}` is not a number", v.trim()))?;
        overrides.push((k.trim().to_string(), v));
    }
    Ok(overrides)
}

/// `monotown batch`.
pub fn batch(
    scenarios: &[PathBuf],
    replicates: u32,
    set: &[String],
    opts: &BatchOpts,
) -> Result<()> {
    let overrides = parse_set(set)?;
    let texts = scenarios
        .iter()
        .map(|p| read_scenario(p))
        .collect::<Result<Vec<_>>>()?;
    let spec = BatchSpec {
        plan: PlanSpec::Batch {
            scenarios: texts,
            replicates,
            seed: opts.seed.unwrap_or_else(default_master_seed),
            set: overrides,
        },
        scale: opts.scale,
        format: opts.format.clone(),
    };
    run_spec(spec, opts, |plan| {
        Path::new("output").join("batch").join(&plan.name)
    })
}

/// The flags of `monotown compare` besides the batch options.
pub struct CompareArgs<'a> {
    /// Replicates per scenario.
    pub replicates: u32,
    /// Independent seeds instead of common random numbers.
    pub independent: bool,
    /// `--window FROM-TO`.
    pub window: Option<&'a str>,
    /// Also write effects.csv.
    pub csv: bool,
    /// `--set KEY=VALUE`.
    pub set: &'a [String],
}

/// `--window FROM-TO` as years in [1900, 2200].
fn parse_window(s: &str) -> Result<(i32, i32)> {
    let bad = || {
        anyhow::anyhow!(
            "--window: `{s}` is not of the form FROM-TO with years in [1900, 2200] (e.g. 2020-2030)"
        )
    };
    let (a, b) = s.trim().split_once('-').ok_or_else(bad)?;
    let a: i32 = a.trim().parse().map_err(|_| bad())?;
    let b: i32 = b.trim().parse().map_err(|_| bad())?;
    if !(1900..=2200).contains(&a) || !(1900..=2200).contains(&b) {
        return Err(bad());
    }
    if a > b {
        bail!("--window: `{s}`: the first year {a} is after the last {b}");
    }
    Ok((a, b))
}

/// `monotown compare`.
pub fn compare(
    base: &Path,
    variants: &[PathBuf],
    args: &CompareArgs,
    opts: &BatchOpts,
) -> Result<()> {
    let overrides = parse_set(args.set)?;
    let window = args.window.map(parse_window).transpose()?;
    let base = read_scenario(base)?;
    let variants = variants
        .iter()
        .map(|p| read_scenario(p))
        .collect::<Result<Vec<_>>>()?;
    let spec = BatchSpec {
        plan: PlanSpec::Compare {
            base,
            variants,
            replicates: args.replicates,
            seed: opts.seed.unwrap_or_else(default_master_seed),
            set: overrides,
            independent: args.independent,
            window,
            csv: args.csv,
        },
        scale: opts.scale,
        format: opts.format.clone(),
    };
    run_spec(spec, opts, |plan| {
        Path::new("output").join("compare").join(&plan.name)
    })
}

/// `monotown sweep`.
pub fn sweep(path: &Path, opts: &BatchOpts) -> Result<()> {
    let sweep = read(path)?;
    let file = parse_sweep(&sweep.text, path)?;
    let base_path = path
        .parent()
        .unwrap_or(Path::new("."))
        .join(&file.sweep.base);
    let base =
        read_scenario(&base_path).with_context(|| format!("{}: `sweep.base`", path.display()))?;
    let spec = BatchSpec {
        plan: PlanSpec::Sweep {
            sweep,
            base,
            seed: opts.seed,
        },
        scale: opts.scale,
        format: opts.format.clone(),
    };
    run_spec(spec, opts, |plan| {
        Path::new("output").join("sweeps").join(&plan.name)
    })
}

fn run_spec(
    spec: BatchSpec,
    opts: &BatchOpts,
    default_out: impl Fn(&Plan) -> PathBuf,
) -> Result<()> {
    super::check_threads(opts.threads)?;
    let shard = opts.shard.as_deref().map(Shard::parse).transpose()?;
    let plan = Plan::new(spec)?;
    let out = opts.out.clone().unwrap_or_else(|| default_out(&plan));
    // Held until this function returns, also on error.
    let _lock = BatchLock::acquire(&out, shard)?;
    batch::prepare_dir(&plan, &out)?;
    let bar = Bar::new(opts.quiet);
    // A panic inside a run is caught and recorded in the run table; keep the default hook
    // from printing it over the progress bar.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = batch::execute(
        &plan,
        &out,
        &ExecOptions {
            threads: opts.threads,
            shard,
        },
        &bar,
    );
    std::panic::set_hook(hook);
    let records = result?;
    bar.done();
    let failed = records
        .iter()
        .filter(|r| r.status == Status::Failed)
        .count();
    let skipped = records
        .iter()
        .filter(|r| r.status == Status::Skipped)
        .count();
    let attempted = records.len();
    if let Some(s) = shard {
        batch::runner::write_runs_table(&out, &format!("runs_{}", s.tag()), &records)?;
        if !opts.quiet {
            eprintln!(
                "shard {}/{}: {} runs ({} already complete, {failed} failed) in {}; after all shards: monotown merge {}",
                s.index,
                s.count,
                records.len(),
                skipped,
                out.display(),
                out.display()
            );
        }
    } else {
        let bands = batch::bands::ReplicateBands::default();
        // The summary step reads and summarises points in parallel on the same number of
        // threads as the runs.
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(n) = opts.threads {
            pool = pool.num_threads(n);
        }
        let pool = pool.build()?;
        let fin = pool.install(|| batch::finalize(&out, &plan, Some(records), Some(&bands)))?;
        if !opts.quiet {
            for n in &fin.notes {
                eprintln!("note: {n}");
            }
            eprintln!(
                "{} runs ({skipped} already complete, {failed} failed): {}",
                plan.len(),
                out.join("report.html").display()
            );
        }
    }
    if failed > 0 {
        bail!(
            "{failed} of {} runs failed; see {} (status, stage, error)",
            attempted,
            out.join(if shard.is_some() {
                "runs_shard-*.csv"
            } else {
                "runs.csv"
            })
            .display()
        );
    }
    Ok(())
}

/// `monotown merge`.
pub fn merge(dir: &Path, quiet: bool) -> Result<()> {
    let plan = batch::load_plan(dir)?;
    let _lock = BatchLock::acquire(dir, None)?;
    let bands = batch::bands::ReplicateBands::default();
    let fin = batch::finalize(dir, &plan, None, Some(&bands))?;
    if !quiet {
        for n in &fin.notes {
            eprintln!("note: {n}");
        }
        eprintln!(
            "{} runs: {} complete, {} failed, {} missing: {}",
            fin.records.len(),
            fin.records.iter().filter(|r| r.status.complete()).count(),
            fin.failed,
            fin.missing,
            dir.join("report.html").display()
        );
    }
    if fin.failed > 0 || fin.missing > 0 {
        bail!(
            "{} runs failed and {} are missing; see {}",
            fin.failed,
            fin.missing,
            dir.join("runs.csv").display()
        );
    }
    Ok(())
}

/// Progress bar: runs done/total, failures, ETA and person-months per second.
struct Bar {
    bar: Option<ProgressBar>,
    failed: AtomicUsize,
    person_months: AtomicU64,
    start: Mutex<Instant>,
}

impl Bar {
    #[allow(clippy::disallowed_methods)] // the progress bar's clock; never reaches the model
    fn new(quiet: bool) -> Bar {
        let bar = (!quiet).then(|| {
            let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:30}] {pos}/{len} runs, {msg}, ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b.enable_steady_tick(Duration::from_millis(250));
            b
        });
        Bar {
            bar,
            failed: AtomicUsize::new(0),
            person_months: AtomicU64::new(0),
            start: Mutex::new(Instant::now()),
        }
    }

    fn done(&self) {
        if let Some(b) = &self.bar {
            b.finish();
        }
    }
}

impl Progress for Bar {
    #[allow(clippy::disallowed_methods)] // the progress bar's clock; never reaches the model
    fn started(&self, runs: usize) {
        *self.start.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        if let Some(b) = &self.bar {
            b.set_length(runs as u64);
            b.set_message("0 failed");
        }
    }

    fn finished(&self, r: &RunRecord) {
        let failed = self
            .failed
            .fetch_add(usize::from(r.status == Status::Failed), Ordering::Relaxed)
            + usize::from(r.status == Status::Failed);
        let pm = if r.status == Status::Ok {
            self.person_months
                .fetch_add(r.person_months, Ordering::Relaxed)
                + r.person_months
        } else {
            self.person_months.load(Ordering::Relaxed)
        };
        if let Some(b) = &self.bar {
            let secs = self
                .start
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .elapsed()
                .as_secs_f64()
                .max(1e-3);
            b.set_message(format!(
                "{failed} failed, {:.1} M person-months/s",
                pm as f64 / secs / 1e6
            ));
            b.inc(1);
        }
    }
}
