//! Initialisation: the model's first state ([`model`]): towns, named and generated firms,
//! people and their jobs.
//!
//! People are drawn town by town from the scenario's age structure and skill shares;
//! the named firms (giants) take their workforce, and the remaining jobs of each town are
//! spread over generated firms whose sizes follow a truncated Pareto (Zipf) law, by the
//! town's sector shares. Workers are assigned to job slots in a shuffled order. Firms
//! start in balance: productivity is set so that revenue covers costs with the initial
//! margin, and base demand equals output.
//!
//! The geography (distances, travel times, the initial network ties between towns) is
//! built here too.

use std::sync::Arc;

use super::Model;
use super::observe::Records;
use crate::clusters::ClusterState;
use crate::firms::{Firm, FirmKind, Owner, Sector, balanced_productivity, sector_wage};
use crate::ids::{FirmId, PersonId, TownId};
use crate::markets::goods::MarketShares;
use crate::markets::prices::WorldPrices;
use crate::people::People;
use crate::people::households::{HouseholdRules, form_initial};
use crate::people::month::initial_counts;
use crate::people::{NewPerson, Skill};
use crate::policy::Schedule;
use crate::rng::{Process, Stream};
use crate::scenario::{Demography, Firms, Params, Scenario, Town as ScenarioTown, TownKind};
use crate::towns::Town;

/// Width of the scenario's age bands (`age_shares` are shares of 5-year bands).
const AGE_SHARE_BAND_MONTHS: f64 = 60.0;

/// The initial state of a validated scenario with the given seed, at the scenario's
/// validated scale: geography, towns, the policy schedule, then firms and people
/// ([`populate`]) and their aggregates standing in for "last month".
pub fn model(scenario: Scenario, seed: u64) -> Model {
    let p = scenario.params();
    let scale = p.scale();
    let n = p.town_list().len();
    let nd = n + 1;
    let start_month = p.start_month();
    let (km, base_hours) = distances(p);
    let network = initial_network(p, &km);
    let schedule = Schedule::new(&scenario);
    let mut model = Model {
        seed,
        scale,
        month: start_month,
        start_month,
        people: People::default(),
        firms: Vec::new(),
        towns: towns(p),
        holdings: Vec::new(),
        next_serial: 0,
        km,
        base_hours,
        network,
        prices: WorldPrices::default(),
        clusters: ClusterState::default(),
        cluster_size: Vec::new(),
        market_size: Vec::new(),
        schedule,
        records: Records::default(),
        last: Vec::new(),
        od_year: vec![0.0; nd * nd],
        od_year_young: vec![0.0; nd * nd],
        person_months: 0,
        scenario: Arc::new(scenario),
    };
    let scenario = Arc::clone(&model.scenario);
    populate(&mut model, scenario.params());
    model.cluster_size = vec![0; model.firms.len()];
    model.last = initial_counts(scenario.params(), &model.people, model.month, n);
    model
}

/// The towns at the start.
pub fn towns(p: &Params) -> Vec<Town> {
    p.town_list()
        .iter()
        .map(|t| {
            Town::new(
                t.name.clone(),
                t.kind == TownKind::Hub,
                t.population,
                t.wage_krub,
                t.amenity,
                t.housing_cost_krub,
            )
        })
        .collect()
}

