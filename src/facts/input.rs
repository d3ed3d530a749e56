//! The columns the facts need, read from a run's tables (in memory or saved).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use crate::firms::{FirmKind, Sector};
use crate::model::observe::{FirmRow, Records};
use crate::output::schema::{clusters, commuting, firms, towns};
use crate::plot::load::{LoadError, table, table_columns};

/// One agent town in one month (hubs are left out).
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct TownMonth {
    pub town: String,
    pub year: i32,
    pub labour_force: f64,
    pub employed: f64,
    pub unemployed: f64,
    pub vacancies: f64,
    pub hires: f64,
    pub separations: f64,
    pub out_migrants: f64,
    pub out_migrants_18_29: f64,
    /// Revenue of local firms (NaN for runs written before the column existed).
    pub output: f64,
}

/// One firm row of a December snapshot (hub firms are left out). Town and sector are
/// shared strings (one allocation per distinct value, not per row): a Novokuznetsk run
/// has ~650k of these rows.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct FirmYear {
    pub year: i32,
    pub town: Arc<str>,
    pub sector: Arc<str>,
    pub giant: bool,
    /// Workers of one represented firm.
    pub workforce: f64,
    /// Real firms the row stands for.
    pub represents: f64,
    /// December revenue of one represented firm, krub/month.
    pub output: f64,
    /// Calendar-year profit of one represented firm (NaN for older runs).
    pub profit_year: f64,
    /// Calendar year of birth (December year minus whole years of age).
    pub born: i32,
}

/// One cluster of a December snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct ClusterYear {
    pub year: i32,
    pub town: String,
    pub members: f64,
    pub employment: f64,
    pub sectors: String,
}

/// December commuters between two towns.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct Commute {
    pub year: i32,
    pub home: String,
    pub work: String,
    pub commuters: f64,
}

/// Everything the facts are computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    /// Agent town x month, in table order.
    pub towns: Vec<TownMonth>,
    /// Firm x year.
    pub firms: Vec<FirmYear>,
    /// Cluster x year.
    pub clusters: Vec<ClusterYear>,
    /// Commuting pairs x year (empty for runs written before the table existed).
    pub commuting: Vec<Commute>,
}

