//! Input limits: what is too large or too deeply nested to analyse.
//!
//! The visitors and the AST's `Drop` recurse once per nesting level, and so does the parser in a
//! Web Worker, whose stack cannot grow. Pathological input (a pasted 100,000-term `1+1+...`,
//! `((((...))))`, `lambda: lambda: ...`, 500 levels of indentation) must give a clear diagnostic,
//! not a stack overflow. The limits are counted over tokens: natively over the parser's own (it
//! grows its stack as it recurses), in the browser over a lexer pass before parsing. The bracket
//! and indentation limits are CPython's own (its tokenizer's `MAXLEVEL` and `MAXINDENT`); the
//! expression-depth limit is far beyond what real code writes.

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{ModModule, PySourceType};
use ruff_python_parser::Parsed;
use ruff_text_size::{TextRange, TextSize};

/// Largest source text analysed (bytes). Bigger pastes are refused with a clear message.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;
/// CPython refuses more than 200 nested brackets ("too many nested parentheses").
pub const MAX_BRACKET_DEPTH: usize = 200;
/// CPython refuses more than 100 indentation levels ("too many levels of indentation").
pub const MAX_INDENT_LEVELS: usize = 100;
/// Operators, attribute accesses, calls, subscripts and nesting keywords chained inside one
/// expression, plus the brackets around them.
pub const MAX_EXPRESSION_DEPTH: usize = 1_000;

/// Why a source text was not analysed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitExceeded {
    pub message: String,
    pub range: TextRange,
}

/// Texts with more f-string and t-string openings than this are checked before parsing even
/// where the parser can grow its stack: ruff_python_parser 0.0.10 takes time quadratic in how
/// deeply they nest (20,000 levels: 1 s; 200,000: minutes), while the lexer pass that refuses
/// such nesting is linear.
const MANY_INTERPOLATED_STRINGS: usize = 1_000;

/// Most tokens that can open a nesting level (brackets, operators, attribute accesses, keywords
/// whose operand nests) a text may have and still be parsed without a lexer pass first. The
/// parser's recursion takes up to 1.6 KB a level (4 MB of `(` took 6.2 GB) and a chain of binary
/// operators 250 bytes a level, so a text with fewer such tokens costs at most about 50 MB however
/// they nest. One file of the CPython 3.13 standard library has more (2% of its bytes).
const UNCHECKED_NESTING_TOKENS: usize = 32 * 1024;

/// Parses `source` unless it goes over a limit.
pub fn parse_within_limits(source: &str) -> Result<Parsed<ModModule>, LimitExceeded> {
    check_size(source)?;
    check_nul(source)?;
    if cfg!(target_arch = "wasm32")
        || interpolated_string_openings(source) > MANY_INTERPOLATED_STRINGS
        || could_nest_deeply(source)
    {
        check_before_parsing(source)?;
    }
    let parsed = ruff_python_parser::parse_unchecked_source(source, PySourceType::Python);
    #[cfg(not(target_arch = "wasm32"))]
    if let Err(limit) = check_tokens(parsed.tokens()) {
        drop_deep_tree(parsed, source.len());
        return Err(limit);
    }
    Ok(parsed)
}

/// Drops a tree that went over the nesting limit on a stack of its own: `Drop` recurses once a
/// level and cannot grow the thread's stack. Nothing is leaked from one file of a run to the
/// next. The stack is reserved, not used, beyond what the tree needs.
#[cfg(not(target_arch = "wasm32"))]
fn drop_deep_tree(parsed: Parsed<ModModule>, source_bytes: usize) {
    /// A level takes at least one source byte and under 256 bytes of stack to drop.
    const STACK_PER_SOURCE_BYTE: usize = 256;
    stacker::grow(
        source_bytes.saturating_mul(STACK_PER_SOURCE_BYTE),
        move || {
            drop(parsed);
        },
    );
}

/// Whether the text has more than [`UNCHECKED_NESTING_TOKENS`] bytes that could open a level:
/// brackets, operator characters and `.` (one comparison per byte class, which the compiler
/// vectorises), and the keywords `not`, `lambda`, `await`, `yield` and `else` (each level of a
/// conditional expression has one; a SIMD search each). Characters in strings and words that
/// only contain a keyword count too: an overestimate only costs a lexer pass.
fn could_nest_deeply(source: &str) -> bool {
    let bytes = source.as_bytes();
    if bytes.len() <= UNCHECKED_NESTING_TOKENS {
        return false;
    }
    let symbols = bytes
        .iter()
        .filter(|&&byte| {
            matches!(
                byte,
                b'(' | b'['
                    | b'{'
                    | b'-'
                    | b'+'
                    | b'~'
                    | b'*'
                    | b'/'
                    | b'%'
                    | b'|'
                    | b'&'
                    | b'^'
                    | b'.'
                    | b'<'
                    | b'>'
                    | b'@'
            )
        })
        .count();
    let mut count = symbols;
    ["not", "lambda", "await", "yield", "else"]
        .iter()
        .any(|keyword| {
            count += memchr::memmem::find_iter(bytes, keyword).count();
            count > UNCHECKED_NESTING_TOKENS
        })
        || count > UNCHECKED_NESTING_TOKENS
}

