//! Reading `threads,throughput` measurements from CSV text (the caller reads the file).

use std::fmt;

use super::usl::Measurement;

/// A line that is not two numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line number.
    pub line: usize,
    pub text: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "line {}: expected `threads,throughput` (two numbers), found `{}`",
            self.line, self.text
        )
    }
}

impl std::error::Error for CsvError {}

/// Parses `threads,throughput` lines. A header is allowed as the first non-blank line; blank
/// lines and lines starting with `#` are skipped. Values are checked by [`super::fit_usl`].
pub fn parse_measurements(text: &str) -> Result<Vec<Measurement>, CsvError> {
    let mut measurements = Vec::new();
    let mut seen_a_line = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let is_first = !seen_a_line;
        seen_a_line = true;
        match parse_line(trimmed) {
            Some(measurement) => measurements.push(measurement),
            // The first line may be a header such as `threads,throughput`.
            None if is_first && !trimmed.starts_with(|c: char| c.is_ascii_digit()) => {}
            None => {
                return Err(CsvError {
                    line: index + 1,
                    text: trimmed.chars().take(60).collect(),
                });
            }
        }
    }
    Ok(measurements)
}

fn parse_line(line: &str) -> Option<Measurement> {
    let mut fields = line.split(',').map(str::trim);
    let threads = fields.next()?.parse().ok()?;
    let throughput = fields.next()?.parse().ok()?;
    fields
        .next()
        .is_none()
        .then(|| Measurement::new(threads, throughput))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_comments_and_blank_lines_are_skipped() {
        let parsed = parse_measurements("threads,throughput\n# note\n\n1, 10\n2,19.5\n").unwrap();
        assert_eq!(
            parsed,
            vec![Measurement::new(1.0, 10.0), Measurement::new(2.0, 19.5)]
        );
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let error = parse_measurements("1,10\n2,abc\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(parse_measurements("1,2,3\n").is_err());
        assert!(parse_measurements("threads\nthroughput,x\n").is_err());
    }
}
