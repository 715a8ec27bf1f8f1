//! The measured lab, worker side: a real CPU-bound kernel timed at 1, 2, ... threads on the
//! worker's rayon pool, with a USL fit of the measurements.
//!
//! **Limiting the threads.** wasm-bindgen-rayon builds its one global pool with a spawn handler
//! that starts Web Workers; a `rayon::ThreadPoolBuilder` sub-pool would start its threads with
//! `std::thread::spawn`, which is unsupported on wasm32-unknown-unknown. So the lab does not
//! build pools of `n` threads: it splits one fixed amount of work into exactly `n` equal chunks
//! with `rayon::scope` on the global pool, so that at most `n` pool threads work on it. The
//! thread counts go up to the pool's size; more chunks than pool threads would measure load
//! imbalance, not oversubscription, so the lab does not try.
//!
//! **Cancelling.** A worker busy in a synchronous loop cannot receive messages. The lab runs as
//! an async task and, after each repetition, waits for a `setTimeout(0)` (a macrotask), so that
//! a `Request::CancelLab` already queued is handled before the next repetition starts.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::advice::{UslView, usl_view};
use crate::models::{Measurement, fit_usl};

/// Kernel iterations of one repetition (the same total at every thread count: strong scaling).
pub const ITERATIONS: u64 = 40_000_000;
/// Timed repetitions at each thread count.
pub const REPETITIONS: u32 = 4;
/// The most thread counts measured.
pub const MAX_LAB_THREADS: usize = 16;

/// One timed repetition.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabPoint {
    /// Chunks the work was split into: at most this many threads ran it.
    pub threads: u32,
    /// From 1.
    pub repetition: u32,
    pub elapsed_ms: f64,
    /// Millions of kernel iterations per second.
    pub throughput: f64,
}

/// The mean of one thread count's repetitions.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabMean {
    pub threads: u32,
    pub throughput: f64,
    /// Over the mean at one thread.
    pub speedup: f64,
}

/// What the lab measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabSummary {
    pub points: Vec<LabPoint>,
    pub means: Vec<LabMean>,
    /// The USL fit, or why there is none (fewer than 3 thread counts, cancelled).
    pub fit: Result<UslView, String>,
    pub pool_threads: usize,
    pub cancelled: bool,
}

/// The thread counts measured with a pool of `pool_threads`: 1 up to the pool's size.
pub fn thread_counts(pool_threads: usize) -> Vec<u32> {
    (1..=pool_threads.clamp(1, MAX_LAB_THREADS) as u32).collect()
}

/// Means, speed-ups and a fit (when 3 or more thread counts were measured).
pub fn summarize(points: Vec<LabPoint>, pool_threads: usize, cancelled: bool) -> LabSummary {
    let mut counts: Vec<u32> = points.iter().map(|point| point.threads).collect();
    counts.sort_unstable();
    counts.dedup();
    let mean = |threads: u32| {
        let values: Vec<f64> = points
            .iter()
            .filter(|point| point.threads == threads)
            .map(|point| point.throughput)
            .collect();
        values.iter().sum::<f64>() / values.len() as f64
    };
    let base = counts
        .first()
        .map(|&threads| mean(threads) / f64::from(threads));
    let means = counts
        .iter()
        .map(|&threads| LabMean {
            threads,
            throughput: mean(threads),
            speedup: base.map_or(1.0, |base| mean(threads) / base),
        })
        .collect();
    let fit = if counts.len() < 3 {
        Err(format!(
            "a USL fit needs measurements at 3 or more thread counts; this pool has {pool_threads} thread{} (navigator.hardwareConcurrency), so only the points and the speed-up are shown",
            if pool_threads == 1 { "" } else { "s" }
        ))
    } else {
        let measurements: Vec<Measurement> = points
            .iter()
            .map(|point| Measurement::new(f64::from(point.threads), point.throughput))
            .collect();
        fit_usl(&measurements)
            .map(|fit| usl_view(&fit))
            .map_err(|error| error.to_string())
    };
    LabSummary {
        points,
        means,
        fit,
        pool_threads,
        cancelled,
    }
}

