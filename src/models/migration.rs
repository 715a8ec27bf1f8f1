//! Should this workload move to a free-threaded build? Speed-up of the free-threaded build over
//! the GIL build at each thread count, the break-even thread count and a verdict.
//!
//! The model (framed as in Hill and Marty, "Amdahl's Law in the Multicore Era", IEEE Computer
//! 2008): each unit of work holds the GIL for compute `C` and waits with the GIL released for
//! `W`, with `C + W = 1` on the GIL build. All throughputs are relative to the GIL build on one
//! thread.
//! - GIL build: waits overlap, compute is serialised: `X_g(N) = min(N, 1/C)`; CPU-bound work
//!   (`W = 0`) does not scale past one thread.
//! - Free-threaded build: one thread is `1 + r` times slower, and the compute scales with
//!   `S(n)`, Amdahl `1/((1-p) + p/n)` or a fitted USL, on at most `cores` threads:
//!   `X_f(N) = min(N / ((1+r)C + W), S(min(N, cores)) / ((1+r)C))`.
//!
//! For CPU-bound work this is `S(N)/(1+r)`, so the break-even is `p(1+r)/(p(1+r) - r)` threads
//! (only when `p > r/(1+r)`); for mixed work the free-threaded build pays from
//! `N >= (1+r) + W/C`.

use std::fmt;

use serde::Serialize;

use super::readable;
use super::usl::UslModel;

/// What the work does while it runs, as the share of its time spent waiting with the GIL
/// released (I/O, sleeping, C code that drops the GIL).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Workload {
    /// Pure Python computation: blocking ratio 0.
    CpuBound,
    /// Mostly waiting: taken as blocking ratio 0.9.
    IoBound,
    /// Half computing, half waiting: blocking ratio 0.5.
    Mixed,
    /// A measured blocking ratio `W / (C + W)`, in `[0, 1)`.
    BlockingRatio(f64),
}

impl Workload {
    /// The share of time spent waiting with the GIL released, `W / (C + W)`.
    pub fn blocking_ratio(self) -> f64 {
        match self {
            Self::CpuBound => 0.0,
            Self::IoBound => 0.9,
            Self::Mixed => 0.5,
            Self::BlockingRatio(ratio) => ratio,
        }
    }
}

/// How the computing part scales on the free-threaded build.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CpuScaling {
    /// Amdahl's law with parallel fraction `p` in `[0, 1]`.
    ParallelFraction(f64),
    /// A USL fitted on the free-threaded build (only `sigma` and `kappa` matter).
    Usl(UslModel),
}

/// Everything the advice depends on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MigrationInput {
    /// Single-thread overhead `r` of the free-threaded build (0.08 means 8% slower).
    pub overhead: f64,
    /// Where `overhead` comes from, quoted in the reasons (e.g. "3.14t: What's New ...").
    pub overhead_source: String,
    pub workload: Workload,
    pub scaling: CpuScaling,
    /// Cores available to the program.
    pub cores: u32,
    /// Threads the program plans to run.
    pub threads: u32,
}

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict", content = "threads")]
pub enum Verdict {
    /// At the planned thread count the free-threaded build is at least as fast.
    MigrateNow,
    /// It pays only from this many threads on.
    MigrateIfThreads(u32),
    /// It never catches up with the GIL build.
    StayOnGil,
}

impl Verdict {
    /// The snake_case name used in JSON output.
    pub fn code(self) -> &'static str {
        match self {
            Self::MigrateNow => "migrate_now",
            Self::MigrateIfThreads(_) => "migrate_if_threads",
            Self::StayOnGil => "stay_on_gil",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MigrateNow => formatter.write_str("migrate now"),
            Self::MigrateIfThreads(threads) => {
                write!(formatter, "migrate if you run {threads} or more threads")
            }
            Self::StayOnGil => formatter.write_str("stay on the GIL build"),
        }
    }
}

/// Relative throughputs at one thread count.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ThreadSpeedup {
    pub threads: u32,
    /// GIL build throughput relative to the GIL build on one thread.
    pub gil: f64,
    /// Free-threaded build throughput relative to the GIL build on one thread.
    pub free_threaded: f64,
    /// `free_threaded / gil`: above 1 the free-threaded build is faster.
    pub ratio: f64,
}

