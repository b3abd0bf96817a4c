//! What each command does. Errors come back as readable messages; `main` prints them and exits non-zero.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use sango_domain::{FiscalYear, Operations, PrefectureCode, Principal};
use sango_service::{Caller, Hub};

use crate::cli::Database;
use crate::config::{Mode, ServeConfig};

/// The fiscal years the demo writes programmes for.
const DEMO_FISCAL_YEARS: [i32; 2] = [2025, 2026];

async fn open(db: &Database) -> anyhow::Result<Hub> {
    Hub::open(&db.url()?).await.map_err(|e| anyhow!("{e}"))
}

/// `sango-hub serve`.
pub async fn serve(hub: Hub, listen: SocketAddr, config: ServeConfig) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(%listen, mode = ?config.mode, "serving");
    tokio::spawn(expire_offers(hub.clone()));
    let app = crate::app::router_with(hub, config).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

/// Lets unanswered waitlist offers lapse and pass on, once a minute.
async fn expire_offers(hub: Hub) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(e) = hub.expire_offers().await {
            tracing::warn!(error = %e, "expiring waitlist offers failed; will retry");
        }
    }
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
}

/// `sango-hub serve --database-url …`. Production checks the database before and after opening
/// it, then the signing key.
pub async fn serve_database(db: &Database, listen: SocketAddr, serving: &crate::cli::Serving, mode: Mode) -> anyhow::Result<()> {
    let config = serving.config(mode);
    let url = db.url()?;
    if let (true, Some(u)) = (config.production(), &db.database_url) {
        crate::config::check_database_url(u)?;
    }
    let hub = Hub::open(&url).await.map_err(|e| anyhow!("{e}"))?;
    if config.production() {
        if db.database_url.is_none() {
            for suffix in ["", "-wal", "-shm"] {
                crate::config::check_private(&db.data_dir.join(format!("sango-hub.db{suffix}")))?;
            }
        }
        let found = hub.demo_traces().await.map_err(|e| anyhow!("{e}"))?;
        if !found.is_empty() {
            bail!("production refuses this database: it holds {}; serve real data, or run with --mode development", found.join(" and "));
        }
    }
    let hub = serving.keys.apply(hub, mode)?;
    serve(hub, listen, config).await
}

/// `sango-hub migrate`.
pub async fn migrate(db: &Database) -> anyhow::Result<()> {
    let hub = open(db).await?;
    let n = hub.municipalities(&Caller::Principal(Principal::Admin), None).await.map_err(|e| anyhow!("{e}"))?.len();
    println!("database is up to date; {n} municipalities registered (boundaries: 出典：気象庁)");
    Ok(())
}

