//! Observed targets of the stylised facts: a range per fact (and town, where the target
//! is town-specific) with its source.
//!
//! Observation years are 2010 or earlier. Where the project's issues name a later
//! pattern (unemployment 2014-2015, Biysk's clusters to 2015) the row says "validation
//! only, post-2010": it is shown beside the simulated value and never used for tuning.
//! Where no source was found, the source says so and the range is the issue's.

/// The observed range of one fact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Fact name (see [`super::FACTS`]).
    pub fact: &'static str,
    /// Town the target is for; `None` for every town.
    pub town: Option<&'static str>,
    /// Lower bound (may be `-inf`).
    pub low: f64,
    /// Upper bound (may be `+inf`).
    pub high: f64,
    /// Where the range comes from.
    pub source: &'static str,
}

const fn t(
    fact: &'static str,
    town: Option<&'static str>,
    low: f64,
    high: f64,
    source: &'static str,
) -> Target {
    Target {
        fact,
        town,
        low,
        high,
        source,
    }
}

const TURNOVER: &str = "Rosstat (large and medium firms), 2000s: hires and separations about 25-33% of staff a year, i.e. 2-3% a month (Gimpelson & Kapeliushnikov 2011, IZA DP 5588; HSE: 'around 30% of the employed'); high turnover already in the 1990s (Gimpelson & Lippoldt 1999, IHS Transition Economics Series 4)";
const TAIL: &str = "Zipf-like firm sizes, alpha ~1.06 for US firms (Axtell 2001, Science 293:1818); range [0.8, 1.5] from issue 10";
const BEVERIDGE: &str = "Beveridge curve: vacancies and unemployment move inversely (Blanchard & Diamond 1989, Brookings Papers on Economic Activity 1989:1); issue 11: negative in every town";
const HOARDING: &str = "labour hoarding in 1990s Russia: employment fell far less than output (Commander, Liberman & Yemtsov 1993, World Bank WPS 1167; Gimpelson & Lippoldt 1999); issue 10";

/// All targets. A town-specific row overrides the general row of the same fact.
pub const TARGETS: &[Target] = &[
    t("beveridge_corr_levels", None, -1.0, 0.0, BEVERIDGE),
    t("beveridge_corr_diff", None, -1.0, 0.0, BEVERIDGE),
    t(
        "okun_coefficient",
        None,
        -0.6,
        0.0,
        "sign: Okun (1962); Okun's law holds in Russia with a coefficient below developed countries' (Vakulenko & Gurvich 2015, Voprosy Ekonomiki 3; data partly post-2010: validation only); bound -0.6 free",
    ),
    t(
        "vacancy_rate_min",
        None,
        0.01,
        0.06,
        "issue 11: vacancy rate within 1-6% of the labour force in every year (no source found; range from issue)",
    ),
    t(
        "vacancy_rate_max",
        None,
        0.01,
        0.06,
        "issue 11: vacancy rate within 1-6% of the labour force in every year (no source found; range from issue)",
    ),
    t(
        "unemployment_change_2014_2015",
        None,
        0.10,
        0.30,
        "issue 11: up 10-30% on average over the monotowns (no source found; validation only, post-2010)",
    ),
    t("hires_monthly_share", None, 0.02, 0.03, TURNOVER),
    t("separations_monthly_share", None, 0.02, 0.03, TURNOVER),
    t(
        "youth_share_out_migrants",
        None,
        0.35,
        0.65,
        "young people dominate out-migration from the periphery (Kashnitsky 2013, Mediterranean J. of Social Sciences 4(10), census cohorts 2002-2010); no source found for a value; range free",
    ),
    t("tail_exponent_all", None, 0.8, 1.5, TAIL),
    t("tail_exponent_entrants", None, 0.8, 1.5, TAIL),
    t(
        "largest_entrant_workers",
        Some("Novokuznetsk"),
        500.0,
        f64::INFINITY,
        "issue 10: largest entrant in Novokuznetsk >= 500 workers (no source found; range from issue)",
    ),
    t(
        "giant_majority_loss_years_1992_1998",
        None,
        3.0,
        7.0,
        "issue 10: a majority of the giants loss-making in at least three of 1992-98 (no source found; range from issue)",
    ),
    t(
        "giants_emp_minus_output_change_1991_1998",
        None,
        0.0,
        f64::INFINITY,
        HOARDING,
    ),
    t(
        "industrial_firms_2000_2010",
        Some("Biysk"),
        90.0,
        200.0,
        "project brief: 132 industrial enterprises in Biysk in the 2000s (44 large or medium, 88 small); Rosstat counts registered enterprises, small from 16 workers (209-FZ), micro-enterprises (up to 15) excluded, so the fact counts industrial firms with >= 16 workers; range 90-200 from issue 10",
    ),
    t(
        "cluster_pharma_biotech_members_2010_2015",
        Some("Biysk"),
        12.0,
        50.0,
        "project brief: about 25 biopharma firms by 2010; range 12-50 from issue 10 (2011-2015: validation only, post-2010)",
    ),
    t(
        "cluster_composites_materials_members_2010_2015",
        Some("Biysk"),
        7.0,
        26.0,
        "project brief: 13 composite firms with 840 staff in 2015; range from issue 10 (validation only, post-2010)",
    ),
    t(
        "cluster_composites_materials_staff_2010_2015",
        Some("Biysk"),
        400.0,
        1700.0,
        "project brief: 13 composite firms with 840 staff in 2015; range from issue 10 (validation only, post-2010)",
    ),
];

/// The target of `fact` in `town`: the town's own row, else the general row.
pub fn target(fact: &str, town: &str) -> Option<&'static Target> {
    TARGETS
        .iter()
        .find(|t| t.fact == fact && t.town == Some(town))
        .or_else(|| TARGETS.iter().find(|t| t.fact == fact && t.town.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn town_rows_override_general_rows_and_ranges_are_ordered() {
        assert_eq!(
            target("largest_entrant_workers", "Novokuznetsk").map(|t| t.low),
            Some(500.0)
        );
        assert!(target("largest_entrant_workers", "Biysk").is_none());
        assert!(target("hires_monthly_share", "Anywhere").is_some());
        for t in TARGETS {
            assert!(t.low <= t.high, "{}", t.fact);
            assert!(!t.source.is_empty(), "{}", t.fact);
            assert!(
                super::super::FACTS.iter().any(|(f, _)| *f == t.fact),
                "target for unknown fact {}",
                t.fact
            );
        }
    }
}
