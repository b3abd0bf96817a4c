//! Group commit of first-come bookings. The booking writers (one on SQLite, two on PostgreSQL,
//! each on a thread of its own) each drain their queue of booking requests (a facility's requests
//! always go to the same writer) into one write transaction per group, in which the group is
//! decided (see [`super::decide`]: each request against its case,
//! what the case holds and the slots left, under their locks); then the new slot counts, the
//! bookings, their events and their audit entries are stored for the whole group at once (see
//! `sango_store::booking_group`: one statement on PostgreSQL), the group commits once, what was
//! taken is mirrored, and each caller gets its own answer. The first request of a group never
//! waits for company: the writer takes whatever is already queued, and no more.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use sango_domain::audit::AuditRecord;
use sango_domain::{BookingSource, ServiceType};
use sango_store::booking_group::GroupWrite;
use sango_store::bookings::{Booking, NewBooking};
use sango_store::events::NewEvent;
use sango_store::StoreError;
use tokio::sync::{mpsc, oneshot};

use super::decide::Decision;
use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// The most bookings written in one transaction.
const MAX_GROUP: usize = 64;

/// Requests queued for each writer before senders to it wait as well.
const QUEUE_DEPTH: usize = 1_024;

/// A booking request whose input is valid, ready to be decided against its case and written.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub(crate) caller: Caller,
    pub(crate) reference: String,
    /// The case as the request names it.
    pub(crate) case_ref: String,
    pub(crate) facility_id: i64,
    pub(crate) service_type: ServiceType,
    /// Sorted and distinct.
    pub(crate) dates: Vec<NaiveDate>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) fingerprint: String,
    pub(crate) actor: String,
    /// The audit entries, made in the caller's task (they record how the request came in); their
    /// time is set to the group's when written. `audit` is the booking's; `refused` is written
    /// instead when the caller may not see the case.
    pub(crate) audit: AuditRecord,
    pub(crate) refused: AuditRecord,
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

/// The sending ends of the writers' queues, one per writer; every clone of the hub that books
/// holds them. A request goes to the writer of its facility, so that two groups written at once
/// do not wait for each other's slots.
#[derive(Clone)]
pub(crate) struct BookingQueue {
    senders: Arc<[mpsc::Sender<(Pending, Reply)>]>,
    stats: Arc<WriterCounts>,
}

/// What the writers have done so far.
#[derive(Default)]
struct WriterCounts {
    groups: AtomicU64,
    requests: AtomicU64,
}

/// How many groups the booking writers have written and how many requests they held: their mean
/// size is how much each commit was shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriterStats {
    pub groups: u64,
    pub requests: u64,
}

/// Writers of one hub on PostgreSQL: two let one group's reads overlap the other's write and
/// commit; more only make the groups smaller (measured in BENCHMARKS.md).
const POSTGRES_WRITERS: usize = 2;

/// `hub` writing through a pool of its own on `url` for `writers` writers; `hub` as it is if that
/// pool cannot be opened. Each writer may need a second connection while it holds its
/// transaction's (to fill the programme cache), so the pool has two per writer.
async fn with_own_connections(mut hub: Hub, url: &str, writers: usize) -> Hub {
    match sango_store::connect::connect_more(url, 2 * writers as u32).await {
        Ok(db) => hub.db = db,
        Err(e) => tracing::warn!(error = %e, "the booking writers share the hub's connections"),
    }
    hub
}

