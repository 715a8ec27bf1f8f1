use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext, Place};
use crate::detector::fix::locks::{Request, lock_fix};
use crate::detector::semantic::Statement;
use crate::detector::semantic::sharing::{AccessKind, Owner};
use crate::detector::semantic::vocabulary::CONSTRUCTORS;

declare_rule! {
    /// ## What it does
    /// Finds an attribute of a shared object read and written back without a lock
    /// (`self.count += 1`, `stats.total = stats.total + n`, `self.meter.hits += 1`), when
    /// another write to the same attribute can run at the same time. The analysis follows the
    /// object, not names: it is shared when a module-level name or class attribute holds it,
    /// when every thread of a loop or pool gets it (as an argument, a bound method's receiver,
    /// a `functools.partial` or lambda argument, a constructor argument kept on `self` of a
    /// `Thread` subclass), when two thread entries get it, when the starting thread keeps using
    /// it while its threads run, or when it runs a thread on its own method while callers use
    /// its other methods. An object each thread creates for itself is not shared, nor is an
    /// attribute only one thread writes. `__init__` is left alone (it runs before the object
    /// is published).
    ///
    /// The read and the write may also be two statements with room for other threads between
    /// them: a local carrying the value (`n = self.count` ... `self.count = n + 1`) or an `if` that compares before it
    /// replaces (`if x > self.best: self.best = x`). Putting back a value saved earlier is not an update. These
    /// come without a fix: the lock has to cover the read as well.
    ///
    /// ## Why is this bad?
    /// `self.x += 1` loads the attribute, adds, and stores it back. When several threads call
    /// methods of the same object, on the free-threaded build (3.13t, 3.14t) two of them load the
    /// same value and both store value + 1: counters and totals lose updates. Under the GIL the
    /// window was small enough to hide the bug.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// class Stats:
    ///     def __init__(self):
    ///         self._lock = threading.Lock()
    ///         self.requests = 0
    ///
    ///     def record(self):
    ///         self.requests += 1
    ///
    /// stats = Stats()
    /// for _ in range(4):
    ///     threading.Thread(target=stats.record).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// class Stats:
    ///     def __init__(self):
    ///         self._lock = threading.Lock()
    ///         self.requests = 0
    ///
    ///     def record(self):
    ///         with self._lock:
    ///             self.requests += 1
    ///
    /// stats = Stats()
    /// for _ in range(4):
    ///     threading.Thread(target=stats.record).start()
    /// ```
    ///
    /// ## Fix safety
    /// The fix holds one lock around the flagged statement and around every other statement that
    /// races with it on the same state: the lock already held around other uses of that state, else
    /// the one lock `__init__` creates whose name says it guards the object (`self._lock`), else a
    /// new one named after the attribute (`self._hits_lock`), created in `__init__` beside the lock
    /// it creates already or as its first statement (on the class, `Stats._hits_lock`, for a class
    /// without `__init__`), with `import threading` at the end of the module's header imports when
    /// it is missing. A new lock is an `RLock` when the code under it calls back into code that
    /// touches the same state; an existing `Lock` is not reused where the code under it would take
    /// it again. The fix is unsafe: a lock changes what may run at once, so review the order in
    /// which locks are taken and anything under the lock that waits for other threads; a lock kept
    /// on each instance also stops it from being pickled or deep-copied. It is offered only where
    /// each statement stands alone on its lines and no `yield` or `await` would be held under the
    /// lock, and not for classes with `__slots__` or their own `__setattr__`.
    ///
    /// ## References
    /// - [Porting guide: dealing with thread-unsafe objects](https://py-free-threading.github.io/porting/#dealing-with-thread-unsafe-objects)
    /// - [Python HOWTO: free threading](https://docs.python.org/3/howto/free-threading-python.html)
    pub struct RmwSharedInstance {
        code: "FT005",
        name: "rmw-shared-instance",
        severity: Warning,
        summary: "Read-modify-write of an attribute of an object shared between threads, without a lock",
    }
}

