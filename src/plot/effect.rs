//! Effect-over-time charts of `monotown compare`: for one variant and town, one panel per
//! metric with the mean difference (variant − base) across replicates as a line, its 90%
//! interval as a shaded band, and a grey line at zero. Same figure engine, fonts and
//! atomic writing as the run and batch charts.

use std::path::{Path, PathBuf};

use plotters::style::Color;

use super::Format;
use super::charts::Chart;
use super::error::PlotError;
use super::figure::{Figure, Layer, LegendItem, Panel, Swatch, grid_cols};
use super::output::write_chart_formats;
use super::style::{GREY, ensure_font, town_colour};

/// One panel: a metric's effect by year.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectPanel {
    /// Panel title (the metric).
    pub title: String,
    /// Years.
    pub x: Vec<f64>,
    /// Mean difference variant − base.
    pub mean: Vec<f64>,
    /// Lower end of the interval.
    pub lo: Vec<f64>,
    /// Upper end of the interval.
    pub hi: Vec<f64>,
}

/// What an effect chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectChart {
    /// Title.
    pub title: String,
    /// Subtitle (pairing mode and replicates).
    pub subtitle: Option<String>,
    /// Panels, one per metric.
    pub panels: Vec<EffectPanel>,
    /// Legend note under the entries (e.g. how the band is computed).
    pub note: String,
}

/// Draw `chart` as `dir/<stem>.<ext>` in each format (atomically); returns the paths.
pub fn effect_chart(
    chart: &EffectChart,
    dir: &Path,
    stem: &str,
    formats: &[Format],
) -> Result<Vec<PathBuf>, PlotError> {
    ensure_font()?;
    if chart.panels.iter().all(|p| p.x.is_empty()) {
        return Err(PlotError::EmptyData(format!("{stem}: no effect to draw")));
    }
    let colour = town_colour(0);
    let mut panels = Vec::new();
    for e in &chart.panels {
        if e.x.is_empty() {
            continue;
        }
        let (x0, x1) = (e.x[0], e.x[e.x.len() - 1]);
        let mut p = Panel::time(
            Some(e.title.clone()),
            "variant − base",
            (x0 - 0.4, x1 + 0.4),
        );
        let ok: Vec<usize> = (0..e.x.len())
            .filter(|&i| e.lo[i].is_finite() && e.hi[i].is_finite())
            .collect();
        if !ok.is_empty() {
            p.layers.push(Layer::Fill {
                upper: ok.iter().map(|&i| (e.x[i], e.hi[i])).collect(),
                lower: ok.iter().map(|&i| (e.x[i], e.lo[i])).collect(),
                colour: colour.mix(0.22),
            });
        }
        p.layers.push(Layer::HLine {
            y: 0.0,
            colour: GREY,
        });
        p.layers.push(Layer::Line {
            pts: (0..e.x.len())
                .filter(|&i| e.mean[i].is_finite())
                .map(|i| (e.x[i], e.mean[i]))
                .collect(),
            colour,
            width: 2,
        });
        p.fit_y();
        panels.push(p);
    }
    let cols = grid_cols(panels.len());
    let legend = vec![
        LegendItem::Header("Effect".into()),
        LegendItem::Entry(
            Swatch::LineBand(colour, 2),
            "mean difference, 90% interval".into(),
        ),
        LegendItem::Entry(Swatch::Line(GREY, 1), "no effect".into()),
        LegendItem::Note(chart.note.clone()),
    ];
    let figure = Chart::Figure(Figure {
        title: chart.title.clone(),
        subtitle: chart.subtitle.clone(),
        panels,
        cols,
        legend,
    });
    write_chart_formats(stem, &figure, dir, formats)
}
