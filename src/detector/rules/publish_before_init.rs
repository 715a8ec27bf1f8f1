use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::{BoolOp, CmpOp, Expr, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext, Place, Race};
use crate::detector::helpers::{exits, int_literal, siblings};
use crate::detector::semantic::Statement;
use crate::detector::semantic::flow::{Callable, ObjectKind, Scope, VarId};
use crate::detector::semantic::sharing::{Access, AccessKind, CodeId, Owner};
use crate::detector::semantic::vocabulary::READING;

declare_rule! {
    /// ## What it does
    /// Finds a marker that says "done" published before the work it stands for is done, where
    /// another thread can read it meanwhile:
    /// - an init-once flag set first (`if _loaded: return` / `_loaded = True` / then the
    ///   loading), when code that skips the work on seeing the flag goes on to read what the
    ///   work writes;
    /// - a lazily created object stored where other threads look for it (a module global, a
    ///   class attribute, `self._conn`, a registry's item) and only then set up
    ///   (`_config = {}` then `_config["a"] = ...`, `cls._instances[key] = inst` then
    ///   `inst.x = ...`, `self._conn = connect()` then `self._conn.login()`).
    ///
    /// The work runs under the test that the marker is not set yet (`if not ...:`,
    /// `if ... is None:`, `if key not in ...:`, `if not hasattr(...)`, or after an early
    /// `return` when it is set). The whole check, work and marker under one lock that every
    /// reader of the marker also takes is not reported; nor is a flag set after the work.
    ///
    /// ## Why is this bad?
    /// A thread that finds the marker set takes it as the promise that the work is finished:
    /// it skips the loading, or takes the published object, and goes on to use state that the
    /// first thread is still filling in. It gets a `KeyError` for a template not loaded yet, an
    /// empty table, an attribute that is not set, a connection not logged in. A lock around
    /// only the work does not help while the marker is read outside it (double-checked locking
    /// with the flag set first is broken in the same way). Under the GIL the window was a few
    /// bytecodes wide; on the free-threaded build (3.13t, 3.14t) the other threads run in
    /// parallel with the loading, for as long as it takes.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// _loaded = False
    /// _names = {}
    ///
    /// def _load():
    ///     global _loaded
    ///     if _loaded:
    ///         return
    ///     _loaded = True
    ///     for line in open("countries.txt"):
    ///         code, name = line.split(maxsplit=1)
    ///         _names[code] = name
    ///
    /// def country(code):
    ///     _load()
    ///     return _names[code]
    ///
    /// for code in ("GB", "SE"):
    ///     threading.Thread(target=country, args=(code,)).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// _loaded = False
    /// _names = {}
    /// _load_lock = threading.Lock()
    ///
    /// def _load():
    ///     global _loaded
    ///     with _load_lock:
    ///         if _loaded:
    ///             return
    ///         for line in open("countries.txt"):
    ///             code, name = line.split(maxsplit=1)
    ///             _names[code] = name
    ///         _loaded = True
    ///
    /// def country(code):
    ///     _load()
    ///     return _names[code]
    ///
    /// for code in ("GB", "SE"):
    ///     threading.Thread(target=country, args=(code,)).start()
    /// ```
    ///
    /// Set the marker last, and hold one lock around the test, the work and the marker. A fast
    /// path that tests the marker before taking the lock is then correct too. For an object,
    /// build it in a local and publish it with one assignment once it is complete.
    ///
    /// ## References
    /// - [Python HOWTO: free threading](https://docs.python.org/3/howto/free-threading-python.html)
    /// - [CPython gh-92452: sysconfig published its config dict before filling it](https://github.com/python/cpython/issues/92452)
    pub struct PublishBeforeInit {
        code: "FT023",
        name: "publish-before-init",
        severity: Warning,
        summary: "Done-flag or lazily created object published before the work it stands for is finished",
    }
}

