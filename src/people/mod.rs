//! People: the population as a struct of arrays.
//!
//! Each person is 30 bytes spread over one `Vec` per field, so the monthly pass streams
//! through memory and never allocates per person. Dead people and people who left the
//! modelled towns have no town (`None`) and are compacted away when they pile up.
//!
//! The monthly pass over people is in [`pass`]; what it reads each month and the
//! newborns it returns in [`month`]; the demographic rate tables in [`demography`].

pub mod demography;
pub mod households;
pub mod month;
pub mod pass;

use crate::ids::{FirmId, PersonId, TownId};
pub use households::Households;

/// Skill levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Skill {
    /// General schooling only.
    Basic = 0,
    /// Vocational training.
    Vocational = 1,
    /// Higher education.
    Higher = 2,
}

impl Skill {
    /// From the 2-bit code.
    #[inline]
    pub fn from_code(c: u8) -> Skill {
        match c & 3 {
            0 => Skill::Basic,
            1 => Skill::Vocational,
            _ => Skill::Higher,
        }
    }

    /// Name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Skill::Basic => "basic",
            Skill::Vocational => "vocational",
            Skill::Higher => "higher",
        }
    }
}

/// Bit layout of `flags`: bit 0 female, bits 1-2 skill, bit 3 skill chosen (left school),
/// bit 4 informally employed (docs/ODD.md 7.7b; never set while `[informal]` is off).
pub mod flag {
    /// Female.
    pub const FEMALE: u8 = 1;
    /// Shift of the 2-bit skill code.
    pub const SKILL_SHIFT: u8 = 1;
    /// Mask of the skill bits.
    pub const SKILL_MASK: u8 = 0b110;
    /// Left school (education choice made).
    pub const SCHOOLED: u8 = 8;
    /// Informally employed: works without a registered contract (no employer), employed
    /// in the LFS sense. Kept in the flags so that the per-person state does not grow.
    pub const INFORMAL: u8 = 16;
}

/// The population.
#[derive(Debug, Default, Clone)]
pub struct People {
    /// Lifetime serial number (keys the person's random streams).
    pub serial: Vec<u32>,
    /// Month of birth (absolute month index `year*12 + month-1`).
    pub birth_month: Vec<i32>,
    /// Town of residence; `None` once the person died or left the modelled towns.
    pub town: Vec<Option<TownId>>,
    /// Employer, if any.
    pub employer: Vec<Option<FirmId>>,
    /// Sex, skill and schooling bits ([`flag`]).
    pub flags: Vec<u8>,
    /// Months unemployed (saturating).
    pub months_unemployed: Vec<u8>,
    /// Current wage if employed, last wage if not (thousand RUB/month).
    pub wage: Vec<f32>,
    /// Savings (thousand RUB).
    pub savings: Vec<f32>,
    /// Household (index into [`People::households`]).
    pub household: Vec<u32>,
    /// The households people belong to.
    pub households: Households,
    /// Slots emptied (town `None`) since the last compaction.
    pub gone: usize,
}

/// Fields of a new person.
#[derive(Debug, Clone, Copy)]
pub struct NewPerson {
    /// Birth month.
    pub birth_month: i32,
    /// Residence.
    pub town: TownId,
    /// Female.
    pub female: bool,
    /// Skill (only meaningful if `schooled`).
    pub skill: Skill,
    /// Has left school.
    pub schooled: bool,
    /// Employer.
    pub employer: Option<FirmId>,
    /// Wage.
    pub wage: f32,
    /// Savings.
    pub savings: f32,
    /// Household (index into [`People::households`]).
    pub household: u32,
}

impl People {
    /// Number of slots (including gone people not yet compacted).
    pub fn len(&self) -> usize {
        self.town.len()
    }

    /// Living residents of the modelled towns (slots minus gone ones).
    pub fn live(&self) -> usize {
        self.town.len() - self.gone
    }

    /// No slots at all.
    pub fn is_empty(&self) -> bool {
        self.town.is_empty()
    }

    /// Bytes of state per person (sum of the field sizes).
    pub const BYTES_PER_PERSON: usize = 4 + 4 + 4 + 4 + 1 + 1 + 4 + 4 + 4;

    /// Reserve room for `n` more people.
    pub fn reserve(&mut self, n: usize) {
        self.serial.reserve(n);
        self.birth_month.reserve(n);
        self.town.reserve(n);
        self.employer.reserve(n);
        self.flags.reserve(n);
        self.months_unemployed.reserve(n);
        self.wage.reserve(n);
        self.savings.reserve(n);
        self.household.reserve(n);
    }

