//! The search against a brute-force scan on seeded random prefectures.

use chrono::NaiveDate;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sango_domain::program::{AgeLimit, ApplicationRule, FeeBand, ServiceRule, UsageUnit};
use sango_domain::{Additions, ApplicationMethod, ContractTerms, HouseholdTier, ServiceType};
use sango_spatial::haversine_km;

use super::*;
use crate::calendar::ServiceCalendar;

const T: ServiceType = ServiceType::ShortStay;

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, 1).unwrap() + chrono::Days::new(u64::from(n))
}

fn home() -> LgCode {
    LgCode::parse("31201").unwrap()
}

/// The host of a mutual-use agreement `home` belongs to.
fn host() -> LgCode {
    LgCode::parse("31203").unwrap()
}

fn rules() -> ProgramRules {
    let fees = HouseholdTier::ALL
        .iter()
        .map(|tier| FeeBand { service_type: T, tier: *tier, from_use: 1, to_use: None, fee: Yen(if *tier == HouseholdTier::Taxed { 3_000 } else { 0 }), coupon_fee: None })
        .collect();
    ProgramRules {
        application: ApplicationRule { method: ApplicationMethod::FirstCome, opens_days_before: 14, closes_days_before: 1, closes_at: chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(), business_days_only: true, registration_from_pregnancy_week: None },
        services: vec![ServiceRule { service_type: T, unit: UsageUnit::Day, max_infant_age: AgeLimit::Months(12), earliest_day_after_birth: 4, max_units: Some(7), max_consecutive_nights: Some(6), max_hours_per_session: None, extra_infant_fee: Yen(500) }],
        combined_limits: vec![],
        multiples_multiply_limits: false,
        carry_over_unused: false,
        fees,
        cancellation: None,
    }
}

/// `n` facilities in a box, random capacities and takings over 60 days, half contracted by `home`.
fn random_state(seed: u64, n: usize, lat: (f64, f64), lon: (f64, f64)) -> SearchState {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut state = SearchState::default();
    let mut points = Vec::new();
    let mut contracts = Vec::new();
    for id in 1..=n as i64 {
        // Some facilities share a location exactly, to exercise ties.
        let at = if id > 1 && rng.random_range(0..20) == 0 {
            points.last().map(|(_, c)| *c).unwrap()
        } else {
            Coordinates::new(rng.random_range(lat.0..lat.1), rng.random_range(lon.0..lon.1), "p").unwrap()
        };
        points.push((id, at));
        state.municipality_of.insert(id, if rng.random_bool(0.5) { home() } else { LgCode::parse("31202").unwrap() });
        let mut cal = ServiceCalendar { daily_capacity: rng.random_range(0..4), ..Default::default() };
        for d in 0..60 {
            if rng.random_bool(0.3) {
                cal.taken.set(day(d), rng.random_range(0..4));
            }
            if rng.random_bool(0.05) {
                cal.overrides.insert(day(d), rng.random_range(0..5));
            }
        }
        if rng.random_bool(0.05) {
            let s = rng.random_range(0..50);
            cal.closures.push((day(s), day(s + rng.random_range(0..10))));
        }
        state.calendars.insert(id, T, cal);
        if rng.random_bool(0.5) {
            let to = if rng.random_bool(0.2) { Some(day(rng.random_range(0..60))) } else { None };
            let c = ContractTerms { municipality: home(), facility_id: id, service_type: T, unit_price: Yen(30_000 + id), additions: Additions::default(), valid_from: day(0), valid_to: to };
            contracts.push(c);
        }
    }
    // The host contracts a third of them (drawn apart, so that the rest of the state is as before).
    let mut hosts = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    for id in 1..=n as i64 {
        if hosts.random_bool(0.3) {
            let to = if hosts.random_bool(0.2) { Some(day(hosts.random_range(0..60))) } else { None };
            contracts.push(ContractTerms { municipality: host(), facility_id: id, service_type: T, unit_price: Yen(20_000 + id), additions: Additions::default(), valid_from: day(0), valid_to: to });
        }
    }
    state.facilities = FacilityIndex::new(points.clone());
    state.contracts = ContractBook::new(contracts, &state.facilities);
    state
}

