use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt, StmtFor};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::Edit;
use crate::detector::checker::{Checker, FunctionContext, Place};
use crate::detector::fix::edits::{
    has_comment, indent_unit, level, line_start, newline, own_line_indent, replacement,
    through_parameter,
};
use crate::detector::fix::locks::{Request, lock_fix};
use crate::detector::semantic::Statement;
use crate::detector::semantic::flow::ObjectKind;
use crate::detector::semantic::sharing::{AccessKind, Owner};

declare_rule! {
    /// ## What it does
    /// Finds a generator (`numbers()` where `numbers` contains `yield`, or `(x for x in ...)`)
    /// that two threads can consume at the same time, with `next(gen)`, `for x in gen`, `gen.send(...)` or a
    /// comprehension, without a lock: a module-level generator, one every thread of a loop is
    /// handed (`Thread(target=take, args=(source,))`), one kept on a shared object
    /// (`next(self.ids)`).
    ///
    /// ## Why is this bad?
    /// A generator runs its body in one frame. When a second thread resumes it while the first
    /// is inside, Python raises `ValueError: generator already executing`, on every build. On
    /// the free-threaded build threads really resume it at the same time, and 3.13t and early
    /// 3.14t could even crash the interpreter (gh-120321); otherwise items are duplicated or
    /// skipped.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// def numbers():
    ///     for i in range(1_000_000):
    ///         yield i
    ///
    /// gen = numbers()
    ///
    /// def worker(out):
    ///     for n in gen:
    ///         out.append(n * n)
    ///
    /// results = []
    /// threads = [threading.Thread(target=worker, args=(results,)) for _ in range(4)]
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import queue
    /// import threading
    ///
    /// jobs = queue.Queue()
    /// for i in range(1_000_000):
    ///     jobs.put(i)
    ///
    /// def worker(out):
    ///     while True:
    ///         try:
    ///             n = jobs.get_nowait()
    ///         except queue.Empty:
    ///             return
    ///         out.append(n * n)
    ///
    /// results = []
    /// threads = [threading.Thread(target=worker, args=(results,)) for _ in range(4)]
    /// ```
    ///
    /// Or wrap the generator so that `next()` runs under a lock (Python 3.15 adds
    /// `threading.serialize_iterator`).
    ///
    /// ## Fix safety
    /// The fix holds a lock around each resumption, created after the generator's assignment
    /// (`_ids_lock`): `x = next(gen)` is wrapped in `with _ids_lock:`, and `for x in gen:` becomes
    /// `while True:` / `with _ids_lock:` / `try: x = next(gen)` / `except StopIteration: break`, so
    /// that threads still share the items and only `next()` runs under the lock. Unsafe (it adds a
    /// lock); not offered for a comprehension, a loop with an `else:`, or when another loop of
    /// other code consumes the same generator.
    ///
    /// ## References
    /// - [Python HOWTO: free threading, iterators](https://docs.python.org/3/howto/free-threading-python.html#iterators)
    /// - [gh-120321: generators shared between threads crash the free-threaded build](https://github.com/python/cpython/issues/120321)
    pub struct SharedGenerator {
        code: "FT014",
        name: "shared-generator",
        severity: Error,
        summary: "Module-level generator consumed by code that runs in threads",
    }
}

