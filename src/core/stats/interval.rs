//! Confidence intervals from a bootstrap distribution: the percentile, basic
//! and BCa methods, the quantile rule they share and the normal functions BCa
//! needs. Pure math on the replicates' histogram (`histogram::Sorted`); the
//! resampling lives in `bootstrap`.
//!
//! The rules follow `scipy.stats.bootstrap` so that results can be checked
//! against it: NumPy's default ("linear") quantile, a standard error with
//! `ddof=1`, and BCa's bias correction from the mid-rank share of replicates
//! below the estimate (Efron and Tibshirani, eq. 14.14 and 15.36).

use std::f64::consts::SQRT_2;

use crate::core::error::{domain, Result};
use crate::core::stats::histogram::Sorted;

/// Replicate values closer than this count as ties. The values are ratios of
/// clip counts: rounding leaves a few ulps of noise, while two different
/// ratios of realistic sizes (below a few million clips) differ by far more.
pub const TIE: f64 = 64.0 * f64::EPSILON;

/// How an interval is made: read off the bootstrap distribution
/// (percentile, basic, BCa), or, over groups, the closed-form few-cluster
/// method of `cluster_t` (no resampling).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    ClusterT,
    Percentile,
    Basic,
    Bca,
}

impl Method {
    pub const ALL: [Method; 4] = [
        Method::ClusterT,
        Method::Percentile,
        Method::Basic,
        Method::Bca,
    ];

    /// The method's canonical name, as results report it.
    pub fn name(self) -> &'static str {
        match self {
            Method::ClusterT => "cluster-t",
            Method::Percentile => "percentile",
            Method::Basic => "basic",
            Method::Bca => "bca",
        }
    }

    /// Whether the method reads its interval off bootstrap replicates.
    pub fn resamples(self) -> bool {
        self != Method::ClusterT
    }

    /// The method of a name, in any letter case ("BCa" is "bca").
    pub fn parse(name: &str) -> Result<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let names: Vec<String> = Method::ALL
                    .iter()
                    .map(|m| format!("'{}'", m.name()))
                    .collect();
                domain(
                    "method",
                    format!("must be one of {}; got '{name}'", names.join(", ")),
                )
            })
    }
}

/// The `q` quantile by linear interpolation between order statistics
/// (NumPy's default).
pub fn quantile(values: &Sorted, q: f64) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let i = (h.floor() as u64).min(n - 1);
    let frac = h - i as f64;
    let lower = values.order_statistic(i);
    if frac == 0.0 || i + 1 >= n {
        return lower;
    }
    let upper = values.order_statistic(i + 1);
    lower + frac * (upper - lower)
}

/// Standard deviation with `ddof = 1`; NaN for fewer than two values. Summed
/// as deviations from the smallest value, so equal values give exactly 0.
pub fn standard_error(values: &Sorted) -> f64 {
    let n = values.len();
    if n < 2 {
        return f64::NAN;
    }
    let origin = values.range().0;
    let shift = values
        .counts()
        .map(|(v, c)| (v - origin) * c as f64)
        .sum::<f64>()
        / n as f64;
    let ss: f64 = values
        .counts()
        .map(|(v, c)| {
            let d = v - origin - shift;
            d * d * c as f64
        })
        .sum();
    (ss / (n - 1) as f64).sqrt()
}

/// The standard normal CDF.
pub fn norm_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}

/// The standard normal quantile: Acklam's rational approximation refined by
/// one Halley step on `norm_cdf`, which brings it to full double precision.
pub fn norm_ppf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    let e = norm_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// BCa's acceleration from leave-one-unit-out values, each with the number of
/// units that give it (Efron and Tibshirani, eq. 14.15). None when the values
/// are all equal: then no skewness can be estimated.
pub fn acceleration(jackknife: &[(f64, u64)]) -> Option<f64> {
    let count: u64 = jackknife.iter().map(|&(_, w)| w).sum();
    if count == 0 {
        return None;
    }
    let mean = jackknife.iter().map(|&(v, w)| v * w as f64).sum::<f64>() / count as f64;
    let spread = jackknife
        .iter()
        .map(|&(v, _)| (v - mean).abs())
        .fold(0.0, f64::max);
    if spread <= TIE {
        return None;
    }
    let (mut s2, mut s3) = (0.0, 0.0);
    for &(v, w) in jackknife {
        let d = mean - v;
        s2 += w as f64 * d * d;
        s3 += w as f64 * d * d * d;
    }
    Some(s3 / (6.0 * s2.powf(1.5)))
}

