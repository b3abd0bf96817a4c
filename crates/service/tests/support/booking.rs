//! A small world for booking tests: one short-stay facility in 鳥取市, contracted by 鳥取市
//! (first come) and 米子市 (lottery), with FY2025 programmes modelled on the seeds.

use chrono::{NaiveDate, NaiveTime};
use sango_domain::program::{AgeLimit, ApplicationRule, CancellationFee, CancellationRule, FeeBand, ServiceRule, UsageUnit};
use sango_domain::{ApplicationMethod, CaseProfile, ContractTerms, Coordinates, FacilityDraft, FacilityKind, FiscalYear, HouseholdTier, ProgramRules, ServiceCapacity, ServiceType, Yen};
use sango_service::Hub;
use sango_store::cases::Case;

use super::{admin, code, staff};

pub const T: ServiceType = ServiceType::ShortStay;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Stay up to 7 days (6 consecutive nights), infants under `months` months, from day 4;
/// window from 14 days before to 10:00 the previous business day; late cancellation 1,800 / 900 / 0.
pub fn rules(method: ApplicationMethod, months: u32) -> ProgramRules {
    ProgramRules {
        application: ApplicationRule { method, opens_days_before: 14, closes_days_before: 1, closes_at: NaiveTime::from_hms_opt(10, 0, 0).unwrap(), business_days_only: true, registration_from_pregnancy_week: None },
        services: vec![ServiceRule { service_type: T, unit: UsageUnit::Day, max_infant_age: AgeLimit::Months(months), earliest_day_after_birth: 4, max_units: Some(7), max_consecutive_nights: Some(6), max_hours_per_session: None, extra_infant_fee: Yen(500) }],
        combined_limits: vec![],
        multiples_multiply_limits: true,
        carry_over_unused: false,
        fees: HouseholdTier::ALL.iter().map(|tier| FeeBand { service_type: T, tier: *tier, from_use: 1, to_use: None, fee: Yen(0), coupon_fee: None }).collect(),
        cancellation: Some(CancellationRule {
            deadline_days_before: 1,
            deadline_time: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            fees: [(HouseholdTier::Taxed, 1_800), (HouseholdTier::NonTaxed, 900), (HouseholdTier::Welfare, 0)].iter().map(|(tier, fee)| CancellationFee { service_type: T, tier: *tier, fee: Yen(*fee) }).collect(),
        }),
    }
}

/// The facility id.
pub async fn world(hub: &Hub, capacity: i64) -> i64 {
    let draft = FacilityDraft {
        name: "（架空）とっとり駅前助産院".into(),
        kind: FacilityKind::MidwifeHome,
        address: String::new(),
        location: Coordinates::new(35.4933, 134.2259, "location").unwrap(),
        services: vec![ServiceCapacity::new(T, capacity, "c").unwrap()],
        synthetic: true,
    };
    let f = hub.create_facility(&admin(), draft).await.unwrap();
    let fy = FiscalYear::new(2025).unwrap();
    for (m, method) in [("312011", ApplicationMethod::FirstCome), ("312029", ApplicationMethod::Lottery)] {
        hub.set_program(&staff(m), code(m), fy, rules(method, 4)).await.unwrap();
        let terms = ContractTerms { municipality: code(m), facility_id: f.id, service_type: T, unit_price: Yen(36_000), additions: Default::default(), valid_from: d("2025-04-01"), valid_to: None };
        hub.create_contract(&staff(m), terms).await.unwrap();
    }
    f.id
}

/// Registers a case of municipality `m` born on `birth`.
pub async fn case(hub: &Hub, m: &str, birth: &str, high_need: bool) -> Case {
    let profile = CaseProfile {
        municipality: code(m),
        tier: HouseholdTier::Taxed,
        infant_birth_date: d(birth),
        multiples: 1,
        high_need,
        coordination: false,
        registered_on: d("2025-04-01"),
    };
    hub.register_case(&staff(m), profile).await.unwrap()
}

pub fn request(case: &Case, facility: i64, dates: &[&str], key: Option<&str>) -> sango_service::booking::BookRequest {
    sango_service::booking::BookRequest { case: case.reference.clone(), facility_id: facility, service_type: T, dates: dates.iter().map(|s| d(s)).collect(), idempotency_key: key.map(str::to_owned) }
}
