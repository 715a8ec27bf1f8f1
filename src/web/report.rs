//! The Report panel: facts about one text, gathered in the worker ([`gather`]), and the
//! report's downloadable forms ([`to_json`], [`to_markdown`]), made in the UI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::advice::{CallSite, call_sites_with};
use crate::{Diagnostic, Location, Severity};

/// What the Report panel shows about one text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub lines: usize,
    /// `def` statements: functions, methods, nested functions.
    pub functions: usize,
    /// The calls that start threads or hand work to a pool, and the function each runs.
    pub thread_entries: Vec<ThreadEntry>,
    pub diagnostics: Vec<Diagnostic>,
    /// Time the analysis of the text took in the worker.
    pub analysis_ms: f64,
    /// The worker's WebAssembly memory after the analysis. Shared memory never shrinks, so this
    /// is the most the worker has needed so far.
    pub memory_bytes: u64,
}

/// A call that runs a function in threads, and how the analysis found it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadEntry {
    /// How the call reads (`threading.Thread`, `ThreadPoolExecutor.map`, ...).
    pub call: String,
    /// The function it runs, when it is named (`None` for a lambda).
    pub target: Option<String>,
    pub location: Location,
    /// The lines of the target's `def`, when this file defines it.
    pub target_lines: Option<(usize, usize)>,
    /// Work items or threads the call creates, when the code makes it plain.
    pub items: Option<u64>,
}

impl From<CallSite> for ThreadEntry {
    fn from(site: CallSite) -> Self {
        Self {
            call: site.kind.label().to_owned(),
            target: site.target,
            location: site.location,
            target_lines: site.target_lines,
            items: site.items,
        }
    }
}

/// Analyses `source` and gathers the report; `now_ms` is the worker's clock.
pub fn gather(source: &str, now_ms: impl Fn() -> f64, memory_bytes: impl Fn() -> u64) -> Report {
    let started = now_ms();
    let diagnostics = crate::check_source(source);
    let analysis_ms = now_ms() - started;
    let thread_entries = call_sites_with(source, &diagnostics)
        .into_iter()
        .map(ThreadEntry::from)
        .collect();
    Report {
        lines: line_count(source),
        functions: count_functions(source),
        thread_entries,
        diagnostics,
        analysis_ms,
        memory_bytes: memory_bytes(),
    }
}

/// Lines as an editor numbers them (a final newline does not start a counted line).
fn line_count(source: &str) -> usize {
    source.lines().count()
}

/// `def` keywords, counted over tokens: no tree to build, so no nesting limit to respect.
fn count_functions(source: &str) -> usize {
    use ruff_python_ast::token::TokenKind;
    use ruff_python_parser::{Mode, lexer::lex};
    let mut lexer = lex(source, Mode::Module);
    std::iter::from_fn(|| Some(lexer.next_token()))
        .take_while(|kind| *kind != TokenKind::EndOfFile)
        .filter(|kind| *kind == TokenKind::Def)
        .count()
}

/// Findings of one rule, by severity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuleFindings {
    pub code: String,
    pub name: String,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// Findings per rule, in rule order.
pub fn findings_by_rule(diagnostics: &[Diagnostic]) -> Vec<RuleFindings> {
    let mut rules = BTreeMap::<&str, RuleFindings>::new();
    for diagnostic in diagnostics {
        let entry = rules
            .entry(&diagnostic.code)
            .or_insert_with(|| RuleFindings {
                code: diagnostic.code.clone(),
                name: diagnostic.name.clone(),
                ..RuleFindings::default()
            });
        match diagnostic.severity {
            Severity::Error => entry.error += 1,
            Severity::Warning => entry.warning += 1,
            Severity::Info => entry.info += 1,
        }
    }
    rules.into_values().collect()
}

/// The report as JSON: the facts, the findings per rule, and the diagnostics exactly as
/// `aether check --output-format json` prints them for a file named `filename`.
pub fn to_json(report: &Report, filename: &str) -> String {
    let diagnostics: Vec<serde_json::Value> = report
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let mut entry = serde_json::to_value(diagnostic).expect("diagnostics serialize");
            if let Some(fields) = entry.as_object_mut() {
                fields.insert("filename".into(), filename.into());
            }
            entry
        })
        .collect();
    let json = serde_json::json!({
        "filename": filename,
        "lines": report.lines,
        "functions": report.functions,
        "thread_entry_points": report.thread_entries,
        "findings_by_rule": findings_by_rule(&report.diagnostics),
        "analysis_ms": report.analysis_ms,
        "diagnostics": diagnostics,
    });
    serde_json::to_string_pretty(&json).expect("JSON values serialize")
}

