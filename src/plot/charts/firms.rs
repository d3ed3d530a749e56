//! Charts of firms, clusters, firm sizes and the monotown status (all selected towns).

use super::*;

/// 7a. Firm counts by kind (log lines) and by sector (stacked), all selected towns.
pub(super) fn firms(c: &Ctx) -> Result<Figure, PlotError> {
    let mut a = Panel::time(Some("By kind".into()), "Live firms (log scale)", c.x_range);
    a.y_scale = Scale::Log;
    let mut legend = vec![LegendItem::Header("Kind (left)".into())];
    for kind in firm_kinds() {
        let parts: Vec<Series> = c
            .agents
            .iter()
            .map(|&t| c.col(t, &towns::FIRMS_KIND.name(kind)))
            .collect::<Result<_, _>>()?;
        let refs: Vec<&Series> = parts.iter().collect();
        let total = Series::sum_all(kind, &refs)?;
        a.layers
            .extend(summary_layers(&total.summary(), kind_colour(kind), 3));
        legend.push(LegendItem::Entry(
            c.line_swatch(kind_colour(kind), 3),
            kind_label(kind),
        ));
    }
    a.fit_y();
    let mut b = Panel::time(Some("By sector (stacked)".into()), "Live firms", c.x_range);
    let mut stack: Vec<(Vec<f64>, RGBColor)> = Vec::new();
    let mut labels = Vec::new();
    let mut x = Vec::new();
    for sec in sectors() {
        let parts: Vec<Series> = c
            .agents
            .iter()
            .filter_map(|&t| c.opt_col(t, &towns::FIRMS_SECTOR.name(sec)))
            .collect();
        if parts.is_empty() {
            continue;
        }
        let refs: Vec<&Series> = parts.iter().collect();
        let total = Series::sum_all(sec, &refs)?;
        let m = total.summary().median;
        if x.is_empty() {
            x = total.x().to_vec();
        } else if x.len() != m.len() {
            return Err(PlotError::InvalidData {
                what: towns::FIRMS_SECTOR.name(sec),
                reason: "x grid differs between sectors".into(),
            });
        }
        if m.iter().any(|v| *v > 0.0) {
            stack.push((m, sector_colour(sec)));
            labels.push((sector_label(sec), sector_colour(sec)));
        }
    }
    b.layers = stacked_layers(&x, &stack);
    b.fit_y();
    legend.push(LegendItem::Header("Sector (right, top first)".into()));
    for (l, col) in labels.into_iter().rev() {
        legend.push(LegendItem::Entry(Swatch::Fill(col), l));
    }
    let names: Vec<&str> = c.agents.iter().map(|&t| c.town(t).name.as_str()).collect();
    Ok(Figure {
        title: "Firms".into(),
        subtitle: Some(c.subtitle(&format!("Live firms in {}", join_names(&names)))),
        panels: vec![a, b],
        cols: 2,
        legend: c.with_note(legend),
    })
}

/// "A, B and C".
fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [a] => a.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// 7b. Cluster count and cluster share of jobs per town.
pub(super) fn clusters(c: &Ctx) -> Result<Figure, PlotError> {
    let mut a = Panel::time(Some("Detected clusters".into()), "Clusters", c.x_range);
    a.y_fmt = fmt_plain;
    let mut b = Panel::time(
        Some("Cluster employment share".into()),
        "% of jobs in the town",
        c.x_range,
    );
    b.y_fmt = fmt_plain;
    for &t in &c.agents {
        let n = c.col(t, towns::CLUSTERS.name)?;
        a.layers
            .extend(summary_layers(&n.summary(), town_colour(t), 3));
        let ce = c.col(t, towns::CLUSTER_EMPLOYMENT.name)?;
        let jobs = c.col(t, towns::JOBS.name)?;
        let share = ce.zip_with(&jobs, "cluster_share", |e, j| {
            if j > 0.0 { 100.0 * e / j } else { f64::NAN }
        })?;
        b.layers
            .extend(summary_layers(&share.summary(), town_colour(t), 3));
    }
    a.fit_y();
    b.fit_y();
    Ok(Figure {
        title: "Industrial clusters".into(),
        subtitle: Some(c.subtitle("Clusters detected in each town and their share of local jobs")),
        panels: vec![a, b],
        cols: 1,
        legend: c.with_note(c.town_legend()),
    })
}