/// The advice.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MigrationAdvice {
    pub verdict: Verdict,
    /// The fewest threads at which the free-threaded build is at least as fast; `None` if never.
    pub break_even_threads: Option<u32>,
    /// `free_threaded / gil` at the planned thread count.
    pub speedup_at_threads: f64,
    /// The thread count with the largest ratio, and the ratio.
    pub best: ThreadSpeedup,
    /// One row for each thread count from 1 to `max(threads, cores)`.
    pub speedups: Vec<ThreadSpeedup>,
    /// The verdict explained in plain words, with the numbers.
    pub reasons: Vec<String>,
}

/// Invalid advice input.
#[derive(Clone, Debug, PartialEq)]
pub enum AdviceError {
    InvalidOverhead(f64),
    InvalidParallelFraction(f64),
    InvalidBlockingRatio(f64),
    InvalidUsl(UslModel),
    NoCores,
    NoThreads,
    /// Over [`MAX_THREADS_SEARCHED`]: the speedup table has a row a thread count.
    TooManyCores(u32),
    TooManyThreads(u32),
}

impl fmt::Display for AdviceError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidOverhead(value) => write!(
                formatter,
                "overhead {value} must be a finite number above -1 (0.08 means 8% slower)"
            ),
            Self::InvalidParallelFraction(value) => {
                write!(
                    formatter,
                    "parallel fraction {value} must be between 0 and 1"
                )
            }
            Self::InvalidBlockingRatio(value) => write!(
                formatter,
                "blocking ratio {value} must be at least 0 and below 1 (the share of time spent waiting)"
            ),
            Self::InvalidUsl(model) => write!(
                formatter,
                "USL coefficients sigma {} and kappa {} must be finite and between 0 and 1",
                model.sigma, model.kappa
            ),
            Self::NoCores => formatter.write_str("cores must be at least 1"),
            Self::NoThreads => formatter.write_str("threads must be at least 1"),
            Self::TooManyCores(cores) => write!(
                formatter,
                "{cores} cores is more than the {MAX_THREADS_SEARCHED} the advice covers"
            ),
            Self::TooManyThreads(threads) => write!(
                formatter,
                "{threads} threads is more than the {MAX_THREADS_SEARCHED} the advice covers"
            ),
        }
    }
}

impl std::error::Error for AdviceError {}

/// The break-even search stops here: past it the curves are flat or the answer is academic.
pub const MAX_THREADS_SEARCHED: u32 = 100_000;

/// A ratio within this of 1 counts as breaking even (rounding, not a real difference).
const BREAK_EVEN_TOLERANCE: f64 = 1e-9;

/// Advises on moving the workload to the free-threaded build.
pub fn advise_migration(input: &MigrationInput) -> Result<MigrationAdvice, AdviceError> {
    validate(input)?;
    let model = Throughputs::new(input);

    let table_end = input.threads.max(input.cores);
    let search_end = model.saturation_threads().max(table_end);
    let mut break_even_threads = None;
    let mut best = model.at(1);
    for threads in 1..=search_end {
        let row = model.at(threads);
        if break_even_threads.is_none() && row.ratio >= 1.0 - BREAK_EVEN_TOLERANCE {
            break_even_threads = Some(threads);
        }
        if row.ratio > best.ratio + BREAK_EVEN_TOLERANCE {
            best = row;
        }
    }
    let speedups: Vec<ThreadSpeedup> = (1..=table_end).map(|threads| model.at(threads)).collect();
    let speedup_at_threads = model.at(input.threads).ratio;

    let verdict = if speedup_at_threads >= 1.0 - BREAK_EVEN_TOLERANCE {
        Verdict::MigrateNow
    } else if let Some(threads) = break_even_threads {
        Verdict::MigrateIfThreads(threads)
    } else {
        Verdict::StayOnGil
    };
    let reasons = reasons(
        input,
        &model,
        verdict,
        break_even_threads,
        speedup_at_threads,
        best,
    );
    Ok(MigrationAdvice {
        verdict,
        break_even_threads,
        speedup_at_threads,
        best,
        speedups,
        reasons,
    })
}

