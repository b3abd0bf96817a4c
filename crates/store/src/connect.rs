//! Opening the database and bringing its schema up to date.

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, SqliteTransactionMode, TransactionOptions, TransactionTrait};
use sango_migration::{Migrator, MigratorTrait};

use crate::error::StoreResult;

/// Which database engine a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How long a SQLite writer waits for another to finish before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`) and applies pending migrations.
/// Every SQLite connection runs in WAL mode with foreign keys enforced and a busy timeout; write
/// transactions start with `BEGIN IMMEDIATE` ([`begin_write`]), so that writers queue instead of
/// failing.
pub async fn connect(url: &str) -> StoreResult<DatabaseConnection> {
    let mut opts = options(url);
    if url.starts_with("sqlite:") {
        opts.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal).foreign_keys(true).busy_timeout(SQLITE_BUSY_TIMEOUT).synchronous(SqliteSynchronous::Normal)
        });
    } else {
        opts.max_connections(16);
    }
    let db = Database::connect(opts).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// A further pool of at most `connections` on the PostgreSQL database at `url`, whose schema
/// [`connect`] has already brought up to date; its connections are opened on the runtime that
/// first uses it, which then also waits on their sockets.
pub async fn connect_more(url: &str, connections: u32) -> StoreResult<DatabaseConnection> {
    let mut opts = options(url);
    opts.max_connections(connections);
    Ok(Database::connect(opts).await?)
}

/// How long a pooled connection may have been idle before it is checked with a ping when it is
/// taken from the pool: one taken again soon after it was returned is used as it is, which saves
/// a round trip on every statement or transaction, and one idle for longer (which a server, a
/// proxy or a firewall may have dropped) is checked first.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

/// What every pool of the hub is opened with.
fn options(url: &str) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).acquire_timeout(Duration::from_secs(30)).test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
    opts
}

/// Starts a transaction that will write: on SQLite `BEGIN IMMEDIATE`, which takes the write lock
/// at once (waiting up to the busy timeout) instead of failing when a read turns into a write.
pub async fn begin_write(db: &DatabaseConnection) -> StoreResult<DatabaseTransaction> {
    let opts = TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() };
    Ok(db.begin_with_options(opts).await?)
}

/// The engine behind a connection.
pub fn backend(db: &impl ConnectionTrait) -> Backend {
    match db.get_database_backend() {
        DbBackend::Postgres => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}
