//! `report.html` of a calibration: one static page (no JavaScript) with the file, seed,
//! generations, posterior summary, charts, the checks (in-sample fit and out-of-sample
//! validation with 90 % intervals) and links to the calibrated scenarios.

use std::fmt::Write;

use super::abc::{Generation, Stop, weighted_quantile};
use super::file::Calibration;
use super::output::{GenerationState, parameter_column};
use super::predictive::Predictive;
use super::target::ObsKind;
use crate::batch::report::{Figure, esc, num};

const STYLE: &str = "body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;color:#222;max-width:1200px}\
table{border-collapse:collapse;margin:0.5em 0 1.5em 0;font-size:0.9em}\
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f0f0f0}\
td.l,th.l{text-align:left}tr.out td{background:#fde2e2}.note{color:#8a4b00}\
img{max-width:100%;border:1px solid #ddd}code{background:#f5f5f5;padding:0 3px}";

/// What the report shows besides the calibration.
pub struct ReportInput<'a> {
    /// Complete generations.
    pub generations: &'a [GenerationState],
    /// Why it stopped, once finished.
    pub stop: Option<Stop>,
    /// Charts drawn (paths relative to the folder).
    pub figures: &'a [Figure],
    /// Calibrated scenario files, relative to the folder.
    pub calibrated: &'a [String],
    /// The posterior-predictive batch, once run.
    pub predictive: Option<&'a Predictive>,
}

/// Render `report.html`.
pub fn render(cal: &Calibration, d: &ReportInput) -> String {
    let mut h = String::new();
    let name = cal.path.display().to_string();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>monotown calibration {}</title><style>{STYLE}</style></head><body>\n",
        esc(&name)
    );
    let _ = writeln!(h, "<h1>Calibration <code>{}</code></h1>", esc(&name));
    let s = &cal.settings;
    let _ = writeln!(
        h,
        "<p>ABC-SMC, seed <code>{}</code>, population {}, up to {} generations, {} replicate(s), fit until {}; {} parameter(s), {} observation(s) ({} in sample). Inputs fingerprint <code>{}</code>.</p>",
        s.seed,
        s.population,
        s.generations,
        cal.file.calibration.replicates,
        cal.file.calibration.fit_until,
        cal.parameters.len(),
        cal.observations.len(),
        cal.observations.iter().filter(|o| o.in_sample).count(),
        esc(&cal.fingerprint)
    );
    let status = match d.stop {
        Some(st) => format!("Finished: stopped because {}.", st.text()),
        None => "Running or interrupted: re-run the same command to continue.".into(),
    };
    let _ = writeln!(h, "<p>{}</p>", esc(&status));
    generations_section(&mut h, d.generations);
    if let Some(last) = d.generations.last() {
        posterior_section(&mut h, cal, &last.generation);
    }
    if !d.figures.is_empty() {
        h.push_str("<h2>Charts</h2>\n");
        for f in d.figures {
            let _ = writeln!(
                h,
                "<h3>{}</h3>\n<p><a href=\"{p}\"><img src=\"{p}\" alt=\"{t}\"></a><br>{c}</p>",
                esc(&f.title),
                p = esc(&f.path),
                t = esc(&f.title),
                c = esc(&f.caption)
            );
        }
    }
    if let Some(last) = d.generations.last() {
        checks_section(&mut h, cal, &last.generation);
    }
    if let Some(p) = d.predictive {
        predictive_section(&mut h, cal, p);
    }
    h.push_str("<h2>Calibrated scenarios</h2>\n<p>Base scenarios with the last generation's weighted posterior medians written in:</p>\n<ul>\n");
    for c in d.calibrated {
        let _ = writeln!(h, "<li><a href=\"{0}\"><code>{0}</code></a></li>", esc(c));
    }
    h.push_str("</ul>\n<p>Tables: <a href=\"posterior.csv\">posterior.csv</a>, <a href=\"generations.csv\">generations.csv</a>, <a href=\"checks.csv\">checks.csv</a>, <a href=\"failures.csv\">failures.csv</a>.</p>\n");
    if d.predictive.is_some() {
        h.push_str("<p>Posterior predictive: <a href=\"predictive/predictive.csv\">predictive/predictive.csv</a>, <a href=\"predictive/series.csv\">predictive/series.csv</a> (also .parquet), <a href=\"predictive/failures.csv\">predictive/failures.csv</a>.</p>\n");
    }
    h.push_str("</body></html>\n");
    h
}

