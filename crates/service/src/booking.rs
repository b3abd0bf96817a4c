//! First-come booking that never sells a slot twice, and cancellation. A request's input is
//! checked in the caller's task; the hub's booking writer then decides it against its case, the
//! case's programme and bookings and the free slots, inside the transaction that writes it
//! together with whatever other requests are waiting (see [`group_commit`] and [`decide`]). A
//! booking takes one slot on each of its dates, or none. Retrying with the same idempotency key
//! returns the same booking.

mod agreements;
mod decide;
pub(crate) mod group_commit;
mod holdings;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use sango_booking::{check_window, longest_run};
use sango_domain::audit::Access;
use sango_domain::{ApplicationMethod, BookingStatus, FiscalYear, ProgramRules, ServiceType};
use sango_store::DatabaseTransaction;
use sango_store::bookings::Booking;
use sango_store::cases::Case;
use sha2::{Digest, Sha256};

use crate::audit::Touched;
use crate::auth::Caller;
use crate::cases::reference;
use crate::error::{ErrorCode, Problem, ServiceError, ServiceResult};
use crate::hub::Hub;
pub use group_commit::WriterStats;
use group_commit::{Pending, Written};
pub(crate) use holdings::Holdings;

/// The most days one booking may hold.
pub const MAX_BOOKING_DAYS: usize = 31;

/// A booking request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookRequest {
    pub case: String,
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub dates: Vec<NaiveDate>,
    pub idempotency_key: Option<String>,
}

impl BookRequest {
    /// The sorted, distinct dates, or BAD_USER_INPUT.
    pub(crate) fn checked_dates(&self) -> ServiceResult<Vec<NaiveDate>> {
        check_dates(&self.dates)
    }

