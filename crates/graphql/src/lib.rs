//! The GraphQL API: schema, resolvers, loaders and the mapping of service errors to stable codes.
//! Resolvers are thin: they read the caller, call one service function and map the result.

pub mod accounts;
pub mod agreements;
pub mod booking;
pub mod capacity;
pub mod enums;
pub mod error;
pub mod guard;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod planning;
pub mod query;
pub mod scalars;
pub mod settlement;
pub mod types;

use async_graphql::dataloader::DataLoader;
use async_graphql::{MergedObject, SDLExportOptions, Schema};
use sango_service::Hub;

/// Every query field: the registry, free capacity, bookings, settlement and the coordinator's desk.
#[derive(MergedObject, Default)]
pub struct Query(query::RegistryQuery, accounts::AccountQuery, capacity::CapacityQuery, booking::BookingQuery, settlement::SettlementQuery, agreements::AgreementQuery, planning::PlanningQuery);

/// Every mutation field.
#[derive(MergedObject, Default)]
pub struct Mutation(mutation::RegistryMutation, accounts::AccountMutation, capacity::CapacityMutation, booking::BookingMutation, settlement::SettlementMutation, agreements::AgreementMutation);

pub use booking::Subscription;

/// The hub's schema type.
pub type HubSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema around a hub with the default limits and introspection on (development).
/// Per-request data: a `sango_service::Caller`.
pub fn build_schema(hub: Hub) -> HubSchema {
    build_schema_with(hub, &guard::Limits::default())
}

/// Builds the schema with the given limits; with introspection off, field suggestions ("did you
/// mean …") are off too, so that the schema cannot be mapped by trial and error.
pub fn build_schema_with(hub: Hub, limits: &guard::Limits) -> HubSchema {
    let mut b = builder(limits).data(DataLoader::new(loaders::MunicipalityLoader(hub.clone()), tokio::spawn)).data(hub);
    if !limits.introspection {
        b = b.disable_introspection().disable_suggestions();
    }
    b.finish()
}

fn builder(limits: &guard::Limits) -> async_graphql::SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .limit_depth(limits.depth)
        .limit_recursive_depth(limits.depth * 2)
        .limit_complexity(limits.complexity)
        .limit_directives(limits.directives)
}

/// The schema as committed in `schema/schema.graphql`: sorted fields and enum items.
pub fn sdl() -> String {
    builder(&guard::Limits::default()).finish().sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_enum_items().sorted_arguments())
}