/// FT014
pub(crate) fn shared_generator(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    if guarded {
        return;
    }
    let mut consumers = Consumers::default();
    if let Stmt::For(for_stmt) = stmt {
        consumers.note(&for_stmt.iter, stmt.range(), false);
    }
    for &expr in statement.expressions {
        consumers.visit_expr(expr);
    }
    for (iterator, range, resumes_once) in consumers.found {
        let places: Vec<Place> = checker
            .item_places(iterator)
            .into_iter()
            .filter(|place| {
                matches!(place.owner, Owner::Object(object)
                if checker.model.flow.object(object).kind == ObjectKind::Generator)
            })
            .collect();
        let Some(race) = checker.race_on(
            function,
            statement,
            &places,
            AccessKind::Iterate,
            &[AccessKind::Iterate],
        ) else {
            continue;
        };
        let shown = match stmt {
            Stmt::For(for_stmt) if range == stmt.range() => format!(
                "for {} in {}",
                checker.text(for_stmt.target.range()),
                checker.text(for_stmt.iter.range())
            ),
            _ => checker.text(range).to_string(),
        };
        let message = format!(
            "`{shown}` resumes a generator or iterator while {}: concurrent use raises `ValueError: generator already executing` (a generator) or hands out items twice or not at all, and can crash 3.13t{}",
            checker.describe_race(&race),
            checker.describe_owner(race.place),
        );
        // A lock around the statement that resumes it once (`x = next(gen)`), and around every
        // other such statement; not around a loop, which would hand one thread every item.
        let simple = matches!(
            stmt,
            Stmt::Assign(_)
                | Stmt::AugAssign(_)
                | Stmt::AnnAssign(_)
                | Stmt::Expr(_)
                | Stmt::Return(_)
        );
        let looped = match stmt {
            Stmt::For(for_stmt) if range == stmt.range() => Some(for_stmt),
            _ => None,
        };
        let rewrite = |lock: &str| next_under_lock(checker, function, looped?, lock);
        let fix = if let Some(for_stmt) = looped
            && for_stmt.orelse.is_empty()
            && !for_stmt.is_async
            && all_generators(checker, iterator)
            && !through_parameter(checker, function.id, iterator)
        {
            lock_fix(
                checker,
                &Request {
                    function,
                    statement,
                    flagged: std::slice::from_ref(stmt),
                    state: iterator,
                    places: &places,
                    kind: AccessKind::Iterate,
                    against: &[AccessKind::Iterate],
                    inner_headers: Vec::new(),
                    rewrite: Some(&rewrite),
                },
                "each resumption",
            )
        } else if resumes_once && simple {
            lock_fix(
                checker,
                &Request {
                    function,
                    statement,
                    flagged: std::slice::from_ref(stmt),
                    state: iterator,
                    places: &places,
                    kind: AccessKind::Iterate,
                    against: &[AccessKind::Iterate],
                    inner_headers: Vec::new(),
                    rewrite: None,
                },
                "each resumption",
            )
        } else {
            None
        };
        if let Some(diagnostic) =
            checker.report_conflict(&SharedGenerator::INFO, function, range, message)
        {
            diagnostic.fix = fix;
        }
    }
}

/// Whether every object `iterator` may hold is a generator (`next()` works on it as `for` does).
fn all_generators(checker: &Checker, iterator: &Expr) -> bool {
    let flow = &checker.model.flow;
    let objects = flow.objects_at(iterator);
    !objects.is_empty()
        && objects
            .iter()
            .all(|&object| flow.object(object).kind == ObjectKind::Generator)
}

/// `for x in gen:` as a loop that takes each item under the lock and lets it go for the body:
/// `while True:` / `with lock:` / `try: x = next(gen)` / `except StopIteration: break`. The
/// body keeps its lines and indentation.
fn next_under_lock(
    checker: &Checker,
    function: &FunctionContext,
    for_stmt: &StmtFor,
    lock: &str,
) -> Option<Edit> {
    let source = checker.source;
    let indent = own_line_indent(source, for_stmt.start())?;
    let first = for_stmt.body.first()?;
    own_line_indent(source, first.start())?;
    let header = TextRange::new(
        line_start(source, for_stmt.start()),
        line_start(source, first.start()),
    );
    if has_comment(checker, header) {
        return None;
    }
    let def = checker.model.functions[function.id].def;
    let step = level(indent, &indent_unit(source, def.start(), def.body.first()));
    let newline = newline(source);
    let lines = [
        "while True:".to_string(),
        format!("{step}with {lock}:"),
        format!("{step}{step}try:"),
        format!(
            "{step}{step}{step}{} = next({})",
            checker.text(for_stmt.target.range()),
            checker.text(for_stmt.iter.range())
        ),
        format!("{step}{step}except StopIteration:"),
        format!("{step}{step}{step}break"),
    ];
    let text: String = lines
        .iter()
        .map(|line| format!("{indent}{line}{newline}"))
        .collect();
    Some(replacement(checker, header, text))
}

