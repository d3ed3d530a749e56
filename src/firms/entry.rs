//! New firms: start-ups, relocations from the capital and spin-offs.
//!
//! Potential start-ups arrive as a Poisson process proportional to the town's
//! population, raised by incubators and special zones; each picks a sector with weights
//! growing with the sector's jobs in the town, draws its productivity from the entrant
//! distribution around the median incumbent, and enters only when its expected profit in
//! the crowded market covers a sunk entry cost (Hopenhayn 1992). Relocations arrive at
//! the rate a relocation policy sets and bring their customers. Spin-offs follow Klepper
//! (2007): large firms spawn would-be firms in related sectors at a rate proportional to
//! their size, inheriting the parent's know-how, and keep the parent link. An entrant's
//! claim on its town's sector market comes out of the incumbents' demand
//! ([`MarketShares`]). The split of a giant into units is in [`super::restructure`].

use rand_distr::{Distribution, Poisson, StandardNormal};

use super::{Firm, FirmKind, Owner, Sector, balanced_productivity, relatedness, sector_wage};
use crate::ids::{FirmId, TownId};
use crate::markets::goods::{MarketShares, Markets, claim};
use crate::model::observe::EventKind;
use crate::people::pass::TownCounts;
use crate::policy::TownLevers;
use crate::rng::{Process, Stream};
use crate::scenario::Firms;
use crate::towns::Town;

/// Lowest demand index used to size an entrant's base demand (a numerical guard: a
/// market that has all but vanished would otherwise give an absurd base demand).
pub const MIN_DEMAND_INDEX: f64 = 0.05;

/// Draw a Poisson count from a stream.
pub fn poisson(rng: &mut Stream, mean: f64) -> u64 {
    if mean <= 0.0 || !mean.is_finite() {
        return 0;
    }
    Poisson::new(mean)
        .map(|d| d.sample(rng) as u64)
        .unwrap_or(0)
}

/// Template for a new firm.
pub struct NewFirm {
    /// Town.
    pub town: TownId,
    /// Sector.
    pub sector: Sector,
    /// Kind.
    pub kind: FirmKind,
    /// Target workforce (agents).
    pub size: f64,
    /// Productivity.
    pub productivity: f64,
    /// Base wage.
    pub base_wage: f64,
    /// Demand index now (so that base demand meets the target at current conditions).
    pub demand_index: f64,
    /// Months of wage bill held as cash at birth.
    pub cash_months: f64,
    /// Weight (real firms per agent firm).
    pub weight: f64,
    /// Month of birth.
    pub month: i32,
    /// Name.
    pub name: String,
}

/// Build a firm from a template, with the sector's default markets.
pub fn make_firm(t: NewFirm, p: &Firms) -> Firm {
    let (export_share, state_order_share, local_share) = t.sector.default_markets();
    let demand = t.size * t.productivity / t.demand_index.max(MIN_DEMAND_INDEX);
    Firm {
        name: t.name,
        town: t.town,
        sector: t.sector,
        kind: t.kind,
        owner: Owner::Local,
        weight: t.weight,
        born_month: t.month,
        target: t.size,
        vacancies: t.size.ceil() as u32,
        base_wage: t.base_wage,
        productivity: t.productivity,
        base_demand: demand,
        export_share,
        state_order_share,
        local_share,
        import_share: t.sector.default_import_share(),
        social_role: false,
        capital: p.capital_months_of_output * t.productivity * t.size,
        cash: t.cash_months * t.size * t.base_wage * (1.0 + p.payroll_tax),
        ..Firm::neutral()
    }
}

/// Pick a spin-off sector related to the parent's (Klepper: spin-offs enter the parent's
/// or a related industry). Local services and the public sector are not spin-off targets.
/// `min_relatedness` is `firms.spinoff_relatedness_min`.
pub fn spinoff_sector(parent: Sector, min_relatedness: f64, rng: &mut Stream) -> Sector {
    let candidates: Vec<(Sector, f64)> = Sector::ALL
        .iter()
        .filter(|s| !matches!(s, Sector::LocalServices | Sector::PublicSector))
        .map(|&s| (s, relatedness(parent, s)))
        .filter(|(_, r)| *r >= min_relatedness)
        .collect();
    pick_weighted(&candidates, rng).unwrap_or(parent)
}

