//! The posterior-predictive batch of a calibration: after the last generation,
//! `predictive_draws` particles are drawn by weight from the final generation and each
//! is run `predictive_replicates` times over the FULL years of every scenario (not
//! shortened to the last target year). The runs give, for every observation, a
//! predictive median and 90% interval (5%, 95%), and for every targeted series a band
//! chart over the years with the observed points and a line at `fit_until`.
//!
//! Determinism: draw `d` picks its particle with the stream
//! `(seed, CalibratePredictive, d, 0)` and takes the model seed of its replicate `r` as
//! value `r` of the stream `(seed, CalibratePredictive, d, 1)`; draws run in parallel
//! and are collected in draw order, so the outputs do not depend on the thread count.
//!
//! Resume: each finished draw is saved as `state/predictive/draw_NNNNN.json` (written
//! under a temporary name, then renamed); a re-run loads the saved draws, runs only the
//! missing ones and rewrites every output from them, to the same bytes.
//!
//! ```text
//! DIR/predictive/series.{parquet,csv}   December values of every targeted column, per run, town and year
//! DIR/predictive/predictive.csv         every observation against the predictive median and 90% interval
//! DIR/predictive/failures.csv           failed predictive runs
//! DIR/predictive/<town>_<column>.{png,svg}  median and 5-95% band, observed points, fit_until
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::CalibrateError;
use super::abc::{Generation, bits, quantile};
use super::chart::file_stem;
use super::file::Calibration;
use super::output::{csv_field, num, parameter_column};
use super::target::ObsKind;
use crate::batch::bands::band_chart;
use crate::batch::report::Figure;
use crate::output::schema::towns;
use crate::output::{Format, write_atomic, write_table};
use crate::plot::{BandChart, BandPoint, Series};
use crate::rng::{Process, Stream};

/// The output folder, under the calibration's folder.
pub const DIR: &str = "predictive";

/// December values of the targeted columns of one town in one year of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearRow {
    /// Scenario index.
    pub scenario: u32,
    /// Town.
    pub town: String,
    /// Year.
    pub year: i32,
    /// One value per [`Calibration::series_columns`].
    #[serde(with = "bits::many")]
    pub values: Vec<f64>,
}

/// One model run of a draw (every scenario, with the same model seed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// Replicate number within the draw.
    pub replicate: u32,
    /// Model seed.
    pub seed: u64,
    /// Why the run failed (then `stats` are NaN and `rows` empty).
    pub error: Option<String>,
    /// The statistic of every observation.
    #[serde(with = "bits::many")]
    pub stats: Vec<f64>,
    /// December values of the targeted towns and columns, every year.
    pub rows: Vec<YearRow>,
}

/// One posterior-predictive draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draw {
    /// Draw number.
    pub draw: u32,
    /// Index of the particle picked in the final generation.
    pub particle: u32,
    /// Its parameter values.
    #[serde(with = "bits::many")]
    pub theta: Vec<f64>,
    /// Its runs.
    pub runs: Vec<Run>,
}

/// The state file of one draw.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DrawState {
    fingerprint: String,
    generation: u32,
    draw: Draw,
}

/// The predictive distribution of one observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Check {
    /// Median of the runs' statistic.
    pub median: f64,
    /// 5% quantile.
    pub q05: f64,
    /// 95% quantile.
    pub q95: f64,
    /// `median / observed - 1` (NaN for a fact range).
    pub rel_error: f64,
    /// The observed value lies in [q05, q95] (a fact: the interval meets its range).
    pub inside: bool,
    /// Successful runs with a finite statistic.
    pub runs: usize,
}

/// A finished posterior-predictive batch, for the report.
#[derive(Debug, Clone)]
pub struct Predictive {
    /// The final generation the draws came from.
    pub generation: u32,
    /// Draws.
    pub draws: usize,
    /// Replicates per draw.
    pub replicates: usize,
    /// Failed runs.
    pub failures: usize,
    /// Model runs executed now (0 when every draw was loaded).
    pub runs_now: u64,
    /// One per observation, in observation order.
    pub checks: Vec<Check>,
    /// Band charts (paths relative to the calibration folder).
    pub figures: Vec<Figure>,
}

