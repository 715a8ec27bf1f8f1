use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::helpers::any_over_expr;
use ruff_python_ast::{CmpOp, Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext, Place, Race};
use crate::detector::fix::edits::{
    evaluates_plainly, has_comment, replacement, stands_alone, through_parameter,
};
use crate::detector::fix::locks::{Request, lock_fix};
use crate::detector::helpers::{
    block_of, contains_expr, exits, first_line, handles_lost_race, push_own_expressions, siblings,
    walk_statements,
};
use crate::detector::semantic::Statement;
use crate::detector::semantic::flow::{Container, ObjectKind};
use crate::detector::semantic::sharing::{AccessKind, Owner};
use crate::detector::semantic::vocabulary::{first_argument_access, method_access};
use crate::detector::{Applicability, Fix};

declare_rule! {
    /// ## What it does
    /// Finds a test on shared state followed by an act that relies on it, with no lock held
    /// across both, when another thread can change the state in between:
    /// - check-then-insert: `if key not in cache: cache[key] = ...`, `if len(q) < n: q.append(x)`;
    /// - check-then-remove or reorder: `if items: items.pop()`, `while queue: queue.pop(0)`,
    ///   `if k in d: d.move_to_end(k)` (an LRU cache another thread evicts from);
    /// - check-then-read: `if key in sessions: return sessions[key]` while another thread
    ///   deletes keys (`KeyError`);
    /// - check-then-write of a value: `if self.tokens >= 1: self.tokens -= 1`;
    /// - a check kept in a local and acted on later, even one made under the lock:
    ///   `with lock: ready = len(q) > 0` then `if ready: q.pop()` after the lock is released.
    ///
    /// The container or value is shared however threads reach it: a module-level name, an
    /// attribute of a shared object, an argument every thread gets. Only a change that can
    /// break the check counts: an insertion after a test for absence, a removal after a test
    /// for presence, a write after a test of a value.
    ///
    /// ## Why is this bad?
    /// Each operation on a built-in container is atomic on the free-threaded build, but the pair
    /// is not: another thread can insert, remove or empty the container between the check and the
    /// act. Two threads both see the key missing and both build the value (one is lost), or both
    /// see one item and the second `pop()` raises `IndexError`. The CPython documentation lists
    /// exactly these as not atomic.
    ///
    /// ## Example
    /// ```python
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// cache = {}
    ///
    /// def lookup(key):
    ///     if key not in cache:
    ///         cache[key] = expensive(key)
    ///     return cache[key]
    ///
    /// with ThreadPoolExecutor() as pool:
    ///     list(pool.map(lookup, ["a", "b", "a"]))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// cache = {}
    /// cache_lock = threading.Lock()
    ///
    /// def lookup(key):
    ///     with cache_lock:
    ///         if key not in cache:
    ///             cache[key] = expensive(key)
    ///         return cache[key]
    ///
    /// with ThreadPoolExecutor() as pool:
    ///     list(pool.map(lookup, ["a", "b", "a"]))
    /// ```
    ///
    /// Where any winner will do, `cache.setdefault(key, value)` is one atomic operation.
    ///
    /// A removal that expects to lose the race is not reported: `del cache[key]` or
    /// `items.pop()` inside a `try` whose `except` takes the `KeyError`, `IndexError`,
    /// `ValueError` (or `RuntimeError`, `StopIteration`) another thread's change causes.
    ///
    /// ## Fix safety
    /// Where one atomic call does the same, the fix uses it, and is safe (the code does the same on
    /// one thread): `if k not in d: d[k] = v` becomes `d.setdefault(k, v)` (only when `v` is a
    /// literal, a name or an empty built-in container, which costs nothing to evaluate every time),
    /// `if k in d: del d[k]` (or `d.pop(k)`) becomes `d.pop(k, None)`, and `if x in s: s.remove(x)`
    /// becomes `s.discard(x)`, for a `dict` or `set` the analysis sees created. Otherwise the fix
    /// holds one lock around the check and the act (from the lookup `v = d.get(k)` or the test to
    /// the statement that acts) and around every change by other code that can break the check: the
    /// lock already held around other uses of the container, else the one generic lock beside it,
    /// else a new one named after it (`_cache_lock`). That fix is unsafe: review lock order and
    /// anything slow under the lock. No fix for a `while` loop, which would then run its whole body
    /// under the lock.
    ///
    /// ## References
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    pub struct CheckThenAct {
        code: "FT002",
        name: "check-then-act",
        severity: Warning,
        summary: "Check on a shared container, then a change that relies on it, without a lock",
    }
}

