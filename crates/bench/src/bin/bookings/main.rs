//! Bookings per second through GraphQL against the bare conditional UPDATE on the same database:
//! 64 concurrent clients spread over many facilities, and all of them on one hot slot, with the
//! hub committing bookings in groups (as it runs), in rounds that time the hub and the bare loop
//! back to back so that each ratio compares runs made under the same load; once more with the hub
//! writing each booking in its own transaction (as it did before). Checks that nothing is
//! overbooked. It also reports the processor time per request of this process and, on
//! PostgreSQL, of the database's processes: figures that depend little on what else the machine
//! was doing.
//! Run: `cargo run --release -p sango-bench --bin bookings [SPREAD] [HOT] [ROUNDS]`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use sango_domain::program::{AgeLimit, ApplicationRule, FeeBand, ServiceRule, UsageUnit};
use sango_domain::{ApplicationMethod, CaseProfile, ContractTerms, Coordinates, FacilityDraft, FacilityKind, FiscalYear, HouseholdTier, LgCode, Principal, ProgramRules, ServiceCapacity, ServiceType, Yen};
use sango_hub::config::{Mode, ServeConfig};
use sango_hub::rate_limit::RateLimit;
use sango_service::booking::WriterStats;
use sango_service::{Caller, Hub};
use sango_store::calendar::DayCount;
use sango_store::{ConnectionTrait, DbBackend, Statement};
use serde::Serialize;

mod client;
mod cpu;

const CLIENTS: usize = 64;
const FACILITIES: usize = 64;
const T: ServiceType = ServiceType::ShortStay;
/// Each round uses four days from 2025-06-10 and the last runs two more, all inside the window
/// that is open on the benchmark's clock (up to 2025-07-01).
const MAX_ROUNDS: usize = 5;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn rules() -> ProgramRules {
    ProgramRules {
        application: ApplicationRule { method: ApplicationMethod::FirstCome, opens_days_before: 30, closes_days_before: 1, closes_at: NaiveTime::from_hms_opt(10, 0, 0).expect("time"), business_days_only: true, registration_from_pregnancy_week: None },
        services: vec![ServiceRule { service_type: T, unit: UsageUnit::Day, max_infant_age: AgeLimit::Months(12), earliest_day_after_birth: 4, max_units: Some(7), max_consecutive_nights: None, max_hours_per_session: None, extra_infant_fee: Yen(0) }],
        combined_limits: vec![],
        multiples_multiply_limits: false,
        carry_over_unused: false,
        fees: HouseholdTier::ALL.iter().map(|tier| FeeBand { service_type: T, tier: *tier, from_use: 1, to_use: None, fee: Yen(0), coupon_fee: None }).collect(),
        cancellation: None,
    }
}

struct World {
    hub: Hub,
    facilities: Vec<i64>,
    cases: Vec<String>,
}

/// Processor time used so far: PostgreSQL's (when the hub runs on it), and this process's.
#[derive(Clone, Copy)]
struct CpuTime {
    db: Option<Duration>,
    own: Option<Duration>,
}

impl World {
    fn cpu_time(&self) -> CpuTime {
        let on_postgres = sango_store::connect::backend(self.hub.db()) == sango_store::Backend::Postgres;
        CpuTime { db: if on_postgres { cpu::postgres_time() } else { None }, own: cpu::own_time() }
    }

    /// The processor time used since `before`.
    fn cpu_since(&self, before: CpuTime) -> CpuTime {
        let now = self.cpu_time();
        let since = |a: Option<Duration>, b: Option<Duration>| Some(a?.saturating_sub(b?));
        CpuTime { db: since(now.db, before.db), own: since(now.own, before.own) }
    }
}

