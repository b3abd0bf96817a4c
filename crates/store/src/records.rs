//! What the store hands back: registry records built from rows, in domain types.

use chrono::{DateTime, Utc};
use sango_domain::{ContractTerms, Coordinates, FacilityDraft, FiscalYear, LgCode, PrefectureCode, ProgramRules};

/// A municipality as registered, without its boundary geometry.
#[derive(Clone, Debug, PartialEq)]
pub struct Municipality {
    pub code: LgCode,
    pub prefecture: PrefectureCode,
    pub name: String,
    pub kana: String,
    pub en_name: String,
    pub population: i64,
    pub births: i64,
    pub centroid: Coordinates,
}

/// A municipality with its boundary as GeoJSON MultiPolygon geometry text (lon, lat order).
#[derive(Clone, Debug, PartialEq)]
pub struct MunicipalityWithBoundary {
    pub municipality: Municipality,
    pub boundary_geojson: String,
}

/// A registered facility.
#[derive(Clone, Debug, PartialEq)]
pub struct Facility {
    pub id: i64,
    pub draft: FacilityDraft,
    /// Derived from the location by point-in-polygon when the facility was saved.
    pub municipality: LgCode,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

/// One version of a municipality's programme for a fiscal year.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgramVersion {
    pub id: i64,
    pub municipality: LgCode,
    pub fiscal_year: FiscalYear,
    pub version: i32,
    pub rules: ProgramRules,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// One version of a contract.
#[derive(Clone, Debug, PartialEq)]
pub struct ContractVersion {
    pub id: i64,
    pub contract_no: i64,
    pub version: i32,
    pub current: bool,
    pub terms: ContractTerms,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// One version of a mutual-use agreement.
#[derive(Clone, Debug, PartialEq)]
pub struct AgreementVersion {
    pub id: i64,
    pub version: i32,
    pub current: bool,
    pub prefecture: PrefectureCode,
    pub terms: sango_settlement::AgreementTerms,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// One version of a prefecture's own top-ups, with who saved it when.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredTopUps {
    pub id: i64,
    pub top_ups: sango_settlement::TopUpVersion,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}
