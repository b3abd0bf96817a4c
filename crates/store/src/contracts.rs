//! Contract versions: an amendment marks the old row not current and appends the next version.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};
use sango_domain::{Additions, ContractTerms, LgCode, ServiceType, Yen};

use crate::entity::contract;
use crate::error::{StoreError, StoreResult};
use crate::records::ContractVersion;

/// Current versions, filtered by municipality and/or facility and/or type, in contract order.
pub async fn current(c: &impl ConnectionTrait, m: Option<LgCode>, facility: Option<i64>, t: Option<ServiceType>) -> StoreResult<Vec<ContractVersion>> {
    let mut q = contract::Entity::find().filter(contract::Column::Current.eq(true)).order_by_asc(contract::Column::ContractNo);
    if let Some(m) = m {
        q = q.filter(contract::Column::MunicipalityCode.eq(m.to_string()));
    }
    if let Some(f) = facility {
        q = q.filter(contract::Column::FacilityId.eq(f));
    }
    if let Some(t) = t {
        q = q.filter(contract::Column::ServiceType.eq(t.as_str()));
    }
    q.all(c).await?.into_iter().map(to_record).collect()
}

/// Every version of every contract, by contract number and version: what settlement needs to
/// price each use by the version in force on its day.
pub async fn all_versions(c: &impl ConnectionTrait) -> StoreResult<Vec<ContractVersion>> {
    contract::Entity::find()
        .order_by_asc(contract::Column::ContractNo)
        .order_by_asc(contract::Column::Version)
        .all(c)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// The current version of one contract.
pub async fn get_current(c: &impl ConnectionTrait, contract_no: i64) -> StoreResult<Option<ContractVersion>> {
    contract::Entity::find()
        .filter(contract::Column::ContractNo.eq(contract_no))
        .filter(contract::Column::Current.eq(true))
        .one(c)
        .await?
        .map(to_record)
        .transpose()
}

/// Every version of one contract, oldest first.
pub async fn history(c: &impl ConnectionTrait, contract_no: i64) -> StoreResult<Vec<ContractVersion>> {
    contract::Entity::find()
        .filter(contract::Column::ContractNo.eq(contract_no))
        .order_by_asc(contract::Column::Version)
        .all(c)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// Stores a new contract as version 1; its contract number is its first row's id. The cases with
/// use priced at the facility are to be priced again.
pub async fn insert(c: &impl ConnectionTrait, t: &ContractTerms, actor: &str, now: DateTime<Utc>) -> StoreResult<ContractVersion> {
    let row = active(t, 0, 1, actor, now).insert(c).await?;
    crate::pricing::mark(c, &crate::pricing::Touched::Facility(t.facility_id)).await?;
    contract::Entity::update_many().col_expr(contract::Column::ContractNo, Expr::value(row.id)).filter(contract::Column::Id.eq(row.id)).exec(c).await?;
    to_record(contract::Model { contract_no: row.id, ..row })
}

/// Appends version n+1 of `contract_no` with new terms and retires version n. The cases with use
/// priced at the facility are to be priced again.
pub async fn amend(c: &impl ConnectionTrait, prior: &ContractVersion, t: &ContractTerms, actor: &str, now: DateTime<Utc>) -> StoreResult<ContractVersion> {
    crate::pricing::mark(c, &crate::pricing::Touched::Facility(t.facility_id)).await?;
    contract::Entity::update_many()
        .col_expr(contract::Column::Current, Expr::value(false))
        .filter(contract::Column::Id.eq(prior.id))
        .exec(c)
        .await?;
    let row = active(t, prior.contract_no, prior.version + 1, actor, now).insert(c).await?;
    to_record(row)
}

fn active(t: &ContractTerms, contract_no: i64, version: i32, actor: &str, now: DateTime<Utc>) -> contract::ActiveModel {
    contract::ActiveModel {
        contract_no: Set(contract_no),
        version: Set(version),
        current: Set(true),
        municipality_code: Set(t.municipality.to_string()),
        facility_id: Set(t.facility_id),
        service_type: Set(t.service_type.as_str().to_owned()),
        unit_price: Set(t.unit_price.0),
        addition_multiple: Set(t.additions.multiple.0),
        addition_sibling: Set(t.additions.sibling.0),
        addition_over_four_months: Set(t.additions.over_four_months.0),
        addition_high_need: Set(t.additions.high_need.0),
        valid_from: Set(t.valid_from),
        valid_to: Set(t.valid_to),
        created_at: Set(now),
        created_by: Set(actor.to_owned()),
        ..Default::default()
    }
}

fn to_record(r: contract::Model) -> StoreResult<ContractVersion> {
    let bad = |m: String| StoreError::corrupt("contract", r.id, m);
    let terms = ContractTerms {
        municipality: LgCode::parse(&r.municipality_code).map_err(|e| bad(e.to_string()))?,
        facility_id: r.facility_id,
        service_type: ServiceType::parse(&r.service_type).map_err(|e| bad(e.to_string()))?,
        unit_price: Yen(r.unit_price),
        additions: Additions {
            multiple: Yen(r.addition_multiple),
            sibling: Yen(r.addition_sibling),
            over_four_months: Yen(r.addition_over_four_months),
            high_need: Yen(r.addition_high_need),
        },
        valid_from: r.valid_from,
        valid_to: r.valid_to,
    };
    Ok(ContractVersion { id: r.id, contract_no: r.contract_no, version: r.version, current: r.current, terms, created_at: r.created_at, created_by: r.created_by })
}