/// The same answer by looking at every facility: id, km, free slots, and whose contract (the
/// resident's municipality's, a host's, or none).
fn brute_force(state: &SearchState, points: &[(i64, Coordinates)], q: &NearbyQuery, hosts: &[LgCode]) -> Vec<(i64, f64, u32, Option<LgCode>)> {
    let r = &q.request;
    let mut all: Vec<(i64, f64, u32, Option<LgCode>)> = points
        .iter()
        .filter_map(|(id, at)| {
            let km = haversine_km(q.from, *at);
            let free = state.calendars.get(*id, r.service_type)?.min_free(r.start, r.days);
            let last = r.start + chrono::Days::new(u64::from(r.days - 1));
            let contracts = |m: LgCode| state.contracts.of(m, r.service_type).any(|c| c.facility_id == *id && c.valid_on(r.start) && c.valid_on(last));
            let whose = std::iter::once(&q.resident).chain(hosts).copied().find(|m| contracts(*m));
            (km <= q.radius_km && free > 0 && (whose.is_some() || q.include_uncontracted)).then_some((*id, km, free, whose))
        })
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    all.truncate(q.limit);
    all
}

fn points_of(seed: u64, n: usize, lat: (f64, f64), lon: (f64, f64)) -> Vec<(i64, Coordinates)> {
    // Re-derive the points exactly as `random_state` drew them.
    let state = random_state(seed, n, lat, lon);
    let everywhere = Coordinates::new(lat.0, lon.0, "p").unwrap();
    state.facilities.nearest(everywhere, 1e9, usize::MAX, |_| true).into_iter().map(|h| (h.id, locate(&state, h.id))).collect()
}

fn locate(state: &SearchState, id: i64) -> Coordinates {
    state.facilities.location(id).unwrap()
}

fn query(from: Coordinates, radius_km: f64, limit: usize, start: u32, days: u32, include_uncontracted: bool) -> NearbyQuery {
    NearbyQuery {
        from,
        radius_km,
        limit,
        resident: home(),
        request: Request { service_type: T, start: day(start), days, infant_birth: day(0) - chrono::Days::new(30), multiples: 1, used_so_far: 0 },
        tier: HouseholdTier::Taxed,
        include_uncontracted,
    }
}

fn check_agrees(state: &SearchState, points: &[(i64, Coordinates)], q: &NearbyQuery) {
    check_agrees_through(state, points, q, &[]);
}

fn check_agrees_through(state: &SearchState, points: &[(i64, Coordinates)], q: &NearbyQuery, hosts: &[LgCode]) {
    let got = nearby_through(state, &rules(), q, hosts).unwrap();
    let want = brute_force(state, points, q, hosts);
    assert_eq!(got.len(), want.len(), "{q:?}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.facility_id, w.0, "{q:?}");
        assert!((g.km - w.1).abs() < 0.001, "distance differs by more than 1 m: {} vs {}", g.km, w.1);
        assert_eq!((g.free_slots, g.contracted), (w.2, w.3.is_some()));
        assert_eq!(g.through_host, w.3.filter(|m| *m != home()));
        assert_eq!(g.unit_price.is_some(), g.contracted);
        assert_eq!(g.cross_boundary, state.municipality_of[&g.facility_id] != home());
    }
}

/// Tottori-sized prefecture.
const TOTTORI: ((f64, f64), (f64, f64)) = ((35.05, 35.65), (133.1, 134.5));

#[test]
fn thousands_of_random_queries_agree_with_brute_force_in_a_prefecture() {
    let (lat, lon) = TOTTORI;
    let state = random_state(42, 600, lat, lon);
    let points = points_of(42, 600, lat, lon);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..3_000 {
        // Queries inside and around the prefecture, up to a degree beyond its border.
        let from = Coordinates::new(rng.random_range(lat.0 - 1.0..lat.1 + 1.0), rng.random_range(lon.0 - 1.0..lon.1 + 1.0), "q").unwrap();
        let q = query(from, rng.random_range(0.5..120.0), rng.random_range(1..30), rng.random_range(0..50), rng.random_range(1..7), rng.random_bool(0.3));
        check_agrees(&state, &points, &q);
    }
}

