//! Scenario files: what a user writes, read strictly and checked.
//!
//! Two stages, as in ripgrep's flag handling: the TOML text is deserialised into the raw
//! [`ScenarioFile`] (every struct rejects unknown keys; the key path of a type error is
//! tracked with `serde_path_to_error`), then `Params::try_from(&file)` checks every rule
//! (all problems at once, each naming its key path and valid range) and resolves every
//! name into a typed id: towns, the firms named by shocks, holdings, dates. A [`Scenario`]
//! holds the validated, immutable [`Params`] a run reads, and keeps the raw file and its
//! text privately for the manifest and for sweeps.

pub mod error;
pub mod interventions;
pub mod params;
pub mod validated;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use error::{Problem, ScenarioError};
pub use interventions::{Policy, PolicyLever, Shock, ShockKind, Unit};
pub use params::{
    Clusters, Demography, Firms, Labour, Migration, ParamDoc, PolicyParams, ShockParams, SpecParam,
    Towns,
};
pub use validated::{Distance, Holding, NamedFirm, Params, Town};

use crate::firms::{FirmKind, Owner, Sector};

/// Run settings.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    /// Short name, used for the output folder.
    pub name: String,
    /// Free text shown in reports.
    #[serde(default)]
    pub description: String,
    /// First simulated year (January).
    #[serde(default = "default_start_year")]
    pub start_year: i32,
    /// Last simulated year (through December).
    #[serde(default = "default_end_year")]
    pub end_year: i32,
    /// Master seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Agents per real person (1.0 = one agent per person; 0.1 = one agent per ten).
    #[serde(default = "default_scale")]
    pub scale: f64,
}

fn default_start_year() -> i32 {
    1989
}
fn default_end_year() -> i32 {
    2035
}
fn default_seed() -> u64 {
    20_240_501
}
fn default_scale() -> f64 {
    1.0
}

/// Whether a town is simulated agent by agent, or as an aggregate destination city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TownKind {
    /// Every resident is an agent.
    #[default]
    Agent,
    /// A large destination city modelled as a population stock with exogenous wages; it
    /// absorbs and sends migrants and offers jobs to commuters.
    Hub,
}

/// Town-level institutions from the scenario (policies can add them later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Institution {
    /// Raises start-up rate and survival.
    Incubator,
    /// Raises cluster link formation.
    IndustrialPark,
    /// Special economic zone: tax breaks, start-ups and relocations.
    SpecialZone,
}

/// One town.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TownSpec {
    /// Name, as in the observed data.
    pub name: String,
    /// `agent` (default) or `hub`.
    #[serde(default)]
    pub kind: TownKind,
    /// Residents at the start year.
    pub population: f64,
    /// Mean base wage at the start (thousand RUB/month, 2010 prices).
    pub wage_krub: f64,
    /// Unemployment rate at the start.
    #[serde(default = "default_unemployment")]
    pub unemployment_rate: f64,
    /// Amenity (quality of life) index; 1.0 is an ordinary Russian town.
    #[serde(default = "one")]
    pub amenity: f64,
    /// Monthly housing cost (thousand RUB, 2010 prices).
    #[serde(default = "default_housing")]
    pub housing_cost_krub: f64,
    /// Shares of adults by skill: basic, vocational, higher.
    #[serde(default = "default_skills")]
    pub skill_shares: [f64; 3],
    /// Shares of the jobs not held by the scenario's named firms, by sector.
    #[serde(default)]
    pub sector_shares: HashMap<Sector, f64>,
    /// Institutions present from the start.
    #[serde(default)]
    pub institutions: Vec<Institution>,
    /// Hubs only: natural growth rate (births minus deaths) per year.
    #[serde(default)]
    pub natural_growth: f64,
    /// Hubs only: net migration from places outside the model, per year, as a share of population.
    #[serde(default)]
    pub external_net_migration: f64,
    /// Hubs only: jobs open to commuters from the modelled towns (real persons).
    #[serde(default)]
    pub commuter_jobs: f64,
    /// Hubs only: trend growth of the hub's wage per year.
    #[serde(default)]
    pub wage_growth: f64,
}

fn default_unemployment() -> f64 {
    0.02
}
fn one() -> f64 {
    1.0
}
fn default_housing() -> f64 {
    4.0
}
fn default_skills() -> [f64; 3] {
    [0.35, 0.5, 0.15]
}

/// Distance between two towns (symmetric).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DistanceSpec {
    /// One town.
    pub from: String,
    /// The other town.
    pub to: String,
    /// Road or rail distance.
    pub km: f64,
    /// Door-to-door one-way travel time; computed from `labour.travel_speed_kmh` when absent.
    #[serde(default)]
    pub hours: Option<f64>,
}

