//! The bootstrap over outcome cells, at a cost that does not grow with the
//! number of clips.
//!
//! Both metrics are ratios of counts, so a resample is summed up by a few
//! integers (a [`Tally`]). The resampled units are clips or clusters of clips
//! (actors); units that tally the same are interchangeable, so a population
//! is a handful of distinct tallies with multiplicities:
//!
//! - clips: at most 5 kinds for one system (the outcome cells) and 10 for a
//!   pair (the 13 joint cells, merged where A and B differ alike);
//! - clusters: one tally per cluster, merged when equal.
//!
//! Drawing `K` units with replacement is a multinomial draw over the kinds,
//! done as a chain of binomials whose cost depends on the number of kinds,
//! not on `K`. When there are nearly as many kinds as units (58 actors) it is
//! cheaper to draw the `K` indices one by one; both give the same distribution
//! as drawing clips by index.
//!
//! Replicates are made in chunks of [`CHUNK`]. Chunk `c` draws from a
//! xoshiro256++ generator whose 256-bit state is the first block of ChaCha8
//! stream `c` under the seed: independent streams, and a result that is
//! bit-identical whatever the number of threads. (ChaCha8 alone would do, but
//! xoshiro is several times faster without SIMD, and the binomial sampler
//! consumes many numbers.)

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::cancel::Cancel;
use crate::core::error::{check_len, domain, py_float, Error, Result};
use crate::core::memory;
use crate::core::parallel;
use crate::core::score::{is_blend_cell, is_presence_right, is_salience_right, N_CELLS};
use crate::core::stats::binomial::Binomial;
use crate::core::stats::histogram::{Histogram, Runs};
use crate::core::stats::interval::{self, Method};

/// Replicates per RNG stream. Part of the reproducibility contract: changing
/// it changes the replicates a seed gives.
pub const CHUNK: usize = 1024;

/// A binomial draw costs about this many single index draws; the multinomial
/// path is taken when kinds * this < units.
const BINOMIAL_COST: u64 = 20;

/// Replicates drawn side by side (see `Population::draw`).
const LANES: usize = 4;

/// Exact p-value arithmetic in i128 holds up to this many clips.
pub const MAX_CLIPS: usize = 1_000_000_000;

/// What a set of clips contributes to both metrics: clip and blend counts,
/// and the presence and salience hits of one system or, in a paired
/// comparison, A's hits minus B's. The difference is all a comparison needs,
/// and it merges joint cells: 13 joint cells become 10 kinds of clip.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tally {
    pub n: u64,
    pub n_blend: u64,
    pub presence: i64,
    pub salience: i64,
}

impl Tally {
    /// One clip whose outcome cells are `a` and (in a pair) `b`.
    fn clip(a: u8, b: Option<u8>) -> Tally {
        let presence = |c: u8| i64::from(is_presence_right(c));
        let salience = |c: u8| i64::from(is_salience_right(c));
        Tally {
            n: 1,
            n_blend: u64::from(is_blend_cell(a)),
            presence: presence(a) - b.map_or(0, presence),
            salience: salience(a) - b.map_or(0, salience),
        }
    }

    fn add(&mut self, other: &Tally, times: u64) {
        self.n += times * other.n;
        self.n_blend += times * other.n_blend;
        // Counts stay below MAX_CLIPS, far inside i64.
        self.presence += times as i64 * other.presence;
        self.salience += times as i64 * other.salience;
    }

    /// A tally from its four counts, for tests.
    #[cfg(test)]
    pub const fn of(n: u64, n_blend: u64, presence: i64, salience: i64) -> Tally {
        Tally {
            n,
            n_blend,
            presence,
            salience,
        }
    }

    /// The tally of all `groups` together.
    pub fn sum(groups: &[Tally]) -> Tally {
        let mut total = Tally::default();
        for t in groups {
            total.add(t, 1);
        }
        total
    }

    pub fn minus(&self, other: &Tally) -> Tally {
        Tally {
            n: self.n - other.n,
            n_blend: self.n_blend - other.n_blend,
            presence: self.presence - other.presence,
            salience: self.salience - other.salience,
        }
    }

