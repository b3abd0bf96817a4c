//! The waitlist: a freed slot is offered at once to the first waiting case that still fits every
//! rule (Hirakata's "instant refill"); the slots are held while the offer stands, and an offer
//! that is not taken up in time expires and passes on.

use chrono::NaiveDate;
use sango_domain::{BookingSource, ServiceType};
use sango_store::bookings::{Booking, NewBooking};
use sango_store::waitlist::{WaitStatus, WaitlistEntry};

use crate::audit::Touched;
use crate::auth::Caller;
use crate::booking::check_dates;
use crate::cases::reference;
use crate::error::{ErrorCode, ServiceError, ServiceResult};
use crate::hub::Hub;

impl Hub {
    /// Puts a case on the waitlist for consecutive dates at a facility; if there is room now, the
    /// offer is made at once.
    pub async fn join_waitlist(&self, caller: &Caller, case_ref: &str, facility: i64, t: ServiceType, dates: &[NaiveDate]) -> ServiceResult<WaitlistEntry> {
        let dates = check_dates(dates)?;
        let (first, last) = (dates[0], dates[dates.len() - 1]);
        if (last - first).num_days() + 1 != dates.len() as i64 {
            return Err(ServiceError::bad_input("dates", "the waitlist takes consecutive dates"));
        }
        let case = self.find_case(caller, case_ref).await?;
        self.check_fits(&case, facility, t, &dates).await?;
        let txn = sango_store::begin_write(&self.db).await?;
        let entry = sango_store::waitlist::insert(&txn, case.id, facility, t, first, last, &caller.actor(), self.now()).await?;
        self.log(&txn, caller, "WAITLISTED", &format!("waitlist:{}", entry.id), None, serde_json::json!({ "case": case.reference, "facility": facility, "dates": dates })).await?;
        txn.commit().await?;
        self.refill(facility, t, &dates).await?;
        Ok(sango_store::waitlist::by_id(&self.db, entry.id).await?.unwrap_or(entry))
    }

    /// Offers free slots of a facility's type to waiting cases in joining order, for as long as
    /// there is room. Entries that no longer fit their programme are passed over, not removed.
    pub(crate) async fn refill(&self, facility: i64, t: ServiceType, freed: &[NaiveDate]) -> ServiceResult<()> {
        let system = Caller::Principal(sango_domain::Principal::Admin);
        for entry in sango_store::waitlist::in_line(&self.db, facility, t, WaitStatus::Waiting).await? {
            let dates = entry.dates();
            if !dates.iter().any(|d| freed.contains(d)) {
                continue;
            }
            let txn = sango_store::begin_write(&self.db).await?;
            let locked = self.lock_holdings(&txn, &[entry.case_id]).await?;
            let Some((case, held)) = locked.get(&entry.case_id) else { continue };
            if self.fits(case, held, facility, t, &dates).await.is_err() {
                continue;
            }
            match self.take_slots(&txn, facility, t, &dates).await {
                Ok(()) => {}
                Err(e) if e.code == ErrorCode::Conflict => continue,
                Err(e) => return Err(e),
            }
            let now = self.now();
            let expires = now + self.offer_ttl;
            if !sango_store::waitlist::transition(&txn, entry.id, WaitStatus::Waiting, WaitStatus::Offered, Some((now, expires)), None).await? {
                continue;
            }
            self.log(&txn, &system, "OFFERED", &format!("waitlist:{}", entry.id), None, serde_json::json!({ "case": case.reference, "expiresAt": expires.to_rfc3339(), "dates": dates })).await?;
            txn.commit().await?;
            self.slots_changed(facility, t, &dates, 1);
        }
        Ok(())
    }

