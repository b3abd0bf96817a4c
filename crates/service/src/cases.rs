//! Cases (利用者): registered once by the resident municipality, then booked freely. Only the
//! municipality's staff (and, for flagged cases, the prefecture's coordinator) see them; anyone
//! else asking gets NOT_FOUND, so that a case's existence does not leak.

use rand::RngCore;
use sango_domain::{CaseProfile, LgCode};
use sango_store::cases::Case;

use crate::audit::Touched;
use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// A random public reference: 12 hex digits after `C-`.
pub(crate) fn reference(prefix: char) -> String {
    let mut bytes = [0u8; 6];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}-{}", hex::encode(bytes))
}

impl Hub {
    /// Registers a case for the caller's municipality.
    pub async fn register_case(&self, caller: &Caller, profile: CaseProfile) -> ServiceResult<Case> {
        let p = caller.require()?;
        profile.validate()?;
        if !p.may_manage_case(profile.municipality, profile.coordination) {
            return Err(ServiceError::forbidden(format!("{p} may not register cases of {}", profile.municipality)));
        }
        let txn = sango_store::begin_write(&self.db).await?;
        let case = sango_store::cases::insert(&txn, &reference('C'), &profile, &caller.actor(), self.now()).await?;
        self.log(&txn, caller, "CASE_REGISTERED", &format!("case:{}", case.reference), None, serde_json::json!({ "municipality": profile.municipality.to_string() })).await?;
        txn.commit().await?;
        Ok(case)
    }

    /// Changes a case's profile (tier, high-need or coordination flag, birth date once born).
    pub async fn update_case(&self, caller: &Caller, reference: &str, profile: CaseProfile) -> ServiceResult<Case> {
        let case = self.find_case(caller, reference).await?;
        profile.validate()?;
        if profile.municipality != case.profile.municipality {
            return Err(ServiceError::bad_input("municipality", "a case belongs to its municipality; register a new case after a move"));
        }
        let txn = sango_store::begin_write(&self.db).await?;
        sango_store::cases::update(&txn, case.id, &profile).await?;
        self.log(&txn, caller, "CASE_UPDATED", &format!("case:{reference}"), None, serde_json::json!({})).await?;
        txn.commit().await?;
        self.find_case(caller, reference).await
    }

    /// One case, if the caller may see it (NOT_FOUND otherwise). The read is audited.
    pub async fn case(&self, caller: &Caller, reference: &str) -> ServiceResult<Case> {
        let case = self.find_case(caller, reference).await?;
        self.audit_read(caller, "case", "case", Touched::new([case.reference.clone()], [case.reference.clone()])).await?;
        Ok(case)
    }

    /// A case the caller may see, for use cases that audit what they go on to do; a lookup
    /// outside the caller's scope is NOT_FOUND and audited as refused.
    pub(crate) async fn find_case(&self, caller: &Caller, reference: &str) -> ServiceResult<Case> {
        let p = caller.require()?;
        let case = sango_store::cases::by_reference(&self.db, reference.trim()).await?;
        match case.filter(|c| p.may_manage_case(c.profile.municipality, c.profile.coordination)) {
            Some(c) => Ok(c),
            None => {
                let e = ServiceError::not_found("case", format!("no case {reference}"));
                self.audit_refused(caller, "case", "case", reference.trim(), &e).await?;
                Err(e)
            }
        }
    }

    /// A municipality's cases, newest first (its own staff only).
    pub async fn cases(&self, caller: &Caller, m: LgCode, limit: u64) -> ServiceResult<Vec<Case>> {
        let p = caller.require()?;
        let all = sango_store::cases::of_municipality(&self.db, m, limit.min(500)).await?;
        let seen: Vec<Case> = all.into_iter().filter(|c| p.may_manage_case(c.profile.municipality, c.profile.coordination)).collect();
        self.audit_read(caller, "cases", "case", Touched::new([m.to_string()], seen.iter().map(|c| c.reference.clone()))).await?;
        Ok(seen)
    }

    /// Appends an event inside the caller's transaction.
    /// Every event is also an audited write, in the same transaction.
    pub(crate) async fn log(&self, c: &impl sango_store::ConnectionTrait, caller: &Caller, kind: &str, subject: &str, reason: Option<&str>, data: serde_json::Value) -> ServiceResult<()> {
        self.audit_event(c, caller, kind, subject, &data).await?;
        Ok(sango_store::events::append(c, self.now(), &caller.actor(), kind, subject, reason, data).await?)
    }
}
