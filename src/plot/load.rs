//! Loading saved runs into chart data, and drawing a run folder's charts and report.
//!
//! One run folder gives single lines; several folders of the same scenario (replicates)
//! give median lines with 5-95% bands. Everything is read back from the Parquet files
//! the run wrote, so `monotown plot` redraws without re-running.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::{
    Format, ObservedKind, ObservedPoint, OdMatrix, PlotError, RenderOptions, RunData, Series,
    StatusPoint, TownData,
};
use crate::observed;
use crate::output::schema::{self, firms, od, towns};
use crate::output::{read_csv, read_parquet};
use crate::run::Manifest;

/// Why saved runs could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The folder is not a complete run.
    #[error(
        "{path} is not a complete monotown run folder (missing {missing}); run `monotown run` first or pass a run folder"
    )]
    NotARun {
        /// Folder.
        path: PathBuf,
        /// Missing file.
        missing: String,
    },
    /// A table could not be read or lacks a column.
    #[error("cannot read {path}: {source}")]
    Table {
        /// File.
        path: PathBuf,
        /// Cause.
        source: PolarsError,
    },
    /// Replicates do not share the same towns and months.
    #[error(
        "{path} does not match the first run (different towns or months); replicates must come from one scenario"
    )]
    Mismatch {
        /// Folder.
        path: PathBuf,
    },
    /// Manifest unreadable.
    #[error("cannot read {path}: {message}")]
    Manifest {
        /// File.
        path: PathBuf,
        /// Cause.
        message: String,
    },
    /// Drawing failed.
    #[error(transparent)]
    Plot(#[from] PlotError),
}

/// A run table, from its Parquet file or, for runs written with `--format csv`, from
/// the CSV file of the same name.
pub fn table(dir: &Path, table: &schema::Table) -> Result<DataFrame, LoadError> {
    table_columns(dir, table, None)
}

/// Some columns of a run table (all when `columns` is `None`): only these are read from
/// a Parquet file, so a large table (the firm snapshots) costs memory for what is used.
pub fn table_columns(
    dir: &Path,
    table: &schema::Table,
    columns: Option<&[&str]>,
) -> Result<DataFrame, LoadError> {
    let path = dir.join(table.parquet());
    if path.exists() {
        let read = || -> PolarsResult<DataFrame> {
            match columns {
                None => read_parquet(&path),
                Some(cols) => {
                    let file = std::fs::File::open(&path).map_err(|e| PolarsError::IO {
                        error: std::sync::Arc::new(e),
                        msg: Some(format!("{}", path.display()).into()),
                    })?;
                    ParquetReader::new(file)
                        .with_columns(Some(cols.iter().map(|c| c.to_string()).collect()))
                        .finish()
                }
            }
        };
        return read().map_err(|source| LoadError::Table { path, source });
    }
    let csv = path.with_extension("csv");
    if csv.exists() {
        let read = || -> PolarsResult<DataFrame> {
            let df = read_csv(&csv)?;
            match columns {
                None => Ok(df),
                Some(cols) => df.select(cols.iter().copied()),
            }
        };
        return read().map_err(|source| LoadError::Table { path: csv, source });
    }
    Err(LoadError::NotARun {
        path: dir.to_path_buf(),
        missing: table.parquet(),
    })
}

/// Read a run's manifest.
pub fn read_manifest(dir: &Path) -> Result<Manifest, LoadError> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|_| LoadError::NotARun {
        path: dir.to_path_buf(),
        missing: "manifest.json".into(),
    })?;
    serde_json::from_str(&text).map_err(|e| LoadError::Manifest {
        path,
        message: e.to_string(),
    })
}

fn f64_column(df: &DataFrame, name: &str) -> PolarsResult<Vec<f64>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect())
}

fn str_column(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|s| s.unwrap_or("").to_string())
        .collect())
}

