//! Stylised facts end to end: `monotown run` writes facts.csv, `monotown facts` prints
//! the same values from the saved tables, and bad folders are clear errors.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use monotown::facts;

fn monotown(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_monotown"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn run_tiny(run_dir: &Path, format: &str) {
    let tiny = common::data("tiny.toml");
    let out = monotown(&[
        "run",
        tiny.to_str().unwrap(),
        "--out",
        run_dir.to_str().unwrap(),
        "--format",
        format,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// facts.csv rows as (town, fact, value cell, within cell).
fn read_facts_csv(dir: &Path) -> Vec<(String, String, String, String)> {
    let df = monotown::output::read_csv(&dir.join(facts::FACTS_CSV)).unwrap();
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "town",
            "fact",
            "value",
            "target_low",
            "target_high",
            "within",
            "source"
        ]
    );
    let text = std::fs::read_to_string(dir.join(facts::FACTS_CSV)).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.splitn(7, ',').collect();
            (c[0].into(), c[1].into(), c[2].into(), c[5].into())
        })
        .collect()
}

#[test]
fn run_writes_facts_and_the_facts_command_prints_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let run_dir = dir.path().join("run");
    run_tiny(&run_dir, "parquet");
    let rows = read_facts_csv(&run_dir);
    // Both agent towns, every fixed fact, and the pooled row.
    for town in ["Alpha", "Beta"] {
        for (fact, _) in facts::FACTS.iter().filter(|(f, _)| !f.contains('<')) {
            assert!(
                rows.iter().any(|r| r.0 == town && r.1 == *fact),
                "{town} {fact} missing"
            );
        }
    }
    assert!(rows.iter().any(|r| r.0 == facts::ALL_TOWNS));
    assert!(rows.iter().all(|r| r.0 != "Hub"), "hubs have no facts");
    let defined = rows.iter().filter(|r| !r.2.is_empty()).count();
    assert!(defined > rows.len() / 2, "most facts defined: {defined}");

    // The same numbers from the saved tables, as printed.
    let out = monotown(&["facts", run_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    for (town, fact, value, within) in &rows {
        let v = if value.is_empty() {
            f64::NAN
        } else {
            value.parse().unwrap()
        };
        let line = printed
            .lines()
            .find(|l| {
                let mut w = l.split_whitespace();
                w.next() == Some(town.as_str()) && w.next() == Some(fact.as_str())
            })
            .unwrap_or_else(|| panic!("{town} {fact} not printed"));
        assert!(line.contains(&facts::fmt_value(v)), "{line} vs {value}");
        assert!(line.trim_end().ends_with(within.as_str()), "{line}");
    }
    // And the library agrees exactly with the file.
    let again = facts::from_dir(&run_dir).unwrap();
    assert_eq!(
        facts::to_csv(&again),
        std::fs::read_to_string(run_dir.join(facts::FACTS_CSV)).unwrap()
    );
}

#[test]
fn csv_runs_give_the_same_facts_and_replicates_are_summarised() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_tiny(&a, "parquet");
    run_tiny(&b, "csv");
    assert_eq!(
        std::fs::read_to_string(a.join(facts::FACTS_CSV)).unwrap(),
        std::fs::read_to_string(b.join(facts::FACTS_CSV)).unwrap()
    );
    let out = monotown(&["facts", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("across 2 runs") && text.contains("5-95% range"),
        "{text}"
    );
}

#[test]
fn facts_of_a_bad_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    for path in [dir.path().to_path_buf(), dir.path().join("nonexistent")] {
        let out = monotown(&["facts", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.starts_with("error:"), "{stderr}");
        assert!(stderr.contains(path.to_str().unwrap()), "{stderr}");
    }
}

#[test]
fn a_batch_summarises_the_facts_across_replicates() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = common::data("tiny.toml");
    let out = monotown(&[
        "batch",
        tiny.to_str().unwrap(),
        "--replicates",
        "2",
        "--quiet",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("facts_summary.csv")).unwrap();
    assert!(text.starts_with(
        "scenario,point,town,fact,median,q05,q95,runs,target_low,target_high,share_within,source\n"
    ));
    assert!(text.contains(",Alpha,beveridge_corr_diff,"), "{text}");
    let report = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(report.contains("Stylised facts"));
}
