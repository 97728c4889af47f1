//! Importing and exporting customers over HTTP: encodings, spreadsheets, previews that
//! save nothing, per-row errors, duplicates, all-or-nothing commits, limits, round trips.
use crate::customers::list;
use crate::helpers::{TestApp, download, spawn_app, spawn_app_with};
use qudao::server::db::on;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn import(app: &TestApp, c: &Client, bytes: Vec<u8>, options: Value) -> (StatusCode, Value) {
    let mut opts = json!({ "on_duplicate": "Skip", "mapping": [], "commit": false });
    for (k, v) in options.as_object().unwrap() {
        opts[k] = v.clone();
    }
    let r = c
        .post(format!("{}/api/customers/import", app.base))
        .query(&[("options", opts.to_string())])
        .body(bytes)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

async fn total(app: &TestApp) -> i64 {
    on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customers"
    )
    .fetch_one(ex)
    .await)
    .unwrap()
}

const GOOD: &str = "客户编码,客户名称,类型,终端类型,上级编码,电话,业务员,月进货额\n\
NEW-S1,北碚新二批,二批,,,13800001111,zhaolei,120000\n\
NEW-T1,北碚新便利店,终端,便利店,NEW-S1,13800002222,zhaolei,3000.5\n\
NEW-T2,北碚新超市,终端,超市,EP001,,,\n";

#[tokio::test]
async fn a_preview_saves_nothing_and_a_commit_saves_every_row() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let before = total(&app).await;
    let (status, body) = import(&app, &m, GOOD.as_bytes().to_vec(), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let report = &body["Report"];
    assert_eq!(report["rows"], 3);
    assert_eq!(report["created"], 3);
    assert_eq!(report["error_count"], 0);
    assert_eq!(report["committed"], false);
    assert_eq!(report["columns"][4]["field"], "parent_code");
    assert_eq!(total(&app).await, before, "a preview saves nothing");
    // the list is read (and its in-memory copy taken) before the import: the rows an
    // import writes, stamped once for the whole statement, must still be seen by it
    let listed = |l: Value| l["total"].as_i64().unwrap();
    assert_eq!(listed(list(&app, &m, json!({ "search": "new-" })).await), 0);
    let (_, body) = import(
        &app,
        &m,
        GOOD.as_bytes().to_vec(),
        json!({ "commit": true }),
    )
    .await;
    assert_eq!(body["Report"]["committed"], true);
    assert_eq!(total(&app).await, before + 3);
    assert_eq!(listed(list(&app, &m, json!({ "search": "new-" })).await), 3);
    assert_eq!(
        listed(list(&app, &m, json!({ "search": "new-", "kind": "terminal" })).await),
        2
    );
    // the sub-distributor picker lists the new 二批 and none of the new terminals
    let r = app.call(&m, "customers/filters", json!({})).await;
    let choices: Value = r.json().await.unwrap();
    let picked: Vec<&str> = choices["sub_distributors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s[1].as_str())
        .filter(|code| code.starts_with("NEW-"))
        .collect();
    assert_eq!(picked, ["NEW-S1"]);
    let (parent, volume): (String, i64) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT p.code, c.monthly_volume FROM customers c JOIN customers p ON p.id = c.parent_id WHERE c.code = 'NEW-T1'",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(
        (parent.as_str(), volume),
        ("NEW-S1", 300_050),
        "money is stored in fen"
    );
}

#[tokio::test]
async fn gbk_csv_as_erps_export_it_imports_like_utf8() {
    let app = spawn_app().await;
    let m = app.signed_in("laoban").await;
    let (gbk, _, _) = encoding_rs::GBK.encode(GOOD);
    let (_, body) = import(&app, &m, gbk.into_owned(), json!({ "commit": true })).await;
    assert_eq!(body["Report"]["created"], 3, "{body}");
    let name: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT name FROM customers WHERE code = 'NEW-S1'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(name, "北碚新二批");
}

