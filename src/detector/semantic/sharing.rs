//! Which objects threads share, and which accesses to them can run at the same time.
//!
//! Built on the [flow](super::flow): every function (and lambda) runs in some **contexts**: the
//! main thread (module-level code and what it calls), the threads of an **entry** (a call that
//! starts threads, or an instance of a `Thread` subclass), or, in library mode and in modules
//! that start no threads, any thread that calls a public function. An entry runs **many**
//! threads at once when it is started in a loop or comprehension, maps over items, serves
//! requests, or sits in code that itself runs more than once.
//!
//! An object is **shared** when two threads can reach it at the same time: it is held by a
//! module-level name or a class attribute; it is handed (as an argument, a bound receiver, a
//! `partial`'s argument, a closure's variable) to an entry that runs many threads and is not
//! created afresh for each of them; it is handed to two entries; the thread that started an
//! entry keeps using it while the entry runs; or it is an object running a thread on its own
//! method while others call its methods. Whatever a shared object holds is shared too.
//!
//! Every statement's **accesses** (reads, writes, in-place changes, iterations) are indexed by
//! the variable they touch (a name, an attribute of an object, a container's items), with the
//! locks held. Two accesses conflict when their code can run at the same time on the same
//! object, and no lock they both hold orders them.

use std::cell::OnceCell;

use rustc_hash::{FxHashMap, FxHashSet};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{
    Comprehension, Expr, ExprCall, ExprContext, ModModule, Stmt, StmtFunctionDef,
};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::flow::{
    ClassId, EntryId, EntryKind, Flow, ObjId, ObjectKind, Scope, VarId, is_fresh_container,
};
use super::threads::StartKind;
use super::vocabulary::{CONSTRUCTORS, COPYING, ITERATING, first_argument_access, method_access};
use super::{FunctionId, SemanticModel};
use crate::detector::helpers::{
    ReadModifyWrites, Update, contains_expr, push_own_expressions, walk_guarded,
};

/// Where code runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    /// The main thread: module-level code and what it calls.
    Main,
    /// The threads of an entry.
    Entry(EntryId),
    /// Any thread that calls a public function of the module (library mode, and modules that
    /// start no threads).
    Public,
}

/// Code that holds statements: a function, a lambda, or module-level code.
pub type CodeId = usize;

/// What an access does to the variable it touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessKind {
    Read,
    /// Binds a new value (`x = ...`, `obj.x = ...`).
    Write,
    /// Reads and writes back (`x += 1`, `x = x + 1`).
    Update,
    /// Adds items to a container (`append`, `add`, `c[k] = v`, `update`, `setdefault`).
    Add,
    /// Removes items (`pop`, `remove`, `discard`, `del c[k]`, `popitem`).
    Remove,
    /// Empties a container (`clear`, `del c[:]`).
    Clear,
    /// Reorders items without adding or removing (`move_to_end`, `sort`, `rotate`, `reverse`).
    Reorder,
    /// Iterates the container (`for x in c`, comprehensions, `sum(c)`).
    Iterate,
}

/// One access of one statement.
#[derive(Clone, Debug)]
pub struct Access {
    pub kind: AccessKind,
    pub code: CodeId,
    /// The statement (for a lambda, the lambda).
    pub statement: TextRange,
    /// Lock objects held around the statement.
    pub locks: Vec<ObjId>,
    /// Whether a lock the analysis cannot identify is held (a parameter named `lock`).
    pub unknown_lock: bool,
    /// Made through a local only ever assigned a container made right there (`lines = []`).
    pub fresh: bool,
}

/// What a variable belongs to, which decides whether the threads of one entry share it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// An attribute or the items of an object.
    Object(ObjId),
    /// A local variable of some code (a closure's cell when another function uses it).
    Frame(CodeId),
    /// A module-level name or a class attribute.
    Global,
}

/// Why an object is shared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SharedBy {
    /// Held by a module-level name or a class attribute.
    Global { scope: Scope, name: String },
    /// Handed to an entry that runs many threads.
    Handed(EntryId),
    /// Handed to two entries.
    Between(EntryId, EntryId),
    /// Kept by the code that started an entry while the entry runs.
    Starter(EntryId),
    /// Runs a thread on its own method while others call its methods.
    OwnThread(EntryId),
    /// An instance a public method may be called on from any thread (library mode).
    Public(ClassId),
    /// A `logging` handler registered with a logger (at this call): every thread that logs
    /// runs it.
    Logging(TextRange),
    /// Closed over by a function a public function hands out (a decorator's wrapper), which
    /// any thread may call (library mode).
    Closure(FunctionId),
    /// Held by another shared object.
    Within(ObjId),
}

/// What is known of an entry beyond the flow.
#[derive(Debug)]
pub struct EntryFacts {
    /// The call (or thread object creation) as written, shortened.
    pub call: String,
    pub site: TextRange,
    /// The code that starts it.
    pub starter: CodeId,
    pub many: bool,
    /// From the start to the first join after it, in the starter's statements.
    window: TextRange,
    /// Code called from the window (runs alongside the entry's threads).
    window_code: FxHashSet<CodeId>,
    /// Objects each thread of the entry gets afresh.
    per_instance: FxHashSet<ObjId>,
    /// Code that runs once per thread of the entry before or as it starts it.
    region_code: FxHashSet<CodeId>,
    region: Option<TextRange>,
    /// The class whose instance runs this thread on its own method.
    own_class: Option<ClassId>,
    /// Every object the entry's threads can reach: what it hands them, what module-level names
    /// and class attributes they use hold, what they create, and what all of that holds.
    reach: FxHashSet<ObjId>,
    /// Functions of other modules between the call and this module (cross-module entries).
    pub through: Vec<String>,
    /// Where a cross-module entry is written (`app.py:12`).
    pub elsewhere: Option<String>,
}

/// Which entry first reaches a piece of code, and from which code (a parent link, so witness
/// paths share their prefixes and memory stays linear in the number of functions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Witness {
    pub entry: EntryId,
    pub parent: Option<CodeId>,
}

#[derive(Debug, Default)]
pub struct Sharing {
    /// Contexts of each piece of code: functions first, then lambdas, then module-level code.
    contexts: Vec<Vec<Context>>,
    witnesses: Vec<Option<Witness>>,
    pub entries: Vec<EntryFacts>,
    shared: FxHashMap<ObjId, SharedBy>,
    accesses: FxHashMap<VarId, Vec<Access>>,
    functions: usize,
    lambdas: usize,
    /// Whether any code runs in more than the main thread.
    concurrent: bool,
    /// Locks every caller holds when calling each piece of code (what its accesses run under
    /// besides their own statement's locks), and whether one of them is not known.
    entry_locks: Vec<(Vec<ObjId>, bool)>,
    /// Code that initialises its object before other threads can see it: constructors and
    /// the methods only they call.
    initialising: Vec<bool>,
    /// Whether any access is made under a lock the analysis knows.
    locked_accesses: bool,
    /// Nested functions a public function returns (a decorator's wrapper): one frame of their
    /// definer, then calls from any thread.
    handed_out: FxHashSet<CodeId>,
    /// Locks each of many instances makes for itself (`self._lock = Lock()` in `__init__` of a
    /// class with several instances): one abstract object for many locks, each of which orders
    /// only its own instance's state. For each, the objects it guards: the instances of the
    /// classes that make it and what their attributes hold, directly or not.
    per_instance_locks: FxHashMap<ObjId, FxHashSet<ObjId>>,
}

impl Sharing {
    pub fn code_of_function(&self, function: FunctionId) -> CodeId {
        function
    }

    pub fn module_code(&self) -> CodeId {
        self.functions + self.lambdas
    }

    pub fn code_of(&self, scope: Scope) -> Option<CodeId> {
        match scope {
            Scope::Function(id) => Some(id),
            Scope::Lambda(id) => Some(self.functions + id),
            Scope::Module => Some(self.module_code()),
            Scope::Class(_) => None,
        }
    }

    pub fn contexts(&self, code: CodeId) -> &[Context] {
        self.contexts.get(code).map_or(&[], Vec::as_slice)
    }

    pub fn witness(&self, code: CodeId) -> Option<Witness> {
        self.witnesses.get(code).copied().flatten()
    }

    /// An entry whose threads run while `code` runs in the thread that started them.
    pub fn alongside_entry(&self, code: CodeId) -> Option<EntryId> {
        self.entries.iter().position(|facts| {
            facts.window_code.contains(&code)
                || (facts.starter == code && !facts.window.is_empty())
                || (facts.own_class.is_some() && facts.region_code.contains(&code))
        })
    }

    /// Whether any code of the module can run in two threads at once.
    pub fn is_concurrent(&self) -> bool {
        self.concurrent
    }

    /// Why an object is shared, if it is.
    pub fn shared_by(&self, object: ObjId) -> Option<&SharedBy> {
        self.shared.get(&object)
    }

    /// The accesses to a variable.
    pub fn accesses_of(&self, var: VarId) -> &[Access] {
        self.accesses.get(&var).map_or(&[], Vec::as_slice)
    }

    /// Every variable accessed, with its accesses, in no particular order: a scan of the whole
    /// index, for the rare finding that asks what some code writes.
    pub fn all_accesses(&self) -> impl Iterator<Item = (VarId, &[Access])> {
        self.accesses
            .iter()
            .map(|(&var, accesses)| (var, accesses.as_slice()))
    }

    /// The accesses `codes` make (reads and changes of names, attributes and items), and the
    /// variables of those that touch a value threads share: an object shared between threads,
    /// or a module-level name or class attribute that functions change.
    pub fn shared_accesses(&self, flow: &Flow, codes: &[CodeId]) -> (usize, Vec<(VarId, usize)>) {
        let module_code = self.module_code();
        let mut asked = vec![false; self.contexts.len()];
        for &code in codes {
            asked[code] = true;
        }
        let mut total = 0;
        let mut shared = Vec::new();
        for (&var, accesses) in &self.accesses {
            let made = accesses.iter().filter(|access| asked[access.code]).count();
            if made == 0 {
                continue;
            }
            total += made;
            let changed_global =
                matches!(flow.scope_of(var), Some(Scope::Module | Scope::Class(_)))
                    && accesses.iter().any(|access| {
                        access.code != module_code && access.kind != AccessKind::Read
                    });
            if changed_global
                || flow
                    .owner_of(var)
                    .is_some_and(|owner| self.shared.contains_key(&owner))
            {
                shared.push((var, made));
            }
        }
        shared.sort_unstable_by_key(|&(var, made)| (std::cmp::Reverse(made), var));
        (total, shared)
    }

    /// Every piece of code: functions, lambdas, module-level code.
    pub fn codes(&self) -> std::ops::Range<CodeId> {
        0..self.contexts.len()
    }

