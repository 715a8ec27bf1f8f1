//! Share links: the playground's whole state in the URL fragment, with no server.
//!
//! A link's fragment is `#v1/` followed by the state as JSON, compressed with raw DEFLATE
//! (RFC 1951) and written in URL-safe base64 without padding (RFC 4648 §5). The version prefix
//! lets later formats change while old links stay readable: a new format gets a new number and
//! [`decode`] keeps a reader for every earlier one.
//!
//! A link is untrusted input. Decoding bounds every size (the link, the decompressed data),
//! never panics, and only ever yields data: the caller puts the code into the editor as text and
//! the settings into their fields.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::{Diagnostic, Location};

/// The prefix of a version-1 link's fragment (after `#`).
const V1_PREFIX: &str = "v1/";

/// The longest fragment a link may have. Chromium keeps URLs up to 2 MB; a link of the largest
/// text the playground analyses (1 MB of typical Python) is a few hundred kilobytes.
pub const MAX_LINK_CHARS: usize = 1_500_000;

/// The most bytes a link may decompress to: the largest text the playground analyses
/// ([`crate::web::ui`]'s limit, 1 MB) with room for the settings. A link that inflates further
/// (a "zip bomb") is refused without being inflated further.
pub const MAX_STATE_BYTES: usize = 1_100_000;

/// Chat tools and some issue trackers cut or refuse longer links (Discord caps a message at
/// 2,000 characters); the playground warns above this.
pub const LONG_LINK_CHARS: usize = 2_000;

/// Everything a link restores. Fields missing from a link take their defaults, so a link made
/// before a field existed still opens.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SharedState {
    /// The editor's text.
    pub code: String,
    /// The Advice panel's fields as typed.
    pub advice: AdviceFields,
    /// Analyse the code as a library (its functions may be called from threads it does not
    /// start). Kept in links now; the analysis reads it once the core offers the option.
    pub library: bool,
    /// The side panel that was open.
    pub panel: Option<SidePanel>,
    /// The rule expanded in the Rules panel.
    pub rule: Option<String>,
    /// The Scaling view's sliders (an object of `ScalingParams` fields), present when the view
    /// was open. Kept as JSON so that a link stays readable when sliders are added or renamed:
    /// unknown fields are dropped and missing ones take the current values.
    pub scaling: Option<serde_json::Value>,
    /// The editor's cursor.
    pub cursor: Option<Location>,
}

/// The Advice panel's fields, as the user typed them (a half-typed number is kept as is).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdviceFields {
    pub build: String,
    pub overhead: String,
    pub cores: String,
    pub threads: String,
    pub workload: String,
    pub parallel_fraction: String,
    pub blocking_ratio: String,
    pub points: String,
}

impl Default for AdviceFields {
    fn default() -> Self {
        Self {
            build: "3.14t".into(),
            overhead: "0.08".into(),
            cores: "4".into(),
            threads: "4".into(),
            workload: "parallel-fraction".into(),
            parallel_fraction: "0.95".into(),
            blocking_ratio: "0.5".into(),
            points: String::new(),
        }
    }
}

/// A panel beside the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SidePanel {
    Rules,
    Report,
}

/// Why a link could not be opened, in words for the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// A format this playground does not know (made by a newer version, or mistyped).
    UnknownVersion(String),
    TooLong {
        chars: usize,
    },
    /// Characters that base64url never has: the link was cut, wrapped or edited.
    NotBase64,
    /// The compressed data ends early or is corrupt.
    Damaged,
    /// It decompresses to more than [`MAX_STATE_BYTES`].
    TooLarge,
    /// It decompresses, but not to a playground state.
    NotAState(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownVersion(version) => write!(
                f,
                "This link has format \u{201c}{version}\u{201d}, which this playground cannot read (it reads v1). It may come from a newer version of the playground."
            ),
            Self::TooLong { chars } => write!(
                f,
                "This link is {chars} characters long; the playground opens links of up to {MAX_LINK_CHARS}."
            ),
            Self::NotBase64 => f.write_str(
                "This link is damaged: it holds characters a playground link never has. Was it cut, wrapped or edited?",
            ),
            Self::Damaged => f.write_str(
                "This link is incomplete or damaged, so its code cannot be recovered. Some chat tools cut long links: ask for the whole link, or for the code itself.",
            ),
            Self::TooLarge => write!(
                f,
                "This link holds more than {MAX_STATE_BYTES} bytes, more than the playground analyses."
            ),
            Self::NotAState(error) => {
                write!(f, "This link does not hold a playground state ({error}).")
            }
        }
    }
}

