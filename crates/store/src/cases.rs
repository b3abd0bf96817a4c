//! Cases: pseudonymous mother–infant records registered by their municipality.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Statement};
use sango_domain::{BookingStatus, CaseProfile, HouseholdTier, LgCode, ServiceType};

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

/// Replaces a case's profile (tier changes, a high-need flag set by the nurse, …); its use is
/// to be priced again.
pub async fn update(c: &impl ConnectionTrait, id: i64, p: &CaseProfile) -> StoreResult<()> {
    let Some(row) = care_case::Entity::find_by_id(id).one(c).await? else { return Ok(()) };
    crate::pricing::mark(c, &crate::pricing::Touched::Case(id)).await?;
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

/// A case with the days it holds: every day of its bookings that are not cancelled, by type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseHolding {
    pub case: Case,
    pub held: Vec<(ServiceType, NaiveDate)>,
}

/// References per read on SQLite (one value each).
const HOLDING_CHUNK: usize = 500;

/// The cases with these references, each with the days it holds, read with one statement (per
/// chunk on SQLite). Inside a write transaction that has locked the cases, what a case holds
/// cannot change before the transaction's own bookings are written; see
/// [`crate::booking_group::lock`], which reads them this way on PostgreSQL, and [`lock_holdings`].
/// References not found are left out.
pub async fn holdings(c: &impl ConnectionTrait, references: &[&str]) -> StoreResult<Vec<CaseHolding>> {
    let backend = c.get_database_backend();
    let mut out: Vec<CaseHolding> = Vec::with_capacity(references.len());
    if backend == DbBackend::Postgres {
        // The references as one JSON array, so that the statement's text is the same for every
        // group and each connection prepares and plans it once.
        let list: sea_orm::Value = serde_json::to_string(references).expect("strings serialise").into();
        read_holdings(c, "c.reference = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))", vec![list], &mut out).await?;
    } else {
        for chunk in references.chunks(HOLDING_CHUNK) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
            let values: Vec<sea_orm::Value> = chunk.iter().map(|r| (*r).into()).collect();
            read_holdings(c, &format!("c.reference IN ({})", marks.join(", ")), values, &mut out).await?;
        }
    }
    Ok(out)
}

/// Locks the cases with these ids until the transaction ends, in id order (the order the booking
/// writer takes them in, before any slot), and then reads each with the days it holds: what a draw
/// or an offer checks a case's limits against, knowing that no other booking of the case can be
/// written before its own. On SQLite the write transaction holds the database's write lock from
/// its start (see `begin_write`), which locks the cases as well. Ids not found are left out.
pub async fn lock_holdings(c: &impl ConnectionTrait, ids: &[i64]) -> StoreResult<Vec<CaseHolding>> {
    let mut out = Vec::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(out);
    }
    if c.get_database_backend() == DbBackend::Postgres {
        // A statement of its own: one that waited for a lock would still read the bookings joined
        // to the case as they were when it began.
        care_case::Entity::find().select_only().column(care_case::Column::Id).filter(care_case::Column::Id.is_in(ids.to_vec())).order_by_asc(care_case::Column::Id).lock_exclusive().into_tuple::<i64>().all(c).await?;
    }
    // The ids are integers, written into the text as such.
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    read_holdings(c, &format!("c.id IN ({})", list.join(", ")), vec![], &mut out).await?;
    Ok(out)
}

/// Appends to `out` the cases that `condition` (over `care_case c`) selects, in id order, each
/// with the days it holds.
async fn read_holdings(c: &impl ConnectionTrait, condition: &str, values: Vec<sea_orm::Value>, out: &mut Vec<CaseHolding>) -> StoreResult<()> {
    let backend = c.get_database_backend();
    for row in c.query_all_raw(Statement::from_sql_and_values(backend, holdings_sql(backend, condition), values)).await? {
        push_holding(&row, out)?;
    }
    Ok(())
}

/// The query of the cases that `condition` (over `care_case c`) selects, in id order: a row per
/// day each holds (`held_type`, `held_date`), or one row with those null if it holds none.
pub(crate) fn holdings_sql(backend: DbBackend, condition: &str) -> String {
    let cancelled = BookingStatus::Cancelled.as_str();
    // On PostgreSQL a lateral subquery (kept apart by OFFSET 0) reads each case's bookings through
    // their case index, whatever the planner believes of the booking table's size (its plan is
    // kept for the connection's life); SQLite, without LATERAL, plans the plain join that way.
    if backend == DbBackend::Postgres {
        format!(
            "SELECT c.*, h.held_type, h.held_date FROM care_case c LEFT JOIN LATERAL (\
               SELECT b.service_type AS held_type, d.date AS held_date FROM booking b JOIN booking_day d ON d.booking_id = b.id \
               WHERE b.case_id = c.id AND b.status <> '{cancelled}' OFFSET 0) h ON true \
             WHERE {condition} ORDER BY c.id"
        )
    } else {
        format!(
            "SELECT c.*, b.service_type AS held_type, d.date AS held_date FROM care_case c \
             LEFT JOIN booking b ON b.case_id = c.id AND b.status <> '{cancelled}' LEFT JOIN booking_day d ON d.booking_id = b.id \
             WHERE {condition} ORDER BY c.id"
        )
    }
}

/// Adds a row of [`holdings_sql`] to `out`: a new case, or a day held by the last one.
pub(crate) fn push_holding(row: &sea_orm::QueryResult, out: &mut Vec<CaseHolding>) -> StoreResult<()> {
    let model = care_case::Model::from_query_result(row, "")?;
    if out.last().is_none_or(|h| h.case.id != model.id) {
        out.push(CaseHolding { case: to_record(model)?, held: Vec::new() });
    }
    let held_type: Option<String> = row.try_get("", "held_type")?;
    let held_date: Option<NaiveDate> = row.try_get("", "held_date")?;
    if let (Some(t), Some(date), Some(h)) = (held_type, held_date, out.last_mut()) {
        let t = ServiceType::parse(&t).map_err(|e| StoreError::corrupt("booking", h.case.id, e.to_string()))?;
        h.held.push((t, date));
    }
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
