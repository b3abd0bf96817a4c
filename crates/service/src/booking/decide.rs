//! Deciding a group of first-come booking requests inside the writer's transaction. The group's
//! cases are read with the days each holds and its slots with what is left of them, both locked
//! until the commit; then each request is decided in order, in memory: the case (which the caller
//! must be allowed to see), the rules of its programme, the application window, the case's
//! bookings and yearly limits (counting the requests of the group before it), and its days
//! (every one or none). Because all of it happens under those locks, two bookings of one case
//! arriving at once — in one group, or through two servers on one database — cannot both pass a
//! limit, and a slot is never taken past its capacity.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sango_booking::FreeSlots;
use sango_store::booking_group::{Locked, SlotKey};
use sango_store::calendar::DayCount;
use sango_store::cases::CaseHolding;
use sango_store::{DatabaseTransaction, StoreError};

use super::Holdings;
use super::group_commit::{Pending, Written};
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// What becomes of one request of a group.
#[derive(Debug)]
pub(crate) enum Decision {
    /// Answered without a booking: a retry of a stored key, or a refusal.
    Answer(ServiceResult<Written>),
    /// Its slots are taken: the booking of this case is to be stored.
    Take { case_id: i64 },
}

impl Decision {
    pub(crate) fn taken_by(&self) -> Option<i64> {
        match self {
            Self::Take { case_id } => Some(*case_id),
            Self::Answer(_) => None,
        }
    }
}

/// The decisions of a group, one per request in order, the requests whose case the caller may
/// not see (their refusals are audited with the group), and the new taken count of every slot
/// the group takes from.
pub(crate) struct Decided {
    pub(crate) answers: Vec<Decision>,
    pub(crate) refusals: Vec<usize>,
    pub(crate) counts: Vec<DayCount>,
}

fn slot_keys(p: &Pending) -> Vec<SlotKey> {
    p.dates.iter().map(|d| (p.facility_id, p.service_type, *d)).collect()
}

/// A case of the group, with what it holds as the group is decided.
struct CaseState {
    case: sango_store::cases::Case,
    held: Holdings,
}

impl Hub {
    /// Decides each request of the group in order, inside `txn`; the caller then stores the
    /// slots' new counts and the bookings taken.
    pub(crate) async fn decide(&self, txn: &DatabaseTransaction, group: &[Pending]) -> Result<Decided, StoreError> {
        let keys: Vec<&str> = group.iter().filter_map(|p| p.idempotency_key.as_deref()).collect();
        let mut used: HashSet<String> = sango_store::bookings::existing_keys(txn, &keys).await?.into_iter().collect();
        let mut references: Vec<&str> = group.iter().map(|p| p.case_ref.as_str()).collect();
        references.sort_unstable();
        references.dedup();
        let mut slots: Vec<SlotKey> = group.iter().flat_map(slot_keys).collect();
        slots.sort_unstable();
        slots.dedup();
        let Locked { cases, slots: states } = sango_store::booking_group::lock(txn, &references, &slots).await?;
        let mut cases: HashMap<String, CaseState> = cases
            .into_iter()
            .map(|CaseHolding { case, held }| (case.reference.clone(), CaseState { case, held: Holdings::from(held) }))
            .collect();
        let before: HashMap<SlotKey, u32> = states.iter().map(|s| ((s.facility_id, s.service_type, s.date), s.taken)).collect();
        let mut free = FreeSlots::new(states.iter().map(|s| ((s.facility_id, s.service_type, s.date), s.capacity, s.taken)));

        let mut decided = Decided { answers: Vec::with_capacity(group.len()), refusals: Vec::new(), counts: Vec::new() };
        for (i, p) in group.iter().enumerate() {
            if p.idempotency_key.as_ref().is_some_and(|k| used.contains(k)) {
                decided.answers.push(Decision::Answer(Ok(Written::KeyTaken)));
                continue;
            }
            let visible = cases.get_mut(&p.case_ref).filter(|c| p.caller.require().is_ok_and(|who| who.may_manage_case(c.case.profile.municipality, c.case.profile.coordination)));
            let Some(state) = visible else {
                decided.refusals.push(i);
                decided.answers.push(Decision::Answer(Err(ServiceError::not_found("case", format!("no case {}", p.case_ref)))));
                continue;
            };
            let fits = self.check_first_come(&state.case, p.facility_id, p.service_type, &p.dates).await;
            if let Err(e) = fits.and_then(|rules| state.held.check(&rules, state.case.profile.multiples, p.service_type, &p.dates)) {
                decided.answers.push(Decision::Answer(Err(e)));
                continue;
            }
            match free.take_all(&slot_keys(p)) {
                Ok(()) => {
                    state.held.add(p.service_type, &p.dates);
                    used.extend(p.idempotency_key.clone());
                    decided.answers.push(Decision::Take { case_id: state.case.id });
                }
                Err(full) => {
                    let days: Vec<NaiveDate> = full.iter().map(|(_, _, d)| *d).collect();
                    decided.answers.push(Decision::Answer(Err(Hub::full_days(p.service_type, &days))));
                }
            }
        }
        decided.counts = free
            .taken()
            .map(|(k @ (facility_id, service_type, date), n)| DayCount { facility_id, service_type, date, count: before.get(&k).copied().unwrap_or(0) + n })
            .collect();
        Ok(decided)
    }
}
