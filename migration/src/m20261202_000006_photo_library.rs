//! The photo library of the editors' application: newest photos first, searchable by
//! caption and credit without regard to case or diacritics ("lodz" finds "Łódź").
//!
//! Neither SQLite nor PostgreSQL (without extensions) folds Polish letters, so the fold
//! is written beside the text: `search_text` holds the caption and the credit as
//! lowercase ASCII words (the same transliteration as slugs), and a search folds its
//! words the same way before a `LIKE`. Existing photos are folded here, with this
//! migration's own copy of the fold, so that the migration never changes with the core.
//! The index on (created_at, id) serves the keyset pages; the one on
//! `gallery_photos.photo_id` answers "which galleries use this photo".

use sea_orm_migration::sea_orm::{ConnectionTrait, FromQueryResult};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(FromQueryResult)]
struct PhotoText {
    id: i64,
    caption: String,
    credit: String,
}

/// The fold of this migration's day: each field slugified, fields separated by a space
/// (which no slug contains, so no search matches across two fields).
fn fold(caption: &str, credit: &str) -> String {
    format!("{} {}", slug::slugify(caption), slug::slugify(credit))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Photos::Table)
                    .add_column(text(Photos::SearchText).default(""))
                    .to_owned(),
            )
            .await?;
        let connection = manager.get_connection();
        let backend = manager.get_database_backend();
        let select = Query::select()
            .columns([Photos::Id, Photos::Caption, Photos::Credit])
            .from(Photos::Table)
            .to_owned();
        let photos = PhotoText::find_by_statement(backend.build(&select))
            .all(connection)
            .await?;
        for photo in photos {
            let update = Query::update()
                .table(Photos::Table)
                .value(Photos::SearchText, fold(&photo.caption, &photo.credit))
                .and_where(Expr::col(Photos::Id).eq(photo.id))
                .to_owned();
            connection.execute(&update).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("photos_created_at_id")
                    .table(Photos::Table)
                    .col(Photos::CreatedAt)
                    .col(Photos::Id)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("gallery_photos_photo")
                    .table(GalleryPhotos::Table)
                    .col(GalleryPhotos::PhotoId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("gallery_photos_photo")
                    .table(GalleryPhotos::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("photos_created_at_id")
                    .table(Photos::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Photos::Table)
                    .drop_column(Photos::SearchText)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Photos {
    Table,
    Id,
    Caption,
    Credit,
    CreatedAt,
    SearchText,
}

#[derive(DeriveIden, Clone, Copy)]
enum GalleryPhotos {
    Table,
    PhotoId,
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn polish_letters_fold_to_ascii_words() {
        assert_eq!(
            fold("Łódź, plac Wolności", "fot. Żaneta"),
            "lodz-plac-wolnosci fot-zaneta"
        );
    }
}
