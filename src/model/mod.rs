//! The model: state and the monthly step.
//!
//! [`Model::step`] is the table of contents of the simulation; it reads like the ODD
//! process overview (docs/ODD.md, section 3).

pub mod init;
pub mod observe;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::clusters::ClusterState;
use crate::firms::entry::{self, EntryContext, EntryTown, pick_weighted, poisson};
use crate::firms::production::{self, FirmContext};
use crate::firms::restructure::{self, SplitContext, Unit, Workforce};
use crate::firms::{Firm, FirmKind, Sector, holdings};
use crate::ids::{ClusterId, FirmId, PersonId, TownId};
use crate::markets::goods::{GoodsInputs, Markets, goods_markets};
use crate::markets::labour::{LabourTables, MatchingInputs, offer_options, vacancy_cdf};
use crate::markets::prices::WorldPrices;
use crate::migration::{MigrationTables, PlaceValue, TableInputs, build_tables};
use crate::people::demography::RateTables;
use crate::people::pass::{
    self, CHUNK, FirmView, PassContext, PassResult, WAGE_BINS, wage_bin_value,
};
use crate::people::{NewPerson, People, Skill, age_band};
use crate::policy::{NationalLevers, OneOff, Schedule, TownLevers};
use crate::rng::{Process, Stream};
use crate::scenario::{REST_OF_COUNTRY, Scenario, TownKind, interpolate};
use crate::towns::Town;
use crate::towns::geography::{commuting_reach, travel_hours};
use observe::{ClusterRow, EventRow, FirmRow, OdRow, Records, TownRow};

/// In-migrants created outside the person pass (from hubs and the rest of the country),
/// in agents.
struct Arrivals {
    /// By destination town and origin (towns, then the rest of the country).
    created: Vec<Vec<u64>>,
    /// By destination town and age band.
    bands: Vec<[u64; 5]>,
    /// 18-29-year-olds by destination town and origin.
    young: Vec<Vec<u64>>,
}

/// The whole simulated world.
pub struct Model {
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// Seed of this run.
    pub seed: u64,
    /// Agents per person.
    pub scale: f64,
    /// Current absolute month index.
    pub month: i32,
    /// First month.
    pub start_month: i32,
    /// People.
    pub people: People,
    /// Firms (append-only).
    pub firms: Vec<Firm>,
    /// Towns.
    pub towns: Vec<Town>,
    /// Holding names.
    pub holdings: Vec<String>,
    /// Next person serial.
    pub next_serial: u32,
    /// Distances `[from][to]` over towns plus the rest of the country (km).
    pub km: Vec<f64>,
    /// Travel hours between towns (before infrastructure policies).
    pub base_hours: Vec<f64>,
    /// Network stock `[origin][destination]` (real persons).
    pub network: Vec<f64>,
    /// World prices.
    pub prices: WorldPrices,
    /// Links and clusters.
    pub clusters: ClusterState,
    /// Cluster size by firm.
    pub cluster_size: Vec<u32>,
    /// Policy schedule.
    pub schedule: Schedule,
    /// Recorded outputs.
    pub records: Records,
    /// Last month's per-town aggregates (agents).
    pub last: Vec<pass::TownCounts>,
    /// Origin-destination counts of the current year (real persons).
    od_year: Vec<f64>,
    od_year_young: Vec<f64>,
    /// Person-months simulated so far.
    pub person_months: u64,
}

/// Indices of the national context this month.
struct Context {
    levers: Vec<TownLevers>,
    national: NationalLevers,
    markets: Markets,
    national_unemployment: f64,
    national_wage: f64,
    hours: Vec<f64>,
    reach: Vec<bool>,
}

