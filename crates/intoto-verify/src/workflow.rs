//! The verification workflow, in the reference's order (`in_toto_verify`):
//!
//! 1. every key the user passed has a valid signature on the root layout;
//! 2. the layout has not expired;
//! 3. parameters are substituted (only when parameters were given);
//! 4. each step's link files are loaded; 5. their signatures are checked and distinct
//!    functionaries counted toward the threshold;
//! 6. sublayouts are verified recursively and replaced by their summary links;
//! 7. commands are compared with `expected_command` (a warning only);
//! 8. links of a step with a threshold above one must agree;
//! 9. one link per step; the steps' artifact rules are applied;
//! 10. inspections run, then their rules are applied;
//! 11. the summary link is returned.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use intoto_model::{KeyId, Layout, Link, SignedDocument, Step, StepName};
use rayon::prelude::*;

use crate::{
    VerifyError, document,
    document::StepEvidence,
    keys::{LayoutKeys, TrustedKey, VerificationKey},
    links, params,
    report::{Report, StepReport, Verdict},
};

/// Sublayouts deeper than this are refused (a layout that names itself would loop forever).
pub const MAX_SUBLAYOUT_DEPTH: usize = 16;

/// How to verify.
#[derive(Debug, Clone)]
pub struct Options {
    /// Directory holding the link files (`--link-dir`).
    pub link_dir: PathBuf,
    /// The current time, as Unix seconds (the library reads no clock).
    pub now_unix: i64,
    /// Parameters to substitute into the layout; `None` leaves `{...}` untouched, as the
    /// reference's CLI does.
    pub params: Option<BTreeMap<String, String>>,
    /// How inspections run.
    pub inspections: crate::inspect::InspectionOptions,
    /// ITE-7: intermediate certificate authorities given at verification time
    /// (`--intermediate-certs`), used with the layout's `intermediatecas`.
    pub intermediate_certs: Vec<intoto_x509::Certificate>,
}

/// The result of a verification with the report of every check made.
#[derive(Debug)]
pub struct Outcome {
    /// What was checked.
    pub report: Report,
    /// The summary link on success, or the first reason for failure.
    pub result: Result<Link, VerifyError>,
}

/// Verifies the supply chain of the root layout at `layout_path` with the user's `keys`.
pub fn verify(layout_path: &Path, keys: &[VerificationKey], options: &Options) -> Outcome {
    let mut report = Report::new(
        layout_path.display().to_string(),
        keys.iter().map(|k| k.keyid().to_string()).collect(),
    );
    let trusted: Vec<TrustedKey> = keys.iter().map(TrustedKey::from).collect();
    let result = document::read(layout_path).and_then(|doc| {
        let ctx = Context { options, depth: 0 };
        ctx.verify_layout(
            &doc,
            layout_path,
            &trusted,
            &options.link_dir,
            options.params.as_ref(),
            "",
            &mut report,
        )
    });
    record_result(&mut report, &result);
    Outcome { report, result }
}

fn record_result<T>(report: &mut Report, result: &Result<T, VerifyError>) {
    match result {
        Ok(_) => report.verdict = Verdict::Pass,
        Err(e) => {
            report.verdict = Verdict::Fail;
            report.error = Some(e.to_string());
        }
    }
}

struct Context<'a> {
    options: &'a Options,
    depth: usize,
}

