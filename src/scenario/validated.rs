//! Stage two of scenario handling: the validated, immutable [`Params`] a run reads.
//!
//! As ripgrep turns its raw `LowArgs` into checked `HiArgs`, `Params::try_from(&file)`
//! checks every rule of a raw [`ScenarioFile`] (all problems at once, each naming its key
//! path) and resolves every name into a typed id before the run starts: towns into
//! [`TownId`], the firm named by a shock into the [`FirmId`] of that named firm, holdings
//! into [`HoldingId`], dates into month indices. Fields are private; accessors hand out
//! shared references, so nothing can change a validated value.

use std::collections::HashMap;

use super::interventions::{Policy, Shock, ShockKind, Unit, lever};
use super::{
    Clusters, DateSpec, Demography, Firms, Informal, Institution, Labour, Migration, Path2,
    Problem, ScenarioFile, ShockSpec, TownKind, Towns, month_index,
};
use crate::firms::{FirmKind, Owner, Sector};
use crate::ids::{FirmId, HoldingId, TownId};
use crate::markets::season::SeasonalDemand;

/// One town of the scenario, with its id.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Town {
    /// Its id: its position in the scenario's town list.
    pub id: TownId,
    /// Name, as in the observed data.
    pub name: String,
    /// Agent town or aggregate hub.
    pub kind: TownKind,
    /// Residents at the start year (real persons).
    pub population: f64,
    /// Mean base wage at the start (thousand RUB/month, 2010 prices).
    pub wage_krub: f64,
    /// Unemployment rate at the start.
    pub unemployment_rate: f64,
    /// Amenity index (1.0 is an ordinary Russian town).
    pub amenity: f64,
    /// Monthly housing cost (thousand RUB, 2010 prices).
    pub housing_cost_krub: f64,
    /// Shares of adults by skill: basic, vocational, higher.
    pub skill_shares: [f64; 3],
    /// Shares of the jobs not held by named firms, by sector, in sector order (empty: the
    /// model's default mix).
    pub sector_shares: Vec<(Sector, f64)>,
    /// Institutions present from the start.
    pub institutions: Vec<Institution>,
    /// Hubs only: natural growth rate per year.
    pub natural_growth: f64,
    /// Hubs only: net migration from outside the model per year, as a share of population.
    pub external_net_migration: f64,
    /// Hubs only: jobs open to commuters (real persons).
    pub commuter_jobs: f64,
    /// Hubs only: trend growth of the hub's wage per year.
    pub wage_growth: f64,
}

/// A distance between two towns, with the travel time resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Distance {
    /// One town.
    pub from: TownId,
    /// The other town.
    pub to: TownId,
    /// Road or rail distance (km).
    pub km: f64,
    /// One-way travel time (hours): as given, else `km / labour.travel_speed_kmh`.
    pub hours: f64,
}

/// A holding company deciding for its plants from outside their towns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Holding {
    /// Its id, in order of first mention among the named firms.
    pub id: HoldingId,
    /// Name.
    pub name: String,
}

/// A named firm of the scenario. The model creates the named firms first and in file
/// order, so `id` is the firm's id in the model.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NamedFirm {
    /// Its id in the model.
    pub id: FirmId,
    /// Name (unique).
    pub name: String,
    /// Town where it sits (an agent town).
    pub town: TownId,
    /// Sector.
    pub sector: Sector,
    /// Kind.
    pub kind: FirmKind,
    /// Owner type.
    pub owner: Owner,
    /// Holding company, if any.
    pub holding: Option<HoldingId>,
    /// Workforce at the start (real persons).
    pub workforce: f64,
    /// Share of output exported.
    pub export_share: f64,
    /// Share of output sold under state orders.
    pub state_order_share: f64,
    /// Share of output sold in the town.
    pub local_share: f64,
    /// Share of costs spent on imported inputs.
    pub import_share: f64,
    /// Keeps jobs through losses.
    pub social_role: bool,
    /// Base wage relative to the town's mean wage.
    pub wage_premium: f64,
}

/// The validated, immutable parameters of a scenario. Built by `Params::try_from(&file)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    name: String,
    description: String,
    start_year: i32,
    end_year: i32,
    seed: u64,
    scale: f64,
    demography: Demography,
    labour: Labour,
    firms: Firms,
    migration: Migration,
    clusters: Clusters,
    towns: Towns,
    seasonality: SeasonalDemand,
    informal: Informal,
    national_unemployment_rate: Path2,
    national_wage_krub: Path2,
    age_shares: Vec<f64>,
    town_list: Vec<Town>,
    town_ids: HashMap<String, TownId>,
    distances: Vec<Distance>,
    named_firms: Vec<NamedFirm>,
    holdings: Vec<Holding>,
    policies: Vec<Policy>,
    shocks: Vec<Shock>,
}

