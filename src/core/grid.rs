//! The threshold grid search: both metrics at every `(alpha, beta)` of a grid,
//! in one pass over the clips.
//!
//! Decoding each clip at each grid point (as the published search does) costs
//! `N * A * B` decodes. But a clip's prediction changes only at two
//! breakpoints (see `decode::Profile`): the pair is kept for the alphas at or
//! below its second value, and split 50/50 for the betas at or above the
//! difference of its two values. On sorted axes these regions are rectangles
//! anchored at the first alpha, so each clip adds its outcome to a 2-D
//! difference array with three updates and a prefix sum turns that into the
//! counts: O(N log(A + B) + A * B) instead.

use crate::core::decode::{empty_row_error, profile_row, Decoded, Ties};
use crate::core::encoding::{is_blend, EncodedView};
use crate::core::error::{domain, py_float, Result};
use crate::core::parallel;
use crate::core::probs::{rows_of, ClassOrder, Prob};
use crate::core::score::{is_presence_right, is_salience_right, outcome_of, ratio};

/// Below this many clips one thread does the whole pass.
const PARALLEL_MIN: usize = 1 << 14;

/// The metrics at every grid point, in the caller's axis order (alpha-major:
/// cell `a * n_betas + b` is `(alphas[a], betas[b])`).
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub n_alphas: usize,
    pub n_betas: usize,
    pub presence_correct: Vec<u64>,
    pub salience_correct: Vec<u64>,
    pub n: u64,
    pub n_blend: u64,
    /// `presence_correct / n` in f64, as NumPy's mean of the boolean vector.
    pub presence: Vec<f64>,
    /// `salience_correct / n_blend`, 0.0 without blends.
    pub salience: Vec<f64>,
    /// The flat index of the best cell: the first maximum, in alpha-major
    /// order, of `w * presence + (1 - w) * salience`.
    pub best: usize,
    pub presence_only: f64,
    pub salience_only: f64,
}

/// A sorted copy of an axis and where each original entry landed.
struct Axis {
    sorted: Vec<f64>,
    rank: Vec<usize>,
}

impl Axis {
    fn new(argument: &'static str, values: &[f64]) -> Result<Axis> {
        if values.is_empty() {
            return Err(domain(
                argument,
                "must be a non-empty 1-D array; got an empty one",
            ));
        }
        if let Some((k, &v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(domain(
                argument,
                format!("must be finite; entry {k} is {}", py_float(v)),
            ));
        }
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&x, &y| values[x].total_cmp(&values[y]));
        let mut rank = vec![0; values.len()];
        for (position, &original) in order.iter().enumerate() {
            rank[original] = position;
        }
        Ok(Axis {
            sorted: order.iter().map(|&k| values[k]).collect(),
            rank,
        })
    }

    fn len(&self) -> usize {
        self.sorted.len()
    }
}

/// (presence right, salience right) of clip `i` predicted as `decoded`.
fn hits_of(decoded: Decoded, order: &ClassOrder, label: &EncodedView, i: usize) -> [i64; 2] {
    let pred = decoded.encode(order);
    let cell = outcome_of(pred.mask, pred.salience, label.mask[i], label.saliences(i));
    [
        i64::from(is_presence_right(cell)),
        i64::from(is_salience_right(cell)),
    ]
}

fn minus(a: [i64; 2], b: [i64; 2]) -> [i64; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

fn add_to(target: &mut [i64; 2], x: [i64; 2]) {
    target[0] += x[0];
    target[1] += x[1];
}

/// One chunk's contribution: hits counted everywhere, plus a difference
/// array `diff[k * B + lo]` adding to every cell with sorted alpha index
/// below `k` and sorted beta index at or above `lo` (rows 1..=A).
struct Partial {
    base: [i64; 2],
    diff: Vec<[i64; 2]>,
}

impl Partial {
    fn merge(mut self, other: Partial) -> Partial {
        add_to(&mut self.base, other.base);
        for (a, b) in self.diff.iter_mut().zip(other.diff) {
            add_to(a, b);
        }
        self
    }
}

struct Setup<'a> {
    order: &'a ClassOrder,
    ties: &'a Ties<'a>,
    labels: &'a EncodedView<'a>,
    alphas: &'a Axis,
    betas: &'a Axis,
}

