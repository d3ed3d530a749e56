//! The goods market: this month's demand indices for firms' output.
//!
//! A firm sells to four markets: exports (volume index at world prices), state orders,
//! the national market and the local market. The local market follows the town's income
//! relative to the start (the local multiplier of Moretti 2010); the public sector's
//! "market" follows the town's population and national demand. Hubs are not modelled
//! firm by firm: they offer a pool of commuter jobs that grows with national demand.

use crate::firms::{Firm, Sector};
use crate::markets::prices::WorldPrices;
use crate::markets::season::SeasonMonth;
use crate::people::pass::TownCounts;
use crate::policy::NationalLevers;
use crate::scenario::{Params, interpolate};
use crate::towns::Town;

/// Lowest ratio of a town's income to its starting income used in the local demand
/// index (a numerical guard against a zero income).
const MIN_INCOME_RATIO: f64 = 0.01;

/// Lowest unemployment rate used in the regional wage curve (a numerical guard: the
/// curve is in logs of the rate).
const MIN_UNEMPLOYMENT_RATE: f64 = 0.005;

/// Demand indices of this month.
#[derive(Debug, Clone)]
pub struct Markets {
    /// World price by sector, shocks included.
    pub world_price: [f64; Sector::COUNT],
    /// World (export) volume index.
    pub export_volume: f64,
    /// National demand index.
    pub national: f64,
    /// State orders index.
    pub state_orders: f64,
    /// Income index by town (local market).
    pub local: Vec<f64>,
    /// Population index by town times national demand (public sector).
    pub public: Vec<f64>,
    /// This month's change of the national wage norm (ratio to last month).
    pub wage_drift: f64,
    /// Commuter jobs wanted by hub town (agents) and hub wage.
    pub hub_jobs: Vec<f64>,
    /// Hub wage by town.
    pub hub_wage: Vec<f64>,
    /// The regional wage curve by town (Blanchflower & Oswald 1994): the town's wage
    /// level relative to the national norm that its unemployment rate relative to the
    /// national rate calls for, `(u_town / u_national)^(-firms.wage_curve_elasticity)`
    /// (1 in hubs).
    pub wage_curve: Vec<f64>,
    /// This month's seasonal demand factors by town and sector, and the season's peak
    /// factors ([`super::season`]); empty means 1 everywhere.
    pub season: SeasonMonth,
    /// Whether each sector's demand is seasonal in this scenario.
    pub seasonal_sector: [bool; Sector::COUNT],
}

#[cfg(test)]
impl Markets {
    /// One town's markets with every index at 1 (no hub jobs): the fixture of unit tests.
    pub(crate) fn neutral() -> Self {
        Markets {
            world_price: [1.0; Sector::COUNT],
            export_volume: 1.0,
            national: 1.0,
            state_orders: 1.0,
            wage_drift: 1.0,
            local: vec![1.0],
            public: vec![1.0],
            hub_jobs: vec![0.0],
            hub_wage: vec![0.0],
            wage_curve: vec![1.0],
            season: SeasonMonth::default(),
            seasonal_sector: [false; Sector::COUNT],
        }
    }
}

impl Markets {
    /// Demand index of a firm's market mix.
    pub fn demand_index(&self, f: &Firm) -> f64 {
        let national_share = (1.0 - f.export_share - f.state_order_share - f.local_share).max(0.0);
        let local = if f.sector == Sector::PublicSector {
            self.public[f.town.index()]
        } else {
            self.local[f.town.index()]
        };
        f.export_share * self.export_volume
            + f.state_order_share * self.state_orders
            + f.local_share * local
            + national_share * self.national
    }

    /// A firm's seasonal demand factor this month and its season's peak factor ((1, 1)
    /// for a sector without seasonality).
    #[inline]
    pub fn season(&self, f: &Firm) -> (f64, f64) {
        let (t, s) = (f.town.index(), f.sector.index());
        match (self.season.factor.get(t), self.season.peak.get(t)) {
            (Some(factor), Some(peak)) => (factor[s], peak[s]),
            _ => (1.0, 1.0),
        }
    }

    /// Whether a firm's sector has seasonal demand in this scenario.
    #[inline]
    pub fn is_seasonal(&self, f: &Firm) -> bool {
        self.seasonal_sector[f.sector.index()]
    }

