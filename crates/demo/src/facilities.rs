//! Where the synthetic facilities go (mostly in the cities, none in several small towns) and what they offer.

use geo::{BoundingRect, Intersects, Point};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sango_domain::{Coordinates, FacilityDraft, FacilityKind, LgCode, ServiceCapacity, ServiceType};

use crate::DemoMunicipality;
use crate::people::apportion;

const NAMES: [&str; 16] = [
    "さくら", "みどり", "ひかり", "あおば", "すずらん", "ひまわり", "こすもす", "なぎさ",
    "やまびこ", "つばさ", "かえで", "わかば", "はまなす", "あかね", "しらさぎ", "ゆりかご",
];

/// About one facility per 19,000 people, at least one per four municipalities.
pub fn realistic_count(ms: &[DemoMunicipality]) -> usize {
    let people: i64 = ms.iter().map(|m| m.population).sum();
    ((people / 19_000) as usize).max(ms.len() / 4).max(1)
}

/// Shares `count` facilities out by population^1.2 (towns under 7,000 people get none unless
/// there are many facilities to place) and places each uniformly inside its municipality.
pub fn place(ms: &[DemoMunicipality], count: usize, rng: &mut ChaCha8Rng) -> Vec<(LgCode, FacilityDraft)> {
    let dense = count >= ms.len() * 3;
    let weights: Vec<i64> = ms
        .iter()
        .map(|m| if m.population < 7_000 && !dense { 0 } else { (m.population.max(1) as f64).powf(1.2) as i64 })
        .collect();
    let shares = apportion(count as i64, &weights);
    let mut out = Vec::with_capacity(count);
    for (m, share) in ms.iter().zip(shares) {
        for n in 0..share as usize {
            let Some(location) = sample_inside(m, rng) else { continue };
            out.push((m.code, draft(m, n, location, rng)));
        }
    }
    out
}

fn sample_inside(m: &DemoMunicipality, rng: &mut ChaCha8Rng) -> Option<Coordinates> {
    let r = m.shape.bounding_rect()?;
    for _ in 0..10_000 {
        let lon = rng.random_range(r.min().x..=r.max().x);
        let lat = rng.random_range(r.min().y..=r.max().y);
        if m.shape.intersects(&Point::new(lon, lat)) {
            // Round to 1e-5 degrees (about a metre), as an address geocoder would.
            let round = |v: f64| (v * 1e5).round() / 1e5;
            let c = Coordinates::new(round(lat), round(lon), "location").ok()?;
            if m.shape.intersects(&Point::new(c.lon, c.lat)) {
                return Some(c);
            }
        }
    }
    None
}

fn draft(m: &DemoMunicipality, n: usize, location: Coordinates, rng: &mut ChaCha8Rng) -> FacilityDraft {
    let kind = match (n, rng.random_range(0..100)) {
        (0, _) if m.population > 100_000 => FacilityKind::Hospital,
        (_, 0..20) => FacilityKind::Hospital,
        (_, 20..55) => FacilityKind::Clinic,
        (_, 55..90) => FacilityKind::MidwifeHome,
        _ => FacilityKind::MunicipalCentre,
    };
    let place = m.name.trim_end_matches(['市', '町', '村']);
    let nick = NAMES[(n + m.code.five_digit().len() * 7 + usize::from(m.code.prefecture().get())) % NAMES.len()];
    let number = if n >= NAMES.len() { format!("第{}", n / NAMES.len() + 1) } else { String::new() };
    let suffix = match kind {
        FacilityKind::Hospital => "総合病院",
        FacilityKind::Clinic => "レディースクリニック",
        FacilityKind::MidwifeHome => "助産院",
        FacilityKind::MunicipalCentre => "産後ケアセンター",
    };
    let mut cap = |t, lo: i64, hi: i64| ServiceCapacity::new(t, rng.random_range(lo..=hi), "dailyCapacity").expect("in range");
    let services = match kind {
        FacilityKind::Hospital => vec![cap(ServiceType::ShortStay, 3, 6), cap(ServiceType::DayCare, 4, 10)],
        FacilityKind::Clinic => vec![cap(ServiceType::ShortStay, 2, 4), cap(ServiceType::DayCare, 3, 6)],
        FacilityKind::MidwifeHome => vec![cap(ServiceType::ShortStay, 1, 3), cap(ServiceType::DayCare, 2, 4), cap(ServiceType::Outreach, 2, 5)],
        FacilityKind::MunicipalCentre => vec![cap(ServiceType::DayCare, 10, 20), cap(ServiceType::Outreach, 2, 6)],
    };
    FacilityDraft {
        name: format!("（架空）{place}{nick}{number}{suffix}"),
        kind,
        address: format!("{}（架空の所在地）", m.name),
        location,
        services,
        synthetic: true,
    }
}
