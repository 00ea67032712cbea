//! Schema changes for Kronika, runnable on SQLite and PostgreSQL alike.
//!
//! A migration, once written, describes the schema of its day: it never imports the
//! `entities` crate, so that changing an entity can never silently change history. New
//! changes get a new file; old files are not edited after they have landed.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_content_model;
mod m20261127_000002_editors;
mod m20261127_000003_photo_files;
mod m20261127_000004_search_outbox;
mod m20261202_000005_browser_sessions;
mod m20261202_000006_photo_library;
mod m20261202_000007_article_title_terms;
mod m20261203_000008_editor_list_indexes;
mod m20261203_000009_imported_articles;
mod m20261205_000010_attachments;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_content_model::Migration),
            Box::new(m20261127_000002_editors::Migration),
            Box::new(m20261127_000003_photo_files::Migration),
            Box::new(m20261127_000004_search_outbox::Migration),
            Box::new(m20261202_000005_browser_sessions::Migration),
            Box::new(m20261202_000006_photo_library::Migration),
            Box::new(m20261202_000007_article_title_terms::Migration),
            Box::new(m20261203_000008_editor_list_indexes::Migration),
            Box::new(m20261203_000009_imported_articles::Migration),
            Box::new(m20261205_000010_attachments::Migration),
        ]
    }
}
