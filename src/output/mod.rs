//! Output tables: Parquet and CSV through polars, written atomically.
//!
//! Every file is written to `<name>.tmp` in the run folder and renamed when complete;
//! `manifest.json` is written last, so a run folder with a manifest is complete (the
//! batch runner relies on this to resume). The columns are defined once in [`schema`] and
//! documented in docs/OUTPUT.md.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::io::parquet::write::BatchedWriter as ParquetBatchedWriter;
use polars::prelude::*;

use crate::facts::FirmFacts;
use crate::firms::Sector;
use crate::model::observe::{FirmRow, Records};
use crate::run::Manifest;

pub mod schema;

use schema::{Col, Family};

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

fn col<T>(def: &Col, values: Vec<T>) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    Column::new(def.name.into(), values)
}

fn member<T>(family: &Family, member: &str, values: Vec<T>) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    Column::new(family.name(member).into(), values)
}

/// The town x month table ([`schema::towns`]).
pub fn towns_frame(r: &Records) -> PolarsResult<DataFrame> {
    use schema::towns::*;
    let t = &r.towns;
    let mut cols = vec![
        col(&TOWN, t.iter().map(|x| x.town.clone()).collect::<Vec<_>>()),
        col(&IS_HUB, t.iter().map(|x| x.is_hub).collect::<Vec<_>>()),
        col(&YEAR, t.iter().map(|x| x.year).collect::<Vec<_>>()),
        col(&MONTH, t.iter().map(|x| x.month).collect::<Vec<_>>()),
        col(
            &POPULATION,
            t.iter().map(|x| x.population).collect::<Vec<_>>(),
        ),
    ];
    for (b, name) in (POP_AGE.members)().iter().enumerate() {
        cols.push(member(
            &POP_AGE,
            name,
            t.iter().map(|x| x.pop_band[b]).collect::<Vec<_>>(),
        ));
    }
    for (k, name) in (POP_SKILL.members)().iter().enumerate() {
        cols.push(member(
            &POP_SKILL,
            name,
            t.iter().map(|x| x.pop_skill[k]).collect::<Vec<_>>(),
        ));
    }
    macro_rules! push {
        ($($def:ident => $field:ident),* $(,)?) => { $( cols.push(col(&$def, t.iter().map(|x| x.$field).collect::<Vec<_>>())); )* };
    }
    push!(
        LABOUR_FORCE => labour_force,
        EMPLOYED => employed,
        INFORMAL_EMPLOYED => informal_employed,
        INFORMAL_SHARE => informal_share,
        UNEMPLOYED => unemployed,
        UNEMPLOYMENT_RATE => unemployment_rate,
        VACANCIES => vacancies,
        JOBS => jobs,
        OUTPUT_KRUB => output_krub,
        MEAN_WAGE_KRUB => mean_wage_krub,
        MEDIAN_WAGE_KRUB => median_wage_krub,
        BIRTHS => births,
        DEATHS => deaths,
        IN_MIGRANTS => in_migrants,
        OUT_MIGRANTS => out_migrants,
    );
    for (b, name) in (OUT_MIGRANTS_AGE.members)().iter().enumerate() {
        cols.push(member(
            &OUT_MIGRANTS_AGE,
            name,
            t.iter().map(|x| x.out_band[b]).collect::<Vec<_>>(),
        ));
    }
    push!(
        COMMUTERS_OUT => commuters_out,
        COMMUTERS_IN => commuters_in,
        HIRES => hires,
        SEPARATIONS => separations,
        FIRMS => firms,
    );
    for (k, name) in (FIRMS_KIND.members)().iter().enumerate() {
        cols.push(member(
            &FIRMS_KIND,
            name,
            t.iter().map(|x| x.firms_kind[k]).collect::<Vec<_>>(),
        ));
    }
    for s in Sector::ALL {
        cols.push(member(
            &FIRMS_SECTOR,
            s.name(),
            t.iter()
                .map(|x| x.firms_sector[s.index()])
                .collect::<Vec<_>>(),
        ));
    }
    push!(EMP_GIANT => emp_giant);
    for s in Sector::ALL {
        cols.push(member(
            &EMP_SECTOR,
            s.name(),
            t.iter()
                .map(|x| x.emp_sector[s.index()])
                .collect::<Vec<_>>(),
        ));
    }
    push!(
        LARGEST_EMPLOYER_SHARE => largest_employer_share,
        DIVERSIFICATION_INDEX => diversification_index,
        CLUSTERS => clusters,
        CLUSTER_EMPLOYMENT => cluster_employment,
        CLUSTER_OUTPUT_SHARE => cluster_output_share,
        AMENITY_INDEX => amenity_index,
        HOUSING_COST_KRUB => housing_cost_krub,
        BUDGET_REVENUE_KRUB => budget_revenue_krub,
        BUDGET_SPENDING_KRUB => budget_spending_krub,
        BUDGET_BALANCE_KRUB => budget_balance_krub,
        MONOTOWN_STATUS => monotown_status,
        MONOTOWN_CATEGORY => monotown_category,
    );
    DataFrame::new_infer_height(cols)
}