/// A named firm (the city-forming giants and other large employers).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FirmSpec {
    /// Name (unique).
    pub name: String,
    /// Town where it sits.
    pub town: String,
    /// Sector.
    pub sector: Sector,
    /// Kind.
    pub kind: FirmKind,
    /// Owner type.
    #[serde(default = "default_owner")]
    pub owner: Owner,
    /// Holding company deciding from outside the town, if any.
    #[serde(default)]
    pub holding: Option<String>,
    /// Workforce at the start (real persons).
    pub workforce: f64,
    /// Share of output exported (world prices).
    #[serde(default)]
    pub export_share: f64,
    /// Share of output sold under state orders (defence, machinery).
    #[serde(default)]
    pub state_order_share: f64,
    /// Share of output sold in the town (driven by the town's income).
    #[serde(default)]
    pub local_share: f64,
    /// Share of costs spent on imported inputs.
    #[serde(default)]
    pub import_share: f64,
    /// Keeps jobs through losses, up to `firms.social_loss_limit_months`.
    #[serde(default)]
    pub social_role: bool,
    /// Base wage relative to the town's mean wage.
    #[serde(default = "one")]
    pub wage_premium: f64,
}

fn default_owner() -> Owner {
    Owner::Local
}

/// A date in a scenario: a year (`2008`, meaning January for starts and December for
/// ends) or a month (`"2008-10"`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum DateSpec {
    /// A whole year.
    Year(i32),
    /// `"YYYY-MM"`.
    Month(String),
}

/// Start and end of a policy or shock.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// First month in force.
    pub start: DateSpec,
    /// Last month in force (inclusive); open-ended when absent.
    #[serde(default)]
    pub end: Option<DateSpec>,
}

/// One unit created by splitting a giant.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSpec {
    /// Name of the new firm.
    pub name: String,
    /// Its sector.
    pub sector: Sector,
    /// Share of the giant's workforce moved to it.
    pub share: f64,
}

/// Policies a scenario can schedule. Each applies to the listed towns (all agent towns when empty).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PolicySpec {
    /// The state pays a share of the wage bill of the firms in the towns.
    WageSubsidy {
        /// When.
        start: DateSpec,
        /// Until (inclusive).
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Share of wages paid.
        share: f64,
    },
    /// A one-off cash grant to firms that keep jobs (paid monthly while in force).
    Grant {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Grant per worker per month (thousand RUB).
        krub_per_worker: f64,
        /// Only firms of these sectors (all when empty).
        #[serde(default)]
        sectors: Vec<Sector>,
    },
    /// Soft loans: lower cost of capital and cheaper modernisation.
    SoftLoan {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Reduction of the yearly capital cost (e.g. 0.05 = 5 points).
        rate_cut: f64,
    },
    /// Profit tax break for firms younger than `max_age_years` or in innovative sectors.
    TaxBreak {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Share of profit tax forgiven.
        share: f64,
        /// Firms up to this age qualify.
        #[serde(default = "tax_break_max_age_years")]
        max_age_years: f64,
    },
    /// A special economic zone (institution): tax break, more start-ups, relocations.
    SpecialZone {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Multiplier on the start-up rate.
        #[serde(default = "special_zone_startup_multiplier")]
        startup_multiplier: f64,
        /// Share of profit tax forgiven for firms up to `max_age_years`.
        #[serde(default = "special_zone_tax_break_share")]
        tax_break_share: f64,
        /// Firms up to this age get the tax break.
        #[serde(default = "special_zone_max_age_years")]
        max_age_years: f64,
    },
    /// Public-private partnership: the state covers a share of firms' losses.
    PppRiskSharing {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Share of losses covered.
        loss_share: f64,
    },
    /// A business incubator (institution): more start-ups that survive longer.
    Incubator {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Multiplier on the start-up rate.
        #[serde(default = "incubator_startup_multiplier")]
        startup_multiplier: f64,
    },
    /// An industrial or technology park (institution): more cluster links.
    IndustrialPark {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Multiplier on the link formation probability.
        #[serde(default = "industrial_park_link_multiplier")]
        link_multiplier: f64,
    },
    /// Training: yearly share of basic-skill workers upgraded to vocational, and of
    /// vocational to higher.
    Training {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Yearly upgrade probability.
        upgrade_per_year: f64,
    },
    /// Youth retention: lowers the migration hazard of 16-30-year-olds.
    YouthRetention {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Share by which the hazard falls.
        hazard_cut: f64,
    },
    /// Infrastructure: shorter travel times from the towns.
    Infrastructure {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns whose links get faster.
        #[serde(default)]
        towns: Vec<String>,
        /// Multiplier on travel time (e.g. 0.8).
        travel_time_multiplier: f64,
    },
    /// Incentives for firms to relocate from a hub (the expensive capital) into the towns.
    Relocation {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Receiving towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Relocated firms per year per town.
        firms_per_year: f64,
        /// Workforce of each relocated firm.
        #[serde(default = "relocation_size")]
        size: f64,
        /// Sector of relocated firms.
        sector: Sector,
    },
    /// A cluster policy (grant, programme) that seeds links among firms of the given sectors.
    ClusterSeed {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Towns.
        #[serde(default)]
        towns: Vec<String>,
        /// Sectors whose co-located firms are linked.
        sectors: Vec<Sector>,
        /// Multiplier on link formation among them.
        #[serde(default = "cluster_seed_link_multiplier")]
        link_multiplier: f64,
    },
}