/// What a condition inspects.
#[derive(Clone, Copy)]
enum Check<'a> {
    /// `k in c`, `k not in c` (`absent`), `c`, `not c`, `len(c) < n`, `c[k] >= n`: the items
    /// of a container.
    Items { container: &'a Expr, absent: bool },
    /// `self.tokens >= 1`, `score > type(self).best`: a value other threads write.
    Value(&'a Expr),
}

impl Check<'_> {
    /// What the opposite condition inspects (`not c`, the code after `if c: return`): the
    /// items' presence flips; a value stays the value tested.
    fn negated(self) -> Self {
        match self {
            Check::Items { container, absent } => Check::Items {
                container,
                absent: !absent,
            },
            value => value,
        }
    }
}

/// FT002
pub(crate) fn check_then_act(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let stmt = statement.stmt;
    let (test, body) = match stmt {
        Stmt::If(if_stmt) => (if_stmt.test.as_ref(), if_stmt.body.as_slice()),
        Stmt::While(while_stmt) => (while_stmt.test.as_ref(), while_stmt.body.as_slice()),
        _ => return,
    };
    let def_body = checker.model.functions[function.id].def.body.as_slice();
    let (before, after) = siblings(def_body, stmt).unwrap_or_default();
    let Some((check, lookup)) = tested_in(test, before) else {
        return;
    };
    let (places, subject) = match &check {
        Check::Items { container, .. } => (checker.item_places(container), *container),
        Check::Value(value) => (checker.places(value), *value),
    };
    if places.is_empty() {
        return;
    }
    // The act relies on the check in the `if`'s own block; and when that block always leaves
    // (`if k in c: continue`), the rest of the enclosing block relies on the opposite check.
    let early_exit =
        matches!(stmt, Stmt::If(if_stmt) if if_stmt.elif_else_clauses.is_empty() && exits(body));
    let candidates = [
        Some((check, body, false)),
        early_exit.then_some((check.negated(), after, true)),
    ];
    let Some((check, act, acted_after, against, race, rebound)) = candidates
        .into_iter()
        .flatten()
        .find_map(|(check, block, acted_after)| {
            let (act, kind) = first_act(checker, block, &check)?;
            let against = breaks(&check, kind);
            if let Some(race) =
                checker.race_on(function, statement, &places, AccessKind::Read, against)
            {
                return Some((check, act, acted_after, against, race, false));
            }
            // Only the `if`'s own block: after an early exit the code relies on the opposite
            // check.
            if acted_after {
                return None;
            }
            let race = rebinding_race(checker, function, statement, &check, kind)?;
            Some((check, act, acted_after, against, race, true))
        })
    else {
        return;
    };
    let fix = one_call(checker, function, stmt, &check).or_else(|| {
        // A lock around the check and the act would not order the other thread's rebinding.
        if rebound {
            return None;
        }
        // The lock goes around the check and the act: from the lookup (`v = c.get(k)`) or the
        // test to the statement holding the act.
        let Stmt::If(_) = stmt else { return None };
        let (block, at) = block_of(def_body, stmt)?;
        let first = match lookup {
            Lookup::InTest => at,
            Lookup::JustBefore => at.checked_sub(1)?,
            // The lock would have to reach back to where the local was set.
            Lookup::Earlier(_) => return None,
        };
        let last = if acted_after {
            at + 1
                + after
                    .iter()
                    .position(|sibling| sibling.range().contains_range(act.range()))?
        } else {
            at
        };
        lock_fix(
            checker,
            &Request {
                function,
                statement,
                flagged: &block[first..=last],
                state: subject,
                places: &places,
                kind: AccessKind::Read,
                against,
                inner_headers: Vec::new(),
                rewrite: None,
            },
            "the check and the act",
        )
    });
    let tested = match lookup {
        Lookup::Earlier(value) => format!(
            "`{}` (`{}`, line {})",
            checker.text(test.range()),
            checker.text(value),
            checker.location(value.start()).row
        ),
        _ => format!("`{}`", checker.text(test.range())),
    };
    let message = format!(
        "{tested} then `{}`: {}, changing `{}` between the check and the act{}",
        first_line(checker.text(act.range())),
        checker.describe_race(&race),
        checker.text(subject.range()),
        checker.describe_owner(race.place),
    );
    if let Some(diagnostic) =
        checker.report_conflict(&CheckThenAct::INFO, function, test.range(), message)
    {
        diagnostic.fix = fix;
    }
}

