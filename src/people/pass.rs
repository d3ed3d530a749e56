//! The monthly pass over people: demography, migration, then the labour market, fused
//! into one parallel sweep over the struct of arrays.
//!
//! Everything a person needs to decide is in a read-only [`PassContext`] built from
//! last month's aggregates, and every draw comes from the person's own stream
//! `(seed, Person, serial, month)`. People are cut into fixed-size chunks whatever the
//! thread count and per-chunk results are merged in chunk order, so integer and
//! floating-point totals are bit-identical with 1 or 64 threads.

use rayon::prelude::*;

use super::demography::RateTables;
use super::households::{HouseholdMonth, STAY};
use super::{PeopleChunk, Skill, age_band, flag};
use crate::ids::{FirmId, TownId};
use crate::markets::labour::{LabourTables, pick_firm, pick_option};
use crate::migration::{MigrationTables, hazard, pick_destination};
use crate::rng::{Process, Stream};
use crate::scenario::Migration;

/// People per chunk. Fixed, so results do not depend on the number of threads.
pub const CHUNK: usize = 32 * 1024;

/// Wage histogram: bins of 2% starting at 0.5 thousand RUB.
pub const WAGE_BINS: usize = 400;
const WAGE_BIN_LOG_WIDTH: f32 = 0.02;
const WAGE_BIN_MIN: f32 = 0.5;

/// Geometric centre of wage bin `b` (thousand RUB).
pub fn wage_bin_value(b: usize) -> f64 {
    WAGE_BIN_MIN as f64 * ((b as f64 + 0.5) * WAGE_BIN_LOG_WIDTH as f64).exp()
}

/// Histogram bin of a wage (thousand RUB).
#[inline(always)]
pub fn wage_bin(w: f32) -> usize {
    if w <= WAGE_BIN_MIN {
        return 0;
    }
    (((w / WAGE_BIN_MIN).ln() / WAGE_BIN_LOG_WIDTH) as usize).min(WAGE_BINS - 1)
}

/// Read-only inputs of the pass.
pub struct PassContext<'a> {
    /// Absolute month index.
    pub month: i32,
    /// Months since the start (keys streams).
    pub step: u32,
    /// Master seed.
    pub seed: u64,
    /// Death and birth probabilities.
    pub rates: &'a RateTables,
    /// Pension age in months, men and women.
    pub pension_age_months: [i32; 2],
    /// School-leaving age in months.
    pub school_age_months: i32,
    /// Labour-force entry age in months.
    pub entry_age_months: i32,
    /// Months of higher education.
    pub study_months: i32,
    /// Share of girls among births.
    pub female_birth_share: f32,
    /// Age of majority in years: adults pay for their moves and count in the skill totals.
    pub adult_age: u32,
    /// Oldest age (whole years) at which a non-head adult may leave the household alone.
    pub leave_home_max_age: u32,
    /// Probabilities of choosing vocational and higher education.
    pub education: [f32; 2],
    /// Labour-market tables.
    pub labour: &'a LabourTables,
    /// Migration tables.
    pub migration: &'a MigrationTables,
    /// Migration parameters.
    pub migration_params: &'a Migration,
    /// What the pass reads of each firm, packed so an employed person touches one
    /// cache line of firm data.
    pub firms: &'a [FirmView],
    /// Wage multipliers by skill.
    pub skill_wage: [f32; 3],
    /// Monthly probability of searching on the job.
    pub on_the_job_search: f32,
    /// Wage gain needed to switch.
    pub switch_premium: f32,
    /// Reservation wage at the start of unemployment, as a share of the last wage.
    pub reservation_ratio: f32,
    /// Reservation decay per month unemployed, precomputed powers.
    pub reservation_decay: &'a [f32; 256],
    /// Benefit floor of the reservation wage.
    pub benefit: f32,
    /// Share of wages saved.
    pub saving_rate: f32,
    /// Savings spent per month unemployed.
    pub dissaving: f32,
    /// Monthly probability of a skill upgrade from training, by town.
    pub training: &'a [f32],
    /// Commuting reach `[home][work]`.
    pub reach: &'a [bool],
    /// Number of towns.
    pub n_towns: usize,
    /// Number of firms.
    pub n_firms: usize,
}

