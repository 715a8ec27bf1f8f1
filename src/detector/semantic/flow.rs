//! Where values go: a points-to analysis over one module.
//!
//! Every expression that creates something a thread could share (an instance of a class of the
//! module, a container, a lock, a generator, a function, a `functools.partial`, a bound method)
//! is an abstract object, one per place in the code that creates it. Names, attributes of each
//! object, the items of containers and the parameters and results of functions are variables
//! holding sets of objects. The constraints between them come from one walk over the module
//! (assignments, attribute stores and loads, calls, returns, the arguments a thread-starting call
//! hands over) and are solved with a worklist until nothing changes (Andersen's analysis:
//! insensitive to statement order and to the calling context, sensitive to fields).
//!
//! Calls are resolved while solving, from what the callee expression holds: a function, a
//! lambda, a class (a new instance, then its `__init__`), a bound method, a `partial`. So a
//! value reaches a thread through any of the routes Python code uses: `Thread(target=f,
//! args=...)`, `pool.submit(f, x)`, `pool.map(f, items, repeat(x))`, `partial(f, x)`, a lambda's
//! default or free variable, `Thread(target=obj.method)`, an object stored on `self` by a
//! constructor and reached again as `self.meter.count`.

use rustc_hash::{FxHashMap, FxHashSet};
use smallvec::SmallVec;

use ruff_python_ast::comparable::ComparableExpr;
use ruff_python_ast::{
    CmpOp, Comprehension, ExceptHandler, Expr, ExprCall, ExprContext, ModModule, Stmt,
    StmtClassDef, StmtFunctionDef,
};
use ruff_text_size::{Ranged, TextRange};

use super::builder::contains_yield;
use super::threads::{
    LOCK_FACTORIES, StartKind, ThreadTarget, is_logging_handler_class, is_thread_local_class,
    is_thread_subclass, thread_target,
};
use super::{FunctionId, SemanticModel};

pub type ObjId = u32;
pub type VarId = u32;
pub type ClassId = usize;
pub type LambdaId = usize;
pub type EntryId = usize;

/// A variable's objects, copy edges or constraints: most variables have one or two.
type Entries = SmallVec<[u32; 2]>;

/// A region of code with names of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Module,
    Function(FunctionId),
    Lambda(LambdaId),
    /// A class body: its names are the class's attributes.
    Class(ClassId),
}

/// Code that can be called.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Callable {
    Function(FunctionId),
    Lambda(LambdaId),
}

impl Callable {
    pub fn scope(self) -> Scope {
        match self {
            Callable::Function(id) => Scope::Function(id),
            Callable::Lambda(id) => Scope::Lambda(id),
        }
    }
}

/// Built-in and standard-library containers, by how a thread can break them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    Dict,
    List,
    Set,
    /// Tuples and frozensets: nothing changes them, but what they hold can be shared.
    Immutable,
    Deque,
    OrderedDict,
    /// `weakref.WeakSet`, `WeakValueDictionary`, `WeakKeyDictionary`.
    Weak,
    Bytearray,
    /// `collections.Counter`: a dict whose `update` and `subtract` read and write each count in
    /// Python code, one item at a time.
    Counter,
}

/// What an abstract object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// Instances of a class of this module created at the object's site.
    Instance(ClassId),
    /// Instances of a class of this module created where the module does not show: the
    /// receivers of a method the module never calls on a known object.
    OutsideInstance(ClassId),
    Container(ContainerKey),
    /// `threading.Lock()`, `RLock()`, `Condition()`, `Semaphore()`.
    Lock,
    /// `threading.local()` and instances of its subclasses: per-thread attributes.
    ThreadLocal,
    /// Objects built to be shared: `queue.Queue`, `threading.Event`, `Barrier`, pools.
    Synchronized,
    /// A generator object (from a generator function or a generator expression).
    Generator,
    Function(FunctionId),
    Lambda(LambdaId),
    /// `functools.partial(f, ...)` created at the object's site.
    Partial(usize),
    BoundMethod {
        function: FunctionId,
        receiver: ObjId,
    },
    Class(ClassId),
}

/// [`Container`] as a hashable object kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ContainerKey(pub u8);

impl ContainerKey {
    pub fn container(self) -> Container {
        Self::KINDS[usize::from(self.0)]
    }

    const KINDS: [Container; 9] = [
        Container::Dict,
        Container::List,
        Container::Set,
        Container::Immutable,
        Container::Deque,
        Container::OrderedDict,
        Container::Weak,
        Container::Bytearray,
        Container::Counter,
    ];

    fn of(container: Container) -> Self {
        Self(
            Self::KINDS
                .iter()
                .position(|kind| *kind == container)
                .unwrap_or(0) as u8,
        )
    }
}

/// An abstract object: everything one expression of the code creates.
#[derive(Clone, Copy, Debug)]
pub struct Object {
    pub kind: ObjectKind,
    /// The expression that creates it (for classes and functions, their `def`).
    pub site: TextRange,
    /// The code that runs that expression.
    pub scope: Scope,
}

/// What a variable is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum VarKey<'a> {
    Name(Scope, &'a str),
    Field(ObjId, &'a str),
    /// The items of a container, the values of a dict, what an iterator yields.
    Contents(ObjId),
    Return(Scope),
}

/// An argument of a call as the analysis sees it.
#[derive(Clone, Copy, Debug)]
enum Argument {
    Plain(VarId),
    /// `*xs`: every item may go to any remaining positional parameter.
    Starred(VarId),
}

#[derive(Clone, Copy, Debug)]
enum Callee<'a> {
    Value(VarId),
    Method {
        receiver: VarId,
        name: &'a str,
    },
    /// A special method that syntax calls (`x[k]` runs `__getitem__`): only a method of a class
    /// of this module, on its instances.
    Special {
        receiver: VarId,
        name: &'a str,
    },
    /// A logging call (`log.info(...)`) on what may be a logger: what it runs on every handler
    /// registered in the module.
    Logged {
        receiver: VarId,
    },
    /// What logging runs on a registered handler: its `handle` when its class has one, else
    /// `emit` (which `logging.Handler.handle` calls holding the handler's lock).
    Dispatch {
        receiver: VarId,
    },
}

#[derive(Debug)]
struct CallConstraint<'a> {
    callee: Callee<'a>,
    positional: Vec<Argument>,
    /// `None` for `**mapping`.
    keywords: Vec<(Option<&'a str>, VarId)>,
    result: VarId,
    site: TextRange,
    caller: Scope,
    /// The thread entry this call starts, if it hands its callee to another thread.
    spawn: Option<EntryId>,
    /// Callee objects already bound.
    bound: Vec<ObjId>,
    /// The call as written that this one unwraps partials of (itself, if written so).
    root: usize,
}

#[derive(Clone, Copy, Debug)]
enum Constraint<'a> {
    Load {
        base: VarId,
        field: &'a str,
        to: VarId,
    },
    Store {
        base: VarId,
        field: &'a str,
        from: VarId,
    },
    LoadContents {
        base: VarId,
        to: VarId,
    },
    StoreContents {
        base: VarId,
        from: VarId,
    },
    /// `type(x)`: the classes of the instances `x` holds.
    TypeOf {
        of: VarId,
        to: VarId,
    },
    Call(usize),
}

/// A `functools.partial` object: what it calls and what it binds.
#[derive(Debug)]
struct PartialBinding<'a> {
    callee: VarId,
    positional: Vec<Argument>,
    keywords: Vec<(Option<&'a str>, VarId)>,
}

/// A class of this module.
#[derive(Debug)]
pub struct ClassInfo<'a> {
    pub def: &'a StmtClassDef,
    /// Where the class statement runs.
    pub scope: Scope,
    /// Methods defined in the class body, by name.
    pub methods: FxHashMap<&'a str, FunctionId>,
    /// Names the class body binds (its class attributes, methods included).
    pub attributes: FxHashSet<&'a str>,
    /// Base classes of this module.
    pub bases: Vec<ClassId>,
    /// Derived from `threading.Thread`: each instance runs `run` in a thread of its own.
    pub thread_subclass: bool,
    /// Derived from `threading.local`: every instance attribute is per thread.
    pub thread_local: bool,
    /// Derived from a `logging` handler: logging runs its `emit` under its own `lock`.
    pub logging_handler: bool,
    /// For a `@dataclass`, its fields in order, each with its default.
    pub dataclass_fields: Option<Vec<(&'a str, Option<&'a Expr>)>>,
    /// The metaclass, when it is a class of this module (`class C(metaclass=Singleton)`).
    pub metaclass: Option<ClassId>,
    /// The built-in container it derives from (`class TTLCache(dict)`): its instances hold
    /// items as that container does.
    pub container_base: Option<Container>,
}

/// A lambda expression.
#[derive(Debug)]
pub struct LambdaInfo<'a> {
    pub expr: &'a ruff_python_ast::ExprLambda,
    pub parent: Scope,
}

/// How a thread entry runs its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A thread-starting call of the model (`Thread`, `submit`, `map`, ...).
    Start(StartKind),
    /// An instance of a `threading.Thread` subclass, created at the entry's site.
    ThreadObject,
}

/// A place in the code that makes other threads run code of this module.
#[derive(Debug)]
pub struct FlowEntry {
    pub kind: EntryKind,
    /// The model's thread-starting call, for starts (`None` for thread objects).
    pub start: Option<usize>,
    /// The call that starts it.
    pub site: TextRange,
    /// The code that makes the call.
    pub scope: Scope,
    /// What the threads run.
    pub targets: Vec<Callable>,
    /// Variables whose objects the call hands to the threads (arguments, the callee itself).
    pub handed: Vec<VarId>,
    /// Objects handed directly (the instance of a thread object).
    pub handed_objects: Vec<ObjId>,
}

/// The solved analysis.
#[derive(Debug, Default)]
pub struct Flow<'a> {
    pub objects: Vec<Object>,
    pub classes: Vec<ClassInfo<'a>>,
    pub lambdas: Vec<LambdaInfo<'a>>,
    pub entries: Vec<FlowEntry>,
    /// Calls between code of the module: caller, callee, where.
    pub calls: Vec<(Scope, Callable, TextRange)>,
    /// Variables of outer functions that nested functions and lambdas read or write.
    pub captures: FxHashMap<Scope, Vec<VarId>>,
    var_ids: FxHashMap<VarKey<'a>, VarId>,
    points_to: Vec<Entries>,
    /// The variable of each method's first parameter.
    first_parameters: FxHashMap<FunctionId, VarId>,
    /// The scope of each named variable (`None` for attributes, items and temporaries).
    var_scopes: Vec<Option<Scope>>,
    /// The object whose attribute or items each variable is.
    var_owners: Vec<Option<ObjId>>,
    /// Each object's attribute and contents variables (after solving).
    parts: Vec<Vec<VarId>>,
    /// The module-level and class-body names (after solving).
    module_names: Vec<(Scope, &'a str, VarId)>,
    /// Locals only ever assigned a container made right there (`lines = []`): until the
    /// function hands it out, the container is its own.
    fresh_locals: FxHashMap<VarId, bool>,
    /// The values of each function's and lambda's parameter defaults.
    defaults: FxHashMap<Scope, Vec<VarId>>,
    /// What each `functools.partial` object binds: its callee and arguments.
    partial_parts: Vec<Vec<VarId>>,
    /// Locals that took a shared container out of its place and put a new one there
    /// (`batch, self.buf = self.buf, []`, or `batch = self.buf` then `self.buf = []`): what
    /// they hold is theirs alone, though it is the same object the place held.
    detached: FxHashSet<VarId>,
    /// The variable of each name, attribute, subscript and call the walk evaluated (and of
    /// each name it assigned), by the expression's range.
    expr_vars: FxHashMap<(u32, u32), VarId>,
    /// The scope of each `def` and `class` statement's own names.
    class_of_def: FxHashMap<usize, ClassId>,
    /// The class whose body defines each method.
    method_classes: FxHashMap<FunctionId, ClassId>,
    /// `logging.getLogger(...)` objects.
    loggers: FxHashSet<ObjId>,
    /// Where handlers are registered with a logger (`logger.addHandler(h)`,
    /// `logging.basicConfig(handlers=[h])`), with the variable holding them.
    pub handler_registrations: Vec<(TextRange, VarId)>,
    /// Logging calls through which a registered handler's `handle` or `emit` runs.
    dispatch_sites: FxHashSet<TextRange>,
}

impl<'a> Flow<'a> {
    /// The objects a variable may hold.
    pub fn objects_of(&self, var: VarId) -> &[ObjId] {
        self.points_to
            .get(var as usize)
            .map_or(&[], SmallVec::as_slice)
    }

    pub fn object(&self, id: ObjId) -> &Object {
        &self.objects[id as usize]
    }

    /// The variable for a name of a scope, if the analysis ever used it.
    pub fn name(&self, scope: Scope, name: &'a str) -> Option<VarId> {
        self.var_ids.get(&VarKey::Name(scope, name)).copied()
    }

    /// The variable for attribute `field` of `object`, if anything was stored or loaded there.
    pub fn field(&self, object: ObjId, field: &'a str) -> Option<VarId> {
        self.var_ids.get(&VarKey::Field(object, field)).copied()
    }

    /// The variable an expression of the module evaluates to (names, attributes, subscripts,
    /// calls), if the walk reached it.
    pub fn var_of(&self, expr: &Expr) -> Option<VarId> {
        let range = expr.range();
        self.expr_vars
            .get(&(range.start().into(), range.end().into()))
            .copied()
    }

