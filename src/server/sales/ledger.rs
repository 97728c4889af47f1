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
    Table, check_csv_shape, csv_cells, decode_shared, delimiter_of, read_table,
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
struct Rows {
    rows: RowSource,
    /// How many rows the file holds (header and empty rows included).
    count: usize,
}

enum RowSource {
    Table(std::vec::IntoIter<Vec<String>>),
    Csv(csv::Reader<std::io::Cursor<axum::body::Bytes>>, usize),
}

impl Rows {
    /// Opens `bytes` on a blocking thread (decoding a text file or reading a workbook
    /// is CPU work); CSV records are then read one at a time.
    async fn open(bytes: axum::body::Bytes) -> Result<Rows, FileProblem> {
        let turn = crate::server::spreadsheet::parse_turn().await;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            Rows::open_now(bytes)
        })
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "sales file reader failed");
            Err(FileProblem::Unreadable)
        })
    }

    fn open_now(bytes: axum::body::Bytes) -> Result<Rows, FileProblem> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(FileProblem::Empty);
        }
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            let Table { rows } = read_table(&bytes)?;
            return Ok(Rows {
                count: rows.len(),
                rows: RowSource::Table(rows.into_iter()),
            });
        }
        // the file's own bytes when they are UTF-8: no copy of half a gigabyte
        let text = decode_shared(bytes)?;
        let delimiter = delimiter_of(&text);
        let count = check_csv_shape(&text, delimiter, false)?;
        Ok(Rows {
            count,
            rows: RowSource::Csv(
                csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(delimiter)
                    .from_reader(std::io::Cursor::new(text)),
                0,
            ),
        })
    }

    fn next(&mut self) -> Option<Result<Vec<String>, FileProblem>> {
        match &mut self.rows {
            RowSource::Table(it) => it.next().map(Ok),
            RowSource::Csv(r, read) => {
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

/// Lines are written in groups of this many rows on SQLite (each group in date order with
/// one merge of its sums, see `repo::insert_lines`: the larger the group, the fewer pages
/// of the date index each write touches; 100 000 lines hold ~12 MB, ~60 MB once a bulk
/// load's reader has encoded them, and up to three groups are held at once); PostgreSQL
/// takes as many as one of its statements stores.
const CHUNK: usize = 100_000;

/// A group of checked rows the reader hands the writer: the lines ready to store, the
/// document numbers (单据编号) of the rows with their row numbers, and the products the
/// lines need created first.
#[derive(Default)]
struct Chunk {
    lines: Vec<NewLine>,
    documents: Vec<(usize, String)>,
    products: Vec<(Uuid, ProductFields)>,
    /// The lines made ready to store, in a bulk load (`lines` is then empty).
    prepared: Option<Result<repo::PreparedLines, sqlx::Error>>,
    /// No row read so far had a problem: what the chunk holds may be stored.
    clean: bool,
}

impl Chunk {
    fn full(&self, size: usize) -> bool {
        self.lines.len() >= size || self.documents.len() >= size
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.documents.is_empty() && self.products.is_empty()
    }

    /// In a bulk load, readies the chunk's lines for their statements (sorted, encoded).
    fn seal(&mut self, bulk: Option<&Bulk>) {
        if let Some(b) = bulk
            && !self.lines.is_empty()
        {
            self.prepared = Some(repo::prepare_lines(
                b.company,
                b.batch,
                &self.lines,
                b.placed,
            ));
            // emptied, its room kept for the next chunk's lines (`read_rows`)
            self.lines.clear();
        }
    }
}

/// A bulk load on SQLite (its per-line rollup trigger set aside, see
/// `repo::set_aside_for_load`): the reader readies each chunk's statements and gathers
/// the monthly sums of every line, merged once when the load is kept.
struct Bulk {
    company: CompanyId,
    batch: Uuid,
    placed: repo::Placed,
}

/// The writer's side of an import: the rows it refused (documents an earlier import
/// brought), which stop it storing what it is handed.
struct Written {
    error_count: usize,
    errors: Vec<RowError>,
    /// The order lines are stored in: by key while the date index is set aside.
    placed: repo::Placed,
}

impl Written {
    /// Refuses the rows whose document an earlier import brought; then, while neither the
    /// reader nor the writer met a problem, creates the chunk's products, stores its lines
    /// and records its documents as this batch's.
    async fn chunk(
        &mut self,
        conn: &mut DbConn,
        who: &ImportBy,
        batch: Uuid,
        chunk: Chunk,
        column: &str,
    ) -> Result<(), sqlx::Error> {
        let company = who.company;
        let mut distinct: Vec<&str> = chunk.documents.iter().map(|(_, d)| d.as_str()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if !distinct.is_empty() {
            let taken: std::collections::HashSet<String> =
                repo::documents_taken(conn, company, batch, &distinct)
                    .await?
                    .into_iter()
                    .collect();
            for (row, d) in &chunk.documents {
                if taken.contains(d) {
                    self.error_count += 1;
                    if self.errors.len() < MAX_LISTED_ERRORS {
                        self.errors.push(RowError {
                            row: *row,
                            column: column.to_owned(),
                            code: FieldErrorCode::DocumentImported,
                        });
                    }
                }
            }
        }
        if chunk.clean && self.error_count == 0 {
            for (id, fields) in &chunk.products {
                repo::insert_product(conn, company, *id, fields, who.now).await?;
            }
            repo::insert_documents(conn, company, batch, &distinct).await?;
            match chunk.prepared {
                Some(prepared) => repo::store_prepared(conn, company, batch, prepared?).await?,
                None => {
                    repo::insert_lines_in(conn, company, batch, &chunk.lines, self.placed).await?;
                }
            }
        }
        Ok(())
    }
}

/// The header row: where each known column is, and how the file names it.
struct Header {
    cells: Vec<String>,
    at: HashMap<&'static str, usize>,
    /// Where the columns a line is read from are, found once for the file rather than
    /// looked up by name in every row.
    places: Places,
}

/// Where each column a line is read from is in the file's rows (`None`: the file has
/// no such column).
struct Places {
    order_date: Option<usize>,
    customer_code: Option<usize>,
    product_sku: Option<usize>,
    quantity: Option<usize>,
    amount: Option<usize>,
    cost: Option<usize>,
    product_name: Option<usize>,
    rep_login: Option<usize>,
    document_no: Option<usize>,
}

impl Places {
    fn of(at: &HashMap<&'static str, usize>) -> Places {
        let place = |key: &str| at.get(key).copied();
        Places {
            order_date: place("order_date"),
            customer_code: place("customer_code"),
            product_sku: place("product_sku"),
            quantity: place("quantity"),
            amount: place("amount"),
            cost: place("cost"),
            product_name: place("product_name"),
            rep_login: place("rep_login"),
            document_no: place("document_no"),
        }
    }
}

/// The row's cell at `place` (a spreadsheet's leading quote removed); empty when the
/// file has no such column or the row is shorter.
fn cell_at(r: &[String], place: Option<usize>) -> &str {
    place
        .and_then(|i| r.get(i))
        .map_or("", |s| s.trim_start_matches('\''))
}

impl Header {
    /// Reads up to the header (the first of the first ten rows naming two known
    /// columns) and checks it: no column twice, every required column present.
    /// Returns the header and the number of rows it took.
    fn read(rows: &mut Rows) -> Result<(Header, usize), FileProblem> {
        let mut seen = 0usize;
        let cells = loop {
            let r = rows.next().ok_or(FileProblem::NoHeaderRow)??;
            seen += 1;
            if r.iter().filter(|h| column_for_header(h).is_some()).count() >= 2 {
                break r;
            }
            if seen >= 10 {
                return Err(FileProblem::NoHeaderRow);
            }
        };
        let mut at: HashMap<&'static str, usize> = HashMap::new();
        for (i, h) in cells.iter().enumerate() {
            if let Some(key) = column_for_header(h)
                && at.insert(key, i).is_some()
            {
                return Err(FileProblem::DuplicateColumn(h.trim().to_owned()));
            }
        }
        let missing: Vec<String> = COLUMNS
            .iter()
            .filter(|(key, required, _)| *required && !at.contains_key(key))
            .map(|(key, _, _)| (*key).to_owned())
            .collect();
        if !missing.is_empty() {
            return Err(FileProblem::MissingColumns(missing));
        }
        let places = Places::of(&at);
        Ok((Header { cells, at, places }, seen))
    }

    /// The column's name as the file writes it (for error reports).
    fn name_of(&self, key: &str) -> String {
        self.at
            .get(key)
            .and_then(|&i| self.cells.get(i))
            .map_or_else(
                || key.to_owned(),
                |h| h.trim_start_matches('\u{feff}').trim().to_owned(),
            )
    }
}

/// The company's customers (with their reps), products and reps' logins, by the codes a
/// file names them with. Products the import creates are added as it goes.
struct Names {
    customers: foldhash::HashMap<String, (Uuid, Option<Uuid>)>,
    products: foldhash::HashMap<String, Uuid>,
    logins: foldhash::HashMap<String, Uuid>,
}

/// A line ready to store: who bought what, sold by whom.
struct Matched {
    line: SaleLine,
    customer: Uuid,
    product: Uuid,
    rep: Option<Uuid>,
}

impl Names {
    async fn load(conn: &mut DbConn, company: CompanyId) -> Result<Names, sqlx::Error> {
        Ok(Names {
            customers: repo::customer_codes(conn, company)
                .await?
                .into_iter()
                .map(|(code, id, rep)| (code, (id, rep)))
                .collect(),
            products: repo::products(conn, company)
                .await?
                .into_iter()
                .map(|p| (p.sku, p.id))
                .collect(),
            logins: customer_repo::active_logins(conn, company)
                .await?
                .into_iter()
                .collect(),
        })
    }

    /// The product a line names, created from its name when the options allow it (its
    /// id chosen now; the writer stores it before the chunk's lines).
    fn product(
        &mut self,
        l: &SaleLine,
        create: bool,
        chunk: &mut Chunk,
        report: &mut SalesImportReport,
        errors: &mut Vec<FieldError>,
    ) -> Option<Uuid> {
        if let Some(id) = self.products.get(&l.product_sku) {
            return Some(*id);
        }
        match (&l.product_name, create) {
            (Some(name), true) => {
                let fields = ProductFields::parse(&ProductInput {
                    sku: l.product_sku.clone(),
                    name: name.clone(),
                    ..Default::default()
                });
                match fields {
                    Ok(f) => {
                        let id = Uuid::now_v7();
                        chunk.products.push((id, f));
                        self.products.insert(l.product_sku.clone(), id);
                        report.products_created += 1;
                        return Some(id);
                    }
                    Err(e) => errors.extend(e.into_iter().map(|e| {
                        let field = if e.field == "name" {
                            "product_name"
                        } else {
                            "product_sku"
                        };
                        FieldError::new(field, e.code)
                    })),
                }
            }
            (None, true) => errors.push(FieldError::new("product_name", FieldErrorCode::Required)),
            (_, false) => errors.push(FieldError::new(
                "product_sku",
                FieldErrorCode::UnknownProduct,
            )),
        }
        None
    }

    /// Matches a parsed line's customer, product and rep; every problem found goes to
    /// `errors`. A line is returned only when the row has no problem at all.
    fn resolve(
        &mut self,
        line: SaleLine,
        create_products: bool,
        chunk: &mut Chunk,
        report: &mut SalesImportReport,
        errors: &mut Vec<FieldError>,
    ) -> Option<Matched> {
        let customer = self.customers.get(&line.customer_code).copied();
        if customer.is_none() {
            errors.push(FieldError::new(
                "customer_code",
                FieldErrorCode::UnknownCustomer,
            ));
        }
        let product = self.product(&line, create_products, chunk, report, errors);
        // the rep named on the line, else the customer's own
        let rep = match &line.rep_login {
            Some(login) => {
                let id = self.logins.get(login).copied();
                if id.is_none() {
                    errors.push(FieldError::new(
                        "rep_login",
                        FieldErrorCode::UnknownEmployee,
                    ));
                }
                id.map(Some)
            }
            None => customer.map(|c| c.1),
        };
        match (customer, product, rep) {
            (Some((customer, _)), Some(product), Some(rep)) if errors.is_empty() => Some(Matched {
                line,
                customer,
                product,
                rep,
            }),
            _ => None,
        }
    }
}

/// Parses a row's line; an identifier a spreadsheet rounded (9.15E+17) names nothing
/// and is refused as such.
fn parse_row(header: &Header, r: &[String], errors: &mut Vec<FieldError>) -> Option<SaleLine> {
    let p = &header.places;
    let cell = |place: Option<usize>| cell_at(r, place).to_owned();
    let input = SaleLineInput {
        order_date: cell(p.order_date),
        customer_code: cell(p.customer_code),
        product_sku: cell(p.product_sku),
        quantity: cell(p.quantity),
        amount: cell(p.amount),
        cost: cell(p.cost),
        product_name: cell(p.product_name),
        rep_login: cell(p.rep_login),
    };
    let mut line = take_all(errors, SaleLine::parse(&input));
    for (key, place) in [
        ("customer_code", p.customer_code),
        ("product_sku", p.product_sku),
        ("document_no", p.document_no),
    ] {
        if rounded_by_spreadsheet(cell_at(r, place)) {
            errors.retain(|e| e.field != key);
            errors.push(FieldError::new(key, FieldErrorCode::RoundedNumber));
            line = None;
        }
    }
    line
}

/// The document number (单据编号) of a row: checked, and noted to be refused if an
/// earlier import brought it.
fn document_of(
    header: &Header,
    r: &[String],
    number: usize,
    chunk: &mut Chunk,
    errors: &mut Vec<FieldError>,
) -> String {
    let document = cell_at(r, header.places.document_no).trim().to_owned();
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
        chunk.documents.push((number, document.clone()));
    }
    document
}

/// Consecutive lines of one customer, date and document form one order.
#[derive(Default)]
struct Orders {
    current: Option<(Uuid, NaiveDate, String, Uuid, i64)>,
}

impl Orders {
    /// The order and line number of the next line; a new order is counted in `report`.
    fn place(
        &mut self,
        customer: Uuid,
        day: NaiveDate,
        document: String,
        report: &mut SalesImportReport,
    ) -> (Uuid, i64) {
        let (order_id, line_no) = match &self.current {
            Some((c, d, doc, id, n)) if *c == customer && *d == day && *doc == document => {
                (*id, n + 1)
            }
            _ => {
                report.orders += 1;
                (Uuid::now_v7(), 1)
            }
        };
        self.current = Some((customer, day, document, order_id, line_no));
        (order_id, line_no)
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
        let n = repo::undo_batch(conn, who.company, earlier, who.now).await?;
        replaced_lines = usize::try_from(n).unwrap_or(usize::MAX);
    }
    let mut rows = match Rows::open(bytes).await {
        Ok(r) => r,
        Err(p) => return Ok(SalesImportOutcome::File(p)),
    };
    let (header, number) = match Header::read(&mut rows) {
        Ok(h) => h,
        Err(p) => return Ok(SalesImportOutcome::File(p)),
    };
    let batch = Uuid::now_v7();
    repo::insert_batch(
        conn,
        who.company,
        batch,
        "import",
        who.file_name.as_deref(),
        who.by,
        who.now,
        Some(&fingerprint),
    )
    .await?;
    let file = Opened {
        rows,
        header,
        number,
    };
    write_lines(conn, who, &options, file, batch, replaced_lines).await
}

/// A file opened and its header read: the rows left, and the number of rows read.
struct Opened {
    rows: Rows,
    header: Header,
    number: usize,
}

/// Checks every row and, while none has a problem, writes the lines under `batch`.
///
/// Reading and writing overlap: a blocking thread reads, checks and matches the rows
/// (CPU work that must not stall the async workers) and hands them over a group at a
/// time, while this task stores the group before; at most one more group waits between
/// them. The writer going away (a database error) stops the reader at its next group.
async fn write_lines(
    conn: &mut DbConn,
    who: &ImportBy,
    options: &SalesImportOptions,
    file: Opened,
    batch: Uuid,
    replaced_lines: usize,
) -> Result<SalesImportOutcome, sqlx::Error> {
    let names = Names::load(conn, who.company).await?;
    // a large file: the rollup trigger stands aside, and when the file is larger than the
    // ledger its date index is built again once at the end
    let set_aside = repo::set_aside_for_load(conn, file.rows.count).await?;
    let size = if conn.is_sqlite() {
        CHUNK
    } else {
        repo::PG_LINES_PER_STATEMENT
    };
    let document_column = file.header.name_of("document_no");
    let create = options.create_products;
    let (send, mut chunks) = tokio::sync::mpsc::channel::<Chunk>(1);
    // the reader holds one of the server's file-reading turns until it ends (the whole
    // import; after a writer's error, until its next group): reading a file is its work
    let placed = if set_aside.as_ref().is_some_and(|a| a.date_index.is_some()) {
        repo::Placed::ByKey
    } else {
        repo::Placed::ByDate
    };
    let bulk = set_aside.as_ref().map(|_| Bulk {
        company: who.company,
        batch,
        placed,
    });
    let turn = crate::server::spreadsheet::parse_turn().await;
    let reader = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        read_rows(file, names, create, size, bulk, &send)
    });
    let mut written = Written {
        error_count: 0,
        errors: Vec::new(),
        placed,
    };
    while let Some(chunk) = chunks.recv().await {
        written
            .chunk(conn, who, batch, chunk, &document_column)
            .await?;
    }
    let (read, dates, sums) = match reader.await {
        Ok(Ok(read)) => read,
        Ok(Err(p)) => return Ok(SalesImportOutcome::File(p)),
        Err(e) => {
            tracing::error!(error = %e, "sales file reader failed");
            return Ok(SalesImportOutcome::File(FileProblem::Unreadable));
        }
    };
    let mut report = SalesImportReport {
        error_count: read.error_count + written.error_count,
        errors: read.errors.into_iter().chain(written.errors).collect(),
        replaced_lines,
        ..read
    };
    report.errors.sort_by_key(|e| e.row);
    report.errors.truncate(MAX_LISTED_ERRORS);
    report.committed = options.commit && report.error_count == 0;
    // only a commit needs them: a rollback brings back what was set aside itself
    if report.committed
        && let Some(set_aside) = &set_aside
    {
        repo::merge_monthly_sums(conn, who.company, &sums).await?;
        repo::restore_after_load(conn, set_aside).await?;
    }
    if report.error_count == 0 {
        repo::set_batch_count(
            conn,
            who.company,
            batch,
            i64::try_from(report.lines).unwrap_or(i64::MAX),
        )
        .await?;
    }
    report.first_date = dates.first.map(|d| d.format("%Y-%m-%d").to_string());
    report.last_date = dates.last.map(|d| d.format("%Y-%m-%d").to_string());
    Ok(SalesImportOutcome::Report(report))
}

/// The lines' monthly sums in key order (a bulk load's, merged once at its end).
type Sums = Vec<((Uuid, i32), repo::MonthSums)>;

/// The reader's side of an import (on a blocking thread): reads every row, checks it,
/// matches what it names and hands the writer a [`Chunk`] at a time. Stops early when the
/// writer has gone. Returns what it counted and, in a bulk load without a problem, the
/// lines' monthly sums; or the file's problem.
fn read_rows(
    file: Opened,
    mut names: Names,
    create_products: bool,
    size: usize,
    bulk: Option<Bulk>,
    send: &tokio::sync::mpsc::Sender<Chunk>,
) -> Result<(SalesImportReport, Dates, Sums), FileProblem> {
    let Opened {
        mut rows,
        header,
        mut number,
    } = file;
    let mut report = SalesImportReport::default();
    let mut orders = Orders::default();
    let mut dates = Dates::default();
    let mut sums = repo::MonthlySums::default();
    let mut chunk = Chunk {
        clean: true,
        ..Chunk::default()
    };
    while let Some(next) = rows.next() {
        if chunk.full(size) {
            let clean = report.error_count == 0;
            chunk.seal(bulk.as_ref());
            let mut full = std::mem::take(&mut chunk);
            // lines made ready leave their room to the next chunk's: a hundred thousand
            // lines' worth is not grown (and moved) again from nothing for each chunk
            if full.prepared.is_some() {
                chunk.lines = std::mem::take(&mut full.lines);
            }
            if send.blocking_send(full).is_err() {
                // the writer stopped (its error is the import's answer)
                break;
            }
            chunk.clean = clean;
        }
        number += 1;
        let r = next?;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        let mut errors: Vec<FieldError> = Vec::new();
        // problems in the order the columns are read: the line, its document, then
        // what it names
        let line = parse_row(&header, &r, &mut errors);
        let document = document_of(&header, &r, number, &mut chunk, &mut errors);
        let matched = line.and_then(|line| {
            names.resolve(line, create_products, &mut chunk, &mut report, &mut errors)
        });
        if !errors.is_empty() {
            refuse_row(&mut report, number, errors, |field| header.name_of(field));
            chunk.clean = false;
            continue;
        }
        let Some(Matched {
            line: l,
            customer,
            product,
            rep,
        }) = matched
        else {
            continue;
        };
        let (order_id, line_no) = orders.place(customer, l.order_date, document, &mut report);
        dates.include(l.order_date);
        report.lines += 1;
        report.amount = report.amount.saturating_add(l.amount.0);
        if report.error_count == 0 {
            let line = NewLine {
                order_id,
                line_no,
                order_date: l.order_date,
                customer_id: customer,
                product_id: product,
                rep_id: rep,
                quantity: l.quantity,
                amount: l.amount.0,
                cost: l.cost.0,
            };
            // a customer's month adding up past an integer's range (about 920 000 lines
            // of the largest amount) is refused, as SQLite refuses such a merge
            if bulk.is_some() && !sums.add(&line) {
                let errors = vec![FieldError::new("amount", FieldErrorCode::TooLarge)];
                refuse_row(&mut report, number, errors, |field| header.name_of(field));
                report.lines -= 1;
                report.amount = report.amount.saturating_sub(line.amount);
                chunk.lines.clear();
                chunk.clean = false;
                continue;
            }
            chunk.lines.push(line);
        } else {
            // an error earlier: nothing more is written, every row is still checked
            chunk.lines.clear();
        }
    }
    if report.rows == 0 {
        return Err(FileProblem::Empty);
    }
    if !chunk.is_empty() {
        chunk.seal(bulk.as_ref());
        // a writer that has gone has its own answer; this one is not needed then
        let _ = send.blocking_send(chunk);
    }
    let sums = if bulk.is_some() && report.error_count == 0 {
        sums.in_key_order()
    } else {
        Vec::new()
    };
    Ok((report, dates, sums))
}

/// The first and last order dates met.
#[derive(Default)]
struct Dates {
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
}

impl Dates {
    fn include(&mut self, d: NaiveDate) {
        self.first = Some(self.first.map_or(d, |f| f.min(d)));
        self.last = Some(self.last.map_or(d, |l| l.max(d)));
    }
}

/// Counts a row's problems and lists them (up to the listed maximum), each under the
/// column's name as the file writes it.
fn refuse_row(
    report: &mut SalesImportReport,
    row: usize,
    errors: Vec<FieldError>,
    column: impl Fn(&str) -> String,
) {
    report.error_count += errors.len();
    for e in errors {
        if report.errors.len() < MAX_LISTED_ERRORS {
            report.errors.push(RowError {
                row,
                column: column(&e.field),
                code: e.code,
            });
        }
    }
}
