//! The lock a fix holds around shared state, and the edits that make the code hold it.
//!
//! A fix that adds a lock wraps the flagged statements, and every statement that races with
//! them on the same state, in `with <lock>:` (statements that already hold that lock are left
//! as they are). The lock is, in order of preference:
//! 1. the one already held around other accesses to the same state;
//! 2. the only lock beside the state, when its name says it guards whatever is there (`lock`,
//!    `_lock`, `mutex`): the module's one lock for a module global, the class's one lock
//!    attribute for a class attribute, the one lock `__init__` creates for an attribute of an
//!    instance, the enclosing function's one lock for a closure's variable;
//! 3. a new one, named after the state (`_counter_lock`) and created beside it: after the
//!    global's first top-level assignment, after the class attribute in the class body, in
//!    `__init__` (beside the lock it creates, else first) for an attribute of an instance,
//!    after the variable's assignment in the enclosing function for a closure's variable; with
//!    `import threading` at the end of the module's header imports when it is not there.
//!
//! A lock is reused only where it cannot deadlock: when it is a plain `Lock`, the guarded code
//! must not call code that takes it again, nor run in code called while it is held. A new lock
//! is an `RLock` when the guarded code calls back into code that touches the same state.

use rustc_hash::{FxHashMap, FxHashSet};

use ruff_python_ast::helpers::any_over_body;
use ruff_python_ast::{Expr, Stmt, StmtClassDef, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange};

use super::edits::{self, clash, first_after_docstring, line_after, line_before};
use crate::detector::checker::{Checker, FunctionContext, Place};
use crate::detector::helpers::{Update, block_of, contains_expr, nested_blocks};
use crate::detector::semantic::SemanticModel;
use crate::detector::semantic::flow::{Callable, ClassId, ObjId, ObjectKind, Scope};
use crate::detector::semantic::sharing::{AccessKind, lock_objects};
use crate::detector::semantic::{FunctionId, Statement};
use crate::detector::{Applicability, Edit, Fix};

