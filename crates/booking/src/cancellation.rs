//! Late-cancellation fees: what cancelling a booking at a given time costs.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sango_domain::program::CancellationRule;
use sango_domain::{HouseholdTier, ProgramRules, ServiceType, Yen};

use crate::window::{days_before, to_jst};

/// The JST time from which cancelling a booking whose first day is `first_day` is late:
/// `deadline_time` on the day `deadline_days_before` calendar days before `first_day`.
pub fn cancellation_deadline(rule: &CancellationRule, first_day: NaiveDate) -> NaiveDateTime {
    days_before(first_day, rule.deadline_days_before).and_time(rule.deadline_time)
}

/// The late-cancellation fee for cancelling at `now` a booking of type `t` for a household of
/// `tier` whose first day is `first_day`.
///
/// `None` means the cancellation costs nothing because it is not late: the programme has no
/// cancellation rule, or `now` is before the [`cancellation_deadline`] (JST). `Some` means it
/// is late (at or after the deadline, to the second): the rule's fee for (`t`, `tier`), or
/// `Yen(0)` if the rule lists none for that pair (late, but free).
pub fn cancellation_fee(
    rules: &ProgramRules,
    t: ServiceType,
    tier: HouseholdTier,
    first_day: NaiveDate,
    now: DateTime<Utc>,
) -> Option<Yen> {
    let rule = rules.cancellation.as_ref()?;
    if to_jst(now) < cancellation_deadline(rule, first_day) {
        return None;
    }
    let fee = rule.fees.iter().find(|f| f.service_type == t && f.tier == tier).map_or(Yen::ZERO, |f| f.fee);
    Some(fee)
}

#[cfg(test)]
mod tests;