/// Pick from weighted options.
pub fn pick_weighted<T: Copy>(options: &[(T, f64)], rng: &mut Stream) -> Option<T> {
    let total: f64 = options.iter().map(|(_, w)| w.max(0.0)).sum();
    if total <= 0.0 {
        return None;
    }
    let mut u = rng.uniform() * total;
    for (x, w) in options {
        u -= w.max(0.0);
        if u < 0.0 {
            return Some(*x);
        }
    }
    options.last().map(|(x, _)| *x)
}

/// A town as firm entry sees it this month.
pub struct EntryTown {
    /// Hubs get no start-ups (they are not modelled firm by firm).
    pub is_hub: bool,
    /// Residents (real persons).
    pub population: f64,
    /// Mean wage of employed residents (thousand RUB/month).
    pub mean_wage: f64,
}

impl EntryTown {
    /// The towns as entry sees them, from last month's aggregates (agents); a town
    /// without employed residents shows its initial wage.
    pub fn from_last(towns: &[Town], last: &[TownCounts], scale: f64) -> Vec<EntryTown> {
        (towns.iter().zip(last))
            .map(|(town, last)| EntryTown {
                is_hub: town.is_hub,
                population: last.population() as f64 / scale,
                mean_wage: if last.employed > 0 {
                    last.wage_sum / last.employed as f64
                } else {
                    town.wage0
                },
            })
            .collect()
    }
}

/// Everything firm entry reads besides the firms and towns.
pub struct EntryContext<'a> {
    /// Master seed.
    pub seed: u64,
    /// Month since start.
    pub step: u32,
    /// Absolute month.
    pub month: i32,
    /// Agents per person.
    pub scale: f64,
    /// Firm parameters.
    pub params: &'a Firms,
    /// This month's demand indices.
    pub markets: &'a Markets,
    /// The towns' sector markets (claims, sizes, median fitness) before this month's entry.
    pub shares: &'a MarketShares,
    /// Town levers (incubators, zones, relocation policies).
    pub levers: &'a [TownLevers],
}

/// A firm about to enter, with the event kind and detail that announce it.
pub struct Entrant {
    /// The new firm (unnamed: the model names it when it gets its id).
    pub firm: Firm,
    /// Event kind.
    pub kind: EventKind,
    /// Event detail.
    pub detail: String,
    /// The firm brings its own customers (a relocation): its claim is added to the
    /// size of its town's sector market.
    pub brings_market: bool,
}

/// Jobs by town and sector (start-up sector choice).
struct SectorStats {
    /// Agents employed by town and sector.
    jobs: Vec<[f64; Sector::COUNT]>,
}

impl SectorStats {
    fn of(firms: &[Firm], n_towns: usize) -> SectorStats {
        let mut jobs = vec![[0.0f64; Sector::COUNT]; n_towns];
        for firm in firms.iter().filter(|f| f.alive && f.kind != FirmKind::Hub) {
            jobs[firm.town.index()][firm.sector.index()] += firm.workforce as f64;
        }
        SectorStats { jobs }
    }
}

/// This month's entrants: start-ups and relocations town by town, then spin-offs of
/// large firms in firm order. Each entrant's claim is added to its market before the
/// next potential entrant decides, so entry in a month crowds out later entry.
pub fn entrants(firms: &[Firm], towns: &[EntryTown], ctx: &EntryContext<'_>) -> Vec<Entrant> {
    let stats = SectorStats::of(firms, towns.len());
    let mut shares = ctx.shares.clone();
    let mut out = Vec::new();
    for (t, town) in towns.iter().enumerate() {
        if town.is_hub {
            continue;
        }
        start_ups(t, town, &stats, ctx, &mut shares, &mut out);
        relocations(t, town, ctx, &mut shares, &mut out);
    }
    spin_offs(firms, ctx, &mut shares, &mut out);
    out
}

/// A new firm whose claim (base demand) would keep its target workforce busy at this
/// month's indices in an uncrowded market: its claim is measured in the units of the
/// market it enters, and its sales are that claim times the crowding its entry makes.
fn balanced_entrant(template: NewFirm, ctx: &EntryContext<'_>) -> Firm {
    let (size, productivity) = (template.size, template.productivity);
    let mut firm = make_firm(template, ctx.params);
    let di = ctx.markets.demand_index(&firm);
    firm.base_demand = size * productivity / di.max(MIN_DEMAND_INDEX);
    // Its wage is set at the town's wage level now: the wage curve is already in it.
    firm.wage_curve = (ctx.markets.wage_curve.get(firm.town.index()).copied()).unwrap_or(1.0);
    firm
}

