//! Property tests of the scenario format: any valid scenario written back to TOML reads
//! back as the same scenario, and hostile edits of a valid file give a typed error (or a
//! valid scenario), never a panic.

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::Config;

use monotown::scenario::params::all_tables;
use monotown::scenario::{Scenario, ScenarioError};

/// Texts to start from: the tiny test scenario and the shipped ones.
fn bases() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![common::data("tiny.toml")];
    for name in ["biysk", "nizhny_tagil", "novokuznetsk"] {
        paths.push(root.join("scenarios").join(format!("{name}.toml")));
    }
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// Keys of every parameter row, with its valid range.
fn param_rows() -> Vec<(&'static str, f64, f64)> {
    all_tables()
        .into_iter()
        .flatten()
        // The model blocks (`section.field`); policy and shock rows (`policy.kind.field`)
        // describe entries of arrays and are perturbed by the hostile-edit test instead.
        .filter(|r| r.key.matches('.').count() == 1)
        .map(|r| (r.key, r.min, r.max))
        .collect()
}

/// The complete tree of a scenario (every default filled in), to learn each field's type.
fn complete_tree(s: &Scenario) -> toml::Table {
    match toml::Value::try_from(s.file()).expect("a scenario serialises") {
        toml::Value::Table(t) => t,
        other => panic!("not a table: {other:?}"),
    }
}

