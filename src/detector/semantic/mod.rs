//! The semantic model of one module: what is imported as what, which functions exist, which
//! objects are locks or thread pools, which functions run in threads and why.
//!
//! Built once per module before any rule runs; rules only query it.

mod body;
mod builder;
pub(crate) mod flow;
mod scope;
pub(crate) mod sharing;
mod threads;
pub(crate) mod vocabulary;

use rustc_hash::{FxHashMap, FxHashSet};

use ruff_python_ast::{Expr, ExprCall, ModModule, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange, TextSize};

pub use body::{FunctionBody, Statement};
pub use scope::FunctionScope;
pub use threads::StartKind;

/// Index of a function (or method) in [`SemanticModel::functions`].
pub type FunctionId = usize;

/// A `def` of the module, nested or not.
#[derive(Debug)]
pub struct Function<'a> {
    pub def: &'a StmtFunctionDef,
    /// The class whose body holds this `def` directly, if it is a method.
    pub class: Option<&'a str>,
    /// The function whose body holds this `def`, if it is nested.
    pub parent: Option<FunctionId>,
}

impl Function<'_> {
    pub fn name(&self) -> &str {
        self.def.name.as_str()
    }
}

/// A call of this module that hands work to another thread.
#[derive(Debug)]
pub struct ThreadStart<'a> {
    pub call: &'a ExprCall,
    pub kind: StartKind,
    /// What the call runs: a callable, or a request handler class.
    pub target: &'a Expr,
    /// The functions of this module it runs (none for a function from elsewhere or a lambda
    /// that calls none).
    pub functions: Vec<FunctionId>,
    /// How many times the call runs per run of that function: the product of the literal
    /// iteration counts of the loops around it (1 outside loops), `None` if one is not literal.
    pub repetitions: Option<u64>,
}

/// How a function comes to run in a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadEntry {
    /// The call that starts the thread, as written, e.g. `threading.Thread(target=worker)`.
    pub call: String,
    pub site: EntrySite,
    /// Functions of other modules between the call and this module, outermost first.
    pub through: Vec<String>,
    /// Whether several of its threads can run at once. Known once the module that starts it
    /// is modelled: an entry of another module says so; one of this module is assumed to until
    /// the sharing analysis describes it.
    pub many: bool,
}

/// Where a thread entry point is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntrySite {
    /// In this module.
    Here(TextRange),
    /// In another file of the same run, e.g. `app.py:12`.
    Elsewhere(String),
}

/// A function of another module that code here runs in threads, by its imported name: the
/// target of a thread-starting call, or a function called from code that runs in threads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEntry {
    /// Qualified name as imported (`pkg.jobs.work`).
    pub qualified_name: String,
    /// The thread entry point the function is reached from.
    pub entry: ThreadEntry,
    /// Functions from that entry point down to the caller (empty for a thread target).
    pub path: Vec<String>,
}

pub use sharing::{Context, Witness};

/// Where a function's code may run, as the rules report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadContext {
    /// Reachable from a thread entry point (of this module or another of the run).
    Threaded(Witness),
    /// Runs in the thread that started threads of this module while they run (after the start
    /// and before the join, or as a method of an object that runs its own thread).
    Alongside(flow::EntryId),
    /// A public function in library mode: any number of threads may call it at once.
    Public,
    /// The module starts no threads: a library or script that might be called from them.
    NoThreadsInModule,
    /// Runs only while no thread of the module does.
    MainThreadOnly,
}

#[derive(Debug, Default)]
pub struct SemanticModel<'a> {
    /// Local name to the qualified name it was imported as (`T` -> `threading.Thread`).
    imports: FxHashMap<&'a str, String>,
    /// Every module imported, anywhere in the file and in source order: `import a.b` (the
    /// alias's range) and absolute `from a.b import c` (the statement's range).
    pub imported_modules: Vec<(TextRange, &'a str)>,
    pub functions: Vec<Function<'a>>,
    /// Each function's statements, by [`FunctionId`].
    bodies: Vec<FunctionBody<'a>>,
    /// Names bound at module level (assignments, imports, `def`, `class`).
    module_bindings: FxHashSet<&'a str>,
    /// Dotted paths assigned a thread pool (by assignment or `with ... as`).
    executors: FxHashSet<String>,
    /// Dotted paths assigned a future of a thread pool (`f = pool.submit(...)`).
    futures: FxHashSet<String>,
    /// Classes of this module that serve each request in a thread (`ThreadingMixIn` bases).
    threading_server_classes: FxHashSet<&'a str>,
    entries: Vec<(FunctionId, ThreadEntry)>,
    /// Every call that starts a thread, in source order.
    starts: Vec<ThreadStart<'a>>,
    /// The functions of this module each function calls, by [`FunctionId`].
    calls: Vec<Vec<FunctionId>>,
    /// Functions of other modules that this module runs in threads.
    pub outgoing: Vec<OutgoingEntry>,
    /// Names of the classes defined anywhere in the module.
    classes: FxHashSet<&'a str>,
    /// Names assigned an instance of a class of this module (`stats = Stats()`), to that class.
    instances: FxHashMap<&'a str, &'a str>,
    /// Uses of a lock created per call (a local of the function that uses it and nothing else
    /// sees), by the start of the lock expression, to the statement that creates it.
    per_call_locks: FxHashMap<TextSize, TextRange>,
    /// Top-level statements (not nested in `if`/`try`) that first assign each name.
    top_level_assignments: FxHashMap<&'a str, TextRange>,
    /// Names a top-level statement binds to a `threading.Lock()` or `RLock()`, in order.
    module_locks: Vec<&'a str>,
    /// Where values go (see [`flow`]).
    pub flow: flow::Flow<'a>,
    /// Which objects threads share and which accesses can run at once (see [`sharing`]).
    pub sharing: sharing::Sharing,
    /// The module's text.
    source: &'a str,
    /// Library mode (see [`SemanticModel::build`]).
    library: bool,
}

