//! The output schema: every column of every run table, defined once.
//!
//! The writers ([`super::towns_frame`] and the others), the plot loader and charts, the batch
//! summary and metrics, and the command line's summary name columns through these
//! definitions, never through string literals. `docs/OUTPUT.md` documents each column at
//! length (units, timing, hubs); a test checks that it lists every column defined here with
//! the same type, and another that the written Parquet files have exactly these columns.
//!
//! A table is a list of [`Entry`]s: a single column ([`Col`]) or a family of columns named
//! `<prefix><member>`, one per age band, skill, firm kind or sector ([`Family`]).

use polars::prelude::DataType;

use crate::firms::{FirmKind, Sector};
use crate::people::{AGE_BANDS, Skill};

/// The type of a column, as written to Parquet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dtype {
    /// UTF-8 string.
    Str,
    /// Boolean.
    Bool,
    /// 32-bit signed integer.
    I32,
    /// 64-bit signed integer.
    I64,
    /// 32-bit unsigned integer.
    U32,
    /// 64-bit float.
    F64,
}

impl Dtype {
    /// The polars data type.
    pub fn polars(self) -> DataType {
        match self {
            Dtype::Str => DataType::String,
            Dtype::Bool => DataType::Boolean,
            Dtype::I32 => DataType::Int32,
            Dtype::I64 => DataType::Int64,
            Dtype::U32 => DataType::UInt32,
            Dtype::F64 => DataType::Float64,
        }
    }

    /// The name used in the type column of docs/OUTPUT.md.
    pub fn doc_name(self) -> &'static str {
        match self {
            Dtype::Str => "str",
            Dtype::Bool => "bool",
            Dtype::I32 => "i32",
            Dtype::I64 => "i64",
            Dtype::U32 => "u32",
            Dtype::F64 => "f64",
        }
    }

    /// Whether the column holds numbers (metrics and summaries can use it).
    pub fn is_numeric(self) -> bool {
        !matches!(self, Dtype::Str | Dtype::Bool)
    }
}

/// One column with a fixed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    /// Column name.
    pub name: &'static str,
    /// Type.
    pub dtype: Dtype,
    /// One-line meaning (docs/OUTPUT.md has the full definition).
    pub doc: &'static str,
}

/// Columns `<prefix><member>`, one per member, in member order.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    /// Common prefix, e.g. `emp_`.
    pub prefix: &'static str,
    /// How docs/OUTPUT.md may name the whole family, e.g. `emp_<sector>`.
    pub pattern: &'static str,
    /// The members' names, in column order.
    pub members: fn() -> Vec<&'static str>,
    /// Type of every column.
    pub dtype: Dtype,
    /// One-line meaning.
    pub doc: &'static str,
}

impl Family {
    /// The column of one member.
    pub fn name(&self, member: &str) -> String {
        format!("{}{member}", self.prefix)
    }

    /// All column names, in order.
    pub fn names(&self) -> Vec<String> {
        (self.members)().iter().map(|m| self.name(m)).collect()
    }
}

/// An entry of a table: one column or a family.
#[derive(Debug, Clone, Copy)]
pub enum Entry {
    /// One column.
    One(Col),
    /// A family of columns.
    Many(Family),
}

/// A run table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// File stem (`towns` for `towns.parquet`).
    pub stem: &'static str,
    /// Columns in file order.
    pub entries: &'static [Entry],
}

impl Table {
    /// File name of the Parquet table.
    pub fn parquet(&self) -> String {
        format!("{}.parquet", self.stem)
    }

    /// Every column, expanded, in file order: name and type.
    pub fn columns(&self) -> Vec<(String, Dtype)> {
        let mut out = Vec::new();
        for e in self.entries {
            match e {
                Entry::One(c) => out.push((c.name.to_string(), c.dtype)),
                Entry::Many(f) => out.extend(f.names().into_iter().map(|n| (n, f.dtype))),
            }
        }
        out
    }

    /// The type of a column, if the table has it.
    pub fn dtype(&self, name: &str) -> Option<Dtype> {
        self.columns()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
    }
}

/// All run tables, in the order they are written.
pub const TABLES: [Table; 6] = [
    towns::TABLE,
    od::TABLE,
    firms::TABLE,
    clusters::TABLE,
    events::TABLE,
    commuting::TABLE,
];

