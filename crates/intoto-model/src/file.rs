//! [`read_metadata_file`] (and [`read_file_within`] for a smaller limit): the one place the
//! metadata crates read a file (feature `fs`), so that every reader of layouts, links,
//! attestations and keys gets the same defences.
//!
//! The rest of this crate does no I/O. Reading is here, next to [`MAX_DOCUMENT_BYTES`],
//! because the verifier, the attestation reader and the CLI each need it and it is easy to
//! get subtly wrong: the file may be a fifo an attacker put in the link directory (opening
//! or reading it would block forever), a device, or grow while it is read.

use std::{
    fs,
    io::{self, Read},
    path::{Path, PathBuf},
};

use crate::json::MAX_DOCUMENT_BYTES;

/// Why a metadata file could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Opening, inspecting or reading the file failed.
    #[error("cannot read '{path}': {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The file is larger than [`MAX_DOCUMENT_BYTES`] (or grew past it while being read).
    #[error("'{path}' is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (for a file that grew, the bytes read: one more than the limit).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The path (after symbolic links) is a directory, fifo, socket or device, not a file.
    #[error("'{path}' is a {kind}, not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead: `directory`, `fifo`, `socket`, `character device`, ...
        kind: &'static str,
    },
}

impl FileError {
    /// Whether the file does not exist (callers for which a missing file is normal).
    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

/// Reads the whole file at `path`, which must be a regular file (symbolic links are followed)
/// of at most [`MAX_DOCUMENT_BYTES`]: [`read_file_within`] with the metadata size limit.
pub fn read_metadata_file(path: &Path) -> Result<Vec<u8>, FileError> {
    read_file_within(path, MAX_DOCUMENT_BYTES)
}

/// Reads the whole file at `path`, which must be a regular file (symbolic links are followed)
/// of at most `limit` bytes; no more than `limit + 1` bytes are ever read. On Unix the file
/// is opened with `O_NONBLOCK`, so a fifo in its place is refused instead of blocking the
/// reader; the type is checked on the opened descriptor, so swapping the file between a
/// check and the open changes nothing.
pub fn read_file_within(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let io = |source| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = open_nonblocking(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotAFile {
            path: path.to_path_buf(),
            kind: file_kind(&meta.file_type()),
        });
    }
    let too_large = |size| FileError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<fs::File> {
    fs::File::open(path)
}

/// A human name for a file type that is not a regular file (`fifo`, `socket`, `character
/// device`, `block device`, `directory`), in errors that refuse it.
pub fn file_kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "fifo";
        }
        if file_type.is_socket() {
            return "socket";
        }
        if file_type.is_char_device() {
            return "character device";
        }
        if file_type.is_block_device() {
            return "block device";
        }
    }
    if file_type.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.link");
        fs::write(&path, b"{}").unwrap();
        assert_eq!(read_metadata_file(&path).unwrap(), b"{}");
    }

    #[test]
    fn a_file_over_the_given_limit_is_refused_naming_both() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pub");
        fs::write(&path, [b'x'; 11]).unwrap();
        assert_eq!(read_file_within(&path, 11).unwrap().len(), 11);
        match read_file_within(&path, 10) {
            Err(FileError::TooLarge { size, limit, .. }) => assert_eq!((size, limit), (11, 10)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_file_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_metadata_file(&dir.path().join("none")).unwrap_err();
        assert!(err.is_not_found(), "{err}");
        assert!(err.to_string().contains("none"), "{err}");
    }

    #[test]
    fn a_directory_is_refused_by_kind() {
        let dir = tempfile::tempdir().unwrap();
        match read_metadata_file(dir.path()) {
            Err(FileError::NotAFile { kind, path }) => {
                assert_eq!((kind, path.as_path()), ("directory", dir.path()));
            }
            other => panic!("{other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("build.12345678.link");
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        // No writer ever opens it: a blocking open or read would hang this test.
        match read_metadata_file(&path) {
            Err(FileError::NotAFile { kind, .. }) => assert_eq!(kind, "fifo"),
            other => panic!("{other:?}"),
        }
        // The same through a symbolic link.
        let link = dir.path().join("alias.link");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(matches!(
            read_metadata_file(&link),
            Err(FileError::NotAFile { kind: "fifo", .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_character_device_is_refused() {
        assert!(matches!(
            read_metadata_file(Path::new("/dev/zero")),
            Err(FileError::NotAFile {
                kind: "character device",
                ..
            })
        ));
    }
}
