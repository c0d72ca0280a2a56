//! The per-group terms of the few-cluster default (`"cluster-t"`): how far
//! leaving one group (actor) out moves a rate on a transformed scale, with
//! the Bell–McCaffrey (CR2) leverage weight of the linear terms.
//!
//! For a rate θ (presence: hits over clips; salience: hits over blends) and
//! its value θ₍₋g₎ without group g, the term of g on the scale f is
//!
//! ```text
//! (f(θ) − f(θ₍₋g₎)) · √(1 − h_g)
//! ```
//!
//! with h_g the group's share of the rate's clips (or blends). With
//! f(x) = x this is exactly the CR2 term of
//! [`cluster_terms`](super::cluster_terms). On another scale it is the
//! delta method with the tangent f′(θ) replaced by the actual change, which
//! matters with few groups: leaving out the one actor with most of the hits
//! moves a small rate a long way. The mean (presence + salience) / 2 takes
//! its own leave-one-out value and the average of the two weights.
//!
//! The variance is Σ_g term², summed in canonical order (see
//! [`canonical_variance`]).

use crate::core::stats::bootstrap::Tally;
use crate::core::stats::cluster_terms::ClusterTerms;

/// The scale the terms are taken on. Each was chosen by measurement
/// (`make calibrate-candidates`; README, "How the default was chosen").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// log(x / (1 − x)), for one system's intervals: a rate near 0 gets an
    /// interval that stretches further up than down.
    Logit,
    /// x^(2/3), for tests of A − B: it evens out the per-group changes of a
    /// small rate, where the raw scale makes the test too cautious and the
    /// logit too bold.
    TwoThirdsPower,
}

impl Scale {
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Scale::Logit => x.ln() - libm::log1p(-x),
            Scale::TwoThirdsPower => {
                let root = libm::cbrt(x);
                root * root
            }
        }
    }

    /// The derivative f′(x): how a standard error on the scale maps back to
    /// the rate's.
    pub fn slope(self, x: f64) -> f64 {
        match self {
            Scale::Logit => 1.0 / (x * (1.0 - x)),
            Scale::TwoThirdsPower => 2.0 / (3.0 * libm::cbrt(x)),
        }
    }

    /// A leave-one-out value the scale can take: the logit of exactly 0 or 1
    /// is infinite, so such a value is moved in by `half` (half a clip).
    fn admissible(self, x: f64, half: f64) -> f64 {
        match self {
            Scale::Logit if x <= 0.0 => half,
            Scale::Logit if x >= 1.0 => 1.0 - half,
            _ => x,
        }
    }
}

/// Each group's terms of presence, salience and the mean on `scale`, in the
/// order given. As for the linear terms, salience and the mean are NaN when
/// fewer than 2 groups have blends, and everything is NaN for a single
/// group. A rate of exactly 0 or 1 has no logit: its terms are not finite
/// (the caller bounds such a rate otherwise).
pub fn scaled_terms(groups: &[Tally], scale: Scale) -> ClusterTerms {
    let total = Tally::sum(groups);
    let estimate = total.values().map(|x| scale.apply(x));
    let groups_with_blends = groups.iter().filter(|t| t.n_blend > 0).count();
    let share = |m: u64, of: u64| ((of - m) as f64 / of as f64).sqrt();
    let terms = groups
        .iter()
        .map(|t| {
            let rest = total.minus(t);
            if rest.n == 0 {
                return [f64::NAN; 3];
            }
            let without = rest.values();
            let weight_p = share(t.n, total.n);
            let half_p = 0.5 / rest.n as f64;
            let presence =
                (estimate[0] - scale.apply(scale.admissible(without[0], half_p))) * weight_p;
            if groups_with_blends < 2 {
                return [presence, f64::NAN, f64::NAN];
            }
            let weight_s = share(t.n_blend, total.n_blend);
            let half_s = 0.5 / rest.n_blend as f64;
            let salience =
                (estimate[1] - scale.apply(scale.admissible(without[1], half_s))) * weight_s;
            let half_m = (half_p + half_s) / 2.0;
            let mean = (estimate[2] - scale.apply(scale.admissible(without[2], half_m)))
                * (weight_p + weight_s)
                / 2.0;
            [presence, salience, mean]
        })
        .collect();
    ClusterTerms {
        terms,
        groups: groups.len(),
        groups_with_blends,
    }
}

