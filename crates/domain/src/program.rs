//! A municipality's programme rules for one fiscal year: eligibility, limits, user fees,
//! cancellation and the application window. Stored as data; validated here.

use std::collections::BTreeSet;

use chrono::{Months, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};
use crate::kinds::{ApplicationMethod, HouseholdTier, ServiceType};
use crate::yen::Yen;

/// Every rule of one municipality's programme for one fiscal year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgramRules {
    pub application: ApplicationRule,
    /// One entry per service type offered.
    pub services: Vec<ServiceRule>,
    /// Limits shared by several types, e.g. DAY_CARE + OUTREACH together 7.
    #[serde(default)]
    pub combined_limits: Vec<CombinedLimit>,
    /// Twins count twice against every limit (Tottori city).
    #[serde(default)]
    pub multiples_multiply_limits: bool,
    /// Unused balance carries into the next fiscal year (Kakogawa).
    #[serde(default)]
    pub carry_over_unused: bool,
    /// The user-fee table: type × tier × band of use ordinals.
    pub fees: Vec<FeeBand>,
    /// Late-cancellation rule, if the programme charges for it.
    #[serde(default)]
    pub cancellation: Option<CancellationRule>,
}

/// How and when mothers apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationRule {
    pub method: ApplicationMethod,
    /// Applications open this many days before the first day of use (Setagaya: 14).
    pub opens_days_before: u32,
    /// Applications close this many (business) days before the first day of use, at `closes_at`.
    pub closes_days_before: u32,
    /// Local (JST) time of day the window closes (Setagaya: 10:00).
    pub closes_at: NaiveTime,
    /// Count only business days (weekends, holidays and 12/29–1/3 excluded) when closing.
    pub business_days_only: bool,
    /// Mothers may register from this week of pregnancy (Setagaya: 28).
    #[serde(default)]
    pub registration_from_pregnancy_week: Option<u32>,
}

/// The unit in which a service type is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UsageUnit {
    /// A day; a night of a short stay counts as a day (6泊7日 = 7 days).
    Day,
    /// A day-care session.
    Session,
    /// A home visit.
    Visit,
    /// An hour (Kakogawa counts hours).
    Hour,
}

/// The oldest an infant may be on a day of use: "under N months" or "under N days".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "unit", content = "value")]
pub enum AgeLimit {
    Days(u32),
    Months(u32),
}

impl AgeLimit {
    /// The first date on which an infant born on `birth` is too old.
    pub fn first_ineligible_day(self, birth: NaiveDate) -> Option<NaiveDate> {
        match self {
            AgeLimit::Days(n) => birth.checked_add_days(chrono::Days::new(u64::from(n))),
            AgeLimit::Months(n) => birth.checked_add_months(Months::new(n)),
        }
    }
}

/// Rules for one service type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRule {
    pub service_type: ServiceType,
    pub unit: UsageUnit,
    /// Infants must be younger than this on every day of use.
    pub max_infant_age: AgeLimit,
    /// The earliest day after birth (birth date = day 0) on which the service may be used.
    pub earliest_day_after_birth: u32,
    /// Units per case per fiscal year (before the multiples multiplier).
    #[serde(default)]
    pub max_units: Option<u32>,
    /// Longest run of consecutive nights (short stay).
    #[serde(default)]
    pub max_consecutive_nights: Option<u32>,
    /// Longest session in hours (Tottori day care: 4).
    #[serde(default)]
    pub max_hours_per_session: Option<u32>,
    /// Added to the user fee per additional infant (Setagaya short stay: 500).
    #[serde(default)]
    pub extra_infant_fee: Yen,
}

/// A limit shared by several service types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CombinedLimit {
    pub service_types: Vec<ServiceType>,
    pub max_units: u32,
}

/// The user fee for uses `from_use..=to_use` (1-based ordinals; `to_use` None = no upper end).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeBand {
    pub service_type: ServiceType,
    pub tier: HouseholdTier,
    pub from_use: u32,
    #[serde(default)]
    pub to_use: Option<u32>,
    pub fee: Yen,
    /// The fee when the mother uses a coupon (Setagaya short stay: 2,000 instead of 4,500).
    #[serde(default)]
    pub coupon_fee: Option<Yen>,
}

