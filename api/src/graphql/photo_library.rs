//! The photo library: `photos(search, first, after)`, a cursor-paginated list of the
//! photos an account may use, newest first, with its total.

use async_graphql::{Context, Object, SimpleObject};
use sea_orm::DatabaseConnection;

use super::connection::{PageInfo, page_size};
use super::error::ApiError;
use super::photo::Photo;
use super::viewer::require_actor;
use kronika_core::content::photo_library::{
    self, PhotoCursor, PhotoLibraryPage, PhotoLibraryQuery,
};

#[derive(Default)]
pub struct PhotoLibraryQueries;

#[Object]
impl PhotoLibraryQueries {
    /// The photo library, newest first; needs a login. `search` matches captions and
    /// credits regardless of case and Polish letters ("lodz" finds "Łódź"). Editors and
    /// admins see every photo; authors the photos published articles show and their own
    /// uploads.
    async fn photos(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PhotoConnection, ApiError> {
        let actor = require_actor(ctx)?;
        let first = page_size(first)?;
        let after = after
            .map(|cursor| PhotoCursor::decode(&cursor))
            .transpose()
            .map_err(|error| ApiError::bad_input("after", error.to_string()))?;
        let has_previous_page = after.is_some();
        let query = PhotoLibraryQuery {
            search,
            first,
            after,
        };
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let page = photo_library::library(db, actor, &query).await?;
        Ok(PhotoConnection {
            page,
            has_previous_page,
        })
    }
}

/// A page of the photo library.
pub struct PhotoConnection {
    page: PhotoLibraryPage,
    has_previous_page: bool,
}

#[Object]
impl PhotoConnection {
    async fn edges(&self) -> Vec<PhotoEdge> {
        self.page
            .photos
            .iter()
            .map(|photo| PhotoEdge {
                cursor: PhotoCursor::after(photo).encode(),
                node: Photo(photo.clone()),
            })
            .collect()
    }

    /// The photos of the page, for clients that need no cursor per item.
    async fn nodes(&self) -> Vec<Photo> {
        self.page.photos.iter().cloned().map(Photo).collect()
    }

    async fn page_info(&self) -> PageInfo {
        let cursor_of = |photo| PhotoCursor::after(photo).encode();
        PageInfo {
            has_next_page: self.page.has_next_page,
            has_previous_page: self.has_previous_page,
            start_cursor: self.page.photos.first().map(cursor_of),
            end_cursor: self.page.photos.last().map(cursor_of),
        }
    }

    /// How many photos match the search, across all pages.
    async fn total_count(&self) -> u64 {
        self.page.total_count
    }
}

#[derive(SimpleObject)]
pub struct PhotoEdge {
    /// Pass as `after` to get the photos that follow this one.
    cursor: String,
    node: Photo,
}
