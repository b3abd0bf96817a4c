//! Exact rates as integer fractions, applied to yen with floor division.

use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, Yen};

/// A rate `num / den` (a share, a top-up rate). Never a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    pub const fn new(num: i64, den: i64) -> Self {
        Self { num, den }
    }

    /// A rate must lie in [0, 1] with a positive denominator.
    pub fn validate(self, field: &str) -> DomainResult<()> {
        if self.den <= 0 {
            return Err(DomainError::invalid(
                field,
                format!("denominator must be positive, got {}", self.den),
            ));
        }
        if self.num < 0 || self.num > self.den {
            return Err(DomainError::invalid(
                field,
                format!("rate {}/{} is outside [0, 1]", self.num, self.den),
            ));
        }
        Ok(())
    }

    /// ⌊x · num / den⌋, computed exactly in `i128` (rounds towards −∞ for negative `x`).
    /// For a valid rate the result lies between 0 and `x`, so it always fits.
    pub fn floor_of(self, x: Yen) -> Yen {
        let p = i128::from(x.0) * i128::from(self.num);
        let q = p.div_euclid(i128::from(self.den));
        Yen(i64::try_from(q).expect("a rate in [0, 1] keeps the amount in range"))
    }

    /// Whether `self + other ≤ 1`, exactly.
    pub fn sum_at_most_one(self, other: Ratio) -> bool {
        let (a, b, c, d) = (
            i128::from(self.num),
            i128::from(self.den),
            i128::from(other.num),
            i128::from(other.den),
        );
        a * d + c * b <= b * d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_exactly() {
        assert_eq!(Ratio::new(1, 2).floor_of(Yen(10_001)), Yen(5_000));
        assert_eq!(Ratio::new(1, 4).floor_of(Yen(10_001)), Yen(2_500));
        assert_eq!(Ratio::new(1, 3).floor_of(Yen(-1)), Yen(-1));
        assert_eq!(Ratio::ONE.floor_of(Yen(i64::MAX)), Yen(i64::MAX));
        assert_eq!(
            Ratio::new(2, 3).floor_of(Yen(i64::MAX)),
            Yen(6_148_914_691_236_517_204)
        );
    }

    #[test]
    fn validates_range_and_sums() {
        assert!(Ratio::new(1, 0).validate("r").is_err());
        assert!(Ratio::new(-1, 2).validate("r").is_err());
        assert!(Ratio::new(3, 2).validate("r").is_err());
        assert!(Ratio::new(0, 1).validate("r").is_ok());
        assert!(Ratio::new(1, 2).sum_at_most_one(Ratio::new(1, 2)));
        assert!(!Ratio::new(1, 2).sum_at_most_one(Ratio::new(2, 3)));
    }
}