/// Runs `iterations` of a multiply-xorshift mix, split into `chunks` equal parts run as rayon
/// tasks on the global pool; returns a checksum so that the work cannot be optimised away.
pub fn kernel(chunks: usize, iterations: u64) -> u64 {
    let chunks = chunks.max(1);
    let checksum = AtomicU64::new(0);
    let per_chunk = iterations / chunks as u64;
    rayon::scope(|scope| {
        for chunk in 0..chunks {
            let checksum = &checksum;
            scope.spawn(move |_| {
                let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ chunk as u64;
                for _ in 0..per_chunk {
                    state ^= state >> 29;
                    state = state.wrapping_mul(0xBF58_476D_1CE4_E5B9);
                    state ^= state << 17;
                }
                checksum.fetch_xor(std::hint::black_box(state), Ordering::Relaxed);
            });
        }
    });
    checksum.into_inner()
}

pub use browser::{cancel, start};

mod browser {
    use std::cell::Cell;

    use super::*;
    use crate::web::agent::{now_ms, post, scope};
    use crate::web::protocol::{RequestId, Response};

    thread_local! {
        /// The lab run that may go on; any other stops at its next repetition.
        static CURRENT: Cell<Option<RequestId>> = const { Cell::new(None) };
    }

    /// Starts a lab run (replacing any running one) as a task of the worker's event loop.
    pub fn start(id: RequestId) {
        CURRENT.set(Some(id));
        wasm_bindgen_futures::spawn_local(run(id));
    }

    /// Stops run `id` after its current repetition.
    pub fn cancel(id: RequestId) {
        if CURRENT.get() == Some(id) {
            CURRENT.set(None);
        }
    }

    async fn run(id: RequestId) {
        let pool_threads = rayon::current_num_threads();
        let counts = thread_counts(pool_threads);
        let planned = counts.len() * REPETITIONS as usize;
        // Warm up: Chromium first runs wasm on its baseline compiler and tiers up hot code.
        yield_to_messages().await;
        kernel(pool_threads, ITERATIONS / 8);
        let mut points = Vec::new();
        let mut cancelled = false;
        'measure: for &threads in &counts {
            for repetition in 1..=REPETITIONS {
                yield_to_messages().await;
                if CURRENT.get() != Some(id) {
                    cancelled = true;
                    break 'measure;
                }
                let started = now_ms();
                kernel(threads as usize, ITERATIONS);
                let elapsed_ms = (now_ms() - started).max(1e-3);
                let point = LabPoint {
                    threads,
                    repetition,
                    elapsed_ms,
                    throughput: ITERATIONS as f64 / elapsed_ms / 1e3,
                };
                points.push(point);
                post(&Response::LabProgress { id, point, planned });
            }
        }
        if CURRENT.get() == Some(id) {
            CURRENT.set(None);
        }
        post(&Response::LabFinished {
            id,
            summary: summarize(points, pool_threads, cancelled),
        });
    }

    /// Resolves after a `setTimeout(0)`, letting queued messages (a cancel) run first.
    async fn yield_to_messages() {
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(threads: u32, throughput: f64) -> LabPoint {
        LabPoint {
            threads,
            repetition: 1,
            elapsed_ms: 1.0,
            throughput,
        }
    }

    #[test]
    fn two_thread_counts_give_a_speedup_but_no_fit() {
        let summary = summarize(
            vec![
                point(1, 10.0),
                point(1, 12.0),
                point(2, 20.0),
                point(2, 22.0),
            ],
            2,
            false,
        );
        assert_eq!(summary.means.len(), 2);
        assert!((summary.means[1].speedup - 21.0 / 11.0).abs() < 1e-9);
        let reason = summary.fit.unwrap_err();
        assert!(reason.contains("3 or more thread counts"), "{reason}");
    }

    #[test]
    fn three_or_more_thread_counts_are_fitted() {
        let points = [1.0, 1.9, 2.7, 3.4]
            .iter()
            .zip(1..)
            .map(|(&speedup, threads)| point(threads, 10.0 * speedup))
            .collect();
        let summary = summarize(points, 4, false);
        let fit = summary.fit.unwrap();
        assert!(fit.sigma > 0.0 && fit.r_squared > 0.9, "{fit:?}");
    }

    #[test]
    fn counts_follow_the_pool() {
        assert_eq!(thread_counts(2), vec![1, 2]);
        assert_eq!(thread_counts(0), vec![1]);
        assert_eq!(thread_counts(64).len(), MAX_LAB_THREADS);
    }

    #[test]
    fn the_kernel_is_the_same_work_however_it_is_split() {
        assert_eq!(kernel(1, 1000), kernel(1, 1000));
        assert_ne!(kernel(2, 1000), 0);
    }
}