/// Expected monthly profit after tax of a firm about to enter with productivity
/// `theta`, its target workforce and its base demand, in a market whose crowding after
/// its entry is `crowding`, at this month's demand indices and prices.
pub fn expected_profit(firm: &Firm, theta: f64, crowding: f64, ctx: &EntryContext<'_>) -> f64 {
    let p = ctx.params;
    let labour = firm.target;
    let index = ctx.markets.demand_index(firm);
    let demand = firm.base_demand * index * crowding;
    let sold = (theta * labour).min(demand);
    let revenue = ctx.markets.price(firm) * sold;
    let cost = p.domestic_input_share * sold
        + labour * firm.base_wage * (1.0 + p.payroll_tax)
        + p.capital_months_of_output * theta * labour * p.capital_cost / 12.0;
    let before_tax = revenue - cost;
    before_tax - p.profit_tax * before_tax.max(0.0)
}

/// Whether a potential entrant enters (Hopenhayn 1992): its expected profit over
/// `entry_payback_months` covers the sunk entry cost of `entry_cost_months` of its wage
/// bill.
fn enters(firm: &Firm, theta: f64, shares: &MarketShares, ctx: &EntryContext<'_>) -> bool {
    let p = ctx.params;
    let crowding = shares.crowding_with(firm.town.index(), firm.sector, claim(firm));
    let profit = expected_profit(firm, theta, crowding, ctx);
    let bill = firm.target * firm.base_wage * (1.0 + p.payroll_tax);
    profit * p.entry_payback_months >= p.entry_cost_months * bill
}

/// Add an entrant's claim to its market.
fn add_claim(shares: &mut MarketShares, firm: &Firm) {
    if let Some(row) = shares.claims.get_mut(firm.town.index()) {
        row[firm.sector.index()] += claim(firm);
    }
}

/// Weights of the sectors a start-up in town `t` can choose: the sector's jobs, plus
/// the expected local-services jobs for local services, plus a floor; innovative
/// sectors boosted by an incubator.
fn startup_sector_weights(
    t: usize,
    population: f64,
    stats: &SectorStats,
    ctx: &EntryContext<'_>,
) -> Vec<(Sector, f64)> {
    let p = ctx.params;
    let lev = &ctx.levers[t];
    Sector::ALL
        .iter()
        .filter(|s| **s != Sector::PublicSector)
        .map(|&s| {
            let base = stats.jobs[t][s.index()]
                + if s == Sector::LocalServices {
                    p.startup_local_services_weight
                        * population
                        * ctx.scale
                        * p.startup_local_services_jobs_per_resident
                } else {
                    0.0
                };
            let boost = if lev.incubator && s.is_innovative() {
                p.incubator_innovative_boost
            } else {
                1.0
            };
            (s, (base + p.startup_sector_weight_floor) * boost)
        })
        .collect()
}

