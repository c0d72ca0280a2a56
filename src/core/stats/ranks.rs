//! Confidence sets for ranks: simultaneous critical values for the
//! studentised pairwise differences of many systems scored on the same clips
//! (Mogstad, Romano, Shaikh & Wilhelm 2024, "Inference for ranks"), made
//! honest with few clusters.
//!
//! Every system `j` has one term per group, `a_jg`: how far leaving group g
//! out moves its score on the two-thirds power scale, with the
//! Bell-McCaffrey weight ([`scaled_terms`](super::scaled_terms)). `a_j - a_k`
//! is exactly the paired term vector of `compare(j, k)`: `se_jk = ||a_j -
//! a_k||` with `df` degrees of freedom, and `T_jk` is `compare`'s t.
//!
//! A replicate draws `xi_g ~ N(0, 1)` per group and an independent
//! `chi2_df`, and sets `T*_jk = sum_g xi_g (a_jg - a_kg) / se_jk /
//! sqrt(chi2 / df)`. For one pair that is exactly Student's t(df), the
//! reference distribution of `compare`; the maximum over pairs gives
//! family-wise critical values:
//!
//! - system `j`'s marginal critical value: the `confidence` quantile of
//!   `max over k != j of |T*_jk|` (its rank set alone);
//! - the simultaneous one: the quantile of the maximum over all pairs (every
//!   rank set at once), whose replicates also give single-step adjusted
//!   p-values.
//!
//! Replicates come in chunks of [`CHUNK`] with the generator of
//! `bootstrap`, so a seed gives the same bits whatever the thread count; no
//! draw depends on the systems, so their order does not matter either.

use rand::RngExt;
use rand_distr::{ChiSquared, StandardNormal};

use crate::core::cancel::Cancel;
use crate::core::error::{domain, Error, Result};
use crate::core::memory;
use crate::core::parallel;
use crate::core::stats::bootstrap::{chunk_rng, CHUNK};

/// Replicates processed side by side, so one pass over the pair table serves
/// several replicates.
const LANES: usize = 16;

/// The systems' per-group terms, row-major `n_systems x n_groups`.
pub struct Terms<'a> {
    pub values: &'a [f64],
    pub n_systems: usize,
    pub n_groups: usize,
    /// Degrees of freedom of the reference t distribution.
    pub df: u64,
}

/// What the multiplier draws give.
#[derive(Clone, Debug, PartialEq)]
pub struct MaxT {
    /// `se_jk = ||a_j - a_k||`, row-major `n_systems x n_systems`.
    pub se: Vec<f64>,
    /// Per system, the critical value of its marginal rank set.
    pub marginal: Vec<f64>,
    /// The critical value of all pairs at once.
    pub simultaneous: f64,
    /// The maximum over all pairs in every replicate, ascending.
    pub max_all: Vec<f64>,
    /// `1 / se_jk` (0 for pairs that do not vary), row-major.
    inverse: Vec<f32>,
    /// Every replicate's `z_j * scale`, row-major `n_systems x n_resamples`.
    draws: Vec<f32>,
    confidence: f64,
}

/// `se_jk` for every pair: the norm of the difference of the term vectors,
/// summed in group order (so `se_jk == se_kj` exactly).
pub fn pair_se(terms: &Terms) -> Vec<f64> {
    let (s, g) = (terms.n_systems, terms.n_groups);
    let row = |j: usize| &terms.values[j * g..(j + 1) * g];
    let mut se = vec![0.0; s * s];
    for j in 0..s {
        for k in j + 1..s {
            let v: f64 = row(j)
                .iter()
                .zip(row(k))
                .map(|(x, y)| (x - y) * (x - y))
                .sum();
            se[j * s + k] = v.sqrt();
            se[k * s + j] = v.sqrt();
        }
    }
    se
}

