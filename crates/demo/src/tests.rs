//! Tests of the generator on small square "municipalities".

use geo::{MultiPolygon, polygon};
use sango_domain::{FiscalYear, LgCode};

use super::*;

fn square(code: &str, x: f64, population: i64) -> DemoMunicipality {
    DemoMunicipality {
        code: LgCode::parse(code).unwrap(),
        name: format!("町{code}"),
        population,
        shape: MultiPolygon(vec![polygon![(x: x, y: 35.0), (x: x + 0.1, y: 35.0), (x: x + 0.1, y: 35.1), (x: x, y: 35.1), (x: x, y: 35.0)]]),
    }
}

fn towns() -> Vec<DemoMunicipality> {
    vec![square("31201", 134.0, 190_000), square("31202", 134.2, 150_000), square("31302", 134.4, 11_000), square("31325", 134.6, 3_000)]
}

fn cfg(seed: u64) -> DemoConfig {
    DemoConfig { seed, facilities: Some(20), fiscal_years: vec![FiscalYear::new(2025).unwrap()] }
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = generate(&towns(), &cfg(7));
    let b = generate(&towns(), &cfg(7));
    let c = generate(&towns(), &cfg(8));
    assert_eq!(format!("{:?}", a.facilities), format!("{:?}", b.facilities));
    assert_ne!(format!("{:?}", a.facilities), format!("{:?}", c.facilities));
}

#[test]
fn facilities_lie_inside_their_municipality_and_small_towns_get_none() {
    let ms = towns();
    let data = generate(&ms, &cfg(1));
    assert_eq!(data.facilities.len(), 20);
    for (code, f) in &data.facilities {
        let m = ms.iter().find(|m| m.code == *code).unwrap();
        assert!(geo::Intersects::intersects(&m.shape, &geo::Point::new(f.location.lon, f.location.lat)), "{} outside {code}", f.name);
        assert!(f.synthetic && f.name.starts_with("（架空）"));
        f.validate().unwrap();
    }
    assert!(!data.facilities.iter().any(|(c, _)| c.to_string() == "313254"), "a 3,000-person town got a facility");
}

#[test]
fn every_programme_is_valid_and_every_municipality_has_contracts() {
    let ms = towns();
    let data = generate(&ms, &cfg(3));
    assert_eq!(data.programs.len(), ms.len());
    for (_, _, rules) in &data.programs {
        rules.validate().unwrap();
    }
    for m in &ms {
        let mine: Vec<_> = data.contracts.iter().filter(|c| c.terms.municipality == m.code).collect();
        assert!(!mine.is_empty(), "{} has no contract", m.code);
        for c in mine {
            c.terms.validate().unwrap();
            let (_, f) = &data.facilities[c.facility_index];
            assert!(f.services.iter().any(|s| s.service_type == c.terms.service_type));
        }
    }
    // The town without facilities contracts across the border.
    assert!(data.contracts.iter().any(|c| c.terms.municipality.to_string() == "313254"));
}

#[test]
fn taken_slots_never_exceed_capacity_and_leave_some_days_full() {
    let data = generate(&towns(), &cfg(11));
    assert!(!data.taken.is_empty());
    let mut full = 0;
    for (i, t, _, n) in &data.taken {
        let cap = data.facilities[*i].1.services.iter().find(|s| s.service_type == *t).unwrap().daily_capacity;
        assert!(*n >= 1 && *n <= cap);
        full += usize::from(*n == cap);
    }
    assert!(full > 0, "no day is full");
}

#[test]
fn a_past_year_of_recorded_use_stays_within_capacity_and_contracts() {
    let ms = towns();
    let years = vec![FiscalYear::new(2024).unwrap(), FiscalYear::new(2025).unwrap()];
    let data = generate(&ms, &DemoConfig { seed: 4, facilities: Some(20), fiscal_years: years });
    assert!(data.uses.len() > 100, "{} uses", data.uses.len());
    let mut per_day = std::collections::HashMap::new();
    for u in &data.uses {
        assert!(u.dates.iter().all(|d| FiscalYear::containing(*d).year() == 2024));
        assert!(data.contracts.iter().any(|c| c.facility_index == u.facility_index && c.terms.municipality == u.municipality && c.terms.service_type == u.service_type));
        for d in &u.dates {
            *per_day.entry((u.facility_index, u.service_type, *d)).or_insert(0u32) += 1;
        }
    }
    for ((i, t, _), n) in per_day {
        let cap = data.facilities[i].1.services.iter().find(|s| s.service_type == t).unwrap().daily_capacity;
        assert!(n <= cap);
    }
    assert!(data.taken.iter().all(|(_, _, d, _)| FiscalYear::containing(*d).year() == 2025), "occupancy only in the current year");
}

#[test]
fn apportion_sums_exactly() {
    assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
    let tottori: i64 = ["31201", "31202", "31203", "31204", "31302", "31325", "31328", "31329", "31364", "31370", "31371", "31372", "31384", "31386", "31389", "31390", "31401", "31402", "31403"]
        .iter()
        .map(|c| tottori_population(LgCode::parse(c).unwrap()).unwrap())
        .sum();
    assert_eq!(tottori, 534_003);
    assert_eq!(births_for(534_003), 3_524);
}

#[test]
fn a_year_of_demand_follows_births_and_uptake() {
    let ms = towns();
    let data = generate(&ms, &cfg(5));
    let city = LgCode::parse("31201").unwrap();
    let rows: Vec<_> = data.demand.iter().filter(|(m, ..)| *m == city).collect();
    assert_eq!(rows.len(), 12 * 3, "12 months × 3 types");
    // 190,000 people → 1,254 births → 309 users; short stay 45% × 3.0 days = 417 days.
    let stay: u32 = rows.iter().filter(|r| r.2 == sango_domain::ServiceType::ShortStay).map(|r| r.3).sum();
    assert_eq!(stay, 417);
    assert!(rows.iter().all(|r| chrono::Datelike::day(&r.1) == 1));
}
