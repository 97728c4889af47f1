//! Import and export of customers: what the browser and the server exchange. The rules
//! (header aliases, per-field parsing) are the profile catalogue's; the file reading and
//! the transaction are in `server::transfer`.
//!
//! An import is two requests with the same file: a **preview** (the whole import run in a
//! transaction that is rolled back, so every error the commit would meet is listed) and
//! a **commit** (the same run, committed only when no row has an error — nothing is ever
//! half-imported).
use crate::domain::validation::FieldErrorCode;
use serde::{Deserialize, Serialize};

/// Most rows one import accepts.
pub const MAX_IMPORT_ROWS: usize = 200_000;
/// Most columns a file may have (real exports have a few dozen).
pub const MAX_IMPORT_COLUMNS: usize = 200;
/// Most cells (the widths of all rows added) a file may have.
pub const MAX_IMPORT_CELLS: usize = 3_000_000;
/// Longest text of one cell, in characters (Excel's own limit).
pub const MAX_CELL_CHARS: usize = 32_767;
/// Most row errors listed (the count is always exact).
pub const MAX_LISTED_ERRORS: usize = 500;

/// Why a whole file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileProblem {
    /// No bytes, or no data rows under the header.
    Empty,
    /// Neither UTF-8 (with or without BOM), UTF-16 with BOM, nor GBK/GB18030.
    WrongEncoding,
    /// Looks like a spreadsheet but cannot be read (damaged, password, old .xls).
    Unreadable,
    /// No row in the first ten names at least two known columns.
    NoHeaderRow,
    /// Required columns not present and not mapped.
    MissingColumns(Vec<String>),
    /// Two columns mean the same field.
    DuplicateColumn(String),
    /// More rows than [`MAX_IMPORT_ROWS`].
    TooManyRows(usize),
    /// Bigger than the upload limit (bytes).
    TooLarge(u64),
    /// More columns than [`MAX_IMPORT_COLUMNS`].
    TooManyColumns(usize),
    /// More cells than [`MAX_IMPORT_CELLS`].
    TooManyCells(usize),
    /// A cell longer than [`MAX_CELL_CHARS`] (row number in the file, 1-based).
    CellTooLong { row: usize, max: usize },
    /// A workbook that unpacks to more than this many bytes (a damaged or hostile file).
    TooLargeUnpacked(u64),
}

/// What to do with a row whose customer already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OnDuplicate {
    #[default]
    Skip,
    Update,
}

/// Choices sent with the file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportOptions {
    pub on_duplicate: OnDuplicate,
    /// Column index → field key (empty: ignore the column), for headers the catalogue
    /// does not know or the user wants read differently.
    pub mapping: Vec<(usize, String)>,
    pub commit: bool,
}

/// One column of the file and the field it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub index: usize,
    pub header: String,
    pub field: Option<String>,
}

/// One refused cell (or row): the spreadsheet row number as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    /// The header as written in the file (or the field key when not in the file).
    pub column: String,
    pub code: FieldErrorCode,
}

/// A row that matches a customer already stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateRow {
    pub row: usize,
    pub code: String,
    pub name: String,
    pub existing_code: String,
    /// `code`, `name_phone` or `licence`.
    pub reason: String,
}

/// The result of a preview or a commit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub columns: Vec<ColumnInfo>,
    /// Title rows above the header that were skipped (merged titles and the like).
    pub skipped_title_rows: usize,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub skipped: usize,
    pub error_count: usize,
    pub errors: Vec<RowError>,
    pub duplicates: Vec<DuplicateRow>,
    /// New terminals without a 业态 (terminal type) in the file, recorded as 其他 (ERPs
    /// often export no such column).
    #[serde(default)]
    pub defaulted_terminal_type: usize,
    /// Whether the changes were saved (a commit with no errors).
    pub committed: bool,
}

/// The answer to an import request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportOutcome {
    Report(ImportReport),
    File(FileProblem),
}

/// A file problem as a sentence in `locale` (the import page and the command line).
pub fn problem_message(locale: crate::i18n::Locale, p: &FileProblem) -> String {
    use crate::i18n::*;
    match p {
        FileProblem::Empty => td_string!(locale, import.problem_empty).to_string(),
        FileProblem::WrongEncoding => td_string!(locale, import.problem_encoding).to_string(),
        FileProblem::Unreadable => td_string!(locale, import.problem_unreadable).to_string(),
        FileProblem::NoHeaderRow => td_string!(locale, import.problem_no_header).to_string(),
        FileProblem::MissingColumns(cols) => {
            let names: Vec<String> = cols
                .iter()
                .map(|c| super::labels::field_label(locale, c))
                .collect();
            let columns = names.join(td_string!(locale, common.list_sep));
            td_string!(locale, import.problem_missing, columns = columns).to_string()
        }
        FileProblem::DuplicateColumn(c) => {
            td_string!(locale, import.problem_duplicate_column, column = c).to_string()
        }
        FileProblem::TooManyRows(max) => {
            td_string!(locale, import.problem_too_many_rows, max = max).to_string()
        }
        FileProblem::TooLarge(bytes) => {
            let mb = bytes / (1024 * 1024);
            td_string!(locale, import.problem_too_large, mb = mb).to_string()
        }
        FileProblem::TooManyColumns(max) => {
            td_string!(locale, import.problem_too_many_columns, max = max).to_string()
        }
        FileProblem::TooManyCells(max) => {
            td_string!(locale, import.problem_too_many_cells, max = max).to_string()
        }
        FileProblem::CellTooLong { row, max } => {
            td_string!(locale, import.problem_cell_too_long, row = row, max = max).to_string()
        }
        FileProblem::TooLargeUnpacked(bytes) => {
            let mb = bytes / (1024 * 1024);
            td_string!(locale, import.problem_unpacked, mb = mb).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::customers::labels::field_label;
    use crate::i18n::Locale;

    #[test]
    fn missing_columns_are_listed_as_each_language_lists_things() {
        let p = FileProblem::MissingColumns(vec!["code".into(), "name".into(), "kind".into()]);
        for (locale, sep) in [(Locale::zh_CN, "、"), (Locale::en, ", ")] {
            let listed = ["code", "name", "kind"]
                .map(|k| field_label(locale, k))
                .join(sep);
            let message = problem_message(locale, &p);
            assert!(message.contains(&listed), "{message}");
        }
        assert!(!problem_message(Locale::en, &p).contains('、'));
    }
}
