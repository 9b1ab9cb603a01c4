//! The test-result predicate v0.1: the outcome of running tests on the subjects.

use serde_json::{Map, Value};

use super::{descriptors_to_value, opt_descriptors, put};
use crate::{
    ModelError, ResourceDescriptor,
    reader::{Fields, string_list},
    step::strings_to_value,
};

/// `result` of a test-result predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestResultKind {
    /// `PASSED`.
    Passed,
    /// `WARNED`.
    Warned,
    /// `FAILED`.
    Failed,
}

impl TestResultKind {
    /// The spelling in the predicate.
    pub fn as_str(self) -> &'static str {
        match self {
            TestResultKind::Passed => "PASSED",
            TestResultKind::Warned => "WARNED",
            TestResultKind::Failed => "FAILED",
        }
    }
}

/// `https://in-toto.io/attestation/test-result/v0.1`.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    /// `result`.
    pub result: TestResultKind,
    /// `configuration`: the test configuration files.
    pub configuration: Vec<ResourceDescriptor>,
    /// `url` of the test run.
    pub url: Option<String>,
    /// `passedTests`.
    pub passed_tests: Vec<String>,
    /// `warnedTests`.
    pub warned_tests: Vec<String>,
    /// `failedTests`.
    pub failed_tests: Vec<String>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

impl TestResult {
    /// Reads the predicate object (paths relative to it).
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        let result = match f.string("result")?.as_str() {
            "PASSED" => TestResultKind::Passed,
            "WARNED" => TestResultKind::Warned,
            "FAILED" => TestResultKind::Failed,
            other => {
                return Err(ModelError::invalid(
                    "result",
                    format!("expected \"PASSED\", \"WARNED\" or \"FAILED\", found {other:?}"),
                ));
            }
        };
        let configuration = opt_descriptors(f.optional("configuration"), "configuration")?;
        let url = f.opt_string("url")?;
        let mut list = |key: &'static str| -> Result<Vec<String>, ModelError> {
            f.optional(key)
                .map_or(Ok(Vec::new()), |v| string_list(v, key))
        };
        let passed_tests = list("passedTests")?;
        let warned_tests = list("warnedTests")?;
        let failed_tests = list("failedTests")?;
        Ok(TestResult {
            result,
            configuration,
            url,
            passed_tests,
            warned_tests,
            failed_tests,
            extra: f.unknown(),
        })
    }

    /// The JSON object.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        m.insert("result".into(), self.result.as_str().into());
        m.insert(
            "configuration".into(),
            descriptors_to_value(&self.configuration),
        );
        put(&mut m, "url", self.url.clone().map(Value::String));
        m.insert("passedTests".into(), strings_to_value(&self.passed_tests));
        m.insert("warnedTests".into(), strings_to_value(&self.warned_tests));
        m.insert("failedTests".into(), strings_to_value(&self.failed_tests));
        Value::Object(m)
    }
}