    /// Move a firm's wage towards its town's wage-curve level: it closes `adjustment` of
    /// the log gap between the factor it has applied so far and the town's current one
    /// each month (partial adjustment), and records the factor now applied.
    pub fn apply_wage_curve(&self, f: &mut Firm, adjustment: f64) {
        let Some(&target) = self.wage_curve.get(f.town.index()) else {
            return;
        };
        let applied = f.wage_curve.max(f64::MIN_POSITIVE);
        let next = applied.powf(1.0 - adjustment) * target.powf(adjustment);
        f.base_wage *= next / applied;
        f.wage_curve = next;
    }

    /// Price of a firm's output relative to the start.
    pub fn price(&self, f: &Firm) -> f64 {
        f.export_share * self.world_price[f.sector.index()] + (1.0 - f.export_share)
    }
}

/// What this month's goods markets are built from.
pub struct GoodsInputs<'a> {
    /// The validated scenario (national paths, towns, firm parameters).
    pub params: &'a Params,
    /// Absolute month index.
    pub month: i32,
    /// Agents per person.
    pub scale: f64,
    /// World prices, already advanced to this month.
    pub prices: &'a WorldPrices,
    /// National shocks and policies in force.
    pub national: &'a NationalLevers,
    /// Towns.
    pub towns: &'a [Town],
    /// Last month's aggregates by town (agents).
    pub last: &'a [TownCounts],
    /// National wage norm this month (thousand RUB/month).
    pub national_wage: f64,
    /// Master seed (the weather streams).
    pub seed: u64,
}

/// This month's demand indices: national trend and shocks, world prices, local income
/// and public demand by town, and the hubs' commuter jobs and wages.
pub fn goods_markets(g: &GoodsInputs<'_>) -> Markets {
    let p = g.params;
    let national = g.national;
    let n = g.towns.len();
    let year_frac = g.month as f64 / 12.0 - p.start_year() as f64;
    let year = g.month as f64 / 12.0;
    let trend = (1.0 + p.firms().national_demand_growth).powf(year_frac);
    let mut world_price = [1.0; Sector::COUNT];
    for s in Sector::ALL {
        world_price[s.index()] = g.prices.index(s) * national.world_price[s.index()];
    }
    let national_wage = g.national_wage;
    let national_wage0 = interpolate(p.national_wage_krub(), p.start_year() as f64);

    // Local income and population indices.
    let mut local = vec![1.0; n];
    let mut public = vec![1.0; n];
    let mut hub_jobs = vec![0.0; n];
    let mut hub_wage = vec![0.0; n];
    let mut wage_curve = vec![1.0; n];
    let national_u = interpolate(p.national_unemployment_rate(), year);
    for (t, town) in g.towns.iter().enumerate() {
        let ts = &p.town_list()[t];
        if town.is_hub {
            hub_jobs[t] = ts.commuter_jobs * g.scale * (national.demand * trend).sqrt();
            hub_wage[t] = ts.wage_krub * national_wage / national_wage0
                * (1.0 + ts.wage_growth).powf(year_frac);
        } else {
            if town.income0 > 0.0 {
                local[t] = (town.income / town.income0)
                    .max(MIN_INCOME_RATIO)
                    .powf(p.firms().local_income_elasticity);
            }
            let pop = g.last[t].population() as f64 / g.scale;
            public[t] = (pop / town.population0.max(1.0)) * (trend * national.demand).sqrt();
            wage_curve[t] = wage_curve_level(
                g.last[t].unemployment(),
                national_u,
                p.firms().wage_curve_elasticity,
            );
        }
    }
    let wage_drift = national_wage / interpolate(p.national_wage_krub(), year - 1.0 / 12.0);
    let is_hub: Vec<bool> = g.towns.iter().map(|t| t.is_hub).collect();
    let seasonality = p.seasonality();
    let mut seasonal_sector = [false; Sector::COUNT];
    for s in Sector::ALL {
        seasonal_sector[s.index()] = seasonality.is_seasonal(s);
    }
    Markets {
        season: seasonality.month(g.seed, g.month, &is_hub),
        seasonal_sector,
        wage_drift,
        world_price,
        export_volume: trend,
        national: trend * national.demand,
        state_orders: national.state_orders,
        local,
        public,
        hub_jobs,
        hub_wage,
        wage_curve,
    }
}

