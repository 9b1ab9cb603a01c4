//! `in-toto layout`: write layouts without writing JSON. `from` converts a TOML description,
//! `check` and `show` read any layout (JSON or TOML); the editing subcommands are in
//! [`layout_edit`](super::layout_edit).
//!
//! Exit codes: 0 done (warnings go to stderr), 1 the layout has problems (`check`, `from`,
//! edits that would make it invalid), 2 bad usage or an unreadable file.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use intoto_layout::{Problems, from_toml, show, unsigned_layout_bytes};
use intoto_model::{KeyId, Layout, SignedDocument, Timestamp};

use super::layout_edit;
use crate::{exit::Failure, files, logging::Verbosity};

/// Arguments of `in-toto layout`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  Convert a TOML layout and sign it:
    in-toto layout from layout.toml -o root.layout
    in-toto sign -f root.layout -k owner
  Build a layout step by step:
    in-toto layout new root.layout --expires 90d
    in-toto layout add-step root.layout --name build --key alice.pub \\
        --expected-command 'make' --product 'CREATE app' --product 'DISALLOW *'
    in-toto layout check root.layout
    in-toto layout show root.layout")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Convert a TOML layout description into an unsigned layout (to stdout, or -o FILE).
    From(FromArgs),
    /// Check a layout (JSON, signed or not, or TOML): every problem with its line or JSON path.
    Check(FileArgs),
    /// Print a layout (JSON or TOML) as a tree: steps, who signs them, rules, what flows where.
    Show(FileArgs),
    /// Create an empty unsigned layout.
    New(layout_edit::NewArgs),
    /// Add public keys to a layout's keys (prints each key id).
    AddKey(layout_edit::AddKeyArgs),
    /// Append a step.
    AddStep(layout_edit::AddStepArgs),
    /// Append an inspection.
    AddInspection(layout_edit::AddInspectionArgs),
    /// Set when the layout expires.
    SetExpiry(layout_edit::SetExpiryArgs),
}

/// Arguments of `in-toto layout from`.
#[derive(Debug, clap::Args)]
struct FromArgs {
    /// The TOML description (key files are relative to its directory).
    #[arg(value_name = "FILE.toml")]
    file: PathBuf,
    /// Where to write the unsigned layout (default: standard output).
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    output: Option<PathBuf>,
    #[command(flatten)]
    verbosity: Verbosity,
}

/// Arguments of `in-toto layout check` and `show`.
#[derive(Debug, clap::Args)]
struct FileArgs {
    /// A layout: Metablock or DSSE envelope (JSON), or a TOML description (`.toml`).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    verbosity: Verbosity,
}

impl Args {
    /// The verbosity flags of the chosen subcommand.
    pub fn verbosity(&self) -> Verbosity {
        match &self.action {
            Action::From(a) => a.verbosity,
            Action::Check(a) | Action::Show(a) => a.verbosity,
            Action::New(a) => a.verbosity,
            Action::AddKey(a) => a.verbosity,
            Action::AddStep(a) => a.verbosity,
            Action::AddInspection(a) => a.verbosity,
            Action::SetExpiry(a) => a.verbosity,
        }
    }
}

/// Runs `in-toto layout ...`.
pub fn run(args: Args) -> Result<(), Failure> {
    match args.action {
        Action::From(a) => from(&a),
        Action::Check(a) => check(&a.file),
        Action::Show(a) => show(&a.file),
        Action::New(a) => layout_edit::new(a),
        Action::AddKey(a) => layout_edit::add_key(a),
        Action::AddStep(a) => layout_edit::add_step(a),
        Action::AddInspection(a) => layout_edit::add_inspection(a),
        Action::SetExpiry(a) => layout_edit::set_expiry(a),
    }
}

/// The current time, for relative expiries and expiry warnings.
pub fn now() -> anyhow::Result<Timestamp> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs();
    Timestamp::from_unix(i64::try_from(secs).unwrap_or(i64::MAX))
        .context("the system clock is outside the years 1 to 9999")
}

fn is_toml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

