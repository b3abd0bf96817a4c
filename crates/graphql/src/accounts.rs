//! Signing in and out, and the accounts administrators manage.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sango_domain::Principal;
use sango_service::accounts::AccountView;

use crate::error::GqlResult;
use crate::query::{caller, hub};

/// An account (never its password).
#[derive(SimpleObject)]
pub struct Account {
    pub id: ID,
    pub username: String,
    /// `prefecture-coordinator`, `municipal-staff`, `facility-staff`, `finance` or `admin`.
    pub role: String,
    /// A prefecture code, a municipal code, a facility id, or `-` for admin.
    pub scope: String,
    /// `role:scope`, as `me` answers.
    pub principal: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<AccountView> for Account {
    fn from(a: AccountView) -> Self {
        Self {
            id: ID(a.id.to_string()),
            username: a.username,
            role: a.principal.role().to_owned(),
            scope: a.principal.scope(),
            principal: a.principal.to_string(),
            disabled: a.disabled,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A session from `login`.
#[derive(SimpleObject)]
pub struct LoginResult {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_at: DateTime<Utc>,
    /// Seconds until the access token expires.
    pub expires_in: i32,
    pub username: String,
    /// `role:scope`.
    pub principal: String,
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// Every account, by username (administrators).
    async fn accounts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Account>> {
        Ok(hub(ctx).accounts(caller(ctx)).await.gql()?.into_iter().map(Account::from).collect())
    }
}

#[derive(Default)]
pub struct AccountMutation;

fn principal(role: &str, scope: &str) -> async_graphql::Result<Principal> {
    Principal::from_role_and_scope(role, scope).gql()
}

#[Object]
impl AccountMutation {
    /// Signs in: a short-lived access token for the account. Failed attempts are throttled per
    /// username and per client (`LOGIN_THROTTLED` with `extensions.retryAfter` in seconds).
    async fn login(&self, ctx: &Context<'_>, username: String, password: String) -> async_graphql::Result<LoginResult> {
        let s = hub(ctx).login(&username, &password).await.gql()?;
        let expires_in = (s.expires_at - s.issued_at).num_seconds().clamp(0, i64::from(i32::MAX)) as i32;
        Ok(LoginResult { access_token: s.access_token, token_type: "Bearer".into(), expires_at: s.expires_at, expires_in, username: s.username, principal: s.principal.to_string() })
    }

    /// Ends the session of the access token this request carries; true when done.
    async fn logout(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        hub(ctx).logout(caller(ctx)).await.gql()?;
        Ok(true)
    }

    /// Creates an account (administrators). The password needs at least 12 characters.
    async fn create_account(&self, ctx: &Context<'_>, username: String, password: String, role: String, #[graphql(default = "-")] scope: String) -> async_graphql::Result<Account> {
        let p = principal(&role, &scope)?;
        Ok(hub(ctx).create_account(caller(ctx), &username, &password, p).await.gql()?.into())
    }

    /// Disables an account: it can no longer sign in and its sessions end (administrators).
    async fn disable_account(&self, ctx: &Context<'_>, username: String) -> async_graphql::Result<Account> {
        Ok(hub(ctx).set_account_disabled(caller(ctx), &username, true).await.gql()?.into())
    }

    /// Enables a disabled account again (administrators).
    async fn enable_account(&self, ctx: &Context<'_>, username: String) -> async_graphql::Result<Account> {
        Ok(hub(ctx).set_account_disabled(caller(ctx), &username, false).await.gql()?.into())
    }

    /// Sets a new password for an account and ends its sessions (administrators).
    async fn reset_password(&self, ctx: &Context<'_>, username: String, password: String) -> async_graphql::Result<Account> {
        Ok(hub(ctx).reset_password(caller(ctx), &username, &password).await.gql()?.into())
    }
}
