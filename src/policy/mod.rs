//! Policies and shocks in force: the scenario's schedule turned into this month's levers.
//!
//! Each month the windows of all policies and shocks are checked; what is in force is
//! folded into one [`TownLevers`] per town and one [`NationalLevers`], which the
//! submodels read. One-off shocks (plant closures, restructuring) fire in their start
//! month. Start and end of every window is written to the event log.

use crate::firms::Sector;
use crate::scenario::{Institution, PolicySpec, Scenario, ShockSpec, TownKind};

/// Levers that act on one town this month.
#[derive(Debug, Clone)]
pub struct TownLevers {
    /// Share of wages paid by the state.
    pub wage_subsidy: f64,
    /// Grant per worker per month by sector (thousand RUB).
    pub grant_per_worker: [f64; 10],
    /// Cut of the yearly capital cost.
    pub rate_cut: f64,
    /// Share of profit tax forgiven for qualifying firms.
    pub tax_break: f64,
    /// Firms up to this age (months) qualify for the tax break (innovative ones always).
    pub tax_break_max_age_months: f64,
    /// Share of losses covered by PPP risk sharing.
    pub ppp_loss_share: f64,
    /// Multiplier on the start-up rate (incubators, zones).
    pub startup_multiplier: f64,
    /// Incubator present (start-ups get extra cash).
    pub incubator: bool,
    /// Multiplier on link formation (parks).
    pub link_multiplier: f64,
    /// Extra link multiplier by sector (cluster seeding).
    pub sector_link_multiplier: [f64; 10],
    /// Monthly probability of a skill upgrade.
    pub training_per_month: f64,
    /// Multiplier on the migration hazard of 16-30-year-olds.
    pub youth_hazard_multiplier: f64,
    /// Multiplier on travel times of links touching this town.
    pub travel_time_multiplier: f64,
    /// Relocated firms per month, their size and sector.
    pub relocation: Option<(f64, f64, Sector)>,
}

impl Default for TownLevers {
    fn default() -> Self {
        TownLevers {
            wage_subsidy: 0.0,
            grant_per_worker: [0.0; 10],
            rate_cut: 0.0,
            tax_break: 0.0,
            tax_break_max_age_months: 0.0,
            ppp_loss_share: 0.0,
            startup_multiplier: 1.0,
            incubator: false,
            link_multiplier: 1.0,
            sector_link_multiplier: [1.0; 10],
            training_per_month: 0.0,
            youth_hazard_multiplier: 1.0,
            travel_time_multiplier: 1.0,
            relocation: None,
        }
    }
}

/// Levers that act on the whole country this month.
#[derive(Debug, Clone)]
pub struct NationalLevers {
    /// Multiplier on national and local demand.
    pub demand: f64,
    /// Multiplier on mortality.
    pub mortality: f64,
    /// Multiplier on fertility.
    pub fertility: f64,
    /// Multiplier on state orders.
    pub state_orders: f64,
    /// Multiplier on imported-input costs.
    pub import_cost: f64,
    /// Multiplier on world prices by sector.
    pub world_price: [f64; 10],
}

impl Default for NationalLevers {
    fn default() -> Self {
        NationalLevers {
            demand: 1.0,
            mortality: 1.0,
            fertility: 1.0,
            state_orders: 1.0,
            import_cost: 1.0,
            world_price: [1.0; 10],
        }
    }
}

/// A change in what is in force, for the event log.
#[derive(Debug, Clone)]
pub struct WindowEvent {
    /// `policy_started`, `policy_ended`, `shock_started`, `shock_ended`.
    pub kind: &'static str,
    /// The policy or shock kind.
    pub subject: String,
    /// Towns (empty: all).
    pub towns: Vec<String>,
}

