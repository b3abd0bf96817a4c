//! The hub's database schema as sea-orm migrations; the same steps run on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m0001_registry;
mod m0002_tokens;
mod m0003_demand;
mod m0004_calendar;
mod m0005_bookings;
mod m0006_statements;
mod m0007_audit;
mod m0008_agreements_top_ups;
mod m0009_accounts;
mod m0010_priced_use;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m0001_registry::Migration), Box::new(m0002_tokens::Migration), Box::new(m0003_demand::Migration), Box::new(m0004_calendar::Migration), Box::new(m0005_bookings::Migration), Box::new(m0006_statements::Migration), Box::new(m0007_audit::Migration), Box::new(m0008_agreements_top_ups::Migration), Box::new(m0009_accounts::Migration), Box::new(m0010_priced_use::Migration)]
    }
}
