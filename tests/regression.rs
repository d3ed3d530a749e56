//! One test per bug fixed, named after what broke (the ripgrep `tests/regression.rs`
//! idea). Each says in one line what used to happen.

mod common;

use std::process::Command;

fn monotown(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_monotown"))
        .args(args)
        .output()
        .expect("binary runs")
}

/// `--scale 1e-300` used to give a silent run with no agent in any town; now it is an
/// error naming the towns, with a non-zero exit and nothing written.
#[test]
fn regression_tiny_scale_gave_a_silent_empty_run() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("run");
    let tiny = common::data("tiny.toml");
    let out = monotown(&[
        "run",
        tiny.to_str().unwrap(),
        "--scale",
        "1e-300",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("run.scale") && stderr.contains("Alpha") && stderr.contains("Beta"),
        "{stderr}"
    );
    assert!(
        !out_dir.exists(),
        "a failed run wrote {}",
        out_dir.display()
    );
}

/// An `import_cost_multiplier` of 0 used to pass validation (inputs for free); now every
/// degenerate shock multiplier is checked against a documented range.
#[test]
fn regression_zero_import_cost_multiplier_was_accepted() {
    let text = std::fs::read_to_string(common::data("tiny.toml")).unwrap()
        + "\n[[shock]]\nkind = \"sanctions\"\nstart = 1994\nimport_cost_multiplier = 0.0\n";
    let err = monotown::scenario::Scenario::from_toml(&text, std::path::Path::new("zero.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("zero.toml") && err.contains("import_cost_multiplier") && err.contains('['),
        "{err}"
    );
}

/// A plant closure naming a firm that does not exist used to be a silent no-op at run
/// time (firms were looked up by name every month); now it is an error before the run.
#[test]
fn regression_closure_of_an_unknown_firm_was_a_silent_no_op() {
    let text = std::fs::read_to_string(common::data("tiny.toml")).unwrap()
        + "\n[[shock]]\nkind = \"plant_closure\"\nstart = 1994\nfirm = \"Nowhere works\"\nshare = 1.0\n";
    let err = monotown::scenario::Scenario::from_toml(&text, std::path::Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Nowhere works") && err.contains(".firm`"),
        "{err}"
    );
}

/// Issue 10: Biysk started with ~600 industrial firms (every sector cut into 5-worker
/// firms); the brief reports 132 industrial enterprises, 44 large or medium. The initial
/// firms now follow from the town's industrial jobs with registered-enterprise sizes.
#[test]
fn regression_initial_industry_was_cut_into_five_worker_firms() {
    use monotown::model::Model;
    let m = Model::new(common::shipped_short("biysk", 1990, 0.25), 7);
    let biysk = m.towns.iter().position(|t| t.name == "Biysk").unwrap();
    let industrial: Vec<_> = (m.firms.iter())
        .filter(|f| f.alive && f.town.index() == biysk && f.sector.is_industrial())
        .collect();
    let count: f64 = industrial.iter().map(|f| f.weight).sum();
    assert!((90.0..=250.0).contains(&count), "industrial firms {count}");
    let large: f64 = (industrial.iter())
        .filter(|f| f.real_workforce(m.scale) / f.weight.max(1.0) > 100.0)
        .map(|f| f.weight)
        .sum();
    assert!(
        (0.2..0.6).contains(&(large / count)),
        "large share {}",
        large / count
    );
}

/// Holdings never acted: their January review cut only plants with a loss over a decayed
/// 12-month window, which the 2008-09 price fall never produced, so the default runs had
/// no holding decision at all. Now holdings review their plants' margins at current
/// prices each quarter and cut or close the weakest loss-making plant.
#[test]
fn regression_holdings_never_acted() {
    for name in ["novokuznetsk", "nizhny_tagil"] {
        let s = common::shipped_short(name, 2010, 0.02);
        let seed = s.params().seed();
        let mut m = monotown::model::Model::new(s, seed);
        for _ in 0..m.scenario.months() {
            m.step();
        }
        let decisions = m
            .records
            .events
            .iter()
            .filter(|e| e.kind.as_str().starts_with("holding_") && (2008..=2010).contains(&e.year))
            .count();
        assert!(decisions > 0, "{name}: no holding decision in 2008-2010");
    }
}
