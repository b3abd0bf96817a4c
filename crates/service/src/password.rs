//! Password hashing with Argon2id at OWASP's parameters (19 MiB of memory, 2 passes, 1 lane),
//! stored as PHC strings. Hashing is slow on purpose, so it runs off the async threads.

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{ServiceError, ServiceResult};

/// OWASP Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh random salt.
pub async fn hash(password: &str) -> ServiceResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hasher().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(ServiceError::internal)?
        .map_err(ServiceError::internal)
}

/// A hash of a password nobody knows, checked when the username is unknown so that the answer
/// takes as long as for a known one.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut bytes = [0u8; 24];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        hasher().hash_password(hex::encode(bytes).as_bytes()).map(|h| h.to_string()).expect("hashing a random password")
    })
}

/// Whether `password` matches `stored` (a PHC string); with no stored hash, checks against a
/// dummy and answers false. A stored hash that cannot be parsed is an internal error.
pub async fn verify(password: &str, stored: Option<&str>) -> ServiceResult<bool> {
    let known = stored.is_some();
    let stored = stored.map_or_else(|| dummy_hash().to_owned(), str::to_owned);
    let password = password.to_owned();
    let matched = tokio::task::spawn_blocking(move || -> Result<bool, String> {
        let parsed = PasswordHash::new(&stored).map_err(|e| format!("stored password hash: {e}"))?;
        Ok(hasher().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(ServiceError::internal)?;
    Ok(known && matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify_only_the_password() {
        let a = hash("correct horse battery").await.unwrap();
        let b = hash("correct horse battery").await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse battery", Some(&a)).await.unwrap());
        assert!(!verify("correct horse batterY", Some(&a)).await.unwrap());
        assert!(!verify("anything", None).await.unwrap());
        assert!(verify("x", Some("not a phc string")).await.is_err());
    }
}
