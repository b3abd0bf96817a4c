//! Cases and bookings as the hub keeps them: a pseudonymous mother–infant case with only what the
//! rules need, and the states of a booking.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};
use crate::kinds::HouseholdTier;
use crate::lg_code::LgCode;

/// What the hub knows of a mother and infant: no name, no address (要配慮個人情報 kept to the minimum).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseProfile {
    /// The resident municipality (実施主体), which approves and pays.
    pub municipality: LgCode,
    pub tier: HouseholdTier,
    /// The birth date, or the expected one for a case registered in pregnancy.
    pub infant_birth_date: NaiveDate,
    /// Infants of this birth: 2 for twins.
    pub multiples: u32,
    /// 支援の必要性が高いケース: followed by a public-health nurse; priority in lotteries.
    pub high_need: bool,
    /// Flagged for cross-boundary coordination: the prefecture's coordinator may see it.
    pub coordination: bool,
    pub registered_on: NaiveDate,
}

impl CaseProfile {
    pub fn validate(&self) -> DomainResult<()> {
        if !(1..=5).contains(&self.multiples) {
            return Err(DomainError::invalid("multiples", "the number of infants must be 1 to 5"));
        }
        let days = (self.infant_birth_date - self.registered_on).num_days();
        if days > 300 {
            return Err(DomainError::invalid("infantBirthDate", "a case may be registered at most 300 days before the (expected) birth"));
        }
        if days < -730 {
            return Err(DomainError::invalid("infantBirthDate", "the infant is more than two years old; the programme ends at one year"));
        }
        Ok(())
    }
}

/// Where a booking stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BookingStatus {
    Booked,
    Cancelled,
    /// Every day's use has been recorded.
    Completed,
}

/// How a booking came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BookingSource {
    FirstCome,
    Lottery,
    Waitlist,
}

/// What happened on a booked day (利用実績).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    Used,
    NoShow,
}

macro_rules! names {
    ($t:ty { $($v:ident => $s:literal),+ }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
            pub fn parse(s: &str) -> DomainResult<Self> {
                match s { $($s => Ok(Self::$v),)+ other => Err(DomainError::invalid("status", format!("unknown value '{other}'"))) }
            }
        }
    };
}

names!(BookingStatus { Booked => "BOOKED", Cancelled => "CANCELLED", Completed => "COMPLETED" });
names!(BookingSource { FirstCome => "FIRST_COME", Lottery => "LOTTERY", Waitlist => "WAITLIST" });
names!(Outcome { Used => "USED", NoShow => "NO_SHOW" });

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> CaseProfile {
        CaseProfile {
            municipality: LgCode::parse("312011").unwrap(),
            tier: HouseholdTier::Taxed,
            infant_birth_date: NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
            multiples: 1,
            high_need: false,
            coordination: false,
            registered_on: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
        }
    }

    #[test]
    fn cases_are_checked() {
        case().validate().unwrap();
        let mut c = case();
        c.multiples = 0;
        assert_eq!(c.validate().unwrap_err().field, "multiples");
        let mut c = case();
        c.registered_on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        assert_eq!(c.validate().unwrap_err().field, "infantBirthDate");
    }

    #[test]
    fn states_round_trip() {
        for s in [BookingStatus::Booked, BookingStatus::Cancelled, BookingStatus::Completed] {
            assert_eq!(BookingStatus::parse(s.as_str()).unwrap(), s);
        }
        assert_eq!(Outcome::parse("NO_SHOW").unwrap(), Outcome::NoShow);
        assert!(BookingSource::parse("PHONE").is_err());
    }
}
