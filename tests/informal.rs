//! Informal employment (docs/ODD.md 7.7b): inert when off, consistent when on (every
//! informal worker has no employer and is counted once, LFS identities hold, the
//! population accounts close), deterministic across thread counts, and a buffer that
//! grows when formal demand falls. The outputs are read back from the written files.

mod common;

use std::collections::HashMap;
use std::path::Path;

use monotown::model::Model;
use monotown::output::{Format, write_run};
use monotown::people::flag;
use monotown::run::simulate;
use monotown::scenario::Scenario;

/// The tiny scenario with `extra` appended (a `[informal]` block, more shocks).
fn tiny_with(extra: &str) -> Scenario {
    let text = std::fs::read_to_string(common::data("tiny.toml")).unwrap() + "\n" + extra;
    Scenario::from_toml(&text, Path::new("tiny_informal.toml")).expect("valid scenario")
}

const ON: &str = "[informal]\nenabled = true\n";

/// A formal demand collapse from 1990 to the end: national and local demand at 40%.
const SLUMP: &str = "[[shock]]\nkind = \"crisis\"\nstart = 1990\nend = 1996\ndemand = 0.4\n";

/// The towns table of a run, written as CSV and read back: one map per row.
fn towns_csv(s: &Scenario, seed: u64, threads: usize) -> (String, Vec<HashMap<String, String>>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let out = pool.install(|| simulate(s, seed));
    let dir = tempfile::tempdir().unwrap();
    write_run(dir.path(), &out.records, &out.manifest, Format::Csv).unwrap();
    let text = std::fs::read_to_string(dir.path().join("towns.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect();
    (text, rows)
}

fn num(r: &HashMap<String, String>, col: &str) -> f64 {
    r.get(col)
        .unwrap_or_else(|| panic!("towns.csv has no column {col}"))
        .parse()
        .unwrap()
}

fn agent_rows(rows: &[HashMap<String, String>]) -> impl Iterator<Item = &HashMap<String, String>> {
    rows.iter().filter(|r| r["is_hub"] == "false")
}

/// Mean informal share of LFS employment over the agent towns in years `from..=to`.
fn mean_informal_share(rows: &[HashMap<String, String>], from: f64, to: f64) -> f64 {
    let sel: Vec<f64> = agent_rows(rows)
        .filter(|r| (from..=to).contains(&num(r, "year")))
        .map(|r| num(r, "informal_share"))
        .collect();
    sel.iter().sum::<f64>() / sel.len() as f64
}

#[test]
fn off_is_inert_whatever_the_other_informal_keys_say() {
    let (plain, rows) = towns_csv(&common::tiny(), 4, 2);
    assert!(agent_rows(&rows).all(|r| num(r, "informal_employed") == 0.0));
    assert!(rows.iter().all(|r| num(r, "informal_share") == 0.0));
    let off = tiny_with(
        "[informal]\nenabled = false\nentry_rate = 0.9\nseparation_rate = 0.5\nwage_ratio = 1.5\n",
    );
    let (same, _) = towns_csv(&off, 4, 2);
    assert!(
        plain == same,
        "a switched-off [informal] block changed the run"
    );
}

#[test]
fn informal_workers_have_no_employer_and_are_counted_once_every_month() {
    let mut m = Model::new(tiny_with(ON), 21);
    let mut informal_months = 0;
    for _ in 0..m.scenario.months() {
        m.step();
        let mut flagged = vec![0u64; m.towns.len()];
        for i in 0..m.people.len() {
            let Some(town) = m.people.town[i] else {
                continue;
            };
            if m.people.flags[i] & flag::INFORMAL != 0 {
                assert!(
                    m.people.employer[i].is_none(),
                    "an informal worker holds a registered job"
                );
                assert!(m.people.wage[i] > 0.0, "informal work pays");
                flagged[town.index()] += 1;
            }
        }
        for (t, c) in m.last.iter().enumerate() {
            assert_eq!(flagged[t], c.informal, "informal count of town {t}");
            assert!(c.employed + c.informal <= c.labour_force);
            if c.informal > 0 {
                informal_months += 1;
            }
        }
    }
    assert!(
        informal_months > 100,
        "informal work appeared in {informal_months} town-months"
    );
}

#[test]
fn lfs_identities_and_population_accounts_hold_with_informal_employment() {
    let (_, rows) = towns_csv(&tiny_with(ON), 11, 2);
    let mut last: HashMap<String, f64> = HashMap::new();
    for r in agent_rows(&rows) {
        let (lf, e, inf, u) = (
            num(r, "labour_force"),
            num(r, "employed"),
            num(r, "informal_employed"),
            num(r, "unemployed"),
        );
        assert!((lf - e - inf - u).abs() <= 1.0, "LF = E + I + U: {r:?}");
        if lf > 0.0 {
            assert!((num(r, "unemployment_rate") - u / lf).abs() < 0.01, "{r:?}");
        }
        if e + inf > 0.0 {
            assert!(
                (num(r, "informal_share") - inf / (e + inf)).abs() < 0.01,
                "{r:?}"
            );
        }
        let town = r["town"].clone();
        let pop = num(r, "population");
        if let Some(prev) = last.get(&town) {
            let flows = num(r, "births") - num(r, "deaths") + num(r, "in_migrants")
                - num(r, "out_migrants");
            assert_eq!(pop, prev + flows, "population accounts of {town}");
        }
        last.insert(town, pop);
    }
}

#[test]
fn same_seed_gives_identical_output_with_1_and_4_threads_when_on() {
    let s = tiny_with(ON);
    let (a, _) = towns_csv(&s, 99, 1);
    let (b, _) = towns_csv(&s, 99, 4);
    assert!(a == b, "towns.csv differs between thread counts");
}

#[test]
fn no_entry_means_no_informal_work_and_full_entry_empties_unemployment() {
    let (_, none) = towns_csv(&tiny_with(&format!("{ON}entry_rate = 0.0\n")), 3, 2);
    assert!(agent_rows(&none).all(|r| num(r, "informal_employed") == 0.0));
    // Everyone without a formal offer enters (demand never binds, informal work never
    // ends): the only unemployed left are those who lost a registered job this month
    // (they search from the next month), so unemployment is at most the separations.
    let all = format!(
        "{ON}entry_rate = 1.0\nseparation_rate = 0.0\nlocal_services_jobs_per_formal_job = 10.0\n"
    );
    let (_, rows) = towns_csv(&tiny_with(&all), 3, 2);
    let after_1990 = |rows: &[HashMap<String, String>], col: &str| -> f64 {
        agent_rows(rows)
            .filter(|r| num(r, "year") >= 1990.0)
            .map(|r| num(r, col))
            .sum()
    };
    let unemployed = after_1990(&rows, "unemployed");
    assert!(
        unemployed <= after_1990(&rows, "separations"),
        "{unemployed} unemployed"
    );
    assert!(
        agent_rows(&rows).all(|r| num(r, "year") < 1990.0 || num(r, "informal_employed") > 0.0)
    );
    assert!(unemployed < 0.2 * after_1990(&none, "unemployed"));
}

#[test]
fn informal_share_is_positive_and_rises_when_formal_demand_falls() {
    let (_, base) = towns_csv(&tiny_with(ON), 5, 2);
    let (_, slump) = towns_csv(&tiny_with(&format!("{SLUMP}\n{ON}")), 5, 2);
    let before = mean_informal_share(&base, 1991.0, 1996.0);
    let after = mean_informal_share(&slump, 1991.0, 1996.0);
    assert!(before > 0.0, "no informal employment in the base run");
    assert!(
        after > before,
        "informal share {after:.4} with the demand slump, {before:.4} without"
    );
    // The buffer: more of the jobless work informally, so LFS unemployment rises less
    // than the loss of registered jobs.
    let registered = |rows: &[HashMap<String, String>]| -> f64 {
        agent_rows(rows)
            .filter(|r| num(r, "year") >= 1991.0)
            .map(|r| num(r, "employed"))
            .sum()
    };
    assert!(
        registered(&slump) < registered(&base),
        "the slump cut registered jobs"
    );
}
