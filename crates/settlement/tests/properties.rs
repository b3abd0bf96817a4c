//! Properties over random uses: shares sum exactly, nothing is negative, statements do not
//! depend on input order, netted transfers settle every claim, and only the grant is rounded.

mod common;

use std::collections::BTreeMap;

use chrono::Datelike;

use common::{MUNICIPALITIES, agreements, arb_uses, code, d};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use sango_domain::{FiscalYear, LgCode, PrefectureCode, Yen};
use sango_settlement::{
    Ledger, Period, PricedUse, Totals, UseInput, agreement_settlement, builtin_rule_sets, facility_invoices,
    fiscal_year_statements, municipality_payables, prefecture_summary,
};

fn ledger(uses: &[UseInput]) -> Ledger {
    Ledger::new(&builtin_rule_sets(), &agreements(), uses).unwrap()
}

fn whole() -> Period {
    Period::new(d(2022, 4, 1), d(2027, 3, 31)).unwrap()
}

/// Every statement the crate makes, serialised, so two runs can be compared whole.
fn everything(uses: &[UseInput]) -> String {
    everything_of(&ledger(uses))
}

fn everything_of(l: &Ledger) -> String {
    let l = l.clone();
    let mut out = Vec::new();
    for p in [
        whole(),
        Period::month(2025, 4).unwrap(),
        Period::fiscal_year(FiscalYear::new(2024).unwrap()),
    ] {
        out.push(serde_json::to_string(&facility_invoices(&l, p)).unwrap());
        out.push(serde_json::to_string(&municipality_payables(&l, p)).unwrap());
        out.push(serde_json::to_string(&agreement_settlement(&l, p)).unwrap());
    }
    for fy in 2022..=2026 {
        let fy = FiscalYear::new(fy).unwrap();
        let s = fiscal_year_statements(&l, fy, &[]).unwrap();
        for p in [31, 40] {
            out.push(
                serde_json::to_string(&prefecture_summary(PrefectureCode::new(p).unwrap(), fy, &s))
                    .unwrap(),
            );
        }
        out.push(serde_json::to_string(&s).unwrap());
    }
    out.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn shares_sum_exactly_and_nothing_is_negative(uses in arb_uses(60)) {
        let l = ledger(&uses);
        for u in &uses {
            let a = l.price(u).unwrap().amounts;
            prop_assert_eq!(a.national + a.prefecture + a.municipality, a.eligible_cost);
            prop_assert_eq!(a.user_pays + a.public_cost, a.gross_cost);
            let all = [a.addition_total, a.gross_cost, a.reduction, a.user_pays, a.public_cost, a.eligible_cost, a.national, a.prefecture, a.municipality, a.prefecture_top_up];
            prop_assert!(all.iter().all(|y| *y >= Yen::ZERO), "{:?}", a);
            prop_assert!(a.reduction <= u.user_fee);
            prop_assert!(a.prefecture_top_up <= a.public_cost - a.national - a.prefecture);
        }
    }

    #[test]
    fn statements_do_not_depend_on_input_order(uses in arb_uses(60), seed in any::<u64>()) {
        let mut shuffled = uses.clone();
        shuffled.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        prop_assert_eq!(everything(&uses), everything(&shuffled));
    }

    #[test]
    fn netted_transfers_settle_every_claim(uses in arb_uses(80)) {
        let s = agreement_settlement(&ledger(&uses), whole());
        let total: i64 = s.transfers.iter().map(|t| t.signed().0).sum();
        prop_assert_eq!(total, 0);
        let mut gross: BTreeMap<LgCode, i64> = BTreeMap::new();
        for c in s.agreements.iter().flat_map(|a| &a.claims) {
            prop_assert!(c.amount > Yen::ZERO && c.creditor != c.debtor);
            *gross.entry(c.creditor).or_default() += c.amount.0;
            *gross.entry(c.debtor).or_default() -= c.amount.0;
        }
        for m in MUNICIPALITIES.map(code) {
            let moved: i64 = s.transfers.iter().filter(|t| t.municipality == m).map(|t| t.signed().0).sum();
            prop_assert_eq!(moved, gross.get(&m).copied().unwrap_or(0), "{}", m);
            prop_assert!(s.transfers.iter().filter(|t| t.municipality == m).count() <= 1);
        }
        prop_assert!(s.transfers.iter().all(|t| t.amount > Yen::ZERO));
        for a in &s.agreements {
            prop_assert_eq!(a.members.iter().map(|m| m.borne).sum::<Yen>(), a.total_public_cost);
        }
    }

    #[test]
    fn only_the_grant_is_rounded(uses in arb_uses(80)) {
        let l = ledger(&uses);
        for fy in 2022..=2026 {
            for s in fiscal_year_statements(&l, FiscalYear::new(fy).unwrap(), &[]).unwrap() {
                let mine = l.uses().iter().filter(|u| u.key.resident == s.municipality && FiscalYear::containing(u.key.date).year() == fy);
                let t = Totals::of(mine);
                prop_assert_eq!(t, s.totals);
                prop_assert_eq!(t.national + t.prefecture + t.municipality, s.eligible_expenditure);
                prop_assert_eq!(s.net_cost, s.total_cost - s.other_income);
                prop_assert_eq!(s.grant_base, s.eligible_expenditure.min(s.standard_amount).min(s.net_cost));
                let exact = s.grant_base.0 / 2;
                prop_assert!(s.national_grant.0 <= exact && exact - s.national_grant.0 < 1_000);
                prop_assert_eq!(s.national_grant.0 % 1_000, 0);
                prop_assert_eq!(s.municipal_burden, s.net_cost - s.national_grant - s.prefecture_grant);
            }
        }
    }

    #[test]
    fn invoices_payables_and_statements_agree(uses in arb_uses(60)) {
        let l = ledger(&uses);
        let invoiced: Vec<Totals> = facility_invoices(&l, whole()).into_iter().map(|i| i.total).collect();
        let payable: Vec<Totals> = municipality_payables(&l, whole()).into_iter().map(|p| p.total).collect();
        let everything = Totals::of(l.uses());
        prop_assert_eq!(Totals::sum(&invoiced), everything);
        prop_assert_eq!(Totals::sum(&payable), everything);
        let years: Vec<Totals> = (2022..=2026)
            .flat_map(|fy| fiscal_year_statements(&l, FiscalYear::new(fy).unwrap(), &[]).unwrap())
            .map(|s| s.totals)
            .collect();
        prop_assert_eq!(Totals::sum(&years), everything);
    }

    #[test]
    fn a_ledger_of_uses_summed_by_month_gives_the_same_statements(uses in arb_uses(80), seed in any::<u64>()) {
        // What the store keeps: each use priced on its own, then summed per month, key, payer
        // and rule set, in an order of its own.
        let single = ledger(&uses);
        let mut sums: BTreeMap<_, PricedUse> = BTreeMap::new();
        for u in &uses {
            let p = single.price(u).unwrap();
            let mut key = p.key.clone();
            key.date = key.date.with_day(1).unwrap();
            let group = (key.clone(), p.payer, p.rule_set.clone());
            sums.entry(group)
                .and_modify(|s| { s.uses += 1; s.amounts = s.amounts + p.amounts; })
                .or_insert(PricedUse { key, ..p });
        }
        let mut summed: Vec<PricedUse> = sums.into_values().collect();
        summed.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        let l = Ledger::of_priced(&builtin_rule_sets(), &agreements(), summed).unwrap();
        prop_assert_eq!(Totals::of(l.uses()), Totals::of(single.uses()));
        prop_assert_eq!(everything_of(&l), everything(&uses));
    }
}
