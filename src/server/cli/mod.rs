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

mod admin;
mod files;
mod tables;

use files::{export_customers, import_customers, import_sales};
use tables::{segment, transitions};

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
    /// Write a backup into the new folder FOLDER: a consistent copy of the database (on
    /// PostgreSQL by pg_dump) and the photo files it records (safe while serving).
    Backup { folder: PathBuf },
    /// Restore a backup folder into an empty data folder (the configured database must
    /// not exist yet or, on PostgreSQL, hold no table, view or sequence of its own; the
    /// photos must be empty), then apply pending migrations.
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
        #[command(flatten)]
        how: Classing,
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
        #[command(flatten)]
        how: Classing,
    },
}

/// How `segment` and `transitions` classify, and how they print the table.
#[derive(clap::Args, Debug)]
pub struct Classing {
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
            crate::server::orders::backfill(&pool)
                .await
                .context("giving older confirmed orders their delivery tickets")?;
            println!(
                "migrations applied to {}",
                db::shown_url(&config.database_url)
            );
            Ok(())
        }
        Command::SeedDemo => admin::seed_demo(&config).await,
        Command::Routes => {
            for path in crate::server::http::page_routes() {
                println!("{path}");
            }
            Ok(())
        }
        Command::Backup { folder } => admin::backup(&config, &folder).await,
        Command::Restore { folder } => admin::restore(&config, &folder).await,
        Command::Import(ImportCommand::Customers { file, update }) => {
            import_customers(&config, &file, update).await
        }
        Command::Import(ImportCommand::Sales {
            file,
            create_products,
            replace,
        }) => import_sales(&config, &file, create_products, replace).await,
        Command::Segment { from, to, how } => segment(&config, &from, &to, how).await,
        Command::Transitions { from, to, how } => transitions(&config, &from, &to, how).await,
        Command::Export(ExportCommand::Customers {
            format,
            output,
            chinese_headers,
        }) => export_customers(&config, format, output, chinese_headers).await,
        Command::User(command) => admin::add_user(&config, command).await,
    }
}

/// The one company of this install.
async fn the_company(pool: &crate::server::db::Pool) -> anyhow::Result<CompanyId> {
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
