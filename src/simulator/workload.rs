//! The work of each item: how long it computes and how long it waits, drawn from a seeded
//! generator so that a run is reproducible and every run of a sweep sees the same items.

use serde::{Deserialize, Serialize};

/// How one duration (CPU time or I/O wait per item) is distributed, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "distribution")]
pub enum TimeDistribution {
    /// Every item takes exactly `mean_us`.
    Fixed { mean_us: f64 },
    /// Memoryless durations with mean `mean_us` (many short items, a few long ones).
    Exponential { mean_us: f64 },
}

impl TimeDistribution {
    /// The mean duration in microseconds.
    pub fn mean_us(self) -> f64 {
        match self {
            Self::Fixed { mean_us } | Self::Exponential { mean_us } => mean_us,
        }
    }

    fn sample(self, random: &mut SplitMix64) -> f64 {
        match self {
            Self::Fixed { mean_us } => mean_us,
            // Inverse transform; `1 - u` lies in (0, 1], so the logarithm is finite.
            Self::Exponential { mean_us } => -mean_us * (1.0 - random.next_unit()).ln(),
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast generator that is good enough for
/// drawing service times, and identical on every platform.
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The work of one item, split the way a thread performs it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct ItemWork {
    /// CPU time before taking the shared lock.
    pub unlocked_cpu_us: f64,
    /// CPU time with the shared lock held.
    pub locked_cpu_us: f64,
    /// Waiting with the GIL released, after the computation.
    pub io_us: f64,
}

/// Hands out the items in order; item `k` is the same in every run with the same seed.
pub(super) struct ItemSource {
    remaining: u64,
    cpu: TimeDistribution,
    io: TimeDistribution,
    lock_fraction: f64,
    random: SplitMix64,
}

impl ItemSource {
    pub fn new(
        items: u64,
        cpu: TimeDistribution,
        io: TimeDistribution,
        lock_fraction: f64,
        seed: u64,
    ) -> Self {
        Self {
            remaining: items,
            cpu,
            io,
            lock_fraction,
            random: SplitMix64 { state: seed },
        }
    }

    /// The next item, or `None` when all have been taken.
    pub fn next_item(&mut self) -> Option<ItemWork> {
        self.remaining = self.remaining.checked_sub(1)?;
        let cpu_us = self.cpu.sample(&mut self.random);
        let io_us = self.io.sample(&mut self.random);
        let locked_cpu_us = cpu_us * self.lock_fraction;
        Some(ItemWork {
            unlocked_cpu_us: cpu_us - locked_cpu_us,
            locked_cpu_us,
            io_us,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_samples_have_the_requested_mean() {
        let distribution = TimeDistribution::Exponential { mean_us: 250.0 };
        let mut source = ItemSource::new(100_000, distribution, distribution, 0.0, 7);
        let mut total = 0.0;
        let mut count = 0.0;
        while let Some(item) = source.next_item() {
            assert!(item.unlocked_cpu_us >= 0.0 && item.unlocked_cpu_us.is_finite());
            total += item.unlocked_cpu_us;
            count += 1.0;
        }
        assert_eq!(count, 100_000.0);
        assert!(
            (total / count - 250.0).abs() < 5.0,
            "mean {}",
            total / count
        );
    }

    #[test]
    fn the_lock_fraction_splits_the_cpu_time() {
        let mut source = ItemSource::new(
            1,
            TimeDistribution::Fixed { mean_us: 1000.0 },
            TimeDistribution::Fixed { mean_us: 10.0 },
            0.25,
            0,
        );
        let item = source.next_item().unwrap();
        assert_eq!(item.unlocked_cpu_us, 750.0);
        assert_eq!(item.locked_cpu_us, 250.0);
        assert_eq!(item.io_us, 10.0);
        assert_eq!(source.next_item(), None);
    }
}
