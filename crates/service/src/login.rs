//! Signing in and out: `login` checks a username and password (throttled per username and per
//! client, with the same work for unknown usernames) and returns a short-lived signed access
//! token whose session id is stored, so that `logout` and account changes revoke it.

use chrono::{DateTime, Utc};
use sango_domain::audit::Access;
use sango_domain::{Operations, Principal};

use crate::audit::Touched;
use crate::auth::{Caller, session_hash};
use crate::error::{ErrorCode, ServiceError, ServiceResult};
use crate::hub::Hub;
use crate::jwt::{Claims, HUB_ISSUER};
use crate::throttle::ThrottleKey;

/// How long an access token from `login` lives.
pub const ACCESS_TTL: chrono::Duration = chrono::Duration::minutes(15);

/// A successful login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The signed access token, sent as `Authorization: Bearer …`.
    pub access_token: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub principal: Principal,
    pub username: String,
}

const WRONG: &str = "wrong username or password";

impl Hub {
    /// Checks a username and password; on success, opens a session and returns its access token.
    /// Every attempt is audited: successes as the account's principal, failures as anonymous.
    pub async fn login(&self, username: &str, password: &str) -> ServiceResult<Session> {
        let now = self.now();
        let name = username.trim().to_ascii_lowercase();
        let mut keys = vec![ThrottleKey::Username(name.clone())];
        if let Some(ip) = crate::audit::origin().client {
            keys.push(ThrottleKey::Client(ip.to_string()));
        }
        let refused = |why: &str| Touched::new([truncate(&name), why.to_owned()], []);
        let locked = self.throttle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).check(&keys, now);
        if let Err(wait) = locked {
            let secs = wait.num_seconds().max(1) as u64;
            self.audit_attempt(&Caller::Anonymous, Access::Write, "login", "account", refused("throttled"), "LOGIN_THROTTLED").await?;
            let mut e = ServiceError::new(ErrorCode::LoginThrottled, None, format!("too many failed logins; try again in {secs} s"));
            e.retry_after = Some(secs);
            return Err(e);
        }
        // Unknown usernames cost one Argon2 verification too, so that timing does not tell them apart.
        let account = match sango_domain::account::parse_username(&name) {
            Ok(n) => sango_store::accounts::by_username(&self.db, &n).await?,
            Err(_) => None,
        };
        let matched = crate::password::verify(password, account.as_ref().map(|a| a.password_hash.as_str())).await?;
        let account = match account {
            Some(a) if matched && a.disabled_at.is_none() => a,
            other => {
                let why = match other {
                    None => "unknown username",
                    Some(a) if a.disabled_at.is_some() && matched => "account disabled",
                    Some(_) => "wrong password",
                };
                self.throttle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).failure(&keys, now);
                self.audit_attempt(&Caller::Anonymous, Access::Write, "login", "account", refused(why), ErrorCode::Unauthenticated.as_str()).await?;
                return Err(ServiceError::new(ErrorCode::Unauthenticated, None, WRONG));
            }
        };
        self.throttle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).success(&keys[0]);
        self.open_session(account, now).await
    }

    async fn open_session(&self, account: sango_store::accounts::Account, now: DateTime<Utc>) -> ServiceResult<Session> {
        let mut id = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
        let jti = hex::encode(id);
        let expires_at = now + self.auth.access_ttl;
        let claims = Claims {
            iss: HUB_ISSUER.into(),
            aud: HUB_ISSUER.into(),
            sub: account.username.clone(),
            jti: Some(jti.clone()),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            nbf: None,
            sango_role: account.principal.role().into(),
            sango_scope: account.principal.scope(),
            sango_operations: Some(Operations::ReadWrite.as_str().into()),
        };
        let access_token = crate::jwt::sign(&self.auth.signing, &claims)?;
        let txn = sango_store::begin_write(&self.db).await?;
        let label = format!("login:{}", account.username);
        let new = sango_store::tokens::NewToken { hash: &session_hash(&jti), principal: account.principal, operations: Operations::ReadWrite, label: &label, expires_at: Some(expires_at), account_id: Some(account.id) };
        let session_id = sango_store::tokens::insert(&txn, &new, now).await?;
        let caller = Caller::Principal(account.principal);
        let touched = Touched::new([account.username.clone(), format!("session:{session_id}")], []);
        self.audit_write_unchecked(&txn, &caller, "login", "account", touched).await?;
        txn.commit().await?;
        Ok(Session { access_token, issued_at: now, expires_at, principal: account.principal, username: account.username })
    }

    /// Ends the session the request came with (an access token from `login`); the token stops
    /// working at once in this process and within the token cache's lifetime in others.
    pub async fn logout(&self, caller: &Caller) -> ServiceResult<()> {
        caller.require()?;
        let not_a_session = || ServiceError::bad_input("authorization", "logout ends a session from login; machine tokens are revoked with `sango-hub token revoke`");
        let session = crate::audit::origin().token_id.ok_or_else(not_a_session)?;
        let txn = sango_store::begin_write(&self.db).await?;
        if !sango_store::tokens::revoke_session(&txn, session, self.now()).await? {
            return Err(not_a_session());
        }
        self.audit_write_unchecked(&txn, caller, "logout", "account", Touched::new([format!("session:{session}")], [])).await?;
        txn.commit().await?;
        self.tokens.0.invalidate_all();
        Ok(())
    }
}

/// Usernames typed at the login form are recorded as typed, within reason.
fn truncate(name: &str) -> String {
    name.chars().take(64).collect()
}
