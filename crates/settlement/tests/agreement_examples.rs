//! Mutual-use agreements by hand: who bills whom, who bears what, and the netted transfers;
//! plus the facility invoices and municipality payables of the same month.

mod common;

use common::{a_use, code, d};
use sango_domain::{LgCode, Yen};
use sango_settlement::{
    Agreement, Direction, Ledger, Period, UseInput, agreement_settlement, builtin_rule_sets,
    facility_invoices, municipality_payables,
};

/// 鳥取市 (host) with 米子市 and 倉吉市; 米子市 (host) with 倉吉市.
fn agreements() -> Vec<Agreement> {
    vec![
        Agreement {
            id: "east".into(),
            host: code("31201"),
            members: vec![code("31201"), code("31202"), code("31203")],
        },
        Agreement {
            id: "west".into(),
            host: code("31202"),
            members: vec![code("31203")],
        },
    ]
}

/// FY2025, user fee 0, so the public cost is the unit price. Facility 7 is in 鳥取市, 8 in 米子市.
fn uses() -> Vec<UseInput> {
    let at = |resident: &str, facility: i64, price: i64, agreement: Option<&str>| {
        let mut u = a_use(d(2025, 6, 2), resident, price, 0);
        u.booking = format!("{resident}-{facility}-{price}");
        (u.facility_id, u.agreement) = (facility, agreement.map(String::from));
        u.facility_municipality = code(if facility == 7 { "31201" } else { "31202" });
        u
    };
    vec![
        at("31201", 7, 10_000, Some("east")),
        at("31202", 7, 20_000, Some("east")),
        at("31203", 7, 5_000, Some("east")),
        at("31203", 8, 7_000, Some("west")),
        at("31203", 8, 1_000, None), // a direct contract: 倉吉市 pays 米子市's facility itself
    ]
}

#[test]
fn members_bear_their_residents_cost_and_the_prefecture_nets_it() {
    let ledger = Ledger::new(&builtin_rule_sets(), &agreements(), &uses()).unwrap();
    let s = agreement_settlement(&ledger, Period::month(2025, 6).unwrap());
    let east = &s.agreements[0];
    assert_eq!(
        (east.id.as_str(), east.uses, east.total_public_cost),
        ("east", 3, Yen(35_000))
    );
    let borne: Vec<(LgCode, Yen)> = east
        .members
        .iter()
        .map(|m| (m.municipality, m.borne))
        .collect();
    assert_eq!(
        borne,
        vec![
            (code("31201"), Yen(10_000)),
            (code("31202"), Yen(20_000)),
            (code("31203"), Yen(5_000))
        ]
    );
    let claims: Vec<_> = s
        .agreements
        .iter()
        .flat_map(|a| a.claims.iter().map(|c| (c.creditor, c.debtor, c.amount)))
        .collect();
    assert_eq!(
        claims,
        vec![
            (code("31201"), code("31202"), Yen(20_000)),
            (code("31201"), code("31203"), Yen(5_000)),
            (code("31202"), code("31203"), Yen(7_000)),
        ]
    );
    let nets: Vec<_> = s.balances.iter().map(|b| (b.municipality, b.net)).collect();
    assert_eq!(
        nets,
        vec![
            (code("31201"), Yen(25_000)),
            (code("31202"), Yen(-13_000)),
            (code("31203"), Yen(-12_000))
        ]
    );
    let transfers: Vec<_> = s
        .transfers
        .iter()
        .map(|t| (t.municipality, t.direction, t.amount))
        .collect();
    assert_eq!(
        transfers,
        vec![
            (code("31201"), Direction::FromPrefecture, Yen(25_000)),
            (code("31202"), Direction::ToPrefecture, Yen(13_000)),
            (code("31203"), Direction::ToPrefecture, Yen(12_000)),
        ]
    );
}

