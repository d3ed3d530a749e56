//! Calibration targets: observed series read from CSV files and stylised-fact ranges,
//! turned into a list of [`Observation`]s, and the distance of a run to them.

use std::path::Path;

use serde::Deserialize;

use crate::batch::sweep::{MetricSpec, Stat};

/// One `[[target]]` of a calibration file: either an observed series (`file`) mapped to a
/// column of the towns table, or a stylised fact (`fact`) with its target range.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// Name (labels the observations in outputs).
    pub name: String,
    /// CSV file of observations, relative to the calibration file.
    #[serde(default)]
    pub file: Option<String>,
    /// A fact of `facts.csv` (docs/OUTPUT.md), instead of a file.
    #[serde(default)]
    pub fact: Option<String>,
    /// The town of a fact target.
    #[serde(default)]
    pub town: Option<String>,
    /// Only these towns of the file (each must have observations); default: every row
    /// whose town is an agent town of a scenario.
    #[serde(default)]
    pub towns: Option<Vec<String>>,
    /// Only rows with a year in `[first, last]`.
    #[serde(default)]
    pub years: Option<[i32; 2]>,
    /// CSV column of the town name.
    #[serde(default = "col_town")]
    pub town_column: String,
    /// CSV column of the year.
    #[serde(default = "col_year")]
    pub year_column: String,
    /// CSV column of the observed value.
    #[serde(default = "col_value")]
    pub value_column: String,
    /// CSV column of the observation's standard deviation (used when present and filled).
    #[serde(default = "col_sd")]
    pub sd_column: String,
    /// CSV column of the observation's weight (used when present and filled).
    #[serde(default = "col_weight")]
    pub weight_column: String,
    /// CSV column of the source.
    #[serde(default = "col_source")]
    pub source_column: String,
    /// Column of the towns table the series is compared with.
    #[serde(default)]
    pub column: Option<String>,
    /// Statistic of the year's months (as sweep metrics); default `december`.
    #[serde(default)]
    pub stat: Option<Stat>,
    /// Only this month (1-12).
    #[serde(default)]
    pub month: Option<u32>,
    /// Standard deviation as a share of the observed value, for rows without an `sd`.
    #[serde(default)]
    pub relative_sd: Option<f64>,
    /// Standard deviation (for rows without an `sd`, or the scale of a fact's miss).
    #[serde(default)]
    pub sd: Option<f64>,
    /// A fact's target range (default: the range in `facts.csv`).
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// The year a fact target belongs to (for `fit_until`); default: in sample.
    #[serde(default)]
    pub year: Option<i32>,
    /// Weight of every observation of this target.
    #[serde(default = "one")]
    pub weight: f64,
}

fn col_town() -> String {
    "town".into()
}
fn col_year() -> String {
    "year".into()
}
fn col_value() -> String {
    "value".into()
}
fn col_sd() -> String {
    "sd".into()
}
fn col_weight() -> String {
    "weight".into()
}
fn col_source() -> String {
    "source".into()
}
fn one() -> f64 {
    1.0
}

/// What an observation is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum ObsKind {
    /// A statistic of a towns-table column.
    Series(MetricSpec),
    /// A fact of `facts.csv`.
    Fact(String),
}

/// One observed number (or range) and how a run is compared with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Target name.
    pub target: String,
    /// Index of the scenario whose run is compared.
    pub scenario: usize,
    /// Town.
    pub town: String,
    /// Year (`None` for a fact without one).
    pub year: Option<i32>,
    /// What is compared.
    pub kind: ObsKind,
    /// Observed value (NaN for a fact range).
    pub observed: f64,
    /// Lower end of the zero-distance range (= observed for a series).
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Scale of a miss.
    pub sd: f64,
    /// Weight.
    pub weight: f64,
    /// Used for fitting (year <= fit_until); otherwise an out-of-sample check.
    pub in_sample: bool,
    /// Source of the observation.
    pub source: String,
}

impl Observation {
    /// Standardised miss: 0 inside [low, high], else the gap over `sd`.
    pub fn z(&self, simulated: f64) -> f64 {
        if simulated < self.low {
            (self.low - simulated) / self.sd
        } else if simulated > self.high {
            (simulated - self.high) / self.sd
        } else if simulated.is_nan() {
            f64::NAN
        } else {
            0.0
        }
    }
}

/// Weighted root-mean-square standardised miss over the in-sample observations:
/// `sqrt(sum w z^2 / sum w)`. NaN when a simulated value is missing.
pub fn distance(obs: &[Observation], simulated: &[f64]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for (o, &v) in obs.iter().zip(simulated) {
        if o.in_sample {
            let z = o.z(v);
            num += o.weight * z * z;
            den += o.weight;
        }
    }
    (num / den).sqrt()
}

/// A small CSV reader (RFC 4180 quoting): the header and the rows.
pub fn read_csv(text: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.retain(|r| !(r.len() == 1 && r[0].trim().is_empty()));
    if rows.is_empty() {
        return Err("the file is empty".into());
    }
    let header: Vec<String> = rows
        .remove(0)
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    for (i, r) in rows.iter().enumerate() {
        if r.len() != header.len() {
            return Err(format!(
                "row {} has {} fields, the header {}",
                i + 2,
                r.len(),
                header.len()
            ));
        }
    }
    Ok((header, rows))
}

