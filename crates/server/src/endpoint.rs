//! `POST /graphql`, defended: content types, body sizes, batch size, per-client rate limits,
//! query limits before execution, and a deadline. Every refusal is a GraphQL error body with a
//! stable `extensions.code`; transport-level refusals also carry their HTTP status.

use std::net::SocketAddr;
use std::time::Instant;

use async_graphql::{BatchRequest, BatchResponse, Response, ServerError};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use sango_graphql::guard::{codes, refusal};
use sango_service::audit::{Origin, with_origin};

use crate::app::AppState;

/// A refusal before any query ran: the status and one coded error.
fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> axum::response::Response {
    let body = serde_json::to_vec(&Response::from_errors(vec![refusal(code, message)])).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// The handler of `POST /graphql`.
pub async fn graphql(State(app): State<AppState>, req: Request) -> axum::response::Response {
    let headers = req.headers().clone();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let multipart = content_type.starts_with("multipart/form-data");
    if !multipart && !content_type.starts_with("application/json") && !content_type.starts_with("application/graphql-response+json") {
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, codes::UNSUPPORTED_MEDIA_TYPE, "send GraphQL as application/json (or multipart/form-data for uploads)");
    }

    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("\u{0}"));
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let auth = match app.hub.authenticate_request(authorization).await {
        Ok(found) => found,
        Err(e) => {
            let mut err: ServerError = sango_graphql::error::to_gql(e).into_server_error(Default::default());
            err.locations.clear();
            let body = serde_json::to_vec(&Response::from_errors(vec![err])).unwrap_or_default();
            return (StatusCode::UNAUTHORIZED, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response();
        }
    };

    let (caller, token_id) = (auth.caller, auth.token_id);
    let client = match (token_id, caller) {
        (Some(id), _) => format!("token:{id}"),
        (None, sango_service::Caller::Principal(p)) => format!("jwt:{p}"),
        (None, sango_service::Caller::Anonymous) => peer.map_or_else(|| "ip:unknown".to_owned(), |ip| format!("ip:{ip}")),
    };
    if let Err(wait) = app.limiter.admit(&client, Instant::now()) {
        let mut r = refuse(StatusCode::TOO_MANY_REQUESTS, codes::RATE_LIMITED, format!("too many requests; retry in {} s", wait.as_secs().max(1)));
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
        return r;
    }

    let limit = if multipart { app.config.upload_body_bytes } else { app.config.json_body_bytes };
    if content_length(&headers).is_some_and(|n| n > limit) {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, codes::PAYLOAD_TOO_LARGE, format!("the request body may be at most {limit} bytes"));
    }
    let batch = if multipart {
        // Uploads: the multipart parser reads a body that fails once it passes the limit.
        let (parts, body) = req.into_parts();
        let limited = Request::from_parts(parts, Body::new(http_body_util::Limited::new(body, limit)));
        match async_graphql_axum::GraphQLBatchRequest::<async_graphql_axum::rejection::GraphQLRejection>::from_request(limited, &()).await {
            Ok(b) => b.into_inner(),
            Err(e) => {
                let text = e.0.to_string();
                return if text.contains("length limit") || text.contains("too large") {
                    refuse(StatusCode::PAYLOAD_TOO_LARGE, codes::PAYLOAD_TOO_LARGE, format!("the request body may be at most {limit} bytes"))
                } else {
                    refuse(StatusCode::BAD_REQUEST, codes::MALFORMED_REQUEST, format!("the multipart request could not be read: {text}"))
                };
            }
        }
    } else {
        let bytes = match axum::body::to_bytes(req.into_body(), limit).await {
            Ok(b) => b,
            Err(_) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, codes::PAYLOAD_TOO_LARGE, format!("the request body may be at most {limit} bytes")),
        };
        match serde_json::from_slice::<BatchRequest>(&bytes) {
            Ok(b) => b,
            Err(e) => return refuse(StatusCode::BAD_REQUEST, codes::MALFORMED_REQUEST, format!("the body is not a GraphQL request in JSON: {e}")),
        }
    };

    let limits = app.config.limits;
    let is_batch = matches!(batch, BatchRequest::Batch(_));
    let requests = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(v) if v.len() > limits.batch => {
            return refuse(StatusCode::BAD_REQUEST, codes::BATCH_TOO_LARGE, format!("a batch may hold at most {} operations; this one holds {}", limits.batch, v.len()));
        }
        BatchRequest::Batch(v) if v.is_empty() => return refuse(StatusCode::BAD_REQUEST, codes::MALFORMED_REQUEST, "the batch is empty"),
        BatchRequest::Batch(v) => v,
    };
    let deadline = tokio::time::Instant::now() + app.config.timeout;
    let mut responses = Vec::with_capacity(requests.len());
    for mut r in requests {
        if let Err(e) = app.queries.check(&mut r) {
            responses.push(Response::from_errors(vec![e]));
            continue;
        }
        let run = with_origin(Origin::http_request(&auth, peer), app.schema.execute(r.data(caller)));
        let resp = match tokio::time::timeout_at(deadline, run).await {
            Ok(resp) => sango_graphql::error::with_codes(resp),
            Err(_) => Response::from_errors(vec![refusal(codes::TIMEOUT, format!("the request took longer than {} s and was stopped", app.config.timeout.as_secs()))]),
        };
        responses.push(resp);
    }
    let body = if is_batch { BatchResponse::Batch(responses) } else { BatchResponse::Single(responses.remove(0)) };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes).into_response()
}
