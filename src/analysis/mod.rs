//! One analysis of a Python document, which everything else queries.
//!
//! [`Analysis::new`] parses the text once under the input limits, builds the semantic model and
//! runs the rules. The CLI, the playground's panels (diagnostics, Advice, Scaling, Report) and
//! the advice models then ask the same analysis: its diagnostics, its parallel call sites, the
//! workload a call site runs, the facts of a report. Nothing here parses again or reads the text
//! line by line: every answer comes from the syntax tree and the model.

mod call_sites;
mod report;
mod workload;

use std::cell::OnceCell;

use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextSize};

use crate::detector::checker::Finding;
use crate::detector::limits::{self, LimitExceeded};
use crate::detector::semantic::{EntrySite, FunctionId, SemanticModel, ThreadEntry};
use crate::detector::{self, CheckOptions, CrossModuleEntry, Diagnostic, Location};
use crate::workload_estimate::WorkloadEstimate;

pub use call_sites::{CallSite, CallSiteKind};
pub use report::{EntryFact, Report, RuleCount, SharedValue};

/// The text and its syntax tree; the model borrows both.
struct Source {
    text: String,
    /// `None` when the text went over a limit and was not parsed.
    parsed: Option<Parsed<ModModule>>,
}

self_cell::self_cell!(
    /// The parsed document and the semantic model built over it.
    struct Document {
        owner: Source,
        #[covariant]
        dependent: SemanticModel,
    }
);

/// The analysis of one Python text: parsed once, modelled once, checked once.
pub struct Analysis {
    document: Document,
    /// Why the text was not analysed, when it went over a limit.
    refused: Option<LimitExceeded>,
    findings: Vec<Finding>,
    /// Built on the first position asked for.
    line_index: OnceCell<LineIndex>,
    /// The call sites and the function of this module each one runs (found on first use).
    call_sites: OnceCell<(Vec<CallSite>, Vec<Option<FunctionId>>)>,
}

impl Analysis {
    /// Analyses a text on its own (not as one module of a multi-file run).
    pub fn new(source: impl Into<String>) -> Self {
        Self::in_run(source, &[])
    }

    /// Analyses one module of a multi-file run; `incoming` lists the thread entry points other
    /// modules found for its functions (their `module` is ignored: the caller routes them).
    pub fn in_run(source: impl Into<String>, incoming: &[CrossModuleEntry]) -> Self {
        Self::with_options(source, incoming, &CheckOptions::default())
    }

    /// [`Self::in_run`] with the run's options: the rules selected, library mode, target
    /// version, and whether unused suppression comments are reported.
    pub fn with_options(
        source: impl Into<String>,
        incoming: &[CrossModuleEntry],
        options: &CheckOptions,
    ) -> Self {
        let text = source.into();
        let (parsed, refused) = match limits::parse_within_limits(&text) {
            Ok(parsed) => (Some(parsed), None),
            Err(limit) => (None, Some(limit)),
        };
        let document = Document::new(Source { text, parsed }, |source| match &source.parsed {
            Some(parsed) => {
                let incoming: Vec<(&str, ThreadEntry)> = incoming
                    .iter()
                    .map(|entry| (entry.function.as_str(), thread_entry(entry)))
                    .collect();
                SemanticModel::build(parsed.syntax(), &source.text, &incoming, options.library)
            }
            None => SemanticModel::default(),
        });
        let (findings, line_index) =
            document.with_dependent(|source, model| match (&source.parsed, &refused) {
                (Some(parsed), _) => detector::run_rules(&source.text, parsed, model, options),
                (None, Some(limit)) => (detector::refusal(&source.text, limit), None),
                (None, None) => (Vec::new(), None),
            });
        Self {
            document,
            refused,
            findings,
            line_index: line_index.map_or_else(OnceCell::new, OnceCell::from),
            call_sites: OnceCell::new(),
        }
    }

    /// The analysed text.
    pub fn source(&self) -> &str {
        &self.document.borrow_owner().text
    }

    /// The diagnostics, sorted by position.
    pub fn diagnostics(&self) -> impl ExactSizeIterator<Item = &Diagnostic> {
        self.findings.iter().map(|finding| &finding.diagnostic)
    }

