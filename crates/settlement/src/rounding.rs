//! The grant's rounding rule (端数処理): a unit and a mode, carried by each rule set.

use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, Yen};

/// How a grant is rounded to its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RoundingMode {
    /// Down to the unit (千円未満切捨て).
    Floor,
    /// To the nearest unit, exact halves up (四捨五入).
    HalfUp,
}

/// Rounding of the grant (G) only; per-use amounts are never rounded beyond the yen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rounding {
    /// The unit in yen, e.g. 1,000 or 500.
    pub unit: i64,
    pub mode: RoundingMode,
}

impl Rounding {
    /// The national default: down to 1,000 yen.
    pub const FLOOR_1000: Rounding = Rounding {
        unit: 1_000,
        mode: RoundingMode::Floor,
    };

    pub fn validate(self, field: &str) -> DomainResult<()> {
        if self.unit <= 0 {
            return Err(DomainError::invalid(
                field,
                format!("rounding unit must be positive, got {}", self.unit),
            ));
        }
        Ok(())
    }

    /// Rounds `x` to a multiple of the unit. FLOOR goes towards −∞; HALF_UP goes up when the
    /// remainder is at least half the unit (for an odd unit, "half" is compared exactly: 2·r ≥ unit).
    pub fn apply(self, x: Yen) -> Yen {
        let r = x.0.rem_euclid(self.unit);
        let down = x.0 - r;
        match self.mode {
            RoundingMode::Floor => Yen(down),
            RoundingMode::HalfUp if 2 * i128::from(r) >= i128::from(self.unit) => {
                Yen(down + self.unit)
            }
            RoundingMode::HalfUp => Yen(down),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_and_half_up() {
        let f = Rounding::FLOOR_1000;
        assert_eq!(f.apply(Yen(22_999)), Yen(22_000));
        assert_eq!(f.apply(Yen(23_000)), Yen(23_000));
        assert_eq!(f.apply(Yen(-1)), Yen(-1_000));
        let h = Rounding {
            unit: 500,
            mode: RoundingMode::HalfUp,
        };
        assert_eq!(h.apply(Yen(1_249)), Yen(1_000));
        assert_eq!(h.apply(Yen(1_250)), Yen(1_500));
        assert_eq!(h.apply(Yen(1_500)), Yen(1_500));
        let odd = Rounding {
            unit: 5,
            mode: RoundingMode::HalfUp,
        };
        assert_eq!((odd.apply(Yen(2)), odd.apply(Yen(3))), (Yen(0), Yen(5)));
        assert!(
            Rounding {
                unit: 0,
                mode: RoundingMode::Floor
            }
            .validate("rounding")
            .is_err()
        );
    }
}