const fn one(name: &'static str, dtype: Dtype, doc: &'static str) -> Col {
    Col { name, dtype, doc }
}

fn age_bands() -> Vec<&'static str> {
    AGE_BANDS.to_vec()
}

fn skills() -> Vec<&'static str> {
    [Skill::Basic, Skill::Vocational, Skill::Higher]
        .map(Skill::name)
        .to_vec()
}

fn firm_kinds() -> Vec<&'static str> {
    [
        FirmKind::Giant,
        FirmKind::Large,
        FirmKind::Sme,
        FirmKind::Spinoff,
    ]
    .map(FirmKind::name)
    .to_vec()
}

fn sectors() -> Vec<&'static str> {
    Sector::ALL.map(Sector::name).to_vec()
}

/// Columns shared by several tables.
pub mod common {
    use super::{Col, Dtype, one};

    /// Calendar year.
    pub const YEAR: Col = one("year", Dtype::I32, "calendar year");
    /// Month 1..12.
    pub const MONTH: Col = one("month", Dtype::I32, "month, 1..12");
}

/// `towns.parquet`: one row per town and month.
pub mod towns {
    use super::Entry::{Many, One};
    pub use super::common::{MONTH, YEAR};
    use super::{Col, Dtype, Family, Table, one};

    /// Town name.
    pub const TOWN: Col = one("town", Dtype::Str, "town name");
    /// Aggregate destination city.
    pub const IS_HUB: Col = one(
        "is_hub",
        Dtype::Bool,
        "aggregate destination city (not agent-based)",
    );
    /// Residents.
    pub const POPULATION: Col = one(
        "population",
        Dtype::I64,
        "residents at the end of the month",
    );
    /// Residents by age band.
    pub const POP_AGE: Family = Family {
        prefix: "pop_",
        pattern: "pop_<band>",
        members: super::age_bands,
        dtype: Dtype::I64,
        doc: "residents by age band",
    };
    /// Residents aged 18+ by skill.
    pub const POP_SKILL: Family = Family {
        prefix: "pop_",
        pattern: "pop_<skill>",
        members: super::skills,
        dtype: Dtype::I64,
        doc: "residents aged 18+ by skill",
    };
    /// Labour force.
    pub const LABOUR_FORCE: Col = one(
        "labour_force",
        Dtype::I64,
        "residents of working age, not students",
    );
    /// Employed residents (registered jobs).
    pub const EMPLOYED: Col = one(
        "employed",
        Dtype::I64,
        "residents in the labour force with a registered job",
    );
    /// Informally employed residents.
    pub const INFORMAL_EMPLOYED: Col = one(
        "informal_employed",
        Dtype::I64,
        "residents working without a registered job (employed in LFS terms)",
    );
    /// Informal share of LFS employment.
    pub const INFORMAL_SHARE: Col = one(
        "informal_share",
        Dtype::F64,
        "informal_employed / (employed + informal_employed)",
    );
    /// Unemployed residents.
    pub const UNEMPLOYED: Col = one(
        "unemployed",
        Dtype::I64,
        "labour force minus employed minus informal_employed",
    );
    /// Unemployment rate.
    pub const UNEMPLOYMENT_RATE: Col = one(
        "unemployment_rate",
        Dtype::F64,
        "unemployed / labour force (LFS, ILO)",
    );
    /// Vacancies posted.
    pub const VACANCIES: Col = one(
        "vacancies",
        Dtype::I64,
        "vacancies posted this month by firms in the town",
    );
    /// Jobs by workplace.
    pub const JOBS: Col = one("jobs", Dtype::I64, "workers of firms located in the town");
    /// Revenue of local firms.
    pub const OUTPUT_KRUB: Col = one(
        "output_krub",
        Dtype::F64,
        "revenue of firms located in the town in the month, krub",
    );
    /// Mean wage.
    pub const MEAN_WAGE_KRUB: Col = one(
        "mean_wage_krub",
        Dtype::F64,
        "mean wage of employed residents, krub/month",
    );
    /// Median wage.
    pub const MEDIAN_WAGE_KRUB: Col = one(
        "median_wage_krub",
        Dtype::F64,
        "median wage of employed residents, krub/month",
    );
    /// Births.
    pub const BIRTHS: Col = one("births", Dtype::I64, "births in the month");
    /// Deaths.
    pub const DEATHS: Col = one("deaths", Dtype::I64, "deaths of residents in the month");
    /// Arrivals.
    pub const IN_MIGRANTS: Col = one("in_migrants", Dtype::I64, "arrivals in the month");
    /// Departures.
    pub const OUT_MIGRANTS: Col = one("out_migrants", Dtype::I64, "departures in the month");
    /// Departures by age band.
    pub const OUT_MIGRANTS_AGE: Family = Family {
        prefix: "out_migrants_",
        pattern: "out_migrants_<band>",
        members: super::age_bands,
        dtype: Dtype::I64,
        doc: "departures by age band",
    };
    /// Out-commuters.
    pub const COMMUTERS_OUT: Col = one(
        "commuters_out",
        Dtype::I64,
        "employed residents working in another town",
    );
    /// In-commuters.
    pub const COMMUTERS_IN: Col = one(
        "commuters_in",
        Dtype::I64,
        "workers of local firms living in another town",
    );
    /// Hires.
    pub const HIRES: Col = one("hires", Dtype::I64, "hires of residents in the month");
    /// Separations.
    pub const SEPARATIONS: Col = one(
        "separations",
        Dtype::I64,
        "jobs of residents ended in the month",
    );
    /// Live firms.
    pub const FIRMS: Col = one("firms", Dtype::I64, "live firms located in the town");
    /// Firms by kind.
    pub const FIRMS_KIND: Family = Family {
        prefix: "firms_",
        pattern: "firms_<kind>",
        members: super::firm_kinds,
        dtype: Dtype::I64,
        doc: "live firms by kind",
    };
    /// Firms by sector.
    pub const FIRMS_SECTOR: Family = Family {
        prefix: "firms_",
        pattern: "firms_<sector>",
        members: super::sectors,
        dtype: Dtype::I64,
        doc: "live firms by sector",
    };
    /// Jobs at giants.
    pub const EMP_GIANT: Col = one(
        "emp_giant",
        Dtype::I64,
        "workers of giants located in the town",
    );
    /// Jobs at non-giant firms by sector.
    pub const EMP_SECTOR: Family = Family {
        prefix: "emp_",
        pattern: "emp_<sector>",
        members: super::sectors,
        dtype: Dtype::I64,
        doc: "workers of non-giant firms by sector",
    };
    /// Largest employer's share.
    pub const LARGEST_EMPLOYER_SHARE: Col = one(
        "largest_employer_share",
        Dtype::F64,
        "workers of the largest industrial firm / jobs",
    );
    /// Diversification.
    pub const DIVERSIFICATION_INDEX: Col = one(
        "diversification_index",
        Dtype::F64,
        "1 - Herfindahl index of jobs across sectors",
    );
    /// Clusters.
    pub const CLUSTERS: Col = one(
        "clusters",
        Dtype::I64,
        "detected clusters based in the town",
    );
    /// Cluster employment.
    pub const CLUSTER_EMPLOYMENT: Col = one(
        "cluster_employment",
        Dtype::I64,
        "workers of cluster members in the town",
    );
    /// Cluster output share.
    pub const CLUSTER_OUTPUT_SHARE: Col = one(
        "cluster_output_share",
        Dtype::F64,
        "output of cluster members / output of all local firms",
    );
    /// Amenity index.
    pub const AMENITY_INDEX: Col = one("amenity_index", Dtype::F64, "quality-of-life index");
    /// Housing cost.
    pub const HOUSING_COST_KRUB: Col = one(
        "housing_cost_krub",
        Dtype::F64,
        "monthly housing cost, krub",
    );
    /// Municipal revenue.
    pub const BUDGET_REVENUE_KRUB: Col = one(
        "budget_revenue_krub",
        Dtype::F64,
        "municipal revenue in the month, krub",
    );
    /// Municipal spending.
    pub const BUDGET_SPENDING_KRUB: Col = one(
        "budget_spending_krub",
        Dtype::F64,
        "municipal spending in the month, krub",
    );
    /// Cumulative balance.
    pub const BUDGET_BALANCE_KRUB: Col = one(
        "budget_balance_krub",
        Dtype::F64,
        "cumulative revenue - spending, krub",
    );
    /// Monotown status.
    pub const MONOTOWN_STATUS: Col = one(
        "monotown_status",
        Dtype::Bool,
        "meets the 2014 monotown criteria",
    );
    /// Monotown category.
    pub const MONOTOWN_CATEGORY: Col = one(
        "monotown_category",
        Dtype::I32,
        "monotown category 1..3, 0 when not a monotown",
    );

