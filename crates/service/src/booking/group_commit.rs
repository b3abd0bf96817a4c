//! Group commit of first-come bookings. One writer task drains the queue of checked booking
//! requests into one write transaction: each booking takes its slots inside its own savepoint (a
//! refused booking rolls back only its own), the bookings, their events and their audit entries
//! are stored in one pass (the audit head is read and moved once), the group commits once, and
//! then what was taken is mirrored and each caller gets its own answer. The first request of a
//! group never waits for company: the writer takes whatever is already queued, and no more.

use std::collections::HashSet;

use chrono::NaiveDate;
use sango_domain::audit::AuditRecord;
use sango_domain::{BookingSource, ServiceType};
use sango_store::bookings::{Booking, NewBooking};
use sango_store::events::NewEvent;
use sango_store::{DatabaseTransaction, StoreError, StoreResult, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// The most bookings written in one transaction.
const MAX_GROUP: usize = 64;

/// Requests queued for the writer before senders wait as well.
const QUEUE_DEPTH: usize = 1_024;

/// A booking request that passed every rule, ready to be written.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub(crate) reference: String,
    pub(crate) case_id: i64,
    pub(crate) case_ref: String,
    pub(crate) facility_id: i64,
    pub(crate) service_type: ServiceType,
    /// Sorted and distinct.
    pub(crate) dates: Vec<NaiveDate>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) fingerprint: String,
    pub(crate) actor: String,
    /// The audit entry, made in the caller's task (it records how the request came in); its
    /// time is set to the group's when written.
    pub(crate) audit: AuditRecord,
}

/// What became of one request of a group.
#[derive(Debug)]
pub(crate) enum Written {
    Booked(Box<Booking>),
    /// The idempotency key belongs to a stored booking (or to one earlier in the same group):
    /// the caller answers as a retry would.
    KeyTaken,
}

type Reply = oneshot::Sender<ServiceResult<Written>>;

/// The sending end of the writer's queue; every clone of the hub that books holds one.
#[derive(Clone)]
pub(crate) struct BookingQueue(mpsc::Sender<(Pending, Reply)>);

impl BookingQueue {
    /// Starts the writer over `hub`, which must hold no queue itself: the writer then stops once
    /// the last hub holding this queue is dropped.
    pub(crate) fn start(hub: Hub) -> Self {
        let (tx, mut rx) = mpsc::channel::<(Pending, Reply)>(QUEUE_DEPTH);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut group = vec![first];
                while group.len() < MAX_GROUP {
                    match rx.try_recv() {
                        Ok(next) => group.push(next),
                        Err(_) => break,
                    }
                }
                let (pending, replies): (Vec<Pending>, Vec<Reply>) = group.into_iter().unzip();
                let answers = hub.write_group(&pending).await;
                for (reply, answer) in replies.into_iter().zip(answers) {
                    // A caller that has gone away keeps its booking, as when a response is lost.
                    let _ = reply.send(answer);
                }
            }
        });
        Self(tx)
    }

    /// Queues one request and waits for its answer.
    pub(crate) async fn submit(&self, pending: Pending) -> ServiceResult<Written> {
        let (reply, answer) = oneshot::channel();
        self.0.send((pending, reply)).await.map_err(|_| ServiceError::internal("the booking writer has stopped"))?;
        answer.await.map_err(|_| ServiceError::internal("the booking writer stopped before answering"))?
    }
}

/// Why a group was not written.
enum GroupError {
    /// Before the commit: nothing was written, and the requests may be written again one by one.
    BeforeCommit(StoreError),
    /// At the commit: whether it took effect is unknown, so nothing is written again.
    AtCommit(StoreError),
}

impl Hub {
    /// Writes a group of checked requests in one transaction, in order, and answers each. When
    /// the group fails before its commit (a database error in one request), each request is
    /// written again alone, so that one request's failure is not every request's.
    pub(crate) async fn write_group(&self, group: &[Pending]) -> Vec<ServiceResult<Written>> {
        match self.try_group(group).await {
            Ok(answers) => answers,
            Err(GroupError::BeforeCommit(_)) if group.len() > 1 => {
                let mut answers = Vec::with_capacity(group.len());
                for p in group {
                    let answer = match self.try_group(std::slice::from_ref(p)).await {
                        Ok(mut one) => one.pop().expect("one answer per request"),
                        Err(GroupError::BeforeCommit(e) | GroupError::AtCommit(e)) => Self::alone_failed(p, e),
                    };
                    answers.push(answer);
                }
                answers
            }
            Err(GroupError::BeforeCommit(e) | GroupError::AtCommit(e)) => {
                let e = ServiceError::from(e);
                group.iter().map(|_| Err(e.clone())).collect()
            }
        }
    }

