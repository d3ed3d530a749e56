//! The command line (binary only): flags, their checks, progress output and exit codes.
//! All the work is in the library; these modules turn flags into library calls and print
//! what happened.

mod batch;
mod calibrate;
mod facts;
mod generate;
mod run;

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use monotown::plot;
use monotown::scenario::Scenario;

/// Agent-based simulator of Russian single-industry towns (monotowns).
///
/// With no command, runs the three default town patterns (Nizhny Tagil, Biysk,
/// Novokuznetsk) from 1989 to 2035 at scale 1:1 and writes results under output/;
/// `--all` adds the other renewal patterns (Sheregesh, Verkhnyaya Pyshma, Minsk with its
/// satellite towns).
#[derive(Parser)]
#[command(name = "monotown", version, about, long_about = None)]
pub struct Cli {
    /// Without a command: run every shipped pattern, not only the three default towns.
    #[arg(long)]
    all: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Args, Clone)]
pub(crate) struct RunOpts {
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
        /// Print the resolved scenario (its `extends` chain merged; a stand-alone scenario
        /// file) on standard output, the check on standard error. One file only.
        #[arg(long)]
        resolved: bool,
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
    /// Print the stylised facts of saved run folders beside their observed targets.
    /// Several folders (replicates) show the median, 5-95% range and share within target.
    Facts {
        /// Run folders (each with its tables and manifest.json).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
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
        opts: batch::BatchOpts,
    },
    /// Compare policy variants with a base scenario under common random numbers.
    ///
    /// Replicate r of the base and of every variant runs with the same seed, derived from
    /// (master seed, replicate), so differences are paired; writes effects.parquet (mean
    /// difference variant − base with its 90% interval per variant, town, year and metric),
    /// effect charts and report.html. Resumable and shardable like `batch`.
    Compare {
        /// Base scenario TOML file.
        base: PathBuf,
        /// Variant scenario TOML files.
        #[arg(required = true)]
        variants: Vec<PathBuf>,
        /// Replicates per scenario, at least 2.
        #[arg(long)]
        replicates: u32,
        /// Independent seeds for the variants instead of common random numbers (unpaired
        /// Welch intervals; for measuring what the pairing gains).
        #[arg(long)]
        independent: bool,
        /// Years FROM-TO of the window effects (flows summed, the rest averaged; default:
        /// the whole run), e.g. 2020-2030.
        #[arg(long, value_name = "FROM-TO")]
        window: Option<String>,
        /// Also write effects.csv.
        #[arg(long)]
        csv: bool,
        /// Override a scenario value in every run, by key path (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        #[command(flatten)]
        opts: batch::BatchOpts,
    },
    /// Run a parameter sweep file (grid, Latin hypercube, Sobol', Morris, Saltelli) with
    /// sensitivity analysis of its metrics. --seed overrides the file's master seed.
    Sweep {
        /// Sweep TOML file (see docs/BATCH.md).
        sweep: PathBuf,
        #[command(flatten)]
        opts: batch::BatchOpts,
    },
    /// Calibrate parameters to observations by ABC-SMC (docs/CALIBRATION.md). Resumable:
    /// re-running the same command continues from the last complete generation.
    Calibrate {
        /// Calibration TOML file.
        file: PathBuf,
        /// Output folder (default: output/calibrations/<file stem>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// No progress output (errors are still printed).
        #[arg(long)]
        quiet: bool,
        /// Run slice I of N (0-based) of the next generation's attempts and save them, for a
        /// cluster job array; then `--merge` (docs/CALIBRATION.md, "On a cluster").
        #[arg(long, value_name = "I/N", conflicts_with = "merge")]
        shard: Option<String>,
        /// Finish the generation the shards worked on (running any attempt they did not) and
        /// stop; once the stop rules hold, also the posterior-predictive batch and report.
        #[arg(long)]
        merge: bool,
    },
    /// Generate a synthetic scenario (see README, "National system").
    Generate {
        #[command(subcommand)]
        what: GenerateCommand,
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

#[derive(Subcommand)]
enum GenerateCommand {
    /// A national system of monotowns: rank-size town sizes, a city-forming giant in
    /// each, regional hubs on a plane with distances from the coordinates. Synthetic,
    /// not observed; deterministic from the seed.
    National {
        /// Agent towns, in [1, 900].
        #[arg(long, default_value_t = 300)]
        towns: usize,
        /// Regional hubs, in [1, 100] (default: one per 15 towns, at least 1).
        #[arg(long)]
        hubs: Option<usize>,
        /// Seed of the generator (also the scenario's run.seed).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Pareto shape of the town sizes, in [0.5, 3] (1 = Zipf's law).
        #[arg(long, default_value_t = 1.0)]
        exponent: f64,
        /// Residents of all towns together (default: 14 million x towns / 300).
        #[arg(long)]
        population: Option<f64>,
        /// Last simulated year, in [1989, 2035].
        #[arg(long, default_value_t = 2035)]
        end_year: i32,
        /// Scenario file to write (.toml).
        #[arg(long)]
        out: PathBuf,
    },
}

/// The error and its causes on one line, leaving out a cause whose text the message
/// already contains (many errors name their cause in their own message).
pub fn error_text(e: &anyhow::Error) -> String {
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

/// `--threads` must be in [1, 1024].
fn check_threads(threads: Option<usize>) -> Result<()> {
    if let Some(t) = threads
        && !(1..=1024).contains(&t)
    {
        bail!("--threads: {t} is outside the valid range [1, 1024]");
    }
    Ok(())
}

pub fn dispatch(cli: Cli) -> Result<()> {
    if cli.all && cli.command.is_some() {
        bail!(
            "--all: applies only without a command (`monotown --all` runs every shipped pattern); drop it or the command"
        );
    }
    match cli.command {
        None => run::run_defaults(cli.all),
        Some(Command::Run { scenario, opts }) => {
            let s = Scenario::load(&scenario)?;
            let dir = run::run_one(&s, &opts)?;
            println!("results: {}", dir.display());
            run::print_summary(&[(s.file().run.name.clone(), dir)])
        }
        Some(Command::Validate {
            scenarios,
            resolved,
        }) => {
            if resolved && scenarios.len() != 1 {
                bail!(
                    "--resolved prints one scenario: give one file, not {}",
                    scenarios.len()
                );
            }
            for path in scenarios {
                let r = monotown::scenario::resolve(&path)?;
                let s = r.scenario()?;
                let chain = if r.extends() {
                    let parents: Vec<String> = r.chain[1..]
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect();
                    format!(", extends {}", parents.join(" < "))
                } else {
                    String::new()
                };
                let count = |n: usize, one: &str, many: &str| {
                    format!("{n} {}", if n == 1 { one } else { many })
                };
                let line = format!(
                    "{}: ok ({}, {}, {}, {}, {}-{}{chain})",
                    path.display(),
                    count(s.file().town.len(), "town", "towns"),
                    count(s.file().firm.len(), "firm", "firms"),
                    count(s.file().policy.len(), "policy", "policies"),
                    count(s.file().shock.len(), "shock", "shocks"),
                    s.file().run.start_year,
                    s.file().run.end_year
                );
                if resolved {
                    print!("{}", r.text);
                    eprintln!("{line}");
                } else {
                    println!("{line}");
                }
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
        Some(Command::Facts { dirs }) => facts::facts(&dirs),
        Some(Command::Params) => {
            print!("{}", monotown::scenario::params::markdown_table());
            Ok(())
        }
        Some(Command::Batch {
            scenarios,
            replicates,
            set,
            opts,
        }) => batch::batch(&scenarios, replicates, &set, &opts),
        Some(Command::Sweep { sweep, opts }) => batch::sweep(&sweep, &opts),
        Some(Command::Compare {
            base,
            variants,
            replicates,
            independent,
            window,
            csv,
            set,
            opts,
        }) => batch::compare(
            &base,
            &variants,
            &batch::CompareArgs {
                replicates,
                independent,
                window: window.as_deref(),
                csv,
                set: &set,
            },
            &opts,
        ),
        Some(Command::Generate {
            what:
                GenerateCommand::National {
                    towns,
                    hubs,
                    seed,
                    exponent,
                    population,
                    end_year,
                    out,
                },
        }) => generate::national(
            &monotown::generate::NationalOptions {
                towns,
                hubs,
                seed,
                exponent,
                population,
                end_year,
            },
            &out,
        ),
        Some(Command::Merge { dir, quiet }) => batch::merge(&dir, quiet),
        Some(Command::Calibrate {
            file,
            out,
            threads,
            quiet,
            shard,
            merge,
        }) => calibrate::calibrate(&file, out.as_ref(), threads, quiet, shard.as_deref(), merge),
    }
}