/// Distances `[from][to]` over towns plus the rest of the country (km) and travel hours
/// between towns (n x n, before infrastructure policies). Pairs without a given
/// distance are far (the rest-of-country distance), unless a common neighbour links them.
pub fn distances(params: &Params) -> (Vec<f64>, Vec<f64>) {
    let n = params.town_list().len();
    let nd = n + 1;
    let far = params.migration().rest_of_country_km;
    let mut km = vec![far; nd * nd];
    let mut hours = vec![f64::INFINITY; n * n];
    for i in 0..nd {
        km[i * nd + i] = 0.0;
    }
    for i in 0..n {
        hours[i * n + i] = 0.0;
    }
    for d in params.distances() {
        let (a, b) = (d.from.index(), d.to.index());
        km[a * nd + b] = d.km;
        km[b * nd + a] = d.km;
        let h = d.hours;
        hours[a * n + b] = h;
        hours[b * n + a] = h;
    }
    // Pairs without a distance: through a common neighbour when one exists.
    for a in 0..n {
        for b in 0..n {
            if a != b && km[a * nd + b] >= far {
                let via = (0..n)
                    .map(|c| km[a * nd + c] + km[c * nd + b])
                    .fold(f64::INFINITY, f64::min);
                if via < far {
                    km[a * nd + b] = via;
                    hours[a * n + b] = via / params.labour().travel_speed_kmh;
                }
            }
        }
    }
    (km, hours)
}

/// Initial network stock `[origin][destination]` (real persons): a share of the
/// destination's population, decaying with distance.
pub fn initial_network(params: &Params, km: &[f64]) -> Vec<f64> {
    let n = params.town_list().len();
    let nd = n + 1;
    let mut network = vec![0.0; nd * nd];
    for o in 0..n {
        for d in 0..n {
            if o != d {
                network[o * nd + d] = params.migration().network_initial_share
                    * params.town_list()[d].population
                    / (1.0 + km[o * nd + d] / params.migration().distance_scale_km);
            }
        }
    }
    network
}

/// What sets an initial firm apart; the rest of its state follows from the firm
/// parameters (balanced accounts at the initial margin).
struct FirmParts {
    name: String,
    town: usize,
    sector: Sector,
    kind: FirmKind,
    owner: Owner,
    workforce_agents: f64,
    base_wage: f64,
    /// Export, state-order and local shares of sales.
    markets: (f64, f64, f64),
    import_share: f64,
    social_role: bool,
    /// Real firms this firm stands for.
    weight: f64,
    month: i32,
}

fn firm_from_parts(parts: FirmParts, p: &Firms) -> Firm {
    let FirmParts {
        name,
        town,
        sector,
        kind,
        owner,
        workforce_agents,
        base_wage,
        markets,
        import_share,
        social_role,
        weight,
        month,
    } = parts;
    let productivity = balanced_productivity(base_wage, p);
    Firm {
        name,
        town: TownId(town as u16),
        sector,
        kind,
        owner,
        weight,
        born_month: month,
        target: workforce_agents,
        base_wage,
        productivity,
        base_demand: productivity * workforce_agents,
        export_share: markets.0,
        state_order_share: markets.1,
        local_share: markets.2,
        import_share,
        social_role,
        capital: p.capital_months_of_output * productivity * workforce_agents,
        cash: p.initial_cash_months * workforce_agents * base_wage * (1.0 + p.payroll_tax),
        ..Firm::neutral()
    }
}

/// The scenario's named firms, in file order (so that a firm named in a shock has the
/// id validation gave it), and the holdings that own them, in order of first appearance.
fn named_firms(model: &mut Model, params: &Params) {
    let (scale, start) = (model.scale, model.month);
    for named in params.named_firms() {
        let town = named.town.index();
        let mut firm = firm_from_parts(
            FirmParts {
                name: named.name.clone(),
                town,
                sector: named.sector,
                kind: named.kind,
                owner: named.owner,
                workforce_agents: (named.workforce * scale).round().max(1.0),
                base_wage: params.town(named.town).wage_krub * named.wage_premium,
                markets: (
                    named.export_share,
                    named.state_order_share,
                    named.local_share,
                ),
                import_share: named.import_share,
                social_role: named.social_role,
                weight: 1.0,
                month: start,
            },
            params.firms(),
        );
        firm.holding = named.holding;
        model.firms.push(firm);
    }
    model.holdings = params.holdings().iter().map(|h| h.name.clone()).collect();
}