#[test]
fn facilities_bill_the_host_for_agreement_uses() {
    let ledger = Ledger::new(&builtin_rule_sets(), &agreements(), &uses()).unwrap();
    let june = Period::month(2025, 6).unwrap();
    let invoices = facility_invoices(&ledger, june);
    assert_eq!(
        invoices
            .iter()
            .map(|i| (i.facility_id, i.total.public_cost))
            .collect::<Vec<_>>(),
        vec![(7, Yen(35_000)), (8, Yen(8_000))]
    );
    let lines: Vec<_> = invoices[1]
        .lines
        .iter()
        .map(|l| {
            (
                l.billed_to,
                l.resident,
                l.cross_boundary,
                l.totals.public_cost,
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (code("31202"), code("31203"), true, Yen(7_000)),
            (code("31203"), code("31203"), true, Yen(1_000))
        ]
    );
    let payables = municipality_payables(&ledger, june);
    let summary: Vec<_> = payables
        .iter()
        .map(|p| (p.municipality, p.total.public_cost, p.on_behalf_of_members))
        .collect();
    assert_eq!(
        summary,
        vec![
            (code("31201"), Yen(35_000), Yen(25_000)),
            (code("31202"), Yen(7_000), Yen(7_000)),
            (code("31203"), Yen(1_000), Yen(0))
        ]
    );
    assert!(!payables[0].lines[0].cross_boundary && payables[2].lines[0].cross_boundary);
    // Nothing in July.
    assert!(facility_invoices(&ledger, Period::month(2025, 7).unwrap()).is_empty());
}

#[test]
fn unknown_agreements_and_outsiders_are_refused() {
    let mut bad = uses();
    bad[0].agreement = Some("north".into());
    assert_eq!(
        Ledger::new(&builtin_rule_sets(), &agreements(), &bad)
            .unwrap_err()
            .field,
        "uses[0].agreement"
    );
    let mut outsider = uses();
    outsider[0].resident = code("31204");
    let err = Ledger::new(&builtin_rule_sets(), &agreements(), &outsider).unwrap_err();
    assert!(err.message.contains("not a member"), "{err}");
    let mut twice = agreements();
    twice[1].id = "east".into();
    assert_eq!(
        Ledger::new(&builtin_rule_sets(), &twice, &[])
            .unwrap_err()
            .field,
        "agreements"
    );
    let mut early = uses();
    early[2].date = d(2021, 4, 1);
    assert_eq!(
        Ledger::new(&builtin_rule_sets(), &agreements(), &early)
            .unwrap_err()
            .field,
        "uses[2].date"
    );
    let mut negative = uses();
    negative[1].user_fee = Yen(-1);
    assert_eq!(
        Ledger::new(&builtin_rule_sets(), &agreements(), &negative)
            .unwrap_err()
            .field,
        "uses[1].userFee"
    );
}

#[test]
fn entries_priced_elsewhere_are_checked_before_they_are_summed() {
    let single = Ledger::new(&builtin_rule_sets(), &agreements(), &[]).unwrap();
    let priced: Vec<_> = uses().iter().map(|u| single.price(u).unwrap()).collect();
    assert_eq!(priced[0].payer, code("31201"));
    assert_eq!(priced[3].payer, code("31202"), "west's host pays");
    let of = |p: Vec<_>| Ledger::of_priced(&builtin_rule_sets(), &agreements(), p);
    assert_eq!(of(priced.clone()).unwrap().uses().len(), 5);
    let mut none = priced.clone();
    none[1].uses = 0;
    assert_eq!(of(none).unwrap_err().field, "uses[1].uses");
    let mut wrong_payer = priced.clone();
    wrong_payer[3].payer = code("31203");
    assert_eq!(of(wrong_payer).unwrap_err().field, "uses[3].payer");
    let mut unknown_rules = priced.clone();
    unknown_rules[4].rule_set = "FY1999".into();
    assert_eq!(of(unknown_rules).unwrap_err().field, "uses[4].ruleSet");
    let mut outsider = priced;
    outsider[0].key.resident = code("31204");
    assert!(of(outsider).unwrap_err().message.contains("not a member"));
}
