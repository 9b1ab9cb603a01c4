//! Round trips of the spec's examples and one test per rejection path.

use serde_json::{Value, json};

use super::*;
use crate::{STATEMENT_V0_1, STATEMENT_V1, StatementVersion};

const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn statement(predicate_type: &str, predicate: Value) -> Statement {
    Statement::from_value(&json!({"_type": STATEMENT_V1,
        "subject": [{"name": "foo", "digest": {"sha256": H}}],
        "predicateType": predicate_type, "predicate": predicate}))
    .unwrap()
}

fn round_trip(predicate_type: &str, predicate: Value) -> Predicate {
    let p = Predicate::of(&statement(predicate_type, predicate.clone())).unwrap();
    assert_eq!(p.to_value(), predicate, "{predicate_type}");
    assert_eq!(p.predicate_type(), Some(predicate_type));
    p
}

fn rejection(predicate_type: &str, predicate: Value) -> (String, String) {
    match Predicate::of(&statement(predicate_type, predicate)) {
        Err(ModelError::Invalid { path, message }) => (path, message),
        other => panic!("{other:?}"),
    }
}

#[test]
fn link_v0_3_spec_example_round_trips_and_converts() {
    let v = json!({"name": "build", "command": ["make", "all"],
        "materials": [{"name": "src/main.c", "digest": {"sha256": H}}],
        "byproducts": {"return-value": 0, "stdout": "ok"}, "environment": {"CI": "1"}});
    let Predicate::Link(link) = round_trip(LINK_V0_3, v) else {
        panic!()
    };
    let st = statement(LINK_V0_3, link.to_value());
    let classic = link.to_link(&st.subject).unwrap();
    assert_eq!(classic.name.as_str(), "build");
    assert_eq!(classic.byproducts.return_value, Some(0));
    assert!(classic.products.keys().any(|p| p.as_str() == "foo"));
    let (back, subjects) = LinkPredicate::from_link(&classic);
    assert_eq!(back, link);
    assert_eq!(subjects, st.subject);
}

#[test]
fn link_rejections_name_the_path() {
    assert_eq!(rejection(LINK_V0_3, json!({})).0, "predicate.name");
    assert_eq!(
        rejection(LINK_V0_3, json!({"name": "a", "command": "make"})).0,
        "predicate.command"
    );
    let (path, _) = rejection(
        LINK_V0_3,
        json!({"name": "a", "materials": [{"name": "x", "digest": {"sha256": "XY"}}]}),
    );
    assert_eq!(path, "predicate.materials[0].digest.sha256");
    let link =
        LinkPredicate::from_value(&json!({"name": "a", "materials": [{"uri": "u"}]})).unwrap();
    let err = link.to_link(&[]).unwrap_err();
    assert_eq!(
        err,
        ModelError::invalid("predicate.materials[0].name", "missing field")
    );
    let bad = LinkPredicate::from_value(&json!({"name": "../x"})).unwrap();
    assert!(
        matches!(bad.to_link(&[]), Err(ModelError::Invalid { path, .. }) if path == "predicate.name")
    );
}

#[test]
fn missing_predicate_is_an_error_for_typed_types_only() {
    let mut st = statement(LINK_V0_3, json!({}));
    st.predicate = None;
    assert_eq!(
        Predicate::of(&st).unwrap_err(),
        ModelError::invalid("predicate", "missing field")
    );
    st.predicate_type = "https://example.com/custom/v1".into();
    assert_eq!(Predicate::of(&st).unwrap(), Predicate::Other(Value::Null));
}

#[test]
fn slsa_v1_spec_example_round_trips() {
    let v = json!({
        "buildDefinition": {
            "buildType": "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
            "externalParameters": {"workflow": {"ref": "refs/heads/main", "repository": "https://github.com/octocat/hello-world", "path": ".github/workflow/release.yml"}},
            "internalParameters": {"github": {"event_name": "push"}},
            "resolvedDependencies": [{"uri": "git+https://github.com/octocat/hello-world@refs/heads/main", "digest": {"gitCommit": "c27d339ee6075c1f744c5d4b200f7901aad2c369"}}]
        },
        "runDetails": {
            "builder": {"id": "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.5.0", "version": {"slsa-github-generator": "v1.5.0"}},
            "metadata": {"invocationId": "https://github.com/octocat/hello-world/actions/runs/1536140711/attempts/1", "startedOn": "2023-01-01T12:34:56Z"},
            "byproducts": [{"name": "log", "uri": "https://example.com/log"}]
        }
    });
    let Predicate::ProvenanceV1(p) = round_trip(SLSA_PROVENANCE_V1, v) else {
        panic!()
    };
    assert!(p.missing_required().is_empty());
    assert_eq!(p.build_definition.resolved_dependencies.len(), 1);
}

