//! Matching predictions to their labels, by clip name, under the strict or
//! lenient policy: which problems count, which labels went unused, and the
//! warnings worth raising. Readers supply clip names and judged entries
//! (see `entries`); everything decided about them is decided here.

use std::collections::HashMap;

use crate::core::encoding::{EncodedClip, EncodedClips};
use crate::core::filename::{self, EXPECTED_SHAPES};
use crate::core::validation::entries::Entries;
use crate::core::validation::problems::{Issue, Problem, ProblemKind};

/// What validation produces: predictions and their labels aligned row by
/// row (only the clips without problems), and everything to report.
#[derive(Debug, Default)]
pub struct Aligned {
    /// Label names, in the labels' order (for labels alone only).
    pub names: Vec<String>,
    pub pred: EncodedClips,
    pub label: EncodedClips,
    pub problems: Vec<Problem>,
    pub warnings: Vec<String>,
}

/// The label a clip name carries, as the published scorer reads it.
pub fn label_from_name(name: &str) -> Result<EncodedClip, Issue> {
    match filename::parse(name) {
        Ok(parsed) => Ok(parsed.label()),
        Err(why) => Err(Issue::new(
            ProblemKind::BadClipName,
            format!("cannot read a label from this clip name: {why}; {EXPECTED_SHAPES}"),
        )),
    }
}

/// A clip name (dict key or list item) that is no string; `shown`
/// describes it (its type and a short repr).
pub fn name_not_string(shown: &str) -> Issue {
    Issue::new(
        ProblemKind::ClipNameNotString,
        format!("clip names must be strings, got {shown}"),
    )
}

/// Labels by clip name, in the order given, with the problems found in them.
#[derive(Debug, Default)]
pub struct LabelTable {
    index: HashMap<String, usize>,
    names: Vec<String>,
    labels: Vec<EncodedClip>,
    problems: Vec<Problem>,
    /// Blend labels whose saliences look like fractions.
    fractional: usize,
}

impl LabelTable {
    fn add(&mut self, name: String, label: EncodedClip) {
        if self.index.contains_key(&name) {
            let issue = Issue::new(ProblemKind::DuplicateLabel, "the clip is listed twice");
            self.problems.push(issue.in_label().at(Some(name)));
            return;
        }
        self.index.insert(name.clone(), self.labels.len());
        self.names.push(name);
        self.labels.push(label);
    }

    /// A clip name whose label is read from the name.
    pub fn add_name(&mut self, name: &str) {
        match label_from_name(name) {
            Ok(label) => self.add(name.to_owned(), label),
            Err(issue) => self.problems.push(issue.at(Some(name.to_owned()))),
        }
    }

    /// A list item that cannot be a clip name; `shown` is how to name it.
    pub fn bad_name(&mut self, shown: String, issue: Issue) {
        self.problems.push(issue.at(Some(shown)));
    }

    /// A label dict key that cannot be a clip name.
    pub fn bad_key(&mut self, issue: Issue) {
        self.problems.push(issue.in_label().at(None));
    }

    /// A label dict's entry. Label problems count in every mode: without a
    /// valid label, no score.
    pub fn add_entries(&mut self, name: String, entries: Entries) {
        let before = self.problems.len();
        let pair = entries.is_pair();
        for issue in entries.issues {
            if issue.kind.counts_in_label(pair) {
                self.problems.push(issue.in_label().at(Some(name.clone())));
            }
        }
        self.fractional += usize::from(entries.fractional);
        if self.problems.len() == before {
            self.add(name, entries.clip);
        }
    }

    fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.fractional > 0 {
            warnings.push(format!(
                "{} blend label(s) have saliences that add up to about 1; saliences are \
                 percentages (30/70, 50/50, 70/30) and fractions round to 0 or 1",
                self.fractional
            ));
        }
        warnings
    }

    /// The labels alone, in their own order.
    pub fn into_aligned(self) -> Aligned {
        Aligned {
            warnings: self.warnings(),
            label: self.labels.iter().copied().collect(),
            names: self.names,
            problems: self.problems,
            pred: EncodedClips::default(),
        }
    }
}

/// Where each prediction's label comes from.
pub enum Labels {
    /// Parsed from each prediction's clip name, as the published scorer
    /// does: `parsed[i]` is prediction `i`'s (None when its name is no string).
    FromNames(Vec<Option<Result<EncodedClip, Issue>>>),
    /// Looked up by name in a table.
    Table(LabelTable),
}

