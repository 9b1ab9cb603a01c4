//! # intoto-hash
//!
//! Records artifacts for in-toto links: walks the given files and directories, applies the
//! reference's gitignore-style excludes and left-strip prefixes, and hashes every file, spread
//! over all cores with rayon. The result is what the Python reference's `in-toto-run` records
//! for the same tree and flags: the same names (relative to the base path, forward slashes, no
//! `./`), the same excludes, the same digests.
//!
//! ```
//! use intoto_hash::{RecordOptions, record};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::create_dir(dir.path().join("src")).unwrap();
//! std::fs::write(dir.path().join("src/main.c"), b"int main;").unwrap();
//! std::fs::write(dir.path().join("step.link"), b"{}").unwrap(); // excluded by default
//! let options = RecordOptions { base_path: Some(dir.path().into()), ..RecordOptions::default() };
//! let recorded = record(&["."], &options, None).unwrap();
//! let names: Vec<&str> = recorded.artifacts.keys().map(|p| p.as_str()).collect();
//! assert_eq!(names, ["src/main.c"]);
//! ```
//!
//! ## Behaviour where the reference is silent or hangs
//!
//! | case | reference | here |
//! |---|---|---|
//! | given path that does not exist | skipped (INFO log) | skipped, listed in [`Recorded::skipped`] |
//! | dangling symlink, or a symlink chain that loops | skipped (INFO log) | skipped, listed in [`Recorded::skipped`] |
//! | symlinked directory leading to its own ancestor | followed until `ELOOP`, inflating the link | [`HashError::SymlinkLoop`] |
//! | fifo, socket, device | silently dropped | [`HashError::SpecialFile`] (never opened, so never a hang) |
//! | directory that cannot be listed | silently dropped | [`HashError::ReadDir`] |
//! | file that cannot be read | error | [`HashError::Read`] |
//! | name that is not UTF-8 | error when signing | [`HashError::NonUtf8Name`], unless excluded |
//! | two files with one name after left-strip | `PrefixError` | [`HashError::StripCollision`] |
//! | the same file given twice, with left-strip | `PrefixError` | recorded once |
//!
//! Every error names the artifact path. Files are read in blocks of up to 1 MiB through one
//! buffer per worker thread; memory grows with the number of files, never with their size.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod digest;
mod error;
mod exclude;
mod opener;
mod paths;
pub mod resolver;
mod walk;

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::atomic::{AtomicU64, Ordering},
};

use intoto_model::{ArtifactPath, Artifacts, DigestSet};
use rayon::prelude::*;

pub use digest::Algorithm;
pub use error::HashError;
pub use exclude::{DEFAULT_EXCLUDES, Excludes};
pub use paths::{Lstrip, normpath};
pub use resolver::{DirResolver, OstreeResolver, Resolver, Resolvers};

/// How to record artifacts.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    /// Directory the given paths are relative to (the reference's `--base-path`); the current
    /// directory when `None`. Not part of the recorded names.
    pub base_path: Option<PathBuf>,
    /// Exclude patterns; default: the reference's [`DEFAULT_EXCLUDES`].
    pub excludes: Excludes,
    /// Left-strip prefixes.
    pub lstrip: Lstrip,
    /// Follow symlinks to directories. Default `true`, as the reference's command line tools
    /// do (its library default is `false`).
    pub follow_symlink_dirs: bool,
    /// Hash with CRLF and CR turned into LF, as the reference's library option.
    pub normalize_line_endings: bool,
    /// Algorithms recorded for every file; default `[Sha256]`.
    pub algorithms: Vec<Algorithm>,
    /// Resolvers for artifact URIs other than plain paths and `file:` (ITE-4); default: the
    /// reference's `dir:` and `ostree:` ([`Resolvers::reference`]).
    pub resolvers: Resolvers,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions {
            base_path: None,
            excludes: Excludes::reference_defaults(),
            lstrip: Lstrip::default(),
            follow_symlink_dirs: true,
            normalize_line_endings: false,
            algorithms: vec![Algorithm::Sha256],
            resolvers: Resolvers::reference(),
        }
    }
}

/// Why a path was left out of the record although it was given or found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A given path that does not exist.
    DoesNotExist,
    /// A symlink whose target does not exist (or a chain of symlinks that loops).
    DanglingSymlink,
    /// A symlink to a directory while `follow_symlink_dirs` is off.
    SymlinkDirNotFollowed,
}

/// A path left out of the record, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The artifact path (before left-strip).
    pub path: String,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// The artifacts recorded, and what was left out.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Artifact name -> digests.
    pub artifacts: Artifacts,
    /// Paths left out (in walk order), for the caller to report.
    pub skipped: Vec<Skipped>,
}

/// Counters a caller can read from another thread to show progress.
#[derive(Debug, Default)]
pub struct Progress {
    files: AtomicU64,
    bytes: AtomicU64,
}

