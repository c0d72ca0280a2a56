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
//!
//! The work is split in two: [`grid_counts`] gives integer counts, which add
//! up across batches and processes, and [`GridCounts::scores`] turns counts
//! (one shard's or a sum) into both metrics and the best cell by the
//! published key and tie-break, written here once.
//!
//! Numeric fidelity: the axis values are compared in f64 with the input
//! dtype's values and its own pair difference, as the published search's
//! loop over `np.linspace` values (np.float64 scalars) does.

use crate::core::cancel::{Cancel, ROWS_PER_CHECK};
use crate::core::decode::{empty_row_error, profile_row, Decoded, Ties};
use crate::core::encoding::{is_blend, EncodedView};
use crate::core::error::{check_len, domain, py_float, Result};
use crate::core::memory;
use crate::core::parallel;
use crate::core::probs::{rows_of, ClassOrder, Prob};
use crate::core::score::{is_presence_right, is_salience_right, outcome_of, ratio};

/// Below this many clips one thread does the whole pass.
const PARALLEL_MIN: usize = 1 << 14;

/// The grid's integer counts, in the caller's axis order (alpha-major: cell
/// `a * n_betas + b` is `(alphas[a], betas[b])`). Counts of disjoint sets of
/// clips on the same axes add up to the counts of their union, so shards
/// (batches, processes) sum exactly. Signed, as torch sums and gathers int64.
#[derive(Debug, Clone, PartialEq)]
pub struct GridCounts {
    pub n_alphas: usize,
    pub n_betas: usize,
    pub presence_correct: Vec<i64>,
    pub salience_correct: Vec<i64>,
    pub n: i64,
    pub n_blend: i64,
}

