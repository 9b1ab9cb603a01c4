//! The parallel walk: which files the reference's `FileResolver` would record for each given
//! path, found with one `readdir` per directory (file types from the directory entries, a
//! `stat` only for symlinks and directories), directories listed in parallel with rayon.

use std::{
    fs::{self, Metadata},
    io,
    path::{Path, PathBuf},
};

use intoto_model::file::file_kind;
use rayon::prelude::*;

use crate::{Excludes, HashError, SkipReason, Skipped, paths};

/// What the walk needs from the options.
pub(crate) struct Walker<'a> {
    pub base: Option<&'a Path>,
    pub excludes: &'a Excludes,
    pub follow_symlink_dirs: bool,
}

/// Files found (artifact names relative to the base path) and what was left out, with why.
#[derive(Default)]
pub(crate) struct Listing {
    pub files: Vec<String>,
    pub skipped: Vec<Skipped>,
}

/// A directory on the current path from the walk's root, to detect symlink loops.
#[derive(Clone)]
struct Ancestor {
    /// Device and inode; `None` where the platform has none (no loop detection there).
    id: Option<(u64, u64)>,
    name: String,
}

impl Walker<'_> {
    /// Where the artifact `name` is on disk (we never change the working directory).
    pub fn fs_path(&self, name: &str) -> PathBuf {
        match self.base {
            Some(base) => base.join(name),
            None => PathBuf::from(name),
        }
    }

    /// Lists what the reference records for one given path (already normalised).
    pub fn top(&self, name: &str) -> Result<Listing, HashError> {
        let mut listing = Listing::default();
        if self.excludes.is_excluded(name) {
            return Ok(listing);
        }
        let fs_path = self.fs_path(name);
        let meta = match fs::metadata(&fs_path) {
            Ok(meta) => meta,
            Err(e) if is_missing(&e) => {
                let reason = if fs::symlink_metadata(&fs_path).is_ok() {
                    SkipReason::DanglingSymlink
                } else {
                    SkipReason::DoesNotExist
                };
                listing.skipped.push(Skipped {
                    path: name.to_string(),
                    reason,
                });
                return Ok(listing);
            }
            Err(source) => {
                return Err(HashError::Stat {
                    path: name.to_string(),
                    source,
                });
            }
        };
        if meta.is_file() {
            listing.files.push(name.to_string());
            Ok(listing)
        } else if meta.is_dir() {
            self.dir(name, &fs_path, vec![ancestor(&meta, name)])
        } else {
            Err(HashError::SpecialFile {
                path: name.to_string(),
                kind: file_kind(&meta.file_type()),
            })
        }
    }

    /// Lists the directory `name` and, in parallel, its subdirectories.
    fn dir(
        &self,
        name: &str,
        fs_path: &Path,
        ancestors: Vec<Ancestor>,
    ) -> Result<Listing, HashError> {
        let read_err = |source| HashError::ReadDir {
            path: name.to_string(),
            source,
        };
        let mut listing = Listing::default();
        let mut subdirs: Vec<(String, PathBuf, Ancestor)> = Vec::new();
        for entry in fs::read_dir(fs_path).map_err(read_err)? {
            let entry = entry.map_err(read_err)?;
            let child = match entry.file_name().into_string() {
                Ok(file_name) => paths::join(name, &file_name),
                Err(raw) => {
                    let lossy = paths::join(name, &raw.to_string_lossy());
                    if self.excludes.is_excluded(&lossy) {
                        continue;
                    }
                    return Err(HashError::NonUtf8Name { path: lossy });
                }
            };
            if self.excludes.is_excluded(&child) {
                continue;
            }
            let stat_err = |source| HashError::Stat {
                path: child.clone(),
                source,
            };
            let file_type = entry.file_type().map_err(stat_err)?;
            if file_type.is_file() {
                listing.files.push(child);
            } else if file_type.is_dir() {
                let meta = entry.metadata().map_err(stat_err)?;
                let id = ancestor(&meta, &child);
                subdirs.push((child, entry.path(), id));
            } else if file_type.is_symlink() {
                match fs::metadata(entry.path()) {
                    Ok(meta) if meta.is_file() => listing.files.push(child),
                    Ok(meta) if meta.is_dir() => {
                        if self.follow_symlink_dirs {
                            let id = ancestor(&meta, &child);
                            subdirs.push((child, entry.path(), id));
                        } else {
                            listing.skipped.push(Skipped {
                                path: child,
                                reason: SkipReason::SymlinkDirNotFollowed,
                            });
                        }
                    }
                    Ok(meta) => {
                        return Err(HashError::SpecialFile {
                            path: child,
                            kind: file_kind(&meta.file_type()),
                        });
                    }
                    Err(e) if is_missing(&e) => listing.skipped.push(Skipped {
                        path: child,
                        reason: SkipReason::DanglingSymlink,
                    }),
                    Err(source) => {
                        return Err(HashError::Stat {
                            path: child,
                            source,
                        });
                    }
                }
            } else {
                return Err(HashError::SpecialFile {
                    path: child,
                    kind: file_kind(&file_type),
                });
            }
        }
        for (child, _, id) in &subdirs {
            if let Some(a) = ancestors.iter().find(|a| a.id.is_some() && a.id == id.id) {
                return Err(HashError::SymlinkLoop {
                    path: child.clone(),
                    ancestor: a.name.clone(),
                });
            }
        }
        // Emit in the byte order of the full names, so that a single walk needs no global
        // sort afterwards (sorting 100,000 heap strings costs more than listing them): within
        // one directory, a subdirectory sorts as its name followed by `/`.
        subdirs.sort_unstable_by(|a, b| as_dir(&a.0).cmp(as_dir(&b.0)));
        // All subdirectories are listed before an error is picked, so that the error reported
        // is the first in name order, whatever the threads did first.
        let below: Vec<Result<Listing, HashError>> = subdirs
            .into_par_iter()
            .map(|(child, path, id)| {
                let mut chain = ancestors.clone();
                chain.push(id);
                self.dir(&child, &path, chain)
            })
            .collect();
        let below = below.into_iter().collect::<Result<Vec<_>, _>>()?;
        Ok(interleave(listing, below))
    }
}

