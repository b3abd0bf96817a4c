//! The `municipality` table; `boundary` is a GeoJSON MultiPolygon geometry (lon, lat order).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "municipality")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub prefecture_code: String,
    pub name: String,
    pub kana: String,
    pub en_name: String,
    pub population: i64,
    pub births: i64,
    pub centroid_lat: f64,
    pub centroid_lon: f64,
    #[sea_orm(column_type = "Text")]
    pub boundary: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
