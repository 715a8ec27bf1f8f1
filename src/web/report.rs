//! The Report panel: the analysis's report of one text ([`Analysis::report`]) with what the
//! panel adds (the findings themselves, the analysis time, the worker's memory), and the
//! report's downloadable forms ([`to_json`], [`to_markdown`]).

use serde::{Deserialize, Serialize};

use crate::analysis::{self, EntryFact};
use crate::{Analysis, Diagnostic, Severity};

/// What the Report panel shows about one text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Lines, functions, classes, the calls that start threads and what they run, findings per
    /// rule.
    pub facts: analysis::Report,
    pub diagnostics: Vec<Diagnostic>,
    /// Time the analysis of the text took in the worker.
    pub analysis_ms: f64,
    /// The worker's WebAssembly memory after the analysis. Shared memory never shrinks, so this
    /// is the most the worker has needed so far.
    pub memory_bytes: u64,
}

impl Report {
    pub fn new(analysis: &Analysis, analysis_ms: f64, memory_bytes: u64) -> Self {
        Self {
            facts: analysis.report(),
            diagnostics: analysis.diagnostics().cloned().collect(),
            analysis_ms,
            memory_bytes,
        }
    }
}

/// The report as JSON: the facts, and the diagnostics exactly as
/// `aether check --output-format json` prints them for a file named `filename` (a browser test
/// compares the two).
pub fn to_json(report: &Report, filename: &str) -> String {
    let diagnostics: Vec<serde_json::Value> = report
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let mut entry = serde_json::to_value(diagnostic).expect("diagnostics serialize");
            if let Some(fields) = entry.as_object_mut() {
                fields.insert("filename".into(), filename.into());
                // The notebook cell, which a playground text never is.
                fields.insert("cell".into(), serde_json::Value::Null);
            }
            entry
        })
        .collect();
    let facts = &report.facts;
    let json = serde_json::json!({
        "filename": filename,
        "lines": facts.lines,
        "functions": facts.functions,
        "classes": facts.classes,
        "thread_entry_points": facts.thread_entries,
        "shared_values": facts.shared_values,
        "findings_by_rule": facts.findings,
        "analysis_ms": report.analysis_ms,
        "diagnostics": diagnostics,
    });
    serde_json::to_string_pretty(&json).expect("JSON values serialize")
}

/// The report as Markdown, for an issue or a pull request.
pub fn to_markdown(report: &Report, filename: &str) -> String {
    let facts = &report.facts;
    let mut out = format!("# Aether report: `{filename}`\n\n");
    out += &format!(
        "{} lines, {} functions, {} classes, {} thread entry points, {} findings (analysed in {:.1} ms).\n",
        facts.lines,
        facts.functions,
        facts.classes,
        facts.thread_entries.len(),
        report.diagnostics.len(),
        report.analysis_ms
    );
    if !facts.thread_entries.is_empty() {
        out += "\n## Thread entry points\n\n";
        for entry in &facts.thread_entries {
            out += &format!("- line {}: {}\n", entry.row, describe_entry(entry));
        }
    }
    if !facts.shared_values.is_empty() {
        out += "\n## Shared values\n\n";
        for value in &facts.shared_values {
            out += &format!(
                "- line {}: `{}` (reads and changes in threads: {}): {}\n",
                value.row, value.name, value.accesses, value.how
            );
        }
    }
    if !facts.findings.is_empty() {
        out += "\n## Findings per rule\n\n| rule | name | error | warning | info |\n|---|---|---|---|---|\n";
        for rule in &facts.findings {
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

/// How a thread entry reads in a sentence: "`Thread(target=work)` runs `work`, reaching `step`".
pub fn describe_entry(entry: &EntryFact) -> String {
    let names = |names: &[String]| {
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let runs = if entry.runs.is_empty() {
        "code defined elsewhere".to_owned()
    } else {
        names(&entry.runs)
    };
    let reached = if entry.reached.is_empty() {
        String::new()
    } else {
        format!(", reaching {}", names(&entry.reached))
    };
    format!("`{}` runs {runs}{reached}", entry.call)
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

    const PROGRAM: &str = "import threading\n\ncounter = 0\n\nclass Box:\n    def get(self):\n        return 1\n\ndef step():\n    global counter\n    counter += 1\n\ndef worker():\n    step()\n\nthreads = [threading.Thread(target=worker) for _ in range(4)]\n";

    fn report() -> Report {
        Report::new(&Analysis::new(PROGRAM), 1.5, 65_536)
    }

    #[test]
    fn holds_the_analysis_facts_and_findings() {
        let report = report();
        assert_eq!(report.facts.lines, 16);
        assert_eq!(report.facts.functions, 3);
        assert_eq!(report.facts.classes, 1);
        assert_eq!(report.memory_bytes, 65_536);
        let [entry] = report.facts.thread_entries.as_slice() else {
            panic!("{:?}", report.facts.thread_entries)
        };
        assert_eq!(entry.row, 16);
        assert_eq!(
            describe_entry(entry),
            "`threading.Thread(target=worker)` runs `worker`, reaching `step`"
        );
        assert!(report.diagnostics.iter().any(|d| d.code == "FT001"));
    }

    #[test]
    fn library_mode_treats_public_functions_as_called_from_threads() {
        let library = "counter = 0\n\n\ndef add():\n    global counter\n    counter += 1\n";
        let severities = |library_mode: bool| {
            let options = crate::detector::CheckOptions {
                library: library_mode,
                ..Default::default()
            };
            Report::new(&Analysis::with_options(library, &[], &options), 0.0, 0)
                .diagnostics
                .iter()
                .map(|d| (d.code.clone(), d.severity))
                .collect::<Vec<_>>()
        };
        assert_eq!(severities(false), [("FT001".to_owned(), Severity::Info)]);
        assert_eq!(severities(true), [("FT001".to_owned(), Severity::Warning)]);
    }

    #[test]
    fn json_holds_the_cli_shaped_diagnostics() {
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&report(), "snippet.py")).unwrap();
        assert_eq!(json["functions"], 3);
        let first = &json["diagnostics"][0];
        assert_eq!(first["filename"], "snippet.py");
        assert!(first["cell"].is_null());
        assert_eq!(first["code"], "FT001");
        assert_eq!(first["location"]["row"], 11);
        assert!(first["end_location"]["column"].is_number());
        assert_eq!(json["thread_entry_points"][0]["runs"][0], "worker");
        assert_eq!(json["findings_by_rule"][0]["code"], "FT001");
    }

    #[test]
    fn markdown_lists_entries_rules_and_findings() {
        let markdown = to_markdown(&report(), "snippet.py");
        assert!(markdown.starts_with("# Aether report: `snippet.py`\n"));
        assert!(markdown.contains("16 lines, 3 functions, 1 classes, 1 thread entry points"));
        assert!(markdown.contains("| FT001 | rmw-global | 0 | 1 | 0 |"));
        assert!(markdown.contains("- 11:5: **FT001**"));
        assert!(
            markdown.contains("## Shared values\n\n- line "),
            "{markdown}"
        );
    }
}
