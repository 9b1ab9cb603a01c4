//! [`RuleList`] and [`ItemRules`]: the parsed rules of a step or inspection, ready to apply.

use intoto_model::{Inspection, Layout, Rule, Step};

use crate::{ArtifactRule, Error, ItemReport, LinkLookup, Side};

/// The parsed rules of one side (`expected_materials` or `expected_products`) of one item.
/// Parse once when the layout is loaded, apply after the links are in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleList {
    item: String,
    side: Side,
    rules: Vec<(Rule, ArtifactRule)>,
}

impl RuleList {
    /// Parses `rules` of `item`; the first rule that does not parse is reported as
    /// [`Error::InvalidRule`] with the item name, side and index.
    pub fn parse(item: &str, side: Side, rules: &[Rule]) -> Result<RuleList, Error> {
        let rules = rules
            .iter()
            .enumerate()
            .map(|(index, rule)| match ArtifactRule::parse(rule) {
                Ok(parsed) => Ok((rule.clone(), parsed)),
                Err(reason) => Err(Error::InvalidRule {
                    item: item.to_owned(),
                    side,
                    index,
                    rule: rule.clone(),
                    reason,
                }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RuleList {
            item: item.to_owned(),
            side,
            rules,
        })
    }

    /// The step or inspection these rules belong to.
    pub fn item(&self) -> &str {
        &self.item
    }

    /// Which side they are for.
    pub fn side(&self) -> Side {
        self.side
    }

    /// The number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules (everything passes).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Each rule as written with its parsed form, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Rule, &ArtifactRule)> {
        self.rules.iter().map(|(w, r)| (w, r))
    }
}

/// Both rule lists of a step or inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRules {
    /// `expected_materials`.
    pub materials: RuleList,
    /// `expected_products`.
    pub products: RuleList,
}

impl ItemRules {
    /// Parses both lists (materials first, as the reference validates them).
    pub fn new(item: &str, materials: &[Rule], products: &[Rule]) -> Result<ItemRules, Error> {
        Ok(ItemRules {
            materials: RuleList::parse(item, Side::Materials, materials)?,
            products: RuleList::parse(item, Side::Products, products)?,
        })
    }

    /// The rules of a step.
    pub fn from_step(step: &Step) -> Result<ItemRules, Error> {
        ItemRules::new(
            step.name.as_str(),
            &step.expected_materials,
            &step.expected_products,
        )
    }

    /// The rules of an inspection.
    pub fn from_inspection(inspection: &Inspection) -> Result<ItemRules, Error> {
        ItemRules::new(
            inspection.name.as_str(),
            &inspection.expected_materials,
            &inspection.expected_products,
        )
    }

    /// The item's name.
    pub fn item(&self) -> &str {
        self.materials.item()
    }

    /// Applies material rules, then product rules, to the item's own link found in `links`
    /// (the reference's `verify_item_rules` called for both sides). `links` must also hold
    /// every step (and, for inspections, inspection) a `MATCH` may name.
    pub fn verify<L: LinkLookup + ?Sized>(
        &self,
        links: &L,
    ) -> Result<(ItemReport, ItemReport), Error> {
        let link = links.link(self.item()).ok_or_else(|| Error::MissingLink {
            item: self.item().to_owned(),
        })?;
        let materials = self
            .materials
            .evaluate(&link.materials, &link.products, links)?;
        let products = self
            .products
            .evaluate(&link.materials, &link.products, links)?;
        Ok((materials, products))
    }
}

/// Parsed rules of every step and inspection of a layout, in layout order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutRules {
    /// One entry per step.
    pub steps: Vec<ItemRules>,
    /// One entry per inspection.
    pub inspections: Vec<ItemRules>,
}

impl LayoutRules {
    /// Parses every rule of the layout; the first bad one (steps before inspections, materials
    /// before products, as the reference validates) is the error.
    pub fn new(layout: &Layout) -> Result<LayoutRules, Error> {
        Ok(LayoutRules {
            steps: layout
                .steps
                .iter()
                .map(ItemRules::from_step)
                .collect::<Result<_, _>>()?,
            inspections: layout
                .inspect
                .iter()
                .map(ItemRules::from_inspection)
                .collect::<Result<_, _>>()?,
        })
    }
}
