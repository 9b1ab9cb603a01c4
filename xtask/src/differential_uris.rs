//! ITE-4 artifact URIs in `cargo xtask differential`: our `in-toto run` and the reference's
//! `in-toto-run` record `dir:` and `ostree:` URIs on the same tree (the recording tree of
//! `differential_record`, with symlinks, excluded files, non-ASCII names, CRLF, and an OSTree
//! repository in `repo/`): the recorded names and digests, and the exit status, must be equal.

use std::{fs, path::Path};

use sha2::Digest as _;

use crate::{
    differential_record::{Tools, args, compare_run},
    report::Report,
};

/// A minimal OSTree repository: branches `main` (ref ending in a newline) and `rel/v1` (without
/// one) naming a commit object stored under its SHA-256, as OSTree stores it. The resolvers
/// read only these two files.
pub fn make_ostree_repo(repo: &Path) -> anyhow::Result<()> {
    let body = b"\x00commit object of the differential test\xff";
    let checksum: String = sha2::Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let objects = repo.join("objects").join(&checksum[..2]);
    fs::create_dir_all(&objects)?;
    fs::create_dir_all(repo.join("refs/heads/rel"))?;
    fs::write(objects.join(format!("{}.commit", &checksum[2..])), body)?;
    fs::write(repo.join("refs/heads/main"), format!("{checksum}\n"))?;
    fs::write(repo.join("refs/heads/rel/v1"), &checksum)?;
    Ok(())
}

/// Runs every URI comparison into `report`.
pub fn run(tools: &Tools, root: &Path, tree: &Path, key: &Path, keyid8: &str, report: &mut Report) {
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("dir: whole tree", args(&["-m", "dir:.", "-x"])),
        (
            "dir: subtrees, trailing slash, next to files",
            args(&["-m", "dir:sub", "dir:other/", "sub/a.c", "file:empty", "-x"]),
        ),
        (
            "dir: through a directory symlink",
            args(&["-m", "dir:dir-link", "-x"]),
        ),
        (
            "dir: with --exclude",
            args(&["-m", "dir:.", "--exclude", "*.c", "deep", "-x"]),
        ),
        (
            "dir: with --lstrip-paths",
            args(&[
                "-m",
                "dir:sub/deep",
                "dir:other/deep",
                "--lstrip-paths",
                "sub/",
                "-x",
            ]),
        ),
        ("dir: of a file fails", args(&["-m", "dir:empty", "-x"])),
        (
            "dir: relative to the current directory despite --base-path",
            args(&["-m", "dir:sub", "sub/a.c", "--base-path", "other", "-x"]),
        ),
        (
            "dir: products after the command",
            args(&["-p", "dir:sub", "--", "sh", "-c", "echo new > sub/new.c"]),
        ),
        (
            "ostree: branches at --base-path",
            args(&[
                "-m",
                "ostree:main",
                "ostree:rel/v1",
                "--base-path",
                "repo",
                "-x",
            ]),
        ),
    ];
    for (name, extra) in &cases {
        let outcome = compare_run(tools, root, tree, key, keyid8, name, extra);
        report.check(&format!("record: in-toto run, {name}"), outcome);
    }
}