/// Where a piece of state lives, which decides where a lock for it is created.
#[derive(Debug, Clone)]
pub enum Home<'a> {
    /// A module-level name.
    Module(&'a str),
    /// A class attribute, of the class whose body binds it.
    Class { class: ClassId, attr: &'a str },
    /// An attribute of the instances of one class of the module.
    Instance {
        class: ClassId,
        objects: Vec<ObjId>,
        attr: &'a str,
    },
    /// A local of a function that the functions nested in it share (a closure's cell).
    Frame { function: FunctionId, name: &'a str },
}

/// Where the state an expression names lives: a module global (`counter`), a class attribute
/// (`Counter.total`, `cls._instance`), an attribute of instances of one class (`self.hits`,
/// `stats.total`), a local of a function (a closure's variable, or a parameter).
pub fn home_of<'a>(checker: &Checker<'a>, state: &'a Expr) -> Option<Home<'a>> {
    let flow = &checker.model.flow;
    match state {
        Expr::Name(name) => match flow.scope_of(flow.var_of(state)?)? {
            Scope::Module => Some(Home::Module(name.id.as_str())),
            Scope::Function(function) => Some(Home::Frame {
                function,
                name: name.id.as_str(),
            }),
            _ => None,
        },
        Expr::Attribute(attribute) => {
            let objects = flow.objects_at(&attribute.value);
            let attr = attribute.attr.as_str();
            let classes: FxHashSet<Option<ClassId>> = objects
                .iter()
                .map(|&object| match flow.object(object).kind {
                    ObjectKind::Class(class) => flow.attribute_owner(class, attr),
                    _ => None,
                })
                .collect();
            if let [Some(class)] = classes.into_iter().collect::<Vec<_>>()[..] {
                return Some(Home::Class { class, attr });
            }
            let instances: FxHashSet<Option<ClassId>> = objects
                .iter()
                .map(|&object| match flow.object(object).kind {
                    ObjectKind::Instance(class) | ObjectKind::OutsideInstance(class) => Some(class),
                    _ => None,
                })
                .collect();
            match instances.into_iter().collect::<Vec<_>>()[..] {
                [Some(class)] => Some(Home::Instance {
                    class,
                    objects: objects.to_vec(),
                    attr,
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Statements to hold the lock around: a run of siblings in one block, in a function or in
/// module-level code.
#[derive(Debug, Clone)]
pub struct Site<'a> {
    pub function: Option<FunctionId>,
    /// The block that holds them, and their first and last index there.
    block: &'a [Stmt],
    first: usize,
    last: usize,
    /// The lock objects held around them already.
    holds: Vec<ObjId>,
}

impl<'a> Site<'a> {
    /// The run `body` (statements one after another in a block) of a function or of
    /// module-level code.
    fn of(
        checker: &Checker<'a>,
        function: Option<FunctionId>,
        body: &'a [Stmt],
        holds: Vec<ObjId>,
    ) -> Option<Self> {
        let root = match function {
            Some(function) => checker.model.functions[function].def.body.as_slice(),
            None => checker.module_body,
        };
        let (block, first) = block_of(root, body.first()?)?;
        let last = first + body.len() - 1;
        std::ptr::eq(block.get(last)?, body.last()?).then_some(Self {
            function,
            block,
            first,
            last,
            holds,
        })
    }

    fn body(&self) -> &'a [Stmt] {
        &self.block[self.first..=self.last]
    }

    fn range(&self) -> TextRange {
        TextRange::new(self.block[self.first].start(), self.block[self.last].end())
    }

    fn scope(&self) -> Scope {
        self.function.map_or(Scope::Module, Scope::Function)
    }

    /// Whether `next` continues this run in the same block.
    fn followed_by(&self, next: &Site) -> bool {
        std::ptr::eq(self.block, next.block) && next.first == self.last + 1
    }
}

/// The edit that makes flagged code take the lock, given how the lock is written there.
pub type Rewrite<'r> = dyn Fn(&str) -> Option<Edit> + 'r;

/// What a fix that holds a lock needs to know.
pub struct Request<'a, 'r> {
    pub function: &'r FunctionContext<'a, 'r>,
    /// The flagged statement, as the rule saw it (its locks, its access).
    pub statement: &'r Statement<'a, 'r>,
    /// What to wrap for the flagged code: the statement, or the run of statements from the
    /// check to the act.
    pub flagged: &'a [Stmt],
    /// How the flagged code names the state.
    pub state: &'a Expr,
    /// The places the rule found the race on.
    pub places: &'r [Place],
    /// The flagged access, and the accesses of other code that race with it.
    pub kind: AccessKind,
    pub against: &'r [AccessKind],
    /// Headers inside the `with` around the flagged statements (`if x is None:` for
    /// double-checked initialisation).
    pub inner_headers: Vec<String>,
    /// Instead of wrapping the flagged statements: the edit that makes them take the lock
    /// (given how it is written there), for code a `with` cannot simply surround.
    pub rewrite: Option<&'r Rewrite<'r>>,
}

/// The edits of a fix that holds a lock around the flagged statements and every statement
/// that races with them, and how the lock reads (`_counter_lock`, `self._lock`).
pub struct Guarded {
    pub edits: Vec<Edit>,
    pub lock: String,
    /// Whether the fix creates the lock.
    pub created: bool,
    /// How many statements besides the flagged ones it wraps.
    pub others: usize,
}

/// How a lock is written at each site.
#[derive(Debug, Clone)]
enum Spelling {
    /// The same everywhere: `_counter_lock`, `Counter._total_lock`.
    Fixed(String),
    /// An attribute of the object the site names the state through: `self._hits_lock`.
    Field(String),
    /// A local of the function whose cell the state is, read by the functions nested in it.
    Local { function: FunctionId, name: String },
}

/// The lock chosen for a fix.
struct Choice {
    spelling: Spelling,
    /// The lock object, when it exists already.
    object: Option<ObjId>,
    /// What creates it (and imports `threading`), when it is new.
    edits: Vec<Edit>,
}

/// The outermost `if` in `body` around `stmt` whose test reads `state`, else `stmt`: a racing
/// statement that a check of the same state decides (`if len(c) >= n: del c[k]`) goes under
/// the lock with its check, or the check would still race.
fn checked_by<'a>(body: &'a [Stmt], stmt: &'a Stmt, state: &Expr) -> &'a Stmt {
    let Some(outer) = body.iter().find(|candidate| {
        !std::ptr::eq(*candidate, stmt) && candidate.range().contains_range(stmt.range())
    }) else {
        return stmt;
    };
    if let Stmt::If(if_stmt) = outer
        && contains_expr(&if_stmt.test, state)
    {
        return outer;
    }
    nested_blocks(outer)
        .into_iter()
        .map(|block| checked_by(block, stmt, state))
        .find(|found| !std::ptr::eq(*found, stmt))
        .unwrap_or(stmt)
}

/// The edits that hold one lock around the flagged statements and every statement that races
/// with them; `None` when that cannot be done safely.
pub fn guard<'a>(checker: &Checker<'a>, request: &Request<'a, '_>) -> Option<Guarded> {
    let (mut held, _) = lock_objects(checker.model, request.statement.locks);
    held.extend_from_slice(checker.model.sharing.entry_locks(request.function.id).0);
    let flagged = Site::of(checker, Some(request.function.id), request.flagged, held)?;
    // Rewritten flagged code stands apart: only its own edit makes it take the lock.
    let mut sites = if request.rewrite.is_some() {
        Vec::new()
    } else {
        vec![flagged.clone()]
    };
    // The global's definition runs at import, before any thread can call the module's code.
    let definition = match request.state {
        Expr::Name(name) => checker.model.top_level_assignment(name.id.as_str()),
        _ => None,
    };
    for &place in request.places {
        for other in checker.conflicts(
            request.function,
            request.statement,
            place,
            request.kind,
            request.against,
        ) {
            let initialisation = other.code == checker.model.sharing.module_code()
                && Some(other.statement) == definition;
            let rewritten = request.rewrite.is_some()
                && other.code == request.function.id
                && other.statement == request.statement.stmt.range();
            if initialisation || rewritten {
                continue;
            }
            if checker.is_split_update(other.code, other.statement) {
                return None;
            }
            let (function, stmt) = checker.statement_at(other.code, other.statement)?;
            let body = match function {
                Some(id) => checker.model.functions[id].def.body.as_slice(),
                None => checker.module_body,
            };
            // The flagged statements have their own way with their check (FT003 re-checks).
            let flagged = request
                .flagged
                .iter()
                .any(|own| own.range().contains_range(stmt.range()));
            let stmt = if flagged {
                stmt
            } else {
                checked_by(body, stmt, request.state)
            };
            // A whole loop under the lock would run every iteration in one thread at a time.
            if matches!(stmt, Stmt::For(_) | Stmt::While(_)) {
                return None;
            }
            sites.push(Site::of(
                checker,
                function,
                std::slice::from_ref(stmt),
                other.locks.clone(),
            )?);
        }
    }
    // One wrap a block: a site inside another moves with it, and sites one after another in a
    // block share one `with`.
    sites.sort_by_key(|site| (site.range().start(), std::cmp::Reverse(site.range().end())));
    let mut kept: Vec<Site> = Vec::new();
    for site in sites {
        if kept
            .iter()
            .any(|outer| outer.range().contains_range(site.range()))
        {
            continue;
        }
        match kept.last_mut() {
            Some(previous) if previous.followed_by(&site) => {
                previous.last = site.last;
                previous.holds.retain(|lock| site.holds.contains(lock));
            }
            _ => kept.push(site),
        }
    }
    let mut all_sites = kept.clone();
    if request.rewrite.is_some() {
        all_sites.push(flagged.clone());
    }
    // A local of the flagged function itself (a parameter's default) has no place beside it
    // that every call sees.
    let home = home_of(checker, request.state).filter(
        |home| !matches!(home, Home::Frame { function, .. } if *function == request.function.id),
    );
    let calls = checker.call_graph();
    let choice = reused_lock(checker, request, home.as_ref(), &all_sites, calls)
        .or_else(|| new_lock(checker, request, home.as_ref()?, &all_sites, calls))?;
    // Code that holds the lock already is left as it is.
    let wrapped: Vec<Site> = kept
        .into_iter()
        .filter(|site| choice.object.is_none_or(|lock| !site.holds.contains(&lock)))
        .collect();
    let mut all_edits = choice.edits;
    let lock_at_flagged = spell(checker, &choice.spelling, &flagged, home.as_ref())?;
    if let Some(rewrite) = request.rewrite {
        all_edits.push(rewrite(&lock_at_flagged)?);
    }
    for site in &wrapped {
        let lock = spell(checker, &choice.spelling, site, home.as_ref())?;
        let unit = indent_unit(checker, site.function);
        let mut headers = vec![format!("with {lock}:")];
        if site.range() == flagged.range() {
            headers.extend(request.inner_headers.iter().cloned());
        }
        all_edits.push(edits::wrap(checker, site.body(), &headers, &unit)?);
    }
    for (index, edit) in all_edits.iter().enumerate() {
        if all_edits[..index].iter().any(|other| clash(edit, other)) {
            return None;
        }
    }
    let others = wrapped
        .iter()
        .filter(|site| !site.range().contains_range(flagged.range()))
        .count();
    Some(Guarded {
        edits: all_edits,
        lock: lock_at_flagged,
        created: choice.object.is_none(),
        others,
    })
}

/// The indentation step of the code a site is in.
fn indent_unit(checker: &Checker, function: Option<FunctionId>) -> String {
    match function {
        Some(function) => {
            let def = checker.model.functions[function].def;
            edits::indent_unit(checker.source, def.start(), def.body.first())
        }
        None => "    ".to_string(),
    }
}

/// How `spelling` reads at `site`, or `None` if it cannot be written there: a name the
/// site's function binds itself, or no expression there names the object whose attribute the
/// lock is.
fn spell(
    checker: &Checker,
    spelling: &Spelling,
    site: &Site,
    home: Option<&Home>,
) -> Option<String> {
    match spelling {
        Spelling::Fixed(text) => {
            let root = text.split('.').next().unwrap_or(text);
            (!bound_locally(checker, site.function, root)).then(|| text.clone())
        }
        Spelling::Field(field) => {
            let Some(Home::Instance { objects, attr, .. }) = home else {
                return None;
            };
            let flow = &checker.model.flow;
            let mut base = None;
            any_over_body(site.body(), |expr| {
                if let Expr::Attribute(attribute) = expr
                    && attribute.attr.as_str() == *attr
                    && is_plain_path(&attribute.value)
                    && flow
                        .objects_at(&attribute.value)
                        .iter()
                        .any(|object| objects.contains(object))
                {
                    base = Some(checker.text(attribute.value.range()));
                    return true;
                }
                false
            });
            base.map(|base| format!("{base}.{field}"))
        }
        Spelling::Local { function, name } => {
            // Visible from the owner and the functions nested in it, unless one between binds
            // the name itself.
            let mut current = site.function;
            while let Some(id) = current {
                if id == *function {
                    return Some(name.clone());
                }
                if checker.model.body(id).scope.is_local(name) {
                    return None;
                }
                current = checker.model.functions[id].parent;
            }
            None
        }
    }
}

/// `name` or `a.b.c`: evaluated again, it names the same thing without running code of its own.
fn is_plain_path(expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) => true,
        Expr::Attribute(attribute) => is_plain_path(&attribute.value),
        _ => false,
    }
}

/// Whether `name` is a local of `function` or of a function around it.
fn bound_locally(checker: &Checker, function: Option<FunctionId>, name: &str) -> bool {
    let mut current = function;
    while let Some(id) = current {
        if checker.model.body(id).scope.is_local(name) {
            return true;
        }
        current = checker.model.functions[id].parent;
    }
    false
}

/// A lock that exists already: one held around other accesses to the state, else the only
/// lock beside it.
fn reused_lock(
    checker: &Checker,
    request: &Request,
    home: Option<&Home>,
    sites: &[Site],
    calls: &CallGraph,
) -> Option<Choice> {
    let sharing = &checker.model.sharing;
    let mut held: FxHashMap<ObjId, usize> = FxHashMap::default();
    for place in request.places {
        for access in sharing.accesses_of(place.var) {
            for &lock in &access.locks {
                *held.entry(lock).or_default() += 1;
            }
        }
    }
    let mut candidates: Vec<(ObjId, usize)> = held.into_iter().collect();
    candidates.sort_by_key(|&(lock, count)| (std::cmp::Reverse(count), lock));
    let mut choices: Vec<(ObjId, Spelling)> = candidates
        .into_iter()
        .filter_map(|(lock, _)| Some((lock, spelling_of(checker, lock, home)?)))
        .collect();
    if choices.is_empty() {
        choices.extend(only_lock_beside(checker, home?));
    }
    choices.into_iter().find_map(|(lock, spelling)| {
        let reentrant = checker
            .text(checker.model.flow.object(lock).site)
            .contains("RLock");
        let taking: Vec<Site> = sites
            .iter()
            .filter(|site| !site.holds.contains(&lock))
            .cloned()
            .collect();
        let sound = reentrant || !deadlocks(checker, lock, &taking, calls);
        let written = sites
            .iter()
            .all(|site| spell(checker, &spelling, site, home).is_some());
        (sound && written).then_some(Choice {
            spelling,
            object: Some(lock),
            edits: Vec::new(),
        })
    })
}

/// How code names an existing lock object: a module-level name or a class attribute bound to
/// it alone, or an attribute `__init__` sets to it on the instances that hold the state.
fn spelling_of(checker: &Checker, lock: ObjId, home: Option<&Home>) -> Option<Spelling> {
    let flow = &checker.model.flow;
    for (scope, name, var) in flow.module_and_class_names() {
        if flow.objects_of(var) != [lock] {
            continue;
        }
        match scope {
            Scope::Module => return Some(Spelling::Fixed(name.to_string())),
            Scope::Class(class) if flow.classes[class].scope == Scope::Module => {
                return Some(Spelling::Fixed(format!(
                    "{}.{name}",
                    flow.classes[class].def.name.as_str()
                )));
            }
            _ => {}
        }
    }
    if let Some(Home::Frame { function, .. }) = home {
        let def = checker.model.functions[*function].def;
        return def.body.iter().find_map(|stmt| {
            let (name, value) = name_assignment(stmt)?;
            flow.objects_at(value)
                .contains(&lock)
                .then(|| Spelling::Local {
                    function: *function,
                    name: name.to_string(),
                })
        });
    }
    if let Some(Home::Instance { class, .. }) = home {
        let (init, receiver) = init_of(checker, *class)?;
        return init.body.iter().find_map(|stmt| {
            let (field, value) = attribute_assignment(stmt, receiver)?;
            flow.objects_at(value)
                .contains(&lock)
                .then(|| Spelling::Field(field.to_string()))
        });
    }
    None
}

/// The only mutual-exclusion lock beside the state, with how it is written, when its name says
/// it guards whatever is beside it (`lock`, `_lock`, `mutex`), not something in particular
/// (`errors_lock`).
fn only_lock_beside(checker: &Checker, home: &Home) -> Option<(ObjId, Spelling)> {
    let (object, spelling) = sole_lock(checker, home)?;
    let name = match &spelling {
        Spelling::Fixed(text) => text.rsplit('.').next().unwrap_or(text),
        Spelling::Field(name) | Spelling::Local { name, .. } => name,
    };
    let generic = matches!(
        name.trim_matches('_').to_ascii_lowercase().as_str(),
        "lock" | "rlock" | "mutex" | "state_lock" | "module_lock" | "global_lock" | "shared_lock"
    );
    generic.then_some((object, spelling))
}

/// The only mutual-exclusion lock beside the state, with how it is written.
fn sole_lock(checker: &Checker, home: &Home) -> Option<(ObjId, Spelling)> {
    let flow = &checker.model.flow;
    let lock_of = |value: &Expr| {
        let Expr::Call(call) = value else { return None };
        if !is_mutex_factory(checker, &call.func) {
            return None;
        }
        match flow.objects_at(value) {
            [object] => Some(*object),
            _ => None,
        }
    };
    match home {
        Home::Module(_) => {
            let [name] = checker.model.module_locks() else {
                return None;
            };
            let value = checker.module_body.iter().find_map(|stmt| match stmt {
                Stmt::Assign(assign) => match assign.targets.as_slice() {
                    [Expr::Name(target)] if target.id.as_str() == *name => Some(&*assign.value),
                    _ => None,
                },
                _ => None,
            })?;
            Some((lock_of(value)?, Spelling::Fixed((*name).to_string())))
        }
        Home::Class { class, .. } => {
            let def = flow.classes[*class].def;
            if flow.classes[*class].scope != Scope::Module {
                return None;
            }
            let locks: Vec<(&str, ObjId)> = def
                .body
                .iter()
                .filter_map(|stmt| match stmt {
                    Stmt::Assign(assign) => match assign.targets.as_slice() {
                        [Expr::Name(target)] => Some((target.id.as_str(), lock_of(&assign.value)?)),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            match locks[..] {
                [(name, object)] => Some((
                    object,
                    Spelling::Fixed(format!("{}.{name}", def.name.as_str())),
                )),
                _ => None,
            }
        }
        Home::Frame { function, .. } => {
            let locks: Vec<(&str, ObjId)> = checker.model.functions[*function]
                .def
                .body
                .iter()
                .filter_map(|stmt| {
                    let (name, value) = name_assignment(stmt)?;
                    Some((name, lock_of(value)?))
                })
                .collect();
            match locks[..] {
                [(name, object)] => Some((
                    object,
                    Spelling::Local {
                        function: *function,
                        name: name.to_string(),
                    },
                )),
                _ => None,
            }
        }
        Home::Instance { class, .. } => {
            let (init, receiver) = init_of(checker, *class)?;
            let locks: Vec<(&str, ObjId)> = init
                .body
                .iter()
                .filter_map(|stmt| {
                    let (field, value) = attribute_assignment(stmt, receiver)?;
                    Some((field, lock_of(value)?))
                })
                .collect();
            match locks[..] {
                [(field, object)] => Some((object, Spelling::Field(field.to_string()))),
                _ => None,
            }
        }
    }
}

/// Whether a call creates a `threading.Lock` or `RLock` (not a semaphore, which may let
/// several threads in).
fn is_mutex_factory(checker: &Checker, func: &Expr) -> bool {
    checker
        .model
        .qualified_name(func)
        .is_some_and(|name| matches!(name.as_str(), "threading.Lock" | "threading.RLock"))
}

/// `__init__` of a class, defined in its own body, with the name of its first parameter.
fn init_of<'a>(checker: &Checker<'a>, class: ClassId) -> Option<(&'a StmtFunctionDef, &'a str)> {
    let function = *checker.model.flow.classes[class].methods.get("__init__")?;
    let def = checker.model.functions[function].def;
    let receiver = def.parameters.iter().next()?.name().as_str();
    Some((def, receiver))
}

/// Where a new lock goes in `__init__`: after the statement that creates a lock on the
/// instance already (`true`), else before its first statement after the docstring; with the
/// name of `__init__`'s first parameter. `None` without an `__init__` of the class's own, or for
/// a class whose instances take no new attribute (`__slots__`, its own `__setattr__`).
fn instance_lock_anchor<'a>(
    checker: &Checker<'a>,
    class: ClassId,
) -> Option<(&'a Stmt, bool, &'a str)> {
    let info = &checker.model.flow.classes[class];
    if has_slots(info.def) || info.methods.contains_key("__setattr__") {
        return None;
    }
    let (init, receiver) = init_of(checker, class)?;
    let existing = init.body.iter().find(|stmt| {
        attribute_assignment(stmt, receiver).is_some_and(
            |(_, value)| matches!(value, Expr::Call(call) if is_mutex_factory(checker, &call.func)),
        )
    });
    match existing {
        Some(anchor) => Some((anchor, true, receiver)),
        None => Some((first_after_docstring(&init.body)?, false, receiver)),
    }
}

/// `name = value`: the name and the value.
fn name_assignment(stmt: &Stmt) -> Option<(&str, &Expr)> {
    let Stmt::Assign(assign) = stmt else {
        return None;
    };
    match assign.targets.as_slice() {
        [Expr::Name(name)] => Some((name.id.as_str(), &assign.value)),
        _ => None,
    }
}

/// `receiver.field = value`: the field and the value.
fn attribute_assignment<'a>(stmt: &'a Stmt, receiver: &str) -> Option<(&'a str, &'a Expr)> {
    let Stmt::Assign(assign) = stmt else {
        return None;
    };
    let [Expr::Attribute(target)] = assign.targets.as_slice() else {
        return None;
    };
    match target.value.as_ref() {
        Expr::Name(name) if name.id.as_str() == receiver => {
            Some((target.attr.as_str(), &assign.value))
        }
        _ => None,
    }
}

/// Whether holding `lock` around the sites could deadlock a plain `Lock`: the sites call code
/// that takes it (or holds it around another site), or run in code called while it is held.
fn deadlocks(checker: &Checker, lock: ObjId, sites: &[Site], calls: &CallGraph) -> bool {
    let holders = holders_of(checker, lock);
    let from_sites = calls.reached(sites.iter().map(|site| (site.scope(), site.range())));
    let site_functions: FxHashSet<FunctionId> =
        sites.iter().filter_map(|site| site.function).collect();
    if holders
        .iter()
        .any(|(scope, _)| matches!(scope, Scope::Function(f) if from_sites.contains(f)))
        || site_functions.iter().any(|f| from_sites.contains(f))
    {
        return true;
    }
    let under_lock = calls.reached(holders.iter().copied());
    // A site inside code that holds the lock, or holding it inside itself, takes it twice.
    site_functions.iter().any(|f| under_lock.contains(f))
        || sites.iter().any(|site| {
            holders.iter().any(|(scope, range)| {
                *scope == site.scope()
                    && (range.contains_range(site.range()) || site.range().contains_range(*range))
            })
        })
}

/// The statements of the module's functions that hold `lock`.
fn holders_of(checker: &Checker, lock: ObjId) -> Vec<(Scope, TextRange)> {
    let model = checker.model;
    let mut holders = Vec::new();
    for function in 0..model.functions.len() {
        for statement in model.body(function).statements() {
            if !statement.locks.is_empty() && lock_objects(model, statement.locks).0.contains(&lock)
            {
                holders.push((Scope::Function(function), statement.stmt.range()));
            }
        }
    }
    holders
}

/// Which code calls which, from the value flow's calls.
pub struct CallGraph {
    /// By caller: the code called, and where.
    calls: FxHashMap<Scope, Vec<(Callable, TextRange)>>,
}

impl CallGraph {
    pub fn new(model: &SemanticModel) -> Self {
        let mut calls: FxHashMap<Scope, Vec<(Callable, TextRange)>> = FxHashMap::default();
        for &(caller, callee, site) in &model.flow.calls {
            calls.entry(caller).or_default().push((callee, site));
        }
        Self { calls }
    }

    /// The functions that calls made inside the given ranges of code run, directly or not.
    pub fn reached(&self, from: impl Iterator<Item = (Scope, TextRange)>) -> FxHashSet<FunctionId> {
        let mut stack: Vec<Callable> = Vec::new();
        for (scope, range) in from {
            for &(callee, site) in self.calls.get(&scope).into_iter().flatten() {
                if range.contains_range(site) {
                    stack.push(callee);
                }
            }
        }
        let mut seen: FxHashSet<Callable> = FxHashSet::default();
        let mut functions = FxHashSet::default();
        while let Some(callable) = stack.pop() {
            if !seen.insert(callable) {
                continue;
            }
            if let Callable::Function(function) = callable {
                functions.insert(function);
            }
            for &(callee, _) in self.calls.get(&callable.scope()).into_iter().flatten() {
                stack.push(callee);
            }
        }
        functions
    }
}

/// A new lock for the state, created beside it.
fn new_lock(
    checker: &Checker,
    request: &Request,
    home: &Home,
    sites: &[Site],
    calls: &CallGraph,
) -> Option<Choice> {
    // An `RLock` when the guarded code calls back into code that touches the state (or holds
    // another site): a `Lock` taken twice by one thread deadlocks.
    let reached = calls.reached(sites.iter().map(|site| (site.scope(), site.range())));
    let sharing = &checker.model.sharing;
    let touches_state = request.places.iter().any(|place| {
        sharing
            .accesses_of(place.var)
            .iter()
            .any(|access| reached.contains(&access.code))
    }) || sites
        .iter()
        .any(|site| site.function.is_some_and(|f| reached.contains(&f)));
    let factory = if touches_state { "RLock" } else { "Lock" };
    let (threading, import) = threading_module(checker)?;
    let creation = format!("{threading}.{factory}()");
    let mut created = Vec::new();
    let (spelling, creation_edit) = match home {
        Home::Module(name) => {
            let lock = lock_name(name);
            if checker.model.is_module_binding(&lock) {
                return existing_module_lock(checker, &lock, sites, calls);
            }
            let anchor = module_anchor(checker, name)?;
            // Module-level code that takes the lock must run after it exists.
            if sites
                .iter()
                .any(|site| site.function.is_none() && site.range().start() < anchor.end())
            {
                return None;
            }
            let edit = line_after(checker, anchor, &format!("{lock} = {creation}"))?;
            (Spelling::Fixed(lock), edit)
        }
        Home::Class { class, attr } => class_lock(checker, *class, attr, Some(attr), &creation)?,
        Home::Frame { function, name } => {
            let def = checker.model.functions[*function].def;
            let lock = format!("{}_lock", name.trim_start_matches('_'));
            if checker.model.body(*function).scope.is_local(&lock) {
                return None;
            }
            let text = format!("{lock} = {creation}");
            let anchor = def
                .body
                .iter()
                .find(|stmt| name_assignment(stmt).is_some_and(|(bound, _)| bound == *name));
            let edit = match anchor {
                Some(anchor) => {
                    // The owner's own code that takes the lock must run after it exists.
                    if sites.iter().any(|site| {
                        site.function == Some(*function) && site.range().start() < anchor.end()
                    }) {
                        return None;
                    }
                    line_after(checker, anchor, &text)?
                }
                None => line_before(checker, first_after_docstring(&def.body)?, &text)?,
            };
            let spelling = Spelling::Local {
                function: *function,
                name: lock,
            };
            (spelling, edit)
        }
        // In `__init__`, beside the lock it creates already or first (before anything that
        // could call a method using it); on the class when the class has no `__init__`.
        Home::Instance { class, attr, .. } => match instance_lock_anchor(checker, *class) {
            Some((anchor, after, receiver)) => {
                let info = &checker.model.flow.classes[*class];
                let lock = lock_name(attr);
                if info.attributes.contains(lock.as_str())
                    || init_of(checker, *class).is_some_and(|(init, receiver)| {
                        init.body.iter().any(|stmt| {
                            attribute_assignment(stmt, receiver).is_some_and(|(f, _)| f == lock)
                        })
                    })
                {
                    return None;
                }
                let text = format!("{receiver}.{lock} = {creation}");
                let edit = if after {
                    line_after(checker, anchor, &text)?
                } else {
                    line_before(checker, anchor, &text)?
                };
                (Spelling::Field(lock), edit)
            }
            None if init_of(checker, *class).is_none() => {
                class_lock(checker, *class, attr, Some(attr), &creation)?
            }
            None => return None,
        },
    };
    if import {
        created.push(import_threading(checker)?);
    }
    created.push(creation_edit);
    Some(Choice {
        spelling,
        object: None,
        edits: created,
    })
}

/// `_counter_lock` for `counter`, `_instance_lock` for `_instance`.
fn lock_name(state: &str) -> String {
    format!("_{}_lock", state.trim_start_matches('_'))
}

/// A module-level name that exists already (made by an earlier fix): usable only if it holds
/// a mutual-exclusion lock that cannot deadlock here.
fn existing_module_lock(
    checker: &Checker,
    lock: &str,
    sites: &[Site],
    calls: &CallGraph,
) -> Option<Choice> {
    let flow = &checker.model.flow;
    let object = flow
        .module_and_class_names()
        .find(|&(scope, name, _)| scope == Scope::Module && name == lock)
        .and_then(|(_, _, var)| match flow.objects_of(var) {
            [object] if flow.object(*object).kind == ObjectKind::Lock => Some(*object),
            _ => None,
        })?;
    let reentrant = checker.text(flow.object(object).site).contains("RLock");
    (reentrant || !deadlocks(checker, object, sites, calls)).then(|| Choice {
        spelling: Spelling::Fixed(lock.to_string()),
        object: Some(object),
        edits: Vec::new(),
    })
}

/// The top-level statement a new module lock for `name` goes after: the name's first
/// top-level assignment, else the last top-level import.
fn module_anchor<'a>(checker: &Checker<'a>, name: &str) -> Option<&'a Stmt> {
    let body = checker.module_body;
    if let Some(range) = checker.model.top_level_assignment(name) {
        return body.iter().find(|stmt| stmt.range() == range);
    }
    header(body)
        .last()
        .filter(|stmt| matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)))
}

