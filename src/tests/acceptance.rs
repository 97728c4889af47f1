//! Acceptance on a public retail sample: CDNOW's CD purchases (23 570 customers, 69 659
//! lines, 1997-01 to 1998-06, as the PyPI package Lifetimes ships them; `tools/setup.sh
//! samples` takes the file and `make test` names it in `QUDAO_SAMPLE_CDNOW`). The file is
//! imported the way an operator would, through the command line (with costs, returns and
//! codes of several shapes added, `lines_of`), into SQLite and (when the suite runs with
//! a PostgreSQL cluster) into PostgreSQL; `qudao segment` must print the
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

/// A line of the sales file made from the sample: customer code, day, quantity, amount
/// and cost in cents.
struct Line {
    code: String,
    day: String,
    quantity: i64,
    cents: i64,
    cost: i64,
}

/// The sample has neither costs nor returns, and its customer numbers all have five
/// digits: the file gets a cost of 70 % of each amount (so profit differs from sales), a
/// return of one CD after every 101st purchase, and codes of four shapes (upper and lower
/// case, padded and not, Chinese) so that the byte-wise order of codes decides ties.
fn lines_of(sample: &[Purchase]) -> Vec<Line> {
    let mut lines = Vec::with_capacity(sample.len() + sample.len() / 100);
    for (i, p) in sample.iter().enumerate() {
        let cost = p.cents * 7 / 10;
        lines.push(Line {
            code: code(p.customer),
            day: p.day.clone(),
            quantity: p.quantity,
            cents: p.cents,
            cost,
        });
        if i % 101 == 0 {
            lines.push(Line {
                code: code(p.customer),
                day: p.day.clone(),
                quantity: -1,
                cents: -(p.cents / p.quantity),
                cost: -(cost / p.quantity),
            });
        }
    }
    lines
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
    match customer % 4 {
        0 => format!("CD{customer:05}"),
        1 => format!("cd{customer}"),
        2 => format!("Cd-{customer}"),
        _ => format!("渝{customer:05}"),
    }
}

/// `-1234` cents as `-12.34`.
fn yuan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// The customer and sales files an ERP would export for the sample.
fn write_files(lines: &[Line], dir: &Path) -> (String, String) {
    let mut codes: Vec<&str> = lines.iter().map(|l| l.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut c = String::from("code,name,kind\n");
    for code in codes {
        c.push_str(&format!("{code},CDNOW 顾客 {code},sub_distributor\n"));
    }
    let mut s =
        String::from("order_date,customer_code,product_sku,quantity,amount,cost,product_name\n");
    for l in lines {
        s.push_str(&format!(
            "{},{},CD,{},{},{},CD 唱片\n",
            l.day,
            l.code,
            l.quantity,
            yuan(l.cents),
            yuan(l.cost)
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
/// order; totals in cents or CDs.
fn expected(lines: &[Line], case: &Case) -> Vec<(String, i64, usize, char)> {
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    for l in lines
        .iter()
        .filter(|l| case.from <= l.day.as_str() && l.day.as_str() <= case.to)
    {
        *totals.entry(l.code.clone()).or_default() += match case.by {
            "quantity" => l.quantity,
            "profit" => l.cents - l.cost,
            _ => l.cents,
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
    crate::helpers::watchdog::watch_this_test();
    let sample = read_sample(Path::new(&path));
    assert_eq!(sample.len(), 69_659, "CDNOW's lines");
    let lines = lines_of(&sample);
    let dir = tempfile::tempdir().unwrap();
    let (customers, sales) = write_files(&lines, dir.path());

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
        assert!(
            report.starts_with(&format!("{} lines", lines.len())),
            "{engine}: {report}"
        );
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
            let want = expected(&lines, case);
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
