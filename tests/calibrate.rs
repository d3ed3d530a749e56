//! `monotown calibrate`: the tiny calibration runs, writes its files, resumes to the same
//! bytes, does not depend on the thread count, and bad input is a clear error (exit 2)
//! that writes nothing.

use std::path::Path;
use std::process::Command;

const TINY: &str = "scenarios/calibration/tiny.toml";

fn monotown(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_monotown"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn calibrate(out: &Path, threads: &str) {
    let o = out.display().to_string();
    let r = monotown(&[
        "calibrate",
        TINY,
        "--out",
        &o,
        "--threads",
        threads,
        "--quiet",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(
        r.stderr.is_empty(),
        "--quiet: {}",
        String::from_utf8_lossy(&r.stderr)
    );
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The charts are a PNG and a well-formed SVG each, no temporary file is left, and
/// report.html links every chart that exists and the calibrated scenario.
fn charts_and_report(dir: &Path) {
    let stems = [
        "posterior_migration.base_hazard",
        "posterior_town.Biysk.amenity",
        "epsilon",
        "pairs",
    ];
    for s in stems {
        let png = read(&dir.join(format!("{s}.png")));
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000,
            "{s}.png is not a PNG"
        );
        // IHDR: width and height, big-endian, at bytes 16..24.
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert!(w >= 400 && h >= 300, "{s}.png is {w}x{h}");
        let svg = String::from_utf8(read(&dir.join(format!("{s}.svg")))).unwrap();
        assert!(
            svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
            "{s}.svg is not an SVG"
        );
    }
    let html = String::from_utf8(read(&dir.join("report.html"))).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for sub in ["predictive", "state", "state/predictive"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.contains(".tmp"), "temporary file {sub}/{name} left");
        }
    }
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp"), "temporary file {name} left");
        if name.ends_with(".png") {
            assert!(
                html.contains(&format!("src=\"{name}\"")),
                "report.html does not show {name}"
            );
        }
    }
    for needle in [
        "href=\"calibrated/biysk.toml\"",
        "seed <code>20240501</code>",
        "In-sample fit",
        "Out-of-sample check",
        "90% interval",
        "<h2>Posterior predictive</h2>",
        "src=\"predictive/Biysk_population.png\"",
        "90% predictive interval",
        "In sample: mean absolute relative error",
        "Out of sample: mean absolute relative error",
        "href=\"predictive/predictive.csv\"",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle}");
    }
}

