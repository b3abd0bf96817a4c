//! DataLoaders so that nested lookups (a facility's municipality) cost one query per request, not one per row.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use sango_domain::LgCode;
use sango_service::{Hub, Municipality};

/// Loads municipalities by code.
pub struct MunicipalityLoader(pub Hub);

impl Loader<LgCode> for MunicipalityLoader {
    type Value = Municipality;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[LgCode]) -> Result<HashMap<LgCode, Municipality>, Self::Error> {
        let rows = self.0.municipalities_by_code(keys).await.map_err(crate::error::to_gql)?;
        Ok(rows.into_iter().map(|m| (m.code, m)).collect())
    }
}