/// Why BCa gave way to the percentile method for one statistic.
pub const FLAT_JACKKNIFE: &str =
    "its leave-one-out values are all equal, so the acceleration cannot be estimated";
pub const ONE_SIDED: &str = "every replicate lies on the same side of the estimate";
pub const OUT_OF_RANGE: &str = "the acceleration pushes the adjusted levels out of range";

/// The interval `(low, high)` at `confidence` from the replicates' histogram
/// `values`. For BCa, `acceleration` is the jackknife's (None when
/// it is degenerate); when BCa is undefined the percentile interval is
/// returned with the reason, so no NaN is ever produced silently.
pub fn bounds(
    values: &Sorted,
    estimate: f64,
    confidence: f64,
    method: Method,
    acceleration: Option<f64>,
) -> (f64, f64, Option<&'static str>) {
    let alpha = (1.0 - confidence) / 2.0;
    let percentile = |values: &Sorted| (quantile(values, alpha), quantile(values, 1.0 - alpha));
    match method {
        Method::ClusterT => unreachable!("cluster-t draws no replicates (bootstrap::check)"),
        Method::Percentile => {
            let (low, high) = percentile(values);
            (low, high, None)
        }
        Method::Basic => {
            let (low, high) = percentile(values);
            (2.0 * estimate - high, 2.0 * estimate - low, None)
        }
        Method::Bca => {
            let (min, max) = values.range();
            if max - min <= TIE {
                // Every method gives the one value the replicates take.
                let (low, high) = percentile(values);
                return (low, high, None);
            }
            match bca_levels(values, estimate, alpha, acceleration) {
                Ok((a1, a2)) => (quantile(values, a1), quantile(values, a2), None),
                Err(reason) => {
                    let (low, high) = percentile(values);
                    (low, high, Some(reason))
                }
            }
        }
    }
}

