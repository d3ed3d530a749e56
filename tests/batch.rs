//! Batches, sweeps, resume, shards and failure isolation, on the tiny test scenario
//! (tests/data/tiny_batch.toml: about 1,000 agents, 1989-1995, a fraction of a second per run).

use std::path::{Path, PathBuf};
use std::process::Command;

use monotown::batch::runner::{execute_with, scan_runs};
use monotown::batch::{
    self, BatchSpec, ExecOptions, NoProgress, Plan, PlanSpec, Shard, SourceText, Stage, Status,
};
use monotown::output::read_parquet;
use monotown::run::simulate;
use monotown::scenario::Scenario;
use polars::prelude::*;

const TINY: &str = include_str!("data/tiny_batch.toml");

fn tiny() -> SourceText {
    SourceText {
        origin: "tests/data/tiny_batch.toml".into(),
        text: TINY.into(),
    }
}

fn batch_spec(replicates: u32, end_year: f64) -> BatchSpec {
    BatchSpec {
        plan: PlanSpec::Batch {
            scenarios: vec![tiny()],
            replicates,
            seed: 11,
            set: vec![("run.end_year".into(), end_year)],
        },
        scale: None,
        format: "parquet".into(),
    }
}

fn sweep_spec(sweep_text: &str) -> BatchSpec {
    BatchSpec {
        plan: PlanSpec::Sweep {
            sweep: SourceText {
                origin: "tests/sweep.toml".into(),
                text: sweep_text.into(),
            },
            base: tiny(),
            seed: None,
        },
        scale: None,
        format: "parquet".into(),
    }
}

fn run_all(plan: &Plan, out: &Path, threads: usize, shard: Option<Shard>) -> Vec<batch::RunRecord> {
    batch::prepare_dir(plan, out).unwrap();
    batch::execute(
        plan,
        out,
        &ExecOptions {
            threads: Some(threads),
            shard,
        },
        &NoProgress,
    )
    .unwrap()
}

fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let ca = df.column(name).unwrap().str().unwrap().clone();
    (0..ca.len()).map(|i| ca.get(i).map(String::from)).collect()
}

fn some(v: &[&str]) -> Vec<Option<String>> {
    v.iter().map(|s| Some(s.to_string())).collect()
}

fn statuses(records: &[batch::RunRecord]) -> Vec<Status> {
    records.iter().map(|r| r.status).collect()
}

#[test]
fn resume_reruns_only_incomplete_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let plan = Plan::new(batch_spec(3, 1990.0)).unwrap();
    let first = run_all(&plan, &out, 2, None);
    assert_eq!(statuses(&first), vec![Status::Ok; 3]);
    let towns = out.join("data/scenario=tiny/point=0/replicate=1/towns.parquet");
    let before = std::fs::read(&towns).unwrap();
    // An interrupted run: its manifest is missing (it is always written last).
    std::fs::remove_file(out.join("data/scenario=tiny/point=0/replicate=1/manifest.json")).unwrap();
    let second = run_all(&plan, &out, 2, None);
    assert_eq!(
        statuses(&second),
        vec![Status::Skipped, Status::Ok, Status::Skipped]
    );
    assert_eq!(
        std::fs::read(&towns).unwrap(),
        before,
        "the redone run is bit-identical"
    );
    // The batch's run table records skipped vs ok.
    batch::finalize(&out, &plan, Some(second), None).unwrap();
    let runs = read_parquet(&out.join("runs.parquet")).unwrap();
    assert_eq!(strs(&runs, "status"), some(&["skipped", "ok", "skipped"]));
    assert!(
        out.join("runs.csv").exists()
            && out.join("summary.parquet").exists()
            && out.join("report.html").exists()
    );
    // A manifest from another seed or scenario is not taken as complete.
    let m = out.join("data/scenario=tiny/point=0/replicate=2/manifest.json");
    let text = std::fs::read_to_string(&m)
        .unwrap()
        .replace("\"scenario_hash\": \"", "\"scenario_hash\": \"ff");
    std::fs::write(&m, text).unwrap();
    let third = run_all(&plan, &out, 1, None);
    assert_eq!(
        statuses(&third),
        vec![Status::Skipped, Status::Skipped, Status::Ok]
    );
}

