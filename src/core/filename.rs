//! Labels read from clip names, in the dataset's naming scheme:
//! `A102_ang_int1_ver1`, `A303_neu_sit2_ver1`, `A411_mix_ang_hap_30_70_ver1`,
//! optionally followed by a file extension such as `.mp4`.

use crate::core::emotions::{code_index, code_of_bytes, EMOTIONS, NEUTRAL};
use crate::core::encoding::EncodedClip;

pub const EXPECTED_SHAPES: &str = "expected <actor>_<emotion>_int<k>_ver<v> (A102_ang_int1_ver1), \
<actor>_neu_sit<k>_ver<v> (A303_neu_sit2_ver1) or \
<actor>_mix_<emotion1>_<emotion2>_<salience1>_<salience2>_ver<v> (A411_mix_ang_hap_30_70_ver1), \
optionally with a file extension";

/// One parsed clip name. A single emotion has one code and a salience of 100;
/// a blend has two, the first salience belonging to the first emotion.
/// (Fixed-size fields: parsing allocates nothing, as it runs once per clip.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipName<'a> {
    pub actor: &'a str,
    codes: [usize; 2],
    percents: [u32; 2],
    blend: bool,
    pub intensity: Option<u32>,
    pub situation: Option<u32>,
    pub version: u32,
}

impl ClipName<'_> {
    pub fn is_blend(&self) -> bool {
        self.blend
    }

    /// The emotion codes, in the order of the name.
    pub fn emotions(&self) -> &[usize] {
        &self.codes[..1 + usize::from(self.blend)]
    }

    /// The saliences in percent, paired with `emotions()`.
    pub fn saliences(&self) -> &[u32] {
        &self.percents[..1 + usize::from(self.blend)]
    }

    /// The label the name carries, encoded. (A blend's saliences add up to
    /// 100, so each fits a byte.)
    pub fn label(&self) -> EncodedClip {
        let [a, b] = self.codes;
        if self.blend {
            EncodedClip::blend([a, b], self.percents.map(|p| p as u8))
        } else {
            EncodedClip::single(a)
        }
    }
}

/// Parses a clip name; the error says what is wrong, without the name itself.
///
/// Two readers share the work: `scan` decides, in one pass over the bytes
/// (it runs once per clip, so it is kept lean), and only when it rejects a
/// name does `explain` re-read it part by part to say why. A test checks
/// that both accept exactly the same names.
pub fn parse(name: &str) -> Result<ClipName<'_>, String> {
    scan(name).ok_or_else(|| match explain(name) {
        Err(why) => why,
        Ok(_) => "it does not follow the naming scheme".to_string(),
    })
}

/// The accepting half of `parse`: a byte cursor with no error reporting.
/// It runs once per clip, so it reads each byte once, with plain index
/// loops.
fn scan(name: &str) -> Option<ClipName<'_>> {
    let bytes = name.as_bytes();
    let stem = &bytes[..stem_len(bytes)];
    let mut actor_len = 0;
    while actor_len < stem.len() && stem[actor_len].is_ascii_alphanumeric() {
        actor_len += 1;
    }
    if actor_len == 0 || stem.get(actor_len) != Some(&b'_') {
        return None;
    }
    let actor = &name[..actor_len];
    let mut at = Cursor {
        bytes: stem,
        i: actor_len + 1,
    };
    if at.literal(b"mix_") {
        let first = at.code()?;
        let second = at.code()?;
        let s1 = at.number(Some(b'_'))?;
        let s2 = at.number(Some(b'_'))?;
        let version = at.literal(b"ver").then(|| at.number(None))??;
        let valid = first != second && first != NEUTRAL && second != NEUTRAL && s1 + s2 == 100;
        return valid.then_some(ClipName {
            actor,
            codes: [first, second],
            percents: [s1, s2],
            blend: true,
            intensity: None,
            situation: None,
            version,
        });
    }
    let code = at.code()?;
    let neutral = code == NEUTRAL;
    let level = at
        .literal(if neutral { b"sit" } else { b"int" })
        .then(|| at.number(Some(b'_')))??;
    let version = at.literal(b"ver").then(|| at.number(None))??;
    Some(ClipName {
        actor,
        codes: [code, code],
        percents: [100, 100],
        blend: false,
        intensity: (!neutral).then_some(level),
        situation: neutral.then_some(level),
        version,
    })
}

/// The length of `name` without a file extension (a final '.' and 1-5
/// letters or digits).
fn stem_len(bytes: &[u8]) -> usize {
    match bytes.iter().rposition(|&b| b == b'.' || b == b'_') {
        Some(dot)
            if bytes[dot] == b'.'
                && (2..=6).contains(&(bytes.len() - dot))
                && bytes[dot + 1..].iter().all(u8::is_ascii_alphanumeric) =>
        {
            dot
        }
        _ => bytes.len(),
    }
}

