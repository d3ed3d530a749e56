//! Policy comparisons (`monotown compare`): the effect of each variant scenario on its
//! base, as mean differences with 90% intervals across replicates.
//!
//! A comparison is an ordinary batch plan ([`PlanSpec::Compare`]: the base first, then the
//! variants, every one with the same replicates), run by the same runner (parallel,
//! resumable, shardable) into the same folder layout. Only the seeds differ:
//!
//! - **common random numbers** (the default): replicate `r` of the base and of every
//!   variant runs with the same model seed [`super::plan::compare_seed`]`(master, r)`. All
//!   random streams are keyed by `(seed, process, entity, month)` ([`crate::rng`]), so a
//!   person, household or firm with the same id draws the same numbers in the base and the
//!   variant, and the difference `variant_r − base_r` is a paired difference;
//! - **independent seeds** (`independent`): the variants get seeds of their own
//!   ([`super::plan::run_seed`] of their name), and the difference of the means is
//!   unpaired (Welch's interval).
//!
//! For each variant, agent town (hubs are not agent-based and are left out), year and
//! metric ([`effect_metrics`]) the table `effects.parquet` (and `effects.csv` on request)
//! holds the base and variant means, the mean difference and its 90% interval, plus one
//! row per metric over a window of years (flows summed, the rest averaged over the
//! window's years). Columns: see [`EFFECT_COLUMNS`].
//!
//! Where id alignment, and so the pairing, holds and breaks: see docs/BATCH.md, "Policy
//! comparisons".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;

use super::plan::{Plan, PlanSpec};
use super::report::Figure;
use super::runner::{BatchError, RunRecord};
use super::summary::read_columns;
use crate::output::schema::towns;
use crate::output::{Format, write_table};

/// Confidence level of the intervals.
pub const LEVEL: f64 = 0.90;

/// How a metric's monthly values make one value per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agg {
    /// The December value (stocks: residents, workers, firms, category).
    December,
    /// The sum over the year's months (flows: departures, arrivals).
    Sum,
    /// The mean over the year's months (rates and wages).
    Mean,
}

impl Agg {
    /// Name in the effects table.
    pub fn name(&self) -> &'static str {
        match self {
            Agg::December => "december",
            Agg::Sum => "sum",
            Agg::Mean => "mean",
        }
    }
}

/// A metric of the effects table: a column of the towns table and its yearly aggregate.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectMetric {
    /// Column of `towns.parquet`, also the metric's name.
    pub column: String,
    /// Yearly aggregate.
    pub agg: Agg,
    /// Drawn in the effect charts (the sector columns are only in the table).
    pub chart: bool,
}

/// The metrics of a comparison, in table order: population, departures aged 18–29 and
/// all departures, arrivals, unemployment rate, employed residents, jobs at giants and at
/// non-giant firms of each sector, the mean wage, live firms, cluster employment and the
/// monotown category.
pub fn effect_metrics() -> Vec<EffectMetric> {
    let m = |column: String, agg, chart| EffectMetric { column, agg, chart };
    let mut v = vec![
        m(towns::POPULATION.name.into(), Agg::December, true),
        m(towns::OUT_MIGRANTS_AGE.name("18_29"), Agg::Sum, true),
        m(towns::OUT_MIGRANTS.name.into(), Agg::Sum, false),
        m(towns::IN_MIGRANTS.name.into(), Agg::Sum, false),
        m(towns::UNEMPLOYMENT_RATE.name.into(), Agg::Mean, true),
        m(towns::EMPLOYED.name.into(), Agg::December, true),
        m(towns::EMP_GIANT.name.into(), Agg::December, true),
    ];
    for c in towns::EMP_SECTOR.names() {
        v.push(m(c, Agg::December, false));
    }
    v.extend([
        m(towns::MEAN_WAGE_KRUB.name.into(), Agg::Mean, true),
        m(towns::FIRMS.name.into(), Agg::December, true),
        m(towns::CLUSTER_EMPLOYMENT.name.into(), Agg::December, true),
        m(towns::MONOTOWN_CATEGORY.name.into(), Agg::December, true),
    ]);
    v
}

