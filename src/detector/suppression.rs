//! Suppression comments, read as ruff reads `# noqa`:
//!
//! - `# noqa` (every code) or `# noqa: FT001, FT002` on the line of a finding, or on the first
//!   line of the statement it is in;
//! - `# aether: ignore[FT001, FT002]` in the same places (`# aether: ignore` alone: every code);
//! - `# aether: ignore-file`, optionally `[FT001, ...]`, anywhere in the file.
//!
//! `FT000` (code that cannot be analysed) is never suppressed. On request, directives that
//! suppress nothing become `FT100` findings; a bare `# noqa` and codes of other tools
//! (`# noqa: E501`) are left alone, since other linters read them too.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_source_file::{LineIndex, OneIndexed};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::checker::Finding;
use super::options::CheckOptions;
use super::rules::{syntax_error::SyntaxError, unused_suppression::UnusedSuppression};
use super::{Diagnostic, Location};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Line,
    File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Noqa,
    Aether,
}

#[derive(Debug)]
struct Directive {
    scope: Scope,
    form: Form,
    /// Where its comment starts.
    start: TextSize,
    row: usize,
    /// The codes it names, each with whether it suppressed something; none means every code.
    codes: Vec<(String, bool)>,
    used: bool,
}

impl Directive {
    /// Whether it suppresses `code` (marking what it used).
    fn suppress(&mut self, code: &str) -> bool {
        if self.codes.is_empty() {
            self.used = true;
            return true;
        }
        match self.codes.iter_mut().find(|(named, _)| named == code) {
            Some((_, used)) => {
                *used = true;
                self.used = true;
                true
            }
            None => false,
        }
    }

    /// The text of the directive, for messages.
    fn spelling(&self) -> String {
        let codes: Vec<&str> = self.codes.iter().map(|(code, _)| code.as_str()).collect();
        match (self.form, self.scope, codes.is_empty()) {
            (Form::Noqa, _, true) => "# noqa".to_string(),
            (Form::Noqa, _, false) => format!("# noqa: {}", codes.join(", ")),
            (Form::Aether, Scope::Line, true) => "# aether: ignore".to_string(),
            (Form::Aether, Scope::File, true) => "# aether: ignore-file".to_string(),
            (Form::Aether, Scope::Line, false) => format!("# aether: ignore[{}]", codes.join(", ")),
            (Form::Aether, Scope::File, false) => {
                format!("# aether: ignore-file[{}]", codes.join(", "))
            }
        }
    }
}

/// Applies the run's rule selection and the file's suppression comments to its findings, adds
/// the unused-suppression findings asked for, and gives each finding the row a suppression
/// comment for it goes on (`noqa_row`). `tokens` are absent for text refused before parsing;
/// `line_index` is the checker's, if a finding built it.
pub(crate) fn finish(
    source: &str,
    tokens: Option<&Tokens>,
    mut findings: Vec<Finding>,
    line_index: Option<LineIndex>,
    options: &CheckOptions,
) -> (Vec<Finding>, Option<LineIndex>) {
    let always_reported = SyntaxError::INFO.code;
    findings.retain(|f| {
        f.diagnostic.code == always_reported || options.rules.contains(&f.diagnostic.code)
    });
    let has_directives = mentions_directive(source);
    let tokens = match tokens {
        Some(tokens) if !findings.is_empty() || has_directives => tokens,
        _ => return (findings, line_index),
    };
    let line_index = line_index.unwrap_or_else(|| LineIndex::from_source_text(source));
    let row = |offset: TextSize| line_index.line_index(offset).get();
    let statement_start = |row_of_finding: usize| {
        statement_start(source, tokens, &line_index, row_of_finding).map_or(row_of_finding, row)
    };
    let mut directives = if has_directives {
        directives(source, tokens, &row)
    } else {
        Vec::new()
    };
    if !directives.is_empty() {
        findings.retain(|Finding { diagnostic: d, .. }| {
            if d.code == always_reported {
                return true;
            }
            let rows = [d.location.row, statement_start(d.location.row)];
            // Every matching directive is marked used, so none is reported unused wrongly.
            let mut suppressed = false;
            for directive in &mut directives {
                let applies = directive.scope == Scope::File || rows.contains(&directive.row);
                if applies && directive.suppress(&d.code) {
                    suppressed = true;
                }
            }
            !suppressed
        });
    }
    if options.report_unused_suppressions && options.rules.contains(UnusedSuppression::INFO.code) {
        for directive in &directives {
            if let Some(message) = unused_message(directive, options) {
                let at = line_index.line_column(directive.start, source);
                let location = Location {
                    row: at.line.get(),
                    column: at.column.get(),
                };
                let diagnostic = Diagnostic {
                    code: UnusedSuppression::INFO.code.to_string(),
                    name: UnusedSuppression::INFO.name.to_string(),
                    message,
                    severity: UnusedSuppression::INFO.severity,
                    location,
                    end_location: location,
                    url: UnusedSuppression::INFO.url(),
                    fix: None,
                    noqa_row: None,
                };
                findings.push(Finding {
                    diagnostic,
                    function: None,
                });
            }
        }
        findings.sort_by(|a, b| {
            let (a, b) = (&a.diagnostic, &b.diagnostic);
            (a.location, &a.code).cmp(&(b.location, &b.code))
        });
    }
    for finding in &mut findings {
        let row = finding.diagnostic.location.row;
        finding.diagnostic.noqa_row = Some(statement_start(row));
    }
    (findings, Some(line_index))
}