/// The yearly origin-destination table ([`schema::od`]).
pub fn od_frame(r: &Records) -> PolarsResult<DataFrame> {
    use schema::od::*;
    let o = &r.od;
    DataFrame::new_infer_height(vec![
        col(&YEAR, o.iter().map(|x| x.year).collect::<Vec<_>>()),
        col(
            &ORIGIN,
            o.iter().map(|x| x.origin.clone()).collect::<Vec<_>>(),
        ),
        col(
            &DESTINATION,
            o.iter().map(|x| x.destination.clone()).collect::<Vec<_>>(),
        ),
        col(&MIGRANTS, o.iter().map(|x| x.migrants).collect::<Vec<_>>()),
        col(
            &MIGRANTS_18_29,
            o.iter().map(|x| x.migrants_18_29).collect::<Vec<_>>(),
        ),
    ])
}

/// The yearly firm snapshot ([`schema::firms`]).
pub fn firms_frame(r: &Records) -> PolarsResult<DataFrame> {
    firms_frame_of(r, r.firm_rows())
}

/// Rows `f` of the yearly firm snapshot ([`schema::firms`]), e.g. one December of
/// [`Records::firm_years`].
pub fn firms_frame_rows(r: &Records, f: &[FirmRow]) -> PolarsResult<DataFrame> {
    firms_frame_of(r, f.iter())
}

fn firms_frame_of<'a, I>(r: &Records, f: I) -> PolarsResult<DataFrame>
where
    I: Iterator<Item = &'a FirmRow> + Clone,
{
    use schema::firms::*;
    macro_rules! c {
        ($def:ident, $x:ident => $e:expr) => {
            col(&$def, f.clone().map(|$x| $e).collect::<Vec<_>>())
        };
    }
    DataFrame::new_infer_height(vec![
        c!(YEAR, x => x.year),
        c!(FIRM_ID, x => x.firm_id),
        c!(NAME, x => r.firm_name(x)),
        c!(TOWN, x => r.firm_town(x)),
        c!(SECTOR, x => x.sector.name()),
        c!(KIND, x => x.kind.name()),
        c!(OWNER, x => x.owner.name()),
        c!(WORKFORCE, x => x.workforce),
        c!(REPRESENTS, x => x.represents),
        c!(WAGE_KRUB, x => x.wage_krub),
        c!(PRODUCTIVITY, x => x.productivity),
        c!(CAPITAL_KRUB, x => x.capital_krub),
        c!(OUTPUT_KRUB, x => x.output_krub),
        c!(PROFIT_KRUB, x => x.profit_krub),
        c!(PROFIT_YEAR_KRUB, x => x.profit_year_krub),
        c!(MODERNISATION_STAGE, x => x.modernisation_stage),
        c!(EXPORT_SHARE, x => x.export_share),
        c!(IMPORT_SHARE, x => x.import_share),
        c!(CLUSTER_ID, x => x.cluster_id),
        c!(AGE_MONTHS, x => x.age_months),
    ])
}

/// Write a table as Parquet and/or CSV under `dir/<stem>.<ext>` from a sequence of
/// frames of the same schema, one at a time: each frame becomes one Parquet row group
/// and is appended to the CSV (header once), so only one part is in memory. Files are
/// written under a temporary name and renamed when complete. `parts` yields at least
/// one frame (an empty one for an empty table).
pub fn write_table_parts<I>(
    dir: &Path,
    stem: &str,
    parts: I,
    format: Format,
) -> Result<Vec<PathBuf>, OutputError>
where
    I: Iterator<Item = PolarsResult<DataFrame>>,
{
    let mut table = TableWriter::create(dir, stem, format)?;
    for part in parts {
        table.write(part)?;
    }
    if table.parts == 0 {
        return Err(OutputError::Polars {
            path: table.first_path.clone(),
            source: PolarsError::NoData("no part to write".into()),
        });
    }
    table.finish()
}