    /// Code that runs in a thread other than the main one (an entry's threads, or any caller's
    /// thread in library mode).
    pub fn runs_in_threads(&self, code: CodeId) -> bool {
        self.contexts(code)
            .iter()
            .any(|context| *context != Context::Main)
    }

    /// Whether code running in `first` and code running in `second` can run at the same time
    /// on what they touch, as far as their contexts go.
    fn overlap(&self, first: (Context, &Access), second: (Context, &Access), owner: Owner) -> bool {
        // A closure's cell is shared only with threads the closure escaped to: where the
        // function that owns the cell runs too, each thread has a frame, and cells, of its own.
        // Public code is the exception: a public function that returns a closure (a decorator)
        // makes one frame, and the closure it hands out is then called from every thread.
        if let Owner::Frame(code) = owner {
            let frames = self.contexts(code);
            let handed_out = first.0 == Context::Public
                && second.0 == Context::Public
                && self.handed_out.contains(&first.1.code)
                && self.handed_out.contains(&second.1.code);
            if !handed_out && frames.contains(&first.0) && frames.contains(&second.0) {
                return false;
            }
        }
        // The calling context does not split what a function touches: an access only counts in
        // an entry that can reach the object.
        if let Owner::Object(object) = owner {
            for context in [first.0, second.0] {
                if let Context::Entry(entry) = context
                    && !self.entries[entry].reach.contains(&object)
                {
                    return false;
                }
            }
        }
        match (first.0, second.0) {
            (Context::Public, _) | (_, Context::Public) => true,
            (Context::Entry(a), Context::Entry(b)) if a == b => {
                let entry = &self.entries[a];
                entry.many
                    && match owner {
                        Owner::Object(object) => !entry.per_instance.contains(&object),
                        Owner::Frame(_) | Owner::Global => true,
                    }
            }
            (Context::Entry(_), Context::Entry(_)) => true,
            (Context::Main, Context::Entry(entry)) => self.alongside(entry, first.1),
            (Context::Entry(entry), Context::Main) => self.alongside(entry, second.1),
            (Context::Main, Context::Main) => false,
        }
    }

    /// Whether a main-thread access runs while the threads of `entry` do.
    fn alongside(&self, entry: EntryId, main: &Access) -> bool {
        let facts = &self.entries[entry];
        (main.code == facts.starter
            && main.statement.start() >= facts.window.start()
            && main.statement.start() < facts.window.end())
            || facts.window_code.contains(&main.code)
            || facts.own_class.is_some() && self.own_class_code(facts, main.code)
    }

    fn own_class_code(&self, facts: &EntryFacts, code: CodeId) -> bool {
        // Methods of the class are its API: they run whenever callers use the object.
        facts.region_code.contains(&code)
    }

    /// Whether any access of the module is made under a lock the analysis knows (rules about
    /// what a lock guards have nothing to look at otherwise).
    pub fn has_locked_accesses(&self) -> bool {
        self.locked_accesses
    }

    /// Whether `code` works on an object nobody else has yet (a constructor, or a method only
    /// constructors call) when it touches its own receiver's state.
    pub fn is_initialising(&self, code: CodeId) -> bool {
        self.initialising.get(code).copied().unwrap_or(false)
    }

    /// Locks every caller of `code` holds around the call.
    pub fn entry_locks(&self, code: CodeId) -> (&[ObjId], bool) {
        self.entry_locks
            .get(code)
            .map_or((&[][..], false), |(locks, unknown)| {
                (locks.as_slice(), *unknown)
            })
    }

    /// Whether two accesses can run at the same time and no lock orders them.
    pub fn conflict(&self, first: &Access, second: &Access, owner: Owner) -> bool {
        // A local only ever assigned a container made right there works on the call's own
        // container (until it hands it out).
        if first.fresh || second.fresh {
            return false;
        }
        // A local lives in one call's frame: two accesses of the code that owns it touch two
        // frames.
        if let Owner::Frame(code) = owner
            && first.code == code
            && second.code == code
        {
            return false;
        }
        if first.unknown_lock && (second.unknown_lock || !second.locks.is_empty())
            || second.unknown_lock && !first.locks.is_empty()
            || first
                .locks
                .iter()
                .any(|lock| second.locks.contains(lock) && self.excludes(*lock, owner))
        {
            return false;
        }
        self.contexts(first.code).iter().any(|&a| {
            self.contexts(second.code)
                .iter()
                .any(|&b| self.overlap((a, first), (b, second), owner))
        })
    }

    /// Whether `lock` is one of many, each instance of a class making its own.
    pub fn is_per_instance_lock(&self, lock: ObjId) -> bool {
        self.per_instance_locks.contains_key(&lock)
    }

    /// Whether holding `lock` on both sides orders two accesses to state of `owner`. A lock each
    /// instance makes for itself does so only for that instance's own state (what its
    /// attributes hold); class attributes, module globals and other objects are reached by
    /// every instance, each holding a different lock.
    fn excludes(&self, lock: ObjId, owner: Owner) -> bool {
        let Some(guarded) = self.per_instance_locks.get(&lock) else {
            return true;
        };
        match owner {
            Owner::Object(object) => guarded.contains(&object),
            Owner::Global | Owner::Frame(_) => false,
        }
    }
}

/// The locks several instances each make for themselves, with what each guards (see
/// [`Sharing::per_instance_locks`]).
fn per_instance_locks(
    flow: &Flow,
    statements: &Statements,
    module_code: CodeId,
) -> FxHashMap<ObjId, FxHashSet<ObjId>> {
    let class_of = |object: ObjId| match flow.object(object).kind {
        ObjectKind::Instance(class) | ObjectKind::OutsideInstance(class) => Some(class),
        _ => None,
    };
    let mut holders: FxHashMap<ObjId, Vec<ObjId>> = FxHashMap::default();
    for instance in 0..flow.objects.len() as ObjId {
        if class_of(instance).is_none() {
            continue;
        }
        for &object in flow.parts_of(instance).flat_map(|var| flow.objects_of(var)) {
            let lock = flow.object(object);
            // Made per call of some code (an `__init__`), not once at import.
            if lock.kind == ObjectKind::Lock
                && matches!(lock.scope, Scope::Function(_) | Scope::Lambda(_))
            {
                holders.entry(object).or_default().push(instance);
            }
        }
    }
    // One instance made once at import (`registry = Registry()`) makes one lock.
    holders.retain(|_, instances| {
        !matches!(instances.as_slice(), [only] if {
            let info = flow.object(*only);
            matches!(info.kind, ObjectKind::Instance(_))
                && info.scope == Scope::Module
                && enclosing_loop(statements, module_code, info.site).is_none()
        })
    });
    holders
        .into_iter()
        .map(|(lock, instances)| {
            let classes: Vec<ClassId> = instances.iter().filter_map(|&i| class_of(i)).collect();
            // Every instance of those classes (or of classes derived from them) has such a lock
            // of its own, and guards what it holds.
            let mut guarded: FxHashSet<ObjId> = (0..flow.objects.len() as ObjId)
                .filter(|&object| {
                    class_of(object)
                        .is_some_and(|class| classes.iter().any(|&base| derives(flow, class, base)))
                })
                .collect();
            let mut stack: Vec<ObjId> = guarded.iter().copied().collect();
            while let Some(object) = stack.pop() {
                for var in flow.parts_of(object) {
                    for &inner in flow.objects_of(var) {
                        if guarded.insert(inner) {
                            stack.push(inner);
                        }
                    }
                }
            }
            (lock, guarded)
        })
        .collect()
}

/// Whether `class` is `base` or derives from it within the module.
fn derives(flow: &Flow, class: ClassId, base: ClassId) -> bool {
    let mut stack = vec![class];
    let mut seen = Vec::new();
    while let Some(current) = stack.pop() {
        if current == base {
            return true;
        }
        if !seen.contains(&current) {
            seen.push(current);
            stack.extend_from_slice(&flow.classes[current].bases);
        }
    }
    false
}

/// Builds the sharing facts of a modelled module. `public`: library mode.
pub fn build(module: &ModModule, model: &SemanticModel, public: bool) -> Sharing {
    let flow = &model.flow;
    let functions = model.functions.len();
    let lambdas = flow.lambdas.len();
    let mut sharing = Sharing {
        contexts: vec![Vec::new(); functions + lambdas + 1],
        witnesses: vec![None; functions + lambdas + 1],
        functions,
        lambdas,
        ..Sharing::default()
    };
    let graph = CallGraph::new(flow, &sharing);
    let module_code = sharing.module_code();
    let mut reached_by_entry: Vec<Vec<CodeId>> = Vec::new();

    // The main thread: module-level code and what it calls.
    let mut main = vec![module_code];
    main.extend(graph.called_from_scopes(&[Scope::Module]));
    for code in graph.reach(main) {
        sharing.contexts[code].push(Context::Main);
    }

    // The entries of this module, then those other modules found for its functions.
    for (id, entry) in flow.entries.iter().enumerate() {
        let starter = sharing.code_of(entry.scope).unwrap_or(module_code);
        sharing.entries.push(EntryFacts {
            call: entry_call(model, entry),
            site: entry.site,
            starter,
            many: false,
            window: TextRange::default(),
            window_code: FxHashSet::default(),
            per_instance: FxHashSet::default(),
            region_code: FxHashSet::default(),
            region: None,
            own_class: None,
            reach: FxHashSet::default(),
            through: Vec::new(),
            elsewhere: None,
        });
        let targets: Vec<CodeId> = entry
            .targets
            .iter()
            .filter_map(|target| sharing.code_of(target.scope()))
            .collect();
        let reached = mark(&mut sharing, &graph, id, targets);
        reached_by_entry.push(reached);
    }
    for (function, entry) in model.incoming_entries() {
        let id = sharing.entries.len();
        sharing.entries.push(EntryFacts {
            call: entry.call.clone(),
            site: TextRange::default(),
            starter: module_code,
            many: entry.many,
            window: TextRange::default(),
            window_code: FxHashSet::default(),
            per_instance: FxHashSet::default(),
            region_code: FxHashSet::default(),
            region: None,
            own_class: None,
            reach: FxHashSet::default(),
            through: entry.through.clone(),
            elsewhere: match &entry.site {
                super::EntrySite::Elsewhere(origin) => Some(origin.clone()),
                super::EntrySite::Here(_) => None,
            },
        });
        mark(&mut sharing, &graph, id, vec![function]);
    }

    // Public functions and methods, in library mode and where nothing starts a thread.
    if public || sharing.entries.is_empty() {
        let roots: Vec<CodeId> = (0..functions).filter(|&id| is_public(model, id)).collect();
        sharing.handed_out = roots
            .iter()
            .copied()
            .filter(|&id| model.functions[id].parent.is_some())
            .collect();
        for code in graph.reach(roots) {
            sharing.contexts[code].push(Context::Public);
        }
    }
    sharing.concurrent = !sharing.entries.is_empty()
        || sharing
            .contexts
            .iter()
            .any(|contexts| contexts.contains(&Context::Public));

    let statements = Statements::new(module, model, &sharing);
    let mut objects_by_code: Vec<Vec<ObjId>> = vec![Vec::new(); module_code + 1];
    for (object, info) in flow.objects.iter().enumerate() {
        if let Some(code) = sharing.code_of(info.scope) {
            objects_by_code[code].push(object as ObjId);
        }
    }
    let module_facts = ModuleFacts {
        objects_by_code,
        reached_by_entry,
        alongside_import: OnceCell::new(),
        methods: OnceCell::new(),
    };
    for entry in 0..sharing.entries.len().min(flow.entries.len()) {
        describe_entry(
            &mut sharing,
            model,
            &graph,
            &statements,
            &module_facts,
            entry,
        );
    }
    sharing.per_instance_locks = per_instance_locks(flow, &statements, module_code);
    let initialising = initialising(model, &graph);
    sharing.entry_locks = entry_locks(&sharing, model, &graph, &statements, &initialising);
    sharing.accesses = statements.accesses(model, &sharing, &initialising);
    sharing.initialising = initialising;
    sharing.locked_accesses = sharing
        .accesses
        .values()
        .flatten()
        .any(|access| !access.locks.is_empty());
    // An entry from another module reaches what module-level names hold.
    for (entry, reach) in entry_reaches(&sharing, model).into_iter().enumerate() {
        sharing.entries[entry].reach = reach;
    }
    find_shared(&mut sharing, model);
    // An object an entry's thread made for itself stops being its own once something shared
    // holds it (stored in a shared dict by `setdefault`, say).
    for entry in 0..sharing.entries.len() {
        let escaped: Vec<ObjId> = sharing.entries[entry]
            .per_instance
            .iter()
            .copied()
            .filter(|&object| escapes(&sharing, entry, object))
            .collect();
        for object in escaped {
            sharing.entries[entry].per_instance.remove(&object);
        }
    }
    sharing
}

