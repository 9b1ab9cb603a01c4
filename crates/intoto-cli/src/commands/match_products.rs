//! `in-toto match-products`: do local files match the products recorded in a link? Flags of
//! the reference's `in-toto-match-products`. Exit 0 when they match, 1 when they do not, 2 for
//! bad usage or an unreadable link.
//!
//! Unlike the reference this also reads DSSE links (the reference crashes on them), and it
//! prints the differences without `-v` (the reference prints them only with `-v`).

use std::{collections::BTreeSet, path::PathBuf};

use anyhow::{Context, anyhow};
use intoto_hash::{Excludes, Lstrip, RecordOptions};
use intoto_model::{IN_TOTO_PAYLOAD_TYPE, Link, SignedDocument, json::parse_strict};

use crate::{exit::Failure, files, logging::Verbosity};

/// Arguments of `in-toto match-products`.
#[derive(Debug, clap::Args)]
#[command(after_help = "EXAMPLES:
  Check that the files in the current directory are the products of a package link:
    in-toto match-products -l package.2f89b927.link
  Check only dist/, ignoring build logs:
    in-toto match-products -l package.2f89b927.link -p dist -e '*.log'")]
pub struct Args {
    /// The link whose products are compared (Metablock or DSSE; its signature is not checked).
    #[arg(short = 'l', long = "link", value_name = "PATH", required = true)]
    link: PathBuf,
    /// Local files or directories to compare (default: the current directory).
    #[arg(short = 'p', long = "paths", value_name = "PATH", num_args = 1.., default_value = ".")]
    paths: Vec<String>,
    /// gitignore-style patterns of files to leave out; they replace the default excludes.
    #[arg(short = 'e', long = "exclude", value_name = "PATTERN", num_args = 1..)]
    exclude: Option<Vec<String>>,
    /// Prefixes removed from the local paths before comparing.
    #[arg(long = "lstrip-paths", value_name = "PATH", num_args = 1..)]
    lstrip_paths: Vec<String>,
    #[command(flatten)]
    pub verbosity: Verbosity,
}

/// Runs `in-toto match-products`.
pub fn run(args: Args) -> Result<(), Failure> {
    let link = read_link(&args.link)?;
    let options = RecordOptions {
        excludes: match &args.exclude {
            Some(patterns) => Excludes::new(patterns).context("invalid --exclude pattern")?,
            None => Excludes::reference_defaults(),
        },
        lstrip: Lstrip::new(&args.lstrip_paths).context("invalid --lstrip-paths")?,
        ..RecordOptions::default()
    };
    let ticker = super::progress::Ticker::start(args.verbosity.quiet);
    ticker.show(Some("hashing local files"));
    let recorded = intoto_hash::record(&args.paths, &options, Some(ticker.counters()));
    ticker.finish();
    let recorded = recorded.context("cannot record the local files")?;
    let local = &recorded.artifacts;
    let products = &link.products;
    let only_in_products: BTreeSet<_> = products
        .keys()
        .filter(|p| !local.contains_key(*p))
        .collect();
    let not_in_products: BTreeSet<_> = local
        .keys()
        .filter(|p| !products.contains_key(*p))
        .collect();
    let differ: BTreeSet<_> = products
        .iter()
        .filter(|(p, d)| local.get(*p).is_some_and(|l| l != *d))
        .map(|(p, _)| p)
        .collect();
    let quiet = args.verbosity.quiet;
    if only_in_products.is_empty() && not_in_products.is_empty() && differ.is_empty() {
        if args.verbosity.is_verbose() {
            println!("Local artifacts match products in passed link.");
        }
        return Ok(());
    }
    if !quiet {
        println!(
            "Local artifacts don't match products in '{}'.",
            args.link.display()
        );
        for p in &only_in_products {
            println!("Only in products: {p}");
        }
        for p in &not_in_products {
            println!("Not in products: {p}");
        }
        for p in &differ {
            println!("Hashes differ: {p}");
        }
    }
    Err(Failure::verification(anyhow!(
        "{} product(s) missing locally, {} local file(s) not in products, {} hash(es) differ",
        only_in_products.len(),
        not_in_products.len(),
        differ.len()
    )))
}

fn read_link(path: &std::path::Path) -> anyhow::Result<Link> {
    let document = files::read_signed_document(path)?;
    let (value, prefix) = match &document {
        SignedDocument::Metablock(mb) => (mb.signed.clone(), "signed"),
        SignedDocument::Envelope(env) => {
            if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
                anyhow::bail!(
                    "'{}': the DSSE payloadType is {:?}, not in-toto's",
                    path.display(),
                    env.payload_type
                );
            }
            let value = parse_strict(&env.payload)
                .with_context(|| format!("'{}': the DSSE payload is not JSON", path.display()))?;
            (value, "payload")
        }
    };
    Link::from_value(&value)
        .map_err(|e| anyhow!("'{}' is not a link: {}", path.display(), e.within(prefix)))
}
