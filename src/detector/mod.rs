//! The hazard detector: parses Python, builds a semantic model of what runs in threads and what
//! is shared, and runs the rules over it.
//!
//! **Invariant:** analysis never fails. Syntax errors and refused input come back as `FT000`
//! diagnostics, and everything else in the file is still checked.

mod checker;
mod diagnostic;
mod encoding;
mod fix;
mod helpers;
mod limits;
mod options;
pub mod rules;
mod semantic;
mod suppression;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Location, Severity};
pub use encoding::decode_source;
pub use fix::apply_fixes;
pub use limits::{MAX_SOURCE_BYTES, too_large};
pub use options::{CheckOptions, RuleSet, TargetVersion};
pub use rules::{ALL_RULES, RuleInfo, find_rule};

use checker::Checker;
use semantic::{EntrySite, SemanticModel, ThreadEntry};

/// Analyses one Python source text with every rule, as an editor wants it (unused suppression
/// comments included), and returns its diagnostics, sorted by position.
pub fn check_source(source: &str) -> Vec<Diagnostic> {
    let options = CheckOptions {
        report_unused_suppressions: true,
        ..CheckOptions::default()
    };
    check_module(source, "", &[], &options).diagnostics
}

/// The finding for a file whose text could not be had (unreadable, undecodable, too large):
/// an `FT000` at its start, as ruff reports an I/O error as a finding of the file.
pub fn not_analysed(reason: &str) -> Diagnostic {
    let empty_model = SemanticModel::default();
    let mut checker = Checker::new("", &empty_model);
    let limit = limits::LimitExceeded {
        message: reason.to_string(),
        range: ruff_text_size::TextRange::default(),
    };
    rules::syntax_error::limit_exceeded(&mut checker, &limit);
    checker.into_diagnostics().remove(0)
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

/// What analysing one module of a multi-file run gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleReport {
    pub diagnostics: Vec<Diagnostic>,
    /// Functions of other modules this one runs in threads (for the caller to route).
    pub outgoing: Vec<CrossModuleEntry>,
    /// Module-level functions that no thread entry point reaches: an entry from another module
    /// changes the analysis only if it names one of these.
    pub unthreaded_functions: Vec<String>,
}

/// Analyses one module of a multi-file run. `incoming` lists entries other modules found for
/// this one (their `module` is ignored here: the caller routes them); `label` names this file
/// in the entries it sends out. The findings are those of the rules `options` selects, less
/// those the file's suppression comments silence.
pub fn check_module(
    source: &str,
    label: &str,
    incoming: &[CrossModuleEntry],
    options: &CheckOptions,
) -> ModuleReport {
    let parsed = match limits::parse_within_limits(source) {
        Ok(parsed) => parsed,
        Err(limit) => {
            let empty_model = SemanticModel::default();
            let mut checker = Checker::new(source, &empty_model);
            rules::syntax_error::limit_exceeded(&mut checker, &limit);
            return ModuleReport {
                diagnostics: suppression::finish(
                    source,
                    None,
                    checker.into_diagnostics_and_lines(),
                    options,
                ),
                outgoing: Vec::new(),
                unthreaded_functions: Vec::new(),
            };
        }
    };
    let incoming: Vec<(&str, ThreadEntry)> = incoming
        .iter()
        .map(|entry| {
            let thread_entry = ThreadEntry {
                call: entry.via.clone(),
                site: EntrySite::Elsewhere(entry.origin.clone()),
                through: entry.through.clone(),
            };
            (entry.function.as_str(), thread_entry)
        })
        .collect();
    let model = SemanticModel::build(parsed.syntax(), source, &incoming);
    let mut checker = Checker::new(source, &model);
    rules::syntax_error::syntax_errors(&mut checker, parsed.errors());
    checker.check_functions();
    checker.check_module(parsed.syntax());
    let outgoing = model
        .outgoing
        .iter()
        .filter_map(|entry| {
            let (module, function) = entry.qualified_name.rsplit_once('.')?;
            let origin = match &entry.entry.site {
                EntrySite::Here(range) => {
                    format!("{label}:{}", checker.location(range.start()).row)
                }
                EntrySite::Elsewhere(origin) => origin.clone(),
            };
            // A call's path already starts with the entry's own upstream functions.
            let through = if entry.path.is_empty() {
                entry.entry.through.clone()
            } else {
                entry.path.clone()
            };
            Some(CrossModuleEntry {
                module: module.trim_start_matches('.').to_string(),
                function: function.to_string(),
                via: entry.entry.call.clone(),
                origin,
                through,
            })
        })
        .collect();
    ModuleReport {
        diagnostics: suppression::finish(
            source,
            Some(parsed.tokens()),
            checker.into_diagnostics_and_lines(),
            options,
        ),
        outgoing,
        unthreaded_functions: model.unthreaded_top_level_functions(),
    }
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
