//! GraphQL input types and their conversion to domain values (validation happens in the domain).

pub mod contract;
pub mod facility;
pub mod program;
