use ruff_python_ast::{CmpOp, Expr, Stmt};
use ruff_text_size::Ranged;

use ruff_python_ast::comparable::ComparableExpr;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::fix::edits;
use crate::detector::fix::locks::{Request, lock_fix};
use crate::detector::helpers::walk_statements;
use crate::detector::semantic::Statement;
use crate::detector::semantic::sharing::{AccessKind, Owner};
use crate::detector::{Applicability, Fix};

declare_rule! {
    /// ## What it does
    /// Finds state created on first use without a lock, when two threads can run the check at
    /// the same time: a module global (`if _client is None: _client = make_client()`), a class
    /// attribute (a singleton, `if cls._instance is None: cls._instance = cls()`), or an
    /// attribute of a shared object (`if self._conn is None: self._conn = connect()`).
    /// Init-once flags are the same shape (`if not _ready: setup(); _ready = True`): two
    /// threads can both run `setup()`. So is `if not hasattr(cls, "_registry"): cls._registry =
    /// {}`, and a `... is None` test among the operands of `and` or `or`
    /// (`if cls._monitor is None or not cls._monitor.alive():`). Double-checked
    /// initialisation (the test repeated under the lock) is not reported.
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
    /// for _ in range(4):
    ///     threading.Thread(target=client).start()
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
    /// for _ in range(4):
    ///     threading.Thread(target=client).start()
    /// ```
    ///
    /// Or build the object at import time, or use `functools.cache` on a factory function.
    ///
    /// ## Fix safety
    /// Double-checked initialisation: the test stays where it is, and the initialisation moves
    /// under a lock with the test repeated there (`if x is None:` / `with lock:` / `if x is
    /// None:`). When the body is already one `with <lock>:` block, the fix only adds the test under
    /// it, which is safe (on one thread the test is still true there). Otherwise the lock is the
    /// one already held around other writes of the state, else the one generic lock beside it, else
    /// a new one named after the state and created beside it: after the global (`_client_lock`), in
    /// the class body (`Service._instance_lock`), beside the lock `__init__` creates or on the
    /// class; that fix is unsafe (the initialisation now runs under a lock: review what it calls).
    /// Not for an `if` with `elif` or `else`.
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
    let Some(unset) = unset_test(&if_stmt.test) else {
        return;
    };
    // A local the function binds itself is its own, unless declared `global`.
    if let Unset::Value(Expr::Name(name)) = unset
        && !function.scope().globals.contains(name.id.as_str())
    {
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
            Stmt::If(recheck)
                if guarded
                    && unset_test(&recheck.test).is_some_and(|again| again.same_as(unset)) =>
            {
                rechecked_under_lock = true;
            }
            _ if store.is_none() => store = stored(inner, unset).map(|target| (inner, target)),
            _ => {}
        },
    );
    if rechecked_under_lock {
        return;
    }
    let Some((store, tested)) = store else { return };
    let places = checker.places(tested);
    let Some(race) = checker.race_on(
        function,
        statement,
        &places,
        AccessKind::Read,
        &[AccessKind::Write],
    ) else {
        return;
    };
    let what = match (tested, race.place.owner) {
        (Expr::Name(_), _) => "module global",
        (_, Owner::Global) => "class attribute",
        _ => "attribute",
    };
    let message = format!(
        "`{}` then `{}` initialises {what} `{}` without a lock, and {}: two threads can both create it, and one of them uses an object that is then replaced{}",
        checker.text(if_stmt.test.range()),
        checker.text(store.range()),
        checker.text(tested.range()),
        checker.describe_race(&race),
        checker.describe_owner(race.place),
    );
    // Double-checked: the cheap test stays outside, the lock and the test again go around the
    // initialisation; a lock already taken inside only lacks the test again.
    let test = checker.text(if_stmt.test.range());
    let fix =
        if let Some(fix) = recheck_under_lock(checker, function, if_stmt.body.as_slice(), test) {
            Some(fix)
        } else if if_stmt.elif_else_clauses.is_empty() {
            lock_fix(
                checker,
                &Request {
                    function,
                    statement,
                    flagged: &if_stmt.body,
                    state: tested,
                    places: &places,
                    kind: AccessKind::Read,
                    against: &[AccessKind::Write],
                    inner_headers: vec![format!("if {test}:")],
                    rewrite: None,
                },
                "the initialisation, testing again under it",
            )
        } else {
            None
        };
    if let Some(diagnostic) = checker.report_conflict(
        &LazyInitGlobal::INFO,
        function,
        if_stmt.test.range(),
        message,
    ) {
        diagnostic.fix = fix;
    }
}

/// `if <test>:` added inside the `with <lock>:` that makes up the whole body: the test again,
/// under the lock. Safe: on one thread the test is still true there.
fn recheck_under_lock(
    checker: &Checker,
    function: &FunctionContext,
    body: &[Stmt],
    test: &str,
) -> Option<Fix> {
    let [Stmt::With(with)] = body else {
        return None;
    };
    if with.is_async
        || !with
            .items
            .iter()
            .all(|item| item.optional_vars.is_none() && checker.model.is_lock(&item.context_expr))
    {
        return None;
    }
    let def = checker.model.functions[function.id].def;
    let unit = edits::indent_unit(checker.source, def.start(), def.body.first());
    let edit = edits::wrap(checker, &with.body, &[format!("if {test}:")], &unit)?;
    Some(Fix {
        applicability: Applicability::Safe,
        message: format!("Test `{test}` again under the lock"),
        edits: vec![edit],
    })
}