impl<'a> SemanticModel<'a> {
    /// `incoming`: top-level functions (by name) that other modules of the same run make run
    /// in threads, with how.
    /// `library`: every public function and method may be called from many threads at once
    /// (RacerD's `@ThreadSafe`): module state, class state and `self` of public methods are
    /// shared.
    pub fn build(
        module: &'a ModModule,
        source: &'a str,
        incoming: &[(&str, ThreadEntry)],
        library: bool,
    ) -> Self {
        builder::build(module, source, incoming, library)
    }

    /// The qualified name an expression refers to through the module's imports
    /// (`th.Thread` -> `threading.Thread` after `import threading as th`). Nothing is allocated:
    /// this runs for nearly every call expression.
    pub fn resolve<'e>(&self, expr: &'e Expr) -> Option<QualifiedName<'_, 'e>> {
        let (root, chain) = name_and_attributes(expr)?;
        let base = self.imports.get(root)?;
        Some(QualifiedName { base, chain })
    }

    /// [`Self::resolve`] as a string, for messages and for names other modules resolve.
    pub fn qualified_name(&self, expr: &Expr) -> Option<String> {
        self.resolve(expr).map(|name| name.to_string())
    }

    pub fn body(&self, function: FunctionId) -> &FunctionBody<'a> {
        &self.bodies[function]
    }

    pub fn is_module_binding(&self, name: &str) -> bool {
        self.module_bindings.contains(name)
    }

    /// Whether an expression held around code (`with x:`, `x.acquire()`) is a lock that other
    /// callers share: it holds a lock object (`threading.Lock()`, `RLock()`, `Condition()`,
    /// `Semaphore()`, a `logging` handler, whose `acquire()` takes its `lock`) wherever that was
    /// created, or, when the analysis cannot tell what it holds
    /// (a parameter no call binds, an import), its name says so word by word (`lock`,
    /// `_state_lock`, `mutex`, `cond`; not `clock` or `block`). A lock created right there or on
    /// every call and seen by nobody else guards nothing.
    pub fn is_lock(&self, expr: &Expr) -> bool {
        if self.per_call_lock(expr).is_some() {
            return false;
        }
        if let Expr::Call(call) = expr
            && self.creates_lock(call)
        {
            return false;
        }
        let objects = self.flow.objects_at(expr);
        if objects.is_empty() {
            return names_a_lock(expr);
        }
        objects
            .iter()
            .any(|&object| !self.flow.locks_taken_by(object).is_empty())
    }

    /// If `expr` (in `with expr:` or `expr.acquire()`) is a lock its function creates on every
    /// call and shares with nobody, the statement that creates it.
    pub fn per_call_lock(&self, expr: &Expr) -> Option<TextRange> {
        self.per_call_locks.get(&expr.range().start()).copied()
    }

    /// Whether a call creates a lock (`threading.Lock()`, `RLock()`, `Semaphore()`, ...).
    pub fn creates_lock(&self, call: &ExprCall) -> bool {
        threads::is_lock_factory(self, call)
    }

    pub fn is_class(&self, name: &str) -> bool {
        self.classes.contains(name)
    }

    /// The top-level statement that first assigns `name` (`name = ...`), if any.
    pub fn top_level_assignment(&self, name: &str) -> Option<TextRange> {
        self.top_level_assignments.get(name).copied()
    }

    /// Names bound at the top level to a `threading.Lock()` or `RLock()`.
    pub fn module_locks(&self) -> &[&'a str] {
        &self.module_locks
    }

    /// Names of the module-level functions that no thread entry point reaches.
    pub fn unthreaded_top_level_functions(&self) -> Vec<String> {
        self.functions
            .iter()
            .enumerate()
            .filter(|(id, function)| {
                function.parent.is_none()
                    && function.class.is_none()
                    && self.sharing.witness(*id).is_none()
            })
            .map(|(_, function)| function.name().to_string())
            .collect()
    }

    /// The text of a range of the module.
    pub fn source_text(&self, range: TextRange) -> Option<&'a str> {
        self.source.get(range.to_std_range())
    }

    /// Thread entry points other modules of the run found for functions of this one.
    pub fn incoming_entries(&self) -> impl Iterator<Item = (FunctionId, &ThreadEntry)> {
        self.entries
            .iter()
            .filter(|(_, entry)| matches!(entry.site, EntrySite::Elsewhere(_)))
            .map(|(function, entry)| (*function, entry))
    }

    /// Whether an expression creates or names a thread pool (`with ThreadPoolExecutor() as
    /// ex:`, `with ex:`).
    pub fn is_thread_pool_expr(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Call(call) => threads::is_thread_pool(self, call),
            other => dotted_path(other).is_some_and(|path| self.executors.contains(&path)),
        }
    }

    /// The functions a function's code calls (not those it hands to threads).
    pub fn callees(&self, function: FunctionId) -> &[FunctionId] {
        self.calls.get(function).map_or(&[], Vec::as_slice)
    }

    /// `functions` and every function they call, directly or not, in the order first reached.
    pub fn reached_from(&self, functions: &[FunctionId]) -> Vec<FunctionId> {
        let mut seen = vec![false; self.functions.len()];
        let mut order = Vec::new();
        let mut stack: Vec<FunctionId> = functions.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            if !std::mem::replace(&mut seen[id], true) {
                order.push(id);
                stack.extend(self.callees(id).iter().rev());
            }
        }
        order
    }

    /// How many classes the module defines (names defined twice count once).
    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    /// Every call of the module that starts a thread, in source order.
    pub fn thread_starts(&self) -> &[ThreadStart<'a>] {
        &self.starts
    }

    /// Whether the module starts any thread (has a thread entry point).
    pub fn starts_threads(&self) -> bool {
        !self.entries.is_empty()
    }

    pub fn thread_context(&self, function: FunctionId) -> ThreadContext {
        let code = self.sharing.code_of_function(function);
        if let Some(witness) = self.sharing.witness(code) {
            return ThreadContext::Threaded(witness);
        }
        let contexts = self.sharing.contexts(code);
        if contexts.contains(&Context::Public) {
            return if self.library {
                ThreadContext::Public
            } else {
                ThreadContext::NoThreadsInModule
            };
        }
        match self.sharing.alongside_entry(code) {
            Some(entry) if contexts.contains(&Context::Main) => ThreadContext::Alongside(entry),
            _ => ThreadContext::MainThreadOnly,
        }
    }

    /// The names of the functions from the thread entry that first reaches `code` down to it,
    /// after the functions of other modules the entry came through.
    pub fn witness_path(&self, code: sharing::CodeId) -> Vec<&str> {
        let mut names = Vec::new();
        let mut current = Some(code);
        let mut entry = None;
        while let Some(code) = current {
            let Some(witness) = self.sharing.witness(code) else {
                break;
            };
            entry = Some(witness.entry);
            names.push(self.code_name(code));
            current = witness.parent;
        }
        names.reverse();
        match entry {
            Some(entry) => self.sharing.entries[entry]
                .through
                .iter()
                .map(String::as_str)
                .chain(names)
                .collect(),
            None => names,
        }
    }

    /// A function's name, `<lambda>`, or `<module>` for module-level code.
    pub fn code_name_or_module(&self, code: sharing::CodeId) -> &str {
        if code == self.sharing.module_code() {
            "<module>"
        } else {
            self.code_name(code)
        }
    }

    /// A function's name, or `<lambda>`.
    pub fn code_name(&self, code: sharing::CodeId) -> &str {
        self.functions
            .get(code)
            .map_or("<lambda>", |function| function.name())
    }

    /// An entry as another module's analysis receives it.
    pub fn thread_entry(&self, entry: flow::EntryId) -> ThreadEntry {
        let facts = &self.sharing.entries[entry];
        ThreadEntry {
            call: facts.call.clone(),
            site: match &facts.elsewhere {
                Some(origin) => EntrySite::Elsewhere(origin.clone()),
                None => EntrySite::Here(facts.site),
            },
            through: facts.through.clone(),
            many: facts.many,
        }
    }
}

