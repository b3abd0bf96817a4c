//! Row 1: the nearby-capacity search in process against the same search in PostGIS. Both sides
//! answer every query first and must agree (ids and order, free slots, price, cross-boundary flag,
//! distances to 1 m); only then are they timed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use sango_availability::{SearchState, nearby};
use sango_domain::Principal;
use sango_service::{Caller, Hub};
use tokio_postgres::{Client, Statement};

use crate::postgis::{self, SqlHit};
use crate::queries::BenchQuery;
use crate::stats::Latencies;

/// Distances may differ by at most this much (km): 1 m.
pub const KM_TOLERANCE: f64 = 0.001;

/// What the answers looked like.
#[derive(Clone, Debug, Default)]
pub struct AnswerShape {
    pub queries: usize,
    pub hits: usize,
    pub empty: usize,
    /// Largest distance difference seen between the two sides, km.
    pub max_km_diff: f64,
}

/// The hub's own `nearby_capacity` must give what the search over the bench's state gives, so
/// that the state read back from the database is the state the service searches.
pub async fn check_against_service(hub: &Hub, state: &SearchState, queries: &[BenchQuery]) -> anyhow::Result<usize> {
    let admin = Caller::Principal(Principal::Admin);
    for (i, bq) in queries.iter().enumerate() {
        let ours = nearby(state, &bq.rules, &bq.q).map_err(|e| anyhow!("query {i}: {}", e.message))?;
        let theirs = hub.nearby_capacity(&admin, bq.q).await.map_err(|e| anyhow!("query {i} through the service: {e}"))?;
        let theirs: Vec<_> = theirs.into_iter().map(|h| h.hit).collect();
        if ours != theirs {
            return Err(anyhow!("query {i}: the service answered {theirs:?}, the benchmark's state {ours:?}"));
        }
    }
    Ok(queries.len())
}

/// Every query answered in process and by `stmt`; any disagreement is an error naming the query.
pub async fn check_against_sql(client: &Client, stmt: &Statement, state: &SearchState, queries: &[BenchQuery]) -> anyhow::Result<AnswerShape> {
    let mut shape = AnswerShape { queries: queries.len(), ..Default::default() };
    for (i, bq) in queries.iter().enumerate() {
        let ours = nearby(state, &bq.rules, &bq.q).map_err(|e| anyhow!("query {i}: {}", e.message))?;
        let sql = postgis::search(client, stmt, &bq.q).await?;
        let ids = |v: &[SqlHit]| v.iter().map(|h| h.id).collect::<Vec<_>>();
        let our_ids: Vec<i64> = ours.iter().map(|h| h.facility_id).collect();
        if our_ids != ids(&sql) {
            return Err(anyhow!("query {i} {:?}: ids differ\n  in process: {our_ids:?}\n  PostGIS:    {:?}", bq.q, ids(&sql)));
        }
        for (a, b) in ours.iter().zip(&sql) {
            let diff = (a.km - b.km).abs();
            shape.max_km_diff = shape.max_km_diff.max(diff);
            let same = diff <= KM_TOLERANCE && a.free_slots == b.free && a.unit_price.map(|y| y.0) == Some(b.unit_price) && a.cross_boundary == b.cross_boundary;
            if !same {
                return Err(anyhow!("query {i} {:?}: facility {} differs\n  in process: {a:?}\n  PostGIS:    {b:?}", bq.q, a.facility_id));
            }
        }
        shape.hits += ours.len();
        shape.empty += usize::from(ours.is_empty());
    }
    Ok(shape)
}

/// Times the pure search over every query, `rounds` times (after one untimed round).
pub fn time_in_process(state: &SearchState, queries: &[BenchQuery], rounds: usize) -> Latencies {
    for bq in queries {
        black_box(nearby(state, &bq.rules, &bq.q).ok());
    }
    let mut samples = Vec::with_capacity(queries.len() * rounds);
    for _ in 0..rounds {
        for bq in queries {
            let t = Instant::now();
            let hits = nearby(black_box(state), &bq.rules, black_box(&bq.q));
            black_box(hits.ok());
            samples.push(t.elapsed());
        }
    }
    Latencies::new(samples)
}

/// Times `Hub::nearby_capacity`: the programme from the cache, the search, and the facility
/// records of the hits from SQLite (what the GraphQL resolver calls).
pub async fn time_service(hub: &Hub, queries: &[BenchQuery]) -> anyhow::Result<Latencies> {
    let admin = Caller::Principal(Principal::Admin);
    for bq in queries {
        black_box(hub.nearby_capacity(&admin, bq.q).await.map_err(|e| anyhow!("{e}"))?);
    }
    let mut samples = Vec::with_capacity(queries.len());
    for bq in queries {
        let t = Instant::now();
        black_box(hub.nearby_capacity(&admin, bq.q).await.map_err(|e| anyhow!("{e}"))?);
        samples.push(t.elapsed());
    }
    Ok(Latencies::new(samples))
}

/// Times a prepared statement over every query (the check already warmed it up), `rounds` times.
pub async fn time_sql(client: &Client, stmt: &Statement, queries: &[BenchQuery], rounds: usize) -> anyhow::Result<Latencies> {
    let mut samples = Vec::with_capacity(queries.len() * rounds);
    for _ in 0..rounds {
        for bq in queries {
            let t = Instant::now();
            black_box(postgis::search(client, stmt, &bq.q).await?);
            samples.push(t.elapsed());
        }
    }
    Ok(Latencies::new(samples))
}

/// Times a round trip of `SELECT 1` as a prepared statement: the floor under any SQL latency.
pub async fn time_round_trip(client: &Client, n: usize) -> anyhow::Result<Latencies> {
    let stmt = client.prepare("SELECT 1").await?;
    let mut samples: Vec<Duration> = Vec::with_capacity(n);
    for i in 0..n + 100 {
        let t = Instant::now();
        black_box(client.query_one(&stmt, &[]).await?);
        if i >= 100 {
            samples.push(t.elapsed());
        }
    }
    Ok(Latencies::new(samples))
}
