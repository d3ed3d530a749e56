//! Observation: what the model records each month and each year.
//!
//! Records are kept as plain rows in memory (a run is a few thousand town-months) and
//! turned into Parquet/CSV tables by `crate::output`. Counts are converted to real
//! persons here (agents / scale), once. Observation only reads the model: the town
//! dynamics it reports (income, budget, amenities, status) are updated by the towns
//! phase before it.

use super::{Context, Model};
use std::collections::HashMap;

use crate::firms::{FirmKind, Owner, Sector};
use crate::ids::ClusterId;
use crate::migration::arrivals::Arrivals;
use crate::people::pass::{PassResult, WAGE_BINS};
use crate::scenario::REST_OF_COUNTRY;
use crate::towns::economy::{KIND_COLUMNS, LocalEconomy};
use crate::towns::month::median_wage;

/// One town in one month.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct TownRow {
    pub town: String,
    pub is_hub: bool,
    pub year: i32,
    pub month: i32,
    pub population: i64,
    pub pop_band: [i64; 5],
    pub pop_skill: [i64; 3],
    pub labour_force: i64,
    pub employed: i64,
    pub informal_employed: i64,
    pub informal_share: f64,
    pub unemployed: i64,
    pub unemployment_rate: f64,
    pub vacancies: i64,
    pub jobs: i64,
    pub output_krub: f64,
    pub mean_wage_krub: f64,
    pub median_wage_krub: f64,
    pub births: i64,
    pub deaths: i64,
    pub in_migrants: i64,
    pub out_migrants: i64,
    pub out_band: [i64; 5],
    pub commuters_out: i64,
    pub commuters_in: i64,
    pub hires: i64,
    pub separations: i64,
    pub firms: i64,
    pub firms_kind: [i64; KIND_COLUMNS],
    pub firms_sector: [i64; Sector::COUNT],
    pub emp_giant: i64,
    pub emp_sector: [i64; Sector::COUNT],
    pub largest_employer_share: f64,
    pub diversification_index: f64,
    pub clusters: i64,
    pub cluster_employment: i64,
    pub cluster_output_share: f64,
    pub amenity_index: f64,
    pub housing_cost_krub: f64,
    pub budget_revenue_krub: f64,
    pub budget_spending_krub: f64,
    pub budget_balance_krub: f64,
    pub monotown_status: bool,
    /// Monotown category 1-3; 0 when the town is not a monotown.
    pub monotown_category: i32,
}

/// Yearly origin-destination flow.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct OdRow {
    pub year: i32,
    pub origin: String,
    pub destination: String,
    pub migrants: i64,
    pub migrants_18_29: i64,
}

/// Yearly firm snapshot row, compact: no string per row. The firm's name and town are
/// indices into [`Records::firm_names`] and [`Records::town_names`] (see
/// [`Records::firm_name`], [`Records::firm_town`]); sector, kind and owner are the
/// model's enums. A Novokuznetsk run holds ~665k of these (about 120 bytes each).
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct FirmRow {
    pub year: i32,
    pub firm_id: u32,
    /// Index into [`Records::firm_names`].
    pub name: u32,
    /// Index into [`Records::town_names`].
    pub town: u32,
    pub sector: Sector,
    pub kind: FirmKind,
    pub owner: Owner,
    pub workforce: i64,
    pub represents: f64,
    pub wage_krub: f64,
    pub productivity: f64,
    pub capital_krub: f64,
    pub output_krub: f64,
    pub profit_krub: f64,
    pub profit_year_krub: f64,
    pub modernisation_stage: i32,
    pub export_share: f64,
    pub import_share: f64,
    pub cluster_id: Option<u32>,
    pub age_months: i32,
}

/// Yearly cluster snapshot row.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct ClusterRow {
    pub year: i32,
    pub town: String,
    pub cluster_id: u32,
    pub members: i64,
    pub employment: i64,
    pub output_share: f64,
    pub sectors: String,
}

/// Commuters between two towns in December.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct CommuteRow {
    pub year: i32,
    pub home: String,
    pub work: String,
    pub commuters: i64,
}

/// Event log row.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct EventRow {
    pub year: i32,
    pub month: i32,
    pub town: Option<String>,
    pub kind: EventKind,
    pub subject: String,
    pub detail: String,
}