/// Start-ups of town `t`: a Poisson number of potential entrants proportional to its
/// population; each draws its sector, its productivity-to-wage ratio around the median
/// incumbent of its town's sector (`entrant_productivity_sd`) and a noisy signal of it
/// (`entry_signal_sd`), and enters if the expected value at its expected productivity
/// given the signal covers the sunk entry cost ([`enters`]). An entrant starts `learning_gap` below its potential and its
/// appeal (base demand) follows its potential.
fn start_ups(
    t: usize,
    town: &EntryTown,
    stats: &SectorStats,
    ctx: &EntryContext<'_>,
    shares: &mut MarketShares,
    out: &mut Vec<Entrant>,
) {
    let p = ctx.params;
    let lev = &ctx.levers[t];
    let mut rng = Stream::new(ctx.seed, Process::StartUp, t as u64, ctx.step);
    let potential = poisson(
        &mut rng,
        p.startup_rate_per_1000 * town.population / 1000.0 * ctx.scale * lev.startup_multiplier,
    );
    let cash = p.startup_cash_months
        + if lev.incubator {
            p.incubator_cash_months
        } else {
            0.0
        };
    for _ in 0..potential {
        let options = startup_sector_weights(t, town.population, stats, ctx);
        let sector = pick_weighted(&options, &mut rng).unwrap_or(Sector::LocalServices);
        let wage = town.mean_wage * sector_wage(sector);
        let median = shares
            .median_fitness(t, sector)
            .unwrap_or_else(|| (balanced_productivity(wage, p) / wage).ln());
        let (z1, z2): (f64, f64) = (
            StandardNormal.sample(&mut rng),
            StandardNormal.sample(&mut rng),
        );
        let fit = median + p.entrant_productivity_sd * z1;
        // The entrant's expectation of its productivity given its signal (normal
        // prior around the median, normal noise: the signal is shrunk to the median).
        let (v, n) = (p.entrant_productivity_sd.powi(2), p.entry_signal_sd.powi(2));
        let weight = if v + n > 0.0 { v / (v + n) } else { 1.0 };
        let noisy = fit + p.entry_signal_sd * z2;
        let signal = wage * (median + weight * (noisy - median)).exp();
        let template = NewFirm {
            town: TownId(t as u16),
            sector,
            kind: FirmKind::Sme,
            size: p.startup_size,
            productivity: signal,
            base_wage: wage,
            demand_index: 1.0,
            cash_months: cash,
            weight: 1.0 / ctx.scale,
            month: ctx.month,
            name: String::new(),
        };
        let mut firm = balanced_entrant(template, ctx);
        if !enters(&firm, signal, shares, ctx) {
            continue;
        }
        // The true potential sets the appeal; productivity starts below it.
        let potential = wage * fit.exp();
        firm.base_demand *= potential / signal;
        firm.productivity = potential * (-p.learning_gap).exp();
        firm.capital = p.capital_months_of_output * firm.productivity * firm.target;
        firm.learning_gap = p.learning_gap;
        add_claim(shares, &firm);
        out.push(Entrant {
            firm,
            kind: EventKind::FirmEntry,
            detail: "start-up".into(),
            brings_market: false,
        });
    }
}

/// Firms relocated from the capital to town `t` by a relocation policy, at the median
/// productivity-to-wage ratio of their sector. They bring their customers.
fn relocations(
    t: usize,
    town: &EntryTown,
    ctx: &EntryContext<'_>,
    shares: &mut MarketShares,
    out: &mut Vec<Entrant>,
) {
    let p = ctx.params;
    let Some((per_month, size, sector)) = ctx.levers[t].relocation else {
        return;
    };
    let k = poisson(
        &mut Stream::new(ctx.seed, Process::Relocation, t as u64, ctx.step),
        per_month * ctx.scale,
    );
    for _ in 0..k {
        let wage = town.mean_wage * sector_wage(sector);
        let productivity = shares
            .median_fitness(t, sector)
            .map_or_else(|| balanced_productivity(wage, p), |m| wage * m.exp());
        let kind = if size >= p.large_firm_min_workers {
            FirmKind::Large
        } else {
            FirmKind::Sme
        };
        let template = NewFirm {
            town: TownId(t as u16),
            sector,
            kind,
            size,
            productivity,
            base_wage: wage,
            demand_index: 1.0,
            cash_months: p.relocation_cash_months,
            weight: 1.0 / ctx.scale,
            month: ctx.month,
            name: String::new(),
        };
        let firm = balanced_entrant(template, ctx);
        if let Some(row) = shares.size.get_mut(t) {
            row[sector.index()] += claim(&firm);
        }
        add_claim(shares, &firm);
        out.push(Entrant {
            firm,
            kind: EventKind::FirmEntry,
            detail: "relocated from the capital".into(),
            brings_market: true,
        });
    }
}

/// Whether a firm spawns spin-offs: a living giant or large firm; a generated one (that
/// stands for several real firms) only from `firms.spinoff_parent_min_workers` agents.
fn can_spawn(parent: &Firm, p: &Firms) -> bool {
    parent.alive
        && matches!(parent.kind, FirmKind::Giant | FirmKind::Large)
        && !(parent.weight > 1.0 + 1e-9 && (parent.workforce as f64) < p.spinoff_parent_min_workers)
}

