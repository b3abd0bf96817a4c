//! Tests of programme validation and fees, on rules shaped like Setagaya's and Tottori's.

use super::*;
use crate::kinds::HouseholdTier::*;
use crate::kinds::ServiceType::*;

fn band(t: ServiceType, tier: HouseholdTier, from: u32, to: Option<u32>, fee: i64, coupon: Option<i64>) -> FeeBand {
    FeeBand { service_type: t, tier, from_use: from, to_use: to, fee: Yen(fee), coupon_fee: coupon.map(Yen) }
}

fn service(t: ServiceType, months: u32, max: Option<u32>, extra: i64) -> ServiceRule {
    ServiceRule {
        service_type: t,
        unit: UsageUnit::Day,
        max_infant_age: AgeLimit::Months(months),
        earliest_day_after_birth: 4,
        max_units: max,
        max_consecutive_nights: None,
        max_hours_per_session: None,
        extra_infant_fee: Yen(extra),
    }
}

/// Setagaya FY2024: stay 4,500 (coupon 2,000) / 0 / 0, extra infant 500; day 3,000 (coupon 500); outreach 2,000.
fn setagaya() -> ProgramRules {
    ProgramRules {
        application: ApplicationRule {
            method: ApplicationMethod::Lottery,
            opens_days_before: 14,
            closes_days_before: 1,
            closes_at: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            business_days_only: true,
            registration_from_pregnancy_week: Some(28),
        },
        services: vec![service(ShortStay, 4, Some(7), 500), service(DayCare, 4, None, 0), service(Outreach, 12, None, 0)],
        combined_limits: vec![CombinedLimit { service_types: vec![DayCare, Outreach], max_units: 7 }],
        multiples_multiply_limits: false,
        carry_over_unused: false,
        fees: vec![
            band(ShortStay, Taxed, 1, None, 4500, Some(2000)),
            band(ShortStay, NonTaxed, 1, None, 0, None),
            band(ShortStay, Welfare, 1, None, 0, None),
            band(DayCare, Taxed, 1, None, 3000, Some(500)),
            band(DayCare, NonTaxed, 1, None, 0, None),
            band(DayCare, Welfare, 1, None, 0, None),
            band(Outreach, Taxed, 1, Some(5), 2000, None),
            band(Outreach, Taxed, 6, None, 2500, None),
            band(Outreach, NonTaxed, 1, None, 0, None),
            band(Outreach, Welfare, 1, None, 0, None),
        ],
        cancellation: None,
    }
}

#[test]
fn a_setagaya_shaped_programme_is_valid() {
    setagaya().validate().unwrap();
}

#[test]
fn fees_follow_tier_ordinal_coupon_and_multiples() {
    let p = setagaya();
    assert_eq!(p.user_fee(ShortStay, Taxed, 1, 1, false), Some(Yen(4500)));
    assert_eq!(p.user_fee(ShortStay, Taxed, 1, 1, true), Some(Yen(2000)));
    assert_eq!(p.user_fee(ShortStay, Taxed, 3, 2, false), Some(Yen(5000)));
    assert_eq!(p.user_fee(ShortStay, NonTaxed, 1, 1, false), Some(Yen(0)));
    assert_eq!(p.user_fee(Outreach, Taxed, 5, 1, false), Some(Yen(2000)));
    assert_eq!(p.user_fee(Outreach, Taxed, 6, 1, false), Some(Yen(2500)));
}

#[test]
fn a_fee_table_missing_a_tier_names_the_type_and_tier() {
    let mut p = setagaya();
    p.fees.retain(|b| !(b.service_type == DayCare && b.tier == NonTaxed));
    let e = p.validate().unwrap_err();
    assert_eq!(e.field, "fees[DAY_CARE].NON_TAXED");
}

