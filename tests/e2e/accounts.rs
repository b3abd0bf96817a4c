//! Accounts and credentials through the real binary: `account create` and `login`, logout,
//! login throttling, read-only and revoked machine tokens, external JWTs, and production's
//! refusal of a missing or well-known signing key.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::{BIN, DataDir, Server, data, expect_error, text};

const PASSWORD: &str = "correct horse battery staple";

/// `sango-hub ARGS --data-dir DIR` with `stdin` on standard input; must succeed.
fn run_with_stdin(dir: &DataDir, args: &[&str], stdin: &str) -> String {
    let mut c = Command::new(BIN)
        .args(args)
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .env_remove("SANGO_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = c.wait_with_output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

const LOGIN: &str = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken tokenType expiresIn principal } }";

async fn login(s: &Server, user: &str, password: &str) -> Value {
    s.gql(None, LOGIN, json!({ "u": user, "p": password })).await
}

#[tokio::test]
async fn an_account_logs_in_and_logout_ends_its_session() {
    let dir = DataDir::new();
    dir.migrate();
    let out = run_with_stdin(&dir, &["account", "create", "--username", "sato", "--role", "municipal-staff", "--scope", "312011"], &format!("{PASSWORD}\n"));
    assert!(out.contains("created account sato (municipal-staff:312011)"), "{out}");
    let listed = dir.run_ok(&["account", "list"]);
    assert!(listed.contains("sato") && listed.contains("enabled"), "{listed}");

    let s = Server::serve_in(dir.path());
    let r = login(&s, "sato", PASSWORD).await;
    let session = &data(&r)["login"];
    assert_eq!((session["tokenType"].as_str(), session["expiresIn"].as_i64()), (Some("Bearer"), Some(900)));
    let token = session["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(data(&s.gql(Some(&token), "{ me }", json!({})).await)["me"], "municipal-staff:312011");
    assert_eq!(data(&s.gql(Some(&token), "mutation { logout }", json!({})).await)["logout"], true);
    let after = s.gql(Some(&token), "{ me }", json!({})).await;
    assert!(expect_error(&after, "UNAUTHENTICATED")["message"].as_str().unwrap().contains("session has ended"));
}

#[tokio::test]
async fn failed_logins_are_throttled_with_a_retry_after() {
    let dir = DataDir::new();
    dir.migrate();
    run_with_stdin(&dir, &["account", "create", "--username", "sato", "--role", "admin"], &format!("{PASSWORD}\n"));
    let s = Server::serve_in(dir.path());
    for _ in 0..5 {
        expect_error(&login(&s, "sato", "a wrong password here").await, "UNAUTHENTICATED");
    }
    let unknown = login(&s, "nobody-at-all", PASSWORD).await;
    assert_eq!(expect_error(&unknown, "UNAUTHENTICATED")["message"], "wrong username or password");
    let r = login(&s, "sato", PASSWORD).await;
    let e = expect_error(&r, "LOGIN_THROTTLED");
    assert!(e["extensions"]["retryAfter"].as_u64().is_some_and(|s| (1..=60).contains(&s)), "{e}");
}

#[tokio::test]
async fn machine_tokens_carry_operations_and_expiry_and_revoked_ones_stop_working() {
    let dir = DataDir::new();
    dir.migrate();
    let read_only = dir.run_ok(&["token", "create", "--role", "admin", "--expires-in", "7d", "--operations", "read", "--label", "reports"]).trim().to_owned();
    let revoked = dir.token("admin", "-");
    let list = dir.run_ok(&["token", "list"]);
    let reports = list.lines().find(|l| l.contains("reports")).unwrap_or_else(|| panic!("{list}"));
    assert!(reports.contains(" read ") && reports.contains("live"), "{reports}");
    let id = list.lines().find(|l| l.contains(" cli ")).and_then(|l| l.split_whitespace().next()).unwrap().to_owned();
    assert!(dir.run_ok(&["token", "revoke", &id]).contains("revoked"));
    assert!(dir.run_ok(&["token", "list"]).lines().any(|l| l.starts_with(&format!("{id:>6}")) && l.ends_with("revoked")));

    let s = Server::serve_in(dir.path());
    let create = "mutation { createAccount(username: \"suzuki\", password: \"another long passphrase\", role: \"admin\") { username } }";
    let r = s.gql(Some(&read_only), create, json!({})).await;
    assert!(expect_error(&r, "FORBIDDEN")["message"].as_str().unwrap().contains("only read"));
    assert_eq!(data(&s.gql(Some(&read_only), "{ accounts { username } }", json!({})).await)["accounts"], json!([]));
    let r = s.gql(Some(&revoked), "{ me }", json!({})).await;
    expect_error(&r, "UNAUTHENTICATED");
}

#[tokio::test]
async fn external_jwts_are_accepted_from_the_configured_issuer_only() {
    let dir = DataDir::new();
    dir.migrate();
    let secret = "k7Hq2Lm9Xw4Rt8Zp3Vn6Bc1Jf5Gd0Sa2Qe";
    let key = dir.path().join("idp.secret");
    std::fs::write(&key, secret).unwrap();
    let args = ["--mode", "development", "--jwt-issuer", "https://idp.example.jp", "--jwt-audience", "sango", "--jwt-algorithm", "HS256", "--jwt-key-file", key.to_str().unwrap()];
    let s = Server::serve_with(dir.path(), &args);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let jwt = |iss: &str, aud: &str, exp: i64, key: &str| {
        let claims = json!({ "iss": iss, "aud": aud, "sub": "tanaka", "exp": exp, "sango_role": "municipal-staff", "sango_scope": "312011" });
        jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), &claims, &jsonwebtoken::EncodingKey::from_secret(key.as_bytes())).unwrap()
    };
    let ok = jwt("https://idp.example.jp", "sango", now + 600, secret);
    assert_eq!(data(&s.gql(Some(&ok), "{ me }", json!({})).await)["me"], "municipal-staff:312011");
    let refused = [
        (jwt("https://idp.example.jp", "sango", now - 3600, secret), "expired"),
        (jwt("https://idp.example.jp", "other", now + 600, secret), "audience"),
        (jwt("https://other.example", "sango", now + 600, secret), "trusts"),
        (jwt("https://idp.example.jp", "sango", now + 600, "a-different-secret-of-enough-length"), "signature"),
    ];
    for (token, word) in refused {
        let r = s.gql(Some(&token), "{ me }", json!({})).await;
        let message = expect_error(&r, "UNAUTHENTICATED")["message"].as_str().unwrap().to_owned();
        assert!(message.contains(word), "expected '{word}' in '{message}'");
    }
}

#[cfg(unix)]
#[test]
fn production_refuses_a_missing_or_well_known_signing_key() {
    use std::os::unix::fs::PermissionsExt;
    let dir = DataDir::new();
    dir.migrate();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        std::fs::set_permissions(e.unwrap().path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // A port held by this test: a command that wrongly got as far as serving fails instead of hanging.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = held.local_addr().unwrap().to_string();
    let out = dir.run(&["serve", "--listen", &busy]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("without a signing key"), "{}", text(&out.stderr));
    let out = dir.run(&["serve", "--listen", &busy, "--signing-key", "your-256-bit-secret"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("well-known default"), "{}", text(&out.stderr));
    let key = dir.path().join("short.key");
    std::fs::write(&key, "x7-short\n").unwrap();
    let out = dir.run(&["serve", "--listen", &busy, "--signing-key-file", key.to_str().unwrap()]);
    assert!(text(&out.stderr).contains("at least 32"), "{}", text(&out.stderr));
}
