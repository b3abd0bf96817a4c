//! Tests of yearly limits against prior use, and of consecutive runs.

use super::*;
use crate::test_support::{d, programme};

const STAY: ServiceType = ServiceType::ShortStay;
const DAY: ServiceType = ServiceType::DayCare;
const VISIT: ServiceType = ServiceType::Outreach;

fn usage(pairs: &[(ServiceType, u32)]) -> Usage {
    Usage { by_type: pairs.iter().copied().collect() }
}

#[test]
fn the_seventh_day_is_allowed_and_the_eighth_refused() {
    let rules = programme();
    assert!(check_limits(&rules, STAY, 1, 1, &usage(&[(STAY, 6)])).is_ok());
    assert!(check_limits(&rules, STAY, 7, 1, &Usage::default()).is_ok());
    let e = check_limits(&rules, STAY, 1, 1, &usage(&[(STAY, 7)])).unwrap_err();
    assert_eq!(e.field, "dates");
    assert_eq!(e.message, "SHORT_STAY: at most 7 days a fiscal year; 7 used, 1 asked for");
    let e = check_limits(&rules, STAY, 3, 1, &usage(&[(STAY, 5)])).unwrap_err();
    assert_eq!(e.message, "SHORT_STAY: at most 7 days a fiscal year; 5 used, 3 asked for");
}

#[test]
fn twins_double_the_limits_when_the_programme_says_so() {
    let mut rules = programme();
    assert!(check_limits(&rules, STAY, 1, 2, &usage(&[(STAY, 7)])).is_err(), "no multiplier by default");
    rules.multiples_multiply_limits = true;
    assert!(check_limits(&rules, STAY, 1, 2, &usage(&[(STAY, 13)])).is_ok(), "the 14th day");
    let e = check_limits(&rules, STAY, 1, 2, &usage(&[(STAY, 14)])).unwrap_err();
    assert_eq!(e.message, "SHORT_STAY: at most 14 days a fiscal year (7 × 2 infants); 14 used, 1 asked for");
    assert!(check_limits(&rules, DAY, 14, 2, &Usage::default()).is_ok());
    assert!(check_limits(&rules, DAY, 15, 2, &Usage::default()).is_err());
    assert!(check_limits(&rules, STAY, 1, 0, &usage(&[(STAY, 7)])).is_err(), "0 infants counts as 1");
}

#[test]
fn the_combined_limit_sums_both_types() {
    let rules = programme();
    assert!(check_limits(&rules, DAY, 1, 1, &usage(&[(DAY, 3), (VISIT, 3)])).is_ok());
    assert!(check_limits(&rules, VISIT, 1, 1, &usage(&[(DAY, 3), (VISIT, 3)])).is_ok());
    let e = check_limits(&rules, VISIT, 1, 1, &usage(&[(DAY, 4), (VISIT, 3)])).unwrap_err();
    assert_eq!(e.field, "dates");
    assert_eq!(e.message, "DAY_CARE + OUTREACH: at most 7 together; 7 used, 1 asked for");
    // Short stays do not count against it.
    assert!(check_limits(&rules, DAY, 1, 1, &usage(&[(STAY, 7), (DAY, 6)])).is_ok());
}

#[test]
fn unit_words_follow_the_rule() {
    let mut rules = programme();
    rules.services[1].max_units = Some(1);
    let e = check_limits(&rules, DAY, 2, 1, &Usage::default()).unwrap_err();
    assert_eq!(e.message, "DAY_CARE: at most 1 session a fiscal year; 0 used, 2 asked for");
    rules.services[2].unit = UsageUnit::Hour;
    rules.services[2].max_units = Some(10);
    let e = check_limits(&rules, VISIT, 11, 1, &Usage::default()).unwrap_err();
    assert_eq!(e.message, "OUTREACH: at most 10 hours a fiscal year; 0 used, 11 asked for");
}

#[test]
fn a_type_not_offered_is_refused() {
    let mut rules = programme();
    rules.services.retain(|s| s.service_type != STAY);
    assert_eq!(check_limits(&rules, STAY, 1, 1, &Usage::default()).unwrap_err().field, "serviceType");
}

#[test]
fn longest_run_treats_dates_as_a_set() {
    assert_eq!(longest_run(&[]), 0);
    assert_eq!(longest_run(&[d(2025, 6, 1)]), 1);
    let dates = [d(2025, 6, 3), d(2025, 6, 1), d(2025, 6, 2), d(2025, 6, 2), d(2025, 6, 5), d(2025, 6, 6)];
    assert_eq!(longest_run(&dates), 3);
    // Across a month and a year end.
    let dates = [d(2025, 12, 30), d(2025, 12, 31), d(2026, 1, 1), d(2025, 11, 30), d(2025, 12, 1)];
    assert_eq!(longest_run(&dates), 3);
    assert_eq!(longest_run(&[d(2024, 2, 28), d(2024, 3, 1), d(2024, 2, 29)]), 3, "leap year");
    assert_eq!(longest_run(&[d(2025, 2, 28), d(2025, 3, 1)]), 2);
    assert_eq!(longest_run(&[d(2025, 2, 27), d(2025, 3, 1)]), 1);
}
