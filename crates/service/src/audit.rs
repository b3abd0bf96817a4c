//! The audit trail: every read of case data and every write is appended to a hash-chained log
//! (who — principal and token —, when, what, which cases), writes inside their own transaction.
//! `verify_audit` walks the chain; `who_saw_case` and `audit_of_principal` answer a leak report.
//!
//! Use cases name the caller; the transport adds how the request came in (the token id, HTTP or
//! the command line) with [`with_origin`] around its work, so that use cases need not pass it on.

use std::future::Future;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sango_domain::Operations;
use sango_domain::audit::{Access, AuditRecord, ChainBreak, ChainVerifier, ChainedEntry};
use sango_store::ConnectionTrait;

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// How a request reached the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The id of the bearer token (or login session) presented, if any.
    pub token_id: Option<i64>,
    /// `http`, `cli`, or `internal` (timers, tests).
    pub channel: &'static str,
    /// What the credential presented allows; every write checks it (see [`Hub::audit_write`]).
    pub operations: Operations,
    /// The client's address, for login throttling.
    pub client: Option<IpAddr>,
}

impl Origin {
    pub fn http(token_id: Option<i64>) -> Self {
        Self { token_id, channel: "http", operations: Operations::ReadWrite, client: None }
    }

    /// An HTTP request authenticated as `auth`, from `client`.
    pub fn http_request(auth: &crate::auth::Authenticated, client: Option<IpAddr>) -> Self {
        Self { token_id: auth.token_id, channel: "http", operations: auth.operations, client }
    }

    pub fn cli() -> Self {
        Self { token_id: None, channel: "cli", operations: Operations::ReadWrite, client: None }
    }

    const INTERNAL: Self = Self { token_id: None, channel: "internal", operations: Operations::ReadWrite, client: None };
}

tokio::task_local! {
    static ORIGIN: Origin;
}

/// Runs `f` with `origin` recorded in every audit entry it causes.
pub async fn with_origin<F: Future>(origin: Origin, f: F) -> F::Output {
    ORIGIN.scope(origin, f).await
}

pub(crate) fn origin() -> Origin {
    ORIGIN.try_with(|o| *o).unwrap_or(Origin::INTERNAL)
}

/// Entries read per query while verifying.
const VERIFY_PAGE: u64 = 2_000;

/// What an access touched.
#[derive(Clone, Debug, Default)]
pub(crate) struct Touched {
    pub(crate) record_ids: Vec<String>,
    pub(crate) case_refs: Vec<String>,
}

impl Touched {
    pub(crate) fn new(record_ids: impl IntoIterator<Item = String>, case_refs: impl IntoIterator<Item = String>) -> Self {
        let mut case_refs: Vec<String> = case_refs.into_iter().collect();
        case_refs.sort();
        case_refs.dedup();
        Self { record_ids: record_ids.into_iter().collect(), case_refs }
    }
}

impl Hub {
    /// An entry for `caller`'s access, with how the request came in, to append now or later.
    pub(crate) fn audit_record(&self, caller: &Caller, access: Access, operation: &str, kind: &str, touched: Touched, outcome: &str) -> AuditRecord {
        let o = origin();
        AuditRecord {
            seq: 0,
            at: self.now(),
            principal: caller.actor(),
            token_id: o.token_id,
            channel: o.channel.to_owned(),
            access,
            operation: operation.to_owned(),
            record_kind: kind.to_owned(),
            record_ids: touched.record_ids,
            case_refs: touched.case_refs,
            outcome: outcome.to_owned(),
        }
    }

    /// Records a read of case data in its own transaction. The data is not handed out unless this succeeds.
    pub(crate) async fn audit_read(&self, caller: &Caller, operation: &str, kind: &str, touched: Touched) -> ServiceResult<()> {
        self.audit_own_txn(self.audit_record(caller, Access::Read, operation, kind, touched, "OK")).await
    }

    /// Records a refused lookup (an id outside the caller's scope, or none at all): attempts to
    /// enumerate other municipalities' records leave a trace.
    pub(crate) async fn audit_refused(&self, caller: &Caller, operation: &str, kind: &str, asked_for: &str, e: &ServiceError) -> ServiceResult<()> {
        let touched = Touched::new([asked_for.to_owned()], []);
        self.audit_own_txn(self.audit_record(caller, Access::Read, operation, kind, touched, e.code.as_str())).await
    }

    /// Records an attempt that changed nothing (a refused login) with its outcome code.
    pub(crate) async fn audit_attempt(&self, caller: &Caller, access: Access, operation: &str, kind: &str, touched: Touched, outcome: &str) -> ServiceResult<()> {
        self.audit_own_txn(self.audit_record(caller, access, operation, kind, touched, outcome)).await
    }

