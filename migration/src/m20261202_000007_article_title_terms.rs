//! The words of article titles, for the editors' finder: one row per term (a title word
//! folded to ASCII, or one of its lemmas folded) and article. Looking a word up is a range
//! of the `(term, article_id)` index, so finding drafts by title stays fast however many
//! articles there are, without the search engine (which holds published articles only).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut term = text(ArticleTitleTerms::Term);
        // A prefix is looked up as the range `term >= w AND term < w || U+10FFFF`, which is
        // only the set of words starting with `w` under byte order. SQLite compares text
        // bytewise already; PostgreSQL needs the "C" collation, or the database's locale
        // would decide the order (and the index could not serve the range).
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            term.extra("COLLATE \"C\"");
        }
        manager
            .create_table(
                Table::create()
                    .table(ArticleTitleTerms::Table)
                    .if_not_exists()
                    .col(big_integer(ArticleTitleTerms::ArticleId))
                    .col(term)
                    .primary_key(
                        Index::create()
                            .col(ArticleTitleTerms::ArticleId)
                            .col(ArticleTitleTerms::Term),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleTitleTerms::Table, ArticleTitleTerms::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The finder's lookup: the articles of one term, or of a range of terms.
        manager
            .create_index(
                Index::create()
                    .name("article_title_terms_term")
                    .table(ArticleTitleTerms::Table)
                    .col(ArticleTitleTerms::Term)
                    .col(ArticleTitleTerms::ArticleId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(ArticleTitleTerms::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ArticleTitleTerms {
    Table,
    ArticleId,
    Term,
}

#[derive(DeriveIden, Clone, Copy)]
enum Articles {
    Table,
    Id,
}