/// A new lock in a class body: after the statement that binds `attr` there (if given and
/// found), else first in the body. Written with the class's name, so the class must be a
/// module-level one, and one whose body makes plain attributes (not an enum, a named tuple,
/// a typed dict, or a class with a metaclass of its own).
fn class_lock(
    checker: &Checker,
    class: ClassId,
    state: &str,
    attr: Option<&str>,
    creation: &str,
) -> Option<(Spelling, Edit)> {
    let info = &checker.model.flow.classes[class];
    if info.scope != Scope::Module || !plain_class(checker, info.def) {
        return None;
    }
    let lock = lock_name(state);
    if info.attributes.contains(lock.as_str()) {
        return None;
    }
    let text = format!("{lock} = {creation}");
    let binds = |stmt: &&Stmt| {
        let target = match stmt {
            Stmt::Assign(assign) => match assign.targets.as_slice() {
                [target] => target,
                _ => return false,
            },
            Stmt::AnnAssign(assign) => assign.target.as_ref(),
            _ => return false,
        };
        matches!(target, Expr::Name(name) if Some(name.id.as_str()) == attr)
    };
    let edit = match info.def.body.iter().find(binds) {
        Some(anchor) => line_after(checker, anchor, &text)?,
        None => line_before(checker, first_after_docstring(&info.def.body)?, &text)?,
    };
    Some((
        Spelling::Fixed(format!("{}.{lock}", info.def.name.as_str())),
        edit,
    ))
}