impl Context<'_> {
    #[allow(clippy::too_many_arguments)]
    fn verify_layout(
        &self,
        doc: &SignedDocument,
        path: &Path,
        layout_keys: &[TrustedKey],
        link_dir: &Path,
        parameters: Option<&BTreeMap<String, String>>,
        summary_name: &str,
        report: &mut Report,
    ) -> Result<Link, VerifyError> {
        // 1. Every key passed must have signed.
        if layout_keys.is_empty() {
            return Err(VerifyError::NoLayoutKeys);
        }
        for key in layout_keys {
            if let Err(reason) = key.verify(doc, self.options.now_unix) {
                return Err(VerifyError::LayoutSignature {
                    path: path.to_path_buf(),
                    keyid: key.keyid().map_or_else(String::new, ToString::to_string),
                    reason,
                });
            }
        }
        let mut layout = document::layout(doc, path)?;
        crate::keys::check_keyids(&layout, path)?;

        // 2. Expiry.
        report.expires = Some(layout.expires.to_string());
        if layout.expires.is_expired_at(self.options.now_unix) {
            return Err(VerifyError::LayoutExpired {
                path: path.to_path_buf(),
                expires: layout.expires,
            });
        }

        // 3. Parameters.
        if let Some(parameters) = parameters {
            params::substitute_layout(&mut layout, parameters)?;
        }
        crate::rules::check_layout_rules(&layout, path)?;

        // 4-6. Links, signatures, thresholds, sublayouts.
        let keys = LayoutKeys::new(&layout);
        let certs = intoto_x509::TrustStore::from_layout(&layout, &self.options.intermediate_certs)
            .map_err(|source| VerifyError::CertificateAuthorities {
                path: path.to_path_buf(),
                source,
            })?;
        let mut chain: BTreeMap<StepName, Vec<(String, Link)>> = BTreeMap::new();
        // Reading, parsing and signature checks of the steps' files are independent of each
        // other and most of the work with large links: done for all steps in parallel. Their
        // outcomes are then taken in layout order, so reports, warnings and the first error
        // are exactly those of doing one step after the other.
        let prepared: Vec<PreparedStep> = layout
            .steps
            .par_iter()
            .map(|step| prepare_step(step, &keys, &certs, link_dir, self.options.now_unix))
            .collect();
        for (step, prepared) in layout.steps.iter().zip(prepared) {
            let PreparedStep {
                report: mut step_report,
                warnings,
                files,
            } = prepared;
            report.warnings.extend(warnings);
            let verified = match files {
                Ok(v) => v,
                Err(e) => {
                    report.steps.push(step_report);
                    return Err(e);
                }
            };
            let mut step_links = Vec::with_capacity(verified.len());
            for (path, evidence) in verified {
                let file = path.display().to_string();
                let link = match evidence? {
                    PreparedEvidence::Link(link) => *link,
                    PreparedEvidence::Sublayout(v) => {
                        let (link, sub_report) =
                            self.verify_sublayout(step.name.as_str(), &v, &keys, link_dir, report);
                        step_report.sublayout = Some(Box::new(sub_report));
                        match link {
                            Ok(link) => link,
                            Err(e) => {
                                report.steps.push(step_report);
                                return Err(e);
                            }
                        }
                    }
                };
                if link.name.as_str() != step.name.as_str() {
                    report.warnings.push(format!(
                        "'{file}' is a link for step '{}', used for step '{}' (its file name); the reference does the same",
                        link.name, step.name
                    ));
                }
                // 7. Command alignment: a warning only.
                if link.command != step.expected_command {
                    let warning = format!(
                        "step '{}': '{file}' ran command {:?}, the layout expects {:?}",
                        step.name, link.command, step.expected_command
                    );
                    report.warnings.push(warning);
                }
                step_links.push((file, link));
            }
            // 8. Links of one step must agree.
            links::check_agreement(step, &step_links)?;
            report.steps.push(step_report);
            chain.insert(step.name.clone(), step_links);
        }

        // 9. One link per step; step rules.
        let reduced: BTreeMap<StepName, Link> = chain
            .into_iter()
            .filter_map(|(name, mut links)| {
                if links.is_empty() {
                    None
                } else {
                    Some((name, links.swap_remove(0).1))
                }
            })
            .collect();
        crate::rules::apply_step_rules(&layout, &reduced, report)?;

        // 10. Inspections and their rules.
        let inspected = crate::inspect::run_all(&layout, &self.options.inspections, report)?;
        // The steps' links by reference: copying them all would cost more than the rules.
        let mut combined: BTreeMap<&str, &Link> = reduced
            .iter()
            .map(|(name, link)| (name.as_str(), link))
            .collect();
        combined.extend(inspected.iter().map(|(name, link)| (name.as_str(), link)));
        crate::rules::apply_inspection_rules(&layout, &combined, report)?;
        drop(combined);

        // 11. Summary link.
        Ok(summary_link(&layout, reduced, summary_name))
    }

    fn verify_sublayout(
        &self,
        step: &str,
        verified: &links::VerifiedFile,
        keys: &LayoutKeys,
        link_dir: &Path,
        report: &mut Report,
    ) -> (Result<Link, VerifyError>, Report) {
        let mut sub_report = Report::new(
            verified.file.path.display().to_string(),
            vec![verified.main_keyid.to_string()],
        );
        if self.depth + 1 > MAX_SUBLAYOUT_DEPTH {
            let result = Err(VerifyError::SublayoutTooDeep {
                step: step.to_string(),
                limit: MAX_SUBLAYOUT_DEPTH,
            });
            record_result(&mut sub_report, &result);
            return (result, sub_report);
        }
        let result = match keys.get(&verified.main_keyid) {
            Some(key) => {
                let inner = Context {
                    options: self.options,
                    depth: self.depth + 1,
                };
                inner.verify_layout(
                    &verified.file.doc,
                    &verified.file.path,
                    std::slice::from_ref(key),
                    &link_dir.join(sublayout_dir_name(step, &verified.file.file_keyid)),
                    None,
                    step,
                    &mut sub_report,
                )
            }
            // Counted under a certificate (ITE-7): there is no layout key to check it with.
            None => Err(VerifyError::CertifiedSublayout {
                keyid: verified.main_keyid.clone(),
            }),
        };
        record_result(&mut sub_report, &result);
        report.warnings.extend(
            sub_report
                .warnings
                .iter()
                .map(|w| format!("sublayout '{step}': {w}")),
        );
        let result = result.map_err(|source| VerifyError::Sublayout {
            step: step.to_string(),
            path: verified.file.path.clone(),
            source: Box::new(source),
        });
        (result, sub_report)
    }
}

