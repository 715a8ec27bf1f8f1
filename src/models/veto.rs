//! The safety veto: should one parallel call site run in parallel, or is it safer and faster
//! to run it sequentially? Every applicable reason is reported, each with its numbers.
//!
//! The veto judges CPU data parallelism (a pool sized to the cores). Work that mostly waits
//! belongs in an I/O pool sized by [`super::pool::pool_size`] instead.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use super::overheads::{Dispatcher, MIN_UNIT_TO_DISPATCH_RATIO};
use super::usl::UslFit;

/// Work that waits at least this share of its time gains little from a CPU-sized pool.
pub const HIGH_BLOCKING_RATIO: f64 = 0.5;

/// What is known about a call site besides its size (filled by the caller or the detector).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CallSiteFacts {
    /// Estimated work per item; `None` skips the size checks that need it.
    pub work_per_item: Option<Duration>,
    /// A USL fitted on this workload, if measured.
    pub usl: Option<UslFit>,
    /// Codes of the hazards the detector found in the function (`"FT001"`, ...).
    pub hazards: Vec<String>,
    /// Share of each item's time spent waiting, `W / (C + W)`, in `[0, 1)`.
    pub blocking_ratio: f64,
    /// Imported extension modules that re-enable the GIL on the free-threaded build.
    pub gil_reenabling_imports: Vec<String>,
}

/// One parallel call site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VetoInput<'a> {
    /// Number of items; `None` when unknown (a generator).
    pub items: Option<u64>,
    /// Threads the call site asks for.
    pub threads: u32,
    pub dispatcher: Dispatcher,
    pub facts: &'a CallSiteFacts,
}

/// Run in parallel or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Parallel,
    Sequential,
}

/// Why a call site should run sequentially.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    /// Fewer items than threads, a single thread, or too little work in total.
    TooSmall,
    /// Each unit costs too little next to handing it to a thread.
    NotWorthIt,
    /// The requested thread count is past the measured or predicted throughput cliff.
    SaturationCliffDetected,
    /// The detector found a free-threading hazard in the function.
    GilUnsafePattern,
    /// The work mostly waits: a CPU-sized pool would sit idle.
    HighBlockingRatio,
    /// An import re-enables the GIL, so threads will not run Python code in parallel.
    GilReenabled,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooSmall => "TOO_SMALL",
            Self::NotWorthIt => "NOT_WORTH_IT",
            Self::SaturationCliffDetected => "SATURATION_CLIFF_DETECTED",
            Self::GilUnsafePattern => "GIL_UNSAFE_PATTERN",
            Self::HighBlockingRatio => "HIGH_BLOCKING_RATIO",
            Self::GilReenabled => "GIL_REENABLED",
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One reason, with a sentence that carries its numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VetoReason {
    pub code: ReasonCode,
    pub message: String,
}

/// The decision and every reason against running in parallel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Veto {
    pub decision: Decision,
    /// Empty exactly when the decision is `Parallel`.
    pub reasons: Vec<VetoReason>,
    /// A thread count that would avoid the cliff, when one was detected.
    pub suggested_threads: Option<u32>,
}

impl Veto {
    pub fn is_parallel(&self) -> bool {
        self.decision == Decision::Parallel
    }
}

/// Decides one call site.
pub fn decide(input: &VetoInput<'_>) -> Veto {
    let facts = input.facts;
    let cost = input.dispatcher.cost();
    let mut reasons = Vec::new();
    let mut reason = |code, message: String| reasons.push(VetoReason { code, message });

    if input.threads < 2 {
        reason(
            ReasonCode::TooSmall,
            format!(
                "only {} thread is available: nothing to run in parallel",
                input.threads
            ),
        );
    }
    if let Some(items) = input.items
        && items < u64::from(input.threads)
    {
        reason(
            ReasonCode::TooSmall,
            format!(
                "{items} {} for {} threads: some threads would have nothing to do",
                if items == 1 { "item" } else { "items" },
                input.threads
            ),
        );
    }
    if let (Some(items), Some(work)) = (input.items, facts.work_per_item) {
        let total = work.saturating_mul(u32::try_from(items).unwrap_or(u32::MAX));
        let needed = cost.min_job_per_thread.saturating_mul(input.threads);
        if input.threads >= 2 && total < needed {
            reason(
                ReasonCode::TooSmall,
                format!(
                    "the whole job is about {} of work, below the {} that {} threads need ({} per thread)",
                    human(total),
                    human(needed),
                    input.threads,
                    human(cost.min_job_per_thread)
                ),
            );
        }
    }
    if let Some(work) = facts.work_per_item {
        let least = cost.per_unit.saturating_mul(MIN_UNIT_TO_DISPATCH_RATIO);
        if work < least {
            reason(
                ReasonCode::NotWorthIt,
                format!(
                    "each item takes about {}, under {}x the {} it costs to dispatch ({}); batch items into chunks of at least {}",
                    human(work),
                    MIN_UNIT_TO_DISPATCH_RATIO,
                    human(cost.per_unit),
                    cost.source,
                    human(least)
                ),
            );
        }
    }
    let mut suggested_threads = None;
    if let Some(fit) = &facts.usl
        && let Some(cliff) = fit.cliff_threads
        && input.threads > cliff
    {
        let requested = fit.model.throughput(f64::from(input.threads));
        let at_cliff = fit.model.throughput(f64::from(cliff));
        suggested_threads = Some(cliff);
        reason(
            ReasonCode::SaturationCliffDetected,
            format!(
                "throughput falls past {cliff} threads: {} threads are predicted to deliver {requested:.4} against {at_cliff:.4} at {cliff}; use at most {cliff}",
                input.threads
            ),
        );
    }
    if !facts.hazards.is_empty() {
        reason(
            ReasonCode::GilUnsafePattern,
            format!(
                "the function has free-threading hazards ({}): in parallel they can lose updates or crash",
                facts.hazards.join(", ")
            ),
        );
    }
    if facts.blocking_ratio >= HIGH_BLOCKING_RATIO {
        reason(
            ReasonCode::HighBlockingRatio,
            format!(
                "items wait {:.0}% of their time (at least {:.0}%): a pool sized to the cores would sit idle; use an I/O pool or asyncio",
                facts.blocking_ratio * 100.0,
                HIGH_BLOCKING_RATIO * 100.0
            ),
        );
    }
    if !facts.gil_reenabling_imports.is_empty() {
        reason(
            ReasonCode::GilReenabled,
            format!(
                "importing {} re-enables the GIL on the free-threaded build: threads would take turns",
                facts.gil_reenabling_imports.join(", ")
            ),
        );
    }

    Veto {
        decision: if reasons.is_empty() {
            Decision::Parallel
        } else {
            Decision::Sequential
        },
        reasons,
        suggested_threads,
    }
}

