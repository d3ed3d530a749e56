//! The model: state and the monthly step.
//!
//! [`Model::step`] is the table of contents of the simulation; it reads like the ODD
//! process overview (docs/ODD.md, section 3). Each phase is a short method that hands
//! the state it needs to the submodel's own module (`people/`, `firms/`, `markets/`,
//! `migration/`, `clusters/`, `towns/`); observation is in [`observe`].

pub mod init;
pub mod observe;

use std::sync::Arc;

use crate::clusters::ClusterState;
use crate::firms::entry::{self, EntryContext, EntryTown};
use crate::firms::production::{self, FirmContext};
use crate::firms::restructure::{self, SplitContext, Unit, Workforce};
use crate::firms::{Firm, holdings};
use crate::ids::FirmId;
use crate::markets::goods::{GoodsInputs, Markets, goods_markets};
use crate::markets::labour::{self, LabourTables};
use crate::markets::prices::WorldPrices;
use crate::migration::MigrationTables;
use crate::migration::arrivals::{self, ArrivalInputs, Arrivals};
use crate::migration::places::{self, Outlook};
use crate::people::People;
use crate::people::month::{PassInputs, append_newborns, initial_counts};
use crate::people::pass::{self, CHUNK, PassResult};
use crate::policy::{NationalLevers, OneOff, Schedule, TownLevers};
use crate::scenario::{Scenario, interpolate};
use crate::towns::economy::{self, LocalEconomy};
use crate::towns::geography::{commuting_reach, travel_hours};
use crate::towns::{self, Town};
use observe::{EventKind, EventRow, Records};

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
        model.last = initial_counts(scenario.file(), &model.people, model.month, n);
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
        let end = crate::scenario::month_index(self.scenario.file().run.end_year, 12);
        while self.month <= end {
            self.step();
        }
    }

    fn event(&mut self, town: Option<String>, kind: EventKind, subject: String, detail: String) {
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
        self.event(
            Some(town.clone()),
            EventKind::FirmSplit,
            name.to_string(),
            detail,
        );
        for (unit, _, _) in units {
            let detail = format!("unit of {name}");
            self.event(
                Some(town.clone()),
                EventKind::FirmEntry,
                unit.clone(),
                detail,
            );
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
            self.event(Some(town), EventKind::FirmExit, name, detail);
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
            self.event(Some(town), EventKind::HoldingDownsizing, name, detail);
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
        let f = self.scenario.file();
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
            places::attractiveness(self.scenario.file(), &self.outlook(ctx, &workplace_wage));
        let inputs = ArrivalInputs {
            f: self.scenario.file(),
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
                EventKind::ClusterFormed,
                format!("cluster {id}"),
                format!("{size} firms"),
            );
        }
        for (id, town) in changes.dissolved {
            let name = self.towns[town].name.clone();
            self.event(
                Some(name),
                EventKind::ClusterDissolved,
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
        let f = self.scenario.file();
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
