//! Jupyter notebooks (`.ipynb`), analysed cell by cell: the code cells are joined into one
//! module, so that a function defined in one cell and started in a thread in another is seen,
//! and each finding is placed back in its cell.

use serde::Deserialize;

#[derive(Deserialize)]
struct RawNotebook {
    cells: Vec<RawCell>,
}

#[derive(Deserialize)]
struct RawCell {
    cell_type: String,
    #[serde(default)]
    source: CellSource,
}

/// A cell's source: one string, or a list of lines (each with its line break).
#[derive(Deserialize)]
#[serde(untagged)]
enum CellSource {
    Text(String),
    Lines(Vec<String>),
}

impl Default for CellSource {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

/// The code cells of a notebook as one Python module.
pub struct Notebook {
    pub source: String,
    /// For each row of `source` (from 0), its code cell and its row in that cell (from 1).
    rows: Vec<(usize, usize)>,
}

impl Notebook {
    /// Reads a notebook's JSON. IPython magics (`%time f()`, `!pip install`, `%%bash` cells)
    /// are not Python: a magic line becomes `pass` at its indentation, so the rows stay where
    /// they were and an indented block stays a block; a cell magic's cell is left out.
    pub fn read(json: &str) -> Result<Self, String> {
        let notebook: RawNotebook = serde_json::from_str(json)
            .map_err(|error| format!("not a Jupyter notebook: {error}"))?;
        let mut source = String::new();
        let mut rows = Vec::new();
        let code_cells = notebook
            .cells
            .into_iter()
            .filter(|cell| cell.cell_type == "code");
        for (index, cell) in code_cells.enumerate() {
            let text = match cell.source {
                CellSource::Text(text) => text,
                CellSource::Lines(lines) => lines.concat(),
            };
            if text.trim_start().starts_with("%%") {
                continue;
            }
            for (row, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with(['%', '!']) {
                    source.push_str(&line[..line.len() - code.len()]);
                    source.push_str("pass");
                } else {
                    source.push_str(line);
                }
                source.push('\n');
                rows.push((index + 1, row + 1));
            }
        }
        Ok(Self { source, rows })
    }

    /// The cell and the row in it of a row of the joined source (from 1).
    pub fn locate(&self, row: usize) -> Option<(usize, usize)> {
        self.rows.get(row.checked_sub(1)?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::Notebook;

    #[test]
    fn code_cells_are_joined_and_magics_skipped() {
        let json = r##"{"cells": [
            {"cell_type": "markdown", "source": ["# Title\n"]},
            {"cell_type": "code", "source": ["import threading\n", "%time x = 1\n"]},
            {"cell_type": "code", "source": "for i in range(2):\n    !echo hi"},
            {"cell_type": "code", "source": ["%%bash\n", "ls\n"]},
            {"cell_type": "code", "source": []}
        ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"##;
        let notebook = Notebook::read(json).unwrap();
        assert_eq!(
            notebook.source,
            "import threading\npass\nfor i in range(2):\n    pass\n"
        );
        assert_eq!(notebook.locate(2), Some((1, 2)));
        assert_eq!(notebook.locate(4), Some((2, 2)));
        assert_eq!(notebook.locate(5), None);
        assert!(Notebook::read("[1, 2]").is_err());
    }
}