    /// Room for `n` more people, growing the arrays by `n` plus 1/32 of their length
    /// when they are full instead of doubling them: the population changes by a few
    /// percent a year, so doubling would leave about half of every field's memory
    /// unused for the rest of the run. (Capacity never changes results.)
    pub fn reserve_more(&mut self, n: usize) {
        if self.town.len() + n <= self.town.capacity() {
            return;
        }
        let extra = n + self.town.len() / 32;
        self.serial.reserve_exact(extra);
        self.birth_month.reserve_exact(extra);
        self.town.reserve_exact(extra);
        self.employer.reserve_exact(extra);
        self.flags.reserve_exact(extra);
        self.months_unemployed.reserve_exact(extra);
        self.wage.reserve_exact(extra);
        self.savings.reserve_exact(extra);
        self.household.reserve_exact(extra);
    }

    /// Append a person with the given serial.
    pub fn push(&mut self, id: PersonId, p: NewPerson) {
        self.serial.push(id.0);
        self.birth_month.push(p.birth_month);
        self.town.push(Some(p.town));
        self.employer.push(p.employer);
        let mut f = 0u8;
        if p.female {
            f |= flag::FEMALE;
        }
        f |= (p.skill as u8) << flag::SKILL_SHIFT;
        if p.schooled {
            f |= flag::SCHOOLED;
        }
        self.flags.push(f);
        self.months_unemployed.push(0);
        self.wage.push(p.wage);
        self.savings.push(p.savings);
        self.household.push(p.household);
    }

    /// Drop gone people, keeping the order of the rest (so results do not depend on
    /// when compaction runs), and the households left without members, renumbering the
    /// others in order.
    pub fn compact(&mut self) {
        let keep: Vec<bool> = self.town.iter().map(Option::is_some).collect();
        fn retain<T: Copy + Send>(v: &mut Vec<T>, keep: &[bool]) {
            let mut j = 0;
            for i in 0..v.len() {
                if keep[i] {
                    v[j] = v[i];
                    j += 1;
                }
            }
            v.truncate(j);
        }
        // The fields are independent: compact them in parallel.
        let k = &keep;
        rayon::scope(|s| {
            s.spawn(|_| retain(&mut self.serial, k));
            s.spawn(|_| retain(&mut self.birth_month, k));
            s.spawn(|_| retain(&mut self.employer, k));
            s.spawn(|_| retain(&mut self.flags, k));
            s.spawn(|_| retain(&mut self.months_unemployed, k));
            s.spawn(|_| retain(&mut self.wage, k));
            s.spawn(|_| retain(&mut self.savings, k));
            s.spawn(|_| retain(&mut self.household, k));
        });
        retain(&mut self.town, k);
        self.households.compact(&mut self.household);
        self.gone = 0;
    }

    /// Split into mutable chunk views of `chunk` people each (the last may be shorter).
    pub fn chunks_mut(&mut self, chunk: usize) -> Vec<PeopleChunk<'_>> {
        let mut out = Vec::with_capacity(self.len() / chunk + 1);
        let mut serial = self.serial.as_mut_slice();
        let mut birth = self.birth_month.as_mut_slice();
        let mut town = self.town.as_mut_slice();
        let mut employer = self.employer.as_mut_slice();
        let mut flags = self.flags.as_mut_slice();
        let mut mu = self.months_unemployed.as_mut_slice();
        let mut wage = self.wage.as_mut_slice();
        let mut savings = self.savings.as_mut_slice();
        let mut household = self.household.as_mut_slice();
        let mut start = 0;
        while !town.is_empty() {
            let n = chunk.min(town.len());
            macro_rules! take {
                ($s:ident) => {{
                    let (a, b) = std::mem::take(&mut $s).split_at_mut(n);
                    $s = b;
                    a
                }};
            }
            out.push(PeopleChunk {
                start,
                serial: take!(serial),
                birth_month: take!(birth),
                town: take!(town),
                employer: take!(employer),
                flags: take!(flags),
                months_unemployed: take!(mu),
                wage: take!(wage),
                savings: take!(savings),
                household: take!(household),
            });
            start += n;
        }
        out
    }
}

/// A mutable window on a contiguous range of people.
#[allow(missing_docs)]
pub struct PeopleChunk<'a> {
    /// Index of the first person of the chunk.
    pub start: usize,
    pub serial: &'a mut [u32],
    pub birth_month: &'a mut [i32],
    pub town: &'a mut [Option<TownId>],
    pub employer: &'a mut [Option<FirmId>],
    pub flags: &'a mut [u8],
    pub months_unemployed: &'a mut [u8],
    pub wage: &'a mut [f32],
    pub savings: &'a mut [f32],
    pub household: &'a mut [u32],
}

