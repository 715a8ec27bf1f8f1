//! Builds the [`SemanticModel`] in two passes: first what is defined and imported, then the calls
//! between functions and the thread entry points; finally which functions threads reach.

use std::collections::{HashMap, VecDeque};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, ModModule, Stmt};
use ruff_text_size::Ranged;

use super::threads::{
    ThreadTarget, is_lock_factory, is_thread_pool, is_thread_subclass, is_threading_server_class,
    thread_target,
};
use super::{Function, FunctionId, SemanticModel, ThreadEntry, ThreadWitness, dotted_path};

pub fn build<'a>(module: &'a ModModule, source: &'a str) -> SemanticModel<'a> {
    let mut definitions = Definitions {
        model: SemanticModel::default(),
        scopes: Vec::new(),
    };
    definitions.visit_body(&module.body);
    let model = definitions.model;

    let mut links = Links {
        model: &model,
        source,
        index: FunctionIndex::new(&model.functions),
        scopes: Vec::new(),
        next_function: 0,
        calls: vec![Vec::new(); model.functions.len()],
        entries: Vec::new(),
    };
    links.visit_body(&module.body);
    let Links { calls, entries, .. } = links;

    let witnesses = reachability(&model.functions, &calls, &entries);
    SemanticModel {
        entries,
        witnesses,
        ..model
    }
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
}

impl<'a> Definitions<'a> {
    fn at_module_level(&self) -> bool {
        self.scopes.is_empty()
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
    fn record_special_value(&mut self, target: &Expr, value: &Expr) {
        let (Expr::Call(call), Some(path)) = (value, dotted_path(target)) else {
            return;
        };
        if is_lock_factory(&self.model, call) {
            self.model.locks.insert(path);
        } else if is_thread_pool(&self.model, call) {
            self.model.executors.insert(path);
        }
    }
}

impl<'a> Visitor<'a> for Definitions<'a> {
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
                self.scopes.push(Scope::Function(id));
                visitor::walk_stmt(self, stmt);
                self.scopes.pop();
            }
            Stmt::ClassDef(class) => {
                if self.at_module_level() {
                    self.model.module_bindings.insert(class.name.as_str());
                }
                if is_threading_server_class(&self.model, class) {
                    self.model
                        .threading_server_classes
                        .insert(class.name.as_str());
                }
                self.scopes.push(Scope::Class(class.name.as_str()));
                visitor::walk_stmt(self, stmt);
                self.scopes.pop();
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let module = alias.name.as_str();
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
                visitor::walk_stmt(self, stmt);
            }
            Stmt::AnnAssign(assign) => {
                if self.at_module_level() {
                    self.bind_module_names(&assign.target);
                }
                if let Some(value) = &assign.value {
                    self.record_special_value(&assign.target, value);
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::AugAssign(assign) if self.at_module_level() => {
                self.bind_module_names(&assign.target);
                visitor::walk_stmt(self, stmt);
            }
            Stmt::For(for_stmt) if self.at_module_level() => {
                self.bind_module_names(&for_stmt.target);
                visitor::walk_stmt(self, stmt);
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
                visitor::walk_stmt(self, stmt);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }
}

/// Functions by name, to resolve references such as `worker`, `self.run`, `Job.step`.
struct FunctionIndex<'a> {
    by_name: HashMap<&'a str, Vec<FunctionId>>,
}

impl<'a> FunctionIndex<'a> {
    fn new(functions: &[Function<'a>]) -> Self {
        let mut by_name: HashMap<&'a str, Vec<FunctionId>> = HashMap::new();
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
}

impl Links<'_, '_> {
    fn current_function(&self) -> Option<FunctionId> {
        self.scopes.iter().rev().find_map(|scope| match scope {
            Scope::Function(id) => Some(*id),
            Scope::Class(_) => None,
        })
    }

    fn current_class(&self) -> Option<&str> {
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
                Expr::Name(receiver) => {
                    self.methods_of(receiver.id.as_str(), attribute.attr.as_str())
                }
                _ => Vec::new(),
            },
            Expr::Call(call)
                if self
                    .model
                    .qualified_name(&call.func)
                    .is_some_and(|name| name == "functools.partial") =>
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
                visitor::walk_stmt(self, stmt);
                self.scopes.pop();
            }
            Stmt::ClassDef(class) => {
                if is_thread_subclass(self.model, class) {
                    let entry = ThreadEntry {
                        call: format!("class {}(threading.Thread)", class.name.as_str()),
                        range: class.name.range(),
                    };
                    for id in self.methods_of(class.name.as_str(), "run") {
                        self.entries.push((id, entry.clone()));
                    }
                }
                self.scopes.push(Scope::Class(class.name.as_str()));
                visitor::walk_stmt(self, stmt);
                self.scopes.pop();
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            if let Some(target) = thread_target(self.model, call) {
                let entry = ThreadEntry {
                    call: self.describe_call(call),
                    range: call.range(),
                };
                let targets = match target {
                    ThreadTarget::Callable(callable) => self.resolve_callable(callable),
                    ThreadTarget::HandlerClass(class) => self.methods_of_class_expr(class),
                };
                for id in targets {
                    self.entries.push((id, entry.clone()));
                }
            } else if let Some(caller) = self.current_function() {
                let callees = self.resolve_callable(&call.func);
                self.calls[caller].extend(callees);
            }
        }
        visitor::walk_expr(self, expr);
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

/// Breadth first from the entry points, so each witness is a shortest call chain.
fn reachability(
    functions: &[Function],
    calls: &[Vec<FunctionId>],
    entries: &[(FunctionId, ThreadEntry)],
) -> Vec<Option<ThreadWitness>> {
    let mut witnesses: Vec<Option<ThreadWitness>> = vec![None; functions.len()];
    let mut queue = VecDeque::new();
    for (id, entry) in entries {
        if witnesses[*id].is_none() {
            witnesses[*id] = Some(ThreadWitness {
                entry: entry.clone(),
                path: vec![functions[*id].name().to_string()],
            });
            queue.push_back(*id);
        }
    }
    while let Some(caller) = queue.pop_front() {
        for &callee in &calls[caller] {
            if witnesses[callee].is_none() {
                let Some(mut witness) = witnesses[caller].clone() else {
                    continue;
                };
                witness.path.push(functions[callee].name().to_string());
                witnesses[callee] = Some(witness);
                queue.push_back(callee);
            }
        }
    }
    witnesses
}
