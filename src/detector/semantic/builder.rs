//! Builds the [`SemanticModel`] in two passes: first what is defined and imported, then the calls
//! between functions and the thread entry points; finally which functions threads reach.

use rustc_hash::FxHashMap;

use ruff_python_ast::helpers::any_over_body;
use ruff_python_ast::statement_visitor::{StatementVisitor, walk_stmt};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    Comprehension, Expr, ExprCall, ExprContext, ModModule, Stmt, StmtFunctionDef,
};
use ruff_text_size::{Ranged, TextRange};

use super::threads::{
    ThreadTarget, is_lock_factory, is_pool_submission, is_thread_pool, is_thread_subclass,
    is_threading_server_class, thread_target,
};
use super::{
    EntrySite, Function, FunctionBody, FunctionId, OutgoingEntry, SemanticModel, ThreadEntry,
    ThreadStart, dotted_path,
};
use crate::detector::helpers::literal_length;

pub fn build<'a>(
    module: &'a ModModule,
    source: &'a str,
    incoming: &[(&str, ThreadEntry)],
    library: bool,
) -> SemanticModel<'a> {
    let mut definitions = Definitions {
        model: SemanticModel::default(),
        scopes: Vec::new(),
        instance_candidates: Vec::new(),
    };
    definitions.visit_body(&module.body);
    let model = definitions.finish();

    let mut links = Links {
        model: &model,
        source,
        index: FunctionIndex::new(&model.functions),
        scopes: Vec::new(),
        next_function: 0,
        calls: vec![Vec::new(); model.functions.len()],
        entries: Vec::new(),
        foreign_targets: Vec::new(),
        foreign_calls: Vec::new(),
        loops: Vec::new(),
        function_loops: Vec::new(),
        starts: Vec::new(),
    };
    links.visit_body(&module.body);
    for (function, entry) in incoming {
        for id in links.resolve_name_at_top_level(function) {
            links.entries.push((id, entry.clone()));
        }
    }
    let Links {
        calls,
        entries,
        foreign_targets,
        foreign_calls,
        starts,
        ..
    } = links;

    let mut model = SemanticModel {
        source,
        library,
        entries,
        starts,
        calls,
        ..model
    };
    model.bodies = model
        .functions
        .iter()
        .map(|function| FunctionBody::new(function.def))
        .collect();
    model.flow = super::flow::analyse(module, &model, library);
    let mut bodies = std::mem::take(&mut model.bodies);
    for body in &mut bodies {
        body.resolve_locks(|guard| model.is_lock(guard));
    }
    model.bodies = bodies;
    model.sharing = super::sharing::build(module, &model, library);
    // A thread target of another module runs as many threads as its start here does.
    let mut foreign_targets = foreign_targets;
    if !foreign_targets.is_empty() {
        let many_at: FxHashMap<TextRange, bool> = model
            .sharing
            .entries
            .iter()
            .map(|facts| (facts.site, facts.many))
            .collect();
        for target in &mut foreign_targets {
            if let EntrySite::Here(site) = target.entry.site
                && let Some(&many) = many_at.get(&site)
            {
                target.entry.many = many;
            }
        }
    }
    model.outgoing = foreign_targets
        .into_iter()
        .chain(foreign_calls.into_iter().filter_map(|(caller, callee)| {
            let witness = model.sharing.witness(caller)?;
            Some(OutgoingEntry {
                qualified_name: imported_name(&model, callee)?,
                entry: model.thread_entry(witness.entry),
                path: model
                    .witness_path(caller)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            })
        }))
        .collect();
    record_top_level(&mut model, module);
    model
}

/// A callable's qualified name when it comes from an import (`jobs.work`), for other modules of
/// the same run to resolve.
fn imported_name(model: &SemanticModel, callable: &Expr) -> Option<String> {
    model
        .qualified_name(callable)
        .filter(|name| name.contains('.'))
}

/// A name bound to a call that may be a generator object or an instance of a class.
struct CallBinding<'a> {
    name: &'a str,
    callee: &'a str,
}

#[derive(Clone, Copy)]
enum Scope<'a> {
    Class(&'a str),
    Function(FunctionId),
}