/// A table written part by part as Parquet and/or CSV under `dir/<stem>.<ext>` (see
/// [`write_table_parts`]): each part becomes one Parquet row group and is appended to the
/// CSV. The files have their temporary names until [`TableWriter::finish`] renames them;
/// a writer dropped unfinished (an error, a failed run) removes its temporary files.
pub struct TableWriter {
    /// The first final path (Parquet, else CSV), named in errors of a part.
    first_path: PathBuf,
    pq: Option<PathBuf>,
    csv: Option<PathBuf>,
    /// The Parquet file until the first part gives the writer its schema.
    pq_file: Option<BufWriter<File>>,
    pq_writer: Option<ParquetBatchedWriter<BufWriter<File>>>,
    csv_file: Option<BufWriter<File>>,
    /// Parts written so far.
    parts: usize,
    finished: bool,
}

impl TableWriter {
    /// Create the temporary files of `dir/<stem>.<ext>` (`dir` must exist).
    pub fn create(dir: &Path, stem: &str, format: Format) -> Result<TableWriter, OutputError> {
        let pq = matches!(format, Format::Parquet | Format::Both)
            .then(|| dir.join(format!("{stem}.parquet")));
        let csv =
            matches!(format, Format::Csv | Format::Both).then(|| dir.join(format!("{stem}.csv")));
        let mut table = TableWriter {
            first_path: pq.clone().or(csv.clone()).unwrap_or_else(|| dir.join(stem)),
            pq,
            csv,
            pq_file: None,
            pq_writer: None,
            csv_file: None,
            parts: 0,
            finished: false,
        };
        let create = |p: &Path| -> Result<BufWriter<File>, OutputError> {
            let tmp = tmp_path(p);
            // Buffered: the writers issue many small writes.
            Ok(BufWriter::new(File::create(&tmp).map_err(io(&tmp))?))
        };
        // Stored as soon as created, so an error removes what was created.
        table.pq_file = table.pq.as_deref().map(create).transpose()?;
        table.csv_file = table.csv.as_deref().map(create).transpose()?;
        Ok(table)
    }

    /// Parts written so far.
    pub fn parts(&self) -> usize {
        self.parts
    }

    /// Append one part (all parts have the first one's schema).
    pub fn write(&mut self, part: PolarsResult<DataFrame>) -> Result<(), OutputError> {
        let pe = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Polars { path, source }
        };
        let mut df = part.map_err(pe(&self.first_path))?;
        if let (Some(p), Some(file)) = (&self.pq, self.pq_file.take()) {
            self.pq_writer = Some(
                ParquetWriter::new(file)
                    .with_compression(ParquetCompression::Snappy)
                    .batched(df.schema())
                    .map_err(pe(p))?,
            );
        }
        if let (Some(p), Some(w)) = (&self.pq, &mut self.pq_writer) {
            w.write_batch(&df).map_err(pe(p))?;
        }
        if let (Some(p), Some(file)) = (&self.csv, &mut self.csv_file) {
            CsvWriter::new(&mut *file)
                .include_header(self.parts == 0)
                .finish(&mut df)
                .map_err(pe(p))?;
        }
        self.parts += 1;
        Ok(())
    }

    /// Complete the files (Parquet footer, flush) and rename them to their final names.
    /// Call after at least one part.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, OutputError> {
        if let (Some(p), Some(w)) = (&self.pq, &self.pq_writer) {
            // Writes the footer and flushes the buffer.
            w.finish().map_err(|source| OutputError::Polars {
                path: p.clone(),
                source,
            })?;
        }
        self.pq_writer = None;
        if let (Some(p), Some(file)) = (&self.csv, &mut self.csv_file) {
            let tmp = tmp_path(p);
            file.flush().map_err(io(&tmp))?;
        }
        self.csv_file = None;
        let mut written = Vec::new();
        for p in [&self.pq, &self.csv].into_iter().flatten() {
            std::fs::rename(tmp_path(p), p).map_err(io(p))?;
            written.push(p.clone());
        }
        self.finished = true;
        Ok(written)
    }
}

