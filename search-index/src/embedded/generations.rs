//! The data directory of the embedded index: one sub-directory per index generation and a
//! `CURRENT` file naming the live one. A rebuild fills the next generation beside the live
//! one and then replaces `CURRENT` by a rename, which is atomic: after a crash the data
//! directory holds either the old index or the new one, never half of each.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const CURRENT: &str = "CURRENT";
const PREFIX: &str = "index-";

/// The generation `CURRENT` names, if that directory exists.
pub(crate) fn current(data_dir: &Path) -> io::Result<Option<PathBuf>> {
    let name = match fs::read_to_string(data_dir.join(CURRENT)) {
        Ok(name) => name.trim().to_owned(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let path = data_dir.join(name);
    Ok(path.is_dir().then_some(path))
}

/// Creates the directory of a new generation, numbered after every existing one.
pub(crate) fn create_next(data_dir: &Path) -> io::Result<PathBuf> {
    let mut highest = 0u64;
    for entry in fs::read_dir(data_dir)? {
        let name = entry?.file_name();
        if let Some(number) = name
            .to_str()
            .and_then(|name| name.strip_prefix(PREFIX))
            .and_then(|number| number.parse::<u64>().ok())
        {
            highest = highest.max(number);
        }
    }
    let path = data_dir.join(format!("{PREFIX}{:06}", highest + 1));
    fs::create_dir(&path)?;
    Ok(path)
}

/// Makes `generation` the live one: written to a temporary file, flushed, then renamed
/// over `CURRENT`.
pub(crate) fn publish(data_dir: &Path, generation: &Path) -> io::Result<()> {
    let name = generation
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| io::Error::other("index generation without a name"))?;
    let temporary = data_dir.join(format!("{CURRENT}.tmp"));
    let mut file = fs::File::create(&temporary)?;
    file.write_all(name.as_bytes())?;
    file.sync_all()?;
    fs::rename(&temporary, data_dir.join(CURRENT))?;
    // The rename itself is durable only once the directory is flushed.
    fs::File::open(data_dir)?.sync_all()
}

/// Removes every generation but `keep`: those a finished rebuild replaced, and those an
/// interrupted one left behind.
pub(crate) fn remove_all_but(data_dir: &Path, keep: &Path) {
    let Ok(entries) = fs::read_dir(data_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_generation = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(PREFIX));
        if is_generation && path != keep {
            remove(&path);
        }
    }
}

pub(crate) fn remove(generation: &Path) {
    if let Err(error) = fs::remove_dir_all(generation) {
        tracing::warn!(%error, path = %generation.display(), "could not remove an old search index");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishing_a_new_generation_replaces_current_and_old_ones_can_go() -> io::Result<()> {
        let data_dir = tempfile::tempdir()?;
        assert_eq!(current(data_dir.path())?, None);
        let first = create_next(data_dir.path())?;
        publish(data_dir.path(), &first)?;
        let second = create_next(data_dir.path())?;
        assert_ne!(first, second);
        assert_eq!(current(data_dir.path())?, Some(first.clone()));
        publish(data_dir.path(), &second)?;
        remove_all_but(data_dir.path(), &second);
        assert_eq!(current(data_dir.path())?, Some(second));
        assert!(!first.exists());
        Ok(())
    }
}
