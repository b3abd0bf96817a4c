//! Free capacity: the capacity a facility publishes, its calendar, and the `nearbyCapacity` search
//! with the resident's programme checks (over the in-memory state that `mirror` keeps).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use moka::future::Cache;
use sango_availability::NearbyQuery;
use sango_domain::{FiscalYear, LgCode, ProgramRules, ServiceType};
use sango_store::Facility;
use sango_store::booking_group::SlotKey;
use sango_store::calendar::{DayCount, SlotState};

use crate::auth::Caller;
use crate::error::{Problem, ServiceError, ServiceResult};
use crate::hub::Hub;

/// Programmes in force by municipality and fiscal year; emptied on every programme write.
#[derive(Clone)]
pub(crate) struct ProgramCache(Cache<(LgCode, FiscalYear), Option<Arc<ProgramRules>>>);

impl ProgramCache {
    pub(crate) fn new() -> Self {
        Self(Cache::builder().max_capacity(20_000).build())
    }

    /// Forgets every cached programme (after any programme write or bulk load).
    pub(crate) fn clear(&self) {
        self.0.invalidate_all();
    }
}

/// One day of a facility's calendar for a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub capacity: u32,
    pub taken: u32,
    pub free: u32,
}

/// A hit with its facility record.
#[derive(Clone, Debug, PartialEq)]
pub struct NearbyHit {
    pub facility: Facility,
    pub hit: sango_availability::Hit,
}

/// The longest date range a calendar read or capacity write may span.
pub const MAX_CALENDAR_DAYS: i64 = 800;

impl Hub {
    /// The programme in force, cached.
    pub(crate) async fn rules(&self, m: LgCode, fy: FiscalYear) -> ServiceResult<Option<Arc<ProgramRules>>> {
        let db = self.db.clone();
        self.programs
            .0
            .try_get_with((m, fy), async move { sango_store::programs::current(&db, m, fy).await.map(|p| p.map(|p| Arc::new(p.rules))) })
            .await
            .map_err(ServiceError::internal)
    }

    /// Facilities near a point with free capacity for the whole request, as the resident's programme
    /// allows, contracted by the resident's municipality or by the host of a mutual-use agreement
    /// it belongs to on every requested day.
    /// Municipal staff search for their own residents; coordinators for their prefecture's.
    pub async fn nearby_capacity(&self, caller: &Caller, q: NearbyQuery) -> ServiceResult<Vec<NearbyHit>> {
        let p = caller.require()?;
        let allowed = match p {
            sango_domain::Principal::Admin => true,
            sango_domain::Principal::MunicipalStaff(m) => *m == q.resident,
            sango_domain::Principal::PrefectureCoordinator(pref) => q.resident.prefecture() == *pref,
            _ => false,
        };
        if !allowed {
            return Err(ServiceError::forbidden(format!("{p} may not search for residents of {}", q.resident)));
        }
        if !(q.radius_km > 0.0 && q.radius_km <= 500.0) {
            return Err(ServiceError::bad_input("radiusKm", "the radius must be more than 0 and at most 500 km"));
        }
        if !(1..=200).contains(&q.limit) {
            return Err(ServiceError::bad_input("limit", "the limit must be 1 to 200"));
        }
        let fy = FiscalYear::containing(q.request.start);
        let rules = self
            .rules(q.resident, fy)
            .await?
            .ok_or_else(|| ServiceError::bad_input("residentMunicipality", format!("{} has no programme for {}", q.resident, fy.wareki())))?;
        let last = q.request.start + chrono::Days::new(u64::from(q.request.days.max(1) - 1));
        let hosts = self.agreement_hosts(q.resident, q.request.start, last).await?;
        let hits = sango_availability::nearby_through(&self.search_state(), &rules, &q, &hosts)?;
        let ids: Vec<i64> = hits.iter().map(|h| h.facility_id).collect();
        let mut records: HashMap<i64, Facility> = sango_store::facilities::get_many(&self.db, &ids).await?.into_iter().map(|f| (f.id, f)).collect();
        Ok(hits.into_iter().filter_map(|hit| records.remove(&hit.facility_id).map(|facility| NearbyHit { facility, hit })).collect())
    }

