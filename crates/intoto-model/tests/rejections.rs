//! Every rejection path of the model: each test asserts the error variant and the JSON path.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intoto_model::{Layout, Link, ModelError, SignedContent, Statement};
use serde_json::{Value, json};

const K1: &str = "2f89b9272acfc8f4a0a0f094d789fdb0ba798b0fe41f2f5f417c12f0085ff498";
const H: &str = "74dc3727c6e89308b39e4dfedf787e37841198b1fa165a27c013544a60502549";

/// Asserts `Invalid` and returns its path.
fn path<T: std::fmt::Debug>(r: Result<T, ModelError>) -> String {
    match r {
        Err(ModelError::Invalid { path, .. }) => path,
        other => panic!("expected ModelError::Invalid, got {other:?}"),
    }
}

fn layout() -> Value {
    json!({
        "_type": "layout", "expires": "2030-01-01T00:00:00Z", "readme": "",
        "keys": {K1: {"keyid": K1, "keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "00"}}},
        "steps": [{"_type": "step", "name": "build", "threshold": 1, "pubkeys": [K1],
                   "expected_command": ["make"], "expected_materials": [["ALLOW", "*"]], "expected_products": []}],
        "inspect": [{"_type": "inspection", "name": "check", "run": ["ls"],
                     "expected_materials": [], "expected_products": []}]
    })
}

/// Applies `edit` to a valid layout and returns the path of the error.
fn layout_error(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = layout();
    Layout::from_value(&v).expect("the base layout is valid");
    edit(&mut v);
    path(Layout::from_value(&v))
}

fn link() -> Value {
    json!({"_type": "link", "name": "build", "command": ["make"], "materials": {"a.txt": {"sha256": H}},
           "products": {}, "byproducts": {"stdout": "", "return-value": 0}, "environment": {}})
}

fn link_error(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = link();
    Link::from_value(&v).expect("the base link is valid");
    edit(&mut v);
    path(Link::from_value(&v))
}

fn statement() -> Value {
    json!({"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "a", "digest": {"sha256": H}}],
           "predicateType": "https://example.com/p", "predicate": {}})
}

fn statement_error(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = statement();
    Statement::from_value(&v).expect("the base statement is valid");
    edit(&mut v);
    path(Statement::from_value(&v))
}

// --- layout: format ---

#[test]
fn layout_not_an_object() {
    assert_eq!(path(Layout::from_value(&json!([]))), "$");
}
#[test]
fn layout_wrong_type() {
    assert_eq!(layout_error(|v| v["_type"] = json!("link")), "_type");
}
#[test]
fn layout_missing_type() {
    assert_eq!(
        layout_error(|v| drop(v.as_object_mut().unwrap().remove("_type"))),
        "_type"
    );
}
#[test]
fn layout_missing_steps() {
    assert_eq!(
        layout_error(|v| drop(v.as_object_mut().unwrap().remove("steps"))),
        "steps"
    );
}
#[test]
fn layout_missing_readme() {
    assert_eq!(
        layout_error(|v| drop(v.as_object_mut().unwrap().remove("readme"))),
        "readme"
    );
}
#[test]
fn layout_mistyped_readme() {
    assert_eq!(layout_error(|v| v["readme"] = json!(1)), "readme");
}
#[test]
fn layout_steps_not_a_list() {
    assert_eq!(layout_error(|v| v["steps"] = json!({})), "steps");
}
#[test]
fn layout_bad_timestamp() {
    assert_eq!(
        layout_error(|v| v["expires"] = json!("2030-02-30T00:00:00Z")),
        "expires"
    );
}
#[test]
fn layout_timestamp_without_zone() {
    assert_eq!(
        layout_error(|v| v["expires"] = json!("2030-01-01T00:00:00")),
        "expires"
    );
}
#[test]
fn layout_keys_not_an_object() {
    assert_eq!(layout_error(|v| v["keys"] = json!([])), "keys");
}
#[test]
fn layout_bad_key_id_as_map_key() {
    assert_eq!(layout_error(|v| v["keys"] = json!({"XY": {}})), "keys.XY");
}
#[test]
fn layout_mistyped_key_material() {
    assert_eq!(
        layout_error(|v| v["keys"][K1]["keyval"]["public"] = json!(1)),
        format!("keys.{K1}.keyval.public")
    );
}
#[test]
fn step_wrong_type() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["_type"] = json!("inspection")),
        "steps[0]._type"
    );
}
#[test]
fn step_missing_name() {
    assert_eq!(
        layout_error(|v| drop(v["steps"][0].as_object_mut().unwrap().remove("name"))),
        "steps[0].name"
    );
}
#[test]
fn step_name_with_path_separator() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["name"] = json!("../x")),
        "steps[0].name"
    );
}
#[test]
fn step_float_threshold() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["threshold"] = json!(1.0)),
        "steps[0].threshold"
    );
}
#[test]
fn step_negative_threshold() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["threshold"] = json!(-1)),
        "steps[0].threshold"
    );
}
#[test]
fn step_string_threshold() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["threshold"] = json!("1")),
        "steps[0].threshold"
    );
}
#[test]
fn step_bad_hex_pubkey() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["pubkeys"][0] = json!("not-hex")),
        "steps[0].pubkeys[0]"
    );
}
#[test]
fn step_expected_command_not_a_list() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["expected_command"] = json!("make")),
        "steps[0].expected_command"
    );
}
#[test]
fn step_expected_command_with_a_number() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["expected_command"] = json!(["make", 1])),
        "steps[0].expected_command[1]"
    );
}
#[test]
fn rules_not_a_list() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["expected_materials"] = json!("ALLOW *")),
        "steps[0].expected_materials"
    );
}
#[test]
fn rule_not_a_list() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["expected_materials"][0] = json!("ALLOW *")),
        "steps[0].expected_materials[0]"
    );
}
#[test]
fn rule_with_a_number() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["expected_materials"][0] = json!(["ALLOW", 1])),
        "steps[0].expected_materials[0][1]"
    );
}
#[test]
fn inspection_wrong_type() {
    assert_eq!(
        layout_error(|v| v["inspect"][0]["_type"] = json!("step")),
        "inspect[0]._type"
    );
}
#[test]
fn inspection_run_not_a_list() {
    assert_eq!(
        layout_error(|v| v["inspect"][0]["run"] = json!("ls")),
        "inspect[0].run"
    );
}

