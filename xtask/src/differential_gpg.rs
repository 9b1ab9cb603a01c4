//! The GnuPG half of `cargo xtask differential`: links signed through `gpg` by one
//! implementation are verified by the other, for an Ed25519 and an RSA primary key, each in a
//! throw-away keyring.
//!
//! - our `in-toto run -g` (named key and default key) and `record start|stop -g`: the
//!   reference's `in-toto-sign --verify -g KEYID --gpg-home H` accepts the links, and rejects
//!   one with a changed payload;
//! - the reference's `in-toto-run -g` and `in-toto-record start|stop -g`: our
//!   `in-toto sign --verify -g` accepts them;
//! - two-part recording across implementations: ours starts and the reference stops, and the
//!   other way round.
//!
//! Skipped with a message where `gpg` is not installed. Signing subkeys are not used: the
//! reference drops Ed25519 signing subkeys (see docs/spec-coverage.md).

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Context;

use crate::{
    differential_record::Tools,
    report::Report,
    workspace::{exec, expect_exit},
};

/// Runs the GnuPG comparisons into `report`.
pub fn run(tools: &Tools, work: &Path, report: &mut Report) -> anyhow::Result<()> {
    let have_gpg = Command::new("gpg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_gpg {
        println!("skipped: gpg is not installed, no GnuPG differential checks");
        return Ok(());
    }
    let before = report.passed + report.failed;
    for algo in ["ed25519", "rsa3072"] {
        let dir = work.join(format!("gpg-{algo}"));
        let ring = Keyring::new(&dir.join("home"), algo)?;
        let result = compare(&tools.venv_bin, tools.ours, &dir, &ring, algo, report);
        ring.stop_agent();
        result?;
    }
    println!(
        "GnuPG: {} checks (Ed25519 and RSA keys, both directions)",
        report.passed + report.failed - before
    );
    Ok(())
}

/// A GnuPG home holding one primary signing key.
struct Keyring {
    home: PathBuf,
    fpr: String,
}