/// Prints every problem as `FILE:LOCATION: message`, errors first and in file order (so the
/// first line is the first error), and fails with a count when there are errors.
pub fn report(file: &Path, problems: &Problems) -> Result<(), Failure> {
    let name = file.display();
    for p in problems.errors() {
        tracing::error!("{name}:{}: {}", p.at, p.error);
    }
    for p in problems.warnings() {
        tracing::warn!("{name}:{}: {}", p.at, p.error);
    }
    match problems.errors().count() {
        0 => Ok(()),
        // The problem itself was the whole message: exit 1 without repeating it.
        1 => Err(Failure::already_reported()),
        n => Err(Failure::verification(anyhow!(
            "{name}: {n} problem(s) found, listed above"
        ))),
    }
}

/// Converts a TOML file, reporting its problems.
fn convert(file: &Path) -> Result<Layout, Failure> {
    let bytes = files::read_limited(file).map_err(Failure::usage)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Failure::usage(anyhow!("'{}' is not UTF-8 text", file.display())))?;
    let base = file.parent().unwrap_or(Path::new("."));
    match from_toml(text, base, now()?) {
        Ok(converted) => {
            report(file, &converted.warnings)?;
            Ok(converted.layout)
        }
        Err(problems) => {
            report(file, &problems)?;
            // `report` fails whenever there are errors, and `from_toml` fails only then.
            Err(Failure::verification(anyhow!("{problems}")))
        }
    }
}

fn from(args: &FromArgs) -> Result<(), Failure> {
    let layout = convert(&args.file)?;
    let bytes = unsigned_layout_bytes(&layout);
    match &args.output {
        Some(path) => {
            files::write_atomically(path, &bytes)?;
            tracing::info!(
                "wrote the unsigned layout to '{}'; sign it with 'in-toto sign -f {} -k KEY'",
                path.display(),
                path.display()
            );
        }
        None => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.write_all(b"\n"))
                .context("cannot write to standard output")?;
        }
    }
    Ok(())
}

/// A layout file read for checking or showing: the layout (if it could be read), the key ids
/// of its signatures, and its problems.
pub struct Loaded {
    /// The layout, when its format could be read.
    pub layout: Option<Layout>,
    /// Key ids of the signatures the file carries (not verified).
    pub signers: Vec<KeyId>,
    /// Every problem found.
    pub problems: Problems,
}

/// Reads a JSON layout file (Metablock or DSSE envelope) and checks it.
pub fn load_json(file: &Path, now: Option<Timestamp>) -> Result<Loaded, Failure> {
    let document = files::read_signed_document(file).map_err(Failure::usage)?;
    let (signed, prefix, signers) = match &document {
        SignedDocument::Metablock(mb) => (
            mb.signed.clone(),
            "signed",
            mb.signatures.iter().map(|s| s.keyid().clone()).collect(),
        ),
        SignedDocument::Envelope(env) => {
            let payload = intoto_model::json::parse_strict(&env.payload)
                .with_context(|| format!("the DSSE payload of '{}' is not JSON", file.display()))
                .map_err(Failure::usage)?;
            let signers = env
                .signatures
                .iter()
                .filter_map(|s| s.keyid.clone())
                .collect();
            (payload, "payload", signers)
        }
    };
    if signed.get("_type").and_then(|t| t.as_str()) != Some("layout") {
        return Err(Failure::usage(anyhow!(
            "'{}' is not a layout (its {prefix}._type is not \"layout\")",
            file.display()
        )));
    }
    let (layout, problems) = intoto_layout::check_layout_value(&signed, prefix, now);
    Ok(Loaded {
        layout,
        signers,
        problems,
    })
}

fn check(file: &Path) -> Result<(), Failure> {
    if is_toml(file) {
        convert(file)?;
    } else {
        let loaded = load_json(file, Some(now()?))?;
        report(file, &loaded.problems)?;
    }
    tracing::info!("{}: no problems found", file.display());
    Ok(())
}

fn show(file: &Path) -> Result<(), Failure> {
    let now = now()?;
    let (layout, signers) = if is_toml(file) {
        (convert(file)?, Vec::new())
    } else {
        let loaded = load_json(file, Some(now))?;
        let shown = report(file, &loaded.problems);
        match loaded.layout {
            Some(layout) => {
                // Show what can be shown, then fail with the first problem.
                print!("{}", show::render(&layout, &loaded.signers, Some(now)));
                return shown;
            }
            None => {
                shown?;
                return Err(Failure::usage(anyhow!(
                    "'{}' cannot be read",
                    file.display()
                )));
            }
        }
    };
    print!("{}", show::render(&layout, &signers, Some(now)));
    Ok(())
}