/// The code, its findings and the link as Markdown, for an issue or a chat ("Copy as
/// Markdown"). The code fence is longer than any run of backticks in the code.
pub fn markdown_summary(code: &str, diagnostics: &[Diagnostic], link: &str) -> String {
    let longest_run = code
        .split(|character| character != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest_run + 1).max(3));
    let newline = if code.ends_with('\n') { "" } else { "\n" };
    let mut out = format!("{fence}python\n{code}{newline}{fence}\n\n");
    if diagnostics.is_empty() {
        out += "Aether finds no free-threading hazards in this code.\n";
    } else {
        out += &format!("Aether finds {}:\n\n", plural(diagnostics.len(), "hazard"));
        for diagnostic in diagnostics {
            out += &format!(
                "- line {}: `{}` {}: {}\n",
                diagnostic.location.row,
                diagnostic.code,
                diagnostic.name,
                diagnostic.message.replace('\n', " ")
            );
        }
    }
    out + &format!("\n[Open in the Aether playground]({link})\n")
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The fragment (without `#`) of a link to `state`.
pub fn encode(state: &SharedState) -> String {
    let json = serde_json::to_vec(state).expect("a shared state always serializes");
    let compressed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{V1_PREFIX}{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// Reads a URL fragment (with or without `#`). `Ok(None)` when it is not a share link at all
/// (empty, or another fragment such as `#rule=FT001`).
pub fn decode(fragment: &str) -> Result<Option<SharedState>, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let Some(version) = link_version(fragment) else {
        return Ok(None);
    };
    if fragment.len() > MAX_LINK_CHARS {
        return Err(ShareError::TooLong {
            chars: fragment.chars().count(),
        });
    }
    match version {
        "v1" => decode_v1(&fragment[V1_PREFIX.len()..]).map(Some),
        other => Err(ShareError::UnknownVersion(other.to_owned())),
    }
}

/// The version of a share-link fragment: `v` and digits before the first `/`.
fn link_version(fragment: &str) -> Option<&str> {
    let (version, _) = fragment.split_once('/')?;
    let digits = version.strip_prefix('v')?;
    (!digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit())).then_some(version)
}

fn decode_v1(payload: &str) -> Result<SharedState, ShareError> {
    let compressed = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|error| match error {
            base64::DecodeError::InvalidByte(..) => ShareError::NotBase64,
            // A length or last symbol no encoder writes: the link was cut short.
            _ => ShareError::Damaged,
        })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_STATE_BYTES)
        .map_err(|error| match error.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::Damaged,
        })?;
    serde_json::from_slice(&json).map_err(|error| ShareError::NotAState(error.to_string()))
}

