//! The formats findings are written in.

use std::collections::BTreeMap;
use std::hash::Hasher;
use std::io::Write;

use clap::ValueEnum;
use serde::Serialize;
use serde_json::{Value, json};

use super::{FileDiagnostics, Finding, printable};
use crate::detector::{ALL_RULES, Diagnostic, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// `path:row:col: CODE message`, one line a finding, then a summary.
    Text,
    /// One line a finding, nothing else.
    Concise,
    /// Each finding with the line of code it is on.
    Full,
    /// A JSON array shaped like ruff's JSON output.
    Json,
    /// One JSON object a line.
    JsonLines,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, one test case a finding.
    Junit,
    /// GitLab Code Quality report.
    Gitlab,
}

/// How findings are shown, beyond their format.
#[derive(Clone, Copy, Debug)]
pub struct Presentation {
    pub format: CheckFormat,
    /// Findings only: no summary line.
    pub quiet: bool,
    /// The fix under each finding that has one.
    pub show_fixes: bool,
    /// A count per rule instead of the findings.
    pub statistics: bool,
    /// How many fixes `--fix` applied before these findings were made.
    pub fixed: usize,
    /// Whether unsafe fixes count as available (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
}

/// Writes the findings of a run. Write errors are left to the caller's checked output.
pub fn write_findings(out: &mut impl Write, presentation: Presentation, files: &[FileDiagnostics]) {
    let all = || {
        files.iter().flat_map(|file| {
            file.findings
                .iter()
                .map(move |finding| (file.path.as_str(), finding))
        })
    };
    if presentation.statistics {
        write_statistics(out, presentation.format, all());
        return;
    }
    let _ = match presentation.format {
        CheckFormat::Text | CheckFormat::Concise | CheckFormat::Full => {
            write_text(out, presentation, files, all())
        }
        CheckFormat::Json => {
            let entries: Vec<Value> = all()
                .map(|(path, finding)| json_entry(path, finding))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &entries)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
        CheckFormat::JsonLines => {
            all().try_for_each(|(path, finding)| writeln!(out, "{}", json_entry(path, finding)))
        }
        CheckFormat::Github => {
            all().try_for_each(|(path, finding)| write_github(out, path, finding))
        }
        CheckFormat::Sarif => writeln!(out, "{:#}", sarif(all())),
        CheckFormat::Junit => write_junit(out, files),
        CheckFormat::Gitlab => writeln!(out, "{:#}", gitlab(all())),
    };
}

/// `path:row:col` or, in a notebook, `path:cell N:row:col`.
fn place(path: &str, finding: &Finding) -> String {
    let location = finding.diagnostic.location;
    match finding.cell {
        Some(cell) => format!(
            "{}:cell {cell}:{}:{}",
            printable(path),
            location.row,
            location.column
        ),
        None => format!("{}:{}:{}", printable(path), location.row, location.column),
    }
}

fn write_text<'f>(
    out: &mut impl Write,
    presentation: Presentation,
    files: &[FileDiagnostics],
    all: impl Iterator<Item = (&'f str, &'f Finding)>,
) -> std::io::Result<()> {
    let mut counts = [0usize; 3];
    let (mut fixable, mut unsafe_fixable) = (0, 0);
    for (path, finding) in all {
        let d = &finding.diagnostic;
        counts[d.severity as usize] += 1;
        writeln!(
            out,
            "{}: {} {}",
            place(path, finding),
            d.code,
            printable(&d.message)
        )?;
        if presentation.format == CheckFormat::Full {
            write_context(out, finding)?;
        }
        if let Some(fix) = &d.fix {
            if crate::detector::applicable(fix, presentation.unsafe_fixes) {
                fixable += 1;
            } else {
                unsafe_fixable += 1;
            }
            if presentation.show_fixes {
                let applicability = serde_json::to_value(fix.applicability)
                    .ok()
                    .and_then(|value| value.as_str().map(str::to_string))
                    .unwrap_or_default();
                writeln!(out, "  fix ({applicability}): {}", printable(&fix.message))?;
            }
        }
    }
    if presentation.quiet || presentation.format == CheckFormat::Concise {
        return Ok(());
    }
    let [info, warning, error] = counts;
    let checked = plural(files.len(), "file");
    let remaining = info + warning + error;
    let fixed = presentation.fixed;
    if remaining == 0 && fixed == 0 {
        return writeln!(out, "All checks passed! ({checked} checked)");
    }
    if fixed > 0 {
        writeln!(
            out,
            "Found {} in {checked} ({fixed} fixed, {remaining} remaining): {error} error, {warning} warning, {info} info.",
            plural(fixed + remaining, "hazard"),
        )?;
    } else {
        writeln!(
            out,
            "Found {} in {checked}: {error} error, {warning} warning, {info} info.",
            plural(remaining, "hazard"),
        )?;
    }
    let hidden = match unsafe_fixable {
        0 => String::new(),
        count => format!(" ({count} more with `--fix --unsafe-fixes`)"),
    };
    if fixable > 0 {
        let option = if presentation.unsafe_fixes {
            "`--fix --unsafe-fixes`"
        } else {
            "`--fix`"
        };
        writeln!(
            out,
            "[*] {} available with {option}{hidden}; --show-fixes shows them.",
            plural(fixable, "fix")
        )?;
    } else if unsafe_fixable > 0 {
        writeln!(
            out,
            "{} available with `--fix --unsafe-fixes`; --show-fixes shows them.",
            plural(unsafe_fixable, "fix")
        )?;
    }
    Ok(())
}

