//! Validation of rule sets: rates in [0, 1], amounts non-negative, lists without duplicates.

use std::collections::BTreeSet;

use sango_domain::{DomainError, DomainResult, ServiceType, Yen};

use super::{RuleSet, TopUpKind};

fn non_negative(y: Yen, field: &str) -> DomainResult<()> {
    Yen::non_negative(y.0, field).map(|_| ())
}

pub(super) fn rule_set(rs: &RuleSet) -> DomainResult<()> {
    if rs.id.trim().is_empty() {
        return Err(DomainError::invalid("id", "a rule set needs an id"));
    }
    if rs.version == 0 {
        return Err(DomainError::invalid("version", "versions start at 1"));
    }
    rs.shares.national.validate("shares.national")?;
    rs.shares.prefecture.validate("shares.prefecture")?;
    if !rs.shares.national.sum_at_most_one(rs.shares.prefecture) {
        return Err(DomainError::invalid(
            "shares",
            "national + prefecture shares exceed 1",
        ));
    }
    rs.rounding.validate("rounding")?;
    let mut types = BTreeSet::new();
    for (i, (t, y)) in rs.standard_amounts.iter().enumerate() {
        non_negative(*y, &format!("standardAmounts[{i}]"))?;
        if !types.insert(*t) {
            return Err(DomainError::invalid(
                format!("standardAmounts[{i}]"),
                format!("{t} listed twice"),
            ));
        }
    }
    if let Some(t) = ServiceType::ALL.iter().find(|t| !types.contains(*t)) {
        return Err(DomainError::invalid(
            "standardAmounts",
            format!("no standard amount for {t}"),
        ));
    }
    for (i, r) in rs.reductions.iter().enumerate() {
        non_negative(r.per_use, &format!("reductions[{i}].perUse"))?;
        if r.max_uses == Some(0) {
            return Err(DomainError::invalid(
                format!("reductions[{i}].maxUses"),
                "must be at least 1",
            ));
        }
        if r.tiers.as_ref().is_some_and(|t| t.is_empty()) {
            return Err(DomainError::invalid(
                format!("reductions[{i}].tiers"),
                "empty; omit it for every household",
            ));
        }
    }
    let mut kinds = BTreeSet::new();
    for (i, b) in rs.bonuses.iter().enumerate() {
        if !kinds.insert(b.kind) {
            return Err(DomainError::invalid(
                format!("bonuses[{i}]"),
                format!("{:?} listed twice", b.kind),
            ));
        }
    }
    for (i, t) in rs.top_ups.iter().enumerate() {
        let field = format!("topUps[{i}]");
        top_up(&t.kind, &field)?;
        if t.until.is_some_and(|u| u <= t.effective_from) {
            return Err(DomainError::invalid(
                format!("{field}.until"),
                "ends before it starts",
            ));
        }
    }
    Ok(())
}

pub(super) fn top_up(kind: &TopUpKind, field: &str) -> DomainResult<()> {
    match kind {
        TopUpKind::UserFeeShare(r) | TopUpKind::MunicipalShare(r) => r.validate(field),
        TopUpKind::PerUse { amount, max_uses } => {
            non_negative(*amount, &format!("{field}.amount"))?;
            if *max_uses == 0 {
                return Err(DomainError::invalid(
                    format!("{field}.maxUses"),
                    "must be at least 1",
                ));
            }
            Ok(())
        }
    }
}
