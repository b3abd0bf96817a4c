//! The `audit_entry` table: one access to case data or one write, chained by hash; never updated.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub principal: String,
    pub token_id: Option<i64>,
    pub channel: String,
    /// `READ` or `WRITE`.
    pub access: String,
    pub operation: String,
    pub record_kind: String,
    /// A JSON array of strings.
    #[sea_orm(column_type = "Text")]
    pub record_ids: String,
    /// A JSON array of case references.
    #[sea_orm(column_type = "Text")]
    pub case_refs: String,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
