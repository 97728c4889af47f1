//! Acceptance on a public retail sample: CDNOW's CD purchases (23 570 customers, 69 659
//! lines, 1997-01 to 1998-06, as the PyPI package Lifetimes ships them; `tools/setup.sh
//! samples` takes the file and `make test` names it in `QUDAO_SAMPLE_CDNOW`). The file is
//! imported the way an operator would, through the command line, into SQLite and (when the
//! suite runs with a PostgreSQL cluster) into PostgreSQL; `qudao segment` must print the
//! same classification on both, byte for byte, and each must equal the rule of
//! SEGMENTATION.md worked out here straight from the file.
use crate::helpers::output;
use qudao::server::{db, seed};
use std::collections::BTreeMap;
use std::path::Path;

/// One purchase of the sample: customer number, day (YYYY-MM-DD), CDs, cents.
struct Purchase {
    customer: u32,
    day: String,
    quantity: i64,
    cents: i64,
}

/// The ledger takes dates of 2000–2099: the sample moves twenty years later, to 2017-01 ..
/// 2018-06 (neither range holds a 29 February, so every day keeps its place; the demo
/// company's own sales are dated 2025–26).
const YEARS_LATER: u32 = 20;

/// The sample's lines: `customer_id date number_of_cds dollar_value`, blank-separated,
/// with or without a header line.
fn read_sample(path: &Path) -> Vec<Purchase> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("QUDAO_SAMPLE_CDNOW={}: {e}", path.display()));
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.len() == 4 && f[0].bytes().all(|b| b.is_ascii_digit()))
        .map(|f| {
            let (dollars, cents) = f[3].split_once('.').unwrap_or((f[3], "0"));
            assert!(cents.len() <= 2, "{}", f[3]);
            Purchase {
                customer: f[0].parse().unwrap(),
                day: format!(
                    "{}-{}-{}",
                    f[1][..4].parse::<u32>().unwrap() + YEARS_LATER,
                    &f[1][4..6],
                    &f[1][6..]
                ),
                quantity: f[2].parse().unwrap(),
                cents: dollars.parse::<i64>().unwrap() * 100
                    + format!("{cents:0<2}").parse::<i64>().unwrap(),
            }
        })
        .collect()
}

fn code(customer: u32) -> String {
    format!("CD{customer:05}")
}

/// The customer and sales files an ERP would export for the sample.
fn write_files(sample: &[Purchase], dir: &Path) -> (String, String) {
    let mut customers: Vec<u32> = sample.iter().map(|p| p.customer).collect();
    customers.sort_unstable();
    customers.dedup();
    let mut c = String::from("code,name,kind\n");
    for n in customers {
        c.push_str(&format!("{},CDNOW 顾客 {n:05},sub_distributor\n", code(n)));
    }
    let mut s =
        String::from("order_date,customer_code,product_sku,quantity,amount,cost,product_name\n");
    for p in sample {
        s.push_str(&format!(
            "{},{},CD,{},{}.{:02},0,CD 唱片\n",
            p.day,
            code(p.customer),
            p.quantity,
            p.cents / 100,
            p.cents % 100
        ));
    }
    let (cp, sp) = (dir.join("customers.csv"), dir.join("sales.csv"));
    std::fs::write(&cp, c).unwrap();
    std::fs::write(&sp, s).unwrap();
    (cp.display().to_string(), sp.display().to_string())
}

