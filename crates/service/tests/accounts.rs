//! Accounts and credentials against a real database: login and its throttle, sessions that end
//! on logout, disabling and password resets, read-only machine tokens, external JWTs.

mod support;

use chrono::Duration;
use sango_domain::{Operations, Principal};
use sango_service::audit::{Origin, with_origin};
use sango_service::jwt::{Claims, ExternalIssuer, ExternalKey};
use sango_service::{Caller, ErrorCode, Hub};
use support::*;

const PASSWORD: &str = "correct horse battery staple";

fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

async fn with_account(hub: &Hub, name: &str) -> Principal {
    let p = Principal::MunicipalStaff(code("312011"));
    hub.create_account(&admin(), name, PASSWORD, p).await.unwrap();
    p
}

/// Runs `f` as an HTTP request authenticated with `authorization`.
async fn as_request<T>(hub: &Hub, authorization: &str, f: impl AsyncFnOnce(Caller) -> T) -> T {
    let auth = hub.authenticate_request(Some(authorization)).await.unwrap();
    with_origin(Origin::http_request(&auth, None), f(auth.caller)).await
}

#[tokio::test]
async fn login_gives_a_short_lived_token_that_logout_ends() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    let p = with_account(&hub, "Sato").await;
    let s = hub.login("sato", PASSWORD).await.unwrap();
    assert_eq!((s.principal, s.username.as_str()), (p, "sato"));
    assert_eq!(s.expires_at - hub.now(), Duration::minutes(15));
    let auth = hub.authenticate_request(Some(&bearer(&s.access_token))).await.unwrap();
    assert_eq!((auth.caller, auth.operations), (Caller::Principal(p), Operations::ReadWrite));
    assert!(auth.token_id.is_some(), "the session is named in the audit trail");

    // A second session survives the first one's logout.
    let other = hub.login("SATO ", PASSWORD).await.unwrap();
    as_request(&hub, &bearer(&s.access_token), async |c| hub.logout(&c).await).await.unwrap();
    let e = hub.authenticate(Some(&bearer(&s.access_token))).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert!(e.message.contains("session has ended"), "{}", e.message);
    assert!(hub.authenticate(Some(&bearer(&other.access_token))).await.is_ok());

    // Fifteen minutes later the access token has expired.
    clock.advance(Duration::minutes(15));
    let e = hub.authenticate(Some(&bearer(&other.access_token))).await.unwrap_err();
    assert!(e.message.contains("expired"), "{}", e.message);

    // Machine tokens cannot log out; they are revoked on the command line.
    let machine = hub.create_token(p, "t", Some(Duration::days(1))).await.unwrap();
    let e = as_request(&hub, &bearer(&machine), async |c| hub.logout(&c).await).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::BadUserInput, Some("authorization")));
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_get_the_same_answer_and_are_audited() {
    let hub = hub().await;
    with_account(&hub, "sato").await;
    let wrong = hub.login("sato", "not the password at all").await.unwrap_err();
    let unknown = hub.login("nobody", PASSWORD).await.unwrap_err();
    let malformed = hub.login("x", PASSWORD).await.unwrap_err();
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, malformed);
    assert_eq!((wrong.code, wrong.message.as_str()), (ErrorCode::Unauthenticated, "wrong username or password"));
    hub.login("sato", PASSWORD).await.unwrap();

    let day = Duration::days(1);
    let refused = hub.audit_of_principal(&admin(), "anonymous", hub.now() - day, hub.now() + day).await.unwrap();
    let logins: Vec<_> = refused.iter().filter(|e| e.record.operation == "login").collect();
    assert_eq!(logins.len(), 3);
    assert!(logins.iter().all(|e| e.record.outcome == "UNAUTHENTICATED"));
    assert_eq!(logins[0].record.record_ids, ["sato", "wrong password"]);
    assert_eq!(logins[1].record.record_ids, ["nobody", "unknown username"]);
    let ok = hub.audit_of_principal(&admin(), "municipal-staff:312011", hub.now() - day, hub.now() + day).await.unwrap();
    assert!(ok.iter().any(|e| e.record.operation == "login" && e.record.outcome == "OK" && e.record.record_ids[0] == "sato"));
    let admin_log = hub.audit_of_principal(&admin(), "admin:-", hub.now() - day, hub.now() + day).await.unwrap();
    assert!(admin_log.iter().any(|e| e.record.operation == "createAccount" && e.record.record_ids[0] == "sato"));
}

