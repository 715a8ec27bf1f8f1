//! Unicode character names to characters, as Python's `\N{...}` escape reads them.
//!
//! The table (`unicode-names.txt`, written by `scripts/unicode-names` from the Unicode
//! Character Database) lists every character name and name alias; the names of the CJK unified
//! ideographs are their prefix and code point in hex (The Unicode Standard, section 4.8, NR2).
//! Names match without regard to ASCII case, as in CPython.
//!
//! Natively the table is embedded. In WebAssembly it is not: the browser worker fetches the
//! file when a text first spells `\N{` and hands it to [`provide`]; until then every name is
//! unknown.

use std::sync::OnceLock;

/// The file the browser serves the table as.
pub const TABLE_FILE: &str = "unicode-names.txt";

const CJK_UNIFIED_IDEOGRAPH: &str = "CJK UNIFIED IDEOGRAPH";

static TABLE: OnceLock<Table> = OnceLock::new();

struct Table {
    /// The `HEX;NAME` lines, sorted by name, for a binary search over the text itself.
    names: &'static str,
    /// Inclusive code point ranges of the CJK unified ideographs.
    ideographs: Vec<(u32, u32)>,
}

impl Table {
    /// Reads the comment lines and the ideograph ranges at the top; the names stay as text.
    fn parse(text: &'static str) -> Self {
        let mut ideographs = Vec::new();
        let mut rest = text;
        while let Some((line, after)) = rest.split_once('\n') {
            if !line.starts_with('#') {
                let Some((first, last)) = line
                    .split_once(';')
                    .and_then(|(code, _)| code.split_once(".."))
                else {
                    break;
                };
                if let (Ok(first), Ok(last)) = (
                    u32::from_str_radix(first, 16),
                    u32::from_str_radix(last, 16),
                ) {
                    ideographs.push((first, last));
                }
            }
            rest = after;
        }
        Self {
            names: rest,
            ideographs,
        }
    }

    fn character(&self, name: &str) -> Option<char> {
        if let Some(digits) = name
            .strip_prefix(CJK_UNIFIED_IDEOGRAPH)
            .and_then(|rest| rest.strip_prefix('-'))
        {
            let code = (matches!(digits.len(), 4 | 5)
                && digits.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(digits, 16).ok())
            .flatten()?;
            return self
                .ideographs
                .iter()
                .any(|&(first, last)| (first..=last).contains(&code))
                .then(|| char::from_u32(code))
                .flatten();
        }
        let code = self.code_of(name)?;
        u32::from_str_radix(code, 16).ok().and_then(char::from_u32)
    }

    /// The hex code of the line named `name`. `low` and `high` are always line starts (or
    /// the end), so each probe reads the whole line around the middle byte.
    fn code_of(&self, name: &str) -> Option<&'static str> {
        let bytes = self.names.as_bytes();
        let (mut low, mut high) = (0, bytes.len());
        while low < high {
            let middle = low + (high - low) / 2;
            let start = bytes[low..middle]
                .iter()
                .rposition(|&byte| byte == b'\n')
                .map_or(low, |index| low + index + 1);
            let end = bytes[start..]
                .iter()
                .position(|&byte| byte == b'\n')
                .map_or(bytes.len(), |index| start + index);
            let (code, candidate) = self.names[start..end].split_once(';')?;
            match candidate.cmp(name) {
                std::cmp::Ordering::Equal => return Some(code),
                std::cmp::Ordering::Less => low = end + 1,
                std::cmp::Ordering::Greater => high = start,
            }
        }
        None
    }
}

fn table() -> Option<&'static Table> {
    #[cfg(not(target_arch = "wasm32"))]
    return Some(TABLE.get_or_init(|| Table::parse(include_str!("../unicode-names.txt"))));
    #[cfg(target_arch = "wasm32")]
    TABLE.get()
}

/// The character called `name` (a name or an alias, in any ASCII case), or `None`.
///
/// ```
/// assert_eq!(unicode_names2::character("latin small letter a"), Some('a'));
/// assert_eq!(unicode_names2::character("LF"), Some('\n'));
/// assert_eq!(unicode_names2::character("CJK UNIFIED IDEOGRAPH-4E00"), Some('一'));
/// assert_eq!(unicode_names2::character("NO SUCH CHARACTER"), None);
/// ```
pub fn character(name: &str) -> Option<char> {
    table()?.character(&name.to_ascii_uppercase())
}

/// Whether names can be looked up (always natively; in WebAssembly once [`provide`] ran).
pub fn is_loaded() -> bool {
    table().is_some()
}

/// Hands over the text of `unicode-names.txt`; kept for the life of the process.
pub fn provide(text: String) {
    TABLE.get_or_init(|| Table::parse(Box::leak(text.into_boxed_str())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_generated_names_resolve() {
        assert_eq!(character("BULLET"), Some('•'));
        assert_eq!(character("Bullet"), Some('•'));
        assert_eq!(character("BYTE ORDER MARK"), Some('\u{feff}'));
        assert_eq!(character("NULL"), Some('\0'));
        assert_eq!(character("HANGUL SYLLABLE GAG"), Some('각'));
        assert_eq!(character("cjk unified ideograph-20000"), Some('\u{20000}'));
        assert_eq!(
            character("CJK COMPATIBILITY IDEOGRAPH-F900"),
            Some('\u{f900}')
        );
    }

    #[test]
    fn every_listed_name_is_found() {
        let table = table().unwrap();
        let mut previous = "";
        for line in table.names.lines() {
            let (code, name) = line.split_once(';').unwrap();
            assert!(
                previous < name,
                "{previous} before {name}: the table must be sorted"
            );
            assert_eq!(table.code_of(name), Some(code), "{name}");
            previous = name;
        }
        assert_eq!(table.ideographs.len(), 10);
    }

    #[test]
    fn unknown_and_malformed_names_are_none() {
        assert_eq!(character(""), None);
        assert_eq!(character("BULLETS"), None);
        assert_eq!(character("<control>"), None);
        assert_eq!(character("AAAA"), None);
        assert_eq!(character("ZZZZ"), None);
        assert_eq!(character("0041"), None);
        // Outside every ideograph range, or not four or five hex digits.
        assert_eq!(character("CJK UNIFIED IDEOGRAPH-0041"), None);
        assert_eq!(character("CJK UNIFIED IDEOGRAPH-4E00 "), None);
        assert_eq!(character("CJK UNIFIED IDEOGRAPH-004E00"), None);
        assert_eq!(character("CJK UNIFIED IDEOGRAPH-+4E0"), None);
    }
}
