//! A small figure engine for time-series charts: a title, a grid of panels
//! with lines, shaded bands, stacked areas and markers, and one shared legend
//! in a strip on the right.
//!
//! Why: most monotown charts are "a few lines per panel over 1989–2035". Doing
//! layout, year ticks, number formatting and legends once keeps every chart
//! consistent, and drawing the legend in its own strip (instead of plotters'
//! in-plot legend box) guarantees it never hides data. The engine is generic
//! over the plotters backend, so the same figure goes to PNG and SVG.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::Summary;
use super::style::{BLACK, DARK, GREY, LIGHT_GREY, WHITE, fmt_si, font, font_c, size, year_ticks};

mod axis;

pub(crate) use axis::{linear_ticks, log_ticks};
use axis::{x_axis, y_axis};

/// A drawing failure, converted to [`PlotError::Draw`](super::PlotError::Draw)
/// (with the chart name) by the caller.
#[derive(Debug)]
pub(crate) struct Fail(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for Fail {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        Fail(e.to_string())
    }
}

/// Scale of a y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    Linear,
    Log,
}

/// One drawable element of a panel, in data coordinates.
#[derive(Debug, Clone)]
pub(crate) enum Layer {
    /// Filled region between `upper` and `lower` (same x order).
    Fill {
        upper: Vec<(f64, f64)>,
        lower: Vec<(f64, f64)>,
        colour: RGBAColor,
    },
    /// Polyline.
    Line {
        pts: Vec<(f64, f64)>,
        colour: RGBColor,
        width: u32,
    },
    /// Circles with a dark outline; hollow when `filled` is false.
    Markers {
        pts: Vec<(f64, f64)>,
        colour: RGBColor,
        filled: bool,
        radius: u32,
    },
    /// Dashed polyline.
    Dashed {
        pts: Vec<(f64, f64)>,
        colour: RGBColor,
        width: u32,
    },
    /// Horizontal reference line across the panel.
    HLine { y: f64, colour: RGBColor },
    /// Text centred on a data point.
    Label {
        at: (f64, f64),
        text: String,
        colour: RGBColor,
    },
}

/// Legend sample drawn before a label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    Line(RGBColor, u32),
    Dashed(RGBColor, u32),
    /// Line over a light band: "median and 5–95 % band".
    LineBand(RGBColor, u32),
    Fill(RGBColor),
    Marker(RGBColor, bool),
    /// Small filled dot without outline.
    Dot(RGBColor),
}

/// One row of the legend strip.
#[derive(Debug, Clone)]
pub(crate) enum LegendItem {
    Header(String),
    Entry(Swatch, String),
    Note(String),
}

/// One panel of a figure: a time axis and a y axis.
#[derive(Debug, Clone)]
pub(crate) struct Panel {
    pub title: Option<String>,
    pub x_label: String,
    pub y_label: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub x_scale: Scale,
    pub y_scale: Scale,
    pub y_fmt: fn(f64) -> String,
    /// Explicit y ticks with labels (categorical axes); replaces `y_fmt`.
    pub y_ticks: Option<Vec<(f64, String)>>,
    /// Tick step of a linear y axis chosen by [`Panel::fit_y`]; the range
    /// starts and ends on a tick.
    pub y_step: Option<f64>,
    /// x axis is calendar time: integer-year ticks.
    pub x_years: bool,
    pub layers: Vec<Layer>,
}

impl Panel {
    /// A time panel with an automatic y range (call [`Panel::fit_y`] after
    /// adding layers).
    pub fn time(title: Option<String>, y_label: impl Into<String>, x_range: (f64, f64)) -> Self {
        Self {
            title,
            x_label: "Year".into(),
            y_label: y_label.into(),
            x_range,
            y_range: (0.0, 1.0),
            x_scale: Scale::Linear,
            y_scale: Scale::Linear,
            y_fmt: fmt_si,
            y_ticks: None,
            y_step: None,
            x_years: true,
            layers: Vec::new(),
        }
    }

