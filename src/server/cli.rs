//! The command line of the `qudao` binary: serving and the operator's tasks.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::segmentation::Thresholds;
use crate::domain::staff::{EmployeeFields, EmployeeInput, check_password};
use crate::server::config::Config;
use crate::server::db::{self, UniqueKey as _, companies, employees};
use crate::server::{auth, seed};
use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "qudao", version, about = "Qudao (渠道) CRM server and tools")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create the demo company and its staff in an empty database.
    SeedDemo,
    /// Manage users (staff).
    #[command(subcommand)]
    User(UserCommand),
    /// Write a backup into the new folder FOLDER: a consistent copy of the database and
    /// the photo files it records (safe while serving).
    Backup { folder: PathBuf },
    /// Restore a backup folder into an empty data folder (the configured database must
    /// not exist yet, the photo folder must be empty), then apply pending migrations.
    Restore { folder: PathBuf },
    /// Print the app's page routes, one per line (`/customers/:id`): what the end-to-end
    /// crawl loads, so a new page is covered without a new test.
    Routes,
    /// Import data from a file (one transaction: all rows or none).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export data to a file or standard output.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Classify customers A/B/C over a period (SEGMENTATION.md) and print
    /// code,name,total,rank,cum_share,class in rank order.
    Segment {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day (included), YYYY-MM-DD.
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value = "sales")]
        by: MeasureArg,
        /// A threshold, percent of the positive grand total.
        #[arg(long, default_value = Thresholds::DEFAULT_A)]
        a: String,
        /// B threshold, percent.
        #[arg(long, default_value = Thresholds::DEFAULT_B)]
        b: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormat,
    },
    /// Compare the A/B/C classes of two periods (SEGMENTATION.md § Transitions) and
    /// print from_class,to_class,customers,total — with `new` (absent from the first)
    /// and `lost` (absent from the second); totals of the second period (of the first
    /// for `lost`).
    Transitions {
        /// First period, YYYY-MM-DD:YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Second period, YYYY-MM-DD:YYYY-MM-DD.
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value = "sales")]
        by: MeasureArg,
        #[arg(long, default_value = Thresholds::DEFAULT_A)]
        a: String,
        #[arg(long, default_value = Thresholds::DEFAULT_B)]
        b: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormat,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Customers from CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or .xlsx. Rows whose
    /// customer exists (same code, name + phone, or licence number) are skipped, or
    /// updated with --update. Exits non-zero, importing nothing, if any row is invalid.
    Customers {
        file: PathBuf,
        #[arg(long)]
        update: bool,
    },
    /// Sales lines from CSV (UTF-8, GBK/GB18030) or .xlsx: columns order_date,
    /// customer_code, product_sku, quantity, amount, cost [, product_name, rep_login]
    /// (or their Chinese names). Exits non-zero, importing nothing, if any row is invalid.
    Sales {
        file: PathBuf,
        /// Create products for unknown SKUs, named from the product_name column.
        #[arg(long)]
        create_products: bool,
        /// When this very file was imported before, take the earlier import's lines out
        /// and store this one instead (without it, the file is refused).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeasureArg {
    Sales,
    Profit,
    Quantity,
}

