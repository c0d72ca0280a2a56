//! Counting the two challenge metrics over encoded clips.
//!
//! A clip is encoded as an emotion bitmask and two salience bytes (see
//! `Clips`). Every clip lands in one of five outcome cells. The cells are all
//! the state either metric needs, so the same counts serve `score`, the
//! accumulator and the bootstrap:
//!
//! | cell | label  | presence | salience |
//! |------|--------|----------|----------|
//! | 0    | single | right    |          |
//! | 1    | single | wrong    |          |
//! | 2    | blend  | wrong    | wrong    |
//! | 3    | blend  | right    | wrong    |
//! | 4    | blend  | right    | right    |

use rayon::prelude::*;

use crate::core::error::{check_len, Result};

pub const N_CELLS: usize = 5;
pub const SINGLE_RIGHT: u8 = 0;
pub const SINGLE_WRONG: u8 = 1;
pub const BLEND_WRONG: u8 = 2;
pub const BLEND_PRESENCE_ONLY: u8 = 3;
pub const BLEND_RIGHT: u8 = 4;

/// The salience byte of a clip that has no comparable salience. Label blends
/// always hold percentages 0..=100, so this never matches one.
pub const NO_SALIENCE: u8 = 255;

/// Work split into chunks of this many clips; below it, one thread is faster.
const CHUNK: usize = 1 << 18;

/// Encoded clips, predictions or labels alike.
///
/// - `mask[i]`: bit `k` set for emotion code `k`; bit 6 for an unknown code.
/// - `salience[2i]`, `salience[2i + 1]`: for a list of exactly two different
///   known codes, `round(float(salience))` of the lower code, then of the
///   higher code, when that is a percentage 0..=100; otherwise `NO_SALIENCE`.
#[derive(Clone, Copy)]
pub struct Clips<'a> {
    pub mask: &'a [u8],
    pub salience: &'a [u8],
}

impl Clips<'_> {
    pub fn len(&self) -> usize {
        self.mask.len()
    }

    pub fn is_empty(&self) -> bool {
        self.mask.is_empty()
    }

    pub fn check(&self, what: &'static str, n: usize) -> Result<()> {
        check_len(what, n, self.mask.len())?;
        check_len("salience", 2 * n, self.salience.len())
    }

    #[inline]
    fn salience_pair(&self, i: usize) -> u16 {
        u16::from_ne_bytes([self.salience[2 * i], self.salience[2 * i + 1]])
    }
}

/// True when a label mask holds exactly two codes: a blend.
#[inline]
pub fn is_blend(mask: u8) -> bool {
    let rest = mask & mask.wrapping_sub(1);
    rest != 0 && rest & rest.wrapping_sub(1) == 0
}

