//! Accounts, managed by administrators: create, list, disable (and enable), reset a password.
//! Disabling an account or setting its password ends every session it has.

use sango_domain::Principal;
use sango_domain::account::{check_password, parse_username};

use crate::audit::Touched;
use crate::auth::Caller;
use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// An account as administrators see it (never its password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub principal: Principal,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub disabled: bool,
}

impl From<sango_store::accounts::Account> for AccountView {
    fn from(a: sango_store::accounts::Account) -> Self {
        Self { id: a.id, username: a.username, principal: a.principal, created_at: a.created_at, updated_at: a.updated_at, disabled: a.disabled_at.is_some() }
    }
}

/// Accounts and tokens are managed by administrators.
pub(crate) fn require_admin(caller: &Caller) -> ServiceResult<()> {
    match caller.require()? {
        Principal::Admin => Ok(()),
        _ => Err(ServiceError::forbidden("accounts and tokens are managed by administrators")),
    }
}

impl Hub {
    /// Creates an account for `principal` with a password that meets the policy.
    pub async fn create_account(&self, caller: &Caller, username: &str, password: &str, principal: Principal) -> ServiceResult<AccountView> {
        require_admin(caller)?;
        let username = parse_username(username)?;
        check_password(&username, password)?;
        self.check_scope_exists(&principal).await?;
        let hash = crate::password::hash(password).await?;
        let now = self.now();
        let txn = sango_store::begin_write(&self.db).await?;
        if sango_store::accounts::by_username(&txn, &username).await?.is_some() {
            return Err(ServiceError::conflict("username", format!("an account named {username} exists")));
        }
        let id = match sango_store::accounts::insert(&txn, &username, &hash, &principal, now).await {
            Ok(id) => id,
            Err(e) if e.is_unique_violation() => return Err(ServiceError::conflict("username", format!("an account named {username} exists"))),
            Err(e) => return Err(e.into()),
        };
        self.audit_write(&txn, caller, "createAccount", "account", Touched::new([username.clone(), principal.to_string()], [])).await?;
        let account = sango_store::accounts::by_id(&txn, id).await?.ok_or_else(|| ServiceError::internal("account vanished after insert"))?;
        txn.commit().await?;
        Ok(account.into())
    }

    /// Every account, by username.
    pub async fn accounts(&self, caller: &Caller) -> ServiceResult<Vec<AccountView>> {
        require_admin(caller)?;
        Ok(sango_store::accounts::list(&self.db).await?.into_iter().map(AccountView::from).collect())
    }

    /// Disables (or re-enables) an account. Disabling ends its sessions at once in this process,
    /// and within the token cache's lifetime in others.
    pub async fn set_account_disabled(&self, caller: &Caller, username: &str, disabled: bool) -> ServiceResult<AccountView> {
        require_admin(caller)?;
        let username = parse_username(username)?;
        let now = self.now();
        let txn = sango_store::begin_write(&self.db).await?;
        let account = sango_store::accounts::by_username(&txn, &username).await?.ok_or_else(|| ServiceError::not_found("username", format!("no account named {username}")))?;
        sango_store::accounts::set_disabled(&txn, account.id, disabled.then_some(now), now).await?;
        if disabled {
            sango_store::tokens::revoke_account_sessions(&txn, account.id, now).await?;
        }
        let operation = if disabled { "disableAccount" } else { "enableAccount" };
        self.audit_write(&txn, caller, operation, "account", Touched::new([username.clone()], [])).await?;
        let account = sango_store::accounts::by_id(&txn, account.id).await?.ok_or_else(|| ServiceError::internal("account vanished"))?;
        txn.commit().await?;
        self.tokens.0.invalidate_all();
        Ok(account.into())
    }

    /// Sets a new password for an account (the administrator hands it over); ends its sessions.
    pub async fn reset_password(&self, caller: &Caller, username: &str, password: &str) -> ServiceResult<AccountView> {
        require_admin(caller)?;
        let username = parse_username(username)?;
        check_password(&username, password)?;
        let hash = crate::password::hash(password).await?;
        let now = self.now();
        let txn = sango_store::begin_write(&self.db).await?;
        let account = sango_store::accounts::by_username(&txn, &username).await?.ok_or_else(|| ServiceError::not_found("username", format!("no account named {username}")))?;
        sango_store::accounts::set_password_hash(&txn, account.id, &hash, now).await?;
        sango_store::tokens::revoke_account_sessions(&txn, account.id, now).await?;
        self.audit_write(&txn, caller, "resetPassword", "account", Touched::new([username.clone()], [])).await?;
        let account = sango_store::accounts::by_id(&txn, account.id).await?.ok_or_else(|| ServiceError::internal("account vanished"))?;
        txn.commit().await?;
        self.tokens.0.invalidate_all();
        Ok(account.into())
    }
}