    /// The table.
    pub const TABLE: Table = Table {
        stem: "towns",
        entries: &[
            One(TOWN),
            One(IS_HUB),
            One(YEAR),
            One(MONTH),
            One(POPULATION),
            Many(POP_AGE),
            Many(POP_SKILL),
            One(LABOUR_FORCE),
            One(EMPLOYED),
            One(INFORMAL_EMPLOYED),
            One(INFORMAL_SHARE),
            One(UNEMPLOYED),
            One(UNEMPLOYMENT_RATE),
            One(VACANCIES),
            One(JOBS),
            One(OUTPUT_KRUB),
            One(MEAN_WAGE_KRUB),
            One(MEDIAN_WAGE_KRUB),
            One(BIRTHS),
            One(DEATHS),
            One(IN_MIGRANTS),
            One(OUT_MIGRANTS),
            Many(OUT_MIGRANTS_AGE),
            One(COMMUTERS_OUT),
            One(COMMUTERS_IN),
            One(HIRES),
            One(SEPARATIONS),
            One(FIRMS),
            Many(FIRMS_KIND),
            Many(FIRMS_SECTOR),
            One(EMP_GIANT),
            Many(EMP_SECTOR),
            One(LARGEST_EMPLOYER_SHARE),
            One(DIVERSIFICATION_INDEX),
            One(CLUSTERS),
            One(CLUSTER_EMPLOYMENT),
            One(CLUSTER_OUTPUT_SHARE),
            One(AMENITY_INDEX),
            One(HOUSING_COST_KRUB),
            One(BUDGET_REVENUE_KRUB),
            One(BUDGET_SPENDING_KRUB),
            One(BUDGET_BALANCE_KRUB),
            One(MONOTOWN_STATUS),
            One(MONOTOWN_CATEGORY),
        ],
    };
}