/// Whether a class body's assignments make plain class attributes: no metaclass keyword, and
/// no base whose metaclass turns them into something else (enums, named tuples, typed dicts,
/// protocols, ctypes structures).
fn plain_class(checker: &Checker, def: &StmtClassDef) -> bool {
    const SPECIAL: &[&str] = &[
        "enum.",
        "typing.NamedTuple",
        "typing.TypedDict",
        "typing_extensions.",
        "typing.Protocol",
        "ctypes.",
    ];
    let Some(arguments) = def.arguments.as_deref() else {
        return true;
    };
    if !arguments.keywords.is_empty() {
        return false;
    }
    arguments.args.iter().all(|base| {
        let special = checker
            .model
            .qualified_name(base)
            .is_some_and(|name| SPECIAL.iter().any(|prefix| name.starts_with(prefix)));
        let module_class = match base {
            Expr::Name(name) => checker.model.is_class(name.id.as_str()),
            _ => false,
        };
        !special
            && (module_class
                || checker.model.qualified_name(base).is_some()
                || matches!(base, Expr::Name(name) if name.id.as_str() == "object"))
    })
}

/// Whether a class body sets `__slots__` (its instances then take no new attributes).
fn has_slots(def: &StmtClassDef) -> bool {
    def.body.iter().any(|stmt| match stmt {
        Stmt::Assign(assign) => assign
            .targets
            .iter()
            .any(|target| matches!(target, Expr::Name(name) if name.id.as_str() == "__slots__")),
        Stmt::AnnAssign(assign) => {
            matches!(assign.target.as_ref(), Expr::Name(name) if name.id.as_str() == "__slots__")
        }
        _ => false,
    })
}

