use yew::prelude::*;

use crate::web::ui::state::{AnalysisState, WorkerStatus};

#[derive(PartialEq, Properties)]
pub struct StatusBarProps {
    pub state: AnalysisState,
}

#[function_component]
pub fn StatusBar(props: &StatusBarProps) -> Html {
    let state = &props.state;
    let status = match state.worker {
        WorkerStatus::Unavailable => "analyser unavailable",
        WorkerStatus::Starting => "starting the analyser…",
        _ if state.too_large.is_some() => "input too large",
        _ if state.busy => "analysing…",
        WorkerStatus::Ready { .. } => "ready",
    };
    let elapsed = state
        .result
        .as_ref()
        .map(|result| format!("analysed in {:.1} ms", result.elapsed_ms));
    let pool = match state.worker {
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
