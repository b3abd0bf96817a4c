//! The results and their Markdown tables.

use std::fmt::Write as _;
use std::time::Duration;

use crate::data::Seeding;
use crate::http::WrkRun;
use crate::postgis::LoadReport;
use crate::search::AnswerShape;
use crate::stats::{Latencies, fmt_duration, fmt_ratio};

/// One timed path.
pub struct Timed {
    pub label: String,
    pub lat: Latencies,
    /// PostgreSQL's own mean execution time (pg_stat_statements), without the round trip.
    pub server_mean: Option<Duration>,
}

impl Timed {
    pub fn new(label: impl Into<String>, lat: Latencies) -> Self {
        Self { label: label.into(), lat, server_mean: None }
    }
}

/// Which server process a memory reading is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemKind {
    Empty,
    Loaded,
    AfterLoad,
    Trimmed,
}

/// One memory reading of a server process.
pub struct MemRow {
    pub kind: MemKind,
    pub label: String,
    pub rss: u64,
    pub hwm: u64,
    pub startup: Option<Duration>,
}

/// Everything measured in one run.
#[derive(Default)]
pub struct Results {
    pub machine: String,
    pub prefecture: String,
    pub seeding: Option<Seeding>,
    pub state_load: Option<Duration>,
    pub calendars: usize,
    pub postgis: Option<LoadReport>,
    pub service_checked: usize,
    pub search_shape: Option<AnswerShape>,
    /// First: in process; the rest: other paths; PostGIS ones are marked.
    pub search: Vec<Timed>,
    pub search_postgis: Vec<Timed>,
    pub round_trip: Option<Latencies>,
    pub boundary_points: usize,
    pub boundary_inside: usize,
    pub boundary: Vec<Timed>,
    pub boundary_postgis: Vec<Timed>,
    pub http_verified: usize,
    pub http_settings: String,
    pub http_graphql: Vec<WrkRun>,
    pub http_plain: Vec<WrkRun>,
    pub memory: Vec<MemRow>,
    pub wall: Duration,
    /// Load averages at the start and at the end of the run (other work on the shared machine).
    pub load_start: String,
    pub load_end: String,
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn best(v: &[Timed]) -> Option<&Timed> {
    v.iter().min_by_key(|t| t.lat.p50())
}

fn met(ok: bool) -> &'static str {
    if ok { "yes" } else { "**no**" }
}

fn mean_ok_per_sec(runs: &[WrkRun]) -> f64 {
    if runs.is_empty() {
        return 0.0;
    }
    let ok: u64 = runs.iter().map(|r| r.ok).sum();
    let secs: f64 = runs.iter().map(|r| r.seconds).sum();
    ok as f64 / secs
}

fn latency_table(out: &mut String, ours: &[Timed], theirs: &[Timed]) {
    out.push_str("| Path | p50 | p99 | mean | PostgreSQL execution (mean) | samples |\n|---|---:|---:|---:|---:|---:|\n");
    for t in ours.iter().chain(theirs) {
        let server = t.server_mean.map_or("—".to_owned(), fmt_duration);
        writeln!(out, "| {} | {} | {} | {} | {server} | {} |", t.label, fmt_duration(t.lat.p50()), fmt_duration(t.lat.p99()), fmt_duration(t.lat.mean()), t.lat.count()).expect("write");
    }
}

