//! Synthetic run data for tests, examples and benchmarks of the charts.
//!
//! Why in the library: the charts must be testable (and their look checkable)
//! without running the simulator or reading Parquet. The numbers are plausible
//! shapes (1990s shock, slow decline, diversification), not model output.

use std::collections::BTreeMap;

use super::data::{ObservedKind, ObservedPoint, OdMatrix, RunData, Series, StatusPoint, TownData};
use super::style::{age_bands, firm_kinds, sectors};
use crate::output::schema::towns;

/// Small deterministic generator (SplitMix64), so no `rand` dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Roughly normal (sum of uniforms), mean 0, sd 1.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
}

fn bump(t: f64, centre: f64, width: f64) -> f64 {
    (-((t - centre) / width).powi(2)).exp()
}

fn ramp(t: f64, a: f64, b: f64) -> f64 {
    ((t - a) / (b - a)).clamp(0.0, 1.0)
}

struct Profile {
    name: &'static str,
    pop0: f64,
    giant_sector: &'static str,
    giants: f64,
    census: [f64; 4],
}

const FIRST_YEAR: i32 = 1989;
const LAST_YEAR: i32 = 2035;

/// Builds synthetic data: three monotowns and one hub, monthly 1989–2035,
/// `replicates` runs (at least 1), OD matrices per year, firm sizes for
/// 2000, 2010, 2020 and 2035, census points and monotown status.
pub fn synthetic_run_data(replicates: usize, seed: u64) -> RunData {
    let replicates = replicates.max(1);
    let profiles = [
        Profile {
            name: "Novostal",
            pop0: 440_000.0,
            giant_sector: "metallurgy",
            giants: 2.0,
            census: [440_000.0, 418_000.0, 408_000.0, 386_000.0],
        },
        Profile {
            name: "Mashinsk",
            pop0: 128_000.0,
            giant_sector: "machinery_defence",
            giants: 1.0,
            census: [128_000.0, 117_000.0, 109_000.0, 101_000.0],
        },
        Profile {
            name: "Khimgorod",
            pop0: 46_000.0,
            giant_sector: "chemicals",
            giants: 1.0,
            census: [46_000.0, 41_500.0, 39_000.0, 36_500.0],
        },
    ];
    let months = ((LAST_YEAR - FIRST_YEAR + 1) * 12) as usize;
    let mut rng = Rng(seed ^ 0x5EED);
    let mut towns = Vec::new();
    let mut yearly_out: Vec<BTreeMap<i32, f64>> = Vec::new();
    for (k, prof) in profiles.iter().enumerate() {
        let mut cols: BTreeMap<String, Vec<Vec<f64>>> = BTreeMap::new();
        let mut push = |name: &str, r: usize, v: f64| {
            let e = cols
                .entry(name.to_string())
                .or_insert_with(|| vec![Vec::with_capacity(months); replicates]);
            e[r].push(v);
        };
        let mut out_by_year = BTreeMap::new();
        for r in 0..replicates {
            let mut walk = 0.0;
            let drift = 0.004 * rng.normal();
            let cluster_lag = if replicates > 1 {
                3.0 * rng.unit()
            } else {
                0.0
            };
            for m in 0..months {
                let t = f64::from(FIRST_YEAR) + m as f64 / 12.0;
                let year = FIRST_YEAR + (m / 12) as i32;
                walk += 0.0015 * rng.normal();
                let noise = if replicates > 1 {
                    walk + drift * (t - 1989.0)
                } else {
                    0.0
                };
                let decline = 0.10 * ramp(t, 1991.0, 2000.0)
                    + 0.10 * ramp(t, 2000.0, 2035.0) * (1.0 + 0.3 * k as f64);
                let pop = (prof.pop0 * (1.0 - decline) * (1.0 + noise)).round();
                let lf = (0.56 - 0.05 * ramp(t, 2005.0, 2035.0)) * pop;
                let u = (0.03
                    + 0.09 * bump(t, 1998.0, 3.0)
                    + 0.04 * bump(t, 2009.3, 1.0)
                    + 0.03 * bump(t, 2020.4, 0.6)
                    + 0.01 * k as f64
                    + 0.004 * rng.normal())
                .clamp(0.005, 0.5);
                let employed = (lf * (1.0 - u)).round();
                let unemployed = lf.round() - employed;
                push(towns::POPULATION.name, r, pop);
                push(towns::LABOUR_FORCE.name, r, lf.round());
                push(towns::EMPLOYED.name, r, employed);
                push(towns::UNEMPLOYED.name, r, unemployed);
                push(towns::UNEMPLOYMENT_RATE.name, r, unemployed / lf.round());
                let wage = 22.0 + 0.9 * (t - 1989.0) - 9.0 * bump(t, 1996.0, 3.0) - 3.0 * k as f64
                    + 0.6 * rng.normal();
                push(towns::MEAN_WAGE_KRUB.name, r, wage);
                let out_rate =
                    0.0022 * (1.0 + 0.8 * bump(t, 1995.0, 4.0)) * (1.0 + 0.15 * rng.normal());
                let in_rate = 0.0016 * (1.0 + 0.1 * rng.normal());
                let out = (pop * out_rate).round().max(0.0);
                let inn = (pop * in_rate).round().max(0.0);
                push(towns::OUT_MIGRANTS.name, r, out);
                push(towns::IN_MIGRANTS.name, r, inn);
                let youth = 0.38 + 0.08 * bump(t, 2005.0, 8.0);
                let shares = [0.14, youth, 0.2, 0.18, 0.1];
                let total: f64 = shares.iter().sum();
                for (b, sh) in age_bands().iter().zip(shares) {
                    push(
                        &towns::OUT_MIGRANTS_AGE.name(b),
                        r,
                        (out * sh / total).round(),
                    );
                }
                if r == 0 {
                    *out_by_year.entry(year).or_insert(0.0) += out;
                }
                let jobs = (employed * (0.96 - 0.02 * k as f64)).round();
                push(towns::JOBS.name, r, jobs);
                push(
                    towns::COMMUTERS_OUT.name,
                    r,
                    (employed * (0.02 + 0.03 * ramp(t, 2000.0, 2030.0))).round(),
                );
                push(towns::COMMUTERS_IN.name, r, (jobs * 0.012).round());
                let giant_share = 0.58 - 0.25 * ramp(t, 1995.0, 2030.0);
                let giant = (jobs * giant_share).round();
                push(towns::EMP_GIANT.name, r, giant);
                let rest = jobs - giant;
                let w: Vec<f64> = sectors()
                    .iter()
                    .map(|s| match *s {
                        s if s == prof.giant_sector => 0.12,
                        "it" => 0.01 + 0.06 * ramp(t, 2005.0, 2035.0),
                        "tourism" => 0.01 + 0.03 * ramp(t, 2010.0, 2035.0),
                        "local_services" => 0.35,
                        "public_sector" => 0.3,
                        "pharma_biotech" if k == 2 => 0.02 * ramp(t, 2012.0, 2030.0),
                        "composites_materials" if k == 1 => 0.03 * ramp(t, 2015.0, 2030.0),
                        "mining" if k == 0 => 0.05,
                        _ => 0.0,
                    })
                    .collect();
                let ws: f64 = w.iter().sum();
                for (s, wi) in sectors().iter().zip(&w) {
                    push(&towns::EMP_SECTOR.name(s), r, (rest * wi / ws).round());
                }
                let scale = pop / 100_000.0;
                let kinds = [
                    prof.giants,
                    (4.0 * scale + 2.0 * ramp(t, 2000.0, 2020.0))
                        .round()
                        .max(1.0),
                    (380.0 * scale * (0.6 + 0.6 * ramp(t, 1991.0, 2010.0))).round(),
                    (35.0 * scale * ramp(t, 2006.0, 2030.0)).round(),
                ];
                let mut nfirms = 0.0;
                for (kind, n) in firm_kinds().iter().zip(kinds) {
                    push(&towns::FIRMS_KIND.name(kind), r, n);
                    nfirms += n;
                }
                push(towns::FIRMS.name, r, nfirms);
                for (s, wi) in sectors().iter().zip(&w) {
                    push(&towns::FIRMS_SECTOR.name(s), r, (nfirms * wi / ws).round());
                }
                let nclusters = (3.0 * ramp(t, 2008.0 + cluster_lag, 2030.0)).round();
                push(towns::CLUSTERS.name, r, nclusters);
                push(
                    towns::CLUSTER_EMPLOYMENT.name,
                    r,
                    (jobs * 0.03 * nclusters * (1.0 - 0.1 * k as f64)).round(),
                );
            }
        }
        let mut town = TownData::new(prof.name, false);
        for (name, reps) in cols {
            town.insert(
                Series::monthly(name, FIRST_YEAR, 1, reps)
                    .expect("synthetic series are rectangular"),
            );
        }
        for (year, pop) in [1989, 2002, 2010, 2021].iter().zip(prof.census) {
            town.observed.push(ObservedPoint {
                year: f64::from(*year) + if *year == 1989 { 0.0 } else { 0.8 },
                population: pop,
                kind: ObservedKind::Census,
            });
        }
        for year in (2012..=2020).chain(2022..=2024) {
            let base =
                prof.census[2] + (prof.census[3] - prof.census[2]) * f64::from(year - 2010) / 11.0;
            town.observed.push(ObservedPoint {
                year: f64::from(year),
                population: base * (1.0 + 0.004 * rng.normal()),
                kind: ObservedKind::Estimate,
            });
        }
        for year in FIRST_YEAR..=LAST_YEAR {
            let (status, category) = match (k, year) {
                (_, ..=2013) => (true, 1 + u8::from(year > 2000)),
                (2, 2026..) => (false, 0),
                (_, 2014..=2019) => (true, 1 + k as u8 % 3),
                _ => (true, 3),
            };
            town.status.push(StatusPoint {
                year,
                status,
                category,
            });
        }
        for year in [2000, 2010, 2020, 2035] {
            let scale = prof.pop0 / 100_000.0;
            let n = (120.0 * scale) as usize;
            let mut sizes: Vec<f64> = (0..n)
                .map(|_| (3.0 * rng.unit().powf(-1.0 / 1.05)).round().min(6000.0))
                .collect();
            for g in 0..prof.giants as usize {
                sizes.push((18_000.0 * scale / (g as f64 + 1.0)).round());
            }
            town.firm_sizes.insert(year, sizes);
        }
        towns.push(town);
        yearly_out.push(out_by_year);
    }
    let mut hub = TownData::new("Yekaterinburg", true);
    let hub_pop: Vec<f64> = (0..months)
        .map(|m| (1_350_000.0 * (1.0 + 0.004 * m as f64 / 12.0)).round())
        .collect();
    hub.insert(
        Series::monthly(
            towns::POPULATION.name,
            FIRST_YEAR,
            1,
            vec![hub_pop; replicates],
        )
        .expect("rectangular"),
    );
    towns.push(hub);

    let names: Vec<String> = towns
        .iter()
        .map(|t| t.name.clone())
        .chain(["rest of country".to_string()])
        .collect();
    let mut od = BTreeMap::new();
    for year in FIRST_YEAR..=LAST_YEAR {
        let n = names.len();
        let mut counts = vec![vec![0.0; n]; n];
        for (i, out) in yearly_out.iter().enumerate() {
            let total = out.get(&year).copied().unwrap_or(0.0);
            // Out-migrants go to the hub (55 %), rest of country (30 %), other towns.
            let shares = [0.06, 0.05, 0.04];
            for (j, row) in counts[i].iter_mut().enumerate() {
                *row = match j {
                    j if j == i => 0.0,
                    j if j < 3 => (total * shares[j]).round(),
                    3 => (total * 0.55).round(),
                    _ => (total * 0.30).round(),
                };
            }
        }
        for (j, v) in counts[3].iter_mut().take(3).enumerate() {
            *v = (300.0 - 60.0 * j as f64).max(40.0);
        }
        for (j, v) in counts[4].iter_mut().take(3).enumerate() {
            *v = (900.0 / (j as f64 + 1.0)).round();
        }
        od.insert(
            year,
            OdMatrix::new(names.clone(), names.clone(), counts).expect("square"),
        );
    }
    RunData { towns, od }
}
