//! `aether simulate`: the discrete-event simulator over a sweep of thread counts.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::Outcome;
use crate::simulator::{
    DEFAULT_BUILD, DEFAULT_GIL_HANDOFF_US, DEFAULT_SWITCH_INTERVAL_US, Interpreter,
    MAX_GIL_RELEASES_PER_ITEM, MAX_SMT, MAX_THREADS, RunReport, SimulationConfig, TimeDistribution,
    sweep,
};

#[derive(Clone, Copy, ValueEnum)]
pub enum SimulateFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum InterpreterArg {
    Gil,
    FreeThreaded,
    Both,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DistributionArg {
    Fixed,
    Exponential,
}

/// The flags of `aether simulate`.
#[derive(Args)]
pub struct SimulateArgs {
    /// Thread counts: a list and/or inclusive ranges, e.g. `1,2,4,8` or `1..64`; each from 1
    /// to 4096, at most 4096 counts.
    #[arg(long, default_value = "1,2,4,8,16")]
    threads: String,
    /// Physical cores available (default: this machine's logical processors).
    #[arg(long, allow_negative_numbers = true)]
    cores: Option<i64>,
    /// Hardware threads per core (SMT, Hyper-Threading), 1..=8. A core with all of them busy
    /// computes 25% more than with one (the middle of the 15-30% Intel gives).
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    smt: i64,
    /// Mean CPU time per item, microseconds (on the GIL build).
    #[arg(long, default_value_t = 1000.0, allow_negative_numbers = true)]
    cpu_us: f64,
    /// Mean time per item waiting with the GIL released (I/O), microseconds.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    io_us: f64,
    /// How CPU and I/O times vary from item to item.
    #[arg(long, value_enum, default_value_t = DistributionArg::Fixed)]
    distribution: DistributionArg,
    /// Share of each item's CPU time spent holding one shared lock, 0..=1.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    lock_fraction: f64,
    /// Free-threaded build: extra CPU time per other busy core, 0..=1 (0.02 = 2%).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    coherency: f64,
    /// Share of each item's operations on objects every thread touches (a cached singleton, a
    /// shared dict, a module attribute), 0..=1. On the free-threaded build each such operation
    /// costs 10 more per other busy core (the object's cache line moves between cores), so
    /// heavy sharing makes more threads slower.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    shared_fraction: f64,
    /// How often an item releases and re-acquires the GIL (I/O calls, C code that drops it),
    /// 0..=1000000. On the GIL build each release with threads waiting hands the GIL over, so
    /// many releases make more threads slower. 0: once per item if it waits for I/O.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    gil_releases_per_item: i64,
    /// Items to process.
    #[arg(long, default_value_t = 10_000, allow_negative_numbers = true)]
    items: i64,
    #[arg(long, value_enum, default_value_t = InterpreterArg::Both)]
    interpreter: InterpreterArg,
    /// The free-threaded build whose single-thread overhead applies: 3.13t (40%, CPython 3.13
    /// HOWTO) or 3.14t (8%, CPython 3.14 HOWTO, x86-64 Linux).
    #[arg(long, default_value = DEFAULT_BUILD)]
    build: String,
    /// A single-thread overhead instead of the build's published figure, above -1 and at most
    /// 100 (0.08 = the free-threaded build computes 8% slower; negative = faster).
    #[arg(long, allow_negative_numbers = true)]
    overhead: Option<f64>,
    /// The GIL build's switch interval, microseconds.
    #[arg(long, default_value_t = DEFAULT_SWITCH_INTERVAL_US, allow_negative_numbers = true)]
    switch_interval_us: f64,
    /// Time for the GIL to pass to a waiting thread, microseconds.
    #[arg(long, default_value_t = DEFAULT_GIL_HANDOFF_US, allow_negative_numbers = true)]
    gil_handoff_us: f64,
    /// Seed for the exponential distribution.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[arg(long, value_enum, default_value_t = SimulateFormat::Text)]
    output_format: SimulateFormat,
    /// Include each run's per-thread timeline in the JSON output.
    #[arg(long)]
    timeline: bool,
}

/// `aether simulate`.
pub fn run(args: &SimulateArgs, out: &mut impl Write) -> Outcome {
    let reports = match configure(args).and_then(|(config, interpreters, threads)| {
        sweep(&config, &interpreters, &threads).map_err(|error| error.to_string())
    }) {
        Ok(reports) => reports,
        Err(message) => {
            eprintln!("aether: error: {}", super::output::printable(&message));
            return Outcome::Failed;
        }
    };
    let _ = match args.output_format {
        SimulateFormat::Json => write_json(out, &reports, args.timeline),
        SimulateFormat::Text => write_text(out, &reports),
    };
    Outcome::Clean
}

type Sweep = (SimulationConfig, Vec<Interpreter>, Vec<u32>);

/// Checks the flags and builds the sweep; errors are one line.
pub(super) fn configure(args: &SimulateArgs) -> Result<Sweep, String> {
    let threads = parse_thread_counts(&args.threads)?;
    let items = u64::try_from(args.items)
        .map_err(|_| format!("--items {} must be at least 1", args.items))?;
    let cores = match args.cores {
        Some(cores) => u32::try_from(cores)
            .map_err(|_| format!("--cores {cores} must be between 1 and {}", u32::MAX))?,
        None => std::thread::available_parallelism()
            .map(|cores| u32::try_from(cores.get()).unwrap_or(u32::MAX))
            .unwrap_or(1),
    };
    let smt = u32::try_from(args.smt)
        .map_err(|_| format!("--smt {} must be between 1 and {MAX_SMT}", args.smt))?;
    let gil_releases_per_item = u32::try_from(args.gil_releases_per_item).map_err(|_| {
        format!(
            "--gil-releases-per-item {} must be between 0 and {MAX_GIL_RELEASES_PER_ITEM}",
            args.gil_releases_per_item
        )
    })?;
    let distribution = |mean_us| match args.distribution {
        DistributionArg::Fixed => TimeDistribution::Fixed { mean_us },
        DistributionArg::Exponential => TimeDistribution::Exponential { mean_us },
    };
    let config = SimulationConfig {
        items,
        cpu_per_item: distribution(args.cpu_us),
        io_per_item: distribution(args.io_us),
        lock_fraction: args.lock_fraction,
        coherency_per_thread: args.coherency,
        shared_fraction: args.shared_fraction,
        gil_releases_per_item,
        cores,
        smt,
        switch_interval_us: args.switch_interval_us,
        gil_handoff_us: args.gil_handoff_us,
        seed: args.seed,
        ..SimulationConfig::default()
    }
    .with_build(&args.build)
    .map_err(|error| error.to_string())?;
    let config = SimulationConfig {
        free_threaded_overhead: args.overhead.unwrap_or(config.free_threaded_overhead),
        ..config
    };
    let interpreters = match args.interpreter {
        InterpreterArg::Gil => vec![Interpreter::Gil],
        InterpreterArg::FreeThreaded => vec![Interpreter::FreeThreaded],
        InterpreterArg::Both => vec![Interpreter::Gil, Interpreter::FreeThreaded],
    };
    Ok((config, interpreters, threads))
}

/// `1,2,4,8`, `1..64` (inclusive) or a mix, in the order given.
fn parse_thread_counts(text: &str) -> Result<Vec<u32>, String> {
    let invalid = || {
        format!(
            "--threads `{text}` must be counts or ranges like 1,2,4,8 or 1..64, each at least 1"
        )
    };
    let number = |part: &str| part.trim().parse::<u32>().ok().filter(|&count| count > 0);
    // Checked before a range is expanded: `1..1000000000` would take gigabytes.
    let within_limit = |count: u32| {
        if count > MAX_THREADS {
            Err(format!(
                "--threads: {count} is more than the {MAX_THREADS} threads simulated"
            ))
        } else {
            Ok(count)
        }
    };
    let mut counts = Vec::new();
    for part in text.split(',') {
        match part.split_once("..") {
            Some((first, last)) => {
                let (first, last) = number(first).zip(number(last)).ok_or_else(invalid)?;
                if first > last {
                    return Err(invalid());
                }
                counts.extend(within_limit(first)?..=within_limit(last)?);
            }
            None => counts.push(within_limit(number(part).ok_or_else(invalid)?)?),
        }
        if counts.len() > MAX_THREADS as usize {
            return Err(format!(
                "--threads `{text}` lists more than {MAX_THREADS} thread counts"
            ));
        }
    }
    Ok(counts)
}

fn write_json(out: &mut impl Write, reports: &[RunReport], timeline: bool) -> std::io::Result<()> {
    let mut entries = serde_json::to_value(reports)?;
    if !timeline && let Some(entries) = entries.as_array_mut() {
        for entry in entries.iter_mut().filter_map(|entry| entry.as_object_mut()) {
            entry.remove("timeline");
        }
    }
    writeln!(out, "{entries:#}")
}

fn write_text(out: &mut impl Write, reports: &[RunReport]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<14} {:>7} {:>12} {:>8} {:>9} {:>6} {:>9} {:>9}",
        "interpreter", "threads", "items/s", "speedup", "vs GIL@1", "util", "GIL wait", "lock wait"
    )?;
    for report in reports {
        let run = &report.run;
        // Shares of the threads' total time.
        let thread_time = f64::from(run.threads) * run.elapsed_us;
        writeln!(
            out,
            "{:<14} {:>7} {:>12.1} {:>8.2} {:>9.2} {:>5.0}% {:>8.1}% {:>8.1}%",
            run.interpreter.name(),
            run.threads,
            run.throughput,
            report.speedup,
            report.speedup_over_gil_one_thread,
            100.0 * run.utilization,
            100.0 * run.gil_wait_us / thread_time,
            100.0 * run.lock_wait_us / thread_time,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_thread_counts;

    #[test]
    fn thread_counts_accept_lists_and_ranges() {
        assert_eq!(parse_thread_counts("1,2,4"), Ok(vec![1, 2, 4]));
        assert_eq!(parse_thread_counts("1..3, 8"), Ok(vec![1, 2, 3, 8]));
        for bad in ["", "0", "4..2", "a", "1,,2", "-1", "1..x"] {
            assert!(parse_thread_counts(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn thread_counts_are_limited_before_ranges_are_expanded() {
        // Expanded first, this range took 3.9 GB.
        let error = parse_thread_counts("1..1000000000").unwrap_err();
        assert!(error.contains("more than the 4096"), "{error}");
        assert!(parse_thread_counts("4097").is_err());
        assert_eq!(
            parse_thread_counts("1..4096").map(|counts| counts.len()),
            Ok(4096)
        );
        let error = parse_thread_counts("1..4096,1").unwrap_err();
        assert!(error.contains("more than 4096 thread counts"), "{error}");
    }
}