#[tokio::test]
async fn failed_logins_are_throttled_per_username_then_let_through_after_the_wait() {
    let (hub, clock) = hub_with_clock("2025-06-01 09:00:00").await;
    with_account(&hub, "sato").await;
    for _ in 0..5 {
        assert_eq!(hub.login("sato", "guess guess guess").await.unwrap_err().code, ErrorCode::Unauthenticated);
    }
    // Even the right password is refused while the username is locked.
    let e = hub.login("sato", PASSWORD).await.unwrap_err();
    assert_eq!((e.code, e.retry_after), (ErrorCode::LoginThrottled, Some(60)));
    assert_eq!(e.code.as_str(), "LOGIN_THROTTLED");
    clock.advance(Duration::seconds(61));
    assert!(hub.login("sato", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn a_client_trying_many_usernames_is_throttled() {
    let hub = hub().await;
    with_account(&hub, "sato").await;
    let origin = Origin { client: Some("203.0.113.9".parse().unwrap()), ..Origin::http(None) };
    for i in 0..20 {
        let e = with_origin(origin, hub.login(&format!("user{i}"), PASSWORD)).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthenticated);
    }
    let e = with_origin(origin, hub.login("sato", PASSWORD)).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::LoginThrottled);
    // Another client is not affected.
    assert!(hub.login("sato", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn disabling_an_account_or_resetting_its_password_ends_its_sessions() {
    let hub = hub().await;
    with_account(&hub, "sato").await;
    let s = hub.login("sato", PASSWORD).await.unwrap();
    let v = hub.set_account_disabled(&admin(), "sato", true).await.unwrap();
    assert!(v.disabled);
    assert_eq!(hub.authenticate(Some(&bearer(&s.access_token))).await.unwrap_err().code, ErrorCode::Unauthenticated);
    assert_eq!(hub.login("sato", PASSWORD).await.unwrap_err().message, "wrong username or password");
    hub.set_account_disabled(&admin(), "sato", false).await.unwrap();
    let s = hub.login("sato", PASSWORD).await.unwrap();

    let new_password = "another long passphrase";
    hub.reset_password(&admin(), "sato", new_password).await.unwrap();
    assert_eq!(hub.authenticate(Some(&bearer(&s.access_token))).await.unwrap_err().code, ErrorCode::Unauthenticated);
    assert_eq!(hub.login("sato", PASSWORD).await.unwrap_err().code, ErrorCode::Unauthenticated);
    assert!(hub.login("sato", new_password).await.is_ok());
}

#[tokio::test]
async fn only_admins_manage_accounts_and_bad_input_is_named() {
    let hub = hub().await;
    let p = with_account(&hub, "sato").await;
    let staff = Caller::Principal(p);
    assert_eq!(hub.accounts(&staff).await.unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(hub.create_account(&Caller::Anonymous, "x-user", PASSWORD, p).await.unwrap_err().code, ErrorCode::Unauthenticated);
    let e = hub.create_account(&admin(), "sato", PASSWORD, p).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("username")));
    let e = hub.create_account(&admin(), "suzuki", "short", p).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::BadUserInput, Some("password")));
    let e = hub.create_account(&admin(), "suzuki", PASSWORD, Principal::FacilityStaff(999_999)).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("scope")));
    let e = hub.set_account_disabled(&admin(), "nobody", true).await.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("username")));
    let all = hub.accounts(&admin()).await.unwrap();
    assert_eq!(all.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(), ["sato"]);
}

