//! Bearer tokens: minting (only a SHA-256 of each token is stored), and resolving a request's
//! token to the principal it stands for, with a short-lived cache.

use std::time::Duration;

use chrono::{DateTime, Utc};
use moka::future::Cache;
use rand::RngCore;
use sango_domain::Principal;
use sha2::{Digest, Sha256};

use crate::error::{ServiceError, ServiceResult};
use crate::hub::Hub;

/// Tokens start with this, so that they are recognisable in logs and secret scanners.
const PREFIX: &str = "shub_";

/// How long a resolved token is trusted without asking the database again; a revocation made
/// by another process takes effect within this time.
const CACHE_TTL: Duration = Duration::from_secs(30);

/// Resolved tokens by hash.
#[derive(Clone)]
pub(crate) struct TokenCache(Cache<String, Option<Grant>>);

#[derive(Clone, Debug)]
pub(crate) struct Grant {
    token_id: i64,
    principal: Principal,
    expires_at: Option<DateTime<Utc>>,
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

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Hub {
    /// Mints a token for `principal`; the token itself is returned once and never stored.
    pub async fn create_token(&self, principal: Principal, label: &str, valid_for: Option<chrono::Duration>) -> ServiceResult<String> {
        self.check_scope_exists(&principal).await?;
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = format!("{PREFIX}{}", hex::encode(bytes));
        let now = self.now();
        let expires_at = valid_for.map(|d| now + d);
        let txn = sango_store::begin_write(&self.db).await?;
        let id = sango_store::tokens::insert(&txn, &hash(&token), &principal, label, now, expires_at).await?;
        let touched = crate::audit::Touched::new([id.to_string(), principal.to_string()], []);
        self.audit_write(&txn, &Caller::Principal(Principal::Admin), "createToken", "token", touched).await?;
        txn.commit().await?;
        Ok(token)
    }

    /// Resolves an `Authorization` header value. No header is anonymous; a bad, expired or
    /// revoked token is UNAUTHENTICATED (never silently anonymous).
    pub async fn authenticate(&self, authorization: Option<&str>) -> ServiceResult<Caller> {
        Ok(self.authenticate_token(authorization).await?.0)
    }

    /// As [`Hub::authenticate`], with the id of the token presented (for the audit trail).
    pub async fn authenticate_token(&self, authorization: Option<&str>) -> ServiceResult<(Caller, Option<i64>)> {
        let Some(value) = authorization else { return Ok((Caller::Anonymous, None)) };
        // The scheme is case-insensitive (RFC 7235).
        let token = value.split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")).map(|(_, t)| t.trim()).filter(|t| t.starts_with(PREFIX));
        let Some(token) = token else {
            return Err(ServiceError::new(crate::ErrorCode::Unauthenticated, None, "the Authorization header must be 'Bearer shub_…'"));
        };
        let key = hash(token);
        let db = self.db.clone();
        let grant = self
            .tokens
            .0
            .try_get_with(key.clone(), async move {
                let row = sango_store::tokens::find(&db, &key).await?;
                Ok::<_, sango_store::StoreError>(row.filter(|g| !g.revoked).map(|g| Grant { token_id: g.id, principal: g.principal, expires_at: g.expires_at }))
            })
            .await
            .map_err(ServiceError::internal)?;
        match grant {
            Some(g) if g.expires_at.is_none_or(|at| at > self.now()) => Ok((Caller::Principal(g.principal), Some(g.token_id))),
            Some(_) => Err(ServiceError::new(crate::ErrorCode::Unauthenticated, None, "the token has expired")),
            None => Err(ServiceError::new(crate::ErrorCode::Unauthenticated, None, "unknown or revoked token")),
        }
    }

    /// A token may only be minted for a municipality or facility the hub knows.
    async fn check_scope_exists(&self, p: &Principal) -> ServiceResult<()> {
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
