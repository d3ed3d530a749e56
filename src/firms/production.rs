//! Production, accounts and decisions of firms, once a month.
//!
//! Demand is the sum of the firm's markets: export volume at world prices, state orders,
//! the national market and the local market (driven by the town's income, which gives the
//! local multiplier of Moretti 2010), times an idiosyncratic demand factor that follows a
//! log random walk (Gibrat's law, which with entry and exit yields a Zipf-like size
//! distribution; Axtell 2001). Firms produce with labour at their productivity, pay
//! wages, inputs (imports cost more under sanctions) and capital, and then:
//! - set a target workforce to meet demand, post vacancies or lay off towards it;
//! - raise wages when vacancies stay unfilled, cut them while losing money;
//! - climb the modernisation ladder (organisational, digital, capital; seed 000) when
//!   profitable and liquid;
//! - exit after sustained losses. City-forming giants with a social role keep jobs
//!   through losses up to a limit (seed 004) and shed labour slowly.

use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use super::{Firm, FirmFlows, FirmKind, Sector, arrears, social_assets};
use crate::markets::goods::{MarketShares, Markets, fitness, selected};
use crate::policy::{NationalLevers, TownLevers};
use crate::rng::{Process, Stream};
use crate::scenario::{Clusters, Firms};

/// What a firm did this month that goes into the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirmOutcome {
    /// Nothing special.
    Continue,
    /// Exited after sustained losses.
    Exited,
    /// A giant with a social role started withholding wages (wage arrears).
    ArrearsStarted,
    /// A firm paid back all its wage arrears.
    ArrearsCleared,
    /// A giant's wage arrears reached their ceiling: it stops hoarding labour.
    HoardingLimit,
}

/// Everything a firm's monthly decision reads.
pub struct FirmContext<'a> {
    /// Master seed.
    pub seed: u64,
    /// Month since start.
    pub step: u32,
    /// Absolute month.
    pub month: i32,
    /// Firm parameters.
    pub params: &'a Firms,
    /// Cluster parameters.
    pub clusters: &'a Clusters,
    /// Demand.
    pub markets: &'a Markets,
    /// The towns' sector markets: crowding and median fitness.
    pub shares: &'a MarketShares,
    /// National levers.
    pub national: &'a NationalLevers,
    /// Town levers.
    pub towns: &'a [TownLevers],
}

/// Monthly wage bill including payroll taxes.
#[inline]
pub fn wage_bill(f: &Firm, p: &Firms) -> f64 {
    f.workforce as f64 * f.base_wage * (1.0 + p.payroll_tax)
}

/// Effective productivity including cluster spillovers.
#[inline]
pub fn effective_productivity(f: &Firm, cluster_size: u32, c: &Clusters) -> f64 {
    // `cluster_size` is the cluster as the member sees it: 1 + the other members'
    // employment over its own (see `clusters::ClusterState::step`), capped.
    if f.cluster.is_some() && cluster_size > 1 {
        let size = (cluster_size as f64).min(1.0 + c.max_spillover_ratio);
        f.productivity * (1.0 + c.spillover * size.ln())
    } else {
        f.productivity
    }
}

/// Every firm's month, in parallel (each firm draws from its own stream). Returns the
/// indices and outcomes of the firms with something to log, in firm order.
pub fn step_all(
    firms: &mut [Firm],
    cluster_sizes: &[u32],
    ctx: &FirmContext<'_>,
) -> Vec<(usize, FirmOutcome)> {
    firms
        .par_iter_mut()
        .enumerate()
        .filter_map(|(i, firm)| {
            let outcome = step_firm(firm, i, cluster_sizes[i], ctx);
            (outcome != FirmOutcome::Continue).then_some((i, outcome))
        })
        .collect()
}

/// One firm's month. `index` keys its random stream.
pub fn step_firm(
    f: &mut Firm,
    index: usize,
    cluster_size: u32,
    ctx: &FirmContext<'_>,
) -> FirmOutcome {
    f.last_month = FirmFlows::default();
    f.pay_ratio = 1.0;
    if !f.alive {
        f.vacancies = 0;
        f.layoff_probability = 1.0;
        return FirmOutcome::Continue;
    }
    if f.kind == FirmKind::Hub {
        step_hub_firm(f, ctx);
        return FirmOutcome::Continue;
    }
    let mut rng = Stream::new(ctx.seed, Process::FirmDecision, index as u64, ctx.step);
    let month = produce_and_account(f, cluster_size, ctx, &mut rng);
    technology_trend(f, ctx.params);
    let paid = arrears::pay_wages(f, month.profit, ctx.params);
    set_wage(f, &month, ctx);
    let (monthly_bill, protected) = adjust_workforce(f, &month, ctx.params, &mut rng);
    modernise(f, month.margin, monthly_bill, ctx, &mut rng);
    pay_dividends(f, monthly_bill, ctx.params);
    let age_months = (ctx.month - f.born_month) as f64;
    match exit_after_losses(f, monthly_bill, protected, age_months, ctx.params) {
        FirmOutcome::Continue => paid,
        exited => exited,
    }
}

/// What the month's production and accounts leave for the decisions that follow.
struct MonthAccounts {
    /// Demand at base indices times the idiosyncratic factor and capacity.
    normal_demand: f64,
    /// This month's demand index of the firm's market mix.
    demand_index: f64,
    /// This month's seasonal demand factor of the firm's town and sector, and its
    /// season's peak factor (both 1 without seasonality; 7.8a).
    season: (f64, f64),
    /// Whether the firm's sector has seasonal demand (it judges its wage on the year).
    seasonal: bool,
    /// Effective productivity (cluster spillovers included).
    productivity: f64,
    /// Workforce at the start of the month (agents).
    labour: f64,
    /// Profit after tax.
    profit: f64,
    /// Profit before tax over revenue (0 without revenue).
    margin: f64,
    /// Revenue net of inputs that one more worker would bring this month (price times
    /// effective productivity, less the inputs that output uses); what the worker is worth
    /// to a firm short of staff, whose demand is not the binding constraint.
    worker_value: f64,
}

/// Demand (market mix times the idiosyncratic factor), production and the accounts:
/// revenue, wages, inputs, capital cost, support, taxes; updates cash and profit.
fn produce_and_account(
    f: &mut Firm,
    cluster_size: u32,
    ctx: &FirmContext<'_>,
    rng: &mut Stream,
) -> MonthAccounts {
    let p = ctx.params;
    let levers = &ctx.towns[f.town.index()];
    let vol = if f.kind == FirmKind::Giant {
        p.giant_volatility
    } else {
        p.idiosyncratic_volatility
    };
    let e: f64 = StandardNormal.sample(rng);
    // Selection moves the firm's appeal (its claim on the market); the Gibrat shock
    // moves its own customers' demand. The budget-funded public sector has no customers
    // of its own: its demand is the public index alone (the draw is still made, so the
    // stream stays aligned).
    f.base_demand *=
        (selection_drift(f, ctx.shares, p) + customer_reallocation(f, ctx.shares, p)).exp();
    if has_own_customers(f) {
        f.demand_shock = p.demand_shock_persistence * f.demand_shock + vol * e;
    }
    let normal_demand = f.base_demand * f.demand_shock.exp() * f.capacity * ctx.shares.crowding(f);
    let index = ctx.markets.demand_index(f);
    let season = ctx.markets.season(f);
    let demand = normal_demand * index * season.0;
    let price = ctx.markets.price(f);
    let a = effective_productivity(f, cluster_size, ctx.clusters);

    let labour = f.workforce as f64;
    let sold = (a * labour).min(demand);
    let revenue = price * sold;
    let wages = labour * f.base_wage;
    let input_per_unit = p.domestic_input_share
        * ctx.national.input_cost
        * (1.0 - f.import_share + f.import_share * ctx.national.import_cost);
    let inputs = input_per_unit * sold;
    let pool = if f.cluster.is_some() {
        1.0 - ctx.clusters.pool_capital_discount * f.pool_share
    } else {
        1.0
    };
    let capital_cost = f.capital * (p.capital_cost - levers.rate_cut).max(0.0) / 12.0 * pool;
    let support = levers.wage_subsidy * wages + levers.grant_per_worker[f.sector.index()] * labour;
    let (social, divested) = social_assets::upkeep(f, wages, ctx.month as f64 / 12.0, p);
    let profit_before_tax =
        revenue - wages * (1.0 + p.payroll_tax) - inputs - capital_cost - social + support;
    let age_months = (ctx.month - f.born_month) as f64;
    let tax_break = if age_months <= levers.tax_break_max_age_months || f.sector.is_innovative() {
        levers.tax_break
    } else {
        0.0
    };
    let profit_tax = p.profit_tax * profit_before_tax.max(0.0) * (1.0 - tax_break);
    let mut profit = profit_before_tax - profit_tax;
    let mut loss_cover = 0.0;
    if profit < 0.0 {
        loss_cover = -profit * levers.ppp_loss_share;
        profit *= 1.0 - levers.ppp_loss_share;
    }
    f.last_month = FirmFlows {
        revenue,
        support,
        loss_cover,
        wages,
        payroll_tax: wages * p.payroll_tax,
        inputs,
        capital_cost,
        profit_tax,
        investment: 0.0,
        social_assets: social,
        social_assets_divested: divested,
        ..FirmFlows::default()
    };
    f.cash += profit;
    f.profit = profit;
    f.profit_year = f.profit_year * (11.0 / 12.0) + profit;
    f.output = revenue;
    let margin = if revenue > 0.0 {
        profit_before_tax / revenue
    } else {
        0.0
    };
    MonthAccounts {
        normal_demand,
        demand_index: index,
        season,
        seasonal: ctx.markets.is_seasonal(f),
        productivity: a,
        labour,
        profit,
        margin,
        worker_value: (price - input_per_unit) * a,
    }
}

