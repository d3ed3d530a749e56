//! In-memory data model of one run (or of several replicate runs) for charting.
//!
//! Why a separate, plain model: the charts must not depend on Parquet, Polars or
//! the simulator's internals. The loader (written elsewhere) fills these types
//! from the tables of `docs/OUTPUT.md`; the charts only read them. Keeping the
//! model small (named series of `f64` on a fractional-year axis, plus a few
//! snapshot tables) makes the charts easy to test on synthetic data.
//!
//! Conventions:
//! - The x axis is a fractional calendar year: month `m` of year `y` is
//!   `y + (m - 1) / 12` (see [`month_x`]); yearly data uses `x = year`.
//! - A [`Series`] holds one or many replicates (runs with different seeds) on a
//!   shared x grid. `NaN` marks a missing value and is ignored by the statistics.
//! - Counts are real persons, money is thousand roubles per month at 2010 prices,
//!   exactly as in the output tables.

use std::collections::BTreeMap;

use super::error::PlotError;

/// Fractional-year x coordinate of a calendar month (`month` is 1..=12).
///
/// `month_x(1989, 1) == 1989.0`, `month_x(1989, 7) == 1989.5`.
pub fn month_x(year: i32, month: u32) -> f64 {
    f64::from(year) + f64::from(month.clamp(1, 12) - 1) / 12.0
}

/// A named time series with one or more replicates on a shared x grid.
///
/// The name is normally the column name of the towns table (`population`,
/// `emp_giant`, ...). Charts draw a single line for one replicate, and the
/// median line with a shaded 5–95 % band for several.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    name: String,
    x: Vec<f64>,
    replicates: Vec<Vec<f64>>,
}

/// Per-x statistics of a [`Series`] across its replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The x grid (fractional years).
    pub x: Vec<f64>,
    /// Median across replicates (the value itself when there is one replicate).
    pub median: Vec<f64>,
    /// 5 % quantile across replicates.
    pub lo: Vec<f64>,
    /// 95 % quantile across replicates.
    pub hi: Vec<f64>,
    /// Number of replicates the statistics were computed from.
    pub replicates: usize,
}