/// The regional wage curve (Blanchflower & Oswald 1994): a town's wage level relative to
/// the national norm, `(u_town / u_national)^(-elasticity)`, both rates at least
/// [`MIN_UNEMPLOYMENT_RATE`].
pub fn wage_curve_level(u_town: f64, u_national: f64, elasticity: f64) -> f64 {
    let ratio = u_town.max(MIN_UNEMPLOYMENT_RATE) / u_national.max(MIN_UNEMPLOYMENT_RATE);
    ratio.powf(-elasticity)
}

/// The shared demand of each town's sector markets (Dixit & Stiglitz 1977 monopolistic
/// competition with a fixed expenditure): a sector market of a town has an expenditure
/// at base indices (`size`, agents' units), set at the start from the incumbents' sales
/// and raised only by firms that bring their own customers (relocations). Each firm's
/// claim on it is its base demand times its idiosyncratic factor and capacity (its
/// quality-weighted appeal); when the claims exceed the expenditure, every firm's demand
/// is scaled by the same crowding factor `size / claims`, so an entrant's sales come out
/// of the incumbents' (market shares proportional to appeal, which follows a firm's
/// productivity and customer base). When exits leave the
/// claims below the expenditure, the room is open to entrants and the factor is capped at
/// 1; in non-tradable local markets the exiting firms' customers can move to the
/// survivors over the following months (`customer_reallocation` in `firms::production`,
/// off by default).
#[derive(Debug, Clone)]
pub struct MarketShares {
    /// Expenditure at base indices by town and sector (agents' units).
    pub size: Vec<[f64; Sector::COUNT]>,
    /// Sum of the living firms' claims by town and sector.
    pub claims: Vec<[f64; Sector::COUNT]>,
    /// Median log productivity-to-wage ratio of the living firms by town and sector
    /// (`NaN` where the town has no firm of the sector).
    pub fitness: Vec<[f64; Sector::COUNT]>,
    /// The same median over all towns by sector (`NaN` without firms).
    pub sector_fitness: [f64; Sector::COUNT],
    /// Claim-weighted mean fitness of the firms selection acts on ([`selected`]) by town
    /// and sector (`NaN` without such firms): the reference of the replicator dynamics.
    pub selection_mean: Vec<[f64; Sector::COUNT]>,
    /// Each town's vacancy yield of last month: its firms' hires over their vacancies
    /// (hub pools excluded; `NaN` in a town without vacancies). The reference of wage
    /// posting ([`crate::firms::production`], docs/ODD.md 7.11).
    pub fill_rate: Vec<f64>,
}

/// Whether selection moves a firm's market share: not giants or firms with a social role
/// (they sell under contracts), not the budget-funded public sector, not hub pools.
#[inline]
pub fn selected(f: &Firm) -> bool {
    in_market(f)
        && f.kind != crate::firms::FirmKind::Giant
        && !f.social_role
        && f.sector != Sector::PublicSector
}

/// A firm's claim on its sector market: base demand (its appeal, which selection moves)
/// times its capacity. The idiosyncratic demand factor is not part of the claim: it
/// stands for the firm's own customers' fortunes.
#[inline]
pub fn claim(f: &Firm) -> f64 {
    f.base_demand * f.capacity
}

/// A firm's fitness: log productivity over its wage (the inverse of its unit labour
/// cost), the trait selection acts on.
#[inline]
pub fn fitness(f: &Firm) -> f64 {
    (f.productivity / f.base_wage.max(1e-9)).ln()
}

/// Whether a firm takes part in its town's sector market (hubs' job pools do not).
#[inline]
fn in_market(f: &Firm) -> bool {
    f.alive && f.kind != crate::firms::FirmKind::Hub
}

/// Median of a non-empty slice (sorted in place), `NaN` when empty.
fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

impl Default for MarketShares {
    /// No markets: no crowding and no incumbents to draw fitness from.
    fn default() -> Self {
        MarketShares {
            size: Vec::new(),
            claims: Vec::new(),
            fitness: Vec::new(),
            sector_fitness: [f64::NAN; Sector::COUNT],
            selection_mean: Vec::new(),
            fill_rate: Vec::new(),
        }
    }
}

impl MarketShares {
    /// The expenditure of every town's sector markets from the firms' claims (at the
    /// start), with at least `floor` in every market (the room for a sector a town does
    /// not have yet).
    pub fn sizes(firms: &[Firm], n_towns: usize, floor: &[f64]) -> Vec<[f64; Sector::COUNT]> {
        let mut size = vec![[0.0; Sector::COUNT]; n_towns];
        for f in firms.iter().filter(|f| in_market(f)) {
            size[f.town.index()][f.sector.index()] += claim(f);
        }
        for (row, &fl) in size.iter_mut().zip(floor) {
            for x in row.iter_mut() {
                *x = x.max(fl);
            }
        }
        size
    }