/// What happened, in the event log's `kind` column (see `docs/OUTPUT.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A new firm: a start-up, a firm relocated from the capital, or a unit of a split firm.
    FirmEntry,
    /// A spin-off of a giant or large firm.
    FirmSpinoff,
    /// A firm closes: after sustained losses, or by a plant-closure shock.
    FirmExit,
    /// A firm restructured into units (the units enter as [`EventKind::FirmEntry`]).
    FirmSplit,
    /// A plant-closure shock cuts part of a firm's capacity.
    FirmDownsizing,
    /// A holding cuts the capacity of its weakest loss-making plant at a review.
    HoldingDownsizing,
    /// A holding closes its weakest, deeply loss-making plant at a review.
    HoldingClosure,
    /// A giant with a social role starts withholding wages (wage arrears).
    WageArrearsStarted,
    /// A firm has paid back all its wage arrears.
    WageArrearsRepaid,
    /// A giant's wage arrears reach their ceiling: it stops hoarding labour.
    HoardingLimit,
    /// A cluster of linked firms forms.
    ClusterFormed,
    /// A cluster dissolves.
    ClusterDissolved,
    /// A policy comes into force.
    PolicyStarted,
    /// A policy's window is over (logged the month after its last month in force).
    PolicyEnded,
    /// A shock starts.
    ShockStarted,
    /// A lasting shock is over (one-off shocks log no end).
    ShockEnded,
}

impl EventKind {
    /// Every kind, in the order of `docs/OUTPUT.md`.
    pub const ALL: [EventKind; 16] = [
        EventKind::FirmEntry,
        EventKind::FirmSpinoff,
        EventKind::FirmExit,
        EventKind::FirmSplit,
        EventKind::FirmDownsizing,
        EventKind::HoldingDownsizing,
        EventKind::HoldingClosure,
        EventKind::WageArrearsStarted,
        EventKind::WageArrearsRepaid,
        EventKind::HoardingLimit,
        EventKind::ClusterFormed,
        EventKind::ClusterDissolved,
        EventKind::PolicyStarted,
        EventKind::PolicyEnded,
        EventKind::ShockStarted,
        EventKind::ShockEnded,
    ];

    /// The kind as written in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::FirmEntry => "firm_entry",
            EventKind::FirmSpinoff => "firm_spinoff",
            EventKind::FirmExit => "firm_exit",
            EventKind::FirmSplit => "firm_split",
            EventKind::FirmDownsizing => "firm_downsizing",
            EventKind::HoldingDownsizing => "holding_downsizing",
            EventKind::HoldingClosure => "holding_closure",
            EventKind::WageArrearsStarted => "wage_arrears_started",
            EventKind::WageArrearsRepaid => "wage_arrears_repaid",
            EventKind::HoardingLimit => "hoarding_limit",
            EventKind::ClusterFormed => "cluster_formed",
            EventKind::ClusterDissolved => "cluster_dissolved",
            EventKind::PolicyStarted => "policy_started",
            EventKind::PolicyEnded => "policy_ended",
            EventKind::ShockStarted => "shock_started",
            EventKind::ShockEnded => "shock_ended",
        }
    }
}

/// Everything recorded by a run.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Town x month.
    pub towns: Vec<TownRow>,
    /// Year x origin x destination.
    pub od: Vec<OdRow>,
    /// Year x firm: one vector per December snapshot, each allocated at its exact size
    /// (one growing vector would copy every earlier year at each doubling and briefly hold
    /// both copies, the largest allocation of a run). Empty snapshots are not kept.
    firms: Vec<Vec<FirmRow>>,
    /// Year x cluster.
    pub clusters: Vec<ClusterRow>,
    /// Events.
    pub events: Vec<EventRow>,
    /// Year x home town x work town.
    pub commuting: Vec<CommuteRow>,
    /// Running profit of each firm (by firm index, agent units) since January; reset
    /// after the December snapshot.
    profit_year: Vec<f64>,
    /// Distinct firm names of the firm snapshot rows, in order of first appearance.
    pub firm_names: Vec<String>,
    /// Index of each name in `firm_names`.
    name_index: HashMap<String, u32>,
    /// Town names of the firm snapshot rows (the model's towns, in order).
    pub town_names: Vec<String>,
}