impl Results {
    /// The whole report as Markdown.
    pub fn markdown(&self) -> String {
        let mut o = String::new();
        writeln!(o, "## Results: {}\n", self.prefecture).expect("write");
        writeln!(o, "Machine: {}; load average {} at the start, {} at the end. Total wall time of the run: {:.0} s.\n", self.machine, self.load_start, self.load_end, self.wall.as_secs_f64()).expect("write");
        o.push_str("| # | Measurement | Sango Hub | Baseline | Ratio | Target | Met |\n|---|---|---:|---:|---:|---|---|\n");
        if let (Some(ours), Some(pg)) = (self.search.first(), best(&self.search_postgis)) {
            let r50 = pg.lat.p50().as_secs_f64() / ours.lat.p50().as_secs_f64();
            let r99 = pg.lat.p99().as_secs_f64() / ours.lat.p99().as_secs_f64();
            writeln!(o, "| 1 | Capacity search, p50 per query | {} | {} ({}) | {} faster | ≥ 30× | {} |", fmt_duration(ours.lat.p50()), fmt_duration(pg.lat.p50()), pg.label, fmt_ratio(r50), met(r50 >= 30.0)).expect("write");
            let p99_ok = ours.lat.p99() < Duration::from_micros(50);
            writeln!(
                o,
                "| 1 | Capacity search, p99 per query | {} | {} | {} faster | ≥ 30×; p99 < 50 µs | {} |",
                fmt_duration(ours.lat.p99()),
                fmt_duration(pg.lat.p99()),
                fmt_ratio(r99),
                met(r99 >= 30.0 && p99_ok)
            )
            .expect("write");
        }
        if let (Some(ours), Some(pg)) = (self.boundary.first(), best(&self.boundary_postgis)) {
            let r50 = pg.lat.p50().as_secs_f64() / ours.lat.p50().as_secs_f64();
            let r99 = pg.lat.p99().as_secs_f64() / ours.lat.p99().as_secs_f64();
            writeln!(o, "| 2 | `municipalityAt`, p50 | {} | {} ({}) | {} faster | ≥ 100× | {} |", fmt_duration(ours.lat.p50()), fmt_duration(pg.lat.p50()), pg.label, fmt_ratio(r50), met(r50 >= 100.0)).expect("write");
            writeln!(o, "| 2 | `municipalityAt`, p99 | {} | {} | {} faster | ≥ 100× | {} |", fmt_duration(ours.lat.p99()), fmt_duration(pg.lat.p99()), fmt_ratio(r99), met(r99 >= 100.0)).expect("write");
        }
        if !self.http_graphql.is_empty() {
            let (g, p) = (mean_ok_per_sec(&self.http_graphql), mean_ok_per_sec(&self.http_plain));
            writeln!(o, "| 3 | HTTP `nearbyCapacity`, good responses/s | {g:.0} (GraphQL) | {p:.0} (plain JSON) | {} of plain | ≥ 0.5× | {} |", fmt_ratio(g / p), met(g / p >= 0.5)).expect("write");
        }
        let mem = |k: MemKind| self.memory.iter().find(|m| m.kind == k);
        if let Some(loaded) = mem(MemKind::Loaded) {
            let empty = mem(MemKind::Empty).map_or("—".into(), |m| format!("{} (hub without facilities)", mib(m.rss)));
            let live = mem(MemKind::Trimmed).map_or(String::new(), |m| format!("; {} after `malloc_trim(0)`", mib(m.rss)));
            writeln!(o, "| 4 | Server RSS holding the prefecture, after start-up | {}{live} (peak {}) | {empty} | — | report | — |", mib(loaded.rss), mib(loaded.hwm)).expect("write");
        }

        o.push_str("\n### Data\n\n");
        if let Some(s) = &self.seeding {
            let seed = match (s.seed, s.seed_peak_rss) {
                (Some(d), Some(peak)) => format!("{:.1} s, peak RSS of the seeding process {}", d.as_secs_f64(), mib(peak)),
                (Some(d), None) => format!("{:.1} s", d.as_secs_f64()),
                _ => "reused from an earlier run (seeding not timed in this run)".to_owned(),
            };
            writeln!(o, "- {} facilities, {} calendars (facility × type), {} current contracts; `Hub::seed_demo`: {seed}; `Hub::open` of the file: {:.1} s; SQLite file: {} ({}).", s.facilities, self.calendars, s.contracts, s.open.as_secs_f64(), mib(s.db_bytes), s.db_path.display()).expect("write");
        }
        if let Some(d) = self.state_load {
            writeln!(o, "- Reading the whole search state back from SQLite (start-up and bulk loads; registry writes apply deltas): {:.1} s.", d.as_secs_f64()).expect("write");
        }
        if let Some(p) = &self.postgis {
            writeln!(
                o,
                "- PostgreSQL {} with PostGIS {}: `COPY` of {} facilities, {} calendar days, {} contracts, {} boundaries in {:.1} s; indexes and `VACUUM ANALYZE` {:.1} s; {} boundaries invalid to PostGIS (self-intersections; kept whole when subdividing), {} pieces after `ST_Subdivide`; database {}.",
                p.server_version, p.postgis_version, p.facility_rows, p.calendar_rows, p.contract_rows, p.boundary_rows, p.copy.as_secs_f64(), p.index_and_analyze.as_secs_f64(), p.invalid_boundaries, p.subdivided_rows, mib(p.database_bytes.max(0) as u64)
            )
            .expect("write");
        }

        if !self.search.is_empty() {
            o.push_str("\n### 1. Capacity search\n\n");
            if let Some(s) = &self.search_shape {
                writeln!(
                    o,
                    "{} queries; both sides gave the same ids in the same order, free slots, prices and cross-boundary flags for every one (distances within {:.2e} m; tolerance 1 m); {} hits in all, {} queries with none. `Hub::nearby_capacity` agreed with the benchmark's search state on {} queries.\n",
                    s.queries, s.max_km_diff * 1000.0, s.hits, s.empty, self.service_checked
                )
                .expect("write");
            }
            latency_table(&mut o, &self.search, &self.search_postgis);
            if let Some(rt) = &self.round_trip {
                writeln!(o, "| PostgreSQL `SELECT 1` round trip (floor) | {} | {} | {} | {} |", fmt_duration(rt.p50()), fmt_duration(rt.p99()), fmt_duration(rt.mean()), rt.count()).expect("write");
            }
        }
        if !self.boundary.is_empty() {
            o.push_str("\n### 2. `municipalityAt`\n\n");
            writeln!(o, "{} points, {} inside a municipality, the rest at sea or outside every polygon; both sides gave the same municipality (or none) for every point.\n", self.boundary_points, self.boundary_inside).expect("write");
            latency_table(&mut o, &self.boundary, &self.boundary_postgis);
        }
        if !self.http_graphql.is_empty() {
            o.push_str("\n### 3. HTTP path\n\n");
            writeln!(o, "{}. {} sample queries checked first: GraphQL without `errors`, its `data.nearbyCapacity` equal to the plain endpoint's JSON, ids equal to the search's.\n", self.http_settings, self.http_verified).expect("write");
            o.push_str("| Endpoint | Round | Good responses/s | Other responses | Socket errors | p50 | p99 |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (name, runs) in [("`POST /graphql` (`nearbyCapacity`)", &self.http_graphql), ("`POST /nearby` (plain axum JSON)", &self.http_plain)] {
                for (i, r) in runs.iter().enumerate() {
                    writeln!(o, "| {name} | {} | {:.0} | {} | {} | {:.2} ms | {:.2} ms |", i + 1, r.ok_per_sec(), r.bad, r.socket_errors, r.p50_us as f64 / 1e3, r.p99_us as f64 / 1e3).expect("write");
                }
            }
        }
        if !self.memory.is_empty() {
            o.push_str("\n### 4. Memory of the server process\n\n| Process | VmRSS | VmHWM (peak) | Start-up to listening |\n|---|---:|---:|---:|\n");
            for m in &self.memory {
                writeln!(o, "| {} | {} | {} | {} |", m.label, mib(m.rss), mib(m.hwm), m.startup.map_or("—".into(), |d| format!("{:.1} s", d.as_secs_f64()))).expect("write");
            }
        }
        o
    }
}
