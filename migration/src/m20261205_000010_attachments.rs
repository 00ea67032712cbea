//! Attachments ("załączniki"): documents published with articles. An attachment is a file
//! (stored under the SHA-256 of its bytes, like a photo's original) with the title a
//! screen reader reads as the link text, what the reader learned from the bytes (format,
//! page count, the document's metadata) and the text extracted for search, or why there
//! is none. An article has an ordered list of attachments; one attachment may serve
//! several articles.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Attachments::Id))
                    .col(text(Attachments::Title))
                    .col(text(Attachments::Description))
                    .col(string(Attachments::Language))
                    .col(text(Attachments::FileName))
                    // `pdf`, `docx`, … as detected from the bytes.
                    .col(string(Attachments::Format))
                    .col(big_integer(Attachments::SizeBytes))
                    .col(integer_null(Attachments::Pages))
                    .col(string(Attachments::ContentHash))
                    .col(text(Attachments::Text))
                    // `extracted` or `none`; with `none`, `text_problem` says why.
                    .col(string(Attachments::TextStatus))
                    .col(text_null(Attachments::TextProblem))
                    // The document's own metadata as `[{"name":…,"value":…}]`.
                    .col(text(Attachments::MetadataJson))
                    .col(boolean(Attachments::MetadataRemoved))
                    .col(big_integer_null(Attachments::UploadedBy))
                    .col(timestamp_with_time_zone(Attachments::CreatedAt))
                    .col(timestamp_with_time_zone(Attachments::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("attachments_content_hash")
                    .table(Attachments::Table)
                    .col(Attachments::ContentHash)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("attachments_created_at_id")
                    .table(Attachments::Table)
                    .col(Attachments::CreatedAt)
                    .col(Attachments::Id)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ArticleAttachments::Table)
                    .if_not_exists()
                    .col(big_integer(ArticleAttachments::ArticleId))
                    .col(big_integer(ArticleAttachments::AttachmentId))
                    .col(integer(ArticleAttachments::Position))
                    .primary_key(
                        Index::create()
                            .col(ArticleAttachments::ArticleId)
                            .col(ArticleAttachments::AttachmentId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleAttachments::Table, ArticleAttachments::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleAttachments::Table, ArticleAttachments::AttachmentId)
                            .to(Attachments::Table, Attachments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // "Which articles use this attachment", for the delete rule and for serving.
        manager
            .create_index(
                Index::create()
                    .name("article_attachments_attachment")
                    .table(ArticleAttachments::Table)
                    .col(ArticleAttachments::AttachmentId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ArticleAttachments::Table.into_iden(),
            Attachments::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Attachments {
    Table,
    Id,
    Title,
    Description,
    Language,
    FileName,
    Format,
    SizeBytes,
    Pages,
    ContentHash,
    Text,
    TextStatus,
    TextProblem,
    MetadataJson,
    MetadataRemoved,
    UploadedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ArticleAttachments {
    Table,
    ArticleId,
    AttachmentId,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum Articles {
    Table,
    Id,
}