impl Series {
    /// Builds a series from an x grid and one vector of values per replicate.
    ///
    /// Errors with [`PlotError::InvalidData`] when there is no replicate, when a
    /// replicate's length differs from the grid's, or when x is not finite and
    /// strictly increasing.
    pub fn new(
        name: impl Into<String>,
        x: Vec<f64>,
        replicates: Vec<Vec<f64>>,
    ) -> Result<Self, PlotError> {
        let name = name.into();
        let bad = |reason: String| PlotError::InvalidData {
            what: format!("series {name:?}"),
            reason,
        };
        if replicates.is_empty() {
            return Err(bad("no replicate".into()));
        }
        if let Some((i, r)) = replicates
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != x.len())
        {
            return Err(bad(format!(
                "replicate {i} has {} values but the x grid has {}",
                r.len(),
                x.len()
            )));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(bad("x contains a non-finite value".into()));
        }
        if x.windows(2).any(|w| w[1] <= w[0]) {
            return Err(bad("x is not strictly increasing".into()));
        }
        Ok(Self {
            name,
            x,
            replicates,
        })
    }

    /// Builds a single-replicate series.
    pub fn single(name: impl Into<String>, x: Vec<f64>, y: Vec<f64>) -> Result<Self, PlotError> {
        Self::new(name, x, vec![y])
    }

    /// Builds a monthly series starting at `first_year`/`first_month`; the grid
    /// length is the length of the replicates.
    pub fn monthly(
        name: impl Into<String>,
        first_year: i32,
        first_month: u32,
        replicates: Vec<Vec<f64>>,
    ) -> Result<Self, PlotError> {
        let n = replicates.first().map_or(0, Vec::len);
        let start = first_year * 12 + first_month.clamp(1, 12) as i32 - 1;
        let x = (0..n as i32)
            .map(|i| {
                let k = start + i;
                month_x(k.div_euclid(12), (k.rem_euclid(12) + 1) as u32)
            })
            .collect();
        Self::new(name, x, replicates)
    }

    /// Column name of the series.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The shared x grid (fractional years).
    pub fn x(&self) -> &[f64] {
        &self.x
    }

    /// The replicates, each as long as the x grid.
    pub fn replicates(&self) -> &[Vec<f64>] {
        &self.replicates
    }

    /// Number of replicates.
    pub fn n_replicates(&self) -> usize {
        self.replicates.len()
    }

    /// True when the grid has no points.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Median and 5 %/95 % quantiles per x point (linear interpolation between
    /// order statistics, `NaN` values ignored; `NaN` where no value is finite).
    pub fn summary(&self) -> Summary {
        let n = self.x.len();
        let mut median = Vec::with_capacity(n);
        let mut lo = Vec::with_capacity(n);
        let mut hi = Vec::with_capacity(n);
        let mut buf = Vec::with_capacity(self.replicates.len());
        for i in 0..n {
            buf.clear();
            buf.extend(
                self.replicates
                    .iter()
                    .map(|r| r[i])
                    .filter(|v| v.is_finite()),
            );
            buf.sort_by(f64::total_cmp);
            median.push(quantile_sorted(&buf, 0.5));
            lo.push(quantile_sorted(&buf, 0.05));
            hi.push(quantile_sorted(&buf, 0.95));
        }
        Summary {
            x: self.x.clone(),
            median,
            lo,
            hi,
            replicates: self.replicates.len(),
        }
    }

    /// Keeps the points with `from <= x < to`.
    pub(crate) fn window(&self, from: f64, to: f64) -> Series {
        let keep: Vec<usize> = (0..self.x.len())
            .filter(|&i| self.x[i] >= from && self.x[i] < to)
            .collect();
        Series {
            name: self.name.clone(),
            x: keep.iter().map(|&i| self.x[i]).collect(),
            replicates: self
                .replicates
                .iter()
                .map(|r| keep.iter().map(|&i| r[i]).collect())
                .collect(),
        }
    }

    /// Sums the values of each calendar year, per replicate; x becomes the
    /// integer year. Years with fewer points than the fullest year (a partial
    /// first or last year of monthly data) are dropped so that they do not show
    /// as artificial dips. `NaN` values count as missing and are skipped.
    pub(crate) fn yearly_sum(&self) -> Series {
        let mut groups: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, &x) in self.x.iter().enumerate() {
            groups.entry((x + 1e-9).floor() as i64).or_default().push(i);
        }
        let full = groups.values().map(Vec::len).max().unwrap_or(0);
        let years: Vec<(i64, &Vec<usize>)> = groups
            .iter()
            .filter(|(_, idx)| idx.len() == full)
            .map(|(y, idx)| (*y, idx))
            .collect();
        Series {
            name: self.name.clone(),
            x: years.iter().map(|(y, _)| *y as f64).collect(),
            replicates: self
                .replicates
                .iter()
                .map(|r| {
                    years
                        .iter()
                        .map(|(_, idx)| {
                            let vals: Vec<f64> = idx
                                .iter()
                                .map(|&i| r[i])
                                .filter(|v| v.is_finite())
                                .collect();
                            if vals.is_empty() {
                                f64::NAN
                            } else {
                                vals.iter().sum()
                            }
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// Multiplies every value by `k`.
    pub(crate) fn scaled(&self, k: f64) -> Series {
        self.map(|v| v * k)
    }

    /// Applies `f` to every value.
    pub(crate) fn map(&self, f: impl Fn(f64) -> f64) -> Series {
        Series {
            name: self.name.clone(),
            x: self.x.clone(),
            replicates: self
                .replicates
                .iter()
                .map(|r| r.iter().map(|&v| f(v)).collect())
                .collect(),
        }
    }

    /// Combines two series value by value, replicate by replicate. Both must
    /// share the x grid and the replicate count (a single-replicate operand is
    /// broadcast against a many-replicate one).
    pub(crate) fn zip_with(
        &self,
        other: &Series,
        name: &str,
        f: impl Fn(f64, f64) -> f64,
    ) -> Result<Series, PlotError> {
        let bad = |reason: String| PlotError::InvalidData {
            what: format!("series {:?} and {:?}", self.name, other.name),
            reason,
        };
        if self.x.len() != other.x.len()
            || self
                .x
                .iter()
                .zip(&other.x)
                .any(|(a, b)| (a - b).abs() > 1e-6)
        {
            return Err(bad("they do not share the x grid".into()));
        }
        let (na, nb) = (self.replicates.len(), other.replicates.len());
        if na != nb && na != 1 && nb != 1 {
            return Err(bad(format!("replicate counts differ ({na} vs {nb})")));
        }
        let n = na.max(nb);
        let replicates = (0..n)
            .map(|k| {
                let a = &self.replicates[k.min(na - 1)];
                let b = &other.replicates[k.min(nb - 1)];
                a.iter().zip(b).map(|(&u, &v)| f(u, v)).collect()
            })
            .collect();
        Ok(Series {
            name: name.to_string(),
            x: self.x.clone(),
            replicates,
        })
    }

    /// Sums several series (same grid), replicate by replicate.
    pub(crate) fn sum_all(name: &str, parts: &[&Series]) -> Result<Series, PlotError> {
        let Some(first) = parts.first() else {
            return Err(PlotError::EmptyData(format!("no series to sum for {name}")));
        };
        let mut acc = (*first).clone();
        acc.name = name.to_string();
        for p in &parts[1..] {
            acc = acc.zip_with(p, name, |a, b| a + b)?;
        }
        Ok(acc)
    }
}

/// Quantile `p` of an ascending slice of finite values (type 7, as R's default).
pub(crate) fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let i = h.floor() as usize;
            let j = (i + 1).min(n - 1);
            sorted[i] + (h - i as f64) * (sorted[j] - sorted[i])
        }
    }
}

/// Whether an observed population figure comes from a census or an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservedKind {
    /// Population census (1989, 2002, 2010, 2021 in Russia).
    Census,
    /// Rosstat's annual estimate between censuses.
    Estimate,
}