fn validate(input: &MigrationInput) -> Result<(), AdviceError> {
    if !(input.overhead.is_finite() && input.overhead > -1.0) {
        return Err(AdviceError::InvalidOverhead(input.overhead));
    }
    let blocking = input.workload.blocking_ratio();
    if !(0.0..1.0).contains(&blocking) {
        return Err(AdviceError::InvalidBlockingRatio(blocking));
    }
    match input.scaling {
        CpuScaling::ParallelFraction(p) if !(0.0..=1.0).contains(&p) => {
            return Err(AdviceError::InvalidParallelFraction(p));
        }
        CpuScaling::Usl(model)
            if !((0.0..=1.0).contains(&model.sigma) && (0.0..=1.0).contains(&model.kappa)) =>
        {
            return Err(AdviceError::InvalidUsl(model));
        }
        _ => {}
    }
    if input.cores == 0 {
        return Err(AdviceError::NoCores);
    }
    if input.threads == 0 {
        return Err(AdviceError::NoThreads);
    }
    if input.cores > MAX_THREADS_SEARCHED {
        return Err(AdviceError::TooManyCores(input.cores));
    }
    if input.threads > MAX_THREADS_SEARCHED {
        return Err(AdviceError::TooManyThreads(input.threads));
    }
    Ok(())
}

/// The two builds' throughput curves for one input.
struct Throughputs {
    slowdown: f64,
    compute: f64,
    wait: f64,
    scaling: CpuScaling,
    cores: u32,
}

impl Throughputs {
    fn new(input: &MigrationInput) -> Self {
        let wait = input.workload.blocking_ratio();
        Self {
            slowdown: 1.0 + input.overhead,
            compute: 1.0 - wait,
            wait,
            scaling: input.scaling,
            cores: input.cores,
        }
    }

    /// Speed-up of the computing part on `threads` threads of the free-threaded build.
    fn compute_speedup(&self, threads: f64) -> f64 {
        match self.scaling {
            CpuScaling::ParallelFraction(p) => 1.0 / ((1.0 - p) + p / threads),
            CpuScaling::Usl(model) => model.relative_speedup(threads),
        }
    }

    fn at(&self, threads: u32) -> ThreadSpeedup {
        let n = f64::from(threads);
        let gil = n.min(1.0 / self.compute);
        let on_cores = f64::from(threads.min(self.cores));
        let ft_compute = self.slowdown * self.compute;
        let free_threaded =
            (n / (ft_compute + self.wait)).min(self.compute_speedup(on_cores) / ft_compute);
        ThreadSpeedup {
            threads,
            gil,
            free_threaded,
            ratio: free_threaded / gil,
        }
    }

    /// Past this thread count neither curve changes any more (both are capped).
    fn saturation_threads(&self) -> u32 {
        let wait_per_compute = self.wait / self.compute;
        let free_threaded_cap =
            f64::from(self.cores) * (1.0 + wait_per_compute / self.slowdown.max(f64::MIN_POSITIVE));
        let gil_cap = 1.0 + wait_per_compute;
        let end = free_threaded_cap.max(gil_cap).ceil() + 1.0;
        // `as` saturates, and the search is bounded either way.
        (end as u32).min(MAX_THREADS_SEARCHED)
    }
}

