//! A hand-made municipality year on the 精算書 form, (A) to (J), under FLOOR-to-1,000 and
//! HALF_UP-to-500 rounding, the FY2025 prefecture grant and the prefecture's summary.

mod common;

use common::{a_use, code, d};
use sango_domain::{FiscalYear, PrefectureCode, ServiceType, Yen};
use sango_settlement::{
    GrantInput, GrantStatement, Ledger, Rounding, RoundingMode, RuleSet, UseInput,
    builtin_rule_sets, fiscal_year_statements, prefecture_summary,
};

/// FY2024 rules with small standard amounts, so that (E) binds: short stay 50,333, day care 30,000.
fn small_standards(rounding: Rounding, id: &str) -> Vec<RuleSet> {
    let mut sets = builtin_rule_sets();
    let mut rs = sets
        .iter()
        .find(|r| r.id == "national-2024.1")
        .unwrap()
        .clone();
    (rs.id, rs.version, rs.rounding) = (id.into(), 2, rounding);
    rs.standard_amounts = vec![
        (ServiceType::ShortStay, Yen(50_333)),
        (ServiceType::DayCare, Yen(30_000)),
        (ServiceType::Outreach, Yen(0)),
    ];
    sets.push(rs);
    sets
}

/// 福山市 (34207) residents in FY2024:
/// - three short stays at facility 1 in 福山市 (April ×2, May ×1): 40,333, fee 6,000 → public
///   and eligible 34,333 each;
/// - two day-care sessions at facility 2 in 尾道市 (34205), June: 15,000 + high-need 3,000
///   (eligible in FY2024), fee 1,000; the second also has a sibling addition of 2,000, which is
///   not eligible before FY2025 → public 17,000 and 19,000, eligible 17,000 each.
fn year() -> Vec<UseInput> {
    let ss = |day, n: u32| {
        let mut u = a_use(day, "34207", 40_333, 6_000);
        u.use_ordinal = n;
        u
    };
    let dc = |day, sibling| {
        let mut u = a_use(day, "34207", 15_000, 1_000);
        (u.service_type, u.facility_id, u.facility_municipality) =
            (ServiceType::DayCare, 2, code("34205"));
        (u.high_need, u.sibling) = (true, sibling);
        (u.additions.high_need, u.additions.sibling) = (Yen(3_000), Yen(2_000));
        u
    };
    vec![
        ss(d(2024, 4, 10), 6),
        ss(d(2024, 4, 11), 7),
        ss(d(2024, 5, 20), 8),
        dc(d(2024, 6, 5), false),
        dc(d(2024, 6, 6), true),
    ]
}