/// `sango-hub demo`: seed once, mint a token per role, print where to click, serve.
pub async fn demo(data_dir: &Path, listen: SocketAddr, prefecture: &str, facilities: Option<usize>, seed: u64, serving: &crate::cli::Serving) -> anyhow::Result<()> {
    let db = Database { database_url: None, data_dir: data_dir.to_path_buf() };
    let hub = serving.keys.apply(open(&db).await?, Mode::Development)?;
    let prefecture = PrefectureCode::parse(prefecture).map_err(|e| anyhow!("--prefecture: {}", e.message))?;
    let years: Vec<FiscalYear> = DEMO_FISCAL_YEARS.iter().map(|y| FiscalYear::new(*y).expect("valid")).collect();
    let s = hub.seed_demo(prefecture, seed, facilities, &years).await.map_err(|e| anyhow!("{e}"))?;
    let (name, _) = sango_domain::prefectures::prefecture_name(prefecture);
    if s.seeded {
        println!(
            "Seeded the demo prefecture {name}: {} municipalities, {} synthetic facilities, {} programmes, {} contracts, {} cases with a recorded year of use.",
            s.municipalities, s.facilities, s.programs, s.contracts, s.uses
        );
    } else {
        println!("Reusing the demo prefecture {name} in {}: {} facilities.", data_dir.display(), s.facilities);
    }
    let admin = Caller::Principal(Principal::Admin);
    let ms = hub.municipalities(&admin, Some(prefecture)).await.map_err(|e| anyhow!("{e}"))?;
    let first_facility = hub.facilities(&sango_service::FacilityFilter { prefecture: Some(prefecture), ..Default::default() }, None, 1).await.map_err(|e| anyhow!("{e}"))?;
    let mut principals = vec![Principal::Admin, Principal::PrefectureCoordinator(prefecture), Principal::PrefectureFinance(prefecture)];
    principals.extend(ms.iter().take(2).map(|m| Principal::MunicipalStaff(m.code)));
    principals.extend(first_facility.first().map(|f| Principal::FacilityStaff(f.id)));
    println!("\nTokens for this demo (valid 30 days):");
    let mut coordinator_token = String::new();
    for p in principals {
        let token = hub.create_token(p, "demo", Some(chrono::Duration::days(30))).await.map_err(|e| anyhow!("{e}"))?;
        println!("  {:<36} {token}", p.to_string());
        if matches!(p, Principal::PrefectureCoordinator(_)) {
            coordinator_token = token;
        }
    }
    println!("\nOpen GraphiQL (signed in as the prefecture coordinator):\n  http://{listen}/graphiql?token={coordinator_token}");
    println!("Or without a token (public facility data only):\n  http://{listen}/graphiql");
    println!("GraphQL endpoint: http://{listen}/graphql   Stop with Ctrl-C.");
    println!("Municipal boundaries: 出典：気象庁. Demo facilities are synthetic and marked （架空）.");
    serve(hub, listen, serving.config(Mode::Development)).await
}

/// `sango-hub import KIND FILE`, as an admin: all or nothing, with every problem listed.
pub async fn import(db: &Database, kind: &str, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let hub = open(db).await?;
    let admin = Caller::Principal(Principal::Admin);
    if kind == "boundaries" {
        let text = String::from_utf8(bytes).map_err(|_| anyhow!("{} is not UTF-8 GeoJSON", file.display()))?;
        let r = hub.import_boundaries(&admin, &text).await.map_err(|e| anyhow!("{e}"))?;
        println!("imported boundaries of {} municipalities; {} facilities changed municipality", r.municipalities, r.facilities_moved);
        return Ok(());
    }
    let Ok(k) = sango_import::ImportKind::parse(kind) else {
        bail!("unknown import kind '{kind}': use facilities, contracts, programs or boundaries");
    };
    let s = hub.import(&admin, k, &bytes).await.map_err(|e| anyhow!("{}: {e}", file.display()))?;
    println!("imported {}: {} created, {} updated", file.display(), s.created, s.updated);
    Ok(())
}

/// `sango-hub token create`: prints the token alone on standard output.
pub async fn token_create(db: &Database, role: &str, scope: &str, label: &str, expires_in: &str, operations: &str) -> anyhow::Result<()> {
    let principal = Principal::from_role_and_scope(role, scope).map_err(|e| anyhow!("--{}: {}", e.field, e.message))?;
    let lifetime = sango_domain::account::parse_lifetime(expires_in).map_err(|e| anyhow!("--expires-in: {}", e.message))?;
    let operations = Operations::parse(operations).map_err(|e| anyhow!("--operations: {}", e.message))?;
    let hub = open(db).await?;
    let token = hub.create_scoped_token(principal, operations, label, Some(lifetime)).await.map_err(|e| anyhow!("{e}"))?;
    println!("{token}");
    Ok(())
}

/// `sango-hub token list`.
pub async fn token_list(db: &Database) -> anyhow::Result<()> {
    let hub = open(db).await?;
    let now = hub.now();
    let tokens = hub.machine_tokens(&admin()).await.map_err(|e| anyhow!("{e}"))?;
    println!("{:>6}  {:<32} {:<11} {:<16} {:<17} {:<17} state", "id", "principal", "operations", "label", "created (UTC)", "expires (UTC)");
    for t in tokens {
        let state = if t.revoked { "revoked" } else if t.expires_at.is_some_and(|at| at <= now) { "expired" } else { "live" };
        let expires = t.expires_at.map_or_else(|| "never".to_owned(), |at| at.format("%Y-%m-%d %H:%M").to_string());
        println!("{:>6}  {:<32} {:<11} {:<16} {:<17} {:<17} {state}", t.id, t.principal.to_string(), t.operations.as_str(), t.label, t.created_at.format("%Y-%m-%d %H:%M").to_string(), expires);
    }
    Ok(())
}