/// 8. Rank–size plot of firm workforces in the chosen (or latest) year.
pub(super) fn firm_sizes(c: &Ctx, year: Option<i32>) -> Result<Option<(i32, Figure)>, PlotError> {
    let mut years: Vec<i32> = c
        .agents
        .iter()
        .flat_map(|&t| c.town(t).firm_sizes.keys().copied())
        .collect();
    years.sort_unstable();
    years.dedup();
    let Some(year) = choose_year(c, year, years, "firm sizes")? else {
        return Ok(None);
    };
    let mut p = Panel::time(None, "Workforce (persons, log scale)", (1.0, 10.0));
    p.x_label = "Rank of the firm (1 = largest; log scale)".into();
    p.x_scale = Scale::Log;
    p.y_scale = Scale::Log;
    p.x_years = false;
    let sorted = |v: &[f64]| {
        let mut v: Vec<f64> = v
            .iter()
            .copied()
            .filter(|x| *x > 0.0 && x.is_finite())
            .collect();
        v.sort_by(|a, b| b.total_cmp(a));
        v
    };
    let ranked = |v: &[f64]| -> Vec<(f64, f64)> {
        v.iter()
            .enumerate()
            .map(|(i, s)| ((i + 1) as f64, *s))
            .collect()
    };
    let mut pooled = Vec::new();
    let mut town_layers = Vec::new();
    let mut legend = vec![LegendItem::Header("Towns (own ranking)".into())];
    for &t in &c.agents {
        let Some(v) = c.town(t).firm_sizes.get(&year) else {
            continue;
        };
        let v = sorted(v);
        if v.is_empty() {
            continue;
        }
        pooled.extend_from_slice(&v);
        let pts = ranked(&v);
        town_layers.push(Layer::Line {
            pts: pts.clone(),
            colour: town_colour(t),
            width: 2,
        });
        town_layers.push(Layer::Markers {
            pts,
            colour: town_colour(t),
            filled: true,
            radius: 5,
        });
        legend.push(LegendItem::Entry(
            Swatch::Dot(town_colour(t)),
            format!("{} ({} firms)", c.town(t).name, v.len()),
        ));
    }
    let pooled = sorted(&pooled);
    let Some(&top) = pooled.first() else {
        return Ok(None);
    };
    let n = pooled.len() as f64;
    let x_hi = 10f64.powf(n.log10().ceil().max(1.0));
    p.x_range = (1.0, x_hi);
    p.layers.push(Layer::Markers {
        pts: ranked(&pooled),
        colour: RGBColor(160, 160, 160),
        filled: false,
        radius: 4,
    });
    p.layers.extend(town_layers);
    p.layers.push(Layer::Dashed {
        pts: vec![(1.0, top), (x_hi, top / x_hi)],
        colour: DARK,
        width: 3,
    });
    p.fit_y();
    legend.push(LegendItem::Header("Reference".into()));
    legend.push(LegendItem::Entry(
        Swatch::Marker(RGBColor(160, 160, 160), false),
        "all towns pooled".into(),
    ));
    legend.push(LegendItem::Entry(
        Swatch::Dashed(DARK, 3),
        "Zipf, slope −1".into(),
    ));
    Ok(Some((
        year,
        Figure {
            title: format!("Firm-size distribution, {year}"),
            subtitle: Some(
                "Rank–size plot of live firms in December, log–log axes (a Zipf law is a straight line of slope −1)"
                    .into(),
            ),
            panels: vec![p],
            cols: 1,
            legend,
        },
    )))
}

/// 9. Timeline of monotown status per town.
pub(super) fn status(c: &Ctx) -> Option<Figure> {
    let (ya, yb) = c.years();
    let n = c.agents.len();
    let mut p = Panel::time(None, "", (0.0, 1.0));
    p.y_range = (0.0, n as f64);
    p.y_ticks = Some(
        c.agents
            .iter()
            .enumerate()
            .map(|(k, &t)| ((n - 1 - k) as f64 + 0.5, c.town(t).name.clone()))
            .collect(),
    );
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    let mut used = [false; 4];
    for (k, &t) in c.agents.iter().enumerate() {
        let row = (n - 1 - k) as f64;
        let mut pts: Vec<(i32, usize)> = c
            .town(t)
            .status
            .iter()
            .filter(|s| s.year >= ya && s.year <= yb)
            .map(|s| {
                let class = match (s.status, s.category) {
                    (false, _) => 0,
                    (true, k @ 1..=3) => usize::from(k),
                    (true, _) => 0,
                };
                (s.year, class)
            })
            .collect();
        pts.sort_unstable();
        pts.dedup_by_key(|p| p.0);
        let mut i = 0;
        while i < pts.len() {
            let (start, class) = pts[i];
            let mut j = i;
            while j + 1 < pts.len() && pts[j + 1].1 == class && pts[j + 1].0 == pts[j].0 + 1 {
                j += 1;
            }
            let end = pts[j].0;
            lo = lo.min(start);
            hi = hi.max(end);
            used[class] = true;
            let (x0, x1) = (f64::from(start) - 0.5, f64::from(end) + 0.5);
            p.layers.push(Layer::Fill {
                upper: vec![(x0, row + 0.82), (x1, row + 0.82)],
                lower: vec![(x0, row + 0.18), (x1, row + 0.18)],
                colour: STATUS_COLOURS[class].into(),
            });
            // Name the category inside long runs, so colour is not the only cue.
            if class > 0 && end - start >= 3 {
                p.layers.push(Layer::Label {
                    at: ((x0 + x1) / 2.0, row + 0.5),
                    text: format!("category {class}"),
                    colour: if class == 2 { DARK } else { WHITE },
                });
            }
            i = j + 1;
        }
    }
    if lo > hi {
        return None;
    }
    p.x_range = (f64::from(lo) - 0.5, f64::from(hi) + 0.5);
    let mut legend = vec![LegendItem::Header("Status".into())];
    for k in 0..4 {
        if used[k] || k > 0 {
            legend.push(LegendItem::Entry(
                Swatch::Fill(STATUS_COLOURS[k]),
                STATUS_LABELS[k].into(),
            ));
        }
    }
    legend.push(LegendItem::Note(
        "Blank: no data. Categories of the 2014 government list of single-industry towns.".into(),
    ));
    let sub = if c.reps > 1 {
        "Status in each year; from one run (status is not averaged across runs)"
    } else {
        "Status in each year"
    };
    Some(Figure {
        title: "Monotown status".into(),
        subtitle: Some(sub.into()),
        panels: vec![p],
        cols: 1,
        legend,
    })
}
