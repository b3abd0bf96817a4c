//! The registry on the backend under test: the demo prefecture, facilities placed by
//! point-in-polygon, tokens, and refusals that change nothing.

mod support;

use geo::{Intersects, Point};
use sango_domain::{Closure, Coordinates, FacilityDraft, FacilityKind, Principal, ServiceCapacity, ServiceType};
use sango_service::{Caller, ErrorCode, FacilityFilter};
use support::*;

fn draft(lat: f64, lon: f64) -> FacilityDraft {
    FacilityDraft {
        name: "（架空）テスト助産院".into(),
        kind: FacilityKind::MidwifeHome,
        address: String::new(),
        location: Coordinates::new(lat, lon, "location").unwrap(),
        services: vec![ServiceCapacity::new(ServiceType::ShortStay, 2, "c").unwrap()],
        synthetic: true,
    }
}

#[tokio::test]
async fn the_demo_is_tottori_with_every_facility_inside_its_municipality() {
    let hub = demo_hub().await;
    let ms = hub.municipalities(&admin(), Some(tottori())).await.unwrap();
    assert_eq!(ms.len(), 19);
    assert_eq!(ms.iter().map(|m| m.population).sum::<i64>(), 534_003);
    assert!(ms.iter().all(|m| m.births > 0));

    let facilities = hub.facilities(&FacilityFilter { prefecture: Some(tottori()), ..Default::default() }, None, 500).await.unwrap();
    assert!(facilities.len() >= 25, "{} facilities", facilities.len());
    assert!(facilities.iter().all(|f| f.draft.synthetic && f.draft.name.starts_with("（架空）")));
    // Unevenly spread: most in the two big cities, none in several towns.
    let in_city = |c: &str| facilities.iter().filter(|f| f.municipality == code(c)).count();
    assert!(in_city("312011") + in_city("312029") > facilities.len() / 2);
    assert!(ms.iter().filter(|m| in_city(&m.code.to_string()) == 0).count() >= 5);

    // Brute force: the facility's point is inside its municipality's polygons, and inside no other's.
    let boundaries = sango_geodata::japan_boundaries().unwrap();
    for f in &facilities {
        let p = Point::new(f.draft.location.lon, f.draft.location.lat);
        let containing: Vec<_> = boundaries.iter().filter(|b| b.shape.intersects(&p)).map(|b| b.code).collect();
        assert_eq!(containing, vec![f.municipality], "{} at {:?}", f.draft.name, f.draft.location);
    }
}

#[tokio::test]
async fn seeding_twice_reuses_the_data() {
    let hub = demo_hub().await;
    let years = [sango_domain::FiscalYear::new(2025).unwrap()];
    let again = hub.seed_demo(tottori(), 7, None, &years).await.unwrap();
    assert!(!again.seeded);
    let n = hub.facilities(&FacilityFilter::default(), None, 500).await.unwrap().len();
    assert_eq!(again.facilities, n);
}

#[tokio::test]
async fn a_facility_gets_its_municipality_from_its_location() {
    let hub = hub().await;
    // Yonago station lies in 米子市, whatever the caller types.
    let f = hub.create_facility(&admin(), draft(35.4244, 133.3310)).await.unwrap();
    assert_eq!(f.municipality, code("312029"));
    // Moving it to Tottori station moves it to 鳥取市.
    let moved = hub.update_facility(&admin(), f.id, draft(35.4933, 134.2259), true).await.unwrap();
    assert_eq!(moved.municipality, code("312011"));
}

