//! Axes with explicitly chosen ticks: linear and logarithmic tick positions and the
//! coordinate type that places them.

use super::*;

/// Tick positions for a log axis: decades, plus 2 and 5 when few decades.
pub(crate) fn log_ticks(lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>) {
    let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let mults: &[f64] = if b - a <= 2 { &[1.0, 2.0, 5.0] } else { &[1.0] };
    let lights: &[f64] = if b - a <= 3 {
        &[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    } else {
        &[2.0, 5.0]
    };
    let mut bold = Vec::new();
    let mut light = Vec::new();
    for e in a..=b {
        let p = 10f64.powi(e);
        for k in 1..10 {
            let v = p * f64::from(k);
            if v < lo * (1.0 - 1e-9) || v > hi * (1.0 + 1e-9) {
                continue;
            }
            if mults.contains(&f64::from(k)) {
                bold.push(v);
            } else if lights.contains(&f64::from(k)) {
                light.push(v);
            }
        }
    }
    (bold, light)
}

/// A linear or logarithmic axis with explicitly chosen tick positions.
///
/// Why a custom coordinate: plotters' own tick choice can land on fractional
/// years ("1989.5") and crowds log axes; here every tick is decided by us, and
/// one type serves linear and log axes so a panel is built the same way.
#[derive(Debug, Clone)]
pub(crate) struct TickAxis {
    lo: f64,
    hi: f64,
    log: bool,
    pub(super) bold: Vec<f64>,
    light: Vec<f64>,
}

impl TickAxis {
    fn linear(lo: f64, hi: f64, bold: Vec<f64>) -> Self {
        Self {
            lo,
            hi,
            log: false,
            bold,
            light: Vec::new(),
        }
    }

    fn logarithmic(lo: f64, hi: f64) -> Self {
        let (bold, light) = log_ticks(lo, hi);
        Self {
            lo,
            hi,
            log: true,
            bold,
            light,
        }
    }

    fn frac(&self, v: f64) -> f64 {
        let t = if self.log {
            (v.max(f64::MIN_POSITIVE).ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        if t.is_finite() {
            t.clamp(-4.0, 5.0)
        } else {
            0.0
        }
    }
}

impl Ranged for TickAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = f64::from(limit.1 - limit.0);
        limit.0 + (self.frac(*v) * span).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// Up to `n` "nice" linear ticks in `[lo, hi]` (1/2/5 x 10^k steps).
pub(crate) fn linear_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let raw = span / n.max(1) as f64;
    let p = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| span / s <= n as f64 + 1e-9)
        .unwrap_or(10.0 * p);
    let first = (lo / step - 1e-9).ceil() * step;
    (0..)
        .map(|k| first + f64::from(k) * step)
        .take_while(|v| *v <= hi + step * 1e-9)
        .map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v })
        .collect()
}

/// Ticks at multiples of `step` within `[lo, hi]`.
pub(super) fn linear_ticks_step(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil() * step;
    (0..)
        .map(|k| first + f64::from(k) * step)
        .take_while(|v| *v <= hi + step * 1e-9)
        .map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v })
        .collect()
}

pub(super) fn x_axis(p: &Panel, plot_w: u32) -> TickAxis {
    let (x0, x1) = p.x_range;
    match p.x_scale {
        Scale::Log => TickAxis::logarithmic(x0, x1),
        Scale::Linear if p.x_years => {
            TickAxis::linear(x0, x1, year_ticks(x0, x1, (plot_w / 64) as usize))
        }
        Scale::Linear => TickAxis::linear(x0, x1, linear_ticks(x0, x1, (plot_w / 110) as usize)),
    }
}

pub(super) fn y_axis(p: &Panel, plot_h: u32) -> TickAxis {
    let (y0, y1) = p.y_range;
    match (&p.y_ticks, p.y_scale) {
        (Some(t), _) => TickAxis::linear(y0, y1, t.iter().map(|v| v.0).collect()),
        (None, Scale::Log) => TickAxis::logarithmic(y0, y1),
        (None, Scale::Linear) => {
            let max_n = (plot_h / 38).clamp(2, 9) as usize;
            match p.y_step {
                Some(step) if step > 0.0 => {
                    // Coarsen the fitted step on short panels, keeping the
                    // range on whole steps so both ends stay labelled.
                    let mut step = step;
                    while ((y1 - y0) / step).round() as usize > max_n {
                        step = nice_step(step * 1.5);
                    }
                    let lo = (y0 / step + 1e-9).floor() * step;
                    let hi = (y1 / step - 1e-9).ceil() * step;
                    TickAxis::linear(lo, hi, linear_ticks_step(lo, hi, step))
                }
                _ => TickAxis::linear(y0, y1, linear_ticks(y0, y1, max_n)),
            }
        }
    }
}
