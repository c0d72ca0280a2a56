//! The one encoding of a clip, shared by predictions and labels, by the
//! scorer, the decoder, the grid search and the bootstrap.
//!
//! A clip is an emotion bitmask and two salience bytes:
//!
//! - `mask`: bit `k` set for emotion code `k` (see `emotions`); bit 6 for a
//!   code that is not one of the six, so that such a set never equals a label;
//! - `salience`: for exactly two different known codes, `round(float(s))` of
//!   the lower code's salience, then the higher code's (the code-order rule,
//!   [`in_code_order`]), when that is a percentage 0..=100; otherwise
//!   [`NO_SALIENCE`]. Comparing two clips' bytes is then exactly the
//!   published salience test.
//!
//! [`EncodedClip`] is one clip; [`EncodedClips`] owns many, column by column
//! (the layout of the `(mask, salience)` numpy arrays), and [`EncodedView`]
//! borrows such columns.

use crate::core::error::{check_len, Result};

/// The salience byte of a clip that has no comparable salience. Label blends
/// always hold percentages 0..=100, so this never matches one.
pub const NO_SALIENCE: u8 = 255;

/// True when a mask holds exactly two codes: a blend. (The unknown bit counts
/// as a code, so a prediction naming one known and one unknown code is a
/// two-code prediction that can match no label.)
#[inline]
pub fn is_blend(mask: u8) -> bool {
    let rest = mask & mask.wrapping_sub(1);
    rest != 0 && rest & rest.wrapping_sub(1) == 0
}

/// The code-order rule: a blend's two saliences are stored lower code first,
/// whatever order the entries, the clip name or the columns listed them in.
/// `values[k]` belongs to `codes[k]`.
#[inline]
pub fn in_code_order<T>(codes: [usize; 2], values: [T; 2]) -> [T; 2] {
    let [x, y] = values;
    if codes[0] < codes[1] {
        [x, y]
    } else {
        [y, x]
    }
}

/// The salience bytes of a two-entry list: `round(float(s))` (ties to even,
/// as Python's round) in code order, or `NO_SALIENCE` for a repeated code or
/// a value that is not a percentage and so can never match a label.
pub fn salience_bytes(codes: [usize; 2], raw: [f64; 2]) -> [u8; 2] {
    let byte = |x: f64| {
        let r = x.round_ties_even();
        if (0.0..=100.0).contains(&r) {
            r as u8
        } else {
            NO_SALIENCE
        }
    };
    if codes[0] == codes[1] {
        return [NO_SALIENCE; 2];
    }
    in_code_order(codes, raw.map(byte))
}

/// One clip's encoding, and how many entries its list had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedClip {
    pub mask: u8,
    pub salience: [u8; 2],
    pub n_entries: usize,
}

impl EncodedClip {
    /// An empty list: no code, no salience.
    pub const EMPTY: EncodedClip = EncodedClip {
        mask: 0,
        salience: [NO_SALIENCE; 2],
        n_entries: 0,
    };

    /// One emotion (its salience is never compared).
    pub fn single(code: usize) -> EncodedClip {
        EncodedClip {
            mask: 1 << code,
            salience: [NO_SALIENCE; 2],
            n_entries: 1,
        }
    }

    /// A blend of two different codes with their saliences in percent,
    /// `percents[k]` belonging to `codes[k]`.
    pub fn blend(codes: [usize; 2], percents: [u8; 2]) -> EncodedClip {
        EncodedClip {
            mask: (1 << codes[0]) | (1 << codes[1]),
            salience: in_code_order(codes, percents),
            n_entries: 2,
        }
    }

    pub fn is_blend(&self) -> bool {
        is_blend(self.mask)
    }
}

/// Encoded clips, owned, column by column: ready to become numpy arrays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncodedClips {
    pub mask: Vec<u8>,
    /// Two bytes per clip, row-major `(N, 2)`.
    pub salience: Vec<u8>,
}

impl EncodedClips {
    pub fn with_capacity(n: usize) -> EncodedClips {
        EncodedClips {
            mask: Vec::with_capacity(n),
            salience: Vec::with_capacity(2 * n),
        }
    }

    pub fn reserve(&mut self, n: usize) {
        self.mask.reserve(n);
        self.salience.reserve(2 * n);
    }

