//! The worker session: starts the analysis worker, feeds it the latest edit and advice settings,
//! and starts a new worker when one fails.
//!
//! Edits and settings changes share one debounce: when it fires, the editor's text is read once
//! (an edit only marks it changed) and a changed text is sent for analysis, and a changed text
//! or changed settings for advice, the Report and the Scaling view, each through its own
//! [`RequestScheduler`] (at most one request of a kind in flight, newer jobs supersede older).
//! The analysis is sent first, so the worker answers it first. Its diagnostics go to the editor
//! as the answer arrives, before the page re-renders.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, prelude::Closure};
use web_sys::{
    BroadcastChannel, ErrorEvent, Event, MessageEvent, Worker, WorkerOptions, WorkerType, console,
};
use yew::prelude::*;

use crate::advice::AdviceSettings;
use crate::web::agent::CHANNEL_PARAMETER;
use crate::web::js::{from_js, to_js};
use crate::web::protocol::{DiagnosticsJson, Request, RequestId, Response};
use crate::web::ui::components::ScalingAction;
use crate::web::ui::scheduler::{AdviceJob, ReportJob, RequestScheduler, ScalingJob};
use crate::web::ui::state::{AnalysisAction, AnalysisState, MAX_SOURCE_BYTES};
use crate::workload_estimate::ScalingParams;

/// The loader Trunk emits for the `worker` bin (`data-loader-shim`).
const WORKER_SCRIPT: &str = "./worker_loader.js";
/// Typing faster than this between keys sends only the last text.
const DEBOUNCE_MS: u32 = 150;
/// How long a worker error waits for a panic message that explains it (see `Connection::open`).
const PANIC_MESSAGE_GRACE_MS: u32 = 300;
/// The performance mark set when the debounce hands an edit to the scheduler.
const ANALYSIS_SENT_MARK: &str = "aether-analysis-sent";

fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}

/// Reads the editor's current text (`None` before the editor is mounted).
pub type SourceReader = Rc<dyn Fn() -> Option<String>>;

/// Shows diagnostics in the editor (`None` clears them).
pub type DiagnosticsView = Rc<dyn Fn(Option<&DiagnosticsJson>)>;

pub struct AnalysisHandle {
    pub state: UseReducerHandle<AnalysisState>,
    /// The editor's text changed: schedules its analysis (debounced).
    pub analyze: Callback<()>,
    /// The Report panel opened (`true`, schedules a report) or closed.
    pub report: Callback<bool>,
    /// The next simulation keeps the sliders as they are instead of estimating the workload from
    /// the text (they were restored from a link or an earlier visit).
    pub keep_sliders: Callback<()>,
    /// Library mode on or off: every panel is answered again with it.
    pub library: Callback<bool>,
    /// Schedules advice with new settings and pasted measurements (debounced, with the text).
    pub advise: Callback<(AdviceSettings, String)>,
    pub dismiss_error: Callback<()>,
    /// Schedules a scaling simulation with the Scaling view's sliders (debounced, with the
    /// text); `None` while the view is closed.
    pub simulate: Callback<Option<ScalingParams>>,
    /// Starts the measured lab, or cancels the running one.
    pub run_lab: Callback<()>,
    pub cancel_lab: Callback<()>,
}

