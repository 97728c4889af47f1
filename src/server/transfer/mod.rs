//! Reading customer files (CSV in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030 as Yonyou
//! and Kingdee export them; `.xlsx`), running an import (planned
//! outside the write lock, written in one short transaction), and writing
//! exports (CSV with BOM so Excel opens it as UTF-8, `.xlsx`). Used by the HTTP handlers
//! and the command line alike.
use crate::domain::customer::CustomerKind;
use crate::domain::ids::CompanyId;
use crate::domain::profile::{self, CustomerDraft, FIELDS, Values};
use crate::domain::validation::{FieldError, FieldErrorCode, rounded_by_spreadsheet, rounded_from};
use crate::features::customers::transfer::*;
use crate::server::customers::writes::{self as svc, Author, Directory};
use crate::server::db::customers::{
    self as repo, CustomerRecord, ListFilter, RefRow, Scope, SortKey,
};
use crate::server::db::{DbConn, UniqueKey as _};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

pub use super::spreadsheet::{Table, decode, read_table};

mod export;

pub(crate) use export::unguard;
pub use export::{
    ExportJob, export_file, export_headers, export_rows, table_csv, table_xlsx, to_csv, to_xlsx,
};

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

/// The rows of an import file, in the order they are imported (sub-distributors first,
/// so terminals can name a parent defined further down), each checked on its own.
struct FileRows {
    options: ImportOptions,
    cols: Vec<ColumnInfo>,
    header_at: usize,
    rows: Vec<Row>,
}

struct Row {
    number: usize,
    /// The file's non-empty cells, by field.
    values: Values,
    /// The row as a new customer would be (a terminal without a 业态 as 其他), or why not.
    draft: Result<CustomerDraft, Vec<FieldError>>,
    /// A terminal without a 业态: recorded as 其他 if it is created.
    untyped_terminal: bool,
}

/// Reads the rows of `table` under `options` (no database: runs on a blocking thread).
fn file_rows(table: &Table, options: ImportOptions) -> Result<FileRows, FileProblem> {
    let (header_at, cols) = columns(table, &options.mapping)?;
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
        if rows.len() == MAX_IMPORT_ROWS {
            return Err(FileProblem::TooManyRows(MAX_IMPORT_ROWS));
        }
        let kind = values.get("kind").and_then(|k| CustomerKind::parse(k).ok());
        // a terminal without a 业态 is recorded as 其他 when it is created (an update
        // keeps the type stored); the report counts them
        let untyped_terminal =
            !values.contains_key("terminal_type") && kind == Some(CustomerKind::Terminal);
        let parsed = if untyped_terminal {
            let mut typed = values.clone();
            typed.insert("terminal_type".to_owned(), "other".to_owned());
            CustomerDraft::parse(&typed)
        } else {
            CustomerDraft::parse(&values)
        };
        // an identifier a spreadsheet rounded is refused for that field, never believed
        let rounded: Vec<FieldError> = profile::IDENTIFIER_FIELDS
            .iter()
            .filter(|k| values.get(**k).is_some_and(|v| rounded_by_spreadsheet(v)))
            .map(|k| FieldError::new(k, FieldErrorCode::RoundedNumber))
            .collect();
        let draft = match (parsed, rounded.is_empty()) {
            (parsed, true) => parsed,
            (Ok(_), false) => Err(rounded),
            (Err(others), false) => Err(rounded
                .iter()
                .cloned()
                .chain(
                    others
                        .into_iter()
                        .filter(|e| !rounded.iter().any(|r| r.field == e.field)),
                )
                .collect()),
        };
        rows.push(Row {
            number: i + 1,
            values,
            draft,
            untyped_terminal,
        });
    }
    if rows.is_empty() {
        return Err(FileProblem::Empty);
    }
    rows.sort_by_key(|r| {
        let kind = r
            .values
            .get("kind")
            .and_then(|k| CustomerKind::parse(k).ok());
        u8::from(kind != Some(CustomerKind::SubDistributor))
    });
    Ok(FileRows {
        options,
        cols,
        header_at,
        rows,
    })
}

