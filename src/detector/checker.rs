//! Walks each function once, tracking which statements a lock guards, and hands every statement
//! to the rules; turns their findings into positioned diagnostics.

use std::cell::OnceCell;

use ruff_python_ast::token::Tokens;
use ruff_python_ast::{ModModule, Stmt};
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange};

use super::fix::locks::CallGraph;
use super::helpers::Update;
use super::rules::{self, RuleInfo};
use super::semantic::flow::{ObjId, ObjectKind, Scope, VarId};
use super::semantic::sharing::{Access, AccessKind, Owner, SharedBy, lock_objects};
use super::semantic::{
    FunctionBody, FunctionId, FunctionScope, SemanticModel, Statement, ThreadContext,
};
use super::{Diagnostic, Location, Severity};
use ruff_python_ast::Expr;

/// What the rules know about the function whose statements they are shown.
pub struct FunctionContext<'a, 'm> {
    pub id: FunctionId,
    pub body: &'m FunctionBody<'a>,
    pub thread: ThreadContext,
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
    /// The module's top-level statements and its tokens, for fixes (none for refused text).
    pub module_body: &'a [Stmt],
    pub tokens: Option<&'a Tokens>,
    /// Built on the first diagnostic: most files have none.
    line_index: OnceCell<LineIndex>,
    /// Built when a rule or fix first asks: building it per finding made large files quadratic.
    call_graph: OnceCell<CallGraph>,
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
            module_body: &[],
            tokens: None,
            line_index: OnceCell::new(),
            call_graph: OnceCell::new(),
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

    /// Which code calls which in this module.
    pub fn call_graph(&self) -> &CallGraph {
        self.call_graph.get_or_init(|| CallGraph::new(self.model))
    }

