//! Walk behaviours: names, excludes, symlinks, loops, special files, left-strip, base path.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::{fs, os::unix::fs::symlink, path::Path};

use intoto_hash::{Algorithm, Excludes, HashError, Lstrip, RecordOptions, SkipReason, record};

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("src/nested/deep")).unwrap();
    fs::write(p.join("src/a.c"), b"a").unwrap();
    fs::write(p.join("src/nested/deep/empty"), b"").unwrap();
    fs::write(p.join("with space ü.txt"), b"x").unwrap();
    fs::write(p.join("step.abcd1234.link"), b"{}").unwrap();
    fs::write(p.join("mod.pyc"), b"").unwrap();
    fs::write(p.join("backup~"), b"").unwrap();
    fs::create_dir(p.join(".git")).unwrap();
    fs::write(p.join(".git/HEAD"), b"ref").unwrap();
    symlink("src/a.c", p.join("file-link")).unwrap();
    symlink("src", p.join("dir-link")).unwrap();
    symlink("missing", p.join("dangling")).unwrap();
    dir
}

fn opts(base: &Path) -> RecordOptions {
    RecordOptions {
        base_path: Some(base.to_path_buf()),
        ..RecordOptions::default()
    }
}

fn names(base: &Path, paths: &[&str], options: &RecordOptions) -> Vec<String> {
    let _ = base;
    record(paths, options, None)
        .unwrap()
        .artifacts
        .keys()
        .map(|k| k.as_str().to_string())
        .collect()
}

#[test]
fn names_as_the_reference_spells_them() {
    let t = tree();
    let o = opts(t.path());
    let got = names(t.path(), &["."], &o);
    assert_eq!(
        got,
        [
            "dir-link/a.c",
            "dir-link/nested/deep/empty",
            "file-link",
            "src/a.c",
            "src/nested/deep/empty",
            "with space ü.txt"
        ]
    );
    assert_eq!(names(t.path(), &["./src/../src/a.c"], &o), ["src/a.c"]);
    let r = record(&["."], &o, None).unwrap();
    assert_eq!(
        r.skipped
            .iter()
            .map(|s| (s.path.as_str(), s.reason))
            .collect::<Vec<_>>(),
        [("dangling", SkipReason::DanglingSymlink)]
    );
    let digest = r.artifacts.values().next().unwrap().get("sha256").unwrap();
    assert_eq!(
        digest.as_str(),
        "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
    );
}

#[test]
fn missing_paths_are_skipped_and_reported() {
    let t = tree();
    let r = record(&["nope", "src/a.c"], &opts(t.path()), None).unwrap();
    assert_eq!(r.artifacts.len(), 1);
    assert_eq!(r.skipped[0].reason, SkipReason::DoesNotExist);
}

#[test]
fn no_follow_leaves_symlinked_dirs_out() {
    let t = tree();
    let o = RecordOptions {
        follow_symlink_dirs: false,
        ..opts(t.path())
    };
    let r = record(&["."], &o, None).unwrap();
    assert!(
        !r.artifacts
            .keys()
            .any(|k| k.as_str().starts_with("dir-link"))
    );
    assert!(
        r.skipped
            .iter()
            .any(|s| s.reason == SkipReason::SymlinkDirNotFollowed)
    );
}

#[test]
fn exclude_replaces_the_defaults() {
    let t = tree();
    let o = RecordOptions {
        excludes: Excludes::new(["src/", "dir-link"]).unwrap(),
        ..opts(t.path())
    };
    let got = names(t.path(), &["."], &o);
    assert!(got.contains(&".git/HEAD".to_string()));
    assert!(got.contains(&"step.abcd1234.link".to_string()));
    assert!(!got.iter().any(|n| n.starts_with("src")));
}

#[test]
fn symlink_loop_is_an_error_naming_the_link() {
    let t = tree();
    symlink("..", t.path().join("src/nested/up")).unwrap();
    let err = record(&["src"], &opts(t.path()), None).unwrap_err();
    match err {
        HashError::SymlinkLoop { path, ancestor } => {
            assert_eq!(path, "src/nested/up");
            assert_eq!(ancestor, "src");
        }
        other => panic!("{other}"),
    }
    // A symlink to a sibling is no loop: both spellings are recorded.
    let t = tree();
    let got = names(t.path(), &["dir-link", "src"], &opts(t.path()));
    assert_eq!(got.len(), 4);
}

#[test]
fn fifo_is_an_error_and_is_never_opened() {
    let t = tree();
    let fifo = t.path().join("src/pipe");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(ok.success());
    let err = record(&["."], &opts(t.path()), None).unwrap_err();
    // The fifo is reached twice (through the `dir-link` symlink too); the first name in name
    // order is the one reported.
    assert!(
        matches!(&err, HashError::SpecialFile { path, kind: "fifo" } if path == "dir-link/pipe"),
        "{err}"
    );
    let o = RecordOptions {
        excludes: Excludes::new(["pipe"]).unwrap(),
        ..opts(t.path())
    };
    assert!(record(&["."], &o, None).is_ok());
}

#[test]
fn non_utf8_names_are_an_error_unless_excluded() {
    use std::{ffi::OsStr, os::unix::ffi::OsStrExt};
    let t = tree();
    fs::write(t.path().join(OsStr::from_bytes(b"bad\xff")), b"").unwrap();
    let err = record(&["."], &opts(t.path()), None).unwrap_err();
    assert!(
        matches!(&err, HashError::NonUtf8Name { path } if path == "bad\u{fffd}"),
        "{err}"
    );
    let o = RecordOptions {
        excludes: Excludes::new(["bad*"]).unwrap(),
        ..opts(t.path())
    };
    assert!(record(&["."], &o, None).is_ok());
}

#[test]
fn lstrip_and_collisions() {
    let t = tree();
    let o = RecordOptions {
        lstrip: Lstrip::new(["src/"]).unwrap(),
        ..opts(t.path())
    };
    assert_eq!(names(t.path(), &["src"], &o), ["a.c", "nested/deep/empty"]);
    // the same file given twice is recorded once
    assert_eq!(names(t.path(), &["src", "src/a.c"], &o).len(), 2);
    fs::write(t.path().join("a.c"), b"other").unwrap();
    let err = record(&["src", "a.c"], &o, None).unwrap_err();
    assert!(
        matches!(err, HashError::StripCollision { ref name, .. } if name == "a.c"),
        "{err}"
    );
}

#[test]
fn base_path_errors_name_it() {
    let o = opts(Path::new("/definitely/not/here"));
    assert!(matches!(
        record(&["."], &o, None),
        Err(HashError::BasePath { .. })
    ));
}

#[test]
fn several_algorithms_and_line_endings() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("crlf"), b"a\r\nb\r").unwrap();
    fs::write(t.path().join("lf"), b"a\nb\n").unwrap();
    let o = RecordOptions {
        normalize_line_endings: true,
        algorithms: vec![Algorithm::Sha256, Algorithm::Blake3],
        ..opts(t.path())
    };
    let r = record(&["."], &o, None).unwrap();
    let v: Vec<_> = r.artifacts.values().collect();
    assert_eq!(v[0], v[1]);
    assert_eq!(v[0].len(), 2);
}

#[test]
fn file_scheme_prefixes_are_kept() {
    let t = tree();
    assert_eq!(
        names(t.path(), &["file:src/a.c"], &opts(t.path())),
        ["file:src/a.c"]
    );
}
