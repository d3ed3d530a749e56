//! Informal employment: work without a registered contract, a labour-market state of
//! its own (docs/ODD.md, 7.7b).
//!
//! Mechanism: a segmented (dual) labour market with a free-entry informal tier (Harris &
//! Todaro 1970; Fields 1975). People who lose or cannot find a registered job may work
//! informally in the sectors where it is common (trade and local services, tourism) at a
//! lower wage, without a contract, income tax or social contributions, while they keep
//! searching for a formal job; the Russian evidence is that informality absorbs job
//! losers rather than workers leaving formal jobs for it (Gimpelson & Kapeliushnikov,
//! eds., 2011, *V teni regulirovaniya*; Gimpelson & Zudina 2011, HSE WP3/2011/06: the
//! LFS informal sector held 17.9% of the employed in 2008). Entry is free but bounded
//! by the demand the informal sector meets: each town's informal demand follows the
//! formal jobs of the sectors concerned (and so their local demand), times a per-town
//! demand multiplier, the hook through which a seasonal demand profile can feed it.
//!
//! Each month, from last month's aggregates, for agent town `r` (agents' units):
//!
//! ```text
//! D_r     = m_r · (k_ls · L_r,local_services + k_tour · L_r,tourism)    informal demand
//! entry_r = entry_rate · max(0, 1 − I_r / D_r)                          (0 when D_r = 0)
//! exit_r  = min(1, separation_rate + max(0, 1 − D_r / I_r))             (separation_rate when I_r = 0)
//! wage_r  = wage_ratio · W_r
//! ```
//!
//! with `L_rs` the workers of the live firms of sector `s` located in `r`, `I_r` last
//! month's informally employed residents and `W_r` the mean wage of the formally
//! employed residents (the benefit when there are none). Informal workers count as
//! employed in the LFS (ILO) sense but not in registered employment; the person pass
//! ([`crate::people::pass`]) applies the transitions.

use crate::firms::{Firm, FirmKind, Sector};
use crate::people::pass::TownCounts;
use crate::scenario::Informal;

/// This month's informal-employment tables by town. Empty when informal employment is
/// off: the pass then never reads them and draws nothing for them.
#[derive(Debug, Clone, Default)]
pub struct InformalTables {
    /// Informal employment is switched on.
    pub enabled: bool,
    /// Monthly probability that an unemployed resident without a formal offer takes
    /// informal work, by town.
    pub entry: Vec<f32>,
    /// Monthly probability that an informal job ends, by town.
    pub exit: Vec<f32>,
    /// Informal earnings (thousand RUB/month), by town.
    pub wage: Vec<f32>,
}

/// Informal demand of a town (jobs, agents): the informal jobs the local-services and
/// tourism markets sustain per formal job of the sector, times the demand multiplier.
pub fn demand(
    p: &Informal,
    local_services_jobs: f64,
    tourism_jobs: f64,
    demand_multiplier: f64,
) -> f64 {
    demand_multiplier
        * (p.local_services_jobs_per_formal_job * local_services_jobs
            + p.tourism_jobs_per_formal_job * tourism_jobs)
}

/// Monthly entry probability of a job seeker: free entry while demand is unfilled, in
/// proportion to its unfilled share.
pub fn entry_probability(entry_rate: f64, demand: f64, informal: f64) -> f64 {
    if demand <= 0.0 {
        return 0.0;
    }
    entry_rate * (1.0 - informal / demand).max(0.0)
}

/// Monthly probability that an informal job ends: the separation rate, plus the share
/// of informal jobs in excess of demand (they end at once when demand falls).
pub fn exit_probability(separation_rate: f64, demand: f64, informal: f64) -> f64 {
    if informal <= 0.0 {
        return separation_rate;
    }
    (separation_rate + (1.0 - demand / informal).max(0.0)).min(1.0)
}

/// Formal jobs (agents) of local services and tourism located in each town.
fn formal_jobs(firms: &[Firm], n_towns: usize) -> Vec<[f64; 2]> {
    let mut jobs = vec![[0.0; 2]; n_towns];
    for f in firms.iter().filter(|f| f.alive && f.kind != FirmKind::Hub) {
        let slot = match f.sector {
            Sector::LocalServices => 0,
            Sector::Tourism => 1,
            _ => continue,
        };
        jobs[f.town.index()][slot] += f.workforce as f64;
    }
    jobs
}

