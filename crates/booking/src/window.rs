//! The application window: when a mother may apply for a first day of use, in Japan time.
//!
//! Japan has no daylight saving time, so JST is UTC+9 all year; every rule time
//! ([`ApplicationRule::closes_at`], the cancellation deadline) is a JST wall-clock time.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use sango_domain::program::ApplicationRule;
use sango_domain::{DomainError, DomainResult};
use serde::{Deserialize, Serialize};

use crate::holidays::business_days_before;

/// JST's offset from UTC, in seconds (+9 hours, no DST).
pub const JST_OFFSET_SECONDS: i32 = 9 * 3600;

fn jst() -> FixedOffset {
    FixedOffset::east_opt(JST_OFFSET_SECONDS).expect("+09:00 is a valid offset")
}

/// The JST wall-clock time at the instant `now`.
pub fn to_jst(now: DateTime<Utc>) -> NaiveDateTime {
    now.with_timezone(&jst()).naive_local()
}

/// The instant at which JST wall clocks show `local` (the inverse of [`to_jst`]).
pub fn from_jst(local: NaiveDateTime) -> DateTime<Utc> {
    jst().from_local_datetime(&local).single().expect("a fixed offset has exactly one mapping").with_timezone(&Utc)
}

/// `days` calendar days before `d`, saturating at the earliest representable date.
pub(crate) fn days_before(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_sub_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MIN)
}

/// When applications for one first day of use are accepted, as JST wall-clock times.
///
/// The window is half-open: `opens` is the first accepted instant and `closes` the first
/// refused one, so a window closing "at 10:00" accepts 09:59:59 and refuses 10:00:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    pub opens: NaiveDateTime,
    pub closes: NaiveDateTime,
}

impl Window {
    /// Whether the JST time `at` falls inside the window (`opens <= at < closes`).
    pub fn contains(&self, at: NaiveDateTime) -> bool {
        self.opens <= at && at < self.closes
    }
}

/// The window for applications whose first day of use is `first_day`.
///
/// It opens at 00:00 JST `opens_days_before` calendar days before `first_day` and closes at
/// `closes_at` JST on the day `closes_days_before` days before it: business days when
/// `business_days_only` (weekends, national holidays and Dec 29 – Jan 3 are skipped, so for 1
/// day before a Monday it is the previous Friday, or Thursday if that Friday is a holiday),
/// calendar days otherwise. With business days a window can come out empty (closing before it
/// opens); [`check_window`] then refuses every time.
pub fn window(rule: &ApplicationRule, first_day: NaiveDate) -> Window {
    let opens = days_before(first_day, rule.opens_days_before).and_time(NaiveTime::MIN);
    let close_day = if rule.business_days_only {
        business_days_before(first_day, rule.closes_days_before)
    } else {
        days_before(first_day, rule.closes_days_before)
    };
    Window { opens, closes: close_day.and_time(rule.closes_at) }
}

/// Refuses an application made at `now` for `first_day` unless it falls inside [`window`]
/// (opening time inclusive, closing time exclusive). The error's field is `dates`; its
/// message names the window and the current time in JST, e.g. "applications for 2025-06-09
/// are accepted from 2025-05-26 00:00 to 2025-06-06 10:00 (JST); it is 2025-06-06 10:01".
pub fn check_window(rule: &ApplicationRule, first_day: NaiveDate, now: DateTime<Utc>) -> DomainResult<()> {
    let w = window(rule, first_day);
    let at = to_jst(now);
    if w.contains(at) {
        return Ok(());
    }
    Err(DomainError::invalid(
        "dates",
        format!(
            "applications for {first_day} are accepted from {} to {} (JST); it is {}",
            show(w.opens),
            show(w.closes),
            show(at)
        ),
    ))
}

/// `2025-06-06 10:00`, with seconds only when they are not zero (`2025-05-25 23:59:59`).
pub(crate) fn show(t: NaiveDateTime) -> String {
    if t.second() == 0 && t.nanosecond() == 0 {
        t.format("%Y-%m-%d %H:%M").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests;