/// What a cancellation after the deadline costs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancellationRule {
    /// Cancellations later than this many days before the first day of use, at `deadline_time`, are late.
    pub deadline_days_before: u32,
    pub deadline_time: NaiveTime,
    /// Late fees by type and tier; a missing pair means no fee.
    pub fees: Vec<CancellationFee>,
}

/// One late-cancellation fee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancellationFee {
    pub service_type: ServiceType,
    pub tier: HouseholdTier,
    pub fee: Yen,
}

impl ProgramRules {
    /// Checks every rule; the error names the first field at fault.
    pub fn validate(&self) -> DomainResult<()> {
        self.validate_application().map_err(|e| e.within("application"))?;
        let offered = self.validate_services()?;
        self.validate_combined(&offered)?;
        self.validate_fees(&offered)?;
        if let Some(c) = &self.cancellation {
            for (i, f) in c.fees.iter().enumerate() {
                if f.fee.0 < 0 {
                    return Err(DomainError::invalid(format!("cancellation.fees[{i}].fee"), "a fee must not be negative"));
                }
                if !offered.contains(&f.service_type) {
                    return Err(not_offered(format!("cancellation.fees[{i}].serviceType"), f.service_type));
                }
            }
        }
        Ok(())
    }

    /// The rule for a service type, if the programme offers it.
    pub fn service(&self, t: ServiceType) -> Option<&ServiceRule> {
        self.services.iter().find(|s| s.service_type == t)
    }

    /// The user fee for the `use_ordinal`-th use (1-based) of `t` by a household of `tier`
    /// with `infants` infants, with or without a coupon. None if the type is not offered.
    pub fn user_fee(&self, t: ServiceType, tier: HouseholdTier, use_ordinal: u32, infants: u32, with_coupon: bool) -> Option<Yen> {
        let band = self.fees.iter().find(|b| {
            b.service_type == t && b.tier == tier && b.from_use <= use_ordinal && b.to_use.is_none_or(|to| use_ordinal <= to)
        })?;
        let base = if with_coupon { band.coupon_fee.unwrap_or(band.fee) } else { band.fee };
        let extra = self.service(t)?.extra_infant_fee.0 * i64::from(infants.saturating_sub(1));
        Some(Yen(base.0 + extra))
    }

    fn validate_application(&self) -> DomainResult<()> {
        let a = &self.application;
        if a.closes_days_before > a.opens_days_before {
            return Err(DomainError::invalid(
                "closesDaysBefore",
                format!("the window closes {} days before use but opens only {} days before", a.closes_days_before, a.opens_days_before),
            ));
        }
        if a.opens_days_before > 366 {
            return Err(DomainError::invalid("opensDaysBefore", "a window may open at most 366 days before use"));
        }
        if a.registration_from_pregnancy_week.is_some_and(|w| w > 42) {
            return Err(DomainError::invalid("registrationFromPregnancyWeek", "a pregnancy week must be 0 to 42"));
        }
        Ok(())
    }

    fn validate_services(&self) -> DomainResult<BTreeSet<ServiceType>> {
        if self.services.is_empty() {
            return Err(DomainError::invalid("services", "a programme must offer at least one service type"));
        }
        let mut offered = BTreeSet::new();
        for (i, s) in self.services.iter().enumerate() {
            let field = |f: &str| format!("services[{i}].{f}");
            if !offered.insert(s.service_type) {
                return Err(DomainError::invalid(field("serviceType"), format!("{} is listed twice", s.service_type)));
            }
            let (age_days, ok) = match s.max_infant_age {
                AgeLimit::Days(n) => (n, (1..=366).contains(&n)),
                AgeLimit::Months(n) => (n.saturating_mul(28), (1..=12).contains(&n)),
            };
            if !ok {
                return Err(DomainError::invalid(field("maxInfantAge"), "the age limit must be 1 to 366 days or 1 to 12 months"));
            }
            if s.earliest_day_after_birth >= age_days {
                return Err(DomainError::invalid(field("earliestDayAfterBirth"), "the earliest day is not before the age limit"));
            }
            for (value, name) in [(s.max_units, "maxUnits"), (s.max_consecutive_nights, "maxConsecutiveNights"), (s.max_hours_per_session, "maxHoursPerSession")] {
                if value == Some(0) {
                    return Err(DomainError::invalid(field(name), "a limit of 0 would refuse every use; leave it out instead"));
                }
            }
            if s.max_hours_per_session.is_some_and(|h| h > 24) {
                return Err(DomainError::invalid(field("maxHoursPerSession"), "a session lasts at most 24 hours"));
            }
            if s.extra_infant_fee.0 < 0 {
                return Err(DomainError::invalid(field("extraInfantFee"), "a fee must not be negative"));
            }
        }
        Ok(offered)
    }