/// CPython refuses source with a NUL byte ("source code cannot contain null bytes"); the parser
/// would read on past it.
fn check_nul(source: &str) -> Result<(), LimitExceeded> {
    match memchr::memchr(0, source.as_bytes()) {
        None => Ok(()),
        Some(at) => Err(LimitExceeded {
            message: "source code cannot contain null bytes".to_string(),
            range: TextRange::empty(TextSize::try_from(at).unwrap_or_default()),
        }),
    }
}

/// Refuses a text over [`MAX_SOURCE_BYTES`], before any other work.
fn check_size(source: &str) -> Result<(), LimitExceeded> {
    if source.len() <= MAX_SOURCE_BYTES {
        return Ok(());
    }
    Err(LimitExceeded {
        message: too_large(source.len() as u64),
        range: TextRange::empty(TextSize::new(0)),
    })
}

/// Why a text of `bytes` bytes is not analysed.
pub fn too_large(bytes: u64) -> String {
    format!("file is too large to analyse ({bytes} bytes; the limit is {MAX_SOURCE_BYTES} bytes)")
}

/// Quotes that follow an `f`/`t` prefix (`f"`, `rt'`, ...), counted by a SIMD search for quotes.
/// A closing quote after a word ending in `f` counts too: an overestimate only costs a lexer pass.
fn interpolated_string_openings(source: &str) -> usize {
    let bytes = source.as_bytes();
    let is_prefix = |at: usize| matches!(bytes[at], b'f' | b'F' | b't' | b'T');
    memchr::memchr2_iter(b'"', b'\'', bytes)
        .filter(|&quote| match quote {
            0 => false,
            1 => is_prefix(0),
            _ => {
                is_prefix(quote - 1)
                    || (matches!(bytes[quote - 1], b'r' | b'R') && is_prefix(quote - 2))
            }
        })
        .count()
}

/// Checks the parser's tokens; the error points just after the token that went over a limit.
///
/// A logical line of at most [`MAX_BRACKET_DEPTH`] tokens cannot go over the bracket or the
/// expression limit (each token adds at most one bracket and one link, and 2 x 200 < 1,000), so
/// only long lines are followed token by token; of the others only the indentation is read.
#[cfg(not(target_arch = "wasm32"))]
fn check_tokens(tokens: &[ruff_python_ast::token::Token]) -> Result<(), LimitExceeded> {
    use ruff_text_size::Ranged;
    let mut nesting = Nesting::new();
    let mut push = |token: &ruff_python_ast::token::Token| {
        nesting.push(token.kind()).map_err(|message| LimitExceeded {
            message,
            range: TextRange::empty(token.end()),
        })
    };
    for line in tokens.split_inclusive(|token| token.kind() == TokenKind::Newline) {
        if line.len() > MAX_BRACKET_DEPTH {
            line.iter().try_for_each(&mut push)?;
        } else {
            line.iter()
                .filter(|token| matches!(token.kind(), TokenKind::Indent | TokenKind::Dedent))
                .try_for_each(&mut push)?;
        }
    }
    Ok(())
}

/// Checks `source` without parsing it, for a parser that must not recurse too deep. The lexer
/// gives token kinds but no positions, so the error position is the end of the shortest prefix
/// that goes over the limit (found by bisection, only when there is an error).
fn check_before_parsing(source: &str) -> Result<(), LimitExceeded> {
    let Err(message) = lex_nesting(source) else {
        return Ok(());
    };
    let (mut within, mut over) = (0, source.len());
    while over - within > 1 {
        let mut middle = within + (over - within) / 2;
        while !source.is_char_boundary(middle) {
            middle += 1;
        }
        if middle == over {
            break;
        }
        if lex_nesting(&source[..middle]).is_err() {
            over = middle;
        } else {
            within = middle;
        }
    }
    Err(LimitExceeded {
        message,
        range: TextRange::empty(TextSize::try_from(over).unwrap_or_default()),
    })
}

