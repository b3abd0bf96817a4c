//! Expected demand per municipality, month and service type.

use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::OnConflict};
use sango_domain::{FiscalYear, LgCode, ServiceType};

use crate::entity::demand;
use crate::error::{StoreError, StoreResult};

/// Expected uses of one type in one month by one municipality's residents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlyDemand {
    pub municipality: LgCode,
    /// First day of the month.
    pub month: NaiveDate,
    pub service_type: ServiceType,
    pub uses: u32,
    pub synthetic: bool,
}

/// Inserts or replaces rows.
pub async fn upsert(c: &impl ConnectionTrait, rows: &[MonthlyDemand]) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows.iter().map(|r| demand::ActiveModel {
        municipality_code: Set(r.municipality.to_string()),
        month: Set(r.month),
        service_type: Set(r.service_type.as_str().to_owned()),
        uses: Set(r.uses as i32),
        synthetic: Set(r.synthetic),
    });
    use demand::Column as C;
    demand::Entity::insert_many(models)
        .on_conflict(OnConflict::columns([C::MunicipalityCode, C::Month, C::ServiceType]).update_columns([C::Uses, C::Synthetic]).to_owned())
        .exec(c)
        .await?;
    Ok(())
}

/// A municipality's demand over a fiscal year, by month then type.
pub async fn for_year(c: &impl ConnectionTrait, m: LgCode, fy: FiscalYear) -> StoreResult<Vec<MonthlyDemand>> {
    let rows = demand::Entity::find()
        .filter(demand::Column::MunicipalityCode.eq(m.to_string()))
        .filter(demand::Column::Month.between(fy.first_day(), fy.last_day()))
        .order_by_asc(demand::Column::Month)
        .order_by_asc(demand::Column::ServiceType)
        .all(c)
        .await?;
    rows.into_iter()
        .map(|r| {
            let service_type = ServiceType::parse(&r.service_type).map_err(|e| StoreError::corrupt("demand", &r.municipality_code, e))?;
            Ok(MonthlyDemand { municipality: m, month: r.month, service_type, uses: r.uses.max(0) as u32, synthetic: r.synthetic })
        })
        .collect()
}

/// The forecast rows of several municipalities for one month (its first day) and type.
pub async fn for_month(c: &impl ConnectionTrait, codes: &[LgCode], month: NaiveDate, t: ServiceType) -> StoreResult<Vec<MonthlyDemand>> {
    let rows = demand::Entity::find()
        .filter(demand::Column::MunicipalityCode.is_in(codes.iter().map(LgCode::to_string)))
        .filter(demand::Column::Month.eq(month))
        .filter(demand::Column::ServiceType.eq(t.as_str()))
        .order_by_asc(demand::Column::MunicipalityCode)
        .all(c)
        .await?;
    rows.into_iter()
        .map(|r| {
            let bad = |e: String| StoreError::corrupt("demand", &r.municipality_code, e);
            let municipality = LgCode::parse(&r.municipality_code).map_err(|e| bad(e.to_string()))?;
            Ok(MonthlyDemand { municipality, month: r.month, service_type: t, uses: r.uses.max(0) as u32, synthetic: r.synthetic })
        })
        .collect()
}
