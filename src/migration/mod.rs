//! Migration: a monthly hazard of considering a move, then a discrete choice of
//! destination among all towns and the rest of the country.
//!
//! Mechanism: random-utility (multinomial logit) destination choice (McFadden 1974), with
//! the Harris-Todaro (1970) expected wage `wage x (1 - unemployment)`, amenities, housing
//! cost, a gravity distance term and network ties (people from the origin already living
//! at the destination; Massey 1993). Staying is one of the alternatives, so the choice
//! also decides whether the considered move happens. A liquidity constraint stops adults
//! whose savings do not cover the moving cost. The hazard of considering a move is higher
//! for young adults and for the unemployed and poorly paid (Andrienko & Guriev 2004).
//!
//! The monthly tables are built in [`places`]; migrants from the aggregate hubs and the
//! rest of the country, who are not agents before they arrive, in [`arrivals`].

pub mod arrivals;
pub mod places;

use crate::scenario::Migration;

/// Per-destination values that enter utility.
#[derive(Debug, Clone, Copy)]
pub struct PlaceValue {
    /// Mean base wage (thousand RUB/month) for a worker of vocational skill.
    pub wage: f64,
    /// Unemployment rate.
    pub unemployment: f64,
    /// Amenity index.
    pub amenity: f64,
    /// Housing cost (thousand RUB/month).
    pub housing: f64,
    /// Residents (real persons).
    pub population: f64,
}

/// This month's migration tables.
#[derive(Debug, Clone, Default)]
pub struct MigrationTables {
    /// Number of destinations: every town plus the rest of the country (last).
    pub n_dest: usize,
    /// Cumulative choice probabilities, `[origin][skill][destination]`.
    pub cdf: Vec<f32>,
    /// Moving cost `[origin][destination]` (thousand RUB).
    pub moving_cost: Vec<f32>,
    /// Hazard multiplier for 16-30-year-olds by town (youth retention policies).
    pub youth_multiplier: Vec<f32>,
    /// Wage below which a resident counts as poorly paid, by town.
    pub low_wage: Vec<f32>,
    /// Whether the destination keeps agents (agent town) or absorbs them (hub, rest of country).
    pub keeps_agents: Vec<bool>,
}

/// Utility of living at `d` for someone from `o` with wage multiplier `skill_wage`.
#[allow(clippy::too_many_arguments)]
pub fn utility(
    p: &Migration,
    place: &PlaceValue,
    skill_wage: f64,
    km: f64,
    network: f64,
    is_origin: bool,
    is_rest: bool,
) -> f64 {
    let expected_wage = (place.wage * skill_wage * (1.0 - place.unemployment)).max(0.1);
    let mut u = p.beta_wage * expected_wage.ln() + p.beta_amenity * place.amenity
        - p.beta_housing * place.housing.max(0.01).ln();
    u += p.beta_size * place.population.max(1.0).ln();
    if is_origin {
        u += p.stay_bonus;
    } else {
        u -= p.beta_distance * (1.0 + km / p.distance_scale_km).ln();
        u += p.beta_network * (1.0 + network).ln();
    }
    if is_rest {
        u += p.rest_of_country_bonus;
    }
    u
}

/// Inputs for building the tables.
pub struct TableInputs<'a> {
    /// Values of every town, then the rest of the country (last).
    pub places: &'a [PlaceValue],
    /// Distances `[origin][destination]` over the same index (km).
    pub km: &'a [f64],
    /// Network stock `[origin][destination]` (real persons).
    pub network: &'a [f64],
    /// Skill wage multipliers.
    pub skill_wage: [f64; 3],
    /// Which towns are agent towns (origins with agents).
    pub agent_town: &'a [bool],
}

