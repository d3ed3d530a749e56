//! No hidden per-town fudges: every per-town, per-firm and per-distance number of the
//! shipped scenarios is listed in `scenarios/data/town_inputs.csv` with its value, its
//! status (`observed`, `assumption`, `free` or `calibrated`) and a source; free parameters
//! carry the prior the calibration is to estimate them under, calibrated ones the prior
//! they were estimated under (the same as in the calibration file named as their source).
//! Observed values are checked against the observed data files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

const SCENARIOS: [&str; 6] = [
    "nizhny_tagil",
    "biysk",
    "novokuznetsk",
    "verkhnyaya_pyshma",
    "minsk_satellites",
    "sheregesh",
];

/// Keys of a town, firm or distance table that name things rather than quantities.
const NAMES: [&str; 10] = [
    "name",
    "kind",
    "institutions",
    "town",
    "sector",
    "owner",
    "holding",
    "social_role",
    "from",
    "to",
];

#[derive(Debug, Clone)]
struct Row {
    value: String,
    status: String,
    source: String,
    prior: String,
}

/// Splits one CSV line with optional double-quoted fields (no embedded quotes).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

fn inventory() -> BTreeMap<(String, String), Row> {
    let text = std::fs::read_to_string(data_dir().join("data/town_inputs.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "scenario,key,value,status,source,prior"
    );
    let mut rows = BTreeMap::new();
    for line in lines {
        let f = split_csv(line);
        assert_eq!(f.len(), 6, "bad line in town_inputs.csv: {line}");
        let row = Row {
            value: f[2].clone(),
            status: f[3].clone(),
            source: f[4].clone(),
            prior: f[5].clone(),
        };
        let old = rows.insert((f[0].clone(), f[1].clone()), row);
        assert!(old.is_none(), "{} {} listed twice", f[0], f[1]);
    }
    rows
}

/// The quantities of one scenario file: key path in the inventory's notation -> value.
fn quantities(scenario: &str) -> BTreeMap<String, toml::Value> {
    let path = data_dir().join(format!("{scenario}.toml"));
    let table: toml::Table = std::fs::read_to_string(&path).unwrap().parse().unwrap();
    let mut out = BTreeMap::new();
    for (section, label) in [("town", "town"), ("firm", "firm"), ("distance", "distance")] {
        let Some(items) = table.get(section).and_then(|v| v.as_array()) else {
            continue;
        };
        for item in items {
            let t = item.as_table().unwrap();
            let id = if section == "distance" {
                format!(
                    "{}|{}",
                    t["from"].as_str().unwrap(),
                    t["to"].as_str().unwrap()
                )
            } else {
                t["name"].as_str().unwrap().to_string()
            };
            for (k, v) in t {
                if !NAMES.contains(&k.as_str()) {
                    out.insert(format!("{label}[{id}].{k}"), v.clone());
                }
            }
        }
    }
    out
}

fn number(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// `uniform(a,b)` or `loguniform(a,b)` -> (a, b).
fn prior_bounds(prior: &str) -> Option<(f64, f64)> {
    let inner = prior
        .strip_prefix("uniform(")
        .or_else(|| prior.strip_prefix("loguniform("))?
        .strip_suffix(')')?;
    let (a, b) = inner.split_once(',')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

#[test]
fn every_per_town_number_is_listed_with_its_value_status_and_source() {
    let inv = inventory();
    let mut seen = 0;
    for s in SCENARIOS {
        for (key, v) in quantities(s) {
            let row = inv
                .get(&(s.to_string(), key.clone()))
                .unwrap_or_else(|| panic!("{s}: `{key}` is not in scenarios/data/town_inputs.csv"));
            seen += 1;
            match number(&v) {
                Some(x) => {
                    let listed: f64 = row.value.parse().unwrap_or_else(|_| {
                        panic!("{s} {key}: value `{}` is not a number", row.value)
                    });
                    assert!(
                        (listed - x).abs() <= 1e-9 * x.abs().max(1.0),
                        "{s} {key}: scenario says {x}, inventory says {listed}"
                    );
                }
                None => assert_eq!(row.value, "table", "{s} {key}"),
            }
            assert!(
                ["observed", "assumption", "free", "calibrated"].contains(&row.status.as_str()),
                "{s} {key}: unknown status `{}`",
                row.status
            );
            assert!(!row.source.trim().is_empty(), "{s} {key}: no source");
            if row.status == "free" || row.status == "calibrated" {
                let (a, b) = prior_bounds(&row.prior)
                    .unwrap_or_else(|| panic!("{s} {key}: {} without a prior", row.status));
                let x = number(&v).unwrap();
                assert!(
                    a < b && a <= x && x <= b,
                    "{s} {key}: {x} outside prior {a}..{b}"
                );
                if row.status == "calibrated" {
                    calibrated_prior_matches_its_calibration_file(s, &key, row);
                }
            } else {
                assert!(
                    row.prior.is_empty(),
                    "{s} {key}: a prior on a non-free input"
                );
            }
        }
    }
    let listed = inv.len();
    assert_eq!(
        seen, listed,
        "the inventory lists keys the scenarios do not have"
    );
}

/// A calibrated input's source names its calibration file (`scenarios/calibration/X.toml`),
/// which must estimate that key for that scenario under the same prior.
fn calibrated_prior_matches_its_calibration_file(scenario: &str, key: &str, row: &Row) {
    let file = row
        .source
        .split_whitespace()
        .find_map(|w| w.trim_start_matches('(').strip_prefix("scenarios/"))
        .map(|w| w.trim_end_matches([',', ';', ')', '.']))
        .filter(|w| w.starts_with("calibration/") && w.ends_with(".toml"))
        .unwrap_or_else(|| {
            panic!(
                "{scenario} {key}: a calibrated input must name its scenarios/calibration/*.toml"
            )
        });
    let text = std::fs::read_to_string(data_dir().join(file)).unwrap();
    let table: toml::Table = text.parse().unwrap();
    // The inventory writes `town[Name].field`, calibration files `town.Name.field`.
    let key_path = key.replace('[', ".").replace(']', "");
    let found = table["parameter"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_table())
        .find(|p| {
            p["key"].as_str() == Some(key_path.as_str())
                && p.get("scenario")
                    .and_then(|v| v.as_str())
                    .is_none_or(|s| s == scenario)
        })
        .unwrap_or_else(|| panic!("{scenario} {key}: not a parameter of {file}"));
    let prior = found["prior"].as_str().unwrap().replace(' ', "");
    assert_eq!(
        prior,
        row.prior.replace(' ', ""),
        "{scenario} {key}: prior differs from {file}"
    );
}

#[test]
fn observed_populations_and_distances_match_the_data_files() {
    let inv = inventory();
    let census = std::fs::read_to_string(data_dir().join("data/census.csv")).unwrap();
    let distances = std::fs::read_to_string(data_dir().join("data/distances.csv")).unwrap();
    let mut checked = 0;
    for ((s, key), row) in inv.iter().filter(|(_, r)| r.status == "observed") {
        if let Some(town) = key
            .strip_prefix("town[")
            .and_then(|k| k.strip_suffix("].population"))
        {
            let line = census
                .lines()
                .map(split_csv)
                .find(|f| f[0] == town && f[1] == "1989")
                .unwrap_or_else(|| panic!("{s} {key}: no 1989 census row for {town}"));
            assert_eq!(line[2], row.value, "{s} {key}");
        } else if let Some(pair) = key
            .strip_prefix("distance[")
            .and_then(|k| k.strip_suffix("].km"))
        {
            let (a, b) = pair.split_once('|').unwrap();
            let line = distances
                .lines()
                .map(split_csv)
                .find(|f| (f[0] == a && f[1] == b) || (f[0] == b && f[1] == a))
                .unwrap_or_else(|| panic!("{s} {key}: not in distances.csv"));
            assert_eq!(line[2], row.value, "{s} {key}");
        } else {
            panic!("{s} {key}: observed, but no data file to check it against");
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} observed inputs checked");
}
