//! The `Attachment` type: what a frontend needs to write "Regulamin naboru (PDF, 245 kB,
//! 12 stron)" as a link, and what editors need to know before publishing the file.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};

use super::photo::MediaUrl;
use super::viewer::viewer;
use kronika_core::attachments::{self, MetadataField};
use kronika_core::content::attachments::AttachmentSummary;
use kronika_core::editing::attachments::{TEXT_EXTRACTED, url_file_name};

/// The type of an attachment, as detected from its bytes.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AttachmentFormat")]
pub enum AttachmentFormatValue {
    Pdf,
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
    Odp,
    Rtf,
    Txt,
    Csv,
    Zip,
}

impl From<attachments::AttachmentFormat> for AttachmentFormatValue {
    fn from(format: attachments::AttachmentFormat) -> Self {
        use attachments::AttachmentFormat;
        match format {
            AttachmentFormat::Pdf => Self::Pdf,
            AttachmentFormat::Docx => Self::Docx,
            AttachmentFormat::Xlsx => Self::Xlsx,
            AttachmentFormat::Pptx => Self::Pptx,
            AttachmentFormat::Odt => Self::Odt,
            AttachmentFormat::Ods => Self::Ods,
            AttachmentFormat::Odp => Self::Odp,
            AttachmentFormat::Rtf => Self::Rtf,
            AttachmentFormat::Txt => Self::Txt,
            AttachmentFormat::Csv => Self::Csv,
            AttachmentFormat::Zip => Self::Zip,
        }
    }
}

/// Whether an attachment's text was read for search.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentTextStatus {
    /// Its text is searchable with the articles that list it.
    Extracted,
    /// It has no searchable text; `textProblem` says why.
    None,
}

/// One field of a document's own metadata (its author, last editor, template path …),
/// as it would be published with the file.
#[derive(SimpleObject)]
pub struct DocumentMetadataField {
    /// The field as the format names it: `Author`, `dc:creator`, `cp:lastModifiedBy`.
    name: String,
    value: String,
}

pub struct Attachment(pub AttachmentSummary);

impl Attachment {
    fn detected_format(&self) -> Option<attachments::AttachmentFormat> {
        attachments::AttachmentFormat::from_key(&self.0.format)
    }
}

/// A document published with articles.
#[Object]
impl Attachment {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What the document is ("Regulamin naboru"): the link text.
    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The document's language (`pl`, `en`, …), for the link's `hreflang`.
    async fn language(&self) -> &str {
        &self.0.language
    }

    /// The name the file had when it was uploaded; downloads are saved under it.
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// Content-addressed: the file behind it never changes, so it is cached for a year
    /// once a published article lists it. Before that it answers only editors.
    async fn url(&self, ctx: &Context<'_>) -> String {
        let prefix = &ctx.data_unchecked::<MediaUrl>().0;
        format!(
            "{prefix}/attachments/{}/{}",
            self.0.content_hash,
            url_file_name(&self.0.file_name, &self.0.format)
        )
    }

    /// The type, detected from the file's bytes; its name is the short label readers
    /// see ("PDF").
    async fn format(&self) -> Option<AttachmentFormatValue> {
        self.detected_format().map(Into::into)
    }

    /// The `Content-Type` the file is served with.
    async fn media_type(&self) -> Option<&'static str> {
        self.detected_format()
            .map(attachments::AttachmentFormat::media_type)
    }

    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }

    /// The size as Polish readers write it: "245 kB", "1,2 MB".
    async fn size(&self) -> String {
        attachments::polish_size(u64::try_from(self.0.size_bytes).unwrap_or(0))
    }

    /// Pages, for PDF; null for other types.
    async fn pages(&self) -> Option<i32> {
        self.0.pages
    }

    /// What the file says about who made it, as it is published. For editors only:
    /// null for readers.
    async fn metadata(&self, ctx: &Context<'_>) -> Option<Vec<DocumentMetadataField>> {
        viewer(ctx).actor()?;
        let fields: Vec<MetadataField> =
            serde_json::from_str(&self.0.metadata_json).unwrap_or_default();
        Some(
            fields
                .into_iter()
                .map(|field| DocumentMetadataField {
                    name: field.name,
                    value: field.value,
                })
                .collect(),
        )
    }

    /// Whether personal metadata was taken out of the stored file. Editors only.
    async fn metadata_removed(&self, ctx: &Context<'_>) -> Option<bool> {
        viewer(ctx).actor()?;
        Some(self.0.metadata_removed)
    }

    /// Whether the text was read for search. Editors only.
    async fn text_status(&self, ctx: &Context<'_>) -> Option<AttachmentTextStatus> {
        viewer(ctx).actor()?;
        Some(if self.0.text_status == TEXT_EXTRACTED {
            AttachmentTextStatus::Extracted
        } else {
            AttachmentTextStatus::None
        })
    }

    /// Why the file has no searchable text. Editors only.
    async fn text_problem(&self, ctx: &Context<'_>) -> Option<&str> {
        viewer(ctx).actor()?;
        self.0.text_problem.as_deref()
    }
}
