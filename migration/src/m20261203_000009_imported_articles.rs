//! Where imported articles came from: the id each had in the system it was imported from
//! (so that running an import again updates instead of duplicating), and the addresses
//! it had on the old site (so that a frontend can redirect them to the new one).

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
                    .table(ArticleSources::Table)
                    .if_not_exists()
                    // e.g. `wordpress:https://old.example.pl/?p=12` or `html:/aktualnosci/x.html`.
                    .col(string(ArticleSources::Source).primary_key())
                    .col(big_integer(ArticleSources::ArticleId))
                    .col(timestamp_with_time_zone(ArticleSources::ImportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleSources::Table, ArticleSources::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ArticlePaths::Table)
                    .if_not_exists()
                    // The path on the old site, with its query if it had one: `/?p=12`.
                    .col(string(ArticlePaths::Path).primary_key())
                    .col(big_integer(ArticlePaths::ArticleId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticlePaths::Table, ArticlePaths::ArticleId)
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
            ArticlePaths::Table.into_iden(),
            ArticleSources::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ArticleSources {
    Table,
    Source,
    ArticleId,
    ImportedAt,
}

#[derive(DeriveIden)]
enum ArticlePaths {
    Table,
    Path,
    ArticleId,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
}
