//! Writing the sales ledger: imports (the page, the command line) and orders typed in the
//! app. Every line is parsed by `domain::sales::SaleLine::parse`; customers are matched by
//! code, products by SKU, reps by login, all within the company. One transaction: the
//! caller commits only a report that says `committed`.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::sales::{ProductFields, ProductInput, SaleLine, SaleLineInput};
use crate::domain::validation::{FieldError, FieldErrorCode, rounded_by_spreadsheet, take_all};
use crate::features::customers::transfer::{FileProblem, MAX_LISTED_ERRORS, RowError};
use crate::features::sales::transfer::{
    COLUMNS, MAX_DOCUMENT_NO, SalesImportOptions, SalesImportOutcome, SalesImportReport,
    column_for_header,
};
use crate::server::db::DbConn;
use crate::server::db::customers as customer_repo;
use crate::server::db::sales::{self as repo, NewLine};
use crate::server::spreadsheet::{
    Table, check_csv_shape, csv_cells, decode, delimiter_of, read_table,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// Who imports, and when.
#[derive(Debug, Clone)]
pub struct ImportBy {
    pub company: CompanyId,
    pub by: Option<EmployeeId>,
    pub now: DateTime<Utc>,
    pub file_name: Option<String>,
}

/// Rows of a file, read a chunk at a time so a CSV of ten million lines is never held
/// as cells all at once.
enum Rows {
    Table(std::vec::IntoIter<Vec<String>>),
    Csv(csv::Reader<std::io::Cursor<Vec<u8>>>, usize),
}

impl Rows {
    /// Opens `bytes` on a blocking thread (decoding a text file or reading a workbook
    /// is CPU work); CSV records are then read one at a time.
    async fn open(bytes: axum::body::Bytes) -> Result<Rows, FileProblem> {
        let turn = crate::server::spreadsheet::parse_turn().await;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            Rows::open_now(&bytes)
        })
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "sales file reader failed");
            Err(FileProblem::Unreadable)
        })
    }

    fn open_now(bytes: &[u8]) -> Result<Rows, FileProblem> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FileProblem::Empty);
        }
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            let Table { rows } = read_table(bytes)?;
            return Ok(Rows::Table(rows.into_iter()));
        }
        let text = decode(bytes)?;
        let delimiter = delimiter_of(&text);
        check_csv_shape(&text, delimiter, false)?;
        Ok(Rows::Csv(
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(std::io::Cursor::new(text.into_bytes())),
            0,
        ))
    }

    fn next(&mut self) -> Option<Result<Vec<String>, FileProblem>> {
        match self {
            Rows::Table(it) => it.next().map(Ok),
            Rows::Csv(r, read) => {
                let mut rec = csv::StringRecord::new();
                match r.read_record(&mut rec) {
                    Ok(true) => {
                        *read += 1;
                        Some(csv_cells(*read - 1, &rec))
                    }
                    Ok(false) => None,
                    Err(_) => Some(Err(FileProblem::Unreadable)),
                }
            }
        }
    }
}

/// Lines are written in groups of this many rows.
const CHUNK: usize = 20_000;

/// Lines read but not yet written, and the document numbers (单据编号) of the rows read
/// since the last write, with their row numbers.
#[derive(Default)]
struct Pending {
    lines: Vec<NewLine>,
    documents: Vec<(usize, String)>,
}

impl Pending {
    fn full(&self) -> bool {
        self.lines.len() >= CHUNK || self.documents.len() >= CHUNK
    }

