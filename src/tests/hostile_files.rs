//! Hostile and malformed upload files against the file reader, with the heap measured.
//!
//! Its own test binary, because it replaces the global allocator with one that records the
//! peak of live heap bytes (`peak_alloc`): every case asserts both the answer (a refusal the import page
//! can explain) and that reading it never held more than [`PEAK_LIMIT`].
//!
//! The fuzz run generates CSV (UTF-8, GBK, UTF-16, BOMs, quotes, delimiters) and XLSX
//! (declared ranges, cell positions, shared strings, inline strings, dates, huge cells,
//! damaged bytes) and asserts the reader never panics. `make test` runs a short one;
//! `make fuzz` runs a million cases (`QUDAO_FUZZ_CASES`).
#![expect(clippy::unwrap_used, reason = "tests may panic")]

use peak_alloc::PeakAlloc;
use proptest::prelude::*;
use qudao::features::customers::transfer::{
    FileProblem, MAX_CELL_CHARS, MAX_IMPORT_CELLS, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS,
};
use qudao::server::spreadsheet::{MAX_TABLE_TEXT_BYTES, MAX_UNPACKED_BYTES, read_table};
use std::io::Write;
use std::sync::Mutex;

/// The most heap any one upload within the body limit may make the reader hold.
const PEAK_LIMIT: usize = 256 * 1024 * 1024;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// Tests here measure the heap, so they run one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Reads `bytes` and answers the result with the peak heap the reading added.
fn read_measured(bytes: &[u8]) -> (Result<usize, FileProblem>, usize) {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let result = read_table(bytes).map(|t| t.rows.len());
    let peak = HEAP.peak_usage().saturating_sub(before);
    (result, peak)
}

fn assert_refused(name: &str, bytes: &[u8], expected: &FileProblem) {
    let (result, peak) = read_measured(bytes);
    assert_eq!(result.as_ref().err(), Some(expected), "{name}: {result:?}");
    assert!(
        peak < PEAK_LIMIT,
        "{name}: the reader held {} MB",
        peak / (1024 * 1024)
    );
}

/// A workbook with one sheet: `sheet` is the worksheet XML's `<sheetData>` content,
/// `dimension` its declared range, `strings` the shared strings part (None: no part).
struct Book<'a> {
    dimension: Option<&'a str>,
    sheet: &'a [u8],
    strings: Option<&'a [u8]>,
    level: Option<i64>,
}