    fn fingerprint(&self, dates: &[NaiveDate]) -> String {
        let text = format!("{}|{}|{}|{:?}", self.case.trim(), self.facility_id, self.service_type, dates);
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

pub(crate) fn check_dates(dates: &[NaiveDate]) -> ServiceResult<Vec<NaiveDate>> {
    let set: BTreeSet<NaiveDate> = dates.iter().copied().collect();
    if set.is_empty() || set.len() > MAX_BOOKING_DAYS {
        return Err(ServiceError::bad_input("dates", format!("give 1 to {MAX_BOOKING_DAYS} dates")));
    }
    if set.len() != dates.len() {
        return Err(ServiceError::bad_input("dates", "a date is listed twice"));
    }
    let v: Vec<NaiveDate> = set.into_iter().collect();
    if FiscalYear::containing(v[0]) != FiscalYear::containing(v[v.len() - 1]) {
        return Err(ServiceError::bad_input("dates", "a booking may not cross April 1: book each fiscal year separately"));
    }
    Ok(v)
}

/// A request after its checks: already answered (a retry), or ready to write.
enum Checked {
    Replayed(Box<Booking>),
    Ready(Box<Pending>),
}

impl Hub {
    /// Books the slots for a case, first come first served, or fails with CONFLICT naming the full days.
    pub async fn book(&self, caller: &Caller, req: BookRequest) -> ServiceResult<Booking> {
        let pending = match self.check_booking(caller, &req).await? {
            Checked::Replayed(b) => return Ok(*b),
            Checked::Ready(p) => *p,
        };
        let written = match &self.booking_queue {
            Some(queue) => queue.submit(pending.clone()).await,
            None => self.write_group(std::slice::from_ref(&pending)).await.pop().expect("one answer per request"),
        };
        self.answer(caller, &pending, written).await
    }

    /// Books several requests as one group, in order, in one transaction: what the booking
    /// writer does with the requests waiting for it, for callers that hold a batch already.
    /// Each request gets its own answer; a refused one takes nothing.
    pub async fn book_group(&self, requests: Vec<(Caller, BookRequest)>) -> Vec<ServiceResult<Booking>> {
        let mut answers: Vec<Option<ServiceResult<Booking>>> = Vec::with_capacity(requests.len());
        let mut ready = Vec::new();
        for (i, (caller, req)) in requests.iter().enumerate() {
            match self.check_booking(caller, req).await {
                Ok(Checked::Replayed(b)) => answers.push(Some(Ok(*b))),
                Ok(Checked::Ready(p)) => {
                    answers.push(None);
                    ready.push((i, *p));
                }
                Err(e) => answers.push(Some(Err(e))),
            }
        }
        let group: Vec<Pending> = ready.iter().map(|(_, p)| p.clone()).collect();
        let written = self.write_group(&group).await;
        for ((i, p), w) in ready.into_iter().zip(written) {
            answers[i] = Some(self.answer(&requests[i].0, &p, w).await);
        }
        answers.into_iter().map(|a| a.expect("every request answered")).collect()
    }

    /// The checks of a first-come request that need neither its case nor the database (but a
    /// retry under a stored key is answered here): the writer decides the rest, see [`decide`].
    async fn check_booking(&self, caller: &Caller, req: &BookRequest) -> ServiceResult<Checked> {
        caller.require()?;
        let dates = req.checked_dates()?;
        let fingerprint = req.fingerprint(&dates);
        if let Some(key) = &req.idempotency_key {
            if key.is_empty() || key.chars().count() > 128 || key.chars().any(char::is_control) {
                return Err(ServiceError::bad_input("idempotencyKey", "an idempotency key is 1 to 128 characters, none of them a control character"));
            }
            if let Some(found) = self.replay(caller, key, &fingerprint).await? {
                return Ok(Checked::Replayed(Box::new(found)));
            }
        }
        let case_ref = req.case.trim().to_owned();
        let reference = reference('B');
        let audit = self.write_record(caller, "BOOKED", "booking", Touched::new([reference.clone()], [case_ref.clone()]))?;
        let refused = self.audit_record(caller, Access::Read, "case", "case", Touched::new([case_ref.clone()], []), ErrorCode::NotFound.as_str());
        Ok(Checked::Ready(Box::new(Pending {
            caller: *caller,
            reference,
            case_ref,
            facility_id: req.facility_id,
            service_type: req.service_type,
            dates,
            idempotency_key: req.idempotency_key.clone(),
            fingerprint,
            actor: caller.actor(),
            audit,
            refused,
        })))
    }

    /// Every rule of a first-come booking that does not depend on what the case holds: those of
    /// [`Hub::check_offer`], a programme that books first come, and the application window.
    pub(crate) async fn check_first_come(&self, case: &Case, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> ServiceResult<Arc<ProgramRules>> {
        let rules = self.check_offer(case, facility, t, dates).await?;
        if rules.application.method == ApplicationMethod::Lottery {
            return Err(ServiceError::bad_input("case", format!("{} allocates by lottery: apply for the slots instead", case.profile.municipality)));
        }
        check_window(&rules.application, dates[0], self.now())?;
        Ok(rules)
    }

    /// The caller's answer to a written request.
    async fn answer(&self, caller: &Caller, p: &Pending, written: ServiceResult<Written>) -> ServiceResult<Booking> {
        match written? {
            Written::Booked(b) => Ok(*b),
            Written::KeyTaken => {
                // The same key won a race from another request: answer as a retry would.
                let key = p.idempotency_key.as_deref().ok_or_else(|| ServiceError::internal("a key was taken without a key"))?;
                self.replay(caller, key, &p.fingerprint).await?.ok_or_else(|| ServiceError::internal("idempotent booking vanished"))
            }
        }
    }

    /// The booking already made under `key`: the same one for the same request, CONFLICT for a different one.
    async fn replay(&self, caller: &Caller, key: &str, fingerprint: &str) -> ServiceResult<Option<Booking>> {
        let Some(found) = sango_store::bookings::by_idempotency_key(&self.db, key).await? else { return Ok(None) };
        let case = sango_store::cases::by_id(&self.db, found.case_id).await?;
        let p = caller.require()?;
        let visible = case.is_some_and(|c| p.may_manage_case(c.profile.municipality, c.profile.coordination));
        if !visible || found.fingerprint != fingerprint {
            return Err(ServiceError::conflict("idempotencyKey", "this idempotency key was already used for a different booking"));
        }
        Ok(Some(found))
    }

    /// Takes one slot on every date inside `txn`, or rolls nothing back itself but returns CONFLICT
    /// listing the full days (the caller's transaction must then be dropped).
    pub(crate) async fn take_slots(&self, txn: &DatabaseTransaction, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> ServiceResult<()> {
        let full = sango_store::calendar::take_within_capacity(txn, facility, t, dates).await?;
        if full.is_empty() { Ok(()) } else { Err(Self::full_days(t, &full)) }
    }

    /// CONFLICT naming the days that were full.
    pub(crate) fn full_days(t: ServiceType, full: &[NaiveDate]) -> ServiceError {
        let list: Vec<String> = full.iter().map(ToString::to_string).collect();
        let mut e = ServiceError::conflict("dates", format!("no free {t} slot on {}", list.join(", ")));
        e.problems = full.iter().map(|d| Problem { row: None, column: Some("dates".into()), message: format!("{d} is full") }).collect();
        e
    }

    /// Every rule a booking of `dates` must pass for this case as it stands, except the application
    /// window (lotteries and waitlists apply their own): the early answer to an application or a
    /// place on the waitlist. What is written is checked again with [`Hub::fits`] under a lock on
    /// the case. Returns the programme in force.
    pub(crate) async fn check_fits(&self, case: &Case, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> ServiceResult<Arc<ProgramRules>> {
        let bookings = sango_store::bookings::of_case(&self.db, case.id).await?;
        self.fits(case, &Holdings::of(&bookings), facility, t, dates).await
    }

    /// Every rule a booking of `dates` must pass for a case holding `held`, except the application
    /// window. Returns the programme in force.
    pub(crate) async fn fits(&self, case: &Case, held: &Holdings, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> ServiceResult<Arc<ProgramRules>> {
        let rules = self.check_offer(case, facility, t, dates).await?;
        held.check(&rules, case.profile.multiples, t, dates)?;
        Ok(rules)
    }

    /// The cases with these ids, locked until `txn` ends, each with what it holds: what a draw or
    /// an offer checks before it writes, so that no other booking of the same case can pass a
    /// limit in between (the booking writer takes the same locks, see [`decide`]).
    pub(crate) async fn lock_holdings(&self, txn: &DatabaseTransaction, ids: &[i64]) -> ServiceResult<HashMap<i64, (Case, Holdings)>> {
        Ok(sango_store::cases::lock_holdings(txn, ids).await?.into_iter().map(|h| (h.case.id, (h.case, Holdings::from(h.held)))).collect())
    }

    /// The rules that do not depend on what the case holds already: a programme for the fiscal
    /// year, the facility, its type and a contract with it covering the dates (the
    /// municipality's, or its agreement host's), the infant's age, the consecutive nights. Returns the programme in force.
    pub(crate) async fn check_offer(&self, case: &Case, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> ServiceResult<Arc<ProgramRules>> {
        let m = case.profile.municipality;
        let (first, last) = (dates[0], dates[dates.len() - 1]);
        let fy = FiscalYear::containing(first);
        let rules = self.rules(m, fy).await?.ok_or_else(|| ServiceError::bad_input("dates", format!("{m} has no programme for {}", fy.wareki())))?;
        let span = (last - first).num_days() as u32 + 1;
        let contracted = {
            // Facilities and contracts as the in-memory state mirrors them after every committed write.
            let state = self.search_state();
            if state.facilities.location(facility).is_none() {
                return Err(ServiceError::not_found("facilityId", format!("no facility {facility}")));
            }
            if state.calendars.get(facility, t).is_none() {
                return Err(ServiceError::bad_input("serviceType", format!("facility {facility} does not offer {t}")));
            }
            state.contracts.find(m, t, facility, first, span).is_some()
        };
        if !contracted {
            // Without a contract of its own, through the host of a mutual-use agreement it belongs to.
            let hosts = self.agreement_hosts(m, first, last).await?;
            let state = self.search_state();
            if !hosts.iter().any(|h| state.contracts.find(*h, t, facility, first, span).is_some()) {
                return Err(ServiceError::bad_input(
                    "facilityId",
                    format!("{m} has no {t} contract with facility {facility} covering {first} to {last}, of its own or through a mutual-use agreement"),
                ));
            }
        }
        let rule = sango_availability::check_infant(&rules, t, first, last, case.profile.infant_birth_date).map_err(ServiceError::from)?;
        sango_availability::check_consecutive(rule, longest_run(dates)).map_err(|mut e| {
            e.field = "dates".into();
            ServiceError::from(e)
        })?;
        Ok(rules)
    }

    /// Cancels a booking: its municipality (or coordinator) or the facility's staff. A cancellation
    /// after the programme's deadline records the fee for the case's tier. The freed slots are
    /// offered at once to the waitlist.
    pub async fn cancel_booking(&self, caller: &Caller, booking_ref: &str, reason: &str) -> ServiceResult<Booking> {
        let p = caller.require()?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(ServiceError::bad_input("reason", "say why, in 1 to 500 characters"));
        }
        let (booking, case) = self.visible_booking(caller, booking_ref).await?;
        if booking.status != BookingStatus::Booked {
            return Err(ServiceError::conflict("booking", format!("the booking is {} and cannot be cancelled", booking.status.as_str())));
        }
        if booking.days.iter().any(|d| d.outcome.is_some()) {
            return Err(ServiceError::conflict("booking", "use has already been recorded for this booking"));
        }
        let first = booking.days[0].date;
        let rules = self.rules(case.profile.municipality, FiscalYear::containing(first)).await?;
        let fee = rules.and_then(|r| sango_booking::cancellation_fee(&r, booking.service_type, case.profile.tier, first, self.now()));
        let dates: Vec<NaiveDate> = booking.days.iter().map(|d| d.date).collect();
        let txn = sango_store::begin_write(&self.db).await?;
        sango_store::calendar::release_one(&txn, booking.facility_id, booking.service_type, &dates).await?;
        sango_store::bookings::cancel(&txn, booking.id, &p.to_string(), reason, fee, self.now()).await?;
        let data = serde_json::json!({ "fee": fee.map(|f| f.0), "dates": dates });
        self.log(&txn, caller, "CANCELLED", &format!("booking:{}", booking.reference), Some(reason), data).await?;
        txn.commit().await?;
        self.slots_changed(booking.facility_id, booking.service_type, &dates, -1);
        self.refill(booking.facility_id, booking.service_type, &dates).await?;
        sango_store::bookings::by_id(&self.db, booking.id).await?.ok_or_else(|| ServiceError::internal("booking vanished"))
    }

    /// A booking the caller may see, with its case.
    pub(crate) async fn visible_booking(&self, caller: &Caller, reference: &str) -> ServiceResult<(Booking, Case)> {
        let p = caller.require()?;
        let not_found = || ServiceError::not_found("booking", format!("no booking {reference}"));
        let booking = sango_store::bookings::by_reference(&self.db, reference.trim()).await?;
        let case = match &booking {
            Some(b) => sango_store::cases::by_id(&self.db, b.case_id).await?,
            None => None,
        };
        match (booking, case) {
            (Some(b), Some(c)) if p.may_manage_case(c.profile.municipality, c.profile.coordination) || p.is_staff_of(b.facility_id) => Ok((b, c)),
            _ => {
                self.audit_refused(caller, "booking", "booking", reference.trim(), &not_found()).await?;
                Err(not_found())
            }
        }
    }

    /// A case's bookings.
    pub async fn bookings_of_case(&self, caller: &Caller, case_ref: &str) -> ServiceResult<Vec<Booking>> {
        let case = self.find_case(caller, case_ref).await?;
        let bookings = sango_store::bookings::of_case(&self.db, case.id).await?;
        self.audit_read(caller, "bookingsOfCase", "booking", Touched::new(bookings.iter().map(|b| b.reference.clone()), [case.reference])).await?;
        Ok(bookings)
    }

    /// A facility's bookings over a period, for its staff (and the municipality's staff, for their own cases).
    pub async fn facility_bookings(&self, caller: &Caller, facility: i64, from: NaiveDate, to: NaiveDate) -> ServiceResult<Vec<(Booking, Case)>> {
        let p = caller.require()?;
        if to < from || (to - from).num_days() > 366 {
            return Err(ServiceError::bad_input("to", "give a period of at most a year"));
        }
        let bookings = sango_store::bookings::at_facility(&self.db, facility, from, to).await?;
        let ids: Vec<i64> = bookings.iter().map(|b| b.case_id).collect();
        let cases = sango_store::cases::by_ids(&self.db, &ids).await?;
        let seen: Vec<(Booking, Case)> = bookings
            .into_iter()
            .filter_map(|b| {
                let case = cases.iter().find(|c| c.id == b.case_id)?.clone();
                (p.is_staff_of(facility) || p.may_manage_case(case.profile.municipality, case.profile.coordination)).then_some((b, case))
            })
            .collect();
        let touched = Touched::new(seen.iter().map(|(b, _)| b.reference.clone()), seen.iter().map(|(_, c)| c.reference.clone()));
        self.audit_read(caller, "facilityBookings", "booking", touched).await?;
        Ok(seen)
    }

    /// The age in days of a case's infant on a date (what facility staff need for care).
    pub fn infant_age_days(case: &Case, on: NaiveDate) -> i64 {
        (on - case.profile.infant_birth_date).num_days()
    }
}
