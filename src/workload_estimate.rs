//! Workload parameters read from Python source, and the scaling report the playground's
//! Scaling view draws.
//!
//! [`WorkloadEstimate`] is what the analysis reads from the function a pool or thread runs
//! ([`Analysis::workload`]): how long one item computes and how long it waits with the GIL
//! released, what share of its computation holds a lock, and how many items there are. The
//! guesses are rough on purpose: they only seed the sliders, and every guess comes with the
//! sentence that explains it.
//!
//! [`scaling_report`] runs the simulator over thread counts on both interpreters (on rayon,
//! through [`crate::simulator::sweep`]), fits the USL to the free-threaded curve and gives the
//! veto and migration verdict for the parameters, in words. Plain Rust: no I/O, no clock.

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;

/// Most items the Scaling view simulates; larger counts are capped (the curves do not change
/// shape, only the time the simulation takes).
pub const MAX_ITEMS: u64 = 20_000;
/// Items assumed when the code does not say.
pub const DEFAULT_ITEMS: u64 = 1_000;
/// CPython runs a simple loop iteration with a little arithmetic in about 50 ns.
pub const LOOP_ITERATION_US: f64 = 0.05;
/// CPU time of an item whose loop has no literal bound.
pub const UNBOUNDED_LOOP_CPU_US: f64 = 1_000.0;
/// CPU time of an item without loops: a call and a few operations.
pub const STRAIGHT_LINE_CPU_US: f64 = 20.0;

/// What the code suggests about one item's work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkloadEstimate {
    /// Items handed to threads (capped at [`MAX_ITEMS`]).
    pub items: u64,
    /// CPU time per item on the GIL build, microseconds.
    pub cpu_us: f64,
    /// Time per item spent waiting with the GIL released (I/O, sleeping), microseconds.
    pub wait_us: f64,
    /// Share of the CPU time spent holding a lock, in `[0, 1]`.
    pub lock_fraction: f64,
    /// Share of the item's operations on objects every thread touches, in `[0, 1]`. It stays 0
    /// until the sharing analysis can say which values the threads of a call site share: the
    /// line scan here cannot tell a shared object from a private one.
    pub shared_fraction: f64,
    /// The function run in threads, when one was found.
    pub function: Option<String>,
    /// Hazard codes the detector found in that function (for the veto).
    pub hazards: Vec<String>,
    /// Imports that re-enable the GIL on the free-threaded build.
    pub gil_reenabling_imports: Vec<String>,
    /// One sentence per guess, saying what in the code it comes from.
    pub evidence: Vec<String>,
}

impl Default for WorkloadEstimate {
    fn default() -> Self {
        Self {
            items: DEFAULT_ITEMS,
            cpu_us: UNBOUNDED_LOOP_CPU_US,
            wait_us: 0.0,
            lock_fraction: 0.0,
            shared_fraction: 0.0,
            function: None,
            hazards: Vec::new(),
            gil_reenabling_imports: Vec::new(),
            evidence: Vec::new(),
        }
    }
}

/// Guesses the workload of the function that `source` runs in threads (or of the whole file
/// when no pool or thread is found). See [`Analysis::workload`] to ask an analysis already made.
pub fn estimate_workload(source: &str) -> WorkloadEstimate {
    Analysis::new(source).workload(None)
}

/// `12 us`, `3.5 ms`, `1.2 s`.
pub fn human_us(us: f64) -> String {
    let us = 0.0 + us;
    if us >= 1e6 {
        format!("{:.2} s", us / 1e6)
    } else if us >= 1e3 {
        format!("{:.1} ms", us / 1e3)
    } else {
        format!("{us:.0} us")
    }
}

#[cfg(any(feature = "cli", feature = "web"))]
pub use report::*;

#[cfg(any(feature = "cli", feature = "web"))]
mod report {
    use std::time::Duration;

    use serde::{Deserialize, Serialize};

    use super::{WorkloadEstimate, human_us};
    use crate::advice::{UslView, usl_view};
    use crate::models::{
        CallSiteFacts, CpuScaling, Dispatcher, Measurement, MigrationInput, VetoInput, Workload,
        advise_migration, build_overhead, decide, fit_usl,
    };
    use crate::simulator::{
        Activity, Interpreter, SimulationConfig, SimulationError, TimeDistribution, TimelineLimits,
        simulate, sweep,
    };

    /// The most threads a sweep simulates.
    pub const MAX_SWEEP_THREADS: u32 = 64;

