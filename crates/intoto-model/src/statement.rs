//! The in-toto Attestation Framework: [`Statement`] (v1, and v0.1 for reading) and
//! [`ResourceDescriptor`]. The predicate is kept as raw JSON; its schema depends on
//! `predicateType`.

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::{
    DigestSet, ModelError,
    digest::read_digest_set,
    reader::{Fields, index, join, mistyped, object, push_unknown},
};

/// `_type` of a v1 Statement.
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";
/// `_type` of a v0.1 Statement (read only; [`Statement::new`] writes v1).
pub const STATEMENT_V0_1: &str = "https://in-toto.io/Statement/v0.1";

/// Which Statement version was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementVersion {
    /// `https://in-toto.io/Statement/v1`.
    V1,
    /// `https://in-toto.io/Statement/v0.1`.
    V0_1,
}

impl StatementVersion {
    /// The `_type` URI.
    pub fn type_uri(self) -> &'static str {
        match self {
            StatementVersion::V1 => STATEMENT_V1,
            StatementVersion::V0_1 => STATEMENT_V0_1,
        }
    }
}

/// A reference to a resource: at least one of `uri`, `digest` and `content` is set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceDescriptor {
    /// Name, e.g. a file path.
    pub name: Option<String>,
    /// Where the resource is identified.
    pub uri: Option<String>,
    /// Digests of the resource.
    pub digest: Option<DigestSet>,
    /// The resource itself (written as standard base64).
    pub content: Option<Vec<u8>>,
    /// `downloadLocation`.
    pub download_location: Option<String>,
    /// `mediaType`.
    pub media_type: Option<String>,
    /// Free-form annotations.
    pub annotations: Option<Map<String, Value>>,
    /// Fields this crate does not model, kept as written.
    pub extra: Map<String, Value>,
}

/// An attestation Statement: subjects, predicate type and predicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The `_type` version.
    pub version: StatementVersion,
    /// The artifacts the statement is about; each has a non-empty digest.
    pub subject: Vec<ResourceDescriptor>,
    /// URI naming the predicate's schema.
    pub predicate_type: String,
    /// The predicate (a JSON object), if present.
    pub predicate: Option<Value>,
    /// Fields this crate does not model, kept as written.
    pub extra: Map<String, Value>,
}

impl ResourceDescriptor {
    /// A descriptor `{"name", "digest"}` as used for subjects.
    pub fn named(name: impl Into<String>, digest: DigestSet) -> Self {
        ResourceDescriptor {
            name: Some(name.into()),
            digest: Some(digest),
            ..ResourceDescriptor::default()
        }
    }

    /// Reads a resource descriptor (paths in errors are relative to it).
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        ResourceDescriptor::read(v, "")
    }

    pub(crate) fn read(v: &Value, path: &str) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, path)?;
        let name = f.opt_string("name")?;
        let uri = f.opt_string("uri")?;
        let digest = match f.optional("digest") {
            Some(d) => Some(read_digest_set(d, &f.path("digest"))?),
            None => None,
        };
        let content = match f.opt_string("content")? {
            Some(b64) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| {
                        ModelError::invalid(f.path("content"), format!("not valid base64: {e}"))
                    })?,
            ),
            None => None,
        };
        let download_location = f.opt_string("downloadLocation")?;
        let media_type = f.opt_string("mediaType")?;
        let annotations = match f.optional("annotations") {
            Some(a) => Some(object(a, &f.path("annotations"))?.clone()),
            None => None,
        };
        if uri.is_none() && digest.is_none() && content.is_none() {
            return Err(ModelError::invalid(
                if path.is_empty() { "$" } else { path },
                "a resource descriptor needs at least one of \"uri\", \"digest\" and \"content\"",
            ));
        }
        Ok(ResourceDescriptor {
            name,
            uri,
            digest,
            content,
            download_location,
            media_type,
            annotations,
            extra: f.unknown(),
        })
    }

    /// The JSON object with the fields that are set.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.into(), v);
            }
        };
        put("name", self.name.clone().map(Value::String));
        put("uri", self.uri.clone().map(Value::String));
        put("digest", self.digest.as_ref().map(DigestSet::to_value));
        put(
            "content",
            self.content
                .as_ref()
                .map(|c| Value::String(base64::engine::general_purpose::STANDARD.encode(c))),
        );
        put(
            "downloadLocation",
            self.download_location.clone().map(Value::String),
        );
        put("mediaType", self.media_type.clone().map(Value::String));
        put("annotations", self.annotations.clone().map(Value::Object));
        Value::Object(m)
    }
}

impl Statement {
    /// A v1 statement.
    pub fn new(
        subject: Vec<ResourceDescriptor>,
        predicate_type: impl Into<String>,
        predicate: Value,
    ) -> Self {
        Statement {
            version: StatementVersion::V1,
            subject,
            predicate_type: predicate_type.into(),
            predicate: Some(predicate),
            extra: Map::new(),
        }
    }

