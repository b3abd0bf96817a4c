//! sea-orm entities, one module per table. Column types mirror `migrations/`.

pub mod api_token;
pub mod capacity_override;
pub mod contract;
pub mod demand;
pub mod facility;
pub mod facility_closure;
pub mod facility_service;
pub mod municipality;
pub mod prefecture;
pub mod program;
pub mod slot;
