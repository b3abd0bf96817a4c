//! `Program`: one version of a municipality's programme rules for a fiscal year.

use async_graphql::{Object, SimpleObject};
use sango_domain::program::{self as p, AgeLimit};
use sango_service::ProgramVersion;

use crate::enums::{ApplicationMethod, HouseholdTier, ServiceType, UsageUnit};
use crate::scalars::{LgCode, Yen};

pub struct Program(pub ProgramVersion);

/// How and when mothers apply.
#[derive(SimpleObject)]
pub struct Application {
    pub method: ApplicationMethod,
    pub opens_days_before: u32,
    pub closes_days_before: u32,
    /// Local time (JST), `HH:MM`.
    pub closes_at: String,
    pub business_days_only: bool,
    pub registration_from_pregnancy_week: Option<u32>,
}

/// Rules for one service type.
#[derive(SimpleObject)]
pub struct ServiceRule {
    pub service_type: ServiceType,
    pub unit: UsageUnit,
    /// Infants must be younger than this many days (null when given in months).
    pub max_infant_age_days: Option<u32>,
    /// Infants must be younger than this many months (null when given in days).
    pub max_infant_age_months: Option<u32>,
    pub earliest_day_after_birth: u32,
    pub max_units: Option<u32>,
    pub max_consecutive_nights: Option<u32>,
    pub max_hours_per_session: Option<u32>,
    pub extra_infant_fee: Yen,
}

/// A limit shared by several types.
#[derive(SimpleObject)]
pub struct CombinedLimit {
    pub service_types: Vec<ServiceType>,
    pub max_units: u32,
}

/// The user fee for a band of use ordinals.
#[derive(SimpleObject)]
pub struct FeeBand {
    pub service_type: ServiceType,
    pub tier: HouseholdTier,
    pub from_use: u32,
    pub to_use: Option<u32>,
    pub fee: Yen,
    pub coupon_fee: Option<Yen>,
}

/// Late-cancellation fee.
#[derive(SimpleObject)]
pub struct CancellationFee {
    pub service_type: ServiceType,
    pub tier: HouseholdTier,
    pub fee: Yen,
}

/// When a cancellation becomes late, and what it costs.
#[derive(SimpleObject)]
pub struct Cancellation {
    pub deadline_days_before: u32,
    pub deadline_time: String,
    pub fees: Vec<CancellationFee>,
}

#[Object]
impl Program {
    async fn municipality(&self) -> LgCode {
        LgCode(self.0.municipality)
    }
    async fn fiscal_year(&self) -> i32 {
        self.0.fiscal_year.year()
    }
    /// 和暦: 令和7年度.
    async fn fiscal_year_label(&self) -> String {
        self.0.fiscal_year.wareki()
    }
    /// 1 for the first version; every change appends one.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn application(&self) -> Application {
        let a = &self.0.rules.application;
        Application {
            method: a.method.into(),
            opens_days_before: a.opens_days_before,
            closes_days_before: a.closes_days_before,
            closes_at: a.closes_at.format("%H:%M").to_string(),
            business_days_only: a.business_days_only,
            registration_from_pregnancy_week: a.registration_from_pregnancy_week,
        }
    }
    async fn services(&self) -> Vec<ServiceRule> {
        self.0.rules.services.iter().map(service).collect()
    }
    async fn combined_limits(&self) -> Vec<CombinedLimit> {
        let r = &self.0.rules.combined_limits;
        r.iter().map(|c| CombinedLimit { service_types: c.service_types.iter().map(|t| (*t).into()).collect(), max_units: c.max_units }).collect()
    }
    /// Whether twins count twice against every limit.
    async fn multiples_multiply_limits(&self) -> bool {
        self.0.rules.multiples_multiply_limits
    }
    async fn carry_over_unused(&self) -> bool {
        self.0.rules.carry_over_unused
    }
    async fn fees(&self) -> Vec<FeeBand> {
        self.0.rules.fees.iter().map(fee).collect()
    }
    async fn cancellation(&self) -> Option<Cancellation> {
        self.0.rules.cancellation.as_ref().map(|c| Cancellation {
            deadline_days_before: c.deadline_days_before,
            deadline_time: c.deadline_time.format("%H:%M").to_string(),
            fees: c.fees.iter().map(|f| CancellationFee { service_type: f.service_type.into(), tier: f.tier.into(), fee: Yen(f.fee) }).collect(),
        })
    }
    /// The whole rule set as stored (JSON), for export and comparison.
    async fn rules_json(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(serde_json::to_value(&self.0.rules).unwrap_or_default())
    }
    async fn created_at(&self) -> String {
        self.0.created_at.to_rfc3339()
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
}

fn service(s: &p::ServiceRule) -> ServiceRule {
    let (days, months) = match s.max_infant_age {
        AgeLimit::Days(d) => (Some(d), None),
        AgeLimit::Months(m) => (None, Some(m)),
    };
    ServiceRule {
        service_type: s.service_type.into(),
        unit: s.unit.into(),
        max_infant_age_days: days,
        max_infant_age_months: months,
        earliest_day_after_birth: s.earliest_day_after_birth,
        max_units: s.max_units,
        max_consecutive_nights: s.max_consecutive_nights,
        max_hours_per_session: s.max_hours_per_session,
        extra_infant_fee: Yen(s.extra_infant_fee),
    }
}

fn fee(b: &p::FeeBand) -> FeeBand {
    FeeBand { service_type: b.service_type.into(), tier: b.tier.into(), from_use: b.from_use, to_use: b.to_use, fee: Yen(b.fee), coupon_fee: b.coupon_fee.map(Yen) }
}