async fn world(url: &str, cases: usize) -> anyhow::Result<World> {
    // 2025-06-01 09:00 JST: the window is open for 2025-06-02..=2025-07-01 (see MAX_ROUNDS).
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).single().expect("time");
    let hub = Hub::open_with_clock(url, Arc::new(move || now)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let admin = Caller::Principal(Principal::Admin);
    let m = LgCode::parse("312011")?;
    let staff = Caller::Principal(Principal::MunicipalStaff(m));
    hub.set_program(&staff, m, FiscalYear::new(2025)?, rules()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut facilities = Vec::new();
    for i in 0..FACILITIES {
        let at = Coordinates::new(35.45 + (i % 8) as f64 * 0.01, 134.15 + (i / 8) as f64 * 0.01, "location")?;
        let draft = FacilityDraft { name: format!("（架空）ベンチ施設{i}"), kind: FacilityKind::Clinic, address: String::new(), location: at, services: vec![ServiceCapacity::new(T, 1_000, "c")?], synthetic: true };
        let f = hub.create_facility(&admin, draft).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let terms = ContractTerms { municipality: m, facility_id: f.id, service_type: T, unit_price: Yen(36_000), additions: Default::default(), valid_from: date("2025-04-01"), valid_to: None };
        hub.create_contract(&staff, terms).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        facilities.push(f.id);
    }
    let mut refs = Vec::with_capacity(cases);
    for _ in 0..cases {
        let profile = CaseProfile { municipality: m, tier: HouseholdTier::Taxed, infant_birth_date: date("2025-05-01"), multiples: 1, high_need: false, coordination: false, registered_on: date("2025-04-01") };
        refs.push(hub.register_case(&staff, profile).await.map_err(|e| anyhow::anyhow!("{e}"))?.reference);
    }
    Ok(World { hub, facilities, cases: refs })
}

/// The `book` mutation as the clients send it.
#[derive(Serialize)]
struct BookBody<'a> {
    query: &'static str,
    variables: BookVariables<'a>,
}

#[derive(Serialize)]
struct BookVariables<'a> {
    i: BookInput<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BookInput<'a> {
    case: &'a str,
    facility: String,
    service_type: &'static str,
    dates: [NaiveDate; 1],
}

