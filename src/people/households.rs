//! Households: people live in households, and the decision to migrate is the household's
//! (Mincer 1978, "Family migration decisions"). Children and partners move with it; a
//! young adult who is not the head may leave on their own (leaving the parental home,
//! Billari & Liefbroer 2010), forming a new one-person household.
//!
//! A household is an index into [`Households`]; each person stores theirs (4 bytes).
//! Each month, before the person pass, [`HouseholdMonth::gather`] sums the members'
//! state by household and picks the head (the oldest adult, so a new head is chosen as
//! soon as the old one dies or leaves), and [`HouseholdMonth::decide`] lets every head
//! consider a move with the hazard of their age, raised when any adult of the household
//! is unemployed or poorly paid; the destination is drawn for the head's skill, and the
//! household moves only if its adults' savings cover the moving cost of every adult.
//! The person pass then moves every member with their household.

use std::ops::Range;

use rayon::prelude::*;

use super::pass::{PassContext, hazard_index};
use super::{People, Skill, flag};
use crate::migration::pick_destination;
use crate::rng::{Process, Stream};
use crate::scenario::Params;

/// Destination code of a household that stays.
pub const STAY: u16 = u16::MAX;
/// Head code of a household without adults.
pub const NO_HEAD: u32 = u32::MAX;

/// The household table (struct of arrays, one entry per household).
#[derive(Debug, Default, Clone)]
pub struct Households {
    /// Lifetime serial number (keys the household's random streams).
    pub serial: Vec<u32>,
    /// Next serial.
    next_serial: u32,
}

impl Households {
    /// Number of households (including any left without members since the last compaction).
    pub fn len(&self) -> usize {
        self.serial.len()
    }

    /// No households.
    pub fn is_empty(&self) -> bool {
        self.serial.is_empty()
    }

    /// A new empty household; returns its index.
    pub fn add(&mut self) -> u32 {
        let id = self.serial.len() as u32;
        self.serial.push(self.next_serial);
        self.next_serial += 1;
        id
    }

    /// Drop the households nobody in `household` (the people's household column, already
    /// compacted) belongs to, renumbering the others in the order of their first member's
    /// slot, so the monthly scatter over people touches the household table nearly in
    /// order. Numbering does not affect results: draws are keyed by the serial.
    pub fn compact(&mut self, household: &mut [u32]) {
        const UNSEEN: u32 = u32::MAX;
        let mut new_id = vec![UNSEEN; self.serial.len()];
        let mut serial = Vec::with_capacity(self.serial.len());
        for h in household.iter_mut() {
            let id = &mut new_id[*h as usize];
            if *id == UNSEEN {
                *id = serial.len() as u32;
                serial.push(self.serial[*h as usize]);
            }
            *h = *id;
        }
        self.serial = serial;
    }
}

/// One household's members' state this month.
#[derive(Debug, Clone, Copy)]
struct Acc {
    /// Slot of the head, or [`NO_HEAD`].
    head: u32,
    head_birth: i32,
    /// The adults' savings.
    savings: f32,
    members: u16,
    adults: u16,
    unemployed: bool,
    low_paid: bool,
}

impl Acc {
    const EMPTY: Acc = Acc {
        head: NO_HEAD,
        head_birth: i32::MAX,
        savings: 0.0,
        members: 0,
        adults: 0,
        unemployed: false,
        low_paid: false,
    };
}

/// This month's state of every household, summed over its members, and its decision.
#[derive(Debug, Clone)]
pub struct HouseholdMonth {
    acc: Vec<Acc>,
    /// Destination of the household's move this month, or [`STAY`].
    pub dest: Vec<u16>,
    /// Share of their savings each adult pays towards the move.
    pub pay: Vec<f32>,
}

impl HouseholdMonth {
    /// Slot of the head of household `h` (the oldest adult; the lowest slot among
    /// equals), or [`NO_HEAD`].
    #[inline(always)]
    pub fn head(&self, h: usize) -> u32 {
        self.acc[h].head
    }

    /// Living members of household `h` (saturating).
    #[inline(always)]
    pub fn members(&self, h: usize) -> u16 {
        self.acc[h].members
    }

    /// Adult members of household `h` (saturating).
    pub fn adults(&self, h: usize) -> u16 {
        self.acc[h].adults
    }

