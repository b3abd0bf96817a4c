//! Accounts with Argon2id password hashes; bearer tokens gain the operations they allow and,
//! for the sessions of a login, the account they belong to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("account")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("username", 64))
                .col(string_len("password_hash", 255))
                .col(string_len("role", 32))
                .col(string_len("scope", 16))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("disabled_at"))
                .to_owned(),
        )
        .await?;
        // One column per statement: SQLite alters one column at a time.
        m.alter_table(Table::alter().table("api_token").add_column(string_len("operations", 16).default("read,write")).to_owned()).await?;
        m.alter_table(Table::alter().table("api_token").add_column(big_integer_null("account_id")).to_owned()).await?;
        m.create_index(Index::create().name("ix_api_token_account").table("api_token").col("account_id").to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_api_token_account").table("api_token").to_owned()).await?;
        m.alter_table(Table::alter().table("api_token").drop_column("account_id").to_owned()).await?;
        m.alter_table(Table::alter().table("api_token").drop_column("operations").to_owned()).await?;
        m.drop_table(Table::drop().table("account").to_owned()).await
    }
}
