//! A deliberately naive second implementation of the money — straight loops, `i128`, the
//! national rules typed in from DOMAIN.md §3 rather than read from the rule sets — compared
//! to the real statements on random uses, to the yen.

mod common;

use chrono::{Datelike, NaiveDate};
use common::{MUNICIPALITIES, agreements, arb_uses, code};
use proptest::prelude::*;
use sango_domain::{FiscalYear, HouseholdTier, ServiceType, Yen};
use sango_settlement::{
    Ledger, Period, RuleSet, UseInput, agreement_settlement, builtin_rule_sets, facility_invoices,
    fiscal_year_statements,
};

#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Money {
    gross: i128,
    user: i128,
    public: i128,
    eligible: i128,
    national: i128,
    prefecture: i128,
    municipality: i128,
    top_up: i128,
}

fn fiscal_year(day: NaiveDate) -> i32 {
    if day.month() >= 4 {
        day.year()
    } else {
        day.year() - 1
    }
}

fn reference_use(u: &UseInput) -> Money {
    let fy = fiscal_year(u.date);
    let a = u.additions;
    let mut additions = 0i128;
    let mut eligible_additions = 0i128;
    let extra = i128::from(u.infants) - 1;
    additions += i128::from(a.multiple.0) * extra;
    eligible_additions += i128::from(a.multiple.0) * extra;
    if u.high_need {
        additions += i128::from(a.high_need.0);
        if fy >= 2024 {
            eligible_additions += i128::from(a.high_need.0);
        }
    }
    if u.sibling {
        additions += i128::from(a.sibling.0);
        if fy >= 2025 {
            eligible_additions += i128::from(a.sibling.0);
        }
    }
    if u.over_four_months {
        additions += i128::from(a.over_four_months.0);
        if fy >= 2025 {
            eligible_additions += i128::from(a.over_four_months.0);
        }
    }
    let price = i128::from(u.unit_price.0);
    let gross = price + additions;
    let fee = i128::from(u.user_fee.0).min(gross);
    let mut reduction = 0;
    if u.tier != HouseholdTier::Taxed {
        reduction += 5_000;
    }
    if fy >= 2023 && u.use_ordinal <= 5 {
        reduction += 2_500;
    }
    let reduction = reduction.min(fee);
    let left = fee - reduction;
    let pref_code = u.resident.prefecture().get();
    let fy2025 = u.date >= NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    let fee_share = match pref_code {
        31 => left,
        26 if fy2025 => left / 2,
        _ => 0,
    };
    let user = left - fee_share;
    let public = gross - user;
    let eligible = (price + eligible_additions - user).max(0);
    let national = eligible / 2;
    let prefecture = if fy >= 2025 { eligible / 4 } else { 0 };
    let municipality = eligible - national - prefecture;
    let mut top_up = fee_share;
    if pref_code == 40 && fy >= 2023 && u.use_ordinal <= 5 {
        top_up += 1_250;
    }
    if pref_code == 40 && fy2025 {
        top_up += municipality / 2;
    }
    let top_up = top_up.min(public - national - prefecture).max(0);
    Money {
        gross,
        user,
        public,
        eligible,
        national,
        prefecture,
        municipality,
        top_up,
    }
}

/// The (A), (B), (C), (D), (E), (G), prefecture grant and top-ups of one municipality's year.
fn reference_year(
    uses: &[UseInput],
    municipality: &str,
    fy: i32,
    standard: [i128; 3],
) -> [i128; 8] {
    let (mut a, mut b, mut d, mut e, mut top) = (0i128, 0i128, 0i128, 0i128, 0i128);
    let mine: Vec<&UseInput> = uses
        .iter()
        .filter(|u| u.resident == code(municipality) && fiscal_year(u.date) == fy)
        .collect();
    for (i, u) in mine.iter().enumerate() {
        let m = reference_use(u);
        a += m.gross;
        b += m.user;
        d += m.eligible;
        top += m.top_up;
        let same_month = |v: &&UseInput| {
            v.facility_id == u.facility_id
                && v.facility_municipality == u.facility_municipality
                && v.service_type == u.service_type
                && (v.date.year(), v.date.month()) == (u.date.year(), u.date.month())
        };
        if !mine[..i].iter().any(same_month) {
            let t = ServiceType::ALL
                .iter()
                .position(|t| *t == u.service_type)
                .unwrap();
            e += standard[t];
        }
    }
    let c = a - b;
    let base = d.min(e).min(c);
    let national = base / 2 / 1_000 * 1_000;
    let prefecture = if fy >= 2025 {
        base / 4 / 1_000 * 1_000
    } else {
        0
    };
    [a, b, c, d, e, national, prefecture, top]
}

