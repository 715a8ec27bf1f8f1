//! Scaling and migration models: the Universal Scalability Law fit, free-threading migration
//! advice, the parallel call-site veto and thread-pool sizing.
//!
//! Plain Rust with no I/O and no clock, so that it runs the same natively and on wasm32.
//! Every published figure carries its source ([`overheads`]).

pub mod csv;
pub mod migration;
pub mod overheads;
pub mod pool;
pub mod usl;
pub mod veto;

pub use csv::{CsvError, parse_measurements};
pub use migration::{
    AdviceError, CpuScaling, MigrationAdvice, MigrationInput, ThreadSpeedup, Verdict, Workload,
    advise_migration,
};
pub use overheads::{
    BuildOverhead, DISPATCH_COSTS, DispatchCost, Dispatcher, OVERHEADS, build_overhead,
};
pub use pool::{PoolSize, PoolSizeError, pool_size, python_default_workers};
pub use usl::{FitError, Measurement, ScalingClass, UslFit, UslModel, fit_usl};
pub use veto::{CallSiteFacts, Decision, ReasonCode, Veto, VetoInput, VetoReason, decide};

/// `value` with `decimals` decimals, or in scientific notation when that would print over a
/// dozen digits or round a non-zero value to zero: absurd but valid input (`--overhead 1e308`)
/// stays a readable sentence.
pub fn readable(value: f64, decimals: usize) -> String {
    let magnitude = value.abs();
    if !value.is_finite() {
        return format!("{value}");
    }
    if magnitude >= 1e9 || (magnitude != 0.0 && magnitude < 0.5 * 10f64.powi(-(decimals as i32))) {
        format!("{value:.2e}")
    } else {
        format!("{value:.decimals$}")
    }
}
