//! The command line: what operators and scripts can rely on.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "sango-hub", version, about = "産後ケア広域調整ハブ — the prefecture-wide hub for postpartum care")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the database is: an explicit URL, or the SQLite file in a data directory.
#[derive(Args, Debug, Clone)]
pub struct Database {
    /// `postgres://user@host/db` or `sqlite://path?mode=rwc`; overrides --data-dir.
    #[arg(long, env = "SANGO_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory of the embedded SQLite database.
    #[arg(long, env = "SANGO_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

impl Database {
    /// The URL to connect to; creates the data directory for SQLite.
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| anyhow::anyhow!("cannot create data directory {}: {e}", self.data_dir.display()))?;
        Ok(format!("sqlite://{}?mode=rwc", self.data_dir.join("sango-hub.db").display()))
    }
}

/// Limits on clients of the HTTP server.
#[derive(Args, Debug, Clone)]
pub struct Serving {
    /// Requests a client (a bearer token, or an address for anonymous requests) may make at once.
    #[arg(long, env = "SANGO_RATE_LIMIT_BURST", default_value_t = 120)]
    pub rate_limit_burst: u32,
    /// Requests a client may make per minute after the burst.
    #[arg(long, env = "SANGO_RATE_LIMIT_PER_MINUTE", default_value_t = 600)]
    pub rate_limit_per_minute: u32,
    /// Seconds a request may run before it is stopped with TIMEOUT.
    #[arg(long, env = "SANGO_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    #[command(flatten)]
    pub keys: crate::keys::KeyArgs,
}

