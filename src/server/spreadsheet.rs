//! Reading an uploaded file into text cells, within fixed bounds: CSV in UTF-8 (with or
//! without BOM), UTF-16 with BOM or GBK/GB18030 as Yonyou and Kingdee export them, and
//! `.xlsx`.
//!
//! A spreadsheet is a zip of XML parts, and its size on the wire says nothing of its size
//! unpacked or as cells: a 1.6 KB workbook can name cell XFD1048576, and a 20 MB one can
//! unpack to gigabytes. So nothing here trusts a declared size, and every bound is checked
//! **before** the thing it bounds is held in memory:
//!
//! 1. the zip's end record (entry count, directory inside the file) is checked by hand;
//! 2. every part is inflated once into a sink, counting bytes: the whole, each part the
//!    reader keeps in memory (shared strings, styles, workbook), and the longest run of
//!    XML without a `<` (the most a single token can make the XML reader buffer);
//! 3. the first sheet is then read cell by cell (never as a dense grid), each cell's
//!    position checked against the row and column limits and the count of cells kept.
//!
//! The reader is CPU-bound: callers run it on a blocking thread ([`read_table_off_thread`]).
use crate::features::customers::transfer::{
    FileProblem, MAX_CELL_CHARS, MAX_IMPORT_CELLS, MAX_IMPORT_COLUMNS, MAX_IMPORT_ROWS,
};
use calamine::{DataRef, Reader, Xlsx};
use std::io::{Cursor, Read};

/// Most bytes all parts of a workbook may inflate to.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
/// Most bytes a part the reader holds whole (shared strings, styles, workbook) may have.
pub const MAX_HELD_PART_BYTES: u64 = 32 * 1024 * 1024;
/// Longest run of XML between two `<`: bounds the reader's token buffer.
pub const MAX_XML_RUN: u64 = 1024 * 1024;
/// Most entries in a workbook's zip.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Rows read beyond the limit before refusing (title rows above the header).
const SLACK_ROWS: usize = 10;

/// A file read into text cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub rows: Vec<Vec<String>>,
}

/// Reads `bytes` as a spreadsheet (zip signature → xlsx) or delimited text.
pub fn read_table(bytes: &[u8]) -> Result<Table, FileProblem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileProblem::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // legacy .xls (OLE): ask for .xlsx or CSV
        return Err(FileProblem::Unreadable);
    }
    read_csv(&decode(bytes)?)
}

/// Files read at once: each may take up to the reader's memory bound (256 MB), so a
/// burst of uploads waits its turn instead of adding up.
const PARSES_AT_ONCE: usize = 2;
static PARSES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PARSES_AT_ONCE);

/// Waits for a turn to read a file (held until the permit is dropped).
pub async fn parse_turn() -> Option<tokio::sync::SemaphorePermit<'static>> {
    // the semaphore is never closed: `None` cannot happen, and would only skip the wait
    PARSES.acquire().await.ok()
}

/// [`read_table`] on a blocking thread, so a large file never stalls the async workers.
/// A panic inside the reader (a bug in a parser) is a file that cannot be read, not a
/// dead request.
pub async fn read_table_off_thread(bytes: axum::body::Bytes) -> Result<Table, FileProblem> {
    // the turn goes with the work: a request given up (timeout) frees it only when the
    // reading really ends
    let turn = parse_turn().await;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        read_table(&bytes)
    })
    .await
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "file reader failed");
        Err(FileProblem::Unreadable)
    })
}

/// Text of a CSV file in any of the encodings Chinese office software writes.
pub fn decode(bytes: &[u8]) -> Result<String, FileProblem> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|_| FileProblem::WrongEncoding);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(encoding_rs::UTF_16LE, rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(encoding_rs::UTF_16BE, rest);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_owned());
    }
    let text = encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or(FileProblem::WrongEncoding)?;
    // GB18030 decodes almost any byte soup; real Chinese text is mostly CJK, letters,
    // digits and punctuation. Much else means a wrong guess (e.g. a Big5 or binary file).
    let odd = text
        .chars()
        .filter(|c| {
            !(c.is_ascii()
                || ('\u{4e00}'..='\u{9fff}').contains(c)
                || ('\u{3000}'..='\u{303f}').contains(c)
                || ('\u{ff00}'..='\u{ffef}').contains(c))
        })
        .count();
    if odd * 20 > text.chars().count() {
        return Err(FileProblem::WrongEncoding);
    }
    Ok(text.into_owned())
}