/// Whether a firm's demand carries its own customers' fortunes (the idiosyncratic
/// Gibrat factor): every firm but the budget-funded public sector, whose demand is set
/// by the town's population and the national trend (the public index, 7.8). A random
/// walk there, with no selection and no exit to discipline it, let one public-sector
/// employer of Sheregesh grow from 655 to 13,564 workers by 2035.
#[inline]
pub fn has_own_customers(f: &Firm) -> bool {
    f.sector != Sector::PublicSector
}

/// Monthly drift of a firm's log appeal (base demand) from selection (replicator
/// dynamics, Metcalfe 1998): `selection_speed / 12` per log point of fitness above the
/// claim-weighted mean of the selected firms of its town's sector, so the drifts leave
/// the market's total claims unchanged to first order. Firms outside selection
/// ([`selected`]) do not drift.
pub fn selection_drift(f: &Firm, shares: &MarketShares, p: &Firms) -> f64 {
    if !selected(f) {
        return 0.0;
    }
    let mean =
        (shares.selection_mean.get(f.town.index())).map_or(f64::NAN, |r| r[f.sector.index()]);
    if mean.is_finite() {
        p.selection_speed / 12.0 * (fitness(f) - mean)
    } else {
        0.0
    }
}

/// Monthly log growth of a firm's appeal from the customers of closed firms (customer
/// markets, Phelps & Winter 1970; Gourio & Rudanko 2014): in a non-tradable market
/// ([`Sector::customers_stay_in_town`]) whose claims fall short of the town's expenditure,
/// every selected firm's claim grows by `customer_reallocation_rate` times the room
/// ratio minus one, so the survivors take that share of the room a month in proportion
/// to their claims. Without it the room left by exits waits for start-ups, which in most
/// towns never fill it (Nizhny Tagil's local-services claims were 51% of its local
/// expenditure in 2010, Sheregesh's 31% in 2020). Tradable sectors' customers buy from
/// the rest of the country: their room waits for entrants. Off by default (rate 0) until
/// the calibrated defaults are re-estimated with it.
pub fn customer_reallocation(f: &Firm, shares: &MarketShares, p: &Firms) -> f64 {
    if !selected(f) || !f.sector.customers_stay_in_town() {
        return 0.0;
    }
    let room = shares.room_ratio(f.town.index(), f.sector);
    (p.customer_reallocation_rate * (room - 1.0)).ln_1p()
}

/// Technology trend; services gain less (Baumol's cost disease). An entrant also closes
/// `learning_rate` of its learning gap (Jovanovic 1982; learning by doing).
fn technology_trend(f: &mut Firm, p: &Firms) {
    if f.learning_gap > 0.0 {
        let step = p.learning_rate * f.learning_gap;
        f.productivity *= step.exp();
        f.learning_gap -= step;
    }
    let growth = if matches!(
        f.sector,
        Sector::PublicSector | Sector::LocalServices | Sector::Tourism
    ) {
        p.productivity_growth * p.services_productivity_share
    } else {
        p.productivity_growth
    };
    f.productivity *= (1.0 + growth).powf(1.0 / 12.0);
}

/// Wages follow the national wage norm (indexation), then tightness and losses.
///
/// A loss-making firm cuts its wage by `wage_down` a month. A firm with a social role
/// does not while it can withhold wages: its pay cut takes the form of wage arrears (and
/// short time), the Russian adjustment of the 1990s (Earle & Sabirianova 2002); at the
/// arrears ceiling it cuts only the flexible part of pay, at most
/// `social_wage_flexible_share` below the national norm, and restores it at `wage_up`
/// a month while profitable (Gimpelson & Kapeliushnikov 2011: real wages fell through
/// inflation, arrears and bonuses, not through cuts of tariff wages). So a giant's wage
/// bill due does not fall enough to restore its profits.
///
/// A short-staffed firm (it filled fewer than `wage_raise_fill_share` of last month's
/// vacancies) makes only `short_staffed_cut_share` of the cut: its loss comes from the
/// workers it lacks, and a cut would cost it recruits (dynamic monopsony, Manning 2003;
/// ODD 7.11). At 1 every loss-maker cuts alike; the default is 0.
///
/// A firm of a seasonal sector (7.8a) judges its wage on its decayed 12-month profit
/// (`profit_year`), not on the month: the off-season months lose money by design (idle
/// capital), and cutting wages in every trough would ratchet its wage down year by year.
fn set_wage(f: &mut Firm, month: &MonthAccounts, ctx: &FirmContext<'_>) {
    let p = ctx.params;
    f.base_wage *= ctx.markets.wage_drift.powf(p.wage_passthrough);
    ctx.markets.apply_wage_curve(f, p.wage_curve_adjustment);
    let (gaining, losing) = if month.seasonal {
        (f.profit_year > 0.0, f.profit_year < 0.0)
    } else {
        (month.margin > 0.0, month.profit < 0.0)
    };
    let short_staffed =
        f.vacancies > 0 && (f.hires as f64) < p.wage_raise_fill_share * f.vacancies as f64;
    if short_staffed
        && p.unfilled_wage_raise > 0.0
        && let Some(raise) = unfilled_raise(f, month, ctx.shares.town_fill_rate(f.town.index()), p)
    {
        f.base_wage *= 1.0 + raise.max(if gaining { p.wage_up } else { 0.0 });
        return;
    }
    if gaining {
        if short_staffed {
            f.base_wage *= 1.0 + p.wage_up;
        }
        if f.wage_cut > 0.0 {
            let step = p.wage_up.ln_1p().min(f.wage_cut);
            f.base_wage *= step.exp();
            f.wage_cut -= step;
        }
    } else if losing {
        // A firm that cannot fill its vacancies keeps `short_staffed_cut_share` of the cut.
        let cut = if short_staffed {
            p.short_staffed_cut_share
        } else {
            1.0
        };
        let step = -(-p.wage_down * cut).ln_1p();
        let step = if !f.social_role {
            step
        } else if arrears::at_ceiling(f, p) {
            let room = -(-p.social_wage_flexible_share).ln_1p() - f.wage_cut;
            step.min(room).max(0.0)
        } else {
            0.0
        };
        if step > 0.0 {
            let factor = if f.social_role {
                f.wage_cut += step;
                (-step).exp()
            } else {
                1.0 - p.wage_down * cut
            };
            f.base_wage = (f.base_wage * factor).max(p.wage_floor_krub);
        }
    }
}