    /// Sets the y range from the layers' data. Linear axes include 0 and end at
    /// a round number; log axes span whole decades.
    pub fn fit_y(&mut self) {
        let ys: Vec<f64> = self
            .layers
            .iter()
            .flat_map(|l| -> Box<dyn Iterator<Item = f64> + '_> {
                match l {
                    Layer::Fill { upper, lower, .. } => {
                        Box::new(upper.iter().chain(lower).map(|p| p.1))
                    }
                    Layer::Line { pts, .. }
                    | Layer::Markers { pts, .. }
                    | Layer::Dashed { pts, .. } => Box::new(pts.iter().map(|p| p.1)),
                    Layer::HLine { y, .. } => Box::new(std::iter::once(*y)),
                    Layer::Label { .. } => Box::new(std::iter::empty()),
                }
            })
            .filter(|v| v.is_finite())
            .collect();
        self.y_range = match self.y_scale {
            Scale::Linear => {
                let max = ys.iter().copied().fold(0.0, f64::max) * 1.03;
                let min = ys.iter().copied().fold(0.0, f64::min) * 1.03;
                if max - min <= 0.0 {
                    self.y_step = Some(0.25);
                    (0.0, 1.0)
                } else {
                    let step = nice_step((max - min) / 5.0);
                    self.y_step = Some(step);
                    ((min / step).floor() * step, (max / step).ceil() * step)
                }
            }
            Scale::Log => {
                let pos = ys.iter().copied().filter(|v| *v > 0.0);
                let min = pos.clone().fold(f64::INFINITY, f64::min);
                let max = pos.fold(0.0, f64::max);
                if max <= 0.0 {
                    (1.0, 10.0)
                } else {
                    let lo = 10f64.powf(min.log10().floor());
                    let mut hi = 10f64.powf(max.log10().ceil());
                    if hi <= lo {
                        hi = lo * 10.0;
                    }
                    (lo, hi)
                }
            }
        };
    }
}

/// The smallest 1/2/2.5/5 x 10^k step at or above `raw`.
pub(crate) fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * p)
}

/// Layers for a summarised series: a line for one replicate, or a light band
/// (5–95 %) under the median line for several. Gaps (`NaN`) split the line.
pub(crate) fn summary_layers(s: &Summary, colour: RGBColor, width: u32) -> Vec<Layer> {
    let mut out = Vec::new();
    if s.replicates > 1 {
        for seg in finite_runs(&s.x, &[&s.lo, &s.hi]) {
            out.push(Layer::Fill {
                upper: seg.iter().map(|&i| (s.x[i], s.hi[i])).collect(),
                lower: seg.iter().map(|&i| (s.x[i], s.lo[i])).collect(),
                colour: colour.mix(0.22),
            });
        }
    }
    for seg in finite_runs(&s.x, &[&s.median]) {
        out.push(Layer::Line {
            pts: seg.iter().map(|&i| (s.x[i], s.median[i])).collect(),
            colour,
            width,
        });
    }
    out
}

/// Stacked filled areas: `parts` are (values on `x`, colour) from the bottom
/// up; each part is drawn between the running total before and after it.
pub(crate) fn stacked_layers(x: &[f64], parts: &[(Vec<f64>, RGBColor)]) -> Vec<Layer> {
    let mut base = vec![0.0; x.len()];
    let mut out = Vec::new();
    for (vals, colour) in parts {
        let top: Vec<f64> = base
            .iter()
            .zip(vals)
            .map(|(b, v)| b + if v.is_finite() { v.max(0.0) } else { 0.0 })
            .collect();
        out.push(Layer::Fill {
            upper: x.iter().copied().zip(top.iter().copied()).collect(),
            lower: x.iter().copied().zip(base.iter().copied()).collect(),
            colour: colour.to_rgba(),
        });
        base = top;
    }
    out
}

