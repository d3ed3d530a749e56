//! Scenario inheritance (`extends`): a variant runs exactly as its resolved, hand-written
//! equivalent; errors name the file of the chain that holds the faulty key; `validate
//! --resolved` prints a stand-alone scenario; batches and sweeps read the resolved text.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use monotown::batch::keypath::BaseScenario;
use monotown::output::{Format, write_run};
use monotown::run::simulate;
use monotown::scenario::{Scenario, ScenarioError, resolve};

fn monotown(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_monotown"))
        .args(args)
        .output()
        .expect("binary runs")
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

fn tiny_text() -> String {
    std::fs::read_to_string(common::data("tiny.toml")).unwrap()
}

/// The variant of the tiny scenario used throughout: a shorter run, another base hazard,
/// Beta's amenity, and one more policy.
const VARIANT: &str = r#"# A variant of the tiny scenario.
extends = "parent/tiny.toml"

[run]
name = "tiny_variant"
end_year = 1992

[migration]
base_hazard = 0.0015

[[town]]
name = "Beta"
amenity = 1.1

[[policy]]
kind = "youth_retention"
start = 1990
towns = ["Beta"]
hazard_cut = 0.3
"#;

/// The same scenario written by hand, without `extends`.
fn hand_written() -> String {
    let t = tiny_text();
    assert!(t.contains("name = \"tiny\"\n") && t.contains("end_year = 1996\n"));
    assert!(!t.contains("[migration]"));
    let t = t
        .replace("name = \"tiny\"\n", "name = \"tiny_variant\"\n")
        .replace("end_year = 1996\n", "end_year = 1992\n")
        .replace(
            "name = \"Beta\"\npopulation = 20000\n",
            "name = \"Beta\"\npopulation = 20000\namenity = 1.1\n",
        );
    format!(
        "{t}\n[[policy]]\nkind = \"youth_retention\"\nstart = 1990\ntowns = [\"Beta\"]\nhazard_cut = 0.3\n\n[migration]\nbase_hazard = 0.0015\n"
    )
}

/// A folder holding `variant.toml` (text `variant`) and `parent/tiny.toml` (text `parent`).
fn chain(variant: &str, parent: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("parent")).unwrap();
    std::fs::write(dir.path().join("parent").join("tiny.toml"), parent).unwrap();
    let v = dir.path().join("variant.toml");
    std::fs::write(&v, variant).unwrap();
    (dir, v)
}

fn run_to_dir(s: &Scenario, dir: &Path) -> String {
    let mut out = simulate(s, 17);
    let text = out.manifest.scenario_text.clone();
    out.manifest.init_seconds = 0.0;
    out.manifest.simulate_seconds = 0.0;
    out.manifest.person_months_per_second = 0.0;
    write_run(dir, &out.records, &out.manifest, Format::Both).unwrap();
    text
}

#[test]
fn an_extending_file_runs_bit_identically_to_its_hand_written_equivalent() {
    let (dir, variant) = chain(VARIANT, &tiny_text());
    let hand = dir.path().join("hand.toml");
    std::fs::write(&hand, hand_written()).unwrap();
    let a = Scenario::load(&variant).unwrap_or_else(|e| panic!("{e}"));
    let b = Scenario::load(&hand).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        a.file(),
        b.file(),
        "the merged file differs from the hand-written one"
    );
    assert_eq!(a.file().policy.len(), 3, "the variant's policy is appended");
    let (da, db) = (dir.path().join("a"), dir.path().join("b"));
    let text = run_to_dir(&a, &da);
    run_to_dir(&b, &db);
    for name in [
        "towns.parquet",
        "towns.csv",
        "migration_od.parquet",
        "firms.parquet",
        "clusters.parquet",
        "events.parquet",
    ] {
        let x = std::fs::read(da.join(name)).unwrap();
        assert!(x == std::fs::read(db.join(name)).unwrap(), "{name} differs");
    }
    // The manifest records the resolved text: a stand-alone scenario naming its chain.
    assert!(
        text.contains("which extends") && text.contains("tiny.toml"),
        "{text}"
    );
    assert!(!text.contains("\nextends"), "{text}");
    let again = Scenario::from_toml(&text, Path::new("manifest")).unwrap();
    assert_eq!(again.file(), a.file());
}

