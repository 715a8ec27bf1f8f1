use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Comprehension, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext, Place};
use crate::detector::fix::edits::{insertion, through_parameter};
use crate::detector::semantic::Statement;
use crate::detector::semantic::flow::{Container, ObjectKind};
use crate::detector::semantic::flow::{ObjId, Scope};
use crate::detector::semantic::sharing::{AccessKind, Owner};
use crate::detector::semantic::vocabulary::ITERATING;
use crate::detector::{Applicability, Fix};

declare_rule! {
    /// ## What it does
    /// Finds a loop or comprehension over a shared dict, set, list, deque or weak container
    /// (`for k in cache:`, `for k, v in self.sessions.items():`, `[x for x in pending]`,
    /// `sum(totals.values())`) without a lock, while code that can run at the same time adds or
    /// removes items (`append`, `add`, `pop`, `del c[k]`, `c[k] = v`, ...). A copy made in one
    /// step (`list(c)`, `c.copy()`) is not such an iteration, nor is a container a local took
    /// out of the shared place (`batch, self.buf = self.buf, []`).
    ///
    /// ## Why is this bad?
    /// Iterating a container is many steps, one per item. If another thread adds or removes an
    /// item meanwhile, a dict raises `RuntimeError: dictionary changed size during iteration`,
    /// a set `RuntimeError: Set changed size during iteration`, a deque `RuntimeError: deque
    /// mutated during iteration`, and a list silently skips or repeats items. The CPython thread
    /// safety documentation lists iteration while another thread modifies as not thread-safe. On
    /// the free-threaded build (3.13t, 3.14t) the writer really runs during the loop, so the
    /// crash that was rare under the GIL becomes routine.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// sessions = {}
    ///
    /// def login(sid, user):
    ///     sessions[sid] = user
    ///
    /// def report():
    ///     for sid, user in sessions.items():
    ///         print(sid, user)
    ///
    /// threading.Thread(target=login, args=("a", "ann")).start()
    /// threading.Thread(target=report).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// sessions = {}
    ///
    /// def login(sid, user):
    ///     sessions[sid] = user
    ///
    /// def report():
    ///     for sid, user in sessions.copy().items():
    ///         print(sid, user)
    ///
    /// threading.Thread(target=login, args=("a", "ann")).start()
    /// threading.Thread(target=report).start()
    /// ```
    ///
    /// `dict.copy()`, `list.copy()` and `set.copy()` take the snapshot atomically; or hold one
    /// lock around both the loop and every change.
    ///
    /// ## Fix safety
    /// The fix iterates over a copy (`for k, v in cache.copy().items():`), which `dict`, `list` and
    /// `set` take in one step. It is safe: offered only when every object the container may be is a
    /// built-in `dict`, `list` or `set` the module creates (`{}`, `[]`, `set()`, ...), and when
    /// neither the loop nor the code it calls changes the container, so the loop sees the same
    /// items in the same order on one thread.
    ///
    /// ## References
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    /// - [Python HOWTO: free threading](https://docs.python.org/3/howto/free-threading-python.html)
    pub struct IterateWhileMutating {
        code: "FT016",
        name: "iterate-while-mutating",
        severity: Error,
        summary: "Iteration over a shared container that another thread changes",
    }
}