    /// Refuses the rows whose document an earlier import brought; then, while the
    /// import has no error, stores the lines and records the documents as this batch's.
    async fn flush(
        &mut self,
        conn: &mut DbConn,
        company: CompanyId,
        batch: Uuid,
        report: &mut SalesImportReport,
        column: &str,
    ) -> Result<(), sqlx::Error> {
        let mut distinct: Vec<&str> = self.documents.iter().map(|(_, d)| d.as_str()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if !distinct.is_empty() {
            let taken: std::collections::HashSet<String> =
                repo::documents_taken(conn, company, batch, &distinct)
                    .await?
                    .into_iter()
                    .collect();
            for (row, d) in &self.documents {
                if taken.contains(d) {
                    report.error_count += 1;
                    if report.errors.len() < MAX_LISTED_ERRORS {
                        report.errors.push(RowError {
                            row: *row,
                            column: column.to_owned(),
                            code: FieldErrorCode::DocumentImported,
                        });
                    }
                }
            }
        }
        if report.error_count == 0 {
            repo::insert_documents(conn, company, batch, &distinct).await?;
            repo::insert_lines(conn, company, batch, &self.lines).await?;
        }
        self.lines.clear();
        self.documents.clear();
        Ok(())
    }
}

/// Runs an import of `bytes`. Writes through `conn` (products created, lines stored);
/// the caller commits only when the report says `committed`.
pub async fn import(
    conn: &mut DbConn,
    who: &ImportBy,
    bytes: axum::body::Bytes,
    options: SalesImportOptions,
) -> Result<SalesImportOutcome, sqlx::Error> {
    use sha2::Digest as _;
    // the same bytes imported twice would double the ledger
    let fingerprint = format!("{:x}", sha2::Sha256::digest(&bytes));
    let mut replaced_lines = 0usize;
    if let Some((earlier, seen)) =
        repo::batch_by_fingerprint(conn, who.company, &fingerprint).await?
    {
        if !options.replace {
            return Ok(SalesImportOutcome::AlreadyImported(seen));
        }
        let n = repo::delete_batch(conn, who.company, earlier).await?;
        replaced_lines = usize::try_from(n).unwrap_or(usize::MAX);
    }
    let mut rows = match Rows::open(bytes).await {
        Ok(r) => r,
        Err(p) => return Ok(SalesImportOutcome::File(p)),
    };
    // the header: the first of the first ten rows naming two known columns
    let mut seen = 0usize;
    let header = loop {
        match rows.next() {
            None => return Ok(SalesImportOutcome::File(FileProblem::NoHeaderRow)),
            Some(Err(p)) => return Ok(SalesImportOutcome::File(p)),
            Some(Ok(r)) => {
                seen += 1;
                if r.iter().filter(|h| column_for_header(h).is_some()).count() >= 2 {
                    break r;
                }
                if seen >= 10 {
                    return Ok(SalesImportOutcome::File(FileProblem::NoHeaderRow));
                }
            }
        }
    };
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(key) = column_for_header(h)
            && at.insert(key, i).is_some()
        {
            return Ok(SalesImportOutcome::File(FileProblem::DuplicateColumn(
                h.trim().to_owned(),
            )));
        }
    }
    let missing: Vec<String> = COLUMNS
        .iter()
        .filter(|(key, required, _)| *required && !at.contains_key(key))
        .map(|(key, _, _)| (*key).to_owned())
        .collect();
    if !missing.is_empty() {
        return Ok(SalesImportOutcome::File(FileProblem::MissingColumns(
            missing,
        )));
    }
    let header_of = |key: &str| {
        at.get(key).and_then(|&i| header.get(i)).map_or_else(
            || key.to_owned(),
            |h| h.trim_start_matches('\u{feff}').trim().to_owned(),
        )
    };

    let company = who.company;
    let customers: HashMap<String, (Uuid, Option<Uuid>)> = repo::customer_codes(conn, company)
        .await?
        .into_iter()
        .map(|(code, id, rep)| (code, (id, rep)))
        .collect();
    let mut products: HashMap<String, Uuid> = repo::products(conn, company)
        .await?
        .into_iter()
        .map(|p| (p.sku, p.id))
        .collect();
    let logins: HashMap<String, Uuid> = customer_repo::active_logins(conn, company)
        .await?
        .into_iter()
        .collect();
    let batch = Uuid::now_v7();
    repo::insert_batch(
        conn,
        company,
        batch,
        "import",
        who.file_name.as_deref(),
        who.by,
        who.now,
        Some(&fingerprint),
    )
    .await?;