/// FT005
pub(crate) fn rmw_shared_instance(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    if guarded || CONSTRUCTORS.contains(&function.name(checker.model)) {
        return;
    }
    let Some(target @ Expr::Attribute(_)) = statement.update.map(|update| update.target) else {
        return;
    };
    let places: Vec<Place> = checker
        .places(target)
        .into_iter()
        .filter(|place| matches!(place.owner, Owner::Object(_)))
        .collect();
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
        "{} reads and writes `{}` without a lock, and {}: updates can be lost{}",
        checker.update_text(statement),
        checker.text(target.range()),
        checker.describe_race(&race),
        checker.describe_owner(race.place),
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
        checker.report_conflict(&RmwSharedInstance::INFO, function, stmt.range(), message)
    {
        diagnostic.fix = fix;
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn an_instance_any_thread_may_use_is_named_once_in_the_message() {
        let source = "class Counter:\n    def __init__(self):\n        self.n = 0\n    def bump(self):\n        self.n += 1\n";
        let diagnostics = crate::check_source(source);
        let [finding] = diagnostics.as_slice() else {
            panic!("{diagnostics:?}")
        };
        assert!(
            finding
                .message
                .contains("(an instance of `Counter`, whose public methods any thread may call)"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn flags_updates_split_through_a_local_or_an_ordering_test() {
        let source = r#"
import threading
class Board:
    def __init__(self):
        self.best = 0
        self.offset = 0
        self.mode = "fast"
    def record(self, score):
        if score > self.best:
            self.best = score
        start = self.offset
        self.offset = start + score
    def quietly(self, score):
        saved = self.mode
        self.mode = "quiet"
        self.mode = saved
board = Board()
for n in range(4):
    threading.Thread(target=board.record, args=(n,)).start()
    threading.Thread(target=board.quietly, args=(n,)).start()
"#;
        let diagnostics: Vec<_> = crate::check_source(source)
            .into_iter()
            .filter(|d| d.code == "FT005")
            .collect();
        let rows: Vec<usize> = diagnostics.iter().map(|d| d.location.row).collect();
        // Putting back what was saved (line 16) is not an update.
        assert_eq!(rows, vec![10, 12], "{diagnostics:?}");
        assert!(
            diagnostics[0]
                .message
                .starts_with("`score > self.best` (line 9) then `self.best = score` reads"),
            "{}",
            diagnostics[0].message
        );
        assert!(
            diagnostics[1]
                .message
                .starts_with("`start = self.offset` (line 11) then `self.offset = start + score`"),
            "{}",
            diagnostics[1].message
        );
        // A lock around the write alone would leave the read outside it.
        assert!(diagnostics.iter().all(|d| d.fix.is_none()));
    }

    #[test]
    fn leaves_a_split_update_held_under_one_lock() {
        let source = r#"
import threading
class Board:
    def __init__(self):
        self.best = 0
        self.lock = threading.Lock()
    def record(self, score):
        with self.lock:
            if score > self.best:
                self.best = score
            start = self.best
            self.best = start + 1
board = Board()
for n in range(4):
    threading.Thread(target=board.record, args=(n,)).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn flags_bound_method_targets_and_executor_tasks() {
        let source = r#"
import threading
from concurrent.futures import ThreadPoolExecutor
class Poller:
    def __init__(self):
        self.polls = 0
    def start(self):
        threading.Thread(target=self.poll).start()
    def poll(self):
        self.polls += 1
    def reset(self):
        self.polls = 0
class Stats:
    def __init__(self):
        self.total = 0
    def record(self, n):
        self.total = self.total + n
def main():
    stats = Stats()
    with ThreadPoolExecutor() as ex:
        for n in range(10):
            ex.submit(stats.record, n)
"#;
        // `poll` races with `reset`, which the poller's callers run while its thread does.
        assert_eq!(
            codes_at(source),
            vec![(10, "FT005".into()), (17, "FT005".into())]
        );
    }

    #[test]
    fn flags_a_thread_subclass_attribute_that_another_thread_also_writes() {
        let source = r#"
import threading
class Crawler(threading.Thread):
    def __init__(self):
        super().__init__()
        self.pages = 0
        self.errors = 0
    def run(self):
        self.pages += 1
        self.errors += 1
    def reset_stats(self):
        pages = self.pages
        self.pages -= pages
        return pages
    def error_count(self):
        return self.errors
"#;
        // `errors` is only written by the crawler's own thread; the monitor just reads it. Both
        // sides of the race on `pages` are unguarded updates.
        assert_eq!(
            codes_at(source),
            vec![(9, "FT005".into()), (13, "FT005".into())]
        );
    }

    #[test]
    fn leaves_a_thread_subclass_whose_helpers_run_in_its_own_thread() {
        let source = r#"
import threading
class Worker(threading.Thread):
    def __init__(self):
        super().__init__()
        self.done = 0
    def run(self):
        self.step()
        self.done += 1
    def step(self):
        self.done = 0
    def progress(self):
        return self.done
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn a_thread_started_by_init_shares_only_what_other_methods_also_write() {
        let source = r#"
import _thread
import threading
class LoadTracker:
    def __init__(self):
        self.load = 0.0
        self.samples = 0
        _thread.start_new_thread(self._update, ())
    def _update(self):
        while True:
            self.load = self.load * 0.9 + 0.1
            self.samples += 1
    def reset(self):
        self.samples = 0
    def read(self):
        return self.load
"#;
        // `load` is written by the tracker's own thread only; `reset` also writes `samples`.
        assert_eq!(codes_at(source), vec![(12, "FT005".into())]);
    }

    #[test]
    fn flags_updates_outside_the_lock_the_class_creates() {
        let source = r#"
import threading
class Cache:
    def __init__(self):
        self._lock = threading.RLock()
        self.hits = 0
        self.misses = 0
    def get(self, key):
        with self._lock:
            self.hits += 1
        self.misses += 1
cache = Cache()
def worker():
    cache.get(1)
def private_worker():
    # Each thread's own cache: no other thread ever sees it.
    own = Cache()
    own.get(1)
for _ in range(4):
    threading.Thread(target=worker).start()
    threading.Thread(target=private_worker).start()
"#;
        assert_eq!(codes_at(source), vec![(11, "FT005".into())]);
    }

    #[test]
    fn flags_an_object_handed_to_every_thread_of_a_loop() {
        let source = r#"
import threading
from concurrent.futures import ThreadPoolExecutor
class Totals:
    pass
def add(totals, n):
    totals.count += n
def run(jobs):
    totals = Totals()
    threads = [threading.Thread(target=add, args=(totals, n)) for n in jobs]
    with ThreadPoolExecutor() as pool:
        for n in jobs:
            pool.submit(add, totals, n)
"#;
        assert_eq!(codes_at(source), vec![(7, "FT005".into())]);
    }

    #[test]
    fn quiet_when_each_thread_gets_its_own_object() {
        let source = r#"
import threading
class Totals:
    pass
def add(totals):
    totals.count += 1
for n in range(4):
    totals = Totals()
    threading.Thread(target=add, args=(totals,)).start()
for n in range(4):
    threading.Thread(target=add, args=(n,)).start()
threading.Thread(target=add, args=(Totals(),)).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn quiet_for_handlers_unshared_classes_init_and_thread_locals() {
        let source = r#"
import socketserver
import threading
class Handler(socketserver.BaseRequestHandler):
    def __init__(self, *args):
        self.lines = 0
        self._lock = threading.Lock()
        super().__init__(*args)
    def handle(self):
        self.lines += 1
class Point:
    def move(self):
        self.x += 1
class Context(threading.local):
    def __init__(self):
        self._lock = threading.Lock()
    def bump(self):
        self.depth += 1
ctx = Context()
def worker():
    Point().move()
    ctx.bump()
threading.Thread(target=worker).start()
server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
