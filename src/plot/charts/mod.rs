//! Chart builders: turn [`RunData`] plus [`RenderOptions`] into figure
//! descriptions (what to draw), without drawing anything yet.
//!
//! Why separate planning from drawing: every data problem (unknown town,
//! missing column, empty year range) is found before the first file is
//! written, so a failed call leaves no half-written chart set behind; and one
//! plan is drawn to both PNG and SVG.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, RGBColor};

use super::RenderOptions;
use super::data::{ObservedKind, RunData, Series, TownData};
use super::error::PlotError;
use super::figure::{
    Fail, Figure, Layer, LegendItem, Panel, Scale, Swatch, band_note, grid_cols, stacked_layers,
    summary_layers,
};
use super::od::OdChart;
use super::style::{
    DARK, GIANT_COLOUR, GREY, STATUS_COLOURS, STATUS_LABELS, WHITE, age_bands, age_colour,
    age_label, file_slug, firm_kinds, fmt_plain, kind_colour, kind_label, sector_colour,
    sector_label, sectors, town_colour,
};
use crate::output::schema::towns;

mod firms;

use firms::{clusters, firm_sizes, firms, status};

/// A chart ready to be drawn.
pub(crate) enum Chart {
    Figure(Figure),
    Od(OdChart),
}

impl Chart {
    /// Draws the chart on a backend-agnostic drawing area.
    /// `raster` is true for bitmap output (see [`Figure::draw`]).
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        raster: bool,
    ) -> Result<(), Fail> {
        match self {
            Chart::Figure(f) => f.draw(root, raster),
            Chart::Od(o) => o.draw(root),
        }
    }
}

/// A chart and the file stem it is written under.
pub(crate) struct Planned {
    pub stem: String,
    pub chart: Chart,
}

/// Resolved selection and time window shared by all builders.
struct Ctx<'a> {
    data: &'a RunData,
    /// Selected towns (indices into `data.towns`, which are colour indices).
    selected: Vec<usize>,
    /// Selected agent-based (non-hub) towns.
    agents: Vec<usize>,
    /// Data window `[from, to)` in fractional years.
    from: f64,
    to: f64,
    /// x range of the windowed monthly data.
    x_range: (f64, f64),
    /// Largest replicate count among the agent towns' populations.
    reps: usize,
}

const COL_LABOUR: RGBColor = RGBColor(70, 70, 70);
const COL_EMPLOYED: RGBColor = RGBColor(31, 119, 180);
const COL_UNEMPLOYED: RGBColor = RGBColor(214, 39, 40);
const COL_IN: RGBColor = RGBColor(44, 160, 44);
const COL_OUT: RGBColor = RGBColor(214, 39, 40);
const COL_NET: RGBColor = RGBColor(20, 20, 20);
const COL_COMM_OUT: RGBColor = RGBColor(255, 127, 14);
const COL_COMM_IN: RGBColor = RGBColor(148, 103, 189);

