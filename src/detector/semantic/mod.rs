//! The semantic model of one module: what is imported as what, which functions exist, which
//! objects are locks or thread pools, which functions run in threads and why.
//!
//! Built once per module before any rule runs; rules only query it.

mod body;
mod builder;
mod mutations;
mod scope;
mod threads;

use rustc_hash::{FxHashMap, FxHashSet};

use ruff_python_ast::{Expr, ExprCall, ModModule, Stmt, StmtFunctionDef, StmtWith};
use ruff_text_size::{Ranged, TextRange, TextSize};

pub use body::{FunctionBody, Statement};
pub use mutations::Mutation;
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

/// Why a function runs in threads: the entry point and the chain of calls from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadWitness {
    pub entry: ThreadEntry,
    /// Names of the functions from the entry point's target down to this function.
    pub path: Vec<String>,
}

impl ThreadWitness {
    /// Whether the function is what the thread-starting call runs, not a callee of it.
    pub fn is_entry_target(&self) -> bool {
        self.path.len() == self.entry.through.len() + 1
    }
}

/// Whether code in a function may run in a thread other than the main one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadContext<'m> {
    /// Reachable from a thread entry point of this module.
    Threaded(&'m ThreadWitness),
    /// The module starts no threads at all: a library or script that might be called from them.
    NoThreadsInModule,
    /// The module starts threads, but not through this function.
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
    /// Dotted paths (`lock`, `self._lock`) assigned a lock object somewhere in the module.
    locks: FxHashSet<String>,
    /// Dotted paths assigned a thread pool (by assignment or `with ... as`).
    executors: FxHashSet<String>,
    /// Dotted paths assigned a future of a thread pool (`f = pool.submit(...)`).
    futures: FxHashSet<String>,
    /// Parameters (by position) that receive one object shared by several threads, and why.
    shared_arguments: FxHashMap<FunctionId, Vec<(usize, String)>>,
    /// Classes of this module that serve each request in a thread (`ThreadingMixIn` bases).
    threading_server_classes: FxHashSet<&'a str>,
    /// Classes of this module each instance of which runs one thread of its own: those derived
    /// from `threading.Thread`, and those whose `__init__` starts a thread on a bound method.
    thread_classes: FxHashSet<&'a str>,
    entries: Vec<(FunctionId, ThreadEntry)>,
    /// Every call that starts a thread, in source order.
    starts: Vec<ThreadStart<'a>>,
    /// The functions of this module each function calls, by [`FunctionId`].
    calls: Vec<Vec<FunctionId>>,
    /// Functions of other modules that this module runs in threads.
    pub outgoing: Vec<OutgoingEntry>,
    /// For each function, why it runs in threads (`None`: it does not).
    witnesses: Vec<Option<ThreadWitness>>,
    /// Names of the classes defined anywhere in the module.
    classes: FxHashSet<&'a str>,
    /// Dotted paths assigned a `threading.local()` (or an instance of a subclass of it).
    thread_locals: FxHashSet<String>,
    /// Classes whose `threading.local` base makes every instance attribute per thread.
    thread_local_classes: FxHashSet<&'a str>,
    /// Names assigned an instance of a class of this module (`stats = Stats()`), to that class.
    instances: FxHashMap<&'a str, &'a str>,
    /// Classes whose instances several threads use, with the evidence: a bound method run in
    /// threads, a lock attribute created in `__init__`, or an instance bound at module level.
    shared_classes: FxHashMap<&'a str, String>,
    /// Request handler classes: a new instance serves each request, so `self` is not shared.
    handler_classes: FxHashSet<&'a str>,
    /// Uses of a lock created per call (a local of the function that uses it and nothing else
    /// sees), by the start of the lock expression, to the statement that creates it.
    per_call_locks: FxHashMap<TextSize, TextRange>,
    /// Module-level names bound to a generator object, to the binding statement.
    generators: FxHashMap<&'a str, TextRange>,
    /// Module-level names whose container functions change in place, with each change.
    mutations: FxHashMap<&'a str, Vec<Mutation>>,
    /// Whether some function that runs in threads changes one of them without a lock.
    threads_mutate_containers: bool,
    /// Top-level statements (not nested in `if`/`try`) that first assign each name.
    top_level_assignments: FxHashMap<&'a str, TextRange>,
    /// Names a top-level statement binds to a `threading.Lock()` or `RLock()`, in order.
    module_locks: Vec<&'a str>,
    /// The end of the last top-level `import` statement.
    last_import_end: Option<TextSize>,
}