#[test]
fn slsa_v1_rejections_and_lenient_external_parameters() {
    let (path, _) = rejection(
        SLSA_PROVENANCE_V1,
        json!({"runDetails": {"builder": {"id": "x"}}}),
    );
    assert_eq!(path, "predicate.buildDefinition");
    let (path, _) = rejection(
        SLSA_PROVENANCE_V1,
        json!({"buildDefinition": {"buildType": "t"}, "runDetails": {"builder": {}}}),
    );
    assert_eq!(path, "predicate.runDetails.builder.id");
    let (path, _) = rejection(
        SLSA_PROVENANCE_V1,
        json!({"buildDefinition": {"buildType": "t", "resolvedDependencies": [{"name": "x"}]},
               "runDetails": {"builder": {"id": "b"}}}),
    );
    assert_eq!(path, "predicate.buildDefinition.resolvedDependencies[0]");
    let p = ProvenanceV1::from_value(
        &json!({"buildDefinition": {"buildType": "t"}, "runDetails": {"builder": {"id": "b"}}}),
    )
    .unwrap();
    assert_eq!(
        p.missing_required(),
        ["predicate.buildDefinition.externalParameters"]
    );
}

#[test]
fn slsa_v0_2_npm_example_reads() {
    let v = json!({"buildType": "https://github.com/npm/cli/gha/v2",
        "builder": {"id": "https://github.com/actions/runner"},
        "invocation": {"configSource": {"uri": "git+https://github.com/sigstore/sigstore-js@refs/heads/main",
            "digest": {"sha1": "5b8c0801d1f5d105351a403f58c38269de93f680"}, "entryPoint": ".github/workflows/release.yml"},
            "parameters": {}, "environment": {"GITHUB_REF": "refs/heads/main"}},
        "metadata": {"buildInvocationId": "1", "completeness": {"parameters": false}, "reproducible": false},
        "materials": [{"uri": "git+https://github.com/sigstore/sigstore-js@refs/heads/main",
            "digest": {"sha1": "5b8c0801d1f5d105351a403f58c38269de93f680"}}]});
    let Predicate::ProvenanceV02(p) = round_trip(SLSA_PROVENANCE_V0_2, v) else {
        panic!()
    };
    assert_eq!(p.materials[0].name, None);
    let (path, _) = rejection(SLSA_PROVENANCE_V0_2, json!({"builder": {"id": "b"}}));
    assert_eq!(path, "predicate.buildType");
    let (path, _) = rejection(
        SLSA_PROVENANCE_V0_2,
        json!({"builder": {"id": "b"}, "buildType": "t", "invocation": {"configSource": {"digest": {"sha1": "zz"}}}}),
    );
    assert_eq!(path, "predicate.invocation.configSource.digest.sha1");
}

#[test]
fn test_result_spec_example_round_trips() {
    let v = json!({"result": "PASSED",
        "configuration": [{"name": ".github/workflows/ci.yml", "downloadLocation": "https://github.com/in-toto/in-toto/blob/main/.github/workflows/ci.yml",
            "digest": {"gitBlob": "ebe4add40f63c3c98bc9b32ff1e736f04120b023"}}],
        "url": "https://github.com/in-toto/in-toto/actions/runs/4146069233/jobs/7171301719",
        "passedTests": ["build (3.7, ubuntu-latest, py)"], "warnedTests": [], "failedTests": []});
    let Predicate::TestResult(t) = round_trip(TEST_RESULT_V0_1, v) else {
        panic!()
    };
    assert_eq!(t.result, TestResultKind::Passed);
    let (path, message) = rejection(TEST_RESULT_V0_1, json!({"result": "OK"}));
    assert_eq!(path, "predicate.result");
    assert!(message.contains("PASSED"), "{message}");
    let (path, _) = rejection(
        TEST_RESULT_V0_1,
        json!({"result": "FAILED", "failedTests": [1]}),
    );
    assert_eq!(path, "predicate.failedTests[0]");
}

