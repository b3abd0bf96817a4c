//! The `agreement` table: one row per version of a mutual-use agreement; `code` ties the versions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub version: i32,
    /// True on the newest version only.
    pub current: bool,
    pub prefecture_code: String,
    pub name: String,
    pub host_code: String,
    /// The members other than the host, as a JSON array of municipal codes.
    #[sea_orm(column_type = "Text")]
    pub members: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
