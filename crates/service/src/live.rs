//! Live capacity: every committed change of taken slots is mirrored in the search state and
//! broadcast to subscribers with the new free count.

use chrono::NaiveDate;
use sango_domain::{LgCode, ServiceType};
use tokio::sync::broadcast;

use crate::hub::Hub;

/// How many changes a slow subscriber may fall behind before it misses some.
pub(crate) const CHANNEL_CAPACITY: usize = 4_096;

/// Free slots changed at a facility for a type and date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityChange {
    pub facility_id: i64,
    /// The municipality the facility lies in.
    pub municipality: LgCode,
    pub service_type: ServiceType,
    pub date: NaiveDate,
    pub capacity: u32,
    pub taken: u32,
    pub free: u32,
}

impl Hub {
    /// Subscribes to every capacity change from now on.
    pub fn capacity_changes(&self) -> broadcast::Receiver<CapacityChange> {
        self.changes.subscribe()
    }

    /// Mirrors a committed change of `delta` slots on each date and tells subscribers.
    pub(crate) fn slots_changed(&self, facility: i64, t: ServiceType, dates: &[NaiveDate], delta: i32) {
        self.adjust_taken(facility, t, dates, delta);
        let state = self.search_state();
        let (Some(cal), Some(m)) = (state.calendars.get(facility, t), state.municipality_of.get(&facility)) else { return };
        for d in dates {
            // No receivers is not an error: nobody is listening.
            let _ = self.changes.send(CapacityChange { facility_id: facility, municipality: *m, service_type: t, date: *d, capacity: cal.capacity_on(*d), taken: cal.taken_on(*d), free: cal.free_on(*d) });
        }
    }
}
