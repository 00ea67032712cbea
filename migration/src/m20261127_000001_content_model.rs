//! The content model: accounts, sections, tags, articles, galleries, photos and daily views.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Accounts::Id))
                    .col(string_uniq(Accounts::Email))
                    .col(string(Accounts::DisplayName))
                    .col(string(Accounts::Role))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sections::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Sections::Id))
                    .col(string_uniq(Sections::Slug))
                    .col(string(Sections::Name))
                    .col(text_null(Sections::Description))
                    .col(integer(Sections::Position).default(0))
                    .col(timestamp_with_time_zone(Sections::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Tags::Id))
                    .col(string_uniq(Tags::Slug))
                    .col(string(Tags::Name))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Galleries::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Galleries::Id))
                    .col(string_uniq(Galleries::Slug))
                    .col(string(Galleries::Title))
                    .col(text_null(Galleries::Description))
                    .col(timestamp_with_time_zone(Galleries::CreatedAt))
                    .col(timestamp_with_time_zone(Galleries::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Photos::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Photos::Id))
                    .col(text(Photos::Caption))
                    .col(string(Photos::Credit))
                    .col(text(Photos::Alt))
                    .col(integer(Photos::Width))
                    .col(integer(Photos::Height))
                    .col(timestamp_with_time_zone(Photos::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(GalleryPhotos::Table)
                    .if_not_exists()
                    .col(big_integer(GalleryPhotos::GalleryId))
                    .col(big_integer(GalleryPhotos::PhotoId))
                    .col(integer(GalleryPhotos::Position))
                    .primary_key(
                        Index::create()
                            .col(GalleryPhotos::GalleryId)
                            .col(GalleryPhotos::PhotoId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GalleryPhotos::Table, GalleryPhotos::GalleryId)
                            .to(Galleries::Table, Galleries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GalleryPhotos::Table, GalleryPhotos::PhotoId)
                            .to(Photos::Table, Photos::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "gallery_photos_gallery_position",
            GalleryPhotos::Table,
            &[GalleryPhotos::GalleryId, GalleryPhotos::Position],
        )
        .await?;
        create_index(
            manager,
            "gallery_photos_photo",
            GalleryPhotos::Table,
            &[GalleryPhotos::PhotoId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Articles::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Articles::Id))
                    .col(string_uniq(Articles::Slug))
                    .col(big_integer(Articles::SectionId))
                    .col(text(Articles::Title))
                    .col(text(Articles::Lead))
                    .col(text(Articles::BodyHtml))
                    .col(text(Articles::BodyText))
                    .col(text(Articles::HeadingsJson))
                    .col(string(Articles::Byline))
                    .col(big_integer(Articles::CreatedBy))
                    .col(big_integer_null(Articles::UpdatedBy))
                    .col(string(Articles::Status))
                    .col(timestamp_with_time_zone_null(Articles::PublishedAt))
                    .col(timestamp_with_time_zone(Articles::CreatedAt))
                    .col(timestamp_with_time_zone(Articles::UpdatedAt))
                    .col(big_integer_null(Articles::GalleryId))
                    .col(big_integer(Articles::ViewCount).default(0))
                    .col(integer(Articles::Version).default(1))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::SectionId)
                            .to(Sections::Table, Sections::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::CreatedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::UpdatedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::GalleryId)
                            .to(Galleries::Table, Galleries::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The read paths: a section's newest articles, and all newest published articles.
        // `id` closes each index so that keyset pagination on (published_at, id) is covered.
        create_index(
            manager,
            "articles_section_published",
            Articles::Table,
            &[Articles::SectionId, Articles::PublishedAt, Articles::Id],
        )
        .await?;
        create_index(
            manager,
            "articles_status_published",
            Articles::Table,
            &[Articles::Status, Articles::PublishedAt, Articles::Id],
        )
        .await?;
        create_index(
            manager,
            "articles_status_views",
            Articles::Table,
            &[Articles::Status, Articles::ViewCount, Articles::Id],
        )
        .await?;
        create_index(
            manager,
            "articles_gallery",
            Articles::Table,
            &[Articles::GalleryId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleTags::Table)
                    .if_not_exists()
                    .col(big_integer(ArticleTags::ArticleId))
                    .col(big_integer(ArticleTags::TagId))
                    .primary_key(
                        Index::create()
                            .col(ArticleTags::ArticleId)
                            .col(ArticleTags::TagId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleTags::Table, ArticleTags::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleTags::Table, ArticleTags::TagId)
                            .to(Tags::Table, Tags::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "article_tags_tag",
            ArticleTags::Table,
            &[ArticleTags::TagId, ArticleTags::ArticleId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleViewsDaily::Table)
                    .if_not_exists()
                    .col(big_integer(ArticleViewsDaily::ArticleId))
                    .col(date(ArticleViewsDaily::Day))
                    .col(big_integer(ArticleViewsDaily::Views).default(0))
                    .primary_key(
                        Index::create()
                            .col(ArticleViewsDaily::ArticleId)
                            .col(ArticleViewsDaily::Day),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleViewsDaily::Table, ArticleViewsDaily::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Most-read lists sum a window of days across all articles.
        create_index(
            manager,
            "article_views_daily_day",
            ArticleViewsDaily::Table,
            &[ArticleViewsDaily::Day, ArticleViewsDaily::ArticleId],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ArticleViewsDaily::Table.into_iden(),
            ArticleTags::Table.into_iden(),
            Articles::Table.into_iden(),
            GalleryPhotos::Table.into_iden(),
            Photos::Table.into_iden(),
            Galleries::Table.into_iden(),
            Tags::Table.into_iden(),
            Sections::Table.into_iden(),
            Accounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn create_index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: &[C],
) -> Result<(), DbErr>
where
    T: IntoIden + 'static,
    C: IntoIden + Copy + 'static,
{
    let mut index = Index::create();
    index.name(name).table(table).if_not_exists();
    for column in columns {
        index.col(*column);
    }
    manager.create_index(index.to_owned()).await
}

#[derive(DeriveIden, Clone, Copy)]
enum Accounts {
    Table,
    Id,
    Email,
    DisplayName,
    Role,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sections {
    Table,
    Id,
    Slug,
    Name,
    Description,
    Position,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Tags {
    Table,
    Id,
    Slug,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
enum Galleries {
    Table,
    Id,
    Slug,
    Title,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Photos {
    Table,
    Id,
    Caption,
    Credit,
    Alt,
    Width,
    Height,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum GalleryPhotos {
    Table,
    GalleryId,
    PhotoId,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum Articles {
    Table,
    Id,
    Slug,
    SectionId,
    Title,
    Lead,
    BodyHtml,
    BodyText,
    HeadingsJson,
    Byline,
    CreatedBy,
    UpdatedBy,
    Status,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    GalleryId,
    ViewCount,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ArticleTags {
    Table,
    ArticleId,
    TagId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ArticleViewsDaily {
    Table,
    ArticleId,
    Day,
    Views,
}
