//! The batch report: one static HTML page (no JavaScript) listing the runs, the failures,
//! the replicate summary, the metrics and the sensitivity tables, with the charts.
//!
//! Charts are listed as [`Figure`]s; the sensitivity charts come from [`super::chart`], and
//! others (e.g. replicate bands of the plot module) can be added through
//! [`super::summary::ChartHook`] without touching this file.

use std::fmt::Write;

use polars::prelude::*;

use super::plan::{Plan, PlanSpec};
use super::runner::{RunRecord, Status};
use super::summary::{SensitivityRow, stat_column};
use crate::output::schema::{Col, towns};

/// A chart shown in the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Heading.
    pub title: String,
    /// Image path relative to the batch folder (PNG or SVG).
    pub path: String,
    /// Text under the image.
    pub caption: String,
}

/// Everything the report shows.
pub struct ReportData<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The run table.
    pub records: &'a [RunRecord],
    /// Stylised facts across replicates, per scenario and point.
    pub facts: &'a [super::summary::PointFacts],
    /// Sensitivity indices.
    pub sensitivity: &'a [SensitivityRow],
    /// Metric values per run: scenario, point, replicate, seed, metric, value.
    pub metrics: &'a [(String, u32, u32, u64, String, f64)],
    /// Notes on analysis that could not be done.
    pub notes: &'a [String],
    /// Charts.
    pub figures: &'a [Figure],
    /// The first December rows of the summary table, for a condensed view.
    pub summary: Option<&'a DataFrame>,
    /// The effects of a comparison (`monotown compare`).
    pub effects: Option<&'a super::compare::Effects>,
}

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A number for a report table: 4 decimals, none from 100, scientific outside
/// [1e-3, 1e7); a dash for NaN or infinity.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e7).contains(&a) {
        format!("{v:.3e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.4}")
    }
}

const STYLE: &str = "body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;color:#222;max-width:1200px}\
table{border-collapse:collapse;margin:0.5em 0 1.5em 0;font-size:0.9em}\
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f0f0f0}\
td.l,th.l{text-align:left}tr.failed td{background:#fde2e2}.note{color:#8a4b00}\
img{max-width:100%;border:1px solid #ddd}code{background:#f5f5f5;padding:0 3px}";

/// Most run-table rows shown (failures are always shown).
const MAX_RUN_ROWS: usize = 200;
/// Most summary rows shown.
pub const MAX_SUMMARY_ROWS: usize = 300;

