//! Per-group linearised terms of presence, salience and their mean, with
//! the Bell–McCaffrey (CR2) small-sample correction: the building block of
//! the leaderboard's cluster-robust comparisons with few groups (actors).
//!
//! Each rate θ = Y / M (presence: hits over clips; salience: hits over
//! blends) is the least-squares intercept of the clips' 0/1 hits (or, for a
//! pair, the A − B differences) on a constant. Group g, with y hits over m
//! clips, has the residual sum e = y − θ·m and the leverage h = m / M; its
//! term is e / (M·√(1 − h)) = (y·M − Y·m) / (M·√(M·(M − m))), unbiased when
//! clips are independent with equal variance (Bell & McCaffrey 2002). It is
//! also the leave-one-group-out change θ − θ₍₋g₎ times √(1 − h).
//!
//! The mean's term is the average of the two rates' terms (the mean is
//! linear in them). A group without blends has a salience term of 0.
//!
//! **Paired terms are differences of single-system terms.** For fixed clip
//! and blend counts (A and B are scored on the same clips), the numerator
//! y·M − Y·m is linear in the hits and the denominator does not involve
//! them, so system A's terms minus system B's are exactly the terms of the
//! paired differences A − B (up to the rounding of each division). A
//! leaderboard can therefore compute each system's terms once, in one
//! shared group order, and subtract.

use crate::core::stats::bootstrap::Tally;

/// The per-group terms and the group counts behind the degrees of freedom.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterTerms {
    /// One row per group, in the order the tallies were given: the terms of
    /// presence, salience and the mean. Salience and mean terms are NaN when
    /// fewer than 2 groups have blends, presence terms when there is only one
    /// group: their variance cannot be estimated.
    pub terms: Vec<[f64; 3]>,
    /// G: the number of groups.
    pub groups: usize,
    /// G_S: the number of groups with at least one blend clip.
    pub groups_with_blends: usize,
}

impl ClusterTerms {
    /// Degrees of freedom of presence, salience and the mean: G − 1,
    /// G_S − 1, G − 1 (0 when there are no groups).
    pub fn df(&self) -> [f64; 3] {
        let g = self.groups.saturating_sub(1) as f64;
        let gs = self.groups_with_blends.saturating_sub(1) as f64;
        [g, gs, g]
    }
}

/// One rate's term for a group with `y` hits over `m` units, the totals
/// being `total_y` over `total_m`. Exact integers up to one division and a
/// square root.
fn term(y: i64, m: u64, total_y: i64, total_m: u64) -> f64 {
    if m == 0 {
        return 0.0;
    }
    let (y, m, total_y, total_m) = (
        i128::from(y),
        i128::from(m),
        i128::from(total_y),
        i128::from(total_m),
    );
    let numerator = (y * total_m - total_y * m) as f64;
    let rest = total_m - m;
    if rest == 0 {
        return f64::NAN;
    }
    numerator / (total_m as f64 * ((total_m * rest) as f64).sqrt())
}

