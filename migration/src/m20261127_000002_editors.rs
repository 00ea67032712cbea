//! The write side: passwords and access tokens for accounts, article revisions for the
//! public change register, and old slugs that keep finding moved articles.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(string_null(Accounts::PasswordHash))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(timestamp_with_time_zone_null(Accounts::DisabledAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccessTokens::Table)
                    .if_not_exists()
                    .col(big_pk_auto(AccessTokens::Id))
                    .col(string_uniq(AccessTokens::TokenHash))
                    .col(big_integer(AccessTokens::AccountId))
                    .col(string(AccessTokens::Kind))
                    .col(string_null(AccessTokens::Name))
                    .col(string_null(AccessTokens::Role))
                    .col(timestamp_with_time_zone(AccessTokens::CreatedAt))
                    .col(timestamp_with_time_zone(AccessTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccessTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccessTokens::Table, AccessTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleRevisions::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ArticleRevisions::Id))
                    .col(big_integer(ArticleRevisions::ArticleId))
                    .col(big_integer_null(ArticleRevisions::AccountId))
                    .col(timestamp_with_time_zone(ArticleRevisions::CreatedAt))
                    .col(string(ArticleRevisions::Kind))
                    .col(text(ArticleRevisions::ChangedFields))
                    .col(text_null(ArticleRevisions::PreviousState))
                    .col(boolean(ArticleRevisions::Public))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleRevisions::Table, ArticleRevisions::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleRevisions::Table, ArticleRevisions::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("article_revisions_article")
                    .table(ArticleRevisions::Table)
                    .col(ArticleRevisions::ArticleId)
                    .col(ArticleRevisions::Id)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleSlugs::Table)
                    .if_not_exists()
                    .col(string(ArticleSlugs::Slug).primary_key())
                    .col(big_integer(ArticleSlugs::ArticleId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleSlugs::Table, ArticleSlugs::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ArticleSlugs::Table.into_iden(),
            ArticleRevisions::Table.into_iden(),
            AccessTokens::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        for column in [Accounts::DisabledAt, Accounts::PasswordHash] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Accounts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Accounts {
    Table,
    Id,
    PasswordHash,
    DisabledAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Articles {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum AccessTokens {
    Table,
    Id,
    TokenHash,
    AccountId,
    Kind,
    Name,
    Role,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ArticleRevisions {
    Table,
    Id,
    ArticleId,
    AccountId,
    CreatedAt,
    Kind,
    ChangedFields,
    PreviousState,
    Public,
}

#[derive(DeriveIden, Clone, Copy)]
enum ArticleSlugs {
    Table,
    Slug,
    ArticleId,
}
