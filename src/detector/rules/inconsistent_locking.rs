use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprContext, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext, Place};
use crate::detector::fix::locks::{Request, guard};
use crate::detector::helpers::{expects_lost_race, first_line};
use crate::detector::semantic::Statement;
use crate::detector::semantic::flow::ObjId;
use crate::detector::semantic::sharing::{Access, AccessKind, Owner, lock_objects};
use crate::detector::semantic::vocabulary::{CONSTRUCTORS, method_access};
use crate::detector::{Applicability, Fix};

declare_rule! {
    /// ## What it does
    /// Finds state of a shared object that some code guards with a lock and other code does
    /// not: an attribute, or the items of a container the object holds, that one method uses
    /// in several steps under a lock (`with self._lock:`, a `logging.Handler`'s
    /// `self.acquire()`), while another method changes it without that lock (`remove`,
    /// `append`, `move_to_end`, `self.target = ...`), or reads an item (`self._meta[key]`)
    /// that the locked code removes.
    ///
    /// The object is shared however threads reach it: handed to the threads of a loop or pool,
    /// used by two thread entries, running a thread on its own method, or any instance of a
    /// class in library mode.
    ///
    /// ## Why is this bad?
    /// A lock only orders the code that takes it. The locked method relies on the state not
    /// changing between its steps (it finds a key, then removes it from a second container; it
    /// tests `self.target`, then calls it for every record); the unlocked method changes it
    /// right in between. On the free-threaded build the two run truly at once: `remove`
    /// raises `ValueError` for an item the other thread took first, an entry ends up in a
    /// deque twice, a check passes and the next line finds `None`. The lock in the other method
    /// shows that the author knew the state was shared; the unlocked access is the gap.
    ///
    /// ## Example
    /// ```python
    /// import threading
    /// from collections import deque
    ///
    /// class RecentFiles:
    ///     def __init__(self):
    ///         self._lock = threading.Lock()
    ///         self._order = deque()
    ///
    ///     def add(self, path):
    ///         with self._lock:
    ///             if path in self._order:
    ///                 self._order.remove(path)
    ///             self._order.append(path)
    ///
    ///     def touch(self, path):
    ///         self._order.remove(path)
    ///         self._order.append(path)
    ///
    /// recent = RecentFiles()
    /// for work in [recent.add, recent.touch]:
    ///     threading.Thread(target=work, args=("a.txt",)).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    /// from collections import deque
    ///
    /// class RecentFiles:
    ///     def __init__(self):
    ///         self._lock = threading.Lock()
    ///         self._order = deque()
    ///
    ///     def add(self, path):
    ///         with self._lock:
    ///             if path in self._order:
    ///                 self._order.remove(path)
    ///             self._order.append(path)
    ///
    ///     def touch(self, path):
    ///         with self._lock:
    ///             self._order.remove(path)
    ///             self._order.append(path)
    ///
    /// recent = RecentFiles()
    /// for work in [recent.add, recent.touch]:
    ///     threading.Thread(target=work, args=("a.txt",)).start()
    /// ```
    ///
    /// A change that the locked code makes in one step only (`with lock: items.append(x)`) is
    /// not reported: one operation on a built-in container is atomic, so nothing relies on the
    /// lock there.
    ///
    /// ## Fix safety
    /// The fix holds the lock that already guards the state, spelled as the other code spells it
    /// (`with self._lock:`), around the flagged statement and the unlocked statements beside it
    /// that race with it (statements one after another share one `with`). It is unsafe: the code
    /// now waits for that lock, so review anything slow under it and the order in which locks are
    /// taken. There is no fix where the flagged code cannot name that lock (a `logging` handler's
    /// lock taken through `self.acquire()`, a lock only the callers hold): a new lock would order
    /// nothing with the code that holds the old one.
    ///
    /// ## References
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    /// - [`logging.Handler.acquire`](https://docs.python.org/3/library/logging.html#logging.Handler.acquire)
    pub struct InconsistentLocking {
        code: "FT022",
        name: "inconsistent-locking",
        severity: Warning,
        summary: "State that code uses in several steps under a lock, changed or read elsewhere without it",
    }
}

