//! Input limits checked before parsing.
//!
//! The parser, the visitors and the AST's `Drop` all recurse once per nesting level, and a
//! Web Worker has a small fixed stack. Pathological input (a pasted 100,000-term `1+1+...`,
//! `((((...))))`, 500 levels of indentation) must give a clear diagnostic, not a stack overflow.
//! The bracket and indentation limits are CPython's own (its tokenizer's `MAXLEVEL` and
//! `MAXINDENT`); the operator-chain limit is far beyond what real code writes.

use ruff_text_size::{TextRange, TextSize};

/// Largest source text analysed (bytes). Bigger pastes are refused with a clear message.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;
/// CPython refuses more than 200 nested brackets ("too many nested parentheses").
pub const MAX_BRACKET_DEPTH: usize = 200;
/// CPython refuses more than 100 indentation levels ("too many levels of indentation").
pub const MAX_INDENT_LEVELS: usize = 100;
/// Operators, attribute accesses, calls and subscripts chained inside one expression.
pub const MAX_EXPRESSION_DEPTH: usize = 1_000;

/// Why a source text was not parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitExceeded {
    pub message: String,
    pub range: TextRange,
}

/// Scans the raw text (strings and comments skipped) and reports the first limit it exceeds.
pub fn check_limits(source: &str) -> Result<(), LimitExceeded> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(LimitExceeded {
            message: format!(
                "file is too large to analyse ({} bytes; the limit is {} bytes)",
                source.len(),
                MAX_SOURCE_BYTES
            ),
            range: TextRange::empty(TextSize::new(0)),
        });
    }
    Scanner::new(source).run()
}

/// What a byte means to the scanner. Most bytes (spaces, `=`, comparison signs, non-ASCII text)
/// change no limit; names and numbers only matter when they are a nesting keyword.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Inert,
    Word,
    /// The first letter of a nesting keyword (`not`, `lambda`, `if`, `await`, `yield`).
    KeywordStart,
    Newline,
    Open,
    Close,
    Separator,
    Dot,
    Operator,
    Quote,
    Comment,
    Backslash,
}

const CLASSES: [Class; 256] = {
    let mut classes = [Class::Inert; 256];
    let mut byte = 0;
    while byte < 128 {
        if (byte as u8).is_ascii_alphanumeric() || byte as u8 == b'_' {
            classes[byte] = Class::Word;
        }
        byte += 1;
    }
    classes = with_class(classes, b"nliay", Class::KeywordStart);
    classes = with_class(classes, b"\n", Class::Newline);
    classes = with_class(classes, b"([{", Class::Open);
    classes = with_class(classes, b")]}", Class::Close);
    classes = with_class(classes, b",;:", Class::Separator);
    classes = with_class(classes, b".", Class::Dot);
    classes = with_class(classes, b"+-*/%@&|^~", Class::Operator);
    classes = with_class(classes, b"'\"", Class::Quote);
    classes = with_class(classes, b"#", Class::Comment);
    with_class(classes, b"\\", Class::Backslash)
};

/// `classes` with each of `bytes` given `class`.
const fn with_class(mut classes: [Class; 256], bytes: &[u8], class: Class) -> [Class; 256] {
    let mut i = 0;
    while i < bytes.len() {
        classes[bytes[i] as usize] = class;
        i += 1;
    }
    classes
}

fn class_of(byte: u8) -> Class {
    CLASSES[usize::from(byte)]
}

fn is_word_byte(byte: u8) -> bool {
    matches!(class_of(byte), Class::Word | Class::KeywordStart)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Depth-making tokens seen since the last separator, one counter per open bracket level.
    chain_per_level: Vec<usize>,
    chain_total: usize,
    indent_widths: Vec<usize>,
}

impl<'a> Scanner<'a> {
    fn new(source: &'a str) -> Self {
        Self {
            bytes: source.as_bytes(),
            pos: 0,
            chain_per_level: vec![0],
            chain_total: 0,
            indent_widths: Vec::new(),
        }
    }

    fn error(&self, message: String) -> Result<(), LimitExceeded> {
        let offset = TextSize::try_from(self.pos.min(self.bytes.len())).unwrap_or_default();
        Err(LimitExceeded {
            message,
            range: TextRange::empty(offset),
        })
    }

