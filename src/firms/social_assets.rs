//! Enterprise social assets: the housing, kindergartens, clinics and heat a city-forming
//! firm ran for the town, and their hand-over to the municipality.
//!
//! Soviet enterprises, above all the city-forming ones, owned much of their town's
//! social infrastructure; in a 1994 survey its gross cost was about 18% of the wage bill,
//! more in large firms and where one firm dominated local employment (Commander &
//! Schankerman 1997). With price liberalisation (1992) the firm pays this upkeep out of
//! its own revenue; from 1994 it hands the assets over to the municipality
//! (municipalisation; Freinkman & Starodubrovskaya 1996; Healey, Leksin & Svetsov 1999),
//! and the municipal budget takes the upkeep of what was handed over, financed by the
//! earmarked transfers that came with the assets (money in = money out). The upkeep is
//! a share of the wage bill: services per worker, whatever the firm's sales, so a firm
//! that hoards labour through a fall in demand pays the full upkeep on a shrunken
//! revenue (a source of the 1990s losses of the giants).

use super::Firm;
use crate::scenario::Firms;

/// Share of a firm's social assets it still holds in `year` (fractional calendar
/// year): 1 until divestiture starts, then falling by `social_asset_divest_per_year`
/// a year (exponentially).
pub fn retained_share(year: f64, p: &Firms) -> f64 {
    let years = (year - p.social_asset_divest_start_year).max(0.0);
    (-p.social_asset_divest_per_year * years).exp()
}

/// This month's upkeep of a firm's social assets (thousand RUB, agents' units) given its
/// wages due: the part the firm pays and the part the municipality pays for the assets
/// already handed over. Zero for firms without a social role and before
/// `social_asset_start_year`.
pub fn upkeep(f: &Firm, wages: f64, year: f64, p: &Firms) -> (f64, f64) {
    if !f.social_role || year < p.social_asset_start_year || wages <= 0.0 {
        return (0.0, 0.0);
    }
    let total = p.social_asset_cost_share * wages;
    let kept = retained_share(year, p);
    (total * kept, total * (1.0 - kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::{FirmKind, Sector, test_firm};

    #[test]
    fn upkeep_starts_with_liberalisation_and_moves_to_the_municipality() {
        let p = Firms::default();
        let mut f = test_firm("g", Sector::Metallurgy, FirmKind::Giant, 1000.0, &p);
        f.social_role = false;
        assert_eq!(upkeep(&f, 100.0, 1995.0, &p), (0.0, 0.0));
        f.social_role = true;
        assert_eq!(upkeep(&f, 100.0, 1991.5, &p), (0.0, 0.0));
        // Before divestiture the firm pays it all.
        let (firm, town) = upkeep(&f, 100.0, 1993.0, &p);
        assert!((firm - p.social_asset_cost_share * 100.0).abs() < 1e-12 && town == 0.0);
        // Later the municipality pays a growing share; the total stays the same.
        let mut last = 0.0;
        for year in [1995.0, 2000.0, 2010.0] {
            let (firm, town) = upkeep(&f, 100.0, year, &p);
            assert!((firm + town - p.social_asset_cost_share * 100.0).abs() < 1e-12);
            assert!(town > last, "{year}: {town}");
            last = town;
        }
        assert!(retained_share(2030.0, &p) < 0.01);
        assert_eq!(retained_share(1980.0, &p), 1.0);
    }
}