impl Book<'_> {
    fn bytes(&self) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(self.level)
            .large_file(false);
        fn put<W: Write + std::io::Seek>(
            zip: &mut zip::ZipWriter<W>,
            opts: zip::write::SimpleFileOptions,
            name: &str,
            body: &[&[u8]],
        ) {
            zip.start_file(name, opts).unwrap();
            for b in body {
                zip.write_all(b).unwrap();
            }
        }
        let mut part = |name: &str, body: &[&[u8]]| put(&mut zip, opts, name, body);
        part(
            "[Content_Types].xml",
            &[br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#],
        );
        part(
            "_rels/.rels",
            &[br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#],
        );
        part(
            "xl/workbook.xml",
            &[br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#],
        );
        let strings_rel: &[u8] = if self.strings.is_some() {
            br#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
        } else {
            b""
        };
        part(
            "xl/_rels/workbook.xml.rels",
            &[
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
                strings_rel,
                b"</Relationships>",
            ],
        );
        if let Some(strings) = self.strings {
            part("xl/sharedStrings.xml", &[strings]);
        }
        let dimension = self
            .dimension
            .map(|d| format!(r#"<dimension ref="{d}"/>"#))
            .unwrap_or_default();
        part(
            "xl/worksheets/sheet1.xml",
            &[
                br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
                dimension.as_bytes(),
                b"<sheetData>",
                self.sheet,
                b"</sheetData></worksheet>",
            ],
        );
        zip.finish().unwrap();
        out.into_inner()
    }
}

fn book(dimension: Option<&str>, sheet: &[u8]) -> Vec<u8> {
    Book {
        dimension,
        sheet,
        strings: None,
        level: None,
    }
    .bytes()
}

fn inline(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn a_small_workbook_is_read_as_its_cells() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let sheet = format!(
        r#"<row r="1">{}{}{}</row><row r="3">{}<c r="C3"><v>12</v></c></row>"#,
        inline("A1", "客户编码"),
        inline("B1", "客户名称"),
        inline("C1", "类型"),
        inline("A3", "C1"),
    );
    let table = read_table(&book(Some("A1:C3"), sheet.as_bytes())).unwrap();
    assert_eq!(table.rows[0], ["客户编码", "客户名称", "类型"]);
    assert!(table.rows[1].is_empty());
    assert_eq!(table.rows[2], ["C1", "", "12"]);
}

#[test]
fn a_cell_at_the_far_corner_is_refused_before_the_grid_is_held() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let corner = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        inline("A1", "x"),
        inline("XFD1048576", "y")
    );
    // declared and actual; the declared range alone; the cells alone
    assert_refused(
        "declared and actual",
        &book(Some("A1:XFD1048576"), corner.as_bytes()),
        &FileProblem::TooManyRows(MAX_IMPORT_ROWS),
    );
    assert_refused(
        "declared only",
        &book(Some("A1:B1048576"), inline("A1", "x").as_bytes()),
        &FileProblem::TooManyRows(MAX_IMPORT_ROWS),
    );
    assert_refused(
        "actual only",
        &book(None, corner.as_bytes()),
        &FileProblem::TooManyColumns(MAX_IMPORT_COLUMNS),
    );
    let wide = format!(r#"<row r="1">{}</row>"#, inline("XFD1", "x"));
    assert_refused(
        "one wide row",
        &book(None, wide.as_bytes()),
        &FileProblem::TooManyColumns(MAX_IMPORT_COLUMNS),
    );
}

#[test]
fn millions_of_rows_are_refused_as_they_are_read() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut sheet = Vec::new();
    for r in 1..=(MAX_IMPORT_ROWS + 50_000) {
        write!(sheet, r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#).unwrap();
    }
    assert_refused(
        "a tall sheet",
        &book(None, &sheet),
        &FileProblem::TooManyRows(MAX_IMPORT_ROWS),
    );
    // wide and tall within each limit, too many cells in all
    let row: String = (0..150).map(|c| format!("<c><v>{c}</v></c>")).collect();
    let rows = MAX_IMPORT_CELLS / 150 + 10;
    let sheet: String = (1..=rows)
        .map(|r| format!(r#"<row r="{r}">{row}</row>"#))
        .collect();
    assert_refused(
        "too many cells",
        &book(None, sheet.as_bytes()),
        &FileProblem::TooManyCells(MAX_IMPORT_CELLS),
    );
}

#[test]
fn a_workbook_that_unpacks_to_gigabytes_is_refused_while_inflating() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // shared strings the reader would hold whole: 40 MB of one string list
    let mut strings =
        br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#.to_vec();
    let item = b"<si><t>x</t></si>";
    while strings.len() < 40 * 1024 * 1024 {
        strings.extend_from_slice(item);
    }
    strings.extend_from_slice(b"</sst>");
    let bomb = Book {
        dimension: None,
        sheet: br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        strings: Some(&strings),
        level: Some(9),
    }
    .bytes();
    assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
    assert_refused(
        "shared strings bomb",
        &bomb,
        &FileProblem::TooLargeUnpacked(MAX_UNPACKED_BYTES),
    );
    // a sheet that inflates past the whole limit (streamed, so only time is at stake)
    let filler = vec![b' '; 8 * 1024 * 1024];
    let mut sheet = Vec::new();
    for _ in 0..(MAX_UNPACKED_BYTES / filler.len() as u64 + 1) {
        sheet.extend_from_slice(b"<row/>");
        sheet.extend_from_slice(&filler[..1024 * 1024 - 16]);
        sheet.extend_from_slice(b"<row/>");
    }
    let started = std::time::Instant::now();
    let (result, _) = read_measured(&book(None, &sheet));
    assert!(result.is_err(), "{result:?}");
    drop(sheet);
    eprintln!("a 0.5 GB sheet refused in {:?}", started.elapsed());
    // one token longer than the XML reader should ever buffer
    let long = format!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row>"#,
        "长".repeat(1024 * 1024)
    );
    assert_refused(
        "a huge token",
        &book(None, long.as_bytes()),
        &FileProblem::Unreadable,
    );
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused_with_its_row() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let long = "x".repeat(MAX_CELL_CHARS + 1);
    let sheet = format!(
        r#"<row r="1">{}</row><row r="2">{}</row>"#,
        inline("A1", "a"),
        inline("B2", &long)
    );
    assert_refused(
        "long xlsx cell",
        &book(None, sheet.as_bytes()),
        &FileProblem::CellTooLong {
            row: 2,
            max: MAX_CELL_CHARS,
        },
    );
    let csv = format!("code,name,kind\nC1,{long},终端\n");
    assert_refused(
        "long csv cell",
        csv.as_bytes(),
        &FileProblem::CellTooLong {
            row: 2,
            max: MAX_CELL_CHARS,
        },
    );
}

#[test]
fn csv_of_separators_is_refused_before_it_becomes_cells() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let commas = vec![b','; 20 * 1024 * 1024];
    assert_refused(
        "20 MB of commas",
        &commas,
        &FileProblem::TooManyColumns(MAX_IMPORT_COLUMNS),
    );
    // quoted line ends: one record over many short lines
    let quoted = format!("code,name,kind\n{}", "\"\n\",".repeat(300));
    assert_refused(
        "a record over many lines",
        quoted.as_bytes(),
        &FileProblem::TooManyColumns(MAX_IMPORT_COLUMNS),
    );
    let lines = "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p\n".repeat(MAX_IMPORT_CELLS / 16 + 10);
    assert_refused(
        "too many cells",
        lines.as_bytes(),
        &FileProblem::TooManyCells(MAX_IMPORT_CELLS),
    );
    let newlines = vec![b'\n'; 20 * 1024 * 1024];
    let (result, peak) = read_measured(&[b"a\n".as_slice(), &newlines].concat());
    assert!(peak < PEAK_LIMIT, "{result:?} held {peak}");
}

#[test]
fn small_files_that_would_expand_inside_the_reader_are_refused() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let sst = |count: &str, items: &str| {
        format!(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">{items}</sst>"#
        )
    };
    // one long shared string used by thousands of cells: copied into each
    let long = format!("<si><t>{}</t></si>", "x".repeat(MAX_CELL_CHARS));
    let strings = sst("1", &long);
    let row: String = (0..100).map(|_| r#"<c t="s"><v>0</v></c>"#).collect();
    let sheet: String = (1..=40)
        .map(|r| format!(r#"<row r="{r}">{row}</row>"#))
        .collect();
    let reused = Book {
        dimension: None,
        sheet: sheet.as_bytes(),
        strings: Some(strings.as_bytes()),
        level: Some(9),
    }
    .bytes();
    assert_refused(
        "a long string reused",
        &reused,
        &FileProblem::TooLargeUnpacked(MAX_TABLE_TEXT_BYTES as u64),
    );
    // a declared string count the reader would reserve room for
    let declared = sst("100000000000", "<si><t>a</t></si>");
    let bytes = Book {
        dimension: None,
        sheet: br#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        strings: Some(declared.as_bytes()),
        level: None,
    }
    .bytes();
    assert_refused("a huge uniqueCount", &bytes, &FileProblem::Unreadable);
    // a comment full of angle brackets is one token to the XML reader
    let comment = format!("<!-- {} -->", "<>".repeat(1024 * 1024));
    assert_refused(
        "a huge comment",
        &book(None, comment.as_bytes()),
        &FileProblem::Unreadable,
    );
    // many short runs of rich text joined into one cell
    let runs: String = (0..200)
        .map(|_| format!("<r><t>{}</t></r>", "y".repeat(1000)))
        .collect();
    let rich = format!(r#"<row r="1"><c r="A1" t="inlineStr"><is>{runs}</is></c></row>"#);
    assert_refused(
        "rich text runs",
        &book(None, rich.as_bytes()),
        &FileProblem::Unreadable,
    );
}

// ----- the fuzz run -----

fn fuzz_cases() -> u32 {
    std::env::var("QUDAO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000)
}

/// Pieces CSV files are made of: text in several scripts, separators, quotes, line ends.
fn csv_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(",".to_owned()),
        Just("\t".to_owned()),
        Just(";".to_owned()),
        Just("\"".to_owned()),
        Just("\"\"".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just("客户编码,客户名称,类型\n".to_owned()),
        Just("=HYPERLINK(\"x\")".to_owned()),
        Just("'=1+1".to_owned()),
        Just("\u{feff}".to_owned()),
        "[a-zA-Z0-9 ]{0,12}",
        "[\u{4e00}-\u{9fa5}]{0,8}",
        "\\PC{0,6}",
    ]
}

fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec(csv_piece(), 0..60), 0u8..6).prop_map(|(pieces, enc)| {
        let text: String = pieces.concat();
        match enc {
            0 => text.into_bytes(),
            1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            2 => encoding_rs::GBK.encode(&text).0.into_owned(),
            3 => {
                let mut b = vec![0xFF, 0xFE];
                text.encode_utf16().for_each(|u| b.extend(u.to_le_bytes()));
                b
            }
            4 => {
                let mut b = vec![0xFE, 0xFF];
                text.encode_utf16().for_each(|u| b.extend(u.to_be_bytes()));
                b
            }
            // truncated UTF-16 or random trailing bytes
            _ => {
                let mut b = vec![0xFF, 0xFE];
                b.extend(text.as_bytes());
                b.push(0xD8);
                b
            }
        }
    })
}

fn column_name(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// A cell: a reference (often sane, sometimes huge or malformed), a type and a value.
fn xlsx_cell() -> impl Strategy<Value = String> {
    let position = prop_oneof![
        4 => (0u32..30, 1u32..60).prop_map(|(c, r)| format!(r#" r="{}{r}""#, column_name(c))),
        1 => (0u32..16_384, 1u32..1_048_577).prop_map(|(c, r)| format!(r#" r="{}{r}""#, column_name(c))),
        1 => Just(String::new()),
        1 => "[A-Z0-9]{0,9}".prop_map(|r| format!(r#" r="{r}""#)),
    ];
    let value = prop_oneof![
        "[0-9]{1,20}".prop_map(|v| format!("<v>{v}</v>")),
        "-?[0-9]{1,3}\\.[0-9]{0,6}(E[+-]?[0-9]{1,3})?".prop_map(|v| format!("<v>{v}</v>")),
        "[a-z\u{4e00}-\u{4e20}]{0,10}".prop_map(|v| format!("<is><t>{v}</t></is>")),
        Just("<v></v>".to_owned()),
        Just("<f>SUM(A1:A2)</f><v>3</v>".to_owned()),
        "[0-9]{0,3}".prop_map(|v| format!("<v>{v}</v>")),
        Just("<v>&amp;&lt;&#x4e2d;&#99999999;</v>".to_owned()),
    ];
    let kind = prop_oneof![
        Just(""),
        Just(r#" t="s""#),
        Just(r#" t="n""#),
        Just(r#" t="inlineStr""#),
        Just(r#" t="b""#),
        Just(r#" t="d""#),
        Just(r#" t="e""#),
        Just(r#" t="str""#),
        Just(r#" s="1""#),
    ];
    (position, kind, value).prop_map(|(p, k, v)| format!("<c{p}{k}>{v}</c>"))
}

fn xlsx_file() -> impl Strategy<Value = Vec<u8>> {
    let rows = prop::collection::vec(
        (
            prop::option::of(1u32..2_000_000),
            prop::collection::vec(xlsx_cell(), 0..8),
        ),
        0..12,
    );
    let dimension = prop::option::of(prop_oneof![
        Just("A1:C3".to_owned()),
        Just("A1:XFD1048576".to_owned()),
        Just("A1".to_owned()),
        "[A-Z0-9:]{0,12}",
    ]);
    let strings = prop::option::of(prop::collection::vec(
        "[a-z\u{4e00}-\u{4e10}&<>]{0,6}",
        0..6,
    ));
    // damage: flip or cut bytes of the finished zip
    let damage = prop::option::of((any::<prop::sample::Index>(), any::<u8>(), any::<bool>()));
    (rows, dimension, strings, damage).prop_map(|(rows, dimension, strings, damage)| {
        let sheet: String = rows
            .iter()
            .map(|(r, cells)| {
                let r = r.map(|r| format!(r#" r="{r}""#)).unwrap_or_default();
                format!("<row{r}>{}</row>", cells.concat())
            })
            .collect();
        let strings = strings.map(|s| {
            let items: String = s.iter().map(|t| format!("<si><t>{t}</t></si>")).collect();
            format!(r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>"#)
        });
        let mut bytes = Book {
            dimension: dimension.as_deref(),
            sheet: sheet.as_bytes(),
            strings: strings.as_deref().map(str::as_bytes),
            level: Some(1),
        }
        .bytes();
        if let Some((at, byte, cut)) = damage {
            let i = at.index(bytes.len());
            if cut {
                bytes.truncate(i.max(4));
            } else {
                bytes[i] ^= byte | 1;
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: fuzz_cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_file_makes_the_reader_panic_or_hold_too_much(
        bytes in prop_oneof![csv_file(), xlsx_file()]
    ) {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let (result, peak) = read_measured(&bytes);
        prop_assert!(peak < PEAK_LIMIT, "{result:?} held {peak}");
        if let Ok(rows) = result {
            prop_assert!(rows <= MAX_IMPORT_ROWS + 10);
        }
    }
}
