//! The guided tour: a few steps from a racy counter to the GIL against the free-threaded build
//! in the Scaling view. Each step says what to look at and sets the page up for it.

use crate::workload_estimate::ScalingParams;

pub struct Step {
    pub title: &'static str,
    pub text: &'static str,
    /// What the step shows when it opens.
    pub action: Action,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Loads an example, the hazard or its fix.
    Example { id: &'static str, fixed: bool },
    /// Opens a rule's explanation.
    Rule(&'static str),
    /// Opens the Scaling view with a workload.
    Scaling(Workload),
}

/// The Scaling view's workload for one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Workload {
    pub cpu_us: f64,
    pub wait_us: f64,
    pub lock_fraction: f64,
}

impl Workload {
    /// `params` with this workload, 4 cores and 8 threads; items and build kept.
    pub fn apply(self, params: ScalingParams) -> ScalingParams {
        ScalingParams {
            cpu_us: self.cpu_us,
            wait_us: self.wait_us,
            lock_fraction: self.lock_fraction,
            cores: 4,
            threads: 8,
            ..params
        }
    }
}

pub const STEPS: &[Step] = &[
    Step {
        title: "A counter that races",
        text: "Eight threads add 1 to a global. `requests_served += 1` is a read, an add and a write: \
               two threads can read the same value, and one update is lost. The GIL made this rare; \
               without it (Python 3.13t, 3.14t) threads really run at once. The underline marks the \
               line; hover it for the rule.",
        action: Action::Example {
            id: "counter",
            fixed: false,
        },
    },
    Step {
        title: "Why it breaks",
        text: "Each rule explains what it finds, why free threading breaks it, and what to write \
               instead. Its examples load into the editor with \u{201c}Try it\u{201d}.",
        action: Action::Rule("FT001"),
    },
    Step {
        title: "The fix",
        text: "A lock around the update makes the read and the write one step for other threads. \
               The finding is gone. Findings with a fix offer it in their hover card and in the list.",
        action: Action::Example {
            id: "counter",
            fixed: true,
        },
    },
    Step {
        title: "CPU-bound work: the GIL against free threading",
        text: "The Scaling view simulates the same work on both builds. Each item computes for 1 ms. \
               With the GIL only one thread runs Python at a time, so throughput stays flat as threads \
               are added; the free-threaded build grows with the cores, less its single-thread \
               overhead.",
        action: Action::Scaling(Workload {
            cpu_us: 1_000.0,
            wait_us: 0.0,
            lock_fraction: 0.0,
        }),
    },
    Step {
        title: "A lock held for part of the work",
        text: "Now each item holds one shared lock for 30% of its CPU time. Threads queue for it on \
               both builds, so the free-threaded curve flattens early: locks that fix races also \
               limit how far the work scales.",
        action: Action::Scaling(Workload {
            cpu_us: 1_000.0,
            wait_us: 0.0,
            lock_fraction: 0.3,
        }),
    },
    Step {
        title: "Work that waits",
        text: "Each item now waits 5 ms (a network call) for 0.2 ms of CPU. The GIL is released \
               while waiting, so both builds gain from threads here: free threading matters for CPU \
               work, not for waiting. Move the sliders, or run the measured lab on this browser's \
               threads.",
        action: Action::Scaling(Workload {
            cpu_us: 200.0,
            wait_us: 5_000.0,
            lock_fraction: 0.0,
        }),
    },
];