/// What says the work is done.
#[derive(Clone, Copy)]
enum Marker<'a> {
    /// A name or an attribute: `_loaded`, `self._conn`, `cls._instance`.
    Value(&'a Expr),
    /// An attribute tested with `hasattr(base, "name")`.
    Attribute { base: &'a Expr, name: &'a str },
    /// The items of a container: `key in registry`, `registry.get(key) is None`.
    Items(&'a Expr),
}

impl Marker<'_> {
    /// Whether two tests (of different functions, say) test the same marker.
    fn same_as(self, other: Marker) -> bool {
        match (self, other) {
            (Marker::Value(a), Marker::Value(b)) | (Marker::Items(a), Marker::Items(b)) => {
                same(a, b)
            }
            (
                Marker::Attribute { base, name },
                Marker::Attribute {
                    base: other_base,
                    name: other_name,
                },
            ) => name == other_name && same(base, other_base),
            _ => false,
        }
    }

    /// Whether an assignment to `target` sets the marker.
    fn stored_by(self, target: &Expr) -> bool {
        match (self, target) {
            (Marker::Value(marker), _) => same(marker, target),
            (Marker::Attribute { base, name }, Expr::Attribute(attribute)) => {
                attribute.attr.as_str() == name && same(base, &attribute.value)
            }
            (Marker::Items(container), Expr::Subscript(item)) => same(container, &item.value),
            _ => false,
        }
    }
}

/// What the marker is set to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Published {
    /// `True` or a non-zero number: a flag.
    Flag,
    /// An object other threads then use.
    Object,
}

/// Code that runs only while a marker is not set.
struct Region<'a> {
    marker: Marker<'a>,
    /// The statements that run whenever the region does.
    block: &'a [Stmt],
    /// From the region's first statement to the last that runs with the marker unset.
    range: TextRange,
}

/// The statements after the marker that run with it set, and the functions they call.
struct Work {
    range: TextRange,
    /// Directly or not, not the function itself.
    called: Vec<usize>,
}

