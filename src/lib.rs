//! Aether finds free-threading hazards in Python code and models how a workload scales with
//! threads on the GIL build and on the free-threaded build of CPython (3.13t, 3.14t).
//!
//! This crate is the analysis core: plain Rust with no browser types and no I/O. The command line
//! tool (`src/main.rs`, `cli` feature) and the browser playground (`web` feature) are thin layers
//! over it. See `ARCHITECTURE.md` for the code map.

pub mod advice;
pub mod analysis;
pub mod detector;
pub mod models;
pub mod simulator;
pub mod workload_estimate;

#[cfg(any(feature = "cli", feature = "web"))]
pub mod concurrency;

#[cfg(feature = "cli")]
pub mod cli;

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod fuzzing;

#[cfg(feature = "web")]
pub mod web;

pub use analysis::Analysis;
pub use detector::{Diagnostic, Fix, Location, Severity, check_source};
