//! What a case already holds, and the check of a new booking against it: no second booking of a
//! type on the same day, and the programme's yearly limits. No IO: the booking writer runs it
//! inside its write transaction over what it read there (see [`super::decide`]), and the lottery
//! and waitlist over what they read under a lock on the case (see [`crate::Hub::lock_holdings`]).

use chrono::NaiveDate;
use sango_booking::{Usage, check_limits};
use sango_domain::{BookingStatus, FiscalYear, ProgramRules, ServiceType};
use sango_store::bookings::Booking;

use crate::error::{ServiceError, ServiceResult};

/// The days a case holds: every day of its bookings that are not cancelled (a no-show counts, as
/// the slot was held).
#[derive(Clone, Debug, Default)]
pub(crate) struct Holdings(Vec<(ServiceType, NaiveDate)>);

impl From<Vec<(ServiceType, NaiveDate)>> for Holdings {
    fn from(held: Vec<(ServiceType, NaiveDate)>) -> Self {
        Self(held)
    }
}

impl Holdings {
    pub(crate) fn of<'a>(bookings: impl IntoIterator<Item = &'a Booking>) -> Self {
        let mut held = Self::default();
        for b in bookings {
            held.hold(b);
        }
        held
    }

    /// Adds the days of a stored booking, unless it is cancelled.
    pub(crate) fn hold(&mut self, b: &Booking) {
        if b.status != BookingStatus::Cancelled {
            self.0.extend(b.days.iter().map(|d| (b.service_type, d.date)));
        }
    }

    /// Adds the days of a booking just taken.
    pub(crate) fn add(&mut self, t: ServiceType, dates: &[NaiveDate]) {
        self.0.extend(dates.iter().map(|d| (t, *d)));
    }

    /// Units of each type held in a fiscal year.
    fn usage(&self, fy: FiscalYear) -> Usage {
        let mut usage = Usage::default();
        for (t, _) in self.0.iter().filter(|(_, d)| FiscalYear::containing(*d) == fy) {
            *usage.by_type.entry(*t).or_insert(0) += 1;
        }
        usage
    }

    /// Refuses `dates` of type `t` when the case holds one of them already (CONFLICT) or when they
    /// would pass a limit of the programme (BAD_USER_INPUT naming the rule and the numbers).
    /// `dates` are sorted and within one fiscal year.
    pub(crate) fn check(&self, rules: &ProgramRules, multiples: u32, t: ServiceType, dates: &[NaiveDate]) -> ServiceResult<()> {
        if let Some((_, d)) = self.0.iter().find(|(held, d)| *held == t && dates.contains(d)) {
            return Err(ServiceError::conflict("dates", format!("the case already has a {t} booking on {d}")));
        }
        let usage = self.usage(FiscalYear::containing(dates[0]));
        Ok(check_limits(rules, t, dates.len() as u32, multiples, &usage)?)
    }
}