impl TryFrom<&ScenarioFile> for Params {
    /// Everything found wrong, each naming its key path.
    type Error = Vec<Problem>;

    fn try_from(file: &ScenarioFile) -> Result<Params, Vec<Problem>> {
        let mut problems = Vec::new();
        super::validate(file, &mut problems);
        if problems.is_empty() {
            Ok(resolve(file))
        } else {
            Err(problems)
        }
    }
}

impl TryFrom<ScenarioFile> for Params {
    type Error = Vec<Problem>;

    fn try_from(file: ScenarioFile) -> Result<Params, Vec<Problem>> {
        Params::try_from(&file)
    }
}

const VALIDATED: &str = "checked by scenario::validate";

fn month(date: &DateSpec, is_end: bool) -> i32 {
    date.resolve("", is_end).expect(VALIDATED)
}

fn window(start: &DateSpec, end: &Option<DateSpec>) -> (i32, i32) {
    (
        month(start, false),
        end.as_ref().map_or(i32::MAX, |e| month(e, true)),
    )
}

/// Resolve a file that passed validation: every name into its id.
fn resolve(f: &ScenarioFile) -> Params {
    let town_ids: HashMap<String, TownId> = f
        .town
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), town_id(i)))
        .collect();
    let town = |name: &str| *town_ids.get(name).expect(VALIDATED);
    let town_list = f
        .town
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut sector_shares: Vec<(Sector, f64)> =
                t.sector_shares.iter().map(|(k, v)| (*k, *v)).collect();
            sector_shares.sort_by_key(|(k, _)| k.index());
            Town {
                id: town_id(i),
                name: t.name.clone(),
                kind: t.kind,
                population: t.population,
                wage_krub: t.wage_krub,
                unemployment_rate: t.unemployment_rate,
                amenity: t.amenity,
                housing_cost_krub: t.housing_cost_krub,
                skill_shares: t.skill_shares,
                sector_shares,
                institutions: t.institutions.clone(),
                natural_growth: t.natural_growth,
                external_net_migration: t.external_net_migration,
                commuter_jobs: t.commuter_jobs,
                wage_growth: t.wage_growth,
            }
        })
        .collect::<Vec<_>>();
    let distances = f
        .distance
        .iter()
        .map(|d| Distance {
            from: town(&d.from),
            to: town(&d.to),
            km: d.km,
            hours: d.hours.unwrap_or(d.km / f.labour.travel_speed_kmh),
        })
        .collect();

    let mut holdings: Vec<Holding> = Vec::new();
    let named_firms: Vec<NamedFirm> = f
        .firm
        .iter()
        .enumerate()
        .map(|(i, fs)| {
            let holding =
                fs.holding
                    .as_ref()
                    .map(|h| match holdings.iter().find(|x| &x.name == h) {
                        Some(x) => x.id,
                        None => {
                            let id = HoldingId(u16::try_from(holdings.len()).expect(VALIDATED));
                            holdings.push(Holding {
                                id,
                                name: h.clone(),
                            });
                            id
                        }
                    });
            NamedFirm {
                id: FirmId::from_index(i),
                name: fs.name.clone(),
                town: town(&fs.town),
                sector: fs.sector,
                kind: fs.kind,
                owner: fs.owner,
                holding,
                workforce: fs.workforce,
                export_share: fs.export_share,
                state_order_share: fs.state_order_share,
                local_share: fs.local_share,
                import_share: fs.import_share,
                social_role: fs.social_role,
                wage_premium: fs.wage_premium,
            }
        })
        .collect();
    let firm_ids: HashMap<&str, FirmId> = named_firms
        .iter()
        .map(|nf| (nf.name.as_str(), nf.id))
        .collect();
    let firm = |name: &str| *firm_ids.get(name).expect(VALIDATED);

    let agent_towns: Vec<TownId> = town_list
        .iter()
        .filter(|t| t.kind == TownKind::Agent)
        .map(|t| t.id)
        .collect();
    let policies = f
        .policy
        .iter()
        .map(|p| {
            let (start, end, towns) = p.window();
            let (start_month, end_month) = window(start, end);
            let towns = if towns.is_empty() {
                agent_towns.clone()
            } else {
                towns.iter().map(|t| town(t)).collect()
            };
            Policy {
                start_month,
                end_month,
                towns,
                name: p.kind_name(),
                lever: lever(p),
            }
        })
        .collect();
    let shocks = f
        .shock
        .iter()
        .map(|x| {
            let (start, end) = x.window();
            let (start_month, end_month) = window(start, end);
            let kind = match x {
                ShockSpec::WorldPrice {
                    sector, multiplier, ..
                } => ShockKind::WorldPrice {
                    sector: *sector,
                    multiplier: *multiplier,
                },
                ShockSpec::Sanctions {
                    import_cost_multiplier,
                    ..
                } => ShockKind::Sanctions {
                    import_cost_multiplier: *import_cost_multiplier,
                },
                ShockSpec::InputPrice { multiplier, .. } => ShockKind::InputPrice {
                    multiplier: *multiplier,
                },
                ShockSpec::PlantClosure {
                    firm: name, share, ..
                } => ShockKind::PlantClosure {
                    firm: firm(name),
                    share: *share,
                },
                ShockSpec::Crisis {
                    demand,
                    mortality,
                    fertility,
                    ..
                } => ShockKind::Crisis {
                    demand: *demand,
                    mortality: *mortality,
                    fertility: *fertility,
                },
                ShockSpec::StateOrders { multiplier, .. } => ShockKind::StateOrders {
                    multiplier: *multiplier,
                },
                ShockSpec::Restructure {
                    firm: name, units, ..
                } => ShockKind::Restructure {
                    firm: firm(name),
                    units: units
                        .iter()
                        .map(|u| Unit {
                            name: u.name.clone(),
                            sector: u.sector,
                            share: u.share,
                        })
                        .collect(),
                },
            };
            Shock {
                start_month,
                end_month,
                name: x.kind_name(),
                kind,
            }
        })
        .collect();

    Params {
        name: f.run.name.clone(),
        description: f.run.description.clone(),
        start_year: f.run.start_year,
        end_year: f.run.end_year,
        seed: f.run.seed,
        scale: f.run.scale,
        demography: f.demography.clone(),
        labour: f.labour.clone(),
        firms: f.firms.clone(),
        migration: f.migration.clone(),
        clusters: f.clusters.clone(),
        towns: f.towns.clone(),
        seasonality: SeasonalDemand::from_section(&f.seasonality),
        informal: f.informal.clone(),
        national_unemployment_rate: f.national.unemployment_rate.clone(),
        national_wage_krub: f.national.wage_krub.clone(),
        age_shares: f.age_shares.clone(),
        town_list,
        town_ids,
        distances,
        named_firms,
        holdings,
        policies,
        shocks,
    }
}