/// The finding's first line of code with a caret under what it points at.
fn write_context(out: &mut impl Write, finding: &Finding) -> std::io::Result<()> {
    let Some(line) = &finding.line else {
        return Ok(());
    };
    let d = &finding.diagnostic;
    let row = d.location.row.to_string();
    let gutter = " ".repeat(row.len());
    let line = printable(line);
    let start = d.location.column.saturating_sub(1);
    let end = if d.end_location.row == d.location.row {
        d.end_location.column.saturating_sub(1).max(start + 1)
    } else {
        line.chars().count().max(start + 1)
    };
    writeln!(out, "{gutter} |")?;
    writeln!(out, "{row} | {line}")?;
    writeln!(
        out,
        "{gutter} | {}{}",
        " ".repeat(start),
        "^".repeat(end - start)
    )?;
    writeln!(out, "{gutter} |")
}

fn plural(count: usize, noun: &str) -> String {
    match (count, noun.ends_with('x')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{count} {noun}es"),
        (_, false) => format!("{count} {noun}s"),
    }
}

/// `--statistics`: how many findings each rule has, most first, as ruff prints them.
fn write_statistics<'f>(
    out: &mut impl Write,
    format: CheckFormat,
    all: impl Iterator<Item = (&'f str, &'f Finding)>,
) {
    let mut counts: BTreeMap<(&str, &str), (usize, bool)> = BTreeMap::new();
    for (_, finding) in all {
        let d = &finding.diagnostic;
        let entry = counts.entry((&d.code, &d.name)).or_default();
        entry.0 += 1;
        entry.1 |= d.fix.is_some();
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let _ = if matches!(format, CheckFormat::Json) {
        let entries: Vec<Value> = rows
            .iter()
            .map(|((code, name), (count, fixable))| {
                json!({"code": code, "name": name, "count": count, "fixable": fixable})
            })
            .collect();
        writeln!(out, "{:#}", Value::Array(entries))
    } else {
        rows.iter()
            .try_for_each(|((code, name), (count, fixable))| {
                let mark = if *fixable { "[*] " } else { "" };
                writeln!(out, "{count:>5}\t{code}\t{mark}{name}")
            })
    };
}

/// One entry of the JSON array (and line of JSON lines): the diagnostic's fields as ruff names
/// them, plus the file and, in a notebook, the cell.
fn json_entry(path: &str, finding: &Finding) -> Value {
    #[derive(Serialize)]
    struct Entry<'a> {
        filename: &'a str,
        cell: Option<usize>,
        #[serde(flatten)]
        diagnostic: &'a Diagnostic,
    }
    serde_json::to_value(Entry {
        filename: path,
        cell: finding.cell,
        diagnostic: &finding.diagnostic,
    })
    .unwrap_or(Value::Null)
}

fn write_github(out: &mut impl Write, path: &str, finding: &Finding) -> std::io::Result<()> {
    let d = &finding.diagnostic;
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    // GitHub reads columns only on a one-line range.
    let range = if d.location.row == d.end_location.row {
        format!(
            "line={},col={},endLine={},endColumn={}",
            d.location.row, d.location.column, d.end_location.row, d.end_location.column
        )
    } else {
        format!("line={},endLine={}", d.location.row, d.end_location.row)
    };
    let shown = match finding.cell {
        Some(cell) => format!("cell {cell}: {} {}", d.code, d.message),
        None => format!("{} {}", d.code, d.message),
    };
    writeln!(
        out,
        "::{level} title={},file={},{range}::{}",
        github_property(&format!("Aether ({})", d.code)),
        github_property(path),
        github_data(&shown),
    )
}

