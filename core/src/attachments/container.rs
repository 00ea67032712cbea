//! ZIP containers read within limits. Every entry is inflated once, when the container
//! is opened, through a counter that stops at the limits: the sizes a ZIP declares are
//! the attacker's words and are never trusted. Entries are then served from memory
//! only if they are small parts a reader needs (`read`).

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::{AttachmentError, Limits};

/// Entries below this size are not judged by their compression ratio: XML parts of a
/// few kilobytes routinely compress a hundredfold.
const RATIO_FLOOR: u64 = 1024 * 1024;

/// A ZIP whose every entry inflated within the limits.
pub(super) struct Container<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    names: Vec<String>,
    /// Whether an entry is itself a ZIP archive (by its bytes, not its name).
    holds_archive: bool,
    limits: Limits,
}

impl<'a> Container<'a> {
    pub(super) fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self, AttachmentError> {
        let mut archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|_| AttachmentError::unreadable("the ZIP container is damaged"))?;
        if archive.len() > limits.max_entries {
            return Err(AttachmentError::too_large(format!(
                "the archive holds {} entries; at most {} are accepted",
                archive.len(),
                limits.max_entries
            )));
        }
        let mut names = Vec::with_capacity(archive.len());
        let mut unpacked_total: u64 = 0;
        let mut holds_archive = false;
        let mut sink = vec![0_u8; 64 * 1024];
        for index in 0..archive.len() {
            let raw = archive
                .by_index_raw(index)
                .map_err(|_| AttachmentError::unreadable("the ZIP container is damaged"))?;
            if raw.encrypted() {
                return Err(AttachmentError::unreadable(
                    "the archive is password-protected; upload it without a password",
                ));
            }
            let name = raw
                .name()
                .map_err(|_| AttachmentError::unreadable("an entry of the ZIP has no valid name"))?
                .into_owned();
            let compressed = raw.compressed_size();
            drop(raw);
            let mut entry = archive
                .by_index(index)
                .map_err(|_| AttachmentError::unreadable("an entry of the ZIP cannot be read"))?;
            let mut unpacked: u64 = 0;
            loop {
                let read = entry.read(&mut sink).map_err(|_| {
                    AttachmentError::unreadable(format!("the entry {name} of the ZIP is damaged"))
                })?;
                if read == 0 {
                    break;
                }
                if unpacked == 0 && sink[..read].starts_with(b"PK\x03\x04") {
                    holds_archive = true;
                }
                unpacked += read as u64;
                unpacked_total += read as u64;
                if unpacked_total > limits.max_unpacked_bytes {
                    return Err(AttachmentError::too_large(format!(
                        "the archive unpacks to more than {} MiB (a zip bomb?)",
                        limits.max_unpacked_bytes / (1024 * 1024)
                    )));
                }
                if unpacked > RATIO_FLOOR && unpacked > compressed.saturating_mul(limits.max_ratio)
                {
                    return Err(AttachmentError::too_large(format!(
                        "the entry {name} unpacks to over {} times its packed size (a zip bomb?)",
                        limits.max_ratio
                    )));
                }
            }
            names.push(name);
        }
        Ok(Self {
            archive,
            names,
            holds_archive,
            limits: limits.clone(),
        })
    }

    /// Entry names in the order they are stored.
    pub(super) fn names(&self) -> &[String] {
        &self.names
    }

    pub(super) fn holds_archive(&self) -> bool {
        self.holds_archive
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.names.iter().any(|candidate| candidate == name)
    }

    /// An entry's bytes; `None` when there is no such entry. Safe to call: `open`
    /// inflated every entry within the limits already.
    pub(super) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, AttachmentError> {
        if !self.has(name) {
            return Ok(None);
        }
        let mut entry = self
            .archive
            .by_name(name)
            .map_err(|_| AttachmentError::unreadable("an entry of the ZIP cannot be read"))?;
        let mut bytes = Vec::new();
        (&mut entry)
            .take(self.limits.max_unpacked_bytes)
            .read_to_end(&mut bytes)
            .map_err(|_| AttachmentError::unreadable(format!("the entry {name} is damaged")))?;
        Ok(Some(bytes))
    }

    /// An entry as UTF-8 text (XML parts).
    pub(super) fn read_text(&mut self, name: &str) -> Result<Option<String>, AttachmentError> {
        Ok(self
            .read(name)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    pub(super) fn into_archive(self) -> ZipArchive<Cursor<&'a [u8]>> {
        self.archive
    }
}
