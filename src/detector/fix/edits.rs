//! Text edits that fixes are made of: whole statements and the lines they stand on, their
//! indentation, wrapping statements in a `with` block, insertions beside a statement. Each
//! helper refuses (returns `None`) what it cannot change without risk: a statement sharing its
//! line, lines inside a string that spans lines, a comment that would be lost.

use ruff_python_ast::helpers::any_over_body;
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::detector::checker::Checker;
use crate::detector::{Edit, Location};

/// The newline the file writes (`\r\n` if its first line ends so).
pub fn newline(source: &str) -> &'static str {
    match source.find('\n') {
        Some(at) if source[..at].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// Where the line holding `offset` starts.
pub fn line_start(source: &str, offset: TextSize) -> TextSize {
    let start = source[..offset.to_usize()]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    TextSize::try_from(start).unwrap_or_default()
}

/// Where the line holding `offset` ends (before its `\r\n` or `\n`).
pub fn line_end(source: &str, offset: TextSize) -> TextSize {
    let rest = &source[offset.to_usize()..];
    let end = rest
        .find('\n')
        .map_or(source.len(), |at| offset.to_usize() + at);
    let end = if source[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    TextSize::try_from(end).unwrap_or_default()
}

/// The whitespace before a statement that starts its line; `None` when something else comes
/// before it on its line (`if x: n += 1`, `a = 1; n += 1`) or the line continues the one above
/// (a backslash).
pub fn own_line_indent(source: &str, start: TextSize) -> Option<&str> {
    let line = line_start(source, start);
    let indent = &source[line.to_usize()..start.to_usize()];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let above = source[..line.to_usize()].trim_end_matches(['\n', '\r']);
    if above.ends_with('\\') {
        return None;
    }
    Some(indent)
}

/// Whether nothing but whitespace or a comment follows `end` on its line.
pub fn ends_its_line(source: &str, end: TextSize) -> bool {
    let rest = &source[end.to_usize()..line_end(source, end).to_usize()];
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with('#')
}

/// Whether a statement stands alone on its lines: it starts its first line and nothing but a
/// comment follows it on its last.
pub fn stands_alone(source: &str, range: TextRange) -> bool {
    own_line_indent(source, range.start()).is_some() && ends_its_line(source, range.end())
}

/// Whether a comment lies inside `range` (one a replacement of the range would drop).
pub fn has_comment(checker: &Checker, range: TextRange) -> bool {
    match checker.tokens {
        Some(tokens) => {
            let from = tokens.partition_point(|token| token.start() < range.start());
            tokens[from..]
                .iter()
                .take_while(|token| token.start() < range.end())
                .any(|token| token.kind() == TokenKind::Comment)
        }
        // Without tokens, any `#` might be one.
        None => checker.source[range].contains('#'),
    }
}

/// The ranges of the string literals in `body` that span lines: their inner lines are string
/// content, which indenting would change. Each part of an implicit concatenation counts on its
/// own (the lines between parts are code).
pub fn multiline_strings(source: &str, body: &[Stmt]) -> Vec<TextRange> {
    struct Strings<'s> {
        source: &'s str,
        found: Vec<TextRange>,
    }
    impl<'a> Visitor<'a> for Strings<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            let parts: Vec<TextRange> = match expr {
                Expr::StringLiteral(string) => string.value.iter().map(Ranged::range).collect(),
                Expr::BytesLiteral(bytes) => bytes.value.iter().map(Ranged::range).collect(),
                Expr::FString(string) => string.value.iter().map(Ranged::range).collect(),
                Expr::TString(string) => string.value.iter().map(Ranged::range).collect(),
                _ => return visitor::walk_expr(self, expr),
            };
            self.found.extend(
                parts
                    .into_iter()
                    .filter(|part| self.source[*part].contains('\n')),
            );
        }
    }
    let mut strings = Strings {
        source,
        found: Vec::new(),
    };
    strings.visit_body(body);
    strings.found
}

/// Whether code holds a point where a function is suspended (`yield`, `await`): a lock held
/// across it would be held by a paused generator or coroutine.
pub fn suspends(body: &[Stmt]) -> bool {
    any_over_body(body, |expr| {
        matches!(expr, Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Await(_))
    })
}

