//! The people's month around the person pass: the inputs the pass reads (rate tables,
//! pension ages, education choice, firms' wages; built once a month from the scenario,
//! the policies in force and the firm table), the newborns appended after it, the firms'
//! headcounts recounted from it, and the aggregates of the initial population.

use super::demography::RateTables;
use super::pass::{self, FirmView, PassContext, PassResult, TownCounts};
use super::{NewPerson, People, Skill, age_band};
use crate::firms::Firm;
use crate::ids::PersonId;
use crate::markets::labour::LabourTables;
use crate::migration::MigrationTables;
use crate::policy::{NationalLevers, TownLevers};
use crate::scenario::Params;

/// Pension ages rise by half a year per year once the reform starts (the phasing written
/// in law 350-FZ, not a model parameter).
const PENSION_REFORM_YEARS_PER_YEAR: f64 = 0.5;

/// What the person pass reads this month, owned here so the pass can borrow it.
pub struct PassInputs {
    month: i32,
    step: u32,
    seed: u64,
    rates: RateTables,
    pension_age_months: [i32; 2],
    education: [f32; 2],
    reservation_decay: [f32; 256],
    firms: Vec<FirmView>,
    training: Vec<f32>,
}

impl PassInputs {
    /// This month's inputs: mortality decline and crisis multipliers, pension reform,
    /// the higher-education trend, firms' wages and lay-off risks, training policies.
    pub fn new(
        params: &Params,
        (month, step, seed): (i32, u32, u64),
        national: &NationalLevers,
        levers: &[TownLevers],
        firms: &[Firm],
    ) -> PassInputs {
        let d = params.demography();
        let year = month as f64 / 12.0;
        let decline = (d.mortality_decline * (year - d.mortality_decline_start).max(0.0))
            .min(d.mortality_decline_max);
        let rates = RateTables::new(d, national.mortality * (1.0 - decline), national.fertility);
        let reform = (PENSION_REFORM_YEARS_PER_YEAR
            * (year - d.pension_reform_year).max(0.0).floor())
        .min(d.pension_reform_years_added);
        let pension_age_months = [
            ((d.pension_age_male + reform) * 12.0) as i32,
            ((d.pension_age_female + reform) * 12.0) as i32,
        ];
        let higher = (d.higher_share_start
            + d.higher_share_trend * (year - params.start_year() as f64))
            .clamp(0.0, d.higher_share_max);
        let vocational = d.vocational_share.min(1.0 - higher);
        let mut reservation_decay = [1.0f32; 256];
        for (k, x) in reservation_decay.iter_mut().enumerate() {
            *x = params.labour().reservation_decay.powi(k as i32) as f32;
        }
        let skill_mult = skill_wage(params);
        let firms = firms
            .iter()
            .map(|firm| {
                let wage = firm.paid_wage() as f32;
                FirmView {
                    wage,
                    layoff: if firm.alive {
                        firm.layoff_probability
                    } else {
                        1.0
                    },
                    town: firm.town.0,
                    wage_bin: skill_mult.map(|m| pass::wage_bin(wage * m) as u16),
                }
            })
            .collect();
        let training = levers.iter().map(|l| l.training_per_month as f32).collect();
        PassInputs {
            month,
            step,
            seed,
            rates,
            pension_age_months,
            education: [vocational as f32, higher as f32],
            reservation_decay,
            firms,
            training,
        }
    }

