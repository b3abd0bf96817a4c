//! How the server runs: production (the default of `serve`) or development (`demo`), the limits
//! on requests, and the checks production makes before it starts.

use std::path::Path;
use std::time::Duration;

use anyhow::bail;
use sango_graphql::guard::Limits;

use crate::rate_limit::RateLimit;

/// Production hides the schema (no introspection, no field suggestions, no GraphiQL page) and
/// refuses to start with demo data, demo tokens, default database passwords or a database file
/// others can read. Development shows everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Production,
    Development,
}

/// Everything the HTTP surface needs to know besides the hub.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub mode: Mode,
    pub limits: Limits,
    pub rate: RateLimit,
    /// How long one request may run before it is answered with TIMEOUT.
    pub timeout: Duration,
    /// The largest JSON request body.
    pub json_body_bytes: usize,
    /// The largest multipart body (an import file of 20 MiB plus overhead).
    pub upload_body_bytes: usize,
}

impl ServeConfig {
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            limits: Limits { introspection: mode == Mode::Development, ..Limits::default() },
            rate: RateLimit::default(),
            timeout: Duration::from_secs(30),
            json_body_bytes: 1024 * 1024,
            upload_body_bytes: 21 * 1024 * 1024,
        }
    }

    pub fn production(&self) -> bool {
        self.mode == Mode::Production
    }
}

/// Passwords a production database must not use.
const DEFAULT_PASSWORDS: &[&str] = &["", "postgres", "password", "sango", "sango-hub", "secret", "changeme", "admin"];

/// Refuses a PostgreSQL URL without a password or with a well-known one.
pub fn check_database_url(url: &str) -> anyhow::Result<()> {
    let Some(rest) = url.strip_prefix("postgres://").or_else(|| url.strip_prefix("postgresql://")) else { return Ok(()) };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let userinfo = authority.rsplit_once('@').map(|(u, _)| u);
    let password = userinfo.and_then(|u| u.split_once(':')).map(|(_, p)| p);
    let password = password.map(str::to_owned).or_else(|| std::env::var("PGPASSWORD").ok());
    match password {
        Some(p) if !DEFAULT_PASSWORDS.contains(&p.as_str()) => Ok(()),
        Some(_) => bail!("production refuses the database URL: its password is a well-known default; set a strong one (or run with --mode development)"),
        None => bail!("production refuses the database URL: it has no password (in the URL or PGPASSWORD); set one (or run with --mode development)"),
    }
}

/// Refuses a SQLite database file (or its directory) that other users can read.
#[cfg(unix)]
pub fn check_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else { return Ok(()) };
    let mode = meta.permissions().mode();
    if mode & 0o007 != 0 {
        bail!(
            "production refuses {}: its permissions ({:o}) let other users of this machine read the case data; run chmod o-rwx {} (or run with --mode development)",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_private(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_database_passwords_are_refused() {
        assert!(check_database_url("postgres://sango:postgres@db/sango").is_err());
        assert!(check_database_url("postgres://sango:@db/sango").is_err());
        assert!(check_database_url("postgres://sango:Zq8-long-unique@db/sango?sslmode=require").is_ok());
        assert!(check_database_url("sqlite://data/sango-hub.db?mode=rwc").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn world_readable_files_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("sango-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("db");
        std::fs::write(&f, b"").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(check_private(&f).is_err());
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(check_private(&f).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