impl From<MeasureArg> for crate::domain::sales::Measure {
    fn from(m: MeasureArg) -> Self {
        match m {
            MeasureArg::Sales => crate::domain::sales::Measure::Sales,
            MeasureArg::Profit => crate::domain::sales::Measure::Profit,
            MeasureArg::Quantity => crate::domain::sales::Measure::Quantity,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// All customers, with canonical English column names (import reads them back).
    Customers {
        #[arg(long, value_enum, default_value = "csv")]
        format: FormatArg,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Column headers in Chinese (客户编码 …) instead of field keys.
        #[arg(long)]
        chinese_headers: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    Csv,
    Xlsx,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user. The password is asked for, or read from standard input with --password-stdin.
    Add {
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        territory: String,
        /// Create this company first if the database has none.
        #[arg(long)]
        company_name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RoleArg {
    Owner,
    Manager,
    Rep,
    Driver,
}

/// Entry point of the binary: parse, run, report errors plainly with a non-zero exit.
pub async fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let result = match Config::from_env() {
        Ok(config) => run(cli, config).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `qudao segment … | head`: the reader left; not an error worth a message
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let io = c.downcast_ref::<std::io::Error>().or_else(|| {
            c.downcast_ref::<csv::Error>().and_then(|e| match e.kind() {
                csv::ErrorKind::Io(io) => Some(io),
                _ => None,
            })
        });
        io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs one command with `config` (the binary reads it from the environment).
pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::server::serve(config).await,
        Command::Migrate => {
            let pool = db::connect(&config.database_url).await?;
            db::migrate(&pool).await?;
            println!("migrations applied to {}", config.database_url);
            Ok(())
        }
        Command::SeedDemo => {
            let pool = db::connect(&config.database_url).await?;
            db::migrate(&pool).await?;
            if !seed::is_empty(&pool).await? {
                bail!(
                    "the database already holds a company; the demo is only seeded into an empty database"
                );
            }
            seed::seed_demo(&pool).await?;
            println!(
                "demo company created: {} (password for all demo users: {})",
                seed::DEMO_COMPANY_NAME,
                seed::DEMO_PASSWORD
            );
            Ok(())
        }
        Command::Routes => {
            for path in crate::server::http::page_routes() {
                println!("{path}");
            }
            Ok(())
        }
        Command::Backup { folder } => {
            let pool = db::connect(&config.database_url).await?;
            let copied = crate::server::backup::backup(&pool, &config.photo_dir, &folder).await?;
            println!(
                "backup written to {}: the database and {} photos ({} bytes)",
                folder.display(),
                copied.photos,
                copied.bytes
            );
            for m in &copied.missing {
                eprintln!(
                    "warning: photo file missing in the live folder: {}",
                    m.display()
                );
            }
            Ok(())
        }
        Command::Restore { folder } => {
            let copied =
                crate::server::backup::restore(&folder, &config.database_url, &config.photo_dir)
                    .await?;
            println!(
                "restored {} into {} with {} photos in {}",
                folder.display(),
                config.database_url,
                copied.photos,
                config.photo_dir.display()
            );
            for m in &copied.missing {
                eprintln!("warning: photo file missing in the backup: {}", m.display());
            }
            Ok(())
        }
        Command::Import(ImportCommand::Customers { file, update }) => {
            import_customers(&config, &file, update).await
        }
        Command::Import(ImportCommand::Sales {
            file,
            create_products,
            replace,
        }) => import_sales(&config, &file, create_products, replace).await,
        Command::Segment {
            from,
            to,
            by,
            a,
            b,
            format,
        } => segment(&config, &from, &to, by, &a, &b, format).await,
        Command::Transitions {
            from,
            to,
            by,
            a,
            b,
            format,
        } => transitions(&config, &from, &to, by, &a, &b, format).await,
        Command::Export(ExportCommand::Customers {
            format,
            output,
            chinese_headers,
        }) => export_customers(&config, format, output, chinese_headers).await,
        Command::User(UserCommand::Add {
            role,
            login,
            name,
            phone,
            territory,
            company_name,
            password_stdin,
        }) => {
            let role = match role {
                RoleArg::Owner => "owner",
                RoleArg::Manager => "manager",
                RoleArg::Rep => "rep",
                RoleArg::Driver => "driver",
            };
            let fields = EmployeeFields::parse(&EmployeeInput {
                name,
                login,
                phone,
                role: role.into(),
                territory,
            })
            .map_err(|errs| {
                let list: Vec<String> = errs
                    .iter()
                    .map(|e| format!("{}: {:?}", e.field, e.code))
                    .collect();
                anyhow::anyhow!("invalid user: {}", list.join(", "))
            })?;
            let password = read_password(password_stdin)?;
            check_password(&password)
                .map_err(|c| anyhow::anyhow!("invalid password: {c:?} (at least 8 characters)"))?;
            let pool = db::connect(&config.database_url).await?;
            db::migrate(&pool).await?;
            let hash = tokio::task::spawn_blocking(move || auth::hash_password_blocking(&password))
                .await?
                .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
            let mut tx = crate::server::db::begin(&pool).await?;
            let company = match (companies::single(&mut tx).await?, company_name) {
                (Some((id, _)), _) => id,
                (None, Some(name)) if companies::count(&mut tx).await? == 0 => {
                    let id = CompanyId::new_random();
                    companies::insert(&mut tx, id, name.trim(), chrono::Utc::now()).await?;
                    id
                }
                (None, Some(_)) => {
                    bail!("the database holds several companies; this install serves one")
                }
                (None, None) => {
                    bail!("the database has no company yet: pass --company-name to create it")
                }
            };
            employees::insert(
                &mut tx,
                company,
                EmployeeId::new_random(),
                &fields,
                &hash,
                chrono::Utc::now(),
            )
            .await
            .unless_taken()
            .context("saving the user")?
            .ok_or_else(|| {
                anyhow::anyhow!("the login {:?} is already taken", fields.login.as_str())
            })?;
            tx.commit().await?;
            println!("user {} ({}) added", fields.login.as_str(), role);
            Ok(())
        }
    }
}

/// The one company of this install.
async fn the_company(pool: &sqlx::SqlitePool) -> anyhow::Result<CompanyId> {
    let mut conn = pool.acquire().await?;
    match companies::single(&mut conn).await? {
        Some((id, _)) => Ok(id),
        None => bail!(
            "the database has no company (or several); run `qudao user add --company-name …` first"
        ),
    }
}

/// Messages of the command line follow the system language: English when `LANG` says
/// so, Chinese (the product's default) otherwise.
fn cli_locale() -> crate::i18n::Locale {
    let lang = std::env::var("LC_ALL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("LANG").ok())
        .unwrap_or_default();
    if lang.starts_with("en") {
        crate::i18n::Locale::en
    } else {
        crate::i18n::Locale::zh_CN
    }
}

async fn import_customers(
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

async fn export_customers(
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
fn refused(
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

async fn import_sales(
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
    let mut tx = crate::server::db::begin(&pool).await?;
    // a bulk load touches rollup and index pages all over the file: give this one
    // connection a large page cache (1 GiB) rather than re-reading them
    sqlx::query("PRAGMA cache_size = -1048576")
        .execute(&mut *tx)
        .await?;
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

async fn segment(
    config: &Config,
    from: &str,
    to: &str,
    by: MeasureArg,
    a: &str,
    b: &str,
    format: TableFormat,
) -> anyhow::Result<()> {
    use crate::domain::sales::{Measure, Period};
    let locale = cli_locale();
    let explain = |errs: Vec<crate::domain::validation::FieldError>| {
        let list: Vec<String> = errs
            .iter()
            .map(|e| {
                format!(
                    "--{}: {}",
                    e.field,
                    crate::components::error_view::field_message_in(locale, e.code)
                )
            })
            .collect();
        anyhow::anyhow!("{}", list.join("; "))
    };
    let period = Period::parse(from, to).map_err(explain)?;
    let thresholds = Thresholds::parse(a, b).map_err(explain)?;
    let measure = Measure::from(by);
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let company = the_company(&pool).await?;
    let (search, sales) = (
        crate::server::search_index::SearchIndex::default(),
        crate::server::sales_index::SalesIndex::default(),
    );
    let src = crate::server::segmentation::classification::Sources {
        pool: &pool,
        search: &search,
        sales: &sales,
    };
    let c = crate::server::segmentation::classification::classify(
        src,
        company,
        db::customers::Scope::All,
        period,
        measure,
    )
    .await?;
    let rows = crate::server::segmentation::classification::table_rows(&c, measure, thresholds);
    let mut out = std::io::stdout().lock();
    match format {
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(["code", "name", "total", "rank", "cum_share", "class"])?;
            for r in &rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        TableFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|[code, name, total, rank, share, class]| {
                    serde_json::json!({
                        "code": code, "name": name, "total": total,
                        "rank": rank.parse::<u64>().unwrap_or_default(),
                        "cum_share": if share.is_empty() { serde_json::Value::Null } else { share.clone().into() },
                        "class": class,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)?;
            use std::io::Write as _;
            writeln!(out)?;
        }
    }
    if rows.is_empty() {
        eprintln!("no sales lines between {from} and {to}");
    }
    Ok(())
}

async fn transitions(
    config: &Config,
    from: &str,
    to: &str,
    by: MeasureArg,
    a: &str,
    b: &str,
    format: TableFormat,
) -> anyhow::Result<()> {
    use crate::domain::sales::{Measure, Period};
    use crate::domain::tier::{Dest, Origin};
    use crate::server::transitions::{Side, classes};
    let locale = cli_locale();
    let explain = |flag: &str, errs: Vec<crate::domain::validation::FieldError>| {
        let list: Vec<String> = errs
            .iter()
            .map(|e| {
                format!(
                    "--{flag}: {}",
                    crate::components::error_view::field_message_in(locale, e.code)
                )
            })
            .collect();
        anyhow::anyhow!("{}", list.join("; "))
    };
    let period = |flag: &str, raw: &str| -> anyhow::Result<Period> {
        let Some((x, y)) = raw.split_once(':') else {
            return Err(explain(
                flag,
                vec![crate::domain::validation::FieldError::new(
                    flag,
                    crate::domain::validation::FieldErrorCode::InvalidDate,
                )],
            ));
        };
        Period::parse(x, y).map_err(|e| explain(flag, e))
    };
    let first = period("from", from)?;
    let second = period("to", to)?;
    if first == second {
        bail!(
            "--to: {}",
            crate::components::error_view::field_message_in(
                locale,
                crate::domain::validation::FieldErrorCode::SameClassification
            )
        );
    }
    let thresholds = Thresholds::parse(a, b).map_err(|e| explain("a", e))?;
    let measure = Measure::from(by);
    let pool = db::connect(&config.database_url).await?;
    db::migrate(&pool).await?;
    let company = the_company(&pool).await?;
    let search = crate::server::search_index::SearchIndex::default();
    let sales = crate::server::sales_index::SalesIndex::default();
    let src = crate::server::segmentation::classification::Sources {
        pool: &pool,
        search: &search,
        sales: &sales,
    };
    let mut sides = Vec::new();
    for (flag, p) in [("from", first), ("to", second)] {
        let c = classes(
            src,
            company,
            db::customers::Scope::All,
            Side::Period(p),
            measure,
            thresholds,
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("no classification"))?;
        if c.rows.is_empty() {
            bail!(
                "--{flag}: {}",
                crate::components::error_view::field_message_in(
                    locale,
                    crate::domain::validation::FieldErrorCode::NoSalesInPeriod
                )
            );
        }
        sides.push(c);
    }
    let (matrix, _) = crate::domain::tier::transitions(&sides[0].rows, &sides[1].rows);
    let rows: Vec<(Origin, Dest)> = Origin::ALL
        .iter()
        .flat_map(|&f| Dest::ALL.iter().map(move |&t| (f, t)))
        .filter(|&(f, t)| !(f == Origin::New && t == Dest::Lost))
        .collect();
    let mut out = std::io::stdout().lock();
    match format {
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(["from_class", "to_class", "customers", "total"])?;
            for (f, t) in rows {
                let c = matrix.cell(f, t);
                w.write_record([
                    f.as_str().to_owned(),
                    t.as_str().to_owned(),
                    c.customers.to_string(),
                    measure.format(c.total),
                ])?;
            }
            w.flush()?;
        }
        TableFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .into_iter()
                .map(|(f, t)| {
                    let c = matrix.cell(f, t);
                    serde_json::json!({
                        "from_class": f.as_str(), "to_class": t.as_str(),
                        "customers": c.customers, "total": measure.format(c.total),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list)?;
            use std::io::Write as _;
            writeln!(out)?;
        }
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password: ").context("reading the password")?;
    let second = rpassword::prompt_password("Repeat password: ").context("reading the password")?;
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(first)
}
