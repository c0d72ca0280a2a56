//! The few-cluster default, `"cluster-t"`: closed-form intervals and tests
//! over groups (actors) that keep their coverage with as few as 6 groups.
//!
//! Both use the per-group terms of [`scaled_terms`](super::scaled_terms):
//! how far leaving one group out moves a rate on a transformed scale,
//! weighted as in Bell–McCaffrey's CR2, with Student's t and G − 1 degrees
//! of freedom.
//!
//! - One system: the terms on the logit scale; the interval
//!   `expit(logit(θ) ± q·se)`, so a rate near 0 can stretch further up than
//!   down.
//! - A paired difference A − B: the terms of each system on the two-thirds
//!   power scale, subtracted group by group; the test of
//!   θ_A^(2/3) − θ_B^(2/3) = 0, and a symmetric interval of A − B whose
//!   standard error is the scale's carried back by the secant slope, so
//!   that p < α exactly when the interval excludes 0.
//!
//! Salience uses G_S − 1 degrees of freedom (G_S: groups with blend clips).
//! No resampling, no random numbers: the result depends only on the
//! per-group tallies, summed in canonical order, so it is bit-identical under
//! any clip order, group labelling, seed or thread count.

use crate::core::error::{Error, Result};
use crate::core::stats::bootstrap::{check_confidence, Summary, Tally, STATISTICS};
use crate::core::stats::scaled_terms::{canonical_variance, scaled_terms, Scale};
use crate::core::stats::student_t::{t_quantile_two_sided, two_sided_p};

/// Below this many groups no method can promise its coverage.
pub const FEW_GROUPS: usize = 5;

/// Intervals of one system's presence, salience and mean from one tally per
/// group.
pub fn summarise(groups: &[Tally], confidence: f64) -> Result<Summary> {
    let total = Tally::sum(groups);
    let mut messages = check_groups(groups.len(), confidence)?;
    let terms = scaled_terms(groups, Scale::Logit);
    let se_logit = canonical_variance(groups, &terms.terms).map(f64::sqrt);
    let df = terms.df();
    let defined = defined_statistics(terms.groups_with_blends, &total, &mut messages);
    let estimate = total.values();
    let mut summary = Summary {
        estimate,
        low: [f64::NAN; 3],
        high: [f64::NAN; 3],
        se: [f64::NAN; 3],
        p_value: None,
        df: Some(df),
        messages: Vec::new(),
        distribution: Vec::new(),
    };
    let hits = [
        (total.presence, total.n as i64),
        (total.salience, total.n_blend as i64),
    ];
    let alpha = 1.0 - confidence;
    let degenerate = |(y, m): (i64, i64)| y == 0 || y == m;
    for j in 0..defined {
        let se = se_logit[j] / Scale::Logit.slope(estimate[j]);
        let (low, high, se) = if j < 2 && degenerate(hits[j]) {
            let (y, m) = hits[j];
            messages.push(format!(
                "{}: {} hits in every group; the bound treats clips as independent \
                 (one-sided Clopper-Pearson over {m} clips)",
                STATISTICS[j],
                if y == 0 { "no" } else { "all" }
            ));
            let (low, high) = clopper_pearson_edge(y == 0, m, alpha);
            (low, high, 0.0)
        } else if j == 2 && hits.into_iter().any(degenerate) {
            messages.push(
                "mean: a component has no hits (or all hits) in every group; its bounds \
                 are the average of presence's and salience's"
                    .into(),
            );
            let low = (summary.low[0] + summary.low[1]) / 2.0;
            let high = (summary.high[0] + summary.high[1]) / 2.0;
            (low, high, se)
        } else {
            let q = t_quantile_two_sided(confidence, df[j]);
            let (low, high) = logit_interval(estimate[j], se_logit[j], q, j, &mut messages);
            (low, high, se)
        };
        summary.low[j] = low;
        summary.high[j] = high;
        summary.se[j] = se;
    }
    summary.messages = messages;
    Ok(summary)
}

