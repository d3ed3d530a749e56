//! Labour market: search and matching across towns within commuting reach.
//!
//! Mechanism: a Cobb-Douglas matching function per work town (Pissarides 2000;
//! Petrongolo & Pissarides 2001), `M_w = A S_w^a V_w^(1-a)`, capped by vacancies and
//! searchers. Searchers living in town `r` spread their search over the work towns they
//! can reach (one-way travel time up to `labour.commute_max_hours`), in proportion to
//! vacancies discounted by travel time. This gives each resident a monthly probability of
//! an offer from each reachable town, computed once per month from aggregates, so the
//! parallel pass over people needs no locks and its result does not depend on scheduling.
//! The offer comes from a firm drawn in proportion to its vacancies.
//!
//! Commuting costs (section "Commuting" of docs/ODD.md) are fares per one-way trip
//! (a boarding fare plus a fare per km, 2010 roubles) times two trips a working day, plus
//! the value of the travel time as a share of the hourly wage (Small 1992: commuters value
//! in-vehicle time at one third to one half of their wage).

use crate::firms::Firm;
use crate::markets::informal::InformalTables;
use crate::people::pass::TownCounts;
use crate::scenario::Labour;

/// One place a resident of a town can find work.
#[derive(Debug, Clone, Copy)]
pub struct JobOption {
    /// Work town.
    pub work_town: u16,
    /// Cumulative probability of an offer from this or an earlier option this month.
    pub cum_probability: f32,
    /// Monthly fares of commuting to a job there (thousand RUB).
    pub fare: f32,
    /// Share of the wage that the monthly travel time is worth.
    pub time_share: f32,
}

impl JobOption {
    /// Net monthly wage of a job there paying `wage`: the wage less the value of the
    /// travel time and the fares.
    #[inline(always)]
    pub fn net_wage(&self, wage: f32) -> f32 {
        wage * (1.0 - self.time_share) - self.fare
    }
}

/// The money and time cost of a daily commute.
#[derive(Debug, Clone, Copy)]
pub struct CommuteTariff {
    /// Round trips a month (working days).
    pub trips_per_month: f64,
    /// Boarding fare of a one-way trip (thousand RUB).
    pub fare_fixed_krub: f64,
    /// Fare per km of a one-way trip (thousand RUB/km).
    pub fare_per_km_krub: f64,
    /// Value of an hour of travel as a share of the hourly wage.
    pub time_value: f64,
    /// Paid working hours a month (turns the monthly wage into an hourly one).
    pub work_hours_per_month: f64,
}

impl CommuteTariff {
    /// The tariff of the labour parameters (fares given in roubles).
    pub fn from_params(p: &Labour) -> Self {
        CommuteTariff {
            trips_per_month: p.commute_trips_per_month,
            fare_fixed_krub: p.commute_fare_fixed_rub / 1000.0,
            fare_per_km_krub: p.commute_fare_rub_per_km / 1000.0,
            time_value: p.commute_time_value,
            work_hours_per_month: p.work_hours_per_month,
        }
    }

    /// Monthly fares (thousand RUB) of commuting `km` one way every working day.
    pub fn monthly_fares(&self, km: f64) -> f64 {
        2.0 * self.trips_per_month * (self.fare_fixed_krub + self.fare_per_km_krub * km)
    }

    /// Share of the monthly wage that `hours` of one-way travel every working day is worth.
    pub fn time_share(&self, hours: f64) -> f64 {
        (2.0 * self.trips_per_month * hours * self.time_value / self.work_hours_per_month).min(1.0)
    }
}

/// This month's labour-market tables.
#[derive(Debug, Clone, Default)]
pub struct LabourTables {
    /// Offer options by residence town.
    pub options: Vec<Vec<JobOption>>,
    /// By work town: cumulative vacancy weights and firm indices.
    pub vacancy_cdf: Vec<Vec<(f32, u32)>>,
    /// The informal tier: entry, exit and earnings by town (empty when it is off; set by
    /// [`crate::markets::informal::month_tables`]).
    pub informal: InformalTables,
}

