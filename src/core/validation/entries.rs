//! One clip's list of `{"emotion": …, "salience": …}` entries, judged.
//!
//! A reader (Python objects today, JSON text tomorrow) walks the list and
//! reports what it finds to an [`EntriesJudge`]: an entry that is no mapping,
//! an emotion as text or as something else, a salience as a number or as why
//! it is none. The judge encodes the clip and words every problem, so every
//! reader gets the same rules and the same messages.

use crate::core::emotions::{code_index, suggest, EMOTIONS, UNKNOWN_BIT};
use crate::core::encoding::{salience_bytes, EncodedClip, NO_SALIENCE};
use crate::core::validation::problems::{Issue, ProblemKind};

/// One list of entries, read: its encoding, what is wrong with it, and
/// whether its saliences look like fractions (a warning, not a problem).
#[derive(Debug, Clone, PartialEq)]
pub struct Entries {
    pub clip: EncodedClip,
    pub issues: Vec<Issue>,
    pub fractional: bool,
}

impl Entries {
    /// A list with nothing to report.
    pub fn clean(clip: EncodedClip) -> Self {
        Entries {
            clip,
            issues: Vec::new(),
            fractional: false,
        }
    }

    /// A value that is no list of entries at all; `shown` describes it
    /// (its type and a short repr).
    pub fn not_a_list(shown: &str) -> Self {
        let message =
            format!("expected a list of {{\"emotion\", \"salience\"}} entries, got {shown}");
        Entries {
            clip: EncodedClip::EMPTY,
            issues: vec![Issue::new(ProblemKind::NotAList, message)],
            fractional: false,
        }
    }

    /// A two-entry list: the published scorer reads (and rounds) both
    /// saliences of such a list when its label is a blend.
    pub fn is_pair(&self) -> bool {
        self.clip.n_entries == 2
    }
}

/// An entry's emotion, as the reader found it.
#[derive(Debug, Clone)]
pub enum Emotion<'a> {
    Text(&'a str),
    /// Anything but text, described by its type and a short repr.
    Other(String),
}

/// An entry's salience, as the reader found it: `float(value)` when Python
/// would compute one, else why not.
#[derive(Debug, Clone)]
pub enum Salience {
    Missing,
    Number(f64),
    /// A boolean, shown by its repr.
    Bool(String),
    /// An integer too large for a float, shown by its repr.
    TooLarge(String),
    /// Text that is no number, shown by its repr.
    Text(String),
    /// Any other value, described by its type and a short repr.
    Other(String),
    /// The conversion failed for a reason the reader words.
    Failed(String),
}

/// Saliences such as 0.7/0.3: legal, but they never match a 70/30 label.
pub fn looks_fractional(sa: f64, sb: f64) -> bool {
    (0.0..=1.0).contains(&sa) && (0.0..=1.0).contains(&sb) && (sa + sb - 1.0).abs() < 0.02
}

/// The readers' fast case, built entry by entry: one or two entries with
/// different known codes and saliences from 0 to 100. Anything else is None,
/// left to [`EntriesJudge`], which words it; for what this accepts, both
/// give the same encoding.
#[derive(Default)]
pub struct PlainEntries {
    mask: u8,
    codes: [usize; 2],
    raws: [f64; 2],
    n: usize,
}

impl PlainEntries {
    /// Adds one entry; None for a third entry, a salience out of range or a
    /// code given twice.
    #[inline]
    pub fn push(&mut self, code: usize, raw: f64) -> Option<()> {
        if self.n == 2 || !(0.0..=100.0).contains(&raw) || self.mask & (1 << code) != 0 {
            return None;
        }
        self.mask |= 1 << code;
        (self.codes[self.n], self.raws[self.n]) = (code, raw);
        self.n += 1;
        Some(())
    }

    /// The clip; None for fractions such as 0.7/0.3, which the judge warns
    /// about.
    #[inline]
    pub fn finish(self) -> Option<EncodedClip> {
        let mut salience = [NO_SALIENCE; 2];
        if self.n == 2 {
            if looks_fractional(self.raws[0], self.raws[1]) {
                return None;
            }
            salience = salience_bytes(self.codes, self.raws);
        }
        Some(EncodedClip {
            mask: self.mask,
            salience,
            n_entries: self.n,
        })
    }
}