/// One observed (real-world) population figure of a town.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ObservedPoint {
    /// Fractional year of the reference date (e.g. `2010.8` for October 2010,
    /// or simply `2010.0`).
    pub year: f64,
    /// Residents, persons.
    pub population: f64,
    /// Census or estimate.
    pub kind: ObservedKind,
}

/// Monotown status of a town in one year (the 2014 government criteria).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusPoint {
    /// Calendar year.
    pub year: i32,
    /// Meets the monotown criteria this year.
    pub status: bool,
    /// 1 (most difficult) .. 3 (stable); 0 when not a monotown.
    pub category: u8,
}

/// Origin–destination migrant counts of one year.
///
/// `counts[i][j]` is the number of people who moved from `origins[i]` to
/// `destinations[j]`. Names are town names or `rest of country`.
#[derive(Debug, Clone, PartialEq)]
pub struct OdMatrix {
    /// Row labels.
    pub origins: Vec<String>,
    /// Column labels.
    pub destinations: Vec<String>,
    /// Migrants, `origins.len()` rows of `destinations.len()` values; `NaN` = no data.
    pub counts: Vec<Vec<f64>>,
}

impl OdMatrix {
    /// Builds a matrix, checking that `counts` is `origins x destinations`.
    pub fn new(
        origins: Vec<String>,
        destinations: Vec<String>,
        counts: Vec<Vec<f64>>,
    ) -> Result<Self, PlotError> {
        let m = Self {
            origins,
            destinations,
            counts,
        };
        m.validate("OD matrix")?;
        Ok(m)
    }

    /// Builds a matrix from `(origin, destination, migrants)` triples (e.g. the
    /// rows of `migration_od.parquet` for one year); labels are sorted with
    /// `rest of country` last, absent pairs are 0, repeated pairs are summed.
    pub fn from_triples<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str, f64)>) -> Self {
        let rows: Vec<(&str, &str, f64)> = rows.into_iter().collect();
        let order = |names: &mut Vec<String>| {
            names.sort_by_key(|n| (n == "rest of country", n.clone()));
            names.dedup();
        };
        let mut origins: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
        let mut destinations: Vec<String> = rows.iter().map(|r| r.1.to_string()).collect();
        order(&mut origins);
        order(&mut destinations);
        let mut counts = vec![vec![0.0; destinations.len()]; origins.len()];
        for (o, d, v) in rows {
            let i = origins.iter().position(|n| n == o).unwrap_or(0);
            let j = destinations.iter().position(|n| n == d).unwrap_or(0);
            counts[i][j] += v;
        }
        Self {
            origins,
            destinations,
            counts,
        }
    }

    pub(crate) fn validate(&self, what: &str) -> Result<(), PlotError> {
        let bad = |reason: String| {
            Err(PlotError::InvalidData {
                what: what.to_string(),
                reason,
            })
        };
        if self.counts.len() != self.origins.len() {
            return bad(format!(
                "{} rows for {} origins",
                self.counts.len(),
                self.origins.len()
            ));
        }
        if let Some(r) = self
            .counts
            .iter()
            .find(|r| r.len() != self.destinations.len())
        {
            return bad(format!(
                "a row has {} values for {} destinations",
                r.len(),
                self.destinations.len()
            ));
        }
        Ok(())
    }
}

