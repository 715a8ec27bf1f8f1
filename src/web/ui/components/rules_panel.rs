//! The Rules panel: every rule the detector has, filterable, each expandable to the explanation
//! that `aether rule CODE` prints (rendered from the same Markdown), with "Try it" buttons that
//! load the rule's examples into the editor. Diagnostics open it at their rule, and so does a
//! `#rule=FT001` link.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use super::severity_class;
use crate::Severity;
use crate::detector::{ALL_RULES, RuleInfo, find_rule};
use crate::web::ui::hooks::use_window_event;
use crate::web::ui::markdown::{self, CodeBlock};

/// Whether the panel is open and which rule is expanded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RulesView {
    pub open: bool,
    pub expanded: Option<&'static str>,
    /// Counts requests to show a rule, so showing the same rule again scrolls to it again.
    pub reveal: u32,
}

pub enum RulesAction {
    /// Opens the panel at a rule, expanded (from a diagnostic or a `#rule=` link).
    Show(&'static str),
    /// Expands a rule, or collapses it if it is the expanded one.
    Toggle(&'static str),
    SetOpen(bool),
}

impl Reducible for RulesView {
    type Action = RulesAction;

    fn reduce(self: Rc<Self>, action: RulesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            RulesAction::Show(code) => {
                next.open = true;
                next.expanded = Some(code);
                next.reveal = next.reveal.wrapping_add(1);
            }
            RulesAction::Toggle(code) => {
                next.expanded = (next.expanded != Some(code)).then_some(code);
            }
            RulesAction::SetOpen(open) => next.open = open,
        }
        Rc::new(next)
    }
}

/// The rule a URL fragment such as `#rule=FT001` (or `#rule=rmw-global`) names; anything else,
/// including unknown codes, names none.
pub fn rule_from_hash(hash: &str) -> Option<&'static RuleInfo> {
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|part| part.strip_prefix("rule="))
        .and_then(find_rule)
}

