//! Policies and shocks as a run reads them: validated values, with every town and firm
//! resolved to its id and every date to a month index (see [`super::Params::policies`]
//! and [`super::Params::shocks`]).

use super::PolicySpec;
use crate::firms::Sector;
use crate::ids::{FirmId, TownId};

/// What a policy does, with its validated values.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PolicyLever {
    /// The state pays `share` of the wage bill.
    WageSubsidy {
        /// Share of wages paid.
        share: f64,
    },
    /// A grant per worker per month (thousand RUB) to firms of `sectors` (all when empty).
    Grant {
        /// Grant per worker per month.
        krub_per_worker: f64,
        /// Qualifying sectors (all when empty).
        sectors: Vec<Sector>,
    },
    /// Soft loans: lower yearly capital cost.
    SoftLoan {
        /// Cut of the yearly capital cost.
        rate_cut: f64,
    },
    /// Profit tax break for young firms.
    TaxBreak {
        /// Share of profit tax forgiven.
        share: f64,
        /// Firms up to this age qualify.
        max_age_years: f64,
    },
    /// A special economic zone.
    SpecialZone {
        /// Multiplier on the start-up rate.
        startup_multiplier: f64,
        /// Share of profit tax forgiven.
        tax_break_share: f64,
        /// Firms up to this age get the tax break.
        max_age_years: f64,
    },
    /// The state covers a share of losses.
    PppRiskSharing {
        /// Share of losses covered.
        loss_share: f64,
    },
    /// A business incubator.
    Incubator {
        /// Multiplier on the start-up rate.
        startup_multiplier: f64,
    },
    /// An industrial park.
    IndustrialPark {
        /// Multiplier on link formation.
        link_multiplier: f64,
    },
    /// Skill upgrades.
    Training {
        /// Yearly upgrade probability.
        upgrade_per_year: f64,
    },
    /// Lower migration hazard of the young.
    YouthRetention {
        /// Share by which the hazard falls.
        hazard_cut: f64,
    },
    /// Shorter travel times.
    Infrastructure {
        /// Multiplier on travel time.
        travel_time_multiplier: f64,
    },
    /// Firms relocated from a hub into the towns.
    Relocation {
        /// Relocated firms per year per town.
        firms_per_year: f64,
        /// Workforce of each.
        size: f64,
        /// Their sector.
        sector: Sector,
    },
    /// Links seeded among firms of `sectors`.
    ClusterSeed {
        /// Seeded sectors.
        sectors: Vec<Sector>,
        /// Multiplier on link formation among them.
        link_multiplier: f64,
    },
}

/// A scheduled policy.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Policy {
    /// First month in force (absolute month index).
    pub start_month: i32,
    /// Last month in force; `i32::MAX` when open-ended.
    pub end_month: i32,
    /// Towns it applies to (the file's list, or every agent town when the list is empty).
    pub towns: Vec<TownId>,
    /// The policy's kind as written in the file (e.g. `wage_subsidy`).
    pub name: &'static str,
    /// What it does.
    pub lever: PolicyLever,
}

/// One unit created by splitting a giant.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Unit {
    /// Name of the new firm.
    pub name: String,
    /// Its sector.
    pub sector: Sector,
    /// Share of the giant's workforce moved to it.
    pub share: f64,
}

/// What a shock does, with its validated values and its firm resolved.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ShockKind {
    /// World prices of a sector change.
    WorldPrice {
        /// Sector.
        sector: Sector,
        /// Multiplier on its world price.
        multiplier: f64,
    },
    /// Imported inputs cost more.
    Sanctions {
        /// Multiplier on imported-input costs.
        import_cost_multiplier: f64,
    },
    /// All intermediate inputs cost more (relative-price shock).
    InputPrice {
        /// Multiplier on input costs.
        multiplier: f64,
    },
    /// One-off: a named firm's capacity is cut by `share` (1 = closure).
    PlantClosure {
        /// The named firm.
        firm: FirmId,
        /// Share cut.
        share: f64,
    },
    /// A national crisis.
    Crisis {
        /// Multiplier on demand.
        demand: f64,
        /// Multiplier on mortality.
        mortality: f64,
        /// Multiplier on fertility.
        fertility: f64,
    },
    /// A change in state orders.
    StateOrders {
        /// Multiplier on state-order demand.
        multiplier: f64,
    },
    /// One-off: a named firm is split into units.
    Restructure {
        /// The named firm.
        firm: FirmId,
        /// The units.
        units: Vec<Unit>,
    },
}

/// A scheduled shock.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Shock {
    /// First month in force (the firing month of one-off shocks).
    pub start_month: i32,
    /// Last month in force; `i32::MAX` when open-ended.
    pub end_month: i32,
    /// The shock's kind as written in the file (e.g. `crisis`).
    pub name: &'static str,
    /// What it does.
    pub kind: ShockKind,
}

impl ShockKind {
    /// Whether the shock fires once, in its start month.
    pub fn is_one_off(&self) -> bool {
        matches!(
            self,
            ShockKind::PlantClosure { .. } | ShockKind::Restructure { .. }
        )
    }
}

/// The lever of a policy entry of the file.
pub(super) fn lever(p: &PolicySpec) -> PolicyLever {
    use PolicySpec as S;
    match p {
        S::WageSubsidy { share, .. } => PolicyLever::WageSubsidy { share: *share },
        S::Grant {
            krub_per_worker,
            sectors,
            ..
        } => PolicyLever::Grant {
            krub_per_worker: *krub_per_worker,
            sectors: sectors.clone(),
        },
        S::SoftLoan { rate_cut, .. } => PolicyLever::SoftLoan {
            rate_cut: *rate_cut,
        },
        S::TaxBreak {
            share,
            max_age_years,
            ..
        } => PolicyLever::TaxBreak {
            share: *share,
            max_age_years: *max_age_years,
        },
        S::SpecialZone {
            startup_multiplier,
            tax_break_share,
            max_age_years,
            ..
        } => PolicyLever::SpecialZone {
            startup_multiplier: *startup_multiplier,
            tax_break_share: *tax_break_share,
            max_age_years: *max_age_years,
        },
        S::PppRiskSharing { loss_share, .. } => PolicyLever::PppRiskSharing {
            loss_share: *loss_share,
        },
        S::Incubator {
            startup_multiplier, ..
        } => PolicyLever::Incubator {
            startup_multiplier: *startup_multiplier,
        },
        S::IndustrialPark {
            link_multiplier, ..
        } => PolicyLever::IndustrialPark {
            link_multiplier: *link_multiplier,
        },
        S::Training {
            upgrade_per_year, ..
        } => PolicyLever::Training {
            upgrade_per_year: *upgrade_per_year,
        },
        S::YouthRetention { hazard_cut, .. } => PolicyLever::YouthRetention {
            hazard_cut: *hazard_cut,
        },
        S::Infrastructure {
            travel_time_multiplier,
            ..
        } => PolicyLever::Infrastructure {
            travel_time_multiplier: *travel_time_multiplier,
        },
        S::Relocation {
            firms_per_year,
            size,
            sector,
            ..
        } => PolicyLever::Relocation {
            firms_per_year: *firms_per_year,
            size: *size,
            sector: *sector,
        },
        S::ClusterSeed {
            sectors,
            link_multiplier,
            ..
        } => PolicyLever::ClusterSeed {
            sectors: sectors.clone(),
            link_multiplier: *link_multiplier,
        },
    }
}
