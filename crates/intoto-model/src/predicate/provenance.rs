//! SLSA provenance: v1 (read and written) and v0.2 (read, for existing attestations such as
//! npm's).

use serde_json::{Map, Value};

use super::{descriptors_to_value, opt_descriptors, put};
use crate::{
    DigestSet, ModelError, ResourceDescriptor,
    digest::read_digest_set,
    reader::{Fields, object},
};

/// `https://slsa.dev/provenance/v1`.
///
/// Difference from the SLSA text: `buildDefinition.externalParameters` is REQUIRED there but
/// optional here, because deployed producers (and the in-toto attestation-verifier test data)
/// omit it; [`ProvenanceV1::missing_required`] lists such gaps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvenanceV1 {
    /// `buildDefinition`.
    pub build_definition: BuildDefinition,
    /// `runDetails`.
    pub run_details: RunDetails,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

/// `buildDefinition` of SLSA provenance v1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildDefinition {
    /// `buildType` (a URI).
    pub build_type: String,
    /// `externalParameters` (an object; see [`ProvenanceV1`] on why it is optional).
    pub external_parameters: Option<Map<String, Value>>,
    /// `internalParameters`.
    pub internal_parameters: Option<Map<String, Value>>,
    /// `resolvedDependencies`: the build's materials.
    pub resolved_dependencies: Vec<ResourceDescriptor>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

/// `runDetails` of SLSA provenance v1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunDetails {
    /// `builder`.
    pub builder: Builder,
    /// `metadata`.
    pub metadata: Option<BuildMetadata>,
    /// `byproducts`.
    pub byproducts: Vec<ResourceDescriptor>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

/// `runDetails.builder` (v1) or `builder` (v0.2).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Builder {
    /// `id` (a URI).
    pub id: String,
    /// `version` (v1): component name -> version.
    pub version: Option<Map<String, Value>>,
    /// `builderDependencies` (v1).
    pub builder_dependencies: Vec<ResourceDescriptor>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

/// `runDetails.metadata` (v1); timestamps are kept as written (RFC 3339).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildMetadata {
    /// `invocationId`.
    pub invocation_id: Option<String>,
    /// `startedOn`.
    pub started_on: Option<String>,
    /// `finishedOn`.
    pub finished_on: Option<String>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

fn opt_object(
    f: &mut Fields<'_>,
    key: &'static str,
) -> Result<Option<Map<String, Value>>, ModelError> {
    match f.optional(key) {
        Some(v) => Ok(Some(object(v, &f.path(key))?.clone())),
        None => Ok(None),
    }
}

impl ProvenanceV1 {
    /// Reads the predicate object (paths relative to it).
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        let build_definition = BuildDefinition::read(f.required("buildDefinition")?)?;
        let run_details = RunDetails::read(f.required("runDetails")?)?;
        Ok(ProvenanceV1 {
            build_definition,
            run_details,
            extra: f.unknown(),
        })
    }

    /// The JSON object.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("buildDefinition".into(), self.build_definition.to_value());
        m.insert("runDetails".into(), self.run_details.to_value());
        Value::Object(m)
    }

    /// Paths of fields the SLSA text requires that are absent.
    pub fn missing_required(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.build_definition.external_parameters.is_none() {
            out.push("predicate.buildDefinition.externalParameters");
        }
        out
    }
}

impl BuildDefinition {
    fn read(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "buildDefinition")?;
        Ok(BuildDefinition {
            build_type: f.string("buildType")?,
            external_parameters: opt_object(&mut f, "externalParameters")?,
            internal_parameters: opt_object(&mut f, "internalParameters")?,
            resolved_dependencies: opt_descriptors(
                f.optional("resolvedDependencies"),
                "buildDefinition.resolvedDependencies",
            )?,
            extra: f.unknown(),
        })
    }

    fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("buildType".into(), self.build_type.clone().into());
        put(
            &mut m,
            "externalParameters",
            self.external_parameters.clone().map(Value::Object),
        );
        put(
            &mut m,
            "internalParameters",
            self.internal_parameters.clone().map(Value::Object),
        );
        if !self.resolved_dependencies.is_empty() {
            m.insert(
                "resolvedDependencies".into(),
                descriptors_to_value(&self.resolved_dependencies),
            );
        }
        Value::Object(m)
    }
}

impl RunDetails {
    fn read(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "runDetails")?;
        let builder = Builder::read(f.required("builder")?, "runDetails.builder")?;
        let metadata = match f.optional("metadata") {
            Some(m) => Some(BuildMetadata::read(m)?),
            None => None,
        };
        Ok(RunDetails {
            builder,
            metadata,
            byproducts: opt_descriptors(f.optional("byproducts"), "runDetails.byproducts")?,
            extra: f.unknown(),
        })
    }

    fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("builder".into(), self.builder.to_value());
        put(
            &mut m,
            "metadata",
            self.metadata.as_ref().map(BuildMetadata::to_value),
        );
        if !self.byproducts.is_empty() {
            m.insert("byproducts".into(), descriptors_to_value(&self.byproducts));
        }
        Value::Object(m)
    }
}