fn accumulate<T: Prob>(probs: &[T], rows: std::ops::Range<usize>, s: &Setup) -> Result<Partial> {
    let n_betas = s.betas.len();
    let mut partial = Partial {
        base: [0, 0],
        diff: vec![[0, 0]; (s.alphas.len() + 1) * n_betas],
    };
    let lowest_alpha = s.alphas.sorted[0];
    for r in rows {
        let profile = profile_row(probs, r, s.order, s.ties)?;
        if profile.all_zero && lowest_alpha <= 0.0 {
            return Err(empty_row_error(r, lowest_alpha));
        }
        let single = hits_of(profile.single, s.order, s.labels, r);
        add_to(&mut partial.base, single);
        // Sorted alphas [0, ka) keep the pair.
        let ka = s
            .alphas
            .sorted
            .partition_point(|&a| a <= profile.pair_below);
        if ka == 0 {
            continue;
        }
        let unequal = hits_of(profile.pair_unequal, s.order, s.labels, r);
        add_to(&mut partial.diff[ka * n_betas], minus(unequal, single));
        // Sorted betas [kb, B) split the pair 50/50.
        let kb = s.betas.sorted.partition_point(|&b| b < profile.equal_from);
        if kb < n_betas {
            let equal = hits_of(profile.pair_equal, s.order, s.labels, r);
            add_to(&mut partial.diff[ka * n_betas + kb], minus(equal, unequal));
        }
    }
    Ok(partial)
}

/// Both metrics at every `(alpha, beta)` of the grid, identical to decoding
/// and scoring at each point. The axes may be in any order and repeat values.
pub fn grid_search<T: Prob>(
    probs: &[T],
    order: &ClassOrder,
    ties: &Ties,
    labels: &EncodedView,
    alphas: &[f64],
    betas: &[f64],
    presence_weight: f64,
) -> Result<Grid> {
    let n = rows_of(probs)?;
    ties.check(n)?;
    labels.check("label mask", n)?;
    if !(0.0..=1.0).contains(&presence_weight) {
        return Err(domain(
            "presence_weight",
            format!("must be between 0 and 1; got {}", py_float(presence_weight)),
        ));
    }
    let alpha_axis = Axis::new("alphas", alphas)?;
    let beta_axis = Axis::new("betas", betas)?;
    let setup = Setup {
        order,
        ties,
        labels,
        alphas: &alpha_axis,
        betas: &beta_axis,
    };
    let n_chunks = n.div_ceil(PARALLEL_MIN).clamp(1, parallel::threads());
    let chunk = n.div_ceil(n_chunks).max(1);
    let partial = if n_chunks == 1 {
        accumulate(probs, 0..n, &setup)?
    } else {
        // Chunks come back in order, so the first error is the lowest row's;
        // integer sums do not depend on how the work was split.
        let partials = parallel::map(n_chunks, |c| {
            accumulate(probs, c * chunk..((c + 1) * chunk).min(n), &setup)
        });
        let mut merged: Option<Partial> = None;
        for p in partials {
            let p = p?;
            merged = Some(match merged {
                None => p,
                Some(m) => m.merge(p),
            });
        }
        merged.expect("at least one chunk")
    };
    Ok(finish(
        n,
        labels,
        &alpha_axis,
        &beta_axis,
        &partial,
        presence_weight,
    ))
}

