//! Lottery applications and draws.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sango_domain::{LgCode, ServiceType};

use crate::entity::{application, lottery_draw};
use crate::error::{StoreError, StoreResult};

/// A lottery application for consecutive dates `first..=last`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    pub id: i64,
    pub reference: String,
    pub case_id: i64,
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// PENDING, WON, LOST or WITHDRAWN.
    pub status: String,
    pub draw_id: Option<i64>,
    pub booking_id: Option<i64>,
}

/// A stored draw: enough to re-run it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDraw {
    pub id: i64,
    pub municipality: LgCode,
    pub facility_id: i64,
    pub service_type: ServiceType,
    pub first_date: NaiveDate,
    pub seed: u64,
    pub classes: Vec<String>,
    pub winners: Vec<i64>,
    pub losers: Vec<i64>,
    pub run_at: DateTime<Utc>,
    pub run_by: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn apply(c: &impl ConnectionTrait, reference: &str, case_id: i64, facility: i64, t: ServiceType, first: NaiveDate, last: NaiveDate, actor: &str, now: DateTime<Utc>) -> StoreResult<Application> {
    let row = application::ActiveModel {
        reference: Set(reference.to_owned()),
        case_id: Set(case_id),
        facility_id: Set(facility),
        service_type: Set(t.as_str().to_owned()),
        first_date: Set(first),
        last_date: Set(last),
        status: Set("PENDING".to_owned()),
        draw_id: Set(None),
        booking_id: Set(None),
        created_at: Set(now),
        created_by: Set(actor.to_owned()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    to_application(row)
}

/// Pending applications for a facility's type starting on a date, in id order.
pub async fn pending(c: &impl ConnectionTrait, facility: i64, t: ServiceType, first: NaiveDate) -> StoreResult<Vec<Application>> {
    application::Entity::find()
        .filter(application::Column::FacilityId.eq(facility))
        .filter(application::Column::ServiceType.eq(t.as_str()))
        .filter(application::Column::FirstDate.eq(first))
        .filter(application::Column::Status.eq("PENDING"))
        .order_by_asc(application::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(to_application)
        .collect()
}

/// A case's applications.
pub async fn of_case(c: &impl ConnectionTrait, case_id: i64) -> StoreResult<Vec<Application>> {
    application::Entity::find().filter(application::Column::CaseId.eq(case_id)).order_by_asc(application::Column::Id).all(c).await?.into_iter().map(to_application).collect()
}

/// Applications of the residents of `codes` for dates starting between `from` and `to`, in id order.
pub async fn of_residents(c: &impl ConnectionTrait, codes: &[LgCode], from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Application>> {
    application::Entity::find()
        .filter(application::Column::CaseId.in_subquery(crate::cases::ids_of_residents(codes)))
        .filter(application::Column::FirstDate.between(from, to))
        .order_by_asc(application::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(to_application)
        .collect()
}

/// Sets an application's outcome.
pub async fn decide(c: &impl ConnectionTrait, id: i64, status: &str, draw_id: i64, booking_id: Option<i64>) -> StoreResult<()> {
    let Some(row) = application::Entity::find_by_id(id).one(c).await? else { return Ok(()) };
    let mut row: application::ActiveModel = row.into();
    row.status = Set(status.to_owned());
    row.draw_id = Set(Some(draw_id));
    row.booking_id = Set(booking_id);
    row.update(c).await?;
    Ok(())
}

/// Stores a draw; the unique index allows one draw per facility, type and date.
#[allow(clippy::too_many_arguments)]
pub async fn insert_draw(c: &impl ConnectionTrait, m: LgCode, facility: i64, t: ServiceType, first: NaiveDate, seed: u64, classes: &[String], winners: &[i64], losers: &[i64], actor: &str, now: DateTime<Utc>) -> StoreResult<StoredDraw> {
    let row = lottery_draw::ActiveModel {
        municipality_code: Set(m.to_string()),
        facility_id: Set(facility),
        service_type: Set(t.as_str().to_owned()),
        first_date: Set(first),
        // Stored bit for bit: seeds above i64::MAX come back unchanged through `as u64`.
        seed: Set(seed as i64),
        classes: Set(classes.join(",")),
        slots: Set(winners.len() as i32),
        winners: Set(serde_json::to_string(winners).expect("ids serialise")),
        losers: Set(serde_json::to_string(losers).expect("ids serialise")),
        run_at: Set(now),
        run_by: Set(actor.to_owned()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    to_draw(row)
}

pub async fn draw_for(c: &impl ConnectionTrait, m: LgCode, facility: i64, t: ServiceType, first: NaiveDate) -> StoreResult<Option<StoredDraw>> {
    lottery_draw::Entity::find()
        .filter(lottery_draw::Column::MunicipalityCode.eq(m.to_string()))
        .filter(lottery_draw::Column::FacilityId.eq(facility))
        .filter(lottery_draw::Column::ServiceType.eq(t.as_str()))
        .filter(lottery_draw::Column::FirstDate.eq(first))
        .one(c)
        .await?
        .map(to_draw)
        .transpose()
}

fn to_application(r: application::Model) -> StoreResult<Application> {
    let service_type = ServiceType::parse(&r.service_type).map_err(|e| StoreError::corrupt("application", r.id, e))?;
    Ok(Application { id: r.id, reference: r.reference, case_id: r.case_id, facility_id: r.facility_id, service_type, first: r.first_date, last: r.last_date, status: r.status, draw_id: r.draw_id, booking_id: r.booking_id })
}

fn to_draw(r: lottery_draw::Model) -> StoreResult<StoredDraw> {
    let bad = |m: String| StoreError::corrupt("lottery_draw", r.id, m);
    Ok(StoredDraw {
        id: r.id,
        municipality: LgCode::parse(&r.municipality_code).map_err(|e| bad(e.to_string()))?,
        facility_id: r.facility_id,
        service_type: ServiceType::parse(&r.service_type).map_err(|e| bad(e.to_string()))?,
        first_date: r.first_date,
        seed: r.seed as u64,
        classes: r.classes.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        winners: serde_json::from_str(&r.winners).map_err(|e| bad(e.to_string()))?,
        losers: serde_json::from_str(&r.losers).map_err(|e| bad(e.to_string()))?,
        run_at: r.run_at,
        run_by: r.run_by,
    })
}

/// Applications by id, in the order of `ids`.
pub async fn by_ids(c: &impl ConnectionTrait, ids: &[i64]) -> StoreResult<Vec<Application>> {
    let rows = application::Entity::find().filter(application::Column::Id.is_in(ids.to_vec())).all(c).await?;
    let mut apps: Vec<Application> = rows.into_iter().map(to_application).collect::<StoreResult<_>>()?;
    apps.sort_by_key(|a| ids.iter().position(|id| *id == a.id));
    Ok(apps)
}

/// An application by its public reference.
pub async fn by_reference(c: &impl ConnectionTrait, reference: &str) -> StoreResult<Option<Application>> {
    application::Entity::find().filter(application::Column::Reference.eq(reference)).one(c).await?.map(to_application).transpose()
}
