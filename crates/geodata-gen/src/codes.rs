//! Which municipality a JMA 7-digit area code belongs to (split parts and designated-city wards).

use anyhow::{Result, bail};
use sango_domain::LgCode;

/// The 20 designated cities (政令指定都市), 5-digit codes. Their wards (行政区) carry codes of their
/// own (the 100–199 block of the prefecture) but are not municipalities, so they are merged into
/// the city. Tokyo's 23 special wards (131xx) are municipalities and stay separate.
pub const DESIGNATED_CITIES: [&str; 20] = [
    "01100", "04100", "11100", "12100", "14100", "14130", "14150", "15100", "22100", "22130",
    "23100", "26100", "27100", "27140", "28100", "33100", "34100", "40100", "40130", "43100",
];

/// The municipality (5-digit code) a 7-digit JMA area code belongs to.
///
/// The 7-digit code is the 5-digit municipal code plus a 2-digit part number (`00` for an
/// undivided municipality). A code in the 100–199 block outside Tokyo that is not a designated city
/// itself is one of its wards and maps to the nearest designated city at or below it.
pub fn municipality_of(code7: &str) -> Result<String> {
    if code7.len() != 7 || !code7.bytes().all(|b| b.is_ascii_digit()) {
        bail!("area code {code7:?} is not 7 digits");
    }
    let five = &code7[..5];
    let pref = &five[..2];
    if pref == "13" || five.as_bytes()[2] != b'1' || DESIGNATED_CITIES.contains(&five) {
        return Ok(five.to_string());
    }
    let city = DESIGNATED_CITIES
        .iter()
        .filter(|c| c.starts_with(pref) && **c < five)
        .max();
    match city {
        Some(c) => Ok((*c).to_string()),
        None => bail!(
            "area code {code7}: {five} is in the designated-city block but no designated city of prefecture {pref} precedes it"
        ),
    }
}

/// The 6-digit code (with check digit) of a 5-digit municipal code.
pub fn six_digit(five: &str) -> Result<String> {
    match LgCode::parse(five) {
        Ok(c) => Ok(c.to_string()),
        Err(e) => bail!("{five}: {e}"),
    }
}

/// The check digit computed here, independently of `sango_domain`, to cross-check it.
pub fn check_digit(five: &str) -> u32 {
    let s: u32 = five
        .bytes()
        .zip([6u32, 5, 4, 3, 2])
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    (11 - s % 11) % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_wards_map_to_their_municipality() {
        assert_eq!(municipality_of("3120101").unwrap(), "31201");
        assert_eq!(municipality_of("2610900").unwrap(), "26100");
        assert_eq!(municipality_of("3410800").unwrap(), "34100");
        assert_eq!(municipality_of("2714000").unwrap(), "27140");
        assert_eq!(municipality_of("1310100").unwrap(), "13101");
        assert!(municipality_of("hoppo").is_err());
    }

    #[test]
    fn check_digits_agree_with_the_domain_crate() {
        for (five, six) in [
            ("31201", "312011"),
            ("13101", "131016"),
            ("01100", "011002"),
        ] {
            assert_eq!(six_digit(five).unwrap(), six);
            assert_eq!(format!("{five}{}", check_digit(five)), six);
        }
    }
}