fn out_err(path: &Path, message: impl ToString) -> CalibrateError {
    CalibrateError::Output {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// The final-generation particle of draw `d` (picked by weight).
pub fn pick(seed: u64, g: &Generation, d: u32) -> usize {
    let u = Stream::new(seed, Process::CalibratePredictive, u64::from(d), 0).uniform();
    let mut cum = 0.0;
    for (i, p) in g.particles.iter().enumerate() {
        cum += p.weight;
        if u < cum {
            return i;
        }
    }
    g.particles.len().saturating_sub(1)
}

/// The model seed of replicate `r` of draw `d`.
pub fn run_seed(seed: u64, d: u32, r: u32) -> u64 {
    let mut s = Stream::new(seed, Process::CalibratePredictive, u64::from(d), 1);
    let mut v = s.next_u64();
    for _ in 0..r {
        v = s.next_u64();
    }
    v
}

/// The towns of scenario `s` with series observations, in order of first appearance.
fn series_towns(cal: &Calibration, s: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in &cal.observations {
        if o.scenario == s && matches!(o.kind, ObsKind::Series(_)) && !out.contains(&o.town) {
            out.push(o.town.clone());
        }
    }
    out
}

/// December rows of the targeted towns of scenario `s` from a run's selected frame.
fn december_rows(
    cal: &Calibration,
    s: usize,
    ncols: usize,
    df: &DataFrame,
) -> PolarsResult<Vec<YearRow>> {
    let names = series_towns(cal, s);
    let town = df.column(towns::TOWN.name)?.str()?;
    let year = df.column(towns::YEAR.name)?.i32()?;
    let month = df.column(towns::MONTH.name)?.i32()?;
    let cols: Vec<&Float64Chunked> = cal
        .series_columns()
        .iter()
        .map(|c| df.column(c).and_then(|x| x.f64()))
        .collect::<PolarsResult<_>>()?;
    let mut rows: BTreeMap<(usize, i32), Vec<f64>> = BTreeMap::new();
    for i in 0..df.height() {
        let (Some(t), Some(y), Some(12)) = (town.get(i), year.get(i), month.get(i)) else {
            continue;
        };
        let Some(k) = names.iter().position(|n| n == t) else {
            continue;
        };
        let v: Vec<f64> = (0..ncols)
            .map(|c| cols[c].get(i).unwrap_or(f64::NAN))
            .collect();
        rows.insert((k, y), v);
    }
    Ok(rows
        .into_iter()
        .map(|((k, y), values)| YearRow {
            scenario: s as u32,
            town: names[k].clone(),
            year: y,
            values,
        })
        .collect())
}

/// Run draw `d`: its particle, each replicate over every scenario's full years.
fn simulate_draw(cal: &Calibration, g: &Generation, d: u32, on_run: &(dyn Fn() + Sync)) -> Draw {
    let seed = cal.settings.seed;
    let particle = pick(seed, g, d);
    let theta = g.particles[particle].theta.clone();
    let reps = cal.file.calibration.predictive_replicates.max(1) as u32;
    let n = cal.observations.len();
    let ncols = cal.series_columns().len();
    let runs = (0..reps)
        .map(|r| {
            let run_seed = run_seed(seed, d, r);
            let mut stats = vec![f64::NAN; n];
            let mut rows = Vec::new();
            let mut error = None;
            for s in 0..cal.scenarios.len() {
                let got = cal
                    .run_observed(s, &theta, run_seed, true, &mut stats)
                    .and_then(|df| december_rows(cal, s, ncols, &df).map_err(|e| e.to_string()));
                match got {
                    Ok(mut r) => rows.append(&mut r),
                    Err(e) => {
                        error = Some(format!("scenario {}: {e}", cal.scenarios[s].base.name));
                        break;
                    }
                }
            }
            on_run();
            if error.is_some() {
                stats = vec![f64::NAN; n];
                rows.clear();
            }
            Run {
                replicate: r,
                seed: run_seed,
                error,
                stats,
                rows,
            }
        })
        .collect();
    Draw {
        draw: d,
        particle: particle as u32,
        theta,
        runs,
    }
}

/// A saved draw, if it belongs to this calibration and generation and is complete.
fn load_draw(path: &Path, cal: &Calibration, g: &Generation, d: u32) -> Option<Draw> {
    let text = std::fs::read_to_string(path).ok()?;
    let st: DrawState = serde_json::from_str(&text).ok()?;
    let reps = cal.file.calibration.predictive_replicates.max(1) as usize;
    (st.fingerprint == cal.fingerprint
        && st.generation == g.index
        && st.draw.draw == d
        && st.draw.runs.len() == reps)
        .then_some(st.draw)
}

/// Remove temporary files left by an interrupted run.
fn remove_temporaries(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().contains(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Run (or load) the posterior-predictive batch from the final generation `g` and write
/// its outputs under `dir/predictive/`. `None` when `predictive_draws` is 0.
pub fn run(
    cal: &Calibration,
    dir: &Path,
    g: &Generation,
    on_run: &(dyn Fn() + Sync),
) -> Result<Option<Predictive>, CalibrateError> {
    let n = cal.file.calibration.predictive_draws.max(0) as u32;
    if n == 0 || g.particles.is_empty() {
        return Ok(None);
    }
    let sdir = dir.join("state").join(DIR);
    std::fs::create_dir_all(&sdir).map_err(|e| out_err(&sdir, e))?;
    remove_temporaries(&sdir);
    let ran = std::sync::atomic::AtomicU64::new(0);
    let draws: Vec<Result<Draw, CalibrateError>> = (0..n)
        .into_par_iter()
        .map(|d| {
            let path = sdir.join(format!("draw_{d:05}.json"));
            if let Some(draw) = load_draw(&path, cal, g, d) {
                return Ok(draw);
            }
            let draw = simulate_draw(cal, g, d, on_run);
            ran.fetch_add(draw.runs.len() as u64, std::sync::atomic::Ordering::Relaxed);
            let state = DrawState {
                fingerprint: cal.fingerprint.clone(),
                generation: g.index,
                draw,
            };
            let text = serde_json::to_string(&state).map_err(|e| out_err(&path, e))?;
            write_atomic(&path, text.as_bytes()).map_err(|e| out_err(&path, e))?;
            Ok(state.draw)
        })
        .collect();
    let draws: Vec<Draw> = draws.into_iter().collect::<Result<_, _>>()?;
    let mut p = write_outputs(cal, dir, g, &draws)?;
    p.runs_now = ran.into_inner();
    Ok(Some(p))
}

/// The predictive distribution of every observation.
fn checks(cal: &Calibration, draws: &[Draw]) -> Vec<Check> {
    cal.observations
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let v: Vec<f64> = draws
                .iter()
                .flat_map(|d| &d.runs)
                .filter(|r| r.error.is_none())
                .map(|r| r.stats[i])
                .filter(|x| x.is_finite())
                .collect();
            let (median, q05, q95) = (quantile(&v, 0.5), quantile(&v, 0.05), quantile(&v, 0.95));
            let inside = match o.kind {
                ObsKind::Series(_) => o.observed >= q05 && o.observed <= q95,
                ObsKind::Fact(_) => q05 <= o.high && q95 >= o.low,
            };
            Check {
                median,
                q05,
                q95,
                rel_error: median / o.observed - 1.0,
                inside,
                runs: v.len(),
            }
        })
        .collect()
}

fn statistic(kind: &ObsKind) -> String {
    match kind {
        ObsKind::Series(m) => format!("{} {}", m.column, m.stat.name()),
        ObsKind::Fact(f) => format!("fact {f}"),
    }
}

fn predictive_csv(cal: &Calibration, checks: &[Check]) -> String {
    let mut s = String::from(
        "target,scenario,town,year,statistic,in_sample,observed,low,high,pred_median,pred_q05,pred_q95,rel_error,inside,runs\n",
    );
    for (o, c) in cal.observations.iter().zip(checks) {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            csv_field(&o.target),
            csv_field(&cal.scenarios[o.scenario].base.name),
            csv_field(&o.town),
            o.year.map(|y| y.to_string()).unwrap_or_default(),
            csv_field(&statistic(&o.kind)),
            o.in_sample,
            num(o.observed),
            o.low,
            o.high,
            num(c.median),
            num(c.q05),
            num(c.q95),
            num(c.rel_error),
            c.inside,
            c.runs
        ));
    }
    s
}