    let mut report = SalesImportReport {
        replaced_lines,
        ..SalesImportReport::default()
    };
    let mut pending = Pending::default();
    let document_column = header_of("document_no");
    let mut order: Option<(Uuid, NaiveDate, String, Uuid, i64)> = None;
    let (mut first, mut last): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
    let cell = |r: &[String], key: &str| -> String {
        at.get(key)
            .and_then(|&i| r.get(i))
            .map(|s| s.trim_start_matches('\'').to_owned())
            .unwrap_or_default()
    };
    let mut number = seen;
    while let Some(next) = rows.next() {
        if pending.full() {
            pending
                .flush(conn, company, batch, &mut report, &document_column)
                .await?;
        }
        number += 1;
        let r = match next {
            Ok(r) => r,
            Err(p) => return Ok(SalesImportOutcome::File(p)),
        };
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        let input = SaleLineInput {
            order_date: cell(&r, "order_date"),
            customer_code: cell(&r, "customer_code"),
            product_sku: cell(&r, "product_sku"),
            quantity: cell(&r, "quantity"),
            amount: cell(&r, "amount"),
            cost: cell(&r, "cost"),
            product_name: cell(&r, "product_name"),
            rep_login: cell(&r, "rep_login"),
        };
        let mut errors: Vec<FieldError> = Vec::new();
        let mut line = take_all(&mut errors, SaleLine::parse(&input));
        // an identifier a spreadsheet rounded (9.15E+17) names nothing: refused as such
        for key in ["customer_code", "product_sku", "document_no"] {
            if rounded_by_spreadsheet(&cell(&r, key)) {
                errors.retain(|e| e.field != key);
                errors.push(FieldError::new(key, FieldErrorCode::RoundedNumber));
                line = None;
            }
        }
        let document = cell(&r, "document_no").trim().to_owned();
        if document.chars().count() > MAX_DOCUMENT_NO {
            errors.push(FieldError::new(
                "document_no",
                FieldErrorCode::TooLong {
                    max: MAX_DOCUMENT_NO as u32,
                },
            ));
        } else if document.chars().any(char::is_control) {
            errors.push(FieldError::new("document_no", FieldErrorCode::InvalidText));
        } else if !document.is_empty() {
            pending.documents.push((number, document.clone()));
        }
        let customer = match &line {
            Some(l) => match customers.get(&l.customer_code) {
                Some(c) => Some(*c),
                None => {
                    errors.push(FieldError::new(
                        "customer_code",
                        FieldErrorCode::UnknownCustomer,
                    ));
                    None
                }
            },
            None => None,
        };
        let mut product = None;
        if let Some(l) = &line {
            product = products.get(&l.product_sku).copied();
            if product.is_none() {
                match (&l.product_name, options.create_products) {
                    (Some(name), true) => {
                        let fields = ProductFields::parse(&ProductInput {
                            sku: l.product_sku.clone(),
                            name: name.clone(),
                            ..Default::default()
                        });
                        match fields {
                            Ok(f) => {
                                let id = Uuid::now_v7();
                                repo::insert_product(conn, company, id, &f, who.now).await?;
                                products.insert(l.product_sku.clone(), id);
                                report.products_created += 1;
                                product = Some(id);
                            }
                            Err(e) => errors.extend(e.into_iter().map(|e| {
                                FieldError::new(
                                    if e.field == "name" {
                                        "product_name"
                                    } else {
                                        "product_sku"
                                    },
                                    e.code,
                                )
                            })),
                        }
                    }
                    (None, true) => {
                        errors.push(FieldError::new("product_name", FieldErrorCode::Required));
                    }
                    (_, false) => {
                        errors.push(FieldError::new(
                            "product_sku",
                            FieldErrorCode::UnknownProduct,
                        ));
                    }
                }
            }
        }
        let rep = match line.as_ref().and_then(|l| l.rep_login.as_ref()) {
            Some(login) => match logins.get(login) {
                Some(id) => Some(Some(*id)),
                None => {
                    errors.push(FieldError::new(
                        "rep_login",
                        FieldErrorCode::UnknownEmployee,
                    ));
                    None
                }
            },
            None => customer.map(|c| c.1),
        };
        if !errors.is_empty() {
            report.error_count += errors.len();
            for e in errors {
                if report.errors.len() < MAX_LISTED_ERRORS {
                    report.errors.push(RowError {
                        row: number,
                        column: header_of(&e.field),
                        code: e.code,
                    });
                }
            }
            continue;
        }
        let (Some(l), Some((customer_id, _)), Some(product_id), Some(rep_id)) =
            (line, customer, product, rep)
        else {
            continue;
        };
        // consecutive lines of one customer, date and document form one order
        let (order_id, line_no) = match &order {
            Some((c, d, doc, id, n))
                if *c == customer_id && *d == l.order_date && *doc == document =>
            {
                (*id, n + 1)
            }
            _ => {
                report.orders += 1;
                (Uuid::now_v7(), 1)
            }
        };
        order = Some((customer_id, l.order_date, document, order_id, line_no));
        first = Some(first.map_or(l.order_date, |f| f.min(l.order_date)));
        last = Some(last.map_or(l.order_date, |f| f.max(l.order_date)));
        report.lines += 1;
        report.amount = report.amount.saturating_add(l.amount.0);
        if report.error_count == 0 {
            pending.lines.push(NewLine {
                order_id,
                line_no,
                order_date: l.order_date,
                customer_id,
                product_id,
                rep_id,
                quantity: l.quantity,
                amount: l.amount.0,
                cost: l.cost.0,
            });
        } else {
            // an error earlier: nothing more is written, every row is still checked
            pending.lines.clear();
        }
    }
    if report.rows == 0 {
        return Ok(SalesImportOutcome::File(FileProblem::Empty));
    }
    pending
        .flush(conn, company, batch, &mut report, &document_column)
        .await?;
    report.errors.sort_by_key(|e| e.row);
    if report.error_count == 0 {
        repo::set_batch_count(
            conn,
            company,
            batch,
            i64::try_from(report.lines).unwrap_or(i64::MAX),
        )
        .await?;
    }
    report.first_date = first.map(|d| d.format("%Y-%m-%d").to_string());
    report.last_date = last.map(|d| d.format("%Y-%m-%d").to_string());
    report.committed = options.commit && report.error_count == 0;
    Ok(SalesImportOutcome::Report(report))
}