/// FT016
pub(crate) fn iterate_while_mutating(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    if guarded {
        return;
    }
    let mut iterables = Vec::new();
    if let Stmt::For(for_stmt) = stmt
        && !for_stmt.is_async
    {
        iterables.push(for_stmt.iter.as_ref());
    }
    let mut finder = Iterables { found: Vec::new() };
    for &expr in statement.expressions {
        if !matches!(stmt, Stmt::For(for_stmt) if std::ptr::eq(expr, for_stmt.iter.as_ref())) {
            finder.visit_expr(expr);
        }
    }
    iterables.extend(finder.found);
    let mut reported: Vec<TextRange> = Vec::new();
    for iterable in iterables {
        let container = iterated_container(iterable);
        let places: Vec<Place> = checker
            .item_places(container)
            .into_iter()
            .filter(|place| !is_iterator(checker, place.owner))
            .collect();
        let Some(race) = checker.race_on(
            function,
            statement,
            &places,
            AccessKind::Iterate,
            &[AccessKind::Add, AccessKind::Remove, AccessKind::Clear],
        ) else {
            continue;
        };
        if reported.contains(&iterable.range()) {
            continue;
        }
        reported.push(iterable.range());
        let failure = match race.place.owner {
            Owner::Object(object) => match checker.model.flow.object(object).kind {
                ObjectKind::Container(key) => match key.container() {
                    Container::List | Container::Deque => {
                        "a list skips or repeats items, a deque raises `RuntimeError: deque mutated during iteration`"
                    }
                    Container::Weak => {
                        "a weak set or dict raises `RuntimeError: ... changed size during iteration`"
                    }
                    _ => "a dict or set raises `RuntimeError: ... changed size during iteration`",
                },
                _ => "iteration sees the container change under it",
            },
            _ => "iteration sees the container change under it",
        };
        let message = format!(
            "iterating `{}` while {}: {failure}; iterate over a copy or hold one lock around both{}",
            checker.text(container.range()),
            checker.describe_race(&race),
            checker.describe_owner(race.place),
        );
        let fix = copy_fix(checker, function, stmt, container, &places);
        if let Some(diagnostic) = checker.report_conflict(
            &IterateWhileMutating::INFO,
            function,
            iterable.range(),
            message,
        ) {
            diagnostic.fix = fix;
        }
    }
}

/// Iterating over a copy (`cache.copy()`, `cache.copy().items()`): `copy()` of a built-in
/// `dict`, `list` or `set` takes its snapshot in one step. Offered only where the loop (or the
/// statement with the comprehension) changes the container neither itself nor through the
/// code it calls: then it sees the same items in the same order on one thread, so the fix is
/// safe.
fn copy_fix(
    checker: &Checker,
    function: &FunctionContext,
    stmt: &Stmt,
    container: &Expr,
    places: &[Place],
) -> Option<Fix> {
    if !is_plain_path(container) || through_parameter(checker, function.id, container) {
        return None;
    }
    let flow = &checker.model.flow;
    let objects = flow.objects_at(container);
    let built_in = |object: &ObjId| {
        let info = flow.object(*object);
        let ObjectKind::Container(key) = info.kind else {
            return false;
        };
        let site = checker.text(info.site);
        let constructor = site.split_once('(').map(|(callee, _)| callee.trim());
        matches!(
            key.container(),
            Container::Dict | Container::List | Container::Set
        ) && (site.starts_with('[')
            || site.starts_with('{')
            || constructor.is_some_and(|callee| {
                matches!(callee, "dict" | "list" | "set")
                    && !checker.model.is_module_binding(callee)
            }))
    };
    if objects.is_empty() || !objects.iter().all(built_in) {
        return None;
    }
    let changes = |kind: AccessKind| !matches!(kind, AccessKind::Read | AccessKind::Iterate);
    let sharing = &checker.model.sharing;
    let range = stmt.range();
    let reached = checker
        .call_graph()
        .reached(std::iter::once((Scope::Function(function.id), range)));
    let changed = places.iter().any(|place| {
        sharing.accesses_of(place.var).iter().any(|access| {
            changes(access.kind)
                && ((access.code == function.id && range.contains_range(access.statement))
                    || reached.contains(&access.code))
        })
    });
    if changed {
        return None;
    }
    let copy = format!("{}.copy()", checker.text(container.range()));
    Some(Fix {
        applicability: Applicability::Safe,
        message: format!("Iterate over `{copy}`, a snapshot taken in one step"),
        edits: vec![insertion(checker, container.end(), ".copy()".to_string())],
    })
}