/// Index runs where x and every given vector are finite.
fn finite_runs(x: &[f64], ys: &[&Vec<f64>]) -> Vec<Vec<usize>> {
    let mut runs = Vec::new();
    let mut cur = Vec::new();
    for i in 0..x.len() {
        if x[i].is_finite() && ys.iter().all(|y| y[i].is_finite()) {
            cur.push(i);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// A whole chart: title, optional subtitle, panels in a grid, legend strip.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    pub title: String,
    pub subtitle: Option<String>,
    pub panels: Vec<Panel>,
    pub cols: usize,
    pub legend: Vec<LegendItem>,
}

impl Figure {
    /// Draws the figure onto `root` (which it fills with white first).
    /// `raster` selects pixel-exact thick lines for bitmap output.
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        raster: bool,
    ) -> Result<(), Fail> {
        let body = draw_header(root, &self.title, self.subtitle.as_deref())?;
        let (plots, legend_area) = split_legend(&body, &self.legend)?;
        let cols = self.cols.clamp(1, self.panels.len().max(1));
        let rows = self.panels.len().div_ceil(cols).max(1);
        let cells = plots.split_evenly((rows, cols));
        let n = self.panels.len();
        let panels: Vec<Panel> = self
            .panels
            .iter()
            .enumerate()
            .map(|(i, panel)| {
                let mut p = panel.clone();
                if rows > 1 && i + cols < n && p.x_years {
                    // Only the bottom panel of a column names the shared time axis.
                    p.x_label.clear();
                }
                p
            })
            .collect();
        let mut y_area = 0;
        for (p, cell) in panels.iter().zip(&cells) {
            y_area = y_area.max(y_area_of(cell, p)?);
        }
        for (p, cell) in panels.iter().zip(&cells) {
            draw_panel(cell, p, raster, y_area)?;
        }
        if let Some(area) = legend_area {
            draw_legend(&area, &self.legend)?;
        }
        Ok(())
    }
}

/// Fills `root` white, draws title and subtitle, returns the area below them.
pub(crate) fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: Option<&str>,
) -> Result<DrawingArea<DB, Shift>, Fail> {
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let centre = Pos::new(HPos::Center, VPos::Top);
    root.draw_text(
        title,
        &font_c(size::TITLE, BLACK).pos(centre),
        (w as i32 / 2, 14),
    )?;
    let mut top = 14 + size::TITLE as i32 + 10;
    if let Some(sub) = subtitle {
        root.draw_text(
            sub,
            &font_c(size::SUBTITLE, GREY).pos(centre),
            (w as i32 / 2, top),
        )?;
        top += size::SUBTITLE as i32 + 10;
    }
    Ok(root.margin(top, 8, 8, 12))
}

/// Plot area and optional legend strip.
type Split<DB> = (DrawingArea<DB, Shift>, Option<DrawingArea<DB, Shift>>);

/// Splits off a right-hand legend strip sized to the longest label.
fn split_legend<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    legend: &[LegendItem],
) -> Result<Split<DB>, Fail> {
    if legend.is_empty() {
        return Ok((body.clone(), None));
    }
    let style = font(size::LEGEND);
    let mut widest = 0u32;
    for item in legend {
        let w = match item {
            LegendItem::Entry(_, t) => body.estimate_text_size(t, &style)?.0 + 58,
            LegendItem::Header(t) => body.estimate_text_size(t, &style)?.0,
            // Notes wrap, so they do not widen the strip.
            LegendItem::Note(_) => 0,
        };
        widest = widest.max(w);
    }
    let (w, _) = body.dim_in_pixel();
    let strip = (widest + 30).clamp(190, w / 3);
    let (plots, leg) = body.split_horizontally(w - strip);
    Ok((plots, Some(leg)))
}