/// What a test finds unset.
#[derive(Clone, Copy)]
enum Unset<'a> {
    /// `x is None`, `x == None`, `not x`: a name or an attribute.
    Value(&'a Expr),
    /// `not hasattr(base, "name")`.
    Attribute { base: &'a Expr, name: &'a str },
}

impl Unset<'_> {
    fn same_as(self, other: Unset) -> bool {
        match (self, other) {
            (Unset::Value(a), Unset::Value(b)) => same(a, b),
            (
                Unset::Attribute { base, name },
                Unset::Attribute {
                    base: other_base,
                    name: other_name,
                },
            ) => name == other_name && same(base, other_base),
            _ => false,
        }
    }

    /// Whether assigning `target` sets what the test found unset.
    fn set_by(self, target: &Expr) -> bool {
        match (self, target) {
            (Unset::Value(tested), _) => same(tested, target),
            (Unset::Attribute { base, name }, Expr::Attribute(attribute)) => {
                attribute.attr.as_str() == name && same(base, &attribute.value)
            }
            _ => false,
        }
    }
}

/// What `x is None`, `x == None`, `not x` or `not hasattr(obj, "x")` finds unset. In `a and b`
/// or `a or b`, what the first `x is None` among the operands tests (the body can run because
/// `x` is unset; a `not x` there is more often a state flag than something made on first use).
fn unset_test(test: &Expr) -> Option<Unset<'_>> {
    let tested = match test {
        Expr::BoolOp(bool_op) => {
            return bool_op
                .values
                .iter()
                .find_map(|operand| unset_test(operand).filter(|_| !is_negation(operand)));
        }
        Expr::Compare(compare) => {
            match (compare.left.as_ref(), &*compare.ops, &*compare.comparators) {
                (left, [CmpOp::Is | CmpOp::Eq], [Expr::NoneLiteral(_)]) => left,
                _ => return None,
            }
        }
        Expr::UnaryOp(unary) if unary.op.is_not() => {
            if let Expr::Call(call) = unary.operand.as_ref()
                && let (Expr::Name(callee), [base, Expr::StringLiteral(name)], []) = (
                    call.func.as_ref(),
                    &*call.arguments.args,
                    &*call.arguments.keywords,
                )
                && callee.id.as_str() == "hasattr"
            {
                return Some(Unset::Attribute {
                    base,
                    name: name.value.to_str(),
                });
            }
            &unary.operand
        }
        _ => return None,
    };
    matches!(tested, Expr::Name(_) | Expr::Attribute(_)).then_some(Unset::Value(tested))
}

fn is_negation(expr: &Expr) -> bool {
    matches!(expr, Expr::UnaryOp(unary) if unary.op.is_not())
}

fn same(a: &Expr, b: &Expr) -> bool {
    ComparableExpr::from(a) == ComparableExpr::from(b)
}

/// The target through which a statement sets what the test found unset (`x = ...`,
/// `cls._instance = ...`).
fn stored<'a>(stmt: &'a Stmt, unset: Unset) -> Option<&'a Expr> {
    match stmt {
        Stmt::Assign(assign) => assign.targets.iter().find(|target| unset.set_by(target)),
        Stmt::AnnAssign(assign) => {
            Some(assign.target.as_ref()).filter(|target| unset.set_by(target))
        }
        _ => None,
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
for _ in range(2):
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
for _ in range(2):
    threading.Thread(target=get_pool).start()
"#;
        assert_eq!(codes_at(source), vec![(7, "FT003".into())]);
    }

    #[test]
    fn flags_an_unset_test_among_the_operands_of_and_or() {
        let source = r#"
import threading
class Monitor:
    current = None
    enabled = True
    @classmethod
    def ensure(cls):
        if cls.enabled and (cls.current is None or not cls.current.alive()):
            cls.current = Monitor()
    @classmethod
    def pause(cls):
        if not cls.enabled and cls.current:
            cls.enabled = True
for _ in range(2):
    threading.Thread(target=Monitor.ensure).start()
    threading.Thread(target=Monitor.pause).start()
"#;
        // A `not x` beside other operands is a state flag, not an object made on first use.
        assert_eq!(codes_at(source), vec![(8, "FT003".into())]);
    }

    #[test]
    fn flags_a_class_attribute_made_when_hasattr_finds_none() {
        let source = r#"
import threading
class Handler:
    _lock = threading.Lock()
    @classmethod
    def register(cls, name):
        if not hasattr(cls, "_names"):
            cls._names = set()
        with cls._lock:
            cls._names.add(name)
    @classmethod
    def register_locked(cls, name):
        with cls._lock:
            if not hasattr(cls, "_known"):
                cls._known = set()
            cls._known.add(name)
for name in ("a", "b"):
    threading.Thread(target=Handler.register, args=(name,)).start()
    threading.Thread(target=Handler.register_locked, args=(name,)).start()
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
for _ in range(2):
    threading.Thread(target=get_pool).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
