//! Stylised facts of a run, each beside its observed target or range and source.
//!
//! Computed from a run's tables: in memory at the end of `monotown run` (written to
//! `facts.csv`) or from a saved run folder (`monotown facts`, the report, batches).
//! The estimators are in [`stats`], the per-town facts in `compute`, the observed
//! ranges in [`targets`]; docs/OUTPUT.md lists the columns of `facts.csv` and
//! docs/ODD.md ("Stylised facts") the methods.

mod compute;
pub mod input;
pub mod stats;
pub mod targets;

use std::path::{Path, PathBuf};

pub use compute::{ENTRANT_AFTER_YEARS, REGISTERED_MIN_WORKERS, TAIL_XMIN, TURNOVER_YEARS};
pub use input::{FirmFacts, Input};

use polars::prelude::{DataType, PolarsResult};

use crate::plot::load::LoadError;

/// File name of the facts table in a run folder.
pub const FACTS_CSV: &str = "facts.csv";

/// Town name of rows that pool all agent towns.
pub const ALL_TOWNS: &str = "all";

/// Every fact (name, meaning), in table order; `commuters_to_<town>` stands for one fact
/// per destination.
pub const FACTS: &[(&str, &str)] = &[
    (
        "beveridge_corr_levels",
        "Pearson correlation of annual mean vacancy and unemployment rates",
    ),
    (
        "beveridge_corr_diff",
        "the same of their first differences (detrended)",
    ),
    (
        "okun_coefficient",
        "OLS slope of annual change in unemployment rate (pp) on output growth (%)",
    ),
    (
        "vacancy_rate_min",
        "lowest annual mean vacancies / labour force",
    ),
    (
        "vacancy_rate_max",
        "highest annual mean vacancies / labour force",
    ),
    (
        "unemployment_change_2014_2015",
        "annual unemployment rate 2015 / 2014 - 1",
    ),
    (
        "hires_monthly_share",
        "mean monthly hires / employed, 2000-2010",
    ),
    (
        "separations_monthly_share",
        "mean monthly separations / employed, 2000-2010",
    ),
    (
        "youth_share_out_migrants",
        "out-migrants aged 18-29 / all out-migrants, whole run",
    ),
    (
        "tail_exponent_all",
        "Hill MLE Pareto exponent of firm sizes >= 10 workers, last year",
    ),
    (
        "tail_exponent_entrants",
        "the same for firms born after the first year + 5",
    ),
    (
        "largest_entrant_workers",
        "largest workforce of a firm born after the first year + 5, any year",
    ),
    (
        "industrial_firms_2000_2010",
        "mean count of registered industrial enterprises (>= 16 workers), 2000-2010",
    ),
    (
        "industrial_firms_all_2000_2010",
        "mean count of all industrial firms, micro-firms included, 2000-2010",
    ),
    (
        "loss_making_giants_mean",
        "mean number of giants with a calendar-year loss, per year",
    ),
    (
        "loss_making_giants_max",
        "most giants with a calendar-year loss in one year",
    ),
    (
        "giant_majority_loss_years_1992_1998",
        "years of 1992-98 in which most giants made a loss",
    ),
    (
        "giants_employment_change_1991_1998",
        "change of giants' workers, December 1991 to 1998, %",
    ),
    (
        "giants_output_change_1991_1998",
        "change of giants' December revenue, 1991 to 1998, %",
    ),
    (
        "giants_emp_minus_output_change_1991_1998",
        "employment change minus output change, pp",
    ),
    (
        "clusters_count_end",
        "clusters based in the town, last year",
    ),
    (
        "cluster_members_max_end",
        "member firms of the largest cluster, last year",
    ),
    (
        "cluster_staff_max_end",
        "workers of the largest cluster, last year",
    ),
    (
        "cluster_pharma_biotech_members_2010_2015",
        "members of the largest cluster with a pharma_biotech firm, mean 2010-2015",
    ),
    (
        "cluster_pharma_biotech_staff_2010_2015",
        "its workers, mean 2010-2015",
    ),
    (
        "cluster_composites_materials_members_2010_2015",
        "members of the largest cluster with a composites_materials firm, mean 2010-2015",
    ),
    (
        "cluster_composites_materials_staff_2010_2015",
        "its workers, mean 2010-2015",
    ),
    (
        "commuters_to_<town>",
        "employed residents working in <town>, mean December count",
    ),
];