    /// Presence, salience (0.0 without blends, as the published total) and
    /// their mean, as `Score` computes them; for a pair, each is A's minus
    /// B's, rounded once from the exact difference.
    pub fn values(&self) -> [f64; 3] {
        let ratio = |hits: i64, n: u64| if n == 0 { 0.0 } else { hits as f64 / n as f64 };
        let presence = ratio(self.presence, self.n);
        let salience = ratio(self.salience, self.n_blend);
        [presence, salience, (presence + salience) / 2.0]
    }

    /// The three values as exact fractions `(numerator, denominator)` with
    /// positive denominators, for tie-exact p-values.
    fn fractions(&self) -> [(i128, i128); 3] {
        let n = i128::from(self.n.max(1));
        let nb = i128::from(self.n_blend);
        let dp = i128::from(self.presence);
        let ds = i128::from(self.salience);
        if nb == 0 {
            return [(dp, n), (0, 1), (dp, 2 * n)];
        }
        [(dp, n), (ds, nb), (dp * nb + ds * n, 2 * n * nb)]
    }
}

/// Per-unit tallies: one per clip, or one per cluster when `groups` gives
/// each clip's cluster id. `outcomes_b` makes the tallies paired.
pub fn tallies(
    outcomes_a: &[u8],
    outcomes_b: Option<&[u8]>,
    groups: Option<&[i64]>,
) -> Result<Vec<(Tally, u64)>> {
    check_inputs(outcomes_a, outcomes_b, groups)?;
    let mut per_cell = [0u64; N_CELLS * N_CELLS];
    let mut per_group = std::collections::HashMap::<i64, Tally>::new();
    for i in 0..outcomes_a.len() {
        let (a, b) = clip_cells(outcomes_a, outcomes_b, i)?;
        match groups {
            None => per_cell[usize::from(a) * N_CELLS + usize::from(b.unwrap_or(0))] += 1,
            Some(g) => per_group
                .entry(g[i])
                .or_default()
                .add(&Tally::clip(a, b), 1),
        }
    }
    Ok(match groups {
        None => (0..N_CELLS * N_CELLS)
            .filter(|&k| per_cell[k] > 0)
            .map(|k| {
                let b = outcomes_b.map(|_| (k % N_CELLS) as u8);
                (Tally::clip((k / N_CELLS) as u8, b), per_cell[k])
            })
            .collect(),
        Some(_) => per_group.into_values().map(|t| (t, 1)).collect(),
    })
}

/// Each group's tallies of the two systems of a pair, side by side: `(A's,
/// B's)`, one entry per group id, in no particular order.
pub fn paired_group_tallies(
    outcomes_a: &[u8],
    outcomes_b: &[u8],
    groups: &[i64],
) -> Result<Vec<(Tally, Tally)>> {
    check_inputs(outcomes_a, Some(outcomes_b), Some(groups))?;
    let mut per_group = std::collections::HashMap::<i64, (Tally, Tally)>::new();
    for (i, &g) in groups.iter().enumerate() {
        let (a, b) = clip_cells(outcomes_a, Some(outcomes_b), i)?;
        let pair = per_group.entry(g).or_default();
        pair.0.add(&Tally::clip(a, None), 1);
        pair.1.add(&Tally::clip(b.expect("paired"), None), 1);
    }
    Ok(per_group.into_values().collect())
}

fn check_inputs(
    outcomes_a: &[u8],
    outcomes_b: Option<&[u8]>,
    groups: Option<&[i64]>,
) -> Result<()> {
    let n = outcomes_a.len();
    if n == 0 {
        return Err(value("preds", "there are no clips to resample".into()));
    }
    if n > MAX_CLIPS {
        return Err(value(
            "preds",
            format!("at most {MAX_CLIPS} clips; got {n}"),
        ));
    }
    if let Some(b) = outcomes_b {
        check_len("outcomes_b", n, b.len())?;
    }
    if let Some(g) = groups {
        check_len("cluster", n, g.len())?;
    }
    Ok(())
}

/// Clip `i`'s outcome cells, checked: known cells, and a blend for both
/// systems or for neither.
fn clip_cells(outcomes_a: &[u8], outcomes_b: Option<&[u8]>, i: usize) -> Result<(u8, Option<u8>)> {
    let a = outcomes_a[i];
    let b = outcomes_b.map(|b| b[i]);
    for c in std::iter::once(a).chain(b) {
        if usize::from(c) >= N_CELLS {
            return Err(value(
                "outcomes",
                format!("clip {i} has cell {c}; cells are 0-4"),
            ));
        }
    }
    if b.is_some_and(|b| is_blend_cell(b) != is_blend_cell(a)) {
        return Err(value(
            "preds_b",
            format!("clip {i} is a blend for one system and not the other: the two were scored against different labels"),
        ));
    }
    Ok((a, b))
}

