//! Tests of late-cancellation fees at the deadline.

use super::*;
use crate::test_support::{d, hms, jst, programme};

const STAY: ServiceType = ServiceType::ShortStay;

#[test]
fn the_deadline_is_calendar_days_before_at_the_time() {
    let rules = programme();
    let rule = rules.cancellation.as_ref().unwrap();
    // Monday 2025-06-09: two calendar days before is Saturday (no business-day counting).
    assert_eq!(cancellation_deadline(rule, d(2025, 6, 9)), d(2025, 6, 7).and_time(hms(17, 0, 0)));
}

#[test]
fn exactly_at_the_deadline_is_late() {
    let rules = programme();
    let first = d(2025, 6, 10);
    assert_eq!(cancellation_fee(&rules, STAY, HouseholdTier::Taxed, first, jst(d(2025, 6, 8), 17, 0, 0)), Some(Yen(1800)));
    assert_eq!(cancellation_fee(&rules, STAY, HouseholdTier::NonTaxed, first, jst(d(2025, 6, 9), 9, 0, 0)), Some(Yen(900)));
    assert_eq!(cancellation_fee(&rules, STAY, HouseholdTier::Taxed, first, jst(d(2025, 6, 12), 0, 0, 0)), Some(Yen(1800)));
}

#[test]
fn one_second_before_is_on_time() {
    let rules = programme();
    let first = d(2025, 6, 10);
    assert_eq!(cancellation_fee(&rules, STAY, HouseholdTier::Taxed, first, jst(d(2025, 6, 8), 16, 59, 59)), None);
    assert_eq!(cancellation_fee(&rules, STAY, HouseholdTier::Taxed, first, jst(d(2025, 5, 1), 12, 0, 0)), None);
}

#[test]
fn late_but_free_when_no_fee_is_listed() {
    let rules = programme();
    let now = jst(d(2025, 6, 9), 12, 0, 0);
    let first = d(2025, 6, 10);
    assert_eq!(cancellation_fee(&rules, STAY, HouseholdTier::Welfare, first, now), Some(Yen(0)), "listed as 0");
    assert_eq!(cancellation_fee(&rules, ServiceType::DayCare, HouseholdTier::Taxed, first, now), Some(Yen(0)), "not listed");
}

#[test]
fn no_rule_means_never_late() {
    let rules = ProgramRules { cancellation: None, ..programme() };
    assert_eq!(cancellation_fee(&rules, STAY, HouseholdTier::Taxed, d(2025, 6, 10), jst(d(2025, 6, 10), 12, 0, 0)), None);
}