/// What the person pass reads of one firm (16 bytes).
#[derive(Debug, Clone, Copy, Default)]
pub struct FirmView {
    /// Base wage (thousand RUB/month), before the skill multiplier.
    pub wage: f32,
    /// Separation probability of its workers this month: the quit probability at its
    /// relative wage plus its lay-off probability (1 for a closed firm).
    pub separation: f32,
    /// Town of the workplace.
    pub town: u16,
    /// Wage-histogram bin of the wage paid to each skill, precomputed once a month so
    /// the pass takes no logarithms.
    pub wage_bin: [u16; 3],
}

/// Per-town counters of one chunk (agents).
#[derive(Debug, Clone, Default)]
pub struct TownCounts {
    /// Residents by age band.
    pub pop_band: [u64; 5],
    /// Adults by skill.
    pub pop_skill: [u64; 3],
    /// In the labour force.
    pub labour_force: u64,
    /// Employed residents with a registered job (at a firm).
    pub employed: u64,
    /// Informally employed residents (no registered job; employed in the LFS sense).
    pub informal: u64,
    /// Sum of the informal earnings of informally employed residents.
    pub informal_wage_sum: f64,
    /// Sum of wages of employed residents (registered jobs).
    pub wage_sum: f64,
    /// Births.
    pub births: u64,
    /// Deaths.
    pub deaths: u64,
    /// In-migrants from other modelled towns.
    pub in_migrants: u64,
    /// Out-migrants to anywhere.
    pub out_migrants: u64,
    /// Out-migrants by age band.
    pub out_band: [u64; 5],
    /// Residents working in another town.
    pub commuters_out: u64,
    /// Hires of residents.
    pub hires: u64,
    /// Separations of residents.
    pub separations: u64,
    /// Savings flows of residents this month, recorded for the stock-flow tests (not read
    /// by the model).
    pub savings_flows: SavingsFlows,
}

/// One month's flows of people's savings (thousand RUB, agents' units), by the town where
/// they happened. With the savings that in-migrants bring, they account for the change of
/// the total stock.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SavingsFlows {
    /// Saved out of wages.
    pub saved: f64,
    /// Drawn down by the unemployed.
    pub dissaved: f64,
    /// Moving costs paid.
    pub moving_costs: f64,
    /// Savings of people who died or left the modelled towns.
    pub carried_out: f64,
}

impl TownCounts {
    fn add(&mut self, o: &TownCounts) {
        for i in 0..5 {
            self.pop_band[i] += o.pop_band[i];
            self.out_band[i] += o.out_band[i];
        }
        for i in 0..3 {
            self.pop_skill[i] += o.pop_skill[i];
        }
        self.labour_force += o.labour_force;
        self.employed += o.employed;
        self.informal += o.informal;
        self.wage_sum += o.wage_sum;
        self.informal_wage_sum += o.informal_wage_sum;
        self.births += o.births;
        self.deaths += o.deaths;
        self.in_migrants += o.in_migrants;
        self.out_migrants += o.out_migrants;
        self.commuters_out += o.commuters_out;
        self.hires += o.hires;
        self.separations += o.separations;
        self.savings_flows.saved += o.savings_flows.saved;
        self.savings_flows.dissaved += o.savings_flows.dissaved;
        self.savings_flows.moving_costs += o.savings_flows.moving_costs;
        self.savings_flows.carried_out += o.savings_flows.carried_out;
    }

    /// Residents.
    pub fn population(&self) -> u64 {
        self.pop_band.iter().sum()
    }

    /// The LFS (ILO) unemployment rate, `1 - (employed + informal) / labour force`:
    /// informal workers count as employed (0 without a labour force).
    pub fn unemployment(&self) -> f64 {
        if self.labour_force > 0 {
            1.0 - (self.employed + self.informal) as f64 / self.labour_force as f64
        } else {
            0.0
        }
    }
}

