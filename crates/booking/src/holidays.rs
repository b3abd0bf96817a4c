//! Japanese national holidays (1970–2039) and the business days of Japanese public offices.
//!
//! The table is `data/holidays.csv`, generated from the npm package `@holiday-jp/holiday_jp`
//! (see `data/README.md`), embedded in the binary and parsed once on first use.

use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};

/// The years the holiday table covers. Outside them [`holiday`] always answers `None`.
pub const HOLIDAY_YEARS: RangeInclusive<i32> = 1970..=2039;

const CSV: &str = include_str!("../data/holidays.csv");

/// The holiday table, sorted by date.
fn table() -> &'static [(NaiveDate, &'static str)] {
    static TABLE: OnceLock<Vec<(NaiveDate, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut rows: Vec<(NaiveDate, &'static str)> = CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let (date, name) = line.split_once(',').unwrap_or_else(|| panic!("holidays.csv: no comma in {line:?}"));
                let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap_or_else(|e| panic!("holidays.csv: {line:?}: {e}"));
                (date, name.trim())
            })
            .collect();
        rows.sort_by_key(|(d, _)| *d);
        rows
    })
}

/// The name of the national holiday on `d` (`元日`, `天皇誕生日 振替休日`, `休日` …), if it is one.
/// Always `None` outside [`HOLIDAY_YEARS`].
pub fn holiday(d: NaiveDate) -> Option<&'static str> {
    let t = table();
    t.binary_search_by_key(&d, |(date, _)| *date).ok().map(|i| t[i].1)
}

/// Every holiday in the table, sorted by date.
pub fn all_holidays() -> impl Iterator<Item = (NaiveDate, &'static str)> {
    table().iter().copied()
}

/// Dec 29 – Jan 3, when Japanese public offices close for the new year (年末年始).
pub fn is_year_end_closure(d: NaiveDate) -> bool {
    (d.month() == 12 && d.day() >= 29) || (d.month() == 1 && d.day() <= 3)
}

/// A day the municipal office is open: not Saturday or Sunday, not a national holiday and not
/// in the year-end closure (Dec 29 – Jan 3). Outside [`HOLIDAY_YEARS`] holidays are unknown,
/// so only weekends and the year-end closure are excluded there.
pub fn is_business_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_year_end_closure(d) && holiday(d).is_none()
}

/// The date `n` business days before `d`: for `n >= 1` the `n`-th business day strictly before
/// `d` (`d` itself need not be a business day); for `n == 0`, `d` itself. Saturates at the
/// earliest date chrono can represent.
pub fn business_days_before(d: NaiveDate, n: u32) -> NaiveDate {
    let mut day = d;
    let mut left = n;
    while left > 0 {
        match day.pred_opt() {
            Some(p) => day = p,
            None => return day,
        }
        if is_business_day(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests;