    pub fn text(&self, ranged: impl Ranged) -> &'a str {
        &self.source[ranged.range()]
    }

    /// A read-modify-write as a message quotes it: the statement, after the earlier one that
    /// read the state when the two are apart (`` `n = cls.next_id` (line 4) then `...` ``).
    pub fn update_text(&self, statement: &Statement) -> String {
        let write = self.text(statement.stmt.range());
        match statement.update.and_then(|update| update.read_at) {
            Some(read) => format!(
                "`{}` (line {}) then `{write}`",
                self.text(read),
                self.location(read.start()).row
            ),
            None => format!("`{write}`"),
        }
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
    /// no threads it becomes `info`, so single-threaded scripts stay clean. Code that runs in the
    /// starting thread alongside the threads is left to [`Self::report_conflict`].
    pub fn report_race(
        &mut self,
        rule: &RuleInfo,
        function: &FunctionContext,
        range: TextRange,
        message: String,
    ) -> Option<&mut Diagnostic> {
        if matches!(function.thread, ThreadContext::Alongside(_)) {
            return None;
        }
        self.report_conflict(rule, function, range, message)
    }

    /// Records a finding of two accesses that can run at once, wherever the code runs.
    pub fn report_conflict(
        &mut self,
        rule: &RuleInfo,
        function: &FunctionContext,
        range: TextRange,
        message: String,
    ) -> Option<&mut Diagnostic> {
        let (message, severity) = match function.thread {
            ThreadContext::Threaded(witness) => {
                let entry = &self.model.sharing.entries[witness.entry];
                let path = self.model.witness_path(function.id);
                let via = if path.len() > 1 {
                    format!(" -> {}", shortened_chain(&path))
                } else {
                    String::new()
                };
                (
                    format!(
                        "{message} (runs in threads: `{}` at {}{via})",
                        entry.call,
                        self.entry_site(witness.entry)
                    ),
                    rule.severity,
                )
            }
            ThreadContext::Alongside(entry) => (
                format!(
                    "{message} (runs in the thread that starts `{}` at {}, while its threads run)",
                    self.model.sharing.entries[entry].call,
                    self.entry_site(entry)
                ),
                rule.severity,
            ),
            ThreadContext::Public => (
                format!(
                    "{message} (library mode: assuming public functions run concurrently, `{}` among them)",
                    function.name(self.model)
                ),
                rule.severity,
            ),
            ThreadContext::NoThreadsInModule => (
                format!(
                    "{message} (this module starts no threads: a race only if `{}` is called from threads)",
                    function.name(self.model)
                ),
                Severity::Info,
            ),
            ThreadContext::MainThreadOnly => return None,
        };
        Some(self.push(rule, range, message, severity))
    }

    /// Where an entry is written: `line 12`, or `app.py:12` for one from another module.
    pub fn entry_site(&self, entry: crate::detector::semantic::flow::EntryId) -> String {
        let facts = &self.model.sharing.entries[entry];
        match &facts.elsewhere {
            Some(origin) => origin.clone(),
            None => format!("line {}", self.location(facts.site.start()).row),
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

/// A call chain for a message, with the middle of a long one left out
/// (`f0 -> f1 -> f2 -> ... (9,994 more) -> f9998 -> f9999`), so messages stay short whatever the
/// chain's length.
fn shortened_chain(names: &[&str]) -> String {
    const HEAD: usize = 3;
    const TAIL: usize = 2;
    if names.len() <= HEAD + TAIL + 1 {
        return names.join(" -> ");
    }
    let left_out = names.len() - HEAD - TAIL;
    format!(
        "{} -> ... ({} more) -> {}",
        names[..HEAD].join(" -> "),
        thousands(left_out),
        names[names.len() - TAIL..].join(" -> ")
    )
}

/// `9994` as `9,994`.
fn thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A variable a statement touches and what it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub var: VarId,
    pub owner: Owner,
}

/// Another access to a place that can run at the same time as a statement's own.
#[derive(Clone, Copy, Debug)]
pub struct Race<'m> {
    pub place: Place,
    pub other: &'m Access,
    /// The other access is the statement itself, run by several threads at once.
    pub itself: bool,
}

impl<'a> Checker<'a> {
    /// The places an expression denotes: a name's variable, or the attribute (or items, for a
    /// subscript) of each object its base may hold, keeping only what threads can share.
    pub fn places(&self, expr: &Expr) -> Vec<Place> {
        let flow = &self.model.flow;
        let mut places = Vec::new();
        match expr {
            Expr::Name(_) => {
                if let Some(var) = flow.var_of(expr) {
                    let owner = match flow.scope_of(var) {
                        Some(Scope::Module | Scope::Class(_)) => Owner::Global,
                        Some(scope) => match self.model.sharing.code_of(scope) {
                            Some(code) => Owner::Frame(code),
                            None => return places,
                        },
                        None => return places,
                    };
                    places.push(Place { var, owner });
                }
            }
            Expr::Attribute(attribute) => {
                // The attribute of a container made right there is the call's own.
                if flow.is_fresh_local(&attribute.value) {
                    return places;
                }
                for &object in flow.objects_at(&attribute.value) {
                    let Some(var) = flow.field_var(object, attribute.attr.as_str()) else {
                        continue;
                    };
                    let owner = match flow.object(object).kind {
                        ObjectKind::Class(_) => Owner::Global,
                        _ if self.model.sharing.shared_by(object).is_some() => {
                            Owner::Object(object)
                        }
                        _ => continue,
                    };
                    places.push(Place { var, owner });
                }
            }
            Expr::Subscript(subscript) => places.extend(self.item_places(&subscript.value)),
            _ => {}
        }
        places
    }

    /// The items of each shared container (or generator) an expression may hold; an instance of
    /// a class of the module has attributes, not items, whatever its methods are called, unless
    /// the class derives from a built-in container.
    pub fn item_places(&self, container: &Expr) -> Vec<Place> {
        let flow = &self.model.flow;
        if flow.is_detached(container) || flow.is_fresh_local(container) {
            return Vec::new();
        }
        flow.objects_at(container)
            .iter()
            .filter(|&&object| {
                flow.holds_items(object) && self.model.sharing.shared_by(object).is_some()
            })
            .filter_map(|&object| {
                Some(Place {
                    var: flow.contents(object)?,
                    owner: Owner::Object(object),
                })
            })
            .collect()
    }

    /// Another access of one of `against` to `place` that can run while `statement` of
    /// `function` makes its `kind` access there without a lock they share; a different statement
    /// first, the statement itself (run by several threads) otherwise.
    pub fn race<'s>(
        &'s self,
        function: &FunctionContext,
        statement: &Statement,
        place: Place,
        kind: AccessKind,
        against: &[AccessKind],
    ) -> Option<Race<'s>> {
        let mut itself = None;
        for other in self.conflicts(function, statement, place, kind, against) {
            if other.statement == statement.stmt.range() && other.code == function.id {
                itself.get_or_insert(other);
            } else {
                return Some(Race {
                    place,
                    other,
                    itself: false,
                });
            }
        }
        itself.map(|other| Race {
            place,
            other,
            itself: true,
        })
    }

    /// Every access of one of `against` to `place` that can run while `statement` of
    /// `function` makes its `kind` access there without a lock they share (the statement's own
    /// access among them when several threads run it).
    pub fn conflicts<'s, 'k>(
        &'s self,
        function: &FunctionContext,
        statement: &Statement,
        place: Place,
        kind: AccessKind,
        against: &'k [AccessKind],
    ) -> impl Iterator<Item = &'s Access> + use<'s, 'k, 'a> {
        let (mut locks, mut unknown_lock) = lock_objects(self.model, statement.locks);
        let (held, unknown_held) = self.model.sharing.entry_locks(function.id);
        locks.extend_from_slice(held);
        unknown_lock |= unknown_held;
        let sharing = &self.model.sharing;
        // A constructor, or a method only constructors call, works on an object no other
        // thread has yet.
        let initialising = sharing.is_initialising(function.id)
            && matches!(place.owner, Owner::Object(object)
                if self.model.flow.receivers(function.id).contains(&object));
        let probe = Access {
            kind,
            code: function.id,
            statement: statement.stmt.range(),
            locks,
            unknown_lock,
            fresh: false,
        };
        // The statement's own access there says whether it works on a container its function
        // made and has not handed out yet (looked up only once something races with it).
        let own_fresh = OnceCell::new();
        let (code, range) = (function.id, statement.stmt.range());
        let fresh = move || {
            *own_fresh.get_or_init(|| {
                sharing
                    .accesses_of(place.var)
                    .iter()
                    .any(|access| access.fresh && access.code == code && access.statement == range)
            })
        };
        let accesses = if initialising {
            &[][..]
        } else {
            sharing.accesses_of(place.var)
        };
        accesses.iter().filter(move |other| {
            against.contains(&other.kind)
                && sharing.conflict(&probe, other, place.owner)
                && !fresh()
        })
    }

    /// Whether the locks held around `statement` order accesses to module globals and class
    /// attributes: a lock each instance makes for itself (`self._lock`) does not, as every
    /// instance reaches them holding a different one.
    pub fn guards_globals(&self, statement: &Statement) -> bool {
        let (locks, unknown) = lock_objects(self.model, statement.locks);
        unknown
            || locks
                .iter()
                .any(|&lock| !self.model.sharing.is_per_instance_lock(lock))
    }

    /// How the message says what guards a statement on global state: "without a lock", or, when
    /// only locks each instance makes for itself are held, which ones.
    pub fn lock_held_text(&self, statement: &Statement) -> String {
        match statement.locks.last() {
            Some(lock) if statement.guarded => format!(
                "holding only `{}`, a lock each instance makes for itself,",
                self.text(lock.range())
            ),
            _ => "without a lock".to_string(),
        }
    }

    /// Whether the statement of `code` at `range` writes back state it read in an earlier
    /// statement (see [`crate::detector::helpers::ReadModifyWrites`]): a lock around it alone
    /// would leave that read outside.
    pub fn is_split_update(
        &self,
        code: crate::detector::semantic::sharing::CodeId,
        range: TextRange,
    ) -> bool {
        code < self.model.functions.len()
            && self.model.body(code).statements().any(|statement| {
                statement.stmt.range() == range && statement.update.is_some_and(Update::is_split)
            })
    }

    /// The statement of `code` (a function, or module-level code) at `range`, with the function
    /// it belongs to (`None` at module level).
    pub fn statement_at(
        &self,
        code: crate::detector::semantic::sharing::CodeId,
        range: TextRange,
    ) -> Option<(Option<FunctionId>, &'a ruff_python_ast::Stmt)> {
        if code < self.model.functions.len() {
            return self
                .model
                .body(code)
                .statements()
                .find(|statement| statement.stmt.range() == range)
                .map(|statement| (Some(code), statement.stmt));
        }
        if code != self.model.sharing.module_code() {
            return None;
        }
        crate::detector::helpers::statement_with_range(self.module_body, range)
            .map(|stmt| (None, stmt))
    }

    /// The first race on any of `places`.
    pub fn race_on<'s>(
        &'s self,
        function: &FunctionContext,
        statement: &Statement,
        places: &[Place],
        kind: AccessKind,
        against: &[AccessKind],
    ) -> Option<Race<'s>> {
        places
            .iter()
            .find_map(|&place| self.race(function, statement, place, kind, against))
    }

    /// How the other side of a race runs, for a message: "several threads run it at once" or
    /// "`other` (line 12, in `flush`) can run at the same time".
    pub fn describe_race(&self, race: &Race) -> String {
        if race.itself {
            return "several threads can run it at once".to_string();
        }
        let text = self.text(race.other.statement);
        let first_line = text.lines().next().unwrap_or(text);
        let shown = if first_line.chars().count() > 60 {
            format!("{}...", first_line.chars().take(57).collect::<String>())
        } else {
            first_line.to_string()
        };
        format!(
            "`{shown}` (line {}, in `{}`) can run at the same time",
            self.location(race.other.statement.start()).row,
            self.model.code_name_or_module(race.other.code)
        )
    }

    /// Why the object a place belongs to is shared, for a message (empty for names).
    pub fn describe_owner(&self, place: Place) -> String {
        match place.owner {
            Owner::Object(object) => format!(" ({})", self.describe_shared(object)),
            _ => String::new(),
        }
    }

    /// Why threads share an object, following what holds it back to where it became shared.
    pub fn describe_shared(&self, object: ObjId) -> String {
        let sharing = &self.model.sharing;
        let mut chain = Vec::new();
        let mut current = object;
        let reason = loop {
            match sharing.shared_by(current) {
                Some(SharedBy::Within(holder)) if chain.len() < 4 => {
                    chain.push(*holder);
                    current = *holder;
                }
                Some(reason) => break reason.clone(),
                None => return format!("{} is shared", self.object_name(object)),
            }
        };
        // An instance shared as one of its class's is named by that class already: "an instance
        // of `C`, whose public methods ...", not "an instance of `C` is an instance of `C`".
        let root = chain.last().copied().unwrap_or(object);
        let named_by_class = matches!(
            (&reason, self.model.flow.object(root).kind),
            (SharedBy::Public(class), ObjectKind::OutsideInstance(of)) if *class == of
        );
        let how = match reason {
            SharedBy::Global { scope, name } => match scope {
                Scope::Class(class) => format!(
                    "is held by class attribute `{}.{name}`",
                    self.model.flow.classes[class].def.name.as_str()
                ),
                _ => format!("is held by module-level `{name}`"),
            },
            SharedBy::Handed(entry) => format!(
                "is handed to every thread of `{}` at {}",
                sharing.entries[entry].call,
                self.entry_site(entry)
            ),
            SharedBy::Between(first, second) => format!(
                "is handed to the threads of `{}` at {} and of `{}` at {}",
                sharing.entries[first].call,
                self.entry_site(first),
                sharing.entries[second].call,
                self.entry_site(second)
            ),
            SharedBy::Starter(entry) => format!(
                "is handed to the thread of `{}` at {} and used by the thread that starts it while it runs",
                sharing.entries[entry].call,
                self.entry_site(entry)
            ),
            SharedBy::OwnThread(entry) => format!(
                "runs `{}` at {} on its own method while other threads call its methods",
                sharing.entries[entry].call,
                self.entry_site(entry)
            ),
            SharedBy::Public(class) => format!(
                "{}an instance of `{}`, whose public methods any thread may call",
                if named_by_class { "" } else { "is " },
                self.model.flow.classes[class].def.name.as_str()
            ),
            SharedBy::Logging(site) => format!(
                "is registered with `{}` at line {}, and every thread that logs runs it",
                self.text(site).lines().next().unwrap_or_default(),
                self.location(site.start()).row
            ),
            SharedBy::Closure(function) => format!(
                "is kept by `{}`, which a public function hands out and any thread may call",
                self.model.functions[function].name()
            ),
            SharedBy::Within(_) => "is shared".to_string(),
        };
        let mut sentence = if named_by_class {
            how
        } else {
            format!("{} {how}", self.object_name(root))
        };
        if !chain.is_empty() {
            sentence = format!("{}, held by {sentence}", self.object_name(object));
        }
        sentence
    }

    /// An object as a message names it: "the `Stats()` created at line 5".
    pub fn object_name(&self, object: ObjId) -> String {
        let info = self.model.flow.object(object);
        match info.kind {
            ObjectKind::OutsideInstance(class) => format!(
                "an instance of `{}`",
                self.model.flow.classes[class].def.name.as_str()
            ),
            _ => {
                let text = self.text(info.site);
                let first_line = text.lines().next().unwrap_or(text);
                let row = self.location(info.site.start()).row;
                let shown = if first_line.chars().count() > 40 || first_line.len() < text.len() {
                    match (
                        text.split_once('('),
                        text.chars().next(),
                        text.chars().last(),
                    ) {
                        (Some((callee, _)), ..) if callee.len() <= 40 => {
                            format!("{}(...)", callee.trim())
                        }
                        // A long display: `{...}`, `[...]`.
                        (_, Some(open @ ('{' | '[' | '(')), Some(close)) => {
                            format!("{open}...{close}")
                        }
                        _ => return format!("the object created at line {row}"),
                    }
                } else {
                    first_line.to_string()
                };
                format!("the `{shown}` created at line {row}")
            }
        }
    }
}
