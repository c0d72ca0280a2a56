//! The six emotion codes of the challenge and the bitmask that encodes a set of them.
//!
//! Bit `i` of a mask stands for `EMOTIONS[i]`. Bit 6 marks "some entry named an
//! emotion that is not one of the six": such a set can never equal a label's set,
//! which is exactly how the published scorer treats unknown codes.

pub const EMOTIONS: [&str; 6] = ["ang", "disg", "fea", "hap", "sad", "neu"];
pub const NEUTRAL: usize = 5;
pub const UNKNOWN_BIT: u8 = 1 << 6;
/// Bits 0..5, the known codes.
pub const KNOWN_BITS: u8 = (1 << 6) - 1;

pub fn code_index(code: &str) -> Option<usize> {
    code_of_bytes(code.as_bytes())
}

/// `code_index` on raw bytes. It runs a few times per clip, so the bytes
/// are compared as one integer rather than with `memcmp`.
pub fn code_of_bytes(code: &[u8]) -> Option<usize> {
    const fn word(code: &[u8]) -> u32 {
        let mut bytes = [0u8; 4];
        let mut i = 0;
        while i < code.len() {
            bytes[i] = code[i];
            i += 1;
        }
        u32::from_le_bytes(bytes)
    }
    const WORDS: [u32; 6] = [
        word(b"ang"),
        word(b"disg"),
        word(b"fea"),
        word(b"hap"),
        word(b"sad"),
        word(b"neu"),
    ];
    let w = match *code {
        [a, b, c] => u32::from_le_bytes([a, b, c, 0]),
        [a, b, c, d] => u32::from_le_bytes([a, b, c, d]),
        _ => return None,
    };
    WORDS.iter().position(|&known| known == w)
}

/// The nearest valid code for a misspelt one, for error messages:
/// `happy` -> `hap`, `Disgust` -> `disg`, `nue` -> `neu`.
pub fn suggest(code: &str) -> Option<&'static str> {
    let lower = code.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    // Full words and abbreviations share a prefix with the code.
    if let Some(&hit) = EMOTIONS
        .iter()
        .find(|&&e| lower.starts_with(e) || (lower.len() >= 2 && e.starts_with(&lower)))
    {
        return Some(hit);
    }
    for (word, code) in [
        ("anger", "ang"),
        ("angry", "ang"),
        ("fear", "fea"),
        ("joy", "hap"),
    ] {
        if lower.starts_with(word) {
            return Some(code);
        }
    }
    let (best, distance) = EMOTIONS
        .iter()
        .map(|&e| (e, levenshtein(&lower, e)))
        .min_by_key(|&(_, d)| d)?;
    (distance <= 2).then_some(best)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The codes in a mask, in `EMOTIONS` order (the unknown bit is not a code).
pub fn mask_codes(mask: u8) -> impl Iterator<Item = usize> {
    (0..EMOTIONS.len()).filter(move |i| mask & (1 << i) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes() {
        assert_eq!(code_index("ang"), Some(0));
        assert_eq!(code_index("neu"), Some(NEUTRAL));
        assert_eq!(code_index("Ang"), None);
        for (i, code) in EMOTIONS.iter().enumerate() {
            assert_eq!(code_index(code), Some(i));
        }
    }

    #[test]
    fn suggests_nearest_code() {
        assert_eq!(suggest("happy"), Some("hap"));
        assert_eq!(suggest("Disgust"), Some("disg"));
        assert_eq!(suggest("fear"), Some("fea"));
        assert_eq!(suggest("anger"), Some("ang"));
        assert_eq!(suggest("nue"), Some("neu"));
        assert_eq!(suggest("sadness"), Some("sad"));
        assert_eq!(suggest("xyzzy"), None);
    }

    #[test]
    fn lists_mask_codes() {
        assert_eq!(mask_codes(0b100001).collect::<Vec<_>>(), vec![0, 5]);
        assert_eq!(mask_codes(UNKNOWN_BIT).count(), 0);
    }
}
