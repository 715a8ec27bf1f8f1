//! Small AST queries shared by rules.

use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{ExceptHandler, Expr, ExprCall, ExprContext, Stmt, StmtTry};
use ruff_text_size::{Ranged, TextRange};

use super::semantic::SemanticModel;
use super::semantic::vocabulary::COPYING;

/// Visits the statements of a body and of the blocks nested in it, but not nested functions or
/// classes, with whether a lock is held around each one (see [`walk_guarded`]).
pub fn walk_statements<'a>(
    body: &'a [Stmt],
    model: &SemanticModel,
    guarded: bool,
    on_statement: &mut dyn FnMut(&'a Stmt, bool),
) {
    walk_guarded(body, &mut Vec::new(), &mut |stmt, guards| {
        on_statement(
            stmt,
            guarded || guards.iter().any(|guard| model.is_lock(guard)),
        )
    });
}

/// Visits the statements of a body and of the blocks nested in it, but not nested functions or
/// classes, with the expressions that may hold a lock around each one: the items of `with`, the
/// receiver of `x.acquire()` up to `x.release()` in the same block, of a `finally:` that calls
/// `x.release()`, and of `if x.acquire(...):`. Which of them are locks is the model's to say.
pub fn walk_guarded<'a>(
    body: &'a [Stmt],
    guards: &mut Vec<&'a Expr>,
    on_statement: &mut dyn FnMut(&'a Stmt, &[&'a Expr]),
) {
    let outer = guards.len();
    for stmt in body {
        if let Some(released) = lock_call(stmt, "release")
            && let Some(at) = guards[outer..]
                .iter()
                .rposition(|held| ComparableExpr::from(*held) == ComparableExpr::from(released))
        {
            guards.remove(outer + at);
        }
        on_statement(stmt, guards);
        match stmt {
            Stmt::If(if_stmt) => {
                let acquired = acquiring_test(&if_stmt.test);
                guards.extend(acquired);
                walk_guarded(&if_stmt.body, guards, on_statement);
                if acquired.is_some() {
                    guards.pop();
                }
                for clause in &if_stmt.elif_else_clauses {
                    walk_guarded(&clause.body, guards, on_statement);
                }
            }
            Stmt::For(for_stmt) => {
                walk_guarded(&for_stmt.body, guards, on_statement);
                walk_guarded(&for_stmt.orelse, guards, on_statement);
            }
            Stmt::While(while_stmt) => {
                walk_guarded(&while_stmt.body, guards, on_statement);
                walk_guarded(&while_stmt.orelse, guards, on_statement);
            }
            Stmt::Try(try_stmt) => {
                let before = guards.len();
                guards.extend(
                    try_stmt
                        .finalbody
                        .iter()
                        .filter_map(|stmt| lock_call(stmt, "release")),
                );
                walk_guarded(&try_stmt.body, guards, on_statement);
                for handler in &try_stmt.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    walk_guarded(&handler.body, guards, on_statement);
                }
                walk_guarded(&try_stmt.orelse, guards, on_statement);
                guards.truncate(before);
                walk_guarded(&try_stmt.finalbody, guards, on_statement);
            }
            Stmt::With(with) => {
                let before = guards.len();
                if !with.is_async {
                    guards.extend(with.items.iter().map(|item| &item.context_expr));
                }
                walk_guarded(&with.body, guards, on_statement);
                guards.truncate(before);
            }
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    walk_guarded(&case.body, guards, on_statement);
                }
            }
            _ => {}
        }
        if let Some(acquired) = lock_call(stmt, "acquire") {
            guards.push(acquired);
        } else if !matches!(stmt, Stmt::Expr(_)) && guards.len() > outer {
            // A compound statement that releases a lock this block acquired (`try: ...
            // finally: lock.release()`) ends the guarded stretch.
            let held: Vec<ComparableExpr> = guards[outer..]
                .iter()
                .map(|guard| ComparableExpr::from(*guard))
                .collect();
            let mut released = vec![false; held.len()];
            ruff_python_ast::helpers::any_over_body(std::slice::from_ref(stmt), |expr| {
                if let Expr::Call(call) = expr
                    && let Some(receiver) = method_receiver(call, "release")
                {
                    let receiver = ComparableExpr::from(receiver);
                    for (index, guard) in held.iter().enumerate() {
                        released[index] |= *guard == receiver;
                    }
                }
                false
            });
            let mut index = 0;
            guards.retain(|_| {
                let keep = index < outer || !released[index - outer];
                index += 1;
                keep
            });
        }
    }
    guards.truncate(outer);
}