/// The difference A − B of two systems on the same clips, from each group's
/// pair of tallies `(A's, B's)`: intervals and two-sided p-values against
/// "no difference".
pub fn summarise_pair(pairs: &[(Tally, Tally)], confidence: f64) -> Result<Summary> {
    let (a, b): (Vec<Tally>, Vec<Tally>) = pairs.iter().copied().unzip();
    let (total_a, total_b) = (Tally::sum(&a), Tally::sum(&b));
    let mut messages = check_groups(pairs.len(), confidence)?;
    let scale = Scale::TwoThirdsPower;
    let (terms_a, terms_b) = (scaled_terms(&a, scale), scaled_terms(&b, scale));
    let differences: Vec<[f64; 3]> = terms_a
        .terms
        .iter()
        .zip(&terms_b.terms)
        .map(|(x, y)| [x[0] - y[0], x[1] - y[1], x[2] - y[2]])
        .collect();
    let se_scaled = canonical_variance(pairs, &differences).map(f64::sqrt);
    let df = terms_a.df();
    let defined = defined_statistics(terms_a.groups_with_blends, &total_a, &mut messages);
    // The difference rounded once from exact counts, as `score` would give it.
    let difference = Tally {
        presence: total_a.presence - total_b.presence,
        salience: total_a.salience - total_b.salience,
        ..total_a
    };
    let estimate = difference.values();
    let (rate_a, rate_b) = (total_a.values(), total_b.values());
    let mut summary = Summary {
        estimate,
        low: [f64::NAN; 3],
        high: [f64::NAN; 3],
        se: [f64::NAN; 3],
        p_value: Some([f64::NAN; 3]),
        df: Some(df),
        messages: Vec::new(),
        distribution: Vec::new(),
    };
    for j in 0..defined {
        let d = estimate[j];
        let test = paired_test(rate_a[j], rate_b[j], d, se_scaled[j], df[j]);
        if se_scaled[j] == 0.0 {
            messages.push(format!(
                "{}: leaving out any one group moves A and B alike; zero-width interval",
                STATISTICS[j]
            ));
            summary.low[j] = d;
            summary.high[j] = d;
        } else {
            let q = t_quantile_two_sided(confidence, df[j]);
            summary.low[j] = (d - q * test.se).max(-1.0);
            summary.high[j] = (d + q * test.se).min(1.0);
        }
        summary.se[j] = test.se;
        if let Some(p_value) = summary.p_value.as_mut() {
            p_value[j] = test.p_value;
        }
    }
    summary.messages = messages;
    Ok(summary)
}

/// The paired test of one statistic: its t on the two-thirds power scale,
/// the standard error of `d = rate_a - rate_b` and the two-sided p-value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairedTest {
    pub t: f64,
    pub se: f64,
    pub p_value: f64,
}

/// The test of `f(rate_a) - f(rate_b) = 0` with `f(x) = x^(2/3)`, from the
/// standard error of that gap (`se_scaled`, the norm of the paired terms)
/// and `df` degrees of freedom. `d` is the difference as `score` gives it.
/// `compare` and the leaderboard's pairwise table both call this, so one
/// pair gets one answer. A gap without sampling variation (`se_scaled` 0)
/// is infinitely far from zero unless `d` is zero.
pub fn paired_test(rate_a: f64, rate_b: f64, d: f64, se_scaled: f64, df: f64) -> PairedTest {
    let scale = Scale::TwoThirdsPower;
    if se_scaled == 0.0 {
        let (t, p_value) = if d == 0.0 {
            (0.0, 1.0)
        } else {
            (d.signum() * f64::INFINITY, 0.0)
        };
        return PairedTest {
            t,
            se: 0.0,
            p_value,
        };
    }
    let gap = scale.apply(rate_a) - scale.apply(rate_b);
    // The secant slope between the two rates carries the scale's standard
    // error to the difference's, so the interval excludes 0 exactly when the
    // test rejects.
    let slope = if d == 0.0 || gap == 0.0 {
        scale.slope(rate_a)
    } else {
        gap / d
    };
    let t = gap / se_scaled;
    PairedTest {
        t,
        se: se_scaled / slope,
        p_value: two_sided_p(t, df),
    }
}

/// The checks both summaries share: the confidence, at least 2 groups (an
/// error), fewer than [`FEW_GROUPS`] (a warning, returned as the first
/// message).
fn check_groups(g: usize, confidence: f64) -> Result<Vec<String>> {
    check_confidence(confidence)?;
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
    Ok(messages)
}

/// How many of presence, salience and the mean have an interval: all three
/// when at least 2 groups have blend clips, presence alone otherwise.
fn defined_statistics(
    groups_with_blends: usize,
    total: &Tally,
    messages: &mut Vec<String>,
) -> usize {
    if groups_with_blends >= 2 {
        return 3;
    }
    let why = if total.n_blend == 0 {
        "there are no blend clips"
    } else {
        "only one group has blend clips"
    };
    messages.push(format!(
        "{why}: salience and the mean have no interval (NaN)"
    ));
    1
}

/// The interval of a rate strictly between 0 and 1 from its standard error
/// on the logit scale: `expit(logit(θ) ± q·se)`.
fn logit_interval(theta: f64, se: f64, q: f64, j: usize, messages: &mut Vec<String>) -> (f64, f64) {
    if se == 0.0 {
        messages.push(format!(
            "{}: every group has the same rate; zero-width interval",
            STATISTICS[j]
        ));
        return (theta, theta);
    }
    let logit = Scale::Logit.apply(theta);
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    (expit(logit - q * se), expit(logit + q * se))
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

#[cfg(test)]
#[path = "cluster_t_tests.rs"]
mod tests;
