//! Decoding class probabilities into predictions, exactly as the challenge's
//! published post-processing does.
//!
//! The published steps on one row: keep the two largest values (top-2), take
//! `top` = the first argmax of that reduced row, predict `top` alone when it is
//! below the presence threshold `alpha`; otherwise zero the values below
//! `alpha` and predict what is still above zero: one emotion, neutral against
//! the other emotion (a single winner), or a pair whose saliences are 50/50
//! when the two values differ by at most `beta`, else 70/30 towards the larger.
//!
//! Once the top-2 columns are known, the decision depends on `alpha` only
//! through `alpha <= second value` (the pair is kept) and on `beta` only
//! through `beta >= |difference|` (50/50). [`Profile`] records those two
//! breakpoints and the three possible predictions, so the grid search can
//! place every clip on the whole grid at once; [`decode`] evaluates the same
//! profile at one point, so the two can never disagree.
//!
//! Numeric fidelity: the difference of the two kept values is taken in the
//! input dtype (f16, f32 or f64) and only then widened, as NumPy subtracts two
//! scalars of the array's dtype. Thresholds arrive as f64 and are compared in
//! f64, which is exact for every input dtype. Which threshold values arrive
//! is the caller's rule: the published `probs2dict` called with Python floats
//! compares in the array's dtype (NumPy 2 rounds the floats to it), so
//! `decode` passes thresholds already rounded to the dtype; the published
//! search loops over np.float64 values, so the grid search passes its axes
//! as they are.

use crate::core::cancel::{Cancel, ROWS_PER_CHECK};
use crate::core::encoding::EncodedClip;
use crate::core::error::{check_len, domain, py_float, Error, Result};
use crate::core::probs::{check_row, rows_of, ClassOrder, Prob, N_CLASSES};

/// The two columns the top-2 reduction keeps, in `argsort(-row)` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Picks {
    pub first: usize,
    pub second: usize,
}

/// The published top-2 with ties to the lower column, and whether a tie made
/// the choice: the second-largest value is positive and shared with a column
/// left out. Only then can another tie rule change the decoded prediction
/// (a tie at zero keeps a zero either way, and a tie for first place alone
/// keeps the same two columns).
pub fn top2<T: Prob>(row: &[T]) -> (Picks, bool) {
    let mut first = 0;
    for k in 1..row.len() {
        if row[k] > row[first] {
            first = k;
        }
    }
    let mut second = usize::from(first == 0);
    for k in second + 1..row.len() {
        if k != first && row[k] > row[second] {
            second = k;
        }
    }
    let tied = row[second] > T::ZERO
        && (0..row.len()).any(|k| k != first && k != second && row[k] == row[second]);
    (Picks { first, second }, tied)
}

/// Top-2 choices made elsewhere for tied rows (the Python layer asks NumPy's
/// own `argsort`, whose tie order depends on the CPU's sorting kernel).
/// `rows` is sorted ascending; `picks[2 * k..2 * k + 2]` belongs to `rows[k]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ties<'a> {
    pub rows: &'a [i64],
    pub picks: &'a [u8],
}

impl Ties<'_> {
    pub fn check(&self, n: usize) -> Result<()> {
        check_len("tie picks", 2 * self.rows.len(), self.picks.len())?;
        let sorted = self.rows.windows(2).all(|w| w[0] < w[1]);
        let in_range = self
            .rows
            .iter()
            .all(|&r| usize::try_from(r).is_ok_and(|r| r < n));
        let distinct = self.picks.chunks_exact(2).all(|p| {
            p[0] != p[1] && usize::from(p[0]) < N_CLASSES && usize::from(p[1]) < N_CLASSES
        });
        if sorted && in_range && distinct {
            Ok(())
        } else {
            Err(Error::Value {
                argument: "tie picks",
                message: "rows must be ascending row indices and picks two distinct columns each"
                    .into(),
            })
        }
    }

    /// The top-2 columns of row `r`: the supplied choice for a tied row, else
    /// the lower-column rule.
    pub fn picks<T: Prob>(&self, r: usize, row: &[T]) -> Picks {
        let (picks, tied) = top2(row);
        if tied {
            if let Ok(k) = self.rows.binary_search(&(r as i64)) {
                return Picks {
                    first: usize::from(self.picks[2 * k]),
                    second: usize::from(self.picks[2 * k + 1]),
                };
            }
        }
        picks
    }
}

