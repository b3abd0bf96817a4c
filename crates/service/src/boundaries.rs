//! Municipal boundaries: the embedded JMA set for all of Japan, loaded once into an empty
//! registry, and user-supplied GeoJSON (our own format or national land data N03) replacing it.

use std::collections::HashMap;

use sango_domain::prefectures::all_prefectures;
use sango_domain::{Coordinates, LgCode};
use sango_geodata::Boundary;
use sango_spatial::centroid;
use sango_spatial::geometry_json::to_geojson;
use sango_store::{Municipality, MunicipalityWithBoundary};

use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// Registers every prefecture and municipality of Japan with its boundary if the registry is empty.
pub(crate) async fn ensure_japan(hub: &Hub) -> ServiceResult<()> {
    if !sango_store::municipalities::list(&hub.db, None).await?.is_empty() {
        return Ok(());
    }
    let names = sango_geodata::municipality_list().map_err(ServiceError::internal)?;
    let shapes = sango_geodata::japan_boundaries().map_err(ServiceError::internal)?;
    let names: HashMap<LgCode, _> = names.into_iter().map(|r| (r.code, r)).collect();
    let txn = sango_store::begin_write(&hub.db).await?;
    for (code, name, kana) in all_prefectures() {
        sango_store::municipalities::upsert_prefecture(&txn, code, name, kana).await?;
    }
    for b in &shapes {
        let (kana, en_name) = names.get(&b.code).map(|r| (r.kana.clone(), r.en_name.clone())).unwrap_or_default();
        sango_store::municipalities::upsert_municipality(&txn, &record(b, kana, en_name, 0, 0)?).await?;
    }
    txn.commit().await?;
    tracing::info!(municipalities = shapes.len(), "registered the municipalities of Japan (出典：気象庁)");
    Ok(())
}

fn record(b: &Boundary, kana: String, en_name: String, population: i64, births: i64) -> ServiceResult<MunicipalityWithBoundary> {
    let centroid = centroid(&b.shape).ok_or_else(|| ServiceError::bad_input("boundary", format!("the boundary of {} has no area", b.code)))?;
    Ok(MunicipalityWithBoundary {
        municipality: Municipality { code: b.code, prefecture: b.code.prefecture(), name: b.name.clone(), kana, en_name, population, births, centroid },
        boundary_geojson: to_geojson(&b.shape),
    })
}

/// What a boundary import changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundaryImport {
    pub municipalities: usize,
    /// Facilities whose municipality changed because the boundary moved.
    pub facilities_moved: usize,
}

impl Hub {
    /// Replaces the boundaries of the municipalities in a GeoJSON file (our format or N03), keeping
    /// names, kana and population of known ones, then re-derives every facility's municipality.
    /// Admin only; all or nothing.
    pub async fn import_boundaries(&self, caller: &Caller, text: &str) -> ServiceResult<BoundaryImport> {
        if *caller.require()? != sango_domain::Principal::Admin {
            return Err(ServiceError::forbidden("only an admin may replace municipal boundaries"));
        }
        let shapes = sango_geodata::parse_boundaries_geojson(text).map_err(|e| ServiceError::bad_input("file", e.to_string()))?;
        if shapes.is_empty() {
            return Err(ServiceError::bad_input("file", "the file holds no municipal boundary"));
        }
        let txn = sango_store::begin_write(&self.db).await?;
        for b in &shapes {
            let known = sango_store::municipalities::get(&txn, b.code).await?;
            let (kana, en, pop, births, name) = match known {
                Some(m) => (m.kana, m.en_name, m.population, m.births, m.name),
                None => (String::new(), String::new(), 0, 0, b.name.clone()),
            };
            let mut row = record(b, kana, en, pop, births)?;
            row.municipality.name = name;
            sango_store::municipalities::upsert_municipality(&txn, &row).await?;
        }
        let index = sango_spatial::BoundaryIndex::new(
            sango_store::municipalities::list_with_boundaries(&txn)
                .await?
                .into_iter()
                .filter_map(|m| sango_spatial::geometry_json::from_geojson(&m.boundary_geojson).ok().map(|s| (m.municipality.code, s))),
        );
        let mut moved = 0;
        let mut orphans = Vec::new();
        let now = self.now();
        for f in sango_store::facilities::all_active(&txn).await? {
            match index.municipality_at(f.draft.location) {
                None => orphans.push(crate::Problem {
                    row: None,
                    column: Some("facility".into()),
                    message: format!("facility {} ({}) at ({}, {}) would lie in no municipality", f.id, f.draft.name, f.draft.location.lat, f.draft.location.lon),
                }),
                Some(m) if m != f.municipality => {
                    sango_store::facilities::update(&txn, f.id, &f.draft, m, f.active, &caller.actor(), now).await?;
                    moved += 1;
                }
                Some(_) => {}
            }
        }
        if !orphans.is_empty() {
            txn.rollback().await?;
            let mut e = ServiceError::bad_input("file", format!("{} facilities would lie outside every municipality; nothing was changed", orphans.len()));
            e.problems = orphans;
            return Err(e);
        }
        self.audit_write(&txn, caller, "importBoundaries", "municipality", crate::audit::Touched::new(shapes.iter().map(|b| b.code.to_string()), [])).await?;
        txn.commit().await?;
        self.reload_boundaries().await?;
        self.refresh_search().await?;
        Ok(BoundaryImport { municipalities: shapes.len(), facilities_moved: moved })
    }
}

/// Coordinates must fall inside a registered municipality: that is how the hub knows "in Japan".
pub(crate) fn locate(hub: &Hub, at: Coordinates, field: &str) -> ServiceResult<LgCode> {
    hub.municipality_at(at).ok_or_else(|| {
        ServiceError::bad_input(&format!("{field}.lat"), format!("({}, {}) is not inside any registered municipality of Japan", at.lat, at.lon))
    })
}
