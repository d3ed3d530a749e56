//! Charts and the HTML report of a monotown run.
//!
//! Why this module exists: a run's tables (`docs/OUTPUT.md`) are only useful
//! once a person can see population decline, youth out-migration, the weight
//! of the city-forming giants and the monotown status at a glance. This module
//! turns an in-memory [`RunData`] (filled by the Parquet loader elsewhere) into
//! a fixed set of charts, each written as PNG (1600x1000) and/or SVG, plus a
//! static `report.html`.
//!
//! Design:
//! - no printing, no exiting: every problem is a typed [`PlotError`];
//! - the font is embedded (no fontconfig or system fonts needed);
//! - all input problems are detected before any file is written, and every
//!   file is written atomically (temporary name, then rename);
//! - with several replicates a chart shows the median and a 5–95 % band.
//!
//! Files written by [`render_all`] (for each requested [`Format`]):
//! `population`, `employment`, `employment_by_sector_<town>` (one per non-hub
//! town), `unemployment_wage`, `migration`, `out_migrants_by_age`, `commuting`,
//! `od_matrix_<year>` (when OD data exist), `firms`, `clusters`,
//! `firm_size_<year>` (when firm sizes exist), `monotown_status` (when status
//! data exist).

mod band;
mod charts;
mod data;
mod demo;
mod effect;
mod error;
mod figure;
pub mod load;
mod od;
mod output;
mod report;
mod style;

/// The embedded font's registration, shared with the batch charts.
pub(crate) use style::ensure_font;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use band::{BandChart, BandPoint, band_chart};
pub use data::{
    ObservedKind, ObservedPoint, OdMatrix, RunData, Series, StatusPoint, Summary, TownData, month_x,
};
pub use demo::synthetic_run_data;
pub use effect::{EffectChart, EffectPanel, effect_chart};
pub use error::PlotError;
pub use report::report_html;
pub use style::{HEIGHT, WIDTH, age_bands, file_slug, firm_kinds, fmt_si, sectors, town_colour};

/// Output image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// 1600x1000 PNG bitmap.
    Png,
    /// 1600x1000 SVG vector image (text kept as text).
    Svg,
}

impl Format {
    /// Both formats, PNG first.
    pub const ALL: [Format; 2] = [Format::Png, Format::Svg];

    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// What to draw: town selection, year window and the years of the snapshot
/// charts. `RenderOptions::default()` draws everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Towns to show (exact names); `None` = all. Hubs in the list only matter
    /// for the OD matrix; per-town panels show non-hub towns.
    pub towns: Option<Vec<String>>,
    /// First calendar year shown (inclusive); `None` = start of the data.
    pub from_year: Option<i32>,
    /// Last calendar year shown (inclusive); `None` = end of the data.
    pub to_year: Option<i32>,
    /// Year of the OD matrix chart; `None` = latest year within the window.
    pub od_year: Option<i32>,
    /// Year of the firm-size chart; `None` = latest year within the window.
    pub firm_size_year: Option<i32>,
}

/// Renders every chart of `data` into `out_dir` (created if missing) in each
/// of `formats`, and returns the written paths in chart order.
///
/// The data and options are fully checked before anything is written.
/// Errors: [`PlotError::NoFormats`], [`PlotError::EmptyData`] (no towns, empty
/// filter, no data in the year range), [`PlotError::UnknownTown`],
/// [`PlotError::InvalidYearRange`], [`PlotError::MissingColumn`],
/// [`PlotError::NoDataForYear`] (explicit OD / firm-size year without data),
/// [`PlotError::InvalidData`], [`PlotError::Font`], [`PlotError::Draw`] and
/// [`PlotError::Io`].
pub fn render_all(
    data: &RunData,
    out_dir: &Path,
    formats: &[Format],
    options: &RenderOptions,
) -> Result<Vec<PathBuf>, PlotError> {
    let mut fmts: Vec<Format> = Vec::new();
    for f in formats {
        if !fmts.contains(f) {
            fmts.push(*f);
        }
    }
    if fmts.is_empty() {
        return Err(PlotError::NoFormats);
    }
    style::ensure_font()?;
    let planned = charts::plan(data, options)?;
    std::fs::create_dir_all(out_dir).map_err(|source| PlotError::Io {
        path: out_dir.to_path_buf(),
        source,
    })?;
    // Charts are independent: draw them on two worker threads (the target
    // machines have two cores), then return the paths in chart order.
    let jobs: Vec<(usize, Format)> = (0..planned.len())
        .flat_map(|i| fmts.iter().map(move |f| (i, *f)))
        .collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<PathBuf, PlotError>>> = Vec::new();
    results.resize_with(jobs.len(), || None);
    let results = std::sync::Mutex::new(results);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(i, f)) = jobs.get(k) else { break };
                    let r = output::write_chart(&planned[i].stem, &planned[i].chart, out_dir, f);
                    let failed = r.is_err();
                    if let Ok(mut g) = results.lock() {
                        g[k] = Some(r);
                    }
                    if failed {
                        // Stop handing out work; the first error is reported.
                        next.store(jobs.len(), std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    let mut paths = Vec::with_capacity(jobs.len());
    for r in results.into_iter().flatten() {
        paths.push(r?);
    }
    Ok(paths)
}
