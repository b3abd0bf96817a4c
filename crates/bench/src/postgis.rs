//! The same data in PostgreSQL + PostGIS: schema, `COPY` of facilities, calendars, contracts and
//! boundaries, and the SQL equivalents of the search and of `municipalityAt` as prepared statements.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use bytes::Bytes;
use chrono::NaiveDate;
use futures_util::SinkExt;
use sango_availability::SearchState;
use sango_domain::{FiscalYear, ServiceType};
use sango_store::{Facility, MunicipalityWithBoundary};
use tokio_postgres::types::Type;
use tokio_postgres::{Client, NoTls, Statement};

/// Connects with a libpq-style `key=value` string or a `postgres://` URL, and spawns the
/// connection on the current runtime.
pub async fn connect(conn: &str) -> anyhow::Result<Client> {
    let (client, connection) = tokio_postgres::connect(conn, NoTls).await.with_context(|| format!("connecting to PostgreSQL ({conn})"))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("[postgis] connection error: {e}");
        }
    });
    // The planner settings a tuned deployment would use for data that fits in memory; JIT off
    // because it only adds compile time to millisecond queries.
    client.batch_execute("SET jit = off; SET random_page_cost = 1.1; SET effective_cache_size = '8GB'; SET work_mem = '64MB'").await?;
    Ok(client)
}

/// The connection string from the standard libpq environment (as `pg_virtualenv` exports it).
pub fn conn_from_env() -> Option<String> {
    let host = std::env::var("PGHOST").ok()?;
    let mut s = format!("host={host}");
    for (var, key) in [("PGPORT", "port"), ("PGUSER", "user"), ("PGPASSWORD", "password"), ("PGDATABASE", "dbname")] {
        if let Ok(v) = std::env::var(var) {
            write!(s, " {key}='{}'", v.replace('\\', "\\\\").replace('\'', "\\'")).expect("string write");
        }
    }
    Some(s)
}

/// What loading took.
#[derive(Clone, Debug, Default)]
pub struct LoadReport {
    pub facility_rows: u64,
    pub calendar_rows: u64,
    pub contract_rows: u64,
    pub boundary_rows: u64,
    pub subdivided_rows: u64,
    /// Boundaries PostGIS finds invalid (self-intersections in the source polygons).
    pub invalid_boundaries: u64,
    pub copy: Duration,
    pub index_and_analyze: Duration,
    pub server_version: String,
    pub postgis_version: String,
    pub database_bytes: i64,
}

const SCHEMA: &str = "
CREATE EXTENSION IF NOT EXISTS postgis;
DROP TABLE IF EXISTS bench_facility, bench_calendar, bench_contract, bench_boundary, bench_boundary_sub, bench_boundary_in;
CREATE TABLE bench_facility (
    id bigint PRIMARY KEY,
    lat float8 NOT NULL,
    lon float8 NOT NULL,
    municipality text NOT NULL,
    geog geography(Point, 4326) NOT NULL
);
CREATE TABLE bench_calendar (
    facility_id bigint NOT NULL,
    service_type text NOT NULL,
    date date NOT NULL,
    capacity int NOT NULL,
    taken int NOT NULL
);
CREATE TABLE bench_contract (
    municipality text NOT NULL,
    facility_id bigint NOT NULL,
    service_type text NOT NULL,
    valid_from date NOT NULL,
    valid_to date,
    unit_price bigint NOT NULL
);
CREATE TABLE bench_boundary_in (code text NOT NULL, geojson text NOT NULL);
";

const INDEXES: &str = "
ALTER TABLE bench_calendar ADD PRIMARY KEY (facility_id, service_type, date);
CREATE INDEX bench_facility_geog ON bench_facility USING gist (geog);
CREATE INDEX bench_contract_lookup ON bench_contract (municipality, service_type, facility_id);
CREATE TABLE bench_boundary AS SELECT code, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326))::geometry(MultiPolygon, 4326) AS geom FROM bench_boundary_in;
CREATE INDEX bench_boundary_geom ON bench_boundary USING gist (geom);
-- ST_Subdivide needs valid input; the few self-intersecting boundaries stay whole, unchanged.
CREATE TABLE bench_boundary_sub AS
    SELECT code, ST_Subdivide(geom, 256) AS geom FROM bench_boundary WHERE ST_IsValid(geom)
    UNION ALL SELECT code, geom FROM bench_boundary WHERE NOT ST_IsValid(geom);
