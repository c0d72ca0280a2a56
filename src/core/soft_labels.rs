//! Soft-label matrices, as training code holds its targets: one row per clip,
//! one column per class (in a model's class order). A single emotion is
//! one-hot; a blend has two positive entries whose ratio is 70/30, 50/50 or
//! 30/70 (`0.7, 0.3` and `70, 30` alike). Each row is judged and encoded
//! here, once.
//!
//! Numeric fidelity: the ratio is checked within a relative tolerance that
//! the caller sets from the dtype the labels were stored in (0.7 / 0.3 in
//! float16 is 0.7002 / 0.3000); the three ratios 7/3, 1 and 3/7 are far
//! apart, so no tolerance up to a few percent makes them ambiguous.

use crate::core::cancel::{Cancel, ROWS_PER_CHECK};
use crate::core::encoding::EncodedClip;
use crate::core::error::{domain, py_float, Result};
use crate::core::probs::{rows_of, ClassOrder, N_CLASSES};

/// `|x - y| <= rtol * |y|`, as `numpy.isclose(x, y, rtol=rtol, atol=0)`.
fn close(x: f64, y: f64, rtol: f64) -> bool {
    (x - y).abs() <= rtol * y.abs()
}

/// One row's label, or why it is not one.
fn label_of(
    row: &[f64],
    order: &ClassOrder,
    rtol: f64,
) -> std::result::Result<EncodedClip, String> {
    if row.iter().any(|v| !v.is_finite() || *v < 0.0) {
        return Err("entries must be finite and non-negative".into());
    }
    let mut positive = (0..N_CLASSES).filter(|&c| row[c] > 0.0);
    let (first, second) = (positive.next(), positive.next());
    let more = positive.count();
    match (first, second) {
        (None, _) => Err("has no positive entry".into()),
        (Some(c), None) => Ok(EncodedClip::single(order.code(c))),
        (Some(_), Some(_)) if more > 0 => Err(format!(
            "has {} positive entries; a label has one emotion or a blend of two",
            more + 2
        )),
        (Some(i), Some(j)) => {
            let (a, b) = (row[i], row[j]);
            let percents = if close(a, b, rtol) {
                [50, 50]
            } else if close(3.0 * a, 7.0 * b, rtol) {
                [70, 30]
            } else if close(7.0 * a, 3.0 * b, rtol) {
                [30, 70]
            } else {
                return Err(format!(
                    "splits {a} / {b}; a blend must be 70/30, 50/50 or 30/70 \
                     (as 0.7/0.3, 70/30, 0.5/0.5 ...)"
                ));
            };
            Ok(EncodedClip::blend([order.code(i), order.code(j)], percents))
        }
    }
}

/// `(row, why)`: a row that is not a label, and why.
pub type RowProblem = (usize, String);

