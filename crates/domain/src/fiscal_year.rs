//! Fiscal years (April 1 – March 31, named by the April year) and their 和暦 names.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// A Japanese fiscal year, April 1 of `year` to March 31 of `year + 1`. FY2025 is 令和7年度.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct FiscalYear(i32);

/// The first and last fiscal years the hub accepts.
const RANGE: std::ops::RangeInclusive<i32> = 2000..=2100;

impl FiscalYear {
    /// A fiscal year named by its April year, 2000..=2100.
    pub fn new(year: i32) -> DomainResult<Self> {
        if RANGE.contains(&year) {
            Ok(Self(year))
        } else {
            Err(DomainError::invalid(
                "fiscalYear",
                format!("fiscal year {year} is outside {}..={}", RANGE.start(), RANGE.end()),
            ))
        }
    }

    /// The fiscal year that contains `date`.
    pub fn containing(date: NaiveDate) -> Self {
        let y = if date.month() >= 4 { date.year() } else { date.year() - 1 };
        Self(y)
    }

    /// The April year.
    pub fn year(self) -> i32 {
        self.0
    }

    /// April 1.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).expect("April 1 exists")
    }

    /// March 31 of the next calendar year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).expect("March 31 exists")
    }

    /// The 和暦 name: 令和7年度, 令和元年度, 平成30年度.
    pub fn wareki(self) -> String {
        let (era, n) = if self.0 >= 2019 { ("令和", self.0 - 2018) } else { ("平成", self.0 - 1988) };
        if n == 1 { format!("{era}元年度") } else { format!("{era}{n}年度") }
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.0)
    }
}

impl TryFrom<i32> for FiscalYear {
    type Error = DomainError;
    fn try_from(y: i32) -> DomainResult<Self> {
        Self::new(y)
    }
}

impl From<FiscalYear> for i32 {
    fn from(f: FiscalYear) -> i32 {
        f.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn april_first_starts_the_year() {
        assert_eq!(FiscalYear::containing(d(2025, 3, 31)).year(), 2024);
        assert_eq!(FiscalYear::containing(d(2025, 4, 1)).year(), 2025);
        assert_eq!(FiscalYear::containing(d(2026, 1, 15)).year(), 2025);
        let fy = FiscalYear::new(2025).unwrap();
        assert_eq!((fy.first_day(), fy.last_day()), (d(2025, 4, 1), d(2026, 3, 31)));
    }

    #[test]
    fn wareki_names() {
        let w = |y| FiscalYear::new(y).unwrap().wareki();
        assert_eq!(w(2025), "令和7年度");
        assert_eq!(w(2019), "令和元年度");
        assert_eq!(w(2018), "平成30年度");
        assert_eq!(w(2024), "令和6年度");
    }

    #[test]
    fn out_of_range_is_refused() {
        assert!(FiscalYear::new(1999).is_err());
        assert!(FiscalYear::new(2101).is_err());
        assert!(serde_json::from_str::<FiscalYear>("3000").is_err());
    }
}
