//! The audit log: every read of case data and every write, appended in a hash chain. `audit_head`
//! holds the last sequence number and hash; appenders lock it, so the chain stays linear under
//! concurrent writers, and an entry cut off the end is still noticed. `audit_case` indexes the
//! cases each entry touched, for "who saw this case".

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("audit_entry")
                .col(big_integer("seq").primary_key())
                .col(timestamp_with_time_zone("at"))
                .col(string_len("principal", 64))
                .col(big_integer_null("token_id"))
                .col(string_len("channel", 16))
                .col(string_len("access", 8))
                .col(string_len("operation", 64))
                .col(string_len("record_kind", 32))
                .col(text("record_ids"))
                .col(text("case_refs"))
                .col(string_len("outcome", 32))
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_audit_entry_principal_at").table("audit_entry").col("principal").col("at").to_owned()).await?;
        m.create_index(Index::create().name("ix_audit_entry_at").table("audit_entry").col("at").to_owned()).await?;
        m.create_table(
            Table::create()
                .table("audit_case")
                .col(big_pk_auto("id"))
                .col(big_integer("seq"))
                .col(string_len("case_ref", 32))
                .foreign_key(ForeignKey::create().name("fk_audit_case_seq").from(Alias::new("audit_case"), Alias::new("seq")).to(Alias::new("audit_entry"), Alias::new("seq")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_audit_case_case_ref_seq").table("audit_case").col("case_ref").col("seq").to_owned()).await?;
        m.create_table(Table::create().table("audit_head").col(integer("id").primary_key()).col(big_integer("seq")).col(string_len("hash", 64)).to_owned()).await?;
        let genesis = "0".repeat(64);
        m.exec_stmt(Query::insert().into_table("audit_head").columns(["id", "seq", "hash"]).values_panic([1.into(), 0i64.into(), genesis.into()]).to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["audit_head", "audit_case", "audit_entry"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