#[test]
fn errors_name_the_parent_for_inherited_keys_and_the_child_for_its_own() {
    // A bad value only the parent sets: the error names the parent, at its own key.
    let bad_parent = tiny_text().replace("export_share = 0.6", "export_share = -0.5");
    let (_d, variant) = chain(VARIANT, &bad_parent);
    let e = Scenario::load(&variant).unwrap_err();
    let ScenarioError::Invalid { path, problems } = &e else {
        panic!("{e}")
    };
    assert!(path.ends_with("parent/tiny.toml"), "{e}");
    assert_eq!(problems[0].key, "firm[0].export_share", "{e}");
    // A bad value the child sets: the error names the child, at its key as written there
    // (Beta is the child's town[0], the merged town[1]).
    let bad_child = VARIANT.replace("amenity = 1.1", "amenity = -3.0");
    let (_d, variant) = chain(&bad_child, &tiny_text());
    let e = Scenario::load(&variant).unwrap_err();
    let ScenarioError::Invalid { path, problems } = &e else {
        panic!("{e}")
    };
    assert!(path.ends_with("variant.toml"), "{e}");
    assert_eq!(problems[0].key, "town[0].amenity", "{e}");
    // The child's policy is its policy[0] (the merged policy[2]).
    let bad_policy = VARIANT.replace("hazard_cut = 0.3", "hazard_cut = 5.0");
    let (_d, variant) = chain(&bad_policy, &tiny_text());
    let e = Scenario::load(&variant).unwrap_err().to_string();
    assert!(
        e.contains("variant.toml") && e.contains("policy[0].hazard_cut"),
        "{e}"
    );
    // Both: the error names the child, and each problem its file.
    let (_d, variant) = chain(&bad_child, &bad_parent);
    let e = Scenario::load(&variant).unwrap_err();
    let ScenarioError::Invalid { path, problems } = &e else {
        panic!("{e}")
    };
    assert!(path.ends_with("variant.toml"), "{e}");
    let file = |key: &str| {
        problems
            .iter()
            .find(|p| p.key == key)
            .and_then(|p| p.file.clone())
            .unwrap_or_else(|| panic!("no problem at {key}: {e}"))
    };
    assert!(
        file("firm[0].export_share").ends_with("parent/tiny.toml"),
        "{e}"
    );
    assert!(file("town[0].amenity").ends_with("variant.toml"), "{e}");
    assert!(
        e.to_string()
            .contains("parent/tiny.toml: `firm[0].export_share`"),
        "{e}"
    );
}

#[test]
fn type_errors_name_the_file_holding_the_key() {
    let bad_parent = tiny_text().replace("wage_krub = 14.0", "wage_krub = \"high\"");
    let (_d, variant) = chain(VARIANT, &bad_parent);
    let e = Scenario::load(&variant).unwrap_err();
    assert!(
        matches!(&e, ScenarioError::Parse { path, .. } if path.ends_with("parent/tiny.toml")),
        "{e}"
    );
    assert!(e.to_string().contains("town[1].wage_krub"), "{e}");
    let bad_child = VARIANT.replace("amenity = 1.1", "amenity = \"high\"");
    let (_d, variant) = chain(&bad_child, &tiny_text());
    let e = Scenario::load(&variant).unwrap_err();
    assert!(
        matches!(&e, ScenarioError::Parse { path, .. } if path.ends_with("variant.toml")),
        "{e}"
    );
    assert!(e.to_string().contains("town[0].amenity"), "{e}");
    // An unknown key in the child, with the closest valid one.
    let typo = VARIANT.replace("base_hazard = 0.0015", "base_hazrd = 0.0015");
    let (_d, variant) = chain(&typo, &tiny_text());
    let e = Scenario::load(&variant).unwrap_err().to_string();
    assert!(
        e.contains("variant.toml") && e.contains("did you mean `base_hazard`"),
        "{e}"
    );
    // An unknown key in a town the parent defines: the child wrote it, so the child is named.
    let typo = VARIANT.replace("amenity = 1.1", "amenty = 1.1");
    let (_d, variant) = chain(&typo, &tiny_text());
    let e = Scenario::load(&variant).unwrap_err();
    assert!(
        matches!(&e, ScenarioError::Parse { path, .. } if path.ends_with("variant.toml")),
        "{e}"
    );
    let e = e.to_string();
    assert!(
        e.contains("at key `town[0].amenty`") && e.contains("did you mean `amenity`"),
        "{e}"
    );
}

