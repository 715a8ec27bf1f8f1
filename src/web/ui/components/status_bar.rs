use yew::prelude::*;

use crate::web::ui::state::WorkerStatus;

/// Only what the bar shows, so the page's other answers (advice, reports) do not re-render it.
#[derive(PartialEq, Properties)]
pub struct StatusBarProps {
    pub worker: WorkerStatus,
    /// Some text or setting waits for an answer.
    pub busy: bool,
    pub too_large: bool,
    /// How long the latest analysis took in the worker.
    pub elapsed_ms: Option<f64>,
}

#[function_component]
pub fn StatusBar(props: &StatusBarProps) -> Html {
    let status = match props.worker {
        WorkerStatus::Unavailable => "analyser unavailable",
        WorkerStatus::Starting => "starting the analyser…",
        _ if props.too_large => "input too large",
        _ if props.busy => "analysing…",
        WorkerStatus::Ready { .. } => "ready",
    };
    let elapsed = props
        .elapsed_ms
        .map(|elapsed_ms| format!("analysed in {elapsed_ms:.1} ms"));
    let pool = match props.worker {
        WorkerStatus::Ready { threads, isolated } => html! {
            <>
                <span>{ "pool: " }<strong data-testid="pool-threads">{ threads }</strong>{ if threads == 1 { " thread" } else { " threads" } }</span>
                <span data-testid="isolation" class={classes!((!isolated).then_some("degraded"))}>
                    { if isolated {
                        "cross-origin isolated".to_owned()
                    } else {
                        format!("not cross-origin isolated: running on {threads} thread{}", if threads == 1 { "" } else { "s" })
                    } }
                </span>
            </>
        },
        _ => Html::default(),
    };
    html! {
        <div class="status-bar" aria-live="polite">
            <span data-testid="status" class="status">{ status }</span>
            if let Some(elapsed) = elapsed {
                <span data-testid="analysis-time">{ elapsed }</span>
            }
            { pool }
        </div>
    }
}
