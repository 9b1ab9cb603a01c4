//! Creating attestations: a Statement (v1) from subjects, a predicate type and a predicate,
//! signed into a DSSE envelope.

use intoto_crypto::{PrivateKey, sign_envelope};
use intoto_model::{
    DigestSet, Envelope, IN_TOTO_PAYLOAD_TYPE, ResourceDescriptor, Statement, predicate::Predicate,
};
use serde_json::Value;

use crate::AttestError;

/// Parses `NAME=ALG:HEX` (e.g. `app.tar=sha256:e3b0...`) into a subject.
pub fn parse_subject(spec: &str) -> Result<ResourceDescriptor, AttestError> {
    let err = |message: &str| AttestError::Subject {
        spec: spec.to_owned(),
        message: message.to_owned(),
    };
    let (name, digest) = spec
        .rsplit_once('=')
        .ok_or_else(|| err("expected NAME=ALGORITHM:HEX"))?;
    let (algorithm, hex) = digest
        .split_once(':')
        .ok_or_else(|| err("expected NAME=ALGORITHM:HEX"))?;
    if name.is_empty() {
        return Err(err("the name is empty"));
    }
    let set = DigestSet::from_pairs([(algorithm, hex)]).map_err(|e| AttestError::Subject {
        spec: spec.to_owned(),
        message: e.to_string(),
    })?;
    Ok(ResourceDescriptor::named(name, set))
}

/// A v1 statement, validated as a reader would: at least one subject, each with a digest;
/// and, for the predicate types this crate models, a predicate of the right shape. Error
/// paths are those of the statement (`predicate.runDetails.builder.id`).
pub fn make_statement(
    subject: Vec<ResourceDescriptor>,
    predicate_type: &str,
    predicate: Value,
) -> Result<Statement, AttestError> {
    let statement = Statement::new(subject, predicate_type, predicate);
    let malformed = |error| AttestError::Malformed {
        file: "statement".into(),
        error,
    };
    let checked = Statement::from_value(&statement.to_value()).map_err(malformed)?;
    Predicate::of(&checked).map_err(malformed)?;
    Ok(checked)
}

/// The DSSE envelope of `statement` (payload: compact JSON with sorted keys), signed by each
/// key in turn.
pub fn sign_statement(
    statement: &Statement,
    keys: &[&PrivateKey],
) -> Result<Envelope, AttestError> {
    let payload =
        serde_json::to_vec(&statement.to_v1().to_value()).map_err(|e| AttestError::Layout {
            message: format!("cannot write the statement: {e}"),
        })?;
    let mut envelope = Envelope {
        payload,
        payload_type: IN_TOTO_PAYLOAD_TYPE.to_owned(),
        signatures: Vec::new(),
    };
    for key in keys {
        sign_envelope(&mut envelope, key).map_err(AttestError::Signing)?;
    }
    Ok(envelope)
}

/// The envelope file as the reference writes DSSE files (`json.dumps(sort_keys=True)`).
pub fn envelope_file(envelope: &Envelope) -> Vec<u8> {
    intoto_model::pyjson::compact_sorted(&envelope.to_value())
}

#[cfg(test)]
mod tests {
    use super::*;
    use intoto_crypto::{KeyType, verify_envelope};
    use serde_json::json;

    const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn subject_specs() {
        let rd = parse_subject(&format!("pkg:npm/x@1=sha256:{H}")).unwrap();
        assert_eq!(rd.name.as_deref(), Some("pkg:npm/x@1"));
        for bad in ["x", "x=sha256", "=sha256:00", "x=sha256:XY", "x=sha256:00"] {
            assert!(
                matches!(parse_subject(bad), Err(AttestError::Subject { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn statements_are_validated_signed_and_verified() {
        let key = PrivateKey::generate(KeyType::Ed25519).unwrap();
        let subject = vec![parse_subject(&format!("a={H}").replace("a=", "a=sha256:")).unwrap()];
        let st =
            make_statement(subject.clone(), "https://example.com/p/v1", json!({"k": 1})).unwrap();
        let env = sign_statement(&st, &[&key]).unwrap();
        verify_envelope(&env, key.public_key()).unwrap();
        let err = make_statement(
            subject,
            intoto_model::predicate::TEST_RESULT_V0_1,
            json!({}),
        )
        .unwrap_err();
        assert!(
            matches!(err, AttestError::Malformed { ref error, .. }
            if error.to_string().starts_with("predicate.result")),
            "{err}"
        );
        let err = make_statement(vec![], "x", json!({})).unwrap_err();
        assert!(err.to_string().contains("subject"), "{err}");
    }
}
