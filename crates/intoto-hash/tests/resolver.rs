//! ITE-4 artifact URIs: `dir:` and `ostree:` digests equal the reference's on the same trees
//! (`tests/data/resolver/golden.json`, made by `make_golden.py` with in-toto 3.1.0, also on the
//! reference's own fixtures in `tests/data/resolver/reference/`), every
//! rejection names its URI, and a downstream resolver plugs in through the trait.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use intoto_hash::{
    DirResolver, Excludes, HashError, Lstrip, OstreeResolver, Progress, RecordOptions, Resolver,
    Resolvers, record,
};
use intoto_model::{ArtifactPath, Artifacts, Digest, DigestSet};
use serde_json::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/resolver")
}

/// Resolvers taking relative `dir:` paths from `root`, as the reference does from its
/// current directory.
fn resolvers_in(root: &Path) -> Resolvers {
    let mut r = Resolvers::reference();
    r.register(Arc::new(DirResolver::relative_to(root)));
    r
}

/// The options of a golden case, with the fixture directory standing for the reference's
/// current directory.
fn options_of(case: &Value) -> RecordOptions {
    let o = &case["options"];
    let mut options = RecordOptions {
        base_path: Some(data()),
        resolvers: resolvers_in(&data()),
        ..RecordOptions::default()
    };
    if let Some(base) = o["base_path"].as_str() {
        options.base_path = Some(data().join(base));
    }
    if let Some(patterns) = o["exclude_patterns"].as_array() {
        let patterns: Vec<String> = patterns
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        options.excludes = Excludes::new(&patterns).unwrap();
    }
    if let Some(prefixes) = o["lstrip_paths"].as_array() {
        options.lstrip = Lstrip::new(prefixes.iter().map(|p| p.as_str().unwrap())).unwrap();
    }
    options.normalize_line_endings = o["normalize_line_endings"].as_bool().unwrap_or(false);
    options
}