    /// Takes up an offer: the held slots become a booking.
    pub async fn accept_offer(&self, caller: &Caller, entry_id: i64) -> ServiceResult<Booking> {
        let entry = self.visible_entry(caller, entry_id).await?;
        if entry.status != WaitStatus::Offered || entry.offer_expires_at.is_some_and(|at| at <= self.now()) {
            return Err(ServiceError::conflict("entry", "there is no standing offer for this entry"));
        }
        let dates = entry.dates();
        let fingerprint = format!("waitlist:{}", entry.id);
        let txn = sango_store::begin_write(&self.db).await?;
        // The case may have booked other days since the offer was made: its limits are checked
        // again, under a lock on it. A refused offer keeps its slot until it expires; the refusal
        // names the entry, the only thing the caller gave.
        let locked = self.lock_holdings(&txn, &[entry.case_id]).await?;
        let (case, held) = locked.get(&entry.case_id).ok_or_else(|| ServiceError::internal("the case of a waitlist entry vanished"))?;
        self.fits(case, held, entry.facility_id, entry.service_type, &dates).await.map_err(|mut e| {
            e.field = Some("entry".into());
            e
        })?;
        let new = NewBooking {
            reference: &reference('B'),
            case_id: entry.case_id,
            facility_id: entry.facility_id,
            service_type: entry.service_type,
            dates: &dates,
            source: BookingSource::Waitlist,
            idempotency_key: None,
            fingerprint: &fingerprint,
        };
        let booking = sango_store::bookings::insert(&txn, &new, &caller.actor(), self.now()).await?;
        if !sango_store::waitlist::transition(&txn, entry.id, WaitStatus::Offered, WaitStatus::Booked, None, Some(booking.id)).await? {
            return Err(ServiceError::conflict("entry", "the offer was taken up or expired meanwhile"));
        }
        self.log(&txn, caller, "BOOKED", &format!("booking:{}", booking.reference), None, serde_json::json!({ "from": fingerprint, "dates": dates })).await?;
        txn.commit().await?;
        Ok(booking)
    }

    /// Lets offers past their time lapse: their slots are released and offered to the next in line.
    /// The server calls this periodically; it is safe to call at any time.
    pub async fn expire_offers(&self) -> ServiceResult<usize> {
        let system = Caller::Principal(sango_domain::Principal::Admin);
        let mut n = 0;
        for entry in sango_store::waitlist::expired_offers(&self.db, self.now()).await? {
            let dates = entry.dates();
            let txn = sango_store::begin_write(&self.db).await?;
            if !sango_store::waitlist::transition(&txn, entry.id, WaitStatus::Offered, WaitStatus::Expired, None, None).await? {
                continue;
            }
            sango_store::calendar::release_one(&txn, entry.facility_id, entry.service_type, &dates).await?;
            self.log(&txn, &system, "OFFER_EXPIRED", &format!("waitlist:{}", entry.id), Some("not taken up in time"), serde_json::json!({ "dates": dates })).await?;
            txn.commit().await?;
            self.slots_changed(entry.facility_id, entry.service_type, &dates, -1);
            self.refill(entry.facility_id, entry.service_type, &dates).await?;
            n += 1;
        }
        Ok(n)
    }

    /// A case's waitlist entries.
    pub async fn waitlist_of_case(&self, caller: &Caller, case_ref: &str) -> ServiceResult<Vec<WaitlistEntry>> {
        let case = self.find_case(caller, case_ref).await?;
        let entries = sango_store::waitlist::of_case(&self.db, case.id).await?;
        self.audit_read(caller, "waitlistOfCase", "waitlist", Touched::new(entries.iter().map(|e| e.id.to_string()), [case.reference])).await?;
        Ok(entries)
    }

    async fn visible_entry(&self, caller: &Caller, id: i64) -> ServiceResult<WaitlistEntry> {
        let p = caller.require()?;
        let not_found = || ServiceError::not_found("entry", format!("no waitlist entry {id}"));
        let entry = sango_store::waitlist::by_id(&self.db, id).await?;
        let case = match &entry {
            Some(e) => sango_store::cases::by_id(&self.db, e.case_id).await?,
            None => None,
        };
        match (entry, case) {
            (Some(e), Some(c)) if p.may_manage_case(c.profile.municipality, c.profile.coordination) => Ok(e),
            _ => {
                self.audit_refused(caller, "waitlistEntry", "waitlist", &id.to_string(), &not_found()).await?;
                Err(not_found())
            }
        }
    }
}