/// Pass 1: functions, imports, module-level names, locks and thread pools.
struct Definitions<'a> {
    model: SemanticModel<'a>,
    scopes: Vec<Scope<'a>>,
    /// `x = Name(...)`: an instance if `Name` turns out to be a class of the module.
    instance_candidates: Vec<CallBinding<'a>>,
}

impl<'a> Definitions<'a> {
    fn at_module_level(&self) -> bool {
        self.scopes.is_empty()
    }

    /// Resolves what needed the whole module: instances of its classes.
    fn finish(mut self) -> SemanticModel<'a> {
        for binding in &self.instance_candidates {
            if self.model.classes.contains(binding.callee) {
                self.model.instances.insert(binding.name, binding.callee);
            }
        }
        self.model
    }

    /// Locals of `def` assigned a lock that only `with lock:` and `lock.acquire()/release()`
    /// in `def` itself use: each call makes its own, so it excludes nobody.
    fn record_per_call_locks(&mut self, def: &'a StmtFunctionDef) {
        let mut declared = Vec::new();
        let mut bindings = Vec::new();
        for stmt in own_statements(&def.body) {
            match stmt {
                Stmt::Global(global) => declared.extend(global.names.iter().map(|n| n.as_str())),
                Stmt::Nonlocal(nonlocal) => {
                    declared.extend(nonlocal.names.iter().map(|n| n.as_str()));
                }
                Stmt::Assign(assign) => {
                    if let ([Expr::Name(target)], Expr::Call(call)) =
                        (assign.targets.as_slice(), assign.value.as_ref())
                        && is_lock_factory(&self.model, call)
                    {
                        bindings.push((target.id.as_str(), assign.range()));
                    }
                }
                _ => {}
            }
        }
        for (name, binding) in bindings {
            if declared.contains(&name) {
                continue;
            }
            let mut loads = 0;
            any_over_body(&def.body, |expr| {
                if matches!(expr, Expr::Name(n) if n.id == name && n.ctx == ExprContext::Load) {
                    loads += 1;
                }
                false
            });
            let uses = lock_uses(&def.body, name);
            if !uses.is_empty() && uses.len() == loads {
                for use_range in uses {
                    self.model.per_call_locks.insert(use_range.start(), binding);
                }
            }
        }
    }

    fn bind_module_names(&mut self, target: &'a Expr) {
        match target {
            Expr::Name(name) => {
                self.model.module_bindings.insert(name.id.as_str());
            }
            Expr::Tuple(tuple) => tuple
                .iter()
                .for_each(|element| self.bind_module_names(element)),
            Expr::List(list) => list
                .iter()
                .for_each(|element| self.bind_module_names(element)),
            Expr::Starred(starred) => self.bind_module_names(&starred.value),
            _ => {}
        }
    }

    /// Remembers `x = threading.Lock()` and `pool = ThreadPoolExecutor()` by the target's path.
    fn record_special_value(&mut self, target: &'a Expr, value: &'a Expr) {
        let (Expr::Call(call), Some(path)) = (value, dotted_path(target)) else {
            return;
        };
        if is_thread_pool(&self.model, call) {
            self.model.executors.insert(path);
        } else if is_pool_submission(&self.model, call) {
            self.model.futures.insert(path);
        } else if let (Expr::Name(callee), Expr::Name(name)) = (call.func.as_ref(), target) {
            self.instance_candidates.push(CallBinding {
                name: name.id.as_str(),
                callee: callee.id.as_str(),
            });
        }
    }
}