impl Progress {
    /// Files hashed so far.
    pub fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    /// Bytes hashed so far (counted per block read, so it moves within a large file).
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// Records the artifacts under `paths`: files or directories (relative to the base path or
/// absolute; a `file:` prefix is kept in the names as the reference does), or URIs of a scheme
/// in [`RecordOptions::resolvers`] (`dir:`, `ostree:`), each hashed by its resolver. A URI of
/// a scheme no resolver is registered for is a file path, as in the reference.
pub fn record<S: AsRef<str>>(
    paths: &[S],
    options: &RecordOptions,
    progress: Option<&Progress>,
) -> Result<Recorded, HashError> {
    let mut recorded = Recorded::default();
    if paths.is_empty() {
        return Ok(recorded);
    }
    if let Some(base) = &options.base_path {
        let meta = std::fs::metadata(base).map_err(|source| HashError::BasePath {
            path: base.clone(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(HashError::BasePath {
                path: base.clone(),
                source: std::io::Error::other("not a directory"),
            });
        }
    }
    let (batches, paths) = resolver::partition(paths, &options.resolvers);
    for (resolver, uris) in batches {
        recorded
            .artifacts
            .extend(resolver.hash_artifacts(&uris, options, progress)?);
    }
    let walker = walk::Walker {
        base: options.base_path.as_deref(),
        excludes: &options.excludes,
        follow_symlink_dirs: options.follow_symlink_dirs,
    };
    // (scheme prefix, file name relative to the base)
    let mut found: Vec<(&'static str, String)> = Vec::new();
    for given in paths {
        let (prefix, path) = match given.strip_prefix("file:") {
            Some(rest) => ("file:", rest),
            None => ("", given),
        };
        let listing = walker.top(&normpath(path))?;
        found.extend(listing.files.into_iter().map(|f| (prefix, f)));
        recorded.skipped.extend(listing.skipped);
    }
    // One walk lists its files in name order already; several given paths need a sort (to
    // find files given twice) and, with many files, get it on all cores.
    if !found.is_sorted() {
        found.par_sort_unstable();
    }
    found.dedup();
    let hash = |opener: &mut opener::Opener,
                name: ArtifactPath,
                file: &str|
     -> Result<(ArtifactPath, DigestSet), HashError> {
        let (digests, _) = digest::hash_with(
            opener,
            &walker.fs_path(file),
            file,
            &options.algorithms,
            options.normalize_line_endings,
            progress.map(|p| &p.bytes),
        )?;
        if let Some(p) = progress {
            p.files.fetch_add(1, Ordering::Relaxed);
        }
        Ok((name, digests))
    };
    let hashed: Vec<(ArtifactPath, DigestSet)> = if may_collide(&found, &options.lstrip) {
        names(&found, &options.lstrip)?
            .into_par_iter()
            .map_init(opener::Opener::default, |o, (name, file)| {
                hash(o, name, file)
            })
            .collect::<Result<_, HashError>>()?
    } else {
        // `found` is sorted and deduplicated and names are the files' own: each file gets its
        // name on the thread that hashes it.
        found
            .par_iter()
            .map_init(opener::Opener::default, |o, (prefix, file)| {
                hash(o, plain_name(prefix, file)?, file)
            })
            .collect::<Result<_, HashError>>()?
    };
    // Collecting a sorted vector builds the map in bulk; only URIs hashed by resolvers need
    // inserting into it one by one.
    if recorded.artifacts.is_empty() {
        recorded.artifacts = hashed.into_iter().collect();
    } else {
        recorded.artifacts.extend(hashed);
    }
    Ok(recorded)
}

/// Whether left-stripping or the backslash rewrite may give two files one name.
fn may_collide(found: &[(&'static str, String)], lstrip: &Lstrip) -> bool {
    !lstrip.is_empty() || found.iter().any(|(_, f)| f.contains('\\'))
}

/// The recorded name of a file that is neither stripped nor rewritten.
fn plain_name(prefix: &str, file: &str) -> Result<ArtifactPath, HashError> {
    ArtifactPath::new(format!("{prefix}{file}")).map_err(|e| HashError::InvalidName {
        path: file.to_string(),
        reason: e.to_string(),
    })
}

/// The recorded name of each file: backslashes to slashes, left-stripped, scheme prefix back;
/// refuses two different files under one name.
fn names<'a>(
    found: &'a [(&'static str, String)],
    lstrip: &Lstrip,
) -> Result<Vec<(ArtifactPath, &'a str)>, HashError> {
    let mut by_name: HashMap<String, &str> = HashMap::new();
    let mut out = Vec::with_capacity(found.len());
    for (prefix, file) in found {
        let slashed = file.replace('\\', "/");
        let (stripped, used) = lstrip.strip(&slashed);
        if stripped.is_empty() && prefix.is_empty() {
            return Err(HashError::EmptyAfterStrip {
                path: file.clone(),
                prefix: used.unwrap_or_default().to_string(),
            });
        }
        let name = format!("{prefix}{stripped}");
        if let Some(first) = by_name.insert(name.clone(), file) {
            return Err(HashError::StripCollision {
                name,
                first: first.to_string(),
                second: file.clone(),
            });
        }
        let path = ArtifactPath::new(name.as_str()).map_err(|e| HashError::InvalidName {
            path: name.clone(),
            reason: e.to_string(),
        })?;
        out.push((path, file.as_str()));
    }
    Ok(out)
}
