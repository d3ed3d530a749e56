//! Stock-flow consistency where the model keeps accounts: every month, the change of each
//! stock equals its recorded inflows minus its outflows, within rounding (ABCredit checks
//! the same at every step). Stocks: firm cash, municipal budget balances, people's savings.

mod common;

use std::collections::HashSet;
use std::path::Path;

use monotown::firms::FirmFlows;
use monotown::model::Model;
use monotown::scenario::Scenario;

/// The tiny scenario with every policy that moves firm cash (subsidies, grants, soft
/// loans, tax breaks, loss sharing), so that each flow is exercised.
fn tiny_with_cash_policies() -> Scenario {
    let text = std::fs::read_to_string(common::data("tiny.toml")).unwrap()
        + r#"
[[policy]]
kind = "wage_subsidy"
start = 1991
end = 1994
towns = ["Beta"]
share = 0.1

[[policy]]
kind = "grant"
start = 1992
towns = ["Alpha"]
krub_per_worker = 0.5

[[policy]]
kind = "soft_loan"
start = 1990
towns = ["Alpha", "Beta"]
rate_cut = 0.05

[[policy]]
kind = "tax_break"
start = 1990
towns = ["Alpha"]
share = 0.5

[[policy]]
kind = "ppp_risk_sharing"
start = 1989
towns = ["Alpha", "Beta"]
loss_share = 0.3

[[shock]]
kind = "world_price"
start = 1993
end = 1995
sector = "metallurgy"
multiplier = 0.4

[firms]
dividend_payout_share = 0.1
"#;
    Scenario::from_toml(&text, Path::new("tiny_policies.toml")).expect("valid scenario")
}

/// `|a - b|` within rounding of sums of the given magnitude.
fn close(a: f64, b: f64, magnitude: f64) -> bool {
    (a - b).abs() <= 1e-9 * magnitude.abs().max(1.0)
}

/// Sum of the absolute values of a firm's flows (the scale of its rounding error).
fn gross(f: &FirmFlows) -> f64 {
    f.revenue
        + f.support
        + f.loss_cover
        + f.wages
        + f.payroll_tax
        + f.inputs
        + f.capital_cost
        + f.profit_tax
        + f.investment
        + f.arrears_incurred
        + f.arrears_repaid
        + f.social_assets
        + f.dividends
}

