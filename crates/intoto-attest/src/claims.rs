//! Loading attestations as claims: "functionary K says statement S for step N".
//!
//! Files are named `STEP.KEYID8.json` as the attestation-verifier expects (and `.link` as
//! `in-toto run` writes them); the step is the name without its extension and last dotted
//! part. A DSSE envelope may hold a Statement or a classic link (the reference's DSSE links);
//! a Metablock must hold a classic link. Classic links become link-predicate v0.3 statements.
//! Signatures are checked with the layout's keys before the payload is read; a file that no
//! layout key signed is skipped (and reported), as in the prototype.

use std::{collections::BTreeMap, fs, path::Path};

use intoto_crypto::{PublicKey, verify_envelope, verify_metablock};
use intoto_model::{
    IN_TOTO_PAYLOAD_TYPE, Link, ModelError, SignedDocument, Statement, json::parse_strict,
    predicate::LinkPredicate,
};
use serde_json::Value;

use crate::AttestError;

/// A verified attestation.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// File name.
    pub file: String,
    /// Step name derived from the file name.
    pub step: String,
    /// Layout key ids whose signatures verified.
    pub signers: Vec<String>,
    /// The statement (classic links converted).
    pub statement: Statement,
}

/// A file no layout key signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsigned {
    /// File name.
    pub file: String,
    /// Step name derived from the file name.
    pub step: String,
    /// The key ids its signatures claim.
    pub keyids: Vec<String>,
}

/// All attestations found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// Verified claims, in file-name order.
    pub claims: Vec<Claim>,
    /// Files skipped because no layout key signed them.
    pub unsigned: Vec<Unsigned>,
}

/// The step of an attestation file name: `build.fe1c6281.json` -> `build`; `None` for names
/// that are not attestation files (other extensions, hidden files).
pub fn step_of(file_name: &str) -> Option<String> {
    if file_name.starts_with('.') {
        return None;
    }
    let stem = file_name
        .strip_suffix(".json")
        .or_else(|| file_name.strip_suffix(".link"))?;
    Some(match stem.rsplit_once('.') {
        Some((step, _keyid)) => step.to_owned(),
        None => stem.to_owned(),
    })
}

/// A classic link as the equivalent link-predicate v0.3 statement.
pub fn statement_from_link(link: &Link) -> Statement {
    let (predicate, subject) = LinkPredicate::from_link(link);
    Statement::new(
        subject,
        intoto_model::predicate::LINK_V0_3,
        predicate.to_value(),
    )
}

impl Evidence {
    /// Loads every attestation file of `dir` (not recursive): each entry named like one
    /// (`STEP[.KEYID8].json` or `.link`). Symbolic links are followed; an entry of that name
    /// that is not a regular file (a directory, a fifo) is an error, not skipped.
    pub fn load_dir(dir: &Path, keys: &BTreeMap<String, PublicKey>) -> Result<Self, AttestError> {
        let io = |error| AttestError::Io {
            path: dir.to_path_buf(),
            error,
        };
        let mut names = Vec::new();
        for entry in fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            if let Some(name) = entry.file_name().to_str()
                && step_of(name).is_some()
            {
                names.push(name.to_owned());
            }
        }
        names.sort();
        let mut evidence = Evidence::default();
        for name in names {
            let bytes = read_limited(&dir.join(&name))?;
            evidence.add(&name, &bytes, keys)?;
        }
        Ok(evidence)
    }

    /// Adds one attestation file's content.
    pub fn add(
        &mut self,
        file: &str,
        bytes: &[u8],
        keys: &BTreeMap<String, PublicKey>,
    ) -> Result<(), AttestError> {
        let step = step_of(file).unwrap_or_else(|| file.to_owned());
        let malformed = |error: ModelError| AttestError::Malformed {
            file: file.to_owned(),
            error,
        };
        let doc = SignedDocument::from_slice(bytes).map_err(malformed)?;
        let signers: Vec<String> = keys
            .iter()
            .filter(|(_, key)| match &doc {
                SignedDocument::Envelope(env) => verify_envelope(env, key).is_ok(),
                SignedDocument::Metablock(mb) => verify_metablock(mb, key).is_ok(),
            })
            .map(|(id, _)| id.clone())
            .collect();
        if signers.is_empty() {
            let keyids = match &doc {
                SignedDocument::Envelope(env) => env
                    .signatures
                    .iter()
                    .filter_map(|s| s.keyid.as_ref().map(ToString::to_string))
                    .collect(),
                SignedDocument::Metablock(mb) => mb
                    .signatures
                    .iter()
                    .map(|s| s.keyid().to_string())
                    .collect(),
            };
            self.unsigned.push(Unsigned {
                file: file.to_owned(),
                step,
                keyids,
            });
            return Ok(());
        }
        let statement = statement_of(&doc).map_err(malformed)?;
        self.claims.push(Claim {
            file: file.to_owned(),
            step,
            signers,
            statement,
        });
        Ok(())
    }
}

