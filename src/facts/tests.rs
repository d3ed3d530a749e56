use super::input::{ClusterYear, Commute, FirmYear, Input, TownMonth};
use super::*;

fn value(rows: &[FactRow], town: &str, fact: &str) -> f64 {
    rows.iter()
        .find(|r| r.town == town && r.fact == fact)
        .unwrap_or_else(|| panic!("no {town} {fact}"))
        .value
}

/// A town whose annual vacancy rate rises as unemployment falls (exactly linear), with
/// output growth g and unemployment change -0.4 g.
fn town_months(town: &str) -> Vec<TownMonth> {
    let growth = [5.0, -10.0, 2.0, 8.0, -3.0, 0.0];
    let mut u = 0.10;
    let mut output = 1000.0;
    let mut rows = Vec::new();
    for (k, year) in (1990..=1996).enumerate() {
        if k > 0 {
            let g = growth[k - 1];
            output *= 1.0 + g / 100.0;
            u += -0.4 * g / 100.0;
        }
        for _ in 0..12 {
            rows.push(TownMonth {
                town: town.into(),
                year,
                labour_force: 1000.0,
                employed: 1000.0 * (1.0 - u),
                unemployed: 1000.0 * u,
                vacancies: 1000.0 * (0.08 - 0.5 * u),
                hires: 25.0,
                separations: 20.0,
                out_migrants: 10.0,
                out_migrants_18_29: 4.0,
                output: output / 12.0,
            });
        }
    }
    rows
}

fn giant(year: i32, profit: f64, workforce: f64, output: f64) -> FirmYear {
    FirmYear {
        year,
        town: "A".into(),
        sector: "metallurgy".into(),
        giant: true,
        workforce,
        represents: 1.0,
        output,
        profit_year: profit,
        born: 1950,
    }
}

fn input() -> Input {
    let mut firms = Vec::new();
    // Two giants; both lose money in 1992-1994, one in 1995, none after.
    for year in 1990..=1996 {
        let both = (1992..=1994).contains(&year);
        let one = year == 1995;
        firms.push(giant(
            year,
            if both || one { -1.0 } else { 1.0 },
            1000.0,
            100.0,
        ));
        firms.push(giant(year, if both { -1.0 } else { 1.0 }, 1000.0, 100.0));
    }
    // Entrants born 1996 (after 1990 + 5), sizes e and e^2 times 10, 10 firms each.
    let e = std::f64::consts::E;
    for size in [10.0 * e, 10.0 * e * e] {
        firms.push(FirmYear {
            year: 1996,
            town: "A".into(),
            sector: "chemicals".into(),
            giant: false,
            workforce: size,
            represents: 10.0,
            output: 1.0,
            profit_year: 1.0,
            born: 1996,
        });
    }
    Input {
        towns: town_months("A"),
        firms,
        clusters: vec![ClusterYear {
            year: 1996,
            town: "A".into(),
            members: 12.0,
            employment: 300.0,
            sectors: "chemicals,pharma_biotech".into(),
        }],
        commuting: vec![
            Commute {
                year: 1995,
                home: "A".into(),
                work: "Hub".into(),
                commuters: 70.0,
            },
            Commute {
                year: 1996,
                home: "A".into(),
                work: "Hub".into(),
                commuters: 70.0,
            },
        ],
    }
}

#[test]
fn labour_facts_have_their_known_values() {
    let rows = compute(&input());
    assert!((value(&rows, "A", "beveridge_corr_levels") + 1.0).abs() < 1e-9);
    assert!((value(&rows, "A", "beveridge_corr_diff") + 1.0).abs() < 1e-9);
    // Okun: du = -0.4 g exactly.
    assert!((value(&rows, "A", "okun_coefficient") + 0.4).abs() < 1e-9);
    // No 2000-2010 months: the whole run; hires 25 of employed 1000 (1 - u).
    let h = value(&rows, "A", "hires_monthly_share");
    assert!(h > 0.025 && h < 0.03, "{h}");
    assert!((value(&rows, "A", "youth_share_out_migrants") - 0.4).abs() < 1e-12);
    // u goes 0.10 -> 0.08 (1991) -> 0.12 (1992) -> ...; vacancy 0.08 - 0.5 u.
    let vmin = value(&rows, "A", "vacancy_rate_min");
    let vmax = value(&rows, "A", "vacancy_rate_max");
    assert!(vmin < vmax && vmax <= 0.08 - 0.5 * 0.07 + 1e-9);
    assert!(value(&rows, "A", "unemployment_change_2014_2015").is_nan());
}

