//! Settlement from recorded use on the backend under test: a hand-worked use to the yen, totals
//! that agree across statements, and statements only for those who may see them.

mod support;

use sango_domain::{FiscalYear, Outcome, Principal, Yen};
use sango_service::use_records::DayUse;
use sango_service::{Caller, ErrorCode};
use support::booking::*;
use support::*;

#[tokio::test]
async fn a_recorded_use_is_invoiced_and_granted_to_the_yen() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 2).await; // 36,000 per day, no additions; fee 0 (Tottori-style free).
    let k = case(&hub, "312011", "2025-05-01", false).await;
    let b = hub.book(&staff("312011"), request(&k, facility, &["2025-06-10", "2025-06-11"], None)).await.unwrap();
    clock.set_jst("2025-06-12 09:00:00");
    let fstaff = Caller::Principal(Principal::FacilityStaff(facility));
    for (date, outcome) in [("2025-06-10", Outcome::Used), ("2025-06-11", Outcome::NoShow)] {
        let u = DayUse { date: d(date), outcome, infants: 1, sibling: false, over_four_months: false, high_need: false };
        hub.record_use(&fstaff, &b.reference, u).await.unwrap();
    }
    let fy = FiscalYear::new(2025).unwrap();
    let finance = Caller::Principal(Principal::MunicipalFinance(code("312011")));
    let r = hub.settlement(&finance, fy, Some(d("2025-06-01")), None).await.unwrap();
    // One used day (the no-show is not billed): 36,000, user fee 0.
    assert_eq!(r.uses, 1);
    assert_eq!(r.invoices.len(), 1);
    let line = &r.invoices[0].lines[0];
    assert_eq!((line.totals.uses, line.totals.gross_cost, line.totals.public_cost), (1, Yen(36_000), Yen(36_000)));
    // FY2025: national 1/2, prefecture 1/4, municipality the rest of the eligible 36,000.
    assert_eq!((line.totals.national, line.totals.prefecture, line.totals.municipality), (Yen(18_000), Yen(9_000), Yen(9_000)));
    // The 精算書: (G) = min(F, C) × 1/2 floored to 1,000 = 18,000; (J) = 0 − 18,000.
    let g = &r.grants[0];
    assert_eq!((g.total_cost, g.net_cost, g.national_grant, g.difference), (Yen(36_000), Yen(36_000), Yen(18_000), Yen(-18_000)));
    assert_eq!(g.standard_amount, Yen(2_519_600), "one facility-month of short stay");
    // Other months are empty; a month outside the year is refused.
    assert_eq!(hub.settlement(&finance, fy, Some(d("2025-07-01")), None).await.unwrap().invoices.len(), 0);
    assert_eq!(hub.settlement(&finance, fy, Some(d("2026-04-01")), None).await.unwrap_err().field.as_deref(), Some("month"));
}