fn finish(
    n: usize,
    labels: &EncodedView,
    alphas: &Axis,
    betas: &Axis,
    partial: &Partial,
    presence_weight: f64,
) -> Grid {
    let (n_alphas, n_betas) = (alphas.len(), betas.len());
    // Prefix sums over sorted betas, suffix sums over sorted alphas.
    let mut sorted = vec![[0i64; 2]; n_alphas * n_betas];
    let mut running = vec![[0i64; 2]; n_betas];
    for a in (0..n_alphas).rev() {
        let mut along = [0, 0];
        for b in 0..n_betas {
            add_to(&mut along, partial.diff[(a + 1) * n_betas + b]);
            add_to(&mut running[b], along);
            let mut cell = partial.base;
            add_to(&mut cell, running[b]);
            sorted[a * n_betas + b] = cell;
        }
    }
    let n_blend = labels.mask.iter().filter(|&&m| is_blend(m)).count() as u64;
    let cells = n_alphas * n_betas;
    let mut grid = Grid {
        n_alphas,
        n_betas,
        presence_correct: Vec::with_capacity(cells),
        salience_correct: Vec::with_capacity(cells),
        n: n as u64,
        n_blend,
        presence: Vec::with_capacity(cells),
        salience: Vec::with_capacity(cells),
        best: 0,
        presence_only: f64::NEG_INFINITY,
        salience_only: f64::NEG_INFINITY,
    };
    let mut best_key = f64::NEG_INFINITY;
    for a in 0..n_alphas {
        for b in 0..n_betas {
            let [p, s] = sorted[alphas.rank[a] * n_betas + betas.rank[b]];
            let (p, s) = (p as u64, s as u64);
            let (presence, salience) = (ratio(p, n as u64), ratio(s, n_blend));
            // Exactly the published key; ties keep the first cell.
            let key = presence_weight * presence + (1.0 - presence_weight) * salience;
            if key > best_key {
                best_key = key;
                grid.best = grid.presence.len();
            }
            grid.presence_only = grid.presence_only.max(presence);
            grid.salience_only = grid.salience_only.max(salience);
            grid.presence_correct.push(p);
            grid.salience_correct.push(s);
            grid.presence.push(presence);
            grid.salience.push(salience);
        }
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::decode;
    use crate::core::encoding::NO_SALIENCE;
    use crate::core::probs::N_CLASSES;
    use crate::core::score::count;

    /// The grid the slow way: decode and count at every point.
    fn brute_force(
        probs: &[f64],
        labels: &EncodedView,
        alphas: &[f64],
        betas: &[f64],
    ) -> Vec<[u64; 2]> {
        let order = ClassOrder::standard();
        let mut out = Vec::new();
        for &a in alphas {
            for &b in betas {
                let mut decoded = Vec::new();
                decode(probs, a, b, &order, &Ties::default(), &mut decoded).unwrap();
                let mask: Vec<u8> = decoded.iter().map(|d| d.mask).collect();
                let salience: Vec<u8> = decoded.iter().flat_map(|d| d.salience).collect();
                let pred = EncodedView {
                    mask: &mask,
                    salience: &salience,
                };
                let cells = count(&pred, labels).unwrap();
                out.push([cells.presence_correct(), cells.salience_correct()]);
            }
        }
        out
    }

    #[test]
    fn matches_brute_force_on_coarse_rows() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let n = 300;
        let probs: Vec<f64> = (0..n * N_CLASSES)
            .map(|_| (next() % 5) as f64 / 10.0)
            .collect();
        let label_pairs = [
            (0b1, [NO_SALIENCE; 2]),
            (0b1001, [30, 70]),
            (0b11, [50, 50]),
            (0b110, [70, 30]),
        ];
        let picked: Vec<_> = (0..n).map(|_| label_pairs[(next() % 4) as usize]).collect();
        let mask: Vec<u8> = picked.iter().map(|p| p.0).collect();
        let salience: Vec<u8> = picked.iter().flat_map(|p| p.1).collect();
        let labels = EncodedView {
            mask: &mask,
            salience: &salience,
        };
        // Unsorted, repeated, and exactly on the data's values.
        let alphas = [0.3, 0.1, 0.4, 0.1, 0.05, 0.2, 0.5];
        let betas = [0.2, 0.0, 0.1, 0.1, 0.4, 0.3];
        let grid = grid_search(
            &probs,
            &ClassOrder::standard(),
            &Ties::default(),
            &labels,
            &alphas,
            &betas,
            0.5,
        )
        .unwrap();
        let expected = brute_force(&probs, &labels, &alphas, &betas);
        for (k, e) in expected.iter().enumerate() {
            assert_eq!(
                [grid.presence_correct[k], grid.salience_correct[k]],
                *e,
                "cell {k}"
            );
        }
    }

    #[test]
    fn parallel_pass_matches_serial() {
        let n = 3 * PARALLEL_MIN + 5;
        let probs: Vec<f64> = (0..n * N_CLASSES)
            .map(|k| ((k * 7919) % 11) as f64 / 10.0)
            .collect();
        let mask: Vec<u8> = (0..n).map(|i| [0b1, 0b1001, 0b110][i % 3]).collect();
        let salience: Vec<u8> = (0..n)
            .flat_map(|i| [[NO_SALIENCE; 2], [30, 70], [50, 50]][i % 3])
            .collect();
        let labels = EncodedView {
            mask: &mask,
            salience: &salience,
        };
        let alphas = [0.1, 0.3, 0.5, 0.7];
        let betas = [0.05, 0.2, 0.4];
        let grid = grid_search(
            &probs,
            &ClassOrder::standard(),
            &Ties::default(),
            &labels,
            &alphas,
            &betas,
            0.5,
        )
        .unwrap();
        let setup = Setup {
            order: &ClassOrder::standard(),
            ties: &Ties::default(),
            labels: &labels,
            alphas: &Axis::new("alphas", &alphas).unwrap(),
            betas: &Axis::new("betas", &betas).unwrap(),
        };
        let serial = accumulate(&probs, 0..n, &setup).unwrap();
        let serial = finish(n, &labels, setup.alphas, setup.betas, &serial, 0.5);
        assert_eq!(grid, serial);
    }

    #[test]
    fn best_cell_is_the_first_maximum() {
        // One blend clip decoded right for every beta: all cells tie.
        let probs = [0.5, 0.5, 0.0, 0.0, 0.0, 0.0];
        let labels = EncodedView {
            mask: &[0b11],
            salience: &[50, 50],
        };
        let grid = grid_search(
            &probs,
            &ClassOrder::standard(),
            &Ties::default(),
            &labels,
            &[0.6, 0.2, 0.1],
            &[0.1, 0.2],
            0.5,
        )
        .unwrap();
        // alpha 0.6 drops the pair; 0.2 and 0.1 score 1.0 everywhere.
        assert_eq!(grid.best, 2);
        assert_eq!(grid.presence, vec![0.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(grid.salience_only, 1.0);
    }

    #[test]
    fn rejects_bad_axes_and_rows() {
        let labels = EncodedView {
            mask: &[1],
            salience: &[NO_SALIENCE; 2],
        };
        let order = ClassOrder::standard();
        let ties = Ties::default();
        let probs = [0.0; 6];
        assert!(grid_search(&probs, &order, &ties, &labels, &[], &[0.1], 0.5).is_err());
        assert!(grid_search(&probs, &order, &ties, &labels, &[f64::NAN], &[0.1], 0.5).is_err());
        assert!(grid_search(&probs, &order, &ties, &labels, &[0.1], &[0.1], 1.5).is_err());
        let err =
            grid_search(&probs, &order, &ties, &labels, &[0.0, 0.1], &[0.1], 0.5).unwrap_err();
        assert!(err.to_string().contains("row 0 is all zeros"), "{err}");
        assert!(grid_search(&probs, &order, &ties, &labels, &[0.1], &[0.1], 0.5).is_ok());
    }
}
