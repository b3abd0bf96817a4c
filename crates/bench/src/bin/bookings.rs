//! Bookings per second through GraphQL against the bare conditional UPDATE on the same database:
//! 64 concurrent clients spread over many facilities, and all of them on one hot slot, with the
//! hub committing bookings in groups (as it runs) and writing each in its own transaction (as it
//! did before). Checks that nothing is overbooked. Run: `cargo run --release -p sango-bench --bin bookings`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

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
use serde::{Deserialize, Serialize};

const CLIENTS: usize = 64;
const FACILITIES: usize = 64;
const T: ServiceType = ServiceType::ShortStay;

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

async fn world(url: &str, cases: usize) -> anyhow::Result<World> {
    // 2025-06-01 09:00 JST, inside the window for 2025-06-10..=2025-06-20.
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

/// What the clients read of an answer: the booking's reference, or the errors' codes.
#[derive(Deserialize)]
struct Answer {
    data: Option<AnswerData>,
    errors: Option<Vec<AnswerError>>,
}

#[derive(Deserialize)]
struct AnswerData {
    book: Option<Booked>,
}

#[derive(Deserialize)]
struct Booked {
    reference: String,
}

#[derive(Deserialize)]
struct AnswerError {
    extensions: ErrorExtensions,
}

#[derive(Deserialize)]
struct ErrorExtensions {
    code: String,
}

/// Books `jobs` (case, facility, date) over GraphQL with CLIENTS concurrent clients; returns (ok, conflicts, seconds).
async fn graphql_run(url: &str, token: &str, jobs: Vec<(String, i64, NaiveDate)>) -> anyhow::Result<(usize, usize, f64)> {
    let jobs = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    let (ok, conflict) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let client = reqwest::Client::new();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (jobs, next, ok, conflict, client, url, token) = (jobs.clone(), next.clone(), ok.clone(), conflict.clone(), client.clone(), url.to_owned(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((case, facility, day)) = jobs.get(i) else { return Ok::<_, anyhow::Error>(()) };
                let body = BookBody {
                    query: "mutation($i: BookInput!) { book(input: $i) { reference } }",
                    variables: BookVariables { i: BookInput { case, facility: facility.to_string(), service_type: "SHORT_STAY", dates: [*day] } },
                };
                let text = client.post(&url).bearer_auth(&token).json(&body).send().await?.text().await?;
                let answer: Answer = serde_json::from_str(&text).with_context(|| format!("unexpected answer: {text}"))?;
                match (answer.data.and_then(|d| d.book), answer.errors.as_deref()) {
                    (Some(b), None) if !b.reference.is_empty() => ok.fetch_add(1, Ordering::Relaxed),
                    (None, Some([e])) if e.extensions.code == "CONFLICT" => conflict.fetch_add(1, Ordering::Relaxed),
                    _ => bail!("unexpected answer: {text}"),
                };
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok((ok.load(Ordering::Relaxed), conflict.load(Ordering::Relaxed), start.elapsed().as_secs_f64()))
}

/// The same number of bare conditional updates (`UPDATE slot SET taken = taken + 1 WHERE … AND
/// taken < capacity`, each in its own write transaction) with CLIENTS concurrent tasks on the hub's
/// pool. The slot rows are created first, outside the timing.
async fn bare_run(hub: &Hub, slots: Vec<(i64, NaiveDate, u32)>) -> anyhow::Result<(usize, f64)> {
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
    Ok((ok.load(Ordering::Relaxed), start.elapsed().as_secs_f64()))
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

/// The mean size of the groups the booking writer wrote since `before`, for the group-commit
/// variant (the first); empty for the other.
fn group_sizes(hub: &Hub, before: Option<WriterStats>, variant: usize) -> String {
    match (before, hub.booking_writer_stats()) {
        (Some(b), Some(a)) if variant == 0 && a.groups > b.groups => {
            let (groups, requests) = (a.groups - b.groups, a.requests - b.requests);
            format!(" ({groups} groups, {:.1} requests each)", requests as f64 / groups as f64)
        }
        _ => String::new(),
    }
}

async fn taken(hub: &Hub, facility: i64, day: NaiveDate) -> anyhow::Result<u32> {
    Ok(sango_store::calendar::taken_on(hub.db(), facility, T, &[day]).await?[0].1)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let spread_n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3_200);
    let hot_n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1_600);
    let hot_capacity: u32 = 400;
    let dir = std::env::temp_dir().join(format!("sango-bench-bookings-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = std::env::var("SANGO_BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", dir.join("hub.db").display()));
    eprintln!("setting up {} cases on {url}…", spread_n + hot_n);
    let w = world(&url, 2 * (spread_n + hot_n)).await?;
    let hot = w.facilities[0];
    let token = w.hub.create_token(Principal::MunicipalStaff(LgCode::parse("312011")?), "bench", None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    // The hub as it runs (bookings committed in groups by its writer), and the same hub writing
    // each booking in its own transaction, each behind its own server.
    let grouped = serve(w.hub.clone()).await?;
    let single = serve(w.hub.clone().without_group_commit()).await?;

    let mut rows = Vec::new();
    let mut overbooked = false;
    let mut days = (10..).map(|n| date(&format!("2025-06-{n}")));
    for (variant, (label, gql)) in [("group commit", &grouped), ("one transaction per booking", &single)].into_iter().enumerate() {
        // Each variant with cases of its own, none of which has booked before.
        let cases = &w.cases[variant * (spread_n + hot_n)..];
        // Spread: one booking per case, round-robin over the facilities, on one day.
        let day = days.next().expect("a day");
        let jobs: Vec<_> = (0..spread_n).map(|i| (cases[i].clone(), w.facilities[i % FACILITIES], day)).collect();
        let groups_before = w.hub.booking_writer_stats();
        eprintln!("{label}: spread run…");
        let (ok, conflicts, secs) = graphql_run(gql, &token, jobs).await.context("spread run")?;
        let spread_groups = group_sizes(&w.hub, groups_before, variant);
        let mut booked = 0;
        for f in &w.facilities {
            booked += taken(&w.hub, *f, day).await?;
        }
        overbooked |= booked as usize != ok;
        rows.push((format!("GraphQL `book`, {label}, spread over {FACILITIES} facilities{spread_groups}"), spread_n, ok, conflicts, Some(booked), secs, false));
        // Hot: every client on one facility and day with `hot_capacity` slots.
        let hot_day = days.next().expect("a day");
        w.hub.set_capacity(&Caller::Principal(Principal::Admin), hot, T, hot_day, hot_day, i64::from(hot_capacity)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let jobs: Vec<_> = (0..hot_n).map(|i| (cases[spread_n + i].clone(), hot, hot_day)).collect();
        let groups_before = w.hub.booking_writer_stats();
        eprintln!("{label}: hot run…");
        let (ok, conflicts, secs) = graphql_run(gql, &token, jobs).await.context("hot run")?;
        let hot_groups = group_sizes(&w.hub, groups_before, variant);
        let hot_taken = taken(&w.hub, hot, hot_day).await?;
        overbooked |= hot_taken > hot_capacity || ok as u32 != hot_taken;
        rows.push((format!("GraphQL `book`, {label}, one hot slot ({hot_capacity} free){hot_groups}"), hot_n, ok, conflicts, Some(hot_taken), secs, true));
    }

    // Baselines on the same database: the bare conditional update, spread and hot.
    let bare_day = days.next().expect("a day");
    let (bare_ok, bare_secs) = bare_run(&w.hub, (0..spread_n).map(|i| (w.facilities[i % FACILITIES], bare_day, 1_000)).collect()).await?;
    let bare_hot_day = days.next().expect("a day");
    let (bare_hot_ok, bare_hot_secs) = bare_run(&w.hub, (0..hot_n).map(|_| (hot, bare_hot_day, hot_capacity)).collect()).await?;
    let bare_hot_taken = taken(&w.hub, hot, bare_hot_day).await?;
    overbooked |= bare_hot_taken > hot_capacity;

    let backend = if sango_store::connect::backend(w.hub.db()) == sango_store::Backend::Postgres { "PostgreSQL" } else { "SQLite" };
    println!("| run ({backend}, {CLIENTS} clients) | requests | succeeded | CONFLICT | taken in DB | per second | vs bare UPDATE |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (label, n, ok, conflicts, booked, secs, is_hot) in rows {
        let bare = if is_hot { hot_n as f64 / bare_hot_secs } else { spread_n as f64 / bare_secs };
        let rate = n as f64 / secs;
        println!("| {label} | {n} | {ok} | {conflicts} | {} | {rate:.0} | {:.2}× |", booked.map_or("—".into(), |b| b.to_string()), rate / bare);
    }
    println!("| bare conditional UPDATE, spread | {spread_n} | {bare_ok} | {} | — | {:.0} | 1.00× |", spread_n - bare_ok, spread_n as f64 / bare_secs);
    println!("| bare conditional UPDATE, one hot slot | {hot_n} | {bare_hot_ok} | {} | {bare_hot_taken} | {:.0} | 1.00× |", hot_n - bare_hot_ok, hot_n as f64 / bare_hot_secs);
    println!("\noverbooking: {}", if overbooked { "FOUND" } else { "none (taken = successful bookings ≤ capacity on every slot)" });
    let _ = std::fs::remove_dir_all(&dir);
    if overbooked {
        bail!("overbooked");
    }
    Ok(())
}
