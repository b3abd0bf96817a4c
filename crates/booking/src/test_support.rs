//! Fixtures shared by the unit tests: dates, JST instants and a Setagaya-like programme.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sango_domain::program::{
    AgeLimit, ApplicationRule, CancellationFee, CancellationRule, CombinedLimit, FeeBand, ServiceRule, UsageUnit,
};
use sango_domain::{ApplicationMethod, HouseholdTier, ProgramRules, ServiceType, Yen};

use crate::window::from_jst;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn hms(h: u32, m: u32, s: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, s).unwrap()
}

/// The instant at which JST clocks show `date` `h:m:s`.
pub fn jst(date: NaiveDate, h: u32, m: u32, s: u32) -> DateTime<Utc> {
    from_jst(date.and_time(hms(h, m, s)))
}

/// Setagaya: apply from 14 days before to 10:00 one business day before; lottery.
pub fn setagaya_application() -> ApplicationRule {
    ApplicationRule {
        method: ApplicationMethod::Lottery,
        opens_days_before: 14,
        closes_days_before: 1,
        closes_at: hms(10, 0, 0),
        business_days_only: true,
        registration_from_pregnancy_week: Some(28),
    }
}

fn service(t: ServiceType, unit: UsageUnit, max_units: Option<u32>) -> ServiceRule {
    ServiceRule {
        service_type: t,
        unit,
        max_infant_age: AgeLimit::Months(4),
        earliest_day_after_birth: 4,
        max_units,
        max_consecutive_nights: None,
        max_hours_per_session: None,
        extra_infant_fee: Yen(0),
    }
}

/// Stay 7 days; day care and outreach 7 together; late stay cancellation 1,800 / 900 / 0
/// after 17:00 two days before (Tottori-like fees).
pub fn programme() -> ProgramRules {
    let fees = ServiceType::ALL
        .iter()
        .flat_map(|t| {
            HouseholdTier::ALL.iter().map(move |tier| FeeBand {
                service_type: *t,
                tier: *tier,
                from_use: 1,
                to_use: None,
                fee: Yen(0),
                coupon_fee: None,
            })
        })
        .collect();
    let late = |tier, fee| CancellationFee { service_type: ServiceType::ShortStay, tier, fee: Yen(fee) };
    let rules = ProgramRules {
        application: setagaya_application(),
        services: vec![
            service(ServiceType::ShortStay, UsageUnit::Day, Some(7)),
            service(ServiceType::DayCare, UsageUnit::Session, None),
            service(ServiceType::Outreach, UsageUnit::Visit, None),
        ],
        combined_limits: vec![CombinedLimit { service_types: vec![ServiceType::DayCare, ServiceType::Outreach], max_units: 7 }],
        multiples_multiply_limits: false,
        carry_over_unused: false,
        fees,
        cancellation: Some(CancellationRule {
            deadline_days_before: 2,
            deadline_time: hms(17, 0, 0),
            fees: vec![late(HouseholdTier::Taxed, 1800), late(HouseholdTier::NonTaxed, 900), late(HouseholdTier::Welfare, 0)],
        }),
    };
    rules.validate().unwrap();
    rules
}