/// Gives code reached from an entry's targets that entry's context and a witness.
fn mark(
    sharing: &mut Sharing,
    graph: &CallGraph,
    entry: EntryId,
    targets: Vec<CodeId>,
) -> Vec<CodeId> {
    let mut queue: std::collections::VecDeque<(CodeId, Option<CodeId>)> =
        targets.into_iter().map(|code| (code, None)).collect();
    let mut seen = FxHashSet::default();
    while let Some((code, parent)) = queue.pop_front() {
        if !seen.insert(code) {
            continue;
        }
        if !sharing.contexts[code].contains(&Context::Entry(entry)) {
            sharing.contexts[code].push(Context::Entry(entry));
        }
        if sharing.witnesses[code].is_none() {
            sharing.witnesses[code] = Some(Witness { entry, parent });
        }
        for &callee in graph.callees(code) {
            queue.push_back((callee, Some(code)));
        }
    }
    seen.into_iter().collect()
}

fn entry_call(model: &SemanticModel, entry: &super::flow::FlowEntry) -> String {
    match entry.start {
        Some(start) => describe(model, model.thread_starts()[start].call),
        None => model
            .source_text(entry.site)
            .map_or_else(|| "a threading.Thread subclass".to_string(), shorten),
    }
}

fn describe(model: &SemanticModel, call: &ExprCall) -> String {
    model
        .source_text(call.range())
        .map_or_else(String::new, shorten)
}

/// A call as written, on one line and at most 60 characters, else its callee and `(...)`.
fn shorten(text: &str) -> String {
    if text.len() <= 60 && !text.contains('\n') {
        return text.to_string();
    }
    let callee = text.split('(').next().unwrap_or(text);
    format!("{}(...)", callee.trim())
}

fn is_public(model: &SemanticModel, function: FunctionId) -> bool {
    let info = &model.functions[function];
    let name = info.name();
    // A function its public definer returns (a decorator's wrapper) is called as freely.
    if let Some(parent) = info.parent {
        return is_public(model, parent) && returns_name(model.functions[parent].def, name);
    }
    let public_name = !name.starts_with('_') || (name.starts_with("__") && name.ends_with("__"));
    match info.class {
        None => public_name,
        Some(class) => {
            public_name
                && !class.starts_with('_')
                && !matches!(
                    name,
                    "__init__" | "__new__" | "__init_subclass__" | "__post_init__" | "__del__"
                )
        }
    }
}

/// Whether `def` returns the function it defines as `name` (`return wrapper`).
fn returns_name(def: &StmtFunctionDef, name: &str) -> bool {
    let mut found = false;
    walk_guarded(&def.body, &mut Vec::new(), &mut |stmt, _| {
        if let Stmt::Return(ret) = stmt
            && matches!(ret.value.as_deref(), Some(Expr::Name(returned)) if returned.id == name)
        {
            found = true;
        }
    });
    found
}

/// Calls between code of the module.
struct CallGraph {
    callees: Vec<Vec<CodeId>>,
    /// For each code, where it is called: the calling code and the call's range.
    callers: Vec<Vec<(CodeId, TextRange)>>,
    /// Calls made by class bodies and module-level code, by scope.
    scope_calls: Vec<(Scope, CodeId, TextRange)>,
}

impl CallGraph {
    fn new(flow: &Flow, sharing: &Sharing) -> Self {
        let count = sharing.module_code() + 1;
        let mut graph = Self {
            callees: vec![Vec::new(); count],
            callers: vec![Vec::new(); count],
            scope_calls: Vec::new(),
        };
        for &(caller, callee, site) in &flow.calls {
            let Some(callee) = sharing.code_of(callee.scope()) else {
                continue;
            };
            match sharing.code_of(caller) {
                Some(caller_code) => {
                    if !graph.callees[caller_code].contains(&callee) {
                        graph.callees[caller_code].push(callee);
                    }
                    graph.callers[callee].push((caller_code, site));
                }
                None => graph.scope_calls.push((caller, callee, site)),
            }
        }
        graph
    }

    fn callees(&self, code: CodeId) -> &[CodeId] {
        &self.callees[code]
    }

    /// Code called by class bodies (their decorators and class attributes run at import).
    fn called_from_scopes(&self, _scopes: &[Scope]) -> Vec<CodeId> {
        self.scope_calls
            .iter()
            .map(|(_, callee, _)| *callee)
            .collect()
    }

    /// `roots` and everything they call.
    fn reach(&self, roots: Vec<CodeId>) -> Vec<CodeId> {
        let mut seen = vec![false; self.callees.len()];
        let mut order = Vec::new();
        let mut stack = roots;
        while let Some(code) = stack.pop() {
            if std::mem::replace(&mut seen[code], true) {
                continue;
            }
            order.push(code);
            stack.extend(self.callees[code].iter().copied());
        }
        order
    }
}

/// The statements of every piece of code, in source order, with the locks held around each.
struct Statements<'a> {
    /// Per code: (statement, lock expressions held).
    by_code: Vec<Vec<(&'a Stmt, Vec<&'a Expr>)>>,
    /// Per code and statement: the statement of the same code directly holding it.
    parents: Vec<Vec<Option<usize>>>,
    /// Per code, when asked: the statements that wait for threads (see [`JOINS`]).
    joins: Vec<OnceCell<Vec<usize>>>,
    /// Per code, when asked: its loops and comprehensions.
    loops: Vec<OnceCell<Loops>>,
}

/// The loops and comprehensions of a piece of code, by start, with the furthest end of those
/// starting up to each one: which hold a site is then a binary search.
struct Loops {
    ranges: Vec<TextRange>,
    furthest_end: Vec<TextSize>,
}

impl Loops {
    fn new(mut ranges: Vec<TextRange>) -> Self {
        ranges.sort_by_key(|range| (range.start(), std::cmp::Reverse(range.end())));
        let furthest_end = ranges
            .iter()
            .scan(TextSize::default(), |furthest, range| {
                *furthest = (*furthest).max(range.end());
                Some(*furthest)
            })
            .collect();
        Self {
            ranges,
            furthest_end,
        }
    }

    /// Whether a loop other than `site` itself holds `site`.
    fn hold(&self, site: TextRange) -> bool {
        let before = self
            .ranges
            .partition_point(|range| range.start() < site.start());
        before > 0 && self.furthest_end[before - 1] >= site.end()
            || self.ranges[before..]
                .iter()
                .take_while(|range| range.start() == site.start())
                .any(|range| *range != site && range.contains_range(site))
    }
}

impl<'a> Statements<'a> {
    fn new(module: &'a ModModule, model: &SemanticModel<'a>, sharing: &Sharing) -> Self {
        let mut by_code: Vec<Vec<(&'a Stmt, Vec<&'a Expr>)>> =
            vec![Vec::new(); sharing.module_code() + 1];
        for (id, function) in model.functions.iter().enumerate() {
            walk_guarded(&function.def.body, &mut Vec::new(), &mut |stmt, guards| {
                let locks = guards
                    .iter()
                    .copied()
                    .filter(|g| model.is_lock(g))
                    .collect();
                by_code[id].push((stmt, locks));
            });
        }
        let module_code = sharing.module_code();
        walk_guarded(&module.body, &mut Vec::new(), &mut |stmt, guards| {
            let locks = guards
                .iter()
                .copied()
                .filter(|g| model.is_lock(g))
                .collect();
            by_code[module_code].push((stmt, locks));
        });
        let parents = by_code
            .iter()
            .map(|statements| {
                let mut open: Vec<usize> = Vec::new();
                statements
                    .iter()
                    .enumerate()
                    .map(|(index, (stmt, _))| {
                        while let Some(&last) = open.last() {
                            if statements[last].0.range().contains_range(stmt.range()) {
                                break;
                            }
                            open.pop();
                        }
                        let parent = open.last().copied();
                        open.push(index);
                        parent
                    })
                    .collect()
            })
            .collect();
        let count = by_code.len();
        Self {
            by_code,
            parents,
            joins: (0..count).map(|_| OnceCell::new()).collect(),
            loops: (0..count).map(|_| OnceCell::new()).collect(),
        }
    }

    fn of(&self, code: CodeId) -> &[(&'a Stmt, Vec<&'a Expr>)] {
        self.by_code.get(code).map_or(&[], Vec::as_slice)
    }

    /// The statements of `code` holding `site`, innermost first. Walking back from the last
    /// one starting before the site, the first that holds it is the innermost (only
    /// statements inside it lie between); its parents are the rest.
    fn holding(&self, code: CodeId, site: TextRange) -> Vec<usize> {
        let statements = self.of(code);
        let starting_before =
            statements.partition_point(|(stmt, _)| stmt.range().start() <= site.start());
        let mut innermost = statements[..starting_before]
            .iter()
            .rposition(|(stmt, _)| stmt.range().contains_range(site));
        let mut holding = Vec::new();
        while let Some(index) = innermost {
            holding.push(index);
            innermost = self.parents[code][index];
        }
        holding
    }

