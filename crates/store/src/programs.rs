//! Programme versions: every change is a new row; the newest version is the programme in force.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sango_domain::{FiscalYear, LgCode, ProgramRules};

use crate::entity::program;
use crate::error::{StoreError, StoreResult};
use crate::records::ProgramVersion;

/// The newest version of a municipality's programme for a fiscal year.
pub async fn current(c: &impl ConnectionTrait, m: LgCode, fy: FiscalYear) -> StoreResult<Option<ProgramVersion>> {
    program::Entity::find()
        .filter(program::Column::MunicipalityCode.eq(m.to_string()))
        .filter(program::Column::FiscalYear.eq(fy.year()))
        .order_by_desc(program::Column::Version)
        .one(c)
        .await?
        .map(to_record)
        .transpose()
}

/// Every version, oldest first.
pub async fn history(c: &impl ConnectionTrait, m: LgCode, fy: FiscalYear) -> StoreResult<Vec<ProgramVersion>> {
    program::Entity::find()
        .filter(program::Column::MunicipalityCode.eq(m.to_string()))
        .filter(program::Column::FiscalYear.eq(fy.year()))
        .order_by_asc(program::Column::Version)
        .all(c)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// Appends a new version; a concurrent writer of the same version loses on the unique index.
/// The municipality's cases with priced use are to be priced again.
pub async fn append(c: &impl ConnectionTrait, m: LgCode, fy: FiscalYear, rules: &ProgramRules, actor: &str, now: DateTime<Utc>) -> StoreResult<ProgramVersion> {
    crate::pricing::mark(c, &crate::pricing::Touched::Residents(vec![m])).await?;
    let version = current(c, m, fy).await?.map_or(1, |p| p.version + 1);
    let json = serde_json::to_string(rules).map_err(|e| StoreError::corrupt("program", m, e))?;
    let row = program::ActiveModel {
        municipality_code: Set(m.to_string()),
        fiscal_year: Set(fy.year()),
        version: Set(version),
        method: Set(rules.application.method.as_str().to_owned()),
        rules: Set(json),
        created_at: Set(now),
        created_by: Set(actor.to_owned()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    to_record(row)
}

fn to_record(r: program::Model) -> StoreResult<ProgramVersion> {
    let bad = |m: String| StoreError::corrupt("program", r.id, m);
    let municipality = LgCode::parse(&r.municipality_code).map_err(|e| bad(e.to_string()))?;
    let fiscal_year = FiscalYear::new(r.fiscal_year).map_err(|e| bad(e.to_string()))?;
    let rules: ProgramRules = serde_json::from_str(&r.rules).map_err(|e| bad(e.to_string()))?;
    Ok(ProgramVersion { id: r.id, municipality, fiscal_year, version: r.version, rules, created_at: r.created_at, created_by: r.created_by })
}
