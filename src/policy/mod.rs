//! Policies and shocks in force: the scenario's schedule turned into this month's levers.
//!
//! Each month the windows of all policies and shocks are checked; what is in force is
//! folded into one [`TownLevers`] per town and one [`NationalLevers`], which the
//! submodels read. One-off shocks (plant closures, restructuring) fire in their start
//! month. Start and end of every window is written to the event log.

use crate::firms::Sector;
use crate::ids::FirmId;
use crate::model::observe::EventKind;
use crate::scenario::{Institution, Policy, PolicyLever, PolicyParams, Scenario, Shock, ShockKind};

/// Cluster seeds (distinct sector sets) a town can hold at once; further ones only raise
/// link formation.
pub const MAX_CLUSTER_SEEDS: usize = 4;

/// Levers that act on one town this month.
#[derive(Debug, Clone)]
pub struct TownLevers {
    /// Share of wages paid by the state.
    pub wage_subsidy: f64,
    /// Grant per worker per month by sector (thousand RUB).
    pub grant_per_worker: [f64; Sector::COUNT],
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
    /// Extra link multiplier by sector (cluster seeding): the largest of the seeds in
    /// force for the sector, never their product.
    pub sector_link_multiplier: [f64; Sector::COUNT],
    /// Cluster organisations seeded by the policies in force: one sector mask (bit
    /// `Sector::index`) per distinct seed, 0 for an empty slot. Firms of related sectors
    /// may join them (see `clusters`).
    pub cluster_seeds: [u32; MAX_CLUSTER_SEEDS],
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
            grant_per_worker: [0.0; Sector::COUNT],
            rate_cut: 0.0,
            tax_break: 0.0,
            tax_break_max_age_months: 0.0,
            ppp_loss_share: 0.0,
            startup_multiplier: 1.0,
            incubator: false,
            link_multiplier: 1.0,
            sector_link_multiplier: [1.0; Sector::COUNT],
            cluster_seeds: [0; MAX_CLUSTER_SEEDS],
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
    /// Multiplier on the cost of all intermediate inputs.
    pub input_cost: f64,
    /// Multiplier on world prices by sector.
    pub world_price: [f64; Sector::COUNT],
}

impl Default for NationalLevers {
    fn default() -> Self {
        NationalLevers {
            demand: 1.0,
            mortality: 1.0,
            fertility: 1.0,
            state_orders: 1.0,
            import_cost: 1.0,
            input_cost: 1.0,
            world_price: [1.0; Sector::COUNT],
        }
    }
}

/// A change in what is in force, for the event log.
#[derive(Debug, Clone)]
pub struct WindowEvent {
    /// A policy or shock starting or ending.
    pub kind: EventKind,
    /// The policy or shock kind.
    pub subject: String,
    /// Towns (empty: all).
    pub towns: Vec<String>,
}

/// One-off shocks firing this month.
#[derive(Debug, Clone)]
pub enum OneOff {
    /// Cut a named firm's capacity by a share (1 = closure).
    Closure {
        /// The named firm (resolved when the scenario was validated).
        firm: FirmId,
        /// Share cut.
        share: f64,
    },
    /// Split a named firm into units.
    Restructure {
        /// The named firm (resolved when the scenario was validated).
        firm: FirmId,
        /// Units: name, sector, share.
        units: Vec<(String, Sector, f64)>,
    },
}

/// The scenario's validated policies and shocks, with towns and firms as ids.
#[derive(Debug, Clone)]
pub struct Schedule {
    policies: Vec<Policy>,
    shocks: Vec<Shock>,
    base_institutions: Vec<Vec<Institution>>,
}

