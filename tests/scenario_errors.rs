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

/// `[seasonality]`: a profile needs 12 monthly factors; the error names the key path and
/// the count.
#[test]
fn seasonal_profile_of_the_wrong_length_names_the_key() {
    let text = tiny_text() + "\n[seasonality.profile]\ntourism = [1.2, 0.8]\n";
    let msg = error(&text);
    assert!(
        msg.contains("seasonality.profile.tourism") && msg.contains("12") && msg.contains("2"),
        "{msg}"
    );
}

/// A negative monthly demand factor is rejected with the month's key path and the range.
#[test]
fn negative_seasonal_factor_names_the_month_and_range() {
    let text = tiny_text()
        + "\n[seasonality.profile]\ntourism = [2.0, 2.0, 1.5, 1.0, -0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 1.0, 2.5]\n";
    let msg = error(&text);
    assert!(
        msg.contains("seasonality.profile.tourism[4]") && msg.contains("[0, inf)"),
        "{msg}"
    );
}

/// A profile must move demand within the year, not its level: its mean must be 1.
#[test]
fn seasonal_profile_whose_mean_is_not_one_is_rejected() {
    let text = tiny_text()
        + "\n[seasonality.profile]\nlocal_services = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]\n";
    let msg = error(&text);
    assert!(
        msg.contains("seasonality.profile.local_services") && msg.contains("average 1"),
        "{msg}"
    );
}

/// The weather keys are range-checked, and a season must start in a calendar month.
#[test]
fn weather_keys_out_of_range_name_key_and_range() {
    let text = tiny_text() + "\n[seasonality]\nweather_sd = 2.0\nweather_season_start = 11.5\n";
    let msg = error(&text);
    assert!(
        msg.contains("seasonality.weather_sd") && msg.contains("[0, 1]"),
        "{msg}"
    );
    assert!(
        msg.contains("seasonality.weather_season_start") && msg.contains("whole number"),
        "{msg}"
    );
    let text = tiny_text() + "\n[seasonality]\nweather_season_start = 13\n";
    let msg = error(&text);
    assert!(
        msg.contains("seasonality.weather_season_start") && msg.contains("[1, 12]"),
        "{msg}"
    );
}

/// An unknown sector in a profile is a parse error naming the key.
#[test]
fn unknown_sector_in_a_seasonal_profile_names_the_key() {
    let text = tiny_text()
        + "\n[seasonality.profile]\nskiing = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]\n";
    let msg = error(&text);
    assert!(
        msg.contains("seasonality") && msg.contains("skiing"),
        "{msg}"
    );
}

/// The season length, the weather sectors and the seasonal contract release are checked
/// too, each error naming its key.
#[test]
fn season_length_weather_sectors_and_contract_release_are_checked() {
    let msg = error(&(tiny_text() + "\n[seasonality]\nweather_season_months = 0\n"));
    assert!(
        msg.contains("seasonality.weather_season_months") && msg.contains("[1, 12]"),
        "{msg}"
    );
    let msg = error(&(tiny_text() + "\n[seasonality]\nweather_sectors = [\"snow\"]\n"));
    assert!(
        msg.contains("seasonality.weather_sectors") && msg.contains("snow"),
        "{msg}"
    );
    let text = tiny_text().replace(
        "[[policy]]\nkind = \"incubator\"",
        "[firms]\nseasonal_contract_release = 1.5\n\n[[policy]]\nkind = \"incubator\"",
    );
    let msg = error(&text);
    assert!(
        msg.contains("firms.seasonal_contract_release") && msg.contains("[0, 1]"),
        "{msg}"
    );
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