/// One-off shocks firing this month.
#[derive(Debug, Clone)]
pub enum OneOff {
    /// Cut a firm's capacity by a share (1 = closure).
    Closure {
        /// Firm name.
        firm: String,
        /// Share cut.
        share: f64,
    },
    /// Split a firm into units.
    Restructure {
        /// Firm name.
        firm: String,
        /// Units: name, sector, share.
        units: Vec<(String, Sector, f64)>,
    },
}

/// Resolved schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    policies: Vec<(i32, i32, PolicySpec, Vec<usize>)>,
    shocks: Vec<(i32, i32, ShockSpec)>,
    base_institutions: Vec<Vec<Institution>>,
}

impl Schedule {
    /// Resolve dates and towns (the scenario is already validated).
    pub fn new(s: &Scenario) -> Schedule {
        let agent_towns: Vec<usize> = s
            .file
            .town
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == TownKind::Agent)
            .map(|(i, _)| i)
            .collect();
        let policies = s
            .file
            .policy
            .iter()
            .map(|p| {
                let (start, end, towns) = p.window();
                let a = start.resolve("", false).unwrap_or(i32::MAX);
                let b = end
                    .as_ref()
                    .map(|e| e.resolve("", true).unwrap_or(i32::MAX))
                    .unwrap_or(i32::MAX);
                let idx = if towns.is_empty() {
                    agent_towns.clone()
                } else {
                    towns.iter().map(|t| s.town_index[t]).collect()
                };
                (a, b, p.clone(), idx)
            })
            .collect();
        let shocks = s
            .file
            .shock
            .iter()
            .map(|x| {
                let (start, end) = x.window();
                let a = start.resolve("", false).unwrap_or(i32::MAX);
                let b = end
                    .as_ref()
                    .map(|e| e.resolve("", true).unwrap_or(i32::MAX))
                    .unwrap_or(i32::MAX);
                (a, b, x.clone())
            })
            .collect();
        let base_institutions = s.file.town.iter().map(|t| t.institutions.clone()).collect();
        Schedule {
            policies,
            shocks,
            base_institutions,
        }
    }

    /// Levers in force in `month`, the window changes at `month`, and one-offs firing.
    pub fn levers(
        &self,
        month: i32,
        n_towns: usize,
        town_names: &[String],
    ) -> (
        Vec<TownLevers>,
        NationalLevers,
        Vec<WindowEvent>,
        Vec<OneOff>,
    ) {
        let mut towns = vec![TownLevers::default(); n_towns];
        for (t, inst) in self.base_institutions.iter().enumerate() {
            for i in inst {
                apply_institution(&mut towns[t], *i, None);
            }
        }
        let mut nat = NationalLevers::default();
        let mut events = Vec::new();
        let mut one_offs = Vec::new();
        for (a, b, p, idx) in &self.policies {
            let names = || {
                idx.iter()
                    .map(|&i| town_names[i].clone())
                    .collect::<Vec<_>>()
            };
            if month == *a {
                events.push(WindowEvent {
                    kind: "policy_started",
                    subject: p.kind_name().into(),
                    towns: names(),
                });
            }
            if month == b.saturating_add(1) {
                events.push(WindowEvent {
                    kind: "policy_ended",
                    subject: p.kind_name().into(),
                    towns: names(),
                });
            }
            if month < *a || month > *b {
                continue;
            }
            for &t in idx {
                apply_policy(&mut towns[t], p);
            }
        }
        for (a, b, x) in &self.shocks {
            let one_off = matches!(
                x,
                ShockSpec::PlantClosure { .. } | ShockSpec::Restructure { .. }
            );
            if month == *a {
                events.push(WindowEvent {
                    kind: "shock_started",
                    subject: x.kind_name().into(),
                    towns: vec![],
                });
            }
            if !one_off && month == b.saturating_add(1) {
                events.push(WindowEvent {
                    kind: "shock_ended",
                    subject: x.kind_name().into(),
                    towns: vec![],
                });
            }
            if one_off {
                if month == *a {
                    match x {
                        ShockSpec::PlantClosure { firm, share, .. } => {
                            one_offs.push(OneOff::Closure {
                                firm: firm.clone(),
                                share: *share,
                            })
                        }
                        ShockSpec::Restructure { firm, units, .. } => {
                            one_offs.push(OneOff::Restructure {
                                firm: firm.clone(),
                                units: units
                                    .iter()
                                    .map(|u| (u.name.clone(), u.sector, u.share))
                                    .collect(),
                            })
                        }
                        _ => {}
                    }
                }
                continue;
            }
            if month < *a || month > *b {
                continue;
            }
            match x {
                ShockSpec::WorldPrice {
                    sector, multiplier, ..
                } => nat.world_price[sector.index()] *= multiplier,
                ShockSpec::Sanctions {
                    import_cost_multiplier,
                    ..
                } => nat.import_cost *= import_cost_multiplier,
                ShockSpec::Crisis {
                    demand,
                    mortality,
                    fertility,
                    ..
                } => {
                    nat.demand *= demand;
                    nat.mortality *= mortality;
                    nat.fertility *= fertility;
                }
                ShockSpec::StateOrders { multiplier, .. } => nat.state_orders *= multiplier,
                ShockSpec::PlantClosure { .. } | ShockSpec::Restructure { .. } => {}
            }
        }
        (towns, nat, events, one_offs)
    }
}

