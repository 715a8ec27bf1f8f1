//! The facts of a safety report: what the analysis saw in the document and what it found.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::detector::Severity;
use crate::detector::rules::find_rule;

/// What one analysis saw and found, for the playground's Report panel and the JSON report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub lines: usize,
    /// Functions and methods defined, nested ones included.
    pub functions: usize,
    pub classes: usize,
    /// Every call that hands work to another thread, in source order.
    pub thread_entries: Vec<EntryFact>,
    /// Findings per rule, in code order.
    pub findings: Vec<RuleCount>,
}

/// A call that starts threads, and what it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryFact {
    /// The call as written (shortened when long).
    pub call: String,
    pub row: usize,
    /// Functions of this module the threads run, and those reached from them through calls.
    pub runs: Vec<String>,
    pub reached: Vec<String>,
}

/// How many findings of one rule, by severity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCount {
    pub code: String,
    pub name: String,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// Counts findings per rule code, in code order.
pub(super) fn count_by_rule<'d>(
    diagnostics: impl Iterator<Item = &'d crate::Diagnostic>,
) -> Vec<RuleCount> {
    let mut counts: BTreeMap<&str, RuleCount> = BTreeMap::new();
    for diagnostic in diagnostics {
        let count = counts
            .entry(diagnostic.code.as_str())
            .or_insert_with(|| RuleCount {
                code: diagnostic.code.clone(),
                name: find_rule(&diagnostic.code)
                    .map_or_else(|| diagnostic.name.clone(), |rule| rule.name.to_string()),
                error: 0,
                warning: 0,
                info: 0,
            });
        match diagnostic.severity {
            Severity::Error => count.error += 1,
            Severity::Warning => count.warning += 1,
            Severity::Info => count.info += 1,
        }
    }
    counts.into_values().collect()
}
