//! Bad scenarios: every error names the file, the key path and the valid range, and
//! nothing panics.

mod common;

use std::path::Path;

use monotown::scenario::{Scenario, ScenarioError};

fn tiny_text() -> String {
    std::fs::read_to_string(common::data("tiny.toml")).unwrap()
}

fn error(text: &str) -> String {
    let err = Scenario::from_toml(text, Path::new("bad.toml")).expect_err("must be rejected");
    let msg = err.to_string();
    assert!(
        msg.contains("bad.toml"),
        "error does not name the file: {msg}"
    );
    msg
}

#[test]
fn toml_syntax_error() {
    let msg = error("[run\nname = 'x'");
    assert!(msg.contains("TOML syntax error"), "{msg}");
}

#[test]
fn unknown_key_suggests_the_closest_valid_one() {
    let text = tiny_text().replace(
        "[[policy]]\nkind = \"incubator\"",
        "[migration]\nbase_hazzard = 0.1\n\n[[policy]]\nkind = \"incubator\"",
    );
    let msg = error(&text);
    assert!(
        msg.contains("base_hazzard") && msg.contains("did you mean `base_hazard`"),
        "{msg}"
    );
    assert!(msg.contains("migration"), "names the table: {msg}");
}

#[test]
fn unknown_key_in_a_town() {
    let text = tiny_text().replace("wage_krub = 14.0", "wage_krub = 14.0\npopulaton = 3");
    let msg = error(&text);
    assert!(
        msg.contains("town[1]") && msg.contains("did you mean `population`"),
        "{msg}"
    );
}

#[test]
fn wrong_type_names_the_key() {
    let text = tiny_text().replace("population = 40000", "population = \"many\"");
    let msg = error(&text);
    assert!(msg.contains("town[0].population"), "{msg}");
}

#[test]
fn negative_population_gives_the_valid_range() {
    let text = tiny_text().replace("population = 40000", "population = -5");
    let msg = error(&text);
    assert!(
        msg.contains("town[0].population") && msg.contains("[0, 30000000]"),
        "{msg}"
    );
}

#[test]
fn share_outside_unit_interval() {
    let text = tiny_text().replace("export_share = 0.6", "export_share = 1.5");
    let msg = error(&text);
    assert!(
        msg.contains("firm[0].export_share") && msg.contains("[0, 1]"),
        "{msg}"
    );
}

#[test]
fn parameter_out_of_range() {
    let text = format!("{}\n[labour]\nquit_rate = 3.0\n", tiny_text());
    let msg = error(&text);
    assert!(
        msg.contains("labour.quit_rate") && msg.contains("[0, 0.5]"),
        "{msg}"
    );
}

#[test]
fn missing_town_in_distance_and_policy() {
    let text = tiny_text()
        .replace("to = \"Beta\"", "to = \"Betta\"")
        .replace(
            "towns = [\"Alpha\"]\n\n[[policy]]",
            "towns = [\"Omega\"]\n\n[[policy]]",
        );
    let msg = error(&text);
    assert!(
        msg.contains("distance[0].to")
            && msg.contains("`Betta`")
            && msg.contains("did you mean `Beta`"),
        "{msg}"
    );
    assert!(
        msg.contains("policy[0].towns[0]") && msg.contains("`Omega`"),
        "{msg}"
    );
}

#[test]
fn end_year_before_start_year() {
    let text = tiny_text().replace("end_year = 1996", "end_year = 1980");
    let msg = error(&text);
    assert!(
        msg.contains("run.end_year") && msg.contains("not before run.start_year"),
        "{msg}"
    );
}

#[test]
fn unknown_policy_kind_and_bad_date() {
    let text = tiny_text().replace("kind = \"incubator\"", "kind = \"incubatr\"");
    let msg = error(&text);
    assert!(
        msg.contains("policy[0]") && msg.contains("incubatr"),
        "{msg}"
    );
    let text = tiny_text().replace("start = \"1993-06\"", "start = \"1993-13\"");
    let msg = error(&text);
    assert!(
        msg.contains("shock[1].start") && msg.contains("[1, 12]"),
        "{msg}"
    );
}

#[test]
fn shock_naming_an_unknown_firm() {
    let text = tiny_text().replace("firm = \"Beta combine\"", "firm = \"Gamma works\"");
    let msg = error(&text);
    assert!(
        msg.contains("shock[1].firm") && msg.contains("Gamma works"),
        "{msg}"
    );
}

#[test]
fn unreadable_file_is_an_io_error() {
    let err = Scenario::load(Path::new("/nonexistent/x.toml")).unwrap_err();
    assert!(matches!(err, ScenarioError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/x.toml"));
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = tiny_text()
        .replace("population = 40000", "population = -1")
        .replace("export_share = 0.6", "export_share = 2.0");
    let err = Scenario::from_toml(&text, Path::new("bad.toml")).unwrap_err();
    match err {
        ScenarioError::Invalid { problems, .. } => assert!(problems.len() >= 2),
        other => panic!("expected Invalid, got {other}"),
    }
}

/// Each key of `[informal]` out of its range: the error names the file, the key path and
/// the valid range (validated whether or not the block is enabled).
#[test]
fn informal_keys_out_of_range_name_key_and_range() {
    for (key, bad, range) in [
        ("local_services_jobs_per_formal_job", "-0.5", "[0, 10]"),
        ("tourism_jobs_per_formal_job", "11.0", "[0, 10]"),
        ("entry_rate", "1.5", "[0, 1]"),
        ("separation_rate", "-0.1", "[0, 1]"),
        ("wage_ratio", "2.5", "[0, 2]"),
    ] {
        for enabled in ["true", "false"] {
            let text = format!(
                "{}\n[informal]\nenabled = {enabled}\n{key} = {bad}\n",
                tiny_text()
            );
            let msg = error(&text);
            assert!(
                msg.contains(&format!("informal.{key}")) && msg.contains(range),
                "{key}: {msg}"
            );
        }
    }
}

#[test]
fn informal_switch_of_the_wrong_type_and_unknown_informal_key() {
    let msg = error(&format!("{}\n[informal]\nenabled = 1\n", tiny_text()));
    assert!(msg.contains("informal.enabled"), "{msg}");
    let msg = error(&format!("{}\n[informal]\nentry_rat = 0.1\n", tiny_text()));
    assert!(
        msg.contains("entry_rat") && msg.contains("did you mean `entry_rate`"),
        "{msg}"
    );
}