/// The act reads the container again from an attribute (`self._entries[k]`): another thread
/// that puts a new container there in between breaks a check for presence too. (A module global
/// or a closure's cell is set once, as the module or the closure is made.)
fn rebinding_race<'s>(
    checker: &'s Checker,
    function: &FunctionContext,
    statement: &Statement,
    check: &Check,
    kind: AccessKind,
) -> Option<Race<'s>> {
    let Check::Items {
        container: container @ Expr::Attribute(_),
        absent: false,
    } = check
    else {
        return None;
    };
    if kind == AccessKind::Add {
        return None;
    }
    let holders: Vec<Place> = checker
        .places(container)
        .into_iter()
        .filter(|place| matches!(place.owner, Owner::Object(_)))
        .collect();
    checker.race_on(
        function,
        statement,
        &holders,
        AccessKind::Read,
        &[AccessKind::Write, AccessKind::Update],
    )
}

/// What breaks a check for an act of `kind`: an insert of the key for "absent", a removal for
/// "present", any write for a value.
fn breaks(check: &Check, kind: AccessKind) -> &'static [AccessKind] {
    match (check, kind) {
        (Check::Value(_), _) => &[AccessKind::Write, AccessKind::Update],
        (Check::Items { .. }, AccessKind::Add) => &[AccessKind::Add, AccessKind::Update],
        (Check::Items { .. }, AccessKind::Update) => &[
            AccessKind::Add,
            AccessKind::Update,
            AccessKind::Remove,
            AccessKind::Clear,
        ],
        (Check::Items { .. }, _) => &[AccessKind::Remove, AccessKind::Clear],
    }
}

/// The one atomic call that does what the `if` does, when there is one and it behaves the same
/// on one thread: `if k not in d: d[k] = v` is `d.setdefault(k, v)` (for a `v` that can be
/// evaluated every time), `if k in d: del d[k]` (or `d.pop(k)`) is `d.pop(k, None)`,
/// `if x in s: s.remove(x)` is `s.discard(x)`.
fn one_call(
    checker: &Checker,
    function: &FunctionContext,
    stmt: &Stmt,
    check: &Check,
) -> Option<Fix> {
    let Stmt::If(if_stmt) = stmt else { return None };
    let Check::Items { container, absent } = check else {
        return None;
    };
    let Expr::Compare(compare) = if_stmt.test.as_ref() else {
        return None;
    };
    let ([_], [tested], [act]) = (
        &*compare.ops,
        &*compare.comparators,
        if_stmt.body.as_slice(),
    ) else {
        return None;
    };
    let key = compare.left.as_ref();
    let same = |a: &Expr, b: &Expr| ComparableExpr::from(a) == ComparableExpr::from(b);
    if !if_stmt.elif_else_clauses.is_empty()
        || !same(tested, container)
        || !evaluates_plainly(checker, container)
        || !evaluates_plainly(checker, key)
        || through_parameter(checker, function.id, container)
        || !stands_alone(checker.source, stmt.range())
        || has_comment(checker, stmt.range())
    {
        return None;
    }
    let is_item = |target: &Expr| {
        matches!(target, Expr::Subscript(item)
            if same(&item.value, container) && same(&item.slice, key))
    };
    let kinds = container_kinds(checker, container);
    let (call, applies) = match act {
        Stmt::Assign(assign) if *absent => match assign.targets.as_slice() {
            [target] if is_item(target) && evaluates_plainly(checker, &assign.value) => (
                format!(
                    "{}.setdefault({}, {})",
                    checker.text(container.range()),
                    checker.text(key.range()),
                    checker.text(assign.value.range())
                ),
                kinds.iter().all(|kind| {
                    matches!(
                        kind,
                        Container::Dict | Container::OrderedDict | Container::Counter
                    )
                }),
            ),
            _ => return None,
        },
        Stmt::Delete(delete) if !*absent => match delete.targets.as_slice() {
            [target] if is_item(target) => (
                format!(
                    "{}.pop({}, None)",
                    checker.text(container.range()),
                    checker.text(key.range())
                ),
                kinds.iter().all(|kind| {
                    matches!(
                        kind,
                        Container::Dict | Container::OrderedDict | Container::Counter
                    )
                }),
            ),
            _ => return None,
        },
        Stmt::Expr(expr) if !*absent => {
            let Expr::Call(call) = expr.value.as_ref() else {
                return None;
            };
            let Expr::Attribute(method) = call.func.as_ref() else {
                return None;
            };
            let [argument] = &*call.arguments.args else {
                return None;
            };
            if !call.arguments.keywords.is_empty()
                || !same(&method.value, container)
                || !same(argument, key)
            {
                return None;
            }
            let (replacement, kind_ok): (&str, fn(&Container) -> bool) = match method.attr.as_str()
            {
                "pop" => ("pop({}, None)", |kind| {
                    matches!(
                        kind,
                        Container::Dict | Container::OrderedDict | Container::Counter
                    )
                }),
                "remove" | "discard" => ("discard({})", |kind| matches!(kind, Container::Set)),
                _ => return None,
            };
            (
                format!(
                    "{}.{}",
                    checker.text(container.range()),
                    replacement.replace("{}", checker.text(key.range()))
                ),
                kinds.iter().all(kind_ok),
            )
        }
        _ => return None,
    };
    if kinds.is_empty() || !applies {
        return None;
    }
    Some(Fix {
        applicability: Applicability::Safe,
        message: format!("Use `{call}`, one atomic call"),
        edits: vec![replacement(checker, stmt.range(), call)],
    })
}

