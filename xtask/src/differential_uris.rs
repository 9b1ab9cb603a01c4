//! ITE-4 artifact URIs and in-toto-golang's P-521 key in `cargo xtask differential`: our `in-toto run` and the reference's
//! `in-toto-run` record `dir:` and `ostree:` URIs on the same tree (the recording tree of
//! `differential_record`, with symlinks, excluded files, non-ASCII names, CRLF, and an OSTree
//! repository in `repo/`): the recorded names and digests, and the exit status, must be equal.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use sha2::Digest as _;

use crate::{
    differential_record::{Tools, args, compare_run},
    report::Report,
    workspace::{exec, expect_exit},
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
    for dsse in [false, true] {
        let wrapper = if dsse { "DSSE" } else { "Metablock" };
        report.check(
            &format!("P-521 ({wrapper}): links signed with in-toto-golang's key verify both ways"),
            p521_both_ways(tools, root, dsse),
        );
    }
}

/// A link signed with in-toto-golang's P-521 test key (`spec-tests/in-toto-golang/frank`) by
/// each implementation is accepted by the other's signature check, from `frank.pub`.
fn p521_both_ways(tools: &Tools, root: &Path, dsse: bool) -> Result<(), String> {
    let dir = root.join("p521");
    crate::differential_record::fresh_dir(&dir)?;
    let vectors = crate::workspace::root().join("spec-tests/in-toto-golang");
    for name in ["frank", "frank.pub"] {
        fs::copy(vectors.join(name), dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
    }
    let sign_with = |bin: &Path, ours: bool, step: &str| -> Result<PathBuf, String> {
        let mut cmd = Command::new(bin);
        if ours {
            cmd.arg("run");
        }
        cmd.current_dir(&dir)
            .args(["-n", step, "--signing-key", "frank", "-x"]);
        if dsse {
            cmd.arg("--use-dsse");
        }
        let out = exec(&mut cmd)?;
        expect_exit(
            &out,
            0,
            &format!("{} run", if ours { "our" } else { "reference" }),
        )?;
        // frank's key id is ecdd08fe... under both implementations.
        Ok(dir.join(format!("{step}.ecdd08fe.link")))
    };
    let verify_with = |bin: &Path, ours: bool, link: &Path| -> Result<(), String> {
        let mut cmd = Command::new(bin);
        if ours {
            cmd.arg("sign");
        }
        cmd.current_dir(&dir)
            .arg("-f")
            .arg(link)
            .args(["-k", "frank.pub", "--verify"]);
        let out = exec(&mut cmd)?;
        expect_exit(
            &out,
            0,
            &format!("{} sign --verify", if ours { "our" } else { "reference" }),
        )
    };
    let reference_run = tools.venv_bin.join("in-toto-run");
    let reference_sign = tools.venv_bin.join("in-toto-sign");
    let ours = sign_with(tools.ours, true, "ours")?;
    verify_with(&reference_sign, false, &ours)?;
    let theirs = sign_with(&reference_run, false, "theirs")?;
    verify_with(tools.ours, true, &theirs)
}
