//! The facts of one town, from its annual labour-market series, firm snapshots,
//! clusters and commuting flows.

use std::collections::BTreeMap;

use super::input::{Input, TownMonth};
use super::stats::{diff, hill_tail, mean, ols_slope, pearson};
use crate::firms::Sector;

/// Firm-size threshold of the tail exponent (workers): fixed, not fitted (the smallest
/// firms of the model are single-digit start-ups whose size the entry rule sets).
pub const TAIL_XMIN: f64 = 10.0;
/// Firms born more than this many years after the run's first year are entrants.
pub const ENTRANT_AFTER_YEARS: i32 = 5;
/// Smallest registered industrial enterprise (workers): Rosstat's enterprise counts hold
/// small enterprises from 16 workers up (Federal Law 209-FZ); micro-enterprises (up to 15)
/// are not in them. Equal to the default of `firms.registered_firm_min_workers`, the
/// size of the smallest generated industrial firm at the start (a test checks this).
pub const REGISTERED_MIN_WORKERS: f64 = 16.0;
/// Window of the turnover facts (the years of the Rosstat target).
pub const TURNOVER_YEARS: (i32, i32) = (2000, 2010);

/// One town's labour market in one year: means over its months.
#[derive(Debug, Clone, Copy, Default)]
struct Year {
    year: i32,
    vacancy_rate: f64,
    unemployment_rate: f64,
    output: f64,
}

fn annual(rows: &[&TownMonth]) -> Vec<Year> {
    let mut by_year: BTreeMap<i32, (f64, f64, f64, f64)> = BTreeMap::new();
    for r in rows {
        let e = by_year.entry(r.year).or_default();
        if r.labour_force > 0.0 {
            e.0 += r.vacancies / r.labour_force;
            e.1 += r.unemployed / r.labour_force;
            e.2 += 1.0;
        }
        e.3 += r.output;
    }
    by_year
        .into_iter()
        .filter(|(_, e)| e.2 > 0.0)
        .map(|(year, e)| Year {
            year,
            vacancy_rate: e.0 / e.2,
            unemployment_rate: e.1 / e.2,
            output: e.3,
        })
        .collect()
}

/// Okun's coefficient: OLS slope of the annual change of the unemployment rate (pp) on
/// annual output growth (%), over consecutive years with positive output.
pub(super) fn okun(years: &[(f64, f64)]) -> f64 {
    let (mut g, mut du) = (Vec::new(), Vec::new());
    for w in years.windows(2) {
        let ((u0, y0), (u1, y1)) = (w[0], w[1]);
        if y0 > 0.0 && y1.is_finite() {
            g.push((y1 / y0 - 1.0) * 100.0);
            du.push((u1 - u0) * 100.0);
        }
    }
    ols_slope(&g, &du)
}

/// Mean monthly share `num / employed` over the turnover window (the whole run when
/// the run does not reach it).
fn monthly_share(rows: &[&TownMonth], num: fn(&TownMonth) -> f64) -> f64 {
    let (a, b) = TURNOVER_YEARS;
    let pick = |all: bool| -> Vec<f64> {
        rows.iter()
            .filter(|r| r.employed > 0.0 && (all || (a..=b).contains(&r.year)))
            .map(|r| num(r) / r.employed)
            .collect()
    };
    let window = pick(false);
    if window.is_empty() {
        mean(&pick(true))
    } else {
        mean(&window)
    }
}

