//! Per facility and service type, per date: capacity (daily capacity, minus closures, replaced by
//! explicit overrides) and what is taken.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use sango_domain::ServiceType;

use crate::day_counts::DayCounts;

/// The calendar of one service type at one facility.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceCalendar {
    pub daily_capacity: u32,
    /// Inclusive date ranges without service.
    pub closures: Vec<(NaiveDate, NaiveDate)>,
    /// Capacity published for a single date, replacing the daily capacity (a closure still wins).
    pub overrides: BTreeMap<NaiveDate, u32>,
    /// Slots taken (booked or held) per date.
    pub taken: DayCounts,
}

impl ServiceCalendar {
    /// Capacity on a date.
    pub fn capacity_on(&self, d: NaiveDate) -> u32 {
        if self.closures.iter().any(|(from, to)| *from <= d && d <= *to) {
            return 0;
        }
        self.overrides.get(&d).copied().unwrap_or(self.daily_capacity)
    }

    /// Taken on a date.
    pub fn taken_on(&self, d: NaiveDate) -> u32 {
        self.taken.get(d)
    }

    /// Free on a date (never negative, even if capacity was cut below what is taken).
    pub fn free_on(&self, d: NaiveDate) -> u32 {
        self.capacity_on(d).saturating_sub(self.taken_on(d))
    }

    /// The smallest number free over `days` days from `start`.
    pub fn min_free(&self, start: NaiveDate, days: u32) -> u32 {
        start.iter_days().take(days as usize).map(|d| self.free_on(d)).min().unwrap_or(0)
    }
}

/// Every calendar, by facility and type. Keys are ids the hub assigned, so a fast hash without
/// flooding resistance is safe here.
#[derive(Clone, Debug, Default)]
pub struct Calendars {
    map: FxHashMap<(i64, ServiceType), ServiceCalendar>,
}

impl Calendars {
    pub fn get(&self, facility: i64, t: ServiceType) -> Option<&ServiceCalendar> {
        self.map.get(&(facility, t))
    }

    pub fn get_mut(&mut self, facility: i64, t: ServiceType) -> Option<&mut ServiceCalendar> {
        self.map.get_mut(&(facility, t))
    }

    /// Sets the calendar of a facility's type.
    pub fn insert(&mut self, facility: i64, t: ServiceType, cal: ServiceCalendar) {
        self.map.insert((facility, t), cal);
    }

    /// Removes every calendar of a facility.
    pub fn remove_facility(&mut self, facility: i64) {
        self.map.retain(|(f, _), _| *f != facility);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 8, day).unwrap()
    }

    #[test]
    fn closures_beat_overrides_which_beat_daily_capacity() {
        let mut c = ServiceCalendar { daily_capacity: 4, ..Default::default() };
        c.overrides.insert(d(10), 6);
        c.overrides.insert(d(14), 6);
        c.closures.push((d(13), d(15)));
        c.taken.set(d(10), 2);
        assert_eq!((c.capacity_on(d(9)), c.capacity_on(d(10)), c.capacity_on(d(14))), (4, 6, 0));
        assert_eq!(c.free_on(d(10)), 4);
        assert_eq!(c.min_free(d(9), 3), 4);
        assert_eq!(c.min_free(d(11), 3), 0);
        assert_eq!(c.min_free(d(11), 0), 0);
    }

    #[test]
    fn free_never_goes_negative() {
        let mut c = ServiceCalendar { daily_capacity: 1, ..Default::default() };
        c.taken.set(d(1), 3);
        assert_eq!(c.free_on(d(1)), 0);
    }
}