/// How a decoded pair shares its saliences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    /// 50/50.
    Equal,
    /// 70 for the lower column `i`, 30 for `j`.
    FirstLarger,
    /// 30 for `i`, 70 for `j`.
    SecondLarger,
}

/// One decoded prediction, in column terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// One emotion at salience 100.
    Single(usize),
    /// Columns `i < j`, listed in that order.
    Pair { i: usize, j: usize, share: Share },
}

impl Decoded {
    /// The saliences in percent for columns `(i, j)` of a pair.
    pub fn percents(share: Share) -> (u8, u8) {
        match share {
            Share::Equal => (50, 50),
            Share::FirstLarger => (70, 30),
            Share::SecondLarger => (30, 70),
        }
    }

    /// The clip encoding `score` counts over (codes, not columns).
    pub fn encode(&self, order: &ClassOrder) -> EncodedClip {
        match *self {
            Decoded::Single(c) => EncodedClip::single(order.code(c)),
            Decoded::Pair { i, j, share } => {
                let (si, sj) = Decoded::percents(share);
                EncodedClip::blend([order.code(i), order.code(j)], [si, sj])
            }
        }
    }
}

/// Everything the thresholds can do to one row, after the top-2 reduction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// The prediction while the second value is dropped (or below `alpha`).
    pub single: Decoded,
    /// The pair is kept exactly when `alpha <= pair_below` (-inf: never).
    pub pair_below: f64,
    /// With the pair kept: 50/50 exactly when `beta >= equal_from`.
    pub equal_from: f64,
    pub pair_equal: Decoded,
    pub pair_unequal: Decoded,
    /// Every reduced value is zero: for `alpha <= 0` nothing is left to predict.
    pub all_zero: bool,
}

impl Profile {
    /// The profile of one checked row (finite, non-negative values).
    pub fn new<T: Prob>(row: &[T], picks: Picks, order: &ClassOrder) -> Profile {
        let (a, b) = (picks.first, picks.second);
        // `top` is the first argmax of the reduced row, whose other values are 0.
        let top = if row[a] > row[b] || (row[a] == row[b] && a < b) {
            a
        } else {
            b
        };
        let other = if top == a { b } else { a };
        let single = Decoded::Single(top);
        if row[top] == T::ZERO {
            // np.argmax of an all-zero row is column 0.
            return Profile {
                single: Decoded::Single(0),
                pair_below: f64::NEG_INFINITY,
                equal_from: f64::INFINITY,
                pair_equal: Decoded::Single(0),
                pair_unequal: Decoded::Single(0),
                all_zero: true,
            };
        }
        // The second value survives `row < alpha` zeroing and the `> 0` test
        // exactly when it is positive and `alpha <= value` (in f64).
        let pair_below = if row[other] > T::ZERO {
            row[other].to_f64()
        } else {
            f64::NEG_INFINITY
        };
        let (i, j) = (top.min(other), top.max(other));
        let neutral = order.neutral();
        if i == neutral || j == neutral {
            let k = if i == neutral { j } else { i };
            let winner = Decoded::Single(if row[k] >= row[neutral] { k } else { neutral });
            return Profile {
                single,
                pair_below,
                equal_from: f64::INFINITY,
                pair_equal: winner,
                pair_unequal: winner,
                all_zero: false,
            };
        }
        // The difference in the input dtype, then compared in f64.
        let equal_from = (row[i] - row[j]).abs().to_f64();
        let share = if row[i] > row[j] {
            Share::FirstLarger
        } else {
            Share::SecondLarger
        };
        Profile {
            single,
            pair_below,
            equal_from,
            pair_equal: Decoded::Pair {
                i,
                j,
                share: Share::Equal,
            },
            pair_unequal: Decoded::Pair { i, j, share },
            all_zero: false,
        }
    }

    /// The prediction at one grid point; None when nothing is left to predict
    /// (an all-zero row with `alpha <= 0`, where the published code crashes).
    pub fn at(&self, alpha: f64, beta: f64) -> Option<Decoded> {
        if self.all_zero {
            // `row[top] < alpha` with `row[top] == 0`; else nothing is kept.
            return (0.0 < alpha).then_some(self.single);
        }
        Some(if alpha <= self.pair_below {
            if beta >= self.equal_from {
                self.pair_equal
            } else {
                self.pair_unequal
            }
        } else {
            self.single
        })
    }
}

pub fn empty_row_error(r: usize, alpha: f64) -> Error {
    Error::Value {
        argument: "probs",
        message: format!(
            "row {r} is all zeros, so with alpha = {alpha} (<= 0) nothing is left to predict"
        ),
    }
}