    /// The statements of `code` that wait for threads or tasks, in source order.
    fn joins(&self, code: CodeId) -> &[usize] {
        self.joins[code].get_or_init(|| {
            self.of(code)
                .iter()
                .enumerate()
                .filter(|(_, (stmt, _))| waits_for_threads(stmt))
                .map(|(index, _)| index)
                .collect()
        })
    }

    /// The loops and comprehensions among the statements of `code`.
    fn loops(&self, code: CodeId) -> &Loops {
        self.loops[code].get_or_init(|| Loops::new(all_loops(self.of(code))))
    }

    /// Every access of every statement of code that runs somewhere, indexed by variable.
    fn accesses(
        &self,
        model: &SemanticModel<'a>,
        sharing: &Sharing,
        initialising: &[bool],
    ) -> FxHashMap<VarId, Vec<Access>> {
        let mut index: FxHashMap<VarId, Vec<Access>> = FxHashMap::default();
        if !sharing.is_concurrent() {
            return index;
        }
        for (code, statements) in self.by_code.iter().enumerate() {
            if sharing.contexts(code).is_empty() {
                continue;
            }
            // A constructor (and a method only constructors call) works on an object nobody
            // else has yet.
            let constructing: Vec<ObjId> = if initialising[code] {
                model.flow.receivers(code)
            } else {
                Vec::new()
            };
            let (held, unknown_held) = sharing.entry_locks(code);
            // Locals whose container this code made and has not handed out yet.
            let mut published: FxHashSet<VarId> = FxHashSet::default();
            // Locals whose latest assignment took what they hold from elsewhere
            // (`rows = cache.setdefault(k, [])`, `for row in rows:`).
            let mut taken: FxHashSet<VarId> = FxHashSet::default();
            // A function's body already knows its updates; the module's code is walked here.
            let updates: Vec<Option<Update>> = match model.bodies.get(code) {
                Some(body) => body
                    .statements()
                    .map(|statement| statement.update)
                    .collect(),
                None => {
                    let mut updates = ReadModifyWrites::default();
                    statements
                        .iter()
                        .map(|(stmt, _)| updates.next(stmt))
                        .collect()
                }
            };
            debug_assert_eq!(updates.len(), statements.len());
            for ((stmt, locks), update) in statements.iter().zip(updates) {
                let (mut lock_objects, mut unknown_lock) = lock_objects(model, locks);
                lock_objects.extend_from_slice(held);
                unknown_lock |= unknown_held;
                let mut collector = AccessCollector {
                    model,
                    found: Vec::new(),
                    unpublished: Some((code, &published, &taken)),
                };
                collector.statement(stmt, update);
                let found = collector.found;
                published.extend(handed_out(model, stmt));
                assigned_locals(model, stmt, &mut taken);
                for (var, kind, fresh) in found {
                    if model
                        .flow
                        .owner_of(var)
                        .is_some_and(|owner| constructing.contains(&owner))
                    {
                        continue;
                    }
                    index.entry(var).or_default().push(Access {
                        kind,
                        code,
                        statement: stmt.range(),
                        locks: lock_objects.clone(),
                        unknown_lock,
                        fresh,
                    });
                }
            }
        }
        for lambda in 0..sharing.lambdas {
            let code = sharing.functions + lambda;
            if sharing.contexts(code).is_empty() {
                continue;
            }
            let expr = model.flow.lambdas[lambda].expr;
            let mut collector = AccessCollector {
                model,
                found: Vec::new(),
                unpublished: None,
            };
            collector.visit_expr(&expr.body);
            for (var, kind, fresh) in collector.found {
                index.entry(var).or_default().push(Access {
                    kind,
                    code,
                    statement: expr.range(),
                    locks: Vec::new(),
                    unknown_lock: false,
                    fresh,
                });
            }
        }
        index
    }
}

/// The lock objects held by lock expressions, and whether one of them is not known.
pub fn lock_objects(model: &SemanticModel, locks: &[&Expr]) -> (Vec<ObjId>, bool) {
    let mut objects = Vec::new();
    let mut unknown = false;
    for lock in locks {
        let held = model.flow.objects_at(lock);
        if held.is_empty() {
            unknown = true;
        }
        for &object in held {
            objects.extend(model.flow.locks_taken_by(object));
        }
    }
    objects.sort_unstable();
    objects.dedup();
    (objects, unknown)
}

/// Collects the accesses of one statement.
struct AccessCollector<'m, 'a> {
    model: &'m SemanticModel<'a>,
    /// Variable, what is done to it, and whether it is done through a fresh local.
    found: Vec<(VarId, AccessKind, bool)>,
    /// The function whose statement this is, and its locals handed out by earlier statements.
    /// Its locals handed out by earlier statements, and those whose latest assignment took an
    /// object from elsewhere.
    unpublished: Option<(CodeId, &'m FxHashSet<VarId>, &'m FxHashSet<VarId>)>,
}

impl<'a> AccessCollector<'_, 'a> {
    /// `update` is what [`ReadModifyWrites`] found the statement to write back.
    fn statement(&mut self, stmt: &'a Stmt, update: Option<Update<'a>>) {
        match stmt {
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    let kind = if update.is_some_and(|u| std::ptr::eq(u.target, target)) {
                        AccessKind::Update
                    } else {
                        AccessKind::Write
                    };
                    self.store(target, kind);
                    // `d[k] = d.get(k, 0) + 1` inserts the key when it is missing, where
                    // `d[k] = d[k] + 1` would raise: an update that can grow the container.
                    if kind == AccessKind::Update
                        && let Expr::Subscript(item) = target
                        && !contains_expr(&assign.value, target)
                    {
                        self.contents(&item.value, AccessKind::Add, target.range());
                    }
                }
                self.visit_expr(&assign.value);
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    self.store(&assign.target, AccessKind::Write);
                    self.visit_expr(value);
                }
            }
            Stmt::AugAssign(assign) => {
                self.store(&assign.target, AccessKind::Update);
                self.visit_expr(&assign.value);
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    match target {
                        Expr::Subscript(subscript) => {
                            let kind = if is_full_slice(&subscript.slice) {
                                AccessKind::Clear
                            } else {
                                AccessKind::Remove
                            };
                            self.contents(&subscript.value, kind, target.range());
                            self.visit_expr(&subscript.slice);
                        }
                        other => self.store(other, AccessKind::Write),
                    }
                }
            }
            Stmt::For(for_stmt) => {
                self.iterated(&for_stmt.iter);
                self.visit_expr(&for_stmt.iter);
            }
            _ => {
                let mut expressions = Vec::new();
                push_own_expressions(stmt, &mut expressions);
                for expr in expressions {
                    self.visit_expr(expr);
                }
            }
        }
    }

    fn record(&mut self, var: VarId, kind: AccessKind, through: Option<&Expr>) {
        let fresh = through.is_some_and(|base| {
            self.model.flow.is_fresh_local(base) || self.not_yet_handed_out(base)
        });
        self.found.push((var, kind, fresh));
    }

    /// A local of this function (not a parameter) whose containers the function made itself,
    /// before any statement hands it out: still the call's own, even if it is published later
    /// (`lines = [...]; lines[-1] += "\n"; cache[k] = lines`).
    fn not_yet_handed_out(&self, base: &Expr) -> bool {
        let Some((code, published, taken)) = self.unpublished else {
            return false;
        };
        let Expr::Name(name) = base else { return false };
        let flow = &self.model.flow;
        let Some(var) = flow.var_of(base) else {
            return false;
        };
        let Some(function) = self.model.functions.get(code) else {
            return false;
        };
        flow.scope_of(var) == Some(Scope::Function(code))
            && !published.contains(&var)
            && !taken.contains(&var)
            && function.def.parameters.find(name.id.as_str()).is_none()
            && flow.objects_of(var).iter().all(|&object| {
                let info = flow.object(object);
                // A class's attributes are everyone's, wherever the name for it was bound.
                !matches!(info.kind, ObjectKind::Class(_))
                    && (!is_state(info.kind) || info.scope == Scope::Function(code))
            })
    }

    /// A store to an assignment target.
    fn store(&mut self, target: &'a Expr, kind: AccessKind) {
        match target {
            Expr::Name(_) => {
                if let Some(var) = self.model.flow.var_of(target) {
                    self.record(var, kind, None);
                }
            }
            Expr::Attribute(attribute) => {
                for var in self.fields(&attribute.value, attribute.attr.as_str()) {
                    self.record(var, kind, Some(&attribute.value));
                }
                self.visit_expr(&attribute.value);
            }
            Expr::Subscript(subscript) => {
                let kind = if kind == AccessKind::Update {
                    AccessKind::Update
                } else if is_full_slice(&subscript.slice) {
                    AccessKind::Clear
                } else {
                    AccessKind::Add
                };
                self.contents(&subscript.value, kind, target.range());
                self.visit_expr(&subscript.value);
                self.visit_expr(&subscript.slice);
            }
            Expr::Tuple(tuple) => {
                for element in tuple.iter() {
                    self.store(element, kind);
                }
            }
            Expr::List(list) => {
                for element in list.iter() {
                    self.store(element, kind);
                }
            }
            Expr::Starred(starred) => self.store(&starred.value, kind),
            _ => {}
        }
    }

    /// The variables of attribute `field` of what `base` holds.
    fn fields(&self, base: &Expr, field: &str) -> Vec<VarId> {
        let flow = &self.model.flow;
        let mut vars = Vec::new();
        for &object in flow.objects_at(base) {
            if let Some(var) = flow.field_var(object, field) {
                vars.push(var);
            }
        }
        vars
    }

    fn contents(&mut self, container: &Expr, kind: AccessKind, _range: TextRange) {
        let flow = &self.model.flow;
        if flow.is_detached(container) {
            return;
        }
        let vars: Vec<VarId> = flow
            .objects_at(container)
            .iter()
            .filter(|&&object| flow.holds_items(object))
            .filter_map(|&object| flow.contents(object))
            .collect();
        for var in vars {
            self.record(var, kind, Some(container));
        }
    }

    fn iterated(&mut self, iterable: &Expr) {
        self.contents(iterable, AccessKind::Iterate, iterable.range());
    }

    fn call(&mut self, call: &'a ExprCall) {
        if let Some(kind) = first_argument_access(&call.func)
            && let Some(list) = call.arguments.args.first()
        {
            self.contents(list, kind, call.range());
        }
        match call.func.as_ref() {
            Expr::Attribute(method) => {
                let name = method.attr.as_str();
                let kind = method_access(name);
                if let Some(kind) = kind {
                    self.contents(&method.value, kind, call.range());
                }
                if name == "join"
                    && matches!(method.value.as_ref(), Expr::StringLiteral(_))
                    && let Some(first) = call.arguments.args.first()
                {
                    self.iterated(first);
                }
                // Resuming a generator by hand.
                if matches!(name, "send" | "__next__" | "throw") {
                    self.iterated(&method.value);
                }
            }
            // `next(it)` consumes one item: an iteration of the iterator.
            Expr::Name(func) if ITERATING.contains(&func.id.as_str()) || func.id == "next" => {
                if let Some(first) = call.arguments.args.first() {
                    self.iterated(first);
                }
            }
            Expr::Name(func) if COPYING.contains(&func.id.as_str()) => {
                if let Some(first) = call.arguments.args.first() {
                    self.contents(first, AccessKind::Read, call.range());
                }
            }
            _ => {}
        }
    }
}