/// FT023
pub(crate) fn publish_before_init(
    checker: &mut Checker,
    function: &FunctionContext,
    def: &StmtFunctionDef,
) {
    let mut regions: Vec<Region> = function
        .body
        .statements()
        .filter(|statement| matches!(statement.stmt, Stmt::If(_)))
        .flat_map(|statement| unset_regions(statement.stmt, def))
        .collect();
    if regions.is_empty() {
        regions = called_while_unset(checker, function.id, def);
    }
    if regions.is_empty() {
        return;
    }
    let statements: Vec<Statement> = function.body.statements().collect();
    let mut reported: Vec<TextRange> = Vec::new();
    for region in &regions {
        let Some((stmt, target, value)) = marker_store(region.block, region.marker) else {
            continue;
        };
        let at = statements.partition_point(|statement| statement.stmt.start() < stmt.start());
        let Some(store) = statements
            .get(at)
            .filter(|statement| std::ptr::eq(statement.stmt, stmt))
        else {
            continue;
        };
        if reported.contains(&store.stmt.range()) {
            continue;
        }
        let Some(published) = published(value) else {
            continue;
        };
        let work = TextRange::new(store.stmt.end(), region.range.end());
        let work_statements: Vec<&Statement> = statements[at + 1..]
            .iter()
            .take_while(|statement| work.contains_range(statement.stmt.range()))
            .collect();
        // A flag reset by the work itself marks work in progress, not work done.
        if work_statements
            .iter()
            .any(|statement| assigned_targets(statement.stmt).any(|t| region.marker.stored_by(t)))
        {
            continue;
        }
        // The statements that do the work: those setting up the object, or for a flag every
        // statement that calls or stores something.
        let effective: Vec<&Statement> = match published {
            Published::Object => {
                let mut subjects = vec![target];
                if let Expr::Name(_) = value {
                    subjects.push(value);
                }
                work_statements
                    .iter()
                    .copied()
                    .filter(|statement| sets_up(checker, statement, &subjects))
                    .collect()
            }
            Published::Flag => work_statements
                .iter()
                .copied()
                .filter(|statement| {
                    !matches!(statement.stmt, Stmt::Return(_))
                        && (!statement.calls.is_empty()
                            || assigned_targets(statement.stmt).next().is_some())
                })
                .collect(),
        };
        let Some(first_work) = effective.first() else {
            continue;
        };
        // Only a lock held from the marker to the end of the work keeps readers out of it.
        let held_across: Vec<&Expr> = store
            .locks
            .iter()
            .copied()
            .filter(|lock| {
                effective
                    .iter()
                    .all(|statement| statement.locks.iter().any(|held| same(held, lock)))
            })
            .collect();
        let span = Statement {
            locks: &held_across,
            guarded: !held_across.is_empty(),
            ..*store
        };
        let setup = (published == Published::Object).then_some(first_work.stmt);
        let places = match region.marker {
            Marker::Items(container) => checker.item_places(container),
            Marker::Value(_) | Marker::Attribute { .. } => checker.places(target),
        };
        let callers = callers_of(checker, function.id);
        let work = Work {
            range: work,
            called: called_by(checker, function.id, work),
        };
        let Some((place, reader)) =
            early_reader(checker, function, &span, &places, &callers, &work.called)
        else {
            continue;
        };
        let reader_text = checker.describe_race(&Race {
            place,
            other: reader,
            itself: false,
        });
        let message = match setup {
            Some(setup) => format!(
                "`{}` publishes `{}` before `{}` (line {}) has set it up: {reader_text}, find it and use it half built{}",
                shown(checker.text(store.stmt.range())),
                checker.text(target.range()),
                shown(checker.text(setup.range())),
                checker.location(setup.start()).row,
                checker.describe_owner(place),
            ),
            None => {
                let Some(consumer) =
                    consumer(checker, function, region, &work, &places, reader, &callers)
                else {
                    continue;
                };
                format!(
                    "`{}` announces the work after it as done before it runs: {reader_text}, see the flag and skip the work, and `{}` (line {}, in `{}`) then reads what `{}` (line {}) may not have written yet",
                    shown(checker.text(store.stmt.range())),
                    shown(checker.text(consumer.read.statement)),
                    checker.location(consumer.read.statement.start()).row,
                    checker.model.code_name_or_module(consumer.read.code),
                    shown(checker.text(consumer.write.statement)),
                    checker.location(consumer.write.statement.start()).row,
                )
            }
        };
        reported.push(store.stmt.range());
        checker.report_conflict(
            &PublishBeforeInit::INFO,
            function,
            store.stmt.range(),
            message,
        );
    }
}

/// The regions an `if` runs only while a marker is not set: its body (`if not _ready:`), what
/// follows an early exit taken when it is set (`if _ready: return`), its `else`.
fn unset_regions<'a>(stmt: &'a Stmt, def: &'a StmtFunctionDef) -> Vec<Region<'a>> {
    let Stmt::If(if_stmt) = stmt else {
        return Vec::new();
    };
    let (before, after) = siblings(&def.body, stmt).unwrap_or_default();
    let mut regions = Vec::new();
    let mut push = |marker, block: &'a [Stmt], end| {
        if let Some(first) = block.first() {
            regions.push(Region {
                marker,
                block,
                range: TextRange::new(first.start(), end),
            });
        }
    };
    let mut when_true = Vec::new();
    conclusions(&if_stmt.test, before, true, &mut when_true);
    for &(marker, set) in &when_true {
        if !set {
            push(
                marker,
                &if_stmt.body,
                if_stmt.body.last().map_or(stmt.end(), Ranged::end),
            );
        }
    }
    let mut when_false = Vec::new();
    conclusions(&if_stmt.test, before, false, &mut when_false);
    let unset_when_false = when_false.iter().filter(|(_, set)| !set);
    match if_stmt.elif_else_clauses.as_slice() {
        [] if exits(&if_stmt.body) => {
            // After `return` or `raise` the rest of the function runs with the marker unset;
            // after `continue` or `break`, the rest of the block.
            let end = match if_stmt.body.last() {
                Some(Stmt::Return(_) | Stmt::Raise(_)) => def.end(),
                _ => after.last().map_or(stmt.end(), Ranged::end),
            };
            for &(marker, _) in unset_when_false {
                push(marker, after, end);
            }
        }
        [clause] if clause.test.is_none() => {
            for &(marker, _) in unset_when_false {
                push(
                    marker,
                    &clause.body,
                    clause.body.last().map_or(stmt.end(), Ranged::end),
                );
            }
        }
        _ => {}
    }
    regions
}

