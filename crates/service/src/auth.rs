//! Who is calling: resolving a request's bearer credential to a principal. Three kinds are
//! accepted: the hub's opaque tokens (`shub_…`, only a SHA-256 of each is stored), the hub's
//! own signed access tokens from `login` (a JWT whose session id is stored like a token, so
//! that logout and disabling an account revoke it), and JWTs of a configured external issuer.
//! Resolved tokens and sessions are cached for [`CACHE_TTL`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use moka::future::Cache;
use rand::RngCore;
use sango_domain::{Operations, Principal};
use sha2::{Digest, Sha256};

use crate::error::{ErrorCode, ServiceError, ServiceResult};
use crate::hub::Hub;

/// Tokens start with this, so that they are recognisable in logs and secret scanners.
const PREFIX: &str = "shub_";

/// How long a resolved token or session is trusted without asking the database again. A
/// revocation (logout, `token revoke`, disabling an account, a new password) made in this
/// process empties the cache at once; one made by another process takes effect within this time.
pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// Resolved tokens by hash.
#[derive(Clone)]
pub(crate) struct TokenCache(pub(crate) Cache<String, Option<Grant>>);

#[derive(Clone, Debug)]
pub(crate) struct Grant {
    token_id: i64,
    principal: Principal,
    operations: Operations,
    expires_at: Option<DateTime<Utc>>,
    account_disabled: bool,
}

impl TokenCache {
    pub(crate) fn new() -> Self {
        Self(Cache::builder().max_capacity(10_000).time_to_live(CACHE_TTL).build())
    }
}

/// Who is calling: nobody in particular, or a principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    Principal(Principal),
}

impl Caller {
    /// The principal, or UNAUTHENTICATED.
    pub fn require(&self) -> ServiceResult<&Principal> {
        match self {
            Caller::Principal(p) => Ok(p),
            Caller::Anonymous => Err(ServiceError::unauthenticated()),
        }
    }

    /// A label for audit columns: `municipal-staff:312011`, or `anonymous`.
    pub fn actor(&self) -> String {
        match self {
            Caller::Principal(p) => p.to_string(),
            Caller::Anonymous => "anonymous".into(),
        }
    }
}

/// A request's credential, resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authenticated {
    pub caller: Caller,
    /// The `api_token` row of a hub token or login session (none for external JWTs and anonymous requests).
    pub token_id: Option<i64>,
    /// What the credential allows; anonymous requests can write nothing anyway.
    pub operations: Operations,
}

impl Authenticated {
    const ANONYMOUS: Self = Self { caller: Caller::Anonymous, token_id: None, operations: Operations::ReadWrite };
}

pub(crate) fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The stored hash of a login session: its JWT id, marked so that it can never equal a token's hash.
pub(crate) fn session_hash(jti: &str) -> String {
    hash(&format!("session:{jti}"))
}

fn unauthenticated(message: &str) -> ServiceError {
    ServiceError::new(ErrorCode::Unauthenticated, None, message)
}

impl Hub {
    /// Mints a machine token for `principal` that may do `operations`; the token itself is
    /// returned once and never stored.
    pub async fn create_token(&self, principal: Principal, label: &str, valid_for: Option<chrono::Duration>) -> ServiceResult<String> {
        self.create_scoped_token(principal, Operations::ReadWrite, label, valid_for).await
    }

    /// As [`Hub::create_token`], limited to `operations`.
    pub async fn create_scoped_token(&self, principal: Principal, operations: Operations, label: &str, valid_for: Option<chrono::Duration>) -> ServiceResult<String> {
        self.check_scope_exists(&principal).await?;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = format!("{PREFIX}{}", hex::encode(bytes));
        let now = self.now();
        let expires_at = valid_for.map(|d| now + d);
        let txn = sango_store::begin_write(&self.db).await?;
        let new = sango_store::tokens::NewToken { hash: &hash(&token), principal, operations, label, expires_at, account_id: None };
        let id = sango_store::tokens::insert(&txn, &new, now).await?;
        let touched = crate::audit::Touched::new([id.to_string(), principal.to_string(), operations.to_string()], []);
        self.audit_write(&txn, &Caller::Principal(Principal::Admin), "createToken", "token", touched).await?;
        txn.commit().await?;
        Ok(token)
    }

    /// Machine tokens, newest first (as an admin on the command line).
    pub async fn machine_tokens(&self, caller: &Caller) -> ServiceResult<Vec<sango_store::tokens::TokenGrant>> {
        crate::accounts::require_admin(caller)?;
        Ok(sango_store::tokens::list_machine(&self.db).await?)
    }

