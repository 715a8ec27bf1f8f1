//! Source bytes to text, honouring a PEP 263 encoding declaration
//! (`# -*- coding: koi8-r -*-` on the first or second line).

use encoding_rs::Encoding;

/// Decodes Python source bytes. UTF-8 is the default; a declaration names any codec CPython
/// accepts there that `encoding_rs` decodes too (latin-1 is mapped byte for byte, as CPython
/// does: the Web's `latin1` label means windows-1252). The error is a sentence without the file
/// name. UTF-8 bytes become the text without a copy.
pub fn decode_source(bytes: Vec<u8>) -> Result<String, String> {
    let Some(declared) = declared_encoding(&bytes) else {
        return utf8(bytes);
    };
    match codec(&declared) {
        Some(Codec::Utf8) => utf8(bytes),
        Some(Codec::Latin1) => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        Some(Codec::Ascii) => match bytes.iter().position(|b| !b.is_ascii()) {
            None => utf8(bytes),
            Some(at) => Err(format!(
                "not valid {declared} text (its PEP 263 encoding declaration) at byte {at}"
            )),
        },
        Some(Codec::Other(encoding)) => encoding
            .decode_without_bom_handling_and_without_replacement(&bytes)
            .map(std::borrow::Cow::into_owned)
            .ok_or_else(|| {
                format!(
                    "not valid {declared} text (its PEP 263 encoding declaration) at byte {}",
                    first_malformed_byte(encoding, &bytes)
                )
            }),
        None => Err(format!(
            "declares encoding `{declared}` (PEP 263), which aether cannot decode"
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

/// Where decoding as `encoding` first fails.
fn first_malformed_byte(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(0),
    );
    match decoder.decode_to_string_without_replacement(bytes, &mut text, true) {
        (encoding_rs::DecoderResult::Malformed(bad, _), read) => read - usize::from(bad),
        _ => bytes.len(),
    }
}

enum Codec {
    Utf8,
    Latin1,
    Ascii,
    Other(&'static Encoding),
}

/// The codec a declared name selects, by CPython's rules: its tokenizer's own names for UTF-8
/// and latin-1 (`get_normal_name`), then the `encodings` package's normalisation and aliases.
/// Codecs where `encoding_rs` would decode differently from CPython (iso8859-9 and -11, which
/// the Web maps to windows-1254 and -874) are left out, as are those CPython refuses in source
/// (UTF-16 and UTF-32).
fn codec(declared: &str) -> Option<Codec> {
    let name = normalize(declared);
    let name = name.as_str();
    if name == "utf_8" || name.starts_with("utf_8_") {
        return Some(Codec::Utf8);
    }
    if ["latin_1", "iso_8859_1", "iso_latin_1"].iter().any(|base| {
        name == *base
            || name
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('_'))
    }) {
        return Some(Codec::Latin1);
    }
    let name = name.replace('.', "_");
    let codec = match name.as_str() {
        "utf8" | "u8" | "utf" | "utf8_ucs2" | "utf8_ucs4" | "cp65001" => Codec::Utf8,
        "latin1" | "latin" | "l1" | "iso8859_1" | "8859" | "cp819" | "ibm819" | "iso_ir_100"
        | "csisolatin1" => Codec::Latin1,
        "ascii" | "us_ascii" | "646" | "us" | "ansi_x3_4_1968" | "cp367" | "csascii" | "ibm367"
        | "iso646_us" | "iso_646_irv_1991" | "iso_ir_6" => Codec::Ascii,
        _ => Codec::Other(encoding_rs_codec(&name)?),
    };
    Some(codec)
}

/// CPython's aliases (Lib/encodings/aliases.py) of the codecs `encoding_rs` has.
fn encoding_rs_codec(name: &str) -> Option<&'static Encoding> {
    use encoding_rs::*;
    Some(match name {
        "iso8859_2" | "iso_8859_2" | "latin2" | "l2" | "iso_ir_101" | "csisolatin2" => ISO_8859_2,
        "iso8859_3" | "iso_8859_3" | "latin3" | "l3" | "iso_ir_109" | "csisolatin3" => ISO_8859_3,
        "iso8859_4" | "iso_8859_4" | "latin4" | "l4" | "iso_ir_110" | "csisolatin4" => ISO_8859_4,
        "iso8859_5" | "iso_8859_5" | "cyrillic" | "iso_ir_144" | "csisolatincyrillic" => ISO_8859_5,
        "iso8859_6" | "iso_8859_6" | "arabic" | "asmo_708" | "ecma_114" | "iso_ir_127"
        | "csisolatinarabic" => ISO_8859_6,
        "iso8859_7" | "iso_8859_7" | "greek" | "greek8" | "ecma_118" | "elot_928"
        | "iso_ir_126" | "csisolatingreek" => ISO_8859_7,
        "iso8859_8" | "iso_8859_8" | "hebrew" | "iso_ir_138" | "csisolatinhebrew" => ISO_8859_8,
        "iso8859_10" | "iso_8859_10" | "latin6" | "l6" | "iso_ir_157" | "csisolatin6" => {
            ISO_8859_10
        }
        "iso8859_13" | "iso_8859_13" | "latin7" | "l7" => ISO_8859_13,
        "iso8859_14" | "iso_8859_14" | "latin8" | "l8" | "iso_celtic" | "iso_ir_199" => ISO_8859_14,
        "iso8859_15" | "iso_8859_15" | "latin9" | "l9" => ISO_8859_15,
        "iso8859_16" | "iso_8859_16" | "latin10" | "l10" | "iso_ir_226" => ISO_8859_16,
        "koi8_r" | "cskoi8r" => KOI8_R,
        "koi8_u" => KOI8_U,
        "cp1250" | "windows_1250" => WINDOWS_1250,
        "cp1251" | "windows_1251" => WINDOWS_1251,
        "cp1252" | "windows_1252" => WINDOWS_1252,
        "cp1253" | "windows_1253" => WINDOWS_1253,
        "cp1254" | "windows_1254" => WINDOWS_1254,
        "cp1255" | "windows_1255" => WINDOWS_1255,
        "cp1256" | "windows_1256" => WINDOWS_1256,
        "cp1257" | "windows_1257" => WINDOWS_1257,
        "cp1258" | "windows_1258" => WINDOWS_1258,
        "cp874" => WINDOWS_874,
        "cp866" | "866" | "ibm866" | "csibm866" => IBM866,
        "mac_roman" | "macroman" | "macintosh" => MACINTOSH,
        "mac_cyrillic" | "maccyrillic" => X_MAC_CYRILLIC,
        "shift_jis" | "shiftjis" | "sjis" | "s_jis" | "csshiftjis" | "cp932" | "932" | "ms932"
        | "mskanji" | "ms_kanji" => SHIFT_JIS,
        "euc_jp" | "eucjp" | "ujis" | "u_jis" => EUC_JP,
        "iso2022_jp" | "iso2022jp" | "iso_2022_jp" | "csiso2022jp" => ISO_2022_JP,
        "euc_kr" | "euckr" | "korean" | "ksc5601" | "ks_c_5601" | "ks_c_5601_1987" | "ksx1001"
        | "ks_x_1001" | "cp949" | "949" | "ms949" | "uhc" => EUC_KR,
        "gb2312" | "chinese" | "csiso58gb231280" | "euc_cn" | "euccn" | "eucgb2312_cn"
        | "gb2312_1980" | "gb2312_80" | "iso_ir_58" | "gbk" | "936" | "cp936" | "ms936" => GBK,
        "gb18030" | "gb18030_2000" => GB18030,
        "big5" | "big5_tw" | "csbig5" | "cp950" | "950" | "ms950" => BIG5,
        _ => return None,
    })
}

/// The encoding named by a `coding[:=]` comment on line 1, or on line 2 if line 1 is a comment
/// or blank (PEP 263). Lines end at `\n`, `\r\n` or a lone `\r`, as CPython reads them.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let (first, rest) = split_line(bytes);
    if let Some(name) = cookie(first) {
        return Some(name);
    }
    let first = String::from_utf8_lossy(first);
    let first = first.trim_start_matches('\u{feff}').trim();
    if !(first.is_empty() || first.starts_with('#')) {
        return None;
    }
    cookie(split_line(rest?).0)
}

/// The first line and what follows its line break (none without one).
fn split_line(bytes: &[u8]) -> (&[u8], Option<&[u8]>) {
    match memchr::memchr2(b'\n', b'\r', bytes) {
        None => (bytes, None),
        Some(end) => {
            let next = if bytes[end..].starts_with(b"\r\n") {
                end + 2
            } else {
                end + 1
            };
            (&bytes[..end], Some(&bytes[next..]))
        }
    }
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

/// Lower case, and every run of characters other than letters, digits and `.` made one `_`
/// (`encodings.normalize_encoding`).
fn normalize(name: &str) -> String {
    let mut normalized = String::with_capacity(name.len());
    let mut pending_separator = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            if pending_separator && !normalized.is_empty() {
                normalized.push('_');
            }
            pending_separator = false;
            normalized.push(c.to_ascii_lowercase());
        } else {
            pending_separator = true;
        }
    }
    normalized
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
    fn other_declared_codecs_decode() {
        let koi8 = b"# -*- coding: koi8-r -*-\nname = '\xf0\xd2\xc9\xd7\xc5\xd4'\n";
        assert!(
            decode_source(koi8.to_vec())
                .unwrap()
                .ends_with("name = 'Привет'\n")
        );
        let sjis = b"# coding=Shift_JIS\nx = '\x82\xa0'\n";
        assert!(
            decode_source(sjis.to_vec())
                .unwrap()
                .ends_with("x = 'あ'\n")
        );
        let cp1252 = b"# vim: set fileencoding=cp1252 :\nx = '\x80'\n";
        assert!(
            decode_source(cp1252.to_vec())
                .unwrap()
                .ends_with("x = '€'\n")
        );
        let euc_jp = b"# -*- coding: euc-jp -*-\nx = '\xa4\xa2'\n";
        assert!(
            decode_source(euc_jp.to_vec())
                .unwrap()
                .ends_with("x = 'あ'\n")
        );
    }

    #[test]
    fn undecodable_text_and_unknown_codecs_are_errors() {
        let error = decode_source(b"# coding: shift_jis\nx = '\x82'\n".to_vec()).unwrap_err();
        assert!(error.contains("not valid shift_jis text"), "{error}");
        assert!(error.contains("at byte 25"), "{error}");
        let error = decode_source(b"# coding: rot13\nx = 1\n".to_vec()).unwrap_err();
        assert!(error.contains("`rot13`"), "{error}");
        // The Web maps iso-8859-9 to windows-1254, which CPython does not.
        assert!(decode_source(b"# coding: latin5\nx = 1\n".to_vec()).is_err());
    }

    #[test]
    fn lines_end_at_a_lone_carriage_return() {
        // A CR-only UTF-8 file: `coding=` on its second line, after code, declares nothing.
        let cr_only = "# notes\rname = 'é'  # coding=latin-1\r";
        assert_eq!(decode_source(cr_only.into()).unwrap(), cr_only);
        let declared = b"#!/usr/bin/python\r# coding: latin-1\rx = '\xe9'\r";
        assert!(
            decode_source(declared.to_vec())
                .unwrap()
                .ends_with("x = 'é'\r")
        );
    }

    #[test]
    fn a_declaration_on_line_two_needs_a_comment_on_line_one() {
        let error = decode_source(b"x = 1\n# coding: latin-1\ny = '\xe9'\n".to_vec()).unwrap_err();
        assert!(error.contains("not UTF-8"), "{error}");
    }
}
