//! Test harness: a fresh hub per test, on SQLite (a temporary file) or, when
//! `SANGO_TEST_POSTGRES_URL` is set, on a new database in that PostgreSQL cluster.

#![allow(dead_code)]

pub mod booking;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use sango_domain::{FiscalYear, PrefectureCode, Principal};
use sango_service::{Caller, Hub};
use sango_store::ConnectionTrait;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// 2025-06-01 09:00 JST: inside FY2025.
pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap()
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("sango_test_{}_{n}_{nanos}", std::process::id())
}

/// A database URL for one test.
pub async fn fresh_database_url() -> String {
    match std::env::var("SANGO_TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = unique_name();
            let db = sea_orm::Database::connect(&admin).await.expect("SANGO_TEST_POSTGRES_URL is set but PostgreSQL cannot be reached");
            db.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            db.close().await.unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
            let query = admin.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
            format!("{base}/{name}{query}")
        }
        _ => {
            let dir = std::env::temp_dir().join(unique_name());
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}?mode=rwc", dir.join("hub.db").display())
        }
    }
}

/// Which backend this run tests.
pub fn backend() -> &'static str {
    if std::env::var("SANGO_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) { "postgres" } else { "sqlite" }
}

/// A hub over a fresh database with every municipality of Japan, at a fixed time.
pub async fn hub() -> Hub {
    Hub::open_with_clock(&fresh_database_url().await, Arc::new(fixed_now)).await.expect("hub opens")
}

/// A hub with the Tottori demo seeded (seed 7).
pub async fn demo_hub() -> Hub {
    let hub = hub().await;
    let years = [FiscalYear::new(2025).unwrap(), FiscalYear::new(2026).unwrap()];
    hub.seed_demo(tottori(), 7, None, &years).await.expect("demo seeds");
    hub
}

pub fn tottori() -> PrefectureCode {
    PrefectureCode::new(31).unwrap()
}

pub fn admin() -> Caller {
    Caller::Principal(Principal::Admin)
}

pub fn staff(code: &str) -> Caller {
    Caller::Principal(Principal::MunicipalStaff(sango_domain::LgCode::parse(code).unwrap()))
}

pub fn code(s: &str) -> sango_domain::LgCode {
    sango_domain::LgCode::parse(s).unwrap()
}

/// A clock tests can move.
#[derive(Clone)]
pub struct TestClock(Arc<std::sync::atomic::AtomicI64>);

impl TestClock {
    /// Sets the time to a JST wall-clock time `YYYY-MM-DD HH:MM:SS`.
    pub fn set_jst(&self, jst: &str) {
        let local = chrono::NaiveDateTime::parse_from_str(jst, "%Y-%m-%d %H:%M:%S").unwrap();
        self.0.store((local - chrono::Duration::hours(9)).and_utc().timestamp(), Ordering::SeqCst);
    }

    pub fn advance(&self, d: chrono::Duration) {
        self.0.fetch_add(d.num_seconds(), Ordering::SeqCst);
    }
}

/// A hub over a fresh database whose clock starts at a JST time and can be moved.
pub async fn hub_with_clock(jst: &str) -> (Hub, TestClock) {
    let clock = TestClock(Arc::new(std::sync::atomic::AtomicI64::new(0)));
    clock.set_jst(jst);
    let c = clock.clone();
    let hub = Hub::open_with_clock(&fresh_database_url().await, Arc::new(move || Utc.timestamp_opt(c.0.load(Ordering::SeqCst), 0).unwrap())).await.expect("hub opens");
    (hub, clock)
}