#[tokio::test]
async fn a_read_only_token_reads_but_every_write_is_forbidden_and_changes_nothing() {
    let hub = hub().await;
    let read_admin = hub.create_scoped_token(Principal::Admin, Operations::Read, "ro", Some(Duration::days(1))).await.unwrap();
    let auth = hub.authenticate_request(Some(&bearer(&read_admin))).await.unwrap();
    assert_eq!(auth.operations, Operations::Read);
    let origin = Origin::http_request(&auth, None);
    assert!(with_origin(origin, hub.accounts(&auth.caller)).await.unwrap().is_empty());
    let e = with_origin(origin, hub.create_account(&auth.caller, "sato", PASSWORD, Principal::Admin)).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("only read"), "{}", e.message);
    assert!(hub.accounts(&admin()).await.unwrap().is_empty(), "the refused write left nothing behind");

    let rw = hub.create_scoped_token(Principal::Admin, Operations::ReadWrite, "rw", Some(Duration::days(1))).await.unwrap();
    let auth = hub.authenticate_request(Some(&bearer(&rw))).await.unwrap();
    with_origin(Origin::http_request(&auth, None), hub.create_account(&auth.caller, "sato", PASSWORD, Principal::Admin)).await.unwrap();
    let listed = hub.machine_tokens(&admin()).await.unwrap();
    assert_eq!(listed.iter().map(|t| (t.label.as_str(), t.operations)).collect::<Vec<_>>(), [("rw", Operations::ReadWrite), ("ro", Operations::Read)]);

    hub.revoke_token(&admin(), listed[0].id).await.unwrap();
    assert_eq!(hub.authenticate(Some(&bearer(&rw))).await.unwrap_err().code, ErrorCode::Unauthenticated);
    assert_eq!(hub.revoke_token(&admin(), listed[0].id).await.unwrap_err().code, ErrorCode::NotFound);
}

#[tokio::test]
async fn external_jwts_are_accepted_only_from_the_configured_issuer_and_audience() {
    let secret = b"k7Hq2Lm9Xw4Rt8Zp3Vn6Bc1Jf5Gd0Sa2".to_vec();
    let idp = ExternalIssuer::new("https://idp.pref.tottori.example", "sango-hub-tottori", ExternalKey::Hs256(secret.clone())).unwrap();
    let hub = hub().await.with_external_issuer(idp);
    let now = hub.now().timestamp();
    let claims = |iss: &str, aud: &str, exp: i64| Claims {
        iss: iss.into(),
        aud: aud.into(),
        sub: "tanaka@pref".into(),
        jti: None,
        iat: now,
        exp,
        nbf: None,
        sango_role: "prefecture-coordinator".into(),
        sango_scope: "31".into(),
        sango_operations: None,
    };
    let sign = |c: &Claims, key: &[u8]| jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), c, &jsonwebtoken::EncodingKey::from_secret(key)).unwrap();
    let good = sign(&claims("https://idp.pref.tottori.example", "sango-hub-tottori", now + 600), &secret);
    let auth = hub.authenticate_request(Some(&bearer(&good))).await.unwrap();
    assert_eq!(auth.caller, Caller::Principal(Principal::PrefectureCoordinator(tottori())));
    assert_eq!(auth.operations, Operations::Read, "external tokens read unless they say sango_operations");

    let refusals = [
        (sign(&claims("https://idp.pref.tottori.example", "sango-hub-tottori", now - 120), &secret), "expired"),
        (sign(&claims("https://idp.pref.tottori.example", "another-app", now + 600), &secret), "audience"),
        (sign(&claims("https://evil.example", "sango-hub-tottori", now + 600), &secret), "not one this hub trusts"),
        (sign(&claims("https://idp.pref.tottori.example", "sango-hub-tottori", now + 600), b"Wrong-key-Wrong-key-Wrong-key-123"), "signature"),
        (sign(&claims("sango-hub", "sango-hub", now + 600), &secret), "signature"),
    ];
    for (token, words) in refusals {
        let e = hub.authenticate_request(Some(&bearer(&token))).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthenticated);
        assert!(e.message.contains(words), "expected '{words}' in '{}'", e.message);
    }
}