/// [`decode`] for a file read as it streams (a sales file of ten million lines is half a
/// gigabyte): a UTF-8 file keeps its own bytes (its mark cut off) instead of a copy of
/// them; any other encoding is decoded as [`decode`] does.
pub fn decode_shared(bytes: axum::body::Bytes) -> Result<axum::body::Bytes, FileProblem> {
    // no UTF-16 mark is UTF-8 (0xFE and 0xFF never are), so a file that is UTF-8 is read
    // as such here as it is by `decode`
    let text = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(_) => bytes.slice(3..),
        None => bytes.clone(),
    };
    if std::str::from_utf8(&text).is_ok() {
        return Ok(text);
    }
    decode(&bytes).map(|s| axum::body::Bytes::from(s.into_bytes()))
}

fn utf16(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> Result<String, FileProblem> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
        .ok_or(FileProblem::WrongEncoding)
}

/// The delimiter of a CSV text: whichever of comma, tab and semicolon its first line
/// holds most of.
pub fn delimiter_of(text: &[u8]) -> u8 {
    let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| first.iter().filter(|b| *b == d).count())
        .unwrap_or(b',')
}

/// Counts what a file holds as it is read, and refuses it at the first bound passed.
#[derive(Default)]
struct Bounds {
    cells: usize,
    text: usize,
}

/// Most bytes of text all kept cells may hold together (a shared string is copied into
/// every cell that uses it, so a small file can name a long one a million times).
pub const MAX_TABLE_TEXT_BYTES: usize = 96 * 1024 * 1024;

impl Bounds {
    fn row(&mut self, row: usize, width: usize) -> Result<(), FileProblem> {
        if row >= MAX_IMPORT_ROWS + SLACK_ROWS {
            return Err(FileProblem::TooManyRows(MAX_IMPORT_ROWS));
        }
        if width > MAX_IMPORT_COLUMNS {
            return Err(FileProblem::TooManyColumns(MAX_IMPORT_COLUMNS));
        }
        self.cells += width;
        if self.cells > MAX_IMPORT_CELLS {
            return Err(FileProblem::TooManyCells(MAX_IMPORT_CELLS));
        }
        Ok(())
    }

    /// Counts the text of a kept cell against the table's budget.
    fn keep(&mut self, text: &str) -> Result<(), FileProblem> {
        self.text += text.len();
        if self.text > MAX_TABLE_TEXT_BYTES {
            return Err(FileProblem::TooLargeUnpacked(MAX_TABLE_TEXT_BYTES as u64));
        }
        Ok(())
    }

    fn cell(row: usize, text: &str) -> Result<(), FileProblem> {
        // bytes first: cheap, and a char is at most four of them
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err(FileProblem::CellTooLong {
                row: row + 1,
                max: MAX_CELL_CHARS,
            });
        }
        Ok(())
    }
}

/// Runs the CSV parser over `text` without keeping a cell, counting fields: refuses a
/// record wider than the column limit and, when `whole` (a file that will be held as
/// cells), more rows or cells than the limits. The same parser the reader uses, so the
/// count is exact; memory stays a fixed buffer whatever the text.
pub fn check_csv_shape(text: &[u8], delimiter: u8, whole: bool) -> Result<usize, FileProblem> {
    use csv_core::ReadFieldResult;
    let mut parser = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut input = text;
    let mut out = [0u8; 4096];
    let (mut width, mut rows, mut cells) = (0usize, 0usize, 0usize);
    loop {
        let (result, read, _) = parser.read_field(input, &mut out);
        input = &input[read..];
        match result {
            ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => {}
            ReadFieldResult::Field { record_end } => {
                width += 1;
                cells += 1;
                if width > MAX_IMPORT_COLUMNS {
                    return Err(FileProblem::TooManyColumns(MAX_IMPORT_COLUMNS));
                }
                if whole && cells > MAX_IMPORT_CELLS {
                    return Err(FileProblem::TooManyCells(MAX_IMPORT_CELLS));
                }
                if record_end {
                    width = 0;
                    rows += 1;
                    if whole && rows > MAX_IMPORT_ROWS + SLACK_ROWS {
                        return Err(FileProblem::TooManyRows(MAX_IMPORT_ROWS));
                    }
                }
            }
            ReadFieldResult::End => return Ok(rows),
        }
    }
}

fn read_csv(text: &str) -> Result<Table, FileProblem> {
    let delimiter = delimiter_of(text.as_bytes());
    check_csv_shape(text.as_bytes(), delimiter, true)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut bounds = Bounds::default();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(FileProblem::Unreadable),
        }
        bounds.row(rows.len(), record.len())?;
        let mut cells = Vec::with_capacity(record.len());
        for c in &record {
            Bounds::cell(rows.len(), c)?;
            cells.push(crate::server::transfer::unguard(c.trim()).to_owned());
        }
        rows.push(cells);
    }
    Ok(Table { rows })
}

