//! Hand-worked per-use examples, one per money rule, checked to the yen.

mod common;

use common::{a_use, d};
use sango_domain::{FiscalYear, HouseholdTier, Yen};
use sango_settlement::{UseAmounts, UseInput, builtin_rule_sets, compute, rule_set_for};

fn amounts(u: &UseInput) -> UseAmounts {
    let sets = builtin_rule_sets();
    compute(rule_set_for(&sets, u.date).expect("a rule set"), u)
}

/// 広島県's worked example, FY2024: the contract pays 60,000 per use (委託単価, meals included);
/// the mother pays 15,000 at the facility (a 10,000 fee plus 5,000 for meals, so `user_fee` is
/// 15,000); the city's commission (委託料) is 60,000 − 15,000 = 45,000, all of it eligible, split
/// national 1/2 = 22,500 and municipality 22,500. A TAXED 6th use, so no national reduction applies.
#[test]
fn hiroshima_example_fy2024() {
    let a = amounts(&a_use(d(2024, 7, 1), "34100", 60_000, 15_000));
    assert_eq!(
        (a.gross_cost, a.reduction, a.user_pays),
        (Yen(60_000), Yen(0), Yen(15_000))
    );
    assert_eq!((a.public_cost, a.eligible_cost), (Yen(45_000), Yen(45_000)));
    assert_eq!(
        (a.national, a.prefecture, a.municipality),
        (Yen(22_500), Yen(0), Yen(22_500))
    );
    assert_eq!(a.prefecture_top_up, Yen(0));
}

/// FY2025: 1/2, 1/4, 1/4 of an eligible 10,001; the odd yen goes to the municipality.
#[test]
fn fy2025_split_gives_the_remainder_to_the_municipality() {
    let a = amounts(&a_use(d(2025, 5, 1), "34207", 10_001, 0));
    assert_eq!(a.eligible_cost, Yen(10_001));
    assert_eq!(
        (a.national, a.prefecture, a.municipality),
        (Yen(5_000), Yen(2_500), Yen(2_501))
    );
}

/// FY2022: 5,000 per use for a NON_TAXED household, capped at a 3,000 fee; a TAXED one gets none.
#[test]
fn non_taxed_reduction_is_capped_at_the_fee() {
    let mut u = a_use(d(2022, 10, 3), "34207", 30_000, 3_000);
    u.tier = HouseholdTier::NonTaxed;
    let a = amounts(&u);
    assert_eq!(
        (a.reduction, a.user_pays, a.public_cost),
        (Yen(3_000), Yen(0), Yen(30_000))
    );
    assert_eq!(
        (a.eligible_cost, a.national, a.municipality),
        (Yen(30_000), Yen(15_000), Yen(15_000))
    );
    u.tier = HouseholdTier::Taxed;
    assert_eq!(amounts(&u).reduction, Yen(0));
    // FY2024, first use: 5,000 + 2,500 add up (7,500 of a 10,000 fee).
    let mut u = a_use(d(2024, 10, 3), "34207", 30_000, 10_000);
    (u.tier, u.use_ordinal) = (HouseholdTier::NonTaxed, 1);
    let a = amounts(&u);
    assert_eq!(
        (a.reduction, a.user_pays, a.public_cost),
        (Yen(7_500), Yen(2_500), Yen(27_500))
    );
}

/// FY2023+: 2,500 for every household, uses 1 to 5 only.
#[test]
fn universal_reduction_covers_the_first_five_uses() {
    for ordinal in 1..=7 {
        let mut u = a_use(d(2023, 6, 1), "34207", 36_000, 3_100);
        u.use_ordinal = ordinal;
        let a = amounts(&u);
        let expected = if ordinal <= 5 { 2_500 } else { 0 };
        assert_eq!(a.reduction, Yen(expected), "use {ordinal}");
        assert_eq!(a.user_pays, Yen(3_100 - expected), "use {ordinal}");
    }
    // Not in FY2022.
    let mut u = a_use(d(2023, 3, 31), "34207", 36_000, 3_100);
    u.use_ordinal = 1;
    assert_eq!(amounts(&u).reduction, Yen(0));
}

/// 鳥取県 pays the fee left after the national reduction in full: the user pays nothing.
/// FY2025, TAXED first use: fee 4,500 − 2,500 reduction = 2,000, paid by the prefecture.
#[test]
fn tottori_pays_the_user_fee() {
    let mut u = a_use(d(2025, 6, 2), "31201", 30_000, 4_500);
    u.use_ordinal = 1;
    let a = amounts(&u);
    assert_eq!((a.reduction, a.user_pays), (Yen(2_500), Yen(0)));
    assert_eq!((a.public_cost, a.eligible_cost), (Yen(30_000), Yen(30_000)));
    assert_eq!(
        (a.national, a.prefecture, a.municipality),
        (Yen(15_000), Yen(7_500), Yen(7_500))
    );
    assert_eq!(a.prefecture_top_up, Yen(2_000));
}