fn value(argument: &'static str, message: String) -> Error {
    Error::Value { argument, message }
}

/// The units a replicate draws from: distinct tallies with multiplicities.
pub struct Population {
    kinds: Vec<Tally>,
    weights: Vec<u64>,
    size: u64,
    total: Tally,
    /// Kind k's share of the units not yet assigned to kinds 0..k: the
    /// binomial of each link of the multinomial chain.
    chain: Vec<Binomial>,
    /// Every unit spelt out, when drawing indices beats the binomial chain.
    units: Option<Vec<Tally>>,
}

impl Population {
    pub fn new(mut tallies: Vec<(Tally, u64)>) -> Population {
        // Sorted kinds make the result independent of clip and cluster order.
        tallies.sort_unstable();
        let mut kinds: Vec<Tally> = Vec::new();
        let mut weights: Vec<u64> = Vec::new();
        for (tally, weight) in tallies.into_iter().filter(|&(_, w)| w > 0) {
            if kinds.last() == Some(&tally) {
                *weights.last_mut().expect("weights follow kinds") += weight;
            } else {
                kinds.push(tally);
                weights.push(weight);
            }
        }
        let size: u64 = weights.iter().sum();
        let mut total = Tally::default();
        for (kind, &w) in kinds.iter().zip(&weights) {
            total.add(kind, w);
        }
        let mut rest = size;
        let chain = weights
            .iter()
            .map(|&w| {
                let link = Binomial::new(w as f64 / rest as f64);
                rest -= w;
                link
            })
            .collect();
        let units = (kinds.len() as u64 * BINOMIAL_COST >= size).then(|| {
            kinds
                .iter()
                .zip(&weights)
                .flat_map(|(&kind, &w)| std::iter::repeat_n(kind, w as usize))
                .collect()
        });
        Population {
            kinds,
            weights,
            size,
            total,
            chain,
            units,
        }
    }

    /// How many units a replicate draws (clips or clusters).
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn total(&self) -> Tally {
        self.total
    }

    /// Resamples, one per lane: `size` units drawn with replacement, summed.
    fn draw(&self, rng: &mut Xoshiro256PlusPlus, lanes: &mut [Tally]) {
        lanes.fill(Tally::default());
        if let Some(units) = &self.units {
            for sum in lanes.iter_mut() {
                for _ in 0..units.len() {
                    sum.add(&units[rng.random_range(0..units.len())], 1);
                }
            }
            return;
        }
        // Multinomial as a chain of binomials: kind k takes Bin(left, w_k / rest_k)
        // of the units left; the last kind's share is 1, so it takes them all.
        // The lanes' chains are independent: walking them side by side lets
        // the processor overlap their long-latency steps (sqrt, division).
        let mut left = [self.size; LANES];
        for (kind, link) in self.kinds.iter().zip(&self.chain) {
            for (sum, left) in lanes.iter_mut().zip(left.iter_mut()) {
                let taken = link.sample(rng, *left);
                sum.add(kind, taken);
                *left -= taken;
            }
        }
    }

    /// Leave-one-unit-out values of statistic `j`, with their multiplicities.
    fn jackknife(&self, j: usize) -> Vec<(f64, u64)> {
        self.kinds
            .iter()
            .zip(&self.weights)
            .map(|(kind, &w)| (self.total.minus(kind).values()[j], w))
            .collect()
    }
}

/// What to compute.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub n_resamples: usize,
    pub confidence: f64,
    pub method: Method,
    pub seed: u64,
    /// Paired comparison: statistics are A - B and get p-values.
    pub paired: bool,
    /// Whether to keep every replicate (`Summary::distribution`); the
    /// intervals alone need memory for distinct values only.
    pub keep_distribution: bool,
}

