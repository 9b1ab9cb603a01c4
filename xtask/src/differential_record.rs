//! The recording half of `cargo xtask differential`: our `in-toto run`, `record start|stop`
//! and `mock` against the reference's `in-toto-run`, `in-toto-record` and `in-toto-mock` on one
//! tree (nested directories, empty files, symlinks to files and directories, a dangling
//! symlink, files the default excludes drop, non-ASCII names and spaces), for every flag:
//! materials, products, byproducts and command must be equal, and so must the exit status.
//! Then the reference's `in-toto-verify` must accept a supply chain whose links we recorded.

use std::{
    fs,
    os::unix::fs::symlink,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Context;
use base64::Engine as _;
use serde_json::{Value, json};

use crate::report::Report;

/// Paths of the two implementations.
pub struct Tools<'a> {
    /// Our `in-toto` binary.
    pub ours: &'a Path,
    /// The reference's venv `bin/` directory.
    pub venv_bin: PathBuf,
}

/// Runs every recording comparison into `report`.
pub fn run(tools: &Tools, work: &Path, report: &mut Report) -> anyhow::Result<()> {
    let root = work.join("record");
    let tree = root.join("tree");
    make_tree(&tree)?;
    let key = root.join("key");
    let out = Command::new(tools.ours)
        .args(["keygen", "--force"])
        .arg(&key)
        .output()
        .context("cannot run in-toto keygen")?;
    anyhow::ensure!(out.status.success(), "in-toto keygen failed");
    let keyid8 = String::from_utf8_lossy(&out.stdout).trim()[..8].to_string();
    let abs = format!("{}/", tree.display());
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("defaults", args(&["-m", ".", "-p", ".", "-x"])),
        (
            "nested paths",
            args(&["-m", "sub", "ü ber.txt", "link-to-file", "-x"]),
        ),
        (
            "dot-slash and dot-dot",
            args(&["-m", "./sub/../sub/deep", "-x"]),
        ),
        ("missing path", args(&["-m", "nope", "empty", "-x"])),
        (
            "exclude replaces",
            args(&["-m", ".", "--exclude", "*.txt", "sub/", "-x"]),
        ),
        (
            "exclude negation",
            args(&["-m", ".", "--exclude", "*.c", "!keep.c", "-x"]),
        ),
        (
            "exclude anchored",
            args(&["-m", ".", "--exclude", "/empty", "deep", "-x"]),
        ),
        (
            "lstrip",
            args(&["-m", "sub", "--lstrip-paths", "sub/", "-x"]),
        ),
        (
            "lstrip two prefixes",
            args(&["-m", ".", "--lstrip-paths", "sub/deep/", "dir-", "-x"]),
        ),
        (
            "lstrip collision",
            args(&[
                "-m",
                "sub",
                "other",
                "--lstrip-paths",
                "sub/",
                "other/",
                "-x",
            ]),
        ),
        (
            "lstrip overlap",
            args(&["-m", ".", "--lstrip-paths", "sub", "sub/deep", "-x"]),
        ),
        (
            "absolute path",
            vec![
                "-m".into(),
                format!("{abs}sub"),
                "--lstrip-paths".into(),
                abs.clone(),
                "-x".into(),
            ],
        ),
        (
            "command streams",
            args(&[
                "-s",
                "-m",
                "sub",
                "-p",
                "sub",
                "--",
                "sh",
                "-c",
                "echo out; printf 'a\\r\\nb\\r' >&2; echo new > sub/new.c; exit 3",
            ]),
        ),
        (
            "command without -s",
            args(&["--", "sh", "-c", "echo quiet; exit 0"]),
        ),
        ("signal", args(&["-s", "--", "sh", "-c", "kill -9 $$"])),
        (
            "dsse",
            args(&["--use-dsse", "-m", "sub", "-s", "--", "echo", "dsse"]),
        ),
        ("timeout", args(&["--run-timeout", "1", "--", "sleep", "5"])),
        ("bad command", args(&["--", "./does-not-exist"])),
    ];
    for (name, extra) in &cases {
        let outcome = compare_run(tools, &root, &tree, &key, &keyid8, name, extra);
        report.check(&format!("record: in-toto run, {name}"), outcome);
    }
    let outcome = compare_run_base_path(tools, &root, &tree, &key, &keyid8);
    report.check("record: in-toto run, --base-path", outcome);
    report.check(
        "record: record start/stop",
        compare_record(tools, &root, &tree, &key, &keyid8),
    );
    report.check("record: mock", compare_mock(tools, &root, &tree));
    crate::differential_uris::run(tools, &root, &tree, &key, &keyid8, report);
    report.check(
        "record: the reference's in-toto-verify accepts our links",
        crate::differential_chain::supply_chain(tools, &root, &key, &keyid8),
    );
    Ok(())
}

