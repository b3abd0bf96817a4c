//! The search state read from the hub's database exactly as the service builds it (its loader is
//! private to `sango-service`), so that the pure search can be timed without the service around it.
//! Checked against `Hub::nearby_capacity` before anything is measured.

use std::collections::HashMap;

use sango_availability::{Calendars, SearchState, ServiceCalendar};
use sango_spatial::FacilityIndex;
use sango_store::{DatabaseConnection, Facility};

/// The state and the facility records it was built from.
pub struct Loaded {
    pub state: SearchState,
    pub facilities: Vec<Facility>,
}

/// Mirrors `sango_service::capacity::load`.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<Loaded> {
    let facilities = sango_store::facilities::all_active(db).await?;
    let ids: Vec<i64> = facilities.iter().map(|f| f.id).collect();
    let mut closures = sango_store::facilities::closures(db, &ids).await?;
    let mut calendars = Calendars::default();
    for f in &facilities {
        let fc = closures.remove(&f.id).unwrap_or_default();
        for s in &f.draft.services {
            let ranges = fc.iter().filter(|c| c.service_type.is_none_or(|t| t == s.service_type)).map(|c| (c.from, c.to)).collect();
            calendars.insert(f.id, s.service_type, ServiceCalendar { daily_capacity: s.daily_capacity, closures: ranges, ..Default::default() });
        }
    }
    for o in sango_store::calendar::overrides(db, None).await? {
        if let Some(cal) = calendars.get_mut(o.facility_id, o.service_type) {
            cal.overrides.insert(o.date, o.count);
        }
    }
    for t in sango_store::calendar::taken(db, None).await? {
        if let Some(cal) = calendars.get_mut(t.facility_id, t.service_type) {
            cal.taken.insert(t.date, t.count);
        }
    }
    let mut contracts: HashMap<_, Vec<_>> = HashMap::new();
    for c in sango_store::contracts::current(db, None, None, None).await? {
        contracts.entry((c.terms.municipality, c.terms.service_type)).or_default().push(c.terms);
    }
    let state = SearchState {
        facilities: FacilityIndex::new(facilities.iter().map(|f| (f.id, f.draft.location))),
        municipality_of: facilities.iter().map(|f| (f.id, f.municipality)).collect(),
        calendars,
        contracts,
    };
    Ok(Loaded { state, facilities })
}
