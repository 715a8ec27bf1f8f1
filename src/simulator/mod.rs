//! A discrete-event simulation of `T` Python threads on `C` cores working through a queue of
//! items, on the GIL build and on a free-threaded build (3.13t, 3.14t).
//!
//! Where [`crate::models`] answers with closed forms, the simulator plays the schedule out, so
//! that effects the formulas leave out appear: GIL hand-offs and convoys, the switch interval, a
//! lock held while its holder is descheduled, queueing when threads outnumber cores, hardware
//! threads sharing a core, contention on objects every thread touches. Plain Rust: no I/O, no
//! clock, no browser types, and deterministic for a given seed, so it runs the same natively and
//! in the playground's worker.
//!
//! # The model
//!
//! - **Work.** `items` items sit in one shared queue (as with `ThreadPoolExecutor.map`). Each
//!   thread takes the next item, computes for its CPU time (the last `lock_fraction` of it with
//!   one shared lock held), then waits for its I/O time with the GIL released, and takes the next
//!   item. CPU and I/O times are [fixed or exponential](TimeDistribution); item `k` is the same
//!   in every run with the same seed, so runs of a sweep compare like with like.
//! - **GIL releases.** An item that releases the GIL `K = gil_releases_per_item` times (I/O
//!   calls, C code that drops it) computes in `K` equal chunks, each followed by a release; its
//!   I/O time is spread evenly over the releases. `K = 0` means one release at the end when the
//!   item waits for I/O, none otherwise.
//! - **GIL build.** One thread at a time holds the GIL and runs. A thread gives the GIL up when
//!   it releases it (above) or starts waiting for a lock another thread holds; a thread that
//!   wants the GIL waits in line, and once it has waited a switch interval (5 ms by default,
//!   `sys.getswitchinterval()`) the holder is made to drop it and queues behind the others.
//!   Every hand-off from one thread to a waiting one costs `gil_handoff_us` during which nobody
//!   runs (waking the waiter); taking a free GIL costs nothing. A release with nobody waiting
//!   costs nothing either; with threads waiting, the GIL goes to the first of them and the
//!   releasing thread queues behind the others when it wants the GIL back: the convoy that makes
//!   the GIL build slower with more threads when items release often. The GIL build uses one
//!   core.
//! - **Free-threaded build.** Threads run in parallel on the `cores * smt` hardware threads;
//!   beyond that they wait in line, and the OS preempts a running thread after a time slice when
//!   others wait (context switches cost nothing here). The OS fills idle cores first: `r`
//!   running threads keep `min(r, cores)` cores busy, and a core whose `smt` hardware threads
//!   are all busy computes `1 + smt_gain` times as much as with one. Computing is `1 + r_b`
//!   times slower than on the GIL build (`r_b` the build's overhead, from
//!   [`crate::models::build_overhead`]), and slower again by `(coherency_per_thread +
//!   shared_fraction * contended_access_cost)` for each other busy core: an operation on an
//!   object every thread touches (a reference count, a per-object lock) must first take the
//!   object's cache line back from the other cores using it. Rates follow the running threads:
//!   when one starts or stops, every computing thread's progress is re-planned.
//! - **Lock.** A `threading.Lock` with a first-come first-served queue. Waiting for it releases
//!   the GIL (as `Lock.acquire` does) and the core.
//!
//! # Simplifications
//!
//! - Every running free-threaded thread computes at the same rate: the hardware threads' gain
//!   and the contention are shared evenly rather than tied to particular cores.
//! - A thread needs the GIL (or a core) only to compute; an item with no CPU time still waits
//!   for the GIL once between two I/O waits, but a zero-length computation is never scheduled.
//! - A released GIL always goes to a thread already waiting (CPython lets the releasing thread
//!   take it back if it returns before the waiter wakes up), and releasing or re-taking it
//!   uncontended costs nothing.
//! - No memory bandwidth, caches beyond the shared objects' lines, NUMA, frequency scaling,
//!   priority or lock fairness other than first come first served; Python's `Lock` is not FIFO
//!   in reality.
//!
//! # Use
//!
//! ```
//! use aether::simulator::{Interpreter, SimulationConfig, simulate};
//! let config = SimulationConfig { items: 1_000, cores: 4, ..SimulationConfig::default() };
//! let gil = simulate(&config, Interpreter::Gil, 4).unwrap();
//! let free = simulate(&config, Interpreter::FreeThreaded, 4).unwrap();
//! assert!(free.throughput > 3.0 * gil.throughput);
//! ```
//!
//! [`sweep`] runs many thread counts and both interpreters in parallel on rayon (through
//! [`crate::concurrency::par_map`]) and adds the speed-ups.