/// Matches every prediction to its label, row by row in the predictions'
/// order: `names[i]` and `entries[i]` are prediction `i`'s clip name (or why
/// it has none) and its judged entries.
///
/// With `strict`, every departure from the challenge's format is a problem.
/// Without it, only what the published scorer itself cannot score is: a list
/// it cannot read, a clip without a label, a salience it would have to round
/// but cannot.
pub fn align(
    names: &[Result<&str, Issue>],
    entries: Vec<Entries>,
    labels: Labels,
    strict: bool,
) -> Aligned {
    let (mut parsed, mut table) = match labels {
        Labels::FromNames(parsed) => (parsed.into_iter(), LabelTable::default()),
        Labels::Table(table) => (Vec::new().into_iter(), table),
    };
    let mut aligned = Aligned {
        warnings: table.warnings(),
        problems: std::mem::take(&mut table.problems),
        pred: EncodedClips::with_capacity(names.len()),
        label: EncodedClips::with_capacity(names.len()),
        names: Vec::new(),
    };
    let problems = &mut aligned.problems;
    let mut used = vec![false; table.labels.len()];
    let mut fractional: Vec<&str> = Vec::new();
    for (name, entries) in names.iter().zip(entries) {
        let from_name = parsed.next();
        let name = match name {
            Ok(name) => *name,
            Err(issue) => {
                problems.push(issue.clone().at(None));
                continue;
            }
        };
        let label = match from_name {
            Some(Some(label)) => label,
            _ => match table.index.get(name) {
                Some(&row) => {
                    used[row] = true;
                    Ok(table.labels[row])
                }
                None => Err(Issue::new(
                    ProblemKind::UnlabelledPrediction,
                    "prediction for a clip that has no label",
                )),
            },
        };
        let before = problems.len();
        if let Err(issue) = &label {
            problems.push(issue.clone().at(Some(name.to_owned())));
        }
        // The published scorer rounds a prediction's saliences only for a
        // two-entry prediction of a blend clip; without a label, report all.
        let label_blend = label.as_ref().map_or(true, EncodedClip::is_blend);
        let rounded = label_blend && entries.is_pair();
        for issue in entries.issues {
            if issue.kind.counts_in_prediction(strict, rounded) {
                problems.push(issue.at(Some(name.to_owned())));
            }
        }
        if entries.fractional && (label_blend || strict) {
            fractional.push(name);
        }
        if let (Ok(label), true) = (label, problems.len() == before) {
            aligned.pred.push(entries.clip);
            aligned.label.push(label);
        }
    }
    let unused: Vec<&String> = table
        .names
        .iter()
        .zip(&used)
        .filter(|(_, &u)| !u)
        .map(|(n, _)| n)
        .collect();
    if strict {
        for name in &unused {
            let issue = Issue::new(ProblemKind::MissingPrediction, "label has no prediction");
            problems.push(issue.at(Some((*name).clone())));
        }
    } else if let Some(first) = unused.first() {
        aligned.warnings.push(format!(
            "{} labelled clip(s) have no prediction (first: {first}); with strict=False they are \
             left out of the denominator, as in the published scorer",
            unused.len()
        ));
    }
    if let Some(first) = fractional.first() {
        aligned.warnings.push(format!(
            "{} two-emotion prediction(s) have saliences that add up to about 1 (first: {first}); \
             saliences are percentages (30/70, 50/50, 70/30), and fractions such as 0.7/0.3 round \
             to 1/0, so they never match a blend label",
            fractional.len()
        ));
    }
    aligned
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::validation::entries::{Emotion, EntriesJudge, Salience};

    fn single(code: &str, salience: f64) -> Entries {
        let mut judge = EntriesJudge::default();
        judge.entry(0, Emotion::Text(code), Salience::Number(salience));
        judge.finish(1)
    }

    fn kinds(aligned: &Aligned) -> Vec<(Option<&str>, &str)> {
        aligned
            .problems
            .iter()
            .map(|p| (p.clip.as_deref(), p.kind.as_str()))
            .collect()
    }

    #[test]
    fn labels_from_names_match_by_row() {
        let names = [Ok("A1_ang_int1_ver1"), Ok("A1_hap_int1_ver1"), Ok("nope")];
        let parsed = names
            .iter()
            .map(|n| n.as_ref().ok().map(|n| label_from_name(n)))
            .collect();
        let entries = vec![
            single("ang", 100.0),
            single("ang", 100.0),
            single("ang", 1.0),
        ];
        let aligned = align(&names, entries, Labels::FromNames(parsed), true);
        assert_eq!(kinds(&aligned), [(Some("nope"), "bad_clip_name")]);
        assert_eq!(aligned.pred.mask, vec![1, 1]);
        assert_eq!(aligned.label.mask, vec![1, 1 << 3]);
    }

    #[test]
    fn strict_and_lenient_tables() {
        let mut table = LabelTable::default();
        table.add_name("A1_ang_int1_ver1");
        table.add_name("A1_sad_int1_ver1");
        table.add_name("A1_ang_int1_ver1");
        let build = |strict: bool, table: LabelTable| {
            let names = [
                Ok("A1_ang_int1_ver1"),
                Ok("A2_ang_int1_ver1"),
                Err(name_not_string("int 3")),
            ];
            let entries = vec![
                single("ang", 150.0),
                single("ang", 100.0),
                single("ang", 100.0),
            ];
            align(&names, entries, Labels::Table(table), strict)
        };
        let strict = build(true, table);
        assert_eq!(
            kinds(&strict),
            [
                (Some("A1_ang_int1_ver1"), "duplicate_label"),
                (Some("A1_ang_int1_ver1"), "salience_above_100"),
                (Some("A2_ang_int1_ver1"), "unlabelled_prediction"),
                (None, "clip_name_not_string"),
                (Some("A1_sad_int1_ver1"), "missing_prediction"),
            ]
        );
        assert_eq!(
            strict.problems[0].message,
            "label: the clip is listed twice"
        );
        let mut table = LabelTable::default();
        table.add_name("A1_ang_int1_ver1");
        table.add_name("A1_sad_int1_ver1");
        let lenient = build(false, table);
        // A single emotion's out-of-range salience is never read leniently.
        assert_eq!(
            kinds(&lenient),
            [
                (Some("A2_ang_int1_ver1"), "unlabelled_prediction"),
                (None, "clip_name_not_string"),
            ]
        );
        assert_eq!(lenient.pred.len(), 1);
        assert!(lenient.warnings[0].starts_with("1 labelled clip(s) have no prediction"));
    }

    #[test]
    fn label_entries_skip_single_saliences() {
        let mut table = LabelTable::default();
        table.add_entries("a".into(), single("ang", f64::NAN));
        table.add_entries("b".into(), single("angry", 100.0));
        let aligned = table.into_aligned();
        assert_eq!(kinds(&aligned), [(Some("b"), "unknown_emotion")]);
        assert_eq!(aligned.names, ["a"]);
        assert!(aligned.problems[0]
            .message
            .starts_with("label: unknown emotion code"));
    }
}