fn as_json(artifacts: &Artifacts) -> Value {
    artifacts
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_value()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

#[test]
fn dir_and_ostree_digests_equal_the_references() {
    let golden: Value =
        serde_json::from_slice(&std::fs::read(data().join("golden.json")).unwrap()).unwrap();
    let cases = golden.as_array().unwrap();
    assert!(cases.len() >= 11);
    for case in cases {
        let uris: Vec<&str> = case["uris"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        let recorded = record(&uris, &options_of(case), None).unwrap();
        assert_eq!(
            as_json(&recorded.artifacts),
            case["artifacts"],
            "{}",
            case["name"]
        );
    }
}

#[test]
fn an_empty_directory_hashes_the_empty_string() {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("empty")).unwrap();
    let digests =
        DirResolver::tree_digest(&t.path().join("empty"), &RecordOptions::default(), None).unwrap();
    let empty = DigestSet::sha256(Digest::from_bytes(&[
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9,
        0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52,
        0xb8, 0x55,
    ]))
    .unwrap();
    assert_eq!(digests, empty);
}

#[test]
fn a_dir_uri_that_is_not_a_directory_is_refused_naming_it() {
    let options = RecordOptions {
        resolvers: resolvers_in(&data()),
        ..RecordOptions::default()
    };
    for uri in ["dir:tree/a-b", "dir:missing", "dir:"] {
        match record(&[uri], &options, None) {
            Err(HashError::NotADirectory { uri: u }) => assert_eq!(u, uri),
            other => panic!("{uri}: {other:?}"),
        }
    }
}

#[test]
fn a_missing_ostree_branch_or_commit_object_is_refused_naming_the_uri() {
    let t = tempfile::tempdir().unwrap();
    let heads = t.path().join("refs/heads");
    std::fs::create_dir_all(&heads).unwrap();
    std::fs::write(heads.join("dangling"), format!("{}\n", "ab".repeat(32))).unwrap();
    let options = RecordOptions {
        base_path: Some(t.path().to_path_buf()),
        ..RecordOptions::default()
    };
    for uri in ["ostree:missing", "ostree:dangling"] {
        match record(&[uri], &options, None) {
            Err(HashError::Read { path, .. }) => assert!(path.starts_with(uri), "{path}"),
            other => panic!("{uri}: {other:?}"),
        }
    }
}

#[test]
fn an_ostree_ref_that_is_not_a_checksum_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let heads = t.path().join("refs/heads");
    std::fs::create_dir_all(&heads).unwrap();
    // The reference would open objects/../../etc/passwd.commit.
    std::fs::write(heads.join("evil"), "../../etc/passwd\n").unwrap();
    match OstreeResolver::commit_digest(t.path(), "evil") {
        Err(HashError::InvalidOstreeRef { uri, content }) => {
            assert_eq!(uri, "ostree:evil");
            assert_eq!(content, "../../etc/passwd");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn without_resolvers_a_scheme_is_part_of_a_file_name() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("dir:x"), b"x").unwrap();
    let options = RecordOptions {
        base_path: Some(t.path().to_path_buf()),
        resolvers: Resolvers::none(),
        ..RecordOptions::default()
    };
    let recorded = record(&["dir:x"], &options, None).unwrap();
    let names: Vec<&str> = recorded.artifacts.keys().map(|k| k.as_str()).collect();
    assert_eq!(names, ["dir:x"]);
}

/// A downstream resolver: `env:NAME` records the SHA-256 of a fixed value per name.
struct Fixed;

impl Resolver for Fixed {
    fn scheme(&self) -> &str {
        "env"
    }

    fn hash_artifacts(
        &self,
        uris: &[&str],
        _options: &RecordOptions,
        _progress: Option<&Progress>,
    ) -> Result<Artifacts, HashError> {
        Ok(uris
            .iter()
            .map(|u| {
                let digest = Digest::from_bytes(&[u.len() as u8; 32]);
                (
                    ArtifactPath::new(*u).unwrap(),
                    DigestSet::sha256(digest).unwrap(),
                )
            })
            .collect())
    }
}

#[test]
fn a_downstream_resolver_is_dispatched_its_scheme_in_one_batch() {
    let mut options = RecordOptions {
        base_path: Some(data()),
        ..RecordOptions::default()
    };
    options.resolvers.register(Arc::new(Fixed));
    let recorded = record(&["env:A", "tree/a-b", "env:BB"], &options, None).unwrap();
    let names: Vec<&str> = recorded.artifacts.keys().map(|k| k.as_str()).collect();
    assert_eq!(names, ["env:A", "env:BB", "tree/a-b"]);
    assert_eq!(
        recorded.artifacts[&ArtifactPath::new("env:BB").unwrap()],
        DigestSet::sha256(Digest::from_bytes(&[6; 32])).unwrap()
    );
    // `file` cannot be taken over.
    struct FileThief;
    impl Resolver for FileThief {
        fn scheme(&self) -> &str {
            "file"
        }
        fn hash_artifacts(
            &self,
            _: &[&str],
            _: &RecordOptions,
            _: Option<&Progress>,
        ) -> Result<Artifacts, HashError> {
            Ok(Artifacts::new())
        }
    }
    options.resolvers.register(Arc::new(FileThief));
    let recorded = record(&["file:tree/a-b"], &options, None).unwrap();
    assert_eq!(recorded.artifacts.len(), 1);
}

#[test]
fn two_dir_uris_under_one_name_after_left_strip_are_refused() {
    let options = RecordOptions {
        lstrip: Lstrip::new(["x/"]).unwrap(),
        resolvers: resolvers_in(&data()),
        ..RecordOptions::default()
    };
    // The same directory given twice, with left-strip on: the reference raises PrefixError.
    match record(&["dir:tree/B", "dir:tree/B"], &options, None) {
        Err(HashError::StripCollision {
            name,
            first,
            second,
        }) => {
            assert_eq!(name, "dir:tree/B");
            assert_eq!(
                (first.as_str(), second.as_str()),
                ("dir:tree/B", "dir:tree/B")
            );
        }
        other => panic!("{other:?}"),
    }
    // Without left-strip it is recorded once.
    let recorded = record(
        &["dir:tree/B", "dir:tree/B"],
        &RecordOptions {
            resolvers: resolvers_in(&data()),
            ..RecordOptions::default()
        },
        None,
    )
    .unwrap();
    assert_eq!(recorded.artifacts.len(), 1);
}
