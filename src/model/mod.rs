//! The model: state and the monthly step.
//!
//! [`Model::step`] is the table of contents of the simulation; it reads like the ODD
//! process overview (docs/ODD.md, section 3). Each phase is a short method that hands
//! the state it needs to the submodel's own module (`people/`, `firms/`, `markets/`,
//! `migration/`, `clusters/`, `towns/`); observation is in [`observe`].

pub mod init;
pub mod observe;

use std::sync::Arc;

use rayon::prelude::*;

use crate::clusters::ClusterState;
use crate::firms::entry::{
    NewFirm, entry_stream, make_firm, pick_weighted, poisson, spinoff_sector,
};
use crate::firms::production::{FirmContext, FirmOutcome, Markets, step_firm};
use crate::firms::{Firm, FirmKind, Sector};
use crate::ids::{FirmId, TownId};
use crate::markets::labour::{self, LabourTables};
use crate::markets::prices::WorldPrices;
use crate::migration::MigrationTables;
use crate::migration::arrivals::{self, ArrivalInputs, Arrivals};
use crate::migration::places::{self, Outlook};
use crate::people::People;
use crate::people::month::{PassInputs, append_newborns, initial_counts};
use crate::people::pass::{self, CHUNK, PassResult};
use crate::policy::{NationalLevers, OneOff, Schedule, TownLevers};
use crate::rng::{Process, Stream};
use crate::scenario::{Scenario, interpolate};
use crate::towns::economy::{self, LocalEconomy};
use crate::towns::{self, Town};
use observe::{EventRow, Records};

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
    /// Build the initial state of a validated scenario with the given seed and scale.
    pub fn new(scenario: Scenario, seed: u64, scale: f64) -> Model {
        let f = &scenario.file;
        let n = f.town.len();
        let nd = n + 1;
        let start_month = crate::scenario::month_index(f.run.start_year, 1);
        let (km, base_hours) = init::distances(&scenario);
        let network = init::initial_network(f, &km);
        let schedule = Schedule::new(&scenario);
        let mut model = Model {
            seed,
            scale,
            month: start_month,
            start_month,
            people: People::default(),
            firms: Vec::new(),
            towns: init::towns(f),
            holdings: Vec::new(),
            next_serial: 0,
            km,
            base_hours,
            network,
            prices: WorldPrices::default(),
            clusters: ClusterState::default(),
            cluster_size: Vec::new(),
            schedule,
            records: Records::default(),
            last: Vec::new(),
            od_year: vec![0.0; nd * nd],
            od_year_young: vec![0.0; nd * nd],
            person_months: 0,
            scenario: Arc::new(scenario),
        };
        let scenario = model.scenario.clone();
        init::populate(&mut model, &scenario);
        model.cluster_size = vec![0; model.firms.len()];
        model.last = initial_counts(&scenario.file, &model.people, model.month, n);
        model
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
        let mut result = self.people_demography_migration_and_jobs(&ctx, &labour, &migration);
        let arrivals = self.hubs_and_outside_migration(&ctx, &mut result);
        self.clusters_and_links(&ctx);
        let economy = self.towns_income_budget_and_status(&ctx, &result);
        self.observe(&ctx, &result, &arrivals, &economy);
        self.end_month(result);
    }

    /// Run to the end of the scenario.
    pub fn run_to_end(&mut self) {
        let end = crate::scenario::month_index(self.scenario.file.run.end_year, 12);
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
        let f = &self.scenario.file;
        let n = self.towns.len();
        let names: Vec<String> = self.towns.iter().map(|t| t.name.clone()).collect();
        let (levers, national, window_events, one_offs) =
            self.schedule.levers(self.month, n, &names);
        let step = self.step_index();
        let year_frac = self.month as f64 / 12.0 - f.run.start_year as f64;
        let year = self.month as f64 / 12.0;
        self.prices.step(
            self.seed,
            step,
            f.firms.price_persistence,
            f.firms.price_volatility,
        );
        let trend = (1.0 + f.firms.national_demand_growth).powf(year_frac);
        let mut world_price = [1.0; 10];
        for s in Sector::ALL {
            world_price[s.index()] = self.prices.index(s) * national.world_price[s.index()];
        }
        let national_wage = interpolate(&f.national.wage_krub, year);
        let national_wage0 = interpolate(&f.national.wage_krub, f.run.start_year as f64);
        let national_unemployment = interpolate(&f.national.unemployment_rate, year);

        // Local income and population indices.
        let mut local = vec![1.0; n];
        let mut public = vec![1.0; n];
        let mut hub_jobs = vec![0.0; n];
        let mut hub_wage = vec![0.0; n];
        for (t, town) in self.towns.iter().enumerate() {
            let ts = &f.town[t];
            if town.is_hub {
                hub_jobs[t] = ts.commuter_jobs * self.scale * (national.demand * trend).sqrt();
                hub_wage[t] = ts.wage_krub * national_wage / national_wage0
                    * (1.0 + ts.wage_growth).powf(year_frac);
            } else {
                if town.income0 > 0.0 {
                    local[t] = (town.income / town.income0)
                        .max(0.01)
                        .powf(f.firms.local_income_elasticity);
                }
                let pop = self.last[t].population() as f64 / self.scale;
                public[t] = (pop / town.population0.max(1.0)) * (trend * national.demand).sqrt();
            }
        }
        let wage_drift = national_wage / interpolate(&f.national.wage_krub, year - 1.0 / 12.0);
        let markets = Markets {
            wage_drift,
            world_price,
            export_volume: trend,
            national: trend * national.demand,
            state_orders: national.state_orders,
            local,
            public,
            hub_jobs,
            hub_wage,
        };

        // Travel times with infrastructure policies.
        let mut hours = self.base_hours.clone();
        for a in 0..n {
            for b in 0..n {
                hours[a * n + b] *= levers[a].travel_time_multiplier.min(1.0)
                    * levers[b].travel_time_multiplier.min(1.0)
                    / (levers[a]
                        .travel_time_multiplier
                        .min(1.0)
                        .max(levers[b].travel_time_multiplier.min(1.0)));
            }
        }
        let max_h = f.labour.commute_max_hours;
        let reach: Vec<bool> = hours.iter().map(|&h| h <= max_h).collect();

        for e in window_events {
            let town = if e.towns.len() == 1 {
                Some(e.towns[0].clone())
            } else {
                None
            };
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
            national_unemployment,
            national_wage,
            hours,
            reach,
        }
    }

    fn apply_one_off(&mut self, o: OneOff) {
        match o {
            OneOff::Closure { firm, share } => {
                if let Some(i) = self.firms.iter().position(|f| f.name == firm && f.alive) {
                    let town = self.towns[self.firms[i].town.index()].name.clone();
                    if share >= 1.0 {
                        self.firms[i].alive = false;
                        self.event(Some(town), "firm_exit", firm, "plant closure".into());
                    } else {
                        self.firms[i].capacity *= 1.0 - share;
                        self.firms[i].social_role = false;
                        self.event(
                            Some(town),
                            "firm_downsizing",
                            firm,
                            format!("capacity cut by {:.0}%", share * 100.0),
                        );
                    }
                }
            }
            OneOff::Restructure { firm, units } => self.restructure(&firm, &units),
        }
    }

    /// Split a giant into autonomous units; its workers move to the units by share.
    fn restructure(&mut self, name: &str, units: &[(String, Sector, f64)]) {
        let Some(parent) = self.firms.iter().position(|f| f.name == name && f.alive) else {
            return;
        };
        let p = self.firms[parent].clone();
        let first_unit = self.firms.len();
        let f = &self.scenario.file.firms;
        for (uname, sector, share) in units {
            let size = p.workforce as f64 * share;
            let mut unit = make_firm(
                NewFirm {
                    town: p.town,
                    sector: *sector,
                    kind: FirmKind::Spinoff,
                    size,
                    productivity: p.productivity,
                    base_wage: p.base_wage,
                    demand_index: 1.0,
                    cash_months: 3.0,
                    weight: 1.0,
                    month: self.month,
                    name: uname.clone(),
                },
                f,
            );
            // Units keep their share of the parent's markets at the parent's demand level.
            unit.base_demand = p.base_demand * share * p.demand_shock.exp() * p.capacity;
            let (e, g, l) = sector.default_markets();
            unit.export_share = e;
            unit.state_order_share = g;
            unit.local_share = l;
            unit.vacancies = 0;
            self.firms.push(unit);
            self.cluster_size.push(0);
        }
        self.firms[parent].alive = false;
        let cum: Vec<f64> = units
            .iter()
            .scan(0.0, |c, u| {
                *c += u.2;
                Some(*c)
            })
            .collect();
        let parent_id = FirmId::from_index(parent);
        let (seed, step) = (self.seed, self.step_index());
        for i in 0..self.people.len() {
            if self.people.employer[i] == Some(parent_id) {
                let mut rng = Stream::new(
                    seed,
                    Process::Restructure,
                    self.people.serial[i] as u64,
                    step,
                );
                let u = rng.uniform();
                self.people.employer[i] = cum
                    .iter()
                    .position(|&c| u < c)
                    .map(|k| FirmId::from_index(first_unit + k));
            }
        }
        for k in first_unit..self.firms.len() {
            self.firms[k].workforce = 0;
        }
        for e in self.people.employer.iter().flatten() {
            if e.index() >= first_unit {
                self.firms[e.index()].workforce += 1;
            }
        }
        self.firms[parent].workforce = 0;
        let town = self.towns[p.town.index()].name.clone();
        let detail = units
            .iter()
            .map(|u| format!("{} ({}, {:.0}%)", u.0, u.1.name(), u.2 * 100.0))
            .collect::<Vec<_>>()
            .join("; ");
        self.event(Some(town.clone()), "firm_split", name.to_string(), detail);
        for (uname, _, _) in units {
            self.event(
                Some(town.clone()),
                "firm_entry",
                uname.clone(),
                format!("unit of {name}"),
            );
        }
    }

    /// Production, accounts, wages, targets, modernisation, exits; yearly holding reviews.
    fn firms_produce_and_decide(&mut self, ctx: &Context) {
        let sc = Arc::clone(&self.scenario);
        let f = &sc.file;
        let fctx = FirmContext {
            seed: self.seed,
            step: self.step_index(),
            month: self.month,
            params: &f.firms,
            clusters: &f.clusters,
            markets: &ctx.markets,
            national: &ctx.national,
            towns: &ctx.levers,
        };
        let sizes = &self.cluster_size;
        let exited: Vec<usize> = self
            .firms
            .par_iter_mut()
            .enumerate()
            .filter_map(|(i, firm)| {
                (step_firm(firm, i, sizes[i], &fctx) == FirmOutcome::Exited).then_some(i)
            })
            .collect();
        for i in exited {
            let town = self.towns[self.firms[i].town.index()].name.clone();
            let name = self.firms[i].name.clone();
            let detail = format!(
                "after sustained losses; {} workers",
                (self.firms[i].workforce as f64 / self.scale).round()
            );
            self.event(Some(town), "firm_exit", name, detail);
        }
        // Holdings review their plants each January and cut loss-makers (decided outside the town).
        let (_, cal_month) = self.calendar();
        if cal_month == 1 && !self.holdings.is_empty() {
            let share = f.firms.holding_downsize_share;
            let mut cuts = Vec::new();
            for (i, firm) in self.firms.iter_mut().enumerate() {
                if firm.alive && firm.holding.is_some() && firm.profit_year < 0.0 && share > 0.0 {
                    firm.capacity *= 1.0 - share;
                    cuts.push(i);
                }
            }
            for i in cuts {
                let firm = &self.firms[i];
                let town = self.towns[firm.town.index()].name.clone();
                let detail = format!(
                    "{} cuts capacity by {:.0}% after a loss-making year",
                    self.holdings[firm.holding.unwrap() as usize],
                    share * 100.0
                );
                let name = firm.name.clone();
                self.event(Some(town), "holding_downsizing", name, detail);
            }
        }
    }

    /// Start-ups, spin-offs and relocations.
    fn firm_entry(&mut self, ctx: &Context) {
        let f = &self.scenario.file;
        let p = &f.firms;
        let step = self.step_index();
        let mut new_firms: Vec<(Firm, &'static str, String)> = Vec::new();
        let n = self.towns.len();
        // Jobs by town and sector (for start-up sector choice) and mean productivity by sector.
        let mut jobs = vec![[0.0f64; 10]; n];
        let mut prod = [(0.0f64, 0.0f64); 10];
        for firm in self
            .firms
            .iter()
            .filter(|f| f.alive && f.kind != FirmKind::Hub)
        {
            jobs[firm.town.index()][firm.sector.index()] += firm.workforce as f64;
            prod[firm.sector.index()].0 += firm.productivity * firm.workforce as f64;
            prod[firm.sector.index()].1 += firm.workforce as f64;
        }
        let sector_productivity = |s: Sector, wage: f64| {
            let (a, w) = prod[s.index()];
            if w > 0.0 {
                a / w
            } else {
                init::balanced_productivity(wage, p, 0.0)
            }
        };
        for t in 0..n {
            if self.towns[t].is_hub {
                continue;
            }
            let lev = &ctx.levers[t];
            let pop_real = self.last[t].population() as f64 / self.scale;
            let mean_wage = if self.last[t].employed > 0 {
                self.last[t].wage_sum / self.last[t].employed as f64
            } else {
                self.towns[t].wage0
            };
            let mut rng = entry_stream(self.seed, t, step, 1);
            let starts = poisson(
                &mut rng,
                p.startup_rate_per_1000 * pop_real / 1000.0 * self.scale * lev.startup_multiplier,
            );
            for _ in 0..starts {
                let options: Vec<(Sector, f64)> = Sector::ALL
                    .iter()
                    .filter(|s| **s != Sector::PublicSector)
                    .map(|&s| {
                        let base = jobs[t][s.index()]
                            + if s == Sector::LocalServices {
                                0.5 * pop_real * self.scale * 0.05
                            } else {
                                0.0
                            };
                        let boost = if lev.incubator && s.is_innovative() {
                            3.0
                        } else {
                            1.0
                        };
                        (s, (base + 1.0) * boost)
                    })
                    .collect();
                let sector = pick_weighted(&options, &mut rng).unwrap_or(Sector::LocalServices);
                let wage = mean_wage * init::sector_wage(sector);
                let productivity = sector_productivity(sector, wage) * (0.85 + 0.3 * rng.uniform());
                let cash = 2.0
                    + if lev.incubator {
                        p.incubator_cash_months
                    } else {
                        0.0
                    };
                let probe = make_firm(
                    NewFirm {
                        town: TownId(t as u16),
                        sector,
                        kind: FirmKind::Sme,
                        size: p.startup_size,
                        productivity,
                        base_wage: wage,
                        demand_index: 1.0,
                        cash_months: cash,
                        weight: 1.0 / self.scale,
                        month: self.month,
                        name: String::new(),
                    },
                    p,
                );
                let di = ctx.markets.demand_index(&probe);
                let mut firm = probe;
                firm.base_demand = p.startup_size * productivity / di.max(0.05);
                new_firms.push((firm, "firm_entry", "start-up".into()));
            }
            if let Some((per_month, size, sector)) = lev.relocation {
                let k = poisson(
                    &mut entry_stream(self.seed, t, step, 2),
                    per_month * self.scale,
                );
                for _ in 0..k {
                    let wage = mean_wage * init::sector_wage(sector);
                    let productivity = sector_productivity(sector, wage);
                    let kind = if size >= 250.0 {
                        FirmKind::Large
                    } else {
                        FirmKind::Sme
                    };
                    let probe = make_firm(
                        NewFirm {
                            town: TownId(t as u16),
                            sector,
                            kind,
                            size,
                            productivity,
                            base_wage: wage,
                            demand_index: 1.0,
                            cash_months: 6.0,
                            weight: 1.0 / self.scale,
                            month: self.month,
                            name: String::new(),
                        },
                        p,
                    );
                    let di = ctx.markets.demand_index(&probe);
                    let mut firm = probe;
                    firm.base_demand = size * productivity / di.max(0.05);
                    new_firms.push((firm, "firm_entry", "relocated from the capital".into()));
                }
            }
        }
        // Spin-offs from large firms (Klepper).
        for (i, parent) in self.firms.iter().enumerate() {
            if !parent.alive
                || !matches!(parent.kind, FirmKind::Giant | FirmKind::Large)
                || parent.weight > 1.0 + 1e-9 && parent.workforce < 200
            {
                continue;
            }
            let real_workers =
                parent.workforce as f64 / self.scale * parent.weight.min(1.0).max(self.scale);
            let mean = p.spinoff_rate_per_1000 * real_workers / 1000.0 * self.scale;
            let mut rng = Stream::new(self.seed, Process::FirmEntry, (1u64 << 40) | i as u64, step);
            for _ in 0..poisson(&mut rng, mean) {
                let sector = spinoff_sector(parent.sector, &mut rng);
                let wage = parent.base_wage;
                let probe = make_firm(
                    NewFirm {
                        town: parent.town,
                        sector,
                        kind: FirmKind::Spinoff,
                        size: p.spinoff_size,
                        productivity: parent.productivity * 1.05,
                        base_wage: wage,
                        demand_index: 1.0,
                        cash_months: 4.0,
                        weight: 1.0 / self.scale,
                        month: self.month,
                        name: String::new(),
                    },
                    p,
                );
                let di = ctx.markets.demand_index(&probe);
                let mut firm = probe;
                firm.base_demand = p.spinoff_size * firm.productivity / di.max(0.05);
                new_firms.push((firm, "firm_spinoff", format!("spin-off of {}", parent.name)));
            }
        }
        for (mut firm, kind, detail) in new_firms {
            let id = self.firms.len() + 1;
            let town = self.towns[firm.town.index()].name.clone();
            firm.name = format!("{} {} #{}", town, firm.sector.name(), id);
            let name = firm.name.clone();
            self.firms.push(firm);
            self.cluster_size.push(0);
            self.event(Some(town), kind, name, detail);
        }
    }

    /// Offer probabilities, vacancy distributions and destination choice tables.
    fn labour_and_migration_tables(&self, ctx: &Context) -> (LabourTables, MigrationTables) {
        let f = &self.scenario.file;
        let labour = labour::month_tables(&f.labour, &self.last, &self.firms, &ctx.hours);
        let workplace_wage = economy::workplace_wages(&self.firms, self.towns.len());
        let youth_multiplier = ctx
            .levers
            .iter()
            .map(|l| l.youth_hazard_multiplier as f32)
            .collect();
        let migration = places::month_tables(
            f,
            &self.outlook(ctx, &workplace_wage),
            &self.km,
            &self.network,
            youth_multiplier,
        );
        (labour, migration)
    }

    /// What movers know about the places this month.
    fn outlook<'a>(&'a self, ctx: &'a Context, workplace_wage: &'a [Option<f64>]) -> Outlook<'a> {
        Outlook {
            towns: &self.towns,
            last: &self.last,
            workplace_wage,
            hub_wage: &ctx.markets.hub_wage,
            national_wage: ctx.national_wage,
            national_unemployment: ctx.national_unemployment,
            scale: self.scale,
        }
    }

    /// The parallel pass over people, then births appended and firm headcounts recounted.
    fn people_demography_migration_and_jobs(
        &mut self,
        ctx: &Context,
        labour: &LabourTables,
        migration: &MigrationTables,
    ) -> PassResult {
        let f = &self.scenario.file;
        let clock = (self.month, self.step_index(), self.seed);
        let inputs = PassInputs::new(f, clock, &ctx.national, &ctx.levers, &self.firms);
        let pctx = inputs.context(f, labour, migration, &ctx.reach);
        let mut result = pass::run(self.people.chunks_mut(CHUNK), &pctx);
        self.person_months += result.processed;
        self.people.gone += result.gone as usize;
        append_newborns(
            &mut self.people,
            &mut self.next_serial,
            self.month,
            &mut result,
        );
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

    /// Hubs' stocks, migrants from hubs and the rest of the country into the towns
    /// (counted in the towns' aggregates), and the network ties of this month's moves.
    fn hubs_and_outside_migration(&mut self, ctx: &Context, result: &mut PassResult) -> Arrivals {
        let workplace_wage = economy::workplace_wages(&self.firms, self.towns.len());
        let attractiveness =
            places::attractiveness(&self.scenario.file, &self.outlook(ctx, &workplace_wage));
        let inputs = ArrivalInputs {
            f: &self.scenario.file,
            last: &self.last,
            km: &self.km,
            od: &result.od,
            attractiveness: &attractiveness,
            scale: self.scale,
            seed: self.seed,
            step: self.step_index(),
            month: self.month,
        };
        let arrivals = arrivals::arrive(
            &inputs,
            &mut self.towns,
            &mut self.people,
            &mut self.next_serial,
        );
        arrivals.add_to_counts(&mut result.towns);
        arrivals.add_to_network(&mut self.network, &result.od, 1.0 / self.scale);
        arrivals
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
            &sc.file.clusters,
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

    /// Residents' income, municipal budgets, amenities and housing; in December the
    /// monotown status. Returns the tallies of local firms, which observation reports.
    fn towns_income_budget_and_status(
        &mut self,
        ctx: &Context,
        result: &PassResult,
    ) -> Vec<LocalEconomy> {
        let f = &self.scenario.file;
        let economy = economy::tally(&self.firms, self.towns.len());
        towns::month::update_month(
            &mut self.towns,
            f,
            &result.towns,
            &economy,
            ctx.national_wage,
            self.scale,
            self.month == self.start_month,
        );
        if self.calendar().1 == 12 {
            towns::month::update_status(
                &mut self.towns,
                &result.towns,
                &economy,
                &self.firms,
                ctx.national_unemployment,
                self.scale,
            );
        }
        economy
    }

    /// This month's aggregates become "last month" for the next step.
    fn end_month(&mut self, result: PassResult) {
        self.last = result.towns;
        self.month += 1;
    }
}