/// The kinds of container `expr` may hold; empty when it may hold anything else.
fn container_kinds(checker: &Checker, expr: &Expr) -> Vec<Container> {
    let flow = &checker.model.flow;
    let objects = flow.objects_at(expr);
    let kinds: Vec<Container> = objects
        .iter()
        .filter_map(|&object| match flow.object(object).kind {
            ObjectKind::Container(key) => Some(key.container()),
            _ => None,
        })
        .collect();
    if kinds.len() == objects.len() {
        kinds
    } else {
        Vec::new()
    }
}

/// What a condition inspects, with the statements before it in its block: `value is None`
/// right after `value = cache.get(key)` tests whether `cache` holds `key` (then `true`: the
/// check starts at that lookup).
fn tested_in<'a>(test: &'a Expr, before: &'a [Stmt]) -> Option<(Check<'a>, Lookup)> {
    let looked_up = |local: &Expr| -> Option<&'a Expr> {
        let Expr::Name(local) = local else {
            return None;
        };
        let Some(Stmt::Assign(assign)) = before.last() else {
            return None;
        };
        let ([Expr::Name(target)], Expr::Call(call)) =
            (assign.targets.as_slice(), assign.value.as_ref())
        else {
            return None;
        };
        let Expr::Attribute(method) = call.func.as_ref() else {
            return None;
        };
        (target.id == local.id && method.attr.as_str() == "get").then_some(&*method.value)
    };
    match test {
        Expr::Compare(compare) => {
            if let ([op @ (CmpOp::Is | CmpOp::IsNot)], [Expr::NoneLiteral(_)]) =
                (&*compare.ops, &*compare.comparators)
                && let Some(container) = looked_up(&compare.left)
            {
                let check = Check::Items {
                    container,
                    absent: matches!(op, CmpOp::Is),
                };
                return Some((check, Lookup::JustBefore));
            }
        }
        Expr::UnaryOp(unary) if unary.op.is_not() => {
            if let Some(container) = looked_up(&unary.operand) {
                let check = Check::Items {
                    container,
                    absent: true,
                };
                return Some((check, Lookup::JustBefore));
            }
        }
        Expr::Name(_) => {
            if let Some(container) = looked_up(test) {
                let check = Check::Items {
                    container,
                    absent: false,
                };
                return Some((check, Lookup::JustBefore));
            }
        }
        _ => {}
    }
    // `ready = bool(self.idle)` (under a lock, maybe) ... `if ready:` tests the state as it was.
    let (local, negated) = match test {
        Expr::Name(local) => (local, false),
        Expr::UnaryOp(unary) if unary.op.is_not() => match unary.operand.as_ref() {
            Expr::Name(local) => (local, true),
            _ => return tested(test).map(|check| (check, Lookup::InTest)),
        },
        _ => return tested(test).map(|check| (check, Lookup::InTest)),
    };
    if let Some(value) = assigned_before(before, local.id.as_str()) {
        let value = match value {
            Expr::Call(call) if is_bool_call(call) => &call.arguments.args[0],
            _ => value,
        };
        // A local holding the outcome of a check, not another name for the state itself.
        if matches!(
            value,
            Expr::Compare(_) | Expr::UnaryOp(_) | Expr::BoolOp(_) | Expr::Call(_)
        ) && let Some(check) = tested(value)
        {
            let lookup = Lookup::Earlier(value.range());
            return match (check, negated) {
                (check, false) => Some((check, lookup)),
                // `not loaded`: a flag, FT003's.
                (Check::Value(_), true) => None,
                (check, true) => Some((check.negated(), lookup)),
            };
        }
    }
    tested(test).map(|check| (check, Lookup::InTest))
}

