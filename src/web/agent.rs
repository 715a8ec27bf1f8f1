//! The analysis worker: a module Web Worker that owns the analysis core and the rayon pool.
//!
//! It may block (locks, `par_iter`) because it is not the page's main thread. It answers each
//! [`Request`] with one [`Response`], and announces itself with [`Response::Ready`].
//!
//! **Failures.** A panic aborts the wasm instance. When it happens on one of the pool's threads,
//! this thread is usually blocked waiting for the pool's job and can never report it; so every
//! thread reports its own panic, on a `BroadcastChannel` whose name the UI gave the worker in
//! its URL (`worker_loader.js?channel=NAME`). The UI then replaces the whole worker.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::{JsCast, prelude::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    BroadcastChannel, DedicatedWorkerGlobalScope, MessageEvent, XmlHttpRequest, console,
};

use super::js::{from_js, global_flag, to_js};
use super::protocol::{DiagnosticsJson, Request, Response};
use crate::analysis::Analysis;
use crate::detector::CheckOptions;

/// The URL parameter that names the failure channel.
pub const CHANNEL_PARAMETER: &str = "channel";

/// The failure channel's name, read once on this thread and then seen by the pool's threads,
/// which share this memory.
static FAILURE_CHANNEL: OnceLock<String> = OnceLock::new();

/// Starts the pool, installs the message handler and tells the UI it is ready.
pub async fn run() {
    if let Some(channel) = channel_name() {
        let _ = FAILURE_CHANNEL.set(channel);
    }
    install_panic_hook();
    let isolated = global_flag("crossOriginIsolated");
    // Without cross-origin isolation the memory cannot be shared with pool workers, so rayon
    // falls back to running every job on this thread.
    if isolated {
        let threads = scope().navigator().hardware_concurrency().max(1.0) as usize;
        if let Err(error) = JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads)).await {
            console::error_2(
                &"thread pool failed, analysing on one thread:".into(),
                &error,
            );
        }
    }
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| {
        if let Some(response) = from_js::<Request>(event.data()).and_then(handle) {
            post(&response);
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&Response::Ready {
        threads: rayon::current_num_threads(),
        isolated,
    });
}

thread_local! {
    /// The analysis of the latest text: the panels' requests for the same text reuse it instead
    /// of parsing and checking again.
    static LATEST: RefCell<Option<Rc<Analysis>>> = const { RefCell::new(None) };
    /// How long building the latest analysis took, for the Report.
    static LATEST_MS: Cell<f64> = const { Cell::new(0.0) };
    /// Library mode for every text (`Request::Configure`).
    static LIBRARY: Cell<bool> = const { Cell::new(false) };
}

/// The analysis of `source`, reused when the latest request was about the same text.
fn analysis_of(source: String) -> Rc<Analysis> {
    LATEST.with_borrow_mut(|latest| match latest {
        Some(analysis) if analysis.source() == source => Rc::clone(analysis),
        _ => {
            let started = now_ms();
            if memchr::memmem::find(source.as_bytes(), br"\N{").is_some() {
                load_unicode_names();
            }
            let options = CheckOptions {
                library: LIBRARY.get(),
                ..CheckOptions::default()
            };
            let analysis = Rc::new(Analysis::with_options(source, &[], &options));
            LATEST_MS.set(now_ms() - started);
            Rc::clone(latest.insert(analysis))
        }
    })
}

/// Fetches the character-name table that `\N{...}` escapes need, once per worker. It is not
/// compiled in (a third of the page's download) since few texts use it; the request blocks this
/// thread, which workers may do. Without the table every such name is an unknown-name error.
fn load_unicode_names() {
    static TRIED: AtomicBool = AtomicBool::new(false);
    if unicode_names2::is_loaded() || TRIED.swap(true, Ordering::Relaxed) {
        return;
    }
    let fetch = || -> Result<String, wasm_bindgen::JsValue> {
        let request = XmlHttpRequest::new()?;
        // Relative to this worker's script, which sits beside the table in the built page.
        request.open_with_async("GET", unicode_names2::TABLE_FILE, false)?;
        request.send()?;
        match (request.status()?, request.response_text()?) {
            (200, Some(text)) => Ok(text),
            (status, _) => Err(format!("HTTP status {status}").into()),
        }
    };
    match fetch() {
        Ok(text) => unicode_names2::provide(text),
        Err(error) => console::error_2(
            &"could not load the Unicode name table; \\N{...} names will be reported as unknown:"
                .into(),
            &error,
        ),
    }
}