/// The existing customer a draft is the same as: by code, else a twin (same licence
/// number, or same name and phone), with the reason.
fn existing_for<'d>(
    dir: &'d Directory,
    draft: &CustomerDraft,
) -> Option<(&'d RefRow, &'static str)> {
    match dir.by_code(draft.code()) {
        Some(r) => Some((r, "code")),
        None => dir.twin_of(draft).map(|r| {
            let same_licence = draft.get("licence_no").is_some()
                && r.licence_no.as_deref() == draft.get("licence_no");
            (
                r,
                if same_licence {
                    "licence"
                } else {
                    "name_phone"
                },
            )
        }),
    }
}

/// What an import reads from the database: the company's references, and the stored
/// profiles of the customers the file updates. Read in one snapshot.
struct Snapshot {
    dir: Directory,
    current: HashMap<Uuid, CustomerRecord>,
}

impl Snapshot {
    async fn read(
        conn: &mut DbConn,
        company: CompanyId,
        file: &FileRows,
    ) -> Result<Snapshot, sqlx::Error> {
        let dir = Directory::whole_company(conn, company).await?;
        let mut ids = Vec::new();
        if file.options.on_duplicate == OnDuplicate::Update {
            for row in &file.rows {
                if let Ok(draft) = &row.draft
                    && let Some((r, _)) = existing_for(&dir, draft)
                {
                    ids.push(r.id);
                }
            }
            ids.sort_unstable();
            ids.dedup();
        }
        let current = repo::get_many(conn, company, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        Ok(Snapshot { dir, current })
    }
}

/// A customer as the plan goes: as stored, or as an earlier row of the file leaves it.
#[derive(Clone)]
struct Planned {
    version: i64,
    values: Values,
    parent_id: Option<Uuid>,
    tier_a: bool,
}

struct Update {
    id: Uuid,
    expected_version: i64,
    row: svc::Prepared,
    changes: Vec<profile::FieldChange>,
}

/// Everything an import writes, and its report.
struct Plan {
    report: ImportReport,
    creates: Vec<(Uuid, svc::Prepared)>,
    updates: Vec<Update>,
}

/// Checks, resolves and prepares every row against `snapshot` (no database: runs on a
/// blocking thread). Later rows see what earlier rows of the file will write.
fn plan(file: &FileRows, snapshot: Snapshot, author: Author) -> Plan {
    let mut p = Planner {
        file,
        author,
        dir: snapshot.dir,
        current: snapshot.current,
        planned: HashMap::new(),
        plan: Plan {
            report: ImportReport {
                columns: file.cols.clone(),
                skipped_title_rows: file.header_at,
                rows: file.rows.len(),
                ..ImportReport::default()
            },
            creates: Vec::new(),
            updates: Vec::new(),
        },
    };
    let mut codes_in_file: HashMap<&str, usize> = HashMap::new();
    for row in &file.rows {
        let draft = match &row.draft {
            Ok(d) => d,
            Err(errors) => {
                p.refuse(row.number, errors);
                continue;
            }
        };
        let code = draft.code();
        if codes_in_file.insert(code, row.number).is_some() {
            p.refuse_code(row.number);
            continue;
        }
        match existing_for(&p.dir, draft).map(|(r, why)| (r.id, r.code.clone(), why)) {
            None => p.create(row, draft),
            Some((id, existing_code, reason)) => {
                p.plan.report.duplicates.push(DuplicateRow {
                    row: row.number,
                    code: code.to_owned(),
                    name: draft.get("name").unwrap_or_default().to_owned(),
                    existing_code: existing_code.clone(),
                    reason: reason.to_owned(),
                });
                if file.options.on_duplicate == OnDuplicate::Skip {
                    p.plan.report.skipped += 1;
                } else {
                    p.update(row, id, existing_code);
                }
            }
        }
    }
    let report = &mut p.plan.report;
    report.errors.sort_by_key(|e| e.row);
    report.duplicates.sort_by_key(|d| d.row);
    report.committed = file.options.commit && report.error_count == 0;
    p.plan
}

/// The state of [`plan`] as it goes down the file.
struct Planner<'a> {
    file: &'a FileRows,
    author: Author,
    /// The company's references, with the rows planned so far added.
    dir: Directory,
    /// The stored profiles of the customers the file updates.
    current: HashMap<Uuid, CustomerRecord>,
    /// Customers as earlier rows of the file leave them.
    planned: HashMap<Uuid, Planned>,
    plan: Plan,
}

