//! A group of first-come bookings from its reads to its commit. [`open`] begins the group's write
//! transaction and reads, under locks held to its end, what the group is decided against: its
//! cases with the days each holds, its slots with what is taken and the capacity, the idempotency
//! keys already stored, and the head of the audit chain. The caller decides the group, and
//! [`OpenGroup::store`] writes the slots' new counts, the bookings with their days, their events
//! and the audit entries, and commits. On PostgreSQL each of the two steps is one round trip (see
//! `postgres`); on SQLite, where a statement costs no round trip, each is a statement per table.

mod postgres;
mod rows;

use chrono::{DateTime, NaiveDate, Utc};
use sango_domain::ServiceType;
use sango_domain::audit::AuditRecord;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend};

use crate::audit::{self, Head};
use crate::bookings::{self, Booking, NewBooking};
use crate::calendar::{self, DayCount, SlotState};
use crate::cases::{self, CaseHolding};
use crate::error::{StoreError, StoreResult};
use crate::events::{self, NewEvent};

/// What a group reads before it is decided.
pub struct GroupReads<'a> {
    /// The idempotency keys of its requests.
    pub keys: &'a [&'a str],
    /// The references of its cases, sorted and distinct.
    pub cases: &'a [&'a str],
    /// The slots its requests ask for, sorted and distinct.
    pub slots: &'a [(i64, ServiceType, NaiveDate)],
}

/// What the group is decided against, read under the locks of its transaction (the head of the
/// audit chain excepted: it is a hint, checked when the group is stored).
pub struct GroupState {
    /// Which of the keys belong to stored bookings.
    pub stored_keys: Vec<String>,
    pub slots: Vec<SlotState>,
    /// The cases found, in id order, with the days each holds.
    pub cases: Vec<CaseHolding>,
    pub head: Head,
}

/// What a decided group writes.
pub struct GroupWrite<'a> {
    pub at: DateTime<Utc>,
    /// The new taken count of every slot the group took from (the rows exist and are locked).
    pub counts: &'a [DayCount],
    /// The bookings taken, each with the actor who made it.
    pub bookings: &'a [(&'a NewBooking<'a>, &'a str)],
    pub events: &'a [NewEvent<'a>],
    pub audit: Vec<AuditRecord>,
}

/// What a group stored: its bookings, and the head of the audit chain after it when known.
pub struct GroupStored {
    pub bookings: Vec<Booking>,
    pub head: Option<Head>,
}

/// Why a group was not stored.
#[derive(Debug)]
pub enum StoreFailure {
    /// The audit head was no longer the one the entries were chained after (another transaction
    /// appended since): nothing was written. The group is to be opened and decided again, and
    /// stored without an expected head.
    HeadMoved,
    /// Before the commit: nothing was written.
    BeforeCommit(StoreError),
    /// At the commit: whether it took effect is unknown.
    AtCommit(StoreError),
}

/// A group's open write transaction, from its reads to its commit. Dropped without being stored,
/// it writes nothing.
pub struct OpenGroup(Open);

enum Open {
    Transaction(DatabaseTransaction),
    Postgres(postgres::OpenGroup),
}

/// Begins a group's write transaction on `db` and reads what the group is decided against.
pub async fn open(db: &DatabaseConnection, reads: &GroupReads<'_>) -> StoreResult<(OpenGroup, GroupState)> {
    if db.get_database_backend() == DbBackend::Postgres {
        let (group, state) = postgres::open(db, reads).await?;
        return Ok((OpenGroup(Open::Postgres(group)), state));
    }
    let txn = crate::begin_write(db).await?;
    let slots = calendar::lock_slots(&txn, reads.cases, reads.slots).await?;
    let cases = cases::holdings(&txn, reads.cases).await?;
    let stored_keys = bookings::existing_keys(&txn, reads.keys).await?;
    let head = audit::head(&txn).await?;
    Ok((OpenGroup(Open::Transaction(txn)), GroupState { stored_keys, slots, cases, head }))
}

impl OpenGroup {
    /// Writes the decided group and commits. Its audit entries are chained after `expected`, and
    /// fail with [`StoreFailure::HeadMoved`] if the chain's head is no longer there; without
    /// `expected`, after the head as locked here. (On SQLite the write transaction excludes every
    /// other appender, and the head is read at the write.)
    pub async fn store(self, w: GroupWrite<'_>, expected: Option<Head>) -> Result<GroupStored, StoreFailure> {
        match self.0 {
            Open::Postgres(group) => group.store(w, expected).await,
            Open::Transaction(txn) => {
                let stored = write_per_table(&txn, w).await.map_err(StoreFailure::BeforeCommit)?;
                txn.commit().await.map_err(|e| StoreFailure::AtCommit(e.into()))?;
                Ok(stored)
            }
        }
    }
}

async fn write_per_table(c: &impl ConnectionTrait, w: GroupWrite<'_>) -> StoreResult<GroupStored> {
    calendar::set_taken(c, w.counts).await?;
    let bookings = bookings::insert_all(c, w.bookings, w.at).await?;
    events::append_all(c, w.events).await?;
    let entries = audit::append_all(c, w.audit).await?;
    Ok(GroupStored { bookings, head: audit::end_of(&entries) })
}