/// The module's header: the top-level statements before any other code runs (its docstring,
/// then imports). Its last import is where a new import goes, and an import of `threading`
/// there is in place before any code of the module can use it.
fn header(body: &[Stmt]) -> &[Stmt] {
    // `__all__ = [...]`, `__version__ = "1.0"`: literals that run no code.
    let dunder_literal = |stmt: &Stmt| match stmt {
        Stmt::Assign(assign) => {
            matches!(assign.targets.as_slice(), [Expr::Name(name)]
                if name.id.starts_with("__") && name.id.ends_with("__"))
                && matches!(
                    assign.value.as_ref(),
                    Expr::List(_)
                        | Expr::Tuple(_)
                        | Expr::StringLiteral(_)
                        | Expr::NumberLiteral(_)
                )
        }
        _ => false,
    };
    let docstring = usize::from(
        matches!(body.first(), Some(Stmt::Expr(expr)) if expr.value.is_string_literal_expr()),
    );
    let run = body[docstring..]
        .iter()
        .take_while(|stmt| {
            matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)) || dunder_literal(stmt)
        })
        .count();
    // Up to its last import.
    let imports = body[docstring..docstring + run]
        .iter()
        .rposition(|stmt| matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)))
        .map_or(0, |last| last + 1);
    &body[..docstring + imports]
}

