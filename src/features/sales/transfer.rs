//! Sales import: what the browser and the server exchange, and the columns a file may
//! have. Like the customer import it is a **preview** (the whole run in a transaction
//! that is rolled back) then a **commit** (the same run, kept only without errors).
use crate::features::customers::transfer::{FileProblem, RowError};
use serde::{Deserialize, Serialize};

/// The columns of a sales file: key, required, and the headers read as it (besides the
/// key itself), as Yonyou, Kingdee and people name them.
pub const COLUMNS: [(&str, bool, &[&str]); 9] = [
    (
        "order_date",
        true,
        &["订单日期", "日期", "单据日期", "销售日期", "date"],
    ),
    (
        "customer_code",
        true,
        &["客户编码", "客户代码", "客户编号", "customer"],
    ),
    (
        "product_sku",
        true,
        &["商品编码", "存货编码", "物料编码", "商品代码", "sku"],
    ),
    ("quantity", true, &["数量", "销售数量", "qty"]),
    (
        "amount",
        true,
        &["金额", "销售金额", "价税合计", "含税金额"],
    ),
    ("cost", true, &["成本", "成本金额", "销售成本"]),
    (
        "product_name",
        false,
        &["商品名称", "存货名称", "物料名称", "品名"],
    ),
    ("rep_login", false, &["业务员账号", "业务员", "rep"]),
    (
        "document_no",
        false,
        &[
            "单据编号",
            "单据号",
            "单号",
            "销售单号",
            "出库单号",
            "document",
        ],
    ),
];

/// Longest document number (单据编号) kept.
pub const MAX_DOCUMENT_NO: usize = 64;

/// The column key a header means, if any (case, spaces and a BOM ignored).
pub fn column_for_header(header: &str) -> Option<&'static str> {
    let h = header.trim_start_matches('\u{feff}').trim().to_lowercase();
    COLUMNS
        .iter()
        .find(|(key, _, aliases)| *key == h || aliases.iter().any(|a| a.to_lowercase() == h))
        .map(|(key, _, _)| *key)
}

/// Choices sent with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SalesImportOptions {
    /// Create products for unknown SKUs from the `product_name` column.
    pub create_products: bool,
    pub commit: bool,
    /// When this very file was imported before: take the earlier import's lines out and
    /// store this one in their place (otherwise the file is refused).
    pub replace: bool,
}

/// The result of a preview or a commit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SalesImportReport {
    /// Data rows read (empty rows not counted).
    pub rows: usize,
    /// Lines stored (or that would be, in a preview).
    pub lines: usize,
    /// Orders the lines form (consecutive lines of one customer and date).
    pub orders: usize,
    pub products_created: usize,
    /// Σ amount, fen.
    pub amount: i64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub error_count: usize,
    pub errors: Vec<RowError>,
    pub committed: bool,
    /// Lines of an earlier import of the same file taken out (with `replace`).
    #[serde(default)]
    pub replaced_lines: usize,
}

/// An earlier import of the same file (same bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierImport {
    /// When, RFC 3339 (UTC).
    pub at: String,
    /// Who, by name; none for the command line.
    pub by: Option<String>,
    pub file_name: Option<String>,
    pub lines: i64,
}

/// The answer to a sales import request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SalesImportOutcome {
    Report(SalesImportReport),
    /// This file was imported before; nothing was done.
    AlreadyImported(EarlierImport),
    File(FileProblem),
}

/// A column's name as people read it.
pub fn column_label(locale: crate::i18n::Locale, key: &str) -> String {
    use crate::i18n::*;
    match key {
        "order_date" => td_string!(locale, sales.order_date).to_string(),
        "customer_code" => td_string!(locale, sales.customer_code).to_string(),
        "product_sku" => td_string!(locale, sales.sku).to_string(),
        "quantity" => td_string!(locale, sales.quantity).to_string(),
        "amount" => td_string!(locale, sales.amount).to_string(),
        "cost" => td_string!(locale, sales.cost).to_string(),
        "product_name" => td_string!(locale, sales.product_name).to_string(),
        "rep_login" => td_string!(locale, sales.rep_login).to_string(),
        "document_no" => td_string!(locale, sales.document_no).to_string(),
        other => other.to_owned(),
    }
}

/// A file problem of a sales import as a sentence (missing columns by their sales names).
/// The refusal of a file imported before, in `locale`: when and by whom (Beijing time).
pub fn already_imported_message(locale: crate::i18n::Locale, e: &EarlierImport) -> String {
    use crate::i18n::*;
    let at = chrono::DateTime::parse_from_rfc3339(&e.at)
        .map(|t| crate::domain::time::beijing_minute(t.to_utc()))
        .unwrap_or_else(|_| e.at.clone());
    let by =
        e.by.clone()
            .unwrap_or_else(|| td_string!(locale, sales.command_line).to_string());
    let lines = e.lines;
    td_string!(
        locale,
        sales.already_imported,
        at = at,
        by = by,
        lines = lines
    )
    .to_string()
}

pub fn sales_problem_message(locale: crate::i18n::Locale, p: &FileProblem) -> String {
    use crate::i18n::*;
    match p {
        FileProblem::MissingColumns(cols) => {
            let columns = cols
                .iter()
                .map(|c| column_label(locale, c))
                .collect::<Vec<_>>()
                .join(td_string!(locale, common.list_sep));
            td_string!(locale, import.problem_missing, columns = columns).to_string()
        }
        other => crate::features::customers::transfer::problem_message(locale, other),
    }
}
