//! Opening the database and bringing its schema up to date.

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sango_migration::{Migrator, MigratorTrait};

use crate::error::StoreResult;

/// Which database engine a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`) and applies pending migrations.
/// SQLite runs in WAL mode with foreign keys enforced and a busy timeout, so that writers queue
/// instead of failing.
pub async fn connect(url: &str) -> StoreResult<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        opts.max_connections(8).min_connections(1);
    } else {
        opts.max_connections(16);
    }
    let db = Database::connect(opts).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000", "PRAGMA synchronous=NORMAL"] {
            db.execute_unprepared(pragma).await?;
        }
    }
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// The engine behind a connection.
pub fn backend(db: &impl ConnectionTrait) -> Backend {
    match db.get_database_backend() {
        DbBackend::Postgres => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}