/// `x` of a statement `x.acquire(...)` / `x.release()` (by `method`).
fn lock_call<'a>(stmt: &'a Stmt, method: &str) -> Option<&'a Expr> {
    let Stmt::Expr(expr) = stmt else { return None };
    let Expr::Call(call) = expr.value.as_ref() else {
        return None;
    };
    method_receiver(call, method)
}

/// `x` of `if x.acquire(...):` (also `blocking=False`, `timeout=...`).
fn acquiring_test(test: &Expr) -> Option<&Expr> {
    let Expr::Call(call) = test else { return None };
    method_receiver(call, "acquire")
}

/// The first line of a statement's text, for messages that quote it.
pub fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// Whether `expr` contains an expression equal to `wanted` (ignoring formatting), such as
/// `type(self).n` inside `type(self).n + 1`.
pub fn contains_expr(expr: &Expr, wanted: &Expr) -> bool {
    // Building a ComparableExpr allocates: compare only nodes of the wanted kind. Every
    // assignment goes through here, so this is on the hot path.
    let kind = std::mem::discriminant(wanted);
    let wanted = ComparableExpr::from(wanted);
    ruff_python_ast::helpers::any_over_expr(expr, |inner| {
        std::mem::discriminant(inner) == kind && ComparableExpr::from(inner) == wanted
    })
}

/// Appends the expressions a statement holds itself, not those of the statements nested in it (which
/// the walk visits on their own): the test of an `if`, the iterable of a `for`, the items of a
/// `with`, and every expression of a simple statement.
pub fn push_own_expressions<'a>(stmt: &'a Stmt, out: &mut Vec<&'a Expr>) {
    match stmt {
        Stmt::Expr(expr) => out.push(&expr.value),
        Stmt::Assign(assign) => {
            out.push(&assign.value);
            out.extend(&assign.targets);
        }
        Stmt::AugAssign(assign) => out.extend([&*assign.target, &*assign.value]),
        Stmt::AnnAssign(assign) => {
            out.push(&assign.target);
            out.extend(assign.value.as_deref());
        }
        Stmt::Return(ret) => out.extend(ret.value.as_deref()),
        Stmt::Delete(delete) => out.extend(&delete.targets),
        Stmt::If(if_stmt) => {
            out.push(&if_stmt.test);
            out.extend(
                if_stmt
                    .elif_else_clauses
                    .iter()
                    .filter_map(|clause| clause.test.as_ref()),
            );
        }
        Stmt::While(while_stmt) => out.push(&while_stmt.test),
        Stmt::For(for_stmt) => out.push(&for_stmt.iter),
        Stmt::With(with) => out.extend(with.items.iter().map(|item| &item.context_expr)),
        Stmt::Match(match_stmt) => out.push(&match_stmt.subject),
        Stmt::Raise(raise) => out.extend(raise.exc.as_deref()),
        Stmt::Assert(assert) => {
            out.push(&assert.test);
            out.extend(assert.msg.as_deref());
        }
        _ => {}
    }
}

/// `n` in `n[k]`.
pub fn subscripted_name(target: &Expr) -> Option<&str> {
    match target {
        Expr::Subscript(subscript) => match subscript.value.as_ref() {
            Expr::Name(name) => Some(name.id.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// `receiver.method(...)`: the receiver, if the call is to a method named `method`.
pub fn method_receiver<'a>(call: &'a ExprCall, method: &str) -> Option<&'a Expr> {
    match call.func.as_ref() {
        Expr::Attribute(attribute) if attribute.attr.as_str() == method => Some(&attribute.value),
        _ => None,
    }
}

/// A statement that writes state back computed from (or decided by) its own earlier value.
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    /// What is written: `t` in `t += v`, `t = t + 1`, `d[k] = d.get(k, 0) + 1`.
    pub target: &'a Expr,
    /// Where `t` was read when that is not the writing statement itself: the assignment of the
    /// local carrying it (`n = self.count` before `self.count = n + 1`), or the `if` whose
    /// ordering test read it (`if x > self.best: self.best = x`).
    pub read_at: Option<TextRange>,
}

impl Update<'_> {
    /// Whether the read and the write are two statements apart.
    pub fn is_split(self) -> bool {
        self.read_at.is_some()
    }
}

