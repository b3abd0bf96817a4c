//! The root mutation: registry writes and file imports.

use async_graphql::{Context, ID, Object, SimpleObject, Upload};
use std::io::Read;

use crate::enums::ImportKind;
use crate::error::{GqlResult, bad_input};
use crate::inputs::contract::ContractInput;
use crate::inputs::facility::{ClosureInput, FacilityInput};
use crate::inputs::program::ProgramRulesInput;
use crate::query::{caller, hub, id};
use crate::scalars::LgCode;
use crate::types::contract::Contract;
use crate::types::facility::{Closure, Facility};
use crate::types::program::Program;

#[derive(Default)]
pub struct RegistryMutation;

/// The largest import file accepted.
const MAX_IMPORT_BYTES: u64 = 20 * 1024 * 1024;

/// What an import stored.
#[derive(SimpleObject)]
pub struct ImportResult {
    pub kind: ImportKind,
    pub created: i32,
    pub updated: i32,
}

#[Object]
impl RegistryMutation {
    /// Registers a facility; its municipality is derived from its location.
    async fn create_facility(&self, ctx: &Context<'_>, input: FacilityInput) -> async_graphql::Result<Facility> {
        let draft = input.into_draft().gql()?;
        Ok(Facility(hub(ctx).create_facility(caller(ctx), draft).await.gql()?))
    }

    /// Replaces a facility's data; `active: false` takes it out of listings and search.
    async fn update_facility(&self, ctx: &Context<'_>, id: ID, input: FacilityInput, #[graphql(default = true)] active: bool) -> async_graphql::Result<Facility> {
        let id = crate::query::id(&id, "id")?;
        let draft = input.into_draft().gql()?;
        Ok(Facility(hub(ctx).update_facility(caller(ctx), id, draft, active).await.gql()?))
    }

    /// Records a closure; returns all of the facility's closures.
    async fn add_closure(&self, ctx: &Context<'_>, facility_id: ID, input: ClosureInput) -> async_graphql::Result<Vec<Closure>> {
        let fid = id(&facility_id, "facilityId")?;
        Ok(hub(ctx).add_closure(caller(ctx), fid, input.into()).await.gql()?.into_iter().map(Into::into).collect())
    }

    /// Saves a new version of a municipality's programme for a fiscal year.
    async fn set_program(&self, ctx: &Context<'_>, municipality: LgCode, fiscal_year: i32, rules: ProgramRulesInput) -> async_graphql::Result<Program> {
        let fy = crate::query::fiscal_year(fiscal_year)?;
        let rules = rules.into_rules().map_err(|e| crate::error::to_gql(sango_service::ServiceError::from(e).within("rules")))?;
        Ok(Program(hub(ctx).set_program(caller(ctx), municipality.0, fy, rules).await.gql()?))
    }

    /// Signs a new contract (version 1).
    async fn create_contract(&self, ctx: &Context<'_>, input: ContractInput) -> async_graphql::Result<Contract> {
        let terms = input.into_terms().gql()?;
        Ok(Contract(hub(ctx).create_contract(caller(ctx), terms).await.gql()?))
    }

    /// Amends a contract: appends the next version, keeping the old one in the history.
    async fn amend_contract(&self, ctx: &Context<'_>, contract_no: ID, input: ContractInput) -> async_graphql::Result<Contract> {
        let no = id(&contract_no, "contractNo")?;
        let terms = input.into_terms().gql()?;
        Ok(Contract(hub(ctx).amend_contract(caller(ctx), no, terms).await.gql()?))
    }

    /// Imports a CSV (UTF-8 or CP932, Japanese or English headers) or XLSX file, whole or not at all.
    async fn import_file(&self, ctx: &Context<'_>, kind: ImportKind, file: Upload) -> async_graphql::Result<ImportResult> {
        let mut bytes = Vec::new();
        let upload = file.value(ctx).map_err(|e| bad_input("file", e.to_string()))?;
        upload.into_read().take(MAX_IMPORT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| bad_input("file", e.to_string()))?;
        if bytes.len() as u64 > MAX_IMPORT_BYTES {
            return Err(bad_input("file", format!("the file is larger than {MAX_IMPORT_BYTES} bytes")));
        }
        let s = hub(ctx).import(caller(ctx), kind.into(), &bytes).await.gql()?;
        Ok(ImportResult { kind: s.kind.into(), created: s.created as i32, updated: s.updated as i32 })
    }
}

