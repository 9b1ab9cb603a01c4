//! `in-toto layout new|add-key|add-step|add-inspection|set-expiry`: edit an unsigned layout
//! file one piece at a time. Each edit reads the layout, changes it, checks the result and
//! writes it back unsigned (an edit invalidates signatures: sign again afterwards). A `MATCH`
//! from a step that is not there yet is a warning, so steps can be added in any order;
//! `in-toto layout check` reports it as an error.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use intoto_layout::{
    Expiry, JsonPaths, Problems,
    edit::{self, NewInspection, NewStep},
    load_key, unsigned_layout_bytes, words,
};
use intoto_model::{KeyId, Layout, SignedDocument};

use super::layout::now;
use crate::{exit::Failure, files, logging::Verbosity};

/// Arguments of `in-toto layout new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The layout file to create.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// When it expires: a period from now (90d, 12w, 6mo, 1y) or a date (2036-01-01, or
    /// 2036-01-01T00:00:00Z).
    #[arg(
        short = 'e',
        long = "expires",
        value_name = "WHEN",
        default_value = "30d"
    )]
    expires: String,
    /// Free text for the humans reading the layout.
    #[arg(long = "readme", value_name = "TEXT", default_value = "")]
    readme: String,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// Arguments of `in-toto layout add-key`.
