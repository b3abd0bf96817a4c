//! Mutual-use agreements (広域化協定): registering one, amending it (a new version; the old stays
//! in the history) and reading them. The prefecture's coordinator (or an admin) registers and
//! amends; the prefecture's coordinator and finance staff and the finance staff of a member read.

use sango_domain::{PrefectureCode, Principal};
use sango_settlement::AgreementTerms;
use sango_store::AgreementVersion;

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// May read an agreement of prefecture `p` whose terms are `t`.
fn may_read(p: &Principal, t: &AgreementTerms) -> bool {
    match p {
        Principal::Admin => true,
        Principal::PrefectureCoordinator(own) | Principal::PrefectureFinance(own) => *own == t.host.prefecture(),
        Principal::MunicipalFinance(m) => t.includes(*m),
        Principal::MunicipalStaff(_) | Principal::FacilityStaff(_) => false,
    }
}

/// May register or amend an agreement hosted in prefecture `p`.
fn may_edit(p: &Principal, pref: PrefectureCode) -> bool {
    matches!(p, Principal::Admin) || *p == Principal::PrefectureCoordinator(pref)
}

impl Hub {
    /// The current version of every agreement the caller may read, of one prefecture or of all, by code.
    pub async fn agreements(&self, caller: &Caller, prefecture: Option<PrefectureCode>) -> ServiceResult<Vec<AgreementVersion>> {
        let p = caller.require()?;
        let all = sango_store::agreements::all_versions(&self.db, prefecture).await?;
        Ok(all.into_iter().filter(|a| a.current && may_read(p, &a.terms)).collect())
    }

    /// Every version of one agreement, oldest first; NOT_FOUND unless the caller may read it.
    pub async fn agreement_history(&self, caller: &Caller, code: &str) -> ServiceResult<Vec<AgreementVersion>> {
        let p = caller.require()?;
        let versions = sango_store::agreements::history(&self.db, code).await?;
        match versions.last() {
            Some(a) if may_read(p, &a.terms) => Ok(versions),
            _ => Err(ServiceError::not_found("code", format!("no agreement {code}"))),
        }
    }

    /// Registers a new agreement as version 1. CONFLICT if the code is taken.
    pub async fn register_agreement(&self, caller: &Caller, terms: AgreementTerms) -> ServiceResult<AgreementVersion> {
        self.save_agreement(caller, terms, false).await
    }

    /// Amends an agreement: a new version with new members, name or dates; the host stays.
    pub async fn amend_agreement(&self, caller: &Caller, terms: AgreementTerms) -> ServiceResult<AgreementVersion> {
        self.save_agreement(caller, terms, true).await
    }

    async fn save_agreement(&self, caller: &Caller, terms: AgreementTerms, amending: bool) -> ServiceResult<AgreementVersion> {
        let p = caller.require()?;
        terms.validate()?;
        let txn = sango_store::begin_write(&self.db).await?;
        let prior = sango_store::agreements::history(&txn, &terms.code).await?.pop();
        match (&prior, amending) {
            (Some(a), true) if !may_read(p, &a.terms) => return Err(ServiceError::not_found("code", format!("no agreement {}", terms.code))),
            (None, true) => return Err(ServiceError::not_found("code", format!("no agreement {}", terms.code))),
            (Some(a), false) if may_read(p, &a.terms) => return Err(ServiceError::conflict("code", format!("agreement {} exists; amend it instead", terms.code))),
            (Some(_), false) => return Err(ServiceError::conflict("code", format!("the code {} is taken", terms.code))),
            (Some(a), true) if a.terms.host != terms.host => {
                return Err(ServiceError::bad_input("host", "an amendment keeps the host; register a new agreement instead"));
            }
            _ => {}
        }
        if !may_edit(p, terms.host.prefecture()) {
            return Err(ServiceError::forbidden(format!("{p} may not register or amend agreements of prefecture {}", terms.host.prefecture())));
        }
        if sango_store::municipalities::get(&txn, terms.host).await?.is_none() {
            return Err(ServiceError::bad_input("host", format!("no municipality {}", terms.host)));
        }
        for (i, m) in terms.members.iter().enumerate() {
            if sango_store::municipalities::get(&txn, *m).await?.is_none() {
                return Err(ServiceError::bad_input(&format!("members[{i}]"), format!("no municipality {m}")));
            }
        }
        let saved = match sango_store::agreements::append(&txn, prior.as_ref(), &terms, &caller.actor(), self.now()).await {
            Err(e) if e.is_unique_violation() => return Err(ServiceError::conflict("code", "another change to this agreement was saved at the same moment; reload and retry")),
            other => other?,
        };
        let operation = if amending { "amendAgreement" } else { "registerAgreement" };
        self.audit_write(&txn, caller, operation, "agreement", crate::audit::Touched::new([format!("{}/{}", terms.code, saved.version)], [])).await?;
        txn.commit().await?;
        Ok(saved)
    }
}