mod engine;
mod workload;

#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use engine::{Activity, RunStats, Segment, ThreadTimeline, simulate};
pub use workload::TimeDistribution;

/// Which CPython runs the threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Interpreter {
    /// The default build: one thread runs Python at a time.
    Gil,
    /// A free-threaded build (3.13t, 3.14t): threads run in parallel.
    FreeThreaded,
}

impl Interpreter {
    /// The name used in output and on the command line: `gil`, `free-threaded`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Gil => "gil",
            Self::FreeThreaded => "free-threaded",
        }
    }
}

impl fmt::Display for Interpreter {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// How much of each run's schedule to keep as a [`ThreadTimeline`]: a bounded amount, so that
/// a sweep's output stays small.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineLimits {
    /// Keep segments that start in the first `window_us` microseconds (clipped to it).
    pub window_us: f64,
    /// Keep the timelines of the first `threads` threads.
    pub threads: u32,
    /// Keep at most this many segments per thread.
    pub segments_per_thread: u32,
}

impl Default for TimelineLimits {
    fn default() -> Self {
        Self {
            window_us: 20_000.0,
            threads: 8,
            segments_per_thread: 64,
        }
    }
}

/// Everything a run depends on besides the interpreter and the thread count.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimulationConfig {
    /// Items to process; at least 1.
    pub items: u64,
    /// CPU time per item on the GIL build (microseconds).
    pub cpu_per_item: TimeDistribution,
    /// Time per item spent waiting with the GIL released (microseconds).
    pub io_per_item: TimeDistribution,
    /// Share of each item's CPU time spent holding the one shared lock, in `[0, 1]`.
    pub lock_fraction: f64,
    /// Free-threaded build: extra CPU time per other core running at the same moment (0.02
    /// means each other busy core makes computing 2% slower).
    pub coherency_per_thread: f64,
    /// Free-threaded build: share of each item's operations on objects every thread touches,
    /// in `[0, 1]`; each costs [`contended_access_cost`](Self::contended_access_cost) more per
    /// other busy core.
    pub shared_fraction: f64,
    /// What one operation on a shared object costs per other busy core, in ordinary operations:
    /// taking the object's cache line back from the core that used it last.
    pub contended_access_cost: f64,
    /// How often an item releases and re-acquires the GIL (I/O calls, C code that drops it).
    pub gil_releases_per_item: u32,
    /// Cores available; at least 1.
    pub cores: u32,
    /// Hardware threads per core (SMT, Hyper-Threading), 1 to [`MAX_SMT`].
    pub smt: u32,
    /// How much more a core computes with all its hardware threads busy than with one
    /// (0.25 means 25% more).
    pub smt_gain: f64,
    /// Single-thread overhead `r` of the free-threaded build (0.08 means 8% slower).
    pub free_threaded_overhead: f64,
    /// The GIL build's switch interval (`sys.setswitchinterval`), microseconds.
    pub switch_interval_us: f64,
    /// Time for the GIL to pass from one thread to a waiting one, microseconds.
    pub gil_handoff_us: f64,
    /// The OS time slice after which a thread is preempted when others wait for a core.
    pub os_time_slice_us: f64,
    pub timeline: TimelineLimits,
    /// A run that needs more events than this stops with [`SimulationError::TooLong`] instead
    /// of keeping the caller waiting (very long items cut into many slices, very many items).
    pub max_events: u64,
    /// Seed of the generator that draws the exponential durations.
    pub seed: u64,
}

