//! Offline GraphiQL: the page at `/graphiql` and its vendored assets, embedded in the binary.
//!
//! The assets live in `crates/server/assets/graphiql/` (see `assets/README.md`);
//! nothing is read from disk or fetched from a network at run time.

use axum::{
    Router,
    extract::Path,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};

const INDEX_HTML: &str = include_str!("../assets/graphiql/index.html");

const JS: &str = "application/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const ASSET_CACHE_CONTROL: &str = "public, max-age=86400";

/// Routes for `GET /graphiql` and `GET /graphiql/{file}`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/graphiql", get(index))
        .route("/graphiql/{file}", get(file))
}

/// The content type and bytes of a bundled asset, by file name.
pub fn asset(name: &str) -> Option<(&'static str, &'static [u8])> {
    Some(match name {
        "react.production.min.js" => (
            JS,
            include_bytes!("../assets/graphiql/react.production.min.js").as_slice(),
        ),
        "react-dom.production.min.js" => (
            JS,
            include_bytes!("../assets/graphiql/react-dom.production.min.js").as_slice(),
        ),
        "graphiql.min.js" => (
            JS,
            include_bytes!("../assets/graphiql/graphiql.min.js").as_slice(),
        ),
        "graphiql.min.css" => (
            CSS,
            include_bytes!("../assets/graphiql/graphiql.min.css").as_slice(),
        ),
        _ => return None,
    })
}

async fn index() -> Html<&'static str> {
    Html(INDEX_HTML)
}

async fn file(Path(name): Path<String>) -> Response {
    match asset(&name) {
        Some((content_type, body)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, ASSET_CACHE_CONTROL),
            ],
            body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASSETS: [&str; 4] = [
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "graphiql.min.css",
    ];

    #[test]
    fn known_assets_resolve_with_their_content_types() {
        for name in ASSETS {
            let (content_type, body) = asset(name).unwrap();
            let expected = if name.ends_with(".css") { CSS } else { JS };
            assert_eq!(content_type, expected, "{name}");
            assert!(body.len() > 1000, "{name} is suspiciously small");
        }
        assert!(JS.starts_with("application/javascript"));
        assert!(CSS.starts_with("text/css"));
    }

    #[test]
    fn unknown_assets_are_none() {
        for name in [
            "",
            "index.html",
            "graphiql.js",
            "GRAPHIQL.MIN.JS",
            "graphiql.LICENSE.txt",
            "../graphiql/graphiql.min.js",
            "..%2Fmain.rs",
        ] {
            assert!(asset(name).is_none(), "{name:?}");
        }
    }

    /// Values of every `src="…"` and `href="…"` attribute in `html`.
    fn links(html: &str) -> Vec<&str> {
        let mut out = Vec::new();
        for attr in ["src=\"", "href=\""] {
            for (at, _) in html.match_indices(attr) {
                let rest = &html[at + attr.len()..];
                out.push(&rest[..rest.find('"').unwrap()]);
            }
        }
        out
    }

    #[test]
    fn index_html_uses_only_local_assets() {
        let links = links(INDEX_HTML);
        assert_eq!(links.len(), ASSETS.len(), "{links:?}");
        for name in ASSETS {
            assert!(
                links.contains(&format!("/graphiql/{name}").as_str()),
                "{name} not loaded"
            );
        }
        for link in &links {
            let name = link
                .strip_prefix("/graphiql/")
                .unwrap_or_else(|| panic!("{link}"));
            assert!(asset(name).is_some(), "{link} is not served");
        }
        assert!(!INDEX_HTML.contains("http://") && !INDEX_HTML.contains("https://"));
        assert!(INDEX_HTML.contains("<title>Sango Hub — GraphQL</title>"));
        assert!(INDEX_HTML.contains("GraphiQL.createFetcher({ url: '/graphql' })"));
    }

    #[test]
    fn bundled_scripts_provide_and_expect_the_right_globals() {
        let text = |name| std::str::from_utf8(asset(name).unwrap().1).unwrap();
        assert!(text("react.production.min.js").contains("c.React={}"));
        assert!(text("react-dom.production.min.js").contains("Q.ReactDOM={},Q.React"));
        assert!(text("graphiql.min.js").contains(".GraphiQL=t(e.React,e.ReactDOM)"));
    }

    /// One raw HTTP/1.1 GET against the router on a loopback port; returns the
    /// response head, lowercased. (Blocking std I/O: tokio's `io-util` is not enabled.)
    async fn get(path: &'static str) -> String {
        use std::io::{Read, Write};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(listener, routes::<()>()).await.unwrap();
        });
        let response = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            let request =
                format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            stream.write_all(request.as_bytes()).unwrap();
            let mut response = Vec::new();
            stream.read_to_end(&mut response).unwrap();
            response
        })
        .await
        .unwrap();
        server.abort();
        let head_len = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        String::from_utf8(response[..head_len].to_vec())
            .unwrap()
            .to_ascii_lowercase()
    }

    #[tokio::test]
    async fn routes_serve_page_and_assets() {
        let page = get("/graphiql").await;
        assert!(page.starts_with("http/1.1 200"), "{page}");
        assert!(
            page.contains("content-type: text/html; charset=utf-8"),
            "{page}"
        );

        let js = get("/graphiql/graphiql.min.js").await;
        assert!(js.starts_with("http/1.1 200"), "{js}");
        assert!(js.contains("content-type: application/javascript"), "{js}");
        assert!(js.contains("cache-control: public, max-age=86400"), "{js}");

        let css = get("/graphiql/graphiql.min.css").await;
        assert!(css.contains("content-type: text/css"), "{css}");

        let missing = get("/graphiql/nope.js").await;
        assert!(missing.starts_with("http/1.1 404"), "{missing}");
    }
}
