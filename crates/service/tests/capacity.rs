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

/// Everything a search answer says, comparable across hubs.
type Answer = Result<Vec<(i64, i64, u32, bool, bool, Option<i64>)>, String>;

async fn answers(hub: &sango_service::Hub, residents: &[sango_domain::LgCode]) -> Vec<Answer> {
    let mut out = Vec::new();
    for (i, resident) in residents.iter().enumerate() {
        for (j, (lat, lon)) in [(35.49, 134.23), (35.43, 133.33), (35.43, 133.82), (35.30, 133.60), (35.50, 134.45)].into_iter().enumerate() {
            for t in [ServiceType::ShortStay, ServiceType::DayCare] {
                let mut q = query(60.0, (i + j) % 2 == 0);
                q.resident = *resident;
                q.from = Coordinates::new(lat, lon, "q").unwrap();
                q.request.service_type = t;
                let got = hub.nearby_capacity(&admin(), q).await;
                out.push(got.map(|hits| hits.iter().map(|h| (h.facility.id, (h.hit.km * 1000.0).round() as i64, h.hit.free_slots, h.hit.contracted, h.hit.cross_boundary, h.hit.unit_price.map(|p| p.0))).collect()).map_err(|e| e.to_string()));
            }
        }
    }
    out
}

#[tokio::test]
async fn registry_writes_kept_in_step_agree_with_a_full_reload() {
    let url = fresh_database_url().await;
    let hub = sango_service::Hub::open_with_clock(&url, std::sync::Arc::new(fixed_now)).await.unwrap();
    hub.seed_demo(tottori(), 7, None, &[sango_domain::FiscalYear::new(2025).unwrap()]).await.unwrap();
    let residents: Vec<_> = hub.municipalities(&admin(), Some(tottori())).await.unwrap().iter().map(|m| m.code).collect();
    let contracts = hub.contracts(&admin(), Some(code("312011")), None).await.unwrap();
    let contracted: Vec<i64> = contracts.iter().map(|c| c.terms.facility_id).collect();
    let facility = |id: i64| {
        let hub = hub.clone();
        async move { hub.facility(id).await.unwrap().unwrap() }
    };

    // A contracted facility moves across the border to 米子市.
    let moved = facility(contracted[0]).await;
    let mut draft = moved.draft.clone();
    draft.location = Coordinates::new(35.4244, 133.3310, "location").unwrap();
    hub.update_facility(&admin(), moved.id, draft, true).await.unwrap();
    // Another closes, and a third closes and reopens somewhere else.
    let closed = facility(*contracted.iter().find(|id| **id != moved.id).unwrap()).await;
    hub.update_facility(&admin(), closed.id, closed.draft.clone(), false).await.unwrap();
    let reopened = facility(*contracted.iter().rev().find(|id| ![moved.id, closed.id].contains(id)).unwrap()).await;
    hub.update_facility(&admin(), reopened.id, reopened.draft.clone(), false).await.unwrap();
    let mut draft = reopened.draft.clone();
    draft.location = Coordinates::new(35.43, 133.82, "location").unwrap();
    hub.update_facility(&admin(), reopened.id, draft, true).await.unwrap();
    // A contract ends early, another facility closes for a day, another publishes capacity.
    let ending = contracts.iter().find(|c| ![moved.id, closed.id, reopened.id].contains(&c.terms.facility_id)).unwrap();
    let mut terms = ending.terms.clone();
    terms.valid_to = Some(day(7, 2));
    hub.amend_contract(&admin(), ending.contract_no, terms).await.unwrap();
    let others: Vec<i64> = contracted.iter().copied().filter(|id| ![moved.id, closed.id, reopened.id, ending.terms.facility_id].contains(id)).collect();
    let closure = Closure { service_type: None, from: day(7, 2), to: day(7, 2), reason: "研修".into() };
    hub.add_closure(&admin(), others[0], closure).await.unwrap();
    if let Some(&id) = others.get(1) {
        hub.set_capacity(&admin(), id, ServiceType::ShortStay, day(7, 1), day(7, 3), 7).await.ok();
    }
    // A new facility with a contract.
    let draft = sango_domain::FacilityDraft {
        name: "（架空）新設助産院".into(),
        kind: sango_domain::FacilityKind::MidwifeHome,
        address: String::new(),
        location: Coordinates::new(35.50, 134.45, "location").unwrap(),
        services: vec![sango_domain::ServiceCapacity::new(ServiceType::DayCare, 3, "c").unwrap()],
        synthetic: true,
    };
    let new = hub.create_facility(&admin(), draft).await.unwrap();
    let terms = sango_domain::ContractTerms { municipality: code("312011"), facility_id: new.id, service_type: ServiceType::DayCare, unit_price: sango_domain::Yen(20_000), additions: Default::default(), valid_from: day(4, 1), valid_to: None };
    hub.create_contract(&admin(), terms).await.unwrap();

    let kept = answers(&hub, &residents).await;
    let reloaded = sango_service::Hub::open_with_clock(&url, std::sync::Arc::new(fixed_now)).await.unwrap();
    let fresh = answers(&reloaded, &residents).await;
    assert_eq!(kept.len(), fresh.len());
    for (i, (a, b)) in kept.iter().zip(&fresh).enumerate() {
        assert_eq!(a, b, "answer {i} differs between the in-step state and a full reload");
    }
    assert!(kept.iter().flatten().flatten().any(|h| h.0 == new.id), "the new facility is found");
    assert!(kept.iter().flatten().flatten().all(|h| h.0 != closed.id), "the closed facility is not");
}