/// Where the tested state was read.
#[derive(Clone, Copy)]
enum Lookup {
    /// In the test itself.
    InTest,
    /// By the statement just before (`v = c.get(k)` then `if v is None:`).
    JustBefore,
    /// Into a local by an earlier statement (`ready = bool(self.idle)` ... `if ready:`), by
    /// this expression.
    Earlier(TextRange),
}

/// The value last assigned to `local` by the statements before, looking into `with` blocks
/// (a check made under a lock and used after it).
fn assigned_before<'a>(before: &'a [Stmt], local: &str) -> Option<&'a Expr> {
    before.iter().rev().find_map(|stmt| match stmt {
        Stmt::Assign(assign) => match assign.targets.as_slice() {
            [Expr::Name(target)] if target.id == local => Some(&*assign.value),
            _ => None,
        },
        Stmt::With(with) => assigned_before(&with.body, local),
        _ => None,
    })
}

fn is_bool_call(call: &ExprCall) -> bool {
    matches!(call.func.as_ref(), Expr::Name(name) if name.id == "bool")
        && call.arguments.args.len() == 1
        && call.arguments.keywords.is_empty()
}

/// What a condition inspects, if it inspects something threads change.
fn tested(test: &Expr) -> Option<Check<'_>> {
    match test {
        Expr::Compare(compare) => match (&*compare.ops, &*compare.comparators) {
            ([CmpOp::In], [container]) => Some(Check::Items {
                container,
                absent: false,
            }),
            ([CmpOp::NotIn], [container]) => Some(Check::Items {
                container,
                absent: true,
            }),
            // `x is None`, `x == None`: lazy initialisation, FT003's.
            ([CmpOp::Is | CmpOp::Eq], [Expr::NoneLiteral(_)]) => None,
            ([_], [right]) => tested_operand(&compare.left).or_else(|| tested_operand(right)),
            _ => None,
        },
        Expr::UnaryOp(unary) if unary.op.is_not() => match tested(&unary.operand)? {
            // `not self._loaded`: a flag, FT003's.
            Check::Value(_) => None,
            check => Some(check.negated()),
        },
        Expr::BoolOp(bool_op) => bool_op.values.iter().find_map(tested),
        Expr::Name(_) | Expr::Attribute(_) => Some(Check::Items {
            container: test,
            absent: false,
        }),
        Expr::Call(call) => len_argument(call).map(|container| Check::Items {
            container,
            absent: false,
        }),
        _ => None,
    }
}

/// One side of a comparison: `len(c)`, `c[k]`, or a name or attribute.
fn tested_operand(operand: &Expr) -> Option<Check<'_>> {
    match operand {
        Expr::Call(call) => len_argument(call).map(|container| Check::Items {
            container,
            absent: false,
        }),
        Expr::Subscript(subscript) => Some(Check::Items {
            container: &subscript.value,
            absent: false,
        }),
        Expr::Name(_) | Expr::Attribute(_) => Some(Check::Value(operand)),
        _ => None,
    }
}

/// `c` of `len(c)`.
fn len_argument(call: &ExprCall) -> Option<&Expr> {
    match (call.func.as_ref(), &*call.arguments.args) {
        (Expr::Name(func), [container]) if func.id == "len" => Some(container),
        _ => None,
    }
}

