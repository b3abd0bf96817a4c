//! Tests of application windows and their boundaries.

use chrono::NaiveDateTime;

use super::*;
use crate::test_support::{d, hms, jst, setagaya_application};

fn at(date: NaiveDate, h: u32, m: u32, s: u32) -> NaiveDateTime {
    date.and_time(hms(h, m, s))
}

#[test]
fn jst_is_utc_plus_nine() {
    let now = DateTime::parse_from_rfc3339("2025-06-06T00:59:59Z").unwrap().with_timezone(&Utc);
    assert_eq!(to_jst(now), at(d(2025, 6, 6), 9, 59, 59));
    assert_eq!(from_jst(to_jst(now)), now);
    // Across midnight: 15:00 UTC is 00:00 the next day in Japan.
    let late = DateTime::parse_from_rfc3339("2025-12-31T15:00:00Z").unwrap().with_timezone(&Utc);
    assert_eq!(to_jst(late), at(d(2026, 1, 1), 0, 0, 0));
}

#[test]
fn setagaya_window_for_a_monday() {
    let w = window(&setagaya_application(), d(2025, 6, 9));
    assert_eq!(w.opens, at(d(2025, 5, 26), 0, 0, 0));
    assert_eq!(w.closes, at(d(2025, 6, 6), 10, 0, 0), "the previous Friday");
}

#[test]
fn a_friday_holiday_moves_the_close_to_thursday() {
    // Friday 2024-02-23 is 天皇誕生日.
    let w = window(&setagaya_application(), d(2024, 2, 26));
    assert_eq!(w.closes, at(d(2024, 2, 22), 10, 0, 0));
}

#[test]
fn the_new_year_closure_is_skipped() {
    let w = window(&setagaya_application(), d(2026, 1, 5));
    assert_eq!(w.closes, at(d(2025, 12, 26), 10, 0, 0));
    assert_eq!(w.opens, at(d(2025, 12, 22), 0, 0, 0), "opening counts calendar days");
}

#[test]
fn calendar_days_when_not_business_days_only() {
    let rule = ApplicationRule { business_days_only: false, ..setagaya_application() };
    let w = window(&rule, d(2026, 1, 5));
    assert_eq!(w.closes, at(d(2026, 1, 4), 10, 0, 0));
}

#[test]
fn closes_at_ten_exclusive() {
    let rule = setagaya_application();
    let first = d(2025, 6, 9);
    assert!(check_window(&rule, first, jst(d(2025, 6, 6), 9, 59, 59)).is_ok());
    let e = check_window(&rule, first, jst(d(2025, 6, 6), 10, 0, 0)).unwrap_err();
    assert_eq!(e.field, "dates");
    assert_eq!(
        e.message,
        "applications for 2025-06-09 are accepted from 2025-05-26 00:00 to 2025-06-06 10:00 (JST); it is 2025-06-06 10:00"
    );
    let e = check_window(&rule, first, jst(d(2025, 6, 6), 10, 1, 0)).unwrap_err();
    assert!(e.message.ends_with("it is 2025-06-06 10:01"), "{}", e.message);
}

#[test]
fn opens_at_midnight_inclusive() {
    let rule = setagaya_application();
    let first = d(2025, 6, 9);
    assert!(check_window(&rule, first, jst(d(2025, 5, 26), 0, 0, 0)).is_ok());
    let e = check_window(&rule, first, jst(d(2025, 5, 25), 23, 59, 59)).unwrap_err();
    assert!(e.message.ends_with("it is 2025-05-25 23:59:59"), "{}", e.message);
}

#[test]
fn after_the_first_day_is_refused() {
    let rule = setagaya_application();
    assert!(check_window(&rule, d(2025, 6, 9), jst(d(2025, 6, 9), 8, 0, 0)).is_err());
}