/// A series target's rows as observations. `town_scenario` maps a town to the scenario
/// that simulates it as an agent town. Errors name the key (relative to the target).
pub fn series_observations(
    t: &TargetSpec,
    csv_text: &str,
    csv_path: &Path,
    fit_until: i32,
    town_scenario: &dyn Fn(&str) -> Option<usize>,
) -> Result<Vec<Observation>, (String, String)> {
    let err = |k: &str, m: String| (k.to_string(), m);
    let (header, rows) =
        read_csv(csv_text).map_err(|m| err("file", format!("{}: {m}", csv_path.display())))?;
    let find = |name: &str| header.iter().position(|h| h == name);
    let need = |key: &str, name: &str| {
        find(name).ok_or_else(|| {
            err(
                key,
                format!(
                    "{} has no column `{name}` (columns: {})",
                    csv_path.display(),
                    header.join(", ")
                ),
            )
        })
    };
    let (ti, yi, vi) = (
        need("town_column", &t.town_column)?,
        need("year_column", &t.year_column)?,
        need("value_column", &t.value_column)?,
    );
    let (si, wi, srci) = (
        find(&t.sd_column),
        find(&t.weight_column),
        find(&t.source_column),
    );
    let column = t.column.clone().ok_or_else(|| {
        err(
            "column",
            "a series target needs `column`, a column of the towns table".into(),
        )
    })?;
    let number = |r: usize, c: usize, what: &str| -> Result<Option<f64>, (String, String)> {
        let cell = rows[r][c].trim();
        if cell.is_empty() {
            return Ok(None);
        }
        cell.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Some)
            .ok_or_else(|| {
                err(
                    "file",
                    format!(
                        "{} row {}: {what} `{cell}` is not a finite number",
                        csv_path.display(),
                        r + 2
                    ),
                )
            })
    };
    let mut out = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let town = row[ti].trim();
        if let Some(list) = &t.towns
            && !list.iter().any(|x| x == town)
        {
            continue;
        }
        let Some(year) = number(r, yi, "year")? else {
            continue;
        };
        let year = year as i32;
        if t.years.is_some_and(|[a, b]| year < a || year > b) {
            continue;
        }
        let Some(scenario) = town_scenario(town) else {
            continue;
        };
        let Some(value) = number(r, vi, "value")? else {
            continue;
        };
        let sd = match si.map(|c| number(r, c, "sd")).transpose()?.flatten() {
            Some(sd) => sd,
            None => match (t.sd, t.relative_sd) {
                (Some(sd), _) => sd,
                (None, Some(rel)) => rel * value.abs(),
                (None, None) => {
                    return Err(err(
                        "relative_sd",
                        format!(
                            "{} row {} has no `{}`: give `sd` or `relative_sd`",
                            csv_path.display(),
                            r + 2,
                            t.sd_column
                        ),
                    ));
                }
            },
        };
        if !(sd > 0.0 && sd.is_finite()) {
            return Err(err(
                "sd",
                format!(
                    "{} row {}: the standard deviation {sd} must be > 0",
                    csv_path.display(),
                    r + 2
                ),
            ));
        }
        let w = wi.map(|c| number(r, c, "weight")).transpose()?.flatten();
        out.push(Observation {
            target: t.name.clone(),
            scenario,
            town: town.to_string(),
            year: Some(year),
            kind: ObsKind::Series(MetricSpec {
                name: format!("{}:{town}:{year}", t.name),
                town: town.to_string(),
                column: column.clone(),
                year,
                to: None,
                month: t.month,
                stat: t.stat.unwrap_or(Stat::December),
                minus: None,
            }),
            observed: value,
            low: value,
            high: value,
            sd,
            weight: t.weight * w.unwrap_or(1.0),
            in_sample: year <= fit_until,
            source: srci
                .map(|c| rows[r][c].trim().to_string())
                .unwrap_or_default(),
        });
    }
    check_towns_observed(t, &out, csv_path, town_scenario)?;
    Ok(out)
}

/// Every town listed in `towns` is simulated and has observations; the file has some.
fn check_towns_observed(
    t: &TargetSpec,
    out: &[Observation],
    csv_path: &Path,
    town_scenario: &dyn Fn(&str) -> Option<usize>,
) -> Result<(), (String, String)> {
    let err = |k: &str, m: String| (k.to_string(), m);
    for town in t.towns.iter().flatten() {
        if town_scenario(town).is_none() {
            return Err(err(
                "towns",
                format!("`{town}` is not an agent town of any calibrated scenario"),
            ));
        }
        if !out.iter().any(|o| &o.town == town) {
            return Err(err(
                "towns",
                format!(
                    "`{town}` has no observations in {} (within `years`)",
                    csv_path.display()
                ),
            ));
        }
    }
    if out.is_empty() {
        return Err(err(
            "file",
            format!(
                "{} has no observations of the calibrated agent towns",
                csv_path.display()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reader_handles_quotes_and_blank_lines() {
        let (h, rows) = read_csv("a,b\n1,\"x, \"\"y\"\"\"\r\n\n2,z\n").unwrap();
        assert_eq!(h, vec!["a", "b"]);
        assert_eq!(rows, vec![vec!["1", "x, \"y\""], vec!["2", "z"]]);
        assert!(read_csv("a,b\n1\n").is_err());
    }

    #[test]
    fn distance_is_zero_inside_a_range_and_skips_out_of_sample() {
        let base = Observation {
            target: "t".into(),
            scenario: 0,
            town: "T".into(),
            year: Some(2000),
            kind: ObsKind::Fact("f".into()),
            observed: f64::NAN,
            low: 1.0,
            high: 2.0,
            sd: 0.5,
            weight: 1.0,
            in_sample: true,
            source: String::new(),
        };
        let late = Observation {
            in_sample: false,
            ..base.clone()
        };
        let obs = [base, late];
        assert_eq!(distance(&obs, &[1.5, 100.0]), 0.0);
        assert!((distance(&obs, &[3.0, 100.0]) - 2.0).abs() < 1e-12);
        assert!(distance(&obs, &[f64::NAN, 1.5]).is_nan());
    }
}
