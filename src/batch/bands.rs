//! Replicate-band charts for a batch: for each scenario × point, the run charts of
//! [`crate::plot`] (population with census points, employment, migration, firms, ...)
//! drawn over its complete replicates as a median line with a shaded 5–95% band, each
//! group with its own `report.html`, under `charts/scenario=<name>/point=<p>/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::plan::Plan;
use super::report::Figure;
use super::runner::scan_runs;
use super::summary::ChartHook;
use crate::plot::{self, load::plot_runs};

/// Draws replicate-band charts for batches of at most `max_groups` scenario × point
/// groups. Larger sweeps get a note instead (their points are summarised by the metrics
/// and sensitivity tables; `monotown plot` draws any group on request).
#[derive(Debug, Clone, Copy)]
pub struct ReplicateBands {
    /// Largest number of scenario × point groups drawn.
    pub max_groups: usize,
}

impl Default for ReplicateBands {
    fn default() -> Self {
        ReplicateBands { max_groups: 12 }
    }
}

impl ChartHook for ReplicateBands {
    fn charts(&self, dir: &Path, plan: &Plan) -> Result<Vec<Figure>, String> {
        let mut groups: BTreeMap<(String, u32), Vec<PathBuf>> = BTreeMap::new();
        for r in scan_runs(plan, dir) {
            if r.status.complete() {
                groups
                    .entry((r.scenario.clone(), r.point))
                    .or_default()
                    .push(dir.join(&r.dir));
            }
        }
        if groups.len() > self.max_groups {
            return Err(format!(
                "replicate-band charts are drawn for at most {} scenario × point groups and \
                 this batch has {}; draw one with `monotown plot {}/data/scenario=<name>/point=<p>/replicate=*`",
                self.max_groups,
                groups.len(),
                dir.display()
            ));
        }
        let mut figures = Vec::new();
        for ((scenario, point), dirs) in groups {
            let rel = PathBuf::from("charts")
                .join(format!("scenario={scenario}"))
                .join(format!("point={point}"));
            plot_runs(
                &dirs,
                &dir.join(&rel),
                &plot::Format::ALL,
                &plot::RenderOptions::default(),
            )
            .map_err(|e| format!("{scenario}, point {point}: {e}"))?;
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            for (chart, what) in [
                ("population", "population with census points"),
                ("migration", "in-, out- and net migration"),
            ] {
                figures.push(Figure {
                    title: format!("{scenario}, point {point}: {what}"),
                    path: format!("{rel_str}/{chart}.png"),
                    caption: format!(
                        "median and 5–95% band over {} replicate(s); every chart of this group: {rel_str}/report.html",
                        dirs.len()
                    ),
                });
            }
        }
        Ok(figures)
    }
}

/// Draw one [`plot::BandChart`] (median and 5–95% band over runs, observed points, an
/// optional vertical marker) as `out/<stem>.png` and `.svg`, and describe it for a report
/// whose folder holds `out` at `rel` (e.g. `predictive`).
pub fn band_chart(
    out: &Path,
    rel: &str,
    stem: &str,
    chart: &plot::BandChart,
    caption: String,
) -> Result<Figure, String> {
    plot::band_chart(chart, out, stem, &plot::Format::ALL).map_err(|e| e.to_string())?;
    let prefix = if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    };
    Ok(Figure {
        title: chart.title.clone(),
        path: format!("{prefix}{stem}.png"),
        caption,
    })
}
