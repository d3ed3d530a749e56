//! The two renewal-pattern scenarios of issue 13 run at a small scale, write their
//! outputs, and the files read back show each pattern's signature: Verkhnyaya Pyshma's
//! residents commute into Yekaterinburg and move there; Minsk's satellites and regional
//! towns send commuters and migrants to the capital, and firms relocated from the capital
//! arrive in the satellites only once the relocation policy is in force.

mod common;

use monotown::output::{Format, read_parquet, write_run};
use monotown::run::simulate;
use polars::prelude::*;

/// Runs a shipped scenario shortened to `end_year` at `scale` and writes its outputs.
fn run_short(name: &str, end_year: i32, scale: f64) -> tempfile::TempDir {
    let s = common::shipped_short(name, end_year, scale);
    let out = simulate(&s, s.params().seed());
    let dir = tempfile::tempdir().unwrap();
    write_run(dir.path(), &out.records, &out.manifest, Format::Parquet).unwrap();
    dir
}

/// The December value of an integer column of the towns table for a town and year.
fn december(towns: &DataFrame, town: &str, year: i32, column: &str) -> i64 {
    let rows = towns
        .clone()
        .lazy()
        .filter(
            col("town")
                .eq(lit(town))
                .and(col("year").eq(lit(year)))
                .and(col("month").eq(lit(12))),
        )
        .collect()
        .unwrap();
    assert_eq!(rows.height(), 1, "{town} {year}: no December row");
    rows.column(column).unwrap().i64().unwrap().get(0).unwrap()
}

/// Migrants from `origin` to `destination` summed over `years`, from the origin-destination table.
fn migrants(
    od: &DataFrame,
    origin: &str,
    destination: &str,
    years: std::ops::RangeInclusive<i32>,
) -> i64 {
    od.clone()
        .lazy()
        .filter(
            col("origin")
                .eq(lit(origin))
                .and(col("destination").eq(lit(destination)))
                .and(col("year").gt_eq(lit(*years.start())))
                .and(col("year").lt_eq(lit(*years.end()))),
        )
        .select([col("migrants").sum()])
        .collect()
        .unwrap()
        .column("migrants")
        .unwrap()
        .i64()
        .unwrap()
        .get(0)
        .unwrap_or(0)
}

#[test]
fn verkhnyaya_pyshma_commutes_into_and_moves_to_yekaterinburg() {
    let dir = run_short("verkhnyaya_pyshma", 2000, 0.2);
    let towns = read_parquet(&dir.path().join("towns.parquet")).unwrap();
    for year in 1990..=2000 {
        let out = december(&towns, "Verkhnyaya Pyshma", year, "commuters_out");
        let pool = december(&towns, "Yekaterinburg", year, "commuters_in");
        assert!(out > 0, "{year}: no commuters out of Verkhnyaya Pyshma");
        assert!(pool > 0, "{year}: nobody in Yekaterinburg's commuter pool");
        // Only Verkhnyaya Pyshma can fill the pool, and only the pool is within its reach.
        assert_eq!(pool, out, "{year}: pool and commuters differ");
    }
    let od = read_parquet(&dir.path().join("migration_od.parquet")).unwrap();
    let to_hub = migrants(&od, "Verkhnyaya Pyshma", "Yekaterinburg", 1990..=2000);
    assert!(to_hub > 0, "nobody moved to Yekaterinburg in 1990-2000");
}

#[test]
fn minsk_pulls_commuters_and_migrants_and_relocations_reach_the_satellites() {
    let dir = run_short("minsk_satellites", 2017, 0.1);
    let towns = read_parquet(&dir.path().join("towns.parquet")).unwrap();
    let od = read_parquet(&dir.path().join("migration_od.parquet")).unwrap();
    let places = ["Smalyavichy District", "Barysaw", "Slutsk District"];
    for place in places {
        let commuters = (1995..=2010)
            .map(|y| december(&towns, place, y, "commuters_out"))
            .sum::<i64>();
        assert!(commuters > 0, "{place}: nobody commutes out in 1995-2010");
        let to_minsk = migrants(&od, place, "Minsk", 1990..=2010);
        assert!(to_minsk > 0, "{place}: nobody moved to Minsk in 1990-2010");
    }
    assert!(december(&towns, "Minsk", 2005, "commuters_in") > 0);

    // The satellite gains firms faster once the special zone (2012) and the relocations
    // (2014) are in force than in 1995-2011.
    let firms = |y| december(&towns, "Smalyavichy District", y, "firms") as f64;
    let before = (firms(2011) - firms(1995)) / 16.0;
    let after = (firms(2017) - firms(2011)) / 6.0;
    assert!(
        after > before,
        "firms a year: {before:.1} before, {after:.1} after"
    );

    // Relocations from the capital: none before the policy (2014), some after, and only in
    // the two towns it lists.
    let events = read_parquet(&dir.path().join("events.parquet")).unwrap();
    let relocated = events
        .lazy()
        .filter(
            col("kind")
                .eq(lit("firm_entry"))
                .and(col("detail").eq(lit("relocated from the capital"))),
        )
        .select([col("town"), col("year")])
        .collect()
        .unwrap();
    assert!(relocated.height() > 0, "no firm relocated from Minsk");
    let years = relocated.column("year").unwrap().i32().unwrap();
    assert!(years.iter().all(|y| y.unwrap() >= 2014));
    let at = relocated.column("town").unwrap().str().unwrap();
    assert!(at.iter().any(|t| t == Some("Smalyavichy District")));
    assert!(
        at.iter()
            .all(|t| matches!(t, Some("Smalyavichy District" | "Barysaw")))
    );
}
