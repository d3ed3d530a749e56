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
use crate::ids::{FirmId, TownId};
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
    /// Households numbered at the last compaction (in the order of their first
    /// member's slot); those added since have higher numbers.
    ordered: u32,
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
        self.ordered = self.serial.len() as u32;
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
    ///
    /// The same sums as one sequential sweep over people in slot order, computed in
    /// parallel: people are cut into chunks, and each chunk owns a range of household
    /// ids (household ids follow the slot of the first member after compaction, so
    /// most members fall in their chunk's range). Members outside their chunk's range
    /// are merged afterwards by the owner chunk in slot order; everything but the
    /// savings is order-free, and the savings (an `f32` sum in slot order) are summed
    /// again in slot order for the rare household where merging would change the order.
    pub fn gather(people: &People, ctx: &PassContext<'_>) -> HouseholdMonth {
        let n = people.households.len();
        let acc = sum_members(people, &MemberRules::new(ctx), GATHER_CHUNK);
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

/// People per chunk of the parallel gather (the result does not depend on it).
const GATHER_CHUNK: usize = 32 * 1024;

/// What makes a member an adult, unemployed or poorly paid this month, as bounds on
/// the birth month (`age >= a` is `birth <= month - a`).
struct MemberRules<'a> {
    /// Latest birth month of an adult.
    adult_born_by: i32,
    /// Latest birth month of someone of labour-force entry age.
    entry_born_by: i32,
    /// Birth month up to which a man or a woman is of pension age.
    pension_born_by: [i32; 2],
    low_wage: &'a [f32],
}

impl MemberRules<'_> {
    fn new<'a>(ctx: &PassContext<'a>) -> MemberRules<'a> {
        let m = ctx.month;
        let [men, women] = ctx.pension_age_months;
        MemberRules {
            adult_born_by: m - ctx.adult_age as i32 * 12,
            entry_born_by: m - ctx.entry_age_months,
            pension_born_by: [m - men, m - women],
            low_wage: &ctx.migration.low_wage,
        }
    }

    /// Slot `i`'s contribution to its household, if they live in a modelled town.
    #[inline(always)]
    fn member(&self, people: &People, i: usize) -> Option<Member> {
        let p = people;
        let person = Person {
            town: p.town[i],
            household: p.household[i],
            birth: p.birth_month[i],
            savings: p.savings[i],
            employer: p.employer[i],
            wage: p.wage[i],
            flags: p.flags[i],
        };
        self.contribution(person, i)
    }

    /// A person's contribution to their household, if they live in a modelled town.
    #[inline(always)]
    fn contribution(&self, p: Person, slot: usize) -> Option<Member> {
        let town = p.town?;
        let adult = p.birth <= self.adult_born_by;
        // Informal workers have a job (LFS): poorly paid when below the threshold.
        let employed = p.employer.is_some() | (p.flags & flag::INFORMAL != 0);
        let low_paid = adult & employed & (p.wage < self.low_wage[town.index()]);
        let female = (p.flags & flag::FEMALE) as usize;
        let working_age =
            (p.birth <= self.entry_born_by) & (p.birth > self.pension_born_by[female]);
        let unemployed = adult & !employed & working_age;
        Some(Member {
            h: p.household,
            slot: slot as u32,
            birth: p.birth,
            savings: p.savings,
            bits: u8::from(adult) | (u8::from(low_paid) << 1) | (u8::from(unemployed) << 2),
        })
    }
}

/// The columns of one person that the gather reads.
#[derive(Clone, Copy)]
struct Person {
    town: Option<TownId>,
    household: u32,
    birth: i32,
    savings: f32,
    employer: Option<FirmId>,
    wage: f32,
    flags: u8,
}

/// One member's contribution to their household's sums.
#[derive(Debug, Clone, Copy)]
struct Member {
    h: u32,
    slot: u32,
    birth: i32,
    savings: f32,
    /// Bit 0 adult, bit 1 poorly paid, bit 2 unemployed.
    bits: u8,
}

impl Member {
    const ADULT: u8 = 1;
    const LOW_PAID: u8 = 2;
    const UNEMPLOYED: u8 = 4;
}

