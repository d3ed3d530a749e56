//! New firms: start-ups, relocations from the capital and spin-offs.
//!
//! Start-ups arrive as a Poisson process proportional to the town's population, raised
//! by incubators and special zones; each picks a sector with weights growing with the
//! sector's jobs in the town. Relocations arrive at the rate a relocation policy sets.
//! Spin-offs follow Klepper (2007): large firms spawn new firms in related sectors at a
//! rate proportional to their size, inheriting the parent's know-how (productivity).
//! Every entrant starts with the demand that keeps its target workforce busy at this
//! month's demand indices. The split of a giant into units is in [`super::restructure`].

use rand_distr::{Distribution, Poisson};

use super::{Firm, FirmKind, Owner, Sector, balanced_productivity, relatedness, sector_wage};
use crate::ids::TownId;
use crate::markets::goods::Markets;
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
        holding: None,
        weight: t.weight,
        alive: true,
        born_month: t.month,
        workforce: 0,
        target: t.size,
        vacancies: t.size.ceil() as u32,
        hires: 0,
        layoff_probability: 0.0,
        base_wage: t.base_wage,
        productivity: t.productivity,
        base_demand: demand,
        demand_shock: 0.0,
        export_share,
        state_order_share,
        local_share,
        import_share: t.sector.default_import_share(),
        social_role: false,
        capital: p.capital_months_of_output * t.productivity * t.size,
        cash: t.cash_months * t.size * t.base_wage * (1.0 + p.payroll_tax),
        output: 0.0,
        profit: 0.0,
        profit_year: 0.0,
        modernisation: 0,
        cluster: None,
        capacity: 1.0,
        arrears: 0.0,
        pay_ratio: 1.0,
        last_month: Default::default(),
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
}

/// Jobs by town and sector (start-up sector choice) and productivity by sector.
struct SectorStats {
    /// Agents employed by town and sector.
    jobs: Vec<[f64; Sector::COUNT]>,
    /// Workforce-weighted productivity sum and workforce by sector.
    productivity: [(f64, f64); Sector::COUNT],
}

impl SectorStats {
    fn of(firms: &[Firm], n_towns: usize) -> SectorStats {
        let mut jobs = vec![[0.0f64; Sector::COUNT]; n_towns];
        let mut productivity = [(0.0f64, 0.0f64); Sector::COUNT];
        for firm in firms.iter().filter(|f| f.alive && f.kind != FirmKind::Hub) {
            jobs[firm.town.index()][firm.sector.index()] += firm.workforce as f64;
            productivity[firm.sector.index()].0 += firm.productivity * firm.workforce as f64;
            productivity[firm.sector.index()].1 += firm.workforce as f64;
        }
        SectorStats { jobs, productivity }
    }

    /// Mean productivity of the sector's workers, or the break-even productivity at
    /// `wage` in a sector without workers.
    fn productivity(&self, s: Sector, wage: f64, p: &Firms) -> f64 {
        let (a, w) = self.productivity[s.index()];
        if w > 0.0 {
            a / w
        } else {
            balanced_productivity(wage, p)
        }
    }
}

/// This month's entrants: start-ups and relocations town by town, then spin-offs of
/// large firms in firm order.
pub fn entrants(firms: &[Firm], towns: &[EntryTown], ctx: &EntryContext<'_>) -> Vec<Entrant> {
    let stats = SectorStats::of(firms, towns.len());
    let mut out = Vec::new();
    for (t, town) in towns.iter().enumerate() {
        if town.is_hub {
            continue;
        }
        start_ups(t, town, &stats, ctx, &mut out);
        relocations(t, town, &stats, ctx, &mut out);
    }
    spin_offs(firms, ctx, &mut out);
    out
}

