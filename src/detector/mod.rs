//! The hazard detector: parses Python, builds a semantic model of what runs in threads and what
//! is shared, and runs the rules over it.
//!
//! **Invariant:** analysis never fails. Syntax errors and refused input come back as `FT000`
//! diagnostics, and everything else in the file is still checked.

mod checker;
mod diagnostic;
mod encoding;
mod helpers;
mod limits;
pub mod rules;
mod semantic;

use ruff_python_ast::PySourceType;

pub use diagnostic::{Diagnostic, Edit, Fix, Location, Severity};
pub use encoding::decode_source;
pub use limits::MAX_SOURCE_BYTES;
pub use rules::{ALL_RULES, RuleInfo, find_rule};

use checker::Checker;
use semantic::SemanticModel;

/// Analyses one Python source text and returns its diagnostics, sorted by position.
pub fn check_source(source: &str) -> Vec<Diagnostic> {
    let empty_model = SemanticModel::default();
    if let Err(limit) = limits::check_limits(source) {
        let mut checker = Checker::new(source, &empty_model);
        rules::syntax_error::limit_exceeded(&mut checker, &limit);
        return checker.into_diagnostics();
    }
    let parsed = ruff_python_parser::parse_unchecked_source(source, PySourceType::Python);
    let model = SemanticModel::build(parsed.syntax(), source);
    let mut checker = Checker::new(source, &model);
    rules::syntax_error::syntax_errors(&mut checker, parsed.errors());
    checker.check_functions();
    checker.check_module(parsed.syntax());
    checker.into_diagnostics()
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

    /// Applies the fixes of `diagnostics` to `source`. Identical edits (the same lock created
    /// for two findings) are applied once; the rest must not overlap.
    pub fn apply_fixes(source: &str, diagnostics: &[super::Diagnostic]) -> String {
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let offset = |location: super::Location| {
            let start = line_starts[location.row - 1];
            let line = &source[start..];
            start
                + line
                    .char_indices()
                    .nth(location.column - 1)
                    .map_or(line.len(), |(at, _)| at)
        };
        let mut edits: Vec<(usize, usize, &str)> = diagnostics
            .iter()
            .filter_map(|diagnostic| diagnostic.fix.as_ref())
            .flat_map(|fix| &fix.edits)
            .map(|edit| {
                (
                    offset(edit.location),
                    offset(edit.end_location),
                    edit.content.as_str(),
                )
            })
            .collect();
        edits.sort();
        edits.dedup();
        let mut out = source.to_string();
        let mut previous_start = usize::MAX;
        for (start, end, content) in edits.into_iter().rev() {
            assert!(end <= previous_start, "overlapping edits");
            out.replace_range(start..end, content);
            previous_start = start;
        }
        out
    }
}