/// This month's tables: searchers are last month's unemployed and on-the-job searchers
/// by residence town (`last`), vacancies are the alive firms' open posts, and travel
/// `hours` between towns (row-major n x n) include infrastructure policies; `km` is the
/// distance matrix with the rest of the country as an extra last row and column.
pub fn month_tables(
    p: &Labour,
    last: &[TownCounts],
    firms: &[Firm],
    hours: &[f64],
    km: &[f64],
) -> LabourTables {
    let n = last.len();
    // Searchers off the job: the unemployed and the informally employed, who search for a
    // registered job as the unemployed do (7.7b).
    let unemployed: Vec<f64> = last
        .iter()
        .map(|c| (c.labour_force - c.employed.min(c.labour_force)) as f64)
        .collect();
    let employed: Vec<f64> = last.iter().map(|c| c.employed as f64).collect();
    let mut vacancies = vec![0.0; n];
    let mut by_town: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
    for (i, firm) in firms.iter().enumerate() {
        if firm.alive && firm.vacancies > 0 {
            vacancies[firm.town.index()] += firm.vacancies as f64;
            by_town[firm.town.index()].push((i as u32, firm.vacancies));
        }
    }
    let nd = n + 1;
    let town_km: Vec<f64> = (0..n * n).map(|i| km[(i / n) * nd + i % n]).collect();
    let (options, _offer_probability) = offer_options(&MatchingInputs {
        unemployed: &unemployed,
        employed: &employed,
        vacancies: &vacancies,
        hours,
        km: &town_km,
        max_hours: p.commute_max_hours,
        tariff: CommuteTariff::from_params(p),
        on_the_job_search: p.on_the_job_search,
        efficiency: p.matching_efficiency,
        elasticity: p.matching_elasticity,
        search_decay: p.commute_search_decay,
        contact_share: p.contact_search_share,
    });
    let vacancy_cdf = by_town
        .into_iter()
        .map(|v| vacancy_cdf(v.into_iter()))
        .collect();
    LabourTables {
        options,
        vacancy_cdf,
        informal: InformalTables::default(),
    }
}

/// Inputs of the matching step, all in agents.
pub struct MatchingInputs<'a> {
    /// Unemployed residents by town (last month).
    pub unemployed: &'a [f64],
    /// Employed residents by town (last month).
    pub employed: &'a [f64],
    /// Vacancies by work town.
    pub vacancies: &'a [f64],
    /// One-way travel hours between towns (row-major n x n).
    pub hours: &'a [f64],
    /// Road or rail km between towns (row-major n x n).
    pub km: &'a [f64],
    /// Longest commute.
    pub max_hours: f64,
    /// Fares and value of travel time.
    pub tariff: CommuteTariff,
    /// Share of the employed who search each month.
    pub on_the_job_search: f64,
    /// Matching efficiency.
    pub efficiency: f64,
    /// Matching elasticity with respect to searchers.
    pub elasticity: f64,
    /// Decay of search effort per hour of travel.
    pub search_decay: f64,
    /// Share of search that runs through personal contacts in the home town.
    pub contact_share: f64,
}

/// Search shares `[residence r][work town w]`: the share `contact_share` of search that
/// runs through personal contacts stays in the home town (when it has vacancies); the rest
/// spreads over the reachable towns in proportion to their vacancies discounted by
/// `exp(-search_decay * hours)` (a gravity term, Wilson 1971).
pub fn search_shares(inp: &MatchingInputs<'_>) -> Vec<f64> {
    let n = inp.unemployed.len();
    let mut shares = vec![0.0f64; n * n];
    for r in 0..n {
        let row = &mut shares[r * n..(r + 1) * n];
        let mut total = 0.0;
        for (w, share) in row.iter_mut().enumerate() {
            let h = inp.hours[r * n + w];
            if h <= inp.max_hours && inp.vacancies[w] > 0.0 {
                *share = inp.vacancies[w] * (-inp.search_decay * h).exp();
                total += *share;
            }
        }
        if total > 0.0 {
            let contacts = if inp.vacancies[r] > 0.0 {
                inp.contact_share
            } else {
                0.0
            };
            for share in row.iter_mut() {
                *share *= (1.0 - contacts) / total;
            }
            row[r] += contacts;
        }
    }
    shares
}

