//! The offline GraphiQL page: HTML that loads only the hub's own `/graphiql/…` assets, each of
//! which is served with a JavaScript or CSS content type.

use crate::support::{client, read_only_server};

/// Values of every `src="…"` and `href="…"` attribute of `html`.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            out.push(rest[..rest.find('"').expect("closing quote")].to_string());
        }
    }
    out
}

#[tokio::test]
async fn graphiql_page_loads_only_local_assets() {
    let s = read_only_server();
    let resp = client().get(s.url("/graphiql")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("<title>Sango Hub — GraphQL</title>"),
        "{html}"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page refers to another site"
    );

    let links = links(&html);
    assert!(
        links.iter().any(|l| l.ends_with(".js")) && links.iter().any(|l| l.ends_with(".css")),
        "{links:?}"
    );
    for link in &links {
        assert!(
            link.starts_with("/graphiql/"),
            "{link} is not a local GraphiQL asset"
        );
        let resp = client().get(s.url(link)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{link}");
        let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
        let expected = if link.ends_with(".css") {
            "text/css"
        } else {
            "application/javascript"
        };
        assert!(content_type.starts_with(expected), "{link}: {content_type}");
        assert!(
            resp.bytes().await.unwrap().len() > 1000,
            "{link} is suspiciously small"
        );
    }

    // The page also works when opened with a token in the query string, as `demo` prints it.
    let with_token = client()
        .get(s.url(&format!(
            "/graphiql?token={}",
            s.token("prefecture-coordinator")
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 200);
    let missing = client()
        .get(s.url("/graphiql/nonexistent.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    // GET /graphql sends browsers to the page.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = no_redirect.get(s.url("/graphql")).send().await.unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    assert_eq!(resp.headers()["location"], "/graphiql");
}
