//! A machine-readable record of every check the workflow made (`in-toto verify --format json`).

use serde::Serialize;

/// Everything the workflow checked, in order, whether it passed or not.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Report {
    /// The root layout file.
    pub layout: String,
    /// Key ids whose signatures on the root layout were checked.
    pub layout_keys: Vec<String>,
    /// The layout's `expires`.
    pub expires: Option<String>,
    /// One entry per step, in layout order.
    pub steps: Vec<StepReport>,
    /// Rule checks, in the order they ran.
    pub rules: Vec<RuleReport>,
    /// Inspections that ran.
    pub inspections: Vec<InspectionReport>,
    /// Warnings (command mismatches, links by the same functionary counted once, ...).
    pub warnings: Vec<String>,
    /// `"pass"` or `"fail"`.
    pub verdict: String,
    /// The first reason of a failure.
    pub error: Option<String>,
}

/// The links considered for one step.
#[derive(Debug, Default, Clone, Serialize)]
pub struct StepReport {
    /// The step name.
    pub name: String,
    /// The step's threshold.
    pub threshold: u64,
    /// Every link file looked at and what became of it.
    pub links: Vec<LinkReport>,
    /// Whether the step's evidence came from a sublayout.
    pub sublayout: bool,
}

/// One link file of a step.
#[derive(Debug, Clone, Serialize)]
pub struct LinkReport {
    /// The file path.
    pub file: String,
    /// The key id in the file name.
    pub keyid: String,
    /// `"used"`, or `"skipped: <reason>"`.
    pub status: String,
}

/// The outcome of one item's rules for one side.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    /// Step or inspection name.
    pub item: String,
    /// `"materials"` or `"products"`.
    pub side: String,
    /// Number of rules applied.
    pub rules: usize,
    /// `"pass"` or the failure.
    pub outcome: String,
}

/// One inspection run.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionReport {
    /// The inspection name.
    pub name: String,
    /// The command.
    pub run: Vec<String>,
    /// Its return value, if it ran.
    pub return_value: Option<i64>,
}
