use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::semantic::{Statement, ThreadContext};

declare_rule! {
    /// ## What it does
    /// Finds `self.x += 1` (or `self.x = self.x + ...`) without a lock in a method of a class
    /// whose instances threads share: a bound method of it runs in threads
    /// (`Thread(target=self.poll)`, `pool.submit(stats.record)`), its `__init__` creates a lock
    /// attribute (the author expects sharing, yet this update is outside the lock), or an
    /// instance is bound at module level. When each instance runs one thread of its own (a
    /// `threading.Thread` subclass, or `__init__` starting `Thread(target=self.poll)` outside a
    /// loop) it flags the update in that thread's code only when a method that runs outside that
    /// thread writes the same attribute. `__init__` and request handler classes (one instance
    /// per request) are left alone. The same goes for `stats.count += 1` in a function whose
    /// `stats` parameter receives one object that every thread of a loop is given
    /// (`Thread(target=add, args=(stats,))`, `pool.submit(add, stats)`).
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
    /// threading.Thread(target=stats.record).start()
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
    /// threading.Thread(target=stats.record).start()
    /// ```
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

/// Methods that run before the object is published, or on the class.
const CONSTRUCTORS: &[&str] = &["__init__", "__new__", "__post_init__", "__init_subclass__"];

/// FT005
pub(crate) fn rmw_shared_instance(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    if guarded {
        return;
    }
    let method = &checker.model.functions[function.id];
    let Some(class) = method.class else {
        shared_argument_update(checker, function, statement);
        return;
    };
    if CONSTRUCTORS.contains(&method.name()) || checker.model.is_thread_local_class(class) {
        return;
    }
    let Some(receiver) = method.def.parameters.iter_non_variadic_params().next() else {
        return;
    };
    let Some(Expr::Attribute(target)) = statement.read_modify_write else {
        return;
    };
    if !matches!(target.value.as_ref(), Expr::Name(name) if name.id == receiver.name().as_str()) {
        return;
    }
    let reason = match checker.model.shared_class(class) {
        Some(reason) => reason.to_string(),
        None => match written_from_another_thread(checker, function, class, target.attr.as_str()) {
            Some(reason) => reason,
            None => return,
        },
    };
    let message = format!(
        "`{}` reads and writes `{}` without a lock, and threads share instances of `{class}` ({reason}): updates can be lost",
        checker.text(stmt.range()),
        checker.text(target.range()),
    );
    checker.report_race(&RmwSharedInstance::INFO, function, stmt.range(), message);
}

/// When each instance runs one thread of its own (a `threading.Thread` subclass's `run`, a method
/// `__init__` starts), that thread updates `self` while the thread that created the object keeps
/// it: an attribute is shared when a method that runs elsewhere also writes it
/// (`crawler.reset_stats()` beside `self.pages += 1` in `run`). Attributes only the object's own
/// thread writes are not: other threads at most read a slightly old value.
fn written_from_another_thread(
    checker: &Checker,
    function: &FunctionContext,
    class: &str,
    attribute: &str,
) -> Option<String> {
    if !checker.model.is_thread_class(class) {
        return None;
    }
    let entry_of = |id| match checker.model.thread_context(id) {
        ThreadContext::Threaded(witness) => Some(&witness.entry),
        _ => None,
    };
    let here = entry_of(function.id);
    checker
        .model
        .functions
        .iter()
        .enumerate()
        .filter(|&(id, method)| {
            id != function.id
                && method.class == Some(class)
                && !CONSTRUCTORS.contains(&method.name())
                && !(here.is_some() && entry_of(id) == here)
        })
        .find_map(|(id, method)| {
            let receiver = method.def.parameters.iter_non_variadic_params().next()?;
            let receiver = receiver.name().as_str();
            let writes = checker
                .model
                .body(id)
                .statements()
                .any(|statement| writes_attribute(statement.stmt, receiver, attribute));
            writes.then(|| {
                format!(
                    "each instance runs a thread of its own, and its method `{}`, which runs outside that thread, also writes `{receiver}.{attribute}`",
                    method.name()
                )
            })
        })
}

/// Whether a statement stores `receiver.attribute` (`=`, `+=`, annotated).
fn writes_attribute(stmt: &Stmt, receiver: &str, attribute: &str) -> bool {
    let is_target = |target: &Expr| {
        matches!(target, Expr::Attribute(stored)
            if stored.attr.as_str() == attribute
                && matches!(stored.value.as_ref(), Expr::Name(name) if name.id == receiver))
    };
    match stmt {
        Stmt::Assign(assign) => assign.targets.iter().any(is_target),
        Stmt::AugAssign(assign) => is_target(&assign.target),
        Stmt::AnnAssign(assign) => is_target(&assign.target),
        _ => false,
    }
}

/// `stats.count += 1` in a function whose `stats` parameter is one object that several threads
/// were given.
fn shared_argument_update(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let stmt = statement.stmt;
    let Some(Expr::Attribute(target)) = statement.read_modify_write else {
        return;
    };
    let Expr::Name(receiver) = target.value.as_ref() else {
        return;
    };
    let def = checker.model.functions[function.id].def;
    let Some(index) = def
        .parameters
        .iter_non_variadic_params()
        .position(|parameter| parameter.name().as_str() == receiver.id.as_str())
    else {
        return;
    };
    let Some(reason) = checker.model.shared_argument(function.id, index) else {
        return;
    };
    let message = format!(
        "`{}` reads and writes `{}` without a lock, and {reason}: updates can be lost",
        checker.text(stmt.range()),
        checker.text(target.range()),
    );
    checker.report_race(&RmwSharedInstance::INFO, function, stmt.range(), message);
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

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
class Stats:
    def __init__(self):
        self.total = 0
    def record(self, n):
        self.total = self.total + n
def main():
    stats = Stats()
    with ThreadPoolExecutor() as ex:
        ex.submit(stats.record, 1)
"#;
        assert_eq!(
            codes_at(source),
            vec![(10, "FT005".into()), (15, "FT005".into())]
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
        // `errors` is only written by the crawler's own thread; the monitor just reads it.
        assert_eq!(codes_at(source), vec![(9, "FT005".into())]);
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
def worker():
    cache = Cache()
    cache.get(1)
threading.Thread(target=worker).start()
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
