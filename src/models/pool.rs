//! Thread-pool sizing by Little's law (Goetz, Java Concurrency in Practice 8.2):
//! `N = cores * target_utilisation * (1 + W/C)`, capped at the USL peak when one is known.

use std::fmt;

use serde::Serialize;

use super::usl::UslModel;

/// Python's `ThreadPoolExecutor` default worker count since 3.8: `min(32, cpu_count + 4)`.
pub fn python_default_workers(cpu_count: u32) -> u32 {
    cpu_count.saturating_add(4).min(32)
}

/// A recommended pool size.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolSize {
    /// The recommendation, at least 1.
    pub threads: u32,
    /// Little's law before rounding and capping.
    pub by_littles_law: f64,
    /// The USL peak that capped it, if it did.
    pub capped_at_usl_peak: Option<u32>,
    /// `min(32, cores + 4)`, for comparison.
    pub python_default: u32,
    /// The numbers behind it in plain words.
    pub reasons: Vec<String>,
}

/// Invalid pool-sizing input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PoolSizeError {
    NoCores,
    InvalidUtilisation(f64),
    InvalidBlockingRatio(f64),
}

impl fmt::Display for PoolSizeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoCores => formatter.write_str("cores must be at least 1"),
            Self::InvalidUtilisation(value) => {
                write!(
                    formatter,
                    "target utilisation {value} must be above 0 and at most 1"
                )
            }
            Self::InvalidBlockingRatio(value) => write!(
                formatter,
                "blocking ratio {value} must be at least 0 and below 1 (the share of time spent waiting)"
            ),
        }
    }
}

impl std::error::Error for PoolSizeError {}

/// Sizes a pool for work that waits `blocking_ratio = W / (C + W)` of its time, aiming at
/// `target_utilisation` of `cores`.
pub fn pool_size(
    cores: u32,
    target_utilisation: f64,
    blocking_ratio: f64,
    usl: Option<&UslModel>,
) -> Result<PoolSize, PoolSizeError> {
    if cores == 0 {
        return Err(PoolSizeError::NoCores);
    }
    if !(target_utilisation > 0.0 && target_utilisation <= 1.0) {
        return Err(PoolSizeError::InvalidUtilisation(target_utilisation));
    }
    if !(0.0..1.0).contains(&blocking_ratio) {
        return Err(PoolSizeError::InvalidBlockingRatio(blocking_ratio));
    }
    let wait_per_compute = blocking_ratio / (1.0 - blocking_ratio);
    let by_littles_law = f64::from(cores) * target_utilisation * (1.0 + wait_per_compute);
    // `as` saturates; rounding to nearest keeps 0.95 * 4 cores at 4 threads.
    let mut threads = (by_littles_law.round() as u32).max(1);
    let python_default = python_default_workers(cores);
    let mut reasons = vec![format!(
        "{cores} cores x {target_utilisation} utilisation x (1 + W/C = {wait_per_compute:.2}) = {by_littles_law:.1} threads"
    )];
    let peak = usl.and_then(UslModel::peak_whole_threads);
    let capped_at_usl_peak = peak.filter(|&peak| peak < threads);
    if let Some(peak) = capped_at_usl_peak {
        reasons.push(format!(
            "capped at {peak}, where the fitted USL peaks: more threads lower throughput"
        ));
        threads = peak;
    }
    reasons.push(format!(
        "Python's ThreadPoolExecutor default would be min(32, {cores} + 4) = {python_default}"
    ));
    Ok(PoolSize {
        threads,
        by_littles_law,
        capped_at_usl_peak,
        python_default,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn littles_law_with_waiting() {
        // 4 cores x 1.0 x (1 + 0.75/0.25) = 16.
        let size = pool_size(4, 1.0, 0.75, None).unwrap();
        assert_eq!(size.threads, 16);
        assert_eq!(size.python_default, 8);
        assert_eq!(size.capped_at_usl_peak, None);
    }

    #[test]
    fn capped_at_the_usl_peak() {
        let usl = UslModel {
            sigma: 0.02,
            kappa: 0.02,
            lambda: 1.0,
        };
        let size = pool_size(8, 1.0, 0.5, Some(&usl)).unwrap();
        assert_eq!(size.threads, 7);
        assert_eq!(size.capped_at_usl_peak, Some(7));
    }

    #[test]
    fn python_default_is_capped_at_32() {
        assert_eq!(python_default_workers(1), 5);
        assert_eq!(python_default_workers(64), 32);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(pool_size(0, 1.0, 0.0, None), Err(PoolSizeError::NoCores));
        assert!(pool_size(4, 0.0, 0.0, None).is_err());
        assert!(pool_size(4, 1.0, 1.0, None).is_err());
        assert!(pool_size(4, f64::NAN, 0.0, None).is_err());
    }
}
