use ruff_python_parser::ParseError;

use super::declare_rule;
use crate::detector::checker::Checker;
use crate::detector::limits::LimitExceeded;

declare_rule! {
    /// ## What it does
    /// Reports code that does not parse as Python, and input too large or too deeply nested to
    /// analyse safely.
    ///
    /// ## Why is this bad?
    /// Nothing else can be checked in the broken part. The parser recovers from the error, so
    /// the rest of the file is still analysed and its hazards are still shown.
    ///
    /// ## Example
    /// ```python
    /// def worker(:
    ///     pass
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def worker():
    ///     pass
    /// ```
    pub struct SyntaxError {
        code: "FT000",
        name: "syntax-error",
        severity: Error,
        summary: "Code that does not parse, or is too large or too deeply nested to analyse",
    }
}

/// FT000
pub(crate) fn syntax_errors(checker: &mut Checker, errors: &[ParseError]) {
    for error in errors {
        checker.report(
            &SyntaxError::INFO,
            error.location,
            format!("SyntaxError: {}", error.error),
        );
    }
}

/// FT000
pub(crate) fn limit_exceeded(checker: &mut Checker, limit: &LimitExceeded) {
    checker.report(
        &SyntaxError::INFO,
        limit.range,
        format!("not analysed: {}", limit.message),
    );
}