// --- layout: validation ---

#[test]
fn zero_threshold() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["threshold"] = json!(0)),
        "steps[0].threshold"
    );
}
#[test]
fn pubkey_not_in_keys() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["pubkeys"] = json!([K1, "abcd"])),
        "steps[0].pubkeys[1]"
    );
}
#[test]
fn key_id_differs_from_map_key() {
    assert_eq!(
        layout_error(|v| v["keys"][K1]["keyid"] = json!("abcd")),
        format!("keys.{K1}.keyid")
    );
}
#[test]
fn empty_rule() {
    assert_eq!(
        layout_error(|v| v["steps"][0]["expected_products"] = json!([[]])),
        "steps[0].expected_products[0]"
    );
}
#[test]
fn empty_rule_in_inspection() {
    assert_eq!(
        layout_error(|v| v["inspect"][0]["expected_materials"] = json!([["ALLOW", "*"], []])),
        "inspect[0].expected_materials[1]"
    );
}
#[test]
fn duplicate_step_names() {
    assert_eq!(
        layout_error(|v| {
            let step = v["steps"][0].clone();
            v["steps"].as_array_mut().unwrap().push(step);
        }),
        "steps[1].name"
    );
}
#[test]
fn duplicate_inspection_names() {
    assert_eq!(
        layout_error(|v| {
            let inspection = v["inspect"][0].clone();
            v["inspect"].as_array_mut().unwrap().push(inspection);
        }),
        "inspect[1].name"
    );
}
#[test]
fn inspection_named_like_a_step() {
    assert_eq!(
        layout_error(|v| v["inspect"][0]["name"] = json!("build")),
        "inspect[0].name"
    );
}
#[test]
fn inspection_with_nothing_to_run() {
    let mut v = layout();
    v["inspect"][0]["run"] = json!([]);
    let err = Layout::from_value(&v).unwrap_err();
    assert!(
        err.to_string()
            .contains("inspect[0].run: an inspection must have a command"),
        "{err}"
    );
}
#[test]
fn paths_are_prefixed_by_the_caller() {
    let mut v = layout();
    v["steps"][0]["threshold"] = json!(-3);
    let err = Layout::from_value(&v).unwrap_err().within("signed");
    assert_eq!(path::<()>(Err(err)), "signed.steps[0].threshold");
}