fn generations_section(h: &mut String, gens: &[GenerationState]) {
    h.push_str("<h2>Generations</h2>\n<table><tr><th>generation</th><th>epsilon</th><th>acceptance rate</th><th>ESS</th><th>attempts</th><th>runs</th><th>failures</th><th>wall seconds</th></tr>\n");
    for s in gens {
        let g = &s.generation;
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{:.3}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1}</td></tr>",
            g.index,
            g.epsilon.map_or("∞".into(), num),
            g.acceptance_rate(),
            g.ess(),
            g.attempts,
            g.runs,
            g.failures.len(),
            s.wall_seconds
        );
    }
    h.push_str("</table>\n");
}

fn posterior_section(h: &mut String, cal: &Calibration, g: &Generation) {
    let _ = writeln!(
        h,
        "<h2>Posterior (generation {})</h2>\n<table><tr><th class=\"l\">parameter</th><th class=\"l\">prior</th><th>weighted median</th><th>5%</th><th>95%</th></tr>",
        g.index
    );
    let w: Vec<f64> = g.particles.iter().map(|p| p.weight).collect();
    for i in 0..cal.parameters.len() {
        let v: Vec<f64> = g.particles.iter().map(|p| p.theta[i]).collect();
        let q = |x| num(weighted_quantile(&v, &w, x));
        let _ = writeln!(
            h,
            "<tr><td class=\"l\"><code>{}</code></td><td class=\"l\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&parameter_column(cal, i)),
            esc(&cal.file.parameter[i].prior),
            q(0.5),
            q(0.05),
            q(0.95)
        );
    }
    h.push_str("</table>\n");
}

/// In-sample (fit) and out-of-sample (validation) observations against the last
/// generation's weighted median and 90 % interval, as in checks.csv.
fn checks_section(h: &mut String, cal: &Calibration, g: &Generation) {
    let w: Vec<f64> = g.particles.iter().map(|p| p.weight).collect();
    for (in_sample, title) in [
        (true, "In-sample fit"),
        (false, "Out-of-sample check (after fit_until)"),
    ] {
        let obs: Vec<(usize, _)> = cal
            .observations
            .iter()
            .enumerate()
            .filter(|(_, o)| o.in_sample == in_sample)
            .collect();
        let _ = writeln!(h, "<h2>{}</h2>", esc(title));
        if obs.is_empty() {
            h.push_str("<p class=\"note\">No observations.</p>\n");
            continue;
        }
        h.push_str("<table><tr><th class=\"l\">target</th><th class=\"l\">scenario</th><th class=\"l\">town</th><th>year</th><th class=\"l\">statistic</th><th>observed</th><th>simulated median</th><th>90% interval</th><th>relative error</th><th>observed inside</th></tr>\n");
        let (mut sum_abs, mut n, mut inside) = (0.0, 0usize, 0usize);
        for (i, o) in obs {
            let v: Vec<f64> = g.particles.iter().map(|p| p.stats[i]).collect();
            let q = |x| weighted_quantile(&v, &w, x);
            let (med, lo, hi) = (q(0.5), q(0.05), q(0.95));
            let rel = med / o.observed - 1.0;
            let within = o.observed >= lo && o.observed <= hi;
            if rel.is_finite() {
                sum_abs += rel.abs();
                n += 1;
            }
            inside += usize::from(within);
            let what = match &o.kind {
                ObsKind::Series(m) => format!("{} {}", m.column, m.stat.name()),
                ObsKind::Fact(f) => format!("fact {f}"),
            };
            let _ = writeln!(
                h,
                "<tr{}><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td></tr>",
                if within { "" } else { " class=\"out\"" },
                esc(&o.target),
                esc(&cal.scenarios[o.scenario].base.name),
                esc(&o.town),
                o.year.map(|y| y.to_string()).unwrap_or_default(),
                esc(&what),
                num(o.observed),
                num(med),
                num(lo),
                num(hi),
                if rel.is_finite() {
                    format!("{:+.1}%", 100.0 * rel)
                } else {
                    "–".into()
                },
                if within { "yes" } else { "no" }
            );
        }
        let _ = writeln!(
            h,
            "</table>\n<p>Mean absolute relative error {}; observed value inside the 90% interval in {inside} of {} rows.</p>",
            if n > 0 {
                format!("{:.1}%", 100.0 * sum_abs / n as f64)
            } else {
                "–".into()
            },
            cal.observations
                .iter()
                .filter(|o| o.in_sample == in_sample)
                .count()
        );
    }
}

