//! Imports on the backend under test: sample files round trip, and a file with any bad row
//! stores nothing, even rows that were fine.

mod support;

use sango_import::{ImportKind, sample};
use sango_service::{Caller, ErrorCode, FacilityFilter};
use support::*;

async fn count_facilities(hub: &sango_service::Hub) -> usize {
    hub.facilities(&FacilityFilter { include_inactive: true, ..Default::default() }, None, 500).await.unwrap().len()
}

#[tokio::test]
async fn the_samples_import_and_read_back() {
    let hub = hub().await;
    let parsed = sango_import::parse_facilities(sample(ImportKind::Facilities).as_bytes()).unwrap();
    let s = hub.import(&admin(), ImportKind::Facilities, sample(ImportKind::Facilities).as_bytes()).await.unwrap();
    assert_eq!((s.created, s.updated), (parsed.len(), 0));
    let stored = hub.facilities(&FacilityFilter::default(), None, 500).await.unwrap();
    let names: Vec<_> = stored.iter().map(|f| f.draft.name.clone()).collect();
    let expected: Vec<_> = parsed.iter().map(|r| r.draft.name.trim().to_owned()).collect();
    assert_eq!(names, expected);
    for (f, r) in stored.iter().zip(&parsed) {
        assert_eq!(f.draft.services, r.draft.services);
        assert_eq!(Some(f.municipality), hub.municipality_at(r.draft.location));
    }

    let contracts = hub.import(&admin(), ImportKind::Contracts, sample(ImportKind::Contracts).as_bytes()).await.unwrap();
    assert_eq!(contracts.created, sango_import::parse_contracts(sample(ImportKind::Contracts).as_bytes()).unwrap().len());
    assert_eq!(hub.contracts(&admin(), None, None).await.unwrap().len(), contracts.created);

    let programs = sango_import::parse_programs(sample(ImportKind::Programs).as_bytes()).unwrap();
    hub.import(&admin(), ImportKind::Programs, sample(ImportKind::Programs).as_bytes()).await.unwrap();
    for p in programs {
        let stored = hub.program(&admin(), p.municipality, p.fiscal_year).await.unwrap().unwrap();
        assert_eq!(stored.rules, p.rules);
    }
}

#[tokio::test]
async fn a_file_with_one_bad_row_stores_nothing() {
    let hub = hub().await;
    hub.import(&admin(), ImportKind::Facilities, sample(ImportKind::Facilities).as_bytes()).await.unwrap();
    let before = hub.contracts(&admin(), None, None).await.unwrap().len();
    // Good rows first, then a row that only the database can refuse: a facility that does not exist.
    let mut text = sample(ImportKind::Contracts).to_owned();
    text.push_str(",312011,999,宿泊型,36000,,,,,2025-04-01,\n");
    let e = hub.import(&admin(), ImportKind::Contracts, text.as_bytes()).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::BadUserInput);
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_eq!(e.problems[0].column.as_deref(), Some("facilityId"));
    assert_eq!(e.problems[0].row, Some(text.lines().count()));
    assert_eq!(hub.contracts(&admin(), None, None).await.unwrap().len(), before, "nothing may be stored");
}

#[tokio::test]
async fn staff_may_import_only_into_their_own_municipality() {
    let hub = hub().await;
    let facilities = sample(ImportKind::Facilities).as_bytes();
    let e = hub.import(&staff("312011"), ImportKind::Facilities, facilities).await.unwrap_err();
    assert!(!e.problems.is_empty());
    assert!(e.problems.iter().all(|p| p.message.contains("may not register")), "{e}");
    assert_eq!(count_facilities(&hub).await, 0);
    assert_eq!(hub.import(&Caller::Anonymous, ImportKind::Facilities, facilities).await.unwrap_err().code, ErrorCode::Unauthenticated);
}

#[tokio::test]
async fn broken_files_list_every_problem_and_store_nothing() {
    let hub = hub().await;
    let e = hub.import(&admin(), ImportKind::Facilities, b"\xff\xfe\xfd\x80\x81").await.unwrap_err();
    assert!(e.problems[0].message.contains("Shift_JIS"), "{e}");
    let e = hub.import(&admin(), ImportKind::Programs, b"municipality,fiscal_year\n").await.unwrap_err();
    assert!(!e.problems.is_empty());
    assert_eq!(count_facilities(&hub).await, 0);
}
