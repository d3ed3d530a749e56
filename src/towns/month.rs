//! The town phase of the month: residents' income, the municipal budget, amenities and
//! housing every month, and the official monotown status once a year (in December).
//!
//! It reads the residents' aggregates of the person pass (in-migrants from outside
//! included) and the tallies of local firms ([`super::economy`]); [`town_phase`] is the
//! step's entry point.

use super::economy::LocalEconomy;
use super::{MonotownCategory, Town};
use crate::firms::Firm;
use crate::people::pass::{TownCounts, WAGE_BINS, wage_bin_value};
use crate::scenario::Params;

/// The town phase: residents' income, budgets, amenities and housing every month
/// ([`update_month`]), the monotown status in December ([`update_status`]). `national`
/// is this month's national (wage, unemployment rate); `first_month` sets the reference
/// levels. Returns the tallies of local firms, which observation reports.
pub fn town_phase(
    towns: &mut [Town],
    params: &Params,
    firms: &[Firm],
    counts: &[TownCounts],
    (national_wage, national_unemployment): (f64, f64),
    scale: f64,
    (first_month, december): (bool, bool),
) -> Vec<LocalEconomy> {
    let economy = super::economy::tally(firms, towns.len());
    update_month(
        towns,
        params,
        counts,
        &economy,
        national_wage,
        scale,
        first_month,
    );
    if december {
        update_status(towns, counts, &economy, firms, national_unemployment, scale);
    }
    economy
}

/// Residents' monthly income (thousand RUB, agents' units): wages of the employed,
/// informal earnings, benefits of the unemployed and pensions of the 60+ (`pension` per
/// pensioner).
pub fn resident_income(c: &TownCounts, benefit: f64, pension: f64) -> f64 {
    let unemployed = c.labour_force.saturating_sub(c.employed + c.informal);
    c.wage_sum + c.informal_wage_sum + benefit * unemployed as f64 + pension * c.pop_band[4] as f64
}

/// Municipal revenue this month (thousand RUB, real): the municipal shares of the income
/// tax on local wage bills and of the profit tax, plus regional transfers per resident.
/// `inv_scale` is 1 / agents per person.
pub fn municipal_revenue(
    params: &Params,
    economy: &LocalEconomy,
    inv_scale: f64,
    population_real: f64,
) -> f64 {
    let p = params.firms();
    (p.income_tax * p.municipal_income_tax_share * economy.wage_bill
        + p.profit_tax * p.municipal_profit_tax_share * economy.profits)
        * inv_scale
        + params.towns().transfer_krub_per_resident * population_real
}

/// Median of a town's wage histogram (thousand RUB/month), 0 when nobody is employed.
pub fn median_wage(hist: &[u32]) -> f64 {
    debug_assert_eq!(hist.len(), WAGE_BINS);
    let total: u64 = hist.iter().map(|&x| x as u64).sum();
    if total == 0 {
        return 0.0;
    }
    let mut acc = 0u64;
    for (b, &x) in hist.iter().enumerate() {
        acc += x as u64;
        if acc * 2 >= total {
            return wage_bin_value(b);
        }
    }
    0.0
}

/// Residents' income, the municipal budget, amenities and housing of every agent town
/// (hubs keep their scenario values). `first_month` sets the reference levels.
pub fn update_month(
    towns: &mut [Town],
    params: &Params,
    counts: &[TownCounts],
    economy: &[LocalEconomy],
    national_wage: f64,
    scale: f64,
    first_month: bool,
) {
    let inv = 1.0 / scale;
    let pension = params.towns().pension_share_of_national_wage * national_wage;
    for (t, town) in towns.iter_mut().enumerate() {
        if town.is_hub {
            continue;
        }
        let c = &counts[t];
        let population_real = c.population() as f64 * inv;
        let income = resident_income(c, params.labour().benefit_krub, pension);
        town.income = income;
        if first_month {
            town.income0 = income;
        }
        let revenue = municipal_revenue(params, &economy[t], inv, population_real);
        town.update_budget_and_amenities(
            params.towns(),
            revenue,
            economy[t].divested_social_upkeep * inv,
            population_real,
            economy[t].heavy_industry_share(),
            first_month,
        );
    }
}