impl Drop for TableWriter {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        // Close the files, then remove them: an unfinished table leaves nothing behind.
        self.pq_file = None;
        self.pq_writer = None;
        self.csv_file = None;
        for p in [&self.pq, &self.csv].into_iter().flatten() {
            let _ = std::fs::remove_file(tmp_path(p));
        }
    }
}

/// The firm snapshot table written one December at a time while the run goes on (the
/// sink of [`crate::run::simulate_streaming`]), one Parquet row group per year as
/// [`write_run`] writes it; [`write_run_streamed`] completes it.
pub struct FirmTable {
    table: TableWriter,
}

impl FirmTable {
    /// Start the firm table of the run folder `dir` (created if needed). An old
    /// `manifest.json` there is removed first: the folder is not a complete run until
    /// [`write_run_streamed`] writes the new one.
    pub fn create(dir: &Path, format: Format) -> Result<FirmTable, OutputError> {
        start_run_dir(dir)?;
        Ok(FirmTable {
            table: TableWriter::create(dir, schema::firms::TABLE.stem, format)?,
        })
    }

    /// Append one December's rows (`records` names their firms and towns).
    pub fn write_year(&mut self, records: &Records, rows: &[FirmRow]) -> Result<(), OutputError> {
        self.table.write(firms_frame_rows(records, rows))
    }

    /// Complete the table (an empty one if no December had a live firm) and rename it.
    fn finish(mut self, records: &Records) -> Result<Vec<PathBuf>, OutputError> {
        if self.table.parts() == 0 {
            self.table.write(firms_frame_rows(records, &[]))?;
        }
        self.table.finish()
    }
}

/// The yearly cluster snapshot ([`schema::clusters`]).
pub fn clusters_frame(r: &Records) -> PolarsResult<DataFrame> {
    use schema::clusters::*;
    let c = &r.clusters;
    DataFrame::new_infer_height(vec![
        col(&YEAR, c.iter().map(|x| x.year).collect::<Vec<_>>()),
        col(&TOWN, c.iter().map(|x| x.town.clone()).collect::<Vec<_>>()),
        col(
            &CLUSTER_ID,
            c.iter().map(|x| x.cluster_id).collect::<Vec<_>>(),
        ),
        col(&MEMBERS, c.iter().map(|x| x.members).collect::<Vec<_>>()),
        col(
            &EMPLOYMENT,
            c.iter().map(|x| x.employment).collect::<Vec<_>>(),
        ),
        col(
            &OUTPUT_SHARE,
            c.iter().map(|x| x.output_share).collect::<Vec<_>>(),
        ),
        col(
            &SECTORS,
            c.iter().map(|x| x.sectors.clone()).collect::<Vec<_>>(),
        ),
    ])
}

/// The event log ([`schema::events`]).
pub fn events_frame(r: &Records) -> PolarsResult<DataFrame> {
    use schema::events::*;
    let e = &r.events;
    DataFrame::new_infer_height(vec![
        col(&YEAR, e.iter().map(|x| x.year).collect::<Vec<_>>()),
        col(&MONTH, e.iter().map(|x| x.month).collect::<Vec<_>>()),
        col(&TOWN, e.iter().map(|x| x.town.clone()).collect::<Vec<_>>()),
        col(&KIND, e.iter().map(|x| x.kind.as_str()).collect::<Vec<_>>()),
        col(
            &SUBJECT,
            e.iter().map(|x| x.subject.clone()).collect::<Vec<_>>(),
        ),
        col(
            &DETAIL,
            e.iter().map(|x| x.detail.clone()).collect::<Vec<_>>(),
        ),
    ])
}

/// The yearly commuting table ([`schema::commuting`]).
pub fn commuting_frame(r: &Records) -> PolarsResult<DataFrame> {
    use schema::commuting::*;
    let c = &r.commuting;
    DataFrame::new_infer_height(vec![
        col(&YEAR, c.iter().map(|x| x.year).collect::<Vec<_>>()),
        col(&HOME, c.iter().map(|x| x.home.clone()).collect::<Vec<_>>()),
        col(&WORK, c.iter().map(|x| x.work.clone()).collect::<Vec<_>>()),
        col(
            &COMMUTERS,
            c.iter().map(|x| x.commuters).collect::<Vec<_>>(),
        ),
    ])
}