    fn bracket_depth(&self) -> usize {
        self.chain_per_level.len() - 1
    }

    /// One step per token, not per byte: this scan runs over every file before parsing.
    fn run(mut self) -> Result<(), LimitExceeded> {
        self.measure_indentation()?;
        while let Some(&byte) = self.bytes.get(self.pos) {
            match class_of(byte) {
                Class::Inert | Class::Word | Class::KeywordStart => self.skip_words()?,
                Class::Comment => self.skip_comment(),
                Class::Quote => self.skip_string(byte),
                Class::Backslash => self.pos += 2,
                Class::Newline => {
                    self.pos += 1;
                    if self.bracket_depth() == 0 {
                        self.reset_chain();
                        self.measure_indentation()?;
                    }
                }
                Class::Open => {
                    if self.follows_operand() {
                        self.add_to_chain()?;
                    }
                    self.chain_per_level.push(0);
                    if self.bracket_depth() > MAX_BRACKET_DEPTH {
                        return self.error(format!(
                            "too many nested brackets (more than {MAX_BRACKET_DEPTH})"
                        ));
                    }
                    self.pos += 1;
                }
                Class::Close => {
                    if self.chain_per_level.len() > 1 {
                        let closed = self.chain_per_level.pop().unwrap_or(0);
                        self.chain_total -= closed;
                    }
                    self.pos += 1;
                }
                Class::Separator => {
                    self.reset_chain();
                    self.pos += 1;
                }
                Class::Dot => {
                    if !self.between_digits() {
                        self.add_to_chain()?;
                    }
                    self.pos += 1;
                }
                Class::Operator => {
                    self.add_to_chain()?;
                    self.pos += 1;
                }
            }
        }
        Ok(())
    }