#[test]
fn gaps_overlaps_and_closed_tables_are_refused() {
    let mut gap = setagaya();
    gap.fees.retain(|b| !(b.service_type == Outreach && b.tier == Taxed && b.from_use == 6));
    gap.fees.push(band(Outreach, Taxed, 7, None, 2500, None));
    assert!(gap.validate().unwrap_err().message.contains("gap"));

    let mut overlap = setagaya();
    overlap.fees.push(band(Outreach, Taxed, 5, Some(5), 1, None));
    assert!(overlap.validate().unwrap_err().message.contains("overlap"));

    let mut closed = setagaya();
    for b in closed.fees.iter_mut().filter(|b| b.service_type == Outreach && b.tier == Taxed && b.from_use == 6) {
        b.to_use = Some(7);
    }
    assert!(closed.validate().unwrap_err().message.contains("use 8 onwards"));
}

#[test]
fn negative_fees_and_dear_coupons_are_refused() {
    let mut p = setagaya();
    p.fees[0].fee = Yen(-1);
    assert_eq!(p.validate().unwrap_err().field, "fees[0].fee");
    let mut p = setagaya();
    p.fees[0].coupon_fee = Some(Yen(9999));
    assert_eq!(p.validate().unwrap_err().field, "fees[0].couponFee");
}

#[test]
fn combined_limits_need_offered_distinct_types() {
    let mut p = setagaya();
    p.combined_limits[0].service_types = vec![DayCare, DayCare];
    assert_eq!(p.validate().unwrap_err().field, "combinedLimits[0].serviceTypes");
    let mut p = setagaya();
    p.services.retain(|s| s.service_type != Outreach);
    p.fees.retain(|b| b.service_type != Outreach);
    assert!(p.validate().unwrap_err().message.contains("OUTREACH is not offered"));
}

#[test]
fn window_and_age_rules_are_checked() {
    let mut p = setagaya();
    p.application.closes_days_before = 20;
    assert_eq!(p.validate().unwrap_err().field, "application.closesDaysBefore");
    let mut p = setagaya();
    p.services[0].max_infant_age = AgeLimit::Months(13);
    assert_eq!(p.validate().unwrap_err().field, "services[0].maxInfantAge");
    let mut p = setagaya();
    p.services[1].earliest_day_after_birth = 200;
    assert_eq!(p.validate().unwrap_err().field, "services[1].earliestDayAfterBirth");
}

#[test]
fn age_limits_in_months_and_days() {
    let birth = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
    assert_eq!(AgeLimit::Months(1).first_ineligible_day(birth), NaiveDate::from_ymd_opt(2025, 2, 28));
    assert_eq!(AgeLimit::Days(120).first_ineligible_day(birth), NaiveDate::from_ymd_opt(2025, 5, 31));
}

#[test]
fn rules_round_trip_through_json() {
    let p = setagaya();
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.contains("\"maxInfantAge\":{\"unit\":\"months\",\"value\":4}"), "{json}");
    let back: ProgramRules = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn a_band_ending_at_the_largest_ordinal_is_refused_not_wrapped() {
    let mut p = setagaya();
    for b in p.fees.iter_mut().filter(|b| b.service_type == Outreach && b.tier == Taxed && b.from_use == 6) {
        b.to_use = Some(u32::MAX);
    }
    assert_eq!(p.validate().unwrap_err().field, "fees[OUTREACH].TAXED");
}

#[test]
fn limits_name_their_own_field() {
    let mut p = setagaya();
    p.services[0].max_consecutive_nights = Some(0);
    assert_eq!(p.validate().unwrap_err().field, "services[0].maxConsecutiveNights");
    let mut p = setagaya();
    p.services[1].max_hours_per_session = Some(25);
    assert_eq!(p.validate().unwrap_err().field, "services[1].maxHoursPerSession");
    let mut p = setagaya();
    p.fees[0].coupon_fee = Some(Yen(-1));
    assert_eq!(p.validate().unwrap_err().field, "fees[0].couponFee");
    let mut p = setagaya();
    p.fees[6].to_use = Some(0);
    assert_eq!(p.validate().unwrap_err().field, "fees[6].toUse");
}
