//! Storing a decided group of first-come bookings: the slots' new counts, the bookings with their
//! days, their events and the group's audit entries. On PostgreSQL all of it is one statement
//! (data-modifying CTEs fed with rows as JSON text), so that the locks the group holds — its slots, and the
//! audit head from its move to the commit — are held for as few round trips as there can be. Its
//! audit entries are chained after the head the caller expects, and the head is moved only if it
//! is still there; if another transaction moved it first, the entries are chained again after the
//! head as found. On SQLite, where a statement costs no round trip, it is one statement per table.
//! What the group is decided on is locked and read first, with [`lock`].

use chrono::{DateTime, NaiveDate, Utc};
use sango_domain::BookingStatus;
use sango_domain::audit::{AuditRecord, ChainedEntry};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::Serialize;

use crate::audit::{self, Head};
use crate::bookings::{self, Booking, NewBooking};
use crate::calendar::{self, DayCount};
use crate::error::{StoreError, StoreResult};
use crate::events::{self, NewEvent};

mod lock;
pub use lock::{Locked, SlotKey, lock};

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

/// Writes a decided group inside the caller's write transaction. `expected` is the head of the
/// audit chain as the caller last left it (a hint: when it is stale or `None`, the head is read).
pub async fn write(c: &impl ConnectionTrait, w: GroupWrite<'_>, expected: Option<Head>) -> StoreResult<GroupStored> {
    if c.get_database_backend() == DbBackend::Postgres { write_in_one_statement(c, w, expected).await } else { write_per_table(c, w).await }
}

async fn write_per_table(c: &impl ConnectionTrait, w: GroupWrite<'_>) -> StoreResult<GroupStored> {
    calendar::set_taken(c, w.counts).await?;
    let bookings = bookings::insert_all(c, w.bookings, w.at).await?;
    events::append_all(c, w.events).await?;
    let entries = audit::append_all(c, w.audit).await?;
    Ok(GroupStored { bookings, head: audit::end_of(&entries) })
}

/// The whole group in one PostgreSQL statement. The slots' counts are written as an upsert so
/// that their rows (which exist, locked by this transaction) are found through their key whatever
/// the planner thinks of the table's size. The audit head moves only where it still is what the
/// entries were chained after (`seq` and `hash`); the statement says whether it did. That test is
/// made in the SET, not the WHERE: a head that another writer has moved but not yet committed is
/// still the old one in this statement's snapshot, and a WHERE on it would pass the row over,
/// while an UPDATE of the row waits for that commit and then computes its SET on the head as
/// committed (a head that is not where it was expected is written back as it is).
/// Without entries (`$7` is then -1) the head is not touched.
const GROUP_SQL: &str = "\
WITH slot_count AS (
    INSERT INTO slot (facility_id, service_type, date, taken)
    SELECT v.facility_id, v.service_type, v.date, v.taken FROM jsonb_to_recordset($1::jsonb) AS v(facility_id bigint, service_type text, date date, taken integer)
    ON CONFLICT (facility_id, service_type, date) DO UPDATE SET taken = EXCLUDED.taken
), new_booking AS (
    INSERT INTO booking (reference, case_id, facility_id, service_type, first_date, last_date, units, status, source, idempotency_key, fingerprint, created_at, created_by)
    SELECT v.reference, v.case_id, v.facility_id, v.service_type, v.first_date, v.last_date, v.units, v.status, v.source, v.idempotency_key, v.fingerprint, v.created_at, v.created_by
    FROM jsonb_to_recordset($2::jsonb) AS v(reference text, case_id bigint, facility_id bigint, service_type text, first_date date, last_date date, units integer,
                                     status text, source text, idempotency_key text, fingerprint text, created_at timestamptz, created_by text)
    RETURNING id, reference, created_at
), new_day AS (
    INSERT INTO booking_day (booking_id, date)
    SELECT b.id, v.date FROM jsonb_to_recordset($3::jsonb) AS v(reference text, date date) JOIN new_booking b ON b.reference = v.reference
), new_event AS (
    INSERT INTO event (at, actor, kind, subject, reason, data)
    SELECT v.at, v.actor, v.kind, v.subject, v.reason, v.data
    FROM jsonb_to_recordset($4::jsonb) AS v(at timestamptz, actor text, kind text, subject text, reason text, data text)
), moved_head AS (
    UPDATE audit_head SET seq = CASE WHEN seq = $7 AND hash = $8 THEN $5 ELSE seq END, hash = CASE WHEN seq = $7 AND hash = $8 THEN $6 ELSE hash END
    WHERE id = 1 AND $7 >= 0 RETURNING seq = $5 AND hash = $6 AS moved
), new_entry AS (
    INSERT INTO audit_entry (seq, at, principal, token_id, channel, access, operation, record_kind, record_ids, case_refs, outcome, prev_hash, hash)
    SELECT v.seq, v.at, v.principal, v.token_id, v.channel, v.access, v.operation, v.record_kind, v.record_ids, v.case_refs, v.outcome, v.prev_hash, v.hash
    FROM jsonb_to_recordset($9::jsonb) AS v(seq bigint, at timestamptz, principal text, token_id bigint, channel text, access text, operation text,
                                     record_kind text, record_ids text, case_refs text, outcome text, prev_hash text, hash text)
    WHERE EXISTS (SELECT 1 FROM moved_head WHERE moved)
), new_audit_case AS (
    INSERT INTO audit_case (seq, case_ref)
    SELECT v.seq, v.case_ref FROM jsonb_to_recordset($10::jsonb) AS v(seq bigint, case_ref text)
    WHERE EXISTS (SELECT 1 FROM moved_head WHERE moved)
)
SELECT EXISTS (SELECT 1 FROM moved_head WHERE moved) AS chained, b.id, b.reference, b.created_at
FROM (SELECT 1) AS one LEFT JOIN new_booking b ON true";