impl Model {
    /// Build the initial state of a validated scenario with the given seed, at the
    /// scenario's validated scale.
    pub fn new(scenario: Scenario, seed: u64) -> Model {
        let scale = scenario.params().scale();
        let f = scenario.file();
        let n = f.town.len();
        let start_month = crate::scenario::month_index(f.run.start_year, 1);
        let towns: Vec<Town> = f
            .town
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
            .collect();
        // Distances: given pairs, else a long default; the rest of the country is far.
        let nd = n + 1;
        let mut km = vec![f.migration.rest_of_country_km; nd * nd];
        let mut hours = vec![f64::INFINITY; n * n];
        for i in 0..nd {
            km[i * nd + i] = 0.0;
        }
        for i in 0..n {
            hours[i * n + i] = 0.0;
        }
        for d in scenario.params().distances() {
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
                if a != b && km[a * nd + b] >= f.migration.rest_of_country_km {
                    let via = (0..n)
                        .map(|c| km[a * nd + c] + km[c * nd + b])
                        .fold(f64::INFINITY, f64::min);
                    if via < f.migration.rest_of_country_km {
                        km[a * nd + b] = via;
                        hours[a * n + b] = via / f.labour.travel_speed_kmh;
                    }
                }
            }
        }
        let mut network = vec![0.0; nd * nd];
        for o in 0..n {
            for d in 0..n {
                if o != d {
                    network[o * nd + d] = f.migration.network_initial_share * f.town[d].population
                        / (1.0 + km[o * nd + d] / 100.0);
                }
            }
        }
        let schedule = Schedule::new(&scenario);
        let mut model = Model {
            seed,
            scale,
            month: start_month,
            start_month,
            people: People::default(),
            firms: Vec::new(),
            towns,
            holdings: Vec::new(),
            next_serial: 0,
            km,
            base_hours: hours,
            network,
            prices: WorldPrices::default(),
            clusters: ClusterState::default(),
            cluster_size: Vec::new(),
            schedule,
            records: Records::default(),
            last: vec![pass::TownCounts::default(); n],
            od_year: vec![0.0; nd * nd],
            od_year_young: vec![0.0; nd * nd],
            person_months: 0,
            scenario: Arc::new(scenario),
        };
        let scenario = model.scenario.clone();
        init::populate(&mut model, &scenario);
        model.cluster_size = vec![0; model.firms.len()];
        model.initial_aggregates();
        model
    }

    fn initial_aggregates(&mut self) {
        let n = self.towns.len();
        let lf_age = (self.scenario.file().labour.entry_age * 12.0) as i32;
        for i in 0..self.people.len() {
            let t = self.people.town[i] as usize;
            let age = self.month - self.people.birth_month[i];
            let c = &mut self.last[t];
            c.pop_band[crate::people::age_band((age / 12) as u32)] += 1;
            if self.people.employer[i].is_some() {
                c.employed += 1;
                c.labour_force += 1;
                c.wage_sum += self.people.wage[i] as f64;
            } else if age >= lf_age && age < 55 * 12 {
                c.labour_force += 1;
            }
        }
        let _ = n;
    }

    /// Months simulated so far.
    pub fn step_index(&self) -> u32 {
        (self.month - self.start_month) as u32
    }

    /// Calendar year and month (1-12) of the current step.
    pub fn calendar(&self) -> (i32, i32) {
        (self.month.div_euclid(12), self.month.rem_euclid(12) + 1)
    }

    /// Advance one month. The order is the ODD process overview.
    pub fn step(&mut self) {
        let ctx = self.policies_and_shocks();
        self.firms_produce_and_decide(&ctx);
        self.firm_entry(&ctx);
        let (labour, migration) = self.labour_and_migration_tables(&ctx);
        let result = self.people_demography_migration_and_jobs(&ctx, &labour, &migration);
        let external = self.hubs_and_outside_migration(&ctx, &result);
        self.clusters_and_links(&ctx);
        self.observe_and_update_towns(&ctx, result, external);
        self.month += 1;
    }

    /// Run to the end of the scenario.
    pub fn run_to_end(&mut self) {
        let end = crate::scenario::month_index(self.scenario.file().run.end_year, 12);
        while self.month <= end {
            self.step();
        }
    }

    fn event(&mut self, town: Option<String>, kind: &'static str, subject: String, detail: String) {
        let (year, month) = self.calendar();
        self.records.events.push(EventRow {
            year,
            month,
            town,
            kind,
            subject,
            detail,
        });
    }

    // ---------------------------------------------------------------- phases

    /// Shocks and policies in force, national indices and this month's geography.
    fn policies_and_shocks(&mut self) -> Context {
        let sc = Arc::clone(&self.scenario);
        let f = sc.file();
        let names: Vec<String> = self.towns.iter().map(|t| t.name.clone()).collect();
        let (levers, national, window_events, one_offs) =
            self.schedule.levers(self.month, self.towns.len(), &names);
        let (step, year) = (self.step_index(), self.month as f64 / 12.0);
        let (persistence, volatility) = (f.firms.price_persistence, f.firms.price_volatility);
        self.prices.step(self.seed, step, persistence, volatility);
        let national_wage = interpolate(&f.national.wage_krub, year);
        let markets = goods_markets(&GoodsInputs {
            scenario: f,
            month: self.month,
            scale: self.scale,
            prices: &self.prices,
            national: &national,
            towns: &self.towns,
            last: &self.last,
            national_wage,
        });
        let hours = travel_hours(&self.base_hours, &levers);
        let reach = commuting_reach(&hours, f.labour.commute_max_hours);
        for e in window_events {
            let town = (e.towns.len() == 1).then(|| e.towns[0].clone());
            let detail = if e.towns.len() > 1 {
                e.towns.join(", ")
            } else {
                String::new()
            };
            self.event(town, e.kind, e.subject, detail);
        }
        for o in one_offs {
            self.apply_one_off(o);
        }
        Context {
            levers,
            national,
            markets,
            national_unemployment: interpolate(&f.national.unemployment_rate, year),
            national_wage,
            hours,
            reach,
        }
    }

    fn apply_one_off(&mut self, o: OneOff) {
        match o {
            OneOff::Closure { firm, share } => {
                let i = firm.index();
                if self.firms[i].alive {
                    let firm = self.firms[i].name.clone();
                    let town = self.towns[self.firms[i].town.index()].name.clone();
                    let (kind, detail) = restructure::close_or_downsize(&mut self.firms[i], share);
                    self.event(Some(town), kind, firm, detail);
                }
            }
            OneOff::Restructure { firm, units } => self.restructure(firm, &units),
        }
    }

    /// Split a giant into autonomous units; its workers move to the units by share.
    fn restructure(&mut self, firm: FirmId, units: &[Unit]) {
        let parent = firm.index();
        if !self.firms[parent].alive {
            return;
        }
        let name = self.firms[parent].name.clone();
        let sc = Arc::clone(&self.scenario);
        let ctx = SplitContext {
            seed: self.seed,
            step: self.step_index(),
            month: self.month,
            params: &sc.file().firms,
        };
        let workers = Workforce {
            employer: &mut self.people.employer,
            serial: &self.people.serial,
        };
        restructure::split_into_units(&mut self.firms, parent, units, workers, &ctx);
        self.cluster_size.resize(self.firms.len(), 0);
        let town = self.towns[self.firms[parent].town.index()].name.clone();
        let detail = restructure::split_detail(units);
        self.event(Some(town.clone()), "firm_split", name.to_string(), detail);
        for (unit, _, _) in units {
            let detail = format!("unit of {name}");
            self.event(Some(town.clone()), "firm_entry", unit.clone(), detail);
        }
    }

    /// Production, accounts, wages, targets, modernisation, exits; yearly holding reviews.
    fn firms_produce_and_decide(&mut self, ctx: &Context) {
        let sc = Arc::clone(&self.scenario);
        let fctx = FirmContext {
            seed: self.seed,
            step: self.step_index(),
            month: self.month,
            params: &sc.file().firms,
            clusters: &sc.file().clusters,
            markets: &ctx.markets,
            national: &ctx.national,
            towns: &ctx.levers,
        };
        for i in production::step_all(&mut self.firms, &self.cluster_size, &fctx) {
            let town = self.towns[self.firms[i].town.index()].name.clone();
            let name = self.firms[i].name.clone();
            let workers = (self.firms[i].workforce as f64 / self.scale).round();
            let detail = format!("after sustained losses; {workers} workers");
            self.event(Some(town), "firm_exit", name, detail);
        }
        if self.calendar().1 == 1 && !self.holdings.is_empty() {
            self.holdings_review(sc.file().firms.holding_downsize_share);
        }
    }

    /// Holdings cut their loss-making plants each January (decided outside the town).
    fn holdings_review(&mut self, share: f64) {
        for i in holdings::review(&mut self.firms, share) {
            let firm = &self.firms[i];
            let town = self.towns[firm.town.index()].name.clone();
            let holding = firm.holding.expect("reviewed firms belong to a holding");
            let detail = holdings::review_detail(&self.holdings[holding.index()], share);
            let name = firm.name.clone();
            self.event(Some(town), "holding_downsizing", name, detail);
        }
    }

    /// Start-ups, spin-offs and relocations.
    fn firm_entry(&mut self, ctx: &Context) {
        let sc = Arc::clone(&self.scenario);
        let towns: Vec<EntryTown> = (self.towns.iter().zip(&self.last))
            .map(|(town, last)| EntryTown {
                is_hub: town.is_hub,
                population: last.population() as f64 / self.scale,
                mean_wage: if last.employed > 0 {
                    last.wage_sum / last.employed as f64
                } else {
                    town.wage0
                },
            })
            .collect();
        let ectx = EntryContext {
            seed: self.seed,
            step: self.step_index(),
            month: self.month,
            scale: self.scale,
            params: &sc.file().firms,
            markets: &ctx.markets,
            levers: &ctx.levers,
        };
        for e in entry::entrants(&self.firms, &towns, &ectx) {
            let mut firm = e.firm;
            let town = self.towns[firm.town.index()].name.clone();
            firm.name = format!("{} {} #{}", town, firm.sector.name(), self.firms.len() + 1);
            let name = firm.name.clone();
            self.firms.push(firm);
            self.cluster_size.push(0);
            self.event(Some(town), e.kind, name, e.detail);
        }
    }

    /// Offer probabilities, vacancy distributions and destination choice tables.
    fn labour_and_migration_tables(&self, ctx: &Context) -> (LabourTables, MigrationTables) {
        let f = self.scenario.file();
        let n = self.towns.len();
        let unemployed: Vec<f64> = self
            .last
            .iter()
            .map(|c| (c.labour_force - c.employed.min(c.labour_force)) as f64)
            .collect();
        let employed: Vec<f64> = self.last.iter().map(|c| c.employed as f64).collect();
        let mut vacancies = vec![0.0; n];
        let mut by_town: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        for (i, firm) in self.firms.iter().enumerate() {
            if firm.alive && firm.vacancies > 0 {
                vacancies[firm.town.index()] += firm.vacancies as f64;
                by_town[firm.town.index()].push((i as u32, firm.vacancies));
            }
        }
        let (options, offer_probability) = offer_options(&MatchingInputs {
            unemployed: &unemployed,
            employed: &employed,
            vacancies: &vacancies,
            hours: &ctx.hours,
            max_hours: f.labour.commute_max_hours,
            cost_per_hour: f.labour.commute_cost_krub_per_hour,
            on_the_job_search: f.labour.on_the_job_search,
            efficiency: f.labour.matching_efficiency,
            elasticity: f.labour.matching_elasticity,
            search_decay: f.labour.commute_search_decay,
        });
        let vacancy = by_town
            .into_iter()
            .map(|v| vacancy_cdf(v.into_iter()))
            .collect();
        let labour = LabourTables {
            options,
            vacancy_cdf: vacancy,
            offer_probability,
        };

        // Migration: values of each place.
        let mut places = Vec::with_capacity(n + 1);
        let jobs_wage = self.workplace_wages();
        for (t, town) in self.towns.iter().enumerate() {
            if town.is_hub {
                places.push(PlaceValue {
                    wage: ctx.markets.hub_wage[t],
                    unemployment: ctx.national_unemployment * 0.6,
                    amenity: town.amenity,
                    housing: town.housing,
                    population: town.hub_population,
                });
            } else {
                let c = &self.last[t];
                let u = if c.labour_force > 0 {
                    1.0 - c.employed as f64 / c.labour_force as f64
                } else {
                    0.0
                };
                places.push(PlaceValue {
                    wage: jobs_wage[t].unwrap_or(town.wage0),
                    unemployment: u.clamp(0.0, 1.0),
                    amenity: town.amenity,
                    housing: town.housing,
                    population: c.population() as f64 / self.scale,
                });
            }
        }
        places.push(PlaceValue {
            wage: ctx.national_wage,
            unemployment: ctx.national_unemployment,
            amenity: 1.0,
            housing: 4.0,
            population: f.migration.rest_of_country_population,
        });
        let agent_town: Vec<bool> = self.towns.iter().map(|t| !t.is_hub).collect();
        let skill_wage = [
            f.labour.wage_basic,
            f.labour.wage_vocational,
            f.labour.wage_higher,
        ];
        let (cdf, moving_cost) = build_tables(
            &f.migration,
            &TableInputs {
                places: &places,
                km: &self.km,
                network: &self.network,
                skill_wage,
                agent_town: &agent_town,
            },
        );
        let low_wage = (0..n)
            .map(|t| {
                let c = &self.last[t];
                let mean = if c.employed > 0 {
                    c.wage_sum / c.employed as f64
                } else {
                    0.0
                };
                (mean * f.migration.low_wage_threshold) as f32
            })
            .collect();
        let mut keeps_agents = agent_town.clone();
        keeps_agents.push(false);
        let migration = MigrationTables {
            n_dest: n + 1,
            cdf,
            moving_cost,
            youth_multiplier: ctx
                .levers
                .iter()
                .map(|l| l.youth_hazard_multiplier as f32)
                .collect(),
            low_wage,
            keeps_agents,
        };
        (labour, migration)
    }

    /// Mean base wage of jobs by work town.
    fn workplace_wages(&self) -> Vec<Option<f64>> {
        let n = self.towns.len();
        let mut sum = vec![(0.0, 0.0); n];
        for firm in self
            .firms
            .iter()
            .filter(|f| f.alive && f.kind != FirmKind::Hub)
        {
            sum[firm.town.index()].0 += firm.base_wage * firm.workforce as f64;
            sum[firm.town.index()].1 += firm.workforce as f64;
        }
        sum.into_iter()
            .map(|(a, w)| (w > 0.0).then(|| a / w))
            .collect()
    }

    /// The parallel pass over people, then births appended and firm headcounts recounted.
    fn people_demography_migration_and_jobs(
        &mut self,
        ctx: &Context,
        labour: &LabourTables,
        migration: &MigrationTables,
    ) -> PassResult {
        let f = self.scenario.file();
        let d = &f.demography;
        let year = self.month as f64 / 12.0;
        let decline = (d.mortality_decline * (year - d.mortality_decline_start).max(0.0))
            .min(d.mortality_decline_max);
        let rates = RateTables::new(
            d,
            ctx.national.mortality * (1.0 - decline),
            ctx.national.fertility,
        );
        let reform = (0.5 * (year - d.pension_reform_year).max(0.0).floor())
            .min(d.pension_reform_years_added);
        let pension = [
            ((d.pension_age_male + reform) * 12.0) as i32,
            ((d.pension_age_female + reform) * 12.0) as i32,
        ];
        let higher = (d.higher_share_start
            + d.higher_share_trend * (year - f.run.start_year as f64))
            .clamp(0.0, d.higher_share_max);
        let vocational = d.vocational_share.min(1.0 - higher);
        let mut decay = [1.0f32; 256];
        for (k, x) in decay.iter_mut().enumerate() {
            *x = f.labour.reservation_decay.powi(k as i32) as f32;
        }
        let skill_mult = [
            f.labour.wage_basic as f32,
            f.labour.wage_vocational as f32,
            f.labour.wage_higher as f32,
        ];
        let firm_views: Vec<FirmView> = self
            .firms
            .iter()
            .map(|firm| {
                let wage = firm.base_wage as f32;
                FirmView {
                    wage,
                    layoff: if firm.alive {
                        firm.layoff_probability
                    } else {
                        1.0
                    },
                    town: firm.town.0,
                    wage_bin: skill_mult.map(|m| pass::wage_bin(wage * m) as u16),
                }
            })
            .collect();
        let training: Vec<f32> = ctx
            .levers
            .iter()
            .map(|l| l.training_per_month as f32)
            .collect();
        let pctx = PassContext {
            month: self.month,
            step: self.step_index(),
            seed: self.seed,
            rates: &rates,
            pension_age_months: pension,
            school_age_months: (d.school_leaving_age * 12.0) as i32,
            entry_age_months: (f.labour.entry_age * 12.0) as i32,
            study_months: (d.higher_study_years * 12.0) as i32,
            female_birth_share: (1.0 - d.male_birth_share) as f32,
            education: [vocational as f32, higher as f32],
            labour,
            migration,
            migration_params: &f.migration,
            firms: &firm_views,
            skill_wage: [
                f.labour.wage_basic as f32,
                f.labour.wage_vocational as f32,
                f.labour.wage_higher as f32,
            ],
            quit_rate: f.labour.quit_rate as f32,
            on_the_job_search: f.labour.on_the_job_search as f32,
            switch_premium: f.labour.switch_premium as f32,
            reservation_ratio: f.labour.reservation_ratio as f32,
            reservation_decay: &decay,
            benefit: f.labour.benefit_krub as f32,
            saving_rate: f.labour.saving_rate as f32,
            dissaving: f.labour.unemployed_dissaving_krub as f32,
            training: &training,
            reach: &ctx.reach,
            n_towns: self.towns.len(),
            n_firms: self.firms.len(),
        };
        let chunks = self.people.chunks_mut(CHUNK);
        let mut result = pass::run(chunks, &pctx);
        self.person_months += result.processed;
        self.people.gone += result.gone as usize;
        drop(pctx);

        // Newborns join their mother's town.
        for &(town, girl) in &result.newborns {
            let id = PersonId(self.next_serial);
            self.next_serial += 1;
            self.people.push(
                id,
                NewPerson {
                    birth_month: self.month,
                    town: TownId(town),
                    female: girl,
                    skill: Skill::Basic,
                    schooled: false,
                    employer: None,
                    wage: 0.0,
                    savings: 0.0,
                },
            );
            result.towns[town as usize].pop_band[0] += 1;
        }
        for (firm, (&w, &h)) in self
            .firms
            .iter_mut()
            .zip(result.firm_workforce.iter().zip(&result.firm_hires))
        {
            firm.workforce = w;
            firm.hires = h;
        }
        // Compact when more than 2% of slots are gone.
        if self.people.gone * 50 > self.people.len() {
            self.people.compact();
        }
        result
    }

    /// Hubs' stocks, migrants from hubs and the rest of the country into the towns.
    /// Returns the in-migrants created (agents) by destination town and origin, with their
    /// age bands.
    fn hubs_and_outside_migration(&mut self, ctx: &Context, result: &PassResult) -> Arrivals {
        let f = self.scenario.file();
        let n = self.towns.len();
        let nd = n + 1;
        let step = self.step_index();
        let mut created = vec![vec![0u64; nd]; n];
        let mut bands = vec![[0u64; 5]; n];
        let mut young = vec![vec![0u64; nd]; n];
        // Attractiveness of each agent town to outsiders: its vocational staying utility relative to the rest of the country.
        let wages = self.workplace_wages();
        let attract: Vec<f64> = (0..n)
            .map(|t| {
                if self.towns[t].is_hub {
                    return 0.0;
                }
                let c = &self.last[t];
                let u = if c.labour_force > 0 {
                    1.0 - c.employed as f64 / c.labour_force as f64
                } else {
                    0.0
                };
                let w = wages[t].unwrap_or(self.towns[t].wage0) * (1.0 - u);
                let w_roc = ctx.national_wage * (1.0 - ctx.national_unemployment);
                let m = &f.migration;
                (m.beta_wage * (w / w_roc).ln() + m.beta_amenity * (self.towns[t].amenity - 1.0))
                    .exp()
                    .clamp(0.1, 5.0)
            })
            .collect();
        let d = &f.demography;
        let skill_wage = [
            f.labour.wage_basic,
            f.labour.wage_vocational,
            f.labour.wage_higher,
        ];
        for t in 0..n {
            if self.towns[t].is_hub {
                // Hub stock: natural growth, external migration, exchanges with agent towns.
                let ts = &f.town[t];
                let mut pop = self.towns[t].hub_population;
                pop *= 1.0 + (ts.natural_growth + ts.external_net_migration) / 12.0;
                let inflow: f64 =
                    (0..n).map(|o| result.od[o * nd + t] as f64).sum::<f64>() / self.scale;
                pop += inflow;
                // Outflow to agent towns in proportion to their attractiveness and size, decreasing with distance.
                let mut rng = Stream::new(self.seed, Process::HubMigration, t as u64, step);
                let weights: Vec<(usize, f64)> = (0..n)
                    .filter(|&m| !self.towns[m].is_hub)
                    .map(|m| {
                        (
                            m,
                            attract[m] * self.last[m].population() as f64
                                / (1.0 + self.km[t * nd + m] / 100.0)
                                    .powf(f.migration.beta_distance),
                        )
                    })
                    .collect();
                let total_w: f64 = weights.iter().map(|w| w.1).sum();
                let out_agents = poisson(&mut rng, f.migration.hub_outflow * pop * self.scale);
                for _ in 0..out_agents {
                    if total_w <= 0.0 {
                        break;
                    }
                    let Some(m) = pick_weighted(&weights, &mut rng) else {
                        break;
                    };
                    created[m][t] += 1;
                }
                let sent: u64 = (0..n).map(|m| created[m][t]).sum();
                pop -= sent as f64 / self.scale;
                self.towns[t].hub_population = pop.max(0.0);
            }
        }
        // Rest of country into agent towns.
        for t in 0..n {
            if self.towns[t].is_hub {
                continue;
            }
            let mut rng = Stream::new(self.seed, Process::HubMigration, (1 << 20) | t as u64, step);
            let k = poisson(
                &mut rng,
                f.migration.rest_of_country_inflow * self.last[t].population() as f64 * attract[t],
            );
            created[t][n] += k;
        }
        // Create the in-migrants: mostly young adults, with savings and no job yet.
        let school = (d.school_leaving_age * 12.0) as i32;
        for t in 0..n {
            for o in 0..nd {
                let k = created[t][o];
                if k == 0 {
                    continue;
                }
                let mut rng = Stream::new(
                    self.seed,
                    Process::HubMigration,
                    (2 << 20) | ((t * nd + o) as u64),
                    step,
                );
                for _ in 0..k {
                    let u = rng.uniform();
                    let age_years = if u < 0.15 {
                        rng.uniform() * 17.0
                    } else if u < 0.65 {
                        18.0 + rng.uniform() * 12.0
                    } else if u < 0.9 {
                        30.0 + rng.uniform() * 10.0
                    } else {
                        40.0 + rng.uniform() * 25.0
                    };
                    let age_months = (age_years * 12.0) as i32;
                    let band = age_band((age_months / 12) as u32);
                    bands[t][band] += 1;
                    if band == 1 {
                        young[t][o] += 1;
                    }
                    let v = rng.uniform();
                    let skill = if v < 0.3 {
                        Skill::Basic
                    } else if v < 0.7 {
                        Skill::Vocational
                    } else {
                        Skill::Higher
                    };
                    let id = PersonId(self.next_serial);
                    self.next_serial += 1;
                    let wage = self.towns[t].wage0 * skill_wage[skill as usize];
                    self.people.push(
                        id,
                        NewPerson {
                            birth_month: self.month - age_months,
                            town: TownId(t as u16),
                            female: rng.uniform() < 0.5,
                            skill: if age_months >= school {
                                skill
                            } else {
                                Skill::Basic
                            },
                            schooled: age_months >= school,
                            employer: None,
                            wage: wage as f32,
                            savings: (wage * 2.0) as f32,
                        },
                    );
                }
            }
        }
        Arrivals {
            created,
            bands,
            young,
        }
    }

    /// Cooperation links and cluster detection.
    fn clusters_and_links(&mut self, ctx: &Context) {
        let sc = Arc::clone(&self.scenario);
        let n = self.towns.len();
        let step = self.step_index();
        let (sizes, changes) = self.clusters.step(
            &mut self.firms,
            &ctx.reach,
            n,
            &ctx.levers,
            &sc.file().clusters,
            self.scale,
            self.seed,
            step,
        );
        self.cluster_size = sizes;
        for (id, town, size) in changes.formed {
            let name = self.towns[town].name.clone();
            self.event(
                Some(name),
                "cluster_formed",
                format!("cluster {id}"),
                format!("{size} firms"),
            );
        }
        for (id, town) in changes.dissolved {
            let name = self.towns[town].name.clone();
            self.event(
                Some(name),
                "cluster_dissolved",
                format!("cluster {id}"),
                String::new(),
            );
        }
    }

    /// Town statistics, budgets, amenities, status; monthly and yearly records.
    fn observe_and_update_towns(
        &mut self,
        ctx: &Context,
        mut result: PassResult,
        arrivals: Arrivals,
    ) {
        let external = &arrivals.created;
        let f = self.scenario.file();
        let n = self.towns.len();
        let nd = n + 1;
        let (year, cal_month) = self.calendar();
        let inv = 1.0 / self.scale;
        let real = |x: u64| (x as f64 * inv).round() as i64;
        let first_month = self.month == self.start_month;

        // In-migrants created outside the pass.
        for t in 0..n {
            let k: u64 = external[t].iter().sum();
            result.towns[t].in_migrants += k;
            for (b, &x) in arrivals.bands[t].iter().enumerate() {
                result.towns[t].pop_band[b] += x;
            }
        }

        // Firm aggregates by town.
        let mut jobs = vec![0u64; n];
        let mut emp_giant = vec![0u64; n];
        let mut emp_sector = vec![[0u64; 10]; n];
        // Giants' employment by sector (kept apart from `emp_sector`, which excludes giants).
        let mut emp_giant_sector = vec![[0u64; 10]; n];
        let mut firms_count = vec![0.0f64; n];
        let mut firms_kind = vec![[0.0f64; 4]; n];
        let mut firms_sector = vec![[0.0f64; 10]; n];
        let mut largest = vec![(0u32, usize::MAX); n];
        let mut vacancies = vec![0u64; n];
        let mut output = vec![0.0f64; n];
        let mut cluster_out = vec![0.0f64; n];
        let mut cluster_emp = vec![0u64; n];
        let mut wage_bill = vec![0.0f64; n];
        let mut profits = vec![0.0f64; n];
        for (i, firm) in self.firms.iter().enumerate() {
            if !firm.alive {
                continue;
            }
            let t = firm.town.index();
            vacancies[t] += firm.vacancies as u64;
            if firm.kind == FirmKind::Hub {
                continue;
            }
            jobs[t] += firm.workforce as u64;
            wage_bill[t] += firm.workforce as f64 * firm.base_wage;
            profits[t] += firm.profit.max(0.0);
            if firm.kind == FirmKind::Giant {
                emp_giant[t] += firm.workforce as u64;
                emp_giant_sector[t][firm.sector.index()] += firm.workforce as u64;
            } else {
                emp_sector[t][firm.sector.index()] += firm.workforce as u64;
            }
            firms_count[t] += firm.weight;
            let k = match firm.kind {
                FirmKind::Giant => 0,
                FirmKind::Large => 1,
                FirmKind::Sme => 2,
                _ => 3,
            };
            firms_kind[t][k] += firm.weight;
            firms_sector[t][firm.sector.index()] += firm.weight;
            if firm.sector.is_industrial()
                && firm.weight <= 1.0 + 1e-9
                && firm.workforce > largest[t].0
            {
                largest[t] = (firm.workforce, i);
            }
            output[t] += firm.output;
            if firm.cluster.is_some() {
                cluster_out[t] += firm.output;
                cluster_emp[t] += firm.workforce as u64;
            }
        }
        let mut clusters_by_town = vec![0i64; n];
        for c in &self.clusters.clusters {
            clusters_by_town[c.town] += 1;
        }

        // Accumulate OD counts for the year.
        for o in 0..n {
            for d in 0..nd {
                self.od_year[o * nd + d] += result.od[o * nd + d] as f64 * inv;
                self.od_year_young[o * nd + d] += result.od_young[o * nd + d] as f64 * inv;
                self.network[o * nd + d] += result.od[o * nd + d] as f64 * inv;
            }
        }
        // Moves created outside the pass: from hubs and from the rest of the country.
        for t in 0..n {
            for o in 0..nd {
                let k = external[t][o] as f64 * inv;
                self.od_year[o * nd + t] += k;
                self.od_year_young[o * nd + t] += arrivals.young[t][o] as f64 * inv;
                if o < n {
                    self.network[o * nd + t] += k;
                }
            }
        }

        let heavy = |t: usize| {
            if jobs[t] == 0 {
                0.0
            } else {
                (emp_sector[t][Sector::Metallurgy.index()] + emp_sector[t][Sector::Mining.index()])
                    as f64
                    / jobs[t] as f64
                    + (emp_giant_sector[t][Sector::Metallurgy.index()]
                        + emp_giant_sector[t][Sector::Mining.index()]) as f64
                        / jobs[t] as f64
            }
        };
        let pension = 0.35 * ctx.national_wage;
        for t in 0..n {
            let c = &result.towns[t];
            let is_hub = self.towns[t].is_hub;
            let population_agents = c.population();
            let population_real = if is_hub {
                self.towns[t].hub_population
            } else {
                population_agents as f64 * inv
            };
            // Income of residents: wages, benefits, pensions.
            let unemployed = c.labour_force.saturating_sub(c.employed);
            let income = c.wage_sum
                + f.labour.benefit_krub * unemployed as f64
                + pension * c.pop_band[4] as f64;
            if !is_hub {
                self.towns[t].income = income;
                if first_month {
                    self.towns[t].income0 = income;
                }
                let revenue =
                    (f.firms.income_tax * f.firms.municipal_income_tax_share * wage_bill[t]
                        + f.firms.profit_tax * f.firms.municipal_profit_tax_share * profits[t])
                        * inv
                        + f.towns.transfer_krub_per_resident * population_real;
                let h = heavy(t);
                self.towns[t].update_budget_and_amenities(
                    &f.towns,
                    revenue,
                    population_real,
                    h,
                    first_month,
                );
            }
            // Median wage from the histogram.
            let hist = &result.wage_hist[t * WAGE_BINS..(t + 1) * WAGE_BINS];
            let total: u64 = hist.iter().map(|&x| x as u64).sum();
            let median = if total == 0 {
                0.0
            } else {
                let mut acc = 0u64;
                let mut m = 0.0;
                for (b, &x) in hist.iter().enumerate() {
                    acc += x as u64;
                    if acc * 2 >= total {
                        m = wage_bin_value(b);
                        break;
                    }
                }
                m
            };
            let hub_out: u64 = if is_hub {
                (0..n).map(|m| external[m][t]).sum()
            } else {
                0
            };
            let hub_in: u64 = if is_hub {
                (0..n).map(|o| result.od[o * nd + t] as u64).sum()
            } else {
                0
            };
            let town_jobs = jobs[t] as f64;
            let largest_share = if town_jobs > 0.0 {
                largest[t].0 as f64 / town_jobs
            } else {
                0.0
            };
            let mut hhi = 0.0;
            if town_jobs > 0.0 {
                for s in 0..10 {
                    let e = (emp_sector[t][s] + emp_giant_sector[t][s]) as f64;
                    hhi += (e / town_jobs).powi(2);
                }
            }
            let mut row = TownRow {
                town: self.towns[t].name.clone(),
                is_hub,
                year,
                month: cal_month,
                population: population_real.round() as i64,
                labour_force: real(c.labour_force),
                employed: real(c.employed),
                unemployed: real(unemployed),
                unemployment_rate: if c.labour_force > 0 {
                    unemployed as f64 / c.labour_force as f64
                } else {
                    0.0
                },
                vacancies: real(vacancies[t]),
                jobs: real(if is_hub {
                    self.firms
                        .iter()
                        .filter(|f| f.kind == FirmKind::Hub && f.town.index() == t)
                        .map(|f| f.workforce as u64)
                        .sum()
                } else {
                    jobs[t]
                }),
                mean_wage_krub: if is_hub {
                    ctx.markets.hub_wage[t]
                } else if c.employed > 0 {
                    c.wage_sum / c.employed as f64
                } else {
                    0.0
                },
                median_wage_krub: median,
                births: real(c.births),
                deaths: real(c.deaths),
                in_migrants: if is_hub {
                    real(hub_in)
                } else {
                    real(c.in_migrants)
                },
                out_migrants: if is_hub {
                    real(hub_out)
                } else {
                    real(c.out_migrants)
                },
                commuters_out: real(c.commuters_out),
                commuters_in: real(result.commuters_in[t]),
                hires: real(c.hires),
                separations: real(c.separations),
                firms: firms_count[t].round() as i64,
                emp_giant: real(emp_giant[t]),
                largest_employer_share: largest_share,
                diversification_index: if town_jobs > 0.0 { 1.0 - hhi } else { 0.0 },
                clusters: clusters_by_town[t],
                cluster_employment: real(cluster_emp[t]),
                cluster_output_share: if output[t] > 0.0 {
                    cluster_out[t] / output[t]
                } else {
                    0.0
                },
                amenity_index: self.towns[t].amenity,
                housing_cost_krub: self.towns[t].housing,
                budget_revenue_krub: self.towns[t].revenue,
                budget_spending_krub: self.towns[t].spending,
                budget_balance_krub: self.towns[t].budget_balance,
                monotown_status: self.towns[t].monotown,
                monotown_category: self.towns[t].category,
                ..TownRow::default()
            };
            for b in 0..5 {
                row.pop_band[b] = real(c.pop_band[b]);
                row.out_band[b] = real(c.out_band[b]);
            }
            for k in 0..3 {
                row.pop_skill[k] = real(c.pop_skill[k]);
            }
            for k in 0..4 {
                row.firms_kind[k] = firms_kind[t][k].round() as i64;
            }
            for s in 0..10 {
                row.firms_sector[s] = firms_sector[t][s].round() as i64;
                row.emp_sector[s] = real(emp_sector[t][s]);
            }
            if is_hub {
                row.population = population_real.round() as i64;
            }
            self.records.towns.push(row);
        }

        // Yearly: status, snapshots, OD table.
        if cal_month == 12 {
            for t in 0..n {
                if self.towns[t].is_hub {
                    continue;
                }
                let town_jobs = jobs[t] as f64;
                let mut chain = 0.0f64;
                for s in Sector::ALL.iter().filter(|s| s.is_industrial()) {
                    let e = emp_sector[t][s.index()] as f64
                        + self
                            .firms
                            .iter()
                            .filter(|f| {
                                f.alive
                                    && f.kind == FirmKind::Giant
                                    && f.town.index() == t
                                    && f.sector == *s
                            })
                            .map(|f| f.workforce as f64)
                            .sum::<f64>();
                    if town_jobs > 0.0 {
                        chain = chain.max(e / town_jobs);
                    }
                }
                let firm_share = if town_jobs > 0.0 {
                    largest[t].0 as f64 / town_jobs
                } else {
                    0.0
                };
                let (now, alive) = match self.towns[t].city_former {
                    Some((i, _)) => (Some(self.firms[i].workforce), self.firms[i].alive),
                    None => (None, true),
                };
                let c = &result.towns[t];
                let u = if c.labour_force > 0 {
                    1.0 - c.employed as f64 / c.labour_force as f64
                } else {
                    0.0
                };
                let pop_real = c.population() as f64 * inv;
                self.towns[t].update_status(
                    pop_real,
                    firm_share.max(chain),
                    u,
                    ctx.national_unemployment,
                    now,
                    alive,
                );
                // Next year's city-forming firm.
                self.towns[t].city_former =
                    (largest[t].1 != usize::MAX).then(|| (largest[t].1, largest[t].0));
                // Patch this December's row with the new status.
                let idx = self.records.towns.len() - n + t;
                self.records.towns[idx].monotown_status = self.towns[t].monotown;
                self.records.towns[idx].monotown_category = self.towns[t].category;
            }
            let names: Vec<String> = self
                .towns
                .iter()
                .map(|t| t.name.clone())
                .chain(std::iter::once(REST_OF_COUNTRY.to_string()))
                .collect();
            // Moves into towns from hubs and the rest of the country.
            for t in 0..n {
                let _ = t;
            }
            let mut od: BTreeMap<(usize, usize), (f64, f64)> = BTreeMap::new();
            for o in 0..nd {
                for d in 0..nd {
                    let k = self.od_year[o * nd + d];
                    if k > 0.0 {
                        od.entry((o, d)).or_default().0 += k;
                        od.entry((o, d)).or_default().1 += self.od_year_young[o * nd + d];
                    }
                }
            }
            for ((o, d), (k, y)) in od {
                self.records.od.push(OdRow {
                    year,
                    origin: names[o].clone(),
                    destination: names[d].clone(),
                    migrants: k.round() as i64,
                    migrants_18_29: y.round() as i64,
                });
            }
            self.od_year.iter_mut().for_each(|x| *x = 0.0);
            self.od_year_young.iter_mut().for_each(|x| *x = 0.0);
            self.snapshot_firms_and_clusters(year, &output);
        }
        self.last = result.towns;
    }

    fn snapshot_firms_and_clusters(&mut self, year: i32, town_output: &[f64]) {
        let inv = 1.0 / self.scale;
        for (i, f) in self.firms.iter().enumerate() {
            if !f.alive {
                continue;
            }
            // A generated firm stands for 1/scale real firms of its own size.
            let per_firm = f.workforce as f64 * inv / f.weight.max(1.0);
            self.records.firms.push(FirmRow {
                year,
                firm_id: (i + 1) as u32,
                name: f.name.clone(),
                town: self.towns[f.town.index()].name.clone(),
                sector: f.sector.name(),
                kind: f.kind.name(),
                owner: f.owner.name(),
                workforce: per_firm.round() as i64,
                represents: f.weight,
                wage_krub: f.base_wage,
                productivity: f.productivity,
                capital_krub: f.capital * inv / f.weight.max(1.0),
                output_krub: f.output * inv / f.weight.max(1.0),
                profit_krub: f.profit * inv / f.weight.max(1.0),
                modernisation_stage: f.modernisation as i32,
                export_share: f.export_share,
                import_share: f.import_share,
                cluster_id: f.cluster.map(ClusterId::get),
                age_months: self.month - f.born_month,
            });
        }
        for c in &self.clusters.clusters {
            let employment: u64 = c
                .members
                .iter()
                .map(|&m| self.firms[m.index()].workforce as u64)
                .sum();
            let out: f64 = c
                .members
                .iter()
                .map(|&m| self.firms[m.index()].output)
                .sum();
            let mut sectors: Vec<&str> = c
                .members
                .iter()
                .map(|&m| self.firms[m.index()].sector.name())
                .collect();
            sectors.sort_unstable();
            sectors.dedup();
            let members: f64 = c
                .members
                .iter()
                .map(|&m| self.firms[m.index()].weight)
                .sum();
            self.records.clusters.push(ClusterRow {
                year,
                town: self.towns[c.town].name.clone(),
                cluster_id: c.id.get(),
                members: members.round() as i64,
                employment: (employment as f64 * inv).round() as i64,
                // Share of the output of the towns its members are in (a cluster can
                // span an agglomeration), so it never exceeds 1.
                output_share: {
                    let mut towns: Vec<usize> = c
                        .members
                        .iter()
                        .map(|&m| self.firms[m.index()].town.index())
                        .collect();
                    towns.sort_unstable();
                    towns.dedup();
                    let base: f64 = towns.iter().map(|&t| town_output[t]).sum();
                    if base > 0.0 { out / base } else { 0.0 }
                },
                sectors: sectors.join(","),
            });
        }
    }
}