/// A workflow command's message, escaped as GitHub's toolkit does (`escapeData`): it ends at a
/// line break and decodes `%`.
fn github_data(text: &str) -> String {
    printable(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (`escapeProperty`): `,` and `:` also end it.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// SARIF 2.1.0 as GitHub code scanning reads it: every rule in the driver, results pointing at
/// them by index, repository-relative URIs, 1-based regions with an exclusive end column.
fn sarif<'f>(all: impl Iterator<Item = (&'f str, &'f Finding)>) -> Value {
    let rules: Vec<Value> = ALL_RULES
        .iter()
        .map(|rule| {
            let explanation = rule.explanation_text();
            let mut entry = json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": explanation.trim()},
                "help": {"text": explanation.trim(), "markdown": explanation.trim()},
                "defaultConfiguration": {"level": sarif_level(rule.severity)},
            });
            if let Some(url) = rule.url() {
                entry["helpUri"] = json!(url);
            }
            entry
        })
        .collect();
    let results: Vec<Value> = all
        .map(|(path, finding)| {
            let d = &finding.diagnostic;
            let index = ALL_RULES.iter().position(|rule| rule.code == d.code);
            let mut result = json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": {"text": d.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(path)},
                        "region": {
                            "startLine": d.location.row,
                            "startColumn": d.location.column,
                            "endLine": d.end_location.row,
                            "endColumn": d.end_location.column,
                        },
                    },
                }],
            });
            if let Some(index) = index {
                result["ruleIndex"] = json!(index);
            }
            if let Some(cell) = finding.cell {
                result["properties"] = json!({"cell": cell});
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "aether",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            },
            "results": results,
        }],
    })
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: `/` separators, and every byte outside the unreserved
/// and path characters percent-encoded.
fn uri(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// JUnit XML as ruff writes it: a test suite a file, a failed test case a finding.
fn write_junit(out: &mut impl Write, files: &[FileDiagnostics]) -> std::io::Result<()> {
    let total: usize = files.iter().map(|file| file.findings.len()).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="aether" tests="{total}" failures="{total}" errors="0">"#
    )?;
    for file in files.iter().filter(|file| !file.findings.is_empty()) {
        let count = file.findings.len();
        let path = xml(&file.path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{count}" failures="{count}" errors="0">"#
        )?;
        for finding in &file.findings {
            let d = &finding.diagnostic;
            let cell = finding
                .cell
                .map_or(String::new(), |cell| format!("cell {cell}, "));
            writeln!(
                out,
                r#"    <testcase name="org.aether.{}" classname="{path}" line="{}" column="{}">"#,
                d.code, d.location.row, d.location.column
            )?;
            writeln!(
                out,
                r#"      <failure message="{}">{cell}line {}, col {}, {}</failure>"#,
                xml(&d.message),
                d.location.row,
                d.location.column,
                xml(&d.message)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Text for an XML attribute or element: the five special characters escaped, and control
/// characters (which XML 1.0 cannot hold) written as escapes.
fn xml(text: &str) -> String {
    printable(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// GitLab Code Quality: an issue a finding, with a fingerprint that stays the same while the
/// finding does (file, rule, message and how often it occurs before, not its line).
fn gitlab<'f>(all: impl Iterator<Item = (&'f str, &'f Finding)>) -> Value {
    let mut seen: BTreeMap<u64, usize> = BTreeMap::new();
    let issues: Vec<Value> = all
        .map(|(path, finding)| {
            let d = &finding.diagnostic;
            let mut hasher = rustc_hash::FxHasher::default();
            for part in [path, d.code.as_str(), d.message.as_str()] {
                hasher.write(part.as_bytes());
                hasher.write_u8(0);
            }
            let base = hasher.finish();
            let occurrence = seen.entry(base).or_default();
            hasher.write_usize(*occurrence);
            *occurrence += 1;
            json!({
                "description": format!("{} {}", d.code, d.message),
                "check_name": d.code,
                "fingerprint": format!("{:016x}", hasher.finish()),
                "severity": match d.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Info => "info",
                },
                "location": {
                    "path": path,
                    "lines": {"begin": d.location.row, "end": d.end_location.row},
                },
            })
        })
        .collect();
    Value::Array(issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_relative_references() {
        assert_eq!(uri("src/a b/ü.py"), "src/a%20b/%C3%BC.py");
        assert_eq!(uri("pkg\\mod.py"), "pkg/mod.py");
    }

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(
            xml("a<b & \"c\"\u{1b}"),
            "a&lt;b &amp; &quot;c&quot;\\u{1b}"
        );
    }
}
