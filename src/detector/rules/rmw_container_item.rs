use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::fix::locks::{Request, lock_fix};
use crate::detector::helpers::Update;
use crate::detector::semantic::Statement;
use crate::detector::semantic::flow::{Container, ObjectKind};
use crate::detector::semantic::sharing::AccessKind;

declare_rule! {
    /// ## What it does
    /// Finds an item of a shared dict, list or `Counter` read and written back
    /// (`counts[k] += 1`, `counts[k] = counts[k] + 1`, `counts[k] = counts.get(k, 0) + 1`,
    /// and a `Counter`'s `update(...)` or `subtract(...)`, which do that for each item)
    /// without a lock, when another change to the container's items can run at the same time.
    /// The container is shared however threads reach it: a module-level name, an argument or
    /// `functools.partial` argument every thread of a loop gets, an attribute of a shared
    /// object.
    ///
    /// The read and the write may also be two statements with room for other threads between
    /// them: a local carrying the value (`n = d.get(k, 0)` ... `d[k] = n + 1`) or an `if` that compares before it
    /// replaces (`if x > d[k]: d[k] = x`). Putting back a value saved earlier is not an update. These
    /// come without a fix: the lock has to cover the read as well.
    ///
    /// ## Why is this bad?
    /// Reading the item, adding and storing it are three operations. Each one is atomic on the
    /// free-threaded build, but the sequence is not: two threads read the same count and both
    /// store count + 1. The CPython documentation lists `d[key] = d[key] + 1` as not atomic, and a
    /// `Counter` or `defaultdict(int)` behaves the same. `Counter.update` and `Counter.subtract`
    /// are Python loops of exactly that read and write (unlike `dict.update`, which stores the
    /// new values without reading the old ones).
    ///
    /// ## Example
    /// ```python
    /// from collections import Counter
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// word_counts = Counter()
    ///
    /// def count_words(line):
    ///     for word in line.split():
    ///         word_counts[word] += 1
    ///
    /// with ThreadPoolExecutor() as pool:
    ///     pool.map(count_words, ["a b", "b c"])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from collections import Counter
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// def count_words(line):
    ///     return Counter(line.split())
    ///
    /// word_counts = Counter()
    /// with ThreadPoolExecutor() as pool:
    ///     for counts in pool.map(count_words, ["a b", "b c"]):
    ///         word_counts.update(counts)
    /// ```
    ///
    /// Or hold a `threading.Lock` around the update.
    ///
    /// ## Fix safety
    /// The fix holds one lock around the flagged statement and around every other statement that
    /// races with it on the same state: the lock already held around other uses of that state, else
    /// the one lock beside it whose name says it guards what is there (`lock`, `_lock`, `mutex`),
    /// else a new one named after the state and placed where the container lives: after a
    /// module-level container (`_counts_lock`), in `__init__` for a container kept on an instance
    /// (`self._buckets_lock`), with `import threading` at the end of the module's header imports when it is
    /// missing. A new lock is an `RLock` when the code under it calls back into code that touches
    /// the same state; an existing `Lock` is not reused where the code under it would take it
    /// again. The fix is unsafe: a lock changes what may run at once, so review the order in which
    /// locks are taken and anything under the lock that waits for other threads. It is offered only
    /// where each statement stands alone on its lines and no `yield` or `await` would be held under
    /// the lock.
    ///
    /// ## References
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    pub struct RmwContainerItem {
        code: "FT007",
        name: "rmw-container-item",
        severity: Warning,
        summary: "Read-modify-write of an item of a shared container without a lock",
    }
}

/// FT007
pub(crate) fn rmw_container_item(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    if guarded {
        return;
    }
    let container = match (stmt, statement.update) {
        (Stmt::Expr(expr), _) => match counter_update(checker, &expr.value) {
            Some(counter) => counter,
            None => return,
        },
        (
            _,
            Some(Update {
                target: Expr::Subscript(item),
                ..
            }),
        ) => &*item.value,
        _ => return,
    };
    let places = checker.item_places(container);
    let against = [
        AccessKind::Update,
        AccessKind::Add,
        AccessKind::Remove,
        AccessKind::Clear,
    ];
    let Some(race) = checker.race_on(function, statement, &places, AccessKind::Update, &against)
    else {
        return;
    };
    let message = format!(
        "{} reads, changes and writes back {} of `{}` without a lock, and {}: threads can lose updates{}",
        checker.update_text(statement),
        if matches!(stmt, Stmt::Expr(_)) {
            "each counted item"
        } else {
            "an item"
        },
        checker.text(container.range()),
        checker.describe_race(&race),
        checker.describe_owner(race.place),
    );
    let fix = lock_fix(
        checker,
        &Request {
            function,
            statement,
            flagged: std::slice::from_ref(stmt),
            state: container,
            places: &places,
            kind: AccessKind::Update,
            against: &against,
            inner_headers: Vec::new(),
            rewrite: None,
        },
        "the update",
    );
    if let Some(diagnostic) =
        checker.report_conflict(&RmwContainerItem::INFO, function, stmt.range(), message)
    {
        diagnostic.fix = fix;
    }
}

