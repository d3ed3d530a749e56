//! The `generate` command (binary only): check the flags, generate the system in the
//! library's `generate` module and write the scenario atomically.

use std::path::Path;

use anyhow::{Context, Result};

use monotown::generate::{self, NationalOptions};

/// `monotown generate national`: bad flags exit with status 2 before anything is written.
pub fn national(opts: &NationalOptions, out: &Path) -> Result<()> {
    let system = match generate::national(opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    if out.extension().is_none_or(|e| e != "toml") {
        eprintln!("error: --out: `{}` must name a .toml file", out.display());
        std::process::exit(2);
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    monotown::output::write_atomic(out, system.toml.as_bytes())
        .with_context(|| format!("writing {}", out.display()))?;
    let people: f64 = system.towns.iter().map(|t| t.population).sum();
    println!(
        "{}: {} towns ({:.0} residents, largest {:.0}), {} hubs",
        out.display(),
        system.towns.len(),
        people,
        system.towns.first().map_or(0.0, |t| t.population),
        system.hubs.len()
    );
    Ok(())
}
