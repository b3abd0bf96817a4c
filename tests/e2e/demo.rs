//! `sango-hub demo`: what it prints, and that a restart on the same data directory reuses the data.

use serde_json::json;

use crate::support::{DataDir, Server, data, is_token};

#[tokio::test]
async fn demo_seeds_once_and_a_restart_reuses_the_data() {
    let dir = DataDir::new();

    let first = Server::demo_in(dir.path());
    assert!(
        first.stdout.contains(
            "Seeded the demo prefecture 鳥取県: 19 municipalities, 28 synthetic facilities"
        ),
        "{}",
        first.stdout
    );
    for label in [
        "admin:-",
        "prefecture-coordinator:31",
        "finance:31",
        "municipal-staff:312011",
        "municipal-staff:312029",
        "facility-staff:1",
    ] {
        assert!(
            is_token(first.token(label)),
            "{label}: {}",
            first.token(label)
        );
    }
    assert!(
        first.stdout.contains(&format!(
            "/graphiql?token={}",
            first.token("prefecture-coordinator")
        )),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains(&format!("{}/graphql", first.base)),
        "{}",
        first.stdout
    );
    let before = first.all_facilities("name municipality { code }").await;
    assert_eq!(before.len(), 28);
    let old_token = first.token("municipal-staff:312011").to_string();
    drop(first);

    let second = Server::demo_in(dir.path());
    assert!(
        second.stdout.contains("Reusing the demo prefecture 鳥取県"),
        "{}",
        second.stdout
    );
    assert!(second.stdout.contains("28 facilities"), "{}", second.stdout);
    assert!(!second.stdout.contains("Seeded"), "{}", second.stdout);
    let after = second.all_facilities("name municipality { code }").await;
    assert_eq!(after, before, "the facilities changed across a restart");

    let new_token = second.token("municipal-staff:312011");
    assert_ne!(new_token, old_token, "a restart mints new tokens");
    for (token, expected) in [
        (new_token, "municipal-staff:312011"),
        (old_token.as_str(), "municipal-staff:312011"),
        (second.token("admin"), "admin:-"),
        (second.token("facility-staff"), "facility-staff:1"),
    ] {
        let me = second.gql(Some(token), "{ me }", json!({})).await;
        assert_eq!(data(&me)["me"], expected);
    }
    let coordinator = second.token("prefecture-coordinator");
    let r = second
        .gql(
            Some(coordinator),
            r#"{ program(municipality: "312011", fiscalYear: 2026) { version fiscalYearLabel } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data(&r)["program"],
        json!({ "version": 1, "fiscalYearLabel": "令和8年度" }),
        "programmes are not re-appended on restart"
    );
}

#[tokio::test]
async fn root_and_health_answer() {
    let server = crate::support::read_only_server();
    let health = crate::support::client()
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    let landing = crate::support::client()
        .get(server.url("/"))
        .send()
        .await
        .unwrap();
    assert_eq!(landing.status(), 200);
    assert!(landing.text().await.unwrap().contains("/graphiql"));
    let missing = crate::support::client()
        .get(server.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