/// One fact of one town.
#[derive(Debug, Clone, PartialEq)]
pub struct FactRow {
    /// Town (or [`ALL_TOWNS`]).
    pub town: String,
    /// Fact name.
    pub fact: String,
    /// Simulated value; NaN when the run does not define it.
    pub value: f64,
    /// Observed lower bound; NaN when there is no target.
    pub target_low: f64,
    /// Observed upper bound; NaN when there is no target.
    pub target_high: f64,
    /// Source of the target (empty without one).
    pub source: String,
}

impl FactRow {
    fn new(town: &str, fact: String, value: f64) -> FactRow {
        let t = targets::target(&fact, town);
        FactRow {
            town: town.to_string(),
            value,
            target_low: t.map_or(f64::NAN, |t| t.low),
            target_high: t.map_or(f64::NAN, |t| t.high),
            source: t.map_or(String::new(), |t| t.source.to_string()),
            fact,
        }
    }

    /// Whether the value is within the target; `None` without a target or a value.
    pub fn within(&self) -> Option<bool> {
        within(self.value, self.target_low, self.target_high)
    }
}

fn within(value: f64, low: f64, high: f64) -> Option<bool> {
    if value.is_nan() || low.is_nan() || high.is_nan() {
        None
    } else {
        Some(low <= value && value <= high)
    }
}

/// The facts of every agent town (in table order), then the pooled rows.
pub fn compute(input: &Input) -> Vec<FactRow> {
    let start = input.towns.iter().map(|r| r.year).min().unwrap_or(0);
    let mut towns: Vec<&str> = Vec::new();
    for r in &input.towns {
        if !towns.contains(&r.town.as_str()) {
            towns.push(&r.town);
        }
    }
    let mut rows = Vec::new();
    for town in &towns {
        for (fact, value) in compute::town_facts(input, town, start) {
            rows.push(FactRow::new(town, fact, value));
        }
    }
    // Issue 11's unemployment target is an average over the monotowns.
    let key = "unemployment_change_2014_2015";
    let changes: Vec<f64> = rows
        .iter()
        .filter(|r| r.fact == key && r.value.is_finite())
        .map(|r| r.value)
        .collect();
    rows.push(FactRow::new(
        ALL_TOWNS,
        key.to_string(),
        stats::mean(&changes),
    ));
    rows
}

/// The facts of a saved run folder.
pub fn from_dir(dir: &Path) -> Result<Vec<FactRow>, LoadError> {
    Ok(compute(&Input::from_dir(dir)?))
}

fn csv_number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}

fn csv_text(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The `within` cell: `true`, `false` or `na`.
pub fn within_text(w: Option<bool>) -> &'static str {
    match w {
        Some(true) => "true",
        Some(false) => "false",
        None => "na",
    }
}

/// `facts.csv`: `town,fact,value,target_low,target_high,within,source`; empty cells for
/// undefined values and missing targets.
pub fn to_csv(rows: &[FactRow]) -> String {
    let mut s = String::from("town,fact,value,target_low,target_high,within,source\n");
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            csv_text(&r.town),
            csv_text(&r.fact),
            csv_number(r.value),
            csv_number(r.target_low),
            csv_number(r.target_high),
            within_text(r.within()),
            csv_text(&r.source)
        ));
    }
    s
}

