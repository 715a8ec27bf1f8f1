use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::fix::edits::{
    deeper, indent_unit, level, line_end, line_start, multiline_strings, newline, own_line_indent,
    replacement,
};
use crate::detector::helpers::{method_receiver, nested_blocks};
use crate::detector::semantic::dotted_path;
use crate::detector::{Applicability, Fix};

declare_rule! {
    /// ## What it does
    /// Finds `lock.acquire()` in a function that later calls `lock.release()`, where the
    /// acquire is not directly followed by a `try:` whose `finally:` releases the lock (and is
    /// not itself inside such a `try`).
    ///
    /// ## Why is this bad?
    /// If anything between the acquire and the release raises, the release never runs: the
    /// lock stays held and every other thread that needs it blocks forever. With threads that
    /// truly run in parallel (3.13t, 3.14t) locks are taken far more often, and so is this
    /// deadlock. `with lock:` releases on every path.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// _lock = threading.Lock()
    /// _cache = {}
    ///
    /// def get_or_load(key):
    ///     _lock.acquire()
    ///     value = _cache.get(key) or load(key)
    ///     _lock.release()
    ///     return value
    ///
    /// threading.Thread(target=get_or_load, args=("a",)).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// _lock = threading.Lock()
    /// _cache = {}
    ///
    /// def get_or_load(key):
    ///     with _lock:
    ///         value = _cache.get(key) or load(key)
    ///     return value
    ///
    /// threading.Thread(target=get_or_load, args=("a",)).start()
    /// ```
    ///
    /// Or `lock.acquire()` immediately followed by `try: ... finally: lock.release()`.
    ///
    /// ## Fix safety
    /// The fix turns `lock.acquire()` ... `lock.release()` in one block into `with lock:` around
    /// the statements between; a release inside that is directly followed by `return` or `raise`
    /// goes (leaving the `with` releases). It is safe: every path that released the lock still
    /// does, and an exception now releases it too instead of leaving it held forever. Not offered
    /// when the acquire has arguments (a timeout, non-blocking), when the function releases the
    /// lock anywhere else, or when a comment shares the line of the acquire or the release.
    ///
    /// ## References
    /// - [threading: using locks in the with statement](https://docs.python.org/3/library/threading.html#with-locks)
    /// - [Porting guide: locking](https://py-free-threading.github.io/porting/#locking)
    pub struct AcquireWithoutRelease {
        code: "FT012",
        name: "acquire-without-release",
        severity: Warning,
        summary: "`lock.acquire()` without `try`/`finally: lock.release()`",
    }
}

/// Methods that acquire on purpose and leave the release to their partner method.
const ACQUIRING_METHODS: &[&str] = &["__enter__", "__aenter__", "acquire", "lock"];

/// FT012
pub(crate) fn acquire_without_release(
    checker: &mut Checker,
    function: &FunctionContext,
    def: &StmtFunctionDef,
) {
    if ACQUIRING_METHODS.contains(&def.name.as_str()) {
        return;
    }
    let mut unprotected = Vec::new();
    scan(checker, &def.body, &[], &mut unprotected);
    for Unprotected {
        call,
        lock,
        block,
        index,
    } in unprotected
    {
        if !calls_release(&def.body, &lock) {
            // Released elsewhere (a semaphore handed over, a lock held across methods).
            continue;
        }
        let message = format!(
            "`{}` is not followed by `try:` ... `finally: {lock}.release()`: an exception before the release leaves `{lock}` held and other threads waiting forever",
            checker.text(call.range()),
        );
        let fix = with_block(checker, def, block, index, call, &lock);
        if let Some(diagnostic) = checker.report_race(
            &AcquireWithoutRelease::INFO,
            function,
            call.range(),
            message,
        ) {
            diagnostic.fix = fix;
        }
    }
}

/// An acquire no `finally` releases: the call, the lock's dotted path, and where the statement
/// stands (its block and index).
struct Unprotected<'a> {
    call: &'a ExprCall,
    lock: String,
    block: &'a [Stmt],
    index: usize,
}

