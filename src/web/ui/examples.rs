//! The example programs (`www/examples/`): one per hazard family, each with its fixed version.

#[derive(Debug, PartialEq)]
pub struct Example {
    /// Names the example in the menu's `<option>` values.
    pub id: &'static str,
    pub name: &'static str,
    /// The rules the hazardous version trips.
    pub rules: &'static [&'static str],
    pub source: &'static str,
    /// The same program without the hazard.
    pub fixed: &'static str,
}

macro_rules! example {
    ($id:literal, $name:literal, [$($rule:literal),+]) => {
        Example {
            id: $id,
            name: $name,
            rules: &[$($rule),+],
            source: include_str!(concat!("../../../www/examples/", $id, ".py")),
            fixed: include_str!(concat!("../../../www/examples/", $id, "_fixed.py")),
        }
    };
}

/// The first entry is what a first visit shows.
pub const EXAMPLES: &[Example] = &[
    example!(
        "hazards",
        "Overview: a counter, a cache and a lazy global",
        ["FT001", "FT002", "FT003"]
    ),
    example!("counter", "Shared counter (global +=)", ["FT001"]),
    example!("cache", "Check-then-act on a shared dict", ["FT002"]),
    example!("lazy_init", "Lazy initialisation of a global", ["FT003"]),
    example!("class_counter", "Class attribute counter", ["FT004"]),
    example!("shared_instance", "Object shared by threads", ["FT005"]),
    example!("closure", "Closure variable (nonlocal)", ["FT006"]),
    example!("word_count", "Dict item update (d[k] += 1)", ["FT007"]),
    example!("process_state", "Process-wide state (os.chdir)", ["FT008"]),
    example!(
        "lock_misuse",
        "Locks that protect nothing",
        ["FT011", "FT012"]
    ),
    example!("generator", "Generator shared by threads", ["FT014"]),
    example!("mutable_default", "Mutable default argument", ["FT015"]),
    example!(
        "iterate",
        "Iterating while another thread changes",
        ["FT016"]
    ),
    example!("copy_clear", "Copy, then clear a shared buffer", ["FT017"]),
    example!(
        "rate_limiter",
        "Fields that must change together",
        ["FT005", "FT018"]
    ),
];

pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|example| example.id == id)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::{Severity, check_source};

    /// Codes of the findings that make `aether check` fail (warnings and errors).
    fn failing_codes(source: &str) -> BTreeSet<String> {
        check_source(source)
            .into_iter()
            .filter(|diagnostic| diagnostic.severity >= Severity::Warning)
            .map(|diagnostic| diagnostic.code)
            .collect()
    }

    #[test]
    fn each_example_trips_its_rules_and_its_fix_trips_none() {
        for example in EXAMPLES {
            let expected: BTreeSet<String> =
                example.rules.iter().map(|code| code.to_string()).collect();
            let found = failing_codes(example.source);
            assert!(
                expected.is_subset(&found),
                "{}: expected {expected:?}, found {found:?}",
                example.id
            );
            assert_eq!(
                failing_codes(example.fixed),
                BTreeSet::new(),
                "{} fixed",
                example.id
            );
        }
    }

    #[test]
    fn there_are_at_least_ten_families_with_unique_ids() {
        let ids: BTreeSet<_> = EXAMPLES.iter().map(|example| example.id).collect();
        assert_eq!(ids.len(), EXAMPLES.len());
        let rules: BTreeSet<_> = EXAMPLES.iter().flat_map(|example| example.rules).collect();
        assert!(rules.len() >= 10, "{rules:?}");
        assert_eq!(
            find("cache").map(|example| example.rules),
            Some(&["FT002"][..])
        );
    }
}