    /// Number of households.
    pub fn len(&self) -> usize {
        self.acc.len()
    }

    /// No households.
    pub fn is_empty(&self) -> bool {
        self.acc.is_empty()
    }

    /// Sum the members' state by household: members, adults, the adults' savings,
    /// whether any adult of working age is unemployed or any is poorly paid, the head.
    pub fn gather(people: &People, ctx: &PassContext<'_>) -> HouseholdMonth {
        let n = people.households.len();
        let mut acc = vec![Acc::EMPTY; n];
        let adult_months = ctx.adult_age as i32 * 12;
        let p = people;
        // Zipped columns: no bounds checks on the people's side.
        let slots = (p.town.iter().zip(&p.household).zip(&p.birth_month)).zip(
            p.savings
                .iter()
                .zip(&p.employer)
                .zip(p.wage.iter().zip(&p.flags)),
        );
        for (i, (((town, &h), &birth), ((&savings, employer), (&wage, &flags)))) in
            slots.enumerate()
        {
            let Some(town) = town else {
                continue;
            };
            let a = &mut acc[h as usize];
            a.members = a.members.saturating_add(1);
            // Branch-free: whether a member is an adult or employed is unpredictable, so
            // children add nothing by selects instead of a skipped branch (adding +0.0
            // leaves the sum's bits unchanged: it starts at +0.0 and never becomes -0.0).
            let age = ctx.month - birth;
            let adult = age >= adult_months;
            a.adults = a.adults.saturating_add(u16::from(adult));
            a.savings += if adult { savings } else { 0.0 };
            let older = adult & (birth < a.head_birth);
            a.head_birth = if older { birth } else { a.head_birth };
            a.head = if older { i as u32 } else { a.head };
            let employed = employer.is_some();
            let low_wage = ctx.migration.low_wage[town.index()];
            a.low_paid |= adult & employed & (wage < low_wage);
            let female = (flags & flag::FEMALE) as usize;
            let working_age =
                (age >= ctx.entry_age_months) & (age < ctx.pension_age_months[female]);
            a.unemployed |= adult & !employed & working_age;
        }
        HouseholdMonth {
            acc,
            dest: vec![STAY; n],
            pay: vec![0.0; n],
        }
    }

    /// Each head considers a move (stream keyed by the household's serial): the hazard of
    /// the head's age, raised if any adult is unemployed or poorly paid; a destination
    /// for the head's skill; the move happens if the adults' savings cover the cost of
    /// every adult. Deterministic whatever the thread count.
    pub fn decide(&mut self, people: &People, ctx: &PassContext<'_>, hazards: &[f32]) {
        let base = crate::rng::base_key(ctx.seed, Process::HouseholdMove, ctx.step);
        let n_dest = ctx.migration.n_dest;
        let serial = &people.households.serial;
        let acc = &self.acc;
        self.dest
            .par_iter_mut()
            .zip(self.pay.par_iter_mut())
            .enumerate()
            .with_min_len(4096)
            .for_each(|(h, (dest, pay))| {
                let a = acc[h];
                let hd = a.head;
                if hd == NO_HEAD {
                    return;
                }
                let i = hd as usize;
                let Some(town) = people.town[i] else {
                    return;
                };
                let town = town.index();
                let age = ((ctx.month - people.birth_month[i]) / 12) as u32;
                let hz = hazards[hazard_index(town, age, a.unemployed, a.low_paid)];
                let mut rng = Stream::for_entity(base, serial[h] as u64);
                let (u_move, u_dest) = rng.two_uniforms_f32();
                if u_move >= hz {
                    return;
                }
                let skill = Skill::from_code(people.flags[i] >> flag::SKILL_SHIFT) as usize;
                let row = &ctx.migration.cdf
                    [(town * 3 + skill) * n_dest..(town * 3 + skill + 1) * n_dest];
                let d = pick_destination(row, u_dest);
                if d == town {
                    return;
                }
                // Liquidity constraint: the adults pay the cost of every adult together.
                let cost = ctx.migration.moving_cost[town * n_dest + d] * a.adults as f32;
                if a.savings < cost {
                    return;
                }
                *dest = d as u16;
                *pay = if a.savings > 0.0 {
                    (cost / a.savings).min(1.0)
                } else {
                    0.0
                };
            });
    }
}