/// Build the offer options of each residence town.
pub fn offer_options(inp: &MatchingInputs<'_>) -> (Vec<Vec<JobOption>>, Vec<f64>) {
    let n = inp.unemployed.len();
    let shares = search_shares(inp);
    let mut searchers = vec![0.0f64; n];
    for r in 0..n {
        let s_r = inp.unemployed[r] + inp.on_the_job_search * inp.employed[r];
        for w in 0..n {
            searchers[w] += s_r * shares[r * n + w];
        }
    }
    let offer: Vec<f64> = (0..n)
        .map(|w| {
            let (s, v) = (searchers[w], inp.vacancies[w]);
            if s <= 0.0 || v <= 0.0 {
                return 0.0;
            }
            let m = (inp.efficiency * s.powf(inp.elasticity) * v.powf(1.0 - inp.elasticity))
                .min(v)
                .min(s);
            m / s
        })
        .collect();
    let options = (0..n)
        .map(|r| {
            let mut cum = 0.0f64;
            (0..n)
                // Every reachable town, with or without vacancies this month: a job held
                // there keeps its commuting cost.
                .filter(|&w| inp.hours[r * n + w] <= inp.max_hours)
                .map(|w| {
                    cum += shares[r * n + w] * offer[w];
                    let (fare, time_share) = if w == r {
                        (0.0, 0.0)
                    } else {
                        (
                            inp.tariff.monthly_fares(inp.km[r * n + w]),
                            inp.tariff.time_share(inp.hours[r * n + w]),
                        )
                    };
                    JobOption {
                        work_town: w as u16,
                        cum_probability: cum as f32,
                        fare: fare as f32,
                        time_share: time_share as f32,
                    }
                })
                .collect()
        })
        .collect();
    (options, offer)
}

/// Cumulative vacancy weights of the firms of one town.
pub fn vacancy_cdf(firms: impl Iterator<Item = (u32, u32)>) -> Vec<(f32, u32)> {
    let mut cum = 0.0f64;
    let mut out: Vec<(f64, u32)> = Vec::new();
    for (index, vacancies) in firms {
        if vacancies > 0 {
            cum += vacancies as f64;
            out.push((cum, index));
        }
    }
    out.into_iter()
        .map(|(c, i)| ((c / cum) as f32, i))
        .collect()
}

/// Pick the option an offer comes from, given a uniform draw; `None` means no offer.
#[inline]
pub fn pick_option(options: &[JobOption], u: f32) -> Option<&JobOption> {
    options.iter().find(|o| u < o.cum_probability)
}