/// Load one or more run folders (replicates of one scenario) into chart data.
pub fn load_runs(dirs: &[PathBuf]) -> Result<RunData, LoadError> {
    let census = observed::census();
    let mut towns: Vec<TownData> = Vec::new();
    // town -> column -> replicates
    let mut values: Vec<BTreeMap<String, Vec<Vec<f64>>>> = Vec::new();
    let mut first_month: Option<(i32, u32, usize)> = None;
    let mut od = BTreeMap::new();
    for (k, dir) in dirs.iter().enumerate() {
        read_manifest(dir)?;
        let df = table(dir, &towns::TABLE)?;
        let tpath = dir.join(towns::TABLE.parquet());
        let wrap = |source| LoadError::Table {
            path: tpath.clone(),
            source,
        };
        let town_col = str_column(&df, towns::TOWN.name).map_err(wrap)?;
        let year = f64_column(&df, towns::YEAR.name).map_err(wrap)?;
        let month = f64_column(&df, towns::MONTH.name).map_err(wrap)?;
        let hub: Vec<bool> = df
            .column(towns::IS_HUB.name)
            .and_then(|c| Ok(c.bool()?.iter().map(|b| b.unwrap_or(false)).collect()))
            .map_err(wrap)?;
        let mut order: Vec<String> = Vec::new();
        let mut rows: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, t) in town_col.iter().enumerate() {
            if !rows.contains_key(t) {
                order.push(t.clone());
            }
            rows.entry(t.clone()).or_default().push(i);
        }
        if k == 0 {
            for t in &order {
                let i0 = rows[t][0];
                towns.push(TownData::new(t.clone(), hub[i0]));
                values.push(BTreeMap::new());
            }
            let i0 = rows[&order[0]][0];
            first_month = Some((year[i0] as i32, month[i0] as u32, rows[&order[0]].len()));
        } else if order.len() != towns.len()
            || order.iter().zip(&towns).any(|(a, b)| *a != b.name)
            || rows[&order[0]].len() != first_month.map(|f| f.2).unwrap_or(0)
        {
            return Err(LoadError::Mismatch { path: dir.clone() });
        }
        let numeric: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|s| s.to_string())
            .filter(|n| {
                ![towns::TOWN, towns::IS_HUB, towns::YEAR, towns::MONTH]
                    .iter()
                    .any(|c| c.name == n.as_str())
            })
            .collect();
        for name in &numeric {
            let v = f64_column(&df, name).map_err(wrap)?;
            for (ti, t) in order.iter().enumerate() {
                values[ti]
                    .entry(name.clone())
                    .or_default()
                    .push(rows[t].iter().map(|&i| v[i]).collect());
            }
        }
        if k == 0 {
            // Status: December of each year; firm sizes and OD from the first run.
            let status = f64_column(&df, towns::MONOTOWN_STATUS.name).map_err(wrap)?;
            let category = f64_column(&df, towns::MONOTOWN_CATEGORY.name).map_err(wrap)?;
            for (ti, t) in order.iter().enumerate() {
                for &i in &rows[t] {
                    if month[i] as i32 == 12 {
                        towns[ti].status.push(StatusPoint {
                            year: year[i] as i32,
                            status: status[i] > 0.5,
                            category: category[i] as u8,
                        });
                    }
                }
                towns[ti].observed = census
                    .iter()
                    .filter(|o| o.town == *t)
                    .map(|o| ObservedPoint {
                        year: o.year as f64,
                        population: o.population,
                        kind: if o.kind == "census" {
                            ObservedKind::Census
                        } else {
                            ObservedKind::Estimate
                        },
                    })
                    .collect();
            }
            let firm_table = table_columns(
                dir,
                &firms::TABLE,
                Some(&[
                    firms::YEAR.name,
                    firms::TOWN.name,
                    firms::WORKFORCE.name,
                    firms::REPRESENTS.name,
                ]),
            )?;
            let fpath = dir.join(firms::TABLE.parquet());
            let fw = |source| LoadError::Table {
                path: fpath.clone(),
                source,
            };
            let fy = f64_column(&firm_table, firms::YEAR.name).map_err(fw)?;
            let fwk = f64_column(&firm_table, firms::WORKFORCE.name).map_err(fw)?;
            let frep = f64_column(&firm_table, firms::REPRESENTS.name).map_err(fw)?;
            let ftown = firm_table
                .column(firms::TOWN.name)
                .and_then(|c| c.str().cloned())
                .map_err(fw)?;
            drop(firm_table);
            for (i, town) in ftown.iter().enumerate() {
                let town = town.unwrap_or("");
                if let Some(ti) = order.iter().position(|t| t == town) {
                    let copies = frep[i].round().clamp(1.0, 1000.0) as usize;
                    let sizes = towns[ti].firm_sizes.entry(fy[i] as i32).or_default();
                    for _ in 0..copies {
                        sizes.push(fwk[i]);
                    }
                }
            }
            let odf = table(dir, &od::TABLE)?;
            let opath = dir.join(od::TABLE.parquet());
            let ow = |source| LoadError::Table {
                path: opath.clone(),
                source,
            };
            let oy = f64_column(&odf, od::YEAR.name).map_err(ow)?;
            let om = f64_column(&odf, od::MIGRANTS.name).map_err(ow)?;
            let oo = str_column(&odf, od::ORIGIN.name).map_err(ow)?;
            let od_dest = str_column(&odf, od::DESTINATION.name).map_err(ow)?;
            let mut by_year: BTreeMap<i32, Vec<(String, String, f64)>> = BTreeMap::new();
            for i in 0..oy.len() {
                by_year.entry(oy[i] as i32).or_default().push((
                    oo[i].clone(),
                    od_dest[i].clone(),
                    om[i],
                ));
            }
            for (y, triples) in by_year {
                od.insert(
                    y,
                    OdMatrix::from_triples(
                        triples.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), *c)),
                    ),
                );
            }
        }
    }
    let (y0, m0, _) = first_month.ok_or(LoadError::NotARun {
        path: PathBuf::from("(no folder)"),
        missing: towns::TABLE.parquet(),
    })?;
    for (ti, cols) in values.into_iter().enumerate() {
        for (name, reps) in cols {
            towns[ti].insert(Series::monthly(name, y0, m0, reps)?);
        }
    }
    Ok(RunData { towns, od })
}

