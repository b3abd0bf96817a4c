//! `Contract`: one version of a municipality's contract with a facility for one service type.

use async_graphql::{Context, ID, Object, SimpleObject};
use sango_service::{ContractVersion, Hub};

use super::facility::Facility;
use crate::enums::ServiceType;
use crate::error::GqlResult;
use crate::scalars::{Date, LgCode, Yen};

pub struct Contract(pub ContractVersion);

/// Additions (加算) per use on top of the unit price.
#[derive(SimpleObject)]
pub struct Additions {
    pub multiple: Yen,
    pub sibling: Yen,
    pub over_four_months: Yen,
    pub high_need: Yen,
}

#[Object]
impl Contract {
    /// Ties the versions of one contract together.
    async fn contract_no(&self) -> ID {
        ID(self.0.contract_no.to_string())
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Whether this is the version in force.
    async fn current(&self) -> bool {
        self.0.current
    }
    async fn municipality(&self) -> LgCode {
        LgCode(self.0.terms.municipality)
    }
    async fn facility_id(&self) -> ID {
        ID(self.0.terms.facility_id.to_string())
    }
    async fn facility(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Facility>> {
        Ok(ctx.data_unchecked::<Hub>().facility(self.0.terms.facility_id).await.gql()?.map(Facility))
    }
    async fn service_type(&self) -> ServiceType {
        self.0.terms.service_type.into()
    }
    /// 委託単価 per use.
    async fn unit_price(&self) -> Yen {
        Yen(self.0.terms.unit_price)
    }
    async fn additions(&self) -> Additions {
        let a = self.0.terms.additions;
        Additions { multiple: Yen(a.multiple), sibling: Yen(a.sibling), over_four_months: Yen(a.over_four_months), high_need: Yen(a.high_need) }
    }
    async fn valid_from(&self) -> Date {
        Date(self.0.terms.valid_from)
    }
    /// Last valid day, inclusive; null = open-ended.
    async fn valid_to(&self) -> Option<Date> {
        self.0.terms.valid_to.map(Date)
    }
    async fn created_at(&self) -> String {
        self.0.created_at.to_rfc3339()
    }
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }
}
