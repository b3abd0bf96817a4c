//! Settlement inputs that change over the year, on the backend under test: a contract amended
//! mid-year prices each use by the version in force on its day; a mutual-use agreement settled to
//! the yen through its host, with its netted transfers; a prefecture's own top-up version applied
//! from its effective date and named in the issued statement; and who may do what.

mod support;

use sango_domain::{ApplicationMethod, ContractTerms, FiscalYear, Outcome, PrefectureCode, Principal, Yen};
use sango_service::use_records::DayUse;
use sango_service::{Caller, ErrorCode, Hub};
use sango_settlement::{AgreementTerms, Direction, Ratio, TopUpKind};
use support::booking::*;
use support::*;

fn fy() -> FiscalYear {
    FiscalYear::new(2025).unwrap()
}

fn used(date: &str) -> DayUse {
    DayUse { date: d(date), outcome: Outcome::Used, infants: 1, sibling: false, over_four_months: false, high_need: false }
}

fn principal(p: Principal) -> Caller {
    Caller::Principal(p)
}

fn pref(n: u8) -> PrefectureCode {
    PrefectureCode::new(n).unwrap()
}

/// Books one day for a new case of `m` at the clock's time and records it used a day later.
async fn use_on(hub: &Hub, clock: &TestClock, m: &str, facility: i64, date: &str) {
    let day = d(date);
    clock.set_jst(&format!("{} 09:00:00", day - chrono::Days::new(7)));
    let k = case(hub, m, "2025-05-01", false).await;
    let b = hub.book(&staff(m), request(&k, facility, &[date], None)).await.unwrap();
    clock.set_jst(&format!("{} 09:00:00", day + chrono::Days::new(1)));
    hub.record_use(&principal(Principal::FacilityStaff(facility)), &b.reference, used(date)).await.unwrap();
}

/// 鳥取市 and 米子市 both take bookings first come, with the given user fee for every tier.
async fn world_with_fee(hub: &Hub, fee: i64) -> i64 {
    let facility = world(hub, 3).await;
    for m in ["312011", "312029"] {
        let mut r = rules(ApplicationMethod::FirstCome, 4);
        r.fees.iter_mut().for_each(|f| f.fee = Yen(fee));
        hub.set_program(&staff(m), code(m), fy(), r).await.unwrap();
    }
    facility
}

fn east(members: &[&str]) -> AgreementTerms {
    AgreementTerms {
        code: "tottori-east".into(),
        name: "鳥取県東部産後ケア広域化協定".into(),
        host: code("312011"),
        members: members.iter().map(|m| code(m)).collect(),
        valid_from: d("2025-04-01"),
        valid_to: None,
    }
}

#[tokio::test]
async fn a_use_is_priced_by_the_contract_version_in_force_on_its_day() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world_with_fee(&hub, 0).await;
    let contract = hub.contracts(&staff("312011"), Some(code("312011")), Some(facility)).await.unwrap().remove(0);
    let fstaff = principal(Principal::FacilityStaff(facility));
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let june_10 = hub.book(&staff("312011"), request(&k, facility, &["2025-06-10"], None)).await.unwrap();
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let june_12 = hub.book(&staff("312011"), request(&k, facility, &["2025-06-12"], None)).await.unwrap();
    clock.set_jst("2025-06-11 09:00:00");
    hub.record_use(&fstaff, &june_10.reference, used("2025-06-10")).await.unwrap();
    // From July the unit price rises from 36,000 to 40,000; June keeps the old price.
    let amended = ContractTerms { unit_price: Yen(40_000), valid_from: d("2025-07-01"), ..contract.terms.clone() };
    hub.amend_contract(&staff("312011"), contract.contract_no, amended).await.unwrap();
    clock.set_jst("2025-06-13 09:00:00");
    hub.record_use(&fstaff, &june_12.reference, used("2025-06-12")).await.unwrap();
    use_on(&hub, &clock, "312011", facility, "2025-07-10").await;

    let finance = principal(Principal::MunicipalFinance(code("312011")));
    let month = |m: &'static str| {
        let hub = &hub;
        let finance = &finance;
        async move { hub.settlement(finance, fy(), Some(d(m)), None).await.unwrap().payables[0].total }
    };
    let june = month("2025-06-01").await;
    let july = month("2025-07-01").await;
    assert_eq!((june.uses, june.public_cost), (2, Yen(72_000)), "both June days at 36,000, one recorded after the amendment");
    assert_eq!((july.uses, july.public_cost), (1, Yen(40_000)));
    // FY2025 shares of 40,000: national 20,000, prefecture 10,000, municipality 10,000.
    assert_eq!((july.national, july.prefecture, july.municipality), (Yen(20_000), Yen(10_000), Yen(10_000)));
    let year = hub.settlement(&finance, fy(), None, None).await.unwrap();
    assert_eq!(year.grants[0].total_cost, Yen(112_000));
}

