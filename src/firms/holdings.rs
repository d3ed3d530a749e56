//! Holdings' yearly review of their plants.
//!
//! Firms owned by an outside holding are reviewed each January by a head office outside
//! the town (seed 004): a plant that lost money over the past year has its capacity cut
//! by `firms.holding_downsize_share`, whatever the town's situation.

use super::Firm;

/// Cut the capacity of every living holding-owned firm with a loss over the past year by
/// `share`. Returns the indices of the firms cut, in firm order.
pub fn review(firms: &mut [Firm], share: f64) -> Vec<usize> {
    let mut cuts = Vec::new();
    for (i, firm) in firms.iter_mut().enumerate() {
        if firm.alive && firm.holding.is_some() && firm.profit_year < 0.0 && share > 0.0 {
            firm.capacity *= 1.0 - share;
            cuts.push(i);
        }
    }
    cuts
}

/// Event detail of a cut by `holding`.
pub fn review_detail(holding: &str, share: f64) -> String {
    format!(
        "{} cuts capacity by {:.0}% after a loss-making year",
        holding,
        share * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::FirmKind;
    use crate::firms::Sector;
    use crate::ids::HoldingId;
    use crate::scenario::Firms;

    fn plant(holding: Option<u16>, profit_year: f64) -> Firm {
        let mut f = crate::firms::test_firm(
            "plant",
            Sector::Metallurgy,
            FirmKind::Large,
            500.0,
            &Firms::default(),
        );
        f.holding = holding.map(HoldingId);
        f.profit_year = profit_year;
        f
    }

    #[test]
    fn the_review_cuts_only_loss_making_holding_plants() {
        let mut firms = vec![
            plant(Some(0), -5.0),
            plant(Some(0), 5.0),
            plant(None, -5.0),
            plant(Some(1), -1.0),
        ];
        firms[3].alive = false;
        assert_eq!(review(&mut firms, 0.1), vec![0]);
        assert_eq!(firms[0].capacity, 0.9);
        assert!(firms[1..].iter().all(|f| f.capacity == 1.0));
        assert!(review(&mut firms, 0.0).is_empty());
        assert_eq!(
            review_detail("Rusal", 0.1),
            "Rusal cuts capacity by 10% after a loss-making year"
        );
    }
}