/// Build the destination-choice CDFs and moving costs.
///
/// The same numbers as calling [`utility`] for every origin, skill and destination, bit
/// for bit, at a fraction of the logarithms: the destination's own terms are computed
/// once per skill and destination, the distance and network terms once per pair (not
/// once per skill), and each exponential once (the table of a 300-town system took
/// a third of a month's instructions at scale 0.02 before).
pub fn build_tables(p: &Migration, inp: &TableInputs<'_>) -> (Vec<f32>, Vec<f32>) {
    let nd = inp.places.len();
    let n_towns = nd - 1;
    let mut cdf = vec![0.0f32; n_towns * 3 * nd];
    let mut cost = vec![0.0f32; n_towns * nd];
    // The destination's terms of `utility`, in its order of operations.
    let own: Vec<[f64; 3]> = inp
        .places
        .iter()
        .map(|place| {
            inp.skill_wage.map(|sw| {
                let expected_wage = (place.wage * sw * (1.0 - place.unemployment)).max(0.1);
                let u = p.beta_wage * expected_wage.ln() + p.beta_amenity * place.amenity
                    - p.beta_housing * place.housing.max(0.01).ln();
                u + p.beta_size * place.population.max(1.0).ln()
            })
        })
        .collect();
    let mut distance = vec![0.0f64; nd];
    let mut network = vec![0.0f64; nd];
    let mut u = vec![0.0f64; nd];
    let mut e = vec![0.0f64; nd];
    for o in 0..n_towns {
        for d in 0..nd {
            cost[o * nd + d] =
                (p.moving_cost_krub + p.moving_cost_krub_per_km * inp.km[o * nd + d]) as f32;
        }
        if !inp.agent_town[o] {
            continue;
        }
        for d in 0..nd {
            if d != o {
                distance[d] =
                    p.beta_distance * (1.0 + inp.km[o * nd + d] / p.distance_scale_km).ln();
                network[d] = p.beta_network * (1.0 + inp.network[o * nd + d]).ln();
            }
        }
        for k in 0..3 {
            for (d, ud) in u.iter_mut().enumerate() {
                let mut x = own[d][k];
                if d == o {
                    x += p.stay_bonus;
                } else {
                    x -= distance[d];
                    x += network[d];
                }
                if d == n_towns {
                    x += p.rest_of_country_bonus;
                }
                *ud = x;
            }
            let max = u.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            for (ed, ud) in e.iter_mut().zip(&u) {
                *ed = (ud - max).exp();
            }
            let total: f64 = e.iter().sum();
            let mut cum = 0.0;
            for d in 0..nd {
                cum += e[d] / total;
                cdf[(o * 3 + k) * nd + d] = cum as f32;
            }
            cdf[(o * 3 + k) * nd + nd - 1] = 1.0;
        }
    }
    (cdf, cost)
}

/// Hazard multiplier of considering a move at a given age (years) and status.
#[inline(always)]
pub fn hazard(
    p: &Migration,
    age: u32,
    school_age: u32,
    unemployed: bool,
    low_paid: bool,
    youth_multiplier: f32,
) -> f64 {
    // Age breaks are whole years (the parameters are truncated).
    let age_mult = if age < school_age {
        p.child_multiplier
    } else if age <= school_age + p.hazard_study_extra_years as u32 {
        p.study_multiplier
    } else if age < p.hazard_young_until_age as u32 {
        p.young_multiplier
    } else if age < p.hazard_thirties_until_age as u32 {
        p.thirties_multiplier
    } else if age < p.hazard_old_from_age as u32 {
        1.0
    } else {
        p.old_multiplier
    };
    let mut h = p.base_hazard * age_mult;
    if unemployed {
        h *= p.unemployed_multiplier;
    }
    if low_paid {
        h *= p.low_wage_multiplier;
    }
    if (p.youth_policy_min_age as u32..=p.youth_policy_max_age as u32).contains(&age) {
        h *= youth_multiplier as f64;
    }
    h
}