/// Spin-offs of large firms (Klepper 2007), at a rate proportional to their real
/// workforce: each would-be spin-off inherits its parent's know-how (productivity times
/// the premium) and wage, keeps a link to its parent, and enters when its expected
/// value covers the sunk entry cost ([`enters`]).
fn spin_offs(
    firms: &[Firm],
    ctx: &EntryContext<'_>,
    shares: &mut MarketShares,
    out: &mut Vec<Entrant>,
) {
    let p = ctx.params;
    for (i, parent) in firms.iter().enumerate() {
        if !can_spawn(parent, p) {
            continue;
        }
        let real_workers =
            parent.workforce as f64 / ctx.scale * parent.weight.min(1.0).max(ctx.scale);
        let mean = p.spinoff_rate_per_1000 * real_workers / 1000.0 * ctx.scale;
        let mut rng = Stream::new(ctx.seed, Process::SpinOff, i as u64, ctx.step);
        for _ in 0..poisson(&mut rng, mean) {
            let sector = spinoff_sector(parent.sector, p.spinoff_relatedness_min, &mut rng);
            let productivity = parent.productivity * p.spinoff_productivity_premium;
            let template = NewFirm {
                town: parent.town,
                sector,
                kind: FirmKind::Spinoff,
                size: p.spinoff_size,
                productivity,
                base_wage: parent.base_wage,
                demand_index: 1.0,
                cash_months: p.spinoff_cash_months,
                weight: 1.0 / ctx.scale,
                month: ctx.month,
                name: String::new(),
            };
            let mut firm = balanced_entrant(template, ctx);
            if !enters(&firm, productivity, shares, ctx) {
                continue;
            }
            firm.parent = Some(FirmId::from_index(i));
            firm.wage_curve = parent.wage_curve;
            add_claim(shares, &firm);
            out.push(Entrant {
                firm,
                kind: EventKind::FirmSpinoff,
                detail: format!("spin-off of {}", parent.name),
                brings_market: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spinoffs_go_to_related_sectors() {
        for seed in 0..200 {
            let mut rng = Stream::new(seed, Process::SpinOff, 0, 0);
            let s = spinoff_sector(Sector::Chemicals, 0.4, &mut rng);
            assert!(relatedness(Sector::Chemicals, s) >= 0.4, "{s:?}");
            assert!(!matches!(s, Sector::LocalServices | Sector::PublicSector));
        }
    }

    #[test]
    fn poisson_mean_is_right_and_zero_mean_gives_zero() {
        let mut rng = Stream::new(1, Process::SpinOff, 0, 0);
        let n = 20_000;
        let mean = (0..n).map(|_| poisson(&mut rng, 0.3)).sum::<u64>() as f64 / n as f64;
        assert!((mean - 0.3).abs() < 0.02);
        assert_eq!(poisson(&mut rng, 0.0), 0);
        assert_eq!(poisson(&mut rng, f64::NAN), 0);
    }

    #[test]
    fn new_firm_starts_with_vacancies_and_balanced_demand() {
        let p = Firms::default();
        let f = make_firm(
            NewFirm {
                town: TownId(0),
                sector: Sector::It,
                kind: FirmKind::Sme,
                size: 6.0,
                productivity: 30.0,
                base_wage: 10.0,
                demand_index: 1.2,
                cash_months: 2.0,
                weight: 1.0,
                month: 0,
                name: "x".into(),
            },
            &p,
        );
        assert_eq!(f.vacancies, 6);
        assert!((f.base_demand * 1.2 - 180.0).abs() < 1e-9);
    }

    fn markets() -> Markets {
        Markets::neutral()
    }

    fn start_ups_in(
        p: &Firms,
        levers: &[TownLevers],
        seed: u64,
        shares: &MarketShares,
    ) -> Vec<Entrant> {
        let m = markets();
        let ctx = EntryContext {
            seed,
            step: 0,
            month: 0,
            scale: 1.0,
            params: p,
            markets: &m,
            shares,
            levers,
        };
        let town = EntryTown {
            is_hub: false,
            population: 100_000.0,
            mean_wage: 20.0,
        };
        entrants(&[], &[town], &ctx)
    }

    fn start_ups_of(p: &Firms, levers: &[TownLevers], seed: u64) -> Vec<Entrant> {
        start_ups_in(p, levers, seed, &MarketShares::default())
    }

    /// Shares of one town whose sector markets have the given size and claims, with all
    /// incumbents at the break-even fitness of a wage of 20.
    fn one_town(size: f64, claims: f64, p: &Firms) -> MarketShares {
        let fit = (balanced_productivity(20.0, p) / 20.0).ln();
        MarketShares {
            size: vec![[size; Sector::COUNT]],
            claims: vec![[claims; Sector::COUNT]],
            fitness: vec![[fit; Sector::COUNT]],
            sector_fitness: [fit; Sector::COUNT],
            selection_mean: vec![[fit; Sector::COUNT]],
            fill_rate: Vec::new(),
        }
    }

    #[test]
    fn a_start_up_gets_the_parameterised_cash_and_an_entrant_productivity() {
        let p = Firms {
            startup_rate_per_1000: 0.5,
            startup_cash_months: 5.0,
            ..Firms::default()
        };
        let levers = [TownLevers::default()];
        let starts = start_ups_of(&p, &levers, 3);
        assert!(!starts.is_empty());
        for e in &starts {
            let f = &e.firm;
            assert_eq!(
                (e.kind, e.detail.as_str()),
                (EventKind::FirmEntry, "start-up")
            );
            let bill = p.startup_size * f.base_wage * (1.0 + p.payroll_tax);
            assert!((f.cash - 5.0 * bill).abs() < 1e-9, "cash {}", f.cash);
            assert_ne!(f.sector, Sector::PublicSector);
            assert_eq!(f.learning_gap, p.learning_gap);
            // Appeal at the potential, productivity a learning gap below it.
            let potential = f.base_demand / p.startup_size;
            assert!((f.productivity - potential * (-p.learning_gap).exp()).abs() < 1e-9);
        }
        // An incubator adds its months of cash.
        let levers = [TownLevers {
            incubator: true,
            ..TownLevers::default()
        }];
        for e in start_ups_of(&p, &levers, 3) {
            let bill = p.startup_size * e.firm.base_wage * (1.0 + p.payroll_tax);
            let months = 5.0 + p.incubator_cash_months;
            assert!((e.firm.cash - months * bill).abs() < 1e-9);
        }
    }

    #[test]
    fn entrant_productivity_is_lognormal_around_the_median_incumbent() {
        // No entry cost: every potential entrant enters, so the draws are unselected.
        // A high incumbent margin puts break-even far below the median entrant.
        let p = Firms {
            startup_rate_per_1000: 2.0,
            entry_cost_months: 0.0,
            learning_gap: 0.0,
            capital_cost: 0.0,
            initial_margin: 0.5,
            ..Firms::default()
        };
        let shares = one_town(1e12, 0.0, &p);
        let levers = [TownLevers::default()];
        let mut logs = Vec::new();
        for seed in 0..20 {
            for e in start_ups_in(&p, &levers, seed, &shares) {
                logs.push(crate::markets::goods::fitness(&e.firm));
            }
        }
        let n = logs.len() as f64;
        assert!(n > 1000.0);
        let mean = logs.iter().sum::<f64>() / n;
        let sd = (logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
        let median = shares.sector_fitness[0];
        assert!((mean - median).abs() < 0.03, "mean {mean} median {median}");
        assert!((sd - p.entrant_productivity_sd).abs() < 0.08, "sd {sd}");
    }

    #[test]
    fn entry_rises_with_market_room_and_expected_profit() {
        let p = Firms {
            startup_rate_per_1000: 1.0,
            ..Firms::default()
        };
        let levers = [TownLevers::default()];
        let count = |shares: &MarketShares| -> usize {
            (0..10)
                .map(|seed| start_ups_in(&p, &levers, seed, shares).len())
                .sum()
        };
        let size = 1e6;
        // A market with room (claims below its size) draws more entrants than a crowded one.
        let room = count(&one_town(size, 0.5 * size, &p));
        let crowded = count(&one_town(size, 1.3 * size, &p));
        assert!(room > crowded, "room {room} crowded {crowded}");
        // Incumbents more productive than break-even: entrants expect more profit.
        let mut rich = one_town(size, 0.9 * size, &p);
        let poor = one_town(size, 0.9 * size, &p);
        for x in rich.fitness[0]
            .iter_mut()
            .chain(rich.sector_fitness.iter_mut())
        {
            *x += 0.2;
        }
        assert!(count(&rich) > count(&poor));
    }

    #[test]
    fn regression_startups_got_demand_by_fiat() {
        // Issue 10: an entrant's demand was created by fiat. Now a saturated market's
        // total demand (size x crowding over all claims) does not grow with entry.
        let p = Firms {
            startup_rate_per_1000: 1.0,
            entry_cost_months: 0.0,
            ..Firms::default()
        };
        let size = 1e5;
        let shares = one_town(size, size, &p);
        let levers = [TownLevers::default()];
        let starts = start_ups_in(&p, &levers, 4, &shares);
        assert!(!starts.is_empty());
        let mut after = shares.clone();
        for e in &starts {
            after.claims[0][e.firm.sector.index()] += claim(&e.firm);
        }
        for s in Sector::ALL {
            let total = |m: &MarketShares| m.claims[0][s.index()] * m.crowding_with(0, s, 0.0);
            assert!(total(&after) <= total(&shares) + 1e-6, "{s:?}");
            if after.claims[0][s.index()] > shares.claims[0][s.index()] {
                // Entry lowered the incumbents' demand.
                assert!(after.crowding_with(0, s, 0.0) < shares.crowding_with(0, s, 0.0));
            }
        }
    }

    #[test]
    fn an_entrant_starts_at_its_towns_wage_curve_level() {
        // Its wage is the town's current wage, which the wage curve has already moved:
        // the entrant must not apply it a second time.
        let p = Firms::default();
        let m = Markets {
            wage_curve: vec![0.8],
            ..markets()
        };
        let (levers, shares) = ([TownLevers::default()], MarketShares::default());
        let ctx = EntryContext {
            seed: 1,
            step: 0,
            month: 0,
            scale: 1.0,
            params: &p,
            markets: &m,
            shares: &shares,
            levers: &levers,
        };
        let template = NewFirm {
            town: TownId(0),
            sector: Sector::It,
            kind: FirmKind::Sme,
            size: 6.0,
            productivity: 30.0,
            base_wage: 10.0,
            demand_index: 1.0,
            cash_months: 2.0,
            weight: 1.0,
            month: 0,
            name: "x".into(),
        };
        let mut f = balanced_entrant(template, &ctx);
        assert_eq!(f.wage_curve, 0.8);
        m.apply_wage_curve(&mut f, 0.3);
        assert!((f.base_wage - 10.0).abs() < 1e-12);
    }

    #[test]
    fn relocated_firms_are_large_from_the_threshold_on() {
        let p = Firms::default();
        for (size, kind) in [(300.0, FirmKind::Large), (100.0, FirmKind::Sme)] {
            let levers = [TownLevers {
                relocation: Some((5.0, size, Sector::It)),
                ..TownLevers::default()
            }];
            let moved: Vec<Entrant> = start_ups_of(&p, &levers, 1)
                .into_iter()
                .filter(|e| e.detail == "relocated from the capital")
                .collect();
            assert!(!moved.is_empty());
            for e in moved {
                assert_eq!(e.firm.kind, kind);
                assert!(e.brings_market);
                let bill = size * e.firm.base_wage * (1.0 + p.payroll_tax);
                assert!((e.firm.cash - p.relocation_cash_months * bill).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn spin_offs_come_from_large_parents_with_their_premium_and_link() {
        let p = Firms {
            spinoff_rate_per_1000: 1.0,
            ..Firms::default()
        };
        let mut parent =
            crate::firms::test_firm("Combine", Sector::Chemicals, FirmKind::Giant, 5000.0, &p);
        parent.workforce = 5000;
        // A productive parent: its spin-offs expect a profit.
        parent.productivity = 80.0;
        let mut small = parent.clone();
        small.kind = FirmKind::Sme;
        let m = markets();
        let levers = [TownLevers::default()];
        let shares = MarketShares::default();
        let ctx = EntryContext {
            seed: 2,
            step: 0,
            month: 0,
            scale: 1.0,
            params: &p,
            markets: &m,
            shares: &shares,
            levers: &levers,
        };
        let mut out = Vec::new();
        let mut work = shares.clone();
        spin_offs(&[small, parent], &ctx, &mut work, &mut out);
        assert!(!out.is_empty());
        for e in &out {
            assert_eq!(e.detail, "spin-off of Combine");
            assert_eq!(e.firm.parent, Some(FirmId::from_index(1)));
            assert_eq!(e.firm.productivity, 80.0 * p.spinoff_productivity_premium);
            assert!(relatedness(Sector::Chemicals, e.firm.sector) >= p.spinoff_relatedness_min);
        }
    }
}