impl Planner<'_> {
    /// Counts an error of `row` in `field`, listing it while the list is short.
    fn refuse_field(&mut self, row: usize, field: &str, code: FieldErrorCode) {
        let report = &mut self.plan.report;
        report.error_count += 1;
        if report.errors.len() < MAX_LISTED_ERRORS {
            let column = self
                .file
                .cols
                .iter()
                .find(|c| c.field.as_deref() == Some(field))
                .map_or_else(|| field.to_owned(), |c| c.header.clone());
            report.errors.push(RowError { row, column, code });
        }
    }

    fn refuse(&mut self, row: usize, errors: &[FieldError]) {
        for e in errors {
            self.refuse_field(row, &e.field, e.code);
        }
    }

    fn refuse_code(&mut self, row: usize) {
        self.refuse_field(row, "code", FieldErrorCode::DuplicateCode);
    }

    /// A row for a customer the company does not have yet.
    fn create(&mut self, row: &Row, draft: &CustomerDraft) {
        let id = Uuid::now_v7();
        match svc::prepare(&self.dir, id, draft, self.author.scope, None, false) {
            Ok(p) => {
                self.dir.add(p.ref_row(id));
                let state = Planned {
                    version: 1,
                    values: p.values.clone(),
                    parent_id: p.parent,
                    tier_a: false,
                };
                self.planned.insert(id, state);
                self.plan.creates.push((id, p));
                self.plan.report.created += 1;
                if row.untyped_terminal {
                    self.plan.report.defaulted_terminal_type += 1;
                }
            }
            Err(errors) => self.refuse(row.number, &errors),
        }
    }

    /// The customer `id` as the rows so far leave it, or as stored.
    fn before(&self, id: Uuid) -> Option<Planned> {
        if let Some(p) = self.planned.get(&id) {
            return Some(p.clone());
        }
        self.current.get(&id).map(|r| Planned {
            version: r.version,
            values: r.values.clone(),
            parent_id: r.parent_id,
            tier_a: r.tier == Some(crate::domain::segmentation::Class::A),
        })
    }

    /// A row for customer `id`, already there: its non-empty cells over the profile.
    fn update(&mut self, row: &Row, id: Uuid, existing_code: String) {
        let Some(before) = self.before(id) else {
            self.refuse_code(row.number);
            return;
        };
        // a long number the spreadsheet saved with zeros past its 15th digit
        let rounded: Vec<FieldError> = profile::IDENTIFIER_FIELDS
            .iter()
            .filter(|k| {
                matches!(
                    (before.values.get(**k), row.values.get(**k)),
                    (Some(stored), Some(incoming)) if rounded_from(stored, incoming)
                )
            })
            .map(|k| FieldError::new(k, FieldErrorCode::RoundedNumber))
            .collect();
        if !rounded.is_empty() {
            self.refuse(row.number, &rounded);
            return;
        }
        // the file's non-empty cells over the stored profile, keeping its code
        let mut after = before.values.clone();
        for (k, v) in &row.values {
            after.insert(k.clone(), v.clone());
        }
        after.insert("code".into(), existing_code);
        let merged = match CustomerDraft::parse(&after) {
            Ok(d) => d,
            Err(errors) => return self.refuse(row.number, &errors),
        };
        let changes = profile::diff(&before.values, merged.values());
        if changes.is_empty() {
            self.plan.report.skipped += 1;
            return;
        }
        let scope = self.author.scope;
        match svc::prepare(
            &self.dir,
            id,
            &merged,
            scope,
            before.parent_id,
            before.tier_a,
        ) {
            Ok(p) => {
                self.dir.add(p.ref_row(id));
                let state = Planned {
                    version: before.version + 1,
                    values: p.values.clone(),
                    parent_id: p.parent,
                    tier_a: before.tier_a,
                };
                self.planned.insert(id, state);
                self.plan.updates.push(Update {
                    id,
                    expected_version: before.version,
                    row: p,
                    changes,
                });
                self.plan.report.updated += 1;
            }
            Err(errors) => self.refuse(row.number, &errors),
        }
    }
}