/// The report as Markdown, for an issue or a pull request.
pub fn to_markdown(report: &Report, filename: &str) -> String {
    let mut out = format!("# Aether report: `{filename}`\n\n");
    out += &format!(
        "{} lines, {} functions, {} thread entry points, {} findings (analysed in {:.1} ms).\n",
        report.lines,
        report.functions,
        report.thread_entries.len(),
        report.diagnostics.len(),
        report.analysis_ms
    );
    if !report.thread_entries.is_empty() {
        out += "\n## Thread entry points\n\n";
        for entry in &report.thread_entries {
            out += &format!("- line {}: {}\n", entry.location.row, describe_entry(entry));
        }
    }
    let rules = findings_by_rule(&report.diagnostics);
    if !rules.is_empty() {
        out += "\n## Findings per rule\n\n| rule | name | error | warning | info |\n|---|---|---|---|---|\n";
        for rule in &rules {
            out += &format!(
                "| {} | {} | {} | {} | {} |\n",
                rule.code, rule.name, rule.error, rule.warning, rule.info
            );
        }
        out += "\n## Findings\n\n";
        for diagnostic in &report.diagnostics {
            out += &format!(
                "- {}:{}: **{}** {} ({})\n",
                diagnostic.location.row,
                diagnostic.location.column,
                diagnostic.code,
                diagnostic.message.replace('\n', " "),
                severity_name(diagnostic.severity)
            );
        }
    }
    out
}

/// How a thread entry reads in a sentence: "`threading.Thread` runs `worker` (lines 5-7)".
pub fn describe_entry(entry: &ThreadEntry) -> String {
    let target = entry
        .target
        .as_deref()
        .map_or("a lambda".to_owned(), |name| format!("`{name}`"));
    let lines = entry
        .target_lines
        .map(|(first, last)| format!(", defined on lines {first}-{last}"))
        .unwrap_or_default();
    let items = match entry.items {
        Some(1) => ", once".to_owned(),
        Some(items) => format!(", {items} times"),
        None => String::new(),
    };
    format!("`{}` runs {target}{lines}{items}", entry.call)
}

pub fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROGRAM: &str = "import threading\n\ncounter = 0\n\nclass Box:\n    def get(self):\n        return 1\n\ndef worker():\n    global counter\n    counter += 1\n    def inner():\n        pass\n\nthreads = [threading.Thread(target=worker) for _ in range(4)]\n";

    fn report() -> Report {
        gather(PROGRAM, || 0.0, || 65_536)
    }

    #[test]
    fn counts_lines_functions_and_thread_entries() {
        let report = report();
        assert_eq!(report.lines, 15);
        assert_eq!(report.functions, 3);
        assert_eq!(report.memory_bytes, 65_536);
        let [entry] = report.thread_entries.as_slice() else {
            panic!("{:?}", report.thread_entries)
        };
        assert_eq!(entry.target.as_deref(), Some("worker"));
        assert_eq!(entry.location.row, 15);
        assert_eq!(
            describe_entry(entry),
            "`threading.Thread` runs `worker`, defined on lines 9-13, 4 times"
        );
    }

    #[test]
    fn refused_input_is_counted_without_a_tree() {
        let nested = format!("x = {}1\ndef f(): pass\n", "(".repeat(5_000));
        let report = gather(&nested, || 0.0, || 0);
        assert_eq!(report.functions, 1);
        assert!(report.thread_entries.is_empty());
        assert!(report.diagnostics.iter().any(|d| d.code == "FT000"));
    }

    #[test]
    fn findings_are_grouped_by_rule_and_severity() {
        let report = report();
        let rules = findings_by_rule(&report.diagnostics);
        let ft001 = rules.iter().find(|rule| rule.code == "FT001").unwrap();
        assert_eq!((ft001.error, ft001.warning, ft001.info), (0, 1, 0));
        assert_eq!(ft001.name, "rmw-global");
    }

    #[test]
    fn json_holds_the_cli_shaped_diagnostics() {
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&report(), "snippet.py")).unwrap();
        assert_eq!(json["functions"], 3);
        let first = &json["diagnostics"][0];
        assert_eq!(first["filename"], "snippet.py");
        assert_eq!(first["code"], "FT001");
        assert_eq!(first["location"]["row"], 11);
        assert!(first["end_location"]["column"].is_number());
        assert_eq!(json["thread_entry_points"][0]["target"], "worker");
    }

    #[test]
    fn markdown_lists_entries_rules_and_findings() {
        let markdown = to_markdown(&report(), "snippet.py");
        assert!(markdown.starts_with("# Aether report: `snippet.py`\n"));
        assert!(markdown.contains("15 lines, 3 functions, 1 thread entry points"));
        assert!(markdown.contains("| FT001 | rmw-global | 0 | 1 | 0 |"));
        assert!(markdown.contains("- 11:5: **FT001**"));
    }
}
