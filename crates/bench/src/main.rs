//! `sango-bench`: builds a large demo prefecture and measures the capacity search, the boundary
//! index and the HTTP path against PostgreSQL + PostGIS on the same data; prints a Markdown table.

mod boundary;
mod data;
mod http;
mod postgis;
mod profile;
mod queries;
mod report;
mod search;
mod server;
mod state;
mod stats;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use clap::{Parser, Subcommand};
use sango_domain::{FiscalYear, PrefectureCode, Principal};

use crate::report::{MemKind, MemRow, Results, Timed};

#[derive(Parser)]
#[command(name = "sango-bench", about = "Benchmarks of Sango Hub against PostgreSQL + PostGIS on the same data")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build (or reuse) the prefecture, run every measurement and print the Markdown report.
    All(AllArgs),
    /// Seed (or reuse) the benchmark prefecture and report how long it took.
    Seed {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Time each search many times in process and list the slowest queries with their walks (no PostgreSQL).
    Profile {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
        /// Timed runs of each query.
        #[arg(long, default_value_t = 31)]
        repeats: usize,
    },
    /// Serve the hub's router plus the plain `/nearby` endpoint on loopback (used by `all`).
    Serve {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(clap::Args, Clone)]
struct DataArgs {
    /// Two-digit prefecture code.
    #[arg(long, default_value = "13")]
    prefecture: String,
    #[arg(long, default_value_t = 10_000)]
    facilities: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 2025)]
    fiscal_year: i32,
    /// Where the seeded SQLite database and the report are kept.
    #[arg(long, default_value = "target/sango-bench")]
    data_dir: PathBuf,
    /// Delete the database and seed again (seeding is only timed then).
    #[arg(long)]
    fresh: bool,
}

impl DataArgs {
    fn spec(&self) -> anyhow::Result<data::DataSpec> {
        Ok(data::DataSpec {
            prefecture: PrefectureCode::parse(&self.prefecture).map_err(|e| anyhow!("--prefecture: {}", e.message))?,
            facilities: self.facilities,
            seed: self.seed,
            fiscal_year: FiscalYear::new(self.fiscal_year).map_err(|e| anyhow!("--fiscal-year: {}", e.message))?,
        })
    }
}

#[derive(clap::Args, Clone)]
struct AllArgs {
    #[command(flatten)]
    data: DataArgs,
    /// PostgreSQL connection (libpq key=value or URL); default: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
    #[arg(long)]
    pg: Option<String>,
    /// Random searches, answered and checked on both sides, then timed.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Random points for `municipalityAt`.
    #[arg(long, default_value_t = 2_000)]
    points: usize,
    /// Timed passes over the query set in process (the PostGIS side gets `--sql-rounds`).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    #[arg(long, default_value_t = 1)]
    sql_rounds: usize,
    /// Queries on which `Hub::nearby_capacity` must agree with the benchmark's search state.
    #[arg(long, default_value_t = 200)]
    service_check: usize,
    /// Queries sent to both HTTP endpoints and compared before the load test.
    #[arg(long, default_value_t = 200)]
    http_verify: usize,
    #[arg(long, default_value_t = 1)]
    wrk_threads: u32,
    #[arg(long, default_value_t = 32)]
    wrk_connections: u32,
    #[arg(long, default_value_t = 10)]
    wrk_secs: u32,
    #[arg(long, default_value_t = 3)]
    wrk_warmup: u32,
    #[arg(long, default_value_t = 2)]
    wrk_rounds: u32,
    /// Skip rows 3 and 4 (no server process, no wrk).
    #[arg(long)]
    skip_http: bool,
}

// One thread: the PostgreSQL connection is polled on the thread that waits for its answers, so
// that no cross-thread wake-up is added to PostGIS's latencies. The server under load is a
// separate process with the usual multi-threaded runtime.
#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::All(args) => {
            let results = run_all(&args).await?;
            let md = results.markdown();
            let out = args.data.data_dir.join("results.md");
            std::fs::write(&out, &md).with_context(|| format!("writing {}", out.display()))?;
            println!("{md}");
            eprintln!("[done] report also written to {}", out.display());
        }
        Command::Seed { data } => {
            let (_hub, s) = data::prepare(&data.spec()?, &data.data_dir, data.fresh).await?;
            println!("{s:?}");
        }
        Command::Profile { data, queries, repeats } => {
            let spec = data.spec()?;
            let (hub, _) = data::prepare(&spec, &data.data_dir, data.fresh).await?;
            let loaded = state::load(hub.db()).await?;
            let queries = queries::generate(&hub, &loaded.facilities, spec.fiscal_year, queries, spec.seed + 1).await?;
            println!("{}", profile::run(&loaded.state, &queries, repeats));
        }
        Command::Serve { db } => {
            // The server runs on a multi-threaded runtime, as `sango-hub serve` does.
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            std::thread::spawn(move || rt.block_on(server::serve(&db))).join().map_err(|_| anyhow!("server thread panicked"))??;
        }
    }
    Ok(())
}