/// The three statistics (presence, salience, mean) and their intervals.
#[derive(Clone, Debug)]
pub struct Summary {
    pub estimate: [f64; 3],
    pub low: [f64; 3],
    pub high: [f64; 3],
    pub se: [f64; 3],
    /// Two-sided p-values against "no difference" (paired only).
    pub p_value: Option<[f64; 3]>,
    /// The t degrees of freedom of an analytic method (None when resampled).
    pub df: Option<[f64; 3]>,
    /// Things the caller should warn about (a BCa fallback, a NaN se).
    pub messages: Vec<String>,
    /// The replicates, row-major `(n_resamples, 3)`, when kept (else empty).
    pub distribution: Vec<f64>,
}

pub const STATISTICS: [&str; 3] = ["presence", "salience", "mean"];

pub fn check(options: &Options) -> Result<()> {
    if !options.method.resamples() {
        return Err(domain(
            "method",
            format!(
                "'{}' draws no replicates; the bootstrap methods are 'percentile', 'basic' and 'bca'",
                options.method.name()
            ),
        ));
    }
    check_n_resamples(options.n_resamples as i64)?;
    check_confidence(options.confidence)
}

pub fn check_n_resamples(n: i64) -> Result<()> {
    if n < 1 {
        return Err(domain(
            "n_resamples",
            format!("must be at least 1; got {n}"),
        ));
    }
    Ok(())
}

/// A level strictly between 0 and 1; 95 reads as a percentage and gets a hint.
pub fn check_confidence(c: f64) -> Result<()> {
    if c > 0.0 && c < 1.0 {
        return Ok(());
    }
    let hint = if (50.0..100.0).contains(&c) {
        format!(" (did you mean {}?)", py_float(c / 100.0))
    } else {
        String::new()
    };
    Err(domain(
        "confidence",
        format!(
            "must be strictly between 0 and 1; got {}{hint}",
            py_float(c)
        ),
    ))
}

/// Chunks drawn by one task: enough replicates (16k) that merging the task's
/// histograms costs little, few enough that cancelling takes effect soon.
const TASK_CHUNKS: usize = 16;

/// Draws the replicates and reads the intervals off their histograms; the
/// replicates themselves are kept only when `options.keep_distribution`
/// asks for them. Stops with [`Error::Cancelled`] once `cancel` is set.
pub fn run(population: &Population, options: &Options, cancel: &Cancel) -> Result<Summary> {
    check(options)?;
    let b = options.n_resamples;
    let argument = format!("n_resamples={b}");
    let total = population.total();
    let estimate = total.values();
    let mut distribution = if options.keep_distribution {
        memory::vec_of(&argument, "the replicates", b.saturating_mul(3), 0.0)?
    } else {
        Vec::new()
    };
    let observed = total.fractions();
    let n_chunks = b.div_ceil(CHUNK);
    let n_tasks = n_chunks.div_ceil(TASK_CHUNKS);
    // Tasks run in batches, so that only a batch's histograms wait to be merged.
    let batch = 4 * parallel::threads();
    let mut histograms: [Histogram; 3] = Default::default();
    let mut extreme = [0u64; 3];
    for first in (0..n_tasks).step_by(batch) {
        cancel.check()?;
        let tasks = parallel::map(batch.min(n_tasks - first), |k| {
            let task = first + k;
            let chunks = task * TASK_CHUNKS..((task + 1) * TASK_CHUNKS).min(n_chunks);
            draw_chunks(population, options, chunks, &observed, &argument, cancel)
        });
        for (k, task) in tasks.into_iter().enumerate() {
            let task = task?;
            // Integer counts add up the same in any order.
            for (j, histogram) in task.histograms.into_iter().enumerate() {
                extreme[j] += task.hits[j];
                histograms[j].merge(histogram, &argument)?;
            }
            if options.keep_distribution {
                let at = (first + k) * TASK_CHUNKS * CHUNK * 3;
                distribution[at..at + task.values.len()].copy_from_slice(&task.values);
            }
        }
    }
    let [p, s, m] = histograms;
    let sorted = [
        p.sorted(&argument)?,
        s.sorted(&argument)?,
        m.sorted(&argument)?,
    ];

    let columns = parallel::map(3, |j| {
        let se = interval::standard_error(&sorted[j]);
        let acceleration = (options.method == Method::Bca)
            .then(|| interval::acceleration(&population.jackknife(j)))
            .flatten();
        let (low, high, note) = interval::bounds(
            &sorted[j],
            estimate[j],
            options.confidence,
            options.method,
            acceleration,
        );
        (low, high, se, note)
    });

    let mut messages = Vec::new();
    for (j, &(_, _, _, note)) in columns.iter().enumerate() {
        if let Some(reason) = note {
            messages.push(format!(
                "the BCa interval of {} is undefined ({reason}); the percentile interval is given instead",
                STATISTICS[j]
            ));
        }
    }
    if b < 2 {
        messages.push("the standard error needs at least 2 resamples; it is NaN".into());
    }
    Ok(Summary {
        estimate,
        low: [0, 1, 2].map(|j| columns[j].0),
        high: [0, 1, 2].map(|j| columns[j].1),
        se: [0, 1, 2].map(|j| columns[j].2),
        p_value: options
            .paired
            .then(|| extreme.map(|c| (c + 1) as f64 / (b + 1) as f64)),
        df: None,
        messages,
        distribution,
    })
}

