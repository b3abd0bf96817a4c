//! Bearer tokens, stored as SHA-256 hashes with the principal they stand for, the operations
//! they allow and their expiry. The sessions of a login are rows too (the hash of the session
//! id, with the account), so that one revocation mechanism serves both.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};
use sango_domain::{Operations, Principal};

use crate::entity::{account, api_token};
use crate::error::{StoreError, StoreResult};

/// A stored token's principal and validity.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenGrant {
    pub id: i64,
    pub principal: Principal,
    pub operations: Operations,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    /// For a login session: the account, which must still be enabled.
    pub account_id: Option<i64>,
    /// For a login session: whether its account is disabled (or gone).
    pub account_disabled: bool,
}

/// What a new token stands for.
#[derive(Clone, Debug)]
pub struct NewToken<'a> {
    pub hash: &'a str,
    pub principal: Principal,
    pub operations: Operations,
    pub label: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
    pub account_id: Option<i64>,
}

/// Stores the hash of a new token.
pub async fn insert(c: &impl ConnectionTrait, t: &NewToken<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let row = api_token::ActiveModel {
        token_hash: Set(t.hash.to_owned()),
        role: Set(t.principal.role().to_owned()),
        scope: Set(t.principal.scope()),
        label: Set(t.label.to_owned()),
        created_at: Set(now),
        expires_at: Set(t.expires_at),
        revoked_at: Set(None),
        operations: Set(t.operations.as_str().to_owned()),
        account_id: Set(t.account_id),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(row.id)
}

fn grant(r: api_token::Model, account_disabled: bool) -> StoreResult<TokenGrant> {
    let principal = Principal::from_role_and_scope(&r.role, &r.scope).map_err(|e| StoreError::corrupt("api_token", r.id, e))?;
    let operations = Operations::parse(&r.operations).map_err(|e| StoreError::corrupt("api_token", r.id, e))?;
    Ok(TokenGrant {
        id: r.id,
        principal,
        operations,
        label: r.label,
        created_at: r.created_at,
        expires_at: r.expires_at,
        revoked: r.revoked_at.is_some(),
        account_id: r.account_id,
        account_disabled,
    })
}

/// The grant behind a token hash, if any, with the state of its account.
pub async fn find(c: &impl ConnectionTrait, hash: &str) -> StoreResult<Option<TokenGrant>> {
    let Some(r) = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(hash)).one(c).await? else {
        return Ok(None);
    };
    let disabled = match r.account_id {
        Some(id) => account::Entity::find_by_id(id).one(c).await?.is_none_or(|a| a.disabled_at.is_some()),
        None => false,
    };
    grant(r, disabled).map(Some)
}

/// Machine tokens (not login sessions), newest first.
pub async fn list_machine(c: &impl ConnectionTrait) -> StoreResult<Vec<TokenGrant>> {
    let rows = api_token::Entity::find().filter(api_token::Column::AccountId.is_null()).order_by_desc(api_token::Column::Id).all(c).await?;
    rows.into_iter().map(|r| grant(r, false)).collect()
}

/// Marks a token revoked; false if it did not exist or was already revoked.
pub async fn revoke(c: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let res = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Revokes a login session (a row with an account); false if it is not one, or was already revoked.
pub async fn revoke_session(c: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let res = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::AccountId.is_not_null())
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Revokes every live session of an account; the number revoked.
pub async fn revoke_account_sessions(c: &impl ConnectionTrait, account_id: i64, now: DateTime<Utc>) -> StoreResult<u64> {
    let res = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::AccountId.eq(account_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected)
}

/// Whether an unrevoked, unexpired token carries `label` (the demo's tokens are labelled `demo`).
pub async fn any_live_with_label(c: &impl ConnectionTrait, label: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::Label.eq(label))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(sea_orm::Condition::any().add(api_token::Column::ExpiresAt.is_null()).add(api_token::Column::ExpiresAt.gt(now)))
        .one(c)
        .await?;
    Ok(found.is_some())
}
