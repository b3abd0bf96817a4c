//! Facilities with their services and closures.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use sango_domain::{Closure, Coordinates, FacilityDraft, FacilityKind, LgCode, PrefectureCode, ServiceCapacity, ServiceType};

use crate::entity::{facility, facility_closure, facility_service};
use crate::error::{StoreError, StoreResult};
use crate::records::Facility;

/// Which facilities a listing returns.
#[derive(Clone, Debug, Default)]
pub struct FacilityFilter {
    pub prefecture: Option<PrefectureCode>,
    pub municipality: Option<LgCode>,
    pub kind: Option<FacilityKind>,
    /// Only facilities offering this type with a capacity above zero.
    pub service_type: Option<ServiceType>,
    pub include_inactive: bool,
}

/// Inserts a facility and its services; returns the new id.
pub async fn insert(c: &impl ConnectionTrait, d: &FacilityDraft, municipality: LgCode, actor: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    let row = facility::ActiveModel {
        name: Set(d.name.trim().to_owned()),
        kind: Set(d.kind.as_str().to_owned()),
        address: Set(d.address.clone()),
        lat: Set(d.location.lat),
        lon: Set(d.location.lon),
        municipality_code: Set(municipality.to_string()),
        synthetic: Set(d.synthetic),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        updated_by: Set(actor.to_owned()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    replace_services(c, row.id, &d.services).await?;
    Ok(row.id)
}

/// Replaces every field of facility `id`; false if there is no such facility. When its
/// municipality changes, the cases with use priced there are to be priced again.
pub async fn update(c: &impl ConnectionTrait, id: i64, d: &FacilityDraft, municipality: LgCode, active: bool, actor: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let Some(existing) = facility::Entity::find_by_id(id).one(c).await? else {
        return Ok(false);
    };
    if existing.municipality_code != municipality.to_string() {
        crate::pricing::mark(c, &crate::pricing::Touched::Facility(id)).await?;
    }
    let mut row: facility::ActiveModel = existing.into();
    row.name = Set(d.name.trim().to_owned());
    row.kind = Set(d.kind.as_str().to_owned());
    row.address = Set(d.address.clone());
    row.lat = Set(d.location.lat);
    row.lon = Set(d.location.lon);
    row.municipality_code = Set(municipality.to_string());
    row.synthetic = Set(d.synthetic);
    row.active = Set(active);
    row.updated_at = Set(now);
    row.updated_by = Set(actor.to_owned());
    row.update(c).await?;
    replace_services(c, id, &d.services).await?;
    Ok(true)
}

async fn replace_services(c: &impl ConnectionTrait, id: i64, services: &[ServiceCapacity]) -> StoreResult<()> {
    facility_service::Entity::delete_many().filter(facility_service::Column::FacilityId.eq(id)).exec(c).await?;
    if services.is_empty() {
        return Ok(());
    }
    let rows = services.iter().map(|s| facility_service::ActiveModel {
        facility_id: Set(id),
        service_type: Set(s.service_type.as_str().to_owned()),
        daily_capacity: Set(s.daily_capacity as i32),
    });
    facility_service::Entity::insert_many(rows).exec(c).await?;
    Ok(())
}

/// One facility by id.
pub async fn get(c: &impl ConnectionTrait, id: i64) -> StoreResult<Option<Facility>> {
    Ok(get_many(c, &[id]).await?.pop())
}

/// Several facilities by id (two queries, whatever the count), in id order.
pub async fn get_many(c: &impl ConnectionTrait, ids: &[i64]) -> StoreResult<Vec<Facility>> {
    let rows = facility::Entity::find().filter(facility::Column::Id.is_in(ids.to_vec())).order_by_asc(facility::Column::Id).all(c).await?;
    with_services(c, rows).await
}

/// A page of facilities in id order after `after` (exclusive), at most `limit`.
pub async fn list(c: &impl ConnectionTrait, f: &FacilityFilter, after: Option<i64>, limit: u64) -> StoreResult<Vec<Facility>> {
    let mut q = facility::Entity::find().order_by_asc(facility::Column::Id).limit(limit);
    if let Some(a) = after {
        q = q.filter(facility::Column::Id.gt(a));
    }
    if let Some(m) = f.municipality {
        q = q.filter(facility::Column::MunicipalityCode.eq(m.to_string()));
    }
    if let Some(p) = f.prefecture {
        q = q.filter(facility::Column::MunicipalityCode.starts_with(p.to_string()));
    }
    if let Some(k) = f.kind {
        q = q.filter(facility::Column::Kind.eq(k.as_str()));
    }
    if !f.include_inactive {
        q = q.filter(facility::Column::Active.eq(true));
    }
    if let Some(t) = f.service_type {
        let offering = facility_service::Entity::find()
            .select_only()
            .column(facility_service::Column::FacilityId)
            .filter(facility_service::Column::ServiceType.eq(t.as_str()))
            .filter(facility_service::Column::DailyCapacity.gt(0))
            .into_query();
        q = q.filter(facility::Column::Id.in_subquery(offering));
    }
    with_services(c, q.all(c).await?).await
}

/// Every active facility, for building the in-memory indexes at start-up.
pub async fn all_active(c: &impl ConnectionTrait) -> StoreResult<Vec<Facility>> {
    list(c, &FacilityFilter::default(), None, u64::MAX >> 1).await
}

async fn with_services(c: &impl ConnectionTrait, rows: Vec<facility::Model>) -> StoreResult<Vec<Facility>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut services: HashMap<i64, Vec<ServiceCapacity>> = HashMap::new();
    for s in facility_service::Entity::find()
        .filter(facility_service::Column::FacilityId.is_in(ids))
        .order_by_asc(facility_service::Column::ServiceType)
        .all(c)
        .await?
    {
        let t = ServiceType::parse(&s.service_type).map_err(|e| StoreError::corrupt("facility_service", s.facility_id, e))?;
        let cap = ServiceCapacity::new(t, i64::from(s.daily_capacity), "dailyCapacity").map_err(|e| StoreError::corrupt("facility_service", s.facility_id, e))?;
        services.entry(s.facility_id).or_default().push(cap);
    }
    rows.into_iter()
        .map(|r| {
            let mut svc = services.remove(&r.id).unwrap_or_default();
            svc.sort_by_key(|s| s.service_type);
            to_record(r, svc)
        })
        .collect()
}

fn to_record(r: facility::Model, services: Vec<ServiceCapacity>) -> StoreResult<Facility> {
    let bad = |m: String| StoreError::corrupt("facility", r.id, m);
    let kind = FacilityKind::parse(&r.kind).map_err(|e| bad(e.to_string()))?;
    let location = Coordinates::new(r.lat, r.lon, "location").map_err(|e| bad(e.to_string()))?;
    let municipality = LgCode::parse(&r.municipality_code).map_err(|e| bad(e.to_string()))?;
    Ok(Facility {
        id: r.id,
        draft: FacilityDraft { name: r.name, kind, address: r.address, location, services, synthetic: r.synthetic },
        municipality,
        active: r.active,
        updated_at: r.updated_at,
        updated_by: r.updated_by,
    })
}

/// Records a closure; returns its id.
pub async fn add_closure(c: &impl ConnectionTrait, facility_id: i64, cl: &Closure) -> StoreResult<i64> {
    let row = facility_closure::ActiveModel {
        facility_id: Set(facility_id),
        service_type: Set(cl.service_type.map(|t| t.as_str().to_owned())),
        from_date: Set(cl.from),
        to_date: Set(cl.to),
        reason: Set(cl.reason.clone()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(row.id)
}

/// The closures of several facilities, by facility id.
pub async fn closures(c: &impl ConnectionTrait, facility_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<Closure>>> {
    let mut out: HashMap<i64, Vec<Closure>> = HashMap::new();
    for r in facility_closure::Entity::find()
        .filter(facility_closure::Column::FacilityId.is_in(facility_ids.to_vec()))
        .order_by_asc(facility_closure::Column::FromDate)
        .all(c)
        .await?
    {
        let service_type = r
            .service_type
            .as_deref()
            .map(ServiceType::parse)
            .transpose()
            .map_err(|e| StoreError::corrupt("facility_closure", r.id, e))?;
        out.entry(r.facility_id).or_default().push(Closure { service_type, from: r.from_date, to: r.to_date, reason: r.reason });
    }
    Ok(out)
}

/// Holds a row lock on the facility until the transaction ends (PostgreSQL; SQLite serialises
/// writers already), so that checks made against its contracts stay true until commit.
pub async fn lock(c: &impl ConnectionTrait, id: i64) -> StoreResult<()> {
    if crate::connect::backend(c) == crate::connect::Backend::Postgres {
        let stmt = sea_orm::Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, "SELECT id FROM facility WHERE id = $1 FOR UPDATE", [id.into()]);
        c.query_one_raw(stmt).await?;
    }
    Ok(())
}

/// Whether any facility is synthetic (demo data).
pub async fn any_synthetic(c: &impl ConnectionTrait) -> StoreResult<bool> {
    Ok(facility::Entity::find().filter(facility::Column::Synthetic.eq(true)).one(c).await?.is_some())
}
