//! This month's migration tables: the value of every place to a would-be mover (agent
//! towns from last month's aggregates, hubs and the rest of the country from the
//! national context), and the destination-choice tables built from them.

use super::{MigrationTables, PlaceValue, TableInputs, build_tables};
use crate::people::pass::TownCounts;
use crate::scenario::Params;
use crate::towns::Town;

/// What movers know about the places this month.
pub struct Outlook<'a> {
    /// Towns.
    pub towns: &'a [Town],
    /// Last month's aggregates by town (agents).
    pub last: &'a [TownCounts],
    /// Mean base wage of jobs by work town (`None` for a town without jobs).
    pub workplace_wage: &'a [Option<f64>],
    /// Wage offered by each hub this month (thousand RUB/month; 0 for agent towns).
    pub hub_wage: &'a [f64],
    /// National wage (thousand RUB/month).
    pub national_wage: f64,
    /// National unemployment rate.
    pub national_unemployment: f64,
    /// Agents per person.
    pub scale: f64,
}

/// Values of every town, then of the rest of the country (last).
pub fn place_values(params: &Params, o: &Outlook<'_>) -> Vec<PlaceValue> {
    let m = params.migration();
    let mut places = Vec::with_capacity(o.towns.len() + 1);
    for (t, town) in o.towns.iter().enumerate() {
        if town.is_hub {
            places.push(PlaceValue {
                wage: o.hub_wage[t],
                unemployment: o.national_unemployment * m.hub_unemployment_ratio,
                amenity: town.amenity,
                housing: town.housing,
                population: town.hub_population,
            });
        } else {
            let c = &o.last[t];
            places.push(PlaceValue {
                wage: o.workplace_wage[t].unwrap_or(town.wage0),
                unemployment: c.unemployment().clamp(0.0, 1.0),
                amenity: town.amenity,
                housing: town.housing,
                population: c.population() as f64 / o.scale,
            });
        }
    }
    places.push(PlaceValue {
        wage: o.national_wage,
        unemployment: o.national_unemployment,
        amenity: m.rest_of_country_amenity,
        housing: m.rest_of_country_housing_krub,
        population: m.rest_of_country_population,
    });
    places
}

/// Destination-choice CDFs, moving costs, low-wage thresholds and hazard multipliers
/// of this month. `km` and `network` are `[origin][destination]` over towns plus the
/// rest of the country; `youth_multiplier` comes from youth retention policies.
pub fn month_tables(
    params: &Params,
    o: &Outlook<'_>,
    km: &[f64],
    network: &[f64],
    youth_multiplier: Vec<f32>,
) -> MigrationTables {
    let n = o.towns.len();
    let places = place_values(params, o);
    let agent_town: Vec<bool> = o.towns.iter().map(|t| !t.is_hub).collect();
    let skill_wage = [
        params.labour().wage_basic,
        params.labour().wage_vocational,
        params.labour().wage_higher,
    ];
    let (cdf, moving_cost) = build_tables(
        params.migration(),
        &TableInputs {
            places: &places,
            km,
            network,
            skill_wage,
            agent_town: &agent_town,
        },
    );
    let low_wage = o
        .last
        .iter()
        .map(|c| {
            let mean = if c.employed > 0 {
                c.wage_sum / c.employed as f64
            } else {
                0.0
            };
            (mean * params.migration().low_wage_threshold) as f32
        })
        .collect();
    let mut keeps_agents = agent_town;
    keeps_agents.push(false);
    MigrationTables {
        n_dest: n + 1,
        cdf,
        moving_cost,
        youth_multiplier,
        low_wage,
        keeps_agents,
    }
}

/// Attractiveness of each agent town to hub and rest-of-country migrants: the exponent
/// of its wage and amenity utility relative to the rest of the country, clamped
/// (`migration.attractiveness_min..=attractiveness_max`); 0 for hubs.
pub fn attractiveness(params: &Params, o: &Outlook<'_>) -> Vec<f64> {
    let m = params.migration();
    let w_roc = o.national_wage * (1.0 - o.national_unemployment);
    (0..o.towns.len())
        .map(|t| {
            let town = &o.towns[t];
            if town.is_hub {
                return 0.0;
            }
            let w = o.workplace_wage[t].unwrap_or(town.wage0) * (1.0 - o.last[t].unemployment());
            (m.beta_wage * (w / w_roc).ln()
                + m.beta_amenity * (town.amenity - m.rest_of_country_amenity))
                .exp()
                .clamp(m.attractiveness_min, m.attractiveness_max)
        })
        .collect()
}
