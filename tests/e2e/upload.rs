//! `importFile` over a GraphQL multipart request (operations + map + file part): an admin's upload
//! creates rows; an upload with rows outside the caller's scope is refused row by row and stores nothing.

use std::sync::OnceLock;

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::support::{Server, client, data, expect_field_error, sample, unique};

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(Server::demo)
}

const IMPORT: &str = "mutation($kind: ImportKind!, $file: Upload!) { importFile(kind: $kind, file: $file) { kind created updated } }";

/// Sends `bytes` as the `file` variable of `importFile`, per the GraphQL multipart request spec.
async fn upload(
    server: &Server,
    token: Option<&str>,
    kind: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Value {
    let operations = json!({ "query": IMPORT, "variables": { "kind": kind, "file": null } });
    let map = json!({ "0": ["variables.file"] });
    let form = Form::new()
        .text("operations", operations.to_string())
        .text("map", map.to_string())
        .part(
            "0",
            Part::bytes(bytes)
                .file_name(file_name.to_string())
                .mime_str("text/csv")
                .unwrap(),
        );
    let mut req = client().post(server.url("/graphql")).multipart(form);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("POST /graphql (multipart)");
    let status = resp.status();
    let body = resp.text().await.unwrap();
    let value = serde_json::from_str(&body).unwrap_or_else(|e| {
        panic!("multipart upload answered {status} with non-JSON ({e}): {body}")
    });
    server.fail_on_internal_error(&value);
    value
}

/// The facilities sample with `tag` appended to every name, so that a test can find its own rows.
fn tagged_sample(tag: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(sample("facilities")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(line);
        } else {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            cells[1].push_str(tag);
            out.push_str(&cells.join(","));
        }
        out.push('\n');
    }
    out.into_bytes()
}

/// The facilities whose name ends with `tag`, with their municipality.
async fn tagged(server: &Server, tag: &str) -> Vec<(String, String)> {
    let rows = server.all_facilities("name municipality { code }").await;
    rows.iter()
        .filter(|f| f["name"].as_str().unwrap().ends_with(tag))
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["municipality"]["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_admin_uploads_the_facilities_sample() {
    let s = server();
    let _writer = s.writer().await;
    let tag = unique("-upload");
    let r = upload(
        s,
        Some(s.token("admin")),
        "FACILITIES",
        "facilities.csv",
        tagged_sample(&tag),
    )
    .await;
    assert_eq!(
        data(&r)["importFile"],
        json!({ "kind": "FACILITIES", "created": 5, "updated": 0 })
    );
    let rows = tagged(s, &tag).await;
    let codes: Vec<&str> = rows.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(
        codes,
        ["312011", "312029", "312037", "312045", "313025"],
        "{rows:?}"
    );
    assert_eq!(rows[0].0, format!("（架空）とっとり駅南助産院{tag}"));
}

#[tokio::test]
async fn municipal_staff_cannot_upload_facilities_of_other_municipalities() {
    let s = server();
    let _writer = s.writer().await;
    let tag = unique("-refused");
    let r = upload(
        s,
        Some(s.token("municipal-staff:312011")),
        "FACILITIES",
        "facilities.csv",
        tagged_sample(&tag),
    )
    .await;
    let e = expect_field_error(&r, "BAD_USER_INPUT", "file");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("nothing was imported"),
        "{e}"
    );
    let problems = e["extensions"]["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems listed: {e}"));
    let rows: Vec<i64> = problems
        .iter()
        .map(|p| p["row"].as_i64().unwrap())
        .collect();
    // Row 2 lies in 鳥取市 (312011); rows 3 to 6 in 米子市, 倉吉市, 境港市 and 岩美町.
    assert_eq!(rows, [3, 4, 5, 6], "{problems:#?}");
    for p in problems {
        assert!(
            p["message"]
                .as_str()
                .unwrap()
                .contains("municipal-staff:312011"),
            "{p}"
        );
        assert!(p["column"].is_string(), "{p}");
    }
    assert_eq!(tagged(s, &tag).await, [], "a refused upload stored rows");

    // Its own row alone is accepted.
    let text = String::from_utf8(tagged_sample(&tag)).unwrap();
    let own: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    let r = upload(
        s,
        Some(s.token("municipal-staff:312011")),
        "FACILITIES",
        "own.csv",
        own.into_bytes(),
    )
    .await;
    assert_eq!(data(&r)["importFile"]["created"], 1);
    assert_eq!(tagged(s, &tag).await.len(), 1);
}

#[tokio::test]
async fn uploads_need_a_token_and_a_readable_file() {
    let s = server();
    let _writer = s.writer().await;
    let tag = unique("-anonymous");
    let r = upload(s, None, "FACILITIES", "facilities.csv", tagged_sample(&tag)).await;
    crate::support::expect_error(&r, "UNAUTHENTICATED");
    assert_eq!(tagged(s, &tag).await, []);

    let r = upload(
        s,
        Some(s.token("admin")),
        "CONTRACTS",
        "facilities.csv",
        tagged_sample(&tag),
    )
    .await;
    let e = expect_field_error(&r, "BAD_USER_INPUT", "file");
    assert!(
        e["extensions"]["problems"]
            .as_array()
            .is_some_and(|p| !p.is_empty()),
        "{e}"
    );
    let r = upload(
        s,
        Some(s.token("admin")),
        "FACILITIES",
        "garbage.bin",
        vec![0xff, 0xfe, 0xfd, 0x00, 0x81],
    )
    .await;
    let e = expect_field_error(&r, "BAD_USER_INPUT", "file");
    let messages = e["extensions"]["problems"].to_string();
    assert!(messages.contains("neither UTF-8 nor Shift_JIS"), "{e}");
    assert_eq!(tagged(s, &tag).await, []);
}