/// What one task drew: p-value hits, a histogram per statistic, and the
/// replicates row-major when they are kept.
#[derive(Default)]
struct Drawn {
    hits: [u64; 3],
    histograms: [Histogram; 3],
    values: Vec<f64>,
}

/// The replicates of a run of chunks, each chunk from its own generator.
fn draw_chunks(
    population: &Population,
    options: &Options,
    chunks: std::ops::Range<usize>,
    observed: &[(i128, i128); 3],
    argument: &str,
    cancel: &Cancel,
) -> Result<Drawn> {
    let mut drawn = Drawn::default();
    let mut rows = vec![0.0; 3 * CHUNK];
    let mut column = vec![0.0; CHUNK];
    for chunk in chunks {
        cancel.check()?;
        let n_rows = CHUNK.min(options.n_resamples - chunk * CHUNK);
        let rows = &mut rows[..3 * n_rows];
        let hits = draw_chunk(population, options, chunk, observed, rows);
        for j in 0..3 {
            drawn.hits[j] += hits[j];
            let column = &mut column[..n_rows];
            for (x, row) in column.iter_mut().zip(rows.chunks_exact(3)) {
                *x = row[j];
            }
            drawn.histograms[j].add(&Runs::of(column), argument)?;
        }
        if options.keep_distribution {
            drawn.values.extend_from_slice(rows);
        }
    }
    Ok(drawn)
}

/// Chunk `chunk`'s replicates, row-major into `out`, and how many of them
/// are extreme for each statistic's p-value (paired only).
fn draw_chunk(
    population: &Population,
    options: &Options,
    chunk: usize,
    observed: &[(i128, i128); 3],
    out: &mut [f64],
) -> [u64; 3] {
    let mut rng = chunk_rng(options.seed, chunk as u64);
    let mut hits = [0u64; 3];
    let mut tallies = [Tally::default(); LANES];
    for rows in out.chunks_mut(3 * LANES) {
        let lanes = &mut tallies[..rows.len() / 3];
        population.draw(&mut rng, lanes);
        for (row, tally) in rows.chunks_exact_mut(3).zip(lanes.iter()) {
            row.copy_from_slice(&tally.values());
            if options.paired {
                for (j, d) in tally.fractions().into_iter().enumerate() {
                    hits[j] += u64::from(is_extreme(d, observed[j]));
                }
            }
        }
    }
    hits
}

/// The generator of one chunk of replicates.
pub(crate) fn chunk_rng(seed: u64, chunk: u64) -> Xoshiro256PlusPlus {
    let mut stream = ChaCha8Rng::seed_from_u64(seed);
    stream.set_stream(chunk);
    let mut state = [0u8; 32];
    stream.fill_bytes(&mut state);
    Xoshiro256PlusPlus::from_seed(state)
}

/// Whether a replicate difference `d` is at least as far from the observed
/// `hat` as `hat` is from zero: |d - hat| >= |hat|, the replicates shifted
/// to centre on zero under "no difference". For hat > 0 that is d <= 0 or
/// d >= 2 hat; compared in exact integer arithmetic so lattice ties count.
fn is_extreme(d: (i128, i128), hat: (i128, i128)) -> bool {
    let sign = hat.0.signum();
    if sign == 0 {
        return true;
    }
    let toward = sign * d.0;
    toward <= 0 || toward * hat.1 >= 2 * hat.0.abs() * d.1
}

#[cfg(test)]
#[path = "bootstrap_tests.rs"]
mod tests;
