//! `ProgramRulesInput`: a whole programme for one fiscal year, as a typed input.

use async_graphql::InputObject;
use chrono::NaiveTime;
use sango_domain::program::{self as p, AgeLimit};
use sango_domain::{DomainError, DomainResult, ProgramRules};

use crate::enums::{ApplicationMethod, HouseholdTier, ServiceType, UsageUnit};
use crate::scalars::Yen;

#[derive(InputObject)]
pub struct ProgramRulesInput {
    pub application: ApplicationInput,
    pub services: Vec<ServiceRuleInput>,
    #[graphql(default)]
    pub combined_limits: Vec<CombinedLimitInput>,
    #[graphql(default)]
    pub multiples_multiply_limits: bool,
    #[graphql(default)]
    pub carry_over_unused: bool,
    pub fees: Vec<FeeBandInput>,
    pub cancellation: Option<CancellationInput>,
}

#[derive(InputObject)]
pub struct ApplicationInput {
    pub method: ApplicationMethod,
    #[graphql(default = 14)]
    pub opens_days_before: u32,
    #[graphql(default = 1)]
    pub closes_days_before: u32,
    /// `HH:MM`, JST.
    #[graphql(default_with = "\"10:00\".to_string()")]
    pub closes_at: String,
    #[graphql(default = true)]
    pub business_days_only: bool,
    pub registration_from_pregnancy_week: Option<u32>,
}

/// Give exactly one of `maxInfantAgeDays` and `maxInfantAgeMonths`.
#[derive(InputObject)]
pub struct ServiceRuleInput {
    pub service_type: ServiceType,
    pub unit: Option<UsageUnit>,
    pub max_infant_age_days: Option<u32>,
    pub max_infant_age_months: Option<u32>,
    #[graphql(default = 4)]
    pub earliest_day_after_birth: u32,
    pub max_units: Option<u32>,
    pub max_consecutive_nights: Option<u32>,
    pub max_hours_per_session: Option<u32>,
    pub extra_infant_fee: Option<Yen>,
}

#[derive(InputObject)]
pub struct CombinedLimitInput {
    pub service_types: Vec<ServiceType>,
    pub max_units: u32,
}

#[derive(InputObject)]
pub struct FeeBandInput {
    pub service_type: ServiceType,
    pub tier: HouseholdTier,
    #[graphql(default = 1)]
    pub from_use: u32,
    pub to_use: Option<u32>,
    pub fee: Yen,
    pub coupon_fee: Option<Yen>,
}

#[derive(InputObject)]
pub struct CancellationInput {
    pub deadline_days_before: u32,
    /// `HH:MM`, JST.
    pub deadline_time: String,
    pub fees: Vec<CancellationFeeInput>,
}

#[derive(InputObject)]
pub struct CancellationFeeInput {
    pub service_type: ServiceType,
    pub tier: HouseholdTier,
    pub fee: Yen,
}

fn time(s: &str, field: &str) -> DomainResult<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| DomainError::invalid(field, format!("'{s}' is not a time HH:MM")))
}

impl ProgramRulesInput {
    /// The domain rules; shape errors here, rule errors from `ProgramRules::validate`.
    pub fn into_rules(self) -> DomainResult<ProgramRules> {
        let a = self.application;
        let application = p::ApplicationRule {
            method: a.method.into(),
            opens_days_before: a.opens_days_before,
            closes_days_before: a.closes_days_before,
            closes_at: time(&a.closes_at, "application.closesAt")?,
            business_days_only: a.business_days_only,
            registration_from_pregnancy_week: a.registration_from_pregnancy_week,
        };
        let services = self.services.into_iter().enumerate().map(|(i, s)| service(i, s)).collect::<DomainResult<Vec<_>>>()?;
        let cancellation = match self.cancellation {
            None => None,
            Some(c) => Some(p::CancellationRule {
                deadline_days_before: c.deadline_days_before,
                deadline_time: time(&c.deadline_time, "cancellation.deadlineTime")?,
                fees: c.fees.into_iter().map(|f| p::CancellationFee { service_type: f.service_type.into(), tier: f.tier.into(), fee: f.fee.0 }).collect(),
            }),
        };
        Ok(ProgramRules {
            application,
            services,
            combined_limits: self
                .combined_limits
                .into_iter()
                .map(|c| p::CombinedLimit { service_types: c.service_types.into_iter().map(Into::into).collect(), max_units: c.max_units })
                .collect(),
            multiples_multiply_limits: self.multiples_multiply_limits,
            carry_over_unused: self.carry_over_unused,
            fees: self
                .fees
                .into_iter()
                .map(|b| p::FeeBand { service_type: b.service_type.into(), tier: b.tier.into(), from_use: b.from_use, to_use: b.to_use, fee: b.fee.0, coupon_fee: b.coupon_fee.map(|c| c.0) })
                .collect(),
            cancellation,
        })
    }
}

fn service(i: usize, s: ServiceRuleInput) -> DomainResult<p::ServiceRule> {
    let t: sango_domain::ServiceType = s.service_type.into();
    let max_infant_age = match (s.max_infant_age_days, s.max_infant_age_months) {
        (Some(d), None) => AgeLimit::Days(d),
        (None, Some(m)) => AgeLimit::Months(m),
        _ => return Err(DomainError::invalid(format!("services[{i}].maxInfantAgeDays"), "give exactly one of maxInfantAgeDays and maxInfantAgeMonths")),
    };
    let default_unit = match t {
        sango_domain::ServiceType::ShortStay => p::UsageUnit::Day,
        sango_domain::ServiceType::DayCare => p::UsageUnit::Session,
        sango_domain::ServiceType::Outreach => p::UsageUnit::Visit,
    };
    Ok(p::ServiceRule {
        service_type: t,
        unit: s.unit.map_or(default_unit, Into::into),
        max_infant_age,
        earliest_day_after_birth: s.earliest_day_after_birth,
        max_units: s.max_units,
        max_consecutive_nights: s.max_consecutive_nights,
        max_hours_per_session: s.max_hours_per_session,
        extra_infant_fee: s.extra_infant_fee.map_or(sango_domain::Yen::ZERO, |y| y.0),
    })
}