CREATE INDEX bench_boundary_sub_geom ON bench_boundary_sub USING gist (geom);
DROP TABLE bench_boundary_in;
";

/// Escapes a value for `COPY … FROM STDIN` text format.
fn copy_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
}

/// Streams rows (already in COPY text format, one per line) into `table`.
async fn copy_in(client: &Client, table_and_columns: &str, rows: impl Iterator<Item = String>) -> anyhow::Result<u64> {
    let sink = client.copy_in::<_, Bytes>(&format!("COPY {table_and_columns} FROM STDIN")).await?;
    futures_util::pin_mut!(sink);
    let mut buf = String::with_capacity(1 << 20);
    for row in rows {
        buf.push_str(&row);
        buf.push('\n');
        if buf.len() >= (1 << 20) - 4096 {
            sink.send(Bytes::from(std::mem::take(&mut buf))).await?;
            buf.reserve(1 << 20);
        }
    }
    if !buf.is_empty() {
        sink.send(Bytes::from(buf)).await?;
    }
    Ok(sink.finish().await?)
}

/// Creates the tables and copies the prefecture into them: every facility, every calendar day of
/// the fiscal year (capacity as `ServiceCalendar::capacity_on` computes it), every current
/// contract and every municipal boundary of Japan.
pub async fn load(client: &Client, state: &SearchState, facilities: &[Facility], fy: FiscalYear, boundaries: &[MunicipalityWithBoundary]) -> anyhow::Result<LoadReport> {
    let mut r = LoadReport::default();
    client.batch_execute(SCHEMA).await.context("creating the PostGIS schema (is the postgis extension installed?)")?;
    let t = Instant::now();
    r.facility_rows = copy_in(
        client,
        "bench_facility (id, lat, lon, municipality, geog)",
        facilities.iter().map(|f| {
            let (lat, lon) = (f.draft.location.lat, f.draft.location.lon);
            format!("{}\t{lat:?}\t{lon:?}\t{}\tSRID=4326;POINT({lon:?} {lat:?})", f.id, f.municipality)
        }),
    )
    .await?;
    let days: Vec<NaiveDate> = fy.first_day().iter_days().take_while(|d| *d <= fy.last_day()).collect();
    let calendar_rows = facilities.iter().flat_map(|f| {
        ServiceType::ALL.iter().filter_map(move |t| state.calendars.get(f.id, *t).map(|cal| (f.id, *t, cal))).flat_map(|(id, t, cal)| {
            days.iter().map(move |d| format!("{id}\t{}\t{d}\t{}\t{}", t.as_str(), cal.capacity_on(*d), cal.taken_on(*d)))
        })
    });
    r.calendar_rows = copy_in(client, "bench_calendar (facility_id, service_type, date, capacity, taken)", calendar_rows).await?;
    let contracts = state.contracts.all().map(|c| {
        let to = c.valid_to.map_or_else(|| "\\N".to_owned(), |d| d.to_string());
        format!("{}\t{}\t{}\t{}\t{to}\t{}", c.municipality, c.facility_id, c.service_type.as_str(), c.valid_from, c.unit_price.0)
    });
    r.contract_rows = copy_in(client, "bench_contract (municipality, facility_id, service_type, valid_from, valid_to, unit_price)", contracts).await?;
    r.boundary_rows = copy_in(client, "bench_boundary_in (code, geojson)", boundaries.iter().map(|b| format!("{}\t{}", b.municipality.code, copy_text(&b.boundary_geojson)))).await?;
    r.copy = t.elapsed();
    let t = Instant::now();
    client.batch_execute(INDEXES).await.context("indexing")?;
    // Outside the implicit transaction of a multi-statement batch.
    client.batch_execute("VACUUM (ANALYZE) bench_facility, bench_calendar, bench_contract, bench_boundary, bench_boundary_sub").await.context("VACUUM ANALYZE")?;
    r.index_and_analyze = t.elapsed();
    r.subdivided_rows = client.query_one("SELECT count(*) FROM bench_boundary_sub", &[]).await?.get::<_, i64>(0) as u64;
    r.invalid_boundaries = client.query_one("SELECT count(*) FROM bench_boundary WHERE NOT ST_IsValid(geom)", &[]).await?.get::<_, i64>(0) as u64;
    r.server_version = client.query_one("SHOW server_version", &[]).await?.get(0);
    r.postgis_version = client.query_one("SELECT postgis_lib_version()", &[]).await?.get(0);
    r.database_bytes = client.query_one("SELECT pg_database_size(current_database())", &[]).await?.get(0);
    Ok(r)
}

