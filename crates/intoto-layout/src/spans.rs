//! Where the parts of a converted TOML layout were written: byte spans from `toml`, turned
//! into lines and columns for [`Locate`].

use std::{collections::BTreeMap, ops::Range};

use intoto_model::KeyId;
use intoto_rules::Side;

use crate::{
    check::Locate,
    error::{ItemKind, Location},
};

/// Byte offsets to 1-based lines and columns.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    pub(crate) fn location(&self, span: Range<usize>) -> Location {
        let offset = span.start.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        Location::Line { line, column }
    }
}

/// Spans of the parts of the converted layout, by the layout's indices.
#[derive(Default)]
pub(crate) struct Spans {
    pub(crate) whole: Range<usize>,
    pub(crate) expires: Option<Range<usize>>,
    pub(crate) keys: BTreeMap<KeyId, Range<usize>>,
    pub(crate) steps: Vec<ItemSpans>,
    pub(crate) inspections: Vec<ItemSpans>,
}

#[derive(Default)]
pub(crate) struct ItemSpans {
    pub(crate) name: Range<usize>,
    pub(crate) threshold: Option<Range<usize>>,
    pub(crate) pubkeys: Vec<Range<usize>>,
    pub(crate) run: Option<Range<usize>>,
    pub(crate) materials: Vec<Range<usize>>,
    pub(crate) products: Vec<Range<usize>>,
}

pub(crate) struct Located<'a> {
    pub(crate) lines: &'a LineIndex<'a>,
    pub(crate) spans: &'a Spans,
}

impl Located<'_> {
    fn item(&self, kind: ItemKind, index: usize) -> Option<&ItemSpans> {
        match kind {
            ItemKind::Step => self.spans.steps.get(index),
            ItemKind::Inspection => self.spans.inspections.get(index),
        }
    }

    fn at(&self, span: Option<&Range<usize>>) -> Location {
        self.lines
            .location(span.cloned().unwrap_or(self.spans.whole.clone()))
    }
}

impl Locate for Located<'_> {
    fn layout(&self) -> Location {
        self.at(None)
    }
    fn expires(&self) -> Location {
        self.at(self.spans.expires.as_ref())
    }
    fn key(&self, keyid: &KeyId) -> Location {
        self.at(self.spans.keys.get(keyid))
    }
    fn item(&self, kind: ItemKind, index: usize) -> Location {
        self.at(self.item(kind, index).map(|i| &i.name))
    }
    fn threshold(&self, step: usize) -> Location {
        let item = self.spans.steps.get(step);
        self.at(item.and_then(|i| i.threshold.as_ref().or(Some(&i.name))))
    }
    fn pubkey(&self, step: usize, key: usize) -> Location {
        let item = self.spans.steps.get(step);
        self.at(item.and_then(|i| i.pubkeys.get(key).or(Some(&i.name))))
    }
    fn rule(&self, kind: ItemKind, index: usize, side: Side, rule: usize) -> Location {
        let item = self.item(kind, index);
        self.at(item.and_then(|i| {
            match side {
                Side::Materials => i.materials.get(rule),
                Side::Products => i.products.get(rule),
            }
            .or(Some(&i.name))
        }))
    }
    fn run(&self, index: usize) -> Location {
        let item = self.spans.inspections.get(index);
        self.at(item.and_then(|i| i.run.as_ref().or(Some(&i.name))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index() {
        let idx = LineIndex::new("a = 1\nbé = 2\n\nc");
        assert_eq!(idx.location(0..1), Location::Line { line: 1, column: 1 });
        assert_eq!(idx.location(6..7), Location::Line { line: 2, column: 1 });
        // Columns count characters: "bé " is three.
        assert_eq!(idx.location(10..11), Location::Line { line: 2, column: 4 });
        assert_eq!(idx.location(15..16), Location::Line { line: 4, column: 1 });
    }
}