/// The wage raise this month of a firm short of staff under wage posting (dynamic
/// monopsony, Manning 2003 ch. 2-4): `unfilled_wage_raise` times the share by which the
/// firm's vacancy yield of last month falls short of its town's, `town_fill` (a firm pays
/// more when it recruits worse than its competitors, so a slack market where every firm's
/// posts fill slowly does not ratchet all wages up), while the wage with payroll tax stays
/// below `e / (1 + e)` of the marginal worker's value (`e` = `labour_supply_elasticity`,
/// the monopsony markdown), whatever the firm's average margin: a firm whose capital was
/// sized for more staff can lose money on average while the worker it lacks would more
/// than pay for himself. The firm's yield is smoothed towards the town's by one vacancy,
/// `(hires + q) / (vacancies + 1)`, so one unfilled post of a small firm is weak evidence.
/// `None` when the marginal worker does not pay at a higher wage or the town hired nobody.
fn unfilled_raise(
    f: &Firm,
    month: &MonthAccounts,
    town_fill: Option<f64>,
    p: &Firms,
) -> Option<f64> {
    let e = p.labour_supply_elasticity;
    let ceiling = month.worker_value * e / (1.0 + e) / (1.0 + p.payroll_tax);
    let q = town_fill.filter(|&q| q > 0.0)?;
    if f.vacancies == 0 || f.base_wage >= ceiling {
        return None;
    }
    let own = smoothed_yield(f, q);
    let shortfall = (1.0 - own / q).max(0.0);
    let raise = p.unfilled_wage_raise * shortfall;
    Some(raise.min(ceiling / f.base_wage - 1.0))
}

/// Target workforce from demand and margin; vacancies or lay-offs towards it. Returns
/// the monthly wage bill at the larger of workforce and target, and whether the firm is
/// a giant with a social role that still keeps jobs through its losses (judged on the
/// cash before modernisation and on its wage arrears being below their ceiling).
///
/// A protected giant hoards labour: its target falls at most by
/// `social_max_layoff_per_year` a year below last month's target, whatever demand does,
/// so it keeps (and replaces) workers that demand no longer needs (Gimpelson & Lippoldt
/// 2001); wage arrears and wage cuts absorb the loss ([`arrears::pay_wages`]).
fn adjust_workforce(
    f: &mut Firm,
    month: &MonthAccounts,
    p: &Firms,
    rng: &mut Stream,
) -> (f64, bool) {
    let labour = month.labour;
    let monthly_bill = (labour.max(f.target) * f.base_wage * (1.0 + p.payroll_tax)).max(1.0);
    let protected = f.social_role
        && f.cash > -p.social_loss_limit_months * monthly_bill
        && !arrears::at_ceiling(f, p);
    let expansion = 1.0
        + p.expansion_elasticity
            * month
                .margin
                .clamp(p.expansion_margin_min, p.expansion_margin_max);
    // Cyclical falls are partly absorbed by hoarding labour (the "Russian model").
    let index = month.demand_index;
    let cyclical = if index < 1.0 {
        index.powf(1.0 - p.labour_hoarding)
    } else {
        index
    };
    // Seasonal demand is foreseen, not cyclical: it moves the target in full (7.8a).
    let (season, peak) = month.season;
    let wanted =
        (month.normal_demand * cyclical * season / month.productivity * expansion).max(0.0);
    f.target = if protected {
        wanted.max(f.target * (1.0 - p.social_max_layoff_per_year / 12.0))
    } else {
        wanted
    };
    f.layoff_probability = 0.0;
    if labour > f.target {
        let seasonal = seasonal_excess(f.target, season, peak).min(labour - f.target);
        let mut share = if seasonal > 0.0 {
            (p.firing_speed * (labour - f.target - seasonal)
                + p.seasonal_contract_release * seasonal)
                / labour
        } else {
            p.firing_speed * (labour - f.target) / labour
        };
        if protected {
            share = share.min(p.social_max_layoff_per_year / 12.0);
        }
        f.layoff_probability = share as f32;
        f.vacancies = 0;
    } else {
        let gap = vacancies_wanted(f, f.target - labour, protected, p);
        // Round stochastically so small firms still hire.
        f.vacancies = (gap.floor()
            + if rng.uniform() < gap.fract() {
                1.0
            } else {
                0.0
            }) as u32;
    }
    (monthly_bill, protected)
}

/// The part of a firm's workforce above its target that is surplus only because this
/// month's seasonal factor `season` is below the season's peak `peak` (7.8a): the staff
/// its target would call for at the peak, `target / season × peak`, minus the target.
/// Staff on fixed-term seasonal contracts, released at `firms.seasonal_contract_release`
/// a month; 0 outside seasonal sectors (`season == peak == 1`).
pub fn seasonal_excess(target: f64, season: f64, peak: f64) -> f64 {
    if peak <= season {
        0.0
    } else if season > 0.0 {
        target / season * (peak - season)
    } else {
        f64::INFINITY
    }
}

/// Vacancies (before rounding) a firm short of `gap` workers posts this month.
///
/// By default `hiring_speed` of the gap times [`posting_share`]. With
/// `vacancy_stock_months` on (> 0), free entry at the margin instead: the firm keeps at
/// most `vacancy_stock_months` months of last month's hires open, plus one post (so a firm
/// that hired nobody still advertises), and the hiring freeze still applies. Its vacancy
/// stock then tracks its hiring flow: a firm whose posts do not fill withdraws them,
/// and one whose posts fill fast advertises more (up to its gap) next month.
fn vacancies_wanted(f: &Firm, gap: f64, protected: bool, p: &Firms) -> f64 {
    if p.vacancy_stock_months > 0.0 {
        let cap = p.vacancy_stock_months * f.hires as f64 + 1.0;
        (gap * p.hiring_speed * freeze_share(f, protected, p)).min(cap)
    } else {
        gap * p.hiring_speed * posting_share(f, protected, p)
    }
}

/// Share of its gap a firm losing money over the last year posts (the hiring freeze).
fn freeze_share(f: &Firm, protected: bool, p: &Firms) -> f64 {
    if f.profit_year < 0.0 && !protected {
        p.loss_posting_share
    } else {
        1.0
    }
}

/// Share of `hiring_speed` of its gap a firm posts as vacancies this month; reads last
/// month's vacancies and hires (`f.vacancies`, `f.hires`).
///
/// - A firm that lost money over the last year (`profit_year`) posts `loss_posting_share` of it (a hiring freeze at 0): a
///   job of negative value is not advertised (Pissarides 2000). A protected giant keeps
///   replacing leavers.
/// - Free entry of vacancies (Pissarides 2000): a vacancy is posted while its expected
///   hires cover its cost, so a firm whose vacancy yield (hires per vacancy, Davis,
///   Faberman & Haltiwanger 2013) fell below `vacancy_min_yield` posts in proportion to
///   its yield. The yield is smoothed towards `vacancy_min_yield` by one vacancy, so a
///   firm without vacancies last month posts in full and a small firm is not frozen by
///   one unfilled post.
fn posting_share(f: &Firm, protected: bool, p: &Firms) -> f64 {
    let freeze = freeze_share(f, protected, p);
    let yield_share = if p.vacancy_min_yield > 0.0 {
        let expected = smoothed_yield(f, p.vacancy_min_yield);
        (expected / p.vacancy_min_yield).min(1.0)
    } else {
        1.0
    };
    freeze * yield_share
}

/// A firm's vacancy yield of last month (hires per vacancy) smoothed towards `prior` by one
/// vacancy, `(hires + prior) / (vacancies + 1)`: a firm without vacancies has the prior,
/// and one unfilled post of a small firm is weak evidence against it.
#[inline]
fn smoothed_yield(f: &Firm, prior: f64) -> f64 {
    (f.hires as f64 + prior) / (f.vacancies as f64 + 1.0)
}

/// Modernisation ladder: cheap steps first, when profitable and liquid.
fn modernise(
    f: &mut Firm,
    margin: f64,
    monthly_bill: f64,
    ctx: &FirmContext<'_>,
    rng: &mut Stream,
) {
    let p = ctx.params;
    if f.modernisation < 3
        && f.sector != Sector::PublicSector
        && margin > 0.0
        && rng.uniform() < p.modernise_probability
    {
        let (cost, gain) = match f.modernisation {
            0 => (p.modernise_cost_1, p.modernise_gain_1),
            1 => (p.modernise_cost_2, p.modernise_gain_2),
            _ => (p.modernise_cost_3, p.modernise_gain_3),
        };
        let cost = cost * monthly_bill;
        // Soft loans let a firm start with less cash in hand.
        let needed = if ctx.towns[f.town.index()].rate_cut > 0.0 {
            p.soft_loan_cash_share * cost
        } else {
            cost
        };
        if f.cash >= needed {
            f.cash -= cost;
            f.last_month.investment = cost;
            f.productivity *= 1.0 + gain;
            if f.modernisation == 2 {
                f.capital += cost;
            }
            f.modernisation += 1;
        }
    }
}