/// Encodes every row of a row-major soft-label matrix whose columns are in
/// `order`. Returns the encoded clips, and a problem for every row that is
/// not a label (the clips are meaningful only when there is none).
pub fn encode_soft_labels(
    rows: &[f64],
    order: &ClassOrder,
    rtol: f64,
    cancel: &Cancel,
) -> Result<(Vec<EncodedClip>, Vec<RowProblem>)> {
    let n = rows_of(rows)?;
    if !(0.0..0.1).contains(&rtol) {
        return Err(domain(
            "rtol",
            format!("must be at least 0 and below 0.1; got {}", py_float(rtol)),
        ));
    }
    let mut clips = Vec::with_capacity(n);
    let mut problems = Vec::new();
    for (r, row) in rows.chunks_exact(N_CLASSES).enumerate() {
        if r.is_multiple_of(ROWS_PER_CHECK) {
            cancel.check()?;
        }
        match label_of(row, order, rtol) {
            Ok(clip) => clips.push(clip),
            Err(why) => {
                clips.push(EncodedClip::single(0));
                problems.push((r, why));
            }
        }
    }
    Ok((clips, problems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encoding::NO_SALIENCE;

    fn encode(rows: &[f64], rtol: f64) -> (Vec<EncodedClip>, Vec<RowProblem>) {
        encode_soft_labels(rows, &ClassOrder::standard(), rtol, &Cancel::new()).unwrap()
    }

    #[test]
    fn singles_and_blends_in_every_style() {
        let rows = [
            [0.0, 0.0, 1.0, 0.0, 0.0, 0.0],   // fea
            [0.7, 0.0, 0.0, 0.3, 0.0, 0.0],   // ang 70, hap 30
            [30.0, 0.0, 0.0, 70.0, 0.0, 0.0], // ang 30, hap 70
            [0.0, 0.5, 0.0, 0.0, 0.5, 0.0],   // disg 50, sad 50
            [0.0, 0.0, 0.0, 0.0, 0.0, 1.0],   // neu
        ];
        let (clips, problems) = encode(rows.as_flattened(), 1e-6);
        assert!(problems.is_empty());
        assert_eq!(clips[0], EncodedClip::single(2));
        assert_eq!((clips[1].mask, clips[1].salience), (0b1001, [70, 30]));
        assert_eq!((clips[2].mask, clips[2].salience), (0b1001, [30, 70]));
        assert_eq!((clips[3].mask, clips[3].salience), (0b10010, [50, 50]));
        assert_eq!(
            (clips[4].mask, clips[4].salience),
            (0b100000, [NO_SALIENCE; 2])
        );
    }

    #[test]
    fn columns_follow_the_class_order() {
        // Column 0 holds hap (code 3), column 1 ang (code 0).
        let order = ClassOrder::new(&[3, 0, 1, 2, 4, 5]).unwrap();
        let row = [0.7, 0.3, 0.0, 0.0, 0.0, 0.0];
        let (clips, _) = encode_soft_labels(&row, &order, 1e-6, &Cancel::new()).unwrap();
        // Stored in code order: ang 30, hap 70.
        assert_eq!((clips[0].mask, clips[0].salience), (0b1001, [30, 70]));
    }

    #[test]
    fn the_tolerance_follows_the_stored_precision() {
        // 0.7 / 0.3 as float16 and as bfloat16.
        let half = [0.7001953125, 0.300048828125, 0.0, 0.0, 0.0, 0.0];
        let brain = [0.69921875, 0.30078125, 0.0, 0.0, 0.0, 0.0];
        assert_eq!(encode(&half, 1e-6).1.len(), 1);
        assert!(encode(&half, 2f64.powi(-10)).1.is_empty());
        assert_eq!(encode(&brain, 2f64.powi(-10)).1.len(), 1);
        assert!(encode(&brain, 2f64.powi(-7)).1.is_empty());
        assert_eq!(encode(&brain, 2f64.powi(-7)).0[0].salience, [70, 30]);
    }

    #[test]
    fn every_bad_row_is_explained() {
        let rows = [
            [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.6, 0.4, 0.0, 0.0, 0.0, 0.0],
            [0.5, 0.3, 0.2, 0.0, 0.0, 0.0],
            [0.0; 6],
            [0.7, -0.3, 0.0, 0.0, 0.0, 0.0],
            [f64::NAN, 1.0, 0.0, 0.0, 0.0, 0.0],
        ];
        let (_, problems) = encode(rows.as_flattened(), 1e-6);
        let rows: Vec<usize> = problems.iter().map(|p| p.0).collect();
        assert_eq!(rows, [1, 2, 3, 4, 5]);
        assert!(problems[0]
            .1
            .starts_with("splits 0.6 / 0.4; a blend must be 70/30"));
        assert!(problems[1].1.starts_with("has 3 positive entries"));
        assert_eq!(problems[2].1, "has no positive entry");
        assert_eq!(problems[3].1, "entries must be finite and non-negative");
        assert_eq!(problems[4].1, problems[3].1);
        assert!(
            encode_soft_labels(&[0.0; 5], &ClassOrder::standard(), 1e-6, &Cancel::new()).is_err()
        );
        assert!(
            encode_soft_labels(&[1.0; 6], &ClassOrder::standard(), 0.5, &Cancel::new()).is_err()
        );
    }
}