/// `lock.acquire()` ... `lock.release()` in one block as `with lock:` around what is between.
/// A release inside, directly followed by `return` or `raise`, goes (leaving the block
/// releases); any other release of the lock in the function, another acquire of it, or an
/// acquire with arguments (a timeout, non-blocking) leaves the code as it is. Safe: every path
/// that released the lock still does, and an exception now releases it too instead of leaving
/// it held forever.
fn with_block(
    checker: &Checker,
    def: &StmtFunctionDef,
    block: &[Stmt],
    index: usize,
    call: &ExprCall,
    lock: &str,
) -> Option<Fix> {
    let source = checker.source;
    let is_call_on_lock = |stmt: &Stmt, method: &str| match stmt {
        Stmt::Expr(expr) => match expr.value.as_ref() {
            Expr::Call(call) => {
                call.arguments.is_empty()
                    && method_receiver(call, method)
                        .and_then(dotted_path)
                        .as_deref()
                        == Some(lock)
            }
            _ => false,
        },
        _ => false,
    };
    let acquire = &block[index];
    let end = index
        + 1
        + block[index + 1..]
            .iter()
            .position(|stmt| is_call_on_lock(stmt, "release"))?;
    let (release, inside) = (&block[end], &block[index + 1..end]);
    if !call.arguments.is_empty()
        || inside.is_empty()
        || calls(inside, lock, "acquire") > 0
        || !bare_line(source, acquire.range())
        || !bare_line(source, release.range())
    {
        return None;
    }
    // Releases inside that leave the block at once go; every release of the function is either
    // one of those or the closing one.
    let mut dropped = Vec::new();
    collect_early_releases(
        inside,
        &|stmt| is_call_on_lock(stmt, "release"),
        &mut dropped,
    );
    if calls(inside, lock, "release") != dropped.len()
        || calls(&def.body, lock, "release") != dropped.len() + 1
        || dropped.iter().any(|range| !bare_line(source, *range))
    {
        return None;
    }
    let indent = own_line_indent(source, acquire.start())?;
    let unit = indent_unit(source, def.start(), def.body.first());
    let step = level(indent, &unit);
    let newline = newline(source);
    let acquire_end = line_end(source, acquire.end());
    let first_inside = source[acquire_end.to_usize()..]
        .find('\n')
        .map_or(acquire_end, |at| {
            acquire_end + TextSize::from(at as u32 + 1)
        });
    let release_line = line_start(source, release.start());
    let strings = multiline_strings(source, inside);
    let body = deeper(
        source,
        TextRange::new(first_inside, release_line),
        &strings,
        &dropped,
        &step,
    )?;
    // Up to the end of the release's line, its newline included.
    let after_release = line_end(source, release.end());
    let replaced_end = source[after_release.to_usize()..]
        .find('\n')
        .map_or(after_release, |at| {
            after_release + TextSize::from(at as u32 + 1)
        });
    let receiver = method_receiver(call, "acquire")?;
    let header = format!("{indent}with {}:{newline}", checker.text(receiver.range()));
    Some(Fix {
        applicability: Applicability::Safe,
        message: format!(
            "Use `with {}:`, which releases it on every path",
            checker.text(receiver.range())
        ),
        edits: vec![replacement(
            checker,
            TextRange::new(line_start(source, acquire.start()), replaced_end),
            format!("{header}{body}"),
        )],
    })
}

/// Whether a statement has its line(s) to itself, with no comment after it.
fn bare_line(source: &str, range: TextRange) -> bool {
    own_line_indent(source, range.start()).is_some()
        && source[range.end().to_usize()..line_end(source, range.end()).to_usize()]
            .trim()
            .is_empty()
}

/// How many `lock.<method>(...)` calls `body` makes, nested blocks and functions included.
fn calls(body: &[Stmt], lock: &str, method: &str) -> usize {
    let mut count = 0;
    ruff_python_ast::helpers::any_over_body(body, |expr| {
        if let Expr::Call(call) = expr
            && method_receiver(call, method)
                .and_then(dotted_path)
                .as_deref()
                == Some(lock)
        {
            count += 1;
        }
        false
    });
    count
}

/// The release statements in `body` (at any depth of its blocks) directly followed by `return`
/// or `raise`.
fn collect_early_releases(
    body: &[Stmt],
    is_release: &dyn Fn(&Stmt) -> bool,
    found: &mut Vec<TextRange>,
) {
    for (index, stmt) in body.iter().enumerate() {
        if is_release(stmt) && matches!(body.get(index + 1), Some(Stmt::Return(_) | Stmt::Raise(_)))
        {
            found.push(stmt.range());
        }
        for inner in nested_blocks(stmt) {
            collect_early_releases(inner, is_release, found);
        }
    }
}

