//! End-to-end tests of the chart set on synthetic data.
//!
//! Why: the charts are only checked by eye once; these tests keep the file set,
//! formats, sizes and error behaviour from regressing afterwards.

use std::path::{Path, PathBuf};

use super::*;

fn expected_stems(data: &RunData) -> Vec<String> {
    let mut v: Vec<String> = [
        "population",
        "employment",
        "unemployment_wage",
        "migration",
        "out_migrants_by_age",
        "commuting",
        "od_matrix_2035",
        "firms",
        "clusters",
        "firm_size_2035",
        "monotown_status",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for t in data.towns.iter().filter(|t| !t.is_hub) {
        v.push(format!("employment_by_sector_{}", file_slug(&t.name)));
    }
    v
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "PNG too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

fn check_files(dir: &Path, paths: &[PathBuf], data: &RunData) {
    for stem in expected_stems(data) {
        for ext in ["png", "svg"] {
            let p = dir.join(format!("{stem}.{ext}"));
            assert!(paths.contains(&p), "{} not returned", p.display());
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(!bytes.is_empty(), "{} is empty", p.display());
            if ext == "png" {
                assert_eq!(png_size(&bytes), (WIDTH, HEIGHT), "{}", p.display());
                assert_eq!((WIDTH, HEIGHT), (1600, 1000));
            } else {
                let s = String::from_utf8(bytes).expect("SVG is UTF-8");
                let head = s.trim_start();
                assert!(
                    head.starts_with("<svg") || head.starts_with("<?xml"),
                    "{} does not start like SVG",
                    p.display()
                );
                assert!(s.contains("</svg>"), "{} is not closed", p.display());
                assert!(s.contains("<text"), "{} has no text", p.display());
            }
        }
    }
    assert_eq!(paths.len(), expected_stems(data).len() * 2);
    // No temporary files left behind.
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp"), "temporary file left: {name}");
    }
}

#[test]
fn renders_every_chart_single_replicate() {
    let data = synthetic_run_data(1, 7);
    let dir = tempfile::tempdir().unwrap();
    let paths = render_all(&data, dir.path(), &Format::ALL, &RenderOptions::default()).unwrap();
    check_files(dir.path(), &paths, &data);
    let svg = std::fs::read_to_string(dir.path().join("population.svg")).unwrap();
    assert!(
        svg.contains("observed"),
        "population legend lacks 'observed'"
    );
    let svg =
        std::fs::read_to_string(dir.path().join("employment_by_sector_novostal.svg")).unwrap();
    assert!(svg.contains("city-forming giants"));
}

#[test]
fn renders_band_variant_with_replicates() {
    let data = synthetic_run_data(5, 11);
    assert_eq!(
        data.towns[0].column("population").unwrap().n_replicates(),
        5
    );
    let dir = tempfile::tempdir().unwrap();
    let paths = render_all(&data, dir.path(), &Format::ALL, &RenderOptions::default()).unwrap();
    check_files(dir.path(), &paths, &data);
    let svg = std::fs::read_to_string(dir.path().join("population.svg")).unwrap();
    assert!(svg.contains("5–95%"), "band note missing");
    assert!(svg.contains("<polygon"), "no band polygons in SVG");
}

#[test]
fn summary_band_is_ordered() {
    let data = synthetic_run_data(5, 3);
    let s = data.towns[0].column("population").unwrap().summary();
    assert_eq!(s.replicates, 5);
    for i in 0..s.x.len() {
        assert!(s.lo[i] <= s.median[i] && s.median[i] <= s.hi[i]);
    }
}

#[test]
fn filter_and_years_select_what_is_drawn() {
    let data = synthetic_run_data(1, 1);
    let dir = tempfile::tempdir().unwrap();
    let opts = RenderOptions {
        towns: Some(vec!["Mashinsk".into(), "Yekaterinburg".into()]),
        from_year: Some(2000),
        to_year: Some(2020),
        od_year: Some(2010),
        firm_size_year: Some(2010),
    };
    let paths = render_all(&data, dir.path(), &[Format::Svg], &opts).unwrap();
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"employment_by_sector_mashinsk.svg".to_string()));
    assert!(!names.iter().any(|n| n.contains("novostal")));
    assert!(names.contains(&"od_matrix_2010.svg".to_string()));
    assert!(names.contains(&"firm_size_2010.svg".to_string()));
    assert!(names.iter().all(|n| n.ends_with(".svg")));
}

