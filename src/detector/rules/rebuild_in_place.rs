use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::semantic::Statement;
use crate::detector::semantic::sharing::AccessKind;
use crate::detector::semantic::vocabulary::ADDING;

declare_rule! {
    /// ## What it does
    /// Finds a shared container rebuilt in place without a lock: emptied (`config.clear()`,
    /// `del items[:]`) and then filled again (`config.update(fresh)`, `items.extend(new)`,
    /// `config[key] = value`, `items.append(x)`), with no one lock held across both, while code
    /// that can run at the same time reads or iterates it. The container is shared however
    /// threads reach it: a module-level name, an attribute of a shared object, an argument
    /// every thread gets.
    ///
    /// ## Why is this bad?
    /// Between the clear and the refill the container is empty, and during the refill it is
    /// half full. Each call is atomic, the rebuild is not: a reader running at that moment gets
    /// a `KeyError`, a default it should not use, or a partial list. Under the GIL a reader
    /// rarely landed in that window; on the free-threaded build (3.13t, 3.14t) readers run in
    /// parallel with the rebuild and meet it whenever a reload is busy.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// config = {"timeout": 5}
    ///
    /// def reload(fresh):
    ///     config.clear()
    ///     config.update(fresh)
    ///
    /// def handle(request):
    ///     return config["timeout"]
    ///
    /// threading.Thread(target=reload, args=({"timeout": 10},)).start()
    /// threading.Thread(target=handle, args=("GET /",)).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// config = {"timeout": 5}
    ///
    /// def reload(fresh):
    ///     global config
    ///     config = dict(fresh)
    ///
    /// def handle(request):
    ///     return config["timeout"]
    ///
    /// threading.Thread(target=reload, args=({"timeout": 10},)).start()
    /// threading.Thread(target=handle, args=("GET /",)).start()
    /// ```
    ///
    /// Building the new container aside and binding it with one assignment lets every reader
    /// see either the old contents or the new ones (readers that keep a reference keep the old
    /// container). Where other code holds the container itself, hold one lock around the
    /// rebuild and around every read instead.
    ///
    /// ## References
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    pub struct RebuildInPlace {
        code: "FT021",
        name: "rebuild-in-place",
        severity: Warning,
        summary: "Shared container emptied and refilled without a lock while other threads read it",
    }
}

/// FT021
pub(crate) fn rebuild_in_place(checker: &mut Checker, function: &FunctionContext) {
    // Containers emptied so far: the container, the clearing statement, the locks held there.
    let mut cleared: Vec<(&Expr, &Statement, TextRange)> = Vec::new();
    let mut reported: Vec<TextRange> = Vec::new();
    let statements: Vec<Statement> = function.body.statements().collect();
    for statement in &statements {
        let stmt = statement.stmt;
        if let Some(container) = emptied_in_place(stmt) {
            cleared.push((container, statement, stmt.range()));
            continue;
        }
        let Some(refilled) = refilled_container(stmt) else {
            continue;
        };
        let refilled_form = ComparableExpr::from(refilled);
        let Some(&(container, clear, clear_range)) = cleared
            .iter()
            .rev()
            .find(|(seen, _, _)| ComparableExpr::from(*seen) == refilled_form)
        else {
            continue;
        };
        if reported.contains(&clear_range) {
            continue;
        }
        // Only a lock held across the clear and the refill makes them one step.
        let held_across: Vec<&Expr> = statement
            .locks
            .iter()
            .copied()
            .filter(|lock| {
                clear
                    .locks
                    .iter()
                    .any(|held| ComparableExpr::from(*held) == ComparableExpr::from(*lock))
            })
            .collect();
        let step = Statement {
            locks: &held_across,
            guarded: !held_across.is_empty(),
            ..*clear
        };
        let places = checker.item_places(container);
        let Some(race) = checker.race_on(
            function,
            &step,
            &places,
            AccessKind::Clear,
            &[AccessKind::Read, AccessKind::Iterate],
        ) else {
            continue;
        };
        reported.push(clear_range);
        let line = checker.location(stmt.start()).row;
        let message = format!(
            "`{}` empties `{}` and line {line} fills it again without one lock around both, and {}: readers can find it empty or half filled{}",
            checker.text(clear_range),
            checker.text(container.range()),
            checker.describe_race(&race),
            checker.describe_owner(race.place),
        );
        checker.report_conflict(&RebuildInPlace::INFO, function, clear_range, message);
    }
}

/// The container a statement empties in place: `c.clear()`, `del c[:]`.
fn emptied_in_place(stmt: &Stmt) -> Option<&Expr> {
    match stmt {
        Stmt::Expr(expr) => match expr.value.as_ref() {
            Expr::Call(call) if call.arguments.is_empty() => match call.func.as_ref() {
                Expr::Attribute(method) if method.attr.as_str() == "clear" => Some(&method.value),
                _ => None,
            },
            _ => None,
        },
        Stmt::Delete(delete) => match delete.targets.as_slice() {
            [Expr::Subscript(subscript)] if is_full_slice(&subscript.slice) => {
                Some(&subscript.value)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The container a statement adds items to: `c.update(...)`, `c.extend(...)`, `c.append(x)`,
/// `c[k] = v`, `c += ...`.
fn refilled_container(stmt: &Stmt) -> Option<&Expr> {
    match stmt {
        Stmt::Expr(expr) => match expr.value.as_ref() {
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Attribute(method) if ADDING.contains(&method.attr.as_str()) => {
                    Some(&method.value)
                }
                _ => None,
            },
            _ => None,
        },
        Stmt::Assign(assign) => match assign.targets.as_slice() {
            [Expr::Subscript(subscript)] => Some(&subscript.value),
            _ => None,
        },
        Stmt::AugAssign(assign) => Some(&assign.target),
        _ => None,
    }
}

fn is_full_slice(slice: &Expr) -> bool {
    matches!(slice, Expr::Slice(slice) if slice.lower.is_none() && slice.upper.is_none() && slice.step.is_none())
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_clear_then_refill_while_threads_read() {
        let source = r#"
import threading
config = {"timeout": 5}
names = []
def reload(fresh, more):
    config.clear()
    config.update(fresh)
    del names[:]
    for name in more:
        names.append(name)
def handle(request):
    return config["timeout"], [name for name in names]
threading.Thread(target=reload, args=({"timeout": 10}, ["a"])).start()
for _ in range(4):
    threading.Thread(target=handle, args=("GET /",)).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (6, "FT021".into()),
                (8, "FT021".into()),
                // The comprehension iterates `names` while `append` changes it.
                (12, "FT016".into())
            ]
        );
    }

    #[test]
    fn quiet_for_a_swap_a_locked_rebuild_and_no_reader() {
        let source = r#"
import threading
config = {"timeout": 5}
settings = {}
lock = threading.Lock()
log = []
def reload(fresh):
    global config
    config = dict(fresh)
    with lock:
        settings.clear()
        settings.update(fresh)
    log.clear()
    log.append("reloaded")
def handle(request):
    with lock:
        timeout = settings.get("timeout")
    return config["timeout"], timeout
threading.Thread(target=reload, args=({"timeout": 10},)).start()
for _ in range(4):
    threading.Thread(target=handle, args=("GET /",)).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
