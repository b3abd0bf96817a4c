//! Accounts: username, Argon2id password hash (a PHC string), role and scope, and whether the
//! account is disabled.

use chrono::{DateTime, Utc};
use sango_domain::Principal;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};

use crate::entity::account;
use crate::error::{StoreError, StoreResult};

/// A stored account.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub principal: Principal,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

fn from_row(r: account::Model) -> StoreResult<Account> {
    let principal = Principal::from_role_and_scope(&r.role, &r.scope).map_err(|e| StoreError::corrupt("account", r.id, e))?;
    Ok(Account { id: r.id, username: r.username, password_hash: r.password_hash, principal, created_at: r.created_at, updated_at: r.updated_at, disabled_at: r.disabled_at })
}

/// Creates an account; a taken username is a unique violation.
pub async fn insert(c: &impl ConnectionTrait, username: &str, password_hash: &str, p: &Principal, now: DateTime<Utc>) -> StoreResult<i64> {
    let row = account::ActiveModel {
        username: Set(username.to_owned()),
        password_hash: Set(password_hash.to_owned()),
        role: Set(p.role().to_owned()),
        scope: Set(p.scope()),
        created_at: Set(now),
        updated_at: Set(now),
        disabled_at: Set(None),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(row.id)
}

/// The account with this username, if any.
pub async fn by_username(c: &impl ConnectionTrait, username: &str) -> StoreResult<Option<Account>> {
    account::Entity::find().filter(account::Column::Username.eq(username)).one(c).await?.map(from_row).transpose()
}

/// The account with this id, if any.
pub async fn by_id(c: &impl ConnectionTrait, id: i64) -> StoreResult<Option<Account>> {
    account::Entity::find_by_id(id).one(c).await?.map(from_row).transpose()
}

/// Every account, by username.
pub async fn list(c: &impl ConnectionTrait) -> StoreResult<Vec<Account>> {
    account::Entity::find().order_by_asc(account::Column::Username).all(c).await?.into_iter().map(from_row).collect()
}

/// Disables or re-enables an account; false if there is no such account.
pub async fn set_disabled(c: &impl ConnectionTrait, id: i64, disabled_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> StoreResult<bool> {
    let res = account::Entity::update_many()
        .col_expr(account::Column::DisabledAt, Expr::value(disabled_at))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Replaces an account's password hash; false if there is no such account.
pub async fn set_password_hash(c: &impl ConnectionTrait, id: i64, password_hash: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let res = account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}
