//! Row 2: `municipalityAt` (the hub's boundary index) against PostGIS `ST_Covers` on the same
//! polygons, every municipality of Japan. Points fall uniformly in the bounding box of a random
//! municipality, so some lie at sea or in a neighbour; both sides must give the same answer.

use std::hint::black_box;
use std::time::Instant;

use anyhow::anyhow;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sango_domain::Coordinates;
use sango_service::Hub;
use sango_spatial::geometry_json::from_geojson;
use sango_store::MunicipalityWithBoundary;
use tokio_postgres::{Client, Statement};

use crate::postgis;
use crate::stats::Latencies;

/// `n` points, deterministic from `seed`.
pub fn points(boundaries: &[MunicipalityWithBoundary], n: usize, seed: u64) -> anyhow::Result<Vec<Coordinates>> {
    let mut boxes = Vec::with_capacity(boundaries.len());
    for b in boundaries {
        let shape = from_geojson(&b.boundary_geojson).map_err(|e| anyhow!("boundary of {}: {e}", b.municipality.code))?;
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for c in shape.0.iter().flat_map(|p| p.exterior().0.iter()) {
            (min_x, min_y, max_x, max_y) = (min_x.min(c.x), min_y.min(c.y), max_x.max(c.x), max_y.max(c.y));
        }
        if min_x <= max_x {
            boxes.push((min_x, min_y, max_x, max_y));
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Ok((0..n)
        .map(|_| {
            let (x0, y0, x1, y1) = boxes[rng.random_range(0..boxes.len())];
            Coordinates { lat: rng.random_range(y0..=y1), lon: rng.random_range(x0..=x1) }
        })
        .collect())
}

/// Both sides must agree on every point; returns how many points lie in some municipality.
pub async fn check(hub: &Hub, client: &Client, stmt: &Statement, points: &[Coordinates]) -> anyhow::Result<usize> {
    let mut inside = 0;
    for (i, p) in points.iter().enumerate() {
        let ours = hub.municipality_at(*p).map(|c| c.to_string());
        let sql = postgis::municipality_at(client, stmt, p.lon, p.lat).await?;
        if ours != sql {
            return Err(anyhow!("point {i} ({}, {}): the hub says {ours:?}, PostGIS {sql:?}", p.lat, p.lon));
        }
        inside += usize::from(ours.is_some());
    }
    Ok(inside)
}

/// Times `Hub::municipality_at` over every point, `rounds` times after one untimed round.
pub fn time_in_process(hub: &Hub, points: &[Coordinates], rounds: usize) -> Latencies {
    for p in points {
        black_box(hub.municipality_at(*p));
    }
    let mut samples = Vec::with_capacity(points.len() * rounds);
    for _ in 0..rounds {
        for p in points {
            let t = Instant::now();
            black_box(hub.municipality_at(black_box(*p)));
            samples.push(t.elapsed());
        }
    }
    Latencies::new(samples)
}

/// Times a prepared boundary lookup over every point (the check warmed it up).
pub async fn time_sql(client: &Client, stmt: &Statement, points: &[Coordinates], rounds: usize) -> anyhow::Result<Latencies> {
    let mut samples = Vec::with_capacity(points.len() * rounds);
    for _ in 0..rounds {
        for p in points {
            let t = Instant::now();
            black_box(postgis::municipality_at(client, stmt, p.lon, p.lat).await?);
            samples.push(t.elapsed());
        }
    }
    Ok(Latencies::new(samples))
}