/// The posterior-predictive batch: its band charts, and every observation against the
/// predictive median and 90% interval, in sample and out of sample.
fn predictive_section(h: &mut String, cal: &Calibration, p: &Predictive) {
    let runs = p.draws * p.replicates;
    let _ = writeln!(
        h,
        "<h2>Posterior predictive</h2>\n<p>{} draw(s) from the weighted posterior of generation {}, {} replicate(s) each: {runs} run(s) over the full years of each scenario, {} failed. The predictive median and 90% interval (5%–95% of the runs) of every observation; in predictive/predictive.csv.</p>",
        p.draws, p.generation, p.replicates, p.failures
    );
    for f in &p.figures {
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<p><a href=\"{p}\"><img src=\"{p}\" alt=\"{t}\"></a><br>{c}</p>",
            esc(&f.title),
            p = esc(&f.path),
            t = esc(&f.title),
            c = esc(&f.caption)
        );
    }
    for (in_sample, title) in [
        (true, "Posterior predictive, in sample"),
        (
            false,
            "Posterior predictive, out of sample (after fit_until)",
        ),
    ] {
        let rows: Vec<_> = cal
            .observations
            .iter()
            .zip(&p.checks)
            .filter(|(o, _)| o.in_sample == in_sample)
            .collect();
        let _ = writeln!(h, "<h3>{}</h3>", esc(title));
        if rows.is_empty() {
            h.push_str("<p class=\"note\">No observations.</p>\n");
            continue;
        }
        h.push_str("<table><tr><th class=\"l\">target</th><th class=\"l\">scenario</th><th class=\"l\">town</th><th>year</th><th class=\"l\">statistic</th><th>observed</th><th>predictive median</th><th>90% predictive interval</th><th>relative error</th><th>observed inside</th><th>runs</th></tr>\n");
        let (mut sum_abs, mut n, mut inside) = (0.0, 0usize, 0usize);
        for (o, c) in &rows {
            if c.rel_error.is_finite() {
                sum_abs += c.rel_error.abs();
                n += 1;
            }
            inside += usize::from(c.inside);
            let what = match &o.kind {
                ObsKind::Series(m) => format!("{} {}", m.column, m.stat.name()),
                ObsKind::Fact(f) => format!("fact {f}"),
            };
            let _ = writeln!(
                h,
                "<tr{}><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if c.inside { "" } else { " class=\"out\"" },
                esc(&o.target),
                esc(&cal.scenarios[o.scenario].base.name),
                esc(&o.town),
                o.year.map(|y| y.to_string()).unwrap_or_default(),
                esc(&what),
                num(o.observed),
                num(c.median),
                num(c.q05),
                num(c.q95),
                if c.rel_error.is_finite() {
                    format!("{:+.1}%", 100.0 * c.rel_error)
                } else {
                    "–".into()
                },
                if c.inside { "yes" } else { "no" },
                c.runs
            );
        }
        let coverage = 100.0 * inside as f64 / rows.len() as f64;
        let _ = writeln!(
            h,
            "</table>\n<p>{}: mean absolute relative error {}; coverage of the 90% predictive interval {inside} of {} ({coverage:.0}%).</p>",
            if in_sample {
                "In sample"
            } else {
                "Out of sample"
            },
            if n > 0 {
                format!("{:.1}%", 100.0 * sum_abs / n as f64)
            } else {
                "–".into()
            },
            rows.len(),
        );
    }
}
