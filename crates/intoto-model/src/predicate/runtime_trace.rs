//! The runtime-trace predicate v0.1: what a monitor observed while a process (usually a build)
//! ran.

use serde_json::{Map, Value};

use super::{descriptors_to_value, opt_descriptors, put};
use crate::{
    ModelError, ResourceDescriptor,
    reader::{Fields, object},
};

/// `https://in-toto.io/attestation/runtime-trace/v0.1`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuntimeTrace {
    /// `monitor.type`: a URI naming the monitor.
    pub monitor_type: String,
    /// `monitor` other than `type` (e.g. `metadata`), kept as JSON.
    pub monitor_extra: Map<String, Value>,
    /// `monitoredProcess`, kept as JSON (`hostID`, `type`, `event`).
    pub monitored_process: Map<String, Value>,
    /// `monitorLog.process`.
    pub process: Vec<ResourceDescriptor>,
    /// `monitorLog.network`.
    pub network: Vec<ResourceDescriptor>,
    /// `monitorLog.fileAccess`.
    pub file_access: Vec<ResourceDescriptor>,
    /// `monitorLog` other than the three lists.
    pub monitor_log_extra: Map<String, Value>,
    /// `metadata` (`buildStartedOn`, `buildFinishedOn`), kept as JSON.
    pub metadata: Option<Map<String, Value>>,
    /// Fields this crate does not model.
    pub extra: Map<String, Value>,
}

impl RuntimeTrace {
    /// Reads the predicate object (paths relative to it).
    pub fn from_value(v: &Value) -> Result<Self, ModelError> {
        let mut f = Fields::new(v, "")?;
        let mut monitor = Fields::new(f.required("monitor")?, "monitor")?;
        let monitor_type = monitor.string("type")?;
        let monitored_process =
            object(f.required("monitoredProcess")?, "monitoredProcess")?.clone();
        let mut log = Fields::new(f.required("monitorLog")?, "monitorLog")?;
        let process = opt_descriptors(log.optional("process"), "monitorLog.process")?;
        let network = opt_descriptors(log.optional("network"), "monitorLog.network")?;
        let file_access = opt_descriptors(log.optional("fileAccess"), "monitorLog.fileAccess")?;
        let metadata = match f.optional("metadata") {
            Some(m) => Some(object(m, "metadata")?.clone()),
            None => None,
        };
        Ok(RuntimeTrace {
            monitor_type,
            monitor_extra: monitor.unknown(),
            monitored_process,
            process,
            network,
            file_access,
            monitor_log_extra: log.unknown(),
            metadata,
            extra: f.unknown(),
        })
    }

    /// The JSON object.
    pub fn to_value(&self) -> Value {
        let mut m = self.extra.clone();
        let mut monitor = self.monitor_extra.clone();
        monitor.insert("type".into(), self.monitor_type.clone().into());
        m.insert("monitor".into(), Value::Object(monitor));
        m.insert(
            "monitoredProcess".into(),
            Value::Object(self.monitored_process.clone()),
        );
        let mut log = self.monitor_log_extra.clone();
        for (key, list) in [
            ("process", &self.process),
            ("network", &self.network),
            ("fileAccess", &self.file_access),
        ] {
            if !list.is_empty() {
                log.insert(key.into(), descriptors_to_value(list));
            }
        }
        m.insert("monitorLog".into(), Value::Object(log));
        put(&mut m, "metadata", self.metadata.clone().map(Value::Object));
        Value::Object(m)
    }
}