/// The job pools hubs offer commuters.
fn hub_job_pools(model: &mut Model, params: &Params) {
    let (scale, start) = (model.scale, model.month);
    for (t, ts) in params.town_list().iter().enumerate() {
        if ts.kind == TownKind::Hub && ts.commuter_jobs > 0.0 {
            let mut firm = firm_from_parts(
                FirmParts {
                    name: format!("{} (jobs for commuters)", ts.name),
                    town: t,
                    sector: Sector::LocalServices,
                    kind: FirmKind::Hub,
                    owner: Owner::Local,
                    workforce_agents: ts.commuter_jobs * scale,
                    base_wage: ts.wage_krub,
                    markets: (0.0, 0.0, 0.0),
                    import_share: 0.0,
                    social_role: false,
                    weight: 1.0,
                    month: start,
                },
                params.firms(),
            );
            firm.target = ts.commuter_jobs * scale;
            model.firms.push(firm);
        }
    }
}

/// Generated firms of town `t` for the `employed` jobs its named firms leave, by the
/// town's sector shares, with sizes from a truncated Pareto (Zipf) law and ages spread
/// over the past. Industrial firms start at `firms.registered_firm_min_workers` (the
/// registered enterprises; micro-firms are aggregated into them), so their count follows
/// from the town's industrial jobs.
fn generated_firms(model: &mut Model, params: &Params, t: usize, employed: usize) {
    let (scale, seed, start) = (model.scale, model.seed, model.month);
    let ts = &params.town_list()[t];
    let named: Vec<usize> = (0..model.firms.len())
        .filter(|&i| model.firms[i].town.index() == t && model.firms[i].kind != FirmKind::Hub)
        .collect();
    let named_jobs: f64 = named.iter().map(|&i| model.firms[i].target).sum();
    let remaining = (employed as f64 - named_jobs).max(0.0);
    let shares: Vec<(Sector, f64)> = if ts.sector_shares.is_empty() {
        vec![
            (
                Sector::LocalServices,
                params.firms().default_local_services_share,
            ),
            (
                Sector::PublicSector,
                params.firms().default_public_sector_share,
            ),
        ]
    } else {
        ts.sector_shares.clone()
    };
    let p = params.firms();
    let mut size_rng = Stream::new(seed, Process::InitialFirms, t as u64, 0);
    for (sector, share) in shares {
        let mut jobs = (remaining * share).round();
        // Industrial micro-firms are aggregated into the registered enterprises.
        let (min_size, exponent) = if sector.is_industrial() {
            (p.registered_firm_min_workers, p.industrial_size_exponent)
        } else {
            (p.min_firm_size, p.size_exponent)
        };
        while jobs >= 1.0 {
            let u = size_rng.uniform().max(1e-12);
            let size = (min_size * u.powf(-1.0 / exponent))
                .min(p.max_generated_firm_size)
                .round()
                .min(jobs)
                .max(1.0);
            jobs -= size;
            let idx = model.firms.len();
            let wage = ts.wage_krub * sector_wage(sector);
            let kind = if size >= p.large_firm_min_workers {
                FirmKind::Large
            } else {
                FirmKind::Sme
            };
            let mut firm = firm_from_parts(
                FirmParts {
                    name: format!("{} {} #{}", ts.name, sector.name(), idx + 1),
                    town: t,
                    sector,
                    kind,
                    owner: Owner::Local,
                    workforce_agents: size,
                    base_wage: wage,
                    markets: sector.default_markets(),
                    import_share: sector.default_import_share(),
                    social_role: false,
                    weight: 1.0 / scale,
                    month: start,
                },
                params.firms(),
            );
            // Start ages spread over the past, so young-firm policies do not hit everyone.
            firm.born_month = start - (size_rng.uniform() * p.initial_firm_age_max_months) as i32;
            model.firms.push(firm);
        }
    }
}

