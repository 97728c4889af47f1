//! A period's A/B/C classification and the transitions between two periods, printed
//! as tables.
use super::*;

pub(super) async fn segment(
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

pub(super) async fn transitions(
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