// Statements only: nothing this pass records is an expression of its own.
impl<'a> StatementVisitor<'a> for Definitions<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                if self.at_module_level() {
                    self.model.module_bindings.insert(def.name.as_str());
                }
                let class = match self.scopes.last() {
                    Some(Scope::Class(name)) => Some(*name),
                    _ => None,
                };
                let parent = self.scopes.iter().rev().find_map(|scope| match scope {
                    Scope::Function(id) => Some(*id),
                    Scope::Class(_) => None,
                });
                let id = self.model.functions.len();
                self.model.functions.push(Function { def, class, parent });
                self.record_per_call_locks(def);
                self.scopes.push(Scope::Function(id));
                walk_stmt(self, stmt);
                self.scopes.pop();
            }
            Stmt::ClassDef(class) => {
                if self.at_module_level() {
                    self.model.module_bindings.insert(class.name.as_str());
                }
                self.model.classes.insert(class.name.as_str());
                if is_threading_server_class(&self.model, class) {
                    self.model
                        .threading_server_classes
                        .insert(class.name.as_str());
                }
                self.scopes.push(Scope::Class(class.name.as_str()));
                walk_stmt(self, stmt);
                self.scopes.pop();
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.as_str();
                    self.model.imported_modules.push((alias.range(), module));
                    let (local, qualified) = match &alias.asname {
                        Some(asname) => (asname.as_str(), module.to_string()),
                        // `import a.b` binds `a`, through which `a.b` is reached.
                        None => {
                            let top = module.split('.').next().unwrap_or(module);
                            (top, top.to_string())
                        }
                    };
                    self.model.imports.insert(local, qualified);
                    if self.at_module_level() {
                        self.model.module_bindings.insert(local);
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                if import.level == 0
                    && let Some(module) = &import.module
                {
                    self.model
                        .imported_modules
                        .push((import.range(), module.as_str()));
                }
                let module = import.module.as_ref().map_or("", |module| module.as_str());
                for alias in &import.names {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    let qualified = format!("{module}.{}", alias.name.as_str());
                    self.model.imports.insert(local, qualified);
                    if self.at_module_level() {
                        self.model.module_bindings.insert(local);
                    }
                }
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if self.at_module_level() {
                        self.bind_module_names(target);
                    }
                    self.record_special_value(target, &assign.value);
                }
                walk_stmt(self, stmt);
            }
            Stmt::AnnAssign(assign) => {
                if self.at_module_level() {
                    self.bind_module_names(&assign.target);
                }
                if let Some(value) = &assign.value {
                    self.record_special_value(&assign.target, value);
                }
                walk_stmt(self, stmt);
            }
            Stmt::AugAssign(assign) if self.at_module_level() => {
                self.bind_module_names(&assign.target);
                walk_stmt(self, stmt);
            }
            Stmt::For(for_stmt) if self.at_module_level() => {
                self.bind_module_names(&for_stmt.target);
                walk_stmt(self, stmt);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(target) = &item.optional_vars {
                        if self.at_module_level() {
                            self.bind_module_names(target);
                        }
                        self.record_special_value(target, &item.context_expr);
                    }
                }
                walk_stmt(self, stmt);
            }
            _ => walk_stmt(self, stmt),
        }
    }
}

/// Functions by name, to resolve references such as `worker`, `self.run`, `Job.step`.
struct FunctionIndex<'a> {
    by_name: FxHashMap<&'a str, Vec<FunctionId>>,
}

impl<'a> FunctionIndex<'a> {
    fn new(functions: &[Function<'a>]) -> Self {
        let mut by_name: FxHashMap<&'a str, Vec<FunctionId>> = FxHashMap::default();
        for (id, function) in functions.iter().enumerate() {
            by_name
                .entry(function.def.name.as_str())
                .or_default()
                .push(id);
        }
        Self { by_name }
    }

    fn named(&self, name: &str) -> &[FunctionId] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }
}

/// Pass 2: calls between functions and the calls that start threads.
struct Links<'m, 'a> {
    model: &'m SemanticModel<'a>,
    source: &'a str,
    index: FunctionIndex<'a>,
    scopes: Vec<Scope<'a>>,
    next_function: FunctionId,
    calls: Vec<Vec<FunctionId>>,
    entries: Vec<(FunctionId, ThreadEntry)>,
    /// Thread targets imported from other modules.
    foreign_targets: Vec<OutgoingEntry>,
    /// `(caller, imported callee)`: calls into other modules, kept if the caller turns out to
    /// run in threads.
    foreign_calls: Vec<(FunctionId, &'a Expr)>,
    /// How many of `loops` were entered before the current function's body.
    function_loops: Vec<usize>,
    /// Every call that starts a thread, in source order.
    starts: Vec<ThreadStart<'a>>,
    /// The loops and comprehensions around the current node, innermost last: a thread started
    /// there is started again on every iteration.
    loops: Vec<Iteration<'a>>,
}

impl<'a> Links<'_, 'a> {
    fn current_function(&self) -> Option<FunctionId> {
        self.scopes.iter().rev().find_map(|scope| match scope {
            Scope::Function(id) => Some(*id),
            Scope::Class(_) => None,
        })
    }

