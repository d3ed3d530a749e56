//! The validated `Params`: every range of a policy or shock field is checked with an error
//! naming the key path and the range, a scale too small for a town is rejected, names
//! resolve to ids before the run, and the named firms' ids are the model's firm ids.

mod common;

use std::path::Path;

use monotown::model::Model;
use monotown::scenario::{
    PolicyLever, PolicyParams, Scenario, ShockKind, ShockParams, SpecParam, params,
};

fn tiny_text() -> String {
    std::fs::read_to_string(common::data("tiny.toml")).unwrap()
}

fn rejected(text: &str) -> String {
    Scenario::from_toml(text, Path::new("bad.toml"))
        .expect_err("must be rejected")
        .to_string()
}

/// The fields a minimal valid entry of each kind needs, besides `kind` and `start`.
fn required_fields(section: &str, kind: &str) -> Vec<(&'static str, String)> {
    let f = |k: &'static str, v: &str| (k, v.to_string());
    match (section, kind) {
        ("policy", "wage_subsidy") => vec![f("share", "0.1")],
        ("policy", "grant") => vec![f("krub_per_worker", "1.0")],
        ("policy", "soft_loan") => vec![f("rate_cut", "0.01")],
        ("policy", "tax_break") => vec![f("share", "0.5")],
        ("policy", "ppp_risk_sharing") => vec![f("loss_share", "0.2")],
        ("policy", "training") => vec![f("upgrade_per_year", "0.02")],
        ("policy", "youth_retention") => vec![f("hazard_cut", "0.2")],
        ("policy", "infrastructure") => vec![f("travel_time_multiplier", "0.8")],
        ("policy", "relocation") => vec![f("firms_per_year", "1.0"), f("sector", "\"it\"")],
        ("policy", "cluster_seed") => vec![f("sectors", "[\"chemicals\"]")],
        ("shock", "world_price") => vec![f("sector", "\"metallurgy\""), f("multiplier", "0.8")],
        ("shock", "sanctions") => vec![f("import_cost_multiplier", "1.3")],
        ("shock", "input_price") => vec![f("multiplier", "1.3")],
        ("shock", "plant_closure") => vec![f("firm", "\"Beta combine\""), f("share", "0.5")],
        ("shock", "state_orders") => vec![f("multiplier", "0.5")],
        _ => vec![],
    }
}

/// Tiny plus one entry of `section`'s kind `kind` with `field = value`; returns the text
/// and the key path the validator must name.
fn with_entry(section: &str, kind: &str, field: &str, value: f64) -> (String, String) {
    let mut text = tiny_text();
    let existing = text.matches(&format!("[[{section}]]")).count();
    text.push_str(&format!(
        "\n[[{section}]]\nkind = \"{kind}\"\nstart = 1990\n"
    ));
    if kind == "restructure" {
        text.push_str(&format!(
            "firm = \"Beta combine\"\nunits = [{{ name = \"U\", sector = \"it\", {field} = {value:?} }}]\n"
        ));
        return (text, format!("{section}[{existing}].units[0].{field}"));
    }
    for (k, v) in required_fields(section, kind) {
        if k != field {
            text.push_str(&format!("{k} = {v}\n"));
        }
    }
    text.push_str(&format!("{field} = {value:?}\n"));
    (text, format!("{section}[{existing}].{field}"))
}

fn rows() -> Vec<(&'static str, SpecParam)> {
    let policy = [
        PolicyParams::WAGE_SUBSIDY_SHARE,
        PolicyParams::GRANT_KRUB_PER_WORKER,
        PolicyParams::SOFT_LOAN_RATE_CUT,
        PolicyParams::TAX_BREAK_SHARE,
        PolicyParams::TAX_BREAK_MAX_AGE_YEARS,
        PolicyParams::SPECIAL_ZONE_STARTUP_MULTIPLIER,
        PolicyParams::SPECIAL_ZONE_TAX_BREAK_SHARE,
        PolicyParams::SPECIAL_ZONE_MAX_AGE_YEARS,
        PolicyParams::PPP_RISK_SHARING_LOSS_SHARE,
        PolicyParams::INCUBATOR_STARTUP_MULTIPLIER,
        PolicyParams::INDUSTRIAL_PARK_LINK_MULTIPLIER,
        PolicyParams::TRAINING_UPGRADE_PER_YEAR,
        PolicyParams::YOUTH_RETENTION_HAZARD_CUT,
        PolicyParams::INFRASTRUCTURE_TRAVEL_TIME_MULTIPLIER,
        PolicyParams::RELOCATION_FIRMS_PER_YEAR,
        PolicyParams::RELOCATION_SIZE,
        PolicyParams::CLUSTER_SEED_LINK_MULTIPLIER,
    ];
    let shock = [
        ShockParams::WORLD_PRICE_MULTIPLIER,
        ShockParams::SANCTIONS_IMPORT_COST_MULTIPLIER,
        ShockParams::INPUT_PRICE_MULTIPLIER,
        ShockParams::PLANT_CLOSURE_SHARE,
        ShockParams::CRISIS_DEMAND,
        ShockParams::CRISIS_MORTALITY,
        ShockParams::CRISIS_FERTILITY,
        ShockParams::STATE_ORDERS_MULTIPLIER,
        ShockParams::RESTRUCTURE_UNIT_SHARE,
    ];
    let all: Vec<_> = policy
        .into_iter()
        .map(|p| ("policy", p))
        .chain(shock.into_iter().map(|p| ("shock", p)))
        .collect();
    // Every row of the two tables is covered.
    assert_eq!(
        all.len(),
        PolicyParams::TABLE.len() + ShockParams::TABLE.len()
    );
    all
}