/// The bytes a directory's name sorts as among its siblings' full names: its name and `/`.
fn as_dir(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.bytes().chain([b'/'])
}

/// Merges the files of one directory with the listings of its subdirectories (both sorted,
/// `below` in the order of the subdirectories' names) into one listing in full-name order.
fn interleave(mut here: Listing, below: Vec<Listing>) -> Listing {
    if below.is_empty() {
        here.files.sort_unstable();
        return here;
    }
    let mut files = std::mem::take(&mut here.files);
    files.sort_unstable();
    let mut out = Listing {
        files: Vec::with_capacity(files.len() + below.iter().map(|l| l.files.len()).sum::<usize>()),
        skipped: here.skipped,
    };
    let mut files = files.into_iter().peekable();
    for sub in below {
        // Every name under the subdirectory starts with `its name + "/"`; a file of this
        // directory sorts before the subdirectory when it sorts before that prefix.
        if let Some(first) = sub.files.first() {
            while files.peek().is_some_and(|f| f.as_str() < first.as_str()) {
                out.files.extend(files.next());
            }
        }
        out.files.extend(sub.files);
        out.skipped.extend(sub.skipped);
    }
    out.files.extend(files);
    out
}

/// Not found, or a symlink chain that never ends in a file (`ELOOP`): the reference's
/// `os.path.exists` is false for both.
fn is_missing(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(ELOOP)
}

#[cfg(unix)]
const ELOOP: i32 = libc::ELOOP;
#[cfg(not(unix))]
const ELOOP: i32 = -1;

fn ancestor(meta: &Metadata, name: &str) -> Ancestor {
    #[cfg(unix)]
    let id = {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    };
    #[cfg(not(unix))]
    let id = {
        let _ = meta;
        None
    };
    Ancestor {
        id,
        name: name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names whose order depends on `/` sorting after `.` and `-` but before `0`.
    #[test]
    fn one_walk_lists_files_in_full_name_order() {
        let t = tempfile::tempdir().unwrap();
        for file in [
            "a/x", "a/y/z", "a.c", "a.b/y", "a-b", "a0", "ab/c/d", "ab/c.e", "b", "a/y.q",
        ] {
            let path = t.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, file).unwrap();
        }
        let excludes = Excludes::new(Vec::<String>::new()).unwrap();
        let walker = Walker {
            base: Some(t.path()),
            excludes: &excludes,
            follow_symlink_dirs: true,
        };
        let files = walker.top(".").unwrap().files;
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted);
        assert_eq!(files.len(), 10);
        assert_eq!(files.first().map(String::as_str), Some("a-b"));
    }
}
