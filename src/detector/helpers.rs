//! Small AST queries shared by rules.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext, Stmt};

use super::semantic::SemanticModel;

/// Whether `expr` reads the variable `name` anywhere inside it.
pub fn reads_name(expr: &Expr, name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Name(found) if found.ctx == ExprContext::Load && found.id == self.name => {
                    self.found = true;
                }
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder { name, found: false };
    finder.visit_expr(expr);
    finder.found
}

/// Visits the statements of a body and of the blocks nested in it, but not nested functions or
/// classes, with whether a `with <lock>:` block encloses each one.
pub fn walk_statements<'a>(
    body: &'a [Stmt],
    model: &SemanticModel,
    guarded: bool,
    on_statement: &mut dyn FnMut(&'a Stmt, bool),
) {
    for stmt in body {
        on_statement(stmt, guarded);
        match stmt {
            Stmt::If(if_stmt) => {
                walk_statements(&if_stmt.body, model, guarded, on_statement);
                for clause in &if_stmt.elif_else_clauses {
                    walk_statements(&clause.body, model, guarded, on_statement);
                }
            }
            Stmt::For(for_stmt) => {
                walk_statements(&for_stmt.body, model, guarded, on_statement);
                walk_statements(&for_stmt.orelse, model, guarded, on_statement);
            }
            Stmt::While(while_stmt) => {
                walk_statements(&while_stmt.body, model, guarded, on_statement);
                walk_statements(&while_stmt.orelse, model, guarded, on_statement);
            }
            Stmt::Try(try_stmt) => {
                walk_statements(&try_stmt.body, model, guarded, on_statement);
                for handler in &try_stmt.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    walk_statements(&handler.body, model, guarded, on_statement);
                }
                walk_statements(&try_stmt.orelse, model, guarded, on_statement);
                walk_statements(&try_stmt.finalbody, model, guarded, on_statement);
            }
            Stmt::With(with) => {
                walk_statements(
                    &with.body,
                    model,
                    guarded || model.holds_lock(with),
                    on_statement,
                );
            }
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    walk_statements(&case.body, model, guarded, on_statement);
                }
            }
            _ => {}
        }
    }
}
