//! The raw scenario file as written in TOML: one serde type per table, every one rejecting
//! unknown keys, with the defaults a missing key takes. Nothing here is checked: the rules
//! are in the sibling `validate` module, and [`super::Params`] is the validated form.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::error::Problem;
use super::params::{
    Clusters, Demography, Firms, Informal, Labour, Migration, PolicyParams, Seasonality,
    ShockParams, Towns,
};
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
    /// Domestic input prices (energy, materials) rise relative to output prices: the
    /// relative-price shock of price liberalisation.
    InputPrice {
        /// When.
        start: DateSpec,
        /// Until.
        #[serde(default)]
        end: Option<DateSpec>,
        /// Multiplier on the cost of all intermediate inputs.
        multiplier: f64,
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
    /// Seasonal demand profiles and weather shocks (inert by default).
    #[serde(default)]
    pub seasonality: Seasonality,
    /// Informal employment (off by default; left out of a written file when all defaults,
    /// so that files written before it existed read back the same).
    #[serde(default, skip_serializing_if = "Informal::is_default")]
    pub informal: Informal,
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
}

impl ShockSpec {
    /// Start and end of any shock.
    pub fn window(&self) -> (&DateSpec, &Option<DateSpec>) {
        use ShockSpec::*;
        match self {
            WorldPrice { start, end, .. }
            | Sanctions { start, end, .. }
            | InputPrice { start, end, .. }
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
            InputPrice { .. } => "input_price",
            PlantClosure { .. } => "plant_closure",
            Crisis { .. } => "crisis",
            StateOrders { .. } => "state_orders",
            Restructure { .. } => "restructure",
        }
    }
}
