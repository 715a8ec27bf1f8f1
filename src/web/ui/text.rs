//! Positions in the editor text. Diagnostics count lines and characters from 1; the textarea's
//! selection API counts UTF-16 code units from 0.

use crate::Location;

/// Number of lines the editor shows for `source` (an empty text still has one line).
pub fn line_count(source: &str) -> usize {
    source.split('\n').count()
}

/// The textarea offset (UTF-16 code units) of a 1-based line/character `location`, clamped to
/// the text so that a diagnostic of an older text still lands somewhere sensible.
pub fn utf16_offset(source: &str, location: Location) -> u32 {
    let mut offset = 0;
    for (index, line) in source.split('\n').enumerate() {
        if index + 1 == location.row {
            let in_line: usize = line
                .chars()
                .take(location.column.saturating_sub(1))
                .map(char::len_utf16)
                .sum();
            return (offset + in_line) as u32;
        }
        offset += line.encode_utf16().count() + 1;
    }
    source.encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(row: usize, column: usize) -> Location {
        Location { row, column }
    }

    #[test]
    fn counts_lines() {
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("a\nb"), 2);
        assert_eq!(line_count("a\n"), 2);
    }

    #[test]
    fn offsets_count_utf16_units() {
        let source = "x = 1\ns = '😀'; y\n";
        assert_eq!(utf16_offset(source, at(1, 1)), 0);
        assert_eq!(utf16_offset(source, at(2, 1)), 6);
        // The emoji is one character but two UTF-16 units.
        assert_eq!(utf16_offset(source, at(2, 10)), 6 + 10);
    }

    #[test]
    fn offsets_past_the_text_are_clamped() {
        assert_eq!(utf16_offset("ab\ncd", at(9, 1)), 5);
        assert_eq!(utf16_offset("ab\ncd", at(1, 9)), 2);
    }
}
