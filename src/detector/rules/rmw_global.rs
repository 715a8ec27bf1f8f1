use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::helpers::reads_name;

declare_rule! {
    /// ## What it does
    /// Finds a module global that a function reads and writes back (`global n; n += 1`,
    /// `total = total + x`) without holding a lock, where the function runs in threads.
    ///
    /// ## Why is this bad?
    /// `n += 1` is three steps: load `n`, add, store `n`. On the GIL build (3.10 to 3.14) a thread
    /// switch happened not to fall between them for plain ints, so the race stayed hidden. On the
    /// free-threaded build (3.13t, 3.14t) threads run these steps truly in parallel: two threads
    /// load the same value and both store value + 1, and updates are lost (CPython issues
    /// gh-125646, gh-134212).
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// hits = 0
    ///
    /// def worker():
    ///     global hits
    ///     for _ in range(100_000):
    ///         hits += 1
    ///
    /// threads = [threading.Thread(target=worker) for _ in range(8)]
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// hits = 0
    /// hits_lock = threading.Lock()
    ///
    /// def worker():
    ///     global hits
    ///     for _ in range(100_000):
    ///         with hits_lock:
    ///             hits += 1
    ///
    /// threads = [threading.Thread(target=worker) for _ in range(8)]
    /// ```
    ///
    /// Or count in a local variable and add it to the global once, under the lock.
    ///
    /// ## References
    /// - [Python HOWTO: free threading](https://docs.python.org/3/howto/free-threading-python.html)
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    pub struct RmwGlobal {
        code: "FT001",
        name: "rmw-global",
        severity: Warning,
        summary: "Read-modify-write of a module global without a lock",
    }
}

/// FT001
pub(crate) fn rmw_global(
    checker: &mut Checker,
    function: &FunctionContext,
    stmt: &Stmt,
    guarded: bool,
) {
    if guarded {
        return;
    }
    let name = match stmt {
        Stmt::AugAssign(assign) => match assign.target.as_ref() {
            Expr::Name(target) => target.id.as_str(),
            _ => return,
        },
        Stmt::Assign(assign) => match assign.targets.as_slice() {
            [Expr::Name(target)] if reads_name(&assign.value, target.id.as_str()) => {
                target.id.as_str()
            }
            _ => return,
        },
        _ => return,
    };
    if !function.scope.globals.contains(name) {
        return;
    }
    let message = format!(
        "`{}` reads and writes module global `{name}` without a lock: threads running `{}` can lose updates",
        checker.text(stmt.range()),
        function.name(checker.model),
    );
    checker.report_race(&RmwGlobal::INFO, function, stmt.range(), message);
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_augmented_and_self_reading_assignments() {
        let source = r#"
import threading
total = 0
count = 0
def worker(x):
    global total, count
    total = total + x
    count += 1
threading.Thread(target=worker, args=(1,)).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![(7, "FT001".into()), (8, "FT001".into())]
        );
    }

    #[test]
    fn follows_calls_from_an_executor_task() {
        let source = r#"
from concurrent.futures import ThreadPoolExecutor as Pool
n = 0
def bump():
    global n
    n -= 1
def task(item):
    bump()
with Pool(4) as pool:
    pool.map(task, range(10))
"#;
        assert_eq!(codes_at(source), vec![(6, "FT001".into())]);
    }

    #[test]
    fn quiet_under_a_lock_for_locals_and_plain_stores() {
        let source = r#"
import threading
n = 0
lock = threading.RLock()
def worker():
    global n
    local = 0
    local += 1
    with lock:
        n += 1
    n = 5
threading.Thread(target=worker).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn quiet_for_functions_no_thread_reaches() {
        let source = r#"
import threading
n = 0
def setup():
    global n
    n += 1
def worker():
    pass
setup()
threading.Thread(target=worker).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