/// The columns of `effects.parquet`, with their meaning (docs/BATCH.md lists them too).
pub const EFFECT_COLUMNS: &[(&str, &str)] = &[
    ("variant", "variant scenario (run.name label)"),
    ("town", "agent town"),
    ("metric", "towns-table column"),
    (
        "aggregate",
        "december, sum or mean: how a year's months make one value",
    ),
    (
        "period",
        "`year` (one calendar year) or `window` (from_year..to_year)",
    ),
    ("year", "the year of a `year` row; null for a `window` row"),
    ("from_year", "first year covered"),
    ("to_year", "last year covered"),
    (
        "pairing",
        "`common` (common random numbers, paired) or `independent` (Welch)",
    ),
    ("n_base", "complete base replicates used"),
    ("n_variant", "complete variant replicates used"),
    (
        "n_pairs",
        "replicate pairs used (common); null when independent",
    ),
    ("base_mean", "mean of the base across its replicates"),
    ("variant_mean", "mean of the variant across its replicates"),
    ("diff_mean", "mean difference variant − base"),
    (
        "diff_sd",
        "standard deviation of the paired differences (common); null when independent",
    ),
    ("se", "standard error of diff_mean"),
    (
        "df",
        "degrees of freedom of the t quantile (n_pairs − 1, or Welch–Satterthwaite)",
    ),
    ("ci_low", "lower end of the 90% interval of diff_mean"),
    ("ci_high", "upper end of the 90% interval of diff_mean"),
    ("ci_width", "ci_high − ci_low"),
];

/// The options of a comparison plan, `None` for other plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompareOptions {
    /// Independent seeds (unpaired) instead of common random numbers.
    pub independent: bool,
    /// Window years, if given.
    pub window: Option<(i32, i32)>,
    /// Also write `effects.csv`.
    pub csv: bool,
}

/// The comparison options of `plan`, `None` when it is not a comparison.
pub fn options(plan: &Plan) -> Option<CompareOptions> {
    match &plan.spec.plan {
        PlanSpec::Compare {
            independent,
            window,
            csv,
            ..
        } => Some(CompareOptions {
            independent: *independent,
            window: *window,
            csv: *csv,
        }),
        _ => None,
    }
}

/// The pairing mode's name in the effects table and report.
pub fn pairing_name(independent: bool) -> &'static str {
    if independent { "independent" } else { "common" }
}

/// One row of the effects table.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectRow {
    /// Variant label.
    pub variant: String,
    /// Town.
    pub town: String,
    /// Metric (towns-table column).
    pub metric: String,
    /// Yearly aggregate.
    pub agg: Agg,
    /// The year of a yearly row, `None` for the window row.
    pub year: Option<i32>,
    /// First year covered.
    pub from_year: i32,
    /// Last year covered.
    pub to_year: i32,
    /// Complete base replicates used.
    pub n_base: u32,
    /// Complete variant replicates used.
    pub n_variant: u32,
    /// Pairs used (common random numbers only).
    pub n_pairs: Option<u32>,
    /// Base mean.
    pub base_mean: f64,
    /// Variant mean.
    pub variant_mean: f64,
    /// Interval and its ingredients.
    pub diff: Diff,
}

/// A mean difference and its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diff {
    /// Mean difference.
    pub mean: f64,
    /// Standard deviation of the paired differences (paired only).
    pub sd: Option<f64>,
    /// Standard error of the mean difference.
    pub se: f64,
    /// Degrees of freedom.
    pub df: f64,
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

/// Sample variance (n − 1); NaN below two values.
fn variance(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return f64::NAN;
    }
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64
}

/// Paired interval: `d̄ ± t(1 − α/2, n − 1) · s / √n` over the differences `d`.
pub fn paired(d: &[f64], level: f64) -> Diff {
    let n = d.len() as f64;
    let m = mean(d);
    let sd = variance(d).sqrt();
    let se = sd / n.sqrt();
    let df = n - 1.0;
    let half = if se == 0.0 {
        0.0
    } else {
        t_quantile(0.5 + level / 2.0, df) * se
    };
    Diff {
        mean: m,
        sd: Some(sd),
        se,
        df,
        lo: m - half,
        hi: m + half,
    }
}

