use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use ruff_python_ast::comparable::ComparableExpr;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::fix::locks::{Request, lock_fix};
use crate::detector::helpers::block_of;
use crate::detector::semantic::Statement;
use crate::detector::semantic::sharing::AccessKind;

declare_rule! {
    /// ## What it does
    /// Finds a shared buffer drained in two steps without a lock: a snapshot of it
    /// (`batch = list(pending)`, `pending.copy()`, `pending[:]`, `dict(d)`, `for x in pending:`)
    /// followed by emptying it (`pending.clear()`, `del pending[:]`, `pending[:] = []`, or
    /// rebinding it, `self.pending = []`), with no one lock held across both, while code that
    /// can run at the same time adds to it. The buffer is shared however threads reach it: a
    /// module-level name, an attribute of a shared object, an argument every thread gets.
    ///
    /// ## Why is this bad?
    /// Each step is atomic, the pair is not. An item another thread appends after the snapshot
    /// and before the clear is removed without ever being copied: it is lost, silently. Under the
    /// GIL the copy was already a switch point; on the free-threaded build (3.13t, 3.14t)
    /// producers run in parallel with the drain and lose items on every busy flush.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// pending = []
    ///
    /// def record(event):
    ///     pending.append(event)
    ///
    /// def flush():
    ///     batch = list(pending)
    ///     pending.clear()
    ///     print(batch)
    ///
    /// for event in ("login", "logout"):
    ///     threading.Thread(target=record, args=(event,)).start()
    /// threading.Timer(1.0, flush).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// pending = []
    /// pending_lock = threading.Lock()
    ///
    /// def record(event):
    ///     with pending_lock:
    ///         pending.append(event)
    ///
    /// def flush():
    ///     with pending_lock:
    ///         batch = list(pending)
    ///         pending.clear()
    ///     print(batch)
    ///
    /// for event in ("login", "logout"):
    ///     threading.Thread(target=record, args=(event,)).start()
    /// threading.Timer(1.0, flush).start()
    /// ```
    ///
    /// Producers must append under the same lock. Or use a `collections.deque` and drain it
    /// with `popleft()` until `IndexError`, or a `queue.Queue`.
    ///
    /// ## Fix safety
    /// The fix holds one lock around the copy, the clear and what is between them, and around every
    /// producer that adds to the buffer: the lock already held around other uses of the buffer,
    /// else the one generic lock beside it, else a new one named after it (`_events_lock`). Unsafe:
    /// review what runs under the lock (a `for` loop that is the copy then runs whole under it).
    ///
    /// ## References
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    pub struct CopyThenClear {
        code: "FT017",
        name: "copy-then-clear",
        severity: Warning,
        summary: "Shared buffer copied then cleared without a lock: items added between are lost",
    }
}

/// FT017
pub(crate) fn copy_then_clear(checker: &mut Checker, function: &FunctionContext) {
    // Snapshots seen so far: the container, the snapshot statement, and the locks held.
    let mut snapshots: Vec<(&Expr, &Stmt, &[&Expr])> = Vec::new();
    let mut reported: Vec<TextRange> = Vec::new();
    for statement in function.body.statements() {
        let stmt = statement.stmt;
        if let Some(cleared) = emptied_container(stmt) {
            let cleared_form = ComparableExpr::from(cleared);
            let Some(&(container, snapshot_stmt, snapshot_locks)) = snapshots
                .iter()
                .find(|(seen, _, _)| ComparableExpr::from(*seen) == cleared_form)
            else {
                continue;
            };
            let snapshot = snapshot_stmt.range();
            if reported.contains(&snapshot) {
                continue;
            }
            // Only one lock held across the copy and the clear makes them one step, and then
            // only for producers that take it too.
            let held_across: Vec<&Expr> = statement
                .locks
                .iter()
                .copied()
                .filter(|lock| {
                    snapshot_locks
                        .iter()
                        .any(|held| ComparableExpr::from(*held) == ComparableExpr::from(*lock))
                })
                .collect();
            let step = Statement {
                locks: &held_across,
                guarded: !held_across.is_empty(),
                ..statement
            };
            let places = checker.item_places(container);
            let Some(race) = checker.race_on(
                function,
                &step,
                &places,
                AccessKind::Clear,
                &[AccessKind::Add],
            ) else {
                continue;
            };
            reported.push(snapshot);
            let line = checker.location(snapshot.start()).row;
            let message = format!(
                "`{}` empties `{}` after the copy at line {line} without one lock around both, and {}: what it adds in between is lost{}",
                checker.text(stmt.range()),
                checker.text(container.range()),
                checker.describe_race(&race),
                checker.describe_owner(race.place),
            );
            // One lock around the copy, the clear and what is between, and around every
            // producer.
            let def_body = checker.model.functions[function.id].def.body.as_slice();
            let fix = block_of(def_body, snapshot_stmt).and_then(|(block, first)| {
                let last = first + block[first..].iter().position(|s| std::ptr::eq(s, stmt))?;
                lock_fix(
                    checker,
                    &Request {
                        function,
                        statement: &step,
                        flagged: &block[first..=last],
                        state: container,
                        places: &places,
                        kind: AccessKind::Clear,
                        against: &[AccessKind::Add],
                        inner_headers: Vec::new(),
                        rewrite: None,
                    },
                    "the copy and the clear",
                )
            });
            if let Some(diagnostic) =
                checker.report_conflict(&CopyThenClear::INFO, function, stmt.range(), message)
            {
                diagnostic.fix = fix;
            }
            continue;
        }
        if let Some(container) = snapshot_of(stmt) {
            snapshots.push((container, stmt, statement.locks));
        }
    }
}

