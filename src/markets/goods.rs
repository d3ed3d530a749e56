//! The goods market: this month's demand indices for firms' output.
//!
//! A firm sells to four markets: exports (volume index at world prices), state orders,
//! the national market and the local market. The local market follows the town's income
//! relative to the start (the local multiplier of Moretti 2010); the public sector's
//! "market" follows the town's population and national demand. Hubs are not modelled
//! firm by firm: they offer a pool of commuter jobs that grows with national demand.

use crate::firms::{Firm, Sector};
use crate::markets::prices::WorldPrices;
use crate::people::pass::TownCounts;
use crate::policy::NationalLevers;
use crate::scenario::{Params, interpolate};
use crate::towns::Town;

/// Lowest ratio of a town's income to its starting income used in the local demand
/// index (a numerical guard against a zero income).
const MIN_INCOME_RATIO: f64 = 0.01;

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
        }
    }
    let wage_drift = national_wage / interpolate(p.national_wage_krub(), year - 1.0 / 12.0);
    Markets {
        wage_drift,
        world_price,
        export_volume: trend,
        national: trend * national.demand,
        state_orders: national.state_orders,
        local,
        public,
        hub_jobs,
        hub_wage,
    }
}