    /// This month's claims and fitness medians of markets of the given sizes.
    pub fn of(firms: &[Firm], size: &[[f64; Sector::COUNT]]) -> MarketShares {
        let n = size.len();
        let mut claims = vec![[0.0; Sector::COUNT]; n];
        let mut groups: Vec<Vec<f64>> = vec![Vec::new(); n * Sector::COUNT];
        let mut by_sector: Vec<Vec<f64>> = vec![Vec::new(); Sector::COUNT];
        let mut weighted = vec![[(0.0, 0.0); Sector::COUNT]; n];
        let mut flows = vec![(0u64, 0u64); n];
        for f in firms.iter().filter(|f| in_market(f)) {
            let (t, s) = (f.town.index(), f.sector.index());
            flows[t].0 += f.hires as u64;
            flows[t].1 += f.vacancies as u64;
            claims[t][s] += claim(f);
            if selected(f) {
                weighted[t][s].0 += claim(f) * fitness(f);
                weighted[t][s].1 += claim(f);
            }
            groups[t * Sector::COUNT + s].push(fitness(f));
            by_sector[s].push(fitness(f));
        }
        let mut fit = vec![[f64::NAN; Sector::COUNT]; n];
        for (k, g) in groups.iter_mut().enumerate() {
            fit[k / Sector::COUNT][k % Sector::COUNT] = median(g);
        }
        let mut sector_fitness = [f64::NAN; Sector::COUNT];
        for (s, g) in by_sector.iter_mut().enumerate() {
            sector_fitness[s] = median(g);
        }
        let selection_mean = (weighted.iter())
            .map(|row| row.map(|(a, w)| if w > 0.0 { a / w } else { f64::NAN }))
            .collect();
        MarketShares {
            size: size.to_vec(),
            claims,
            fitness: fit,
            sector_fitness,
            selection_mean,
            fill_rate: (flows.iter())
                .map(|&(h, v)| if v > 0 { h as f64 / v as f64 } else { f64::NAN })
                .collect(),
        }
    }

    /// The town's vacancy yield of last month (hires per vacancy), if it had vacancies.
    pub fn town_fill_rate(&self, town: usize) -> Option<f64> {
        self.fill_rate.get(town).copied().filter(|q| q.is_finite())
    }

    /// Crowding factor of a town's sector market with `extra` claims added:
    /// `min(1, size / claims)`, 1 for a market without claims.
    pub fn crowding_with(&self, town: usize, s: Sector, extra: f64) -> f64 {
        let (Some(size), Some(claims)) = (self.size.get(town), self.claims.get(town)) else {
            return 1.0;
        };
        let c = claims[s.index()] + extra;
        if c <= 0.0 {
            1.0
        } else {
            (size[s.index()] / c).min(1.0)
        }
    }

    /// Room left in a town's sector market: its expenditure over its claims when the
    /// claims fall short of it (after exits), else 1; 1 for a market without claims
    /// (nobody left to take the customers: entry must).
    pub fn room_ratio(&self, town: usize, s: Sector) -> f64 {
        let (Some(size), Some(claims)) = (self.size.get(town), self.claims.get(town)) else {
            return 1.0;
        };
        let c = claims[s.index()];
        if c <= 0.0 {
            1.0
        } else {
            (size[s.index()] / c).max(1.0)
        }
    }

    /// Crowding factor of a firm's market this month.
    pub fn crowding(&self, f: &Firm) -> f64 {
        if f.kind == crate::firms::FirmKind::Hub {
            return 1.0;
        }
        self.crowding_with(f.town.index(), f.sector, 0.0)
    }

