//! Counting the two challenge metrics over encoded clips.
//!
//! Every clip lands in one of five outcome cells. The cells are all the state
//! either metric needs, so the same counts serve `score`, the accumulator and
//! the bootstrap:
//!
//! | cell | label  | presence | salience |
//! |------|--------|----------|----------|
//! | 0    | single | right    |          |
//! | 1    | single | wrong    |          |
//! | 2    | blend  | wrong    | wrong    |
//! | 3    | blend  | right    | wrong    |
//! | 4    | blend  | right    | right    |

use rayon::prelude::*;

use crate::error::{check_len, Result};

pub const N_CELLS: usize = 5;
pub const SINGLE_RIGHT: u8 = 0;
pub const SINGLE_WRONG: u8 = 1;
pub const BLEND_WRONG: u8 = 2;
pub const BLEND_PRESENCE_ONLY: u8 = 3;
pub const BLEND_RIGHT: u8 = 4;

/// Below this many clips a parallel count costs more than it saves.
const PARALLEL_MIN: usize = 1 << 17;

/// Encoded predictions: an emotion bitmask, the number of entries in the
/// original list, and the two rounded saliences ordered by emotion code
/// (`salience[2 * i]` for the lower code of clip `i`, NaN where not a blend).
#[derive(Clone, Copy)]
pub struct Predictions<'a> {
    pub mask: &'a [u8],
    pub n_entries: &'a [u8],
    pub salience: &'a [f64],
}

/// Encoded labels: one or two known codes, saliences as for predictions.
#[derive(Clone, Copy)]
pub struct Labels<'a> {
    pub mask: &'a [u8],
    pub salience: &'a [f64],
}

impl Predictions<'_> {
    pub fn len(&self) -> usize {
        self.mask.len()
    }

    pub fn is_empty(&self) -> bool {
        self.mask.is_empty()
    }

    pub fn check(&self) -> Result<()> {
        check_len("n_entries", self.len(), self.n_entries.len())?;
        check_len("salience", 2 * self.len(), self.salience.len())
    }
}

impl Labels<'_> {
    pub fn check(&self, n: usize) -> Result<()> {
        check_len("label mask", n, self.mask.len())?;
        check_len("label salience", 2 * n, self.salience.len())
    }
}

/// The outcome cell of one clip: exactly the published rules. Presence is set
/// equality; salience needs a blend label, a two-entry prediction, the same
/// two codes and the same rounded saliences.
#[inline]
pub fn outcome(pred: &Predictions, label: &Labels, i: usize) -> u8 {
    let present = pred.mask[i] == label.mask[i];
    if label.mask[i].count_ones() != 2 {
        return if present { SINGLE_RIGHT } else { SINGLE_WRONG };
    }
    if !present {
        return BLEND_WRONG;
    }
    let salient = pred.n_entries[i] == 2
        && pred.salience[2 * i] == label.salience[2 * i]
        && pred.salience[2 * i + 1] == label.salience[2 * i + 1];
    if salient {
        BLEND_RIGHT
    } else {
        BLEND_PRESENCE_ONLY
    }
}

/// Clip counts per outcome cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cells(pub [u64; N_CELLS]);

impl Cells {
    pub fn n(&self) -> u64 {
        self.0.iter().sum()
    }

    pub fn n_blend(&self) -> u64 {
        self.0[2] + self.0[3] + self.0[4]
    }

    pub fn presence_correct(&self) -> u64 {
        self.0[0] + self.0[3] + self.0[4]
    }

    pub fn salience_correct(&self) -> u64 {
        self.0[4]
    }

    /// `count / n` in f64: bit for bit NumPy's mean of the boolean vector.
    pub fn presence(&self) -> f64 {
        ratio(self.presence_correct(), self.n())
    }

    /// Over blend clips only, 0.0 when there is none (as the published total).
    pub fn salience(&self) -> f64 {
        ratio(self.salience_correct(), self.n_blend())
    }

