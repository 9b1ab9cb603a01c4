//! `cargo xtask getting-started`: runs the `sh` blocks of `docs/getting-started.md`, verbatim
//! and in order, in one `bash` process in an empty temporary directory, with the freshly built
//! `in-toto` first on the `PATH`. Blocks whose info string says `no-run` (the install command)
//! are skipped. Any failing command stops the run (`set -euo pipefail`) and fails the task, so
//! the page cannot drift from what the tool does.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};

use crate::{report::Report, workspace};

/// The page, relative to the workspace root.
const PAGE: &str = "docs/getting-started.md";

/// A fenced block to run: its first line number in the page and its text.
#[derive(Debug, PartialEq, Eq)]
pub struct Block {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The lines between the fences.
    pub text: String,
}

/// The fenced blocks of `markdown` whose info string starts with `sh` or `bash` and does not
/// contain `no-run`, and how many were skipped for `no-run`.
pub fn shell_blocks(markdown: &str) -> anyhow::Result<(Vec<Block>, usize)> {
    let mut blocks = Vec::new();
    let mut skipped = 0;
    let mut open: Option<(usize, bool, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match &mut open {
            None if fence => {
                let info = line.trim_start().trim_start_matches('`').trim();
                let language = info.split_whitespace().next().unwrap_or("");
                let shell = matches!(language, "sh" | "bash");
                let run = shell && !info.split_whitespace().any(|w| w == "no-run");
                if shell && !run {
                    skipped += 1;
                }
                open = Some((i + 1, run, String::new()));
            }
            None => {}
            Some((start, run, text)) => {
                if fence {
                    if *run {
                        blocks.push(Block {
                            line: *start,
                            text: std::mem::take(text),
                        });
                    }
                    open = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    if let Some((start, _, _)) = open {
        bail!("{PAGE}:{start}: the code block is never closed");
    }
    Ok((blocks, skipped))
}

/// The script: each block preceded by a line that says which block runs.
pub fn script(blocks: &[Block]) -> String {
    let mut out = String::from("set -euo pipefail\n");
    for (n, block) in blocks.iter().enumerate() {
        out.push_str(&format!(
            "printf '\\n==> block %s ({PAGE}:%s)\\n' {} {}\n",
            n + 1,
            block.line
        ));
        // Show the block as the reader sees it, then run it as written.
        for line in block.text.lines() {
            out.push_str(&format!(
                "printf '%s\\n' {}\n",
                shell_quote(&format!("$ {line}"))
            ));
        }
        out.push_str(&block.text);
    }
    out.push_str("printf '\\n==> every block of the page ran\\n'\n");
    out
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Runs the page.
pub fn run() -> anyhow::Result<Report> {
    let cli = workspace::build_cli()?;
    let page = workspace::root().join(PAGE);
    let markdown = std::fs::read_to_string(&page)
        .with_context(|| format!("cannot read {}", page.display()))?;
    let (blocks, skipped) = shell_blocks(&markdown)?;
    if blocks.is_empty() {
        bail!("{PAGE} has no sh blocks to run");
    }
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let bin = bin_dir(work.path(), &cli)?;
    let dir = work.path().join("work");
    std::fs::create_dir(&dir)?;
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin];
    paths.extend(std::env::split_paths(&path));
    println!(
        "Running {} blocks of {PAGE} ({skipped} no-run skipped) in {}",
        blocks.len(),
        dir.display()
    );
    let status = Command::new("bash")
        .arg("-c")
        .arg(script(&blocks))
        .current_dir(&dir)
        .env("PATH", std::env::join_paths(paths)?)
        .status()
        .context("cannot run bash")?;
    let mut report = Report::default();
    report.check(
        PAGE,
        if status.success() {
            Ok(())
        } else {
            Err(format!(
                "a command of the page failed ({status}); the last '==> block' line above says which block"
            ))
        },
    );
    Ok(report.finish())
}

/// A directory holding only `in-toto` (a link to the built binary), for the front of `PATH`.
fn bin_dir(work: &Path, cli: &Path) -> anyhow::Result<PathBuf> {
    let bin = work.join("bin");
    std::fs::create_dir(&bin)?;
    std::os::unix::fs::symlink(cli, bin.join("in-toto"))
        .with_context(|| format!("cannot link {}", cli.display()))?;
    Ok(bin)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn finds_sh_blocks_and_skips_no_run_and_other_languages() {
        let page = "text\n```sh no-run\ncargo install\n```\n```sh\na\nb\n```\n```text\nno\n```\n  ```bash\nc\n  ```\n";
        let (blocks, skipped) = shell_blocks(page).unwrap();
        assert_eq!(skipped, 1);
        assert_eq!(
            blocks,
            [
                Block {
                    line: 5,
                    text: "a\nb\n".into()
                },
                Block {
                    line: 12,
                    text: "c\n".into()
                }
            ]
        );
        assert!(shell_blocks("```sh\na\n").is_err());
    }

    #[test]
    fn the_script_runs_blocks_verbatim() {
        let blocks = [Block {
            line: 3,
            text: "echo 'it''s'\n".into(),
        }];
        let s = script(&blocks);
        assert!(s.starts_with("set -euo pipefail\n"));
        assert!(s.contains("\necho 'it''s'\n"));
        assert!(s.contains("printf '%s\\n' '$ echo '\\''it'\\'''\\''s'\\'''\n"));
    }

    #[test]
    fn the_page_has_blocks() {
        let page = std::fs::read_to_string(workspace::root().join(PAGE)).unwrap();
        let (blocks, skipped) = shell_blocks(&page).unwrap();
        assert!(blocks.len() >= 5, "{blocks:?}");
        assert_eq!(skipped, 1);
        assert!(blocks.iter().any(|b| b.text.contains("in-toto verify")));
    }
}