    /// How many times a call here runs per run of its function (or of the module): the
    /// product of the literal iteration counts of the loops around it in that function.
    fn repetitions(&self) -> Option<u64> {
        let base = self.function_loops.last().copied().unwrap_or(0);
        self.loops[base..]
            .iter()
            .try_fold(1u64, |total, iteration| {
                total.checked_mul(iteration.count()?)
            })
    }

    fn current_class(&self) -> Option<&'a str> {
        self.scopes.iter().rev().find_map(|scope| match scope {
            Scope::Class(name) => Some(*name),
            Scope::Function(_) => None,
        })
    }

    fn methods_of(&self, class: &str, name: &str) -> Vec<FunctionId> {
        self.index
            .named(name)
            .iter()
            .copied()
            .filter(|&id| self.model.functions[id].class == Some(class))
            .collect()
    }

    /// Every method of the class an expression names.
    fn methods_of_class_expr(&self, class: &Expr) -> Vec<FunctionId> {
        let Expr::Name(name) = class else {
            return Vec::new();
        };
        (0..self.model.functions.len())
            .filter(|&id| self.model.functions[id].class == Some(name.id.as_str()))
            .collect()
    }

    /// The functions an expression used as a callable may refer to.
    fn resolve_callable(&self, expr: &Expr) -> Vec<FunctionId> {
        match expr {
            Expr::Name(name) => self.resolve_name(name.id.as_str()),
            Expr::Attribute(attribute) => match attribute.value.as_ref() {
                Expr::Name(receiver) if matches!(receiver.id.as_str(), "self" | "cls") => self
                    .current_class()
                    .map(|class| self.methods_of(class, attribute.attr.as_str()))
                    .unwrap_or_default(),
                Expr::Name(receiver) => match self.model.instances.get(receiver.id.as_str()) {
                    Some(class) => self.methods_of(class, attribute.attr.as_str()),
                    None => self.methods_of(receiver.id.as_str(), attribute.attr.as_str()),
                },
                _ => Vec::new(),
            },
            Expr::Call(call)
                if self
                    .model
                    .resolve(&call.func)
                    .is_some_and(|name| name.is("functools.partial")) =>
            {
                call.arguments
                    .find_positional(0)
                    .map(|inner| self.resolve_callable(inner))
                    .unwrap_or_default()
            }
            Expr::Lambda(lambda) => {
                let mut calls = CalledIn::default();
                calls.visit_expr(&lambda.body);
                calls
                    .callees
                    .iter()
                    .flat_map(|callee| self.resolve_callable(callee))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Module-level functions named `name`.
    fn resolve_name_at_top_level(&self, name: &str) -> Vec<FunctionId> {
        self.index
            .named(name)
            .iter()
            .copied()
            .filter(|&id| {
                let function = &self.model.functions[id];
                function.parent.is_none() && function.class.is_none()
            })
            .collect()
    }

    /// Innermost nested `def` first, then module-level functions, then a class's `__init__`.
    fn resolve_name(&self, name: &str) -> Vec<FunctionId> {
        let candidates = self.index.named(name);
        for scope in self.scopes.iter().rev() {
            if let Scope::Function(enclosing) = scope {
                let nested: Vec<_> = candidates
                    .iter()
                    .copied()
                    .filter(|&id| self.model.functions[id].parent == Some(*enclosing))
                    .collect();
                if !nested.is_empty() {
                    return nested;
                }
            }
        }
        let top_level: Vec<_> = candidates
            .iter()
            .copied()
            .filter(|&id| {
                let function = &self.model.functions[id];
                function.parent.is_none() && function.class.is_none()
            })
            .collect();
        if top_level.is_empty() {
            self.methods_of(name, "__init__")
        } else {
            top_level
        }
    }

    /// `pool.run` on a receiver of unknown class (a parameter, a call's result): the method
    /// named `run` if exactly one class of the module defines one. Used for thread targets only,
    /// where a method handed to a pool is almost always the module's own.
    fn only_method_named(&self, callable: &Expr) -> Vec<FunctionId> {
        let Expr::Attribute(attribute) = callable else {
            return Vec::new();
        };
        if matches!(attribute.value.as_ref(), Expr::Name(receiver)
            if self.model.resolve(&attribute.value).is_some() || self.model.is_class(receiver.id.as_str()))
        {
            return Vec::new();
        }
        let methods: Vec<FunctionId> = self
            .index
            .named(attribute.attr.as_str())
            .iter()
            .copied()
            .filter(|&id| self.model.functions[id].class.is_some())
            .collect();
        match methods.as_slice() {
            [only] => vec![*only],
            _ => Vec::new(),
        }
    }

    /// The class whose instance a bound method such as `self.run` or `stats.record` belongs to.
    fn bound_method_class(&self, callable: &Expr) -> Option<&'a str> {
        let Expr::Attribute(attribute) = callable else {
            return None;
        };
        let Expr::Name(receiver) = attribute.value.as_ref() else {
            return None;
        };
        match receiver.id.as_str() {
            "self" => self.current_class(),
            name => self.model.instances.get(name).copied(),
        }
    }

    fn describe_call(&self, call: &ExprCall) -> String {
        let text = &self.source[call.range()];
        if text.len() <= 80 && !text.contains('\n') {
            text.to_string()
        } else {
            format!("{}(...)", &self.source[call.func.range()])
        }
    }
}

impl<'a> Visitor<'a> for Links<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) => {
                let id = self.next_function;
                self.next_function += 1;
                self.scopes.push(Scope::Function(id));
                self.function_loops.push(self.loops.len());
                visitor::walk_stmt(self, stmt);
                self.function_loops.pop();
                self.scopes.pop();
            }
            Stmt::ClassDef(class) => {
                if is_thread_subclass(self.model, class) {
                    let entry = ThreadEntry {
                        call: format!("class {}(threading.Thread)", class.name.as_str()),
                        site: EntrySite::Here(class.name.range()),
                        through: Vec::new(),
                        many: true,
                    };
                    for id in self.methods_of(class.name.as_str(), "run") {
                        self.entries.push((id, entry.clone()));
                    }
                }
                self.scopes.push(Scope::Class(class.name.as_str()));
                visitor::walk_stmt(self, stmt);
                self.scopes.pop();
            }
            Stmt::For(for_stmt) => {
                self.visit_expr(&for_stmt.iter);
                self.loops.push(Iteration::Loop {
                    count: literal_length(&for_stmt.iter),
                });
                self.visit_body(&for_stmt.body);
                self.loops.pop();
                self.visit_body(&for_stmt.orelse);
            }
            Stmt::While(while_stmt) => {
                self.visit_expr(&while_stmt.test);
                self.loops.push(Iteration::Loop { count: None });
                self.visit_body(&while_stmt.body);
                self.loops.pop();
                self.visit_body(&while_stmt.orelse);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        let comprehension = match expr {
            Expr::ListComp(comp) => Some(&comp.generators),
            Expr::SetComp(comp) => Some(&comp.generators),
            Expr::Generator(comp) => Some(&comp.generators),
            Expr::DictComp(comp) => Some(&comp.generators),
            _ => None,
        };
        if let Some(generators) = comprehension {
            self.loops.push(Iteration::Comprehension(generators));
            visitor::walk_expr(self, expr);
            self.loops.pop();
            return;
        }
        if let Expr::Call(call) = expr {
            if let Some((kind, target)) = thread_target(self.model, call) {
                let entry = ThreadEntry {
                    call: self.describe_call(call),
                    site: EntrySite::Here(call.range()),
                    through: Vec::new(),
                    many: true,
                };
                let targets = match target {
                    ThreadTarget::Callable(callable) => {
                        let targets = self.resolve_callable(callable);
                        if targets.is_empty() && self.bound_method_class(callable).is_none() {
                            self.only_method_named(callable)
                        } else {
                            targets
                        }
                    }
                    ThreadTarget::HandlerClass(class) => self.methods_of_class_expr(class),
                };
                if targets.is_empty()
                    && let ThreadTarget::Callable(callable) = target
                    && let Some(qualified_name) = imported_name(self.model, callable)
                {
                    self.foreign_targets.push(OutgoingEntry {
                        qualified_name,
                        entry: entry.clone(),
                        path: Vec::new(),
                    });
                }
                for &id in &targets {
                    self.entries.push((id, entry.clone()));
                }
                let target_expr = match target {
                    ThreadTarget::Callable(expr) | ThreadTarget::HandlerClass(expr) => expr,
                };
                self.starts.push(ThreadStart {
                    call,
                    kind,
                    target: target_expr,
                    functions: targets,
                    repetitions: self.repetitions(),
                });
            } else if let Some(caller) = self.current_function() {
                let callees = self.resolve_callable(&call.func);
                if callees.is_empty() && self.model.resolve(&call.func).is_some() {
                    self.foreign_calls.push((caller, &call.func));
                }
                self.calls[caller].extend(callees);
            }
        }
        visitor::walk_expr(self, expr);
    }
}