/// BCa's adjusted quantile levels for the two ends.
fn bca_levels(
    values: &Sorted,
    estimate: f64,
    alpha: f64,
    acceleration: Option<f64>,
) -> std::result::Result<(f64, f64), &'static str> {
    let (mut below, mut ties) = (0u64, 0u64);
    for (v, count) in values.counts() {
        if v < estimate - TIE {
            below += count;
        } else if v <= estimate + TIE {
            ties += count;
        }
    }
    // Mid-rank share, as scipy's percentile-of-score with kind="mean".
    let share = (2 * below + ties) as f64 / (2 * values.len()) as f64;
    if share <= 0.0 || share >= 1.0 {
        return Err(ONE_SIDED);
    }
    let a = acceleration.ok_or(FLAT_JACKKNIFE)?;
    let z0 = norm_ppf(share);
    let level = |z: f64| {
        let num = z0 + z;
        let denominator = 1.0 - a * num;
        (denominator > 0.0).then(|| norm_cdf(z0 + num / denominator))
    };
    let z_alpha = norm_ppf(alpha);
    match (level(z_alpha), level(-z_alpha)) {
        (Some(a1), Some(a2)) if a1.is_finite() && a2.is_finite() && a1 <= a2 => Ok((a1, a2)),
        _ => Err(OUT_OF_RANGE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_by_name_in_any_case() {
        assert_eq!(Method::parse("BCa").unwrap(), Method::Bca);
        assert_eq!(Method::parse("Percentile").unwrap().name(), "percentile");
        assert_eq!(
            Method::parse("bootstrap-t").unwrap_err().to_string(),
            "method must be one of 'cluster-t', 'percentile', 'basic', 'bca'; got 'bootstrap-t'"
        );
    }

    #[test]
    fn quantile_interpolates_like_numpy() {
        // np.percentile([1, 2, 3, 4], [0, 25, 50, 90, 100]) = 1, 1.75, 2.5, 3.7, 4
        let v = Sorted::of(&[4.0, 1.0, 3.0, 2.0]);
        for (q, want) in [(0.0, 1.0), (0.25, 1.75), (0.5, 2.5), (0.9, 3.7), (1.0, 4.0)] {
            assert!((quantile(&v, q) - want).abs() < 1e-12, "q={q}");
        }
        assert_eq!(quantile(&Sorted::of(&[7.0]), 0.3), 7.0);
        // Repeated values count once each, as in the sorted list.
        let repeated = Sorted::of(&[0.5, 0.5, 0.5, 1.0]);
        // np.percentile([0.5, 0.5, 0.5, 1.0], [50, 90]) = 0.5, 0.85
        assert_eq!(quantile(&repeated, 0.5), 0.5);
        assert!((quantile(&repeated, 0.9) - 0.85).abs() < 1e-12);
    }

    #[test]
    fn normal_functions_are_accurate() {
        // scipy.special.ndtri values.
        for (p, want) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.025, -1.959_963_984_540_054),
            (1e-10, -6.361_340_902_404_056),
            (0.9, 1.281_551_565_544_600_4),
        ] {
            assert!((norm_ppf(p) - want).abs() < 1e-13, "p={p}");
            assert!((norm_cdf(norm_ppf(p)) - p).abs() < 1e-15 * p.max(1e-3));
        }
        assert_eq!(norm_ppf(0.0), f64::NEG_INFINITY);
        assert!(norm_ppf(1.5).is_nan());
    }

    #[test]
    fn standard_error_uses_ddof_one() {
        let se = standard_error(&Sorted::of(&[1.0, 2.0, 3.0, 4.0, 2.0]));
        // np.std([1, 2, 3, 4, 2], ddof=1)
        assert!((se - 1.140_175_425_099_138).abs() < 1e-15);
        assert!(standard_error(&Sorted::of(&[1.0])).is_nan());
        assert_eq!(standard_error(&Sorted::of(&[0.1; 7])), 0.0);
    }

    #[test]
    fn acceleration_matches_the_unweighted_formula() {
        let values = [0.1, 0.1, 0.3, 0.7];
        let mean = values.iter().sum::<f64>() / 4.0;
        let s2: f64 = values.iter().map(|v| (mean - v).powi(2)).sum();
        let s3: f64 = values.iter().map(|v| (mean - v).powi(3)).sum();
        let want = s3 / (6.0 * s2.powf(1.5));
        let got = acceleration(&[(0.1, 2), (0.3, 1), (0.7, 1)]).unwrap();
        assert!((got - want).abs() < 1e-15);
        assert_eq!(acceleration(&[(0.5, 3)]), None);
    }

    #[test]
    fn basic_reflects_the_percentile_interval() {
        let v: Vec<f64> = (0..=100).map(|i| i as f64 / 100.0).collect();
        let v = Sorted::of(&v);
        let (lo, hi, _) = bounds(&v, 0.6, 0.9, Method::Percentile, None);
        assert!((lo - 0.05).abs() < 1e-12 && (hi - 0.95).abs() < 1e-12);
        let (lo, hi, _) = bounds(&v, 0.6, 0.9, Method::Basic, None);
        assert!((lo - 0.25).abs() < 1e-12 && (hi - 1.15).abs() < 1e-12);
    }

    #[test]
    fn bca_without_bias_or_skew_is_the_percentile_interval() {
        let v: Vec<f64> = (0..=100).map(|i| i as f64 / 100.0).collect();
        let (lo, hi, note) = bounds(&Sorted::of(&v), 0.5, 0.9, Method::Bca, Some(0.0));
        assert!(note.is_none());
        assert!((lo - 0.05).abs() < 1e-9 && (hi - 0.95).abs() < 1e-9);
    }

    #[test]
    fn bca_falls_back_with_a_reason() {
        let v: Vec<f64> = (1..=100).map(|i| i as f64 / 100.0).collect();
        let v = Sorted::of(&v);
        let (_, _, note) = bounds(&v, 0.0, 0.95, Method::Bca, Some(0.0));
        assert_eq!(note, Some(ONE_SIDED));
        let (_, _, note) = bounds(&v, 0.5, 0.95, Method::Bca, None);
        assert_eq!(note, Some(FLAT_JACKKNIFE));
        // A degenerate distribution is its own interval, without complaint.
        let (lo, hi, note) = bounds(&Sorted::of(&[0.25; 10]), 0.25, 0.95, Method::Bca, None);
        assert_eq!((lo, hi, note), (0.25, 0.25, None));
    }
}
