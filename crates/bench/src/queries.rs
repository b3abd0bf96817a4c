//! The random query set, deterministic from a seed: a point up to 3 km from a random facility of the
//! prefecture, the resident's municipality at that point, a service type the resident's programme
//! offers, a request inside the fiscal year that the programme allows, a radius of 5, 10 or 30 km
//! and a limit of 5, 10 or 20. Contracted facilities only (the GraphQL default).

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::anyhow;
use chrono::Days;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sango_availability::{NearbyQuery, Request, check_request};
use sango_domain::{Coordinates, FiscalYear, HouseholdTier, LgCode, ProgramRules, ServiceType};
use sango_service::Hub;
use sango_store::Facility;

/// One search with the programme it runs under.
#[derive(Clone, Debug)]
pub struct BenchQuery {
    pub q: NearbyQuery,
    pub rules: Arc<ProgramRules>,
}

/// A point `km` from `at` on `bearing` (radians), on the sphere.
fn offset(at: Coordinates, km: f64, bearing: f64) -> Coordinates {
    let d = km / sango_spatial::EARTH_RADIUS_KM;
    let (lat1, lon1) = (at.lat.to_radians(), at.lon.to_radians());
    let lat2 = (lat1.sin() * d.cos() + lat1.cos() * d.sin() * bearing.cos()).asin();
    let lon2 = lon1 + (bearing.sin() * d.sin() * lat1.cos()).atan2(d.cos() - lat1.sin() * lat2.sin());
    Coordinates { lat: lat2.to_degrees(), lon: lon2.to_degrees() }
}

/// `n` queries over `facilities`, all valid under the resident's programme for `fy`.
pub async fn generate(hub: &Hub, facilities: &[Facility], fy: FiscalYear, n: usize, seed: u64) -> anyhow::Result<Vec<BenchQuery>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut programmes: HashMap<LgCode, Option<Arc<ProgramRules>>> = HashMap::new();
    let prefecture = facilities.first().ok_or_else(|| anyhow!("no facilities"))?.municipality.prefecture();
    let span = (fy.last_day() - fy.first_day()).num_days() as u64;
    let mut out = Vec::with_capacity(n);
    let mut attempts = 0usize;
    while out.len() < n {
        attempts += 1;
        if attempts > n * 50 {
            return Err(anyhow!("could not build {n} valid queries (only {} after {attempts} attempts)", out.len()));
        }
        let f = &facilities[rng.random_range(0..facilities.len())];
        let from = offset(f.draft.location, rng.random_range(0.0..3.0), rng.random_range(0.0..std::f64::consts::TAU));
        let from = Coordinates { lat: (from.lat * 1e6).round() / 1e6, lon: (from.lon * 1e6).round() / 1e6 };
        let resident = hub.municipality_at(from).filter(|m| m.prefecture() == prefecture).unwrap_or(f.municipality);
        let rules = match programmes.get(&resident) {
            Some(known) => known.clone(),
            None => {
                let p = sango_store::programs::current(hub.db(), resident, fy).await?.map(|p| Arc::new(p.rules));
                programmes.insert(resident, p.clone());
                p
            }
        };
        let Some(rules) = rules else { continue };
        let offered: Vec<ServiceType> = rules.services.iter().map(|s| s.service_type).collect();
        let service_type = offered[rng.random_range(0..offered.len())];
        let days = match service_type {
            ServiceType::ShortStay => rng.random_range(1..=7),
            ServiceType::DayCare => rng.random_range(1..=3),
            _ => rng.random_range(1..=2),
        };
        let start = fy.first_day() + Days::new(rng.random_range(0..=span - u64::from(days - 1)));
        let request = Request { service_type, start, days, infant_birth: start - Days::new(rng.random_range(4..=60)), multiples: 1, used_so_far: 0 };
        if check_request(&rules, &request).is_err() {
            continue;
        }
        let q = NearbyQuery {
            from,
            radius_km: [5.0, 10.0, 30.0][rng.random_range(0..3)],
            limit: [5, 10, 20][rng.random_range(0..3)],
            resident,
            request,
            tier: HouseholdTier::Taxed,
            include_uncontracted: false,
        };
        out.push(BenchQuery { q, rules });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_points_lie_at_the_asked_distance() {
        let from = Coordinates { lat: 35.68, lon: 139.76 };
        for (km, bearing) in [(0.0, 0.0), (1.0, 0.3), (2.5, 2.0), (3.0, 5.9)] {
            let to = offset(from, km, bearing);
            assert!((sango_spatial::haversine_km(from, to) - km).abs() < 1e-9, "{km} km at {bearing}");
        }
    }
}