    /// The objects an expression may evaluate to.
    pub fn objects_at(&self, expr: &Expr) -> &[ObjId] {
        self.var_of(expr).map_or(&[], |var| self.objects_of(var))
    }

    /// The variables of every attribute and the contents of `object`.
    pub fn parts_of(&self, object: ObjId) -> impl Iterator<Item = VarId> + '_ {
        self.parts
            .get(object as usize)
            .into_iter()
            .flatten()
            .copied()
    }

    /// Every variable named at module level or in a class body, with its scope and name.
    pub fn module_and_class_names(&self) -> impl Iterator<Item = (Scope, &'a str, VarId)> + '_ {
        self.module_names.iter().copied()
    }

    /// Indexes what the queries above look up once solving is done. A function, lambda or
    /// partial holds what it will use wherever it runs: its defaults, the cells it closes
    /// over, the arguments it binds.
    fn index(&mut self) {
        self.parts = vec![Vec::new(); self.objects.len()];
        for (object, info) in self.objects.iter().enumerate() {
            let scope = match info.kind {
                ObjectKind::Function(function) => Scope::Function(function),
                ObjectKind::Lambda(lambda) => Scope::Lambda(lambda),
                ObjectKind::Partial(partial) => {
                    self.parts[object] = self.partial_parts[partial].clone();
                    continue;
                }
                _ => continue,
            };
            let parts = &mut self.parts[object];
            parts.extend(self.defaults.get(&scope).into_iter().flatten());
            parts.extend(self.captures.get(&scope).into_iter().flatten());
        }
        for (key, &var) in &self.var_ids {
            match *key {
                VarKey::Field(owner, _) | VarKey::Contents(owner) => {
                    self.parts[owner as usize].push(var);
                }
                VarKey::Name(scope @ (Scope::Module | Scope::Class(_)), name) => {
                    self.module_names.push((scope, name, var));
                }
                _ => {}
            }
        }
        // Hash-map order is not stable: sort, so messages and reasons are deterministic.
        for parts in &mut self.parts {
            parts.sort_unstable();
        }
        self.module_names
            .sort_unstable_by_key(|&(_, name, var)| (var, name));
    }

    /// A local's container handed to threads (an argument, in a tuple of arguments, bound into
    /// a partial, kept on a thread object or on the receiver of a bound method) is no longer the
    /// call's own, though the local was only ever assigned a container made right there: the
    /// starter and the threads both hold it. The items of other containers are not followed:
    /// a list a call makes and files in a shared dict is found again by key, not by this local.
    fn forget_fresh_handed(&mut self) {
        if !self.fresh_locals.values().any(|&fresh| fresh) {
            return;
        }
        let mut reached = vec![false; self.objects.len()];
        let mut stack: Vec<ObjId> = Vec::new();
        for entry in &self.entries {
            stack.extend_from_slice(&entry.handed_objects);
            for &var in &entry.handed {
                stack.extend_from_slice(&self.points_to[var as usize]);
            }
        }
        while let Some(object) = stack.pop() {
            if std::mem::replace(&mut reached[object as usize], true) {
                continue;
            }
            if let ObjectKind::BoundMethod { receiver, .. } = self.objects[object as usize].kind {
                stack.push(receiver);
            }
            let items = match self.objects[object as usize].kind {
                ObjectKind::Container(key) if key.container() != Container::Immutable => {
                    self.contents(object)
                }
                _ => None,
            };
            for &part in &self.parts[object as usize] {
                if Some(part) != items {
                    stack.extend_from_slice(&self.points_to[part as usize]);
                }
            }
        }
        for (&var, fresh) in &mut self.fresh_locals {
            if *fresh
                && self.points_to[var as usize]
                    .iter()
                    .any(|&object| reached[object as usize])
            {
                *fresh = false;
            }
        }
    }

    /// The variable for the items of `object`.
    pub fn contents(&self, object: ObjId) -> Option<VarId> {
        self.var_ids.get(&VarKey::Contents(object)).copied()
    }

    /// The scope a named variable belongs to (`None` for attributes, items and temporaries).
    pub fn scope_of(&self, var: VarId) -> Option<Scope> {
        self.var_scopes.get(var as usize).copied().flatten()
    }

    /// Whether an expression is a local only ever assigned a container made right there.
    pub fn is_fresh_local(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Name(_))
            && self
                .var_of(expr)
                .is_some_and(|var| self.fresh_locals.get(&var) == Some(&true))
    }

    /// Whether an expression is a local that took its container out of a shared place.
    pub fn is_detached(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Name(_))
            && self
                .var_of(expr)
                .is_some_and(|var| self.detached.contains(&var))
    }

    /// How a variable is written in the code: `name`, `.field`, `[...]` for items. A scan of
    /// every variable: for the few a message names.
    pub fn spelling(&self, var: VarId) -> Option<String> {
        self.var_ids
            .iter()
            .find(|&(_, &id)| id == var)
            .and_then(|(key, _)| match key {
                VarKey::Name(_, name) => Some((*name).to_string()),
                VarKey::Field(object, field) => Some(format!("{}.{field}", self.holder(*object))),
                VarKey::Contents(object) => Some(format!("{}[...]", self.holder(*object))),
                VarKey::Return(_) => None,
            })
    }

    /// A module-level or class name holding `object`, if any.
    fn holder(&self, object: ObjId) -> &'a str {
        self.module_names
            .iter()
            .find(|(_, _, var)| self.objects_of(*var).contains(&object))
            .map_or("", |(_, name, _)| name)
    }

    /// The object a variable is an attribute or the items of.
    pub fn owner_of(&self, var: VarId) -> Option<ObjId> {
        self.var_owners.get(var as usize).copied().flatten()
    }

    /// The class whose body defines `function`, if it is a method.
    pub fn class_of_method(&self, function: FunctionId) -> Option<ClassId> {
        self.method_classes.get(&function).copied()
    }

    /// The objects a method's first parameter (`self`, `cls`) may hold.
    pub fn receivers(&self, function: FunctionId) -> Vec<ObjId> {
        self.first_parameters
            .get(&function)
            .map_or_else(Vec::new, |&var| self.objects_of(var).to_vec())
    }

    /// The variable of attribute `field` of `object`: the class attribute for a class, the
    /// object's own otherwise.
    pub fn field_var(&self, object: ObjId, field: &'a str) -> Option<VarId> {
        match self.object(object).kind {
            // A class attribute its body does not bind is one a method sets (`cls._x = ...`).
            ObjectKind::Class(class) => {
                let owner = self.attribute_owner(class, field).unwrap_or(class);
                self.name(Scope::Class(owner), field)
            }
            _ => self.field(object, field),
        }
    }

    /// The class (this one, a base of the module, or its metaclass) whose body binds `field`.
    pub fn attribute_owner(&self, class: ClassId, field: &str) -> Option<ClassId> {
        let mut seen = Vec::new();
        let mut stack = vec![class];
        while let Some(class) = stack.pop() {
            if seen.contains(&class) {
                continue;
            }
            seen.push(class);
            if self.classes[class].attributes.contains(field) {
                return Some(class);
            }
            stack.extend(self.classes[class].bases.iter().rev());
        }
        // A class's own attributes fall back to its metaclass's (`cls._instances` in a
        // singleton metaclass).
        seen.iter()
            .find_map(|&class| self.classes[class].metaclass)
            .and_then(|metaclass| {
                (metaclass != class).then(|| self.attribute_owner(metaclass, field))?
            })
    }

    /// The class a `class` statement defines.
    pub fn class_of(&self, def: &StmtClassDef) -> Option<ClassId> {
        self.class_of_def
            .get(&(def as *const StmtClassDef as usize))
            .copied()
    }

    /// The locks that holding `object` (`with x:`, `x.acquire()`) takes: a lock, with the lock a
    /// condition is built on; a `logging` handler's `lock`.
    pub fn locks_taken_by(&self, object: ObjId) -> Vec<ObjId> {
        match self.object(object).kind {
            ObjectKind::Lock => {
                let mut locks = vec![object];
                if let Some(inner) = self.field(object, "_lock") {
                    locks.extend(self.objects_of(inner));
                }
                locks
            }
            ObjectKind::Instance(class) | ObjectKind::OutsideInstance(class)
                if self.classes[class].logging_handler =>
            {
                self.field(object, "lock")
                    .map(|lock| self.objects_of(lock))
                    .unwrap_or_default()
                    .iter()
                    .copied()
                    .filter(|&lock| self.object(lock).kind == ObjectKind::Lock)
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Whether logging runs a handler's `handle` or `emit` from the call at `site`.
    pub fn is_dispatch(&self, site: TextRange) -> bool {
        self.dispatch_sites.contains(&site)
    }

    /// The method `name` of `class` or of its bases in this module.
    /// The container `object` is: a built-in one, or an instance of a class derived from one.
    pub fn container_kind(&self, object: ObjId) -> Option<Container> {
        match self.object(object).kind {
            ObjectKind::Container(key) => Some(key.container()),
            ObjectKind::Instance(class) | ObjectKind::OutsideInstance(class) => {
                self.classes[class].container_base
            }
            _ => None,
        }
    }

    /// Whether `object` has items that threads can change or consume: a container (or an
    /// instance of a class derived from one), or a generator.
    pub fn holds_items(&self, object: ObjId) -> bool {
        self.container_kind(object).is_some()
            || matches!(self.object(object).kind, ObjectKind::Generator)
    }

    pub fn method(&self, class: ClassId, name: &str) -> Option<FunctionId> {
        let mut seen = Vec::new();
        let mut stack = vec![class];
        while let Some(class) = stack.pop() {
            if seen.contains(&class) {
                continue;
            }
            seen.push(class);
            let info = &self.classes[class];
            if let Some(&method) = info.methods.get(name) {
                return Some(method);
            }
            stack.extend(info.bases.iter().rev());
        }
        None
    }
}

/// Names the analysis gives objects to when it sees these calls.
const CONTAINER_FACTORIES: &[(&str, Container)] = &[
    ("dict", Container::Dict),
    ("list", Container::List),
    ("set", Container::Set),
    ("frozenset", Container::Immutable),
    ("tuple", Container::Immutable),
    ("bytearray", Container::Bytearray),
    ("collections.defaultdict", Container::Dict),
    ("collections.Counter", Container::Counter),
    ("collections.OrderedDict", Container::OrderedDict),
    ("collections.deque", Container::Deque),
    ("collections.ChainMap", Container::Dict),
    ("weakref.WeakSet", Container::Weak),
    ("weakref.WeakValueDictionary", Container::Weak),
    ("weakref.WeakKeyDictionary", Container::Weak),
];

const SYNCHRONIZED_FACTORIES: &[&str] = &[
    "queue.Queue",
    "queue.LifoQueue",
    "queue.PriorityQueue",
    "queue.SimpleQueue",
    "threading.Event",
    "threading.Barrier",
    "multiprocessing.Queue",
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor",
    "multiprocessing.pool.ThreadPool",
    "multiprocessing.dummy.Pool",
];

const ITERATOR_FACTORIES: &[&str] = &[
    "iter",
    "zip",
    "map",
    "filter",
    "enumerate",
    "reversed",
    "itertools.count",
    "itertools.cycle",
    "itertools.repeat",
    "itertools.chain",
    "itertools.islice",
    "itertools.product",
    "itertools.permutations",
    "itertools.combinations",
    "itertools.zip_longest",
    "itertools.accumulate",
    "itertools.starmap",
    "itertools.tee",
];

/// The methods of a logger (and the functions of `logging`) that hand a record to the handlers.
const LOGGING_CALLS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];

/// Special methods that syntax calls on instances: subscripts and `in`.
const SYNTAX_METHODS: &[&str] = &["__getitem__", "__setitem__", "__delitem__", "__contains__"];

/// Methods whose arguments end up inside the receiver.
const STORING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "add",
    "insert",
    "setdefault",
    "put",
    "put_nowait",
    "__setitem__",
];

/// Methods whose arguments' items end up inside the receiver (a `Counter`'s `subtract` adds the
/// keys it has not counted yet).
const EXTENDING_METHODS: &[&str] = &["extend", "extendleft", "update", "subtract"];

/// Methods that return an item of the receiver.
const ITEM_METHODS: &[&str] = &[
    "get",
    "pop",
    "popleft",
    "popitem",
    "setdefault",
    "get_nowait",
    "__getitem__",
];

/// Methods that return a view or copy holding the receiver's items.
const VIEW_METHODS: &[&str] = &["values", "items", "keys"];