/// Age bands used in outputs: 0-17, 18-29, 30-39, 40-59, 60+.
#[inline(always)]
pub fn age_band(age_years: u32) -> usize {
    match age_years {
        0..=17 => 0,
        18..=29 => 1,
        30..=39 => 2,
        40..=59 => 3,
        _ => 4,
    }
}

/// Names of the age bands.
pub const AGE_BANDS: [&str; 5] = ["0_17", "18_29", "30_39", "40_59", "60_plus"];

#[cfg(test)]
mod tests {
    use super::*;

    fn person(town: u16) -> NewPerson {
        NewPerson {
            birth_month: 0,
            town: TownId(town),
            female: town.is_multiple_of(2),
            skill: Skill::Higher,
            schooled: true,
            employer: None,
            wage: 1.0,
            savings: 2.0,
            household: 0,
        }
    }

    #[test]
    fn per_person_state_is_at_most_32_bytes() {
        // Sum the element sizes of the actual field vectors, so a field added or widened
        // is caught here (destructuring fails to compile if a field is added).
        fn elem<T>(_: &Vec<T>) -> usize {
            std::mem::size_of::<T>()
        }
        let p = People::default();
        let People {
            serial,
            birth_month,
            town,
            employer,
            flags,
            months_unemployed,
            wage,
            savings,
            household,
            households: _,
            gone: _,
        } = &p;
        let bytes = elem(serial)
            + elem(birth_month)
            + elem(town)
            + elem(employer)
            + elem(flags)
            + elem(months_unemployed)
            + elem(wage)
            + elem(savings)
            + elem(household);
        assert_eq!(bytes, People::BYTES_PER_PERSON);
        assert!(bytes <= 32, "{bytes} bytes per person");
    }

    #[test]
    fn compaction_keeps_order_and_all_fields_aligned() {
        let mut p = People::default();
        for i in 0..10 {
            let h = p.households.add();
            p.push(
                PersonId(i),
                NewPerson {
                    household: h,
                    ..person(i as u16)
                },
            );
        }
        for i in [0, 3, 4, 9] {
            p.town[i] = None;
        }
        p.compact();
        assert_eq!(p.serial, vec![1, 2, 5, 6, 7, 8]);
        let towns: Vec<u16> = p.town.iter().map(|t| t.unwrap().0).collect();
        assert_eq!(towns, vec![1, 2, 5, 6, 7, 8]);
        assert_eq!(p.flags.len(), 6);
        assert_eq!(p.flags[1] & flag::FEMALE, flag::FEMALE);
        // Households without members are dropped and the rest renumbered in order.
        assert_eq!(p.households.len(), 6);
        assert_eq!(p.household, vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(p.households.serial, vec![1, 2, 5, 6, 7, 8]);
    }

    #[test]
    fn growth_adds_a_thirty_second_not_a_doubling() {
        let mut p = People::default();
        p.reserve(3200);
        for i in 0..3200 {
            p.push(PersonId(i), person(1));
        }
        let full = p.town.capacity();
        assert!(full < 3300, "{full}");
        // Full: room for 10 more adds 10 + 3200/32 = 110 slots to every field.
        p.reserve_more(10);
        for cap in [
            p.serial.capacity(),
            p.birth_month.capacity(),
            p.town.capacity(),
            p.employer.capacity(),
            p.flags.capacity(),
            p.months_unemployed.capacity(),
            p.wage.capacity(),
            p.savings.capacity(),
            p.household.capacity(),
        ] {
            assert!((p.len() + 110..p.len() + 200).contains(&cap), "{cap}");
        }
        // With room left it changes nothing.
        let cap = p.town.capacity();
        p.reserve_more(10);
        assert_eq!(p.town.capacity(), cap);
        for i in 0..10 {
            p.push(PersonId(3200 + i), person(2));
        }
        assert_eq!(p.len(), 3210);
        assert_eq!(p.serial[3209], 3209);
        assert_eq!(p.town[3209], Some(TownId(2)));
    }

    #[test]
    fn chunks_cover_everyone_once() {
        let mut p = People::default();
        for i in 0..1000 {
            p.push(PersonId(i), person(1));
        }
        let chunks = p.chunks_mut(128);
        assert_eq!(chunks.len(), 8);
        assert_eq!(chunks.iter().map(|c| c.town.len()).sum::<usize>(), 1000);
        assert_eq!(chunks[3].start, 384);
        assert_eq!(chunks[3].serial[0], 384);
    }
}