/// 福岡県, FY2025: 1,250 for each of the first 5 uses and half the municipal share.
/// Day care 20,000, fee 3,000. Uses 1–5: reduction 2,500, user 500, eligible 19,500 →
/// 9,750 / 4,875 / 4,875, top-up 1,250 + ⌊4,875 / 2⌋ = 3,687. Use 6: eligible 17,000 →
/// 8,500 / 4,250 / 4,250, top-up 2,125. Six uses: 5 × 3,687 + 2,125 = 20,560.
#[test]
fn fukuoka_per_use_and_half_the_municipal_share() {
    let mut total = Yen(0);
    for ordinal in 1..=6 {
        let mut u = a_use(d(2025, 9, 1), "40203", 20_000, 3_000);
        u.use_ordinal = ordinal;
        let a = amounts(&u);
        assert_eq!(a.user_pays, Yen(if ordinal <= 5 { 500 } else { 3_000 }));
        let expected = if ordinal <= 5 { 3_687 } else { 2_125 };
        assert_eq!(a.prefecture_top_up, Yen(expected), "use {ordinal}");
        total = total + a.prefecture_top_up;
    }
    assert_eq!(total, Yen(20_560));
    // FY2024: only the 1,250 (the municipal-share top-up starts in FY2025).
    let mut u = a_use(d(2024, 9, 1), "40203", 20_000, 3_000);
    u.use_ordinal = 1;
    assert_eq!(amounts(&u).prefecture_top_up, Yen(1_250));
}

/// 京都府 pays half the fee left after the reduction, floored: 3,001 − 2,500 = 501 → 250.
#[test]
fn kyoto_pays_half_the_fee() {
    let mut u = a_use(d(2025, 4, 1), "26100", 20_000, 3_001);
    u.use_ordinal = 1;
    let a = amounts(&u);
    assert_eq!(
        (a.reduction, a.prefecture_top_up, a.user_pays),
        (Yen(2_500), Yen(250), Yen(251))
    );
    assert_eq!(a.public_cost, Yen(19_749));
}

/// The same use on 2025-03-31 and on 2025-04-01: FY2024's rules (1/2, 0, 1/2) vs FY2025's.
#[test]
fn the_fiscal_year_boundary_picks_the_rule_set() {
    let sets = builtin_rule_sets();
    for (day, fy, id, shares) in [
        (d(2025, 3, 31), 2024, "national-2024.1", (20_000, 0, 20_000)),
        (
            d(2025, 4, 1),
            2025,
            "national-2025.1",
            (20_000, 10_000, 10_000),
        ),
    ] {
        let u = a_use(day, "34207", 45_000, 5_000);
        let rs = rule_set_for(&sets, day).unwrap();
        assert_eq!(
            (rs.id.as_str(), FiscalYear::containing(day).year()),
            (id, fy)
        );
        let a = compute(rs, &u);
        assert_eq!(
            (a.national, a.prefecture, a.municipality),
            (Yen(shares.0), Yen(shares.1), Yen(shares.2))
        );
    }
    assert!(rule_set_for(&sets, d(2022, 3, 31)).is_none());
}

/// Bonuses: FY2024 counts high need but not a sibling; FY2025 counts both. Twins add one multiple.
#[test]
fn bonuses_count_when_the_rule_set_says_so() {
    let make = |day| {
        let mut u = a_use(day, "34207", 30_000, 2_000);
        (u.infants, u.sibling, u.high_need, u.over_four_months) = (2, true, true, false);
        u.additions.multiple = Yen(4_000);
        u.additions.sibling = Yen(3_000);
        u.additions.high_need = Yen(5_000);
        u.additions.over_four_months = Yen(7_000);
        u
    };
    let a = amounts(&make(d(2024, 8, 1)));
    assert_eq!(
        (a.addition_total, a.gross_cost, a.public_cost),
        (Yen(12_000), Yen(42_000), Yen(40_000))
    );
    assert_eq!(a.eligible_cost, Yen(30_000 + 4_000 + 5_000 - 2_000));
    let a = amounts(&make(d(2025, 8, 1)));
    assert_eq!(a.eligible_cost, Yen(40_000));
}
