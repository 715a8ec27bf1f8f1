//! Walks each function once, tracking which statements a lock guards, and hands every statement
//! to the rules; turns their findings into positioned diagnostics.

use std::cell::OnceCell;

use ruff_python_ast::ModModule;
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange};

use super::rules::{self, RuleInfo};
use super::semantic::{
    EntrySite, FunctionBody, FunctionId, FunctionScope, SemanticModel, ThreadContext,
};
use super::{Diagnostic, Location, Severity};

/// What the rules know about the function whose statements they are shown.
pub struct FunctionContext<'a, 'm> {
    pub id: FunctionId,
    pub body: &'m FunctionBody<'a>,
    pub thread: ThreadContext<'m>,
}

impl<'a> FunctionContext<'a, '_> {
    pub fn name<'s>(&self, model: &'s SemanticModel) -> &'s str {
        model.functions[self.id].name()
    }

    pub fn scope(&self) -> &FunctionScope<'a> {
        &self.body.scope
    }
}

pub struct Checker<'a> {
    pub source: &'a str,
    pub model: &'a SemanticModel<'a>,
    /// Whether the text spells `signal` at all; read once, so the per-statement signal rule
    /// can skip modules that cannot install a handler.
    pub mentions_signal: bool,
    /// Built on the first diagnostic: most files have none.
    line_index: OnceCell<LineIndex>,
    /// The function whose statements the rules are looking at (`None` for module-wide rules).
    current_function: Option<FunctionId>,
    findings: Vec<Finding>,
}

/// A diagnostic and the function it was found in, so call sites can claim the hazards of the
/// functions they run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub function: Option<FunctionId>,
}

impl<'a> Checker<'a> {
    pub fn new(source: &'a str, model: &'a SemanticModel<'a>) -> Self {
        Self {
            source,
            model,
            mentions_signal: memchr::memmem::find(source.as_bytes(), b"signal").is_some(),
            line_index: OnceCell::new(),
            current_function: None,
            findings: Vec::new(),
        }
    }

    /// Whether the source text spells `word` anywhere: a module-wide rule whose call the text
    /// never names has nothing to look for. (memchr's SIMD search is several times faster than
    /// `str::contains`, and this runs over every file.)
    pub fn mentions(&self, word: &str) -> bool {
        memchr::memmem::find(self.source.as_bytes(), word.as_bytes()).is_some()
    }

    pub fn text(&self, ranged: impl Ranged) -> &'a str {
        &self.source[ranged.range()]
    }

    pub fn location(&self, offset: ruff_text_size::TextSize) -> Location {
        let position = self
            .line_index
            .get_or_init(|| LineIndex::from_source_text(self.source))
            .line_column(offset, self.source);
        Location {
            row: position.line.get(),
            column: position.column.get(),
        }
    }

    /// Records a finding at the rule's severity, without thread context (syntax errors, and
    /// hazards that do not depend on threads: imports, `sys.setswitchinterval`).
    pub fn report(&mut self, rule: &RuleInfo, range: TextRange, message: String) {
        self.push(rule, range, message, rule.severity);
    }

    /// Records a finding, without thread context, at a severity the rule chooses per finding.
    pub fn report_at(
        &mut self,
        rule: &RuleInfo,
        range: TextRange,
        message: String,
        severity: Severity,
    ) {
        self.push(rule, range, message, severity);
    }

    /// Records a race finding. Where threads reach the code it says how; where the module starts
    /// no threads it becomes `info`, so single-threaded scripts stay clean.
    pub fn report_race(
        &mut self,
        rule: &RuleInfo,
        function: &FunctionContext,
        range: TextRange,
        message: String,
    ) -> Option<&mut Diagnostic> {
        match function.thread {
            ThreadContext::Threaded(witness) => {
                let site = match &witness.entry.site {
                    EntrySite::Here(range) => format!("line {}", self.location(range.start()).row),
                    EntrySite::Elsewhere(origin) => origin.clone(),
                };
                let via = if witness.path.len() > 1 {
                    format!(" -> {}", witness.path.join(" -> "))
                } else {
                    String::new()
                };
                let message = format!(
                    "{message} (runs in threads: `{}` at {site}{via})",
                    witness.entry.call
                );
                Some(self.push(rule, range, message, rule.severity))
            }
            ThreadContext::NoThreadsInModule => {
                let message = format!(
                    "{message} (this module starts no threads: a race only if `{}` is called from threads)",
                    function.name(self.model)
                );
                Some(self.push(rule, range, message, Severity::Info))
            }
            ThreadContext::MainThreadOnly => None,
        }
    }

    fn push(
        &mut self,
        rule: &RuleInfo,
        range: TextRange,
        message: String,
        severity: Severity,
    ) -> &mut Diagnostic {
        let diagnostic = Diagnostic {
            code: rule.code.to_string(),
            name: rule.name.to_string(),
            message,
            severity,
            location: self.location(range.start()),
            end_location: self.location(range.end()),
            url: rule.url(),
            fix: None,
            noqa_row: None,
        };
        self.findings.push(Finding {
            diagnostic,
            function: self.current_function,
        });
        &mut self.findings.last_mut().expect("just pushed").diagnostic
    }

    /// Runs the statement rules over every function the threads can reach (or every function,
    /// in a module that starts no threads).
    pub fn check_functions(&mut self) {
        for id in 0..self.model.functions.len() {
            let thread = self.model.thread_context(id);
            if thread == ThreadContext::MainThreadOnly {
                continue;
            }
            let function = FunctionContext {
                id,
                body: self.model.body(id),
                thread,
            };
            self.current_function = Some(id);
            for statement in function.body.statements() {
                rules::check_statement(self, &function, &statement);
            }
            rules::check_function(self, &function, self.model.functions[id].def);
        }
        self.current_function = None;
    }

    /// Runs the rules that look at the whole module, whatever runs in threads (imports,
    /// process-wide switches).
    pub fn check_module(&mut self, module: &ModModule) {
        rules::check_module(self, module);
    }

    /// The findings sorted by position, each once.
    pub fn into_findings(self) -> Vec<Finding> {
        self.into_findings_and_lines().0
    }

    /// The findings, and the line index if a finding built it (the suppression pass and the
    /// analysis's positions reuse it).
    pub fn into_findings_and_lines(mut self) -> (Vec<Finding>, Option<LineIndex>) {
        self.findings.sort_by(|a, b| {
            let (a, b) = (&a.diagnostic, &b.diagnostic);
            (a.location, &a.code, &a.message).cmp(&(b.location, &b.code, &b.message))
        });
        self.findings.dedup_by(|a, b| a.diagnostic == b.diagnostic);
        (self.findings, self.line_index.into_inner())
    }
}