#[test]
fn a_different_batch_in_the_same_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    batch::prepare_dir(&Plan::new(batch_spec(1, 1990.0)).unwrap(), &out).unwrap();
    let e = batch::prepare_dir(&Plan::new(batch_spec(2, 1990.0)).unwrap(), &out).unwrap_err();
    assert!(e.to_string().contains("different batch"), "{e}");
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn union_of_shards_equals_the_unsharded_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, sharded) = (tmp.path().join("whole"), tmp.path().join("sharded"));
    let plan = Plan::new(batch_spec(5, 1991.0)).unwrap();
    let all = run_all(&plan, &whole, 2, None);
    assert!(all.iter().all(|r| r.status == Status::Ok));
    batch::finalize(&whole, &plan, None, None).unwrap();
    let mut shard_runs = 0;
    for i in 0..3 {
        // Each shard on one thread: thread count must not matter either.
        shard_runs += run_all(&plan, &sharded, 1, Some(Shard { index: i, count: 3 })).len();
    }
    assert_eq!(shard_runs, 5);
    let fin = batch::finalize(&sharded, &plan, None, None).unwrap();
    assert_eq!((fin.failed, fin.missing), (0, 0));
    let data_files: Vec<PathBuf> = files_under(&whole.join("data"));
    assert_eq!(data_files, files_under(&sharded.join("data")));
    for f in &data_files {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "parquet" {
            let (a, b) = (
                read_parquet(&whole.join("data").join(f)).unwrap(),
                read_parquet(&sharded.join("data").join(f)).unwrap(),
            );
            assert!(
                a.equals_missing(&b),
                "{} differs as a data frame",
                f.display()
            );
            assert_eq!(
                std::fs::read(whole.join("data").join(f)).unwrap(),
                std::fs::read(sharded.join("data").join(f)).unwrap(),
                "{} differs in bytes",
                f.display()
            );
        }
    }
    // The summary recomputed from the shards is the same too.
    let (a, b) = (
        read_parquet(&whole.join("summary.parquet")).unwrap(),
        read_parquet(&sharded.join("summary.parquet")).unwrap(),
    );
    assert!(a.equals_missing(&b));
    assert_eq!(
        a.height(),
        2 * 3 * 12,
        "two towns x three years x 12 months"
    );
    assert_eq!(
        strs(
            &read_parquet(&sharded.join("runs.parquet")).unwrap(),
            "status"
        ),
        some(&["ok"; 5])
    );
}

#[test]
fn merge_of_an_incomplete_batch_lists_missing_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let plan = Plan::new(batch_spec(4, 1990.0)).unwrap();
    run_all(&plan, &out, 2, Some(Shard { index: 1, count: 2 }));
    let loaded = batch::load_plan(&out).unwrap();
    let scanned = scan_runs(&loaded, &out);
    assert_eq!(
        statuses(&scanned),
        vec![Status::Missing, Status::Ok, Status::Missing, Status::Ok]
    );
    let fin = batch::finalize(&out, &loaded, None, None).unwrap();
    assert_eq!(fin.missing, 2);
}

const HEAD: &str =
    "[sweep]\nname = \"t\"\nbase = \"tiny.toml\"\nseed = 3\nset = { \"run.end_year\" = 1990 }\n";

#[test]
fn an_invalid_point_fails_at_validate_and_the_others_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let text = format!(
        "{HEAD}replicates = 2\n[design]\nmethod = \"grid\"\n[[parameter]]\nkey = \"migration.base_hazard\"\nvalues = [0.001, 5.0, 0.002]\n"
    );
    let plan = Plan::new(sweep_spec(&text)).unwrap();
    let records = run_all(&plan, &out, 2, None);
    assert_eq!(records.len(), 6);
    for r in &records {
        if r.point == 1 {
            assert_eq!((r.status, r.stage), (Status::Failed, Some(Stage::Validate)));
            let e = r.error.as_deref().unwrap();
            assert!(
                e.contains("migration.base_hazard") && e.contains("[0, 1]"),
                "{e}"
            );
        } else {
            assert_eq!(r.status, Status::Ok, "{:?}", r.error);
        }
    }
    let fin = batch::finalize(&out, &plan, Some(records), None).unwrap();
    assert_eq!(fin.failed, 2);
    let runs = read_parquet(&out.join("runs.parquet")).unwrap();
    let v = Some("validate".to_string());
    assert_eq!(
        strs(&runs, "stage"),
        vec![None, None, v.clone(), v, None, None]
    );
    // A merge scan finds the same failures from failure.json.
    let scanned = scan_runs(&plan, &out);
    assert_eq!(
        scanned
            .iter()
            .filter(|r| r.status == Status::Failed)
            .count(),
        2
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("failed") && html.contains("validate"));
}

