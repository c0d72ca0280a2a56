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
    /// Parsed from each prediction's clip name, as the published scorer does.
    FromNames,
    /// Looked up by name in a table.
    Table(LabelTable),
    /// None: the predictions are judged alone (a submission checked before
    /// upload), each aligned with an empty label.
    Absent,
}

#[derive(Clone, Copy)]
enum Rule {
    FromNames,
    Table,
    Absent,
}

/// Matches predictions to their labels one clip at a time, in the
/// predictions' order, so that a reader can hand over each clip as it reads
/// it and keep nothing per clip but the encoding.
///
/// With `strict`, every departure from the challenge's format is a problem.
/// Without it, only what the published scorer itself cannot score is: a list
/// it cannot read, a clip without a label, a salience it would have to round
/// but cannot.
pub struct Matcher {
    strict: bool,
    rule: Rule,
    table: LabelTable,
    used: Vec<bool>,
    /// How many two-emotion predictions look like fractions, and the first.
    fractional: (usize, Option<String>),
    /// How many problems the labels themselves had (they come first).
    label_problems: usize,
    aligned: Aligned,
}

impl Matcher {
    pub fn new(labels: Labels, strict: bool) -> Matcher {
        let (rule, mut table) = match labels {
            Labels::FromNames => (Rule::FromNames, LabelTable::default()),
            Labels::Table(table) => (Rule::Table, table),
            Labels::Absent => (Rule::Absent, LabelTable::default()),
        };
        let aligned = Aligned {
            warnings: table.warnings(),
            problems: std::mem::take(&mut table.problems),
            ..Aligned::default()
        };
        Matcher {
            strict,
            rule,
            used: vec![false; table.labels.len()],
            table,
            fractional: (0, None),
            label_problems: aligned.problems.len(),
            aligned,
        }
    }

    /// Forgets every prediction pushed so far, keeping the labels: for a
    /// reader that starts over (a fast reader giving way to a full one).
    pub fn restart(&mut self) {
        self.aligned.pred = EncodedClips::default();
        self.aligned.label = EncodedClips::default();
        self.aligned.problems.truncate(self.label_problems);
        self.used.fill(false);
        self.fractional = (0, None);
    }

    /// Room for `n` more clips.
    pub fn reserve(&mut self, n: usize) {
        self.aligned.pred.reserve(n);
        self.aligned.label.reserve(n);
    }

    /// The next prediction: its clip name and its judged entries; its label
    /// is read from the name or looked up in the table.
    pub fn push(&mut self, name: &str, entries: Entries) {
        let label = match self.rule {
            Rule::FromNames => label_from_name(name),
            Rule::Table => self.look_up(name),
            Rule::Absent => Ok(EncodedClip::EMPTY),
        };
        self.push_labelled(name, entries, label);
    }

    /// A prediction whose clip name is no name (`issue` says why): it is
    /// reported and not scored.
    pub fn unnamed(&mut self, issue: Issue) {
        self.aligned.problems.push(issue.at(None));
    }

    /// `push` with the label already read from the clip name (by a reader
    /// that parses names on another thread).
    pub fn push_labelled(
        &mut self,
        name: &str,
        entries: Entries,
        label: Result<EncodedClip, Issue>,
    ) {
        let problems = &mut self.aligned.problems;
        let before = problems.len();
        if let Err(issue) = &label {
            problems.push(issue.clone().at(Some(name.to_owned())));
        }
        // The published scorer rounds a prediction's saliences only for a
        // two-entry prediction of a blend clip; without a label, report all.
        let label_blend = label.as_ref().map_or(true, EncodedClip::is_blend);
        let rounded = label_blend && entries.is_pair();
        for issue in entries.issues {
            if issue.kind.counts_in_prediction(self.strict, rounded) {
                problems.push(issue.at(Some(name.to_owned())));
            }
        }
        if entries.fractional && (label_blend || self.strict) {
            let (count, first) = &mut self.fractional;
            *count += 1;
            first.get_or_insert_with(|| name.to_owned());
        }
        if let (Ok(label), true) = (label, problems.len() == before) {
            self.aligned.pred.push(entries.clip);
            self.aligned.label.push(label);
        }
    }

    fn look_up(&mut self, name: &str) -> Result<EncodedClip, Issue> {
        match self.table.index.get(name) {
            Some(&row) => {
                self.used[row] = true;
                Ok(self.table.labels[row])
            }
            None => Err(Issue::new(
                ProblemKind::UnlabelledPrediction,
                "prediction for a clip that has no label",
            )),
        }
    }

    /// A problem a reader found beyond one clip's entries (such as a clip
    /// given twice).
    pub fn problem(&mut self, problem: Problem) {
        self.aligned.problems.push(problem);
    }

    /// Everything matched: labels without a prediction reported (strict) or
    /// warned about (lenient), and the fraction warning.
    pub fn finish(self) -> Aligned {
        let Matcher {
            strict,
            table,
            used,
            fractional,
            mut aligned,
            ..
        } = self;
        let mut unused = table.names.iter().zip(&used).filter(|(_, &u)| !u);
        if strict {
            for (name, _) in unused {
                let issue = Issue::new(ProblemKind::MissingPrediction, "label has no prediction");
                aligned.problems.push(issue.at(Some(name.clone())));
            }
        } else if let Some((first, _)) = unused.next() {
            aligned.warnings.push(format!(
                "{} labelled clip(s) have no prediction (first: {first}); with strict=False they \
                 are left out of the denominator, as in the published scorer",
                1 + unused.count()
            ));
        }
        if let (count, Some(first)) = fractional {
            aligned.warnings.push(format!(
                "{count} two-emotion prediction(s) have saliences that add up to about 1 (first: \
                 {first}); saliences are percentages (30/70, 50/50, 70/30), and fractions such as \
                 0.7/0.3 round to 1/0, so they never match a blend label"
            ));
        }
        aligned
    }
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

    /// Every prediction through a matcher, in order.
    fn align(
        names: &[Result<&str, Issue>],
        entries: Vec<Entries>,
        labels: Labels,
        strict: bool,
    ) -> Aligned {
        let mut matcher = Matcher::new(labels, strict);
        for (name, entries) in names.iter().zip(entries) {
            match name {
                Ok(name) => matcher.push(name, entries),
                Err(issue) => matcher.unnamed(issue.clone()),
            }
        }
        matcher.finish()
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
        let entries = vec![
            single("ang", 100.0),
            single("ang", 100.0),
            single("ang", 1.0),
        ];
        let aligned = align(&names, entries, Labels::FromNames, true);
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
