//! Gives every error that async-graphql raises by itself a code from our closed set, so
//! that clients can always branch on `extensions.code`.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

use super::error::ErrorCode;

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // The HTTP layer parses every document itself (`query_budget`) and hands it on
        // parsed, so what fails here is async-graphql's own check of the parsed document,
        // which the budget keeps within bounds, or a caller that did not go through it.
        next.run(ctx, query, variables)
            .await
            .map_err(|error| with_code(error, ErrorCode::GraphqlParseFailed))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| {
                    let code = validation_code(&error);
                    with_code(error, code)
                })
                .collect()
        })
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        // Our resolvers always set a code (see `ApiError`). An execution error without one
        // comes from async-graphql coercing an input value, which the client can fix.
        response.errors = response
            .errors
            .into_iter()
            .map(|error| with_code(error, ErrorCode::BadUserInput))
            .collect();
        response
    }
}

/// A variable or argument of the wrong type is bad input; anything else the validator
/// finds (unknown fields, types, fragments) means the query does not fit the schema.
///
/// This is the one place where a message is read. async-graphql's validation reports
/// through `RuleError`, which is private to it and carries only a text and positions:
/// which rule found the error is not exposed, and the positions cannot tell a wrong value
/// from an unknown argument (both point at the argument's name). Everything else is told
/// apart by where it happens: the phase (parse, validation, execution) is the extension
/// hook that sees the error, and the limits on depth and cost are ours, checked before
/// async-graphql sees the document (`query_budget`).
fn validation_code(error: &ServerError) -> ErrorCode {
    let message = error.message.as_str();
    if message.starts_with("Invalid value for argument")
        || message.starts_with("Invalid default value")
        || message.starts_with("Variable")
        || message.contains("Invalid value")
    {
        ErrorCode::BadUserInput
    } else {
        ErrorCode::GraphqlValidationFailed
    }
}

/// Sets `code` unless the error already carries one.
fn with_code(mut error: ServerError, code: ErrorCode) -> ServerError {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some());
    if !has_code {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
    }
    error
}
