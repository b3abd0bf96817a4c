//! The availability calendar: capacity published for single dates, and slots taken per date.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn per_day(table: &'static str, value: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(big_integer("facility_id"))
        .col(string_len("service_type", 16))
        .col(date("date"))
        .col(integer(value).check(Expr::col(Alias::new(value)).gte(0)))
        .primary_key(Index::create().col("facility_id").col("service_type").col("date"))
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table}_facility"))
                .from(Alias::new(table), Alias::new("facility_id"))
                .to(Alias::new("facility"), Alias::new("id")),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(per_day("capacity_override", "capacity")).await?;
        m.create_table(per_day("slot", "taken")).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("slot").to_owned()).await?;
        m.drop_table(Table::drop().table("capacity_override").to_owned()).await
    }
}