impl Records {
    /// The name of a firm snapshot row.
    pub fn firm_name(&self, row: &FirmRow) -> &str {
        &self.firm_names[row.name as usize]
    }

    /// The town of a firm snapshot row.
    pub fn firm_town(&self, row: &FirmRow) -> &str {
        &self.town_names[row.town as usize]
    }

    /// The December snapshots of the firms, one slice per year with live firms, in order.
    pub fn firm_years(&self) -> &[Vec<FirmRow>] {
        &self.firms
    }

    /// All firm snapshot rows, year by year.
    pub fn firm_rows(&self) -> impl Iterator<Item = &FirmRow> + Clone + '_ {
        self.firms.iter().flatten()
    }

    /// Number of firm snapshot rows.
    pub fn firm_row_count(&self) -> usize {
        self.firms.iter().map(Vec::len).sum()
    }

    /// Take the December snapshots recorded so far out of the records (a run that
    /// streams its firm table to disk takes each one after its December, see
    /// [`crate::run::simulate_streaming`]); the names and towns stay.
    pub fn take_firm_years(&mut self) -> Vec<Vec<FirmRow>> {
        std::mem::take(&mut self.firms)
    }

    /// Index of `name` in `firm_names`, adding it on first sight.
    fn intern_name(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.name_index.get(name) {
            return i;
        }
        let i = self.firm_names.len() as u32;
        self.firm_names.push(name.to_string());
        self.name_index.insert(name.to_string(), i);
        i
    }
}

/// What one month's town rows are built from.
struct MonthView<'a> {
    ctx: &'a Context,
    result: &'a PassResult,
    arrivals: &'a Arrivals,
    economy: &'a [LocalEconomy],
    clusters_by_town: Vec<i64>,
}

impl Model {
    /// Monthly town rows and this month's migration flows; in December the OD table
    /// and the firm and cluster snapshots.
    pub(super) fn observe(
        &mut self,
        ctx: &Context,
        result: &PassResult,
        arrivals: &Arrivals,
        economy: &[LocalEconomy],
    ) {
        self.accumulate_od(result, arrivals);
        self.accumulate_profit();
        let mut clusters_by_town = vec![0i64; self.towns.len()];
        for c in &self.clusters.clusters {
            clusters_by_town[c.town] += 1;
        }
        let view = MonthView {
            ctx,
            result,
            arrivals,
            economy,
            clusters_by_town,
        };
        for t in 0..self.towns.len() {
            let row = self.town_row(t, &view);
            self.records.towns.push(row);
        }
        let (year, cal_month) = self.calendar();
        if cal_month == 12 {
            self.record_od_year(year);
            let output: Vec<f64> = economy.iter().map(|e| e.output).collect();
            self.snapshot_firms_and_clusters(year, &output);
            self.record_commuting(year, result);
            self.records.profit_year.iter_mut().for_each(|x| *x = 0.0);
        }
    }

    /// Add this month's profit of every live firm to its calendar-year profit.
    fn accumulate_profit(&mut self) {
        let acc = &mut self.records.profit_year;
        if acc.len() < self.firms.len() {
            acc.resize(self.firms.len(), 0.0);
        }
        for (a, f) in acc.iter_mut().zip(&self.firms) {
            if f.alive {
                *a += f.profit;
            }
        }
    }

    /// December commuters between each pair of towns (real persons).
    fn record_commuting(&mut self, year: i32, result: &PassResult) {
        let n = self.towns.len();
        let inv = 1.0 / self.scale;
        for h in 0..n {
            for w in 0..n {
                let k = result.commute_od[h * n + w];
                if k > 0 {
                    self.records.commuting.push(CommuteRow {
                        year,
                        home: self.towns[h].name.clone(),
                        work: self.towns[w].name.clone(),
                        commuters: (k as f64 * inv).round() as i64,
                    });
                }
            }
        }
    }