    /// The pass context over these inputs, this month's market tables and commuting reach.
    pub fn context<'a>(
        &'a self,
        params: &'a Params,
        labour: &'a LabourTables,
        migration: &'a MigrationTables,
        reach: &'a [bool],
    ) -> PassContext<'a> {
        let d = params.demography();
        PassContext {
            month: self.month,
            step: self.step,
            seed: self.seed,
            rates: &self.rates,
            pension_age_months: self.pension_age_months,
            school_age_months: (d.school_leaving_age * 12.0) as i32,
            entry_age_months: (params.labour().entry_age * 12.0) as i32,
            study_months: (d.higher_study_years * 12.0) as i32,
            female_birth_share: (1.0 - d.male_birth_share) as f32,
            adult_age: d.adult_age as u32,
            leave_home_max_age: params.migration().leave_home_max_age as u32,
            education: self.education,
            labour,
            migration,
            migration_params: params.migration(),
            firms: &self.firms,
            skill_wage: skill_wage(params),
            quit_rate: params.labour().quit_rate as f32,
            on_the_job_search: params.labour().on_the_job_search as f32,
            switch_premium: params.labour().switch_premium as f32,
            reservation_ratio: params.labour().reservation_ratio as f32,
            reservation_decay: &self.reservation_decay,
            benefit: params.labour().benefit_krub as f32,
            saving_rate: params.labour().saving_rate as f32,
            dissaving: params.labour().unemployed_dissaving_krub as f32,
            training: &self.training,
            reach,
            n_towns: self.training.len(),
            n_firms: self.firms.len(),
        }
    }
}

/// Wage multipliers by skill (basic, vocational, higher).
fn skill_wage(params: &Params) -> [f32; 3] {
    [
        params.labour().wage_basic as f32,
        params.labour().wage_vocational as f32,
        params.labour().wage_higher as f32,
    ]
}

/// Newborns join their mother's town and household, in the order the pass returned
/// them, and are counted among its residents.
pub fn append_newborns(
    people: &mut People,
    next_serial: &mut u32,
    month: i32,
    result: &mut PassResult,
) {
    people.reserve_more(result.newborns.len());
    for &(town, girl, mother) in &result.newborns {
        let household = people.household[mother as usize];
        let id = PersonId(*next_serial);
        *next_serial += 1;
        people.push(
            id,
            NewPerson {
                birth_month: month,
                town,
                female: girl,
                skill: Skill::Basic,
                schooled: false,
                employer: None,
                wage: 0.0,
                savings: 0.0,
                household,
            },
        );
        result.towns[town.index()].pop_band[0] += 1;
    }
}

/// After the pass: the slots of the people gone counted, newborns appended, firms'
/// headcounts and hires recounted, and the people compacted when more than 2% of their
/// slots are gone.
pub fn after_pass(
    people: &mut People,
    next_serial: &mut u32,
    month: i32,
    firms: &mut [Firm],
    result: &mut PassResult,
) {
    people.gone += result.gone as usize;
    // Young adults who left home get a household of their own (before their mothers'
    // newborns are placed, so a baby follows a mother who left).
    for &i in &result.leavers {
        people.household[i as usize] = people.households.add();
    }
    append_newborns(people, next_serial, month, result);
    recount_firms(firms, result);
    // Compact when more than 2% of slots are gone.
    if people.gone * 50 > people.len() {
        people.compact();
    }
}

/// Firms' headcounts and hires as the pass counted them.
fn recount_firms(firms: &mut [Firm], result: &PassResult) {
    for (firm, (&w, &h)) in firms
        .iter_mut()
        .zip(result.firm_workforce.iter().zip(&result.firm_hires))
    {
        firm.workforce = w;
        firm.hires = h;
    }
}

/// Aggregates of the initial population, standing in for "last month" in the first
/// month: residents by age band, the employed and their wages, and the labour force
/// (the employed, and people not in work from the entry age to
/// `labour.initial_labour_force_max_age`).
pub fn initial_counts(
    params: &Params,
    people: &People,
    month: i32,
    n_towns: usize,
) -> Vec<TownCounts> {
    let mut counts = vec![TownCounts::default(); n_towns];
    let lf_age = (params.labour().entry_age * 12.0) as i32;
    let lf_max_age = (params.labour().initial_labour_force_max_age * 12.0) as i32;
    for i in 0..people.len() {
        let Some(town) = people.town[i] else {
            continue;
        };
        let age = month - people.birth_month[i];
        let c = &mut counts[town.index()];
        c.pop_band[age_band((age / 12) as u32)] += 1;
        if people.employer[i].is_some() {
            c.employed += 1;
            c.labour_force += 1;
            c.wage_sum += people.wage[i] as f64;
        } else if age >= lf_age && age < lf_max_age {
            c.labour_force += 1;
        }
    }
    counts
}
