//! Money: whole yen as `i64`. Never floats.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// An amount of money in whole yen. Arithmetic is checked by the callers that can overflow
/// (sums of statements use [`Yen::checked_add`]); `+`/`-` panic on overflow in debug builds as `i64` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Yen(pub i64);

impl Yen {
    pub const ZERO: Yen = Yen(0);

    /// A price, fee or capacity-like amount that may not be negative; `field` names the input.
    pub fn non_negative(amount: i64, field: &str) -> DomainResult<Self> {
        if amount < 0 {
            Err(DomainError::invalid(field, format!("amount must not be negative, got {amount}")))
        } else {
            Ok(Yen(amount))
        }
    }

    /// Parses `12,345`, `¥12,345`, `12345円` or `-500`; no fractions.
    pub fn parse(s: &str, field: &str) -> DomainResult<Self> {
        let t: String = s
            .trim()
            .trim_start_matches(['¥', '￥'])
            .trim_end_matches('円')
            .chars()
            .filter(|c| *c != ',')
            .collect();
        t.parse::<i64>()
            .map(Yen)
            .map_err(|_| DomainError::invalid(field, format!("'{s}' is not a whole number of yen")))
    }

    pub fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Yen) -> Option<Yen> {
        self.0.checked_add(other.0).map(Yen)
    }
}

impl fmt::Display for Yen {
    /// Thousands separators and △ for negatives, as statements show money: `△1,234`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if self.0 < 0 {
            write!(f, "△{out}")
        } else {
            f.write_str(&out)
        }
    }
}

impl Add for Yen {
    type Output = Yen;
    fn add(self, o: Yen) -> Yen {
        Yen(self.0 + o.0)
    }
}

impl Sub for Yen {
    type Output = Yen;
    fn sub(self, o: Yen) -> Yen {
        Yen(self.0 - o.0)
    }
}

impl Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        iter.fold(Yen::ZERO, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_separators_and_triangle() {
        assert_eq!(Yen(0).to_string(), "0");
        assert_eq!(Yen(999).to_string(), "999");
        assert_eq!(Yen(1000).to_string(), "1,000");
        assert_eq!(Yen(2_519_600).to_string(), "2,519,600");
        assert_eq!(Yen(-1234).to_string(), "△1,234");
        assert_eq!(Yen(i64::MIN).to_string(), "△9,223,372,036,854,775,808");
    }

    #[test]
    fn parses_written_amounts() {
        assert_eq!(Yen::parse("¥4,500", "fee").unwrap(), Yen(4500));
        assert_eq!(Yen::parse("3100円", "fee").unwrap(), Yen(3100));
        assert_eq!(Yen::parse(" -500 ", "fee").unwrap(), Yen(-500));
        assert_eq!(Yen::parse("12.5", "fee").unwrap_err().field, "fee");
        assert!(Yen::parse("", "fee").is_err());
        assert!(Yen::non_negative(-1, "unitPrice").is_err());
    }
}