/// Judges the entries of one list as a reader reports them, in order.
pub struct EntriesJudge {
    entries: Entries,
    /// (code, raw salience) of the first two entries, for the salience bytes.
    firsts: [(Option<usize>, f64); 2],
}

impl Default for EntriesJudge {
    fn default() -> Self {
        EntriesJudge {
            entries: Entries::clean(EncodedClip::EMPTY),
            firsts: [(None, f64::NAN); 2],
        }
    }
}

impl EntriesJudge {
    fn issue(&mut self, kind: ProblemKind, message: String) {
        self.entries.issues.push(Issue::new(kind, message));
    }

    /// Entry `k` is no mapping with `emotion` and `salience` keys.
    pub fn not_a_mapping(&mut self, k: usize, shown: &str) {
        let message = format!("entry {k} is {shown}, not a dict with 'emotion' and 'salience'");
        self.issue(ProblemKind::EntryNotMapping, message);
    }

    /// Entry `k` has no `emotion` key (its salience is then not read).
    pub fn missing_emotion(&mut self, k: usize) {
        self.issue(
            ProblemKind::MissingEmotion,
            format!("entry {k} has no 'emotion' key"),
        );
    }

    /// Entry `k` with its emotion and its salience.
    pub fn entry(&mut self, k: usize, emotion: Emotion<'_>, salience: Salience) {
        let code = self.code(k, emotion);
        let raw = self.salience(k, salience);
        if k < 2 {
            self.firsts[k] = (code, raw);
        }
    }

    fn code(&mut self, k: usize, emotion: Emotion<'_>) -> Option<usize> {
        let (kind, message) = match emotion {
            Emotion::Text(text) => match code_index(text) {
                Some(code) => {
                    let bit = 1u8 << code;
                    if self.entries.clip.mask & bit != 0 {
                        let message = format!("emotion '{}' appears twice", EMOTIONS[code]);
                        self.issue(ProblemKind::RepeatedEmotion, message);
                    }
                    self.entries.clip.mask |= bit;
                    return Some(code);
                }
                None => (
                    ProblemKind::UnknownEmotion,
                    match suggest(text) {
                        Some(hint) => {
                            format!("unknown emotion code '{text}' (did you mean '{hint}'?)")
                        }
                        None => format!(
                            "unknown emotion code '{text}' (valid: {})",
                            EMOTIONS.join(", ")
                        ),
                    },
                ),
            },
            Emotion::Other(shown) => (
                ProblemKind::EmotionNotString,
                format!("entry {k}: emotion should be a code such as 'ang', got {shown}"),
            ),
        };
        self.issue(kind, message);
        self.entries.clip.mask |= UNKNOWN_BIT;
        None
    }

    fn salience(&mut self, k: usize, salience: Salience) -> f64 {
        use ProblemKind::*;
        let (kind, message) = match salience {
            Salience::Number(x) => {
                let problem = if x.is_nan() {
                    Some((SalienceNan, format!("entry {k}: salience is NaN")))
                } else if x.is_infinite() {
                    Some((SalienceInfinite, format!("entry {k}: salience is infinite")))
                } else if x < 0.0 {
                    Some((
                        SalienceNegative,
                        format!("entry {k}: salience {x} is negative"),
                    ))
                } else if x > 100.0 {
                    Some((
                        SalienceAbove100,
                        format!("entry {k}: salience {x} is above 100; saliences are percentages"),
                    ))
                } else {
                    None
                };
                if let Some((kind, message)) = problem {
                    self.issue(kind, message);
                }
                return x;
            }
            Salience::Missing => (MissingSalience, format!("entry {k} has no 'salience' key")),
            Salience::Bool(repr) => (
                SalienceNotNumber,
                format!("entry {k}: salience should be a number, got the bool {repr}"),
            ),
            Salience::TooLarge(repr) => (
                SalienceTooLarge,
                format!("entry {k}: salience {repr} is too large for a float"),
            ),
            Salience::Text(repr) => (
                SalienceNotNumber,
                format!("entry {k}: salience {repr} is not a number"),
            ),
            Salience::Other(shown) => (
                SalienceNotNumber,
                format!("entry {k}: salience should be a number or numeric string, got {shown}"),
            ),
            Salience::Failed(why) => (SalienceNotNumber, format!("entry {k}: {why}")),
        };
        self.issue(kind, message);
        f64::NAN
    }

