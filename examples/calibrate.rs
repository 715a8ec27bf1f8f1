//! Replays published thread-scaling measurements through `aether simulate` and prints the
//! predicted speed-up against the measured one for every thread count, the absolute percentage
//! error of each point and their median (BENCHMARKS.md, "Simulator calibration").
//!
//! Usage: `calibrate <aether binary> <calibration JSON>` (what `scripts/calibrate` runs). Each
//! record's `replay` holds the `aether simulate` inputs mapped from its description; see the
//! file's `rules`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Calibration {
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    source: String,
    python: String,
    threads: Vec<u32>,
    speedup_ft: Option<Vec<f64>>,
    speedup_gil: Option<Vec<f64>>,
    single_thread_overhead: Option<f64>,
    replay: Replay,
}

#[derive(Deserialize)]
struct Replay {
    name: String,
    #[serde(default)]
    args: Vec<String>,
    /// Strong scaling: the same items at every thread count.
    items: Option<u64>,
    /// Weak scaling: this many items per thread.
    items_per_thread: Option<u64>,
    /// Only the single-thread overhead is measured.
    #[serde(default)]
    overhead_only: bool,
    /// Why the record is not replayed.
    skip: Option<String>,
}

/// A measured speed-up below this falls below 1x, above [`RISES_ABOVE`] rises above it; in
/// between the curve is flat within the sources' noise (django-bolt calls differences under
/// 10% noise).
const FALLS_BELOW: f64 = 0.95;
const RISES_ABOVE: f64 = 1.05;

struct Point {
    record: String,
    interpreter: &'static str,
    threads: u32,
    measured: f64,
    predicted: f64,
}

impl Point {
    fn error_percent(&self) -> f64 {
        100.0 * (self.predicted - self.measured).abs() / self.measured
    }

    /// The prediction is on the other side of 1x from a measurement clearly off 1x.
    fn wrong_direction(&self) -> bool {
        (self.measured < FALLS_BELOW && self.predicted > 1.0)
            || (self.measured > RISES_ABOVE && self.predicted < 1.0)
    }
}