/// Result of the pass (merged over chunks in chunk order).
#[derive(Debug, Clone)]
pub struct PassResult {
    /// Counters by town.
    pub towns: Vec<TownCounts>,
    /// Wage histogram by town (`town * WAGE_BINS + bin`).
    pub wage_hist: Vec<u32>,
    /// Workforce by firm after the pass.
    pub firm_workforce: Vec<u32>,
    /// Hires by firm.
    pub firm_hires: Vec<u32>,
    /// Workers of local firms living elsewhere, by work town.
    pub commuters_in: Vec<u64>,
    /// Commuters `[home][work]` over towns (employed residents working in another town).
    pub commute_od: Vec<u32>,
    /// Origin-destination moves `[origin][destination]`, destinations incl. rest of country.
    pub od: Vec<u32>,
    /// The same for 18-29-year-olds.
    pub od_young: Vec<u32>,
    /// Newborns: (town, female, slot of the mother), in chunk order.
    pub newborns: Vec<(TownId, bool, u32)>,
    /// Slots of young adults who left their parents' household this month and stay in
    /// the modelled towns (they get a household of their own after the pass), in chunk order.
    pub leavers: Vec<u32>,
    /// People processed (alive in a modelled town at the start of the month).
    pub processed: u64,
    /// People who died or left the modelled towns this month (slots marked gone).
    pub gone: u64,
}

impl PassResult {
    fn new(n_towns: usize, n_firms: usize, n_dest: usize) -> Self {
        PassResult {
            towns: vec![TownCounts::default(); n_towns],
            wage_hist: vec![0; n_towns * WAGE_BINS],
            firm_workforce: vec![0; n_firms],
            firm_hires: vec![0; n_firms],
            commuters_in: vec![0; n_towns],
            commute_od: vec![0; n_towns * n_towns],
            od: vec![0; n_towns * n_dest],
            od_young: vec![0; n_towns * n_dest],
            newborns: Vec::new(),
            leavers: Vec::new(),
            processed: 0,
            gone: 0,
        }
    }

    /// Add another accumulator's integer counts (order-free).
    fn add_counts(&mut self, o: &PassResult) {
        add_u32(&mut self.wage_hist, &o.wage_hist);
        add_u32(&mut self.firm_workforce, &o.firm_workforce);
        add_u32(&mut self.firm_hires, &o.firm_hires);
        add_u32(&mut self.od, &o.od);
        add_u32(&mut self.od_young, &o.od_young);
        add_u32(&mut self.commute_od, &o.commute_od);
        for (a, b) in self.commuters_in.iter_mut().zip(&o.commuters_in) {
            *a += b;
        }
        self.processed += o.processed;
        self.gone += o.gone;
    }
}