/// Create the run folder `dir` if needed and remove an old `manifest.json` from it: a
/// rerun into the same folder must not leave an old manifest claiming completeness.
fn start_run_dir(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let manifest_path = dir.join("manifest.json");
    if manifest_path.exists() {
        std::fs::remove_file(&manifest_path).map_err(io(&manifest_path))?;
    }
    Ok(())
}

/// Write all tables and then the manifest into `dir` (created if needed).
pub fn write_run(
    dir: &Path,
    records: &Records,
    manifest: &Manifest,
    format: Format,
) -> Result<Vec<PathBuf>, OutputError> {
    write_run_with(dir, records, None, manifest, format)
}

/// [`write_run`] for a run whose firm snapshots were streamed to `firms` during the run
/// ([`crate::run::simulate_streaming`], `records` holds none): completes the firm table
/// and computes the facts from `facts`, the firm columns kept during the run. The files
/// are the same as [`write_run`]'s.
pub fn write_run_streamed(
    dir: &Path,
    records: &Records,
    firms: FirmTable,
    facts: FirmFacts,
    manifest: &Manifest,
    format: Format,
) -> Result<Vec<PathBuf>, OutputError> {
    write_run_with(dir, records, Some((firms, facts)), manifest, format)
}

/// [`write_run`] with, for a run that streamed its firm snapshots, the firm table to
/// complete and the facts' firm rows (`None`: the records hold the snapshots).
fn write_run_with(
    dir: &Path,
    records: &Records,
    streamed: Option<(FirmTable, FirmFacts)>,
    manifest: &Manifest,
    format: Format,
) -> Result<Vec<PathBuf>, OutputError> {
    start_run_dir(dir)?;
    let manifest_path = dir.join("manifest.json");
    let mut written = Vec::new();
    let frame_err = |stem: &str| {
        let path = dir.join(stem);
        move |source| OutputError::Polars { path, source }
    };
    // One table at a time, each dropped once written unless the facts need it. The
    // firm snapshots (by far the largest table) are written one December at a time,
    // one Parquet row group each, here or during the run, and the facts read them from
    // the records or from the columns kept during the run.
    let table = |table: &schema::Table,
                 build: fn(&Records) -> PolarsResult<DataFrame>,
                 written: &mut Vec<PathBuf>|
     -> Result<DataFrame, OutputError> {
        let mut df = build(records).map_err(frame_err(table.stem))?;
        written.extend(write_table(dir, table.stem, &mut df, format)?);
        Ok(df)
    };
    let towns = table(&schema::towns::TABLE, towns_frame, &mut written)?;
    table(&schema::od::TABLE, od_frame, &mut written)?;
    let facts = match streamed {
        None => {
            let years = records.firm_years();
            let firm_parts: Box<dyn Iterator<Item = PolarsResult<DataFrame>>> = if years.is_empty()
            {
                Box::new(std::iter::once(firms_frame(records)))
            } else {
                Box::new(years.iter().map(|rows| firms_frame_rows(records, rows)))
            };
            written.extend(write_table_parts(
                dir,
                schema::firms::TABLE.stem,
                firm_parts,
                format,
            )?);
            None
        }
        Some((table, facts)) => {
            written.extend(table.finish(records)?);
            Some(facts)
        }
    };
    let clusters = table(&schema::clusters::TABLE, clusters_frame, &mut written)?;
    table(&schema::events::TABLE, events_frame, &mut written)?;
    let commuting = table(&schema::commuting::TABLE, commuting_frame, &mut written)?;
    // The stylised facts, from the tables just written (the same numbers as
    // `monotown facts` computes from the files).
    let input = match facts {
        None => crate::facts::Input::from_records(records, &towns, &clusters, Some(&commuting)),
        Some(facts) => {
            crate::facts::Input::from_firm_facts(facts, &towns, &clusters, Some(&commuting))
        }
    }
    .map_err(|source| OutputError::Polars {
        path: dir.join(crate::facts::FACTS_CSV),
        source,
    })?;
    drop((towns, clusters, commuting));
    let facts = crate::facts::compute(&input);
    let facts_path = dir.join(crate::facts::FACTS_CSV);
    write_atomic(&facts_path, crate::facts::to_csv(&facts).as_bytes())?;
    written.push(facts_path);
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
