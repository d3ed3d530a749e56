//! The `monotown` command line: a thin layer over the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

mod batch_cli;

use monotown::observed;
use monotown::output::{Format, write_run};
use monotown::plot;
use monotown::run::simulate;
use monotown::scenario::{self, Scenario};
use polars::prelude::DataType;

/// Agent-based simulator of Russian single-industry towns (monotowns).
///
/// With no command, runs the three default town patterns (Nizhny Tagil, Biysk,
/// Novokuznetsk) from 1989 to 2035 at scale 1:1 and writes results under output/.
#[derive(Parser)]
#[command(name = "monotown", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Args, Clone)]
struct RunOpts {
    /// Output folder (default: output/<scenario>/<run-id>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Seed (default: the scenario's run.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Agents per person, in (0, 1] (default: the scenario's run.scale).
    #[arg(long)]
    scale: Option<f64>,
    /// Table format: parquet, csv or both.
    #[arg(long, default_value = "parquet")]
    format: String,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario file.
    Run {
        /// Scenario TOML file.
        scenario: PathBuf,
        #[command(flatten)]
        opts: RunOpts,
    },
    /// Check a scenario file without running it.
    Validate {
        /// Scenario TOML files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Print the parameter table (key, unit, default, range, source) as Markdown.
    Params,
    /// Redraw charts and report.html from saved run folders, without re-running.
    /// Several folders of one scenario are drawn as replicates (median and 5-95% band).
    Plot {
        /// Run folders (each with towns.parquet and manifest.json).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Chart format: png, svg or both.
        #[arg(long, default_value = "both")]
        format: String,
        /// Towns to draw (comma-separated; default: all).
        #[arg(long, value_delimiter = ',')]
        towns: Option<Vec<String>>,
        /// First year shown.
        #[arg(long)]
        from: Option<i32>,
        /// Last year shown.
        #[arg(long)]
        to: Option<i32>,
        /// Year of the origin-destination chart (default: last year shown).
        #[arg(long)]
        od_year: Option<i32>,
        /// Year of the firm-size chart (default: last year shown).
        #[arg(long)]
        firm_size_year: Option<i32>,
        /// Folder for the charts (default: the first run folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run scenarios x replicates in parallel into one dataset (resumable, shardable).
    ///
    /// Each replicate gets its own seed derived from (master seed, scenario, replicate).
    /// Re-running the same command skips the runs already complete.
    Batch {
        /// Scenario TOML files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Replicates per scenario.
        #[arg(long, default_value_t = 1)]
        replicates: u32,
        /// Override a scenario value in every run, by key path (repeatable), e.g.
        /// `--set run.end_year=2000 --set migration.beta_distance=1.2`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        #[command(flatten)]
        opts: batch_cli::BatchOpts,
    },
    /// Run a parameter sweep file (grid, Latin hypercube, Sobol', Morris, Saltelli) with
    /// sensitivity analysis of its metrics. --seed overrides the file's master seed.
    Sweep {
        /// Sweep TOML file (see docs/BATCH.md).
        sweep: PathBuf,
        #[command(flatten)]
        opts: batch_cli::BatchOpts,
    },
    /// Combine the shards of a batch folder: rebuild the run table, summary, sensitivity
    /// analysis and report from all complete runs.
    Merge {
        /// Batch folder (holding batch.json).
        dir: PathBuf,
        /// No progress output.
        #[arg(long)]
        quiet: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", error_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, leaving out a cause whose text the message
/// already contains (many errors name their cause in their own message).
fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        None => run_defaults(),
        Some(Command::Run { scenario, opts }) => {
            let s = Scenario::load(&scenario)?;
            let dir = run_one(&s, &opts)?;
            println!("results: {}", dir.display());
            print_summary(&[(s.file.run.name.clone(), dir)])
        }
        Some(Command::Validate { scenarios }) => {
            for path in scenarios {
                let s = Scenario::load(&path)?;
                println!(
                    "{}: ok ({} towns, {} firms, {} policies, {} shocks, {}-{})",
                    path.display(),
                    s.file.town.len(),
                    s.file.firm.len(),
                    s.file.policy.len(),
                    s.file.shock.len(),
                    s.file.run.start_year,
                    s.file.run.end_year
                );
            }
            Ok(())
        }
        Some(Command::Plot {
            dirs,
            format,
            towns,
            from,
            to,
            od_year,
            firm_size_year,
            out,
        }) => {
            let formats = match format.as_str() {
                "png" => vec![plot::Format::Png],
                "svg" => vec![plot::Format::Svg],
                "both" => plot::Format::ALL.to_vec(),
                other => bail!("--format: `{other}` is not one of png, svg, both"),
            };
            for d in &dirs {
                if !d.is_dir() {
                    bail!(
                        "{} is not a folder (pass a run folder such as output/nizhny_tagil/seed20240501-scale1)",
                        d.display()
                    );
                }
            }
            let options = plot::RenderOptions {
                towns,
                from_year: from,
                to_year: to,
                od_year,
                firm_size_year,
            };
            let out = out.unwrap_or_else(|| dirs[0].clone());
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let paths = plot::load::plot_runs(&dirs, &out, &formats, &options)?;
            println!(
                "{} charts and report.html in {}",
                paths.len(),
                out.display()
            );
            Ok(())
        }
        Some(Command::Params) => {
            print!("{}", monotown::scenario::params::markdown_table());
            Ok(())
        }
        Some(Command::Batch {
            scenarios,
            replicates,
            set,
            opts,
        }) => batch_cli::batch(&scenarios, replicates, &set, &opts),
        Some(Command::Sweep { sweep, opts }) => batch_cli::sweep(&sweep, &opts),
        Some(Command::Merge { dir, quiet }) => batch_cli::merge(&dir, quiet),
    }
}

fn check_opts(opts: &RunOpts) -> Result<Format> {
    let Some(format) = Format::parse(&opts.format) else {
        bail!(
            "--format: `{}` is not one of parquet, csv, both",
            opts.format
        );
    };
    if let Some(s) = opts.scale
        && !(s > 0.0 && s <= 1.0)
    {
        bail!("--scale: {s} is outside the valid range (0, 1]");
    }
    if let Some(t) = opts.threads
        && !(1..=1024).contains(&t)
    {
        bail!("--threads: {t} is outside the valid range [1, 1024]");
    }
    Ok(format)
}

fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    b.build().context("cannot start worker threads")
}

fn run_one(s: &Scenario, opts: &RunOpts) -> Result<PathBuf> {
    let format = check_opts(opts)?;
    let seed = opts.seed.unwrap_or(s.file.run.seed);
    let scale = opts.scale.unwrap_or(s.file.run.scale);
    let dir = match &opts.out {
        Some(d) => d.clone(),
        None => Path::new("output")
            .join(&s.file.run.name)
            .join(format!("seed{seed}-scale{scale}")),
    };
    let pool = pool(opts.threads)?;
    eprintln!(
        "running {} (seed {seed}, scale {scale}, {} threads) ...",
        s.file.run.name,
        pool.current_num_threads()
    );
    let mut out = pool.install(|| simulate(s, seed, scale));
    #[allow(clippy::disallowed_methods)] // wall-clock timing of the run, reported only
    let t = std::time::Instant::now();
    write_run(&dir, &out.records, &out.manifest, format)
        .with_context(|| format!("writing results to {}", dir.display()))?;
    out.manifest.write_seconds = t.elapsed().as_secs_f64();
    // Rewrite the manifest with the write time (atomic).
    let json = serde_json::to_vec_pretty(&out.manifest)?;
    monotown::output::write_atomic(&dir.join("manifest.json"), &json)?;
    #[allow(clippy::disallowed_methods)] // wall-clock timing of the run, reported only
    let t = std::time::Instant::now();
    plot::load::plot_runs(
        std::slice::from_ref(&dir),
        &dir,
        &plot::Format::ALL,
        &plot::RenderOptions::default(),
    )
    .with_context(|| format!("drawing charts in {}", dir.display()))?;
    eprintln!(
        "  charts and report.html drawn in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    eprintln!(
        "  {} person-months in {:.1} s: {:.1} million person-months per second",
        out.manifest.person_months,
        out.manifest.simulate_seconds,
        out.manifest.person_months_per_second / 1e6
    );
    Ok(dir)
}

fn run_defaults() -> Result<()> {
    let mut dirs = Vec::new();
    for (name, _) in scenario::DEFAULT_SCENARIOS {
        let s = scenario::embedded(name).expect("built-in scenario exists")?;
        let opts = RunOpts {
            out: None,
            seed: None,
            threads: None,
            scale: None,
            format: "parquet".into(),
        };
        let dir = run_one(&s, &opts)?;
        dirs.push((name.to_string(), dir));
    }
    println!("results:");
    for (name, dir) in &dirs {
        println!("  {name}: {}", dir.display());
    }
    print_summary(&dirs)
}

fn print_summary(dirs: &[(String, PathBuf)]) -> Result<()> {
    let census = observed::census();
    println!();
    println!(
        "{:<16} {:>6} {:>10} {:>10} {:>7}   {:>5} {:>7}",
        "town", "year", "simulated", "observed", "error", "unemp", "wage"
    );
    for (_, dir) in dirs {
        // Parquet, or CSV for runs written with `--format csv` (whose column types are
        // inferred, hence the casts).
        let df = plot::load::table(dir, "towns.parquet")
            .with_context(|| format!("reading {}", dir.display()))?;
        let col = |name: &str, t: DataType| df.column(name).and_then(|c| c.cast(&t));
        let town = col("town", DataType::String)?.str()?.clone();
        let year = col("year", DataType::Int32)?.i32()?.clone();
        let month = col("month", DataType::Int32)?.i32()?.clone();
        let pop = col("population", DataType::Int64)?.i64()?.clone();
        let u = col("unemployment_rate", DataType::Float64)?.f64()?.clone();
        let w = col("mean_wage_krub", DataType::Float64)?.f64()?.clone();
        let is_hub = col("is_hub", DataType::Boolean)?.bool()?.clone();
        for i in 0..df.height() {
            let (Some(t), Some(y), Some(m)) = (town.get(i), year.get(i), month.get(i)) else {
                continue;
            };
            let first = y == 1989 && m == 1;
            if !(first || (m == 12 && [2002, 2010, 2035].contains(&y))) {
                continue;
            }
            let p = pop.get(i).unwrap_or(0) as f64;
            let obs = observed::population(&census, t, y);
            let err = obs
                .map(|o| format!("{:+.1}%", 100.0 * (p - o) / o))
                .unwrap_or_default();
            let obs_s = obs.map(|o| format!("{o:.0}")).unwrap_or_else(|| "-".into());
            let (us, ws) = if is_hub.get(i).unwrap_or(false) {
                ("hub".to_string(), String::new())
            } else {
                (
                    format!("{:.1}%", 100.0 * u.get(i).unwrap_or(0.0)),
                    format!("{:.1}", w.get(i).unwrap_or(0.0)),
                )
            };
            println!("{t:<16} {y:>6} {p:>10.0} {obs_s:>10} {err:>7}   {us:>5} {ws:>7}");
        }
    }
    println!(
        "(population in persons; error against census where observed; unemployment rate and mean wage in thousand RUB/month, 2010 prices)"
    );
    Ok(())
}
