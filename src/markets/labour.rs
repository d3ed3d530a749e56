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

use crate::firms::Firm;
use crate::people::pass::TownCounts;
use crate::scenario::Labour;

/// One place a resident of a town can find work.
#[derive(Debug, Clone, Copy)]
pub struct JobOption {
    /// Work town.
    pub work_town: u16,
    /// Cumulative probability of an offer from this or an earlier option this month.
    pub cum_probability: f32,
    /// Monthly commuting cost of a job there (thousand RUB).
    pub commute_cost: f32,
}

/// This month's labour-market tables.
#[derive(Debug, Clone, Default)]
pub struct LabourTables {
    /// Offer options by residence town.
    pub options: Vec<Vec<JobOption>>,
    /// By work town: cumulative vacancy weights and firm indices.
    pub vacancy_cdf: Vec<Vec<(f32, u32)>>,
}

/// This month's tables: searchers are last month's unemployed and on-the-job searchers
/// by residence town (`last`), vacancies are the alive firms' open posts, and travel
/// `hours` between towns (row-major n x n) include infrastructure policies.
pub fn month_tables(
    p: &Labour,
    last: &[TownCounts],
    firms: &[Firm],
    hours: &[f64],
) -> LabourTables {
    let n = last.len();
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
    let (options, _offer_probability) = offer_options(&MatchingInputs {
        unemployed: &unemployed,
        employed: &employed,
        vacancies: &vacancies,
        hours,
        max_hours: p.commute_max_hours,
        cost_per_hour: p.commute_cost_krub_per_hour,
        on_the_job_search: p.on_the_job_search,
        efficiency: p.matching_efficiency,
        elasticity: p.matching_elasticity,
        search_decay: p.commute_search_decay,
    });
    let vacancy_cdf = by_town
        .into_iter()
        .map(|v| vacancy_cdf(v.into_iter()))
        .collect();
    LabourTables {
        options,
        vacancy_cdf,
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
    /// Longest commute.
    pub max_hours: f64,
    /// Commuting cost per hour of one-way travel (thousand RUB/month).
    pub cost_per_hour: f64,
    /// Share of the employed who search each month.
    pub on_the_job_search: f64,
    /// Matching efficiency.
    pub efficiency: f64,
    /// Matching elasticity with respect to searchers.
    pub elasticity: f64,
    /// Decay of search effort per hour of travel.
    pub search_decay: f64,
}

/// Build the offer options of each residence town.
pub fn offer_options(inp: &MatchingInputs<'_>) -> (Vec<Vec<JobOption>>, Vec<f64>) {
    let n = inp.unemployed.len();
    // Search shares: residence r -> work town w.
    let mut shares = vec![0.0f64; n * n];
    for r in 0..n {
        let mut total = 0.0;
        for w in 0..n {
            let h = inp.hours[r * n + w];
            if h <= inp.max_hours && inp.vacancies[w] > 0.0 {
                let s = inp.vacancies[w] * (-inp.search_decay * h).exp();
                shares[r * n + w] = s;
                total += s;
            }
        }
        if total > 0.0 {
            for w in 0..n {
                shares[r * n + w] /= total;
            }
        }
    }
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
                .filter(|&w| shares[r * n + w] > 0.0)
                .map(|w| {
                    cum += shares[r * n + w] * offer[w];
                    JobOption {
                        work_town: w as u16,
                        cum_probability: cum as f32,
                        commute_cost: if w == r {
                            0.0
                        } else {
                            (inp.cost_per_hour * inp.hours[r * n + w]) as f32
                        },
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

    fn inputs<'a>(u: &'a [f64], e: &'a [f64], v: &'a [f64], h: &'a [f64]) -> MatchingInputs<'a> {
        MatchingInputs {
            unemployed: u,
            employed: e,
            vacancies: v,
            hours: h,
            max_hours: 1.5,
            cost_per_hour: 5.0,
            on_the_job_search: 0.0,
            efficiency: 0.5,
            elasticity: 0.5,
            search_decay: 1.5,
        }
    }

    #[test]
    fn matches_never_exceed_vacancies_or_searchers() {
        let (u, e, v, h) = ([1000.0, 10.0], [0.0, 0.0], [5.0, 0.0], [0.0, 9.0, 9.0, 0.0]);
        let (opts, offer) = offer_options(&inputs(&u, &e, &v, &h));
        // 1000 searchers, 5 vacancies: at most 5 matches.
        assert!(offer[0] * 1000.0 <= 5.0 + 1e-9);
        // Town 1 cannot reach town 0 (9 h): no options.
        assert!(opts[1].is_empty());
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
    fn commuters_search_in_reachable_towns_with_cost() {
        let (u, e, v, h) = (
            [100.0, 100.0],
            [0.0, 0.0],
            [0.0, 50.0],
            [0.0, 1.0, 1.0, 0.0],
        );
        let (opts, _) = offer_options(&inputs(&u, &e, &v, &h));
        assert_eq!(opts[0].len(), 1);
        assert_eq!(opts[0][0].work_town, 1);
        assert!((opts[0][0].commute_cost - 5.0).abs() < 1e-6);
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
