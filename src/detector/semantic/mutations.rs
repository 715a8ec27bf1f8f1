//! Where functions change module-level containers in place (`C.append(x)`, `C[k] = v`,
//! `del C[k]`): the writers that iteration elsewhere races with.

use rustc_hash::FxHashMap;

use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextRange};

use super::{FunctionId, SemanticModel, Statement};
use crate::detector::helpers::subscripted_name;

/// Methods of `list`, `dict`, `set` and `deque` that change a container's size or contents.
const MUTATING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "extend",
    "extendleft",
    "insert",
    "add",
    "update",
    "pop",
    "popleft",
    "popitem",
    "remove",
    "discard",
    "clear",
    "setdefault",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
];

/// One in-place change of a module-level container.
#[derive(Debug, Clone)]
pub struct Mutation {
    pub function: FunctionId,
    /// The statement that changes the container.
    pub range: TextRange,
    /// Whether a lock is held around it.
    pub guarded: bool,
}

/// Module-level container name to the in-place changes functions make to it.
pub fn collect<'a>(model: &SemanticModel<'a>) -> FxHashMap<&'a str, Vec<Mutation>> {
    let mut found: FxHashMap<&'a str, Vec<Mutation>> = FxHashMap::default();
    for id in 0..model.functions.len() {
        let body = model.body(id);
        for statement in body.statements() {
            for name in mutated_names(&statement) {
                if body.scope.refers_to_module_scope(name) && model.is_module_binding(name) {
                    found.entry(name).or_default().push(Mutation {
                        function: id,
                        range: statement.stmt.range(),
                        guarded: statement.guarded,
                    });
                }
            }
        }
    }
    found
}

/// The names a statement changes in place: `n.append(...)`, `n[k] = v`, `del n[k]`.
fn mutated_names<'a>(statement: &Statement<'a, '_>) -> Vec<&'a str> {
    let targets = match statement.stmt {
        Stmt::Assign(assign) => assign.targets.as_slice(),
        Stmt::Delete(delete) => delete.targets.as_slice(),
        _ => &[],
    };
    targets
        .iter()
        .filter_map(subscripted_name)
        .chain(statement.method_receivers(MUTATING_METHODS))
        .collect()
}