    /// The diagnostics, sorted by position, for a caller that needs nothing else.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.findings
            .into_iter()
            .map(|finding| finding.diagnostic)
            .collect()
    }

    /// Whether the text went over an input limit and was not analysed.
    pub fn is_refused(&self) -> bool {
        self.refused.is_some()
    }

    /// The parallel call sites (`Thread(target=)`, `Timer`, `pool.map/submit`, `to_thread`,
    /// `run_in_executor`, threading servers), in source order, with the hazards of the functions
    /// each one runs.
    pub fn call_sites(&self) -> &[CallSite] {
        &self.sites().0
    }

    fn sites(&self) -> &(Vec<CallSite>, Vec<Option<FunctionId>>) {
        self.call_sites.get_or_init(|| {
            let model = self.document.borrow_dependent();
            call_sites::find(model, &self.findings, |offset| self.location(offset))
        })
    }

    /// The workload of call site `site` (an index into [`Self::call_sites`]), read from the
    /// function it runs; without a site, of the first site whose function is defined here (or
    /// of the whole module when there is none).
    pub fn workload(&self, site: Option<usize>) -> WorkloadEstimate {
        let (sites, targets) = self.sites();
        self.document.with_dependent(|source, model| {
            let module_body = source
                .parsed
                .as_ref()
                .map_or(&[][..], |parsed| parsed.syntax().body.as_slice());
            workload::estimate(model, module_body, sites, targets, site)
        })
    }

    /// What the analysis saw and found, for a safety report.
    pub fn report(&self) -> Report {
        let model = self.document.borrow_dependent();
        let source = self.source();
        let thread_entries = model
            .thread_starts()
            .iter()
            .map(|start| {
                let runs: Vec<FunctionId> = start.functions.clone();
                let reached = model.reached_from(&runs);
                let name = |id: &FunctionId| model.functions[*id].name().to_string();
                EntryFact {
                    call: shortened(&source[start.call.range()]),
                    row: self.location(start.call.start()).row,
                    runs: runs.iter().map(name).collect(),
                    reached: reached
                        .iter()
                        .filter(|id| !runs.contains(id))
                        .map(name)
                        .collect(),
                }
            })
            .collect();
        Report {
            lines: source.lines().count(),
            functions: model.functions.len(),
            classes: model.class_count(),
            thread_entries,
            shared_values: report::shared_values(model, source, |offset| self.location(offset).row),
            findings: report::count_by_rule(self.diagnostics()),
        }
    }

    /// The functions of other modules this one runs in threads, with how; `label` names this
    /// file in the entries it sends out (`app.py`, giving origins like `app.py:12`).
    pub fn outgoing(&self, label: &str) -> Vec<CrossModuleEntry> {
        let model = self.document.borrow_dependent();
        model
            .outgoing
            .iter()
            .filter_map(|entry| {
                let (module, function) = entry.qualified_name.rsplit_once('.')?;
                let origin = match &entry.entry.site {
                    EntrySite::Here(range) => {
                        format!("{label}:{}", self.location(range.start()).row)
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
                    many: entry.entry.many,
                })
            })
            .collect()
    }

    /// Names of the module-level functions that no thread entry point reaches: an entry from
    /// another module changes the analysis only if it names one of these.
    pub fn unthreaded_functions(&self) -> Vec<String> {
        self.document
            .borrow_dependent()
            .unthreaded_top_level_functions()
    }

    /// A 1-based position (characters, as diagnostics count them) of a byte offset.
    fn location(&self, offset: TextSize) -> Location {
        let source = self.source();
        let position = self
            .line_index
            .get_or_init(|| LineIndex::from_source_text(source))
            .line_column(offset, source);
        Location {
            row: position.line.get(),
            column: position.column.get(),
        }
    }
}

/// A call as written, on one line and at most 80 characters.
fn shortened(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.len() == text.len() && text.chars().count() <= 80 {
        text.to_string()
    } else {
        let head: String = line.chars().take(76).collect();
        format!("{head} ...")
    }
}

fn thread_entry(entry: &CrossModuleEntry) -> ThreadEntry {
    ThreadEntry {
        call: entry.via.clone(),
        site: EntrySite::Elsewhere(entry.origin.clone()),
        through: entry.through.clone(),
        many: entry.many,
    }
}

impl std::fmt::Debug for Analysis {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Analysis")
            .field("bytes", &self.source().len())
            .field("refused", &self.refused)
            .field("findings", &self.findings.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POOL_AND_TIMER: &str = "\
import threading
from concurrent.futures import ThreadPoolExecutor

hits = 0

def record():
    global hits
    hits += 1

def handle(item):
    record()

def tick():
    pass

with ThreadPoolExecutor() as ex:
    ex.map(handle, [1, 2, 3])
threading.Timer(1.0, tick).start()
";

    #[test]
    fn call_sites_claim_the_hazards_of_the_functions_they_reach() {
        let analysis = Analysis::new(POOL_AND_TIMER);
        let sites = analysis.call_sites();
        let kinds: Vec<_> = sites.iter().map(|site| site.kind).collect();
        assert_eq!(kinds, [CallSiteKind::PoolMap, CallSiteKind::Timer]);
        // `handle` itself is clean: the update is in `record`, which it calls.
        assert_eq!(sites[0].hazards, ["FT001"]);
        assert_eq!(sites[0].items, Some(3));
        assert_eq!(sites[0].target_lines, Some((10, 11)));
        assert!(sites[1].hazards.is_empty(), "{:?}", sites[1]);
    }

    #[test]
    fn the_report_counts_what_was_seen_and_found() {
        let report = Analysis::new(POOL_AND_TIMER).report();
        assert_eq!((report.lines, report.functions, report.classes), (18, 3, 0));
        let entries: Vec<_> = report
            .thread_entries
            .iter()
            .map(|entry| (entry.row, entry.runs.clone(), entry.reached.clone()))
            .collect();
        assert_eq!(
            entries,
            [
                (17, vec!["handle".into()], vec!["record".into()]),
                (18, vec!["tick".into()], vec![]),
            ]
        );
        assert_eq!(report.findings.len(), 1);
        assert_eq!(
            (report.findings[0].code.as_str(), report.findings[0].warning),
            ("FT001", 1)
        );
    }

    #[test]
    fn a_refused_text_has_one_finding_and_no_call_sites() {
        let analysis = Analysis::new("x = ".to_string() + &"(".repeat(300) + "\n");
        assert!(analysis.is_refused());
        assert_eq!(analysis.diagnostics().len(), 1);
        assert!(analysis.call_sites().is_empty());
        assert_eq!(
            analysis.workload(None).items,
            crate::workload_estimate::DEFAULT_ITEMS
        );
    }

    #[test]
    fn long_calls_are_shortened_on_one_line() {
        assert_eq!(shortened("f(x)"), "f(x)");
        assert_eq!(shortened("f(\n  x)"), "f( ...");
        assert!(shortened(&"y".repeat(100)).ends_with(" ..."));
    }
}