/// Render the report.
pub fn render(d: &ReportData) -> PolarsResult<String> {
    let plan = d.plan;
    let mut h = String::new();
    let count = |s: Status| d.records.iter().filter(|r| r.status == s).count();
    let (ok, failed, skipped, missing) = (
        count(Status::Ok),
        count(Status::Failed),
        count(Status::Skipped),
        count(Status::Missing),
    );
    let pm: u64 = d.records.iter().map(|r| r.person_months).sum();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>monotown batch {}</title><style>{STYLE}</style></head><body>\n",
        esc(&plan.name)
    );
    let _ = writeln!(h, "<h1>Batch <code>{}</code></h1>", esc(&plan.name));
    let kind = match &plan.spec.plan {
        PlanSpec::Batch { .. } => "scenarios × replicates".to_string(),
        PlanSpec::Compare { independent, .. } => format!(
            "policy comparison of {} variant(s) with base <code>{}</code>, {} replicates each, pairing: {}",
            plan.scenarios.len() - 1,
            esc(&plan.scenarios[0].label),
            plan.replicates,
            if *independent {
                "independent seeds (each variant replicate has its own seed; unpaired Welch intervals)"
            } else {
                "common random numbers (replicate r of the base and of every variant share one seed; paired intervals)"
            }
        ),
        PlanSpec::Sweep { .. } => {
            let sp = plan.sweep.as_ref().expect("a sweep plan has a sweep");
            format!(
                "parameter sweep, {} design, {} parameters",
                sp.file.design.method(),
                sp.factors.len()
            )
        }
    };
    let _ = writeln!(
        h,
        "<p>{kind}; {} scenario(s) × {} point(s) × {} replicate(s) = {} runs; master seed {}; monotown {}.</p>",
        plan.scenarios.len(),
        plan.points,
        plan.replicates,
        plan.len(),
        plan.master_seed,
        env!("CARGO_PKG_VERSION")
    );
    if let Some(sp) = &plan.sweep
        && !sp.file.sweep.description.trim().is_empty()
    {
        let _ = writeln!(h, "<p>{}</p>", esc(sp.file.sweep.description.trim()));
    }
    for sc in &plan.scenarios {
        let description = sc.base.description().trim();
        if !description.is_empty() {
            let _ = writeln!(
                h,
                "<p>Scenario <code>{}</code>: {}</p>",
                esc(&sc.label),
                esc(description)
            );
        }
    }
    let _ = writeln!(
        h,
        "<table><tr><th>ok</th><th>skipped (complete before)</th><th>failed</th><th>missing</th><th>person-months</th></tr><tr><td>{ok}</td><td>{skipped}</td><td>{failed}</td><td>{missing}</td><td>{pm}</td></tr></table>"
    );
    let _ = writeln!(
        h,
        "<p>Data: <code>data/scenario=…/point=…/replicate=…/towns.parquet</code> (a Hive-partitioned dataset), run table <code>runs.csv</code>, summary <code>summary.csv</code>{}.</p>",
        if plan.sweep.is_some() {
            ", metrics <code>metrics.csv</code>, SALib inputs in <code>salib/</code>"
        } else {
            ""
        }
    );
    for n in d.notes {
        let _ = writeln!(h, "<p class=\"note\">Note: {}</p>", esc(n));
    }

    if let Some(e) = d.effects {
        effects_section(&mut h, e);
    }

    if let Some(sp) = &plan.sweep {
        let _ = writeln!(
            h,
            "<h2>Parameters</h2><table><tr><th class=\"l\">key path</th><th>low</th><th>high</th><th class=\"l\">values</th></tr>"
        );
        for (p, f) in sp.file.parameter.iter().zip(&sp.factors) {
            let vals = p
                .values
                .as_ref()
                .map(|v| v.iter().map(|x| num(*x)).collect::<Vec<_>>().join(", "))
                .unwrap_or_else(|| "range".into());
            let _ = writeln!(
                h,
                "<tr><td class=\"l\"><code>{}</code></td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>",
                esc(&p.key),
                num(f.low),
                num(f.high),
                esc(&vals)
            );
        }
        h.push_str("</table>\n");
    }

    if !d.sensitivity.is_empty() {
        let _ = writeln!(h, "<h2>Sensitivity</h2>");
        let _ = writeln!(
            h,
            "<table><tr><th class=\"l\">metric</th><th class=\"l\">parameter</th><th class=\"l\">method</th><th>μ</th><th>μ*</th><th>μ* 95% ±</th><th>σ</th><th>S1</th><th>S1 95% ±</th><th>ST</th><th>ST 95% ±</th></tr>"
        );
        for r in d.sensitivity {
            let m = r.morris;
            let s = r.sobol;
            let o = |v: Option<f64>| v.map(num).unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td class=\"l\">{}</td><td class=\"l\"><code>{}</code></td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.metric),
                esc(&r.parameter),
                r.method,
                o(m.map(|m| m.mu)),
                o(m.map(|m| m.mu_star)),
                o(m.map(|m| m.mu_star_conf)),
                o(m.map(|m| m.sigma)),
                o(s.map(|s| s.s1)),
                o(s.map(|s| s.s1_conf)),
                o(s.map(|s| s.st)),
                o(s.map(|s| s.st_conf)),
            );
        }
        h.push_str("</table>\n");
    }
    for f in d.figures {
        let _ = writeln!(
            h,
            "<h3>{}</h3><p><img src=\"{}\" alt=\"{}\"></p><p>{}</p>",
            esc(&f.title),
            esc(&f.path),
            esc(&f.title),
            esc(&f.caption)
        );
    }

    if !d.metrics.is_empty() {
        let _ = writeln!(h, "<h2>Metrics (mean over replicates)</h2>");
        let mut names: Vec<&str> = d.metrics.iter().map(|m| m.4.as_str()).collect();
        names.dedup();
        names.sort_unstable();
        names.dedup();
        let _ = write!(h, "<table><tr><th class=\"l\">scenario</th><th>point</th>");
        for n in &names {
            let _ = write!(h, "<th>{}</th>", esc(n));
        }
        h.push_str("</tr>\n");
        let mut keys: Vec<(&str, u32)> = d.metrics.iter().map(|m| (m.0.as_str(), m.1)).collect();
        keys.dedup();
        for (shown, (s, p)) in keys.iter().enumerate() {
            if shown >= MAX_SUMMARY_ROWS {
                let _ = writeln!(
                    h,
                    "<tr><td class=\"l\" colspan=\"{}\">… {} more points in metrics.csv</td></tr>",
                    names.len() + 2,
                    keys.len() - shown
                );
                break;
            }
            let _ = write!(h, "<tr><td class=\"l\">{}</td><td>{p}</td>", esc(s));
            for n in &names {
                let vals: Vec<f64> = d
                    .metrics
                    .iter()
                    .filter(|m| m.0 == *s && m.1 == *p && m.4 == *n)
                    .map(|m| m.5)
                    .collect();
                let mean = vals.iter().sum::<f64>() / vals.len().max(1) as f64;
                let _ = write!(h, "<td>{}</td>", num(mean));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }

    summary_section(&mut h, d)?;
    facts_section(&mut h, d);

    let _ = writeln!(h, "<h2>Runs</h2>");
    if failed > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">{failed} run(s) failed; they are listed first.</p>"
        );
    }
    let _ = writeln!(
        h,
        "<table><tr><th class=\"l\">scenario</th><th>point</th><th>replicate</th><th>seed</th><th class=\"l\">status</th><th class=\"l\">stage</th><th class=\"l\">error</th><th>seconds</th><th>person-months</th></tr>"
    );
    let mut order: Vec<&RunRecord> = d
        .records
        .iter()
        .filter(|r| r.status == Status::Failed)
        .collect();
    order.extend(d.records.iter().filter(|r| r.status != Status::Failed));
    for (i, r) in order.iter().enumerate() {
        if i >= MAX_RUN_ROWS.max(failed) {
            let _ = writeln!(
                h,
                "<tr><td class=\"l\" colspan=\"9\">… {} more runs in runs.csv</td></tr>",
                order.len() - i
            );
            break;
        }
        let _ = writeln!(
            h,
            "<tr{}><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{:.2}</td><td>{}</td></tr>",
            if r.status == Status::Failed {
                " class=\"failed\""
            } else {
                ""
            },
            esc(&r.scenario),
            r.point,
            r.replicate,
            r.seed,
            r.status.name(),
            r.stage.map(|s| s.name()).unwrap_or(""),
            esc(r.error.as_deref().unwrap_or("")),
            r.seconds,
            r.person_months
        );
    }
    h.push_str("</table>\n</body></html>\n");
    Ok(h)
}