/// Whether the last name of an expression is, word by word, a lock's (`lock`, `_state_lock`,
/// `statsLock`, `mutex`, `cond`), for locks the analysis cannot see created.
fn names_a_lock(expr: &Expr) -> bool {
    const LOCK_WORDS: &[&str] = &[
        "lock",
        "rlock",
        "mutex",
        "mtx",
        "cond",
        "condition",
        "cv",
        "sem",
        "semaphore",
    ];
    let name = match expr {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    let mut words = Vec::new();
    for part in name.split('_').filter(|part| !part.is_empty()) {
        // `statsLock`: split before each capital that follows a lowercase letter.
        let mut start = 0;
        let bytes = part.as_bytes();
        for at in 1..bytes.len() {
            if bytes[at].is_ascii_uppercase() && bytes[at - 1].is_ascii_lowercase() {
                words.push(&part[start..at]);
                start = at;
            }
        }
        words.push(&part[start..]);
    }
    words.iter().any(|word| {
        LOCK_WORDS
            .iter()
            .any(|lock| word.eq_ignore_ascii_case(lock))
    })
}

/// `a.b.c` as a string, for names and attribute chains on names.
pub fn dotted_path(expr: &Expr) -> Option<String> {
    let (root, attributes) = name_and_attributes(expr)?;
    Some(join_path(root, attributes))
}

/// `a.b.c` as the name `a` and the expression whose attribute chain below it is `.b.c`.
pub(super) fn name_and_attributes(expr: &Expr) -> Option<(&str, &Expr)> {
    let mut current = expr;
    loop {
        match current {
            Expr::Name(name) => return Some((name.id.as_str(), expr)),
            Expr::Attribute(attribute) => current = &attribute.value,
            _ => return None,
        }
    }
}

/// A name as the module's imports resolve it: what the root was imported as, followed by the
/// attributes of the expression's chain. Compared segment by segment, never built unless shown.
#[derive(Debug, Clone, Copy)]
pub struct QualifiedName<'m, 'e> {
    base: &'m str,
    chain: &'e Expr,
}

impl QualifiedName<'_, '_> {
    /// Whether this is the dotted name `dotted` (`"threading.Thread"`).
    pub fn is(&self, dotted: &str) -> bool {
        self.strip_attributes(dotted) == Some(self.base)
    }

    pub fn is_any(&self, dotted: &[&str]) -> bool {
        let length = self.len();
        dotted
            .iter()
            .any(|name| name.len() == length && self.is(name))
    }

    /// The first of `table`'s names this is, with its value.
    pub fn find<'t, T>(&self, table: &'t [(&str, T)]) -> Option<&'t T> {
        // Comparing lengths first rejects nearly every entry without touching its text.
        let length = self.len();
        table
            .iter()
            .find(|(name, _)| name.len() == length && self.is(name))
            .map(|(_, value)| value)
    }

    /// The length of the dotted name.
    fn len(&self) -> usize {
        let mut length = self.base.len();
        let mut current = self.chain;
        while let Expr::Attribute(attribute) = current {
            length += attribute.attr.len() + 1;
            current = &attribute.value;
        }
        length
    }

    /// Whether this is `prefix` or an attribute below it (`decimal.DefaultContext.prec` for
    /// `decimal.DefaultContext`).
    pub fn is_within(&self, prefix: &str) -> bool {
        let mut current = self.chain;
        loop {
            if (QualifiedName {
                base: self.base,
                chain: current,
            })
            .is(prefix)
            {
                return true;
            }
            match current {
                Expr::Attribute(attribute) => current = &attribute.value,
                _ => return false,
            }
        }
    }

    /// `dotted` without the chain's attributes (from the last), if it ends with them.
    fn strip_attributes<'d>(&self, dotted: &'d str) -> Option<&'d str> {
        let mut rest = dotted;
        let mut current = self.chain;
        while let Expr::Attribute(attribute) = current {
            rest = rest
                .strip_suffix(attribute.attr.as_str())?
                .strip_suffix('.')?;
            current = &attribute.value;
        }
        Some(rest)
    }
}

impl std::fmt::Display for QualifiedName<'_, '_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&join_path(self.base, self.chain))
    }
}

/// `base` followed by the attributes of the chain `chain` (whose root name is replaced).
fn join_path(base: &str, chain: &Expr) -> String {
    let mut attributes = Vec::new();
    let mut current = chain;
    while let Expr::Attribute(attribute) = current {
        attributes.push(attribute.attr.as_str());
        current = &attribute.value;
    }
    let length = base.len()
        + attributes
            .iter()
            .map(|attribute| attribute.len() + 1)
            .sum::<usize>();
    let mut path = String::with_capacity(length);
    path.push_str(base);
    for attribute in attributes.iter().rev() {
        path.push('.');
        path.push_str(attribute);
    }
    path
}
