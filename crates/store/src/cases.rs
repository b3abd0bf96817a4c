//! Cases: pseudonymous mother–infant records registered by their municipality.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder};
use sango_domain::{CaseProfile, HouseholdTier, LgCode};

use crate::entity::care_case;
use crate::error::{StoreError, StoreResult};

/// A registered case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub id: i64,
    /// The public reference: random, so that ids cannot be guessed.
    pub reference: String,
    pub profile: CaseProfile,
    pub active: bool,
}

/// Stores a new case under `reference`.
pub async fn insert(c: &impl ConnectionTrait, reference: &str, p: &CaseProfile, actor: &str, now: DateTime<Utc>) -> StoreResult<Case> {
    let row = care_case::ActiveModel {
        reference: Set(reference.to_owned()),
        municipality_code: Set(p.municipality.to_string()),
        tier: Set(p.tier.as_str().to_owned()),
        infant_birth_date: Set(p.infant_birth_date),
        multiples: Set(p.multiples as i32),
        high_need: Set(p.high_need),
        coordination: Set(p.coordination),
        registered_on: Set(p.registered_on),
        active: Set(true),
        created_at: Set(now),
        created_by: Set(actor.to_owned()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    to_record(row)
}

/// Replaces a case's profile (tier changes, a high-need flag set by the nurse, …).
pub async fn update(c: &impl ConnectionTrait, id: i64, p: &CaseProfile) -> StoreResult<()> {
    let Some(row) = care_case::Entity::find_by_id(id).one(c).await? else { return Ok(()) };
    let mut row: care_case::ActiveModel = row.into();
    row.tier = Set(p.tier.as_str().to_owned());
    row.infant_birth_date = Set(p.infant_birth_date);
    row.multiples = Set(p.multiples as i32);
    row.high_need = Set(p.high_need);
    row.coordination = Set(p.coordination);
    row.update(c).await?;
    Ok(())
}

pub async fn by_reference(c: &impl ConnectionTrait, reference: &str) -> StoreResult<Option<Case>> {
    care_case::Entity::find().filter(care_case::Column::Reference.eq(reference)).one(c).await?.map(to_record).transpose()
}

pub async fn by_id(c: &impl ConnectionTrait, id: i64) -> StoreResult<Option<Case>> {
    care_case::Entity::find_by_id(id).one(c).await?.map(to_record).transpose()
}

/// Locks the given cases until the transaction ends, so that checks of what a case has already
/// booked hold until its new booking is written. PostgreSQL locks the rows (in id order, so that
/// two writers cannot deadlock on them); SQLite needs nothing more than the write transaction,
/// which holds the database's write lock from its start (see `begin_write`).
pub async fn lock(c: &impl ConnectionTrait, ids: &[i64]) -> StoreResult<()> {
    if ids.is_empty() || c.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    use sea_orm::QuerySelect;
    care_case::Entity::find()
        .select_only()
        .column(care_case::Column::Id)
        .filter(care_case::Column::Id.is_in(ids.to_vec()))
        .order_by_asc(care_case::Column::Id)
        .lock_exclusive()
        .into_tuple::<i64>()
        .all(c)
        .await?;
    Ok(())
}

/// Several cases by id.
pub async fn by_ids(c: &impl ConnectionTrait, ids: &[i64]) -> StoreResult<Vec<Case>> {
    care_case::Entity::find().filter(care_case::Column::Id.is_in(ids.to_vec())).all(c).await?.into_iter().map(to_record).collect()
}

/// A municipality's cases, newest first.
pub async fn of_municipality(c: &impl ConnectionTrait, m: LgCode, limit: u64) -> StoreResult<Vec<Case>> {
    use sea_orm::QuerySelect;
    care_case::Entity::find()
        .filter(care_case::Column::MunicipalityCode.eq(m.to_string()))
        .order_by_desc(care_case::Column::Id)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(to_record)
        .collect()
}

/// The cases of several municipalities, in id order.
pub async fn of_municipalities(c: &impl ConnectionTrait, codes: &[LgCode]) -> StoreResult<Vec<Case>> {
    care_case::Entity::find().filter(care_case::Column::MunicipalityCode.is_in(codes.iter().map(LgCode::to_string))).order_by_asc(care_case::Column::Id).all(c).await?.into_iter().map(to_record).collect()
}

/// `SELECT id FROM care_case WHERE municipality_code IN (…)`: the cases of residents of `codes`,
/// for filtering their bookings, applications and waitlist entries in one query.
pub fn ids_of_residents(codes: &[LgCode]) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(care_case::Column::Id)
        .from(care_case::Entity)
        .and_where(care_case::Column::MunicipalityCode.is_in(codes.iter().map(LgCode::to_string)))
        .to_owned()
}

fn to_record(r: care_case::Model) -> StoreResult<Case> {
    let bad = |m: String| StoreError::corrupt("care_case", r.id, m);
    let profile = CaseProfile {
        municipality: LgCode::parse(&r.municipality_code).map_err(|e| bad(e.to_string()))?,
        tier: HouseholdTier::parse(&r.tier).map_err(|e| bad(e.to_string()))?,
        infant_birth_date: r.infant_birth_date,
        multiples: r.multiples.max(1) as u32,
        high_need: r.high_need,
        coordination: r.coordination,
        registered_on: r.registered_on,
    };
    Ok(Case { id: r.id, reference: r.reference, profile, active: r.active })
}