fn kind_of(p: &SpecParam) -> &'static str {
    p.doc.key.split('.').nth(1).unwrap()
}

#[test]
fn a_value_inside_every_policy_and_shock_range_is_accepted() {
    for (section, p) in rows() {
        let mid = (p.doc.min + p.doc.max) / 2.0;
        let (text, _) = with_entry(section, kind_of(&p), p.field, mid);
        Scenario::from_toml(&text, Path::new("ok.toml"))
            .unwrap_or_else(|e| panic!("{}: {e}", p.doc.key));
    }
}

#[test]
fn every_policy_and_shock_field_out_of_range_names_the_key_and_the_range() {
    for (section, p) in rows() {
        let range = format!("[{}, {}]", p.doc.min, p.doc.max);
        for value in [p.doc.max + 1.0, p.doc.min - 0.01] {
            let (text, key) = with_entry(section, kind_of(&p), p.field, value);
            let msg = rejected(&text);
            assert!(
                msg.contains(&format!("`{key}`")) && msg.contains(&range),
                "{}: value {value} gives: {msg}",
                p.doc.key
            );
        }
    }
}

#[test]
fn degenerate_zero_multipliers_are_rejected() {
    // A multiplier of 0 would remove a market or a vital rate entirely.
    for p in [
        ShockParams::SANCTIONS_IMPORT_COST_MULTIPLIER,
        ShockParams::WORLD_PRICE_MULTIPLIER,
        ShockParams::STATE_ORDERS_MULTIPLIER,
        ShockParams::CRISIS_DEMAND,
        ShockParams::CRISIS_MORTALITY,
        ShockParams::CRISIS_FERTILITY,
        PolicyParams::INFRASTRUCTURE_TRAVEL_TIME_MULTIPLIER,
        PolicyParams::INCUBATOR_STARTUP_MULTIPLIER,
        PolicyParams::SPECIAL_ZONE_STARTUP_MULTIPLIER,
    ] {
        let section = if p.doc.key.starts_with("policy") {
            "policy"
        } else {
            "shock"
        };
        let (text, key) = with_entry(section, kind_of(&p), p.field, 0.0);
        let msg = rejected(&text);
        assert!(
            msg.contains(&key) && msg.contains("outside the valid range"),
            "{msg}"
        );
    }
    // A youth-retention cut of 1 would stop youth migration entirely.
    let (text, key) = with_entry("policy", "youth_retention", "hazard_cut", 1.0);
    assert!(rejected(&text).contains(&key));
}