fn statement(sets: &[RuleSet], inputs: &[GrantInput]) -> GrantStatement {
    let ledger = Ledger::new(sets, &[], &year()).unwrap();
    let mut all = fiscal_year_statements(&ledger, FiscalYear::new(2024).unwrap(), inputs).unwrap();
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn the_form_a_to_j_with_floor_to_1000() {
    let s = statement(&small_standards(Rounding::FLOOR_1000, "floor-test"), &[]);
    assert_eq!(
        (s.wareki.as_str(), s.rule_set.as_str()),
        ("令和6年度", "floor-test")
    );
    assert_eq!(s.total_cost, Yen(3 * 40_333 + 18_000 + 20_000)); // (A) 158,999
    assert_eq!(s.other_income, Yen(3 * 6_000 + 2 * 1_000)); // (B) 20,000
    assert_eq!(s.net_cost, Yen(138_999)); // (C)
    assert_eq!(s.eligible_expenditure, Yen(3 * 34_333 + 2 * 17_000)); // (D) 136,999
    assert_eq!(s.standard_amount, Yen(2 * 50_333 + 30_000)); // (E) 2 + 1 facility-months: 130,666
    assert_eq!(s.selected, Yen(130_666)); // (F) = min(D, E)
    assert_eq!(s.grant_base, Yen(130_666)); // min(F, C)
    assert_eq!(s.national_grant, Yen(65_000)); // (G) ⌊65,333⌋ to 1,000
    assert_eq!(
        (s.decided, s.received, s.difference),
        (Yen(65_000), Yen(0), Yen(-65_000))
    ); // (H) (I) (J)
    assert_eq!(
        (s.prefecture_grant, s.municipal_burden),
        (Yen(0), Yen(138_999 - 65_000))
    );
    let types: Vec<_> = s
        .by_type
        .iter()
        .map(|t| (t.service_type, t.facility_months, t.standard_amount))
        .collect();
    assert_eq!(
        types,
        vec![
            (ServiceType::ShortStay, 2, Yen(100_666)),
            (ServiceType::DayCare, 1, Yen(30_000))
        ]
    );
    let rows: Vec<_> = s
        .breakdown
        .iter()
        .map(|b| {
            (
                b.facility_id,
                b.cross_boundary,
                b.totals.uses,
                b.totals.public_cost,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![(1, false, 3, Yen(102_999)), (2, true, 2, Yen(36_000))]
    );
}

#[test]
fn decided_and_received_amounts_give_the_difference() {
    let input = GrantInput {
        municipality: code("34207"),
        decided: Some(Yen(66_000)),
        received: Some(Yen(60_000)),
    };
    let s = statement(
        &small_standards(Rounding::FLOOR_1000, "floor-test"),
        &[input],
    );
    assert_eq!(
        (s.national_grant, s.decided, s.received),
        (Yen(65_000), Yen(66_000), Yen(60_000))
    );
    assert_eq!(s.difference, Yen(-6_000));
    assert_eq!(s.difference.to_string(), "△6,000");
}

#[test]
fn half_up_to_500() {
    let s = statement(
        &small_standards(
            Rounding {
                unit: 500,
                mode: RoundingMode::HalfUp,
            },
            "half-up-test",
        ),
        &[],
    );
    assert_eq!(s.rule_set, "half-up-test");
    assert_eq!(s.national_grant, Yen(65_500)); // 65,333: 333 ≥ 250 rounds up
}

#[test]
fn eligible_cost_binds_with_the_real_standard_amounts() {
    let s = statement(&builtin_rule_sets(), &[]);
    assert_eq!(s.standard_amount, Yen(2 * 2_519_600 + 1_727_700));
    assert_eq!((s.selected, s.grant_base), (Yen(136_999), Yen(136_999)));
    assert_eq!(s.national_grant, Yen(68_000)); // ⌊68,499.5⌋ = 68,499 → 68,000
}

/// FY2025 in 福岡県: the prefecture grant is 1/4 of the base, rounded the same way, and the
/// top-ups are summed; the summary ignores other prefectures' municipalities.
#[test]
fn fy2025_prefecture_grant_and_summary() {
    let mut uses = Vec::new();
    for (n, m) in [(1, "40203"), (2, "40203"), (1, "40100"), (1, "34207")] {
        let mut u = a_use(d(2025, 7, n), m, 20_000, 3_000);
        (u.use_ordinal, u.booking) = (n, format!("{m}-{n}"));
        uses.push(u);
    }
    let ledger = Ledger::new(&builtin_rule_sets(), &[], &uses).unwrap();
    let fy = FiscalYear::new(2025).unwrap();
    let all = fiscal_year_statements(&ledger, fy, &[]).unwrap();
    let s = all
        .iter()
        .find(|s| s.municipality == code("40203"))
        .unwrap();
    // Two uses: eligible 19,500 each (fee 3,000 − 2,500 reduction) → D = 39,000.
    assert_eq!(
        (s.eligible_expenditure, s.net_cost),
        (Yen(39_000), Yen(39_000))
    );
    assert_eq!(
        (s.national_grant, s.prefecture_grant),
        (Yen(19_000), Yen(9_000))
    ); // 19,500 / 9,750 floored
    assert_eq!(s.prefecture_top_ups, Yen(2 * 3_687));
    assert_eq!(s.municipal_burden, Yen(39_000 - 19_000 - 9_000));
    assert_eq!(s.burden_after_top_ups, Yen(11_000 - 7_374));
    let sum = prefecture_summary(PrefectureCode::new(40).unwrap(), fy, &all);
    assert_eq!(
        sum.lines.iter().map(|l| l.municipality).collect::<Vec<_>>(),
        vec![code("40100"), code("40203")]
    );
    assert_eq!(sum.total_prefecture_grant, Yen(9_000 + 4_000));
    assert_eq!(sum.total_top_ups, Yen(3 * 3_687));
    assert_eq!(sum.total_prefecture_cost, Yen(13_000 + 11_061));
    assert_eq!(sum.national_claim, Yen(19_000 + 9_000));
}

/// A use on 2025-03-31 is settled in FY2024 (1/2, 0); one on 2025-04-01 in FY2025 (1/2, 1/4).
#[test]
fn uses_on_either_side_of_april_first_land_in_their_years() {
    let uses = [
        a_use(d(2025, 3, 31), "34207", 45_000, 5_000),
        a_use(d(2025, 4, 1), "34207", 45_000, 5_000),
    ];
    let ledger = Ledger::new(&builtin_rule_sets(), &[], &uses).unwrap();
    let rules: Vec<_> = ledger.uses().iter().map(|u| u.rule_set.as_str()).collect();
    assert_eq!(rules, ["national-2024.1", "national-2025.1"]);
    for (fy, rule_set, national, prefecture) in [
        (2024, "national-2024.1", 20_000, 0),
        (2025, "national-2025.1", 20_000, 10_000),
    ] {
        let s = fiscal_year_statements(&ledger, FiscalYear::new(fy).unwrap(), &[])
            .unwrap()
            .remove(0);
        assert_eq!((s.totals.uses, s.rule_set.as_str()), (1, rule_set));
        assert_eq!(
            (s.national_grant, s.prefecture_grant),
            (Yen(national), Yen(prefecture))
        );
    }
}