/// A function that the module calls only while a marker is not set (`if not _loaded:
/// _load()`, at every call) runs its whole body in that region: the test is its callers'.
fn called_while_unset<'a>(
    checker: &Checker<'a>,
    function: usize,
    def: &'a StmtFunctionDef,
) -> Vec<Region<'a>> {
    let (Some(first), Some(last)) = (def.body.first(), def.body.last()) else {
        return Vec::new();
    };
    let mut markers: Option<Vec<Marker<'a>>> = None;
    for (caller, site) in callers_of(checker, function) {
        let Some(caller_def) = checker.model.functions.get(caller).map(|f| f.def) else {
            return Vec::new();
        };
        // The markers unset wherever this call runs.
        let unset: Vec<Marker<'a>> = checker
            .model
            .body(caller)
            .statements()
            .filter(|statement| {
                matches!(statement.stmt, Stmt::If(_)) && statement.stmt.range().contains_range(site)
            })
            .flat_map(|statement| unset_regions(statement.stmt, caller_def))
            .filter(|region| region.range.contains_range(site))
            .map(|region| region.marker)
            .collect();
        markers = Some(match markers {
            None => unset,
            Some(known) => known
                .into_iter()
                .filter(|marker| unset.iter().any(|other| marker.same_as(*other)))
                .collect(),
        });
    }
    markers
        .unwrap_or_default()
        .into_iter()
        .map(|marker| Region {
            marker,
            block: &def.body,
            range: TextRange::new(first.start(), last.end()),
        })
        .collect()
}

/// What a test tells about markers when it is `when`: each marker it decides, and whether it
/// is then set. `a and b` true and `a or b` false decide what each operand decides.
fn conclusions<'a>(
    test: &'a Expr,
    before: &'a [Stmt],
    when: bool,
    out: &mut Vec<(Marker<'a>, bool)>,
) {
    match test {
        Expr::UnaryOp(unary) if unary.op.is_not() => {
            conclusions(&unary.operand, before, !when, out);
        }
        Expr::BoolOp(bool_op) => {
            if matches!(
                (bool_op.op, when),
                (BoolOp::And, true) | (BoolOp::Or, false)
            ) {
                for value in &bool_op.values {
                    conclusions(value, before, when, out);
                }
            }
        }
        _ => {
            if let Some((marker, set_when_true)) = decided(test, before) {
                out.push((marker, set_when_true == when));
            }
        }
    }
}

/// The marker a simple test decides, and whether it is set when the test is true: `x`,
/// `x is None`, `x is not None`, `key in registry`, `hasattr(obj, "name")`.
fn decided<'a>(test: &'a Expr, before: &'a [Stmt]) -> Option<(Marker<'a>, bool)> {
    match test {
        Expr::Name(_) | Expr::Attribute(_) => Some((subject(test, before)?, true)),
        Expr::Compare(compare) => match (&*compare.ops, &*compare.comparators) {
            ([CmpOp::Is | CmpOp::Eq], [Expr::NoneLiteral(_)]) => {
                Some((subject(&compare.left, before)?, false))
            }
            ([CmpOp::IsNot | CmpOp::NotEq], [Expr::NoneLiteral(_)]) => {
                Some((subject(&compare.left, before)?, true))
            }
            ([CmpOp::In], [container]) => Some((Marker::Items(container), true)),
            ([CmpOp::NotIn], [container]) => Some((Marker::Items(container), false)),
            _ => None,
        },
        Expr::Call(call) => {
            let (Expr::Name(callee), [base, Expr::StringLiteral(name)], []) = (
                call.func.as_ref(),
                &*call.arguments.args,
                &*call.arguments.keywords,
            ) else {
                return None;
            };
            (callee.id.as_str() == "hasattr").then(|| {
                (
                    Marker::Attribute {
                        base,
                        name: name.value.to_str(),
                    },
                    true,
                )
            })
        }
        _ => None,
    }
}

