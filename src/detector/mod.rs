//! The hazard detector: parses Python, builds a semantic model of what runs in threads and what
//! is shared, and runs the rules over it.
//!
//! **Invariant:** analysis never fails. Syntax errors and refused input come back as `FT000`
//! diagnostics, and everything else in the file is still checked.

pub(crate) mod checker;
mod diagnostic;
mod encoding;
mod fix;
pub(crate) mod helpers;
pub(crate) mod limits;
mod options;
pub mod rules;
pub(crate) mod semantic;
pub(crate) mod suppression;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Location, Severity};
pub use encoding::decode_source;
pub use fix::{Fixed, MAX_FIX_ROUNDS, applicable, apply_fixes, fix_source};
pub use limits::{MAX_SOURCE_BYTES, too_large};
pub use options::{CheckOptions, RuleSet, TargetVersion};
pub use rules::{ALL_RULES, RuleInfo, find_rule};

use checker::{Checker, Finding};
use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use semantic::SemanticModel;

/// Analyses one Python source text with every rule, as an editor wants it (unused suppression
/// comments included), and returns its diagnostics, sorted by position.
pub fn check_source(source: &str) -> Vec<Diagnostic> {
    let options = CheckOptions {
        report_unused_suppressions: true,
        ..CheckOptions::default()
    };
    crate::analysis::Analysis::with_options(source, &[], &options).into_diagnostics()
}

/// The finding for a file whose text could not be had (unreadable, undecodable, too large):
/// an `FT000` at its start, as ruff reports an I/O error as a finding of the file.
pub fn not_analysed(reason: &str) -> Diagnostic {
    let limit = limits::LimitExceeded {
        message: reason.to_string(),
        range: ruff_text_size::TextRange::default(),
    };
    refusal("", &limit).remove(0).diagnostic
}

/// A function that one module of a run makes run in threads in another: as a thread target,
/// or called from its code that runs in threads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CrossModuleEntry {
    /// The defining module as it was imported (`pkg.jobs`).
    pub module: String,
    /// The module-level function (`work`).
    pub function: String,
    /// The thread-starting call it is reached from, e.g. ``threading.Thread(target=work)``.
    pub via: String,
    /// Where that call is written, e.g. `app.py:12`.
    pub origin: String,
    /// Functions between that call and this one, outermost first.
    pub through: Vec<String>,
    /// Whether several threads of that call can run at once.
    pub many: bool,
}

/// Runs every rule over a parsed module and its model (syntax errors, then the functions, then
/// the whole-module rules), then applies `options` and the file's suppression comments. Gives
/// the line index too when a finding built it.
pub(crate) fn run_rules(
    source: &str,
    parsed: &Parsed<ModModule>,
    model: &SemanticModel,
    options: &CheckOptions,
) -> (Vec<Finding>, Option<ruff_source_file::LineIndex>) {
    let mut checker = Checker::new(source, model);
    checker.module_body = &parsed.syntax().body;
    checker.tokens = Some(parsed.tokens());
    rules::syntax_error::syntax_errors(&mut checker, parsed.errors());
    checker.check_functions();
    checker.check_module(parsed.syntax());
    let (findings, line_index) = checker.into_findings_and_lines();
    suppression::finish(source, Some(parsed.tokens()), findings, line_index, options)
}

/// The one finding for input refused before analysis (too large, too deeply nested).
pub(crate) fn refusal(source: &str, limit: &limits::LimitExceeded) -> Vec<Finding> {
    let empty_model = SemanticModel::default();
    let mut checker = Checker::new(source, &empty_model);
    rules::syntax_error::limit_exceeded(&mut checker, limit);
    checker.into_findings()
}

#[cfg(test)]
pub(crate) mod test_support {
    /// `(line, code)` of each diagnostic, for compact assertions.
    pub fn codes_at(source: &str) -> Vec<(usize, String)> {
        super::check_source(source)
            .into_iter()
            .map(|diagnostic| (diagnostic.location.row, diagnostic.code))
            .collect()
    }
}