/// A new firm whose base demand keeps its target workforce busy at this month's indices.
fn balanced_entrant(template: NewFirm, ctx: &EntryContext<'_>) -> Firm {
    let (size, productivity) = (template.size, template.productivity);
    let mut firm = make_firm(template, ctx.params);
    let di = ctx.markets.demand_index(&firm);
    firm.base_demand = size * productivity / di.max(MIN_DEMAND_INDEX);
    firm
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

/// Start-ups of town `t`: a Poisson number proportional to its population.
fn start_ups(
    t: usize,
    town: &EntryTown,
    stats: &SectorStats,
    ctx: &EntryContext<'_>,
    out: &mut Vec<Entrant>,
) {
    let p = ctx.params;
    let lev = &ctx.levers[t];
    let mut rng = Stream::new(ctx.seed, Process::StartUp, t as u64, ctx.step);
    let starts = poisson(
        &mut rng,
        p.startup_rate_per_1000 * town.population / 1000.0 * ctx.scale * lev.startup_multiplier,
    );
    for _ in 0..starts {
        let options = startup_sector_weights(t, town.population, stats, ctx);
        let sector = pick_weighted(&options, &mut rng).unwrap_or(Sector::LocalServices);
        let wage = town.mean_wage * sector_wage(sector);
        let productivity = stats.productivity(sector, wage, p)
            * (p.startup_productivity_low + p.startup_productivity_spread * rng.uniform());
        let cash = p.startup_cash_months
            + if lev.incubator {
                p.incubator_cash_months
            } else {
                0.0
            };
        let template = NewFirm {
            town: TownId(t as u16),
            sector,
            kind: FirmKind::Sme,
            size: p.startup_size,
            productivity,
            base_wage: wage,
            demand_index: 1.0,
            cash_months: cash,
            weight: 1.0 / ctx.scale,
            month: ctx.month,
            name: String::new(),
        };
        out.push(Entrant {
            firm: balanced_entrant(template, ctx),
            kind: EventKind::FirmEntry,
            detail: "start-up".into(),
        });
    }
}

/// Firms relocated from the capital to town `t` by a relocation policy.
fn relocations(
    t: usize,
    town: &EntryTown,
    stats: &SectorStats,
    ctx: &EntryContext<'_>,
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
        let productivity = stats.productivity(sector, wage, p);
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
        out.push(Entrant {
            firm: balanced_entrant(template, ctx),
            kind: EventKind::FirmEntry,
            detail: "relocated from the capital".into(),
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

/// Spin-offs of large firms (Klepper 2007), at a rate proportional to their real workforce.
fn spin_offs(firms: &[Firm], ctx: &EntryContext<'_>, out: &mut Vec<Entrant>) {
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
            let template = NewFirm {
                town: parent.town,
                sector,
                kind: FirmKind::Spinoff,
                size: p.spinoff_size,
                productivity: parent.productivity * p.spinoff_productivity_premium,
                base_wage: parent.base_wage,
                demand_index: 1.0,
                cash_months: p.spinoff_cash_months,
                weight: 1.0 / ctx.scale,
                month: ctx.month,
                name: String::new(),
            };
            out.push(Entrant {
                firm: balanced_entrant(template, ctx),
                kind: EventKind::FirmSpinoff,
                detail: format!("spin-off of {}", parent.name),
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
        Markets {
            world_price: [1.0; Sector::COUNT],
            export_volume: 1.0,
            national: 1.0,
            state_orders: 1.0,
            wage_drift: 1.0,
            local: vec![1.0],
            public: vec![1.0],
            hub_jobs: vec![0.0],
            hub_wage: vec![0.0],
        }
    }

    fn start_ups_of(p: &Firms, levers: &[TownLevers], seed: u64) -> Vec<Entrant> {
        let m = markets();
        let ctx = EntryContext {
            seed,
            step: 0,
            month: 0,
            scale: 1.0,
            params: p,
            markets: &m,
            levers,
        };
        let town = EntryTown {
            is_hub: false,
            population: 100_000.0,
            mean_wage: 20.0,
        };
        entrants(&[], &[town], &ctx)
    }

    #[test]
    fn a_start_up_gets_the_parameterised_cash_and_productivity_range() {
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
            // No firm of its sector yet: productivity around the break-even level.
            let mean = balanced_productivity(f.base_wage, &p);
            let ratio = f.productivity / mean;
            assert!((0.85..1.15).contains(&ratio), "ratio {ratio}");
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
                let bill = size * e.firm.base_wage * (1.0 + p.payroll_tax);
                assert!((e.firm.cash - p.relocation_cash_months * bill).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn spin_offs_come_from_large_parents_with_their_premium() {
        let p = Firms {
            spinoff_rate_per_1000: 1.0,
            ..Firms::default()
        };
        let mut parent =
            crate::firms::test_firm("Combine", Sector::Chemicals, FirmKind::Giant, 5000.0, &p);
        parent.workforce = 5000;
        let mut small = parent.clone();
        small.kind = FirmKind::Sme;
        let m = markets();
        let levers = [TownLevers::default()];
        let ctx = EntryContext {
            seed: 2,
            step: 0,
            month: 0,
            scale: 1.0,
            params: &p,
            markets: &m,
            levers: &levers,
        };
        let mut out = Vec::new();
        spin_offs(&[small, parent], &ctx, &mut out);
        assert!(!out.is_empty());
        for e in &out {
            assert_eq!(e.detail, "spin-off of Combine");
            assert_eq!(e.firm.productivity, 40.0 * p.spinoff_productivity_premium);
            assert!(relatedness(Sector::Chemicals, e.firm.sector) >= p.spinoff_relatedness_min);
        }
    }
}