/// One CSV record as trimmed cells, refused when wider than the column limit or holding
/// a cell longer than the cell limit (the sales import reads CSV a record at a time).
pub fn csv_cells(row: usize, record: &csv::StringRecord) -> Result<Vec<String>, FileProblem> {
    if record.len() > MAX_IMPORT_COLUMNS {
        return Err(FileProblem::TooManyColumns(MAX_IMPORT_COLUMNS));
    }
    record
        .iter()
        .map(|c| {
            Bounds::cell(row, c)?;
            Ok(c.trim().to_owned())
        })
        .collect()
}

fn cell_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        // more digits than a spreadsheet keeps exactly: read as it shows them (9.15E17),
        // so an identifier it rounded is refused rather than believed
        DataRef::Float(f) if f.abs() >= 1e15 => {
            crate::domain::validation::spreadsheet_exponent_form(*f)
        }
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => dt
            .as_datetime()
            .map(|d| d.date().format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.chars().take(10).collect(),
    }
}

/// Checks the zip's end-of-central-directory record: a sane entry count and a directory
/// that lies inside the file. Zip64 (which a workbook under the upload limit never needs)
/// is refused, so no declared 64-bit count reaches the zip reader.
fn check_zip_directory(bytes: &[u8]) -> Result<(), FileProblem> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail_from = bytes.len().saturating_sub(22 + 65_535);
    let at = bytes[tail_from..]
        .windows(4)
        .rposition(|w| w == EOCD)
        .map(|i| tail_from + i)
        .ok_or(FileProblem::Unreadable)?;
    let record = bytes.get(at..at + 22).ok_or(FileProblem::Unreadable)?;
    let u16_at = |i: usize| u16::from_le_bytes([record[i], record[i + 1]]);
    let u32_at =
        |i: usize| u32::from_le_bytes([record[i], record[i + 1], record[i + 2], record[i + 3]]);
    let entries = u16_at(10);
    let dir_size = u32_at(12);
    let dir_start = u32_at(16);
    if entries == u16::MAX || dir_size == u32::MAX || dir_start == u32::MAX {
        return Err(FileProblem::Unreadable);
    }
    let entries = usize::from(entries);
    let (dir_size, dir_start) = (dir_size as usize, dir_start as usize);
    if entries > MAX_ZIP_ENTRIES
        || entries.saturating_mul(46) > dir_size
        || dir_start.saturating_add(dir_size) > at
    {
        return Err(FileProblem::Unreadable);
    }
    Ok(())
}

/// Where a byte of XML lies, for measuring tokens: the XML reader buffers one whole token
/// (a tag with its attributes, a comment, CDATA, a processing instruction, or a run of
/// text) however long, so no token may pass [`MAX_XML_RUN`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lex {
    Text,
    /// Just after `<`: what kind of markup is not known yet.
    Open,
    Tag {
        quote: Option<u8>,
    },
    /// Inside `<!…` / `<?…`: ends at `>` for a declaration or processing instruction,
    /// at `-->` for a comment, at `]]>` for CDATA (tracked by `tail`).
    Special {
        ends: &'static [u8],
    },
}

/// A part being inflated, counted as it is read: refuses (as an I/O error carrying the
/// problem) when the workbook passes the unpacked limit, when a part passes the limit of
/// a part the reader keeps whole (checked after reading, once it is known whether the
/// part is the sheet that is streamed), or when an XML token passes [`MAX_XML_RUN`].
struct Counted<'a, R> {
    inner: R,
    total: &'a mut u64,
    size: u64,
    run: u64,
    lex: Lex,
    tail: [u8; 2],
    xml: bool,
}