/// The simultaneous and marginal critical values at `confidence` from
/// `n_resamples` multiplier draws. Pairs whose terms are equal (`se_jk = 0`)
/// have no sampling variation and take no part in the maxima. Stops with
/// [`Error::Cancelled`] once `cancel` is set.
pub fn max_t(
    terms: &Terms,
    confidence: f64,
    n_resamples: usize,
    seed: u64,
    cancel: &Cancel,
) -> Result<MaxT> {
    check(terms, confidence, n_resamples)?;
    let (s, g) = (terms.n_systems, terms.n_groups);
    // Per replicate and system: its maximum (f64) and its draw (f32, three
    // times over: kept per chunk, concatenated, transposed); per replicate,
    // the overall maximum and each thread's column.
    let argument = format!("n_resamples={n_resamples} with {s} systems");
    let per_replicate = (s as u128) * (8 + 3 * 4) + 8 * (1 + parallel::threads() as u128);
    memory::check(
        &argument,
        "the multiplier draws",
        n_resamples as u128 * per_replicate,
    )?;
    let se = pair_se(terms);
    // 1 / se_jk above the diagonal, 0 where the pair does not vary.
    let inverse: Vec<f32> = se
        .iter()
        .map(|&x| if x > 0.0 { (1.0 / x) as f32 } else { 0.0 })
        .collect();
    let chi2 = ChiSquared::new(terms.df as f64).map_err(|_| domain("df", "must be at least 1"))?;
    // Each replicate's per-system maxima, row-major n_resamples x s; each
    // chunk also gives back its draws z_j * scale, kept for the stepdown.
    let mut row_max = memory::vec_of(
        &argument,
        "the multiplier draws",
        n_resamples.saturating_mul(s),
        0.0f64,
    )?;
    let scaled = parallel::map_chunks_mut(&mut row_max, CHUNK * s, |chunk, out| {
        if cancel.is_cancelled() {
            return Vec::new();
        }
        let mut kept = Vec::with_capacity(out.len());
        let mut rng = chunk_rng(seed, chunk as u64);
        let mut xi = vec![0.0f64; g * LANES];
        let mut z = vec![0.0f64; s * LANES];
        let mut scale = [0.0f64; LANES];
        let mut z32 = vec![0.0f32; s * LANES];
        let mut best = vec![[0.0f32; LANES]; s];
        for block in out.chunks_mut(s * LANES) {
            let lanes = block.len() / s;
            // The draws, replicate by replicate, in a fixed order.
            for lane in 0..lanes {
                for x in &mut xi[lane * g..(lane + 1) * g] {
                    *x = rng.sample(StandardNormal);
                }
                let c: f64 = rng.sample(chi2);
                scale[lane] = (terms.df as f64 / c).sqrt();
            }
            // z[j][lane] = sum_g xi_g a_jg.
            for j in 0..s {
                let a = &terms.values[j * g..(j + 1) * g];
                for lane in 0..LANES {
                    z[j * LANES + lane] = if lane < lanes {
                        a.iter()
                            .zip(&xi[lane * g..(lane + 1) * g])
                            .map(|(x, y)| x * y)
                            .sum()
                    } else {
                        0.0
                    };
                }
            }
            // The pair loop, in f32 (exact enough for a Monte-Carlo quantile,
            // and twice the lanes per instruction); `if t > b` maxima
            // vectorise where f32::max's NaN rules do not.
            for (zj, z64) in z32.iter_mut().zip(&z) {
                *zj = *z64 as f32;
            }
            best.iter_mut().for_each(|b| *b = [0.0; LANES]);
            for j in 0..s {
                let zj: [f32; LANES] = z32[j * LANES..(j + 1) * LANES].try_into().expect("lanes");
                let mut best_j = best[j];
                let (_, rest) = best.split_at_mut(j + 1);
                let weights = &inverse[j * s + j + 1..(j + 1) * s];
                let others = z32[(j + 1) * LANES..].chunks_exact(LANES);
                for ((best_k, zk), &w) in rest.iter_mut().zip(others).zip(weights) {
                    let zk: &[f32; LANES] = zk.try_into().expect("lanes");
                    let mut t = [0.0f32; LANES];
                    for lane in 0..LANES {
                        t[lane] = (zj[lane] - zk[lane]).abs() * w;
                    }
                    for lane in 0..LANES {
                        best_j[lane] = if t[lane] > best_j[lane] {
                            t[lane]
                        } else {
                            best_j[lane]
                        };
                        best_k[lane] = if t[lane] > best_k[lane] {
                            t[lane]
                        } else {
                            best_k[lane]
                        };
                    }
                }
                best[j] = best_j;
            }
            for lane in 0..lanes {
                for j in 0..s {
                    block[lane * s + j] = f64::from(best[j][lane]) * scale[lane];
                    kept.push((z[j * LANES + lane] * scale[lane]) as f32);
                }
            }
        }
        kept
    });
    cancel.check()?;
    let mut max_all: Vec<f64> = row_max
        .chunks_exact(s)
        .map(|row| row.iter().copied().fold(0.0, f64::max))
        .collect();
    max_all.sort_unstable_by(f64::total_cmp);
    let at = quantile_index(confidence, n_resamples);
    let simultaneous = max_all[at];
    let marginal = parallel::map(s, |j| {
        let mut column: Vec<f64> = row_max.iter().skip(j).step_by(s).copied().collect();
        *column.select_nth_unstable_by(at, f64::total_cmp).1
    });
    Ok(MaxT {
        se,
        inverse,
        draws: by_system(&scaled.concat(), s),
        confidence,
        marginal,
        simultaneous,
        max_all,
    })
}