pub fn check_threshold(argument: &'static str, value: f64) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(domain(
            argument,
            format!("must be finite; got {}", py_float(value)),
        ))
    }
}

/// Every row's profile, checking values and tie picks.
pub fn profile_row<T: Prob>(
    probs: &[T],
    r: usize,
    order: &ClassOrder,
    ties: &Ties,
) -> Result<Profile> {
    let row = &probs[r * N_CLASSES..(r + 1) * N_CLASSES];
    check_row(r, row)?;
    Ok(Profile::new(row, ties.picks(r, row), order))
}

/// Decodes every row at one `(alpha, beta)` into encoded predictions.
pub fn decode<T: Prob>(
    probs: &[T],
    alpha: f64,
    beta: f64,
    order: &ClassOrder,
    ties: &Ties,
    out: &mut Vec<EncodedClip>,
) -> Result<()> {
    let n = rows_of(probs)?;
    ties.check(n)?;
    check_threshold("alpha", alpha)?;
    check_threshold("beta", beta)?;
    out.reserve(n);
    for r in 0..n {
        let decoded = profile_row(probs, r, order, ties)?
            .at(alpha, beta)
            .ok_or_else(|| empty_row_error(r, alpha))?;
        out.push(decoded.encode(order));
    }
    Ok(())
}