/// The default free-threaded build, whose overhead [`SimulationConfig::default`] uses.
pub const DEFAULT_BUILD: &str = "3.14t";
/// CPython's default switch interval, 5 ms.
pub const DEFAULT_SWITCH_INTERVAL_US: f64 = 5_000.0;
/// The default GIL hand-off: waking the waiting thread and switching to it, 10 us (a hand-off
/// traced with strace in psycopg issue 448: the releasing thread's futex wake at 254,246 us,
/// the waiter holding the GIL at 254,256 us).
pub const DEFAULT_GIL_HANDOFF_US: f64 = 10.0;
/// The default OS time slice: Linux EEVDF's base slice, 3 ms.
pub const DEFAULT_OS_TIME_SLICE_US: f64 = 3_000.0;
/// The default [`SimulationConfig::smt_gain`]: 25%, the middle of the 15-30% Intel reported for
/// its first Hyper-Threading processors (Marr et al., "Hyper-Threading Technology Architecture
/// and Microarchitecture", Intel Technology Journal 6(1), 2002).
pub const DEFAULT_SMT_GAIN: f64 = 0.25;
/// The default [`SimulationConfig::contended_access_cost`]: a cache line taken from another
/// core costs tens of nanoseconds (Schweizer, Besta and Hoefler, "Evaluating the Cost of Atomic
/// Operations on Modern Architectures", PACT 2015), about ten times a simple bytecode.
pub const DEFAULT_CONTENDED_ACCESS_COST: f64 = 10.0;
/// The most hardware threads per core: IBM POWER8 and later have eight.
pub const MAX_SMT: u32 = 8;
/// The largest [`SimulationConfig::contended_access_cost`] accepted.
pub const MAX_CONTENDED_ACCESS_COST: f64 = 1_000.0;
/// The most GIL releases per item a run accepts; each costs events, so long runs end with
/// [`SimulationError::TooLong`] well before this.
pub const MAX_GIL_RELEASES_PER_ITEM: u32 = 1_000_000;
/// The most threads a run may have.
pub const MAX_THREADS: u32 = 4096;
/// The longest mean duration accepted, about 11.6 days.
pub const MAX_DURATION_US: f64 = 1e12;
/// The default [`SimulationConfig::max_events`]: about a second of native simulation.
pub const DEFAULT_MAX_EVENTS: u64 = 20_000_000;

impl Default for SimulationConfig {
    /// 10,000 CPU-bound items of 1 ms on 8 cores without SMT, no lock, no sharing, no GIL
    /// release, 3.14t.
    fn default() -> Self {
        Self {
            items: 10_000,
            cpu_per_item: TimeDistribution::Fixed { mean_us: 1_000.0 },
            io_per_item: TimeDistribution::Fixed { mean_us: 0.0 },
            lock_fraction: 0.0,
            coherency_per_thread: 0.0,
            shared_fraction: 0.0,
            contended_access_cost: DEFAULT_CONTENDED_ACCESS_COST,
            gil_releases_per_item: 0,
            cores: 8,
            smt: 1,
            smt_gain: DEFAULT_SMT_GAIN,
            free_threaded_overhead: crate::models::build_overhead(DEFAULT_BUILD)
                .map_or(0.08, |build| build.overhead),
            switch_interval_us: DEFAULT_SWITCH_INTERVAL_US,
            gil_handoff_us: DEFAULT_GIL_HANDOFF_US,
            os_time_slice_us: DEFAULT_OS_TIME_SLICE_US,
            timeline: TimelineLimits::default(),
            max_events: DEFAULT_MAX_EVENTS,
            seed: 0,
        }
    }
}

impl SimulationConfig {
    /// This configuration with the overhead of a named free-threaded build (`"3.13t"`,
    /// `"3.14t"`, see [`crate::models::OVERHEADS`]).
    pub fn with_build(mut self, build: &str) -> Result<Self, SimulationError> {
        let entry = crate::models::build_overhead(build)
            .ok_or_else(|| SimulationError::UnknownBuild(build.to_string()))?;
        self.free_threaded_overhead = entry.overhead;
        Ok(self)
    }

