use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext, Place};
use crate::detector::helpers::first_line;
use crate::detector::semantic::Statement;
use crate::detector::semantic::sharing::AccessKind;

declare_rule! {
    /// ## What it does
    /// Finds shared state changed for the length of a block and then put back, in code that
    /// runs in threads: a value saved, replaced, and restored from the saved copy, as a
    /// context manager or a `try`/`finally` around a call does it:
    /// - `old = self.flags[name]`, `self.flags[name] = value`, ..., `self.flags[name] = old`;
    /// - `saved = {k: OPTIONS[k] for k in overrides}`, `OPTIONS.update(overrides)`, ...,
    ///   `OPTIONS.update(saved)`;
    /// - `previous = settings.mode`, `settings.mode = "fast"`, ..., `settings.mode = previous`.
    ///
    /// The state is shared however threads reach it: a module-level dict of options, a class
    /// attribute, an attribute or item of an object every thread holds.
    ///
    /// ## Why is this bad?
    /// The override is not this thread's: every other thread that reads the state while the
    /// block runs sees the temporary value (a validation switched off, another request's
    /// setting), and the restores of two threads that overlap can put back each other's
    /// temporary values, so an override outlives both blocks. Under the GIL this was already a
    /// race, rarely seen; on the free-threaded build (3.13t, 3.14t) the blocks really run at
    /// the same time. scikit-learn made its configuration thread-local for this reason.
    ///
    /// ## Example
    /// ```python
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// OPTIONS = {"escape_html": True}
    ///
    /// def render(text, **overrides):
    ///     saved = {key: OPTIONS[key] for key in overrides}
    ///     OPTIONS.update(overrides)
    ///     try:
    ///         return to_html(text)
    ///     finally:
    ///         OPTIONS.update(saved)
    ///
    /// with ThreadPoolExecutor() as pool:
    ///     pool.submit(render, "<b>trusted</b>", escape_html=False)
    ///     pool.submit(render, "<script>untrusted</script>")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import contextvars
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// OPTIONS = contextvars.ContextVar("OPTIONS", default={"escape_html": True})
    ///
    /// def render(text, **overrides):
    ///     token = OPTIONS.set({**OPTIONS.get(), **overrides})
    ///     try:
    ///         return to_html(text)
    ///     finally:
    ///         OPTIONS.reset(token)
    /// ```
    ///
    /// A `threading.local()` or a `contextvars.ContextVar` gives each thread its own value;
    /// passing the setting as an argument avoids the shared state altogether.
    ///
    /// ## References
    /// - [`contextvars`](https://docs.python.org/3/library/contextvars.html)
    /// - [`threading.local`](https://docs.python.org/3/library/threading.html#thread-local-data)
    pub struct TemporaryOverride {
        code: "FT024",
        name: "temporary-override",
        severity: Warning,
        summary: "Shared state replaced for a block and restored after it, from code that runs in threads",
    }
}

/// A local holding the value some state had, saved to be put back.
struct Saved<'a> {
    local: &'a str,
    state: ComparableExpr<'a>,
    line: usize,
}

/// FT024
pub(crate) fn temporary_override(checker: &mut Checker, function: &FunctionContext) {
    let mut saved: Vec<Saved> = Vec::new();
    // The first change of saved state after it was saved, waiting for its restore.
    let mut overrides: Vec<(usize, Statement, &Expr)> = Vec::new();
    for statement in function.body.statements() {
        let stmt = statement.stmt;
        if let Some((target, value)) = written(stmt) {
            let state = ComparableExpr::from(target);
            let restored = match value {
                Some(Expr::Name(local)) => saved
                    .iter()
                    .position(|save| save.local == local.id.as_str() && save.state == state),
                _ => None,
            };
            match restored {
                Some(index) => {
                    if let Some(position) = overrides
                        .iter()
                        .position(|(override_of, _, _)| *override_of == index)
                    {
                        let (_, changed, target) = overrides.remove(position);
                        report(checker, function, &changed, target, &saved[index], stmt);
                    }
                }
                None => {
                    if let Some(index) = saved.iter().position(|save| save.state == state)
                        && !overrides.iter().any(|(of, _, _)| *of == index)
                    {
                        overrides.push((index, statement, target));
                    }
                }
            }
        }
        if let Stmt::Assign(assign) = stmt
            && let [Expr::Name(local)] = assign.targets.as_slice()
        {
            saved.retain(|save| save.local != local.id.as_str());
            if let Some(state) = saved_state(&assign.value) {
                let line = checker.location(stmt.start()).row;
                saved.push(Saved {
                    local: local.id.as_str(),
                    state: ComparableExpr::from(state),
                    line,
                });
            }
        }
    }
}

fn report(
    checker: &mut Checker,
    function: &FunctionContext,
    changed: &Statement,
    target: &Expr,
    save: &Saved,
    restore: &Stmt,
) {
    let (places, kind): (Vec<Place>, AccessKind) = match target {
        Expr::Subscript(item) => (checker.item_places(&item.value), AccessKind::Add),
        Expr::Attribute(_) | Expr::Name(_) => (checker.places(target), AccessKind::Write),
        // `OPTIONS.update(overrides)`: the items of `OPTIONS`.
        container => (checker.item_places(container), AccessKind::Add),
    };
    let Some(race) = checker.race_on(
        function,
        changed,
        &places,
        kind,
        &[
            AccessKind::Read,
            AccessKind::Iterate,
            AccessKind::Write,
            AccessKind::Update,
            AccessKind::Add,
        ],
    ) else {
        return;
    };
    let message = format!(
        "`{}` changes `{}` for every thread until line {} puts back what line {} saved, and {}: other threads see the temporary value, and overlapping restores can put back another thread's; keep the value per thread (`contextvars`, `threading.local()`) or pass it along{}",
        first_line(checker.text(changed.stmt.range())),
        checker.text(target.range()),
        checker.location(restore.start()).row,
        save.line,
        checker.describe_race(&race),
        checker.describe_owner(race.place),
    );
    checker.report_conflict(
        &TemporaryOverride::INFO,
        function,
        changed.stmt.range(),
        message,
    );
}

