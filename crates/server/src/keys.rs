//! The hub's signing key and the external issuer it trusts, from flags, the environment or
//! files; production refuses to start without a proper signing key, development makes one up.

use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use clap::Args;
use sango_service::Hub;
use sango_service::jwt::{ExternalIssuer, ExternalKey, SigningKey, key_problem};

use crate::config::Mode;

/// Keys and issuers.
#[derive(Args, Debug, Clone, Default)]
pub struct KeyArgs {
    /// A file holding the key the hub signs access tokens with: at least 32 bytes, random
    /// (`openssl rand -base64 48 > signing.key`). Required in production.
    #[arg(long, env = "SANGO_SIGNING_KEY_FILE")]
    pub signing_key_file: Option<PathBuf>,
    /// The signing key itself, for environments that inject secrets as variables.
    #[arg(long, env = "SANGO_SIGNING_KEY", hide_env_values = true, conflicts_with = "signing_key_file")]
    pub signing_key: Option<String>,
    /// The `iss` of an external identity provider whose JWTs the hub accepts.
    #[arg(long, env = "SANGO_JWT_ISSUER", requires = "jwt_audience")]
    pub jwt_issuer: Option<String>,
    /// The `aud` that provider puts in tokens meant for this hub.
    #[arg(long, env = "SANGO_JWT_AUDIENCE", requires = "jwt_issuer")]
    pub jwt_audience: Option<String>,
    /// HS256 (shared secret), RS256 or EdDSA (public key in PEM).
    #[arg(long, env = "SANGO_JWT_ALGORITHM", default_value = "RS256", value_parser = ["HS256", "RS256", "EdDSA"])]
    pub jwt_algorithm: String,
    /// The provider's public key (PEM) for RS256/EdDSA, or the shared secret for HS256.
    #[arg(long, env = "SANGO_JWT_KEY_FILE", requires = "jwt_issuer")]
    pub jwt_key_file: Option<PathBuf>,
    /// The shared secret for HS256, for environments that inject secrets as variables.
    #[arg(long, env = "SANGO_JWT_SECRET", hide_env_values = true, conflicts_with = "jwt_key_file", requires = "jwt_issuer")]
    pub jwt_secret: Option<String>,
}

fn read_secret(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    // A trailing newline from `echo` or an editor is not part of the key.
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    Ok(bytes[..end].to_vec())
}

impl KeyArgs {
    /// Configures `hub` with the signing key and external issuer, or says why it cannot start.
    pub fn apply(&self, hub: Hub, mode: Mode) -> anyhow::Result<Hub> {
        let mut hub = hub;
        let key = match (&self.signing_key_file, &self.signing_key) {
            (Some(path), _) => Some(read_secret(path)?),
            (None, Some(text)) => Some(text.trim().as_bytes().to_vec()),
            (None, None) => None,
        };
        match (key, mode) {
            (None, Mode::Production) => bail!(
                "production refuses to start without a signing key for access tokens: give --signing-key-file (or SANGO_SIGNING_KEY_FILE) a file made with `openssl rand -base64 48` (or run with --mode development)"
            ),
            (None, Mode::Development) => {
                tracing::warn!("no signing key configured: access tokens from login are signed with a key generated for this process and stop working when it ends");
            }
            (Some(key), mode) => {
                if let Some(problem) = key_problem(&key) {
                    if mode == Mode::Production || key.len() < sango_service::jwt::MIN_KEY_BYTES {
                        bail!("refusing the signing key: {problem}");
                    }
                    tracing::warn!("{problem}; accepted in development mode only");
                }
                hub = hub.with_signing_key(SigningKey::from_secret(&key).map_err(|e| anyhow!("{}", e.message))?);
            }
        }
        if let (Some(issuer), Some(audience)) = (&self.jwt_issuer, &self.jwt_audience) {
            let key = match (self.jwt_algorithm.as_str(), &self.jwt_key_file, &self.jwt_secret) {
                ("HS256", Some(path), _) => ExternalKey::Hs256(read_secret(path)?),
                ("HS256", None, Some(secret)) => ExternalKey::Hs256(secret.trim().as_bytes().to_vec()),
                ("RS256", Some(path), _) => ExternalKey::Rs256Pem(std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?),
                ("EdDSA", Some(path), _) => ExternalKey::EdDsaPem(std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?),
                (alg, _, _) => bail!("--jwt-issuer with {alg} needs the issuer's key: --jwt-key-file (a PEM public key, or the shared secret for HS256) or SANGO_JWT_SECRET for HS256"),
            };
            let idp = ExternalIssuer::new(issuer, audience, key).map_err(|e| anyhow!("--{}: {}", flag(e.field.as_deref()), e.message))?;
            tracing::info!(issuer = %idp.issuer, audience = %idp.audience, algorithm = %self.jwt_algorithm, "accepting JWTs of an external issuer");
            hub = hub.with_external_issuer(idp);
        }
        Ok(hub)
    }
}

fn flag(field: Option<&str>) -> &'static str {
    match field {
        Some("jwtIssuer") => "jwt-issuer",
        Some("jwtAudience") => "jwt-audience",
        _ => "jwt-key-file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn hub() -> Hub {
        let dir = std::env::temp_dir().join(format!("sango-keys-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        Hub::open(&format!("sqlite://{}?mode=rwc", dir.join("hub.db").display())).await.unwrap()
    }

    fn refusal(r: anyhow::Result<Hub>) -> String {
        match r {
            Ok(_) => panic!("the configuration was accepted"),
            Err(e) => e.to_string(),
        }
    }

    fn rand_suffix() -> u128 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    }

    #[tokio::test]
    async fn production_needs_a_strong_key_and_development_makes_one_up() {
        let hub = hub().await;
        let none = KeyArgs { jwt_algorithm: "RS256".into(), ..Default::default() };
        assert!(refusal(none.apply(hub.clone(), Mode::Production)).contains("without a signing key"));
        assert!(none.apply(hub.clone(), Mode::Development).unwrap().signing_key_is_ephemeral());
        let weak = KeyArgs { signing_key: Some("your-256-bit-secret".into()), ..none.clone() };
        assert!(refusal(weak.apply(hub.clone(), Mode::Production)).contains("well-known"));
        let short = KeyArgs { signing_key: Some("Zk3-short".into()), ..none.clone() };
        assert!(refusal(short.apply(hub.clone(), Mode::Development)).contains("at least 32"));
        let good = KeyArgs { signing_key: Some("q3X9vN2mL8pR4tY7wZ1aB5cD6eF0gH2j\n".into()), ..none.clone() };
        assert!(!good.apply(hub.clone(), Mode::Production).unwrap().signing_key_is_ephemeral());
        let idp_without_key = KeyArgs { jwt_issuer: Some("https://idp.example.jp".into()), jwt_audience: Some("sango".into()), ..good.clone() };
        assert!(refusal(idp_without_key.apply(hub, Mode::Production)).contains("--jwt-key-file"));
    }
}
