//! A booking group on PostgreSQL in two round trips ([`crate::pipeline`]): `BEGIN` with the
//! group's reads under their locks, and then the whole write — one statement of data-modifying
//! CTEs fed with rows as JSON text — with the `COMMIT`. The locks the group holds (its cases and
//! slots from the first round trip, and the audit head from its move) are so held for as short a
//! time as the network allows. The connection is the pool's, taken for the group; one dropped
//! inside its transaction is closed, never returned to the pool.

use chrono::{DateTime, Utc};
use sea_orm::sqlx::Postgres;
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::{DatabaseConnection, DbBackend, DbErr, QueryResult, RuntimeErr, Statement};

use super::rows::{AuditCaseRow, BookingRow, DayRow, EntryRow, EventRow, SlotRow, rows_json};
use super::{GroupReads, GroupState, GroupStored, GroupWrite, StoreFailure};
use crate::audit::{self, Head};
use crate::bookings::{self, Booking};
use crate::calendar;
use crate::cases;
use crate::error::{StoreError, StoreResult};
use crate::pipeline;

/// The SQLSTATE the write fails with when the audit head has moved (raised by `sango_fail`).
const HEAD_MOVED: &str = "SG001";

/// A group's transaction, open on a connection of the pool.
pub(super) struct OpenGroup {
    conn: PoolConnection<Postgres>,
    in_transaction: bool,
}

impl Drop for OpenGroup {
    fn drop(&mut self) {
        if self.in_transaction {
            self.conn.close_on_drop();
        }
    }
}

/// The statements of a group, by the name each is prepared under on a connection.
const LOCK: &str = "sango_group_lock";
const HOLDINGS: &str = "sango_group_holdings";
const KEYS: &str = "sango_group_keys";
const WRITE: &str = "sango_group_write";

/// `PREPARE` of each statement of a group: sent once on a connection, when a group first finds
/// them missing there. Their texts do not depend on the group (lists are JSON parameters).
fn preparations() -> Vec<String> {
    let pg = DbBackend::Postgres;
    let statements = [
        (LOCK, calendar::lock_slots_statements(pg, &[], &[]).pop()),
        (HOLDINGS, cases::holdings_statements(pg, &[]).pop()),
        (KEYS, bookings::existing_keys_statement(pg, &[""])),
        (WRITE, Some(Statement::from_string(pg, GROUP_SQL))),
    ];
    statements.into_iter().filter_map(|(name, stmt)| stmt.map(|s| pipeline::prepare(name, &s))).collect()
}

/// The one statement PostgreSQL gets from a builder that makes one per chunk on SQLite.
fn single(mut statements: Vec<Statement>) -> StoreResult<Statement> {
    match (statements.pop(), statements.is_empty()) {
        (Some(stmt), true) => Ok(stmt),
        _ => Err(StoreError::Db(DbErr::Custom("expected one statement on PostgreSQL".into()))),
    }
}

/// `BEGIN`, then the cases and slots locked (see [`calendar::lock_slots`]), what the cases hold
/// (read after the lock, by a statement of its own, so that it sees what the lock waited for),
/// the keys already stored and the audit head: one round trip (three the first time on a
/// connection, which then prepares the statements).
pub(super) async fn open(db: &DatabaseConnection, reads: &GroupReads<'_>) -> StoreResult<(OpenGroup, GroupState)> {
    let pg = DbBackend::Postgres;
    let conn = db.get_postgres_connection_pool().acquire().await.map_err(|e| StoreError::Db(DbErr::Conn(RuntimeErr::SqlxError(e.into()))))?;
    let mut group = OpenGroup { conn, in_transaction: true };
    let mut statements = vec![
        "BEGIN".to_owned(),
        pipeline::execute(LOCK, &single(calendar::lock_slots_statements(pg, reads.cases, reads.slots))?)?,
        pipeline::execute(HOLDINGS, &single(cases::holdings_statements(pg, reads.cases))?)?,
    ];
    if let Some(keys) = bookings::existing_keys_statement(pg, reads.keys) {
        statements.push(pipeline::execute(KEYS, &keys)?);
    }
    statements.push(audit::head_statement(pg, false).sql);
    let results = match pipeline::run(&mut group.conn, &statements).await {
        Err(i) if i.is_unprepared() => {
            let rollback_and_prepare: Vec<String> = std::iter::once("ROLLBACK".to_owned()).chain(preparations()).collect();
            pipeline::run(&mut group.conn, &rollback_and_prepare).await.map_err(|i| i.error)?;
            pipeline::run(&mut group.conn, &statements).await
        }
        results => results,
    };
    let mut results = results.map_err(|i| i.error)?.into_iter().skip(1);
    let mut next = || results.next().unwrap_or_default();
    let mut slots = Vec::with_capacity(reads.slots.len());
    calendar::push_slot_states(next(), &mut slots)?;
    let mut cases = Vec::with_capacity(reads.cases.len());
    cases::push_holdings(next(), &mut cases)?;
    let stored_keys = if reads.keys.is_empty() { vec![] } else { bookings::key_rows(next())? };
    let head = audit::head_of(next().first())?;
    Ok((group, GroupState { stored_keys, slots, cases, head }))
}

