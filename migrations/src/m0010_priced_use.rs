//! Each recorded use's money, priced when it is recorded: `priced_use` holds one row per used day
//! with its amounts (what settlement sums) and its `price_group` (everything statements tell uses
//! apart by but the month: resident, payer, facility, type, agreement, rule set, top-ups), so that
//! the sums group by two narrow keys; `pricing_stale` holds the cases whose rows must be priced
//! again, and `priced_rules` the fingerprint of the built-in rule sets the rows were priced under.
//! Every case with recorded use starts stale, so that an existing database is priced once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let yen = |name: &'static str| big_integer(name);
        let group_keys = ["resident", "payer", "facility_id", "facility_municipality", "service_type", "agreement", "rule_set", "top_ups"];
        m.create_table(
            Table::create()
                .table("price_group")
                .col(big_pk_auto("id"))
                .col(string_len("resident", 6))
                .col(string_len("payer", 6))
                .col(big_integer("facility_id"))
                .col(string_len("facility_municipality", 6))
                .col(string_len("service_type", 16))
                // '' for none: a unique index tells NULLs apart.
                .col(string_len("agreement", 64))
                .col(string_len("rule_set", 64))
                .col(string_len("top_ups", 64))
                .to_owned(),
        )
        .await?;
        let mut unique = Index::create().name("ux_price_group").table("price_group").unique().to_owned();
        for k in group_keys {
            unique.col(k);
        }
        m.create_index(unique).await?;
        m.create_table(
            Table::create()
                .table("priced_use")
                .col(big_integer("booking_id"))
                .col(date("date"))
                .col(big_integer("case_id"))
                .col(integer("fiscal_year"))
                .col(date("month"))
                .col(big_integer("group_id"))
                .col(integer("use_ordinal"))
                .col(yen("unit_price"))
                .col(yen("user_fee"))
                .col(yen("addition_total"))
                .col(yen("gross_cost"))
                .col(yen("reduction"))
                .col(yen("user_pays"))
                .col(yen("public_cost"))
                .col(yen("eligible_cost"))
                .col(yen("national"))
                .col(yen("prefecture"))
                .col(yen("municipality"))
                .col(yen("prefecture_top_up"))
                .col(timestamp_with_time_zone("recorded_at"))
                .primary_key(Index::create().col("booking_id").col("date"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_priced_use_year").table("priced_use").col("fiscal_year").to_owned()).await?;
        m.create_index(Index::create().name("ix_priced_use_case").table("priced_use").col("case_id").to_owned()).await?;
        m.create_index(Index::create().name("ix_priced_use_group").table("priced_use").col("group_id").to_owned()).await?;
        m.create_table(Table::create().table("pricing_stale").col(big_integer("case_id").primary_key()).to_owned()).await?;
        m.create_table(Table::create().table("priced_rules").col(string_len("fingerprint", 64).primary_key()).to_owned()).await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO pricing_stale (case_id) SELECT DISTINCT b.case_id FROM booking_day d \
                 JOIN booking b ON b.id = d.booking_id WHERE d.outcome = 'USED'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("priced_rules").to_owned()).await?;
        m.drop_table(Table::drop().table("pricing_stale").to_owned()).await?;
        m.drop_table(Table::drop().table("priced_use").to_owned()).await?;
        m.drop_table(Table::drop().table("price_group").to_owned()).await
    }
}