/// How the module names the `threading` module, and whether it must be imported: an
/// `import threading` in the module's header serves; a later one may run after the code that
/// needs it.
fn threading_module<'a>(checker: &Checker<'a>) -> Option<(&'a str, bool)> {
    for stmt in header(checker.module_body) {
        if let Stmt::Import(import) = stmt {
            for alias in &import.names {
                if alias.name.as_str() == "threading" {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name);
                    return Some((local.as_str(), false));
                }
            }
        }
    }
    // The name is taken by something else.
    if checker.model.is_module_binding("threading")
        && !checker.module_body.iter().any(|stmt| {
            matches!(stmt, Stmt::Import(import)
                if import.names.iter().any(|alias| alias.name.as_str() == "threading" && alias.asname.is_none()))
        })
    {
        return None;
    }
    Some(("threading", true))
}

/// `import threading` after the last import of the module's header, or first after its
/// docstring when it has no import there.
fn import_threading(checker: &Checker) -> Option<Edit> {
    let body = checker.module_body;
    let header = header(body);
    match header.last() {
        Some(last @ (Stmt::Import(_) | Stmt::ImportFrom(_))) => {
            line_after(checker, last, "import threading")
        }
        _ => line_before(checker, body.get(header.len())?, "import threading"),
    }
}

/// A fix that holds a lock around the flagged statements and every statement racing with
/// them (see [`guard`]), described as holding it around `what` ("the update"). Unsafe: a lock
/// changes what may run at once, so its reviewer checks for calls back into the same state
/// under another lock and for lock order.
pub fn lock_fix(checker: &Checker, request: &Request, what: &str) -> Option<Fix> {
    // A lock around the write alone would leave the earlier read outside it.
    if request.statement.update.is_some_and(Update::is_split) {
        return None;
    }
    let guarded = guard(checker, request)?;
    let lock = &guarded.lock;
    let mut message = if guarded.created {
        format!("Hold a new lock `{lock}` around {what}")
    } else {
        format!("Hold `{lock}` around {what}")
    };
    match guarded.others {
        0 => {}
        1 => message.push_str(" and around the other statement that races with it"),
        others => message.push_str(&format!(
            " and around the {others} other statements that race with it"
        )),
    }
    Some(Fix {
        applicability: Applicability::Unsafe,
        message,
        edits: guarded.edits,
    })
}
