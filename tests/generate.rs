//! `monotown generate national` as a user meets it: the file it writes is deterministic,
//! passes `validate`, runs, and bad flags exit 2 without writing anything.

use std::path::Path;
use std::process::{Command, Output};

use monotown::output::read_parquet;

fn monotown(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_monotown"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn generate(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["generate", "national", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    monotown(&args)
}

#[test]
fn writes_the_same_valid_file_for_the_same_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a.toml"),
        tmp.path().join("sub/b.toml"),
        tmp.path().join("c.toml"),
    );
    for (path, seed) in [(&a, "4"), (&b, "4"), (&c, "5")] {
        let out = generate(path, &["--towns", "300", "--seed", seed]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (ta, tb, tc) = (
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        std::fs::read(&c).unwrap(),
    );
    assert_eq!(ta, tb, "same seed, different bytes");
    assert_ne!(ta, tc, "another seed, same bytes");
    assert!(String::from_utf8_lossy(&ta).starts_with("# SYNTHETIC"));
    let v = monotown(&["validate", a.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&v.stdout);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    assert!(stdout.contains("(320 towns,"), "{stdout}");
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn a_small_generated_system_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("n5.toml");
    let out = generate(
        &file,
        &[
            "--towns",
            "5",
            "--hubs",
            "2",
            "--end-year",
            "1991",
            "--seed",
            "9",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = tmp.path().join("run");
    let r = monotown(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        run.to_str().unwrap(),
        "--scale",
        "0.05",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let towns = read_parquet(&run.join("towns.parquet")).unwrap();
    let names = towns.column("town").unwrap().unique().unwrap();
    assert_eq!(names.len(), 7, "5 towns and 2 hubs");
}

#[test]
fn bad_flags_exit_2_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.toml");
    for (args, expect) in [
        (
            vec!["--towns", "0"],
            "--towns: 0 is outside the valid range [1, 900]",
        ),
        (vec!["--towns", "5000"], "--towns"),
        (
            vec!["--hubs", "101"],
            "--hubs: 101 is outside the valid range [1, 100]",
        ),
        (vec!["--exponent", "0.1"], "--exponent"),
        (vec!["--population", "5"], "--population"),
        (vec!["--end-year", "2050"], "--end-year"),
        (vec!["--towns", "many"], "invalid value"),
    ] {
        let out = generate(&file, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!file.exists(), "{args:?} wrote a file");
    }
    let out = generate(&tmp.path().join("bad.txt"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
}
