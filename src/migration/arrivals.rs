//! Migrants who come from outside the agent population: from the aggregate hubs and from
//! the rest of the country.
//!
//! Hubs are population stocks, not agents: each month a hub grows by its natural growth
//! and external net migration, gains the agents who moved there in the person pass, and
//! sends its emigrants to the agent towns and the rest of the country, in proportion to
//! their attractiveness and size and decreasing with distance (a gravity flow); only the
//! agent towns' share becomes agents, the rest is part of the hub's external migration.
//! The rest of the
//! country sends each agent town a Poisson inflow proportional to its population and
//! attractiveness. The arrivals become new agents: mostly young adults, with some savings
//! and no job yet; their age, skill and sex mix and savings are `migration.arrival_*`
//! parameters.

use crate::firms::entry::{pick_weighted, poisson};
use crate::ids::{PersonId, TownId};
use crate::people::pass::TownCounts;
use crate::people::{NewPerson, People, Skill, age_band};
use crate::rng::{Process, Stream};
use crate::scenario::{Migration, Params};
use crate::towns::Town;

/// In-migrants created outside the person pass (from hubs and the rest of the country),
/// in agents.
pub struct Arrivals {
    /// By destination town and origin (towns, then the rest of the country).
    pub created: Vec<Vec<u64>>,
    /// By destination town and age band.
    pub bands: Vec<[u64; 5]>,
    /// 18-29-year-olds by destination town and origin.
    pub young: Vec<Vec<u64>>,
}

/// What the arrivals of one month are drawn from.
pub struct ArrivalInputs<'a> {
    /// The validated scenario (hubs' growth, migration and arrival parameters).
    pub params: &'a Params,
    /// Last month's aggregates by town (agents).
    pub last: &'a [TownCounts],
    /// Distances `[origin][destination]` over towns plus the rest of the country (km).
    pub km: &'a [f64],
    /// This month's moves of the person pass, `[origin][destination]` (agents).
    pub od: &'a [u32],
    /// Attractiveness of each agent town to outsiders (0 for hubs).
    pub attractiveness: &'a [f64],
    /// Agents per person.
    pub scale: f64,
    /// Master seed.
    pub seed: u64,
    /// Months since the start (keys the streams).
    pub step: u32,
    /// Absolute month index.
    pub month: i32,
}

/// Update the hubs' stocks, draw the in-migrants from hubs and the rest of the country,
/// and add them to the people.
pub fn arrive(
    inp: &ArrivalInputs<'_>,
    towns: &mut [Town],
    people: &mut People,
    next_serial: &mut u32,
) -> Arrivals {
    let mut created = hub_outflows(inp, towns);
    rest_of_country_inflow(inp, towns, &mut created);
    create_people(inp, towns, people, next_serial, created)
}

/// Hub stocks: natural growth, external migration, exchanges with agent towns. Returns
/// the migrants each hub sends, `[destination][origin]`.
fn hub_outflows(inp: &ArrivalInputs<'_>, towns: &mut [Town]) -> Vec<Vec<u64>> {
    let params = inp.params;
    let n = towns.len();
    let nd = n + 1;
    let mut created = vec![vec![0u64; nd]; n];
    for t in 0..n {
        if !towns[t].is_hub {
            continue;
        }
        let ts = &params.town_list()[t];
        let mut pop = towns[t].hub_population;
        pop *= 1.0 + (ts.natural_growth + ts.external_net_migration) / 12.0;
        let inflow: f64 = (0..n).map(|o| inp.od[o * nd + t] as f64).sum::<f64>() / inp.scale;
        pop += inflow;
        // Emigrants go to the agent towns and the rest of the country in proportion to
        // their attractiveness and size, decreasing with distance; the agent towns' share
        // of the Poisson flow is itself Poisson (thinning).
        let mut rng = Stream::new(inp.seed, Process::HubOutflow, t as u64, inp.step);
        let mp = params.migration();
        let weights: Vec<(usize, f64)> = (0..n)
            .filter(|&m| !towns[m].is_hub)
            .map(|m| {
                let persons = inp.last[m].population() as f64 / inp.scale;
                (
                    m,
                    inp.attractiveness[m] * gravity(mp, persons, inp.km[t * nd + m]),
                )
            })
            .collect();
        let total_w: f64 = weights.iter().map(|w| w.1).sum();
        let rest_w = gravity(mp, mp.rest_of_country_population, inp.km[t * nd + n]);
        let share = agent_town_share(total_w, rest_w);
        let out_agents = poisson(&mut rng, mp.hub_outflow * pop * inp.scale * share);
        for _ in 0..out_agents {
            if total_w <= 0.0 {
                break;
            }
            let Some(m) = pick_weighted(&weights, &mut rng) else {
                break;
            };
            created[m][t] += 1;
        }
        let sent: u64 = (0..n).map(|m| created[m][t]).sum();
        pop -= sent as f64 / inp.scale;
        towns[t].hub_population = pop.max(0.0);
    }
    created
}