/// A value as printed by `monotown facts`: 4 decimals below 1000, none above; `-` when
/// undefined.
pub fn fmt_value(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x.abs() >= 1000.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

/// A target range as printed: `[low, high]`, or `-` without a target.
pub fn fmt_range(low: f64, high: f64) -> String {
    if low.is_nan() || high.is_nan() {
        "-".into()
    } else {
        format!("[{}, {}]", fmt_value(low), fmt_value(high))
    }
}

/// A share of runs within target as printed: `75%`, or `na`.
pub fn fmt_share(x: f64) -> String {
    if x.is_nan() {
        "na".into()
    } else {
        format!("{:.0}%", 100.0 * x)
    }
}

/// One fact across replicate runs.
#[derive(Debug, Clone, PartialEq)]
pub struct FactSummary {
    /// Town.
    pub town: String,
    /// Fact name.
    pub fact: String,
    /// Median over the runs that define it.
    pub median: f64,
    /// 5% quantile.
    pub q05: f64,
    /// 95% quantile.
    pub q95: f64,
    /// Runs that define the fact.
    pub runs: usize,
    /// Target lower bound (NaN without a target).
    pub target_low: f64,
    /// Target upper bound.
    pub target_high: f64,
    /// Share of those runs within the target (NaN without a target).
    pub share_within: f64,
    /// Source of the target.
    pub source: String,
}

/// Summarise the facts of replicate runs: per town and fact (in first-run order), the
/// median, 5-95% range and the share of runs within the target.
pub fn summarise(runs: &[Vec<FactRow>]) -> Vec<FactSummary> {
    let mut keys: Vec<&FactRow> = Vec::new();
    for r in runs.iter().flatten() {
        if !keys.iter().any(|k| k.town == r.town && k.fact == r.fact) {
            keys.push(r);
        }
    }
    keys.into_iter()
        .map(|k| {
            let values: Vec<f64> = runs
                .iter()
                .flatten()
                .filter(|r| r.town == k.town && r.fact == k.fact && r.value.is_finite())
                .map(|r| r.value)
                .collect();
            let hits: Vec<bool> = values
                .iter()
                .filter_map(|&v| within(v, k.target_low, k.target_high))
                .collect();
            FactSummary {
                town: k.town.clone(),
                fact: k.fact.clone(),
                median: stats::quantile(&values, 0.5),
                q05: stats::quantile(&values, 0.05),
                q95: stats::quantile(&values, 0.95),
                runs: values.len(),
                target_low: k.target_low,
                target_high: k.target_high,
                share_within: if hits.is_empty() {
                    f64::NAN
                } else {
                    hits.iter().filter(|h| **h).count() as f64 / hits.len() as f64
                },
                source: k.source.clone(),
            }
        })
        .collect()
}

/// The replicate summary as CSV (`facts_summary.csv` of a batch).
pub fn summary_csv(rows: &[FactSummary]) -> String {
    let mut s =
        String::from("town,fact,median,q05,q95,runs,target_low,target_high,share_within,source\n");
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            csv_text(&r.town),
            csv_text(&r.fact),
            csv_number(r.median),
            csv_number(r.q05),
            csv_number(r.q95),
            r.runs,
            csv_number(r.target_low),
            csv_number(r.target_high),
            csv_number(r.share_within),
            csv_text(&r.source)
        ));
    }
    s
}

/// A readable table of one run's facts, then the sources of its targets.
pub fn table_text(rows: &[FactRow]) -> String {
    let mut s = format!(
        "{:<14} {:<46} {:>12} {:>20} {:>6}\n",
        "town", "fact", "value", "target", "within"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<14} {:<46} {:>12} {:>20} {:>6}\n",
            r.town,
            r.fact,
            fmt_value(r.value),
            fmt_range(r.target_low, r.target_high),
            within_text(r.within())
        ));
    }
    s.push_str(&sources_text(rows.iter().map(|r| (&r.fact, &r.source))));
    s
}