/// The posterior-predictive outputs of the tiny calibration (20 draws, 1 replicate, full
/// years 1989-2035): the band chart, the December table read back with polars, and
/// predictive.csv with ordered intervals around every observation.
fn predictive_outputs(dir: &Path) {
    use polars::prelude::*;
    let p = dir.join("predictive");
    let png = read(&p.join("Biysk_population.png"));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000);
    let svg = String::from_utf8(read(&p.join("Biysk_population.svg"))).unwrap();
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(
        svg.contains("fit_until = 2002"),
        "no fit_until line in the SVG"
    );
    for d in 0..20 {
        assert!(
            dir.join(format!("state/predictive/draw_{d:05}.json"))
                .exists(),
            "draw {d} not saved"
        );
    }
    let file = std::fs::File::open(p.join("series.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "draw",
            "replicate",
            "particle",
            "seed",
            "migration.base_hazard",
            "town.Biysk.amenity",
            "scenario",
            "town",
            "year",
            "population"
        ]
    );
    // Full years: 1989-2035 for each of the 20 draws, not shortened to 2010.
    assert_eq!(df.height(), 20 * 47, "{df}");
    let year = df.column("year").unwrap().i32().unwrap();
    assert_eq!(year.min(), Some(1989));
    assert_eq!(year.max(), Some(2035));
    let pop = df.column("population").unwrap().f64().unwrap();
    assert_eq!(pop.null_count(), 0);
    assert!(pop.min().is_some_and(|v| v > 50_000.0), "{pop:?}");
    let draws = df.column("draw").unwrap().u32().unwrap();
    assert_eq!((draws.min(), draws.max()), (Some(0), Some(19)));
    let csv = std::fs::read_to_string(p.join("series.csv")).unwrap();
    assert_eq!(csv.lines().count(), 20 * 47 + 1);
    assert_eq!(
        std::fs::read_to_string(p.join("failures.csv")).unwrap(),
        "draw,replicate,particle,seed,error\n"
    );
    let text = std::fs::read_to_string(p.join("predictive.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "target,scenario,town,year,statistic,in_sample,observed,low,high,pred_median,pred_q05,pred_q95,rel_error,inside,runs"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let years: Vec<(&str, &str)> = rows.iter().map(|r| (r[3], r[5])).collect();
    assert_eq!(
        years,
        [("1989", "true"), ("2002", "true"), ("2010", "false")],
        "{text}"
    );
    for r in &rows {
        let f = |i: usize| r[i].parse::<f64>().unwrap();
        let (obs, med, lo, hi, rel) = (f(6), f(9), f(10), f(11), f(12));
        assert!(lo <= med && med <= hi, "interval not ordered: {r:?}");
        assert!(hi > lo, "degenerate interval: {r:?}");
        assert!((rel - (med / obs - 1.0)).abs() < 1e-12, "{r:?}");
        assert_eq!(r[13] == "true", lo <= obs && obs <= hi, "{r:?}");
        assert_eq!(r[14], "20");
    }
}

/// The bytes of every posterior-predictive output.
fn predictive_bytes(dir: &Path) -> Vec<Vec<u8>> {
    [
        "series.parquet",
        "series.csv",
        "predictive.csv",
        "failures.csv",
        "Biysk_population.svg",
        "Biysk_population.png",
    ]
    .iter()
    .map(|f| read(&dir.join("predictive").join(f)))
    .collect()
}

#[test]
fn tiny_calibration_writes_resumes_and_ignores_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    calibrate(&a, "2");
    for f in [
        "posterior.parquet",
        "posterior.csv",
        "generations.csv",
        "failures.csv",
        "checks.csv",
        "calibrated/biysk.toml",
        "state/generation_000.json",
        "state/generation_001.json",
    ] {
        assert!(a.join(f).exists(), "{f} missing");
    }
    charts_and_report(&a);
    predictive_outputs(&a);
    let pred = predictive_bytes(&a);
    let posterior = String::from_utf8(read(&a.join("posterior.csv"))).unwrap();
    let mut lines = posterior.lines();
    assert_eq!(
        lines.next().unwrap(),
        "generation,particle,attempt,migration.base_hazard,town.Biysk.amenity,weight,distance,seed"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    for g in ["0", "1"] {
        let gen_rows: Vec<_> = rows.iter().filter(|r| r[0] == g).collect();
        assert!(
            gen_rows.len() >= 10,
            "generation {g}: {} particles",
            gen_rows.len()
        );
        let w: f64 = gen_rows.iter().map(|r| r[5].parse::<f64>().unwrap()).sum();
        assert!(
            (w - 1.0).abs() < 1e-9,
            "weights of generation {g} sum to {w}"
        );
        for r in &gen_rows {
            let hazard: f64 = r[3].parse().unwrap();
            let amenity: f64 = r[4].parse().unwrap();
            assert!((0.0005..=0.002).contains(&hazard) && (0.9..=1.2).contains(&amenity));
        }
    }
    let gens = String::from_utf8(read(&a.join("generations.csv"))).unwrap();
    assert_eq!(gens.lines().count(), 3, "{gens}");
    let checks = String::from_utf8(read(&a.join("checks.csv"))).unwrap();
    assert!(
        checks.contains("Biysk,2002,population december,true"),
        "{checks}"
    );
    assert!(
        checks.contains("Biysk,2010,population december,false"),
        "{checks}"
    );
    let calibrated = String::from_utf8(read(&a.join("calibrated/biysk.toml"))).unwrap();
    assert!(calibrated.starts_with("# Calibrated by `monotown calibrate"));
    let scenario = calibrated
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    monotown::scenario::Scenario::from_toml(&scenario, Path::new("calibrated.toml")).unwrap();

    let bytes = read(&a.join("posterior.parquet"));
    let csv = read(&a.join("posterior.csv"));
    // Re-running a finished calibration changes nothing.
    calibrate(&a, "2");
    assert_eq!(read(&a.join("posterior.csv")), csv);
    // As after a kill -9 during generation 1: its state was never written (a temporary
    // file may be left). The re-run continues from generation 0 to the same posterior.
    std::fs::remove_file(a.join("state/generation_001.json")).unwrap();
    std::fs::write(a.join("state/generation_001.json.tmp"), "{\"half").unwrap();
    calibrate(&a, "2");
    assert_eq!(read(&a.join("posterior.parquet")), bytes);
    assert_eq!(read(&a.join("posterior.csv")), csv);
    assert!(predictive_bytes(&a) == pred, "predictive outputs changed");
    // The predictive folder deleted: rewritten from the saved draws, to the same bytes.
    std::fs::remove_dir_all(a.join("predictive")).unwrap();
    calibrate(&a, "2");
    assert!(predictive_bytes(&a) == pred, "predictive outputs changed");
    // As after a kill during the predictive batch: some draws were never saved, and
    // temporary files are left. The re-run runs the missing draws, to the same bytes.
    for d in [3, 11, 19] {
        std::fs::remove_file(a.join(format!("state/predictive/draw_{d:05}.json"))).unwrap();
    }
    std::fs::write(a.join("state/predictive/draw_00003.json.tmp"), "{\"half").unwrap();
    std::fs::write(a.join("predictive/predictive.csv.tmp"), "target,scen").unwrap();
    std::fs::remove_file(a.join("predictive/predictive.csv")).unwrap();
    calibrate(&a, "2");
    assert!(predictive_bytes(&a) == pred, "predictive outputs changed");
    charts_and_report(&a);
    // One thread: the same posterior and the same predictive batch.
    let b = tmp.path().join("b");
    calibrate(&b, "1");
    assert_eq!(read(&b.join("posterior.parquet")), bytes);
    assert_eq!(read(&b.join("posterior.csv")), csv);
    assert!(
        predictive_bytes(&b) == pred,
        "predictive outputs differ at 1 thread"
    );
    predictive_outputs(&b);
}

#[test]
fn bad_calibration_files_are_clear_errors_with_exit_2_and_no_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = std::fs::read_to_string(root.join(TINY)).unwrap();
    let base = base
        .replace(
            "../biysk.toml",
            &root.join("scenarios/biysk.toml").display().to_string(),
        )
        .replace(
            "../data/census.csv",
            &root.join("scenarios/data/census.csv").display().to_string(),
        );
    let cases: &[(&str, &str, &str)] = &[
        (
            "key = \"migration.base_hazard\"",
            "key = \"migration.base_hazrd\"",
            "did you mean `migration.base_hazard`",
        ),
        (
            "loguniform(0.0005, 0.002)",
            "uniform(0.5, 2)",
            "outside the valid range [0, 1]",
        ),
        (
            "loguniform(0.0005, 0.002)",
            "normal(0.001, 0.001)",
            "use truncnormal",
        ),
        (
            "uniform(0.9, 1.2)",
            "uniform(-1, 1.2)",
            "town.Biysk.amenity",
        ),
        (
            "\ncolumn = \"population\"",
            "\ncolumn = \"populaton\"",
            "did you mean `population`",
        ),
        (
            "fit_until = 2002",
            "fit_until = 1980",
            "calibration.fit_until",
        ),
        (
            "fit_until = 2002",
            "fit_until = 2002\nkernel = \"olmc\"",
            "calibration.kernel",
        ),
        (
            "towns = [\"Biysk\"]",
            "towns = [\"Biysk\"]\nyears = [2011, 2020]",
            "has no observations",
        ),
        (
            "towns = [\"Biysk\"]",
            "towns = [\"Barnaul\"]",
            "not an agent town",
        ),
        (
            "population = 10",
            "population = 1",
            "calibration.population",
        ),
        (
            "quantile = 0.5",
            "quantile = 0.5\nepsilon = 1",
            "unknown field `epsilon`",
        ),
        (
            "predictive_draws = 20",
            "predictive_draws = -1",
            "`calibration.predictive_draws`: value -1 is outside the valid range [0, 100000]",
        ),
        (
            "predictive_draws = 20",
            "predictive_draws = 1e9",
            "calibration.predictive_draws",
        ),
        (
            "predictive_replicates = 1",
            "predictive_replicates = 0",
            "`calibration.predictive_replicates`: value 0 is outside the valid range [1, 1000]",
        ),
        (
            "[[target]]\nname = \"census\"",
            "[[target]]\nname = \"okun\"\nfact = \"okun_coeficient\"\ntown = \"Biysk\"\n\n[[target]]\nname = \"census\"",
            "did you mean `okun_coefficient`",
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (i, (from, to, expect)) in cases.iter().enumerate() {
        assert!(base.contains(from), "{from}");
        let file = tmp.path().join(format!("bad{i}.toml"));
        std::fs::write(&file, base.replacen(from, to, 1)).unwrap();
        let out = tmp.path().join(format!("out{i}"));
        let (f, o) = (file.display().to_string(), out.display().to_string());
        let r = monotown(&["calibrate", &f, "--out", &o]);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{to}: {err}");
        assert!(err.contains(expect), "{to}: {err}");
        assert!(!out.exists(), "{to}: wrote {}", out.display());
    }
}

/// Parameter recovery: Biysk at scale 0.02 with `migration.base_hazard` set to the code
/// default 0.001 (the shipped file carries its calibrated value) and seed 5 gives the "observed" December populations 1990-2010; a calibration
/// from a prior ten times wider must put the truth inside its 90% credible interval.
#[test]
fn recovers_the_migration_hazard_of_a_simulated_town() {
    use monotown::output::towns_frame;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The shipped Biysk with the hazard set to the truth (the shipped file carries its
    // calibrated value, which must not be what this test recovers by accident).
    let tmp = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(root.join("scenarios/biysk.toml")).unwrap();
    let line = shipped
        .lines()
        .find(|l| l.starts_with("base_hazard = "))
        .expect("scenarios/biysk.toml sets migration.base_hazard");
    let truth = shipped.replace(line, "base_hazard = 0.001");
    let biysk = tmp.path().join("biysk_truth.toml");
    std::fs::write(&biysk, truth).unwrap();
    let s = monotown::scenario::Scenario::load(&biysk)
        .unwrap()
        .with_scale(0.02)
        .unwrap();
    let out = monotown::run::simulate(&s, 5);
    let df = towns_frame(&out.records).unwrap();
    let town = df.column("town").unwrap().str().unwrap().clone();
    let year = df.column("year").unwrap().i32().unwrap().clone();
    let month = df.column("month").unwrap().i32().unwrap().clone();
    let pop = df.column("population").unwrap().i64().unwrap().clone();
    let mut csv = String::from("town,year,value,source\n");
    for i in 0..df.height() {
        let (t, y, m) = (
            town.get(i).unwrap(),
            year.get(i).unwrap(),
            month.get(i).unwrap(),
        );
        if t == "Biysk" && m == 12 && (1990..=2010).contains(&y) {
            csv.push_str(&format!("Biysk,{y},{},simulated\n", pop.get(i).unwrap()));
        }
    }
    std::fs::write(tmp.path().join("obs.csv"), csv).unwrap();
    let file = tmp.path().join("recover.toml");
    std::fs::write(
        &file,
        format!(
            r#"scenarios = ["{}"]

[calibration]
seed = 3
fit_until = 2010
population = 20
generations = 4
scale = 0.02
predictive_draws = 0

[[parameter]]
key = "migration.base_hazard"
prior = "loguniform(0.0003, 0.003)"

[[target]]
name = "truth"
file = "obs.csv"
column = "population"
relative_sd = 0.01
"#,
            biysk.display()
        ),
    )
    .unwrap();
    let dir = tmp.path().join("out");
    let (f, o) = (file.display().to_string(), dir.display().to_string());
    let r = monotown(&["calibrate", &f, "--out", &o, "--quiet"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    // predictive_draws = 0 switches the posterior-predictive batch off.
    assert!(!dir.join("predictive").exists() && !dir.join("state/predictive").exists());
    let report = String::from_utf8(read(&dir.join("report.html"))).unwrap();
    assert!(!report.contains("Posterior predictive"));
    let text = String::from_utf8(read(&dir.join("posterior.csv"))).unwrap();
    let last: Vec<(f64, f64)> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[0] == "3")
        .map(|r| (r[3].parse().unwrap(), r[4].parse().unwrap()))
        .collect();
    assert_eq!(last.len(), 20);
    let q = |p: f64| {
        monotown::calibrate::abc::weighted_quantile(
            &last.iter().map(|x| x.0).collect::<Vec<_>>(),
            &last.iter().map(|x| x.1).collect::<Vec<_>>(),
            p,
        )
    };
    let (lo, hi) = (q(0.05), q(0.95));
    eprintln!("posterior 90% interval of migration.base_hazard: [{lo}, {hi}], truth 0.001");
    assert!(lo <= 0.001 && 0.001 <= hi, "[{lo}, {hi}] misses 0.001");
    assert!(
        hi / lo < 4.0,
        "[{lo}, {hi}] is hardly narrower than the prior"
    );
}

/// `monotown calibrate TINY --out DIR EXTRA...` with `--quiet`; its status and stderr.
fn calibrate_with(out: &Path, extra: &[&str]) -> (i32, String) {
    let o = out.display().to_string();
    let mut args = vec!["calibrate", TINY, "--out", &o, "--threads", "2"];
    args.extend_from_slice(extra);
    let r = monotown(&args);
    (
        r.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&r.stderr).into_owned(),
    )
}

#[test]
fn shards_then_merge_give_the_unsharded_posterior() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    calibrate(&a, "2");
    // Generation by generation: three shards in a shuffled order, one of them run twice
    // (it resumes its saved rounds), then a merge.
    for generation in 0..2 {
        for shard in ["2/3", "0/3", "1/3", "0/3"] {
            let (code, err) = calibrate_with(&b, &["--shard", shard]);
            assert_eq!(code, 0, "{err}");
        }
        let dir = b.join(format!("state/shards/generation_{generation:03}"));
        let files = std::fs::read_dir(&dir).unwrap().count();
        assert!(files >= 3, "{}: {files} files", dir.display());
        let (code, err) = calibrate_with(&b, &["--merge"]);
        assert_eq!(code, 0, "{err}");
        assert!(
            b.join(format!("state/generation_{generation:03}.json"))
                .exists()
        );
    }
    // The stop rules hold: a shard has nothing to do, and a merge (already run) has
    // written everything.
    let (code, err) = calibrate_with(&b, &["--shard", "1/3"]);
    assert_eq!(code, 0, "{err}");
    assert!(!b.join("state/shards/generation_002").exists());
    for f in [
        "posterior.csv",
        "posterior.parquet",
        "checks.csv",
        "calibrated/biysk.toml",
    ] {
        assert!(read(&a.join(f)) == read(&b.join(f)), "{f} differs");
    }
    assert!(
        predictive_bytes(&a) == predictive_bytes(&b),
        "predictive outputs differ"
    );
    // generations.csv: the same but for the wall time (last column).
    let strip = |p: &Path| -> Vec<String> {
        String::from_utf8(read(p))
            .unwrap()
            .lines()
            .map(|l| l.rsplit_once(',').unwrap().0.to_string())
            .collect()
    };
    assert_eq!(
        strip(&a.join("generations.csv")),
        strip(&b.join("generations.csv"))
    );
}

#[test]
fn bad_shard_flags_are_clear_errors_with_exit_2_and_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (vec!["--shard", "3/3"], "--shard"),
        (vec!["--shard", "a/3"], "--shard"),
        (vec!["--shard", "0/0"], "--shard"),
        (vec!["--shard", "0/2", "--merge"], "--merge"),
    ] {
        let out = tmp.path().join("x");
        let (code, err) = calibrate_with(&out, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

#[test]
fn common_random_numbers_give_every_particle_of_a_generation_the_same_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(TINY)).unwrap();
    let cal = root.join("scenarios/calibration");
    let text = text
        .replace("\"../", &format!("\"{}/../", cal.display()))
        .replace("predictive_draws = 20", "predictive_draws = 0")
        .replace(
            "[calibration]\n",
            "[calibration]\ncommon_random_numbers = true\n",
        );
    assert!(text.contains("common_random_numbers = true"));
    let file = tmp.path().join("crn.toml");
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    let r = monotown(&[
        "calibrate",
        &file.display().to_string(),
        "--out",
        &out.display().to_string(),
        "--quiet",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let posterior = String::from_utf8(read(&out.join("posterior.csv"))).unwrap();
    let rows: Vec<Vec<&str>> = posterior
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    for g in ["0", "1"] {
        let seeds: std::collections::BTreeSet<&str> =
            rows.iter().filter(|r| r[0] == g).map(|r| r[7]).collect();
        assert_eq!(seeds.len(), 1, "generation {g}: seeds {seeds:?}");
    }
    // Without it (the shipped tiny file), seeds differ between particles.
    let plain = tmp.path().join("plain");
    calibrate(&plain, "2");
    let posterior = String::from_utf8(read(&plain.join("posterior.csv"))).unwrap();
    let seeds: std::collections::BTreeSet<&str> = posterior
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(7).unwrap())
        .collect();
    assert!(seeds.len() > 10, "{seeds:?}");
}