#[derive(Debug, clap::Args)]
pub struct AddKeyArgs {
    /// The layout file to change.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// PEM public keys (SubjectPublicKeyInfo) to add.
    #[arg(value_name = "KEY.pub", required = true)]
    keys: Vec<PathBuf>,
    /// Signature scheme instead of the key type's default (e.g. rsa-pkcs1v15-sha256).
    #[arg(long = "scheme", value_name = "SCHEME")]
    scheme: Option<String>,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// Arguments of `in-toto layout add-step`.
#[derive(Debug, clap::Args)]
pub struct AddStepArgs {
    /// The layout file to change.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The step's name (unique among steps and inspections).
    #[arg(short = 'n', long = "name", value_name = "NAME", required = true)]
    name: String,
    /// Public key file of a functionary allowed to sign the step's link (added to the
    /// layout's keys if needed; repeatable).
    #[arg(short = 'k', long = "key", value_name = "KEY.pub")]
    keys: Vec<PathBuf>,
    /// Key id of a functionary already in the layout's keys (repeatable).
    #[arg(long = "keyid", value_name = "ID")]
    keyids: Vec<String>,
    /// How many of the functionaries must sign a link.
    #[arg(short = 't', long = "threshold", value_name = "N", default_value_t = 1)]
    threshold: u64,
    /// The command functionaries are expected to run, one string split like a shell.
    #[arg(short = 'c', long = "expected-command", value_name = "COMMAND")]
    expected_command: Option<String>,
    /// A rule for the materials, e.g. 'MATCH * WITH PRODUCTS FROM build' (repeatable, in order).
    #[arg(short = 'm', long = "material", value_name = "RULE")]
    materials: Vec<String>,
    /// A rule for the products, e.g. 'CREATE app' (repeatable, in order).
    #[arg(short = 'p', long = "product", value_name = "RULE")]
    products: Vec<String>,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// Arguments of `in-toto layout add-inspection`.
#[derive(Debug, clap::Args)]
pub struct AddInspectionArgs {
    /// The layout file to change.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The inspection's name (unique among steps and inspections).
    #[arg(short = 'n', long = "name", value_name = "NAME", required = true)]
    name: String,
    /// The command the verifier runs, one string split like a shell.
    #[arg(short = 'r', long = "run", value_name = "COMMAND", required = true)]
    run: String,
    /// A rule for the materials (repeatable, in order).
    #[arg(short = 'm', long = "material", value_name = "RULE")]
    materials: Vec<String>,
    /// A rule for the products (repeatable, in order).
    #[arg(short = 'p', long = "product", value_name = "RULE")]
    products: Vec<String>,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// Arguments of `in-toto layout set-expiry`.
#[derive(Debug, clap::Args)]
pub struct SetExpiryArgs {
    /// The layout file to change.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// A period from now (90d, 12w, 6mo, 1y) or a date (2036-01-01, or 2036-01-01T00:00:00Z).
    #[arg(value_name = "WHEN")]
    expires: String,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

fn expiry(text: &str) -> Result<intoto_model::Timestamp, Failure> {
    let now = now()?;
    text.parse::<Expiry>()
        .and_then(|e| e.resolve(now))
        .map_err(|e| Failure::usage(anyhow!("{e}")))
}

/// Runs `in-toto layout new`.
pub fn new(args: NewArgs) -> Result<(), Failure> {
    if args.file.exists() && !args.force {
        return Err(Failure::usage(anyhow!(
            "'{}' exists; pass --force to replace it",
            args.file.display()
        )));
    }
    let mut layout = Layout::new(expiry(&args.expires)?);
    layout.readme = args.readme;
    files::write_atomically(&args.file, &unsigned_layout_bytes(&layout))?;
    tracing::info!(
        "wrote an empty layout expiring {} to '{}'",
        layout.expires,
        args.file.display()
    );
    Ok(())
}

/// Runs `in-toto layout add-key`.
pub fn add_key(args: AddKeyArgs) -> Result<(), Failure> {
    let mut layout = read(&args.file)?;
    for path in &args.keys {
        let id = add_key_file(&mut layout, path, args.scheme.clone())?;
        println!("{id}");
    }
    write(&args.file, &layout)
}

fn add_key_file(
    layout: &mut Layout,
    path: &Path,
    scheme: Option<String>,
) -> Result<KeyId, Failure> {
    let key = load_key(path, scheme).map_err(|reason| {
        Failure::usage(anyhow!(
            "cannot use '{}' as a public key: {reason}",
            path.display()
        ))
    })?;
    Ok(edit::add_key(layout, &key))
}

/// Runs `in-toto layout add-step`.
pub fn add_step(args: AddStepArgs) -> Result<(), Failure> {
    let mut layout = read(&args.file)?;
    let mut keys = Vec::new();
    for path in &args.keys {
        keys.push(add_key_file(&mut layout, path, None)?);
    }
    for id in &args.keyids {
        keys.push(
            KeyId::new(id.as_str()).map_err(|e| Failure::usage(anyhow!("--keyid {id}: {e}")))?,
        );
    }
    let expected_command = match &args.expected_command {
        Some(line) => words::split(line)
            .map_err(|e| Failure::usage(anyhow!("--expected-command {line:?}: {e}")))?,
        None => Vec::new(),
    };
    let step = NewStep {
        name: args.name,
        keys,
        threshold: args.threshold,
        expected_command,
        expected_materials: args.materials,
        expected_products: args.products,
    };
    edit::add_step(&mut layout, step).map_err(|e| {
        Failure::verification(anyhow!("{}: cannot add the step: {e}", args.file.display()))
    })?;
    write(&args.file, &layout)
}

/// Runs `in-toto layout add-inspection`.
pub fn add_inspection(args: AddInspectionArgs) -> Result<(), Failure> {
    let mut layout = read(&args.file)?;
    let run = words::split(&args.run)
        .map_err(|e| Failure::usage(anyhow!("--run {:?}: {e}", args.run)))?;
    let inspection = NewInspection {
        name: args.name,
        run,
        expected_materials: args.materials,
        expected_products: args.products,
    };
    edit::add_inspection(&mut layout, inspection).map_err(|e| {
        Failure::verification(anyhow!(
            "{}: cannot add the inspection: {e}",
            args.file.display()
        ))
    })?;
    write(&args.file, &layout)
}

/// Runs `in-toto layout set-expiry`.
pub fn set_expiry(args: SetExpiryArgs) -> Result<(), Failure> {
    let mut layout = read(&args.file)?;
    layout.expires = expiry(&args.expires)?;
    write(&args.file, &layout)
}

/// Reads a layout to edit (Metablock or DSSE envelope). Signatures are dropped: any edit
/// invalidates them.
fn read(file: &Path) -> Result<Layout, Failure> {
    let document = files::read_signed_document(file).map_err(Failure::usage)?;
    let (signed, signatures) = match document {
        SignedDocument::Metablock(mb) => (mb.signed, mb.signatures.len()),
        SignedDocument::Envelope(env) => (
            intoto_model::json::parse_strict(&env.payload)
                .with_context(|| format!("the DSSE payload of '{}' is not JSON", file.display()))
                .map_err(Failure::usage)?,
            env.signatures.len(),
        ),
    };
    let layout = Layout::from_value_unvalidated(&signed, None).map_err(|e| {
        Failure::usage(anyhow!(
            "'{}' is not a layout: {}",
            file.display(),
            e.within("signed")
        ))
    })?;
    if signatures > 0 {
        tracing::warn!(
            "'{}' had {signatures} signature(s); the edited layout is unsigned: sign it again",
            file.display()
        );
    }
    Ok(layout)
}

/// Checks the edited layout and writes it unsigned. Errors refuse the edit, except references
/// to steps not added yet, which are warnings here.
fn write(file: &Path, layout: &Layout) -> Result<(), Failure> {
    let problems = intoto_layout::check(layout, &JsonPaths::new("signed"), None);
    let (pending, rest): (Vec<_>, Vec<_>) = problems
        .0
        .into_iter()
        .partition(|p| p.error.is_dangling_reference());
    for p in &pending {
        tracing::warn!(
            "{}:{p} (add it, or 'in-toto layout check' will fail)",
            file.display()
        );
    }
    super::layout::report(file, &Problems(rest))?;
    files::write_atomically(file, &unsigned_layout_bytes(layout))?;
    tracing::info!("wrote '{}'", file.display());
    Ok(())
}