/// Gravity weight of a destination of `persons` people `km` away from a hub:
/// `persons / (1 + km / distance_scale_km)^beta_distance`.
fn gravity(m: &Migration, persons: f64, km: f64) -> f64 {
    persons / (1.0 + km / m.distance_scale_km).powf(m.beta_distance)
}

/// Share of a hub's emigrants who go to the agent towns: their total gravity weight
/// (attractiveness included) against that of the rest of the country, whose
/// attractiveness is 1 (it is the reference of the towns' attractiveness).
pub fn agent_town_share(towns_weight: f64, rest_weight: f64) -> f64 {
    let total = towns_weight + rest_weight;
    if total > 0.0 && towns_weight > 0.0 {
        towns_weight / total
    } else {
        0.0
    }
}

/// Rest of the country into agent towns (the last origin column of `created`).
fn rest_of_country_inflow(inp: &ArrivalInputs<'_>, towns: &[Town], created: &mut [Vec<u64>]) {
    let n = towns.len();
    for t in 0..n {
        if towns[t].is_hub {
            continue;
        }
        let mut rng = Stream::new(inp.seed, Process::RestOfCountryInflow, t as u64, inp.step);
        let k = poisson(
            &mut rng,
            inp.params.migration().rest_of_country_inflow
                * inp.last[t].population() as f64
                * inp.attractiveness[t],
        );
        created[t][n] += k;
    }
}

/// Age of an in-migrant in years: a band by the cumulative shares, then uniform within it.
fn draw_age_years(p: &Migration, rng: &mut Stream) -> f64 {
    let u = rng.uniform();
    age_in_band(p, u, rng)
}

/// Age of an adult in-migrant: the same bands without the children's.
fn draw_adult_age_years(p: &Migration, rng: &mut Stream) -> f64 {
    let c = p.arrival_children_share;
    let u = c + rng.uniform() * (1.0 - c);
    age_in_band(p, u, rng)
}

/// Age in years for the cumulative-share draw `u`.
fn age_in_band(p: &Migration, u: f64, rng: &mut Stream) -> f64 {
    if u < p.arrival_children_share {
        rng.uniform() * p.arrival_child_max_age
    } else if u < p.arrival_up_to_young_share {
        p.arrival_young_min_age
            + rng.uniform() * (p.arrival_young_max_age - p.arrival_young_min_age)
    } else if u < p.arrival_up_to_middle_share {
        p.arrival_young_max_age
            + rng.uniform() * (p.arrival_middle_max_age - p.arrival_young_max_age)
    } else {
        p.arrival_middle_max_age
            + rng.uniform() * (p.arrival_old_max_age - p.arrival_middle_max_age)
    }
}

/// Skill of an in-migrant by the cumulative shares.
fn draw_skill(p: &Migration, rng: &mut Stream) -> Skill {
    let v = rng.uniform();
    if v < p.arrival_basic_share {
        Skill::Basic
    } else if v < p.arrival_up_to_vocational_share {
        Skill::Vocational
    } else {
        Skill::Higher
    }
}