fn lex_nesting(source: &str) -> Result<(), String> {
    let mut lexer = ruff_python_parser::lexer::lex(source, ruff_python_parser::Mode::Module);
    let mut nesting = Nesting::new();
    loop {
        match lexer.next_token() {
            TokenKind::EndOfFile => return Ok(()),
            kind => nesting.push(kind)?,
        }
    }
}

/// A part of a logical line whose separators end only its own chains: the statement itself, a
/// bracket, or a `lambda`'s parameters (their defaults are beside the body, which nests).
struct Level {
    /// Links chained since the last separator at this level.
    chain: usize,
    /// Whether this level is a `lambda`'s parameters, which its `:` closes.
    lambda_parameters: bool,
}

impl Level {
    fn new(lambda_parameters: bool) -> Self {
        Self {
            chain: 0,
            lambda_parameters,
        }
    }
}

/// How deep the tree being read would nest, token by token.
struct Nesting {
    /// Never empty: the first level is the statement's.
    levels: Vec<Level>,
    brackets: usize,
    chain_total: usize,
    indentation: usize,
    /// The last token that is not a comment or a line break inside brackets.
    previous: TokenKind,
}

impl Nesting {
    fn new() -> Self {
        Self {
            levels: vec![Level::new(false)],
            brackets: 0,
            chain_total: 0,
            indentation: 0,
            previous: TokenKind::Newline,
        }
    }

    /// Closes the innermost level.
    fn close_level(&mut self) {
        if self.levels.len() > 1 {
            let closed = self.levels.pop().map_or(0, |level| level.chain);
            self.chain_total -= closed;
        }
    }

    fn push(&mut self, kind: TokenKind) -> Result<(), String> {
        match kind {
            TokenKind::Comment | TokenKind::NonLogicalNewline => return Ok(()),
            TokenKind::Indent => {
                self.indentation += 1;
                if self.indentation > MAX_INDENT_LEVELS {
                    return Err(format!(
                        "too many levels of indentation (more than {MAX_INDENT_LEVELS})"
                    ));
                }
            }
            TokenKind::Dedent => self.indentation = self.indentation.saturating_sub(1),
            // Brackets are closed at the end of a logical line, or the parser recovered from
            // an unclosed one there.
            TokenKind::Newline => {
                self.levels.truncate(1);
                self.levels[0].chain = 0;
                self.brackets = 0;
                self.chain_total = 0;
            }
            // What follows starts a tree of its own beside what came before, not inside it: the
            // next item, an assigned value, a statement the parser starts after an unclosed
            // bracket, or an operand right after another (`"a" "b"`, or a line after an
            // unclosed bracket, where the parser recovers with a new argument).
            TokenKind::Comma
            | TokenKind::Semi
            | TokenKind::ColonEqual
            | TokenKind::Equal
            | TokenKind::Def
            | TokenKind::Class
            | TokenKind::Return
            | TokenKind::Import
            | TokenKind::With
            | TokenKind::Try
            | TokenKind::Except
            | TokenKind::Finally
            | TokenKind::While
            | TokenKind::Raise
            | TokenKind::Pass
            | TokenKind::Break
            | TokenKind::Continue
            | TokenKind::Global
            | TokenKind::Nonlocal
            | TokenKind::Del
            | TokenKind::Assert
            | TokenKind::Elif => self.end_chain(),
            _ if kind.as_augmented_assign_operator().is_some() => self.end_chain(),
            _ if starts_operand(kind) && ends_operand(self.previous) => self.end_chain(),
            // A `lambda`'s colon ends its parameters; its body goes on with the chain.
            TokenKind::Colon
                if self
                    .levels
                    .last()
                    .is_some_and(|level| level.lambda_parameters) =>
            {
                self.close_level();
            }
            TokenKind::Colon => self.end_chain(),
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                // A bracket right after an operand is a call or a subscript: one level more.
                if ends_operand(self.previous) {
                    self.link()?;
                }
                self.levels.push(Level::new(false));
                self.brackets += 1;
                if self.brackets > MAX_BRACKET_DEPTH {
                    return Err(format!(
                        "too many nested brackets (more than {MAX_BRACKET_DEPTH})"
                    ));
                }
            }
            // Closes the bracket, and the parameters of any `lambda` left open inside it.
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace if self.brackets > 0 => {
                while self
                    .levels
                    .last()
                    .is_some_and(|level| level.lambda_parameters)
                {
                    self.close_level();
                }
                self.close_level();
                self.brackets -= 1;
            }
            TokenKind::Lambda => {
                self.link()?;
                self.levels.push(Level::new(true));
            }
            // Attribute access, binary and unary operators, and the keywords whose operand
            // nests: `x if c else y if d else ...`, `await await ...`, `yield yield ...`.
            TokenKind::Dot
            | TokenKind::Plus
            | TokenKind::Minus
            | TokenKind::Star
            | TokenKind::At
            | TokenKind::DoubleStar
            | TokenKind::Slash
            | TokenKind::DoubleSlash
            | TokenKind::Percent
            | TokenKind::Amper
            | TokenKind::Vbar
            | TokenKind::CircumFlex
            | TokenKind::LeftShift
            | TokenKind::RightShift
            | TokenKind::Tilde
            | TokenKind::Not
            | TokenKind::If
            | TokenKind::Await
            | TokenKind::Yield => self.link()?,
            _ => {}
        }
        self.previous = kind;
        Ok(())
    }

    fn end_chain(&mut self) {
        if let Some(level) = self.levels.last_mut() {
            self.chain_total -= level.chain;
            level.chain = 0;
        }
    }

    fn link(&mut self) -> Result<(), String> {
        if let Some(level) = self.levels.last_mut() {
            level.chain += 1;
        }
        self.chain_total += 1;
        if self.chain_total + self.brackets > MAX_EXPRESSION_DEPTH {
            return Err(format!(
                "expression nested too deeply (more than {MAX_EXPRESSION_DEPTH} operators, calls or attribute accesses in a chain)"
            ));
        }
        Ok(())
    }
}