// Defaults of policy and shock fields, defined once in their parameter tables.
fn tax_break_max_age_years() -> f64 {
    PolicyParams::TAX_BREAK_MAX_AGE_YEARS.default_value()
}
fn special_zone_startup_multiplier() -> f64 {
    PolicyParams::SPECIAL_ZONE_STARTUP_MULTIPLIER.default_value()
}
fn special_zone_tax_break_share() -> f64 {
    PolicyParams::SPECIAL_ZONE_TAX_BREAK_SHARE.default_value()
}
fn special_zone_max_age_years() -> f64 {
    PolicyParams::SPECIAL_ZONE_MAX_AGE_YEARS.default_value()
}
fn incubator_startup_multiplier() -> f64 {
    PolicyParams::INCUBATOR_STARTUP_MULTIPLIER.default_value()
}
fn industrial_park_link_multiplier() -> f64 {
    PolicyParams::INDUSTRIAL_PARK_LINK_MULTIPLIER.default_value()
}
fn relocation_size() -> f64 {
    PolicyParams::RELOCATION_SIZE.default_value()
}
fn cluster_seed_link_multiplier() -> f64 {
    PolicyParams::CLUSTER_SEED_LINK_MULTIPLIER.default_value()
}
fn crisis_demand() -> f64 {
    ShockParams::CRISIS_DEMAND.default_value()
}
fn crisis_mortality() -> f64 {
    ShockParams::CRISIS_MORTALITY.default_value()
}
fn crisis_fertility() -> f64 {
    ShockParams::CRISIS_FERTILITY.default_value()
}

/// Shocks a scenario can schedule.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ShockSpec {
    /// World prices of a sector fall or rise.
    WorldPrice {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Sector.
        sector: Sector,
        /// Multiplier on the sector's world price.
        multiplier: f64,
    },
    /// Sanctions: imported inputs cost more.
    Sanctions {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Multiplier on the cost of imported inputs.
        import_cost_multiplier: f64,
    },
    /// A plant closes or downsizes: its target workforce is cut by `share` (1.0 = closure).
    PlantClosure {
        /// When (one-off at the start month).
        start: DateSpec,
        /// Ignored for one-off shocks.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Firm name.
        firm: String,
        /// Share of workforce cut.
        share: f64,
    },
    /// A national crisis: demand falls; deaths rise and births fall (1992-98, 2008-09, 2014-15, 2020).
    Crisis {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Multiplier on national and local demand.
        #[serde(default = "crisis_demand")]
        demand: f64,
        /// Multiplier on mortality.
        #[serde(default = "crisis_mortality")]
        mortality: f64,
        /// Multiplier on fertility.
        #[serde(default = "crisis_fertility")]
        fertility: f64,
    },
    /// A change in state (defence) orders.
    StateOrders {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Multiplier on state-order demand.
        multiplier: f64,
    },
    /// A giant is split into autonomous units (seed 000, Biysk).
    Restructure {
        /// When (one-off).
        start: DateSpec,
        /// Ignored.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Firm split.
        firm: String,
        /// The units; shares must sum to at most 1 (the rest is laid off).
        units: Vec<UnitSpec>,
    },
}

/// A piecewise-linear path of a national indicator: `[[year, value], ...]`.
pub type Path2 = Vec<[f64; 2]>;

/// National context.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NationalSection {
    /// National unemployment rate by year (for the monotown category rule).
    #[serde(default = "default_national_unemployment")]
    pub unemployment_rate: Path2,
    /// National mean wage by year (thousand RUB/month, 2010 prices): the rest-of-country wage.
    #[serde(default = "default_national_wage")]
    pub wage_krub: Path2,
}

impl Default for NationalSection {
    fn default() -> Self {
        NationalSection {
            unemployment_rate: default_national_unemployment(),
            wage_krub: default_national_wage(),
        }
    }
}

fn default_national_unemployment() -> Path2 {
    // Rosstat labour force survey (ILO definition), rounded; 1989-1991 estimated.
    vec![
        [1989.0, 0.01],
        [1992.0, 0.052],
        [1995.0, 0.095],
        [1998.0, 0.133],
        [2000.0, 0.106],
        [2005.0, 0.071],
        [2008.0, 0.062],
        [2009.0, 0.083],
        [2012.0, 0.055],
        [2015.0, 0.056],
        [2019.0, 0.046],
        [2020.0, 0.058],
        [2023.0, 0.032],
        [2035.0, 0.04],
    ]
}

fn default_national_wage() -> Path2 {
    // Rosstat real wage index rebased to the 2010 mean wage (20.95 thousand RUB), rounded.
    vec![
        [1989.0, 15.0],
        [1992.0, 10.0],
        [1995.0, 9.0],
        [1999.0, 7.5],
        [2003.0, 11.5],
        [2008.0, 19.0],
        [2010.0, 21.0],
        [2014.0, 25.0],
        [2016.0, 23.0],
        [2020.0, 26.0],
        [2035.0, 33.0],
    ]
}

/// The whole file, as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Run settings.
    pub run: RunSection,
    /// Demography parameters.
    #[serde(default)]
    pub demography: Demography,
    /// Labour-market parameters.
    #[serde(default)]
    pub labour: Labour,
    /// Firm behaviour parameters.
    #[serde(default)]
    pub firms: Firms,
    /// Migration parameters.
    #[serde(default)]
    pub migration: Migration,
    /// Cluster parameters.
    #[serde(default)]
    pub clusters: Clusters,
    /// Town-level parameters.
    #[serde(default)]
    pub towns: Towns,
    /// National context paths.
    #[serde(default)]
    pub national: NationalSection,
    /// Age structure at the start: shares of 5-year age bands 0-4 ... 95-99.
    #[serde(default = "default_age_shares")]
    pub age_shares: Vec<f64>,
    /// Towns.
    #[serde(default)]
    pub town: Vec<TownSpec>,
    /// Distances.
    #[serde(default)]
    pub distance: Vec<DistanceSpec>,
    /// Named firms.
    #[serde(default)]
    pub firm: Vec<FirmSpec>,
    /// Policies.
    #[serde(default)]
    pub policy: Vec<PolicySpec>,
    /// Shocks.
    #[serde(default)]
    pub shock: Vec<ShockSpec>,
}