impl<'a> Ctx<'a> {
    fn new(data: &'a RunData, opts: &RenderOptions) -> Result<Self, PlotError> {
        if data.towns.is_empty() {
            return Err(PlotError::EmptyData("the run data has no towns".into()));
        }
        let selected: Vec<usize> = match &opts.towns {
            None => (0..data.towns.len()).collect(),
            Some(names) if names.is_empty() => {
                return Err(PlotError::EmptyData("the towns filter is empty".into()));
            }
            Some(names) => {
                let mut idx = Vec::new();
                for n in names {
                    let i = data
                        .towns
                        .iter()
                        .position(|t| &t.name == n)
                        .ok_or_else(|| PlotError::UnknownTown {
                            name: n.clone(),
                            known: data.town_names(),
                        })?;
                    if !idx.contains(&i) {
                        idx.push(i);
                    }
                }
                // Keep the run's town order so that colours and rows are stable.
                idx.sort_unstable();
                idx
            }
        };
        let agents: Vec<usize> = selected
            .iter()
            .copied()
            .filter(|&i| !data.towns[i].is_hub)
            .collect();
        if agents.is_empty() {
            return Err(PlotError::EmptyData(
                "no agent-based (non-hub) town is selected".into(),
            ));
        }
        if let (Some(a), Some(b)) = (opts.from_year, opts.to_year)
            && a > b
        {
            return Err(PlotError::InvalidYearRange { from: a, to: b });
        }
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut reps = 1;
        for &t in &agents {
            let s = data.towns[t].require(towns::POPULATION.name)?;
            if let (Some(a), Some(b)) = (s.x().first(), s.x().last()) {
                lo = lo.min(*a);
                hi = hi.max(*b);
            }
            reps = reps.max(s.n_replicates());
        }
        if !lo.is_finite() {
            return Err(PlotError::EmptyData(
                "the population series of the selected towns are empty".into(),
            ));
        }
        let from = opts.from_year.map_or(lo.floor(), f64::from);
        let to = opts.to_year.map_or(hi + 1e-6, |y| f64::from(y) + 1.0);
        let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
        for &t in &agents {
            let s = data.towns[t]
                .require(towns::POPULATION.name)?
                .window(from, to);
            if let (Some(a), Some(b)) = (s.x().first(), s.x().last()) {
                x0 = x0.min(*a);
                x1 = x1.max(*b);
            }
        }
        if !x0.is_finite() {
            return Err(PlotError::EmptyData(format!(
                "no data between {} and {} (data cover {:.0}-{:.0})",
                opts.from_year.map_or("start".into(), |y| y.to_string()),
                opts.to_year.map_or("end".into(), |y| y.to_string()),
                lo.floor(),
                hi.floor()
            )));
        }
        if x1 - x0 < 1e-9 {
            x0 -= 0.5;
            x1 += 0.5;
        }
        Ok(Self {
            data,
            selected,
            agents,
            from,
            to,
            x_range: (x0, x1),
            reps,
        })
    }

    fn town(&self, t: usize) -> &TownData {
        &self.data.towns[t]
    }

    fn col(&self, t: usize, name: &str) -> Result<Series, PlotError> {
        Ok(self.town(t).require(name)?.window(self.from, self.to))
    }

    fn opt_col(&self, t: usize, name: &str) -> Option<Series> {
        self.town(t)
            .column(name)
            .map(|s| s.window(self.from, self.to))
    }

    /// Whole years covered by the window.
    fn years(&self) -> (i32, i32) {
        (self.from.ceil() as i32, (self.to - 1e-6).floor() as i32)
    }

    fn subtitle(&self, base: &str) -> String {
        if self.reps > 1 {
            format!("{base} · median and 5–95% range of {} runs", self.reps)
        } else {
            base.to_string()
        }
    }

    fn town_legend(&self) -> Vec<LegendItem> {
        let mut v = vec![LegendItem::Header("Towns".into())];
        for &t in &self.agents {
            v.push(LegendItem::Entry(
                self.line_swatch(town_colour(t), 3),
                self.town(t).name.clone(),
            ));
        }
        v
    }

    fn line_swatch(&self, c: RGBColor, w: u32) -> Swatch {
        if self.reps > 1 {
            Swatch::LineBand(c, w)
        } else {
            Swatch::Line(c, w)
        }
    }

    fn with_note(&self, mut legend: Vec<LegendItem>) -> Vec<LegendItem> {
        legend.extend(band_note(self.reps));
        legend
    }
}

