//! Towns: municipal budget, amenities, housing cost and official monotown status.
//!
//! The budget collects the municipal share of the income tax on wages paid by local
//! firms, a share of their profit tax and regional transfers, and spends a smoothed
//! revenue, part on amenities; amenities move towards the level implied by spending per
//! resident and suffer from heavy industry's pollution (seeds 003-004). Housing cost
//! follows population relative to the start (demand pressure on a fixed stock).
//!
//! Monotown status follows the 2014 government criteria (Resolution No. 709 of
//! 29.07.2014): more than 3,000 residents; at least 20% of employment in one
//! organisation or one industry (chain), averaged over 5 years; that organisation in
//! mining or manufacturing. Category 1 (most difficult) when the city-forming firm
//! closed, its workforce fell by more than 10% in the year (announced lay-offs), or
//! unemployment is at least twice the national rate; category 2 (risk of worsening) when
//! unemployment exceeds the national rate or the city-forming firm shed more than 5%;
//! otherwise category 3 (stable).
//!
//! The monthly town phase (residents' income, budget, amenities, housing, and the yearly
//! status) is in [`month`]; the tallies of local firms it reads in [`economy`].

pub mod economy;
pub mod month;

pub mod geography;

use std::collections::VecDeque;

use crate::scenario::Towns;
pub use economy::CityFormer;

/// Legal thresholds of the monotown status (Resolution No. 709 of 29.07.2014). They are
/// law, not model parameters.
pub mod status_rule {
    /// A monotown has more than this many residents.
    pub const MIN_POPULATION: f64 = 3000.0;
    /// Share of jobs in one organisation or industry, averaged over the years below.
    pub const MIN_CONCENTRATION: f64 = 0.2;
    /// Years the concentration is averaged over.
    pub const CONCENTRATION_YEARS: usize = 5;
    /// Category 1 when unemployment is at least this multiple of the national rate.
    pub const CRISIS_UNEMPLOYMENT_RATIO: f64 = 2.0;
    /// Category 1 when the city-forming firm shed more than this share in the year.
    pub const CRISIS_LAYOFF_SHARE: f64 = 0.10;
    /// Category 2 when the city-forming firm shed more than this share in the year.
    pub const RISK_LAYOFF_SHARE: f64 = 0.05;
}

/// Category of an official monotown (2014 rules). A town that is not a monotown has no
/// category (`Option<MonotownCategory>` is `None`); the output column writes the
/// categories as 1-3 and 0 for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonotownCategory {
    /// Category 1: the most difficult social and economic situation.
    MostDifficult = 1,
    /// Category 2: risk of the situation worsening.
    AtRisk = 2,
    /// Category 3: stable.
    Stable = 3,
}

impl MonotownCategory {
    /// The code written to the `monotown_category` column: 1-3, and 0 for a town that is
    /// not a monotown.
    pub fn code(category: Option<MonotownCategory>) -> i32 {
        category.map_or(0, |c| c as i32)
    }
}

/// State of one town.
#[derive(Debug, Clone)]
pub struct Town {
    /// Name.
    pub name: String,
    /// Aggregate hub (no agents).
    pub is_hub: bool,
    /// Real population at the start.
    pub population0: f64,
    /// Real population of a hub (stock); agent towns count their agents instead.
    pub hub_population: f64,
    /// Start wage level (thousand RUB/month).
    pub wage0: f64,
    /// Amenity index.
    pub amenity: f64,
    /// Amenity at the start.
    pub amenity0: f64,
    /// Housing cost (thousand RUB/month).
    pub housing: f64,
    /// Housing cost at the start.
    pub housing0: f64,
    /// Residents' income at the start (agents' units).
    pub income0: f64,
    /// Residents' income last month.
    pub income: f64,
    /// Municipal budget balance (stock, thousand RUB).
    pub budget_balance: f64,
    /// Smoothed revenue (thousand RUB/month).
    pub revenue_smooth: f64,
    /// Revenue last month.
    pub revenue: f64,
    /// Spending last month.
    pub spending: f64,
    /// Spending per resident at the start.
    pub spending_per_resident0: f64,
    /// Share of local jobs in metallurgy and mining at the start.
    pub heavy_share0: f64,
    /// Yearly share of the largest industrial employer or industry, last 5 years.
    pub concentration_history: VecDeque<f64>,
    /// Monotown category this year; `None` when the town is not a monotown.
    pub status: Option<MonotownCategory>,
    /// City-forming firm (largest industrial employer) and its workforce at the start of the year.
    pub city_former: Option<CityFormer>,
}

