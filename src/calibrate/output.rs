//! A calibration's folder: per-generation state (for resume), the posterior table,
//! the generation table, failures, out-of-sample checks and calibrated scenarios. Every
//! file is written atomically (temporary name, then rename).

use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::CalibrateError;
use super::abc::{Generation, Stop, weighted_quantile};
use super::file::Calibration;
use super::predictive::Predictive;
use super::target::ObsKind;
use super::{chart, report};
use crate::output::{Format, write_atomic, write_table};

/// The state file of one complete generation (`state/generation_NNN.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerationState {
    /// Fingerprint of the calibration's inputs.
    pub fingerprint: String,
    /// The generation.
    pub generation: Generation,
    /// Wall time of the generation in seconds (output metadata; never read by the algorithm).
    pub wall_seconds: f64,
}

fn out_err(path: &Path, message: impl ToString) -> CalibrateError {
    CalibrateError::Output {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

fn state_path(dir: &Path, t: u32) -> PathBuf {
    dir.join("state").join(format!("generation_{t:03}.json"))
}

/// Save a complete generation.
pub fn save_generation(dir: &Path, state: &GenerationState) -> Result<(), CalibrateError> {
    let path = state_path(dir, state.generation.index);
    std::fs::create_dir_all(dir.join("state")).map_err(|e| out_err(&path, e))?;
    let text = serde_json::to_string(state).map_err(|e| out_err(&path, e))?;
    write_atomic(&path, text.as_bytes()).map_err(|e| out_err(&path, e))
}

/// The complete generations saved in `dir` (0, 1, ... up to the first missing one). A
/// generation of another calibration is an error.
pub fn load_generations(
    dir: &Path,
    fingerprint: &str,
) -> Result<Vec<GenerationState>, CalibrateError> {
    let mut out = Vec::new();
    loop {
        let path = state_path(dir, out.len() as u32);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(out);
        };
        let state: GenerationState = serde_json::from_str(&text).map_err(|e| {
            out_err(
                &path,
                format!("unreadable state ({e}): delete the folder to start afresh"),
            )
        })?;
        if state.fingerprint != fingerprint {
            return Err(CalibrateError::OtherCalibration {
                path: dir.to_path_buf(),
            });
        }
        out.push(state);
    }
}

/// Output column name of parameter `i` (`key`, or `key@scenario` for a local one).
pub fn parameter_column(cal: &Calibration, i: usize) -> String {
    let p = &cal.parameters[i];
    match p.scenario {
        None => p.key.clone(),
        Some(s) => format!("{}@{}", p.key, cal.scenarios[s].base.name),
    }
}

fn posterior_frame(cal: &Calibration, gens: &[GenerationState]) -> PolarsResult<DataFrame> {
    let rows = || {
        gens.iter().flat_map(|g| {
            g.generation
                .particles
                .iter()
                .enumerate()
                .map(move |(i, p)| (g.generation.index, i, p))
        })
    };
    let mut cols = vec![
        Column::new(
            "generation".into(),
            rows().map(|r| r.0).collect::<Vec<u32>>(),
        ),
        Column::new(
            "particle".into(),
            rows().map(|r| r.1 as u32).collect::<Vec<u32>>(),
        ),
        Column::new(
            "attempt".into(),
            rows().map(|r| r.2.attempt).collect::<Vec<u64>>(),
        ),
    ];
    for i in 0..cal.parameters.len() {
        cols.push(Column::new(
            parameter_column(cal, i).into(),
            rows().map(|r| r.2.theta[i]).collect::<Vec<f64>>(),
        ));
    }
    cols.push(Column::new(
        "weight".into(),
        rows().map(|r| r.2.weight).collect::<Vec<f64>>(),
    ));
    cols.push(Column::new(
        "distance".into(),
        rows().map(|r| r.2.distance).collect::<Vec<f64>>(),
    ));
    cols.push(Column::new(
        "seed".into(),
        rows().map(|r| r.2.seed).collect::<Vec<u64>>(),
    ));
    DataFrame::new_infer_height(cols)
}

pub(super) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub(super) fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}

/// Rewrite every table from the complete generations (all derived, so a rewrite after a
/// resume gives the same bytes, except the wall times of `generations.csv`).
pub fn write_tables(
    cal: &Calibration,
    dir: &Path,
    gens: &[GenerationState],
    stop: Option<Stop>,
    predictive: Option<&Predictive>,
) -> Result<(), CalibrateError> {
    let mut df = posterior_frame(cal, gens).map_err(|e| out_err(dir, e))?;
    write_table(dir, "posterior", &mut df, Format::Both).map_err(|e| out_err(dir, e))?;
    let mut g = String::from(
        "generation,epsilon,acceptance_rate,ess,attempts,runs,failures,wall_seconds\n",
    );
    let mut f = String::from("generation,attempt,error\n");
    for s in gens {
        let x = &s.generation;
        g.push_str(&format!(
            "{},{},{},{},{},{},{},{:.3}\n",
            x.index,
            x.epsilon.map_or("inf".to_string(), |e| e.to_string()),
            x.acceptance_rate(),
            x.ess(),
            x.attempts,
            x.runs,
            x.failures.len(),
            s.wall_seconds
        ));
        for fl in &x.failures {
            f.push_str(&format!(
                "{},{},{}\n",
                x.index,
                fl.attempt,
                csv_field(&fl.error)
            ));
        }
    }
    let w = |name: &str, text: &str| {
        let p = dir.join(name);
        write_atomic(&p, text.as_bytes()).map_err(|e| out_err(&p, e))
    };
    w("generations.csv", &g)?;
    w("failures.csv", &f)?;
    if let Some(last) = gens.last() {
        w("checks.csv", &checks_csv(cal, &last.generation))?;
        write_calibrated(cal, dir, gens, stop)?;
    }
    write_report(cal, dir, gens, stop, predictive)
}

