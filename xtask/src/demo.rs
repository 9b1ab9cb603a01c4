//! `cargo xtask demo`: builds `in-toto` and walks through the bundled demo supply chain in
//! `examples/demo/`, printing each command: the owner signs the layout, alice writes the code
//! and bob packages it (each recording a signed link with `in-toto run`), the client verifies
//! the package; then an attacker swaps the package and verification fails with the reason.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Context;

use crate::{report::Report, workspace};

/// Runs the demo, printing each command and its outcome.
pub fn run() -> anyhow::Result<Report> {
    let cli = workspace::build_cli()?;
    let example = workspace::root().join("examples/demo");
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let dir = |name: &str| -> anyhow::Result<PathBuf> {
        let d = work.path().join(name);
        std::fs::create_dir_all(&d).with_context(|| format!("cannot create {}", d.display()))?;
        Ok(d)
    };
    let (owner, alice, bob, client) = (dir("owner")?, dir("alice")?, dir("bob")?, dir("client")?);
    dir("links")?;
    copy(&example, "demo.layout", &owner)?;
    copy(&example, "owner", &owner)?;
    copy(&example, "alice", &alice)?;
    copy(&example, "bob", &bob)?;
    copy(&example, "owner.pub", &client)?;
    println!("Working in {}", work.path().display());
    let mut report = Report::default();
    let mut demo = Demo {
        cli: &cli,
        report: &mut report,
    };

    demo.step(
        &owner,
        "The project owner signs the layout",
        &[
            "sign",
            "-f",
            "demo.layout",
            "-k",
            "owner",
            "-o",
            "root.layout",
        ],
        0,
    )?;
    demo.step(
        &alice,
        "Alice writes the code, recording a signed link",
        &[
            "run",
            "-n",
            "write-code",
            "--signing-key",
            "alice",
            "-p",
            "foo.py",
            "-d",
            "../links",
            "--",
            "sh",
            "-c",
            "printf 'print(\"hello\")\\n' > foo.py",
        ],
        0,
    )?;
    copy(&alice, "foo.py", &bob)?;
    demo.step(
        &bob,
        "Bob packages it, recording a signed link",
        &[
            "run",
            "-n",
            "package",
            "--signing-key",
            "bob",
            "-m",
            "foo.py",
            "-p",
            "foo.tar.gz",
            "-d",
            "../links",
            "--",
            "tar",
            "czf",
            "foo.tar.gz",
            "foo.py",
        ],
        0,
    )?;
    copy(&owner, "root.layout", &client)?;
    copy(&bob, "foo.tar.gz", &client)?;
    let verify = [
        "verify",
        "-l",
        "root.layout",
        "--verification-keys",
        "owner.pub",
        "--link-dir",
        "../links",
        "--no-inspection-links",
    ];
    demo.step(
        &client,
        "The client verifies the package against the layout and the links",
        &verify,
        0,
    )?;

    // An attacker replaces the package with one holding different code.
    std::fs::write(client.join("foo.py"), "print(\"pwned\")\n")?;
    let status = Command::new("tar")
        .args(["czf", "foo.tar.gz", "foo.py"])
        .current_dir(&client)
        .status()?;
    anyhow::ensure!(status.success(), "tar failed");
    std::fs::remove_file(client.join("foo.py"))?;
    demo.step(
        &client,
        "An attacker swaps the package: verification fails (exit 1) and says why",
        &verify,
        1,
    )?;
    Ok(report.finish())
}

fn copy(from: &Path, name: &str, to: &Path) -> anyhow::Result<()> {
    std::fs::copy(from.join(name), to.join(name))
        .with_context(|| format!("cannot copy {name} from {}", from.display()))?;
    Ok(())
}

struct Demo<'a> {
    cli: &'a Path,
    report: &'a mut Report,
}

impl Demo<'_> {
    fn step(&mut self, dir: &Path, what: &str, args: &[&str], expected: i32) -> anyhow::Result<()> {
        let shown: Vec<String> = args
            .iter()
            .map(|a| {
                if a.contains([' ', '\'', '>']) {
                    format!("'{}'", a.replace('\'', "'\\''"))
                } else {
                    (*a).to_string()
                }
            })
            .collect();
        let who = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        println!("\n# {what}\n{who}$ in-toto {}", shown.join(" "));
        let out = Command::new(self.cli)
            .args(args)
            .current_dir(dir)
            .output()
            .context("cannot run in-toto")?;
        print!("{}", String::from_utf8_lossy(&out.stdout));
        print!("{}", String::from_utf8_lossy(&out.stderr));
        let code = out.status.code();
        println!(
            "(exit {})",
            code.map_or_else(|| "signal".to_string(), |c| c.to_string())
        );
        self.report.check(
            what,
            if code == Some(expected) {
                Ok(())
            } else {
                Err(format!("exit {code:?}, expected {expected}"))
            },
        );
        Ok(())
    }
}
