//! Renders a rule's Markdown explanation (the same text `aether rule CODE` prints) as Yew nodes.
//!
//! The Markdown is walked with pulldown-cmark and turned into virtual DOM directly: no HTML
//! string is ever parsed by the browser, so nothing in the text can inject markup. Code blocks
//! are handed to the caller, which adds its own controls (the Rules panel's "Try it").

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use yew::prelude::*;

/// One fenced or indented code block of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBlock {
    /// The fence's language (`python`), empty for none.
    pub language: String,
    /// The code, ending in a newline as the fence's content does.
    pub text: String,
}

/// The element being built: its tag (and link target) and the children seen so far.
struct Frame {
    tag: &'static str,
    href: Option<String>,
    children: Vec<Html>,
}

/// Renders `markdown`; `code_block` renders each code block (see [`code_block_html`]).
/// Headings are shifted down by `heading_shift` levels so they sit under the page's own.
pub fn render(markdown: &str, heading_shift: u8, code_block: &dyn Fn(CodeBlock) -> Html) -> Html {
    let mut stack = vec![Frame {
        tag: "div",
        href: None,
        children: Vec::new(),
    }];
    let mut code: Option<CodeBlock> = None;
    for event in Parser::new(markdown) {
        if let Some(block) = code.as_mut() {
            match event {
                Event::Text(text) => block.text.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let block = code.take().expect("inside a code block");
                    push(&mut stack, code_block(block));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_owned()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some(CodeBlock {
                    language,
                    text: String::new(),
                });
            }
            Event::Start(tag) => stack.push(Frame {
                tag: element(&tag, heading_shift),
                href: match tag {
                    Tag::Link { dest_url, .. } => Some(dest_url.into_string()),
                    _ => None,
                },
                children: Vec::new(),
            }),
            Event::End(_) => {
                if stack.len() > 1 {
                    let frame = stack.pop().expect("more than the root");
                    push(&mut stack, close(frame));
                }
            }
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                push(&mut stack, html! { { text.into_string() } })
            }
            Event::Code(text) => push(&mut stack, html! { <code>{ text.into_string() }</code> }),
            Event::SoftBreak => push(&mut stack, html! { { " " } }),
            Event::HardBreak => push(&mut stack, html! { <br /> }),
            Event::Rule => push(&mut stack, html! { <hr /> }),
            _ => {}
        }
    }
    // Unbalanced input cannot happen with pulldown-cmark, but closing what is open is harmless.
    while stack.len() > 1 {
        let frame = stack.pop().expect("more than the root");
        push(&mut stack, close(frame));
    }
    let root = stack.pop().expect("the root frame");
    html! { <div class="markdown">{ for root.children }</div> }
}

/// A code block as monospace text, marked with its language for styling.
pub fn code_block_html(block: &CodeBlock) -> Html {
    let class = (!block.language.is_empty()).then(|| format!("language-{}", block.language));
    html! { <pre><code class={class}>{ block.text.clone() }</code></pre> }
}

fn push(stack: &mut [Frame], node: Html) {
    stack
        .last_mut()
        .expect("the root frame is never popped")
        .children
        .push(node);
}

fn close(frame: Frame) -> Html {
    let Frame {
        tag,
        href,
        children,
    } = frame;
    match href {
        Some(href) => html! {
            <a href={href} target="_blank" rel="noopener noreferrer">{ for children }</a>
        },
        None => html! { <@{tag}>{ for children }</@> },
    }
}

/// The element a Markdown tag becomes; anything unusual becomes a plain `span`.
fn element(tag: &Tag, heading_shift: u8) -> &'static str {
    match tag {
        Tag::Paragraph => "p",
        Tag::Heading { level, .. } => {
            let level = (heading_number(*level) + heading_shift).min(6);
            ["h1", "h2", "h3", "h4", "h5", "h6"][usize::from(level - 1)]
        }
        Tag::BlockQuote(_) => "blockquote",
        Tag::List(Some(_)) => "ol",
        Tag::List(None) => "ul",
        Tag::Item => "li",
        Tag::Emphasis => "em",
        Tag::Strong => "strong",
        Tag::Strikethrough => "s",
        Tag::Link { .. } => "a",
        _ => "span",
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::detector::ALL_RULES;

    fn code_blocks(markdown: &str) -> Vec<CodeBlock> {
        let seen = RefCell::new(Vec::new());
        let _ = render(markdown, 2, &|block| {
            seen.borrow_mut().push(block.clone());
            code_block_html(&block)
        });
        seen.into_inner()
    }

    /// The Rules panel's "Try it" buttons get exactly the examples the rule tests check.
    #[test]
    fn every_rules_example_and_fix_reach_the_code_block_renderer() {
        for rule in ALL_RULES {
            let blocks = code_blocks(&rule.explanation_text());
            let example = rule
                .example_after("## Example")
                .expect("every rule has one");
            assert!(
                blocks
                    .iter()
                    .any(|block| block.language == "python" && block.text == example),
                "{}: {blocks:?}",
                rule.code
            );
            if let Some(fixed) = rule.example_after("Use instead:") {
                assert!(
                    blocks.iter().any(|block| block.text == fixed),
                    "{}",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn renders_nested_and_unusual_markdown_without_panicking() {
        let markdown = "# T\n\n- a `b` [c](https://e.org) *d*\n\n> q\n\n<b>raw</b>\n\n    indented\n\n| x |\n|---|\n";
        let blocks = code_blocks(markdown);
        assert_eq!(
            blocks,
            vec![CodeBlock {
                language: String::new(),
                text: "indented\n".into()
            }]
        );
        assert_eq!(element(&Tag::Paragraph, 0), "p");
        assert_eq!(
            element(
                &Tag::Heading {
                    level: HeadingLevel::H5,
                    id: None,
                    classes: Vec::new(),
                    attrs: Vec::new()
                },
                2
            ),
            "h6"
        );
    }
}
