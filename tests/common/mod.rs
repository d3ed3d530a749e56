//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use monotown::scenario::Scenario;

/// Path of a file under tests/data.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

/// The tiny test scenario.
pub fn tiny() -> Scenario {
    Scenario::load(&data("tiny.toml")).expect("tiny scenario is valid")
}

/// A shipped scenario shortened to `end_year` and coarsened to `scale`, for fast tests.
pub fn shipped_short(name: &str, end_year: i32, scale: f64) -> Scenario {
    shipped_short_with(name, end_year, scale, |_| {})
}

/// [`shipped_short`] with the scenario file edited before validation.
pub fn shipped_short_with(
    name: &str,
    end_year: i32,
    scale: f64,
    edit: impl FnOnce(&mut monotown::scenario::ScenarioFile),
) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut file = monotown::scenario::parse_file(&text, &path).unwrap();
    file.run.end_year = end_year;
    file.run.scale = scale;
    edit(&mut file);
    Scenario::from_file(file, text, &path).unwrap()
}