/// Headcounts from the workers placed, and every firm (but hub pools) in balance with
/// the workforce it actually got.
fn balance_firms(model: &mut Model, params: &Params) {
    for firm in model.firms.iter_mut() {
        firm.workforce = 0;
    }
    for e in model.people.employer.iter().flatten() {
        model.firms[e.index()].workforce += 1;
    }
    for firm in model.firms.iter_mut() {
        if firm.kind != FirmKind::Hub {
            let w = firm.workforce as f64;
            firm.target = w;
            firm.base_demand = firm.productivity * w;
            firm.capital = params.firms().capital_months_of_output * firm.productivity * w;
            firm.cash = params.firms().initial_cash_months
                * w
                * firm.base_wage
                * (1.0 + params.firms().payroll_tax);
        }
    }
}

/// The expenditure of every town's sector markets: the incumbents' sales at the start,
/// at least `firms.market_floor_workers` real workers at the town's break-even
/// productivity.
fn market_sizes(model: &Model, p: &Params) -> Vec<[f64; Sector::COUNT]> {
    let floor: Vec<f64> = (p.town_list().iter())
        .map(|ts| {
            p.firms().market_floor_workers
                * model.scale
                * balanced_productivity(ts.wage_krub, p.firms())
        })
        .collect();
    MarketShares::sizes(&model.firms, p.town_list().len(), &floor)
}

/// Build firms and people: the named firms and the hubs' job pools first, then, town
/// by town, the residents ([`residents`]), the generated firms for the jobs the named
/// firms leave ([`generated_firms`]) and the labour force placed in the job slots
/// ([`fill_jobs`]); last, every firm in balance with the workforce it got.
pub fn populate(model: &mut Model, p: &Params) {
    named_firms(model, p);
    hub_job_pools(model, p);
    let draw = PersonDraw::new(p);
    for (t, ts) in p.town_list().iter().enumerate() {
        if ts.kind == TownKind::Hub {
            continue;
        }
        let in_lf = residents(model, &draw, ts, t);
        // Jobs: employed = labour force x (1 - unemployment).
        let employed = ((in_lf.len() as f64) * (1.0 - ts.unemployment_rate)).round() as usize;
        generated_firms(model, p, t, employed);
        fill_jobs(model, t, employed, in_lf, &draw.skill_wage);
    }
    balance_firms(model, p);
    // Number households in the order of their first member, as every compaction does.
    let people = &mut model.people;
    people.households.compact(&mut people.household);
    model.market_size = market_sizes(model, p);
    debug_assert_eq!(model.people.len(), model.people.serial.len());
}

/// What every initial resident is drawn from: the age structure, the ages of school,
/// work, study and pension (months), the female shares by age, savings and skill wages.
struct PersonDraw<'a> {
    age_cdf: Vec<f64>,
    demography: &'a Demography,
    school: i32,
    entry: i32,
    study: i32,
    pension: [i32; 2],
    female_young_until: i32,
    female_old_from: i32,
    savings_min: f64,
    savings_spread: f64,
    skill_wage: [f64; 3],
    households: HouseholdRules,
}