#[hook]
pub fn use_analysis(
    read_source: SourceReader,
    show_diagnostics: DiagnosticsView,
) -> AnalysisHandle {
    let state = use_reducer(AnalysisState::default);
    let session = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            Session::new(dispatcher, read_source, show_diagnostics)
        })
    };
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            session.start_worker();
            move || session.stop()
        });
    }
    let text = {
        let session = session.clone();
        use_memo((), move |_| {
            let edit = session.clone();
            let report = session.clone();
            let keep = session.clone();
            let library = session.clone();
            (
                Callback::from(move |()| edit.edit()),
                Callback::from(move |open: bool| report.set_report(open)),
                Callback::from(move |()| keep.0.inner.borrow_mut().keep_sliders = true),
                Callback::from(move |on: bool| library.set_library(on)),
            )
        })
    };
    let advise = {
        let session = session.clone();
        use_memo((), move |_| {
            Callback::from(move |(settings, points): (AdviceSettings, String)| {
                session.set_advice(settings, points)
            })
        })
    };
    let scaling = use_memo((), move |_| {
        let simulate = session.clone();
        let run = session.clone();
        (
            Callback::from(move |params: Option<ScalingParams>| simulate.set_scaling(params)),
            Callback::from(move |()| run.0.lab(true)),
            Callback::from(move |()| session.0.lab(false)),
        )
    });
    let dismiss_error = use_callback(state.dispatcher(), |(), dispatcher| {
        dispatcher.dispatch(AnalysisAction::DismissError)
    });
    AnalysisHandle {
        state,
        analyze: text.0.clone(),
        report: text.1.clone(),
        keep_sliders: text.2.clone(),
        library: text.3.clone(),
        advise: (*advise).clone(),
        dismiss_error,
        simulate: scaling.0.clone(),
        run_lab: scaling.1.clone(),
        cancel_lab: scaling.2.clone(),
    }
}

/// Shared by the hook and the worker's event handlers, which hold it weakly.
struct Session(Rc<Shared>);

struct Shared {
    dispatcher: UseReducerDispatcher<AnalysisState>,
    read_source: SourceReader,
    show_diagnostics: DiagnosticsView,
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    scheduler: RequestScheduler<String>,
    advice: RequestScheduler<AdviceJob>,
    scaling: RequestScheduler<ScalingJob>,
    report: RequestScheduler<ReportJob>,
    /// The Report panel is open (reports follow the text).
    report_open: bool,
    /// The Report panel just opened.
    report_changed: bool,
    /// The next scaling job keeps the sliders (see [`AnalysisHandle::keep_sliders`]).
    keep_sliders: bool,
    /// Library mode, sent to each worker when it is ready.
    library: bool,
    /// The Scaling view's sliders while it is open.
    scaling_inputs: Option<ScalingParams>,
    /// The sliders changed since the debounce last fired.
    scaling_changed: bool,
    /// The next scaling job takes its workload from the text (the view just opened).
    scaling_estimate: bool,
    /// The lab run the UI follows, and the last lab id used.
    lab: Option<RequestId>,
    lab_ids: RequestId,
    /// The latest editor text sent on (or refused as too large).
    source: Option<String>,
    /// The latest advice settings and measurements.
    advice_inputs: Option<(AdviceSettings, String)>,
    /// The text changed since the debounce last fired.
    edited: bool,
    /// Advice inputs changed since the debounce last fired.
    advice_changed: bool,
    connection: Option<Connection>,
    /// Numbers each worker, so events of a replaced worker are ignored.
    generation: u64,
    debounce: Option<Timeout>,
}

impl Session {
    fn new(
        dispatcher: UseReducerDispatcher<AnalysisState>,
        read_source: SourceReader,
        show_diagnostics: DiagnosticsView,
    ) -> Self {
        Self(Rc::new(Shared {
            dispatcher,
            read_source,
            show_diagnostics,
            inner: RefCell::default(),
        }))
    }

    fn start_worker(&self) {
        self.0.start_worker();
    }

    fn edit(&self) {
        self.0.inner.borrow_mut().edited = true;
        self.debounce();
    }

    /// Sends the setting now (and to every new worker), then everything again after the debounce.
    fn set_library(&self, library: bool) {
        let mut inner = self.0.inner.borrow_mut();
        if inner.library == library {
            return;
        }
        inner.library = library;
        inner.send(Some(Request::Configure { library }));
        inner.edited = true;
        drop(inner);
        self.debounce();
    }

    fn set_report(&self, open: bool) {
        let mut inner = self.0.inner.borrow_mut();
        inner.report_changed = open && !inner.report_open;
        inner.report_open = open;
        drop(inner);
        if open {
            self.debounce();
        }
    }

    fn set_advice(&self, settings: AdviceSettings, points: String) {
        let mut inner = self.0.inner.borrow_mut();
        inner.advice_inputs = Some((settings, points));
        inner.advice_changed = true;
        drop(inner);
        self.debounce();
    }

