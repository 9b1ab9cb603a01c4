//! Generic artifact URIs (ITE-4): a [`Resolver`] turns the URIs of one scheme (`dir:`,
//! `ostree:`, or a downstream crate's own) into recorded names and digests. Plain paths and
//! `file:` URIs are walked and hashed file by file by [`record`](crate::record) itself, as the
//! reference's `FileResolver` does; every other registered scheme goes to its resolver.
//!
//! ```
//! use intoto_hash::{RecordOptions, record};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::create_dir(dir.path().join("out")).unwrap();
//! std::fs::write(dir.path().join("out/app"), b"binary").unwrap();
//! let uri = format!("dir:{}", dir.path().join("out").display());
//! let recorded = record(&[uri.as_str()], &RecordOptions::default(), None).unwrap();
//! // One entry for the whole tree, named by its URI.
//! assert_eq!(recorded.artifacts.keys().next().unwrap().as_str(), uri);
//! ```

use std::{
    collections::BTreeMap,
    fmt,
    path::{Path, PathBuf},
    sync::Arc,
};

use intoto_model::{ArtifactPath, Artifacts, Digest, DigestSet};
use sha2::Digest as _;

use crate::{Algorithm, HashError, Progress, RecordOptions, digest};

/// Hashes the artifact URIs of one scheme.
///
/// Implement it to record artifacts that are not files (a registry image, a database row)
/// and add it to [`RecordOptions::resolvers`] with [`Resolvers::register`].
pub trait Resolver: Send + Sync {
    /// The URI scheme, without the colon (`dir`, `ostree`).
    fn scheme(&self) -> &str;

    /// Hashes `uris` (each starting with `scheme:`, in the order given) and returns the
    /// recorded name and digests of each. `options` are the caller's recording options (base
    /// path, excludes, left-strip, ...), for the resolver to honour where they make sense.
    fn hash_artifacts(
        &self,
        uris: &[&str],
        options: &RecordOptions,
        progress: Option<&Progress>,
    ) -> Result<Artifacts, HashError>;
}

/// The resolvers [`record`](crate::record) dispatches to, by scheme.
#[derive(Clone)]
pub struct Resolvers(BTreeMap<String, Arc<dyn Resolver>>);

impl Resolvers {
    /// No resolver: every URI is a file path (`dir:x` is a file named `dir:x`).
    pub fn none() -> Self {
        Resolvers(BTreeMap::new())
    }

    /// The reference's resolvers: [`DirResolver`] and [`OstreeResolver`].
    pub fn reference() -> Self {
        let mut r = Self::none();
        r.register(Arc::new(DirResolver::default()));
        r.register(Arc::new(OstreeResolver));
        r
    }

    /// Adds `resolver` for its scheme, replacing any resolver registered for it before.
    /// `file` cannot be taken over: plain paths and `file:` URIs are always walked.
    pub fn register(&mut self, resolver: Arc<dyn Resolver>) {
        if resolver.scheme() != "file" {
            self.0.insert(resolver.scheme().to_string(), resolver);
        }
    }

    /// The resolver for `uri`'s scheme, if one is registered (the reference's
    /// `Resolver.for_uri`: the text before the first colon).
    pub fn for_uri(&self, uri: &str) -> Option<&Arc<dyn Resolver>> {
        let (scheme, _) = uri.split_once(':')?;
        self.0.get(scheme)
    }
}

impl Default for Resolvers {
    fn default() -> Self {
        Self::reference()
    }
}

impl fmt::Debug for Resolvers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

fn artifact_name(name: String) -> Result<ArtifactPath, HashError> {
    ArtifactPath::new(name.as_str()).map_err(|e| HashError::InvalidName {
        path: name.clone(),
        reason: e.to_string(),
    })
}

fn sha256_set(digest: &[u8]) -> Result<DigestSet, HashError> {
    DigestSet::sha256(Digest::from_bytes(digest)).map_err(|e| HashError::InvalidName {
        path: "sha256".into(),
        reason: e.to_string(),
    })
}

/// `dir:PATH`: one SHA-256 for a whole tree, as the reference's `DirectoryResolver` computes
/// it (and as `find . -type f | cut -c3- | LC_ALL=C sort | xargs -r sha256sum | sha256sum`
/// would): the files under PATH are recorded as `in-toto run` would record `.` there (same
/// excludes, symlink following and line-ending option; no left-strip), then the lines
/// `"<sha256>  <name>\n"` in byte order of the names are hashed. An empty tree hashes the
/// empty string.
///
/// As in the reference, a relative PATH is taken relative to the current directory (or the
/// resolver's own root, [`DirResolver::relative_to`]), not to the base path; the name is `dir:`
/// and PATH as given (backslashes turned into slashes), left-stripped.
#[derive(Debug, Clone, Default)]
pub struct DirResolver {
    root: Option<PathBuf>,
}

impl DirResolver {
    /// A resolver that takes relative `dir:` paths relative to `root` instead of the current
    /// directory (the names stay as given).
    pub fn relative_to(root: impl Into<PathBuf>) -> Self {
        DirResolver {
            root: Some(root.into()),
        }
    }