/// Checks that the validated scenario survives a trip through TOML unchanged.
fn assert_round_trip(s: &Scenario) -> Result<(), TestCaseError> {
    let text = toml::to_string(s.file()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = Scenario::from_toml(&text, Path::new("round_trip.toml"))
        .map_err(|e| TestCaseError::fail(format!("{e:#}\n--- text ---\n{text}")))?;
    prop_assert_eq!(back.file(), s.file(), "text:\n{}", text);
    // The validated parameters (names resolved to ids) are the same too.
    prop_assert_eq!(back.params(), s.params(), "text:\n{}", text);
    Ok(())
}

/// Keep the entries of the array `key` whose index is set in `mask` (bit `i % 64`).
fn keep_subset(doc: &mut toml::Table, key: &str, mask: u64) {
    if let Some(toml::Value::Array(items)) = doc.get_mut(key) {
        let mut i = 0;
        items.retain(|_| {
            let keep = mask >> (i % 64) & 1 == 1;
            i += 1;
            keep
        });
    }
}

fn names(doc: &toml::Table, key: &str) -> Vec<String> {
    match doc.get(key) {
        Some(toml::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.get("name").and_then(|n| n.as_str()).map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

/// Drop whatever refers to towns or firms that are no longer there; a policy or shock
/// whose town list becomes empty is dropped (an empty list would mean "all towns").
fn drop_dangling(doc: &mut toml::Table) {
    let towns = names(doc, "town");
    let firms = names(doc, "firm");
    let town_ok = |v: &toml::Value, k: &str| {
        v.get(k)
            .and_then(|n| n.as_str())
            .is_none_or(|n| towns.iter().any(|t| t == n))
    };
    if let Some(toml::Value::Array(d)) = doc.get_mut("distance") {
        d.retain(|v| town_ok(v, "from") && town_ok(v, "to"));
    }
    if let Some(toml::Value::Array(f)) = doc.get_mut("firm") {
        f.retain(|v| town_ok(v, "town"));
    }
    for key in ["policy", "shock"] {
        if let Some(toml::Value::Array(items)) = doc.get_mut(key) {
            items.retain_mut(|v| {
                if let Some(f) = v.get("firm").and_then(|n| n.as_str())
                    && !firms.iter().any(|x| x == f)
                {
                    return false;
                }
                if let Some(toml::Value::Array(ts)) = v.get_mut("towns") {
                    let had = !ts.is_empty();
                    ts.retain(|t| t.as_str().is_some_and(|n| towns.iter().any(|x| x == n)));
                    if had && ts.is_empty() {
                        return false;
                    }
                }
                true
            });
        }
    }
}

/// A value inside `[min, max]`: an endpoint or a point in between.
fn value_in(min: f64, max: f64, pick: u8, frac: f64) -> f64 {
    let max = if max.is_finite() {
        max
    } else {
        min.abs() + 1e6
    };
    match pick % 4 {
        0 => min,
        1 => max,
        _ => min + frac * (max - min),
    }
}

proptest! {
    #![proptest_config(Config { cases: 128, ..Config::default() })]

    /// Perturb a base scenario (random parameter values inside their valid ranges, random
    /// subsets of towns, firms and policies); whenever the result is valid, writing it to
    /// TOML and reading it back gives the same validated scenario.
    #[test]
    fn any_valid_scenario_survives_a_toml_round_trip(
        base in 0usize..4,
        params in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0.0f64..=1.0), 0..12),
        town_mask in any::<u64>(),
        firm_mask in any::<u64>(),
        policy_mask in any::<u64>(),
        subsets in 0u8..8,
    ) {
        let (path, text) = &bases()[base];
        let original = Scenario::from_toml(text, path).expect("base scenarios are valid");
        let complete = complete_tree(&original);
        let mut doc: toml::Table = toml::from_str(text).unwrap();
        let rows = param_rows();
        for (index, pick, frac) in params {
            let (key, min, max) = rows[index.index(rows.len())];
            let (section, field) = key.split_once('.').unwrap();
            let integer = matches!(
                complete.get(section).and_then(|s| s.get(field)),
                Some(toml::Value::Integer(_))
            );
            let v = value_in(min, max, pick, frac);
            let value = if integer {
                toml::Value::Integer(v.round().clamp(min.ceil(), max.floor()) as i64)
            } else {
                toml::Value::Float(v)
            };
            let table = doc
                .entry(section)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            table.as_table_mut().unwrap().insert(field.to_string(), value);
        }
        if subsets & 1 != 0 {
            keep_subset(&mut doc, "town", town_mask);
        }
        if subsets & 2 != 0 {
            keep_subset(&mut doc, "firm", firm_mask);
        }
        if subsets & 4 != 0 {
            keep_subset(&mut doc, "policy", policy_mask);
        }
        drop_dangling(&mut doc);
        let perturbed = toml::to_string(&doc).unwrap();
        // Individually valid values can break a rule between values (e.g. the order of
        // two ages); such scenarios are rejected with a typed error and not round-tripped.
        match Scenario::from_toml(&perturbed, Path::new("perturbed.toml")) {
            Ok(s) => assert_round_trip(&s)?,
            Err(ScenarioError::Invalid { problems, .. }) => prop_assert!(!problems.is_empty()),
            Err(e) => prop_assert!(false, "perturbed text does not parse: {e:#}\n{perturbed}"),
        }
    }
}

/// Hostile replacements for a value.
const HOSTILE: &[&str] = &[
    "nan",
    "-nan",
    "inf",
    "-inf",
    "-1",
    "-0.0",
    "0",
    "1e308",
    "-1e308",
    "1e-300",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "\"text\"",
    "\"\"",
    "true",
    "[]",
    "[1, 2]",
    "{}",
    "{ x = 1 }",
    "1989-01-01",
    "\"1989-13\"",
    "\"Nowhere\"",
];

/// One edit of a TOML text, line-based.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(prop::sample::Index),
    DuplicateLine(prop::sample::Index),
    SwapLines(prop::sample::Index, prop::sample::Index),
    /// Replace the value of a `key = value` line.
    ReplaceValue(prop::sample::Index, prop::sample::Index),
    /// Scale the number of a `key = number` line.
    ScaleNumber(prop::sample::Index, f64),
    UnknownKey(prop::sample::Index),
    /// Repeat a `[table]` or `[[array]]` header with its body.
    DuplicateTable(prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let i = any::<prop::sample::Index>;
    prop_oneof![
        i().prop_map(Mutation::DeleteLine),
        i().prop_map(Mutation::DuplicateLine),
        (i(), i()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (i(), i()).prop_map(|(a, b)| Mutation::ReplaceValue(a, b)),
        (
            i(),
            prop_oneof![Just(-1.0), Just(0.0), Just(1e-9), Just(1e9), -10.0f64..10.0]
        )
            .prop_map(|(a, k)| Mutation::ScaleNumber(a, k)),
        i().prop_map(Mutation::UnknownKey),
        i().prop_map(Mutation::DuplicateTable),
        i().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    if lines.is_empty() {
        return String::new();
    }
    let assignments: Vec<usize> = (0..lines.len())
        .filter(|&k| !lines[k].trim_start().starts_with('#') && lines[k].contains(" = "))
        .collect();
    match m {
        Mutation::DeleteLine(i) => {
            lines.remove(i.index(lines.len()));
        }
        Mutation::DuplicateLine(i) => {
            let k = i.index(lines.len());
            let l = lines[k].clone();
            lines.insert(k, l);
        }
        Mutation::SwapLines(a, b) => {
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
        }
        Mutation::ReplaceValue(i, v) if !assignments.is_empty() => {
            let k = assignments[i.index(assignments.len())];
            let key = lines[k].split(" = ").next().unwrap().to_string();
            lines[k] = format!("{key} = {}", HOSTILE[v.index(HOSTILE.len())]);
        }
        Mutation::ScaleNumber(i, factor) if !assignments.is_empty() => {
            let k = assignments[i.index(assignments.len())];
            let (key, value) = lines[k].split_once(" = ").unwrap();
            let value = value.split('#').next().unwrap().trim();
            if let Ok(x) = value.parse::<f64>() {
                lines[k] = format!("{key} = {:?}", x * factor);
            }
        }
        Mutation::UnknownKey(i) => {
            let k = i.index(lines.len());
            lines.insert(k + 1, "unexpected_key = 1".into());
        }
        Mutation::DuplicateTable(i) => {
            let headers: Vec<usize> = (0..lines.len())
                .filter(|&k| lines[k].starts_with('['))
                .collect();
            if !headers.is_empty() {
                let h = headers[i.index(headers.len())];
                let end = (h + 1..lines.len())
                    .find(|&k| lines[k].starts_with('['))
                    .unwrap_or(lines.len());
                let block: Vec<String> = lines[h..end].to_vec();
                lines.extend(block);
            }
        }
        Mutation::Truncate(i) => {
            lines.truncate(i.index(lines.len()));
        }
        _ => {}
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    /// Deleted lines, changed numbers, NaN, infinities, negative and huge values, wrong
    /// types, duplicated tables and unknown keys: reading the file never panics, and a
    /// rejection is a typed error that names the file.
    #[test]
    fn hostile_edits_never_panic_the_reader(
        base in 0usize..4,
        edits in proptest::collection::vec(mutation(), 1..5),
    ) {
        let (_, text) = &bases()[base];
        let mut mutated = text.clone();
        for m in &edits {
            mutated = apply(&mutated, m);
        }
        match Scenario::from_toml(&mutated, Path::new("hostile.toml")) {
            Ok(s) => {
                // Whatever is accepted is valid and round-trips.
                assert_round_trip(&s)?;
            }
            Err(e) => {
                let msg = format!("{e:#}");
                prop_assert!(msg.contains("hostile.toml"), "error does not name the file: {}", msg);
                match e {
                    ScenarioError::Parse { .. } => {}
                    ScenarioError::Invalid { problems, .. } => prop_assert!(!problems.is_empty()),
                    other => prop_assert!(false, "unexpected error kind: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn base_scenarios_survive_a_toml_round_trip() {
    for (path, text) in bases() {
        let s = Scenario::from_toml(&text, &path).unwrap();
        assert_round_trip(&s).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