#[tokio::test]
async fn a_mutual_use_agreement_is_settled_through_its_host_to_the_yen() {
    let (hub, clock) = hub_with_clock("2025-05-01 09:00:00").await;
    let facility = world_with_fee(&hub, 0).await;
    let coordinator = principal(Principal::PrefectureCoordinator(pref(31)));
    let saved = hub.register_agreement(&coordinator, east(&["312029"])).await.unwrap();
    assert_eq!((saved.version, saved.current), (1, true));
    // The host's contract is corrected to 40,000 from its first day; 米子市 keeps 36,000 of its own.
    let host = hub.contracts(&staff("312011"), Some(code("312011")), Some(facility)).await.unwrap().remove(0);
    hub.amend_contract(&staff("312011"), host.contract_no, ContractTerms { unit_price: Yen(40_000), ..host.terms.clone() }).await.unwrap();

    use_on(&hub, &clock, "312011", facility, "2025-06-10").await;
    use_on(&hub, &clock, "312029", facility, "2025-06-11").await;
    use_on(&hub, &clock, "312029", facility, "2025-06-12").await;

    let prefecture = principal(Principal::PrefectureFinance(pref(31)));
    let r = hub.settlement(&prefecture, fy(), Some(d("2025-06-01")), None).await.unwrap();
    let s = r.agreements.as_ref().unwrap();
    assert_eq!(s.agreements.len(), 1);
    let a = &s.agreements[0];
    // Every use under the agreement is priced by the host's contract: 3 × 40,000.
    assert_eq!((a.id.as_str(), a.uses, a.total_public_cost), ("tottori-east", 3, Yen(120_000)));
    let borne: Vec<(String, u64, Yen)> = a.members.iter().map(|m| (m.municipality.to_string(), m.uses, m.borne)).collect();
    assert_eq!(borne, vec![("312011".into(), 1, Yen(40_000)), ("312029".into(), 2, Yen(80_000))]);
    assert_eq!(a.claims.len(), 1);
    assert_eq!((a.claims[0].creditor, a.claims[0].debtor, a.claims[0].amount), (code("312011"), code("312029"), Yen(80_000)));
    let transfers: Vec<(String, Direction, Yen)> = s.transfers.iter().map(|t| (t.municipality.to_string(), t.direction, t.amount)).collect();
    assert_eq!(transfers, vec![("312011".into(), Direction::FromPrefecture, Yen(80_000)), ("312029".into(), Direction::ToPrefecture, Yen(80_000))]);
    // The facility bills the host for all three uses; 米子市 owes the facility nothing directly.
    assert!(r.payables.iter().all(|p| p.municipality == code("312011")));
    assert_eq!(r.payables[0].total.public_cost, Yen(120_000));

    // 米子市's finance sees the agreement and its own position; a non-member's sees none.
    let member = hub.settlement(&principal(Principal::MunicipalFinance(code("312029"))), fy(), Some(d("2025-06-01")), None).await.unwrap();
    let mine = member.agreements.unwrap();
    assert_eq!(mine.agreements.len(), 1);
    assert_eq!(mine.balances.iter().map(|b| (b.municipality, b.net)).collect::<Vec<_>>(), vec![(code("312029"), Yen(-80_000))]);
    let outsider = hub.settlement(&principal(Principal::MunicipalFinance(code("313025"))), fy(), Some(d("2025-06-01")), None).await.unwrap();
    assert!(outsider.agreements.unwrap().agreements.is_empty());
    assert!(hub.settlement(&staff("312029"), fy(), Some(d("2025-06-01")), None).await.unwrap().agreements.is_none(), "case workers do not see settlements between towns");
    assert!(hub.agreements(&principal(Principal::MunicipalFinance(code("313025"))), None).await.unwrap().is_empty());
    assert_eq!(hub.agreements(&principal(Principal::MunicipalFinance(code("312029"))), None).await.unwrap().len(), 1);

    // Issued, the agreement settlement is stored with the rest and reads back as issued.
    let issued = hub.issue_statement(&prefecture, fy(), Some(d("2025-06-01")), None).await.unwrap();
    assert_eq!(hub.settlement(&prefecture, fy(), Some(d("2025-06-01")), None).await.unwrap(), issued);
    assert_eq!(issued.agreements.as_ref().unwrap().transfers, s.transfers);
}

