//! The month's conditions every submodel reads: the levers of the shocks and policies in
//! force, the national indices (wage and unemployment paths of the scenario), the goods
//! markets built from them ([`super::goods`]) and the commuting geography under the
//! infrastructure levers ([`crate::towns::geography`]). Built once at the start of the
//! step, after world prices have moved.

use super::goods::{GoodsInputs, Markets, goods_markets};
use super::prices::WorldPrices;
use crate::migration::places::Outlook;
use crate::people::pass::TownCounts;
use crate::policy::{NationalLevers, TownLevers};
use crate::scenario::{Params, interpolate};
use crate::towns::Town;
use crate::towns::geography::{commuting_reach, travel_hours};

/// This month's conditions.
pub struct Context {
    /// Levers in force, by town.
    pub levers: Vec<TownLevers>,
    /// National shocks and policies in force.
    pub national: NationalLevers,
    /// Demand indices of the goods markets.
    pub markets: Markets,
    /// National unemployment rate this month.
    pub national_unemployment: f64,
    /// National wage norm this month (thousand RUB/month).
    pub national_wage: f64,
    /// Travel hours between towns `[from][to]`, under the infrastructure levers.
    pub hours: Vec<f64>,
    /// Whether a commuter can reach `[to]` from `[from]`.
    pub reach: Vec<bool>,
}

impl Context {
    /// The conditions of `month` under the levers in force (`seed` keys the weather
    /// draws): `prices` already advanced to this month, `last` last month's aggregates (agents), `base_hours` the travel
    /// hours before infrastructure policies.
    pub fn new(
        p: &Params,
        (month, scale, seed): (i32, f64, u64),
        (levers, national): (Vec<TownLevers>, NationalLevers),
        prices: &WorldPrices,
        towns: &[Town],
        last: &[TownCounts],
        base_hours: &[f64],
    ) -> Context {
        let year = month as f64 / 12.0;
        let national_wage = interpolate(p.national_wage_krub(), year);
        let markets = goods_markets(&GoodsInputs {
            params: p,
            month,
            scale,
            prices,
            national: &national,
            towns,
            last,
            national_wage,
            seed,
        });
        let hours = travel_hours(base_hours, &levers);
        let reach = commuting_reach(&hours, p.labour().commute_max_hours);
        Context {
            levers,
            national,
            markets,
            national_unemployment: interpolate(p.national_unemployment_rate(), year),
            national_wage,
            hours,
            reach,
        }
    }

    /// What movers know about the places this month, from the towns, last month's
    /// aggregates and the mean wage of jobs by work town.
    pub fn outlook<'a>(
        &'a self,
        towns: &'a [Town],
        last: &'a [TownCounts],
        workplace_wage: &'a [Option<f64>],
        scale: f64,
    ) -> Outlook<'a> {
        Outlook {
            towns,
            last,
            workplace_wage,
            hub_wage: &self.markets.hub_wage,
            national_wage: self.national_wage,
            national_unemployment: self.national_unemployment,
            scale,
        }
    }

    /// Hazard multipliers of the young by town (youth retention policies).
    pub fn youth_multiplier(&self) -> Vec<f32> {
        self.levers
            .iter()
            .map(|l| l.youth_hazard_multiplier as f32)
            .collect()
    }
}