    /// A facility's calendar for one type (public: free capacity is published facility data).
    pub async fn calendar(&self, facility: i64, t: ServiceType, from: NaiveDate, to: NaiveDate) -> ServiceResult<Vec<CalendarDay>> {
        check_range(from, to)?;
        let state = self.search_state();
        let Some(cal) = state.calendars.get(facility, t) else { return Ok(vec![]) };
        Ok(from.iter_days().take_while(|d| *d <= to).map(|date| CalendarDay { date, capacity: cal.capacity_on(date), taken: cal.taken_on(date), free: cal.free_on(date) }).collect())
    }

    /// Publishes a capacity for every date from `from` to `to` (inclusive), replacing the daily
    /// capacity there. A capacity below what is already booked on any of the dates is refused
    /// (CONFLICT, naming those days), and nothing changes.
    pub async fn set_capacity(&self, caller: &Caller, facility: i64, t: ServiceType, from: NaiveDate, to: NaiveDate, capacity: i64) -> ServiceResult<Vec<CalendarDay>> {
        let p = caller.require()?;
        check_range(from, to)?;
        let cap = sango_domain::ServiceCapacity::new(t, capacity, "capacity")?;
        let f = self.facility(facility).await?.ok_or_else(|| ServiceError::not_found("facilityId", format!("no facility {facility}")))?;
        if !p.may_edit_facility(f.municipality, Some(facility)) {
            return Err(ServiceError::forbidden(format!("{p} may not change the capacity of facility {facility}")));
        }
        if !f.draft.services.iter().any(|s| s.service_type == t) {
            return Err(ServiceError::bad_input("serviceType", format!("facility {facility} does not offer {t}")));
        }
        let rows: Vec<DayCount> = from.iter_days().take_while(|d| *d <= to).map(|date| DayCount { facility_id: facility, service_type: t, date, count: cap.daily_capacity }).collect();
        let txn = sango_store::begin_write(&self.db).await?;
        // The lock a group of bookings takes on its slots: a booking decided before this commits
        // is counted here, and one decided after it sees the new capacity.
        let keys: Vec<SlotKey> = rows.iter().map(|r| (facility, t, r.date)).collect();
        let locked = sango_store::booking_group::lock(&txn, &[], &keys).await?;
        let after: Vec<SlotState> = locked.slots.iter().map(|s| SlotState { capacity: cap.daily_capacity, ..*s }).collect();
        booked_beyond("capacity", &after)?;
        sango_store::calendar::set_overrides(&txn, &rows).await?;
        self.audit_write(&txn, caller, "setCapacity", "facility", crate::audit::Touched::new([facility.to_string()], [])).await?;
        txn.commit().await?;
        self.mirror_overrides(&rows);
        self.calendar(facility, t, from, to).await
    }
}

/// CONFLICT naming the days on which more are booked than the capacity they would have (each
/// slot with that capacity), with `field` at fault: those bookings must be cancelled or moved
/// before the capacity can go below them.
pub(crate) fn booked_beyond(field: &str, slots: &[SlotState]) -> ServiceResult<()> {
    let over: Vec<&SlotState> = slots.iter().filter(|s| s.taken > s.capacity).collect();
    if over.is_empty() {
        return Ok(());
    }
    let day = |s: &SlotState| format!("{} {} ({} booked, capacity {})", s.date, s.service_type, s.taken, s.capacity);
    let days: Vec<String> = over.iter().map(|s| day(s)).collect();
    let mut e = ServiceError::conflict(field, format!("more are already booked than the new capacity allows on {}; cancel or move those bookings first", days.join(", ")));
    e.problems = over.iter().map(|s| Problem { row: None, column: Some(field.into()), message: day(s) }).collect();
    Err(e)
}

fn check_range(from: NaiveDate, to: NaiveDate) -> ServiceResult<()> {
    if to < from {
        return Err(ServiceError::bad_input("to", "the range ends before it starts"));
    }
    if (to - from).num_days() >= MAX_CALENDAR_DAYS {
        return Err(ServiceError::bad_input("to", format!("a range may span at most {MAX_CALENDAR_DAYS} days")));
    }
    Ok(())
}