/// The variance Σ_g term² of each statistic, summed over the groups in
/// canonical order (`keys`, the groups' tallies, sorted ascending), so that
/// it is bit-identical whatever the order of the clips and the labels of the
/// groups.
pub fn canonical_variance<K: Ord>(keys: &[K], terms: &[[f64; 3]]) -> [f64; 3] {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&i, &j| keys[i].cmp(&keys[j]));
    let mut variance = [0.0; 3];
    for i in order {
        for (v, t) in variance.iter_mut().zip(terms[i]) {
            *v += t * t;
        }
    }
    variance
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::stats::cluster_terms::cluster_terms;

    const GROUPS: [Tally; 4] = [
        Tally::of(54, 30, 20, 5),
        Tally::of(50, 28, 15, 2),
        Tally::of(61, 33, 30, 8),
        Tally::of(40, 0, 9, 0),
    ];

    #[test]
    fn presence_and_salience_terms_are_cr2_terms_on_the_scale() {
        // The identity is not a Scale; the logit's terms divided by the
        // secant slope between the rate and its leave-one-out value give the
        // linear CR2 terms back.
        let linear = cluster_terms(&GROUPS);
        let logit = scaled_terms(&GROUPS, Scale::Logit);
        let total = Tally::sum(&GROUPS);
        let theta = total.values();
        for (i, t) in GROUPS.iter().enumerate() {
            let without = total.minus(t).values();
            for j in 0..2 {
                let l = logit.terms[i][j];
                let c = linear.terms[i][j];
                if c == 0.0 {
                    assert_eq!(l, 0.0);
                    continue;
                }
                let secant = (Scale::Logit.apply(theta[j]) - Scale::Logit.apply(without[j]))
                    / (theta[j] - without[j]);
                assert!((l / secant - c).abs() < 1e-15, "{i} {j}: {l} {c}");
            }
        }
    }

    #[test]
    fn a_leave_one_out_value_of_zero_is_moved_in_by_half_a_clip() {
        // Only the first group has salience hits: without it, salience is 0.
        let groups = [
            Tally::of(10, 6, 4, 3),
            Tally::of(12, 5, 6, 0),
            Tally::of(9, 4, 2, 0),
        ];
        let terms = scaled_terms(&groups, Scale::Logit);
        let theta: f64 = 3.0 / 15.0;
        let without: f64 = 0.5 / 9.0;
        let logit = |x: f64| (x / (1.0 - x)).ln();
        let want = (logit(theta) - logit(without)) * (9.0f64 / 15.0).sqrt();
        assert!((terms.terms[0][1] - want).abs() < 1e-14);
        assert!(terms.terms.iter().flatten().all(|v| v.is_finite()));
        // The two-thirds power needs no such move.
        let power = scaled_terms(&groups, Scale::TwoThirdsPower);
        let want = theta.powf(2.0 / 3.0) * (9.0f64 / 15.0).sqrt();
        assert!((power.terms[0][1] - want).abs() < 1e-15);
    }

    #[test]
    fn the_variance_does_not_depend_on_the_group_order() {
        let reversed: Vec<Tally> = GROUPS.iter().rev().copied().collect();
        for scale in [Scale::Logit, Scale::TwoThirdsPower] {
            let (t, r) = (scaled_terms(&GROUPS, scale), scaled_terms(&reversed, scale));
            for i in 0..4 {
                assert_eq!(t.terms[i], r.terms[3 - i]);
            }
            assert_eq!(
                canonical_variance(&GROUPS, &t.terms),
                canonical_variance(&reversed, &r.terms)
            );
        }
    }

    #[test]
    fn undefined_terms_are_nan() {
        let t = scaled_terms(
            &[Tally::of(10, 5, 3, 1), Tally::of(8, 0, 2, 0)],
            Scale::Logit,
        );
        assert!(t
            .terms
            .iter()
            .all(|r| r[0].is_finite() && r[1].is_nan() && r[2].is_nan()));
        let t = scaled_terms(&[Tally::of(10, 5, 3, 1)], Scale::TwoThirdsPower);
        assert!(t.terms[0].iter().all(|v| v.is_nan()));
    }
}