/// `migration_od.parquet`: one row per year and origin–destination pair.
pub mod od {
    use super::Entry::One;
    pub use super::common::YEAR;
    use super::{Col, Dtype, Table, one};

    /// Origin.
    pub const ORIGIN: Col = one(
        "origin",
        Dtype::Str,
        "an agent town, a hub or `rest of country`",
    );
    /// Destination.
    pub const DESTINATION: Col = one(
        "destination",
        Dtype::Str,
        "an agent town, a hub or `rest of country`",
    );
    /// Moves in the year.
    pub const MIGRANTS: Col = one("migrants", Dtype::I64, "moves in the year");
    /// Moves by people aged 18-29.
    pub const MIGRANTS_18_29: Col = one(
        "migrants_18_29",
        Dtype::I64,
        "moves in the year by people aged 18-29",
    );

    /// The table.
    pub const TABLE: Table = Table {
        stem: "migration_od",
        entries: &[
            One(YEAR),
            One(ORIGIN),
            One(DESTINATION),
            One(MIGRANTS),
            One(MIGRANTS_18_29),
        ],
    };
}

/// `firms.parquet`: one row per live firm each December.
pub mod firms {
    use super::Entry::One;
    pub use super::common::YEAR;
    use super::{Col, Dtype, Table, one};