fn panics_on_odd_seeds(s: &Scenario, seed: u64) -> monotown::run::RunOutput {
    if seed % 2 == 1 {
        panic!("model invariant broken (test)");
    }
    simulate(s, seed)
}

#[test]
fn a_panic_inside_a_run_is_recorded_at_stage_simulate() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("p");
    let plan = Plan::new(batch_spec(6, 1989.0)).unwrap();
    batch::prepare_dir(&plan, &out).unwrap();
    let records = execute_with(
        &plan,
        &out,
        &ExecOptions {
            threads: Some(2),
            shard: None,
        },
        &NoProgress,
        panics_on_odd_seeds,
    )
    .unwrap();
    assert_eq!(records.len(), 6);
    for r in &records {
        if r.seed % 2 == 1 {
            assert_eq!((r.status, r.stage), (Status::Failed, Some(Stage::Simulate)));
            assert!(
                r.error
                    .as_deref()
                    .unwrap()
                    .contains("model invariant broken")
            );
            assert!(!out.join(&r.dir).join("manifest.json").exists());
        } else {
            assert_eq!(r.status, Status::Ok);
        }
    }
}

#[test]
fn morris_sweep_end_to_end_gives_the_sensitivity_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("m");
    let text = format!(
        "{HEAD}[design]\nmethod = \"morris\"\ntrajectories = 3\nlevels = 4\n\
         [[parameter]]\nkey = \"migration.base_hazard\"\nrange = [0.0005, 0.004]\n\
         [[parameter]]\nkey = \"firm.Tiny Works.export_share\"\nrange = [0.1, 0.6]\n\
         [[metric]]\nname = \"pop_1990\"\ntown = \"Tinygrad\"\ncolumn = \"population\"\nyear = 1990\nstat = \"december\"\n\
         [[metric]]\nname = \"net_out_1990\"\ntown = \"Tinygrad\"\ncolumn = \"out_migrants\"\nminus = \"in_migrants\"\nyear = 1989\nto = 1990\nstat = \"sum\"\n\
         [sensitivity]\nbootstrap = 100\n"
    );
    let plan = Plan::new(sweep_spec(&text)).unwrap();
    assert_eq!(plan.len(), 9);
    let records = run_all(&plan, &out, 2, None);
    assert!(records.iter().all(|r| r.status == Status::Ok));
    // Manifests carry the point's parameters.
    let m: monotown::run::Manifest = serde_json::from_slice(
        &std::fs::read(out.join(&records[4].dir).join("manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(m.point, Some(4));
    assert_eq!(m.parameters.len(), 2);
    assert_eq!(m.parameters[0].0, "migration.base_hazard");
    let fin = batch::finalize(&out, &plan, Some(records), None).unwrap();
    assert!(fin.notes.is_empty(), "{:?}", fin.notes);
    let sens = read_parquet(&out.join("sensitivity.parquet")).unwrap();
    assert_eq!(sens.height(), 4);
    let mu_star = sens.column("mu_star").unwrap().f64().unwrap();
    assert!((0..mu_star.len()).all(|i| mu_star.get(i).is_some_and(|v| v.is_finite() && v >= 0.0)));
    for f in [
        "sensitivity.csv",
        "sensitivity_pop_1990.png",
        "sensitivity_pop_1990.svg",
        "metrics.parquet",
        "salib/problem.json",
        "salib/sample.txt",
        "salib/Y_pop_1990.txt",
        "report.html",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let problem: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("salib/problem.json")).unwrap()).unwrap();
    assert_eq!(problem["num_vars"], 2);
    assert_eq!(
        std::fs::read_to_string(out.join("salib/sample.txt"))
            .unwrap()
            .lines()
            .count(),
        9
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("Sensitivity")
            && html.contains("sensitivity_pop_1990.png")
            && !html.contains("<script")
    );
}

#[test]
fn the_dataset_is_readable_as_hive_partitions_by_polars() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("h");
    let plan = Plan::new(batch_spec(2, 1989.0)).unwrap();
    run_all(&plan, &out, 2, None);
    let pattern = format!("{}/data/**/towns.parquet", out.display());
    // Partition values are whole numbers and names; date parsing needs polars features we do not build.
    let hive_options = HiveOptions {
        try_parse_dates: false,
        ..HiveOptions::new_enabled()
    };
    let args = ScanArgsParquet {
        hive_options,
        ..Default::default()
    };
    let df = LazyFrame::scan_parquet(PlRefPath::new(pattern), args)
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(df.height(), 2 * 2 * 12);
    let reps = df
        .column("replicate")
        .unwrap()
        .as_materialized_series()
        .n_unique()
        .unwrap();
    assert_eq!(reps, 2);
    assert!(df.column("scenario").is_ok() && df.column("point").is_ok());
}

