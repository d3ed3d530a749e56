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
