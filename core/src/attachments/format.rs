//! The accepted attachment formats, as stored, shown and served.

/// A format an attachment may have. Stored in the database by [`key`](Self::key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttachmentFormat {
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

impl AttachmentFormat {
    pub const ALL: [Self; 11] = [
        Self::Pdf,
        Self::Docx,
        Self::Xlsx,
        Self::Pptx,
        Self::Odt,
        Self::Ods,
        Self::Odp,
        Self::Rtf,
        Self::Txt,
        Self::Csv,
        Self::Zip,
    ];

    /// The lowercase key stored in the database, which is also the usual extension.
    pub fn key(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Pptx => "pptx",
            Self::Odt => "odt",
            Self::Ods => "ods",
            Self::Odp => "odp",
            Self::Rtf => "rtf",
            Self::Txt => "txt",
            Self::Csv => "csv",
            Self::Zip => "zip",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.key() == key)
    }

    /// The short name readers see beside a link: "PDF", "DOCX", …
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Docx => "DOCX",
            Self::Xlsx => "XLSX",
            Self::Pptx => "PPTX",
            Self::Odt => "ODT",
            Self::Ods => "ODS",
            Self::Odp => "ODP",
            Self::Rtf => "RTF",
            Self::Txt => "TXT",
            Self::Csv => "CSV",
            Self::Zip => "ZIP",
        }
    }

    /// The `Content-Type` the file is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Self::Odp => "application/vnd.oasis.opendocument.presentation",
            Self::Rtf => "application/rtf",
            Self::Txt => "text/plain; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Zip => "application/zip",
        }
    }

    /// Office Open XML and OpenDocument files: ZIP containers with metadata parts.
    pub fn is_office(self) -> bool {
        matches!(
            self,
            Self::Docx | Self::Xlsx | Self::Pptx | Self::Odt | Self::Ods | Self::Odp
        )
    }

    /// Whether a browser may show the file itself rather than save it: a PDF in its
    /// viewer, plain text as text. Everything else is a download.
    pub fn opens_in_browser(self) -> bool {
        matches!(self, Self::Pdf | Self::Txt)
    }
}

/// A file size as Polish readers write it beside a link: `800 B`, `245 kB`, `1,2 MB`
/// (binary units, one decimal place for megabytes, a decimal comma).
pub fn polish_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let size = bytes as f64;
    let kilobytes = (size / KIB).round() as u64;
    if size < KIB {
        format!("{bytes} B")
    } else if kilobytes < 1024 {
        format!("{kilobytes} kB")
    } else {
        let megabytes = (size / (KIB * KIB) * 10.0).round() / 10.0;
        format!("{megabytes} MB").replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::polish_size;

    #[test]
    fn sizes_read_as_polish_readers_write_them() {
        assert_eq!(polish_size(800), "800 B");
        assert_eq!(polish_size(250_880), "245 kB");
        assert_eq!(polish_size(1_258_291), "1,2 MB");
        assert_eq!(polish_size(2 * 1024 * 1024), "2 MB");
        assert_eq!(polish_size(1024 * 1024 - 1), "1 MB");
    }
}