    /// Add this month's moves (person pass, then arrivals from outside) to the year's
    /// origin-destination counts (real persons).
    fn accumulate_od(&mut self, result: &PassResult, arrivals: &Arrivals) {
        let n = self.towns.len();
        let nd = n + 1;
        let inv = 1.0 / self.scale;
        for o in 0..n {
            for d in 0..nd {
                self.od_year[o * nd + d] += result.od[o * nd + d] as f64 * inv;
                self.od_year_young[o * nd + d] += result.od_young[o * nd + d] as f64 * inv;
            }
        }
        for t in 0..n {
            for o in 0..nd {
                self.od_year[o * nd + t] += arrivals.created[t][o] as f64 * inv;
                self.od_year_young[o * nd + t] += arrivals.young[t][o] as f64 * inv;
            }
        }
    }

    /// The year's origin-destination rows, then reset the counts.
    fn record_od_year(&mut self, year: i32) {
        let names: Vec<String> = self
            .towns
            .iter()
            .map(|t| t.name.clone())
            .chain(std::iter::once(REST_OF_COUNTRY.to_string()))
            .collect();
        let nd = names.len();
        for o in 0..nd {
            for d in 0..nd {
                let k = self.od_year[o * nd + d];
                if k > 0.0 {
                    self.records.od.push(OdRow {
                        year,
                        origin: names[o].clone(),
                        destination: names[d].clone(),
                        migrants: k.round() as i64,
                        migrants_18_29: self.od_year_young[o * nd + d].round() as i64,
                    });
                }
            }
        }
        self.od_year.iter_mut().for_each(|x| *x = 0.0);
        self.od_year_young.iter_mut().for_each(|x| *x = 0.0);
    }

    /// Moves into and out of hub `t` (agents): hubs have no agents, so their moves are
    /// the flows with the agent towns.
    fn hub_moves(&self, t: usize, v: &MonthView<'_>) -> (u64, u64) {
        let n = self.towns.len();
        let nd = n + 1;
        let hub_in = (0..n).map(|o| v.result.od[o * nd + t] as u64).sum();
        let hub_out = (0..n).map(|m| v.arrivals.created[m][t]).sum();
        (hub_in, hub_out)
    }

    /// Jobs in town `t` (agents) and the mean wage of its employed residents; for a hub,
    /// its job pool for commuters and the wage it offers.
    fn jobs_and_mean_wage(&self, t: usize, v: &MonthView<'_>) -> (u64, f64) {
        if self.towns[t].is_hub {
            let jobs = self
                .firms
                .iter()
                .filter(|f| f.kind == FirmKind::Hub && f.town.index() == t)
                .map(|f| f.workforce as u64)
                .sum();
            return (jobs, v.ctx.markets.hub_wage[t]);
        }
        let c = &v.result.towns[t];
        let mean_wage = if c.employed > 0 {
            c.wage_sum / c.employed as f64
        } else {
            0.0
        };
        (v.economy[t].jobs, mean_wage)
    }

    /// One town's row of the month.
    fn town_row(&self, t: usize, v: &MonthView<'_>) -> TownRow {
        let inv = 1.0 / self.scale;
        let real = |x: u64| (x as f64 * inv).round() as i64;
        let (year, month) = self.calendar();
        let c = &v.result.towns[t];
        let e = &v.economy[t];
        let town = &self.towns[t];
        let is_hub = town.is_hub;
        let population_real = if is_hub {
            town.hub_population
        } else {
            c.population() as f64 * inv
        };
        // LFS (ILO) unemployment: informal workers are employed, though not registered.
        let unemployed = c.labour_force.saturating_sub(c.employed + c.informal);
        let (in_migrants, out_migrants) = if is_hub {
            self.hub_moves(t, v)
        } else {
            (c.in_migrants, c.out_migrants)
        };
        let (jobs, mean_wage_krub) = self.jobs_and_mean_wage(t, v);
        TownRow {
            town: town.name.clone(),
            is_hub,
            year,
            month,
            population: population_real.round() as i64,
            pop_band: c.pop_band.map(real),
            pop_skill: c.pop_skill.map(real),
            labour_force: real(c.labour_force),
            employed: real(c.employed),
            informal_employed: real(c.informal),
            informal_share: if c.employed + c.informal > 0 {
                c.informal as f64 / (c.employed + c.informal) as f64
            } else {
                0.0
            },
            unemployed: real(unemployed),
            unemployment_rate: if c.labour_force > 0 {
                unemployed as f64 / c.labour_force as f64
            } else {
                0.0
            },
            vacancies: real(e.vacancies),
            jobs: real(jobs),
            output_krub: e.output * inv,
            mean_wage_krub,
            median_wage_krub: median_wage(&v.result.wage_hist[t * WAGE_BINS..(t + 1) * WAGE_BINS]),
            births: real(c.births),
            deaths: real(c.deaths),
            in_migrants: real(in_migrants),
            out_migrants: real(out_migrants),
            out_band: c.out_band.map(real),
            commuters_out: real(c.commuters_out),
            commuters_in: real(v.result.commuters_in[t]),
            hires: real(c.hires),
            separations: real(c.separations),
            firms: e.firms.round() as i64,
            firms_kind: e.firms_kind.map(|x| x.round() as i64),
            firms_sector: e.firms_sector.map(|x| x.round() as i64),
            emp_giant: real(e.emp_giant),
            emp_sector: e.emp_sector.map(real),
            largest_employer_share: e.largest_employer_share(),
            diversification_index: e.diversification(),
            clusters: v.clusters_by_town[t],
            cluster_employment: real(e.cluster_employment),
            cluster_output_share: if e.output > 0.0 {
                e.cluster_output / e.output
            } else {
                0.0
            },
            amenity_index: town.amenity,
            housing_cost_krub: town.housing,
            budget_revenue_krub: town.revenue,
            budget_spending_krub: town.spending,
            budget_balance_krub: town.budget_balance,
            monotown_status: town.is_monotown(),
            monotown_category: town.category_code(),
        }
    }