fn town_id(index: usize) -> TownId {
    TownId(u16::try_from(index).expect(VALIDATED))
}

impl Params {
    /// Short name of the scenario (names the output folder).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Free text shown in reports.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// First simulated year (from January).
    pub fn start_year(&self) -> i32 {
        self.start_year
    }

    /// Last simulated year (through December).
    pub fn end_year(&self) -> i32 {
        self.end_year
    }

    /// First simulated month (absolute month index, `year * 12 + month - 1`).
    pub fn start_month(&self) -> i32 {
        month_index(self.start_year, 1)
    }

    /// Last simulated month (absolute month index).
    pub fn end_month(&self) -> i32 {
        month_index(self.end_year, 12)
    }

    /// Number of simulated months.
    pub fn months(&self) -> u32 {
        ((self.end_year - self.start_year + 1) * 12) as u32
    }

    /// Master seed of the scenario (a run may use another).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Agents per real person, in (0, 1]; every agent town with residents gets at least
    /// one agent.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Demography parameters.
    pub fn demography(&self) -> &Demography {
        &self.demography
    }

    /// Labour-market parameters.
    pub fn labour(&self) -> &Labour {
        &self.labour
    }

    /// Firm behaviour parameters (the `firms` section; the named firms are
    /// [`Params::named_firms`]).
    pub fn firms(&self) -> &Firms {
        &self.firms
    }

    /// Migration parameters.
    pub fn migration(&self) -> &Migration {
        &self.migration
    }

    /// Cluster parameters.
    pub fn clusters(&self) -> &Clusters {
        &self.clusters
    }

    /// Town-level parameters (the `towns` section; the towns themselves are
    /// [`Params::town_list`]).
    pub fn towns(&self) -> &Towns {
        &self.towns
    }

    /// Seasonal demand profiles and weather shocks (`[seasonality]`; flat by default).
    pub fn seasonality(&self) -> &SeasonalDemand {
        &self.seasonality
    }

    /// Informal employment (the `informal` section; off by default).
    pub fn informal(&self) -> &Informal {
        &self.informal
    }

    /// National unemployment rate by year: `[[year, rate], ...]`, years increasing.
    pub fn national_unemployment_rate(&self) -> &Path2 {
        &self.national_unemployment_rate
    }

    /// National mean wage by year (thousand RUB/month, 2010 prices), years increasing.
    pub fn national_wage_krub(&self) -> &Path2 {
        &self.national_wage_krub
    }

    /// Age structure at the start: shares of the 20 five-year bands 0-4 ... 95-99.
    pub fn age_shares(&self) -> &[f64] {
        &self.age_shares
    }

    /// All towns (agent towns and hubs), indexed by [`TownId`].
    pub fn town_list(&self) -> &[Town] {
        &self.town_list
    }

