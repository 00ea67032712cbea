//! Photos become files: the content hash of the uploaded original, what the upload
//! pipeline learned about it (format, size, when it was taken, placeholder, dominant
//! colour, the widths of its renditions), who uploaded it and when it last changed.
//! Galleries get a cover photo and the account that created them.
//!
//! Every new column may be null, because photos made before this migration (the demo
//! content of an earlier start) have no files; the API shows them without URLs.
//! SQLite cannot add a foreign key to an existing table, so `cover_photo_id` has none:
//! deleting a photo clears the covers that point at it in the same transaction.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let photo_columns = [
            string_null(Photos::ContentHash),
            string_null(Photos::OriginalFormat),
            big_integer_null(Photos::OriginalBytes),
            timestamp_with_time_zone_null(Photos::TakenAt),
            text_null(Photos::Placeholder),
            string_null(Photos::Blurhash),
            string_null(Photos::DominantColor),
            string_null(Photos::RenditionWidths),
            big_integer_null(Photos::UploadedBy),
            timestamp_with_time_zone_null(Photos::UpdatedAt),
        ];
        for mut column in photo_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Photos::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // Finding whether other photos still use a file, and deduplicating uploads.
        manager
            .create_index(
                Index::create()
                    .name("photos_content_hash")
                    .table(Photos::Table)
                    .col(Photos::ContentHash)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        for mut column in [
            big_integer_null(Galleries::CoverPhotoId),
            big_integer_null(Galleries::CreatedBy),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Galleries::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("photos_content_hash")
                    .table(Photos::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Photos::ContentHash,
            Photos::OriginalFormat,
            Photos::OriginalBytes,
            Photos::TakenAt,
            Photos::Placeholder,
            Photos::Blurhash,
            Photos::DominantColor,
            Photos::RenditionWidths,
            Photos::UploadedBy,
            Photos::UpdatedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Photos::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [Galleries::CoverPhotoId, Galleries::CreatedBy] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Galleries::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Photos {
    Table,
    ContentHash,
    OriginalFormat,
    OriginalBytes,
    TakenAt,
    Placeholder,
    Blurhash,
    DominantColor,
    RenditionWidths,
    UploadedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Galleries {
    Table,
    CoverPhotoId,
    CreatedBy,
}