    pub fn push(&mut self, clip: EncodedClip) {
        self.mask.push(clip.mask);
        self.salience.extend_from_slice(&clip.salience);
    }

    pub fn len(&self) -> usize {
        self.mask.len()
    }

    pub fn is_empty(&self) -> bool {
        self.mask.is_empty()
    }

    pub fn view(&self) -> EncodedView<'_> {
        EncodedView {
            mask: &self.mask,
            salience: &self.salience,
        }
    }
}

impl FromIterator<EncodedClip> for EncodedClips {
    fn from_iter<I: IntoIterator<Item = EncodedClip>>(clips: I) -> Self {
        let clips = clips.into_iter();
        let mut out = EncodedClips::with_capacity(clips.size_hint().0);
        clips.for_each(|clip| out.push(clip));
        out
    }
}

/// Encoded clips, borrowed: predictions or labels alike, `mask[i]` and
/// `salience[2i..2i + 2]` for clip `i` (numpy arrays of shape (N,) and (N, 2)).
#[derive(Debug, Clone, Copy)]
pub struct EncodedView<'a> {
    pub mask: &'a [u8],
    pub salience: &'a [u8],
}

impl<'a> EncodedView<'a> {
    pub fn len(&self) -> usize {
        self.mask.len()
    }

    pub fn is_empty(&self) -> bool {
        self.mask.is_empty()
    }

    /// Checks that there are `n` clips: `what` names the mask in the error.
    pub fn check(&self, what: &'static str, n: usize) -> Result<()> {
        check_len(what, n, self.mask.len())?;
        check_len("salience", 2 * n, self.salience.len())
    }

    /// Clip `i`'s two salience bytes.
    #[inline]
    pub fn saliences(&self, i: usize) -> [u8; 2] {
        [self.salience[2 * i], self.salience[2 * i + 1]]
    }

    /// Clips `start..end`.
    pub fn range(&self, start: usize, end: usize) -> EncodedView<'a> {
        EncodedView {
            mask: &self.mask[start..end],
            salience: &self.salience[2 * start..2 * end],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blends_are_masks_of_two_codes() {
        let blends: Vec<u8> = (0..=127u8).filter(|&m| is_blend(m)).collect();
        assert_eq!(blends.len(), 21); // C(7, 2), the unknown bit included
        assert!(blends.iter().all(|m| m.count_ones() == 2));
    }

    #[test]
    fn saliences_are_stored_in_code_order() {
        // hap (3) at 70 listed before ang (0) at 30.
        let clip = EncodedClip::blend([3, 0], [70, 30]);
        assert_eq!(clip.mask, 0b1001);
        assert_eq!(clip.salience, [30, 70]);
        assert_eq!(EncodedClip::blend([0, 3], [30, 70]), clip);
        assert!(clip.is_blend());
        assert!(!EncodedClip::single(3).is_blend());
    }

    #[test]
    fn salience_bytes_round_as_python_and_reject_non_percentages() {
        assert_eq!(salience_bytes([3, 0], [70.0, 30.0]), [30, 70]);
        assert_eq!(salience_bytes([0, 3], [30.5, 69.5]), [30, 70]);
        assert_eq!(salience_bytes([0, 3], [100.4, -0.6]), [100, NO_SALIENCE]);
        assert_eq!(salience_bytes([0, 3], [f64::NAN, 50.0]), [NO_SALIENCE, 50]);
        assert_eq!(salience_bytes([2, 2], [50.0, 50.0]), [NO_SALIENCE; 2]);
    }

    #[test]
    fn columns_hold_pushed_clips() {
        let clips: EncodedClips = [EncodedClip::single(0), EncodedClip::blend([1, 0], [70, 30])]
            .into_iter()
            .collect();
        assert_eq!(clips.mask, vec![1, 0b11]);
        assert_eq!(clips.salience, vec![NO_SALIENCE, NO_SALIENCE, 30, 70]);
        let view = clips.view();
        assert_eq!(view.saliences(1), [30, 70]);
        assert_eq!(view.range(1, 2).mask, &[0b11]);
        assert!(view.check("mask", 2).is_ok());
        assert!(view.check("mask", 3).is_err());
    }
}