/// Which pairwise differences are significant, after the stepdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejections {
    /// Row j: the k whose difference from j is significant in j's own family
    /// (the pairs involving j), row-major `n_systems x n_systems`.
    pub marginal: Vec<bool>,
    /// The same over the family of all pairs (symmetric).
    pub simultaneous: Vec<bool>,
}

impl MaxT {
    fn n_systems(&self) -> usize {
        self.marginal.len()
    }

    /// The `confidence` quantile of the maximum of `|T*_jk|` over `pairs`;
    /// replicates run along contiguous rows of the draws, so the loop
    /// vectorises.
    fn critical(&self, pairs: &[(usize, usize)]) -> f64 {
        let s = self.n_systems();
        let n = self.draws.len() / s;
        let mut maxima = vec![0.0f32; n];
        parallel::map_chunks_mut(&mut maxima, CHUNK, |c, out| {
            let start = c * CHUNK;
            for &(j, k) in pairs {
                let w = self.inverse[j * s + k];
                let zj = &self.draws[j * n + start..][..out.len()];
                let zk = &self.draws[k * n + start..][..out.len()];
                for ((m, a), b) in out.iter_mut().zip(zj).zip(zk) {
                    let t = (a - b).abs() * w;
                    *m = if t > *m { t } else { *m };
                }
            }
        });
        let at = quantile_index(self.confidence, n);
        f64::from(*maxima.select_nth_unstable_by(at, f32::total_cmp).1)
    }

    /// Romano-Wolf stepdown over a family of pairs, starting from its
    /// single-step critical value: reject every pair with `|t| > c`, then
    /// recompute `c` over the pairs not yet rejected, until nothing changes.
    fn stepdown(
        &self,
        t: &[f64],
        mut pairs: Vec<(usize, usize)>,
        mut c: f64,
    ) -> Vec<(usize, usize)> {
        let s = self.n_systems();
        let mut rejected = Vec::new();
        loop {
            let (out, kept): (Vec<_>, Vec<_>) =
                pairs.iter().partition(|&&(j, k)| t[j * s + k].abs() > c);
            if out.is_empty() {
                return rejected;
            }
            rejected.extend(out);
            pairs = kept;
            if pairs.is_empty() {
                return rejected;
            }
            c = self.critical(&pairs);
        }
    }