/// What a tested name or attribute stands for: a local just read from a place stands for that
/// place (`config = _config`, `value = cache.get(key)`).
fn subject<'a>(tested: &'a Expr, before: &'a [Stmt]) -> Option<Marker<'a>> {
    match tested {
        Expr::Name(local) => {
            if let Some(Stmt::Assign(assign)) = before.last()
                && let [Expr::Name(target)] = assign.targets.as_slice()
                && target.id == local.id
            {
                match assign.value.as_ref() {
                    Expr::Call(call) => {
                        if let Expr::Attribute(method) = call.func.as_ref()
                            && method.attr.as_str() == "get"
                        {
                            return Some(Marker::Items(&method.value));
                        }
                    }
                    value @ (Expr::Name(_) | Expr::Attribute(_)) => {
                        return Some(Marker::Value(value));
                    }
                    _ => {}
                }
            }
            Some(Marker::Value(tested))
        }
        Expr::Attribute(_) => Some(Marker::Value(tested)),
        _ => None,
    }
}

/// The statement that sets a region's marker whenever the region runs (directly in its block,
/// or in the `with` and `try` blocks there), with the target and the value.
fn marker_store<'a>(
    block: &'a [Stmt],
    marker: Marker<'a>,
) -> Option<(&'a Stmt, &'a Expr, &'a Expr)> {
    block.iter().find_map(|stmt| {
        let (targets, value): (&[Expr], &Expr) = match stmt {
            Stmt::With(with) => return marker_store(&with.body, marker),
            Stmt::Try(try_stmt) => return marker_store(&try_stmt.body, marker),
            Stmt::Assign(assign) => (&assign.targets, &assign.value),
            Stmt::AnnAssign(assign) => (
                std::slice::from_ref(&*assign.target),
                assign.value.as_deref()?,
            ),
            _ => return None,
        };
        let target = targets.iter().find(|target| marker.stored_by(target))?;
        Some((stmt, target, value))
    })
}

/// The targets a statement assigns, changes in place or deletes.
fn assigned_targets(stmt: &Stmt) -> impl Iterator<Item = &Expr> {
    let targets: &[Expr] = match stmt {
        Stmt::Assign(assign) => &assign.targets,
        Stmt::AnnAssign(assign) => std::slice::from_ref(&*assign.target),
        Stmt::AugAssign(assign) => std::slice::from_ref(&*assign.target),
        Stmt::Delete(delete) => &delete.targets,
        _ => &[],
    };
    targets.iter()
}

/// What setting the marker to `value` publishes: a flag, an object, or nothing that says
/// "done" (`None`, `False`, `0`, a string naming a state).
fn published(value: &Expr) -> Option<Published> {
    if let Some(number) = int_literal(value) {
        return (number != 0).then_some(Published::Flag);
    }
    match value {
        Expr::BooleanLiteral(boolean) => boolean.value.then_some(Published::Flag),
        Expr::NoneLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::FString(_)
        | Expr::EllipsisLiteral(_) => None,
        _ => Some(Published::Object),
    }
}

