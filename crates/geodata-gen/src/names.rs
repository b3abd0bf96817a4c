//! Naming a merged municipality from the names of its parts (split areas or wards).
//!
//! Rule: the English name is each part's English name with the part qualifier removed (a leading
//! "Northern "/"Southern "/"Eastern "/"Western "/"Central ", a "<part>, " prefix, a trailing
//! " (…)" or, after "City", a trailing " <name> Ward"); all parts must then agree. Its last word
//! (City/Town/Village) gives the kind, hence the suffix 市/町/村 (kana し, ちょう/まち, むら/そん).
//! The name and kana are the longest common prefix of the parts', cut back to end at the last
//! such suffix.

use anyhow::{Result, bail};

/// Name, reading and English name of an area or municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    pub name: String,
    pub kana: String,
    pub en_name: String,
}

const DIRECTIONS: [&str; 5] = ["Northern ", "Southern ", "Eastern ", "Western ", "Central "];

/// A part's English name without the part qualifier.
pub fn whole_en_name(part: &str) -> String {
    let mut s = part.trim();
    if let Some(open) = s.find(" (")
        && s.ends_with(')')
    {
        s = &s[..open];
    }
    if let Some(comma) = s.rfind(", ") {
        s = &s[comma + 2..];
    }
    for d in DIRECTIONS {
        if let Some(rest) = s.strip_prefix(d) {
            s = rest;
        }
    }
    if let Some(city) = s.find(" City ")
        && s.ends_with(" Ward")
    {
        s = &s[..city + " City".len()];
    }
    s.to_string()
}

fn suffixes(en_name: &str) -> Result<(&'static str, &'static [&'static str])> {
    Ok(match en_name.rsplit(' ').next() {
        Some("City") => ("市", &["し"]),
        Some("Town") => ("町", &["ちょう", "まち"]),
        Some("Village") => ("村", &["むら", "そん"]),
        _ => bail!("English name {en_name:?} does not end in City, Town or Village"),
    })
}

fn common_prefix<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut it = items.into_iter();
    let Some(first) = it.next() else {
        return String::new();
    };
    let mut prefix: Vec<char> = first.chars().collect();
    for s in it {
        let n = prefix
            .iter()
            .zip(s.chars())
            .take_while(|(a, b)| **a == *b)
            .count();
        prefix.truncate(n);
    }
    prefix.into_iter().collect()
}

/// `prefix` cut back to end at the last occurrence of one of `endings`.
fn cut_after_last(prefix: &str, endings: &[&str]) -> Option<String> {
    endings
        .iter()
        .filter_map(|e| prefix.rfind(e).map(|i| i + e.len()))
        .max()
        .map(|end| prefix[..end].to_string())
}

/// The whole municipality's names derived from its parts. `kana` may be empty for all parts (when
/// the source gives none); then the result's kana is empty too.
pub fn derive(parts: &[Names]) -> Result<Names> {
    let Some(first) = parts.first() else {
        bail!("no parts to name")
    };
    let en_name = whole_en_name(&first.en_name);
    for p in parts {
        let e = whole_en_name(&p.en_name);
        if e != en_name {
            bail!(
                "parts disagree on the English name: {:?} gives {e:?}, {:?} gives {en_name:?}",
                p.en_name,
                first.en_name
            );
        }
    }
    let (kanji, kana_endings) = suffixes(&en_name)?;
    let name_prefix = common_prefix(parts.iter().map(|p| p.name.as_str()));
    let Some(name) = cut_after_last(&name_prefix, &[kanji]) else {
        bail!("common prefix {name_prefix:?} of the part names has no {kanji}");
    };
    let kana = if parts.iter().all(|p| p.kana.is_empty()) {
        String::new()
    } else {
        let kana_prefix = common_prefix(parts.iter().map(|p| p.kana.as_str()));
        match cut_after_last(&kana_prefix, kana_endings) {
            Some(k) => k,
            None => {
                bail!("common prefix {kana_prefix:?} of the part readings has no {kana_endings:?}")
            }
        }
    };
    Ok(Names {
        name,
        kana,
        en_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(name: &str, kana: &str, en: &str) -> Names {
        Names {
            name: name.into(),
            kana: kana.into(),
            en_name: en.into(),
        }
    }

    #[test]
    fn english_qualifiers_are_removed() {
        assert_eq!(whole_en_name("Northern Tottori City"), "Tottori City");
        assert_eq!(whole_en_name("Akan, Kushiro City"), "Kushiro City");
        assert_eq!(
            whole_en_name("Sasebo City (Excluding Uku Area)"),
            "Sasebo City"
        );
        assert_eq!(
            whole_en_name("Hiroshima City Asaminami Ward"),
            "Hiroshima City"
        );
        assert_eq!(whole_en_name("Waki Mima Anabuki, Mima City"), "Mima City");
    }

    #[test]
    fn tottori_and_tsushima() {
        let t = derive(&[
            n("鳥取市北部", "とっとりしほくぶ", "Northern Tottori City"),
            n("鳥取市南部", "とっとりしなんぶ", "Southern Tottori City"),
        ])
        .unwrap();
        assert_eq!(t, n("鳥取市", "とっとりし", "Tottori City"));
        // The reading of a part starts with し: the cut must stop at the city's し.
        let t = derive(&[
            n(
                "対馬市下対馬",
                "つしまししもつしま",
                "Shimotsushima, Tsushima City",
            ),
            n(
                "対馬市上対馬",
                "つしましかみつしま",
                "Kamitsushima, Tsushima City",
            ),
        ])
        .unwrap();
        assert_eq!(t, n("対馬市", "つしまし", "Tsushima City"));
    }

    #[test]
    fn disagreeing_parts_are_refused() {
        assert!(
            derive(&[
                n("甲市", "こうし", "Ko City"),
                n("乙町", "おつちょう", "Otsu Town")
            ])
            .is_err()
        );
    }
}