/// Pick a firm from a vacancy CDF, given a uniform draw.
#[inline]
pub fn pick_firm(cdf: &[(f32, u32)], u: f32) -> Option<u32> {
    if cdf.is_empty() {
        return None;
    }
    let i = cdf.partition_point(|&(c, _)| c <= u).min(cdf.len() - 1);
    Some(cdf[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2010 defaults of the labour block.
    fn tariff() -> CommuteTariff {
        CommuteTariff::from_params(&Labour::default())
    }

    fn inputs<'a>(u: &'a [f64], e: &'a [f64], v: &'a [f64], h: &'a [f64]) -> MatchingInputs<'a> {
        MatchingInputs {
            unemployed: u,
            employed: e,
            vacancies: v,
            hours: h,
            km: h,
            max_hours: 1.5,
            tariff: tariff(),
            on_the_job_search: 0.0,
            efficiency: 0.5,
            elasticity: 0.5,
            search_decay: 1.5,
            contact_share: 0.0,
        }
    }

    #[test]
    fn matches_never_exceed_vacancies_or_searchers() {
        let (u, e, v, h) = ([1000.0, 10.0], [0.0, 0.0], [5.0, 0.0], [0.0, 9.0, 9.0, 0.0]);
        let (opts, offer) = offer_options(&inputs(&u, &e, &v, &h));
        // 1000 searchers, 5 vacancies: at most 5 matches.
        assert!(offer[0] * 1000.0 <= 5.0 + 1e-9);
        // Town 1 cannot reach town 0 (9 h): only its own town, without offers.
        assert_eq!(opts[1].len(), 1);
        assert_eq!(opts[1][0].cum_probability, 0.0);
        assert_eq!(opts[0].len(), 1);
    }

    #[test]
    fn more_vacancies_mean_more_offers_beveridge() {
        let (u, e, h) = ([100.0], [0.0], [0.0]);
        let lo = offer_options(&inputs(&u, &e, &[10.0], &h)).1[0];
        let hi = offer_options(&inputs(&u, &e, &[50.0], &h)).1[0];
        assert!(hi > lo && lo > 0.0);
    }

    #[test]
    fn commuters_search_in_reachable_towns_with_fares_and_time_cost() {
        let (u, e, v) = ([100.0, 100.0], [0.0, 0.0], [0.0, 50.0]);
        let h = [0.0, 1.0, 1.0, 0.0];
        let km = [0.0, 70.0, 70.0, 0.0];
        let mut inp = inputs(&u, &e, &v, &h);
        inp.km = &km;
        let (opts, _) = offer_options(&inp);
        // Own town (no vacancies, no offers) and the neighbour.
        assert_eq!(opts[0].len(), 2);
        assert_eq!(opts[0][0].cum_probability, 0.0);
        let o = opts[0][1];
        assert_eq!(o.work_town, 1);
        let t = tariff();
        assert!((o.fare as f64 - t.monthly_fares(70.0)).abs() < 1e-6);
        assert!((o.time_share as f64 - t.time_share(1.0)).abs() < 1e-6);
        // A job at home costs nothing.
        assert_eq!(opts[0][0].net_wage(20.0), 20.0);
        assert!(o.net_wage(20.0) < 20.0);
    }

    #[test]
    fn tariff_counts_two_trips_a_working_day() {
        let t = CommuteTariff {
            trips_per_month: 20.0,
            fare_fixed_krub: 0.02,
            fare_per_km_krub: 0.001,
            time_value: 0.5,
            work_hours_per_month: 160.0,
        };
        // 40 one-way trips of 20 + 100 roubles.
        assert!((t.monthly_fares(100.0) - 4.8).abs() < 1e-12);
        // 40 trips of 1 h at half the hourly wage: 20 of 160 hours' wages.
        assert!((t.time_share(1.0) - 0.125).abs() < 1e-12);
        assert_eq!(t.time_share(100.0), 1.0);
    }

    #[test]
    fn search_share_decays_with_travel_time() {
        // Equal vacancies at home and 1 h away: the share abroad is exp(-decay) / (1 + exp(-decay)).
        let (u, e, v, h) = ([100.0, 0.0], [0.0, 0.0], [50.0, 50.0], [0.0, 1.0, 1.0, 0.0]);
        let (opts, offer) = offer_options(&inputs(&u, &e, &v, &h));
        let abroad = (opts[0][1].cum_probability - opts[0][0].cum_probability) as f64 / offer[1];
        let expected = (-1.5f64).exp() / (1.0 + (-1.5f64).exp());
        assert!((abroad - expected).abs() < 1e-5, "{abroad} vs {expected}");
    }

    /// Issue 11: at 8 thousand RUB a month per hour of travel and a search decay of 3/h,
    /// a commute of 1.5 h cost more than the hub's wage and got ~1% of the search.
    #[test]
    fn regression_commuting_to_hub_was_nearly_impossible() {
        let p = Labour::default();
        let t = tariff();
        // Nizhny Tagil -> Yekaterinburg: 140 km, 1.5 h.
        let share = (-p.commute_search_decay * 1.5).exp();
        assert!(share > 0.05, "search reach at 1.5 h {share}");
        let cost_of_20 = t.monthly_fares(140.0) + t.time_share(1.5) * 20.0;
        assert!(cost_of_20 < 0.6 * 20.0, "cost {cost_of_20} of a 20k wage");
        // A hub job paying a third more than a local one beats it for the unemployed
        // whose reservation wage is at 85% of the local wage.
        let local = 15.0f32;
        let o = JobOption {
            work_town: 1,
            cum_probability: 1.0,
            fare: t.monthly_fares(140.0) as f32,
            time_share: t.time_share(1.5) as f32,
        };
        assert!(o.net_wage(local * 1.35) > 0.6 * local);
        // And a 40-km commute in South Kuzbass costs under a quarter of a 15k wage.
        let near = t.monthly_fares(40.0) + t.time_share(40.0 / 70.0) * 15.0;
        assert!(near < 0.25 * 15.0, "{near}");
    }

    #[test]
    fn contacts_keep_part_of_search_at_home() {
        let (u, e, v, h) = ([100.0, 0.0], [0.0, 0.0], [10.0, 90.0], [0.0, 0.5, 0.5, 0.0]);
        let mut inp = inputs(&u, &e, &v, &h);
        let formal = search_shares(&inp);
        inp.contact_share = 0.5;
        let with_contacts = search_shares(&inp);
        assert!((with_contacts[0] - (0.5 + 0.5 * formal[0])).abs() < 1e-12);
        assert!((with_contacts[0] + with_contacts[1] - 1.0).abs() < 1e-12);
        // No vacancies at home: all search goes where the vacancies are.
        inp.vacancies = &[0.0, 90.0];
        assert_eq!(search_shares(&inp)[1], 1.0);
    }

    #[test]
    fn firm_draw_follows_vacancies() {
        let cdf = vacancy_cdf([(0u32, 1u32), (1, 0), (2, 3)].into_iter());
        assert_eq!(cdf.len(), 2);
        assert_eq!(pick_firm(&cdf, 0.1), Some(0));
        assert_eq!(pick_firm(&cdf, 0.3), Some(2));
        assert_eq!(pick_firm(&cdf, 0.9999), Some(2));
        assert_eq!(pick_firm(&[], 0.5), None);
    }
}