/// Everything the charts need about one town.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TownData {
    /// Town name as in the output tables.
    pub name: String,
    /// Aggregate destination city (not agent-based): left out of per-town
    /// panels, shown only as a migration origin/destination.
    pub is_hub: bool,
    /// Towns-table column name -> series (e.g. `population`, `emp_giant`).
    pub columns: BTreeMap<String, Series>,
    /// Observed census points and estimates, for the population chart.
    pub observed: Vec<ObservedPoint>,
    /// Monotown status per year.
    pub status: Vec<StatusPoint>,
    /// Year -> workforce of every live firm of the town in December (one
    /// replicate chosen by the loader).
    pub firm_sizes: BTreeMap<i32, Vec<f64>>,
}

impl TownData {
    /// A town with no data yet.
    pub fn new(name: impl Into<String>, is_hub: bool) -> Self {
        Self {
            name: name.into(),
            is_hub,
            ..Self::default()
        }
    }

    /// Adds (or replaces) a column, keyed by the series name.
    pub fn insert(&mut self, series: Series) {
        self.columns.insert(series.name().to_string(), series);
    }

    /// The column of that name, if present.
    pub fn column(&self, name: &str) -> Option<&Series> {
        self.columns.get(name)
    }

    /// The column of that name, or [`PlotError::MissingColumn`].
    pub(crate) fn require(&self, name: &str) -> Result<&Series, PlotError> {
        self.columns
            .get(name)
            .ok_or_else(|| PlotError::MissingColumn {
                town: self.name.clone(),
                column: name.to_string(),
            })
    }
}

/// All data of one run (or of a set of replicate runs of one scenario).
///
/// The order of `towns` is the colour order: town `i` gets palette colour `i`
/// in every chart, whatever filter is applied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunData {
    /// Towns in colour order (hubs included, flagged by `is_hub`).
    pub towns: Vec<TownData>,
    /// Year -> origin–destination migrant counts.
    pub od: BTreeMap<i32, OdMatrix>,
}

impl RunData {
    /// Names of all towns, in colour order.
    pub fn town_names(&self) -> Vec<String> {
        self.towns.iter().map(|t| t.name.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_type7() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_sorted(&v, 0.5), 3.0);
        assert!((quantile_sorted(&v, 0.05) - 1.2).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.95) - 4.8).abs() < 1e-12);
        assert!(quantile_sorted(&[], 0.5).is_nan());
    }

    #[test]
    fn yearly_sum_drops_partial_years() {
        // July 1989 .. December 1991: 1989 is partial and is dropped.
        let s = Series::monthly("in_migrants", 1989, 7, vec![vec![1.0; 30]]).unwrap();
        let y = s.yearly_sum();
        assert_eq!(y.x(), &[1990.0, 1991.0]);
        assert_eq!(y.replicates()[0], vec![12.0, 12.0]);
    }

    #[test]
    fn series_rejects_ragged_replicates() {
        let err = Series::new("p", vec![1.0, 2.0], vec![vec![1.0]]).unwrap_err();
        assert!(matches!(err, PlotError::InvalidData { .. }));
    }

    #[test]
    fn od_from_triples_puts_rest_of_country_last() {
        let m = OdMatrix::from_triples([
            ("rest of country", "B", 3.0),
            ("A", "B", 1.0),
            ("B", "rest of country", 2.0),
        ]);
        assert_eq!(m.origins, vec!["A", "B", "rest of country"]);
        assert_eq!(m.destinations, vec!["B", "rest of country"]);
        assert_eq!(m.counts[2][0], 3.0);
        assert_eq!(m.counts[1][1], 2.0);
    }
}