/// The per-group terms of presence, salience and the mean from one tally per
/// group (one system's hits, or a pair's A − B differences), returned in the
/// same order as `groups`.
pub fn cluster_terms(groups: &[Tally]) -> ClusterTerms {
    let mut total = [0i64; 2];
    let (mut clips, mut blends) = (0u64, 0u64);
    for t in groups {
        total[0] += t.presence;
        total[1] += t.salience;
        clips += t.n;
        blends += t.n_blend;
    }
    let groups_with_blends = groups.iter().filter(|t| t.n_blend > 0).count();
    let salience_defined = groups_with_blends >= 2;
    let terms = groups
        .iter()
        .map(|t| {
            let presence = term(t.presence, t.n, total[0], clips);
            let salience = if salience_defined {
                term(t.salience, t.n_blend, total[1], blends)
            } else {
                f64::NAN
            };
            [presence, salience, (presence + salience) / 2.0]
        })
        .collect();
    ClusterTerms {
        terms,
        groups: groups.len(),
        groups_with_blends,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(hits: i64, n: u64) -> f64 {
        hits as f64 / n as f64
    }

    #[test]
    fn terms_are_leave_one_group_out_changes_times_root_of_one_minus_leverage() {
        let groups = [
            Tally::of(6, 2, 1, 0),
            Tally::of(6, 3, 4, 1),
            Tally::of(7, 4, 6, 2),
        ];
        let terms = cluster_terms(&groups);
        for (i, row) in terms.terms.iter().enumerate() {
            let rest: Vec<Tally> = (0..3).filter(|&k| k != i).map(|k| groups[k]).collect();
            let p_without = rate(
                rest.iter().map(|t| t.presence).sum(),
                rest.iter().map(|t| t.n).sum(),
            );
            let s_without = rate(
                rest.iter().map(|t| t.salience).sum(),
                rest.iter().map(|t| t.n_blend).sum(),
            );
            let root = |m: u64, total: u64| (1.0 - m as f64 / total as f64).sqrt();
            let p_term = (11.0 / 19.0 - p_without) * root(groups[i].n, 19);
            let s_term = (3.0 / 9.0 - s_without) * root(groups[i].n_blend, 9);
            assert!((row[0] - p_term).abs() < 1e-15);
            assert!((row[1] - s_term).abs() < 1e-15);
            assert!((row[2] - (row[0] + row[1]) / 2.0).abs() < 1e-16);
        }
        assert_eq!(terms.df(), [2.0, 2.0, 2.0]);
    }

    #[test]
    fn cr2_terms_scale_the_residual_by_the_root_of_one_minus_leverage() {
        let groups = [
            Tally::of(10, 4, 3, -1),
            Tally::of(20, 9, -2, 2),
            Tally::of(5, 0, 1, 0),
        ];
        let terms = cluster_terms(&groups);
        let (n, nb, p, s) = (35.0, 13.0, 2.0, 1.0);
        for (g, row) in groups.iter().zip(&terms.terms) {
            let e = g.presence as f64 - p / n * g.n as f64;
            let h = g.n as f64 / n;
            assert!((row[0] - e / (n * (1.0 - h).sqrt())).abs() < 1e-15);
            if g.n_blend == 0 {
                assert_eq!(row[1], 0.0);
            } else {
                let e = g.salience as f64 - s / nb * g.n_blend as f64;
                let h = g.n_blend as f64 / nb;
                assert!((row[1] - e / (nb * (1.0 - h).sqrt())).abs() < 1e-15);
            }
        }
        assert_eq!((terms.groups, terms.groups_with_blends), (3, 2));
        assert_eq!(terms.df(), [2.0, 1.0, 2.0]);
    }

    #[test]
    fn paired_terms_are_differences_of_single_system_terms() {
        let a = [
            Tally::of(54, 30, 20, 5),
            Tally::of(50, 28, 15, 2),
            Tally::of(61, 33, 30, 8),
        ];
        let b = [
            Tally::of(54, 30, 18, 6),
            Tally::of(50, 28, 17, 2),
            Tally::of(61, 33, 22, 3),
        ];
        let diff: Vec<Tally> = a
            .iter()
            .zip(&b)
            .map(|(x, y)| {
                Tally::of(
                    x.n,
                    x.n_blend,
                    x.presence - y.presence,
                    x.salience - y.salience,
                )
            })
            .collect();
        let (ta, tb) = (cluster_terms(&a), cluster_terms(&b));
        let td = cluster_terms(&diff);
        for i in 0..3 {
            for j in 0..3 {
                assert!((ta.terms[i][j] - tb.terms[i][j] - td.terms[i][j]).abs() < 1e-16);
            }
        }
    }

    #[test]
    fn terms_keep_the_given_order() {
        let groups = [
            Tally::of(54, 30, 20, 5),
            Tally::of(50, 28, 15, 2),
            Tally::of(61, 33, 30, 8),
            Tally::of(40, 0, 9, 0),
        ];
        let reversed: Vec<Tally> = groups.iter().rev().copied().collect();
        let (t, r) = (cluster_terms(&groups), cluster_terms(&reversed));
        for i in 0..4 {
            assert_eq!(t.terms[i], r.terms[3 - i]);
        }
    }

    #[test]
    fn undefined_variances_are_nan() {
        // Only one group has blends: salience and the mean have no variance.
        let t = cluster_terms(&[Tally::of(10, 5, 3, 1), Tally::of(8, 0, 2, 0)]);
        assert!(t
            .terms
            .iter()
            .all(|r| r[0].is_finite() && r[1].is_nan() && r[2].is_nan()));
        // A single group: nothing is defined.
        let t = cluster_terms(&[Tally::of(10, 5, 3, 1)]);
        assert!(t.terms[0].iter().all(|v| v.is_nan()));
        assert_eq!(t.df(), [0.0, 0.0, 0.0]);
    }
}
