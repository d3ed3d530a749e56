//! Demographic rates: Gompertz-Makeham mortality and a Gaussian fertility schedule.
//!
//! Annual rates are turned into monthly probabilities `1 - exp(-m/12)` once per month
//! (crisis multipliers can change monthly) and looked up by age in whole years.

use crate::scenario::Demography;

/// Monthly probabilities by age in years.
#[derive(Debug, Clone)]
pub struct RateTables {
    /// Death probability this month, men, by age.
    pub death_male: Vec<f32>,
    /// Death probability this month, women, by age.
    pub death_female: Vec<f32>,
    /// Birth probability this month for a woman, by age.
    pub birth: Vec<f32>,
}

/// Annual death rate at `age` for the given sex, before crisis multipliers.
pub fn annual_mortality(d: &Demography, age: u32, female: bool) -> f64 {
    let a = age as f64;
    let base = d.makeham + d.gompertz_a * (d.gompertz_b * a).exp();
    let sex = if female { 1.0 } else { male_ratio(d, a) };
    let infant = if age == 0 { d.infant_mortality } else { 0.0 };
    (base * sex + infant).min(1.0)
}

/// The male excess is largest at working ages and fades at old ages, as in Russian life tables.
fn male_ratio(d: &Demography, age: f64) -> f64 {
    let r = d.male_mortality_ratio;
    if age < d.male_excess_adult_from_age {
        1.0 + (r - 1.0) * d.male_excess_child_share
    } else if age < d.male_excess_fade_from_age {
        r
    } else {
        1.0 + (r - 1.0)
            * (1.0 - ((age - d.male_excess_fade_from_age) / d.male_excess_fade_years).min(1.0))
            * d.male_excess_old_share
            + d.male_excess_oldest
    }
}

/// Annual fertility rate of a woman aged `age` at total fertility `tfr`.
pub fn annual_fertility(d: &Demography, age: u32, tfr: f64) -> f64 {
    let fertile = d.fertility_min_age as u32..=d.fertility_max_age as u32;
    if !fertile.contains(&age) {
        return 0.0;
    }
    let norm: f64 = fertile.map(|a| gaussian(d, a as f64 + 0.5)).sum();
    tfr * gaussian(d, age as f64 + 0.5) / norm
}

fn gaussian(d: &Demography, x: f64) -> f64 {
    let z = (x - d.fertility_mean_age) / d.fertility_sd_age;
    (-0.5 * z * z).exp()
}

impl RateTables {
    /// Tables for one month, with crisis multipliers applied.
    pub fn new(d: &Demography, mortality_multiplier: f64, fertility_multiplier: f64) -> RateTables {
        let max_age = d.max_age as u32;
        let monthly = |annual: f64| (1.0 - (-annual / 12.0).exp()) as f32;
        let mut death_male = Vec::with_capacity(max_age as usize + 1);
        let mut death_female = Vec::with_capacity(max_age as usize + 1);
        let mut birth = Vec::with_capacity(max_age as usize + 1);
        for age in 0..=max_age {
            if age == max_age {
                death_male.push(1.0);
                death_female.push(1.0);
            } else {
                death_male.push(monthly(
                    annual_mortality(d, age, false) * mortality_multiplier,
                ));
                death_female.push(monthly(
                    annual_mortality(d, age, true) * mortality_multiplier,
                ));
            }
            birth.push(monthly(annual_fertility(
                d,
                age,
                d.tfr * fertility_multiplier,
            )));
        }
        RateTables {
            death_male,
            death_female,
            birth,
        }
    }
}

/// Life expectancy at birth implied by the tables (for tests and docs).
pub fn life_expectancy(d: &Demography, female: bool) -> f64 {
    let mut alive = 1.0;
    let mut years = 0.0;
    for age in 0..(d.max_age as u32) {
        let q = 1.0 - (-annual_mortality(d, age, female)).exp();
        years += alive * (1.0 - q / 2.0);
        alive *= 1.0 - q;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fertility_schedule_sums_to_tfr() {
        let d = Demography::default();
        let total: f64 = (0..100).map(|a| annual_fertility(&d, a, 1.5)).sum();
        assert!((total - 1.5).abs() < 1e-9);
        assert_eq!(annual_fertility(&d, 14, 1.5), 0.0);
    }

    #[test]
    fn life_expectancy_is_close_to_russia_1989() {
        // Rosstat 1989: men 64.2, women 74.5 years.
        let d = Demography::default();
        let men = life_expectancy(&d, false);
        let women = life_expectancy(&d, true);
        assert!((60.0..68.0).contains(&men), "men {men}");
        assert!((71.0..78.0).contains(&women), "women {women}");
    }

    #[test]
    fn mortality_rises_with_age_after_childhood_and_multiplier_scales_it() {
        let d = Demography::default();
        let t = RateTables::new(&d, 1.0, 1.0);
        for a in 10..90 {
            assert!(t.death_male[a + 1] >= t.death_male[a]);
        }
        let t2 = RateTables::new(&d, 1.5, 1.0);
        assert!(t2.death_male[50] > t.death_male[50] * 1.45);
        assert_eq!(*t.death_female.last().unwrap(), 1.0);
    }
}