    fn measure_indentation(&mut self) -> Result<(), LimitExceeded> {
        let start = self.pos;
        // Eight spaces at a time: most indentation is a multiple of four spaces.
        while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8)
            && chunk == b"        "
        {
            self.pos += 8;
        }
        while self.pos < self.bytes.len() && matches!(self.bytes[self.pos], b' ' | b'\t') {
            self.pos += 1;
        }
        // Blank and comment-only lines do not open or close blocks.
        if matches!(self.bytes.get(self.pos), None | Some(b'\n' | b'\r' | b'#')) {
            return Ok(());
        }
        let width = self.pos - start;
        while self.indent_widths.last().is_some_and(|&last| last > width) {
            self.indent_widths.pop();
        }
        if self.indent_widths.last().is_none_or(|&last| last < width) {
            self.indent_widths.push(width);
        }
        if self.indent_widths.len() > MAX_INDENT_LEVELS {
            return self.error(format!(
                "too many levels of indentation (more than {MAX_INDENT_LEVELS})"
            ));
        }
        Ok(())
    }

    fn reset_chain(&mut self) {
        if let Some(current) = self.chain_per_level.last_mut() {
            self.chain_total -= *current;
            *current = 0;
        }
    }

    fn add_to_chain(&mut self) -> Result<(), LimitExceeded> {
        if let Some(current) = self.chain_per_level.last_mut() {
            *current += 1;
        }
        self.chain_total += 1;
        if self.chain_total + self.bracket_depth() > MAX_EXPRESSION_DEPTH {
            return self.error(format!(
                "expression nested too deeply (more than {MAX_EXPRESSION_DEPTH} operators, calls or attribute accesses in a chain)"
            ));
        }
        Ok(())
    }

    /// A bracket right after a name or a closing bracket is a call or subscript: one more level.
    fn follows_operand(&self) -> bool {
        self.pos > 0 && {
            let prev = self.bytes[self.pos - 1];
            prev.is_ascii_alphanumeric() || matches!(prev, b'_' | b')' | b']')
        }
    }

    fn between_digits(&self) -> bool {
        self.pos > 0
            && self.bytes[self.pos - 1].is_ascii_digit()
            && self.bytes.get(self.pos + 1).is_none_or(u8::is_ascii_digit)
    }

    /// Skips names, numbers and inert bytes (most of any source text) in one tight loop, which
    /// only stops at a word that may be a nesting keyword.
    fn skip_words(&mut self) -> Result<(), LimitExceeded> {
        let bytes = self.bytes;
        let mut pos = self.pos;
        while let Some(&byte) = bytes.get(pos) {
            match class_of(byte) {
                Class::Inert | Class::Word => pos += 1,
                Class::KeywordStart => {
                    let starts_word = pos == 0 || !is_word_byte(bytes[pos - 1]);
                    let length = bytes[pos..]
                        .iter()
                        .position(|&byte| !is_word_byte(byte))
                        .unwrap_or(bytes.len() - pos);
                    let word = &bytes[pos..pos + length];
                    pos += length;
                    if starts_word
                        && matches!(word, b"not" | b"lambda" | b"if" | b"await" | b"yield")
                    {
                        self.pos = pos;
                        self.add_to_chain()?;
                    }
                }
                _ => break,
            }
        }
        self.pos = pos;
        Ok(())
    }

    fn skip_comment(&mut self) {
        self.pos = memchr::memchr(b'\n', &self.bytes[self.pos..])
            .map_or(self.bytes.len(), |offset| self.pos + offset);
    }

    fn skip_string(&mut self, quote: u8) {
        let triple = self.bytes.get(self.pos + 1) == Some(&quote)
            && self.bytes.get(self.pos + 2) == Some(&quote);
        self.pos += if triple { 3 } else { 1 };
        // Jump from one byte that can end or escape the string to the next.
        while let Some(offset) = memchr::memchr3(quote, b'\\', b'\n', &self.bytes[self.pos..]) {
            self.pos += offset;
            match self.bytes[self.pos] {
                b'\\' => self.pos += 2,
                b'\n' if !triple => return,
                b'\n' => self.pos += 1,
                _ if !triple => {
                    self.pos += 1;
                    return;
                }
                _ if self.bytes.get(self.pos + 1) == Some(&quote)
                    && self.bytes.get(self.pos + 2) == Some(&quote) =>
                {
                    self.pos += 3;
                    return;
                }
                _ => self.pos += 1,
            }
            if self.pos >= self.bytes.len() {
                return;
            }
        }
        self.pos = self.bytes.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_code_passes() {
        let source = "def f(x):\n    return [a.b.c(x) + 1 for a in x if a]\n";
        assert_eq!(check_limits(source), Ok(()));
    }

    #[test]
    fn long_flat_literals_pass() {
        let numbers: Vec<String> = (0..50_000).map(|i| format!("-{i}")).collect();
        let source = format!("DATA = [{}]\n", numbers.join(", "));
        assert_eq!(check_limits(&source), Ok(()));
    }

    #[test]
    fn brackets_in_strings_and_comments_are_ignored() {
        let source = format!(
            "s = '{}'  # {}\nt = \"\"\"{}\"\"\"\n",
            "(".repeat(500),
            "[".repeat(500),
            "{".repeat(500)
        );
        assert_eq!(check_limits(&source), Ok(()));
    }

    #[test]
    fn deep_brackets_are_refused() {
        let source = format!("x = {}1{}\n", "(".repeat(300), ")".repeat(300));
        let error = check_limits(&source).unwrap_err();
        assert!(
            error.message.contains("too many nested brackets"),
            "{}",
            error.message
        );
    }

    #[test]
    fn long_operator_chains_are_refused() {
        let source = format!("x = 1{}\n", "+1".repeat(5_000));
        let error = check_limits(&source).unwrap_err();
        assert!(
            error.message.contains("nested too deeply"),
            "{}",
            error.message
        );
    }

    #[test]
    fn nesting_keywords_count_but_names_that_start_like_them_do_not() {
        let keywords = format!("x = {}y\n", "not ".repeat(2_000));
        let error = check_limits(&keywords).unwrap_err();
        assert!(
            error.message.contains("nested too deeply"),
            "{}",
            error.message
        );
        // 599 operators; counting each `nothing` as `not` would make 1,199.
        let names = format!("x = {}\n", vec!["nothing"; 600].join(" + "));
        assert_eq!(check_limits(&names), Ok(()));
    }

    #[test]
    fn deep_indentation_is_refused() {
        let mut source = String::new();
        for level in 0..150 {
            source.push_str(&" ".repeat(level));
            source.push_str("if x:\n");
        }
        source.push_str(&" ".repeat(150));
        source.push_str("pass\n");
        let error = check_limits(&source).unwrap_err();
        assert!(error.message.contains("indentation"), "{}", error.message);
    }
}