/// Plans every chart for the data and options.
pub(crate) fn plan(data: &RunData, opts: &RenderOptions) -> Result<Vec<Planned>, PlotError> {
    let c = Ctx::new(data, opts)?;
    let mut out = Vec::new();
    let mut push = |stem: String, chart: Chart| out.push(Planned { stem, chart });
    push("population".into(), Chart::Figure(population(&c)?));
    push("employment".into(), Chart::Figure(employment(&c)?));
    let mut slugs: Vec<String> = Vec::new();
    for &t in &c.agents {
        let mut slug = file_slug(&c.town(t).name);
        if slugs.contains(&slug) {
            slug = format!("{slug}_{t}");
        }
        slugs.push(slug.clone());
        push(
            format!("employment_by_sector_{slug}"),
            Chart::Figure(sector_stack(&c, t)?),
        );
    }
    push(
        "unemployment_wage".into(),
        Chart::Figure(unemployment_wage(&c)?),
    );
    push("migration".into(), Chart::Figure(migration(&c)?));
    push(
        "out_migrants_by_age".into(),
        Chart::Figure(out_migrants_by_age(&c)?),
    );
    push("commuting".into(), Chart::Figure(commuting(&c)?));
    if let Some((year, od)) = od_chart(&c, opts.od_year)? {
        push(format!("od_matrix_{year}"), Chart::Od(od));
    }
    push("firms".into(), Chart::Figure(firms(&c)?));
    push("clusters".into(), Chart::Figure(clusters(&c)?));
    if let Some((year, fig)) = firm_sizes(&c, opts.firm_size_year)? {
        push(format!("firm_size_{year}"), Chart::Figure(fig));
    }
    if let Some(fig) = status(&c) {
        push("monotown_status".into(), Chart::Figure(fig));
    }
    Ok(out)
}

/// 1. Population per town with observed points.
fn population(c: &Ctx) -> Result<Figure, PlotError> {
    let mut p = Panel::time(None, "Population (thousand persons)", c.x_range);
    p.y_fmt = fmt_plain;
    for &t in &c.agents {
        let s = c.col(t, towns::POPULATION.name)?.scaled(1e-3).summary();
        p.layers.extend(summary_layers(&s, town_colour(t), 3));
    }
    let (mut any_census, mut any_est) = (false, false);
    for &t in &c.agents {
        for kind in [ObservedKind::Census, ObservedKind::Estimate] {
            let pts: Vec<(f64, f64)> = c
                .town(t)
                .observed
                .iter()
                .filter(|o| o.kind == kind && o.year >= c.from && o.year < c.to)
                .filter(|o| o.population.is_finite())
                .map(|o| (o.year, o.population * 1e-3))
                .collect();
            if pts.is_empty() {
                continue;
            }
            match kind {
                ObservedKind::Census => any_census = true,
                ObservedKind::Estimate => any_est = true,
            }
            p.layers.push(Layer::Markers {
                pts,
                colour: town_colour(t),
                filled: kind == ObservedKind::Census,
                radius: if kind == ObservedKind::Census { 8 } else { 6 },
            });
        }
    }
    p.fit_y();
    if any_census || any_est {
        // Keep edge markers (e.g. a census in January 1989) fully visible.
        p.x_range = (p.x_range.0 - 0.4, p.x_range.1 + 0.4);
    }
    let mut legend = c.town_legend();
    if any_census || any_est {
        legend.push(LegendItem::Header("Data".into()));
        legend.push(LegendItem::Entry(Swatch::Line(GREY, 3), "simulated".into()));
    }
    if any_census {
        legend.push(LegendItem::Entry(
            Swatch::Marker(GREY, true),
            "observed".into(),
        ));
    }
    if any_est {
        legend.push(LegendItem::Entry(
            Swatch::Marker(GREY, false),
            "observed (estimate)".into(),
        ));
    }
    if any_census {
        legend.push(LegendItem::Note(
            "Filled markers: census; hollow: annual estimates; in the town's colour.".into(),
        ));
    }
    Ok(Figure {
        title: "Population".into(),
        subtitle: Some(c.subtitle("Residents at the end of each month")),
        panels: vec![p],
        cols: 1,
        legend: c.with_note(legend),
    })
}

/// Series computed per town (e.g. net migration) with colour and line width.
type Derived<'d> = &'d dyn Fn(&Ctx, usize) -> Result<Vec<(Series, RGBColor, u32)>, PlotError>;

