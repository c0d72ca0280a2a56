//! Probability matrices as models give them: `(N, 6)` rows of class
//! probabilities in f16, f32 or f64, row-major, with the columns in a class order
//! that need not be the challenge's own. What makes a matrix usable is
//! checked here, once, for the decoder and the grid search alike.

use std::ops::Sub;

use half::f16;

use crate::core::emotions::{code_index, EMOTIONS};
use crate::core::error::{domain, Error, Result};

/// Columns per row: one per emotion code.
pub const N_CLASSES: usize = EMOTIONS.len();

/// An element type of a probability matrix: f16, f32 or f64. `Sub` is the
/// dtype's own subtraction (the exact difference rounded once to the dtype),
/// as NumPy computes `p1 - p2` of two scalars of that dtype.
pub trait Prob: Copy + PartialOrd + Sub<Output = Self> + Send + Sync + 'static {
    const ZERO: Self;
    /// Exact: every f16 and f32 value is an f64 value.
    fn to_f64(self) -> f64;
    fn abs(self) -> Self;
}

impl Prob for f16 {
    const ZERO: Self = f16::ZERO;
    fn to_f64(self) -> f64 {
        f16::to_f64(self)
    }
    fn abs(self) -> Self {
        // Clearing the sign bit is exact (half has no `abs`).
        f16::from_bits(self.to_bits() & 0x7FFF)
    }
}

impl Prob for f32 {
    const ZERO: Self = 0.0;
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn abs(self) -> Self {
        f32::abs(self)
    }
}

impl Prob for f64 {
    const ZERO: Self = 0.0;
    fn to_f64(self) -> f64 {
        self
    }
    fn abs(self) -> Self {
        f64::abs(self)
    }
}

/// The class order of a probability matrix: `codes[column]` is the index in
/// `EMOTIONS` of that column's emotion.
#[derive(Debug, Clone, Copy)]
pub struct ClassOrder {
    codes: [usize; N_CLASSES],
    neutral: usize,
}

impl ClassOrder {
    /// The challenge's own order, `ang, disg, fea, hap, sad, neu`.
    pub fn standard() -> Self {
        ClassOrder::new(&[0, 1, 2, 3, 4, 5]).expect("the standard order is a permutation")
    }

    /// The order of columns named by their codes, such as
    /// `["neu", "ang", ...]`: each of the six exactly once.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<Self> {
        let codes: Option<Vec<usize>> = names.iter().map(|n| code_index(n.as_ref())).collect();
        codes
            .and_then(|codes| ClassOrder::new(&codes).ok())
            .ok_or_else(|| {
                let quoted = |items: Vec<&str>| {
                    let inner: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
                    // As Python prints a tuple, so the message reads like the argument.
                    match inner.len() {
                        1 => format!("({},)", inner[0]),
                        _ => format!("({})", inner.join(", ")),
                    }
                };
                domain(
                    "classes",
                    format!(
                        "must list each of {} exactly once; got {}",
                        quoted(EMOTIONS.to_vec()),
                        quoted(names.iter().map(AsRef::as_ref).collect())
                    ),
                )
            })
    }

    /// Each column's index in `EMOTIONS`.
    pub fn codes(&self) -> [usize; N_CLASSES] {
        self.codes
    }

    pub fn new(codes: &[usize]) -> Result<Self> {
        let mut seen = [false; N_CLASSES];
        let ok = codes.len() == N_CLASSES
            && codes
                .iter()
                .all(|&c| c < N_CLASSES && !std::mem::replace(&mut seen[c], true));
        if !ok {
            return Err(Error::Value {
                argument: "classes",
                message: format!(
                    "must list each of the six emotion codes once; got code indices {codes:?}"
                ),
            });
        }
        let mut fixed = [0; N_CLASSES];
        fixed.copy_from_slice(codes);
        let neutral = fixed
            .iter()
            .position(|&c| EMOTIONS[c] == "neu")
            .expect("a permutation contains neutral");
        Ok(ClassOrder {
            codes: fixed,
            neutral,
        })
    }

    /// The column holding neutral.
    pub fn neutral(&self) -> usize {
        self.neutral
    }

    pub fn code(&self, column: usize) -> usize {
        self.codes[column]
    }
}