/// The first statement of the body that acts on what the check saw, with what it does: a change
/// of the container or a read of its items, or a write of the value. A removal inside a `try`
/// whose handler takes the lost race's exception is expected to fail and does not count.
fn first_act<'a>(
    checker: &Checker,
    body: &'a [Stmt],
    check: &Check,
) -> Option<(&'a Stmt, AccessKind)> {
    let mut found = None;
    // The bodies of the `try`s met so far whose handlers take a lost race's exception (the walk
    // visits a `try` before the statements of its body).
    let mut tolerant: Vec<TextRange> = Vec::new();
    // The `if`s met so far that test the state again under a lock (double-checked locking):
    // what they hold acts on what the lock keeps still, not on the first check.
    let mut rechecked: Vec<TextRange> = Vec::new();
    let subject = match check {
        Check::Items { container, .. } => *container,
        Check::Value(value) => *value,
    };
    walk_statements(body, checker.model, false, &mut |stmt, guarded| {
        if found.is_some() {
            return;
        }
        if let Stmt::Try(try_stmt) = stmt
            && handles_lost_race(try_stmt)
            && let (Some(first), Some(last)) = (try_stmt.body.first(), try_stmt.body.last())
        {
            tolerant.push(TextRange::new(first.start(), last.end()));
        }
        if let Stmt::If(if_stmt) = stmt
            && guarded
            && contains_expr(&if_stmt.test, subject)
        {
            rechecked.push(if_stmt.range());
        }
        let Some(kind) = act_of(stmt, check) else {
            return;
        };
        let expected_to_fail = matches!(kind, AccessKind::Remove | AccessKind::Read)
            && tolerant
                .iter()
                .any(|body| body.contains_range(stmt.range()));
        let checked_again = rechecked
            .iter()
            .any(|recheck| recheck.contains_range(stmt.range()));
        if !expected_to_fail && !checked_again {
            found = Some((stmt, kind));
        }
    });
    found
}