    /// Checks every parameter; [`simulate`] and [`sweep`] call it first.
    pub fn validate(&self) -> Result<(), SimulationError> {
        if self.items == 0 {
            return Err(SimulationError::NoItems);
        }
        if self.cores == 0 {
            return Err(SimulationError::NoCores);
        }
        let durations = [
            ("CPU time per item", self.cpu_per_item.mean_us()),
            ("I/O time per item", self.io_per_item.mean_us()),
            ("GIL hand-off", self.gil_handoff_us),
        ];
        for (parameter, value) in durations {
            if !(0.0..=MAX_DURATION_US).contains(&value) {
                return Err(SimulationError::InvalidDuration { parameter, value });
            }
        }
        let periods = [
            ("switch interval", self.switch_interval_us),
            ("OS time slice", self.os_time_slice_us),
        ];
        for (parameter, value) in periods {
            if !(value > 0.0 && value <= MAX_DURATION_US) {
                return Err(SimulationError::InvalidPeriod { parameter, value });
            }
        }
        if self.cpu_per_item.mean_us() == 0.0 && self.io_per_item.mean_us() == 0.0 {
            return Err(SimulationError::NoWork);
        }
        if !(0.0..=1.0).contains(&self.lock_fraction) {
            return Err(SimulationError::LockFractionOutOfRange(self.lock_fraction));
        }
        if !(0.0..=1.0).contains(&self.coherency_per_thread) {
            return Err(SimulationError::InvalidCoherency(self.coherency_per_thread));
        }
        if !(0.0..=1.0).contains(&self.shared_fraction) {
            return Err(SimulationError::SharedFractionOutOfRange(
                self.shared_fraction,
            ));
        }
        if !(0.0..=MAX_CONTENDED_ACCESS_COST).contains(&self.contended_access_cost) {
            return Err(SimulationError::InvalidContendedAccessCost(
                self.contended_access_cost,
            ));
        }
        if self.gil_releases_per_item > MAX_GIL_RELEASES_PER_ITEM {
            return Err(SimulationError::TooManyGilReleases(
                self.gil_releases_per_item,
            ));
        }
        if !(1..=MAX_SMT).contains(&self.smt) {
            return Err(SimulationError::InvalidSmt(self.smt));
        }
        if !(0.0..=1.0).contains(&self.smt_gain) {
            return Err(SimulationError::InvalidSmtGain(self.smt_gain));
        }
        if !(self.free_threaded_overhead > -1.0 && self.free_threaded_overhead <= 100.0) {
            return Err(SimulationError::InvalidOverhead(
                self.free_threaded_overhead,
            ));
        }
        if !(0.0..=MAX_DURATION_US).contains(&self.timeline.window_us) {
            return Err(SimulationError::InvalidDuration {
                parameter: "timeline window",
                value: self.timeline.window_us,
            });
        }
        Ok(())
    }
}

/// Checks a thread count.
fn validate_threads(threads: u32) -> Result<(), SimulationError> {
    if threads == 0 {
        Err(SimulationError::NoThreads)
    } else if threads > MAX_THREADS {
        Err(SimulationError::TooManyThreads(threads))
    } else {
        Ok(())
    }
}

/// Why a simulation cannot run; each reads as one sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum SimulationError {
    NoItems,
    NoThreads,
    TooManyThreads(u32),
    NoCores,
    /// A duration that is negative, not finite or above [`MAX_DURATION_US`].
    InvalidDuration {
        parameter: &'static str,
        value: f64,
    },
    /// A period that is not positive, not finite or above [`MAX_DURATION_US`].
    InvalidPeriod {
        parameter: &'static str,
        value: f64,
    },
    /// Items with neither CPU time nor I/O: throughput would be infinite.
    NoWork,
    LockFractionOutOfRange(f64),
    InvalidCoherency(f64),
    SharedFractionOutOfRange(f64),
    InvalidContendedAccessCost(f64),
    TooManyGilReleases(u32),
    InvalidSmt(u32),
    InvalidSmtGain(f64),
    InvalidOverhead(f64),
    UnknownBuild(String),
    /// A sweep without thread counts or without interpreters.
    EmptySweep,
    /// The run needed more than [`SimulationConfig::max_events`] events.
    TooLong {
        max_events: u64,
    },
}

