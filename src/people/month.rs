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
use crate::scenario::{Labour, Params};

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
        let firms = firm_views(params.labour(), skill_wage(params), firms, levers.len());
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

/// What the pass reads of each firm this month: its paid wage, the separation
/// probability of its workers (quits at its wage relative to its town's, plus lay-offs;
/// 1 for a closed firm), its town and the wage bins of its skills.
fn firm_views(
    labour: &Labour,
    skill_mult: [f32; 3],
    firms: &[Firm],
    n_towns: usize,
) -> Vec<FirmView> {
    let town_wage = town_mean_paid_wages(firms, n_towns);
    firms
        .iter()
        .map(|firm| {
            let wage = firm.paid_wage() as f32;
            FirmView {
                wage,
                separation: if firm.alive {
                    let quit = quit_probability(
                        labour.quit_rate,
                        labour.quit_wage_elasticity,
                        firm.paid_wage(),
                        town_wage[firm.town.index()],
                    );
                    (quit + firm.layoff_probability as f64).min(1.0) as f32
                } else {
                    1.0
                },
                town: firm.town.0,
                wage_bin: skill_mult.map(|m| pass::wage_bin(wage * m) as u16),
            }
        })
        .collect()
}

/// Workforce-weighted mean paid wage of the open firms in each town (0 where no open
/// firm employs anyone).
fn town_mean_paid_wages(firms: &[Firm], n_towns: usize) -> Vec<f64> {
    let mut bill = vec![0.0; n_towns];
    let mut staff = vec![0.0; n_towns];
    for f in firms.iter().filter(|f| f.alive && f.workforce > 0) {
        bill[f.town.index()] += f.paid_wage() * f.workforce as f64;
        staff[f.town.index()] += f.workforce as f64;
    }
    bill.iter()
        .zip(&staff)
        .map(|(&b, &n)| if n > 0.0 { b / n } else { 0.0 })
        .collect()
}

/// Monthly quit probability of a worker at a firm paying `wage` in a town whose firms
/// pay `town_wage` on average: `quit_rate x (wage / town_wage)^(-elasticity)`, at most
/// 1 (the participation side of dynamic monopsony: workers leave low-paying firms
/// faster; Manning 2003, ch. 4). Without a town mean (or a wage) the base rate.
fn quit_probability(quit_rate: f64, elasticity: f64, wage: f64, town_wage: f64) -> f64 {
    if elasticity == 0.0 || wage <= 0.0 || town_wage <= 0.0 {
        return quit_rate;
    }
    (quit_rate * (wage / town_wage).powf(-elasticity)).min(1.0)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::{FirmKind, Sector, test_firm};
    use crate::ids::TownId;
    use crate::scenario::Firms;

    /// An open firm in town 0 with this workforce, base wage and pay ratio.
    fn paying(workforce: u32, base_wage: f64, pay_ratio: f64) -> Firm {
        let mut f = test_firm(
            "f",
            Sector::Metallurgy,
            FirmKind::Giant,
            10.0,
            &Firms::default(),
        );
        (f.workforce, f.base_wage, f.pay_ratio) = (workforce, base_wage, pay_ratio);
        f
    }

    #[test]
    fn quits_rise_as_a_firm_pays_below_its_town_and_fall_above() {
        let q = |w| quit_probability(0.01, 1.0, w, 20.0);
        assert!((q(20.0) - 0.01).abs() < 1e-12);
        assert!((q(10.0) - 0.02).abs() < 1e-12);
        assert!((q(40.0) - 0.005).abs() < 1e-12);
        assert!(q(0.1) <= 1.0, "a probability");
        // Elasticity 0 (or no town mean) is the flat base rate.
        assert_eq!(quit_probability(0.01, 0.0, 5.0, 20.0), 0.01);
        assert_eq!(quit_probability(0.01, 1.0, 5.0, 0.0), 0.01);
    }

    #[test]
    fn the_town_mean_wage_weighs_open_firms_by_their_workforce() {
        let (a, b) = (paying(30, 10.0, 1.0), paying(10, 40.0, 0.5));
        let mut closed = paying(100, 100.0, 1.0);
        closed.alive = false;
        let mut elsewhere = paying(5, 7.0, 1.0);
        elsewhere.town = TownId(1);
        let mean = town_mean_paid_wages(&[a, b, closed, elsewhere], 3);
        // (30 x 10 + 10 x 20) / 40: the closed firm does not count, arrears do.
        assert!((mean[0] - 12.5).abs() < 1e-12);
        assert!((mean[1] - 7.0).abs() < 1e-12);
        assert_eq!(mean[2], 0.0);
    }

    /// The pass reads each firm's separation probability: the quit probability at its
    /// relative wage plus its lay-off probability, 1 for a closed firm.
    #[test]
    fn regression_workers_stayed_at_firms_paying_a_fraction_of_the_town_wage() {
        let view = |elasticity: f64| {
            let labour = Labour {
                quit_wage_elasticity: elasticity,
                ..Labour::default()
            };
            let (mut low, high) = (paying(50, 10.0, 1.0), paying(50, 40.0, 1.0));
            low.layoff_probability = 0.05;
            let mut closed = paying(0, 20.0, 1.0);
            closed.alive = false;
            let views = firm_views(&labour, [1.0; 3], &[low, high, closed], 1);
            views.iter().map(|f| f.separation).collect::<Vec<f32>>()
        };
        let quit = Labour::default().quit_rate;
        // The town mean is 25: the low payer quits at 2.5 times the base rate, the high
        // payer at 0.625 times; the lay-off adds on.
        let on = view(1.0);
        assert!((on[0] as f64 - (2.5 * quit + 0.05)).abs() < 1e-6, "{on:?}");
        assert!((on[1] as f64 - 0.625 * quit).abs() < 1e-6, "{on:?}");
        assert_eq!(on[2], 1.0);
        let off = view(0.0);
        assert!((off[0] as f64 - (quit + 0.05)).abs() < 1e-6, "{off:?}");
        assert!((off[1] as f64 - quit).abs() < 1e-6, "{off:?}");
    }
}