/// Small multiples: one panel per agent town, each with the given series.
fn multiples(
    c: &Ctx,
    y_label: &str,
    series: &[(&str, RGBColor, u32)],
    yearly: bool,
    zero_line: bool,
    derived: Option<Derived<'_>>,
) -> Result<Vec<Panel>, PlotError> {
    let mut panels = Vec::new();
    for &t in &c.agents {
        let mut p = Panel::time(Some(c.town(t).name.clone()), y_label, c.x_range);
        let mut all: Vec<(Series, RGBColor, u32)> = Vec::new();
        for (name, colour, w) in series {
            all.push((c.col(t, name)?, *colour, *w));
        }
        if let Some(f) = derived {
            all.extend(f(c, t)?);
        }
        let mut xr = (f64::INFINITY, f64::NEG_INFINITY);
        for (s, colour, w) in &all {
            let s = if yearly { s.yearly_sum() } else { s.clone() };
            if let (Some(a), Some(b)) = (s.x().first(), s.x().last()) {
                xr = (xr.0.min(*a), xr.1.max(*b));
            }
            p.layers.extend(summary_layers(&s.summary(), *colour, *w));
        }
        if yearly && xr.0.is_finite() {
            p.x_range = if xr.1 > xr.0 {
                xr
            } else {
                (xr.0 - 0.5, xr.1 + 0.5)
            };
        }
        if zero_line {
            p.layers.insert(
                0,
                Layer::HLine {
                    y: 0.0,
                    colour: GREY,
                },
            );
        }
        p.fit_y();
        panels.push(p);
    }
    Ok(panels)
}

/// 2. Employed / unemployed / labour force, one panel per town.
fn employment(c: &Ctx) -> Result<Figure, PlotError> {
    let series = [
        (towns::LABOUR_FORCE.name, COL_LABOUR, 3),
        (towns::EMPLOYED.name, COL_EMPLOYED, 3),
        (towns::UNEMPLOYED.name, COL_UNEMPLOYED, 3),
    ];
    let panels = multiples(c, "Persons", &series, false, false, None)?;
    let legend = vec![
        LegendItem::Header("Residents".into()),
        LegendItem::Entry(c.line_swatch(COL_LABOUR, 3), "labour force".into()),
        LegendItem::Entry(c.line_swatch(COL_EMPLOYED, 3), "employed".into()),
        LegendItem::Entry(c.line_swatch(COL_UNEMPLOYED, 3), "unemployed".into()),
    ];
    Ok(Figure {
        title: "Employment and labour force".into(),
        subtitle: Some(c.subtitle("Residents by labour-market status, monthly")),
        cols: grid_cols(panels.len()),
        panels,
        legend: c.with_note(legend),
    })
}

/// 3. Stacked jobs by sector for one town, giants at the bottom.
fn sector_stack(c: &Ctx, t: usize) -> Result<Figure, PlotError> {
    let giant = c.col(t, towns::EMP_GIANT.name)?;
    let x = giant.x().to_vec();
    let mut parts: Vec<(String, RGBColor, Vec<f64>)> = vec![(
        "city-forming giants".into(),
        GIANT_COLOUR,
        giant.summary().median,
    )];
    let mut names: Vec<String> = sectors().iter().map(|s| s.to_string()).collect();
    for key in c.town(t).columns.keys() {
        if let Some(sec) = key.strip_prefix(towns::EMP_SECTOR.prefix)
            && towns::EMP_SECTOR.name(sec) != towns::EMP_GIANT.name
            && !names.iter().any(|n| n == sec)
        {
            names.push(sec.to_string());
        }
    }
    for sec in &names {
        let Some(s) = c.opt_col(t, &towns::EMP_SECTOR.name(sec)) else {
            continue;
        };
        if s.x().len() != x.len() {
            return Err(PlotError::InvalidData {
                what: format!("{} of {}", towns::EMP_SECTOR.name(sec), c.town(t).name),
                reason: "x grid differs from emp_giant".into(),
            });
        }
        let m = s.summary().median;
        if m.iter().any(|v| *v > 0.0) {
            parts.push((sector_label(sec), sector_colour(sec), m));
        }
    }
    let mut p = Panel::time(None, "Jobs in the town (persons)", c.x_range);
    let stack: Vec<(Vec<f64>, RGBColor)> = parts.iter().map(|p| (p.2.clone(), p.1)).collect();
    p.layers = stacked_layers(&x, &stack);
    p.fit_y();
    // Label the giants band directly where it is thickest (away from the edges).
    let g = &parts[0].2;
    let (lo, hi) = (x.len() / 5, (x.len() * 4 / 5).max(x.len() / 5 + 1));
    if let Some(i) = (lo..hi.min(x.len()))
        .filter(|&i| g[i].is_finite())
        .max_by(|&a, &b| g[a].total_cmp(&g[b]))
        && g[i] > 0.09 * p.y_range.1
    {
        p.layers.push(Layer::Label {
            at: (x[i], g[i] / 2.0),
            text: "city-forming giants".into(),
            colour: WHITE,
        });
    }
    let mut legend = vec![LegendItem::Header("Stack, top to bottom".into())];
    for (label, colour, _) in parts.iter().rev() {
        legend.push(LegendItem::Entry(Swatch::Fill(*colour), label.clone()));
    }
    let base = "Jobs at firms located in the town, stacked";
    let subtitle = if c.reps > 1 {
        format!("{base} · medians of {} runs", c.reps)
    } else {
        base.to_string()
    };
    Ok(Figure {
        title: format!("Jobs by sector — {}", c.town(t).name),
        subtitle: Some(subtitle),
        panels: vec![p],
        cols: 1,
        legend,
    })
}

