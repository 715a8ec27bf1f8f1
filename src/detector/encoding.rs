//! Source bytes to text, honouring a PEP 263 encoding declaration
//! (`# -*- coding: latin-1 -*-` on the first or second line).

/// Decodes Python source bytes. UTF-8 is the default; a `latin-1` / `iso-8859-1` declaration
/// maps each byte to the character of the same number. A file declaring another encoding is
/// accepted only if it is plain ASCII (which every such codec decodes the same way).
/// The error is a sentence without the file name. UTF-8 bytes become the text without a copy.
pub fn decode_source(bytes: Vec<u8>) -> Result<String, String> {
    let declared = declared_encoding(&bytes);
    let normalized = declared.as_deref().map(normalize);
    match normalized.as_deref() {
        Some(name) if is_latin_1(name) => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        None => utf8(bytes),
        Some(name) if name == "utf-8" || name == "utf8" || name.starts_with("utf-8-") => {
            utf8(bytes)
        }
        Some(_) if bytes.is_ascii() => utf8(bytes),
        Some(_) => Err(format!(
            "declares encoding `{}` (PEP 263), which aether cannot decode: only UTF-8 and latin-1 are supported",
            declared.unwrap_or_default()
        )),
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|error| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        )
    })
}

/// The encoding named by a `coding[:=]` comment on line 1, or on line 2 if line 1 is a comment
/// or blank (PEP 263).
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let mut lines = bytes.split(|&b| b == b'\n');
    let first = lines.next()?;
    if let Some(name) = cookie(first) {
        return Some(name);
    }
    let first = String::from_utf8_lossy(first);
    let first = first.trim_start_matches('\u{feff}').trim();
    if !(first.is_empty() || first.starts_with('#')) {
        return None;
    }
    cookie(lines.next()?)
}

fn cookie(line: &[u8]) -> Option<String> {
    let line = String::from_utf8_lossy(line);
    let line = line
        .trim_start_matches('\u{feff}')
        .trim_start_matches([' ', '\t', '\x0c']);
    let comment = line.strip_prefix('#')?;
    comment.match_indices("coding").find_map(|(at, _)| {
        let rest = comment[at + "coding".len()..].strip_prefix([':', '='])?;
        let name: String = rest
            .trim_start_matches([' ', '\t'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

/// CPython's normalisation of the names it treats specially (`get_normal_name`).
fn normalize(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

fn is_latin_1(name: &str) -> bool {
    ["latin-1", "iso-8859-1", "iso-latin-1"]
        .iter()
        .any(|base| name == *base || name.starts_with(&format!("{base}-")))
        || matches!(name, "latin1" | "iso8859-1" | "l1" | "8859" | "cp819")
}

#[cfg(test)]
mod tests {
    use super::decode_source;

    #[test]
    fn utf8_without_a_declaration() {
        assert_eq!(decode_source("x = 'é'\n".into()).unwrap(), "x = 'é'\n");
        let error = decode_source(b"x = '\xe9'\n".to_vec()).unwrap_err();
        assert!(error.contains("not UTF-8"), "{error}");
    }

    #[test]
    fn latin_1_declarations_map_bytes_to_chars() {
        for cookie in [
            "# -*- coding: latin-1 -*-",
            "# coding=iso-8859-1",
            "# vim: set fileencoding=ISO_8859_1 :",
            "#!/usr/bin/env python\n# -*- coding: latin1 -*-",
        ] {
            let mut bytes = cookie.as_bytes().to_vec();
            bytes.extend_from_slice(b"\nname = '\xe9\xff'\n");
            let text = decode_source(bytes).unwrap_or_else(|e| panic!("{cookie}: {e}"));
            assert!(text.ends_with("name = 'éÿ'\n"), "{cookie}: {text}");
        }
    }

    #[test]
    fn other_declarations_need_ascii() {
        let ascii = b"# -*- coding: cp1252 -*-\nx = 1\n";
        assert_eq!(
            decode_source(ascii.to_vec()).unwrap(),
            "# -*- coding: cp1252 -*-\nx = 1\n"
        );
        let error =
            decode_source(b"# -*- coding: euc-jp -*-\nx = '\xa4\xa2'\n".to_vec()).unwrap_err();
        assert!(error.contains("`euc-jp`"), "{error}");
        assert!(error.contains("PEP 263"), "{error}");
    }

    #[test]
    fn a_declaration_on_line_two_needs_a_comment_on_line_one() {
        let error = decode_source(b"x = 1\n# coding: latin-1\ny = '\xe9'\n".to_vec()).unwrap_err();
        assert!(error.contains("not UTF-8"), "{error}");
    }
}
