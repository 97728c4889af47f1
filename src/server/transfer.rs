//! Reading customer files (CSV in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030 as Yonyou
//! and Kingdee export them; `.xlsx`), running an import in one transaction, and writing
//! exports (CSV with BOM so Excel opens it as UTF-8, `.xlsx`). Used by the HTTP handlers
//! and the command line alike.
use crate::domain::ids::CompanyId;
use crate::domain::profile::{self, CustomerDraft, FIELDS, Values};
use crate::domain::validation::FieldErrorCode;
use crate::features::customers::transfer::*;
use crate::server::customers::{self as svc, Author, Directory, SaveError};
use crate::server::db::DbConn;
use crate::server::db::customers::{self as repo, CustomerRecord, ListFilter, Scope, SortKey};
use std::collections::HashMap;
use uuid::Uuid;

pub use super::spreadsheet::{Table, decode, read_table};

/// Finds the header row (the first of the first ten naming two known fields), and reads
/// each column as a field, applying the user's mapping over the automatic one.
fn columns(
    table: &Table,
    mapping: &[(usize, String)],
) -> Result<(usize, Vec<ColumnInfo>), FileProblem> {
    let header_at = table
        .rows
        .iter()
        .take(10)
        .position(|r| {
            r.iter()
                .filter(|h| profile::field_for_header(h).is_some())
                .count()
                >= 2
        })
        .ok_or(FileProblem::NoHeaderRow)?;
    let mut cols: Vec<ColumnInfo> = table.rows[header_at]
        .iter()
        .enumerate()
        .map(|(index, h)| ColumnInfo {
            index,
            header: h.trim_start_matches('\u{feff}').trim().to_owned(),
            field: profile::field_for_header(h).map(|f| f.key.to_owned()),
        })
        .collect();
    for (index, key) in mapping {
        if let Some(c) = cols.get_mut(*index) {
            c.field = profile::field(key).map(|f| f.key.to_owned());
        }
    }
    let mut seen = HashMap::new();
    for c in &cols {
        if let Some(f) = &c.field
            && seen.insert(f.clone(), c.index).is_some()
        {
            return Err(FileProblem::DuplicateColumn(c.header.clone()));
        }
    }
    let missing: Vec<String> = ["code", "name", "kind"]
        .into_iter()
        .filter(|k| !seen.contains_key(*k))
        .map(str::to_owned)
        .collect();
    if !missing.is_empty() {
        return Err(FileProblem::MissingColumns(missing));
    }
    Ok((header_at, cols))
}

struct Row {
    number: usize,
    values: Values,
}