fn reasons(
    input: &MigrationInput,
    model: &Throughputs,
    verdict: Verdict,
    break_even: Option<u32>,
    speedup_at_threads: f64,
    best: ThreadSpeedup,
) -> Vec<String> {
    // r x 100 overflows for r near f64::MAX: the percentage is then left out.
    let percent = input.overhead.abs() * 100.0;
    let change = if percent.is_finite() {
        format!("{}% ", readable(percent, 0))
    } else {
        String::new()
    };
    let mut reasons = vec![format!(
        "One thread runs {change}{} on the free-threaded build (r = {}; {}).",
        if input.overhead >= 0.0 {
            "slower"
        } else {
            "faster"
        },
        readable_ratio(input.overhead),
        input.overhead_source
    )];
    if model.wait == 0.0 {
        reasons.push(
            "The work is CPU-bound: on the GIL build it does not speed up past one thread."
                .to_string(),
        );
    } else {
        reasons.push(format!(
            "The work waits {:.0}% of its time with the GIL released: the GIL build reaches at most {:.2}x with {} or more threads.",
            model.wait * 100.0,
            1.0 / model.compute,
            // Tolerance: 1/C is often a whole number give or take rounding.
            (1.0 / model.compute - 1e-9).ceil()
        ));
    }
    match input.scaling {
        CpuScaling::ParallelFraction(p) => {
            let needed = input.overhead / (1.0 + input.overhead);
            reasons.push(format!(
                "Its computing part is {:.0}% parallel (Amdahl): on {} cores it speeds up at most {:.2}x.",
                p * 100.0,
                input.cores,
                model.compute_speedup(f64::from(input.cores))
            ));
            if model.wait == 0.0 && p <= needed {
                reasons.push(format!(
                    "To make up for the overhead the parallel fraction must exceed r/(1+r) = {}; it is {p}.",
                    readable(needed, 3)
                ));
            }
        }
        CpuScaling::Usl(usl) => reasons.push(format!(
            "Its computing part follows the fitted USL (sigma = {:.4}, kappa = {:.3e}), {}.",
            usl.sigma,
            usl.kappa,
            match usl.peak_whole_threads() {
                Some(peak) => format!("peaking at {peak} threads"),
                None => "which never peaks".to_string(),
            }
        )),
    }
    reasons.push(format!(
        "At {} threads on {} cores the free-threaded build runs at {}x the GIL build.",
        input.threads,
        input.cores,
        readable(speedup_at_threads, 2)
    ));
    match break_even {
        Some(threads) => reasons.push(format!("It breaks even at {threads} threads.")),
        None => reasons.push(format!(
            "It never catches up with the GIL build (searched up to {} threads).",
            model
                .saturation_threads()
                .max(input.threads.max(input.cores))
        )),
    }
    if best.ratio > 1.0 {
        reasons.push(format!(
            "Its best gain is {}x, at {} threads.",
            readable(best.ratio, 2),
            best.threads
        ));
    }
    if let Verdict::MigrateIfThreads(threads) = verdict
        && threads < input.threads
    {
        // The window closes at the last thread count that still breaks even.
        let window_end = (threads..input.threads)
            .take_while(|&n| model.at(n).ratio >= 1.0 - BREAK_EVEN_TOLERANCE)
            .last()
            .unwrap_or(threads);
        reasons.push(format!(
            "At the planned {} threads coherency costs drag it back below the GIL build: it pays from {} to {} threads.",
            input.threads, threads, window_end
        ));
    }
    reasons.push(format!("Verdict: {verdict}."));
    reasons
}

