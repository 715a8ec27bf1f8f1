//! A function's own statements, walked once: which lock guards each one, which calls it makes,
//! what it reads and writes back. The model (where containers change) and the statement rules
//! both read them, so no rule walks a body or collects its calls again.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef};

use super::FunctionScope;
use crate::detector::helpers::{ReadModifyWrites, Update, push_own_expressions, walk_guarded};

/// The statements of one function and the names it binds.
#[derive(Debug)]
pub struct FunctionBody<'a> {
    pub scope: FunctionScope<'a>,
    statements: Vec<StatementFacts<'a>>,
    /// The expressions of every statement, one run after another (see [`StatementFacts`]).
    expressions: Vec<&'a Expr>,
    /// The calls of every statement, one run after another.
    calls: Vec<&'a ExprCall>,
    /// The expressions that may hold a lock around each statement, one run after another.
    guards: Vec<&'a Expr>,
}

#[derive(Debug)]
struct StatementFacts<'a> {
    stmt: &'a Stmt,
    /// Set once the model knows which guards are locks ([`FunctionBody::resolve_locks`]).
    guarded: bool,
    /// Where this statement's guards end in [`FunctionBody`]'s list.
    guards_end: usize,
    update: Option<Update<'a>>,
    /// Where this statement's expressions and calls end in [`FunctionBody`]'s lists; they
    /// start where the previous statement's end.
    expressions_end: usize,
    calls_end: usize,
}

/// One statement of a function body as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct Statement<'a, 'b> {
    pub stmt: &'a Stmt,
    /// Whether a shared lock is held around it (`with lock:`, `acquire()` ... `release()`,
    /// `try:` ... `finally: lock.release()`, `if lock.acquire(...):`).
    pub guarded: bool,
    /// The expressions held around it that are locks, outermost first.
    pub locks: &'b [&'a Expr],
    /// The expressions the statement holds itself: the test of an `if`, the iterable of a
    /// `for`, every expression of a simple statement; not those of the blocks nested in it.
    pub expressions: &'b [&'a Expr],
    /// The calls the statement makes itself, not those of the blocks nested in it or of lambdas.
    pub calls: &'b [&'a ExprCall],
    /// The state the statement writes back from its own earlier value (`t += v`,
    /// `t = t + 1`, `n = t` ... `t = n + 1`); see [`ReadModifyWrites`].
    pub update: Option<Update<'a>>,
}

impl<'a> Statement<'a, '_> {
    /// The names the statement calls one of `methods` on (`n.append(x)` for `append`).
    pub fn method_receivers<'s>(
        &'s self,
        methods: &'s [&str],
    ) -> impl Iterator<Item = &'a str> + 's {
        self.calls
            .iter()
            .filter_map(|call| match call.func.as_ref() {
                Expr::Attribute(method) if methods.contains(&method.attr.as_str()) => {
                    match method.value.as_ref() {
                        Expr::Name(name) => Some(name.id.as_str()),
                        _ => None,
                    }
                }
                _ => None,
            })
    }
}

impl<'a> FunctionBody<'a> {
    pub fn new(def: &'a StmtFunctionDef) -> Self {
        let mut statements = Vec::new();
        let mut expressions = Vec::new();
        let mut held = Vec::new();
        let mut scan = ExpressionScan {
            scope: FunctionScope::with_parameters(def),
            calls: Vec::new(),
            nested_scopes: 0,
            collect_calls: true,
        };
        let mut updates = ReadModifyWrites::default();
        walk_guarded(&def.body, &mut Vec::new(), &mut |stmt, guards| {
            held.extend_from_slice(guards);
            scan.scope.bind_statement(stmt);
            let expressions_start = expressions.len();
            push_own_expressions(stmt, &mut expressions);
            scan.collect_calls = true;
            for expr in &expressions[expressions_start..] {
                scan.visit_expr(expr);
            }
            // Expressions that bind names but are not the statement's own for the rules.
            scan.collect_calls = false;
            for expr in binding_only_expressions(stmt) {
                scan.visit_expr(expr);
            }
            statements.push(StatementFacts {
                stmt,
                guarded: false,
                guards_end: held.len(),
                update: updates.next(stmt),
                expressions_end: expressions.len(),
                calls_end: scan.calls.len(),
            });
        });
        scan.scope.finish();
        Self {
            scope: scan.scope,
            statements,
            expressions,
            calls: scan.calls,
            guards: held,
        }
    }

    /// Keeps, of the expressions held around each statement, those that are locks.
    pub(super) fn resolve_locks(&mut self, is_lock: impl Fn(&Expr) -> bool) {
        let mut kept = Vec::new();
        let mut start = 0;
        for facts in &mut self.statements {
            let before = kept.len();
            kept.extend(
                self.guards[start..facts.guards_end]
                    .iter()
                    .copied()
                    .filter(|guard| is_lock(guard)),
            );
            start = facts.guards_end;
            facts.guarded = kept.len() > before;
            facts.guards_end = kept.len();
        }
        self.guards = kept;
    }

    /// The function's own statements in source order, those of nested blocks included.
    pub fn statements(&self) -> impl Iterator<Item = Statement<'a, '_>> {
        let (mut expressions_start, mut calls_start, mut guards_start) = (0, 0, 0);
        self.statements.iter().map(move |facts| {
            let expressions = &self.expressions[expressions_start..facts.expressions_end];
            let calls = &self.calls[calls_start..facts.calls_end];
            let locks = &self.guards[guards_start..facts.guards_end];
            expressions_start = facts.expressions_end;
            calls_start = facts.calls_end;
            guards_start = facts.guards_end;
            Statement {
                stmt: facts.stmt,
                guarded: facts.guarded,
                locks,
                expressions,
                calls,
                update: facts.update,
            }
        })
    }
}

/// One walk over a statement's expressions: the calls it makes (outermost first, not those in
/// lambdas, which run later and maybe elsewhere) and the names it stores in the function's scope
/// (not those bound inside lambdas and comprehensions, which have scopes of their own).
struct ExpressionScan<'a> {
    scope: FunctionScope<'a>,
    calls: Vec<&'a ExprCall>,
    /// Comprehensions entered: the names they bind are theirs.
    nested_scopes: u32,
    collect_calls: bool,
}

impl<'a> Visitor<'a> for ExpressionScan<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                if self.collect_calls {
                    self.calls.push(call);
                }
                visitor::walk_expr(self, expr);
            }
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                self.nested_scopes += 1;
                visitor::walk_expr(self, expr);
                self.nested_scopes -= 1;
            }
            _ => {
                if self.nested_scopes == 0 {
                    self.scope.bind_expression(expr);
                }
                visitor::walk_expr(self, expr);
            }
        }
    }
}

/// The expressions of a statement, besides its own (see [`push_own_expressions`]), where a
/// name can be stored: a `for` target, `with ... as` targets, `case` guards, the name of a
/// `type` alias.
fn binding_only_expressions(stmt: &Stmt) -> Vec<&Expr> {
    match stmt {
        Stmt::For(for_stmt) => vec![&for_stmt.target],
        Stmt::With(with) => with
            .items
            .iter()
            .filter_map(|item| item.optional_vars.as_deref())
            .collect(),
        Stmt::Match(match_stmt) => match_stmt
            .cases
            .iter()
            .filter_map(|case| case.guard.as_deref())
            .collect(),
        Stmt::TypeAlias(alias) => vec![&alias.name],
        _ => Vec::new(),
    }
}