/// RSFSR 1989 census age structure, shares of 5-year bands (0-4 ... 95-99), rounded.
pub fn default_age_shares() -> Vec<f64> {
    vec![
        0.078, 0.077, 0.071, 0.067, 0.063, 0.083, 0.093, 0.085, 0.072, 0.045, 0.063, 0.053, 0.064,
        0.039, 0.032, 0.026, 0.014, 0.007, 0.002, 0.0005,
    ]
}

/// First month, counted as `year * 12 + (month - 1)`.
pub fn month_index(year: i32, month: u32) -> i32 {
    year * 12 + month as i32 - 1
}

impl DateSpec {
    /// Resolve to an absolute month index; `is_end` maps a bare year to December.
    pub fn resolve(&self, key: &str, is_end: bool) -> Result<i32, Problem> {
        match self {
            DateSpec::Year(y) => Ok(month_index(*y, if is_end { 12 } else { 1 })),
            DateSpec::Month(s) => {
                let bad = || {
                    Problem::new(
                        key,
                        format!(
                            "`{s}` is not a date: use a year like 2008 or \"YYYY-MM\" like \"2008-10\""
                        ),
                    )
                };
                let (y, m) = s.split_once('-').ok_or_else(bad)?;
                let y: i32 = y.trim().parse().map_err(|_| bad())?;
                let m: u32 = m.trim().parse().map_err(|_| bad())?;
                if !(1..=12).contains(&m) {
                    return Err(Problem::new(
                        key,
                        format!("month {m} in `{s}` is outside the valid range [1, 12]"),
                    ));
                }
                Ok(month_index(y, m))
            }
        }
    }
}

/// A validated scenario: the validated [`Params`] a run reads, plus the raw file and its
/// text (for the manifest, and for sweeps, which edit key paths on the raw file and
/// validate again). Immutable: a change of scale goes through [`Scenario::with_scale`].
#[derive(Debug, Clone)]
pub struct Scenario {
    file: ScenarioFile,
    params: Params,
    source_text: String,
    origin: String,
}

/// Parse TOML text into the raw file structure, with key paths in errors.
pub fn parse_file(text: &str, origin: &Path) -> Result<ScenarioFile, ScenarioError> {
    let de = toml::Deserializer::parse(text).map_err(|e| ScenarioError::Parse {
        path: origin.to_path_buf(),
        message: format!("TOML syntax error: {e}"),
    })?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let inner = e.into_inner();
        let mut message = inner.to_string();
        if let Some(hint) = suggest_unknown(&message) {
            message.push_str(&hint);
        }
        let message = if key.is_empty() || key == "." {
            message
        } else {
            format!("at key `{key}`: {message}")
        };
        ScenarioError::Parse {
            path: origin.to_path_buf(),
            message,
        }
    })
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" messages: the closest valid key.
fn suggest_unknown(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let (unknown, tail) = rest.split_once('`')?;
    let candidates: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    closest(0.7, unknown, candidates.into_iter()).map(|c| format!(" (did you mean `{c}`?)"))
}

impl Scenario {
    /// Read and check a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Scenario::from_toml(&text, path)
    }

    /// Check scenario text; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Scenario, ScenarioError> {
        let file = parse_file(text, origin)?;
        Scenario::from_file(file, text.to_string(), origin)
    }

    /// Check a parsed file.
    pub fn from_file(
        file: ScenarioFile,
        source_text: String,
        origin: &Path,
    ) -> Result<Scenario, ScenarioError> {
        let params = Params::try_from(&file).map_err(|problems| ScenarioError::Invalid {
            path: origin.to_path_buf(),
            problems,
        })?;
        Ok(Scenario {
            file,
            params,
            source_text,
            origin: origin.display().to_string(),
        })
    }

    /// The same scenario at another scale (agents per real person), validated again: a
    /// command-line `--scale` goes through the same rules as `run.scale`. The source text
    /// (and so the manifest's scenario hash) is unchanged.
    pub fn with_scale(self, scale: f64) -> Result<Scenario, ScenarioError> {
        let mut file = self.file;
        file.run.scale = scale;
        Scenario::from_file(file, self.source_text, Path::new(&self.origin))
    }

    /// The validated parameters: all a run reads.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The raw file as read (with a [`Scenario::with_scale`] override applied), for key-path
    /// edits of sweeps and for reports; the model reads [`Scenario::params`].
    pub fn file(&self) -> &ScenarioFile {
        &self.file
    }

    /// The original TOML text (recorded in the manifest).
    pub fn source_text(&self) -> &str {
        &self.source_text
    }

    /// Where the scenario came from (a path, or `scenarios/<name>.toml` for built-ins).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of simulated months.
    pub fn months(&self) -> u32 {
        self.params.months()
    }
}