impl fmt::Display for SimulationError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoItems => formatter.write_str("the number of items must be at least 1"),
            Self::NoThreads => formatter.write_str("the number of threads must be at least 1"),
            Self::TooManyThreads(threads) => {
                write!(
                    formatter,
                    "{threads} threads is more than the {MAX_THREADS} simulated"
                )
            }
            Self::NoCores => formatter.write_str("the number of cores must be at least 1"),
            Self::InvalidDuration { parameter, value } => write!(
                formatter,
                "{parameter} {value} us must be a number from 0 to {MAX_DURATION_US:e} us"
            ),
            Self::InvalidPeriod { parameter, value } => write!(
                formatter,
                "{parameter} {value} us must be above 0 and at most {MAX_DURATION_US:e} us"
            ),
            Self::NoWork => formatter
                .write_str("items take no time at all: give a CPU time or an I/O time above 0"),
            Self::LockFractionOutOfRange(fraction) => write!(
                formatter,
                "lock fraction {fraction} must be between 0 and 1 (the share of CPU time holding the lock)"
            ),
            Self::InvalidCoherency(cost) => write!(
                formatter,
                "coherency cost {cost} must be between 0 and 1 (extra time per other running thread)"
            ),
            Self::SharedFractionOutOfRange(fraction) => write!(
                formatter,
                "shared fraction {fraction} must be between 0 and 1 (the share of operations on objects every thread touches)"
            ),
            Self::InvalidContendedAccessCost(cost) => write!(
                formatter,
                "contended access cost {cost} must be between 0 and {MAX_CONTENDED_ACCESS_COST} (operations per other busy core)"
            ),
            Self::TooManyGilReleases(releases) => write!(
                formatter,
                "{releases} GIL releases per item is more than the {MAX_GIL_RELEASES_PER_ITEM} simulated"
            ),
            Self::InvalidSmt(smt) => write!(
                formatter,
                "{smt} hardware threads per core must be between 1 and {MAX_SMT}"
            ),
            Self::InvalidSmtGain(gain) => write!(
                formatter,
                "SMT gain {gain} must be between 0 and 1 (extra throughput of a core with all its hardware threads busy)"
            ),
            Self::InvalidOverhead(overhead) => write!(
                formatter,
                "free-threaded overhead {overhead} must be above -1 and at most 100"
            ),
            Self::UnknownBuild(build) => {
                let known: Vec<&str> = crate::models::OVERHEADS
                    .iter()
                    .map(|entry| entry.build)
                    .collect();
                write!(
                    formatter,
                    "unknown build `{build}` (known: {})",
                    known.join(", ")
                )
            }
            Self::EmptySweep => {
                formatter.write_str("a sweep needs at least one thread count and one interpreter")
            }
            Self::TooLong { max_events } => write!(
                formatter,
                "the run needs more than {max_events} events: use fewer items, or items shorter than the switch interval"
            ),
        }
    }
}

impl std::error::Error for SimulationError {}

/// One run of a sweep, with its speed-ups.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunReport {
    #[serde(flatten)]
    pub run: RunStats,
    /// Throughput over the same interpreter's throughput with 1 thread.
    pub speedup: f64,
    /// Throughput over the GIL build's throughput with 1 thread.
    pub speedup_over_gil_one_thread: f64,
}

/// Runs every interpreter at every thread count (interpreters outer, thread counts inner, in
/// the order given) in parallel on the current rayon pool, plus the one-thread runs the
/// speed-ups need.
#[cfg(any(feature = "cli", feature = "web"))]
pub fn sweep(
    config: &SimulationConfig,
    interpreters: &[Interpreter],
    threads: &[u32],
) -> Result<Vec<RunReport>, SimulationError> {
    use crate::concurrency::{Options, par_map};

    if interpreters.is_empty() || threads.is_empty() {
        return Err(SimulationError::EmptySweep);
    }
    config.validate()?;
    threads
        .iter()
        .try_for_each(|&count| validate_threads(count))?;

    let mut runs: Vec<(Interpreter, u32)> = vec![(Interpreter::Gil, 1)];
    let requested = interpreters.iter().flat_map(|&interpreter| {
        std::iter::once(1)
            .chain(threads.iter().copied())
            .map(move |count| (interpreter, count))
    });
    for run in requested {
        if !runs.contains(&run) {
            runs.push(run);
        }
    }
    // The largest thread counts take longest: start them first so that rayon balances better.
    runs.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
    let (results, _) = par_map(&runs, Options::default(), |&(interpreter, count)| {
        simulate(config, interpreter, count)
    });
    let results = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    let find = |interpreter: Interpreter, count: u32| {
        results
            .iter()
            .find(|run| run.interpreter == interpreter && run.threads == count)
            .expect("every requested run and its baselines were simulated")
    };
    let gil_one_thread = find(Interpreter::Gil, 1).throughput;
    Ok(interpreters
        .iter()
        .flat_map(|&interpreter| threads.iter().map(move |&count| (interpreter, count)))
        .map(|(interpreter, count)| {
            let run = find(interpreter, count).clone();
            RunReport {
                speedup: run.throughput / find(interpreter, 1).throughput,
                speedup_over_gil_one_thread: run.throughput / gil_one_thread,
                run,
            }
        })
        .collect())
}
