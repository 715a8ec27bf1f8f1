use std::collections::BTreeSet;

use ruff_python_ast::helpers::any_over_expr;
use ruff_python_ast::{Expr, Stmt, StmtFunctionDef};
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::helpers::first_line;
use crate::detector::semantic::Statement;
use crate::detector::semantic::sharing::AccessKind;
use crate::detector::semantic::vocabulary::CONSTRUCTORS;

declare_rule! {
    /// ## What it does
    /// Finds a method that, without a lock, writes two or more attributes of a shared `self`
    /// where one is computed from another it also writes
    /// (`self.tokens = self.tokens + (now - self.last) * rate; self.last = now`), while code
    /// that can run at the same time reads or writes them. Constructors (`__init__`,
    /// `__new__`, `__post_init__`) are left alone: the object is not shared yet.
    ///
    /// ## Why is this bad?
    /// The attributes form one invariant (tokens and the time they were counted, a total and a
    /// count, head and tail). Each store is atomic, the group is not: two threads interleave
    /// between the reads and the writes, one overwrites the other's result, and readers see a
    /// torn state (tokens refilled for a time already counted, an average over a mismatched
    /// total and count). On the free-threaded build (3.13t, 3.14t) the methods really run in
    /// parallel, so rate limiters over-admit and accounts go negative.
    ///
    /// ## Example
    /// ```python
    /// import threading
    /// import time
    ///
    /// class TokenBucket:
    ///     def __init__(self, rate):
    ///         self.rate = rate
    ///         self.tokens = rate
    ///         self.last = time.monotonic()
    ///
    ///     def refill(self):
    ///         now = time.monotonic()
    ///         self.tokens = self.tokens + (now - self.last) * self.rate
    ///         self.last = now
    ///
    /// bucket = TokenBucket(10)
    /// for _ in range(4):
    ///     threading.Thread(target=bucket.refill).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    /// import time
    ///
    /// class TokenBucket:
    ///     def __init__(self, rate):
    ///         self._lock = threading.Lock()
    ///         self.rate = rate
    ///         self.tokens = rate
    ///         self.last = time.monotonic()
    ///
    ///     def refill(self):
    ///         with self._lock:
    ///             now = time.monotonic()
    ///             self.tokens = self.tokens + (now - self.last) * self.rate
    ///             self.last = now
    ///
    /// bucket = TokenBucket(10)
    /// for _ in range(4):
    ///     threading.Thread(target=bucket.refill).start()
    /// ```
    ///
    /// Or publish the whole state in one assignment of an immutable object
    /// (`self.state = State(tokens, now)`) and have readers take `state = self.state` once.
    ///
    /// ## References
    /// - [Porting guide: dealing with thread-unsafe objects](https://py-free-threading.github.io/porting/#dealing-with-thread-unsafe-objects)
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    pub struct CompoundStateUpdate {
        code: "FT018",
        name: "compound-state-update",
        severity: Warning,
        summary: "Several attributes of a shared object updated from each other without a lock",
    }
}