/// 4. Unemployment rate and mean wage, two panels.
fn unemployment_wage(c: &Ctx) -> Result<Figure, PlotError> {
    let mut a = Panel::time(
        Some("Unemployment rate".into()),
        "% of labour force",
        c.x_range,
    );
    a.y_fmt = fmt_plain;
    let mut b = Panel::time(
        Some("Mean wage".into()),
        "thousand roubles/month (2010 prices)",
        c.x_range,
    );
    b.y_fmt = fmt_plain;
    for &t in &c.agents {
        let u = c
            .col(t, towns::UNEMPLOYMENT_RATE.name)?
            .scaled(100.0)
            .summary();
        a.layers.extend(summary_layers(&u, town_colour(t), 3));
        let w = c.col(t, towns::MEAN_WAGE_KRUB.name)?.summary();
        b.layers.extend(summary_layers(&w, town_colour(t), 3));
    }
    a.fit_y();
    b.fit_y();
    Ok(Figure {
        title: "Unemployment and wages".into(),
        subtitle: Some(c.subtitle("Residents of each town, monthly")),
        panels: vec![a, b],
        cols: 1,
        legend: c.with_note(c.town_legend()),
    })
}

/// 5a. Yearly in-, out- and net migration per town.
fn migration(c: &Ctx) -> Result<Figure, PlotError> {
    let net = |c: &Ctx, t: usize| -> Result<Vec<(Series, RGBColor, u32)>, PlotError> {
        let i = c.col(t, towns::IN_MIGRANTS.name)?;
        let o = c.col(t, towns::OUT_MIGRANTS.name)?;
        Ok(vec![(i.zip_with(&o, "net", |a, b| a - b)?, COL_NET, 3)])
    };
    let series = [
        (towns::IN_MIGRANTS.name, COL_IN, 3),
        (towns::OUT_MIGRANTS.name, COL_OUT, 3),
    ];
    let panels = multiples(c, "Persons per year", &series, true, true, Some(&net))?;
    let legend = vec![
        LegendItem::Header("Per calendar year".into()),
        LegendItem::Entry(c.line_swatch(COL_IN, 3), "in-migrants".into()),
        LegendItem::Entry(c.line_swatch(COL_OUT, 3), "out-migrants".into()),
        LegendItem::Entry(c.line_swatch(COL_NET, 3), "net (in − out)".into()),
    ];
    Ok(Figure {
        title: "Migration".into(),
        subtitle: Some(c.subtitle("Moves into and out of each town, summed over each year")),
        cols: grid_cols(panels.len()),
        panels,
        legend: c.with_note(legend),
    })
}