    /// Median fitness of a town's sector, else of the sector in all towns, else `None`.
    pub fn median_fitness(&self, town: usize, s: Sector) -> Option<f64> {
        let local = self.fitness.get(town).map_or(f64::NAN, |r| r[s.index()]);
        [local, self.sector_fitness[s.index()]]
            .into_iter()
            .find(|x| x.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::{FirmKind, test_firm};
    use crate::scenario::Firms;

    #[test]
    fn an_entrant_lowers_incumbents_demand_and_not_the_total() {
        let p = Firms::default();
        let a = test_firm("a", Sector::Chemicals, FirmKind::Sme, 100.0, &p);
        let b = test_firm("b", Sector::Chemicals, FirmKind::Sme, 50.0, &p);
        let size = MarketShares::sizes(&[a.clone(), b.clone()], 1, &[0.0]);
        let before = MarketShares::of(&[a.clone(), b.clone()], &size);
        assert_eq!(before.crowding(&a), 1.0);
        let entrant = test_firm("e", Sector::Chemicals, FirmKind::Sme, 30.0, &p);
        let after = MarketShares::of(&[a.clone(), b.clone(), entrant.clone()], &size);
        let total = |m: &MarketShares, fs: &[&Firm]| {
            fs.iter().map(|f| claim(f) * m.crowding(f)).sum::<f64>()
        };
        assert!(after.crowding(&a) < 1.0);
        assert!(claim(&a) * after.crowding(&a) < claim(&a) * before.crowding(&a));
        let t0 = total(&before, &[&a, &b]);
        let t1 = total(&after, &[&a, &b, &entrant]);
        assert!((t0 - t1).abs() < 1e-6 * t0, "{t0} {t1}");
        // Another sector's market is untouched; a closed firm leaves room, no windfall.
        let it = test_firm("i", Sector::It, FirmKind::Sme, 10.0, &p);
        assert_eq!(after.crowding(&it), 1.0);
        let mut gone = b.clone();
        gone.alive = false;
        assert_eq!(
            MarketShares::of(&[a.clone(), gone], &size).crowding(&a),
            1.0
        );
    }

    #[test]
    fn the_wage_curve_lowers_wages_where_unemployment_is_high() {
        // Blanchflower & Oswald: doubling local unemployment lowers wages by ~7%.
        let w = wage_curve_level(0.14, 0.07, 0.1);
        assert!((w - 2f64.powf(-0.1)).abs() < 1e-12, "{w}");
        assert!(wage_curve_level(0.035, 0.07, 0.1) > 1.0);
        assert_eq!(wage_curve_level(0.07, 0.07, 0.1), 1.0);
        assert_eq!(wage_curve_level(0.3, 0.07, 0.0), 1.0);
        // The guard keeps a town without unemployment finite.
        assert!(wage_curve_level(0.0, 0.07, 0.1).is_finite());
    }

    #[test]
    fn firms_wages_move_part_way_to_their_towns_wage_curve() {
        let p = Firms::default();
        let mut f = test_firm("a", Sector::Chemicals, FirmKind::Sme, 100.0, &p);
        f.base_wage = 20.0;
        let m = Markets {
            wage_curve: vec![0.9],
            ..Markets::neutral()
        };
        m.apply_wage_curve(&mut f, 0.0);
        assert_eq!((f.base_wage, f.wage_curve), (20.0, 1.0));
        m.apply_wage_curve(&mut f, 0.5);
        assert!((f.wage_curve - 0.9f64.sqrt()).abs() < 1e-12);
        assert!((f.base_wage - 20.0 * 0.9f64.sqrt()).abs() < 1e-9);
        for _ in 0..200 {
            m.apply_wage_curve(&mut f, 0.1);
        }
        // At the town's level the wage is the factor times what it was without it, and
        // it stays there.
        assert!((f.base_wage - 18.0).abs() < 1e-6, "{}", f.base_wage);
        let before = f.base_wage;
        m.apply_wage_curve(&mut f, 0.1);
        assert!((f.base_wage - before).abs() < 1e-6);
    }

    #[test]
    fn market_sizes_have_a_floor_and_medians_fall_back_to_the_sector() {
        let p = Firms::default();
        let a = test_firm("a", Sector::Chemicals, FirmKind::Sme, 100.0, &p);
        let size = MarketShares::sizes(std::slice::from_ref(&a), 2, &[5.0, 7.0]);
        assert_eq!(size[1][Sector::It.index()], 7.0);
        assert_eq!(size[0][Sector::Chemicals.index()], claim(&a).max(5.0));
        let m = MarketShares::of(std::slice::from_ref(&a), &size);
        assert_eq!(m.median_fitness(1, Sector::Chemicals), Some(fitness(&a)));
        assert_eq!(m.median_fitness(0, Sector::It), None);
        let mut v = vec![3.0, 1.0, 2.0, 10.0];
        assert_eq!(median(&mut v), 2.5);
    }
}