#[test]
fn firm_giant_cluster_and_commuting_facts_have_their_known_values() {
    let rows = compute(&input());
    // 20 entrants at log-sizes 1 and 2: alpha = 20 / 30; with the giants (log 100) all
    // firms: 22 / (30 + 2 ln 100).
    assert!((value(&rows, "A", "tail_exponent_entrants") - 2.0 / 3.0).abs() < 1e-12);
    let all = 22.0 / (30.0 + 2.0 * 100f64.ln());
    assert!((value(&rows, "A", "tail_exponent_all") - all).abs() < 1e-12);
    let e = std::f64::consts::E;
    assert!((value(&rows, "A", "largest_entrant_workers") - 10.0 * e * e).abs() < 1e-9);
    // Majority (more than half) loss-making in 1992, 1993, 1994 only; 1995 is one of two.
    assert_eq!(
        value(&rows, "A", "giant_majority_loss_years_1992_1998"),
        3.0
    );
    assert_eq!(value(&rows, "A", "loss_making_giants_max"), 2.0);
    // Years 1990-96: 0,0,2,2,2,1,0 -> mean 1.
    assert!((value(&rows, "A", "loss_making_giants_mean") - 1.0).abs() < 1e-12);
    // Giants end in 1996: no 1998 snapshot but a 1996 one: the run does not reach 1998.
    assert!(value(&rows, "A", "giants_employment_change_1991_1998") == -100.0);
    assert_eq!(value(&rows, "A", "clusters_count_end"), 1.0);
    assert_eq!(value(&rows, "A", "cluster_members_max_end"), 12.0);
    assert!(value(&rows, "A", "cluster_pharma_biotech_members_2010_2015").is_nan());
    // 140 commuter-Decembers over 7 snapshot years.
    assert!((value(&rows, "A", "commuters_to_Hub") - 20.0).abs() < 1e-12);
}

#[test]
fn targets_attach_and_within_is_tested() {
    let rows = compute(&input());
    let b = rows
        .iter()
        .find(|r| r.fact == "beveridge_corr_diff")
        .unwrap();
    assert_eq!((b.target_low, b.target_high), (-1.0, 0.0));
    assert_eq!(b.within(), Some(true));
    let t = rows
        .iter()
        .find(|r| r.fact == "tail_exponent_entrants")
        .unwrap();
    assert_eq!(t.within(), Some(false)); // 0.667 < 0.8
    let c = rows
        .iter()
        .find(|r| r.fact == "clusters_count_end")
        .unwrap();
    assert_eq!(c.within(), None);
    let all = rows.last().unwrap();
    assert_eq!(all.town, ALL_TOWNS);
    assert!(all.value.is_nan());
}

#[test]
fn csv_quotes_sources_and_leaves_missing_values_empty() {
    let rows = compute(&input());
    let csv = to_csv(&rows);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("town,fact,value,target_low,target_high,within,source")
    );
    let lev = csv
        .lines()
        .find(|l| l.starts_with("A,beveridge_corr_levels,"))
        .unwrap();
    assert!(lev.contains(",-1,0,true,\"Beveridge"), "{lev}");
    let un = csv
        .lines()
        .find(|l| l.starts_with("A,unemployment_change_2014_2015,"))
        .unwrap();
    assert!(un.starts_with("A,unemployment_change_2014_2015,,0.1,0.3,na,"));
    assert_eq!(csv.lines().count(), rows.len() + 1);
}

#[test]
fn summaries_take_medians_ranges_and_shares_within() {
    let row = |v: f64| FactRow::new("A", "beveridge_corr_diff".into(), v);
    let runs: Vec<Vec<FactRow>> = [-0.5, 0.2, -0.1, f64::NAN, -0.3]
        .iter()
        .map(|&v| vec![row(v)])
        .collect();
    let s = summarise(&runs);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].runs, 4);
    assert!((s[0].median + 0.2).abs() < 1e-12);
    assert!((s[0].share_within - 0.75).abs() < 1e-12);
    assert!(s[0].q05 < s[0].median && s[0].median < s[0].q95);
    let text = summary_text(&s);
    assert!(text.contains("75%"));
    assert!(summary_csv(&s).lines().count() == 2);
}

#[test]
fn values_print_readably() {
    assert_eq!(fmt_value(f64::NAN), "-");
    assert_eq!(fmt_value(0.123456), "0.1235");
    assert_eq!(fmt_value(12345.6), "12346");
    assert_eq!(fmt_range(500.0, f64::INFINITY), "[500.0000, inf]");
    assert_eq!(fmt_range(f64::NAN, f64::NAN), "-");
}

#[test]
fn industrial_counts_hold_registered_enterprises_and_all_firms_apart() {
    let firm = |year: i32, sector: &str, workforce: f64, represents: f64| FirmYear {
        year,
        town: "A".into(),
        sector: sector.into(),
        giant: false,
        workforce,
        represents,
        output: 1.0,
        profit_year: 1.0,
        born: 1990,
    };
    let mut base = input();
    base.firms = vec![
        // 2000: 10 micro-firms of 15 workers, 5 small firms of 16, one giant-sized firm,
        // 3 service firms of 50 (not industrial): 6 registered of 16 industrial.
        firm(2000, "chemicals", 15.0, 10.0),
        firm(2000, "pharma_biotech", 16.0, 5.0),
        firm(2000, "metallurgy", 3000.0, 1.0),
        firm(2000, "local_services", 50.0, 3.0),
        // 2001: 2 registered of 4 industrial; 1999 and 2011 are outside the window.
        firm(2001, "composites_materials", 2.0, 2.0),
        firm(2001, "mining", 100.0, 2.0),
        firm(1999, "chemicals", 100.0, 50.0),
        firm(2011, "chemicals", 100.0, 50.0),
    ];
    let rows = compute(&base);
    assert!((value(&rows, "A", "industrial_firms_2000_2010") - 4.0).abs() < 1e-12);
    assert!((value(&rows, "A", "industrial_firms_all_2000_2010") - 10.0).abs() < 1e-12);
    // The fact's threshold is the model's registered-enterprise size.
    assert_eq!(
        REGISTERED_MIN_WORKERS,
        crate::scenario::Firms::default().registered_firm_min_workers
    );
}