/// The long table of December values: one row per successful run, scenario, town and year.
fn series_frame(cal: &Calibration, draws: &[Draw]) -> PolarsResult<DataFrame> {
    let rows = || {
        draws.iter().flat_map(|d| {
            d.runs
                .iter()
                .filter(|r| r.error.is_none())
                .flat_map(move |r| r.rows.iter().map(move |y| (d, r, y)))
        })
    };
    let mut cols = vec![
        Column::new(
            "draw".into(),
            rows().map(|x| x.0.draw).collect::<Vec<u32>>(),
        ),
        Column::new(
            "replicate".into(),
            rows().map(|x| x.1.replicate).collect::<Vec<u32>>(),
        ),
        Column::new(
            "particle".into(),
            rows().map(|x| x.0.particle).collect::<Vec<u32>>(),
        ),
        Column::new(
            "seed".into(),
            rows().map(|x| x.1.seed).collect::<Vec<u64>>(),
        ),
    ];
    for i in 0..cal.parameters.len() {
        cols.push(Column::new(
            parameter_column(cal, i).into(),
            rows().map(|x| x.0.theta[i]).collect::<Vec<f64>>(),
        ));
    }
    cols.push(Column::new(
        "scenario".into(),
        rows()
            .map(|x| cal.scenarios[x.2.scenario as usize].base.name.clone())
            .collect::<Vec<String>>(),
    ));
    cols.push(Column::new(
        "town".into(),
        rows().map(|x| x.2.town.clone()).collect::<Vec<String>>(),
    ));
    cols.push(Column::new(
        "year".into(),
        rows().map(|x| x.2.year).collect::<Vec<i32>>(),
    ));
    for (c, name) in cal.series_columns().iter().enumerate() {
        cols.push(Column::new(
            name.as_str().into(),
            rows().map(|x| x.2.values[c]).collect::<Vec<f64>>(),
        ));
    }
    DataFrame::new_infer_height(cols)
}