/// A position in a clip name's stem.
struct Cursor<'a> {
    bytes: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// Steps over `literal` if it comes next.
    fn literal(&mut self, literal: &[u8]) -> bool {
        let found = self.bytes[self.i..].starts_with(literal);
        if found {
            self.i += literal.len();
        }
        found
    }

    /// An emotion code (three or four letters) and the '_' after it.
    fn code(&mut self) -> Option<usize> {
        let rest = &self.bytes[self.i..];
        let len = match (rest.get(3), rest.get(4)) {
            (Some(b'_'), _) => 3,
            (_, Some(b'_')) => 4,
            _ => return None,
        };
        let code = code_of_bytes(&rest[..len])?;
        self.i += len + 1;
        Some(code)
    }

    /// A number of 1-6 digits, then `end` (None: the end of the stem).
    fn number(&mut self, end: Option<u8>) -> Option<u32> {
        let (start, mut value) = (self.i, 0u32);
        while let Some(&b) = self.bytes.get(self.i).filter(|b| b.is_ascii_digit()) {
            value = value * 10 + u32::from(b - b'0');
            self.i += 1;
            if self.i - start > 6 {
                return None;
            }
        }
        if self.i == start || self.bytes.get(self.i).copied() != end {
            return None;
        }
        self.i += usize::from(end.is_some());
        Some(value)
    }
}

/// The explaining half of `parse`: part by part, with a message for the
/// first thing that is wrong.
fn explain(name: &str) -> Result<ClipName<'_>, String> {
    let (parts, count) = split_name(name).ok_or_else(|| {
        format!(
            "{} parts separated by '_', at most 7 expected",
            name.split('_').count()
        )
    })?;
    let parts = &parts[..count];
    let actor = parts[0];
    if actor.is_empty() || !actor.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("the actor id '{actor}' is not alphanumeric"));
    }
    if parts.get(1) == Some(&"mix") {
        parse_blend(actor, parts)
    } else {
        parse_single(actor, parts)
    }
}

/// Splits a name on '_' into at most 7 parts, dropping a file extension
/// (a final '.' followed by 1-5 letters or digits), without allocating.
/// This runs once per clip, so the underscores are found eight bytes at a
/// time (SWAR) rather than byte by byte.
fn split_name(name: &str) -> Option<([&str; 7], usize)> {
    let bytes = name.as_bytes();
    let (mut cuts, mut count) = ([0usize; 6], 0);
    for (chunk_index, chunk) in bytes.chunks(8).enumerate() {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        let mut hits = underscores(u64::from_le_bytes(word));
        while hits != 0 {
            *cuts.get_mut(count)? = chunk_index * 8 + (hits.trailing_zeros() / 8) as usize;
            count += 1;
            hits &= hits - 1;
        }
    }
    let last = cuts[..count].last().map_or(0, |&cut| cut + 1);
    let end = match bytes[last..].iter().rposition(|&b| b == b'.') {
        Some(dot) if (2..=6).contains(&(bytes.len() - last - dot)) => {
            let ext = &bytes[last + dot + 1..];
            if ext.iter().all(u8::is_ascii_alphanumeric) {
                last + dot
            } else {
                bytes.len()
            }
        }
        _ => bytes.len(),
    };
    let mut parts = [""; 7];
    let mut start = 0;
    for (part, &cut) in parts.iter_mut().zip(&cuts[..count]) {
        *part = name.get(start..cut)?;
        start = cut + 1;
    }
    parts[count] = name.get(start..end)?;
    Some((parts, count + 1))
}

/// The high bit of every byte of `word` that is b'_' (an exact test: no
/// false positives from borrows between bytes).
fn underscores(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ 0x5f5f_5f5f_5f5f_5f5f; // zero where the byte is '_'
    !(((x & LOW7) + LOW7) | x | LOW7)
}

fn parse_single<'a>(actor: &'a str, parts: &[&str]) -> Result<ClipName<'a>, String> {
    if parts.len() != 4 {
        return Err(format!(
            "{} parts separated by '_', a single emotion has 4",
            parts.len()
        ));
    }
    let emotion = known_code(parts[1])?;
    let (intensity, situation) = if emotion == NEUTRAL {
        (None, Some(numbered(parts[2], "sit")?))
    } else {
        (Some(numbered(parts[2], "int")?), None)
    };
    Ok(ClipName {
        actor,
        codes: [emotion, emotion],
        percents: [100, 100],
        blend: false,
        intensity,
        situation,
        version: numbered(parts[3], "ver")?,
    })
}

fn parse_blend<'a>(actor: &'a str, parts: &[&str]) -> Result<ClipName<'a>, String> {
    if parts.len() != 7 {
        return Err(format!(
            "{} parts separated by '_', a blend has 7",
            parts.len()
        ));
    }
    let first = known_code(parts[2])?;
    let second = known_code(parts[3])?;
    if first == second || first == NEUTRAL || second == NEUTRAL {
        return Err(format!(
            "a blend pairs two different non-neutral emotions, not '{}' and '{}'",
            parts[2], parts[3]
        ));
    }
    let saliences = [salience(parts[4])?, salience(parts[5])?];
    if saliences[0] + saliences[1] != 100 {
        return Err(format!(
            "blend saliences {}/{} do not add up to 100",
            saliences[0], saliences[1]
        ));
    }
    Ok(ClipName {
        actor,
        codes: [first, second],
        percents: saliences,
        blend: true,
        intensity: None,
        situation: None,
        version: numbered(parts[6], "ver")?,
    })
}