/// Collects the acquires in `body` that no `finally` releases. `released`: the locks that
/// enclosing `finally` blocks release.
fn scan<'a>(
    checker: &Checker,
    body: &'a [Stmt],
    released: &[String],
    unprotected: &mut Vec<Unprotected<'a>>,
) {
    for (index, stmt) in body.iter().enumerate() {
        match stmt {
            Stmt::Expr(expr) => {
                let Expr::Call(call) = expr.value.as_ref() else {
                    continue;
                };
                let Some(lock) = acquired_lock(checker, call) else {
                    continue;
                };
                // Released by a `finally` that follows, or right away: nothing can raise between.
                let next_releases = match body.get(index + 1) {
                    Some(Stmt::Try(next)) => calls_release(&next.finalbody, &lock),
                    Some(next @ Stmt::Expr(_)) => calls_release(std::slice::from_ref(next), &lock),
                    _ => false,
                };
                if !next_releases && !released.contains(&lock) {
                    unprotected.push(Unprotected {
                        call,
                        lock,
                        block: body,
                        index,
                    });
                }
            }
            Stmt::If(if_stmt) => {
                scan(checker, &if_stmt.body, released, unprotected);
                for clause in &if_stmt.elif_else_clauses {
                    scan(checker, &clause.body, released, unprotected);
                }
            }
            Stmt::For(for_stmt) => {
                scan(checker, &for_stmt.body, released, unprotected);
                scan(checker, &for_stmt.orelse, released, unprotected);
            }
            Stmt::While(while_stmt) => {
                scan(checker, &while_stmt.body, released, unprotected);
                scan(checker, &while_stmt.orelse, released, unprotected);
            }
            Stmt::With(with) => scan(checker, &with.body, released, unprotected),
            Stmt::Match(match_stmt) => {
                for case in &match_stmt.cases {
                    scan(checker, &case.body, released, unprotected);
                }
            }
            Stmt::Try(try_stmt) => {
                let mut inner = released.to_vec();
                inner.extend(released_locks(&try_stmt.finalbody));
                // `try: lock.acquire() except ...: ... else: lock.release()`: the acquire is the
                // last statement of the body and the `else` releases first thing.
                let mut body_released = inner.clone();
                if let (Some(Stmt::Expr(_)), Some(first @ Stmt::Expr(_))) =
                    (try_stmt.body.last(), try_stmt.orelse.first())
                {
                    body_released.extend(released_locks(std::slice::from_ref(first)));
                }
                scan(checker, &try_stmt.body, &body_released, unprotected);
                for handler in &try_stmt.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(handler) = handler;
                    scan(checker, &handler.body, &inner, unprotected);
                }
                scan(checker, &try_stmt.orelse, &inner, unprotected);
                scan(checker, &try_stmt.finalbody, released, unprotected);
            }
            _ => {}
        }
    }
}

/// `lock.acquire(...)` on something that is a lock: the lock's dotted path.
fn acquired_lock(checker: &Checker, call: &ExprCall) -> Option<String> {
    let receiver = method_receiver(call, "acquire")?;
    let is_lock =
        checker.model.is_lock(receiver) || checker.model.per_call_lock(receiver).is_some();
    if is_lock { dotted_path(receiver) } else { None }
}

/// The locks a block releases (`x.release()` anywhere inside it).
fn released_locks(body: &[Stmt]) -> Vec<String> {
    let mut locks = Vec::new();
    ruff_python_ast::helpers::any_over_body(body, |expr| {
        if let Expr::Call(call) = expr
            && let Some(path) = method_receiver(call, "release").and_then(dotted_path)
        {
            locks.push(path);
        }
        false
    });
    locks
}

fn calls_release(body: &[Stmt], lock: &str) -> bool {
    released_locks(body).iter().any(|released| released == lock)
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn quiet_when_the_release_follows_at_once() {
        let source = r#"
import threading
lock = threading.Lock()
def wait_for_init():
    lock.acquire()
    lock.release()
def lock_unlock():
    try:
        lock.acquire()
    except RuntimeError:
        pass
    else:
        lock.release()
threading.Thread(target=wait_for_init).start()
threading.Thread(target=lock_unlock).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn flags_acquire_released_without_finally() {
        let source = r#"
import threading
lock = threading.Lock()
class Box:
    def __init__(self):
        self._mutex = threading.RLock()
    def put(self, item):
        self._mutex.acquire()
        if item:
            self._mutex.release()
            return
        self._mutex.release()
def worker():
    lock.acquire()
    do_work()
    lock.release()
    box = Box()
    box.put(1)
threading.Thread(target=worker).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![(8, "FT012".into()), (14, "FT012".into())]
        );
    }

    #[test]
    fn quiet_for_try_finally_context_managers_and_handovers() {
        let source = r#"
import threading
lock = threading.Lock()
ready = threading.Semaphore(0)
class Guard:
    def __enter__(self):
        lock.acquire()
    def __exit__(self, *exc):
        lock.release()
def worker():
    lock.acquire()
    try:
        do_work()
    finally:
        lock.release()
    try:
        lock.acquire()
        do_work()
    finally:
        lock.release()
    ready.acquire()
    with Guard():
        pass
threading.Thread(target=worker).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
