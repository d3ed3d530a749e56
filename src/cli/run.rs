//! `monotown run` and the default runs: the run options, the run, its charts and the
//! population summary printed at the end.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use monotown::facts::FirmFacts;
use monotown::output::{FirmTable, Format, write_run_streamed};
use monotown::plot;
use monotown::run::simulate_streaming;
use monotown::scenario::{self, Scenario};

use super::RunOpts;

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
    super::check_threads(opts.threads)?;
    Ok(format)
}

fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    b.build().context("cannot start worker threads")
}

pub(super) fn run_one(s: &Scenario, opts: &RunOpts) -> Result<PathBuf> {
    let format = check_opts(opts)?;
    let scaled;
    let s = match opts.scale {
        Some(scale) => {
            scaled = s.clone().with_scale(scale)?;
            &scaled
        }
        None => s,
    };
    let seed = opts.seed.unwrap_or(s.params().seed());
    let scale = s.params().scale();
    let dir = match &opts.out {
        Some(d) => d.clone(),
        None => Path::new("output")
            .join(&s.file().run.name)
            .join(format!("seed{seed}-scale{scale}")),
    };
    let pool = pool(opts.threads)?;
    eprintln!(
        "running {} (seed {seed}, scale {scale}, {} threads) ...",
        s.file().run.name,
        pool.current_num_threads()
    );
    // Each December's firm snapshot goes to the firm table as soon as it is recorded
    // (the largest table: kept to the end, it was most of the run's peak memory); only
    // the columns the facts use are kept.
    let writing = || format!("writing results to {}", dir.display());
    let mut firms = FirmTable::create(&dir, format).with_context(writing)?;
    let mut facts = FirmFacts::default();
    let mut out = pool
        .install(|| {
            simulate_streaming(s, seed, &mut |records, rows| {
                facts.push_year(records, &rows);
                firms.write_year(records, &rows)
            })
        })
        .with_context(writing)?;
    #[allow(clippy::disallowed_methods)] // the CLI times its own writing; never reaches the model
    let t = std::time::Instant::now();
    write_run_streamed(&dir, &out.records, firms, facts, &out.manifest, format)
        .with_context(writing)?;
    // The firm rows written during the run count as writing time too.
    out.manifest.write_seconds += t.elapsed().as_secs_f64();
    // The records are on disk now: free them before the charts read the tables back.
    drop(std::mem::take(&mut out.records));
    // Rewrite the manifest with the write time (atomic).
    let json = serde_json::to_vec_pretty(&out.manifest)?;
    monotown::output::write_atomic(&dir.join("manifest.json"), &json)?;
    #[allow(clippy::disallowed_methods)] // the CLI times its own charts; never reaches the model
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

/// Run the built-in scenarios at their own seeds and scales: the three default towns, and
/// with `all` the other renewal patterns too.
pub(super) fn run_defaults(all: bool) -> Result<()> {
    let mut dirs = Vec::new();
    let extra: &[(&str, &str)] = if all { &scenario::EXTRA_SCENARIOS } else { &[] };
    for (name, _) in scenario::DEFAULT_SCENARIOS.iter().chain(extra) {
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

/// Population against census, unemployment and wage of each run, as in its report.
pub(super) fn print_summary(dirs: &[(String, PathBuf)]) -> Result<()> {
    println!();
    println!(
        "{:<16} {:>6} {:>10} {:>10} {:>7}   {:>5} {:>7}",
        "town", "year", "simulated", "observed", "error", "unemp", "wage"
    );
    for (_, dir) in dirs {
        let data = plot::load::load_runs(std::slice::from_ref(dir))
            .with_context(|| format!("reading {}", dir.display()))?;
        let (_, rows) = plot::load::summary_table(&data);
        for r in rows {
            println!(
                "{:<16} {:>6} {:>10} {:>10} {:>7}   {:>5} {:>7}",
                r[0], r[1], r[2], r[3], r[4], r[5], r[6]
            );
        }
    }
    println!(
        "(population in persons; error against census or estimate where observed; unemployment rate and mean wage in thousand RUB/month, 2010 prices)"
    );
    Ok(())
}