pub(crate) fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// The test tree: what the reference records, skips and excludes (and an OSTree repository
/// in `repo/` for the `ostree:` URIs).
fn make_tree(tree: &Path) -> anyhow::Result<()> {
    if tree.exists() {
        fs::remove_dir_all(tree)?;
    }
    fs::create_dir_all(tree.join("sub/deep/er"))?;
    fs::create_dir_all(tree.join("other/deep"))?;
    fs::create_dir_all(tree.join(".git/objects"))?;
    for (path, content) in [
        ("sub/a.c", "int a;\n"),
        ("sub/keep.c", "keep\n"),
        ("sub/deep/er/b.txt", "b\r\n"),
        ("sub/deep/empty", ""),
        ("other/deep/empty", "different? no, same name after strip"),
        ("other/a.c", "other a\n"),
        ("empty", ""),
        ("ü ber.txt", "umlaut and space\n"),
        ("名前 with space.c", "cjk\n"),
        ("step.abcdef12.link", "{}"),
        (".hidden.link-unfinished", "{}"),
        ("mod.pyc", "pyc"),
        ("backup~", "old"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        (".git/objects/x", "object"),
    ] {
        fs::write(tree.join(path), content)?;
    }
    symlink("sub/a.c", tree.join("link-to-file"))?;
    symlink("sub/deep", tree.join("dir-link"))?;
    symlink("nowhere", tree.join("dangling"))?;
    crate::differential_uris::make_ostree_repo(&tree.join("repo"))?;
    Ok(())
}

/// The parts of a link file both must agree on (DSSE payloads decoded).
fn content(path: &Path) -> Result<Value, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let v: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let signed = if let Some(p) = v["payload"].as_str() {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(p)
            .map_err(|e| e.to_string())?;
        serde_json::from_slice(&raw).map_err(|e| e.to_string())?
    } else {
        v["signed"].clone()
    };
    Ok(json!({
        "wrapper": if v.get("payload").is_some() { "dsse" } else { "metablock" },
        "signatures": v.get("signatures").map(|s| s.as_array().map_or(0, Vec::len)),
        "name": signed["name"], "command": signed["command"], "materials": signed["materials"],
        "products": signed["products"], "byproducts": signed["byproducts"],
        "environment": signed["environment"],
    }))
}

struct Side {
    code: Option<i32>,
    link: Option<Value>,
}

fn side(cmd: &mut Command, link: &Path) -> Result<Side, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let link = if link.exists() {
        Some(content(link)?)
    } else {
        None
    };
    Ok(Side {
        code: out.status.code(),
        link,
    })
}

fn same(ours: &Side, reference: &Side) -> Result<(), String> {
    // Our usage errors are 2 like argparse's; in-toto errors 1 in both.
    if ours.code != reference.code {
        return Err(format!(
            "exit status: ours {:?}, reference {:?}",
            ours.code, reference.code
        ));
    }
    if ours.code == Some(0) && ours.link.is_none() {
        return Err("exit 0 but no link was written".into());
    }
    if ours.link != reference.link {
        return Err(format!(
            "links differ:\n  ours      {}\n  reference {}",
            ours.link.as_ref().map_or("(none)".into(), Value::to_string),
            reference
                .link
                .as_ref()
                .map_or("(none)".into(), Value::to_string)
        ));
    }
    Ok(())
}

pub(crate) fn fresh_dir(path: &Path) -> Result<(), String> {
    let _ = fs::remove_dir_all(path);
    fs::create_dir_all(path).map_err(|e| e.to_string())
}