impl<R: Read> Counted<'_, R> {
    fn step(&mut self, b: u8) {
        let (prev2, prev1) = (self.tail[0], self.tail[1]);
        self.tail = [prev1, b];
        self.run += 1;
        self.lex = match self.lex {
            Lex::Text if b == b'<' => {
                self.run = 1;
                Lex::Open
            }
            Lex::Text => Lex::Text,
            Lex::Open => match b {
                b'!' => Lex::Special { ends: b"" },
                b'?' => Lex::Special { ends: b"?>" },
                b'>' => self.end_token(),
                _ => Lex::Tag { quote: None },
            },
            Lex::Tag { quote: Some(q) } if b == q => Lex::Tag { quote: None },
            Lex::Tag { quote: Some(q) } => Lex::Tag { quote: Some(q) },
            Lex::Tag { quote: None } => match b {
                b'"' | b'\'' => Lex::Tag { quote: Some(b) },
                b'>' => self.end_token(),
                _ => Lex::Tag { quote: None },
            },
            // `<!` decides its end from the next bytes: `<!--` comment, `<![` CDATA,
            // anything else a declaration ending at `>`
            Lex::Special { ends: b"" } => match b {
                b'-' => Lex::Special { ends: b"-->" },
                b'[' => Lex::Special { ends: b"]]>" },
                b'>' => self.end_token(),
                _ => Lex::Special { ends: b">" },
            },
            Lex::Special { ends } => {
                let done = match ends {
                    b"-->" => prev2 == b'-' && prev1 == b'-' && b == b'>',
                    b"]]>" => prev2 == b']' && prev1 == b']' && b == b'>',
                    b"?>" => prev1 == b'?' && b == b'>',
                    _ => b == b'>',
                };
                if done {
                    self.end_token()
                } else {
                    Lex::Special { ends }
                }
            }
        };
    }

    fn end_token(&mut self) -> Lex {
        self.run = 0;
        Lex::Text
    }
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.size += n as u64;
        *self.total += n as u64;
        if *self.total > MAX_UNPACKED_BYTES {
            return Err(std::io::Error::other(Refused(
                FileProblem::TooLargeUnpacked(MAX_UNPACKED_BYTES),
            )));
        }
        if self.xml {
            for &b in &buf[..n] {
                self.step(b);
                if self.run > MAX_XML_RUN {
                    return Err(std::io::Error::other(Refused(FileProblem::Unreadable)));
                }
            }
        }
        Ok(n)
    }
}

/// A refusal carried through an I/O error.
#[derive(Debug)]
struct Refused(FileProblem);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Refused {}

fn refusal(e: &std::io::Error) -> FileProblem {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<Refused>())
        .map_or(FileProblem::Unreadable, |r| r.0.clone())
}

/// A read cut short by a limit answers that limit; any other failure of the readers
/// below means the file is not what it claims to be.
impl From<std::io::Error> for FileProblem {
    fn from(e: std::io::Error) -> Self {
        refusal(&e)
    }
}

impl From<quick_xml::Error> for FileProblem {
    fn from(e: quick_xml::Error) -> Self {
        match e {
            quick_xml::Error::Io(io) => refusal(&io),
            _ => FileProblem::Unreadable,
        }
    }
}

macro_rules! unreadable_from {
    ($($e:ty),+ $(,)?) => {$(
        impl From<$e> for FileProblem {
            fn from(_: $e) -> Self {
                FileProblem::Unreadable
            }
        }
    )+};
}

unreadable_from!(
    zip::result::ZipError,
    quick_xml::events::attributes::AttrError,
    calamine::XlsxError,
);

/// Parts that are not XML (pictures, printer settings); everything else is read as XML
/// whatever its name, since the workbook names its parts through relationships.
fn binary_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".bin",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

/// Inflates every part, counting (see [`Counted`]). Every XML part is also read as XML:
/// cell, row and dimension references checked (the workbook reader overflows on a column
/// of eight letters or a row of eleven digits, and on a range that ends before it
/// starts), the declared string count checked (the reader reserves room for it), the
/// text of one cell or shared string bounded; and every part but a worksheet (which the
/// reader streams) kept within the size of a part held whole.
fn check_unpacked(bytes: &[u8]) -> Result<(), FileProblem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(FileProblem::Unreadable);
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index(i)?;
        let name = part.name()?.into_owned();
        let xml = !binary_part(&name);
        let mut counted = Counted {
            inner: part,
            total: &mut total,
            size: 0,
            run: 0,
            lex: Lex::Text,
            tail: [0; 2],
            xml,
        };
        let streamed = if xml {
            check_xml(std::io::BufReader::new(&mut counted))?
        } else {
            std::io::copy(&mut counted, &mut std::io::sink())?;
            false
        };
        if !streamed && counted.size > MAX_HELD_PART_BYTES {
            return Err(FileProblem::TooLargeUnpacked(MAX_UNPACKED_BYTES));
        }
    }
    Ok(())
}

/// Most bytes of text inside one cell or one shared string (several runs of rich text
/// are joined into one; four bytes per character of Excel's limit, and some markup).
const MAX_CELL_TEXT_BYTES: usize = 4 * MAX_CELL_CHARS + 1024;

