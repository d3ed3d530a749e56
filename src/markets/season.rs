//! Seasonal demand and weather shocks (docs/ODD.md 7.8a).
//!
//! Demand for some sectors moves within the year: a ski resort sells its lift passes,
//! beds and meals from November to April and little in summer. Each sector has a
//! monthly demand profile (12 factors, mean 1) that multiplies the demand of its firms in
//! every agent town; firms meet it through their ordinary labour-demand response
//! (7.12), so seasonal hiring and lay-offs follow from the target workforce moving with
//! the month, with fixed-term seasonal contracts ending with the season
//! (`firms.seasonal_contract_release`). The amplitude is an input, read from resort
//! statistics (the scenario cites its source), not a fit.
//!
//! Weather adds a random factor per town and snow season: a lognormal
//! `exp(sd z - sd^2 / 2)` with mean 1 (`seasonality.weather_sd`), drawn from the town's
//! [`Process::Weather`] stream for the season, multiplies the snow-season factors of the
//! weather sectors (a poor snow year shortens and thins the season; Hamilton, Brown &
//! Keim 2007). The draw is a pure function of (seed, town, season), so every
//! month of a season reads the same factor without storing it.
//!
//! The default is inert: with no profile and `weather_sd = 0` every factor is exactly 1,
//! no sector counts as seasonal and no random number is drawn, so runs stay bit-identical.

use rand_distr::{Distribution, StandardNormal};

use crate::firms::Sector;
use crate::rng::{Process, Stream};
use crate::scenario::Seasonality;

/// The validated seasonal demand of a scenario: profiles normalised to mean 1, the
/// seasonal sectors and the weather process.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonalDemand {
    /// Demand factor by sector and calendar month (index 0 = January).
    profile: [[f64; 12]; Sector::COUNT],
    /// Whether a sector's demand moves within the year (a profile that is not flat, or a
    /// weather sector while weather shocks are on).
    seasonal: [bool; Sector::COUNT],
    /// Largest monthly factor of each sector's profile.
    profile_peak: [f64; Sector::COUNT],
    /// Weather shocks, when on.
    weather: Option<Weather>,
}

/// The snow-season weather process.
#[derive(Debug, Clone, PartialEq)]
struct Weather {
    /// Standard deviation of the log factor.
    sd: f64,
    /// First month of the season (0 = January).
    start: i32,
    /// Season length in months.
    months: i32,
    /// Sectors the factor multiplies.
    sectors: [bool; Sector::COUNT],
}

impl Default for SeasonalDemand {
    fn default() -> Self {
        SeasonalDemand {
            profile: [[1.0; 12]; Sector::COUNT],
            seasonal: [false; Sector::COUNT],
            profile_peak: [1.0; Sector::COUNT],
            weather: None,
        }
    }
}

/// This month's seasonal factors of the agent towns.
#[derive(Debug, Clone, Default)]
pub struct SeasonMonth {
    /// Demand factor by town and sector (1 in hubs and for flat sectors).
    pub factor: Vec<[f64; Sector::COUNT]>,
    /// The highest factor of the town's season for the sector: the profile's peak times
    /// this season's weather factor where it applies (the staffing level whose surplus is
    /// seasonal).
    pub peak: Vec<[f64; Sector::COUNT]>,
}

impl SeasonalDemand {
    /// Build from a validated `[seasonality]` section: each profile divided by its mean,
    /// so that it moves demand within the year and not its level.
    pub fn from_section(s: &Seasonality) -> Self {
        let mut d = SeasonalDemand::default();
        for (sector, values) in &s.profile {
            let mean = values.iter().sum::<f64>() / 12.0;
            if values.len() != 12 || mean.is_nan() || mean <= 0.0 {
                continue; // rejected by validation; never reached from a scenario
            }
            let i = sector.index();
            for (m, v) in values.iter().take(12).enumerate() {
                d.profile[i][m] = v / mean;
            }
            d.seasonal[i] = d.profile[i].iter().any(|&v| v != 1.0);
            d.profile_peak[i] = d.profile[i].iter().copied().fold(0.0, f64::max);
        }
        if s.weather_sd > 0.0 {
            let mut sectors = [false; Sector::COUNT];
            for sector in &s.weather_sectors {
                sectors[sector.index()] = true;
                d.seasonal[sector.index()] = true;
            }
            d.weather = Some(Weather {
                sd: s.weather_sd,
                start: s.weather_season_start as i32 - 1,
                months: s.weather_season_months as i32,
                sectors,
            });
        }
        d
    }

