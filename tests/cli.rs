//! The command line as a user meets it: runs, charts, and clear errors with non-zero
//! exits for bad input (never a panic, never a partial output).

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn monotown(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_monotown"))
        .args(args)
        .output()
        .expect("binary runs")
}

/// `monotown run tests/data/tiny.toml --out RUN_DIR EXTRA...`, which must succeed.
fn run_tiny(run_dir: &Path, extra: &[&str]) -> Output {
    let tiny = common::data("tiny.toml");
    let mut args = vec![
        "run",
        tiny.to_str().unwrap(),
        "--out",
        run_dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = monotown(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn assert_clean_failure(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "should fail: {stderr}");
    assert!(
        !stderr.contains("panicked"),
        "panic instead of an error: {stderr}"
    );
    assert!(stderr.starts_with("error:"), "{stderr}");
    stderr
}

#[test]
fn validate_accepts_the_shipped_scenarios() {
    let root = env!("CARGO_MANIFEST_DIR");
    for name in ["nizhny_tagil", "biysk", "novokuznetsk"] {
        let out = monotown(&["validate", &format!("{root}/scenarios/{name}.toml")]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn validate_rejects_a_bad_file_with_key_and_range() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(common::data("tiny.toml"))
        .unwrap()
        .replace("export_share = 0.6", "export_share = -0.5");
    std::fs::write(&bad, text).unwrap();
    let err = assert_clean_failure(&monotown(&["validate", bad.to_str().unwrap()]));
    assert!(
        err.contains("bad.toml") && err.contains("firm[0].export_share") && err.contains("[0, 1]"),
        "{err}"
    );
}

#[test]
fn missing_scenario_file_is_a_clear_error() {
    let err = assert_clean_failure(&monotown(&["run", "/nonexistent/scenario.toml"]));
    assert!(err.contains("/nonexistent/scenario.toml"), "{err}");
}

#[test]
fn bad_flags_are_rejected_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let tiny = common::data("tiny.toml");
    for (flag, value, needle) in [
        ("--scale", "1.5", "(0, 1]"),
        ("--scale", "0", "(0, 1]"),
        ("--threads", "0", "[1, 1024]"),
        ("--format", "xlsx", "parquet, csv, both"),
    ] {
        let err = assert_clean_failure(&monotown(&[
            "run",
            tiny.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            flag,
            value,
        ]));
        assert!(err.contains(flag) && err.contains(needle), "{err}");
        assert!(!out_dir.exists(), "output written despite bad {flag}");
    }
    // A flag clap cannot parse at all.
    let out = monotown(&["run", tiny.to_str().unwrap(), "--seed", "minus-one"]);
    assert!(!out.status.success());
}

#[test]
fn run_writes_tables_charts_and_report_and_plot_redraws_them() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    let out = run_tiny(&run_dir, &["--format", "both", "--threads", "2"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Alpha") && stdout.contains("results:"),
        "{stdout}"
    );
    for f in [
        "towns.parquet",
        "towns.csv",
        "migration_od.parquet",
        "firms.parquet",
        "clusters.parquet",
        "events.parquet",
        "manifest.json",
        "report.html",
        "population.png",
        "population.svg",
        "employment.png",
        "unemployment_wage.png",
        "migration.png",
        "out_migrants_by_age.png",
        "commuting.png",
        "firms.png",
        "clusters.png",
        "monotown_status.png",
    ] {
        let p = run_dir.join(f);
        assert!(
            p.exists() && std::fs::metadata(&p).unwrap().len() > 0,
            "missing {f}"
        );
    }
    let png = std::fs::read(run_dir.join("population.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert!(width >= 1600);
    let html = std::fs::read_to_string(run_dir.join("report.html")).unwrap();
    assert!(
        html.contains("<svg") && !html.contains("<script"),
        "report is static"
    );
    assert!(
        !std::fs::read_dir(&run_dir).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".tmp"))
    );

    // Redraw a subset into another folder.
    let charts = dir.path().join("charts");
    let out = monotown(&[
        "plot",
        run_dir.to_str().unwrap(),
        "--out",
        charts.to_str().unwrap(),
        "--format",
        "png",
        "--towns",
        "Alpha",
        "--from",
        "1990",
        "--to",
        "1995",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(charts.join("population.png").exists() && !charts.join("population.svg").exists());

    // Unknown town and a folder that is not a run.
    let err = assert_clean_failure(&monotown(&[
        "plot",
        run_dir.to_str().unwrap(),
        "--towns",
        "Atlantis",
        "--out",
        charts.to_str().unwrap(),
    ]));
    assert!(err.contains("Atlantis"), "{err}");
    let err = assert_clean_failure(&monotown(&["plot", dir.path().to_str().unwrap()]));
    assert!(err.contains("not a complete monotown run"), "{err}");
    let err = assert_clean_failure(&monotown(&["plot", "/nonexistent/run"]));
    assert!(err.contains("/nonexistent/run"), "{err}");
}

#[test]
fn params_prints_the_parameter_table() {
    let out = monotown(&["params"]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("`migration.base_hazard`") && s.contains("| key | unit | default |"));
    let _ = Path::new("");
}

#[test]
fn a_csv_only_run_draws_its_charts_and_plot_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    run_tiny(&run_dir, &["--format", "csv"]);
    assert!(run_dir.join("towns.csv").exists());
    assert!(!run_dir.join("towns.parquet").exists());
    for chart in ["population.png", "population.svg", "report.html"] {
        assert!(run_dir.join(chart).exists(), "{chart} missing");
    }
    std::fs::remove_file(run_dir.join("population.png")).unwrap();
    let out = monotown(&["plot", run_dir.to_str().unwrap(), "--format", "png"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(run_dir.join("population.png").exists());
}

#[test]
fn written_tables_have_exactly_the_schema_columns_and_types() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    run_tiny(&run_dir, &[]);
    for table in monotown::output::schema::TABLES {
        let df = monotown::output::read_parquet(&run_dir.join(table.parquet())).unwrap();
        let written: Vec<(String, polars::prelude::DataType)> = df
            .columns()
            .iter()
            .map(|c| (c.name().to_string(), c.dtype().clone()))
            .collect();
        let schema: Vec<(String, polars::prelude::DataType)> = table
            .columns()
            .into_iter()
            .map(|(n, t)| (n, t.polars()))
            .collect();
        assert_eq!(written, schema, "{}", table.parquet());
    }
}

/// `pid N` and `host H` lines, as a lock file holds them.
fn lock_text(pid: u32) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    format!("pid {pid}\nhost {}\n", host.trim())
}

fn tiny_batch(out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_monotown"))
        .args([
            "batch",
            "tests/data/tiny_batch.toml",
            "--set",
            "run.end_year=1989",
        ])
        .args(["--quiet", "--threads", "2", "--out", out.to_str().unwrap()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("binary runs")
}

#[test]
fn a_second_batch_into_a_locked_folder_fails_at_once_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    std::fs::create_dir_all(&out).unwrap();
    // A lock held by a live process (this test).
    let lock = out.join("batch.lock");
    std::fs::write(&lock, lock_text(std::process::id())).unwrap();
    let err = assert_clean_failure(&tiny_batch(&out));
    assert!(
        err.contains(out.to_str().unwrap()) && err.contains("batch.lock") && err.contains("delete"),
        "{err}"
    );
    assert!(lock.exists(), "the other process's lock was removed");
    assert!(!out.join("batch.json").exists() && !out.join("data").exists());
    // Once the other process is gone, the batch runs and removes its own lock.
    std::fs::remove_file(&lock).unwrap();
    let r = tiny_batch(&out);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(!lock.exists(), "a finished batch removes its lock");
    // Merge is refused too.
    std::fs::write(&lock, lock_text(std::process::id())).unwrap();
    let err = assert_clean_failure(&monotown(&["merge", out.to_str().unwrap(), "--quiet"]));
    assert!(err.contains("batch.lock"), "{err}");
}

#[test]
fn a_lock_left_by_a_killed_batch_does_not_block_the_next() {
    if !Path::new("/proc/self").exists() {
        return; // stale locks are detected through /proc (Linux)
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    std::fs::create_dir_all(&out).unwrap();
    // Process ids on Linux are below 2^22: this one is not running.
    std::fs::write(out.join("batch.lock"), lock_text(u32::MAX)).unwrap();
    let r = tiny_batch(&out);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(!out.join("batch.lock").exists());
}

/// `--all` belongs to the default run; with a command it is refused, not ignored.
#[test]
fn all_flag_with_a_command_is_an_error() {
    let tiny = common::data("tiny.toml");
    let out = monotown(&["--all", "validate", tiny.to_str().unwrap()]);
    let stderr = assert_clean_failure(&out);
    assert!(stderr.contains("--all"), "{stderr}");
}