impl<'a> Visitor<'a> for AccessCollector<'_, 'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => return,
            Expr::Name(name) if name.ctx == ExprContext::Load => {
                if let Some(var) = self.model.flow.var_of(expr) {
                    self.record(var, AccessKind::Read, None);
                }
            }
            Expr::Attribute(attribute) if attribute.ctx == ExprContext::Load => {
                for var in self.fields(&attribute.value, attribute.attr.as_str()) {
                    self.record(var, AccessKind::Read, Some(&attribute.value));
                }
            }
            Expr::Subscript(subscript) if subscript.ctx == ExprContext::Load => {
                self.contents(&subscript.value, AccessKind::Read, expr.range());
            }
            Expr::Compare(compare) => {
                // `k in c`: a read of c's items.
                for (op, right) in compare.ops.iter().zip(compare.comparators.iter()) {
                    if matches!(
                        op,
                        ruff_python_ast::CmpOp::In | ruff_python_ast::CmpOp::NotIn
                    ) {
                        self.contents(right, AccessKind::Read, expr.range());
                    }
                }
            }
            Expr::Call(call) => self.call(call),
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_comprehension(&mut self, comprehension: &'a Comprehension) {
        if !comprehension.is_async {
            self.iterated(&comprehension.iter);
        }
        visitor::walk_comprehension(self, comprehension);
    }
}

/// Notes the locals a statement assigns: those given a new object (`rows = []`, `x = Config()`)
/// hold their own again; the others (`rows = cache.setdefault(k, [])`, `row = rows[0]`, a loop
/// or `with` target) hold what they took from elsewhere.
fn assigned_locals(model: &SemanticModel, stmt: &Stmt, taken: &mut FxHashSet<VarId>) {
    let mut assign = |target: &Expr, made: bool| {
        if let Expr::Name(_) = target
            && let Some(var) = model.flow.var_of(target)
        {
            if made {
                taken.remove(&var);
            } else {
                taken.insert(var);
            }
        }
    };
    match stmt {
        Stmt::Assign(assignment) => {
            let made = makes_new_object(&assignment.value);
            for target in &assignment.targets {
                assign(target, made);
            }
        }
        Stmt::AnnAssign(assignment) => {
            if let Some(value) = &assignment.value {
                assign(&assignment.target, makes_new_object(value));
            }
        }
        Stmt::For(for_stmt) => assign(&for_stmt.target, false),
        Stmt::With(with) => {
            for item in &with.items {
                if let Some(target) = &item.optional_vars {
                    assign(target, false);
                }
            }
        }
        _ => {}
    }
}

/// An expression whose value is an object it makes (a display, a comprehension, a call that is
/// not a container method: `d.setdefault(k, [])` and `q.pop()` give back what the container
/// held), or a constant that holds nothing.
fn makes_new_object(expr: &Expr) -> bool {
    match expr {
        // `x.copy()` is a new container, though `copy` only reads `x`.
        Expr::Call(call) => {
            is_fresh_container(expr)
                || !matches!(call.func.as_ref(), Expr::Attribute(method)
                    if method_access(method.attr.as_str()).is_some())
        }
        Expr::List(_)
        | Expr::Dict(_)
        | Expr::Set(_)
        | Expr::Tuple(_)
        | Expr::ListComp(_)
        | Expr::SetComp(_)
        | Expr::DictComp(_)
        | Expr::Generator(_)
        | Expr::NoneLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::FString(_) => true,
        _ => false,
    }
}

/// The locals a statement hands out whole: assigns or stores them, passes them to a call,
/// returns or yields them (using `x.attr`, `x[k]`, `x.method()`, `k in x`, `len(x)` does not).
fn handed_out(model: &SemanticModel, stmt: &Stmt) -> Vec<VarId> {
    struct Whole<'m, 'a> {
        model: &'m SemanticModel<'a>,
        found: Vec<VarId>,
    }
    impl<'e> Visitor<'e> for Whole<'_, '_> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            match expr {
                Expr::Name(name) if name.ctx == ExprContext::Load => {
                    self.found.extend(self.model.flow.var_of(expr));
                }
                // The base of an attribute or item is used, not handed out.
                Expr::Attribute(attribute) => {
                    if !matches!(attribute.value.as_ref(), Expr::Name(_)) {
                        self.visit_expr(&attribute.value);
                    }
                }
                Expr::Subscript(subscript) => {
                    if !matches!(subscript.value.as_ref(), Expr::Name(_)) {
                        self.visit_expr(&subscript.value);
                    }
                    self.visit_expr(&subscript.slice);
                }
                Expr::Compare(compare) => {
                    self.visit_expr(&compare.left);
                    for (op, right) in compare.ops.iter().zip(compare.comparators.iter()) {
                        let membership = matches!(
                            op,
                            ruff_python_ast::CmpOp::In | ruff_python_ast::CmpOp::NotIn
                        );
                        if !(membership && matches!(right, Expr::Name(_))) {
                            self.visit_expr(right);
                        }
                    }
                }
                Expr::Call(call) if matches!(call.func.as_ref(), Expr::Name(func) if func.id == "len") =>
                    {}
                // Testing a local's truth (`if not lines:`) uses it.
                Expr::UnaryOp(unary)
                    if unary.op.is_not() && matches!(unary.operand.as_ref(), Expr::Name(_)) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut whole = Whole {
        model,
        found: Vec::new(),
    };
    let mut expressions = Vec::new();
    push_own_expressions(stmt, &mut expressions);
    for expr in expressions {
        // A `for` over the local iterates it, an `if` or `while` on it tests it; neither hands
        // it out.
        let tested = match stmt {
            Stmt::For(for_stmt) => std::ptr::eq(expr, for_stmt.iter.as_ref()),
            Stmt::If(_) | Stmt::While(_) => true,
            _ => false,
        };
        if tested && matches!(expr, Expr::Name(_)) {
            continue;
        }
        whole.visit_expr(expr);
    }
    whole.found
}

fn is_full_slice(slice: &Expr) -> bool {
    matches!(slice, Expr::Slice(slice) if slice.lower.is_none() && slice.upper.is_none() && slice.step.is_none())
}

/// How many threads an entry runs at once, how long the starter runs alongside it, and what
/// each of its threads gets afresh.
/// What describing the entries needs of the whole module, gathered once for all of them.
struct ModuleFacts {
    /// The objects each piece of code creates.
    objects_by_code: Vec<Vec<ObjId>>,
    /// The code each of the module's entries reaches.
    reached_by_entry: Vec<Vec<CodeId>>,
    /// What importers call while a thread started at import runs (see `describe_entry`).
    alongside_import: OnceCell<Vec<CodeId>>,
    /// The methods of each class.
    methods: OnceCell<FxHashMap<ClassId, Vec<FunctionId>>>,
}

fn describe_entry(
    sharing: &mut Sharing,
    model: &SemanticModel,
    graph: &CallGraph,
    statements: &Statements,
    module_facts: &ModuleFacts,
    id: EntryId,
) {
    let flow = &model.flow;
    let entry = &flow.entries[id];
    let starter = sharing.entries[id].starter;
    let site = entry.site;
    let region = enclosing_loop(statements, starter, site);
    let many_items = match entry.kind {
        EntryKind::Start(StartKind::PoolMap) => {
            let items = entry
                .start
                .and_then(|start| model.thread_starts()[start].call.arguments.args.get(1))
                .and_then(crate::detector::helpers::literal_length);
            items != Some(1) && items != Some(0)
        }
        EntryKind::Start(StartKind::ServerHandler) => true,
        _ => false,
    };
    // A thread class the module never instantiates: code elsewhere makes any number of them.
    let outside = entry
        .handed_objects
        .iter()
        .any(|&object| matches!(flow.object(object).kind, ObjectKind::OutsideInstance(_)));
    // The window: from the start to the first join-like call after it in the starter.
    let end = window_end(model, statements, starter, entry);
    let joined = end != TextSize::from(u32::MAX);
    let many = many_items
        || outside
        || region.is_some()
        || runs_repeatedly(sharing, graph, statements, starter, joined);

    let window = TextRange::new(site.end(), end.max(site.end()));
    let window_calls: Vec<CodeId> = graph
        .callees(starter)
        .iter()
        .copied()
        .filter(|&callee| {
            graph.callers[callee]
                .iter()
                .any(|&(caller, call)| caller == starter && window.contains_range(call))
        })
        .collect();
    let mut window_code: FxHashSet<CodeId> = graph.reach(window_calls).into_iter().collect();
    // A thread started at import and never joined runs while the importers call the module's
    // public functions.
    if starter == sharing.module_code() && end == TextSize::from(u32::MAX) {
        let alongside = module_facts.alongside_import.get_or_init(|| {
            // Not the threads' own bodies: importers call the module's API, not its workers.
            let targets: FxHashSet<CodeId> = flow
                .entries
                .iter()
                .flat_map(|entry| &entry.targets)
                .filter_map(|target| sharing.code_of(target.scope()))
                .collect();
            // Nor what the script calls itself at import: it runs before or as the module
            // starts.
            let module_code = sharing.module_code();
            let public: Vec<CodeId> = (0..model.functions.len())
                .filter(|&code| is_public(model, code) && model.functions[code].class.is_none())
                .filter(|code| !targets.contains(code))
                .filter(|&code| {
                    graph.callers[code]
                        .iter()
                        .all(|&(caller, _)| caller != module_code)
                })
                .collect();
            graph.reach(public)
        });
        for &code in alongside {
            if !sharing.contexts[code].contains(&Context::Main) {
                sharing.contexts[code].push(Context::Main);
            }
            window_code.insert(code);
        }
    }

    // Code that runs once per thread: what the loop around the start calls and nothing else.
    let mut region_code = FxHashSet::default();
    if let Some(region) = region {
        let mut candidates: Vec<CodeId> = graph
            .callees(starter)
            .iter()
            .copied()
            .filter(|&callee| {
                graph.callers[callee]
                    .iter()
                    .all(|&(caller, call)| caller == starter && region.contains_range(call))
            })
            .collect();
        while let Some(code) = candidates.pop() {
            if region_code.insert(code) {
                candidates.extend(graph.callees(code).iter().copied().filter(|&callee| {
                    graph.callers[callee]
                        .iter()
                        .all(|(caller, _)| region_code.contains(caller) || *caller == code)
                }));
            }
        }
    }

    // What each thread gets afresh.
    // A thread object's instance, a request's handler: one per thread.
    let mut per_instance: FxHashSet<ObjId> = match entry.kind {
        EntryKind::ThreadObject | EntryKind::Start(StartKind::ServerHandler) => {
            entry.handed_objects.iter().copied().collect()
        }
        EntryKind::Start(_) => FxHashSet::default(),
    };
    let mut own_class = None;
    if entry.kind == EntryKind::ThreadObject {
        own_class =
            entry
                .handed_objects
                .iter()
                .find_map(|&object| match flow.object(object).kind {
                    ObjectKind::Instance(class) | ObjectKind::OutsideInstance(class) => Some(class),
                    _ => None,
                });
    } else if let EntryKind::Start(_) = entry.kind
        && let Scope::Function(starter_function) = entry.scope
        && let Some(class) = flow.class_of_method(starter_function)
    {
        // `Thread(target=self.run)` in a method: the object runs its own thread.
        let receivers = flow.receivers(starter_function);
        if entry
            .handed_objects
            .iter()
            .any(|object| receivers.contains(object))
            || handed_objects(flow, entry)
                .iter()
                .any(|object| bound_receiver(flow, *object).is_some_and(|r| receivers.contains(&r)))
        {
            own_class = Some(class);
            per_instance.extend(receivers.iter().copied());
        }
    }
    // Loops and comprehensions of the starter: what they make stands for many objects, one per
    // iteration (`workers = [Worker() for _ in range(4)]`), which threads take one each.
    // Only entries of many threads and objects running their own thread ask what is each
    // thread's own.
    if many || own_class.is_some() {
        let loops = statements.loops(starter);
        let mut codes: Vec<CodeId> = std::iter::once(starter)
            .chain(region_code.iter().copied())
            .chain(module_facts.reached_by_entry[id].iter().copied())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let fresh_code =
                region_code.contains(&code) || sharing.contexts(code) == [Context::Entry(id)];
            for &object in &module_facts.objects_by_code[code] {
                let made_at = flow.object(object).site;
                let fresh = if code == starter {
                    // What the starter makes outside a loop is each thread's own when the
                    // starter runs once per thread (a constructor starting one thread for its
                    // object).
                    region.map_or(!many_items, |region| region.contains_range(made_at))
                        || loops.hold(made_at)
                } else {
                    fresh_code
                };
                if fresh {
                    per_instance.insert(object);
                }
            }
        }
    }
    // The methods of an object that runs its own thread are what the rest of the program calls.
    let mut class_code = FxHashSet::default();
    if let Some(class) = own_class {
        let methods = module_facts.methods.get_or_init(|| {
            let mut methods: FxHashMap<ClassId, Vec<FunctionId>> = FxHashMap::default();
            for function in 0..model.functions.len() {
                if let Some(class) = flow.class_of_method(function) {
                    methods.entry(class).or_default().push(function);
                }
            }
            methods
        });
        for &function in methods.get(&class).map_or(&[][..], Vec::as_slice) {
            if model.functions[function].name() != "__init__" {
                class_code.insert(function);
                // A method no code of the module calls is called by the object's owner.
                if sharing.contexts[function].is_empty() {
                    sharing.contexts[function].push(Context::Main);
                }
            }
        }
    }

    let facts = &mut sharing.entries[id];
    facts.many = many;
    facts.window = window;
    facts.window_code = window_code;
    facts.region = region;
    facts.per_instance = per_instance;
    facts.own_class = own_class;
    facts.region_code = if own_class.is_some() {
        class_code
    } else {
        region_code
    };
}