    fn set_scaling(&self, params: Option<ScalingParams>) {
        let mut inner = self.0.inner.borrow_mut();
        inner.scaling_estimate |= inner.scaling_inputs.is_none();
        inner.scaling_inputs = params;
        inner.scaling_changed = true;
        drop(inner);
        self.debounce();
    }

    /// (Re)starts the debounce; when it fires, whatever changed meanwhile is sent.
    fn debounce(&self) {
        let session = Rc::downgrade(&self.0);
        self.0.inner.borrow_mut().debounce = Some(Timeout::new(DEBOUNCE_MS, move || {
            if let Some(session) = session.upgrade() {
                session.flush();
            }
        }));
    }

    fn stop(&self) {
        let mut inner = self.0.inner.borrow_mut();
        inner.debounce = None;
        inner.connection = None;
    }
}

impl Shared {
    /// Runs `update` on the session, then dispatches the actions it returns. Dispatching may
    /// render synchronously, and rendering may call back into the session, so it must happen
    /// after the borrow ends.
    fn update(&self, update: impl FnOnce(&mut Inner) -> Vec<AnalysisAction>) {
        let actions = update(&mut self.inner.borrow_mut());
        for action in actions {
            // New diagnostics go to the editor now, not from an effect after the page's
            // re-render: Yew renders in a later microtask and, past 16 ms, yields to the browser
            // before running effects.
            match &action {
                AnalysisAction::Finished { diagnostics, .. } => {
                    (self.show_diagnostics)(Some(diagnostics))
                }
                AnalysisAction::TooLarge { .. } => (self.show_diagnostics)(None),
                _ => {}
            }
            self.dispatcher.dispatch(action);
        }
    }

    fn start_worker(self: &Rc<Self>) {
        let session = Rc::downgrade(self);
        self.update(|inner| {
            inner.generation += 1;
            match Connection::open(session, inner.generation) {
                Ok(connection) => {
                    inner.connection = Some(connection);
                    vec![AnalysisAction::WorkerStarting]
                }
                Err(error) => vec![AnalysisAction::WorkerUnavailable {
                    message: format!("The analyser could not be started: {error:?}"),
                }],
            }
        });
    }

    /// Sends the edit and the advice inputs that changed since the last flush.
    fn flush(&self) {
        // Read before borrowing the session: the editor may call back into it.
        let edited = std::mem::take(&mut self.inner.borrow_mut().edited)
            .then(|| (self.read_source)())
            .flatten();
        self.update(|inner| {
            let edited_text = edited.is_some();
            let report_changed = std::mem::take(&mut inner.report_changed) || edited_text;
            let advice_changed = std::mem::take(&mut inner.advice_changed) || edited.is_some();
            let scaling_changed = std::mem::take(&mut inner.scaling_changed) || edited.is_some();
            let mut actions = Vec::new();
            if let Some(source) = edited {
                let bytes = source.len();
                if bytes > MAX_SOURCE_BYTES {
                    inner.scheduler.discard_pending();
                    inner.advice.discard_pending();
                    inner.report.discard_pending();
                    inner.source = None;
                    actions.push(AnalysisAction::TooLarge { bytes });
                } else {
                    let request = inner.scheduler.submit(source.clone());
                    // Where the debounce ends and the analysis's own time starts, for
                    // DevTools and the benchmark (tests/e2e/bench.mjs).
                    mark(ANALYSIS_SENT_MARK);
                    inner.send(request);
                    inner.source = Some(source);
                    actions.push(AnalysisAction::Submitted);
                }
            }
            if advice_changed
                && let (Some(source), Some((settings, points))) =
                    (&inner.source, &inner.advice_inputs)
            {
                let request = inner.advice.submit(AdviceJob {
                    source: source.clone(),
                    settings: *settings,
                    points: points.clone(),
                });
                inner.send(request);
            }
            if scaling_changed
                && let (Some(source), Some(params)) = (&inner.source, &inner.scaling_inputs)
            {
                let keep_sliders = std::mem::take(&mut inner.keep_sliders);
                let job = ScalingJob {
                    source: source.clone(),
                    params: params.clone(),
                    use_estimate: !keep_sliders && (inner.scaling_estimate || edited_text),
                };
                inner.scaling_estimate = false;
                let request = inner.scaling.submit(job);
                inner.send(request);
            }
            if report_changed
                && inner.report_open
                && let Some(source) = &inner.source
            {
                let request = inner.report.submit(ReportJob(source.clone()));
                inner.send(request);
            }
            actions.push(AnalysisAction::Busy(inner.is_busy()));
            actions
        });
    }

