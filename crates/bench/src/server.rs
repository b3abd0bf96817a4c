//! The server process under load: the hub's own router (`POST /graphql`) plus a plain axum JSON
//! endpoint (`POST /nearby`) that authenticates the same way, calls the same service function and
//! returns the same fields as the benchmark's GraphQL selection. Run as `sango-bench serve`.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::anyhow;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::NaiveDate;
use sango_availability::{NearbyQuery, Request};
use sango_domain::{Coordinates, HouseholdTier, LgCode, ServiceType};
use sango_hub::config::{Mode, ServeConfig};
use sango_hub::rate_limit::RateLimit;
use sango_service::{Hub, NearbyHit};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The GraphQL document the load generator sends; `/nearby` returns the same fields.
pub const GRAPHQL_QUERY: &str = "query Nearby($input: NearbyCapacityInput!) { nearbyCapacity(input: $input) { facility { id name kind address location { lat lon } } distanceKm freeSlots crossBoundary contracted unitPrice userFee } }";

/// `/nearby`'s body: `NearbyCapacityInput`'s fields with its defaults.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainInput {
    lat: f64,
    lon: f64,
    service_type: String,
    start_date: NaiveDate,
    days: u32,
    #[serde(default = "default_radius")]
    radius_km: f64,
    #[serde(default = "default_limit")]
    limit: u32,
    resident_municipality: String,
    infant_birth_date: NaiveDate,
    #[serde(default = "one")]
    multiples: u32,
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    used_so_far: u32,
    #[serde(default)]
    include_uncontracted: bool,
}

fn default_radius() -> f64 {
    30.0
}
fn default_limit() -> u32 {
    10
}
fn one() -> u32 {
    1
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainLocation {
    lat: f64,
    lon: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainFacility<'a> {
    id: String,
    name: &'a str,
    kind: &'static str,
    address: &'a str,
    location: PlainLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlainHit<'a> {
    facility: PlainFacility<'a>,
    distance_km: f64,
    free_slots: u32,
    cross_boundary: bool,
    contracted: bool,
    unit_price: Option<i64>,
    user_fee: i64,
}

fn to_plain(h: &NearbyHit) -> PlainHit<'_> {
    let d = &h.facility.draft;
    PlainHit {
        facility: PlainFacility {
            id: h.facility.id.to_string(),
            name: &d.name,
            kind: d.kind.as_str(),
            address: &d.address,
            location: PlainLocation { lat: d.location.lat, lon: d.location.lon },
        },
        distance_km: h.hit.km,
        free_slots: h.hit.free_slots,
        cross_boundary: h.hit.cross_boundary,
        contracted: h.hit.contracted,
        unit_price: h.hit.unit_price.map(|y| y.0),
        user_fee: h.hit.user_fee.0,
    }
}

fn bad(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "errors": [{ "message": message.to_string() }] }))).into_response()
}

fn parse(input: PlainInput) -> Result<NearbyQuery, String> {
    let from = Coordinates::new(input.lat, input.lon, "input").map_err(|e| e.message)?;
    let tier = input.tier.as_deref().map(HouseholdTier::parse).transpose().map_err(|e| e.message)?.unwrap_or(HouseholdTier::Taxed);
    Ok(NearbyQuery {
        from,
        radius_km: input.radius_km,
        limit: input.limit as usize,
        resident: LgCode::parse(&input.resident_municipality).map_err(|e| e.message)?,
        request: Request {
            service_type: ServiceType::parse(&input.service_type).map_err(|e| e.message)?,
            start: input.start_date,
            days: input.days,
            infant_birth: input.infant_birth_date,
            multiples: input.multiples,
            used_so_far: input.used_so_far,
        },
        tier,
        include_uncontracted: input.include_uncontracted,
    })
}

async fn nearby(State(hub): State<Hub>, headers: HeaderMap, Json(input): Json<PlainInput>) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("\u{0}"));
    let caller = match hub.authenticate(authorization).await {
        Ok(c) => c,
        Err(e) => return bad(StatusCode::UNAUTHORIZED, e),
    };
    let q = match parse(input) {
        Ok(q) => q,
        Err(e) => return bad(StatusCode::BAD_REQUEST, e),
    };
    match hub.nearby_capacity(&caller, q).await {
        Ok(hits) => Json(hits.iter().map(to_plain).collect::<Vec<_>>()).into_response(),
        Err(e) => bad(StatusCode::BAD_REQUEST, e),
    }
}

/// The hub's router with `/nearby` beside `/graphql`.
/// The GraphQL side runs as `sango-hub serve` does (production mode), with the per-client rate
/// limit lifted: the load generator is one client standing for many (the limiter is still
/// consulted on every request).
pub fn router(hub: Hub) -> Router {
    let plain = Router::new().route("/nearby", post(nearby)).with_state(hub.clone());
    let mut config = ServeConfig::new(Mode::Production);
    config.rate = RateLimit { burst: u32::MAX, per_minute: u32::MAX };
    sango_hub::app::router_with(hub, config).merge(plain)
}

/// Opens the hub on `db`, listens on loopback and prints `READY <address>` once it serves.
pub async fn serve(db: &Path) -> anyhow::Result<()> {
    let hub = Hub::open(&crate::data::sqlite_url(db)).await.map_err(|e| anyhow!("opening {}: {e}", db.display()))?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    println!("READY {}", listener.local_addr()?);
    axum::serve(listener, router(hub)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_input_defaults_are_the_graphql_defaults() {
        let input: PlainInput = serde_json::from_value(json!({
            "lat": 35.68, "lon": 139.76, "serviceType": "DAY_CARE", "startDate": "2025-06-02", "days": 2,
            "residentMunicipality": "131016", "infantBirthDate": "2025-05-01"
        }))
        .unwrap();
        let q = parse(input).unwrap();
        assert_eq!((q.radius_km, q.limit, q.request.multiples, q.tier, q.request.used_so_far, q.include_uncontracted), (30.0, 10, 1, HouseholdTier::Taxed, 0, false));
        assert_eq!(q.request.service_type, ServiceType::DayCare);
    }

    #[test]
    fn bad_plain_input_is_refused_with_the_reason() {
        let input: PlainInput = serde_json::from_value(json!({
            "lat": 95.0, "lon": 139.76, "serviceType": "DAY_CARE", "startDate": "2025-06-02", "days": 2,
            "residentMunicipality": "131016", "infantBirthDate": "2025-05-01"
        }))
        .unwrap();
        assert!(parse(input).unwrap_err().contains("latitude"));
    }
}
