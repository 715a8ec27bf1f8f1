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
pub mod rules;
pub(crate) mod semantic;

pub use diagnostic::{Diagnostic, Edit, Fix, Location, Severity};
pub use encoding::decode_source;
pub use fix::apply_fixes;
pub use limits::MAX_SOURCE_BYTES;
pub use rules::{ALL_RULES, RuleInfo, find_rule};

use checker::{Checker, Finding};
use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use semantic::SemanticModel;

/// Analyses one Python source text and returns its diagnostics, sorted by position.
pub fn check_source(source: &str) -> Vec<Diagnostic> {
    crate::analysis::Analysis::new(source).into_diagnostics()
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
}

/// Runs every rule over a parsed module and its model: syntax errors, then the functions, then
/// the whole-module rules.
pub(crate) fn run_rules(
    source: &str,
    parsed: &Parsed<ModModule>,
    model: &SemanticModel,
) -> Vec<Finding> {
    let mut checker = Checker::new(source, model);
    rules::syntax_error::syntax_errors(&mut checker, parsed.errors());
    checker.check_functions();
    checker.check_module(parsed.syntax());
    checker.into_findings()
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
