//! Bearer tokens, stored as SHA-256 hashes with the principal they stand for.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use sango_domain::Principal;

use crate::entity::api_token;
use crate::error::{StoreError, StoreResult};

/// A stored token's principal and validity.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenGrant {
    pub id: i64,
    pub principal: Principal,
    pub label: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// Stores the hash of a new token.
pub async fn insert(c: &impl ConnectionTrait, hash: &str, p: &Principal, label: &str, now: DateTime<Utc>, expires_at: Option<DateTime<Utc>>) -> StoreResult<i64> {
    let row = api_token::ActiveModel {
        token_hash: Set(hash.to_owned()),
        role: Set(p.role().to_owned()),
        scope: Set(p.scope()),
        label: Set(label.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(row.id)
}

/// The grant behind a token hash, if any.
pub async fn find(c: &impl ConnectionTrait, hash: &str) -> StoreResult<Option<TokenGrant>> {
    let Some(r) = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(hash)).one(c).await? else {
        return Ok(None);
    };
    let principal = Principal::from_role_and_scope(&r.role, &r.scope).map_err(|e| StoreError::corrupt("api_token", r.id, e))?;
    Ok(Some(TokenGrant { id: r.id, principal, label: r.label, expires_at: r.expires_at, revoked: r.revoked_at.is_some() }))
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
