//! Fixes: applying their edits to a text, and fixing a text round after round until no fix is
//! left (as ruff does). The helpers that rules build their fixes with live in [`edits`] (text:
//! indentation, whole statements, `with` blocks) and [`locks`] (which lock guards a piece of
//! state, creating it beside the state when there is none).

pub(crate) mod edits;
pub(crate) mod locks;

use std::collections::BTreeMap;

use super::{Applicability, CheckOptions, CrossModuleEntry, Diagnostic, Fix, Location};
use crate::analysis::Analysis;

/// Most rounds of fixing one text: fixes whose edits touch the same lines wait for the next
/// round, which analyses the text again (ruff's limit).
pub const MAX_FIX_ROUNDS: usize = 100;

/// `source` with the fixes of `diagnostics` applied.
pub fn apply_fixes(source: &str, diagnostics: &[Diagnostic]) -> String {
    let fixes: Vec<&Fix> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
    apply(source, &fixes).0
}

/// `source` with `fixes` applied, and which of them were (their indices). A fix is applied whole or not at all: one
/// with an edit overlapping (or inserting at the edge of) an edit already taken waits for
/// another round, as ruff does. Edits identical to one already taken (the same new lock or
/// import for two findings) are applied once.
fn apply(source: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    let offset = |location: Location| {
        let start = line_starts
            .get(location.row.saturating_sub(1))
            .copied()
            .unwrap_or(source.len());
        let line = &source[start..];
        start
            + line
                .char_indices()
                .nth(location.column.saturating_sub(1))
                .map_or(line.len(), |(at, _)| at)
    };
    let mut taken: Vec<(usize, usize, &str)> = Vec::new();
    let mut applied = Vec::new();
    for (index, fix) in fixes.iter().enumerate() {
        let edits: Vec<(usize, usize, &str)> = fix
            .edits
            .iter()
            .map(|edit| {
                let start = offset(edit.location);
                let end = offset(edit.end_location).max(start);
                (start, end, edit.content.as_str())
            })
            .filter(|edit| !taken.contains(edit))
            .collect();
        let clashes = edits.iter().enumerate().any(|(at, edit)| {
            taken.iter().chain(&edits[..at]).any(|other| overlap(*edit, *other))
        });
        if clashes {
            continue;
        }
        taken.extend(edits);
        applied.push(index);
    }
    // Stable: insertions at one place keep the order their fixes gave them.
    taken.sort_by_key(|&(start, end, _)| (start, end));
    let mut fixed = source.to_string();
    for &(start, end, content) in taken.iter().rev() {
        fixed.replace_range(start..end, content);
    }
    (fixed, applied)
}

/// Whether two edits touch the same text: their ranges overlap, or one inserts inside or at
/// the edge of the other (the order of the two would be a guess).
fn overlap(a: (usize, usize, &str), b: (usize, usize, &str)) -> bool {
    let insertion = a.0 == a.1 || b.0 == b.1;
    if insertion {
        a.0 <= b.1 && b.0 <= a.1
    } else {
        a.0 < b.1 && b.0 < a.1
    }
}

/// A text fixed until no applicable fix is left.
#[derive(Debug)]
pub struct Fixed {
    pub source: String,
    /// The fixes applied, by rule code.
    pub by_rule: BTreeMap<String, usize>,
    /// The analysis of the fixed text: what remains.
    pub analysis: Analysis,
    /// A round's fixes made the text stop parsing; that round was left out and fixing stopped.
    /// A bug in a fix: worth reporting.
    pub broke_syntax: bool,
}

impl Fixed {
    /// How many fixes were applied.
    pub fn count(&self) -> usize {
        self.by_rule.values().sum()
    }
}

/// Whether a fix may be applied: safe ones always, unsafe ones when asked for.
pub fn applicable(fix: &Fix, unsafe_fixes: bool) -> bool {
    unsafe_fixes || fix.applicability == Applicability::Safe
}

/// Applies the applicable fixes of `source`'s findings, analyses the result again and repeats
/// until nothing changes (at most [`MAX_FIX_ROUNDS`] rounds). `incoming` and `options` are the
/// module's, as [`Analysis::with_options`] takes them. A text that does not parse is left as it
/// is: what its fixes would do cannot be checked.
pub fn fix_source(
    source: &str,
    incoming: &[CrossModuleEntry],
    options: &CheckOptions,
    unsafe_fixes: bool,
) -> Fixed {
    let mut analysis = Analysis::with_options(source, incoming, options);
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut broke_syntax = false;
    let rounds = if parses(source) { MAX_FIX_ROUNDS } else { 0 };
    for _ in 0..rounds {
        let fixable: Vec<&Diagnostic> = analysis
            .diagnostics()
            .filter(|d| d.fix.as_ref().is_some_and(|fix| applicable(fix, unsafe_fixes)))
            .collect();
        if fixable.is_empty() {
            break;
        }
        let fixes: Vec<&Fix> = fixable.iter().filter_map(|d| d.fix.as_ref()).collect();
        let (next, applied) = apply(analysis.source(), &fixes);
        if next == analysis.source() {
            break;
        }
        if !parses(&next) {
            broke_syntax = true;
            break;
        }
        for index in applied {
            *by_rule.entry(fixable[index].code.clone()).or_default() += 1;
        }
        analysis = Analysis::with_options(next, incoming, options);
    }
    Fixed {
        source: analysis.source().to_string(),
        by_rule,
        analysis,
        broke_syntax,
    }
}

fn parses(source: &str) -> bool {
    ruff_python_parser::parse_module(source).is_ok()
}