/// Draws the legend rows from the top of `area`.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
) -> Result<(), Fail> {
    let (w, _) = area.dim_in_pixel();
    let left = Pos::new(HPos::Left, VPos::Center);
    let text = font_c(size::LEGEND, DARK).pos(left);
    let head = font_c(size::LEGEND, BLACK).pos(left);
    let note = font_c(size::LEGEND - 3.0, GREY).pos(left);
    let row = (size::LEGEND * 1.6) as i32;
    let mut y = 56;
    for (k, item) in items.iter().enumerate() {
        match item {
            LegendItem::Header(t) => {
                if k > 0 {
                    y += row / 2;
                }
                area.draw_text(t, &head, (6, y))?;
                area.draw(&PathElement::new(
                    vec![(6, y + row / 2 - 2), (w as i32 - 12, y + row / 2 - 2)],
                    LIGHT_GREY.stroke_width(1),
                ))?;
            }
            LegendItem::Entry(sw, t) => {
                draw_swatch(area, *sw, (8, y))?;
                area.draw_text(t, &text, (60, y))?;
            }
            LegendItem::Note(t) => {
                for line in wrap(area, t, &note, w.saturating_sub(14))? {
                    area.draw_text(&line, &note, (6, y))?;
                    y += row * 4 / 5;
                }
                y -= row * 4 / 5;
            }
        }
        y += row;
    }
    Ok(())
}

/// Greedy word wrap to a pixel width.
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: u32,
) -> Result<Vec<String>, Fail> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let trial = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if !cur.is_empty() && area.estimate_text_size(&trial, style)?.0 > width {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = trial;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    Ok(lines)
}

/// Draws a 44x20 px legend sample with its left edge at `x`, centred on `y`.
pub(crate) fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sw: Swatch,
    (x, y): (i32, i32),
) -> Result<(), Fail> {
    match sw {
        Swatch::Line(c, wd) => {
            area.draw(&PathElement::new(
                vec![(x, y), (x + 44, y)],
                c.stroke_width(wd.max(2)),
            ))?;
        }
        Swatch::Dashed(c, wd) => {
            for k in 0..3 {
                let a = x + k * 17;
                area.draw(&PathElement::new(
                    vec![(a, y), (a + 10, y)],
                    c.stroke_width(wd.max(2)),
                ))?;
            }
        }
        Swatch::LineBand(c, wd) => {
            area.draw(&Rectangle::new(
                [(x, y - 9), (x + 44, y + 9)],
                c.mix(0.22).filled(),
            ))?;
            area.draw(&PathElement::new(
                vec![(x, y), (x + 44, y)],
                c.stroke_width(wd.max(2)),
            ))?;
        }
        Swatch::Fill(c) => {
            area.draw(&Rectangle::new([(x, y - 10), (x + 44, y + 10)], c.filled()))?;
        }
        Swatch::Marker(c, filled) => {
            draw_marker(area, (x + 22, y), c, filled, 8)?;
        }
        Swatch::Dot(c) => {
            draw_marker(area, (x + 22, y), c, true, 5)?;
        }
    }
    Ok(())
}

/// A circle marker with a dark outline (hollow: white inside, coloured ring).
fn draw_marker<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    p: CT::From,
    c: RGBColor,
    filled: bool,
    r: u32,
) -> Result<(), Fail>
where
    CT::From: Clone,
{
    if filled && r <= 5 {
        area.draw(&Circle::new(p, r, c.filled()))?;
    } else if filled {
        area.draw(&Circle::new(p.clone(), r, c.filled()))?;
        area.draw(&Circle::new(p, r, BLACK.stroke_width(2)))?;
    } else {
        area.draw(&Circle::new(p.clone(), r, WHITE.filled()))?;
        area.draw(&Circle::new(p, r, c.stroke_width(3)))?;
    }
    Ok(())
}

/// Labels of the y ticks, as [`finish`] will print them.
fn y_label_of(p: &Panel, y: f64) -> String {
    match &p.y_ticks {
        Some(t) => t
            .iter()
            .find(|(v, _)| (v - y).abs() < 1e-9)
            .map(|(_, s)| s.clone())
            .unwrap_or_default(),
        None => (p.y_fmt)(y),
    }
}

/// Pixel heights reserved under a panel for x ticks (and the x description).
fn x_area_of(p: &Panel) -> u32 {
    if p.x_label.is_empty() { 40 } else { 64 }
}

