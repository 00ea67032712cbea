//! Browser sessions of the editors' application are access tokens of their own kind
//! (`BROWSER`), kept in the cookie instead of an `Authorization` header. They expire
//! after a time without use as well as at a fixed end, so a token row remembers when it
//! was last used.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AccessTokens::Table)
                    .add_column(timestamp_with_time_zone_null(AccessTokens::LastUsedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AccessTokens::Table)
                    .drop_column(AccessTokens::LastUsedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AccessTokens {
    Table,
    LastUsedAt,
}