/// Builds and solves the flow of one module.
/// `public`: every method may be called on instances the module does not create (library mode).
pub fn analyse<'a>(module: &'a ModModule, model: &SemanticModel<'a>, public: bool) -> Flow<'a> {
    let mut builder = Builder {
        model,
        flow: Flow::default(),
        constraints: Vec::new(),
        call_constraints: Vec::new(),
        partials: Vec::new(),
        copies_to: Vec::new(),
        edges: FxHashSet::default(),
        actions: Vec::new(),
        propagated: Vec::new(),
        holds: FxHashSet::default(),
        lambda_params: Vec::new(),
        overlays: Vec::new(),
        instances: FxHashMap::default(),
        bound_methods: FxHashMap::default(),
        function_objects: FxHashMap::default(),
        class_objects: FxHashMap::default(),
        generators: FxHashMap::default(),
        outside_instances: FxHashMap::default(),
        unwrapped: FxHashSet::default(),
        returned: Vec::new(),
        assigned_calls: Vec::new(),
        thread_objects: FxHashMap::default(),
        starts: model
            .thread_starts()
            .iter()
            .enumerate()
            .map(|(index, start)| (start.call.range(), index))
            .collect(),
        next_function: 0,
        generator_functions: FxHashSet::default(),
        syntax_methods: FxHashSet::default(),
        handler_classes: false,
        handlers: None,
        worklist: Vec::new(),
        queued: Vec::new(),
    };
    builder.reserve(model.source.len());
    builder.collect_classes(&module.body, Scope::Module);
    builder.syntax_methods = SYNTAX_METHODS
        .iter()
        .copied()
        .filter(|name| {
            builder
                .flow
                .classes
                .iter()
                .any(|class| class.methods.contains_key(name))
        })
        .collect();
    builder.handler_classes = builder
        .flow
        .classes
        .iter()
        .any(|class| class.logging_handler);
    builder.next_function = 0;
    builder.walk_body(Scope::Module, &module.body);
    builder.solve();
    builder.complete_thread_classes();
    builder.complete_entries();
    builder.complete_receivers(public);
    builder.solve();
    builder.detach_returned();
    builder.flow.index();
    builder.flow.forget_fresh_handed();
    if std::env::var_os("AETHER_DEBUG_FLOW").is_some() {
        let total: usize = builder.flow.points_to.iter().map(SmallVec::len).sum();
        eprintln!(
            "objects {} vars {} constraints {} calls {} pts {} exprs {} ids {} edges {} holds {}",
            builder.flow.objects.len(),
            builder.flow.points_to.len(),
            builder.constraints.len(),
            builder.call_constraints.len(),
            total,
            builder.flow.expr_vars.len(),
            builder.flow.var_ids.len(),
            builder.edges.len(),
            builder.holds.len()
        );
    }
    builder.flow
}

struct Builder<'m, 'a> {
    model: &'m SemanticModel<'a>,
    flow: Flow<'a>,
    constraints: Vec<Constraint<'a>>,
    call_constraints: Vec<CallConstraint<'a>>,
    partials: Vec<PartialBinding<'a>>,
    /// For each variable, the variables that hold everything it holds.
    copies_to: Vec<Entries>,
    /// Copy edges already made, as `from << 32 | to`.
    edges: FxHashSet<u64>,
    /// For each variable, the constraints that act on each object it gains.
    actions: Vec<Entries>,
    /// How many of each variable's objects have gone along its edges and actions.
    propagated: Vec<u32>,
    /// Which objects each variable holds, as `var << 32 | object`.
    holds: FxHashSet<u64>,
    /// Parameter names of each lambda.
    lambda_params: Vec<Vec<&'a str>>,
    /// Names bound by the comprehensions being walked, innermost last.
    overlays: Vec<Vec<(&'a str, VarId)>>,
    /// One instance object per (class, creating site).
    instances: FxHashMap<(ClassId, u32), ObjId>,
    bound_methods: FxHashMap<(FunctionId, ObjId), ObjId>,
    /// The object of each `def` and `class`, and the generator object of each call site.
    function_objects: FxHashMap<FunctionId, ObjId>,
    class_objects: FxHashMap<ClassId, ObjId>,
    generators: FxHashMap<u32, ObjId>,
    /// The names each scope returns (`return batch`).
    returned: Vec<(Scope, Option<VarId>)>,
    /// Locals assigned a call's result, with the call's range.
    assigned_calls: Vec<(VarId, TextRange)>,
    /// (written call, partial) pairs already unwrapped.
    unwrapped: FxHashSet<(usize, ObjId)>,
    /// One object per class for its instances created where the module does not show.
    outside_instances: FxHashMap<ClassId, ObjId>,
    /// The entry of each thread object (by instance).
    thread_objects: FxHashMap<ObjId, EntryId>,
    /// Thread-starting calls of the model by their range.
    starts: FxHashMap<TextRange, usize>,
    next_function: FunctionId,
    generator_functions: FxHashSet<FunctionId>,
    /// The special methods of [`SYNTAX_METHODS`] some class of the module defines: syntax calls
    /// only those.
    syntax_methods: FxHashSet<&'static str>,
    /// Whether a class of the module is a `logging` handler: only then are loggers and
    /// logging calls followed.
    handler_classes: bool,
    /// Every handler registered with a logger, created on the first registration.
    handlers: Option<VarId>,
    /// Variables with objects not yet propagated.
    worklist: Vec<VarId>,
    queued: Vec<bool>,
}

impl<'a> Builder<'_, 'a> {
    // ---- variables and objects -------------------------------------------------------------

    fn var(&mut self, key: VarKey<'a>) -> VarId {
        if let Some(&id) = self.flow.var_ids.get(&key) {
            return id;
        }
        let id = self.temp();
        match key {
            VarKey::Name(scope, _) => self.flow.var_scopes[id as usize] = Some(scope),
            VarKey::Field(object, _) | VarKey::Contents(object) => {
                self.flow.var_owners[id as usize] = Some(object);
            }
            VarKey::Return(_) => {}
        }
        self.flow.var_ids.insert(key, id);
        id
    }

    /// Room for what a module of `bytes` typically needs (over the standard library, at the
    /// median: a variable per 20 bytes, an expression per 23, a copy edge per 52, a named
    /// variable per 65, a constraint per 46, an object per 190), so that the tables are not
    /// copied and rehashed again and again as they grow.
    fn reserve(&mut self, bytes: usize) {
        let vars = bytes / 16;
        self.flow.points_to.reserve(vars);
        self.flow.var_scopes.reserve(vars);
        self.flow.var_owners.reserve(vars);
        self.copies_to.reserve(vars);
        self.actions.reserve(vars);
        self.propagated.reserve(vars);
        self.queued.reserve(vars);
        self.flow.expr_vars.reserve(bytes / 20);
        self.flow.var_ids.reserve(bytes / 64);
        self.edges.reserve(bytes / 48);
        self.holds.reserve(bytes / 80);
        self.constraints.reserve(bytes / 32);
        self.flow.objects.reserve(bytes / 128);
    }

    fn temp(&mut self) -> VarId {
        let id = self.flow.points_to.len() as VarId;
        self.flow.points_to.push(Entries::new());
        self.flow.var_scopes.push(None);
        self.flow.var_owners.push(None);
        self.copies_to.push(Entries::new());
        self.actions.push(Entries::new());
        self.propagated.push(0);
        self.queued.push(false);
        id
    }

    fn new_object(&mut self, kind: ObjectKind, site: TextRange, scope: Scope) -> ObjId {
        let id = self.flow.objects.len() as ObjId;
        self.flow.objects.push(Object { kind, site, scope });
        id
    }

    /// A variable holding one new object.
    fn allocate(&mut self, kind: ObjectKind, site: TextRange, scope: Scope) -> VarId {
        let object = self.new_object(kind, site, scope);
        let var = self.temp();
        self.add_object(var, object);
        var
    }

    /// Adds an object to a variable; what it copies to and acts on get it when it is solved.
    fn add_object(&mut self, var: VarId, object: ObjId) -> bool {
        if !self.holds.insert(u64::from(var) << 32 | u64::from(object)) {
            return false;
        }
        self.flow.points_to[var as usize].push(object);
        if !std::mem::replace(&mut self.queued[var as usize], true) {
            self.worklist.push(var);
        }
        true
    }

    /// Adds a constraint. A copy becomes an edge; the others act on every object their base
    /// variable holds or gains.
    fn constrain(&mut self, constraint: Constraint<'a>) {
        let base = match constraint {
            Constraint::Load { base, .. }
            | Constraint::LoadContents { base, .. }
            | Constraint::Store { base, .. }
            | Constraint::StoreContents { base, .. }
            | Constraint::TypeOf { of: base, .. } => base,
            Constraint::Call(call) => match self.call_constraints[call].callee {
                Callee::Value(var)
                | Callee::Method { receiver: var, .. }
                | Callee::Special { receiver: var, .. }
                | Callee::Logged { receiver: var }
                | Callee::Dispatch { receiver: var } => var,
            },
        };
        let index = self.constraints.len() as u32;
        self.constraints.push(constraint);
        self.actions[base as usize].push(index);
        // Objects the base already passed along: act on them now; later ones come with it.
        for position in 0..self.propagated[base as usize] as usize {
            let object = self.flow.points_to[base as usize][position];
            self.act(index, object);
        }
    }

    /// `to` holds everything `from` holds.
    fn copy(&mut self, from: VarId, to: VarId) {
        if from == to || !self.edges.insert(u64::from(from) << 32 | u64::from(to)) {
            return;
        }
        self.copies_to[from as usize].push(to);
        for position in 0..self.propagated[from as usize] as usize {
            let object = self.flow.points_to[from as usize][position];
            self.add_object(to, object);
        }
    }

    /// A variable holding what several others hold.
    fn union(&mut self, vars: &[VarId]) -> VarId {
        let result = self.temp();
        for &var in vars {
            self.copy(var, result);
        }
        result
    }

    fn contents_of(&mut self, base: VarId) -> VarId {
        let to = self.temp();
        self.constrain(Constraint::LoadContents { base, to });
        to
    }

    // ---- classes, scopes and names ---------------------------------------------------------

    /// Finds every class and function of the module, in the model's order.
    fn collect_classes(&mut self, body: &'a [Stmt], scope: Scope) {
        for stmt in body {
            self.collect_in_statement(stmt, scope);
        }
    }