/// The state a statement writes as a whole (`s = v`, `obj.a = v`, `d[k] = v`, or the items of
/// `d` in `d.update(v)`) and the value written.
fn written(stmt: &Stmt) -> Option<(&Expr, Option<&Expr>)> {
    match stmt {
        Stmt::Assign(assign) => match assign.targets.as_slice() {
            [target @ (Expr::Attribute(_) | Expr::Subscript(_) | Expr::Name(_))] => {
                Some((target, Some(&*assign.value)))
            }
            _ => None,
        },
        Stmt::Expr(expr) => updated(&expr.value),
        _ => None,
    }
}

/// `d.update(v)`: `d`, and `v` when it is the only argument.
fn updated(expr: &Expr) -> Option<(&Expr, Option<&Expr>)> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Attribute(method) = call.func.as_ref() else {
        return None;
    };
    if method.attr.as_str() != "update" {
        return None;
    }
    let argument = match (&*call.arguments.args, &*call.arguments.keywords) {
        ([argument], []) => Some(argument),
        _ => None,
    };
    Some((&method.value, argument))
}

/// The state whose value `value` saves: `s` itself (a name, attribute or item), a copy of it
/// (`s.copy()`, `dict(s)`, `copy.copy(s)`), or some of its items (`{k: s[k] for k in keys}`),
/// which `s.update(saved)` puts back.
fn saved_state(value: &Expr) -> Option<&Expr> {
    match value {
        Expr::Attribute(_) | Expr::Subscript(_) => Some(value),
        Expr::Call(call) => match (call.func.as_ref(), &*call.arguments.args) {
            (Expr::Attribute(method), []) if method.attr.as_str() == "copy" => Some(&method.value),
            (Expr::Name(name), [copied]) if name.id.as_str() == "dict" => Some(copied),
            (Expr::Attribute(method), [copied])
                if matches!(method.attr.as_str(), "copy" | "deepcopy") =>
            {
                Some(copied)
            }
            _ => None,
        },
        Expr::DictComp(comprehension) => match comprehension.value.as_ref() {
            Expr::Subscript(item) => Some(&item.value),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_an_override_restored_from_a_saved_value() {
        let source = r#"
import threading
OPTIONS = {"escape_html": True, "offset": 0}
def render(text, **overrides):
    saved = {key: OPTIONS[key] for key in overrides}
    OPTIONS.update(overrides)
    try:
        return text if OPTIONS["escape_html"] else text.upper()
    finally:
        OPTIONS.update(saved)
class Flags:
    def __init__(self):
        self.flags = {"beta": False}
    def preview(self, name, value, page):
        previous = self.flags[name]
        self.flags[name] = value
        try:
            return page()
        finally:
            self.flags[name] = previous
    def enabled(self, name):
        return self.flags[name]
flags = Flags()
for _ in range(3):
    threading.Thread(target=render, args=("a",), kwargs={"escape_html": False}).start()
    threading.Thread(target=flags.preview, args=("beta", True, list)).start()
    threading.Thread(target=flags.enabled, args=("beta",)).start()
"#;
        let found: Vec<(usize, String)> = codes_at(source)
            .into_iter()
            .filter(|(_, code)| code == "FT024")
            .collect();
        assert_eq!(found, vec![(6, "FT024".into()), (16, "FT024".into())]);
        let diagnostics = crate::check_source(source);
        let message = &diagnostics
            .iter()
            .find(|diagnostic| diagnostic.code == "FT024")
            .unwrap()
            .message;
        assert!(
            message.starts_with(
                "`OPTIONS.update(overrides)` changes `OPTIONS` for every thread until line 10 puts back what line 5 saved"
            ),
            "{message}"
        );
    }

    #[test]
    fn quiet_under_one_lock_and_a_note_without_threads() {
        // The whole override under the lock every reader takes.
        let locked = r#"
import threading
lock = threading.Lock()
OPTIONS = {"offset": 0}
def render(text, offset):
    with lock:
        saved = OPTIONS["offset"]
        OPTIONS["offset"] = offset
        try:
            return text[OPTIONS["offset"]:]
        finally:
            OPTIONS["offset"] = saved
for n in range(3):
    threading.Thread(target=render, args=("abc", n)).start()
"#;
        assert_eq!(codes_at(locked), vec![]);
        // A module that starts no threads: only a note, as for every rule.
        let script = r#"
OPTIONS = {"offset": 0}
def render(text, offset):
    saved = OPTIONS["offset"]
    OPTIONS["offset"] = offset
    text = text[OPTIONS["offset"]:]
    OPTIONS["offset"] = saved
    return text
render("abc", 1)
"#;
        let notes: Vec<_> = crate::check_source(script)
            .into_iter()
            .filter(|diagnostic| diagnostic.code == "FT024")
            .map(|diagnostic| diagnostic.severity)
            .collect();
        assert_eq!(notes, vec![crate::detector::Severity::Info]);
    }
}