impl Serving {
    /// The server configuration for `mode` with these limits.
    pub fn config(&self, mode: crate::config::Mode) -> crate::config::ServeConfig {
        let mut c = crate::config::ServeConfig::new(mode);
        c.rate = crate::rate_limit::RateLimit { burst: self.rate_limit_burst, per_minute: self.rate_limit_per_minute };
        c.timeout = std::time::Duration::from_secs(self.request_timeout_secs.max(1));
        c
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the embedded database, load the demo prefecture once, print a token per role and serve.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[arg(long, env = "SANGO_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// Prefecture to seed (two-digit code).
        #[arg(long, default_value = "31")]
        prefecture: String,
        /// Facilities to generate; default: a realistic count for the prefecture.
        #[arg(long)]
        facilities: Option<usize>,
        /// Seed of the generator: the same seed gives the same demo.
        #[arg(long, default_value_t = 20250401)]
        seed: u64,
        #[command(flatten)]
        serving: Serving,
    },
    /// Serve the hub. In production (the default) introspection, field suggestions and GraphiQL
    /// are off, and the server refuses to start on demo data, demo tokens, a default database
    /// password or a database file other users can read.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[arg(long, env = "SANGO_MODE", value_enum, default_value = "production")]
        mode: crate::config::Mode,
        #[command(flatten)]
        serving: Serving,
        #[command(flatten)]
        db: Database,
    },
    /// Apply database migrations and register Japan's municipalities if the registry is empty.
    Migrate {
        #[command(flatten)]
        db: Database,
    },
    /// Import a file, whole or not at all: facilities, contracts or programs (CSV in UTF-8 or CP932, or XLSX),
    /// or boundaries (GeoJSON: the hub's own or national land data N03).
    Import {
        /// facilities | contracts | programs | boundaries
        kind: String,
        file: PathBuf,
        #[command(flatten)]
        db: Database,
    },
    /// Machine tokens: mint (with a scope of operations and an expiry), list, revoke.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Accounts of people who sign in with a password: create, list, disable, enable, reset a password.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Write the settlement statements of a fiscal year (or one month of it) as files finance staff
    /// can open: facility invoices, municipality payables, the 精算書 and the prefecture summary.
    Settle {
        /// The fiscal year, named by its April year: 2025 = 令和7年度.
        #[arg(long)]
        fiscal_year: i32,
        /// One month of it, YYYY-MM.
        #[arg(long)]
        month: Option<String>,
        /// Only this municipality (5 or 6 digits).
        #[arg(long)]
        municipality: Option<String>,
        /// xlsx, csv or pdf.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// For CSV: utf8 (with BOM, the default) or cp932.
        #[arg(long, default_value = "utf8")]
        encoding: String,
        /// Directory to write into (created if missing).
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// Issue the statements first: from then on they are written exactly as issued.
        #[arg(long)]
        issue: bool,
        /// For PDF: the Japanese font file (.ttc/.otf/.ttf); by default SANGO_PDF_FONT, else
        /// Debian's fonts-noto-cjk.
        #[arg(long)]
        font: Option<PathBuf>,
        /// For PDF: who issues the statements, printed above the date and the 印 box; by default
        /// the municipality asked for, else the hub.
        #[arg(long)]
        issuer: Option<String>,
        #[command(flatten)]
        db: Database,
    },
    /// A prefecture's supply against demand for one month and type, and the optimal
    /// cross-boundary plan for what its municipalities cannot hold (the coordinator's desk).
    Plan {
        /// Two-digit prefecture code.
        #[arg(long)]
        prefecture: String,
        /// The fiscal year, named by its April year: 2025 = 令和7年度.
        #[arg(long)]
        fiscal_year: i32,
        /// The month, YYYY-MM, inside the fiscal year.
        #[arg(long)]
        month: String,
        /// SHORT_STAY, DAY_CARE or OUTREACH.
        #[arg(long = "type")]
        service_type: String,
        /// Longest trip, great-circle km from a municipality's centre to a facility.
        #[arg(long)]
        max_km: f64,
        /// Plan only with facilities a municipality already holds a contract with.
        #[arg(long)]
        contracted_only: bool,
        /// table (printed), csv (UTF-8 with BOM) or xlsx.
        #[arg(long, default_value = "table")]
        format: String,
        /// The file to write for csv and xlsx.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        db: Database,
    },
    /// The audit log of every read of case data and every write.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the GraphQL schema (SDL, sorted).
    Schema,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the hash chain; exits non-zero naming the first entry edited, deleted or moved.
    Verify {
        #[command(flatten)]
        db: Database,
    },
    /// Who touched a case (`--case C-…`), or what a principal touched in a period
    /// (`--principal municipal-staff:312011 --from 2025-06-01 --to 2025-06-30`; dates are JST days, `--to` inclusive).
    WhoSaw {
        #[arg(long, conflicts_with_all = ["principal", "from", "to"], required_unless_present = "principal")]
        case: Option<String>,
        #[arg(long, requires_all = ["from", "to"])]
        principal: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Mint a token and print it alone on standard output.
    Create {
        /// prefecture-coordinator | municipal-staff | facility-staff | finance | admin
        #[arg(long)]
        role: String,
        /// A prefecture code (31), a municipal code (312011), a facility id, or - for admin.
        #[arg(long, default_value = "-")]
        scope: String,
        #[arg(long, default_value = "cli")]
        label: String,
        /// How long the token lives: 90d, 12h (at least 1 hour, at most 365 days).
        #[arg(long)]
        expires_in: String,
        /// What the token may do: read, or read,write.
        #[arg(long, default_value = "read,write")]
        operations: String,
        #[command(flatten)]
        db: Database,
    },
    /// List machine tokens: id, principal, operations, label, created, expires, state.
    List {
        #[command(flatten)]
        db: Database,
    },
    /// Revoke a token by the id `token list` shows.
    Revoke {
        id: i64,
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Create an account; the password is read from the first line of standard input.
    Create {
        #[arg(long)]
        username: String,
        /// prefecture-coordinator | municipal-staff | facility-staff | finance | admin
        #[arg(long)]
        role: String,
        /// A prefecture code (31), a municipal code (312011), a facility id, or - for admin.
        #[arg(long, default_value = "-")]
        scope: String,
        #[command(flatten)]
        db: Database,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        db: Database,
    },
    /// Disable an account: it can no longer sign in, and its sessions end.
    Disable {
        username: String,
        #[command(flatten)]
        db: Database,
    },
    /// Enable a disabled account.
    Enable {
        username: String,
        #[command(flatten)]
        db: Database,
    },
    /// Set a new password (first line of standard input); the account's sessions end.
    ResetPassword {
        username: String,
        #[command(flatten)]
        db: Database,
    },
}
