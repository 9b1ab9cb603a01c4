//! [`HashError`]: everything that stops a recording, each naming the path or pattern at fault.

use std::{io, path::PathBuf};

/// Why artifacts could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// An exclude pattern the reference (pathspec) also rejects, e.g. `!` alone or a trailing `\`.
    #[error("invalid exclude pattern {pattern:?}: {reason}")]
    InvalidPattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two left-strip prefixes where one is a prefix of the other (the reference refuses them).
    #[error("left-strip prefixes {first:?} and {second:?} overlap: one is a prefix of the other")]
    OverlappingPrefixes {
        /// The earlier prefix.
        first: String,
        /// The later prefix.
        second: String,
    },
    /// Two different files are recorded under the same name after left-stripping.
    #[error(
        "left-stripping makes '{first}' and '{second}' both '{name}': artifact names must be unique"
    )]
    StripCollision {
        /// The name both would get.
        name: String,
        /// One file.
        first: String,
        /// The other file.
        second: String,
    },
    /// Left-stripping leaves nothing of the name.
    #[error("left-stripping {prefix:?} leaves nothing of the artifact name '{path}'")]
    EmptyAfterStrip {
        /// The artifact path before stripping.
        path: String,
        /// The prefix that was stripped.
        prefix: String,
    },
    /// A `dir:` URI whose path is not a directory.
    #[error("'{uri}': not a directory")]
    NotADirectory {
        /// The URI as given.
        uri: String,
    },
    /// An OSTree branch whose ref file does not hold a commit checksum.
    #[error("'{uri}': refs/heads holds {content:?}, not a 64-digit hex commit checksum")]
    InvalidOstreeRef {
        /// The URI as given.
        uri: String,
        /// The ref file's content (trimmed, at most 80 characters).
        content: String,
    },
    /// The base path is not a usable directory.
    #[error("base path '{}'", path.display())]
    BasePath {
        /// The base path.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// A file or directory name that is not valid UTF-8 (links hold UTF-8 names only).
    #[error(
        "'{path}': the file name is not valid UTF-8 and cannot be recorded in a link (exclude it to go on)"
    )]
    NonUtf8Name {
        /// The path, with invalid bytes replaced by U+FFFD.
        path: String,
    },
    /// A fifo, socket or device: reading it could block or never end.
    #[error("'{path}' is a {kind}, not a regular file: it cannot be hashed (exclude it to go on)")]
    SpecialFile {
        /// The artifact path.
        path: String,
        /// `fifo`, `socket`, `block device`, `character device`.
        kind: &'static str,
    },
    /// A followed directory symlink leads back to one of its own ancestors.
    #[error(
        "symlink loop: '{path}' leads back to its ancestor directory '{ancestor}' (exclude it, or pass --no-follow-symlink-dirs)"
    )]
    SymlinkLoop {
        /// The symlink's artifact path.
        path: String,
        /// The ancestor it resolves to.
        ancestor: String,
    },
    /// A directory that cannot be listed.
    #[error("cannot list directory '{path}'")]
    ReadDir {
        /// The artifact path of the directory.
        path: String,
        /// What the OS said.
        source: io::Error,
    },
    /// A file or directory whose type cannot be determined.
    #[error("cannot stat '{path}'")]
    Stat {
        /// The artifact path.
        path: String,
        /// What the OS said.
        source: io::Error,
    },
    /// A file that cannot be opened or read.
    #[error("cannot read '{path}'")]
    Read {
        /// The artifact path.
        path: String,
        /// What the OS said.
        source: io::Error,
    },
    /// A recorded name that the model refuses (cannot happen for names read from disk).
    #[error("'{path}' is not a valid artifact name: {reason}")]
    InvalidName {
        /// The name.
        path: String,
        /// Why.
        reason: String,
    },
}
