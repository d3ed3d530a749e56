//! Bar charts of sensitivity indices (PNG and SVG), drawn with plotters.
//!
//! Text uses the DejaVu Sans font embedded by the plot module (`assets/fonts/`, registered
//! with plotters' `ab_glyph` backend), so charts need no system fonts.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::report::Figure;
use super::summary::SensitivityRow;

/// Font family name the charts use (registered by the plot module).
pub const FONT: &str = "sans-serif";

/// Register the embedded font with plotters (once per process), as the plot module does.
pub fn ensure_font() -> Result<(), String> {
    crate::plot::ensure_font().map_err(|e| e.to_string())
}

/// One bar series: label, value and confidence half-width per parameter.
type Bars = (&'static str, RGBColor, Vec<(f64, Option<f64>)>);

/// Draw `sensitivity_<metric>.png` and `.svg` in `out`: Morris `mu*` (with its 95 % interval)
/// and `sigma`, or Sobol' first- and total-order indices with their intervals, one band per
/// parameter.
pub fn sensitivity_chart(
    out: &Path,
    metric: &str,
    rows: &[SensitivityRow],
) -> Result<Figure, String> {
    ensure_font()?;
    if rows.is_empty() {
        return Err("no indices to draw".into());
    }
    let names: Vec<&str> = rows.iter().map(|r| r.parameter.as_str()).collect();
    let (title, series): (String, [Bars; 2]) = if rows[0].method == "morris" {
        (
            format!("Morris screening of {metric}"),
            [
                (
                    "μ* (95% CI)",
                    RGBColor(31, 119, 180),
                    rows.iter()
                        .map(|r| {
                            r.morris
                                .map(|m| (m.mu_star, Some(m.mu_star_conf)))
                                .unwrap_or((0.0, None))
                        })
                        .collect(),
                ),
                (
                    "σ",
                    RGBColor(255, 127, 14),
                    rows.iter()
                        .map(|r| r.morris.map(|m| (m.sigma, None)).unwrap_or((0.0, None)))
                        .collect(),
                ),
            ],
        )
    } else {
        (
            format!("Sobol' indices of {metric}"),
            [
                (
                    "first order S1 (95% CI)",
                    RGBColor(31, 119, 180),
                    rows.iter()
                        .map(|r| {
                            r.sobol
                                .map(|s| (s.s1, Some(s.s1_conf)))
                                .unwrap_or((0.0, None))
                        })
                        .collect(),
                ),
                (
                    "total order ST (95% CI)",
                    RGBColor(255, 127, 14),
                    rows.iter()
                        .map(|r| {
                            r.sobol
                                .map(|s| (s.st, Some(s.st_conf)))
                                .unwrap_or((0.0, None))
                        })
                        .collect(),
                ),
            ],
        )
    };
    let height = 140 + 70 * names.len() as u32;
    let png = out.join(format!("sensitivity_{metric}.png"));
    let svg = out.join(format!("sensitivity_{metric}.svg"));
    draw(
        BitMapBackend::new(&png, (960, height)).into_drawing_area(),
        &title,
        &names,
        &series,
    )
    .map_err(|e| format!("{}: {e}", png.display()))?;
    draw(
        SVGBackend::new(&svg, (960, height)).into_drawing_area(),
        &title,
        &names,
        &series,
    )
    .map_err(|e| format!("{}: {e}", svg.display()))?;
    Ok(Figure {
        title,
        path: format!("sensitivity_{metric}.png"),
        caption: format!("Also as sensitivity_{metric}.svg; values in sensitivity.csv."),
    })
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    names: &[&str],
    series: &[Bars; 2],
) -> Result<(), Box<dyn std::error::Error + 'static>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let k = names.len() as f64;
    let hi = series
        .iter()
        .flat_map(|s| s.2.iter().map(|(v, c)| v + c.unwrap_or(0.0)))
        .fold(0.0f64, f64::max);
    let lo = series
        .iter()
        .flat_map(|s| s.2.iter().map(|(v, c)| v - c.unwrap_or(0.0)))
        .fold(0.0f64, f64::min);
    let span = (hi - lo).max(1e-12);
    let (x0, x1) = (lo - 0.02 * span, hi + 0.08 * span);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(10)
        .build_cartesian_2d(x0..x1, 0.0..k)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_label_style((FONT, 14))
        .x_desc("index value")
        .axis_desc_style((FONT, 15))
        .draw()?;
    let label_style = TextStyle::from((FONT, 15).into_font()).color(&BLACK);
    for (i, name) in names.iter().enumerate() {
        let top = k - i as f64;
        chart.draw_series(std::iter::once(Text::new(
            name.to_string(),
            (x0 + 0.01 * span, top - 0.08),
            label_style.clone(),
        )))?;
    }
    for (s, (label, color, values)) in series.iter().enumerate() {
        let color = *color;
        let band = |i: usize| {
            let top = k - i as f64 - 0.38 - 0.28 * s as f64;
            (top - 0.22, top)
        };
        chart
            .draw_series(values.iter().enumerate().map(|(i, (v, _))| {
                let (y0, y1) = band(i);
                Rectangle::new([(0.0, y0), (*v, y1)], color.filled())
            }))?
            .label(*label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
        chart.draw_series(values.iter().enumerate().filter_map(|(i, (v, c))| {
            let c = (*c)?;
            let (y0, y1) = band(i);
            let ym = 0.5 * (y0 + y1);
            Some(PathElement::new(
                vec![(v - c, ym), (v + c, ym)],
                BLACK.stroke_width(2),
            ))
        }))?;
        chart.draw_series(values.iter().enumerate().filter_map(|(i, (v, c))| {
            let c = (*c)?;
            let (y0, y1) = band(i);
            Some(PathElement::new(
                vec![(v + c, y0), (v + c, y1)],
                BLACK.stroke_width(2),
            ))
        }))?;
    }
    chart
        .configure_series_labels()
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    root.present()?;
    Ok(())
}
