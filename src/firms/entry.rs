//! New firms: start-ups, spin-offs, relocations from the capital, and the split of a
//! giant into autonomous units.
//!
//! Start-ups arrive as a Poisson process proportional to the town's population, raised
//! by incubators and special zones. Spin-offs follow Klepper (2007): large firms spawn
//! new firms in related sectors at a rate proportional to their size, inheriting the
//! parent's know-how (productivity). Restructuring splits a giant into N units (seed 000,
//! Biysk chemical combine in seed 004); the parent closes and its workers are reassigned.

use rand_distr::{Distribution, Poisson};

use super::{Firm, FirmKind, Owner, Sector, relatedness};
use crate::ids::TownId;
use crate::rng::{Process, Stream};
use crate::scenario::Firms;

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
    let demand = t.size * t.productivity / t.demand_index.max(0.05);
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
        last_month: Default::default(),
    }
}

/// Pick a spin-off sector related to the parent's (Klepper: spin-offs enter the parent's
/// or a related industry). Local services and the public sector are not spin-off targets.
pub fn spinoff_sector(parent: Sector, rng: &mut Stream) -> Sector {
    let candidates: Vec<(Sector, f64)> = Sector::ALL
        .iter()
        .filter(|s| !matches!(s, Sector::LocalServices | Sector::PublicSector))
        .map(|&s| (s, relatedness(parent, s)))
        .filter(|(_, r)| *r >= 0.4)
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

/// Stream for entry decisions of a town in a month.
pub fn entry_stream(seed: u64, town: usize, step: u32, what: u64) -> Stream {
    Stream::new(seed, Process::FirmEntry, (town as u64) << 8 | what, step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spinoffs_go_to_related_sectors() {
        for seed in 0..200 {
            let mut rng = Stream::new(seed, Process::FirmEntry, 0, 0);
            let s = spinoff_sector(Sector::Chemicals, &mut rng);
            assert!(relatedness(Sector::Chemicals, s) >= 0.4, "{s:?}");
            assert!(!matches!(s, Sector::LocalServices | Sector::PublicSector));
        }
    }

    #[test]
    fn poisson_mean_is_right_and_zero_mean_gives_zero() {
        let mut rng = Stream::new(1, Process::FirmEntry, 0, 0);
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
}
