//! What the page shows about the analysis, updated by the worker session.

use std::rc::Rc;

use yew::Reducible;

use web_sys::console;

use crate::Diagnostic;
use crate::advice::Advice;
use crate::web::protocol::DiagnosticsJson;
use crate::web::report::Report;
use crate::web::ui::components::{ScalingAction, ScalingState};

/// The most bytes the playground sends to the worker in one request.
pub const MAX_SOURCE_BYTES: usize = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WorkerStatus {
    Starting,
    Ready {
        threads: usize,
        isolated: bool,
    },
    /// The worker failed before it was ever ready; restarting would fail the same way.
    Unavailable,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AnalysisResult {
    pub diagnostics: Rc<Vec<Diagnostic>>,
    pub elapsed_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AdviceResult {
    pub advice: Rc<Advice>,
    pub elapsed_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReportResult {
    pub report: Rc<Report>,
    pub elapsed_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AnalysisState {
    pub worker: WorkerStatus,
    /// Some source is waiting for, or being analysed by, the worker.
    pub busy: bool,
    pub result: Option<AnalysisResult>,
    /// The advice on the latest text and settings the worker answered.
    pub advice: Option<AdviceResult>,
    /// The Report panel's facts about the latest text the worker answered.
    pub report: Option<ReportResult>,
    /// Size of an editor text over [`MAX_SOURCE_BYTES`], which was not sent.
    pub too_large: Option<usize>,
    /// A worker failure to show until dismissed.
    pub error: Option<String>,
    /// The Scaling view: the latest simulation and the measured lab.
    pub scaling: ScalingState,
}

impl Default for AnalysisState {
    fn default() -> Self {
        Self {
            worker: WorkerStatus::Starting,
            busy: false,
            result: None,
            advice: None,
            report: None,
            too_large: None,
            error: None,
            scaling: ScalingState::default(),
        }
    }
}

pub enum AnalysisAction {
    WorkerStarting,
    WorkerReady {
        threads: usize,
        isolated: bool,
    },
    WorkerUnavailable {
        message: String,
    },
    WorkerFailed {
        message: String,
    },
    Busy(bool),
    /// A text within the size limit was submitted.
    Submitted,
    TooLarge {
        bytes: usize,
    },
    Finished {
        diagnostics: DiagnosticsJson,
        elapsed_ms: f64,
    },
    AdviceFinished {
        advice: Advice,
        elapsed_ms: f64,
    },
    ReportFinished {
        report: Box<Report>,
        elapsed_ms: f64,
    },
    DismissError,
    Scaling(ScalingAction),
}

impl Reducible for AnalysisState {
    type Action = AnalysisAction;

    fn reduce(self: Rc<Self>, action: AnalysisAction) -> Rc<Self> {
        // The same state back renders nothing (use_reducer compares addresses): every answer and
        // every sent edit reports `Busy`, which mostly stays as it was.
        let unchanged = match &action {
            AnalysisAction::Busy(busy) => self.busy == *busy,
            AnalysisAction::Submitted => self.too_large.is_none(),
            AnalysisAction::DismissError => self.error.is_none(),
            _ => false,
        };
        if unchanged {
            return self;
        }
        let mut next = (*self).clone();
        match action {
            AnalysisAction::WorkerStarting => next.worker = WorkerStatus::Starting,
            AnalysisAction::WorkerReady { threads, isolated } => {
                next.worker = WorkerStatus::Ready { threads, isolated }
            }
            AnalysisAction::WorkerUnavailable { message } => {
                next.worker = WorkerStatus::Unavailable;
                next.error = Some(message);
            }
            AnalysisAction::WorkerFailed { message } => next.error = Some(message),
            AnalysisAction::Busy(busy) => next.busy = busy,
            AnalysisAction::Submitted => next.too_large = None,
            AnalysisAction::TooLarge { bytes } => {
                next.too_large = Some(bytes);
                next.result = None;
                next.advice = None;
                next.report = None;
            }
            // A result that arrives after the text grew too large describes an older text (the
            // session already drops such analyses, which the editor would otherwise show).
            AnalysisAction::AdviceFinished { .. } | AnalysisAction::ReportFinished { .. }
                if next.too_large.is_some() => {}
            AnalysisAction::Finished {
                diagnostics,
                elapsed_ms,
            } => match diagnostics.decode() {
                Ok(diagnostics) => {
                    next.result = Some(AnalysisResult {
                        diagnostics: Rc::new(diagnostics),
                        elapsed_ms,
                    })
                }
                Err(error) => console::error_1(&format!("unexpected diagnostics: {error}").into()),
            },
            AnalysisAction::AdviceFinished { advice, elapsed_ms } => {
                next.advice = Some(AdviceResult {
                    advice: Rc::new(advice),
                    elapsed_ms,
                })
            }
            AnalysisAction::ReportFinished { report, elapsed_ms } => {
                next.report = Some(ReportResult {
                    report: Rc::new(*report),
                    elapsed_ms,
                })
            }
            AnalysisAction::DismissError => next.error = None,
            AnalysisAction::Scaling(action) => next.scaling.apply(action),
        }
        Rc::new(next)
    }
}
