use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ModModule, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::Checker;
use crate::detector::semantic::dotted_path;

declare_rule! {
    /// ## What it does
    /// Finds calls to `sys.setswitchinterval()` (and the removed `sys.setcheckinterval()`),
    /// anywhere in the module, whether or not it starts threads.
    ///
    /// ## Why is this bad?
    /// The switch interval only says how often the GIL is handed to another thread. Raising it
    /// to keep other threads out of a critical section never worked reliably (blocking calls
    /// still switch), and on the free-threaded build (3.13t, 3.14t) there is no GIL to hand over:
    /// the call has no effect on interleaving, so the code it "protected" is unprotected. It
    /// also changes the setting for the whole process. `sys.setcheckinterval` was removed in
    /// 3.9 and raises `AttributeError`.
    ///
    /// ## Example
    /// ```python
    /// import sys
    ///
    /// def swap(state, new):
    ///     sys.setswitchinterval(1000)
    ///     try:
    ///         state["old"], state["cur"] = state["cur"], new
    ///     finally:
    ///         sys.setswitchinterval(0.005)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// state_lock = threading.Lock()
    ///
    /// def swap(state, new):
    ///     with state_lock:
    ///         state["old"], state["cur"] = state["cur"], new
    /// ```
    ///
    /// Lowering the interval in a test to shake out races on GIL builds is a legitimate use;
    /// it simply does nothing on free-threaded builds. Putting back the interval read before
    /// (`old = sys.getswitchinterval()` ... `sys.setswitchinterval(old)`) is not reported: the
    /// call that changed it is.
    ///
    /// ## References
    /// - [sys.setswitchinterval](https://docs.python.org/3/library/sys.html#sys.setswitchinterval)
    /// - [Python HOWTO: free threading](https://docs.python.org/3/howto/free-threading-python.html)
    pub struct SwitchInterval {
        code: "FT010",
        name: "switch-interval",
        severity: Warning,
        summary: "`sys.setswitchinterval` used as if it controlled thread interleaving",
    }
}

/// FT010
pub(crate) fn switch_interval(checker: &mut Checker, module: &ModModule) {
    // A module that never spells `sys.setswitchinterval` cannot use it: skip the walk over the whole module.
    if !checker.mentions("setswitchinterval") {
        return;
    }
    struct Calls<'c, 'a> {
        checker: &'c Checker<'a>,
        found: Vec<(TextRange, String)>,
        /// Names and attributes assigned the interval in force (`old = sys.getswitchinterval()`,
        /// `self.old = ...`).
        saved: Vec<String>,
    }
    impl<'e> Visitor<'e> for Calls<'_, '_> {
        fn visit_stmt(&mut self, stmt: &'e Stmt) {
            if let Stmt::Assign(assign) = stmt
                && let [target] = assign.targets.as_slice()
                && let Expr::Call(call) = assign.value.as_ref()
                && self
                    .checker
                    .model
                    .resolve(&call.func)
                    .is_some_and(|function| function.is("sys.getswitchinterval"))
                && let Some(path) = dotted_path(target)
            {
                self.saved.push(path);
            }
            visitor::walk_stmt(self, stmt);
        }

        fn visit_expr(&mut self, expr: &'e Expr) {
            if let Expr::Call(call) = expr
                && let Some(why) = self.checker.model.resolve(&call.func).and_then(|name| name.find(&[
                    ("sys.setswitchinterval", "has no effect on interleaving without the GIL (3.13t, 3.14t): it cannot keep other threads out; use a lock"),
                    ("sys.setcheckinterval", "was removed in Python 3.9 (AttributeError) and never made code atomic; use a lock"),
                ]))
                && !matches!(&*call.arguments.args, [value]
                    if dotted_path(value).is_some_and(|path| self.saved.contains(&path)))
            {
                self.found.push((call.range(), (*why).to_string()));
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls {
        checker,
        found: Vec::new(),
        saved: Vec::new(),
    };
    calls.visit_body(&module.body);
    for (range, why) in calls.found {
        let message = format!("`{}` {why}", checker.text(range));
        checker.report(&SwitchInterval::INFO, range, message);
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_calls_at_module_level_and_in_functions() {
        let source = r#"
import sys
from sys import setswitchinterval as ssi
sys.setswitchinterval(100)
def f():
    ssi(1e-6)
    sys.setcheckinterval(100)
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (4, "FT010".into()),
                (6, "FT010".into()),
                (7, "FT010".into())
            ]
        );
    }

    #[test]
    fn quiet_when_putting_back_the_interval_read_before() {
        let source = r#"
import sys
def test_race():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        run_threads()
    finally:
        sys.setswitchinterval(old)
class Test:
    def setUp(self):
        self.old_interval = sys.getswitchinterval()
    def tearDown(self):
        sys.setswitchinterval(self.old_interval)
"#;
        assert_eq!(codes_at(source), vec![(5, "FT010".into())]);
    }

    #[test]
    fn quiet_for_reading_the_interval_and_other_modules() {
        let source = r#"
import sys
interval = sys.getswitchinterval()
class Fake:
    def setswitchinterval(self, value):
        pass
Fake().setswitchinterval(1)
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