    /// The answer to a request that failed alone: a key another writer stored first (another
    /// process on the same database) is a retry; anything else is the error.
    fn alone_failed(p: &Pending, e: StoreError) -> ServiceResult<Written> {
        if e.is_unique_violation() && p.idempotency_key.is_some() { Ok(Written::KeyTaken) } else { Err(e.into()) }
    }

    async fn try_group(&self, group: &[Pending]) -> Result<Vec<ServiceResult<Written>>, GroupError> {
        use GroupError::BeforeCommit;
        let txn = sango_store::begin_write(&self.db).await.map_err(BeforeCommit)?;
        let keys: Vec<&str> = group.iter().filter_map(|p| p.idempotency_key.as_deref()).collect();
        let mut used: HashSet<String> = sango_store::bookings::existing_keys(&txn, &keys).await.map_err(BeforeCommit)?.into_iter().collect();
        let mut answers: Vec<Option<ServiceResult<Written>>> = group.iter().map(|_| None).collect();
        for (p, answer) in group.iter().zip(answers.iter_mut()) {
            if p.idempotency_key.as_ref().is_some_and(|k| used.contains(k)) {
                *answer = Some(Ok(Written::KeyTaken));
                continue;
            }
            let full = take_in_savepoint(&txn, p).await.map_err(BeforeCommit)?;
            if full.is_empty() {
                used.extend(p.idempotency_key.clone());
            } else {
                *answer = Some(Err(Hub::full_days(p.service_type, &full)));
            }
        }
        let takers: Vec<&Pending> = group.iter().zip(&answers).filter(|(_, a)| a.is_none()).map(|(p, _)| p).collect();
        let at = self.now();
        let news: Vec<NewBooking<'_>> = takers
            .iter()
            .map(|p| NewBooking {
                reference: &p.reference,
                case_id: p.case_id,
                facility_id: p.facility_id,
                service_type: p.service_type,
                dates: &p.dates,
                source: BookingSource::FirstCome,
                idempotency_key: p.idempotency_key.as_deref(),
                fingerprint: &p.fingerprint,
            })
            .collect();
        let items: Vec<(&NewBooking<'_>, &str)> = news.iter().zip(&takers).map(|(n, p)| (n, p.actor.as_str())).collect();
        let stored = sango_store::bookings::insert_all(&txn, &items, at).await.map_err(BeforeCommit)?;
        let subjects: Vec<String> = takers.iter().map(|p| format!("booking:{}", p.reference)).collect();
        let data: Vec<serde_json::Value> =
            takers.iter().map(|p| serde_json::json!({ "case": p.case_ref, "facility": p.facility_id, "serviceType": p.service_type, "dates": p.dates })).collect();
        let events: Vec<NewEvent<'_>> =
            takers.iter().zip(&subjects).zip(&data).map(|((p, subject), data)| NewEvent { at, actor: &p.actor, kind: "BOOKED", subject, reason: None, data }).collect();
        sango_store::events::append_all(&txn, &events).await.map_err(BeforeCommit)?;
        let records: Vec<AuditRecord> = takers.iter().map(|p| AuditRecord { at, ..p.audit.clone() }).collect();
        sango_store::audit::append_all(&txn, records).await.map_err(BeforeCommit)?;
        txn.commit().await.map_err(|e| GroupError::AtCommit(e.into()))?;

        let mut stored = stored.into_iter();
        Ok(answers
            .into_iter()
            .map(|a| {
                a.unwrap_or_else(|| {
                    let b = stored.next().expect("one stored booking per taker");
                    let dates: Vec<NaiveDate> = b.days.iter().map(|d| d.date).collect();
                    self.slots_changed(b.facility_id, b.service_type, &dates, 1);
                    Ok(Written::Booked(Box::new(b)))
                })
            })
            .collect())
    }
}

/// Takes the request's slots; when any day is full, gives back what it took (its savepoint) and
/// returns the full days. A one-day request is a single conditional statement that takes the slot
/// or changes nothing, and needs no savepoint.
async fn take_in_savepoint(txn: &DatabaseTransaction, p: &Pending) -> StoreResult<Vec<NaiveDate>> {
    if p.dates.len() == 1 {
        return sango_store::calendar::take_within_capacity(txn, p.facility_id, p.service_type, &p.dates).await;
    }
    let savepoint = txn.begin().await?;
    let full = sango_store::calendar::take_within_capacity(&savepoint, p.facility_id, p.service_type, &p.dates).await?;
    if full.is_empty() {
        savepoint.commit().await?;
    } else {
        savepoint.rollback().await?;
    }
    Ok(full)
}