    /// Starts a lab run (`true`) or cancels the one the UI follows.
    fn lab(&self, start: bool) {
        self.update(|inner| {
            if start {
                inner.lab_ids += 1;
                let id = inner.lab_ids;
                inner.lab = Some(id);
                inner.send(Some(Request::RunLab { id }));
                vec![AnalysisAction::Scaling(ScalingAction::LabStarted { id })]
            } else {
                if let Some(id) = inner.lab {
                    inner.send(Some(Request::CancelLab { id }));
                }
                Vec::new()
            }
        });
    }

    fn on_response(self: &Rc<Self>, generation: u64, response: Response) {
        let mut failure = None;
        self.update(|inner| {
            if generation != inner.generation {
                return Vec::new();
            }
            let mut actions = match response {
                Response::Ready { threads, isolated } => {
                    if let Some(connection) = &mut inner.connection {
                        connection.ready = true;
                    }
                    // Before any request, so every answer uses it.
                    inner.send(Some(Request::Configure {
                        library: inner.library,
                    }));
                    let request = inner.scheduler.worker_ready();
                    inner.send(request);
                    let request = inner.advice.worker_ready();
                    inner.send(request);
                    let request = inner.scaling.worker_ready();
                    inner.send(request);
                    let request = inner.report.worker_ready();
                    inner.send(request);
                    vec![AnalysisAction::WorkerReady { threads, isolated }]
                }
                Response::Analysis {
                    id,
                    diagnostics,
                    elapsed_ms,
                } => {
                    let current = inner.scheduler.accept(id);
                    let request = inner.scheduler.next_request();
                    inner.send(request);
                    // An answer that arrives after the text grew too large describes an older
                    // text.
                    if current && inner.source.is_some() {
                        vec![AnalysisAction::Finished {
                            diagnostics,
                            elapsed_ms,
                        }]
                    } else {
                        Vec::new()
                    }
                }
                Response::Advice {
                    id,
                    advice,
                    elapsed_ms,
                } => {
                    let current = inner.advice.accept(id);
                    let request = inner.advice.next_request();
                    inner.send(request);
                    if current {
                        vec![AnalysisAction::AdviceFinished { advice, elapsed_ms }]
                    } else {
                        Vec::new()
                    }
                }
                Response::Scaling {
                    id,
                    report,
                    estimated,
                    elapsed_ms,
                } => {
                    let current = inner.scaling.accept(id);
                    let request = inner.scaling.next_request();
                    inner.send(request);
                    if current {
                        vec![AnalysisAction::Scaling(ScalingAction::Finished {
                            report: Rc::new(report),
                            estimated,
                            elapsed_ms,
                        })]
                    } else {
                        Vec::new()
                    }
                }
                Response::LabProgress { id, point, planned } => {
                    vec![AnalysisAction::Scaling(ScalingAction::LabProgress {
                        id,
                        point,
                        planned,
                    })]
                }
                Response::LabFinished { id, summary } => {
                    if inner.lab == Some(id) {
                        inner.lab = None;
                    }
                    vec![AnalysisAction::Scaling(ScalingAction::LabFinished {
                        id,
                        summary,
                    })]
                }
                Response::Report {
                    id,
                    report,
                    elapsed_ms,
                } => {
                    let current = inner.report.accept(id);
                    let request = inner.report.next_request();
                    inner.send(request);
                    if current {
                        vec![AnalysisAction::ReportFinished { report, elapsed_ms }]
                    } else {
                        Vec::new()
                    }
                }
                Response::Failed { message } => {
                    failure = Some(message);
                    Vec::new()
                }
            };
            actions.push(AnalysisAction::Busy(inner.is_busy()));
            actions
        });
        if let Some(message) = failure {
            self.on_failure(generation, message);
        }
    }