    fn collect_in_statement(&mut self, stmt: &'a Stmt, scope: Scope) {
        match stmt {
            Stmt::FunctionDef(def) => {
                let id = self.next_function;
                self.next_function += 1;
                if let Scope::Class(class) = scope {
                    self.flow.classes[class]
                        .methods
                        .insert(def.name.as_str(), id);
                    self.flow.method_classes.insert(id, class);
                }
                if contains_yield(def) {
                    self.generator_functions.insert(id);
                }
                self.collect_classes(&def.body, Scope::Function(id));
            }
            Stmt::ClassDef(class) => {
                let id = self.flow.classes.len();
                let bases = class
                    .bases()
                    .iter()
                    .filter_map(|base| match base {
                        Expr::Name(name) => self
                            .flow
                            .classes
                            .iter()
                            .rposition(|known| known.def.name.as_str() == name.id.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>();
                let inherits = |flag: fn(&ClassInfo) -> bool, classes: &[ClassInfo]| {
                    bases.iter().any(|&base| flag(&classes[base]))
                };
                let thread_subclass = is_thread_subclass(self.model, class)
                    || inherits(|info| info.thread_subclass, &self.flow.classes);
                let thread_local = is_thread_local_class(self.model, class)
                    || inherits(|info| info.thread_local, &self.flow.classes);
                let logging_handler = is_logging_handler_class(self.model, class)
                    || inherits(|info| info.logging_handler, &self.flow.classes);
                let attributes = class_body_names(&class.body);
                let container_base = class
                    .bases()
                    .iter()
                    .find_map(|base| {
                        let name = match base {
                            Expr::Name(name) if !self.binds_anywhere(scope, name.id.as_str()) => {
                                name.id.to_string()
                            }
                            _ => self.qualified(scope, base)?,
                        };
                        CONTAINER_FACTORIES
                            .iter()
                            .find(|(factory, _)| *factory == name)
                            .map(|(_, container)| *container)
                    })
                    .or_else(|| {
                        bases
                            .iter()
                            .find_map(|&base| self.flow.classes[base].container_base)
                    });
                let metaclass = class.keywords().iter().find_map(|keyword| {
                    match (keyword.arg.as_ref()?.as_str(), &keyword.value) {
                        ("metaclass", Expr::Name(name)) => self
                            .flow
                            .classes
                            .iter()
                            .rposition(|known| known.def.name.as_str() == name.id.as_str()),
                        _ => None,
                    }
                });
                self.flow.classes.push(ClassInfo {
                    def: class,
                    scope,
                    methods: FxHashMap::default(),
                    attributes,
                    bases,
                    thread_subclass,
                    thread_local,
                    logging_handler,
                    dataclass_fields: dataclass_fields(self.model, class),
                    metaclass,
                    container_base,
                });
                self.flow
                    .class_of_def
                    .insert(class as *const StmtClassDef as usize, id);
                self.collect_classes(&class.body, Scope::Class(id));
            }
            _ => {
                for nested in nested_bodies(stmt) {
                    self.collect_classes(nested, scope);
                }
            }
        }
    }

    /// `Tokens()` for a class of the module derived from a built-in container: a new, empty
    /// one, as `list()` is.
    fn makes_container_instance(&self, value: &Expr) -> bool {
        let Expr::Call(call) = value else {
            return false;
        };
        let Expr::Name(name) = call.func.as_ref() else {
            return false;
        };
        self.flow
            .classes
            .iter()
            .rfind(|class| class.def.name.as_str() == name.id.as_str())
            .is_some_and(|class| class.container_base.is_some())
    }

    /// The scope whose names a scope's free names refer to (class bodies are skipped).
    fn enclosing(&self, scope: Scope) -> Option<Scope> {
        match scope {
            Scope::Module => None,
            Scope::Function(id) => Some(
                self.model.functions[id]
                    .parent
                    .map_or(Scope::Module, Scope::Function),
            ),
            Scope::Lambda(id) => Some(self.flow.lambdas[id].parent),
            Scope::Class(id) => Some(self.flow.classes[id].scope),
        }
        .map(|scope| match scope {
            Scope::Class(id) => self.non_class(self.flow.classes[id].scope),
            other => other,
        })
    }

    fn non_class(&self, scope: Scope) -> Scope {
        match scope {
            Scope::Class(id) => self.non_class(self.flow.classes[id].scope),
            other => other,
        }
    }

    /// Whether a scope binds `name` itself.
    fn binds(&self, scope: Scope, name: &str) -> bool {
        match scope {
            Scope::Module => self.model.is_module_binding(name),
            Scope::Function(id) => self.model.body(id).scope.is_local(name),
            Scope::Lambda(id) => self.lambda_params[id].contains(&name),
            Scope::Class(id) => self.flow.classes[id].attributes.contains(name),
        }
    }

    /// The variable a name refers to in a scope, by Python's rules.
    fn name_var(&mut self, scope: Scope, name: &'a str) -> VarId {
        for overlay in self.overlays.iter().rev() {
            if let Some(&(_, var)) = overlay.iter().rev().find(|(bound, _)| *bound == name) {
                return var;
            }
        }
        let target = self.resolve_scope(scope, name);
        let var = self.var(VarKey::Name(target, name));
        if target != scope && target != Scope::Module && !matches!(scope, Scope::Class(_)) {
            let captured = self.flow.captures.entry(scope).or_default();
            if !captured.contains(&var) {
                captured.push(var);
                // A closure can take the container wherever it is handed: no longer the call's
                // own.
                self.flow.fresh_locals.insert(var, false);
            }
        }
        var
    }

    fn resolve_scope(&self, scope: Scope, name: &str) -> Scope {
        if let Scope::Function(id) = scope {
            let declared = &self.model.body(id).scope;
            if declared.globals.contains(name) {
                return Scope::Module;
            }
            if declared.nonlocals.contains(name) {
                let mut outer = self.enclosing(scope);
                while let Some(candidate) = outer {
                    if candidate == Scope::Module {
                        break;
                    }
                    if self.binds(candidate, name) {
                        return candidate;
                    }
                    outer = self.enclosing(candidate);
                }
                return Scope::Module;
            }
        }
        if self.binds(scope, name) {
            return scope;
        }
        let mut outer = self.enclosing(scope);
        while let Some(candidate) = outer {
            if self.binds(candidate, name) || candidate == Scope::Module {
                return candidate;
            }
            outer = self.enclosing(candidate);
        }
        Scope::Module
    }

    fn qualified(&self, scope: Scope, expr: &Expr) -> Option<String> {
        let (root, _) = super::name_and_attributes(expr)?;
        // A local name (a parameter, an assignment) hides the module's import of that name.
        if let Scope::Function(id) = scope {
            let declared = &self.model.body(id).scope;
            if declared.is_local(root) && !declared.imports.contains(root) {
                return None;
            }
        }
        self.model.qualified_name(expr)
    }

    // ---- the walk --------------------------------------------------------------------------

    fn walk_body(&mut self, scope: Scope, body: &'a [Stmt]) {
        for (index, stmt) in body.iter().enumerate() {
            self.walk_stmt(scope, stmt);
            if let Some(next) = body.get(index + 1) {
                self.detach_taken(scope, stmt, next);
            }
        }
    }

    /// `local = place` followed by `place = <new container>`: the local keeps the old container,
    /// which nobody else reaches any more.
    fn detach_taken(&mut self, scope: Scope, stmt: &'a Stmt, next: &'a Stmt) {
        let (Stmt::Assign(take), Stmt::Assign(refill)) = (stmt, next) else {
            return;
        };
        let ([Expr::Name(local)], [place]) = (take.targets.as_slice(), refill.targets.as_slice())
        else {
            return;
        };
        if is_fresh_container(&refill.value)
            && ComparableExpr::from(take.value.as_ref()) == ComparableExpr::from(place)
        {
            let var = self.name_var(scope, local.id.as_str());
            self.flow.detached.insert(var);
        }
    }

    fn walk_stmt(&mut self, scope: Scope, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                let id = self.next_function;
                self.next_function += 1;
                for decorator in &def.decorator_list {
                    self.expr(scope, &decorator.expression);
                }
                let function = self.allocate(ObjectKind::Function(id), def.range(), scope);
                let object = self.flow.points_to[function as usize][0];
                self.function_objects.insert(id, object);
                let name = self.name_var(scope, def.name.as_str());
                self.copy(function, name);
                self.bind_defaults(scope, Scope::Function(id), &def.parameters);
                self.walk_body(Scope::Function(id), &def.body);
            }
            Stmt::ClassDef(class) => {
                let Some(id) = self.flow.class_of(class) else {
                    return;
                };
                for base in class.bases() {
                    self.expr(scope, base);
                }
                let object = self.allocate(ObjectKind::Class(id), class.range(), scope);
                self.class_objects
                    .insert(id, self.flow.points_to[object as usize][0]);
                let name = self.name_var(scope, class.name.as_str());
                self.copy(object, name);
                self.walk_body(Scope::Class(id), &class.body);
            }
            Stmt::Assign(assign) => {
                let value = self.expr(scope, &assign.value);
                for target in &assign.targets {
                    self.assign(scope, target, value, Some(&assign.value));
                }
                if let ([Expr::Name(local)], Expr::Call(call)) =
                    (assign.targets.as_slice(), assign.value.as_ref())
                {
                    let var = self.name_var(scope, local.id.as_str());
                    self.assigned_calls.push((var, call.range()));
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value_expr) = &assign.value {
                    let value = self.expr(scope, value_expr);
                    self.assign(scope, &assign.target, value, Some(value_expr));
                }
            }
            Stmt::AugAssign(assign) => {
                self.expr(scope, &assign.value);
                match assign.target.as_ref() {
                    Expr::Name(name) => {
                        let var = self.name_var(scope, name.id.as_str());
                        self.remember(&assign.target, var);
                    }
                    target => {
                        self.expr(scope, target);
                    }
                }
            }
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    let value_var = self.expr(scope, value);
                    let result = self.var(VarKey::Return(scope));
                    self.copy(value_var, result);
                    let name = matches!(value.as_ref(), Expr::Name(_)).then_some(value_var);
                    self.returned.push((scope, name));
                }
            }
            Stmt::Expr(expr) => {
                self.expr(scope, &expr.value);
            }
            Stmt::For(for_stmt) => {
                let iterable = self.expr(scope, &for_stmt.iter);
                let item = self.contents_of(iterable);
                self.assign(scope, &for_stmt.target, item, None);
                self.walk_body(scope, &for_stmt.body);
                self.walk_body(scope, &for_stmt.orelse);
            }
            Stmt::While(while_stmt) => {
                self.expr(scope, &while_stmt.test);
                self.walk_body(scope, &while_stmt.body);
                self.walk_body(scope, &while_stmt.orelse);
            }
            Stmt::If(if_stmt) => {
                self.expr(scope, &if_stmt.test);
                self.walk_body(scope, &if_stmt.body);
                for clause in &if_stmt.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.expr(scope, test);
                    }
                    self.walk_body(scope, &clause.body);
                }
            }
            Stmt::With(with) => {
                for item in &with.items {
                    let value = self.expr(scope, &item.context_expr);
                    if let Some(target) = &item.optional_vars {
                        self.assign(scope, target, value, None);
                    }
                }
                self.walk_body(scope, &with.body);
            }
            Stmt::Try(try_stmt) => {
                self.walk_body(scope, &try_stmt.body);
                for handler in &try_stmt.handlers {
                    let ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(kind) = &handler.type_ {
                        self.expr(scope, kind);
                    }
                    self.walk_body(scope, &handler.body);
                }
                self.walk_body(scope, &try_stmt.orelse);
                self.walk_body(scope, &try_stmt.finalbody);
            }
            Stmt::Match(match_stmt) => {
                self.expr(scope, &match_stmt.subject);
                for case in &match_stmt.cases {
                    if let Some(guard) = &case.guard {
                        self.expr(scope, guard);
                    }
                    self.walk_body(scope, &case.body);
                }
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    self.expr(scope, target);
                }
            }
            Stmt::Raise(raise) => {
                if let Some(exc) = &raise.exc {
                    self.expr(scope, exc);
                }
            }
            Stmt::Assert(assert) => {
                self.expr(scope, &assert.test);
            }
            _ => {}
        }
    }

    /// Defaults are evaluated where the `def` or `lambda` is, and bound to its parameters.
    fn bind_defaults(
        &mut self,
        outer: Scope,
        inner: Scope,
        parameters: &'a ruff_python_ast::Parameters,
    ) {
        for parameter in parameters.iter_non_variadic_params() {
            if let Some(default) = parameter.default() {
                let value = self.expr(outer, default);
                let param = self.var(VarKey::Name(inner, parameter.name().as_str()));
                self.copy(value, param);
                self.flow.defaults.entry(inner).or_default().push(value);
            }
        }
    }

    /// Stores `value` into an assignment target.
    fn assign(
        &mut self,
        scope: Scope,
        target: &'a Expr,
        value: VarId,
        value_expr: Option<&'a Expr>,
    ) {
        match target {
            Expr::Name(name) => {
                let var = self.name_var(scope, name.id.as_str());
                self.remember(target, var);
                self.copy(value, var);
                // Only a function's own locals: a module-level name is everyone's.
                let local = matches!(scope, Scope::Function(_) | Scope::Lambda(_))
                    && self.flow.var_scopes[var as usize] == Some(scope);
                if local {
                    let fresh = value_expr.is_some_and(|value| {
                        is_fresh_container(value) || self.makes_container_instance(value)
                    });
                    *self.flow.fresh_locals.entry(var).or_insert(true) &= fresh;
                }
            }
            Expr::Attribute(attribute) => {
                let base = self.expr(scope, &attribute.value);
                self.constrain(Constraint::Store {
                    base,
                    field: attribute.attr.as_str(),
                    from: value,
                });
            }
            Expr::Subscript(subscript) => {
                let base = self.expr(scope, &subscript.value);
                let key = self.expr(scope, &subscript.slice);
                self.constrain(Constraint::StoreContents { base, from: value });
                if self.syntax_methods.contains("__setitem__") {
                    let arguments = vec![Argument::Plain(key), Argument::Plain(value)];
                    let result = self.temp();
                    self.syntax_call(scope, target, (base, "__setitem__"), arguments, result);
                }
            }
            Expr::Tuple(_) | Expr::List(_) => {
                let elements = match target {
                    Expr::Tuple(tuple) => &tuple.elts,
                    Expr::List(list) => &list.elts,
                    _ => unreachable!(),
                };
                // `a, b = x, y` pairs up; anything else spreads the items over every name.
                let pairs = match value_expr {
                    Some(Expr::Tuple(tuple)) if tuple.len() == elements.len() => Some(&tuple.elts),
                    Some(Expr::List(list)) if list.len() == elements.len() => Some(&list.elts),
                    _ => None,
                };
                match pairs {
                    Some(values) => {
                        for (element, value) in elements.iter().zip(values.iter()) {
                            let value_var = self.expr(scope, value);
                            self.assign(scope, element, value_var, Some(value));
                        }
                        // `batch, self.buf = self.buf, []`: the swap detaches `batch`.
                        for (element, value) in elements.iter().zip(values.iter()) {
                            let Expr::Name(local) = element else { continue };
                            let refilled =
                                elements.iter().zip(values.iter()).any(|(other, new)| {
                                    is_fresh_container(new)
                                        && ComparableExpr::from(other)
                                            == ComparableExpr::from(value)
                                });
                            if refilled {
                                let var = self.name_var(scope, local.id.as_str());
                                self.flow.detached.insert(var);
                            }
                        }
                    }
                    None => {
                        let items = self.contents_of(value);
                        for element in elements {
                            self.assign(scope, element, items, None);
                        }
                    }
                }
            }
            Expr::Starred(starred) => self.assign(scope, &starred.value, value, None),
            _ => {
                self.expr(scope, target);
            }
        }
    }

    /// The variable holding what an expression evaluates to.
    fn expr(&mut self, scope: Scope, expr: &'a Expr) -> VarId {
        let var = self.evaluate(scope, expr);
        if matches!(
            expr,
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) | Expr::Call(_)
        ) {
            self.remember(expr, var);
        }
        var
    }

    fn remember(&mut self, expr: &Expr, var: VarId) {
        let range = expr.range();
        self.flow
            .expr_vars
            .insert((range.start().into(), range.end().into()), var);
    }

    fn evaluate(&mut self, scope: Scope, expr: &'a Expr) -> VarId {
        match expr {
            // Loads, and `del x`, which touches the name too.
            Expr::Name(name) => {
                if name.ctx == ExprContext::Store {
                    self.temp()
                } else {
                    self.name_var(scope, name.id.as_str())
                }
            }
            Expr::Attribute(attribute) => {
                let base = self.expr(scope, &attribute.value);
                let to = self.temp();
                self.constrain(Constraint::Load {
                    base,
                    field: attribute.attr.as_str(),
                    to,
                });
                to
            }
            Expr::Subscript(subscript) => {
                let base = self.expr(scope, &subscript.value);
                let key = self.expr(scope, &subscript.slice);
                let items = self.contents_of(base);
                // `x[k]` reads, `del x[k]` deletes, `x[k] += v` reads and stores.
                let methods: &[&'static str] = match subscript.ctx {
                    ExprContext::Load => &["__getitem__"],
                    ExprContext::Del => &["__delitem__"],
                    _ => &["__getitem__", "__setitem__"],
                };
                for &name in methods {
                    if self.syntax_methods.contains(name) {
                        let key = vec![Argument::Plain(key)];
                        self.syntax_call(scope, expr, (base, name), key, items);
                    }
                }
                items
            }
            Expr::Compare(compare)
                if self.syntax_methods.contains("__contains__")
                    && compare
                        .ops
                        .iter()
                        .any(|op| matches!(op, CmpOp::In | CmpOp::NotIn)) =>
            {
                // `k in x` runs `x.__contains__(k)`.
                let mut left = self.expr(scope, &compare.left);
                for (op, right) in compare.ops.iter().zip(compare.comparators.iter()) {
                    let container = self.expr(scope, right);
                    if matches!(op, CmpOp::In | CmpOp::NotIn) {
                        let result = self.temp();
                        let key = vec![Argument::Plain(left)];
                        self.syntax_call(scope, expr, (container, "__contains__"), key, result);
                    }
                    left = container;
                }
                self.temp()
            }
            Expr::Call(call) => self.call(scope, call),
            Expr::Lambda(lambda) => {
                let id = self.flow.lambdas.len();
                self.flow.lambdas.push(LambdaInfo {
                    expr: lambda,
                    parent: scope,
                });
                self.lambda_params.push(
                    lambda
                        .parameters
                        .as_ref()
                        .map(|parameters| {
                            parameters
                                .iter()
                                .map(|parameter| parameter.name().as_str())
                                .collect()
                        })
                        .unwrap_or_default(),
                );
                if let Some(parameters) = &lambda.parameters {
                    self.bind_defaults(scope, Scope::Lambda(id), parameters);
                }
                let body = self.expr(Scope::Lambda(id), &lambda.body);
                let result = self.var(VarKey::Return(Scope::Lambda(id)));
                self.copy(body, result);
                self.allocate(ObjectKind::Lambda(id), lambda.range(), scope)
            }
            Expr::List(list) => self.display(scope, expr, Container::List, &list.elts),
            Expr::Tuple(tuple) => self.display(scope, expr, Container::Immutable, &tuple.elts),
            Expr::Set(set) => self.display(scope, expr, Container::Set, &set.elts),
            Expr::Dict(dict) => {
                let object = self.allocate(
                    ObjectKind::Container(ContainerKey::of(Container::Dict)),
                    expr.range(),
                    scope,
                );
                for item in &dict.items {
                    if let Some(key) = &item.key {
                        self.expr(scope, key);
                    }
                    let value = self.expr(scope, &item.value);
                    if item.key.is_some() {
                        self.constrain(Constraint::StoreContents {
                            base: object,
                            from: value,
                        });
                    } else {
                        let items = self.contents_of(value);
                        self.constrain(Constraint::StoreContents {
                            base: object,
                            from: items,
                        });
                    }
                }
                object
            }
            Expr::ListComp(comp) => self.comprehension(
                scope,
                expr,
                Container::List,
                &comp.generators,
                [comp.elt.as_ref()],
            ),
            Expr::SetComp(comp) => self.comprehension(
                scope,
                expr,
                Container::Set,
                &comp.generators,
                [comp.elt.as_ref()],
            ),
            Expr::Generator(comp) => self.comprehension(
                scope,
                expr,
                Container::Immutable,
                &comp.generators,
                [comp.elt.as_ref()],
            ),
            Expr::DictComp(comp) => self.comprehension(
                scope,
                expr,
                Container::Dict,
                &comp.generators,
                comp.key.as_deref().into_iter().chain([comp.value.as_ref()]),
            ),
            Expr::BoolOp(bool_op) => {
                let values: Vec<VarId> = bool_op
                    .values
                    .iter()
                    .map(|value| self.expr(scope, value))
                    .collect();
                self.union(&values)
            }
            Expr::If(if_expr) => {
                self.expr(scope, &if_expr.test);
                let body = self.expr(scope, &if_expr.body);
                let orelse = self.expr(scope, &if_expr.orelse);
                self.union(&[body, orelse])
            }
            Expr::Named(named) => {
                let value = self.expr(scope, &named.value);
                self.assign(scope, &named.target, value, Some(&named.value));
                value
            }
            Expr::Await(await_expr) => self.expr(scope, &await_expr.value),
            Expr::Starred(starred) => self.expr(scope, &starred.value),
            Expr::Yield(yield_expr) => {
                if let Some(value) = &yield_expr.value {
                    self.expr(scope, value);
                }
                self.temp()
            }
            Expr::YieldFrom(yield_from) => {
                self.expr(scope, &yield_from.value);
                self.temp()
            }
            _ => {
                // Operators, comparisons, f-strings, literals: no object of ours comes out, but
                // calls, lambdas and comprehensions inside them still run.
                let mut inner = Evaluated::default();
                ruff_python_ast::visitor::walk_expr(&mut inner, expr);
                for found in inner.found {
                    self.expr(scope, found);
                }
                self.temp()
            }
        }
    }

    fn display(
        &mut self,
        scope: Scope,
        expr: &'a Expr,
        container: Container,
        elements: &'a [Expr],
    ) -> VarId {
        let object = self.allocate(
            ObjectKind::Container(ContainerKey::of(container)),
            expr.range(),
            scope,
        );
        for element in elements {
            let value = self.expr(scope, element);
            let value = if let Expr::Starred(_) = element {
                self.contents_of(value)
            } else {
                value
            };
            self.constrain(Constraint::StoreContents {
                base: object,
                from: value,
            });
        }
        object
    }

    fn comprehension(
        &mut self,
        scope: Scope,
        expr: &'a Expr,
        container: Container,
        generators: &'a [Comprehension],
        elements: impl IntoIterator<Item = &'a Expr>,
    ) -> VarId {
        self.overlays.push(Vec::new());
        for generator in generators {
            let iterable = self.expr(scope, &generator.iter);
            let item = self.contents_of(iterable);
            let mut names = Vec::new();
            bound_names(&generator.target, &mut names);
            for name in names {
                let var = self.temp();
                self.overlays.last_mut().expect("pushed").push((name, var));
            }
            self.assign(scope, &generator.target, item, None);
            for condition in &generator.ifs {
                self.expr(scope, condition);
            }
        }
        let values: Vec<VarId> = elements
            .into_iter()
            .map(|element| self.expr(scope, element))
            .collect();
        let value = self.union(&values);
        self.overlays.pop();
        let kind = if matches!(expr, Expr::Generator(_)) {
            ObjectKind::Generator
        } else {
            ObjectKind::Container(ContainerKey::of(container))
        };
        let object = self.allocate(kind, expr.range(), scope);
        self.constrain(Constraint::StoreContents {
            base: object,
            from: value,
        });
        object
    }

    /// A call: objects it creates by name (containers, locks, iterators, partials), what
    /// container methods move in and out, and the dynamic call through what the callee holds.
    fn call(&mut self, scope: Scope, call: &'a ExprCall) -> VarId {
        let start = self.starts.get(&call.range()).copied();
        if let Some(index) = start {
            return self.thread_start(scope, call, index);
        }
        let qualified = self.qualified(scope, &call.func);
        let builtin = match call.func.as_ref() {
            Expr::Name(name) if !self.binds_anywhere(scope, name.id.as_str()) => {
                Some(name.id.as_str())
            }
            _ => None,
        };
        let known = qualified.as_deref().or(builtin);
        if let Some(name) = known
            && let Some(result) = self.known_call(scope, call, name)
        {
            return result;
        }
        let (positional, keywords) = self.arguments(scope, call);
        let result = self.temp();
        let callee = match call.func.as_ref() {
            Expr::Attribute(method) => {
                let receiver = self.expr(scope, &method.value);
                if self.handler_classes {
                    self.logging_method(receiver, method.attr.as_str(), &positional, call, scope);
                }
                self.container_method(
                    (receiver, method.attr.as_str()),
                    &positional,
                    result,
                    (call.range(), scope),
                );
                Callee::Method {
                    receiver,
                    name: method.attr.as_str(),
                }
            }
            func => Callee::Value(self.expr(scope, func)),
        };
        self.call_constraint(
            callee,
            (positional, keywords),
            result,
            (call.range(), scope),
            None,
        );
        result
    }

    /// The variable holding every handler registered with a logger.
    fn handlers_var(&mut self) -> VarId {
        if let Some(var) = self.handlers {
            return var;
        }
        let var = self.temp();
        self.handlers = Some(var);
        var
    }

    /// `logger.addHandler(h)` registers `h`; `logger.info(...)` runs the registered handlers
    /// when `logger` is a logger.
    fn logging_method(
        &mut self,
        receiver: VarId,
        method: &str,
        positional: &[Argument],
        call: &ExprCall,
        scope: Scope,
    ) {
        if method == "addHandler" {
            if let Some(Argument::Plain(handler)) = positional.first() {
                self.register_handlers(*handler, call.range());
            }
        } else if LOGGING_CALLS.contains(&method) {
            let callee = Callee::Logged { receiver };
            let result = self.temp();
            self.call_constraint(
                callee,
                (Vec::new(), Vec::new()),
                result,
                (call.range(), scope),
                None,
            );
        }
    }

    fn register_handlers(&mut self, handlers: VarId, site: TextRange) {
        let all = self.handlers_var();
        self.copy(handlers, all);
        self.flow.handler_registrations.push((site, handlers));
    }

    /// The call of a special method that syntax makes (`x[k]`, `x[k] = v`, `del x[k]`,
    /// `k in x`); callers first check that a class of the module defines it.
    fn syntax_call(
        &mut self,
        scope: Scope,
        expr: &Expr,
        (receiver, name): (VarId, &'static str),
        positional: Vec<Argument>,
        result: VarId,
    ) {
        let callee = Callee::Special { receiver, name };
        let arguments = (positional, Vec::new());
        self.call_constraint(callee, arguments, result, (expr.range(), scope), None);
    }

    fn binds_anywhere(&self, scope: Scope, name: &str) -> bool {
        let mut current = Some(scope);
        while let Some(candidate) = current {
            if self.binds(candidate, name) {
                return true;
            }
            current = self.enclosing(candidate);
        }
        self.model.is_module_binding(name)
    }

    /// A call written in the code (`spawn`: the entry it starts, if it hands its callee to
    /// other threads).
    fn call_constraint(
        &mut self,
        callee: Callee<'a>,
        arguments: (Vec<Argument>, Vec<(Option<&'a str>, VarId)>),
        result: VarId,
        (site, caller): (TextRange, Scope),
        spawn: Option<EntryId>,
    ) {
        let root = self.call_constraints.len();
        self.add_call(CallConstraint {
            callee,
            positional: arguments.0,
            keywords: arguments.1,
            result,
            site,
            caller,
            spawn,
            bound: Vec::new(),
            root,
        });
    }

    /// A call the solver finds inside a written one (through a partial, or an attribute holding
    /// a function): same result, site, caller and entry.
    fn derived_call(
        &mut self,
        from: usize,
        callee: Callee<'a>,
        positional: Vec<Argument>,
        keywords: Vec<(Option<&'a str>, VarId)>,
    ) {
        let original = &self.call_constraints[from];
        let call = CallConstraint {
            callee,
            positional,
            keywords,
            result: original.result,
            site: original.site,
            caller: original.caller,
            spawn: original.spawn,
            bound: Vec::new(),
            root: original.root,
        };
        self.add_call(call);
    }

    fn add_call(&mut self, call: CallConstraint<'a>) {
        let index = self.call_constraints.len();
        self.call_constraints.push(call);
        self.constrain(Constraint::Call(index));
    }

    fn arguments(
        &mut self,
        scope: Scope,
        call: &'a ExprCall,
    ) -> (Vec<Argument>, Vec<(Option<&'a str>, VarId)>) {
        let positional = call
            .arguments
            .args
            .iter()
            .map(|argument| match argument {
                Expr::Starred(starred) => Argument::Starred(self.expr(scope, &starred.value)),
                other => Argument::Plain(self.expr(scope, other)),
            })
            .collect();
        let keywords = call
            .arguments
            .keywords
            .iter()
            .map(|keyword| {
                (
                    keyword.arg.as_ref().map(|arg| arg.as_str()),
                    self.expr(scope, &keyword.value),
                )
            })
            .collect();
        (positional, keywords)
    }

    /// What container methods move: `c.append(x)` stores `x` in `c`, `c.get(k)` loads from it.
    fn container_method(
        &mut self,
        (receiver, method): (VarId, &str),
        positional: &[Argument],
        result: VarId,
        (site, scope): (TextRange, Scope),
    ) {
        let value = match method {
            "insert" | "setdefault" | "__setitem__" => positional.get(1),
            _ => positional.first(),
        };
        if STORING_METHODS.contains(&method)
            && let Some(Argument::Plain(value)) = value
        {
            self.constrain(Constraint::StoreContents {
                base: receiver,
                from: *value,
            });
        }
        if EXTENDING_METHODS.contains(&method)
            && let Some(Argument::Plain(other)) = positional.first()
        {
            let items = self.contents_of(*other);
            self.constrain(Constraint::StoreContents {
                base: receiver,
                from: items,
            });
        }
        if ITEM_METHODS.contains(&method) {
            let items = self.contents_of(receiver);
            self.copy(items, result);
            if method == "get"
                && let Some(Argument::Plain(default)) = positional.get(1)
            {
                self.copy(*default, result);
            }
        }
        if VIEW_METHODS.contains(&method) {
            self.copy(receiver, result);
        }
        // `c.copy()`: a new container with the same items.
        if method == "copy" && positional.is_empty() {
            let copy = self.allocate(
                ObjectKind::Container(ContainerKey::of(Container::Dict)),
                site,
                scope,
            );
            let items = self.contents_of(receiver);
            self.constrain(Constraint::StoreContents {
                base: copy,
                from: items,
            });
            self.copy(copy, result);
        }
    }

    /// Calls the analysis knows by name: factories of containers, locks and iterators,
    /// `functools.partial`, `type`, `getattr`/`setattr`, `next`.
    fn known_call(&mut self, scope: Scope, call: &'a ExprCall, name: &str) -> Option<VarId> {
        let site = call.range();
        let first = call.arguments.find_positional(0);
        if let Some(container) = CONTAINER_FACTORIES
            .iter()
            .find(|(factory, _)| *factory == name)
            .map(|(_, container)| *container)
        {
            let object = self.allocate(
                ObjectKind::Container(ContainerKey::of(container)),
                site,
                scope,
            );
            // `list(x)`, `dict(x)`: a new container with x's items.
            let (positional, _) = self.arguments(scope, call);
            for argument in positional {
                let (Argument::Plain(var) | Argument::Starred(var)) = argument;
                let items = self.contents_of(var);
                self.constrain(Constraint::StoreContents {
                    base: object,
                    from: items,
                });
            }
            return Some(object);
        }
        if LOCK_FACTORIES.contains(&name) {
            let object = self.allocate(ObjectKind::Lock, site, scope);
            // A condition built on a lock holds that lock.
            if name == "threading.Condition"
                && let Some(lock) = first
            {
                let lock = self.expr(scope, lock);
                self.constrain(Constraint::Store {
                    base: object,
                    field: "_lock",
                    from: lock,
                });
            }
            self.arguments(scope, call);
            return Some(object);
        }
        if matches!(name, "threading.local" | "_threading_local.local") {
            self.arguments(scope, call);
            return Some(self.allocate(ObjectKind::ThreadLocal, site, scope));
        }
        if SYNCHRONIZED_FACTORIES.contains(&name) {
            self.arguments(scope, call);
            return Some(self.allocate(ObjectKind::Synchronized, site, scope));
        }
        if ITERATOR_FACTORIES.contains(&name) {
            // CPython's own iterators keep their state consistent under concurrent `next()`;
            // only generators raise `generator already executing`.
            let object = self.allocate(ObjectKind::Synchronized, site, scope);
            let (positional, _) = self.arguments(scope, call);
            for argument in positional {
                let (Argument::Plain(var) | Argument::Starred(var)) = argument;
                // `repeat(x)` yields x itself; the others yield the items of their arguments.
                let items = if name == "itertools.repeat" {
                    var
                } else {
                    self.contents_of(var)
                };
                self.constrain(Constraint::StoreContents {
                    base: object,
                    from: items,
                });
            }
            return Some(object);
        }
        if self.handler_classes {
            match name {
                "logging.getLogger" => {
                    self.arguments(scope, call);
                    let logger = self.new_object(ObjectKind::Synchronized, site, scope);
                    self.flow.loggers.insert(logger);
                    let var = self.temp();
                    self.add_object(var, logger);
                    return Some(var);
                }
                "logging.basicConfig" => {
                    self.arguments(scope, call);
                    if let Some(handlers) = call.arguments.find_keyword("handlers") {
                        let handlers = self.expr(scope, &handlers.value);
                        let items = self.contents_of(handlers);
                        self.register_handlers(items, site);
                    }
                    return Some(self.temp());
                }
                _ => {
                    if let Some(function) = name.strip_prefix("logging.")
                        && LOGGING_CALLS.contains(&function)
                    {
                        // The module's functions log through the root logger.
                        self.arguments(scope, call);
                        let handlers = self.handlers_var();
                        let callee = Callee::Dispatch { receiver: handlers };
                        let result = self.temp();
                        self.call_constraint(
                            callee,
                            (Vec::new(), Vec::new()),
                            result,
                            (site, scope),
                            None,
                        );
                        return Some(result);
                    }
                }
            }
        }
        match name {
            "functools.partial" => {
                let (mut positional, keywords) = self.arguments(scope, call);
                if positional.is_empty() {
                    return Some(self.temp());
                }
                let Argument::Plain(callee) = positional.remove(0) else {
                    return Some(self.temp());
                };
                let id = self.partials.len();
                let mut bound = vec![callee];
                for argument in &positional {
                    let (Argument::Plain(var) | Argument::Starred(var)) = *argument;
                    bound.push(var);
                }
                bound.extend(keywords.iter().map(|(_, var)| *var));
                self.flow.partial_parts.push(bound);
                self.partials.push(PartialBinding {
                    callee,
                    positional,
                    keywords,
                });
                Some(self.allocate(ObjectKind::Partial(id), site, scope))
            }
            "type" if call.arguments.len() == 1 => {
                let of = self.expr(scope, first?);
                let to = self.temp();
                self.constrain(Constraint::TypeOf { of, to });
                Some(to)
            }
            "getattr" | "setattr" => {
                let (positional, _) = self.arguments(scope, call);
                let field = match call.arguments.find_positional(1) {
                    Some(Expr::StringLiteral(literal)) => literal.value.to_str(),
                    _ => return Some(self.temp()),
                };
                let Some(Argument::Plain(base)) = positional.first().copied() else {
                    return Some(self.temp());
                };
                let to = self.temp();
                if name == "getattr" {
                    self.constrain(Constraint::Load { base, field, to });
                } else if let Some(Argument::Plain(from)) = positional.get(2).copied() {
                    self.constrain(Constraint::Store { base, field, from });
                }
                Some(to)
            }
            "next" => {
                let (positional, _) = self.arguments(scope, call);
                let Some(Argument::Plain(iterator)) = positional.first().copied() else {
                    return Some(self.temp());
                };
                Some(self.contents_of(iterator))
            }
            _ => None,
        }
    }

    /// A call that hands its function (and arguments) to other threads.
    fn thread_start(&mut self, scope: Scope, call: &'a ExprCall, index: usize) -> VarId {
        let model_start = &self.model.thread_starts()[index];
        let kind = model_start.kind;
        let entry = self.flow.entries.len();
        self.flow.entries.push(FlowEntry {
            kind: EntryKind::Start(kind),
            start: Some(index),
            site: call.range(),
            scope,
            targets: Vec::new(),
            handed: Vec::new(),
            handed_objects: Vec::new(),
        });
        let result = self.temp();
        let arguments = &call.arguments;
        let mut positional = Vec::new();
        let mut keywords = Vec::new();
        let target = match thread_target(self.model, call) {
            Some((_, ThreadTarget::Callable(callable))) => Some(callable),
            Some((_, ThreadTarget::HandlerClass(class))) => {
                self.server_handlers(scope, entry, class);
                None
            }
            None => None,
        };
        match kind {
            StartKind::Thread | StartKind::Timer => {
                // Thread(target, args=(), kwargs={}); Timer(interval, function, args, kwargs);
                // _thread.start_new_thread(function, args, kwargs).
                let qualified = self.qualified(scope, &call.func);
                let positional_args = match qualified.as_deref() {
                    Some("_thread.start_new_thread" | "_thread.start_new") => {
                        arguments.find_argument_value("args", 1)
                    }
                    Some("threading.Timer") => arguments.find_argument_value("args", 2),
                    _ => arguments.find_argument_value("args", 3),
                };
                let keyword_args = match qualified.as_deref() {
                    Some("_thread.start_new_thread" | "_thread.start_new") => {
                        arguments.find_argument_value("kwargs", 2)
                    }
                    Some("threading.Timer") => arguments.find_argument_value("kwargs", 3),
                    _ => arguments.find_argument_value("kwargs", 4),
                };
                if let Some(args) = positional_args {
                    positional = self.spread(scope, args);
                }
                if let Some(kwargs) = keyword_args {
                    keywords = self.keywords_of(scope, kwargs);
                }
            }
            StartKind::PoolSubmit | StartKind::ExecutorTask => {
                let method = match call.func.as_ref() {
                    Expr::Attribute(method) => Some(method.attr.as_str()),
                    _ => None,
                };
                match method {
                    // pool.apply_async(func, args=(), kwds={})
                    Some("apply" | "apply_async") => {
                        if let Some(args) = arguments.find_argument_value("args", 1) {
                            positional = self.spread(scope, args);
                        }
                        if let Some(kwds) = arguments.find_argument_value("kwds", 2) {
                            keywords = self.keywords_of(scope, kwds);
                        }
                    }
                    _ => {
                        // submit(fn, *args, **kwargs); run_in_executor(executor, fn, *args);
                        // to_thread(fn, *args, **kwargs).
                        let skip = if method == Some("run_in_executor") {
                            2
                        } else {
                            1
                        };
                        for argument in arguments.args.iter().skip(skip) {
                            positional.push(match argument {
                                Expr::Starred(starred) => {
                                    Argument::Starred(self.expr(scope, &starred.value))
                                }
                                other => Argument::Plain(self.expr(scope, other)),
                            });
                        }
                        for keyword in &arguments.keywords {
                            let value = self.expr(scope, &keyword.value);
                            keywords.push((keyword.arg.as_ref().map(|arg| arg.as_str()), value));
                        }
                    }
                }
            }
            StartKind::PoolMap => {
                let method = match call.func.as_ref() {
                    Expr::Attribute(method) => method.attr.as_str(),
                    _ => "",
                };
                for iterable in arguments.args.iter().skip(1) {
                    let iterable = self.expr(scope, iterable);
                    let items = self.contents_of(iterable);
                    if method.starts_with("starmap") {
                        positional.push(Argument::Starred(items));
                    } else {
                        positional.push(Argument::Plain(items));
                    }
                }
            }
            StartKind::DoneCallback | StartKind::ServerHandler => {}
        }
        let Some(target) = target else {
            return result;
        };
        let callee = match target {
            Expr::Attribute(method) => {
                let receiver = self.expr(scope, &method.value);
                self.flow.entries[entry].handed.push(receiver);
                Callee::Method {
                    receiver,
                    name: method.attr.as_str(),
                }
            }
            other => {
                let callee = self.expr(scope, other);
                self.flow.entries[entry].handed.push(callee);
                Callee::Value(callee)
            }
        };
        for argument in &positional {
            let (Argument::Plain(var) | Argument::Starred(var)) = *argument;
            self.flow.entries[entry].handed.push(var);
        }
        for (_, var) in &keywords {
            self.flow.entries[entry].handed.push(*var);
        }
        self.call_constraint(
            callee,
            (positional, keywords),
            result,
            (call.range(), scope),
            Some(entry),
        );
        result
    }

    /// The positional arguments a tuple or list display spells out, or all items of anything
    /// else.
    fn spread(&mut self, scope: Scope, args: &'a Expr) -> Vec<Argument> {
        match args {
            Expr::Tuple(tuple) => tuple
                .iter()
                .map(|element| Argument::Plain(self.expr(scope, element)))
                .collect(),
            Expr::List(list) => list
                .iter()
                .map(|element| Argument::Plain(self.expr(scope, element)))
                .collect(),
            other => vec![Argument::Starred(self.expr(scope, other))],
        }
    }

    fn keywords_of(&mut self, scope: Scope, kwargs: &'a Expr) -> Vec<(Option<&'a str>, VarId)> {
        match kwargs {
            Expr::Dict(dict) => dict
                .items
                .iter()
                .map(|item| {
                    let name = match &item.key {
                        Some(Expr::StringLiteral(literal)) => Some(literal.value.to_str()),
                        _ => None,
                    };
                    let value = self.expr(scope, &item.value);
                    match name {
                        Some(name) => (Some(name), value),
                        None => (None, self.union(&[value])),
                    }
                })
                .collect(),
            other => {
                let mapping = self.expr(scope, other);
                vec![(None, mapping)]
            }
        }
    }

    /// A threading server's request handler: every request gets a new instance whose methods
    /// run in the request's thread.
    fn server_handlers(&mut self, scope: Scope, entry: EntryId, class: &'a Expr) {
        let Expr::Name(name) = class else { return };
        let Some(class) = self
            .flow
            .classes
            .iter()
            .rposition(|info| info.def.name.as_str() == name.id.as_str())
        else {
            return;
        };
        let site = self.flow.entries[entry].site;
        let instance = self.new_object(ObjectKind::Instance(class), site, scope);
        self.flow.entries[entry].handed_objects.push(instance);
        let methods: Vec<FunctionId> = self.flow.classes[class].methods.values().copied().collect();
        for method in methods {
            self.flow.entries[entry]
                .targets
                .push(Callable::Function(method));
            self.bind_self(method, instance);
        }
    }

    fn bind_self(&mut self, method: FunctionId, receiver: ObjId) {
        if let Some(first) = self.model.functions[method]
            .def
            .parameters
            .posonlyargs
            .iter()
            .chain(&self.model.functions[method].def.parameters.args)
            .next()
        {
            let var = self.var(VarKey::Name(
                Scope::Function(method),
                first.parameter.name.as_str(),
            ));
            self.add_object(var, receiver);
        }
    }

    /// A function that returns only detached locals hands its caller a detached container:
    /// `batch = self._take_batch()` is as much the caller's own.
    fn detach_returned(&mut self) {
        let mut scopes: FxHashMap<Scope, bool> = FxHashMap::default();
        for &(scope, name) in &self.returned {
            let detached = name.is_some_and(|var| self.flow.detached.contains(&var));
            *scopes.entry(scope).or_insert(true) &= detached;
        }
        let mut callees_at: FxHashMap<TextRange, Vec<Scope>> = FxHashMap::default();
        for (_, callee, call) in &self.flow.calls {
            callees_at.entry(*call).or_default().push(callee.scope());
        }
        for &(local, site) in &self.assigned_calls {
            if callees_at.get(&site).is_some_and(|callees| {
                callees
                    .iter()
                    .all(|callee| scopes.get(callee) == Some(&true))
            }) {
                self.flow.detached.insert(local);
            }
        }
    }

    // ---- what the code does not show ---------------------------------------------------

    /// A thread start whose callee the flow could not follow (`ex.map(pool.run, jobs)` with
    /// `pool` a parameter) runs what the model resolved by name.
    fn complete_entries(&mut self) {
        for entry in 0..self.flow.entries.len() {
            let Some(start) = self.flow.entries[entry].start else {
                continue;
            };
            if !self.flow.entries[entry].targets.is_empty() {
                continue;
            }
            for &function in &self.model.thread_starts()[start].functions {
                self.flow.entries[entry]
                    .targets
                    .push(Callable::Function(function));
                if let Some(&class) = self.flow.method_classes.get(&function) {
                    let receiver = self.outside_instance(class);
                    self.bind_self(function, receiver);
                    self.flow.entries[entry].handed_objects.push(receiver);
                }
            }
        }
    }

    /// A `threading.Thread` subclass the module never instantiates still runs `run` in a thread
    /// of each instance that code elsewhere creates.
    fn complete_thread_classes(&mut self) {
        for class in 0..self.flow.classes.len() {
            let instantiated = self.flow.entries.iter().any(|entry| {
                entry.kind == EntryKind::ThreadObject
                    && entry.handed_objects.iter().any(|&object| {
                        self.flow.objects[object as usize].kind == ObjectKind::Instance(class)
                    })
            });
            if !self.flow.classes[class].thread_subclass || instantiated {
                continue;
            }
            let instance = self.outside_instance(class);
            let info = &self.flow.classes[class];
            let (site, scope) = (info.def.name.range(), info.scope);
            self.thread_object(class, instance, site, scope);
        }
    }

    /// Methods that no call of the module gives a receiver (and, in library mode, every method)
    /// run on instances created elsewhere: one object per class stands for them, so what one
    /// method stores on `self` another still finds.
    fn complete_receivers(&mut self, public: bool) {
        let mut methods: Vec<(FunctionId, ClassId)> = self
            .flow
            .method_classes
            .iter()
            .map(|(&f, &c)| (f, c))
            .collect();
        methods.sort_unstable();
        for (method, class) in methods {
            let def = self.model.functions[method].def;
            if is_staticmethod(def) || self.flow.classes[class].thread_local {
                continue;
            }
            let Some(first) = def
                .parameters
                .posonlyargs
                .iter()
                .chain(&def.parameters.args)
                .next()
            else {
                continue;
            };
            let receiver = self.var(VarKey::Name(
                Scope::Function(method),
                first.parameter.name.as_str(),
            ));
            self.flow.first_parameters.insert(method, receiver);
            if !public && !self.flow.points_to[receiver as usize].is_empty() {
                continue;
            }
            let object = if is_classmethod(def) {
                self.class_object(class)
            } else {
                Some(self.outside_instance(class))
            };
            if let Some(object) = object {
                self.add_object(receiver, object);
            }
        }
    }

    fn outside_instance(&mut self, class: ClassId) -> ObjId {
        if let Some(&object) = self.outside_instances.get(&class) {
            return object;
        }
        let info = &self.flow.classes[class];
        let (site, scope) = (info.def.name.range(), info.scope);
        let object = self.new_object(ObjectKind::OutsideInstance(class), site, scope);
        self.outside_instances.insert(class, object);
        self.handler_lock(class, object);
        object
    }

    // ---- solving ---------------------------------------------------------------------------

    /// Passes each variable's new objects along its edges and to its actions until none is
    /// left (difference propagation: each object goes along each edge once).
    fn solve(&mut self) {
        while let Some(var) = self.worklist.pop() {
            self.queued[var as usize] = false;
            loop {
                let position = self.propagated[var as usize] as usize;
                let Some(&object) = self.flow.points_to[var as usize].get(position) else {
                    break;
                };
                self.propagated[var as usize] += 1;
                let mut edge = 0;
                while let Some(&to) = self.copies_to[var as usize].get(edge) {
                    self.add_object(to, object);
                    edge += 1;
                }
                let mut action = 0;
                while let Some(&constraint) = self.actions[var as usize].get(action) {
                    self.act(constraint, object);
                    action += 1;
                }
            }
        }
    }

    /// What a constraint does with one new object of its base variable.
    fn act(&mut self, index: u32, object: ObjId) {
        match self.constraints[index as usize] {
            Constraint::Load { field, to, .. } => {
                if field == "__class__" {
                    self.class_of_instance(object, to);
                    return;
                }
                for source in self.field_sources(object, field) {
                    self.copy(source, to);
                }
                if let Some(method) = self.method_object(object, field) {
                    self.add_object(to, method);
                }
            }
            Constraint::Store { field, from, .. } => {
                let target = self.store_target(object, field);
                self.copy(from, target);
            }
            Constraint::LoadContents { to, .. } => {
                let source = self.var(VarKey::Contents(object));
                self.copy(source, to);
            }
            Constraint::StoreContents { from, .. } => {
                let target = self.var(VarKey::Contents(object));
                self.copy(from, target);
            }
            Constraint::TypeOf { to, .. } => self.class_of_instance(object, to),
            Constraint::Call(call) => self.bind_callee(call, object),
        }
    }

    /// `type(x)`, `x.__class__`: the class object of an instance.
    fn class_of_instance(&mut self, object: ObjId, to: VarId) {
        if let ObjectKind::Instance(class) | ObjectKind::OutsideInstance(class) =
            self.flow.objects[object as usize].kind
            && let Some(class_object) = self.class_object(class)
        {
            self.add_object(to, class_object);
        }
    }

    /// Where `object.field` is read from: the object's own attribute and, for instances and
    /// classes, the class attribute of that name (looked up through the module's bases).
    fn field_sources(&mut self, object: ObjId, field: &'a str) -> Vec<VarId> {
        let kind = self.flow.objects[object as usize].kind;
        let mut sources = Vec::new();
        match kind {
            ObjectKind::Class(class) => {
                // Where `store_target` puts `cls.field = ...` when the body does not bind it.
                let owner = self.attribute_owner(class, field).unwrap_or(class);
                sources.push(self.var(VarKey::Name(Scope::Class(owner), field)));
            }
            ObjectKind::Instance(class) | ObjectKind::OutsideInstance(class) => {
                sources.push(self.var(VarKey::Field(object, field)));
                if let Some(owner) = self.attribute_owner(class, field)
                    && !self.flow.classes[owner].methods.contains_key(field)
                {
                    sources.push(self.var(VarKey::Name(Scope::Class(owner), field)));
                }
            }
            _ => sources.push(self.var(VarKey::Field(object, field))),
        }
        sources
    }

    /// Where `object.field = value` stores: a class's attribute, or the object's own.
    fn store_target(&mut self, object: ObjId, field: &'a str) -> VarId {
        match self.flow.objects[object as usize].kind {
            ObjectKind::Class(class) => {
                let owner = self.attribute_owner(class, field).unwrap_or(class);
                self.var(VarKey::Name(Scope::Class(owner), field))
            }
            _ => self.var(VarKey::Field(object, field)),
        }
    }

    fn attribute_owner(&self, class: ClassId, field: &str) -> Option<ClassId> {
        self.flow.attribute_owner(class, field)
    }

    /// `obj.method` as a value: a bound method of an instance, a class's function.
    fn method_object(&mut self, object: ObjId, field: &str) -> Option<ObjId> {
        let kind = self.flow.objects[object as usize].kind;
        match kind {
            ObjectKind::Instance(class) | ObjectKind::OutsideInstance(class) => {
                let method = self.flow.method(class, field)?;
                let def = self.model.functions[method].def;
                if is_staticmethod(def) {
                    return self.function_object(method);
                }
                // `self.create()` of a classmethod binds `cls` to the instance's class.
                if is_classmethod(def)
                    && let Some(class_object) = self.class_object(class)
                {
                    return Some(self.bound_method(method, class_object));
                }
                Some(self.bound_method(method, object))
            }
            ObjectKind::Class(class) => {
                let method = self.flow.method(class, field)?;
                if is_classmethod(self.model.functions[method].def) {
                    Some(self.bound_method(method, object))
                } else {
                    self.function_object(method)
                }
            }
            _ => None,
        }
    }

    fn bound_method(&mut self, function: FunctionId, receiver: ObjId) -> ObjId {
        if let Some(&object) = self.bound_methods.get(&(function, receiver)) {
            return object;
        }
        let site = self.flow.objects[receiver as usize].site;
        let scope = self.flow.objects[receiver as usize].scope;
        let object = self.new_object(ObjectKind::BoundMethod { function, receiver }, site, scope);
        self.bound_methods.insert((function, receiver), object);
        object
    }

    fn function_object(&self, function: FunctionId) -> Option<ObjId> {
        self.function_objects.get(&function).copied()
    }

    fn class_object(&self, class: ClassId) -> Option<ObjId> {
        self.class_objects.get(&class).copied()
    }

    /// Binds one object the callee expression of a call holds.
    fn bind_callee(&mut self, index: usize, object: ObjId) {
        if self.call_constraints[index].bound.contains(&object) {
            return;
        }
        self.call_constraints[index].bound.push(object);
        match self.call_constraints[index].callee {
            Callee::Value(_) => self.call_object(index, object, Vec::new()),
            Callee::Method { name, .. } => self.call_method(index, object, name),
            Callee::Logged { .. } => {
                if self.flow.loggers.contains(&object) {
                    let handlers = self.handlers_var();
                    let callee = Callee::Dispatch { receiver: handlers };
                    self.derived_call(index, callee, Vec::new(), Vec::new());
                }
            }
            Callee::Dispatch { .. } => {
                if let ObjectKind::Instance(class) | ObjectKind::OutsideInstance(class) =
                    self.flow.objects[object as usize].kind
                    && self.flow.classes[class].logging_handler
                {
                    let name = if self.flow.method(class, "handle").is_some() {
                        "handle"
                    } else {
                        "emit"
                    };
                    if let Some(method) = self.method_object(object, name) {
                        let site = self.call_constraints[index].site;
                        self.flow.dispatch_sites.insert(site);
                        self.call_object(index, method, Vec::new());
                    }
                }
            }
            Callee::Special { name, .. } => {
                if matches!(
                    self.flow.objects[object as usize].kind,
                    ObjectKind::Instance(_) | ObjectKind::OutsideInstance(_)
                ) && let Some(method) = self.method_object(object, name)
                {
                    self.call_object(index, method, Vec::new());
                }
            }
        }
    }

    /// `receiver.name(...)` where the receiver holds `object`.
    fn call_method(&mut self, index: usize, object: ObjId, name: &'a str) {
        if let Some(method) = self.method_object(object, name) {
            self.call_object(index, method, Vec::new());
            return;
        }
        // An attribute holding something callable: `self.callback(x)`.
        if matches!(
            self.flow.objects[object as usize].kind,
            ObjectKind::Instance(_) | ObjectKind::OutsideInstance(_)
        ) {
            let field = self.var(VarKey::Field(object, name));
            let call = &self.call_constraints[index];
            let (positional, keywords) = (call.positional.clone(), call.keywords.clone());
            self.derived_call(index, Callee::Value(field), positional, keywords);
        }
    }

    /// Binds a call's arguments (after `prefix`, the arguments a partial or bound method adds
    /// first) to what `object` runs.
    fn call_object(&mut self, index: usize, object: ObjId, prefix: Vec<Argument>) {
        let kind = self.flow.objects[object as usize].kind;
        let (site, caller, spawn, result) = {
            let call = &self.call_constraints[index];
            (call.site, call.caller, call.spawn, call.result)
        };
        match kind {
            ObjectKind::Function(function) => {
                self.enter(index, Callable::Function(function), None, prefix);
            }
            ObjectKind::Lambda(lambda) => {
                self.enter(index, Callable::Lambda(lambda), None, prefix);
            }
            ObjectKind::BoundMethod { function, receiver } => {
                self.enter(index, Callable::Function(function), Some(receiver), prefix);
            }
            ObjectKind::Class(class) => {
                // A metaclass's `__call__` runs instead, on the class (a singleton metaclass).
                if let Some(metaclass) = self.flow.classes[class].metaclass
                    && let Some(call) = self.flow.method(metaclass, "__call__")
                {
                    self.enter(
                        index,
                        Callable::Function(call),
                        Some(object),
                        prefix.clone(),
                    );
                }
                // `__new__` runs first, on the class, with the call's arguments.
                if let Some(new) = self.flow.method(class, "__new__") {
                    self.enter(index, Callable::Function(new), Some(object), prefix.clone());
                }
                let instance = self.instance(class, site, caller);
                self.add_object(result, instance);
                if let Some(init) = self.flow.method(class, "__init__") {
                    self.enter(index, Callable::Function(init), Some(instance), prefix);
                } else if self.flow.classes[class].dataclass_fields.is_some() {
                    self.dataclass_init(index, class, instance, site, caller);
                }
                if self.flow.classes[class].thread_subclass && spawn.is_none() {
                    self.thread_object(class, instance, site, caller);
                }
            }
            ObjectKind::Partial(partial) => {
                // Each written call unwraps each partial once, however partials nest or a name
                // holding several of them is called (`p = partial(p, 1)`).
                let root = self.call_constraints[index].root;
                if !self.unwrapped.insert((root, object)) {
                    return;
                }
                let binding = &self.partials[partial];
                let (callee, mut arguments, keywords) = (
                    binding.callee,
                    binding.positional.clone(),
                    binding.keywords.clone(),
                );
                arguments.extend(prefix);
                let call = &self.call_constraints[index];
                arguments.extend(call.positional.iter().copied());
                let mut all_keywords = keywords;
                all_keywords.extend(call.keywords.iter().copied());
                if let Some(entry) = spawn {
                    self.flow.entries[entry].handed.push(callee);
                    for argument in &arguments {
                        let (Argument::Plain(var) | Argument::Starred(var)) = *argument;
                        self.flow.entries[entry].handed.push(var);
                    }
                }
                self.derived_call(index, Callee::Value(callee), arguments, all_keywords);
            }
            _ => {}
        }
    }

    /// What a dataclass's generated `__init__` does: arguments to fields in order or by name,
    /// and a new container for each field whose default is a `default_factory`.
    fn dataclass_init(
        &mut self,
        index: usize,
        class: ClassId,
        instance: ObjId,
        site: TextRange,
        scope: Scope,
    ) {
        let fields = self.flow.classes[class]
            .dataclass_fields
            .clone()
            .unwrap_or_default();
        let call = &self.call_constraints[index];
        let (positional, keywords) = (call.positional.clone(), call.keywords.clone());
        for (position, (name, default)) in fields.iter().enumerate() {
            let field = self.var(VarKey::Field(instance, name));
            match positional.get(position) {
                Some(Argument::Plain(value)) => self.copy(*value, field),
                Some(Argument::Starred(values)) => {
                    let items = self.contents_of(*values);
                    self.copy(items, field);
                }
                None => {}
            }
            for (keyword, value) in &keywords {
                if *keyword == Some(*name) {
                    self.copy(*value, field);
                }
            }
            if let Some(container) = default.and_then(default_factory) {
                let object = self.new_object(
                    ObjectKind::Container(ContainerKey::of(container)),
                    site,
                    scope,
                );
                self.add_object(field, object);
            }
        }
    }

    /// One instance object per class and creating site.
    fn instance(&mut self, class: ClassId, site: TextRange, scope: Scope) -> ObjId {
        let key = (class, u32::from(site.start()));
        if let Some(&object) = self.instances.get(&key) {
            return object;
        }
        let kind = if self.flow.classes[class].thread_local {
            ObjectKind::ThreadLocal
        } else {
            ObjectKind::Instance(class)
        };
        let object = self.new_object(kind, site, scope);
        self.instances.insert(key, object);
        self.handler_lock(class, object);
        object
    }

    /// A `logging` handler's `lock` (`Handler.__init__` creates it with `createLock()`).
    fn handler_lock(&mut self, class: ClassId, instance: ObjId) {
        if self.flow.classes[class].logging_handler {
            let info = self.flow.objects[instance as usize];
            let lock = self.new_object(ObjectKind::Lock, info.site, info.scope);
            let field = self.var(VarKey::Field(instance, "lock"));
            self.add_object(field, lock);
        }
    }

    /// An instance of a `threading.Thread` subclass: its `run` is a thread entry.
    fn thread_object(&mut self, class: ClassId, instance: ObjId, site: TextRange, scope: Scope) {
        if self.thread_objects.contains_key(&instance) {
            return;
        }
        let entry = self.flow.entries.len();
        self.flow.entries.push(FlowEntry {
            kind: EntryKind::ThreadObject,
            start: None,
            site,
            scope,
            targets: Vec::new(),
            handed: Vec::new(),
            handed_objects: vec![instance],
        });
        self.thread_objects.insert(instance, entry);
        if let Some(run) = self.flow.method(class, "run") {
            self.flow.entries[entry]
                .targets
                .push(Callable::Function(run));
            self.bind_self(run, instance);
        }
    }

    /// Binds arguments to the parameters of `callable` and its result to the call's.
    fn enter(
        &mut self,
        index: usize,
        callable: Callable,
        receiver: Option<ObjId>,
        prefix: Vec<Argument>,
    ) {
        let (site, caller, spawn, result) = {
            let call = &self.call_constraints[index];
            (call.site, call.caller, call.spawn, call.result)
        };
        match spawn {
            Some(entry) => {
                if !self.flow.entries[entry].targets.contains(&callable) {
                    self.flow.entries[entry].targets.push(callable);
                }
                if let Some(receiver) = receiver
                    && !self.flow.entries[entry].handed_objects.contains(&receiver)
                {
                    self.flow.entries[entry].handed_objects.push(receiver);
                }
            }
            None => self.flow.calls.push((caller, callable, site)),
        }
        let scope = callable.scope();
        let parameters: Option<&'a ruff_python_ast::Parameters> = match callable {
            Callable::Function(function) => Some(&self.model.functions[function].def.parameters),
            Callable::Lambda(lambda) => self.flow.lambdas[lambda].expr.parameters.as_deref(),
        };
        let Some(parameters) = parameters else {
            let returned = self.var(VarKey::Return(scope));
            self.copy(returned, result);
            return;
        };
        let positional_params: Vec<&'a str> = parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .map(|parameter| parameter.parameter.name.as_str())
            .collect();
        let mut next = 0;
        if let Some(receiver) = receiver
            && let Some(first) = positional_params.first()
        {
            let var = self.var(VarKey::Name(scope, first));
            self.add_object(var, receiver);
            next = 1;
        }
        let call_arguments = self.call_constraints[index].positional.clone();
        let keywords = self.call_constraints[index].keywords.clone();
        for argument in prefix.into_iter().chain(call_arguments) {
            match argument {
                Argument::Plain(var) => {
                    if let Some(param) = positional_params.get(next) {
                        let param = self.var(VarKey::Name(scope, param));
                        self.copy(var, param);
                    }
                    next += 1;
                }
                Argument::Starred(var) => {
                    let items = self.contents_of(var);
                    for param in positional_params.iter().skip(next) {
                        let param = self.var(VarKey::Name(scope, param));
                        self.copy(items, param);
                    }
                }
            }
        }
        for (name, var) in keywords {
            match name {
                Some(name) => {
                    if parameters.find(name).is_some() {
                        let param = self.var(VarKey::Name(scope, name));
                        self.copy(var, param);
                    }
                }
                None => {
                    let items = self.contents_of(var);
                    for parameter in parameters.iter_non_variadic_params() {
                        let param = self.var(VarKey::Name(scope, parameter.name().as_str()));
                        self.copy(items, param);
                    }
                }
            }
        }
        // Calling a generator function makes a generator object.
        if let Callable::Function(function) = callable
            && self.generator_functions.contains(&function)
        {
            let key = u32::from(site.start());
            let generator = match self.generators.get(&key) {
                Some(&generator) => generator,
                None => {
                    let generator = self.new_object(ObjectKind::Generator, site, caller);
                    self.generators.insert(key, generator);
                    generator
                }
            };
            self.add_object(result, generator);
            return;
        }
        let returned = self.var(VarKey::Return(scope));
        self.copy(returned, result);
    }
}

/// The statement bodies nested in a compound statement (not in `def` or `class`).
fn nested_bodies(stmt: &Stmt) -> Vec<&[Stmt]> {
    match stmt {
        Stmt::If(if_stmt) => std::iter::once(if_stmt.body.as_slice())
            .chain(
                if_stmt
                    .elif_else_clauses
                    .iter()
                    .map(|clause| clause.body.as_slice()),
            )
            .collect(),
        Stmt::For(for_stmt) => vec![&for_stmt.body, &for_stmt.orelse],
        Stmt::While(while_stmt) => vec![&while_stmt.body, &while_stmt.orelse],
        Stmt::With(with) => vec![&with.body],
        Stmt::Try(try_stmt) => {
            let mut bodies = vec![try_stmt.body.as_slice()];
            for handler in &try_stmt.handlers {
                let ExceptHandler::ExceptHandler(handler) = handler;
                bodies.push(&handler.body);
            }
            bodies.push(&try_stmt.orelse);
            bodies.push(&try_stmt.finalbody);
            bodies
        }
        Stmt::Match(match_stmt) => match_stmt
            .cases
            .iter()
            .map(|case| case.body.as_slice())
            .collect(),
        _ => Vec::new(),
    }
}

/// The names a class body binds: assignments, `def`, nested `class`, in its own blocks.
fn class_body_names(body: &[Stmt]) -> FxHashSet<&str> {
    let mut names = FxHashSet::default();
    let mut stack: Vec<&[Stmt]> = vec![body];
    while let Some(body) = stack.pop() {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) => {
                    names.insert(def.name.as_str());
                }
                Stmt::ClassDef(class) => {
                    names.insert(class.name.as_str());
                }
                Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        let mut bound = Vec::new();
                        bound_names(target, &mut bound);
                        names.extend(bound);
                    }
                }
                Stmt::AnnAssign(assign) => {
                    let mut bound = Vec::new();
                    bound_names(&assign.target, &mut bound);
                    names.extend(bound);
                }
                Stmt::AugAssign(assign) => {
                    let mut bound = Vec::new();
                    bound_names(&assign.target, &mut bound);
                    names.extend(bound);
                }
                other => stack.extend(nested_bodies(other)),
            }
        }
    }
    names
}