/// Whether a rule matches every word of a filter, in its code, name, summary or severity.
pub fn rule_matches(rule: &RuleInfo, query: &str) -> bool {
    let haystack = format!(
        "{} {} {} {}",
        rule.code,
        rule.name,
        rule.summary,
        severity_name(rule.severity)
    )
    .to_lowercase();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// The panel's state, opened at the rule of the page's `#rule=` fragment and following later
/// changes of the fragment.
#[hook]
pub fn use_rules_view() -> UseReducerHandle<RulesView> {
    let view = use_reducer(|| {
        let expanded = location_hash()
            .as_deref()
            .and_then(rule_from_hash)
            .map(|rule| rule.code);
        RulesView {
            open: expanded.is_some(),
            expanded,
            reveal: 0,
        }
    });
    let dispatcher = view.dispatcher();
    use_window_event("hashchange", move || {
        if let Some(rule) = location_hash().as_deref().and_then(rule_from_hash) {
            dispatcher.dispatch(RulesAction::Show(rule.code));
        }
    });
    view
}

fn location_hash() -> Option<String> {
    web_sys::window()?.location().hash().ok()
}

#[derive(PartialEq, Properties)]
pub struct RulesPanelProps {
    pub view: RulesView,
    pub on_action: Callback<RulesAction>,
    /// Loads a code example into the editor.
    pub on_try: Callback<String>,
}

#[function_component]
pub fn RulesPanel(props: &RulesPanelProps) -> Html {
    let query = use_state(String::new);
    let list = use_node_ref();
    {
        // Scroll the requested rule into view and focus it, once it is rendered.
        let list = list.clone();
        let view = props.view.clone();
        use_effect_with((view.open, view.reveal), move |_| {
            let target = view.expanded.filter(|_| view.open).and_then(|code| {
                list.cast::<web_sys::Element>()?
                    .query_selector(&format!(r#"[data-code="{code}"] .rule-head"#))
                    .ok()
                    .flatten()
            });
            if let Some(head) = target {
                head.scroll_into_view_with_bool(true);
                if let Ok(head) = head.dyn_into::<HtmlElement>() {
                    let _ = head.focus();
                }
            }
        });
    }
    if !props.view.open {
        return html! {};
    }
    let on_query = {
        let query = query.clone();
        Callback::from(move |event: InputEvent| {
            query.set(event.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_close = props
        .on_action
        .reform(|_: MouseEvent| RulesAction::SetOpen(false));
    let on_keydown = {
        let on_action = props.on_action.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                on_action.emit(RulesAction::SetOpen(false));
            }
        })
    };
    let shown: Vec<&'static RuleInfo> = ALL_RULES
        .iter()
        .filter(|rule| rule_matches(rule, &query))
        .collect();
    html! {
        <aside class="rules-panel" data-testid="rules-panel" aria-label="Rules" onkeydown={on_keydown}>
            <div class="rules-title">
                <h2>{ "Rules" }</h2>
                <span class="rules-count" data-testid="rule-count">
                    { format!("{} of {}", shown.len(), ALL_RULES.len()) }
                </span>
                <button type="button" class="rules-close" data-testid="rules-close" onclick={on_close} aria-label="Close the rules">
                    { "×" }
                </button>
            </div>
            <input
                type="search"
                class="rules-filter"
                data-testid="rule-filter"
                placeholder="Filter by code, name, words or severity"
                aria-label="Filter the rules"
                value={(*query).clone()}
                oninput={on_query}
            />
            <ol class="rules" ref={list}>
                { for shown.iter().map(|rule| rule_entry(rule, props)) }
            </ol>
            if shown.is_empty() {
                <p class="notice">{ "No rule matches." }</p>
            }
        </aside>
    }
}

fn rule_entry(rule: &'static RuleInfo, props: &RulesPanelProps) -> Html {
    let expanded = props.view.expanded == Some(rule.code);
    let on_toggle = props
        .on_action
        .reform(move |_: MouseEvent| RulesAction::Toggle(rule.code));
    let severity = severity_name(rule.severity);
    html! {
        <li
            class={classes!("rule-entry", severity_class(rule.severity), expanded.then_some("expanded"))}
            data-testid="rule-entry"
            data-code={rule.code}
        >
            <button type="button" class="rule-head" aria-expanded={expanded.to_string()} onclick={on_toggle}>
                <span class="code">{ rule.code }</span>
                <span class="name">{ rule.name }</span>
                <span class={classes!("badge", format!("badge-{severity}"))} title="Severity where threads run the code">
                    { severity }
                </span>
                <span class="summary">{ rule.summary }</span>
            </button>
            if expanded {
                <div class="rule-explanation" data-testid="rule-explanation">
                    { explanation(rule, &props.on_try) }
                </div>
            }
        </li>
    }
}

/// The rule's Markdown explanation, with a "Try it" button under each Python example.
fn explanation(rule: &RuleInfo, on_try: &Callback<String>) -> Html {
    let example = rule.example_after("## Example");
    let fixed = rule.example_after("Use instead:");
    markdown::render(&rule.explanation_text(), 2, &|block: CodeBlock| {
        let code = markdown::code_block_html(&block);
        if block.language != "python" {
            return code;
        }
        let (testid, label) = if Some(&block.text) == example.as_ref() {
            ("try-example", "Try it")
        } else if Some(&block.text) == fixed.as_ref() {
            ("try-fix", "Try the fix")
        } else {
            ("try-code", "Try it")
        };
        let on_click = {
            let text = block.text.clone();
            on_try.reform(move |_: MouseEvent| text.clone())
        };
        html! {
            <div class="code-block">
                { code }
                <button type="button" class="try-it" data-testid={testid} onclick={on_click}
                    title="Load this code into the editor (replaces its text)">
                    { label }
                </button>
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_names_a_known_rule_or_nothing() {
        assert_eq!(rule_from_hash("#rule=FT003").map(|r| r.code), Some("FT003"));
        assert_eq!(rule_from_hash("#rule=ft001").map(|r| r.code), Some("FT001"));
        assert_eq!(
            rule_from_hash("#x=1&rule=rmw-global").map(|r| r.code),
            Some("FT001")
        );
        for hash in [
            "",
            "#",
            "#rule=",
            "#rule=garbage",
            "#rule=FT999",
            "#FT001",
            "#%%%",
        ] {
            assert_eq!(rule_from_hash(hash), None, "{hash}");
        }
    }

    #[test]
    fn filter_matches_every_word_anywhere() {
        let ft001 = find_rule("FT001").unwrap();
        assert!(rule_matches(ft001, ""));
        assert!(rule_matches(ft001, "ft001"));
        assert!(rule_matches(ft001, "RMW global"));
        assert!(!rule_matches(ft001, "rmw nonexistentword"));
        let narrowed = ALL_RULES
            .iter()
            .filter(|rule| rule_matches(rule, "rmw"))
            .count();
        assert!(0 < narrowed && narrowed < ALL_RULES.len());
    }

    #[test]
    fn showing_a_rule_opens_and_expands_it_and_toggling_collapses() {
        let view = Rc::new(RulesView::default());
        let view = view.reduce(RulesAction::Show("FT002"));
        assert!(view.open);
        assert_eq!(view.expanded, Some("FT002"));
        let again = view.clone().reduce(RulesAction::Show("FT002"));
        assert_ne!(again.reveal, view.reveal);
        let collapsed = again.reduce(RulesAction::Toggle("FT002"));
        assert_eq!(collapsed.expanded, None);
        let other = collapsed.reduce(RulesAction::Toggle("FT003"));
        assert_eq!(other.expanded, Some("FT003"));
        assert!(!other.reduce(RulesAction::SetOpen(false)).open);
    }
}
