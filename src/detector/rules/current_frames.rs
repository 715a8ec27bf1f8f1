use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ModModule};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::Severity;
use crate::detector::checker::Checker;
use crate::detector::semantic::SemanticModel;

declare_rule! {
    /// ## What it does
    /// Finds calls of `sys._current_frames()`, which returns the running frame of every
    /// thread. In a module that starts threads it is an error; elsewhere (a library, a
    /// profiler helper) it is reported as `info`.
    ///
    /// ## Why is this bad?
    /// The frames belong to threads that keep running. The CPython free-threading HOWTO: "It is
    /// not safe to access frame objects from other threads and doing so may cause your program
    /// to crash. This means that `sys._current_frames()` is generally not safe to use in a
    /// free-threaded build." Under the GIL the other threads were paused while you looked; on
    /// 3.13t and 3.14t they are not, and reading `f_lineno`, `f_locals` or `f_back` of a frame
    /// that is being executed or freed is a data race inside the interpreter.
    ///
    /// ## Example
    /// ```python
    /// import sys
    /// import threading
    ///
    /// def watchdog():
    ///     for ident, frame in sys._current_frames().items():
    ///         print(ident, frame.f_lineno)
    ///
    /// threading.Thread(target=watchdog).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import faulthandler
    /// import threading
    ///
    /// def watchdog():
    ///     faulthandler.dump_traceback(all_threads=True)
    ///
    /// threading.Thread(target=watchdog).start()
    /// ```
    ///
    /// `faulthandler` dumps every thread's stack safely; or have each thread record its own
    /// progress (`traceback.format_stack()` in the owning thread) and publish plain data.
    ///
    /// ## References
    /// - [Python HOWTO: free threading, frame objects](https://docs.python.org/3/howto/free-threading-python.html#frame-objects)
    pub struct CurrentFrames {
        code: "FT020",
        name: "current-frames",
        severity: Error,
        summary: "`sys._current_frames()` reads frames of running threads",
    }
}

/// FT020
pub(crate) fn current_frames(checker: &mut Checker, module: &ModModule) {
    // A module that never spells `sys._current_frames` cannot use it: skip the walk over the whole module.
    if !checker.mentions("_current_frames") {
        return;
    }
    let mut finder = Finder {
        model: checker.model,
        found: Vec::new(),
    };
    finder.visit_body(&module.body);
    let threaded = checker.model.starts_threads();
    for range in finder.found {
        let (severity, context) = if threaded {
            (Severity::Error, "this module starts threads")
        } else {
            (
                Severity::Info,
                "this module starts no threads: a hazard only if other threads run",
            )
        };
        let message = format!(
            "`{}` hands out the live frames of other threads, which is not safe on the free-threaded build and can crash it ({context})",
            checker.text(range),
        );
        checker.report_at(&CurrentFrames::INFO, range, message, severity);
    }
}

struct Finder<'m, 'a> {
    model: &'m SemanticModel<'a>,
    found: Vec<TextRange>,
}

impl<'b> Visitor<'b> for Finder<'_, '_> {
    fn visit_expr(&mut self, expr: &'b Expr) {
        if let Expr::Call(call) = expr
            && self
                .model
                .resolve(&call.func)
                .is_some_and(|name| name.is("sys._current_frames"))
        {
            self.found.push(expr.range());
        }
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use crate::Severity;
    use crate::check_source;
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_every_alias_and_grades_by_threads() {
        let source = r#"
import sys as system
from sys import _current_frames
import threading
def dump():
    frames = system._current_frames()
    return _current_frames()
threading.Thread(target=dump).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![(6, "FT020".into()), (7, "FT020".into())]
        );
        let library = "import sys\ndef dump():\n    return sys._current_frames()\n";
        let diagnostics = check_source(library);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].severity, Severity::Info);
    }

    #[test]
    fn quiet_for_own_frame_access() {
        let source = r#"
import sys
import threading
def where():
    return sys._getframe().f_code.co_name
threading.Thread(target=where).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