async fn write_in_one_statement(c: &impl ConnectionTrait, w: GroupWrite<'_>, expected: Option<Head>) -> StoreResult<GroupStored> {
    let head = match expected {
        Some(head) => head,
        None => audit::locked_head(c).await?,
    };
    let entries = audit::chain(&head, w.audit);
    let end = audit::end_of(&entries);
    // Without entries the head is left alone: -1 is the sequence number that tells the statement so.
    let (new, old_seq) = match &end {
        Some(end) => (end.clone(), head.seq),
        None => (head.clone(), -1),
    };
    let days: Vec<DayRow<'_>> = w.bookings.iter().flat_map(|(b, _)| b.dates.iter().map(|date| DayRow { reference: b.reference, date: *date })).collect();
    let cases: Vec<AuditCaseRow<'_>> = entries.iter().flat_map(|e| e.record.case_refs.iter().map(|r| AuditCaseRow { seq: e.record.seq, case_ref: r })).collect();
    let values: Vec<sea_orm::Value> = vec![
        rows_json(w.counts.iter().map(SlotRow::from)).into(),
        rows_json(w.bookings.iter().map(|(b, actor)| BookingRow::new(b, actor, w.at))).into(),
        rows_json(days).into(),
        rows_json(w.events.iter().map(EventRow::from)).into(),
        new.seq.into(),
        new.hash.into(),
        old_seq.into(),
        head.hash.clone().into(),
        rows_json(entries.iter().map(EntryRow::from)).into(),
        rows_json(cases).into(),
    ];
    let rows = c.query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, GROUP_SQL, values)).await?;
    let mut ids = std::collections::HashMap::with_capacity(rows.len());
    let mut chained = false;
    for row in &rows {
        chained = row.try_get("", "chained")?;
        if let Some(id) = row.try_get::<Option<i64>>("", "id")? {
            ids.insert(row.try_get::<String>("", "reference")?, (id, row.try_get::<DateTime<Utc>>("", "created_at")?));
        }
    }
    let bookings = w
        .bookings
        .iter()
        .map(|(b, actor)| {
            let (id, created_at) = *ids.get(b.reference).ok_or_else(|| StoreError::corrupt("booking", b.reference, "the insert returned no row for it"))?;
            Ok(b.stored(id, created_at, actor))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let head = match end {
        None => Some(head),
        Some(end) if chained => Some(end),
        // Another transaction moved the head since the caller last saw it: chain the entries
        // again after the head as it is now (locked from here to the commit).
        Some(_) => audit::end_of(&audit::append_all(c, entries.into_iter().map(|e| e.record).collect()).await?),
    };
    Ok(GroupStored { bookings, head })
}

/// Rows as the JSON text that `jsonb_to_recordset` reads: one parameter per table, whatever the
/// group's size.
fn rows_json<T: Serialize>(rows: impl IntoIterator<Item = T>) -> String {
    let rows: Vec<T> = rows.into_iter().collect();
    serde_json::to_string(&rows).expect("rows serialise")
}

#[derive(Serialize)]
struct SlotRow {
    facility_id: i64,
    service_type: &'static str,
    date: NaiveDate,
    taken: u32,
}

impl From<&DayCount> for SlotRow {
    fn from(d: &DayCount) -> Self {
        Self { facility_id: d.facility_id, service_type: d.service_type.as_str(), date: d.date, taken: d.count }
    }
}

#[derive(Serialize)]
struct BookingRow<'a> {
    reference: &'a str,
    case_id: i64,
    facility_id: i64,
    service_type: &'static str,
    first_date: NaiveDate,
    last_date: NaiveDate,
    units: usize,
    status: &'static str,
    source: &'static str,
    idempotency_key: Option<&'a str>,
    fingerprint: &'a str,
    created_at: DateTime<Utc>,
    created_by: &'a str,
}