    /// Whether the sector's demand moves within the year.
    pub fn is_seasonal(&self, sector: Sector) -> bool {
        self.seasonal[sector.index()]
    }

    /// Whether any sector is seasonal (otherwise every factor is 1).
    pub fn is_active(&self) -> bool {
        self.seasonal.iter().any(|&s| s)
    }

    /// A sector's profile factor in a calendar month (0 = January).
    pub fn profile(&self, sector: Sector, calendar_month: usize) -> f64 {
        self.profile[sector.index()][calendar_month]
    }

    /// The factors of absolute month `month` for each town (`is_hub[t]`: hubs stay at 1).
    /// Draws nothing unless weather shocks are on.
    pub fn month(&self, seed: u64, month: i32, is_hub: &[bool]) -> SeasonMonth {
        let n = is_hub.len();
        let calendar = month.rem_euclid(12) as usize;
        let mut out = SeasonMonth {
            factor: vec![[1.0; Sector::COUNT]; n],
            peak: vec![[1.0; Sector::COUNT]; n],
        };
        if !self.is_active() {
            return out;
        }
        for (t, hub) in is_hub.iter().enumerate() {
            if *hub {
                continue;
            }
            let weather = self.weather.as_ref().map(|w| {
                let (first, in_season) = season_of(month, w.start, w.months);
                (w, weather_factor(seed, t, first, w.sd), in_season)
            });
            for s in Sector::ALL {
                let i = s.index();
                if !self.seasonal[i] {
                    continue;
                }
                let mut factor = self.profile[i][calendar];
                let mut peak = self.profile_peak[i];
                if let Some((w, draw, in_season)) = weather
                    && w.sectors[i]
                {
                    if in_season {
                        factor *= draw;
                    }
                    peak *= draw.max(1.0);
                }
                out.factor[t][i] = factor;
                out.peak[t][i] = peak.max(factor);
            }
        }
        out
    }
}

/// The first month (absolute index) of the snow season that `month` belongs to (the one
/// that began at the latest `start` month at or before it) and whether `month` lies
/// within its first `months` months.
pub fn season_of(month: i32, start: i32, months: i32) -> (i32, bool) {
    let since = (month - start).rem_euclid(12);
    (month - since, since < months)
}