impl Plan {
    /// Writes the plan. `false`: a customer it reads changed meanwhile (the caller rolls
    /// back, and nothing of it stays).
    async fn write(&self, conn: &mut DbConn, author: Author) -> Result<bool, sqlx::Error> {
        let rows: Vec<_> = self
            .creates
            .iter()
            .map(|(id, p)| (*id, p.write()))
            .collect();
        let inserted = repo::insert_many(conn, author.company, &rows, author.now).await;
        if inserted.unless_taken()?.is_none() {
            return Ok(false);
        }
        for u in &self.updates {
            let w = u.row.write();
            let updated = repo::update(
                conn,
                author.company,
                Scope::All,
                u.id,
                u.expected_version,
                &w,
                author.now,
            )
            .await?;
            if !updated {
                return Ok(false);
            }
        }
        let mut changes: Vec<repo::Change<'_>> = self
            .creates
            .iter()
            .map(|(id, _)| repo::Change {
                customer: *id,
                version: 1,
                field: "",
                old: None,
                new: None,
            })
            .collect();
        for u in &self.updates {
            changes.extend(u.changes.iter().map(|c| repo::Change {
                customer: u.id,
                version: u.expected_version + 1,
                field: &c.field,
                old: c.old.as_deref(),
                new: c.new.as_deref(),
            }));
        }
        repo::record_changes(
            conn,
            author.company,
            &changes,
            author.by,
            author.source,
            author.now,
        )
        .await?;
        Ok(true)
    }
}

/// What a plan was made from, besides the customers' rows: the company's customer
/// revision (moved by triggers on every insert, update or delete of a customer, tier and
/// completeness included) and the employees customers may be given to (an employee
/// deactivated or made a driver meanwhile must not get them).
#[derive(Debug, PartialEq, Eq)]
struct Mark {
    revision: i64,
    reps: Vec<(String, Uuid)>,
}

impl Mark {
    async fn read(conn: &mut DbConn, company: CompanyId) -> Result<Mark, sqlx::Error> {
        let mut reps = repo::active_logins(conn, company).await?;
        reps.sort_unstable();
        Ok(Mark {
            revision: repo::revision(conn, company).await?,
            reps,
        })
    }
}

/// How many times an import plans again when customers changed between its snapshot
/// and its write lock; the last time it plans under the lock.
const PLAN_ATTEMPTS: usize = 3;

/// A task on a blocking thread that ended in a panic: logged, and an error (the request
/// answers 500; the process stays up).
fn joined<T>(r: Result<T, tokio::task::JoinError>) -> Result<T, sqlx::Error> {
    r.map_err(|e| {
        tracing::error!(error = %e, "an import task failed");
        sqlx::Error::WorkerCrashed
    })
}