/// Draw a destination from a CDF row.
#[inline]
pub fn pick_destination(row: &[f32], u: f32) -> usize {
    row.partition_point(|&c| c <= u).min(row.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(wage: f64) -> PlaceValue {
        PlaceValue {
            wage,
            unemployment: 0.05,
            amenity: 1.0,
            housing: 4.0,
            population: 100_000.0,
        }
    }

    #[test]
    fn higher_expected_wage_attracts_more() {
        let p = Migration::default();
        let places = [place(10.0), place(10.0), place(20.0), place(10.0)];
        let km = [0.0, 100.0, 100.0, 1500.0].repeat(3);
        let net = vec![0.0; 12];
        let inp = TableInputs {
            places: &places,
            km: &km,
            network: &net,
            skill_wage: [0.8, 1.0, 1.35],
            agent_town: &[true, true, true],
        };
        let (cdf, cost) = build_tables(&p, &inp);
        // Origin 0, vocational skill (1): row (origin * 3 + skill) of 4 destinations.
        let (origin, skill) = (0usize, 1usize);
        let start = (origin * 3 + skill) * 4;
        let row = &cdf[start..start + 4];
        let probs: Vec<f32> = (0..4)
            .map(|d| row[d] - if d == 0 { 0.0 } else { row[d - 1] })
            .collect();
        assert!(probs[2] > probs[1], "{probs:?}");
        assert!(probs[0] > probs[2], "staying dominates: {probs:?}");
        assert!((row[3] - 1.0).abs() < 1e-6);
        assert!(cost[1] > cost[0]);
    }

    /// The tables as first written: `utility` for every origin, skill and destination.
    fn build_tables_reference(p: &Migration, inp: &TableInputs<'_>) -> Vec<f32> {
        let nd = inp.places.len();
        let n_towns = nd - 1;
        let mut cdf = vec![0.0f32; n_towns * 3 * nd];
        let mut u = vec![0.0f64; nd];
        for o in (0..n_towns).filter(|&o| inp.agent_town[o]) {
            for (k, &sw) in inp.skill_wage.iter().enumerate() {
                for (d, ud) in u.iter_mut().enumerate() {
                    let (km, net) = (inp.km[o * nd + d], inp.network[o * nd + d]);
                    *ud = utility(p, &inp.places[d], sw, km, net, d == o, d == n_towns);
                }
                let max = u.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let total: f64 = u.iter().map(|x| (x - max).exp()).sum();
                let mut cum = 0.0;
                for d in 0..nd {
                    cum += (u[d] - max).exp() / total;
                    cdf[(o * 3 + k) * nd + d] = cum as f32;
                }
                cdf[(o * 3 + k) * nd + nd - 1] = 1.0;
            }
        }
        cdf
    }

    /// The fast tables equal the reference bit for bit, on uneven places, distances and
    /// networks with a hub among the towns.
    #[test]
    fn fast_tables_equal_the_reference_bit_for_bit() {
        let p = Migration::default();
        let nd = 7;
        let places: Vec<PlaceValue> = (0..nd)
            .map(|d| PlaceValue {
                wage: 8.0 + 3.7 * d as f64,
                unemployment: 0.01 + 0.031 * d as f64,
                amenity: 0.7 + 0.09 * d as f64,
                housing: 2.5 + 0.8 * d as f64,
                population: 20_000.0 * (d as f64 + 1.3).powi(2),
            })
            .collect();
        let km: Vec<f64> = (0..nd * nd)
            .map(|i| {
                if i / nd == i % nd {
                    0.0
                } else {
                    17.0 + (i * 97 % 1500) as f64
                }
            })
            .collect();
        let network: Vec<f64> = (0..nd * nd).map(|i| (i * 31 % 500) as f64 * 1.7).collect();
        let inp = TableInputs {
            places: &places,
            km: &km,
            network: &network,
            skill_wage: [0.8, 1.0, 1.35],
            agent_town: &[true, true, false, true, true, true],
        };
        let (fast, _) = build_tables(&p, &inp);
        let reference = build_tables_reference(&p, &inp);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&fast), bits(&reference));
        assert!(fast.iter().any(|&c| c > 0.0 && c < 1.0));
    }

    #[test]
    fn harris_todaro_unemployment_lowers_utility() {
        let p = Migration::default();
        let a = utility(&p, &place(10.0), 1.0, 100.0, 0.0, false, false);
        let mut hi_u = place(10.0);
        hi_u.unemployment = 0.5;
        assert!(utility(&p, &hi_u, 1.0, 100.0, 0.0, false, false) < a);
    }

    #[test]
    fn young_and_unemployed_consider_moving_more() {
        let p = Migration::default();
        let base = hazard(&p, 45, 17, false, false, 1.0);
        assert!(hazard(&p, 22, 17, false, false, 1.0) > base);
        assert!(hazard(&p, 45, 17, true, false, 1.0) > base);
        assert!(hazard(&p, 22, 17, false, false, 0.5) < hazard(&p, 22, 17, false, false, 1.0));
    }

    #[test]
    fn destination_draw_respects_cdf() {
        let row = [0.5f32, 0.5, 0.9, 1.0];
        assert_eq!(pick_destination(&row, 0.1), 0);
        assert_eq!(pick_destination(&row, 0.6), 2);
        assert_eq!(pick_destination(&row, 0.95), 3);
    }
}