impl Schedule {
    /// The schedule of a validated scenario.
    pub fn new(s: &Scenario) -> Schedule {
        let p = s.params();
        Schedule {
            policies: p.policies().to_vec(),
            shocks: p.shocks().to_vec(),
            base_institutions: p
                .town_list()
                .iter()
                .map(|t| t.institutions.clone())
                .collect(),
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
                apply_institution(&mut towns[t], *i);
            }
        }
        let mut events = Vec::new();
        self.policies_in_force(month, town_names, &mut towns, &mut events);
        let (nat, one_offs) = self.shocks_in_force(month, &mut events);
        (towns, nat, events, one_offs)
    }

    /// The policies in force in `month`, applied to the levers of their towns; their
    /// windows opening or closing at `month` added to `events`.
    fn policies_in_force(
        &self,
        month: i32,
        town_names: &[String],
        towns: &mut [TownLevers],
        events: &mut Vec<WindowEvent>,
    ) {
        for p in &self.policies {
            let (a, b) = (p.start_month, p.end_month);
            let names = || {
                p.towns
                    .iter()
                    .map(|&t| town_names[t.index()].clone())
                    .collect::<Vec<_>>()
            };
            if month == a {
                events.push(WindowEvent {
                    kind: EventKind::PolicyStarted,
                    subject: p.name.into(),
                    towns: names(),
                });
            }
            if month == b.saturating_add(1) {
                events.push(WindowEvent {
                    kind: EventKind::PolicyEnded,
                    subject: p.name.into(),
                    towns: names(),
                });
            }
            if month < a || month > b {
                continue;
            }
            for &t in &p.towns {
                apply_policy(&mut towns[t.index()], &p.lever);
            }
        }
    }

    /// The national levers of the shocks in force in `month`, and the one-off shocks
    /// firing then; their windows opening or closing at `month` added to `events`.
    fn shocks_in_force(
        &self,
        month: i32,
        events: &mut Vec<WindowEvent>,
    ) -> (NationalLevers, Vec<OneOff>) {
        let mut nat = NationalLevers::default();
        let mut one_offs = Vec::new();
        for x in &self.shocks {
            let (a, b) = (x.start_month, x.end_month);
            let one_off = x.kind.is_one_off();
            if month == a {
                events.push(WindowEvent {
                    kind: EventKind::ShockStarted,
                    subject: x.name.into(),
                    towns: vec![],
                });
            }
            if !one_off && month == b.saturating_add(1) {
                events.push(WindowEvent {
                    kind: EventKind::ShockEnded,
                    subject: x.name.into(),
                    towns: vec![],
                });
            }
            if one_off {
                if month == a {
                    one_offs.extend(one_off_of(&x.kind));
                }
                continue;
            }
            if month < a || month > b {
                continue;
            }
            apply_shock(&mut nat, &x.kind);
        }
        (nat, one_offs)
    }
}

/// The one-off a plant closure or restructuring shock fires in its start month.
fn one_off_of(kind: &ShockKind) -> Option<OneOff> {
    match kind {
        ShockKind::PlantClosure { firm, share } => Some(OneOff::Closure {
            firm: *firm,
            share: *share,
        }),
        ShockKind::Restructure { firm, units } => Some(OneOff::Restructure {
            firm: *firm,
            units: units
                .iter()
                .map(|u| (u.name.clone(), u.sector, u.share))
                .collect(),
        }),
        _ => None,
    }
}

/// A lasting national shock in force, folded into the national levers.
fn apply_shock(nat: &mut NationalLevers, kind: &ShockKind) {
    match kind {
        ShockKind::WorldPrice { sector, multiplier } => {
            nat.world_price[sector.index()] *= multiplier
        }
        ShockKind::Sanctions {
            import_cost_multiplier,
        } => nat.import_cost *= import_cost_multiplier,
        ShockKind::InputPrice { multiplier } => nat.input_cost *= multiplier,
        ShockKind::Crisis {
            demand,
            mortality,
            fertility,
        } => {
            nat.demand *= demand;
            nat.mortality *= mortality;
            nat.fertility *= fertility;
        }
        ShockKind::StateOrders { multiplier } => nat.state_orders *= multiplier,
        _ => {}
    }
}

/// An institution present from the start acts as the matching policy with its defaults.
fn apply_institution(l: &mut TownLevers, i: Institution) {
    type P = PolicyParams;
    let lever = match i {
        Institution::Incubator => PolicyLever::Incubator {
            startup_multiplier: P::INCUBATOR_STARTUP_MULTIPLIER.default_value(),
        },
        Institution::IndustrialPark => PolicyLever::IndustrialPark {
            link_multiplier: P::INDUSTRIAL_PARK_LINK_MULTIPLIER.default_value(),
        },
        Institution::SpecialZone => PolicyLever::SpecialZone {
            startup_multiplier: P::SPECIAL_ZONE_STARTUP_MULTIPLIER.default_value(),
            tax_break_share: P::SPECIAL_ZONE_TAX_BREAK_SHARE.default_value(),
            max_age_years: P::SPECIAL_ZONE_MAX_AGE_YEARS.default_value(),
        },
    };
    apply_policy(l, &lever);
}