    /// A worker that was ready is replaced by a new one; one that never got ready is not, since
    /// a new one would most likely fail the same way.
    fn on_failure(self: &Rc<Self>, generation: u64, message: String) {
        // A failure of a worker already replaced (its other report, or a late one) is old news.
        if generation != self.inner.borrow().generation {
            return;
        }
        let mut restart = false;
        self.update(|inner| {
            inner.generation += 1;
            inner.scheduler.worker_lost();
            inner.advice.worker_lost();
            inner.scaling.worker_lost();
            inner.report.worker_lost();
            inner.lab = None;
            restart = inner.connection.as_ref().is_some_and(|c| c.ready);
            if restart {
                vec![
                    AnalysisAction::Scaling(ScalingAction::LabLost),
                    AnalysisAction::WorkerFailed {
                        message: format!("The analyser crashed and was restarted: {message}"),
                    },
                    AnalysisAction::WorkerStarting,
                ]
            } else {
                vec![AnalysisAction::WorkerUnavailable {
                    message: format!("The analyser could not be started: {message}"),
                }]
            }
        });
        // Replacing the connection drops the handler that is running now; do it afterwards.
        let session = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            let Some(session) = session.upgrade() else {
                return;
            };
            session.inner.borrow_mut().connection = None;
            if restart {
                session.start_worker();
            }
        });
    }
}

impl Inner {
    /// Some text or advice input has not been answered yet.
    fn is_busy(&self) -> bool {
        self.scheduler.is_busy()
            || self.advice.is_busy()
            || self.scaling.is_busy()
            || self.report.is_busy()
            || self.edited
    }

    fn send(&self, request: Option<Request>) {
        let (Some(request), Some(connection)) = (request, &self.connection) else {
            return;
        };
        if let Err(error) = connection.worker.post_message(&to_js(&request)) {
            console::error_2(&"could not send a request to the analyser:".into(), &error);
        }
    }
}

/// One running worker and its event handlers; dropping it terminates the worker.
struct Connection {
    worker: Worker,
    /// Where the worker's threads report their panics (see `agent`).
    failures: BroadcastChannel,
    /// The worker has sent `Response::Ready`.
    ready: bool,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_failure: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Connection {
    fn open(session: Weak<Shared>, generation: u64) -> Result<Self, wasm_bindgen::JsValue> {
        // A channel of this worker alone: other tabs run workers of their own.
        let channel = format!(
            "aether-failures-{generation}-{}",
            (js_sys::Math::random() * 1e15) as u64
        );
        let failures = BroadcastChannel::new(&channel)?;
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(
            &format!("{WORKER_SCRIPT}?{CHANNEL_PARAMETER}={channel}"),
            &options,
        )?;

        let on_message = {
            let session = session.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let response = from_js::<Response>(event.data());
                if let (Some(session), Some(response)) = (session.upgrade(), response) {
                    session.on_response(generation, response);
                }
            })
        };
        let on_failure = {
            let session = session.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let (Some(session), Some(Response::Failed { message })) =
                    (session.upgrade(), from_js::<Response>(event.data()))
                {
                    session.on_failure(generation, message);
                }
            })
        };
        let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            // A script that fails to load fires a plain `Event`, a thrown error an `ErrorEvent`.
            let message = event
                .dyn_ref::<ErrorEvent>()
                .map(ErrorEvent::message)
                .unwrap_or_else(|| "the worker script failed to load".to_owned());
            // A panic also traps ("unreachable"), and that error event can overtake the panic's
            // own message on the failure channel; give the message a moment to arrive first
            // (whichever comes first is reported, the other is ignored as an old generation).
            let session = session.clone();
            Timeout::new(PANIC_MESSAGE_GRACE_MS, move || {
                if let Some(session) = session.upgrade() {
                    session.on_failure(generation, message);
                }
            })
            .forget();
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        failures.set_onmessage(Some(on_failure.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            failures,
            ready: false,
            _on_message: on_message,
            _on_failure: on_failure,
            _on_error: on_error,
        })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Events already queued must not reach the handlers dropped with this connection.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.failures.set_onmessage(None);
        self.worker.terminate();
        self.failures.close();
    }
}