/// A duration in the unit that reads best (ns, us, ms, s).
fn human(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos < 1_000 {
        format!("{nanos} ns")
    } else if nanos < 1_000_000 {
        format!("{:.1} us", nanos as f64 / 1e3)
    } else if nanos < 1_000_000_000 {
        format!("{:.1} ms", nanos as f64 / 1e6)
    } else {
        format!("{:.2} s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::models::usl::{Measurement, fit_usl};

    fn big_item() -> CallSiteFacts {
        CallSiteFacts {
            work_per_item: Some(Duration::from_millis(2)),
            ..CallSiteFacts::default()
        }
    }

    fn codes(veto: &Veto) -> Vec<ReasonCode> {
        veto.reasons.iter().map(|reason| reason.code).collect()
    }

    fn site(items: Option<u64>, threads: u32, facts: &CallSiteFacts) -> Veto {
        decide(&VetoInput {
            items,
            threads,
            dispatcher: Dispatcher::PythonThreadPool,
            facts,
        })
    }

    #[test]
    fn a_large_clean_job_runs_in_parallel() {
        let veto = site(Some(1000), 8, &big_item());
        assert_eq!(veto.decision, Decision::Parallel);
        assert!(veto.reasons.is_empty());
    }

    #[test]
    fn every_applicable_reason_is_reported() {
        let synthetic = [1.0, 2.0, 4.0, 6.0, 8.0, 10.0]
            .into_iter()
            .zip([1.0, 1.8868, 3.0769, 3.5294, 3.5398, 3.3557])
            .map(|(n, x)| Measurement::new(n, x))
            .collect::<Vec<_>>();
        let facts = CallSiteFacts {
            work_per_item: Some(Duration::from_micros(20)),
            usl: Some(fit_usl(&synthetic).unwrap()),
            hazards: vec!["FT001".to_string(), "FT002".to_string()],
            blocking_ratio: 0.8,
            gil_reenabling_imports: vec!["legacy_ext".to_string()],
        };
        let veto = site(Some(4), 16, &facts);
        assert_eq!(veto.decision, Decision::Sequential);
        assert_eq!(veto.suggested_threads, Some(7));
        let found = codes(&veto);
        for code in [
            ReasonCode::TooSmall,
            ReasonCode::NotWorthIt,
            ReasonCode::SaturationCliffDetected,
            ReasonCode::GilUnsafePattern,
            ReasonCode::HighBlockingRatio,
            ReasonCode::GilReenabled,
        ] {
            assert!(found.contains(&code), "{code} missing from {found:?}");
        }
        let text: Vec<&str> = veto.reasons.iter().map(|r| r.message.as_str()).collect();
        assert!(
            text.iter().any(|m| m.contains("4 items for 16 threads")),
            "{text:?}"
        );
        assert!(text.iter().any(|m| m.contains("FT001, FT002")));
        assert!(
            text.iter()
                .any(|m| m.contains("20.0 us") && m.contains("150.0 us"))
        );
    }

    #[test]
    fn a_small_total_job_is_too_small() {
        // 20 items x 200 us = 4 ms, below 8 threads x 1 ms.
        let facts = CallSiteFacts {
            work_per_item: Some(Duration::from_micros(200)),
            ..CallSiteFacts::default()
        };
        let veto = site(Some(20), 8, &facts);
        assert_eq!(codes(&veto), vec![ReasonCode::TooSmall]);
        assert!(
            veto.reasons[0].message.contains("4.0 ms"),
            "{:?}",
            veto.reasons
        );
    }

    #[test]
    fn every_dispatcher_has_a_cost() {
        for dispatcher in [
            Dispatcher::PythonThreadPool,
            Dispatcher::PythonThreadPerUnit,
            Dispatcher::Rayon,
        ] {
            assert_eq!(dispatcher.cost().dispatcher, dispatcher);
        }
    }

    proptest! {
        #[test]
        fn never_approves_fewer_items_than_threads(
            items in 0u64..64,
            threads in 0u32..64,
            micros in proptest::option::of(0u64..100_000),
        ) {
            let facts = CallSiteFacts {
                work_per_item: micros.map(Duration::from_micros),
                ..CallSiteFacts::default()
            };
            let veto = site(Some(items), threads, &facts);
            if items < u64::from(threads) || threads < 2 {
                prop_assert_eq!(veto.decision, Decision::Sequential);
                prop_assert!(codes(&veto).contains(&ReasonCode::TooSmall));
            }
            prop_assert_eq!(veto.is_parallel(), veto.reasons.is_empty());
        }
    }
}
