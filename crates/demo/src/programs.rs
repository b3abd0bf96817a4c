//! Programme rules modelled on the seeds: Tottori city (free, counted limits), a Setagaya-style
//! lottery, Hirakata-style first come, and Kobe-style one-year eligibility.

use chrono::NaiveTime;
use sango_domain::program::{AgeLimit, ApplicationRule, CancellationFee, CancellationRule, CombinedLimit, FeeBand, ServiceRule, UsageUnit};
use sango_domain::{ApplicationMethod, HouseholdTier, ProgramRules, ServiceType, Yen};

use crate::DemoMunicipality;

/// The first municipality follows Tottori city's rules, the second runs a lottery, the rest
/// alternate between Hirakata-style and Kobe-style first-come programmes.
pub fn for_municipality(index: usize, _m: &DemoMunicipality) -> ProgramRules {
    match index {
        0 => tottori_city(),
        1 => lottery_city(),
        i if i % 2 == 0 => hirakata_style(),
        _ => kobe_style(),
    }
}

fn ten() -> NaiveTime {
    NaiveTime::from_hms_opt(10, 0, 0).expect("valid")
}

fn window(method: ApplicationMethod) -> ApplicationRule {
    ApplicationRule { method, opens_days_before: 14, closes_days_before: 1, closes_at: ten(), business_days_only: true, registration_from_pregnancy_week: None }
}

fn rule(t: ServiceType, unit: UsageUnit, age: AgeLimit, max_units: Option<u32>) -> ServiceRule {
    ServiceRule { service_type: t, unit, max_infant_age: age, earliest_day_after_birth: 4, max_units, max_consecutive_nights: None, max_hours_per_session: None, extra_infant_fee: Yen(0) }
}

/// One fee for all uses, per tier in the order TAXED, NON_TAXED, WELFARE, with an optional coupon fee for TAXED.
fn flat(t: ServiceType, fees: [i64; 3], coupon: Option<i64>) -> Vec<FeeBand> {
    HouseholdTier::ALL
        .iter()
        .zip(fees)
        .map(|(tier, fee)| FeeBand {
            service_type: t,
            tier: *tier,
            from_use: 1,
            to_use: None,
            fee: Yen(fee),
            coupon_fee: if *tier == HouseholdTier::Taxed { coupon.map(Yen) } else { None },
        })
        .collect()
}

/// Tottori city: free; stay at most 7 days with 6 consecutive nights; day care 4 hours; day care and
/// outreach together 7; twins count double; late short-stay cancellation 1,800 / 900 / 0.
fn tottori_city() -> ProgramRules {
    let mut stay = rule(ServiceType::ShortStay, UsageUnit::Day, AgeLimit::Months(12), Some(7));
    stay.max_consecutive_nights = Some(6);
    let mut day = rule(ServiceType::DayCare, UsageUnit::Session, AgeLimit::Months(12), None);
    day.max_hours_per_session = Some(4);
    let visit = rule(ServiceType::Outreach, UsageUnit::Visit, AgeLimit::Months(12), None);
    let fees = [ServiceType::ShortStay, ServiceType::DayCare, ServiceType::Outreach].into_iter().flat_map(|t| flat(t, [0, 0, 0], None)).collect();
    let late = [(HouseholdTier::Taxed, 1_800), (HouseholdTier::NonTaxed, 900), (HouseholdTier::Welfare, 0)];
    ProgramRules {
        application: window(ApplicationMethod::FirstCome),
        services: vec![stay, day, visit],
        combined_limits: vec![CombinedLimit { service_types: vec![ServiceType::DayCare, ServiceType::Outreach], max_units: 7 }],
        multiples_multiply_limits: true,
        carry_over_unused: false,
        fees,
        cancellation: Some(CancellationRule {
            deadline_days_before: 1,
            deadline_time: NaiveTime::from_hms_opt(17, 0, 0).expect("valid"),
            fees: late.iter().map(|(tier, fee)| CancellationFee { service_type: ServiceType::ShortStay, tier: *tier, fee: Yen(*fee) }).collect(),
        }),
    }
}

