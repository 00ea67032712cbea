//! `uploadAttachment`, `updateAttachment`, `deleteAttachment`, and the editors' list of
//! attachments (`attachments`, `attachment`).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Upload};
use sea_orm::DatabaseConnection;

use super::article::parse_id;
use super::attachment::Attachment;
use super::connection::{PageInfo, page_size};
use super::error::ApiError;
use super::viewer::require_actor;
use super::{UploadLimits, uploaded_file};
use kronika_core::content::Audience;
use kronika_core::content::attachments::{
    AttachmentCursor, AttachmentPage, AttachmentSummary, attachment_list,
};
use kronika_core::editing::EditError;
use kronika_core::editing::attachments::{
    self, AttachmentServices, AttachmentText, AttachmentUpload,
};
use kronika_core::store::ContentStore;

#[derive(SimpleObject)]
pub struct UploadAttachmentPayload {
    attachment: Attachment,
}

#[derive(SimpleObject)]
pub struct UpdateAttachmentPayload {
    attachment: Attachment,
}

#[derive(SimpleObject)]
pub struct DeleteAttachmentPayload {
    deleted_attachment_id: ID,
}

/// Changes to an attachment; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateAttachmentInput {
    title: Option<String>,
    description: Option<String>,
    language: Option<String>,
    /// Take the author, last editor and similar fields out of the stored file (PDF and
    /// Office documents; not a signed PDF, whose signature would break). The file gets a
    /// new URL.
    #[graphql(default)]
    remove_metadata: bool,
}

#[derive(Default)]
pub struct AttachmentMutations;

#[Object]
impl AttachmentMutations {
    /// Uploads a document (GraphQL multipart request): PDF, DOCX, XLSX, PPTX, ODT, ODS,
    /// ODP, RTF, TXT, CSV or ZIP, judged by its bytes. Anything else is refused with
    /// `UNSUPPORTED_MEDIA_TYPE` naming what was found; damaged or encrypted files with
    /// `BAD_USER_INPUT`; files over the size, page or unpacking limits with
    /// `PAYLOAD_TOO_LARGE`. `title` is the link text readers hear, so it is required.
    /// Any account may upload.
    async fn upload_attachment(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        title: String,
        description: Option<String>,
        language: Option<String>,
        #[graphql(default)] remove_metadata: bool,
    ) -> Result<UploadAttachmentPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let max_bytes = ctx.data_unchecked::<UploadLimits>().attachment_max_bytes;
        let upload = uploaded_file(ctx, &file, max_bytes, "attachment limit")?;
        let store = ctx.data_unchecked::<ContentStore>();
        let services = ctx.data_unchecked::<AttachmentServices>();
        let started = std::time::Instant::now();
        let bytes = upload.content.len() as u64;
        let uploaded = attachments::upload(
            store,
            services,
            actor,
            AttachmentUpload {
                file_name: upload.filename,
                bytes: upload.content,
                text: AttachmentText {
                    title: Some(title),
                    description,
                    language,
                },
                remove_metadata,
            },
        )
        .await;
        let outcome = if uploaded.is_ok() { "ok" } else { "refused" };
        kronika_core::metrics::upload_finished(outcome, bytes, started.elapsed());
        Ok(UploadAttachmentPayload {
            attachment: Attachment(uploaded?.into()),
        })
    }

    /// Changes an attachment's words, or removes its file's metadata. Editors and admins
    /// change any attachment, authors their own uploads.
    async fn update_attachment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateAttachmentInput,
    ) -> Result<UpdateAttachmentPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let services = ctx.data_unchecked::<AttachmentServices>();
        let updated = attachments::update(
            store,
            services,
            actor,
            attachment_id(&id)?,
            AttachmentText {
                title: input.title,
                description: input.description,
                language: input.language,
            },
            input.remove_metadata,
        )
        .await
        .map_err(|error| match error {
            EditError::Invalid { field, message } => {
                ApiError::bad_input(&format!("input.{field}"), message)
            }
            other => other.into(),
        })?;
        Ok(UpdateAttachmentPayload {
            attachment: Attachment(updated.into()),
        })
    }

    /// Deletes an attachment and, when no other attachment has the same bytes, its
    /// file. While any article lists it the answer is `CONFLICT` unless `force` is true;
    /// while a published one does, only editors and admins may force.
    async fn delete_attachment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] force: bool,
    ) -> Result<DeleteAttachmentPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let services = ctx.data_unchecked::<AttachmentServices>();
        attachments::delete(store, &services.media, actor, attachment_id(&id)?, force).await?;
        Ok(DeleteAttachmentPayload {
            deleted_attachment_id: id,
        })
    }
}

#[derive(Default)]
pub struct AttachmentQueries;

#[Object]
impl AttachmentQueries {
    /// Every attachment the account may use, newest first; needs a login. Editors and
    /// admins see all, authors those published articles list and their own uploads.
    async fn attachments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<AttachmentConnection, ApiError> {
        let actor = require_actor(ctx)?;
        let first = page_size(first)?;
        let after = after
            .map(|cursor| AttachmentCursor::decode(&cursor))
            .transpose()
            .map_err(|error| ApiError::bad_input("after", error.to_string()))?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let page = attachment_list(db, Audience::of_actor(actor), first, after.as_ref()).await?;
        Ok(AttachmentConnection {
            page,
            has_previous_page: after.is_some(),
        })
    }
}

/// A page of the editors' list of attachments.
pub struct AttachmentConnection {
    page: AttachmentPage,
    has_previous_page: bool,
}

#[Object]
impl AttachmentConnection {
    async fn edges(&self) -> Vec<AttachmentEdge> {
        self.page
            .attachments
            .iter()
            .map(|row| AttachmentEdge {
                cursor: AttachmentCursor::after(row).encode(),
                node: Attachment(row.clone()),
            })
            .collect()
    }

    async fn nodes(&self) -> Vec<Attachment> {
        self.page
            .attachments
            .iter()
            .cloned()
            .map(Attachment)
            .collect()
    }

    async fn page_info(&self) -> PageInfo {
        let cursor_of = |row: &AttachmentSummary| AttachmentCursor::after(row).encode();
        PageInfo {
            has_next_page: self.page.has_next_page,
            has_previous_page: self.has_previous_page,
            start_cursor: self.page.attachments.first().map(cursor_of),
            end_cursor: self.page.attachments.last().map(cursor_of),
        }
    }

    /// How many attachments the account may see, across all pages.
    async fn total_count(&self) -> u64 {
        self.page.total_count
    }
}

#[derive(SimpleObject)]
pub struct AttachmentEdge {
    /// Pass as `after` to get the attachments that follow this one.
    cursor: String,
    node: Attachment,
}

fn attachment_id(id: &ID) -> Result<i64, ApiError> {
    parse_id(id).ok_or_else(|| ApiError::not_found("attachment not found"))
}