/// Create the in-migrants as people: no job yet, the destination's start wage for their
/// skill as their last wage, and savings of `arrival_savings_months` of it.
fn create_people(
    inp: &ArrivalInputs<'_>,
    towns: &[Town],
    people: &mut People,
    next_serial: &mut u32,
    created: Vec<Vec<u64>>,
) -> Arrivals {
    let params = inp.params;
    let m = params.migration();
    let n = towns.len();
    let nd = n + 1;
    let mut bands = vec![[0u64; 5]; n];
    let mut young = vec![vec![0u64; nd]; n];
    let skill_wage = [
        params.labour().wage_basic,
        params.labour().wage_vocational,
        params.labour().wage_higher,
    ];
    let school = (params.demography().school_leaving_age * 12.0) as i32;
    let adult = (params.demography().adult_age * 12.0) as i32;
    // Per flow, reused: the arrivals' ages and the households formed.
    let mut ages: Vec<i32> = Vec::new();
    let mut flow_households: Vec<u32> = Vec::new();
    for t in 0..n {
        for o in 0..nd {
            let k = created[t][o];
            if k == 0 {
                continue;
            }
            people.reserve_more(k as usize);
            let flow = (t * nd + o) as u64;
            let mut rng = Stream::new(inp.seed, Process::ArrivalTraits, flow, inp.step);
            let mut hh_rng = Stream::new(inp.seed, Process::ArrivalHouseholds, flow, inp.step);
            ages.clear();
            ages.extend((0..k).map(|_| (draw_age_years(m, &mut rng) * 12.0) as i32));
            // Children arrive with an adult: a flow without one brings one.
            if ages.iter().all(|&a| a < adult) {
                ages[0] = (draw_adult_age_years(m, &mut rng) * 12.0) as i32;
            }
            flow_households.clear();
            let mut room = Room::Closed;
            for &age_months in &ages {
                let band = age_band((age_months / 12) as u32);
                bands[t][band] += 1;
                if band == 1 {
                    young[t][o] += 1;
                }
                let household = arrival_household(
                    people,
                    (age_months >= adult, m.arrival_partner_share),
                    &mut flow_households,
                    &mut room,
                    &mut hh_rng,
                );
                let skill = draw_skill(m, &mut rng);
                let id = PersonId(*next_serial);
                *next_serial += 1;
                let wage = towns[t].wage0 * skill_wage[skill as usize];
                let schooled = age_months >= school;
                people.push(
                    id,
                    NewPerson {
                        birth_month: inp.month - age_months,
                        town: TownId(t as u16),
                        female: rng.uniform() < m.arrival_female_share,
                        skill: if schooled { skill } else { Skill::Basic },
                        schooled,
                        employer: None,
                        wage: wage as f32,
                        savings: (wage * m.arrival_savings_months) as f32,
                        household,
                    },
                );
            }
        }
    }
    Arrivals {
        created,
        bands,
        young,
    }
}

/// The last household formed in a flow: whether another adult joins it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Room {
    /// Full (two adults), or none formed yet.
    Closed,
    /// One adult so far: a partner may join.
    Partner,
    /// Only children so far (they came before the flow's first adult): the next adult joins.
    Adult,
}

/// The household of the next arrival of a flow: an adult joins the previous adult's
/// household as a partner by `partner_share` (if that adult came alone), else starts a
/// new one; a child joins one of the flow's households drawn uniformly, or, before the
/// flow's first adult, a household that adult will join (every flow has an adult).
fn arrival_household(
    people: &mut People,
    (is_adult, partner_share): (bool, f64),
    flow_households: &mut Vec<u32>,
    room: &mut Room,
    rng: &mut Stream,
) -> u32 {
    if is_adult {
        let last = flow_households.last().copied();
        match (*room, last) {
            (Room::Adult, Some(h)) => {
                *room = Room::Partner;
                return h;
            }
            (Room::Partner, Some(h)) if rng.uniform() < partner_share => {
                *room = Room::Closed;
                return h;
            }
            _ => {}
        }
        let h = people.households.add();
        flow_households.push(h);
        *room = Room::Partner;
        return h;
    }
    if flow_households.is_empty() {
        let h = people.households.add();
        flow_households.push(h);
        *room = Room::Adult;
        return h;
    }
    flow_households[rng.below(flow_households.len() as u64) as usize]
}

impl Arrivals {
    /// Count the arrivals in their destination's aggregates: in-migrants and residents
    /// by age band.
    pub fn add_to_counts(&self, counts: &mut [TownCounts]) {
        for (t, c) in counts.iter_mut().enumerate() {
            let k: u64 = self.created[t].iter().sum();
            c.in_migrants += k;
            for (b, &x) in self.bands[t].iter().enumerate() {
                c.pop_band[b] += x;
            }
        }
    }