/// Runs an import of `bytes` as `author` (whose scope must be `All`). Writes through
/// `conn`, which the caller commits only when the report says `committed`.
pub async fn import(
    conn: &mut DbConn,
    author: Author,
    bytes: axum::body::Bytes,
    options: &ImportOptions,
) -> Result<ImportOutcome, sqlx::Error> {
    let table = match super::spreadsheet::read_table_off_thread(bytes).await {
        Ok(t) => t,
        Err(p) => return Ok(ImportOutcome::File(p)),
    };
    let (header_at, cols) = match columns(&table, &options.mapping) {
        Ok(c) => c,
        Err(p) => return Ok(ImportOutcome::File(p)),
    };
    let mut report = ImportReport {
        columns: cols.clone(),
        skipped_title_rows: header_at,
        ..ImportReport::default()
    };
    let header_of = |key: &str| {
        cols.iter()
            .find(|c| c.field.as_deref() == Some(key))
            .map_or_else(|| key.to_owned(), |c| c.header.clone())
    };
    let mut rows = Vec::new();
    for (i, cells) in table.rows.iter().enumerate().skip(header_at + 1) {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let mut values = Values::new();
        for c in &cols {
            if let (Some(f), Some(v)) = (&c.field, cells.get(c.index))
                && !v.is_empty()
            {
                values.insert(f.clone(), v.clone());
            }
        }
        rows.push(Row {
            number: i + 1,
            values,
        });
    }
    if rows.is_empty() {
        return Ok(ImportOutcome::File(FileProblem::Empty));
    }
    if rows.len() > MAX_IMPORT_ROWS {
        return Ok(ImportOutcome::File(FileProblem::TooManyRows(
            MAX_IMPORT_ROWS,
        )));
    }
    report.rows = rows.len();
    // Sub-distributors first, so terminals can name a parent defined further down.
    rows.sort_by_key(|r| {
        let kind = r
            .values
            .get("kind")
            .and_then(|k| crate::domain::customer::CustomerKind::parse(k).ok());
        u8::from(kind != Some(crate::domain::customer::CustomerKind::SubDistributor))
    });
    let mut dir = Directory::whole_company(conn, author.company).await?;
    let mut codes_in_file: HashMap<String, usize> = HashMap::new();
    let push_error =
        |report: &mut ImportReport, row: usize, column: String, code: FieldErrorCode| {
            report.error_count += 1;
            if report.errors.len() < MAX_LISTED_ERRORS {
                report.errors.push(RowError { row, column, code });
            }
        };
    for row in &rows {
        // a terminal without a 业态 is recorded as 其他 when it is created (an update
        // keeps the type stored); the report counts them
        let untyped_terminal = !row.values.contains_key("terminal_type")
            && row
                .values
                .get("kind")
                .and_then(|k| crate::domain::customer::CustomerKind::parse(k).ok())
                == Some(crate::domain::customer::CustomerKind::Terminal);
        let typed;
        let values = if untyped_terminal {
            let mut v = row.values.clone();
            v.insert("terminal_type".to_owned(), "other".to_owned());
            typed = v;
            &typed
        } else {
            &row.values
        };
        let draft = match CustomerDraft::parse(values) {
            Ok(d) => d,
            Err(errors) => {
                for e in errors {
                    push_error(&mut report, row.number, header_of(&e.field), e.code);
                }
                continue;
            }
        };
        let code = draft.code().to_owned();
        if codes_in_file.insert(code.clone(), row.number).is_some() {
            push_error(
                &mut report,
                row.number,
                header_of("code"),
                FieldErrorCode::DuplicateCode,
            );
            continue;
        }
        let existing = match dir.by_code(&code) {
            Some(r) => Some((r.id, r.code.clone(), "code")),
            None => dir.twin_of(&draft).map(|r| {
                let reason = if draft.get("licence_no").is_some()
                    && r.licence_no.as_deref() == draft.get("licence_no")
                {
                    "licence"
                } else {
                    "name_phone"
                };
                (r.id, r.code.clone(), reason)
            }),
        };
        let result = match existing {
            None => {
                let id = Uuid::new_v4();
                svc::create(conn, author, &dir, id, &draft).await.map(|r| {
                    dir.add(r);
                    report.created += 1;
                    if untyped_terminal {
                        report.defaulted_terminal_type += 1;
                    }
                })
            }
            Some((id, existing_code, reason)) => {
                report.duplicates.push(DuplicateRow {
                    row: row.number,
                    code: code.clone(),
                    name: draft.get("name").unwrap_or_default().to_owned(),
                    existing_code: existing_code.clone(),
                    reason: reason.to_owned(),
                });
                if options.on_duplicate == OnDuplicate::Skip {
                    report.skipped += 1;
                    continue;
                }
                update_existing(conn, author, &mut dir, id, &existing_code, &row.values)
                    .await
                    .map(|changed| {
                        if changed {
                            report.updated += 1;
                        } else {
                            report.skipped += 1;
                        }
                    })
            }
        };
        match result {
            Ok(()) => {}
            Err(SaveError::Invalid(errors)) => {
                for e in errors {
                    push_error(&mut report, row.number, header_of(&e.field), e.code);
                }
            }
            Err(SaveError::Stale) => push_error(
                &mut report,
                row.number,
                header_of("code"),
                FieldErrorCode::DuplicateCode,
            ),
            Err(SaveError::Db(e)) => return Err(e),
        }
    }
    report.errors.sort_by_key(|e| e.row);
    report.duplicates.sort_by_key(|d| d.row);
    report.committed = options.commit && report.error_count == 0;
    Ok(ImportOutcome::Report(report))
}