    /// The significant pairs, marginal (each system's family) and
    /// simultaneous (all pairs), from the observed studentised differences
    /// `t` (row-major, `t[j][k] = (d_j - d_k) / se_jk`).
    pub fn rejections(&self, t: &[f64]) -> Rejections {
        let s = self.n_systems();
        let mut marginal = vec![false; s * s];
        let rows = parallel::map(s, |j| {
            let pairs = (0..s).filter(|&k| k != j).map(|k| (j, k)).collect();
            self.stepdown(t, pairs, self.marginal[j])
        });
        for (j, k) in rows.into_iter().flatten() {
            marginal[j * s + k] = true;
        }
        let mut simultaneous = vec![false; s * s];
        let pairs = (0..s)
            .flat_map(|j| (j + 1..s).map(move |k| (j, k)))
            .collect();
        for (j, k) in self.stepdown(t, pairs, self.simultaneous) {
            simultaneous[j * s + k] = true;
            simultaneous[k * s + j] = true;
        }
        Rejections {
            marginal,
            simultaneous,
        }
    }
}

/// Row-major `n x s` values as row-major `s x n`.
fn by_system(values: &[f32], s: usize) -> Vec<f32> {
    let n = values.len() / s;
    let mut out = vec![0.0f32; values.len()];
    for (b, row) in values.chunks_exact(s).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            out[j * n + b] = v;
        }
    }
    out
}

/// The order statistic read as the `confidence` quantile of `n` replicates:
/// the smallest value with at least `confidence * n` replicates at or below.
fn quantile_index(confidence: f64, n: usize) -> usize {
    ((confidence * n as f64).ceil() as usize).clamp(1, n) - 1
}

/// Single-step max-t adjusted p-value of `|t|`: `(1 + #{max >= |t|}) / (B + 1)`
/// over the ascending replicate maxima.
pub fn adjusted_p(t: f64, max_all: &[f64]) -> f64 {
    if t.is_nan() {
        return f64::NAN;
    }
    let below = max_all.partition_point(|&m| m < t.abs());
    (1 + max_all.len() - below) as f64 / (max_all.len() + 1) as f64
}