/// The names an assignment target binds.
fn bound_names<'a>(target: &'a Expr, names: &mut Vec<&'a str>) {
    match target {
        Expr::Name(name) => names.push(name.id.as_str()),
        Expr::Tuple(tuple) => tuple.iter().for_each(|element| bound_names(element, names)),
        Expr::List(list) => list.iter().for_each(|element| bound_names(element, names)),
        Expr::Starred(starred) => bound_names(&starred.value, names),
        _ => {}
    }
}

/// The outermost expressions inside another that the flow must evaluate on their own.
#[derive(Default)]
struct Evaluated<'a> {
    found: Vec<&'a Expr>,
}

impl<'a> ruff_python_ast::visitor::Visitor<'a> for Evaluated<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(_)
            | Expr::Name(_)
            | Expr::Lambda(_)
            | Expr::Named(_)
            | Expr::ListComp(_)
            | Expr::SetComp(_)
            | Expr::DictComp(_)
            | Expr::Generator(_)
            | Expr::Attribute(_)
            | Expr::Subscript(_) => self.found.push(expr),
            _ => ruff_python_ast::visitor::walk_expr(self, expr),
        }
    }
}

fn is_staticmethod(def: &StmtFunctionDef) -> bool {
    has_decorator(def, "staticmethod")
}

