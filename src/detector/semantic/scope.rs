//! What one function binds: its `global` declarations and its local names.

use rustc_hash::FxHashSet;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext, Stmt, StmtFunctionDef};

/// The names a function declares `global` and the names it binds locally.
#[derive(Debug, Default)]
pub struct FunctionScope<'a> {
    pub globals: FxHashSet<&'a str>,
    pub nonlocals: FxHashSet<&'a str>,
    locals: FxHashSet<&'a str>,
}

impl<'a> FunctionScope<'a> {
    pub fn new(def: &'a StmtFunctionDef) -> Self {
        let mut scope = Self::default();
        for parameter in def.parameters.iter() {
            scope.locals.insert(parameter.name().as_str());
        }
        let mut collector = Bindings { scope: &mut scope };
        collector.visit_body(&def.body);
        for name in scope.globals.iter().chain(&scope.nonlocals) {
            scope.locals.remove(name);
        }
        scope
    }

    /// Whether `name` in this function refers to a module-level name rather than a local one.
    pub fn refers_to_module_scope(&self, name: &str) -> bool {
        self.globals.contains(name)
            || (!self.locals.contains(name) && !self.nonlocals.contains(name))
    }

    /// Whether `name` is bound in this function (a parameter or an assignment), not `global`
    /// or `nonlocal`.
    pub fn is_local(&self, name: &str) -> bool {
        self.locals.contains(name)
    }
}

/// Walks a function body, not the bodies of the functions and classes nested in it.
struct Bindings<'s, 'a> {
    scope: &'s mut FunctionScope<'a>,
}

impl<'a> Visitor<'a> for Bindings<'_, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Global(global) => {
                for name in &global.names {
                    self.scope.globals.insert(name.as_str());
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    self.scope.nonlocals.insert(name.as_str());
                }
            }
            Stmt::FunctionDef(def) => {
                self.scope.locals.insert(def.name.as_str());
            }
            Stmt::ClassDef(class) => {
                self.scope.locals.insert(class.name.as_str());
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let local = match &alias.asname {
                        Some(asname) => asname.as_str(),
                        None => alias.name.as_str().split('.').next().unwrap_or_default(),
                    };
                    self.scope.locals.insert(local);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.scope.locals.insert(local.as_str());
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) if name.ctx == ExprContext::Store => {
                self.scope.locals.insert(name.id.as_str());
            }
            // Names bound inside these belong to their own scope.
            Expr::Lambda(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
            | Expr::Generator(_) => return,
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}