/// Draw the charts of one run (or of several replicates) into `out_dir` and write
/// `report.html` there. Returns the chart paths.
pub fn plot_runs(
    dirs: &[PathBuf],
    out_dir: &Path,
    formats: &[Format],
    options: &RenderOptions,
) -> Result<Vec<PathBuf>, LoadError> {
    let data = load_runs(dirs)?;
    let paths = super::render_all(&data, out_dir, formats, options)?;
    let manifest = read_manifest(&dirs[0])?;
    let mut facts = vec![
        ("scenario".to_string(), manifest.scenario.clone()),
        ("source".to_string(), manifest.scenario_origin.clone()),
        (
            "scenario hash (FNV-1a)".to_string(),
            manifest.scenario_hash.clone(),
        ),
        ("seed".to_string(), manifest.seed.to_string()),
        (
            "scale (agents per person)".to_string(),
            manifest.scale.to_string(),
        ),
        (
            "years".to_string(),
            format!("{}-{}", manifest.start_year, manifest.end_year),
        ),
        (
            "version".to_string(),
            format!(
                "{} ({})",
                manifest.version,
                manifest
                    .git_commit
                    .clone()
                    .unwrap_or_else(|| "commit unknown".into())
            ),
        ),
        ("threads".to_string(), manifest.threads.to_string()),
        (
            "simulation time".to_string(),
            format!("{:.2} s", manifest.simulate_seconds),
        ),
        (
            "person-months per second".to_string(),
            format!("{:.1} million", manifest.person_months_per_second / 1e6),
        ),
    ];
    let description = scenario_description(&manifest.scenario_text);
    if !description.is_empty() {
        facts.insert(1, ("description".to_string(), description));
    }
    if dirs.len() > 1 {
        facts.push((
            "replicates".to_string(),
            format!("{} (median line, 5-95% band)", dirs.len()),
        ));
    }
    let (header, rows) = summary_table(&data);
    let chart_paths: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .cloned()
        .collect();
    let chart_paths = if chart_paths.is_empty() {
        paths.clone()
    } else {
        chart_paths
    };
    // The stylised facts (each run's facts.csv, else recomputed), when every folder has them.
    let runs: Result<Vec<_>, _> = dirs.iter().map(|d| crate::facts::of_run(d)).collect();
    let (fact_header, fact_rows) = match runs {
        Ok(runs) if runs.len() == 1 => crate::facts::report_rows(&runs[0]),
        Ok(runs) => crate::facts::summary_report_rows(&crate::facts::summarise(&runs)),
        Err(_) => (Vec::new(), Vec::new()),
    };
    super::report_html(
        &facts,
        (&header, &rows),
        (&fact_header, &fact_rows),
        &chart_paths,
        &out_dir.join("report.html"),
    )?;
    Ok(paths)
}

