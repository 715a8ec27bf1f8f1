use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef};
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::helpers::method_receiver;
use crate::detector::semantic::dotted_path;

declare_rule! {
    /// ## What it does
    /// Finds `lock.acquire()` in a function that later calls `lock.release()`, where the
    /// acquire is not directly followed by a `try:` whose `finally:` releases the lock (and is
    /// not itself inside such a `try`).
    ///
    /// ## Why is this bad?
    /// If anything between the acquire and the release raises, the release never runs: the
    /// lock stays held and every other thread that needs it blocks forever. With threads that
    /// truly run in parallel (3.13t, 3.14t) locks are taken far more often, and so is this
    /// deadlock. `with lock:` releases on every path.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// _lock = threading.Lock()
    /// _cache = {}
    ///
    /// def get_or_load(key):
    ///     _lock.acquire()
    ///     value = _cache.get(key) or load(key)
    ///     _lock.release()
    ///     return value
    ///
    /// threading.Thread(target=get_or_load, args=("a",)).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// _lock = threading.Lock()
    /// _cache = {}
    ///
    /// def get_or_load(key):
    ///     with _lock:
    ///         value = _cache.get(key) or load(key)
    ///     return value
    ///
    /// threading.Thread(target=get_or_load, args=("a",)).start()
    /// ```
    ///
    /// Or `lock.acquire()` immediately followed by `try: ... finally: lock.release()`.
    ///
    /// ## References
    /// - [threading: using locks in the with statement](https://docs.python.org/3/library/threading.html#with-locks)
    /// - [Porting guide: locking](https://py-free-threading.github.io/porting/#locking)
    pub struct AcquireWithoutRelease {
        code: "FT012",
        name: "acquire-without-release",
        severity: Warning,
        summary: "`lock.acquire()` without `try`/`finally: lock.release()`",
    }
}

/// Methods that acquire on purpose and leave the release to their partner method.
const ACQUIRING_METHODS: &[&str] = &["__enter__", "__aenter__", "acquire", "lock"];

/// FT012
pub(crate) fn acquire_without_release(
    checker: &mut Checker,
    function: &FunctionContext,
    def: &StmtFunctionDef,
) {
    if ACQUIRING_METHODS.contains(&def.name.as_str()) {
        return;
    }
    let mut unprotected = Vec::new();
    scan(checker, &def.body, &[], &mut unprotected);
    for (call, lock) in unprotected {
        if !calls_release(&def.body, &lock) {
            // Released elsewhere (a semaphore handed over, a lock held across methods).
            continue;
        }
        let message = format!(
            "`{}` is not followed by `try:` ... `finally: {lock}.release()`: an exception before the release leaves `{lock}` held and other threads waiting forever",
            checker.text(call.range()),
        );
        checker.report_race(
            &AcquireWithoutRelease::INFO,
            function,
            call.range(),
            message,
        );
    }
}