fn is_classmethod(def: &StmtFunctionDef) -> bool {
    has_decorator(def, "classmethod")
}

fn has_decorator(def: &StmtFunctionDef, name: &str) -> bool {
    def.decorator_list
        .iter()
        .any(|decorator| matches!(&decorator.expression, Expr::Name(found) if found.id == name))
}

/// An expression that makes a new, empty or literal container (`[]`, `{}`, `list()`, `set()`,
/// `deque()`).
pub(super) fn is_fresh_container(expr: &Expr) -> bool {
    match expr {
        Expr::List(_) | Expr::Dict(_) | Expr::Set(_) | Expr::Tuple(_) => true,
        Expr::Call(call) => {
            matches!(call.func.as_ref(),
            Expr::Name(name) if matches!(name.id.as_str(), "list" | "dict" | "set" | "deque" | "OrderedDict" | "defaultdict" | "Counter"))
                || matches!(call.func.as_ref(), Expr::Attribute(attribute)
                if matches!(attribute.attr.as_str(), "deque" | "OrderedDict" | "defaultdict" | "Counter"
                    // `x.copy()`, `copy.copy(x)`, `copy.deepcopy(x)`: a new container.
                    | "copy" | "deepcopy"))
        }
        _ => false,
    }
}

/// The fields of a `@dataclass` (`@dataclass`, `@dataclasses.dataclass`, with or without
/// arguments): its annotated class-body names in order, each with its default.
fn dataclass_fields<'a>(
    model: &SemanticModel,
    class: &'a StmtClassDef,
) -> Option<Vec<(&'a str, Option<&'a Expr>)>> {
    let is_dataclass = class.decorator_list.iter().any(|decorator| {
        let expr = match &decorator.expression {
            Expr::Call(call) => call.func.as_ref(),
            other => other,
        };
        model
            .resolve(expr)
            .is_some_and(|name| name.is("dataclasses.dataclass"))
    });
    is_dataclass.then(|| {
        class
            .body
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::AnnAssign(assign) => match assign.target.as_ref() {
                    Expr::Name(name) => Some((name.id.as_str(), assign.value.as_deref())),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    })
}

/// The container `field(default_factory=list)` makes for each instance.
fn default_factory(default: &Expr) -> Option<Container> {
    let Expr::Call(call) = default else {
        return None;
    };
    let factory = call.arguments.find_keyword("default_factory")?;
    let name = match &factory.value {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        // `default_factory=lambda: ["/"]`: what the lambda builds.
        Expr::Lambda(lambda) => match lambda.body.as_ref() {
            Expr::List(_) | Expr::ListComp(_) => "list",
            Expr::Dict(_) | Expr::DictComp(_) => "dict",
            Expr::Set(_) | Expr::SetComp(_) => "set",
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Name(name) => name.id.as_str(),
                Expr::Attribute(attribute) => attribute.attr.as_str(),
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    Some(match name {
        "list" => Container::List,
        "dict" | "defaultdict" => Container::Dict,
        "Counter" => Container::Counter,
        "set" => Container::Set,
        "deque" => Container::Deque,
        "OrderedDict" => Container::OrderedDict,
        _ => return None,
    })
}
