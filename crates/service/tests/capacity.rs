//! Free capacity on the backend under test: the search sees every write at once, refuses what the
//! programme refuses, and the coordinator's views add up.

mod support;

use chrono::NaiveDate;
use sango_availability::{NearbyQuery, Request};
use sango_domain::{Closure, Coordinates, HouseholdTier, ServiceType};
use sango_service::{Caller, ErrorCode};
use support::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

/// A short stay of 3 days from 2025-07-01 for a 鳥取市 resident born 2025-06-01, near Tottori station.
fn query(radius_km: f64, include_uncontracted: bool) -> NearbyQuery {
    NearbyQuery {
        from: Coordinates::new(35.4933, 134.2259, "q").unwrap(),
        radius_km,
        limit: 50,
        resident: code("312011"),
        request: Request { service_type: ServiceType::ShortStay, start: day(7, 1), days: 3, infant_birth: day(6, 1), multiples: 1, used_so_far: 0 },
        tier: HouseholdTier::Taxed,
        include_uncontracted,
    }
}

#[tokio::test]
async fn search_returns_contracted_free_facilities_nearest_first() {
    let hub = demo_hub().await;
    let hits = hub.nearby_capacity(&staff("312011"), query(100.0, false)).await.unwrap();
    assert!(!hits.is_empty());
    assert!(hits.windows(2).all(|w| w[0].hit.km <= w[1].hit.km));
    for h in &hits {
        assert!(h.hit.contracted && h.hit.unit_price.is_some() && h.hit.free_slots >= 1);
        assert_eq!(h.hit.cross_boundary, h.facility.municipality != code("312011"));
        let cal = hub.calendar(h.facility.id, ServiceType::ShortStay, day(7, 1), day(7, 3)).await.unwrap();
        assert_eq!(h.hit.free_slots, cal.iter().map(|d| d.free).min().unwrap());
    }
    let all = hub.nearby_capacity(&staff("312011"), query(100.0, true)).await.unwrap();
    assert!(all.len() >= hits.len());
    assert!(all.iter().any(|h| !h.hit.contracted), "the demo has facilities 鳥取市 does not contract");
}

#[tokio::test]
async fn capacity_writes_show_in_the_next_search_without_a_restart() {
    let hub = demo_hub().await;
    let me = staff("312011");
    let first = hub.nearby_capacity(&me, query(100.0, false)).await.unwrap()[0].facility.clone();
    // Publishing 0 for one of the days removes it; publishing 9 brings it back with 9 minus taken.
    hub.set_capacity(&admin(), first.id, ServiceType::ShortStay, day(7, 2), day(7, 2), 0).await.unwrap();
    assert!(hub.nearby_capacity(&me, query(100.0, false)).await.unwrap().iter().all(|h| h.facility.id != first.id));
    let days = hub.set_capacity(&admin(), first.id, ServiceType::ShortStay, day(7, 1), day(7, 3), 9).await.unwrap();
    assert!(days.iter().all(|d| d.capacity == 9 && d.free == 9 - d.taken));
    let back = hub.nearby_capacity(&me, query(100.0, false)).await.unwrap();
    assert_eq!(back.iter().find(|h| h.facility.id == first.id).unwrap().hit.free_slots, days.iter().map(|d| d.free).min().unwrap());
    // A closure removes it again.
    let closure = Closure { service_type: None, from: day(7, 3), to: day(7, 3), reason: "設備点検".into() };
    hub.add_closure(&admin(), first.id, closure).await.unwrap();
    assert!(hub.nearby_capacity(&me, query(100.0, false)).await.unwrap().iter().all(|h| h.facility.id != first.id));
}