impl Town {
    /// A town at the start.
    pub fn new(
        name: String,
        is_hub: bool,
        population0: f64,
        wage0: f64,
        amenity: f64,
        housing: f64,
    ) -> Town {
        Town {
            name,
            is_hub,
            population0,
            hub_population: if is_hub { population0 } else { 0.0 },
            wage0,
            amenity,
            amenity0: amenity,
            housing,
            housing0: housing,
            income0: 0.0,
            income: 0.0,
            budget_balance: 0.0,
            revenue_smooth: 0.0,
            revenue: 0.0,
            spending: 0.0,
            spending_per_resident0: 0.0,
            heavy_share0: 0.0,
            concentration_history: VecDeque::new(),
            status: None,
            city_former: None,
        }
    }

    /// Monthly budget, amenity and housing update. `revenue` (own revenue) and
    /// `social_upkeep` (upkeep of the social assets firms have handed over to the
    /// municipality) in thousand RUB (real). The upkeep is financed by the earmarked
    /// transfer that came with the assets: it enters revenue and spending alike and
    /// leaves the balance and the amenities unchanged.
    pub fn update_budget_and_amenities(
        &mut self,
        p: &Towns,
        revenue: f64,
        social_upkeep: f64,
        population: f64,
        heavy_share: f64,
        first_month: bool,
    ) {
        self.revenue = revenue + social_upkeep;
        if first_month {
            self.revenue_smooth = revenue;
            self.spending_per_resident0 = revenue / population.max(1.0);
            self.heavy_share0 = heavy_share;
        }
        self.revenue_smooth += (revenue - self.revenue_smooth) / p.revenue_smoothing_months;
        self.spending = self.revenue_smooth + social_upkeep;
        self.budget_balance += self.revenue - self.spending;
        let per_resident = self.revenue_smooth / population.max(1.0);
        let ratio = if self.spending_per_resident0 > 0.0 {
            (per_resident / self.spending_per_resident0).max(0.01)
        } else {
            1.0
        };
        let target = self.amenity0
            * ratio.powf(
                p.amenity_spending_elasticity
                    * p.amenity_spending_share.max(0.0)
                    * p.amenity_share_scale,
            )
            - p.pollution_penalty * (heavy_share - self.heavy_share0);
        self.amenity += p.amenity_adjustment * (target - self.amenity);
        self.housing = self.housing0
            * (population / self.population0.max(1.0))
                .max(0.01)
                .powf(p.housing_elasticity);
    }

    /// Whether the town is an official monotown this year.
    pub fn is_monotown(&self) -> bool {
        self.status.is_some()
    }