/// Reads one XML part and checks it (see [`check_unpacked`]); answers whether it is a
/// worksheet (which the workbook reader streams rather than holds).
fn check_xml<R: std::io::BufRead>(input: R) -> Result<bool, FileProblem> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut worksheet = false;
    let mut first = true;
    // depth inside a `<c>` or `<si>`, and the text seen there
    let (mut inside, mut text) = (0usize, 0usize);
    loop {
        let event = reader.read_event_into(&mut buf)?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let local = e.local_name();
                let name: &str = local.as_ref();
                if first {
                    worksheet = name == "worksheet";
                    first = false;
                }
                let checks: &[AttrCheck] = match name {
                    "c" | "row" => &[("r", |v| cell_ref(v).is_some())],
                    "dimension" => &[("ref", valid_range)],
                    "sst" => &[("count", small_count), ("uniqueCount", small_count)],
                    _ => &[],
                };
                for attr in e.attributes() {
                    let attr = attr?;
                    let key = attr.key.local_name();
                    for (wanted, ok) in checks {
                        if key.as_ref() == *wanted && !ok(attr.value.as_bytes()) {
                            return Err(FileProblem::Unreadable);
                        }
                    }
                }
                if matches!(event, Event::Start(_)) {
                    if inside > 0 {
                        inside += 1;
                    } else if name == "c" || name == "si" {
                        inside = 1;
                        text = 0;
                    }
                }
            }
            Event::End(_) if inside > 0 => inside -= 1,
            Event::Text(t) if inside > 0 => text += t.len(),
            Event::CData(t) if inside > 0 => text += t.len(),
            Event::Eof => return Ok(worksheet),
            _ => {}
        }
        if text > MAX_CELL_TEXT_BYTES {
            return Err(FileProblem::Unreadable);
        }
        buf.clear();
    }
}

/// An attribute to check on an element, and its test.
type AttrCheck = (&'static str, fn(&[u8]) -> bool);

/// A declared count the reader may reserve room for: a number no greater than the cell
/// limit.
fn small_count(v: &[u8]) -> bool {
    std::str::from_utf8(v)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n <= MAX_IMPORT_CELLS as u64)
}

/// A cell reference as Excel writes it (`A1`, `XFD1048576`, a row alone `7`), as
/// 1-based (column, row); column 0 when there is none. Anything longer is refused.
fn cell_ref(v: &[u8]) -> Option<(u32, u32)> {
    let letters = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = &v[letters..];
    if letters > 3
        || digits.is_empty()
        || digits.len() > 7
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let col = v[..letters].iter().fold(0u32, |c, b| {
        c * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row = digits
        .iter()
        .fold(0u32, |r, b| r * 10 + u32::from(b - b'0'));
    (row > 0).then_some((col, row))
}

/// A dimension: one reference or two, the second not before the first.
fn valid_range(v: &[u8]) -> bool {
    let mut parts = v.split(|b| *b == b':');
    let (Some(first), second, None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Some(start) = cell_ref(first) else {
        return false;
    };
    match second.map(cell_ref) {
        None => true,
        Some(None) => false,
        Some(Some(end)) => end.0 >= start.0 && end.1 >= start.1,
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, FileProblem> {
    check_zip_directory(bytes)?;
    check_unpacked(bytes)?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(FileProblem::Empty)?;
    let mut cells = book.worksheet_cells_reader(&first)?;
    let declared = cells.dimensions();
    if declared.end.0 as usize >= MAX_IMPORT_ROWS + SLACK_ROWS {
        return Err(FileProblem::TooManyRows(MAX_IMPORT_ROWS));
    }
    if declared.end.1 as usize >= MAX_IMPORT_COLUMNS {
        return Err(FileProblem::TooManyColumns(MAX_IMPORT_COLUMNS));
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut bounds = Bounds::default();
    while let Some(cell) = cells.next_cell()? {
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        Bounds::cell(row, &text)?;
        bounds.keep(&text)?;
        // the width this cell makes its row, counted before the row grows to it
        if col >= MAX_IMPORT_COLUMNS {
            return Err(FileProblem::TooManyColumns(MAX_IMPORT_COLUMNS));
        }
        let width = rows.get(row).map_or(0, Vec::len);
        if col >= width {
            bounds.row(row, col + 1 - width)?;
        }
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        let cells_of_row = &mut rows[row];
        if cells_of_row.len() <= col {
            cells_of_row.resize_with(col + 1, String::new);
        }
        cells_of_row[col] = text;
    }
    if rows.is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok(Table { rows })
}
