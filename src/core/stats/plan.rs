//! Planning a test set: what `compare` and `bootstrap` would report on a
//! test set of K actors drawn from a pilot's actors.
//!
//! Each simulated test set draws K of the pilot's actors with replacement,
//! each with its own clip and blend counts and its hits for both systems
//! (so unequal actors and hits that move together are kept as they are),
//! and runs the calibrated `"cluster-t"` method of [`cluster_t`] on it:
//!
//! - the paired test of A − B, whose true difference in this population is
//!   the pilot's own (the power at the observed difference);
//! - the same test after swapping A's and B's hits within each drawn actor
//!   with probability 1/2, a population with no difference (the size);
//! - A's interval of the metric (its half-width).
//!
//! K values run in parallel, each on its own random stream (stream `i` for
//! the i-th K), so the result does not depend on the thread count.

use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::error::{domain, Result};
use crate::core::parallel;
use crate::core::stats::bootstrap::{check_confidence, chunk_rng, Summary, Tally};
use crate::core::stats::cluster_t;

/// What one simulated test set reported, for the statistic asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Draw {
    /// The estimate of A − B.
    pub difference: f64,
    /// Its standard error (on the rate's scale, as `compare` reports it).
    pub se: f64,
    /// The two-sided p-value of the test of "no difference".
    pub p_value: f64,
    /// The same test where A and B were swapped within random actors.
    pub p_null: f64,
    /// Half the width of A's interval.
    pub half_width: f64,
}

/// `n_sims` simulated test sets of each size in `actors`, drawn from the
/// pilot's per-actor tallies `(A's, B's)` (without a second system, pass A's
/// tallies twice and `paired = false`: the difference fields are NaN).
/// `statistic` indexes presence, salience, mean. One `Vec<Draw>` per size.
pub fn simulate(
    pilot: &[(Tally, Tally)],
    actors: &[usize],
    n_sims: usize,
    confidence: f64,
    statistic: usize,
    paired: bool,
    seed: u64,
) -> Result<Vec<Vec<Draw>>> {
    check_confidence(confidence)?;
    if pilot.is_empty() {
        return Err(domain("preds", "the pilot has no actors"));
    }
    if let Some(&k) = actors.iter().find(|&&k| k < 2) {
        return Err(domain(
            "actors",
            format!("each size must be at least 2; got {k}"),
        ));
    }
    if statistic > 2 {
        return Err(domain("metric", format!("index 0-2; got {statistic}")));
    }
    let out = parallel::map(actors.len(), |i| {
        let mut rng = chunk_rng(seed, i as u64);
        (0..n_sims)
            .map(|_| draw(pilot, actors[i], confidence, statistic, paired, &mut rng))
            .collect::<Result<Vec<Draw>>>()
    });
    out.into_iter().collect()
}

/// One test set of `k` actors and what the methods report on it.
fn draw(
    pilot: &[(Tally, Tally)],
    k: usize,
    confidence: f64,
    j: usize,
    paired: bool,
    rng: &mut Xoshiro256PlusPlus,
) -> Result<Draw> {
    let drawn: Vec<(Tally, Tally)> = (0..k)
        .map(|_| pilot[rng.random_range(0..pilot.len())])
        .collect();
    let a: Vec<Tally> = drawn.iter().map(|&(a, _)| a).collect();
    let single = cluster_t::summarise(&a, confidence)?;
    let half_width = (single.high[j] - single.low[j]) / 2.0;
    if !paired {
        return Ok(Draw {
            difference: f64::NAN,
            se: f64::NAN,
            p_value: f64::NAN,
            p_null: f64::NAN,
            half_width,
        });
    }
    let pair = cluster_t::summarise_pair(&drawn, confidence)?;
    let swapped: Vec<(Tally, Tally)> = drawn
        .iter()
        .map(|&(a, b)| if rng.random_bool(0.5) { (b, a) } else { (a, b) })
        .collect();
    let null = cluster_t::summarise_pair(&swapped, confidence)?;
    let p = |s: &Summary| s.p_value.map_or(f64::NAN, |p| p[j]);
    Ok(Draw {
        difference: pair.estimate[j],
        se: pair.se[j],
        p_value: p(&pair),
        p_null: p(&null),
        half_width,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pilot() -> Vec<(Tally, Tally)> {
        (0..12u64)
            .map(|g| {
                let n = 30 + 3 * g;
                let a = Tally::of(n, n / 2, (n / 2 + g) as i64, (g % 5) as i64 + 3);
                let b = Tally::of(n, n / 2, (n / 2) as i64, (g % 3) as i64 + 2);
                (a, b)
            })
            .collect()
    }

    #[test]
    fn same_seed_same_draws_and_sizes_in_order() {
        let one = simulate(&pilot(), &[6, 20], 50, 0.95, 2, true, 7).unwrap();
        let two = simulate(&pilot(), &[6, 20], 50, 0.95, 2, true, 7).unwrap();
        assert_eq!(one, two);
        assert_eq!(one.len(), 2);
        assert!(one.iter().all(|d| d.len() == 50));
        // Wider intervals with fewer actors.
        let median = |d: &[Draw]| {
            let mut w: Vec<f64> = d.iter().map(|x| x.half_width).collect();
            w.sort_by(f64::total_cmp);
            w[w.len() / 2]
        };
        assert!(median(&one[0]) > median(&one[1]));
    }

    #[test]
    fn each_draw_is_cluster_t_on_the_drawn_actors() {
        // With one kind of actor every draw is K copies of it: the draw must
        // report exactly what cluster_t reports on those K actors.
        let actor = pilot()[3];
        let one_kind = vec![actor; 5];
        let draws = simulate(&one_kind, &[7], 3, 0.9, 0, true, 2).unwrap();
        let copies = vec![actor; 7];
        let pair = cluster_t::summarise_pair(&copies, 0.9).unwrap();
        let a: Vec<Tally> = copies.iter().map(|&(a, _)| a).collect();
        let single = cluster_t::summarise(&a, 0.9).unwrap();
        for d in &draws[0] {
            assert_eq!(d.difference, pair.estimate[0]);
            assert_eq!(d.se, pair.se[0]);
            assert_eq!(d.p_value, pair.p_value.unwrap()[0]);
            assert_eq!(d.half_width, (single.high[0] - single.low[0]) / 2.0);
        }
    }

    #[test]
    fn unpaired_draws_have_no_difference() {
        let pilot: Vec<_> = pilot().into_iter().map(|(a, _)| (a, a)).collect();
        let draws = simulate(&pilot, &[8], 5, 0.95, 0, false, 1).unwrap();
        assert!(draws[0]
            .iter()
            .all(|d| d.p_value.is_nan() && d.half_width > 0.0));
    }

    #[test]
    fn sizes_below_two_and_empty_pilots_are_errors() {
        assert!(simulate(&pilot(), &[1], 5, 0.95, 2, true, 1).is_err());
        assert!(simulate(&[], &[6], 5, 0.95, 2, true, 1).is_err());
        assert!(simulate(&pilot(), &[6], 5, 1.5, 2, true, 1).is_err());
    }
}
