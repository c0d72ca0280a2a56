//! Counting the two challenge metrics over encoded clips.
//!
//! Every clip (see `encoding`) lands in one of five outcome cells. The cells
//! are all the state either metric needs, so the same counts serve `score`,
//! the accumulator, the grid search and the bootstrap:
//!
//! | cell | label  | presence | salience |
//! |------|--------|----------|----------|
//! | 0    | single | right    |          |
//! | 1    | single | wrong    |          |
//! | 2    | blend  | wrong    | wrong    |
//! | 3    | blend  | right    | wrong    |
//! | 4    | blend  | right    | right    |
//!
//! Which cells count for which metric is written once, in the tables below
//! (`PRESENCE_RIGHT_CELLS`, `BLEND_CELLS`, `SALIENCE_RIGHT_CELL`), and
//! exported to Python from there.

use crate::core::encoding::{is_blend, EncodedView};
use crate::core::error::Result;
use crate::core::parallel;

pub const N_CELLS: usize = 5;
pub const SINGLE_RIGHT: u8 = 0;
pub const SINGLE_WRONG: u8 = 1;
pub const BLEND_WRONG: u8 = 2;
pub const BLEND_PRESENCE_ONLY: u8 = 3;
pub const BLEND_RIGHT: u8 = 4;

/// The cells' names, in cell order.
pub const CELLS: [&str; N_CELLS] = [
    "single_right",
    "single_wrong",
    "blend_wrong",
    "blend_presence_only",
    "blend_right",
];

/// The cells where the predicted set of emotions is right (ACC_presence).
pub const PRESENCE_RIGHT_CELLS: [u8; 3] = [SINGLE_RIGHT, BLEND_PRESENCE_ONLY, BLEND_RIGHT];
/// The cells of blend labels, the denominator of ACC_salience.
pub const BLEND_CELLS: [u8; 3] = [BLEND_WRONG, BLEND_PRESENCE_ONLY, BLEND_RIGHT];
/// The one cell where the salience is right too (ACC_salience's numerator).
pub const SALIENCE_RIGHT_CELL: u8 = BLEND_RIGHT;

#[inline]
pub fn is_presence_right(cell: u8) -> bool {
    PRESENCE_RIGHT_CELLS.contains(&cell)
}

#[inline]
pub fn is_blend_cell(cell: u8) -> bool {
    BLEND_CELLS.contains(&cell)
}

#[inline]
pub fn is_salience_right(cell: u8) -> bool {
    cell == SALIENCE_RIGHT_CELL
}

/// Work split into chunks of this many clips; below it, one thread is faster.
const CHUNK: usize = 1 << 18;

/// The outcome cell of one clip: exactly the published rules. Presence is set
/// equality; salience needs a blend label, the same two codes and the same
/// rounded saliences (a prediction without exactly two entries carries
/// `NO_SALIENCE`, so it never matches).
#[inline]
pub fn outcome_of(
    pred_mask: u8,
    pred_salience: [u8; 2],
    label_mask: u8,
    label_salience: [u8; 2],
) -> u8 {
    let present = pred_mask == label_mask;
    if !is_blend(label_mask) {
        return if present { SINGLE_RIGHT } else { SINGLE_WRONG };
    }
    match (present, pred_salience == label_salience) {
        (false, _) => BLEND_WRONG,
        (true, false) => BLEND_PRESENCE_ONLY,
        (true, true) => BLEND_RIGHT,
    }
}

/// The outcome cell of clip `i`.
#[inline]
pub fn outcome(pred: &EncodedView, label: &EncodedView, i: usize) -> u8 {
    outcome_of(
        pred.mask[i],
        pred.saliences(i),
        label.mask[i],
        label.saliences(i),
    )
}

/// Clip counts per outcome cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cells(pub [u64; N_CELLS]);

impl Cells {
    pub fn n(&self) -> u64 {
        self.0.iter().sum()
    }

    pub fn n_blend(&self) -> u64 {
        self.sum(&BLEND_CELLS)
    }

    pub fn presence_correct(&self) -> u64 {
        self.sum(&PRESENCE_RIGHT_CELLS)
    }

    pub fn salience_correct(&self) -> u64 {
        self.0[usize::from(SALIENCE_RIGHT_CELL)]
    }

    fn sum(&self, cells: &[u8]) -> u64 {
        cells.iter().map(|&c| self.0[usize::from(c)]).sum()
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
    // The same cells as `outcome_of`, from the four sums.
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
pub fn count(pred: &EncodedView, label: &EncodedView) -> Result<Cells> {
    let n = pred.len();
    pred.check("mask", n)?;
    label.check("label mask", n)?;
    let run = |start: usize, end: usize| {
        let (pred, label) = (pred.range(start, end), label.range(start, end));
        count_run(pred.mask, pred.salience, label.mask, label.salience)
    };
    if n <= CHUNK {
        return Ok(run(0, n));
    }
    // Integer counts add up the same in any order, so the result does not
    // depend on how the work is split.
    let chunks = parallel::map(n.div_ceil(CHUNK), |c| {
        run(c * CHUNK, ((c + 1) * CHUNK).min(n))
    });
    Ok(chunks.into_iter().fold(Cells::default(), Cells::merged))
}

/// The outcome cell of every clip, for breakdowns and resampling.
pub fn classify(pred: &EncodedView, label: &EncodedView) -> Result<Vec<u8>> {
    let n = pred.len();
    pred.check("mask", n)?;
    label.check("label mask", n)?;
    Ok((0..n).map(|i| outcome(pred, label, i)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::encoding::NO_SALIENCE;

    const NO: u8 = NO_SALIENCE;

    #[test]
    fn counts_the_five_cells() {
        // ang right; ang vs hap wrong; blend wrong; blend presence only; blend right.
        let pred = EncodedView {
            mask: &[0b1, 0b1000, 0b11, 0b1001, 0b1001],
            salience: &[NO, NO, NO, NO, 50, 50, 50, 50, 30, 70],
        };
        let label = EncodedView {
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
    fn cell_tables_agree_with_the_outcome_rules() {
        // Every (label blend?, presence right?, salience right?) combination.
        let single = (0b1u8, [NO, NO]);
        let blend = (0b1001u8, [30, 70]);
        for cell in 0..N_CELLS as u8 {
            let (label, pred) = match cell {
                SINGLE_RIGHT => (single, single),
                SINGLE_WRONG => (single, (0b10, [NO, NO])),
                BLEND_WRONG => (blend, (0b11, [30, 70])),
                BLEND_PRESENCE_ONLY => (blend, (0b1001, [50, 50])),
                _ => (blend, blend),
            };
            assert_eq!(outcome_of(pred.0, pred.1, label.0, label.1), cell);
            assert_eq!(
                is_blend_cell(cell),
                is_blend(label.0),
                "{}",
                CELLS[cell as usize]
            );
            assert_eq!(is_presence_right(cell), pred.0 == label.0);
            assert_eq!(is_salience_right(cell), is_blend(label.0) && pred == label);
        }
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
        let pred = EncodedView {
            mask: &mask,
            salience: &salience,
        };
        let label = EncodedView {
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
        let pred = EncodedView {
            mask: &[1, 1],
            salience: &[NO; 3],
        };
        let label = EncodedView {
            mask: &[1, 1],
            salience: &[NO; 4],
        };
        assert!(count(&pred, &label).is_err());
    }
}
