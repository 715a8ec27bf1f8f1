use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::semantic::Statement;

declare_rule! {
    /// ## What it does
    /// Finds a lock created by the very call that uses it: `with threading.Lock():`, or
    /// `lock = threading.Lock()` as a local of the function that then does `with lock:` and
    /// shares the lock with nobody (it is not returned, stored, passed on, or used by a nested
    /// function).
    ///
    /// ## Why is this bad?
    /// Every call gets a new lock, so two threads never wait for each other: the block it
    /// "guards" runs concurrently, and on the free-threaded build (3.13t, 3.14t) really in
    /// parallel. It looks correct in review. Aether does not count such a lock as a guard for
    /// its other rules either.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// cache = {}
    ///
    /// def put(key, value):
    ///     lock = threading.Lock()
    ///     with lock:
    ///         if key not in cache:
    ///             cache[key] = value
    ///
    /// for key in ("a", "b"):
    ///     threading.Thread(target=put, args=(key, 1)).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// cache = {}
    /// cache_lock = threading.Lock()
    ///
    /// def put(key, value):
    ///     with cache_lock:
    ///         if key not in cache:
    ///             cache[key] = value
    ///
    /// for key in ("a", "b"):
    ///     threading.Thread(target=put, args=(key, 1)).start()
    /// ```
    ///
    /// Create the lock once, next to the data it guards: at module level, in `__init__`, or in
    /// the function that starts the threads and hands it to them.
    ///
    /// ## References
    /// - [Porting guide: locking](https://py-free-threading.github.io/porting/#locking)
    pub struct LockPerCall {
        code: "FT011",
        name: "lock-per-call",
        severity: Warning,
        summary: "Lock created per call, so it excludes no other thread",
    }
}

/// FT011
pub(crate) fn lock_per_call(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let stmt = statement.stmt;
    let Stmt::With(with) = stmt else { return };
    if with.is_async {
        return;
    }
    for item in &with.items {
        let lock = &item.context_expr;
        let message = match lock {
            Expr::Call(call) if checker.model.creates_lock(call) => format!(
                "`with {}:` locks a new lock on every call: no other thread ever waits for it",
                checker.text(lock.range()),
            ),
            _ => match checker.model.per_call_lock(lock) {
                Some(binding) => format!(
                    "`with {}:` locks a lock created on every call by `{}` and shared with no one: no other thread ever waits for it",
                    checker.text(lock.range()),
                    checker.text(binding),
                ),
                None => continue,
            },
        };
        checker.report_race(&LockPerCall::INFO, function, item.range(), message);
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_inline_and_local_locks_and_does_not_count_them_as_guards() {
        let source = r#"
import threading
n = 0
def worker():
    global n
    with threading.Lock():
        n += 1
    lock = threading.RLock()
    with lock:
        n += 1
for _ in range(2):
    threading.Thread(target=worker).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (6, "FT011".into()),
                (7, "FT001".into()),
                (9, "FT011".into()),
                (10, "FT001".into())
            ]
        );
    }

    #[test]
    fn quiet_for_shared_module_closure_and_published_locks() {
        let source = r#"
import threading
n = 0
module_lock = threading.Lock()
def run():
    lock = threading.Lock()
    def worker():
        global n
        with lock:
            n += 1
        with module_lock:
            n += 1
        make()
        box = Box()
        box.put()
    threads = [threading.Thread(target=worker) for _ in range(2)]
def make():
    lock = threading.Lock()
    with lock:
        pass
    return lock
class Box:
    def __init__(self):
        self._lock = threading.Lock()
    def put(self):
        with self._lock:
            pass
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