#[test]
fn errors_are_typed() {
    let dir = tempfile::tempdir().unwrap();
    let all = &Format::ALL;
    let empty = RunData::default();
    let e = render_all(&empty, dir.path(), all, &RenderOptions::default()).unwrap_err();
    assert!(matches!(e, PlotError::EmptyData(_)), "{e}");

    let data = synthetic_run_data(1, 1);
    let opts = RenderOptions {
        towns: Some(vec!["Atlantis".into()]),
        ..RenderOptions::default()
    };
    let e = render_all(&data, dir.path(), all, &opts).unwrap_err();
    match &e {
        PlotError::UnknownTown { name, known } => {
            assert_eq!(name, "Atlantis");
            assert!(known.contains(&"Novostal".to_string()));
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(e.to_string().contains("Atlantis"));

    let opts = RenderOptions {
        towns: Some(vec![]),
        ..RenderOptions::default()
    };
    let e = render_all(&data, dir.path(), all, &opts).unwrap_err();
    assert!(matches!(e, PlotError::EmptyData(_)));

    let opts = RenderOptions {
        towns: Some(vec!["Yekaterinburg".into()]),
        ..RenderOptions::default()
    };
    let e = render_all(&data, dir.path(), all, &opts).unwrap_err();
    assert!(
        matches!(e, PlotError::EmptyData(_)),
        "hub-only selection: {e}"
    );

    let opts = RenderOptions {
        from_year: Some(2050),
        ..RenderOptions::default()
    };
    let e = render_all(&data, dir.path(), all, &opts).unwrap_err();
    assert!(matches!(e, PlotError::EmptyData(_)), "{e}");

    let opts = RenderOptions {
        from_year: Some(2020),
        to_year: Some(2000),
        ..RenderOptions::default()
    };
    let e = render_all(&data, dir.path(), all, &opts).unwrap_err();
    assert!(matches!(e, PlotError::InvalidYearRange { .. }));

    let opts = RenderOptions {
        od_year: Some(1900),
        ..RenderOptions::default()
    };
    let e = render_all(&data, dir.path(), all, &opts).unwrap_err();
    assert!(
        matches!(e, PlotError::NoDataForYear { year: 1900, .. }),
        "{e}"
    );

    let e = render_all(&data, dir.path(), &[], &RenderOptions::default()).unwrap_err();
    assert!(matches!(e, PlotError::NoFormats));

    let mut broken = data.clone();
    broken.towns[0].columns.remove("employed");
    let e = render_all(&broken, dir.path(), all, &RenderOptions::default()).unwrap_err();
    assert!(
        matches!(&e, PlotError::MissingColumn { column, .. } if column == "employed"),
        "{e}"
    );
    // Nothing was written by the failing calls.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn report_is_self_contained() {
    // SVG only: PNG output is covered above and is slow in debug builds.
    let data = synthetic_run_data(1, 2);
    let dir = tempfile::tempdir().unwrap();
    let paths = render_all(&data, dir.path(), &[Format::Svg], &RenderOptions::default()).unwrap();
    let facts = vec![
        ("scenario".to_string(), "baseline <test>".to_string()),
        ("seed".to_string(), "42".to_string()),
    ];
    let header = vec!["town".to_string(), "population 2035".to_string()];
    let rows = vec![vec!["Novostal".to_string(), "300k".to_string()]];
    let out = dir.path().join("report.html");
    let fh = vec!["town".to_string(), "fact".to_string()];
    let fr = vec![vec!["Novostal".to_string(), "okun_coefficient".to_string()]];
    let written = report_html(&facts, (&header, &rows), (&fh, &fr), &paths, &out).unwrap();
    assert_eq!(written, out);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("baseline &lt;test&gt;"));
    assert!(html.contains("<td>300k</td>"));
    assert!(html.contains("Stylised facts") && html.contains("<td>okun_coefficient</td>"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("https://"));
    assert!(!html.contains("<link"));
    assert_eq!(html.matches("<svg").count(), expected_stems(&data).len());
    assert!(!html.contains("<?xml"));
    let size = html.len();
    assert!(size < 20 * 1024 * 1024, "report is {size} bytes");

    // PNG-only chart lists are linked by relative path (files are not read).
    let pngs: Vec<PathBuf> = expected_stems(&data)
        .iter()
        .map(|s| dir.path().join(format!("{s}.png")))
        .collect();
    let out2 = dir.path().join("report_png.html");
    report_html(&[], (&[], &[]), (&[], &[]), &pngs, &out2).unwrap();
    let html = std::fs::read_to_string(&out2).unwrap();
    assert!(html.contains("<img src=\"population.png\""));
    assert_eq!(html.matches("<img").count(), pngs.len());
}

#[test]
fn atomic_write_replaces_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.txt");
    output::write_atomic(&p, b"one").unwrap();
    output::write_atomic(&p, b"two").unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"two");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