fn check(terms: &Terms, confidence: f64, n_resamples: usize) -> Result<()> {
    crate::core::stats::bootstrap::check_confidence(confidence)?;
    if n_resamples == 0 {
        return Err(domain("n_resamples", "must be at least 1; got 0"));
    }
    if terms.values.len() != terms.n_systems * terms.n_groups {
        return Err(Error::Length {
            argument: "terms",
            expected: terms.n_systems * terms.n_groups,
            got: terms.values.len(),
        });
    }
    if terms.n_systems < 2 {
        return Err(domain("systems", "must hold at least 2 systems to rank"));
    }
    if terms.df == 0 {
        return Err(domain(
            "cluster",
            "needs at least 2 groups: between-group variation cannot be estimated from one",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::stats::student_t::t_quantile_two_sided;

    /// Deterministic pseudo-terms for `s` systems over `g` groups.
    fn terms(s: usize, g: usize) -> Vec<f64> {
        (0..s * g)
            .map(|i| ((i as f64 * 0.7548776662).fract() - 0.5) / (1.0 + (i % 3) as f64))
            .collect()
    }

    /// `values` as the terms of `s` systems with t(10) references.
    fn of(values: &[f64], s: usize) -> Terms<'_> {
        Terms {
            values,
            n_systems: s,
            n_groups: values.len() / s,
            df: 10,
        }
    }

    #[test]
    fn one_pair_is_students_t() {
        // Two systems: T* is exactly t(df), so the 95% critical value is
        // t's quantile up to Monte-Carlo error (sd about 0.02 at B = 40,000).
        let values = terms(2, 11);
        let t = of(&values, 2);
        let result = max_t(&t, 0.95, 40_000, 5, &Cancel::new()).unwrap();
        let exact = t_quantile_two_sided(0.95, 10.0);
        assert!(
            (result.simultaneous - exact).abs() < 0.06,
            "{} vs {exact}",
            result.simultaneous
        );
        assert_eq!(result.marginal, vec![result.simultaneous; 2]);
    }

    #[test]
    fn repeatable_whatever_the_threads_and_the_system_order() {
        let (s, g) = (7, 11);
        let values = terms(s, g);
        let t = of(&values, s);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| max_t(&t, 0.9, 3000, 11, &Cancel::new()).unwrap())
        };
        let one = run(1);
        assert_eq!(one, run(3));
        // Systems reversed: each system's critical value moves with it, bit for bit.
        let reversed: Vec<f64> = (0..s)
            .rev()
            .flat_map(|j| values[j * g..(j + 1) * g].to_vec())
            .collect();
        let r = Terms {
            values: &reversed,
            ..t
        };
        let other = max_t(&r, 0.9, 3000, 11, &Cancel::new()).unwrap();
        let back: Vec<f64> = other.marginal.iter().rev().copied().collect();
        assert_eq!(back, one.marginal);
        assert_eq!(other.simultaneous, one.simultaneous);
        // The all-pairs value bounds every system's own.
        assert!(one.marginal.iter().all(|&c| c <= one.simultaneous));
    }

    #[test]
    fn the_stepdown_rejects_at_least_what_the_single_step_does() {
        let (s, g) = (6, 11);
        let values = terms(s, g);
        let t = of(&values, s);
        let result = max_t(&t, 0.95, 4000, 3, &Cancel::new()).unwrap();
        // Observed statistics: system j ahead of k by 3 (j - k) standard errors.
        let observed: Vec<f64> = (0..s * s)
            .map(|i| 3.0 * ((i % s) as f64 - (i / s) as f64))
            .collect();
        let rejected = result.rejections(&observed);
        for j in 0..s {
            for k in 0..s {
                let i = j * s + k;
                let single = observed[i].abs() > result.marginal[j];
                assert!(!single || rejected.marginal[i], "lost ({j}, {k})");
                let all = observed[i].abs() > result.simultaneous;
                assert!(!all || rejected.simultaneous[i]);
                assert_eq!(rejected.simultaneous[i], rejected.simultaneous[k * s + j]);
            }
        }
        // Every pair 6 or more se apart goes in the first step; the
        // neighbours (3 se apart) then face the critical value of their own
        // family, which is lower.
        let neighbours: Vec<(usize, usize)> = (0..s - 1).map(|j| (j, j + 1)).collect();
        let lower = result.critical(&neighbours);
        assert!(lower < result.simultaneous && 6.0 > result.simultaneous);
        assert_eq!(rejected.simultaneous[1], 3.0 > lower);
        assert!(rejected.simultaneous[2]);
        // A pair is never rejected when every statistic is 0.
        let none = result.rejections(&vec![0.0; s * s]);
        assert!(!none.marginal.iter().any(|&r| r));
    }

    #[test]
    fn pair_se_is_the_norm_of_the_difference() {
        let values = [0.1, -0.2, 0.3, 0.0, 0.0, 0.0, 0.1, -0.2, 0.3];
        let t = Terms {
            values: &values,
            n_systems: 3,
            n_groups: 3,
            df: 2,
        };
        let se = pair_se(&t);
        assert_eq!(se[1], (0.01f64 + 0.04 + 0.09).sqrt());
        assert_eq!(se[1], se[3]);
        assert_eq!(se[2], 0.0); // equal terms: no variation
    }

    #[test]
    fn adjusted_p_counts_maxima_at_least_as_large() {
        let maxima = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(adjusted_p(2.0, &maxima), 4.0 / 5.0);
        assert_eq!(adjusted_p(-3.5, &maxima), 1.0 / 5.0);
        assert!(adjusted_p(f64::NAN, &maxima).is_nan());
    }

    #[test]
    fn one_group_is_an_error() {
        let values = [0.0, 0.0];
        let t = Terms {
            values: &values,
            n_systems: 2,
            n_groups: 1,
            df: 0,
        };
        assert!(max_t(&t, 0.95, 10, 1, &Cancel::new()).is_err());
    }
}