fn add_u32(a: &mut [u32], b: &[u32]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// Run the pass over all chunks in parallel and merge in order.
pub fn run(
    chunks: Vec<PeopleChunk<'_>>,
    ctx: &PassContext<'_>,
    households: &HouseholdMonth,
    hazards: &[f32],
) -> PassResult {
    let n_dest = ctx.migration.n_dest;
    let mv = Moves {
        households,
        hazards,
    };
    let new = || PassResult::new(ctx.n_towns, ctx.n_firms, n_dest);
    // Integer counts are summed per rayon fold (how work is split does not matter for
    // them); town counters come back tagged with their chunk index.
    let (mut total, mut parts) = chunks
        .into_par_iter()
        .enumerate()
        .fold(
            || (new(), Vec::new()),
            |(mut acc, mut parts), (k, c)| {
                let t = run_chunk(c, ctx, &mv, &mut acc);
                parts.push((k, t));
                (acc, parts)
            },
        )
        .reduce(
            || (new(), Vec::new()),
            |(mut a, mut pa), (b, pb)| {
                a.add_counts(&b);
                pa.extend(pb);
                (a, pa)
            },
        );
    parts.sort_unstable_by_key(|&(k, _)| k);
    for (_, p) in parts {
        for (a, b) in total.towns.iter_mut().zip(&p.towns) {
            a.add(b);
        }
        total.newborns.extend_from_slice(&p.newborns);
        total.leavers.extend_from_slice(&p.leavers);
    }
    total
}

/// Ages (in years) with their own entry in the hazard table; older people share the last.
const HAZARD_AGES: usize = 101;

/// Index of the hazard table for a town, age (years), unemployment and low pay.
#[inline(always)]
pub(crate) fn hazard_index(town: usize, age: u32, unemployed: bool, low_paid: bool) -> usize {
    ((town * HAZARD_AGES + (age as usize).min(HAZARD_AGES - 1)) * 2 + unemployed as usize) * 2
        + low_paid as usize
}

/// Monthly migration hazard by town, age, unemployment (of working age) and low pay,
/// indexed by [`hazard_index`]. The same values as [`hazard`], computed once a month
/// instead of once per person.
pub fn hazard_table(ctx: &PassContext<'_>) -> Vec<f32> {
    let school_age_years = (ctx.school_age_months / 12) as u32;
    let mut t = Vec::with_capacity(ctx.n_towns * HAZARD_AGES * 4);
    for town in 0..ctx.n_towns {
        for age in 0..HAZARD_AGES as u32 {
            for unemployed in [false, true] {
                for low_paid in [false, true] {
                    t.push(hazard(
                        ctx.migration_params,
                        age,
                        school_age_years,
                        unemployed,
                        low_paid,
                        ctx.migration.youth_multiplier[town],
                    ) as f32);
                }
            }
        }
    }
    t
}

/// Town counters and newborns of one chunk: kept per chunk and merged in chunk order,
/// because the floating-point sums must be added in a fixed order.
struct ChunkTowns {
    towns: Vec<TownCounts>,
    newborns: Vec<(TownId, bool, u32)>,
    leavers: Vec<u32>,
}

/// What moves people this month: their households' decisions and the hazard table
/// (for young adults leaving home).
struct Moves<'a> {
    households: &'a HouseholdMonth,
    hazards: &'a [f32],
}

/// One person during their month in the pass: what the steps below read and change.
struct PersonMonth {
    /// Index in the chunk.
    i: usize,
    /// The person's stream this month.
    rng: Stream,
    /// Age in months and in whole years at the start of the month.
    age_months: i32,
    age: u32,
    /// Sex, skill and schooling bits ([`flag`]), written back at the end.
    flags: u8,
    female: bool,
    /// Town of residence (changes when the person moves between agent towns).
    town: usize,
    /// Sex of a baby born this month, if any.
    newborn_female: Option<bool>,
}

/// One chunk of people. Order-free integer counts (per firm, histograms,
/// origin-destination) go to `out`, shared by the chunks of one rayon fold; town
/// counters and newborns are returned.
fn run_chunk(
    mut c: PeopleChunk<'_>,
    ctx: &PassContext<'_>,
    mv: &Moves<'_>,
    out: &mut PassResult,
) -> ChunkTowns {
    let mut towns = vec![TownCounts::default(); ctx.n_towns];
    let mut newborns = Vec::new();
    let mut leavers = Vec::new();
    let rng_base = crate::rng::base_key(ctx.seed, Process::Person, ctx.step);
    for i in 0..c.town.len() {
        let Some(town0) = c.town[i] else {
            continue;
        };
        out.processed += 1;
        let age_months = ctx.month - c.birth_month[i];
        let flags = c.flags[i];
        let mut p = PersonMonth {
            i,
            rng: Stream::for_entity(rng_base, c.serial[i] as u64),
            age_months,
            age: (age_months.max(0) / 12) as u32,
            flags,
            female: flags & flag::FEMALE != 0,
            town: town0.index(),
            newborn_female: None,
        };
        // --- Demography: death, then births to women of fertile age.
        let Some(u_move) = survive_and_give_birth(&mut p, ctx) else {
            towns[p.town].deaths += 1;
            towns[p.town].savings_flows.carried_out += c.savings[i] as f64;
            c.town[i] = None;
            c.employer[i] = None;
            out.gone += 1;
            continue;
        };
        choose_education(&mut p, ctx);
        // --- Migration: hazard, destination choice, liquidity constraint.
        match household_or_own_move(&c, &mut p, u_move, ctx, mv) {
            Move::Stay => {}
            Move::LeaveHome => leavers.push((c.start + i) as u32),
            Move::To { dest, pay, alone } => {
                if !relocate(&mut c, &mut p, (dest, pay), ctx, &mut towns, out) {
                    continue;
                }
                if alone {
                    leavers.push((c.start + i) as u32);
                }
            }
        }
        // --- Labour market.
        let town = p.town;
        work(&mut c, &mut p, ctx, &mut towns[town], out);
        c.flags[i] = p.flags;
        let tc = &mut towns[p.town];
        tc.pop_band[age_band(p.age)] += 1;
        if p.age >= ctx.adult_age {
            tc.pop_skill[Skill::from_code(p.flags >> flag::SKILL_SHIFT) as usize] += 1;
        }
        if let Some(girl) = p.newborn_female {
            tc.births += 1;
            newborns.push((TownId(p.town as u16), girl, (c.start + i) as u32));
        }
    }
    ChunkTowns {
        towns,
        newborns,
        leavers,
    }
}

