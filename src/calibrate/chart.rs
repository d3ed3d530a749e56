//! Charts of a calibration (PNG and SVG, drawn with plotters): per parameter, the
//! weighted marginal histogram of the last generation against the prior density; epsilon
//! by generation; and, with two or more parameters, a scatter of the first two parameters
//! with point size growing with the weight. Each file is written atomically (drawn
//! under a temporary name, then renamed).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::abc::{Generation, weighted_quantile};
use super::prior::Prior;
use crate::batch::chart::{FONT, ensure_font};
use crate::batch::report::Figure;
use crate::output::write_atomic;

type DrawResult = Result<(), Box<dyn std::error::Error + 'static>>;

/// Points of the prior density curve.
const PRIOR_POINTS: usize = 200;
const BLUE: RGBColor = RGBColor(31, 119, 180);
const ORANGE: RGBColor = RGBColor(255, 127, 14);

/// A chart that can draw itself on any plotters backend.
trait Chart {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Draw `chart` to `dir/<stem>.png` and `dir/<stem>.svg`, each under a temporary name
/// first, then renamed.
fn save<C: Chart>(dir: &Path, stem: &str, size: (u32, u32), chart: &C) -> Result<(), String> {
    let png = dir.join(format!("{stem}.png"));
    // The bitmap encoder picks the format by extension, so the temporary name ends in .png.
    let tmp = dir.join(format!("{stem}.tmp.png"));
    chart
        .draw(BitMapBackend::new(&tmp, size).into_drawing_area())
        .map_err(|e| format!("{}: {e}", png.display()))?;
    std::fs::rename(&tmp, &png).map_err(|e| format!("{}: {e}", png.display()))?;
    let svg = dir.join(format!("{stem}.svg"));
    let mut text = String::new();
    chart
        .draw(SVGBackend::with_string(&mut text, size).into_drawing_area())
        .map_err(|e| format!("{}: {e}", svg.display()))?;
    write_atomic(&svg, text.as_bytes()).map_err(|e| format!("{}: {e}", svg.display()))
}

/// A file-name-safe form of a parameter column (`key` or `key@scenario`).
pub fn file_stem(column: &str) -> String {
    column
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// One parameter's marginal: weighted histogram (as a density) and the prior density.
struct Marginal<'a> {
    name: &'a str,
    prior: Prior,
    values: Vec<f64>,
    weights: Vec<f64>,
}

impl Marginal<'_> {
    /// Plotted range: the prior's support where finite, widened to hold every particle.
    fn range(&self) -> (f64, f64) {
        let (mut lo, mut hi) = match self.prior {
            Prior::Normal { mean, sd } => (mean - 4.0 * sd, mean + 4.0 * sd),
            p => p.support(),
        };
        for &v in &self.values {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if hi - lo <= 0.0 {
            let pad = lo.abs().max(1.0) * 0.01;
            (lo - pad, hi + pad)
        } else {
            (lo, hi)
        }
    }

    /// Bin edges start and width, and the density height of each bin (area 1).
    fn histogram(&self) -> (f64, f64, Vec<f64>) {
        let (lo, hi) = self.range();
        let bins = ((self.values.len() as f64).sqrt().ceil() as usize).clamp(5, 40);
        let width = (hi - lo) / bins as f64;
        let mut h = vec![0.0; bins];
        let total: f64 = self.weights.iter().sum();
        for (v, w) in self.values.iter().zip(&self.weights) {
            let b = (((v - lo) / width) as usize).min(bins - 1);
            h[b] += w;
        }
        if total > 0.0 {
            h.iter_mut().for_each(|x| *x /= total * width);
        }
        (lo, width, h)
    }

    /// The prior density on the plotted range, normalised there (trapezoid rule).
    fn prior_curve(&self) -> Vec<(f64, f64)> {
        let (lo, hi) = self.range();
        let step = (hi - lo) / (PRIOR_POINTS - 1) as f64;
        let mut pts: Vec<(f64, f64)> = (0..PRIOR_POINTS)
            .map(|i| {
                let x = lo + step * i as f64;
                (x, self.prior.density(x))
            })
            .collect();
        let area: f64 = pts.windows(2).map(|w| 0.5 * (w[0].1 + w[1].1) * step).sum();
        if area > 0.0 {
            pts.iter_mut().for_each(|p| p.1 /= area);
        }
        pts
    }
}

impl Chart for Marginal<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (lo, width, h) = self.histogram();
        let curve = self.prior_curve();
        let top = h
            .iter()
            .copied()
            .chain(curve.iter().map(|p| p.1))
            .fold(0.0f64, f64::max)
            .max(1e-12)
            * 1.1;
        let hi = lo + width * h.len() as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("Posterior of {}", self.name), (FONT, 20))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(lo..hi, 0.0..top)?;
        chart
            .configure_mesh()
            .x_label_style((FONT, 13))
            .y_label_style((FONT, 13))
            .x_desc(self.name)
            .y_desc("density")
            .axis_desc_style((FONT, 14))
            .draw()?;
        chart
            .draw_series(h.iter().enumerate().map(|(i, &y)| {
                let x0 = lo + width * i as f64;
                Rectangle::new([(x0, 0.0), (x0 + width, y)], BLUE.mix(0.6).filled())
            }))?
            .label("last generation (weighted)")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], BLUE.mix(0.6).filled()));
        chart
            .draw_series(LineSeries::new(curve, ORANGE.stroke_width(2)))?
            .label("prior")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], ORANGE.stroke_width(2)));
        let med = weighted_quantile(&self.values, &self.weights, 0.5);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(med, 0.0), (med, top)],
                BLACK.stroke_width(1),
            )))?
            .label("weighted median")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK.stroke_width(1)));
        chart
            .configure_series_labels()
            .label_font((FONT, 13))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
        root.present()?;
        Ok(())
    }
}