/// A loop or comprehension around a thread-starting call.
enum Iteration<'a> {
    Loop {
        /// Iterations, when the iterable is a literal (`range(8)`, `[a, b]`).
        count: Option<u64>,
    },
    Comprehension(&'a [Comprehension]),
}

impl Iteration<'_> {
    /// Iterations, when every generator's iterable is a literal without a filter.
    fn count(&self) -> Option<u64> {
        match self {
            Iteration::Loop { count, .. } => *count,
            Iteration::Comprehension(generators) => {
                generators.iter().try_fold(1u64, |total, generator| {
                    let count = generator
                        .ifs
                        .is_empty()
                        .then(|| literal_length(&generator.iter))
                        .flatten()?;
                    total.checked_mul(count)
                })
            }
        }
    }
}

/// The callee expressions of the calls inside an expression (a lambda's body).
#[derive(Default)]
struct CalledIn<'a> {
    callees: Vec<&'a Expr>,
}

impl<'a> Visitor<'a> for CalledIn<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            self.callees.push(&call.func);
        }
        visitor::walk_expr(self, expr);
    }
}

/// The statements of a body and its nested blocks, not those of nested functions or classes.
fn own_statements(body: &[Stmt]) -> Vec<&Stmt> {
    struct Collector<'a> {
        found: Vec<&'a Stmt>,
    }
    impl<'a> StatementVisitor<'a> for Collector<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            self.found.push(stmt);
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                walk_stmt(self, stmt);
            }
        }
    }
    let mut collector = Collector { found: Vec::new() };
    collector.visit_body(body);
    collector.found
}

