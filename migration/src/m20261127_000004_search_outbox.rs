//! The search outbox: one row per content change the search index has not received yet.
//! Rows are written in the same transaction as the change, so a change committed is a
//! change the index will hear of, even if the engine is down or the server restarts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SearchOutbox::Table)
                    .if_not_exists()
                    .col(big_pk_auto(SearchOutbox::Id))
                    // No foreign key: a delete must reach the index even if the article
                    // row is gone by the time the worker runs.
                    .col(big_integer(SearchOutbox::ArticleId))
                    .col(string(SearchOutbox::Operation))
                    .col(timestamp_with_time_zone(SearchOutbox::EnqueuedAt))
                    .col(integer(SearchOutbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(SearchOutbox::NextAttemptAt))
                    .col(text_null(SearchOutbox::LastError))
                    .to_owned(),
            )
            .await?;
        // The worker asks for the rows that are due, oldest first.
        manager
            .create_index(
                Index::create()
                    .name("search_outbox_due")
                    .table(SearchOutbox::Table)
                    .col(SearchOutbox::NextAttemptAt)
                    .col(SearchOutbox::Id)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(SearchOutbox::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum SearchOutbox {
    Table,
    Id,
    ArticleId,
    Operation,
    EnqueuedAt,
    Attempts,
    NextAttemptAt,
    LastError,
}
