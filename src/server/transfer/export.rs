//! Writing customer exports and tables: CSV with a BOM (so Excel opens it as UTF-8) or
//! `.xlsx`, streamed in chunks, every cell that a spreadsheet would run as a formula
//! written inert.
use super::*;
use crate::server::db::on;

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
pub(super) fn guard(v: &str) -> std::borrow::Cow<'_, str> {
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

/// The header row and the rows of an in-memory export (the command line's).
fn record_cells(
    headers: &[(&'static str, String)],
    rows: &[CustomerRecord],
    csv: bool,
) -> (Vec<String>, Vec<Vec<String>>) {
    (
        headers.iter().map(|(_, h)| h.clone()).collect(),
        rows.iter().map(|r| export_cells(headers, r, csv)).collect(),
    )
}

/// What a streamed export lists, and under which headers.
pub struct ExportJob {
    pub company: CompanyId,
    pub scope: Scope,
    pub filter: ListFilter,
    pub sort: SortKey,
    pub desc: bool,
    pub headers: Vec<(&'static str, String)>,
}

/// Bytes written per chunk of an export.
const CHUNK_BYTES: usize = 64 * 1024;

/// Exports built at once: each holds a database connection while it reads (never
/// while a browser downloads) and a temporary file.
static EXPORTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// One exported row: the record's cells under `headers`, the identifiers kept text for
/// spreadsheet programs (`csv`: a leading tab; a workbook's cells are text anyway).
fn export_cells(headers: &[(&'static str, String)], r: &CustomerRecord, csv: bool) -> Vec<String> {
    headers
        .iter()
        .map(|(k, _)| {
            let mut cell = r.values.get(*k).cloned().unwrap_or_default();
            // a spreadsheet opening a CSV reads a cell of digits as a number: an 18-digit
            // licence loses its last three digits, a code its leading zeros. A leading tab
            // keeps the cell text there, and reading trims it.
            if csv
                && profile::IDENTIFIER_FIELDS.contains(k)
                && !cell.is_empty()
                && cell.bytes().all(|b| b.is_ascii_digit())
            {
                cell.insert(0, '\t');
            }
            cell
        })
        .collect()
}

/// Writes the customers of `job` into a temporary file (already unlinked: it goes with
/// its last handle), reading them one row at a time from one snapshot: memory stays the
/// same whatever the company's size, and the database connection is released before
/// the download starts, however slowly the browser reads it. CSV is UTF-8 with BOM,
/// CRLF, formula-like cells guarded; XLSX one worksheet kept on disk while written.
pub async fn export_file(
    pool: &crate::server::db::Pool,
    job: ExportJob,
    xlsx: bool,
) -> anyhow::Result<(tokio::fs::File, usize)> {
    let _turn = EXPORTS.acquire().await?;
    let file = tempfile::tempfile()?;
    let (file, rows) = if xlsx {
        write_xlsx(pool, &job, file).await?
    } else {
        write_csv(pool, &job, file).await?
    };
    let mut file = tokio::fs::File::from_std(file);
    tokio::io::AsyncSeekExt::rewind(&mut file).await?;
    Ok((file, rows))
}

fn csv_writer(start: &[u8]) -> csv::Writer<Vec<u8>> {
    let mut buffer = Vec::with_capacity(CHUNK_BYTES + 16 * 1024);
    buffer.extend_from_slice(start);
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(buffer)
}

async fn write_csv(
    pool: &crate::server::db::Pool,
    job: &ExportJob,
    file: std::fs::File,
) -> anyhow::Result<(std::fs::File, usize)> {
    use futures_util::TryStreamExt as _;
    use tokio::io::AsyncWriteExt as _;
    let mut out = tokio::fs::File::from_std(file);
    // a BOM, so Excel reads UTF-8
    let mut w = csv_writer(b"\xEF\xBB\xBF");
    w.write_record(job.headers.iter().map(|(_, h)| h))?;
    let mut snapshot = pool.begin_read().await?;
    let mut count = 0;
    on!(snapshot, |ex| {
        let mut q = repo::list_query::<Db>(job.company, job.scope, &job.filter, job.sort, job.desc);
        let mut rows = q.build().fetch(&mut *ex);
        while let Some(row) = rows.try_next().await? {
            let mut r = repo::record(&row)?;
            crate::server::customers::writes::hide_foreign_parent(&mut r, job.scope);
            let cells = export_cells(&job.headers, &r, true);
            w.write_record(cells.iter().map(|v| guard(v).into_owned()))?;
            count += 1;
            if w.get_ref().len() >= CHUNK_BYTES {
                let chunk = std::mem::replace(&mut w, csv_writer(b"")).into_inner()?;
                out.write_all(&chunk).await?;
            }
        }
    });
    snapshot.rollback().await?;
    out.write_all(&w.into_inner()?).await?;
    out.flush().await?;
    Ok((out.into_std().await, count))
}

async fn write_xlsx(
    pool: &crate::server::db::Pool,
    job: &ExportJob,
    mut file: std::fs::File,
) -> anyhow::Result<(std::fs::File, usize)> {
    use futures_util::TryStreamExt as _;
    let (rows_in, mut rows_out) = tokio::sync::mpsc::channel::<Vec<String>>(512);
    let headers: Vec<String> = job.headers.iter().map(|(_, h)| h.clone()).collect();
    let writer = tokio::task::spawn_blocking(
        move || -> Result<std::fs::File, rust_xlsxwriter::XlsxError> {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet_with_constant_memory()?;
            sheet.set_name("customers")?;
            sheet.set_freeze_panes(1, 0)?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in headers.iter().enumerate() {
                sheet.write_string_with_format(
                    0,
                    u16::try_from(c).unwrap_or(u16::MAX),
                    h,
                    &bold,
                )?;
            }
            let mut r: u32 = 0;
            while let Some(cells) = rows_out.blocking_recv() {
                r = r.saturating_add(1);
                for (c, v) in cells.iter().enumerate() {
                    if !v.is_empty() {
                        sheet.write_string(r, u16::try_from(c).unwrap_or(u16::MAX), v)?;
                    }
                }
            }
            book.save_to_writer(&mut file)?;
            Ok(file)
        },
    );
    let mut count = 0;
    {
        let mut snapshot = pool.begin_read().await?;
        on!(snapshot, |ex| {
            let mut q =
                repo::list_query::<Db>(job.company, job.scope, &job.filter, job.sort, job.desc);
            let mut rows = q.build().fetch(&mut *ex);
            while let Some(row) = rows.try_next().await? {
                let mut r = repo::record(&row)?;
                crate::server::customers::writes::hide_foreign_parent(&mut r, job.scope);
                count += 1;
                if rows_in
                    .send(export_cells(&job.headers, &r, false))
                    .await
                    .is_err()
                {
                    break; // the writer failed: its error is below
                }
            }
        });
        snapshot.rollback().await?;
        drop(rows_in);
    }
    let file = writer.await??;
    Ok((file, count))
}

/// Customers as CSV (see [`table_csv`]).
pub fn to_csv(
    headers: &[(&'static str, String)],
    rows: &[CustomerRecord],
) -> Result<Vec<u8>, csv::Error> {
    let (h, cells) = record_cells(headers, rows, true);
    table_csv(&h, &cells)
}

/// Customers as one worksheet (see [`table_xlsx`]).
pub fn to_xlsx(
    headers: &[(&'static str, String)],
    rows: &[CustomerRecord],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let (h, cells) = record_cells(headers, rows, false);
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
