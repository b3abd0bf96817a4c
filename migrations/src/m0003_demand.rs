//! Expected demand per municipality, month and service type (uses), e.g. the demo's synthetic year.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("demand")
                .col(string_len("municipality_code", 6))
                .col(date("month"))
                .col(string_len("service_type", 16))
                .col(integer("uses").check(Expr::col(Alias::new("uses")).gte(0)))
                .col(boolean("synthetic"))
                .primary_key(Index::create().col("municipality_code").col("month").col("service_type"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_demand_municipality")
                        .from(Alias::new("demand"), Alias::new("municipality_code"))
                        .to(Alias::new("municipality"), Alias::new("code")),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("demand").to_owned()).await
    }
}
