//! Validates assembled programme rules with `ProgramRules::validate` and turns each error into a
//! problem at the rows and column it came from. Each service type is also validated on its own, so
//! that a file missing fees for two types hears about both.

use sango_domain::program::CancellationRule;
use sango_domain::{DomainError, HouseholdTier, ProgramRules, ServiceType};

use super::assemble::Sources;
use super::row_list;
use crate::report::Problem;

/// A set of rules being validated: the whole programme or one type of it, with the index in the
/// whole programme of each of its fees and cancellation fees.
struct View {
    rules: ProgramRules,
    fee_index: Vec<usize>,
    cancel_index: Vec<usize>,
}

/// Every problem validation finds, or none.
pub(super) fn check(rules: &ProgramRules, src: &Sources<'_>) -> Vec<Problem> {
    let Err(first) = rules.validate() else { return Vec::new() };
    let whole = View { rules: rules.clone(), fee_index: (0..rules.fees.len()).collect(), cancel_index: cancel_len(rules) };
    let mut problems = vec![locate(&first, &whole, src)];
    for s in &rules.services {
        let t = s.service_type;
        let fee_index: Vec<usize> = (0..rules.fees.len()).filter(|i| rules.fees[*i].service_type == t).collect();
        let cancellation = rules.cancellation.as_ref().map(|c| CancellationRule {
            fees: c.fees.iter().filter(|f| f.service_type == t).cloned().collect(),
            ..c.clone()
        });
        let cancel_index = match &rules.cancellation {
            Some(c) => (0..c.fees.len()).filter(|i| c.fees[*i].service_type == t).collect(),
            None => Vec::new(),
        };
        let rules = ProgramRules {
            services: vec![s.clone()],
            combined_limits: Vec::new(),
            fees: fee_index.iter().map(|i| rules.fees[*i].clone()).collect(),
            cancellation,
            ..rules.clone()
        };
        let view = View { rules, fee_index, cancel_index };
        if let Err(e) = view.rules.validate() {
            problems.push(locate(&e, &view, src));
        }
    }
    problems
}

fn cancel_len(rules: &ProgramRules) -> Vec<usize> {
    rules.cancellation.as_ref().map_or(Vec::new(), |c| (0..c.fees.len()).collect())
}

/// The row, column and message of a validation error.
fn locate(e: &DomainError, view: &View, src: &Sources<'_>) -> Problem {
    let whole = |key: Option<&str>, row: usize, rows: Vec<usize>| {
        src.problem(row, key, format!("{} ({}, rows {})", e.message, src.label, row_list(&rows)))
    };
    let all_rows = src.rows_where(|_| true);
    let field = e.field.as_str();
    if let Some(f) = field.strip_prefix("application.") {
        let key = match f {
            "closesDaysBefore" => "closes_days_before",
            "opensDaysBefore" => "opens_days_before",
            "registrationFromPregnancyWeek" => "registration_from_week",
            _ => "method",
        };
        return whole(Some(key), program_row(src, key), all_rows);
    }
    if let Some((i, f)) = indexed(field, "services") {
        let Some(rule) = view.rules.services.get(i) else { return whole(Some("service_type"), src.first_row(), all_rows) };
        let t = rule.service_type;
        let key = match f {
            "maxInfantAge" => "max_infant_age",
            "earliestDayAfterBirth" => "earliest_day",
            "extraInfantFee" => "extra_infant_fee",
            "maxUnits" => "max_units",
            "maxConsecutiveNights" => "max_consecutive_nights",
            "maxHoursPerSession" => "max_hours_per_session",
            _ => "service_type",
        };
        let rows = src.rows_where(|r| r.service_type == t);
        let row = src.services.get(&t).and_then(|a| a.get(key)).map_or(rows[0], |(_, row)| *row);
        return whole(Some(key), row, rows);
    }
    if field.starts_with("combinedLimits") {
        return whole(Some("combined_limits"), program_row(src, "combined_limits"), all_rows);
    }
    if let Some((i, f)) = indexed(field, "fees") {
        let (Some(_), Some(row)) = (view.rules.fees.get(i), view.fee_index.get(i).and_then(|g| src.fee_rows.get(*g))) else {
            return whole(Some("fee"), src.first_row(), all_rows);
        };
        let key = match f {
            "fee" => "fee",
            "couponFee" => "coupon_fee",
            "fromUse" => "from_use",
            "toUse" => "to_use",
            _ => "service_type",
        };
        return src.problem(*row, Some(key), e.message.clone());
    }
    if let Some(rest) = field.strip_prefix("fees[") {
        let (t, tier) = rest.split_once("].").unwrap_or((rest, ""));
        if let (Ok(t), Ok(tier)) = (ServiceType::parse(t), HouseholdTier::parse(tier)) {
            let mut rows = src.rows_where(|r| r.service_type == t && r.tier == tier);
            if rows.is_empty() {
                rows = src.rows_where(|r| r.service_type == t);
            }
            return whole(Some("tier"), rows.first().copied().unwrap_or(src.first_row()), rows);
        }
    }
    if let Some((i, f)) = indexed(field, "cancellation.fees")
        && let Some(row) = view.cancel_index.get(i).and_then(|g| src.cancel_rows.get(*g))
    {
        let key = if f == "serviceType" { "service_type" } else { "cancellation_fee" };
        return src.problem(*row, Some(key), e.message.clone());
    }
    whole(None, src.first_row(), all_rows)
}

/// `prefix[3].rest` → (3, "rest").
fn indexed<'f>(field: &'f str, prefix: &str) -> Option<(usize, &'f str)> {
    let rest = field.strip_prefix(prefix)?.strip_prefix('[')?;
    let (i, rest) = rest.split_once(']')?;
    Some((i.parse().ok()?, rest.strip_prefix('.').unwrap_or(rest)))
}

/// The first row that gave a programme-level column, or the programme's first row.
fn program_row(src: &Sources<'_>, key: &str) -> usize {
    src.program.get(key).map_or(src.first_row(), |(_, row)| *row)
}
