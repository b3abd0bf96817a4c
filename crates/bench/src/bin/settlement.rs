//! Settlement of one fiscal year of 1,000,000 recorded uses across a prefecture: every statement
//! (facility invoices, municipality payables, the agreements, the 精算書, the prefecture summary)
//! through `Hub::settlement`, which sums the amounts stored when each use was priced, against the
//! same totals computed by one SQL `GROUP BY` in the same database, in the same run, interleaved;
//! the two must agree to the yen before anything counts. The uses are inserted in bulk and then
//! priced all at once (timed); at the end the statements are issued, which prices every used day
//! on its own again (timed), and must equal the stored sums field by field.
//! Run: `cargo run --release -p sango-bench --bin settlement [USES]` (default 1,000,000);
//! `SANGO_BENCH_DATABASE_URL` points it at PostgreSQL instead of a fresh SQLite file.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sango_domain::{FiscalYear, LgCode, PrefectureCode, Principal};
use sango_service::{Caller, Hub};
use sango_store::entity::{booking, booking_day, care_case};
use sango_store::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use sea_orm::{ActiveValue::Set, EntityTrait, FromQueryResult, Statement};

const DAYS_PER_BOOKING: u32 = 5;
const CASES_PER_MUNICIPALITY_CONTRACT: usize = 60;
const ROUNDS: usize = 3;

/// One group of the baseline: facility × resident municipality.
#[derive(Debug, FromQueryResult)]
struct Group {
    facility_id: i64,
    resident: String,
    uses: i64,
    gross: i64,
}

/// The baseline: one `GROUP BY` over the used days, joined with booking, case and the
/// contract valid on the day, summing the gross cost (unit price plus the additions that apply).
fn baseline_sql(fy: FiscalYear) -> String {
    format!(
        "SELECT b.facility_id AS facility_id, c.municipality_code AS resident, \
         COUNT(*) AS uses, \
         CAST(SUM(k.unit_price + k.addition_multiple * (COALESCE(d.infants, 1) - 1) \
           + CASE WHEN d.sibling THEN k.addition_sibling ELSE 0 END \
           + CASE WHEN d.over_four_months THEN k.addition_over_four_months ELSE 0 END \
           + CASE WHEN d.high_need THEN k.addition_high_need ELSE 0 END) AS BIGINT) AS gross \
         FROM booking_day d \
         JOIN booking b ON b.id = d.booking_id \
         JOIN care_case c ON c.id = b.case_id \
         JOIN contract k ON k.current AND k.municipality_code = c.municipality_code AND k.facility_id = b.facility_id \
           AND k.service_type = b.service_type AND k.valid_from <= d.date AND (k.valid_to IS NULL OR k.valid_to >= d.date) \
         WHERE d.outcome = 'USED' AND d.recorded_at IS NOT NULL AND d.recorded_by IS NOT NULL AND b.status <> 'CANCELLED' \
           AND d.date BETWEEN '{}' AND '{}' \
         GROUP BY b.facility_id, c.municipality_code",
        fy.first_day(),
        fy.last_day()
    )
}

type Totals = BTreeMap<(i64, LgCode), (u64, i64)>;

async fn baseline(db: &DatabaseConnection, fy: FiscalYear) -> anyhow::Result<(Totals, Duration)> {
    let started = Instant::now();
    let rows = Group::find_by_statement(Statement::from_string(db.get_database_backend(), baseline_sql(fy))).all(db).await?;
    let took = started.elapsed();
    let mut out = Totals::new();
    for r in rows {
        out.insert((r.facility_id, LgCode::parse(&r.resident)?), (r.uses as u64, r.gross));
    }
    Ok((out, took))
}

