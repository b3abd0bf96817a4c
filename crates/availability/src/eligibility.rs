//! Whether a resident's programme allows a request: type offered, infant age on every day,
//! earliest day after birth, days against the annual and consecutive-night limits.

use chrono::NaiveDate;
use sango_domain::program::UsageUnit;
use sango_domain::{DomainError, DomainResult, ProgramRules, ServiceType};

/// What a mother asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub service_type: ServiceType,
    pub start: NaiveDate,
    /// Consecutive days (a short stay of 7 days is 6 nights).
    pub days: u32,
    pub infant_birth: NaiveDate,
    /// Infants of this birth: 2 for twins.
    pub multiples: u32,
    /// Units of this type already used this fiscal year.
    pub used_so_far: u32,
}

/// Refuses a request the programme would refuse, naming the rule and the numbers.
pub fn check_request(rules: &ProgramRules, r: &Request) -> DomainResult<()> {
    let t = r.service_type;
    if r.days == 0 || r.days > 31 {
        return Err(DomainError::invalid("days", format!("ask for 1 to 31 days, not {}", r.days)));
    }
    if r.multiples == 0 || r.multiples > 5 {
        return Err(DomainError::invalid("multiples", "the number of infants must be 1 to 5"));
    }
    let last = r.start + chrono::Days::new(u64::from(r.days - 1));
    let rule = check_infant(rules, t, r.start, last, r.infant_birth)?;
    let multiplier = if rules.multiples_multiply_limits { r.multiples } else { 1 };
    if let Some(max) = rule.max_units {
        let limit = max * multiplier;
        if r.used_so_far + r.days > limit {
            return Err(DomainError::invalid("days", format!("{t}: at most {limit} {} a fiscal year; {} used, {} asked for", unit_name(rule.unit), r.used_so_far, r.days)));
        }
    }
    check_consecutive(rule, r.days)?;
    for limit in rules.combined_limits.iter().filter(|c| c.service_types.contains(&t)) {
        let max = limit.max_units * multiplier;
        if r.used_so_far + r.days > max {
            let names: Vec<&str> = limit.service_types.iter().map(|t| t.as_str()).collect();
            return Err(DomainError::invalid("days", format!("{}: at most {max} together; {} used, {} asked for", names.join(" + "), r.used_so_far, r.days)));
        }
    }
    Ok(())
}

/// The type is offered, and the infant is old enough on the first day and young enough on the
/// last. Returns the type's rule.
pub fn check_infant(rules: &ProgramRules, t: ServiceType, first: NaiveDate, last: NaiveDate, birth: NaiveDate) -> DomainResult<&sango_domain::program::ServiceRule> {
    let rule = rules.service(t).ok_or_else(|| DomainError::invalid("serviceType", format!("the programme does not offer {t}")))?;
    if birth > first {
        return Err(DomainError::invalid("infantBirthDate", "the infant is born after the first day of use"));
    }
    let age = (first - birth).num_days();
    if age < i64::from(rule.earliest_day_after_birth) {
        return Err(DomainError::invalid("startDate", format!("{t}: use starts on day {} after birth at the earliest; {first} is day {age}", rule.earliest_day_after_birth)));
    }
    if let Some(too_old) = rule.max_infant_age.first_ineligible_day(birth).filter(|d| last >= *d) {
        let limit = match rule.max_infant_age {
            sango_domain::program::AgeLimit::Days(n) => format!("{n} days"),
            sango_domain::program::AgeLimit::Months(n) => format!("{n} months"),
        };
        return Err(DomainError::invalid("infantBirthDate", format!("{t}: infants must be under {limit} on every day of use; from {too_old} this infant is too old")));
    }
    Ok(rule)
}

/// A short stay of `run` consecutive days is `run − 1` nights; the programme may cap them.
pub fn check_consecutive(rule: &sango_domain::program::ServiceRule, run: u32) -> DomainResult<()> {
    let t = rule.service_type;
    if let Some(nights) = rule.max_consecutive_nights.filter(|_| t == ServiceType::ShortStay)
        && run.saturating_sub(1) > nights {
            return Err(DomainError::invalid("days", format!("{t}: at most {nights} consecutive nights ({} days); {} nights asked for", nights + 1, run - 1)));
        }
    Ok(())
}

