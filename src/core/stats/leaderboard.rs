//! The leaderboard's inputs: every system's tally per group, its point
//! scores, the pairwise differences and tests as `compare` computes them,
//! and the per-group terms the rank sets are built on.

use crate::core::error::{domain, Error, Result};
use crate::core::score::{is_blend_cell, is_presence_right, is_salience_right};
use crate::core::stats::bootstrap::Tally;
use crate::core::stats::cluster_t::{paired_test, PairedTest};
use crate::core::stats::scaled_terms::{scaled_terms, Scale};

/// The metric the systems are ranked by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Presence,
    Salience,
    Mean,
}

impl Metric {
    pub fn parse(name: &str) -> Result<Metric> {
        match name {
            "presence" => Ok(Metric::Presence),
            "salience" => Ok(Metric::Salience),
            "mean" => Ok(Metric::Mean),
            _ => Err(Error::Value {
                argument: "metric",
                message: format!("must be 'presence', 'salience' or 'mean'; got {name:?}"),
            }),
        }
    }

    fn column(self) -> usize {
        match self {
            Metric::Presence => 0,
            Metric::Salience => 1,
            Metric::Mean => 2,
        }
    }
}

/// Systems' tallies per group, row-major `n_systems x n_groups`.
pub struct Board {
    pub tallies: Vec<Tally>,
    pub n_systems: usize,
    pub n_groups: usize,
}

impl Board {
    /// `outcomes` holds each system's outcome cells on the same clips
    /// (row-major `n_systems x n_clips`); `groups` each clip's group code in
    /// `0..n_groups`, or None for one group per clip.
    pub fn new(outcomes: &[u8], n_systems: usize, groups: Option<&[i64]>) -> Result<Board> {
        if n_systems == 0 || outcomes.is_empty() || !outcomes.len().is_multiple_of(n_systems) {
            return Err(domain(
                "outcomes",
                "must hold the same clips for every system",
            ));
        }
        let n_clips = outcomes.len() / n_systems;
        let codes: Vec<usize> = match groups {
            Some(g) => {
                crate::core::error::check_len("cluster", n_clips, g.len())?;
                g.iter()
                    .map(|&c| {
                        usize::try_from(c).map_err(|_| domain("cluster", "codes must be >= 0"))
                    })
                    .collect::<Result<_>>()?
            }
            None => (0..n_clips).collect(),
        };
        let n_groups = codes.iter().max().map_or(0, |m| m + 1);
        let mut tallies = vec![Tally::default(); n_systems * n_groups];
        for (j, row) in outcomes.chunks_exact(n_clips).enumerate() {
            let tallies = &mut tallies[j * n_groups..(j + 1) * n_groups];
            for (&cell, &code) in row.iter().zip(&codes) {
                let t = &mut tallies[code];
                t.n += 1;
                t.n_blend += u64::from(is_blend_cell(cell));
                t.presence += i64::from(is_presence_right(cell));
                t.salience += i64::from(is_salience_right(cell));
            }
        }
        // Every system saw the same clips, so blend counts must agree.
        for j in 1..n_systems {
            for g in 0..n_groups {
                let (a, b) = (tallies[g], tallies[j * n_groups + g]);
                if (a.n, a.n_blend) != (b.n, b.n_blend) {
                    return Err(domain(
                        "outcomes",
                        "systems were scored against different labels",
                    ));
                }
            }
        }
        Ok(Board {
            tallies,
            n_systems,
            n_groups,
        })
    }

    fn row(&self, j: usize) -> &[Tally] {
        &self.tallies[j * self.n_groups..(j + 1) * self.n_groups]
    }

    /// System `j`'s tally over all clips.
    pub fn total(&self, j: usize) -> Tally {
        self.row(j).iter().fold(Tally::default(), |mut acc, t| {
            acc.n += t.n;
            acc.n_blend += t.n_blend;
            acc.presence += t.presence;
            acc.salience += t.salience;
            acc
        })
    }

    /// Presence, salience and mean per system, exactly as `score` gives them.
    pub fn scores(&self) -> Vec<[f64; 3]> {
        (0..self.n_systems)
            .map(|j| self.total(j).values())
            .collect()
    }

    /// `d_jk`, the metric's difference j - k exactly as `compare` computes it
    /// (from the paired tally), row-major `n_systems x n_systems`.
    pub fn differences(&self, metric: Metric) -> Vec<f64> {
        let s = self.n_systems;
        let totals: Vec<Tally> = (0..s).map(|j| self.total(j)).collect();
        let mut d = vec![0.0; s * s];
        for j in 0..s {
            for k in 0..s {
                let paired = Tally {
                    n: totals[j].n,
                    n_blend: totals[j].n_blend,
                    presence: totals[j].presence - totals[k].presence,
                    salience: totals[j].salience - totals[k].salience,
                };
                d[j * s + k] = paired.values()[metric.column()];
            }
        }
        d
    }

    /// Each system's per-group terms for the metric on `compare`'s scale
    /// (two-thirds power, Bell-McCaffrey weights), row-major `n_systems x
    /// n_groups`, and the degrees of freedom of their t reference (groups -
    /// 1; salience: groups with blend clips - 1). The difference of two
    /// systems' terms is `compare`'s paired term vector.
    pub fn terms(&self, metric: Metric) -> (Vec<f64>, u64) {
        let mut out = Vec::with_capacity(self.tallies.len());
        let mut df = 0.0;
        for j in 0..self.n_systems {
            let terms = scaled_terms(self.row(j), Scale::TwoThirdsPower);
            df = terms.df()[metric.column()];
            out.extend(terms.terms.iter().map(|t| t[metric.column()]));
        }
        (out, df as u64)
    }

    /// `compare`'s test of every ordered pair, row-major `n_systems x
    /// n_systems`, from the norms of the paired terms (`se_scaled`) and the
    /// differences `d`.
    pub fn pair_tests(
        &self,
        metric: Metric,
        d: &[f64],
        se_scaled: &[f64],
        df: u64,
    ) -> Vec<PairedTest> {
        let s = self.n_systems;
        let rates: Vec<f64> = self.scores().iter().map(|x| x[metric.column()]).collect();
        (0..s * s)
            .map(|i| {
                let (j, k) = (i / s, i % s);
                paired_test(rates[j], rates[k], d[i], se_scaled[i], df as f64)
            })
            .collect()
    }
}
