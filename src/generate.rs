//! Synthetic national systems of monotowns (`monotown generate national`).
//!
//! Writes a scenario of `N` agent towns whose 1989 sizes follow a truncated Pareto
//! (rank-size) law, each with its city-forming giant, grouped into regions around `H`
//! regional hubs placed on a plane, with road distances and travel times derived from the
//! coordinates. Everything is a pure function of the options: every random number comes
//! from the stream `Process::Generate`, keyed by the place's index in the written
//! `[[town]]` list (agent towns by rank, then hubs), so the same options give the same
//! bytes.
//!
//! The system is synthetic, not observed. Its assumptions (stated again in the file
//! header) are:
//! - sizes: truncated Pareto with shape `exponent` (default 1, Zipf's law) between
//!   10,000 and 720,000 people before rescaling, drawn by stratified sampling (town of
//!   rank `r` draws its survival probability in `((r-1)/N, r/N)`), then rescaled so that
//!   the towns hold `population` people (default 14 million x N / 300: about 14 million
//!   for 300 towns; the government list of 2009-10 had about 330 monotowns with 14-16
//!   million residents, stated here as an assumption, not a sourced figure);
//! - the giant's sector is drawn from an assumed monotown sector mix (machinery/defence
//!   0.36, mining 0.24, metallurgy 0.18, chemicals incl. pulp-and-paper and timber
//!   chemistry 0.22; the model has no separate timber sector), it employs 10-18% of the
//!   town's residents (the default scenarios' giants: Nizhny Tagil 16%, Prokopyevsk 14%);
//!   towns of 100,000+ get a second large employer of 4%;
//! - regions: towns pick a hub uniformly and lie 15-300 km from it (uniform over the
//!   disc); hubs sit on a grid 550 km apart with 100 km jitter; road km are 1.3 x the
//!   straight line, travel hours road km / 60; pairs more than 400 road km apart get no
//!   `[[distance]]` (the model then routes through a common neighbour, or treats them as
//!   far apart, `migration.rest_of_country_km`);
//! - only national shocks up to 2010 (the 1992-98 crisis and input-price shock, the
//!   state-order collapse, the 1999-2006 recovery and the 2008-09 crisis) are included.

use std::f64::consts::PI;
use std::fmt::Write as _;

use crate::firms::Sector;
use crate::rng::{Process, Stream};

/// Fewest and most agent towns (the model takes at most 1000 towns including hubs).
pub const TOWNS_RANGE: (usize, usize) = (1, 900);
/// Fewest and most hubs.
pub const HUBS_RANGE: (usize, usize) = (1, 100);
/// Valid Pareto shapes.
pub const EXPONENT_RANGE: (f64, f64) = (0.5, 3.0);
/// Valid mean town sizes (total population / towns).
pub const MEAN_SIZE_RANGE: (f64, f64) = (1_000.0, 1_000_000.0);
/// Valid end years.
pub const END_YEAR_RANGE: (i32, i32) = (1989, 2035);

/// Smallest and largest town before rescaling (people, 1989).
const SIZE_MIN: f64 = 10_000.0;
const SIZE_MAX: f64 = 720_000.0;
/// People per town by default: 14 million for 300 towns.
pub const DEFAULT_MEAN_SIZE: f64 = 14_000_000.0 / 300.0;
/// Road distance over straight-line distance.
const ROAD_FACTOR: f64 = 1.3;
/// Mean road speed (km/h).
const ROAD_SPEED_KMH: f64 = 60.0;
/// Pairs farther apart (road km) get no `[[distance]]`.
const DISTANCE_CUTOFF_KM: f64 = 400.0;
/// Hub grid spacing and jitter (km).
const HUB_SPACING_KM: f64 = 550.0;
const HUB_JITTER_KM: f64 = 100.0;
/// Towns lie this far from their hub (straight-line km).
const REGION_RADIUS_KM: (f64, f64) = (15.0, 300.0);

