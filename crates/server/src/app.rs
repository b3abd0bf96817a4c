//! The HTTP surface: `/graphql` (POST queries and mutations, multipart uploads), `/graphql/ws`
//! (subscriptions over WebSocket: live capacity, public data), the offline
//! GraphiQL page, a health check and a landing page.

use async_graphql::ServerError;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse, GraphQLSubscription};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use sango_graphql::HubSchema;
use sango_service::Hub;
use tower_http::trace::TraceLayer;

use crate::graphiql;

/// The largest request body: an import file of 20 MiB plus multipart overhead.
const MAX_BODY_BYTES: usize = 21 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub hub: Hub,
    pub schema: HubSchema,
}

/// The router for a hub.
pub fn router(hub: Hub) -> Router {
    let schema = sango_graphql::build_schema(hub.clone());
    Router::new()
        .route("/graphql", post(graphql).get(|| async { Redirect::to("/graphiql") }))
        .route_service("/graphql/ws", GraphQLSubscription::new(schema.clone()))
        .route("/healthz", get(|| async { "ok" }))
        .route("/", get(landing))
        .merge(graphiql::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(AppState { hub, schema })
}

async fn graphql(State(app): State<AppState>, headers: HeaderMap, req: GraphQLRequest) -> GraphQLResponse {
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("\u{0}"));
    match app.hub.authenticate(authorization).await {
        Ok(caller) => sango_graphql::error::with_codes(app.schema.execute(req.into_inner().data(caller)).await).into(),
        Err(e) => {
            let mut err: ServerError = sango_graphql::error::to_gql(e).into_server_error(Default::default());
            err.locations.clear();
            async_graphql::Response::from_errors(vec![err]).into()
        }
    }
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
