//! Published overhead figures the models rely on, each with its source.

use std::time::Duration;

use serde::Serialize;

/// The single-thread slowdown `r` of one free-threaded CPython build: a program runs `1 + r`
/// times as long on one thread as on the GIL build.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BuildOverhead {
    /// The build's usual name, as accepted by [`build_overhead`].
    pub build: &'static str,
    pub overhead: f64,
    pub source: &'static str,
}

/// The free-threaded builds Aether knows, newest last.
pub const OVERHEADS: &[BuildOverhead] = &[
    BuildOverhead {
        build: "3.13t",
        overhead: 0.40,
        source: "CPython 3.13 free-threading HOWTO: about 40% (specialising interpreter disabled)",
    },
    BuildOverhead {
        build: "3.14t",
        overhead: 0.08,
        source: "What's New in Python 3.14 and the 3.14 HOWTO: roughly 5-10% by platform, about 8% on x86-64 Linux",
    },
];

/// The overhead of a build by name (`"3.13t"`, `"3.14t"`).
pub fn build_overhead(build: &str) -> Option<&'static BuildOverhead> {
    OVERHEADS.iter().find(|entry| entry.build == build)
}

/// How a parallel call site hands out its work units, which sets the cost of each hand-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dispatcher {
    /// CPython's `ThreadPoolExecutor` (`submit`/`map`; `map` does not chunk for threads).
    PythonThreadPool,
    /// A new `threading.Thread` started and joined per unit.
    PythonThreadPerUnit,
    /// A rayon work-stealing pool (this crate's `concurrency` module).
    Rayon,
}

/// What handing out one unit costs and how much work a parallel job needs per core.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DispatchCost {
    pub dispatcher: Dispatcher,
    /// Cost of dispatching one unit (upper end of the published range, to be conservative).
    pub per_unit: Duration,
    /// The least total work per thread before going parallel pays.
    pub min_job_per_thread: Duration,
    pub source: &'static str,
}

/// Each dispatched unit should be at least this many times its dispatch cost.
pub const MIN_UNIT_TO_DISPATCH_RATIO: u32 = 10;

/// Dispatch costs by dispatcher.
pub const DISPATCH_COSTS: &[DispatchCost] = &[
    DispatchCost {
        dispatcher: Dispatcher::PythonThreadPool,
        per_unit: Duration::from_micros(15),
        min_job_per_thread: Duration::from_millis(1),
        source: "ThreadPoolExecutor no-op task about 10-15 us (CPython 3.11/3.13, 2 vCPUs)",
    },
    DispatchCost {
        dispatcher: Dispatcher::PythonThreadPerUnit,
        per_unit: Duration::from_micros(70),
        min_job_per_thread: Duration::from_millis(1),
        source: "thread start + join about 65-70 us (CPython 3.11/3.13, 2 vCPUs)",
    },
    DispatchCost {
        dispatcher: Dispatcher::Rayon,
        per_unit: Duration::from_nanos(15),
        // oneTBB: a parallel loop needs at least 1M cycles, about 0.33 ms at 3 GHz.
        min_job_per_thread: Duration::from_micros(333),
        source: "rayon join about 15 ns (spice README); oneTBB: a parallel loop >= 1M cycles",
    },
];

impl Dispatcher {
    pub fn cost(self) -> &'static DispatchCost {
        DISPATCH_COSTS
            .iter()
            .find(|cost| cost.dispatcher == self)
            .expect("DISPATCH_COSTS has a row for every dispatcher")
    }
}