#[test]
fn firm_cash_changes_by_inflows_minus_outflows_every_month() {
    let mut m = Model::new(tiny_with_cash_policies(), 3);
    let mut total = FirmFlows::default();
    let mut checked = 0u64;
    for _ in 0..m.scenario.months() {
        let before: Vec<(f64, bool)> = m.firms.iter().map(|f| (f.cash, f.alive)).collect();
        m.step();
        // Firms that existed at the start of the month; entrants are checked from their
        // second month on.
        for (f, &(cash_before, alive_before)) in m.firms.iter().zip(&before) {
            let flows = &f.last_month;
            if !alive_before {
                assert_eq!(
                    *flows,
                    FirmFlows::default(),
                    "closed firm {} has flows",
                    f.name
                );
            }
            let expected = cash_before + flows.net();
            assert!(
                close(f.cash, expected, cash_before.abs() + gross(flows)),
                "firm {}: cash {} != {} + inflows - outflows {:?}",
                f.name,
                f.cash,
                cash_before,
                flows
            );
            assert!(
                f.cash.is_finite() && flows.net().is_finite(),
                "firm {}",
                f.name
            );
            assert!(
                flows.revenue >= 0.0
                    && flows.support >= 0.0
                    && flows.loss_cover >= 0.0
                    && flows.wages >= 0.0
                    && flows.payroll_tax >= 0.0
                    && flows.inputs >= 0.0
                    && flows.capital_cost >= 0.0
                    && flows.profit_tax >= 0.0
                    && flows.investment >= 0.0
                    && flows.arrears_incurred >= 0.0
                    && flows.arrears_repaid >= 0.0
                    && flows.social_assets >= 0.0
                    && flows.social_assets_divested >= 0.0
                    && flows.dividends >= 0.0,
                "firm {}: a flow has the wrong sign {flows:?}",
                f.name
            );
            // The recorded profit is the operating part of the cash change, wage arrears
            // (a financing flow: wages booked as a cost but withheld, or repaid) aside (a
            // firm closed before it produced keeps its last profit, which nothing reads).
            let produced = f.alive || *flows != FirmFlows::default();
            assert!(
                !produced
                    || close(
                        f.profit,
                        flows.net() + flows.investment + flows.dividends - flows.arrears_incurred
                            + flows.arrears_repaid,
                        gross(flows) + f.profit.abs()
                    ),
                "firm {}: profit {} vs flows {flows:?}",
                f.name,
                f.profit
            );
            total.revenue += flows.revenue;
            total.support += flows.support;
            total.loss_cover += flows.loss_cover;
            total.profit_tax += flows.profit_tax;
            total.investment += flows.investment;
            total.social_assets += flows.social_assets;
            total.social_assets_divested += flows.social_assets_divested;
            total.dividends += flows.dividends;
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked} firm-months checked");
    // Every kind of flow happened at least once, so the identity was tested for each.
    for (name, v) in [
        ("revenue", total.revenue),
        ("support", total.support),
        ("loss cover", total.loss_cover),
        ("profit tax", total.profit_tax),
        ("investment", total.investment),
        ("social assets", total.social_assets),
        ("divested social assets", total.social_assets_divested),
        ("dividends", total.dividends),
    ] {
        assert!(v > 0.0, "no {name} in the whole run");
    }
}

/// The tiny scenario with informal employment switched on (docs/ODD.md 7.7b).
fn tiny_with_informal_employment() -> Scenario {
    let text = std::fs::read_to_string(common::data("tiny.toml")).unwrap()
        + "\n[informal]\nenabled = true\n";
    Scenario::from_toml(&text, Path::new("tiny_informal.toml")).expect("valid scenario")
}

#[test]
fn municipal_budget_balance_changes_by_revenue_minus_spending_every_month() {
    budget_balance_changes_by_revenue_minus_spending(common::tiny(), 5);
}

#[test]
fn municipal_budget_accounts_close_with_informal_employment() {
    budget_balance_changes_by_revenue_minus_spending(tiny_with_informal_employment(), 5);
}

fn budget_balance_changes_by_revenue_minus_spending(s: Scenario, seed: u64) {
    let mut m = Model::new(s, seed);
    let mut months_with_revenue = 0;
    for _ in 0..m.scenario.months() {
        let before: Vec<f64> = m.towns.iter().map(|t| t.budget_balance).collect();
        m.step();
        for (t, &balance_before) in m.towns.iter().zip(&before) {
            if t.is_hub {
                assert_eq!(t.budget_balance, 0.0, "hub {} keeps no budget", t.name);
                continue;
            }
            assert!(t.revenue.is_finite() && t.revenue >= 0.0, "{}", t.name);
            assert!(t.spending.is_finite() && t.spending >= 0.0, "{}", t.name);
            let expected = balance_before + t.revenue - t.spending;
            assert!(
                close(
                    t.budget_balance,
                    expected,
                    balance_before.abs() + t.revenue + t.spending
                ),
                "town {}: balance {} != {} + revenue {} - spending {}",
                t.name,
                t.budget_balance,
                balance_before,
                t.revenue,
                t.spending
            );
            if t.revenue > 0.0 {
                months_with_revenue += 1;
            }
        }
    }
    assert_eq!(months_with_revenue, 2 * m.scenario.months());
}

#[test]
fn total_savings_change_by_flows_every_month() {
    total_savings_change_by_flows(common::tiny(), 9);
}

/// Informal workers save out of their earnings: the flows still account for the stock.
#[test]
fn total_savings_change_by_flows_with_informal_employment() {
    let informal = total_savings_change_by_flows(tiny_with_informal_employment(), 9);
    assert!(informal > 0, "no informal work in the run");
}

/// Checks the savings identity every month; returns the informal worker-months seen.
fn total_savings_change_by_flows(s: Scenario, seed: u64) -> u64 {
    let mut m = Model::new(s, seed);
    let mut informal = 0;
    let mut totals = [0.0f64; 5];
    for _ in 0..m.scenario.months() {
        let alive = |m: &Model| {
            (0..m.people.len())
                .filter(|&i| m.people.town[i].is_some())
                .collect::<Vec<_>>()
        };
        let stock_before: f64 = alive(&m).iter().map(|&i| m.people.savings[i] as f64).sum();
        let serials_before: HashSet<u32> = alive(&m).iter().map(|&i| m.people.serial[i]).collect();
        m.step();
        let now = alive(&m);
        let stock_after: f64 = now.iter().map(|&i| m.people.savings[i] as f64).sum();
        // Newborns (no savings) and in-migrants from hubs and the rest of the country.
        let brought_in: f64 = now
            .iter()
            .filter(|&&i| !serials_before.contains(&m.people.serial[i]))
            .map(|&i| m.people.savings[i] as f64)
            .sum();
        let mut saved = 0.0;
        let mut dissaved = 0.0;
        let mut moving = 0.0;
        let mut out = 0.0;
        for c in &m.last {
            informal += c.informal;
            saved += c.savings_flows.saved;
            dissaved += c.savings_flows.dissaved;
            moving += c.savings_flows.moving_costs;
            out += c.savings_flows.carried_out;
        }
        for x in [saved, dissaved, moving, out, brought_in] {
            assert!(x >= 0.0 && x.is_finite());
        }
        let expected = stock_before + brought_in + saved - dissaved - moving - out;
        assert!(
            close(
                stock_after,
                expected,
                stock_before + brought_in + saved + dissaved + moving + out
            ),
            "{:?}: savings {stock_after} != {stock_before} + in {brought_in} + saved {saved} \
             - dissaved {dissaved} - moving {moving} - carried out {out}",
            m.calendar()
        );
        for (t, x) in totals
            .iter_mut()
            .zip([saved, dissaved, moving, out, brought_in])
        {
            *t += x;
        }
    }
    for (name, v) in [
        "saved",
        "dissaved",
        "moving costs",
        "carried out",
        "brought in",
    ]
    .iter()
    .zip(totals)
    {
        assert!(v > 0.0, "no {name} in the whole run");
    }
    informal
}
