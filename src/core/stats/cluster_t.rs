//! The few-cluster default, `"cluster-t"`: closed-form intervals and tests
//! over groups (actors) that keep their coverage with as few as 6 groups.
//!
//! - One system: the leave-one-group-out (CR3, jackknife) standard error of
//!   each rate, Student's t with G − 1 degrees of freedom, and the interval
//!   built on the logit scale and transformed back (a rate near 0 can stretch
//!   further up than down).
//! - A paired difference A − B: the Bell–McCaffrey (CR2) standard error, t
//!   with G − 1 degrees of freedom, a symmetric interval and a two-sided
//!   p-value on the raw scale (p < α exactly when the interval excludes 0).
//!
//! Salience uses G_S − 1 degrees of freedom (G_S: groups with blend clips).
//! No resampling, no random numbers: the result depends only on the
//! per-group tallies, summed in canonical order, so it is bit-identical under
//! any clip order, group labelling, seed or thread count.

use crate::core::error::{Error, Result};
use crate::core::stats::bootstrap::{check_confidence, Summary, Tally, STATISTICS};
use crate::core::stats::cluster_terms::{canonical_variance, cluster_terms, SmallSample};
use crate::core::stats::student_t::{t_quantile_two_sided, two_sided_p};

/// Below this many groups no method can promise its coverage.
pub const FEW_GROUPS: usize = 5;

/// Intervals (and, for a pair, p-values) from one tally per group: one
/// system's hits, or, when `paired`, A's hits minus B's.
pub fn summarise(groups: &[Tally], confidence: f64, paired: bool) -> Result<Summary> {
    check_confidence(confidence)?;
    let g = groups.len();
    if g < 2 {
        return Err(Error::Value {
            argument: "cluster",
            message: format!(
                "{} group: between-group variation cannot be estimated; give at least 2 groups \
                 (5 or more for the intervals to keep their coverage), or use cluster=None for \
                 clip-level intervals",
                if g == 0 { "no" } else { "a single" }
            ),
        });
    }
    let mut messages = Vec::new();
    if g < FEW_GROUPS {
        messages.push(format!(
            "only {g} groups: no method can promise the stated coverage"
        ));
    }
    let correction = if paired {
        SmallSample::Cr2
    } else {
        SmallSample::Cr3
    };
    let terms = cluster_terms(groups, correction);
    let se = canonical_variance(groups, &terms).map(f64::sqrt);
    let df = terms.df();
    let mut total = Tally::default();
    for t in groups {
        total.n += t.n;
        total.n_blend += t.n_blend;
        total.presence += t.presence;
        total.salience += t.salience;
    }
    let estimate = total.values();
    let quantile = df.map(|d| t_quantile_two_sided(confidence, d));
    let mut summary = Summary {
        estimate,
        low: [f64::NAN; 3],
        high: [f64::NAN; 3],
        se,
        p_value: paired.then_some([f64::NAN; 3]),
        df: Some(df),
        messages: Vec::new(),
        distribution: Vec::new(),
    };
    // Salience (and so the mean) needs blend clips in at least 2 groups.
    let defined = if terms.groups_with_blends >= 2 {
        3
    } else {
        let why = if total.n_blend == 0 {
            "there are no blend clips"
        } else {
            "only one group has blend clips"
        };
        messages.push(format!(
            "{why}: salience and the mean have no interval (NaN)"
        ));
        summary.se[1] = f64::NAN;
        summary.se[2] = f64::NAN;
        1
    };
    if paired {
        for j in [0, 1, 2].into_iter().take(defined) {
            paired_interval(&mut summary, j, quantile[j], &mut messages);
        }
    } else {
        let hits = [
            (total.presence, total.n as i64),
            (total.salience, total.n_blend as i64),
        ];
        let alpha = 1.0 - confidence;
        for j in [0, 1].into_iter().take(defined) {
            let (y, m) = hits[j];
            let (low, high) = if y == 0 || y == m {
                messages.push(format!(
                    "{}: {} hits in every group; the bound treats clips as independent \
                     (one-sided Clopper-Pearson over {m} clips)",
                    STATISTICS[j],
                    if y == 0 { "no" } else { "all" }
                ));
                clopper_pearson_edge(y == 0, m, alpha)
            } else {
                logit_interval(estimate[j], se[j], quantile[j], j, &mut messages)
            };
            summary.low[j] = low;
            summary.high[j] = high;
        }
        if defined == 3 {
            let degenerate = hits.iter().any(|&(y, m)| y == 0 || y == m);
            let (low, high) = if degenerate {
                messages.push(
                    "mean: a component has no hits (or all hits) in every group; its bounds \
                     are the average of presence's and salience's"
                        .into(),
                );
                (
                    (summary.low[0] + summary.low[1]) / 2.0,
                    (summary.high[0] + summary.high[1]) / 2.0,
                )
            } else {
                logit_interval(estimate[2], se[2], quantile[2], 2, &mut messages)
            };
            summary.low[2] = low;
            summary.high[2] = high;
        }
    }
    summary.messages = messages;
    Ok(summary)
}

/// The interval of a rate strictly between 0 and 1 on the logit scale:
/// `expit(logit(θ) ± q·se/(θ(1−θ)))` (the delta method).
fn logit_interval(theta: f64, se: f64, q: f64, j: usize, messages: &mut Vec<String>) -> (f64, f64) {
    if se == 0.0 {
        messages.push(format!(
            "{}: every group has the same rate; zero-width interval",
            STATISTICS[j]
        ));
        return (theta, theta);
    }
    let logit = theta.ln() - libm::log1p(-theta);
    let half = q * se / (theta * (1.0 - theta));
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    (expit(logit - half), expit(logit + half))
}

/// A rate with no hits (or all hits) among `m` clips: the one-sided
/// Clopper–Pearson bound at level 1 − α/2, `[0, 1 − (α/2)^(1/m)]` (or its
/// mirror image).
fn clopper_pearson_edge(no_hits: bool, m: i64, alpha: f64) -> (f64, f64) {
    let edge = (alpha / 2.0).powf(1.0 / m as f64);
    if no_hits {
        (0.0, 1.0 - edge)
    } else {
        (edge, 1.0)
    }
}

/// The symmetric interval of a difference and its two-sided t p-value.
fn paired_interval(summary: &mut Summary, j: usize, q: f64, messages: &mut Vec<String>) {
    let d = summary.estimate[j];
    let se = summary.se[j];
    let df = summary.df.expect("cluster-t reports df")[j];
    let p = if se == 0.0 {
        messages.push(format!(
            "{}: every group has the same difference; zero-width interval",
            STATISTICS[j]
        ));
        summary.low[j] = d;
        summary.high[j] = d;
        if d == 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        summary.low[j] = (d - q * se).max(-1.0);
        summary.high[j] = (d + q * se).min(1.0);
        two_sided_p(d / se, df)
    };
    if let Some(p_value) = summary.p_value.as_mut() {
        p_value[j] = p;
    }
}

#[cfg(test)]
#[path = "cluster_t_tests.rs"]
mod tests;