    /// The list after its `n` entries: its length judged, its saliences encoded.
    pub fn finish(mut self, n: usize) -> Entries {
        self.entries.clip.n_entries = n;
        if n == 0 {
            self.issue(
                ProblemKind::EmptyPrediction,
                "the prediction list is empty".into(),
            );
        } else if n > 2 {
            let message = format!("{n} entries; a clip has one emotion or a blend of two");
            self.issue(ProblemKind::TooManyEntries, message);
        } else if n == 2 {
            let [(a, sa), (b, sb)] = self.firsts;
            if let (Some(a), Some(b)) = (a, b) {
                self.entries.clip.salience = salience_bytes([a, b], [sa, sb]);
            }
            self.entries.fractional = looks_fractional(sa, sb);
        }
        self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encoding::NO_SALIENCE;

    fn judge(entries: Vec<(Emotion, Salience)>) -> Entries {
        let n = entries.len();
        let mut judge = EntriesJudge::default();
        for (k, (emotion, salience)) in entries.into_iter().enumerate() {
            judge.entry(k, emotion, salience);
        }
        judge.finish(n)
    }

    fn kinds(entries: &Entries) -> Vec<&'static str> {
        entries.issues.iter().map(|i| i.kind.as_str()).collect()
    }

    #[test]
    fn a_clean_blend_is_encoded_in_code_order() {
        let read = judge(vec![
            (Emotion::Text("hap"), Salience::Number(70.0)),
            (Emotion::Text("ang"), Salience::Number(30.0)),
        ]);
        assert_eq!(read, Entries::clean(EncodedClip::blend([3, 0], [70, 30])));
        assert!(read.is_pair());
    }

    #[test]
    fn every_problem_is_worded_with_its_kind() {
        let read = judge(vec![
            (Emotion::Text("happy"), Salience::Number(f64::NAN)),
            (Emotion::Other("int 3".into()), Salience::Text("'x'".into())),
            (Emotion::Text("ang"), Salience::Missing),
        ]);
        assert_eq!(
            kinds(&read),
            [
                "unknown_emotion",
                "salience_nan",
                "emotion_not_string",
                "salience_not_number",
                "missing_salience",
                "too_many_entries"
            ]
        );
        assert_eq!(
            read.issues[0].message,
            "unknown emotion code 'happy' (did you mean 'hap'?)"
        );
        assert_eq!(
            read.issues[3].message,
            "entry 1: salience 'x' is not a number"
        );
        assert_eq!(read.clip.mask, UNKNOWN_BIT | 1);
    }

    #[test]
    fn repeated_codes_and_ranges() {
        let read = judge(vec![
            (Emotion::Text("sad"), Salience::Number(-1.0)),
            (Emotion::Text("sad"), Salience::Number(101.0)),
        ]);
        assert_eq!(
            kinds(&read),
            [
                "salience_negative",
                "repeated_emotion",
                "salience_above_100"
            ]
        );
        assert_eq!(read.clip.salience, [NO_SALIENCE; 2]);
        let empty = EntriesJudge::default().finish(0);
        assert_eq!(kinds(&empty), ["empty_prediction"]);
        assert_eq!(kinds(&Entries::not_a_list("int 3")), ["not_a_list"]);
    }

    #[test]
    fn fractions_are_flagged_not_rejected() {
        let read = judge(vec![
            (Emotion::Text("ang"), Salience::Number(0.7)),
            (Emotion::Text("hap"), Salience::Number(0.3)),
        ]);
        assert!(read.fractional && read.issues.is_empty());
        assert_eq!(read.clip.salience, [1, 0]);
        assert!(!looks_fractional(30.0, 70.0));
    }
}
