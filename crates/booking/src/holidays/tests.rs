//! Tests of the holiday table and business days.

use chrono::{Datelike, NaiveDate};

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn known_holidays() {
    assert_eq!(holiday(d(2025, 1, 1)), Some("元日"));
    assert_eq!(holiday(d(2025, 1, 13)), Some("成人の日"));
    assert_eq!(holiday(d(2025, 2, 24)), Some("天皇誕生日 振替休日"));
    // The enthronement day, a one-off holiday by special law.
    assert_eq!(holiday(d(2019, 5, 1)), Some("休日（祝日扱い）"));
    // The Olympics moved Sports Day (and Marine Day) in 2020 and 2021.
    assert_eq!(holiday(d(2020, 7, 24)), Some("スポーツの日"));
    assert_eq!(holiday(d(2020, 10, 12)), None);
    assert_eq!(holiday(d(2021, 7, 23)), Some("スポーツの日"));
    assert_eq!(holiday(d(2039, 11, 23)), Some("勤労感謝の日"));
    assert_eq!(holiday(d(1970, 1, 1)), Some("元日"));
}

#[test]
fn ordinary_days_are_not_holidays() {
    assert_eq!(holiday(d(2025, 6, 10)), None, "a plain Tuesday");
    assert_eq!(holiday(d(2025, 1, 14)), None);
    assert_eq!(holiday(d(2025, 2, 25)), None);
}

#[test]
fn outside_the_table_nothing_is_a_holiday() {
    assert_eq!(holiday(d(1969, 1, 1)), None);
    assert_eq!(holiday(d(2040, 1, 1)), None);
    assert!(!is_business_day(d(2040, 1, 2)), "year-end closure still applies");
    assert!(is_business_day(d(2040, 1, 4)), "a Wednesday");
}

#[test]
fn the_table_covers_every_year_in_order() {
    let all: Vec<_> = all_holidays().collect();
    assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "sorted, no duplicate dates");
    for y in HOLIDAY_YEARS {
        let n = all.iter().filter(|(date, _)| date.year() == y).count();
        assert!((12..=22).contains(&n), "{y}: {n} holidays");
    }
    assert!(all.iter().all(|(date, name)| HOLIDAY_YEARS.contains(&date.year()) && !name.is_empty()));
}

#[test]
fn golden_week_business_days() {
    // 2025: Tue 4/29 昭和の日; Sat 5/3, Sun 5/4, Mon 5/5, Tue 5/6 振替休日.
    assert!(is_business_day(d(2025, 4, 28)));
    assert!(!is_business_day(d(2025, 4, 29)));
    assert!(is_business_day(d(2025, 4, 30)));
    assert!(is_business_day(d(2025, 5, 2)));
    for day in 3..=6 {
        assert!(!is_business_day(d(2025, 5, day)), "5/{day}");
    }
    assert!(is_business_day(d(2025, 5, 7)));
    assert_eq!(business_days_before(d(2025, 5, 7), 1), d(2025, 5, 2));
    assert_eq!(business_days_before(d(2025, 5, 7), 3), d(2025, 4, 30));
    assert_eq!(business_days_before(d(2025, 5, 7), 4), d(2025, 4, 28));
}

#[test]
fn new_year_business_days() {
    for day in [d(2025, 12, 29), d(2025, 12, 30), d(2025, 12, 31), d(2026, 1, 1), d(2026, 1, 2), d(2026, 1, 3)] {
        assert!(!is_business_day(day), "{day}");
    }
    assert!(is_business_day(d(2025, 12, 26)), "Friday before the closure");
    assert!(is_business_day(d(2026, 1, 5)), "first Monday after");
    assert_eq!(business_days_before(d(2026, 1, 5), 1), d(2025, 12, 26));
    // A Friday Jan 2 (2026) is closed even though it is not a national holiday.
    assert_eq!(holiday(d(2026, 1, 2)), None);
}

#[test]
fn business_days_before_counts_strictly_before() {
    assert_eq!(business_days_before(d(2025, 6, 10), 0), d(2025, 6, 10));
    assert_eq!(business_days_before(d(2025, 6, 10), 1), d(2025, 6, 9));
    assert_eq!(business_days_before(d(2025, 6, 9), 1), d(2025, 6, 6), "Monday → Friday");
    assert_eq!(business_days_before(d(2025, 6, 8), 1), d(2025, 6, 6), "from a Sunday");
    assert_eq!(business_days_before(d(2025, 6, 9), 5), d(2025, 6, 2));
    // Friday 2024-02-23 is 天皇誕生日: Monday's previous business day is Thursday.
    assert_eq!(business_days_before(d(2024, 2, 26), 1), d(2024, 2, 22));
}