/// Epsilon of each generation after the first (whose epsilon is infinite).
struct Epsilons(Vec<(u32, f64)>);

impl Chart for Epsilons {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let first = self.0.first().map_or(0, |p| p.0);
        let last = self.0.last().map_or(1, |p| p.0).max(first + 1);
        let top = self.0.iter().map(|p| p.1).fold(0.0f64, f64::max).max(1e-12) * 1.1;
        let mut chart = ChartBuilder::on(&root)
            .caption("Epsilon by generation", (FONT, 20))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(first as f64 - 0.5..last as f64 + 0.5, 0.0..top)?;
        chart
            .configure_mesh()
            .x_label_style((FONT, 13))
            .y_label_style((FONT, 13))
            .x_labels((last - first + 2) as usize)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .x_desc("generation")
            .y_desc("epsilon (distance threshold)")
            .axis_desc_style((FONT, 14))
            .draw()?;
        let pts: Vec<(f64, f64)> = self.0.iter().map(|&(g, e)| (g as f64, e)).collect();
        chart.draw_series(LineSeries::new(pts.clone(), BLUE.stroke_width(2)))?;
        chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 4, BLUE.filled())))?;
        root.present()?;
        Ok(())
    }
}

/// The first two parameters of the last generation, point size growing with weight.
struct Pairs<'a> {
    names: [&'a str; 2],
    points: Vec<(f64, f64, f64)>,
    ranges: [(f64, f64); 2],
}

impl Chart for Pairs<'_> {
    fn draw<DB: DrawingBackend>(&self, root: DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let [(x0, x1), (y0, y1)] = self.ranges;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{} vs {} (last generation)", self.names[1], self.names[0]),
                (FONT, 20),
            )
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_label_style((FONT, 13))
            .y_label_style((FONT, 13))
            .x_desc(self.names[0])
            .y_desc(self.names[1])
            .axis_desc_style((FONT, 14))
            .draw()?;
        let wmax = self.points.iter().map(|p| p.2).fold(0.0f64, f64::max);
        chart.draw_series(self.points.iter().map(|&(x, y, w)| {
            let r = if wmax > 0.0 {
                2.0 + 10.0 * (w / wmax).sqrt()
            } else {
                4.0
            };
            Circle::new((x, y), r.round() as i32, BLUE.mix(0.45).filled())
        }))?;
        root.present()?;
        Ok(())
    }
}

