//! Local-government codes: the 6-digit 全国地方公共団体コード and the 2-digit prefecture code.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// A prefecture code, `01` (北海道) to `47` (沖縄県).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PrefectureCode(u8);

impl PrefectureCode {
    /// Accepts 1..=47.
    pub fn new(n: u8) -> DomainResult<Self> {
        if (1..=47).contains(&n) {
            Ok(Self(n))
        } else {
            Err(DomainError::invalid(
                "prefecture",
                format!("prefecture code must be 01 to 47, got {n:02}"),
            ))
        }
    }

    /// The numeric value, 1..=47.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Parses `"31"` (or `"310000"`-style 6-digit prefecture codes, of which only the first two digits count).
    pub fn parse(s: &str) -> DomainResult<Self> {
        let t = s.trim();
        let digits_ok = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits_ok || !(t.len() == 2 || t.len() == 6) {
            return Err(DomainError::invalid(
                "prefecture",
                format!("'{s}' is not a prefecture code (two digits, 01 to 47)"),
            ));
        }
        Self::new(t[..2].parse().unwrap_or(0))
    }
}

impl fmt::Display for PrefectureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl FromStr for PrefectureCode {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<Self> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PrefectureCode {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        Self::parse(&s)
    }
}

impl From<PrefectureCode> for String {
    fn from(p: PrefectureCode) -> String {
        p.to_string()
    }
}

/// A municipal code (全国地方公共団体コード): 2 prefecture digits, 3 municipality digits and a check digit.
///
/// Stored as the 6-digit string. Construct with [`LgCode::parse`], which verifies the check digit of
/// 6-digit input and adds it to 5-digit input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LgCode([u8; 6]);

impl LgCode {
    /// The check digit of the first five digits: S = 6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5, r = S mod 11,
    /// check = (11 − r) mod 10.
    pub fn check_digit(first_five: [u8; 5]) -> u8 {
        let s: u32 = first_five
            .iter()
            .zip([6u32, 5, 4, 3, 2])
            .map(|(d, w)| u32::from(*d) * w)
            .sum();
        ((11 - s % 11) % 10) as u8
    }

    /// Parses a 6-digit code (check digit verified) or a 5-digit code (check digit added).
    pub fn parse(s: &str) -> DomainResult<Self> {
        let t = s.trim();
        if !t.bytes().all(|b| b.is_ascii_digit()) || !(t.len() == 5 || t.len() == 6) {
            return Err(DomainError::invalid(
                "code",
                format!("'{s}' is not a municipal code: expected 5 or 6 digits"),
            ));
        }
        let d: Vec<u8> = t.bytes().map(|b| b - b'0').collect();
        let five = [d[0], d[1], d[2], d[3], d[4]];
        let check = Self::check_digit(five);
        if d.len() == 6 && d[5] != check {
            return Err(DomainError::invalid(
                "code",
                format!(
                    "'{t}' has check digit {} but {}{}{}{}{} needs {check}",
                    d[5], d[0], d[1], d[2], d[3], d[4]
                ),
            ));
        }
        PrefectureCode::new(d[0] * 10 + d[1]).map_err(|_| {
            DomainError::invalid(
                "code",
                format!("'{t}' does not start with a prefecture code 01 to 47"),
            )
        })?;
        Ok(Self([d[0], d[1], d[2], d[3], d[4], check]))
    }

    /// The prefecture this municipality belongs to.
    pub fn prefecture(self) -> PrefectureCode {
        PrefectureCode(self.0[0] * 10 + self.0[1])
    }

    /// The 5-digit form without the check digit (as used by N03 and JMA data).
    pub fn five_digit(self) -> String {
        self.0[..5].iter().map(|d| char::from(b'0' + d)).collect()
    }
}

impl fmt::Display for LgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl FromStr for LgCode {
    type Err = DomainError;
    fn from_str(s: &str) -> DomainResult<Self> {
        Self::parse(s)
    }
}

impl TryFrom<String> for LgCode {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        Self::parse(&s)
    }
}

impl From<LgCode> for String {
    fn from(c: LgCode) -> String {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_have_their_check_digits() {
        for (five, six) in [("31201", "312011"), ("13101", "131016"), ("01100", "011002")] {
            assert_eq!(LgCode::parse(five).unwrap().to_string(), six);
            assert_eq!(LgCode::parse(six).unwrap().to_string(), six);
        }
    }

    #[test]
    fn wrong_check_digit_is_refused_with_the_right_digit_named() {
        let err = LgCode::parse("312012").unwrap_err();
        assert_eq!(err.field, "code");
        assert!(err.message.contains("needs 1"), "{}", err.message);
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in ["", "3120", "3120111", "31a01", "481001", "00100"] {
            assert!(LgCode::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn prefecture_codes() {
        assert_eq!(PrefectureCode::parse("31").unwrap().to_string(), "31");
        assert_eq!(LgCode::parse("312011").unwrap().prefecture().get(), 31);
        assert!(PrefectureCode::parse("48").is_err());
        assert!(PrefectureCode::parse("3").is_err());
    }
}
