//! The typed messages between the playground UI (main thread) and the analysis worker.
//!
//! Both sides convert them to and from JavaScript values with `serde-wasm-bindgen`; nothing
//! else crosses the `postMessage` boundary. Diagnostics travel inside them as one JSON string
//! ([`DiagnosticsJson`]).

use serde::{Deserialize, Serialize};

use crate::Diagnostic;
use crate::advice::{Advice, AdviceSettings};
use crate::web::lab::{LabPoint, LabSummary};
use crate::web::report::Report;
use crate::workload_estimate::{ScalingParams, ScalingReport};

/// Identifies one request of a kind (analysis or advice); ids grow with every request of that
/// kind the UI sends.
pub type RequestId = u64;

/// What the UI asks the worker to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Analyse one Python source text.
    Analyze { id: RequestId, source: String },
    /// Advise on one source text: migration verdict, the veto on each parallel call site and a
    /// USL fit of the pasted `threads,throughput` lines (`points`, may be blank).
    Advise {
        id: RequestId,
        source: String,
        settings: AdviceSettings,
        points: String,
    },
    /// Simulate the Scaling view's parameters on both interpreters over thread counts. With
    /// `use_estimate` the workload (items, CPU, wait, lock) is first estimated from `source`.
    Simulate {
        id: RequestId,
        source: String,
        params: ScalingParams,
        use_estimate: bool,
    },
    /// Run the measured lab (answered by `LabProgress` after each repetition, then one
    /// `LabFinished`); a newer `RunLab` replaces a running one.
    RunLab { id: RequestId },
    /// Stop lab run `id` after its current repetition.
    CancelLab { id: RequestId },
    /// How the worker analyses every text from now on (library mode).
    Configure { library: bool },
    /// Gather the Report panel's facts about one source text.
    Report { id: RequestId, source: String },
    /// Fault injection for the browser tests: panic, as a bug would, on the worker's own thread
    /// or on one of its pool's threads inside a parallel job. A page can only crash its own
    /// worker this way, which it could do anyway by terminating it.
    InjectPanic { on_pool_thread: bool },
}

/// What the worker tells the UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The worker has its pool and accepts requests; messages sent before this are lost.
    Ready {
        /// Threads in the worker's rayon pool (1 when the page is not cross-origin isolated).
        threads: usize,
        /// Whether the page is cross-origin isolated (needed for a shared-memory pool).
        isolated: bool,
    },
    /// The diagnostics of one `Request::Analyze`.
    Analysis {
        id: RequestId,
        diagnostics: DiagnosticsJson,
        elapsed_ms: f64,
    },
    /// The answer to one `Request::Advise`.
    Advice {
        id: RequestId,
        advice: Advice,
        elapsed_ms: f64,
    },
    /// The answer to one `Request::Simulate`; `elapsed_ms` times the sweep, fit and verdict.
    Scaling {
        id: RequestId,
        report: Result<ScalingReport, String>,
        /// The workload was estimated from the source (the UI moves its sliders to it).
        estimated: bool,
        elapsed_ms: f64,
    },
    /// One timed repetition of lab run `id`, of `planned` in all.
    LabProgress {
        id: RequestId,
        point: LabPoint,
        planned: usize,
    },
    /// Lab run `id` finished or was cancelled.
    LabFinished { id: RequestId, summary: LabSummary },
    /// The answer to one `Request::Report`; `elapsed_ms` times gathering the facts.
    Report {
        id: RequestId,
        report: Box<Report>,
        elapsed_ms: f64,
    },
    /// The worker panicked; its wasm instance is unusable and the UI must start a new one.
    /// Sent on the worker's failure channel (see `agent`), from whichever thread panicked.
    Failed { message: String },
}

/// A list of diagnostics as JSON text. A long file's list (fixes included) reaches a megabyte:
/// as one string it is copied once by `postMessage` and handed to the editor as it came, where
/// `serde-wasm-bindgen` would create, clone and read back a JavaScript object per field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticsJson(String);

impl DiagnosticsJson {
    pub fn encode<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let diagnostics: Vec<&Diagnostic> = diagnostics.into_iter().collect();
        Self(serde_json::to_string(&diagnostics).expect("diagnostics always serialize"))
    }

    pub fn decode(&self) -> serde_json::Result<Vec<Diagnostic>> {
        serde_json::from_str(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;

    #[test]
    fn diagnostics_survive_their_json() {
        let source = include_str!("../../www/examples/hazards.py");
        let analysis = Analysis::new(source.to_owned());
        let diagnostics: Vec<Diagnostic> = analysis.diagnostics().cloned().collect();
        assert!(
            diagnostics
                .iter()
                .any(|diagnostic| diagnostic.fix.is_some())
        );
        let json = DiagnosticsJson::encode(&diagnostics);
        assert_eq!(json.decode().unwrap(), diagnostics);
    }
}
