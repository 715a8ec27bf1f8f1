use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Would race if the code were called from threads, but no thread entry point was found.
    Info,
    /// Lost updates and races in code that runs in threads.
    Warning,
    /// Crashes, exceptions, or code that cannot be analysed (syntax errors).
    Error,
}

/// A 1-based position: `row` is the line, `column` counts characters from the line start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    pub row: usize,
    pub column: usize,
}

/// One text replacement of a fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub content: String,
    pub location: Location,
    pub end_location: Location,
}

/// How safely a fix can be applied without review, in ruff's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps the program's meaning.
    Safe,
    /// Removes the hazard but changes what the program does (a lock is created or taken):
    /// review it.
    Unsafe,
}

/// A suggested change that removes the hazard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub applicability: Applicability,
    pub message: String,
    pub edits: Vec<Edit>,
}

/// A finding, shaped like one entry of ruff's JSON output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub name: String,
    pub message: String,
    pub severity: Severity,
    pub location: Location,
    pub end_location: Location,
    pub url: Option<String>,
    pub fix: Option<Fix>,
    /// The row a suppression comment for this finding goes on: the first row of its statement.
    pub noqa_row: Option<usize>,
}