/// Both metrics at every cell, and the best cell.
#[derive(Debug, Clone, PartialEq)]
pub struct GridScores {
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

fn accumulate<T: Prob>(
    probs: &[T],
    rows: std::ops::Range<usize>,
    s: &Setup,
    cancel: &Cancel,
) -> Result<Partial> {
    let n_betas = s.betas.len();
    let mut partial = Partial {
        base: [0, 0],
        diff: vec![[0, 0]; (s.alphas.len() + 1) * n_betas],
    };
    let lowest_alpha = s.alphas.sorted[0];
    for r in rows {
        if r.is_multiple_of(ROWS_PER_CHECK) {
            cancel.check()?;
        }
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

fn check_presence_weight(presence_weight: f64) -> Result<()> {
    if (0.0..=1.0).contains(&presence_weight) {
        Ok(())
    } else {
        Err(domain(
            "presence_weight",
            format!("must be between 0 and 1; got {}", py_float(presence_weight)),
        ))
    }
}

/// Checks a search's settings before any clip arrives: both axes non-empty
/// and finite, the weight between 0 and 1.
pub fn check_grid(alphas: &[f64], betas: &[f64], presence_weight: f64) -> Result<()> {
    Axis::new("alphas", alphas)?;
    Axis::new("betas", betas)?;
    check_presence_weight(presence_weight)
}

/// The counts at every `(alpha, beta)` of the grid, identical to decoding
/// and scoring at each point. The axes may be in any order and repeat values.
/// A grid larger than the memory left is `Error::Memory`; the work stops
/// with `Error::Cancelled` once `cancel` is set.
pub fn grid_counts<T: Prob>(
    probs: &[T],
    order: &ClassOrder,
    ties: &Ties,
    labels: &EncodedView,
    alphas: &[f64],
    betas: &[f64],
    cancel: &Cancel,
) -> Result<GridCounts> {
    let n = rows_of(probs)?;
    ties.check(n)?;
    labels.check("label mask", n)?;
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
    // A difference array per chunk, the sorted counts, the two count grids.
    let cells = alphas.len() as u128 * betas.len() as u128;
    memory::check(
        &format!("alphas x betas ({} x {} cells)", alphas.len(), betas.len()),
        "the grid",
        cells * 16 * (n_chunks as u128 + 2),
    )?;
    let chunk = n.div_ceil(n_chunks).max(1);
    let partial = if n_chunks == 1 {
        accumulate(probs, 0..n, &setup, cancel)?
    } else {
        // Chunks come back in order, so the first error is the lowest row's;
        // integer sums do not depend on how the work was split.
        let partials = parallel::map(n_chunks, |c| {
            accumulate(probs, c * chunk..((c + 1) * chunk).min(n), &setup, cancel)
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
    counts_of(n, labels, &alpha_axis, &beta_axis, &partial, cancel)
}

/// The difference array summed into counts, back in the caller's axis order.
fn counts_of(
    n: usize,
    labels: &EncodedView,
    alphas: &Axis,
    betas: &Axis,
    partial: &Partial,
    cancel: &Cancel,
) -> Result<GridCounts> {
    let (n_alphas, n_betas) = (alphas.len(), betas.len());
    // Prefix sums over sorted betas, suffix sums over sorted alphas.
    let mut sorted = vec![[0i64; 2]; n_alphas * n_betas];
    let mut running = vec![[0i64; 2]; n_betas];
    for a in (0..n_alphas).rev() {
        cancel.check()?;
        let mut along = [0, 0];
        for b in 0..n_betas {
            add_to(&mut along, partial.diff[(a + 1) * n_betas + b]);
            add_to(&mut running[b], along);
            let mut cell = partial.base;
            add_to(&mut cell, running[b]);
            sorted[a * n_betas + b] = cell;
        }
    }
    let n_blend = labels.mask.iter().filter(|&&m| is_blend(m)).count();
    let cells = n_alphas * n_betas;
    let mut counts = GridCounts {
        n_alphas,
        n_betas,
        presence_correct: Vec::with_capacity(cells),
        salience_correct: Vec::with_capacity(cells),
        n: n as i64,
        n_blend: n_blend as i64,
    };
    for a in 0..n_alphas {
        for b in 0..n_betas {
            let [p, s] = sorted[alphas.rank[a] * n_betas + betas.rank[b]];
            counts.presence_correct.push(p);
            counts.salience_correct.push(s);
        }
    }
    Ok(counts)
}

impl GridCounts {
    /// Counts given from outside (summed across processes, say), checked:
    /// two grids of `n_alphas * n_betas` counts, each between 0 and `n`
    /// (presence) or `n_blend` (salience), with `0 <= n_blend <= n`.
    pub fn new(
        n_alphas: usize,
        n_betas: usize,
        presence_correct: Vec<i64>,
        salience_correct: Vec<i64>,
        n: i64,
        n_blend: i64,
    ) -> Result<GridCounts> {
        if n < 0 || n_blend < 0 || n_blend > n {
            return Err(domain(
                "n_blend",
                format!("must be between 0 and n; got n = {n}, n_blend = {n_blend}"),
            ));
        }
        for (argument, grid, most) in [
            ("presence_correct", &presence_correct, n),
            ("salience_correct", &salience_correct, n_blend),
        ] {
            check_len(argument, n_alphas * n_betas, grid.len())?;
            if let Some((k, c)) = grid
                .iter()
                .enumerate()
                .find(|(_, &c)| !(0..=most).contains(&c))
            {
                let (a, b) = (k / n_betas, k % n_betas);
                return Err(domain(
                    argument,
                    format!("must hold counts between 0 and {most}; cell ({a}, {b}) is {c}"),
                ));
            }
        }
        Ok(GridCounts {
            n_alphas,
            n_betas,
            presence_correct,
            salience_correct,
            n,
            n_blend,
        })
    }

    /// Both metrics at every cell and the best cell, by the published key
    /// `w * presence + (1 - w) * salience` with `w = presence_weight`; ties go
    /// to the first cell in alpha-major order, as the published search's
    /// stable sort keeps them.
    pub fn scores(&self, presence_weight: f64) -> Result<GridScores> {
        self.scores_until(presence_weight, &Cancel::new())
    }

    /// [`GridCounts::scores`], stopping with `Error::Cancelled` once
    /// `cancel` is set.
    pub fn scores_until(&self, presence_weight: f64, cancel: &Cancel) -> Result<GridScores> {
        check_presence_weight(presence_weight)?;
        if self.n == 0 {
            return Err(domain(
                "n",
                "must be at least 1: the grid counts no clip, and a search needs one",
            ));
        }
        let (n, n_blend) = (self.n as u64, self.n_blend as u64);
        let cells = self.presence_correct.len();
        memory::check(
            &format!("{} x {} grid cells", self.n_alphas, self.n_betas),
            "the grid's scores",
            cells as u128 * 16,
        )?;
        let mut scores = GridScores {
            presence: Vec::with_capacity(cells),
            salience: Vec::with_capacity(cells),
            best: 0,
            presence_only: f64::NEG_INFINITY,
            salience_only: f64::NEG_INFINITY,
        };
        let mut best_key = f64::NEG_INFINITY;
        for (k, (&p, &s)) in self
            .presence_correct
            .iter()
            .zip(&self.salience_correct)
            .enumerate()
        {
            if k.is_multiple_of(ROWS_PER_CHECK) {
                cancel.check()?;
            }
            let (presence, salience) = (ratio(p as u64, n), ratio(s as u64, n_blend));
            // Exactly the published key; ties keep the first cell.
            let key = presence_weight * presence + (1.0 - presence_weight) * salience;
            if key > best_key {
                best_key = key;
                scores.best = k;
            }
            scores.presence_only = scores.presence_only.max(presence);
            scores.salience_only = scores.salience_only.max(salience);
            scores.presence.push(presence);
            scores.salience.push(salience);
        }
        Ok(scores)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::decode::decode;
    use crate::core::encoding::NO_SALIENCE;
    use crate::core::probs::N_CLASSES;
    use crate::core::score::count;
    use half::f16;

    /// The grid the slow way: decode and count at every point.
    fn brute_force<T: Prob>(
        probs: &[T],
        labels: &EncodedView,
        alphas: &[f64],
        betas: &[f64],
    ) -> Vec<[i64; 2]> {
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
                out.push([
                    cells.presence_correct() as i64,
                    cells.salience_correct() as i64,
                ]);
            }
        }
        out
    }

    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// Random labels among a single, and blends at each ratio.
    fn random_labels(n: usize, next: &mut impl FnMut() -> u64) -> (Vec<u8>, Vec<u8>) {
        let label_pairs = [
            (0b1, [NO_SALIENCE; 2]),
            (0b1001, [30, 70]),
            (0b11, [50, 50]),
            (0b110, [70, 30]),
        ];
        let picked: Vec<_> = (0..n).map(|_| label_pairs[(next() % 4) as usize]).collect();
        let mask = picked.iter().map(|p| p.0).collect();
        let salience = picked.iter().flat_map(|p| p.1).collect();
        (mask, salience)
    }

    fn assert_matches_brute_force<T: Prob>(probs: &[T], alphas: &[f64], betas: &[f64], seed: u64) {
        let mut next = xorshift(seed);
        let (mask, salience) = random_labels(probs.len() / N_CLASSES, &mut next);
        let labels = EncodedView {
            mask: &mask,
            salience: &salience,
        };
        let order = ClassOrder::standard();
        let counts = grid_counts(
            probs,
            &order,
            &Ties::default(),
            &labels,
            alphas,
            betas,
            &Cancel::new(),
        )
        .unwrap();
        let expected = brute_force(probs, &labels, alphas, betas);
        for (k, e) in expected.iter().enumerate() {
            assert_eq!(
                [counts.presence_correct[k], counts.salience_correct[k]],
                *e,
                "cell {k}"
            );
        }
    }

    #[test]
    fn matches_brute_force_on_coarse_rows() {
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        let probs: Vec<f64> = (0..300 * N_CLASSES)
            .map(|_| (next() % 5) as f64 / 10.0)
            .collect();
        // Unsorted, repeated, and exactly on the data's values.
        let alphas = [0.3, 0.1, 0.4, 0.1, 0.05, 0.2, 0.5];
        let betas = [0.2, 0.0, 0.1, 0.1, 0.4, 0.3];
        assert_matches_brute_force(&probs, &alphas, &betas, 7);
    }

    #[test]
    fn matches_brute_force_in_f16() {
        // Values across exponents (0.0078 to 0.5, and zeros), so that pair
        // differences round in f16; axes on the data's values, on f16 pair
        // differences and next to them.
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        let probs: Vec<f16> = (0..400 * N_CLASSES)
            .map(|_| match next() % 4 {
                0 => f16::ZERO,
                _ => f16::from_bits(0x2000 + (next() % 0x1800) as u16),
            })
            .collect();
        let gap = |r: usize| {
            (probs[r * N_CLASSES] - probs[r * N_CLASSES + 1])
                .abs()
                .to_f64()
        };
        let alphas = [probs[3].to_f64(), 0.1, probs[8].to_f64(), 0.3, 0.05];
        let betas = [0.0, gap(1), gap(2), gap(2) + 1e-6, 0.2, 0.13];
        assert_matches_brute_force(&probs, &alphas, &betas, 11);
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
        let order = ClassOrder::standard();
        let counts = grid_counts(
            &probs,
            &order,
            &Ties::default(),
            &labels,
            &alphas,
            &betas,
            &Cancel::new(),
        );
        let setup = Setup {
            order: &order,
            ties: &Ties::default(),
            labels: &labels,
            alphas: &Axis::new("alphas", &alphas).unwrap(),
            betas: &Axis::new("betas", &betas).unwrap(),
        };
        let never = Cancel::new();
        let serial = accumulate(&probs, 0..n, &setup, &never).unwrap();
        let serial = counts_of(n, &labels, setup.alphas, setup.betas, &serial, &never).unwrap();
        assert_eq!(counts.unwrap(), serial);
    }

    #[test]
    fn best_cell_is_the_first_maximum() {
        // One blend clip decoded right for every beta: all cells tie.
        let probs = [0.5, 0.5, 0.0, 0.0, 0.0, 0.0];
        let labels = EncodedView {
            mask: &[0b11],
            salience: &[50, 50],
        };
        let counts = grid_counts(
            &probs,
            &ClassOrder::standard(),
            &Ties::default(),
            &labels,
            &[0.6, 0.2, 0.1],
            &[0.1, 0.2],
            &Cancel::new(),
        )
        .unwrap();
        let grid = counts.scores(0.5).unwrap();
        // alpha 0.6 drops the pair; 0.2 and 0.1 score 1.0 everywhere.
        assert_eq!(grid.best, 2);
        assert_eq!(grid.presence, vec![0.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(grid.salience_only, 1.0);
    }

    #[test]
    fn scores_follow_the_published_key() {
        // 2 x 2 cells, 10 clips, 4 blends. Keys at w = 0.5: 0.3, 0.45, 0.45, 0.4.
        let counts = GridCounts::new(2, 2, vec![6, 5, 9, 8], vec![0, 2, 0, 0], 10, 4).unwrap();
        let grid = counts.scores(0.5).unwrap();
        assert_eq!(grid.presence, vec![0.6, 0.5, 0.9, 0.8]);
        assert_eq!(grid.salience, vec![0.0, 0.5, 0.0, 0.0]);
        assert_eq!(grid.best, 1); // 0.45 twice: the first in alpha-major order
        assert_eq!((grid.presence_only, grid.salience_only), (0.9, 0.5));
        assert_eq!(counts.scores(1.0).unwrap().best, 2);
        assert_eq!(counts.scores(0.0).unwrap().best, 1);
        // No blend: salience is 0.0, as published.
        let singles = GridCounts::new(1, 1, vec![3], vec![0], 5, 0).unwrap();
        assert_eq!(singles.scores(0.5).unwrap().salience, vec![0.0]);
    }

    #[test]
    fn rejects_inconsistent_counts() {
        let new = |p: Vec<i64>, s: Vec<i64>, n, nb| GridCounts::new(1, 2, p, s, n, nb);
        assert!(new(vec![1, 2], vec![0, 1], 3, 1).is_ok());
        let err = new(vec![1, -2], vec![0, 1], 3, 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "presence_correct must hold counts between 0 and 3; cell (0, 1) is -2"
        );
        assert!(new(vec![1, 4], vec![0, 1], 3, 1).is_err());
        assert!(new(vec![1, 2], vec![0, 2], 3, 1).is_err());
        assert!(new(vec![1, 2], vec![0, 1], 3, 4).is_err());
        assert!(new(vec![1, 2], vec![0, 1], -1, 0).is_err());
        assert!(new(vec![1, 2, 3], vec![0, 1], 3, 1).is_err());
        let empty = new(vec![0, 0], vec![0, 0], 0, 0).unwrap();
        assert!(empty
            .scores(0.5)
            .unwrap_err()
            .to_string()
            .contains("no clip"));
        assert!(new(vec![1, 2], vec![0, 1], 3, 1)
            .unwrap()
            .scores(1.5)
            .is_err());
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
        assert!(grid_counts(&probs, &order, &ties, &labels, &[], &[0.1], &Cancel::new()).is_err());
        assert!(grid_counts(
            &probs,
            &order,
            &ties,
            &labels,
            &[f64::NAN],
            &[0.1],
            &Cancel::new()
        )
        .is_err());
        let err = grid_counts(
            &probs,
            &order,
            &ties,
            &labels,
            &[0.0, 0.1],
            &[0.1],
            &Cancel::new(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("row 0 is all zeros"), "{err}");
        assert!(grid_counts(
            &probs,
            &order,
            &ties,
            &labels,
            &[0.1],
            &[0.1],
            &Cancel::new()
        )
        .is_ok());
    }
}