    fn add(mut self, other: Cells) -> Cells {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
        self
    }
}

pub fn ratio(count: u64, n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        count as f64 / n as f64
    }
}

/// Counts the outcome cells of every clip.
pub fn count(pred: &Predictions, label: &Labels) -> Result<Cells> {
    pred.check()?;
    label.check(pred.len())?;
    let count_range = |range: std::ops::Range<usize>| {
        let mut cells = Cells::default();
        for i in range {
            cells.0[outcome(pred, label, i) as usize] += 1;
        }
        cells
    };
    let n = pred.len();
    if n < PARALLEL_MIN {
        return Ok(count_range(0..n));
    }
    // Integer counts add up the same in any order, so the result does not
    // depend on how rayon splits the work.
    Ok((0..n.div_ceil(PARALLEL_MIN))
        .into_par_iter()
        .map(|chunk| count_range(chunk * PARALLEL_MIN..((chunk + 1) * PARALLEL_MIN).min(n)))
        .reduce(Cells::default, Cells::add))
}

/// The outcome cell of every clip, for breakdowns and resampling.
pub fn classify(pred: &Predictions, label: &Labels) -> Result<Vec<u8>> {
    pred.check()?;
    label.check(pred.len())?;
    Ok((0..pred.len()).map(|i| outcome(pred, label, i)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAN: f64 = f64::NAN;

    #[test]
    fn counts_the_five_cells() {
        // ang right; ang vs hap wrong; blend wrong; blend presence only; blend right.
        let pred = Predictions {
            mask: &[0b1, 0b1000, 0b11, 0b1001, 0b1001],
            n_entries: &[1, 1, 2, 2, 2],
            salience: &[NAN, NAN, NAN, NAN, 50.0, 50.0, 50.0, 50.0, 30.0, 70.0],
        };
        let label = Labels {
            mask: &[0b1, 0b1, 0b1001, 0b1001, 0b1001],
            salience: &[NAN, NAN, NAN, NAN, 30.0, 70.0, 30.0, 70.0, 30.0, 70.0],
        };
        let cells = count(&pred, &label).unwrap();
        assert_eq!(cells, Cells([1, 1, 1, 1, 1]));
        assert_eq!(cells.presence(), 3.0 / 5.0);
        assert_eq!(cells.salience(), 1.0 / 3.0);
        assert_eq!(classify(&pred, &label).unwrap(), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn salience_is_zero_without_blends() {
        assert_eq!(Cells([3, 1, 0, 0, 0]).salience(), 0.0);
        assert_eq!(Cells::default().presence(), 0.0);
    }

    #[test]
    fn parallel_count_matches_serial() {
        let n = 3 * PARALLEL_MIN + 17;
        let mask: Vec<u8> = (0..n).map(|i| [1, 0b1001, 2][i % 3]).collect();
        let label_mask: Vec<u8> = (0..n).map(|i| [1, 0b1001][i % 2]).collect();
        let n_entries: Vec<u8> = (0..n).map(|i| 1 + (i % 3 == 1) as u8).collect();
        let salience: Vec<f64> = (0..2 * n).map(|i| [30.0, 70.0][i % 2]).collect();
        let pred = Predictions {
            mask: &mask,
            n_entries: &n_entries,
            salience: &salience,
        };
        let label = Labels {
            mask: &label_mask,
            salience: &salience,
        };
        let cells = count(&pred, &label).unwrap();
        let mut serial = Cells::default();
        for i in 0..n {
            serial.0[outcome(&pred, &label, i) as usize] += 1;
        }
        assert_eq!(cells, serial);
        assert_eq!(cells.n(), n as u64);
    }

    #[test]
    fn rejects_misaligned_arrays() {
        let pred = Predictions {
            mask: &[1, 1],
            n_entries: &[1],
            salience: &[NAN; 4],
        };
        let label = Labels {
            mask: &[1, 1],
            salience: &[NAN; 4],
        };
        assert!(count(&pred, &label).is_err());
    }
}