const EVERY_ACCESS: &[AccessKind] = &[
    AccessKind::Read,
    AccessKind::Write,
    AccessKind::Update,
    AccessKind::Add,
    AccessKind::Remove,
    AccessKind::Clear,
    AccessKind::Reorder,
    AccessKind::Iterate,
];

const REMOVALS: &[AccessKind] = &[AccessKind::Remove, AccessKind::Clear];

/// What a statement does to shared state: the expression naming it, the places, the access.
struct Use<'a> {
    state: &'a Expr,
    at: TextRange,
    places: Vec<Place>,
    kind: AccessKind,
}

/// FT022
pub(crate) fn inconsistent_locking(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let sharing = &checker.model.sharing;
    if !sharing.has_locked_accesses() || CONSTRUCTORS.contains(&function.name(checker.model)) {
        return;
    }
    let def_body = checker.model.functions[function.id].def.body.as_slice();
    for found in uses(checker, statement) {
        // A read in a `try` that takes the `KeyError` expects the item to be gone.
        if found.kind == AccessKind::Read && expects_lost_race(def_body, statement.stmt.range()) {
            continue;
        }
        let places: Vec<Place> = found
            .places
            .iter()
            .copied()
            .filter(|place| {
                matches!(place.owner, Owner::Object(_))
                    && sharing
                        .accesses_of(place.var)
                        .iter()
                        .any(|access| !access.locks.is_empty())
            })
            .collect();
        let against = if found.kind == AccessKind::Read {
            REMOVALS
        } else {
            EVERY_ACCESS
        };
        let Some((place, other, lock)) = places.iter().find_map(|&place| {
            checker
                .conflicts(function, statement, place, found.kind, against)
                .find_map(|other| guarding_lock(checker, place, other, found.kind))
                .map(|(other, lock)| (place, other, lock))
        }) else {
            continue;
        };
        let state = checker.text(found.state.range());
        let lock_name = lock_text(checker, other, lock);
        let holder = checker.model.code_name_or_module(other.code);
        let message = if found.kind == AccessKind::Read {
            format!(
                "`{}` reads an item of `{state}` without {lock_name}, which is held while `{holder}` removes items (line {}): the item can be gone by then (`KeyError`, `IndexError`){}",
                first_line(checker.text(statement.stmt.range())),
                checker.location(other.statement.start()).row,
                checker.describe_owner(place),
            )
        } else {
            format!(
                "`{}` changes `{state}` without {lock_name}, which is held while `{holder}` uses `{state}` in several steps ({}): the change can land between them{}",
                first_line(checker.text(statement.stmt.range())),
                steps_text(checker, place, other.code, lock),
                checker.describe_owner(place),
            )
        };
        let fix = held_fix(checker, function, statement, &found, place);
        if let Some(diagnostic) =
            checker.report_conflict(&InconsistentLocking::INFO, function, found.at, message)
        {
            diagnostic.fix = fix;
        }
        return;
    }
}

/// Holding the lock that already guards the state around the flagged statement (and the
/// unlocked statements beside it that race with it): never a new lock, which would order
/// nothing with the code that holds the old one.
fn held_fix(
    checker: &Checker,
    function: &FunctionContext,
    statement: &Statement,
    found: &Use,
    place: Place,
) -> Option<Fix> {
    let against = if found.kind == AccessKind::Read {
        REMOVALS
    } else {
        EVERY_ACCESS
    };
    let guarded = guard(
        checker,
        &Request {
            function,
            statement,
            flagged: std::slice::from_ref(statement.stmt),
            state: found.state,
            places: &[place],
            kind: found.kind,
            against,
            inner_headers: Vec::new(),
            rewrite: None,
        },
    )?;
    if guarded.created {
        return None;
    }
    let mut message = format!("Hold `{}` here too", guarded.lock);
    if guarded.others > 0 {
        message.push_str(" and around the other statements that skip it");
    }
    Some(Fix {
        applicability: Applicability::Unsafe,
        message,
        edits: guarded.edits,
    })
}

