//! Running one particle: build each scenario with the particle's values, run the model in
//! memory (nothing is written), compute the targets' statistics and the distance.

use std::panic::{AssertUnwindSafe, catch_unwind};

use polars::prelude::*;

use super::abc::Outcome;
use super::file::Calibration;
use super::target::{ObsKind, distance};
use crate::batch::summary::metric_value;
use crate::output::schema::towns;
use crate::output::{clusters_frame, commuting_frame, firms_frame, towns_frame};

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the run panicked".into())
}

impl Calibration {
    /// The columns of the towns table that series observations compare with, in the
    /// order of first appearance.
    pub fn series_columns(&self) -> Vec<String> {
        let mut cols: Vec<String> = Vec::new();
        for o in &self.observations {
            if let ObsKind::Series(m) = &o.kind
                && !cols.contains(&m.column)
            {
                cols.push(m.column.clone());
            }
        }
        cols
    }

    /// The statistics of every observation for one run of scenario `s` (NaN for those of
    /// other scenarios).
    fn run_stats(&self, s: usize, theta: &[f64], seed: u64, out: &mut [f64]) -> Result<(), String> {
        self.run_observed(s, theta, seed, false, out).map(|_| ())
    }

    /// Run scenario `s` with `theta` and model seed `seed` (over its full years when
    /// `full`, else ending at the last year a target needs), write the statistic of each
    /// of its observations into `out`, and return the towns table's `town`, `year`,
    /// `month` and [`Calibration::series_columns`] (as Float64).
    pub(super) fn run_observed(
        &self,
        s: usize,
        theta: &[f64],
        seed: u64,
        full: bool,
        out: &mut [f64],
    ) -> Result<DataFrame, String> {
        let scenario = self
            .scenario_with(s, theta, !full)
            .map_err(|e| e.to_string())?;
        let output = catch_unwind(AssertUnwindSafe(|| crate::run::simulate(&scenario, seed)))
            .map_err(|p| panic_text(p.as_ref()))?;
        let r = &output.records;
        let pe = |e: PolarsError| e.to_string();
        let mine = || {
            self.observations
                .iter()
                .enumerate()
                .filter(|(_, o)| o.scenario == s)
        };
        let cols = self.series_columns();
        let full_frame = towns_frame(r).map_err(pe)?;
        let mut exprs = vec![
            col(towns::TOWN.name),
            col(towns::YEAR.name).cast(DataType::Int32),
            col(towns::MONTH.name).cast(DataType::Int32),
        ];
        exprs.extend(cols.iter().map(|c| col(c.as_str()).cast(DataType::Float64)));
        let df = full_frame.lazy().select(exprs).collect().map_err(pe)?;
        let facts = if mine().any(|(_, o)| matches!(o.kind, ObsKind::Fact(_))) {
            let input = crate::facts::Input::from_frames(
                &towns_frame(r).map_err(pe)?,
                &firms_frame(r).map_err(pe)?,
                &clusters_frame(r).map_err(pe)?,
                Some(&commuting_frame(r).map_err(pe)?),
            )
            .map_err(pe)?;
            crate::facts::compute(&input)
        } else {
            Vec::new()
        };
        for (i, o) in mine() {
            out[i] = match &o.kind {
                ObsKind::Series(m) => metric_value(&df, m).map_err(pe)?,
                ObsKind::Fact(f) => facts
                    .iter()
                    .find(|x| &x.fact == f && x.town == o.town)
                    .map_or(f64::NAN, |x| x.value),
            };
        }
        Ok(df)
    }

    /// Run attempt `attempt` of `generation` with values `theta`: every scenario,
    /// `replicates` times each (statistics averaged), and its distance.
    pub fn simulate(
        &self,
        theta: &[f64],
        generation: u32,
        attempt: u64,
    ) -> Result<Outcome, String> {
        let n = self.observations.len();
        let reps = self.file.calibration.replicates;
        let mut sum = vec![0.0; n];
        let mut one = vec![f64::NAN; n];
        for r in 0..reps {
            let seed = self.settings.model_seed(generation, attempt, r);
            for s in 0..self.scenarios.len() {
                self.run_stats(s, theta, seed, &mut one)
                    .map_err(|e| format!("scenario {}: {e}", self.scenarios[s].base.name))?;
            }
            for (a, b) in sum.iter_mut().zip(&one) {
                *a += b;
            }
        }
        let stats: Vec<f64> = sum.iter().map(|x| x / f64::from(reps)).collect();
        Ok(Outcome {
            distance: distance(&self.observations, &stats),
            stats,
        })
    }
}
