use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::fix::locks::{Request, lock_fix};
use crate::detector::semantic::Statement;
use crate::detector::semantic::sharing::AccessKind;

declare_rule! {
    /// ## What it does
    /// Finds a module global that a function reads and writes back (`global n; n += 1`,
    /// `total = total + x`) without holding a lock, when another write to it can run at the
    /// same time: the same statement in several threads (a loop of `Thread`s, a pool's tasks),
    /// another function's update in another thread, or the starting thread's own write while
    /// its threads run. One thread updating a global that no other code writes meanwhile is
    /// not reported.
    ///
    /// The read and the write may also be two statements with room for other threads between
    /// them: a local carrying the value (`n = counter` ... `counter = n + 1`) or an `if` that compares before it
    /// replaces (`if x > peak: peak = x`). Putting back a value saved earlier is not an update. These
    /// come without a fix: the lock has to cover the read as well.
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
    /// ## Fix safety
    /// The fix holds one lock around the flagged statement and around every other statement that
    /// races with it on the same state: the lock already held around other uses of that state, else
    /// the one lock beside it whose name says it guards what is there (`lock`, `_lock`, `mutex`),
    /// else a new one named after the state (`_counter_lock`), created after the global's first
    /// top-level assignment, with `import threading` at the end of the module's header imports when
    /// it is missing. A new lock is an `RLock` when the code under it calls back into code that
    /// touches the same state; an existing `Lock` is not reused where the code under it would take
    /// it again. The fix is unsafe: a lock changes what may run at once, so review the order in
    /// which locks are taken and anything under the lock that waits for other threads. It is
    /// offered only where each statement stands alone on its lines and no `yield` or `await` would
    /// be held under the lock.
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
pub(crate) fn rmw_global(checker: &mut Checker, function: &FunctionContext, statement: &Statement) {
    let Statement { stmt, guarded, .. } = *statement;
    if guarded && checker.guards_globals(statement) {
        return;
    }
    let Some(target @ Expr::Name(name)) = statement.update.map(|update| update.target) else {
        return;
    };
    let name = name.id.as_str();
    if !function.scope().globals.contains(name) {
        return;
    }
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
        "{} reads and writes module global `{name}` {}, and {}: updates can be lost",
        checker.update_text(statement),
        checker.lock_held_text(statement),
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
        checker.report_conflict(&RmwGlobal::INFO, function, stmt.range(), message)
    {
        diagnostic.fix = fix;
    }
}

#[cfg(test)]
mod tests {
    use crate::check_source;
    use crate::detector::apply_fixes;
    use crate::detector::test_support::codes_at;

    /// Applies the fix of every FT001 finding and returns the new source.
    fn fixed(source: &str) -> String {
        let diagnostics: Vec<_> = check_source(source)
            .into_iter()
            .filter(|d| d.code == "FT001")
            .collect();
        assert!(!diagnostics.is_empty(), "no FT001 in {source}");
        assert!(
            diagnostics.iter().all(|d| d.fix.is_some()),
            "{diagnostics:?}"
        );
        apply_fixes(source, &diagnostics)
    }

    #[test]
    fn fix_reuses_the_one_module_lock() {
        let source = "import threading\nn = 0\nlock = threading.Lock()\ndef worker():\n    global n\n    n += 1  # count\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n";
        let after = fixed(source);
        assert_eq!(
            after,
            "import threading\nn = 0\nlock = threading.Lock()\ndef worker():\n    global n\n    with lock:\n        n += 1  # count\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n"
        );
        assert_eq!(codes_at(&after), vec![]);
    }

    #[test]
    fn fix_creates_a_lock_and_the_import() {
        let source = r#"from concurrent.futures import ThreadPoolExecutor
total = 0
def add(x):
    global total
    for _ in range(3):
        total = total + x
with ThreadPoolExecutor() as pool:
    pool.map(add, range(10))
"#;
        let after = fixed(source);
        assert_eq!(
            after,
            r#"from concurrent.futures import ThreadPoolExecutor
import threading
total = 0
_total_lock = threading.Lock()
def add(x):
    global total
    for _ in range(3):
        with _total_lock:
            total = total + x
with ThreadPoolExecutor() as pool:
    pool.map(add, range(10))
"#
        );
        assert_eq!(codes_at(&after), vec![]);
    }

    #[test]
    fn fix_fixes_every_site_with_one_new_lock_per_global() {
        let source = "import threading\n\nhits = 0\nmisses = 0\n\ndef worker():\n    global hits, misses\n    hits += 1\n    misses += 1\n\nthreading.Thread(target=worker).start()\nthreading.Thread(target=worker).start()\n";
        let after = fixed(source);
        assert!(after.contains("_hits_lock = threading.Lock()"), "{after}");
        assert!(after.contains("_misses_lock = threading.Lock()"), "{after}");
        assert_eq!(codes_at(&after), vec![]);
    }

    #[test]
    fn no_fix_for_a_statement_sharing_its_line() {
        let source = "import threading\nn = 0\ndef worker():\n    global n\n    if True: n += 1\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n";
        let diagnostics = check_source(source);
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].fix.is_none());
    }

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
for x in range(4):
    threading.Thread(target=worker, args=(x,)).start()
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
    fn one_thread_races_only_with_a_writer_that_runs_alongside_it() {
        // One thread updates `n` and nothing else writes it while it runs: no lost update.
        let alone = "import threading\nn = 0\ndef worker():\n    global n\n    n += 1\nt = threading.Thread(target=worker)\nt.start()\nt.join()\nn = 0\n";
        assert_eq!(codes_at(alone), vec![]);
        // The starting thread writes `n` between `start()` and `join()`.
        let alongside = alone.replace("t.join()\nn = 0\n", "n = 0\nt.join()\n");
        assert_eq!(codes_at(&alongside), vec![(5, "FT001".into())]);
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
