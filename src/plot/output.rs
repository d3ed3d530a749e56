//! Writing chart files atomically.
//!
//! Why: a report folder is read by people and by other tools while runs are
//! going on; a crash must never leave a truncated `population.png` that looks
//! valid. Every file is written under a temporary name in the same folder and
//! renamed into place (a rename within one folder is atomic on POSIX systems).
//!
//! PNG files are the one exception to the `<name>.tmp` pattern: the bitmap
//! encoder chooses the format from the file extension, so their temporary name
//! is `<stem>.tmp.png`.

use std::fs;
use std::path::{Path, PathBuf};

use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};

use super::Format;
use super::charts::Chart;
use super::error::PlotError;
use super::figure::Fail;
use super::style::{HEIGHT, WIDTH};

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> PlotError + '_ {
    move |source| PlotError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `dir/name.ext` -> `dir/name.ext.tmp`.
fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Writes `bytes` to `path` via a temporary file and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PlotError> {
    let tmp = tmp_path(path);
    if let Err(e) = fs::write(&tmp, bytes) {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(&tmp)(e));
    }
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(path)(e)
    })
}

/// Creates `dir` and writes `chart` in every format as `dir/<stem>.<ext>`; returns the
/// paths.
pub(crate) fn write_chart_formats(
    stem: &str,
    chart: &Chart,
    dir: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, PlotError> {
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    formats
        .iter()
        .map(|f| write_chart(stem, chart, dir, *f))
        .collect()
}

/// Draws `chart` and writes it as `dir/<stem>.<ext>`; returns the path.
pub(crate) fn write_chart(
    stem: &str,
    chart: &Chart,
    dir: &Path,
    format: Format,
) -> Result<PathBuf, PlotError> {
    let path = dir.join(format!("{stem}.{}", format.extension()));
    let draw_err = |f: Fail| PlotError::Draw {
        chart: stem.to_string(),
        message: f.0,
    };
    match format {
        Format::Png => {
            let tmp = dir.join(format!("{stem}.tmp.png"));
            let drawn = (|| -> Result<(), Fail> {
                let root = BitMapBackend::new(&tmp, (WIDTH, HEIGHT)).into_drawing_area();
                chart.draw(&root, true)?;
                root.present()?;
                Ok(())
            })();
            if let Err(f) = drawn {
                let _ = fs::remove_file(&tmp);
                return Err(draw_err(f));
            }
            fs::rename(&tmp, &path).map_err(|e| {
                let _ = fs::remove_file(&tmp);
                io_err(&path)(e)
            })?;
        }
        Format::Svg => {
            let svg = svg_string(chart).map_err(draw_err)?;
            write_atomic(&path, svg.as_bytes())?;
        }
    }
    Ok(path)
}

/// Renders a chart to an SVG document in memory.
fn svg_string(chart: &Chart) -> Result<String, Fail> {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (WIDTH, HEIGHT)).into_drawing_area();
        chart.draw(&root, false)?;
        root.present()?;
    }
    Ok(s)
}