#[tokio::test]
async fn the_demo_year_settles_consistently_and_only_for_those_in_scope() {
    let hub = demo_hub().await;
    let fy = FiscalYear::new(2025).unwrap();
    let pref = Caller::Principal(Principal::PrefectureFinance(tottori()));
    let r = hub.settlement(&pref, fy, None, None).await.unwrap();
    assert!(r.uses > 500, "{} uses", r.uses);
    let invoiced: i64 = r.invoices.iter().map(|i| i.total.public_cost.0).sum();
    let payable: i64 = r.payables.iter().map(|p| p.total.public_cost.0).sum();
    assert_eq!(invoiced, payable, "what facilities bill is what municipalities owe");
    let summary = &r.prefectures[0];
    assert_eq!(summary.national_claim.0, r.grants.iter().map(|g| g.national_grant.0).sum::<i64>());
    assert!(r.grants.iter().all(|g| g.national_grant.0 % 1_000 == 0), "grants are rounded down to 1,000 yen");
    assert!(r.payables.iter().flat_map(|p| &p.lines).any(|l| l.cross_boundary), "towns pay facilities across the border");
    // The demo's agreement: 鳥取市 hosts; its members' uses at its facilities are settled through it.
    let agreements = r.agreements.as_ref().unwrap();
    let east = &agreements.agreements[0];
    assert_eq!((east.id.as_str(), east.host), ("demo-312011", code("312011")));
    assert!(east.claims.iter().any(|c| c.amount.0 > 0), "members owe the host for their residents' use");
    assert_eq!(east.members.iter().map(|m| m.borne.0).sum::<i64>(), east.total_public_cost.0);
    assert_eq!(agreements.transfers.iter().map(|t| t.signed().0).sum::<i64>(), 0, "the netted transfers balance");

    // A municipality's finance sees its own statements only.
    let own = Caller::Principal(Principal::MunicipalFinance(code("312011")));
    let mine = hub.settlement(&own, fy, None, None).await.unwrap();
    assert!(mine.grants.iter().all(|g| g.municipality == code("312011")) && mine.grants.len() == 1);
    assert!(mine.prefectures.is_empty());
    assert_eq!(hub.settlement(&own, fy, None, Some(code("312029"))).await.unwrap_err().code, ErrorCode::NotFound);
    let facility = Caller::Principal(Principal::FacilityStaff(1));
    assert_eq!(hub.settlement(&facility, fy, None, None).await.unwrap_err().code, ErrorCode::Forbidden);
    // The same inputs give the same statements.
    assert_eq!(hub.settlement(&pref, fy, None, None).await.unwrap(), r);
}

#[tokio::test]
async fn an_issued_statement_never_changes_and_late_use_becomes_an_adjustment() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let facility = world(&hub, 3).await;
    let fstaff = Caller::Principal(Principal::FacilityStaff(facility));
    let used = |date: &str| DayUse { date: d(date), outcome: Outcome::Used, infants: 1, sibling: false, over_four_months: false, high_need: false };
    let a = case(&hub, "312011", "2025-05-01", false).await;
    let b = case(&hub, "312011", "2025-05-01", false).await;
    let ba = hub.book(&staff("312011"), request(&a, facility, &["2025-06-10"], None)).await.unwrap();
    let bb = hub.book(&staff("312011"), request(&b, facility, &["2025-06-11"], None)).await.unwrap();
    clock.set_jst("2025-06-20 09:00:00");
    hub.record_use(&fstaff, &ba.reference, used("2025-06-10")).await.unwrap();

    let fy = FiscalYear::new(2025).unwrap();
    let finance = Caller::Principal(Principal::MunicipalFinance(code("312011")));
    let june = Some(d("2025-06-01"));
    let issued = hub.issue_statement(&finance, fy, june, None).await.unwrap();
    let info = issued.issued.clone().unwrap();
    assert_eq!((info.issued_by.as_str(), info.rule_sets.as_str()), ("finance:312011", "national-2025.1"));
    assert_eq!(issued.invoices[0].total.uses, 1);
    assert_eq!(hub.issue_statement(&finance, fy, june, None).await.unwrap_err().code, ErrorCode::Conflict, "issued once");

    // The second day of June is recorded after June was issued.
    clock.set_jst("2025-07-02 09:00:00");
    hub.record_use(&fstaff, &bb.reference, used("2025-06-11")).await.unwrap();
    let again = hub.settlement(&finance, fy, june, None).await.unwrap();
    assert_eq!(again, issued, "an issued statement reads back exactly as issued");
    let july = hub.settlement(&finance, fy, Some(d("2025-07-01")), None).await.unwrap();
    assert!(july.invoices.is_empty());
    assert_eq!(july.adjustments.len(), 1);
    assert_eq!((july.adjustments[0].total.uses, july.adjustments[0].total.public_cost), (1, Yen(36_000)));
    // The year's 精算書 counts both uses.
    let year = hub.settlement(&finance, fy, None, None).await.unwrap();
    assert_eq!(year.grants[0].total_cost, Yen(72_000));
    // Only finance issues statements.
    assert_eq!(hub.issue_statement(&staff("312011"), fy, Some(d("2025-08-01")), None).await.unwrap_err().code, ErrorCode::Forbidden);
}