/// Finds the read-modify-writes of one function, fed its statements in the order
/// [`walk_guarded`] visits them. Besides `t += v` and `t = <expression reading t>`, a read and
/// its write may sit in two statements, with other threads free to write `t` in between:
/// through a local (`n = cls.next_id` ... `cls.next_id = n + 1`) or as an `if` that compares
/// `t` and then replaces it (`if x > self.best: self.best = x`).
#[derive(Default)]
pub struct ReadModifyWrites<'a> {
    /// Locals and the value of their latest assignment, with where it was made.
    locals: rustc_hash::FxHashMap<&'a str, (&'a Expr, TextRange)>,
    /// The enclosing `if` statements whose test compares with `<`, `<=`, `>` or `>=`.
    comparisons: Vec<&'a ruff_python_ast::StmtIf>,
}

impl<'a> ReadModifyWrites<'a> {
    /// The update `stmt` makes, if any. Call it for every statement of the function, in order.
    pub fn next(&mut self, stmt: &'a Stmt) -> Option<Update<'a>> {
        let range = stmt.range();
        while self
            .comparisons
            .last()
            .is_some_and(|outer| !outer.range.contains_range(range))
        {
            self.comparisons.pop();
        }
        let update = self.find(stmt);
        self.record(stmt);
        update
    }

    fn find(&self, stmt: &'a Stmt) -> Option<Update<'a>> {
        let (target, value) = match stmt {
            Stmt::AugAssign(assign) => (&*assign.target, None),
            Stmt::Assign(assign) => match assign.targets.as_slice() {
                [target] => (target, Some(&*assign.value)),
                _ => return None,
            },
            _ => return None,
        };
        if !matches!(
            target,
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_)
        ) {
            return None;
        }
        // Decided by an earlier comparison (`if self.tokens > 0: self.tokens -= 1`): that read
        // belongs to the update too.
        if let Some(compared) = self
            .comparisons
            .iter()
            .rev()
            .find(|test| compares_with(&test.test, target))
        {
            return Some(Update {
                target,
                read_at: Some(compared.test.range()),
            });
        }
        let Some(value) = value else {
            return Some(Update {
                target,
                read_at: None,
            });
        };
        if reads_state(value, target) {
            return Some(Update {
                target,
                read_at: None,
            });
        }
        if self.locals.is_empty() {
            return None;
        }
        let read = names_read(value);
        let at = read.iter().find_map(|&local| {
            let &(earlier, at) = self.locals.get(local)?;
            let carries = !matches!(target, Expr::Name(name) if name.id == local)
                && reads_state(earlier, target)
                && !restores(value, local, earlier, target);
            carries.then_some(at)
        })?;
        Some(Update {
            target,
            read_at: Some(at),
        })
    }

    fn record(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.forget_names_in(target);
                }
                if let [Expr::Name(local)] = assign.targets.as_slice() {
                    self.locals
                        .insert(local.id.as_str(), (&assign.value, stmt.range()));
                }
            }
            Stmt::For(for_stmt) => self.forget_names_in(&for_stmt.target),
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(target) = &item.optional_vars {
                        self.forget_names_in(target);
                    }
                }
            }
            Stmt::If(if_stmt) if has_ordering_comparison(&if_stmt.test) => {
                self.comparisons.push(if_stmt);
            }
            _ => {}
        }
    }

    fn forget_names_in(&mut self, target: &Expr) {
        if self.locals.is_empty() {
            return;
        }
        if let Expr::Name(name) = target {
            self.locals.remove(name.id.as_str());
            return;
        }
        ruff_python_ast::helpers::any_over_expr(target, |expr| {
            if let Expr::Name(name) = expr {
                self.locals.remove(name.id.as_str());
            }
            false
        });
    }
}

/// The names an expression reads, in the order they appear.
fn names_read(expr: &Expr) -> Vec<&str> {
    struct Names<'a>(Vec<&'a str>);
    impl<'a> Visitor<'a> for Names<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Name(name) if name.ctx == ExprContext::Load => self.0.push(name.id.as_str()),
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut names = Names(Vec::new());
    names.visit_expr(expr);
    names.0
}

/// Whether `target = value` puts back what `local = earlier` saved (`old = self.policy` ...
/// `self.policy = old`): a restore, not an update.
fn restores(value: &Expr, local: &str, earlier: &Expr, target: &Expr) -> bool {
    let target = ComparableExpr::from(target);
    let saved = match earlier {
        // `dict(t)`, `list(t)`, `copy.copy(t)`, `t.copy()`: a copy saved to be put back.
        Expr::Call(call) => match (call.func.as_ref(), &*call.arguments.args) {
            (Expr::Attribute(method), []) if method.attr.as_str() == "copy" => &method.value,
            (Expr::Name(_) | Expr::Attribute(_), [copied]) if is_copy(&call.func) => copied,
            _ => earlier,
        },
        _ => earlier,
    };
    matches!(value, Expr::Name(name) if name.id == local) && ComparableExpr::from(saved) == target
}

