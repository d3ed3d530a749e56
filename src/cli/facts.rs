//! `monotown facts`: the stylised facts of saved run folders, recomputed from their tables.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use monotown::facts;

/// Print the facts of one folder, or the median and 5-95% range across several.
pub(super) fn facts(dirs: &[PathBuf]) -> Result<()> {
    let mut runs = Vec::with_capacity(dirs.len());
    for d in dirs {
        if !d.is_dir() {
            bail!(
                "{} is not a folder (pass a run folder such as output/biysk/seed20240502-scale1)",
                d.display()
            );
        }
        runs.push(facts::from_dir(d).with_context(|| format!("reading {}", d.display()))?);
    }
    if let [one] = runs.as_slice() {
        println!("stylised facts of {}", dirs[0].display());
        print!("{}", facts::table_text(one));
    } else {
        println!("stylised facts across {} runs", runs.len());
        print!("{}", facts::summary_text(&facts::summarise(&runs)));
    }
    Ok(())
}