#[test]
fn runtime_trace_spec_example_round_trips() {
    let v = json!({"monitor": {"type": "https://github.com/cilium/tetragon", "metadata": {"v": 1}},
        "monitoredProcess": {"hostID": "https://github.com/actions/runner", "type": "https://github.com/actions/runner/build", "event": "build"},
        "monitorLog": {"process": [{"name": "make", "digest": {"sha256": H}}],
            "network": [{"uri": "https://example.com", "annotations": {"bytes": 10}}],
            "fileAccess": [{"name": "/etc/passwd", "digest": {"sha256": H}}]},
        "metadata": {"buildStartedOn": "2023-01-01T00:00:00Z", "buildFinishedOn": "2023-01-01T00:01:00Z"}});
    round_trip(RUNTIME_TRACE_V0_1, v);
    let (path, _) = rejection(
        RUNTIME_TRACE_V0_1,
        json!({"monitor": {}, "monitoredProcess": {}, "monitorLog": {}}),
    );
    assert_eq!(path, "predicate.monitor.type");
    let (path, _) = rejection(
        RUNTIME_TRACE_V0_1,
        json!({"monitor": {"type": "t"}, "monitoredProcess": {}, "monitorLog": {"network": [{"name": "x"}]}}),
    );
    assert_eq!(path, "predicate.monitorLog.network[0]");
}

#[test]
fn scai_spec_example_round_trips() {
    let v = json!({"attributes": [{"attribute": "WITH_STACK_PROTECTION",
            "conditions": {"flags": "-fstack-protector*"},
            "evidence": {"name": "gcc.log", "digest": {"sha256": H}, "mediaType": "text/plain"}},
            {"attribute": "REPRODUCIBLE", "target": {"uri": "https://example.com/app"}}],
        "producer": {"uri": "https://example.com/scai-generator", "name": "scai"}});
    let Predicate::Scai(s) = round_trip(SCAI_V0_2, v) else {
        panic!()
    };
    assert_eq!(s.attributes.len(), 2);
    let (path, _) = rejection(SCAI_V0_2, json!({"attributes": [{"target": {"uri": "u"}}]}));
    assert_eq!(path, "predicate.attributes[0].attribute");
    assert_eq!(rejection(SCAI_V0_2, json!({})).0, "predicate.attributes");
}

#[test]
fn unknown_predicates_are_kept_and_v0_1_is_written_as_v1() {
    let v = json!({"anything": [1, 2, {"x": null}]});
    let p = Predicate::of(&statement("https://example.com/custom/v1", v.clone())).unwrap();
    assert_eq!(p, Predicate::Other(v));
    let old = Statement::from_value(&json!({"_type": STATEMENT_V0_1,
        "subject": [{"name": "foo", "digest": {"sha256": H}}],
        "predicateType": "x", "predicate": {}}))
    .unwrap();
    let new = old.to_v1();
    assert_eq!(new.version, StatementVersion::V1);
    assert_eq!(new.to_value()["_type"], STATEMENT_V1);
}

#[test]
fn statement_rejections_name_the_path() {
    let base = |subject: Value| {
        Statement::from_value(&json!({"_type": STATEMENT_V1, "subject": subject,
            "predicateType": "x", "predicate": {}}))
    };
    let path_of = |r: Result<Statement, ModelError>| match r {
        Err(ModelError::Invalid { path, .. }) => path,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        path_of(base(json!([{"name": "a", "uri": "u"}]))),
        "subject[0].digest"
    );
    assert_eq!(
        path_of(base(json!([{"name": "a", "digest": {}}]))),
        "subject[0].digest"
    );
    assert_eq!(
        path_of(base(
            json!([{"name": "a", "digest": {"sha256": H.to_uppercase()}}])
        )),
        "subject[0].digest.sha256"
    );
    assert_eq!(
        path_of(base(json!([{"name": "a", "digest": {"sha512": H}}]))),
        "subject[0].digest.sha512"
    );
    assert_eq!(path_of(base(json!([]))), "subject");
}