fn monotown(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_monotown"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn cli_bad_input_is_a_clear_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = tmp.path().join("bad.toml");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny_batch.toml");
    std::fs::write(&sweep, format!("[sweep]\nname = \"b\"\nbase = \"{}\"\n[design]\nmethod = \"grid\"\nlevels = 2\n[[parameter]]\nkey = \"migration.beta_distanse\"\nrange = [0.5, 1.0]\n", base.display())).unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["sweep".into(), sweep.display().to_string()],
            "did you mean `migration.beta_distance`",
        ),
        (
            vec![
                "batch".into(),
                "tests/data/tiny_batch.toml".into(),
                "--replicates".into(),
                "0".into(),
            ],
            "--replicates",
        ),
        (
            vec![
                "batch".into(),
                "tests/data/tiny_batch.toml".into(),
                "--shard".into(),
                "3/2".into(),
            ],
            "--shard",
        ),
        (
            vec![
                "batch".into(),
                "tests/data/tiny_batch.toml".into(),
                "--set".into(),
                "firm.Nope.workforce=3".into(),
            ],
            "no [[firm]] entry is named `Nope`",
        ),
    ];
    for (i, (args, expect)) in cases.iter().enumerate() {
        let out = tmp.path().join(format!("out{i}"));
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = out.display().to_string();
        a.extend(["--out", &o, "--quiet"]);
        let r = monotown(&a);
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(!r.status.success(), "{args:?} succeeded");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

#[test]
fn cli_batch_with_a_failed_run_exits_non_zero_and_reports_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let o = out.display().to_string();
    let r = monotown(&[
        "batch",
        "tests/data/tiny_batch.toml",
        "--replicates",
        "2",
        "--set",
        "run.end_year=1989",
        "--set",
        "migration.base_hazard=3",
        "--out",
        &o,
        "--threads",
        "2",
    ]);
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("2 of 2 runs failed"), "{err}");
    assert!(out.join("runs.csv").exists() && out.join("report.html").exists());
    let r = monotown(&[
        "batch",
        "tests/data/tiny_batch.toml",
        "--replicates",
        "2",
        "--set",
        "run.end_year=1989",
        "--out",
        &format!("{o}2"),
        "--quiet",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(
        r.stderr.is_empty(),
        "--quiet prints nothing: {}",
        String::from_utf8_lossy(&r.stderr)
    );
}

#[test]
fn a_batch_draws_the_run_charts_with_replicate_bands() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let plan = Plan::new(batch_spec(3, 1991.0)).unwrap();
    run_all(&plan, &out, 2, None);
    let bands = batch::bands::ReplicateBands::default();
    let fin = batch::finalize(&out, &plan, None, Some(&bands)).unwrap();
    assert!(fin.notes.is_empty(), "{:?}", fin.notes);
    let group = out.join("charts").join("scenario=tiny").join("point=0");
    for chart in [
        "population",
        "employment",
        "migration",
        "firms",
        "monotown_status",
    ] {
        let png = std::fs::read(group.join(format!("{chart}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{chart}.png is not a PNG");
        let svg = std::fs::read_to_string(group.join(format!("{chart}.svg"))).unwrap();
        assert!(svg.contains("<svg"), "{chart}.svg is not an SVG");
    }
    assert!(group.join("report.html").exists());
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("charts/scenario=tiny/point=0/population.png"));

    // A batch with more groups than the limit gets a note instead of charts.
    let few = batch::bands::ReplicateBands { max_groups: 0 };
    let fin = batch::finalize(&out, &plan, None, Some(&few)).unwrap();
    assert!(
        fin.notes.iter().any(|n| n.contains("at most 0")),
        "{:?}",
        fin.notes
    );
}
