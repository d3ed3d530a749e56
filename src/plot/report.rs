//! A single static HTML report: key facts, a summary table and every chart.
//!
//! Why static and self-contained: the report is opened from a run folder on
//! machines without network access, attached to e-mails and archived; so it
//! has no JavaScript, no web fonts and no remote resources. SVG charts are
//! inlined (one file is enough to share); a chart is linked as a PNG by
//! relative path only when no SVG was rendered or the SVG is unusually large.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::error::PlotError;
use super::output::write_atomic;

/// SVGs larger than this are linked (as PNG when available) instead of inlined.
const MAX_INLINE_SVG: u64 = 3 * 1024 * 1024;

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Human caption for a chart file stem.
fn caption(stem: &str) -> String {
    if let Some(t) = stem.strip_prefix("employment_by_sector_") {
        let name: Vec<String> = t
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            })
            .collect();
        return format!("Jobs by sector: {}", name.join(" "));
    }
    if let Some(y) = stem.strip_prefix("od_matrix_") {
        return format!("Migration origin–destination matrix, {y}");
    }
    if let Some(y) = stem.strip_prefix("firm_size_") {
        return format!("Firm-size distribution (rank–size), {y}");
    }
    match stem {
        "population" => "Population, simulated and observed".into(),
        "employment" => "Employment, unemployment and labour force".into(),
        "unemployment_wage" => "Unemployment rate and mean wage".into(),
        "migration" => "In-, out- and net migration per year".into(),
        "out_migrants_by_age" => "Out-migrants by age band per year".into(),
        "commuting" => "Commuters in and out".into(),
        "firms" => "Firms by kind and by sector".into(),
        "clusters" => "Industrial clusters".into(),
        "monotown_status" => "Monotown status timeline".into(),
        other => other.replace('_', " "),
    }
}

/// Path of `target` relative to folder `base` when it lies inside it.
fn relative(target: &Path, base: &Path) -> String {
    let t = target.strip_prefix(base).unwrap_or(target);
    t.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The `<svg ...>...</svg>` element of an SVG document (prolog and doctype cut).
fn svg_element(doc: &str) -> Option<&str> {
    let start = doc.find("<svg")?;
    let end = doc.rfind("</svg>")? + "</svg>".len();
    (start < end).then(|| &doc[start..end])
}

const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:0 auto;max-width:1240px;\
padding:1.5em;color:#222;background:#fff}h1{font-size:1.7em;margin-bottom:.2em}\
h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:.3em .6em;\
text-align:left;vertical-align:top}th{background:#f2f2f2}table.summary td{text-align:right}\
table.summary td:first-child{text-align:left}figure{margin:0}\
.chart svg,.chart img{width:100%;height:auto;display:block;border:1px solid #eee}\
nav ul{columns:2;padding-left:1.2em}footer{margin-top:3em;color:#777;font-size:.85em}";

/// A titled table section; nothing when the table is empty.
fn html_table(h: &mut String, id: &str, title: &str, table: (&[String], &[Vec<String>])) {
    let (header, rows) = table;
    if header.is_empty() && rows.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<h2 id=\"{id}\">{title}</h2>\n<table class=\"summary\">\n<thead><tr>"
    );
    for c in header {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        h.push_str("<tr>");
        for k in 0..r.len().max(header.len()) {
            let _ = write!(h, "<td>{}</td>", esc(r.get(k).map_or("", String::as_str)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

/// Writes a static, self-contained `report.html`.
///
/// - `manifest_facts`: key/value pairs shown first (scenario, seed, version, ...).
/// - `summary_table`: header and rows of a summary table (cells are text;
///   rows shorter than the header are padded).
/// - `stylised_facts`: header and rows of the stylised facts beside their targets
///   (`crate::facts`); no section when both are empty.
/// - `chart_paths`: chart files as returned by
///   [`render_all`](super::render_all); for each chart the SVG is inlined when
///   present, otherwise the PNG is linked by a path relative to the report.
/// - `out_path`: the report file to write (atomically).
///
/// Returns `out_path`. Errors: [`PlotError::Io`] when a chart cannot be read or
/// the report cannot be written.
pub fn report_html(
    manifest_facts: &[(String, String)],
    summary_table: (&[String], &[Vec<String>]),
    stylised_facts: (&[String], &[Vec<String>]),
    chart_paths: &[PathBuf],
    out_path: &Path,
) -> Result<PathBuf, PlotError> {
    let base = out_path.parent().unwrap_or(Path::new(""));
    // Group files by chart stem, keeping first-seen order.
    let mut order: Vec<String> = Vec::new();
    let mut files: BTreeMap<String, (Option<PathBuf>, Option<PathBuf>)> = BTreeMap::new();
    for p in chart_paths {
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = p
            .extension()
            .map(|s| s.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let entry = files.entry(stem.clone()).or_insert_with(|| {
            order.push(stem.clone());
            (None, None)
        });
        match ext.as_str() {
            "svg" => entry.0 = Some(p.clone()),
            _ => entry.1 = Some(p.clone()),
        }
    }

    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>monotown run report</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <h1>monotown run report</h1>\n"
    );
    if !manifest_facts.is_empty() {
        h.push_str("<h2 id=\"facts\">Key facts</h2>\n<table class=\"facts\">\n");
        for (k, v) in manifest_facts {
            let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
        }
        h.push_str("</table>\n");
    }
    html_table(&mut h, "summary", "Summary", summary_table);
    html_table(&mut h, "stylised-facts", "Stylised facts", stylised_facts);
    if !order.is_empty() {
        h.push_str("<nav><h2>Charts</h2><ul>\n");
        for stem in &order {
            let _ = writeln!(
                h,
                "<li><a href=\"#chart-{}\">{}</a></li>",
                esc(stem),
                esc(&caption(stem))
            );
        }
        h.push_str("</ul></nav>\n");
    }
    for stem in &order {
        let (svg, png) = &files[stem];
        let _ = write!(
            h,
            "<section id=\"chart-{}\">\n<h2>{}</h2>\n<figure class=\"chart\">\n",
            esc(stem),
            esc(&caption(stem))
        );
        let inline = match svg {
            Some(p) => {
                let len = fs::metadata(p)
                    .map_err(|source| PlotError::Io {
                        path: p.clone(),
                        source,
                    })?
                    .len();
                if len <= MAX_INLINE_SVG || png.is_none() {
                    let doc = fs::read_to_string(p).map_err(|source| PlotError::Io {
                        path: p.clone(),
                        source,
                    })?;
                    svg_element(&doc).map(str::to_string)
                } else {
                    None
                }
            }
            None => None,
        };
        match (inline, png, svg) {
            (Some(el), _, _) => {
                h.push_str(&el);
                h.push('\n');
            }
            (None, Some(p), _) | (None, None, Some(p)) => {
                let _ = writeln!(
                    h,
                    "<img src=\"{}\" alt=\"{}\" width=\"1600\" height=\"1000\">",
                    esc(&relative(p, base)),
                    esc(&caption(stem))
                );
            }
            (None, None, None) => {}
        }
        h.push_str("</figure>\n</section>\n");
    }
    h.push_str("<footer>Generated by monotown. Static page: no scripts, no network resources.</footer>\n</body>\n</html>\n");
    write_atomic(out_path, h.as_bytes())?;
    Ok(out_path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_captions() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(
            caption("employment_by_sector_novostal"),
            "Jobs by sector: Novostal"
        );
        assert_eq!(
            svg_element("<?xml version=\"1.0\"?>\n<svg x=\"1\"><g/></svg>\n"),
            Some("<svg x=\"1\"><g/></svg>")
        );
    }
}