async fn hub_path(hub: &Hub, fy: FiscalYear) -> anyhow::Result<(Totals, sango_service::settlement::SettlementReport, Duration)> {
    let started = Instant::now();
    let report = hub.settlement(&Caller::Principal(Principal::Admin), fy, None, None).await.map_err(|e| anyhow!("{e}"))?;
    let took = started.elapsed();
    let mut out = Totals::new();
    for inv in &report.invoices {
        for l in &inv.lines {
            let e = out.entry((inv.facility_id, l.resident)).or_default();
            e.0 += l.totals.uses;
            e.1 += l.totals.gross_cost.0;
        }
    }
    Ok((out, report, took))
}

/// Inserts `uses` recorded days: bookings of `DAYS_PER_BOOKING` consecutive used days by cases
/// of municipalities with a programme, at facilities they have a contract with, across the year.
async fn seed_uses(db: &DatabaseConnection, fy: FiscalYear, uses: usize, seed: u64) -> anyhow::Result<()> {
    let contracts = sango_store::contracts::current(db, None, None, None).await?;
    let mut usable = Vec::new();
    for c in &contracts {
        if sango_store::programs::current(db, c.terms.municipality, fy).await?.is_some() {
            usable.push(c.terms.clone());
        }
    }
    if usable.is_empty() {
        bail!("the demo prefecture has no contract of a municipality with a programme");
    }
    let max_id = |t: &str| format!("SELECT COALESCE(MAX(id), 0) AS id FROM {t}");
    #[derive(FromQueryResult)]
    struct Id {
        id: i64,
    }
    let next_case = Id::find_by_statement(Statement::from_string(db.get_database_backend(), max_id("care_case"))).one(db).await?.map_or(0, |r| r.id) + 1;
    let next_booking = Id::find_by_statement(Statement::from_string(db.get_database_backend(), max_id("booking"))).one(db).await?.map_or(0, |r| r.id) + 1;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let now: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).single().expect("time");
    // Cases per contract's municipality.
    let mut municipalities: Vec<LgCode> = usable.iter().map(|c| c.municipality).collect();
    municipalities.sort();
    municipalities.dedup();
    let mut cases: BTreeMap<LgCode, Vec<i64>> = BTreeMap::new();
    let mut case_rows = Vec::new();
    let tiers = ["TAXED", "TAXED", "TAXED", "NON_TAXED", "WELFARE"];
    let mut id = next_case;
    for m in &municipalities {
        let n = CASES_PER_MUNICIPALITY_CONTRACT * usable.iter().filter(|c| c.municipality == *m).count();
        for _ in 0..n {
            cases.entry(*m).or_default().push(id);
            case_rows.push(care_case::ActiveModel {
                id: Set(id),
                reference: Set(format!("KB{id:014}")),
                municipality_code: Set(m.to_string()),
                tier: Set(tiers[rng.random_range(0..tiers.len())].into()),
                infant_birth_date: Set(fy.first_day()),
                multiples: Set(1),
                high_need: Set(false),
                coordination: Set(false),
                registered_on: Set(fy.first_day()),
                active: Set(true),
                created_at: Set(now),
                created_by: Set("bench".into()),
            });
            id += 1;
        }
    }
    let txn = db.begin().await?;
    for chunk in case_rows.chunks(2_000) {
        care_case::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    let bookings = uses.div_ceil(DAYS_PER_BOOKING as usize);
    let mut made = 0usize;
    let mut b_rows = Vec::with_capacity(2_000);
    let mut d_rows = Vec::with_capacity(2_000 * DAYS_PER_BOOKING as usize);
    for i in 0..bookings {
        let c = &usable[rng.random_range(0..usable.len())];
        let from = c.valid_from.max(fy.first_day());
        let to = c.valid_to.unwrap_or(fy.last_day()).min(fy.last_day());
        let span = (to - from).num_days() - i64::from(DAYS_PER_BOOKING) + 1;
        if span <= 0 {
            continue;
        }
        let first = from + chrono::Days::new(rng.random_range(0..span) as u64);
        let own = &cases[&c.municipality];
        let case_id = own[rng.random_range(0..own.len())];
        let bid = next_booking + i as i64;
        let days = DAYS_PER_BOOKING.min((uses - made) as u32);
        let last = first + chrono::Days::new(u64::from(days) - 1);
        b_rows.push(booking::ActiveModel {
            id: Set(bid),
            reference: Set(format!("SB{bid:014}")),
            case_id: Set(case_id),
            facility_id: Set(c.facility_id),
            service_type: Set(c.service_type.as_str().into()),
            first_date: Set(first),
            last_date: Set(last),
            units: Set(days as i32),
            status: Set("BOOKED".into()),
            source: Set("MUNICIPAL".into()),
            idempotency_key: Set(None),
            fingerprint: Set(String::new()),
            created_at: Set(now),
            created_by: Set("bench".into()),
            cancelled_at: Set(None),
            cancelled_by: Set(None),
            cancel_reason: Set(None),
            cancellation_fee: Set(None),
        });
        for k in 0..days {
            let date = first + chrono::Days::new(u64::from(k));
            d_rows.push(booking_day::ActiveModel {
                booking_id: Set(bid),
                date: Set(date),
                outcome: Set(Some("USED".into())),
                infants: Set(Some(if rng.random_ratio(1, 50) { 2 } else { 1 })),
                sibling: Set(rng.random_ratio(1, 10)),
                over_four_months: Set(rng.random_ratio(1, 8)),
                high_need: Set(rng.random_ratio(1, 20)),
                recorded_at: Set(Some(now)),
                recorded_by: Set(Some("bench".into())),
            });
        }
        made += days as usize;
        // 1,000 bookings of 18 columns stay under SQLite's 32,766 bound variables per statement.
        if b_rows.len() == 1_000 {
            booking::Entity::insert_many(std::mem::take(&mut b_rows)).exec(&txn).await?;
            for chunk in d_rows.chunks(2_000) {
                booking_day::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
            }
            d_rows.clear();
        }
        if made >= uses {
            break;
        }
    }
    if !b_rows.is_empty() {
        booking::Entity::insert_many(b_rows).exec(&txn).await?;
        for chunk in d_rows.chunks(2_000) {
            booking_day::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
        }
    }
    txn.commit().await?;
    if made < uses {
        bail!("only {made} of {uses} uses fit the contracts' validity");
    }
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let uses: usize = std::env::args().nth(1).map(|s| s.parse()).transpose().context("USES must be a number")?.unwrap_or(1_000_000);
    let prefecture = PrefectureCode::new(40).map_err(|e| anyhow!("{}", e.message))?; // 福岡県: 60 municipalities.
    let fy = FiscalYear::new(2025).map_err(|e| anyhow!("{}", e.message))?;
    let (url, file) = match std::env::var("SANGO_BENCH_DATABASE_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let dir = std::path::PathBuf::from("target/sango-bench");
            std::fs::create_dir_all(&dir)?;
            let file = dir.join(format!("settle-{uses}.sqlite"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            (format!("sqlite://{}?mode=rwc", file.display()), Some(file))
        }
    };
    let started = Instant::now();
    let hub = Hub::open(&url).await.map_err(|e| anyhow!("{e}"))?;
    let demo = hub.seed_demo(prefecture, 42, Some(400), &[fy]).await.map_err(|e| anyhow!("{e}"))?;
    let db = sango_store::connect(&url).await?;
    seed_uses(&db, fy, uses.saturating_sub(demo.uses), 7).await?;
    // Inserted behind the hub's back: every case is to be priced.
    sango_store::pricing::mark(&db, &sango_store::pricing::Touched::All).await?;
    let seeding = started.elapsed();
    let t = Instant::now();
    let priced = hub.price_recorded_use().await.map_err(|e| anyhow!("{e}"))?;
    let pricing = t.elapsed();
    if let Some((case, e)) = priced.failures.first() {
        bail!("{} cases could not be priced, e.g. case {case}: {e}", priced.failures.len());
    }
    db.execute_unprepared(if db.get_database_backend() == sea_orm::DbBackend::Sqlite { "ANALYZE" } else { "VACUUM ANALYZE" }).await?;
    let backend = format!("{:?}", db.get_database_backend());

    let mut hub_times = Vec::new();
    let mut sql_times = Vec::new();
    let mut checked = None;
    for round in 0..=ROUNDS {
        let (sql, sql_took) = baseline(&db, fy).await?;
        let (mine, report, hub_took) = hub_path(&hub, fy).await?;
        if mine != sql {
            let diff: Vec<_> = sql.iter().filter(|(k, v)| mine.get(k) != Some(v)).take(5).collect();
            bail!("the statements and the SQL disagree on {} groups, e.g. {diff:?}", sql.iter().filter(|(k, v)| mine.get(k) != Some(v)).count() + mine.keys().filter(|k| !sql.contains_key(k)).count());
        }
        // Round 0 warms both sides' caches and is not counted.
        if round > 0 {
            hub_times.push(hub_took);
            sql_times.push(sql_took);
        }
        checked = Some((sql, report));
    }
    let (sql, report) = checked.expect("ran");
    // Issuing prices every used day on its own: the same statements, field by field.
    let t = Instant::now();
    let issued = hub.issue_statement(&Caller::Principal(Principal::Admin), fy, None, None).await.map_err(|e| anyhow!("{e}"))?;
    let issuing = t.elapsed();
    if (sango_service::settlement::SettlementReport { issued: None, ..issued }) != report {
        bail!("the statements from stored amounts differ from those priced use by use");
    }
    let (hub_t, sql_t) = (median(hub_times.clone()), median(sql_times.clone()));
    let gross: i64 = sql.values().map(|v| v.1).sum();
    let counted: u64 = sql.values().map(|v| v.0).sum();
    let grants: i64 = report.grants.iter().map(|g| g.total_cost.0).sum();
    let yen_difference = grants - gross;
    println!("## Settlement of one fiscal year: {counted} recorded uses, {backend}\n");
    println!("Prefecture {prefecture}, {} municipalities with statements, {} facility × resident groups, {} facility invoices; FY{}; seeding {:.1} s.\n", report.grants.len(), sql.len(), report.invoices.len(), fy.year(), seeding.as_secs_f64());
    println!("| Path | median of {ROUNDS} | runs |\n|---|---:|---|");
    println!("| `Hub::settlement` (all statements, all municipalities) | {:.3} s | {} |", hub_t.as_secs_f64(), hub_times.iter().map(|d| format!("{:.3}", d.as_secs_f64())).collect::<Vec<_>>().join(" / "));
    println!("| One SQL `GROUP BY` (uses and gross cost per facility × resident) | {:.3} s | {} |", sql_t.as_secs_f64(), sql_times.iter().map(|d| format!("{:.3}", d.as_secs_f64())).collect::<Vec<_>>().join(" / "));
    println!("| Once, before the rounds: pricing every used day and storing its amounts (`Hub::price_recorded_use`, {} cases) | {:.3} s | 1 |", priced.cases, pricing.as_secs_f64());
    println!("| Once, after the rounds: issuing, which reads and prices every used day on its own (`Hub::issue_statement`) | {:.3} s | 1 |", issuing.as_secs_f64());
    println!("\nRatio hub / SQL: {:.2}× (target ≤ 1.2×). Uses: {} by both; gross cost {gross} yen by both; yen difference per group: 0 ({} groups compared); (A) 総事業費 over all 精算書: {grants} yen, difference from the SQL total: {}; the issued statements, priced use by use, equal the stored sums field by field.", hub_t.as_secs_f64() / sql_t.as_secs_f64(), counted, sql.len(), yen_difference);
    if let Some(file) = file {
        println!("\nSQLite file: {} ({} MiB).", file.display(), std::fs::metadata(&file).map(|m| m.len() >> 20).unwrap_or(0));
    }
    Ok(())
}