/// Checks one row: finite and non-negative. NaN would make every comparison
/// false (the published code then decodes garbage), and negative values are
/// not probabilities (typically logits passed without a softmax).
pub fn check_row<T: Prob>(r: usize, row: &[T]) -> Result<()> {
    for (column, &value) in row.iter().enumerate() {
        let v = value.to_f64();
        if !v.is_finite() || v < 0.0 {
            let why = if v.is_nan() || v.is_infinite() {
                "probabilities must be finite"
            } else {
                "probabilities must not be negative (apply a softmax to logits first)"
            };
            return Err(Error::Value {
                argument: "probs",
                message: format!("row {r}, column {column} is {v}: {why}"),
            });
        }
    }
    Ok(())
}

/// Checks a flat row-major matrix and returns its row count.
pub fn rows_of<T>(probs: &[T]) -> Result<usize> {
    if !probs.len().is_multiple_of(N_CLASSES) {
        return Err(Error::Value {
            argument: "probs",
            message: format!("must have {N_CLASSES} columns"),
        });
    }
    Ok(probs.len() / N_CLASSES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_orders_by_name() {
        let order = ClassOrder::from_names(&["neu", "ang", "disg", "fea", "hap", "sad"]).unwrap();
        assert_eq!(order.codes(), [5, 0, 1, 2, 3, 4]);
        assert_eq!(order.neutral(), 0);
        let err = ClassOrder::from_names(&["ang", "disg", "fea", "hap", "sad", "sad"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "classes must list each of ('ang', 'disg', 'fea', 'hap', 'sad', 'neu') exactly \
             once; got ('ang', 'disg', 'fea', 'hap', 'sad', 'sad')"
        );
        let err = ClassOrder::from_names(&["happy"]).unwrap_err();
        assert!(err.to_string().ends_with("got ('happy',)"), "{err}");
    }

    #[test]
    fn class_orders_are_permutations() {
        let order = ClassOrder::new(&[3, 0, 1, 2, 5, 4]).unwrap();
        assert_eq!(order.code(0), 3);
        assert_eq!(order.neutral(), 4);
        assert_eq!(ClassOrder::standard().neutral(), 5);
        assert!(ClassOrder::new(&[0, 1, 2, 3, 4, 4]).is_err());
        assert!(ClassOrder::new(&[0, 1, 2, 3, 4]).is_err());
        assert!(ClassOrder::new(&[0, 1, 2, 3, 4, 6]).is_err());
    }

    #[test]
    fn f16_arithmetic_rounds_like_numpy() {
        // NumPy: float16(1) - float16(0.0001) == 1.0 (the exact 0.99990 rounds
        // up to 1, the nearest float16), not the f64 difference.
        let (one, small) = (f16::from_f32(1.0), f16::from_f32(0.0001));
        assert_eq!(small.to_f64(), 0.00010001659393310547);
        assert_eq!((one - small).to_f64(), 1.0);
        assert_eq!(Prob::abs(small - one).to_f64(), 1.0);
        assert!(check_row(0, &[f16::from_f32(0.5); 6]).is_ok());
        assert!(check_row(0, &[f16::NAN; 6]).is_err());
    }

    #[test]
    fn rows_must_be_finite_and_non_negative() {
        assert!(check_row(0, &[0.1f32, 0.0, 0.9, 0.0, 0.0, 0.0]).is_ok());
        let err = check_row(3, &[0.1, f64::INFINITY, 0.0, 0.0, 0.0, 0.0]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "probs: row 3, column 1 is inf: probabilities must be finite"
        );
        let err = check_row(0, &[0.1, 0.0, -0.5, 0.0, 0.0, 0.0]).unwrap_err();
        assert!(err.to_string().contains("apply a softmax"), "{err}");
        assert_eq!(rows_of(&[0.0; 12]).unwrap(), 2);
        assert!(rows_of(&[0.0; 7]).is_err());
    }
}
