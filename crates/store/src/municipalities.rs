//! Prefectures and municipalities.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::OnConflict};
use sango_domain::{Coordinates, LgCode, PrefectureCode};

use crate::entity::{municipality, prefecture};
use crate::error::{StoreError, StoreResult};
use crate::records::{Municipality, MunicipalityWithBoundary};

/// Inserts or renames a prefecture.
pub async fn upsert_prefecture(c: &impl ConnectionTrait, code: PrefectureCode, name: &str, kana: &str) -> StoreResult<()> {
    let row = prefecture::ActiveModel { code: Set(code.to_string()), name: Set(name.into()), kana: Set(kana.into()) };
    prefecture::Entity::insert(row)
        .on_conflict(OnConflict::column(prefecture::Column::Code).update_columns([prefecture::Column::Name, prefecture::Column::Kana]).to_owned())
        .exec(c)
        .await?;
    Ok(())
}

/// Inserts a municipality or replaces every field of an existing one.
pub async fn upsert_municipality(c: &impl ConnectionTrait, m: &MunicipalityWithBoundary) -> StoreResult<()> {
    let r = &m.municipality;
    let row = municipality::ActiveModel {
        code: Set(r.code.to_string()),
        prefecture_code: Set(r.prefecture.to_string()),
        name: Set(r.name.clone()),
        kana: Set(r.kana.clone()),
        en_name: Set(r.en_name.clone()),
        population: Set(r.population),
        births: Set(r.births),
        centroid_lat: Set(r.centroid.lat),
        centroid_lon: Set(r.centroid.lon),
        boundary: Set(m.boundary_geojson.clone()),
    };
    use municipality::Column as C;
    municipality::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::Code)
                .update_columns([C::PrefectureCode, C::Name, C::Kana, C::EnName, C::Population, C::Births, C::CentroidLat, C::CentroidLon, C::Boundary])
                .to_owned(),
        )
        .exec(c)
        .await?;
    Ok(())
}

/// Municipalities in code order, optionally of one prefecture.
pub async fn list(c: &impl ConnectionTrait, prefecture: Option<PrefectureCode>) -> StoreResult<Vec<Municipality>> {
    let mut q = municipality::Entity::find()
        .select_only()
        .columns([
            municipality::Column::Code,
            municipality::Column::PrefectureCode,
            municipality::Column::Name,
            municipality::Column::Kana,
            municipality::Column::EnName,
            municipality::Column::Population,
            municipality::Column::Births,
            municipality::Column::CentroidLat,
            municipality::Column::CentroidLon,
        ])
        .column_as(sea_orm::sea_query::Expr::val(""), "boundary")
        .order_by_asc(municipality::Column::Code);
    if let Some(p) = prefecture {
        q = q.filter(municipality::Column::PrefectureCode.eq(p.to_string()));
    }
    q.all(c).await?.into_iter().map(to_record).collect()
}

/// Every municipality with its boundary, for building the spatial index.
pub async fn list_with_boundaries(c: &impl ConnectionTrait) -> StoreResult<Vec<MunicipalityWithBoundary>> {
    let rows = municipality::Entity::find().order_by_asc(municipality::Column::Code).all(c).await?;
    rows.into_iter()
        .map(|row| {
            let boundary_geojson = row.boundary.clone();
            Ok(MunicipalityWithBoundary { municipality: to_record(row)?, boundary_geojson })
        })
        .collect()
}

/// One municipality by code.
pub async fn get(c: &impl ConnectionTrait, code: LgCode) -> StoreResult<Option<Municipality>> {
    municipality::Entity::find_by_id(code.to_string()).one(c).await?.map(to_record).transpose()
}

/// Several municipalities by code, in one query.
pub async fn get_many(c: &impl ConnectionTrait, codes: &[LgCode]) -> StoreResult<Vec<Municipality>> {
    let keys: Vec<String> = codes.iter().map(ToString::to_string).collect();
    let rows = municipality::Entity::find().filter(municipality::Column::Code.is_in(keys)).all(c).await?;
    rows.into_iter().map(to_record).collect()
}

fn to_record(row: municipality::Model) -> StoreResult<Municipality> {
    let bad = |m: String| StoreError::corrupt("municipality", &row.code, m);
    let code = LgCode::parse(&row.code).map_err(|e| bad(e.to_string()))?;
    let prefecture = PrefectureCode::parse(&row.prefecture_code).map_err(|e| bad(e.to_string()))?;
    let centroid = Coordinates::new(row.centroid_lat, row.centroid_lon, "centroid").map_err(|e| bad(e.to_string()))?;
    Ok(Municipality {
        code,
        prefecture,
        name: row.name,
        kana: row.kana,
        en_name: row.en_name,
        population: row.population,
        births: row.births,
        centroid,
    })
}

/// One municipality's boundary as GeoJSON geometry text.
pub async fn boundary(c: &impl ConnectionTrait, code: LgCode) -> StoreResult<Option<String>> {
    Ok(municipality::Entity::find_by_id(code.to_string()).one(c).await?.map(|m| m.boundary))
}