/// The receiver of `counter.update(...)` or `counter.subtract(...)` when every object it can
/// be is a `collections.Counter`.
fn counter_update<'a>(checker: &Checker, expr: &'a Expr) -> Option<&'a Expr> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Attribute(method) = call.func.as_ref() else {
        return None;
    };
    if !matches!(method.attr.as_str(), "update" | "subtract") || call.arguments.is_empty() {
        return None;
    }
    let flow = &checker.model.flow;
    let objects = flow.objects_at(&method.value);
    let counters = !objects.is_empty()
        && objects.iter().all(|&object| {
            matches!(flow.object(object).kind, ObjectKind::Container(key)
                if key.container() == Container::Counter)
        });
    counters.then_some(&method.value)
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_an_item_read_into_a_local_then_written_back() {
        let source = r#"
import threading
totals = {}
def add(account, cents):
    current = totals.get(account, 0)
    totals[account] = current + cents
def copy_on_write(account):
    snapshot = dict(totals)
    totals[account] = 0
for n in range(4):
    threading.Thread(target=add, args=("a", n)).start()
    threading.Thread(target=copy_on_write, args=("a",)).start()
"#;
        let flagged: Vec<_> = crate::check_source(source)
            .into_iter()
            .filter(|d| d.code == "FT007")
            .map(|d| (d.location.row, d.message))
            .collect();
        assert_eq!(flagged.len(), 1, "{flagged:?}");
        assert_eq!(flagged[0].0, 6);
        assert!(
            flagged[0]
                .1
                .starts_with("`current = totals.get(account, 0)` (line 5) then"),
            "{}",
            flagged[0].1
        );
    }

    #[test]
    fn flags_augmented_self_reading_and_get_updates() {
        let source = r#"
import threading
hits = {}
totals = [0, 0]
def worker(key, i):
    hits[key] += 1
    hits[key] = hits.get(key, 0) + 1
    totals[i] = totals[i] + 5
for i in range(2):
    threading.Thread(target=worker, args=("a", i)).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (6, "FT007".into()),
                (7, "FT007".into()),
                (8, "FT007".into())
            ]
        );
    }

    #[test]
    fn quiet_for_locked_local_thread_local_and_single_stores() {
        let source = r#"
import threading
hits = {}
lock = threading.Lock()
tls = threading.local()
def worker(key):
    with lock:
        hits[key] += 1
    mine = {}
    mine[key] = mine.get(key, 0) + 1
    tls.counts[key] += 1
    hits[key] = 1
    hits.setdefault(key, 0)
threading.Thread(target=worker, args=("a",)).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn flags_counter_update_and_subtract_in_threads() {
        let source = r#"
import collections
from concurrent.futures import ThreadPoolExecutor
words = collections.Counter()
stock = collections.Counter(apples=3)
def count(line):
    words.update(line.split())
    stock.subtract({"apples": 1})
with ThreadPoolExecutor() as pool:
    pool.map(count, ["a b", "b c"])
"#;
        assert_eq!(
            codes_at(source),
            vec![(7, "FT007".into()), (8, "FT007".into())]
        );
    }

    #[test]
    fn quiet_for_dict_update_a_locked_counter_and_a_counter_per_call() {
        let source = r#"
import collections
import threading
from concurrent.futures import ThreadPoolExecutor
settings = {}
totals = collections.Counter()
lock = threading.Lock()
def count(line):
    settings.update({"seen": True})
    with lock:
        totals.update(line.split())
    mine = collections.Counter()
    mine.update(line.split())
    return mine
with ThreadPoolExecutor() as pool:
    pool.map(count, ["a b", "b c"])
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