/// The `run.description` of a scenario text (empty when it has none or does not parse).
fn scenario_description(text: &str) -> String {
    toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|t| {
            t.get("run")?
                .get("description")?
                .as_str()
                .map(|d| d.trim().to_string())
        })
        .unwrap_or_default()
}

/// Population against census, unemployment and wage (median over replicates) at the years
/// of [`observed::comparison_years`]: the first January, December of every observed year
/// within the run, and the last December.
pub fn summary_table(data: &RunData) -> (Vec<String>, Vec<Vec<String>>) {
    let header = [
        "town",
        "year",
        "population (simulated)",
        "population (observed)",
        "error",
        "unemployment",
        "mean wage, thousand RUB",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut rows = Vec::new();
    for t in &data.towns {
        let Some(pop) = t.column(towns::POPULATION.name) else {
            continue;
        };
        let s = pop.summary();
        let u = t.column(towns::UNEMPLOYMENT_RATE.name).map(|c| c.summary());
        let w = t.column(towns::MEAN_WAGE_KRUB.name).map(|c| c.summary());
        let (Some(first), Some(last)) = (s.x.first(), s.x.last()) else {
            continue;
        };
        let (first_year, last_year) = (first.floor() as i32, last.floor() as i32);
        let observed_years = t.observed.iter().map(|o| o.year as i32);
        for year in observed::comparison_years(observed_years, first_year, last_year) {
            // December of the year (January of the first year).
            let target = if year == first_year {
                year as f64
            } else {
                year as f64 + 11.0 / 12.0
            };
            let Some(i) = s.x.iter().position(|x| (x - target).abs() < 0.01) else {
                continue;
            };
            let obs = t
                .observed
                .iter()
                .find(|o| o.year as i32 == year)
                .map(|o| o.population);
            rows.push(vec![
                t.name.clone(),
                year.to_string(),
                format!("{:.0}", s.median[i]),
                obs.map(|o| format!("{o:.0}")).unwrap_or_else(|| "-".into()),
                obs.map(|o| format!("{:+.1}%", 100.0 * (s.median[i] - o) / o))
                    .unwrap_or_default(),
                if t.is_hub {
                    "hub".into()
                } else {
                    u.as_ref()
                        .map(|u| format!("{:.1}%", 100.0 * u.median[i]))
                        .unwrap_or_default()
                },
                if t.is_hub {
                    String::new()
                } else {
                    w.as_ref()
                        .map(|w| format!("{:.1}", w.median[i]))
                        .unwrap_or_default()
                },
            ]);
        }
    }
    (header, rows)
}
