use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::fix::locks::{Request, lock_fix};
use crate::detector::semantic::Statement;
use crate::detector::semantic::sharing::AccessKind;

declare_rule! {
    /// ## What it does
    /// Finds a closure variable that a nested function reads and writes back
    /// (`nonlocal found; found += 1`) without holding a lock, when another write to the same
    /// cell can run at the same time: the nested function runs in several threads (a loop of
    /// `Thread` targets, an executor's tasks), or the enclosing function writes it while they
    /// run. A closure that each thread builds and runs for itself has cells of its own.
    ///
    /// The read and the write may also be two statements with room for other threads between
    /// them: a local carrying the value (`n = total` ... `total = n + x`) or an `if` that compares before it
    /// replaces (`if x > peak: peak = x`). Putting back a value saved earlier is not an update. These
    /// come without a fix: the lock has to cover the read as well.
    ///
    /// ## Why is this bad?
    /// A `nonlocal` variable is one cell shared by every call of the inner function, so
    /// `found += 1` is the same load-add-store race as on a module global. On the free-threaded
    /// build (3.13t, 3.14t) the threads really run at once and increments are lost.
    ///
    /// ## Example
    /// ```python
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// def count_matches(items, pred):
    ///     found = 0
    ///
    ///     def check(item):
    ///         nonlocal found
    ///         if pred(item):
    ///             found += 1
    ///
    ///     with ThreadPoolExecutor() as pool:
    ///         list(pool.map(check, items))
    ///     return found
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// def count_matches(items, pred):
    ///     def check(item):
    ///         return 1 if pred(item) else 0
    ///
    ///     with ThreadPoolExecutor() as pool:
    ///         return sum(pool.map(check, items))
    /// ```
    ///
    /// Return results from the tasks and combine them in one thread, or update the variable
    /// under a `threading.Lock` shared by the closures.
    ///
    /// ## Fix safety
    /// The fix holds one lock around the flagged statement and around every other statement that
    /// races with it on the same state: the lock already held around other uses of that state, else
    /// the one lock beside it whose name says it guards what is there (`lock`, `_lock`, `mutex`),
    /// else a new one named after the state (`found_lock`), created in the enclosing function after
    /// the variable's assignment, where every closure sees it, with `import threading` at the end
    /// of the module's header imports when it is missing. A new lock is an `RLock` when the code
    /// under it calls back into code that touches the same state; an existing `Lock` is not reused
    /// where the code under it would take it again. The fix is unsafe: a lock changes what may run
    /// at once, so review the order in which locks are taken and anything under the lock that waits
    /// for other threads. It is offered only where each statement stands alone on its lines and no
    /// `yield` or `await` would be held under the lock.
    ///
    /// ## References
    /// - [Python HOWTO: free threading](https://docs.python.org/3/howto/free-threading-python.html)
    pub struct RmwNonlocal {
        code: "FT006",
        name: "rmw-nonlocal",
        severity: Warning,
        summary: "Read-modify-write of a `nonlocal` closure variable without a lock",
    }
}

/// FT006
pub(crate) fn rmw_nonlocal(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    if guarded {
        return;
    }
    let Some(Expr::Name(target)) = statement.update.map(|update| update.target) else {
        return;
    };
    let name = target.id.as_str();
    if !function.scope().nonlocals.contains(name) {
        return;
    }
    let Some(target) = statement.update.map(|update| update.target) else {
        return;
    };
    let places = checker.places(target);
    let Some(race) = checker.race_on(
        function,
        statement,
        &places,
        AccessKind::Update,
        &[AccessKind::Write, AccessKind::Update],
    ) else {
        return;
    };
    let message = format!(
        "{} reads and writes closure variable `{name}` (`nonlocal`) without a lock, and {}: updates can be lost",
        checker.update_text(statement),
        checker.describe_race(&race),
    );
    let fix = lock_fix(
        checker,
        &Request {
            function,
            statement,
            flagged: std::slice::from_ref(stmt),
            state: target,
            places: &places,
            kind: AccessKind::Update,
            against: &[AccessKind::Write, AccessKind::Update],
            inner_headers: Vec::new(),
            rewrite: None,
        },
        "the update",
    );
    if let Some(diagnostic) =
        checker.report_conflict(&RmwNonlocal::INFO, function, stmt.range(), message)
    {
        diagnostic.fix = fix;
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_nonlocal_updates_in_thread_targets() {
        let source = r#"
import threading
def run():
    done = 0
    total = 0
    def work(x):
        nonlocal done, total
        done += 1
        total = total + x
    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
"#;
        assert_eq!(
            codes_at(source),
            vec![(8, "FT006".into()), (9, "FT006".into())]
        );
    }

    #[test]
    fn quiet_for_a_closure_each_threaded_call_makes_for_itself() {
        let source = r#"
import threading
def render(items):
    depth = 0
    def visit(item):
        nonlocal depth
        depth += 1
    for item in items:
        visit(item)
    return depth
def worker():
    render([1, 2])
threading.Thread(target=worker).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn quiet_under_a_shared_lock_for_locals_and_unthreaded_closures() {
        let source = r#"
import threading
def run():
    done = 0
    lock = threading.Lock()
    def work():
        nonlocal done
        with lock:
            done += 1
        mine = 0
        mine += 1
    def key(item):
        nonlocal done
        done += 1
        return item
    sorted([3, 1], key=key)
    threading.Thread(target=work).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