impl<'a> BookingRow<'a> {
    fn new(b: &'a NewBooking<'a>, actor: &'a str, at: DateTime<Utc>) -> Self {
        let (first_date, last_date) = b.span();
        Self {
            reference: b.reference,
            case_id: b.case_id,
            facility_id: b.facility_id,
            service_type: b.service_type.as_str(),
            first_date,
            last_date,
            units: b.dates.len(),
            status: BookingStatus::Booked.as_str(),
            source: b.source.as_str(),
            idempotency_key: b.idempotency_key,
            fingerprint: b.fingerprint,
            created_at: at,
            created_by: actor,
        }
    }
}

#[derive(Serialize)]
struct DayRow<'a> {
    reference: &'a str,
    date: NaiveDate,
}

#[derive(Serialize)]
struct EventRow<'a> {
    at: DateTime<Utc>,
    actor: &'a str,
    kind: &'a str,
    subject: &'a str,
    reason: Option<&'a str>,
    data: String,
}

impl<'a> From<&'a NewEvent<'a>> for EventRow<'a> {
    fn from(e: &'a NewEvent<'a>) -> Self {
        Self { at: e.at, actor: e.actor, kind: e.kind, subject: e.subject, reason: e.reason, data: e.data.to_string() }
    }
}

#[derive(Serialize)]
struct EntryRow<'a> {
    seq: i64,
    at: DateTime<Utc>,
    principal: &'a str,
    token_id: Option<i64>,
    channel: &'a str,
    access: &'static str,
    operation: &'a str,
    record_kind: &'a str,
    record_ids: String,
    case_refs: String,
    outcome: &'a str,
    prev_hash: &'a str,
    hash: &'a str,
}

impl<'a> From<&'a ChainedEntry> for EntryRow<'a> {
    fn from(e: &'a ChainedEntry) -> Self {
        let r = &e.record;
        Self {
            seq: r.seq,
            at: r.at,
            principal: &r.principal,
            token_id: r.token_id,
            channel: &r.channel,
            access: r.access.as_str(),
            operation: &r.operation,
            record_kind: &r.record_kind,
            record_ids: serde_json::to_string(&r.record_ids).expect("strings serialise"),
            case_refs: serde_json::to_string(&r.case_refs).expect("strings serialise"),
            outcome: &r.outcome,
            prev_hash: &e.prev_hash,
            hash: &e.hash,
        }
    }
}

#[derive(Serialize)]
struct AuditCaseRow<'a> {
    seq: i64,
    case_ref: &'a str,
}
