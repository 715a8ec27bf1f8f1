use ruff_python_ast::{Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::fix::edits::{first_after_docstring, line_before, newline, replacement};
use crate::detector::semantic::Statement;
use crate::detector::semantic::flow::Scope;
use crate::detector::{Applicability, Fix};

declare_rule! {
    /// ## What it does
    /// Finds a lock created by the very call that uses it: `with threading.Lock():`, or
    /// `lock = threading.Lock()` as a local of the function that then does `with lock:` and
    /// shares the lock with nobody (it is not returned, stored, passed on, or used by a nested
    /// function).
    ///
    /// ## Why is this bad?
    /// Every call gets a new lock, so two threads never wait for each other: the block it
    /// "guards" runs concurrently, and on the free-threaded build (3.13t, 3.14t) really in
    /// parallel. It looks correct in review. Aether does not count such a lock as a guard for
    /// its other rules either.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// cache = {}
    ///
    /// def put(key, value):
    ///     lock = threading.Lock()
    ///     with lock:
    ///         if key not in cache:
    ///             cache[key] = value
    ///
    /// for key in ("a", "b"):
    ///     threading.Thread(target=put, args=(key, 1)).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// cache = {}
    /// cache_lock = threading.Lock()
    ///
    /// def put(key, value):
    ///     with cache_lock:
    ///         if key not in cache:
    ///             cache[key] = value
    ///
    /// for key in ("a", "b"):
    ///     threading.Thread(target=put, args=(key, 1)).start()
    /// ```
    ///
    /// Create the lock once, next to the data it guards: at module level, in `__init__`, or in
    /// the function that starts the threads and hands it to them.
    ///
    /// ## Fix safety
    /// The fix creates the lock once: the call (`threading.Lock()`, kept as written) moves to a
    /// module-level `_put_lock` before the function's top-level statement, or, for a method of a
    /// module-level class, to a class attribute (`Store._add_lock`); the function then uses it.
    /// Only for a function with one such lock (two would become one, and nested they would
    /// deadlock) made by a call whose arguments are numbers. Unsafe: the lock now excludes other
    /// threads, which is the point, but it serialises the block and can deadlock code that relied
    /// on running unlocked.
    ///
    /// ## References
    /// - [Porting guide: locking](https://py-free-threading.github.io/porting/#locking)
    pub struct LockPerCall {
        code: "FT011",
        name: "lock-per-call",
        severity: Warning,
        summary: "Lock created per call, so it excludes no other thread",
    }
}

/// FT011
pub(crate) fn lock_per_call(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let stmt = statement.stmt;
    let Stmt::With(with) = stmt else { return };
    if with.is_async {
        return;
    }
    for item in &with.items {
        let lock = &item.context_expr;
        let (message, creation) = match lock {
            Expr::Call(call) if checker.model.creates_lock(call) => (
                format!(
                    "`with {}:` locks a new lock on every call: no other thread ever waits for it",
                    checker.text(lock.range()),
                ),
                Some(call),
            ),
            _ => match checker.model.per_call_lock(lock) {
                Some(binding) => (
                    format!(
                        "`with {}:` locks a lock created on every call by `{}` and shared with no one: no other thread ever waits for it",
                        checker.text(lock.range()),
                        checker.text(binding),
                    ),
                    created_by(checker, function, binding),
                ),
                None => continue,
            },
        };
        let fix = creation.and_then(|call| hoist(checker, function, call, stmt));
        if let Some(diagnostic) =
            checker.report_race(&LockPerCall::INFO, function, item.range(), message)
        {
            diagnostic.fix = fix;
        }
    }
}

/// The lock-creating call of the statement `binding` (`lock = threading.Lock()`).
fn created_by<'a>(
    checker: &Checker<'a>,
    function: &FunctionContext<'a, '_>,
    binding: TextRange,
) -> Option<&'a ExprCall> {
    let statement = function
        .body
        .statements()
        .find(|statement| statement.stmt.range() == binding)?;
    match statement.stmt {
        Stmt::Assign(assign) => match assign.value.as_ref() {
            Expr::Call(call) if checker.model.creates_lock(call) => Some(call),
            _ => None,
        },
        _ => None,
    }
}

