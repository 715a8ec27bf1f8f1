//! The one vocabulary the model and every rule use for what code does to containers and objects:
//! which methods add, remove, reorder or read items, which calls iterate their argument, which
//! methods run before an object is published.

use super::sharing::AccessKind;

/// Methods that add items to a container (`list`, `dict`, `set`, `deque`, `Counter`, queues), or
/// change the counts of a `Counter` (`subtract`).
pub const ADDING: &[&str] = &[
    "append",
    "appendleft",
    "add",
    "insert",
    "extend",
    "extendleft",
    "update",
    "subtract",
    "setdefault",
    "put",
    "put_nowait",
    "__setitem__",
];

/// Methods that remove items.
pub const REMOVING: &[&str] = &[
    "pop",
    "popleft",
    "popitem",
    "remove",
    "discard",
    "get_nowait",
    "__delitem__",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
];

/// Methods that empty a container.
pub const CLEARING: &[&str] = &["clear"];

/// Methods that reorder items without adding or removing any.
pub const REORDERING: &[&str] = &["move_to_end", "sort", "reverse", "rotate"];

/// Methods that read items.
pub const READING: &[&str] = &["get", "index", "count", "copy", "keys", "values", "items"];

/// Calls that iterate their argument while they compute, running Python code between items.
pub const ITERATING: &[&str] = &["sum", "min", "max", "any", "all", "enumerate"];

/// Calls that copy their argument's items into a new container (CPython's "Thread Safety
/// Guarantees" list `list(x)`, `dict(x)` of a dict or list as copies made in one step).
pub const COPYING: &[&str] = &["list", "tuple", "dict", "set", "frozenset", "sorted"];

/// Methods that run before the object is published, or on the class.
pub const CONSTRUCTORS: &[&str] = &["__init__", "__new__", "__post_init__", "__init_subclass__"];

/// What a `heapq` or `bisect` function does to the list given as its first argument
/// (`heapq.heappop(h)`, or `heappop(h)` imported by name).
pub fn first_argument_access(function: &ruff_python_ast::Expr) -> Option<AccessKind> {
    use ruff_python_ast::Expr;
    let name = match function {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute)
            if matches!(attribute.value.as_ref(), Expr::Name(module)
                if matches!(module.id.as_str(), "heapq" | "bisect")) =>
        {
            attribute.attr.as_str()
        }
        _ => return None,
    };
    match name {
        "heappush" | "insort" | "insort_left" | "insort_right" => Some(AccessKind::Add),
        "heappop" | "heapreplace" => Some(AccessKind::Remove),
        "heappushpop" | "heapify" => Some(AccessKind::Reorder),
        _ => None,
    }
}

/// What calling `method` on a container does to its items.
pub fn method_access(method: &str) -> Option<AccessKind> {
    if ADDING.contains(&method) {
        Some(AccessKind::Add)
    } else if REMOVING.contains(&method) {
        Some(AccessKind::Remove)
    } else if CLEARING.contains(&method) {
        Some(AccessKind::Clear)
    } else if REORDERING.contains(&method) {
        Some(AccessKind::Reorder)
    } else if READING.contains(&method) {
        Some(AccessKind::Read)
    } else {
        None
    }
}
