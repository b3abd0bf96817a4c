//! The registry: prefectures, municipalities, facilities with services and closures,
//! programme versions and contract versions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(name: &str, from: (&'static str, &'static str), to: (&'static str, &'static str)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(Alias::new(from.0), Alias::new(from.1))
        .to(Alias::new(to.0), Alias::new(to.1))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn non_negative(column: &'static str) -> SimpleExpr {
    Expr::col(Alias::new(column)).gte(0)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("prefecture")
                .col(string_len("code", 2).primary_key())
                .col(string("name"))
                .col(string("kana"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("municipality")
                .col(string_len("code", 6).primary_key())
                .col(string_len("prefecture_code", 2))
                .col(string("name"))
                .col(string("kana"))
                .col(string("en_name"))
                .col(big_integer("population").check(non_negative("population")))
                .col(big_integer("births").check(non_negative("births")))
                .col(double("centroid_lat"))
                .col(double("centroid_lon"))
                .col(text("boundary"))
                .foreign_key(&mut fk("fk_municipality_prefecture", ("municipality", "prefecture_code"), ("prefecture", "code")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_municipality_prefecture").table("municipality").col("prefecture_code").to_owned()).await?;

        m.create_table(
            Table::create()
                .table("facility")
                .col(big_pk_auto("id"))
                .col(string("name"))
                .col(string_len("kind", 32))
                .col(string("address"))
                .col(double("lat"))
                .col(double("lon"))
                .col(string_len("municipality_code", 6))
                .col(boolean("synthetic"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(string("updated_by"))
                .foreign_key(&mut fk("fk_facility_municipality", ("facility", "municipality_code"), ("municipality", "code")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_facility_municipality").table("facility").col("municipality_code").to_owned()).await?;

        m.create_table(
            Table::create()
                .table("facility_service")
                .col(big_integer("facility_id"))
                .col(string_len("service_type", 16))
                .col(integer("daily_capacity").check(non_negative("daily_capacity")))
                .primary_key(Index::create().col("facility_id").col("service_type"))
                .foreign_key(&mut fk("fk_service_facility", ("facility_service", "facility_id"), ("facility", "id")))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("facility_closure")
                .col(big_pk_auto("id"))
                .col(big_integer("facility_id"))
                .col(string_len_null("service_type", 16))
                .col(date("from_date"))
                .col(date("to_date"))
                .col(string("reason"))
                .check(Expr::col(Alias::new("to_date")).gte(Expr::col(Alias::new("from_date"))))
                .foreign_key(&mut fk("fk_closure_facility", ("facility_closure", "facility_id"), ("facility", "id")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_closure_facility").table("facility_closure").col("facility_id").to_owned()).await?;

        m.create_table(
            Table::create()
                .table("program")
                .col(big_pk_auto("id"))
                .col(string_len("municipality_code", 6))
                .col(integer("fiscal_year"))
                .col(integer("version").check(Expr::col(Alias::new("version")).gte(1)))
                .col(string_len("method", 16))
                .col(text("rules"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .foreign_key(&mut fk("fk_program_municipality", ("program", "municipality_code"), ("municipality", "code")))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ux_program_version").table("program").col("municipality_code").col("fiscal_year").col("version").unique().to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("contract")
                .col(big_pk_auto("id"))
                .col(big_integer("contract_no"))
                .col(integer("version").check(Expr::col(Alias::new("version")).gte(1)))
                .col(boolean("current"))
                .col(string_len("municipality_code", 6))
                .col(big_integer("facility_id"))
                .col(string_len("service_type", 16))
                .col(big_integer("unit_price").check(non_negative("unit_price")))
                .col(big_integer("addition_multiple").check(non_negative("addition_multiple")))
                .col(big_integer("addition_sibling").check(non_negative("addition_sibling")))
                .col(big_integer("addition_over_four_months").check(non_negative("addition_over_four_months")))
                .col(big_integer("addition_high_need").check(non_negative("addition_high_need")))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .foreign_key(&mut fk("fk_contract_municipality", ("contract", "municipality_code"), ("municipality", "code")))
                .foreign_key(&mut fk("fk_contract_facility", ("contract", "facility_id"), ("facility", "id")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ux_contract_version").table("contract").col("contract_no").col("version").unique().to_owned()).await?;
        m.create_index(
            Index::create().name("ix_contract_lookup").table("contract").col("municipality_code").col("facility_id").col("service_type").to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["contract", "program", "facility_closure", "facility_service", "facility", "municipality", "prefecture"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
