//! Reading the municipality registry.

use sango_domain::{Coordinates, LgCode, PrefectureCode};
use sango_store::Municipality;

use crate::auth::Caller;
use crate::error::ServiceResult;
use crate::hub::Hub;

impl Hub {
    /// Municipalities of a prefecture (or all), in code order. Any signed-in principal.
    pub async fn municipalities(&self, caller: &Caller, prefecture: Option<PrefectureCode>) -> ServiceResult<Vec<Municipality>> {
        caller.require()?;
        Ok(sango_store::municipalities::list(&self.db, prefecture).await?)
    }

    /// One municipality. Any signed-in principal.
    pub async fn municipality(&self, caller: &Caller, code: LgCode) -> ServiceResult<Option<Municipality>> {
        caller.require()?;
        Ok(sango_store::municipalities::get(&self.db, code).await?)
    }

    /// The municipality of a facility, as public facility data (name and code only are public).
    pub async fn facility_municipality(&self, code: LgCode) -> ServiceResult<Option<Municipality>> {
        Ok(sango_store::municipalities::get(&self.db, code).await?)
    }

    /// The municipality containing a point; None at sea or outside Japan. Any signed-in principal.
    pub async fn municipality_at_point(&self, caller: &Caller, at: Coordinates) -> ServiceResult<Option<Municipality>> {
        caller.require()?;
        match self.municipality_at(at) {
            Some(code) => Ok(sango_store::municipalities::get(&self.db, code).await?),
            None => Ok(None),
        }
    }

    /// Many municipalities by code, for batch loading.
    pub async fn municipalities_by_code(&self, codes: &[LgCode]) -> ServiceResult<Vec<Municipality>> {
        Ok(sango_store::municipalities::get_many(&self.db, codes).await?)
    }
}

impl Hub {
    /// Expected uses per month and type for a municipality's residents over a fiscal year
    /// (aggregates, no personal data). Any signed-in principal.
    pub async fn demand(&self, caller: &Caller, m: LgCode, fy: sango_domain::FiscalYear) -> ServiceResult<Vec<sango_store::demand::MonthlyDemand>> {
        caller.require()?;
        Ok(sango_store::demand::for_year(&self.db, m, fy).await?)
    }
}
