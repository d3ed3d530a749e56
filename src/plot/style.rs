//! Shared look of all charts: embedded font, colour palettes, font sizes,
//! number formatting and year ticks.
//!
//! Why in one place: colours must mean the same town, sector or status in every
//! chart, text must be readable at 1600x1000, and rendering must not depend on
//! fontconfig or system fonts (CI machines and containers have none), so the
//! DejaVu Sans font is compiled into the binary and registered once.

use crate::output::schema::towns;
use std::sync::OnceLock;

use plotters::style::{FontStyle, IntoFont, RGBColor, TextStyle, register_font};

use super::error::PlotError;

/// Width of every chart, pixels.
pub const WIDTH: u32 = 1600;
/// Height of every chart, pixels.
pub const HEIGHT: u32 = 1000;

/// Font family name under which the embedded font is registered.
pub(crate) const FONT_FAMILY: &str = "sans-serif";

/// DejaVu Sans (has Latin and Cyrillic glyphs), embedded at compile time.
static FONT_BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));

/// Registers the embedded font with plotters (once per process).
pub(crate) fn ensure_font() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        // Register under the generic names too, so that any default text style
        // plotters picks internally also finds a font.
        ["sans-serif", "serif", "monospace"]
            .iter()
            .all(|name| register_font(name, FontStyle::Normal, FONT_BYTES).is_ok())
    });
    if ok { Ok(()) } else { Err(PlotError::Font) }
}

/// Font sizes in pixels, tuned for 1600x1000.
pub(crate) mod size {
    pub const TITLE: f64 = 38.0;
    pub const SUBTITLE: f64 = 22.0;
    pub const PANEL_TITLE: f64 = 26.0;
    pub const AXIS_DESC: f64 = 23.0;
    pub const TICK: f64 = 20.0;
    pub const LEGEND: f64 = 21.0;
    pub const CELL: f64 = 19.0;
}

/// Text style of the given size in the embedded font.
pub(crate) fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from((FONT_FAMILY, px).into_font())
}

/// Text style of the given size and colour.
pub(crate) fn font_c(px: f64, c: RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, px).into_font().color(&c)
}

pub(crate) const BLACK: RGBColor = RGBColor(0, 0, 0);
pub(crate) const DARK: RGBColor = RGBColor(40, 40, 40);
pub(crate) const GREY: RGBColor = RGBColor(110, 110, 110);
pub(crate) const LIGHT_GREY: RGBColor = RGBColor(200, 200, 200);
pub(crate) const WHITE: RGBColor = RGBColor(255, 255, 255);

/// Town colours (matplotlib's tab10), indexed by the town's position in
/// [`RunData::towns`](super::data::RunData::towns), wrapping after 10.
pub(crate) const TOWN_PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Colour of the town at `index` in the run's town order.
pub fn town_colour(index: usize) -> RGBColor {
    TOWN_PALETTE[index % TOWN_PALETTE.len()]
}

/// Sectors of the model, in stacking order (the members of the towns table's
/// `emp_<sector>` columns).
pub fn sectors() -> Vec<&'static str> {
    (towns::EMP_SECTOR.members)()
}

/// Firm kinds of the towns table (`firms_<kind>`).
pub fn firm_kinds() -> Vec<&'static str> {
    (towns::FIRMS_KIND.members)()
}

/// Age bands of the towns table (`pop_<band>`, `out_migrants_<band>`).
pub fn age_bands() -> Vec<&'static str> {
    (towns::OUT_MIGRANTS_AGE.members)()
}

/// Colour of the city-forming giants band (dark red, distinct from all sectors).
pub(crate) const GIANT_COLOUR: RGBColor = RGBColor(122, 16, 22);

/// Fixed colour of a sector.
pub(crate) fn sector_colour(sector: &str) -> RGBColor {
    match sector {
        "metallurgy" => RGBColor(120, 120, 130),
        "machinery_defence" => RGBColor(31, 119, 180),
        "mining" => RGBColor(140, 86, 75),
        "chemicals" => RGBColor(148, 103, 189),
        "pharma_biotech" => RGBColor(227, 119, 194),
        "composites_materials" => RGBColor(23, 190, 207),
        "it" => RGBColor(44, 160, 44),
        "tourism" => RGBColor(188, 189, 34),
        "local_services" => RGBColor(255, 127, 14),
        "public_sector" => RGBColor(158, 199, 232),
        other => {
            let h = other
                .bytes()
                .fold(0u32, |a, b| a.wrapping_mul(31) + u32::from(b));
            let g = 90 + (h % 120) as u8;
            RGBColor(g, g, g)
        }
    }
}

/// Human-readable sector name.
pub(crate) fn sector_label(sector: &str) -> String {
    match sector {
        "machinery_defence" => "machinery & defence".into(),
        "pharma_biotech" => "pharma & biotech".into(),
        "composites_materials" => "composites & materials".into(),
        "it" => "IT".into(),
        other => other.replace('_', " "),
    }
}

