//! Exact binomial variates, fast enough to be the bootstrap's inner loop.
//!
//! A clip-level replicate is a chain of a few binomial draws, so their cost
//! is the cost of the bootstrap. For `n p >= 10` this uses Hörmann's BTRS
//! (transformed rejection with squeeze; W. Hörmann, "The generation of
//! binomial random variates", J. Statist. Comput. Simul. 46, 1993): two
//! uniforms and a few flops accept about 85% of the time, and the rest go
//! through an exact log-density test. It is about twice as fast as BTPE as
//! `rand_distr` implements it, and its cost does not grow with `n`.
//! Small `n p` uses inversion, which is cheap there.

use rand::{Rng, RngExt};

/// BTRS needs `n p >= 10` for its hat to dominate the density.
const BTRS_MIN_MEAN: f64 = 10.0;

/// Inversion gives up and restarts past this count (as GSL and rand_distr):
/// with `n p < 10` it lies over 30 standard deviations out.
const INVERSION_MAX: u64 = 110;

/// Binomial(n, p) for a fixed `p` and any `n`: what depends on `p` alone is
/// worked out once, since the bootstrap draws each level of its multinomial
/// chain with the same `p` and a different `n` every time.
#[derive(Clone, Copy, Debug)]
pub struct Binomial {
    /// min(p, 1 - p): the distribution is symmetric under p -> 1 - p, k -> n - k.
    p: f64,
    flipped: bool,
    pq: f64,
    /// p / q and ln q for inversion, ln(p / q) for BTRS's exact test.
    odds: f64,
    ln_q: f64,
    ln_odds: f64,
}

impl Binomial {
    /// `p` outside [0, 1] or NaN is a caller bug; it is clamped so draws are
    /// still counts in [0, n].
    pub fn new(p: f64) -> Binomial {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        let (p, flipped) = if p > 0.5 { (1.0 - p, true) } else { (p, false) };
        let q = 1.0 - p;
        Binomial {
            p,
            flipped,
            pq: p * q,
            odds: p / q,
            ln_q: q.ln(),
            ln_odds: (p / q).ln(),
        }
    }

    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R, n: u64) -> u64 {
        let k = if n == 0 || self.p == 0.0 {
            0
        } else if n as f64 * self.p >= BTRS_MIN_MEAN {
            self.btrs(rng, n)
        } else {
            self.inversion(rng, n)
        };
        if self.flipped {
            n - k
        } else {
            k
        }
    }

    /// Sequential search from 0 (BINV, Kachitvichyanukul and Schmeiser
    /// 1988): expected `n p + 1` steps, fine below `n p = 10`.
    fn inversion<R: Rng + ?Sized>(&self, rng: &mut R, n: u64) -> u64 {
        let first = (n as f64 * self.ln_q).exp();
        let a = (n as f64 + 1.0) * self.odds;
        'restart: loop {
            let mut u = rng.random::<f64>();
            let mut r = first;
            let mut k = 0;
            while u > r {
                u -= r;
                k += 1;
                if k > INVERSION_MAX.min(n) {
                    continue 'restart;
                }
                // P(k) = P(k - 1) (n - k + 1) / k * p / q
                r *= a / k as f64 - self.odds;
            }
            return k;
        }
    }

    /// BTRS for `p <= 0.5` and `n p >= 10`, step by step as in the paper.
    fn btrs<R: Rng + ?Sized>(&self, rng: &mut R, n: u64) -> u64 {
        let nf = n as f64;
        let p = self.p;
        let spq = (nf * self.pq).sqrt();
        let b = 1.15 + 2.53 * spq;
        let a = -0.0873 + 0.0248 * b + 0.01 * p;
        let c = nf * p + 0.5;
        // The squeeze v <= 0.92 - 4.2 / b, without the division.
        let squeeze = 0.92 * b - 4.2;
        // The exact test needs logs and log-factorials: set up only on first
        // use, as most draws are accepted by the squeeze.
        let mut exact: Option<(f64, f64, f64, f64)> = None;
        loop {
            let u = rng.random::<f64>() - 0.5;
            let v = rng.random::<f64>();
            let us = 0.5 - u.abs();
            let x = (2.0 * a / us + b) * u + c;
            // k = floor(x) must lie in [0, n]: outside the support the density
            // is zero, so reject (this also catches us = 0 and NaN). On that
            // range truncation is floor, and cheaper than a libm call.
            if !(x >= 0.0 && x < nf + 1.0) {
                continue;
            }
            let k = (x as u64) as f64;
            if us >= 0.07 && v * b <= squeeze {
                return k as u64;
            }
            let (alpha, lpq, m, h) = *exact.get_or_insert_with(|| {
                let m = ((nf + 1.0) * p).floor();
                let h = log_factorial(m) + log_factorial(nf - m);
                ((2.83 + 5.1 / b) * spq, self.ln_odds, m, h)
            });
            let v = (v * alpha / (a / (us * us) + b)).ln();
            if v <= h - log_factorial(k) - log_factorial(nf - k) + (k - m) * lpq {
                return k as u64;
            }
        }
    }
}

/// One draw from Binomial(n, p).
pub fn sample<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    Binomial::new(p).sample(rng, n)
}

