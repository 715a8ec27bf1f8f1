use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ModModule, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::Checker;
use crate::detector::helpers::first_line;

declare_rule! {
    /// ## What it does
    /// Finds writes through a frame's locals: `frame.f_locals[name] = value`,
    /// `sys._getframe(1).f_locals[name] = value`, `del frame.f_locals[name]`,
    /// `frame.f_locals.update(...)` (and `pop`, `clear`, `setdefault`), and, inside a function,
    /// `locals()[name] = value`.
    ///
    /// ## Why is this bad?
    /// Since Python 3.13 (PEP 667) `frame.f_locals` of a function frame is a write-through
    /// proxy: a write really changes the running function's variables, where before it was
    /// silently dropped. If the frame belongs to another thread, that is a write into a frame
    /// running in parallel: the CPython free-threading HOWTO says accessing frame objects from
    /// other threads is not safe and may crash the interpreter. `locals()` in a function now
    /// returns an independent snapshot, so `locals()[name] = value` never changes the variable:
    /// code relying on it is broken on every 3.13+ build.
    ///
    /// ## Example
    /// ```python
    /// import sys
    ///
    /// def reset_caller_counter():
    ///     sys._getframe(1).f_locals["counter"] = 0
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def reset_counter(state):
    ///     state["counter"] = 0
    /// ```
    ///
    /// Pass the state explicitly (a dict, an object, a return value) instead of reaching into a
    /// frame.
    ///
    /// ## References
    /// - [PEP 667: consistent views of namespaces](https://peps.python.org/pep-0667/)
    /// - [Python HOWTO: free threading, frame objects](https://docs.python.org/3/howto/free-threading-python.html#frame-objects)
    pub struct FrameLocalsWrite {
        code: "FT019",
        name: "frame-locals-write",
        severity: Error,
        summary: "Write through `frame.f_locals` or `locals()`",
    }
}

const MUTATORS: &[&str] = &[
    "update",
    "pop",
    "popitem",
    "clear",
    "setdefault",
    "__setitem__",
];

/// FT019
pub(crate) fn frame_locals_write(checker: &mut Checker, module: &ModModule) {
    // A module that never spells `f_locals` or `locals()` cannot use it: skip the walk over the whole module.
    if !checker.mentions("locals") {
        return;
    }
    let mut finder = Finder {
        function_depth: 0,
        found: Vec::new(),
    };
    finder.visit_body(&module.body);
    for (range, what) in finder.found {
        let message = match what {
            Target::FrameLocals => format!(
                "`{}` writes through `f_locals`: since Python 3.13 (PEP 667) this changes the frame's live variables, and a frame of another thread must not be touched (it can crash the free-threaded build)",
                first_line(checker.text(range)),
            ),
            Target::Locals => format!(
                "`{}` writes into `locals()`, which in a function is a snapshot since Python 3.13 (PEP 667): the variable never changes",
                first_line(checker.text(range)),
            ),
        };
        checker.report(&FrameLocalsWrite::INFO, range, message);
    }
}

#[derive(Clone, Copy)]
enum Target {
    FrameLocals,
    Locals,
}

struct Finder {
    function_depth: usize,
    found: Vec<(TextRange, Target)>,
}

impl Finder {
    /// What a written-to mapping expression is: `x.f_locals` or `locals()` (in a function).
    fn classify(&self, mapping: &Expr) -> Option<Target> {
        match mapping {
            Expr::Attribute(attribute) if attribute.attr.as_str() == "f_locals" => {
                Some(Target::FrameLocals)
            }
            Expr::Call(call)
                if self.function_depth > 0
                    && call.arguments.is_empty()
                    && matches!(call.func.as_ref(), Expr::Name(name) if name.id == "locals") =>
            {
                Some(Target::Locals)
            }
            _ => None,
        }
    }

    fn check_targets(&mut self, stmt: &Stmt, targets: &[Expr]) {
        for target in targets {
            if let Expr::Subscript(subscript) = target
                && let Some(what) = self.classify(&subscript.value)
            {
                self.found.push((stmt.range(), what));
                return;
            }
        }
    }
}

impl<'a> Visitor<'a> for Finder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) => {
                self.function_depth += 1;
                visitor::walk_stmt(self, stmt);
                self.function_depth -= 1;
                return;
            }
            Stmt::ClassDef(_) => {
                let depth = std::mem::take(&mut self.function_depth);
                visitor::walk_stmt(self, stmt);
                self.function_depth = depth;
                return;
            }
            Stmt::Assign(assign) => self.check_targets(stmt, &assign.targets),
            Stmt::AugAssign(assign) => {
                self.check_targets(stmt, std::slice::from_ref(assign.target.as_ref()));
            }
            Stmt::Delete(delete) => self.check_targets(stmt, &delete.targets),
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr
            && let Expr::Attribute(method) = call.func.as_ref()
            && MUTATORS.contains(&method.attr.as_str())
            && let Some(Target::FrameLocals) = self.classify(&method.value)
        {
            self.found.push((expr.range(), Target::FrameLocals));
        }
        if let Expr::Lambda(_) = expr {
            self.function_depth += 1;
            visitor::walk_expr(self, expr);
            self.function_depth -= 1;
            return;
        }
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_f_locals_stores_deletes_updates_and_function_locals() {
        let source = r#"
import sys
def poke(frame):
    frame.f_locals["x"] = 1
    del frame.f_locals["y"]
    sys._getframe(1).f_locals.update({"z": 2})
    locals()["w"] = 3
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (4, "FT019".into()),
                (5, "FT019".into()),
                (6, "FT019".into()),
                (7, "FT019".into())
            ]
        );
    }

    #[test]
    fn quiet_for_reads_and_module_or_class_locals() {
        let source = r#"
import sys
locals()["CONSTANT"] = 1
class Table:
    locals()["field"] = 2
def peek():
    frame = sys._getframe(1)
    return frame.f_locals.get("x"), dict(frame.f_locals), frame.f_code.co_name
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