/// The effects of a comparison over the window, per variant, town and metric; the
/// yearly rows are in the effects table and the charts.
fn effects_section(h: &mut String, e: &super::compare::Effects) {
    let _ = writeln!(
        h,
        "<h2>Effects</h2><p>Mean difference variant − base across replicates with its 90% interval ({}); over {}–{} (flows summed over the years, the rest averaged). Every year and metric: <code>effects.parquet</code>{}; columns in docs/BATCH.md.</p>",
        if e.independent {
            "independent seeds, Welch interval"
        } else {
            "common random numbers, paired t interval"
        },
        e.window.0,
        e.window.1,
        if e.files
            .iter()
            .any(|f| f.extension().is_some_and(|x| x == "csv"))
        {
            ", <code>effects.csv</code>"
        } else {
            ""
        }
    );
    for n in &e.notes {
        let _ = writeln!(h, "<p class=\"note\">Note: {}</p>", esc(n));
    }
    let _ = writeln!(
        h,
        "<table><tr><th class=\"l\">variant</th><th class=\"l\">town</th><th class=\"l\">metric</th><th class=\"l\">aggregate</th><th>base mean</th><th>variant mean</th><th>difference</th><th>90% interval</th><th>width</th><th>n</th></tr>"
    );
    for r in e.rows.iter().filter(|r| r.year.is_none()) {
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\"><code>{}</code></td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>[{}, {}]</td><td>{}</td><td>{}</td></tr>",
            esc(&r.variant),
            esc(&r.town),
            esc(&r.metric),
            r.agg.name(),
            num(r.base_mean),
            num(r.variant_mean),
            num(r.diff.mean),
            num(r.diff.lo),
            num(r.diff.hi),
            num(r.diff.hi - r.diff.lo),
            r.n_pairs.unwrap_or(r.n_base.min(r.n_variant)),
        );
    }
    h.push_str("</table>\n");
}

