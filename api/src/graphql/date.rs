//! The `Date` scalar: a calendar day of the site (Europe/Warsaw), written `YYYY-MM-DD`.
//!
//! View statistics are kept per calendar day in the site's zone, so a day carries no time
//! and no offset. async-graphql's own `NaiveDate` scalar would do the same under a name
//! that says more about Rust than about the API.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

const DATE_FORMAT: &str = "%Y-%m-%d";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar day in the site's time zone, as `YYYY-MM-DD` (e.g. `2018-02-20`).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, DATE_FORMAT)
                .map(Date)
                .map_err(|_| InputValueError::custom("expected a date as YYYY-MM-DD")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format(DATE_FORMAT).to_string())
    }
}
