//! Output formats: text, ruff-shaped JSON, GitHub annotations, and the rule list.

use std::io::Write;

use serde::Serialize;

use super::CheckFormat;
use crate::detector::{Diagnostic, RuleInfo, Severity};

pub struct FileDiagnostics {
    pub path: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// One entry of the JSON array: the diagnostic's fields plus its file, as ruff prints them.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    filename: &'a str,
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
}

// Writes to stdout are best effort: a closed pipe (`aether check . | head`) is not an error.
pub fn write_diagnostics(out: &mut impl Write, format: CheckFormat, files: &[FileDiagnostics]) {
    let all = files.iter().flat_map(|file| {
        file.diagnostics
            .iter()
            .map(move |diagnostic| (file.path.as_str(), diagnostic))
    });
    match format {
        CheckFormat::Text => {
            let mut counts = [0usize; 3];
            for (path, d) in all {
                counts[d.severity as usize] += 1;
                let _ = writeln!(
                    out,
                    "{path}:{}:{}: {} {}",
                    d.location.row, d.location.column, d.code, d.message
                );
            }
            let [info, warning, error] = counts;
            let checked = plural(files.len(), "file");
            let _ = if info + warning + error == 0 {
                writeln!(out, "All checks passed! ({checked} checked)")
            } else {
                writeln!(
                    out,
                    "Found {} in {checked}: {error} error, {warning} warning, {info} info.",
                    plural(info + warning + error, "hazard"),
                )
            };
        }
        CheckFormat::Json => {
            let entries: Vec<_> = all
                .map(|(filename, diagnostic)| JsonDiagnostic {
                    filename,
                    diagnostic,
                })
                .collect();
            let _ = serde_json::to_writer_pretty(&mut *out, &entries);
            let _ = writeln!(out);
        }
        CheckFormat::Github => {
            for (path, d) in all {
                let level = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "notice",
                };
                let _ = writeln!(
                    out,
                    "::{level} title=Aether ({}),file={path},line={},col={},endLine={},endColumn={}::{}",
                    d.code,
                    d.location.row,
                    d.location.column,
                    d.end_location.row,
                    d.end_location.column,
                    escape_github(&format!("{} {}", d.code, d.message)),
                );
            }
        }
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// GitHub workflow commands end at a newline and treat `%` specially.
fn escape_github(message: &str) -> String {
    message
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn write_rules_text(out: &mut impl Write, rules: &[RuleInfo]) {
    for rule in rules {
        let severity = format!("{:?}", rule.severity).to_lowercase();
        let _ = writeln!(
            out,
            "{}  {:<18} {:<8} {}",
            rule.code, rule.name, severity, rule.summary
        );
    }
}

pub fn write_rules_json(out: &mut impl Write, rules: &[RuleInfo]) {
    #[derive(Serialize)]
    struct JsonRule<'a> {
        code: &'a str,
        name: &'a str,
        severity: Severity,
        summary: &'a str,
        explanation: String,
    }
    let entries: Vec<_> = rules
        .iter()
        .map(|rule| JsonRule {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            summary: rule.summary,
            explanation: rule.explanation_text(),
        })
        .collect();
    let _ = serde_json::to_writer_pretty(&mut *out, &entries);
    let _ = writeln!(out);
}
