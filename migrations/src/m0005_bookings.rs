//! Cases, bookings and their days, lottery applications and draws, the waitlist, recorded use,
//! and the append-only event log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(table: &'static str, column: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(format!("fk_{table}_{column}")).from(Alias::new(table), Alias::new(column)).to(Alias::new(to), Alias::new(if to == "municipality" { "code" } else { "id" })).to_owned()
}

fn index(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(format!("ix_{table}_{}", cols.join("_"))).table(table);
    for c in cols {
        i.col(*c);
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("care_case")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("reference", 16))
                .col(string_len("municipality_code", 6))
                .col(string_len("tier", 16))
                .col(date("infant_birth_date"))
                .col(integer("multiples").check(Expr::col(Alias::new("multiples")).between(1, 5)))
                .col(boolean("high_need"))
                .col(boolean("coordination"))
                .col(date("registered_on"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .foreign_key(&mut fk("care_case", "municipality_code", "municipality"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("care_case", &["municipality_code"])).await?;

        m.create_table(
            Table::create()
                .table("booking")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("reference", 16))
                .col(big_integer("case_id"))
                .col(big_integer("facility_id"))
                .col(string_len("service_type", 16))
                .col(date("first_date"))
                .col(date("last_date"))
                .col(integer("units").check(Expr::col(Alias::new("units")).gte(1)))
                .col(string_len("status", 16))
                .col(string_len("source", 16))
                .col(string_len_null("idempotency_key", 128).unique_key())
                .col(string_len("fingerprint", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone_null("cancelled_at"))
                .col(string_null("cancelled_by"))
                .col(string_null("cancel_reason"))
                .col(big_integer_null("cancellation_fee"))
                .foreign_key(&mut fk("booking", "case_id", "care_case"))
                .foreign_key(&mut fk("booking", "facility_id", "facility"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("booking", &["case_id"])).await?;
        m.create_index(index("booking", &["facility_id", "first_date"])).await?;

        m.create_table(
            Table::create()
                .table("booking_day")
                .col(big_integer("booking_id"))
                .col(date("date"))
                .col(string_len_null("outcome", 16))
                .col(integer_null("infants"))
                .col(boolean("sibling").default(false))
                .col(boolean("over_four_months").default(false))
                .col(boolean("high_need").default(false))
                .col(timestamp_with_time_zone_null("recorded_at"))
                .col(string_null("recorded_by"))
                .primary_key(Index::create().col("booking_id").col("date"))
                .foreign_key(&mut fk("booking_day", "booking_id", "booking"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("lottery_draw")
                .col(big_pk_auto("id"))
                .col(string_len("municipality_code", 6))
                .col(big_integer("facility_id"))
                .col(string_len("service_type", 16))
                .col(date("first_date"))
                .col(big_integer("seed"))
                .col(string("classes"))
                .col(integer("slots"))
                .col(text("winners"))
                .col(text("losers"))
                .col(timestamp_with_time_zone("run_at"))
                .col(string("run_by"))
                .foreign_key(&mut fk("lottery_draw", "facility_id", "facility"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("lottery_draw", &["municipality_code", "facility_id", "service_type", "first_date"]).unique().to_owned()).await?;

        m.create_table(
            Table::create()
                .table("application")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("reference", 16))
                .col(big_integer("case_id"))
                .col(big_integer("facility_id"))
                .col(string_len("service_type", 16))
                .col(date("first_date"))
                .col(date("last_date"))
                .col(string_len("status", 16))
                .col(big_integer_null("draw_id"))
                .col(big_integer_null("booking_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .foreign_key(&mut fk("application", "case_id", "care_case"))
                .foreign_key(&mut fk("application", "facility_id", "facility"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("application", &["facility_id", "service_type", "first_date"])).await?;
        m.create_index(index("application", &["case_id", "facility_id", "service_type", "first_date"]).unique().to_owned()).await?;

        m.create_table(
            Table::create()
                .table("waitlist_entry")
                .col(big_pk_auto("id"))
                .col(big_integer("case_id"))
                .col(big_integer("facility_id"))
                .col(string_len("service_type", 16))
                .col(date("first_date"))
                .col(date("last_date"))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone_null("offered_at"))
                .col(timestamp_with_time_zone_null("offer_expires_at"))
                .col(big_integer_null("booking_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .foreign_key(&mut fk("waitlist_entry", "case_id", "care_case"))
                .foreign_key(&mut fk("waitlist_entry", "facility_id", "facility"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("waitlist_entry", &["facility_id", "service_type", "status"])).await?;

        m.create_table(
            Table::create()
                .table("event")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string_len("kind", 32))
                .col(string_len("subject", 64))
                .col(string_null("reason"))
                .col(text("data"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("event", &["subject"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["event", "waitlist_entry", "application", "lottery_draw", "booking_day", "booking", "care_case"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