/// The giant's sector mix (assumption), cumulative weights.
const GIANT_SECTORS: [(Sector, f64); 4] = [
    (Sector::MachineryDefence, 0.36),
    (Sector::Mining, 0.24),
    (Sector::Metallurgy, 0.18),
    (Sector::Chemicals, 0.22),
];

/// Options of `generate national`.
#[derive(Debug, Clone, PartialEq)]
pub struct NationalOptions {
    /// Agent towns.
    pub towns: usize,
    /// Regional hubs (default: one per 15 towns, at least 1).
    pub hubs: Option<usize>,
    /// Seed of the generator; also written as `run.seed`.
    pub seed: u64,
    /// Pareto shape of the size distribution (1 = Zipf).
    pub exponent: f64,
    /// Residents of all agent towns together (default: 14 million x towns / 300).
    pub population: Option<f64>,
    /// Last simulated year.
    pub end_year: i32,
}

impl Default for NationalOptions {
    fn default() -> Self {
        NationalOptions {
            towns: 300,
            hubs: None,
            seed: 1,
            exponent: 1.0,
            population: None,
            end_year: 2035,
        }
    }
}

/// A flag outside its valid range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("--{flag}: {message}")]
pub struct FlagError {
    /// The flag, without dashes.
    pub flag: &'static str,
    /// What is wrong, with the valid range.
    pub message: String,
}

fn flag_error(flag: &'static str, message: String) -> FlagError {
    FlagError { flag, message }
}

impl NationalOptions {
    /// Hubs, with the default applied.
    pub fn hub_count(&self) -> usize {
        self.hubs
            .unwrap_or_else(|| ((self.towns as f64 / 15.0).round() as usize).max(1))
    }

    /// Total population, with the default applied.
    pub fn total_population(&self) -> f64 {
        self.population
            .unwrap_or((DEFAULT_MEAN_SIZE * self.towns as f64).round())
    }

    /// Check every option against its range.
    pub fn check(&self) -> Result<(), FlagError> {
        let (lo, hi) = TOWNS_RANGE;
        if !(lo..=hi).contains(&self.towns) {
            return Err(flag_error(
                "towns",
                format!("{} is outside the valid range [{lo}, {hi}]", self.towns),
            ));
        }
        let (lo, hi) = HUBS_RANGE;
        if let Some(h) = self.hubs
            && !(lo..=hi).contains(&h)
        {
            return Err(flag_error(
                "hubs",
                format!("{h} is outside the valid range [{lo}, {hi}]"),
            ));
        }
        let (lo, hi) = EXPONENT_RANGE;
        if !(self.exponent >= lo && self.exponent <= hi) {
            return Err(flag_error(
                "exponent",
                format!("{} is outside the valid range [{lo}, {hi}]", self.exponent),
            ));
        }
        if let Some(p) = self.population {
            let (lo, hi) = MEAN_SIZE_RANGE;
            let (lo, hi) = (lo * self.towns as f64, hi * self.towns as f64);
            if !(p >= lo && p <= hi) {
                return Err(flag_error(
                    "population",
                    format!(
                        "{p} is outside the valid range [{lo}, {hi}] for {} towns (1,000 to 1,000,000 people per town)",
                        self.towns
                    ),
                ));
            }
        }
        let (lo, hi) = END_YEAR_RANGE;
        if !(lo..=hi).contains(&self.end_year) {
            return Err(flag_error(
                "end-year",
                format!("{} is outside the valid range [{lo}, {hi}]", self.end_year),
            ));
        }
        Ok(())
    }
}

/// One generated place (agent town or hub).
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Name.
    pub name: String,
    /// Residents in 1989.
    pub population: f64,
    /// Position on the plane (km).
    pub x: f64,
    /// Position on the plane (km).
    pub y: f64,
    /// Region (the hub's index among the hubs).
    pub region: usize,
}

/// A generated system before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct NationalSystem {
    /// Agent towns, by rank (largest first).
    pub towns: Vec<Place>,
    /// Hubs.
    pub hubs: Vec<Place>,
    /// The scenario text.
    pub toml: String,
}

