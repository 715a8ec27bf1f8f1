use ruff_python_ast::Expr;
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::semantic::Statement;

declare_rule! {
    /// ## What it does
    /// Finds a class attribute that a function reads and writes back (`Conn.count += 1`,
    /// `cls.n += 1`, `type(self).n = type(self).n + 1`) without holding a lock, where the
    /// function runs in threads.
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
    /// threading.Thread(target=worker, args=("db",)).start()
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
    /// threading.Thread(target=worker, args=("db",)).start()
    /// ```
    ///
    /// Or count with `itertools.count()` (`next()` on it is atomic in CPython).
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
    if guarded {
        return;
    }
    let Some(Expr::Attribute(target)) = statement.read_modify_write else {
        return;
    };
    let Some(class) = class_reference(checker, function, &target.value) else {
        return;
    };
    let message = format!(
        "`{}` reads and writes class attribute `{}` of `{class}` without a lock: every instance and thread shares it, so updates are lost",
        checker.text(stmt.range()),
        target.attr.as_str(),
    );
    checker.report_race(&RmwClassAttr::INFO, function, stmt.range(), message);
}

/// The class an expression refers to: a class of the module by name, `cls` in a method whose
/// first parameter it is, `type(self)`, `self.__class__`.
fn class_reference(checker: &Checker, function: &FunctionContext, expr: &Expr) -> Option<String> {
    let owner = checker.model.functions[function.id].class;
    match expr {
        Expr::Name(name) => {
            let name = name.id.as_str();
            if checker.model.is_class(name) && function.scope().refers_to_module_scope(name) {
                return Some(name.to_string());
            }
            let def = checker.model.functions[function.id].def;
            let first = def.parameters.iter_non_variadic_params().next()?;
            (name == "cls" && first.name().as_str() == "cls" && owner.is_some())
                .then(|| owner.unwrap_or(name).to_string())
        }
        Expr::Call(call) => match (call.func.as_ref(), &*call.arguments.args) {
            (Expr::Name(func), [Expr::Name(arg)])
                if func.id == "type" && call.arguments.keywords.is_empty() =>
            {
                Some(owner.map_or_else(|| format!("type({})", arg.id), str::to_string))
            }
            _ => None,
        },
        Expr::Attribute(attribute) if attribute.attr.as_str() == "__class__" => {
            Some(owner.map_or_else(|| checker.text(expr.range()).to_string(), str::to_string))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

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