/// Collects the acquires in `body` that no `finally` releases. `released`: the locks that
/// enclosing `finally` blocks release.
fn scan<'a>(
    checker: &Checker,
    body: &'a [Stmt],
    released: &[String],
    unprotected: &mut Vec<(&'a ExprCall, String)>,
) {
    for (index, stmt) in body.iter().enumerate() {
        match stmt {
            Stmt::Expr(expr) => {
                let Expr::Call(call) = expr.value.as_ref() else {
                    continue;
                };
                let Some(lock) = acquired_lock(checker, call) else {
                    continue;
                };
                // Released by a `finally` that follows, or right away: nothing can raise between.
                let next_releases = match body.get(index + 1) {
                    Some(Stmt::Try(next)) => calls_release(&next.finalbody, &lock),
                    Some(next @ Stmt::Expr(_)) => calls_release(std::slice::from_ref(next), &lock),
                    _ => false,
                };
                if !next_releases && !released.contains(&lock) {
                    unprotected.push((call, lock));
                }
            }
            Stmt::If(if_stmt) => {
                scan(checker, &if_stmt.body, released, unprotected);
                for clause in &if_stmt.elif_else_clauses {
                    scan(checker, &clause.body, released, unprotected);
                }
            }
            Stmt::For(for_stmt) => {
                scan(checker, &for_stmt.body, released, unprotected);
                scan(checker, &for_stmt.orelse, released, unprotected);
            }
            Stmt::While(while_stmt) => {
                scan(checker, &while_stmt.body, released, unprotected);
                scan(checker, &while_stmt.orelse, released, unprotected);
            }
            Stmt::With(with) => scan(checker, &with.body, released, unprotected),
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    scan(checker, &case.body, released, unprotected);
                }
            }
            Stmt::Try(try_stmt) => {
                let mut inner = released.to_vec();
                inner.extend(released_locks(&try_stmt.finalbody));
                // `try: lock.acquire() except ...: ... else: lock.release()`: the acquire is the
                // last statement of the body and the `else` releases first thing.
                let mut body_released = inner.clone();
                if let (Some(Stmt::Expr(_)), Some(first @ Stmt::Expr(_))) =
                    (try_stmt.body.last(), try_stmt.orelse.first())
                {
                    body_released.extend(released_locks(std::slice::from_ref(first)));
                }
                scan(checker, &try_stmt.body, &body_released, unprotected);
                for handler in &try_stmt.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    scan(checker, &handler.body, &inner, unprotected);
                }
                scan(checker, &try_stmt.orelse, &inner, unprotected);
                scan(checker, &try_stmt.finalbody, released, unprotected);
            }
            _ => {}
        }
    }
}

/// `lock.acquire(...)` on something that is a lock: the lock's dotted path.
fn acquired_lock(checker: &Checker, call: &ExprCall) -> Option<String> {
    let receiver = method_receiver(call, "acquire")?;
    let is_lock =
        checker.model.is_lock(receiver) || checker.model.per_call_lock(receiver).is_some();
    if is_lock { dotted_path(receiver) } else { None }
}

/// The locks a block releases (`x.release()` anywhere inside it).
fn released_locks(body: &[Stmt]) -> Vec<String> {
    let mut locks = Vec::new();
    ruff_python_ast::helpers::any_over_body(body, |expr| {
        if let Expr::Call(call) = expr
            && let Some(path) = method_receiver(call, "release").and_then(dotted_path)
        {
            locks.push(path);
        }
        false
    });
    locks
}

fn calls_release(body: &[Stmt], lock: &str) -> bool {
    released_locks(body).iter().any(|released| released == lock)
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn quiet_when_the_release_follows_at_once() {
        let source = r#"
import threading
lock = threading.Lock()
def wait_for_init():
    lock.acquire()
    lock.release()
def lock_unlock():
    try:
        lock.acquire()
    except RuntimeError:
        pass
    else:
        lock.release()
threading.Thread(target=wait_for_init).start()
threading.Thread(target=lock_unlock).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn flags_acquire_released_without_finally() {
        let source = r#"
import threading
lock = threading.Lock()
class Box:
    def __init__(self):
        self._mutex = threading.RLock()
    def put(self, item):
        self._mutex.acquire()
        if item:
            self._mutex.release()
            return
        self._mutex.release()
def worker():
    lock.acquire()
    do_work()
    lock.release()
    box = Box()
    box.put(1)
threading.Thread(target=worker).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![(8, "FT012".into()), (14, "FT012".into())]
        );
    }

    #[test]
    fn quiet_for_try_finally_context_managers_and_handovers() {
        let source = r#"
import threading
lock = threading.Lock()
ready = threading.Semaphore(0)
class Guard:
    def __enter__(self):
        lock.acquire()
    def __exit__(self, *exc):
        lock.release()
def worker():
    lock.acquire()
    try:
        do_work()
    finally:
        lock.release()
    try:
        lock.acquire()
        do_work()
    finally:
        lock.release()
    ready.acquire()
    with Guard():
        pass
threading.Thread(target=worker).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
