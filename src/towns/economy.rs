//! The local economy as the town sees it: jobs, firms and output of the firms located in
//! each town, tallied once a month from the firm table.
//!
//! These tallies feed the municipal budget (wage bill and profits), the concentration
//! measures behind the monotown status (largest employer, industry chains) and the town
//! rows of the output.

use crate::firms::{Firm, FirmKind, Sector};
use crate::ids::FirmId;

/// Firm kinds in output-column order: giant, large, SME, other (spin-offs and units).
pub const KIND_COLUMNS: usize = 4;

/// The largest single industrial employer of a town (a candidate city-forming firm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CityFormer {
    /// The firm.
    pub firm: FirmId,
    /// Its workforce (agents) when it was measured.
    pub workforce: u32,
}

/// Tallies of the alive firms located in one town (agents unless stated otherwise).
#[derive(Debug, Clone, Default)]
pub struct LocalEconomy {
    /// Jobs at local firms (hub job pools excluded).
    pub jobs: u64,
    /// Jobs at city-forming giants.
    pub emp_giant: u64,
    /// Jobs by sector at firms other than giants.
    pub emp_sector: [u64; Sector::COUNT],
    /// Jobs by sector at giants (kept apart from `emp_sector`, which excludes giants).
    pub emp_giant_sector: [u64; Sector::COUNT],
    /// Real firms (generated firms count for their weight).
    pub firms: f64,
    /// Real firms by kind ([`KIND_COLUMNS`]).
    pub firms_kind: [f64; KIND_COLUMNS],
    /// Real firms by sector.
    pub firms_sector: [f64; Sector::COUNT],
    /// The largest industrial employer among firms that stand for one real firm.
    pub largest: Option<CityFormer>,
    /// Open vacancies, hub job pools included.
    pub vacancies: u64,
    /// Output (thousand RUB/month, agents' units).
    pub output: f64,
    /// Output of firms in a cluster.
    pub cluster_output: f64,
    /// Jobs at firms in a cluster.
    pub cluster_employment: u64,
    /// Wage bill at base wages (thousand RUB/month, agents' units).
    pub wage_bill: f64,
    /// Positive profits (thousand RUB/month, agents' units).
    pub profits: f64,
    /// Upkeep of the social assets local firms have handed over to the municipality
    /// (thousand RUB/month, agents' units; `firms::social_assets`).
    pub divested_social_upkeep: f64,
}

/// Tally the alive firms by town.
pub fn tally(firms: &[Firm], n_towns: usize) -> Vec<LocalEconomy> {
    let mut towns = vec![LocalEconomy::default(); n_towns];
    for (i, firm) in firms.iter().enumerate() {
        if !firm.alive {
            continue;
        }
        let e = &mut towns[firm.town.index()];
        e.vacancies += firm.vacancies as u64;
        if firm.kind == FirmKind::Hub {
            continue;
        }
        let workforce = firm.workforce as u64;
        e.jobs += workforce;
        e.wage_bill += firm.workforce as f64 * firm.base_wage;
        e.profits += firm.profit.max(0.0);
        e.divested_social_upkeep += firm.last_month.social_assets_divested;
        if firm.kind == FirmKind::Giant {
            e.emp_giant += workforce;
            e.emp_giant_sector[firm.sector.index()] += workforce;
        } else {
            e.emp_sector[firm.sector.index()] += workforce;
        }
        e.firms += firm.weight;
        let k = match firm.kind {
            FirmKind::Giant => 0,
            FirmKind::Large => 1,
            FirmKind::Sme => 2,
            _ => 3,
        };
        e.firms_kind[k] += firm.weight;
        e.firms_sector[firm.sector.index()] += firm.weight;
        let largest = e.largest.map_or(0, |c| c.workforce);
        if firm.sector.is_industrial() && firm.weight <= 1.0 + 1e-9 && firm.workforce > largest {
            e.largest = Some(CityFormer {
                firm: FirmId::from_index(i),
                workforce: firm.workforce,
            });
        }
        e.output += firm.output;
        if firm.cluster.is_some() {
            e.cluster_output += firm.output;
            e.cluster_employment += workforce;
        }
    }
    towns
}

/// Mean base wage of jobs by work town (`None` for a town without jobs). Hub job pools
/// are left out.
pub fn workplace_wages(firms: &[Firm], n_towns: usize) -> Vec<Option<f64>> {
    let mut sum = vec![(0.0, 0.0); n_towns];
    for firm in firms.iter().filter(|f| f.alive && f.kind != FirmKind::Hub) {
        sum[firm.town.index()].0 += firm.base_wage * firm.workforce as f64;
        sum[firm.town.index()].1 += firm.workforce as f64;
    }
    sum.into_iter()
        .map(|(a, w)| (w > 0.0).then(|| a / w))
        .collect()
}

impl LocalEconomy {
    /// Jobs in a sector, giants included.
    fn sector_jobs(&self, s: usize) -> u64 {
        self.emp_sector[s] + self.emp_giant_sector[s]
    }

    /// Share of local jobs at the largest industrial employer (0 without jobs).
    pub fn largest_employer_share(&self) -> f64 {
        let jobs = self.jobs as f64;
        if jobs > 0.0 {
            self.largest.map_or(0, |c| c.workforce) as f64 / jobs
        } else {
            0.0
        }
    }

    /// One minus the Herfindahl index of local jobs over sectors (0 without jobs).
    pub fn diversification(&self) -> f64 {
        let jobs = self.jobs as f64;
        if jobs <= 0.0 {
            return 0.0;
        }
        let mut hhi = 0.0;
        for s in 0..Sector::COUNT {
            let e = self.sector_jobs(s) as f64;
            hhi += (e / jobs).powi(2);
        }
        1.0 - hhi
    }

    /// Share of local jobs in metallurgy and mining (pollution), giants included.
    pub fn heavy_industry_share(&self) -> f64 {
        if self.jobs == 0 {
            return 0.0;
        }
        let (metal, mining) = (Sector::Metallurgy.index(), Sector::Mining.index());
        (self.emp_sector[metal] + self.emp_sector[mining]) as f64 / self.jobs as f64
            + (self.emp_giant_sector[metal] + self.emp_giant_sector[mining]) as f64
                / self.jobs as f64
    }

    /// Largest share of local jobs in one industrial sector (an industry chain), giants
    /// included; 0 without jobs.
    pub fn largest_industry_share(&self) -> f64 {
        let jobs = self.jobs as f64;
        let mut chain = 0.0f64;
        for s in Sector::ALL.iter().filter(|s| s.is_industrial()) {
            let e = self.emp_sector[s.index()] as f64 + self.emp_giant_sector[s.index()] as f64;
            if jobs > 0.0 {
                chain = chain.max(e / jobs);
            }
        }
        chain
    }
}
