//! Adversarial trees while recording (issue 7): symlink loops, symlinks that point outside the
//! base path, names that are not UTF-8. The walk never hangs, never records a name outside the
//! base path, and every error names the artifact path.
#![allow(clippy::unwrap_used)]
#![cfg(unix)]

use std::{ffi::OsStr, fs, os::unix::ffi::OsStrExt, os::unix::fs::symlink};

use intoto_hash::{HashError, RecordOptions, SkipReason, record};

fn opts(base: &std::path::Path) -> RecordOptions {
    RecordOptions {
        base_path: Some(base.to_path_buf()),
        ..RecordOptions::default()
    }
}

const SHA256_SECRET: &str = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

#[test]
fn symlink_loops_end_the_walk_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir(p.join("src")).unwrap();
    fs::write(p.join("src/a"), b"a").unwrap();
    // A chain of file symlinks that loops: skipped and reported, as the reference does.
    symlink("b", p.join("src/a-loop")).unwrap();
    symlink("a-loop", p.join("src/b")).unwrap();
    let got = record(&["src"], &opts(p), None).unwrap();
    assert_eq!(got.artifacts.len(), 1);
    let skipped: Vec<_> = got
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason))
        .collect();
    assert!(skipped.contains(&("src/a-loop", SkipReason::DanglingSymlink)));
    assert!(skipped.contains(&("src/b", SkipReason::DanglingSymlink)));
    // A directory symlink to its own ancestor: an error naming both.
    fs::create_dir(p.join("src/deeper")).unwrap();
    symlink("..", p.join("src/deeper/back")).unwrap();
    match record(&["src"], &opts(p), None).unwrap_err() {
        HashError::SymlinkLoop { path, ancestor } => {
            assert_eq!(path, "src/deeper/back");
            assert_eq!(ancestor, "src");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn symlinks_pointing_outside_the_base_path_are_recorded_under_their_own_names() {
    // Defined behaviour (the reference's): a symlink is followed and recorded under its name
    // inside the base path, with the digest of what it points to. No recorded name ever
    // leaves the base path; the content is what a consumer reading the tree would get.
    // docs/security.md lists the residual risk (a planted link to a low-entropy secret publishes
    // the secret's hash) and the mitigations (excludes, --no-follow-symlink-dirs, review).
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret"), b"secret").unwrap();
    fs::create_dir(outside.path().join("dir")).unwrap();
    fs::write(outside.path().join("dir/f"), b"secret").unwrap();
    let base = tempfile::tempdir().unwrap();
    symlink(outside.path().join("secret"), base.path().join("file-link")).unwrap();
    symlink(outside.path().join("dir"), base.path().join("dir-link")).unwrap();
    symlink(
        "../../../../../../../../etc",
        base.path().join("relative-up"),
    )
    .unwrap();
    let got = record(&["file-link", "dir-link"], &opts(base.path()), None).unwrap();
    let names: Vec<&str> = got.artifacts.keys().map(|k| k.as_str()).collect();
    assert_eq!(names, ["dir-link/f", "file-link"]);
    for digests in got.artifacts.values() {
        assert_eq!(digests.get("sha256").unwrap().as_str(), SHA256_SECRET);
    }
    // With --no-follow-symlink-dirs, directory symlinks met in the walk are left out and
    // reported (file symlinks are still followed, as in the reference).
    let no_follow = RecordOptions {
        follow_symlink_dirs: false,
        ..opts(base.path())
    };
    let got = record(&["."], &no_follow, None).unwrap();
    let names: Vec<&str> = got.artifacts.keys().map(|k| k.as_str()).collect();
    assert_eq!(names, ["file-link"]);
    let mut skipped: Vec<_> = got
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason))
        .collect();
    skipped.sort_by_key(|(path, _)| *path);
    assert_eq!(
        skipped,
        [
            ("dir-link", SkipReason::SymlinkDirNotFollowed),
            ("relative-up", SkipReason::SymlinkDirNotFollowed)
        ]
    );
}

#[test]
fn a_file_name_that_is_not_utf8_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("src")).unwrap();
    fs::write(
        dir.path()
            .join("src")
            .join(OsStr::from_bytes(b"\xc3\x28.c")),
        b"",
    )
    .unwrap();
    match record(&["."], &opts(dir.path()), None).unwrap_err() {
        e @ HashError::NonUtf8Name { .. } => {
            assert!(
                e.to_string()
                    .starts_with("'src/\u{fffd}(.c': the file name is not valid UTF-8"),
                "{e}"
            );
        }
        other => panic!("{other}"),
    }
}
