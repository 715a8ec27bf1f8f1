use ruff_python_ast::{CmpOp, ExceptHandler, Expr, Stmt, StmtIf, StmtTry};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::helpers::walk_statements;
use crate::detector::semantic::Statement;
use crate::detector::semantic::dotted_path;

declare_rule! {
    /// ## What it does
    /// Finds a test on a shared dict, set or list followed by a change that relies on the test
    /// (`if key not in cache: cache[key] = ...`, `if items: items.pop()`), with no lock held
    /// across both, in a function that runs in threads.
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
    /// ## References
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    pub struct CheckThenAct {
        code: "FT002",
        name: "check-then-act",
        severity: Warning,
        summary: "Check on a shared container, then a change that relies on it, without a lock",
    }
}

/// Methods that change a dict, set or list.
const MUTATORS: &[&str] = &[
    "append",
    "add",
    "insert",
    "extend",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "remove",
    "discard",
    "clear",
];

/// FT002
pub(crate) fn check_then_act(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    let Stmt::If(if_stmt) = stmt else { return };
    if guarded {
        return;
    }
    let Some(container) = tested_container(&if_stmt.test) else {
        return;
    };
    let Some(root) = container.split('.').next() else {
        return;
    };
    if !function.scope().refers_to_module_scope(root) || !checker.model.is_module_binding(root) {
        return;
    }
    let Some(act) = first_mutation(checker, if_stmt, &container) else {
        return;
    };
    let message = format!(
        "`{}` then `{}`: another thread can change `{container}` between the check and the change",
        checker.text(if_stmt.test.range()),
        checker.text(act),
    );
    checker.report_race(&CheckThenAct::INFO, function, if_stmt.test.range(), message);
}

/// The container a condition inspects: `k in C`, `k not in C`, `C`, `not C`, `len(C) ...`.
fn tested_container(test: &Expr) -> Option<String> {
    match test {
        Expr::Compare(compare) => match (&*compare.ops, &*compare.comparators) {
            ([CmpOp::In | CmpOp::NotIn], [container]) => dotted_path(container),
            (_, _) => tested_container(&compare.left),
        },
        Expr::UnaryOp(unary) => tested_container(&unary.operand),
        Expr::Call(call) => match (call.func.as_ref(), &*call.arguments.args) {
            (Expr::Name(func), [container]) if func.id == "len" => dotted_path(container),
            _ => None,
        },
        Expr::Name(_) | Expr::Attribute(_) => dotted_path(test),
        _ => None,
    }
}

/// The first statement in the `if` body that changes `container`, leaving out removals in a
/// `try` that handles their failure.
fn first_mutation<'a>(checker: &Checker, if_stmt: &'a StmtIf, container: &str) -> Option<&'a Stmt> {
    let mut found = None;
    // The bodies of the `try`s met so far whose handlers take a lost race's exception (the walk
    // visits a `try` before the statements of its body).
    let mut tolerant: Vec<TextRange> = Vec::new();
    walk_statements(&if_stmt.body, checker.model, false, &mut |stmt, _| {
        if let Stmt::Try(try_stmt) = stmt
            && handles_lost_race(try_stmt)
            && let (Some(first), Some(last)) = (try_stmt.body.first(), try_stmt.body.last())
        {
            tolerant.push(TextRange::new(first.start(), last.end()));
        }
        let expected_to_fail = can_fail(stmt, container)
            && tolerant
                .iter()
                .any(|body| body.contains_range(stmt.range()));
        if found.is_none() && mutates(stmt, container) && !expected_to_fail {
            found = Some(stmt);
        }
    });
    found
}

/// Whether a handler of `try_stmt` takes what a removal raises when another thread got there
/// first (a bare `except` too).
fn handles_lost_race(try_stmt: &StmtTry) -> bool {
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

/// A change that raises when the container no longer holds what the check saw: `del C[k]`,
/// `C.pop(...)`, `C.popitem()`, `C.remove(x)`.
fn can_fail(stmt: &Stmt, container: &str) -> bool {
    const FAILING: &[&str] = &["pop", "popitem", "remove"];
    matches!(stmt, Stmt::Delete(_))
        || whole_value(stmt).is_some_and(|value| calls_method_of(value, container, FAILING))
}

fn mutates(stmt: &Stmt, container: &str) -> bool {
    let is_item_of_container = |target: &Expr| match target {
        Expr::Subscript(subscript) => dotted_path(&subscript.value).as_deref() == Some(container),
        _ => false,
    };
    let stores_item = match stmt {
        Stmt::Assign(assign) => assign.targets.iter().any(is_item_of_container),
        Stmt::AugAssign(assign) => is_item_of_container(&assign.target),
        Stmt::Delete(delete) => delete.targets.iter().any(is_item_of_container),
        _ => false,
    };
    stores_item
        || whole_value(stmt).is_some_and(|value| calls_method_of(value, container, MUTATORS))
}

/// The value a statement computes as a whole: `C.pop()`, `x = C.pop()`, `return C.pop()`.
fn whole_value(stmt: &Stmt) -> Option<&Expr> {
    match stmt {
        Stmt::Assign(assign) => Some(&assign.value),
        Stmt::Expr(expr) => Some(&expr.value),
        Stmt::Return(ret) => ret.value.as_deref(),
        _ => None,
    }
}

/// `container.method(...)` for one of `methods`.
fn calls_method_of(expr: &Expr, container: &str, methods: &[&str]) -> bool {
    let Expr::Call(call) = expr else { return false };
    let Expr::Attribute(method) = call.func.as_ref() else {
        return false;
    };
    methods.contains(&method.attr.as_str())
        && dotted_path(&method.value).as_deref() == Some(container)
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_membership_test_then_insert() {
        let source = r#"
import threading
seen = set()
def worker(item):
    if item not in seen:
        seen.add(item)
threading.Thread(target=worker, args=(1,)).start()
"#;
        assert_eq!(codes_at(source), vec![(5, "FT002".into())]);
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
threading.Thread(target=worker, args=("k",)).start()
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
}
