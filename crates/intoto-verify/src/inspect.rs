//! Inspections (step 10 of the workflow): each inspection's `run` command is executed in the
//! current directory, recording `.` as materials before and products after (the reference's
//! default excludes apply), exactly as `in-toto run` records a step. A command that cannot
//! start, times out or returns non-zero fails verification. As the reference, the inspection's
//! unsigned link is written to `INSPECTION.link` in the current directory unless
//! [`InspectionOptions::persist_links`] is off (in-toto#260).

use std::{collections::BTreeMap, path::Path, time::Duration};

use intoto_hash::RecordOptions;
use intoto_model::{Layout, Link, StepName};
use intoto_record::{Wrapper, command::CommandOptions, metadata};

use crate::{
    VerifyError,
    report::{InspectionReport, Report, Verdict},
};

/// How inspections run.
#[derive(Debug, Clone)]
pub struct InspectionOptions {
    /// Kill an inspection (and its process group) after this long.
    pub timeout: Duration,
    /// Write each inspection's link to `INSPECTION.link` in the current directory.
    pub persist_links: bool,
    /// Pass the inspection's output on to our stdout/stderr (the reference discards it).
    pub echo_output: bool,
}

impl Default for InspectionOptions {
    fn default() -> Self {
        InspectionOptions {
            timeout: Duration::from_secs(600),
            persist_links: true,
            echo_output: false,
        }
    }
}

/// Runs every inspection of the layout; returns their links by name.
pub fn run_all(
    layout: &Layout,
    options: &InspectionOptions,
    report: &mut Report,
) -> Result<BTreeMap<StepName, Link>, VerifyError> {
    let mut links = BTreeMap::new();
    for inspection in &layout.inspect {
        let step = intoto_record::Step {
            name: inspection.name.clone(),
            materials: vec![".".into()],
            products: vec![".".into()],
            command: inspection.run.clone(),
            artifacts: RecordOptions::default(),
            run: CommandOptions {
                record_streams: false,
                timeout: Some(options.timeout),
                echo: options.echo_output,
                ..CommandOptions::default()
            },
        };
        let failed = |reason: String| VerifyError::InspectionFailed {
            name: inspection.name.to_string(),
            run: inspection.run.clone(),
            reason,
        };
        let mut record = |return_value, error: Option<&VerifyError>| {
            report.inspections.push(InspectionReport {
                name: inspection.name.to_string(),
                run: inspection.run.clone(),
                return_value,
                verdict: if error.is_some() {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                },
                error: error.map(ToString::to_string),
            });
        };
        let recording = match intoto_record::run_step(&step, None) {
            Ok(recording) => recording,
            Err(e) => {
                let error = failed(e.to_string());
                record(None, Some(&error));
                return Err(error);
            }
        };
        let return_value = recording.return_value();
        let error = match return_value {
            Some(0) => None,
            Some(code) => Some(failed(format!("it returned {code}"))),
            None => Some(failed("it did not run".into())),
        };
        record(return_value, error.as_ref());
        if let Some(error) = error {
            return Err(error);
        }
        if options.persist_links {
            let file = metadata::mock_file_name(&inspection.name);
            let bytes = metadata::unsigned_file(&recording.link, Wrapper::Metablock);
            metadata::write_atomically(Path::new(&file), &bytes)
                .map_err(|e| failed(format!("cannot write '{file}': {e}")))?;
        }
        links.insert(inspection.name.clone(), recording.link);
    }
    Ok(links)
}