    /// Yearly monotown status. Shares are of local jobs; `unemployment` and
    /// `national_unemployment` are rates.
    pub fn update_status(
        &mut self,
        population: f64,
        concentration: f64,
        unemployment: f64,
        national_unemployment: f64,
        city_former_now: Option<u32>,
        city_former_alive: bool,
    ) {
        self.concentration_history.push_back(concentration);
        use status_rule::*;
        while self.concentration_history.len() > CONCENTRATION_YEARS {
            self.concentration_history.pop_front();
        }
        let avg = self.concentration_history.iter().sum::<f64>()
            / self.concentration_history.len() as f64;
        let monotown = !self.is_hub && population > MIN_POPULATION && avg >= MIN_CONCENTRATION;
        if !monotown {
            self.status = None;
            return;
        }
        let decline = match (self.city_former, city_former_now) {
            (Some(start), Some(now)) if start.workforce > 0 => {
                1.0 - now as f64 / start.workforce as f64
            }
            _ => 0.0,
        };
        self.status = Some(
            if !city_former_alive
                || decline > CRISIS_LAYOFF_SHARE
                || unemployment >= CRISIS_UNEMPLOYMENT_RATIO * national_unemployment
            {
                MonotownCategory::MostDifficult
            } else if unemployment > national_unemployment || decline > RISK_LAYOFF_SHARE {
                MonotownCategory::AtRisk
            } else {
                MonotownCategory::Stable
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_needs_five_year_average_concentration() {
        let mut t = Town::new("x".into(), false, 10000.0, 10.0, 1.0, 4.0);
        t.update_status(10000.0, 0.5, 0.05, 0.05, None, true);
        assert!(t.is_monotown());
        for _ in 0..5 {
            t.update_status(10000.0, 0.05, 0.05, 0.05, None, true);
        }
        assert!(!t.is_monotown());
        assert_eq!(MonotownCategory::code(t.status), 0);
    }

    #[test]
    fn small_towns_and_hubs_are_never_monotowns() {
        let mut t = Town::new("x".into(), false, 2000.0, 10.0, 1.0, 4.0);
        t.update_status(2000.0, 0.9, 0.0, 0.05, None, true);
        assert!(!t.is_monotown());
        let mut h = Town::new("h".into(), true, 1e6, 10.0, 1.0, 4.0);
        h.update_status(1e6, 0.9, 0.0, 0.05, None, true);
        assert!(!h.is_monotown());
    }

    #[test]
    fn categories_follow_the_2014_rules() {
        let mut t = Town::new("x".into(), false, 10000.0, 10.0, 1.0, 4.0);
        t.city_former = Some(CityFormer {
            firm: crate::ids::FirmId::from_index(0),
            workforce: 1000,
        });
        t.update_status(10000.0, 0.4, 0.03, 0.05, Some(1000), true);
        assert_eq!(t.status, Some(MonotownCategory::Stable));
        t.update_status(10000.0, 0.4, 0.06, 0.05, Some(1000), true);
        assert_eq!(t.status, Some(MonotownCategory::AtRisk));
        t.update_status(10000.0, 0.4, 0.10, 0.05, Some(1000), true);
        assert_eq!(t.status, Some(MonotownCategory::MostDifficult));
        t.update_status(10000.0, 0.4, 0.03, 0.05, Some(850), true);
        assert_eq!(
            t.status,
            Some(MonotownCategory::MostDifficult),
            "lay-offs over 10%"
        );
        t.update_status(10000.0, 0.4, 0.03, 0.05, Some(1000), false);
        assert_eq!(
            t.status,
            Some(MonotownCategory::MostDifficult),
            "city-forming firm closed"
        );
    }

    #[test]
    fn housing_follows_population() {
        let mut t = Town::new("x".into(), false, 10000.0, 10.0, 1.0, 4.0);
        let p = Towns::default();
        t.update_budget_and_amenities(&p, 100.0, 0.0, 10000.0, 0.2, true);
        t.update_budget_and_amenities(&p, 100.0, 0.0, 8000.0, 0.2, false);
        assert!(t.housing < 4.0);
    }

    #[test]
    fn divested_social_assets_pass_through_the_budget() {
        let p = Towns::default();
        let mut a = Town::new("a".into(), false, 10000.0, 10.0, 1.0, 4.0);
        let mut b = Town::new("b".into(), false, 10000.0, 10.0, 1.0, 4.0);
        for (month, upkeep) in [(0, 0.0), (1, 30.0), (2, 50.0)] {
            a.update_budget_and_amenities(&p, 100.0, 0.0, 10000.0, 0.2, month == 0);
            b.update_budget_and_amenities(&p, 100.0, upkeep, 10000.0, 0.2, month == 0);
            // The transfer comes in and goes out: balance and amenities as without it.
            assert_eq!(b.revenue, a.revenue + upkeep);
            assert_eq!(b.spending, a.spending + upkeep);
            assert!((b.budget_balance - a.budget_balance).abs() < 1e-9);
            assert_eq!(b.amenity, a.amenity);
        }
    }
}
