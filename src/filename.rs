//! Labels read from clip names, in the dataset's naming scheme:
//! `A102_ang_int1_ver1`, `A303_neu_sit2_ver1`, `A411_mix_ang_hap_30_70_ver1`,
//! optionally followed by a file extension such as `.mp4`.

use crate::emotions::{code_index, EMOTIONS, NEUTRAL};

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
}

/// Splits on '_' into at most `N` parts without allocating; None if more.
fn split_parts<const N: usize>(stem: &str) -> Option<([&str; N], usize)> {
    let mut parts = [""; N];
    let mut count = 0;
    for part in stem.split('_') {
        *parts.get_mut(count)? = part;
        count += 1;
    }
    Some((parts, count))
}

/// Parses a clip name; the error says what is wrong, without the name itself.
pub fn parse(name: &str) -> Result<ClipName<'_>, String> {
    let stem = strip_extension(name);
    let (parts, count) = split_parts::<7>(stem).ok_or_else(|| {
        format!(
            "{} parts separated by '_', at most 7 expected",
            stem.split('_').count()
        )
    })?;
    let parts = &parts[..count];
    let actor = parts[0];
    if actor.is_empty() || !actor.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("the actor id '{actor}' is not alphanumeric"));
    }
    if parts.get(1) == Some(&"mix") {
        parse_blend(actor, parts)
    } else {
        parse_single(actor, parts)
    }
}

fn strip_extension(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            stem
        }
        _ => name,
    }
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
    if text.is_empty() || text.len() > 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
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

        let blend = parse("A411_mix_ang_hap_30_70_ver1.mov").unwrap();
        assert_eq!(blend.emotions(), &[0, 3]);
        assert_eq!(blend.saliences(), &[30, 70]);
        assert!(blend.is_blend());
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
        ] {
            assert!(parse(bad).is_err(), "{bad} should not parse");
        }
    }
}