/// One indentation level for the block that holds a statement indented by `indent`: a tab where
/// the file indents with tabs, else `unit`.
pub fn level(indent: &str, unit: &str) -> String {
    if indent.contains('\t') {
        "\t".to_string()
    } else {
        unit.to_string()
    }
}

/// The indentation step a function's body uses (its first statement's indentation beyond the
/// `def`'s), four spaces when that cannot be read.
pub fn indent_unit(source: &str, def_start: TextSize, first: Option<&Stmt>) -> String {
    let def_indent = own_line_indent(source, def_start).unwrap_or("");
    first
        .and_then(|first| own_line_indent(source, first.start()))
        .and_then(|body| body.strip_prefix(def_indent))
        .filter(|step| (!step.is_empty() && step.chars().all(|c| c == ' ')) || *step == "\t")
        .map_or_else(|| "    ".to_string(), str::to_string)
}

/// Replaces the sibling statements `body` (one after another in a block, alone on their lines)
/// with `headers` (`with lock:`, then `if x is None:`), each one level deeper than the last, at
/// the statements' indentation, and the statements below them. Comments and blank lines among
/// them move with them; the inner lines of strings that span lines are left as they are.
pub fn wrap(checker: &Checker, body: &[Stmt], headers: &[String], unit: &str) -> Option<Edit> {
    let source = checker.source;
    let (first, last) = (body.first()?, body.last()?);
    let indent = own_line_indent(source, first.start())?;
    if !ends_its_line(source, last.end()) || suspends(body) {
        return None;
    }
    let step = level(indent, unit);
    let newline = newline(source);
    let mut wrapped = String::new();
    for (depth, header) in headers.iter().enumerate() {
        wrapped.push_str(indent);
        wrapped.push_str(&step.repeat(depth));
        wrapped.push_str(header);
        wrapped.push_str(newline);
    }
    let start = line_start(source, first.start());
    let range = TextRange::new(start, last.end());
    let strings = multiline_strings(source, body);
    wrapped.push_str(&deeper(
        source,
        range,
        &strings,
        &[],
        &step.repeat(headers.len()),
    )?);
    Some(replacement(checker, range, wrapped))
}

/// The text of `range` (from a line start) with `step` added to the indentation of each line,
/// except blank lines and the inner lines of the `strings` that span lines, and without the
/// lines of the statements `dropped`; `None` where a line mixes tabs and spaces in its
/// indentation (one level deeper could compare differently).
pub fn deeper(
    source: &str,
    range: TextRange,
    strings: &[TextRange],
    dropped: &[TextRange],
    step: &str,
) -> Option<String> {
    let mut out = String::new();
    let mut at = range.start().to_usize();
    for line in source[range].split_inclusive('\n') {
        let line_offset = TextSize::try_from(at).unwrap_or_default();
        at += line.len();
        let in_string = strings
            .iter()
            .any(|string| string.start() < line_offset && line_offset < string.end());
        if dropped.iter().any(|stmt| {
            line_start(source, stmt.start()) <= line_offset && line_offset <= stmt.end()
        }) {
            continue;
        }
        let content = line.trim_start_matches([' ', '\t']);
        let leading = &line[..line.len() - content.len()];
        if in_string || content.trim().is_empty() {
            out.push_str(line);
            continue;
        }
        if leading.contains('\t') && leading.contains(' ') {
            return None;
        }
        out.push_str(leading);
        out.push_str(step);
        out.push_str(content);
    }
    Some(out)
}

/// An edit inserting `content` at `at`.
pub fn insertion(checker: &Checker, at: TextSize, content: String) -> Edit {
    let location = checker.location(at);
    Edit {
        content,
        location,
        end_location: location,
    }
}

/// An edit replacing `range` with `content`.
pub fn replacement(checker: &Checker, range: TextRange, content: String) -> Edit {
    Edit {
        content,
        location: checker.location(range.start()),
        end_location: checker.location(range.end()),
    }
}

