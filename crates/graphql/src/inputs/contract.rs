//! `ContractInput`.

use async_graphql::{ID, InputObject};
use sango_domain::{Additions, ContractTerms, DomainError, DomainResult};

use crate::enums::ServiceType;
use crate::scalars::{Date, LgCode, Yen};

#[derive(InputObject, Default)]
pub struct AdditionsInput {
    pub multiple: Option<Yen>,
    pub sibling: Option<Yen>,
    pub over_four_months: Option<Yen>,
    pub high_need: Option<Yen>,
}

#[derive(InputObject)]
pub struct ContractInput {
    pub municipality: LgCode,
    pub facility_id: ID,
    pub service_type: ServiceType,
    pub unit_price: Yen,
    #[graphql(default)]
    pub additions: AdditionsInput,
    pub valid_from: Date,
    /// Inclusive; null = open-ended.
    pub valid_to: Option<Date>,
}

impl ContractInput {
    pub fn into_terms(self) -> DomainResult<ContractTerms> {
        let facility_id = self.facility_id.parse::<i64>().map_err(|_| DomainError::invalid("facilityId", format!("'{}' is not a facility id", self.facility_id.0)))?;
        let a = self.additions;
        let y = |v: Option<Yen>| v.map_or(sango_domain::Yen::ZERO, |y| y.0);
        Ok(ContractTerms {
            municipality: self.municipality.0,
            facility_id,
            service_type: self.service_type.into(),
            unit_price: self.unit_price.0,
            additions: Additions { multiple: y(a.multiple), sibling: y(a.sibling), over_four_months: y(a.over_four_months), high_need: y(a.high_need) },
            valid_from: self.valid_from.0,
            valid_to: self.valid_to.map(|d| d.0),
        })
    }
}