/// 5b. Yearly out-migrants by age band per town.
fn out_migrants_by_age(c: &Ctx) -> Result<Figure, PlotError> {
    let bands = age_bands();
    let names: Vec<String> = bands
        .iter()
        .map(|b| towns::OUT_MIGRANTS_AGE.name(b))
        .collect();
    let series: Vec<(&str, RGBColor, u32)> = bands
        .iter()
        .zip(&names)
        .map(|(b, n)| (n.as_str(), age_colour(b), if *b == "18_29" { 4 } else { 2 }))
        .collect();
    let panels = multiples(c, "Persons per year", &series, true, false, None)?;
    let mut legend = vec![LegendItem::Header("Age band".into())];
    for b in bands {
        let w = if b == "18_29" { 4 } else { 2 };
        legend.push(LegendItem::Entry(
            c.line_swatch(age_colour(b), w),
            format!("aged {}", age_label(b)),
        ));
    }
    Ok(Figure {
        title: "Out-migration by age".into(),
        subtitle: Some(c.subtitle("People leaving each town per year, by age band")),
        cols: grid_cols(panels.len()),
        panels,
        legend: c.with_note(legend),
    })
}

/// 5c. Commuters in and out per town.
fn commuting(c: &Ctx) -> Result<Figure, PlotError> {
    let series = [
        (towns::COMMUTERS_OUT.name, COL_COMM_OUT, 3),
        (towns::COMMUTERS_IN.name, COL_COMM_IN, 3),
    ];
    let panels = multiples(c, "Persons", &series, false, false, None)?;
    let legend = vec![
        LegendItem::Header("Commuters".into()),
        LegendItem::Entry(
            c.line_swatch(COL_COMM_OUT, 3),
            "out: residents working elsewhere".into(),
        ),
        LegendItem::Entry(
            c.line_swatch(COL_COMM_IN, 3),
            "in: workers living elsewhere".into(),
        ),
    ];
    Ok(Figure {
        title: "Commuting".into(),
        subtitle: Some(c.subtitle("Daily commuters between towns, monthly")),
        cols: grid_cols(panels.len()),
        panels,
        legend: c.with_note(legend),
    })
}

// 6. OD matrix of the chosen (or latest) year, restricted to the selection.

/// The year a snapshot chart shows: the requested one (an error if `years`, sorted, lacks
/// it), else the latest year inside the chart's window, else the latest of all; `None`
/// when there is no year at all.
fn choose_year(
    c: &Ctx,
    year: Option<i32>,
    years: Vec<i32>,
    what: &str,
) -> Result<Option<i32>, PlotError> {
    match year {
        Some(y) if years.contains(&y) => Ok(Some(y)),
        Some(y) => Err(PlotError::NoDataForYear {
            what: what.into(),
            year: y,
            available: years,
        }),
        None => {
            let (a, b) = c.years();
            Ok(years
                .iter()
                .rev()
                .find(|y| **y >= a && **y <= b)
                .or(years.last())
                .copied())
        }
    }
}

fn od_chart(c: &Ctx, year: Option<i32>) -> Result<Option<(i32, OdChart)>, PlotError> {
    let years: Vec<i32> = c.data.od.keys().copied().collect();
    let Some(year) = choose_year(c, year, years, "OD matrix")? else {
        return Ok(None);
    };
    let m = &c.data.od[&year];
    m.validate(&format!("OD matrix {year}"))?;
    let is_town = |n: &str| c.data.towns.iter().any(|t| t.name == n);
    let keep = |n: &str| !is_town(n) || c.selected.iter().any(|&i| c.town(i).name == n);
    let rows: Vec<usize> = (0..m.origins.len())
        .filter(|&i| keep(&m.origins[i]))
        .collect();
    let cols: Vec<usize> = (0..m.destinations.len())
        .filter(|&j| keep(&m.destinations[j]))
        .collect();
    if rows.is_empty() || cols.is_empty() {
        return Ok(None);
    }
    let sub = super::data::OdMatrix {
        origins: rows.iter().map(|&i| m.origins[i].clone()).collect(),
        destinations: cols.iter().map(|&j| m.destinations[j].clone()).collect(),
        counts: rows
            .iter()
            .map(|&i| cols.iter().map(|&j| m.counts[i][j]).collect())
            .collect(),
    };
    Ok(Some((year, OdChart { year, m: sub })))
}
