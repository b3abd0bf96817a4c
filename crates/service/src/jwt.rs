//! Signed access tokens (JWTs): the hub's own, signed with its key after a login, and those of
//! an external identity provider the hub is configured to trust.
//!
//! Claims the hub reads (its own tokens carry the same):
//! - `iss`, `aud`: must equal the configured issuer and audience (`sango-hub` for the hub's own);
//! - `sub`: the subject (for the hub's own, the username);
//! - `exp` (required), `nbf` (optional): checked against the hub's clock, with a minute of
//!   leeway for external tokens;
//! - `sango_role`, `sango_scope`: the principal, as for `token create --role --scope`;
//! - `sango_operations` (optional): `read` or `read,write`; external tokens without it may only read;
//! - `jti`: the session id of the hub's own tokens, which logout revokes.

use std::collections::HashSet;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sango_domain::{Operations, Principal};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, ServiceError, ServiceResult};

/// The issuer and audience of the hub's own access tokens.
pub const HUB_ISSUER: &str = "sango-hub";

/// The shortest signing key accepted, in bytes (HS256 wants at least the hash's 32 bytes).
pub const MIN_KEY_BYTES: usize = 32;

/// Keys that appear in documentation, tutorials and default configurations.
const WELL_KNOWN_KEYS: &[&str] = &[
    "secret",
    "changeme",
    "change-me",
    "changeit",
    "password",
    "sango-hub",
    "sango-hub-signing-key",
    "development",
    "your-256-bit-secret",
    "your-secret-key",
    "supersecret",
    "super-secret-key",
    "my-secret-key",
    "jwt-secret",
    "0123456789abcdef0123456789abcdef",
];

/// Why a signing key is unfit; `None` when it is fine.
pub fn key_problem(key: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(key).to_ascii_lowercase();
    if WELL_KNOWN_KEYS.iter().any(|k| text == *k || text.trim_end_matches(|c: char| c.is_ascii_digit()) == *k) {
        return Some("the signing key is a well-known default; generate one with `openssl rand -base64 48`".into());
    }
    if key.len() < MIN_KEY_BYTES {
        return Some(format!("the signing key has {} bytes; it needs at least {MIN_KEY_BYTES} (generate one with `openssl rand -base64 48`)", key.len()));
    }
    let mut distinct: Vec<u8> = key.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 8 {
        return Some("the signing key repeats a few characters; generate a random one with `openssl rand -base64 48`".into());
    }
    None
}

/// The key the hub signs its access tokens with (HS256).
#[derive(Clone)]
pub struct SigningKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Generated at start-up rather than configured: tokens die with the process.
    pub ephemeral: bool,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("ephemeral", &self.ephemeral).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A configured key; refused when too short (use [`key_problem`] for the full check).
    pub fn from_secret(secret: &[u8]) -> ServiceResult<Self> {
        if secret.len() < MIN_KEY_BYTES {
            return Err(ServiceError::bad_input("signingKey", format!("the signing key needs at least {MIN_KEY_BYTES} bytes")));
        }
        Ok(Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), ephemeral: false })
    }

    /// A random key for this process only.
    pub fn ephemeral() -> Self {
        let mut bytes = [0u8; 48];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        Self { encoding: EncodingKey::from_secret(&bytes), decoding: DecodingKey::from_secret(&bytes), ephemeral: true }
    }
}

/// The claims of an access token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    #[serde(default)]
    pub iat: i64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub sango_role: String,
    #[serde(default)]
    pub sango_scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sango_operations: Option<String>,
}

impl Claims {
    /// The principal and operations the claims grant; an unusable claim is UNAUTHENTICATED.
    pub fn grant(&self, default_operations: Operations) -> ServiceResult<(Principal, Operations)> {
        let scope = if self.sango_scope.is_empty() { "-" } else { &self.sango_scope };
        let principal = Principal::from_role_and_scope(&self.sango_role, scope).map_err(|e| unauthenticated(format!("the token's sango_role/sango_scope claims are unusable: {}", e.message)))?;
        let operations = match &self.sango_operations {
            Some(ops) => Operations::parse(ops).map_err(|e| unauthenticated(format!("the token's sango_operations claim is unusable: {}", e.message)))?,
            None => default_operations,
        };
        Ok((principal, operations))
    }
}

fn unauthenticated(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::Unauthenticated, None, message)
}

/// Signs the hub's own access token.
pub fn sign(key: &SigningKey, claims: &Claims) -> ServiceResult<String> {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key.encoding).map_err(ServiceError::internal)
}

