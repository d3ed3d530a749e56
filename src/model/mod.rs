//! The model: state and the monthly step.
//!
//! [`Model::step`] is the table of contents of the simulation; it reads like the ODD
//! process overview (docs/ODD.md, section 3). Each phase is a short method that hands
//! the state it needs to the submodel's own module (`people/`, `firms/`, `markets/`,
//! `migration/`, `clusters/`, `towns/`); the month's conditions they read (levers in
//! force, national indices, goods markets, geography) are a
//! [`Context`](crate::markets::context::Context). The first state is built in [`init`],
//! observation is in [`observe`]. The model reads the validated
//! [`Params`](crate::scenario::Params) (`scenario.params()`), never the raw file.

#[cfg(test)]
mod household_tests;
pub mod init;
pub mod observe;

use std::sync::Arc;

use crate::clusters::{ClusterMonth, ClusterState};
use crate::firms::entry::{self, EntryContext, EntryTown};
use crate::firms::production::{self, FirmContext, FirmOutcome};
use crate::firms::restructure::{self, SplitContext, Unit, Workforce};
use crate::firms::{Firm, holdings};
use crate::ids::FirmId;
use crate::markets::context::Context;
use crate::markets::goods::{MarketShares, claim};
use crate::markets::informal;
use crate::markets::labour::{self, LabourTables};
use crate::markets::prices::WorldPrices;
use crate::migration::MigrationTables;
use crate::migration::arrivals::{self, ArrivalInputs, Arrivals};
use crate::migration::places;
use crate::people::People;
use crate::people::households::HouseholdMonth;
use crate::people::month::{PassInputs, after_pass};
use crate::people::pass::{self, CHUNK, PassResult};
use crate::policy::{OneOff, Schedule};
use crate::scenario::Scenario;
use crate::towns::economy::{self, LocalEconomy};
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
    /// Expenditure of each town's sector markets at base indices (agents' units; see
    /// [`crate::markets::goods::MarketShares`]).
    pub market_size: Vec<[f64; crate::firms::Sector::COUNT]>,
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