/// Whether a statement sets up the published object, reached as one of `subjects`: stores into
/// it (`obj.x = ...`, `obj[k] = ...`), calls a method on it that does more than read, or hands
/// it to a function of the module (`init(obj)`). Returning it is using it, not setting it up.
fn sets_up(checker: &Checker, statement: &Statement, subjects: &[&Expr]) -> bool {
    let is_subject = |expr: &Expr| subjects.iter().any(|subject| same(subject, expr));
    if matches!(statement.stmt, Stmt::Return(_)) {
        return false;
    }
    let stores_into = assigned_targets(statement.stmt).any(|target| match target {
        Expr::Attribute(attribute) => is_subject(&attribute.value),
        Expr::Subscript(item) => is_subject(&item.value),
        _ => false,
    });
    stores_into
        || statement.calls.iter().any(|call| {
            let on_subject = matches!(call.func.as_ref(), Expr::Attribute(method)
                if is_subject(&method.value) && !READING.contains(&method.attr.as_str()));
            let handed = call.arguments.args.iter().any(is_subject)
                || call
                    .arguments
                    .keywords
                    .iter()
                    .any(|keyword| is_subject(&keyword.value));
            on_subject
                || (handed
                    && checker
                        .model
                        .flow
                        .calls
                        .iter()
                        .any(|&(_, _, site)| site == call.range()))
        })
}

/// Where the module's code calls `function`: the calling code and the call.
fn callers_of(checker: &Checker, function: usize) -> Vec<(CodeId, TextRange)> {
    checker
        .model
        .flow
        .calls
        .iter()
        .filter(|(_, callee, _)| *callee == Callable::Function(function))
        .filter_map(|&(caller, _, site)| Some((checker.model.sharing.code_of(caller)?, site)))
        .collect()
}

/// The functions the work calls, directly or not (not the function itself).
fn called_by(checker: &Checker, function: usize, work: TextRange) -> Vec<usize> {
    let callees: Vec<usize> = checker
        .model
        .flow
        .calls
        .iter()
        .filter(|&&(caller, _, site)| {
            caller == Scope::Function(function) && work.contains_range(site)
        })
        .filter_map(|&(_, callee, _)| match callee {
            Callable::Function(id) if id != function => Some(id),
            _ => None,
        })
        .collect();
    let mut called = checker.model.reached_from(&callees);
    called.retain(|&id| id != function);
    called
}

/// A read of the marker that can run while the store and the work do, unordered by a lock, and
/// that does not come after the work anyway (later in the same function, or in a caller after
/// the call) nor belongs to it (in a function the work calls): the function's own test first.
fn early_reader<'s>(
    checker: &'s Checker,
    function: &FunctionContext,
    store: &Statement,
    places: &[Place],
    callers: &[(CodeId, TextRange)],
    called_by_work: &[usize],
) -> Option<(Place, &'s Access)> {
    let rank = |access: &Access| (access.code != function.id, access.statement.start());
    let mut earliest: Option<(Place, &Access)> = None;
    for &place in places {
        for access in checker.conflicts(
            function,
            store,
            place,
            AccessKind::Write,
            &[AccessKind::Read],
        ) {
            let after_store =
                access.code == function.id && access.statement.start() >= store.stmt.start();
            let after_call = callers.iter().any(|&(code, site)| {
                code == access.code && access.statement.start() >= site.start()
            });
            if after_store || after_call || called_by_work.contains(&access.code) {
                continue;
            }
            if earliest.is_none_or(|(_, seen)| rank(access) < rank(seen)) {
                earliest = Some((place, access));
            }
        }
    }
    earliest
}

/// A read of what the work writes, by code that goes on after finding the flag set, and the
/// write it can run before.
struct Consumer<'s> {
    read: &'s Access,
    write: &'s Access,
}

