//! Problems as data: every problem the validation reports has a stable kind
//! code (`unknown_emotion`, `salience_nan`, …) that programs can branch on,
//! and a message worded for people. The kinds are listed once, in
//! [`problem_kinds!`], which also gives each its code and how the published
//! scorer treats it.

use std::fmt;

/// How the published scorer treats a problem in a list of entries. This
/// decides whether it counts with `strict=False` (see `ProblemKind::counts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Makes the list (or the clip) unusable even for presence: the
    /// published code would raise, or cannot match the clip at all.
    Fatal,
    /// Breaks the challenge's format, but the published code scores it.
    Format,
    /// Makes a salience unusable: the published code raises if it rounds it.
    Salience,
    /// A salience outside 0-100 that still rounds.
    SalienceRange,
}

/// Declares the problem kinds: variant, stable code, severity, meaning.
macro_rules! problem_kinds {
    ($($(#[doc = $doc:literal])+ $variant:ident = $code:literal, $severity:ident;)+) => {
        /// What is wrong, as a stable code (see the module header).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ProblemKind {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl ProblemKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [ProblemKind] = &[$(ProblemKind::$variant),+];

            /// The stable code, such as `"unknown_emotion"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ProblemKind::$variant => $code,)+
                }
            }

            /// What the kind means, in one line (its doc comment).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ProblemKind::$variant => concat!($($doc),+).trim_ascii(),)+
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(ProblemKind::$variant => Severity::$severity,)+
                }
            }
        }
    };
}

problem_kinds! {
    /// A clip's value is not a list (or tuple) of entries.
    NotAList = "not_a_list", Fatal;
    /// An entry is not a mapping with `emotion` and `salience` keys.
    EntryNotMapping = "entry_not_mapping", Fatal;
    /// An entry has no `emotion` key.
    MissingEmotion = "missing_emotion", Fatal;
    /// An entry's emotion is not a string.
    EmotionNotString = "emotion_not_string", Format;
    /// An emotion code that is not one of the six.
    UnknownEmotion = "unknown_emotion", Format;
    /// The same emotion twice in one list.
    RepeatedEmotion = "repeated_emotion", Format;
    /// A list with no entries.
    EmptyPrediction = "empty_prediction", Format;
    /// A list with more than two entries.
    TooManyEntries = "too_many_entries", Format;
    /// An entry has no `salience` key.
    MissingSalience = "missing_salience", Salience;
    /// A salience that is neither a number nor a numeric string.
    SalienceNotNumber = "salience_not_number", Salience;
    /// An integer salience too large for a float.
    SalienceTooLarge = "salience_too_large", Salience;
    /// A NaN salience.
    SalienceNan = "salience_nan", Salience;
    /// An infinite salience.
    SalienceInfinite = "salience_infinite", Salience;
    /// A salience below 0.
    SalienceNegative = "salience_negative", SalienceRange;
    /// A salience above 100 (saliences are percentages).
    SalienceAbove100 = "salience_above_100", SalienceRange;
    /// A clip name (a dict key or a list item) that is not a string.
    ClipNameNotString = "clip_name_not_string", Fatal;
    /// A clip name that carries no label in the dataset's naming scheme.
    BadClipName = "bad_clip_name", Fatal;
    /// A prediction for a clip that has no label.
    UnlabelledPrediction = "unlabelled_prediction", Fatal;
    /// A labelled clip without a prediction (strict mode).
    MissingPrediction = "missing_prediction", Fatal;
    /// A clip listed twice among the labels.
    DuplicateLabel = "duplicate_label", Fatal;
}

impl ProblemKind {
    /// Whether a problem in a prediction's entries counts.
    ///
    /// With `strict`, every departure from the challenge's format does.
    /// Without it, only what the published scorer itself cannot score: a
    /// list it cannot read, or a salience it would have to round
    /// (`rounded`) but cannot.
    pub fn counts_in_prediction(self, strict: bool, rounded: bool) -> bool {
        match self.severity() {
            Severity::Fatal => true,
            Severity::Format | Severity::SalienceRange => strict,
            Severity::Salience => strict || rounded,
        }
    }

    /// Whether a problem in a label's entries counts: in every mode, since
    /// without a valid label there is no score; but a single emotion's
    /// salience is never read, so it is only checked when the list is a
    /// pair (`pair`).
    pub fn counts_in_label(self, pair: bool) -> bool {
        pair || !matches!(
            self.severity(),
            Severity::Salience | Severity::SalienceRange
        )
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem not yet tied to a clip: its kind and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub kind: ProblemKind,
    pub message: String,
}

impl Issue {
    pub fn new(kind: ProblemKind, message: impl Into<String>) -> Issue {
        Issue {
            kind,
            message: message.into(),
        }
    }

    /// The same issue, found in a label.
    pub fn in_label(self) -> Issue {
        Issue {
            kind: self.kind,
            message: format!("label: {}", self.message),
        }
    }

    /// The issue as a problem of `clip` (None when no clip can be named).
    pub fn at(self, clip: Option<String>) -> Problem {
        Problem {
            clip,
            kind: self.kind,
            message: self.message,
        }
    }
}

/// One problem found in the input: the clip it concerns (if any), its kind
/// and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub clip: Option<String>,
    pub kind: ProblemKind,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let codes: Vec<&str> = ProblemKind::ALL.iter().map(|k| k.as_str()).collect();
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        for code in codes {
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{code}"
            );
        }
        assert_eq!(ProblemKind::SalienceNan.to_string(), "salience_nan");
    }

    #[test]
    fn lenient_mode_counts_what_the_published_scorer_rejects() {
        use ProblemKind::*;
        for strict in [false, true] {
            for rounded in [false, true] {
                assert!(EntryNotMapping.counts_in_prediction(strict, rounded));
                assert_eq!(UnknownEmotion.counts_in_prediction(strict, rounded), strict);
                assert_eq!(
                    SalienceNegative.counts_in_prediction(strict, rounded),
                    strict
                );
                assert_eq!(
                    SalienceNan.counts_in_prediction(strict, rounded),
                    strict || rounded
                );
            }
        }
        assert!(!SalienceNan.counts_in_label(false));
        assert!(SalienceAbove100.counts_in_label(true));
        assert!(RepeatedEmotion.counts_in_label(false));
    }
}