#[tokio::test]
async fn facilities_outside_japan_or_outside_the_callers_scope_are_refused() {
    let hub = hub().await;
    let e = hub.create_facility(&admin(), draft(37.0, 134.0)).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::BadUserInput, Some("location.lat")));
    let e = hub.create_facility(&staff("312029"), draft(35.4933, 134.2259)).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let coordinator = Caller::Principal(Principal::PrefectureCoordinator(sango_domain::PrefectureCode::new(13).unwrap()));
    assert_eq!(hub.create_facility(&coordinator, draft(35.4933, 134.2259)).await.unwrap_err().code, ErrorCode::Forbidden);
    let mut unnamed = draft(35.4933, 134.2259);
    unnamed.name = " ".into();
    assert_eq!(hub.create_facility(&admin(), unnamed).await.unwrap_err().field.as_deref(), Some("name"));
    assert!(hub.facilities(&FacilityFilter::default(), None, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn facility_staff_edit_and_close_only_their_own_facility() {
    let hub = hub().await;
    let a = hub.create_facility(&admin(), draft(35.4933, 134.2259)).await.unwrap();
    let b = hub.create_facility(&admin(), draft(35.4244, 133.3310)).await.unwrap();
    let staff_a = Caller::Principal(Principal::FacilityStaff(a.id));
    let closure = Closure { service_type: Some(ServiceType::ShortStay), from: chrono::NaiveDate::from_ymd_opt(2025, 8, 13).unwrap(), to: chrono::NaiveDate::from_ymd_opt(2025, 8, 16).unwrap(), reason: "お盆".into() };
    assert_eq!(hub.add_closure(&staff_a, a.id, closure.clone()).await.unwrap(), vec![closure.clone()]);
    assert_eq!(hub.add_closure(&staff_a, b.id, closure.clone()).await.unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(hub.update_facility(&staff_a, b.id, draft(35.4244, 133.3310), true).await.unwrap_err().code, ErrorCode::Forbidden);
    let mut day_care = closure.clone();
    day_care.service_type = Some(ServiceType::DayCare);
    assert_eq!(hub.add_closure(&staff_a, a.id, day_care).await.unwrap_err().field.as_deref(), Some("serviceType"));
    assert!(hub.closures(b.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn tokens_resolve_to_their_principal_until_they_expire() {
    let hub = hub().await;
    let p = Principal::MunicipalStaff(code("312011"));
    let token = hub.create_token(p, "test", Some(chrono::Duration::days(1))).await.unwrap();
    assert!(token.starts_with("shub_") && token.len() == 69);
    assert_eq!(hub.authenticate(Some(&format!("Bearer {token}"))).await.unwrap(), Caller::Principal(p));
    assert_eq!(hub.authenticate(None).await.unwrap(), Caller::Anonymous);
    for bad in ["Bearer shub_0000", "Basic abc", &format!("Bearer {token}x")] {
        assert_eq!(hub.authenticate(Some(bad)).await.unwrap_err().code, ErrorCode::Unauthenticated, "{bad}");
    }
    let expired = hub.create_token(p, "test", Some(chrono::Duration::seconds(-1))).await.unwrap();
    assert_eq!(hub.authenticate(Some(&format!("Bearer {expired}"))).await.unwrap_err().message, "the token has expired");
    // Scopes must exist.
    let e = hub.create_token(Principal::FacilityStaff(424_242), "t", None).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("scope")));
}

#[tokio::test]
async fn municipality_lookup_by_point() {
    let hub = hub().await;
    let at = |lat, lon| Coordinates::new(lat, lon, "p").unwrap();
    let found = hub.municipality_at_point(&admin(), at(35.6812, 139.7671)).await.unwrap().unwrap();
    assert_eq!((found.code, found.name.as_str()), (code("131016"), "千代田区"));
    assert!(hub.municipality_at_point(&admin(), at(37.0, 134.0)).await.unwrap().is_none());
    assert_eq!(hub.municipality_at_point(&Caller::Anonymous, at(35.6812, 139.7671)).await.unwrap_err().code, ErrorCode::Unauthenticated);
    assert_eq!(hub.municipalities(&admin(), None).await.unwrap().len(), 1_741);
}

#[tokio::test]
async fn the_tests_run_on_the_backend_asked_for_and_the_schema_enforces_non_negative_amounts() {
    use sango_store::ConnectionTrait;
    let hub = hub().await;
    let db = hub.db();
    let expected = if backend() == "postgres" { sea_orm::DbBackend::Postgres } else { sea_orm::DbBackend::Sqlite };
    assert_eq!(db.get_database_backend(), expected);
    let f = hub.create_facility(&admin(), draft(35.4933, 134.2259)).await.unwrap();
    // Even a write that bypasses the service cannot store a negative capacity.
    let sql = format!("UPDATE facility_service SET daily_capacity = -1 WHERE facility_id = {}", f.id);
    assert!(db.execute_unprepared(&sql).await.is_err(), "the CHECK constraint let a negative capacity in");
}

#[tokio::test]
async fn the_demo_has_a_full_fiscal_year_of_demand() {
    let hub = demo_hub().await;
    let fy = sango_domain::FiscalYear::new(2025).unwrap();
    let rows = hub.demand(&staff("312011"), code("312011"), fy).await.unwrap();
    assert_eq!(rows.len(), 36);
    assert_eq!(rows.first().unwrap().month, fy.first_day());
    assert_eq!(rows.last().unwrap().month, chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    assert!(rows.iter().all(|r| r.synthetic));
    let total: u32 = rows.iter().map(|r| r.uses).sum();
    // 181,410 residents → 1,197 births → 295 users → about 750 uses a year.
    assert!((600..900).contains(&total), "{total}");
    assert_eq!(hub.demand(&Caller::Anonymous, code("312011"), fy).await.unwrap_err().code, ErrorCode::Unauthenticated);
}