    /// The sliders of the Scaling view.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct ScalingParams {
        pub items: u64,
        /// CPU time per item on the GIL build, microseconds.
        pub cpu_us: f64,
        /// Wait per item with the GIL released, microseconds.
        pub wait_us: f64,
        /// Share of the CPU time holding the one shared lock.
        pub lock_fraction: f64,
        /// Share of the operations on objects every thread touches.
        pub shared_fraction: f64,
        /// How often an item releases and re-acquires the GIL.
        pub gil_releases_per_item: u32,
        pub cores: u32,
        /// Hardware threads per core.
        pub smt: u32,
        /// `3.13t` or `3.14t`.
        pub build: String,
        /// The free-threaded build's single-thread overhead (the build's published figure
        /// unless moved).
        pub overhead: f64,
        /// The thread count the timeline shows and the verdict judges.
        pub threads: u32,
    }

    impl ScalingParams {
        /// The estimate's workload on `cores` cores, 3.14t, as many threads as cores.
        pub fn from_estimate(estimate: &WorkloadEstimate, cores: u32) -> Self {
            Self {
                items: estimate.items,
                cpu_us: estimate.cpu_us,
                wait_us: estimate.wait_us,
                lock_fraction: estimate.lock_fraction,
                shared_fraction: estimate.shared_fraction,
                gil_releases_per_item: 0,
                cores: cores.max(1),
                smt: 1,
                build: crate::simulator::DEFAULT_BUILD.into(),
                overhead: SimulationConfig::default().free_threaded_overhead,
                threads: cores.max(1),
            }
        }

        /// This with the estimate's workload (items, CPU, wait, lock) and the rest kept.
        pub fn with_estimate(&self, estimate: &WorkloadEstimate) -> Self {
            Self {
                items: estimate.items,
                cpu_us: estimate.cpu_us,
                wait_us: estimate.wait_us,
                lock_fraction: estimate.lock_fraction,
                shared_fraction: estimate.shared_fraction,
                ..self.clone()
            }
        }

        /// Thread counts of the sweep: 1 to four times the cores, at most 64.
        pub fn sweep_threads(&self) -> u32 {
            self.cores.saturating_mul(4).clamp(2, MAX_SWEEP_THREADS)
        }
    }

    /// Throughputs (items per second) at one thread count.
    #[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
    pub struct ScalingPoint {
        pub threads: u32,
        pub gil: f64,
        pub free_threaded: f64,
    }

    /// One stretch of a thread's time: start and end (microseconds) and what it did, coded
    /// `running`, `gil` (waiting for the GIL), `core` (waiting for a core), `lock`, `io`.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct SegmentView {
        pub start_us: f64,
        pub end_us: f64,
        pub activity: String,
    }

    /// The start of one run's schedule, one lane per thread.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct TimelineView {
        /// `gil` or `free-threaded`.
        pub interpreter: String,
        pub threads: u32,
        pub window_us: f64,
        /// GIL (or core) hand-offs in the whole run.
        pub handoffs: u64,
        pub lanes: Vec<Vec<SegmentView>>,
    }

    /// The veto and the migration verdict, in words.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct ScalingVerdict {
        /// The migration verdict as a sentence ("migrate if you run 3 or more threads").
        pub migration: String,
        /// `migrate_now`, `migrate_if_threads` or `stay_on_gil`.
        pub migration_code: String,
        pub migration_reasons: Vec<String>,
        /// Whether the veto lets the pool run in parallel at the chosen thread count.
        pub parallel: bool,
        pub veto_reasons: Vec<String>,
        /// What the simulation says at the chosen thread count.
        pub simulated: String,
        /// The fewest simulated threads at which the free-threaded build is at least as fast.
        pub simulated_break_even: Option<u32>,
    }

    /// Everything the Scaling view draws.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    pub struct ScalingReport {
        /// The parameters simulated (the estimate's, when the request asked for it).
        pub params: ScalingParams,
        pub estimate: WorkloadEstimate,
        pub points: Vec<ScalingPoint>,
        /// The USL fitted to the free-threaded curve, or why there is none.
        pub fit: Result<UslView, String>,
        pub verdict: ScalingVerdict,
        /// The GIL build's and the free-threaded build's timelines at `params.threads`.
        pub timelines: Vec<TimelineView>,
    }

    fn config(params: &ScalingParams) -> Result<SimulationConfig, String> {
        build_overhead(&params.build)
            .ok_or_else(|| SimulationError::UnknownBuild(params.build.clone()).to_string())?;
        let config = SimulationConfig {
            items: params.items,
            cpu_per_item: TimeDistribution::Fixed {
                mean_us: params.cpu_us,
            },
            io_per_item: TimeDistribution::Fixed {
                mean_us: params.wait_us,
            },
            lock_fraction: params.lock_fraction,
            shared_fraction: params.shared_fraction,
            gil_releases_per_item: params.gil_releases_per_item,
            cores: params.cores,
            smt: params.smt,
            free_threaded_overhead: params.overhead,
            timeline: TimelineLimits {
                window_us: 0.0,
                threads: 0,
                segments_per_thread: 0,
            },
            ..SimulationConfig::default()
        };
        config.validate().map_err(|error| error.to_string())?;
        Ok(config)
    }

    /// Simulates 1 to [`ScalingParams::sweep_threads`] threads on both interpreters, fits the
    /// USL to the free-threaded curve, and judges `params.threads`.
    pub fn scaling_report(
        params: &ScalingParams,
        estimate: &WorkloadEstimate,
    ) -> Result<ScalingReport, String> {
        if params.items > super::MAX_ITEMS {
            return Err(format!(
                "{} items is more than the {} the view simulates",
                params.items,
                super::MAX_ITEMS
            ));
        }
        let config = config(params)?;
        let top = params.sweep_threads();
        let threads: Vec<u32> = (1..=top).collect();
        let runs = sweep(
            &config,
            &[Interpreter::Gil, Interpreter::FreeThreaded],
            &threads,
        )
        .map_err(|error| error.to_string())?;
        let throughput = |interpreter: Interpreter, count: u32| {
            runs.iter()
                .find(|run| run.run.interpreter == interpreter && run.run.threads == count)
                .map_or(0.0, |run| run.run.throughput)
        };
        let points: Vec<ScalingPoint> = threads
            .iter()
            .map(|&count| ScalingPoint {
                threads: count,
                gil: throughput(Interpreter::Gil, count),
                free_threaded: throughput(Interpreter::FreeThreaded, count),
            })
            .collect();

        let measurements: Vec<Measurement> = points
            .iter()
            .map(|point| Measurement::new(f64::from(point.threads), point.free_threaded))
            .collect();
        let fitted = fit_usl(&measurements).map_err(|error| error.to_string());
        let fit = fitted.as_ref().map(usl_view).map_err(Clone::clone);

        let chosen = params.threads.clamp(1, crate::simulator::MAX_THREADS);
        let timelines = timelines(&config, params, chosen)?;
        let verdict = verdict(params, estimate, &points, fitted.ok(), chosen)?;
        Ok(ScalingReport {
            params: params.clone(),
            estimate: estimate.clone(),
            points,
            fit,
            verdict,
            timelines,
        })
    }

    /// The timelines at `threads`: a window of about eight items, so that hand-offs show.
    fn timelines(
        config: &SimulationConfig,
        params: &ScalingParams,
        threads: u32,
    ) -> Result<Vec<TimelineView>, String> {
        let item_us = params.cpu_us + params.wait_us;
        let window_us = (item_us * 8.0).clamp(2_000.0, 60_000.0);
        let config = SimulationConfig {
            timeline: TimelineLimits {
                window_us,
                threads: threads.min(16),
                segments_per_thread: 400,
            },
            ..*config
        };
        [Interpreter::Gil, Interpreter::FreeThreaded]
            .into_iter()
            .map(|interpreter| {
                let run =
                    simulate(&config, interpreter, threads).map_err(|error| error.to_string())?;
                Ok(TimelineView {
                    interpreter: interpreter.name().to_owned(),
                    threads,
                    window_us,
                    handoffs: run.handoffs,
                    lanes: run
                        .timeline
                        .iter()
                        .map(|lane| {
                            lane.segments
                                .iter()
                                .map(|segment| SegmentView {
                                    start_us: segment.start_us,
                                    end_us: segment.end_us,
                                    activity: activity_code(segment.activity).to_owned(),
                                })
                                .collect()
                        })
                        .collect(),
                })
            })
            .collect()
    }

    fn activity_code(activity: Activity) -> &'static str {
        match activity {
            Activity::Running => "running",
            Activity::WaitingForGil => "gil",
            Activity::WaitingForCore => "core",
            Activity::WaitingForLock => "lock",
            Activity::Io => "io",
        }
    }

    fn verdict(
        params: &ScalingParams,
        estimate: &WorkloadEstimate,
        points: &[ScalingPoint],
        fit: Option<crate::models::UslFit>,
        threads: u32,
    ) -> Result<ScalingVerdict, String> {
        let build = build_overhead(&params.build)
            .ok_or_else(|| format!("unknown build `{}`", params.build))?;
        let overhead_source = if params.overhead == build.overhead {
            format!("{}: {}", build.build, build.source)
        } else {
            format!(
                "{}, overhead set to {:.0}%",
                build.build,
                params.overhead * 100.0
            )
        };
        let item_us = params.cpu_us + params.wait_us;
        let blocking = if item_us > 0.0 {
            (params.wait_us / item_us).min(0.99)
        } else {
            0.0
        };
        let advice = advise_migration(&MigrationInput {
            overhead: params.overhead,
            overhead_source,
            workload: Workload::BlockingRatio(blocking),
            // The locked share of the computation is serialised on either build (Amdahl).
            scaling: CpuScaling::ParallelFraction(1.0 - params.lock_fraction),
            cores: params.cores,
            threads,
        })
        .map_err(|error| error.to_string())?;

        let facts = CallSiteFacts {
            work_per_item: Some(Duration::from_nanos((item_us * 1_000.0).round() as u64)),
            usl: fit,
            hazards: estimate.hazards.clone(),
            blocking_ratio: blocking,
            gil_reenabling_imports: estimate.gil_reenabling_imports.clone(),
        };
        let veto = decide(&VetoInput {
            items: Some(params.items),
            threads,
            dispatcher: Dispatcher::PythonThreadPool,
            facts: &facts,
        });

        let simulated_break_even = points
            .iter()
            .find(|point| point.free_threaded >= point.gil)
            .map(|point| point.threads);
        let at = points.iter().find(|point| point.threads == threads);
        let simulated = match at {
            Some(point) => format!(
                "simulated with {threads} threads on {} cores: {} {:.0} items/s, GIL build {:.0} items/s ({:.2}x); one item is {} of CPU and {} of waiting",
                params.cores,
                params.build,
                point.free_threaded,
                point.gil,
                point.free_threaded / point.gil.max(f64::MIN_POSITIVE),
                human_us(params.cpu_us),
                human_us(params.wait_us)
            ),
            None => format!("{threads} threads is outside the simulated range"),
        };
        Ok(ScalingVerdict {
            migration: advice.verdict.to_string(),
            migration_code: advice.verdict.code().to_owned(),
            migration_reasons: advice.reasons,
            parallel: veto.is_parallel(),
            veto_reasons: veto
                .reasons
                .into_iter()
                .map(|reason| reason.message)
                .collect(),
            simulated,
            simulated_break_even,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IO_POOL: &str = "import requests
from concurrent.futures import ThreadPoolExecutor

def fetch(url):
    response = requests.get(url)  # waits on the network
    return response.text

with ThreadPoolExecutor(max_workers=8) as pool:
    pool.map(fetch, range(200))
";

    const CPU_POOL: &str = "from concurrent.futures import ThreadPoolExecutor

def work(seed):
    total = 0
    for i in range(100_000):
        total += i * seed
    return total

with ThreadPoolExecutor() as pool:
    list(pool.map(work, range(5000)))
";

    const LOCKED: &str = "import threading
lock = threading.Lock()
counts = {}

def count(word):
    with lock:
        counts[word] = counts.get(word, 0) + 1

threads = [threading.Thread(target=count, args=(w,)) for w in range(64)]
";

    #[test]
    fn requests_mean_waiting() {
        let estimate = estimate_workload(IO_POOL);
        assert_eq!(estimate.function.as_deref(), Some("fetch"));
        assert_eq!(estimate.items, 200);
        assert_eq!(estimate.wait_us, 50_000.0);
        assert_eq!(estimate.cpu_us, STRAIGHT_LINE_CPU_US);
        assert_eq!(estimate.lock_fraction, 0.0);
        assert!(
            estimate
                .evidence
                .iter()
                .any(|line| line.contains("requests"))
        );
    }

    #[test]
    fn arithmetic_loops_mean_cpu() {
        let estimate = estimate_workload(CPU_POOL);
        assert_eq!(estimate.items, 5000);
        assert_eq!(estimate.wait_us.to_bits(), 0.0f64.to_bits(), "not -0");
        assert!((estimate.cpu_us - 5_000.0).abs() < 1e-9, "{estimate:?}");
    }

    #[test]
    fn a_lock_in_the_worker_suggests_a_lock_fraction() {
        let estimate = estimate_workload(LOCKED);
        assert_eq!(estimate.function.as_deref(), Some("count"));
        assert!(estimate.lock_fraction >= 0.5, "{estimate:?}");
        assert!(estimate.evidence.iter().any(|line| line.contains("lock")));
    }

    #[test]
    fn sleeps_files_and_subprocesses_wait() {
        let source = "import time, subprocess
from concurrent.futures import ThreadPoolExecutor

def job(path):
    time.sleep(0.01)
    with open(path) as f:  # open( in a comment: open(
        data = f.read()
    subprocess.run(['true'])

ex = ThreadPoolExecutor()
for p in range(30):
    ex.submit(job, p)
";
        let estimate = estimate_workload(source);
        assert_eq!(estimate.items, 30);
        assert_eq!(estimate.wait_us, 10_000.0 + 2_000.0 + 20_000.0);
    }

    #[test]
    fn no_pool_means_defaults_with_a_reason() {
        let estimate = estimate_workload("x = 1\n");
        assert_eq!(estimate.items, DEFAULT_ITEMS);
        assert!(estimate.function.is_none());
        assert!(!estimate.evidence.is_empty());
        assert_eq!(estimate_workload("").items, DEFAULT_ITEMS);
    }

    #[test]
    fn huge_item_counts_are_capped() {
        let source = "from concurrent.futures import ThreadPoolExecutor
def f(x):
    return x
ThreadPoolExecutor().map(f, range(10**9))
";
        let estimate = estimate_workload(source);
        assert!(estimate.items <= MAX_ITEMS);
    }

    #[cfg(feature = "cli")]
    mod report {
        use super::super::*;

        fn params(cpu_us: f64, wait_us: f64, lock_fraction: f64) -> ScalingParams {
            ScalingParams {
                items: 2_000,
                cpu_us,
                wait_us,
                lock_fraction,
                shared_fraction: 0.0,
                gil_releases_per_item: 0,
                cores: 4,
                smt: 1,
                build: "3.14t".into(),
                overhead: 0.08,
                threads: 4,
            }
        }

        #[test]
        fn cpu_bound_work_scales_only_free_threaded() {
            let report =
                scaling_report(&params(1_000.0, 0.0, 0.0), &WorkloadEstimate::default()).unwrap();
            assert_eq!(report.points.len(), 16);
            let at4 = report.points[3];
            assert!(at4.free_threaded > 3.0 * at4.gil, "{at4:?}");
            assert_eq!(report.verdict.migration_code, "migrate_now");
            assert!(report.fit.is_ok());
            assert_eq!(report.timelines.len(), 2);
            let gil = &report.timelines[0];
            assert_eq!(gil.lanes.len(), 4);
            assert!(
                gil.lanes
                    .iter()
                    .flatten()
                    .any(|segment| segment.activity == "gil")
            );
            assert!(report.verdict.simulated.contains("4 threads"));
        }

        #[test]
        fn waiting_work_scales_on_the_gil_build_too() {
            let report =
                scaling_report(&params(100.0, 10_000.0, 0.0), &WorkloadEstimate::default())
                    .unwrap();
            let at4 = report.points[3];
            assert!(at4.gil > 3.0 * report.points[0].gil, "{at4:?}");
            assert!(!report.verdict.parallel, "mostly waiting: the veto objects");
        }

        #[test]
        fn a_held_lock_flattens_both_curves() {
            let report =
                scaling_report(&params(1_000.0, 0.0, 1.0), &WorkloadEstimate::default()).unwrap();
            let last = report.points.last().unwrap();
            assert!(last.free_threaded < 1.2 * report.points[0].free_threaded);
            assert!(
                report.timelines[1]
                    .lanes
                    .iter()
                    .flatten()
                    .any(|segment| segment.activity == "lock")
            );
        }

        #[test]
        fn bad_parameters_are_sentences() {
            let error =
                scaling_report(&params(0.0, 0.0, 0.0), &WorkloadEstimate::default()).unwrap_err();
            assert!(error.contains("no time"), "{error}");
            let mut unknown = params(1.0, 0.0, 0.0);
            unknown.build = "2.7t".into();
            assert!(scaling_report(&unknown, &WorkloadEstimate::default()).is_err());
        }
    }
}
