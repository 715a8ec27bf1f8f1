//! Structured data parallelism over rayon, with the [veto](crate::models::veto) applied before
//! any work starts and [`Metrics`] reported after.
//!
//! A vetoed call runs sequentially on the calling thread and says why; either way the results
//! are the same and in the same order. The pool is rayon's current one, so
//! `ThreadPool::install` chooses the thread count.
//!
//! Time comes from a caller-supplied [`Clock`]: `std::time::Instant` panics on wasm32, so this
//! module never reads a clock itself.
//!
//! ```
//! use aether::concurrency::{DataParallel, Options};
//! let items: Vec<u64> = (0..1000).collect();
//! let (squares, metrics) = DataParallel::new(&items, Options::default())
//!     .map(|x| x * x)
//!     .filter(|square| square % 2 == 0)
//!     .collect();
//! assert_eq!(squares.len(), 500);
//! assert_eq!(metrics.items, 1000);
//! ```

use std::marker::PhantomData;
use std::time::Duration;

use rayon::prelude::*;

use crate::models::overheads::Dispatcher;
use crate::models::veto::{CallSiteFacts, Veto, VetoInput, VetoReason, decide};

/// A monotonic clock: the time since some fixed origin.
pub trait Clock: Sync {
    fn now(&self) -> Duration;
}

impl<F: Fn() -> Duration + Sync> Clock for F {
    fn now(&self) -> Duration {
        self()
    }
}

/// What a parallel call knows about itself, and how to time it.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// Facts for the veto; `None` judges on size and thread count alone.
    pub facts: Option<&'a CallSiteFacts>,
    /// Clock for [`Metrics::elapsed`]; `None` leaves timing out.
    pub clock: Option<&'a dyn Clock>,
}

impl<'a> Options<'a> {
    pub fn with_facts(mut self, facts: &'a CallSiteFacts) -> Self {
        self.facts = Some(facts);
        self
    }

    pub fn with_clock(mut self, clock: &'a dyn Clock) -> Self {
        self.clock = Some(clock);
        self
    }
}

/// What a call did.
#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    /// Items in the input.
    pub items: usize,
    /// Wall time, when a clock was given.
    pub elapsed: Option<Duration>,
    /// Items per second, when a clock was given and time passed.
    pub throughput: Option<f64>,
    /// Threads that could take part (1 when run sequentially).
    pub threads_used: usize,
    pub ran_sequentially: bool,
    /// Why it ran sequentially; empty when it ran in parallel.
    pub reasons: Vec<VetoReason>,
}

/// The veto for `items` items on the current rayon pool.
fn veto_for(items: usize, options: &Options<'_>) -> Veto {
    let no_facts = CallSiteFacts::default();
    decide(&VetoInput {
        items: u64::try_from(items).ok(),
        threads: u32::try_from(rayon::current_num_threads()).unwrap_or(u32::MAX),
        dispatcher: Dispatcher::Rayon,
        facts: options.facts.unwrap_or(&no_facts),
    })
}

/// Decides, runs `parallel` or `sequential` accordingly, and measures.
fn run<R>(
    items: usize,
    options: &Options<'_>,
    parallel: impl FnOnce() -> R,
    sequential: impl FnOnce() -> R,
) -> (R, Metrics) {
    let veto = veto_for(items, options);
    let started = options.clock.map(Clock::now);
    let ran_sequentially = !veto.is_parallel();
    let result = if ran_sequentially {
        sequential()
    } else {
        parallel()
    };
    let elapsed = options
        .clock
        .zip(started)
        .map(|(clock, started)| clock.now().saturating_sub(started));
    let throughput = elapsed
        .filter(|elapsed| !elapsed.is_zero())
        .map(|elapsed| items as f64 / elapsed.as_secs_f64());
    let metrics = Metrics {
        items,
        elapsed,
        throughput,
        threads_used: if ran_sequentially {
            1
        } else {
            rayon::current_num_threads()
        },
        ran_sequentially,
        reasons: veto.reasons,
    };
    (result, metrics)
}

/// Applies `f` to every item, keeping order.
pub fn par_map<T, U, F>(items: &[T], options: Options<'_>, f: F) -> (Vec<U>, Metrics)
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync + Send,
{
    run(
        items.len(),
        &options,
        || items.par_iter().map(&f).collect(),
        || items.iter().map(&f).collect(),
    )
}

/// The items for which `keep` is true, in order.
pub fn par_filter<'i, T, F>(items: &'i [T], options: Options<'_>, keep: F) -> (Vec<&'i T>, Metrics)
where
    T: Sync,
    F: Fn(&T) -> bool + Sync + Send,
{
    run(
        items.len(),
        &options,
        || items.par_iter().filter(|item| keep(item)).collect(),
        || items.iter().filter(|item| keep(item)).collect(),
    )
}

/// Maps every item and combines the results with `combine`, starting from `identity()`.
/// `combine` must be associative (and `identity()` neutral) for the result not to depend on the
/// thread count.
pub fn par_reduce<T, U, M, I, C>(
    items: &[T],
    options: Options<'_>,
    map: M,
    identity: I,
    combine: C,
) -> (U, Metrics)
where
    T: Sync,
    U: Send,
    M: Fn(&T) -> U + Sync + Send,
    I: Fn() -> U + Sync + Send,
    C: Fn(U, U) -> U + Sync + Send,
{
    run(
        items.len(),
        &options,
        || items.par_iter().map(&map).reduce(&identity, &combine),
        || items.iter().map(&map).fold(identity(), &combine),
    )
}