#[test]
fn every_table_default_is_inside_its_range_and_is_the_file_default() {
    for (_, p) in rows() {
        assert!(p.doc.min <= p.doc.max, "{}", p.doc.key);
        match p.default {
            Some(d) => {
                assert!(d >= p.doc.min && d <= p.doc.max, "{}", p.doc.key);
                assert_eq!(p.doc.default.parse::<f64>().unwrap(), d, "{}", p.doc.key);
            }
            None => assert_eq!(p.doc.default, "required", "{}", p.doc.key),
        }
    }
    // The serde defaults of omitted fields are the table's.
    let text = format!(
        "{}\n[[policy]]\nkind = \"tax_break\"\nstart = 1990\nshare = 0.5\n\
         [[policy]]\nkind = \"special_zone\"\nstart = 1990\n\
         [[policy]]\nkind = \"relocation\"\nstart = 1990\nfirms_per_year = 1.0\nsector = \"it\"\n\
         [[shock]]\nkind = \"crisis\"\nstart = 1990\n",
        tiny_text()
    );
    let s = Scenario::from_toml(&text, Path::new("defaults.toml")).unwrap();
    let levers: Vec<&PolicyLever> = s.params().policies().iter().map(|p| &p.lever).collect();
    assert!(levers.iter().any(|l| matches!(l,
        PolicyLever::TaxBreak { max_age_years, .. }
            if *max_age_years == PolicyParams::TAX_BREAK_MAX_AGE_YEARS.default_value())));
    assert!(levers.iter().any(|l| matches!(l,
        PolicyLever::SpecialZone { startup_multiplier, tax_break_share, max_age_years }
            if *startup_multiplier == 2.0 && *tax_break_share == 0.5 && *max_age_years == 5.0)));
    assert!(levers.iter().any(|l| matches!(l,
        PolicyLever::Relocation { size, .. } if *size == 50.0)));
    assert!(s.params().shocks().iter().any(|x| matches!(x.kind,
        ShockKind::Crisis { demand, mortality, fertility }
            if demand == 1.0 && mortality == 1.0 && fertility == 1.0)));
}

#[test]
fn the_parameter_table_shows_policy_and_shock_parameters() {
    let table = params::markdown_table();
    for key in [
        "`policy.tax_break.max_age_years`",
        "`policy.special_zone.tax_break_share`",
        "`policy.cluster_seed.link_multiplier`",
        "`shock.sanctions.import_cost_multiplier`",
        "`shock.crisis.mortality`",
    ] {
        assert!(table.contains(key), "{key} missing");
    }
}

#[test]
fn a_scale_leaving_a_town_without_agents_names_the_town_and_the_smallest_scale() {
    let text = tiny_text().replace("scale = 0.05", "scale = 1e-300");
    let msg = rejected(&text);
    assert!(
        msg.contains("`run.scale`") && msg.contains("`Alpha`") && msg.contains("`Beta`"),
        "{msg}"
    );
    // Beta (20,000 residents) binds: 0.5 / 20,000 rounds to one agent.
    let smallest = monotown::scenario::smallest_scale_for(20_000.0);
    assert!(msg.contains(&format!("{smallest:e}")), "{msg}");
    let s = common::tiny();
    assert!(s.clone().with_scale(smallest).is_ok());
    let msg = s
        .clone()
        .with_scale(smallest.next_down())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("`Beta`") && !msg.contains("`Alpha`"), "{msg}");
}

#[test]
fn a_scale_override_is_validated_and_keeps_the_source_text() {
    let s = common::tiny();
    let msg = s.clone().with_scale(1.5).unwrap_err().to_string();
    assert!(
        msg.contains("`run.scale`") && msg.contains("(0, 1]"),
        "{msg}"
    );
    let half = s.clone().with_scale(0.02).unwrap();
    assert_eq!(half.params().scale(), 0.02);
    assert_eq!(half.source_text(), s.source_text());
    assert_eq!(half.origin(), s.origin());
}

#[test]
fn a_plant_closure_naming_an_unknown_firm_is_rejected_before_the_run() {
    let text = format!(
        "{}\n[[shock]]\nkind = \"plant_closure\"\nstart = 1994\nfirm = \"Alpha stel\"\nshare = 1.0\n",
        tiny_text()
    );
    let msg = rejected(&text);
    assert!(
        msg.contains("`shock[2].firm`")
            && msg.contains("`Alpha stel`")
            && msg.contains("did you mean `Alpha steel`"),
        "{msg}"
    );
}

#[test]
fn named_firm_ids_are_the_model_firm_ids() {
    let s = common::tiny();
    let named: Vec<_> = s.params().named_firms().to_vec();
    let towns: Vec<_> = s.params().town_list().to_vec();
    let m = Model::new(s, 1);
    for nf in &named {
        let firm = &m.firms[nf.id.index()];
        assert_eq!(firm.name, nf.name);
        assert_eq!(firm.town, nf.town);
        assert_eq!(towns[nf.town.index()].id, nf.town);
    }
}

#[test]
fn the_informal_block_is_off_by_default_and_in_the_parameter_table() {
    let s = Scenario::from_toml(
        &format!("{}\n[informal]\n", tiny_text()),
        Path::new("informal.toml"),
    )
    .unwrap();
    let informal = s.params().informal();
    assert!(!informal.enabled, "an empty [informal] block leaves it off");
    assert_eq!(informal, common::tiny().params().informal());
    let table = params::markdown_table();
    for row in monotown::scenario::Informal::TABLE {
        assert!(
            table.contains(&format!("`{}`", row.key)),
            "{} missing",
            row.key
        );
    }
}