/// The share-link fuzz target's body (`fuzz/fuzz_targets/share_link.rs`). Any bytes as a whole
/// fragment, as a v1 link's compressed payload, and compressed as its JSON: decoding never
/// panics, and a state that decodes encodes to a link that decodes to the same state.
pub fn fuzz(bytes: &[u8]) {
    let fragments = [
        String::from_utf8_lossy(bytes).into_owned(),
        format!("{V1_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)),
        format!(
            "{V1_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(bytes, 1))
        ),
    ];
    for fragment in &fragments {
        if let Ok(Some(state)) = decode(fragment) {
            assert_eq!(decode(&encode(&state)), Ok(Some(state)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> SharedState {
        SharedState {
            code: "import threading\n\ncounter = 0\n# ünïcødé 😀 漢字\n".into(),
            advice: AdviceFields {
                build: "custom".into(),
                overhead: "0.2".into(),
                cores: "16".into(),
                points: "1,100\n2,190\n".into(),
                ..AdviceFields::default()
            },
            library: true,
            panel: Some(SidePanel::Rules),
            rule: Some("FT003".into()),
            scaling: Some(serde_json::json!({ "items": 5000, "threads": 8 })),
            cursor: Some(Location { row: 3, column: 5 }),
        }
    }

    #[test]
    fn round_trips_every_field() {
        let state = example();
        let fragment = encode(&state);
        assert!(fragment.starts_with("v1/"));
        assert_eq!(decode(&fragment), Ok(Some(state.clone())));
        assert_eq!(decode(&format!("#{fragment}")), Ok(Some(state)));
    }

    /// A link made by the first version of the format. It must open as long as the playground
    /// exists: change the format by adding a version, never by changing how v1 reads.
    #[test]
    fn a_stored_v1_link_still_opens() {
        const STORED: &str = "v1/TY-xTsMwEIZfxTJrQE5LEI3EyhMwRqocx1CrF190sVuhKhJvARsSGwNiZeiWZ4GZR-Ac1KrT6f_v9N3_76TBxspSurZDCiKsyOrG-YfKV95g9MGSuBGq8mdi3Pvx04xfzfgufl9fnsTP_u3747nyMpO62TjDnJ2so4OGgSb2AVte4cbSiqHsqYsZGwbJ9qzyKxb_D5O8ZLVFWgNOt50mDWDh_J60CQ7Tl4O3PHqJuSh4VQOaNedekubF5Ce7Q-fD9CzLFbeYZfmChxwyCa4mTY-yDBRtYnsLfEgROF02TZa3d0rNWfZGA-NTQxdsy8hCKXWS_5qRJlKPlG4It7Kcp64QW45ZDMMf";
        let state = decode(STORED).unwrap().unwrap();
        assert_eq!(state, example());
    }

    #[test]
    fn other_fragments_are_not_links() {
        for fragment in [
            "",
            "#",
            "#rule=FT001",
            "#x=1&rule=rmw-global",
            "v/abc",
            "vx/abc",
        ] {
            assert_eq!(decode(fragment), Ok(None), "{fragment}");
        }
    }

    #[test]
    fn missing_fields_take_defaults() {
        let json = br#"{"code":"x = 1\n"}"#;
        let fragment = format!(
            "v1/{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json, 6))
        );
        let state = decode(&fragment).unwrap().unwrap();
        assert_eq!(state.code, "x = 1\n");
        assert_eq!(state.advice, AdviceFields::default());
        assert_eq!(state.panel, None);
    }

    #[test]
    fn bad_links_are_clear_errors() {
        let good = encode(&example());
        let cut = &good[..good.len() / 2];
        assert_eq!(decode(cut), Err(ShareError::Damaged));
        assert_eq!(decode("v1/not base64!"), Err(ShareError::NotBase64));
        assert_eq!(
            decode("v9/abc"),
            Err(ShareError::UnknownVersion("v9".into()))
        );
        let not_json = format!(
            "v1/{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"<script>", 6))
        );
        assert!(matches!(decode(&not_json), Err(ShareError::NotAState(_))));
        let too_long = format!("v1/{}", "A".repeat(MAX_LINK_CHARS));
        assert!(matches!(decode(&too_long), Err(ShareError::TooLong { .. })));
    }

    #[test]
    fn a_zip_bomb_is_refused_without_inflating_it() {
        let bomb = vec![b' '; MAX_STATE_BYTES * 20];
        let fragment = format!(
            "v1/{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bomb, 9))
        );
        assert!(fragment.len() < 40_000, "{}", fragment.len());
        assert_eq!(decode(&fragment), Err(ShareError::TooLarge));
    }

    #[test]
    fn markdown_fences_the_code_and_lists_findings_with_the_link() {
        let code = "s = \"```\"\nimport threading\n";
        let diagnostics = crate::check_source(
            "import threading\nn = 0\ndef f():\n    global n\n    n += 1\nfor _ in range(2):\n    threading.Thread(target=f).start()\n",
        );
        let markdown = markdown_summary(code, &diagnostics, "https://example.org/#v1/x");
        assert!(markdown.starts_with("````python\ns = \"```\"\nimport threading\n````\n"));
        assert!(markdown.contains("Aether finds 1 hazard:\n\n- line 5: `FT001` rmw-global: "));
        assert!(markdown.ends_with("[Open in the Aether playground](https://example.org/#v1/x)\n"));
        let clean = markdown_summary("x = 1", &[], "L");
        assert!(clean.starts_with("```python\nx = 1\n```\n"));
        assert!(clean.contains("no free-threading hazards"));
    }

    /// Inputs the fuzz target found or that stress it (`fuzz/regressions/share_link/`).
    #[test]
    fn fuzz_regressions_and_seeds_pass() {
        let folder =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/share_link");
        for entry in std::fs::read_dir(folder).unwrap() {
            fuzz(&std::fs::read(entry.unwrap().path()).unwrap());
        }
        fuzz(encode(&example()).as_bytes());
        fuzz(serde_json::to_vec(&example()).unwrap().as_slice());
    }

    #[test]
    fn a_300_line_file_fits_well_under_8_kb() {
        // Real programs (the detector's corpus, one after another), not a repeated line.
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/hazardous");
        let mut files: Vec<_> = std::fs::read_dir(corpus)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        let lines: Vec<String> = files
            .iter()
            .flat_map(|file| {
                let text = std::fs::read_to_string(file).unwrap();
                text.lines().map(str::to_owned).collect::<Vec<_>>()
            })
            .take(300)
            .collect();
        let state = SharedState {
            code: lines.join("\n"),
            ..SharedState::default()
        };
        let fragment = encode(&state);
        assert!(fragment.len() < 6_000, "{} characters", fragment.len());
    }
}
