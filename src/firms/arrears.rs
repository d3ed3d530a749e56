//! Wage arrears: how a giant with a social role pays its hoarded workforce through losses.
//!
//! In the 1990s Russian enterprises kept their workers through the output collapse and
//! absorbed the loss by not paying wages in full (wage arrears), by short time and by
//! unpaid leave, rather than by firing (Gimpelson & Lippoldt 2001; Earle & Sabirianova
//! 2002: arrears were concentrated in loss-making firms and worked as a forced loan from
//! the workers). Here a loss-making firm with a social role withholds
//! `arrears_withheld_share` of the wages due each month, up to a ceiling of
//! `arrears_limit_months` of wages; the withheld wages are a cost (the profit is on an
//! accrual basis) but not a cash outflow, and they are a stock the firm owes. A
//! profitable firm repays its arrears out of `arrears_repay_share` of its profit. At the
//! ceiling the firm can no longer hoard labour and lays off like other firms (see
//! `production::adjust_workforce`). Workers receive the cash actually paid
//! ([`Firm::paid_wage`]): less while wages are withheld, more while arrears are repaid.

use super::Firm;
use super::production::FirmOutcome;
use crate::scenario::Firms;

/// Relative tolerance of the arrears ceiling (floating-point sums).
const CEILING_TOLERANCE: f64 = 1e-9;

/// Whether the firm's wage arrears have reached their ceiling (in months of this
/// month's wages due).
pub fn at_ceiling(f: &Firm, p: &Firms) -> bool {
    let due = f.last_month.wages;
    f.arrears > 0.0 && f.arrears >= p.arrears_limit_months * due * (1.0 - CEILING_TOLERANCE)
}

/// Pay this month's wages (already booked as a cost in the accounts): withhold part of
/// them while a firm with a social role loses money, repay arrears while it makes a
/// profit. Moves cash and the arrears stock, records the flows and sets the firm's pay
/// ratio. Returns the event to log, if any.
pub fn pay_wages(f: &mut Firm, profit: f64, p: &Firms) -> FirmOutcome {
    let due = f.last_month.wages;
    let before = f.arrears;
    let was_at_ceiling = at_ceiling(f, p);
    f.pay_ratio = 1.0;
    if due <= 0.0 {
        return FirmOutcome::Continue;
    }
    if profit < 0.0 && f.social_role {
        let room = (p.arrears_limit_months * due - f.arrears).max(0.0);
        let withheld = (p.arrears_withheld_share * due).min(room);
        f.arrears += withheld;
        f.cash += withheld;
        f.last_month.arrears_incurred = withheld;
        f.pay_ratio = 1.0 - withheld / due;
    } else if profit > 0.0 && f.arrears > 0.0 {
        let repaid = f.arrears.min(p.arrears_repay_share * profit);
        f.arrears -= repaid;
        if f.arrears <= CEILING_TOLERANCE * repaid {
            f.arrears = 0.0;
        }
        f.cash -= repaid;
        f.last_month.arrears_repaid = repaid;
        f.pay_ratio = 1.0 + repaid / due;
    }
    if before <= 0.0 && f.arrears > 0.0 {
        FirmOutcome::ArrearsStarted
    } else if before > 0.0 && f.arrears <= 0.0 {
        FirmOutcome::ArrearsCleared
    } else if !was_at_ceiling && at_ceiling(f, p) {
        FirmOutcome::HoardingLimit
    } else {
        FirmOutcome::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::{FirmKind, Sector, test_firm};

    fn firm(workforce: u32) -> Firm {
        let p = Firms::default();
        test_firm(
            "f",
            Sector::Metallurgy,
            FirmKind::Giant,
            workforce as f64,
            &p,
        )
    }

    fn giant(wages: f64) -> Firm {
        let mut f = firm(100);
        f.social_role = true;
        f.last_month.wages = wages;
        f
    }

    #[test]
    fn a_loss_making_social_giant_withholds_wages_and_repays_them_later() {
        let p = Firms::default();
        let mut f = giant(1000.0);
        let cash = f.cash;
        assert_eq!(pay_wages(&mut f, -50.0, &p), FirmOutcome::ArrearsStarted);
        let withheld = p.arrears_withheld_share * 1000.0;
        assert!((f.arrears - withheld).abs() < 1e-9);
        assert!((f.cash - cash - withheld).abs() < 1e-9);
        assert!((f.last_month.arrears_incurred - withheld).abs() < 1e-9);
        assert!(f.paid_wage() < f.base_wage);
        // A profitable month repays part, a later one the rest.
        let profit = 0.5 * withheld / p.arrears_repay_share;
        assert_eq!(pay_wages(&mut f, profit, &p), FirmOutcome::Continue);
        assert!((f.arrears - 0.5 * withheld).abs() < 1e-9);
        assert!(f.paid_wage() > f.base_wage);
        assert_eq!(
            pay_wages(&mut f, 10.0 * profit, &p),
            FirmOutcome::ArrearsCleared
        );
        assert_eq!(f.arrears, 0.0);
        assert!((f.cash - cash).abs() < 1e-6, "cash {} vs {}", f.cash, cash);
    }

    #[test]
    fn arrears_stop_at_their_ceiling_and_ordinary_firms_pay_in_full() {
        let p = Firms::default();
        let mut f = giant(1000.0);
        let mut limit_hit = 0;
        for _ in 0..100 {
            if pay_wages(&mut f, -50.0, &p) == FirmOutcome::HoardingLimit {
                limit_hit += 1;
            }
        }
        assert_eq!(limit_hit, 1);
        assert!((f.arrears - p.arrears_limit_months * 1000.0).abs() < 1e-6);
        assert!(at_ceiling(&f, &p));
        assert_eq!(f.pay_ratio, 1.0);
        let mut o = firm(100);
        o.last_month.wages = 1000.0;
        assert_eq!(pay_wages(&mut o, -50.0, &p), FirmOutcome::Continue);
        assert_eq!(o.arrears, 0.0);
        assert_eq!(o.pay_ratio, 1.0);
    }
}