/// The search's SQL shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchSql {
    /// The KNN form: `ORDER BY geog <-> point LIMIT n`, re-sorted by the exact distance (the
    /// planner decides whether to walk the GiST index in distance order or start elsewhere).
    Knn,
    /// `ST_DWithin` on the GiST index, every candidate in the radius checked, then sorted.
    DWithin,
}

impl SearchSql {
    pub const ALL: [SearchSql; 2] = [SearchSql::Knn, SearchSql::DWithin];

    pub fn label(self) -> &'static str {
        match self {
            SearchSql::Knn => "PostGIS, KNN form (`ORDER BY geog <-> point`)",
            SearchSql::DWithin => "PostGIS `ST_DWithin` + sort",
        }
    }

    /// Parameters: $1 lat, $2 lon, $3 radius km, $4 resident municipality, $5 service type,
    /// $6 first day, $7 days, $8 limit. Distances by Haversine on 6,371.0088 km in SQL, as the hub
    /// computes them; the GiST prefilter uses the sphere with a 1 m margin.
    pub fn sql(self) -> String {
        let body = "
    FROM bench_facility f
    JOIN bench_contract c
      ON c.facility_id = f.id AND c.municipality = $4 AND c.service_type = $5
     AND c.valid_from <= $6 AND (c.valid_to IS NULL OR c.valid_to >= $6 + ($7 - 1))
    CROSS JOIN LATERAL (SELECT count(*) AS n, min(greatest(cal.capacity - cal.taken, 0)) AS free
                          FROM bench_calendar cal
                         WHERE cal.facility_id = f.id AND cal.service_type = $5 AND cal.date >= $6 AND cal.date < $6 + $7) fr
    CROSS JOIN LATERAL (SELECT sin((radians(f.lat) - radians($1)) / 2) AS s1, sin(radians(f.lon - $2) / 2) AS s2) t
    CROSS JOIN LATERAL (SELECT 12742.0176::float8 * asin(least(sqrt(t.s1 * t.s1 + cos(radians($1)) * cos(radians(f.lat)) * (t.s2 * t.s2)), 1)) AS km) d
   WHERE ST_DWithin(f.geog, ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography, $3 * 1000 + 1, false)
     AND fr.n = $7 AND fr.free > 0";
        let cols = "f.id, d.km, fr.free, c.unit_price, f.municipality <> $4 AS cross_boundary";
        match self {
            SearchSql::Knn => format!(
                "SELECT id, km, free, unit_price, cross_boundary FROM (
  SELECT {cols}{body}
   ORDER BY f.geog <-> ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography
   LIMIT $8 + 8) s
 WHERE km <= $3 ORDER BY km, id LIMIT $8"
            ),
            SearchSql::DWithin => format!("SELECT {cols}{body}\n     AND d.km <= $3\n   ORDER BY d.km, f.id\n   LIMIT $8"),
        }
    }

    pub async fn prepare(self, client: &Client) -> anyhow::Result<Statement> {
        let types = [Type::FLOAT8, Type::FLOAT8, Type::FLOAT8, Type::TEXT, Type::TEXT, Type::DATE, Type::INT4, Type::INT8];
        client.prepare_typed(&self.sql(), &types).await.map_err(|e| anyhow!("preparing the {self:?} search: {e}"))
    }
}

/// One row of a search answer.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlHit {
    pub id: i64,
    pub km: f64,
    pub free: u32,
    pub unit_price: i64,
    pub cross_boundary: bool,
}

/// Runs a prepared search.
pub async fn search(client: &Client, stmt: &Statement, q: &sango_availability::NearbyQuery) -> anyhow::Result<Vec<SqlHit>> {
    let resident = q.resident.to_string();
    let days = q.request.days as i32;
    let limit = q.limit as i64;
    let rows = client
        .query(stmt, &[&q.from.lat, &q.from.lon, &q.radius_km, &resident, &q.request.service_type.as_str(), &q.request.start, &days, &limit])
        .await?;
    Ok(rows
        .iter()
        .map(|r| SqlHit { id: r.get(0), km: r.get(1), free: r.get::<_, i32>(2) as u32, unit_price: r.get(3), cross_boundary: r.get(4) })
        .collect())
}