/// The labour-market facts of one town's months.
fn labour_facts(rows: &[&TownMonth], out: &mut Vec<(String, f64)>) {
    let years = annual(rows);
    let v: Vec<f64> = years.iter().map(|y| y.vacancy_rate).collect();
    let u: Vec<f64> = years.iter().map(|y| y.unemployment_rate).collect();
    let uy: Vec<(f64, f64)> = years
        .iter()
        .map(|y| (y.unemployment_rate, y.output))
        .collect();
    let u_of = |yr: i32| {
        years
            .iter()
            .find(|y| y.year == yr)
            .map_or(f64::NAN, |y| y.unemployment_rate)
    };
    let (u14, u15) = (u_of(2014), u_of(2015));
    let min = v.iter().copied().fold(f64::NAN, f64::min);
    let max = v.iter().copied().fold(f64::NAN, f64::max);
    let out_all: f64 = rows.iter().map(|r| r.out_migrants).sum();
    let out_young: f64 = rows.iter().map(|r| r.out_migrants_18_29).sum();
    let facts = [
        ("beveridge_corr_levels", pearson(&v, &u)),
        ("beveridge_corr_diff", pearson(&diff(&v), &diff(&u))),
        ("okun_coefficient", okun(&uy)),
        ("vacancy_rate_min", min),
        ("vacancy_rate_max", max),
        (
            "unemployment_change_2014_2015",
            if u14 > 0.0 { u15 / u14 - 1.0 } else { f64::NAN },
        ),
        ("hires_monthly_share", monthly_share(rows, |r| r.hires)),
        (
            "separations_monthly_share",
            monthly_share(rows, |r| r.separations),
        ),
        (
            "youth_share_out_migrants",
            if out_all > 0.0 {
                out_young / out_all
            } else {
                f64::NAN
            },
        ),
    ];
    out.extend(facts.into_iter().map(|(k, x)| (k.to_string(), x)));
}

fn is_industrial(sector: &str) -> bool {
    Sector::ALL
        .iter()
        .any(|s| s.name() == sector && s.is_industrial())
}

/// Giants' facts: loss-makers per year, the 1992-98 majority-loss years and the change of
/// their employment and output from December 1991 to December 1998.
fn giant_facts(input: &Input, town: &str, out: &mut Vec<(String, f64)>) {
    // year -> (giants, loss-making giants, workers, output)
    let mut by_year: BTreeMap<i32, (f64, f64, f64, f64)> = BTreeMap::new();
    for f in input.firms.iter().filter(|f| *f.town == *town && f.giant) {
        let e = by_year.entry(f.year).or_default();
        e.0 += f.represents;
        if f.profit_year < 0.0 {
            e.1 += f.represents;
        }
        e.2 += f.workforce * f.represents;
        e.3 += f.output * f.represents;
    }
    let losses: Vec<f64> = by_year.values().map(|e| e.1).collect();
    let window: Vec<&(f64, f64, f64, f64)> = (1992..=1998)
        .filter_map(|y| by_year.get(&y))
        .filter(|e| e.0 > 0.0)
        .collect();
    let majority = if window.is_empty() {
        f64::NAN
    } else {
        window.iter().filter(|e| e.1 > 0.5 * e.0).count() as f64
    };
    let change =
        |k: fn(&(f64, f64, f64, f64)) -> f64| match (by_year.get(&1991), by_year.get(&1998)) {
            (Some(a), Some(b)) if k(a) > 0.0 => (k(b) / k(a) - 1.0) * 100.0,
            (Some(a), None) if k(a) > 0.0 => -100.0,
            _ => f64::NAN,
        };
    let emp = change(|e| e.2);
    let output = change(|e| e.3);
    let facts = [
        ("loss_making_giants_mean", mean(&losses)),
        (
            "loss_making_giants_max",
            losses.iter().copied().fold(f64::NAN, f64::max),
        ),
        ("giant_majority_loss_years_1992_1998", majority),
        ("giants_employment_change_1991_1998", emp),
        ("giants_output_change_1991_1998", output),
        ("giants_emp_minus_output_change_1991_1998", emp - output),
    ];
    out.extend(facts.into_iter().map(|(k, x)| (k.to_string(), x)));
}