/// The algorithm and key of an external issuer.
#[derive(Clone)]
pub enum ExternalKey {
    /// HS256 with a shared secret.
    Hs256(Vec<u8>),
    /// RS256 with the issuer's public key (PEM).
    Rs256Pem(Vec<u8>),
    /// EdDSA (Ed25519) with the issuer's public key (PEM).
    EdDsaPem(Vec<u8>),
}

/// An identity provider whose tokens the hub accepts.
#[derive(Clone)]
pub struct ExternalIssuer {
    pub issuer: String,
    pub audience: String,
    algorithm: Algorithm,
    key: DecodingKey,
}

impl std::fmt::Debug for ExternalIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalIssuer").field("issuer", &self.issuer).field("audience", &self.audience).field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

impl ExternalIssuer {
    /// Checks the key and builds the issuer; a bad PEM or a weak secret is BAD_USER_INPUT on `jwtKey`.
    pub fn new(issuer: &str, audience: &str, key: ExternalKey) -> ServiceResult<Self> {
        let issuer = issuer.trim();
        let audience = audience.trim();
        if issuer.is_empty() || issuer == HUB_ISSUER {
            return Err(ServiceError::bad_input("jwtIssuer", format!("name the external issuer (not empty, not '{HUB_ISSUER}')")));
        }
        if audience.is_empty() {
            return Err(ServiceError::bad_input("jwtAudience", "name the audience the issuer puts in its tokens for this hub"));
        }
        let bad_key = |e: jsonwebtoken::errors::Error| ServiceError::bad_input("jwtKey", format!("the issuer's key cannot be read: {e}"));
        let (algorithm, key) = match key {
            ExternalKey::Hs256(secret) => {
                if let Some(p) = key_problem(&secret) {
                    return Err(ServiceError::bad_input("jwtKey", p.replace("signing key", "issuer's shared secret")));
                }
                (Algorithm::HS256, DecodingKey::from_secret(&secret))
            }
            ExternalKey::Rs256Pem(pem) => (Algorithm::RS256, DecodingKey::from_rsa_pem(&pem).map_err(bad_key)?),
            ExternalKey::EdDsaPem(pem) => (Algorithm::EdDSA, DecodingKey::from_ed_pem(&pem).map_err(bad_key)?),
        };
        Ok(Self { issuer: issuer.to_owned(), audience: audience.to_owned(), algorithm, key })
    }
}

/// Reads the issuer of a token without trusting anything in it, to choose the key that checks it.
pub fn peek_issuer(token: &str) -> ServiceResult<String> {
    #[derive(Deserialize)]
    struct Iss {
        iss: Option<String>,
    }
    let data = jsonwebtoken::dangerous::insecure_decode::<Iss>(token).map_err(|_| unauthenticated("the bearer token is neither a hub token (shub_…) nor a well-formed JWT"))?;
    data.claims.iss.ok_or_else(|| unauthenticated("the JWT has no iss (issuer) claim"))
}

/// Checks a token's signature, issuer and audience and returns its claims; the times are
/// checked against `now` (seconds since the epoch) with `leeway` seconds.
pub fn verify(token: &str, algorithm: Algorithm, key: &DecodingKey, issuer: &str, audience: &str, now: i64, leeway: i64) -> ServiceResult<Claims> {
    let mut v = Validation::new(algorithm);
    v.set_issuer(&[issuer]);
    v.set_audience(&[audience]);
    v.required_spec_claims = HashSet::from(["exp", "iss", "aud", "sub"].map(String::from));
    // Times are checked below against the hub's clock, not the system's.
    v.validate_exp = false;
    v.validate_nbf = false;
    let data = jsonwebtoken::decode::<Claims>(token, key, &v).map_err(|e| {
        unauthenticated(match e.kind() {
            ErrorKind::InvalidSignature => "the JWT's signature does not match the issuer's key".to_owned(),
            ErrorKind::InvalidIssuer => format!("the JWT was not issued by {issuer}"),
            ErrorKind::InvalidAudience => format!("the JWT is not meant for this hub (audience {audience})"),
            ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => format!("the JWT must be signed with {algorithm:?}"),
            ErrorKind::MissingRequiredClaim(c) => format!("the JWT has no {c} claim"),
            _ => format!("the JWT cannot be used: {e}"),
        })
    })?;
    let c = data.claims;
    if c.exp + leeway <= now {
        return Err(unauthenticated("the JWT has expired; sign in again"));
    }
    if c.nbf.is_some_and(|nbf| nbf - leeway > now) {
        return Err(unauthenticated("the JWT is not valid yet (nbf is in the future)"));
    }
    Ok(c)
}

impl ExternalIssuer {
    /// Verifies a token of this issuer at `now`, with a minute of leeway for clock skew.
    pub fn verify(&self, token: &str, now: i64) -> ServiceResult<Claims> {
        verify(token, self.algorithm, &self.key, &self.issuer, &self.audience, now, 60)
    }
}

