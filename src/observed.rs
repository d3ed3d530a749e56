//! Observed data shipped with the project (`scenarios/data/`): census and annual
//! population figures with their sources. Later years are deliberately absent (they are
//! kept for out-of-sample checks).

/// One observed population figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Town.
    pub town: String,
    /// Year.
    pub year: i32,
    /// Residents.
    pub population: f64,
    /// `census` or `estimate`.
    pub kind: String,
    /// Source.
    pub source: String,
}

/// The census table embedded in the binary.
pub const CENSUS_CSV: &str = include_str!("../scenarios/data/census.csv");

/// Parse `city,year,population,kind,source` rows (source may be quoted and contain commas).
pub fn parse_census(text: &str) -> Vec<Observation> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut parts = line.splitn(5, ',');
            let town = parts.next()?.trim().to_string();
            let year = parts.next()?.trim().parse().ok()?;
            let population = parts.next()?.trim().parse().ok()?;
            let kind = parts.next()?.trim().to_string();
            let source = parts
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .to_string();
            Some(Observation {
                town,
                year,
                population,
                kind,
                source,
            })
        })
        .collect()
}

/// The embedded census observations.
pub fn census() -> Vec<Observation> {
    parse_census(CENSUS_CSV)
}

/// Observed population of a town in a year, if known.
pub fn population(obs: &[Observation], town: &str, year: i32) -> Option<f64> {
    obs.iter()
        .find(|o| o.town == town && o.year == year)
        .map(|o| o.population)
}

/// The years at which a run is compared with observations, in order: the first year of the
/// run (its January), every year of `observed_years` (the years in which a town has a census
/// or estimate) within the run's years, and the last year (their Decembers). Both the
/// report's summary table and the summary printed by `monotown run` show these years.
pub fn comparison_years(
    observed_years: impl IntoIterator<Item = i32>,
    first: i32,
    last: i32,
) -> Vec<i32> {
    let mut years: Vec<i32> = observed_years
        .into_iter()
        .filter(|y| (first..=last).contains(y))
        .collect();
    years.push(first);
    years.push(last);
    years.sort_unstable();
    years.dedup();
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn census_parses_with_quoted_sources() {
        let obs = census();
        assert!(obs.len() >= 40);
        assert_eq!(population(&obs, "Nizhny Tagil", 2002), Some(390498.0));
        let nk = obs
            .iter()
            .find(|o| o.town == "Novokuznetsk" && o.year == 1995)
            .unwrap();
        assert_eq!(nk.kind, "estimate");
        assert!(
            obs.iter().all(|o| o.year <= 2010),
            "later years are kept out of sample"
        );
    }

    #[test]
    fn comparison_years_are_the_observed_years_within_the_run() {
        let obs = census();
        let tagil = || {
            obs.iter()
                .filter(|o| o.town == "Nizhny Tagil")
                .map(|o| o.year)
        };
        let years = comparison_years(tagil(), 1989, 2035);
        assert_eq!(years.first(), Some(&1989));
        assert_eq!(years.last(), Some(&2035));
        assert!(years.contains(&2002) && years.contains(&2010));
        for o in obs.iter().filter(|o| o.town == "Nizhny Tagil") {
            assert!(years.contains(&o.year), "{} missing", o.year);
        }
        assert_eq!(comparison_years(tagil(), 2003, 2005), [2003, 2005]);
        assert_eq!(comparison_years([], 1989, 1990), [1989, 1990]);
    }
}