fn apply_institution(l: &mut TownLevers, i: Institution, startup: Option<f64>) {
    match i {
        Institution::Incubator => {
            l.startup_multiplier *= startup.unwrap_or(2.0);
            l.incubator = true;
        }
        Institution::IndustrialPark => l.link_multiplier *= 3.0,
        Institution::SpecialZone => {
            l.startup_multiplier *= startup.unwrap_or(2.0);
            l.tax_break = l.tax_break.max(0.5);
            l.tax_break_max_age_months = l.tax_break_max_age_months.max(60.0);
        }
    }
}

fn apply_policy(l: &mut TownLevers, p: &PolicySpec) {
    use PolicySpec::*;
    match p {
        WageSubsidy { share, .. } => l.wage_subsidy = (l.wage_subsidy + share).min(1.0),
        Grant {
            krub_per_worker,
            sectors,
            ..
        } => {
            for s in crate::firms::Sector::ALL {
                if sectors.is_empty() || sectors.contains(&s) {
                    l.grant_per_worker[s.index()] += krub_per_worker;
                }
            }
        }
        SoftLoan { rate_cut, .. } => l.rate_cut += rate_cut,
        TaxBreak {
            share,
            max_age_years,
            ..
        } => {
            l.tax_break = l.tax_break.max(*share);
            l.tax_break_max_age_months = l.tax_break_max_age_months.max(max_age_years * 12.0);
        }
        SpecialZone {
            startup_multiplier, ..
        } => apply_institution(l, Institution::SpecialZone, Some(*startup_multiplier)),
        PppRiskSharing { loss_share, .. } => l.ppp_loss_share = l.ppp_loss_share.max(*loss_share),
        Incubator {
            startup_multiplier, ..
        } => apply_institution(l, Institution::Incubator, Some(*startup_multiplier)),
        IndustrialPark {
            link_multiplier, ..
        } => l.link_multiplier *= link_multiplier,
        Training {
            upgrade_per_year, ..
        } => l.training_per_month = 1.0 - (1.0 - upgrade_per_year).powf(1.0 / 12.0),
        YouthRetention { hazard_cut, .. } => l.youth_hazard_multiplier *= 1.0 - hazard_cut,
        Infrastructure {
            travel_time_multiplier,
            ..
        } => l.travel_time_multiplier *= travel_time_multiplier,
        Relocation {
            firms_per_year,
            size,
            sector,
            ..
        } => l.relocation = Some((firms_per_year / 12.0, *size, *sector)),
        ClusterSeed {
            sectors,
            link_multiplier,
            ..
        } => {
            for s in sectors {
                l.sector_link_multiplier[s.index()] *= link_multiplier;
            }
        }
    }
}