/// The lock `other` holds that makes it the guarded side of an unlocked `kind` access: for a
/// change, a lock under which the same code uses the place in more than one statement; for a
/// read of an item, any lock held around a removal.
fn guarding_lock<'s>(
    checker: &'s Checker,
    place: Place,
    other: &'s Access,
    kind: AccessKind,
) -> Option<(&'s Access, ObjId)> {
    // A lock kept among the items (a condition per request) guards its item, not the place.
    let items = checker.model.flow.objects_of(place.var);
    let mut locks = other.locks.iter().filter(|lock| !items.contains(lock));
    if kind == AccessKind::Read {
        return locks.next().map(|&lock| (other, lock));
    }
    let accesses = checker.model.sharing.accesses_of(place.var);
    locks.find_map(|&lock| {
        let mut steps = accesses
            .iter()
            .filter(|access| access.code == other.code && access.locks.contains(&lock))
            .map(|access| access.statement);
        let first = steps.next()?;
        steps.any(|step| step != first).then_some((other, lock))
    })
}

/// How the code of `access` names `lock`, for a message: the expression of its `with` or
/// `acquire()` (`` `self._lock` ``), else the lock object.
fn lock_text(checker: &Checker, access: &Access, lock: ObjId) -> String {
    let model = checker.model;
    if access.code < model.functions.len()
        && let Some(statement) = model
            .body(access.code)
            .statements()
            .find(|statement| statement.stmt.range() == access.statement)
        && let Some(expr) = statement
            .locks
            .iter()
            .find(|expr| lock_objects(model, &[**expr]).0.contains(&lock))
    {
        let text = checker.text(expr.range());
        // `self.acquire()` of a `logging.Handler` takes the handler's `lock`.
        return if model.flow.objects_at(expr).contains(&lock) {
            format!("`{text}`")
        } else {
            format!("`{text}.lock`")
        };
    }
    checker.object_name(lock)
}

/// The rows of the statements of `code` that use `place` under `lock`: "lines 19, 20 and 22".
fn steps_text(checker: &Checker, place: Place, code: usize, lock: ObjId) -> String {
    let mut rows: Vec<usize> = checker
        .model
        .sharing
        .accesses_of(place.var)
        .iter()
        .filter(|access| access.code == code && access.locks.contains(&lock))
        .map(|access| checker.location(access.statement.start()).row)
        .collect();
    rows.sort_unstable();
    rows.dedup();
    match rows.as_slice() {
        [only] => format!("line {only}"),
        [first, second] => format!("lines {first} and {second}"),
        [first, second, third] => format!("lines {first}, {second} and {third}"),
        [first, .., last] => format!("lines {first} to {last}"),
        [] => String::new(),
    }
}

