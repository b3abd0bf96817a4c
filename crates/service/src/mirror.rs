//! The in-memory search state (facility index, calendars, contracts): loaded whole at start-up and
//! after bulk loads, and otherwise kept in step with each committed write by small deltas — one
//! facility, one contract pair, a few dates — so that no write pays for a full rebuild.

use sango_availability::{Calendars, ContractBook, SearchState, ServiceCalendar};
use sango_domain::{LgCode, ServiceType};
use sango_spatial::FacilityIndex;
use sango_store::calendar::DayCount;
use sango_store::{ConnectionTrait, Facility};
use chrono::NaiveDate;

use crate::error::ServiceResult;
use crate::hub::Hub;

/// Facilities per query when loading calendars, so the loader never holds every slot row at once.
const LOAD_CHUNK: usize = 250;

/// Loads everything the search reads, with the facility records it was built from (benchmarks
/// time the pure search over exactly this state).
pub async fn load_search_state(db: &impl ConnectionTrait) -> ServiceResult<(SearchState, Vec<Facility>)> {
    let facilities = sango_store::facilities::all_active(db).await?;
    let mut calendars = Calendars::default();
    for chunk in facilities.chunks(LOAD_CHUNK) {
        load_calendars(db, chunk, &mut calendars).await?;
    }
    let index = FacilityIndex::new(facilities.iter().map(|f| (f.id, f.draft.location)));
    let contracts = sango_store::contracts::current(db, None, None, None).await?;
    let state = SearchState {
        contracts: ContractBook::new(contracts.into_iter().map(|c| c.terms), &index),
        facilities: index,
        municipality_of: facilities.iter().map(|f| (f.id, f.municipality)).collect(),
        calendars,
    };
    Ok((state, facilities))
}

/// The calendars of some facilities: capacity, closures, overrides and what is taken.
async fn load_calendars(db: &impl ConnectionTrait, facilities: &[Facility], into: &mut Calendars) -> ServiceResult<()> {
    let ids: Vec<i64> = facilities.iter().map(|f| f.id).collect();
    let mut closures = sango_store::facilities::closures(db, &ids).await?;
    for f in facilities {
        let fc = closures.remove(&f.id).unwrap_or_default();
        for s in &f.draft.services {
            let ranges = fc.iter().filter(|c| c.service_type.is_none_or(|t| t == s.service_type)).map(|c| (c.from, c.to)).collect();
            into.insert(f.id, s.service_type, ServiceCalendar { daily_capacity: s.daily_capacity, closures: ranges, ..Default::default() });
        }
    }
    for o in sango_store::calendar::overrides(db, &ids).await? {
        if let Some(cal) = into.get_mut(o.facility_id, o.service_type) {
            cal.overrides.insert(o.date, o.count);
        }
    }
    for t in sango_store::calendar::taken(db, &ids).await? {
        if let Some(cal) = into.get_mut(t.facility_id, t.service_type) {
            cal.taken.set(t.date, t.count);
        }
    }
    Ok(())
}

impl Hub {
    /// Rebuilds the whole search state from the database (start-up and bulk loads).
    pub(crate) async fn refresh_search(&self) -> ServiceResult<()> {
        let _serial = self.mirror.lock().await;
        let (state, _) = load_search_state(&self.db).await?;
        *self.search.write().expect("search state lock poisoned") = state;
        self.programs.clear();
        Ok(())
    }

    /// Re-reads one facility after a committed change to it (new, moved, edited, closed, reopened,
    /// a closure added). What is taken is kept: only bookings change it, through [`Hub::adjust_taken`].
    pub(crate) async fn refresh_facility(&self, id: i64) -> ServiceResult<()> {
        // Serialised, so that the last state read is the last one applied.
        let _serial = self.mirror.lock().await;
        let record = sango_store::facilities::get(&self.db, id).await?.filter(|f| f.active);
        let mut fresh = Calendars::default();
        if let Some(f) = &record {
            load_calendars(&self.db, std::slice::from_ref(f), &mut fresh).await?;
        }
        let mut state = self.search.write().expect("search state lock poisoned");
        let SearchState { facilities, municipality_of, calendars, contracts } = &mut *state;
        for &t in ServiceType::ALL {
            let kept = calendars.get(id, t).map(|c| c.taken.clone());
            if let (Some(taken), Some(cal)) = (kept, fresh.get_mut(id, t)) {
                cal.taken = taken;
            }
        }
        calendars.remove_facility(id);
        match record {
            Some(f) => {
                facilities.upsert(id, f.draft.location);
                municipality_of.insert(id, f.municipality);
                for &t in ServiceType::ALL {
                    if let Some(cal) = fresh.get(id, t) {
                        calendars.insert(id, t, cal.clone());
                    }
                }
            }
            None => {
                facilities.remove(id);
                municipality_of.remove(&id);
            }
        }
        contracts.facility_changed(id, facilities);
        Ok(())
    }

    /// Re-reads the current contracts of one municipality with one facility for one type.
    pub(crate) async fn refresh_contracts(&self, m: LgCode, t: ServiceType, facility: i64) -> ServiceResult<()> {
        let _serial = self.mirror.lock().await;
        let terms = sango_store::contracts::current(&self.db, Some(m), Some(facility), Some(t)).await?.into_iter().map(|c| c.terms).collect();
        let mut state = self.search.write().expect("search state lock poisoned");
        let SearchState { facilities, contracts, .. } = &mut *state;
        contracts.replace(m, t, facility, terms, facilities);
        Ok(())
    }

    /// Mirrors committed capacity overrides.
    pub(crate) fn mirror_overrides(&self, rows: &[DayCount]) {
        let mut state = self.search.write().expect("search state lock poisoned");
        for r in rows {
            if let Some(cal) = state.calendars.get_mut(r.facility_id, r.service_type) {
                cal.overrides.insert(r.date, r.count);
            }
        }
    }

    /// The search state, read-locked: hold it only for synchronous work.
    pub(crate) fn search_state(&self) -> std::sync::RwLockReadGuard<'_, SearchState> {
        self.search.read().expect("search state lock poisoned")
    }

    /// Mirrors a committed change of taken slots in memory (+1 per date for a booking or a hold,
    /// −1 for a release), so that the next search sees it without a rebuild.
    pub(crate) fn adjust_taken(&self, facility: i64, t: ServiceType, dates: &[NaiveDate], delta: i32) {
        let mut state = self.search.write().expect("search state lock poisoned");
        if let Some(cal) = state.calendars.get_mut(facility, t) {
            for d in dates {
                cal.taken.add(*d, delta);
            }
        }
    }
}
