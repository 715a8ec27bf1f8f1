use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Comprehension, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::semantic::Statement;
use crate::detector::semantic::ThreadContext;

declare_rule! {
    /// ## What it does
    /// Finds a loop or comprehension over a module-level dict, set or list (`for k in cache:`,
    /// `for k, v in cache.items():`, `[x for x in pending]`, `sum(totals.values())`) without a
    /// lock, where another function that runs in threads changes that container in place
    /// (`append`, `add`, `pop`, `del c[k]`, `c[k] = v`, ...).
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

/// Calls that iterate their argument to the end.
const CONSUMERS: &[&str] = &[
    "sum",
    "min",
    "max",
    "any",
    "all",
    "sorted",
    "tuple",
    "set",
    "frozenset",
    "enumerate",
];

/// FT016
pub(crate) fn iterate_while_mutating(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    if guarded || !checker.model.threads_mutate_containers() {
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
    let mut reported = Vec::new();
    for iterable in iterables {
        let Some((name, range)) = iterated_container(iterable) else {
            continue;
        };
        if reported.contains(&name)
            || !function.scope().refers_to_module_scope(name)
            || !checker.model.is_module_binding(name)
        {
            continue;
        }
        let writer = checker.model.mutations_of(name).iter().find(|mutation| {
            !mutation.guarded
                && !stmt.range().contains_range(mutation.range)
                && matches!(
                    checker.model.thread_context(mutation.function),
                    ThreadContext::Threaded(_)
                )
        });
        let Some(writer) = writer else { continue };
        reported.push(name);
        let writer_name = checker.model.functions[writer.function].name();
        let line = checker.location(writer.range.start()).row;
        let message = format!(
            "iterating shared `{name}` while `{writer_name}` changes it in threads (`{}` at line {line}): a dict or set raises `RuntimeError: ... changed size during iteration`, a list skips items; iterate `{name}.copy()` or hold one lock",
            first_line(checker.text(writer.range)),
        );
        checker.report_race(&IterateWhileMutating::INFO, function, range, message);
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// `c`, `c.items()`, `c.keys()`, `c.values()`: the container name and the iterable's range.
fn iterated_container(iterable: &Expr) -> Option<(&str, TextRange)> {
    match iterable {
        Expr::Name(name) => Some((name.id.as_str(), iterable.range())),
        Expr::Call(call) if call.arguments.is_empty() => match call.func.as_ref() {
            Expr::Attribute(method)
                if matches!(method.attr.as_str(), "items" | "keys" | "values") =>
            {
                match method.value.as_ref() {
                    Expr::Name(name) => Some((name.id.as_str(), iterable.range())),
                    _ => None,
                }
            }
            _ => None,
        },
        _ => None,
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
                    && CONSUMERS.contains(&func.id.as_str())
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
}