/// A readable table of facts across replicates, then the sources.
pub fn summary_text(rows: &[FactSummary]) -> String {
    let mut s = format!(
        "{:<14} {:<46} {:>12} {:>24} {:>20} {:>7}\n",
        "town", "fact", "median", "5-95% range", "target", "within"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<14} {:<46} {:>12} {:>24} {:>20} {:>7}\n",
            r.town,
            r.fact,
            fmt_value(r.median),
            fmt_range(r.q05, r.q95),
            fmt_range(r.target_low, r.target_high),
            fmt_share(r.share_within)
        ));
    }
    s.push_str(&sources_text(rows.iter().map(|r| (&r.fact, &r.source))));
    s
}

fn sources_text<'a>(pairs: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (f, src) in pairs {
        if !src.is_empty() && !seen.iter().any(|(g, t)| *g == f.as_str() && *t == src) {
            seen.push((f, src));
        }
    }
    let mut s = String::from("\nsources:\n");
    for (f, src) in seen {
        s.push_str(&format!("  {f}: {src}\n"));
    }
    s
}

/// Header and rows of one run's facts for the report.
pub fn report_rows(rows: &[FactRow]) -> (Vec<String>, Vec<Vec<String>>) {
    let header = ["town", "fact", "value", "target", "within", "source"];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                r.town.clone(),
                r.fact.clone(),
                fmt_value(r.value),
                fmt_range(r.target_low, r.target_high),
                within_text(r.within()).to_string(),
                r.source.clone(),
            ]
        })
        .collect();
    (header.map(String::from).to_vec(), body)
}

/// Header and rows of the facts across replicates for the report.
pub fn summary_report_rows(rows: &[FactSummary]) -> (Vec<String>, Vec<Vec<String>>) {
    let header = [
        "town",
        "fact",
        "median",
        "5-95% range",
        "runs",
        "target",
        "share within",
        "source",
    ];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                r.town.clone(),
                r.fact.clone(),
                fmt_value(r.median),
                fmt_range(r.q05, r.q95),
                r.runs.to_string(),
                fmt_range(r.target_low, r.target_high),
                fmt_share(r.share_within),
                r.source.clone(),
            ]
        })
        .collect();
    (header.map(String::from).to_vec(), body)
}

/// Read a `facts.csv` written by [`to_csv`]. The `within` column is derived, so it is
/// not read back.
pub fn read_csv(path: &Path) -> PolarsResult<Vec<FactRow>> {
    let df = crate::output::read_csv(path)?;
    let text = |name: &str| -> PolarsResult<Vec<String>> {
        let c = df.column(name)?.cast(&DataType::String)?;
        Ok(c.str()?
            .iter()
            .map(|s| s.unwrap_or("").to_string())
            .collect())
    };
    let num = |name: &str| -> PolarsResult<Vec<f64>> {
        let c = df.column(name)?.cast(&DataType::Float64)?;
        Ok(c.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    };
    let (town, fact, source) = (text("town")?, text("fact")?, text("source")?);
    let (value, low, high) = (num("value")?, num("target_low")?, num("target_high")?);
    Ok((0..df.height())
        .map(|i| FactRow {
            town: town[i].clone(),
            fact: fact[i].clone(),
            value: value[i],
            target_low: low[i],
            target_high: high[i],
            source: source[i].clone(),
        })
        .collect())
}

/// The facts of a run folder: its `facts.csv` when present, else recomputed from its
/// tables.
pub fn of_run(dir: &Path) -> Result<Vec<FactRow>, LoadError> {
    let path = dir.join(FACTS_CSV);
    if path.exists() {
        read_csv(&path).map_err(|source| LoadError::Table { path, source })
    } else {
        from_dir(dir)
    }
}

/// The facts of several run folders: each folder's rows, in folder order.
pub fn from_dirs(dirs: &[PathBuf]) -> Result<Vec<Vec<FactRow>>, LoadError> {
    dirs.iter().map(|d| from_dir(d)).collect()
}

#[cfg(test)]
mod tests;
