//! `aether fit` and `aether advise`: the scaling models on the command line.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde_json::json;

use super::Outcome;
use super::read::read_bounded;
use crate::detector::MAX_SOURCE_BYTES;
use crate::models::{
    CpuScaling, MigrationInput, UslFit, Workload, advise_migration, build_overhead, fit_usl,
    parse_measurements, pool_size,
};

#[derive(Clone, Copy, ValueEnum)]
pub enum ModelFormat {
    Text,
    Json,
}

/// The free-threaded builds `--build` accepts.
#[derive(Clone, Copy, ValueEnum)]
pub enum BuildArg {
    #[value(name = "3.13t")]
    Py313t,
    #[value(name = "3.14t")]
    Py314t,
}

impl BuildArg {
    fn name(self) -> &'static str {
        match self {
            Self::Py313t => "3.13t",
            Self::Py314t => "3.14t",
        }
    }
}

/// The flags of `aether advise`.
#[derive(clap::Args)]
pub struct AdviseArgs {
    /// The free-threaded build (default 3.14t).
    #[arg(long, value_enum)]
    pub build: Option<BuildArg>,
    /// A custom single-thread overhead r instead of --build (0.08 means 8% slower).
    #[arg(long, allow_negative_numbers = true)]
    pub overhead: Option<f64>,
    /// Cores available, 1 to 100000 (default: this machine's).
    #[arg(long)]
    pub cores: Option<u32>,
    /// Threads the program runs, 1 to 100000 (default: the cores).
    #[arg(long)]
    pub threads: Option<u32>,
    /// Parallel fraction p of the computing part, 0..=1 (default 1).
    #[arg(long, allow_negative_numbers = true)]
    pub parallel_fraction: Option<f64>,
    /// A `threads,throughput` CSV measured on the free-threaded build, fitted with the USL.
    #[arg(long)]
    pub fit: Option<PathBuf>,
    /// Share of time spent waiting with the GIL released, 0..1 (default 0, CPU-bound).
    #[arg(long, allow_negative_numbers = true)]
    pub blocking_ratio: Option<f64>,
    /// Share of the cores the thread pool should keep busy, for the pool size (0..1].
    #[arg(long, default_value_t = 1.0)]
    pub target_utilization: f64,
    #[arg(long, value_enum, default_value_t = ModelFormat::Text)]
    pub output_format: ModelFormat,
}

/// Prints the one-line error and returns the usage-error outcome.
fn fail(message: impl std::fmt::Display) -> Outcome {
    eprintln!(
        "aether: error: {}",
        super::output::printable(&message.to_string())
    );
    Outcome::Failed
}

/// Reads and fits a CSV file; the error is one line naming the file.
fn fit_file(path: &Path) -> Result<UslFit, String> {
    let shown = path.display();
    let bytes =
        read_bounded(path, MAX_SOURCE_BYTES).map_err(|error| format!("{shown}: {error}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8 text"))?;
    let measurements = parse_measurements(&text).map_err(|error| format!("{shown}: {error}"))?;
    fit_usl(&measurements).map_err(|error| format!("{shown}: {error}"))
}

/// `aether fit FILE.csv`.
pub fn run_fit(path: &Path, format: ModelFormat, out: &mut impl Write) -> Outcome {
    let fit = match fit_file(path) {
        Ok(fit) => fit,
        Err(message) => return fail(message),
    };
    let _ = match format {
        ModelFormat::Json => writeln!(
            out,
            "{:#}",
            json!({
                "sigma": fit.model.sigma,
                "kappa": fit.model.kappa,
                "lambda": fit.model.lambda,
                "peak_threads": fit.peak_threads,
                "peak_throughput": fit.peak_throughput,
                "cliff_threads": fit.cliff_threads,
                "recommended_threads": fit.recommended_threads,
                "r_squared": fit.r_squared,
            })
        ),
        ModelFormat::Text => write_fit_text(out, &fit),
    };
    Outcome::Clean
}

