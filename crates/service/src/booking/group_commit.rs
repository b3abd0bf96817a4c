//! Group commit of first-come bookings. One writer task drains the queue of checked booking
//! requests into one write transaction. Under the locks of the group's cases and slots it reads
//! what those cases hold and how many places each slot has left, decides every request in order
//! in memory (a request that would pass a programme limit is refused; one with a full day takes
//! nothing), then stores the new slot counts, the bookings, their events and their audit entries
//! with a few statements for the whole group (the audit head is read and moved once), commits
//! once, mirrors what was taken and answers each caller. The first request of a group never waits
//! for company: the writer takes whatever is already queued, and no more.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use sango_booking::FreeSlots;
use sango_domain::audit::AuditRecord;
use sango_domain::{BookingSource, ProgramRules, ServiceType};
use sango_store::bookings::{Booking, NewBooking};
use sango_store::calendar::DayCount;
use sango_store::events::NewEvent;
use sango_store::{DatabaseTransaction, StoreError};
use tokio::sync::{mpsc, oneshot};

use super::Holdings;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// The most bookings written in one transaction.
const MAX_GROUP: usize = 64;

/// Requests queued for the writer before senders wait as well.
const QUEUE_DEPTH: usize = 1_024;

/// A booking request that passed every rule that does not depend on what its case holds, ready
/// to be decided and written.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub(crate) reference: String,
    pub(crate) case_id: i64,
    pub(crate) case_ref: String,
    /// Infants cared for, for limits that multiply with them.
    pub(crate) multiples: u32,
    /// The case's programme for the fiscal year of the dates.
    pub(crate) rules: Arc<ProgramRules>,
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
pub(crate) struct BookingQueue {
    sender: mpsc::Sender<(Pending, Reply)>,
    stats: Arc<WriterCounts>,
}

/// What the writer has done so far.
#[derive(Default)]
struct WriterCounts {
    groups: AtomicU64,
    requests: AtomicU64,
}

/// How many groups the booking writer has written and how many requests they held: their mean
/// size is how much each commit was shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriterStats {
    pub groups: u64,
    pub requests: u64,
}

impl BookingQueue {
    /// Starts the writer over `hub`, which must hold no queue itself: the writer then stops once
    /// the last hub holding this queue is dropped.
    pub(crate) fn start(hub: Hub) -> Self {
        let (sender, mut rx) = mpsc::channel::<(Pending, Reply)>(QUEUE_DEPTH);
        let stats = Arc::new(WriterCounts::default());
        let counts = stats.clone();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut group = vec![first];
                while group.len() < MAX_GROUP {
                    match rx.try_recv() {
                        Ok(next) => group.push(next),
                        Err(_) => break,
                    }
                }
                counts.groups.fetch_add(1, Ordering::Relaxed);
                counts.requests.fetch_add(group.len() as u64, Ordering::Relaxed);
                let (pending, replies): (Vec<Pending>, Vec<Reply>) = group.into_iter().unzip();
                let answers = hub.write_group(&pending).await;
                for (reply, answer) in replies.into_iter().zip(answers) {
                    // A caller that has gone away keeps its booking, as when a response is lost.
                    let _ = reply.send(answer);
                }
            }
        });
        Self { sender, stats }
    }

    pub(crate) fn stats(&self) -> WriterStats {
        WriterStats { groups: self.stats.groups.load(Ordering::Relaxed), requests: self.stats.requests.load(Ordering::Relaxed) }
    }

    /// Queues one request and waits for its answer.
    pub(crate) async fn submit(&self, pending: Pending) -> ServiceResult<Written> {
        let (reply, answer) = oneshot::channel();
        self.sender.send((pending, reply)).await.map_err(|_| ServiceError::internal("the booking writer has stopped"))?;
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
        let answers = decide(&txn, group).await.map_err(BeforeCommit)?;
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

/// A slot: facility, type and date.
type SlotKey = (i64, ServiceType, NaiveDate);

fn slot_keys(p: &Pending) -> Vec<SlotKey> {
    p.dates.iter().map(|d| (p.facility_id, p.service_type, *d)).collect()
}

/// Decides each request of the group in order, inside `txn`: a retry of a stored key, a refusal
/// by the case's limits, CONFLICT for full days, or taken (`None`). Locks the group's cases and
/// slots and stores the slots' new counts; the caller writes the bookings taken.
async fn decide(txn: &DatabaseTransaction, group: &[Pending]) -> Result<Vec<Option<ServiceResult<Written>>>, StoreError> {
    let keys: Vec<&str> = group.iter().filter_map(|p| p.idempotency_key.as_deref()).collect();
    let mut used: HashSet<String> = sango_store::bookings::existing_keys(txn, &keys).await?.into_iter().collect();
    let mut cases: Vec<i64> = group.iter().map(|p| p.case_id).collect();
    cases.sort_unstable();
    cases.dedup();
    sango_store::cases::lock(txn, &cases).await?;
    let mut held: HashMap<i64, Holdings> = cases.iter().map(|c| (*c, Holdings::default())).collect();
    for b in sango_store::bookings::of_cases(txn, &cases).await? {
        held.entry(b.case_id).or_default().hold(&b);
    }
    let mut slots: Vec<SlotKey> = group.iter().flat_map(slot_keys).collect();
    slots.sort_unstable();
    slots.dedup();
    let states = sango_store::calendar::lock_slots(txn, &slots).await?;
    let before: HashMap<SlotKey, u32> = states.iter().map(|s| ((s.facility_id, s.service_type, s.date), s.taken)).collect();
    let mut free = FreeSlots::new(states.iter().map(|s| ((s.facility_id, s.service_type, s.date), s.capacity, s.taken)));

    let mut answers = Vec::with_capacity(group.len());
    for p in group {
        if p.idempotency_key.as_ref().is_some_and(|k| used.contains(k)) {
            answers.push(Some(Ok(Written::KeyTaken)));
            continue;
        }
        let holdings = held.entry(p.case_id).or_default();
        if let Err(e) = holdings.check(&p.rules, p.multiples, p.service_type, &p.dates) {
            answers.push(Some(Err(e)));
            continue;
        }
        match free.take_all(&slot_keys(p)) {
            Ok(()) => {
                holdings.add(p.service_type, &p.dates);
                used.extend(p.idempotency_key.clone());
                answers.push(None);
            }
            Err(full) => {
                let days: Vec<NaiveDate> = full.iter().map(|(_, _, d)| *d).collect();
                answers.push(Some(Err(Hub::full_days(p.service_type, &days))));
            }
        }
    }
    let counts: Vec<DayCount> = free
        .taken()
        .map(|(k @ (facility_id, service_type, date), n)| DayCount { facility_id, service_type, date, count: before.get(&k).copied().unwrap_or(0) + n })
        .collect();
    sango_store::calendar::set_taken(txn, &counts).await?;
    Ok(answers)
}