/// The statement a verified document carries (error paths start with `payload` or `signed`).
pub fn statement_of(doc: &SignedDocument) -> Result<Statement, ModelError> {
    let (value, prefix) = match doc {
        SignedDocument::Envelope(env) => {
            if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
                return Err(ModelError::invalid(
                    "payloadType",
                    format!(
                        "expected {IN_TOTO_PAYLOAD_TYPE:?}, found {:?}",
                        env.payload_type
                    ),
                ));
            }
            let v =
                parse_strict(&env.payload).map_err(|e| ModelError::from(e).within("payload"))?;
            (v, "payload")
        }
        SignedDocument::Metablock(mb) => (mb.signed.clone(), "signed"),
    };
    let within = |e: ModelError| e.within(prefix);
    match value.get("_type").and_then(Value::as_str) {
        Some("link") => Ok(statement_from_link(
            &Link::from_value(&value).map_err(within)?,
        )),
        Some("layout") => Err(ModelError::invalid(
            format!("{prefix}._type"),
            "a layout, not an attestation",
        )),
        _ if prefix == "signed" => Err(ModelError::invalid(
            "signed._type",
            "a Metablock in the attestation directory must hold a link",
        )),
        _ => Statement::from_value(&value).map_err(within),
    }
}

/// Reads a file with the metadata size limit; a fifo, device or directory is refused
/// without blocking (see [`intoto_model::file::read_metadata_file`]).
pub fn read_limited(path: &Path) -> Result<Vec<u8>, AttestError> {
    Ok(intoto_model::file::read_metadata_file(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn attestation_entries_are_read_through_links_and_never_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.txt");
        fs::write(&target, b"not json").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("build.json")).unwrap();
        // Read through the symbolic link (so its content is judged), not skipped.
        assert!(matches!(
            Evidence::load_dir(dir.path(), &BTreeMap::new()),
            Err(AttestError::Malformed { file, .. }) if file == "build.json"
        ));
        fs::remove_file(dir.path().join("build.json")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(dir.path().join("test.json"))
            .status()
            .unwrap();
        assert!(status.success());
        // A fifo named like an attestation: refused by kind, without blocking.
        assert!(matches!(
            Evidence::load_dir(dir.path(), &BTreeMap::new()),
            Err(AttestError::NotAFile { kind: "fifo", .. })
        ));
    }

    #[test]
    fn step_names_from_file_names() {
        assert_eq!(step_of("clone.fe1c6281.json").as_deref(), Some("clone"));
        assert_eq!(step_of("build.link").as_deref(), Some("build"));
        assert_eq!(step_of("a.b.fe1c6281.link").as_deref(), Some("a.b"));
        assert_eq!(step_of("README.md"), None);
        assert_eq!(step_of(".x.json"), None);
    }
}
