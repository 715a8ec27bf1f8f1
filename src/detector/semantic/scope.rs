//! What one function binds: its `global` and `nonlocal` declarations and its local names.
//!
//! Filled by the walk over the function's statements in [`super::body`], so a function body is
//! walked once for its scope, its calls and its statements.

use rustc_hash::FxHashSet;

use ruff_python_ast::{Expr, ExprContext, Stmt, StmtFunctionDef};

/// The names a function declares `global` or `nonlocal` and the names it binds locally.
#[derive(Debug, Default)]
pub struct FunctionScope<'a> {
    pub globals: FxHashSet<&'a str>,
    pub nonlocals: FxHashSet<&'a str>,
    locals: FxHashSet<&'a str>,
    /// Local names bound by an `import` in the function.
    pub imports: FxHashSet<&'a str>,
}

impl<'a> FunctionScope<'a> {
    /// Whether `name` is bound in this function (a parameter or an assignment), not `global`
    /// or `nonlocal`.
    pub fn is_local(&self, name: &str) -> bool {
        self.locals.contains(name)
    }

    /// A scope holding the function's parameters, to which its statements are added.
    pub(super) fn with_parameters(def: &'a StmtFunctionDef) -> Self {
        let mut scope = Self::default();
        for parameter in def.parameters.iter() {
            scope.locals.insert(parameter.name().as_str());
        }
        scope
    }

    /// Records what a statement of the function binds by itself: declarations, nested `def`
    /// and `class` names, imports. Names stored by its expressions come through
    /// [`Self::bind_expression`].
    pub(super) fn bind_statement(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Global(global) => {
                for name in &global.names {
                    self.globals.insert(name.as_str());
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    self.nonlocals.insert(name.as_str());
                }
            }
            Stmt::FunctionDef(def) => {
                self.locals.insert(def.name.as_str());
            }
            Stmt::ClassDef(class) => {
                self.locals.insert(class.name.as_str());
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let local = match &alias.asname {
                        Some(asname) => asname.as_str(),
                        None => alias.name.as_str().split('.').next().unwrap_or_default(),
                    };
                    self.locals.insert(local);
                    self.imports.insert(local);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.locals.insert(local.as_str());
                    self.imports.insert(local.as_str());
                }
            }
            _ => {}
        }
    }

    /// Records a name an expression of the function's own scope stores (not one inside a
    /// lambda or comprehension, which have scopes of their own).
    pub(super) fn bind_expression(&mut self, expr: &'a Expr) {
        if let Expr::Name(name) = expr
            && name.ctx == ExprContext::Store
        {
            self.locals.insert(name.id.as_str());
        }
    }

    /// Declarations win over assignments: `global n; n = 1` does not make `n` local.
    pub(super) fn finish(&mut self) {
        for name in self.globals.iter().chain(&self.nonlocals) {
            self.locals.remove(name);
        }
    }
}