/// The lock created once instead of on every call: `call` (`threading.Lock()`) becomes
/// `_put_lock`, created by the same call at module level before the function's top-level
/// statement, or `Cache._put_lock` in the body of the class of a method. Only for a function
/// with one such lock (two would become one, and nested they would deadlock) made by a call
/// with no arguments but numbers. The edit spans from the call to the end of the `with`, so that
/// fixes inside the block wait for the next round, when the lock guards them. Unsafe: the lock
/// now does exclude other threads, which is the point, but can serialise or deadlock code that
/// relied on running unlocked.
fn hoist(
    checker: &Checker,
    function: &FunctionContext,
    call: &ExprCall,
    with: &Stmt,
) -> Option<Fix> {
    let model = checker.model;
    if !call.arguments.keywords.is_empty()
        || !call
            .arguments
            .args
            .iter()
            .all(|argument| matches!(argument, Expr::NumberLiteral(_)))
        || per_call_locks(checker, function) != 1
    {
        return None;
    }
    let callee = checker.text(call.func.range());
    let root = callee.split('.').next().unwrap_or(callee);
    if function.scope().is_local(root) || function.scope().imports.contains(root) {
        return None;
    }
    let def = model.functions[function.id].def;
    let name = format!("_{}_lock", def.name.as_str().trim_start_matches('_'));
    let creation = format!("{name} = {}", checker.text(call.range()));
    let class = model
        .flow
        .class_of_method(function.id)
        .map(|class| &model.flow.classes[class])
        .filter(|class| class.scope == Scope::Module);
    let (spelling, edit) = match class {
        Some(class) => {
            if class.attributes.contains(name.as_str()) {
                return None;
            }
            let anchor = first_after_docstring(&class.def.body)?;
            (
                format!("{}.{name}", class.def.name.as_str()),
                line_before(checker, anchor, &creation)?,
            )
        }
        None => {
            if model.is_module_binding(&name) {
                return None;
            }
            let top = checker
                .module_body
                .iter()
                .find(|stmt| stmt.range().contains_range(def.range()))?;
            let newline = newline(checker.source);
            (
                name.clone(),
                line_before(checker, top, &format!("{creation}{newline}{newline}"))?,
            )
        }
    };
    let span = TextRange::new(call.start(), with.end());
    let mut rewritten = checker.text(span).to_string();
    rewritten.replace_range(..call.range().len().to_usize(), &spelling);
    Some(Fix {
        applicability: Applicability::Unsafe,
        message: format!("Create the lock once, as `{spelling}`, so that threads share it"),
        edits: vec![edit, replacement(checker, span, rewritten)],
    })
}

/// How many locks a function creates per call and holds with `with`: inline ones and those
/// bound to a local.
fn per_call_locks(checker: &Checker, function: &FunctionContext) -> usize {
    let mut inline = 0;
    let mut bindings: Vec<TextRange> = Vec::new();
    for statement in function.body.statements() {
        let Stmt::With(with) = statement.stmt else {
            continue;
        };
        for item in &with.items {
            match &item.context_expr {
                Expr::Call(call) if checker.model.creates_lock(call) => inline += 1,
                lock => {
                    if let Some(binding) = checker.model.per_call_lock(lock)
                        && !bindings.contains(&binding)
                    {
                        bindings.push(binding);
                    }
                }
            }
        }
    }
    inline + bindings.len()
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_inline_and_local_locks_and_does_not_count_them_as_guards() {
        let source = r#"
import threading
n = 0
def worker():
    global n
    with threading.Lock():
        n += 1
    lock = threading.RLock()
    with lock:
        n += 1
for _ in range(2):
    threading.Thread(target=worker).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (6, "FT011".into()),
                (7, "FT001".into()),
                (9, "FT011".into()),
                (10, "FT001".into())
            ]
        );
    }

    #[test]
    fn quiet_for_shared_module_closure_and_published_locks() {
        let source = r#"
import threading
n = 0
module_lock = threading.Lock()
def run():
    lock = threading.Lock()
    def worker():
        global n
        with lock:
            n += 1
        with module_lock:
            n += 1
        make()
        box = Box()
        box.put()
    threads = [threading.Thread(target=worker) for _ in range(2)]
def make():
    lock = threading.Lock()
    with lock:
        pass
    return lock
class Box:
    def __init__(self):
        self._lock = threading.Lock()
    def put(self):
        with self._lock:
            pass
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