/// The yearly monotown status of every agent town, then next year's city-forming firm.
pub fn update_status(
    towns: &mut [Town],
    counts: &[TownCounts],
    economy: &[LocalEconomy],
    firms: &[Firm],
    national_unemployment: f64,
    scale: f64,
) {
    let inv = 1.0 / scale;
    for (t, town) in towns.iter_mut().enumerate() {
        if town.is_hub {
            continue;
        }
        let e = &economy[t];
        let (now, alive) = match town.city_former {
            Some(cf) => {
                let firm = &firms[cf.firm.index()];
                (Some(firm.workforce), firm.alive)
            }
            None => (None, true),
        };
        let c = &counts[t];
        town.update_status(
            c.population() as f64 * inv,
            e.largest_employer_share().max(e.largest_industry_share()),
            c.unemployment(),
            national_unemployment,
            now,
            alive,
        );
        town.city_former = e.largest;
    }
}

impl Town {
    /// The `monotown_category` output code: 1-3, 0 when not a monotown.
    pub fn category_code(&self) -> i32 {
        MonotownCategory::code(self.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_wage_is_the_bin_where_half_the_workers_are_reached() {
        let mut hist = vec![0u32; WAGE_BINS];
        assert_eq!(median_wage(&hist), 0.0);
        hist[10] = 3;
        hist[50] = 1;
        hist[90] = 2;
        // 6 workers: the 3rd is in bin 10.
        assert_eq!(median_wage(&hist), wage_bin_value(10));
        hist[90] = 3;
        // 7 workers: half (3.5) is reached in bin 50.
        assert_eq!(median_wage(&hist), wage_bin_value(50));
        hist[90] = 5;
        // 9 workers: half (4.5) is reached only in bin 90.
        assert_eq!(median_wage(&hist), wage_bin_value(90));
    }

    #[test]
    fn income_adds_wages_benefits_and_pensions() {
        let mut c = TownCounts {
            labour_force: 10,
            employed: 7,
            wage_sum: 100.0,
            ..TownCounts::default()
        };
        c.pop_band[4] = 4;
        assert_eq!(resident_income(&c, 2.0, 5.0), 100.0 + 2.0 * 3.0 + 5.0 * 4.0);
    }

    #[test]
    fn municipal_budget_identity_holds_each_month() {
        // Balance changes by revenue minus spending, and spending is the smoothed revenue.
        let file = crate::scenario::parse_file(
            include_str!("../../tests/data/tiny.toml"),
            std::path::Path::new("tiny.toml"),
        )
        .unwrap();
        let params = Params::try_from(&file).unwrap();
        let scale = 0.01;
        let inv = 1.0 / scale;
        let mut town = Town::new("x".into(), false, 10_000.0, 10.0, 1.0, 4.0);
        let economy = LocalEconomy {
            jobs: 100,
            wage_bill: 1000.0,
            profits: 50.0,
            ..LocalEconomy::default()
        };
        let mut c = TownCounts::default();
        c.pop_band[2] = 100;
        for month in 0..24 {
            let before = town.budget_balance;
            let mut counts = vec![c.clone()];
            counts[0].pop_band[2] += month;
            update_month(
                std::slice::from_mut(&mut town),
                &params,
                &counts,
                std::slice::from_ref(&economy),
                20.0,
                scale,
                month == 0,
            );
            let population = (100 + month) as f64 * inv;
            let expected = municipal_revenue(&params, &economy, inv, population);
            assert_eq!(town.revenue, expected);
            let flow = town.revenue - town.spending;
            assert!((town.budget_balance - (before + flow)).abs() < 1e-9);
        }
    }
}
