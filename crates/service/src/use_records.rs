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
        sango_store::bookings::by_id(&self.db, booking.id).await?.ok_or_else(|| ServiceError::internal("booking vanished"))
    }

    /// The events of a booking, oldest first (who, when, why).
    pub async fn booking_events(&self, caller: &Caller, booking_ref: &str) -> ServiceResult<Vec<sango_store::events::Event>> {
        let (booking, case) = self.visible_booking(caller, booking_ref).await?;
        let events = sango_store::events::of_subjects(&self.db, &[format!("booking:{}", booking.reference)]).await?;
        self.audit_read(caller, "bookingEvents", "booking", Touched::new([booking.reference], [case.reference])).await?;
        Ok(events)
    }
}