/// `sango-hub token revoke ID`.
pub async fn token_revoke(db: &Database, id: i64) -> anyhow::Result<()> {
    let hub = open(db).await?;
    hub.revoke_token(&admin(), id).await.map_err(|e| anyhow!("{e}"))?;
    println!("revoked token {id}; servers on this database stop accepting it within {} s", sango_service::auth::CACHE_TTL.as_secs());
    Ok(())
}

fn admin() -> Caller {
    Caller::Principal(Principal::Admin)
}

/// The first line of standard input, without its line ending.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("give the password on the first line of standard input");
    }
    Ok(password)
}

/// `sango-hub account …`.
pub async fn account(command: &crate::cli::AccountCommand) -> anyhow::Result<()> {
    use crate::cli::AccountCommand as A;
    let fail = |e: sango_service::ServiceError| anyhow!("{e}");
    let (view, what) = match command {
        A::Create { username, role, scope, db } => {
            let principal = Principal::from_role_and_scope(role, scope).map_err(|e| anyhow!("--{}: {}", e.field, e.message))?;
            let password = password_from_stdin()?;
            (open(db).await?.create_account(&admin(), username, &password, principal).await.map_err(fail)?, "created")
        }
        A::Disable { username, db } => (open(db).await?.set_account_disabled(&admin(), username, true).await.map_err(fail)?, "disabled"),
        A::Enable { username, db } => (open(db).await?.set_account_disabled(&admin(), username, false).await.map_err(fail)?, "enabled"),
        A::ResetPassword { username, db } => {
            let password = password_from_stdin()?;
            (open(db).await?.reset_password(&admin(), username, &password).await.map_err(fail)?, "password reset for")
        }
        A::List { db } => {
            let accounts = open(db).await?.accounts(&admin()).await.map_err(fail)?;
            println!("{:<24} {:<32} {:<9} created (UTC)", "username", "principal", "state");
            for a in accounts {
                let state = if a.disabled { "disabled" } else { "enabled" };
                println!("{:<24} {:<32} {:<9} {}", a.username, a.principal.to_string(), state, a.created_at.format("%Y-%m-%d %H:%M"));
            }
            return Ok(());
        }
    };
    println!("{what} account {} ({})", view.username, view.principal);
    Ok(())
}

/// `sango-hub settle`.
pub async fn settle(db: &Database, request: &crate::settle::Request<'_>) -> anyhow::Result<()> {
    let hub = open(db).await?;
    for path in crate::settle::run(&hub, request).await? {
        println!("{}", path.display());
    }
    Ok(())
}

/// `sango-hub plan`: the arguments are checked before the database is opened.
pub async fn plan(db: &Database, request: &crate::plan::Request<'_>) -> anyhow::Result<()> {
    crate::plan::query(request)?;
    let hub = open(db).await?;
    crate::plan::run(&hub, request).await
}

/// `sango-hub audit verify`.
pub async fn audit_verify(db: &Database) -> anyhow::Result<()> {
    crate::audit::verify(&open(db).await?).await
}

/// `sango-hub audit who-saw`.
pub async fn audit_who_saw(db: &Database, case: Option<&str>, principal: Option<&str>, from: Option<&str>, to: Option<&str>) -> anyhow::Result<()> {
    let hub = open(db).await?;
    match (case, principal, from, to) {
        (Some(case), _, _, _) => crate::audit::who_saw_case(&hub, case).await,
        (None, Some(p), Some(from), Some(to)) => crate::audit::who_saw_principal(&hub, p, from, to).await,
        _ => bail!("give --case REF, or --principal P --from DATE --to DATE"),
    }
}
