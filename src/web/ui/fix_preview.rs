//! What a fix changes, as hunks of whole lines (before and after), for the quick-fix preview.
//! Pure logic, so it is tested without a browser.

use crate::Location;
use crate::detector::Edit;

/// Lines `first_line..` as they are, and as the fix leaves them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hunk {
    /// 1-based.
    pub first_line: usize,
    pub removed: Vec<String>,
    pub added: Vec<String>,
}

/// The hunks of `edits` (positions in `source`, as diagnostics give them). Edits on the same or
/// touching lines share a hunk.
pub fn preview(source: &str, edits: &[Edit]) -> Vec<Hunk> {
    let lines = Lines::new(source);
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|edit| (edit.location, edit.end_location));
    let mut hunks = Vec::new();
    let mut group: Vec<&Edit> = Vec::new();
    for edit in edits {
        let touches = group
            .iter()
            .any(|previous| edit.location.row <= previous.end_location.row + 1);
        if !group.is_empty() && !touches {
            hunks.push(lines.hunk(&group));
            group.clear();
        }
        group.push(edit);
    }
    if !group.is_empty() {
        hunks.push(lines.hunk(&group));
    }
    hunks
}

struct Lines<'s> {
    source: &'s str,
    starts: Vec<usize>,
}

impl<'s> Lines<'s> {
    fn new(source: &'s str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self { source, starts }
    }

    /// Byte range of line `row` (1-based), without its newline; past the end, the empty end.
    fn line(&self, row: usize) -> (usize, usize) {
        let Some(&start) = self.starts.get(row.saturating_sub(1)) else {
            return (self.source.len(), self.source.len());
        };
        let end = self.source[start..]
            .find('\n')
            .map_or(self.source.len(), |at| start + at);
        (start, end)
    }

    /// Byte offset of a 1-based line and character column, clamped to its line.
    fn offset(&self, location: Location) -> usize {
        let (start, end) = self.line(location.row);
        let text = &self.source[start..end];
        start
            + text
                .char_indices()
                .nth(location.column.saturating_sub(1))
                .map_or(text.len(), |(at, _)| at)
    }

    fn hunk(&self, edits: &[&Edit]) -> Hunk {
        let mut first_line = edits
            .iter()
            .map(|edit| edit.location.row)
            .min()
            .unwrap_or(1);
        let last_line = edits
            .iter()
            .map(|edit| edit.end_location.row)
            .max()
            .unwrap_or(first_line);
        let (start, _) = self.line(first_line);
        let (_, end) = self.line(last_line);
        let before = &self.source[start..end];
        let mut after = before.to_owned();
        for edit in edits.iter().rev() {
            let from = self.offset(edit.location).clamp(start, end) - start;
            let to = self.offset(edit.end_location).clamp(start, end) - start;
            after.replace_range(from..to.max(from), &edit.content);
        }
        let mut removed: Vec<String> = before.split('\n').map(str::to_owned).collect();
        let mut added: Vec<String> = after.split('\n').map(str::to_owned).collect();
        // Lines an edit rewrites as they were (a fix that spans a block so that fixes inside it
        // wait, a line an insertion ends) are context, not change.
        if removed != added {
            let same_start = removed
                .iter()
                .zip(&added)
                .take_while(|(old, new)| old == new)
                .count();
            removed.drain(..same_start);
            added.drain(..same_start);
            first_line += same_start;
            let same_end = removed
                .iter()
                .rev()
                .zip(added.iter().rev())
                .take_while(|(old, new)| old == new)
                .count();
            removed.truncate(removed.len() - same_end);
            added.truncate(added.len() - same_end);
        }
        Hunk {
            first_line,
            removed,
            added,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_source;

    const RACY: &str = "import threading\n\ncount = 0\n\n\ndef work():\n    global count\n    count += 1\n\n\nfor _ in range(2):\n    threading.Thread(target=work).start()\n";

    #[test]
    fn the_ft001_fix_shows_the_lock_and_the_wrapped_update() {
        let diagnostics = check_source(RACY);
        let fix = diagnostics[0].fix.as_ref().expect("FT001 has a fix");
        let hunks = preview(RACY, &fix.edits);
        let fixed = crate::detector::apply_fixes(RACY, &diagnostics);
        // Applying the hunks' lines gives the text the detector's own fixer writes.
        let mut rebuilt: Vec<String> = RACY.split('\n').map(str::to_owned).collect();
        for hunk in hunks.iter().rev() {
            let at = hunk.first_line - 1;
            rebuilt.splice(at..at + hunk.removed.len(), hunk.added.clone());
        }
        assert_eq!(rebuilt.join("\n"), fixed);
        assert!(
            hunks
                .iter()
                .any(|hunk| hunk.added.iter().any(|line| line.contains("with ")))
        );
    }

    #[test]
    fn lines_an_edit_leaves_as_they_were_are_not_shown_as_changed() {
        let source = "a\nwith make():\n    b\n    c\nd\n";
        let edit = Edit {
            content: "with lock:\n    b\n    c".into(),
            location: Location { row: 2, column: 1 },
            end_location: Location { row: 4, column: 6 },
        };
        assert_eq!(
            preview(source, &[edit]),
            vec![Hunk {
                first_line: 2,
                removed: vec!["with make():".into()],
                added: vec!["with lock:".into()],
            }]
        );
    }

    #[test]
    fn an_insertion_after_a_line_shows_only_the_new_line() {
        let source = "hits = 0\ndef f():\n    pass\n";
        let edit = Edit {
            content: "\n_hits_lock = threading.Lock()".into(),
            location: Location { row: 1, column: 9 },
            end_location: Location { row: 1, column: 9 },
        };
        assert_eq!(
            preview(source, &[edit]),
            vec![Hunk {
                first_line: 2,
                removed: vec![],
                added: vec!["_hits_lock = threading.Lock()".into()],
            }]
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let source = "s = '😀'; n += 1\n";
        let edit = Edit {
            content: "m".into(),
            location: Location { row: 1, column: 10 },
            end_location: Location { row: 1, column: 11 },
        };
        assert_eq!(
            preview(source, &[edit]),
            vec![Hunk {
                first_line: 1,
                removed: vec!["s = '😀'; n += 1".into()],
                added: vec!["s = '😀'; m += 1".into()],
            }]
        );
    }

    #[test]
    fn distant_edits_make_separate_hunks() {
        let source = "a\nb\nc\nd\ne\n";
        let edit = |row, content: &str| Edit {
            content: content.into(),
            location: Location { row, column: 1 },
            end_location: Location { row, column: 2 },
        };
        let hunks = preview(source, &[edit(5, "E"), edit(1, "A")]);
        assert_eq!(hunks.len(), 2);
        assert_eq!(
            (hunks[0].first_line, hunks[0].added.clone()),
            (1, vec!["A".into()])
        );
        assert_eq!(
            (hunks[1].first_line, hunks[1].added.clone()),
            (5, vec!["E".into()])
        );
    }
}