/// Band charts: one per scenario, town and column with series observations.
fn charts(
    cal: &Calibration,
    out: &Path,
    g: &Generation,
    draws: &[Draw],
) -> Result<Vec<Figure>, CalibrateError> {
    let columns = cal.series_columns();
    let mut groups: Vec<(usize, String, String)> = Vec::new();
    for o in &cal.observations {
        if let ObsKind::Series(m) = &o.kind {
            let key = (o.scenario, o.town.clone(), m.column.clone());
            if !groups.contains(&key) {
                groups.push(key);
            }
        }
    }
    let fit = cal.file.calibration.fit_until;
    let ok_runs: Vec<&Run> = draws
        .iter()
        .flat_map(|d| &d.runs)
        .filter(|r| r.error.is_none())
        .collect();
    let mut figures = Vec::new();
    for (s, town, column) in groups {
        let c = columns.iter().position(|x| *x == column).unwrap_or(0);
        let mine = |r: &&YearRow| r.scenario as usize == s && r.town == town;
        let years: BTreeSet<i32> = ok_runs
            .iter()
            .flat_map(|r| r.rows.iter().filter(mine).map(|y| y.year))
            .collect();
        if years.is_empty() {
            continue;
        }
        let x: Vec<f64> = years.iter().map(|y| f64::from(*y)).collect();
        let reps: Vec<Vec<f64>> = ok_runs
            .iter()
            .map(|r| {
                let by_year: BTreeMap<i32, f64> = r
                    .rows
                    .iter()
                    .filter(mine)
                    .map(|y| (y.year, y.values[c]))
                    .collect();
                years
                    .iter()
                    .map(|y| by_year.get(y).copied().unwrap_or(f64::NAN))
                    .collect()
            })
            .collect();
        let series = Series::new(column.clone(), x, reps).map_err(|e| out_err(out, e))?;
        let mut stats: Vec<&str> = Vec::new();
        let observed: Vec<BandPoint> = cal
            .observations
            .iter()
            .filter(|o| o.scenario == s && o.town == town)
            .filter_map(|o| match &o.kind {
                ObsKind::Series(m) if m.column == column => {
                    if !stats.contains(&m.stat.name()) {
                        stats.push(m.stat.name());
                    }
                    Some(BandPoint {
                        x: f64::from(o.year?),
                        y: o.observed,
                        filled: o.in_sample,
                    })
                }
                _ => None,
            })
            .collect();
        let scenario = &cal.scenarios[s].base.name;
        let stem = if cal.scenarios.len() > 1 {
            file_stem(&format!("{scenario}_{town}_{column}"))
        } else {
            file_stem(&format!("{town}_{column}"))
        };
        let runs = series.n_replicates();
        let chart = BandChart {
            title: format!("Posterior predictive: {column}, {town}"),
            subtitle: Some(format!(
                "December values of {runs} run(s) of scenario {scenario} from generation {} (full years); observed: the target's {}",
                g.index,
                stats.join(", ")
            )),
            y_label: column.clone(),
            series,
            line_label: "median of the runs".into(),
            observed,
            observed_labels: (
                format!("fitted (year ≤ {fit})"),
                format!("out of sample (year > {fit})"),
            ),
            marker: Some((f64::from(fit), format!("fit_until = {fit}"))),
        };
        figures.push(
            band_chart(
                out,
                DIR,
                &stem,
                &chart,
                format!(
                    "median and 5–95% band of December {column} over {runs} posterior-predictive run(s); filled points fitted, hollow points out of sample; dashed line at fit_until; also as {DIR}/{stem}.svg"
                ),
            )
            .map_err(|e| out_err(out, e))?,
        );
    }
    Ok(figures)
}