/// What a statement does to what the check inspected, if anything.
fn act_of(stmt: &Stmt, check: &Check) -> Option<AccessKind> {
    match check {
        Check::Value(value) => {
            let value = ComparableExpr::from(*value);
            let writes = |target: &Expr| ComparableExpr::from(target) == value;
            match stmt {
                Stmt::Assign(assign) if assign.targets.iter().any(writes) => {
                    Some(AccessKind::Write)
                }
                Stmt::AugAssign(assign) if writes(&assign.target) => Some(AccessKind::Update),
                _ => None,
            }
        }
        Check::Items { container, absent } => {
            let container = ComparableExpr::from(*container);
            let is_item = |target: &Expr| {
                matches!(target, Expr::Subscript(subscript)
                if ComparableExpr::from(&*subscript.value) == container)
            };
            let stored = match stmt {
                Stmt::Assign(assign) if assign.targets.iter().any(is_item) => Some(AccessKind::Add),
                Stmt::AugAssign(assign) if is_item(&assign.target) => Some(AccessKind::Update),
                Stmt::Delete(delete) if delete.targets.iter().any(is_item) => {
                    Some(AccessKind::Remove)
                }
                _ => None,
            };
            if stored.is_some() {
                return stored;
            }
            let mut expressions = Vec::new();
            push_own_expressions(stmt, &mut expressions);
            let mut kind = None;
            for expr in expressions {
                any_over_expr(expr, |inner| {
                    let found = match inner {
                        Expr::Call(call) => match call.func.as_ref() {
                            Expr::Attribute(method)
                                if ComparableExpr::from(&*method.value) == container =>
                            {
                                method_access(method.attr.as_str())
                            }
                            // `heapq.heappop(c)`, `bisect.insort(c, x)`.
                            function => first_argument_access(function).filter(|_| {
                                call.arguments
                                    .args
                                    .first()
                                    .is_some_and(|list| ComparableExpr::from(list) == container)
                            }),
                        },
                        // Reading an item the check saw there (not after a check for absence;
                        // a slice never raises).
                        Expr::Subscript(subscript)
                            if !absent
                                && subscript.ctx.is_load()
                                && !subscript.slice.is_slice_expr()
                                && ComparableExpr::from(&*subscript.value) == container =>
                        {
                            Some(AccessKind::Read)
                        }
                        _ => None,
                    };
                    if kind.is_none() {
                        kind = found;
                    }
                    found.is_some()
                });
            }
            kind
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_a_read_again_from_an_attribute_another_thread_rebinds() {
        let source = r#"
import threading
class Tokens:
    def __init__(self):
        self._entries = {}
    def get(self, token):
        if token in self._entries:
            return self._entries[token]
        return None
    def sweep(self):
        live = {k: v for k, v in self._entries.items() if v}
        self._entries = live
tokens = Tokens()
for _ in range(3):
    threading.Thread(target=tokens.get, args=("a",)).start()
threading.Thread(target=tokens.sweep).start()
"#;
        let diagnostics = crate::check_source(source);
        let flagged: Vec<_> = diagnostics.iter().filter(|d| d.code == "FT002").collect();
        assert_eq!(flagged.len(), 1, "{diagnostics:?}");
        assert_eq!(flagged[0].location.row, 7);
        assert!(
            flagged[0]
                .message
                .contains("`self._entries = live` (line 12")
        );
        assert!(flagged[0].fix.is_none());
        // Read once into a local, the old dict answers both the check and the read.
        let local = source.replace(
            "        if token in self._entries:\n            return self._entries[token]\n",
            "        entries = self._entries\n        if token in entries:\n            return entries[token]\n",
        );
        assert_ne!(local, source);
        assert!(codes_at(&local).iter().all(|(_, code)| code != "FT002"));
    }

    #[test]
    fn quiet_for_double_checked_locking() {
        let source = r#"
import threading
_lock = threading.Lock()
_client = None
def client():
    global _client
    if _client is not None:
        return _client
    with _lock:
        if _client is None:
            _client = object()
    return _client
for _ in range(3):
    threading.Thread(target=client).start()
"#;
        assert!(codes_at(source).iter().all(|(_, code)| code != "FT002"));
        // Without the second check under the lock, two threads both create one.
        let unchecked = source.replace(
            "        if _client is None:\n            _client = object()\n",
            "        _client = object()\n",
        );
        assert_ne!(unchecked, source);
        assert!(codes_at(&unchecked).contains(&(7, "FT002".to_string())));
    }

    #[test]
    fn a_class_derived_from_dict_holds_items_as_a_dict_does() {
        let source = r#"
import threading
class Expiring(dict):
    pass
class Flags:
    def __init__(self):
        self._cache = Expiring()
    def get(self, name):
        if name in self._cache:
            return self._cache[name]
        return None
    def forget(self, name):
        self._cache.pop(name, None)
flags = Flags()
for _ in range(3):
    threading.Thread(target=flags.get, args=("a",)).start()
    threading.Thread(target=flags.forget, args=("a",)).start()
"#;
        assert_eq!(codes_at(source), vec![(9, "FT002".to_string())]);
        // One the call made itself is its own.
        let local = r#"
import threading
class Tokens(list):
    pass
def parse(text):
    tokens = Tokens()
    for word in text.split():
        tokens.append(word)
    if tokens:
        return tokens.pop()
    return None
for _ in range(3):
    threading.Thread(target=parse, args=("a b",)).start()
"#;
        assert_eq!(codes_at(local), vec![]);
    }

    #[test]
    fn flags_an_act_in_a_block_that_returns_and_a_check_kept_in_a_local() {
        let source = r#"
import threading
class Pool:
    def __init__(self):
        self._idle = []
        self._lock = threading.Lock()
    def take(self):
        if self._idle:
            return self._idle.pop()
        return None
    def take_checked_under_lock(self):
        with self._lock:
            have_idle = len(self._idle) > 0
        if have_idle:
            return self._idle.pop()
        return None
pool = Pool()
for _ in range(3):
    threading.Thread(target=pool.take).start()
    threading.Thread(target=pool.take_checked_under_lock).start()
"#;
        let diagnostics: Vec<_> = crate::check_source(source)
            .into_iter()
            .filter(|d| d.code == "FT002")
            .collect();
        let rows: Vec<usize> = diagnostics.iter().map(|d| d.location.row).collect();
        assert_eq!(rows, vec![8, 14], "{diagnostics:?}");
        assert!(
            diagnostics[1]
                .message
                .starts_with("`have_idle` (`len(self._idle) > 0`, line 13) then"),
            "{}",
            diagnostics[1].message
        );
        // A lock around the `if` alone would not cover the check made before it.
        assert!(diagnostics[1].fix.is_none());
    }

    #[test]
    fn leaves_a_kept_check_under_the_lock_and_a_slice_after_a_check() {
        let source = r#"
import threading
class Pool:
    def __init__(self):
        self._idle = []
        self._lock = threading.Lock()
    def take(self):
        with self._lock:
            have_idle = len(self._idle) > 0
            if have_idle:
                return self._idle.pop()
        return None
    def rest(self):
        if self._idle:
            return self._idle[1:]
        return []
pool = Pool()
for _ in range(3):
    threading.Thread(target=pool.take).start()
    threading.Thread(target=pool.rest).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn reads_heapq_and_bisect_functions_as_changes_of_their_list() {
        let unlocked = r#"
import heapq
import threading
jobs = [(1, "a"), (2, "b")]
def dispatch():
    if jobs:
        heapq.heappop(jobs)
for _ in range(2):
    threading.Thread(target=dispatch).start()
"#;
        assert_eq!(codes_at(unlocked), vec![(6, "FT002".into())]);
        let locked = unlocked.replace(
            "def dispatch():\n    if jobs:\n        heapq.heappop(jobs)",
            "lock = threading.Lock()\ndef dispatch():\n    with lock:\n        if jobs:\n            heapq.heappop(jobs)",
        );
        assert!(locked.contains("with lock:"));
        assert_eq!(codes_at(&locked), vec![]);
    }

    #[test]
    fn flags_membership_test_then_insert() {
        let source = r#"
import threading
seen = set()
def worker(item):
    if item not in seen:
        seen.add(item)
for item in range(4):
    threading.Thread(target=worker, args=(item,)).start()
"#;
        assert_eq!(codes_at(source), vec![(5, "FT002".into())]);
    }

    #[test]
    fn flags_a_container_a_closure_handed_to_a_pool_shares() {
        // `seen` is the call's own until `visit` closes over it and goes to the pool; a closure
        // that stays in the call (the sort key) shares nothing.
        let source = r#"
from concurrent.futures import ThreadPoolExecutor
def crawl(paths):
    seen = set()
    ranks = {}
    def visit(path):
        if path in seen:
            return
        seen.add(path)
    def rank(path):
        if path not in ranks:
            ranks[path] = len(ranks)
        return ranks[path]
    with ThreadPoolExecutor() as pool:
        for path in sorted(paths, key=rank):
            pool.submit(visit, path)
"#;
        assert_eq!(codes_at(source), vec![(7, "FT002".into())]);
    }

    #[test]
    fn flags_emptiness_test_then_pop() {
        let source = r#"
import threading
jobs = [1, 2, 3]
def worker():
    while True:
        if len(jobs) > 0:
            job = jobs.pop()
for _ in range(2):
    threading.Timer(1.0, worker).start()
"#;
        assert_eq!(codes_at(source), vec![(6, "FT002".into())]);
    }

    #[test]
    fn quiet_for_removals_whose_lost_race_is_handled_but_not_for_insertions() {
        let source = r#"
import threading
cache = {}
jobs = []
def worker(key):
    if len(cache) >= 100:
        try:
            del cache[next(iter(cache))]
        except (StopIteration, RuntimeError, KeyError):
            pass
    if jobs:
        try:
            jobs.pop()
        except IndexError:
            pass
    if key not in cache:
        try:
            cache[key] = 1
        except KeyError:
            pass
for key in "kl":
    threading.Thread(target=worker, args=(key,)).start()
"#;
        // The insertion raises nothing when it loses the race: the `try` does not help it.
        assert_eq!(codes_at(source), vec![(16, "FT002".into())]);
    }

    #[test]
    fn quiet_for_locked_local_and_read_only_uses() {
        let source = r#"
import threading
cache = {}
lock = threading.Lock()
def worker(key):
    with lock:
        if key not in cache:
            cache[key] = 1
    mine = {}
    if key not in mine:
        mine[key] = 2
    if key in cache:
        print(cache[key])
threading.Thread(target=worker, args=("k",)).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn an_early_exit_guards_the_rest_of_the_block() {
        let source = r#"
import threading
from collections import OrderedDict
visited = set()
lru = OrderedDict()
def crawl(page):
    if page in visited:
        return
    visited.add(page)
def lookup(key):
    value = lru.get(key)
    if value is None:
        return None
    lru.move_to_end(key)
    return value
def evict():
    lru.popitem(last=False)
for page in range(4):
    threading.Thread(target=crawl, args=(page,)).start()
    threading.Thread(target=lookup, args=(page,)).start()
threading.Thread(target=evict).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![(7, "FT002".into()), (12, "FT002".into())]
        );
        // One atomic call instead of the pair.
        let atomic = source
            .replace(
                "    if page in visited:\n        return\n    visited.add(page)\n",
                "    visited.add(page)\n",
            )
            .replace("    lru.move_to_end(key)\n", "");
        assert_eq!(codes_at(&atomic), vec![]);
    }

    #[test]
    fn a_method_of_the_module_s_own_class_is_not_a_container_method() {
        let source = r#"
import threading
class Store:
    def __init__(self):
        self._lock = threading.Lock()
        self._data = {}
    def get(self, key):
        return self._data.get(key)
    def put(self, key, value):
        with self._lock:
            self._data[key] = value
store = Store()
def fill(key):
    value = store.get(key)
    if value is None:
        store.put(key, 1)
for key in range(4):
    threading.Thread(target=fill, args=(key,)).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