impl Acc {
    /// Add a person (if they live in a modelled town) of a later slot than all
    /// members added so far. Children add nothing to the savings (as adding +0.0 would
    /// not change the sum, which starts at +0.0).
    #[inline(always)]
    fn add_in_order(&mut self, rules: &MemberRules<'_>, p: Person, slot: usize) {
        let Some(town) = p.town else {
            return;
        };
        self.members = self.members.saturating_add(1);
        if p.birth > rules.adult_born_by {
            return;
        }
        self.adults = self.adults.saturating_add(1);
        self.savings += p.savings;
        if p.birth < self.head_birth {
            self.head_birth = p.birth;
            self.head = slot as u32;
        }
        if p.employer.is_some() || p.flags & flag::INFORMAL != 0 {
            self.low_paid |= p.wage < rules.low_wage[town.index()];
        } else {
            let female = (p.flags & flag::FEMALE) as usize;
            self.unemployed |=
                (p.birth <= rules.entry_born_by) & (p.birth > rules.pension_born_by[female]);
        }
    }

    /// Add a member of any slot (the head is the oldest adult, the lowest slot among
    /// equals). The savings are added at the end of the sum.
    fn add_any(&mut self, m: &Member) {
        let adult = m.bits & Member::ADULT != 0;
        self.members = self.members.saturating_add(1);
        if !adult {
            return;
        }
        self.adults = self.adults.saturating_add(1);
        self.savings += m.savings;
        if m.birth < self.head_birth || (m.birth == self.head_birth && m.slot < self.head) {
            self.head_birth = m.birth;
            self.head = m.slot;
        }
        self.low_paid |= m.bits & Member::LOW_PAID != 0;
        self.unemployed |= m.bits & Member::UNEMPLOYED != 0;
    }
}

/// The households' sums, by chunks of `chunk` people (see [`HouseholdMonth::gather`]).
fn sum_members(people: &People, rules: &MemberRules<'_>, chunk: usize) -> Vec<Acc> {
    let n = people.households.len();
    let mut acc = vec![Acc::EMPTY; n];
    let k = people.len().div_ceil(chunk).max(1);
    let bounds = if k > 1 {
        owner_bounds(&people.household, people.households.ordered, n, chunk)
    } else {
        vec![0, n]
    };
    // Phase 1: each chunk sums its members that fall in its own range.
    let outliers: Vec<Vec<Vec<Member>>> = split_by(&mut acc, &bounds)
        .into_par_iter()
        .enumerate()
        .map(|(c, part)| gather_chunk(people, rules, (c, chunk), part, &bounds))
        .collect();
    // Phase 2: each owner merges the other chunks' members of its households, in slot
    // order (chunk by chunk).
    let resum: Vec<u32> = split_by(&mut acc, &bounds)
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(c, part)| merge_outliers(c, part, bounds[c], &outliers))
        .collect();
    if !resum.is_empty() {
        resum_savings(people, rules, &mut acc, &resum);
    }
    acc
}

/// First household id owned by each chunk of `chunk` people (and `n` at the end):
/// one past the highest household numbered at the last compaction that occurs before
/// the chunk. So every member of such a household is in its owner chunk or a later
/// one, whatever happened since; households added since (young adults who left home,
/// arrivals) belong to the last chunk.
fn owner_bounds(household: &[u32], ordered: u32, n: usize, chunk: usize) -> Vec<usize> {
    let k = household.len().div_ceil(chunk);
    let highest: Vec<usize> = household
        .par_chunks(chunk)
        .map(|c| {
            c.iter()
                .map(|&h| if h < ordered { h as usize + 1 } else { 0 })
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut bounds = Vec::with_capacity(k + 1);
    bounds.push(0);
    for c in 1..k {
        let b = bounds[c - 1].max(highest[c - 1]).min(n);
        bounds.push(b);
    }
    bounds.push(n);
    bounds
}

/// The accumulators cut into the chunks' owned ranges.
fn split_by<'a>(mut acc: &'a mut [Acc], bounds: &[usize]) -> Vec<&'a mut [Acc]> {
    let mut parts = Vec::with_capacity(bounds.len() - 1);
    for w in bounds.windows(2) {
        let (part, rest) = std::mem::take(&mut acc).split_at_mut(w[1] - w[0]);
        parts.push(part);
        acc = rest;
    }
    parts
}