/// Code that relies on the work being done once the flag is set: after the function's own test
/// (later in the function, or in its callers after the call) or after another reader's test,
/// reading something the work writes while the work can still be writing it.
fn consumer<'s>(
    checker: &'s Checker,
    function: &FunctionContext,
    region: &Region,
    work: &Work,
    places: &[Place],
    reader: &Access,
    callers: &[(CodeId, TextRange)],
) -> Option<Consumer<'s>> {
    let model = checker.model;
    let own = function.id;
    let in_work = |access: &Access| {
        if access.code == own {
            work.range.contains_range(access.statement)
        } else {
            work.called.contains(&access.code)
        }
    };
    let goes_on = |read: &Access| {
        if reader.code == own {
            (read.code == own && read.statement.start() >= region.range.end())
                || callers.iter().any(|&(code, site)| {
                    code != own && code == read.code && read.statement.start() >= site.start()
                })
        } else {
            read.code == reader.code && read.statement.start() >= reader.statement.start()
        }
    };
    let rank = |consumer: &Consumer, var: VarId| {
        (
            consumer.read.code,
            consumer.read.statement.start(),
            consumer.write.statement.start(),
            var,
        )
    };
    let mut first: Option<(Consumer, VarId)> = None;
    for (var, accesses) in model.sharing.all_accesses() {
        if places.iter().any(|place| place.var == var) {
            continue;
        }
        let writes = accesses
            .iter()
            .filter(|access| !matches!(access.kind, AccessKind::Read | AccessKind::Iterate))
            .filter(|access| in_work(access));
        for write in writes {
            let Some(owner) = owner(checker, var) else {
                break;
            };
            for read in accesses.iter().filter(|access| {
                matches!(access.kind, AccessKind::Read | AccessKind::Iterate)
                    && goes_on(access)
                    && model.sharing.conflict(write, access, owner)
            }) {
                let candidate = Consumer { read, write };
                if first
                    .as_ref()
                    .is_none_or(|(seen, seen_var)| rank(&candidate, var) < rank(seen, *seen_var))
                {
                    first = Some((candidate, var));
                }
            }
        }
    }
    first.map(|(consumer, _)| consumer)
}

/// What a variable belongs to, for the threads that may share it; `None` for an object threads
/// do not share.
fn owner(checker: &Checker, var: VarId) -> Option<Owner> {
    let flow = &checker.model.flow;
    if let Some(object) = flow.owner_of(var) {
        return match flow.object(object).kind {
            ObjectKind::Class(_) => Some(Owner::Global),
            _ => checker
                .model
                .sharing
                .shared_by(object)
                .is_some()
                .then_some(Owner::Object(object)),
        };
    }
    match flow.scope_of(var)? {
        Scope::Module | Scope::Class(_) => Some(Owner::Global),
        scope => checker.model.sharing.code_of(scope).map(Owner::Frame),
    }
}

fn same(a: &Expr, b: &Expr) -> bool {
    ComparableExpr::from(a) == ComparableExpr::from(b)
}

