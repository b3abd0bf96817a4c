//! Statement periods: a calendar month (monthly invoices) or a fiscal year (精算), inclusive.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, FiscalYear};

/// The days `first..=last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Period {
    /// Any inclusive range of days.
    pub fn new(first: NaiveDate, last: NaiveDate) -> DomainResult<Self> {
        if last < first {
            return Err(DomainError::invalid(
                "period",
                format!("{last} is before {first}"),
            ));
        }
        Ok(Self { first, last })
    }

    /// The calendar month `year-month`.
    pub fn month(year: i32, month: u32) -> DomainResult<Self> {
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| {
            DomainError::invalid("period", format!("{year}-{month} is not a month"))
        })?;
        let last = first
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .ok_or_else(|| {
                DomainError::invalid("period", format!("{year}-{month} is out of range"))
            })?;
        Ok(Self { first, last })
    }

    /// April 1 to March 31.
    pub fn fiscal_year(fy: FiscalYear) -> Self {
        Self {
            first: fy.first_day(),
            last: fy.last_day(),
        }
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.first <= day && day <= self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_years() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let feb = Period::month(2028, 2).unwrap();
        assert_eq!((feb.first, feb.last), (d(2028, 2, 1), d(2028, 2, 29)));
        assert!(Period::month(2025, 13).is_err());
        let fy = Period::fiscal_year(FiscalYear::new(2025).unwrap());
        assert!(fy.contains(d(2026, 3, 31)) && !fy.contains(d(2025, 3, 31)));
        assert!(Period::new(d(2025, 4, 2), d(2025, 4, 1)).is_err());
    }
}
