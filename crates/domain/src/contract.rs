//! Contracts (委託契約): a municipality pays a facility a unit price per use of one service type.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};
use crate::kinds::ServiceType;
use crate::lg_code::LgCode;
use crate::yen::Yen;

/// Additions (加算) paid on top of the unit price per use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Additions {
    /// Per additional infant of a multiple birth.
    pub multiple: Yen,
    /// When a sibling is cared for too.
    pub sibling: Yen,
    /// When the infant is four months or older.
    pub over_four_months: Yen,
    /// When the facility accepts a high-need case (支援の必要性が高いケース).
    pub high_need: Yen,
}

/// What a contract says: who pays whom, for what, at what price, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractTerms {
    pub municipality: LgCode,
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub unit_price: Yen,
    pub additions: Additions,
    pub valid_from: NaiveDate,
    /// Last valid day, inclusive; None = open-ended.
    pub valid_to: Option<NaiveDate>,
}

impl ContractTerms {
    /// Checks prices and dates.
    pub fn validate(&self) -> DomainResult<()> {
        Yen::non_negative(self.unit_price.0, "unitPrice")?;
        let a = self.additions;
        for (v, f) in [
            (a.multiple, "additions.multiple"),
            (a.sibling, "additions.sibling"),
            (a.over_four_months, "additions.overFourMonths"),
            (a.high_need, "additions.highNeed"),
        ] {
            Yen::non_negative(v.0, f)?;
        }
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            return Err(DomainError::invalid("validTo", "the contract ends before it starts"));
        }
        Ok(())
    }

    /// Whether the contract is valid on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }

    /// Whether two contracts cover the same municipality, facility and type on a common day.
    pub fn overlaps(&self, other: &ContractTerms) -> bool {
        self.municipality == other.municipality
            && self.facility_id == other.facility_id
            && self.service_type == other.service_type
            && self.valid_to.is_none_or(|to| other.valid_from <= to)
            && other.valid_to.is_none_or(|to| self.valid_from <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(from: (i32, u32, u32), to: Option<(i32, u32, u32)>) -> ContractTerms {
        let d = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        ContractTerms {
            municipality: LgCode::parse("31201").unwrap(),
            facility_id: 7,
            service_type: ServiceType::ShortStay,
            unit_price: Yen(36_000),
            additions: Additions::default(),
            valid_from: d(from),
            valid_to: to.map(d),
        }
    }

    #[test]
    fn overlap_is_inclusive_and_open_ends_reach_forever() {
        let fy25 = terms((2025, 4, 1), Some((2026, 3, 31)));
        assert!(fy25.overlaps(&terms((2026, 3, 31), None)));
        assert!(!fy25.overlaps(&terms((2026, 4, 1), None)));
        assert!(terms((2020, 1, 1), None).overlaps(&terms((2030, 1, 1), None)));
        let mut other_type = terms((2025, 4, 1), None);
        other_type.service_type = ServiceType::DayCare;
        assert!(!fy25.overlaps(&other_type));
    }

    #[test]
    fn prices_and_dates_are_checked() {
        let mut t = terms((2025, 4, 1), None);
        t.unit_price = Yen(-1);
        assert_eq!(t.validate().unwrap_err().field, "unitPrice");
        let mut t = terms((2025, 4, 1), None);
        t.additions.high_need = Yen(-5);
        assert_eq!(t.validate().unwrap_err().field, "additions.highNeed");
        assert_eq!(terms((2025, 4, 1), Some((2025, 3, 31))).validate().unwrap_err().field, "validTo");
        assert!(terms((2025, 4, 1), Some((2025, 4, 1))).valid_on(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()));
    }
}