/// The changes a statement makes to attributes and container items, and the items it reads by
/// subscript.
fn uses<'a>(checker: &Checker, statement: &Statement<'a, '_>) -> Vec<Use<'a>> {
    let mut found = Vec::new();
    let store = |target: &'a Expr, kind: AccessKind, found: &mut Vec<Use<'a>>| {
        store_uses(checker, target, kind, found);
    };
    match statement.stmt {
        Stmt::Assign(assign) => {
            for target in &assign.targets {
                store(target, AccessKind::Write, &mut found);
            }
        }
        Stmt::AnnAssign(assign) if assign.value.is_some() => {
            store(&assign.target, AccessKind::Write, &mut found);
        }
        Stmt::AugAssign(assign) => store(&assign.target, AccessKind::Update, &mut found),
        Stmt::Delete(delete) => {
            for target in &delete.targets {
                match target {
                    Expr::Subscript(subscript) => found.push(Use {
                        state: &subscript.value,
                        at: target.range(),
                        places: checker.item_places(&subscript.value),
                        kind: AccessKind::Remove,
                    }),
                    other => store(other, AccessKind::Write, &mut found),
                }
            }
        }
        _ => {}
    }
    for call in statement.calls {
        if let Expr::Attribute(method) = call.func.as_ref()
            && let Some(kind) = method_access(method.attr.as_str())
            && kind != AccessKind::Read
        {
            found.push(Use {
                state: &method.value,
                at: call.range(),
                places: checker.item_places(&method.value),
                kind,
            });
        }
    }
    let mut items = ItemReads { found: Vec::new() };
    for expr in statement.expressions {
        items.visit_expr(expr);
    }
    for container in items.found {
        found.push(Use {
            state: container,
            at: statement.stmt.range(),
            places: checker.item_places(container),
            kind: AccessKind::Read,
        });
    }
    found
}

fn store_uses<'a>(checker: &Checker, target: &'a Expr, kind: AccessKind, found: &mut Vec<Use<'a>>) {
    match target {
        Expr::Attribute(_) => found.push(Use {
            state: target,
            at: target.range(),
            places: checker.places(target),
            kind,
        }),
        Expr::Subscript(subscript) => found.push(Use {
            state: &subscript.value,
            at: target.range(),
            places: checker.item_places(&subscript.value),
            kind: if kind == AccessKind::Update {
                AccessKind::Update
            } else {
                AccessKind::Add
            },
        }),
        Expr::Tuple(tuple) => {
            for element in tuple.iter() {
                store_uses(checker, element, kind, found);
            }
        }
        Expr::List(list) => {
            for element in list.iter() {
                store_uses(checker, element, kind, found);
            }
        }
        _ => {}
    }
}

/// The containers a statement reads one item of by subscript (`c[k]`), not in lambdas.
struct ItemReads<'a> {
    found: Vec<&'a Expr>,
}