/// The first line of a statement, at most 60 characters.
fn shown(text: &str) -> String {
    let first_line = text.lines().next().unwrap_or(text);
    if first_line.chars().count() > 60 {
        format!("{}...", first_line.chars().take(57).collect::<String>())
    } else {
        first_line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_a_loader_its_callers_call_only_while_the_flag_is_unset() {
        let source = r#"
_loaded = False
_aliases = {}
def _load():
    global _loaded
    _loaded = True
    for line in ["pst,US/Pacific"]:
        alias, zone = line.split(",")
        _aliases[alias] = zone
def resolve(name):
    if not _loaded:
        _load()
    return _aliases.get(name)
"#;
        let found: Vec<(usize, String)> = codes_at(source)
            .into_iter()
            .filter(|(_, code)| code == "FT023")
            .collect();
        assert_eq!(found, vec![(6, "FT023".into())]);
        // Also called without the test: nothing says the flag is unset when it runs.
        let untested = format!("{source}def reload():\n    _load()\n");
        assert!(codes_at(&untested).iter().all(|(_, code)| code != "FT023"));
    }

    #[test]
    fn flags_a_flag_set_before_the_loading_it_announces() {
        let source = r#"
import threading
_ready = False
_rates = {}
def _ensure_rates():
    global _ready
    if _ready:
        return
    _ready = True
    for currency in ("EUR", "SEK"):
        _rates[currency] = fetch(currency)
def convert(amount, currency):
    _ensure_rates()
    return amount * _rates[currency]
for currency in ("EUR", "SEK"):
    threading.Thread(target=convert, args=(1, currency)).start()
"#;
        assert_eq!(codes_at(source), vec![(9, "FT023".into())]);
    }

    #[test]
    fn flags_objects_published_before_they_are_set_up() {
        let source = r#"
import threading
class Session:
    _current = None
    _by_user = {}
    @classmethod
    def current(cls):
        if cls._current is None:
            cls._current = Session()
            cls._current.token = login()
        return cls._current
    @classmethod
    def for_user(cls, user):
        session = cls._by_user.get(user)
        if session is not None:
            return session
        session = Session()
        cls._by_user[user] = session
        session.user = user
        return session
def work(user):
    Session.current()
    Session.for_user(user)
for user in ("ada", "bob"):
    threading.Thread(target=work, args=(user,)).start()
"#;
        // FT003 and FT002 report that two threads can both create them.
        assert_eq!(
            codes_at(source),
            vec![
                (8, "FT003".into()),
                (9, "FT023".into()),
                (15, "FT002".into()),
                (18, "FT023".into())
            ]
        );
    }

    #[test]
    fn flags_double_checked_locking_with_the_flag_set_first() {
        let source = r#"
import threading
class Index:
    def __init__(self):
        self._built = False
        self._lock = threading.Lock()
        self._words = {}
    def _build(self):
        if not self._built:
            with self._lock:
                if not self._built:
                    self._built = True
                    for word in ("a", "b"):
                        self._words[word] = len(word)
    def count(self, word):
        self._build()
        return self._words[word]
index = Index()
for word in ("a", "b"):
    threading.Thread(target=index.count, args=(word,)).start()
"#;
        assert_eq!(codes_at(source), vec![(12, "FT023".into())]);
    }

    #[test]
    fn flags_a_lock_released_before_the_setup() {
        let source = r#"
import threading
_workers = {}
_lock = threading.Lock()
class Worker:
    pass
def worker(name):
    with _lock:
        if name in _workers:
            return _workers[name]
        made = Worker()
        _workers[name] = made
    made.queue = []
    return made
for name in ("a", "b"):
    threading.Thread(target=worker, args=(name,)).start()
"#;
        assert_eq!(codes_at(source), vec![(12, "FT023".into())]);
    }

    #[test]
    fn quiet_with_the_marker_last_or_one_lock_around_every_test() {
        let source = r#"
import threading
_ready = False
_rates = {}
_lock = threading.Lock()
_codes = None
def _ensure_rates():
    global _ready
    with _lock:
        if _ready:
            return
        _ready = True
        _rates["EUR"] = fetch("EUR")
def codes():
    global _codes
    if _codes is None:
        with _lock:
            if _codes is None:
                table = {}
                table["EUR"] = 978
                _codes = table
    return _codes
def convert(amount, currency):
    _ensure_rates()
    return amount * _rates[currency], codes()
for currency in ("EUR", "SEK"):
    threading.Thread(target=convert, args=(1, currency)).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }

    #[test]
    fn quiet_when_nothing_relies_on_the_work_or_the_marker_is_set_on_one_branch() {
        let source = r#"
import threading
class Stream:
    def __init__(self):
        self._closed = False
        self._busy = False
        self._eof = False
        self._socket = object()
        self._size = -1
        self.sent = []
    def close(self):
        if self._closed:
            return
        self._closed = True
        self._socket = None
    def flush(self):
        if self._busy:
            return
        self._busy = True
        try:
            self.sent.append("flush")
        finally:
            self._busy = False
    def read(self):
        if self._eof:
            return b""
        data = self._socket and b"x"
        if not data:
            self._eof = True
            self._size = 0
        return data
    def size(self):
        self.read()
        return self._size
stream = Stream()
for target in (stream.close, stream.flush, stream.size):
    threading.Thread(target=target).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
