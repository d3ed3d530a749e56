//! Households in the person pass: whole households move, children never move alone,
//! young adults leaving home form households of their own, heads are re-elected.

use std::collections::HashMap;

use super::Model;
use crate::people::households::{HouseholdMonth, STAY};
use crate::people::month::{PassInputs, after_pass};
use crate::people::pass::{self, CHUNK, PassResult};
use crate::scenario::Scenario;

const TINY: &str = include_str!("../../tests/data/tiny.toml");

fn model(extra: &str) -> Model {
    let text = format!("{TINY}\n{extra}");
    let s = Scenario::from_toml(&text, std::path::Path::new("tiny.toml")).unwrap();
    Model::new(s, 5)
}

/// One month's person pass with the households' decisions (after `force` may change
/// them), then the newborns and the leavers placed, as in `Model::step`. Returns the
/// result and the serials of the young adults who left home.
fn pass_with(m: &mut Model, force: impl FnOnce(&mut HouseholdMonth)) -> (PassResult, Vec<u32>) {
    let ctx = m.policies_and_shocks();
    let (labour, migration) = m.labour_and_migration_tables(&ctx);
    let p = m.scenario.params();
    let clock = (m.month, m.step_index(), m.seed);
    let inputs = PassInputs::new(p, clock, &ctx.national, &ctx.levers, &m.firms);
    let pctx = inputs.context(p, &labour, &migration, &ctx.reach);
    let hazards = pass::hazard_table(&pctx);
    let mut hm = HouseholdMonth::gather(&m.people, &pctx);
    hm.decide(&m.people, &pctx, &hazards);
    force(&mut hm);
    let mut result = pass::run(m.people.chunks_mut(CHUNK), &pctx, &hm, &hazards);
    let leavers = result
        .leavers
        .iter()
        .map(|&i| m.people.serial[i as usize])
        .collect();
    after_pass(
        &mut m.people,
        &mut m.next_serial,
        m.month,
        &mut m.firms,
        &mut result,
    );
    (result, leavers)
}

/// Serial -> (household, town index or None) of every slot.
fn snapshot(m: &Model) -> HashMap<u32, (u32, Option<usize>)> {
    let p = &m.people;
    (0..p.len())
        .map(|i| (p.serial[i], (p.household[i], p.town[i].map(|t| t.index()))))
        .collect()
}

fn gather(m: &mut Model) -> HouseholdMonth {
    let ctx = m.policies_and_shocks();
    let (labour, migration) = m.labour_and_migration_tables(&ctx);
    let p = m.scenario.params();
    let clock = (m.month, m.step_index(), m.seed);
    let inputs = PassInputs::new(p, clock, &ctx.national, &ctx.levers, &m.firms);
    let pctx = inputs.context(p, &labour, &migration, &ctx.reach);
    HouseholdMonth::gather(&m.people, &pctx)
}

#[test]
fn initial_households_have_census_like_sizes_and_every_child_an_adult() {
    let m = model("");
    let p = &m.people;
    let n_h = p.households.len();
    let mut members = vec![0usize; n_h];
    let mut adults = vec![0usize; n_h];
    for i in 0..p.len() {
        let h = p.household[i] as usize;
        members[h] += 1;
        if m.month - p.birth_month[i] >= 18 * 12 {
            adults[h] += 1;
        }
    }
    assert!(members.iter().all(|&k| k > 0), "empty household");
    let mean = p.len() as f64 / n_h as f64;
    assert!((2.0..3.2).contains(&mean), "mean household size {mean}");
    for i in 0..p.len() {
        if m.month - p.birth_month[i] < 18 * 12 {
            assert!(
                adults[p.household[i] as usize] > 0,
                "child {i} without an adult"
            );
        }
    }
    // Some households are couples, some have children, some are single.
    assert!(adults.iter().any(|&a| a >= 2));
    assert!(members.iter().zip(&adults).any(|(&k, &a)| k > a));
    assert!(members.contains(&1));
}

