//! Clip names given twice, found without keeping the names: each name's
//! 64-bit hash is kept (8 bytes a clip), in buckets by its top bits so that
//! each bucket sorts in the cache. A repeated name always repeats its hash;
//! a repeated hash is a repeated name but for about one file in 10^10 of a
//! million clips, a false alarm that the caller's exact reader settles.

use std::collections::HashSet;

/// log2 of the number of buckets.
const BITS: u32 = 11;

/// The hashes of the names seen.
pub struct NameHashes {
    buckets: Vec<Vec<u64>>,
}

impl Default for NameHashes {
    fn default() -> Self {
        NameHashes {
            buckets: vec![Vec::new(); 1 << BITS],
        }
    }
}

impl NameHashes {
    pub fn add(&mut self, name: &[u8]) {
        let h = hash(name);
        self.buckets[(h >> (64 - BITS)) as usize].push(h);
    }

    /// The hashes seen more than once.
    pub fn repeated(&mut self) -> HashSet<u64> {
        let mut repeated = HashSet::new();
        for bucket in &mut self.buckets {
            bucket.sort_unstable();
            repeated.extend(bucket.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]));
        }
        repeated
    }

    pub fn clear(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
    }
}

/// A name's hash: a multiply-rotate over eight bytes at a time and
/// murmur3's final mix. It need only be fast and well spread.
pub fn hash(name: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let mut chunks = name.chunks_exact(8);
    let mut h = name.len() as u64;
    for chunk in &mut chunks {
        h = step(
            h,
            u64::from_le_bytes(chunk.try_into().expect("eight bytes")),
        );
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = step(h, u64::from_le_bytes(last));
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_repeated_names_are_suspects() {
        let mut hashes = NameHashes::default();
        for i in 0..100_000 {
            hashes.add(format!("A{i}_ang_int1_ver1").as_bytes());
        }
        assert!(hashes.repeated().is_empty());
        hashes.add(b"A7_ang_int1_ver1");
        assert_eq!(
            hashes.repeated(),
            HashSet::from([hash(b"A7_ang_int1_ver1")])
        );
        hashes.clear();
        assert!(hashes.repeated().is_empty());
        // Names differing only past eight bytes, or by length, hash apart.
        assert_ne!(hash(b"12345678a"), hash(b"12345678b"));
        assert_ne!(hash(b"a"), hash(b"a\0"));
    }
}