/// The container a statement reads whole: `x = list(c)`, `c.copy()`, `c[:]`, `dict(c)`,
/// `set(c)`, `copy.copy(c)`, `for x in c:`.
fn snapshot_of(stmt: &Stmt) -> Option<&Expr> {
    match stmt {
        Stmt::For(for_stmt) => match for_stmt.iter.as_ref() {
            iter @ (Expr::Name(_) | Expr::Attribute(_)) => Some(iter),
            other => copied(other),
        },
        Stmt::Assign(assign) => copied(&assign.value),
        Stmt::AnnAssign(assign) => assign.value.as_deref().and_then(copied),
        _ => None,
    }
}

fn copied(value: &Expr) -> Option<&Expr> {
    match value {
        Expr::Call(call) => match (call.func.as_ref(), &*call.arguments.args) {
            (Expr::Name(func), [argument])
                if matches!(
                    func.id.as_str(),
                    "list" | "dict" | "set" | "tuple" | "deque" | "bytes"
                ) =>
            {
                Some(argument)
            }
            (Expr::Attribute(method), []) if method.attr.as_str() == "copy" => Some(&method.value),
            (Expr::Attribute(method), [argument])
                if method.attr.as_str() == "copy"
                    && matches!(method.value.as_ref(), Expr::Name(module) if module.id == "copy") =>
            {
                Some(argument)
            }
            _ => None,
        },
        Expr::Subscript(subscript) if is_full_slice(&subscript.slice) => Some(&subscript.value),
        _ => None,
    }
}

/// The container a statement empties: `c.clear()`, `del c[:]`, `c[:] = []`, `c = []`.
fn emptied_container(stmt: &Stmt) -> Option<&Expr> {
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
        Stmt::Assign(assign) if is_empty_literal(&assign.value) => {
            match assign.targets.as_slice() {
                [Expr::Subscript(subscript)] if is_full_slice(&subscript.slice) => {
                    Some(&subscript.value)
                }
                [target @ (Expr::Name(_) | Expr::Attribute(_))] => Some(target),
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_full_slice(slice: &Expr) -> bool {
    matches!(slice, Expr::Slice(slice) if slice.lower.is_none() && slice.upper.is_none() && slice.step.is_none())
}

fn is_empty_literal(value: &Expr) -> bool {
    match value {
        Expr::List(list) => list.is_empty(),
        Expr::Dict(dict) => dict.is_empty(),
        Expr::Call(call) => {
            call.arguments.is_empty()
                && matches!(call.func.as_ref(), Expr::Name(func) if matches!(func.id.as_str(), "list" | "dict" | "set"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_copy_clear_slice_delete_loop_and_rebinding() {
        let source = r#"
import threading
events = []
stats = {}
buf = []
def flush():
    global buf
    batch = events.copy()
    events.clear()
    snapshot = dict(stats)
    stats.clear()
    for item in buf:
        print(item)
    buf = []
def record(event):
    events.append(event)
    stats[event] = 1
    buf.append(event)
for event in "ab":
    threading.Thread(target=record, args=(event,)).start()
threading.Timer(1.0, flush).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (9, "FT017".into()),
                (11, "FT017".into()),
                // The loop itself also iterates `buf` while `record` appends.
                (12, "FT016".into()),
                (14, "FT017".into())
            ]
        );
    }

    #[test]
    fn flags_a_shared_instance_buffer() {
        let source = r#"
import threading
class Batcher:
    def __init__(self):
        self._lock = threading.Lock()
        self.items = []
    def flush(self):
        batch = self.items[:]
        del self.items[:]
        return batch
    def add(self, item):
        self.items.append(item)
b = Batcher()
threading.Thread(target=b.flush).start()
threading.Thread(target=b.add, args=(1,)).start()
"#;
        assert_eq!(codes_at(source), vec![(9, "FT017".into())]);
    }

    #[test]
    fn quiet_under_one_lock_for_locals_and_a_clear_alone() {
        let source = r#"
import threading
events = []
other = []
lock = threading.Lock()
def flush():
    with lock:
        batch = list(events)
        events.clear()
    mine = [1, 2]
    copy = list(mine)
    mine.clear()
    other.clear()
threading.Timer(1.0, flush).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
