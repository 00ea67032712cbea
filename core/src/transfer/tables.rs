//! One table to a JSON Lines file and back, for any entity.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use futures::TryStreamExt;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Iterable, PrimaryKeyToColumn,
    QueryOrder, StreamTrait,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::TransferError;

/// Rows per `INSERT`: the widest table (articles, 19 columns) then binds 9,500 values,
/// well under SQLite's limit of 32,766.
const ROWS_PER_INSERT: usize = 500;

/// The file of table `E` in an export directory.
fn file_of<E: EntityTrait>(dir: &Path) -> std::path::PathBuf {
    dir.join(format!("{}.jsonl", E::default().table_name()))
}

/// Writes every row of `E`, ordered by its primary key, one JSON object per line, and
/// returns the table's name and how many. Rows are streamed, so a table of millions of daily view counts never
/// sits in memory whole.
pub(super) async fn export_table<E, C>(db: &C, dir: &Path) -> Result<(String, u64), TransferError>
where
    E: EntityTrait,
    E::Model: Serialize,
    C: ConnectionTrait + StreamTrait + Send,
{
    let path = file_of::<E>(dir);
    let file = File::create(&path).map_err(TransferError::io(&path))?;
    let mut out = BufWriter::new(file);
    let mut select = E::find();
    for key in E::PrimaryKey::iter() {
        select = select.order_by_asc(key.into_column());
    }
    let mut rows = select.stream(db).await?;
    let mut count = 0;
    while let Some(row) = rows.try_next().await? {
        serde_json::to_writer(&mut out, &row)
            .map_err(|error| TransferError::io(&path)(error.into()))?;
        out.write_all(b"\n").map_err(TransferError::io(&path))?;
        count += 1;
    }
    let file = out
        .into_inner()
        .map_err(|error| TransferError::io(&path)(error.into_error()))?;
    file.sync_all().map_err(TransferError::io(&path))?;
    Ok((E::default().table_name().to_owned(), count))
}

/// Inserts every row of `E`'s file with the ids it carries, and returns the table's name
/// and how many.
pub(super) async fn import_table<E, C>(db: &C, dir: &Path) -> Result<(String, u64), TransferError>
where
    E: EntityTrait,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    let path = file_of::<E>(dir);
    let file = File::open(&path).map_err(TransferError::io(&path))?;
    let mut batch: Vec<E::ActiveModel> = Vec::with_capacity(ROWS_PER_INSERT);
    let mut count = 0;
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(TransferError::io(&path))?;
        if line.trim().is_empty() {
            continue;
        }
        let row: E::Model = serde_json::from_str(&line).map_err(|error| TransferError::BadRow {
            path: path.clone(),
            line: index as u64 + 1,
            message: error.to_string(),
        })?;
        batch.push(row.into_active_model());
        count += 1;
        if batch.len() == ROWS_PER_INSERT {
            E::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(db)
                .await?;
        }
    }
    E::insert_many(batch).exec_without_returning(db).await?;
    Ok((E::default().table_name().to_owned(), count))
}

/// How many rows `E` holds.
pub(super) async fn count<E>(db: &impl ConnectionTrait) -> Result<u64, TransferError>
where
    E: EntityTrait,
    E::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    Ok(E::find().count(db).await?)
}
