//! The shipped rule sets say what DOMAIN.md §3 says, survive JSON, and bad ones are refused.

mod common;

use common::d;
use sango_domain::{HouseholdTier, PrefectureCode, ServiceType, Yen};
use sango_settlement::{BonusKind, Ratio, RuleSet, TopUpKind, builtin_rule_sets, rule_set_for};

#[test]
fn builtin_sets_follow_the_fiscal_year_table() {
    let sets = builtin_rule_sets();
    let ids: Vec<_> = sets
        .iter()
        .map(|s| (s.id.as_str(), s.effective_from))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("national-2022.1", d(2022, 4, 1)),
            ("national-2023.1", d(2023, 4, 1)),
            ("national-2024.1", d(2024, 4, 1)),
            ("national-2025.1", d(2025, 4, 1)),
        ]
    );
    for s in &sets {
        s.validate().unwrap();
        assert_eq!(s.shares.national, Ratio::new(1, 2), "{}", s.id);
        assert_eq!(s.standard_amount(ServiceType::ShortStay), Yen(2_519_600));
        assert_eq!(s.standard_amount(ServiceType::Outreach), Yen(1_727_700));
        assert_eq!(
            (s.rounding.unit, s.rounding.mode),
            (1_000, sango_settlement::RoundingMode::Floor)
        );
    }
    assert_eq!(sets[2].shares.prefecture.num, 0);
    assert_eq!(sets[3].shares.prefecture, Ratio::new(1, 4));
    assert_eq!(sets[0].reductions.len(), 1);
    assert!(
        sets[0].reductions[0]
            .tiers
            .as_ref()
            .unwrap()
            .contains(&HouseholdTier::NonTaxed)
    );
    assert_eq!(
        (
            sets[1].reductions[1].per_use,
            sets[1].reductions[1].max_uses
        ),
        (Yen(2_500), Some(5))
    );
    let eligible = |i: usize, k| sets[i].bonus_eligible(k);
    assert!(!eligible(1, BonusKind::HighNeed) && eligible(2, BonusKind::HighNeed));
    assert!(!eligible(2, BonusKind::Sibling) && eligible(3, BonusKind::Sibling));
    assert!(!eligible(2, BonusKind::OverFourMonths) && eligible(3, BonusKind::OverFourMonths));
    assert!(eligible(3, BonusKind::Multiple));
    let tottori: Vec<_> = sets[3]
        .top_ups_for(PrefectureCode::new(31).unwrap(), d(2025, 4, 1))
        .collect();
    assert_eq!(tottori, vec![&TopUpKind::UserFeeShare(Ratio::ONE)]);
    assert_eq!(
        sets[3]
            .top_ups_for(PrefectureCode::new(40).unwrap(), d(2025, 4, 1))
            .count(),
        2
    );
    assert_eq!(
        sets[3]
            .top_ups_for(PrefectureCode::new(13).unwrap(), d(2025, 4, 1))
            .count(),
        0
    );
}

#[test]
fn json_round_trips() {
    for s in builtin_rule_sets() {
        let json = serde_json::to_string(&s).unwrap();
        assert!(
            json.contains("\"effectiveFrom\"") && json.contains("\"standardAmounts\""),
            "{json}"
        );
        assert_eq!(RuleSet::from_json(&json).unwrap(), s);
    }
}

#[test]
fn the_newest_set_wins_and_versions_break_ties() {
    let mut sets = builtin_rule_sets();
    let mut revised = sets[3].clone();
    (revised.id, revised.version) = ("national-2025.2".into(), 2);
    sets.insert(0, revised);
    assert_eq!(
        rule_set_for(&sets, d(2030, 1, 1)).unwrap().id,
        "national-2025.2"
    );
    assert_eq!(
        rule_set_for(&sets, d(2024, 4, 1)).unwrap().id,
        "national-2024.1"
    );
}

#[test]
fn bad_rule_sets_are_refused_with_the_field() {
    let base = builtin_rule_sets().pop().unwrap();
    let field = |f: &dyn Fn(&mut RuleSet)| {
        let mut rs = base.clone();
        f(&mut rs);
        rs.validate().unwrap_err().field
    };
    assert_eq!(
        field(&|rs| rs.shares.prefecture = Ratio::new(2, 3)),
        "ruleSet.shares"
    );
    assert_eq!(
        field(&|rs| rs.shares.national = Ratio::new(1, 0)),
        "ruleSet.shares.national"
    );
    assert_eq!(
        field(&|rs| rs.shares.national = Ratio::new(-1, 2)),
        "ruleSet.shares.national"
    );
    assert_eq!(field(&|rs| rs.rounding.unit = 0), "ruleSet.rounding");
    assert_eq!(
        field(&|rs| rs.standard_amounts.pop().map(|_| ()).unwrap()),
        "ruleSet.standardAmounts"
    );
    assert_eq!(
        field(&|rs| rs.standard_amounts[0].1 = Yen(-1)),
        "ruleSet.standardAmounts[0]"
    );
    assert_eq!(
        field(&|rs| rs.reductions[1].max_uses = Some(0)),
        "ruleSet.reductions[1].maxUses"
    );
    assert_eq!(
        field(&|rs| rs.bonuses[1].kind = BonusKind::HighNeed),
        "ruleSet.bonuses[1]"
    );
    assert_eq!(
        field(&|rs| rs.top_ups[0].kind = TopUpKind::UserFeeShare(Ratio::new(3, 2))),
        "ruleSet.topUps[0]"
    );
    assert_eq!(field(&|rs| rs.id = " ".into()), "ruleSet.id");
    assert!(RuleSet::from_json("{\"id\": 1}").is_err());
}