#[test]
fn a_moving_household_takes_all_members() {
    let mut m = model("");
    let hm0 = gather(&mut m);
    // The first household with two adults and a child, sent to the other agent town.
    let h = (0..hm0.len())
        .find(|&h| hm0.adults(h) >= 2 && hm0.members(h) > hm0.adults(h))
        .expect("a family");
    let head = hm0.head(h) as usize;
    let from = m.people.town[head].unwrap().index();
    let to = 1 - from;
    let before = snapshot(&m);
    let mut m2 = model("");
    pass_with(&mut m2, |hm| {
        hm.dest.iter_mut().for_each(|d| *d = STAY);
        hm.dest[h] = to as u16;
        hm.pay[h] = 0.0;
    });
    let after = snapshot(&m2);
    let movers: Vec<u32> = before
        .iter()
        .filter(|(_, (hh, _))| *hh as usize == h)
        .map(|(&s, _)| s)
        .collect();
    assert_eq!(movers.len(), hm0.members(h) as usize);
    for s in movers {
        // Alive members are at the destination (the dead have no town).
        if let Some(&(_, town)) = after.get(&s) {
            assert!(town.is_none() || town == Some(to), "member {s} in {town:?}");
        }
    }
}

#[test]
fn regression_children_migrated_alone() {
    // Every head and every young adult considers a move every month; households are
    // forced to stay: children used to move on their own hazard, now never alone. (No
    // births, so no baby leaves with a young mother.)
    let mut m = model("[demography]\ntfr = 0.0\n[migration]\nbase_hazard = 1.0\n");
    for _ in 0..3 {
        let (r, _) = pass_with(&mut m, |hm| hm.dest.iter_mut().for_each(|d| *d = STAY));
        for t in &r.towns {
            assert_eq!(t.out_band[0], 0, "a child moved alone");
        }
        // Young adults leaving home do move.
        assert!(r.towns.iter().map(|t| t.out_band[1]).sum::<u64>() > 0);
        m.month += 1;
    }
}

#[test]
fn a_young_adult_leaving_home_forms_a_household() {
    let mut m = model("[migration]\nbase_hazard = 1.0\n");
    let (_, leavers) = pass_with(&mut m, |hm| hm.dest.iter_mut().for_each(|d| *d = STAY));
    assert!(!leavers.is_empty());
    let p = &m.people;
    let slot: HashMap<u32, usize> = (0..p.len()).map(|i| (p.serial[i], i)).collect();
    let mut members = vec![0usize; p.households.len()];
    for i in 0..p.len() {
        if p.town[i].is_some() {
            members[p.household[i] as usize] += 1;
        }
    }
    for s in &leavers {
        let i = slot[s];
        let age = (m.month - p.birth_month[i]) / 12;
        assert!((18..=29).contains(&age), "leaver aged {age}");
        // Alone, unless a baby born this month followed her.
        assert!(members[p.household[i] as usize] <= 2);
    }
}

#[test]
fn the_oldest_adult_is_head_and_is_replaced_when_gone() {
    let mut m = model("");
    let hm = gather(&mut m);
    let h = (0..hm.len())
        .find(|&h| hm.adults(h) >= 2)
        .expect("two adults");
    let head = hm.head(h) as usize;
    let p = &m.people;
    let oldest = (0..p.len())
        .filter(|&i| p.household[i] as usize == h && m.month - p.birth_month[i] >= 18 * 12)
        .min_by_key(|&i| (p.birth_month[i], i))
        .unwrap();
    assert_eq!(head, oldest);
    m.people.town[head] = None;
    let hm2 = gather(&mut m);
    let next = hm2.head(h) as usize;
    assert_ne!(next, head);
    assert_eq!(m.people.household[next] as usize, h);
    assert_eq!(hm2.adults(h), hm.adults(h) - 1);
}

#[test]
fn household_decisions_are_the_same_with_1_and_2_threads() {
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut m = model("[migration]\nbase_hazard = 0.05\n");
            let mut dests = Vec::new();
            pass_with(&mut m, |hm| dests = hm.dest.clone());
            (dests, snapshot(&m).len())
        })
    };
    let (a, b) = (run(1), run(2));
    assert!(a.0.iter().any(|&d| d != STAY));
    assert_eq!(a, b);
}