    fn validate_combined(&self, offered: &BTreeSet<ServiceType>) -> DomainResult<()> {
        for (i, c) in self.combined_limits.iter().enumerate() {
            let set: BTreeSet<_> = c.service_types.iter().copied().collect();
            if set.len() < 2 || set.len() != c.service_types.len() {
                return Err(DomainError::invalid(format!("combinedLimits[{i}].serviceTypes"), "a combined limit names two or more different types"));
            }
            if let Some(t) = set.iter().find(|t| !offered.contains(t)) {
                return Err(not_offered(format!("combinedLimits[{i}].serviceTypes"), *t));
            }
            if c.max_units == 0 {
                return Err(DomainError::invalid(format!("combinedLimits[{i}].maxUnits"), "a limit of 0 would refuse every use"));
            }
        }
        Ok(())
    }

    /// Every offered type × tier needs bands covering use 1 onwards without gaps or overlaps.
    fn validate_fees(&self, offered: &BTreeSet<ServiceType>) -> DomainResult<()> {
        for (i, b) in self.fees.iter().enumerate() {
            if !offered.contains(&b.service_type) {
                return Err(not_offered(format!("fees[{i}].serviceType"), b.service_type));
            }
            if b.fee.0 < 0 {
                return Err(DomainError::invalid(format!("fees[{i}].fee"), "a fee must not be negative"));
            }
            if b.coupon_fee.is_some_and(|c| c.0 < 0) {
                return Err(DomainError::invalid(format!("fees[{i}].couponFee"), "a fee must not be negative"));
            }
            if b.coupon_fee.is_some_and(|c| c > b.fee) {
                return Err(DomainError::invalid(format!("fees[{i}].couponFee"), "the coupon fee is higher than the fee"));
            }
            if b.from_use == 0 {
                return Err(DomainError::invalid(format!("fees[{i}].fromUse"), "use ordinals start at 1"));
            }
            if b.to_use.is_some_and(|to| to < b.from_use) {
                return Err(DomainError::invalid(format!("fees[{i}].toUse"), "a band may not end before it starts"));
            }
        }
        for t in offered {
            for tier in HouseholdTier::ALL {
                let field = format!("fees[{t}].{tier}");
                let mut bands: Vec<&FeeBand> = self.fees.iter().filter(|b| b.service_type == *t && b.tier == *tier).collect();
                if bands.is_empty() {
                    return Err(DomainError::invalid(field, format!("the fee table has no {tier} fee for {t}")));
                }
                bands.sort_by_key(|b| b.from_use);
                let mut next = 1u32;
                for b in &bands {
                    if b.from_use != next {
                        let what = if b.from_use > next { "a gap before" } else { "an overlap at" };
                        return Err(DomainError::invalid(field, format!("the bands leave {what} use {}", b.from_use.min(next))));
                    }
                    match b.to_use {
                        Some(to) => next = to.checked_add(1).ok_or_else(|| DomainError::invalid(field.clone(), "a band may not end at the largest ordinal; leave it open"))?,
                        None => next = 0,
                    }
                    if next == 0 && !std::ptr::eq(*b, *bands.last().expect("not empty")) {
                        return Err(DomainError::invalid(field, "an open-ended band must be the last"));
                    }
                }
                if next != 0 {
                    return Err(DomainError::invalid(field, format!("no fee for use {next} onwards: end the last band open")));
                }
            }
        }
        Ok(())
    }
}

fn not_offered(field: String, t: ServiceType) -> DomainError {
    DomainError::invalid(field, format!("{t} is not offered by this programme"))
}

#[cfg(test)]
mod tests;
