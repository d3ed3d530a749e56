//! The estimators behind the stylised facts: correlation, OLS slope, first differences,
//! the Hill (Clauset-Shalizi-Newman) tail exponent and weighted quantiles.
//!
//! Every function returns `f64::NAN` when its input does not define the statistic (too
//! few points, no variance), so a missing fact is visible as an empty value rather than
//! a made-up number.

/// Pearson correlation of paired samples; NaN with fewer than 3 pairs or no variance.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 3 {
        return f64::NAN;
    }
    let (mx, my) = (mean(&x[..n]), mean(&y[..n]));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y).take(n) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return f64::NAN;
    }
    // Rounding can push an exact line a hair past -1 or 1.
    (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0)
}

/// OLS slope of `y` on `x` (with intercept); NaN with fewer than 3 pairs or constant `x`.
pub fn ols_slope(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 3 {
        return f64::NAN;
    }
    let (mx, my) = (mean(&x[..n]), mean(&y[..n]));
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (a, b) in x.iter().zip(y).take(n) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
    }
    if sxx <= 0.0 { f64::NAN } else { sxy / sxx }
}

/// First differences `x[t] - x[t-1]`.
pub fn diff(x: &[f64]) -> Vec<f64> {
    x.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Arithmetic mean; NaN when empty.
pub fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        f64::NAN
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// The Pareto tail exponent of the size distribution above `xmin`, by maximum likelihood
/// (Hill 1975; Clauset, Shalizi & Newman 2009, eq. 3.1, continuous approximation):
/// `alpha = sum(w) / sum(w ln(x / xmin))` over the sizes `x >= xmin`, each with weight
/// `w` (the number of real firms a row stands for). This is the exponent of the
/// complementary CDF, `P(X > x) ~ x^-alpha`, the one Axtell (2001) reports as ~1 for US
/// firms (the density exponent is `alpha + 1`). NaN with fewer than 10 firms (weighted)
/// above `xmin` or none strictly above it.
pub fn hill_tail(sizes: &[(f64, f64)], xmin: f64) -> f64 {
    let (mut n, mut s) = (0.0, 0.0);
    for &(x, w) in sizes {
        if x >= xmin && w > 0.0 {
            n += w;
            s += w * (x / xmin).ln();
        }
    }
    if n < 10.0 || s <= 0.0 {
        f64::NAN
    } else {
        n / s
    }
}

/// Quantile `q` in [0, 1] by linear interpolation between order statistics (type 7);
/// NaN values are ignored; NaN when nothing is left.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let h = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_of_exact_lines_is_plus_or_minus_one() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let up: Vec<f64> = x.iter().map(|v| 2.0 * v + 1.0).collect();
        let down: Vec<f64> = x.iter().map(|v| 10.0 - 3.0 * v).collect();
        assert!((pearson(&x, &up) - 1.0).abs() < 1e-12);
        assert!((pearson(&x, &down) + 1.0).abs() < 1e-12);
        // Known value: x = 1..4, y = (2, 1, 4, 3): r = 0.6.
        assert!((pearson(&[1.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 4.0, 3.0]) - 0.6).abs() < 1e-12);
        assert!(pearson(&[1.0, 2.0], &[1.0, 2.0]).is_nan());
        assert!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_nan());
    }

    #[test]
    fn ols_slope_recovers_the_line() {
        let x = [-2.0, 0.0, 1.0, 5.0];
        let y: Vec<f64> = x.iter().map(|v| 0.5 - 0.3 * v).collect();
        assert!((ols_slope(&x, &y) + 0.3).abs() < 1e-12);
        assert!(ols_slope(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_nan());
    }

    #[test]
    fn diff_and_mean() {
        assert_eq!(diff(&[1.0, 4.0, 2.0]), vec![3.0, -2.0]);
        assert!(diff(&[1.0]).is_empty());
        assert_eq!(mean(&[1.0, 2.0, 6.0]), 3.0);
        assert!(mean(&[]).is_nan());
    }

    #[test]
    fn hill_recovers_a_pareto_exponent() {
        // Deterministic Pareto quantiles x = xmin * (1 - u)^(-1/alpha) at u = (i - 0.5) / n.
        for alpha in [0.8, 1.0, 1.5] {
            let n = 20_000;
            let sizes: Vec<(f64, f64)> = (1..=n)
                .map(|i| {
                    let u = (i as f64 - 0.5) / n as f64;
                    (10.0 * (1.0 - u).powf(-1.0 / alpha), 1.0)
                })
                .collect();
            let est = hill_tail(&sizes, 10.0);
            assert!((est - alpha).abs() < 0.01 * alpha, "alpha {alpha}: {est}");
        }
    }

    #[test]
    fn hill_weights_count_as_firms_and_ignore_the_body() {
        // Two sizes: e and e^2 times xmin: logs 1 and 2.
        let xmin = 10.0;
        let e = std::f64::consts::E;
        let one = [(xmin * e, 10.0), (xmin * e * e, 10.0), (3.0, 1000.0)];
        // alpha = 20 / (10 * 1 + 10 * 2) = 2/3.
        assert!((hill_tail(&one, xmin) - 2.0 / 3.0).abs() < 1e-12);
        // Too few firms above xmin.
        assert!(hill_tail(&[(100.0, 1.0); 5], xmin).is_nan());
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [4.0, 1.0, 3.0, 2.0, f64::NAN];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert!((quantile(&v, 0.05) - 1.15).abs() < 1e-12);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