/// The boundary lookups: one row per municipality, or subdivided into pieces of at most 256 vertices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundarySql {
    Whole,
    Subdivided,
}

impl BoundarySql {
    pub const ALL: [BoundarySql; 2] = [BoundarySql::Whole, BoundarySql::Subdivided];

    pub fn label(self) -> &'static str {
        match self {
            BoundarySql::Whole => "PostGIS `ST_Covers`",
            BoundarySql::Subdivided => "PostGIS `ST_Covers`, `ST_Subdivide`d",
        }
    }

    /// Parameters: $1 lon, $2 lat. A point on a shared border belongs to the lower code, as in the hub.
    pub fn sql(self) -> String {
        let table = match self {
            BoundarySql::Whole => "bench_boundary",
            BoundarySql::Subdivided => "bench_boundary_sub",
        };
        format!("SELECT code FROM {table} WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code LIMIT 1")
    }

    pub async fn prepare(self, client: &Client) -> anyhow::Result<Statement> {
        Ok(client.prepare_typed(&self.sql(), &[Type::FLOAT8, Type::FLOAT8]).await?)
    }
}

/// Runs a prepared boundary lookup: the municipality code at (lon, lat), if any.
pub async fn municipality_at(client: &Client, stmt: &Statement, lon: f64, lat: f64) -> anyhow::Result<Option<String>> {
    Ok(client.query_opt(stmt, &[&lon, &lat]).await?.map(|r| r.get(0)))
}

/// Whether `pg_stat_statements` is loaded (`shared_preload_libraries`); then server-side
/// execution times can be read beside the client's round trips.
pub async fn stats_available(client: &Client) -> bool {
    client.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await.is_ok() && client.batch_execute("SELECT pg_stat_statements_reset()").await.is_ok()
}

/// Forgets the statistics gathered so far.
pub async fn reset_stats(client: &Client) -> anyhow::Result<()> {
    client.batch_execute("SELECT pg_stat_statements_reset()").await?;
    Ok(())
}

/// Mean server-side execution time of a statement since the last reset, by its text.
pub async fn mean_exec(client: &Client, sql: &str) -> anyhow::Result<Option<Duration>> {
    let row = client.query_opt("SELECT sum(total_exec_time) / nullif(sum(calls), 0) FROM pg_stat_statements WHERE query = $1", &[&sql]).await?;
    Ok(row.and_then(|r| r.get::<_, Option<f64>>(0)).map(|ms| Duration::from_secs_f64(ms / 1e3)))
}

/// `EXPLAIN (ANALYZE, BUFFERS)` of the search for one query, as text.
pub async fn explain_search(client: &Client, v: SearchSql, q: &sango_availability::NearbyQuery) -> anyhow::Result<String> {
    client.batch_execute(&format!("PREPARE bench_explain (float8, float8, float8, text, text, date, int4, int8) AS {}", v.sql())).await?;
    let sql = format!(
        "EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_explain({:?}, {:?}, {:?}, '{}', '{}', '{}', {}, {})",
        q.from.lat,
        q.from.lon,
        q.radius_km,
        q.resident,
        q.request.service_type.as_str(),
        q.request.start,
        q.request.days,
        q.limit
    );
    let rows = client.simple_query(&sql).await?;
    let mut out = String::new();
    for m in rows {
        if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
            out.push_str(r.get(0).unwrap_or_default());
            out.push('\n');
        }
    }
    client.batch_execute("DEALLOCATE bench_explain").await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_would_misread() {
        assert_eq!(copy_text("a\tb\nc\\d\re"), "a\\tb\\nc\\\\d\\re");
        assert_eq!(copy_text(r#"{"type":"MultiPolygon"}"#), r#"{"type":"MultiPolygon"}"#);
    }

    #[test]
    fn every_search_shape_uses_all_eight_parameters() {
        for v in SearchSql::ALL {
            let sql = v.sql();
            for n in 1..=8 {
                assert!(sql.contains(&format!("${n}")), "{v:?} lacks ${n}");
            }
            assert!(!sql.contains("$9"));
        }
    }
}