fn write_fit_text(out: &mut impl Write, fit: &UslFit) -> std::io::Result<()> {
    let model = &fit.model;
    writeln!(
        out,
        "Universal Scalability Law fit of {} thread counts",
        fit.points.len()
    )?;
    writeln!(out, "  sigma (contention)   {:.6}", model.sigma)?;
    writeln!(out, "  kappa (coherency)    {:.6e}", model.kappa)?;
    writeln!(out, "  lambda (1 thread)    {:.6}", model.lambda)?;
    match (fit.peak_threads, fit.peak_throughput) {
        (Some(threads), Some(throughput)) => writeln!(
            out,
            "  peak                 {threads:.2} threads, throughput {throughput:.4}"
        )?,
        (None, Some(roof)) => writeln!(
            out,
            "  peak                 none; throughput approaches {roof:.4}"
        )?,
        _ => writeln!(
            out,
            "  peak                 none; throughput grows linearly"
        )?,
    }
    match fit.cliff_threads {
        Some(cliff) => writeln!(
            out,
            "  cliff                throughput falls after {cliff} threads"
        )?,
        None => writeln!(out, "  cliff                none")?,
    }
    writeln!(out, "  recommended threads  {}", fit.recommended_threads)?;
    writeln!(out, "  R^2                  {:.4}", fit.r_squared)?;
    writeln!(out, "  scaling              {}", fit.classification)?;
    for note in &fit.notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// `aether advise`.
pub fn run_advise(args: AdviseArgs, out: &mut impl Write) -> Outcome {
    let input = match advise_input(&args) {
        Ok(input) => input,
        Err(message) => return fail(message),
    };
    let advice = match advise_migration(&input) {
        Ok(advice) => advice,
        Err(error) => return fail(error),
    };
    let usl = match &input.scaling {
        CpuScaling::Usl(model) => Some(model),
        CpuScaling::ParallelFraction(_) => None,
    };
    let blocking_ratio = args.blocking_ratio.unwrap_or(0.0);
    let pool = match pool_size(input.cores, args.target_utilization, blocking_ratio, usl) {
        Ok(pool) => pool,
        Err(error) => return fail(format!("--target-utilization: {error}")),
    };
    let _ = match args.output_format {
        ModelFormat::Json => writeln!(
            out,
            "{:#}",
            json!({
                "verdict": advice.verdict.code(),
                "break_even_threads": advice.break_even_threads,
                "speedup_at_threads": advice.speedup_at_threads,
                "reasons": advice.reasons,
                "pool_size": {
                    "threads": pool.threads,
                    "python_default": pool.python_default,
                    "reasons": pool.reasons,
                },
            })
        ),
        ModelFormat::Text => advice
            .reasons
            .iter()
            .try_for_each(|reason| writeln!(out, "{reason}"))
            .and_then(|()| {
                writeln!(
                    out,
                    "\nPool size: {} threads (Python's ThreadPoolExecutor default here: {}).",
                    pool.threads, pool.python_default
                )
            })
            .and_then(|()| {
                pool.reasons
                    .iter()
                    .try_for_each(|reason| writeln!(out, "  {reason}"))
            }),
    };
    Outcome::Clean
}

/// Checks the flags together and builds the model input; errors are one line.
fn advise_input(args: &AdviseArgs) -> Result<MigrationInput, String> {
    let (overhead, overhead_source) = match (args.build, args.overhead) {
        (Some(_), Some(_)) => {
            return Err("--build and --overhead cannot be used together".to_string());
        }
        (_, Some(overhead)) => (overhead, "given with --overhead".to_string()),
        (build, None) => {
            let name = build.unwrap_or(BuildArg::Py314t).name();
            let entry = build_overhead(name)
                .ok_or_else(|| format!("no overhead figure for build {name}"))?;
            (entry.overhead, format!("{}: {}", entry.build, entry.source))
        }
    };
    let scaling = match (args.parallel_fraction, &args.fit) {
        (Some(_), Some(_)) => {
            return Err("--parallel-fraction and --fit cannot be used together".to_string());
        }
        (Some(p), None) if !(0.0..=1.0).contains(&p) => {
            return Err(format!("--parallel-fraction {p} must be between 0 and 1"));
        }
        (Some(p), None) => CpuScaling::ParallelFraction(p),
        (None, Some(path)) => CpuScaling::Usl(fit_file(path)?.model),
        // Without a measurement assume the best case, perfectly parallel compute.
        (None, None) => CpuScaling::ParallelFraction(1.0),
    };
    let cores = match args.cores {
        Some(0) => return Err("--cores must be at least 1".to_string()),
        Some(cores) => cores,
        None => std::thread::available_parallelism()
            .map(|cores| u32::try_from(cores.get()).unwrap_or(u32::MAX))
            .unwrap_or(1),
    };
    let threads = match args.threads {
        Some(0) => return Err("--threads must be at least 1".to_string()),
        Some(threads) => threads,
        None => cores,
    };
    let workload = match args.blocking_ratio {
        Some(ratio) if !(0.0..1.0).contains(&ratio) => {
            return Err(format!(
                "--blocking-ratio {ratio} must be at least 0 and below 1 (the share of time spent waiting)"
            ));
        }
        Some(ratio) => Workload::BlockingRatio(ratio),
        None => Workload::CpuBound,
    };
    Ok(MigrationInput {
        overhead,
        overhead_source,
        workload,
        scaling,
        cores,
        threads,
    })
}
