//! Contracts between a municipality and a facility: listing what the caller may see, signing a
//! new one and amending one (a new version; the old stays in the history).

use sango_domain::{ContractTerms, LgCode, ServiceType};
use sango_store::{ContractVersion, DatabaseTransaction};

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

impl Hub {
    /// Current contracts filtered by municipality and/or facility, limited to what the caller may read.
    pub async fn contracts(&self, caller: &Caller, m: Option<LgCode>, facility: Option<i64>) -> ServiceResult<Vec<ContractVersion>> {
        let p = caller.require()?;
        let all = sango_store::contracts::current(&self.db, m, facility, None).await?;
        Ok(all.into_iter().filter(|c| p.may_read_contracts(c.terms.municipality, c.terms.facility_id)).collect())
    }

    /// Every version of a contract, if the caller may read it (NOT_FOUND otherwise).
    pub async fn contract_history(&self, caller: &Caller, contract_no: i64) -> ServiceResult<Vec<ContractVersion>> {
        let p = caller.require()?;
        let versions = sango_store::contracts::history(&self.db, contract_no).await?;
        match versions.last() {
            Some(c) if p.may_read_contracts(c.terms.municipality, c.terms.facility_id) => Ok(versions),
            _ => Err(ServiceError::not_found("contractNo", format!("no contract {contract_no}"))),
        }
    }

    /// Signs a new contract.
    pub async fn create_contract(&self, caller: &Caller, terms: ContractTerms) -> ServiceResult<ContractVersion> {
        let txn = sango_store::begin_write(&self.db).await?;
        let saved = self.create_contract_in(&txn, caller, &terms).await?;
        self.audit_write(&txn, caller, "createContract", "contract", crate::audit::Touched::new([saved.contract_no.to_string()], [])).await?;
        txn.commit().await?;
        self.refresh_contracts(terms.municipality, terms.service_type, terms.facility_id).await?;
        Ok(saved)
    }

    /// Amends a contract: a new version with new terms for the same municipality, facility and type.
    pub async fn amend_contract(&self, caller: &Caller, contract_no: i64, terms: ContractTerms) -> ServiceResult<ContractVersion> {
        let txn = sango_store::begin_write(&self.db).await?;
        let saved = self.amend_contract_in(&txn, caller, contract_no, &terms).await?;
        self.audit_write(&txn, caller, "amendContract", "contract", crate::audit::Touched::new([contract_no.to_string()], [])).await?;
        txn.commit().await?;
        self.refresh_contracts(terms.municipality, terms.service_type, terms.facility_id).await?;
        Ok(saved)
    }

    pub(crate) async fn create_contract_in(&self, txn: &DatabaseTransaction, caller: &Caller, terms: &ContractTerms) -> ServiceResult<ContractVersion> {
        self.check_contract(txn, caller, terms, None).await?;
        Ok(sango_store::contracts::insert(txn, terms, &caller.actor(), self.now()).await?)
    }

    pub(crate) async fn amend_contract_in(&self, txn: &DatabaseTransaction, caller: &Caller, contract_no: i64, terms: &ContractTerms) -> ServiceResult<ContractVersion> {
        let p = caller.require()?;
        let prior = sango_store::contracts::get_current(txn, contract_no).await?;
        let prior = prior
            .filter(|c| p.may_read_contracts(c.terms.municipality, c.terms.facility_id))
            .ok_or_else(|| ServiceError::not_found("contractNo", format!("no contract {contract_no}")))?;
        let same_parties = prior.terms.municipality == terms.municipality && prior.terms.facility_id == terms.facility_id && prior.terms.service_type == terms.service_type;
        if !same_parties {
            return Err(ServiceError::bad_input("contractNo", "an amendment keeps the municipality, facility and type; sign a new contract instead"));
        }
        self.check_contract(txn, caller, terms, Some(contract_no)).await?;
        Ok(sango_store::contracts::amend(txn, &prior, terms, &caller.actor(), self.now()).await?)
    }

    /// Terms valid, caller allowed, municipality and facility known, type offered, no overlap.
    async fn check_contract(&self, txn: &DatabaseTransaction, caller: &Caller, t: &ContractTerms, amending: Option<i64>) -> ServiceResult<()> {
        let p = caller.require()?;
        t.validate()?;
        if sango_store::municipalities::get(txn, t.municipality).await?.is_none() {
            return Err(ServiceError::bad_input("municipality", format!("no municipality {}", t.municipality)));
        }
        if !p.may_edit_municipality(t.municipality) {
            return Err(ServiceError::forbidden(format!("{p} may not sign contracts for {}", t.municipality)));
        }
        sango_store::facilities::lock(txn, t.facility_id).await?;
        let facility = sango_store::facilities::get(txn, t.facility_id).await?;
        let facility = facility.ok_or_else(|| ServiceError::bad_input("facilityId", format!("no facility {}", t.facility_id)))?;
        if !offers(&facility, t.service_type) {
            return Err(ServiceError::bad_input("serviceType", format!("facility {} does not offer {}", t.facility_id, t.service_type)));
        }
        let others = sango_store::contracts::current(txn, Some(t.municipality), Some(t.facility_id), Some(t.service_type)).await?;
        if let Some(clash) = others.iter().find(|c| Some(c.contract_no) != amending && c.terms.overlaps(t)) {
            return Err(ServiceError::conflict(
                "validFrom",
                format!("contract {} already covers {} from {} to {}", clash.contract_no, t.service_type, clash.terms.valid_from, clash.terms.valid_to.map_or("open end".into(), |d| d.to_string())),
            ));
        }
        Ok(())
    }
}

fn offers(f: &sango_store::Facility, t: ServiceType) -> bool {
    f.draft.services.iter().any(|s| s.service_type == t)
}