#[tokio::test]
async fn an_xlsx_with_a_merged_title_row_imports() {
    let app = spawn_app().await;
    let m = app.signed_in("laoban").await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let merged = rust_xlsxwriter::Format::new();
    sheet
        .merge_range(0, 0, 0, 3, "2026 年客户档案（渝味商贸）", &merged)
        .unwrap();
    for (c, h) in ["code", "name", "kind", "terminal_type"].iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    sheet.write_string(2, 0, "X-001").unwrap();
    sheet.write_string(2, 1, "表格小卖部").unwrap();
    sheet.write_string(2, 2, "terminal").unwrap();
    sheet.write_string(2, 3, "kiosk").unwrap();
    sheet.write_number(3, 0, 1002.0).unwrap();
    sheet.write_string(3, 1, "数字编码超市").unwrap();
    sheet.write_string(3, 2, "终端").unwrap();
    sheet.write_string(3, 3, "超市").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let (_, body) = import(&app, &m, bytes, json!({ "commit": true })).await;
    let r = &body["Report"];
    assert_eq!(r["skipped_title_rows"], 1, "{body}");
    assert_eq!(r["created"], 2);
    let n: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customers WHERE code IN ('X-001', '1002')"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn one_bad_row_keeps_the_whole_file_out_and_every_error_has_row_and_column() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let before = total(&app).await;
    let file = "客户编码,客户名称,类型,终端类型,上级编码,电话\n\
OK-1,好店,终端,超市,,\n\
BAD-1,坏店,终端,超市,,12345\n\
BAD-2,,二批,,,\n\
BAD-3,错上级,终端,超市,ZD00001,\n\
BAD-4,无上级,终端,超市,NOPE,\n\
OK-1,重复编码,终端,超市,,\n";
    let (_, body) = import(
        &app,
        &m,
        file.as_bytes().to_vec(),
        json!({ "commit": true }),
    )
    .await;
    let r = &body["Report"];
    assert_eq!(r["committed"], false);
    assert_eq!(r["error_count"], 5, "{body}");
    let errors: Vec<(u64, &str, &str)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (3, "电话", "InvalidPhone"),
            (4, "客户名称", "Required"),
            (5, "上级编码", "ParentNotSubDistributor"),
            (6, "上级编码", "UnknownCustomer"),
            (7, "客户编码", "DuplicateCode"),
        ]
    );
    assert_eq!(total(&app).await, before, "nothing half-imported");
}

#[tokio::test]
async fn existing_customers_are_skipped_or_updated_as_chosen() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let (name, phone): (String, String) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT name, phone FROM customers WHERE code = 'EP002'"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    // same code; and a different code with the same name + phone (a twin)
    let file = format!(
        "code,name,kind,phone,address\nEP001,x,二批,,新地址一\nOTHER-9,{name},二批,{phone},新地址二\n"
    );
    let before = total(&app).await;
    let (_, body) = import(
        &app,
        &m,
        file.clone().into_bytes(),
        json!({ "commit": true }),
    )
    .await;
    let r = &body["Report"];
    assert_eq!(
        (r["skipped"].as_u64(), r["created"].as_u64()),
        (Some(2), Some(0)),
        "{body}"
    );
    let reasons: Vec<&str> = r["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["code", "name_phone"]);
    let (_, body) = import(
        &app,
        &m,
        file.into_bytes(),
        json!({ "commit": true, "on_duplicate": "Update" }),
    )
    .await;
    assert_eq!(body["Report"]["updated"], 2, "{body}");
    assert_eq!(total(&app).await, before, "no twins created");
    let addr: Vec<String> = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT address FROM customers WHERE code IN ('EP001', 'EP002') ORDER BY code",
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    assert_eq!(addr, ["新地址一", "新地址二"]);
    let source: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT h.source FROM customer_history h JOIN customers c ON c.id = h.customer_id WHERE c.code = 'EP002' ORDER BY h.version DESC LIMIT 1",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(source, "import");
}

#[tokio::test]
async fn unreadable_files_get_a_precise_reason() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let noise: Vec<u8> = (0..2000u32).map(|i| ((i * 37 + 128) % 256) as u8).collect();
    for (bytes, expected) in [
        (Vec::new(), json!("Empty")),
        (b"code,name,kind\n".to_vec(), json!("Empty")),
        (noise, json!("WrongEncoding")),
        (b"PK\x03\x04 broken zip".to_vec(), json!("Unreadable")),
        ("备注,说明\n1,2\n".as_bytes().to_vec(), json!("NoHeaderRow")),
        (
            b"code,name,remark\nA,B,C\n".to_vec(),
            json!({ "MissingColumns": ["kind"] }),
        ),
    ] {
        let (status, body) = import(&app, &m, bytes, json!({})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({ "File": expected }));
    }
    // an unknown header can be mapped by the user
    let (_, body) = import(
        &app,
        &m,
        "code,name,分类\nM-1,映射店,二批\n".as_bytes().to_vec(),
        json!({ "mapping": [[2, "kind"]] }),
    )
    .await;
    assert_eq!(body["Report"]["created"], 1, "{body}");
}