impl Model {
    /// Build the initial state of a validated scenario with the given seed, at the
    /// scenario's validated scale ([`init::model`]).
    pub fn new(scenario: Scenario, seed: u64) -> Model {
        init::model(scenario, seed)
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
        let end = self.scenario.params().end_month();
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

    /// Shocks and policies in force, world prices, national indices, goods markets and
    /// this month's geography ([`Context`]).
    fn policies_and_shocks(&mut self) -> Context {
        let sc = Arc::clone(&self.scenario);
        let p = sc.params();
        let names: Vec<String> = self.towns.iter().map(|t| t.name.clone()).collect();
        let (levers, national, window_events, one_offs) =
            self.schedule.levers(self.month, self.towns.len(), &names);
        let (persistence, volatility) = (p.firms().price_persistence, p.firms().price_volatility);
        (self.prices).step(self.seed, self.step_index(), persistence, volatility);
        let ctx = Context::new(
            p,
            (self.month, self.scale, self.seed),
            (levers, national),
            &self.prices,
            &self.towns,
            &self.last,
            &self.base_hours,
        );
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
        ctx
    }

    /// A plant closure or a restructuring that falls due this month.
    fn apply_one_off(&mut self, o: OneOff) {
        match o {
            OneOff::Closure { firm, share } => {
                let i = firm.index();
                if self.firms[i].alive {
                    let firm = self.firms[i].name.clone();
                    let town = self.towns[self.firms[i].town.index()].name.clone();
                    let (t, s, before) = (
                        self.firms[i].town.index(),
                        self.firms[i].sector.index(),
                        claim(&self.firms[i]),
                    );
                    let (kind, detail) = restructure::close_or_downsize(&mut self.firms[i], share);
                    // A closure takes its market with it (the demand that was lost).
                    let lost = before * share.min(1.0);
                    self.market_size[t][s] = (self.market_size[t][s] - lost).max(0.0);
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
            params: sc.params().firms(),
        };
        let workers = Workforce {
            employer: &mut self.people.employer,
            serial: &self.people.serial,
        };
        let first_unit = self.firms.len();
        let (town, sector) = (self.firms[parent].town.index(), self.firms[parent].sector);
        let parent_claim = claim(&self.firms[parent]);
        restructure::split_into_units(&mut self.firms, parent, units, workers, &ctx);
        self.cluster_size.resize(self.firms.len(), 0);
        // The units take their share of the parent's market into their sectors' markets.
        let market = &mut self.market_size[town];
        market[sector.index()] = (market[sector.index()] - parent_claim).max(0.0);
        for unit in &self.firms[first_unit..] {
            market[unit.sector.index()] += claim(unit);
        }
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
        let shares = MarketShares::of(&self.firms, &self.market_size);
        let fctx = FirmContext {
            seed: self.seed,
            step: self.step_index(),
            month: self.month,
            params: sc.params().firms(),
            clusters: sc.params().clusters(),
            markets: &ctx.markets,
            shares: &shares,
            national: &ctx.national,
            towns: &ctx.levers,
        };
        let p = sc.params().firms();
        for (i, outcome) in production::step_all(&mut self.firms, &self.cluster_size, &fctx) {
            let f = &self.firms[i];
            let town = self.towns[f.town.index()].name.clone();
            let name = f.name.clone();
            let workers = (f.workforce as f64 / self.scale).round();
            let (kind, detail) = match outcome {
                FirmOutcome::ArrearsStarted => (
                    EventKind::WageArrearsStarted,
                    format!(
                        "withholds {:.0}% of wages; {workers} workers",
                        p.arrears_withheld_share * 100.0
                    ),
                ),
                FirmOutcome::ArrearsCleared => (
                    EventKind::WageArrearsRepaid,
                    format!("arrears paid back; {workers} workers"),
                ),
                FirmOutcome::HoardingLimit => (
                    EventKind::HoardingLimit,
                    format!("wage arrears at their ceiling; lay-offs follow; {workers} workers"),
                ),
                _ => (
                    EventKind::FirmExit,
                    format!("after sustained losses; {workers} workers"),
                ),
            };
            self.event(Some(town), kind, name, detail);
        }
        let interval = p.holding_review_interval_months.round().max(1.0) as i32;
        if (self.calendar().1 - 1) % interval == 0
            && !self.holdings.is_empty()
            && self.calendar().0 as f64 >= p.holding_reviews_start_year
        {
            let rules = holdings::Rules {
                downsize_share: p.holding_downsize_share,
                closure_margin: p.holding_closure_margin,
            };
            self.holdings_review(rules);
        }
    }

    /// Holdings cut or close their weakest loss-making plant at each review (decided
    /// outside the town, at current world prices).
    fn holdings_review(&mut self, rules: holdings::Rules) {
        for d in holdings::review(&mut self.firms, self.holdings.len(), rules) {
            let (i, kind) = match d {
                holdings::Decision::Downsize { firm, .. } => (firm, EventKind::HoldingDownsizing),
                holdings::Decision::Close { firm, .. } => (firm, EventKind::HoldingClosure),
            };
            let firm = &self.firms[i];
            let town = self.towns[firm.town.index()].name.clone();
            let holding = firm.holding.expect("reviewed firms belong to a holding");
            let detail = holdings::detail(&self.holdings[holding.index()], d, rules.downsize_share);
            let name = firm.name.clone();
            self.event(Some(town), kind, name, detail);
        }
    }

    /// Start-ups, spin-offs and relocations.
    fn firm_entry(&mut self, ctx: &Context) {
        let sc = Arc::clone(&self.scenario);
        let towns = EntryTown::from_last(&self.towns, &self.last, self.scale);
        let shares = MarketShares::of(&self.firms, &self.market_size);
        let ectx = EntryContext {
            seed: self.seed,
            step: self.step_index(),
            month: self.month,
            scale: self.scale,
            params: sc.params().firms(),
            markets: &ctx.markets,
            shares: &shares,
            levers: &ctx.levers,
        };
        for e in entry::entrants(&self.firms, &towns, &ectx) {
            let mut firm = e.firm;
            if e.brings_market {
                self.market_size[firm.town.index()][firm.sector.index()] += claim(&firm);
            }
            let town = self.towns[firm.town.index()].name.clone();
            firm.name = format!("{} {} #{}", town, firm.sector.name(), self.firms.len() + 1);
            let name = firm.name.clone();
            self.firms.push(firm);
            self.cluster_size.push(0);
            self.event(Some(town), e.kind, name, e.detail);
        }
    }

    /// Offer probabilities, vacancy distributions, the informal tier and destination choice
    /// tables.
    fn labour_and_migration_tables(&self, ctx: &Context) -> (LabourTables, MigrationTables) {
        let p = self.scenario.params();
        let mut labour =
            labour::month_tables(p.labour(), &self.last, &self.firms, &ctx.hours, &self.km);
        // Informal demand multiplier by town: 1 (no seasonal profile); the hook a seasonal
        // demand profile feeds (7.7b).
        let informal_demand = vec![1.0; self.towns.len()];
        labour.informal = informal::month_tables(
            p.informal(),
            &self.last,
            &self.firms,
            &informal_demand,
            p.labour().benefit_krub,
        );
        let workplace_wage = economy::workplace_wages(&self.firms, self.towns.len());
        let outlook = ctx.outlook(&self.towns, &self.last, &workplace_wage, self.scale);
        let youth = ctx.youth_multiplier();
        let migration = places::month_tables(p, &outlook, &self.km, &self.network, youth);
        (labour, migration)
    }

    /// Households' migration decisions, the parallel pass over people, then births
    /// appended and firm headcounts recounted.
    fn people_demography_migration_and_jobs(
        &mut self,
        ctx: &Context,
        labour: &LabourTables,
        migration: &MigrationTables,
    ) -> PassResult {
        let p = self.scenario.params();
        let clock = (self.month, self.step_index(), self.seed);
        let inputs = PassInputs::new(p, clock, &ctx.national, &ctx.levers, &self.firms);
        let pctx = inputs.context(p, labour, migration, &ctx.reach);
        let hazards = pass::hazard_table(&pctx);
        let mut households = HouseholdMonth::gather(&self.people, &pctx);
        households.decide(&self.people, &pctx, &hazards);
        let chunks = self.people.chunks_mut(CHUNK);
        let mut result = pass::run(chunks, &pctx, &households, &hazards);
        self.person_months += result.processed;
        let (people, serial) = (&mut self.people, &mut self.next_serial);
        after_pass(people, serial, self.month, &mut self.firms, &mut result);
        result
    }

    /// Hubs' stocks, migrants from hubs and the rest of the country into the towns
    /// (counted in the towns' aggregates), and the network ties of this month's moves.
    fn hubs_and_outside_migration(&mut self, ctx: &Context, result: &mut PassResult) -> Arrivals {
        let p = self.scenario.params();
        let workplace_wage = economy::workplace_wages(&self.firms, self.towns.len());
        let outlook = ctx.outlook(&self.towns, &self.last, &workplace_wage, self.scale);
        let attractiveness = places::attractiveness(p, &outlook);
        let inputs = ArrivalInputs {
            params: p,
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
        let month = ClusterMonth {
            reach: &ctx.reach,
            n_towns: self.towns.len(),
            levers: &ctx.levers,
            params: sc.params().clusters(),
            capital_cost: sc.params().firms().capital_cost,
            scale: self.scale,
            seed: self.seed,
            step: self.step_index(),
            detect_communities: self.calendar().1 == 12 || self.month == self.start_month,
        };
        let (sizes, changes) = self.clusters.step(&mut self.firms, &month);
        self.cluster_size = sizes;
        for (id, town, size) in changes.formed {
            let (name, subject) = (self.towns[town].name.clone(), format!("cluster {id}"));
            let kind = EventKind::ClusterFormed;
            self.event(Some(name), kind, subject, format!("{size} firms"));
        }
        for (id, town) in changes.dissolved {
            let (name, subject) = (self.towns[town].name.clone(), format!("cluster {id}"));
            let kind = EventKind::ClusterDissolved;
            self.event(Some(name), kind, subject, String::new());
        }
    }

    /// Residents' income, municipal budgets, amenities and housing; in December the
    /// monotown status. Returns the tallies of local firms, which observation reports.
    fn towns_income_budget_and_status(
        &mut self,
        ctx: &Context,
        result: &PassResult,
    ) -> Vec<LocalEconomy> {
        let first_month = self.month == self.start_month;
        let december = self.calendar().1 == 12;
        towns::month::town_phase(
            &mut self.towns,
            self.scenario.params(),
            &self.firms,
            &result.towns,
            (ctx.national_wage, ctx.national_unemployment),
            self.scale,
            (first_month, december),
        )
    }

    /// This month's aggregates become "last month" for the next step.
    fn end_month(&mut self, result: PassResult) {
        self.last = result.towns;
        self.month += 1;
    }
}