/// Death and births. Returns the uniform that decides whether a move is considered, or
/// `None` if the person died.
#[inline(always)]
fn survive_and_give_birth(p: &mut PersonMonth, ctx: &PassContext<'_>) -> Option<f32> {
    let age_idx = (p.age as usize).min(ctx.rates.death_male.len() - 1);
    let deaths = if p.female {
        &ctx.rates.death_female
    } else {
        &ctx.rates.death_male
    };
    let p_death = deaths[age_idx];
    // One 64-bit draw decides death, whether a move is considered, and a birth.
    let [u_death, u_move, u_birth] = p.rng.three_uniforms_f32();
    if u_death < p_death {
        return None;
    }
    // A birth is counted in the mother's end-of-month town, so the population
    // accounting identity holds town by town. Men get probability 0 (no data-dependent
    // branch on sex here).
    let p_birth = ctx.rates.birth[age_idx] * f32::from(u8::from(p.female));
    if u_birth < p_birth {
        p.newborn_female = Some(p.rng.uniform_f32() < ctx.female_birth_share);
    }
    Some(u_move)
}

/// Schooling: the education choice at school-leaving age.
#[inline(always)]
fn choose_education(p: &mut PersonMonth, ctx: &PassContext<'_>) {
    if p.flags & flag::SCHOOLED == 0 && p.age_months >= ctx.school_age_months {
        let u = p.rng.uniform_f32();
        let skill = if u < ctx.education[1] {
            Skill::Higher
        } else if u < ctx.education[1] + ctx.education[0] {
            Skill::Vocational
        } else {
            Skill::Basic
        };
        p.flags =
            (p.flags & !flag::SKILL_MASK) | ((skill as u8) << flag::SKILL_SHIFT) | flag::SCHOOLED;
    }
}

/// A person's move this month.
enum Move {
    /// No move.
    Stay,
    /// A young adult leaves the parental household and stays in town.
    LeaveHome,
    /// A move to `dest`, paying the share `pay` of one's savings if adult (`alone`: a
    /// young adult leaving home, who forms a household of their own at the destination).
    To { dest: usize, pay: f32, alone: bool },
}