/// Answers a request at once, or starts (or cancels) the lab, which answers later.
fn handle(request: Request) -> Option<Response> {
    Some(match request {
        Request::Analyze { id, source } => {
            let started = now_ms();
            let diagnostics = DiagnosticsJson::encode(analysis_of(source).diagnostics());
            Response::Analysis {
                id,
                diagnostics,
                elapsed_ms: now_ms() - started,
            }
        }
        Request::Advise {
            id,
            source,
            settings,
            points,
        } => {
            let started = now_ms();
            let advice = crate::advice::advise_with(&analysis_of(source), &settings, &points);
            Response::Advice {
                id,
                advice,
                elapsed_ms: now_ms() - started,
            }
        }
        Request::Simulate {
            id,
            source,
            params,
            use_estimate,
        } => {
            let estimate = analysis_of(source).workload(None);
            let params = if use_estimate {
                params.with_estimate(&estimate)
            } else {
                params
            };
            let started = now_ms();
            let report = crate::workload_estimate::scaling_report(&params, &estimate);
            Response::Scaling {
                id,
                report,
                estimated: use_estimate,
                elapsed_ms: now_ms() - started,
            }
        }
        Request::RunLab { id } => {
            super::lab::start(id);
            return None;
        }
        Request::CancelLab { id } => {
            super::lab::cancel(id);
            return None;
        }
        Request::Report { id, source } => {
            let started = now_ms();
            let analysis = analysis_of(source);
            let report = Box::new(super::report::Report::new(
                &analysis,
                LATEST_MS.get(),
                memory_bytes(),
            ));
            Response::Report {
                id,
                report,
                elapsed_ms: now_ms() - started,
            }
        }
        Request::Configure { library } => {
            LIBRARY.set(library);
            // The cached analysis was made with the old settings.
            LATEST.set(None);
            return None;
        }
        Request::InjectPanic { on_pool_thread } => {
            if on_pool_thread {
                // Called from outside the pool, `join` runs both halves on pool threads and
                // blocks here until they finish, as the simulator's sweeps do.
                rayon::join(|| (), || panic!("injected panic on a pool thread"));
            }
            panic!("injected panic on the worker's thread");
        }
    })
}

pub(super) fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

pub(super) fn post(response: &Response) {
    if let Err(error) = scope().post_message(&to_js(response)) {
        console::error_2(&"could not post a response:".into(), &error);
    }
}

/// `std::time::Instant` panics on wasm32-unknown-unknown; the worker has `performance.now()`.
pub(super) fn now_ms() -> f64 {
    scope()
        .performance()
        .expect("workers have a performance clock")
        .now()
}

/// The worker's WebAssembly memory in bytes (it only grows).
fn memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    return core::arch::wasm32::memory_size::<0>() as u64 * 65_536;
    #[cfg(not(target_arch = "wasm32"))]
    0
}

/// The failure channel the UI named in the worker's URL.
fn channel_name() -> Option<String> {
    let search = scope().location().search();
    let query = search.strip_prefix('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == CHANNEL_PARAMETER && !value.is_empty()).then(|| value.to_owned())
    })
}

/// A panic aborts the wasm instance, so report it to the UI, which starts a fresh worker. The
/// hook runs on the thread that panicked, pool threads included.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        console::error_1(&message.clone().into());
        let failure = to_js(&Response::Failed { message });
        match FAILURE_CHANNEL
            .get()
            .map(|name| BroadcastChannel::new(name))
        {
            Some(Ok(channel)) => {
                let _ = channel.post_message(&failure);
            }
            // Without a channel only this worker's own thread can reach the UI.
            _ => {
                let _ = scope().post_message(&failure);
            }
        }
    }));
}