impl Builder {
    fn read(v: &Value, path: &str) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, path)?;
        Ok(Builder {
            id: f.string("id")?,
            version: opt_object(&mut f, "version")?,
            builder_dependencies: opt_descriptors(
                f.optional("builderDependencies"),
                &f.path("builderDependencies"),
            )?,
            extra: f.unknown(),
        })
    }

    fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("id".into(), self.id.clone().into());
        put(&mut m, "version", self.version.clone().map(Value::Object));
        if !self.builder_dependencies.is_empty() {
            m.insert(
                "builderDependencies".into(),
                descriptors_to_value(&self.builder_dependencies),
            );
        }
        Value::Object(m)
    }
}

impl BuildMetadata {
    fn read(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "runDetails.metadata")?;
        Ok(BuildMetadata {
            invocation_id: f.opt_string("invocationId")?,
            started_on: f.opt_string("startedOn")?,
            finished_on: f.opt_string("finishedOn")?,
            extra: f.unknown(),
        })
    }

    fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(
            &mut m,
            "invocationId",
            self.invocation_id.clone().map(Value::String),
        );
        put(
            &mut m,
            "startedOn",
            self.started_on.clone().map(Value::String),
        );
        put(
            &mut m,
            "finishedOn",
            self.finished_on.clone().map(Value::String),
        );
        Value::Object(m)
    }
}

/// `https://slsa.dev/provenance/v0.2` (read; written back as read).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvenanceV02 {
    /// `builder` (only `id` is defined).
    pub builder: Builder,
    /// `buildType` (a URI).
    pub build_type: String,
    /// `invocation`.
    pub invocation: Option<Invocation>,
    /// `buildConfig`, kept as JSON.
    pub build_config: Option<Value>,
    /// `metadata`, kept as JSON.
    pub metadata: Option<Map<String, Value>>,
    /// `materials`: `{uri, digest}` entries.
    pub materials: Vec<ResourceDescriptor>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

/// `invocation` of SLSA provenance v0.2.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Invocation {
    /// `configSource`.
    pub config_source: Option<ConfigSource>,
    /// `parameters`, kept as JSON.
    pub parameters: Option<Value>,
    /// `environment`, kept as JSON.
    pub environment: Option<Value>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

/// `invocation.configSource` of SLSA provenance v0.2.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigSource {
    /// `uri`.
    pub uri: Option<String>,
    /// `digest`.
    pub digest: Option<DigestSet>,
    /// `entryPoint`.
    pub entry_point: Option<String>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

impl ProvenanceV02 {
    /// Reads the predicate object (paths relative to it).
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        let builder = Builder::read(f.required("builder")?, "builder")?;
        let build_type = f.string("buildType")?;
        let invocation = match f.optional("invocation") {
            Some(i) => Some(Invocation::read(i)?),
            None => None,
        };
        let build_config = f.optional("buildConfig").cloned();
        let metadata = opt_object(&mut f, "metadata")?;
        let materials = opt_descriptors(f.optional("materials"), "materials")?;
        Ok(ProvenanceV02 {
            builder,
            build_type,
            invocation,
            build_config,
            metadata,
            materials,
            extra: f.unknown(),
        })
    }

    /// The JSON object.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("builder".into(), self.builder.to_value());
        m.insert("buildType".into(), self.build_type.clone().into());
        put(
            &mut m,
            "invocation",
            self.invocation.as_ref().map(Invocation::to_value),
        );
        put(&mut m, "buildConfig", self.build_config.clone());
        put(&mut m, "metadata", self.metadata.clone().map(Value::Object));
        if !self.materials.is_empty() {
            m.insert("materials".into(), descriptors_to_value(&self.materials));
        }
        Value::Object(m)
    }
}

impl Invocation {
    fn read(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "invocation")?;
        let config_source = match f.optional("configSource") {
            Some(c) => Some(ConfigSource::read(c)?),
            None => None,
        };
        Ok(Invocation {
            config_source,
            parameters: f.optional("parameters").cloned(),
            environment: f.optional("environment").cloned(),
            extra: f.unknown(),
        })
    }

    fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(
            &mut m,
            "configSource",
            self.config_source.as_ref().map(ConfigSource::to_value),
        );
        put(&mut m, "parameters", self.parameters.clone());
        put(&mut m, "environment", self.environment.clone());
        Value::Object(m)
    }
}

impl ConfigSource {
    fn read(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "invocation.configSource")?;
        let uri = f.opt_string("uri")?;
        let digest = match f.optional("digest") {
            Some(d) => Some(read_digest_set(d, &f.path("digest"))?),
            None => None,
        };
        Ok(ConfigSource {
            uri,
            digest,
            entry_point: f.opt_string("entryPoint")?,
            extra: f.unknown(),
        })
    }

    fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        put(&mut m, "uri", self.uri.clone().map(Value::String));
        put(
            &mut m,
            "digest",
            self.digest.as_ref().map(DigestSet::to_value),
        );
        put(
            &mut m,
            "entryPoint",
            self.entry_point.clone().map(Value::String),
        );
        Value::Object(m)
    }
}