/// Books `jobs` (case, facility, date) over GraphQL with CLIENTS concurrent clients; the request
/// bodies are written before the clock starts.
async fn graphql_run(url: &str, token: &str, jobs: Vec<(String, i64, NaiveDate)>) -> anyhow::Result<client::Outcome> {
    let bodies = jobs
        .iter()
        .map(|(case, facility, day)| {
            let body = BookBody {
                query: "mutation($i: BookInput!) { book(input: $i) { reference } }",
                variables: BookVariables { i: BookInput { case, facility: facility.to_string(), service_type: "SHORT_STAY", dates: [*day] } },
            };
            Ok(bytes::Bytes::from(serde_json::to_vec(&body)?))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    client::run(url, token, bodies, CLIENTS).await
}

/// The same number of bare conditional updates (`UPDATE slot SET taken = taken + 1 WHERE … AND
/// taken < capacity`, each in its own write transaction) with CLIENTS concurrent tasks on the hub's
/// pool. The slot rows are created first, outside the timing. Returns (ok, seconds, processor time).
async fn bare_run(w: &World, slots: Vec<(i64, NaiveDate, u32)>) -> anyhow::Result<(usize, f64, CpuTime)> {
    let hub = &w.hub;
    let mut rows: Vec<DayCount> = slots.iter().map(|(facility_id, date, _)| DayCount { facility_id: *facility_id, service_type: T, date: *date, count: 0 }).collect();
    rows.sort_by_key(|r| (r.facility_id, r.date));
    rows.dedup();
    sango_store::calendar::set_taken(hub.db(), &rows).await?;
    let backend = hub.db().get_database_backend();
    let sql = if backend == DbBackend::Postgres {
        "UPDATE slot SET taken = taken + 1 WHERE taken < $1 AND facility_id = $2 AND service_type = $3 AND date = $4"
    } else {
        "UPDATE slot SET taken = taken + 1 WHERE taken < ?1 AND facility_id = ?2 AND service_type = ?3 AND date = ?4"
    };
    let slots = Arc::new(slots);
    let next = Arc::new(AtomicUsize::new(0));
    let ok = Arc::new(AtomicUsize::new(0));
    let cpu_before = w.cpu_time();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (slots, next, ok, hub) = (slots.clone(), next.clone(), ok.clone(), hub.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((facility, day, capacity)) = slots.get(i) else { return Ok::<_, anyhow::Error>(()) };
                let txn = sango_store::begin_write(hub.db()).await?;
                let stmt = Statement::from_sql_and_values(backend, sql, [(*capacity as i32).into(), (*facility).into(), T.as_str().into(), (*day).into()]);
                let res = txn.execute_raw(stmt).await?;
                txn.commit().await?;
                if res.rows_affected() == 1 {
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let secs = start.elapsed().as_secs_f64();
    Ok((ok.load(Ordering::Relaxed), secs, w.cpu_since(cpu_before)))
}

/// Serves the hub's GraphQL API on a free local port; returns its URL. The per-token rate limit
/// is lifted (one token stands for every client here); the limiter is still consulted.
async fn serve(hub: Hub) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut config = ServeConfig::new(Mode::Production);
    config.rate = RateLimit { burst: u32::MAX, per_minute: u32::MAX };
    let router = sango_hub::app::router_with(hub, config);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}/graphql"))
}

/// The mean size of the groups the booking writer wrote since `before` (empty when the hub
/// writes each booking alone).
fn group_sizes(hub: &Hub, before: Option<WriterStats>) -> String {
    match (before, hub.booking_writer_stats()) {
        (Some(b), Some(a)) if a.groups > b.groups => {
            let (groups, requests) = (a.groups - b.groups, a.requests - b.requests);
            format!(" ({groups} groups, {:.1} requests each)", requests as f64 / groups as f64)
        }
        _ => String::new(),
    }
}

async fn taken(hub: &Hub, facility: i64, day: NaiveDate) -> anyhow::Result<u32> {
    Ok(sango_store::calendar::taken_on(hub.db(), facility, T, &[day]).await?[0].1)
}

/// One timed run and what it left in the database.
struct Run {
    label: String,
    requests: usize,
    ok: usize,
    conflicts: usize,
    /// Taken in the database afterwards, on the run's slots.
    taken: Option<u32>,
    secs: f64,
    /// Processor time during the run.
    cpu: CpuTime,
}

impl Run {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.secs
    }

    /// PostgreSQL's and this process's processor time per request, in microseconds.
    fn cpu_per_request(&self) -> (Option<f64>, Option<f64>) {
        let per = |t: Option<Duration>| t.map(|t| t.as_secs_f64() * 1e6 / self.requests as f64);
        (per(self.cpu.db), per(self.cpu.own))
    }
}

/// One booking per case, round-robin over the facilities, on `day`, through `gql`.
async fn spread_run(w: &World, gql: &str, token: &str, cases: &[String], day: NaiveDate, label: &str) -> anyhow::Result<Run> {
    let jobs: Vec<_> = cases.iter().enumerate().map(|(i, case)| (case.clone(), w.facilities[i % FACILITIES], day)).collect();
    let before = w.hub.booking_writer_stats();
    let cpu_before = w.cpu_time();
    let out = graphql_run(gql, token, jobs).await.context("spread run")?;
    let cpu = w.cpu_since(cpu_before);
    let groups = group_sizes(&w.hub, before);
    let mut taken_sum = 0;
    for f in &w.facilities {
        taken_sum += taken(&w.hub, *f, day).await?;
    }
    Ok(Run { label: format!("GraphQL `book`, {label}, spread over {FACILITIES} facilities{groups}"), requests: cases.len(), ok: out.ok, conflicts: out.conflicts, taken: Some(taken_sum), secs: out.secs, cpu })
}

/// Every client on one facility and `day`, which gets `capacity` slots.
async fn hot_run(w: &World, gql: &str, token: &str, cases: &[String], day: NaiveDate, capacity: u32, label: &str) -> anyhow::Result<Run> {
    let hot = w.facilities[0];
    w.hub.set_capacity(&Caller::Principal(Principal::Admin), hot, T, day, day, i64::from(capacity)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let jobs: Vec<_> = cases.iter().map(|case| (case.clone(), hot, day)).collect();
    let before = w.hub.booking_writer_stats();
    let cpu_before = w.cpu_time();
    let out = graphql_run(gql, token, jobs).await.context("hot run")?;
    let cpu = w.cpu_since(cpu_before);
    let groups = group_sizes(&w.hub, before);
    let taken = taken(&w.hub, hot, day).await?;
    Ok(Run { label: format!("GraphQL `book`, {label}, one hot slot ({capacity} free){groups}"), requests: cases.len(), ok: out.ok, conflicts: out.conflicts, taken: Some(taken), secs: out.secs, cpu })
}

/// Whether a run took more than it may: every success is one slot taken, and a hot slot never
/// holds more than its capacity.
fn overbooked(run: &Run, capacity: Option<u32>) -> bool {
    run.taken.is_some_and(|t| t as usize != run.ok || capacity.is_some_and(|c| t > c))
}

/// Microseconds, or a dash when not measured.
fn micros(t: Option<f64>) -> String {
    t.map_or("—".into(), |us| format!("{us:.0} µs"))
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let spread_n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3_200);
    let hot_n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1_600);
    let rounds: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3);
    if !(1..=MAX_ROUNDS).contains(&rounds) {
        bail!("ROUNDS must be between 1 and {MAX_ROUNDS}");
    }
    let hot_capacity: u32 = 400;
    let dir = std::env::temp_dir().join(format!("sango-bench-bookings-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = std::env::var("SANGO_BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", dir.join("hub.db").display()));
    // Every round with cases of its own, none of which has booked before; one more set for the
    // hub writing each booking in its own transaction.
    let per_round = spread_n + hot_n;
    eprintln!("setting up {} cases on {url}…", (rounds + 1) * per_round);
    let w = world(&url, (rounds + 1) * per_round).await?;
    let token = w.hub.create_token(Principal::MunicipalStaff(LgCode::parse("312011")?), "bench", None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    // The hub as it runs (bookings committed in groups by its writer), and the same hub writing
    // each booking in its own transaction, each behind its own server.
    let grouped = serve(w.hub.clone()).await?;
    let single = serve(w.hub.clone().without_group_commit()).await?;
    let mut days = (0..).map(|i| date("2025-06-10") + chrono::Days::new(i));
    let mut day = || days.next().expect("a day");

    // Rounds of four runs back to back, each run on days of its own: the hub and the bare update
    // spread, then the hub and the bare update on the hot slot. Ratios are taken within a round.
    let mut table: Vec<(Run, f64)> = Vec::new();
    let (mut spread_ratios, mut hot_ratios, mut spread_cpu) = (Vec::new(), Vec::new(), Vec::new());
    let mut found_overbooking = false;
    for round in 0..rounds {
        let cases = &w.cases[round * per_round..(round + 1) * per_round];
        eprintln!("round {}: spread…", round + 1);
        let hub = spread_run(&w, &grouped, &token, &cases[..spread_n], day(), "group commit").await?;
        let bare_day = day();
        let (ok, secs, cpu) = bare_run(&w, (0..spread_n).map(|i| (w.facilities[i % FACILITIES], bare_day, 1_000)).collect()).await?;
        let bare = Run { label: "bare conditional UPDATE, spread".into(), requests: spread_n, ok, conflicts: spread_n - ok, taken: None, secs, cpu };
        found_overbooking |= overbooked(&hub, None);
        spread_ratios.push(hub.rate() / bare.rate());
        let ((hub_db, hub_own), (bare_db, bare_own)) = (hub.cpu_per_request(), bare.cpu_per_request());
        spread_cpu.push([hub_db, bare_db, hub_own, bare_own]);
        eprintln!("round {}: hot slot…", round + 1);
        let hot = hot_run(&w, &grouped, &token, &cases[spread_n..], day(), hot_capacity, "group commit").await?;
        let bare_day = day();
        let (ok, secs, cpu) = bare_run(&w, (0..hot_n).map(|_| (w.facilities[0], bare_day, hot_capacity)).collect()).await?;
        let bare_hot = Run { label: "bare conditional UPDATE, one hot slot".into(), requests: hot_n, ok, conflicts: hot_n - ok, taken: Some(taken(&w.hub, w.facilities[0], bare_day).await?), secs, cpu };
        found_overbooking |= overbooked(&hot, Some(hot_capacity)) || overbooked(&bare_hot, Some(hot_capacity));
        hot_ratios.push(hot.rate() / bare_hot.rate());
        let (spread_bare, hot_bare) = (bare.rate(), bare_hot.rate());
        for (run, against) in [(hub, spread_bare), (bare, spread_bare), (hot, hot_bare), (bare_hot, hot_bare)] {
            table.push((Run { label: format!("{} — round {}", run.label, round + 1), ..run }, against));
        }
    }
    // The hub writing each booking in its own transaction, once, against the last round's bare loops.
    eprintln!("one transaction per booking…");
    let cases = &w.cases[rounds * per_round..];
    let (spread_bare, hot_bare) = (table[table.len() - 4].1, table[table.len() - 1].1);
    let alone = spread_run(&w, &single, &token, &cases[..spread_n], day(), "one transaction per booking").await?;
    let alone_hot = hot_run(&w, &single, &token, &cases[spread_n..], day(), hot_capacity, "one transaction per booking").await?;
    found_overbooking |= overbooked(&alone, None) || overbooked(&alone_hot, Some(hot_capacity));
    table.push((alone, spread_bare));
    table.push((alone_hot, hot_bare));

    let backend = if sango_store::connect::backend(w.hub.db()) == sango_store::Backend::Postgres { "PostgreSQL" } else { "SQLite" };
    println!("| run ({backend}, {CLIENTS} clients) | requests | succeeded | CONFLICT | taken in DB | per second | vs bare UPDATE (same round) | CPU per request: PostgreSQL | this process |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (run, against) in &table {
        let taken = run.taken.map_or("—".into(), |t| t.to_string());
        let (db, own) = run.cpu_per_request();
        println!("| {} | {} | {} | {} | {taken} | {:.0} | {:.2}× | {} | {} |", run.label, run.requests, run.ok, run.conflicts, run.rate(), run.rate() / against, micros(db), micros(own));
    }
    let list = |xs: &[f64]| xs.iter().map(|x| format!("{x:.2}×")).collect::<Vec<_>>().join(", ");
    println!("\ngroup commit against the bare UPDATE, median of {rounds} rounds: spread {:.2}× ({}), hot slot {:.2}× ({})", median(spread_ratios.clone()), list(&spread_ratios), median(hot_ratios.clone()), list(&hot_ratios));
    // Medians of [group commit, bare UPDATE] × [PostgreSQL, this process].
    let column = |i: usize| micros(spread_cpu.iter().map(|c: &[Option<f64>; 4]| c[i]).collect::<Option<Vec<f64>>>().map(median));
    println!(
        "CPU per request spread, median of {rounds} rounds: PostgreSQL {} (group commit) and {} (bare UPDATE); this process {} and {}",
        column(0),
        column(1),
        column(2),
        column(3)
    );
    println!("overbooking: {}", if found_overbooking { "FOUND" } else { "none (taken = successful bookings ≤ capacity on every slot)" });
    let _ = std::fs::remove_dir_all(&dir);
    if found_overbooking {
        bail!("overbooked");
    }
    Ok(())
}
