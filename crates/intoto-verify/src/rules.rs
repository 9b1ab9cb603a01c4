//! Artifact rules in the workflow (steps 9 and 10): parsed when the layout is loaded,
//! applied to the reduced links. PLACEHOLDER until intoto-rules lands.

use std::{collections::BTreeMap, path::Path};

use intoto_model::{Layout, Link, StepName};

use crate::{VerifyError, report::Report};

pub fn check_layout_rules(_layout: &Layout, _path: &Path) -> Result<(), VerifyError> {
    Ok(())
}

pub fn apply_step_rules(
    _layout: &Layout,
    _links: &BTreeMap<StepName, Link>,
    _report: &mut Report,
) -> Result<(), VerifyError> {
    Ok(())
}

pub fn apply_inspection_rules(
    _layout: &Layout,
    _links: &BTreeMap<StepName, Link>,
    _report: &mut Report,
) -> Result<(), VerifyError> {
    Ok(())
}
