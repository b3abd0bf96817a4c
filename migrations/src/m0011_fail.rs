//! `sango_fail(state, message)` on PostgreSQL: fails the statement that calls it with the given
//! SQLSTATE. A statement that must not take effect unless a condition holds calls it where the
//! condition fails, so that the statements sent after it in the same round trip (a `COMMIT`) do
//! not run either. SQLite, whose statements are never sent together, does without.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const CREATE: &str = "CREATE FUNCTION sango_fail(state text, message text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $body$
BEGIN
    RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message;
END
$body$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection().execute_unprepared(CREATE).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection().execute_unprepared("DROP FUNCTION sango_fail(text, text)").await?;
        }
        Ok(())
    }
}
