//! After the runs: the batch's run table, per-run metrics, the replicate summary, the
//! sensitivity indices and the report, all recomputed from the complete runs on disk.
//!
//! The summary reads the runs back one parameter point at a time (only the columns it
//! needs), so memory is bounded by the replicates of one point, not by the batch. For each
//! scenario, point, town, year and month it gives the median, mean and the 5 % and 95 %
//! quantiles (linear interpolation) across replicates of the key series ([`series`]). The
//! summary is streamed to `summary.parquet` and `summary.csv` point by point.
//!
//! [`finalize`] is what `monotown merge` runs; an unsharded `batch` or `sweep` runs it at the
//! end. It is idempotent: it only reads run folders and rewrites the batch-level files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;

use super::plan::Plan;
use super::report::{self, Figure, ReportData};
use super::runner::{BatchError, RunRecord, Status, io_err, scan_runs, write_runs_table};
use super::sensitivity::{self, MorrisIndex, SobolIndex};
use super::sweep::{DesignSpec, MetricSpec, Stat};
use crate::output::schema::towns;
use crate::output::{Format, write_table};

/// The columns of the towns table summarised across replicates, in summary order.
pub fn series() -> Vec<String> {
    vec![
        towns::POPULATION.name.into(),
        towns::EMPLOYED.name.into(),
        towns::UNEMPLOYMENT_RATE.name.into(),
        towns::MEAN_WAGE_KRUB.name.into(),
        towns::IN_MIGRANTS.name.into(),
        towns::OUT_MIGRANTS.name.into(),
        towns::OUT_MIGRANTS_AGE.name("18_29"),
        towns::COMMUTERS_OUT.name.into(),
        towns::JOBS.name.into(),
    ]
}

/// A summary column: `<series>_<stat>`, `stat` one of `median`, `mean`, `q05`, `q95`.
pub fn stat_column(series: &str, stat: &str) -> String {
    format!("{series}_{stat}")
}

/// A hook that draws extra charts into the batch folder (e.g. replicate bands from the plot
/// module) and returns them for the report. Called by [`finalize`] after the summary is
/// written; `dir` is the batch folder.
pub trait ChartHook {
    /// Draw charts; errors are reported in the report, not fatal.
    fn charts(&self, dir: &Path, plan: &Plan) -> Result<Vec<Figure>, String>;
}

/// What [`finalize`] found and wrote.
#[derive(Debug, Clone)]
pub struct Finalized {
    /// The run table written.
    pub records: Vec<RunRecord>,
    /// Runs that failed.
    pub failed: usize,
    /// Runs not complete on disk (not run yet, e.g. other shards still going).
    pub missing: usize,
    /// Problems that stopped part of the analysis (a metric without values, ...).
    pub notes: Vec<String>,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// One row of the sensitivity table.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRow {
    /// Metric name.
    pub metric: String,
    /// Parameter key path.
    pub parameter: String,
    /// `morris` or `sobol`.
    pub method: &'static str,
    /// Morris measures.
    pub morris: Option<MorrisIndex>,
    /// Sobol' indices.
    pub sobol: Option<SobolIndex>,
}

