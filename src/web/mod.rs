//! The browser playground: a Yew UI on the main thread and an analysis worker that owns the
//! analysis core and a rayon pool.
//!
//! **Invariant:** the main thread never runs analysis, rayon or std locks (they trap there with
//! "Atomics.wait cannot be called in this context"); it only exchanges [`protocol`] messages
//! with the worker.

pub mod agent;
mod js;
pub mod lab;
pub mod protocol;
pub mod report;
pub mod share;
pub mod ui;
