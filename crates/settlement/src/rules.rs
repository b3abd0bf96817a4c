//! Rule sets as data: shares, standard amounts (基準額), fee reductions (減免), bonuses (加算),
//! the grant's rounding and prefecture top-ups, one JSON document per instrument revision.

mod overrides;
mod validate;

pub use overrides::{TopUpVersion, top_up_version_on, with_top_up_versions};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, HouseholdTier, PrefectureCode, ServiceType, Yen};

use crate::ratio::Ratio;
use crate::rounding::Rounding;

/// The national, prefectural and municipal rules in force from one day on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSet {
    /// Stable name, e.g. `national-2025.1`.
    pub id: String,
    pub version: u32,
    /// First day the rule set applies to a use (and to a fiscal year's grant).
    pub effective_from: NaiveDate,
    pub shares: Shares,
    /// 基準額: the ceiling per facility and month with use, per service type.
    pub standard_amounts: Vec<(ServiceType, Yen)>,
    pub reductions: Vec<Reduction>,
    pub bonuses: Vec<Bonus>,
    /// Applied to the grant (G) only.
    pub rounding: Rounding,
    #[serde(default)]
    pub top_ups: Vec<TopUp>,
}

/// Subsidy shares of the eligible cost. The municipality takes the remainder, so the three
/// shares always sum exactly to the eligible cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shares {
    pub national: Ratio,
    pub prefecture: Ratio,
}

/// National fee-reduction support (減免) per use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reduction {
    /// Household tiers that qualify; `None` = every household.
    #[serde(default)]
    pub tiers: Option<Vec<HouseholdTier>>,
    pub per_use: Yen,
    /// Only uses whose ordinal (per case, type and fiscal year) is at most this; `None` = all uses.
    #[serde(default)]
    pub max_uses: Option<u32>,
}

/// The contract additions (加算) a rule set can count as subsidy-eligible cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BonusKind {
    HighNeed,
    Sibling,
    OverFourMonths,
    Multiple,
}

/// Whether one kind of contract addition counts as eligible cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bonus {
    pub kind: BonusKind,
    pub eligible: bool,
}

/// A prefecture's own top-up for uses by residents of its municipalities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopUp {
    pub prefecture: PrefectureCode,
    pub kind: TopUpKind,
    pub effective_from: NaiveDate,
    /// The first day it no longer applies (set when a later version replaces it); `None` = open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

/// What a prefecture top-up pays. See [`crate::per_use`] for the exact arithmetic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", rename_all_fields = "camelCase")]
pub enum TopUpKind {
    /// The prefecture pays this share of the fee left after the national reduction
    /// (Tottori 1/1: free use; Kyoto 1/2). The user pays that much less.
    UserFeeShare(Ratio),
    /// The prefecture pays the municipality `amount` for each of the first `max_uses` uses
    /// (Fukuoka 1,250 × 5). The user's fee does not change.
    PerUse { amount: Yen, max_uses: u32 },
    /// The prefecture pays the municipality this share of the municipal share (Fukuoka 1/2).
    MunicipalShare(Ratio),
}

impl TopUpKind {
    /// The same checks as a rule set's top-ups: rates in [0, 1], amounts non-negative, at least
    /// one use.
    pub fn validate(&self, field: &str) -> DomainResult<()> {
        validate::top_up(self, field)
    }
}

impl RuleSet {
    /// Parses and validates a JSON rule set.
    pub fn from_json(json: &str) -> DomainResult<RuleSet> {
        let rs: RuleSet = serde_json::from_str(json)
            .map_err(|e| DomainError::invalid("ruleSet", format!("not a rule set: {e}")))?;
        rs.validate()?;
        Ok(rs)
    }

    /// Checks every rate, amount, unit and list; the error's field names the culprit.
    pub fn validate(&self) -> DomainResult<()> {
        validate::rule_set(self).map_err(|e| e.within("ruleSet"))
    }

    /// 基準額 per facility-month for `t` (zero when the rule set has none).
    pub fn standard_amount(&self, t: ServiceType) -> Yen {
        self.standard_amounts
            .iter()
            .find(|(s, _)| *s == t)
            .map_or(Yen::ZERO, |(_, y)| *y)
    }

    /// Whether the addition `kind` counts as eligible cost (a kind not listed does not).
    pub fn bonus_eligible(&self, kind: BonusKind) -> bool {
        self.bonuses.iter().any(|b| b.kind == kind && b.eligible)
    }

    /// Top-ups of `prefecture` in force on `day`, in rule-set order.
    pub fn top_ups_for(
        &self,
        prefecture: PrefectureCode,
        day: NaiveDate,
    ) -> impl Iterator<Item = &TopUpKind> {
        self.top_ups
            .iter()
            .filter(move |t| {
                t.prefecture == prefecture
                    && t.effective_from <= day
                    && t.until.is_none_or(|u| day < u)
            })
            .map(|t| &t.kind)
    }
}

const BUILTIN: [&str; 4] = [
    include_str!("rules/fy2022.json"),
    include_str!("rules/fy2023.json"),
    include_str!("rules/fy2024.json"),
    include_str!("rules/fy2025.json"),
];

/// The rule sets shipped with the hub (FY2022 to FY2025+), oldest first.
pub fn builtin_rule_sets() -> Vec<RuleSet> {
    BUILTIN
        .iter()
        .map(|json| RuleSet::from_json(json).expect("built-in rule sets are valid"))
        .collect()
}

/// The rule set for a use on `day`: the newest (latest `effective_from`, then highest version)
/// with `effective_from ≤ day`. `None` before the first.
pub fn rule_set_for(sets: &[RuleSet], day: NaiveDate) -> Option<&RuleSet> {
    sets.iter()
        .filter(|rs| rs.effective_from <= day)
        .max_by_key(|rs| (rs.effective_from, rs.version))
}
