//! `agreements`, `agreementHistory`, `prefectureTopUps` and their mutations: mutual-use
//! agreements registered by the prefecture's coordinator, and the top-ups its finance staff set.

use async_graphql::{Context, Object};
use sango_domain::PrefectureCode;

use crate::error::{GqlResult, bad_input};
use crate::query::{caller, hub};
use crate::scalars::Date;
use crate::types::agreement::{Agreement, AgreementInput, TopUp, TopUpVersion};

fn prefecture_code(p: &str) -> async_graphql::Result<PrefectureCode> {
    PrefectureCode::parse(p).map_err(|e| bad_input("prefecture", e.message))
}

#[derive(Default)]
pub struct AgreementQuery;

#[Object]
impl AgreementQuery {
    /// The current version of every agreement the caller may see (the prefecture's coordinator and
    /// finance staff; a municipality's finance staff, those it is a member of), by code.
    async fn agreements(&self, ctx: &Context<'_>, prefecture: Option<String>) -> async_graphql::Result<Vec<Agreement>> {
        let p = prefecture.as_deref().map(prefecture_code).transpose()?;
        Ok(hub(ctx).agreements(caller(ctx), p).await.gql()?.into_iter().map(Agreement::from).collect())
    }

    /// Every version of one agreement, oldest first.
    async fn agreement_history(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<Vec<Agreement>> {
        Ok(hub(ctx).agreement_history(caller(ctx), &code).await.gql()?.into_iter().map(Agreement::from).collect())
    }

    /// Every stored version of a prefecture's own top-ups, oldest first; none means the rule
    /// sets' top-ups apply.
    async fn prefecture_top_ups(&self, ctx: &Context<'_>, prefecture: String) -> async_graphql::Result<Vec<TopUpVersion>> {
        let p = prefecture_code(&prefecture)?;
        Ok(hub(ctx).prefecture_top_ups(caller(ctx), p).await.gql()?.into_iter().map(TopUpVersion::from).collect())
    }
}

#[derive(Default)]
pub struct AgreementMutation;

#[Object]
impl AgreementMutation {
    /// Registers a mutual-use agreement (version 1): the prefecture's coordinator.
    async fn register_agreement(&self, ctx: &Context<'_>, input: AgreementInput) -> async_graphql::Result<Agreement> {
        Ok(hub(ctx).register_agreement(caller(ctx), input.into()).await.gql()?.into())
    }

    /// Amends an agreement: a new version with the same code and host; the old one stays.
    async fn amend_agreement(&self, ctx: &Context<'_>, input: AgreementInput) -> async_graphql::Result<Agreement> {
        Ok(hub(ctx).amend_agreement(caller(ctx), input.into()).await.gql()?.into())
    }

    /// Saves a new version of the prefecture's top-ups, in force from `effectiveFrom`: the
    /// prefecture's finance staff. An empty list stops its top-ups from that day.
    async fn set_prefecture_top_ups(&self, ctx: &Context<'_>, prefecture: String, effective_from: Date, top_ups: Vec<TopUp>) -> async_graphql::Result<TopUpVersion> {
        let p = prefecture_code(&prefecture)?;
        let kinds = top_ups.into_iter().enumerate().map(|(i, t)| t.into_kind(&format!("kinds[{i}]"))).collect::<async_graphql::Result<Vec<_>>>()?;
        Ok(hub(ctx).set_prefecture_top_ups(caller(ctx), p, effective_from.0, kinds).await.gql()?.into())
    }
}