/// Where the statement (logical line) holding the start of `row` begins: just after the last
/// `Newline` token before the row, at the first token that is code. `None` when the row holds
/// no code of its own (a comment or a blank line).
fn statement_start(
    source: &str,
    tokens: &Tokens,
    line_index: &LineIndex,
    row: usize,
) -> Option<TextSize> {
    let row_start = line_index.line_start(OneIndexed::new(row)?, source);
    let row_end = line_index.line_start(OneIndexed::new(row + 1)?, source);
    let before = tokens.partition_point(|token| token.end() <= row_start);
    let start = tokens[..before]
        .iter()
        .rposition(|token| token.kind() == TokenKind::Newline)
        .map_or(0, |at| at + 1);
    tokens[start..]
        .iter()
        .find(|token| {
            !matches!(
                token.kind(),
                TokenKind::Comment
                    | TokenKind::NonLogicalNewline
                    | TokenKind::Indent
                    | TokenKind::Dedent
            )
        })
        .map(Ranged::start)
        .filter(|&first| first < row_end.max(row_start + TextSize::new(1)))
}

/// Why a directive is reported unused, if it is: a code that suppressed nothing (of the rules
/// the run reports), or a directive of aether's own that suppressed nothing at all.
fn unused_message(directive: &Directive, options: &CheckOptions) -> Option<String> {
    let ours = |code: &str| code.starts_with("FT");
    let unused: Vec<&str> = directive
        .codes
        .iter()
        .filter(|(code, used)| !used && ours(code) && options.rules.contains(code))
        .map(|(code, _)| code.as_str())
        .collect();
    let unknown: Vec<&str> = directive
        .codes
        .iter()
        .filter(|(code, _)| ours(code) && crate::detector::find_rule(code).is_none())
        .map(|(code, _)| code.as_str())
        .collect();
    if !unknown.is_empty() {
        return Some(format!(
            "`{}` names no rule: {}",
            directive.spelling(),
            quoted(&unknown)
        ));
    }
    if !unused.is_empty() {
        return Some(format!(
            "unused suppression `{}`: no {} finding {}",
            directive.spelling(),
            quoted(&unused),
            if directive.scope == Scope::File {
                "in this file"
            } else {
                "on this line or statement"
            }
        ));
    }
    (directive.form == Form::Aether && directive.codes.is_empty() && !directive.used).then(|| {
        format!(
            "unused suppression `{}`: it suppresses nothing",
            directive.spelling()
        )
    })
}