/// Width needed left of the plot for y tick labels and the y description.
fn y_area_of<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> Result<u32, Fail> {
    let (_, h) = area.dim_in_pixel();
    let caption_h = if p.title.is_some() { 40 } else { 0 };
    let ya = y_axis(p, h.saturating_sub(x_area_of(p) + 16 + caption_h));
    let mut widest = 0;
    for v in &ya.bold {
        widest = widest.max(
            area.estimate_text_size(&y_label_of(p, *v), &font(size::TICK))?
                .0,
        );
    }
    let desc_w = if p.y_label.is_empty() {
        0
    } else {
        size::AXIS_DESC as u32 + 16
    };
    Ok(widest + 22 + desc_w)
}

/// Draws one panel into `area`; `y_area` is the width left of the plot
/// (shared by all panels of a figure so that their plots line up).
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Panel,
    raster: bool,
    y_area: u32,
) -> Result<(), Fail> {
    let (w, h) = area.dim_in_pixel();
    // The title is drawn in its own strip, with room below it for the half of the top
    // tick label that stands above the plot (plotters' caption leaves 5 px, and in a grid
    // of small panels the top label ran into the title).
    let caption_h = if p.title.is_some() { 40 } else { 0 };
    let plot_area = match &p.title {
        Some(t) => {
            let (strip, rest) = area.split_vertically(caption_h - 10);
            strip.draw_text(
                t,
                &font(size::PANEL_TITLE).pos(Pos::new(HPos::Center, VPos::Top)),
                (w as i32 / 2, 4),
            )?;
            rest
        }
        None => area.clone(),
    };
    let x_area = x_area_of(p);
    let ya = y_axis(p, h.saturating_sub(x_area + 16 + caption_h));
    let mut b = ChartBuilder::on(&plot_area);
    b.margin_top(if p.title.is_some() { 16 } else { 6 })
        .margin_bottom(4)
        .margin_left(4)
        .margin_right(26)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area);
    let xa = x_axis(p, w.saturating_sub(y_area + 30));
    finish(b.build_cartesian_2d(xa, ya)?, p, raster)
}