fn rule_sets(standard: [i128; 3]) -> Vec<RuleSet> {
    let mut sets = builtin_rule_sets();
    for s in &mut sets {
        for (t, y) in &mut s.standard_amounts {
            *y = Yen(standard[ServiceType::ALL.iter().position(|x| x == t).unwrap()] as i64);
        }
    }
    sets
}

fn compare(uses: &[UseInput], standard: [i128; 3]) {
    let ledger = Ledger::new(&rule_sets(standard), &agreements(), uses).unwrap();
    for u in uses {
        let p = ledger.price(u).unwrap();
        let m = reference_use(u);
        let a = p.amounts;
        let real = [
            a.gross_cost,
            a.user_pays,
            a.public_cost,
            a.eligible_cost,
            a.national,
            a.prefecture,
            a.municipality,
            a.prefecture_top_up,
        ];
        let model = [
            m.gross,
            m.user,
            m.public,
            m.eligible,
            m.national,
            m.prefecture,
            m.municipality,
            m.top_up,
        ];
        assert_eq!(real.map(|y| i128::from(y.0)), model, "{u:?}");
    }
    for fy in 2022..=2026 {
        let statements =
            fiscal_year_statements(&ledger, FiscalYear::new(fy).unwrap(), &[]).unwrap();
        for m in MUNICIPALITIES {
            let model = reference_year(uses, m, fy, standard);
            match statements.iter().find(|s| s.municipality == code(m)) {
                None => assert_eq!(model, [0; 8], "{m} {fy}"),
                Some(s) => {
                    let real = [
                        s.total_cost,
                        s.other_income,
                        s.net_cost,
                        s.eligible_expenditure,
                        s.standard_amount,
                        s.national_grant,
                        s.prefecture_grant,
                        s.prefecture_top_ups,
                    ];
                    assert_eq!(real.map(|y| i128::from(y.0)), model, "{m} {fy}");
                }
            }
        }
    }
    let all = Period::new(
        NaiveDate::from_ymd_opt(2022, 4, 1).unwrap(),
        NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
    )
    .unwrap();
    let invoiced: i128 = facility_invoices(&ledger, all)
        .iter()
        .map(|i| i128::from(i.total.public_cost.0))
        .sum();
    assert_eq!(
        invoiced,
        uses.iter().map(|u| reference_use(u).public).sum::<i128>()
    );
    let settlement = agreement_settlement(&ledger, all);
    for m in MUNICIPALITIES {
        let mut net = 0i128;
        for u in uses {
            let Some(id) = &u.agreement else { continue };
            let host = agreements().into_iter().find(|a| &a.id == id).unwrap().host;
            let cost = reference_use(u).public;
            if host == code(m) && u.resident != host {
                net += cost;
            }
            if u.resident == code(m) && u.resident != host {
                net -= cost;
            }
        }
        let real = settlement
            .balances
            .iter()
            .find(|b| b.municipality == code(m))
            .map_or(0, |b| i128::from(b.net.0));
        assert_eq!(real, net, "{m}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn statements_match_the_reference_model(uses in arb_uses(80)) {
        compare(&uses, [2_519_600, 1_727_700, 1_727_700]);
    }

    /// Small standard amounts make (E) bind, so min(D, E) and min(F, C) are exercised both ways.
    #[test]
    fn statements_match_with_binding_standard_amounts(uses in arb_uses(80), s in (0i128..60_000, 0i128..40_000, 0i128..30_000)) {
        compare(&uses, [s.0, s.1, s.2]);
    }
}