fn known_code(code: &str) -> Result<usize, String> {
    code_index(code).ok_or_else(|| {
        format!(
            "'{code}' is not an emotion code (one of {})",
            EMOTIONS.join(", ")
        )
    })
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 6 {
        return None;
    }
    text.bytes().try_fold(0u32, |value, b| {
        b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0'))
    })
}

fn numbered(part: &str, prefix: &str) -> Result<u32, String> {
    part.strip_prefix(prefix)
        .and_then(digits)
        .ok_or_else(|| format!("'{part}' should be '{prefix}' followed by a number"))
}

fn salience(part: &str) -> Result<u32, String> {
    digits(part).ok_or_else(|| format!("blend salience '{part}' is not a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_encoded_labels() {
        let blend = parse("A411_mix_hap_ang_70_30_ver1").unwrap().label();
        assert_eq!(blend, EncodedClip::blend([0, 3], [30, 70]));
        let single = parse("A303_neu_sit2_ver1").unwrap().label();
        assert_eq!(single, EncodedClip::single(NEUTRAL));
    }

    #[test]
    fn parses_the_three_shapes() {
        let single = parse("A102_ang_int1_ver1").unwrap();
        assert_eq!((single.actor, single.emotions()), ("A102", &[0][..]));
        assert_eq!(
            (single.intensity, single.situation, single.version),
            (Some(1), None, 1)
        );

        let neutral = parse("A303_neu_sit2_ver1.mp4").unwrap();
        assert_eq!(
            (neutral.emotions(), neutral.situation),
            (&[NEUTRAL][..], Some(2))
        );

        let long = parse("A100000000000000000000102_fea_int4_ver12.wav").unwrap();
        assert_eq!(
            (long.actor, long.version),
            ("A100000000000000000000102", 12)
        );

        let blend = parse("A411_mix_ang_hap_30_70_ver1.mov").unwrap();
        assert_eq!(blend.emotions(), &[0, 3]);
        assert_eq!(blend.saliences(), &[30, 70]);
        assert!(blend.is_blend());
    }

    #[test]
    fn finds_underscores_exactly() {
        for text in ["________", "_^_^_^_^", "a_b^c`d_", "\x01_\x00_\x7f_\u{80}"] {
            let mut word = [0u8; 8];
            word[..text.len().min(8)].copy_from_slice(&text.as_bytes()[..text.len().min(8)]);
            let hits = underscores(u64::from_le_bytes(word));
            let expected: u64 = (0..8)
                .filter(|&i| word[i] == b'_')
                .map(|i| 0x80 << (8 * i))
                .sum();
            assert_eq!(hits, expected, "{text:?}");
        }
    }

    #[test]
    fn scan_and_explain_accept_the_same_names() {
        // Valid names, mutated a character at a time from an alphabet of the
        // characters that matter, must get the same verdict from both readers.
        let seeds = [
            "A102_ang_int1_ver1",
            "A303_neu_sit2_ver1.mp4",
            "A411_mix_ang_hap_30_70_ver1",
            "A5_mix_sad_disg_50_50_ver12.mov",
            "A1_fea_int123456_ver1",
        ];
        let alphabet = b"_.0123456789Aamixngtverisuhpdfeo7";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut accepted = 0;
        for round in 0..200_000 {
            let mut name = seeds[round % seeds.len()].as_bytes().to_vec();
            for _ in 0..1 + random(3) {
                let at = random(name.len() + 1);
                let byte = alphabet[random(alphabet.len())];
                match random(3) {
                    0 if at < name.len() => name[at] = byte,
                    1 => name.insert(at, byte),
                    _ if at < name.len() => {
                        name.remove(at);
                    }
                    _ => {}
                }
            }
            let name = String::from_utf8(name).unwrap();
            let (fast, slow) = (scan(&name), explain(&name));
            assert_eq!(fast.as_ref(), slow.as_ref().ok(), "{name}");
            accepted += usize::from(fast.is_some());
        }
        assert!(
            accepted > 1_000,
            "the mutations should keep some names valid"
        );
    }

    #[test]
    fn rejects_malformed_names() {
        for bad in [
            "test_0001.mov",
            "A102_happy_int1_ver1",
            "A102_ang_sit1_ver1",
            "A102_neu_int1_ver1",
            "A102_ang_int1",
            "A411_mix_ang_ang_50_50_ver1",
            "A411_mix_ang_neu_50_50_ver1",
            "A411_mix_ang_hap_30_60_ver1",
            "A411_mix_ang_hap_3x_70_ver1",
            "_ang_int1_ver1",
            "",
            "A1_mix_ang_hap_30_70_ver1_x",
            "A102_ang_int1_ver1.",
            "A102_ang_int1_ver1.toolong",
        ] {
            assert!(parse(bad).is_err(), "{bad} should not parse");
        }
    }
}