/// Draw the charts and write `report.html`.
fn write_report(
    cal: &Calibration,
    dir: &Path,
    gens: &[GenerationState],
    stop: Option<Stop>,
    predictive: Option<&Predictive>,
) -> Result<(), CalibrateError> {
    let names: Vec<String> = (0..cal.parameters.len())
        .map(|i| parameter_column(cal, i))
        .collect();
    let priors: Vec<_> = cal.parameters.iter().map(|p| p.prior).collect();
    let generations: Vec<&Generation> = gens.iter().map(|g| &g.generation).collect();
    let figures = chart::draw_charts(
        dir,
        &chart::ChartInput {
            names: &names,
            priors: &priors,
            generations: &generations,
        },
    )
    .map_err(|e| out_err(dir, e))?;
    let calibrated: Vec<String> = if gens.is_empty() {
        Vec::new()
    } else {
        cal.scenarios
            .iter()
            .map(|s| format!("calibrated/{}.toml", s.base.name))
            .collect()
    };
    let html = report::render(
        cal,
        &report::ReportInput {
            generations: gens,
            stop,
            figures: &figures,
            calibrated: &calibrated,
            predictive,
        },
    );
    let p = dir.join("report.html");
    write_atomic(&p, html.as_bytes()).map_err(|e| out_err(&p, e))
}

/// Every observation beside the last generation's weighted median and 5-95% range of
/// its simulated value; out-of-sample rows (year > fit_until) are the validation.
fn checks_csv(cal: &Calibration, g: &Generation) -> String {
    let mut s = String::from(
        "target,scenario,town,year,statistic,in_sample,observed,low,high,sd,weight,sim_median,sim_q05,sim_q95,rel_error_median,source\n",
    );
    let w: Vec<f64> = g.particles.iter().map(|p| p.weight).collect();
    for (i, o) in cal.observations.iter().enumerate() {
        let v: Vec<f64> = g.particles.iter().map(|p| p.stats[i]).collect();
        let q = |x| weighted_quantile(&v, &w, x);
        let med = q(0.5);
        let what = match &o.kind {
            ObsKind::Series(m) => format!("{} {}", m.column, m.stat.name()),
            ObsKind::Fact(f) => format!("fact {f}"),
        };
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            csv_field(&o.target),
            csv_field(&cal.scenarios[o.scenario].base.name),
            csv_field(&o.town),
            o.year.map(|y| y.to_string()).unwrap_or_default(),
            csv_field(&what),
            o.in_sample,
            num(o.observed),
            o.low,
            o.high,
            o.sd,
            o.weight,
            num(med),
            num(q(0.05)),
            num(q(0.95)),
            num(med / o.observed - 1.0),
            csv_field(&o.source),
        ));
    }
    s
}

/// `calibrated/<scenario>.toml`: the base scenario with the last generation's weighted
/// posterior median of each parameter written in by key path.
fn write_calibrated(
    cal: &Calibration,
    dir: &Path,
    gens: &[GenerationState],
    stop: Option<Stop>,
) -> Result<(), CalibrateError> {
    let g = &gens[gens.len() - 1].generation;
    let w: Vec<f64> = g.particles.iter().map(|p| p.weight).collect();
    let median: Vec<f64> = (0..cal.parameters.len())
        .map(|i| {
            let v: Vec<f64> = g.particles.iter().map(|p| p.theta[i]).collect();
            weighted_quantile(&v, &w, 0.5)
        })
        .collect();
    let out = dir.join("calibrated");
    std::fs::create_dir_all(&out).map_err(|e| out_err(&out, e))?;
    for setup in &cal.scenarios {
        let pairs: Vec<_> = setup.keys.iter().map(|(p, k)| (k, median[*p])).collect();
        let body = setup.base.with_values(&pairs);
        let mut head = format!(
            "# Calibrated by `monotown calibrate {}` (seed {}, {} generations{}, final epsilon {}, population {}, scale {}).\n",
            cal.path.display(),
            cal.settings.seed,
            gens.len(),
            stop.map(|s| format!(", stopped because {}", s.text()))
                .unwrap_or_default(),
            g.epsilon.map_or("inf".to_string(), |e| format!("{e:.4}")),
            cal.settings.population,
            setup.scale,
        );
        head.push_str(&format!(
            "# Base scenario: {}. Posterior medians written in:\n",
            setup.base.origin.display()
        ));
        for (p, k) in &setup.keys {
            head.push_str(&format!("#   {} = {}\n", k.key, median[*p]));
        }
        let path = out.join(format!("{}.toml", setup.base.name));
        write_atomic(&path, format!("{head}\n{body}").as_bytes()).map_err(|e| out_err(&path, e))?;
    }
    Ok(())
}
