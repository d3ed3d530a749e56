//! Output tables: Parquet and CSV through polars, written atomically.
//!
//! Every file is written to `<name>.tmp` in the run folder and renamed when complete;
//! `manifest.json` is written last, so a run folder with a manifest is complete (the
//! batch runner relies on this to resume). The schema is documented in docs/OUTPUT.md.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::firms::Sector;
use crate::model::observe::Records;
use crate::people::AGE_BANDS;
use crate::run::Manifest;

/// Which table formats to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Parquet only (default).
    Parquet,
    /// CSV only.
    Csv,
    /// Both.
    Both,
}

impl Format {
    /// Parse `parquet`, `csv` or `both`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "parquet" => Some(Format::Parquet),
            "csv" => Some(Format::Csv),
            "both" => Some(Format::Both),
            _ => None,
        }
    }
}

/// Errors while writing outputs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// File system error.
    #[error("cannot write {path}: {source}")]
    Io {
        /// Path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// Polars failed to build or write a table.
    #[error("cannot write table {path}: {source}")]
    Polars {
        /// Path.
        path: PathBuf,
        /// Cause.
        source: PolarsError,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Write bytes to `path` atomically (temporary name, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let tmp = tmp_path(path);
    let mut f = File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io(path))
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Write a data frame as Parquet and/or CSV under `dir/<stem>.<ext>`, atomically.
pub fn write_table(
    dir: &Path,
    stem: &str,
    df: &mut DataFrame,
    format: Format,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut written = Vec::new();
    if matches!(format, Format::Parquet | Format::Both) {
        let path = dir.join(format!("{stem}.parquet"));
        let tmp = tmp_path(&path);
        // Buffered: the Parquet writer issues many small writes (thousands per table).
        let mut file = BufWriter::new(File::create(&tmp).map_err(io(&tmp))?);
        ParquetWriter::new(&mut file)
            .with_compression(ParquetCompression::Snappy)
            .finish(df)
            .map_err(|source| OutputError::Polars {
                path: path.clone(),
                source,
            })?;
        file.flush().map_err(io(&tmp))?;
        drop(file);
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        written.push(path);
    }
    if matches!(format, Format::Csv | Format::Both) {
        let path = dir.join(format!("{stem}.csv"));
        let tmp = tmp_path(&path);
        let mut file = BufWriter::new(File::create(&tmp).map_err(io(&tmp))?);
        CsvWriter::new(&mut file)
            .include_header(true)
            .finish(df)
            .map_err(|source| OutputError::Polars {
                path: path.clone(),
                source,
            })?;
        file.flush().map_err(io(&tmp))?;
        drop(file);
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

fn col<T>(name: &str, values: Vec<T>) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    Column::new(name.into(), values)
}

/// The town x month table.
pub fn towns_frame(r: &Records) -> PolarsResult<DataFrame> {
    let t = &r.towns;
    let mut cols = vec![
        col("town", t.iter().map(|x| x.town.clone()).collect::<Vec<_>>()),
        col("is_hub", t.iter().map(|x| x.is_hub).collect::<Vec<_>>()),
        col("year", t.iter().map(|x| x.year).collect::<Vec<_>>()),
        col("month", t.iter().map(|x| x.month).collect::<Vec<_>>()),
        col(
            "population",
            t.iter().map(|x| x.population).collect::<Vec<_>>(),
        ),
    ];
    for (b, name) in AGE_BANDS.iter().enumerate() {
        cols.push(col(
            &format!("pop_{name}"),
            t.iter().map(|x| x.pop_band[b]).collect::<Vec<_>>(),
        ));
    }
    for (k, name) in ["basic", "vocational", "higher"].iter().enumerate() {
        cols.push(col(
            &format!("pop_{name}"),
            t.iter().map(|x| x.pop_skill[k]).collect::<Vec<_>>(),
        ));
    }
    macro_rules! push {
        ($($field:ident),*) => { $( cols.push(col(stringify!($field), t.iter().map(|x| x.$field).collect::<Vec<_>>())); )* };
    }
    push!(
        labour_force,
        employed,
        unemployed,
        unemployment_rate,
        vacancies,
        jobs,
        mean_wage_krub,
        median_wage_krub,
        births,
        deaths,
        in_migrants,
        out_migrants
    );
    for (b, name) in AGE_BANDS.iter().enumerate() {
        cols.push(col(
            &format!("out_migrants_{name}"),
            t.iter().map(|x| x.out_band[b]).collect::<Vec<_>>(),
        ));
    }
    push!(commuters_out, commuters_in, hires, separations, firms);
    for (k, name) in ["giant", "large", "sme", "spinoff"].iter().enumerate() {
        cols.push(col(
            &format!("firms_{name}"),
            t.iter().map(|x| x.firms_kind[k]).collect::<Vec<_>>(),
        ));
    }
    for s in Sector::ALL {
        cols.push(col(
            &format!("firms_{}", s.name()),
            t.iter()
                .map(|x| x.firms_sector[s.index()])
                .collect::<Vec<_>>(),
        ));
    }
    push!(emp_giant);
    for s in Sector::ALL {
        cols.push(col(
            &format!("emp_{}", s.name()),
            t.iter()
                .map(|x| x.emp_sector[s.index()])
                .collect::<Vec<_>>(),
        ));
    }
    push!(
        largest_employer_share,
        diversification_index,
        clusters,
        cluster_employment,
        cluster_output_share,
        amenity_index,
        housing_cost_krub,
        budget_revenue_krub,
        budget_spending_krub,
        budget_balance_krub,
        monotown_status,
        monotown_category
    );
    DataFrame::new_infer_height(cols)
}

/// The yearly origin-destination table.
pub fn od_frame(r: &Records) -> PolarsResult<DataFrame> {
    let o = &r.od;
    DataFrame::new_infer_height(vec![
        col("year", o.iter().map(|x| x.year).collect::<Vec<_>>()),
        col(
            "origin",
            o.iter().map(|x| x.origin.clone()).collect::<Vec<_>>(),
        ),
        col(
            "destination",
            o.iter().map(|x| x.destination.clone()).collect::<Vec<_>>(),
        ),
        col("migrants", o.iter().map(|x| x.migrants).collect::<Vec<_>>()),
        col(
            "migrants_18_29",
            o.iter().map(|x| x.migrants_18_29).collect::<Vec<_>>(),
        ),
    ])
}

/// The yearly firm snapshot.
pub fn firms_frame(r: &Records) -> PolarsResult<DataFrame> {
    let f = &r.firms;
    DataFrame::new_infer_height(vec![
        col("year", f.iter().map(|x| x.year).collect::<Vec<_>>()),
        col("firm_id", f.iter().map(|x| x.firm_id).collect::<Vec<_>>()),
        col("name", f.iter().map(|x| x.name.clone()).collect::<Vec<_>>()),
        col("town", f.iter().map(|x| x.town.clone()).collect::<Vec<_>>()),
        col(
            "sector",
            f.iter().map(|x| x.sector.to_string()).collect::<Vec<_>>(),
        ),
        col(
            "kind",
            f.iter().map(|x| x.kind.to_string()).collect::<Vec<_>>(),
        ),
        col(
            "owner",
            f.iter().map(|x| x.owner.to_string()).collect::<Vec<_>>(),
        ),
        col(
            "workforce",
            f.iter().map(|x| x.workforce).collect::<Vec<_>>(),
        ),
        col(
            "represents",
            f.iter().map(|x| x.represents).collect::<Vec<_>>(),
        ),
        col(
            "wage_krub",
            f.iter().map(|x| x.wage_krub).collect::<Vec<_>>(),
        ),
        col(
            "productivity",
            f.iter().map(|x| x.productivity).collect::<Vec<_>>(),
        ),
        col(
            "capital_krub",
            f.iter().map(|x| x.capital_krub).collect::<Vec<_>>(),
        ),
        col(
            "output_krub",
            f.iter().map(|x| x.output_krub).collect::<Vec<_>>(),
        ),
        col(
            "profit_krub",
            f.iter().map(|x| x.profit_krub).collect::<Vec<_>>(),
        ),
        col(
            "modernisation_stage",
            f.iter().map(|x| x.modernisation_stage).collect::<Vec<_>>(),
        ),
        col(
            "export_share",
            f.iter().map(|x| x.export_share).collect::<Vec<_>>(),
        ),
        col(
            "import_share",
            f.iter().map(|x| x.import_share).collect::<Vec<_>>(),
        ),
        col(
            "cluster_id",
            f.iter().map(|x| x.cluster_id).collect::<Vec<_>>(),
        ),
        col(
            "age_months",
            f.iter().map(|x| x.age_months).collect::<Vec<_>>(),
        ),
    ])
}

/// The yearly cluster snapshot.
pub fn clusters_frame(r: &Records) -> PolarsResult<DataFrame> {
    let c = &r.clusters;
    DataFrame::new_infer_height(vec![
        col("year", c.iter().map(|x| x.year).collect::<Vec<_>>()),
        col("town", c.iter().map(|x| x.town.clone()).collect::<Vec<_>>()),
        col(
            "cluster_id",
            c.iter().map(|x| x.cluster_id).collect::<Vec<_>>(),
        ),
        col("members", c.iter().map(|x| x.members).collect::<Vec<_>>()),
        col(
            "employment",
            c.iter().map(|x| x.employment).collect::<Vec<_>>(),
        ),
        col(
            "output_share",
            c.iter().map(|x| x.output_share).collect::<Vec<_>>(),
        ),
        col(
            "sectors",
            c.iter().map(|x| x.sectors.clone()).collect::<Vec<_>>(),
        ),
    ])
}

/// The event log.
pub fn events_frame(r: &Records) -> PolarsResult<DataFrame> {
    let e = &r.events;
    DataFrame::new_infer_height(vec![
        col("year", e.iter().map(|x| x.year).collect::<Vec<_>>()),
        col("month", e.iter().map(|x| x.month).collect::<Vec<_>>()),
        col("town", e.iter().map(|x| x.town.clone()).collect::<Vec<_>>()),
        col(
            "kind",
            e.iter().map(|x| x.kind.to_string()).collect::<Vec<_>>(),
        ),
        col(
            "subject",
            e.iter().map(|x| x.subject.clone()).collect::<Vec<_>>(),
        ),
        col(
            "detail",
            e.iter().map(|x| x.detail.clone()).collect::<Vec<_>>(),
        ),
    ])
}

/// Write all tables and then the manifest into `dir` (created if needed).
pub fn write_run(
    dir: &Path,
    records: &Records,
    manifest: &Manifest,
    format: Format,
) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // A rerun into the same folder must not leave an old manifest claiming completeness.
    let manifest_path = dir.join("manifest.json");
    if manifest_path.exists() {
        std::fs::remove_file(&manifest_path).map_err(io(&manifest_path))?;
    }
    let mut written = Vec::new();
    let tables: [(&str, fn(&Records) -> PolarsResult<DataFrame>); 5] = [
        ("towns", towns_frame),
        ("migration_od", od_frame),
        ("firms", firms_frame),
        ("clusters", clusters_frame),
        ("events", events_frame),
    ];
    for (stem, build) in tables {
        let path = dir.join(stem);
        let mut df = build(records).map_err(|source| OutputError::Polars { path, source })?;
        written.extend(write_table(dir, stem, &mut df, format)?);
    }
    let json = serde_json::to_vec_pretty(manifest).expect("manifest serialises");
    write_atomic(&manifest_path, &json)?;
    written.push(manifest_path);
    Ok(written)
}

/// Read a CSV table written by [`write_run`] into a data frame.
pub fn read_csv(path: &Path) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()
}

/// Read a Parquet file into a data frame (used by plots, batches and tests).
pub fn read_parquet(path: &Path) -> PolarsResult<DataFrame> {
    let file = File::open(path).map_err(|e| PolarsError::IO {
        error: std::sync::Arc::new(e),
        msg: Some(format!("{}", path.display()).into()),
    })?;
    ParquetReader::new(file).finish()
}
