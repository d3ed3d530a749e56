//! Restructuring a city-forming giant into autonomous units, and one-off closures.
//!
//! A restructuring shock (seed 000; the Biysk chemical combine in seed 004) splits a
//! giant into N units of given sectors and shares: the parent closes and each of its
//! workers moves to a unit drawn by the units' shares. Units keep their share of the
//! parent's markets at the parent's demand level and start with the parent's
//! productivity and wage. A closure shock cuts a firm's capacity, or closes it.

use super::entry::{NewFirm, make_firm};
use super::{Firm, FirmKind, Sector};
use crate::ids::FirmId;
use crate::model::observe::EventKind;
use crate::rng::{Process, Stream};
use crate::scenario::Firms;

/// One unit of a split giant: name, sector and share of the parent's workers and markets.
pub type Unit = (String, Sector, f64);

/// What a split reads besides the firms and workers.
pub struct SplitContext<'a> {
    /// Master seed.
    pub seed: u64,
    /// Month since start.
    pub step: u32,
    /// Absolute month.
    pub month: i32,
    /// Firm parameters.
    pub params: &'a Firms,
}

/// The people side of a split: each person's employer and lifetime serial (which keys
/// the person's draw of a unit).
pub struct Workforce<'a> {
    /// Employer by person.
    pub employer: &'a mut [Option<FirmId>],
    /// Lifetime serial by person.
    pub serial: &'a [u32],
}

/// Split firm `parent` into `units` appended to `firms`: the parent closes, its workers
/// move to the units by share, and all headcounts are recounted from the workers.
pub fn split_into_units(
    firms: &mut Vec<Firm>,
    parent: usize,
    units: &[Unit],
    workers: Workforce<'_>,
    ctx: &SplitContext<'_>,
) {
    let p = firms[parent].clone();
    let first_unit = firms.len();
    for (name, sector, share) in units {
        firms.push(unit_of(&p, name, *sector, *share, ctx));
    }
    firms[parent].alive = false;
    reassign_workers(
        FirmId::from_index(parent),
        first_unit,
        units,
        workers.employer,
        workers.serial,
        ctx,
    );
    for firm in &mut firms[first_unit..] {
        firm.workforce = 0;
    }
    for e in workers.employer.iter().flatten() {
        if e.index() >= first_unit {
            firms[e.index()].workforce += 1;
        }
    }
    firms[parent].workforce = 0;
}

/// A unit with `share` of the parent's workforce and markets.
fn unit_of(parent: &Firm, name: &str, sector: Sector, share: f64, ctx: &SplitContext<'_>) -> Firm {
    let size = parent.workforce as f64 * share;
    let mut unit = make_firm(
        NewFirm {
            town: parent.town,
            sector,
            kind: FirmKind::Spinoff,
            size,
            productivity: parent.productivity,
            base_wage: parent.base_wage,
            demand_index: 1.0,
            cash_months: ctx.params.unit_cash_months,
            weight: 1.0,
            month: ctx.month,
            name: name.to_string(),
        },
        ctx.params,
    );
    // Units keep their share of the parent's markets at the parent's demand level.
    unit.base_demand = parent.base_demand * share * parent.demand_shock.exp() * parent.capacity;
    let (e, g, l) = sector.default_markets();
    unit.export_share = e;
    unit.state_order_share = g;
    unit.local_share = l;
    unit.vacancies = 0;
    unit
}

/// Move each worker of `parent` to the unit its uniform draw falls in (by cumulative
/// share); shares summing to less than 1 leave the rest unemployed.
fn reassign_workers(
    parent: FirmId,
    first_unit: usize,
    units: &[Unit],
    employer: &mut [Option<FirmId>],
    serial: &[u32],
    ctx: &SplitContext<'_>,
) {
    let cum: Vec<f64> = units
        .iter()
        .scan(0.0, |c, u| {
            *c += u.2;
            Some(*c)
        })
        .collect();
    for (employer, &serial) in employer.iter_mut().zip(serial) {
        if *employer == Some(parent) {
            let mut rng = Stream::new(ctx.seed, Process::Restructure, serial as u64, ctx.step);
            let u = rng.uniform();
            *employer = cum
                .iter()
                .position(|&c| u < c)
                .map(|k| FirmId::from_index(first_unit + k));
        }
    }
}

/// Event detail of a split: each unit with its sector and share.
pub fn split_detail(units: &[Unit]) -> String {
    units
        .iter()
        .map(|u| format!("{} ({}, {:.0}%)", u.0, u.1.name(), u.2 * 100.0))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Cut a firm's capacity by `share`; a share of 1 or more closes it (a downsized firm
/// loses its social role). Returns the event kind and detail.
pub fn close_or_downsize(firm: &mut Firm, share: f64) -> (EventKind, String) {
    if share >= 1.0 {
        firm.alive = false;
        (EventKind::FirmExit, "plant closure".into())
    } else {
        firm.capacity *= 1.0 - share;
        firm.social_role = false;
        (
            EventKind::FirmDownsizing,
            format!("capacity cut by {:.0}%", share * 100.0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn giant(workforce: u32) -> Firm {
        let mut f = crate::firms::test_firm(
            "Combine",
            Sector::Chemicals,
            FirmKind::Giant,
            workforce as f64,
            &Firms::default(),
        );
        f.workforce = workforce;
        f
    }

    #[test]
    fn a_split_conserves_the_parents_workers_across_units() {
        let p = Firms::default();
        let ctx = SplitContext {
            seed: 4,
            step: 7,
            month: 7,
            params: &p,
        };
        let mut firms = vec![giant(0), giant(1000)];
        let mut employer: Vec<Option<FirmId>> = (0..1200)
            .map(|i| Some(FirmId::from_index(usize::from(i < 1000))))
            .collect();
        firms[0].workforce = 200;
        let serial: Vec<u32> = (0..1200).collect();
        let units: Vec<Unit> = vec![
            ("A".into(), Sector::CompositesMaterials, 0.6),
            ("B".into(), Sector::Chemicals, 0.4),
        ];
        let workers = Workforce {
            employer: &mut employer,
            serial: &serial,
        };
        split_into_units(&mut firms, 1, &units, workers, &ctx);
        assert_eq!(firms.len(), 4);
        assert!(!firms[1].alive && firms[1].workforce == 0);
        assert_eq!(firms[2].workforce + firms[3].workforce, 1000);
        assert!(firms[2].workforce > firms[3].workforce);
        assert_eq!(firms[0].workforce, 200, "other firms keep their workers");
        for unit in &firms[2..] {
            assert_eq!(unit.kind, FirmKind::Spinoff);
            let bill = unit.target * unit.base_wage * (1.0 + p.payroll_tax);
            assert!((unit.cash - p.unit_cash_months * bill).abs() < 1e-6);
        }
        assert!(employer.iter().all(|e| *e != Some(FirmId::from_index(1))));
        assert_eq!(
            split_detail(&units),
            "A (composites_materials, 60%); B (chemicals, 40%)"
        );
    }

    #[test]
    fn a_full_closure_ends_the_firm_and_a_partial_one_cuts_capacity() {
        let mut f = giant(100);
        f.social_role = true;
        let (kind, _) = close_or_downsize(&mut f, 0.25);
        assert_eq!(kind, EventKind::FirmDownsizing);
        assert!(f.alive && f.capacity == 0.75 && !f.social_role);
        let (kind, detail) = close_or_downsize(&mut f, 1.0);
        assert_eq!(
            (kind, detail.as_str()),
            (EventKind::FirmExit, "plant closure")
        );
        assert!(!f.alive);
    }
}