pub(crate) fn compare_run(
    tools: &Tools,
    root: &Path,
    tree: &Path,
    key: &Path,
    keyid8: &str,
    name: &str,
    extra: &[String],
) -> Result<(), String> {
    let (ours_d, ref_d) = (root.join("out-ours"), root.join("out-ref"));
    let mut results = Vec::new();
    for (bin, dir) in [
        (tools.ours.to_path_buf(), &ours_d),
        (tools.venv_bin.join("in-toto-run"), &ref_d),
    ] {
        fresh_dir(dir)?;
        make_tree(tree).map_err(|e| e.to_string())?;
        let mut cmd = Command::new(&bin);
        if bin == tools.ours {
            cmd.arg("run");
        }
        cmd.current_dir(tree)
            .args(["-n", "step", "--signing-key"])
            .arg(key)
            .arg("-d")
            .arg(dir)
            .args(extra);
        results.push(side(&mut cmd, &dir.join(format!("step.{keyid8}.link")))?);
        let _ = name;
    }
    same(&results[0], &results[1])
}

fn compare_run_base_path(
    tools: &Tools,
    root: &Path,
    tree: &Path,
    key: &Path,
    keyid8: &str,
) -> Result<(), String> {
    let mut extra = args(&["-m", ".", "sub", "-x", "--base-path"]);
    extra.push(tree.display().to_string());
    let (ours_d, ref_d) = (root.join("out-ours"), root.join("out-ref"));
    let mut results = Vec::new();
    for (bin, dir) in [
        (tools.ours.to_path_buf(), &ours_d),
        (tools.venv_bin.join("in-toto-run"), &ref_d),
    ] {
        fresh_dir(dir)?;
        let mut cmd = Command::new(&bin);
        if bin == tools.ours {
            cmd.arg("run");
        }
        cmd.current_dir(root)
            .args(["-n", "step", "--signing-key"])
            .arg(key)
            .arg("-d")
            .arg(dir)
            .args(&extra);
        results.push(side(&mut cmd, &dir.join(format!("step.{keyid8}.link")))?);
    }
    same(&results[0], &results[1])
}

fn compare_record(
    tools: &Tools,
    root: &Path,
    tree: &Path,
    key: &Path,
    keyid8: &str,
) -> Result<(), String> {
    let mut results = Vec::new();
    for ours in [true, false] {
        make_tree(tree).map_err(|e| e.to_string())?;
        let dir = root.join(if ours { "rec-ours" } else { "rec-ref" });
        fresh_dir(&dir)?;
        let run = |action: &str, extra: &[&str]| -> Result<Option<i32>, String> {
            let mut cmd = if ours {
                let mut c = Command::new(tools.ours);
                c.args(["record", action]);
                c
            } else {
                let mut c = Command::new(tools.venv_bin.join("in-toto-record"));
                c.arg(action);
                c
            };
            cmd.current_dir(tree)
                .args(["-n", "edit", "--signing-key"])
                .arg(key)
                .args(extra);
            Ok(cmd.output().map_err(|e| e.to_string())?.status.code())
        };
        let start = run("start", &["-m", "sub", "--use-dsse", "--exclude", "*.txt"])?;
        fs::write(tree.join("sub/added.c"), "added\n").map_err(|e| e.to_string())?;
        let stop = run(
            "stop",
            &[
                "-p",
                "sub",
                "-d",
                &dir.display().to_string(),
                "--exclude",
                "*.txt",
            ],
        )?;
        let mut s = side(
            &mut Command::new("true"),
            &dir.join(format!("edit.{keyid8}.link")),
        )?;
        s.code = Some(start.unwrap_or(-1) * 10 + stop.unwrap_or(-1));
        if tree
            .join(format!(".edit.{keyid8}.link-unfinished"))
            .exists()
        {
            return Err("the unfinished link was not removed".into());
        }
        results.push(s);
    }
    same(&results[0], &results[1])
}

fn compare_mock(tools: &Tools, root: &Path, tree: &Path) -> Result<(), String> {
    let mut results = Vec::new();
    for ours in [true, false] {
        make_tree(tree).map_err(|e| e.to_string())?;
        let mut cmd = if ours {
            let mut c = Command::new(tools.ours);
            c.arg("mock");
            c
        } else {
            Command::new(tools.venv_bin.join("in-toto-mock"))
        };
        cmd.current_dir(tree).args([
            "-n",
            "try",
            "--",
            "sh",
            "-c",
            "echo mocked; echo x > made.c",
        ]);
        let s = side(&mut cmd, &tree.join("try.link"))?;
        let _ = root;
        results.push(s);
    }
    same(&results[0], &results[1])
}