/// Whether this token begins an operand: a name or a literal.
fn starts_operand(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Name
            | TokenKind::String
            | TokenKind::Int
            | TokenKind::Float
            | TokenKind::Complex
            | TokenKind::FStringStart
            | TokenKind::TStringStart
            | TokenKind::None
            | TokenKind::True
            | TokenKind::False
    ) || kind.is_soft_keyword()
}

/// Whether a bracket after this token is a call or a subscript.
fn ends_operand(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Name
            | TokenKind::Rpar
            | TokenKind::Rsqb
            | TokenKind::Rbrace
            | TokenKind::String
            | TokenKind::Int
            | TokenKind::Float
            | TokenKind::Complex
    ) || kind.is_interpolated_string_end()
        || kind.is_soft_keyword()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks `source` both ways (the parser's tokens natively, a lexer pass before parsing in
    /// the browser) and asserts that they agree, on the same line.
    fn check(source: &str) -> Result<(), LimitExceeded> {
        let after_parsing = parse_within_limits(source).map(drop);
        let before_parsing = check_before_parsing(source);
        match (&after_parsing, &before_parsing) {
            (Err(after), Err(before)) => {
                assert_eq!(after.message, before.message);
                let line = |error: &LimitExceeded| {
                    source[..error.range.start().to_usize()]
                        .matches('\n')
                        .count()
                };
                assert_eq!(line(after), line(before), "{after:?} {before:?}");
            }
            _ => assert_eq!(after_parsing, before_parsing),
        }
        after_parsing
    }

    fn refusal(source: &str) -> String {
        check(source).unwrap_err().message
    }

    #[test]
    fn ordinary_code_passes() {
        let source = "def f(x):\n    return [a.b.c(x) + 1 for a in x if a]\n";
        assert_eq!(check(source), Ok(()));
    }

    #[test]
    fn long_flat_literals_pass() {
        let numbers: Vec<String> = (0..50_000).map(|i| format!("-{i}")).collect();
        let source = format!("DATA = [{}]\n", numbers.join(", "));
        assert_eq!(check(&source), Ok(()));
    }

    #[test]
    fn brackets_in_strings_and_comments_are_ignored() {
        let source = format!(
            "s = '{}'  # {}\nt = \"\"\"{}\"\"\"\n",
            "(".repeat(500),
            "[".repeat(500),
            "{".repeat(500)
        );
        assert_eq!(check(&source), Ok(()));
    }

    #[test]
    fn deep_brackets_are_refused_just_after_the_bracket_over_the_limit() {
        let source = format!("x = {}1{}\n", "(".repeat(300), ")".repeat(300));
        let error = check(&source).unwrap_err();
        assert!(
            error.message.contains("too many nested brackets"),
            "{}",
            error.message
        );
        // `x = ` and 201 brackets.
        assert_eq!(error.range, TextRange::empty(TextSize::new(4 + 201)));
    }

    #[test]
    fn long_operator_chains_are_refused() {
        let source = format!("x = 1{}\n", "+1".repeat(5_000));
        assert!(refusal(&source).contains("nested too deeply"));
    }

    #[test]
    fn nesting_keywords_count_but_names_that_start_like_them_do_not() {
        let keywords = format!("x = {}y\n", "not ".repeat(2_000));
        assert!(refusal(&keywords).contains("nested too deeply"));
        // 599 operators; counting each `nothing` as `not` would make 1,199.
        let names = format!("x = {}\n", vec!["nothing"; 600].join(" + "));
        assert_eq!(check(&names), Ok(()));
    }

    #[test]
    fn lambda_chains_are_refused_but_many_lambdas_side_by_side_pass() {
        // Each `lambda`'s colon ends its parameters, not the chain: the bodies nest.
        let chain = format!("f = {}1\n", "lambda: ".repeat(3_000));
        assert!(refusal(&chain).contains("nested too deeply"));
        // A default value is beside the body: its `=` must not end the chain of bodies.
        let with_defaults = format!("f = {}1\n", "lambda x=lambda: 1: ".repeat(3_000));
        assert!(refusal(&with_defaults).contains("nested too deeply"));
        let entries: Vec<String> = (0..3_000).map(|i| format!("{i}: lambda x: x")).collect();
        let table = format!("HANDLERS = {{{}}}\n", entries.join(", "));
        assert_eq!(check(&table), Ok(()));
    }

    #[test]
    fn an_unclosed_bracket_does_not_chain_the_lines_after_it() {
        // Half-typed code: the parser reports the unclosed bracket and recovers line by line, so
        // the rest of the file must be analysed, not refused as one expression.
        let mut source = String::from("print(\n");
        for i in 0..400 {
            source.push_str(&format!(
                "x{i} = a.b.c + d.e\nfoo.bar(baz.qux)\nreturn y.z\n"
            ));
        }
        assert_eq!(check(&source), Ok(()));
        let chained = format!("x = (1\n{})\n", "+ 1\n".repeat(2_000));
        assert!(refusal(&chained).contains("nested too deeply"));
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
        assert!(refusal(&source).contains("indentation"));
    }

    #[test]
    fn long_lines_in_deep_blocks_pass() {
        // 60 levels, each with a line long enough (301 tokens) to be followed token by token:
        // its indentation must count once.
        let mut source = String::new();
        for level in 0..60 {
            let indent = " ".repeat(level);
            source.push_str(&format!("{indent}y = [{}]\n", vec!["1"; 150].join(", ")));
            source.push_str(&format!("{indent}if y:\n"));
        }
        source.push_str(&" ".repeat(60));
        source.push_str("pass\n");
        assert_eq!(check(&source), Ok(()));
    }

    #[test]
    fn deeply_nested_f_strings_are_lexed_before_parsing() {
        let source = format!("x = {}1{}\n", "f'{".repeat(5_000), "}'".repeat(5_000));
        assert!(interpolated_string_openings(&source) > MANY_INTERPOLATED_STRINGS);
        assert!(refusal(&source).contains("too many nested brackets"));
        // Openings, and closing quotes after a word ending in `f` (an overestimate).
        let mixed = "f'a' rf\"b\" T'c' 'd' fr'e' x = \"elf\"";
        assert_eq!(interpolated_string_openings(mixed), 5);
    }

    #[test]
    fn texts_with_many_nesting_tokens_are_lexed_before_parsing() {
        assert!(could_nest_deeply(&"(".repeat(UNCHECKED_NESTING_TOKENS + 1)));
        assert!(could_nest_deeply(
            &"not ".repeat(UNCHECKED_NESTING_TOKENS + 1)
        ));
        assert!(!could_nest_deeply(&"(".repeat(UNCHECKED_NESTING_TOKENS)));
        // 58 KB of ordinary code: 12,000 such tokens.
        let ordinary = "def f(x):\n    return [a.b(x) + 1 for a in x if a]\n".repeat(1_200);
        assert!(!could_nest_deeply(&ordinary));
    }

    #[test]
    fn null_bytes_are_refused_as_cpython_does() {
        let error = parse_within_limits("x = 1\ny = '\0'\n")
            .map(drop)
            .unwrap_err();
        assert!(error.message.contains("null bytes"), "{}", error.message);
        assert_eq!(error.range, TextRange::empty(TextSize::new(11)));
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let source = "x = 1\n".repeat(MAX_SOURCE_BYTES / 6 + 1);
        let error = parse_within_limits(&source).map(drop).unwrap_err();
        assert!(error.message.contains("too large"), "{}", error.message);
    }
}