/// The pre-rescaling size of the town whose survival probability is `s` in (0, 1]:
/// the inverse of the truncated Pareto survival function.
fn pareto_size(s: f64, alpha: f64) -> f64 {
    let c = (SIZE_MIN / SIZE_MAX).powf(alpha);
    SIZE_MIN * (s * (1.0 - c) + c).powf(-1.0 / alpha)
}

/// Width of the zero-padded town number.
fn width(n: usize) -> usize {
    n.to_string().len().max(3)
}

/// Generate the system: places, then the scenario text.
pub fn national(opts: &NationalOptions) -> Result<NationalSystem, FlagError> {
    opts.check()?;
    let n = opts.towns;
    let h = opts.hub_count();
    let stream = |entity: usize| Stream::new(opts.seed, Process::Generate, entity as u64, 0);

    // Hubs on a grid, jittered.
    let cols = ((h as f64 * 2.0).sqrt().ceil() as usize).max(1);
    let hubs: Vec<Place> = (0..h)
        .map(|k| {
            let mut r = stream(n + k);
            let x = (k % cols) as f64 * HUB_SPACING_KM + (r.uniform() * 2.0 - 1.0) * HUB_JITTER_KM;
            let y = (k / cols) as f64 * HUB_SPACING_KM + (r.uniform() * 2.0 - 1.0) * HUB_JITTER_KM;
            // Regional capitals: log-uniform 300,000 - 1,200,000 (assumption).
            let population = (300_000.0 * 4f64.powf(r.uniform())).round();
            Place {
                name: format!("Hub {:0w$}", k + 1, w = h.to_string().len().max(2)),
                population,
                x,
                y,
                region: k,
            }
        })
        .collect();

    // Town sizes by stratified sampling, positions around their hub.
    let mut raw = Vec::with_capacity(n);
    let mut towns: Vec<Place> = (0..n)
        .map(|r| {
            let mut s = stream(r);
            let survival = (r as f64 + s.uniform().max(1e-12)) / n as f64;
            raw.push(pareto_size(survival, opts.exponent));
            let region = s.below(h as u64) as usize;
            let angle = s.uniform() * 2.0 * PI;
            let (r0, r1) = REGION_RADIUS_KM;
            let dist = (r0 * r0 + s.uniform() * (r1 * r1 - r0 * r0)).sqrt();
            Place {
                name: format!("Town {:0w$}", r + 1, w = width(n)),
                population: 0.0,
                x: hubs[region].x + dist * angle.cos(),
                y: hubs[region].y + dist * angle.sin(),
                region,
            }
        })
        .collect();
    let total: f64 = raw.iter().sum();
    let factor = opts.total_population() / total;
    for (t, r) in towns.iter_mut().zip(&raw) {
        t.population = (r * factor).round().max(1.0);
    }
    let toml = write_toml(opts, &towns, &hubs);
    Ok(NationalSystem { towns, hubs, toml })
}