/// Rows whose top-2 choice depends on how ties are broken (see [`top2`]).
pub fn tied_rows<T: Prob>(probs: &[T], cancel: &Cancel) -> Result<Vec<i64>> {
    let n = rows_of(probs)?;
    let mut rows = Vec::new();
    for r in 0..n {
        if r.is_multiple_of(ROWS_PER_CHECK) {
            cancel.check()?;
        }
        let row = &probs[r * N_CLASSES..(r + 1) * N_CLASSES];
        check_row(r, row)?;
        if top2(row).1 {
            rows.push(r as i64);
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A literal transcription of the published code for one reduced row,
    /// to check the profile against.
    fn published(row: &[f64], alpha: f64, beta: f64, neutral: usize) -> Option<Decoded> {
        let (picks, _) = top2(row);
        let mut r = [0.0; N_CLASSES];
        r[picks.first] = row[picks.first];
        r[picks.second] = row[picks.second];
        let mut top = 0;
        for k in 1..N_CLASSES {
            if r[k] > r[top] {
                top = k;
            }
        }
        if r[top] < alpha {
            return Some(Decoded::Single(top));
        }
        for v in r.iter_mut() {
            if *v < alpha {
                *v = 0.0;
            }
        }
        let kept: Vec<usize> = (0..N_CLASSES).filter(|&k| r[k] > 0.0).collect();
        match kept.len() {
            0 => None,
            1 => Some(Decoded::Single(kept[0])),
            _ if kept.contains(&neutral) => {
                let other = if kept[0] != neutral { kept[0] } else { kept[1] };
                Some(Decoded::Single(if r[other] >= r[neutral] {
                    other
                } else {
                    neutral
                }))
            }
            _ => {
                let (i, j) = (kept[0], kept[1]);
                let share = if (r[i] - r[j]).abs() <= beta {
                    Share::Equal
                } else if r[i] > r[j] {
                    Share::FirstLarger
                } else {
                    Share::SecondLarger
                };
                Some(Decoded::Pair { i, j, share })
            }
        }
    }

    /// A small deterministic generator (xorshift) for coarse random rows
    /// full of ties, zeros and threshold hits.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn level(&mut self) -> f64 {
            (self.next() % 6) as f64 / 10.0
        }
    }

    #[test]
    fn profile_matches_the_published_steps() {
        let order = ClassOrder::standard();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let row: Vec<f64> = (0..N_CLASSES).map(|_| rng.level()).collect();
            let (picks, _) = top2(&row);
            let profile = Profile::new(&row, picks, &order);
            for alpha in [-0.1, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6] {
                for beta in [0.0, 0.1, 0.2, 0.3, 0.5] {
                    assert_eq!(
                        profile.at(alpha, beta),
                        published(&row, alpha, beta, 5),
                        "row {row:?} alpha {alpha} beta {beta}"
                    );
                }
            }
        }
    }

    #[test]
    fn top2_breaks_ties_to_the_lower_column() {
        let (picks, tied) = top2(&[0.3, 0.3, 0.3, 0.1, 0.0, 0.0]);
        assert_eq!((picks.first, picks.second), (0, 1));
        assert!(tied);
        let (picks, tied) = top2(&[0.0, 0.5, 0.0, 0.5, 0.0, 0.0]);
        assert_eq!((picks.first, picks.second), (1, 3));
        assert!(!tied);
        // A tie at zero keeps a zero whichever column wins.
        let (picks, tied) = top2(&[0.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
        assert_eq!((picks.first, picks.second), (4, 0));
        assert!(!tied);
    }

    #[test]
    fn supplied_tie_picks_win() {
        let row = [0.1, 0.1, 0.2, 0.2, 0.2, 0.3];
        let ties = Ties {
            rows: &[0],
            picks: &[5, 3],
        };
        assert_eq!(
            ties.picks(0, &row),
            Picks {
                first: 5,
                second: 3
            }
        );
        assert_eq!(
            Ties::default().picks(0, &row),
            Picks {
                first: 5,
                second: 2
            }
        );
    }

    #[test]
    fn decodes_pairs_neutral_and_singles() {
        let order = ClassOrder::standard();
        let at = |row: [f64; 6], alpha, beta| {
            let (picks, _) = top2(&row);
            Profile::new(&row, picks, &order).at(alpha, beta)
        };
        let pair = |i, j, share| Some(Decoded::Pair { i, j, share });
        assert_eq!(
            at([0.5, 0.0, 0.0, 0.4, 0.1, 0.0], 0.3, 0.05),
            pair(0, 3, Share::FirstLarger)
        );
        assert_eq!(
            at([0.4, 0.0, 0.0, 0.5, 0.1, 0.0], 0.3, 0.05),
            pair(0, 3, Share::SecondLarger)
        );
        assert_eq!(
            at([0.5, 0.0, 0.0, 0.4, 0.1, 0.0], 0.3, 0.1),
            pair(0, 3, Share::Equal)
        );
        assert_eq!(
            at([0.5, 0.0, 0.0, 0.4, 0.1, 0.0], 0.45, 0.1),
            Some(Decoded::Single(0))
        );
        // Neutral kept with another emotion: a single winner, ties to the other.
        assert_eq!(
            at([0.0, 0.4, 0.0, 0.0, 0.0, 0.4], 0.3, 0.1),
            Some(Decoded::Single(1))
        );
        assert_eq!(
            at([0.0, 0.3, 0.0, 0.0, 0.0, 0.4], 0.3, 0.1),
            Some(Decoded::Single(5))
        );
        assert_eq!(at([0.0; 6], 0.1, 0.1), Some(Decoded::Single(0)));
        assert_eq!(at([0.0; 6], 0.0, 0.1), None);
    }

    #[test]
    fn float32_difference_is_taken_in_float32() {
        // 0.7f32 - 0.6f32 widened differs from 0.7 - 0.6 in f64.
        let row32: [f32; 6] = [0.7, 0.6, 0.0, 0.0, 0.0, 0.0];
        let (picks, _) = top2(&row32);
        let profile = Profile::new(&row32, picks, &ClassOrder::standard());
        assert_eq!(profile.equal_from, f64::from(0.7f32 - 0.6f32));
        assert_eq!(profile.pair_below, f64::from(0.6f32));
    }

    #[test]
    fn encodes_by_code_with_permuted_columns() {
        // Column 0 holds hap (code 3), column 1 holds ang (code 0).
        let order = ClassOrder::new(&[3, 0, 1, 2, 4, 5]).unwrap();
        let encoded = Decoded::Pair {
            i: 0,
            j: 1,
            share: Share::FirstLarger,
        }
        .encode(&order);
        assert_eq!(encoded.mask, 0b1001);
        assert_eq!(encoded.salience, [30, 70]);
    }

    #[test]
    fn rejects_bad_values() {
        let mut out = Vec::new();
        let order = ClassOrder::standard();
        let probs = [
            0.1,
            0.2,
            0.3,
            0.4,
            0.0,
            0.0,
            0.1,
            f64::NAN,
            0.0,
            0.0,
            0.0,
            0.0,
        ];
        let err = decode(&probs, 0.1, 0.1, &order, &Ties::default(), &mut out).unwrap_err();
        assert!(err.to_string().contains("row 1, column 1"), "{err}");
        let negative = [0.1, -0.2, 0.3, 0.4, 0.0, 0.0];
        assert!(decode(&negative, 0.1, 0.1, &order, &Ties::default(), &mut out).is_err());
        assert!(decode(&[0.0; 5], 0.1, 0.1, &order, &Ties::default(), &mut out).is_err());
    }
}
