//! The hub: the database connection, the in-memory indexes kept in step with it, caches and the clock.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use sango_domain::{Coordinates, LgCode};
use sango_spatial::BoundaryIndex;
use sango_spatial::geometry_json::from_geojson;
use sango_store::{DatabaseConnection, StoreError};

use crate::auth::TokenCache;
use crate::booking::group_commit::BookingQueue;
use crate::jwt::{ExternalIssuer, SigningKey};
use crate::throttle::{LoginThrottle, ThrottlePolicy};
use crate::capacity::ProgramCache;
use sango_availability::SearchState;
use crate::error::{ServiceError, ServiceResult};

/// Where the current time comes from; tests pass a fixed clock.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Everything a use case needs. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    pub(crate) db: DatabaseConnection,
    boundaries: Arc<RwLock<Arc<BoundaryIndex>>>,
    pub(crate) tokens: TokenCache,
    pub(crate) search: Arc<RwLock<SearchState>>,
    /// Serialises reloads of the search state, so that the last state read is the last applied.
    pub(crate) mirror: Arc<tokio::sync::Mutex<()>>,
    pub(crate) programs: ProgramCache,
    pub(crate) changes: tokio::sync::broadcast::Sender<crate::live::CapacityChange>,
    /// How long a waitlist offer stands before it passes on.
    pub(crate) offer_ttl: chrono::Duration,
    /// The queue of the booking writer, which commits first-come bookings in groups (`None` in
    /// the writer's own clone, which writes directly).
    pub(crate) booking_queue: Option<BookingQueue>,
    /// The head of the audit chain as this process's booking groups last left it, behind the lock
    /// that orders their appends: a group chains its entries after it without reading the head
    /// first (a stale one — another writer appended since — costs that read, nothing more).
    pub(crate) chain_head: Arc<tokio::sync::Mutex<Option<sango_store::audit::Head>>>,
    /// Prices recorded use in the background (`None` in the worker's own clone).
    pub(crate) pricing: Option<crate::settlement::PricingWorker>,
    /// The key the hub signs access tokens with, and the external issuer it trusts.
    pub(crate) auth: Arc<AuthConfig>,
    /// Failed logins per username and client, in this process.
    pub(crate) throttle: Arc<std::sync::Mutex<LoginThrottle>>,
    clock: Clock,
}

/// How access tokens are signed and which external tokens are accepted.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    pub signing: SigningKey,
    pub external: Option<ExternalIssuer>,
    /// How long an access token from `login` lives.
    pub access_ttl: chrono::Duration,
}

impl Hub {
    /// Connects, migrates, makes sure every municipality of Japan is registered, and builds the indexes.
    pub async fn open(database_url: &str) -> ServiceResult<Self> {
        Self::open_with_clock(database_url, Arc::new(Utc::now)).await
    }

    /// As [`Hub::open`], with a clock of the caller's choosing.
    pub async fn open_with_clock(database_url: &str, clock: Clock) -> ServiceResult<Self> {
        let db = sango_store::connect(database_url).await.map_err(|e| match e {
            StoreError::Db(db) => ServiceError::bad_input("databaseUrl", format!("cannot open the database at {database_url}: {db}")),
            other => ServiceError::internal(other),
        })?;
        let mut hub = Self {
            db,
            boundaries: Arc::new(RwLock::new(Arc::new(BoundaryIndex::new([])))),
            tokens: TokenCache::new(),
            search: Arc::default(),
            mirror: Arc::default(),
            programs: ProgramCache::new(),
            changes: tokio::sync::broadcast::channel(crate::live::CHANNEL_CAPACITY).0,
            offer_ttl: chrono::Duration::hours(24),
            booking_queue: None,
            chain_head: Arc::default(),
            pricing: None,
            auth: Arc::new(AuthConfig { signing: SigningKey::ephemeral(), external: None, access_ttl: crate::login::ACCESS_TTL }),
            throttle: Arc::new(std::sync::Mutex::new(LoginThrottle::new(ThrottlePolicy::default()))),
            clock,
        };
        crate::boundaries::ensure_japan(&hub).await?;
        hub.reload_boundaries().await?;
        hub.refresh_search().await?;
        hub.booking_queue = Some(BookingQueue::start(hub.clone(), database_url));
        hub.check_rule_sets().await?;
        hub.pricing = Some(crate::settlement::PricingWorker::start(hub.clone()));
        Ok(hub)
    }

    /// Sets how long a waitlist offer stands (default 24 hours).
    pub fn with_offer_ttl(mut self, ttl: chrono::Duration) -> Self {
        self.offer_ttl = ttl;
        self
    }

    /// This hub writing each first-come booking in its own transaction instead of handing it to
    /// the booking writer (what the hub did before group commit), for comparison in benchmarks.
    pub fn without_group_commit(mut self) -> Self {
        self.booking_queue = None;
        self
    }

    /// What the booking writer has done since the hub opened (`None` without group commit).
    pub fn booking_writer_stats(&self) -> Option<crate::booking::WriterStats> {
        self.booking_queue.as_ref().map(BookingQueue::stats)
    }

    /// Signs access tokens with `key` (the hub opens with a random key of its own).
    pub fn with_signing_key(mut self, key: SigningKey) -> Self {
        Arc::make_mut(&mut self.auth).signing = key;
        self
    }

    /// Accepts the tokens of an external identity provider.
    pub fn with_external_issuer(mut self, issuer: ExternalIssuer) -> Self {
        Arc::make_mut(&mut self.auth).external = Some(issuer);
        self
    }

    /// Sets how many failed logins are tolerated.
    pub fn with_throttle_policy(mut self, policy: ThrottlePolicy) -> Self {
        self.throttle = Arc::new(std::sync::Mutex::new(LoginThrottle::new(policy)));
        self
    }

    /// Whether access tokens are signed with a key generated at start-up (they die with the process).
    pub fn signing_key_is_ephemeral(&self) -> bool {
        self.auth.signing.ephemeral
    }

    /// The database, for the few callers (tests, benchmarks) that query it directly.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Now, from the hub's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The municipality a point lies in, by point-in-polygon over the registered boundaries.
    pub fn municipality_at(&self, at: Coordinates) -> Option<LgCode> {
        self.boundary_index().municipality_at(at)
    }

    pub(crate) fn boundary_index(&self) -> Arc<BoundaryIndex> {
        self.boundaries.read().expect("boundary index lock poisoned").clone()
    }

    /// Rebuilds the boundary index from the database (after boundaries change).
    pub(crate) async fn reload_boundaries(&self) -> ServiceResult<()> {
        let rows = sango_store::municipalities::list_with_boundaries(&self.db).await?;
        let mut shapes = Vec::with_capacity(rows.len());
        for r in rows {
            let shape = from_geojson(&r.boundary_geojson).map_err(|e| ServiceError::internal(format!("boundary of {}: {e}", r.municipality.code)))?;
            shapes.push((r.municipality.code, shape));
        }
        let index = BoundaryIndex::new(shapes);
        *self.boundaries.write().expect("boundary index lock poisoned") = Arc::new(index);
        Ok(())
    }
}