/// Draws the mesh and layers of a built chart.
pub(crate) fn finish<DB, X, Y>(
    mut chart: ChartContext<'_, DB, Cartesian2d<X, Y>>,
    p: &Panel,
    raster: bool,
) -> Result<(), Fail>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let years = p.x_years;
    let xfmt = |x: &f64| {
        if years { format!("{x:.0}") } else { fmt_si(*x) }
    };
    let yfmt = |y: &f64| y_label_of(p, *y);
    // Shrink the (rotated) y description until it fits the plot height.
    let (_, plot_h) = chart.plotting_area().dim_in_pixel();
    let mut desc_px = size::AXIS_DESC;
    while desc_px > 14.0
        && chart
            .plotting_area()
            .estimate_text_size(&p.y_label, &font(desc_px))?
            .0
            > plot_h
    {
        desc_px -= 1.0;
    }
    chart
        .configure_mesh()
        .x_desc(p.x_label.as_str())
        .y_desc(p.y_label.as_str())
        .axis_desc_style(font(desc_px))
        .label_style(font(size::TICK))
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .y_labels(7)
        .bold_line_style(LIGHT_GREY.mix(0.7))
        .light_line_style(LIGHT_GREY.mix(0.25))
        .axis_style(GREY.stroke_width(1))
        .draw()?;
    let (x0, x1) = p.x_range;
    let log = p.y_scale == Scale::Log;
    let xlog = p.x_scale == Scale::Log;
    let fix = |v: f64| if log { v.max(p.y_range.0) } else { v };
    let shown = |&(x, y): &(f64, f64)| (!log || y > 0.0) && (!xlog || x > 0.0);
    for layer in &p.layers {
        match layer {
            Layer::Fill {
                upper,
                lower,
                colour,
            } => {
                // On a log axis, drop the stretch where the region is empty
                // (upper <= 0) instead of smearing it along the axis floor.
                let keep: Vec<usize> = (0..upper.len().min(lower.len()))
                    .filter(|&i| !log || upper[i].1 > 0.0)
                    .collect();
                let mut pts: Vec<(f64, f64)> = keep
                    .iter()
                    .map(|&i| (upper[i].0, fix(upper[i].1)))
                    .collect();
                pts.extend(keep.iter().rev().map(|&i| (lower[i].0, fix(lower[i].1))));
                chart.draw_series(std::iter::once(Polygon::new(pts, colour.filled())))?;
            }
            Layer::Line { pts, colour, width } if raster && *width > 1 => {
                // plotters fills thick polylines as polygons with rounded
                // vertices, which leaves a saw-tooth on dense monthly data;
                // stamping 1-px lines with a small round brush looks clean.
                let area = chart.plotting_area().strip_coord_spec();
                let (bx, by) = area.get_base_pixel();
                let pix: Vec<(i32, i32)> = pts
                    .iter()
                    .filter(|q| shown(q))
                    .map(|q| {
                        let (x, y) = chart.backend_coord(q);
                        (x - bx, y - by)
                    })
                    .collect();
                let mut dedup: Vec<(i32, i32)> = Vec::with_capacity(pix.len());
                for q in pix {
                    if dedup.last() != Some(&q) {
                        dedup.push(q);
                    }
                }
                for (dx, dy) in brush(*width) {
                    area.draw(&PathElement::new(
                        dedup
                            .iter()
                            .map(|&(x, y)| (x + dx, y + dy))
                            .collect::<Vec<_>>(),
                        colour.stroke_width(1),
                    ))?;
                }
            }
            Layer::Line { pts, colour, width } => {
                let pts: Vec<(f64, f64)> = pts.iter().filter(|q| shown(q)).copied().collect();
                chart.draw_series(std::iter::once(PathElement::new(
                    pts,
                    colour.stroke_width(*width),
                )))?;
            }
            Layer::Dashed { pts, colour, width } => {
                let pts: Vec<(f64, f64)> = pts.iter().filter(|q| shown(q)).copied().collect();
                chart.draw_series(DashedLineSeries::new(
                    pts,
                    14,
                    9,
                    colour.stroke_width(*width),
                ))?;
            }
            Layer::Label { at, text, colour } => {
                let style = font_c(size::LEGEND, *colour).pos(Pos::new(HPos::Center, VPos::Center));
                chart.draw_series(std::iter::once(Text::new(text.clone(), *at, style)))?;
            }
            Layer::Markers {
                pts,
                colour,
                filled,
                radius,
            } => {
                let area = chart.plotting_area();
                for &(x, y) in pts {
                    if x >= x0 && x <= x1 && shown(&(x, y)) {
                        draw_marker(area, (x, y), *colour, *filled, *radius)?;
                    }
                }
            }
            Layer::HLine { y, colour } => {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x0, *y), (x1, *y)],
                    colour.stroke_width(2),
                )))?;
            }
        }
    }
    Ok(())
}

/// Pixel offsets of a round brush `width` pixels across.
fn brush(width: u32) -> Vec<(i32, i32)> {
    let w = width.clamp(1, 12) as i32;
    let c = f64::from(w - 1) / 2.0;
    let r2 = (f64::from(w) / 2.0).powi(2) + 0.25;
    let base = c.floor() as i32;
    let mut out = Vec::new();
    for i in 0..w {
        for j in 0..w {
            if (f64::from(i) - c).powi(2) + (f64::from(j) - c).powi(2) <= r2 {
                out.push((i - base, j - base));
            }
        }
    }
    out
}

/// Grid shape for `n` small multiples on a wide canvas.
pub(crate) fn grid_cols(n: usize) -> usize {
    match n {
        0..=3 => 1,
        4..=6 => 2,
        7..=9 => 3,
        _ => 4,
    }
}

/// Legend rows describing the band convention, when replicates > 1.
pub(crate) fn band_note(replicates: usize) -> Option<LegendItem> {
    (replicates > 1).then(|| {
        LegendItem::Note(format!(
            "Lines: median of {replicates} runs; shading: 5–95% range."
        ))
    })
}
