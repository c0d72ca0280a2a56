//! One statistic's bootstrap replicates as a histogram: each distinct value
//! with how often it occurs.
//!
//! The statistics are ratios of clip counts, so they take few values: a rate
//! over n clips at most n + 1, however many replicates are drawn. An interval
//! needs only order statistics and counts, which the histogram gives exactly
//! (the same bits as sorting the replicates), so `n_resamples` costs time but
//! not memory unless the replicates themselves are asked for.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::core::error::Result;
use crate::core::memory;

/// Counts per distinct value (keyed by the value's bits), as replicates
/// arrive in any order.
#[derive(Debug, Default)]
pub struct Histogram {
    counts: HashMap<u64, u64, BuildHasherDefault<BitsHasher>>,
}

/// A multiplicative hash of a value's bits: the keys are our own numbers, not
/// an attacker's, so SipHash's protection buys nothing and costs a third of
/// the drawing time.
#[derive(Default)]
struct BitsHasher(u64);

impl Hasher for BitsHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, bits: u64) {
        self.0 = (self.0 ^ bits).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        // The product's high bits are the well-mixed ones; the table indexes
        // by the low bits (ratios' low mantissa bits are often all zero).
        self.0 ^ (self.0 >> 32)
    }
}

impl Histogram {
    /// Adds the runs of a [`Runs`]; `argument` names what sized it, for the
    /// error when memory runs out.
    pub fn add(&mut self, runs: &Runs, argument: &str) -> Result<()> {
        self.add_counts(runs.0.iter().map(|&(v, c)| (v.to_bits(), c)), argument)
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: Histogram, argument: &str) -> Result<()> {
        self.add_counts(other.counts.into_iter(), argument)
    }

    fn add_counts(
        &mut self,
        counts: impl Iterator<Item = (u64, u64)>,
        argument: &str,
    ) -> Result<()> {
        for (bits, count) in counts {
            if self.counts.len() == self.counts.capacity() {
                let more = self.counts.len().max(1024);
                let bytes = more as u128 * 3 * std::mem::size_of::<(u64, u64)>() as u128;
                memory::check(argument, "the replicates' histogram", bytes)?;
                self.counts
                    .try_reserve(more)
                    .map_err(|_| crate::core::error::Error::Memory {
                        argument: argument.into(),
                        what: "the replicates' histogram",
                        bytes,
                    })?;
            }
            *self.counts.entry(bits).or_insert(0) += count;
        }
        Ok(())
    }

    /// The distinct values in ascending order, with cumulative counts.
    pub fn sorted(self, argument: &str) -> Result<Sorted> {
        let mut pairs = Vec::new();
        memory::reserve(
            &mut pairs,
            self.counts.len(),
            argument,
            "the replicates' histogram",
        )?;
        pairs.extend(
            self.counts
                .into_iter()
                .map(|(bits, c)| (f64::from_bits(bits), c)),
        );
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut total = 0;
        let ends = pairs
            .iter()
            .map(|&(_, c)| {
                total += c;
                total
            })
            .collect();
        Ok(Sorted {
            values: pairs.into_iter().map(|(v, _)| v).collect(),
            ends,
        })
    }
}

/// A batch of values as sorted runs `(value, count)`: a few dozen entries
/// for a chunk of a thousand replicates, cheap to add to a [`Histogram`].
#[derive(Debug, Default)]
pub struct Runs(Vec<(f64, u64)>);

impl Runs {
    /// The runs of `values` (reordered in place).
    pub fn of(values: &mut [f64]) -> Runs {
        values.sort_unstable_by(f64::total_cmp);
        let mut runs: Vec<(f64, u64)> = Vec::new();
        for &v in values.iter() {
            match runs.last_mut() {
                Some((last, count)) if last.to_bits() == v.to_bits() => *count += 1,
                _ => runs.push((v, 1)),
            }
        }
        Runs(runs)
    }
}

/// The replicates' distinct values in ascending order (`f64::total_cmp`) and
/// the cumulative count at each: `ends[k]` replicates are `<= values[k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sorted {
    values: Vec<f64>,
    ends: Vec<u64>,
}

impl Sorted {
    /// The histogram of a list of values (for tests and small inputs).
    pub fn of(values: &[f64]) -> Sorted {
        let runs = Runs::of(&mut values.to_vec());
        let mut histogram = Histogram::default();
        histogram.add(&runs, "values").expect("a small histogram");
        histogram.sorted("values").expect("a small histogram")
    }

    /// How many replicates there are.
    pub fn len(&self) -> u64 {
        self.ends.last().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `k`-th smallest replicate (0-based), as sorting them would give.
    pub fn order_statistic(&self, k: u64) -> f64 {
        self.values[self.ends.partition_point(|&end| end <= k)]
    }

    /// The smallest and the largest replicate.
    pub fn range(&self) -> (f64, f64) {
        (self.values[0], self.values[self.values.len() - 1])
    }

    /// Each distinct value with its count, ascending.
    pub fn counts(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        self.values
            .iter()
            .zip(self.ends.iter().zip(starts))
            .map(|(&v, (&end, start))| (v, end - start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_statistics_are_those_of_the_sorted_values() {
        let values = [0.5, 0.25, 0.5, 1.0, 0.25, 0.5, -0.0, 0.0];
        let sorted = Sorted::of(&values);
        let mut plain = values.to_vec();
        plain.sort_by(f64::total_cmp);
        assert_eq!(sorted.len(), 8);
        for (k, want) in plain.iter().enumerate() {
            assert_eq!(sorted.order_statistic(k as u64).to_bits(), want.to_bits());
        }
        assert_eq!(sorted.range(), (-0.0, 1.0));
        let counts: Vec<_> = sorted.counts().collect();
        assert_eq!(
            counts,
            vec![(-0.0, 1), (0.0, 1), (0.25, 2), (0.5, 3), (1.0, 1)]
        );
    }

    #[test]
    fn batches_add_up_in_any_order() {
        let mut one = Histogram::default();
        let mut two = Histogram::default();
        let ra = Runs::of(&mut [0.1, 0.2, 0.1]);
        let rb = Runs::of(&mut [0.3, 0.1]);
        one.add(&ra, "x").unwrap();
        one.add(&rb, "x").unwrap();
        let mut part = Histogram::default();
        part.add(&ra, "x").unwrap();
        two.add(&rb, "x").unwrap();
        two.merge(part, "x").unwrap();
        let one = one.sorted("x").unwrap();
        assert_eq!(one, two.sorted("x").unwrap());
        assert_eq!(one, Sorted::of(&[0.1, 0.2, 0.1, 0.3, 0.1]));
    }
}