pub(crate) fn validate(f: &ScenarioFile, problems: &mut Vec<Problem>) {
    let run = &f.run;
    if run.name.trim().is_empty() || run.name.contains(['/', '\\']) || run.name.starts_with('.') {
        problems.push(Problem::new("run.name", "must be a non-empty name without `/`, `\\` or a leading `.` (it names the output folder)"));
    }
    if !(1800..=2300).contains(&run.start_year) {
        problems.push(Problem::range(
            "run.start_year",
            run.start_year as f64,
            1800.0,
            2300.0,
        ));
    }
    if run.end_year < run.start_year || run.end_year > run.start_year + 200 {
        problems.push(Problem::new(
            "run.end_year",
            format!(
                "value {} must be in [{}, {}] (not before run.start_year)",
                run.end_year,
                run.start_year,
                run.start_year + 200
            ),
        ));
    }
    if !(run.scale > 0.0 && run.scale <= 1.0) {
        problems.push(Problem::new(
            "run.scale",
            format!("value {} is outside the valid range (0, 1]", run.scale),
        ));
    } else {
        check_every_town_gets_agents(f, problems);
    }
    f.demography.validate(problems);
    f.labour.validate(problems);
    f.firms.validate(problems);
    f.migration.validate(problems);
    f.clusters.validate(problems);
    f.towns.validate(problems);
    if f.demography.fertility_mean_age - 2.0 * f.demography.fertility_sd_age > 49.0 {
        problems.push(Problem::new(
            "demography.fertility_mean_age",
            "fertility schedule lies outside ages 15-49",
        ));
    }
    for (name, path) in [
        ("national.unemployment_rate", &f.national.unemployment_rate),
        ("national.wage_krub", &f.national.wage_krub),
    ] {
        validate_path(name, path, problems);
    }
    if f.age_shares.len() != 20 {
        problems.push(Problem::new(
            "age_shares",
            format!(
                "needs 20 five-year bands (0-4 ... 95-99), found {}",
                f.age_shares.len()
            ),
        ));
    }
    for (i, s) in f.age_shares.iter().enumerate() {
        params::check_range(&format!("age_shares[{i}]"), *s, 0.0, 1.0, problems);
    }
    if f.age_shares.iter().sum::<f64>() <= 0.0 {
        problems.push(Problem::new("age_shares", "shares must not all be zero"));
    }

    // Towns.
    if f.town.is_empty() {
        problems.push(Problem::new(
            "town",
            "a scenario needs at least one [[town]]",
        ));
    }
    if f.town.len() > 1000 {
        problems.push(Problem::new("town", "at most 1000 towns"));
    }
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (i, t) in f.town.iter().enumerate() {
        let k = |field: &str| format!("town[{i}].{field}");
        if t.name.trim().is_empty() {
            problems.push(Problem::new(k("name"), "must not be empty"));
        }
        if t.name == REST_OF_COUNTRY {
            problems.push(Problem::new(
                k("name"),
                format!("`{REST_OF_COUNTRY}` is reserved"),
            ));
        }
        if names.insert(t.name.as_str(), i).is_some() {
            problems.push(Problem::new(
                k("name"),
                format!("town `{}` is defined twice", t.name),
            ));
        }
        params::check_range(&k("population"), t.population, 0.0, 30_000_000.0, problems);
        params::check_range(&k("wage_krub"), t.wage_krub, 0.1, 1000.0, problems);
        params::check_range(
            &k("unemployment_rate"),
            t.unemployment_rate,
            0.0,
            0.9,
            problems,
        );
        params::check_range(&k("amenity"), t.amenity, 0.0, 10.0, problems);
        params::check_range(
            &k("housing_cost_krub"),
            t.housing_cost_krub,
            0.01,
            1000.0,
            problems,
        );
        for (j, s) in t.skill_shares.iter().enumerate() {
            params::check_range(
                &format!("town[{i}].skill_shares[{j}]"),
                *s,
                0.0,
                1.0,
                problems,
            );
        }
        if (t.skill_shares.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
            problems.push(Problem::new(
                k("skill_shares"),
                "the three shares (basic, vocational, higher) must sum to 1",
            ));
        }
        for (s, v) in &t.sector_shares {
            params::check_range(
                &format!("town[{i}].sector_shares.{}", s.name()),
                *v,
                0.0,
                1.0,
                problems,
            );
        }
        if t.kind == TownKind::Agent
            && !t.sector_shares.is_empty()
            && (t.sector_shares.values().sum::<f64>() - 1.0).abs() > 1e-6
        {
            problems.push(Problem::new(
                k("sector_shares"),
                format!(
                    "shares must sum to 1, they sum to {:.4}",
                    t.sector_shares.values().sum::<f64>()
                ),
            ));
        }
        params::check_range(&k("natural_growth"), t.natural_growth, -0.1, 0.1, problems);
        params::check_range(
            &k("external_net_migration"),
            t.external_net_migration,
            -0.1,
            0.1,
            problems,
        );
        params::check_range(
            &k("commuter_jobs"),
            t.commuter_jobs,
            0.0,
            10_000_000.0,
            problems,
        );
        params::check_range(&k("wage_growth"), t.wage_growth, -0.2, 0.2, problems);
        if t.kind == TownKind::Hub && (t.commuter_jobs > 0.0) && t.population <= 0.0 {
            problems.push(Problem::new(
                k("population"),
                "a hub offering commuter jobs needs residents",
            ));
        }
    }
    let town_ok = |name: &str| names.contains_key(name);
    let missing = |key: String, name: &str, problems: &mut Vec<Problem>| {
        let hint = closest(0.75, name, names.keys().copied())
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        problems.push(Problem::new(
            key,
            format!("town `{name}` is not defined in [[town]]{hint}"),
        ));
    };

    for (i, d) in f.distance.iter().enumerate() {
        if !town_ok(&d.from) {
            missing(format!("distance[{i}].from"), &d.from, problems);
        }
        if !town_ok(&d.to) {
            missing(format!("distance[{i}].to"), &d.to, problems);
        }
        if d.from == d.to {
            problems.push(Problem::new(
                format!("distance[{i}]"),
                "from and to are the same town",
            ));
        }
        params::check_range(&format!("distance[{i}].km"), d.km, 0.1, 20_000.0, problems);
        if let Some(h) = d.hours {
            params::check_range(&format!("distance[{i}].hours"), h, 0.01, 200.0, problems);
        }
    }

    let mut firm_names: HashMap<&str, usize> = HashMap::new();
    for (i, fs) in f.firm.iter().enumerate() {
        let k = |field: &str| format!("firm[{i}].{field}");
        if firm_names.insert(fs.name.as_str(), i).is_some() {
            problems.push(Problem::new(
                k("name"),
                format!("firm `{}` is defined twice", fs.name),
            ));
        }
        if !town_ok(&fs.town) {
            missing(k("town"), &fs.town, problems);
        } else if f.town[names[fs.town.as_str()]].kind == TownKind::Hub {
            problems.push(Problem::new(
                k("town"),
                format!(
                    "`{}` is a hub; named firms must sit in agent towns",
                    fs.town
                ),
            ));
        }
        params::check_range(&k("workforce"), fs.workforce, 1.0, 2_000_000.0, problems);
        for (field, v) in [
            ("export_share", fs.export_share),
            ("state_order_share", fs.state_order_share),
            ("local_share", fs.local_share),
            ("import_share", fs.import_share),
        ] {
            params::check_range(&k(field), v, 0.0, 1.0, problems);
        }
        if fs.export_share + fs.state_order_share + fs.local_share > 1.0 + 1e-9 {
            problems.push(Problem::new(
                k("export_share"),
                "export_share + state_order_share + local_share must be at most 1 (the rest is sold nationally)",
            ));
        }
        params::check_range(&k("wage_premium"), fs.wage_premium, 0.1, 10.0, problems);
        if fs.kind == FirmKind::Hub {
            problems.push(Problem::new(k("kind"), "`hub` firms are created by the model for hub towns; use giant, large, sme or spinoff"));
        }
    }
    // Named firms cannot employ more people than the town's labour force.
    for (ti, t) in f.town.iter().enumerate() {
        let named: f64 = f
            .firm
            .iter()
            .filter(|fs| fs.town == t.name)
            .map(|fs| fs.workforce)
            .sum();
        if t.kind == TownKind::Agent && named > 0.7 * t.population {
            problems.push(Problem::new(
                format!("town[{ti}].population"),
                format!(
                    "named firms employ {named:.0} but the town has only {:.0} residents",
                    t.population
                ),
            ));
        }
    }

    let check_window =
        |key: String, start: &DateSpec, end: &Option<DateSpec>, problems: &mut Vec<Problem>| {
            let s = start.resolve(&format!("{key}.start"), false);
            let e = end.as_ref().map(|e| e.resolve(&format!("{key}.end"), true));
            match (s, e) {
                (Err(p), _) | (_, Some(Err(p))) => problems.push(p),
                (Ok(s), Some(Ok(e))) if e < s => {
                    problems.push(Problem::new(format!("{key}.end"), "ends before it starts"))
                }
                _ => {}
            }
        };
    let check_towns = |key: String, towns: &[String], problems: &mut Vec<Problem>| {
        for (j, t) in towns.iter().enumerate() {
            if !town_ok(t) {
                missing(format!("{key}.towns[{j}]"), t, problems);
            }
        }
    };
    for (i, p) in f.policy.iter().enumerate() {
        let key = format!("policy[{i}]");
        let (start, end, towns) = p.window();
        check_window(key.clone(), start, end, problems);
        check_towns(key.clone(), towns, problems);
        for (param, value) in p.numeric_values() {
            param.check(&key, value, problems);
        }
    }
    // A shock names a named firm; it resolves to that firm's id before the run starts.
    let check_firm = |key: String, firm: &str, problems: &mut Vec<Problem>| {
        if !firm_names.contains_key(firm) {
            let hint = closest(0.75, firm, firm_names.keys().copied())
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            problems.push(Problem::new(
                key,
                format!("firm `{firm}` is not defined in [[firm]]{hint}"),
            ));
        }
    };
    for (i, s) in f.shock.iter().enumerate() {
        let key = format!("shock[{i}]");
        let (start, end) = s.window();
        check_window(key.clone(), start, end, problems);
        type P = ShockParams;
        match s {
            ShockSpec::WorldPrice { multiplier, .. } => {
                P::WORLD_PRICE_MULTIPLIER.check(&key, *multiplier, problems)
            }
            ShockSpec::Sanctions {
                import_cost_multiplier,
                ..
            } => P::SANCTIONS_IMPORT_COST_MULTIPLIER.check(&key, *import_cost_multiplier, problems),
            ShockSpec::PlantClosure { firm, share, .. } => {
                P::PLANT_CLOSURE_SHARE.check(&key, *share, problems);
                check_firm(format!("{key}.firm"), firm, problems);
            }
            ShockSpec::Crisis {
                demand,
                mortality,
                fertility,
                ..
            } => {
                P::CRISIS_DEMAND.check(&key, *demand, problems);
                P::CRISIS_MORTALITY.check(&key, *mortality, problems);
                P::CRISIS_FERTILITY.check(&key, *fertility, problems);
            }
            ShockSpec::StateOrders { multiplier, .. } => {
                P::STATE_ORDERS_MULTIPLIER.check(&key, *multiplier, problems)
            }
            ShockSpec::Restructure { firm, units, .. } => {
                check_firm(format!("{key}.firm"), firm, problems);
                if units.is_empty() || units.len() > 100 {
                    problems.push(Problem::new(
                        format!("{key}.units"),
                        "needs between 1 and 100 units",
                    ));
                }
                for (j, u) in units.iter().enumerate() {
                    P::RESTRUCTURE_UNIT_SHARE.check(
                        &format!("{key}.units[{j}]"),
                        u.share,
                        problems,
                    );
                }
                if units.iter().map(|u| u.share).sum::<f64>() > 1.0 + 1e-9 {
                    problems.push(Problem::new(
                        format!("{key}.units"),
                        "unit shares must sum to at most 1",
                    ));
                }
            }
        }
    }
}

