//! Mutual-use agreements (広域化協定) and a prefecture's own top-up versions: one row per
//! version, never updated except to clear `current` on the version an amendment replaces.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("agreement")
                .col(big_pk_auto("id"))
                .col(string_len("code", 40))
                .col(integer("version").check(Expr::col(Alias::new("version")).gte(1)))
                .col(boolean("current"))
                .col(string_len("prefecture_code", 2))
                .col(string("name"))
                .col(string_len("host_code", 6))
                .col(text("members"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_agreement_host")
                        .from(Alias::new("agreement"), Alias::new("host_code"))
                        .to(Alias::new("municipality"), Alias::new("code")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_agreement_version").table("agreement").col("code").col("version").unique().to_owned()).await?;
        m.create_index(Index::create().name("ix_agreement_prefecture").table("agreement").col("prefecture_code").to_owned()).await?;

        m.create_table(
            Table::create()
                .table("prefecture_top_up")
                .col(big_pk_auto("id"))
                .col(string_len("prefecture_code", 2))
                .col(integer("version").check(Expr::col(Alias::new("version")).gte(1)))
                .col(date("effective_from"))
                .col(text("kinds"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_prefecture_top_up_version").table("prefecture_top_up").col("prefecture_code").col("version").unique().to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("prefecture_top_up").to_owned()).await?;
        m.drop_table(Table::drop().table("agreement").to_owned()).await
    }
}
