//! Programmes per municipality and fiscal year: reading the version in force and its history,
//! and appending a new version.

use sango_domain::{FiscalYear, LgCode, ProgramRules};
use sango_store::ProgramVersion;

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

impl Hub {
    /// The programme in force. Programme rules are published: any signed-in principal.
    pub async fn program(&self, caller: &Caller, m: LgCode, fy: FiscalYear) -> ServiceResult<Option<ProgramVersion>> {
        caller.require()?;
        Ok(sango_store::programs::current(&self.db, m, fy).await?)
    }

    /// Every version, oldest first.
    pub async fn program_history(&self, caller: &Caller, m: LgCode, fy: FiscalYear) -> ServiceResult<Vec<ProgramVersion>> {
        caller.require()?;
        Ok(sango_store::programs::history(&self.db, m, fy).await?)
    }

    /// Appends a new version of a municipality's programme; history is never overwritten.
    pub async fn set_program(&self, caller: &Caller, m: LgCode, fy: FiscalYear, rules: ProgramRules) -> ServiceResult<ProgramVersion> {
        let p = caller.require()?;
        rules.validate().map_err(|e| ServiceError::from(e).within("rules"))?;
        if sango_store::programs::current(&self.db, m, fy).await?.is_none() && sango_store::municipalities::get(&self.db, m).await?.is_none() {
            return Err(ServiceError::not_found("municipality", format!("no municipality {m}")));
        }
        if !p.may_edit_municipality(m) {
            return Err(ServiceError::forbidden(format!("{p} may not change the programme of {m}")));
        }
        let txn = sango_store::begin_write(&self.db).await?;
        let saved = sango_store::programs::append(&txn, m, fy, &rules, &caller.actor(), self.now()).await;
        let saved = match saved {
            Err(e) if e.is_unique_violation() => return Err(ServiceError::conflict("rules", "another change to this programme was saved at the same moment; reload and retry")),
            other => other?,
        };
        self.audit_write(&txn, caller, "setProgram", "program", crate::audit::Touched::new([format!("{m}/{}", fy.year())], [])).await?;
        txn.commit().await?;
        self.programs.clear();
        Ok(saved)
    }
}
