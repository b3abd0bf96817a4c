//! The HTTP surface: `/graphql` (POST queries and mutations, multipart uploads), `/graphql/ws`
//! (subscriptions over WebSocket: live capacity, public data), the offline
//! GraphiQL page, a health check and a landing page.

use std::sync::Arc;

use async_graphql_axum::GraphQLSubscription;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use sango_graphql::HubSchema;
use sango_graphql::guard::CheckedQueries;
use sango_service::Hub;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::config::{Mode, ServeConfig};
use crate::graphiql;
use crate::rate_limit::RateLimiter;

#[derive(Clone)]
pub struct AppState {
    pub hub: Hub,
    pub schema: HubSchema,
    pub config: Arc<ServeConfig>,
    pub limiter: Arc<RateLimiter>,
    /// Query documents parsed and checked against `config.limits` before.
    pub queries: CheckedQueries,
}

/// The router for a hub in development mode (introspection and GraphiQL on).
pub fn router(hub: Hub) -> Router {
    router_with(hub, ServeConfig::new(Mode::Development))
}

/// The router for a hub with the given configuration. Production serves no GraphiQL page.
pub fn router_with(hub: Hub, config: ServeConfig) -> Router {
    let schema = sango_graphql::build_schema_with(hub.clone(), &config.limits);
    let production = config.production();
    let limiter = Arc::new(RateLimiter::new(config.rate));
    let mut r = Router::new()
        .route("/graphql", post(crate::endpoint::graphql))
        .route_service("/graphql/ws", GraphQLSubscription::new(schema.clone()))
        .route("/healthz", get(|| async { "ok" }));
    if !production {
        r = r.route("/graphql", get(|| async { Redirect::to("/graphiql") })).route("/", get(landing)).merge(graphiql::routes());
    }
    r.layer(DefaultBodyLimit::max(config.upload_body_bytes))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(TraceLayer::new_for_http())
        .with_state(AppState { hub, schema, queries: CheckedQueries::new(config.limits), config: Arc::new(config), limiter })
}

/// A panic is a bug: logged with an id, answered without its text.
fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let text = cause.downcast_ref::<String>().map(String::as_str).or_else(|| cause.downcast_ref::<&str>().copied()).unwrap_or("(no message)");
    let id = sango_service::error::incident_id();
    tracing::error!(incident = %id, panic = text, "request handler panicked");
    let body = serde_json::json!({ "errors": [{ "message": format!("internal error ({id}); it has been logged"), "extensions": { "code": "INTERNAL_SERVER_ERROR", "incident": id } }] });
    (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body.to_string()).into_response()
}

async fn landing() -> impl IntoResponse {
    Html(
        "<!doctype html><meta charset=utf-8><title>Sango Hub</title>\
         <h1>産後ケア広域調整ハブ — Sango Hub</h1>\
         <ul><li><a href=/graphiql>GraphiQL</a> (POST queries to <code>/graphql</code>)</li>\
         <li><a href=/healthz>/healthz</a></li></ul>\
         <p>Municipal boundaries: 出典：気象庁. Demo facilities are synthetic (（架空）).</p>",
    )
}