impl<'a> PersonDraw<'a> {
    fn new(params: &'a Params) -> PersonDraw<'a> {
        let age_total: f64 = params.age_shares().iter().sum();
        let age_cdf: Vec<f64> = params
            .age_shares()
            .iter()
            .scan(0.0, |c, x| {
                *c += x / age_total;
                Some(*c)
            })
            .collect();
        let d = params.demography();
        PersonDraw {
            age_cdf,
            demography: d,
            school: (d.school_leaving_age * 12.0) as i32,
            entry: (params.labour().entry_age * 12.0) as i32,
            study: (d.higher_study_years * 12.0) as i32,
            pension: [
                (d.pension_age_male * 12.0) as i32,
                (d.pension_age_female * 12.0) as i32,
            ],
            female_young_until: (d.initial_female_share_young_until_age * 12.0) as i32,
            female_old_from: (d.initial_female_share_old_from_age * 12.0) as i32,
            savings_min: params.labour().initial_savings_min_months,
            savings_spread: params.labour().initial_savings_spread_months,
            skill_wage: [
                params.labour().wage_basic,
                params.labour().wage_vocational,
                params.labour().wage_higher,
            ],
            households: HouseholdRules::new(params),
        }
    }
}

/// The residents of agent town `t`: age, sex, skill, wage expectation and savings drawn
/// for each. Returns the slots of those in the labour force.
fn residents(model: &mut Model, draw: &PersonDraw<'_>, ts: &ScenarioTown, t: usize) -> Vec<usize> {
    let (scale, seed, start) = (model.scale, model.seed, model.month);
    let d = draw.demography;
    let n = (ts.population * scale).round() as usize;
    let first = model.people.len();
    let mut rng = Stream::new(seed, Process::Initialise, t as u64, 0);
    model.people.reserve(n);
    let mut in_lf = Vec::new();
    for _ in 0..n {
        let u = rng.uniform();
        let band = (draw.age_cdf.partition_point(|&c| c <= u)).min(draw.age_cdf.len() - 1);
        let age_months =
            (band as f64 * AGE_SHARE_BAND_MONTHS + rng.uniform() * AGE_SHARE_BAND_MONTHS) as i32;
        // Women outnumber men at older ages (Russia's mortality gap).
        let p_female = if age_months < draw.female_young_until {
            d.initial_female_share_young
        } else if age_months < draw.female_old_from {
            d.initial_female_share_middle
        } else {
            d.initial_female_share_old
        };
        let female = rng.uniform() < p_female;
        let schooled = age_months >= draw.school;
        let v = rng.uniform();
        let skill = if v < ts.skill_shares[0] {
            Skill::Basic
        } else if v < ts.skill_shares[0] + ts.skill_shares[1] {
            Skill::Vocational
        } else {
            Skill::Higher
        };
        let student = skill == Skill::Higher && age_months < draw.school + draw.study;
        let lf = schooled
            && age_months >= draw.entry
            && !student
            && age_months < draw.pension[female as usize];
        let id = PersonId(model.next_serial);
        model.next_serial += 1;
        if lf {
            in_lf.push(model.people.len());
        }
        let savings_months = draw.savings_min + draw.savings_spread * rng.uniform();
        model.people.push(
            id,
            NewPerson {
                birth_month: start - age_months,
                town: TownId(t as u16),
                female,
                skill: if schooled { skill } else { Skill::Basic },
                schooled,
                employer: None,
                wage: (ts.wage_krub * draw.skill_wage[skill as usize]) as f32,
                savings: (ts.wage_krub * savings_months) as f32,
                household: 0,
            },
        );
    }
    let mut hh_rng = Stream::new(seed, Process::InitialHouseholds, t as u64, 0);
    let range = first..model.people.len();
    form_initial(
        &mut model.people,
        range,
        start,
        &draw.households,
        &mut hh_rng,
    );
    in_lf
}

/// Job slots of town `t`'s firms, shuffled, filled by its labour force `in_lf`.
fn fill_jobs(
    model: &mut Model,
    t: usize,
    employed: usize,
    mut in_lf: Vec<usize>,
    skill_wage: &[f64; 3],
) {
    let mut slots: Vec<u32> = Vec::with_capacity(employed);
    for (i, firm) in model.firms.iter().enumerate() {
        if firm.town.index() == t && firm.kind != FirmKind::Hub {
            for _ in 0..(firm.target.round() as usize) {
                slots.push(i as u32);
            }
        }
    }
    let mut shuffle = Stream::new(model.seed, Process::JobSlots, t as u64, 0);
    for i in (1..in_lf.len()).rev() {
        let j = shuffle.below(i as u64 + 1) as usize;
        in_lf.swap(i, j);
    }
    for (slot, &person) in slots.iter().zip(in_lf.iter()) {
        let firm = &model.firms[*slot as usize];
        let skill =
            Skill::from_code(model.people.flags[person] >> crate::people::flag::SKILL_SHIFT);
        model.people.employer[person] = Some(FirmId::from_index(*slot as usize));
        model.people.wage[person] = (firm.base_wage * skill_wage[skill as usize]) as f32;
    }
}
