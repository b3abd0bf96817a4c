//! Registering and changing facilities; their municipality is derived from the location.

use sango_domain::{Closure, FacilityDraft};
use sango_store::calendar::SlotState;
use sango_store::facilities::FacilityFilter;
use sango_store::Facility;

use crate::auth::Caller;
use crate::boundaries::locate;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// The largest page a listing returns.
pub const MAX_PAGE: u64 = 500;

impl Hub {
    /// A page of facilities after `after`. Facility data is public: no sign-in needed.
    pub async fn facilities(&self, filter: &FacilityFilter, after: Option<i64>, first: u64) -> ServiceResult<Vec<Facility>> {
        Ok(sango_store::facilities::list(&self.db, filter, after, first.min(MAX_PAGE)).await?)
    }

    /// One facility (public).
    pub async fn facility(&self, id: i64) -> ServiceResult<Option<Facility>> {
        Ok(sango_store::facilities::get(&self.db, id).await?)
    }

    /// Registers a facility where the caller may: its municipality comes from its location.
    pub async fn create_facility(&self, caller: &Caller, draft: FacilityDraft) -> ServiceResult<Facility> {
        let p = caller.require()?;
        draft.validate()?;
        let municipality = locate(self, draft.location, "location")?;
        if !p.may_edit_facility(municipality, None) {
            return Err(ServiceError::forbidden(format!("{p} may not register facilities in {municipality}")));
        }
        let txn = sango_store::begin_write(&self.db).await?;
        let id = sango_store::facilities::insert(&txn, &draft, municipality, &caller.actor(), self.now()).await?;
        self.audit_write(&txn, caller, "createFacility", "facility", crate::audit::Touched::new([id.to_string()], [])).await?;
        txn.commit().await?;
        self.refresh_facility(id).await?;
        self.facility(id).await?.ok_or_else(|| ServiceError::internal("facility vanished after insert"))
    }

    /// Replaces a facility's data; the caller must be allowed where it was and where it will be.
    /// A change of its services that would leave a day from today on with more booked than its
    /// capacity (a daily capacity lowered, a type no longer offered) is refused with CONFLICT,
    /// naming those days, and nothing changes.
    pub async fn update_facility(&self, caller: &Caller, id: i64, draft: FacilityDraft, active: bool) -> ServiceResult<Facility> {
        let p = caller.require()?;
        draft.validate()?;
        let before = self.facility(id).await?.ok_or_else(|| ServiceError::not_found("id", format!("no facility {id}")))?;
        let municipality = locate(self, draft.location, "location")?;
        if !p.may_edit_facility(before.municipality, Some(id)) || !p.may_edit_facility(municipality, Some(id)) {
            return Err(ServiceError::forbidden(format!("{p} may not change facility {id}")));
        }
        let txn = sango_store::begin_write(&self.db).await?;
        // The days booked from today on, locked as a booking group locks them, and read again
        // once the new services are in: a day whose capacity the change lowers below what is
        // booked there refuses the change (a day already over, through a closure, does not).
        let today = sango_booking::to_jst(self.now()).date();
        let before = sango_store::calendar::booked_from(&txn, id, today, true).await?;
        sango_store::facilities::update(&txn, id, &draft, municipality, active, &caller.actor(), self.now()).await?;
        let after = sango_store::calendar::booked_from(&txn, id, today, false).await?;
        let lowered: Vec<SlotState> = after
            .into_iter()
            .filter(|a| !before.iter().any(|b| (b.service_type, b.date) == (a.service_type, a.date) && b.capacity <= a.capacity))
            .collect();
        crate::capacity::booked_beyond("services", &lowered)?;
        self.audit_write(&txn, caller, "updateFacility", "facility", crate::audit::Touched::new([id.to_string()], [])).await?;
        txn.commit().await?;
        self.refresh_facility(id).await?;
        self.facility(id).await?.ok_or_else(|| ServiceError::internal("facility vanished after update"))
    }

    /// Records a closure of a facility (or of one of its types).
    pub async fn add_closure(&self, caller: &Caller, facility_id: i64, closure: Closure) -> ServiceResult<Vec<Closure>> {
        let p = caller.require()?;
        closure.validate()?;
        let f = self.facility(facility_id).await?.ok_or_else(|| ServiceError::not_found("facilityId", format!("no facility {facility_id}")))?;
        if !p.may_edit_facility(f.municipality, Some(facility_id)) {
            return Err(ServiceError::forbidden(format!("{p} may not close facility {facility_id}")));
        }
        if let Some(t) = closure.service_type.filter(|t| !f.draft.services.iter().any(|s| s.service_type == *t)) {
            return Err(ServiceError::bad_input("serviceType", format!("facility {facility_id} does not offer {t}")));
        }
        let txn = sango_store::begin_write(&self.db).await?;
        sango_store::facilities::add_closure(&txn, facility_id, &closure).await?;
        self.audit_write(&txn, caller, "addClosure", "facility", crate::audit::Touched::new([facility_id.to_string()], [])).await?;
        txn.commit().await?;
        self.refresh_facility(facility_id).await?;
        self.closures(facility_id).await
    }

    /// A facility's closures (public: they say when it takes no guests).
    pub async fn closures(&self, facility_id: i64) -> ServiceResult<Vec<Closure>> {
        Ok(sango_store::facilities::closures(&self.db, &[facility_id]).await?.remove(&facility_id).unwrap_or_default())
    }
}