#[tokio::test]
async fn a_new_facility_is_found_at_once_when_contracted() {
    let hub = demo_hub().await;
    let draft = sango_domain::FacilityDraft {
        name: "（架空）駅前ショートステイ".into(),
        kind: sango_domain::FacilityKind::MidwifeHome,
        address: String::new(),
        location: Coordinates::new(35.4934, 134.2260, "location").unwrap(),
        services: vec![sango_domain::ServiceCapacity::new(ServiceType::ShortStay, 2, "c").unwrap()],
        synthetic: true,
    };
    let f = hub.create_facility(&admin(), draft).await.unwrap();
    let uncontracted = hub.nearby_capacity(&staff("312011"), query(5.0, true)).await.unwrap();
    assert_eq!(uncontracted[0].facility.id, f.id, "the nearest facility comes first");
    assert!(!uncontracted[0].hit.contracted);
    let terms = sango_domain::ContractTerms {
        municipality: code("312011"),
        facility_id: f.id,
        service_type: ServiceType::ShortStay,
        unit_price: sango_domain::Yen(35_000),
        additions: Default::default(),
        valid_from: day(4, 1),
        valid_to: None,
    };
    hub.create_contract(&staff("312011"), terms).await.unwrap();
    let hit = &hub.nearby_capacity(&staff("312011"), query(5.0, false)).await.unwrap()[0];
    assert_eq!((hit.facility.id, hit.hit.unit_price), (f.id, Some(sango_domain::Yen(35_000))));
    assert_eq!(hit.hit.free_slots, 2);
}

#[tokio::test]
async fn searches_the_programme_refuses_name_the_rule_and_scope_is_checked() {
    let hub = demo_hub().await;
    let mut q = query(50.0, false);
    q.request.days = 8;
    let e = hub.nearby_capacity(&staff("312011"), q).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::BadUserInput, Some("days")));
    let mut q = query(50.0, false);
    q.request.infant_birth = day(6, 29);
    assert_eq!(hub.nearby_capacity(&staff("312011"), q).await.unwrap_err().field.as_deref(), Some("startDate"));
    // 米子市's demo programme (Setagaya-style) takes infants under 4 months only.
    let mut q = query(50.0, false);
    q.resident = code("312029");
    q.request.infant_birth = NaiveDate::from_ymd_opt(2025, 2, 1).unwrap();
    let e = hub.nearby_capacity(&staff("312029"), q).await.unwrap_err();
    assert!(e.message.contains("under 4 months"), "{}", e.message);
    assert_eq!(hub.nearby_capacity(&staff("312029"), query(50.0, false)).await.unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(hub.nearby_capacity(&Caller::Anonymous, query(50.0, false)).await.unwrap_err().code, ErrorCode::Unauthenticated);
    let mut far = query(50.0, false);
    far.request.start = NaiveDate::from_ymd_opt(2030, 7, 1).unwrap();
    far.request.infant_birth = NaiveDate::from_ymd_opt(2030, 6, 1).unwrap();
    assert_eq!(hub.nearby_capacity(&staff("312011"), far).await.unwrap_err().field.as_deref(), Some("residentMunicipality"));
}

#[tokio::test]
async fn facilities_within_reach_cross_the_border_and_month_totals_add_up() {
    let hub = demo_hub().await;
    // 若桜町 has no facility of its own; within 30 km of its boundary there are some in its neighbours.
    let wakasa = code("313254");
    let inside = hub.facilities_within(&admin(), wakasa, 0.0).await.unwrap();
    assert!(inside.is_empty());
    let near = hub.facilities_within(&admin(), wakasa, 30.0).await.unwrap();
    assert!(!near.is_empty());
    assert!(near.iter().all(|f| f.km > 0.0 && f.km <= 30.0 && f.facility.municipality != wakasa));
    assert!(near.windows(2).all(|w| w[0].km <= w[1].km));
    let wider = hub.facilities_within(&admin(), wakasa, 60.0).await.unwrap();
    assert!(wider.len() >= near.len());

    let month = hub.month_capacity(&admin(), code("312011"), day(8, 1)).await.unwrap();
    assert_eq!(month.len(), 3);
    for m in &month {
        assert_eq!(m.capacity, m.taken + m.free);
    }
    let stay = month.iter().find(|m| m.service_type == ServiceType::ShortStay).unwrap();
    assert!(stay.facilities > 0 && stay.taken > 0);
}
