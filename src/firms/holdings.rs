//! Holdings' reviews of their plants, decided outside the towns.
//!
//! A holding (EVRAZ for NTMK and ZSMK, RUSAL for NkAZ; seed 004: decisions taken at head
//! offices outside the territory) reviews its plants every
//! `firms.holding_review_interval_months`. It compares their margins at current world
//! prices (last month's profit over revenue) and acts only on the weakest plant, and only
//! if that plant is losing money: it closes the plant when its margin is below
//! `-holding_closure_margin` and another of its plants is profitable (the holding moves
//! production there), and otherwise cuts the plant's capacity (and its target workforce)
//! by `holding_downsize_share`, retiring the same share of its capital. Profitable
//! plants are never touched. This is the
//! portfolio view of a multi-plant firm's internal capital market (Stein 1997: head
//! offices pick winners and cut losers across their units), at the level of plants.

use super::Firm;

/// What a holding decided about one of its plants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Capacity cut by the share.
    Downsize {
        /// Index of the plant.
        firm: usize,
        /// Margin at current prices that led to the cut.
        margin: f64,
    },
    /// Plant closed.
    Close {
        /// Index of the plant.
        firm: usize,
        /// Margin at current prices that led to the closure.
        margin: f64,
    },
}

/// The review's rules.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Share of capacity cut at the weakest loss-making plant.
    pub downsize_share: f64,
    /// A plant whose margin is below minus this share is closed when a sister plant is
    /// profitable.
    pub closure_margin: f64,
}

/// Margin of a plant at current prices: last month's profit over revenue (a plant with
/// no revenue and a loss counts as -1).
fn margin(f: &Firm) -> f64 {
    if f.output > 0.0 {
        f.profit / f.output
    } else if f.profit < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Review every holding's plants (`holdings` holdings): cut or close each holding's
/// weakest loss-making plant. Returns the decisions, in holding order.
pub fn review(firms: &mut [Firm], holdings: usize, rules: Rules) -> Vec<Decision> {
    let mut decisions = Vec::new();
    for h in 0..holdings {
        let mut weakest: Option<(usize, f64)> = None;
        let mut any_profitable = false;
        for (i, f) in firms.iter().enumerate() {
            if !f.alive || f.holding.map(|id| id.index()) != Some(h) {
                continue;
            }
            let m = margin(f);
            any_profitable |= m > 0.0;
            if weakest.is_none_or(|(_, w)| m < w) {
                weakest = Some((i, m));
            }
        }
        let Some((i, m)) = weakest else { continue };
        if m >= 0.0 {
            continue;
        }
        let f = &mut firms[i];
        if m < -rules.closure_margin && any_profitable {
            f.alive = false;
            f.vacancies = 0;
            f.layoff_probability = 1.0;
            decisions.push(Decision::Close { firm: i, margin: m });
        } else if rules.downsize_share > 0.0 {
            f.capacity *= 1.0 - rules.downsize_share;
            f.target *= 1.0 - rules.downsize_share;
            // The cut retires equipment (shops, furnaces): its capital, and the cost of
            // that capital, go with it; otherwise each cut would raise the fixed cost per
            // unit sold and call for the next.
            f.capital *= 1.0 - rules.downsize_share;
            decisions.push(Decision::Downsize { firm: i, margin: m });
        }
    }
    decisions
}

/// Event detail of a decision by `holding`.
pub fn detail(holding: &str, decision: Decision, share: f64) -> String {
    match decision {
        Decision::Downsize { margin, .. } => format!(
            "{} cuts capacity by {:.0}% at its weakest plant (margin {:.0}% at current prices)",
            holding,
            share * 100.0,
            margin * 100.0
        ),
        Decision::Close { margin, .. } => format!(
            "{} closes its weakest plant (margin {:.0}% at current prices)",
            holding,
            margin * 100.0
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::FirmKind;
    use crate::firms::Sector;
    use crate::ids::HoldingId;
    use crate::scenario::Firms;

    fn plant(holding: Option<u16>, margin: f64) -> Firm {
        let mut f = crate::firms::test_firm(
            "plant",
            Sector::Metallurgy,
            FirmKind::Large,
            500.0,
            &Firms::default(),
        );
        f.holding = holding.map(HoldingId);
        f.output = 100.0;
        f.profit = margin * 100.0;
        f
    }

    const RULES: Rules = Rules {
        downsize_share: 0.1,
        closure_margin: 0.3,
    };

    #[test]
    fn the_review_cuts_only_the_weakest_loss_making_plant_of_each_holding() {
        let mut firms = vec![
            plant(Some(0), -0.05),
            plant(Some(0), -0.10),
            plant(Some(0), 0.05),
            plant(None, -0.5),
            plant(Some(1), 0.02),
            plant(Some(2), -0.2),
        ];
        firms[5].alive = false;
        let capital = firms[1].capital;
        let d = review(&mut firms, 3, RULES);
        assert_eq!(
            d,
            vec![Decision::Downsize {
                firm: 1,
                margin: -0.1
            }]
        );
        assert!((firms[1].capacity - 0.9).abs() < 1e-12);
        assert!((firms[1].capital - 0.9 * capital).abs() < 1e-9 * capital);
        for i in [0, 2, 3, 4, 5] {
            assert_eq!(firms[i].capacity, 1.0, "plant {i} untouched");
        }
        assert!(firms.iter().take(5).all(|f| f.alive));
        assert!(detail("EVRAZ", d[0], 0.1).starts_with("EVRAZ cuts capacity by 10%"));
    }

    #[test]
    fn a_deeply_loss_making_plant_closes_only_when_a_sister_plant_is_profitable() {
        let mut firms = vec![plant(Some(0), -0.5), plant(Some(0), 0.1)];
        let d = review(&mut firms, 1, RULES);
        assert_eq!(
            d,
            vec![Decision::Close {
                firm: 0,
                margin: -0.5
            }]
        );
        assert!(!firms[0].alive && firms[0].layoff_probability == 1.0);
        assert!(firms[1].alive && firms[1].capacity == 1.0);
        // A single-plant holding cuts instead of closing.
        let mut alone = vec![plant(Some(0), -0.5)];
        let d = review(&mut alone, 1, RULES);
        assert!(matches!(d[..], [Decision::Downsize { firm: 0, .. }]));
        assert!(alone[0].alive);
        assert_eq!(detail("RUSAL", d[0], 0.1).split(' ').nth(1), Some("cuts"));
    }
}