    /// The tree digest of the files recorded under `dir`.
    pub fn tree_digest(
        dir: &Path,
        options: &RecordOptions,
        progress: Option<&Progress>,
    ) -> Result<DigestSet, HashError> {
        let inner = RecordOptions {
            base_path: Some(dir.to_path_buf()),
            excludes: options.excludes.clone(),
            lstrip: crate::Lstrip::default(),
            follow_symlink_dirs: options.follow_symlink_dirs,
            normalize_line_endings: options.normalize_line_endings,
            algorithms: vec![Algorithm::Sha256],
            resolvers: Resolvers::none(),
        };
        let files = crate::record(&["."], &inner, progress)?;
        let mut hasher = sha2::Sha256::new();
        // `Artifacts` is ordered by name as bytes: the reference's sort under LC_ALL=C.
        for (name, digests) in &files.artifacts {
            let sha = digests
                .get("sha256")
                .map(Digest::as_str)
                .unwrap_or_default();
            hasher.update(format!("{sha}  {}\n", name.as_str()).as_bytes());
        }
        sha256_set(&hasher.finalize())
    }
}

impl Resolver for DirResolver {
    fn scheme(&self) -> &str {
        "dir"
    }

    fn hash_artifacts(
        &self,
        uris: &[&str],
        options: &RecordOptions,
        progress: Option<&Progress>,
    ) -> Result<Artifacts, HashError> {
        let mut out = Artifacts::new();
        let mut given: BTreeMap<String, &str> = BTreeMap::new();
        for uri in uris {
            let path = uri.strip_prefix("dir:").unwrap_or(uri);
            let fs_path = match &self.root {
                Some(root) => root.join(path),
                None => PathBuf::from(path),
            };
            if path.is_empty() || !fs_path.is_dir() {
                return Err(HashError::NotADirectory {
                    uri: uri.to_string(),
                });
            }
            let digests = Self::tree_digest(&fs_path, options, progress)?;
            let slashed = path.replace('\\', "/");
            let (stripped, _) = options.lstrip.strip(&slashed);
            let name = artifact_name(format!("dir:{stripped}"))?;
            // As the reference: with left-strip, two URIs ending up under one name are an
            // error; without, the same URI given twice is recorded once.
            if let Some(first) = given.insert(name.as_str().to_string(), uri)
                && !options.lstrip.is_empty()
            {
                return Err(HashError::StripCollision {
                    name: name.as_str().to_string(),
                    first: first.to_string(),
                    second: uri.to_string(),
                });
            }
            out.insert(name, digests);
        }
        Ok(out)
    }
}

/// `ostree:REF`: the SHA-256 of the commit object the branch REF points at in the OSTree
/// repository at the base path (or the current directory), as the reference's `OSTreeResolver`:
/// `refs/heads/REF` holds the commit checksum, `objects/XX/YYYY….commit` the commit object.
/// Unlike the reference, a ref whose content is not a 64-digit lowercase hex checksum is an
/// error rather than a path to open.
#[derive(Debug, Clone, Copy, Default)]
pub struct OstreeResolver;

impl OstreeResolver {
    /// The digest of the commit object `reference` points at in the repository at `repo`.
    pub fn commit_digest(repo: &Path, reference: &str) -> Result<DigestSet, HashError> {
        let uri = format!("ostree:{reference}");
        let ref_path = repo.join("refs").join("heads").join(reference);
        let text = std::fs::read_to_string(&ref_path).map_err(|source| HashError::Read {
            path: format!("{uri} ({})", ref_path.display()),
            source,
        })?;
        let checksum = text.trim_matches('\n');
        let is_checksum = checksum.len() == 64
            && checksum
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !is_checksum {
            return Err(HashError::InvalidOstreeRef {
                uri,
                content: checksum.chars().take(80).collect(),
            });
        }
        let object = repo
            .join("objects")
            .join(&checksum[..2])
            .join(format!("{}.commit", &checksum[2..]));
        let (digests, _) = digest::hash_file(
            &object,
            &format!("{uri} ({})", object.display()),
            &[Algorithm::Sha256],
            false,
            None,
        )?;
        Ok(digests)
    }
}

impl Resolver for OstreeResolver {
    fn scheme(&self) -> &str {
        "ostree"
    }

    fn hash_artifacts(
        &self,
        uris: &[&str],
        options: &RecordOptions,
        _progress: Option<&Progress>,
    ) -> Result<Artifacts, HashError> {
        let repo = options.base_path.as_deref().unwrap_or(Path::new("."));
        let mut out = Artifacts::new();
        for uri in uris {
            let reference = uri.strip_prefix("ostree:").unwrap_or(uri);
            out.insert(
                artifact_name(format!("ostree:{reference}"))?,
                Self::commit_digest(repo, reference)?,
            );
        }
        Ok(out)
    }
}

/// The URIs of one scheme and the resolver for them.
pub(crate) type Batch<'a> = (Arc<dyn Resolver>, Vec<&'a str>);

/// Splits `paths` into those a registered resolver handles (grouped by resolver, in the order
/// each scheme first appears, as the reference batches them) and the rest (file paths).
pub(crate) fn partition<'a, S: AsRef<str>>(
    paths: &'a [S],
    resolvers: &Resolvers,
) -> (Vec<Batch<'a>>, Vec<&'a str>) {
    let mut batches: Vec<Batch<'a>> = Vec::new();
    let mut files = Vec::new();
    for p in paths {
        let p = p.as_ref();
        match resolvers.for_uri(p) {
            Some(r) => match batches.iter_mut().find(|(b, _)| b.scheme() == r.scheme()) {
                Some((_, uris)) => uris.push(p),
                None => batches.push((Arc::clone(r), vec![p])),
            },
            None => files.push(p),
        }
    }
    (batches, files)
}