/// The outcome cell of clip `i`: exactly the published rules. Presence is set
/// equality; salience needs a blend label, the same two codes and the same
/// rounded saliences (a prediction without exactly two entries carries
/// `NO_SALIENCE`, so it never matches).
#[inline]
pub fn outcome(pred: &Clips, label: &Clips, i: usize) -> u8 {
    let present = pred.mask[i] == label.mask[i];
    if !is_blend(label.mask[i]) {
        return if present { SINGLE_RIGHT } else { SINGLE_WRONG };
    }
    match (present, pred.salience_pair(i) == label.salience_pair(i)) {
        (false, _) => BLEND_WRONG,
        (true, false) => BLEND_PRESENCE_ONLY,
        (true, true) => BLEND_RIGHT,
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

    pub fn merged(mut self, other: Cells) -> Cells {
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

/// Counts without branches, so that the compiler keeps the loop in vector
/// registers: four running sums give all five cells. Each sum is a byte over
/// a block of 255 clips (it cannot overflow), then widened.
fn count_run(pm: &[u8], ps: &[u8], lm: &[u8], ls: &[u8]) -> Cells {
    const BLOCK: usize = 255;
    let n = pm.len();
    let (ps, ls) = (&ps.as_chunks::<2>().0[..n], &ls.as_chunks::<2>().0[..n]);
    let lm = &lm[..n];
    let mut sums = [0u64; 4];
    for start in (0..n).step_by(BLOCK) {
        let end = (start + BLOCK).min(n);
        let mut block = [0u8; 4];
        for (((&p, &l), p_sal), l_sal) in pm[start..end]
            .iter()
            .zip(&lm[start..end])
            .zip(&ps[start..end])
            .zip(&ls[start..end])
        {
            let present = u8::from(p == l);
            let blend = u8::from(is_blend(l));
            let salient = u8::from(p_sal == l_sal);
            block[0] += blend;
            block[1] += present & (blend ^ 1);
            block[2] += present & blend;
            block[3] += present & blend & salient;
        }
        for (sum, count) in sums.iter_mut().zip(block) {
            *sum += u64::from(count);
        }
    }
    let [blends, single_right, blend_present, blend_right] = sums;
    Cells([
        single_right,
        n as u64 - blends - single_right,
        blends - blend_present,
        blend_present - blend_right,
        blend_right,
    ])
}

/// Counts the outcome cells of every clip; large inputs use every core.
pub fn count(pred: &Clips, label: &Clips) -> Result<Cells> {
    let n = pred.len();
    pred.check("mask", n)?;
    label.check("label mask", n)?;
    let run = |start: usize, end: usize| {
        count_run(
            &pred.mask[start..end],
            &pred.salience[2 * start..2 * end],
            &label.mask[start..end],
            &label.salience[2 * start..2 * end],
        )
    };
    if n <= CHUNK {
        return Ok(run(0, n));
    }
    // Integer counts add up the same in any order, so the result does not
    // depend on how rayon splits the work.
    Ok((0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| run(c * CHUNK, ((c + 1) * CHUNK).min(n)))
        .reduce(Cells::default, Cells::merged))
}

/// The outcome cell of every clip, for breakdowns and resampling.
pub fn classify(pred: &Clips, label: &Clips) -> Result<Vec<u8>> {
    let n = pred.len();
    pred.check("mask", n)?;
    label.check("label mask", n)?;
    Ok((0..n).map(|i| outcome(pred, label, i)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO: u8 = NO_SALIENCE;

    #[test]
    fn blends_are_masks_of_two_codes() {
        let blends: Vec<u8> = (0..=127u8).filter(|&m| is_blend(m)).collect();
        assert_eq!(blends.len(), 21); // C(7, 2), the unknown bit included
        assert!(blends.iter().all(|m| m.count_ones() == 2));
    }

    #[test]
    fn counts_the_five_cells() {
        // ang right; ang vs hap wrong; blend wrong; blend presence only; blend right.
        let pred = Clips {
            mask: &[0b1, 0b1000, 0b11, 0b1001, 0b1001],
            salience: &[NO, NO, NO, NO, 50, 50, 50, 50, 30, 70],
        };
        let label = Clips {
            mask: &[0b1, 0b1, 0b1001, 0b1001, 0b1001],
            salience: &[NO, NO, NO, NO, 30, 70, 30, 70, 30, 70],
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
    fn parallel_count_matches_each_outcome() {
        let n = 3 * CHUNK + 17;
        let mask: Vec<u8> = (0..n).map(|i| [1, 0b1001, 2][i % 3]).collect();
        let label_mask: Vec<u8> = (0..n).map(|i| [1, 0b1001][i % 2]).collect();
        let salience: Vec<u8> = (0..2 * n).map(|i| [30, 70, 50][i % 3]).collect();
        let label_salience: Vec<u8> = (0..2 * n).map(|i| [30, 70, 50, 50][i % 4]).collect();
        let pred = Clips {
            mask: &mask,
            salience: &salience,
        };
        let label = Clips {
            mask: &label_mask,
            salience: &label_salience,
        };
        let cells = count(&pred, &label).unwrap();
        let mut one_by_one = Cells::default();
        for i in 0..n {
            one_by_one.0[outcome(&pred, &label, i) as usize] += 1;
        }
        assert_eq!(cells, one_by_one);
        assert_eq!(cells.n(), n as u64);
    }

    #[test]
    fn rejects_misaligned_arrays() {
        let pred = Clips {
            mask: &[1, 1],
            salience: &[NO; 3],
        };
        let label = Clips {
            mask: &[1, 1],
            salience: &[NO; 4],
        };
        assert!(count(&pred, &label).is_err());
    }
}
