//! Persistence for the hub on SQLite (embedded default) or PostgreSQL, through sea-orm.
//! Functions take any `ConnectionTrait` so that callers can run them inside one transaction.

pub mod accounts;
pub mod agreements;
pub mod audit;
pub mod booking_group;
pub mod bookings;
pub mod calendar;
pub mod cases;
pub mod connect;
pub mod contracts;
pub mod demand;
pub mod entity;
pub mod error;
pub mod events;
pub mod facilities;
pub mod lottery;
pub mod municipalities;
pub mod pricing;
pub mod programs;
pub mod records;
pub mod statements;
pub mod tokens;
pub mod top_ups;
pub mod usage;
pub mod waitlist;

pub use connect::{Backend, begin_write, connect};
pub use error::{StoreError, StoreResult};
pub use records::*;
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement, TransactionTrait};
