//! The rows of a booking group as the JSON that PostgreSQL's `jsonb_to_recordset` reads: one
//! parameter per table, whatever the group's size.

use chrono::{DateTime, NaiveDate, Utc};
use sango_domain::BookingStatus;
use sango_domain::audit::ChainedEntry;
use serde::Serialize;

use crate::bookings::NewBooking;
use crate::calendar::DayCount;
use crate::events::NewEvent;

/// Rows as the JSON text that `jsonb_to_recordset` reads: one parameter per table, whatever the
/// group's size.
pub(super) fn rows_json<T: Serialize>(rows: impl IntoIterator<Item = T>) -> String {
    let rows: Vec<T> = rows.into_iter().collect();
    serde_json::to_string(&rows).expect("rows serialise")
}

#[derive(Serialize)]
pub(super) struct SlotRow {
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
pub(super) struct BookingRow<'a> {
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
    pub(super) fn new(b: &'a NewBooking<'a>, actor: &'a str, at: DateTime<Utc>) -> Self {
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
pub(super) struct DayRow<'a> {
    pub(super) reference: &'a str,
    pub(super) date: NaiveDate,
}

#[derive(Serialize)]
pub(super) struct EventRow<'a> {
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
pub(super) struct EntryRow<'a> {
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
pub(super) struct AuditCaseRow<'a> {
    pub(super) seq: i64,
    pub(super) case_ref: &'a str,
}
