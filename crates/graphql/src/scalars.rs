//! Custom scalars: `Yen` (64-bit whole yen; GraphQL Int is 32-bit), `LgCode` (municipal code with
//! its check digit), and `Date` (ISO 8601 calendar date).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// Whole yen as a JSON number (exact up to 2^53 in JavaScript: 9,007 trillion yen).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Yen(pub sango_domain::Yen);

#[Scalar(name = "Yen")]
impl ScalarType for Yen {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::Number(n) => n.as_i64().map(|v| Yen(sango_domain::Yen(v))).ok_or_else(|| InputValueError::custom("Yen must be a whole number")),
            Value::String(s) => sango_domain::Yen::parse(s, "yen").map(Yen).map_err(|e| InputValueError::custom(e.message)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.0.into())
    }
}

/// A 6-digit municipal code; 5-digit input gets its check digit added, a wrong one is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LgCode(pub sango_domain::LgCode);

#[Scalar(name = "LgCode")]
impl ScalarType for LgCode {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => sango_domain::LgCode::parse(s).map(LgCode).map_err(|e| InputValueError::custom(e.message)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Date).map_err(|_| InputValueError::custom(format!("'{s}' is not a date YYYY-MM-DD"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}