/// The weather factor of town `town` for the snow season beginning in absolute month
/// `season_first_month`: `exp(sd z - sd^2 / 2)`, lognormal with mean 1, `z` the first
/// standard normal of the stream `(seed, Weather, town, season_first_month)`.
pub fn weather_factor(seed: u64, town: usize, season_first_month: i32, sd: f64) -> f64 {
    let mut rng = Stream::new(
        seed,
        Process::Weather,
        town as u64,
        season_first_month as u32,
    );
    let z: f64 = StandardNormal.sample(&mut rng);
    (sd * z - sd * sd / 2.0).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::month_index;

    fn ski_profile() -> Vec<f64> {
        vec![1.6, 1.7, 1.5, 1.1, 0.6, 0.6, 0.7, 0.7, 0.6, 0.6, 0.9, 1.4]
    }

    fn section(weather_sd: f64) -> Seasonality {
        let mut s = Seasonality::default();
        s.profile.insert(Sector::Tourism, ski_profile());
        s.weather_sd = weather_sd;
        s
    }

    #[test]
    fn a_profile_has_mean_one_and_moves_only_its_sector() {
        let d = SeasonalDemand::from_section(&section(0.0));
        let mean = (0..12).map(|m| d.profile(Sector::Tourism, m)).sum::<f64>() / 12.0;
        assert!((mean - 1.0).abs() < 1e-12, "mean {mean}");
        assert!(d.is_seasonal(Sector::Tourism) && !d.is_seasonal(Sector::Mining));
        let jan = d.month(7, month_index(2005, 1), &[false, true]);
        let jul = d.month(7, month_index(2005, 7), &[false, true]);
        let t = Sector::Tourism.index();
        assert!(jan.factor[0][t] > 1.5 && jul.factor[0][t] < 0.75);
        // Other sectors and hubs stay at exactly 1.
        assert_eq!(jan.factor[0][Sector::Mining.index()], 1.0);
        assert_eq!(jan.factor[1][t], 1.0);
        assert_eq!(jan.peak[0][t], d.profile_peak[t]);
    }

    #[test]
    fn a_profile_written_with_a_rounded_mean_is_rescaled_to_mean_one() {
        let mut s = Seasonality::default();
        s.profile.insert(Sector::Tourism, vec![1.005; 12]);
        let d = SeasonalDemand::from_section(&s);
        for m in 0..12 {
            assert!((d.profile(Sector::Tourism, m) - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn the_default_is_flat_and_inert() {
        let d = SeasonalDemand::from_section(&Seasonality::default());
        assert!(!d.is_active());
        assert_eq!(d, SeasonalDemand::default());
        let m = d.month(1, month_index(1999, 2), &[false, false]);
        assert!(m.factor.iter().flatten().all(|&f| f == 1.0));
        assert!(m.peak.iter().flatten().all(|&f| f == 1.0));
    }

    #[test]
    fn weather_is_one_draw_per_town_and_season_and_deterministic() {
        let d = SeasonalDemand::from_section(&section(0.2));
        let t = Sector::Tourism.index();
        let ratio = |seed: u64, y: i32, m: u32, town: usize| {
            let f = d.month(seed, month_index(y, m), &[false, false]);
            f.factor[town][t] / d.profile(Sector::Tourism, m as usize - 1)
        };
        // The same season (November 2005 to April 2006) reads one factor.
        let nov = ratio(3, 2005, 11, 0);
        let same = |a: f64, b: f64| (a - b).abs() < 1e-12;
        for (y, m) in [(2005, 12), (2006, 1), (2006, 4)] {
            assert!(same(ratio(3, y, m, 0), nov));
        }
        // Off-season months are not multiplied.
        assert_eq!(ratio(3, 2006, 7, 0), 1.0);
        // Another season, another town or another seed draw anew; the same key repeats.
        assert_ne!(ratio(3, 2006, 12, 0), nov);
        assert_ne!(ratio(3, 2005, 12, 1), nov);
        assert_ne!(ratio(4, 2005, 12, 0), nov);
        assert!(same(ratio(3, 2005, 12, 0), nov));
        assert!(same(nov, weather_factor(3, 0, month_index(2005, 11), 0.2)));
        assert_ne!(nov, 1.0);
    }

    #[test]
    fn weather_factors_are_lognormal_with_mean_one_and_the_given_sd() {
        let sd = 0.2;
        let draws: Vec<f64> = (0..4000)
            .map(|s| weather_factor(11, 0, month_index(1989, 11) + 12 * s, sd))
            .collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let logs: Vec<f64> = draws.iter().map(|d| d.ln()).collect();
        let lm = logs.iter().sum::<f64>() / logs.len() as f64;
        let lsd = (logs.iter().map(|l| (l - lm).powi(2)).sum::<f64>() / logs.len() as f64).sqrt();
        assert!((mean - 1.0).abs() < 0.02, "mean {mean}");
        assert!((lsd - sd).abs() < 0.01, "sd {lsd}");
    }

    #[test]
    fn seasons_wrap_over_the_new_year() {
        let nov = month_index(2005, 11);
        assert_eq!(season_of(nov, 10, 6), (nov, true));
        assert_eq!(season_of(month_index(2006, 4), 10, 6), (nov, true));
        assert_eq!(season_of(month_index(2006, 5), 10, 6), (nov, false));
        assert_eq!(season_of(month_index(2006, 10), 10, 6), (nov, false));
        assert_eq!(season_of(month_index(2006, 11), 10, 6).0, nov + 12);
    }
}