impl SigningKey {
    /// Verifies one of the hub's own tokens at `now` (no leeway: the hub's clock signed it).
    pub fn verify(&self, token: &str, now: i64) -> ServiceResult<Claims> {
        verify(token, Algorithm::HS256, &self.decoding, HUB_ISSUER, HUB_ISSUER, now, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(iss: &str, aud: &str, exp: i64) -> Claims {
        Claims { iss: iss.into(), aud: aud.into(), sub: "sato".into(), jti: Some("j1".into()), iat: 0, exp, nbf: None, sango_role: "municipal-staff".into(), sango_scope: "312011".into(), sango_operations: None }
    }

    #[test]
    fn weak_keys_are_named() {
        assert!(key_problem(b"your-256-bit-secret").unwrap().contains("well-known"));
        assert!(key_problem(b"secret123").unwrap().contains("well-known"));
        assert!(key_problem(b"short-but-random-9f2").unwrap().contains("bytes"));
        assert!(key_problem(&[b'a'; 64]).unwrap().contains("repeats"));
        assert_eq!(key_problem(b"q3X9vN2mL8pR4tY7wZ1aB5cD6eF0gH2j"), None);
    }

    #[test]
    fn the_hub_verifies_its_own_tokens_and_nothing_else() {
        let key = SigningKey::ephemeral();
        let t = sign(&key, &claims(HUB_ISSUER, HUB_ISSUER, 1_000)).unwrap();
        assert_eq!(key.verify(&t, 999).unwrap().sub, "sato");
        assert!(key.verify(&t, 1_000).unwrap_err().message.contains("expired"));
        assert!(SigningKey::ephemeral().verify(&t, 0).unwrap_err().message.contains("signature"));
        let wrong_aud = sign(&key, &claims(HUB_ISSUER, "other", 1_000)).unwrap();
        assert!(key.verify(&wrong_aud, 0).unwrap_err().message.contains("audience"));
        let wrong_iss = sign(&key, &claims("other", HUB_ISSUER, 1_000)).unwrap();
        assert!(key.verify(&wrong_iss, 0).unwrap_err().message.contains("issued by"));
        assert_eq!(peek_issuer(&wrong_iss).unwrap(), "other");
        assert_eq!(peek_issuer("not.a.jwt").unwrap_err().code, ErrorCode::Unauthenticated);
    }

    #[test]
    fn external_tokens_need_the_configured_issuer_audience_and_key() {
        let secret = b"k7Hq2Lm9Xw4Rt8Zp3Vn6Bc1Jf5Gd0Sa2".to_vec();
        let idp = ExternalIssuer::new("https://idp.example.jp", "sango", ExternalKey::Hs256(secret.clone())).unwrap();
        let sign_with = |c: &Claims| jsonwebtoken::encode(&Header::new(Algorithm::HS256), c, &EncodingKey::from_secret(&secret)).unwrap();
        let ok = sign_with(&claims("https://idp.example.jp", "sango", 1_000));
        let c = idp.verify(&ok, 1_030).unwrap();
        assert_eq!(c.grant(Operations::Read).unwrap(), (Principal::MunicipalStaff(sango_domain::LgCode::parse("312011").unwrap()), Operations::Read));
        assert!(idp.verify(&ok, 1_060).unwrap_err().message.contains("expired"));
        assert!(idp.verify(&sign_with(&claims("https://evil.example", "sango", 1_000)), 0).is_err());
        assert!(idp.verify(&sign_with(&claims("https://idp.example.jp", "other", 1_000)), 0).unwrap_err().message.contains("audience"));
        // A token of the hub's own key is not an external token.
        let hub = sign(&SigningKey::ephemeral(), &claims("https://idp.example.jp", "sango", 1_000)).unwrap();
        assert!(idp.verify(&hub, 0).unwrap_err().message.contains("signature"));
        assert_eq!(ExternalIssuer::new("x", "sango", ExternalKey::Hs256(b"secret".to_vec())).unwrap_err().field.as_deref(), Some("jwtKey"));
        assert_eq!(ExternalIssuer::new("x", "sango", ExternalKey::Rs256Pem(b"not pem".to_vec())).unwrap_err().field.as_deref(), Some("jwtKey"));
    }

    #[test]
    fn unusable_role_claims_are_unauthenticated() {
        let mut c = claims("i", "a", 1);
        c.sango_role = "mayor".into();
        assert_eq!(c.grant(Operations::Read).unwrap_err().code, ErrorCode::Unauthenticated);
        let mut c = claims("i", "a", 1);
        c.sango_operations = Some("read,write".into());
        assert_eq!(c.grant(Operations::Read).unwrap().1, Operations::ReadWrite);
    }
}