/// Dividends: the cash a firm holds beyond its precautionary buffer
/// (`dividend_buffer_months` of its wage bill) and the cost of its next modernisation
/// stage is free cash flow (Jensen 1986; earnings are retained for investment first,
/// Myers & Majluf 1984); `dividend_payout_share` of it goes to the owners each month,
/// outside the modelled towns. The budget-funded public sector pays none. Without
/// dividends an established firm keeps every profit of its good decades as cash and can
/// finance years of losses out of it before its losses reach its credit line.
fn pay_dividends(f: &mut Firm, monthly_bill: f64, p: &Firms) {
    if p.dividend_payout_share <= 0.0 || f.sector == Sector::PublicSector {
        return;
    }
    let next_stage = match f.modernisation {
        0 => p.modernise_cost_1,
        1 => p.modernise_cost_2,
        2 => p.modernise_cost_3,
        _ => 0.0,
    };
    let free = f.cash - (p.dividend_buffer_months + next_stage) * monthly_bill;
    if free > 0.0 {
        let paid = p.dividend_payout_share * free;
        f.cash -= paid;
        f.last_month.dividends = paid;
    }
}

/// Exit after sustained losses. The public sector is budget-funded and does not go
/// bankrupt; a protected giant keeps going. A young firm's credit line grows with its
/// age (`young_firm_credit_months`): a new firm exits as soon as its founders' equity is
/// gone, and a young firm still losing money over the last year after its trial period
/// (`young_firm_trial_months`) closes; this gives young firms their high exit hazard.
fn exit_after_losses(
    f: &mut Firm,
    monthly_bill: f64,
    protected: bool,
    age_months: f64,
    p: &Firms,
) -> FirmOutcome {
    let limit = if protected || f.sector == Sector::PublicSector {
        f64::NEG_INFINITY
    } else if f.social_role {
        -p.social_exit_multiple * p.social_loss_limit_months * monthly_bill
    } else {
        -p.exit_loss_months * monthly_bill * credit_share(f, age_months, p)
    };
    // A young firm that has lost money over its first year has learnt that its type is
    // poor (Jovanovic 1982) and closes while its value is negative.
    let learnt_poor = credit_share(f, age_months, p) < 1.0
        && age_months >= p.young_firm_trial_months
        && f.profit_year < 0.0;
    if f.cash < limit || learnt_poor {
        f.alive = false;
        f.vacancies = 0;
        f.layoff_probability = 1.0;
        return FirmOutcome::Exited;
    }
    FirmOutcome::Continue
}

/// Share of the full credit line a firm of this age has: `age / young_firm_credit_months`,
/// capped at 1, for small firms and spin-offs; large firms, giants and the units of a
/// split giant (spin-offs without a parent link) borrow against their assets.
pub fn credit_share(f: &Firm, age_months: f64, p: &Firms) -> f64 {
    let constrained =
        f.kind == FirmKind::Sme || (f.kind == FirmKind::Spinoff && f.parent.is_some());
    if !constrained || p.young_firm_credit_months <= 0.0 {
        1.0
    } else {
        (age_months.max(0.0) / p.young_firm_credit_months).min(1.0)
    }
}