/// Colour of a firm kind.
pub(crate) fn kind_colour(kind: &str) -> RGBColor {
    match kind {
        "giant" => GIANT_COLOUR,
        "large" => RGBColor(31, 119, 180),
        "sme" => RGBColor(44, 160, 44),
        "spinoff" => RGBColor(255, 127, 14),
        _ => GREY,
    }
}

/// Human-readable firm kind.
pub(crate) fn kind_label(kind: &str) -> String {
    match kind {
        "giant" => "city-forming giants".into(),
        "large" => "large firms".into(),
        "sme" => "SMEs".into(),
        "spinoff" => "spin-offs".into(),
        other => other.into(),
    }
}

/// Colour of an age band; 18–29 stands out because youth out-migration is the
/// story these charts tell.
pub(crate) fn age_colour(band: &str) -> RGBColor {
    match band {
        "0_17" => RGBColor(107, 174, 214),
        "18_29" => RGBColor(214, 39, 40),
        "30_39" => RGBColor(255, 127, 14),
        "40_59" => RGBColor(140, 86, 75),
        _ => RGBColor(127, 127, 127),
    }
}

/// Human-readable age band ("18–29", "60+").
pub(crate) fn age_label(band: &str) -> String {
    match band.strip_suffix("_plus") {
        Some(a) => format!("{a}+"),
        None => band.replace('_', "–"),
    }
}

/// Colours of the monotown status timeline: not a monotown, category 1, 2, 3.
pub(crate) const STATUS_COLOURS: [RGBColor; 4] = [
    RGBColor(217, 217, 217),
    RGBColor(215, 48, 39),
    RGBColor(253, 174, 97),
    RGBColor(26, 152, 80),
];

/// Legend labels matching [`STATUS_COLOURS`].
pub(crate) const STATUS_LABELS: [&str; 4] = [
    "not a monotown",
    "category 1 (most difficult)",
    "category 2 (risk of worsening)",
    "category 3 (stable)",
];

/// Formats a number compactly: `440000 -> "440k"`, `1500 -> "1.5k"`,
/// `2.5e6 -> "2.5M"`, `0.25 -> "0.25"`.
pub fn fmt_si(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e9 {
        (v / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    format!("{}{suffix}", fmt_plain(scaled))
}

/// Formats a number with at most 2 significant decimals, trailing zeros cut.
pub(crate) fn fmt_plain(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let a = v.abs();
    let dec = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 0.1 || a == 0.0 {
        2
    } else {
        // Small values keep their first two significant digits (0.002, 0.0025), so an
        // axis of small differences does not read "0" at every tick.
        (1 + (-a.log10()).ceil() as usize).min(8)
    };
    let mut s = format!("{v:.dec$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".into() } else { s }
}

/// Integer-year tick positions within `[lo, hi]`, at a 1/2/5/10/... year step
/// chosen so that at most `max_ticks` ticks appear.
pub(crate) fn year_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    let max_ticks = max_ticks.max(2);
    for step in [1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 500.0] {
        let first = (lo / step).ceil() * step;
        let ticks: Vec<f64> = (0..)
            .map(|k| first + f64::from(k) * step)
            .take_while(|&t| t <= hi + 1e-9)
            .take(max_ticks + 1)
            .collect();
        if ticks.len() <= max_ticks {
            return ticks;
        }
    }
    vec![lo.ceil(), hi.floor()]
}

/// Turns a town name into a safe file-name part (`"Naberezhnye Chelny"` ->
/// `"naberezhnye_chelny"`); letters of any script are kept.
pub fn file_slug(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                '_'
            }
        })
        .collect();
    while s.contains("__") {
        s = s.replace("__", "_");
    }
    let s = s.trim_matches('_').to_string();
    if s.is_empty() { "town".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_format() {
        assert_eq!(fmt_si(440_000.0), "440k");
        assert_eq!(fmt_si(1_500.0), "1.5k");
        assert_eq!(fmt_si(12_500.0), "12.5k");
        assert_eq!(fmt_si(2_500_000.0), "2.5M");
        assert_eq!(fmt_si(0.0), "0");
        assert_eq!(fmt_si(-2_000.0), "-2k");
        assert_eq!(fmt_si(0.25), "0.25");
        assert_eq!(fmt_si(50.0), "50");
        // Regression: effect charts of unemployment-rate differences read "0" at every tick.
        assert_eq!(fmt_si(0.002), "0.002");
        assert_eq!(fmt_si(-0.0025), "-0.0025");
        assert_eq!(fmt_si(0.05), "0.05");
        assert_eq!(fmt_si(1e-12), "0");
    }

    #[test]
    fn ticks_are_integer_years() {
        let t = year_ticks(1989.0, 2035.9, 12);
        assert_eq!(t.first(), Some(&1990.0));
        assert_eq!(t.last(), Some(&2035.0));
        assert!(t.iter().all(|v| v.fract() == 0.0));
        let t = year_ticks(2000.0, 2002.5, 12);
        assert_eq!(t, vec![2000.0, 2001.0, 2002.0]);
    }

    #[test]
    fn slugs() {
        assert_eq!(file_slug("Naberezhnye Chelny"), "naberezhnye_chelny");
        assert_eq!(file_slug("Тольятти"), "тольятти");
        assert_eq!(file_slug("  "), "town");
    }
}
