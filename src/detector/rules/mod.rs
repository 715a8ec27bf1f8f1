//! The rule catalogue: one rule a file, each with its documentation next to its check.
//!
//! A rule's doc comment is both its rustdoc and the explanation that `aether rule CODE` and the
//! playground show, so the two cannot drift apart.

use ruff_python_ast::{ModModule, StmtFunctionDef};

use super::Severity;
use super::checker::{Checker, FunctionContext};
use super::semantic::Statement;

pub(crate) mod acquire_without_release;
pub(crate) mod check_then_act;
pub(crate) mod compound_state_update;
pub(crate) mod copy_then_clear;
pub(crate) mod current_frames;
pub(crate) mod frame_locals_write;
pub(crate) mod gil_reenabling_import;
pub(crate) mod inconsistent_locking;
pub(crate) mod iterate_while_mutating;
pub(crate) mod lazy_init_global;
pub(crate) mod lock_per_call;
pub(crate) mod mutable_default_shared;
pub(crate) mod process_global_state;
pub(crate) mod publish_before_init;
pub(crate) mod rebuild_in_place;
pub(crate) mod rmw_class_attr;
pub(crate) mod rmw_container_item;
pub(crate) mod rmw_global;
pub(crate) mod rmw_nonlocal;
pub(crate) mod rmw_shared_instance;
pub(crate) mod shared_generator;
pub(crate) mod signal_off_main_thread;
pub(crate) mod switch_interval;
pub(crate) mod syntax_error;
pub(crate) mod temporary_override;
pub(crate) mod unused_suppression;

/// What every rule declares about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable code, `FT` and three digits.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// Severity where the code runs in threads (code that starts no threads gets `info`).
    pub severity: Severity,
    /// One line for rule lists.
    pub summary: &'static str,
    /// The rule's documentation in Markdown: what it does, why it breaks without the GIL,
    /// example, use instead.
    pub explanation: &'static str,
}

