//! Issued statements: stored as issued, with the rule sets and a fingerprint of their inputs, and
//! never changed afterwards.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("issued_statement")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("scope", 32))
                .col(integer("fiscal_year"))
                .col(date_null("month"))
                .col(string_len_null("municipality_code", 6))
                .col(string("rule_sets"))
                .col(string_len("fingerprint", 64))
                .col(text("content"))
                .col(timestamp_with_time_zone("issued_at"))
                .col(string("issued_by"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("issued_statement").to_owned()).await
    }
}
