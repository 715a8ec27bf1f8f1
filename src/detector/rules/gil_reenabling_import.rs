use std::collections::HashMap;
use std::sync::LazyLock;

use super::declare_rule;
use crate::detector::Severity;
use crate::detector::checker::Checker;
use crate::detector::semantic::SemanticModel;
use ruff_text_size::TextRange;

declare_rule! {
    /// ## What it does
    /// Finds imports of packages whose extension modules turn the GIL back on in a
    /// free-threaded interpreter, or that publish no free-threaded wheels, according to the
    /// compatibility table Aether embeds (from the py-free-threading tracker, the
    /// free-threaded wheels tracker and PyPI checks; each message names its source and the
    /// date it was checked). Packages whose free-threading support their authors call
    /// experimental are reported as info.
    ///
    /// ## Why is this bad?
    /// On 3.13t and 3.14t, importing an extension module that does not declare it can run
    /// without the GIL re-enables the GIL for the whole process, with only a `RuntimeWarning`.
    /// The program silently loses its parallelism, and which races show up depends on what was
    /// imported when. Packages without free-threaded wheels are built from source on install,
    /// or fail to install. Forcing the GIL off (`PYTHON_GIL=0`) leaves every call into such a
    /// module to your own locking.
    ///
    /// ## Example
    /// ```python
    /// import orjson
    ///
    /// def dump(record):
    ///     return orjson.dumps(record)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import json
    ///
    /// def dump(record):
    ///     return json.dumps(record).encode()
    /// ```
    ///
    /// Or upgrade to a release that declares free-threading support, and check
    /// `sys._is_gil_enabled()` after your imports. The table is a snapshot: re-check the
    /// trackers for packages it marks.
    ///
    /// ## References
    /// - [Compatibility status tracking](https://py-free-threading.github.io/tracking/)
    /// - [Free-threaded wheels](https://hugovk.github.io/free-threaded-wheels/)
    /// - [Porting extension modules](https://py-free-threading.github.io/porting-extensions/)
    pub struct GilReenablingImport {
        code: "FT013",
        name: "gil-reenabling-import",
        severity: Warning,
        summary: "Import of a package that re-enables the GIL or has no free-threaded wheels",
    }
}

/// The embedded compatibility table: import name, distribution, status, since version, notes,
/// source, checked (tab-separated, one header line).
const GIL_COMPAT: &str = include_str!("../data/gil-compat.tsv");

struct Package<'t> {
    import_name: &'t str,
    distribution: &'t str,
    status: &'t str,
    notes: &'t str,
    source: &'t str,
    checked: &'t str,
}

/// The hazardous rows of the table by import name, parsed once (a file has many imports).
static HAZARDOUS_PACKAGES: LazyLock<HashMap<&'static str, Package<'static>>> =
    LazyLock::new(|| {
        GIL_COMPAT
            .lines()
            .skip(1)
            .filter_map(|line| {
                let fields: Vec<&str> = line.split('\t').collect();
                let [
                    import_name,
                    distribution,
                    status,
                    _since,
                    notes,
                    source,
                    checked,
                ] = fields[..]
                else {
                    return None;
                };
                matches!(status, "reenables_gil" | "no_ft_wheels" | "experimental").then_some((
                    import_name,
                    Package {
                        import_name,
                        distribution,
                        status,
                        notes,
                        source,
                        checked,
                    },
                ))
            })
            .collect()
    });

/// The table row for a module path (`lxml.etree` -> `lxml`), if the package is a hazard.
fn lookup(module: &str) -> Option<&'static Package<'static>> {
    let mut prefix = module;
    loop {
        if let Some(package) = HAZARDOUS_PACKAGES.get(prefix) {
            return Some(package);
        }
        prefix = &prefix[..prefix.rfind('.')?];
    }
}

/// The packages a module imports that re-enable the GIL or ship no free-threaded wheels
/// (`warning`), or whose support is experimental (`info`): where, which, and how bad.
fn hazardous_imports<'m>(
    model: &'m SemanticModel,
) -> impl Iterator<Item = (TextRange, &'static Package<'static>, Severity)> + 'm {
    model.imported_modules.iter().filter_map(|&(range, name)| {
        let package = lookup(name)?;
        let severity = match package.status {
            "reenables_gil" | "no_ft_wheels" => Severity::Warning,
            _ => Severity::Info,
        };
        Some((range, package, severity))
    })
}

/// Import names of the packages that make the free-threaded build run with the GIL.
pub(crate) fn gil_reenabling_modules(model: &SemanticModel) -> Vec<String> {
    let mut modules: Vec<String> = hazardous_imports(model)
        .filter(|(_, _, severity)| *severity >= Severity::Warning)
        .map(|(_, package, _)| package.import_name.to_string())
        .collect();
    modules.sort();
    modules.dedup();
    modules
}

/// FT013
pub(crate) fn gil_reenabling_import(checker: &mut Checker) {
    for (range, package, severity) in hazardous_imports(checker.model) {
        let what = match package.status {
            "reenables_gil" => "re-enables the GIL on free-threaded Python",
            "no_ft_wheels" => {
                "has no free-threaded (cp313t/cp314t) wheels; a source build usually re-enables the GIL"
            }
            _ => "has only experimental free-threading support",
        };
        let distribution = if package.distribution == package.import_name {
            String::new()
        } else {
            format!(" (package `{}`)", package.distribution)
        };
        let message = format!(
            "`{}`: `{}`{distribution} {what}. {} (source: {}, checked {})",
            checker.text(range),
            package.import_name,
            package.notes,
            package.source,
            package.checked,
        );
        checker.report_at(&GilReenablingImport::INFO, range, message, severity);
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::check_source;
    use crate::detector::{Diagnostic, Severity};

    fn findings(source: &str) -> Vec<(usize, Severity)> {
        check_source(source)
            .into_iter()
            .filter(|d: &Diagnostic| d.code == "FT013")
            .map(|d| (d.location.row, d.severity))
            .collect()
    }

    #[test]
    fn warns_for_gil_reenabling_and_wheel_less_packages() {
        let source = r#"
import lxml.etree
from orjson import dumps
import numpy, psycopg2 as pg
def load():
    import yaml
"#;
        assert_eq!(
            findings(source),
            vec![
                (2, Severity::Warning),
                (3, Severity::Warning),
                (4, Severity::Warning),
                (6, Severity::Info)
            ]
        );
        let message = &check_source("import regex\n")[0].message;
        assert!(message.contains("re-enables the GIL"), "{message}");
        assert!(message.contains("checked 20"), "{message}");
        // Sources are cited in words, not by address.
        assert!(message.contains("(source: GitHub issue "), "{message}");
        assert!(!message.contains("https://"), "{message}");
    }

    #[test]
    fn quiet_for_supported_pure_python_unknown_and_relative_imports() {
        let source = r#"
import numpy
import requests
import json
import lxmlish
from . import orjson
from .regex import compile
"#;
        assert_eq!(findings(source), vec![]);
    }
}
