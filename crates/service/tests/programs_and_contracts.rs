//! Programme and contract versioning, and refusals that change nothing, on the backend under test.

mod support;

use chrono::NaiveDate;
use sango_domain::{Additions, ContractTerms, FiscalYear, ServiceType, Yen};
use sango_service::ErrorCode;
use support::*;

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn a_facility_offering(hub: &sango_service::Hub, t: ServiceType) -> i64 {
    let filter = sango_service::FacilityFilter { service_type: Some(t), ..Default::default() };
    hub.facilities(&filter, None, 1).await.unwrap()[0].id
}

fn terms(facility_id: i64, t: ServiceType, from: NaiveDate, to: Option<NaiveDate>) -> ContractTerms {
    ContractTerms {
        municipality: code("312011"),
        facility_id,
        service_type: t,
        unit_price: Yen(36_000),
        additions: Additions::default(),
        valid_from: from,
        valid_to: to,
    }
}

#[tokio::test]
async fn a_programme_change_is_a_new_version_and_history_is_kept() {
    let hub = demo_hub().await;
    let me = staff("312011");
    let v1 = hub.program(&me, code("312011"), fy(2025)).await.unwrap().expect("demo programme");
    let mut rules = v1.rules.clone();
    rules.services[0].max_units = Some(5);
    let v2 = hub.set_program(&me, code("312011"), fy(2025), rules.clone()).await.unwrap();
    assert_eq!(v2.version, v1.version + 1);
    assert_eq!(v2.created_by, "municipal-staff:312011");
    let history = hub.program_history(&me, code("312011"), fy(2025)).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].rules, v1.rules, "the old version must not change");
    assert_eq!(history[1].rules, rules);
    // Other fiscal years are untouched.
    assert_eq!(hub.program(&me, code("312011"), fy(2026)).await.unwrap().unwrap().version, 1);
}

#[tokio::test]
async fn bad_or_unauthorised_programmes_are_refused_and_store_nothing() {
    let hub = demo_hub().await;
    let v1 = hub.program(&admin(), code("312011"), fy(2025)).await.unwrap().unwrap();

    let mut missing_tier = v1.rules.clone();
    missing_tier.fees.retain(|b| !(b.service_type == ServiceType::DayCare && b.tier == sango_domain::HouseholdTier::Welfare));
    let e = hub.set_program(&staff("312011"), code("312011"), fy(2025), missing_tier).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::BadUserInput, Some("rules.fees[DAY_CARE].WELFARE")));

    let e = hub.set_program(&staff("312029"), code("312011"), fy(2025), v1.rules.clone()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);

    let e = hub.set_program(&sango_service::Caller::Anonymous, code("312011"), fy(2025), v1.rules.clone()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);

    assert_eq!(hub.program_history(&admin(), code("312011"), fy(2025)).await.unwrap().len(), 1);
}

#[tokio::test]
async fn contracts_are_versioned_and_may_not_overlap() {
    let hub = demo_hub().await;
    let me = staff("312011");
    let f = a_facility_offering(&hub, ServiceType::Outreach).await;
    // The demo may already contract this facility for 312011; sign ours for a later period.
    let first = hub.create_contract(&me, terms(f, ServiceType::Outreach, day(2030, 4, 1), Some(day(2031, 3, 31)))).await;
    let first = match first {
        Ok(c) => c,
        Err(e) => {
            assert_eq!(e.code, ErrorCode::Conflict, "{e}");
            // Open-ended demo contract covers 2030: amend it to end before, then sign again.
            let open = hub.contracts(&me, Some(code("312011")), Some(f)).await.unwrap().into_iter().find(|c| c.terms.service_type == ServiceType::Outreach).unwrap();
            let mut ended = open.terms.clone();
            ended.valid_to = Some(day(2030, 3, 31));
            hub.amend_contract(&me, open.contract_no, ended).await.unwrap();
            hub.create_contract(&me, terms(f, ServiceType::Outreach, day(2030, 4, 1), Some(day(2031, 3, 31)))).await.unwrap()
        }
    };
    assert_eq!(first.version, 1);

    let clash = hub.create_contract(&me, terms(f, ServiceType::Outreach, day(2031, 3, 31), None)).await.unwrap_err();
    assert_eq!((clash.code, clash.field.as_deref()), (ErrorCode::Conflict, Some("validFrom")));
    assert!(clash.message.contains(&first.contract_no.to_string()), "{}", clash.message);

    let mut dearer = first.terms.clone();
    dearer.unit_price = Yen(40_000);
    let v2 = hub.amend_contract(&me, first.contract_no, dearer).await.unwrap();
    assert_eq!((v2.contract_no, v2.version, v2.current), (first.contract_no, 2, true));
    let history = hub.contract_history(&me, first.contract_no).await.unwrap();
    assert_eq!(history.iter().map(|c| (c.version, c.current, c.terms.unit_price)).collect::<Vec<_>>(), vec![(1, false, Yen(36_000)), (2, true, Yen(40_000))]);

    // An amendment may not overlap a neighbour either, and may not change the parties.
    let mut other_type = first.terms.clone();
    other_type.service_type = ServiceType::DayCare;
    assert_eq!(hub.amend_contract(&me, first.contract_no, other_type).await.unwrap_err().field.as_deref(), Some("contractNo"));
}

#[tokio::test]
async fn bad_contracts_are_refused_with_the_field_and_store_nothing() {
    let hub = demo_hub().await;
    let me = staff("312011");
    let before = hub.contracts(&admin(), None, None).await.unwrap().len();
    let f = a_facility_offering(&hub, ServiceType::ShortStay).await;

    let mut negative = terms(f, ServiceType::ShortStay, day(2040, 4, 1), None);
    negative.unit_price = Yen(-1);
    assert_eq!(hub.create_contract(&me, negative).await.unwrap_err().field.as_deref(), Some("unitPrice"));

    let unknown = terms(999_999, ServiceType::ShortStay, day(2040, 4, 1), None);
    let e = hub.create_contract(&me, unknown).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::BadUserInput, Some("facilityId")));

    let backwards = terms(f, ServiceType::ShortStay, day(2040, 4, 1), Some(day(2040, 3, 1)));
    assert_eq!(hub.create_contract(&me, backwards).await.unwrap_err().field.as_deref(), Some("validTo"));

    let mut elsewhere = terms(f, ServiceType::ShortStay, day(2040, 4, 1), None);
    elsewhere.municipality = code("312029");
    assert_eq!(hub.create_contract(&me, elsewhere).await.unwrap_err().code, ErrorCode::Forbidden);

    assert_eq!(hub.contracts(&admin(), None, None).await.unwrap().len(), before);
}

#[tokio::test]
async fn staff_see_only_their_own_contracts() {
    let hub = demo_hub().await;
    let mine = hub.contracts(&staff("312011"), None, None).await.unwrap();
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|c| c.terms.municipality == code("312011")));
    let all = hub.contracts(&admin(), None, None).await.unwrap();
    assert!(all.len() > mine.len());
    // Cross-boundary contracts exist: a town contracts a facility outside it.
    let facilities = hub.facilities(&Default::default(), None, 500).await.unwrap();
    let place = |id: i64| facilities.iter().find(|f| f.id == id).unwrap().municipality;
    assert!(all.iter().any(|c| place(c.terms.facility_id) != c.terms.municipality));
}