fn step(name: &str, t: Instant) {
    eprintln!("[{name}] {:.1} s", t.elapsed().as_secs_f64());
}

async fn run_all(a: &AllArgs) -> anyhow::Result<Results> {
    let started = Instant::now();
    let spec = a.data.spec()?;
    let (pref_name, _) = sango_domain::prefectures::prefecture_name(spec.prefecture);
    let mut res = Results {
        machine: data::machine(),
        load_start: data::load_average(),
        prefecture: format!("{pref_name} ({}), {} facilities requested, FY{}, seed {}", spec.prefecture, spec.facilities, spec.fiscal_year.year(), spec.seed),
        ..Default::default()
    };

    // The data, the state the search reads, the queries.
    let (hub, seeding) = data::prepare(&spec, &a.data.data_dir, a.data.fresh).await?;
    res.seeding = Some(seeding.clone());
    let t = Instant::now();
    let loaded = state::load(hub.db()).await?;
    res.state_load = Some(t.elapsed());
    step("state loaded", t);
    res.calendars = loaded.facilities.iter().map(|f| f.draft.services.len()).sum();
    let queries = queries::generate(&hub, &loaded.facilities, spec.fiscal_year, a.queries, spec.seed + 1).await?;
    let t = Instant::now();
    res.service_checked = search::check_against_service(&hub, &loaded.state, &queries[..a.service_check.min(queries.len())]).await?;
    step("service agrees", t);
    let boundaries = sango_store::municipalities::list_with_boundaries(hub.db()).await?;

    // PostGIS: the same data.
    let conn = a.pg.clone().or_else(postgis::conn_from_env).ok_or_else(|| anyhow!("no PostgreSQL: pass --pg or run under pg_virtualenv (see deploy/bench.sh)"))?;
    let client = postgis::connect(&conn).await?;
    let t = Instant::now();
    res.postgis = Some(postgis::load(&client, &loaded.state, &loaded.facilities, spec.fiscal_year, &boundaries).await?);
    step("PostGIS loaded", t);

    // 1. The search: check every query on every SQL shape (this also warms PostgreSQL up), then time.
    let mut stmts = Vec::new();
    for v in postgis::SearchSql::ALL {
        let stmt = v.prepare(&client).await?;
        let t = Instant::now();
        let shape = search::check_against_sql(&client, &stmt, &loaded.state, &queries).await.with_context(|| format!("{} disagrees with the hub", v.label()))?;
        step(&format!("search checked: {}", v.label()), t);
        res.search_shape = Some(shape);
        stmts.push((v, stmt));
    }
    let stats = postgis::stats_available(&client).await;
    let t = Instant::now();
    res.search.push(Timed::new("In process: `sango_availability::nearby`", search::time_in_process(&loaded.state, &queries, a.rounds)));
    res.search.push(Timed::new("In process: `Hub::nearby_capacity` (+ programme cache, facility records from SQLite)", search::time_service(&hub, &queries).await?));
    for (v, stmt) in &stmts {
        if stats {
            postgis::reset_stats(&client).await?;
        }
        let mut timed = Timed::new(format!("{}, prepared, client round trip", v.label()), search::time_sql(&client, stmt, &queries, a.sql_rounds).await?);
        if stats {
            timed.server_mean = postgis::mean_exec(&client, &v.sql()).await?;
        }
        res.search_postgis.push(timed);
    }
    res.round_trip = Some(search::time_round_trip(&client, queries.len()).await?);
    step("search timed", t);
    explain(&client, &a.data.data_dir, &queries).await?;

    // 2. municipalityAt.
    let points = boundary::points(&boundaries, a.points, spec.seed + 2)?;
    res.boundary_points = points.len();
    let mut bstmts = Vec::new();
    for v in postgis::BoundarySql::ALL {
        let stmt = v.prepare(&client).await?;
        res.boundary_inside = boundary::check(&hub, &client, &stmt, &points).await.with_context(|| format!("{} disagrees with the hub", v.label()))?;
        bstmts.push((v, stmt));
    }
    let t = Instant::now();
    res.boundary.push(Timed::new("In process: `Hub::municipality_at` (boundary index)", boundary::time_in_process(&hub, &points, a.rounds)));
    for (v, stmt) in &bstmts {
        if stats {
            postgis::reset_stats(&client).await?;
        }
        let mut timed = Timed::new(format!("{}, prepared, client round trip", v.label()), boundary::time_sql(&client, stmt, &points, a.sql_rounds).await?);
        if stats {
            timed.server_mean = postgis::mean_exec(&client, &v.sql()).await?;
        }
        res.boundary_postgis.push(timed);
    }
    step("boundaries timed", t);
    drop(client);

    // 3 and 4. The server process: memory, then load.
    if !a.skip_http {
        let empty = data::prepare_empty(&a.data.data_dir).await?;
        {
            let s = http::ServerProcess::spawn(&empty)?;
            tokio::time::sleep(Duration::from_secs(1)).await;
            let (rss, hwm) = s.memory()?;
            res.memory.push(MemRow { kind: MemKind::Empty, label: "Hub without facilities (Japan's 1,741 boundaries), after start-up".into(), rss, hwm, startup: Some(s.startup) });
        }
        let token = hub.create_token(Principal::Admin, "bench", None).await.map_err(|e| anyhow!("minting a token: {e}"))?;
        let server = http::ServerProcess::spawn(&seeding.db_path)?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (rss, hwm) = server.memory()?;
        res.memory.push(MemRow { kind: MemKind::Loaded, label: "Hub holding the prefecture, after start-up".into(), rss, hwm, startup: Some(server.startup) });
        let t = Instant::now();
        res.http_verified = http::verify(server.addr, &token, &loaded.state, &queries[..a.http_verify.min(queries.len())]).await?;
        step("HTTP answers verified", t);
        let (gql, plain) = http::write_scripts(&a.data.data_dir, &token, &queries)?;
        let settings = http::WrkSettings { threads: a.wrk_threads, connections: a.wrk_connections, warmup_secs: a.wrk_warmup, secs: a.wrk_secs, rounds: a.wrk_rounds };
        res.http_settings = format!(
            "wrk {}, {} thread(s), {} connections, {} s per run after a {} s warm-up of each endpoint, {} alternating rounds, cycling through the {} queries",
            wrk_version(),
            settings.threads,
            settings.connections,
            settings.secs,
            settings.warmup_secs,
            settings.rounds,
            queries.len()
        );
        let t = Instant::now();
        let (g, p) = http::load_test(server.addr, &gql, &plain, &settings)?;
        step("load test", t);
        res.http_graphql = g;
        res.http_plain = p;
        let (rss, hwm) = server.memory()?;
        res.memory.push(MemRow { kind: MemKind::AfterLoad, label: "Hub holding the prefecture, after the load test".into(), rss, hwm, startup: None });
        if server.trim_heap() {
            let (rss, hwm) = server.memory()?;
            res.memory.push(MemRow { kind: MemKind::Trimmed, label: "Same process after `malloc_trim(0)` (called through gdb): what is live".into(), rss, hwm, startup: None });
        }
    }
    res.wall = started.elapsed();
    res.load_end = data::load_average();
    Ok(res)
}

fn wrk_version() -> String {
    std::process::Command::new("wrk")
        .arg("-v")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr))
        .and_then(|s| s.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// Writes `EXPLAIN (ANALYZE, BUFFERS)` of each search shape for the first query to
/// `explain.txt`, for the notes.
async fn explain(client: &tokio_postgres::Client, dir: &std::path::Path, queries: &[queries::BenchQuery]) -> anyhow::Result<()> {
    let Some(first) = queries.first() else { return Ok(()) };
    let mut out = String::new();
    for v in postgis::SearchSql::ALL {
        out.push_str(&format!("==== {} — first query: {:?}\n", v.label(), first.q));
        out.push_str(&postgis::explain_search(client, v, &first.q).await?);
        out.push('\n');
    }
    std::fs::write(dir.join("explain.txt"), out)?;
    Ok(())
}