/// The objects an entry hands to its threads: arguments, receivers, partials' arguments.
fn handed_objects(flow: &Flow, entry: &super::flow::FlowEntry) -> Vec<ObjId> {
    let mut objects: Vec<ObjId> = entry.handed_objects.clone();
    for &var in &entry.handed {
        objects.extend_from_slice(flow.objects_of(var));
    }
    for target in &entry.targets {
        if let Some(captured) = flow.captures.get(&target.scope()) {
            for &var in captured {
                objects.extend_from_slice(flow.objects_of(var));
            }
        }
    }
    objects.sort_unstable();
    objects.dedup();
    objects
}

fn bound_receiver(flow: &Flow, object: ObjId) -> Option<ObjId> {
    match flow.object(object).kind {
        ObjectKind::BoundMethod { receiver, .. } => Some(receiver),
        _ => None,
    }
}

/// Whether the threads code starts can overlap with those of another run of it: it runs in
/// threads itself, or, when it does not wait for them (`joined`), it runs more than once (called
/// from two places, from a loop or comprehension, from code that runs repeatedly, or from
/// outside the module). Code that joins its threads before it returns can run any number of
/// times one after the other without two of them overlapping.
fn runs_repeatedly(
    sharing: &Sharing,
    graph: &CallGraph,
    statements: &Statements,
    code: CodeId,
    joined: bool,
) -> bool {
    let mut seen = FxHashSet::default();
    let mut stack = vec![code];
    while let Some(code) = stack.pop() {
        if !seen.insert(code) {
            continue;
        }
        if code == sharing.module_code() {
            continue;
        }
        let contexts = sharing.contexts(code);
        if contexts
            .iter()
            .any(|context| matches!(context, Context::Entry(_) | Context::Public))
        {
            return true;
        }
        let callers = &graph.callers[code];
        if joined {
            stack.extend(callers.iter().map(|&(caller, _)| caller));
            continue;
        }
        let [(caller, site)] = callers.as_slice() else {
            return true;
        };
        if enclosing_loop(statements, *caller, *site).is_some() {
            return true;
        }
        stack.push(*caller);
    }
    false
}

/// The outermost loop or comprehension of the starter's own statements around `site`.
fn enclosing_loop(statements: &Statements, code: CodeId, site: TextRange) -> Option<TextRange> {
    let mut found: Option<TextRange> = None;
    let own = statements.of(code);
    for index in statements.holding(code, site).into_iter().rev() {
        let stmt = own[index].0;
        match stmt {
            Stmt::For(for_stmt) if !for_stmt.iter.range().contains_range(site) => {
                return Some(stmt.range());
            }
            Stmt::While(_) => return Some(stmt.range()),
            _ => {
                let mut expressions = Vec::new();
                push_own_expressions(stmt, &mut expressions);
                for expr in expressions {
                    ruff_python_ast::helpers::any_over_expr(expr, |inner| {
                        let is_comprehension = matches!(
                            inner,
                            Expr::ListComp(_)
                                | Expr::SetComp(_)
                                | Expr::DictComp(_)
                                | Expr::Generator(_)
                        );
                        if is_comprehension
                            && inner.range().contains_range(site)
                            && found.is_none_or(|outer| inner.range().contains_range(outer))
                        {
                            found = Some(inner.range());
                        }
                        false
                    });
                }
            }
        }
    }
    found
}

/// Every loop statement and comprehension among a piece of code's own statements.
fn all_loops(statements: &[(&Stmt, Vec<&Expr>)]) -> Vec<TextRange> {
    let mut loops = Vec::new();
    for (stmt, _) in statements {
        if matches!(stmt, Stmt::For(_) | Stmt::While(_)) {
            loops.push(stmt.range());
        }
        let mut expressions = Vec::new();
        push_own_expressions(stmt, &mut expressions);
        for expr in expressions {
            ruff_python_ast::helpers::any_over_expr(expr, |inner| {
                if matches!(
                    inner,
                    Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_)
                ) {
                    loops.push(inner.range());
                }
                false
            });
        }
    }
    loops
}

/// Method calls that wait for threads or tasks to finish.
const JOINS: &[&str] = &[
    "join",
    "result",
    "shutdown",
    "wait",
    "as_completed",
    "get",
    "exception",
];

/// Where the starter stops running alongside an entry's threads: the first statement after the
/// start that waits for them (`t.join()`, `f.result()`, `pool.shutdown()`, `wait(fs)`), the end
/// of a `with` block over the pool, or, for a `map` consumed in place, the end of its statement.
fn window_end(
    model: &SemanticModel,
    statements: &Statements,
    code: CodeId,
    entry: &super::flow::FlowEntry,
) -> TextSize {
    let site = entry.site;
    let own = statements.of(code);
    let mut end = TextSize::from(u32::MAX);
    for index in statements.holding(code, site) {
        let stmt = own[index].0;
        let range = stmt.range();
        // A `with pool:` block around the start joins at its end.
        if let Stmt::With(with) = stmt
            && with
                .body
                .first()
                .is_some_and(|first| first.start() <= site.start())
            && with
                .items
                .iter()
                .any(|item| model.is_thread_pool_expr(&item.context_expr))
        {
            end = end.min(range.end());
        }
        // The statement holding the start: a map consumed right there ends with it.
        if matches!(entry.kind, EntryKind::Start(StartKind::PoolMap))
            && consumed_in_place(stmt, site)
        {
            end = end.min(range.end());
        }
    }
    let after = own.partition_point(|(stmt, _)| stmt.range().start() <= site.start());
    let joins = statements.joins(code);
    if let Some(&first) = joins.get(joins.partition_point(|&index| index < after)) {
        end = end.min(own[first].0.range().start());
    }
    end
}

/// Whether a statement's own expressions wait for threads or tasks (`t.join()`, `wait(fs)`).
fn waits_for_threads(stmt: &Stmt) -> bool {
    let mut expressions = Vec::new();
    push_own_expressions(stmt, &mut expressions);
    expressions.iter().any(|expr| {
        ruff_python_ast::helpers::any_over_expr(expr, |inner| {
            matches!(inner, Expr::Call(call) if matches!(call.func.as_ref(),
                Expr::Attribute(method) if JOINS.contains(&method.attr.as_str()))
                || matches!(call.func.as_ref(), Expr::Name(name) if matches!(name.id.as_str(), "wait" | "as_completed")))
        })
    })
}

/// Whether the statement holding `site` consumes it whole (`list(pool.map(...))`, `for r in
/// pool.map(...)` is not: its body runs while tasks do).
fn consumed_in_place(stmt: &Stmt, site: TextRange) -> bool {
    let mut expressions = Vec::new();
    push_own_expressions(stmt, &mut expressions);
    expressions.iter().any(|expr| {
        ruff_python_ast::helpers::any_over_expr(expr, |inner| {
            matches!(inner, Expr::Call(call)
                if matches!(call.func.as_ref(), Expr::Name(name) if COPYING.contains(&name.id.as_str()) || ITERATING.contains(&name.id.as_str()))
                    && call.arguments.args.first().is_some_and(|first| first.range() == site))
        })
    })
}