/// Recompute the batch-level outputs from the runs on disk: `runs.parquet/csv` (from
/// `records` when given, i.e. this invocation's statuses, else from a scan of the run
/// folders), `metrics`, `summary`, `sensitivity` (tables and charts), the SALib outputs and
/// `report.html`.
pub fn finalize(
    out: &Path,
    plan: &Plan,
    records: Option<Vec<RunRecord>>,
    hook: Option<&dyn ChartHook>,
) -> Result<Finalized, BatchError> {
    let records = records.unwrap_or_else(|| scan_runs(plan, out));
    let mut files = write_runs_table(out, "runs", &records)?;
    let mut notes = Vec::new();
    let metrics: Vec<MetricSpec> = plan
        .sweep
        .as_ref()
        .map(|s| s.file.metric.clone())
        .unwrap_or_default();

    // Summary and metrics, one point at a time.
    let mut summary = StreamWriter::new(out, "summary");
    let mut report_rows: Option<DataFrame> = None;
    let mut metric_rows: Vec<MetricRow> = Vec::new();
    // Points are read and summarised in parallel, a block at a time (memory stays bounded
    // by one block), and written in order, so the files do not depend on the threads.
    const BLOCK: usize = 32;
    let groups: Vec<&[RunRecord]> = records
        .chunk_by(|a, b| a.scenario == b.scenario && a.point == b.point)
        .collect();
    for block in groups.chunks(BLOCK) {
        let results: Vec<Result<Option<PointSummary>, BatchError>> = block
            .par_iter()
            .map(|group| summarise_group(out, plan, &metrics, group))
            .collect();
        for result in results {
            let Some((mut df, rows)) = result? else {
                continue;
            };
            metric_rows.extend(rows);
            summary.write(&mut df)?;
            // The report shows the first December rows; keep them instead of reading back.
            if report_rows
                .as_ref()
                .is_none_or(|r: &DataFrame| r.height() <= report::MAX_SUMMARY_ROWS)
            {
                let dec = df
                    .clone()
                    .lazy()
                    .filter(col(towns::MONTH.name).eq(lit(12)))
                    .collect()
                    .map_err(|source| BatchError::Polars {
                        what: "summary rows for the report".into(),
                        source,
                    })?;
                match &mut report_rows {
                    Some(r) => {
                        r.vstack_mut(&dec).map_err(|source| BatchError::Polars {
                            what: "summary rows for the report".into(),
                            source,
                        })?;
                    }
                    None => report_rows = Some(dec),
                }
            }
        }
    }
    files.extend(summary.finish()?);

    let mut metrics_df = DataFrame::new_infer_height(vec![
        Column::new(
            "scenario".into(),
            metric_rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "point".into(),
            metric_rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        ),
        Column::new(
            "replicate".into(),
            metric_rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        ),
        Column::new(
            "seed".into(),
            metric_rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        ),
        Column::new(
            "metric".into(),
            metric_rows.iter().map(|r| r.4.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "value".into(),
            metric_rows.iter().map(|r| r.5).collect::<Vec<_>>(),
        ),
    ])
    .map_err(|source| BatchError::Polars {
        what: "building the metrics table".into(),
        source,
    })?;
    if !metrics.is_empty() {
        files.extend(write_table(out, "metrics", &mut metrics_df, Format::Both)?);
    }

    // Sensitivity.
    let mut rows = Vec::new();
    let mut figures = Vec::new();
    if let Some(sp) = &plan.sweep {
        let analysable = matches!(
            sp.file.design,
            DesignSpec::Morris { .. } | DesignSpec::Saltelli { .. }
        );
        if !analysable && !metrics.is_empty() {
            notes.push(format!("the {} design gives no sensitivity indices (use morris or saltelli); metrics are in metrics.csv", sp.file.design.method()));
        }
        for m in &metrics {
            // The output of a point is the mean of the metric over its complete replicates.
            let mut sum = vec![0.0; plan.points];
            let mut n = vec![0usize; plan.points];
            for r in metric_rows.iter().filter(|r| r.4 == m.name) {
                sum[r.1 as usize] += r.5;
                n[r.1 as usize] += 1;
            }
            let missing = n.iter().filter(|c| **c == 0).count();
            let y: Vec<f64> = sum
                .iter()
                .zip(&n)
                .map(|(s, c)| if *c > 0 { s / *c as f64 } else { f64::NAN })
                .collect();
            let ytext: String = y.iter().map(|v| format!("{v}\n")).collect();
            let salib = out.join("salib");
            std::fs::create_dir_all(&salib).map_err(io_err(&salib))?;
            let ypath = salib.join(format!("Y_{}.txt", m.name));
            crate::output::write_atomic(&ypath, ytext.as_bytes())?;
            files.push(ypath);
            if !analysable {
                continue;
            }
            if missing > 0 {
                notes.push(format!("metric `{}`: {missing} of {} points have no complete run, so no sensitivity indices", m.name, plan.points));
                continue;
            }
            let k = sp.factors.len();
            let seed = crate::rng::key(plan.master_seed, crate::rng::Process::Design, 1, 0);
            let boot = sp.file.sensitivity.bootstrap;
            let result = match sp.file.design {
                DesignSpec::Morris { levels, .. } => {
                    sensitivity::morris_indices(&sp.unit, &y, k, levels, boot, seed).map(|ix| {
                        ix.into_iter()
                            .zip(&sp.factors)
                            .map(|(i, f)| SensitivityRow {
                                metric: m.name.clone(),
                                parameter: f.name.clone(),
                                method: "morris",
                                morris: Some(i),
                                sobol: None,
                            })
                            .collect::<Vec<_>>()
                    })
                }
                DesignSpec::Saltelli { second_order, .. } => {
                    sensitivity::sobol_indices(&y, k, second_order, boot, seed).map(|ix| {
                        ix.into_iter()
                            .zip(&sp.factors)
                            .map(|(i, f)| SensitivityRow {
                                metric: m.name.clone(),
                                parameter: f.name.clone(),
                                method: "sobol",
                                morris: None,
                                sobol: Some(i),
                            })
                            .collect::<Vec<_>>()
                    })
                }
                _ => Ok(Vec::new()),
            };
            match result {
                Ok(r) => {
                    match super::chart::sensitivity_chart(out, &m.name, &r) {
                        Ok(f) => figures.push(f),
                        Err(e) => notes.push(format!("chart for `{}`: {e}", m.name)),
                    }
                    rows.extend(r);
                }
                Err(e) => notes.push(format!("metric `{}`: {e}", m.name)),
            }
        }
        if analysable && !metrics.is_empty() {
            let mut df = sensitivity_frame(&rows).map_err(|source| BatchError::Polars {
                what: "building the sensitivity table".into(),
                source,
            })?;
            files.extend(write_table(out, "sensitivity", &mut df, Format::Both)?);
        }
    }
    let effects = super::compare::effects(out, plan, &records)?;
    if let Some(e) = &effects {
        figures.extend(e.figures.iter().cloned());
        files.extend(e.files.iter().cloned());
    }
    if let Some(h) = hook {
        match h.charts(out, plan) {
            Ok(f) => figures.extend(f),
            Err(e) => notes.push(format!("charts: {e}")),
        }
    }

    let failed = records
        .iter()
        .filter(|r| r.status == Status::Failed)
        .count();
    let missing = records
        .iter()
        .filter(|r| r.status == Status::Missing)
        .count();
    let facts = facts_summary(out, &records, &mut notes);
    if !facts.is_empty() {
        let fpath = out.join("facts_summary.csv");
        crate::output::write_atomic(&fpath, facts_summary_csv(&facts).as_bytes())?;
        files.push(fpath);
    }
    let data = ReportData {
        plan,
        records: &records,
        facts: &facts,
        sensitivity: &rows,
        metrics: &metric_rows,
        notes: &notes,
        figures: &figures,
        summary: report_rows.as_ref(),
        effects: effects.as_ref(),
    };
    let html = report::render(&data).map_err(|source| BatchError::Polars {
        what: "reading the summary for the report".into(),
        source,
    })?;
    let rpath = out.join("report.html");
    crate::output::write_atomic(&rpath, html.as_bytes())?;
    files.push(rpath);
    Ok(Finalized {
        records,
        failed,
        missing,
        notes,
        files,
    })
}

/// The stylised facts of one parameter point across its complete replicates.
pub type PointFacts = (String, u32, Vec<crate::facts::FactSummary>);

/// The stylised facts of each parameter point, summarised across its complete
/// replicates (from each run's `facts.csv`); runs whose facts cannot be read are noted.
fn facts_summary(out: &Path, records: &[RunRecord], notes: &mut Vec<String>) -> Vec<PointFacts> {
    let mut points = Vec::new();
    for group in records.chunk_by(|a, b| a.scenario == b.scenario && a.point == b.point) {
        let mut runs = Vec::new();
        for r in group.iter().filter(|r| r.status.complete()) {
            match crate::facts::of_run(&out.join(&r.dir)) {
                Ok(f) => runs.push(f),
                Err(e) => notes.push(format!("stylised facts of {}: {e}", r.dir.display())),
            }
        }
        if !runs.is_empty() {
            let first = &group[0];
            points.push((
                first.scenario.clone(),
                first.point,
                crate::facts::summarise(&runs),
            ));
        }
    }
    points
}

/// `facts_summary.csv`: `scenario,point,` then the columns of
/// [`crate::facts::summary_csv`].
fn facts_summary_csv(points: &[PointFacts]) -> String {
    let mut s = String::new();
    for (k, (scenario, point, rows)) in points.iter().enumerate() {
        let csv = crate::facts::summary_csv(rows);
        let mut lines = csv.lines();
        let header = lines.next().unwrap_or_default();
        if k == 0 {
            s.push_str(&format!("scenario,point,{header}\n"));
        }
        for l in lines {
            s.push_str(&format!("{scenario},{point},{l}\n"));
        }
    }
    s
}

/// Read the columns of a run's towns table needed by the summary and the metrics.
fn read_towns(dir: &Path, format: Format, metrics: &[MetricSpec]) -> Result<DataFrame, BatchError> {
    let mut cols: Vec<String> = [towns::TOWN, towns::YEAR, towns::MONTH]
        .iter()
        .map(|c| c.name.to_string())
        .chain(series())
        .collect();
    for m in metrics {
        for c in m.columns() {
            if !cols.iter().any(|x| x == c) {
                cols.push(c.to_string());
            }
        }
    }
    read_columns(dir, format, &cols)
}

/// Read `cols` of a run's towns table: `town`, `year` and `month` first (year and month as
/// i32), then any others, all cast to f64 (booleans as 0/1).
pub(crate) fn read_columns(
    dir: &Path,
    format: Format,
    cols: &[String],
) -> Result<DataFrame, BatchError> {
    let what = |p: &Path| format!("reading {}", p.display());
    let df = if format == Format::Csv {
        let path = dir.join(format!("{}.csv", towns::TABLE.stem));
        CsvReadOptions::default()
            .with_has_header(true)
            .with_columns(Some(cols.iter().map(|c| c.as_str().into()).collect()))
            .try_into_reader_with_file_path(Some(path.clone()))
            .and_then(|r| r.finish())
            .map_err(|source| BatchError::Polars {
                what: what(&path),
                source,
            })?
    } else {
        let path = dir.join(towns::TABLE.parquet());
        let file = File::open(&path).map_err(io_err(&path))?;
        ParquetReader::new(file)
            .with_columns(Some(cols.to_vec()))
            .finish()
            .map_err(|source| BatchError::Polars {
                what: what(&path),
                source,
            })?
    };
    // Numbers as f64, so every point's summary has the same schema.
    let casts: Vec<Expr> = cols
        .iter()
        .skip(3)
        .map(|c| col(c.as_str()).cast(DataType::Float64))
        .collect();
    df.lazy()
        .with_columns(casts)
        .with_columns([
            col(towns::YEAR.name).cast(DataType::Int32),
            col(towns::MONTH.name).cast(DataType::Int32),
        ])
        .collect()
        .map_err(|source| BatchError::Polars {
            what: what(dir),
            source,
        })
}

/// A metric of one run: scenario, point, replicate, seed, metric name, value.
type MetricRow = (String, u32, u32, u64, String, f64);

/// The replicate summary of one point and the metrics of its runs.
type PointSummary = (DataFrame, Vec<MetricRow>);

/// Read the complete runs of one scenario × point, compute their metrics and the
/// summary of their series. `None` when none of its runs is complete.
fn summarise_group(
    out: &Path,
    plan: &Plan,
    metrics: &[MetricSpec],
    group: &[RunRecord],
) -> Result<Option<PointSummary>, BatchError> {
    let done: Vec<&RunRecord> = group.iter().filter(|r| r.status.complete()).collect();
    if done.is_empty() {
        return Ok(None);
    }
    let mut rows = Vec::new();
    let mut frames = Vec::new();
    // Replicates are read in parallel (in order), then reduced in order.
    let read: Vec<Result<DataFrame, BatchError>> = done
        .par_iter()
        .map(|r| read_towns(&out.join(&r.dir), plan.format, metrics))
        .collect();
    for (r, df) in done.iter().zip(read) {
        let df = df?;
        for m in metrics {
            let v = metric_value(&df, m).map_err(|source| BatchError::Polars {
                what: format!("metric {} of {}", m.name, r.dir.display()),
                source,
            })?;
            rows.push((
                r.scenario.clone(),
                r.point,
                r.replicate,
                r.seed,
                m.name.clone(),
                v,
            ));
        }
        frames.push(df);
    }
    let df = summarise(frames, &done[0].scenario, done[0].point).map_err(|source| {
        BatchError::Polars {
            what: "summarising replicates".into(),
            source,
        }
    })?;
    Ok(Some((df, rows)))
}

/// Median, mean, 5 % and 95 % quantiles of [`series`] across the replicates of one point.
pub fn summarise(frames: Vec<DataFrame>, scenario: &str, point: u32) -> PolarsResult<DataFrame> {
    let mut rest = frames.into_iter();
    let mut df = rest.next().unwrap_or_default();
    for f in rest {
        df.vstack_mut(&f)?;
    }
    let mut aggs = vec![len().cast(DataType::UInt32).alias("replicates")];
    for s in series() {
        let s = s.as_str();
        aggs.push(col(s).median().alias(stat_column(s, "median")));
        aggs.push(col(s).mean().alias(stat_column(s, "mean")));
        aggs.push(
            col(s)
                .quantile(lit(0.05), QuantileMethod::Linear)
                .alias(stat_column(s, "q05")),
        );
        aggs.push(
            col(s)
                .quantile(lit(0.95), QuantileMethod::Linear)
                .alias(stat_column(s, "q95")),
        );
    }
    df.lazy()
        .group_by([
            col(towns::TOWN.name),
            col(towns::YEAR.name),
            col(towns::MONTH.name),
        ])
        .agg(aggs)
        .sort(
            [towns::TOWN.name, towns::YEAR.name, towns::MONTH.name],
            SortMultipleOptions::default(),
        )
        .with_columns([
            lit(scenario.to_string()).alias("scenario"),
            lit(point).alias("point"),
        ])
        .select([
            col("scenario"),
            col("point"),
            all().exclude_cols(["scenario", "point"]).as_expr(),
        ])
        .collect()
}

/// One metric of one run.
pub fn metric_value(df: &DataFrame, m: &MetricSpec) -> PolarsResult<f64> {
    let town = df.column(towns::TOWN.name)?.str()?;
    let year = df.column(towns::YEAR.name)?.i32()?;
    let month = df.column(towns::MONTH.name)?.i32()?;
    let value = df.column(&m.column)?.f64()?;
    let minus = match &m.minus {
        Some(c) => Some(df.column(c)?.f64()?.clone()),
        None => None,
    };
    let (first, last) = (m.year, m.last_year());
    let mut picked = Vec::new();
    for i in 0..df.height() {
        let (Some(t), Some(y), Some(mo)) = (town.get(i), year.get(i), month.get(i)) else {
            continue;
        };
        if t != m.town || y < first || y > last {
            continue;
        }
        let want_month = match m.stat {
            Stat::December => Some(12),
            _ => m.month.map(|x| x as i32),
        };
        if m.stat == Stat::December && y != last {
            continue;
        }
        if want_month.is_some_and(|w| w != mo) {
            continue;
        }
        let v =
            value.get(i).unwrap_or(f64::NAN) - minus.as_ref().and_then(|c| c.get(i)).unwrap_or(0.0);
        picked.push(v);
    }
    if picked.is_empty() {
        return Ok(f64::NAN);
    }
    Ok(match m.stat {
        Stat::December => picked[picked.len() - 1],
        Stat::Mean => picked.iter().sum::<f64>() / picked.len() as f64,
        Stat::Sum => picked.iter().sum(),
        Stat::Min => picked.iter().copied().fold(f64::INFINITY, f64::min),
        Stat::Max => picked.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    })
}

/// The sensitivity table.
pub fn sensitivity_frame(rows: &[SensitivityRow]) -> PolarsResult<DataFrame> {
    let mo = |f: fn(&MorrisIndex) -> f64| {
        rows.iter()
            .map(|r| r.morris.as_ref().map(f))
            .collect::<Vec<Option<f64>>>()
    };
    let so = |f: fn(&SobolIndex) -> f64| {
        rows.iter()
            .map(|r| r.sobol.as_ref().map(f))
            .collect::<Vec<Option<f64>>>()
    };
    DataFrame::new_infer_height(vec![
        Column::new(
            "metric".into(),
            rows.iter().map(|r| r.metric.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "parameter".into(),
            rows.iter().map(|r| r.parameter.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "method".into(),
            rows.iter().map(|r| r.method).collect::<Vec<_>>(),
        ),
        Column::new("mu".into(), mo(|m| m.mu)),
        Column::new("mu_star".into(), mo(|m| m.mu_star)),
        Column::new("mu_star_conf".into(), mo(|m| m.mu_star_conf)),
        Column::new("sigma".into(), mo(|m| m.sigma)),
        Column::new("s1".into(), so(|s| s.s1)),
        Column::new("s1_conf".into(), so(|s| s.s1_conf)),
        Column::new("st".into(), so(|s| s.st)),
        Column::new("st_conf".into(), so(|s| s.st_conf)),
    ])
}

/// Writes a table point by point: Parquet row groups and CSV lines appended to temporary
/// files, renamed into place by [`StreamWriter::finish`].
struct StreamWriter {
    parquet: PathBuf,
    csv: PathBuf,
    pq: Option<polars::io::parquet::write::BatchedWriter<BufWriter<File>>>,
    csv_file: Option<BufWriter<File>>,
    /// Rows waiting to be written as one Parquet row group.
    pending: Option<DataFrame>,
}

/// Rows per Parquet row group of the summary (bounds the writer's buffer).
const ROW_GROUP_ROWS: usize = 8_192;

impl StreamWriter {
    fn new(dir: &Path, stem: &str) -> Self {
        StreamWriter {
            parquet: dir.join(format!("{stem}.parquet")),
            csv: dir.join(format!("{stem}.csv")),
            pq: None,
            csv_file: None,
            pending: None,
        }
    }

    fn tmp(p: &Path) -> PathBuf {
        let mut s = p.as_os_str().to_os_string();
        s.push(".tmp");
        PathBuf::from(s)
    }

    fn write(&mut self, df: &mut DataFrame) -> Result<(), BatchError> {
        let perr = |what: &Path| {
            let what = format!("writing {}", what.display());
            move |source| BatchError::Polars { what, source }
        };
        if self.pq.is_none() {
            let tmp = Self::tmp(&self.parquet);
            let f = BufWriter::new(File::create(&tmp).map_err(io_err(&tmp))?);
            self.pq = Some(
                ParquetWriter::new(f)
                    .with_compression(ParquetCompression::Snappy)
                    .batched(df.schema())
                    .map_err(perr(&self.parquet))?,
            );
            let tmp = Self::tmp(&self.csv);
            let mut f = BufWriter::new(File::create(&tmp).map_err(io_err(&tmp))?);
            CsvWriter::new(&mut f)
                .include_header(true)
                .finish(&mut df.clear())
                .map_err(perr(&self.csv))?;
            self.csv_file = Some(f);
        }
        match &mut self.pending {
            Some(p) => {
                p.vstack_mut(df).map_err(perr(&self.parquet))?;
            }
            None => self.pending = Some(df.clone()),
        }
        if self
            .pending
            .as_ref()
            .is_some_and(|p| p.height() >= ROW_GROUP_ROWS)
        {
            self.flush_parquet()?;
        }
        if let Some(f) = &mut self.csv_file {
            CsvWriter::new(f)
                .include_header(false)
                .finish(df)
                .map_err(perr(&self.csv))?;
        }
        Ok(())
    }

    fn flush_parquet(&mut self) -> Result<(), BatchError> {
        if let (Some(w), Some(mut p)) = (&mut self.pq, self.pending.take()) {
            p.rechunk_mut();
            w.write_batch(&p).map_err(|source| BatchError::Polars {
                what: format!("writing {}", self.parquet.display()),
                source,
            })?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Vec<PathBuf>, BatchError> {
        self.flush_parquet()?;
        let Some(w) = self.pq else {
            // No complete run: an empty summary.
            return Ok(Vec::new());
        };
        let size = w.finish().map_err(|source| BatchError::Polars {
            what: format!("writing {}", self.parquet.display()),
            source,
        })?;
        // Dropping the writer flushes its buffer, but silently: check the size on disk.
        drop(w);
        let tmp = Self::tmp(&self.parquet);
        let on_disk = std::fs::metadata(&tmp).map_err(io_err(&tmp))?.len();
        if on_disk != size {
            return Err(BatchError::Io {
                path: tmp,
                source: std::io::Error::other(format!(
                    "wrote {size} bytes but {on_disk} reached the disk"
                )),
            });
        }
        if let Some(mut f) = self.csv_file {
            f.flush().map_err(io_err(&self.csv))?;
        }
        for p in [&self.parquet, &self.csv] {
            std::fs::rename(Self::tmp(p), p).map_err(io_err(p))?;
        }
        Ok(vec![self.parquet, self.csv])
    }
}
