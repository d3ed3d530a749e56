//! One series drawn over many runs as a median line with a shaded 5–95% band, with
//! observed points over it and an optional dashed vertical marker (e.g. the last year
//! a calibration fitted). Used by the posterior-predictive batch of `monotown calibrate`
//! through [`crate::batch::bands::band_chart`]; it is the same figure engine, band
//! statistics ([`Series::summary`]) and atomic writing as the run and batch charts.

use std::path::{Path, PathBuf};

use super::Format;
use super::charts::Chart;
use super::data::Series;
use super::error::PlotError;
use super::figure::{Figure, Layer, LegendItem, Panel, Swatch, band_note, summary_layers};
use super::output::write_chart_formats;
use super::style::{DARK, GREY, ensure_font, town_colour};

/// An observed value drawn over the band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    /// x (fractional year).
    pub x: f64,
    /// Observed value.
    pub y: f64,
    /// Filled marker (e.g. fitted) or hollow (e.g. an out-of-sample check).
    pub filled: bool,
}

/// What a band chart shows.
#[derive(Debug, Clone)]
pub struct BandChart {
    /// Title.
    pub title: String,
    /// Subtitle under the title.
    pub subtitle: Option<String>,
    /// y axis label.
    pub y_label: String,
    /// The runs: one replicate per run on a shared yearly (or monthly) grid.
    pub series: Series,
    /// Legend label of the median line.
    pub line_label: String,
    /// Observed points.
    pub observed: Vec<BandPoint>,
    /// Legend labels of the filled and hollow markers.
    pub observed_labels: (String, String),
    /// A dashed vertical line at x, with its legend label.
    pub marker: Option<(f64, String)>,
}

/// Draw `chart` as `dir/<stem>.<ext>` in each format (atomically); returns the paths.
pub fn band_chart(
    chart: &BandChart,
    dir: &Path,
    stem: &str,
    formats: &[Format],
) -> Result<Vec<PathBuf>, PlotError> {
    ensure_font()?;
    let x = chart.series.x();
    if x.is_empty() {
        return Err(PlotError::EmptyData(format!(
            "{stem}: the series has no points"
        )));
    }
    let colour = town_colour(0);
    let (mut x0, mut x1) = (x[0], x[x.len() - 1]);
    for p in &chart.observed {
        x0 = x0.min(p.x);
        x1 = x1.max(p.x);
    }
    let mut p = Panel::time(None, chart.y_label.clone(), (x0 - 0.4, x1 + 0.4));
    let summary = chart.series.summary();
    p.layers.extend(summary_layers(&summary, colour, 3));
    for filled in [true, false] {
        let pts: Vec<(f64, f64)> = chart
            .observed
            .iter()
            .filter(|o| o.filled == filled && o.x.is_finite() && o.y.is_finite())
            .map(|o| (o.x, o.y))
            .collect();
        if !pts.is_empty() {
            p.layers.push(Layer::Markers {
                pts,
                colour: DARK,
                filled,
                radius: 8,
            });
        }
    }
    p.fit_y();
    let n = chart.series.n_replicates();
    let mut legend = vec![
        LegendItem::Header("Runs".into()),
        LegendItem::Entry(
            if n > 1 {
                Swatch::LineBand(colour, 3)
            } else {
                Swatch::Line(colour, 3)
            },
            chart.line_label.clone(),
        ),
    ];
    let has = |filled: bool| chart.observed.iter().any(|o| o.filled == filled);
    if has(true) || has(false) {
        legend.push(LegendItem::Header("Observed".into()));
    }
    if has(true) {
        legend.push(LegendItem::Entry(
            Swatch::Marker(DARK, true),
            chart.observed_labels.0.clone(),
        ));
    }
    if has(false) {
        legend.push(LegendItem::Entry(
            Swatch::Marker(DARK, false),
            chart.observed_labels.1.clone(),
        ));
    }
    if let Some((at, label)) = &chart.marker {
        let (lo, hi) = p.y_range;
        p.layers.push(Layer::Dashed {
            pts: vec![(*at, lo), (*at, hi)],
            colour: GREY,
            width: 2,
        });
        legend.push(LegendItem::Entry(Swatch::Dashed(GREY, 2), label.clone()));
    }
    legend.extend(band_note(n));
    let figure = Chart::Figure(Figure {
        title: chart.title.clone(),
        subtitle: chart.subtitle.clone(),
        panels: vec![p],
        cols: 1,
        legend,
    });
    write_chart_formats(stem, &figure, dir, formats)
}