/// Overlays the file's non-empty cells on an existing customer (keeping its code).
async fn update_existing(
    conn: &mut DbConn,
    author: Author,
    dir: &mut Directory,
    id: Uuid,
    existing_code: &str,
    file_values: &Values,
) -> Result<bool, SaveError> {
    let current = repo::get(conn, author.company, Scope::All, id)
        .await?
        .ok_or(SaveError::Stale)?;
    let mut after = current.values.clone();
    for (k, v) in file_values {
        after.insert(k.clone(), v.clone());
    }
    after.insert("code".into(), existing_code.to_owned());
    let draft = CustomerDraft::parse(&after).map_err(SaveError::Invalid)?;
    let base = svc::Current {
        version: current.version,
        values: &current.values,
        parent_id: current.parent_id,
        tier_a: current.tier.as_deref() == Some("A"),
    };
    let changes = svc::update(conn, author, dir, id, base, &draft).await?;
    if let Some(r) = repo::find_by_code(conn, author.company, Scope::All, existing_code).await? {
        dir.add(r);
    }
    Ok(!changes.is_empty())
}

/// Header row of an export: field keys (`en`, what the CLI and other systems read) or
/// the first Chinese alias (`zh`, what a person in Excel reads). Both import back.
pub fn export_headers(chinese: bool, personal: bool) -> Vec<(&'static str, String)> {
    FIELDS
        .iter()
        .filter(|f| personal || f.group != profile::Group::Personal)
        .map(|f| {
            let h = if chinese {
                f.aliases.first().copied().unwrap_or(f.key)
            } else {
                f.key
            };
            (f.key, h.to_owned())
        })
        .collect()
}

/// Every customer matching `filter` within `scope`, in list order.
pub async fn export_rows(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    filter: &ListFilter,
    sort: SortKey,
    desc: bool,
) -> Result<Vec<CustomerRecord>, sqlx::Error> {
    repo::list(conn, company, scope, filter, sort, desc, i64::MAX, 0).await
}

/// Characters that make a spreadsheet read a CSV cell as a formula.
const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

/// A CSV cell that a spreadsheet would run as a formula (`=HYPERLINK(…)` typed as a shop
/// name) is written with a leading `'`, which Excel shows as plain text.
fn guard(v: &str) -> std::borrow::Cow<'_, str> {
    // a negative amount (`-14.24`) is a number, not a formula
    let number = v.strip_prefix('-').is_some_and(|d| {
        !d.is_empty()
            && d.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && d.bytes().filter(|b| *b == b'.').count() <= 1
    });
    // a value that already looks guarded gets one more quote, so reading strips one
    if !number && v.trim_start_matches('\'').starts_with(FORMULA_START) {
        format!("'{v}").into()
    } else {
        v.into()
    }
}

/// Reading our own (or Excel's) guarded cells back: `'=…` is the text `=…`.
pub(crate) fn unguard(v: &str) -> &str {
    match v.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_START) => rest,
        _ => v,
    }
}