/// Whether the person moves this month: with their household if it decided to; on
/// their own only if they are a young adult (up to `leave_home_max_age`), not the
/// head, in a household with others (leaving home), with their own hazard, destination
/// and liquidity constraint. Children and other members never move alone.
#[inline(always)]
fn household_or_own_move(
    c: &PeopleChunk<'_>,
    p: &mut PersonMonth,
    u_move: f32,
    ctx: &PassContext<'_>,
    mv: &Moves<'_>,
) -> Move {
    let (i, town, age) = (p.i, p.town, p.age);
    let hm = mv.households;
    let h = c.household[i] as usize;
    let dest = hm.dest[h];
    if dest != STAY {
        return Move::To {
            dest: dest as usize,
            pay: hm.pay[h],
            alone: false,
        };
    }
    let leaves_home = age >= ctx.adult_age
        && age <= ctx.leave_home_max_age
        && hm.members(h) > 1
        && hm.head(h) != (c.start + i) as u32;
    if !leaves_home {
        return Move::Stay;
    }
    // Informal workers have a job (LFS): poorly paid when below the threshold.
    let has_job = c.employer[i].is_some() || p.flags & flag::INFORMAL != 0;
    let low_paid = has_job && c.wage[i] < ctx.migration.low_wage[town];
    let working_age = p.age_months >= ctx.entry_age_months
        && p.age_months < ctx.pension_age_months[p.female as usize];
    let unemployed = !has_job && working_age;
    if u_move >= mv.hazards[hazard_index(town, age, unemployed, low_paid)] {
        return Move::Stay;
    }
    let n_dest = ctx.migration.n_dest;
    let skill = Skill::from_code(p.flags >> flag::SKILL_SHIFT) as usize;
    let row = &ctx.migration.cdf[(town * 3 + skill) * n_dest..(town * 3 + skill + 1) * n_dest];
    let d = pick_destination(row, p.rng.uniform_f32());
    if d == town {
        return Move::LeaveHome;
    }
    // Liquidity constraint: a young adult whose savings do not cover the cost stays.
    let cost = ctx.migration.moving_cost[town * n_dest + d];
    if c.savings[i] < cost {
        return Move::Stay;
    }
    let pay = if c.savings[i] > 0.0 {
        cost / c.savings[i]
    } else {
        0.0
    };
    Move::To {
        dest: d,
        pay,
        alone: true,
    }
}

/// Move the person to destination `d`, adults paying the share `pay` of their savings.
/// Returns `false` if they left the agent towns (their slot is emptied).
#[inline(always)]
fn relocate(
    c: &mut PeopleChunk<'_>,
    p: &mut PersonMonth,
    (d, pay): (usize, f32),
    ctx: &PassContext<'_>,
    towns: &mut [TownCounts],
    out: &mut PassResult,
) -> bool {
    let (i, town, age) = (p.i, p.town, p.age);
    let n_dest = ctx.migration.n_dest;
    if age >= ctx.adult_age && pay > 0.0 {
        let before = c.savings[i];
        c.savings[i] = (before - before * pay).max(0.0);
        towns[town].savings_flows.moving_costs += before as f64 - c.savings[i] as f64;
    }
    let band = age_band(age);
    let t = &mut towns[town];
    t.out_migrants += 1;
    t.out_band[band] += 1;
    out.od[town * n_dest + d] += 1;
    if band == 1 {
        out.od_young[town * n_dest + d] += 1;
    }
    // Informal work is local: it ends with a move.
    p.flags &= !flag::INFORMAL;
    if ctx.migration.keeps_agents[d] {
        towns[d].in_migrants += 1;
        if let Some(f) = c.employer[i] {
            let work = ctx.firms[f.index()].town as usize;
            if !ctx.reach[d * ctx.n_towns + work] {
                c.employer[i] = None;
                c.months_unemployed[i] = 0;
                towns[town].separations += 1;
            }
        }
        p.town = d;
        c.town[i] = Some(TownId(d as u16));
        return true;
    }
    if c.employer[i].take().is_some() {
        towns[town].separations += 1;
    }
    if p.newborn_female.is_some() {
        // The baby is born here and leaves with its mother.
        let t = &mut towns[town];
        t.births += 1;
        t.out_migrants += 1;
        t.out_band[0] += 1;
        out.od[town * n_dest + d] += 1;
    }
    towns[town].savings_flows.carried_out += c.savings[i] as f64;
    c.town[i] = None;
    c.flags[i] = p.flags;
    out.gone += 1;
    false
}