/// A step's link files read, signature-checked and turned into links, ready to be taken in
/// layout order.
struct PreparedStep {
    report: StepReport,
    warnings: Vec<String>,
    files: Result<Vec<PreparedFile>, VerifyError>,
}

/// A verified file's path and what it holds (or why that could not be read).
type PreparedFile = (PathBuf, Result<PreparedEvidence, VerifyError>);

/// A verified file's content: a link, or a sublayout to verify when the step's turn comes.
enum PreparedEvidence {
    Link(Box<Link>),
    Sublayout(links::VerifiedFile),
}

/// Steps 4 and 5 for one step, and the typed content of each file whose signature counted.
/// A file's parsed JSON is dropped as soon as its link is read (sublayouts keep theirs).
fn prepare_step(
    step: &Step,
    keys: &LayoutKeys,
    certs: &intoto_x509::TrustStore,
    link_dir: &Path,
    now_unix: i64,
) -> PreparedStep {
    let mut report = StepReport {
        name: step.name.to_string(),
        threshold: step.threshold,
        ..StepReport::default()
    };
    let mut warnings = Vec::new();
    let files = links::load_step_files(step, keys, link_dir)
        .and_then(|files| {
            links::verify_step_files(
                step,
                files,
                keys,
                certs,
                now_unix,
                &mut report,
                &mut warnings,
            )
        })
        .map(|verified| {
            verified
                .into_iter()
                .map(|v| {
                    let evidence = match document::step_evidence(&v.file.doc, &v.file.path) {
                        Ok(StepEvidence::Link(link)) => Ok(PreparedEvidence::Link(link)),
                        Ok(StepEvidence::Layout) => {
                            return (v.file.path.clone(), Ok(PreparedEvidence::Sublayout(v)));
                        }
                        Err(e) => Err(e),
                    };
                    (v.file.path, evidence)
                })
                .collect()
        });
    PreparedStep {
        report,
        warnings,
        files,
    }
}

/// The directory holding a sublayout's links: `STEP.KEYID8` next to the superlayout's links.
pub fn sublayout_dir_name(step: &str, keyid: &KeyId) -> String {
    format!("{step}.{}", keyid.short())
}

/// The summary of a verified layout: the first step's materials, the last step's products,
/// byproducts and command (the reference's `get_summary_link`).
/// Takes the parts it needs out of `reduced` instead of copying them.
fn summary_link(layout: &Layout, mut reduced: BTreeMap<StepName, Link>, name: &str) -> Link {
    let mut summary = Link::new(StepName::new(name).unwrap_or_else(|_| summary_name()));
    if let (Some(first), Some(last)) = (layout.steps.first(), layout.steps.last()) {
        // The last step first: with one step, first and last are the same link.
        if let Some(last) = reduced.get_mut(&last.name) {
            summary.products = std::mem::take(&mut last.products);
            summary.byproducts = std::mem::take(&mut last.byproducts);
            summary.command = std::mem::take(&mut last.command);
        }
        if let Some(first) = reduced.get_mut(&first.name) {
            summary.materials = std::mem::take(&mut first.materials);
        }
    }
    summary
}

/// The name of the root layout's summary link (the reference leaves it empty, which is not a
/// valid step name).
#[allow(clippy::expect_used)] // a constant, valid name
fn summary_name() -> StepName {
    StepName::new("summary").expect("'summary' is a valid step name")
}