/// This month's tables from last month's town aggregates (`last`), the firms (their
/// workforce is last month's headcount) and the per-town demand multipliers (1 without
/// a seasonal profile). `benefit` is the informal wage base of a town without formally
/// employed residents. Off: empty tables.
pub fn month_tables(
    p: &Informal,
    last: &[TownCounts],
    firms: &[Firm],
    demand_multiplier: &[f64],
    benefit: f64,
) -> InformalTables {
    if !p.enabled {
        return InformalTables::default();
    }
    let jobs = formal_jobs(firms, last.len());
    let mut t = InformalTables {
        enabled: true,
        ..InformalTables::default()
    };
    for (r, c) in last.iter().enumerate() {
        let d = demand(p, jobs[r][0], jobs[r][1], demand_multiplier[r]);
        let informal = c.informal as f64;
        t.entry
            .push(entry_probability(p.entry_rate, d, informal) as f32);
        t.exit
            .push(exit_probability(p.separation_rate, d, informal) as f32);
        let base = if c.employed > 0 {
            c.wage_sum / c.employed as f64
        } else {
            benefit
        };
        t.wage.push((p.wage_ratio * base) as f32);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on() -> Informal {
        Informal {
            enabled: true,
            ..Informal::default()
        }
    }

    #[test]
    fn demand_follows_the_formal_jobs_of_the_sectors_and_the_multiplier() {
        let p = Informal {
            local_services_jobs_per_formal_job: 0.5,
            tourism_jobs_per_formal_job: 2.0,
            ..on()
        };
        assert_eq!(demand(&p, 100.0, 10.0, 1.0), 70.0);
        // A seasonal peak doubles it, the off season halves it.
        assert_eq!(demand(&p, 100.0, 10.0, 2.0), 140.0);
        assert_eq!(demand(&p, 100.0, 10.0, 0.5), 35.0);
        assert_eq!(demand(&p, 0.0, 0.0, 1.0), 0.0);
    }

    #[test]
    fn entry_is_free_while_demand_is_unfilled_and_stops_when_it_is_filled() {
        assert_eq!(entry_probability(0.2, 100.0, 0.0), 0.2);
        assert!((entry_probability(0.2, 100.0, 75.0) - 0.05).abs() < 1e-12);
        assert_eq!(entry_probability(0.2, 100.0, 100.0), 0.0);
        assert_eq!(entry_probability(0.2, 100.0, 150.0), 0.0);
        // No demand (no local services or tourism): no informal work at all.
        assert_eq!(entry_probability(0.2, 0.0, 0.0), 0.0);
    }

    #[test]
    fn jobs_in_excess_of_demand_end_and_the_rest_at_the_separation_rate() {
        assert_eq!(exit_probability(0.04, 100.0, 0.0), 0.04);
        assert_eq!(exit_probability(0.04, 100.0, 80.0), 0.04);
        // Demand fell to half of the informal jobs: half of them end on top of the rate.
        assert!((exit_probability(0.04, 50.0, 100.0) - 0.54).abs() < 1e-12);
        assert_eq!(exit_probability(0.04, 0.0, 100.0), 1.0);
        assert_eq!(exit_probability(0.9, 10.0, 100.0), 1.0);
    }

    fn counts(employed: u64, informal: u64, wage_sum: f64) -> TownCounts {
        TownCounts {
            labour_force: 1000,
            employed,
            informal,
            wage_sum,
            ..TownCounts::default()
        }
    }

    #[test]
    fn tables_are_empty_when_off_and_per_town_when_on() {
        let last = vec![counts(100, 10, 2000.0), counts(0, 0, 0.0)];
        let off = month_tables(&Informal::default(), &last, &[], &[1.0, 1.0], 3.0);
        assert!(!off.enabled && off.entry.is_empty() && off.wage.is_empty());
        let on = month_tables(&on(), &last, &[], &[1.0, 1.0], 3.0);
        assert!(on.enabled);
        // No firms: no demand, no entry; informal jobs left over all end.
        assert_eq!(on.entry, vec![0.0, 0.0]);
        assert_eq!(on.exit, vec![1.0, 0.04]);
        // 0.8 x the mean formal wage (20), and 0.8 x the benefit without formal workers.
        assert_eq!(on.wage, vec![16.0, (0.8f64 * 3.0) as f32]);
    }
}