    /// Yearly snapshot rows of the alive firms and the clusters.
    fn snapshot_firms_and_clusters(&mut self, year: i32, town_output: &[f64]) {
        let inv = 1.0 / self.scale;
        if self.records.town_names.len() != self.towns.len() {
            self.records.town_names = self.towns.iter().map(|t| t.name.clone()).collect();
        }
        let live = self.firms.iter().filter(|f| f.alive).count();
        let mut rows = Vec::with_capacity(live);
        for (i, f) in self.firms.iter().enumerate() {
            if !f.alive {
                continue;
            }
            // A generated firm stands for 1/scale real firms of its own size.
            let per_firm = f.workforce as f64 * inv / f.weight.max(1.0);
            let name = self.records.intern_name(&f.name);
            rows.push(FirmRow {
                year,
                firm_id: (i + 1) as u32,
                name,
                town: f.town.index() as u32,
                sector: f.sector,
                kind: f.kind,
                owner: f.owner,
                workforce: per_firm.round() as i64,
                represents: f.weight,
                wage_krub: f.base_wage,
                productivity: f.productivity,
                capital_krub: f.capital * inv / f.weight.max(1.0),
                output_krub: f.output * inv / f.weight.max(1.0),
                profit_krub: f.profit * inv / f.weight.max(1.0),
                profit_year_krub: self.records.profit_year.get(i).copied().unwrap_or(0.0) * inv
                    / f.weight.max(1.0),
                modernisation_stage: f.modernisation as i32,
                export_share: f.export_share,
                import_share: f.import_share,
                cluster_id: f.cluster.map(ClusterId::get),
                age_months: self.month - f.born_month,
            });
        }
        if !rows.is_empty() {
            self.records.firms.push(rows);
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

#[cfg(test)]
mod tests {
    use super::EventKind;

    #[test]
    fn event_kinds_keep_their_column_strings() {
        let strings: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            strings,
            [
                "firm_entry",
                "firm_spinoff",
                "firm_exit",
                "firm_split",
                "firm_downsizing",
                "holding_downsizing",
                "holding_closure",
                "wage_arrears_started",
                "wage_arrears_repaid",
                "hoarding_limit",
                "cluster_formed",
                "cluster_dissolved",
                "policy_started",
                "policy_ended",
                "shock_started",
                "shock_ended",
            ]
        );
    }

    #[test]
    fn output_doc_lists_every_event_kind() {
        let doc = include_str!("../../docs/OUTPUT.md");
        for kind in EventKind::ALL {
            assert!(
                doc.contains(&format!("`{}`", kind.as_str())),
                "docs/OUTPUT.md does not list event kind `{}`",
                kind.as_str()
            );
        }
    }
}