/// How the initial households are formed (ages in months).
#[derive(Debug, Clone, Copy)]
pub struct HouseholdRules {
    adult: i32,
    couple_share: f64,
    couple_min: i32,
    gap: i32,
    tolerance: i32,
    mother_min: i32,
    mother_max: i32,
    at_home_share: f64,
    at_home_until: i32,
}

impl HouseholdRules {
    /// The rules of the scenario.
    pub fn new(params: &Params) -> HouseholdRules {
        let m = params.migration();
        let months = |years: f64| (years * 12.0) as i32;
        HouseholdRules {
            adult: months(params.demography().adult_age),
            couple_share: m.household_couple_share,
            couple_min: months(m.household_couple_min_age),
            gap: months(m.household_partner_age_gap),
            tolerance: months(m.household_partner_age_tolerance),
            mother_min: months(m.household_mother_min_age),
            mother_max: months(m.household_mother_max_age),
            at_home_share: m.household_adult_child_at_home_share,
            at_home_until: months(m.leave_home_max_age.floor() + 1.0),
        }
    }
}

/// Form the households of the people in `range` (one town's residents, just drawn):
/// couples of a woman and a man of similar age (the man `gap` older), unpartnered
/// adults alone or, when young, with their mother, children with a woman of plausible
/// mother age (any adult if there is none).
pub fn form_initial(
    people: &mut People,
    range: Range<usize>,
    month: i32,
    r: &HouseholdRules,
    rng: &mut Stream,
) {
    let age = |p: &People, i: usize| month - p.birth_month[i];
    let mut women: Vec<usize> = Vec::new();
    let mut men: Vec<usize> = Vec::new();
    let mut minors: Vec<usize> = Vec::new();
    for i in range.clone() {
        if age(people, i) < r.adult {
            minors.push(i);
        } else if people.flags[i] & flag::FEMALE != 0 {
            women.push(i);
        } else {
            men.push(i);
        }
    }
    women.sort_by_key(|&i| (age(people, i), i));
    men.sort_by_key(|&i| (age(people, i), i));
    const NONE: u32 = u32::MAX;
    for i in range.clone() {
        people.household[i] = NONE;
    }
    // Couples: women in age order, each paired with the next free man of about her age
    // plus the gap; men passed over stay single.
    let mut j = 0;
    for &w in &women {
        let aw = age(people, w);
        if aw < r.couple_min || rng.uniform() >= r.couple_share {
            continue;
        }
        let target = aw + r.gap;
        while j < men.len() && age(people, men[j]) < target - r.tolerance {
            j += 1;
        }
        if j < men.len() && age(people, men[j]) <= target + r.tolerance {
            let h = people.households.add();
            people.household[w] = h;
            people.household[men[j]] = h;
            j += 1;
        }
    }
    // Unpartnered adults: young ones stay with their mother by the at-home share, the
    // others live alone.
    let mut with_parents: Vec<usize> = Vec::new();
    for &i in women.iter().chain(&men) {
        if people.household[i] != NONE {
            continue;
        }
        if age(people, i) < r.at_home_until && rng.uniform() < r.at_home_share {
            with_parents.push(i);
        } else {
            people.household[i] = people.households.add();
        }
    }
    // Young adults at home first (their mothers are older than the at-home ages, so
    // already placed), then children (whose mothers may live with their own parents).
    let ages: Vec<i32> = women.iter().map(|&w| age(people, w)).collect();
    for &x in with_parents.iter().chain(&minors) {
        let ax = age(people, x);
        let lo = ages.partition_point(|&a| a < ax + r.mother_min);
        let hi = ages.partition_point(|&a| a <= ax + r.mother_max);
        let mother = if lo < hi {
            Some(women[lo + rng.below((hi - lo) as u64) as usize])
        } else {
            None
        };
        people.household[x] = match mother.map(|m| people.household[m]) {
            Some(h) if h != NONE => h,
            _ if ax >= r.adult => people.households.add(),
            _ => {
                // No woman of mother age: any adult with a household, else alone.
                let adults = women.len() + men.len();
                let k = if adults > 0 {
                    rng.below(adults as u64) as usize
                } else {
                    0
                };
                let a = women.iter().chain(&men).nth(k).copied();
                match a.map(|a| people.household[a]) {
                    Some(h) if h != NONE => h,
                    _ => people.households.add(),
                }
            }
        };
    }
}
