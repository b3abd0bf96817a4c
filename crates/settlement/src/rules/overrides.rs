//! A prefecture's own versions of its top-ups, laid over the rule sets: from the effective date of
//! its first version on, the prefecture's versions replace the top-ups the rule sets list for it;
//! each version applies from its effective date until the next one's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use sango_domain::{DomainError, DomainResult, PrefectureCode};

use super::{RuleSet, TopUp, TopUpKind};

/// One stored version of a prefecture's top-ups: the complete list in force from `effective_from`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopUpVersion {
    pub prefecture: PrefectureCode,
    pub version: u32,
    pub effective_from: NaiveDate,
    /// Empty: the prefecture pays no top-up from that day.
    pub kinds: Vec<TopUpKind>,
}

impl TopUpVersion {
    /// The same checks as the top-ups of a rule set; the field names the culprit (`kinds[1].amount`).
    pub fn validate(&self) -> DomainResult<()> {
        if self.version == 0 {
            return Err(DomainError::invalid("version", "versions start at 1"));
        }
        for (i, k) in self.kinds.iter().enumerate() {
            k.validate(&format!("kinds[{i}]"))?;
        }
        Ok(())
    }

    /// How a statement names the version it applied, e.g. `top-ups-31.2`.
    pub fn label(&self) -> String {
        format!("top-ups-{}.{}", self.prefecture, self.version)
    }
}

/// The versions in the order they take effect: by effective date, and of two with the same date,
/// the later version (a correction) wins by coming last.
fn in_effect_order(versions: &[TopUpVersion]) -> Vec<&TopUpVersion> {
    let mut v: Vec<&TopUpVersion> = versions.iter().collect();
    v.sort_by_key(|t| (t.prefecture, t.effective_from, t.version));
    v
}

/// The version of `prefecture` in force on `day`, if any has taken effect.
pub fn top_up_version_on(
    versions: &[TopUpVersion],
    prefecture: PrefectureCode,
    day: NaiveDate,
) -> Option<&TopUpVersion> {
    versions
        .iter()
        .filter(|t| t.prefecture == prefecture && t.effective_from <= day)
        .max_by_key(|t| (t.effective_from, t.version))
}

/// The rule sets with every prefecture's stored versions laid over their top-ups. The rule sets'
/// own top-ups of such a prefecture stop on the day its first version takes effect.
pub fn with_top_up_versions(rule_sets: &[RuleSet], versions: &[TopUpVersion]) -> Vec<RuleSet> {
    let ordered = in_effect_order(versions);
    let mut out = rule_sets.to_vec();
    for rs in &mut out {
        for t in &mut rs.top_ups {
            let first = ordered
                .iter()
                .find(|v| v.prefecture == t.prefecture)
                .map(|v| v.effective_from);
            if let Some(first) = first {
                t.until = Some(t.until.map_or(first, |u| u.min(first)));
            }
        }
        // A top-up whose end is not after its start never applies; drop it so that the rule
        // set stays valid.
        rs.top_ups.retain(|t| t.until.is_none_or(|u| t.effective_from < u));
        for (i, v) in ordered.iter().enumerate() {
            let next = ordered[i + 1..]
                .iter()
                .find(|n| n.prefecture == v.prefecture && n.effective_from > v.effective_from)
                .map(|n| n.effective_from);
            // A version replaced by a correction on the same day never applies.
            let replaced_same_day = ordered[i + 1..]
                .iter()
                .any(|n| n.prefecture == v.prefecture && n.effective_from == v.effective_from);
            if replaced_same_day {
                continue;
            }
            rs.top_ups.extend(v.kinds.iter().map(|k| TopUp {
                prefecture: v.prefecture,
                kind: k.clone(),
                effective_from: v.effective_from,
                until: next,
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ratio, builtin_rule_sets, rule_set_for};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn pref(n: u8) -> PrefectureCode {
        PrefectureCode::new(n).unwrap()
    }

    fn kinds_on(sets: &[RuleSet], p: PrefectureCode, day: &str) -> Vec<TopUpKind> {
        rule_set_for(sets, d(day))
            .unwrap()
            .top_ups_for(p, d(day))
            .cloned()
            .collect()
    }

    #[test]
    fn a_version_replaces_the_rule_set_top_ups_from_its_day_and_until_the_next() {
        let sets = builtin_rule_sets();
        let half = TopUpKind::UserFeeShare(Ratio::new(1, 2));
        let per_use = TopUpKind::PerUse { amount: sango_domain::Yen(2_000), max_uses: 3 };
        let versions = vec![
            TopUpVersion { prefecture: pref(31), version: 2, effective_from: d("2026-01-01"), kinds: vec![per_use.clone()] },
            TopUpVersion { prefecture: pref(31), version: 1, effective_from: d("2025-10-01"), kinds: vec![half.clone()] },
        ];
        let merged = with_top_up_versions(&sets, &versions);
        for rs in &merged {
            rs.validate().unwrap();
        }
        let full = TopUpKind::UserFeeShare(Ratio::new(1, 1));
        assert_eq!(kinds_on(&merged, pref(31), "2025-09-30"), vec![full]);
        assert_eq!(kinds_on(&merged, pref(31), "2025-10-01"), vec![half.clone()]);
        assert_eq!(kinds_on(&merged, pref(31), "2025-12-31"), vec![half]);
        assert_eq!(kinds_on(&merged, pref(31), "2026-01-01"), vec![per_use]);
        // Other prefectures keep the rule sets' top-ups.
        assert_eq!(kinds_on(&merged, pref(26), "2026-01-01"), kinds_on(&sets, pref(26), "2026-01-01"));
        assert_eq!(top_up_version_on(&versions, pref(31), d("2025-12-31")).unwrap().version, 1);
        assert!(top_up_version_on(&versions, pref(31), d("2025-09-30")).is_none());
    }

    #[test]
    fn a_correction_on_the_same_day_wins_and_an_empty_version_stops_top_ups() {
        let sets = builtin_rule_sets();
        let versions = vec![
            TopUpVersion { prefecture: pref(40), version: 1, effective_from: d("2025-04-01"), kinds: vec![TopUpKind::MunicipalShare(Ratio::new(1, 3))] },
            TopUpVersion { prefecture: pref(40), version: 2, effective_from: d("2025-04-01"), kinds: vec![] },
        ];
        let merged = with_top_up_versions(&sets, &versions);
        assert!(kinds_on(&merged, pref(40), "2025-06-01").is_empty());
        assert_eq!(kinds_on(&merged, pref(40), "2025-03-31"), kinds_on(&sets, pref(40), "2025-03-31"));
        assert_eq!(top_up_version_on(&versions, pref(40), d("2025-06-01")).unwrap().label(), "top-ups-40.2");
    }

    #[test]
    fn versions_are_checked_like_rule_set_top_ups() {
        let bad = TopUpVersion { prefecture: pref(31), version: 1, effective_from: d("2025-04-01"), kinds: vec![TopUpKind::PerUse { amount: sango_domain::Yen(100), max_uses: 0 }] };
        assert_eq!(bad.validate().unwrap_err().field, "kinds[0].maxUses");
        let rate = TopUpVersion { kinds: vec![TopUpKind::UserFeeShare(Ratio::new(3, 2))], ..bad };
        assert_eq!(rate.validate().unwrap_err().field, "kinds[0]");
    }
}