fn record_cells(
    headers: &[(&'static str, String)],
    rows: &[CustomerRecord],
) -> (Vec<String>, Vec<Vec<String>>) {
    (
        headers.iter().map(|(_, h)| h.clone()).collect(),
        rows.iter()
            .map(|r| {
                headers
                    .iter()
                    .map(|(k, _)| r.values.get(*k).cloned().unwrap_or_default())
                    .collect()
            })
            .collect(),
    )
}

/// Customers as CSV (see [`table_csv`]).
pub fn to_csv(
    headers: &[(&'static str, String)],
    rows: &[CustomerRecord],
) -> Result<Vec<u8>, csv::Error> {
    let (h, cells) = record_cells(headers, rows);
    table_csv(&h, &cells)
}

/// Customers as one worksheet (see [`table_xlsx`]).
pub fn to_xlsx(
    headers: &[(&'static str, String)],
    rows: &[CustomerRecord],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let (h, cells) = record_cells(headers, rows);
    table_xlsx("customers", &h, &cells)
}

/// CSV, UTF-8 with BOM (so Excel shows Chinese correctly), CRLF line ends, formula-like
/// cells guarded.
pub fn table_csv(headers: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(headers)?;
        for r in rows {
            w.write_record(r.iter().map(|v| guard(v).into_owned()))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// One worksheet, header row frozen, every cell text (codes like `0012` keep their zeros).
pub fn table_xlsx(
    sheet_name: &str,
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, h, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (r, cells) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                sheet.write_string(r, c, v)?;
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn gbk_utf8_bom_and_utf16_files_decode_to_the_same_text() {
        let text = "客户编码,客户名称,类型\r\nC1,重庆百货,二批\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk).unwrap(), text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap(), text);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&utf16).unwrap(), text);
    }

    #[test]
    fn binary_or_foreign_bytes_are_a_wrong_encoding() {
        let noise: Vec<u8> = (0..400u32)
            .map(|i| u8::try_from((i * 37 + 128) % 256).unwrap())
            .collect();
        assert_eq!(decode(&noise), Err(FileProblem::WrongEncoding));
        assert_eq!(read_table(b"  \n ").err(), Some(FileProblem::Empty));
    }

    #[test]
    fn a_merged_title_row_above_the_header_is_skipped() {
        let table =
            read_table("2026 客户档案,,\n客户编码,客户名称,类型\nC1,店,终端\n".as_bytes()).unwrap();
        let (at, cols) = columns(&table, &[]).unwrap();
        assert_eq!(at, 1);
        assert_eq!(cols[0].field.as_deref(), Some("code"));
    }

    #[test]
    fn missing_and_doubled_columns_are_named() {
        let t = read_table("客户编码,备注\nC1,x\n".as_bytes()).unwrap();
        assert_eq!(columns(&t, &[]).err(), Some(FileProblem::NoHeaderRow));
        let t = read_table("code,name,备注\nC1,x,y\n".as_bytes()).unwrap();
        assert_eq!(
            columns(&t, &[]).err(),
            Some(FileProblem::MissingColumns(vec!["kind".into()]))
        );
        assert!(columns(&t, &[(2, "kind".into())]).is_ok());
        let t = read_table("code,客户编码,name,kind\n".as_bytes()).unwrap();
        assert_eq!(
            columns(&t, &[]).err(),
            Some(FileProblem::DuplicateColumn("客户编码".into()))
        );
    }

    #[test]
    fn formula_like_cells_are_written_inert_and_read_back_unchanged() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        // a negative amount stays a number; anything more after the minus is guarded
        assert_eq!(guard("-5"), "-5");
        assert_eq!(guard("-12.50"), "-12.50");
        assert_eq!(guard("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
        assert_eq!(guard("-"), "'-");
        assert_eq!(guard("重庆百货"), "重庆百货");
        for v in [
            "=1+1", "+86 138", "-A1", "@sum", "plain", "'quoted", "'=abc", "''-x", "-5", "'-5",
            "-1.2.3",
        ] {
            assert_eq!(unguard(&guard(v)), v);
        }
    }

    #[test]
    fn semicolons_and_tabs_are_recognised_as_delimiters() {
        let t = read_table("code\tname\tkind\nC1\t店\tterminal\n".as_bytes()).unwrap();
        assert_eq!(t.rows[1], vec!["C1", "店", "terminal"]);
    }
}