/// `name` or `a.b.c`.
fn is_plain_path(expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) => true,
        Expr::Attribute(attribute) => is_plain_path(&attribute.value),
        _ => false,
    }
}

/// A shared generator or iterator is FT014's: consuming it from two threads is the hazard.
fn is_iterator(checker: &Checker, owner: Owner) -> bool {
    matches!(owner, Owner::Object(object)
        if checker.model.flow.object(object).kind == ObjectKind::Generator)
}

/// The container an iterable walks: `c`, `c.items()`, `c.keys()`, `c.values()`.
fn iterated_container(iterable: &Expr) -> &Expr {
    match iterable {
        Expr::Call(call) if call.arguments.is_empty() => match call.func.as_ref() {
            Expr::Attribute(method)
                if matches!(method.attr.as_str(), "items" | "keys" | "values") =>
            {
                &method.value
            }
            _ => iterable,
        },
        _ => iterable,
    }
}

/// The iterables of comprehensions and of consuming calls (`sum(c.values())`), not in lambdas.
struct Iterables<'a> {
    found: Vec<&'a Expr>,
}

impl<'a> Visitor<'a> for Iterables<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => return,
            Expr::Call(call) => {
                if let Expr::Name(func) = call.func.as_ref()
                    && ITERATING.contains(&func.id.as_str())
                    && let Some(first) = call.arguments.args.first()
                {
                    self.found.push(first);
                }
                if let Expr::Attribute(method) = call.func.as_ref()
                    && method.attr.as_str() == "join"
                    && matches!(method.value.as_ref(), Expr::StringLiteral(_))
                    && let Some(first) = call.arguments.args.first()
                {
                    self.found.push(first);
                }
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_comprehension(&mut self, comprehension: &'a Comprehension) {
        if !comprehension.is_async {
            self.found.push(&comprehension.iter);
        }
        visitor::walk_comprehension(self, comprehension);
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_loops_comprehensions_and_consumers_over_a_changed_container() {
        let source = r#"
import threading
cache = {}
seen = set()
def writer(k):
    cache[k] = 1
    seen.add(k)
def reader():
    for k in cache:
        print(k)
    keys = [k for k in seen]
    return sum(cache.values())
threading.Thread(target=writer, args=(1,)).start()
threading.Thread(target=reader).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (9, "FT016".into()),
                (11, "FT016".into()),
                (12, "FT016".into())
            ]
        );
    }

    #[test]
    fn quiet_for_copies_locks_read_only_tables_and_main_thread_writers() {
        let source = r#"
import threading
cache = {}
table = {"a": 1}
lock = threading.Lock()
log = []
def writer(k):
    with lock:
        cache[k] = 1
def reader():
    for k in cache.copy():
        print(k)
    with lock:
        for k in cache:
            print(k)
    for k in table:
        print(k)
    for line in log:
        print(line)
def main_only():
    log.append(1)
main_only()
threading.Thread(target=writer, args=(1,)).start()
threading.Thread(target=reader).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn quiet_for_copies_and_a_buffer_swapped_out() {
        let source = r#"
import threading
class Log:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending = []
    def write(self, line):
        self._pending.append(line)
    def _take(self):
        with self._lock:
            batch, self._pending = self._pending, []
        return batch
    def flush(self):
        batch = self._take()
        return "\n".join(batch) + "".join(list(self._pending)) + "".join(self._pending.copy())
log = Log()
for _ in range(2):
    threading.Thread(target=log.write, args=("x",)).start()
threading.Thread(target=log.flush).start()
"#;
        assert_eq!(codes_at(source), vec![]);
        // Joining the live buffer iterates it while writers append.
        let live = source.replace("\"\".join(list(self._pending))", "\"\".join(self._pending)");
        assert_eq!(codes_at(&live), vec![(15, "FT016".into())]);
    }
}