impl Keyring {
    fn new(home: &Path, algo: &str) -> anyhow::Result<Self> {
        fs::create_dir_all(home).with_context(|| format!("cannot create {}", home.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(home, fs::Permissions::from_mode(0o700))?;
        }
        let gen_key = Command::new("gpg")
            .arg("--homedir")
            .arg(home)
            .args(["--batch", "--passphrase", "", "--quick-gen-key"])
            .args([&format!("differential {algo} <x@example.invalid>"), algo])
            .args(["sign", "never"])
            .output()
            .context("cannot run gpg")?;
        anyhow::ensure!(
            gen_key.status.success(),
            "gpg --quick-gen-key {algo} failed: {}",
            String::from_utf8_lossy(&gen_key.stderr).trim()
        );
        let list = Command::new("gpg")
            .arg("--homedir")
            .arg(home)
            .args(["--with-colons", "--list-keys"])
            .output()
            .context("cannot run gpg --list-keys")?;
        let fpr = String::from_utf8_lossy(&list.stdout)
            .lines()
            .find_map(|l| {
                l.strip_prefix("fpr:")
                    .map(|r| r.trim_matches(':').to_lowercase())
            })
            .context("gpg --list-keys shows no fingerprint")?;
        Ok(Keyring {
            home: home.to_path_buf(),
            fpr,
        })
    }

    fn keyid8(&self) -> &str {
        self.fpr.get(..8).unwrap_or(&self.fpr)
    }

    fn stop_agent(&self) {
        let _ = Command::new("gpgconf")
            .arg("--homedir")
            .arg(&self.home)
            .args(["--kill", "all"])
            .output();
    }
}

fn compare(
    venv_bin: &Path,
    ours: &Path,
    dir: &Path,
    ring: &Keyring,
    algo: &str,
    report: &mut Report,
) -> anyhow::Result<()> {
    let tree = dir.join("tree");
    fs::create_dir_all(&tree)?;
    fs::write(tree.join("src.c"), b"int main;\n")?;
    let home = ring.home.as_os_str();
    let k8 = ring.keyid8();
    let our = |args: &[&str]| {
        let mut c = Command::new(ours);
        c.args(args).current_dir(&tree);
        c
    };
    let reference = |tool: &str, args: &[&str]| {
        let mut c = Command::new(venv_bin.join(tool));
        c.args(args).current_dir(&tree);
        c
    };
    let ref_verifies = |link: &str, code: i32| -> Result<(), String> {
        let out = exec(
            reference(
                "in-toto-sign",
                &["-f", link, "--verify", "-g", &ring.fpr, "--gpg-home"],
            )
            .arg(home),
        )?;
        expect_exit(&out, code, &format!("in-toto-sign --verify -g on {link}"))
    };
    let we_verify = |link: &str| -> Result<(), String> {
        let out = exec(
            our(&[
                "sign",
                "--verify",
                "-f",
                link,
                "-g",
                &ring.fpr,
                "--gpg-home",
            ])
            .arg(home),
        )?;
        expect_exit(&out, 0, &format!("in-toto sign --verify -g on {link}"))
    };
    let name = |what: &str| format!("gpg {algo}: {what}");

    // Ours signs, the reference verifies: the named key, then gpg's default key.
    for (step, id) in [
        ("ours-named", Some(ring.fpr.as_str())),
        ("ours-default", None),
    ] {
        let outcome = (|| {
            let mut args = vec!["run", "-n", step, "-m", "src.c", "-p", "src.c", "-g"];
            args.extend(id);
            let out = exec(our(&args).arg("--gpg-home").arg(home).args(["--", "true"]))?;
            expect_exit(&out, 0, "in-toto run -g")?;
            ref_verifies(&format!("{step}.{k8}.link"), 0)
        })();
        report.check(
            &name(&format!("our run -g ({step}) verified by the reference")),
            outcome,
        );
    }
    // A changed payload is rejected by the reference.
    let outcome = (|| {
        let link = tree.join(format!("ours-named.{k8}.link"));
        let text = fs::read_to_string(&link).map_err(|e| e.to_string())?;
        let tampered = tree.join(format!("tampered.{k8}.link"));
        fs::write(&tampered, text.replacen("\"src.c\"", "\"src.h\"", 1))
            .map_err(|e| e.to_string())?;
        ref_verifies(&format!("tampered.{k8}.link"), 1)
    })();
    report.check(
        &name("our tampered link rejected by the reference"),
        outcome,
    );

    // Our record start|stop -g, verified by the reference.
    let outcome = (|| {
        let out = exec(
            our(&[
                "record", "start", "-n", "ours-rec", "-m", "src.c", "-g", &ring.fpr,
            ])
            .arg("--gpg-home")
            .arg(home),
        )?;
        expect_exit(&out, 0, "in-toto record start -g")?;
        let out = exec(
            our(&[
                "record",
                "stop",
                "-n",
                "ours-rec",
                "-p",
                "src.c",
                "-g",
                "--gpg-home",
            ])
            .arg(home),
        )?;
        expect_exit(&out, 0, "in-toto record stop -g")?;
        ref_verifies(&format!("ours-rec.{k8}.link"), 0)
    })();
    report.check(
        &name("our record start|stop -g verified by the reference"),
        outcome,
    );

    // The reference signs, ours verifies.
    let outcome = (|| {
        let out = exec(
            reference(
                "in-toto-run",
                &["-n", "ref", "-m", "src.c", "-g", &ring.fpr, "--gpg-home"],
            )
            .arg(home)
            .args(["--", "true"]),
        )?;
        expect_exit(&out, 0, "in-toto-run -g")?;
        we_verify(&format!("ref.{k8}.link"))
    })();
    report.check(&name("reference in-toto-run -g verified by ours"), outcome);
    let outcome = (|| {
        let out = exec(
            reference(
                "in-toto-record",
                &["start", "-n", "ref-rec", "-m", "src.c", "-g"],
            )
            .arg("--gpg-home")
            .arg(home),
        )?;
        expect_exit(&out, 0, "in-toto-record start -g")?;
        let out = exec(
            reference(
                "in-toto-record",
                &["stop", "-n", "ref-rec", "-p", "src.c", "-g"],
            )
            .arg("--gpg-home")
            .arg(home),
        )?;
        expect_exit(&out, 0, "in-toto-record stop -g")?;
        we_verify(&format!("ref-rec.{k8}.link"))
    })();
    report.check(
        &name("reference in-toto-record -g verified by ours"),
        outcome,
    );

    // Two-part recording across implementations, both ways.
    let outcome = (|| {
        let out = exec(
            our(&[
                "record",
                "start",
                "-n",
                "mixed-a",
                "-m",
                "src.c",
                "-g",
                "--gpg-home",
            ])
            .arg(home),
        )?;
        expect_exit(&out, 0, "in-toto record start -g")?;
        let out = exec(
            reference(
                "in-toto-record",
                &["stop", "-n", "mixed-a", "-p", "src.c", "-g"],
            )
            .arg("--gpg-home")
            .arg(home),
        )?;
        expect_exit(&out, 0, "in-toto-record stop -g after our start")?;
        we_verify(&format!("mixed-a.{k8}.link"))
    })();
    report.check(&name("our record start, the reference's stop"), outcome);
    let outcome = (|| {
        let out = exec(
            reference(
                "in-toto-record",
                &["start", "-n", "mixed-b", "-m", "src.c", "-g"],
            )
            .arg("--gpg-home")
            .arg(home),
        )?;
        expect_exit(&out, 0, "in-toto-record start -g")?;
        let out = exec(
            our(&[
                "record", "stop", "-n", "mixed-b", "-p", "src.c", "-g", &ring.fpr,
            ])
            .arg("--gpg-home")
            .arg(home),
        )?;
        expect_exit(
            &out,
            0,
            "in-toto record stop -g after the reference's start",
        )?;
        ref_verifies(&format!("mixed-b.{k8}.link"), 0)
    })();
    report.check(&name("the reference's record start, our stop"), outcome);
    Ok(())
}