impl OpenGroup {
    /// The write and the `COMMIT`: one round trip (two without `expected`, whose head is then
    /// read and locked first). A write the database refuses is rolled back here and leaves the
    /// connection usable; a failure after it, or of the connection, leaves the outcome unknown.
    pub(super) async fn store(mut self, w: GroupWrite<'_>, expected: Option<Head>) -> Result<GroupStored, StoreFailure> {
        let head = match expected {
            Some(head) => head,
            None => self.locked_head().await.map_err(StoreFailure::BeforeCommit)?,
        };
        let mut w = w;
        let (write, end) = group_statement(&mut w, &head);
        let write = pipeline::execute(WRITE, &write).map_err(StoreFailure::BeforeCommit)?;
        match pipeline::run(&mut self.conn, &[write, "COMMIT".to_owned()]).await {
            Ok(results) => {
                self.in_transaction = false;
                let bookings = stored_bookings(&results[0], &w).map_err(StoreFailure::AtCommit)?;
                Ok(GroupStored { bookings, head: Some(end.unwrap_or(head)) })
            }
            Err(i) if i.completed == 0 && i.is_refusal() => {
                let moved = i.code().as_deref() == Some(HEAD_MOVED);
                if pipeline::run(&mut self.conn, &["ROLLBACK".to_owned()]).await.is_ok() {
                    self.in_transaction = false;
                }
                Err(if moved { StoreFailure::HeadMoved } else { StoreFailure::BeforeCommit(i.error) })
            }
            Err(i) => Err(StoreFailure::AtCommit(i.error)),
        }
    }

    async fn locked_head(&mut self) -> StoreResult<Head> {
        let results = pipeline::run(&mut self.conn, &[audit::head_statement(DbBackend::Postgres, true).sql]).await.map_err(|i| i.error)?;
        audit::head_of(results[0].first())
    }
}

/// The whole group in one statement. The slots' counts are written as an upsert so that their rows
/// (which exist, locked by this transaction) are found through their key whatever the planner
/// thinks of the table's size. The audit head moves only where it still is what the entries were
/// chained after (`seq` and `hash`, `$7` = -1 when there are no entries); where it is not, the
/// statement fails with [`HEAD_MOVED`], so that the `COMMIT` sent with it does not run.
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
    UPDATE audit_head SET seq = $5, hash = $6 WHERE id = 1 AND seq = $7 AND hash = $8 RETURNING id
), new_entry AS (
    INSERT INTO audit_entry (seq, at, principal, token_id, channel, access, operation, record_kind, record_ids, case_refs, outcome, prev_hash, hash)
    SELECT v.seq, v.at, v.principal, v.token_id, v.channel, v.access, v.operation, v.record_kind, v.record_ids, v.case_refs, v.outcome, v.prev_hash, v.hash
    FROM jsonb_to_recordset($9::jsonb) AS v(seq bigint, at timestamptz, principal text, token_id bigint, channel text, access text, operation text,
                                     record_kind text, record_ids text, case_refs text, outcome text, prev_hash text, hash text)
    WHERE EXISTS (SELECT 1 FROM moved_head)
), new_audit_case AS (
    INSERT INTO audit_case (seq, case_ref)
    SELECT v.seq, v.case_ref FROM jsonb_to_recordset($10::jsonb) AS v(seq bigint, case_ref text)
    WHERE EXISTS (SELECT 1 FROM moved_head)
)
SELECT CASE WHEN $7 = -1 OR EXISTS (SELECT 1 FROM moved_head) THEN true ELSE sango_fail('SG001', 'the audit head moved') END AS chained,
       b.id, b.reference, b.created_at
FROM (SELECT 1) AS one LEFT JOIN new_booking b ON true";

/// The write statement of `w`, its entries chained after `head`, and the head after them (`None`
/// without entries).
fn group_statement(w: &mut GroupWrite<'_>, head: &Head) -> (Statement, Option<Head>) {
    let entries = audit::chain(head, std::mem::take(&mut w.audit));
    let end = audit::end_of(&entries);
    // Without entries the head is left alone: the condition names a sequence number no head has.
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
    (Statement::from_sql_and_values(DbBackend::Postgres, GROUP_SQL, values), end)
}

/// The bookings of `w` as stored, with the ids and times the write statement returned.
fn stored_bookings(rows: &[QueryResult], w: &GroupWrite<'_>) -> StoreResult<Vec<Booking>> {
    let mut ids = std::collections::HashMap::with_capacity(rows.len());
    for row in rows {
        if let Some(id) = row.try_get::<Option<i64>>("", "id")? {
            ids.insert(row.try_get::<String>("", "reference")?, (id, row.try_get::<DateTime<Utc>>("", "created_at")?));
        }
    }
    w.bookings
        .iter()
        .map(|(b, actor)| {
            let (id, created_at) = *ids.get(b.reference).ok_or_else(|| StoreError::corrupt("booking", b.reference, "the insert returned no row for it"))?;
            Ok(b.stored(id, created_at, actor))
        })
        .collect()
}
