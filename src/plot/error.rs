//! Typed errors of the chart library.
//!
//! Why a dedicated enum: the caller (the CLI) must be able to tell a user
//! mistake (unknown town in a filter, a year with no data) from a broken input
//! table or a failing disk, and report each with a clear message, without the
//! library ever printing or exiting itself.

use std::path::PathBuf;

/// Everything that can go wrong while preparing, drawing or writing charts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// There is nothing to draw: no towns, no selected towns, or no data points
    /// inside the requested year range.
    #[error("nothing to plot: {0}")]
    EmptyData(String),

    /// A town named in the towns filter is not in the run data.
    #[error("unknown town {name:?} in the towns filter; known towns: {}", known.join(", "))]
    UnknownTown {
        /// The name that was asked for.
        name: String,
        /// The towns that the run data holds.
        known: Vec<String>,
    },

    /// A column that a chart needs is missing for a town.
    #[error("town {town:?} has no column {column:?} (see docs/OUTPUT.md, towns table)")]
    MissingColumn {
        /// Town name.
        town: String,
        /// Column name as in the towns table.
        column: String,
    },

    /// A year-specific chart (OD matrix, firm sizes) was asked for a year with no data.
    #[error("no {what} for year {year}; years with data: {}", fmt_years(available))]
    NoDataForYear {
        /// What was looked for, e.g. "OD matrix".
        what: String,
        /// The requested year.
        year: i32,
        /// The years that do have data.
        available: Vec<i32>,
    },

    /// The year range of the options is empty (`from_year > to_year`).
    #[error("invalid year range: from {from} to {to}")]
    InvalidYearRange {
        /// First year asked for.
        from: i32,
        /// Last year asked for.
        to: i32,
    },

    /// Input data violates an invariant (lengths differ, x not increasing, ...).
    #[error("invalid data in {what}: {reason}")]
    InvalidData {
        /// Which object is broken (series name, OD year, ...).
        what: String,
        /// What is wrong with it.
        reason: String,
    },

    /// No output format was requested.
    #[error("no output format requested (choose PNG and/or SVG)")]
    NoFormats,

    /// The embedded font could not be registered with the drawing library.
    #[error("the embedded font could not be loaded")]
    Font,

    /// The drawing library failed while drawing a chart.
    #[error("drawing chart {chart:?} failed: {message}")]
    Draw {
        /// File stem of the chart, e.g. `population`.
        chart: String,
        /// The drawing library's message.
        message: String,
    },

    /// Reading or writing a file failed.
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

fn fmt_years(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (None, _) | (_, None) => "none".to_string(),
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) if years.len() as i32 == b - a + 1 => format!("{a}-{b}"),
        _ => years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}