/// Firm-size facts: tail exponents in the last year, the largest entrant, the counts of
/// industrial firms in 2000-2010 (registered enterprises, and all firms).
fn firm_facts(input: &Input, town: &str, start: i32, out: &mut Vec<(String, f64)>) {
    let firms: Vec<_> = input.firms.iter().filter(|f| *f.town == *town).collect();
    let end = firms.iter().map(|f| f.year).max().unwrap_or(i32::MIN);
    let entrant = |born: i32| born > start + ENTRANT_AFTER_YEARS;
    let sizes = |only_entrants: bool| -> Vec<(f64, f64)> {
        firms
            .iter()
            .filter(|f| f.year == end && (!only_entrants || entrant(f.born)))
            .map(|f| (f.workforce, f.represents))
            .collect()
    };
    let largest = firms
        .iter()
        .filter(|f| entrant(f.born))
        .map(|f| f.workforce)
        .fold(f64::NAN, f64::max);
    // year -> (registered industrial enterprises, all industrial firms)
    let mut industrial: BTreeMap<i32, (f64, f64)> = BTreeMap::new();
    for f in firms.iter().filter(|f| (2000..=2010).contains(&f.year)) {
        let e = industrial.entry(f.year).or_default();
        if is_industrial(&f.sector) {
            e.1 += f.represents;
            if f.workforce >= REGISTERED_MIN_WORKERS {
                e.0 += f.represents;
            }
        }
    }
    let registered: Vec<f64> = industrial.values().map(|e| e.0).collect();
    let all_industrial: Vec<f64> = industrial.values().map(|e| e.1).collect();
    let facts = [
        ("tail_exponent_all", hill_tail(&sizes(false), TAIL_XMIN)),
        ("tail_exponent_entrants", hill_tail(&sizes(true), TAIL_XMIN)),
        ("largest_entrant_workers", largest),
        ("industrial_firms_2000_2010", mean(&registered)),
        ("industrial_firms_all_2000_2010", mean(&all_industrial)),
    ];
    out.extend(facts.into_iter().map(|(k, x)| (k.to_string(), x)));
}

/// Cluster facts: count and sizes in the last year; the largest cluster with a member in
/// a given sector in 2010-2015 (mean over those years, 0 in a year without one).
fn cluster_facts(input: &Input, town: &str, out: &mut Vec<(String, f64)>) {
    let end = input.firms.iter().map(|f| f.year).max().unwrap_or(i32::MIN);
    let last: Vec<_> = input
        .clusters
        .iter()
        .filter(|c| c.town == town && c.year == end)
        .collect();
    let members = last.iter().map(|c| c.members).fold(f64::NAN, f64::max);
    let staff = last.iter().map(|c| c.employment).fold(f64::NAN, f64::max);
    out.push(("clusters_count_end".into(), last.len() as f64));
    out.push((
        "cluster_members_max_end".into(),
        if last.is_empty() { 0.0 } else { members },
    ));
    out.push((
        "cluster_staff_max_end".into(),
        if last.is_empty() { 0.0 } else { staff },
    ));
    let years: Vec<i32> = (2010..=2015)
        .filter(|y| input.firms.iter().any(|f| f.year == *y))
        .collect();
    for sector in [Sector::PharmaBiotech, Sector::CompositesMaterials] {
        let (mut m, mut s) = (Vec::new(), Vec::new());
        for &y in &years {
            let best = input
                .clusters
                .iter()
                .filter(|c| c.town == town && c.year == y)
                .filter(|c| c.sectors.split(',').any(|x| x == sector.name()))
                .max_by(|a, b| a.members.total_cmp(&b.members));
            m.push(best.map_or(0.0, |c| c.members));
            s.push(best.map_or(0.0, |c| c.employment));
        }
        let name = sector.name();
        out.push((format!("cluster_{name}_members_2010_2015"), mean(&m)));
        out.push((format!("cluster_{name}_staff_2010_2015"), mean(&s)));
    }
}

/// Commuters from `town` to each destination: mean December count over the run's years.
fn commuting_facts(input: &Input, town: &str, out: &mut Vec<(String, f64)>) {
    let years = input
        .firms
        .iter()
        .map(|f| f.year)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        .max(1) as f64;
    let mut dest: Vec<(&str, f64)> = Vec::new();
    for c in input.commuting.iter().filter(|c| c.home == town) {
        match dest.iter_mut().find(|(d, _)| *d == c.work) {
            Some((_, k)) => *k += c.commuters,
            None => dest.push((&c.work, c.commuters)),
        }
    }
    for (d, k) in dest {
        out.push((format!("commuters_to_{d}"), k / years));
    }
}

/// All facts of one agent town, in [`super::FACTS`] order then commuting destinations.
pub(super) fn town_facts(input: &Input, town: &str, start: i32) -> Vec<(String, f64)> {
    let rows: Vec<&TownMonth> = input.towns.iter().filter(|r| r.town == town).collect();
    let mut out = Vec::new();
    labour_facts(&rows, &mut out);
    firm_facts(input, town, start, &mut out);
    giant_facts(input, town, &mut out);
    cluster_facts(input, town, &mut out);
    commuting_facts(input, town, &mut out);
    out
}