/// Runs an import of `bytes` as `author` (whose scope must be `All`). The file is read,
/// and every row checked, resolved and prepared from one read snapshot, without the
/// write lock (most of the work); then, if the report says `committed`, one short
/// transaction writes it all. If a customer was saved between the snapshot and the
/// write lock, it plans again; the last attempt plans under the lock, so it always ends.
pub async fn import(
    pool: &crate::server::db::Pool,
    author: Author,
    bytes: axum::body::Bytes,
    options: &ImportOptions,
) -> Result<ImportOutcome, sqlx::Error> {
    let table = match super::spreadsheet::read_table_off_thread(bytes).await {
        Ok(t) => t,
        Err(p) => return Ok(ImportOutcome::File(p)),
    };
    let options = options.clone();
    let read = tokio::task::spawn_blocking(move || file_rows(&table, options)).await;
    let file = match joined(read)? {
        Ok(f) => Arc::new(f),
        Err(p) => return Ok(ImportOutcome::File(p)),
    };
    let started = std::time::Instant::now();
    for attempt in 1..=PLAN_ATTEMPTS {
        let last = attempt == PLAN_ATTEMPTS;
        // the snapshot: a read transaction, ended before planning (the last attempt: the
        // write transaction, kept)
        let mut held = None;
        let (snapshot, mark) = {
            let mut tx = if last {
                pool.begin().await?
            } else {
                pool.begin_read().await?
            };
            let snapshot = Snapshot::read(&mut tx, author.company, &file).await?;
            let mark = Mark::read(&mut tx, author.company).await?;
            if last {
                held = Some(tx);
            } else {
                tx.rollback().await?;
            }
            (snapshot, mark)
        };
        let planning = {
            let file = file.clone();
            tokio::task::spawn_blocking(move || plan(&file, snapshot, author)).await
        };
        let plan = joined(planning)?;
        tracing::debug!(
            attempt,
            ms = started.elapsed().as_millis() as u64,
            "import planned"
        );
        if !plan.report.committed {
            // a preview, or errors: nothing is written
            if let Some(tx) = held {
                tx.rollback().await?;
            }
            return Ok(ImportOutcome::Report(plan.report));
        }
        let mut tx = match held {
            Some(tx) => tx,
            None => pool.begin().await?,
        };
        let locked = std::time::Instant::now();
        if Mark::read(&mut tx, author.company).await? == mark && plan.write(&mut tx, author).await?
        {
            tx.commit().await?;
            tracing::info!(
                rows = plan.report.rows,
                total_ms = started.elapsed().as_millis() as u64,
                write_lock_ms = locked.elapsed().as_millis() as u64,
                "customer import written"
            );
            return Ok(ImportOutcome::Report(plan.report));
        }
        tx.rollback().await?;
        tracing::info!(
            attempt,
            "customers changed while an import was planned; planning again"
        );
    }
    Err(sqlx::Error::Protocol(
        "an import planned under the write lock still conflicted".into(),
    ))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::export::guard;
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

    proptest::proptest! {
        /// The sales import reads a file as it streams (`decode_shared`): the same text
        /// as every other import reads (`decode`), whatever the bytes; a UTF-8 file is
        /// read in place (its own bytes, not a copy of half a gigabyte).
        #[test]
        fn a_file_read_in_place_reads_as_when_copied(
            mark in proptest::sample::select(vec![
                &b""[..], b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"\xEF\xBB",
            ]),
            text in "[a-z0-9,\r\n重庆百货二批]{0,40}",
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..6),
            gbk in proptest::bool::ANY,
        ) {
            let mut bytes = mark.to_vec();
            if gbk {
                bytes.extend_from_slice(&encoding_rs::GBK.encode(&text).0);
            } else {
                bytes.extend_from_slice(text.as_bytes());
            }
            bytes.extend_from_slice(&noise);
            let shared = axum::body::Bytes::from(bytes.clone());
            let streamed = crate::server::spreadsheet::decode_shared(shared.clone());
            proptest::prop_assert_eq!(
                streamed.clone().map(|b| b.to_vec()),
                decode(&bytes).map(String::into_bytes)
            );
            if let Ok(read) = streamed
                && std::str::from_utf8(&bytes).is_ok()
            {
                let whole = shared.as_ptr_range();
                proptest::prop_assert!(whole.contains(&read.as_ptr()) || read.is_empty());
            }
        }
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
