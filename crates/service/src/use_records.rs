//! Recording use (利用実績): the facility confirms, day by day, that a booked day was used (with
//! any additions: multiples, sibling, infant over four months, high-need acceptance) or was a
//! no-show. These records are what settlement reads.

use chrono::NaiveDate;
use sango_domain::{BookingStatus, Outcome};
use sango_store::bookings::{Booking, UseRecord};

use crate::audit::Touched;
use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// What the facility confirms for a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayUse {
    pub date: NaiveDate,
    pub outcome: Outcome,
    /// Infants cared for (multiples).
    pub infants: u32,
    pub sibling: bool,
    pub over_four_months: bool,
    pub high_need: bool,
}

impl Hub {
    /// Records the use of a day of a booking at the caller's facility; the day must have come.
    pub async fn record_use(&self, caller: &Caller, booking_ref: &str, u: DayUse) -> ServiceResult<Booking> {
        let p = caller.require()?;
        let (booking, _case) = self.visible_booking(caller, booking_ref).await?;
        if !p.is_staff_of(booking.facility_id) {
            return Err(ServiceError::forbidden("use is recorded by the facility's staff"));
        }
        if booking.status == BookingStatus::Cancelled {
            return Err(ServiceError::conflict("booking", "the booking was cancelled"));
        }
        if !booking.days.iter().any(|d| d.date == u.date) {
            return Err(ServiceError::bad_input("date", format!("{} is not a day of this booking", u.date)));
        }
        if u.date > sango_booking::to_jst(self.now()).date() {
            return Err(ServiceError::bad_input("date", "use can be recorded from the day itself, not before"));
        }
        if !(1..=5).contains(&u.infants) {
            return Err(ServiceError::bad_input("infants", "1 to 5 infants"));
        }
        let record = UseRecord { infants: u.infants, sibling: u.sibling, over_four_months: u.over_four_months, high_need: u.high_need, recorded_at: self.now(), recorded_by: p.to_string() };
        let txn = sango_store::begin_write(&self.db).await?;
        sango_store::bookings::record_day(&txn, booking.id, u.date, u.outcome, &record).await?;
        let data = serde_json::json!({ "date": u.date, "outcome": u.outcome.as_str(), "infants": u.infants, "sibling": u.sibling, "overFourMonths": u.over_four_months, "highNeed": u.high_need });
        self.log(&txn, caller, "USE_RECORDED", &format!("booking:{}", booking.reference), None, data).await?;
        txn.commit().await?;
        self.wake_pricing();
        sango_store::bookings::by_id(&self.db, booking.id).await?.ok_or_else(|| ServiceError::internal("booking vanished"))
    }

    /// The events of a booking, oldest first (who, when, why). The case's municipality (and the
    /// coordinator for a flagged case) sees them whole; the facility's staff see them as care
    /// needs them, without the case reference or the municipality's notes ([`care_view`]).
    pub async fn booking_events(&self, caller: &Caller, booking_ref: &str) -> ServiceResult<Vec<sango_store::events::Event>> {
        let p = caller.require()?;
        let (booking, case) = self.visible_booking(caller, booking_ref).await?;
        let events = sango_store::events::of_subjects(&self.db, &[format!("booking:{}", booking.reference)]).await?;
        let whole = p.may_manage_case(case.profile.municipality, case.profile.coordination);
        self.audit_read(caller, "bookingEvents", "booking", Touched::new([booking.reference], [case.reference])).await?;
        Ok(if whole { events } else { events.into_iter().map(|e| care_view(e, &caller.actor())).collect() })
    }
}

/// The parts of an event's data that care needs: dates, type, infants and additions, the outcome
/// and any fee. Everything else (the case reference, where a booking came from) is dropped.
const CARE_KEYS: &[&str] = &["facility", "serviceType", "dates", "date", "outcome", "infants", "sibling", "overFourMonths", "highNeed", "fee"];

/// An event as a facility's staff see it: only [`CARE_KEYS`] of its data, and the reason only
/// when `viewer` wrote it (a municipality's reason for cancelling is its own note).
pub fn care_view(mut e: sango_store::events::Event, viewer: &str) -> sango_store::events::Event {
    if let serde_json::Value::Object(map) = &mut e.data {
        map.retain(|k, _| CARE_KEYS.contains(&k.as_str()));
    } else {
        e.data = serde_json::Value::Object(Default::default());
    }
    if e.actor != viewer {
        e.reason = None;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(actor: &str, reason: Option<&str>, data: serde_json::Value) -> sango_store::events::Event {
        sango_store::events::Event { id: 1, at: chrono::Utc::now(), actor: actor.into(), kind: "BOOKED".into(), subject: "booking:B-1".into(), reason: reason.map(Into::into), data }
    }

    #[test]
    fn the_care_view_drops_the_case_and_the_municipalitys_notes() {
        let data = serde_json::json!({ "case": "C-0123456789ab", "from": "waitlist:3", "facility": 4, "serviceType": "SHORT_STAY", "dates": ["2025-06-02"] });
        let seen = care_view(event("municipal-staff:312011", Some("moved away"), data), "facility-staff:4");
        assert_eq!(seen.data, serde_json::json!({ "facility": 4, "serviceType": "SHORT_STAY", "dates": ["2025-06-02"] }));
        assert_eq!(seen.reason, None);
        assert!(!seen.data.to_string().contains("C-0123456789ab"));
    }

    #[test]
    fn the_care_view_keeps_what_care_needs_and_the_viewers_own_reason() {
        let data = serde_json::json!({ "date": "2025-06-02", "outcome": "USED", "infants": 2, "sibling": true, "overFourMonths": false, "highNeed": true, "fee": 900 });
        let seen = care_view(event("facility-staff:4", Some("the mother fell ill"), data.clone()), "facility-staff:4");
        assert_eq!(seen.data, data);
        assert_eq!(seen.reason.as_deref(), Some("the mother fell ill"));
        assert_eq!(care_view(event("x", None, serde_json::json!("C-0123456789ab")), "y").data, serde_json::json!({}));
    }
}