impl<'a> SemanticModel<'a> {
    /// `incoming`: top-level functions (by name) that other modules of the same run make run
    /// in threads, with how.
    pub fn build(module: &'a ModModule, source: &'a str, incoming: &[(&str, ThreadEntry)]) -> Self {
        builder::build(module, source, incoming)
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

    /// Whether `with <expr>:` holds a lock shared between callers: a name or attribute assigned a
    /// `threading` lock somewhere in the module, or, as a fallback for locks passed in or
    /// imported, a name that says it is one (`*lock*`, `*mutex*`). A lock created in the `with`
    /// itself (`with threading.Lock():`) guards nothing.
    pub fn is_shared_lock(&self, expr: &Expr) -> bool {
        let Some(path) = dotted_path(expr) else {
            return false;
        };
        if self.locks.contains(&path) {
            return true;
        }
        let last = path
            .rsplit('.')
            .next()
            .unwrap_or(&path)
            .to_ascii_lowercase();
        last.contains("lock") || last.contains("mutex")
    }

    /// `with lock:` (not `async with`: asyncio locks do not exclude threads, and not a lock
    /// created per call, which excludes nobody).
    pub fn holds_lock(&self, with: &StmtWith) -> bool {
        !with.is_async
            && with.items.iter().any(|item| {
                self.is_shared_lock(&item.context_expr)
                    && self.per_call_lock(&item.context_expr).is_none()
            })
    }

    /// Whether a `finally:` body releases a shared lock (`lock.release()`), which makes the `try`
    /// body it closes a guarded region (`lock.acquire(); try: ... finally: lock.release()`).
    pub fn releases_lock(&self, finally: &[Stmt]) -> bool {
        finally.iter().any(|stmt| {
            let Stmt::Expr(expr) = stmt else { return false };
            let Expr::Call(call) = expr.value.as_ref() else {
                return false;
            };
            let Expr::Attribute(method) = call.func.as_ref() else {
                return false;
            };
            method.attr.as_str() == "release"
                && self.is_shared_lock(&method.value)
                && self.per_call_lock(&method.value).is_none()
        })
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

    /// Whether `expr` is, or is an attribute of, a `threading.local` object.
    pub fn is_thread_local(&self, expr: &Expr) -> bool {
        let Some(path) = dotted_path(expr) else {
            return false;
        };
        let mut prefix = String::new();
        for (index, segment) in path.split('.').enumerate() {
            if index > 0 {
                prefix.push('.');
            }
            prefix.push_str(segment);
            if self.thread_locals.contains(&prefix) {
                return true;
            }
        }
        false
    }

    /// Whether each instance of `class` runs one thread of its own (a `threading.Thread`
    /// subclass's `run`, a method `__init__` starts): that thread works on the object while the
    /// thread that created it keeps the object.
    pub fn is_thread_class(&self, class: &str) -> bool {
        self.thread_classes.contains(class)
    }

    pub fn is_thread_local_class(&self, class: &str) -> bool {
        self.thread_local_classes.contains(class)
    }

    /// Why instances of `class` are shared between threads, if they are.
    /// If parameter `index` of `function` receives one object that several threads share
    /// (`for _ in range(4): Thread(target=work, args=(stats,))`), why.
    pub fn shared_argument(&self, function: FunctionId, index: usize) -> Option<&str> {
        self.shared_arguments
            .get(&function)?
            .iter()
            .find(|(shared, _)| *shared == index)
            .map(|(_, reason)| reason.as_str())
    }

    pub fn shared_class(&self, class: &str) -> Option<&str> {
        if self.handler_classes.contains(class) {
            return None;
        }
        self.shared_classes.get(class).map(String::as_str)
    }

    /// The statement binding a module-level generator object named `name`.
    pub fn module_generator(&self, name: &str) -> Option<TextRange> {
        self.generators.get(name).copied()
    }

    /// The in-place changes (`append`, `pop`, `c[k] = v`, `del c[k]`) that functions of the
    /// module make to the module-level container `name`.
    pub fn mutations_of(&self, name: &str) -> &[Mutation] {
        self.mutations.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether a function that runs in threads changes a module-level container in place
    /// without a lock: without one, no iteration can race with a writer.
    pub fn threads_mutate_containers(&self) -> bool {
        self.threads_mutate_containers
    }

    /// Whether the module binds a generator object at module level.
    pub fn has_module_generators(&self) -> bool {
        !self.generators.is_empty()
    }

    /// Whether some parameter of `function` receives one object shared by several threads.
    pub fn has_shared_arguments(&self, function: FunctionId) -> bool {
        self.shared_arguments.contains_key(&function)
    }

    /// The top-level statement that first assigns `name` (`name = ...`), if any.
    pub fn top_level_assignment(&self, name: &str) -> Option<TextRange> {
        self.top_level_assignments.get(name).copied()
    }

    /// Names bound at the top level to a `threading.Lock()` or `RLock()`.
    pub fn module_locks(&self) -> &[&'a str] {
        &self.module_locks
    }

    /// The end of the last top-level `import` statement.
    pub fn last_import_end(&self) -> Option<TextSize> {
        self.last_import_end
    }

    /// Whether the module binds the name `threading` to the `threading` module.
    pub fn imports_threading_module(&self) -> bool {
        self.imports
            .get("threading")
            .is_some_and(|q| q == "threading")
    }

    /// Names of the module-level functions that no thread entry point reaches.
    pub fn unthreaded_top_level_functions(&self) -> Vec<String> {
        self.functions
            .iter()
            .zip(&self.witnesses)
            .filter(|(function, witness)| {
                function.parent.is_none() && function.class.is_none() && witness.is_none()
            })
            .map(|(function, _)| function.name().to_string())
            .collect()
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

    pub fn thread_context(&self, function: FunctionId) -> ThreadContext<'_> {
        match &self.witnesses[function] {
            Some(witness) => ThreadContext::Threaded(witness),
            None if self.entries.is_empty() => ThreadContext::NoThreadsInModule,
            None => ThreadContext::MainThreadOnly,
        }
    }
}

/// `a.b.c` as a string, for names and attribute chains on names.
pub fn dotted_path(expr: &Expr) -> Option<String> {
    let (root, attributes) = name_and_attributes(expr)?;
    Some(join_path(root, attributes))
}

/// `a.b.c` as the name `a` and the expression whose attribute chain below it is `.b.c`.
fn name_and_attributes(expr: &Expr) -> Option<(&str, &Expr)> {
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