fn step_hub_firm(f: &mut Firm, ctx: &FirmContext<'_>) {
    let t = f.town.index();
    f.target = ctx.markets.hub_jobs[t];
    f.base_wage = ctx.markets.hub_wage[t];
    let labour = f.workforce as f64;
    f.vacancies = 0;
    f.layoff_probability = 0.0;
    if labour < f.target {
        f.vacancies = ((f.target - labour) * ctx.params.hiring_speed).ceil() as u32;
    } else if labour > f.target * ctx.params.hub_layoff_ratio {
        f.layoff_probability = (ctx.params.firing_speed * (labour - f.target) / labour) as f32;
    }
    f.output = labour * f.base_wage;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TownId;

    pub(crate) fn firm(workforce: u32) -> Firm {
        Firm {
            name: "f".into(),
            town: TownId(0),
            sector: Sector::Metallurgy,
            kind: FirmKind::Large,
            weight: 1.0,
            born_month: 0,
            workforce,
            target: workforce as f64,
            base_wage: 10.0,
            productivity: 33.0,
            base_demand: 33.0 * workforce as f64,
            export_share: 0.5,
            state_order_share: 0.0,
            local_share: 0.0,
            import_share: 0.1,
            social_role: false,
            capital: 24.0 * 33.0 * workforce as f64,
            cash: 30.0 * 10.0 * workforce as f64,
            ..Firm::neutral()
        }
    }

    fn markets(world_price: f64, national: f64) -> Markets {
        Markets {
            world_price: [world_price; Sector::COUNT],
            national,
            ..Markets::neutral()
        }
    }

    fn run(f: &mut Firm, m: &Markets, p: &Firms, months: u32) -> FirmOutcome {
        for step in 0..months {
            if run_from(f, m, p, step) == FirmOutcome::Exited {
                return FirmOutcome::Exited;
            }
        }
        FirmOutcome::Continue
    }

    /// Markets in which tourism demand is at `factor` of its mean this month and the
    /// season's peak is `peak` (7.8a).
    fn season(factor: f64, peak: f64) -> Markets {
        let mut m = Markets::neutral();
        m.season.factor = vec![[1.0; Sector::COUNT]];
        m.season.peak = vec![[1.0; Sector::COUNT]];
        m.season.factor[0][Sector::Tourism.index()] = factor;
        m.season.peak[0][Sector::Tourism.index()] = peak;
        m.seasonal_sector[Sector::Tourism.index()] = true;
        m
    }

    fn resort_firm(workforce: u32) -> Firm {
        Firm {
            sector: Sector::Tourism,
            kind: FirmKind::Sme,
            export_share: 0.0,
            ..firm(workforce)
        }
    }

    #[test]
    fn seasonal_excess_is_the_staff_the_peak_would_need_above_the_target() {
        assert_eq!(seasonal_excess(50.0, 0.5, 1.5), 100.0);
        assert_eq!(seasonal_excess(50.0, 1.5, 1.5), 0.0);
        assert_eq!(seasonal_excess(50.0, 1.0, 1.0), 0.0);
        assert!(seasonal_excess(0.0, 0.0, 1.5).is_infinite());
    }

    #[test]
    fn seasonal_staff_leave_with_the_season_and_return_with_it() {
        let p = Firms {
            idiosyncratic_volatility: 0.0,
            seasonal_contract_release: 1.0,
            ..Firms::default()
        };
        // A resort staffed for the peak (1.5 times its mean demand) in the off-season
        // (0.5): the target falls to a third and the whole seasonal excess is released
        // within the month, not at `firing_speed`.
        let mut f = resort_firm(150);
        f.base_demand = 33.0 * 100.0;
        run(&mut f, &season(0.5, 1.5), &p, 1);
        assert!(f.target < 60.0, "target {}", f.target);
        let seasonal = seasonal_excess(f.target, 0.5, 1.5).min(150.0 - f.target);
        assert!(
            seasonal > 0.8 * (150.0 - f.target),
            "seasonal excess {seasonal}"
        );
        let expected = (p.firing_speed * (150.0 - f.target - seasonal) + seasonal) / 150.0;
        assert!(
            (f.layoff_probability as f64 - expected).abs() < 1e-6,
            "released {} of the staff, expected {expected}",
            f.layoff_probability
        );
        assert!(f.layoff_probability as f64 > 5.0 * p.firing_speed);
        // The same fall of demand in a sector without seasonality is cyclical: the firm
        // hoards labour and sheds the excess at `firing_speed`.
        let mut g = resort_firm(150);
        g.base_demand = 33.0 * 100.0;
        let mut cyclical = Markets::neutral();
        cyclical.national = 0.5 / 1.5;
        run(&mut g, &cyclical, &p, 1);
        assert!(g.layoff_probability as f64 <= p.firing_speed + 1e-9);
        // Back in the season the firm posts vacancies to staff up again.
        let mut h = resort_firm(50);
        h.base_demand = 33.0 * 100.0;
        run(&mut h, &season(1.5, 1.5), &p, 1);
        assert!(
            h.target > 120.0 && h.vacancies > 0,
            "{} {}",
            h.target,
            h.vacancies
        );
    }

    #[test]
    fn a_seasonal_firm_does_not_cut_wages_for_an_off_season_loss() {
        let p = Firms {
            idiosyncratic_volatility: 0.0,
            ..Firms::default()
        };
        // Off-season: the month loses money, but the year was profitable.
        let mut f = resort_firm(100);
        f.profit_year = 1.0e6;
        f.capital *= 4.0;
        let w0 = f.base_wage;
        run(&mut f, &season(0.3, 1.5), &p, 1);
        assert!(f.profit < 0.0, "the off-season month must lose money");
        assert!(
            f.base_wage >= w0 * (1.0 - 1e-12),
            "wage cut {w0} -> {}",
            f.base_wage
        );
        // A non-seasonal firm with the same loss cuts its wage.
        let mut g = Firm {
            sector: Sector::LocalServices,
            ..resort_firm(100)
        };
        g.profit_year = 1.0e6;
        g.capital *= 4.0;
        let mut slump = Markets::neutral();
        slump.national = 0.3;
        run(&mut g, &slump, &p, 1);
        assert!(
            g.profit < 0.0 && g.base_wage < w0,
            "{} {}",
            g.profit,
            g.base_wage
        );
    }

    /// A local-services firm with demand for 100 workers, 40 on staff and capital costs it
    /// cannot cover, that filled none of last month's 60 vacancies.
    fn short_staffed_loss_maker() -> Firm {
        let mut f = Firm {
            sector: Sector::LocalServices,
            ..resort_firm(40)
        };
        f.base_demand = 33.0 * 100.0;
        f.capital *= 8.0;
        (f.vacancies, f.hires) = (60, 0);
        f
    }

    #[test]
    fn dividends_pay_out_a_share_of_the_cash_above_the_buffer_and_the_next_stage() {
        let p = Firms {
            dividend_payout_share: 0.1,
            dividend_buffer_months: 6.0,
            ..Firms::default()
        };
        let bill = 10.0;
        let mut f = firm(10);
        (f.modernisation, f.cash) = (1, 20.0 * bill);
        pay_dividends(&mut f, bill, &p);
        // Kept: 6 months of buffer and 4 (`modernise_cost_2`) for the next stage.
        let keep = (6.0 + p.modernise_cost_2) * bill;
        let paid = 0.1 * (20.0 * bill - keep);
        assert!((f.last_month.dividends - paid).abs() < 1e-9);
        assert!((f.cash - (20.0 * bill - paid)).abs() < 1e-9);
        // Below what it keeps, or off, or budget-funded: nothing.
        let mut poor = firm(10);
        (poor.modernisation, poor.cash) = (1, keep - 1.0);
        pay_dividends(&mut poor, bill, &p);
        assert_eq!(poor.last_month.dividends, 0.0);
        let mut off = firm(10);
        off.cash = 100.0 * bill;
        pay_dividends(&mut off, bill, &Firms::default());
        assert_eq!(off.last_month.dividends, 0.0);
        let mut public = firm(10);
        (public.sector, public.cash) = (Sector::PublicSector, 100.0 * bill);
        pay_dividends(&mut public, bill, &p);
        assert_eq!(public.last_month.dividends, 0.0);
    }

    /// An established firm that piled up profits as cash for decades used to finance
    /// years of losses out of them (README, Plausibility checks: small local-services
    /// firms at the wage floor in 2035); with dividends its cash is bounded and a loss
    /// brings it to its credit line within the buffer's reach. This loss-maker, with
    /// twenty years of its wage bill as cash, exits after 62 months without dividends and
    /// after 23 at a payout share of 0.2.
    #[test]
    fn regression_a_cash_rich_loss_maker_lives_for_years_on_retained_profits() {
        let months_to_exit = |payout: f64| {
            let p = Firms {
                idiosyncratic_volatility: 0.0,
                dividend_payout_share: payout,
                ..Firms::default()
            };
            let m = Markets::neutral();
            let mut f = short_staffed_loss_maker();
            f.born_month = -600;
            f.modernisation = 3;
            // Twenty years of retained profit, of the order of its yearly wage bill each.
            f.cash = 20.0 * 12.0 * f.base_wage * f.workforce as f64;
            (0..1200).find(|&step| run_from(&mut f, &m, &p, step) == FirmOutcome::Exited)
        };
        let (without, with) = (months_to_exit(0.0), months_to_exit(0.2));
        let with = with.expect("with dividends the loss-maker exits");
        assert!(
            without.is_none_or(|w| w >= with + 36),
            "exit after {without:?} months without dividends, {with} with"
        );
    }

    #[test]
    fn a_short_staffed_firm_keeps_its_wage_through_a_loss_at_a_zero_cut_share() {
        let keep = Firms {
            idiosyncratic_volatility: 0.0,
            short_staffed_cut_share: 0.0,
            unfilled_wage_raise: 0.0,
            ..Firms::default()
        };
        let m = Markets::neutral();
        let mut f = short_staffed_loss_maker();
        let w0 = f.base_wage;
        run(&mut f, &m, &keep, 1);
        assert!(f.profit < 0.0, "the firm must lose money: {}", f.profit);
        assert_eq!(f.base_wage, w0, "a short-staffed firm kept its wage");
        // At share 1 the same firm cuts by `wage_down`.
        let cut = Firms {
            idiosyncratic_volatility: 0.0,
            short_staffed_cut_share: 1.0,
            unfilled_wage_raise: 0.0,
            ..Firms::default()
        };
        let mut g = short_staffed_loss_maker();
        run(&mut g, &m, &cut, 1);
        assert!((g.base_wage - w0 * (1.0 - cut.wage_down)).abs() < 1e-12);
        // A loss-maker that filled its vacancies (not short-staffed) cuts at any share.
        let mut h = short_staffed_loss_maker();
        h.hires = 60;
        run(&mut h, &m, &keep, 1);
        assert!(h.profit < 0.0);
        assert!((h.base_wage - w0 * (1.0 - keep.wage_down)).abs() < 1e-12);
        // Half the share, half the cut.
        let half = Firms {
            short_staffed_cut_share: 0.5,
            ..keep.clone()
        };
        let mut k = short_staffed_loss_maker();
        run(&mut k, &m, &half, 1);
        assert!((k.base_wage - w0 * (1.0 - 0.5 * keep.wage_down)).abs() < 1e-12);
    }

    #[test]
    fn demand_collapse_means_layoffs_and_wage_cuts() {
        let p = Firms {
            giant_volatility: 0.0,
            idiosyncratic_volatility: 0.0,
            ..Firms::default()
        };
        let mut f = firm(1000);
        run(&mut f, &markets(0.6, 0.5), &p, 1);
        // Demand fell by 40%; labour hoarding absorbs part of the cyclical fall, so the
        // target falls by less than demand but still clearly below the workforce.
        assert!(f.target < 900.0 && f.target > 600.0, "target {}", f.target);
        assert!(f.layoff_probability > 0.0);
        assert!(f.profit < 0.0);
        assert!(f.base_wage < 10.0);
    }

    #[test]
    fn social_role_caps_layoffs_of_giants() {
        let p = Firms {
            giant_volatility: 0.0,
            ..Firms::default()
        };
        let mut g = firm(1000);
        g.social_role = true;
        g.kind = FirmKind::Giant;
        run(&mut g, &markets(0.5, 0.5), &p, 1);
        assert!(g.layoff_probability as f64 <= p.social_max_layoff_per_year / 12.0 + 1e-6);
    }

    #[test]
    fn sustained_losses_end_in_exit_but_a_protected_giant_survives_longer() {
        let p = Firms {
            giant_volatility: 0.0,
            idiosyncratic_volatility: 0.0,
            ..Firms::default()
        };
        let m = markets(0.3, 0.3);
        let mut f = firm(100);
        assert_eq!(run(&mut f, &m, &p, 240), FirmOutcome::Exited);
        assert!(!f.alive && f.layoff_probability == 1.0);
        let mut g = firm(100);
        g.social_role = true;
        let mut months_alive = 0;
        let mut h = firm(100);
        for _ in 0..240 {
            if run(&mut h, &m, &p, 1) == FirmOutcome::Exited {
                break;
            }
        }
        for _ in 0..240 {
            if run(&mut g, &m, &p, 1) == FirmOutcome::Exited {
                break;
            }
            months_alive += 1;
        }
        assert!(months_alive > 12, "giant lasted {months_alive} months");
    }

    /// Months of a firm with its lay-offs and hires applied at once (no people); returns
    /// the months in which it laid off more than a protected giant may.
    fn run_with_workers(f: &mut Firm, m: &Markets, p: &Firms, months: u32) -> u32 {
        let cap = p.social_max_layoff_per_year / 12.0 + 1e-9;
        let mut beyond_cap = 0;
        for step in 0..months {
            run_from(f, m, p, step);
            if f.layoff_probability as f64 > cap {
                beyond_cap += 1;
            }
            let fired = (f.workforce as f64 * f.layoff_probability as f64).round() as u32;
            f.workforce = f.workforce - fired.min(f.workforce) + f.vacancies;
        }
        beyond_cap
    }

    /// One month of `f` at `step` under markets `m`.
    fn run_from(f: &mut Firm, m: &Markets, p: &Firms, step: u32) -> FirmOutcome {
        run_in(f, m, &MarketShares::default(), p, step)
    }

    /// One month of `f` at `step` under markets `m` and market shares `shares`.
    fn run_in(
        f: &mut Firm,
        m: &Markets,
        shares: &MarketShares,
        p: &Firms,
        step: u32,
    ) -> FirmOutcome {
        let nat = NationalLevers::default();
        let towns = vec![TownLevers::default()];
        let c = Clusters::default();
        let ctx = FirmContext {
            seed: 1,
            step,
            month: step as i32,
            params: p,
            clusters: &c,
            markets: m,
            shares,
            national: &nat,
            towns: &towns,
        };
        step_firm(f, 0, 0, &ctx)
    }

    #[test]
    fn a_social_giant_hoards_labour_through_a_demand_collapse_with_wage_arrears() {
        let p = Firms {
            giant_volatility: 0.0,
            idiosyncratic_volatility: 0.0,
            arrears_limit_months: 1000.0,
            ..Firms::default()
        };
        let mut collapse = markets(0.6, 0.5);
        collapse.export_volume = 0.5;
        let mut ordinary = firm(1000);
        let mut giant = firm(1000);
        giant.kind = FirmKind::Giant;
        giant.social_role = true;
        run_with_workers(&mut ordinary, &collapse, &p, 24);
        let output0 = 33.0 * 1000.0;
        assert_eq!(run_with_workers(&mut giant, &collapse, &p, 24), 0);
        // Output fell by about half; the giant kept most of its workers, the ordinary
        // firm did not.
        assert!(giant.output < 0.65 * output0, "output {}", giant.output);
        assert!(giant.workforce >= 900, "giant kept {}", giant.workforce);
        assert!(
            ordinary.workforce < 800,
            "ordinary kept {}",
            ordinary.workforce
        );
        assert!(giant.arrears > 0.0 && ordinary.arrears == 0.0);
        assert!(giant.paid_wage() < giant.base_wage);
        // Demand recovers: the giant repays its arrears and pays more than the wage.
        let owed = giant.arrears;
        let boom = markets(1.5, 1.5);
        run_from(&mut giant, &boom, &p, 24);
        assert!(giant.arrears < owed && giant.paid_wage() > giant.base_wage);
        run_with_workers(&mut giant, &boom, &p, 240);
        assert_eq!(giant.arrears, 0.0);
    }

    #[test]
    fn the_arrears_ceiling_ends_labour_hoarding() {
        let p = Firms {
            giant_volatility: 0.0,
            idiosyncratic_volatility: 0.0,
            ..Firms::default()
        };
        let mut giant = firm(1000);
        giant.kind = FirmKind::Giant;
        giant.social_role = true;
        let mut collapse = markets(0.5, 0.4);
        collapse.export_volume = 0.4;
        let beyond_cap = run_with_workers(&mut giant, &collapse, &p, 48);
        assert!(
            beyond_cap > 0,
            "the giant never laid off beyond its social cap"
        );
        assert!(crate::firms::arrears::at_ceiling(&giant, &p));
        assert!(giant.workforce < 800, "giant kept {}", giant.workforce);
    }

    #[test]
    fn a_social_giant_pays_losses_by_arrears_and_cuts_only_the_flexible_pay() {
        let p = Firms {
            giant_volatility: 0.0,
            idiosyncratic_volatility: 0.0,
            ..Firms::default()
        };
        let collapse = markets(0.5, 0.4);
        let mut ordinary = firm(1000);
        let mut giant = firm(1000);
        giant.social_role = true;
        run(&mut ordinary, &collapse, &p, 6);
        run(&mut giant, &collapse, &p, 6);
        // While it withholds wages the giant keeps its wage; the ordinary firm cuts.
        assert!(giant.arrears > 0.0 && !crate::firms::arrears::at_ceiling(&giant, &p));
        assert_eq!(giant.base_wage, 10.0);
        assert!(ordinary.base_wage < 10.0 * (1.0 - p.wage_down).powi(5));
        // At the arrears ceiling it cuts, but never more than the flexible share.
        for step in 6..60 {
            run_from(&mut giant, &collapse, &p, step);
        }
        assert!(giant.alive);
        assert!(giant.wage_cut > 0.0);
        let floor = 10.0 * (1.0 - p.social_wage_flexible_share);
        assert!(
            giant.base_wage >= floor * (1.0 - 1e-9),
            "{}",
            giant.base_wage
        );
        // Profits restore the cut pay at `wage_up` a month.
        let before = (giant.base_wage, giant.wage_cut);
        let mut boom = markets(3.0, 3.0);
        boom.export_volume = 3.0;
        run_from(&mut giant, &boom, &p, 60);
        assert!(giant.base_wage > before.0 && giant.wage_cut < before.1);
    }

    #[test]
    fn social_assets_and_input_prices_are_costs_of_the_month() {
        let p = Firms {
            giant_volatility: 0.0,
            idiosyncratic_volatility: 0.0,
            ..Firms::default()
        };
        let m = markets(1.0, 1.0);
        let mut plain = firm(1000);
        run_from(&mut plain, &m, &p, 0);
        // In 1993 (month 1993 * 12) a firm with a social role pays the upkeep.
        let month = 1993 * 12;
        let mut social = firm(1000);
        social.social_role = true;
        run_from(&mut social, &m, &p, month as u32);
        let flows = social.last_month;
        assert!((flows.social_assets - p.social_asset_cost_share * flows.wages).abs() < 1e-9);
        assert_eq!(flows.social_assets_divested, 0.0);
        // An input-price shock scales the cost of inputs.
        let nat = NationalLevers {
            input_cost: 1.3,
            ..NationalLevers::default()
        };
        let towns = vec![TownLevers::default()];
        let c = Clusters::default();
        let shares = MarketShares::default();
        let ctx = FirmContext {
            seed: 1,
            step: 0,
            month: 0,
            params: &p,
            clusters: &c,
            markets: &m,
            shares: &shares,
            national: &nat,
            towns: &towns,
        };
        let mut shocked = firm(1000);
        step_firm(&mut shocked, 0, 0, &ctx);
        let ratio = shocked.last_month.inputs / plain.last_month.inputs;
        assert!((ratio - 1.3).abs() < 1e-9, "{ratio}");
    }

    #[test]
    fn growing_demand_opens_vacancies() {
        let p = Firms {
            giant_volatility: 0.0,
            ..Firms::default()
        };
        let mut f = firm(100);
        run(&mut f, &markets(1.0, 1.5), &p, 1);
        assert!(f.vacancies > 0 && f.layoff_probability == 0.0);
    }

    /// With `hiring_speed` 0.25 a firm advertised a quarter of the workers it wanted each
    /// month, so three quarters of its wanted jobs were never open to the unemployed and
    /// 2010 unemployment sat at 13-15% in every default town (ODD 7.12a).
    #[test]
    fn regression_three_quarters_of_wanted_jobs_went_unadvertised() {
        // The vacancy cap (7.12a) off: it limits posts by last month's hires, which this
        // new firm has none of.
        let p = Firms {
            giant_volatility: 0.0,
            idiosyncratic_volatility: 0.0,
            vacancy_stock_months: 0.0,
            ..Firms::default()
        };
        let mut f = firm(100);
        run(&mut f, &markets(1.0, 1.5), &p, 1);
        let gap = f.target - 100.0;
        assert!(gap > 10.0, "demand growth should open a gap, got {gap}");
        // Every wanted position is advertised (rounded stochastically).
        assert!(
            (f.vacancies as f64 - gap).abs() <= 1.0,
            "{} vacancies for a gap of {gap}",
            f.vacancies
        );
    }

    #[test]
    fn low_vacancy_yield_cuts_posting_in_proportion() {
        let p = Firms {
            vacancy_min_yield: 0.5,
            ..Firms::default()
        };
        let mut f = firm(100);
        // No vacancies last month: posts in full.
        assert_eq!(posting_share(&f, false, &p), 1.0);
        // 19 vacancies, 1 hire: smoothed yield (1 + 0.5) / 20 = 0.075, posts 0.15.
        (f.vacancies, f.hires) = (19, 1);
        assert!((posting_share(&f, false, &p) - 0.15).abs() < 1e-12);
        // A yield above the threshold posts in full; off (0) always does.
        (f.vacancies, f.hires) = (4, 3);
        assert_eq!(posting_share(&f, false, &p), 1.0);
        (f.vacancies, f.hires) = (19, 0);
        let off = Firms {
            vacancy_min_yield: 0.0,
            ..Firms::default()
        };
        assert_eq!(posting_share(&f, false, &off), 1.0);
        // The default threshold is on: the same firm posts less.
        assert!(posting_share(&f, false, &Firms::default()) < 1.0);
    }

    /// The accounts of a month in which one more worker would bring `worker_value`.
    fn accounts_with_worker_value(worker_value: f64, margin: f64) -> MonthAccounts {
        MonthAccounts {
            normal_demand: 0.0,
            demand_index: 1.0,
            season: (1.0, 1.0),
            seasonal: false,
            productivity: 1.0,
            labour: 40.0,
            profit: margin,
            margin,
            worker_value,
        }
    }

    #[test]
    fn a_firm_that_recruits_worse_than_its_town_raises_its_wage_by_the_shortfall() {
        let p = Firms {
            unfilled_wage_raise: 0.03,
            labour_supply_elasticity: 2.0,
            ..Firms::default()
        };
        let mut f = short_staffed_loss_maker();
        f.base_wage = 10.0;
        // The marginal worker is worth far more than the wage; 59 posts, none filled, in a
        // town whose firms filled half their posts: yield (0 + 0.5) / 60, a shortfall of
        // 1 - 1/60 from the town's.
        f.vacancies = 59;
        let rich = accounts_with_worker_value(100.0, -0.2);
        let raise = unfilled_raise(&f, &rich, Some(0.5), &p).unwrap();
        assert!((raise - 0.03 * (1.0 - 1.0 / 60.0)).abs() < 1e-12, "{raise}");
        // 14 of 59 filled, against the town's half: (14 + 0.5) / 60 = 0.2417, a shortfall
        // of 0.5167.
        f.hires = 14;
        let raise = unfilled_raise(&f, &rich, Some(0.5), &p).unwrap();
        assert!(
            (raise - 0.03 * (1.0 - 14.5 / 30.0)).abs() < 1e-12,
            "{raise}"
        );
        // The same firm in a town that fills as slowly as it does: no raise. In a town
        // that hired nobody (or had no posts), none either.
        assert_eq!(
            unfilled_raise(&f, &rich, Some(14.0 / 59.0 - 0.01), &p),
            Some(0.0)
        );
        assert_eq!(unfilled_raise(&f, &rich, Some(0.0), &p), None);
        assert_eq!(unfilled_raise(&f, &rich, None, &p), None);
        // One unfilled post of a small firm is weak evidence: (0 + 0.5) / 2, half the raise.
        (f.vacancies, f.hires) = (1, 0);
        let raise = unfilled_raise(&f, &rich, Some(0.5), &p).unwrap();
        assert!((raise - 0.015).abs() < 1e-12, "{raise}");
        // The raise stops at the monopsony markdown: the wage with payroll tax at
        // e / (1 + e) of the worker's value.
        f.vacancies = 59;
        f.hires = 0;
        let ceiling = 15.0 * 2.0 / 3.0 / (1.0 + p.payroll_tax);
        let close = accounts_with_worker_value(15.0, -0.2);
        f.base_wage = ceiling / 1.01;
        let raise = unfilled_raise(&f, &close, Some(0.5), &p).unwrap();
        assert!((f.base_wage * (1.0 + raise) - ceiling).abs() < 1e-9);
        // At or above the ceiling, or without posts, no raise.
        f.base_wage = ceiling;
        assert_eq!(unfilled_raise(&f, &close, Some(0.5), &p), None);
        f.base_wage = 10.0;
        f.vacancies = 0;
        assert_eq!(unfilled_raise(&f, &rich, Some(0.5), &p), None);
    }

    #[test]
    fn a_short_staffed_loss_maker_raises_its_wage_when_the_rule_is_on_and_keeps_it_when_off() {
        let m = Markets::neutral();
        let on = Firms {
            idiosyncratic_volatility: 0.0,
            short_staffed_cut_share: 0.0,
            unfilled_wage_raise: 0.03,
            ..Firms::default()
        };
        // Its town's firms filled half their posts; it filled none of its 59.
        let town = MarketShares {
            fill_rate: vec![0.5],
            ..MarketShares::default()
        };
        let mut f = short_staffed_loss_maker();
        f.vacancies = 59;
        let w0 = f.base_wage;
        run_in(&mut f, &m, &town, &on, 0);
        assert!(f.profit < 0.0, "the firm must lose money: {}", f.profit);
        let raise = 0.03 * (1.0 - 1.0 / 60.0);
        assert!(
            (f.base_wage - w0 * (1.0 + raise)).abs() < 1e-9,
            "none of 59 posts filled: a raise of {raise}, got {} from {w0}",
            f.base_wage
        );
        let off = Firms {
            unfilled_wage_raise: 0.0,
            ..on
        };
        let mut g = short_staffed_loss_maker();
        g.vacancies = 59;
        run_in(&mut g, &m, &town, &off, 0);
        assert_eq!(g.base_wage, w0);
    }

    #[test]
    fn vacancy_stock_months_caps_posts_at_months_of_last_months_hires() {
        let p = Firms {
            vacancy_stock_months: 3.0,
            ..Firms::default()
        };
        let mut f = firm(100);
        // A gap of 100 and 2 hires last month: at most 3 x 2 + 1 = 7 posts.
        (f.vacancies, f.hires) = (40, 2);
        assert_eq!(vacancies_wanted(&f, 100.0, false, &p), 7.0);
        // A firm that hired nobody keeps one post; a small gap is posted in full.
        f.hires = 0;
        assert_eq!(vacancies_wanted(&f, 100.0, false, &p), 1.0);
        f.hires = 30;
        assert_eq!(vacancies_wanted(&f, 20.0, false, &p), 20.0);
        // It replaces the proportional yield rule, which would post 0.08 of this gap...
        (f.vacancies, f.hires) = (99, 2);
        let yield_rule = Firms {
            vacancy_stock_months: 0.0,
            ..Firms::default()
        };
        let rule = vacancies_wanted(&f, 100.0, false, &yield_rule);
        assert!((rule - 100.0 * 2.3 / 100.0 / 0.3).abs() < 1e-9, "{rule}");
        // ...but not the hiring freeze of a loss-maker.
        let freeze = Firms {
            loss_posting_share: 0.0,
            ..p
        };
        f.profit_year = -1.0;
        assert_eq!(vacancies_wanted(&f, 100.0, false, &freeze), 0.0);
        // Off (0) is the gap times the posting share.
        let off = Firms {
            vacancy_stock_months: 0.0,
            ..Firms::default()
        };
        assert_eq!(
            vacancies_wanted(&f, 100.0, false, &off),
            100.0 * off.hiring_speed * posting_share(&f, false, &off)
        );
    }

    #[test]
    fn loss_making_firm_freezes_hiring_unless_hoarding() {
        let p = Firms {
            loss_posting_share: 0.0,
            ..Firms::default()
        };
        let mut f = firm(100);
        f.profit_year = -1.0;
        assert_eq!(posting_share(&f, false, &p), 0.0);
        // A protected giant keeps replacing leavers; the default posts in full.
        assert_eq!(posting_share(&f, true, &p), 1.0);
        assert_eq!(posting_share(&f, false, &Firms::default()), 1.0);
        f.profit_year = 1.0;
        assert_eq!(posting_share(&f, false, &p), 1.0);
    }

    #[test]
    fn young_and_unproductive_firms_exit_sooner() {
        // No wage cuts: the exit rule alone.
        let p = Firms {
            idiosyncratic_volatility: 0.0,
            wage_down: 0.0,
            ..Firms::default()
        };
        let m = markets(0.8, 0.8);
        let months_to_exit = |born: i32, productivity: f64| {
            let mut f = firm(100);
            f.kind = FirmKind::Sme;
            f.born_month = born;
            f.productivity = productivity;
            f.cash = 0.0;
            (0..600)
                .position(|_| run(&mut f, &m, &p, 1) == FirmOutcome::Exited)
                .unwrap_or(600)
        };
        let (young, old) = (months_to_exit(0, 33.0), months_to_exit(-240, 33.0));
        assert!(young < old, "young {young} old {old}");
        let (weak, strong) = (months_to_exit(-240, 25.0), months_to_exit(-240, 33.0));
        assert!(weak < strong, "weak {weak} strong {strong}");
        // Credit grows with age up to the full line.
        assert_eq!(credit_share(&firm(1), 0.0, &p), 1.0);
        let mut sme = firm(1);
        sme.kind = FirmKind::Sme;
        assert_eq!(credit_share(&sme, 0.0, &p), 0.0);
        assert_eq!(credit_share(&sme, 1e4, &p), 1.0);
    }

    #[test]
    fn gibrat_log_growth_does_not_depend_on_size() {
        let p = Firms {
            selection_speed: 0.0,
            ..Firms::default()
        };
        let m = markets(1.0, 1.0);
        let months = 60;
        let stats = |size: u32| {
            let shocks: Vec<f64> = (0..300)
                .map(|k| {
                    let mut f = firm(size);
                    f.kind = FirmKind::Sme;
                    let nat = NationalLevers::default();
                    let towns = vec![TownLevers::default()];
                    let c = Clusters::default();
                    let shares = MarketShares::default();
                    for step in 0..months {
                        let ctx = FirmContext {
                            seed: 9,
                            step,
                            month: step as i32,
                            params: &p,
                            clusters: &c,
                            markets: &m,
                            shares: &shares,
                            national: &nat,
                            towns: &towns,
                        };
                        step_firm(&mut f, k + size as usize * 1000, 0, &ctx);
                    }
                    f.demand_shock
                })
                .collect();
            let n = shocks.len() as f64;
            let mean = shocks.iter().sum::<f64>() / n;
            let sd = (shocks.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            (mean, sd)
        };
        let expected_sd = p.idiosyncratic_volatility * (months as f64).sqrt();
        for size in [10, 1000] {
            let (mean, sd) = stats(size);
            assert!(mean.abs() < 0.05, "size {size}: mean {mean}");
            assert!(
                (sd / expected_sd - 1.0).abs() < 0.15,
                "size {size}: sd {sd}"
            );
        }
    }

    #[test]
    fn regression_sheregesh_public_sector_firm_random_walked_to_twenty_times_its_size() {
        // The public sector's demand follows the public index only: 46 years of months
        // leave its idiosyncratic factor at 0 (a random walk of 0.03 a month had moved
        // it by 1.9 log points in Sheregesh), while a market firm's factor wanders.
        let p = Firms::default();
        let m = markets(1.0, 1.0);
        let mut public = Firm {
            sector: Sector::PublicSector,
            kind: FirmKind::Large,
            export_share: 0.0,
            local_share: 1.0,
            ..firm(600)
        };
        let mut market = Firm {
            kind: FirmKind::Sme,
            ..firm(600)
        };
        assert!(!has_own_customers(&public) && has_own_customers(&market));
        run(&mut public, &m, &p, 552);
        run(&mut market, &m, &p, 552);
        assert_eq!(public.demand_shock, 0.0);
        assert!(market.demand_shock != 0.0);
    }

    #[test]
    fn selection_moves_appeal_to_fitter_firms_and_entrants_learn() {
        let p = Firms::default();
        let mut f = firm(10);
        f.kind = FirmKind::Sme;
        let median = fitness(&f);
        let shares = MarketShares {
            size: vec![[1.0; Sector::COUNT]],
            claims: vec![[1.0; Sector::COUNT]],
            fitness: vec![[median; Sector::COUNT]],
            sector_fitness: [median; Sector::COUNT],
            selection_mean: vec![[median; Sector::COUNT]],
            fill_rate: Vec::new(),
        };
        assert_eq!(selection_drift(&f, &shares, &p), 0.0);
        f.productivity *= 1.2f64.exp();
        let drift = selection_drift(&f, &shares, &p);
        assert!((drift - p.selection_speed / 12.0 * 1.2).abs() < 1e-9);
        f.kind = FirmKind::Giant;
        assert_eq!(selection_drift(&f, &shares, &p), 0.0);
        // Learning: the gap closes and productivity rises by what was learnt.
        let mut e = firm(10);
        e.learning_gap = 0.2;
        let a0 = e.productivity;
        let q = Firms {
            productivity_growth: 0.0,
            ..Firms::default()
        };
        for _ in 0..600 {
            technology_trend(&mut e, &q);
        }
        assert!(e.learning_gap < 1e-3);
        assert!((e.productivity / a0 - 0.2f64.exp()).abs() < 1e-3);
    }

    /// The customers of a closed shop move to the town's other shops over months, and
    /// the market's claims return to its expenditure; a tradable market's room waits for
    /// entrants, and a full market or a giant gets nothing.
    #[test]
    fn customers_of_an_exited_local_firm_move_to_the_survivors() {
        let p = Firms {
            customer_reallocation_rate: 0.1,
            ..Firms::default()
        };
        let shop = |demand: f64| {
            let mut f = firm(10);
            f.sector = Sector::LocalServices;
            f.kind = FirmKind::Sme;
            f.base_demand = demand;
            f
        };
        let size = [[400.0; Sector::COUNT]];
        // Three shops filled the market; the third (claim 100) closed.
        let mut survivors = [shop(100.0), shop(200.0)];
        let claims = |fs: &[Firm]| fs.iter().map(crate::markets::goods::claim).sum::<f64>();
        let first = customer_reallocation(&survivors[0], &MarketShares::of(&survivors, &size), &p);
        assert!((first - (p.customer_reallocation_rate / 3.0).ln_1p()).abs() < 1e-12);
        for _ in 0..60 {
            let shares = MarketShares::of(&survivors, &size);
            let g: Vec<f64> = (survivors.iter())
                .map(|f| customer_reallocation(f, &shares, &p))
                .collect();
            for (f, g) in survivors.iter_mut().zip(g) {
                f.base_demand *= g.exp();
            }
        }
        assert!(
            (claims(&survivors) / 400.0 - 1.0).abs() < 0.01,
            "{}",
            claims(&survivors)
        );
        // In proportion to their claims: the larger shop stays twice the smaller.
        assert!((survivors[1].base_demand / survivors[0].base_demand - 2.0).abs() < 1e-9);
        // A full market gives nothing.
        let full = MarketShares::of(&survivors, &[[200.0; Sector::COUNT]]);
        assert_eq!(customer_reallocation(&survivors[0], &full, &p), 0.0);
        // A tradable sector's room is left to entrants; a giant's and the public sector's
        // demand do not take customers; rate 0 switches it off.
        let mut plant = shop(100.0);
        plant.sector = Sector::MachineryDefence;
        let room = MarketShares::of(std::slice::from_ref(&plant), &size);
        assert_eq!(customer_reallocation(&plant, &room, &p), 0.0);
        let mut giant = shop(100.0);
        giant.kind = FirmKind::Giant;
        let room = MarketShares::of(std::slice::from_ref(&giant), &size);
        assert_eq!(customer_reallocation(&giant, &room, &p), 0.0);
        let off = Firms {
            customer_reallocation_rate: 0.0,
            ..Firms::default()
        };
        let lone = shop(100.0);
        let room = MarketShares::of(std::slice::from_ref(&lone), &size);
        assert_eq!(customer_reallocation(&lone, &room, &off), 0.0);
        assert!(customer_reallocation(&lone, &room, &p) > 0.0);
    }
}
