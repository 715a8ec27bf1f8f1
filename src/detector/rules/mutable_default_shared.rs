use ruff_python_ast::{Expr, Stmt, StmtFunctionDef};
use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::helpers::subscripted_name;
use crate::detector::semantic::Statement;

declare_rule! {
    /// ## What it does
    /// Finds a function that runs in threads and changes one of its mutable default arguments
    /// (`def handle(item, seen=[]): seen.append(item)`, `cache={}` then `cache[k] = v`).
    ///
    /// ## Why is this bad?
    /// A default value is built once, when `def` runs, and every call in every thread gets the
    /// same object: a hidden module global. Data from one request leaks into the next, and
    /// compound updates on it (`acc[k] += 1`, check-then-insert) race like any shared
    /// container, for real on the free-threaded build (3.13t, 3.14t).
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// def collect(item, seen=[]):
    ///     seen.append(item)
    ///     return len(seen)
    ///
    /// threading.Thread(target=collect, args=(1,)).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// def collect(item, seen=None):
    ///     seen = [] if seen is None else seen
    ///     seen.append(item)
    ///     return len(seen)
    ///
    /// threading.Thread(target=collect, args=(1,)).start()
    /// ```
    ///
    /// For a cache, use `functools.lru_cache`, whose bookkeeping is thread-safe.
    ///
    /// ## References
    /// - [Programming FAQ: why are default values shared between objects?](https://docs.python.org/3/faq/programming.html#why-are-default-values-shared-between-objects)
    /// - [Thread safety guarantees](https://docs.python.org/3/library/threadsafety.html)
    pub struct MutableDefaultShared {
        code: "FT015",
        name: "mutable-default-shared",
        severity: Warning,
        summary: "Function run in threads changes a mutable default argument",
    }
}

/// Methods that change a list, dict, set or deque.
const MUTATORS: &[&str] = &[
    "append",
    "appendleft",
    "add",
    "insert",
    "extend",
    "extendleft",
    "update",
    "setdefault",
    "pop",
    "popleft",
    "popitem",
    "remove",
    "discard",
    "clear",
    "sort",
    "reverse",
];

/// Calls that build a new mutable container.
const CONTAINER_FACTORIES: &[&str] = &[
    "list",
    "dict",
    "set",
    "bytearray",
    "collections.defaultdict",
    "collections.Counter",
    "collections.OrderedDict",
    "collections.deque",
];

/// FT015
pub(crate) fn mutable_default_shared(
    checker: &mut Checker,
    function: &FunctionContext,
    def: &StmtFunctionDef,
) {
    let mutable_defaults: Vec<(&str, &Expr)> = def
        .parameters
        .iter_non_variadic_params()
        .filter_map(|parameter| {
            let default = parameter.default()?;
            is_mutable(checker, default).then(|| (parameter.name().as_str(), default))
        })
        // A parameter the body rebinds (`acc = acc or []`) may no longer be the default.
        .filter(|(name, _)| function.scope().is_local(name) && !rebinds(def, name))
        .collect();
    if mutable_defaults.is_empty() {
        return;
    }
    for statement in function.body.statements() {
        let Some(name) = mutated_name(&statement) else {
            continue;
        };
        let Some((name, default)) = mutable_defaults.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let stmt = statement.stmt;
        let message = format!(
            "`{}` changes the default `{name}={}`, one object shared by every call in every thread",
            checker.text(stmt.range()),
            checker.text(default.range()),
        );
        checker.report_race(&MutableDefaultShared::INFO, function, stmt.range(), message);
    }
}

fn is_mutable(checker: &Checker, expr: &Expr) -> bool {
    match expr {
        Expr::List(_)
        | Expr::Dict(_)
        | Expr::Set(_)
        | Expr::ListComp(_)
        | Expr::DictComp(_)
        | Expr::SetComp(_) => true,
        Expr::Call(call) => {
            let name = match call.func.as_ref() {
                Expr::Name(name)
                    if matches!(name.id.as_str(), "list" | "dict" | "set" | "bytearray") =>
                {
                    Some(name.id.to_string())
                }
                func => checker.model.qualified_name(func),
            };
            name.is_some_and(|name| CONTAINER_FACTORIES.contains(&name.as_str()))
        }
        _ => false,
    }
}

/// Whether the body assigns the parameter a new value.
fn rebinds(def: &StmtFunctionDef, name: &str) -> bool {
    ruff_python_ast::helpers::any_over_body(
        &def.body,
        |expr| matches!(expr, Expr::Name(n) if n.id == name && n.ctx.is_store()),
    )
}

/// The name whose object a statement changes: `n.append(x)`, `n[k] = v`, `n[k] += 1`, `del n[k]`.
fn mutated_name<'a>(statement: &Statement<'a, '_>) -> Option<&'a str> {
    let item = match statement.stmt {
        Stmt::Assign(assign) => assign.targets.iter().find_map(subscripted_name),
        Stmt::AugAssign(assign) => subscripted_name(&assign.target),
        Stmt::Delete(delete) => delete.targets.iter().find_map(subscripted_name),
        _ => None,
    };
    item.or_else(|| statement.method_receivers(MUTATORS).next())
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_mutations_of_list_dict_and_factory_defaults() {
        let source = r#"
import threading, collections
def handle(item, seen=[], cache={}, counts=collections.Counter()):
    seen.append(item)
    cache[item] = True
    counts[item] += 1
threading.Thread(target=handle, args=(1,)).start()
"#;
        assert_eq!(
            codes_at(source),
            vec![
                (4, "FT015".into()),
                (5, "FT015".into()),
                (6, "FT015".into())
            ]
        );
    }

    #[test]
    fn quiet_for_read_only_rebound_immutable_and_unthreaded_defaults() {
        let source = r#"
import threading
def lookup(key, table={"a": 1}, acc=[], names=(), opts=None):
    acc = list(acc)
    acc.append(key)
    opts = {} if opts is None else opts
    opts[key] = 1
    return table.get(key)
def setup(x, log=[]):
    log.append(x)
setup(1)
threading.Thread(target=lookup, args=("a",)).start()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
