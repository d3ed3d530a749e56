//! Origin–destination heat map of yearly migrants.
//!
//! Why hand-drawn instead of a plotters chart: a matrix needs text labels on
//! both axes, per-cell labels whose colour follows the cell, and a colour bar;
//! laying these out in pixels is simpler and more predictable than bending a
//! cartesian chart into a table. Flows span orders of magnitude (hub flows vs
//! town-to-town), so the colour scale turns logarithmic when the range is wide.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::OdMatrix;
use super::figure::{Fail, draw_header, linear_ticks, log_ticks};
use super::style::{BLACK, DARK, GREY, WHITE, fmt_si, font_c, size};

/// An OD matrix chart of one year.
pub(crate) struct OdChart {
    pub year: i32,
    pub m: OdMatrix,
}

/// Light-to-dark blue ramp (ColorBrewer "Blues").
const RAMP: [(u8, u8, u8); 6] = [
    (222, 235, 247),
    (175, 208, 231),
    (107, 174, 214),
    (49, 130, 189),
    (8, 81, 156),
    (8, 38, 94),
];

fn ramp(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let f = t * (RAMP.len() - 1) as f64;
    let i = (f.floor() as usize).min(RAMP.len() - 2);
    let u = f - i as f64;
    let (a, b) = (RAMP[i], RAMP[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + u * (f64::from(q) - f64::from(p))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Maps counts to [0, 1], linearly or on a log scale.
struct ColourScale {
    log: bool,
    lo: f64,
    hi: f64,
}

impl ColourScale {
    fn new(values: &[f64]) -> Self {
        let pos: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| v.is_finite() && *v > 0.0)
            .collect();
        let max = pos.iter().copied().fold(0.0, f64::max);
        let min = pos.iter().copied().fold(f64::INFINITY, f64::min);
        if max <= 0.0 {
            return Self {
                log: false,
                lo: 0.0,
                hi: 1.0,
            };
        }
        if max / min >= 30.0 {
            Self {
                log: true,
                lo: 10f64.powf(min.log10().floor()),
                hi: 10f64.powf(max.log10().ceil()),
            }
        } else {
            Self {
                log: false,
                lo: 0.0,
                hi: max,
            }
        }
    }

    fn t(&self, v: f64) -> f64 {
        if self.log {
            (v.max(self.lo).log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }

    fn ticks(&self) -> Vec<f64> {
        if self.log {
            log_ticks(self.lo, self.hi).0
        } else {
            linear_ticks(self.lo, self.hi, 6)
        }
    }
}

/// Splits a label into at most two lines that fit `width` pixels, if possible.
fn fit_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    width: u32,
) -> Result<Vec<String>, Fail> {
    if area.estimate_text_size(text, style)?.0 <= width {
        return Ok(vec![text.to_string()]);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut best: Option<(u32, Vec<String>)> = None;
    for k in 1..words.len() {
        let a = words[..k].join(" ");
        let b = words[k..].join(" ");
        let w = area
            .estimate_text_size(&a, style)?
            .0
            .max(area.estimate_text_size(&b, style)?.0);
        if best.as_ref().is_none_or(|(bw, _)| w < *bw) {
            best = Some((w, vec![a, b]));
        }
    }
    Ok(best.map_or_else(|| vec![text.to_string()], |b| b.1))
}

impl OdChart {
    /// Draws the heat map.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), Fail> {
        // Cells are axis-aligned rectangles: raster and vector output agree.
        let m = &self.m;
        let all: Vec<f64> = m
            .counts
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                r.iter()
                    .enumerate()
                    .filter(move |(j, _)| m.origins[i] != m.destinations[*j])
                    .map(|(_, v)| *v)
            })
            .collect();
        let scale = ColourScale::new(&all);
        let sub = format!(
            "Migrants per year from origin (row) to destination (column); colour scale is {}",
            if scale.log { "logarithmic" } else { "linear" }
        );
        let body = draw_header(
            root,
            &format!("Migration flows between towns, {}", self.year),
            Some(&sub),
        )?;
        let (bw, bh) = body.dim_in_pixel();
        let (bw, bh) = (bw as i32, bh as i32);
        let lab = font_c(size::TICK + 1.0, DARK);
        let desc = font_c(size::AXIS_DESC, BLACK);
        let (no, nd) = (
            m.origins.len().max(1) as i32,
            m.destinations.len().max(1) as i32,
        );

        let mut row_w = 0;
        for o in &m.origins {
            row_w = row_w.max(body.estimate_text_size(o, &lab)?.0 as i32);
        }
        let desc_w = 46;
        let bar_space = 190;
        let col_lab_h = 2 * (size::TICK as i32 + 8) + 50;
        let gx_min = desc_w + row_w + 16;
        let avail_w = bw - gx_min - bar_space;
        let avail_h = bh - 20 - col_lab_h;
        let cell_w = (avail_w / nd).clamp(20, 230);
        let cell_h = (avail_h / no).clamp(14, 120);
        let grid_w = cell_w * nd;
        let grid_h = cell_h * no;
        // Centre the whole block (labels + grid + bar) horizontally.
        let block = gx_min + grid_w + bar_space;
        let shift = ((bw - block) / 2).max(0);
        let gx0 = gx_min + shift;
        // Centre grid plus column labels vertically.
        let gy0 = ((bh - grid_h - col_lab_h) / 2).max(20);

        let cell_font = size::CELL + if cell_h >= 60 { 3.0 } else { 0.0 };
        let show_text = cell_w >= 44 && cell_h >= 22;
        for (i, row) in m.counts.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let x0 = gx0 + j as i32 * cell_w;
                let y0 = gy0 + i as i32 * cell_h;
                let same = m.origins[i] == m.destinations[j];
                let (fill, text, tc) = if same {
                    (RGBColor(240, 240, 240), "–".to_string(), GREY)
                } else if !v.is_finite() {
                    (RGBColor(250, 250, 250), "n/a".to_string(), GREY)
                } else if v <= 0.0 {
                    (RGBColor(250, 250, 250), "0".to_string(), GREY)
                } else {
                    let t = scale.t(v);
                    (ramp(t), fmt_count(v), if t > 0.5 { WHITE } else { BLACK })
                };
                body.draw(&Rectangle::new(
                    [(x0, y0), (x0 + cell_w, y0 + cell_h)],
                    fill.filled(),
                ))?;
                body.draw(&Rectangle::new(
                    [(x0, y0), (x0 + cell_w, y0 + cell_h)],
                    WHITE.stroke_width(2),
                ))?;
                if show_text {
                    body.draw_text(
                        &text,
                        &font_c(cell_font, tc).pos(Pos::new(HPos::Center, VPos::Center)),
                        (x0 + cell_w / 2, y0 + cell_h / 2),
                    )?;
                }
            }
        }
        // Row labels, right-aligned next to the grid.
        let right = lab.pos(Pos::new(HPos::Right, VPos::Center));
        for (i, o) in m.origins.iter().enumerate() {
            body.draw_text(o, &right, (gx0 - 12, gy0 + i as i32 * cell_h + cell_h / 2))?;
        }
        // Column labels under the grid, wrapped to two lines when needed.
        let top = lab.pos(Pos::new(HPos::Center, VPos::Top));
        let line_h = size::TICK as i32 + 6;
        let mut lines_max = 1;
        for (j, d) in m.destinations.iter().enumerate() {
            let lines = fit_label(&body, d, &lab, (cell_w - 6).max(10) as u32)?;
            lines_max = lines_max.max(lines.len() as i32);
            for (k, l) in lines.iter().enumerate() {
                body.draw_text(
                    l,
                    &top,
                    (
                        gx0 + j as i32 * cell_w + cell_w / 2,
                        gy0 + grid_h + 10 + k as i32 * line_h,
                    ),
                )?;
            }
        }
        // Axis titles.
        body.draw_text(
            "Destination",
            &desc.pos(Pos::new(HPos::Center, VPos::Top)),
            (gx0 + grid_w / 2, gy0 + grid_h + 18 + lines_max * line_h),
        )?;
        body.draw_text(
            "Origin",
            &desc
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Center)),
            (gx0 - row_w - 16 - desc_w / 2, gy0 + grid_h / 2),
        )?;
        // Colour bar.
        let bx = gx0 + grid_w + 50;
        let bar_h = grid_h.max(240).min(bh - gy0 - 40);
        let by = gy0;
        let steps = 120;
        for s in 0..steps {
            let t0 = s as f64 / steps as f64;
            let y_top = by + bar_h - ((s + 1) * bar_h) / steps;
            let y_bot = by + bar_h - (s * bar_h) / steps;
            body.draw(&Rectangle::new(
                [(bx, y_top), (bx + 28, y_bot)],
                ramp(t0 + 0.5 / steps as f64).filled(),
            ))?;
        }
        body.draw(&Rectangle::new(
            [(bx, by), (bx + 28, by + bar_h)],
            GREY.stroke_width(1),
        ))?;
        let tick = font_c(size::TICK, DARK).pos(Pos::new(HPos::Left, VPos::Center));
        for v in scale.ticks() {
            let t = scale.t(v);
            if !(-1e-9..=1.0 + 1e-9).contains(&t) {
                continue;
            }
            let y = by + bar_h - (t * bar_h as f64).round() as i32;
            body.draw(&PathElement::new(
                vec![(bx + 28, y), (bx + 36, y)],
                GREY.stroke_width(1),
            ))?;
            body.draw_text(&fmt_si(v), &tick, (bx + 40, y))?;
        }
        body.draw_text(
            "migrants / year",
            &font_c(size::TICK, DARK).pos(Pos::new(HPos::Left, VPos::Top)),
            (bx - 10, by + bar_h + 12),
        )?;
        Ok(())
    }
}

/// Cell label: exact up to 9 999, then compact ("12.5k").
fn fmt_count(v: f64) -> String {
    if v.abs() < 10_000.0 {
        format!("{:.0}", v)
    } else {
        fmt_si(v)
    }
}