/// Write every output of the batch from its draws (all derived: a rewrite gives the
/// same bytes).
fn write_outputs(
    cal: &Calibration,
    dir: &Path,
    g: &Generation,
    draws: &[Draw],
) -> Result<Predictive, CalibrateError> {
    let out: PathBuf = dir.join(DIR);
    std::fs::create_dir_all(&out).map_err(|e| out_err(&out, e))?;
    remove_temporaries(&out);
    let mut df = series_frame(cal, draws).map_err(|e| out_err(&out, e))?;
    write_table(&out, "series", &mut df, Format::Both).map_err(|e| out_err(&out, e))?;
    let checks = checks(cal, draws);
    let w = |name: &str, text: &str| {
        let p = out.join(name);
        write_atomic(&p, text.as_bytes()).map_err(|e| out_err(&p, e))
    };
    w("predictive.csv", &predictive_csv(cal, &checks))?;
    let mut f = String::from("draw,replicate,particle,seed,error\n");
    let mut failures = 0;
    for d in draws {
        for r in &d.runs {
            if let Some(e) = &r.error {
                failures += 1;
                f.push_str(&format!(
                    "{},{},{},{},{}\n",
                    d.draw,
                    r.replicate,
                    d.particle,
                    r.seed,
                    csv_field(e)
                ));
            }
        }
    }
    w("failures.csv", &f)?;
    let figures = charts(cal, &out, g, draws)?;
    Ok(Predictive {
        generation: g.index,
        draws: draws.len(),
        replicates: cal.file.calibration.predictive_replicates.max(1) as usize,
        failures,
        runs_now: 0,
        checks,
        figures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::abc::Particle;

    fn generation(weights: &[f64]) -> Generation {
        Generation {
            index: 3,
            epsilon: Some(1.0),
            particles: weights
                .iter()
                .enumerate()
                .map(|(i, w)| Particle {
                    attempt: i as u64,
                    theta: vec![i as f64],
                    weight: *w,
                    distance: 0.5,
                    seed: 0,
                    stats: Vec::new(),
                })
                .collect(),
            attempts: weights.len() as u64,
            runs: weights.len() as u64,
            failures: Vec::new(),
        }
    }

    #[test]
    fn draws_follow_the_weights_and_seeds_differ() {
        let g = generation(&[0.7, 0.0, 0.3]);
        let n = 4000;
        let mut count = [0usize; 3];
        for d in 0..n {
            count[pick(9, &g, d)] += 1;
        }
        assert_eq!(count[1], 0, "a particle of weight 0 was drawn");
        let share = count[0] as f64 / n as f64;
        assert!((share - 0.7).abs() < 0.03, "share {share}");
        assert_eq!(pick(9, &g, 17), pick(9, &g, 17));
        assert_ne!(run_seed(9, 0, 0), run_seed(9, 0, 1));
        assert_ne!(run_seed(9, 0, 0), run_seed(9, 1, 0));
        assert_eq!(run_seed(9, 5, 2), run_seed(9, 5, 2));
    }
}
