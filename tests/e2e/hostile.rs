//! Hostile requests against the real server: each is refused with its code, and the server goes
//! on answering other clients. Production mode hides the schema and refuses unsafe starts; the
//! audit commands name a tampered entry and who saw a case.

use serde_json::{Value, json};

use crate::support::{DataDir, Server, client, data, expect_error, read_only_server, text};

/// POSTs raw bytes with a content type; returns the status and the JSON body.
async fn post_raw(s: &Server, content_type: &str, body: Vec<u8>, token: Option<&str>) -> (u16, Value) {
    let mut req = client().post(s.url("/graphql")).header("content-type", content_type).body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("POST /graphql");
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap();
    let value: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{status}: non-JSON ({e}): {body}"));
    s.fail_on_internal_error(&value);
    (status, value)
}

async fn still_serving(s: &Server) {
    let r = s.gql(None, "{ facilities(first: 3) { edges { node { id } } } }", json!({})).await;
    assert_eq!(data(&r)["facilities"]["edges"].as_array().unwrap().len(), 3);
}

fn request(query: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({ "query": query })).unwrap()
}

#[tokio::test]
async fn attack_queries_get_their_codes_and_the_server_keeps_serving() {
    let s = read_only_server();
    let deep = format!("{}{}", "{ a ".repeat(1_000), "}".repeat(1_000));
    let aliases = format!("{{ {} }}", (0..10_000).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "));
    let nested_facilities = "{ facilities(first: 1) { edges { node { municipality { code } } } } }".replace("code", "code name kana");
    let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    // 6,000 fields in 18 KB: wide rather than deep.
    let complex = format!("{{ facilities(first: 1) {{ edges {{ node {{ {} }} }} }} }}", "id ".repeat(6_000));
    let cases: Vec<(String, &str)> = vec![
        (deep, "QUERY_TOO_DEEP"),
        (aliases, "QUERY_TOO_LARGE"),
        // A fragment cycle is infinitely deep: refused before validation would name the cycle.
        (cycle.to_owned(), "QUERY_TOO_DEEP"),
        (complex, "QUERY_TOO_COMPLEX"),
        ("{ facilities(first: 99999999) { edges { node { id } } } }".to_owned(), "BAD_USER_INPUT"),
        ("{ facilities(".to_owned(), "GRAPHQL_PARSE_FAILED"),
    ];
    for (query, code) in &cases {
        let (status, r) = post_raw(s, "application/json", request(query), None).await;
        assert_eq!(status, 200, "{code}");
        expect_error(&r, code);
    }
    let r = s.gql(None, &nested_facilities, json!({})).await;
    data(&r);

    // Many aliases within the size limit.
    let aliases = format!("{{ {} }}", (0..150).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "));
    expect_error(&post_raw(s, "application/json", request(&aliases), None).await.1, "TOO_MANY_ALIASES");

    // An unknown operation name.
    let body = serde_json::to_vec(&json!({ "query": "query A { __typename }", "operationName": "B" })).unwrap();
    expect_error(&post_raw(s, "application/json", body, None).await.1, "GRAPHQL_VALIDATION_FAILED");

    // 1,000 operations in a batch.
    let batch: Vec<Value> = (0..1_000).map(|_| json!({ "query": "{ __typename }" })).collect();
    let (status, r) = post_raw(s, "application/json", serde_json::to_vec(&batch).unwrap(), None).await;
    assert_eq!(status, 400);
    expect_error(&r, "BATCH_TOO_LARGE");
    // A small batch is answered in kind.
    let batch: Vec<Value> = (0..3).map(|_| json!({ "query": "{ __typename }" })).collect();
    let (_, r) = post_raw(s, "application/json", serde_json::to_vec(&batch).unwrap(), None).await;
    assert_eq!(r.as_array().map(Vec::len), Some(3), "{r}");

    // Malformed JSON and wrong content types.
    let (status, r) = post_raw(s, "application/json", b"{\"query\": ".to_vec(), None).await;
    assert_eq!(status, 400);
    expect_error(&r, "MALFORMED_REQUEST");
    for ct in ["text/plain", "application/x-www-form-urlencoded", ""] {
        let (status, r) = post_raw(s, ct, request("{ __typename }"), None).await;
        assert_eq!(status, 415, "{ct}");
        expect_error(&r, "UNSUPPORTED_MEDIA_TYPE");
    }
    still_serving(s).await;
}

#[tokio::test]
async fn a_hundred_megabyte_body_is_refused_without_being_read() {
    use std::io::{Read, Write};
    let s = read_only_server();
    // Announce 100 MB and send none of it: the answer must come from the headers alone.
    let addr = s.url("").trim_start_matches("http://").to_owned();
    let mut tcp = std::net::TcpStream::connect(&addr).unwrap();
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    let head = format!("POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", 100 * 1024 * 1024);
    tcp.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("}]}") {
        match tcp.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("PAYLOAD_TOO_LARGE"), "{answer}");

    // Sent in full, the body is cut off at the limit; the connection may close before the client
    // has written it all, but the server goes on answering.
    let sent = client().post(s.url("/graphql")).header("content-type", "application/json").body(vec![b' '; 100 * 1024 * 1024]).send().await;
    if let Ok(resp) = sent {
        assert_eq!(resp.status().as_u16(), 413);
    }
    still_serving(s).await;
}

#[tokio::test]
async fn a_client_over_its_rate_is_refused_and_others_are_not() {
    let dir = DataDir::new();
    dir.migrate();
    let a = dir.token("municipal-staff", "312011");
    let b = dir.token("municipal-staff", "312029");
    let s = Server::serve_with(dir.path(), &["--mode", "development", "--rate-limit-burst", "3", "--rate-limit-per-minute", "1"]);
    for _ in 0..3 {
        data(&s.gql(Some(&a), "{ me }", json!({})).await);
    }
    let resp = client().post(s.url("/graphql")).bearer_auth(&a).json(&json!({ "query": "{ me }" })).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert!(resp.headers().contains_key("retry-after"));
    expect_error(&resp.json::<Value>().await.unwrap(), "RATE_LIMITED");
    assert_eq!(data(&s.gql(Some(&b), "{ me }", json!({})).await)["me"], "municipal-staff:312029");
}

#[cfg(unix)]
fn make_private(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    for e in std::fs::read_dir(dir).unwrap() {
        std::fs::set_permissions(e.unwrap().path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[cfg(unix)]
#[tokio::test]
async fn production_hides_the_schema_and_refuses_unsafe_starts() {
    use std::os::unix::fs::PermissionsExt;
    let dir = DataDir::new();
    dir.migrate();
    let token = dir.token("prefecture-coordinator", "31");
    let db = dir.path().join("sango-hub.db");

    // A database file other users can read.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    // A port held by this test: a command that wrongly got as far as serving fails instead of hanging.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = held.local_addr().unwrap().to_string();
    let out = dir.run(&["serve", "--listen", &busy]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("chmod o-rwx"), "{}", text(&out.stderr));

    make_private(dir.path());
    let key = dir.path().join("signing.key");
    std::fs::write(&key, "q3X9vN2mL8pR4tY7wZ1aB5cD6eF0gH2jK4lM\n").unwrap();
    let s = Server::serve_with(dir.path(), &["--signing-key-file", key.to_str().unwrap()]);
    let r = s.gql(Some(&token), "{ __schema { types { name } } }", json!({})).await;
    expect_error(&r, "INTROSPECTION_DISABLED");
    let r = s.gql(Some(&token), "{ municipalitie(prefecture: \"31\") { code } }", json!({})).await;
    let message = expect_error(&r, "GRAPHQL_VALIDATION_FAILED")["message"].as_str().unwrap().to_owned();
    assert!(!message.contains("Did you mean"), "no field suggestions: {message}");
    assert_eq!(client().get(s.url("/graphiql")).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(data(&s.gql(Some(&token), "{ me }", json!({})).await)["me"], "prefecture-coordinator:31");
    drop(s);

    // Demo data: refused with a clear message, and accepted in development mode.
    let demo = DataDir::new();
    let seeded = demo.run(&["demo", "--listen", &busy]);
    assert!(text(&seeded.stderr).contains("cannot listen"), "{}", text(&seeded.stderr));
    make_private(demo.path());
    let out = demo.run(&["serve", "--listen", &busy]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("synthetic demo facilities") && err.contains("live demo tokens") && err.contains("--mode development"), "{err}");
}

#[tokio::test]
async fn audit_commands_name_who_saw_a_case_and_a_tampered_entry() {
    let dir = DataDir::new();
    dir.migrate();
    let staff = dir.token("municipal-staff", "312011");
    let s = Server::serve_in(dir.path());
    let q = "mutation { registerCase(input: { municipality: \"312011\", tier: TAXED, infantBirthDate: \"2025-05-01\", registeredOn: \"2025-05-02\" }) { reference } }";
    let reference = data(&s.gql(Some(&staff), q, json!({})).await)["registerCase"]["reference"].as_str().unwrap().to_owned();
    data(&s.gql(Some(&staff), "query($r: String!) { case(reference: $r) { tier } }", json!({ "r": reference })).await);
    drop(s);

    let out = dir.run_ok(&["audit", "who-saw", "--case", &reference]);
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(rows[0].contains("municipal-staff:312011") && rows[0].contains("\thttp\tWRITE\tCASE_REGISTERED"), "{out}");
    assert!(rows[1].contains("\thttp\tREAD\tcase\t"), "{out}");
    let token_column: Vec<&str> = rows.iter().map(|r| r.split('\t').nth(4).unwrap()).collect();
    assert!(token_column.iter().all(|t| t.parse::<i64>().is_ok()), "the token id is recorded: {out}");

    let out = dir.run_ok(&["audit", "who-saw", "--principal", "municipal-staff:31201", "--from", "2000-01-01", "--to", "2100-01-01"]);
    assert_eq!(out.lines().skip(1).count(), 2, "{out}");

    assert!(dir.run_ok(&["audit", "verify"]).contains("intact"));
    // Tamper with the case read directly in the database file.
    let seq: i64 = rows[1].split('\t').next().unwrap().parse().unwrap();
    let db = dir.path().join("sango-hub.db");
    let file = sango_store::connect(&format!("sqlite://{}?mode=rw", db.display())).await.expect("the database file opens");
    use sango_store::ConnectionTrait;
    let edited = file.execute_unprepared(&format!("UPDATE audit_entry SET principal = 'admin:-' WHERE seq = {seq}")).await.expect("the entry is edited");
    assert_eq!(edited.rows_affected(), 1);
    file.close().await.expect("the file closes");
    let out = dir.run(&["audit", "verify"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains(&format!("audit entry {seq}:")), "{}", text(&out.stderr));
}