/// Marks the shared objects, with why.
fn find_shared(sharing: &mut Sharing, model: &SemanticModel) {
    if !sharing.is_concurrent() {
        return;
    }
    let flow = &model.flow;
    let mut roots: Vec<(ObjId, SharedBy)> = Vec::new();
    let module_code = sharing.module_code();
    for (scope, name, var) in flow.module_and_class_names() {
        // A name only module-level code uses (a loop variable at the top of a script) shares
        // nothing with threads.
        let used_by_functions = sharing
            .accesses_of(var)
            .iter()
            .any(|access| access.code != module_code);
        if !used_by_functions {
            continue;
        }
        for &object in flow.objects_of(var) {
            roots.push((
                object,
                SharedBy::Global {
                    scope,
                    name: name.to_string(),
                },
            ));
        }
    }
    let handed: Vec<Vec<ObjId>> = flow
        .entries
        .iter()
        .map(|entry| handed_objects(flow, entry))
        .collect();
    for (id, objects) in handed.iter().enumerate() {
        let facts = &sharing.entries[id];
        for &object in objects {
            let object = bound_receiver(flow, object).unwrap_or(object);
            if facts.own_class.is_some() && facts.per_instance.contains(&object) {
                roots.push((object, SharedBy::OwnThread(id)));
            }
        }
        // What every thread of a many-thread entry gets and was not made for it alone: the
        // arguments, and what the thread objects keep from their constructors' arguments.
        if facts.many {
            let mut stack: Vec<ObjId> = objects
                .iter()
                .map(|&object| bound_receiver(flow, object).unwrap_or(object))
                .collect();
            let mut seen = FxHashSet::default();
            while let Some(object) = stack.pop() {
                if !seen.insert(object) {
                    continue;
                }
                if !facts.per_instance.contains(&object) {
                    roots.push((object, SharedBy::Handed(id)));
                }
                for part in flow.parts_of(object) {
                    stack.extend_from_slice(flow.objects_of(part));
                }
            }
        }
    }
    // For each object, the entries it is handed to, in order; an object's first pair is its
    // reason (roots of different objects do not compete).
    let mut handed_to: FxHashMap<ObjId, Vec<EntryId>> = FxHashMap::default();
    for (id, objects) in handed.iter().enumerate() {
        for &object in objects {
            handed_to.entry(object).or_default().push(id);
        }
    }
    for (first, objects) in handed.iter().enumerate() {
        for &object in objects {
            for &second in &handed_to[&object] {
                if second > first {
                    roots.push((object, SharedBy::Between(first, second)));
                }
            }
        }
    }
    for (id, objects) in handed.iter().enumerate() {
        for &object in objects {
            if starter_uses(sharing, model, id, object) {
                roots.push((object, SharedBy::Starter(id)));
            }
        }
    }
    for &(site, handlers) in &flow.handler_registrations {
        for &object in flow.objects_of(handlers) {
            roots.push((object, SharedBy::Logging(site)));
        }
    }
    let public = sharing
        .contexts
        .iter()
        .any(|contexts| contexts.contains(&Context::Public));
    for (object, info) in flow.objects.iter().enumerate() {
        if let ObjectKind::OutsideInstance(class) = info.kind
            && public
        {
            roots.push((object as ObjId, SharedBy::Public(class)));
        }
    }
    if public {
        for &function in &sharing.handed_out {
            let captured = flow.captures.get(&Scope::Function(function));
            for &var in captured.into_iter().flatten() {
                for &object in flow.objects_of(var) {
                    roots.push((object, SharedBy::Closure(function)));
                }
            }
        }
    }
    // Whatever a shared object holds is shared: breadth first, so each reason is the shortest.
    let mut queue: std::collections::VecDeque<(ObjId, SharedBy)> = roots.into_iter().collect();
    while let Some((object, by)) = queue.pop_front() {
        if !is_state(flow.object(object).kind) || sharing.shared.contains_key(&object) {
            continue;
        }
        sharing.shared.insert(object, by);
        for part in flow.parts_of(object) {
            for &inner in flow.objects_of(part) {
                if !sharing.shared.contains_key(&inner) {
                    queue.push_back((inner, SharedBy::Within(object)));
                }
            }
        }
    }
}

/// The locks every caller holds around the calls of each piece of code: the intersection over
/// its call sites of the locks held there and those held around the caller itself. Entry
/// targets, public functions and code without callers start with none, except a `logging`
/// handler's `emit`, which `Handler.handle` calls holding the handler's lock (the module's
/// logging calls that reach it are that call).
fn entry_locks(
    sharing: &Sharing,
    model: &SemanticModel,
    graph: &CallGraph,
    statements: &Statements,
    initialising: &[bool],
) -> Vec<(Vec<ObjId>, bool)> {
    let flow = &model.flow;
    let count = sharing.module_code() + 1;
    // Without a lock anywhere (most modules), no caller holds one.
    let any_lock = statements
        .by_code
        .iter()
        .flatten()
        .any(|(_, locks)| !locks.is_empty());
    if !any_lock && !flow.classes.iter().any(|class| class.logging_handler) {
        return vec![(Vec::new(), false); count];
    }
    let mut starts_bare = vec![false; count];
    starts_bare[sharing.module_code()] = true;
    for entry in &flow.entries {
        for target in &entry.targets {
            if let Some(code) = sharing.code_of(target.scope()) {
                starts_bare[code] = true;
            }
        }
    }
    let mut implicit: Vec<Option<(Vec<ObjId>, bool)>> = vec![None; count];
    for (code, bare) in starts_bare.iter_mut().enumerate() {
        if !*bare && let Some(locks) = handler_emit_locks(model, code) {
            implicit[code] = Some((locks, false));
            continue;
        }
        // Any caller may call a public function; a private one only from its callers.
        *bare |= graph.callers[code].is_empty()
            || sharing.contexts(code).contains(&Context::Public)
                && code < model.functions.len()
                && is_public(model, code);
    }
    let mut held: Vec<Option<(Vec<ObjId>, bool)>> = starts_bare
        .iter()
        .zip(&implicit)
        .map(|(&bare, implicit)| {
            if bare {
                Some((Vec::new(), false))
            } else {
                implicit.clone()
            }
        })
        .collect();
    let mut worklist: Vec<CodeId> = (0..count).collect();
    while let Some(code) = worklist.pop() {
        if starts_bare[code] {
            continue;
        }
        let mut result: Option<(Vec<ObjId>, bool)> = implicit[code].clone();
        for &(caller, site) in &graph.callers[code] {
            // Logging's call of a handler's `emit` holds the handler's lock; a constructor's
            // call of its own object's method runs before other threads can see the object.
            if implicit[code].is_some() && flow.is_dispatch(site)
                || initialising[caller] && flow.class_of_method(code).is_some()
            {
                continue;
            }
            let Some((caller_locks, caller_unknown)) = held[caller].clone() else {
                continue;
            };
            let (mut locks, mut unknown) = locks_at(model, statements, caller, site);
            locks.extend(caller_locks);
            unknown |= caller_unknown;
            result = Some(match result {
                None => (locks, unknown),
                // A lock the analysis cannot identify may be the one the other callers hold
                // (as `conflict` assumes of an access under it).
                Some((kept, true)) if kept.is_empty() && !unknown => (locks, false),
                Some((kept, kept_unknown)) if unknown && locks.is_empty() => (kept, kept_unknown),
                Some((kept, kept_unknown)) => (
                    kept.into_iter()
                        .filter(|lock| locks.contains(lock))
                        .collect(),
                    kept_unknown && unknown,
                ),
            });
        }
        if result.is_some() && result != held[code] {
            held[code] = result;
            worklist.extend(graph.callees(code));
        }
    }
    held.into_iter()
        .map(|locks| locks.unwrap_or_default())
        .collect()
}

/// The locks of the handlers `code` runs on, when it is the `emit` of a `logging` handler.
fn handler_emit_locks(model: &SemanticModel, code: CodeId) -> Option<Vec<ObjId>> {
    let function = model.functions.get(code)?;
    let class = model.flow.class_of_method(code)?;
    if function.name() != "emit" || !model.flow.classes[class].logging_handler {
        return None;
    }
    let mut locks: Vec<ObjId> = model
        .flow
        .receivers(code)
        .into_iter()
        .flat_map(|receiver| model.flow.locks_taken_by(receiver))
        .collect();
    locks.sort_unstable();
    locks.dedup();
    Some(locks)
}