fn apply_policy(l: &mut TownLevers, p: &PolicyLever) {
    use PolicyLever::*;
    match p {
        WageSubsidy { share } => l.wage_subsidy = (l.wage_subsidy + share).min(1.0),
        Grant {
            krub_per_worker,
            sectors,
        } => {
            for s in Sector::ALL {
                if sectors.is_empty() || sectors.contains(&s) {
                    l.grant_per_worker[s.index()] += krub_per_worker;
                }
            }
        }
        SoftLoan { rate_cut } => l.rate_cut += rate_cut,
        TaxBreak {
            share,
            max_age_years,
        } => {
            l.tax_break = l.tax_break.max(*share);
            l.tax_break_max_age_months = l.tax_break_max_age_months.max(max_age_years * 12.0);
        }
        SpecialZone {
            startup_multiplier,
            tax_break_share,
            max_age_years,
        } => {
            l.startup_multiplier *= startup_multiplier;
            l.tax_break = l.tax_break.max(*tax_break_share);
            l.tax_break_max_age_months = l.tax_break_max_age_months.max(max_age_years * 12.0);
        }
        PppRiskSharing { loss_share } => l.ppp_loss_share = l.ppp_loss_share.max(*loss_share),
        Incubator { startup_multiplier } => {
            l.startup_multiplier *= startup_multiplier;
            l.incubator = true;
        }
        IndustrialPark { link_multiplier } => l.link_multiplier *= link_multiplier,
        Training { upgrade_per_year } => {
            l.training_per_month = 1.0 - (1.0 - upgrade_per_year).powf(1.0 / 12.0)
        }
        YouthRetention { hazard_cut } => l.youth_hazard_multiplier *= 1.0 - hazard_cut,
        Infrastructure {
            travel_time_multiplier,
        } => l.travel_time_multiplier *= travel_time_multiplier,
        Relocation {
            firms_per_year,
            size,
            sector,
        } => l.relocation = Some((firms_per_year / 12.0, *size, *sector)),
        ClusterSeed {
            sectors,
            link_multiplier,
        } => {
            // Seeds never compound: a sector in two seeds keeps the larger multiplier.
            let mut mask = 0u32;
            for s in sectors {
                let m = &mut l.sector_link_multiplier[s.index()];
                *m = m.max(*link_multiplier);
                mask |= 1 << s.index();
            }
            add_cluster_seed(&mut l.cluster_seeds, mask);
        }
    }
}

/// Adds a seed's sector mask once (the same sector set twice is one organisation).
fn add_cluster_seed(seeds: &mut [u32; MAX_CLUSTER_SEEDS], mask: u32) {
    if mask == 0 || seeds.contains(&mask) {
        return;
    }
    if let Some(slot) = seeds.iter_mut().find(|s| **s == 0) {
        *slot = mask;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn schedule(extra: &str) -> (Scenario, Schedule) {
        let text = format!("{}\n{extra}", include_str!("../../tests/data/tiny.toml"));
        let s = Scenario::from_toml(&text, Path::new("tiny.toml")).unwrap();
        let schedule = Schedule::new(&s);
        (s, schedule)
    }

    fn names(s: &Scenario) -> Vec<String> {
        s.params()
            .town_list()
            .iter()
            .map(|t| t.name.clone())
            .collect()
    }

    #[test]
    fn a_plant_closure_fires_once_with_the_named_firm_id() {
        let (s, sch) = schedule(
            "[[shock]]\nkind = \"plant_closure\"\nstart = \"1995-03\"\nfirm = \"Beta combine\"\nshare = 0.4\n",
        );
        let beta = s
            .params()
            .named_firms()
            .iter()
            .find(|f| f.name == "Beta combine")
            .unwrap()
            .id;
        let n = names(&s);
        let fire = crate::scenario::month_index(1995, 3);
        let (_, _, _, one_offs) = sch.levers(fire, n.len(), &n);
        assert!(matches!(
            one_offs.as_slice(),
            [OneOff::Closure { firm, share }] if *firm == beta && *share == 0.4
        ));
        let (_, _, _, later) = sch.levers(fire + 1, n.len(), &n);
        assert!(later.is_empty());
    }

    #[test]
    fn an_institution_acts_as_its_policy_with_the_table_defaults() {
        let mut from_institution = TownLevers::default();
        apply_institution(&mut from_institution, Institution::SpecialZone);
        assert_eq!(from_institution.startup_multiplier, 2.0);
        assert_eq!(from_institution.tax_break, 0.5);
        assert_eq!(from_institution.tax_break_max_age_months, 60.0);
        let mut park = TownLevers::default();
        apply_institution(&mut park, Institution::IndustrialPark);
        assert_eq!(park.link_multiplier, 3.0);
        let mut incubator = TownLevers::default();
        apply_institution(&mut incubator, Institution::Incubator);
        assert!(incubator.incubator && incubator.startup_multiplier == 2.0);
    }

    #[test]
    fn regression_cluster_seeds_compounded() {
        // Chemicals is in both Biysk seeds: it kept x25 from 2012 under `*=`.
        let mut l = TownLevers::default();
        for sectors in [
            vec![Sector::PharmaBiotech, Sector::Chemicals],
            vec![Sector::CompositesMaterials, Sector::Chemicals],
            vec![Sector::CompositesMaterials, Sector::Chemicals],
        ] {
            apply_policy(
                &mut l,
                &PolicyLever::ClusterSeed {
                    sectors,
                    link_multiplier: 5.0,
                },
            );
        }
        assert_eq!(l.sector_link_multiplier[Sector::Chemicals.index()], 5.0);
        assert_eq!(l.sector_link_multiplier[Sector::It.index()], 1.0);
        let seeds: Vec<u32> = l.cluster_seeds.iter().copied().filter(|&m| m > 0).collect();
        assert_eq!(seeds.len(), 2, "one organisation per distinct seed");
    }
}