/// Where a function's own statements use `name` as a lock: `with name:`, `name.acquire()`,
/// `name.release()`, `name.locked()`.
fn lock_uses(body: &[Stmt], name: &str) -> Vec<TextRange> {
    let is_name = |expr: &Expr| matches!(expr, Expr::Name(n) if n.id == name);
    let mut uses = Vec::new();
    for stmt in own_statements(body) {
        match stmt {
            Stmt::With(with) => uses.extend(
                with.items
                    .iter()
                    .filter(|item| is_name(&item.context_expr))
                    .map(|item| item.context_expr.range()),
            ),
            Stmt::Expr(expr) => {
                if let Expr::Call(call) = expr.value.as_ref()
                    && let Expr::Attribute(method) = call.func.as_ref()
                    && is_name(&method.value)
                    && matches!(method.attr.as_str(), "acquire" | "release" | "locked")
                {
                    uses.push(method.value.range());
                }
            }
            _ => {}
        }
    }
    uses
}

/// Whether a function body (not its nested functions) contains `yield`.
pub(super) fn contains_yield(def: &StmtFunctionDef) -> bool {
    struct Finder {
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
                visitor::walk_stmt(self, stmt);
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Yield(_) | Expr::YieldFrom(_) => self.found = true,
                Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder { found: false };
    finder.visit_body(&def.body);
    finder.found
}

/// What fixes need from the module's top-level statements: where each name is first assigned,
/// which names hold a mutual-exclusion lock.
fn record_top_level<'a>(model: &mut SemanticModel<'a>, module: &'a ModModule) {
    for stmt in &module.body {
        let (target, value) = match stmt {
            Stmt::Assign(assign) => match assign.targets.as_slice() {
                [target] => (target, Some(assign.value.as_ref())),
                _ => continue,
            },
            Stmt::AnnAssign(assign) => (assign.target.as_ref(), assign.value.as_deref()),
            _ => continue,
        };
        let Expr::Name(name) = target else { continue };
        model
            .top_level_assignments
            .entry(name.id.as_str())
            .or_insert(stmt.range());
        if let Some(Expr::Call(call)) = value
            && is_lock_factory(model, call)
            && model
                .qualified_name(&call.func)
                .is_some_and(|qualified| qualified.ends_with("Lock"))
        {
            model.module_locks.push(name.id.as_str());
        }
    }
}