/// Welch interval of `mean(v) − mean(b)` for independent samples.
pub fn welch(b: &[f64], v: &[f64], level: f64) -> Diff {
    let (nb, nv) = (b.len() as f64, v.len() as f64);
    let m = mean(v) - mean(b);
    let (qb, qv) = (variance(b) / nb, variance(v) / nv);
    let se = (qb + qv).sqrt();
    let df = (qb + qv).powi(2) / (qb * qb / (nb - 1.0) + qv * qv / (nv - 1.0));
    let half = if se == 0.0 {
        0.0
    } else {
        t_quantile(0.5 + level / 2.0, df) * se
    };
    Diff {
        mean: m,
        sd: None,
        se,
        df: if se == 0.0 { nb + nv - 2.0 } else { df },
        lo: m - half,
        hi: m + half,
    }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction of the regularised incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// The regularised incomplete beta function I_x(a, b).
fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Student's t distribution function with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * beta_inc(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The `p` quantile of Student's t distribution with `df` > 0 degrees of freedom
/// (bisection on [`t_cdf`] to about 1e-12); NaN for df ≤ 0 or NaN, or p outside (0, 1).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if df.is_nan() || df <= 0.0 || !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    if p == 0.5 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while t_cdf(hi, df) < p {
        hi *= 2.0;
        if hi > 1e12 {
            return f64::INFINITY;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// A run's yearly values: (town, metric index) → year → value.
type RunYears = BTreeMap<(String, usize), BTreeMap<i32, f64>>;

/// Read a run's towns table and aggregate each metric to years, agent towns only.
fn run_years(dir: &Path, format: Format, metrics: &[EffectMetric]) -> Result<RunYears, BatchError> {
    let mut cols: Vec<String> = [towns::TOWN, towns::YEAR, towns::MONTH, towns::IS_HUB]
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    cols.extend(metrics.iter().map(|m| m.column.clone()));
    let df = read_columns(dir, format, &cols)?;
    let perr = |source| BatchError::Polars {
        what: format!("reading {}", dir.display()),
        source,
    };
    let columns = || -> PolarsResult<_> {
        Ok((
            df.column(towns::TOWN.name)?.str()?,
            df.column(towns::YEAR.name)?.i32()?,
            df.column(towns::MONTH.name)?.i32()?,
            df.column(towns::IS_HUB.name)?.f64()?,
            metrics
                .iter()
                .map(|m| df.column(&m.column).and_then(|c| c.f64()))
                .collect::<PolarsResult<Vec<&Float64Chunked>>>()?,
        ))
    };
    let (town, year, month, hub, values) = columns().map_err(perr)?;
    // Towns by first appearance, so the accumulator is keyed by index, not by name.
    let mut names: Vec<&str> = Vec::new();
    // (town index, metric, year) → (sum, count, december)
    let mut acc: BTreeMap<(usize, usize, i32), (f64, u32, f64)> = BTreeMap::new();
    for i in 0..df.height() {
        let (Some(t), Some(y), Some(mo)) = (town.get(i), year.get(i), month.get(i)) else {
            continue;
        };
        if hub.get(i).unwrap_or(0.0) != 0.0 {
            continue;
        }
        let ti = match names.iter().position(|n| *n == t) {
            Some(ti) => ti,
            None => {
                names.push(t);
                names.len() - 1
            }
        };
        for (k, v) in values.iter().enumerate() {
            let v = v.get(i).unwrap_or(f64::NAN);
            let e = acc.entry((ti, k, y)).or_insert((0.0, 0, f64::NAN));
            e.0 += v;
            e.1 += 1;
            if mo == 12 {
                e.2 = v;
            }
        }
    }
    let mut out: RunYears = BTreeMap::new();
    for ((ti, k, y), (sum, n, dec)) in acc {
        let v = match metrics[k].agg {
            Agg::December => dec,
            Agg::Sum => sum,
            Agg::Mean => sum / f64::from(n),
        };
        out.entry((names[ti].to_string(), k))
            .or_default()
            .insert(y, v);
    }
    Ok(out)
}

/// The window value of a metric from its yearly values: the sum (flows) or the mean over
/// the years `from..=to`; NaN when a year is missing.
fn window_value(years: &BTreeMap<i32, f64>, agg: Agg, from: i32, to: i32) -> f64 {
    let vals: Vec<f64> = (from..=to)
        .map(|y| years.get(&y).copied().unwrap_or(f64::NAN))
        .collect();
    match agg {
        Agg::Sum => vals.iter().sum(),
        _ => mean(&vals),
    }
}

/// What [`effects`] computed and wrote.
#[derive(Debug, Clone)]
pub struct Effects {
    /// The rows of the effects table.
    pub rows: Vec<EffectRow>,
    /// Pairing: independent seeds or common random numbers.
    pub independent: bool,
    /// Replicates planned per scenario.
    pub replicates: u32,
    /// The window of the window rows.
    pub window: (i32, i32),
    /// Charts drawn.
    pub figures: Vec<Figure>,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Problems (a variant without complete runs, a chart that failed).
    pub notes: Vec<String>,
}

/// Compute the effects of a comparison from its complete runs, write `effects.parquet`
/// (and `effects.csv` when asked) and the effect charts under `charts/effects/`. `None`
/// when the plan is not a comparison.
pub fn effects(
    out: &Path,
    plan: &Plan,
    records: &[RunRecord],
) -> Result<Option<Effects>, BatchError> {
    let Some(opts) = options(plan) else {
        return Ok(None);
    };
    let metrics = effect_metrics();
    let reps = plan.replicates as usize;
    // Yearly values of every complete run, by scenario and replicate (read in parallel,
    // kept in plan order).
    let done: Vec<&RunRecord> = records.iter().filter(|r| r.status.complete()).collect();
    let read: Vec<Result<RunYears, BatchError>> = done
        .par_iter()
        .map(|r| run_years(&out.join(&r.dir), plan.format, &metrics))
        .collect();
    let mut runs: Vec<Vec<Option<RunYears>>> = vec![vec![None; reps]; plan.scenarios.len()];
    for (r, y) in done.iter().zip(read) {
        let s = r.index / reps;
        runs[s][r.replicate as usize] = Some(y?);
    }
    let mut notes = Vec::new();
    let base = &runs[0];
    let base_first = base.iter().flatten().next();
    let Some(base_first) = base_first else {
        notes.push("no complete base run, so no effects".into());
        return Ok(Some(Effects {
            rows: Vec::new(),
            independent: opts.independent,
            replicates: plan.replicates,
            window: opts.window.unwrap_or((0, 0)),
            figures: Vec::new(),
            files: Vec::new(),
            notes,
        }));
    };
    // Towns and years from the first complete base run.
    let town_names: Vec<String> = {
        let mut t: Vec<String> = base_first.keys().map(|(t, _)| t.clone()).collect();
        t.dedup();
        t
    };
    let years: Vec<i32> = base_first
        .values()
        .next()
        .map(|y| y.keys().copied().collect())
        .unwrap_or_default();
    let window = opts.window.unwrap_or((
        years.first().copied().unwrap_or(0),
        years.last().copied().unwrap_or(0),
    ));
    let mut rows = Vec::new();
    for (vi, variant) in runs.iter().enumerate().skip(1) {
        let label = &plan.scenarios[vi].label;
        if variant.iter().all(Option::is_none) {
            notes.push(format!(
                "variant `{label}` has no complete run, so no effects"
            ));
            continue;
        }
        for town in &town_names {
            for (k, m) in metrics.iter().enumerate() {
                let key = (town.clone(), k);
                let value = |run: &Option<RunYears>, period: Option<i32>| -> Option<f64> {
                    let ys = run.as_ref()?.get(&key)?;
                    let v = match period {
                        Some(y) => *ys.get(&y)?,
                        None => window_value(ys, m.agg, window.0, window.1),
                    };
                    v.is_finite().then_some(v)
                };
                let periods = years.iter().map(|y| Some(*y)).chain([None]);
                for period in periods {
                    let b: Vec<Option<f64>> = base.iter().map(|r| value(r, period)).collect();
                    let v: Vec<Option<f64>> = variant.iter().map(|r| value(r, period)).collect();
                    let bs: Vec<f64> = b.iter().flatten().copied().collect();
                    let vs: Vec<f64> = v.iter().flatten().copied().collect();
                    if bs.is_empty() && vs.is_empty() {
                        continue;
                    }
                    let (diff, n_pairs) = if opts.independent {
                        (welch(&bs, &vs, LEVEL), None)
                    } else {
                        let d: Vec<f64> = b
                            .iter()
                            .zip(&v)
                            .filter_map(|(b, v)| Some((*v)? - (*b)?))
                            .collect();
                        let n = d.len() as u32;
                        (paired(&d, LEVEL), Some(n))
                    };
                    let (from_year, to_year) = match period {
                        Some(y) => (y, y),
                        None => window,
                    };
                    rows.push(EffectRow {
                        variant: label.clone(),
                        town: town.clone(),
                        metric: m.column.clone(),
                        agg: m.agg,
                        year: period,
                        from_year,
                        to_year,
                        n_base: bs.len() as u32,
                        n_variant: vs.len() as u32,
                        n_pairs,
                        base_mean: mean(&bs),
                        variant_mean: mean(&vs),
                        diff,
                    });
                }
            }
        }
    }
    let mut df = effects_frame(&rows, opts.independent).map_err(|source| BatchError::Polars {
        what: "building the effects table".into(),
        source,
    })?;
    let format = if opts.csv {
        Format::Both
    } else {
        Format::Parquet
    };
    let mut files = write_table(out, "effects", &mut df, format)?;
    let (figures, chart_files) = effect_charts(out, plan, &rows, &metrics, opts, &mut notes);
    files.extend(chart_files);
    Ok(Some(Effects {
        rows,
        independent: opts.independent,
        replicates: plan.replicates,
        window,
        figures,
        files,
        notes,
    }))
}

/// Draw one effect chart per variant and town (one panel per charted metric).
fn effect_charts(
    out: &Path,
    plan: &Plan,
    rows: &[EffectRow],
    metrics: &[EffectMetric],
    opts: CompareOptions,
    notes: &mut Vec<String>,
) -> (Vec<Figure>, Vec<PathBuf>) {
    let mut groups: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.variant.as_str(), r.town.as_str()))
        .collect();
    groups.dedup();
    let rel = "charts/effects";
    let dir = out.join(rel);
    let (mut figures, mut files) = (Vec::new(), Vec::new());
    let pairing = if opts.independent {
        "independent seeds (Welch interval)"
    } else {
        "common random numbers (paired interval)"
    };
    for (variant, town) in groups {
        let base = &plan.scenarios[0].label;
        let mut panels = Vec::new();
        for m in metrics.iter().filter(|m| m.chart) {
            let sel: Vec<&EffectRow> = rows
                .iter()
                .filter(|r| {
                    r.variant == variant
                        && r.town == town
                        && r.metric == m.column
                        && r.year.is_some()
                })
                .collect();
            panels.push(crate::plot::EffectPanel {
                title: format!("{} ({})", m.column, m.agg.name()),
                x: sel.iter().map(|r| f64::from(r.year.unwrap_or(0))).collect(),
                mean: sel.iter().map(|r| r.diff.mean).collect(),
                lo: sel.iter().map(|r| r.diff.lo).collect(),
                hi: sel.iter().map(|r| r.diff.hi).collect(),
            });
        }
        let chart = crate::plot::EffectChart {
            title: format!("Effect of {variant} on {town} (variant − {base})"),
            subtitle: Some(format!(
                "{pairing}, {} replicates per scenario",
                plan.replicates
            )),
            panels,
            note: format!(
                "Shading: 90% interval of the mean difference across replicates ({pairing})."
            ),
        };
        let stem = format!(
            "effect_{}_{}",
            crate::plot::file_slug(variant),
            crate::plot::file_slug(town)
        );
        match crate::plot::effect_chart(&chart, &dir, &stem, &crate::plot::Format::ALL) {
            Ok(paths) => {
                files.extend(paths);
                figures.push(Figure {
                    title: format!("Effect of {variant} on {town}"),
                    path: format!("{rel}/{stem}.png"),
                    caption: format!(
                        "mean difference variant − base by year with its 90% interval; {pairing}; {} replicates (SVG: {rel}/{stem}.svg)",
                        plan.replicates
                    ),
                });
            }
            Err(e) => notes.push(format!("effect chart {variant}/{town}: {e}")),
        }
    }
    (figures, files)
}