/// Calls `f` on every item, in no particular order when parallel.
pub fn par_for_each<T, F>(items: &[T], options: Options<'_>, f: F) -> Metrics
where
    T: Sync,
    F: Fn(&T) + Sync + Send,
{
    run(
        items.len(),
        &options,
        || items.par_iter().for_each(&f),
        || items.iter().for_each(&f),
    )
    .1
}

/// A `map`/`filter` pipeline over a slice, run by [`DataParallel::collect`].
pub struct DataParallel<'i, 'o, T, U, Step> {
    items: &'i [T],
    options: Options<'o>,
    /// The composed pipeline: `None` drops the item.
    step: Step,
    output: PhantomData<fn() -> U>,
}

impl<'i, 'o, T: Sync> DataParallel<'i, 'o, T, &'i T, fn(&'i T) -> Option<&'i T>> {
    pub fn new(items: &'i [T], options: Options<'o>) -> Self {
        Self {
            items,
            options,
            step: Some,
            output: PhantomData,
        }
    }
}

impl<'i, 'o, T, U, Step> DataParallel<'i, 'o, T, U, Step>
where
    T: Sync,
    U: Send,
    Step: Fn(&'i T) -> Option<U> + Sync + Send,
{
    /// Transforms each remaining item.
    pub fn map<V, F>(
        self,
        f: F,
    ) -> DataParallel<'i, 'o, T, V, impl Fn(&'i T) -> Option<V> + Sync + Send>
    where
        V: Send,
        F: Fn(U) -> V + Sync + Send,
    {
        let step = self.step;
        DataParallel {
            items: self.items,
            options: self.options,
            step: move |item| step(item).map(&f),
            output: PhantomData,
        }
    }

    /// Keeps the items for which `keep` is true.
    pub fn filter<F>(
        self,
        keep: F,
    ) -> DataParallel<'i, 'o, T, U, impl Fn(&'i T) -> Option<U> + Sync + Send>
    where
        F: Fn(&U) -> bool + Sync + Send,
    {
        let step = self.step;
        DataParallel {
            items: self.items,
            options: self.options,
            step: move |item| step(item).filter(&keep),
            output: PhantomData,
        }
    }

    /// Runs the pipeline (in parallel unless vetoed) and collects the results in order.
    pub fn collect(self) -> (Vec<U>, Metrics) {
        let items = self.items;
        let step = &self.step;
        run(
            items.len(),
            &self.options,
            || items.par_iter().filter_map(step).collect(),
            || items.iter().filter_map(step).collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use super::*;
    use crate::models::veto::ReasonCode;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a rayon pool")
    }

    /// Enough work per item that the veto lets 4 threads run in parallel.
    fn big_job() -> CallSiteFacts {
        CallSiteFacts {
            work_per_item: Some(Duration::from_micros(50)),
            ..CallSiteFacts::default()
        }
    }

    #[test]
    fn same_results_on_one_thread_and_four() {
        let items: Vec<u64> = (0..10_000).collect();
        let facts = big_job();
        let options = Options::default().with_facts(&facts);
        let run_all = || {
            let (mapped, _) = par_map(&items, options, |x| x * 3);
            let (filtered, _) = par_filter(&items, options, |x| x % 7 == 0);
            let filtered: Vec<u64> = filtered.into_iter().copied().collect();
            let (sum, _) = par_reduce(&items, options, |x| x * x, || 0, |a, b| a + b);
            let (pipeline, metrics) = DataParallel::new(&items, options)
                .map(|x| x + 1)
                .filter(|x| x % 3 == 0)
                .map(|x| x * 2)
                .collect();
            (mapped, filtered, sum, pipeline, metrics.ran_sequentially)
        };
        let one = pool(1).install(run_all);
        let four = pool(4).install(run_all);
        assert_eq!(one.0, four.0);
        assert_eq!(one.1, four.1);
        assert_eq!(one.2, four.2);
        assert_eq!(one.3, four.3);
        assert!(one.4, "one thread runs sequentially");
        assert!(!four.4, "four threads with a big job run in parallel");
    }

    #[test]
    fn vetoed_call_runs_sequentially_and_says_why() {
        let items = [1, 2, 3];
        let facts = CallSiteFacts {
            hazards: vec!["FT001".to_string()],
            ..big_job()
        };
        let (doubled, metrics) =
            pool(4).install(|| par_map(&items, Options::default().with_facts(&facts), |x| x * 2));
        assert_eq!(doubled, vec![2, 4, 6]);
        assert!(metrics.ran_sequentially);
        assert_eq!(metrics.threads_used, 1);
        let codes: Vec<ReasonCode> = metrics.reasons.iter().map(|reason| reason.code).collect();
        assert!(
            codes.contains(&ReasonCode::TooSmall),
            "3 items for 4 threads"
        );
        assert!(codes.contains(&ReasonCode::GilUnsafePattern));
    }

    #[test]
    fn metrics_use_the_injected_clock() {
        let ticks = AtomicUsize::new(0);
        // Each reading advances a fake clock by 1 ms.
        let clock = || Duration::from_millis(ticks.fetch_add(1, Ordering::SeqCst) as u64);
        let items: Vec<u32> = (0..100).collect();
        let visited = AtomicUsize::new(0);
        let metrics = par_for_each(&items, Options::default().with_clock(&clock), |_| {
            visited.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(visited.load(Ordering::Relaxed), 100);
        assert_eq!(metrics.items, 100);
        assert_eq!(metrics.elapsed, Some(Duration::from_millis(1)));
        assert_eq!(metrics.throughput, Some(100_000.0));
    }

    #[test]
    fn a_real_clock_works_natively() {
        let origin = Instant::now();
        let clock = move || origin.elapsed();
        let items: Vec<u32> = (0..10).collect();
        let (_, metrics) = par_map(&items, Options::default().with_clock(&clock), |x| x + 1);
        assert!(metrics.elapsed.is_some());
    }
}
