//! Recording one step as the reference's `runlib.in_toto_run` does: materials, the command,
//! products, then a [`Link`] with exactly the reference's fields.

use intoto_hash::{Progress, RecordOptions, Recorded, Skipped};
use intoto_model::{Artifacts, Byproducts, Link, StepName};

use crate::{
    RecordError, Side,
    command::{self, CommandOptions},
};

/// What to record for a step.
#[derive(Debug, Clone)]
pub struct Step {
    /// The step (or inspection) name.
    pub name: StepName,
    /// Paths recorded before the command.
    pub materials: Vec<String>,
    /// Paths recorded after the command.
    pub products: Vec<String>,
    /// The command as argv; empty for no command (`--no-command`).
    pub command: Vec<String>,
    /// How artifacts are recorded.
    pub artifacts: RecordOptions,
    /// How the command runs.
    pub run: CommandOptions,
}

/// A recorded link and what the caller should report about it.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The unsigned link.
    pub link: Link,
    /// Paths left out while recording (missing paths, dangling symlinks, ...).
    pub skipped: Vec<Skipped>,
    /// A captured stream hit the capture limit and was cut.
    pub truncated: bool,
}

impl Recording {
    /// The command's return value, if a command ran.
    pub fn return_value(&self) -> Option<i64> {
        self.link.byproducts.return_value
    }
}

/// A part of [`run_step`], announced before it starts (for progress displays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Recording materials.
    Materials,
    /// Running the command (its output goes to the terminal).
    Command,
    /// Recording products.
    Products,
    /// Done.
    Done,
}

/// Records materials, runs the command, records products. `progress` counts hashed files.
pub fn run_step(step: &Step, progress: Option<&Progress>) -> Result<Recording, RecordError> {
    run_step_observed(step, progress, &mut |_| {})
}

/// [`run_step`], calling `observe` before each phase.
pub fn run_step_observed(
    step: &Step,
    progress: Option<&Progress>,
    observe: &mut dyn FnMut(Phase),
) -> Result<Recording, RecordError> {
    let mut skipped = Vec::new();
    observe(Phase::Materials);
    let materials = record(
        step,
        Side::Materials,
        &step.materials,
        progress,
        &mut skipped,
    )?;
    let mut truncated = false;
    let byproducts = if step.command.is_empty() {
        Byproducts::default()
    } else {
        observe(Phase::Command);
        let outcome = command::run(step.name.as_str(), &step.command, &step.run)?;
        truncated = outcome.truncated;
        Byproducts {
            stdout: Some(python_text(&outcome.stdout)),
            stderr: Some(python_text(&outcome.stderr)),
            return_value: Some(outcome.return_value),
            other: Default::default(),
        }
    };
    observe(Phase::Products);
    let products = record(step, Side::Products, &step.products, progress, &mut skipped)?;
    observe(Phase::Done);
    let mut link = Link::new(step.name.clone());
    link.command = step.command.clone();
    link.materials = materials;
    link.products = products;
    link.byproducts = byproducts;
    Ok(Recording {
        link,
        skipped,
        truncated,
    })
}

/// Records one side's artifacts, collecting what was skipped.
pub(crate) fn record(
    step: &Step,
    side: Side,
    paths: &[String],
    progress: Option<&Progress>,
    skipped: &mut Vec<Skipped>,
) -> Result<Artifacts, RecordError> {
    let Recorded {
        artifacts,
        skipped: left_out,
    } = intoto_hash::record(paths, &step.artifacts, progress).map_err(|source| {
        RecordError::Artifacts {
            step: step.name.to_string(),
            side,
            source,
        }
    })?;
    skipped.extend(left_out);
    Ok(artifacts)
}

/// Captured output as the reference stores it: read in text mode, so UTF-8 with universal
/// newlines (`\r\n` and `\r` become `\n`). Bytes that are not UTF-8 become U+FFFD (the
/// reference fails with a `UnicodeDecodeError`).
pub fn python_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_mode_newlines_and_invalid_utf8() {
        assert_eq!(python_text(b"a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(python_text(b"\xffok"), "\u{fffd}ok");
    }

    #[test]
    fn no_command_means_empty_byproducts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f"), b"x").unwrap();
        let step = Step {
            name: StepName::new("s").unwrap(),
            materials: vec![".".into()],
            products: vec![],
            command: vec![],
            artifacts: RecordOptions {
                base_path: Some(dir.path().into()),
                ..RecordOptions::default()
            },
            run: CommandOptions::default(),
        };
        let rec = run_step(&step, None).unwrap();
        assert_eq!(rec.link.byproducts, Byproducts::default());
        assert_eq!(rec.link.materials.len(), 1);
        assert_eq!(rec.return_value(), None);
    }

    #[test]
    fn a_command_always_gives_three_byproducts() {
        let step = Step {
            name: StepName::new("s").unwrap(),
            materials: vec![],
            products: vec![],
            command: vec!["true".into()],
            artifacts: RecordOptions::default(),
            run: CommandOptions::default(),
        };
        let rec = run_step(&step, None).unwrap();
        assert_eq!(
            rec.link.byproducts.to_value(),
            serde_json::json!({"stdout": "", "stderr": "", "return-value": 0})
        );
    }
}