/// What the charts need of a calibration.
pub struct ChartInput<'a> {
    /// Output column name of each parameter.
    pub names: &'a [String],
    /// Prior of each parameter.
    pub priors: &'a [Prior],
    /// Complete generations, in order.
    pub generations: &'a [&'a Generation],
}

/// Draw every chart of a calibration into `dir`; the figures in report order.
pub fn draw_charts(dir: &Path, input: &ChartInput) -> Result<Vec<Figure>, String> {
    ensure_font()?;
    let Some(last) = input.generations.last() else {
        return Ok(Vec::new());
    };
    let mut figures = Vec::new();
    let weights: Vec<f64> = last.particles.iter().map(|p| p.weight).collect();
    let values = |i: usize| -> Vec<f64> { last.particles.iter().map(|p| p.theta[i]).collect() };
    let mut marginals = Vec::new();
    for (i, name) in input.names.iter().enumerate() {
        let m = Marginal {
            name,
            prior: input.priors[i],
            values: values(i),
            weights: weights.clone(),
        };
        let stem = format!("posterior_{}", file_stem(name));
        save(dir, &stem, (800, 500), &m)?;
        figures.push(Figure {
            title: format!("Posterior of {name}"),
            path: format!("{stem}.png"),
            caption: format!(
                "Weighted histogram of generation {} (density) against the prior density; also as {stem}.svg.",
                last.index
            ),
        });
        marginals.push(m.range());
    }
    let eps: Vec<(u32, f64)> = input
        .generations
        .iter()
        .filter_map(|g| g.epsilon.filter(|e| e.is_finite()).map(|e| (g.index, e)))
        .collect();
    if !eps.is_empty() {
        save(dir, "epsilon", (800, 450), &Epsilons(eps))?;
        figures.push(Figure {
            title: "Epsilon by generation".into(),
            path: "epsilon.png".into(),
            caption: "The acceptance threshold of each generation after the first (generation 0 samples the prior, epsilon infinite); also as epsilon.svg.".into(),
        });
    }
    if input.names.len() >= 2 {
        let (a, b) = (values(0), values(1));
        let p = Pairs {
            names: [&input.names[0], &input.names[1]],
            points: a
                .iter()
                .zip(&b)
                .zip(&weights)
                .map(|((&x, &y), &w)| (x, y, w))
                .collect(),
            ranges: [marginals[0], marginals[1]],
        };
        save(dir, "pairs", (800, 700), &p)?;
        figures.push(Figure {
            title: format!("{} against {}", input.names[1], input.names[0]),
            path: "pairs.png".into(),
            caption: format!(
                "Particles of generation {}, point size growing with weight, axes over the prior supports; also as pairs.svg.",
                last.index
            ),
        });
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_a_density_and_the_prior_curve_integrates_to_one() {
        let m = Marginal {
            name: "x",
            prior: Prior::Uniform {
                low: 0.0,
                high: 2.0,
            },
            values: vec![0.1, 0.5, 1.5, 1.9],
            weights: vec![0.1, 0.2, 0.3, 0.4],
        };
        let (lo, width, h) = m.histogram();
        assert_eq!(lo, 0.0);
        let area: f64 = h.iter().map(|x| x * width).sum();
        assert!((area - 1.0).abs() < 1e-12, "{area}");
        let c = m.prior_curve();
        assert!((c[0].1 - 0.5).abs() < 1e-9, "{:?}", c[0]);
        // The last bin holds the largest value.
        assert!(h[h.len() - 1] > 0.0);
    }

    #[test]
    fn stems_are_file_safe() {
        assert_eq!(
            file_stem("town.Biysk.amenity@biysk x/y"),
            "town.Biysk.amenity_biysk_x_y"
        );
    }
}