fn main() -> ExitCode {
    let arguments: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [aether, data] = arguments.as_slice() else {
        eprintln!("usage: calibrate <aether binary> <calibration JSON>");
        return ExitCode::from(2);
    };
    match run(aether, data) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("calibrate: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(aether: &Path, data: &Path) -> Result<(), String> {
    let text =
        std::fs::read_to_string(data).map_err(|error| format!("{}: {error}", data.display()))?;
    let calibration: Calibration =
        serde_json::from_str(&text).map_err(|error| format!("{}: {error}", data.display()))?;

    let mut points = Vec::new();
    let mut overheads = Vec::new();
    println!(
        "{:<28} {:<14} {:>3} {:>9} {:>9} {:>7}",
        "record", "build", "T", "measured", "predicted", "error"
    );
    for record in &calibration.records {
        let replay = &record.replay;
        if let Some(reason) = &replay.skip {
            println!("{:<28} not replayed: {reason}", replay.name);
            continue;
        }
        if let Some(measured) = record.single_thread_overhead {
            overheads.push((
                replay.name.clone(),
                measured,
                predicted_overhead(aether, replay)?,
            ));
        }
        if replay.overhead_only {
            continue;
        }
        let curves = [
            ("free-threaded", &record.speedup_ft),
            ("gil", &record.speedup_gil),
        ];
        for (interpreter, curve) in curves {
            let Some(curve) = curve else { continue };
            for (&threads, &measured) in record
                .threads
                .iter()
                .zip(curve)
                .filter(|&(&threads, _)| threads > 1)
            {
                let predicted = predicted_speedup(aether, replay, interpreter, threads)?;
                let point = Point {
                    record: replay.name.clone(),
                    interpreter,
                    threads,
                    measured,
                    predicted,
                };
                println!(
                    "{:<28} {:<14} {:>3} {:>8.3}x {:>8.3}x {:>6.1}%{}",
                    point.record,
                    interpreter,
                    threads,
                    measured,
                    predicted,
                    point.error_percent(),
                    if point.wrong_direction() {
                        "  wrong side of 1x"
                    } else {
                        ""
                    }
                );
                points.push(point);
            }
        }
        if !record.threads.is_empty() {
            println!("{:<28} source: {} ({})", "", record.source, record.python);
        }
    }

    let mut errors: Vec<f64> = points.iter().map(Point::error_percent).collect();
    errors.sort_by(f64::total_cmp);
    println!();
    println!(
        "{} points (T > 1, both builds): median absolute error {:.1}%, mean {:.1}%, {} over 10%, worst {:.1}%",
        errors.len(),
        median(&errors),
        errors.iter().sum::<f64>() / errors.len().max(1) as f64,
        errors.iter().filter(|&&error| error > 10.0).count(),
        errors.last().copied().unwrap_or(0.0),
    );
    let mut records: Vec<&str> = points.iter().map(|point| point.record.as_str()).collect();
    records.dedup();
    for record in records {
        let mut errors: Vec<f64> = points
            .iter()
            .filter(|point| point.record == record)
            .map(Point::error_percent)
            .collect();
        errors.sort_by(f64::total_cmp);
        println!(
            "  {record:<28} median {:>5.1}% over {} points",
            median(&errors),
            errors.len()
        );
    }
    let wrong: Vec<&Point> = points
        .iter()
        .filter(|point| point.wrong_direction())
        .collect();
    println!(
        "measured below {FALLS_BELOW}x but predicted above 1x, or above {RISES_ABOVE}x but predicted below 1x: {}",
        if wrong.is_empty() {
            "none".to_owned()
        } else {
            wrong.len().to_string()
        }
    );
    for point in wrong {
        println!(
            "  {} {} T={}",
            point.record, point.interpreter, point.threads
        );
    }
    let strictly: Vec<String> = points
        .iter()
        .filter(|point| {
            (point.measured < 1.0 && point.predicted > 1.0)
                || (point.measured > 1.0 && point.predicted < 1.0)
        })
        .map(|point| {
            format!(
                "{} {} T={} ({:.3}x against {:.3}x)",
                point.record, point.interpreter, point.threads, point.measured, point.predicted
            )
        })
        .collect();
    println!(
        "on opposite sides of exactly 1x, without the noise band: {}",
        if strictly.is_empty() {
            "none".to_owned()
        } else {
            strictly.join("; ")
        }
    );

    println!();
    println!("single-thread overhead of the free-threaded build (not in the median above):");
    for (record, measured, predicted) in overheads {
        println!(
            "  {record:<28} measured {:>+7.1}%  predicted {:>+7.1}%  difference {:>5.1} points",
            100.0 * measured,
            100.0 * predicted,
            100.0 * (predicted - measured).abs()
        );
    }
    Ok(())
}

/// The speed-up `aether simulate` predicts at `threads` over 1 thread of the same build.
fn predicted_speedup(
    aether: &Path,
    replay: &Replay,
    interpreter: &str,
    threads: u32,
) -> Result<f64, String> {
    let items = match (replay.items, replay.items_per_thread) {
        (Some(items), None) => items,
        (None, Some(per_thread)) => per_thread * u64::from(threads),
        _ => {
            return Err(format!(
                "{}: give either items or items_per_thread",
                replay.name
            ));
        }
    };
    let rows = simulate(
        aether,
        &replay.args,
        &[
            "--threads",
            &threads.to_string(),
            "--items",
            &items.to_string(),
            "--interpreter",
            interpreter,
        ],
    )?;
    number(&rows, 0, "speedup")
}

/// The single-thread overhead `aether simulate` predicts: the GIL build's throughput over the
/// free-threaded build's, minus one.
fn predicted_overhead(aether: &Path, replay: &Replay) -> Result<f64, String> {
    let items = replay
        .items
        .or(replay.items_per_thread)
        .unwrap_or(100)
        .to_string();
    let rows = simulate(
        aether,
        &replay.args,
        &["--threads", "1", "--items", &items, "--interpreter", "both"],
    )?;
    Ok(1.0 / number(&rows, 1, "speedup_over_gil_one_thread")? - 1.0)
}

fn simulate(aether: &Path, args: &[String], more: &[&str]) -> Result<Vec<Value>, String> {
    let output = Command::new(aether)
        .args(["simulate", "--output-format", "json"])
        .args(args)
        .args(more)
        .output()
        .map_err(|error| format!("{}: {error}", aether.display()))?;
    if !output.status.success() {
        return Err(format!(
            "aether simulate {} {}: {}",
            args.join(" "),
            more.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("aether simulate printed no JSON: {error}"))
}

fn number(rows: &[Value], row: usize, key: &str) -> Result<f64, String> {
    rows.get(row)
        .and_then(|row| row[key].as_f64())
        .ok_or_else(|| format!("aether simulate printed no {key} in row {row}"))
}

/// The median of sorted numbers (0 for none).
fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        length if length % 2 == 1 => sorted[length / 2],
        length => (sorted[length / 2 - 1] + sorted[length / 2]) / 2.0,
    }
}