/// `r` as given, in scientific notation when plain digits would run long.
fn readable_ratio(value: f64) -> String {
    let plain = value.to_string();
    if plain.len() > 12 {
        format!("{value:.3e}")
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn input(overhead: f64, p: f64, cores: u32, threads: u32) -> MigrationInput {
        MigrationInput {
            overhead,
            overhead_source: "test".to_string(),
            workload: Workload::CpuBound,
            scaling: CpuScaling::ParallelFraction(p),
            cores,
            threads,
        }
    }

    /// Lower is better: MigrateNow, then MigrateIfThreads by thread count, then StayOnGil.
    fn rank(verdict: Verdict) -> (u8, u32) {
        match verdict {
            Verdict::MigrateNow => (0, 0),
            Verdict::MigrateIfThreads(threads) => (1, threads),
            Verdict::StayOnGil => (2, 0),
        }
    }

    #[test]
    fn cpu_bound_break_even_matches_the_closed_form() {
        // N_be = p(1+r) / (p(1+r) - r) = 0.9*1.4 / (1.26 - 0.4) = 1.465 -> 2.
        let advice = advise_migration(&input(0.4, 0.9, 64, 1)).unwrap();
        assert_eq!(advice.break_even_threads, Some(2));
        assert_eq!(advice.verdict, Verdict::MigrateIfThreads(2));
        // Best gain 1/((1+r)(1-p)) approached with many cores.
        let best = advice.best.ratio;
        assert!(best < 1.0 / (1.4 * 0.1) && best > 5.0, "{best}");
    }

    #[test]
    fn serial_work_stays_on_the_gil_build() {
        // p must exceed r/(1+r) = 0.0741 for 3.14t.
        let advice = advise_migration(&input(0.08, 0.05, 64, 8)).unwrap();
        assert_eq!(advice.verdict, Verdict::StayOnGil);
        assert_eq!(advice.break_even_threads, None);
        assert!(
            advice
                .reasons
                .iter()
                .any(|reason| reason.contains("r/(1+r)"))
        );
    }

    #[test]
    fn mixed_work_pays_from_one_plus_r_plus_w_over_c() {
        // W/C = 9, r = 0.08: the free-threaded build pays from N >= 10.08.
        let advice = advise_migration(&MigrationInput {
            workload: Workload::BlockingRatio(0.9),
            ..input(0.08, 1.0, 2, 4)
        })
        .unwrap();
        assert_eq!(advice.break_even_threads, Some(11));
        assert_eq!(advice.verdict, Verdict::MigrateIfThreads(11));
    }

    #[test]
    fn usl_coherency_closes_the_window() {
        let usl = UslModel {
            sigma: 0.02,
            kappa: 0.02,
            lambda: 1.0,
        };
        let advice = advise_migration(&MigrationInput {
            scaling: CpuScaling::Usl(usl),
            ..input(0.4, 1.0, 64, 64)
        })
        .unwrap();
        // (1+r)kappa N^2 + ((1+r)(sigma-kappa) - 1) N + (1+r)(1-sigma) <= 0 between its roots.
        let (a, b, c): (f64, f64, f64) = (1.4 * 0.02, -1.0, 1.4 * 0.98);
        let root = |sign: f64| (-b + sign * (b * b - 4.0 * a * c).sqrt()) / (2.0 * a);
        assert_eq!(advice.break_even_threads, Some(root(-1.0).ceil() as u32));
        assert_eq!(
            advice.verdict,
            Verdict::MigrateIfThreads(root(-1.0).ceil() as u32)
        );
        assert!(advice.speedup_at_threads < 1.0);
        assert!(
            advice
                .reasons
                .iter()
                .any(|reason| reason.contains("drag it back"))
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(
            advise_migration(&input(0.08, 1.5, 4, 4)),
            Err(AdviceError::InvalidParallelFraction(1.5))
        );
        assert_eq!(
            advise_migration(&input(0.08, 0.5, 0, 4)),
            Err(AdviceError::NoCores)
        );
        assert_eq!(
            advise_migration(&input(0.08, 0.5, 4, 0)),
            Err(AdviceError::NoThreads)
        );
        // Refused before the table of a row a thread count is allocated (3.2 GB at 10^8).
        assert_eq!(
            advise_migration(&input(0.08, 0.5, 4, 100_000_000)),
            Err(AdviceError::TooManyThreads(100_000_000))
        );
        assert_eq!(
            advise_migration(&input(0.08, 0.5, u32::MAX, 4)),
            Err(AdviceError::TooManyCores(u32::MAX))
        );
        assert!(advise_migration(&input(f64::NAN, 0.5, 4, 4)).is_err());
        let waiting_only = MigrationInput {
            workload: Workload::BlockingRatio(1.0),
            ..input(0.08, 0.5, 4, 4)
        };
        assert!(advise_migration(&waiting_only).is_err());
    }

    #[test]
    fn absurd_but_valid_numbers_print_readably() {
        let advice = advise_migration(&input(1e308, 1.0, 4, 4)).unwrap();
        for reason in &advice.reasons {
            assert!(reason.len() < 200 && !reason.contains("inf"), "{reason}");
        }
        assert!(
            advice.reasons[0].contains("r = 1.000e308"),
            "{:?}",
            advice.reasons
        );
        assert_eq!(readable(4e-308, 2), "4.00e-308");
        assert_eq!(readable(4e7, 2), "40000000.00");
        assert_eq!(readable(1.5e12, 2), "1.50e12");
        assert_eq!(readable(0.0, 2), "0.00");
    }

    proptest! {
        #[test]
        fn more_overhead_never_gives_a_better_verdict(
            low in 0.0f64..1.0,
            extra in 0.0f64..1.0,
            p in 0.0f64..=1.0,
            blocking in 0.0f64..0.95,
            cores in 1u32..64,
            threads in 1u32..64,
        ) {
            let at = |overhead| {
                advise_migration(&MigrationInput {
                    workload: Workload::BlockingRatio(blocking),
                    ..input(overhead, p, cores, threads)
                })
                .unwrap()
            };
            let (better, worse) = (at(low), at(low + extra));
            prop_assert!(rank(better.verdict) <= rank(worse.verdict));
            prop_assert!(better.speedup_at_threads >= worse.speedup_at_threads);
            prop_assert!(better.speedups.iter().all(|row| row.ratio.is_finite()));
        }
    }
}