fn is_copy(function: &Expr) -> bool {
    match function {
        Expr::Name(name) => COPYING.contains(&name.id.as_str()),
        Expr::Attribute(attribute) => matches!(attribute.attr.as_str(), "copy" | "deepcopy"),
        _ => false,
    }
}

/// Whether `value` reads the state `target` writes: `t` itself, or for `c[k]` also
/// `c.get(k, ...)`.
fn reads_state(value: &Expr, target: &Expr) -> bool {
    if contains_expr(value, target) {
        return true;
    }
    let Expr::Subscript(item) = target else {
        return false;
    };
    let container = ComparableExpr::from(&item.value);
    let key = ComparableExpr::from(&item.slice);
    ruff_python_ast::helpers::any_over_expr(value, |expr| {
        let Expr::Call(call) = expr else { return false };
        let Expr::Attribute(method) = call.func.as_ref() else {
            return false;
        };
        method.attr.as_str() == "get"
            && ComparableExpr::from(&method.value) == container
            && call
                .arguments
                .find_positional(0)
                .is_some_and(|first| ComparableExpr::from(first) == key)
    })
}

fn is_ordering(op: &ruff_python_ast::CmpOp) -> bool {
    use ruff_python_ast::CmpOp;
    matches!(op, CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE)
}

fn has_ordering_comparison(test: &Expr) -> bool {
    ruff_python_ast::helpers::any_over_expr(
        test,
        |expr| matches!(expr, Expr::Compare(compare) if compare.ops.iter().any(is_ordering)),
    )
}

/// Whether `test` compares `state` with `<`, `<=`, `>` or `>=`.
fn compares_with(test: &Expr, state: &Expr) -> bool {
    let state = ComparableExpr::from(state);
    ruff_python_ast::helpers::any_over_expr(test, |expr| {
        let Expr::Compare(compare) = expr else {
            return false;
        };
        compare.ops.iter().any(is_ordering)
            && std::iter::once(&*compare.left)
                .chain(&compare.comparators)
                .any(|operand| ComparableExpr::from(operand) == state)
    })
}

/// How many items a literal iterable holds: `range(...)` with integer literals, a list or a
/// tuple display. `None` when the code does not make it plain.
pub fn literal_length(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::List(list) => Some(list.elts.len() as u64),
        Expr::Tuple(tuple) => Some(tuple.elts.len() as u64),
        Expr::Call(call)
            if matches!(&*call.func, Expr::Name(name) if name.id == "range")
                && call.arguments.keywords.is_empty() =>
        {
            let numbers: Option<Vec<i64>> = call.arguments.args.iter().map(int_literal).collect();
            let (start, stop, step) = match numbers?.as_slice() {
                [stop] => (0, *stop, 1),
                [start, stop] => (*start, *stop, 1),
                [start, stop, step] if *step != 0 => (*start, *stop, *step),
                _ => return None,
            };
            let span = if step > 0 {
                i128::from(stop) - i128::from(start)
            } else {
                i128::from(start) - i128::from(stop)
            };
            let step = i128::from(step).abs();
            u64::try_from(((span + step - 1) / step).max(0)).ok()
        }
        _ => None,
    }
}