/// What a statement resumes as an iterator: `next(g)`, `g.send(x)`, `g.__next__()`,
/// `... for x in g`, with the range of the expression that resumes it and whether it resumes
/// it once (a call) rather than in a loop.
#[derive(Default)]
struct Consumers<'a> {
    found: Vec<(&'a Expr, TextRange, bool)>,
}

impl<'a> Consumers<'a> {
    fn note(&mut self, iterated: &'a Expr, range: TextRange, once: bool) {
        self.found.push((iterated, range, once));
    }
}

impl<'a> Visitor<'a> for Consumers<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => return,
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Name(func) if func.id == "next" => {
                    if let Some(first) = call.arguments.find_positional(0) {
                        self.note(first, call.range(), true);
                    }
                }
                Expr::Attribute(method)
                    if matches!(method.attr.as_str(), "send" | "__next__" | "throw") =>
                {
                    self.note(&method.value, call.range(), true);
                }
                _ => {}
            },
            Expr::ListComp(comp) => comp
                .generators
                .iter()
                .for_each(|generator| self.note(&generator.iter, expr.range(), false)),
            Expr::SetComp(comp) => comp
                .generators
                .iter()
                .for_each(|generator| self.note(&generator.iter, expr.range(), false)),
            Expr::DictComp(comp) => comp
                .generators
                .iter()
                .for_each(|generator| self.note(&generator.iter, expr.range(), false)),
            Expr::Generator(comp) => comp
                .generators
                .iter()
                .for_each(|generator| self.note(&generator.iter, expr.range(), false)),
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::Severity;
    use crate::detector::check_source;
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_next_for_send_and_comprehensions_as_errors() {
        let source = r#"
import threading
def ids():
    n = 0
    while True:
        yield n
        n += 1
id_gen = ids()
squares = (x * x for x in range(10))
def worker():
    a = next(id_gen)
    for s in squares:
        pass
    id_gen.send(None)
    b = [s for s in squares]
for _ in range(2):
    threading.Thread(target=worker).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (11, "FT014".into()),
                (12, "FT014".into()),
                (14, "FT014".into()),
                (15, "FT014".into())
            ]
        );
        assert!(
            check_source(source)
                .iter()
                .all(|d| d.severity == Severity::Error)
        );
    }

    #[test]
    fn flags_an_iterator_handed_to_every_thread_of_a_loop() {
        let source = r#"
import threading
def numbers():
    yield from range(100)
def take(source):
    while True:
        item = next(source, None)
        if item is None:
            return
def run():
    source = numbers()
    for _ in range(4):
        threading.Thread(target=take, args=(source,)).start()
"#;
        assert_eq!(codes_at(source), vec![(7, "FT014".into())]);
    }

    #[test]
    fn quiet_when_a_shared_list_is_only_iterated() {
        let source = r#"
import threading
def total(items):
    return sum(item for item in items)
def run(items):
    for _ in range(4):
        threading.Thread(target=total, args=(items,)).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn quiet_for_locked_local_per_thread_and_non_generator_iterables() {
        let source = r#"
import threading, itertools
def ids():
    yield 1
id_gen = ids()
lock = threading.Lock()
counter = itertools.count()
items = [1, 2, 3]
def worker():
    with lock:
        a = next(id_gen)
    mine = ids()
    b = next(mine)
    c = next(counter)
    for item in items:
        pass
threading.Thread(target=worker).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