/// Road km between two places.
fn road_km(a: &Place, b: &Place) -> f64 {
    (((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt() * ROAD_FACTOR).max(5.0)
}

fn pick_sector(u: f64) -> Sector {
    let mut acc = 0.0;
    for (s, w) in GIANT_SECTORS {
        acc += w;
        if u < acc {
            return s;
        }
    }
    GIANT_SECTORS[GIANT_SECTORS.len() - 1].0
}

/// Export, state-order and import shares and wage premium of a giant by sector
/// (assumptions, in the range of the default scenarios' giants).
fn giant_markets(s: Sector) -> (f64, f64, f64, f64, &'static str) {
    match s {
        Sector::MachineryDefence => (0.1, 0.5, 0.1, 1.05, "state"),
        Sector::Mining => (0.2, 0.0, 0.05, 1.2, "state"),
        Sector::Metallurgy => (0.5, 0.0, 0.05, 1.15, "state"),
        _ => (0.2, 0.1, 0.2, 1.05, "state"),
    }
}

/// Base wage premium of a town by its giant's sector (thousand RUB/month, 2010 prices).
fn sector_wage(s: Sector) -> f64 {
    match s {
        Sector::Mining => 17.5,
        Sector::Metallurgy => 16.5,
        Sector::Chemicals => 15.0,
        _ => 14.5,
    }
}

/// Thousandths as a decimal, e.g. 45 -> "0.045".
fn milli(v: i64) -> String {
    format!("{}.{:03}", v / 1000, v % 1000)
}

fn write_toml(opts: &NationalOptions, towns: &[Place], hubs: &[Place]) -> String {
    let n = towns.len();
    let total: f64 = towns.iter().map(|t| t.population).sum();
    let mut o = String::new();
    let w = &mut o;
    let _ = writeln!(
        w,
        "# SYNTHETIC national system of monotowns: generated, NOT observed data.\n\
         # Command: monotown generate national --towns {n} --hubs {} --seed {} --exponent {} --population {} --end-year {}\n\
         #\n\
         # {n} agent towns with {total:.0} residents in 1989 and {} regional hub(s) on a plane.\n\
         # Assumptions (src/generate.rs, README \"National system\"):\n\
         # - town sizes: truncated Pareto (rank-size law) with shape {} between 10,000 and\n\
         #   720,000 people, stratified by rank, rescaled to the total above (default 14\n\
         #   million x towns / 300; the 2009-10 government list had about 330 monotowns with\n\
         #   14-16 million residents: an assumption, not a sourced figure);\n\
         # - giants: sector drawn from machinery/defence 0.36, mining 0.24, metallurgy 0.18,\n\
         #   chemicals (incl. pulp-and-paper, timber chemistry) 0.22; workforce 10-18% of the\n\
         #   residents; a second large employer (4%) in towns of 100,000+;\n\
         # - towns lie 15-300 km from their region's hub; road km = 1.3 x straight line,\n\
         #   hours = road km / 60; pairs over 400 road km apart have no [[distance]];\n\
         # - wages, amenities, skills and sector shares drawn around the default scenarios'\n\
         #   values; national shocks up to 2010 only.\n",
        hubs.len(),
        opts.seed,
        opts.exponent,
        opts.total_population(),
        opts.end_year,
        hubs.len(),
        opts.exponent,
    );
    let _ = writeln!(
        w,
        "[run]\nname = \"national_{n}\"\ndescription = \"Synthetic national system: {n} monotowns, {} regional hub(s) (generated, not observed)\"\nstart_year = 1989\nend_year = {}\nseed = {}\nscale = 1.0\n",
        hubs.len(),
        opts.end_year,
        opts.seed
    );
    let stream = |entity: usize| Stream::new(opts.seed, Process::Generate, entity as u64, 1);
    let mut firms = String::new();
    for (i, t) in towns.iter().enumerate() {
        let mut r = stream(i);
        let sector = pick_sector(r.uniform());
        let wage = sector_wage(sector) + (r.uniform() * 2.0 - 1.0);
        let amenity = 0.75 + 0.35 * r.uniform();
        let housing = 2.8 + 0.8 * r.uniform();
        let higher = 90 + (r.uniform() * 70.0) as i64;
        let basic = 340 + (r.uniform() * 80.0) as i64;
        let skills = [basic, 1000 - basic - higher, higher];
        // Sector shares of the jobs not at the named firms, in thousandths.
        let second = pick_sector(r.uniform());
        let mut shares: Vec<(Sector, i64)> = vec![(sector, 40)];
        if second != sector {
            shares.push((second, 20));
        } else {
            shares[0].1 += 20;
        }
        let services = 450 + (r.uniform() * 60.0) as i64;
        shares.push((Sector::It, 10));
        shares.push((Sector::Tourism, 10));
        shares.push((Sector::LocalServices, services));
        let used: i64 = shares.iter().map(|s| s.1).sum();
        shares.push((Sector::PublicSector, 1000 - used));
        shares.sort_by_key(|s| s.0.index());
        let shares_text: Vec<String> = shares
            .iter()
            .map(|(s, v)| format!("{} = {}", s.name(), milli(*v)))
            .collect();
        let _ = writeln!(
            w,
            "[[town]]\nname = \"{}\"\npopulation = {:.0}\nwage_krub = {:.2}\nunemployment_rate = 0.01\namenity = {:.3}\nhousing_cost_krub = {:.2}\nskill_shares = [{}, {}, {}]\nsector_shares = {{ {} }}\n",
            t.name,
            t.population,
            wage,
            amenity,
            housing,
            milli(skills[0]),
            milli(skills[1]),
            milli(skills[2]),
            shares_text.join(", ")
        );
        let giant_share = 0.10 + 0.08 * r.uniform();
        let (export, state, import, premium, owner) = giant_markets(sector);
        let _ = writeln!(
            firms,
            "[[firm]]\nname = \"{} giant\"\ntown = \"{}\"\nsector = \"{}\"\nkind = \"giant\"\nowner = \"{owner}\"\nworkforce = {:.0}\nexport_share = {export}\nstate_order_share = {state}\nimport_share = {import}\nsocial_role = true\nwage_premium = {premium}\n",
            t.name,
            t.name,
            sector.name(),
            (t.population * giant_share).round().max(1.0),
        );
        if t.population >= 100_000.0 {
            let (export, state, import, premium, _) = giant_markets(second);
            let _ = writeln!(
                firms,
                "[[firm]]\nname = \"{} works\"\ntown = \"{}\"\nsector = \"{}\"\nkind = \"large\"\nowner = \"local\"\nworkforce = {:.0}\nexport_share = {export}\nstate_order_share = {state}\nimport_share = {import}\nwage_premium = {premium}\n",
                t.name,
                t.name,
                second.name(),
                (t.population * 0.04).round(),
            );
        }
    }
    for hub in hubs {
        let _ = writeln!(
            w,
            "[[town]]\nname = \"{}\"\nkind = \"hub\"\npopulation = {:.0}\nwage_krub = 16.0\namenity = 1.15\nhousing_cost_krub = 4.5\nnatural_growth = -0.002\nexternal_net_migration = 0.002\ncommuter_jobs = 0\nwage_growth = 0.0\n",
            hub.name, hub.population
        );
    }
    // Distances: every pair within the cutoff, and each town to its own hub.
    let places: Vec<(&Place, Option<usize>)> = towns
        .iter()
        .map(|t| (t, Some(t.region)))
        .chain(hubs.iter().map(|h| (h, None)))
        .collect();
    let _ = writeln!(
        w,
        "# Distances from coordinates: road km = 1.3 x straight line, hours = km / 60.\n"
    );
    for (a, (pa, ra)) in places.iter().enumerate() {
        for (b, (pb, rb)) in places.iter().enumerate().skip(a + 1) {
            let km = road_km(pa, pb);
            let own_hub = (ra.is_some() && rb.is_none() && *ra == Some(b - n))
                || (rb.is_some() && ra.is_none() && *rb == Some(a - n));
            if km <= DISTANCE_CUTOFF_KM || own_hub {
                let _ = writeln!(
                    w,
                    "[[distance]]\nfrom = \"{}\"\nto = \"{}\"\nkm = {:.1}\nhours = {:.2}\n",
                    pa.name,
                    pb.name,
                    km,
                    km / ROAD_SPEED_KMH
                );
            }
        }
    }
    o.push_str(&firms);
    o.push_str(NATIONAL_SHOCKS);
    o
}

/// National shocks up to 2010, as in the default scenarios (their sources are given
/// there).
const NATIONAL_SHOCKS: &str =
    "# National shocks up to 2010, as in scenarios/nizhny_tagil.toml (sources there).
[[shock]]
kind = \"input_price\"
start = 1992
end = 1998
multiplier = 1.3

[[shock]]
kind = \"crisis\"
start = 1992
end = 1998
demand = 0.72
mortality = 1.3
fertility = 0.72

[[shock]]
kind = \"crisis\"
start = 1999
end = 2006
demand = 0.9
mortality = 1.3
fertility = 0.8

[[shock]]
kind = \"crisis\"
start = \"2008-10\"
end = \"2009-12\"
demand = 0.9

[[shock]]
kind = \"state_orders\"
start = 1992
end = 1999
multiplier = 0.45
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use std::path::Path;

    fn opts(towns: usize, seed: u64) -> NationalOptions {
        NationalOptions {
            towns,
            seed,
            ..NationalOptions::default()
        }
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let a = national(&opts(40, 7)).unwrap().toml;
        let b = national(&opts(40, 7)).unwrap().toml;
        let c = national(&opts(40, 8)).unwrap().toml;
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn generated_systems_validate() {
        for (n, seed) in [(1, 1), (10, 2), (300, 3)] {
            let sys = national(&opts(n, seed)).unwrap();
            let s = Scenario::from_toml(&sys.toml, Path::new("national.toml"))
                .unwrap_or_else(|e| panic!("{n} towns: {e}"));
            let agents = s
                .file()
                .town
                .iter()
                .filter(|t| t.kind == crate::scenario::TownKind::Agent)
                .count();
            assert_eq!(agents, n);
            assert!(s.file().firm.len() >= n);
        }
    }

    #[test]
    fn total_population_is_the_target() {
        let sys = national(&opts(300, 11)).unwrap();
        let total: f64 = sys.towns.iter().map(|t| t.population).sum();
        assert!((total - 14_000_000.0).abs() < 300.0, "{total}");
        let biggest = sys.towns[0].population;
        assert!((400_000.0..1_000_000.0).contains(&biggest), "{biggest}");
        assert!(
            sys.towns
                .windows(2)
                .all(|w| w[0].population >= w[1].population)
        );
    }

    /// OLS slope of log size on log rank over the top half of the ranks (the lower tail
    /// bends at the truncation).
    fn rank_size_slope(sizes: &[f64]) -> f64 {
        let k = sizes.len() / 2;
        let xs: Vec<f64> = (1..=k).map(|r| (r as f64).ln()).collect();
        let ys: Vec<f64> = sizes[..k].iter().map(|s| s.ln()).collect();
        let (mx, my) = (
            xs.iter().sum::<f64>() / k as f64,
            ys.iter().sum::<f64>() / k as f64,
        );
        let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
        sxy / sxx
    }

    #[test]
    fn rank_size_slope_follows_the_exponent() {
        for (alpha, lo, hi) in [(1.0, -1.0, -0.75), (2.0, -0.6, -0.4)] {
            let o = NationalOptions {
                exponent: alpha,
                ..opts(300, 5)
            };
            let sizes: Vec<f64> = national(&o)
                .unwrap()
                .towns
                .iter()
                .map(|t| t.population)
                .collect();
            let slope = rank_size_slope(&sizes);
            assert!((lo..hi).contains(&slope), "alpha {alpha}: slope {slope}");
        }
    }

    #[test]
    fn bad_options_name_the_flag_and_range() {
        for (o, flag) in [
            (opts(0, 1), "--towns"),
            (opts(901, 1), "--towns"),
            (
                NationalOptions {
                    hubs: Some(0),
                    ..opts(5, 1)
                },
                "--hubs",
            ),
            (
                NationalOptions {
                    exponent: f64::NAN,
                    ..opts(5, 1)
                },
                "--exponent",
            ),
            (
                NationalOptions {
                    population: Some(10.0),
                    ..opts(5, 1)
                },
                "--population",
            ),
            (
                NationalOptions {
                    end_year: 2100,
                    ..opts(5, 1)
                },
                "--end-year",
            ),
        ] {
            let e = national(&o).unwrap_err().to_string();
            assert!(e.starts_with(flag) && e.contains("valid range"), "{e}");
        }
    }
}