    /// Reads a v1 or v0.1 statement; error paths are relative to the statement object. A
    /// statement that spells `_type` as `type` (protojson's proto field name) is accepted and
    /// written back with `_type`.
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        // protojson-based producers may write the proto field name `type` instead of the JSON
        // name `_type` (the attestation-verifier test data does); protojson readers accept
        // both, so we do too, unless both are present.
        let type_uri = match (f.optional("_type"), f.optional("type")) {
            (Some(_), Some(_)) => {
                return Err(ModelError::invalid(
                    "type",
                    "both \"_type\" and \"type\" are present",
                ));
            }
            (None, Some(t)) => crate::reader::string(t, "type")?,
            _ => f.string("_type")?,
        };
        let version = match type_uri.as_str() {
            STATEMENT_V1 => StatementVersion::V1,
            STATEMENT_V0_1 => StatementVersion::V0_1,
            other => {
                return Err(ModelError::invalid(
                    "_type",
                    format!("expected {STATEMENT_V1:?} or {STATEMENT_V0_1:?}, found {other:?}"),
                ));
            }
        };
        let subjects = f.required("subject")?;
        let items = subjects
            .as_array()
            .ok_or_else(|| mistyped("subject", "an array", subjects))?;
        if items.is_empty() {
            return Err(ModelError::invalid(
                "subject",
                "a statement needs at least one subject",
            ));
        }
        let mut subject = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = index("subject", i);
            let rd = ResourceDescriptor::read(item, &path)?;
            if rd.digest.as_ref().is_none_or(DigestSet::is_empty) {
                return Err(ModelError::invalid(
                    join(&path, "digest"),
                    "a subject needs a non-empty digest",
                ));
            }
            subject.push(rd);
        }
        let predicate_type = f.string("predicateType")?;
        if predicate_type.is_empty() {
            return Err(ModelError::invalid("predicateType", "must not be empty"));
        }
        let predicate = match f.optional("predicate") {
            Some(p) => Some(Value::Object(object(p, "predicate")?.clone())),
            None => None,
        };
        Ok(Statement {
            version,
            subject,
            predicate_type,
            predicate,
            extra: f.unknown(),
        })
    }

    /// The same statement as a v1 statement (what this crate writes; v0.1 and v1 differ only
    /// in `_type`).
    pub fn to_v1(&self) -> Statement {
        Statement {
            version: StatementVersion::V1,
            ..self.clone()
        }
    }

    /// The JSON object.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("_type".into(), self.version.type_uri().into());
        m.insert(
            "subject".into(),
            self.subject
                .iter()
                .map(ResourceDescriptor::to_value)
                .collect(),
        );
        m.insert("predicateType".into(), self.predicate_type.clone().into());
        if let Some(p) = &self.predicate {
            m.insert("predicate".into(), p.clone());
        }
        Value::Object(m)
    }

    /// Paths of fields this crate does not model (outside the predicate).
    pub fn unknown_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        push_unknown(&mut out, "", &self.extra);
        for (i, s) in self.subject.iter().enumerate() {
            push_unknown(&mut out, &index("subject", i), &s.extra);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const H: &str = "74dc3727c6e89308b39e4dfedf787e37841198b1fa165a27c013544a60502549";

    #[test]
    fn v1_statement_round_trips() {
        let v = json!({"_type": STATEMENT_V1, "subject": [{"name": "foo.py", "digest": {"sha256": H}}],
            "predicateType": "https://in-toto.io/attestation/link/v0.3", "predicate": {"name": "x"}});
        let s = Statement::from_value(&v).unwrap();
        assert_eq!(s.version, StatementVersion::V1);
        assert_eq!(s.to_value(), v);
    }

    #[test]
    fn v0_1_statement_is_read() {
        let v = json!({"_type": STATEMENT_V0_1, "subject": [{"name": "_", "digest": {"sha256": H}}],
            "predicateType": "https://slsa.dev/provenance/v0.2", "predicate": {}});
        assert_eq!(
            Statement::from_value(&v).unwrap().version,
            StatementVersion::V0_1
        );
    }

    #[test]
    fn descriptor_content_round_trips_and_needs_an_identifier() {
        let v = json!({"content": "aGk=", "mediaType": "text/plain", "annotations": {"a": 1}});
        let rd = ResourceDescriptor::from_value(&v).unwrap();
        assert_eq!(rd.content.as_deref(), Some(&b"hi"[..]));
        assert_eq!(rd.to_value(), v);
        let err = ResourceDescriptor::from_value(&json!({"name": "x"})).unwrap_err();
        assert!(matches!(err, ModelError::Invalid { ref path, .. } if path == "$"));
    }
}
