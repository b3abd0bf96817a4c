//! Where the search's slowest queries spend their time: every query is timed many times, so that
//! a query that is slow every time (work) can be told from one that was slow once (the machine),
//! and the slowest are listed with how many facilities their walk visited.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sango_availability::{SearchState, nearby};

use crate::queries::BenchQuery;
use crate::stats::{Latencies, fmt_duration};

/// One query's timings and its walk.
struct Profiled {
    index: usize,
    fastest: Duration,
    median: Duration,
    visited: usize,
    hits: usize,
}

/// Facilities the contracted-only walk passes before it stops: the same walk as the search, with
/// the acceptance test counted.
fn visited(state: &SearchState, bq: &BenchQuery) -> usize {
    let (q, r) = (&bq.q, &bq.q.request);
    let Some(tree) = state.contracts.contracted(q.resident, r.service_type) else { return 0 };
    let mut n = 0;
    tree.nearest(q.from, q.radius_km, q.limit, |id| {
        n += 1;
        state.calendars.get(id, r.service_type).is_some_and(|c| c.min_free(r.start, r.days) > 0) && state.contracts.find(q.resident, r.service_type, id, r.start, r.days).is_some()
    });
    n
}

/// Times each query `repeats` times in a row and prints the distribution of the per-query
/// fastest and median times, and the slowest queries with their walks.
pub fn run(state: &SearchState, queries: &[BenchQuery], repeats: usize) -> String {
    let mut rows = Vec::with_capacity(queries.len());
    for (index, bq) in queries.iter().enumerate() {
        let mut times = Vec::with_capacity(repeats);
        let mut hits = 0;
        for _ in 0..repeats {
            let t = Instant::now();
            let found = nearby(black_box(state), &bq.rules, black_box(&bq.q));
            times.push(t.elapsed());
            hits = black_box(found).map(|h| h.len()).unwrap_or(0);
        }
        times.sort_unstable();
        rows.push(Profiled { index, fastest: times[0], median: times[times.len() / 2], visited: visited(state, bq), hits });
    }
    // As the benchmark times it: passes through the whole set, so each query meets cold caches.
    let cycling = crate::search::time_in_process(state, queries, 5);
    let fastest = Latencies::new(rows.iter().map(|r| r.fastest).collect());
    let median = Latencies::new(rows.iter().map(|r| r.median).collect());
    let mut out = format!("{} queries × {repeats} runs each\n\n| per query | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|\n", queries.len());
    for (label, l) in [("cycling through all (5 passes)", &cycling), ("fastest run", &fastest), ("median run", &median)] {
        out.push_str(&format!("| {label} | {} | {} | {} | {} |\n", fmt_duration(l.p50()), fmt_duration(l.percentile(90.0)), fmt_duration(l.p99()), fmt_duration(l.percentile(100.0))));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.median));
    out.push_str("\nSlowest by median run:\n\n| query | median | fastest | visited | hits | days | limit | radius km | contracted tree |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in rows.iter().take(25) {
        let q = &queries[r.index].q;
        let tree = state.contracts.contracted(q.resident, q.request.service_type).map_or(0, |t| t.len());
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.index,
            fmt_duration(r.median),
            fmt_duration(r.fastest),
            r.visited,
            r.hits,
            q.request.days,
            q.limit,
            q.radius_km,
            tree
        ));
    }
    let total_visited: usize = rows.iter().map(|r| r.visited).sum();
    out.push_str(&format!("\nvisited per query: mean {:.1}, max {}\n", total_visited as f64 / rows.len() as f64, rows.iter().map(|r| r.visited).max().unwrap_or(0)));
    out
}