/// ln(k!) for k = 0..15.
const LOG_FACTORIAL: [f64; 16] = [
    0.0,
    0.0,
    std::f64::consts::LN_2,
    1.7917594692280554,
    3.178053830347945,
    4.787491742782047,
    6.579251212010102,
    8.525161361065415,
    10.604602902745249,
    12.801827480081467,
    15.104412573075514,
    17.502307845873887,
    19.987214495661885,
    22.55216385312342,
    25.191221182738683,
    27.89927138384089,
];

/// Counts below this get ln(k!) from a table built once per process (256 KB,
/// well under a millisecond): BTRS's exact test then needs one logarithm
/// instead of three, which is most of its cost at the sizes of this dataset.
const TABLED: usize = 1 << 15;

/// ln(k!) for a whole number `k >= 0`.
fn log_factorial(k: f64) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    if k < TABLED as f64 {
        let table = TABLE.get_or_init(|| (0..TABLED).map(|k| stirling(k as f64)).collect());
        return table[k as usize];
    }
    stirling(k)
}

/// ln(k!): a table below 16, Stirling's series above (error below 1e-16
/// relative there). libm's lgamma is several times slower.
fn stirling(k: f64) -> f64 {
    if k < 16.0 {
        return LOG_FACTORIAL[k as usize];
    }
    let x = k + 1.0;
    let r = 1.0 / x;
    let r2 = r * r;
    let series = r
        * (1.0 / 12.0
            - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 * (1.0 / 1680.0 - r2 / 1188.0))));
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + series
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn log_pmf(n: u64, p: f64, k: u64) -> f64 {
        let (n, k) = (n as f64, k as f64);
        log_factorial(n) - log_factorial(k) - log_factorial(n - k)
            + k * p.ln()
            + (n - k) * (1.0 - p).ln()
    }

    /// Chi-square of `draws` samples against the exact pmf over values with at
    /// least 20 expected, pooled tails included; returns (statistic, dof).
    fn chi_square(n: u64, p: f64, draws: usize, seed: u64) -> (f64, usize) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut counts = vec![0u64; n as usize + 1];
        for _ in 0..draws {
            let k = sample(&mut rng, n, p);
            assert!(k <= n);
            counts[k as usize] += 1;
        }
        let (mut stat, mut cells) = (0.0, 0);
        let (mut pooled_obs, mut pooled_exp) = (0.0, 0.0);
        for (k, &observed) in counts.iter().enumerate() {
            let expected = log_pmf(n, p, k as u64).exp() * draws as f64;
            if expected >= 20.0 {
                stat += (observed as f64 - expected).powi(2) / expected;
                cells += 1;
            } else {
                pooled_obs += observed as f64;
                pooled_exp += expected;
            }
        }
        if pooled_exp >= 20.0 {
            stat += (pooled_obs - pooled_exp).powi(2) / pooled_exp;
            cells += 1;
        }
        (stat, cells - 1)
    }

    #[test]
    fn matches_the_exact_pmf() {
        // Both paths and the flip. The 0.999 quantile of chi-square with d
        // degrees of freedom is below d + 4.4 sqrt(2 d) + 11 for d up to a few
        // hundred; fixed seeds keep the test deterministic.
        for (n, p) in [
            (20u64, 0.5),
            (30, 0.2),
            (200, 0.03),
            (100, 0.1),
            (594, 0.3),
            (594, 0.93),
            (5000, 0.02),
            (1_000_000, 0.42),
        ] {
            let (stat, dof) = chi_square(n, p, 400_000, n ^ 0x5eed);
            let bound = dof as f64 + 4.4 * (2.0 * dof as f64).sqrt() + 11.0;
            assert!(stat < bound, "n={n} p={p}: chi2 {stat:.1} on {dof} dof");
        }
    }

    #[test]
    fn log_factorial_is_accurate() {
        for k in [
            0.0, 1.0, 5.0, 15.0, 16.0, 17.0, 30.0, 594.0, 32767.0, 32768.0, 1e6, 1e9,
        ] {
            let want = libm::lgamma(k + 1.0);
            assert!(
                (log_factorial(k) - want).abs() <= 4.0 * f64::EPSILON * want.max(1.0),
                "k={k}"
            );
        }
    }

    #[test]
    fn degenerate_parameters() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        assert_eq!(sample(&mut rng, 0, 0.5), 0);
        assert_eq!(sample(&mut rng, 7, 0.0), 0);
        assert_eq!(sample(&mut rng, 7, 1.0), 7);
        assert_eq!(sample(&mut rng, 7, f64::NAN), 0);
    }

    #[test]
    fn mean_and_variance_at_large_n() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let (n, p) = (10_000_000u64, 0.37);
        let draws: Vec<f64> = (0..200_000)
            .map(|_| sample(&mut rng, n, p) as f64)
            .collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (draws.len() - 1) as f64;
        let want_var = n as f64 * p * (1.0 - p);
        assert!((mean - n as f64 * p).abs() < 5.0 * (want_var / draws.len() as f64).sqrt());
        assert!((var / want_var - 1.0).abs() < 0.02);
    }
}