/// The labour market for one resident: leaving the labour force, training, separations,
/// search on and off the job, then wages and savings.
#[inline(always)]
fn work(
    c: &mut PeopleChunk<'_>,
    p: &mut PersonMonth,
    ctx: &PassContext<'_>,
    tc: &mut TownCounts,
    out: &mut PassResult,
) {
    let i = p.i;
    let skill = Skill::from_code(p.flags >> flag::SKILL_SHIFT);
    let pension = ctx.pension_age_months[p.female as usize];
    let student = skill == Skill::Higher
        && p.flags & flag::SCHOOLED != 0
        && p.age_months < ctx.school_age_months + ctx.study_months;
    let in_labour_force =
        p.age_months >= ctx.entry_age_months && !student && p.age_months < pension;
    if !in_labour_force {
        if c.employer[i].take().is_some() {
            tc.separations += 1;
        }
        p.flags &= !flag::INFORMAL;
        return;
    }
    // Training upgrades skills of adults in the labour force.
    let mut skill = skill;
    let p_train = ctx.training[p.town];
    if p_train > 0.0 && skill != Skill::Higher && p.rng.uniform_f32() < p_train {
        skill = if skill == Skill::Basic {
            Skill::Vocational
        } else {
            Skill::Higher
        };
        p.flags = (p.flags & !flag::SKILL_MASK) | ((skill as u8) << flag::SKILL_SHIFT);
    }
    let sw = ctx.skill_wage[skill as usize];
    match c.employer[i] {
        Some(f) => keep_or_switch_job(c, p, f.index(), sw, ctx, tc, out),
        None if p.flags & flag::INFORMAL != 0 => work_informally(c, p, sw, ctx, tc, out),
        None => {
            look_for_a_job(c, p, sw, ctx, tc, out);
            if ctx.labour.informal.enabled && c.employer[i].is_none() {
                take_informal_work(c, p, ctx);
            }
        }
    }
    match c.employer[i] {
        Some(f) => {
            let fi = f.index();
            let w = ctx.firms[fi].wage * sw;
            c.wage[i] = w;
            let before = c.savings[i];
            c.savings[i] += ctx.saving_rate * w;
            tc.savings_flows.saved += c.savings[i] as f64 - before as f64;
            tc.employed += 1;
            tc.wage_sum += w as f64;
            out.wage_hist[p.town * WAGE_BINS + ctx.firms[fi].wage_bin[skill as usize] as usize] +=
                1;
            out.firm_workforce[fi] += 1;
            let work = ctx.firms[fi].town as usize;
            if work != p.town {
                tc.commuters_out += 1;
                out.commuters_in[work] += 1;
                let n = out.commuters_in.len();
                out.commute_od[p.town * n + work] += 1;
            }
        }
        None if p.flags & flag::INFORMAL != 0 => {
            // Informal earnings: no employer, so no payroll or income tax is paid on them.
            let w = ctx.labour.informal.wage[p.town];
            c.wage[i] = w;
            let before = c.savings[i];
            c.savings[i] += ctx.saving_rate * w;
            tc.savings_flows.saved += c.savings[i] as f64 - before as f64;
            tc.informal += 1;
            tc.informal_wage_sum += w as f64;
        }
        None => {
            let before = c.savings[i];
            c.savings[i] = (c.savings[i] - ctx.dissaving).max(0.0);
            tc.savings_flows.dissaved += before as f64 - c.savings[i] as f64;
        }
    }
    tc.labour_force += 1;
}

/// An unemployed person who got no formal job takes informal work with the town's entry
/// probability (free entry while the informal demand is unfilled; 7.7b). Called only
/// when informal employment is on, so a run without it draws nothing here.
#[inline(always)]
fn take_informal_work(c: &mut PeopleChunk<'_>, p: &mut PersonMonth, ctx: &PassContext<'_>) {
    if p.rng.uniform_f32() < ctx.labour.informal.entry[p.town] {
        p.flags |= flag::INFORMAL;
        c.months_unemployed[p.i] = 0;
    }
}

/// An informal worker keeps searching for a registered job like the unemployed (her
/// reservation wage is set by her informal earnings), leaves informal work when hired,
/// and otherwise loses it with the town's exit probability.
#[inline(always)]
fn work_informally(
    c: &mut PeopleChunk<'_>,
    p: &mut PersonMonth,
    sw: f32,
    ctx: &PassContext<'_>,
    tc: &mut TownCounts,
    out: &mut PassResult,
) {
    find_a_job(c, p, sw, ctx, tc, out);
    if c.employer[p.i].is_some() {
        p.flags &= !flag::INFORMAL;
    } else if p.rng.uniform_f32() < ctx.labour.informal.exit[p.town] {
        p.flags &= !flag::INFORMAL;
        c.months_unemployed[p.i] = 0;
    }
}

