//! What the page shows when it opens: a share link's state, else the autosaved work, else the
//! first example; and the notices that say which.

use yew::prelude::*;

use super::examples::EXAMPLES;
use super::storage;
use crate::web::share::{self, AdviceFields, SharedState};
use crate::workload_estimate::ScalingParams;

/// The starting state and how it was chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    pub state: SharedState,
    /// The state came from a link in the address bar.
    pub from_link: bool,
    pub notice: Option<Notice>,
}

/// A message above the workspace about where the code came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A link replaced the autosaved work, which can be restored.
    Replaced,
    /// The link could not be opened; the page shows the user's own work.
    BadLink(String),
}

/// Reads the address bar's fragment and the autosave, and keeps the autosaved work restorable
/// when a link replaces it.
pub fn choose(hash: &str, cores: u32) -> Start {
    let saved = storage::load_state();
    let (start, previous) = decide(hash, saved, default_state(cores));
    if let Some(previous) = previous {
        storage::save_previous(&previous);
    }
    start
}

/// The decision alone, without storage: the start, and the saved work to keep restorable.
fn decide(
    hash: &str,
    saved: Option<SharedState>,
    default: SharedState,
) -> (Start, Option<SharedState>) {
    match share::decode(hash) {
        Ok(Some(state)) => {
            let replaced = saved.filter(|saved| saved.code != state.code);
            let start = Start {
                state,
                from_link: true,
                notice: replaced.is_some().then_some(Notice::Replaced),
            };
            (start, replaced)
        }
        Ok(None) => (
            Start {
                state: saved.unwrap_or(default),
                from_link: false,
                notice: None,
            },
            None,
        ),
        Err(error) => (
            Start {
                state: saved.unwrap_or(default),
                from_link: false,
                notice: Some(Notice::BadLink(error.to_string())),
            },
            None,
        ),
    }
}

/// A first visit: the overview example, advice for this machine's cores.
fn default_state(cores: u32) -> SharedState {
    let cores = cores.max(1).to_string();
    SharedState {
        code: EXAMPLES[0].source.to_owned(),
        advice: AdviceFields {
            cores: cores.clone(),
            threads: cores,
            ..AdviceFields::default()
        },
        ..SharedState::default()
    }
}

/// The sliders a link or the autosave kept, over `current`: fields the link lacks keep their
/// current value, and fields this version does not know are dropped.
pub fn scaling_params(saved: Option<&serde_json::Value>, current: ScalingParams) -> ScalingParams {
    let Some(serde_json::Value::Object(saved)) = saved else {
        return current;
    };
    let mut merged = serde_json::to_value(&current).expect("scaling parameters serialize");
    if let Some(fields) = merged.as_object_mut() {
        for (key, value) in saved {
            if let Some(field) = fields.get_mut(key) {
                *field = value.clone();
            }
        }
    }
    serde_json::from_value(merged).unwrap_or(current)
}

/// The notice's banner, with "Restore your previous code" after a link replaced the work.
pub fn notice_view(
    notice: &UseStateHandle<Option<Notice>>,
    apply_state: &Callback<(SharedState, bool)>,
) -> Html {
    let dismiss = {
        let notice = notice.clone();
        Callback::from(move |_: MouseEvent| notice.set(None))
    };
    match &**notice {
        None => Html::default(),
        Some(Notice::BadLink(message)) => html! {
            <div class="notice-banner notice-banner-warning" role="alert" data-testid="link-error">
                <span>{ message.clone() }{ " Your own code is shown instead." }</span>
                <button type="button" onclick={dismiss}>{ "Dismiss" }</button>
            </div>
        },
        Some(Notice::Replaced) => {
            let restore = {
                let notice = notice.clone();
                let apply_state = apply_state.clone();
                Callback::from(move |_: MouseEvent| {
                    if let Some(previous) = storage::load_previous() {
                        storage::save_state(&previous);
                        storage::forget_previous();
                        apply_state.emit((previous, true));
                    }
                    notice.set(None);
                })
            };
            html! {
                <div class="notice-banner" role="status" data-testid="link-opened">
                    <span>{ "This is the code of a shared link; your own code was kept." }</span>
                    <button type="button" data-testid="restore-previous" onclick={restore}>
                        { "Restore your previous code" }
                    </button>
                    <button type="button" onclick={dismiss}>{ "Keep the link's code" }</button>
                </div>
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload_estimate::WorkloadEstimate;

    fn state(code: &str) -> SharedState {
        SharedState {
            code: code.into(),
            ..SharedState::default()
        }
    }

    fn link(code: &str) -> String {
        format!("#{}", share::encode(&state(code)))
    }

    #[test]
    fn a_link_wins_and_the_saved_work_stays_restorable() {
        let (start, previous) = decide(&link("shared"), Some(state("mine")), state("default"));
        assert_eq!(start.state.code, "shared");
        assert!(start.from_link);
        assert_eq!(start.notice, Some(Notice::Replaced));
        assert_eq!(previous.map(|p| p.code).as_deref(), Some("mine"));
    }

    #[test]
    fn the_same_code_replaces_nothing() {
        let (start, previous) = decide(&link("same"), Some(state("same")), state("default"));
        assert_eq!(start.notice, None);
        assert_eq!(previous, None);
    }

    #[test]
    fn without_a_link_the_saved_work_then_the_default() {
        let (start, _) = decide("#rule=FT001", Some(state("mine")), state("default"));
        assert_eq!(start.state.code, "mine");
        let (start, _) = decide("", None, state("default"));
        assert_eq!(start.state.code, "default");
        assert!(!start.from_link);
    }

    #[test]
    fn a_bad_link_keeps_the_saved_work_and_says_why() {
        let (start, previous) = decide("#v1/%%%", Some(state("mine")), state("default"));
        assert_eq!(start.state.code, "mine");
        assert!(
            matches!(start.notice, Some(Notice::BadLink(message)) if message.contains("damaged"))
        );
        assert_eq!(previous, None);
    }

    #[test]
    fn sliders_merge_over_the_current_ones() {
        let current = ScalingParams::from_estimate(&WorkloadEstimate::default(), 4);
        let saved = serde_json::json!({ "threads": 7, "lock_fraction": 0.25, "renamed": 1 });
        let merged = scaling_params(Some(&saved), current.clone());
        assert_eq!(merged.threads, 7);
        assert_eq!(merged.lock_fraction, 0.25);
        assert_eq!(merged.items, current.items);
        let wrong_type = serde_json::json!({ "threads": "many" });
        assert_eq!(scaling_params(Some(&wrong_type), current.clone()), current);
    }
}