    async fn audit_own_txn(&self, record: AuditRecord) -> ServiceResult<()> {
        let txn = sango_store::begin_write(&self.db).await?;
        sango_store::audit::append(&txn, record).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a write inside the transaction that makes it: both commit or neither does.
    ///
    /// Every write passes here, so this is where a read-only credential is stopped: the write
    /// is refused with FORBIDDEN and its transaction rolls back when the caller returns the error.
    pub(crate) async fn audit_write(&self, txn: &impl ConnectionTrait, caller: &Caller, operation: &str, kind: &str, touched: Touched) -> ServiceResult<()> {
        let record = self.write_record(caller, operation, kind, touched)?;
        sango_store::audit::append(txn, record).await?;
        Ok(())
    }

    /// The audit entry of a write, once the credential the request came with may write: every
    /// write's entry is made here, whether it is appended at once ([`Hub::audit_write`]) or with
    /// its group (first-come bookings).
    pub(crate) fn write_record(&self, caller: &Caller, operation: &str, kind: &str, touched: Touched) -> ServiceResult<AuditRecord> {
        if !origin().operations.may_write() {
            return Err(ServiceError::forbidden(format!("this token may only read; {operation} writes (mint a token with --operations read,write)")));
        }
        Ok(self.audit_record(caller, Access::Write, operation, kind, touched, "OK"))
    }

    /// As [`Hub::audit_write`] without the check of operations: for ending one's own session.
    pub(crate) async fn audit_write_unchecked(&self, txn: &impl ConnectionTrait, caller: &Caller, operation: &str, kind: &str, touched: Touched) -> ServiceResult<()> {
        sango_store::audit::append(txn, self.audit_record(caller, Access::Write, operation, kind, touched, "OK")).await?;
        Ok(())
    }

    /// Records a write logged as an event (`booking:B-…`, `case:C-…`, …), finding the case it concerns.
    pub(crate) async fn audit_event(&self, txn: &impl ConnectionTrait, caller: &Caller, kind: &str, subject: &str, data: &serde_json::Value) -> ServiceResult<()> {
        let (record_kind, id) = subject.split_once(':').unwrap_or((subject, ""));
        let case = match data.get("case").and_then(|c| c.as_str()) {
            Some(c) => Some(c.to_owned()),
            None => self.case_of_subject(txn, record_kind, id).await?,
        };
        self.audit_write(txn, caller, kind, record_kind, Touched::new([id.to_owned()], case)).await
    }

    async fn case_of_subject(&self, c: &impl ConnectionTrait, kind: &str, id: &str) -> ServiceResult<Option<String>> {
        let case_id = match kind {
            "case" => return Ok(Some(id.to_owned())),
            "booking" => sango_store::bookings::by_reference(c, id).await?.map(|b| b.case_id),
            "waitlist" => match id.parse() {
                Ok(n) => sango_store::waitlist::by_id(c, n).await?.map(|e| e.case_id),
                Err(_) => None,
            },
            "application" => sango_store::lottery::by_reference(c, id).await?.map(|a| a.case_id),
            _ => None,
        };
        let Some(case_id) = case_id else { return Ok(None) };
        Ok(sango_store::cases::by_id(c, case_id).await?.map(|c| c.reference))
    }

    /// Walks the whole chain: the number of entries, or the first entry that was edited,
    /// deleted or moved. The outer error is a failure to read the log at all.
    pub async fn verify_audit(&self) -> ServiceResult<Result<i64, ChainBreak>> {
        let mut v = ChainVerifier::default();
        let mut after = 0;
        // The head is written in the same transaction as each entry, so it is never behind a
        // committed entry. When the log seems to end before the head, entries may have been
        // appended while we read: read once more before calling the difference missing.
        let mut ended_once = false;
        loop {
            let page = sango_store::audit::page(&self.db, after, VERIFY_PAGE).await?;
            for e in &page {
                if let Err(b) = v.check(e) {
                    return Ok(Err(b));
                }
            }
            if let Some(last) = page.last() {
                after = last.record.seq;
                ended_once = false;
                continue;
            }
            let head = sango_store::audit::head(&self.db).await?;
            if head.seq > after && !ended_once {
                ended_once = true;
                continue;
            }
            return Ok(v.finish(head.seq, &head.hash));
        }
    }

    /// Every audit entry that touched a case, oldest first. The question is itself recorded.
    pub async fn who_saw_case(&self, caller: &Caller, case_ref: &str) -> ServiceResult<Vec<ChainedEntry>> {
        require_auditor(caller)?;
        let case_ref = case_ref.trim();
        let entries = sango_store::audit::touching_case(&self.db, case_ref).await?;
        self.audit_own_txn(self.audit_record(caller, Access::Read, "auditWhoSawCase", "audit", Touched::new([case_ref.to_owned()], []), "OK")).await?;
        Ok(entries)
    }

    /// Every audit entry of a principal (`municipal-staff:312011`) in `[from, to)`, oldest first.
    pub async fn audit_of_principal(&self, caller: &Caller, principal: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> ServiceResult<Vec<ChainedEntry>> {
        require_auditor(caller)?;
        if to <= from {
            return Err(ServiceError::bad_input("to", "the end of the period must come after its start"));
        }
        let entries = sango_store::audit::by_principal(&self.db, principal.trim(), from, to).await?;
        self.audit_own_txn(self.audit_record(caller, Access::Read, "auditOfPrincipal", "audit", Touched::new([principal.trim().to_owned()], []), "OK")).await?;
        Ok(entries)
    }
}

/// The audit log is read by the hub's administrators (on the command line).
fn require_auditor(caller: &Caller) -> ServiceResult<()> {
    match caller.require()? {
        sango_domain::Principal::Admin => Ok(()),
        _ => Err(ServiceError::forbidden("the audit log is read by administrators")),
    }
}