    /// Revokes a machine token or session by id; NOT_FOUND when there is no such live token.
    pub async fn revoke_token(&self, caller: &Caller, id: i64) -> ServiceResult<()> {
        crate::accounts::require_admin(caller)?;
        let txn = sango_store::begin_write(&self.db).await?;
        if !sango_store::tokens::revoke(&txn, id, self.now()).await? {
            return Err(ServiceError::not_found("id", format!("no live token {id}")));
        }
        self.audit_write(&txn, caller, "revokeToken", "token", crate::audit::Touched::new([id.to_string()], [])).await?;
        txn.commit().await?;
        self.tokens.0.invalidate_all();
        Ok(())
    }

    /// Resolves an `Authorization` header value. No header is anonymous; a bad, expired or
    /// revoked token is UNAUTHENTICATED (never silently anonymous).
    pub async fn authenticate(&self, authorization: Option<&str>) -> ServiceResult<Caller> {
        Ok(self.authenticate_request(authorization).await?.caller)
    }

    /// As [`Hub::authenticate`], with the id of the token presented (for the audit trail).
    pub async fn authenticate_token(&self, authorization: Option<&str>) -> ServiceResult<(Caller, Option<i64>)> {
        let a = self.authenticate_request(authorization).await?;
        Ok((a.caller, a.token_id))
    }

    /// Resolves a credential: caller, token id and the operations it allows.
    pub async fn authenticate_request(&self, authorization: Option<&str>) -> ServiceResult<Authenticated> {
        let Some(value) = authorization else { return Ok(Authenticated::ANONYMOUS) };
        // The scheme is case-insensitive (RFC 7235).
        let Some(token) = value.split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")).map(|(_, t)| t.trim()) else {
            return Err(unauthenticated("the Authorization header must be 'Bearer <token>': a hub token (shub_…) or an access token from login"));
        };
        if token.starts_with(PREFIX) {
            return self.resolve_stored(&hash(token), "unknown or revoked token", "the token has expired").await;
        }
        if token.split('.').count() != 3 {
            return Err(unauthenticated("the Authorization header must be 'Bearer <token>': a hub token (shub_…) or an access token from login"));
        }
        let now = self.now().timestamp();
        let issuer = crate::jwt::peek_issuer(token)?;
        if issuer == crate::jwt::HUB_ISSUER {
            let claims = self.auth.signing.verify(token, now)?;
            let Some(jti) = claims.jti else { return Err(unauthenticated("the access token has no session id (jti)")) };
            return self.resolve_stored(&session_hash(&jti), "the session has ended (logged out, or the account was disabled or its password reset); sign in again", "the access token has expired; sign in again").await;
        }
        match &self.auth.external {
            Some(idp) if idp.issuer == issuer => {
                let claims = idp.verify(token, now)?;
                let (principal, operations) = claims.grant(Operations::Read)?;
                Ok(Authenticated { caller: Caller::Principal(principal), token_id: None, operations })
            }
            _ => Err(unauthenticated("the JWT's issuer is not one this hub trusts")),
        }
    }

    /// A stored token or session by hash, through the cache.
    async fn resolve_stored(&self, key: &str, unknown: &str, expired: &str) -> ServiceResult<Authenticated> {
        let db = self.db.clone();
        let lookup = key.to_owned();
        let grant = self
            .tokens
            .0
            .try_get_with(key.to_owned(), async move {
                let row = sango_store::tokens::find(&db, &lookup).await?;
                Ok::<_, sango_store::StoreError>(row.filter(|g| !g.revoked).map(|g| Grant {
                    token_id: g.id,
                    principal: g.principal,
                    operations: g.operations,
                    expires_at: g.expires_at,
                    account_disabled: g.account_disabled,
                }))
            })
            .await
            .map_err(ServiceError::internal)?;
        match grant {
            Some(g) if g.account_disabled => Err(unauthenticated("the account is disabled")),
            Some(g) if g.expires_at.is_none_or(|at| at > self.now()) => Ok(Authenticated { caller: Caller::Principal(g.principal), token_id: Some(g.token_id), operations: g.operations }),
            Some(_) => Err(unauthenticated(expired)),
            None => Err(unauthenticated(unknown)),
        }
    }

    /// A token may only be minted for a municipality or facility the hub knows.
    pub(crate) async fn check_scope_exists(&self, p: &Principal) -> ServiceResult<()> {
        match p {
            Principal::MunicipalStaff(m) | Principal::MunicipalFinance(m) => {
                if sango_store::municipalities::get(&self.db, *m).await?.is_none() {
                    return Err(ServiceError::not_found("scope", format!("no municipality {m} is registered")));
                }
            }
            Principal::FacilityStaff(id) => {
                if sango_store::facilities::get(&self.db, *id).await?.is_none() {
                    return Err(ServiceError::not_found("scope", format!("no facility {id} is registered")));
                }
            }
            Principal::PrefectureCoordinator(_) | Principal::PrefectureFinance(_) | Principal::Admin => {}
        }
        Ok(())
    }
}