    /// One town.
    pub fn town(&self, id: TownId) -> &Town {
        &self.town_list[id.index()]
    }

    /// The id of the town called `name`.
    pub fn town_id(&self, name: &str) -> Option<TownId> {
        self.town_ids.get(name).copied()
    }

    /// Ids of the agent towns (not hubs), in order.
    pub fn agent_towns(&self) -> impl Iterator<Item = TownId> + '_ {
        self.town_list
            .iter()
            .filter(|t| t.kind == TownKind::Agent)
            .map(|t| t.id)
    }

    /// Given distances between towns, in file order.
    pub fn distances(&self) -> &[Distance] {
        &self.distances
    }

    /// The named firms, in file order: the model's first firms, so that
    /// `named_firms()[i].id == FirmId::from_index(i)`.
    pub fn named_firms(&self) -> &[NamedFirm] {
        &self.named_firms
    }

    /// Holding companies, indexed by [`HoldingId`].
    pub fn holdings(&self) -> &[Holding] {
        &self.holdings
    }

    /// Scheduled policies, in file order.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// Scheduled shocks, in file order.
    pub fn shocks(&self) -> &[Shock] {
        &self.shocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_file;
    use std::path::Path;

    const TINY: &str = include_str!("../../tests/data/tiny.toml");

    fn file() -> ScenarioFile {
        parse_file(TINY, Path::new("tiny.toml")).unwrap()
    }

    #[test]
    fn towns_firms_and_holdings_resolve_to_ids_in_file_order() {
        let f = file();
        let p = Params::try_from(&f).unwrap();
        assert_eq!(p.town_list().len(), f.town.len());
        for (i, t) in f.town.iter().enumerate() {
            let id = p.town_id(&t.name).unwrap();
            assert_eq!(id.index(), i);
            assert_eq!(p.town(id).name, t.name);
        }
        for (i, fs) in f.firm.iter().enumerate() {
            let nf = &p.named_firms()[i];
            assert_eq!(nf.id, FirmId::from_index(i));
            assert_eq!(nf.town, p.town_id(&fs.town).unwrap());
            assert_eq!(
                nf.holding.map(|h| p.holdings()[h.index()].name.as_str()),
                fs.holding.as_deref()
            );
        }
        for (d, ds) in p.distances().iter().zip(&f.distance) {
            assert_eq!(p.town(d.from).name, ds.from);
            assert_eq!(p.town(d.to).name, ds.to);
            assert_eq!(
                d.hours,
                ds.hours.unwrap_or(ds.km / f.labour.travel_speed_kmh)
            );
        }
    }

    #[test]
    fn a_restructured_firm_resolves_to_its_named_firm_id() {
        let p = Params::try_from(file()).unwrap();
        let combine = p
            .named_firms()
            .iter()
            .find(|nf| nf.name == "Beta combine")
            .unwrap()
            .id;
        let restructure = p
            .shocks()
            .iter()
            .find_map(|s| match &s.kind {
                ShockKind::Restructure { firm, units } => Some((*firm, units.len())),
                _ => None,
            })
            .unwrap();
        assert_eq!(restructure, (combine, 2));
    }

    #[test]
    fn a_shock_naming_an_unknown_firm_is_a_validation_error() {
        let mut f = file();
        let i = f
            .shock
            .iter()
            .position(|s| matches!(s, ShockSpec::Restructure { .. }))
            .unwrap();
        if let ShockSpec::Restructure { firm, .. } = &mut f.shock[i] {
            *firm = "Beta combin".into();
        }
        let problems = Params::try_from(&f).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].key, format!("shock[{i}].firm"));
        assert!(
            problems[0].message.contains("`Beta combin`")
                && problems[0].message.contains("did you mean `Beta combine`"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn a_policy_without_towns_applies_to_every_agent_town() {
        let p = Params::try_from(file()).unwrap();
        let agents: Vec<TownId> = p.agent_towns().collect();
        assert!(agents.iter().all(|&t| p.town(t).kind == TownKind::Agent));
        for (policy, spec) in p.policies().iter().zip(&file().policy) {
            let (_, _, towns) = spec.window();
            if towns.is_empty() {
                assert_eq!(policy.towns, agents);
            } else {
                let names: Vec<&str> = policy
                    .towns
                    .iter()
                    .map(|&t| p.town(t).name.as_str())
                    .collect();
                assert_eq!(names, towns.iter().map(String::as_str).collect::<Vec<_>>());
            }
            assert_eq!(policy.name, spec.kind_name());
        }
    }

    #[test]
    fn open_ended_windows_end_at_the_last_month_index() {
        let p = Params::try_from(file()).unwrap();
        for s in p.shocks() {
            assert!(s.start_month <= s.end_month);
        }
        assert!(p.policies().iter().any(|x| x.end_month == i32::MAX));
    }
}