impl<'a> Visitor<'a> for ItemReads<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => return,
            Expr::Subscript(subscript)
                if subscript.ctx == ExprContext::Load
                    && !matches!(subscript.slice.as_ref(), Expr::Slice(_)) =>
            {
                self.found.push(&subscript.value);
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use crate::check_source;
    use crate::detector::test_support::codes_at;

    fn messages(source: &str) -> Vec<String> {
        check_source(source)
            .into_iter()
            .filter(|diagnostic| diagnostic.code == "FT022")
            .map(|diagnostic| format!("{}: {}", diagnostic.location.row, diagnostic.message))
            .collect()
    }

    const PLAYLIST: &str = r#"
import threading
from collections import OrderedDict

class Playlist:
    def __init__(self):
        self._lock = threading.Lock()
        self._songs = OrderedDict()

    def add(self, song, length):
        with self._lock:
            self._songs[song] = length
            while len(self._songs) > 100:
                self._songs.popitem(last=False)

    def play(self, song):
        self._songs.move_to_end(song)
        return self._songs[song]

def listen(playlist):
    for song in ["a", "b"]:
        playlist.add(song, 3)
        playlist.play(song)

playlist = Playlist()
for _ in range(4):
    threading.Thread(target=listen, args=(playlist,)).start()
"#;

    #[test]
    fn quiet_for_a_read_that_takes_the_key_error() {
        // The item may be gone by then, and the code expects it.
        let tolerant = PLAYLIST.replace(
            "        self._songs.move_to_end(song)\n        return self._songs[song]\n",
            "        try:\n            return self._songs[song]\n        except KeyError:\n            return None\n",
        );
        assert_ne!(tolerant, PLAYLIST);
        assert_eq!(messages(&tolerant), Vec::<String>::new());
        let bare = PLAYLIST.replace(
            "        self._songs.move_to_end(song)\n        return self._songs[song]\n",
            "        return self._songs[song]\n",
        );
        assert_eq!(messages(&bare).len(), 1, "{:?}", messages(&bare));
    }

    #[test]
    fn flags_an_unlocked_reorder_and_read_beside_a_locked_eviction() {
        insta::assert_snapshot!(messages(PLAYLIST).join("\n"));
    }

    #[test]
    fn quiet_when_every_use_takes_the_lock() {
        let locked = PLAYLIST.replace(
            "        self._songs.move_to_end(song)\n        return self._songs[song]\n",
            "        with self._lock:\n            self._songs.move_to_end(song)\n            return self._songs[song]\n",
        );
        assert_eq!(codes_at(&locked), vec![]);
    }

    #[test]
    fn quiet_when_the_locked_code_makes_one_step() {
        let source = r#"
import threading

class Inbox:
    def __init__(self):
        self._lock = threading.Lock()
        self._messages = []

    def post(self, message):
        with self._lock:
            self._messages.append(message)

    def discard_all(self):
        self._messages.clear()

inbox = Inbox()
for _ in range(4):
    threading.Thread(target=inbox.post, args=("hi",)).start()
threading.Thread(target=inbox.discard_all).start()
"#;
        assert_eq!(messages(source), Vec::<String>::new());
    }

    const BUFFERED_HANDLER: &str = r#"
import logging
import threading

class ListHandler(logging.Handler):
    def __init__(self, target):
        logging.Handler.__init__(self)
        self.buffer = []
        self.target = target

    def emit(self, record):
        self.buffer.append(record)
        if len(self.buffer) >= 10:
            self.flush()

    def set_target(self, target):
        self.target = target

    def flush(self):
        self.acquire()
        try:
            if self.target:
                for record in self.buffer:
                    self.target.handle(record)
            self.buffer.clear()
        finally:
            self.release()

def work(log, n):
    for i in range(n):
        log.error("request %d failed", i)

handler = ListHandler(None)
log = logging.getLogger("service")
log.addHandler(handler)
for _ in range(3):
    threading.Thread(target=work, args=(log, 100)).start()
threading.Thread(target=handler.set_target, args=(logging.StreamHandler(),)).start()
"#;

    #[test]
    fn flags_a_handler_method_that_skips_the_handler_lock() {
        insta::assert_snapshot!(messages(BUFFERED_HANDLER).join("\n"));
    }

    #[test]
    fn quiet_for_a_handler_whose_methods_take_its_lock() {
        // `emit` runs under the lock `Handler.handle` takes: its append races with nothing.
        let locked = BUFFERED_HANDLER.replace(
            "        self.target = target\n\n    def flush",
            "        with self.lock:\n            self.target = target\n\n    def flush",
        );
        assert_eq!(codes_at(&locked), vec![]);
    }

    #[test]
    fn quiet_for_a_lock_kept_per_item() {
        let source = r#"
import threading

class Calls:
    def __init__(self):
        self.waiting = {}

    def wait(self, seq):
        cond = self.waiting[seq]
        with cond:
            cond.wait()
            del self.waiting[seq]

    def register(self, seq):
        self.waiting[seq] = threading.Condition()

calls = Calls()
for seq in range(4):
    threading.Thread(target=calls.wait, args=(seq,)).start()
"#;
        assert_eq!(messages(source), Vec::<String>::new());
    }

    #[test]
    fn quiet_for_an_object_no_other_thread_reaches() {
        let source = PLAYLIST.replace(
            "playlist = Playlist()\nfor _ in range(4):\n    threading.Thread(target=listen, args=(playlist,)).start()\n",
            "def run():\n    listen(Playlist())\nfor _ in range(4):\n    threading.Thread(target=run).start()\n",
        );
        assert_eq!(messages(&source), Vec::<String>::new());
    }
}
