//! The facts of a safety report: what the analysis saw in the document and what it found.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::detector::Severity;
use crate::detector::checker::Checker;
use crate::detector::rules::find_rule;
use crate::detector::semantic::SemanticModel;
use crate::detector::semantic::flow::Scope;
use crate::detector::semantic::sharing::AccessKind;

/// What one analysis saw and found, for the playground's Report panel and the JSON report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub lines: usize,
    /// Functions and methods defined, nested ones included.
    pub functions: usize,
    pub classes: usize,
    /// Every call that hands work to another thread, in source order.
    pub thread_entries: Vec<EntryFact>,
    /// Values code running in threads touches that other threads can touch too, most touched
    /// first.
    pub shared_values: Vec<SharedValue>,
    /// Findings per rule, in code order.
    pub findings: Vec<RuleCount>,
}

/// A value threads share, and how it became shared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedValue {
    /// As the code spells it: `cache`, `self.count`, `cache[...]`.
    pub name: String,
    /// The first line where code running in threads touches it.
    pub row: usize,
    /// How it became shared: "the `{}` created at line 6 is held by module-level `cache`".
    pub how: String,
    /// Reads and changes of it by code running in threads.
    pub accesses: usize,
}

/// At most this many shared values are listed; the Report says how many more there are.
const SHARED_VALUES_SHOWN: usize = 50;

/// The values that code running in threads touches and that other threads can touch too.
pub(super) fn shared_values(
    model: &SemanticModel,
    source: &str,
    row_of: impl Fn(ruff_text_size::TextSize) -> usize,
) -> Vec<SharedValue> {
    let sharing = &model.sharing;
    let flow = &model.flow;
    let threaded: Vec<_> = sharing
        .codes()
        .filter(|&code| sharing.runs_in_threads(code))
        .collect();
    let (_, shared) = sharing.shared_accesses(flow, &threaded);
    let checker = Checker::new(source, model);
    shared
        .into_iter()
        .take(SHARED_VALUES_SHOWN)
        .filter_map(|(var, accesses)| {
            let name = flow.spelling(var)?;
            let touched = sharing.accesses_of(var);
            let first = touched
                .iter()
                .filter(|access| sharing.runs_in_threads(access.code))
                .map(|access| access.statement.start())
                .min()?;
            let how = match flow.owner_of(var) {
                Some(object) if sharing.shared_by(object).is_some() => {
                    checker.describe_shared(object)
                }
                _ => {
                    let mut changers: Vec<&str> = touched
                        .iter()
                        .filter(|access| {
                            access.kind != AccessKind::Read && access.code != sharing.module_code()
                        })
                        .map(|access| model.code_name(access.code))
                        .collect();
                    changers.dedup();
                    let changers: Vec<String> =
                        changers.iter().map(|name| format!("`{name}`")).collect();
                    let place = match flow.scope_of(var) {
                        Some(Scope::Class(_)) => "a class attribute",
                        _ => "a module-level name",
                    };
                    format!(
                        "{place} that {} changes while threads use it",
                        changers.join(", ")
                    )
                }
            };
            Some(SharedValue {
                name,
                row: row_of(first),
                how,
                accesses,
            })
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use crate::Analysis;

    fn shared(source: &str) -> Vec<String> {
        Analysis::new(source)
            .report()
            .shared_values
            .iter()
            .map(|value| format!("{} line {}: {}", value.name, value.row, value.how))
            .collect()
    }

    #[test]
    fn shared_values_say_how_they_became_shared() {
        let found = shared(include_str!("../../www/examples/hazards.py"));
        assert_eq!(
            found,
            [
                "_conn line 30: a module-level name that `connection` changes while threads use it",
                "cache[...] line 18: the `{}` created at line 6 is held by module-level `cache`",
                "hits line 13: a module-level name that `count_hit` changes while threads use it",
            ]
        );
    }

    #[test]
    fn a_value_handed_to_every_thread_is_shared_and_one_of_each_is_not() {
        let handed = "import threading\n\ndef work(stats):\n    stats['n'] = stats.get('n', 0) + 1\n\nstats = {}\nfor _ in range(4):\n    threading.Thread(target=work, args=(stats,)).start()\n";
        let [value] = shared(handed).try_into().unwrap();
        assert!(
            value.starts_with("stats[...] line 4: the `{}` created at line 6 is handed to every thread of `threading.Thread(target=work, args=(stats,))`"),
            "{value}"
        );
        let own = "import threading\n\ndef work():\n    stats = {}\n    stats['n'] = stats.get('n', 0) + 1\n\nfor _ in range(4):\n    threading.Thread(target=work).start()\n";
        assert_eq!(shared(own), Vec::<String>::new());
    }
}
