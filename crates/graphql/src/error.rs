//! Service errors as GraphQL errors: `extensions.code` from the catalogue, the input field at
//! fault, and for imports every problem with its row and column.

use async_graphql::{Error, ErrorExtensions, Value};
use sango_service::ServiceError;

/// Converts a service error for a client. Internal errors were logged where they arose.
pub fn to_gql(e: ServiceError) -> Error {
    let mut err = Error::new(e.message.clone());
    err = err.extend_with(|_, ext| {
        ext.set("code", e.code.as_str());
        if let Some(f) = &e.field {
            ext.set("field", f.as_str());
        }
        if let Some(s) = e.retry_after {
            ext.set("retryAfter", s);
        }
        if !e.problems.is_empty() {
            let problems: Vec<Value> = e
                .problems
                .iter()
                .map(|p| {
                    let mut m = async_graphql::indexmap::IndexMap::new();
                    m.insert(async_graphql::Name::new("row"), p.row.map_or(Value::Null, |r| Value::from(r as i64)));
                    m.insert(async_graphql::Name::new("column"), p.column.clone().map_or(Value::Null, Value::from));
                    m.insert(async_graphql::Name::new("message"), Value::from(p.message.clone()));
                    Value::Object(m)
                })
                .collect();
            ext.set("problems", Value::List(problems));
        }
    });
    err
}

/// A BAD_USER_INPUT error for an argument.
pub fn bad_input(field: &str, message: impl Into<String>) -> Error {
    to_gql(ServiceError::bad_input(field, message))
}

/// Extension for `ServiceResult` in resolvers: `hub.call().await.gql()?`.
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, ServiceError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_gql)
    }
}

impl<T> GqlResult<T> for Result<T, sango_domain::DomainError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_gql(e.into()))
    }
}

/// Gives every error of a response a code: the engine's own limits get theirs
/// (`QUERY_TOO_DEEP`, `QUERY_TOO_COMPLEX`, `TOO_MANY_DIRECTIVES`), syntax errors
/// `GRAPHQL_PARSE_FAILED`, other errors raised before any resolver ran (validation)
/// `GRAPHQL_VALIDATION_FAILED`; argument values that failed to parse (a municipal code with a
/// wrong check digit) become `BAD_USER_INPUT`, with the argument as `field` where the message
/// names it.
pub fn with_codes(mut resp: async_graphql::Response) -> async_graphql::Response {
    for e in &mut resp.errors {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_some() {
            continue;
        }
        let code = crate::guard::code_of_engine_error(&e.message, !e.path.is_empty());
        ext.set("code", code);
        if let Some(arg) = e.message.split("argument \"").nth(1).and_then(|rest| rest.split('"').next()) {
            ext.set("field", arg);
        }
    }
    resp
}
