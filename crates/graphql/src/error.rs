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