#[test]
fn queries_at_the_extremes_of_japan_agree_with_brute_force() {
    // From Okinotorishima (20.4 N) to Cape Soya (45.5 N), Yonaguni (122.9 E) to Minamitorishima (154.0 E).
    let (lat, lon) = ((20.4, 45.6), (122.9, 154.0));
    let state = random_state(9, 800, lat, lon);
    let points = points_of(9, 800, lat, lon);
    for (qlat, qlon) in [(20.42, 136.08), (45.52, 141.94), (24.45, 122.93), (24.28, 153.98), (35.0, 138.0)] {
        for radius in [10.0, 300.0, 3_000.0] {
            check_agrees(&state, &points, &query(Coordinates::new(qlat, qlon, "q").unwrap(), radius, 25, 3, 3, true));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_seed_any_query_agrees(seed in 0u64..1_000, qlat in 35.0f64..35.7, qlon in 133.0f64..134.6, radius in 0.1f64..200.0, limit in 1usize..50, days in 1u32..8, all in any::<bool>()) {
        let (lat, lon) = TOTTORI;
        let state = random_state(seed, 150, lat, lon);
        let points = points_of(seed, 150, lat, lon);
        check_agrees(&state, &points, &query(Coordinates::new(qlat, qlon, "q").unwrap(), radius, limit, 10, days, all));
    }

    #[test]
    fn through_an_agreements_host_any_query_agrees(seed in 0u64..1_000, qlat in 35.0f64..35.7, qlon in 133.0f64..134.6, radius in 0.1f64..200.0, limit in 1usize..50, start in 0u32..50, days in 1u32..8, all in any::<bool>()) {
        let (lat, lon) = TOTTORI;
        let state = random_state(seed, 150, lat, lon);
        let points = points_of(seed, 150, lat, lon);
        check_agrees_through(&state, &points, &query(Coordinates::new(qlat, qlon, "q").unwrap(), radius, limit, start, days, all), &[host()]);
    }
}

#[test]
fn refused_requests_name_the_rule() {
    let (lat, lon) = TOTTORI;
    let state = random_state(1, 10, lat, lon);
    let from = Coordinates::new(35.5, 134.2, "q").unwrap();
    let mut q = query(from, 50.0, 5, 3, 8, false);
    let e = nearby(&state, &rules(), &q).unwrap_err();
    assert_eq!(e.field, "days");
    assert!(e.message.contains("at most 7 days"), "{}", e.message);
    q.request.days = 3;
    q.request.service_type = ServiceType::Outreach;
    assert_eq!(nearby(&state, &rules(), &q).unwrap_err().field, "serviceType");
}

#[test]
fn user_fee_covers_every_day_and_extra_infants() {
    let (lat, lon) = TOTTORI;
    let state = random_state(3, 300, lat, lon);
    let mut q = query(Coordinates::new(35.5, 134.2, "q").unwrap(), 200.0, 5, 3, 3, true);
    q.request.multiples = 2;
    let hits = nearby(&state, &rules(), &q).unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.user_fee == Yen(3 * (3_000 + 500))));
}

#[test]
fn a_hosts_contract_lists_facilities_the_municipality_has_none_with() {
    let (lat, lon) = TOTTORI;
    let state = random_state(11, 400, lat, lon);
    let points = points_of(11, 400, lat, lon);
    let q = query(Coordinates::new(35.4, 133.8, "q").unwrap(), 200.0, 60, 5, 2, false);
    check_agrees_through(&state, &points, &q, &[host()]);
    let own = nearby(&state, &rules(), &q).unwrap();
    let through = nearby_through(&state, &rules(), &q, &[host()]).unwrap();
    assert!(own.iter().all(|h| h.through_host.is_none()));
    assert!(through.iter().any(|h| h.through_host == Some(host())), "some facility only the host contracts");
    // Facilities the municipality contracts itself keep its own contract.
    for h in &own {
        if let Some(t) = through.iter().find(|t| t.facility_id == h.facility_id) {
            assert_eq!((t.unit_price, t.through_host), (h.unit_price, None));
        }
    }
}