/// An integer written as literals, `-`, `+`, `*` and `**` (`10_000`, `10**6`, `4 * 1024`),
/// when it fits an `i64`.
pub fn int_literal(expr: &Expr) -> Option<i64> {
    use ruff_python_ast::Operator;
    match expr {
        Expr::NumberLiteral(literal) => match &literal.value {
            ruff_python_ast::Number::Int(int) => int.as_i64(),
            _ => None,
        },
        Expr::UnaryOp(unary) if unary.op == ruff_python_ast::UnaryOp::USub => {
            int_literal(&unary.operand).and_then(i64::checked_neg)
        }
        Expr::BinOp(binary) => {
            let (left, right) = (int_literal(&binary.left)?, int_literal(&binary.right)?);
            match binary.op {
                Operator::Add => left.checked_add(right),
                Operator::Sub => left.checked_sub(right),
                Operator::Mult => left.checked_mul(right),
                Operator::Pow => left.checked_pow(u32::try_from(right).ok()?),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The statements before and after `target` in the block that holds it, searching `body` and
/// the blocks nested in it (not nested functions or classes).
pub fn siblings<'a>(body: &'a [Stmt], target: &Stmt) -> Option<(&'a [Stmt], &'a [Stmt])> {
    let (block, index) = block_of(body, target)?;
    Some((&block[..index], &block[index + 1..]))
}

/// The block that holds `target` and its index there, searching `body` and the blocks nested in
/// it (not nested functions or classes). A block's statements are in source order, so each level
/// is a binary search.
pub fn block_of<'a>(body: &'a [Stmt], target: &Stmt) -> Option<(&'a [Stmt], usize)> {
    let index = body.partition_point(|stmt| stmt.end() <= target.start());
    let stmt = body.get(index)?;
    if std::ptr::eq(stmt, target) {
        return Some((body, index));
    }
    if !stmt.range().contains_range(target.range()) {
        return None;
    }
    nested_blocks(stmt)
        .into_iter()
        .find_map(|inner| block_of(inner, target))
}

/// The statement spanning exactly `range` in `body` or the blocks nested in it (not nested
/// functions or classes), found as `block_of` finds a block.
pub fn statement_with_range(body: &[Stmt], range: TextRange) -> Option<&Stmt> {
    let index = body.partition_point(|stmt| stmt.end() <= range.start());
    let stmt = body.get(index)?;
    if stmt.range() == range {
        return Some(stmt);
    }
    if !stmt.range().contains_range(range) {
        return None;
    }
    nested_blocks(stmt)
        .into_iter()
        .find_map(|inner| statement_with_range(inner, range))
}

/// The blocks a compound statement holds (not the bodies of functions and classes).
pub fn nested_blocks(stmt: &Stmt) -> Vec<&[Stmt]> {
    match stmt {
        Stmt::If(if_stmt) => std::iter::once(if_stmt.body.as_slice())
            .chain(if_stmt.elif_else_clauses.iter().map(|c| c.body.as_slice()))
            .collect(),
        Stmt::For(for_stmt) => vec![&for_stmt.body, &for_stmt.orelse],
        Stmt::While(while_stmt) => vec![&while_stmt.body, &while_stmt.orelse],
        Stmt::With(with) => vec![&with.body],
        Stmt::Try(try_stmt) => {
            let mut bodies = vec![try_stmt.body.as_slice()];
            for handler in &try_stmt.handlers {
                let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                bodies.push(&handler.body);
            }
            bodies.push(&try_stmt.orelse);
            bodies.push(&try_stmt.finalbody);
            bodies
        }
        Stmt::Match(match_stmt) => match_stmt.cases.iter().map(|c| c.body.as_slice()).collect(),
        _ => Vec::new(),
    }
}

/// Whether a handler of `try_stmt` takes what a removal raises when another thread got there
/// first (a bare `except` too).
pub fn handles_lost_race(try_stmt: &StmtTry) -> bool {
    const RACE_ERRORS: &[&str] = &[
        "KeyError",
        "IndexError",
        "LookupError",
        "ValueError",
        "RuntimeError",
        "StopIteration",
        "Exception",
        "BaseException",
    ];
    let names = |expr: &Expr| match expr {
        Expr::Name(name) => RACE_ERRORS.contains(&name.id.as_str()),
        _ => false,
    };
    try_stmt.handlers.iter().any(|handler| {
        let ExceptHandler::ExceptHandler(handler) = handler;
        match handler.type_.as_deref() {
            None => true,
            Some(Expr::Tuple(tuple)) => tuple.iter().any(names),
            Some(expr) => names(expr),
        }
    })
}

/// Whether the statement spanning `range` runs in the body of a `try` (in `body` or the blocks
/// nested in it) whose handler takes what a lost race raises: code that expects another thread
/// to have got there first.
pub fn expects_lost_race(body: &[Stmt], range: TextRange) -> bool {
    let index = body.partition_point(|stmt| stmt.end() <= range.start());
    let Some(stmt) = body.get(index) else {
        return false;
    };
    if stmt.range() == range || !stmt.range().contains_range(range) {
        return false;
    }
    if let Stmt::Try(try_stmt) = stmt
        && handles_lost_race(try_stmt)
        && try_stmt
            .body
            .iter()
            .any(|inner| inner.range().contains_range(range))
    {
        return true;
    }
    nested_blocks(stmt)
        .into_iter()
        .any(|inner| expects_lost_race(inner, range))
}

/// Whether a block always leaves it: ends with `return`, `raise`, `continue` or `break`.
pub fn exits(body: &[Stmt]) -> bool {
    matches!(
        body.last(),
        Some(Stmt::Return(_) | Stmt::Raise(_) | Stmt::Continue(_) | Stmt::Break(_))
    )
}