    /// Stable firm id.
    pub const FIRM_ID: Col = one("firm_id", Dtype::U32, "stable firm id");
    /// Name.
    pub const NAME: Col = one("name", Dtype::Str, "firm name");
    /// Location.
    pub const TOWN: Col = one("town", Dtype::Str, "location");
    /// Sector.
    pub const SECTOR: Col = one("sector", Dtype::Str, "sector");
    /// Kind.
    pub const KIND: Col = one("kind", Dtype::Str, "giant, large, sme, spinoff or hub");
    /// Owner.
    pub const OWNER: Col = one("owner", Dtype::Str, "holding, state or local");
    /// Workers of one represented firm.
    pub const WORKFORCE: Col = one("workforce", Dtype::I64, "workers of one represented firm");
    /// Real firms this row stands for.
    pub const REPRESENTS: Col = one("represents", Dtype::F64, "real firms this row stands for");
    /// Base wage.
    pub const WAGE_KRUB: Col = one("wage_krub", Dtype::F64, "base wage, krub/month");
    /// Productivity.
    pub const PRODUCTIVITY: Col = one(
        "productivity",
        Dtype::F64,
        "output per worker-month at base prices, krub",
    );
    /// Capital.
    pub const CAPITAL_KRUB: Col = one("capital_krub", Dtype::F64, "capital stock, krub");
    /// Output.
    pub const OUTPUT_KRUB: Col = one("output_krub", Dtype::F64, "December revenue, krub/month");
    /// Profit.
    pub const PROFIT_KRUB: Col = one("profit_krub", Dtype::F64, "December profit, krub/month");
    /// Profit over the calendar year.
    pub const PROFIT_YEAR_KRUB: Col = one(
        "profit_year_krub",
        Dtype::F64,
        "profit over the calendar year ending this December, krub",
    );
    /// Modernisation stage.
    pub const MODERNISATION_STAGE: Col = one(
        "modernisation_stage",
        Dtype::I32,
        "modernisation stage 0..3",
    );
    /// Export share.
    pub const EXPORT_SHARE: Col = one("export_share", Dtype::F64, "share of sales exported");
    /// Import share.
    pub const IMPORT_SHARE: Col = one("import_share", Dtype::F64, "share of imported inputs");
    /// Cluster.
    pub const CLUSTER_ID: Col = one(
        "cluster_id",
        Dtype::U32,
        "cluster of the firm, null when none",
    );
    /// Age.
    pub const AGE_MONTHS: Col = one("age_months", Dtype::I32, "months since the firm's birth");

    /// The table.
    pub const TABLE: Table = Table {
        stem: "firms",
        entries: &[
            One(YEAR),
            One(FIRM_ID),
            One(NAME),
            One(TOWN),
            One(SECTOR),
            One(KIND),
            One(OWNER),
            One(WORKFORCE),
            One(REPRESENTS),
            One(WAGE_KRUB),
            One(PRODUCTIVITY),
            One(CAPITAL_KRUB),
            One(OUTPUT_KRUB),
            One(PROFIT_KRUB),
            One(PROFIT_YEAR_KRUB),
            One(MODERNISATION_STAGE),
            One(EXPORT_SHARE),
            One(IMPORT_SHARE),
            One(CLUSTER_ID),
            One(AGE_MONTHS),
        ],
    };
}

/// `clusters.parquet`: one row per detected cluster each December.
pub mod clusters {
    use super::Entry::One;
    pub use super::common::YEAR;
    use super::{Col, Dtype, Table, one};

    /// Town of most members.
    pub const TOWN: Col = one("town", Dtype::Str, "town of most members");
    /// Cluster id.
    pub const CLUSTER_ID: Col = one(
        "cluster_id",
        Dtype::U32,
        "smallest firm_id among the members",
    );
    /// Members.
    pub const MEMBERS: Col = one("members", Dtype::I64, "member firms");
    /// Employment.
    pub const EMPLOYMENT: Col = one("employment", Dtype::I64, "workers of all members");
    /// Output share.
    pub const OUTPUT_SHARE: Col = one(
        "output_share",
        Dtype::F64,
        "output of members / output of all firms in their towns",
    );
    /// Sectors.
    pub const SECTORS: Col = one(
        "sectors",
        Dtype::Str,
        "the members' sectors, comma-separated",
    );

    /// The table.
    pub const TABLE: Table = Table {
        stem: "clusters",
        entries: &[
            One(YEAR),
            One(TOWN),
            One(CLUSTER_ID),
            One(MEMBERS),
            One(EMPLOYMENT),
            One(OUTPUT_SHARE),
            One(SECTORS),
        ],
    };
}

/// `events.parquet`: one row per event.
pub mod events {
    use super::Entry::One;
    pub use super::common::{MONTH, YEAR};
    use super::{Col, Dtype, Table, one};