#[test]
fn validate_resolved_prints_a_scenario_that_reparses_to_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("scenarios/policies/biysk_youth_retention.toml");
    let out = monotown(&["validate", "--resolved", example.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("ok") && stderr.contains("extends"),
        "{stderr}"
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let again = Scenario::from_toml(&printed, Path::new("printed.toml"))
        .unwrap_or_else(|e| panic!("the printed scenario does not stand alone: {e}"));
    let loaded = Scenario::load(&example).unwrap();
    assert_eq!(again.file(), loaded.file());
    // The printed text is the text a run of the variant reads and records.
    assert_eq!(printed, loaded.source_text());
    assert_eq!(again.months(), loaded.months());
    assert_eq!(again.params().seed(), loaded.params().seed());
    // The variant is Biysk plus one policy.
    let biysk = Scenario::load(&root.join("scenarios/biysk.toml")).unwrap();
    assert_eq!(loaded.file().policy.len(), biysk.file().policy.len() + 1);
    assert_eq!(
        loaded.file().policy.last().unwrap().kind_name(),
        "youth_retention"
    );
    assert_eq!(loaded.file().town, biysk.file().town);
    assert_eq!(loaded.file().shock, biysk.file().shock);
    assert_eq!(loaded.file().run.seed, biysk.file().run.seed);
    assert_ne!(loaded.file().run.name, biysk.file().run.name);
}

#[test]
fn validate_of_a_cycle_or_a_missing_parent_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    std::fs::write(&a, "extends = \"b.toml\"\n").unwrap();
    std::fs::write(dir.path().join("b.toml"), "extends = \"a.toml\"\n").unwrap();
    let err = assert_clean_failure(&monotown(&["validate", a.to_str().unwrap()]));
    assert!(
        err.contains("cycle") && err.contains("a.toml") && err.contains("b.toml"),
        "{err}"
    );
    let orphan = dir.path().join("orphan.toml");
    std::fs::write(&orphan, "extends = \"gone.toml\"\n").unwrap();
    let err = assert_clean_failure(&monotown(&[
        "validate",
        "--resolved",
        orphan.to_str().unwrap(),
    ]));
    assert!(
        err.contains("orphan.toml") && err.contains("`extends`") && err.contains("gone.toml"),
        "{err}"
    );
    // --resolved prints one scenario.
    let err = assert_clean_failure(&monotown(&[
        "validate",
        "--resolved",
        a.to_str().unwrap(),
        orphan.to_str().unwrap(),
    ]));
    assert!(err.contains("--resolved"), "{err}");
}

#[test]
fn key_paths_of_sweeps_address_the_resolved_scenario() {
    let (_d, variant) = chain(VARIANT, &tiny_text());
    let r = resolve(&variant).unwrap();
    let base = BaseScenario::new(&r.text, &variant).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(base.name, "tiny_variant");
    let keys: Vec<_> = [
        "town.Beta.amenity",
        "policy[2].hazard_cut",
        "firm.Alpha steel.export_share",
    ]
    .iter()
    .map(|k| base.resolve(k).unwrap_or_else(|e| panic!("{e}")))
    .collect();
    let text = base.with_values(&[(&keys[0], 1.3), (&keys[1], 0.1), (&keys[2], 0.5)]);
    let s = Scenario::from_toml(&text, Path::new("point")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.file().town[1].amenity, 1.3);
    assert_eq!(s.file().firm[0].export_share, 0.5);
    assert_eq!(s.file().policy.len(), 3);
}

#[test]
fn a_batch_of_an_extending_file_runs_its_resolved_text() {
    let (dir, variant) = chain(VARIANT, &tiny_text());
    let out_dir = dir.path().join("batch");
    let out = Command::new(env!("CARGO_BIN_EXE_monotown"))
        .args([
            "batch",
            variant.to_str().unwrap(),
            "--set",
            "run.end_year=1989",
        ])
        .args([
            "--quiet",
            "--threads",
            "2",
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifests: Vec<_> = walk(&out_dir)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "manifest.json"))
        .collect();
    assert_eq!(manifests.len(), 1, "{manifests:?}");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifests[0]).unwrap()).unwrap();
    let text = m["scenario_text"].as_str().unwrap();
    // (The `--set` override re-serialises the resolved text, so its comments are gone.)
    assert!(
        text.contains("youth_retention") && !text.contains("extends"),
        "{text}"
    );
    let s = Scenario::from_toml(text, Path::new("manifest")).unwrap();
    assert_eq!(s.file().run.end_year, 1989);
    assert_eq!(s.file().town[1].amenity, 1.1);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