fn quoted(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|code| format!("`{code}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether the text could hold a directive at all: most files do not, and skip the token scan.
/// `q` is rare in code, so `noqa` in any case is found from it in one SIMD pass.
fn mentions_directive(source: &str) -> bool {
    let bytes = source.as_bytes();
    let noqa = memchr::memchr2_iter(b'q', b'Q', bytes).any(|at| {
        at >= 2 && bytes[at - 2..].len() >= 4 && bytes[at - 2..at + 2].eq_ignore_ascii_case(b"noqa")
    });
    noqa || memchr::memmem::find(bytes, b"aether:").is_some()
}

fn directives(source: &str, tokens: &Tokens, row: &impl Fn(TextSize) -> usize) -> Vec<Directive> {
    let mut directives = Vec::new();
    for token in tokens {
        if token.kind() != TokenKind::Comment {
            continue;
        }
        let range: TextRange = token.range();
        for (scope, form, codes) in parse_comment(&source[range]) {
            directives.push(Directive {
                scope,
                form,
                start: range.start(),
                row: row(range.start()),
                codes: codes.into_iter().map(|code| (code, false)).collect(),
                used: false,
            });
        }
    }
    directives
}

/// The directives in one comment (`# noqa: FT001  # aether: ignore-file[FT013]` has two).
fn parse_comment(comment: &str) -> Vec<(Scope, Form, Vec<String>)> {
    let mut found = Vec::new();
    for (at, _) in comment.match_indices('#') {
        let rest = comment[at + 1..].trim_start();
        if rest.len() >= 4 && rest[..4].eq_ignore_ascii_case("noqa") {
            let after = &rest[4..];
            match after.strip_prefix(':') {
                Some(list) => found.push((Scope::Line, Form::Noqa, noqa_codes(list))),
                // `# noqa` alone, not `# noqaxyz`.
                None if !after.starts_with(|c: char| c.is_ascii_alphanumeric()) => {
                    found.push((Scope::Line, Form::Noqa, Vec::new()));
                }
                None => {}
            }
        } else if let Some(after) = rest.strip_prefix("aether:") {
            let after = after.trim_start();
            let (scope, tail) = match after.strip_prefix("ignore-file") {
                Some(tail) => (Scope::File, tail),
                None => match after.strip_prefix("ignore") {
                    Some(tail) => (Scope::Line, tail),
                    None => continue,
                },
            };
            if let Some(codes) = bracketed_codes(tail) {
                found.push((scope, Form::Aether, codes));
            }
        }
    }
    found
}

/// `FT001, FT002 E501` after `# noqa:`: codes (letters then digits) separated by commas or
/// spaces, up to the first word that is not one.
fn noqa_codes(list: &str) -> Vec<String> {
    list.split([',', ' ', '\t'])
        .filter(|word| !word.is_empty())
        .take_while(|word| is_code(word))
        .map(str::to_string)
        .collect()
}

/// `[FT001, FT002]` (some codes) or nothing (every code); `None` when it is neither.
fn bracketed_codes(tail: &str) -> Option<Vec<String>> {
    let Some(list) = tail.strip_prefix('[') else {
        return (tail.is_empty() || tail.starts_with(char::is_whitespace)).then(Vec::new);
    };
    let codes: Vec<String> = list[..list.find(']')?]
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(str::to_string)
        .collect();
    (!codes.is_empty() && codes.iter().all(|code| is_code(code))).then_some(codes)
}

fn is_code(word: &str) -> bool {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_uppercase());
    digits.len() < word.len() && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::detector::{CheckOptions, Diagnostic, RuleSet};

    fn check_module(source: &str, options: &CheckOptions) -> Vec<Diagnostic> {
        Analysis::with_options(source, &[], options).into_diagnostics()
    }

    const RACE: &str = "import threading\n\ncounter = 0\n\ndef worker():\n    global counter\n    counter += 1{}\n\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n";

    fn findings(source: &str, options: &CheckOptions) -> Vec<(usize, String)> {
        check_module(source, options)
            .into_iter()
            .map(|d| (d.location.row, d.code))
            .collect()
    }

    fn race_with(comment: &str) -> String {
        RACE.replace("{}", comment)
    }

    fn reporting_unused() -> CheckOptions {
        CheckOptions {
            report_unused_suppressions: true,
            ..CheckOptions::default()
        }
    }

    #[test]
    fn each_form_suppresses_on_the_line_of_the_finding() {
        assert_eq!(
            findings(&race_with(""), &reporting_unused()),
            [(7, "FT001".into())]
        );
        for comment in [
            "  # noqa",
            "  # NOQA:FT001",
            "  # noqa: E501, FT001",
            "  # aether: ignore[FT001]",
            "  # aether: ignore",
            "  # type: ignore # noqa: FT001",
        ] {
            let source = race_with(comment);
            assert_eq!(findings(&source, &reporting_unused()), [], "{comment}");
        }
        let either = race_with("  # aether: ignore[FT002, FT001]");
        assert_eq!(findings(&either, &CheckOptions::default()), []);
        // Another code, or the comment on another line, suppresses nothing.
        let other = race_with("  # noqa: FT002");
        assert_eq!(
            findings(&other, &CheckOptions::default()),
            [(7, "FT001".into())]
        );
        let moved = RACE
            .replace("counter = 0\n", "counter = 0  # noqa\n")
            .replace("{}", "");
        assert_eq!(
            findings(&moved, &CheckOptions::default()),
            [(7, "FT001".into())]
        );
    }

    #[test]
    fn a_multi_line_statement_is_suppressed_on_its_first_line() {
        let source = "import threading\n\nseen = {}\n\ndef worker(key):\n    if key not in seen:  # aether: ignore[FT002]\n        seen[\n            key\n        ] = 1\n\nfor key in range(2):\n    threading.Thread(target=worker, args=(key,)).start()\n";
        assert_eq!(findings(source, &reporting_unused()), []);
        let unsuppressed = source.replace("  # aether: ignore[FT002]", "");
        assert!(!findings(&unsuppressed, &CheckOptions::default()).is_empty());
        let multi = "import threading\n\ncounter = 0\n\ndef worker():\n    global counter\n    counter = (  # noqa: FT001\n        counter + 1\n    )\n\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n";
        assert_eq!(findings(multi, &reporting_unused()), []);
        let report = check_module(
            &multi.replace("  # noqa: FT001", ""),
            &CheckOptions::default(),
        );
        assert_eq!(report[0].noqa_row, Some(7));
    }

    #[test]
    fn ignore_file_suppresses_the_whole_file() {
        let source = format!("# aether: ignore-file\n{}", race_with(""));
        assert_eq!(findings(&source, &reporting_unused()), []);
        let only_ft002 = format!("# aether: ignore-file[FT002]\n{}", race_with(""));
        assert_eq!(
            findings(&only_ft002, &reporting_unused()),
            [(1, "FT100".into()), (8, "FT001".into())]
        );
    }

    #[test]
    fn syntax_errors_cannot_be_suppressed() {
        let source = "# aether: ignore-file\ndef broken(:  # noqa\n    pass\n";
        let codes: Vec<_> = findings(source, &CheckOptions::default())
            .into_iter()
            .map(|(_, code)| code)
            .collect();
        assert!(codes.iter().all(|code| code == "FT000") && !codes.is_empty());
    }

    #[test]
    fn unused_suppressions_are_reported_on_request() {
        let stale = race_with("  # noqa: FT001, FT002, E501");
        assert_eq!(findings(&stale, &CheckOptions::default()), []);
        let report = check_module(&stale, &reporting_unused());
        let messages: Vec<_> = report.iter().map(|d| &d.message).collect();
        assert_eq!(
            messages,
            [
                "unused suppression `# noqa: FT001, FT002, E501`: no `FT002` finding on this line or statement"
            ]
        );
        assert_eq!(report[0].location, Location { row: 7, column: 19 });
        // A bare `# noqa` may be another linter's; aether's own bare directive is reported.
        let clean = "x = 1  # noqa\ny = 2  # aether: ignore\n";
        assert_eq!(findings(clean, &reporting_unused()), [(2, "FT100".into())]);
        let unknown = "x = 1  # aether: ignore[FT999]\n";
        let report = check_module(unknown, &reporting_unused());
        assert!(report[0].message.contains("names no rule: `FT999`"));
    }

    #[test]
    fn deselected_rules_are_not_reported_and_their_suppressions_not_unused() {
        let options = CheckOptions {
            rules: RuleSet::ALL.difference(RuleSet::from_selector("FT001").unwrap()),
            report_unused_suppressions: true,
            ..CheckOptions::default()
        };
        assert_eq!(findings(&race_with(""), &options), []);
        assert_eq!(findings(&race_with("  # noqa: FT001"), &options), []);
    }

    #[test]
    fn comments_are_parsed_as_ruff_reads_noqa() {
        assert_eq!(
            noqa_codes(" FT001,FT002  E501 trailing words"),
            ["FT001", "FT002", "E501"]
        );
        assert_eq!(
            bracketed_codes("[FT001 , FT002]"),
            Some(vec!["FT001".into(), "FT002".into()])
        );
        assert_eq!(bracketed_codes(""), Some(vec![]));
        assert_eq!(bracketed_codes("[FT001"), None);
        assert_eq!(bracketed_codes("d"), None);
        assert!(parse_comment("# noqatypo").is_empty());
        assert!(parse_comment("# aether: ignored").is_empty());
        assert_eq!(
            parse_comment("# noqa: FT001  # aether: ignore-file[FT013]").len(),
            2
        );
    }
}