/// FT018
pub(crate) fn compound_state_update(
    checker: &mut Checker,
    function: &FunctionContext,
    def: &StmtFunctionDef,
) {
    let method = &checker.model.functions[function.id];
    if method.class.is_none() || CONSTRUCTORS.contains(&method.name()) {
        return;
    }
    let Some(receiver) = def.parameters.iter_non_variadic_params().next() else {
        return;
    };
    let receiver = receiver.name().as_str();
    // Unguarded stores to `self.<attr>`: the statement, the target, the attribute, the value.
    let mut stores: Vec<(Statement, &Expr, &str, &Expr)> = Vec::new();
    for statement in function.body.statements() {
        if statement.guarded {
            continue;
        }
        match statement.stmt {
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    for (store, attr) in self_attributes(target, receiver) {
                        stores.push((statement, store, attr, &assign.value));
                    }
                }
            }
            Stmt::AugAssign(assign) => {
                for (store, attr) in self_attributes(&assign.target, receiver) {
                    stores.push((statement, store, attr, &assign.value));
                }
            }
            _ => {}
        }
    }
    let written: BTreeSet<&str> = stores.iter().map(|(_, _, attr, _)| *attr).collect();
    if written.len() < 2 {
        return;
    }
    // A value computed from the old state of another field this method writes afterwards (or
    // in the same statement); reading a field the method itself has just set is not old state.
    let Some((statement, target, attr, other)) =
        stores.iter().find_map(|(statement, target, attr, value)| {
            let start = statement.stmt.range().start();
            stores
                .iter()
                .filter(|(later, _, _, _)| later.stmt.range().start() >= start)
                .map(|(_, _, other, _)| *other)
                .find(|other| other != attr && reads_self_attribute(value, receiver, other))
                .map(|other| (*statement, *target, *attr, other))
        })
    else {
        return;
    };
    // Torn when another thread can read or write the fields while this runs.
    let places = checker.places(target);
    let Some(race) = checker.race_on(
        function,
        &statement,
        &places,
        AccessKind::Write,
        &[AccessKind::Read, AccessKind::Write, AccessKind::Update],
    ) else {
        return;
    };
    let fields = written
        .iter()
        .map(|name| format!("`{receiver}.{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let stmt = statement.stmt;
    let message = format!(
        "`{}` updates {fields} together without a lock (`{receiver}.{attr}` is computed from `{receiver}.{other}`), and {}: other threads can see or write a torn state{}",
        first_line(checker.text(stmt.range())),
        checker.describe_race(&race),
        checker.describe_owner(race.place),
    );
    checker.report_conflict(&CompoundStateUpdate::INFO, function, stmt.range(), message);
}

/// The `self.a` targets of an assignment target and their attribute names, including those in
/// a tuple target.
fn self_attributes<'a>(target: &'a Expr, receiver: &str) -> Vec<(&'a Expr, &'a str)> {
    match target {
        Expr::Attribute(attribute) if matches!(attribute.value.as_ref(), Expr::Name(name) if name.id == receiver) =>
        {
            vec![(target, attribute.attr.as_str())]
        }
        Expr::Tuple(tuple) => tuple
            .iter()
            .flat_map(|element| self_attributes(element, receiver))
            .collect(),
        Expr::List(list) => list
            .iter()
            .flat_map(|element| self_attributes(element, receiver))
            .collect(),
        _ => Vec::new(),
    }
}

fn reads_self_attribute(value: &Expr, receiver: &str, attr: &str) -> bool {
    any_over_expr(value, |expr| {
        matches!(expr, Expr::Attribute(attribute)
            if attribute.attr.as_str() == attr
                && matches!(attribute.value.as_ref(), Expr::Name(name) if name.id == receiver))
    })
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_fields_computed_from_each_other() {
        let source = r#"
import threading
class Account:
    def __init__(self):
        self._lock = threading.Lock()
        self.balance = 0
        self.history = ()
    def deposit(self, amount):
        self.history = self.history + (self.balance,)
        self.balance = self.balance + amount
class Fib:
    def __init__(self):
        self.a, self.b = 0, 1
    def step(self):
        self.a, self.b = self.b, self.a + self.b
fib = Fib()
for _ in range(2):
    threading.Thread(target=fib.step).start()
account = Account()
for amount in (1, 2):
    threading.Thread(target=account.deposit, args=(amount,)).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (9, "FT005".into()),
                (9, "FT018".into()),
                (10, "FT005".into()),
                (15, "FT018".into())
            ]
        );
    }

    #[test]
    fn quiet_under_lock_in_init_for_independent_fields_and_unshared_classes() {
        let source = r#"
import threading
class Account:
    def __init__(self):
        self._lock = threading.Lock()
        self.balance = 0
        self.history = ()
        self.history = self.history + (self.balance,)
    def deposit(self, amount):
        with self._lock:
            self.history = self.history + (self.balance,)
            self.balance = self.balance + amount
    def rename(self, name, when):
        self.name = name
        self.renamed = when
    def connect(self, sock):
        self.sock = sock
        self.file = self.sock.makefile("rb")
class Local:
    def step(self):
        self.a, self.b = self.b, self.a + self.b
def worker():
    Local().step()
    Account().deposit(1)
threading.Thread(target=worker).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
