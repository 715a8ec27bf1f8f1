use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext, Place};
use crate::detector::fix::locks::{Request, lock_fix};
use crate::detector::semantic::Statement;
use crate::detector::semantic::flow::Scope;
use crate::detector::semantic::sharing::{AccessKind, Owner};

declare_rule! {
    /// ## What it does
    /// Finds a class attribute that a function reads and writes back (`Conn.count += 1`,
    /// `cls.n += 1`, `type(self).n = type(self).n + 1`, `self.__class__.n -= 1`) without
    /// holding a lock, when another write to it can run at the same time (the same statement
    /// in several threads, or another method in another thread).
    ///
    /// The read and the write may also be two statements with room for other threads between
    /// them: a local carrying the value (`n = cls.next_id` ... `cls.next_id = n + 1`) or an `if` that compares before it
    /// replaces (`if x > cls.peak: cls.peak = x`). Putting back a value saved earlier is not an update. These
    /// come without a fix: the lock has to cover the read as well.
    ///
    /// ## Why is this bad?
    /// A class attribute lives in the class's `__dict__`, one place shared by every instance and
    /// every thread: `Conn.count += 1` loads it, adds and stores it back, exactly like a module
    /// global. On the free-threaded build (3.13t, 3.14t) two threads load the same value and both
    /// store value + 1, so counts drift and "unique" ids repeat.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// class Conn:
    ///     opened = 0
    ///
    ///     def __init__(self, host):
    ///         self.host = host
    ///         Conn.opened += 1
    ///
    /// def worker(host):
    ///     Conn(host)
    ///
    /// for host in ("db", "cache"):
    ///     threading.Thread(target=worker, args=(host,)).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// class Conn:
    ///     opened = 0
    ///     _opened_lock = threading.Lock()
    ///
    ///     def __init__(self, host):
    ///         self.host = host
    ///         with Conn._opened_lock:
    ///             Conn.opened += 1
    ///
    /// def worker(host):
    ///     Conn(host)
    ///
    /// for host in ("db", "cache"):
    ///     threading.Thread(target=worker, args=(host,)).start()
    /// ```
    ///
    /// Or count with `itertools.count()` (`next()` on it is atomic in CPython).
    ///
    /// ## Fix safety
    /// The fix holds one lock around the flagged statement and around every other statement that
    /// races with it on the same state: the lock already held around other uses of that state, else
    /// the one lock beside it whose name says it guards what is there (`lock`, `_lock`, `mutex`),
    /// else a new one named after the state (`Conn._opened_lock`), created after the attribute in
    /// the class body; not for an enum, a named tuple, a typed dict, or a class with its own
    /// metaclass, with `import threading` at the end of the module's header imports when it is
    /// missing. A new lock is an `RLock` when the code under it calls back into code that touches
    /// the same state; an existing `Lock` is not reused where the code under it would take it
    /// again. The fix is unsafe: a lock changes what may run at once, so review the order in which
    /// locks are taken and anything under the lock that waits for other threads. It is offered only
    /// where each statement stands alone on its lines and no `yield` or `await` would be held under
    /// the lock.
    ///
    /// ## References
    /// - [Python HOWTO: free threading](https://docs.python.org/3/howto/free-threading-python.html)
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    pub struct RmwClassAttr {
        code: "FT004",
        name: "rmw-class-attr",
        severity: Warning,
        summary: "Read-modify-write of a class attribute without a lock",
    }
}

/// FT004
pub(crate) fn rmw_class_attr(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    if guarded && checker.guards_globals(statement) {
        return;
    }
    let Some(target @ Expr::Attribute(attribute)) = statement.update.map(|update| update.target)
    else {
        return;
    };
    // Only the class attributes the target may denote (`cls.n`, `Counter.n`, `type(self).n`).
    let places: Vec<Place> = checker
        .places(target)
        .into_iter()
        .filter(|place| place.owner == Owner::Global)
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
    let class = match checker.model.flow.scope_of(race.place.var) {
        Some(Scope::Class(class)) => checker.model.flow.classes[class].def.name.as_str(),
        _ => return,
    };
    let message = format!(
        "{} reads and writes class attribute `{}` of `{class}` {}, and {}: every instance and thread shares it, so updates are lost",
        checker.update_text(statement),
        attribute.attr.as_str(),
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
        checker.report_conflict(&RmwClassAttr::INFO, function, stmt.range(), message)
    {
        diagnostic.fix = fix;
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_a_classmethod_called_through_an_instance() {
        let source = r#"
import threading
class Orders:
    next_no = 0
    @classmethod
    def allocate(cls):
        number = cls.next_no
        cls.next_no = number + 1
        return number
    def place(self):
        return self.allocate()
orders = Orders()
for _ in range(3):
    threading.Thread(target=orders.place).start()
"#;
        assert_eq!(codes_at(source), vec![(8, "FT004".into())]);
    }

    #[test]
    fn flags_class_name_cls_and_type_self() {
        let source = r#"
import threading
class Counter:
    total = 0
    def bump(self):
        Counter.total += 1
        type(self).total = type(self).total + 1
        self.__class__.total -= 1
    @classmethod
    def reset(cls):
        cls.total += 1
def worker():
    c = Counter()
    c.bump()
    Counter.reset()
for _ in range(4):
    threading.Thread(target=worker).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (6, "FT004".into()),
                (7, "FT004".into()),
                (8, "FT004".into()),
                (11, "FT004".into())
            ]
        );
    }

    #[test]
    fn flags_a_class_attribute_under_a_lock_each_instance_makes() {
        let source = r#"
import threading
class Series:
    issued = 0
    def __init__(self, prefix):
        self.prefix = prefix
        self._lock = threading.Lock()
    def next(self):
        with self._lock:
            Series.issued += 1
            self.count = 1
def work(prefix):
    Series(prefix).next()
for prefix in ["INV", "CN"]:
    threading.Thread(target=work, args=(prefix,)).start()
"#;
        let diagnostics = crate::check_source(source);
        let found: Vec<(usize, &str)> = diagnostics
            .iter()
            .map(|d| (d.location.row, d.code.as_str()))
            .collect();
        assert_eq!(found, vec![(10, "FT004")]);
        assert!(
            diagnostics[0]
                .message
                .contains("holding only `self._lock`, a lock each instance makes for itself"),
            "{}",
            diagnostics[0].message
        );
        // One instance made once at import has one lock.
        let single = source.replace(
            "def work(prefix):\n    Series(prefix).next()\nfor prefix in [\"INV\", \"CN\"]:\n    threading.Thread(target=work, args=(prefix,)).start()\n",
            "series = Series(\"INV\")\nfor _ in range(2):\n    threading.Thread(target=series.next).start()\n",
        );
        assert_ne!(single, source);
        assert_eq!(codes_at(&single), vec![]);
    }

    #[test]
    fn quiet_under_a_lock_for_plain_stores_and_unthreaded_code() {
        let source = r#"
import threading
class Counter:
    total = 0
    lock = threading.Lock()
    def bump(self):
        with Counter.lock:
            Counter.total += 1
        Counter.total = 0
        self.total = 5
def setup():
    Counter.total += 1
def worker():
    Counter().bump()
setup()
threading.Thread(target=worker).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn info_when_the_module_starts_no_threads() {
        let source = r#"
class Registry:
    n = 0
    def add(self):
        Registry.n += 1
"#;
        let diagnostics = crate::detector::check_source(source);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "FT004");
        assert_eq!(diagnostics[0].severity, crate::detector::Severity::Info);
    }
}