/// Setagaya-style: lottery, infants under 4 months for stay and day care, under 1 year for
/// outreach; stay 7 days; day care and outreach together 7; fees with coupons and an extra-infant fee.
fn lottery_city() -> ProgramRules {
    let mut stay = rule(ServiceType::ShortStay, UsageUnit::Day, AgeLimit::Months(4), Some(7));
    stay.extra_infant_fee = Yen(500);
    let mut application = window(ApplicationMethod::Lottery);
    application.registration_from_pregnancy_week = Some(28);
    let mut fees = flat(ServiceType::ShortStay, [4_500, 0, 0], Some(2_000));
    fees.extend(flat(ServiceType::DayCare, [3_000, 0, 0], Some(500)));
    fees.extend(flat(ServiceType::Outreach, [2_000, 0, 0], None));
    ProgramRules {
        application,
        services: vec![stay, rule(ServiceType::DayCare, UsageUnit::Session, AgeLimit::Months(4), None), rule(ServiceType::Outreach, UsageUnit::Visit, AgeLimit::Months(12), None)],
        combined_limits: vec![CombinedLimit { service_types: vec![ServiceType::DayCare, ServiceType::Outreach], max_units: 7 }],
        multiples_multiply_limits: false,
        carry_over_unused: false,
        fees,
        cancellation: None,
    }
}

/// Hirakata-style: first come, infants under 4 months, stay 3,100 (coupon 600), day care 1,200.
fn hirakata_style() -> ProgramRules {
    let mut fees = flat(ServiceType::ShortStay, [3_100, 0, 0], Some(600));
    fees.extend(flat(ServiceType::DayCare, [1_200, 0, 0], None));
    ProgramRules {
        application: window(ApplicationMethod::FirstCome),
        services: vec![
            rule(ServiceType::ShortStay, UsageUnit::Day, AgeLimit::Months(4), Some(7)),
            rule(ServiceType::DayCare, UsageUnit::Session, AgeLimit::Months(4), Some(7)),
        ],
        combined_limits: vec![],
        multiples_multiply_limits: false,
        carry_over_unused: false,
        fees,
        cancellation: None,
    }
}

/// Kobe-style: first come, infants under 1 year, uses 1–5 cheaper than 6–7 (the national reduction).
fn kobe_style() -> ProgramRules {
    let banded = |t: ServiceType, first: i64, later: i64| {
        let mut v = vec![
            FeeBand { service_type: t, tier: HouseholdTier::Taxed, from_use: 1, to_use: Some(5), fee: Yen(first), coupon_fee: None },
            FeeBand { service_type: t, tier: HouseholdTier::Taxed, from_use: 6, to_use: None, fee: Yen(later), coupon_fee: None },
        ];
        v.extend(flat(t, [0, 0, 0], None).into_iter().filter(|b| b.tier != HouseholdTier::Taxed));
        v
    };
    let mut fees = banded(ServiceType::ShortStay, 2_500, 5_000);
    fees.extend(banded(ServiceType::DayCare, 1_000, 2_000));
    fees.extend(banded(ServiceType::Outreach, 500, 1_500));
    ProgramRules {
        application: window(ApplicationMethod::FirstCome),
        services: vec![
            rule(ServiceType::ShortStay, UsageUnit::Day, AgeLimit::Months(12), Some(7)),
            rule(ServiceType::DayCare, UsageUnit::Session, AgeLimit::Months(12), None),
            rule(ServiceType::Outreach, UsageUnit::Visit, AgeLimit::Months(12), None),
        ],
        combined_limits: vec![CombinedLimit { service_types: vec![ServiceType::DayCare, ServiceType::Outreach], max_units: 7 }],
        multiples_multiply_limits: false,
        carry_over_unused: false,
        fees,
        cancellation: None,
    }
}
