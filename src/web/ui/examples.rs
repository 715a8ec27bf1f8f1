//! The Python examples the editor can load, from `www/examples/`.

pub struct Example {
    pub name: &'static str,
    pub source: &'static str,
}

/// The first entry is what a first visit shows.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "Hazards: shared counter, cache, lazy init",
        source: include_str!("../../../www/examples/hazards.py"),
    },
    Example {
        name: "Fixed with a lock",
        source: include_str!("../../../www/examples/locked.py"),
    },
];