// --- link ---

#[test]
fn link_wrong_type() {
    assert_eq!(link_error(|v| v["_type"] = json!("layout")), "_type");
}
#[test]
fn link_missing_products() {
    assert_eq!(
        link_error(|v| drop(v.as_object_mut().unwrap().remove("products"))),
        "products"
    );
}
#[test]
fn link_missing_name() {
    assert_eq!(
        link_error(|v| drop(v.as_object_mut().unwrap().remove("name"))),
        "name"
    );
}
#[test]
fn link_command_with_a_number() {
    assert_eq!(link_error(|v| v["command"] = json!([1])), "command[0]");
}
#[test]
fn link_bad_hex_digest() {
    assert_eq!(
        link_error(|v| v["materials"]["a.txt"]["sha256"] = json!("zz")),
        "materials[\"a.txt\"].sha256"
    );
}
#[test]
fn link_uppercase_digest() {
    assert_eq!(
        link_error(|v| v["materials"]["a.txt"]["sha256"] = json!(H.to_uppercase())),
        "materials[\"a.txt\"].sha256"
    );
}
#[test]
fn link_short_digest() {
    assert_eq!(
        link_error(|v| v["materials"]["a.txt"]["sha256"] = json!("abcd")),
        "materials[\"a.txt\"].sha256"
    );
}
#[test]
fn link_digest_set_not_an_object() {
    assert_eq!(
        link_error(|v| v["materials"]["a.txt"] = json!(H)),
        "materials[\"a.txt\"]"
    );
}
#[test]
fn link_empty_artifact_path() {
    assert_eq!(
        link_error(|v| v["products"] = json!({"": {"sha256": H}})),
        "products[\"\"]"
    );
}
#[test]
fn link_float_return_value() {
    assert_eq!(
        link_error(|v| v["byproducts"]["return-value"] = json!(0.0)),
        "byproducts.return-value"
    );
}
#[test]
fn link_stdout_not_a_string() {
    assert_eq!(
        link_error(|v| v["byproducts"]["stdout"] = json!(null)),
        "byproducts.stdout"
    );
}
#[test]
fn link_environment_not_an_object() {
    assert_eq!(link_error(|v| v["environment"] = json!([])), "environment");
}

// --- statement ---

#[test]
fn statement_wrong_type() {
    assert_eq!(
        statement_error(|v| v["_type"] = json!("https://in-toto.io/Statement/v2")),
        "_type"
    );
}
#[test]
fn statement_both_type_spellings() {
    assert_eq!(
        statement_error(|v| v["type"] = json!("https://in-toto.io/Statement/v1")),
        "type"
    );
}
#[test]
fn statement_no_subject() {
    assert_eq!(statement_error(|v| v["subject"] = json!([])), "subject");
}
#[test]
fn statement_subject_without_digest() {
    assert_eq!(
        statement_error(|v| v["subject"][0] = json!({"uri": "https://x"})),
        "subject[0].digest"
    );
}
#[test]
fn statement_subject_without_identifier() {
    assert_eq!(
        statement_error(|v| v["subject"][0] = json!({"name": "x"})),
        "subject[0]"
    );
}
#[test]
fn statement_bad_subject_digest() {
    assert_eq!(
        statement_error(|v| v["subject"][0]["digest"]["gitCommit"] = json!("abc")),
        "subject[0].digest.gitCommit"
    );
}
#[test]
fn statement_bad_content() {
    assert_eq!(
        statement_error(|v| v["subject"][0]["content"] = json!("***")),
        "subject[0].content"
    );
}
#[test]
fn statement_missing_predicate_type() {
    assert_eq!(
        statement_error(|v| drop(v.as_object_mut().unwrap().remove("predicateType"))),
        "predicateType"
    );
}
#[test]
fn statement_predicate_not_an_object() {
    assert_eq!(statement_error(|v| v["predicate"] = json!([])), "predicate");
}

// --- dispatch ---

#[test]
fn signed_content_unknown_type() {
    assert_eq!(
        path(SignedContent::from_value(&json!({"_type": "step"}))),
        "_type"
    );
}
#[test]
fn signed_content_error_inside_a_link() {
    let mut v = link();
    v["command"] = json!("make");
    assert_eq!(path(SignedContent::from_value(&v)), "command");
}
