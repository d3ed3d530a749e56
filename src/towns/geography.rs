//! Travel times between towns under infrastructure policies.
//!
//! Base travel hours come from the scenario's distances. An infrastructure policy
//! (a road or rail upgrade) multiplies the travel time of every trip that starts or ends
//! in its town; a trip between two upgraded towns gets the stronger of the two upgrades,
//! not their product (both ends of one road). Multipliers above 1 are ignored.

use crate::policy::TownLevers;

/// This month's travel hours `[from * n + to]` between the `n = levers.len()` towns.
pub fn travel_hours(base_hours: &[f64], levers: &[TownLevers]) -> Vec<f64> {
    let n = levers.len();
    let mut hours = base_hours.to_vec();
    for a in 0..n {
        let upgrade_a = levers[a].travel_time_multiplier.min(1.0);
        for b in 0..n {
            let upgrade_b = levers[b].travel_time_multiplier.min(1.0);
            hours[a * n + b] *= upgrade_a.min(upgrade_b);
        }
    }
    hours
}

/// Whether each pair of towns `[from * n + to]` is within daily commuting reach.
pub fn commuting_reach(hours: &[f64], max_hours: f64) -> Vec<bool> {
    hours.iter().map(|&h| h <= max_hours).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levers(multipliers: &[f64]) -> Vec<TownLevers> {
        multipliers
            .iter()
            .map(|&m| TownLevers {
                travel_time_multiplier: m,
                ..TownLevers::default()
            })
            .collect()
    }

    #[test]
    fn a_trip_gets_the_stronger_upgrade_of_its_two_ends() {
        let base = vec![0.0, 2.0, 3.0, 2.0, 0.0, 1.0, 3.0, 1.0, 0.0];
        let hours = travel_hours(&base, &levers(&[0.5, 1.0, 1.5]));
        assert_eq!(hours[1], 1.0); // 0 -> 1: upgraded at 0
        assert_eq!(hours[2], 1.5); // 0 -> 2: 0's upgrade; 2's multiplier above 1 ignored
        assert_eq!(hours[5], 1.0); // 1 -> 2: no upgrade
        let both = travel_hours(&base, &levers(&[0.5, 0.8, 1.0]));
        assert_eq!(both[1], 1.0); // min(0.5, 0.8), not 0.4
        assert_eq!(commuting_reach(&both, 1.0)[..3], [true, true, false]);
    }

    /// The old formula `a * b / max(a, b)` equals `min(a, b)` whenever one end is not
    /// upgraded (the only case in the shipped scenarios).
    #[test]
    fn old_formula_agrees_when_one_end_is_not_upgraded() {
        for k in 1..=1000 {
            let a = k as f64 / 1000.0;
            let old = a * 1.0 / a.max(1.0);
            assert_eq!(old.to_bits(), a.min(1.0).to_bits());
            let old = 1.0 * a / 1.0f64.max(a);
            assert_eq!(old.to_bits(), 1.0f64.min(a).to_bits());
        }
    }
}