    /// Add this month's moves between towns (the person pass's `od`, then the arrivals
    /// from hubs) to the network stock `[origin][destination]` (real persons).
    pub fn add_to_network(&self, network: &mut [f64], od: &[u32], inv_scale: f64) {
        let n = self.created.len();
        let nd = n + 1;
        for o in 0..n {
            for d in 0..nd {
                network[o * nd + d] += od[o * nd + d] as f64 * inv_scale;
            }
        }
        for t in 0..n {
            for o in 0..n {
                network[o * nd + t] += self.created[t][o] as f64 * inv_scale;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hubs_emigrants_are_shared_with_the_rest_of_the_country_by_gravity() {
        let m = Migration::default();
        let rest = gravity(&m, m.rest_of_country_population, m.rest_of_country_km);
        // A town of 53,000 at 15 km and one of 360,000 at 140 km.
        let small = gravity(&m, 53_000.0, 15.0);
        let large = gravity(&m, 360_000.0, 140.0);
        let s_small = agent_town_share(small, rest);
        let s_large = agent_town_share(large, rest);
        assert!(s_small > 0.0 && s_small < s_large && s_large < 1.0);
        // Weight falls with distance and grows in proportion to size.
        assert!(gravity(&m, 1000.0, 500.0) < gravity(&m, 1000.0, 50.0));
        assert!((gravity(&m, 2000.0, 50.0) / gravity(&m, 1000.0, 50.0) - 2.0).abs() < 1e-12);
        // Without a rest of the country every emigrant goes to the towns (the old rule);
        // without agent towns none does.
        assert_eq!(agent_town_share(small, 0.0), 1.0);
        assert_eq!(agent_town_share(0.0, rest), 0.0);
        assert_eq!(agent_town_share(0.0, 0.0), 0.0);
    }

    #[test]
    fn arrival_ages_follow_the_parameters() {
        let mut p = Migration::default();
        let mut rng = Stream::new(1, Process::ArrivalTraits, 0, 0);
        let n = 20_000;
        let ages: Vec<f64> = (0..n).map(|_| draw_age_years(&p, &mut rng)).collect();
        let share = |lo: f64, hi: f64| {
            ages.iter().filter(|&&a| a >= lo && a < hi).count() as f64 / n as f64
        };
        assert!((share(0.0, 17.0) - 0.15).abs() < 0.015);
        assert!((share(18.0, 30.0) - 0.50).abs() < 0.015);
        assert!((share(30.0, 40.0) - 0.25).abs() < 0.015);
        assert!((share(40.0, 65.0) - 0.10).abs() < 0.015);
        assert_eq!(share(65.0, 200.0), 0.0);
        // Only young adults, aged 20-25.
        p.arrival_children_share = 0.0;
        p.arrival_up_to_young_share = 1.0;
        p.arrival_young_min_age = 20.0;
        p.arrival_young_max_age = 25.0;
        assert!((0..1000).all(|_| {
            let a = draw_age_years(&p, &mut rng);
            (20.0..25.0).contains(&a)
        }));
    }

    #[test]
    fn arrival_skills_follow_the_parameters() {
        let p = Migration::default();
        let mut rng = Stream::new(2, Process::ArrivalTraits, 0, 0);
        let n = 20_000;
        let mut k = [0usize; 3];
        for _ in 0..n {
            k[draw_skill(&p, &mut rng) as usize] += 1;
        }
        assert!((k[0] as f64 / n as f64 - 0.3).abs() < 0.015, "{k:?}");
        assert!((k[2] as f64 / n as f64 - 0.3).abs() < 0.015, "{k:?}");
    }

    #[test]
    fn network_gains_moves_between_towns_but_not_from_the_rest_of_the_country() {
        let arrivals = Arrivals {
            created: vec![vec![0, 2, 5], vec![0, 0, 0]],
            bands: vec![[0; 5]; 2],
            young: vec![vec![0; 3]; 2],
        };
        let mut network = vec![0.0; 9];
        let mut od = vec![0u32; 6];
        od[1] = 4; // town 0 -> town 1
        arrivals.add_to_network(&mut network, &od, 0.5);
        assert_eq!(network[1], 2.0);
        assert_eq!(network[3], 1.0, "hub 1 -> town 0");
        assert_eq!(network.iter().sum::<f64>(), 3.0);
    }
}