/// Runs one writer per queue until every sender is gone.
async fn run_writers(hub: Hub, queues: Vec<mpsc::Receiver<(Pending, Reply)>>, counts: Arc<WriterCounts>) {
    let mut running = tokio::task::JoinSet::new();
    for mut rx in queues {
        let (hub, counts) = (hub.clone(), counts.clone());
        running.spawn(async move {
            while let Some(group) = next_group(&mut rx).await {
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
    }
    running.join_all().await;
}

/// The next group: the first request to arrive and whatever else is queued by then, up to
/// [`MAX_GROUP`]; `None` once every sender is gone.
async fn next_group(rx: &mut mpsc::Receiver<(Pending, Reply)>) -> Option<Vec<(Pending, Reply)>> {
    let mut group = vec![rx.recv().await?];
    while group.len() < MAX_GROUP {
        match rx.try_recv() {
            Ok(next) => group.push(next),
            Err(_) => break,
        }
    }
    Some(group)
}

impl BookingQueue {
    /// Starts the writers over `hub` (opened on `database_url`), which must hold no queue itself:
    /// they stop once the last hub holding this queue is dropped. SQLite lets one transaction
    /// write at a time, so it gets one writer; on PostgreSQL two groups are written at once, so
    /// that one group's round trips overlap the other's. Each writer books the facilities of its
    /// own share (their ids modulo the number of writers), so that the two groups never wait for
    /// each other's slots; they meet only at a case booked at both at once and at the audit head,
    /// which each locks in the same order (cases, slots, head), so they never deadlock.
    ///
    /// Each writer runs on a thread of its own, so that a group's next step never queues behind
    /// the requests the server is busy with, nor behind the other writer's group: the slots and
    /// the audit head a group has locked are held only as long as the group's own work takes. On
    /// PostgreSQL each writes through connections of its own, opened on its thread, whose answers
    /// wake it directly.
    pub(crate) fn start(hub: Hub, database_url: &str) -> Self {
        let backend = sango_store::connect::backend(&hub.db);
        let writers = match backend {
            sango_store::Backend::Postgres => POSTGRES_WRITERS,
            sango_store::Backend::Sqlite => 1,
        };
        let (senders, queues): (Vec<_>, Vec<_>) = (0..writers).map(|_| mpsc::channel::<(Pending, Reply)>(QUEUE_DEPTH)).unzip();
        let stats = Arc::new(WriterCounts::default());
        for (i, queue) in queues.into_iter().enumerate() {
            let (hub, counts, url) = (hub.clone(), stats.clone(), database_url.to_owned());
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            let spawned = runtime.map_err(|e| e.to_string()).and_then(|runtime| {
                std::thread::Builder::new()
                    .name(format!("booking-writer-{i}"))
                    .spawn(move || {
                        runtime.block_on(async move {
                            let hub = match backend {
                                sango_store::Backend::Postgres => with_own_connections(hub, &url, 1).await,
                                sango_store::Backend::Sqlite => hub,
                            };
                            run_writers(hub, vec![queue], counts).await;
                        })
                    })
                    .map_err(|e| e.to_string())
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a booking writer's thread");
            }
        }
        Self { senders: senders.into(), stats }
    }

    pub(crate) fn stats(&self) -> WriterStats {
        WriterStats { groups: self.stats.groups.load(Ordering::Relaxed), requests: self.stats.requests.load(Ordering::Relaxed) }
    }

    /// Queues one request and waits for its answer.
    pub(crate) async fn submit(&self, pending: Pending) -> ServiceResult<Written> {
        let (reply, answer) = oneshot::channel();
        let writer = pending.facility_id.rem_euclid(self.senders.len() as i64) as usize;
        self.senders[writer].send((pending, reply)).await.map_err(|_| ServiceError::internal("the booking writer has stopped"))?;
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
        let decided = self.decide(&txn, group).await.map_err(BeforeCommit)?;
        let takers: Vec<(&Pending, i64)> = group.iter().zip(&decided.answers).filter_map(|(p, d)| d.taken_by().map(|case_id| (p, case_id))).collect();
        let at = self.now();
        let news: Vec<NewBooking<'_>> = takers
            .iter()
            .map(|(p, case_id)| NewBooking {
                reference: &p.reference,
                case_id: *case_id,
                facility_id: p.facility_id,
                service_type: p.service_type,
                dates: &p.dates,
                source: BookingSource::FirstCome,
                idempotency_key: p.idempotency_key.as_deref(),
                fingerprint: &p.fingerprint,
            })
            .collect();
        let items: Vec<(&NewBooking<'_>, &str)> = news.iter().zip(&takers).map(|(n, (p, _))| (n, p.actor.as_str())).collect();
        let subjects: Vec<String> = takers.iter().map(|(p, _)| format!("booking:{}", p.reference)).collect();
        let data: Vec<serde_json::Value> =
            takers.iter().map(|(p, _)| serde_json::json!({ "case": p.case_ref, "facility": p.facility_id, "serviceType": p.service_type, "dates": p.dates })).collect();
        let events: Vec<NewEvent<'_>> =
            takers.iter().zip(&subjects).zip(&data).map(|(((p, _), subject), data)| NewEvent { at, actor: &p.actor, kind: "BOOKED", subject, reason: None, data }).collect();
        let audit: Vec<AuditRecord> =
            takers.iter().map(|(p, _)| &p.audit).chain(decided.refusals.iter().map(|i| &group[*i].refused)).map(|r| AuditRecord { at, ..r.clone() }).collect();
        let write = GroupWrite { at, counts: &decided.counts, bookings: &items, events: &events, audit };
        let stored = {
            // Held to the end of the write, so that groups move the audit head in the order they
            // chain their entries; the commit happens outside, overlapping the next group's write.
            let mut head = self.chain_head.lock().await;
            let stored = sango_store::booking_group::write(&txn, write, head.take()).await.map_err(BeforeCommit)?;
            *head = stored.head;
            stored.bookings
        };
        txn.commit().await.map_err(|e| GroupError::AtCommit(e.into()))?;

        let mut stored = stored.into_iter();
        Ok(decided
            .answers
            .into_iter()
            .map(|d| match d {
                Decision::Answer(a) => a,
                Decision::Take { .. } => {
                    let b = stored.next().expect("one stored booking per taker");
                    let dates: Vec<NaiveDate> = b.days.iter().map(|d| d.date).collect();
                    self.slots_changed(b.facility_id, b.service_type, &dates, 1);
                    Ok(Written::Booked(Box::new(b)))
                }
            })
            .collect())
    }
}