/// Declares a rule struct whose doc comment doubles as its run-time explanation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $rule:ident {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $rule;

        impl $rule {
            pub const INFO: $crate::detector::rules::RuleInfo = $crate::detector::rules::RuleInfo {
                code: $code,
                name: $name,
                severity: $crate::detector::Severity::$severity,
                summary: $summary,
                explanation: concat!($($doc, "\n",)*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// Runs every statement rule on one statement of a function. `guarded`: a lock is held.
pub(crate) fn check_statement(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    // Coroutines of one event loop are not threads: the race rules skip `async def` bodies.
    if !checker.model.functions[function.id].def.is_async {
        rmw_global::rmw_global(checker, function, statement);
        check_then_act::check_then_act(checker, function, statement);
        lazy_init_global::lazy_init_global(checker, function, statement);
        rmw_class_attr::rmw_class_attr(checker, function, statement);
        rmw_shared_instance::rmw_shared_instance(checker, function, statement);
        rmw_nonlocal::rmw_nonlocal(checker, function, statement);
        rmw_container_item::rmw_container_item(checker, function, statement);
        iterate_while_mutating::iterate_while_mutating(checker, function, statement);
        inconsistent_locking::inconsistent_locking(checker, function, statement);
    }
    process_global_state::process_global_state(checker, function, statement);
    signal_off_main_thread::signal_off_main_thread(checker, function, statement);
    lock_per_call::lock_per_call(checker, function, statement);
    shared_generator::shared_generator(checker, function, statement);
}

/// Runs the rules that need a whole function body at once (statements and what follows them).
pub(crate) fn check_function(
    checker: &mut Checker,
    function: &FunctionContext,
    def: &StmtFunctionDef,
) {
    acquire_without_release::acquire_without_release(checker, function, def);
    mutable_default_shared::mutable_default_shared(checker, function, def);
    if !def.is_async {
        copy_then_clear::copy_then_clear(checker, function);
        rebuild_in_place::rebuild_in_place(checker, function);
        compound_state_update::compound_state_update(checker, function, def);
        publish_before_init::publish_before_init(checker, function, def);
        temporary_override::temporary_override(checker, function);
    }
}

/// Runs the rules that look at the whole module, whether or not threads reach the code.
pub(crate) fn check_module(checker: &mut Checker, module: &ModModule) {
    switch_interval::switch_interval(checker, module);
    gil_reenabling_import::gil_reenabling_import(checker);
    frame_locals_write::frame_locals_write(checker, module);
    current_frames::current_frames(checker, module);
}

/// Every rule, in code order.
pub const ALL_RULES: &[RuleInfo] = &[
    syntax_error::SyntaxError::INFO,
    rmw_global::RmwGlobal::INFO,
    check_then_act::CheckThenAct::INFO,
    lazy_init_global::LazyInitGlobal::INFO,
    rmw_class_attr::RmwClassAttr::INFO,
    rmw_shared_instance::RmwSharedInstance::INFO,
    rmw_nonlocal::RmwNonlocal::INFO,
    rmw_container_item::RmwContainerItem::INFO,
    process_global_state::ProcessGlobalState::INFO,
    signal_off_main_thread::SignalOffMainThread::INFO,
    switch_interval::SwitchInterval::INFO,
    lock_per_call::LockPerCall::INFO,
    acquire_without_release::AcquireWithoutRelease::INFO,
    gil_reenabling_import::GilReenablingImport::INFO,
    shared_generator::SharedGenerator::INFO,
    mutable_default_shared::MutableDefaultShared::INFO,
    iterate_while_mutating::IterateWhileMutating::INFO,
    copy_then_clear::CopyThenClear::INFO,
    compound_state_update::CompoundStateUpdate::INFO,
    frame_locals_write::FrameLocalsWrite::INFO,
    current_frames::CurrentFrames::INFO,
    rebuild_in_place::RebuildInPlace::INFO,
    inconsistent_locking::InconsistentLocking::INFO,
    publish_before_init::PublishBeforeInit::INFO,
    temporary_override::TemporaryOverride::INFO,
    unused_suppression::UnusedSuppression::INFO,
];

/// Looks a rule up by code (`FT001`) or name (`rmw-global`), ignoring case.
pub fn find_rule(code_or_name: &str) -> Option<&'static RuleInfo> {
    ALL_RULES.iter().find(|rule| {
        rule.code.eq_ignore_ascii_case(code_or_name) || rule.name.eq_ignore_ascii_case(code_or_name)
    })
}

impl RuleInfo {
    /// The rule's section of `docs/rules.md` in the repository that `Cargo.toml` names, for
    /// the `url` of findings (none while it names none).
    pub fn url(&self) -> Option<String> {
        let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
        (!repository.is_empty()).then(|| {
            format!(
                "{repository}/blob/main/docs/rules.md#{}",
                self.code.to_ascii_lowercase()
            )
        })
    }

    /// The explanation with the one space that `///` leaves at the start of each line removed.
    pub fn explanation_text(&self) -> String {
        self.explanation
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The Python code block that follows a heading of the explanation (`## Example`).
    pub fn example_after(&self, heading: &str) -> Option<String> {
        let text = self.explanation_text();
        let after_heading = &text[text.find(heading)? + heading.len()..];
        let block_start = after_heading.find("```python")? + "```python".len();
        let block = &after_heading[block_start..];
        let block_end = block.find("```")?;
        Some(block[..block_end].trim_start_matches('\n').to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check_source;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        for pair in ALL_RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} before {}",
                pair[0].code,
                pair[1].code
            );
        }
        for rule in ALL_RULES {
            assert!(
                rule.code.len() == 5 && rule.code.starts_with("FT"),
                "{}",
                rule.code
            );
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                rule.name
            );
        }
    }

    #[test]
    fn every_rule_documents_what_why_example_and_fix() {
        for rule in ALL_RULES {
            let text = rule.explanation_text();
            for heading in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(text.contains(heading), "{} lacks {heading}", rule.code);
            }
        }
    }

    /// Biome's discipline: the documented example is flagged by its rule, the fix is not.
    #[test]
    fn documented_examples_behave_as_documented() {
        for rule in ALL_RULES {
            let example = rule
                .example_after("## Example")
                .unwrap_or_else(|| panic!("{} has no example", rule.code));
            let codes: Vec<_> = check_source(&example).into_iter().map(|d| d.code).collect();
            assert!(
                codes.contains(&rule.code.to_string()),
                "{} example gave {codes:?}",
                rule.code
            );
            if let Some(fixed) = rule.example_after("Use instead:") {
                let codes: Vec<_> = check_source(&fixed).into_iter().map(|d| d.code).collect();
                assert!(
                    codes.is_empty(),
                    "{} 'use instead' gave {codes:?}",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn race_rules_skip_coroutines() {
        let source = "import threading\nn = 0\nasync def handle():\n    global n\n    n += 1\ndef run():\n    pass\nthreading.Thread(target=run).start()\n";
        assert!(check_source(source).is_empty());
        let closure = "def outer():\n    n = 0\n    async def inner():\n        nonlocal n\n        n += 1\n    return inner\n";
        assert!(check_source(closure).is_empty());
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find_rule("ft001").map(|rule| rule.name), Some("rmw-global"));
        assert_eq!(find_rule("rmw-global").map(|rule| rule.code), Some("FT001"));
        assert_eq!(find_rule("FT999"), None);
    }
}