#[tokio::test]
async fn agreements_are_registered_and_amended_by_the_prefecture_coordinator_only() {
    let hub = hub().await;
    let coordinator = principal(Principal::PrefectureCoordinator(pref(31)));
    let tokyo = principal(Principal::PrefectureCoordinator(pref(13)));
    let err = |r: Result<sango_store::AgreementVersion, sango_service::ServiceError>| {
        let e = r.unwrap_err();
        (e.code, e.field)
    };
    assert_eq!(err(hub.register_agreement(&staff("312011"), east(&["312029"])).await).0, ErrorCode::Forbidden);
    assert_eq!(err(hub.register_agreement(&tokyo, east(&["312029"])).await).0, ErrorCode::Forbidden);
    assert_eq!(err(hub.register_agreement(&coordinator, east(&["131016"])).await), (ErrorCode::BadUserInput, Some("members[0]".into())));
    assert_eq!(err(hub.register_agreement(&coordinator, east(&["312029", "312029"])).await), (ErrorCode::BadUserInput, Some("members[1]".into())));
    assert_eq!(err(hub.amend_agreement(&coordinator, east(&["312029"])).await), (ErrorCode::NotFound, Some("code".into())));
    hub.register_agreement(&coordinator, east(&["312029"])).await.unwrap();
    assert_eq!(err(hub.register_agreement(&coordinator, east(&["313025"])).await), (ErrorCode::Conflict, Some("code".into())));
    assert_eq!(err(hub.amend_agreement(&tokyo, east(&["312029"])).await), (ErrorCode::NotFound, Some("code".into())));
    let moved = AgreementTerms { host: code("312029"), members: vec![code("312011")], ..east(&[]) };
    assert_eq!(err(hub.amend_agreement(&coordinator, moved).await), (ErrorCode::BadUserInput, Some("host".into())));

    // An amendment appends a version; the first stays as it was.
    let v2 = hub.amend_agreement(&coordinator, AgreementTerms { valid_from: d("2025-10-01"), ..east(&["312029", "313025"]) }).await.unwrap();
    assert_eq!(v2.version, 2);
    let history = hub.agreement_history(&coordinator, "tottori-east").await.unwrap();
    assert_eq!(history.iter().map(|v| (v.version, v.current, v.terms.members.len())).collect::<Vec<_>>(), vec![(1, false, 1), (2, true, 2)]);
    assert_eq!(hub.agreement_history(&tokyo, "tottori-east").await.unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(hub.agreements(&principal(Principal::PrefectureFinance(pref(31))), None).await.unwrap().len(), 1);
    assert!(hub.agreements(&staff("312011"), None).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_prefecture_top_up_version_applies_from_its_effective_date_and_is_named_when_issued() {
    let (hub, clock) = hub_with_clock("2025-05-01 09:00:00").await;
    let facility = world_with_fee(&hub, 3_000).await;
    let finance = principal(Principal::PrefectureFinance(pref(31)));
    // From July, Tottori pays 1,250 per use for the first 5 uses instead of the user fee.
    let per_use = TopUpKind::PerUse { amount: Yen(1_250), max_uses: 5 };
    let v1 = hub.set_prefecture_top_ups(&finance, pref(31), d("2025-07-01"), vec![per_use.clone()]).await.unwrap();
    assert_eq!(v1.top_ups.version, 1);

    use_on(&hub, &clock, "312011", facility, "2025-06-10").await;
    use_on(&hub, &clock, "312011", facility, "2025-07-10").await;
    let month = |m: &'static str| {
        let hub = &hub;
        let finance = &finance;
        async move { hub.settlement(finance, fy(), Some(d(m)), None).await.unwrap().payables[0].total }
    };
    // June, the rule set's top-up: fee 3,000 − reduction 2,500 = 500, paid by the prefecture;
    // the user pays 0 and the public cost is the full 36,000.
    let june = month("2025-06-01").await;
    assert_eq!((june.user_payments, june.public_cost, june.prefecture_top_up), (Yen(0), Yen(36_000), Yen(500)));
    // July, the stored version: the user pays 500; eligible 35,500 → national 17,750,
    // prefecture 8,875, municipality 8,875, and the prefecture tops up 1,250.
    let july = month("2025-07-01").await;
    assert_eq!((july.user_payments, july.public_cost, july.eligible_cost), (Yen(500), Yen(35_500), Yen(35_500)));
    assert_eq!((july.national, july.prefecture, july.municipality, july.prefecture_top_up), (Yen(17_750), Yen(8_875), Yen(8_875), Yen(1_250)));

    // A later version never rewrites the first.
    let half = TopUpKind::MunicipalShare(Ratio::new(1, 2));
    hub.set_prefecture_top_ups(&finance, pref(31), d("2026-01-01"), vec![per_use, half]).await.unwrap();
    let history = hub.prefecture_top_ups(&finance, pref(31)).await.unwrap();
    assert_eq!(history.iter().map(|v| (v.top_ups.version, v.top_ups.effective_from)).collect::<Vec<_>>(), vec![(1, d("2025-07-01")), (2, d("2026-01-01"))]);
    assert_eq!(month("2025-07-01").await.prefecture_top_up, Yen(1_250));

    let issued = hub.issue_statement(&finance, fy(), None, None).await.unwrap();
    assert_eq!(issued.issued.unwrap().rule_sets, "national-2025.1,top-ups-31.1");
}

#[tokio::test]
async fn only_the_prefecture_finance_staff_change_its_top_ups() {
    let hub = hub().await;
    let kinds = || vec![TopUpKind::PerUse { amount: Yen(1_000), max_uses: 3 }];
    let try_set = |c: Caller, k: Vec<TopUpKind>| {
        let hub = &hub;
        async move {
            let e = hub.set_prefecture_top_ups(&c, pref(31), d("2025-07-01"), k).await.unwrap_err();
            (e.code, e.field)
        }
    };
    assert_eq!(try_set(principal(Principal::PrefectureFinance(pref(40))), kinds()).await, (ErrorCode::NotFound, Some("prefecture".into())));
    assert_eq!(try_set(staff("312011"), kinds()).await.0, ErrorCode::Forbidden);
    assert_eq!(try_set(principal(Principal::MunicipalFinance(code("312011"))), kinds()).await.0, ErrorCode::Forbidden);
    assert_eq!(try_set(principal(Principal::PrefectureCoordinator(pref(31))), kinds()).await.0, ErrorCode::Forbidden);
    let bad = vec![TopUpKind::PerUse { amount: Yen(1_000), max_uses: 0 }];
    assert_eq!(try_set(principal(Principal::PrefectureFinance(pref(31))), bad).await, (ErrorCode::BadUserInput, Some("kinds[0].maxUses".into())));
    assert_eq!(hub.prefecture_top_ups(&principal(Principal::PrefectureFinance(pref(40))), pref(31)).await.unwrap_err().code, ErrorCode::NotFound);
    assert!(hub.prefecture_top_ups(&principal(Principal::PrefectureFinance(pref(31))), pref(31)).await.unwrap().is_empty(), "nothing was written");
}
