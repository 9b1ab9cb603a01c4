//! Artifact rules in the workflow: every rule is parsed when the layout is loaded (a malformed
//! rule names the step, side and index), then steps' rules are applied to the reduced links
//! (step 9) and inspections' rules to the steps' and inspections' links (step 10).

use std::{collections::BTreeMap, path::Path};

use intoto_model::{Layout, Link, StepName};
use intoto_rules::{ItemReport, ItemRules, LayoutRules, LinkLookup};

use crate::{
    VerifyError,
    report::{Report, RuleReport, Verdict},
};

/// Parses every rule of the layout, as the reference does when it loads a layout.
pub fn check_layout_rules(layout: &Layout, path: &Path) -> Result<(), VerifyError> {
    LayoutRules::new(layout)
        .map(|_| ())
        .map_err(|source| VerifyError::Rules {
            path: path.to_path_buf(),
            source: Box::new(source),
        })
}

/// Step 9: each step's material and product rules against the reduced links of all steps.
pub fn apply_step_rules(
    layout: &Layout,
    links: &BTreeMap<StepName, Link>,
    report: &mut Report,
) -> Result<(), VerifyError> {
    let items = layout.steps.iter().map(ItemRules::from_step);
    apply(items, links, report)
}

/// Step 10: each inspection's rules against the steps' and the inspections' links.
pub fn apply_inspection_rules(
    layout: &Layout,
    links: &impl LinkLookup,
    report: &mut Report,
) -> Result<(), VerifyError> {
    let items = layout.inspect.iter().map(ItemRules::from_inspection);
    apply(items, links, report)
}

fn apply(
    items: impl Iterator<Item = Result<ItemRules, intoto_rules::Error>>,
    links: &impl LinkLookup,
    report: &mut Report,
) -> Result<(), VerifyError> {
    for item in items {
        let item = item.map_err(|e| VerifyError::RuleFailed(Box::new(e)))?;
        match item.verify(links) {
            Ok((materials, products)) => {
                report.rules.push(passed(&materials));
                report.rules.push(passed(&products));
            }
            Err(e) => {
                let (side, rules) = match &e {
                    intoto_rules::Error::RuleFailed(failure) => {
                        (failure.side.as_str().to_string(), failure.index + 1)
                    }
                    _ => (String::new(), 0),
                };
                report.rules.push(RuleReport {
                    item: item.item().to_string(),
                    side,
                    rules,
                    verdict: Verdict::Fail,
                    error: Some(e.to_string()),
                });
                return Err(VerifyError::RuleFailed(Box::new(e)));
            }
        }
    }
    Ok(())
}

fn passed(item: &ItemReport) -> RuleReport {
    RuleReport {
        item: item.item.clone(),
        side: item.side.as_str().to_string(),
        rules: item.rules.len(),
        verdict: Verdict::Pass,
        error: None,
    }
}
