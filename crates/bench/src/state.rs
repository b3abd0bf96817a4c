//! The search state read from the hub's database by the service's own loader, so that the pure
//! search can be timed without the service around it. Checked against `Hub::nearby_capacity`
//! before anything is measured.

use sango_availability::SearchState;
use sango_store::{DatabaseConnection, Facility};

/// The state and the facility records it was built from.
pub struct Loaded {
    pub state: SearchState,
    pub facilities: Vec<Facility>,
}

/// `sango_service::mirror::load_search_state`.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<Loaded> {
    let (state, facilities) = sango_service::mirror::load_search_state(db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Loaded { state, facilities })
}