#[tokio::test]
async fn a_file_over_the_upload_limit_is_refused_with_the_limit() {
    let app = spawn_app_with(|c| c.upload_limit_bytes = 64 * 1024).await;
    let m = app.signed_in("liumin").await;
    let mut big = GOOD.as_bytes().to_vec();
    big.resize(200 * 1024, b' ');
    let (status, body) = import(&app, &m, big, json!({})).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body, json!({ "File": { "TooLarge": 65536 } }));
}

#[tokio::test]
async fn only_owners_and_managers_import() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let (status, body) = import(
        &app,
        &rep,
        GOOD.as_bytes().to_vec(),
        json!({ "commit": true }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, json!("Forbidden"));
}

#[tokio::test]
async fn an_export_imported_again_changes_nothing() {
    let app = spawn_app().await;
    let m = app.signed_in("laoban").await;
    for format in ["csv", "xlsx"] {
        let r = m
            .get(format!(
                "{}/api/customers/export?format={format}&headers=zh",
                app.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains(format)
        );
        let bytes = r.bytes().await.unwrap().to_vec();
        if format == "csv" {
            assert!(
                bytes.starts_with(b"\xEF\xBB\xBF"),
                "BOM so Excel reads UTF-8"
            );
        }
        let (_, body) = import(
            &app,
            &m,
            bytes,
            json!({ "commit": true, "on_duplicate": "Update" }),
        )
        .await;
        let r = &body["Report"];
        assert_eq!(r["rows"], 842, "{format}: {}", r["errors"]);
        assert_eq!(
            (
                r["created"].as_u64(),
                r["updated"].as_u64(),
                r["error_count"].as_u64()
            ),
            (Some(0), Some(0), Some(0)),
            "{format}"
        );
    }
    // filters apply to the export
    let r = m
        .get(format!(
            "{}/api/customers/export?format=csv&headers=en&kind=sub_distributor",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(r.lines().count(), 1 + 42);
}

#[tokio::test]
async fn a_formula_typed_as_a_name_is_exported_inert_and_reads_back_as_typed() {
    let app = spawn_app().await;
    let m = app.signed_in("laoban").await;
    let r = app
        .call(&m, "customers/create", json!({ "values": { "code": "F-1", "name": "=HYPERLINK(\"http://x\",\"点我\")", "kind": "二批" } }))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = download(m.get(format!(
        "{}/api/customers/export?format=csv&headers=en&q=F-1",
        app.base
    )))
    .await;
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    let (_, body) = import(
        &app,
        &m,
        csv,
        json!({ "commit": true, "on_duplicate": "Update" }),
    )
    .await;
    assert_eq!(body["Report"]["updated"], 0, "{body}");
    assert_eq!(body["Report"]["skipped"], 1);
}

/// What a spreadsheet program makes of a CSV it opens and saves as `.xlsx`: a cell of
/// digits (or a plain number) becomes a number, anything else stays text.
fn as_a_spreadsheet_saves(csv_bytes: &[u8], edit: impl Fn(usize, &str, &mut String)) -> Vec<u8> {
    let text = std::str::from_utf8(csv_bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let mut headers = Vec::new();
    for (r, record) in reader.records().enumerate() {
        let record = record.unwrap();
        if r == 0 {
            headers = record.iter().map(str::to_owned).collect();
        }
        for (c, cell) in record.iter().enumerate() {
            let mut cell = cell.to_owned();
            if r > 0 {
                edit(r, &headers[c], &mut cell);
            }
            let (row, col) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            match cell.parse::<f64>() {
                Ok(n) if !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit()) => {
                    sheet.write_number(row, col, n).unwrap();
                }
                _ => {
                    sheet.write_string(row, col, &cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

async fn history_count(app: &TestApp) -> i64 {
    on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customer_history"
    )
    .fetch_one(ex)
    .await)
    .unwrap()
}

#[tokio::test]
async fn a_spreadsheet_round_trip_changes_exactly_the_edited_cell_and_never_a_rounded_licence() {
    let app = spawn_app().await;
    let m = app.signed_in("laoban").await;
    let csv_export = download(m.get(format!(
        "{}/api/customers/export?format=csv&headers=zh",
        app.base
    )))
    .await;
    let long_licences: i64 = on!(&app.pool, |ex| {
        sqlx::query_scalar(if app.pool.is_sqlite() {
            "SELECT count(*) FROM customers WHERE length(licence_no) = 18 \
             AND licence_no GLOB '[0-9]*' AND licence_no NOT GLOB '*[^0-9]*'"
        } else {
            "SELECT count(*) FROM customers WHERE licence_no ~ '^[0-9]{18}$'"
        })
        .fetch_one(ex)
        .await
    })
    .unwrap();
    assert!(long_licences > 0, "the demo has 18-digit licence numbers");
    let licences = || async {
        on!(&app.pool, |ex| sqlx::query_as::<
            _,
            (String, Option<String>, Option<String>),
        >(
            "SELECT code, licence_no, phone FROM customers ORDER BY code",
        )
        .fetch_all(ex)
        .await)
        .unwrap()
    };
    let before = licences().await;
    let history = history_count(&app).await;

    // the export keeps identifiers text in a spreadsheet: edit one contact, save, import
    let first_code = before[0].0.clone();
    let target_row = {
        let text = std::str::from_utf8(&csv_export[3..]).unwrap();
        text.lines()
            .position(|l| {
                l.trim_start_matches('\t')
                    .starts_with(&format!("{first_code},"))
            })
            .unwrap()
    };
    let edited = as_a_spreadsheet_saves(&csv_export, |r, header, cell| {
        if r == target_row && header == "联系人" {
            *cell = "王新联系人".to_owned();
        }
    });
    let (_, body) = import(
        &app,
        &m,
        edited,
        json!({ "commit": true, "on_duplicate": "Update" }),
    )
    .await;
    let r = &body["Report"];
    assert_eq!(r["error_count"], 0, "{}", r["errors"]);
    assert_eq!(
        (r["updated"].as_u64(), r["created"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(licences().await, before, "no licence or phone changed");
    let changes: Vec<(String, Option<String>)> = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT field, new_value FROM customer_history ORDER BY changed_at DESC, field LIMIT $1"
    )
    .bind(history_count(&app).await - history)
    .fetch_all(ex)
    .await)
    .unwrap();
    assert_eq!(
        changes,
        [("contact".to_owned(), Some("王新联系人".to_owned()))],
        "exactly the edited cell"
    );

    // the same file as another tool writes it (no tab): the spreadsheet holds the
    // licences as numbers and rounds them; every such cell is refused, nothing is written
    let plain: Vec<u8> = String::from_utf8(csv_export.clone())
        .unwrap()
        .replace('\t', "")
        .into_bytes();
    let numeric = as_a_spreadsheet_saves(&plain, |_, _, _| {});
    let (_, body) = import(
        &app,
        &m,
        numeric,
        json!({ "commit": true, "on_duplicate": "Update" }),
    )
    .await;
    let r = &body["Report"];
    assert_eq!(r["committed"], false);
    assert_eq!(
        r["error_count"].as_i64(),
        Some(long_licences),
        "{}",
        r["errors"]
    );
    for e in r["errors"].as_array().unwrap() {
        assert_eq!(e["column"], "营业执照号");
        assert_eq!(e["code"], "RoundedNumber");
    }
    assert_eq!(licences().await, before);

    // and saved back as CSV with the digits past the 15th as zeros: refused too
    let (code, licence, _) = before
        .iter()
        .find(|(_, l, _)| {
            l.as_deref()
                .is_some_and(|l| l.len() == 18 && !l.ends_with("000"))
        })
        .cloned()
        .unwrap();
    let licence = licence.unwrap();
    let zeros = format!("{}000", &licence[..15]);
    let file = format!("客户编码,客户名称,类型,营业执照号\n{code},随便,二批,{zeros}\n");
    let (_, body) = import(
        &app,
        &m,
        file.into_bytes(),
        json!({ "commit": true, "on_duplicate": "Update" }),
    )
    .await;
    assert_eq!(
        body["Report"]["errors"][0]["code"], "RoundedNumber",
        "{body}"
    );
    assert_eq!(licences().await, before);
}

#[tokio::test]
async fn an_export_downloads_whole_through_compression() {
    let app = spawn_app().await;
    let m = app.signed_in("laoban").await;
    for format in ["csv", "xlsx"] {
        let plain =
            download(m.get(format!("{}/api/customers/export?format={format}", app.base))).await;
        // what a browser asks for: the compression layer reads the body to its end and
        // once more; the download must still end cleanly, not be cut off
        for encoding in ["gzip", "br", "gzip, deflate, br, zstd"] {
            let r = m
                .get(format!("{}/api/customers/export?format={format}", app.base))
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let compressed = r.headers().get("content-encoding").cloned();
            let body = r.bytes().await;
            assert!(body.is_ok(), "{format} with {encoding}: {body:?}");
            let body = body.unwrap();
            assert!(!body.is_empty());
            // a workbook carries its creation time; a CSV is the same bytes each time
            if compressed.is_none() && format == "csv" {
                assert_eq!(body, plain);
            }
        }
    }
}