fn unit_name(u: UsageUnit) -> &'static str {
    match u {
        UsageUnit::Day => "days",
        UsageUnit::Session => "sessions",
        UsageUnit::Visit => "visits",
        UsageUnit::Hour => "hours",
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use sango_domain::program::{AgeLimit, ApplicationRule, CombinedLimit, FeeBand, ServiceRule};
    use sango_domain::{ApplicationMethod, HouseholdTier, Yen};

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rule(t: ServiceType, age: AgeLimit, max: Option<u32>) -> ServiceRule {
        ServiceRule { service_type: t, unit: UsageUnit::Day, max_infant_age: age, earliest_day_after_birth: 4, max_units: max, max_consecutive_nights: None, max_hours_per_session: None, extra_infant_fee: Yen(0) }
    }

    fn rules(multiply: bool) -> ProgramRules {
        let mut stay = rule(ServiceType::ShortStay, AgeLimit::Months(4), Some(7));
        stay.max_consecutive_nights = Some(6);
        let types = [ServiceType::ShortStay, ServiceType::DayCare, ServiceType::Outreach];
        ProgramRules {
            application: ApplicationRule { method: ApplicationMethod::FirstCome, opens_days_before: 14, closes_days_before: 1, closes_at: NaiveTime::from_hms_opt(10, 0, 0).unwrap(), business_days_only: true, registration_from_pregnancy_week: None },
            services: vec![stay, rule(ServiceType::DayCare, AgeLimit::Days(120), None), rule(ServiceType::Outreach, AgeLimit::Months(12), None)],
            combined_limits: vec![CombinedLimit { service_types: vec![ServiceType::DayCare, ServiceType::Outreach], max_units: 7 }],
            multiples_multiply_limits: multiply,
            carry_over_unused: false,
            fees: types.iter().flat_map(|t| HouseholdTier::ALL.iter().map(move |tier| FeeBand { service_type: *t, tier: *tier, from_use: 1, to_use: None, fee: Yen(0), coupon_fee: None })).collect(),
            cancellation: None,
        }
    }

    fn req(t: ServiceType, start: NaiveDate, days: u32) -> Request {
        Request { service_type: t, start, days, infant_birth: d(2025, 5, 1), multiples: 1, used_so_far: 0 }
    }

    #[test]
    fn earliest_day_after_birth_is_a_boundary() {
        assert_eq!(check_request(&rules(false), &req(ServiceType::ShortStay, d(2025, 5, 4), 1)).unwrap_err().field, "startDate");
        assert!(check_request(&rules(false), &req(ServiceType::ShortStay, d(2025, 5, 5), 1)).is_ok());
    }

    #[test]
    fn infant_age_limits_hold_on_the_last_day() {
        // Under 4 months: born 5/1, too old from 9/1.
        assert!(check_request(&rules(false), &req(ServiceType::ShortStay, d(2025, 8, 25), 7)).is_ok());
        let e = check_request(&rules(false), &req(ServiceType::ShortStay, d(2025, 8, 26), 7)).unwrap_err();
        assert_eq!(e.field, "infantBirthDate");
        assert!(e.message.contains("2025-09-01"), "{}", e.message);
        // Under 120 days: day 119 is allowed, day 120 is not.
        let born = d(2025, 5, 1);
        assert!(check_request(&rules(false), &req(ServiceType::DayCare, born + chrono::Days::new(119), 1)).is_ok());
        assert!(check_request(&rules(false), &req(ServiceType::DayCare, born + chrono::Days::new(120), 1)).is_err());
    }

    #[test]
    fn the_seventh_day_is_allowed_and_the_eighth_is_not() {
        let mut r = req(ServiceType::ShortStay, d(2025, 6, 1), 3);
        r.used_so_far = 4;
        assert!(check_request(&rules(false), &r).is_ok());
        r.used_so_far = 5;
        let e = check_request(&rules(false), &r).unwrap_err();
        assert_eq!(e.message, "SHORT_STAY: at most 7 days a fiscal year; 5 used, 3 asked for");
    }

    #[test]
    fn consecutive_nights_and_multiples() {
        assert!(check_request(&rules(false), &req(ServiceType::ShortStay, d(2025, 6, 1), 7)).is_ok(), "6 nights 7 days");
        let mut twins = req(ServiceType::ShortStay, d(2025, 6, 1), 5);
        twins.multiples = 2;
        twins.used_so_far = 7;
        assert!(check_request(&rules(false), &twins).is_err(), "without the multiplier twins get 7");
        assert!(check_request(&rules(true), &twins).is_ok(), "with it, 14");
    }

    #[test]
    fn combined_limits_name_both_types() {
        let mut r = req(ServiceType::Outreach, d(2025, 6, 1), 1);
        r.used_so_far = 7;
        assert_eq!(check_request(&rules(false), &r).unwrap_err().message, "DAY_CARE + OUTREACH: at most 7 together; 7 used, 1 asked for");
    }

    #[test]
    fn nonsense_requests_are_refused() {
        assert_eq!(check_request(&rules(false), &req(ServiceType::ShortStay, d(2025, 6, 1), 0)).unwrap_err().field, "days");
        let mut unborn = req(ServiceType::ShortStay, d(2025, 4, 1), 1);
        unborn.infant_birth = d(2025, 5, 1);
        assert_eq!(check_request(&rules(false), &unborn).unwrap_err().field, "infantBirthDate");
    }
}