    /// Town concerned.
    pub const TOWN: Col = one("town", Dtype::Str, "town concerned, null when national");
    /// Kind of event.
    pub const KIND: Col = one("kind", Dtype::Str, "kind of event");
    /// Subject.
    pub const SUBJECT: Col = one("subject", Dtype::Str, "firm, cluster, policy or shock");
    /// Detail.
    pub const DETAIL: Col = one("detail", Dtype::Str, "free text");

    /// The table.
    pub const TABLE: Table = Table {
        stem: "events",
        entries: &[
            One(YEAR),
            One(MONTH),
            One(TOWN),
            One(KIND),
            One(SUBJECT),
            One(DETAIL),
        ],
    };
}

/// `commuting_od.parquet`: one row per year and home-work town pair with commuters.
pub mod commuting {
    use super::Entry::One;
    pub use super::common::YEAR;
    use super::{Col, Dtype, Table, one};

    /// Home town.
    pub const HOME: Col = one("home", Dtype::Str, "town the commuters live in");
    /// Work town.
    pub const WORK: Col = one(
        "work",
        Dtype::Str,
        "town (or hub) of the commuters' employer",
    );
    /// Commuters in December.
    pub const COMMUTERS: Col = one(
        "commuters",
        Dtype::I64,
        "employed residents of `home` working in `work`, in December",
    );

    /// The table.
    pub const TABLE: Table = Table {
        stem: "commuting_od",
        entries: &[One(YEAR), One(HOME), One(WORK), One(COMMUTERS)],
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT_MD: &str = include_str!("../../docs/OUTPUT.md");

    /// The rows of the column table in the `## <stem>.parquet` section of docs/OUTPUT.md:
    /// the backquoted names of the first cell and the type of the second.
    fn documented(stem: &str) -> Vec<(Vec<String>, String)> {
        let head = format!("## {stem}.parquet");
        let start = OUTPUT_MD
            .find(&head)
            .unwrap_or_else(|| panic!("docs/OUTPUT.md has no section `{head}`"));
        let section = &OUTPUT_MD[start + head.len()..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        // The column table: from its `| column | type |` header to the first non-table line.
        section
            .lines()
            .skip_while(|l| !l.starts_with("| column | type |"))
            .take_while(|l| l.starts_with('|'))
            .filter(|l| l.starts_with("| `"))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                let names = cells[1]
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_string)
                    .collect();
                (names, cells[2].to_string())
            })
            .collect()
    }

    #[test]
    fn output_md_lists_every_column_with_its_type() {
        for table in TABLES {
            let rows = documented(table.stem);
            let type_of = |name: &str| {
                rows.iter()
                    .find(|(names, _)| names.iter().any(|n| n == name))
                    .map(|(_, t)| t.clone())
            };
            for entry in table.entries {
                let (names, dtype, pattern) = match entry {
                    Entry::One(c) => (vec![c.name.to_string()], c.dtype, None),
                    Entry::Many(f) => (f.names(), f.dtype, Some(f.pattern)),
                };
                for name in names {
                    // A family may be documented by its pattern (`emp_<sector>`).
                    let found = type_of(&name).or_else(|| pattern.and_then(type_of));
                    let Some(doc_type) = found else {
                        panic!(
                            "docs/OUTPUT.md, {}.parquet: column `{name}` is not listed",
                            table.stem
                        );
                    };
                    assert_eq!(
                        doc_type,
                        dtype.doc_name(),
                        "docs/OUTPUT.md, {}.parquet: type of `{name}`",
                        table.stem
                    );
                }
            }
            // And nothing documented that the table does not have.
            let patterns: Vec<&str> = table
                .entries
                .iter()
                .filter_map(|e| match e {
                    Entry::Many(f) => Some(f.pattern),
                    Entry::One(_) => None,
                })
                .collect();
            for (names, _) in &rows {
                for n in names {
                    assert!(
                        table.dtype(n).is_some() || patterns.contains(&n.as_str()),
                        "docs/OUTPUT.md, {}.parquet: `{n}` is not a column",
                        table.stem
                    );
                }
            }
        }
        // Families documented by pattern: their members are listed in the text.
        for s in sectors() {
            assert!(
                OUTPUT_MD.contains(&format!("`{s}`")),
                "sector `{s}` not listed"
            );
        }
    }

    #[test]
    fn column_names_are_unique_within_a_table() {
        for table in TABLES {
            let cols = table.columns();
            let mut names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{}", table.stem);
        }
    }
}