/// A new line `text` after the line of the statement `anchor` (after its trailing comment), at
/// the statement's indentation; `None` unless the statement stands alone on its lines.
pub fn line_after(checker: &Checker, anchor: &Stmt, text: &str) -> Option<Edit> {
    let source = checker.source;
    let indent = own_line_indent(source, anchor.start())?;
    if !ends_its_line(source, anchor.end()) {
        return None;
    }
    let at = line_end(source, anchor.end());
    Some(insertion(
        checker,
        at,
        format!("{}{indent}{text}", newline(source)),
    ))
}

/// A new line `text` before the statement `anchor`, at its indentation; `None` unless the
/// statement starts its line.
pub fn line_before(checker: &Checker, anchor: &Stmt, text: &str) -> Option<Edit> {
    let source = checker.source;
    let indent = own_line_indent(source, anchor.start())?;
    let at = line_start(source, anchor.start());
    Some(insertion(
        checker,
        at,
        format!("{indent}{text}{}", newline(source)),
    ))
}

/// Whether two edits of one fix touch the same text (see [`super::apply_fixes`]).
pub fn clash(a: &Edit, b: &Edit) -> bool {
    let span = |edit: &Edit| (edit.location, edit.end_location);
    let ((a_start, a_end), (b_start, b_end)) = (span(a), span(b));
    let insertion = a_start == a_end || b_start == b_end;
    let before = |x: Location, y: Location| if insertion { x <= y } else { x < y };
    before(a_start, b_end) && before(b_start, a_end)
}

/// The first statement of a body that is not its docstring.
pub fn first_after_docstring(body: &[Stmt]) -> Option<&Stmt> {
    let skip =
        matches!(body.first(), Some(Stmt::Expr(expr)) if expr.value.is_string_literal_expr());
    body.get(usize::from(skip))
}

/// Whether evaluating `expr` once instead of twice, or always instead of sometimes, changes
/// nothing: literals, names, `a.b.c`, displays of those, and calls of the empty built-in
/// constructors (`[]`, `{}`, `set()`, `0`, `None`, `key`, `self.default`).
pub fn evaluates_plainly(checker: &Checker, expr: &Expr) -> bool {
    match expr {
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_)
        | Expr::Name(_) => true,
        Expr::Attribute(attribute) => evaluates_plainly(checker, &attribute.value),
        Expr::Tuple(tuple) => tuple.iter().all(|item| evaluates_plainly(checker, item)),
        Expr::List(list) => list.iter().all(|item| evaluates_plainly(checker, item)),
        Expr::Set(set) => set.iter().all(|item| evaluates_plainly(checker, item)),
        Expr::Dict(dict) => dict.iter().all(|item| {
            item.key
                .as_ref()
                .is_none_or(|key| evaluates_plainly(checker, key))
                && evaluates_plainly(checker, &item.value)
        }),
        Expr::UnaryOp(unary) => {
            matches!(&*unary.operand, Expr::NumberLiteral(_))
        }
        Expr::Call(call) => {
            call.arguments.is_empty()
                && matches!(call.func.as_ref(), Expr::Name(func)
                    if matches!(func.id.as_str(), "list" | "dict" | "set" | "tuple" | "frozenset" | "bytearray" | "int" | "float" | "str" | "bytes")
                        && !checker.model.is_module_binding(func.id.as_str()))
        }
        _ => false,
    }
}

/// Whether `expr` (`items`, `items.data`) is reached through a parameter of `def` other than
/// a method's `self` or `cls`: callers elsewhere may pass any object there, whatever the module
/// itself passes, so a fix that relies on its type (`.copy()`, `setdefault`, `next()`) does
/// not hold.
pub fn through_parameter(
    checker: &Checker,
    function: crate::detector::semantic::FunctionId,
    expr: &Expr,
) -> bool {
    let mut root = expr;
    while let Expr::Attribute(attribute) = root {
        root = &attribute.value;
    }
    let Expr::Name(name) = root else {
        return false;
    };
    let info = &checker.model.functions[function];
    let mut parameters = info.def.parameters.iter();
    if info.class.is_some() {
        parameters.next();
    }
    parameters.any(|parameter| parameter.name().as_str() == name.id.as_str())
}
