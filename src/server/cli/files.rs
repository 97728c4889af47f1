//! Importing and exporting files from the command line: customers and sales.
use super::*;

pub(super) async fn import_customers(
    config: &Config,
    file: &std::path::Path,
    update: bool,
) -> anyhow::Result<()> {
    use crate::features::customers::transfer::{
        ImportOptions, ImportOutcome, OnDuplicate, problem_message,
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let company = the_company(&pool).await?;
    let author = crate::server::customers::writes::Author {
        company,
        by: None,
        scope: db::customers::Scope::All,
        source: "import",
        now: chrono::Utc::now(),
    };
    let options = ImportOptions {
        on_duplicate: if update {
            OnDuplicate::Update
        } else {
            OnDuplicate::Skip
        },
        mapping: Vec::new(),
        commit: true,
    };
    let locale = cli_locale();
    let started = std::time::Instant::now();
    let report =
        match crate::server::transfer::import(&pool, author, bytes.into(), &options).await? {
            ImportOutcome::File(p) => bail!("{}: {}", file.display(), problem_message(locale, &p)),
            ImportOutcome::Report(r) => r,
        };
    if !report.committed {
        return Err(refused(
            file,
            locale,
            &report.errors,
            report.error_count,
            report.rows,
        ));
    }
    if report.defaulted_terminal_type > 0 {
        eprintln!(
            "{}",
            crate::i18n::td_string!(
                locale,
                import.defaulted_terminal_type,
                count = report.defaulted_terminal_type
            )
        );
    }
    println!(
        "{} rows: {} created, {} updated, {} skipped ({} already stored) in {:.2} s",
        report.rows,
        report.created,
        report.updated,
        report.skipped,
        report.duplicates.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub(super) async fn export_customers(
    config: &Config,
    format: FormatArg,
    output: Option<PathBuf>,
    chinese: bool,
) -> anyhow::Result<()> {
    use crate::server::db::customers::{ListFilter, Scope, SortKey};
    use crate::server::transfer;
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let company = the_company(&pool).await?;
    let mut conn = pool.acquire().await?;
    let rows = transfer::export_rows(
        &mut conn,
        company,
        Scope::All,
        &ListFilter::default(),
        SortKey::Code,
        false,
    )
    .await?;
    let headers = transfer::export_headers(chinese, true);
    let bytes = match format {
        FormatArg::Csv => transfer::to_csv(&headers, &rows)?,
        FormatArg::Xlsx => transfer::to_xlsx(&headers, &rows)?,
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("{} customers written to {}", rows.len(), path.display());
        }
        None => {
            use std::io::Write as _;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

/// Prints each refused cell as `file:row: column: message` and says nothing was imported.
pub(super) fn refused(
    file: &std::path::Path,
    locale: crate::i18n::Locale,
    errors: &[crate::features::customers::transfer::RowError],
    count: usize,
    rows: usize,
) -> anyhow::Error {
    for e in errors {
        eprintln!(
            "{}:{}: {}: {}",
            file.display(),
            e.row,
            e.column,
            crate::components::error_view::field_message_in(locale, e.code)
        );
    }
    anyhow::anyhow!("{count} errors in {rows} rows; nothing was imported")
}

pub(super) async fn import_sales(
    config: &Config,
    file: &std::path::Path,
    create_products: bool,
    replace: bool,
) -> anyhow::Result<()> {
    use crate::features::sales::transfer::{
        SalesImportOptions, SalesImportOutcome, already_imported_message, sales_problem_message,
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let company = the_company(&pool).await?;
    let locale = cli_locale();
    let started = std::time::Instant::now();
    let who = crate::server::sales::ledger::ImportBy {
        company,
        by: None,
        now: chrono::Utc::now(),
        file_name: file.file_name().map(|n| n.to_string_lossy().into_owned()),
    };
    // the command line loads files of any size, alone: a page cache of 1 GiB
    let mut tx = pool.begin_bulk(1024).await?;
    let options = SalesImportOptions {
        create_products,
        commit: true,
        replace,
    };
    let report =
        match crate::server::sales::ledger::import(&mut tx, &who, bytes.into(), options).await? {
            SalesImportOutcome::File(p) => {
                bail!("{}: {}", file.display(), sales_problem_message(locale, &p))
            }
            SalesImportOutcome::AlreadyImported(e) => {
                bail!(
                    "{}: {} (--replace)",
                    file.display(),
                    already_imported_message(locale, &e)
                )
            }
            SalesImportOutcome::Report(r) => r,
        };
    if !report.committed {
        return Err(refused(
            file,
            locale,
            &report.errors,
            report.error_count,
            report.rows,
        ));
    }
    tx.commit().await?;
    pool.refresh_statistics(&db::sales::IMPORT_TABLES).await;
    println!(
        "{} lines in {} orders imported ({} to {}), {} products created, in {:.2} s",
        report.lines,
        report.orders,
        report.first_date.unwrap_or_default(),
        report.last_date.unwrap_or_default(),
        report.products_created,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
