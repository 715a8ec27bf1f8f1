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
            taken
                .iter()
                .chain(&edits[..at])
                .any(|other| overlap(*edit, *other))
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
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|fix| applicable(fix, unsafe_fixes))
            })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detector::Edit;

    fn edit(row: usize, column: usize, end: usize, content: &str) -> Edit {
        Edit {
            content: content.to_string(),
            location: Location { row, column },
            end_location: Location { row, column: end },
        }
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message: String::new(),
            edits,
        }
    }

    fn fixed_all(source: &str) -> String {
        let options = CheckOptions {
            report_unused_suppressions: true,
            ..CheckOptions::default()
        };
        fix_source(source, &[], &options, true).source
    }

    #[test]
    fn a_fix_is_applied_whole_or_waits_and_shared_edits_apply_once() {
        let source = "abcdef\n";
        let first = fix(vec![edit(1, 1, 1, "<"), edit(1, 2, 3, "B")]);
        // Shares the insertion, but its other edit overlaps the first fix's: it waits whole.
        let clashing = fix(vec![
            edit(1, 1, 1, "<"),
            edit(1, 2, 4, "C"),
            edit(1, 6, 7, "F"),
        ]);
        let apart = fix(vec![edit(1, 1, 1, "<"), edit(1, 5, 6, "E")]);
        let (text, applied) = apply(source, &[&first, &clashing, &apart]);
        assert_eq!((text.as_str(), applied), ("<aBcdEf\n", vec![0, 2]));
    }

    #[test]
    fn an_insertion_at_the_edge_of_a_replacement_waits() {
        let source = "abc\n";
        let replace = fix(vec![edit(1, 1, 3, "X")]);
        let insert = fix(vec![edit(1, 3, 3, "!")]);
        assert_eq!(
            apply(source, &[&replace, &insert]),
            ("Xc\n".to_string(), vec![0])
        );
    }

    #[test]
    fn fixes_inside_a_block_another_fix_rewrites_wait_for_the_next_round() {
        // FT011's fix spans its `with` block, so FT001's lock inside waits; in the next round
        // the shared lock guards the update and FT001 is gone.
        let source = "import threading\nn = 0\ndef worker():\n    global n\n    with threading.Lock():\n        n += 1\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n";
        let options = CheckOptions::default();
        let fixed = fix_source(source, &[], &options, true);
        assert_eq!(
            fixed.source,
            "import threading\nn = 0\n_worker_lock = threading.Lock()\n\n\ndef worker():\n    global n\n    with _worker_lock:\n        n += 1\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n"
        );
        assert_eq!(fixed.by_rule.get("FT011"), Some(&1));
        assert_eq!(fixed.by_rule.get("FT001"), None);
        assert_eq!(fixed.analysis.diagnostics().count(), 0);
    }

    #[test]
    fn safe_fixes_alone_leave_unsafe_ones() {
        let source = "import threading\ncache = {}\nn = 0\ndef worker(key):\n    global n\n    if key not in cache:\n        cache[key] = 0\n    n += 1\nfor key in 'ab':\n    threading.Thread(target=worker, args=(key,)).start()\n";
        let fixed = fix_source(source, &[], &CheckOptions::default(), false);
        assert!(
            fixed
                .source
                .contains("    cache.setdefault(key, 0)\n    n += 1\n")
        );
        assert_eq!(fixed.by_rule, BTreeMap::from([("FT002".to_string(), 1)]));
        let codes: Vec<&str> = fixed
            .analysis
            .diagnostics()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, ["FT001"]);
    }

    #[test]
    fn windows_line_endings_stay_windows_line_endings() {
        let source = "import threading\r\nn = 0\r\ndef worker():\r\n    global n\r\n    n += 1\r\nfor _ in range(2):\r\n    threading.Thread(target=worker).start()\r\n";
        let fixed = fixed_all(source);
        assert_eq!(
            fixed,
            "import threading\r\nn = 0\r\n_n_lock = threading.Lock()\r\ndef worker():\r\n    global n\r\n    with _n_lock:\r\n        n += 1\r\nfor _ in range(2):\r\n    threading.Thread(target=worker).start()\r\n"
        );
    }

    #[test]
    fn strings_spanning_lines_keep_their_text_and_comments_stay() {
        let source = "import threading\nlog = []\ndef worker():\n    # the note\n    if not log:\n        log.append('''first\nline''')  # why\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n";
        let fixed = fixed_all(source);
        assert_eq!(
            fixed,
            "import threading\nlog = []\n_log_lock = threading.Lock()\ndef worker():\n    # the note\n    with _log_lock:\n        if not log:\n            log.append('''first\nline''')  # why\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n"
        );
    }

    #[test]
    fn text_that_does_not_parse_is_left_alone() {
        let source = "import threading\nn = 0\ndef worker(:\n    global n\n    n += 1\nthreading.Thread(target=worker).start()\n";
        let fixed = fixed_all(source);
        assert_eq!(fixed, source);
    }
}