fn f64s(df: &DataFrame, name: &str) -> PolarsResult<Vec<f64>> {
    let c = df.column(name)?.cast(&DataType::Float64)?;
    Ok(c.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// A numeric column, or NaN everywhere when the table predates it.
fn f64s_or_nan(df: &DataFrame, name: &str) -> PolarsResult<Vec<f64>> {
    if df.get_column_names().iter().any(|c| c.as_str() == name) {
        f64s(df, name)
    } else {
        Ok(vec![f64::NAN; df.height()])
    }
}

fn i32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<i32>> {
    let c = df.column(name)?.cast(&DataType::Int32)?;
    Ok(c.i32()?.iter().map(|v| v.unwrap_or(0)).collect())
}

fn strs(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    let c = df.column(name)?.cast(&DataType::String)?;
    Ok(c.str()?
        .iter()
        .map(|s| s.unwrap_or("").to_string())
        .collect())
}

fn town_rows(df: &DataFrame) -> PolarsResult<Vec<TownMonth>> {
    use towns::*;
    let hub = strs(df, IS_HUB.name)?;
    let town = strs(df, TOWN.name)?;
    let year = i32s(df, YEAR.name)?;
    let get = |n: &str| f64s(df, n);
    let (lf, emp, unemp, vac) = (
        get(LABOUR_FORCE.name)?,
        get(EMPLOYED.name)?,
        get(UNEMPLOYED.name)?,
        get(VACANCIES.name)?,
    );
    let (hires, seps, out) = (
        get(HIRES.name)?,
        get(SEPARATIONS.name)?,
        get(OUT_MIGRANTS.name)?,
    );
    let young = get(&OUT_MIGRANTS_AGE.name("18_29"))?;
    let output = f64s_or_nan(df, OUTPUT_KRUB.name)?;
    Ok((0..df.height())
        .filter(|&i| hub[i] != "true")
        .map(|i| TownMonth {
            town: town[i].clone(),
            year: year[i],
            labour_force: lf[i],
            employed: emp[i],
            unemployed: unemp[i],
            vacancies: vac[i],
            hires: hires[i],
            separations: seps[i],
            out_migrants: out[i],
            out_migrants_18_29: young[i],
            output: output[i],
        })
        .collect())
}

/// Shared copies of the distinct strings of a column.
#[derive(Default)]
struct Interner(HashMap<String, Arc<str>>);

impl Interner {
    fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.0.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.0.insert(s.to_string(), a.clone());
        a
    }
}

fn firm_rows(df: &DataFrame) -> PolarsResult<Vec<FirmYear>> {
    use firms::*;
    let year = i32s(df, YEAR.name)?;
    let town = df.column(TOWN.name)?.cast(&DataType::String)?;
    let sector = df.column(SECTOR.name)?.cast(&DataType::String)?;
    let kind = df.column(KIND.name)?.cast(&DataType::String)?;
    let (town, sector, kind) = (town.str()?, sector.str()?, kind.str()?);
    let workforce = f64s(df, WORKFORCE.name)?;
    let represents = f64s(df, REPRESENTS.name)?;
    let output = f64s(df, OUTPUT_KRUB.name)?;
    let profit = f64s_or_nan(df, PROFIT_YEAR_KRUB.name)?;
    let age = i32s(df, AGE_MONTHS.name)?;
    let mut names = Interner::default();
    let mut out = Vec::new();
    for (i, ((t, s), k)) in town.iter().zip(sector.iter()).zip(kind.iter()).enumerate() {
        let k = k.unwrap_or("");
        if k == "hub" {
            continue;
        }
        out.push(FirmYear {
            year: year[i],
            town: names.get(t.unwrap_or("")),
            sector: names.get(s.unwrap_or("")),
            giant: k == "giant",
            workforce: workforce[i],
            represents: represents[i].max(1.0),
            output: output[i],
            profit_year: profit[i],
            born: year[i] - age[i].max(0) / 12,
        });
    }
    Ok(out)
}

/// The firm rows of the facts straight from a run's records, as [`firm_rows`] reads them
/// from the written table (workforce is written as a whole number, the rest as is).
fn firm_rows_of_records(r: &Records) -> Vec<FirmYear> {
    let towns: Vec<Arc<str>> = r.town_names.iter().map(|t| Arc::from(t.as_str())).collect();
    let sectors = sector_names();
    let keep = |f: &&FirmRow| f.kind != FirmKind::Hub;
    let mut out = Vec::with_capacity(r.firm_rows().filter(keep).count());
    out.extend(
        r.firm_rows()
            .filter(keep)
            .map(|f| firm_year(f, &towns, &sectors)),
    );
    out
}

fn sector_names() -> Vec<Arc<str>> {
    Sector::ALL.iter().map(|s| Arc::from(s.name())).collect()
}

/// The facts' row of a (non-hub) firm snapshot row; `towns` and `sectors` are the shared
/// names by index.
fn firm_year(f: &FirmRow, towns: &[Arc<str>], sectors: &[Arc<str>]) -> FirmYear {
    FirmYear {
        year: f.year,
        town: towns[f.town as usize].clone(),
        sector: sectors[f.sector.index()].clone(),
        giant: f.kind == FirmKind::Giant,
        workforce: f.workforce as f64,
        represents: f.represents.max(1.0),
        output: f.output_krub,
        profit_year: f.profit_year_krub,
        born: f.year - f.age_months.max(0) / 12,
    }
}

/// The facts' firm rows, kept while a run streams its firm snapshots to disk
/// ([`crate::run::simulate_streaming`]): one [`FirmYear`] (80 bytes, shared town and
/// sector names) per non-hub firm and December instead of the 120-byte snapshot rows.
/// Built during the run, so that the facts take them over without a copy at the end.
/// [`FirmFacts::into_rows`] gives the same rows, in the same order, as the facts read
/// from the records or from the written table.
///
/// The rows live in one vector reserved at its first year for at least
/// [`FirmFacts::MIN_ROWS`] rows (42 MB of address space): a block that large is mapped
/// by the allocator on its own (glibc maps every block above 32 MB), so only the pages
/// written count in memory and growing it remaps instead of copying. Grown from empty
/// by doubling, its copies out of heap blocks left those blocks' memory held: the
/// default job peaked at 283 and 298 MB that way, at 256 MB reserved (7 Dec 2026).
#[derive(Debug, Clone, Default)]
pub struct FirmFacts {
    rows: Vec<FirmYear>,
    /// Shared town names, by the records' town index.
    towns: Vec<Arc<str>>,
    /// Shared sector names, by sector index.
    sectors: Vec<Arc<str>>,
}

impl FirmFacts {
    /// Rows reserved at the first year (a Novokuznetsk run keeps ~650k).
    pub const MIN_ROWS: usize = 1 << 19;

    /// Keep what the facts use of one December's snapshot rows (`records` names their
    /// towns).
    pub fn push_year(&mut self, records: &Records, rows: &[FirmRow]) {
        if self.rows.capacity() == 0 {
            self.rows.reserve(Self::MIN_ROWS.max(rows.len()));
        }
        if self.towns.len() != records.town_names.len() {
            self.towns = records
                .town_names
                .iter()
                .map(|t| Arc::from(t.as_str()))
                .collect();
        }
        if self.sectors.is_empty() {
            self.sectors = sector_names();
        }
        let (towns, sectors) = (&self.towns, &self.sectors);
        self.rows.extend(
            rows.iter()
                .filter(|f| f.kind != FirmKind::Hub)
                .map(|f| firm_year(f, towns, sectors)),
        );
    }

    /// The facts' firm rows, year by year.
    pub fn into_rows(self) -> Vec<FirmYear> {
        self.rows
    }
}

fn cluster_rows(df: &DataFrame) -> PolarsResult<Vec<ClusterYear>> {
    use clusters::*;
    let year = i32s(df, YEAR.name)?;
    let town = strs(df, TOWN.name)?;
    let members = f64s(df, MEMBERS.name)?;
    let employment = f64s(df, EMPLOYMENT.name)?;
    let sectors = strs(df, SECTORS.name)?;
    Ok((0..df.height())
        .map(|i| ClusterYear {
            year: year[i],
            town: town[i].clone(),
            members: members[i],
            employment: employment[i],
            sectors: sectors[i].clone(),
        })
        .collect())
}

fn commute_rows(df: &DataFrame) -> PolarsResult<Vec<Commute>> {
    use commuting::*;
    let year = i32s(df, YEAR.name)?;
    let home = strs(df, HOME.name)?;
    let work = strs(df, WORK.name)?;
    let k = f64s(df, COMMUTERS.name)?;
    Ok((0..df.height())
        .map(|i| Commute {
            year: year[i],
            home: home[i].clone(),
            work: work[i].clone(),
            commuters: k[i],
        })
        .collect())
}

impl Input {
    /// The firm rows given, the other rows read from the run's frames.
    fn with_firms(
        firms: Vec<FirmYear>,
        towns: &DataFrame,
        clusters: &DataFrame,
        commuting: Option<&DataFrame>,
    ) -> PolarsResult<Input> {
        Ok(Input {
            towns: town_rows(towns)?,
            firms,
            clusters: cluster_rows(clusters)?,
            commuting: match commuting {
                Some(df) => commute_rows(df)?,
                None => Vec::new(),
            },
        })
    }

    /// From the run's data frames (towns, firms, clusters and, when present, commuting).
    pub fn from_frames(
        towns: &DataFrame,
        firms: &DataFrame,
        clusters: &DataFrame,
        commuting: Option<&DataFrame>,
    ) -> PolarsResult<Input> {
        Self::with_firms(firm_rows(firms)?, towns, clusters, commuting)
    }

    /// From a run's records and its towns, clusters and commuting frames: the firm rows
    /// come from the records' compact snapshots, without a firms frame.
    pub fn from_records(
        records: &Records,
        towns: &DataFrame,
        clusters: &DataFrame,
        commuting: Option<&DataFrame>,
    ) -> PolarsResult<Input> {
        Self::with_firms(firm_rows_of_records(records), towns, clusters, commuting)
    }

    /// From a run's towns, clusters and commuting frames and the firm rows it kept while
    /// streaming its firm snapshots to disk.
    pub fn from_firm_facts(
        firms: FirmFacts,
        towns: &DataFrame,
        clusters: &DataFrame,
        commuting: Option<&DataFrame>,
    ) -> PolarsResult<Input> {
        Self::with_firms(firms.into_rows(), towns, clusters, commuting)
    }

    /// From a saved run folder (Parquet, or CSV for runs written with `--format csv`).
    /// A folder without `commuting_od` (an older run) gives no commuting facts.
    pub fn from_dir(dir: &Path) -> Result<Input, LoadError> {
        crate::plot::load::read_manifest(dir)?;
        let t = table(dir, &towns::TABLE)?;
        // Only the columns the facts use (the firm table is the run's largest).
        let f = {
            use firms::*;
            let all = [
                YEAR,
                TOWN,
                SECTOR,
                KIND,
                WORKFORCE,
                REPRESENTS,
                OUTPUT_KRUB,
                PROFIT_YEAR_KRUB,
                AGE_MONTHS,
            ];
            // Older runs may lack `profit_year_krub`: then read every column.
            match table_columns(dir, &firms::TABLE, Some(&all.map(|c| c.name))) {
                Ok(df) => df,
                Err(LoadError::Table { .. }) => table(dir, &firms::TABLE)?,
                Err(e) => return Err(e),
            }
        };
        let c = table(dir, &clusters::TABLE)?;
        let k = match table(dir, &commuting::TABLE) {
            Ok(df) => Some(df),
            Err(LoadError::NotARun { .. }) => None,
            Err(e) => return Err(e),
        };
        Input::from_frames(&t, &f, &c, k.as_ref()).map_err(|source| LoadError::Table {
            path: dir.to_path_buf(),
            source,
        })
    }
}
