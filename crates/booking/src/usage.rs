//! Prior use against the programme's yearly limits, and runs of consecutive days.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use sango_domain::program::UsageUnit;
use sango_domain::{DomainError, DomainResult, ProgramRules, ServiceType};
use serde::{Deserialize, Serialize};

/// Units already used or booked this fiscal year, per service type. The caller decides what
/// counts (for example, adding a carried-over balance for programmes that carry one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub by_type: BTreeMap<ServiceType, u32>,
}

impl Usage {
    /// Units of `t` used so far (0 if none).
    pub fn used(&self, t: ServiceType) -> u32 {
        self.by_type.get(&t).copied().unwrap_or(0)
    }
}

/// Refuses asking for `units` more of `t` when that would exceed the type's `max_units` or
/// any combined limit that includes `t` (its usage summed over all its types).
///
/// `multiples` is the number of infants (0 is taken as 1); when the programme's
/// `multiples_multiply_limits` is set, every limit is multiplied by it (Tottori:
/// 多胎の場合は乳児の数に乗じた回数). The error's field is `dates` and its message names the
/// rule: "SHORT_STAY: at most 7 days a fiscal year; 5 used, 3 asked for", "DAY_CARE +
/// OUTREACH: at most 7 together; 7 used, 1 asked for"; a multiplied limit adds "(7 × 2
/// infants)". A type the programme does not offer is refused with field `serviceType`.
pub fn check_limits(rules: &ProgramRules, t: ServiceType, units: u32, multiples: u32, usage: &Usage) -> DomainResult<()> {
    let service = rules
        .service(t)
        .ok_or_else(|| DomainError::invalid("serviceType", format!("{t} is not offered by this programme")))?;
    let factor = if rules.multiples_multiply_limits { u64::from(multiples.max(1)) } else { 1 };
    let limit = |max: u32| {
        let n = u64::from(max) * factor;
        let why = if factor > 1 { format!(" ({max} × {factor} infants)") } else { String::new() };
        (n, why)
    };
    let asked = u64::from(units);
    if let Some(max) = service.max_units {
        let used = u64::from(usage.used(t));
        let (n, why) = limit(max);
        if used + asked > n {
            return Err(DomainError::invalid(
                "dates",
                format!("{t}: at most {n} {} a fiscal year{why}; {used} used, {units} asked for", unit_word(service.unit, n)),
            ));
        }
    }
    for c in rules.combined_limits.iter().filter(|c| c.service_types.contains(&t)) {
        let used: u64 = c.service_types.iter().map(|s| u64::from(usage.used(*s))).sum();
        let (n, why) = limit(c.max_units);
        if used + asked > n {
            let names: Vec<&str> = c.service_types.iter().map(|s| s.as_str()).collect();
            return Err(DomainError::invalid(
                "dates",
                format!("{}: at most {n} together{why}; {used} used, {units} asked for", names.join(" + ")),
            ));
        }
    }
    Ok(())
}

/// The unit's name for `n` of them: `days`, `sessions`, `visits`, `hours` (singular for 1).
pub fn unit_word(unit: UsageUnit, n: u64) -> &'static str {
    match (unit, n == 1) {
        (UsageUnit::Day, false) => "days",
        (UsageUnit::Day, true) => "day",
        (UsageUnit::Session, false) => "sessions",
        (UsageUnit::Session, true) => "session",
        (UsageUnit::Visit, false) => "visits",
        (UsageUnit::Visit, true) => "visit",
        (UsageUnit::Hour, false) => "hours",
        (UsageUnit::Hour, true) => "hour",
    }
}

/// The longest run of consecutive calendar dates in `dates`, taken as a set (order and
/// duplicates do not matter); 0 for none.
pub fn longest_run(dates: &[NaiveDate]) -> u32 {
    let set: BTreeSet<NaiveDate> = dates.iter().copied().collect();
    let (mut best, mut run, mut prev) = (0u32, 0u32, None::<NaiveDate>);
    for d in set {
        run = if prev.and_then(|p| p.succ_opt()) == Some(d) { run + 1 } else { 1 };
        best = best.max(run);
        prev = Some(d);
    }
    best
}

#[cfg(test)]
mod tests;
