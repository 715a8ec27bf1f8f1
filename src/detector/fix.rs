//! Applying the text edits of diagnostics' fixes to their source.

use super::{Diagnostic, Location};

/// `source` with the fixes of `diagnostics` applied. Identical edits (one lock created for two
/// findings) are applied once; an edit that overlaps one already applied is left out, as ruff
/// does, so a second run can apply it.
pub fn apply_fixes(source: &str, diagnostics: &[Diagnostic]) -> String {
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
    let mut edits: Vec<(usize, usize, &str)> = diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic.fix.as_ref())
        .flat_map(|fix| &fix.edits)
        .map(|edit| {
            (
                offset(edit.location),
                offset(edit.end_location),
                edit.content.as_str(),
            )
        })
        .collect();
    edits.sort();
    edits.dedup();
    let mut fixed = source.to_string();
    let mut previous_start = usize::MAX;
    for (start, end, content) in edits.into_iter().rev() {
        if end > previous_start {
            continue;
        }
        fixed.replace_range(start..end, content);
        previous_start = start;
    }
    fixed
}