/// Stylised facts across replicates (median, 5-95% range, share of runs within the
/// observed target), per scenario and point; at most [`MAX_SUMMARY_ROWS`] rows.
fn facts_section(h: &mut String, d: &ReportData) {
    if d.facts.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<h2>Stylised facts</h2><p>Across replicates; targets and sources in <code>facts_summary.csv</code>.</p><table><tr><th class=\"l\">scenario</th><th>point</th><th class=\"l\">town</th><th class=\"l\">fact</th><th>median</th><th>5-95% range</th><th>runs</th><th>target</th><th>within</th></tr>"
    );
    let mut shown = 0;
    for (scenario, point, rows) in d.facts {
        for r in rows {
            if shown == MAX_SUMMARY_ROWS {
                let _ = writeln!(
                    h,
                    "<tr><td class=\"l\" colspan=\"9\">… more rows in facts_summary.csv</td></tr>"
                );
                h.push_str("</table>\n");
                return;
            }
            shown += 1;
            let _ = writeln!(
                h,
                "<tr><td class=\"l\">{}</td><td>{point}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(scenario),
                esc(&r.town),
                esc(&r.fact),
                esc(&crate::facts::fmt_value(r.median)),
                esc(&crate::facts::fmt_range(r.q05, r.q95)),
                r.runs,
                esc(&crate::facts::fmt_range(r.target_low, r.target_high)),
                esc(&crate::facts::fmt_share(r.share_within)),
            );
        }
    }
    h.push_str("</table>\n");
}

/// December rows of the summary: population and unemployment medians with 5-95 % bands.
fn summary_section(h: &mut String, d: &ReportData) -> PolarsResult<()> {
    let Some(df) = d.summary else {
        return Ok(());
    };
    let _ = writeln!(
        h,
        "<h2>Summary across replicates (December; median [5%–95%])</h2>"
    );
    let _ = writeln!(
        h,
        "<table><tr><th class=\"l\">scenario</th><th>point</th><th class=\"l\">town</th><th>year</th><th>replicates</th><th>population</th><th>unemployment rate</th><th>mean wage, kRUB</th><th>out-migrants (Dec)</th></tr>"
    );
    let s = |c: &str| {
        df.column(c)
            .and_then(|c| c.cast(&DataType::String))
            .map(|c| c.str().cloned())
    };
    let f = |c: &str| {
        df.column(c)
            .and_then(|c| c.cast(&DataType::Float64))
            .map(|c| c.f64().cloned())
    };
    let (sc, pt, tw, yr, rp) = (
        s("scenario")??,
        s("point")??,
        s(towns::TOWN.name)??,
        s(towns::YEAR.name)??,
        s("replicates")??,
    );
    let stat = |c: &Col, stat: &str| f(&stat_column(c.name, stat));
    let (pm, p5, p95, um, u5, u95, w, o) = (
        stat(&towns::POPULATION, "median")??,
        stat(&towns::POPULATION, "q05")??,
        stat(&towns::POPULATION, "q95")??,
        stat(&towns::UNEMPLOYMENT_RATE, "median")??,
        stat(&towns::UNEMPLOYMENT_RATE, "q05")??,
        stat(&towns::UNEMPLOYMENT_RATE, "q95")??,
        stat(&towns::MEAN_WAGE_KRUB, "median")??,
        stat(&towns::OUT_MIGRANTS, "median")??,
    );
    for i in 0..df.height().min(MAX_SUMMARY_ROWS) {
        let g = |c: &ChunkedArray<Float64Type>| c.get(i).unwrap_or(f64::NAN);
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{} [{}–{}]</td><td>{:.1}% [{:.1}–{:.1}]</td><td>{}</td><td>{}</td></tr>",
            esc(sc.get(i).unwrap_or("")),
            pt.get(i).unwrap_or(""),
            esc(tw.get(i).unwrap_or("")),
            yr.get(i).unwrap_or(""),
            rp.get(i).unwrap_or(""),
            num(g(&pm)),
            num(g(&p5)),
            num(g(&p95)),
            100.0 * g(&um),
            100.0 * g(&u5),
            100.0 * g(&u95),
            num(g(&w)),
            num(g(&o)),
        );
    }
    if df.height() > MAX_SUMMARY_ROWS {
        let _ = writeln!(
            h,
            "<tr><td class=\"l\" colspan=\"9\">… more rows in summary.csv</td></tr>"
        );
    }
    h.push_str("</table>\n");
    Ok(())
}