/// The effects table as a data frame (columns: [`EFFECT_COLUMNS`]).
pub fn effects_frame(rows: &[EffectRow], independent: bool) -> PolarsResult<DataFrame> {
    let s = |f: fn(&EffectRow) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let f = |f: fn(&EffectRow) -> f64| rows.iter().map(f).collect::<Vec<_>>();
    let u = |f: fn(&EffectRow) -> u32| rows.iter().map(f).collect::<Vec<_>>();
    let i = |f: fn(&EffectRow) -> i32| rows.iter().map(f).collect::<Vec<_>>();
    let pairing = pairing_name(independent);
    let cols = vec![
        Column::new("variant".into(), s(|r| r.variant.clone())),
        Column::new("town".into(), s(|r| r.town.clone())),
        Column::new("metric".into(), s(|r| r.metric.clone())),
        Column::new("aggregate".into(), s(|r| r.agg.name().to_string())),
        Column::new(
            "period".into(),
            s(|r| (if r.year.is_some() { "year" } else { "window" }).to_string()),
        ),
        Column::new(
            "year".into(),
            rows.iter().map(|r| r.year).collect::<Vec<Option<i32>>>(),
        ),
        Column::new("from_year".into(), i(|r| r.from_year)),
        Column::new("to_year".into(), i(|r| r.to_year)),
        Column::new("pairing".into(), vec![pairing; rows.len()]),
        Column::new("n_base".into(), u(|r| r.n_base)),
        Column::new("n_variant".into(), u(|r| r.n_variant)),
        Column::new(
            "n_pairs".into(),
            rows.iter().map(|r| r.n_pairs).collect::<Vec<Option<u32>>>(),
        ),
        Column::new("base_mean".into(), f(|r| r.base_mean)),
        Column::new("variant_mean".into(), f(|r| r.variant_mean)),
        Column::new("diff_mean".into(), f(|r| r.diff.mean)),
        Column::new(
            "diff_sd".into(),
            rows.iter().map(|r| r.diff.sd).collect::<Vec<Option<f64>>>(),
        ),
        Column::new("se".into(), f(|r| r.diff.se)),
        Column::new("df".into(), f(|r| r.diff.df)),
        Column::new("ci_low".into(), f(|r| r.diff.lo)),
        Column::new("ci_high".into(), f(|r| r.diff.hi)),
        Column::new("ci_width".into(), f(|r| r.diff.hi - r.diff.lo)),
    ];
    DataFrame::new_infer_height(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Student t 0.95 quantiles (two-sided 90%).
        for (df, q) in [
            (1.0, 6.313_751_5),
            (2.0, 2.919_986),
            (4.0, 2.131_847),
            (9.0, 1.833_113),
            (19.0, 1.729_133),
            (29.0, 1.699_127),
            (1000.0, 1.646_379),
        ] {
            let t = t_quantile(0.95, df);
            assert!((t - q).abs() < 1e-5, "df {df}: {t} vs {q}");
        }
        assert!((t_quantile(0.975, 10.0) - 2.228_139).abs() < 1e-5);
        assert!((t_quantile(0.05, 19.0) + 1.729_133).abs() < 1e-5);
        // Fractional degrees of freedom (Welch).
        let a = t_quantile(0.95, 12.5);
        assert!(a < t_quantile(0.95, 12.0) && a > t_quantile(0.95, 13.0));
        assert!(t_quantile(0.95, 0.0).is_nan());
        assert!(t_quantile(0.95, f64::NAN).is_nan());
    }

    #[test]
    fn paired_and_welch_intervals() {
        let d = [1.0, 2.0, 3.0, 4.0];
        let p = paired(&d, 0.9);
        assert_eq!(p.mean, 2.5);
        let sd = (5.0f64 / 3.0).sqrt();
        assert!((p.sd.unwrap() - sd).abs() < 1e-12);
        let half = t_quantile(0.95, 3.0) * sd / 2.0;
        assert!((p.hi - 2.5 - half).abs() < 1e-12 && (2.5 - p.lo - half).abs() < 1e-12);
        // Identical samples: zero difference and a zero-width interval.
        let z = paired(&[0.0, 0.0, 0.0], 0.9);
        assert_eq!((z.mean, z.lo, z.hi), (0.0, 0.0, 0.0));
        let w = welch(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0, 5.0], 0.9);
        assert!((w.mean - 1.5).abs() < 1e-12);
        // Welch-Satterthwaite df lies between min(n) - 1 and n_b + n_v - 2.
        assert!(w.df > 2.0 && w.df < 5.0, "{}", w.df);
        assert!(w.lo < w.mean && w.hi > w.mean);
    }

    #[test]
    fn window_values_sum_flows_and_average_stocks() {
        let y: BTreeMap<i32, f64> = [(2020, 1.0), (2021, 2.0), (2022, 6.0)].into();
        assert_eq!(window_value(&y, Agg::Sum, 2020, 2022), 9.0);
        assert_eq!(window_value(&y, Agg::December, 2021, 2022), 4.0);
        assert!(window_value(&y, Agg::Sum, 2020, 2023).is_nan());
    }
}