/// For each piece of code, whether it initialises its object before others can see it: a
/// constructor, or a method that only such code calls.
fn initialising(model: &SemanticModel, graph: &CallGraph) -> Vec<bool> {
    let mut initialising: Vec<bool> = (0..graph.callers.len())
        .map(|code| {
            model
                .functions
                .get(code)
                .is_some_and(|function| CONSTRUCTORS.contains(&function.name()))
        })
        .collect();
    let methods: Vec<FunctionId> = (0..model.functions.len())
        .filter(|&function| model.flow.class_of_method(function).is_some())
        .collect();
    // Helpers of helpers: a few rounds reach any depth a class uses.
    for _ in 0..4 {
        let mut changed = false;
        for &method in &methods {
            let callers = &graph.callers[method];
            if !initialising[method]
                && !callers.is_empty()
                && callers.iter().all(|&(caller, _)| initialising[caller])
                && !is_public(model, method)
            {
                initialising[method] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    initialising
}

/// The locks held around a call: those of the innermost statement holding it.
fn locks_at(
    model: &SemanticModel,
    statements: &Statements,
    code: CodeId,
    site: TextRange,
) -> (Vec<ObjId>, bool) {
    statements
        .holding(code, site)
        .first()
        .map_or((Vec::new(), false), |&index| {
            lock_objects(model, &statements.of(code)[index].1)
        })
}

/// What the threads of each entry can reach: what is handed to them, what the names and
/// parameters their code uses hold, what their code creates, and what all of that holds. One
/// pass over names, functions and objects seeds every entry at once (per entry, it made large
/// modules quadratic).
fn entry_reaches(sharing: &Sharing, model: &SemanticModel) -> Vec<FxHashSet<ObjId>> {
    let flow = &model.flow;
    let mut seeds: Vec<Vec<ObjId>> = (0..sharing.entries.len())
        .map(|entry| {
            flow.entries
                .get(entry)
                .map_or_else(Vec::new, |flow_entry| handed_objects(flow, flow_entry))
        })
        .collect();
    let entries_of = |contexts: &[Context], found: &mut Vec<EntryId>| {
        for context in contexts {
            if let Context::Entry(entry) = *context
                && !found.contains(&entry)
            {
                found.push(entry);
            }
        }
    };
    let mut found = Vec::new();
    // What the names the entry's code uses hold (module-level names, class attributes).
    for (_, _, var) in flow.module_and_class_names() {
        found.clear();
        for access in sharing.accesses_of(var) {
            entries_of(sharing.contexts(access.code), &mut found);
        }
        for &entry in &found {
            seeds[entry].extend_from_slice(flow.objects_of(var));
        }
    }
    // What its functions' parameters hold: their callers' arguments, and their defaults.
    for (function, info) in model.functions.iter().enumerate() {
        found.clear();
        entries_of(sharing.contexts(function), &mut found);
        for &entry in &found {
            for parameter in info.def.parameters.iter() {
                if let Some(var) = flow.name(Scope::Function(function), parameter.name().as_str()) {
                    seeds[entry].extend_from_slice(flow.objects_of(var));
                }
            }
        }
    }
    // What its code creates.
    for (object, info) in flow.objects.iter().enumerate() {
        if let Some(code) = sharing.code_of(info.scope) {
            found.clear();
            entries_of(sharing.contexts(code), &mut found);
            for &entry in &found {
                seeds[entry].push(object as ObjId);
            }
        }
    }
    seeds
        .into_iter()
        .map(|mut seeds| {
            let mut reach = FxHashSet::default();
            while let Some(object) = seeds.pop() {
                if reach.insert(object) {
                    if let Some(receiver) = bound_receiver(flow, object) {
                        seeds.push(receiver);
                    }
                    for part in flow.parts_of(object) {
                        seeds.extend_from_slice(flow.objects_of(part));
                    }
                }
            }
            reach
        })
        .collect()
}

/// Whether a shared object is held by something shared that is not the entry's thread's own.
fn escapes(sharing: &Sharing, entry: EntryId, object: ObjId) -> bool {
    let per_instance = &sharing.entries[entry].per_instance;
    let mut current = object;
    for _ in 0..64 {
        match sharing.shared.get(&current) {
            None => return false,
            Some(SharedBy::Within(holder)) => {
                if !per_instance.contains(holder) {
                    return true;
                }
                current = *holder;
            }
            // Shared as the entry's own thread object, or because the entry hands it out: not
            // more than one thread's.
            Some(SharedBy::OwnThread(owner) | SharedBy::Starter(owner)) if *owner == entry => {
                return false;
            }
            Some(_) => return current != object || !per_instance.contains(&current),
        }
    }
    false
}

/// Whether the code that started an entry touches `object` (its attributes or items) while the
/// entry's threads run.
fn starter_uses(sharing: &Sharing, model: &SemanticModel, entry: EntryId, object: ObjId) -> bool {
    let facts = &sharing.entries[entry];
    model.flow.parts_of(object).any(|var| {
        sharing.accesses_of(var).iter().any(|access| {
            (access.code == facts.starter && facts.window.contains(access.statement.start()))
                || facts.window_code.contains(&access.code)
        })
    })
}

/// Objects whose state threads can break: instances, containers, iterators. Locks, functions,
/// classes, thread-local and synchronized objects are not.
fn is_state(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Instance(_)
            | ObjectKind::OutsideInstance(_)
            | ObjectKind::Container(_)
            | ObjectKind::Generator
    )
}

#[cfg(test)]
mod tests {
    use crate::detector::{CrossModuleEntry, Severity};
    use crate::{Analysis, check_source};

    /// Rows of warnings and errors (what a thread entry that runs many threads makes of a
    /// lone read-modify-write).
    fn warned_rows(diagnostics: impl IntoIterator<Item = crate::Diagnostic>) -> Vec<usize> {
        diagnostics
            .into_iter()
            .filter(|diagnostic| diagnostic.severity != Severity::Info)
            .map(|diagnostic| diagnostic.location.row)
            .collect()
    }

    fn codes_at(source: &str) -> Vec<(usize, String)> {
        crate::detector::test_support::codes_at(source)
    }

    fn library_codes(source: &str) -> Vec<(usize, String)> {
        let options = crate::detector::CheckOptions {
            library: true,
            ..Default::default()
        };
        Analysis::with_options(source, &[], &options)
            .into_diagnostics()
            .into_iter()
            .map(|diagnostic| (diagnostic.location.row, diagnostic.code))
            .collect()
    }

    #[test]
    fn a_decorators_wrapper_shares_what_it_closes_over_in_library_mode() {
        let flagged = r#"
def memoize(func):
    entries = {}
    def wrapper(*args):
        if args not in entries:
            entries[args] = func(*args)
        return entries[args]
    return wrapper
"#;
        assert_eq!(library_codes(flagged), vec![(5, "FT002".into())]);
        // A closure that stays inside its function is called by that one call only.
        let kept = r#"
def total(items):
    seen = {}
    def add(item):
        if item not in seen:
            seen[item] = 1
    for item in items:
        add(item)
    return len(seen)
"#;
        assert_eq!(library_codes(kept), vec![]);
    }

    #[test]
    fn a_copy_changed_before_it_is_published_is_not_the_list_readers_iterate() {
        let source = r#"
import threading
class Registry:
    def __init__(self):
        self.lock = threading.Lock()
        self.handlers = []
    def remove(self, handler):
        with self.lock:
            handlers = self.handlers.copy()
            handlers.remove(handler)
            self.handlers = handlers
    def dispatch(self, event):
        for handler in self.handlers:
            handler(event)
"#;
        assert_eq!(library_codes(source), vec![]);
    }

    #[test]
    fn a_container_the_starter_made_and_handed_to_threads_is_shared_with_them() {
        // Made right there, then handed to the thread: the starter's loop races its inserts.
        let flagged = r#"
import threading
def count(words, totals):
    for word in words:
        totals[word] = 1
def main(words):
    totals = {}
    worker = threading.Thread(target=count, args=(words, totals))
    worker.start()
    seen = [word for word in totals]
    worker.join()
    return seen
main(["a"])
"#;
        assert_eq!(warned_rows(check_source(flagged)), [10]);
        // Read only after the join: the thread is done with it.
        let joined = r#"
import threading
def count(words, totals):
    for word in words:
        totals[word] = 1
def main(words):
    totals = {}
    worker = threading.Thread(target=count, args=(words, totals))
    worker.start()
    worker.join()
    return [word for word in totals]
main(["a"])
"#;
        assert_eq!(warned_rows(check_source(joined)), Vec::<usize>::new());
    }

    #[test]
    fn an_item_update_that_can_insert_the_key_changes_the_size() {
        let source = r#"
import threading
totals = {}
def add(word):
    totals[word] = totals.get(word, 0) + 1
def bump(word):
    totals[word] = totals[word] + 1
def report():
    return [word for word in totals]
for word in ["a", "b"]:
    threading.Thread(target=add, args=(word,)).start()
    threading.Thread(target=bump, args=(word,)).start()
    threading.Thread(target=report).start()
"#;
        let iterated: Vec<(usize, String)> = codes_at(source)
            .into_iter()
            .filter(|(_, code)| code == "FT016")
            .collect();
        assert_eq!(iterated, vec![(9, "FT016".into())]);
        let diagnostics = check_source(source);
        let message = &diagnostics
            .iter()
            .find(|diagnostic| diagnostic.code == "FT016")
            .unwrap()
            .message;
        assert!(message.contains("totals.get(word, 0) + 1"), "{message}");
    }

    #[test]
    fn subscripts_and_membership_tests_run_the_special_methods_they_call() {
        let source = r#"
import threading
class Tally:
    def __init__(self):
        self.total = 0
    def __setitem__(self, key, value):
        self.total += value
    def __delitem__(self, key):
        self.total -= 1
    def __contains__(self, key):
        self.total = self.total + 1
        return True
tally = Tally()
def work():
    tally["a"] = 1
    del tally["a"]
    return "a" in tally
for _ in range(4):
    threading.Thread(target=work).start()
"#;
        assert_eq!(warned_rows(check_source(source)), [7, 9, 11]);
    }

    #[test]
    fn a_private_helper_runs_under_the_lock_its_callers_hold() {
        let source = r#"
import threading
class Meter:
    def __init__(self):
        self._lock = threading.Lock()
        self.hits = 0
    def hit(self):
        with self._lock:
            self._bump()
    def _bump(self):
        self.hits += 1
"#;
        assert_eq!(codes_at(source), vec![]);
        // A public method any caller may call directly holds no lock of its callers.
        let public = source.replace("_bump", "bump");
        assert_eq!(codes_at(&public), vec![(11, "FT005".to_string())]);
    }

    #[test]
    fn a_method_only_constructors_call_works_on_an_unpublished_object() {
        let source = r#"
class Settings:
    def __init__(self):
        self._load()
    def _load(self):
        self.loads = 0
        self.loads += 1
    def reload(self):
        self.loads += 1
"#;
        assert_eq!(codes_at(source), vec![(9, "FT005".to_string())]);
    }

    #[test]
    fn a_local_taken_from_a_shared_container_is_not_the_calls_own() {
        let source = r#"
import threading
class Limiter:
    def __init__(self):
        self._hits = {}
    def allow(self, user):
        hits = self._hits.setdefault(user, [])
        if hits:
            hits.pop()
        return len(hits)
limiter = Limiter()
for _ in range(4):
    threading.Thread(target=limiter.allow, args=("ada",)).start()
"#;
        assert_eq!(warned_rows(check_source(source)), [8]);
        // A list the call made and publishes only afterwards is its own until then.
        let made_here = source.replace(
            "        hits = self._hits.setdefault(user, [])\n",
            "        hits = []\n        self._hits[user] = hits\n",
        );
        assert_eq!(warned_rows(check_source(&made_here)), Vec::<usize>::new());
    }

    const STARTED_BY_A_HELPER: &str = "import threading\ncount = 0\ndef bump():\n    global count\n    count += 1\ndef run_once():\n    t = threading.Thread(target=bump)\n    t.start()\n    t.join()\ndef test_a():\n    run_once()\ndef test_b():\n    run_once()\n";

    #[test]
    fn a_helper_that_joins_its_thread_runs_one_at_a_time_from_any_number_of_callers() {
        assert_eq!(
            warned_rows(check_source(STARTED_BY_A_HELPER)),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn a_helper_that_leaves_its_thread_running_starts_several_from_two_callers() {
        let unjoined = STARTED_BY_A_HELPER.replace("    t.join()\n", "");
        assert_eq!(warned_rows(check_source(&unjoined)), [5]);
    }

    #[test]
    fn an_entry_of_another_module_runs_as_many_threads_as_it_says() {
        let worker = "count = 0\ndef work():\n    global count\n    count += 1\n";
        let entry = |many| CrossModuleEntry {
            module: "jobs".into(),
            function: "work".into(),
            via: "threading.Thread(target=work)".into(),
            origin: "app.py:3".into(),
            through: Vec::new(),
            many,
        };
        let warned = |many| {
            warned_rows(
                Analysis::in_run(worker, &[entry(many)])
                    .diagnostics()
                    .cloned(),
            )
        };
        assert_eq!(warned(false), Vec::<usize>::new());
        assert_eq!(warned(true), [4]);
    }
}
