//! The benchmark prefecture: a SQLite hub seeded once with the demo generator (timed), reused by
//! later runs with the same parameters, and the search state read back from it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use sango_domain::{FiscalYear, PrefectureCode};
use sango_service::Hub;

/// What to build.
#[derive(Clone, Debug)]
pub struct DataSpec {
    pub prefecture: PrefectureCode,
    pub facilities: usize,
    pub seed: u64,
    pub fiscal_year: FiscalYear,
}

impl DataSpec {
    /// The database file for these parameters inside `dir`.
    pub fn db_path(&self, dir: &Path) -> PathBuf {
        dir.join(format!("hub-p{}-f{}-s{}-fy{}.sqlite", self.prefecture, self.facilities, self.seed, self.fiscal_year.year()))
    }
}

/// How the data came to be.
#[derive(Clone, Debug)]
pub struct Seeding {
    pub db_path: PathBuf,
    /// `Hub::open` on the file (migrations, Japan's municipalities on first open, indexes).
    pub open: Duration,
    /// `Hub::seed_demo`; None when an earlier run had seeded the file.
    pub seed: Option<Duration>,
    pub facilities: usize,
    pub contracts: usize,
    pub db_bytes: u64,
    /// This process's peak resident size (VmHWM) right after seeding, when it seeded.
    pub seed_peak_rss: Option<u64>,
}

/// This process's VmHWM in bytes.
pub fn own_peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The SQLite URL of a file, created when missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Opens the hub on the file for `spec`, seeding it when it holds no facilities yet (or when
/// `fresh`, after deleting it).
pub async fn prepare(spec: &DataSpec, dir: &Path, fresh: bool) -> anyhow::Result<(Hub, Seeding)> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = spec.db_path(dir);
    if fresh {
        for suffix in ["", "-wal", "-shm"] {
            let p = PathBuf::from(format!("{}{suffix}", path.display()));
            if p.exists() {
                std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
            }
        }
    }
    let t = Instant::now();
    let hub = Hub::open(&sqlite_url(&path)).await.map_err(|e| anyhow!("opening {}: {e}", path.display()))?;
    let open = t.elapsed();
    eprintln!("[data] opened {} in {:.1} s", path.display(), open.as_secs_f64());
    let t = Instant::now();
    let summary = hub.seed_demo(spec.prefecture, spec.seed, Some(spec.facilities), &[spec.fiscal_year]).await.map_err(|e| anyhow!("seeding: {e}"))?;
    let seed = summary.seeded.then(|| t.elapsed());
    let seed_peak_rss = if summary.seeded { own_peak_rss() } else { None };
    match seed {
        Some(d) => eprintln!("[data] seeded {} facilities, {} contracts in {:.1} s", summary.facilities, summary.contracts, d.as_secs_f64()),
        None => eprintln!("[data] reusing {} facilities seeded by an earlier run", summary.facilities),
    }
    let contracts = sango_store::contracts::current(hub.db(), None, None, None).await?.len();
    let db_bytes = ["", "-wal"].iter().filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok()).map(|m| m.len()).sum();
    Ok((hub, Seeding { db_path: path, open, seed, facilities: summary.facilities, contracts, db_bytes, seed_peak_rss }))
}

/// A hub with Japan's municipalities and no facilities, for the memory baseline.
pub async fn prepare_empty(dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("hub-empty.sqlite");
    Hub::open(&sqlite_url(&path)).await.map_err(|e| anyhow!("opening {}: {e}", path.display()))?;
    Ok(path)
}

/// The machine, for the report: CPU model and count, memory.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split_once(':')).map_or("unknown CPU".to_owned(), |(_, m)| m.trim().to_owned());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo.lines().find(|l| l.starts_with("MemTotal:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0);
    format!("{cpus} × {model}, {:.0} GiB, shared", mem_kb as f64 / (1024.0 * 1024.0))
}

/// The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(|_| "?".into(), |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}
