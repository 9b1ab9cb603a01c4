//! A machine-readable record of every check the workflow made (`in-toto verify --format json`).
//!
//! The JSON form is a stable interface, described by `docs/verify-report.schema.json`:
//! [`REPORT_VERSION`] is raised whenever a field is removed, renamed or changes meaning;
//! fields may be added without raising it, so readers must ignore fields they do not know.

use serde::Serialize;

/// The version of the report's JSON form (the `report_version` field).
pub const REPORT_VERSION: u32 = 1;

/// Everything the workflow checked, in order, whether it passed or not.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`REPORT_VERSION`].
    pub report_version: u32,
    /// The layout file (the root layout, or a sublayout's link file).
    pub layout: String,
    /// Key ids whose signatures on the layout were required (the user's keys for the root
    /// layout, the functionary's key for a sublayout).
    pub layout_keys: Vec<String>,
    /// The layout's `expires`, once the layout was read.
    pub expires: Option<String>,
    /// Whether verification passed.
    pub verdict: Verdict,
    /// The first reason of a failure (`None` when it passed).
    pub error: Option<String>,
    /// One entry per step whose links were looked at, in layout order.
    pub steps: Vec<StepReport>,
    /// Rule checks, in the order they ran.
    pub rules: Vec<RuleReport>,
    /// Inspections, in the order they ran.
    pub inspections: Vec<InspectionReport>,
    /// Warnings (command mismatches, links by the same functionary counted once, ...).
    pub warnings: Vec<String>,
}

impl Report {
    /// An empty report for the layout at `layout`, verdict `fail` until it passes.
    pub fn new(layout: impl Into<String>, layout_keys: Vec<String>) -> Report {
        Report {
            report_version: REPORT_VERSION,
            layout: layout.into(),
            layout_keys,
            expires: None,
            verdict: Verdict::Fail,
            error: None,
            steps: Vec::new(),
            rules: Vec::new(),
            inspections: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

impl Default for Report {
    fn default() -> Self {
        Report::new(String::new(), Vec::new())
    }
}

/// The result of a verification, or of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// It passed.
    Pass,
    /// It failed.
    Fail,
}

/// The links considered for one step.
#[derive(Debug, Default, Clone, Serialize)]
pub struct StepReport {
    /// The step name.
    pub name: String,
    /// The step's threshold.
    pub threshold: u64,
    /// Every link file found and what became of it.
    pub links: Vec<LinkReport>,
    /// When the step's evidence is a sublayout: the report of its verification.
    pub sublayout: Option<Box<Report>>,
}

impl StepReport {
    /// The key ids whose links were accepted for the step (counted or not).
    pub fn accepted_keys(&self) -> impl Iterator<Item = &str> {
        self.links
            .iter()
            .filter(|l| l.status != LinkStatus::Skipped)
            .filter_map(|l| l.authorized_key.as_deref())
    }
}

/// One link file of a step.
#[derive(Debug, Clone, Serialize)]
pub struct LinkReport {
    /// The file path.
    pub file: String,
    /// The key id in the file name (a subkey's for OpenPGP subkeys).
    pub keyid: String,
    /// The layout key, authorized for the step, that the file's signature was checked with;
    /// `None` when no authorized key matches the file's key id.
    pub authorized_key: Option<String>,
    /// What became of the file.
    pub status: LinkStatus,
    /// Why it was skipped or counted once, or a note on a used link (signed with a
    /// certificate); `None` for a plain `used`.
    pub reason: Option<String>,
}

/// What became of a link file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkStatus {
    /// Its signature is valid and it counts toward the threshold.
    Used,
    /// Its signature is valid, but by the same functionary as an earlier link: used, counted
    /// once.
    Duplicate,
    /// Not used: unauthorized key or invalid signature (see `reason`).
    Skipped,
}

/// The outcome of one item's rules for one side.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    /// Step or inspection name.
    pub item: String,
    /// `"materials"` or `"products"`.
    pub side: String,
    /// Number of rules applied (on failure: up to and including the failing one).
    pub rules: usize,
    /// Whether every rule passed.
    pub verdict: Verdict,
    /// The failure, naming the rule and the artifacts.
    pub error: Option<String>,
}

/// One inspection.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionReport {
    /// The inspection name.
    pub name: String,
    /// The command.
    pub run: Vec<String>,
    /// Its return value, if it ran to the end.
    pub return_value: Option<i64>,
    /// Whether it ran and returned 0.
    pub verdict: Verdict,
    /// Why it failed.
    pub error: Option<String>,
}