/// `qudao ARGS` on the database at `url`; its standard output.
async fn qudao(url: &str, args: &[&str]) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_qudao"));
    command
        .args(args)
        .env("QUDAO_DATABASE_URL", url)
        .env("LANG", "en_US.UTF-8")
        .env("RUST_LOG", "error");
    let out = output(command).await;
    assert!(
        out.status.success(),
        "qudao {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A classification to compare: period, measure and thresholds (percent, basis points).
struct Case {
    from: &'static str,
    to: &'static str,
    by: &'static str,
    a: &'static str,
    b: &'static str,
    a_bp: i128,
    b_bp: i128,
}

const CASES: [Case; 4] = [
    // the whole sample, month-aligned: the rollups alone
    Case {
        from: "2017-01-01",
        to: "2018-06-30",
        by: "sales",
        a: "80",
        b: "95",
        a_bp: 8000,
        b_bp: 9500,
    },
    // the last twelve months by CDs bought
    Case {
        from: "2017-07-01",
        to: "2018-06-30",
        by: "quantity",
        a: "80",
        b: "95",
        a_bp: 8000,
        b_bp: 9500,
    },
    // loose days at both ends besides whole months
    Case {
        from: "2017-03-15",
        to: "2018-02-20",
        by: "sales",
        a: "70",
        b: "90",
        a_bp: 7000,
        b_bp: 9000,
    },
    // the first month, when most customers made their first purchase; fractional thresholds
    Case {
        from: "2017-01-01",
        to: "2017-01-31",
        by: "profit",
        a: "82.5",
        b: "97.5",
        a_bp: 8250,
        b_bp: 9750,
    },
];

/// SEGMENTATION.md's rule, worked out from the file: (code, total, rank, class) in rank
/// order; totals in cents or CDs (the sample has no cost, so profit is the amount).
fn expected(sample: &[Purchase], case: &Case) -> Vec<(String, i64, usize, char)> {
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    for p in sample
        .iter()
        .filter(|p| case.from <= p.day.as_str() && p.day.as_str() <= case.to)
    {
        *totals.entry(code(p.customer)).or_default() += if case.by == "quantity" {
            p.quantity
        } else {
            p.cents
        };
    }
    let mut ranked: Vec<(String, i64)> = totals.into_iter().collect();
    // total descending, then code byte-wise (the map gave code order; the sort is stable)
    ranked.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    let g: i128 = ranked.iter().map(|(_, t)| i128::from((*t).max(0))).sum();
    let mut before: i128 = 0;
    ranked
        .into_iter()
        .enumerate()
        .map(|(i, (code, total))| {
            let class = if total <= 0 {
                'C'
            } else if 10_000 * before < case.a_bp * g {
                'A'
            } else if 10_000 * before < case.b_bp * g {
                'B'
            } else {
                'C'
            };
            before += i128::from(total.max(0));
            (code, total, i + 1, class)
        })
        .collect()
}

/// `segment`'s table as (code, total, rank, class), totals back in cents or CDs.
fn printed(csv_text: &str, by: &str) -> Vec<(String, i64, usize, char)> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let total = if by == "quantity" {
                r[2].parse().unwrap()
            } else {
                qudao::domain::money::Money::parse_yuan(&r[2]).unwrap().0
            };
            (
                r[0].to_owned(),
                total,
                r[3].parse().unwrap(),
                r[5].chars().next().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_public_retail_sample_classifies_exactly_alike_on_both_engines() {
    let Some(path) = std::env::var_os("QUDAO_SAMPLE_CDNOW") else {
        eprintln!("no QUDAO_SAMPLE_CDNOW: the retail sample is checked by `make test`");
        return;
    };
    let sample = read_sample(Path::new(&path));
    assert_eq!(sample.len(), 69_659, "CDNOW's lines");
    let dir = tempfile::tempdir().unwrap();
    let (customers, sales) = write_files(&sample, dir.path());

    // each engine on a database holding the demo company (whose sales are dated 2025-26)
    let sqlite = format!("sqlite://{}", dir.path().join("sample.db").display());
    let pool = db::connect(&sqlite).await.unwrap();
    db::migrate(&pool).await.unwrap();
    seed::seed_demo(&pool).await.unwrap();
    pool.close().await;
    let mut engines = vec![("SQLite", sqlite)];
    match crate::pg::cluster() {
        Some(admin) => engines.push(("PostgreSQL", crate::pg::fresh_database(&admin, true).await)),
        None => eprintln!("no QUDAO_TEST_PG: PostgreSQL's side is checked by `make test`"),
    }

    let mut tables: Vec<Vec<String>> = Vec::new();
    for (engine, url) in &engines {
        qudao(url, &["import", "customers", &customers]).await;
        let report = qudao(url, &["import", "sales", &sales, "--create-products"]).await;
        assert!(report.starts_with("69659 lines"), "{engine}: {report}");
        let mut printed_tables = Vec::new();
        for case in &CASES {
            let table = qudao(
                url,
                &[
                    "segment", "--from", case.from, "--to", case.to, "--by", case.by, "--a",
                    case.a, "--b", case.b,
                ],
            )
            .await;
            let want = expected(&sample, case);
            assert!(want.len() > 1_000, "{} customers", want.len());
            assert!(want.iter().any(|r| r.3 == 'B') && want.iter().any(|r| r.3 == 'C'));
            let got = printed(&table, case.by);
            assert_eq!(
                got.len(),
                want.len(),
                "{engine} {}..{} {}",
                case.from,
                case.to,
                case.by
            );
            if let Some((g, w)) = got.iter().zip(&want).find(|(g, w)| g != w) {
                panic!(
                    "{engine} {}..{} {}: printed {g:?}, the rule gives {w:?}",
                    case.from, case.to, case.by
                );
            }
            printed_tables.push(table);
        }
        tables.push(printed_tables);
    }
    // every column, cumulative shares included, byte for byte
    if let [lite, pg] = tables.as_slice() {
        for (case, (a, b)) in CASES.iter().zip(lite.iter().zip(pg)) {
            assert!(
                a == b,
                "SQLite and PostgreSQL differ on {}..{} {}",
                case.from,
                case.to,
                case.by
            );
        }
    }
}
