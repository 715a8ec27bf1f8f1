use ruff_python_ast::{CmpOp, Expr, Stmt};
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::helpers::walk_statements;
use crate::detector::semantic::Statement;

declare_rule! {
    /// ## What it does
    /// Finds a module global created on first use without a lock
    /// (`if _client is None: _client = make_client()`), in a function that runs in threads.
    /// Init-once flags are the same shape (`if not _ready: setup(); _ready = True`): two
    /// threads can both run `setup()`.
    ///
    /// ## Why is this bad?
    /// Two threads can both see `None` and both build the object: a second connection pool, a
    /// second cache, a singleton that is not single. Each caller may keep a different one, and
    /// work done on the loser is lost. Under the GIL the window was narrow; on the free-threaded
    /// build threads really run at the same time, and the slower the constructor, the wider the
    /// window.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// _client = None
    ///
    /// def client():
    ///     global _client
    ///     if _client is None:
    ///         _client = make_client()
    ///     return _client
    ///
    /// threading.Thread(target=client).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// _client = None
    /// _client_lock = threading.Lock()
    ///
    /// def client():
    ///     global _client
    ///     with _client_lock:
    ///         if _client is None:
    ///             _client = make_client()
    ///     return _client
    ///
    /// threading.Thread(target=client).start()
    /// ```
    ///
    /// Or build the object at import time, or use `functools.cache` on a factory function.
    ///
    /// ## References
    /// - [Python HOWTO: free threading](https://docs.python.org/3/howto/free-threading-python.html)
    pub struct LazyInitGlobal {
        code: "FT003",
        name: "lazy-init-global",
        severity: Warning,
        summary: "Module global initialised on first use without a lock",
    }
}

/// FT003
pub(crate) fn lazy_init_global(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let Statement { stmt, guarded, .. } = *statement;
    let Stmt::If(if_stmt) = stmt else { return };
    if guarded {
        return;
    }
    let Some(name) = unset_test(&if_stmt.test) else {
        return;
    };
    if !function.scope().globals.contains(name) {
        return;
    }
    // Safe only as double-checked locking: the test repeated under the lock before the store.
    let mut store = None;
    let mut rechecked_under_lock = false;
    walk_statements(
        &if_stmt.body,
        checker.model,
        false,
        &mut |inner, guarded| match inner {
            Stmt::If(recheck) if guarded && unset_test(&recheck.test) == Some(name) => {
                rechecked_under_lock = true;
            }
            _ if store.is_none() && stores_name(inner, name) => store = Some(inner),
            _ => {}
        },
    );
    if rechecked_under_lock {
        return;
    }
    let Some(store) = store else { return };
    let message = format!(
        "`{}` then `{}` initialises module global `{name}` without a lock: two threads can both create it",
        checker.text(if_stmt.test.range()),
        checker.text(store.range()),
    );
    checker.report_race(
        &LazyInitGlobal::INFO,
        function,
        if_stmt.test.range(),
        message,
    );
}

/// The name in `x is None`, `x == None` or `not x`.
fn unset_test(test: &Expr) -> Option<&str> {
    match test {
        Expr::Compare(compare) => {
            match (compare.left.as_ref(), &*compare.ops, &*compare.comparators) {
                (Expr::Name(name), [CmpOp::Is | CmpOp::Eq], [Expr::NoneLiteral(_)]) => {
                    Some(name.id.as_str())
                }
                _ => None,
            }
        }
        Expr::UnaryOp(unary) if unary.op.is_not() => match unary.operand.as_ref() {
            Expr::Name(name) => Some(name.id.as_str()),
            _ => None,
        },
        _ => None,
    }
}

fn stores_name(stmt: &Stmt, name: &str) -> bool {
    let is_name = |target: &Expr| matches!(target, Expr::Name(target) if target.id == name);
    match stmt {
        Stmt::Assign(assign) => assign.targets.iter().any(is_name),
        Stmt::AnnAssign(assign) => is_name(&assign.target),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_none_and_falsy_checks() {
        let source = r#"
import threading
_pool = None
_config = {}
def get_pool():
    global _pool
    if _pool is None:
        _pool = object()
    return _pool
def get_config():
    global _config
    if not _config:
        _config = {"a": 1}
def worker():
    get_pool()
    get_config()
threading.Thread(target=worker).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![(7, "FT003".into()), (12, "FT003".into())]
        );
    }

    #[test]
    fn flags_an_init_once_flag() {
        let source = r#"
import threading
_initialized = False
def ensure_setup():
    global _initialized
    if not _initialized:
        setup()
        _initialized = True
threading.Thread(target=ensure_setup).start()
"#;
        assert_eq!(codes_at(source), vec![(6, "FT003".into())]);
    }

    #[test]
    fn flags_a_check_outside_the_lock_without_a_recheck_inside() {
        let source = r#"
import threading
_pool = None
_lock = threading.Lock()
def get_pool():
    global _pool
    if _pool is None:
        with _lock:
            _pool = object()
    return _pool
threading.Thread(target=get_pool).start()
"#;
        assert_eq!(codes_at(source), vec![(7, "FT003".into())]);
    }

    #[test]
    fn quiet_with_double_checked_locking_and_eager_init() {
        let source = r#"
import threading
_pool = None
_lock = threading.Lock()
def get_pool():
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                _pool = object()
    return _pool
threading.Thread(target=get_pool).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