/// The smallest scale at which a town of `population` real persons gets at least one agent
/// (the model creates `round(population x scale)` agents).
pub fn smallest_scale_for(population: f64) -> f64 {
    let mut scale = 0.5 / population;
    while (population * scale).round() < 1.0 {
        scale = scale.next_up();
    }
    scale
}

/// A scale so small that an agent town with residents gets no agent at all would be a
/// silent empty run: name the towns and the smallest valid scale.
fn check_every_town_gets_agents(f: &ScenarioFile, problems: &mut Vec<Problem>) {
    let scale = f.run.scale;
    let empty: Vec<&TownSpec> = f
        .town
        .iter()
        .filter(|t| t.kind == TownKind::Agent && t.population >= 1.0)
        .filter(|t| (t.population * scale).round() < 1.0)
        .collect();
    let Some(first) = empty.first() else {
        return;
    };
    let smallest = f
        .town
        .iter()
        .filter(|t| t.kind == TownKind::Agent && t.population >= 1.0)
        .map(|t| smallest_scale_for(t.population))
        .fold(0.0, f64::max);
    let others = if empty.len() > 1 {
        format!(
            " (nor would {})",
            empty[1..]
                .iter()
                .map(|t| format!("`{}`", t.name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        String::new()
    };
    problems.push(Problem::new(
        "run.scale",
        format!(
            "value {scale} leaves town `{}` (population {}) without any agent{others}; the smallest valid scale for this scenario is {smallest:e}",
            first.name, first.population
        ),
    ));
}

fn validate_path(name: &str, path: &Path2, problems: &mut Vec<Problem>) {
    if path.is_empty() {
        problems.push(Problem::new(name, "needs at least one [year, value] point"));
    }
    for (i, w) in path.windows(2).enumerate() {
        if w[1][0] <= w[0][0] {
            problems.push(Problem::new(
                format!("{name}[{}]", i + 1),
                "years must increase",
            ));
        }
    }
    for (i, p) in path.iter().enumerate() {
        params::check_range(&format!("{name}[{i}][1]"), p[1], 0.0, 1000.0, problems);
    }
}

/// The candidate most similar to `name` (Jaro–Winkler), if its similarity exceeds
/// `min_score`: the "did you mean" of every unknown-name error.
pub(crate) fn closest<'a>(
    min_score: f64,
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(s, _)| *s > min_score)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Name of the outside option in migration tables.
pub const REST_OF_COUNTRY: &str = "rest of country";

/// Linear interpolation in a path, flat beyond its ends.
pub fn interpolate(path: &Path2, year: f64) -> f64 {
    if path.is_empty() {
        return 0.0;
    }
    if year <= path[0][0] {
        return path[0][1];
    }
    for w in path.windows(2) {
        if year <= w[1][0] {
            let t = (year - w[0][0]) / (w[1][0] - w[0][0]);
            return w[0][1] + t * (w[1][1] - w[0][1]);
        }
    }
    path[path.len() - 1][1]
}

impl PolicySpec {
    /// Start, end and towns of any policy.
    pub fn window(&self) -> (&DateSpec, &Option<DateSpec>, &[String]) {
        use PolicySpec::*;
        match self {
            WageSubsidy {
                start, end, towns, ..
            }
            | Grant {
                start, end, towns, ..
            }
            | SoftLoan {
                start, end, towns, ..
            }
            | TaxBreak {
                start, end, towns, ..
            }
            | SpecialZone {
                start, end, towns, ..
            }
            | PppRiskSharing {
                start, end, towns, ..
            }
            | Incubator {
                start, end, towns, ..
            }
            | IndustrialPark {
                start, end, towns, ..
            }
            | Training {
                start, end, towns, ..
            }
            | YouthRetention {
                start, end, towns, ..
            }
            | Infrastructure {
                start, end, towns, ..
            }
            | Relocation {
                start, end, towns, ..
            }
            | ClusterSeed {
                start, end, towns, ..
            } => (start, end, towns),
        }
    }

    /// The policy's name as in the file.
    pub fn kind_name(&self) -> &'static str {
        use PolicySpec::*;
        match self {
            WageSubsidy { .. } => "wage_subsidy",
            Grant { .. } => "grant",
            SoftLoan { .. } => "soft_loan",
            TaxBreak { .. } => "tax_break",
            SpecialZone { .. } => "special_zone",
            PppRiskSharing { .. } => "ppp_risk_sharing",
            Incubator { .. } => "incubator",
            IndustrialPark { .. } => "industrial_park",
            Training { .. } => "training",
            YouthRetention { .. } => "youth_retention",
            Infrastructure { .. } => "infrastructure",
            Relocation { .. } => "relocation",
            ClusterSeed { .. } => "cluster_seed",
        }
    }

    /// The policy's numeric fields with their parameter-table rows, for validation.
    fn numeric_values(&self) -> Vec<(SpecParam, f64)> {
        use PolicySpec::*;
        type P = PolicyParams;
        match self {
            WageSubsidy { share, .. } => vec![(P::WAGE_SUBSIDY_SHARE, *share)],
            Grant {
                krub_per_worker, ..
            } => vec![(P::GRANT_KRUB_PER_WORKER, *krub_per_worker)],
            SoftLoan { rate_cut, .. } => vec![(P::SOFT_LOAN_RATE_CUT, *rate_cut)],
            TaxBreak {
                share,
                max_age_years,
                ..
            } => vec![
                (P::TAX_BREAK_SHARE, *share),
                (P::TAX_BREAK_MAX_AGE_YEARS, *max_age_years),
            ],
            SpecialZone {
                startup_multiplier,
                tax_break_share,
                max_age_years,
                ..
            } => vec![
                (P::SPECIAL_ZONE_STARTUP_MULTIPLIER, *startup_multiplier),
                (P::SPECIAL_ZONE_TAX_BREAK_SHARE, *tax_break_share),
                (P::SPECIAL_ZONE_MAX_AGE_YEARS, *max_age_years),
            ],
            PppRiskSharing { loss_share, .. } => {
                vec![(P::PPP_RISK_SHARING_LOSS_SHARE, *loss_share)]
            }
            Incubator {
                startup_multiplier, ..
            } => vec![(P::INCUBATOR_STARTUP_MULTIPLIER, *startup_multiplier)],
            IndustrialPark {
                link_multiplier, ..
            } => vec![(P::INDUSTRIAL_PARK_LINK_MULTIPLIER, *link_multiplier)],
            Training {
                upgrade_per_year, ..
            } => vec![(P::TRAINING_UPGRADE_PER_YEAR, *upgrade_per_year)],
            YouthRetention { hazard_cut, .. } => vec![(P::YOUTH_RETENTION_HAZARD_CUT, *hazard_cut)],
            Infrastructure {
                travel_time_multiplier,
                ..
            } => vec![(
                P::INFRASTRUCTURE_TRAVEL_TIME_MULTIPLIER,
                *travel_time_multiplier,
            )],
            Relocation {
                firms_per_year,
                size,
                ..
            } => vec![
                (P::RELOCATION_FIRMS_PER_YEAR, *firms_per_year),
                (P::RELOCATION_SIZE, *size),
            ],
            ClusterSeed {
                link_multiplier, ..
            } => vec![(P::CLUSTER_SEED_LINK_MULTIPLIER, *link_multiplier)],
        }
    }
}

impl ShockSpec {
    /// Start and end of any shock.
    pub fn window(&self) -> (&DateSpec, &Option<DateSpec>) {
        use ShockSpec::*;
        match self {
            WorldPrice { start, end, .. }
            | Sanctions { start, end, .. }
            | PlantClosure { start, end, .. }
            | Crisis { start, end, .. }
            | StateOrders { start, end, .. }
            | Restructure { start, end, .. } => (start, end),
        }
    }

    /// The shock's name as in the file.
    pub fn kind_name(&self) -> &'static str {
        use ShockSpec::*;
        match self {
            WorldPrice { .. } => "world_price",
            Sanctions { .. } => "sanctions",
            PlantClosure { .. } => "plant_closure",
            Crisis { .. } => "crisis",
            StateOrders { .. } => "state_orders",
            Restructure { .. } => "restructure",
        }
    }
}

/// The three built-in scenarios, embedded in the binary.
pub const DEFAULT_SCENARIOS: [(&str, &str); 3] = [
    (
        "nizhny_tagil",
        include_str!("../../scenarios/nizhny_tagil.toml"),
    ),
    ("biysk", include_str!("../../scenarios/biysk.toml")),
    (
        "novokuznetsk",
        include_str!("../../scenarios/novokuznetsk.toml"),
    ),
];

/// Load an embedded default scenario by name.
pub fn embedded(name: &str) -> Option<Result<Scenario, ScenarioError>> {
    DEFAULT_SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| Scenario::from_toml(text, &PathBuf::from(format!("scenarios/{n}.toml"))))
}