/// An employed person: separation, or on-the-job search for a clearly better net wage.
#[inline(always)]
fn keep_or_switch_job(
    c: &mut PeopleChunk<'_>,
    p: &mut PersonMonth,
    fi: usize,
    sw: f32,
    ctx: &PassContext<'_>,
    tc: &mut TownCounts,
    out: &mut PassResult,
) {
    let (i, town) = (p.i, p.town);
    // One draw decides separation and on-the-job search.
    let (u_quit, u_search) = p.rng.two_uniforms_f32();
    if u_quit < ctx.firms[fi].separation {
        c.employer[i] = None;
        c.months_unemployed[i] = 0;
        tc.separations += 1;
    } else if u_search < ctx.on_the_job_search {
        let options = &ctx.labour.options[town];
        let (u_town, u_firm) = p.rng.two_uniforms_f32();
        if let Some(opt) = pick_option(options, u_town)
            && let Some(nf) = pick_firm(&ctx.labour.vacancy_cdf[opt.work_town as usize], u_firm)
        {
            let current_net = net_wage(ctx, town, fi, ctx.firms[fi].wage * sw);
            let offer_net = opt.net_wage(ctx.firms[nf as usize].wage * sw);
            if nf as usize != fi && offer_net > current_net * (1.0 + ctx.switch_premium) {
                c.employer[i] = Some(FirmId::from_index(nf as usize));
                out.firm_hires[nf as usize] += 1;
                tc.hires += 1;
                tc.separations += 1;
            }
        }
    }
}

/// An unemployed person: an offer, accepted if its net wage beats the reservation wage.
#[inline(always)]
fn look_for_a_job(
    c: &mut PeopleChunk<'_>,
    p: &mut PersonMonth,
    sw: f32,
    ctx: &PassContext<'_>,
    tc: &mut TownCounts,
    out: &mut PassResult,
) {
    c.months_unemployed[p.i] = c.months_unemployed[p.i].saturating_add(1);
    find_a_job(c, p, sw, ctx, tc, out);
}

/// A search off the job: an offer, accepted if its net wage reaches the reservation
/// wage (the last wage, decaying with the months unemployed, at least the benefit).
#[inline(always)]
fn find_a_job(
    c: &mut PeopleChunk<'_>,
    p: &mut PersonMonth,
    sw: f32,
    ctx: &PassContext<'_>,
    tc: &mut TownCounts,
    out: &mut PassResult,
) {
    let i = p.i;
    let options = &ctx.labour.options[p.town];
    let (u_town, u_firm) = p.rng.two_uniforms_f32();
    if let Some(opt) = pick_option(options, u_town)
        && let Some(nf) = pick_firm(&ctx.labour.vacancy_cdf[opt.work_town as usize], u_firm)
    {
        let offer_net = opt.net_wage(ctx.firms[nf as usize].wage * sw);
        let reservation = (c.wage[i]
            * ctx.reservation_ratio
            * ctx.reservation_decay[c.months_unemployed[i] as usize])
            .max(ctx.benefit);
        if offer_net >= reservation {
            c.employer[i] = Some(FirmId::from_index(nf as usize));
            c.months_unemployed[i] = 0;
            out.firm_hires[nf as usize] += 1;
            tc.hires += 1;
        }
    }
}

/// Net wage of the job a resident of `home` holds at `firm` paying `wage`: less the
/// fares and the value of the travel time when the firm is in another town.
#[inline(always)]
fn net_wage(ctx: &PassContext<'_>, home: usize, firm: usize, wage: f32) -> f32 {
    let work = ctx.firms[firm].town as usize;
    if work == home {
        return wage;
    }
    ctx.labour.options[home]
        .iter()
        .find(|o| o.work_town as usize == work)
        .map_or(wage, |o| o.net_wage(wage))
}