/// Phase 1 for chunk `c` of people: sums the members whose household the chunk owns
/// into `part`, returns the others by owner chunk (in slot order).
fn gather_chunk(
    people: &People,
    rules: &MemberRules<'_>,
    (c, chunk): (usize, usize),
    part: &mut [Acc],
    bounds: &[usize],
) -> Vec<Vec<Member>> {
    let mut out = vec![Vec::new(); bounds.len() - 1];
    let lo = bounds[c];
    let slots = c * chunk..((c + 1) * chunk).min(people.len());
    let p = people;
    let r = slots.clone();
    // Zipped columns: no bounds checks on the people's side.
    let columns = (p.town[r.clone()].iter().zip(&p.household[r.clone()]))
        .zip(p.birth_month[r.clone()].iter().zip(&p.savings[r.clone()]))
        .zip(p.employer[r.clone()].iter().zip(&p.wage[r.clone()]))
        .zip(&p.flags[r]);
    for (i, ((((&town, &household), (&birth, &savings)), (&employer, &wage)), &flags)) in
        slots.zip(columns)
    {
        let person = Person {
            town,
            household,
            birth,
            savings,
            employer,
            wage,
            flags,
        };
        match part.get_mut((household as usize).wrapping_sub(lo)) {
            Some(a) => a.add_in_order(rules, person, i),
            None => {
                if let Some(m) = rules.contribution(person, i) {
                    let owner = bounds.partition_point(|&b| b <= m.h as usize) - 1;
                    out[owner].push(m);
                }
            }
        }
    }
    out
}

/// Phase 2 for owner chunk `c`: adds the members found in other chunks, chunk by
/// chunk. Returns the households whose savings must be summed again because a member
/// of an earlier chunk was added after adults of this one.
fn merge_outliers(
    c: usize,
    part: &mut [Acc],
    lo: usize,
    outliers: &[Vec<Vec<Member>>],
) -> Vec<u32> {
    let mut resum = Vec::new();
    for (d, out) in outliers.iter().enumerate() {
        for m in &out[c] {
            let a = &mut part[m.h as usize - lo];
            if d < c && m.bits & Member::ADULT != 0 && a.adults > 0 {
                resum.push(m.h);
            }
            a.add_any(m);
        }
    }
    resum
}

/// The adults' savings of households `resum`, summed again over all people in slot
/// order.
fn resum_savings(people: &People, rules: &MemberRules<'_>, acc: &mut [Acc], resum: &[u32]) {
    let mut marked = vec![false; acc.len()];
    for &h in resum {
        marked[h as usize] = true;
        acc[h as usize].savings = 0.0;
    }
    for i in 0..people.len() {
        let h = people.household[i] as usize;
        if marked[h]
            && let Some(m) = rules.member(people, i)
            && m.bits & Member::ADULT != 0
        {
            acc[h].savings += m.savings;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::NewPerson;

    /// The sums as one sequential sweep in slot order (the definition).
    fn sequential(people: &People, rules: &MemberRules<'_>) -> Vec<Acc> {
        let mut acc = vec![Acc::EMPTY; people.households.len()];
        for i in 0..people.len() {
            if let Some(m) = rules.member(people, i) {
                acc[m.h as usize].add_any(&m);
            }
        }
        acc
    }

    #[test]
    fn parallel_sums_equal_the_sequential_sweep_bit_for_bit() {
        // Households scattered over the slots as in a run: members far apart, young
        // adults' new households numbered after the compaction, newborns at the end.
        let mut p = People::default();
        let mut x = 12345u64;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for _ in 0..300 {
            p.households.add();
        }
        for i in 0..3000u32 {
            let h = next(300) as u32;
            let employed = next(3) > 0;
            p.push(
                crate::ids::PersonId(i),
                NewPerson {
                    birth_month: 24_000 - next(900) as i32,
                    town: TownId(next(2) as u16),
                    female: next(2) == 0,
                    skill: Skill::Basic,
                    schooled: true,
                    employer: employed.then(|| FirmId::from_index(0)),
                    wage: next(1000) as f32 / 37.0,
                    savings: next(100_000) as f32 / 7.0,
                    household: h,
                },
            );
        }
        p.compact();
        // New households of three adults far apart (an early member found after later
        // ones: the savings are summed again).
        for i in (0..p.len() - 600).step_by(97) {
            let h = p.households.add();
            for j in [i, i + 300, i + 600] {
                p.household[j] = h;
                p.birth_month[j] = 23_000;
            }
        }
        for i in (0..p.len()).step_by(89) {
            p.town[i] = None;
        }
        let low_wage = [10.0f32, 20.0];
        let rules = MemberRules {
            adult_born_by: 24_000 - 216,
            entry_born_by: 24_000 - 192,
            pension_born_by: [24_000 - 720, 24_000 - 660],
            low_wage: &low_wage,
        };
        let want = sequential(&p, &rules);
        for chunk in [64, 100, 1000, 5000] {
            let got = sum_members(&p, &rules, chunk);
            for (a, b) in got.iter().zip(&want) {
                assert_eq!(a.savings.to_bits(), b.savings.to_bits(), "chunk {chunk}");
                assert_eq!((a.head, a.members, a.adults), (b.head, b.members, b.adults));
                assert_eq!((a.low_paid, a.unemployed), (b.low_paid, b.unemployed));
            }
        }
    }
}
