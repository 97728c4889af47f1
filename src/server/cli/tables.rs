//! A period's A/B/C classification and the transitions between two periods, printed
//! as tables.
use super::*;
use crate::components::error_view::field_message_in;
use crate::domain::sales::{Measure, Period};
use crate::domain::validation::{FieldError, FieldErrorCode};
use crate::server::sales_index::SalesIndex;
use crate::server::search_index::SearchIndex;
use crate::server::segmentation::classification::{self, Sources};
use serde_json::{Value, json};

/// Field errors as one line, each after the flag it is about (`--a: …; --b: …`).
fn explain(errors: &[FieldError], flag: impl Fn(&FieldError) -> String) -> anyhow::Error {
    let locale = cli_locale();
    let list: Vec<String> = errors
        .iter()
        .map(|e| format!("--{}: {}", flag(e), field_message_in(locale, e.code)))
        .collect();
    anyhow::anyhow!("{}", list.join("; "))
}

/// The database of this install and the (empty) caches a classification reads through.
struct Source {
    pool: crate::server::db::Pool,
    company: CompanyId,
    search: SearchIndex,
    sales: SalesIndex,
}

impl Source {
    async fn open(config: &Config) -> anyhow::Result<Source> {
        let pool = db::connect(&config.database_url).await?;
        db::migrate(&pool).await?;
        let company = the_company(&pool).await?;
        Ok(Source {
            pool,
            company,
            search: SearchIndex::default(),
            sales: SalesIndex::default(),
        })
    }

    fn sources(&self) -> Sources<'_> {
        Sources {
            pool: &self.pool,
            search: &self.search,
            sales: &self.sales,
        }
    }
}

/// Prints `rows` under `header` as CSV, or as a JSON list of `json(row)`.
fn print_table<const N: usize>(
    format: TableFormat,
    header: [&str; N],
    rows: &[[String; N]],
    json: impl Fn(&[String; N]) -> Value,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match format {
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(header)?;
            for r in rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        TableFormat::Json => {
            let list: Vec<Value> = rows.iter().map(json).collect();
            serde_json::to_writer_pretty(&mut out, &list)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

pub(super) async fn segment(
    config: &Config,
    from: &str,
    to: &str,
    how: Classing,
) -> anyhow::Result<()> {
    let by_field = |e: &FieldError| e.field.clone();
    let period = Period::parse(from, to).map_err(|e| explain(&e, by_field))?;
    let thresholds = Thresholds::parse(&how.a, &how.b).map_err(|e| explain(&e, by_field))?;
    let measure = Measure::from(how.by);
    let source = Source::open(config).await?;
    let c = classification::classify(
        source.sources(),
        source.company,
        db::customers::Scope::All,
        period,
        measure,
    )
    .await?;
    let rows = classification::table_rows(&c, measure, thresholds);
    let header = ["code", "name", "total", "rank", "cum_share", "class"];
    print_table(
        how.format,
        header,
        &rows,
        |[code, name, total, rank, share, class]| {
            json!({
                "code": code, "name": name, "total": total,
                "rank": rank.parse::<u64>().unwrap_or_default(),
                "cum_share": if share.is_empty() { Value::Null } else { share.clone().into() },
                "class": class,
            })
        },
    )?;
    if rows.is_empty() {
        eprintln!("no sales lines between {from} and {to}");
    }
    Ok(())
}

/// `raw` as a period `YYYY-MM-DD:YYYY-MM-DD`, its errors told under `--{flag}`.
fn period_arg(flag: &str, raw: &str) -> anyhow::Result<Period> {
    let Some((x, y)) = raw.split_once(':') else {
        let e = FieldError::new(flag, FieldErrorCode::InvalidDate);
        return Err(explain(&[e], |_| flag.to_owned()));
    };
    Period::parse(x, y).map_err(|e| explain(&e, |_| flag.to_owned()))
}

pub(super) async fn transitions(
    config: &Config,
    from: &str,
    to: &str,
    how: Classing,
) -> anyhow::Result<()> {
    use crate::domain::tier::{Dest, Origin};
    use crate::server::transitions::{Side, classes};
    let locale = cli_locale();
    let first = period_arg("from", from)?;
    let second = period_arg("to", to)?;
    if first == second {
        bail!(
            "--to: {}",
            field_message_in(locale, FieldErrorCode::SameClassification)
        );
    }
    let thresholds = Thresholds::parse(&how.a, &how.b).map_err(|e| explain(&e, |_| "a".into()))?;
    let measure = Measure::from(how.by);
    let source = Source::open(config).await?;
    let mut sides = Vec::new();
    for (flag, p) in [("from", first), ("to", second)] {
        let c = classes(
            source.sources(),
            source.company,
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
                field_message_in(locale, FieldErrorCode::NoSalesInPeriod)
            );
        }
        sides.push(c);
    }
    let (matrix, _) = crate::domain::tier::transitions(&sides[0].rows, &sides[1].rows);
    let rows: Vec<[String; 4]> = Origin::ALL
        .iter()
        .flat_map(|&f| Dest::ALL.iter().map(move |&t| (f, t)))
        .filter(|&(f, t)| !(f == Origin::New && t == Dest::Lost))
        .map(|(f, t)| {
            let c = matrix.cell(f, t);
            [
                f.as_str().to_owned(),
                t.as_str().to_owned(),
                c.customers.to_string(),
                measure.format(c.total),
            ]
        })
        .collect();
    let header = ["from_class", "to_class", "customers", "total"];
    print_table(how.format, header, &rows, |[from, to, customers, total]| {
        json!({
            "from_class": from, "to_class": to,
            "customers": customers.parse::<i64>().unwrap_or_default(), "total": total,
        })
    })
}
