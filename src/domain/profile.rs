//! The customer profile (客户档案): every field of the five groups of PRODUCT.md, described
//! once in [`FIELDS`]. The form, the server, the import, the export, the history and the
//! completeness score all read this one catalogue, so a field added here appears
//! everywhere with the same rules.
//!
//! Each field has one **canonical text** form — what the form shows, what the export
//! writes, what the history records — and [`normalize`] turns anything a user or an ERP
//! typed into it: money in yuan (`1234.50`, stored as fen), areas in whole m², counts as
//! whole numbers, dates `YYYY-MM-DD`, yes/no as `true` / `false`.
//!
//! ```
//! use qudao::domain::profile::{field, normalize};
//! assert_eq!(normalize(field("credit_limit").unwrap(), "¥5,000"), Ok(Some("5000.00".into())));
//! assert_eq!(normalize(field("vivid_display").unwrap(), "有"), Ok(Some("true".into())));
//! assert_eq!(normalize(field("opened_on").unwrap(), "2019年3月8日"), Ok(Some("2019-03-08".into())));
//! ```
//!
//! Cross-field rules live in [`CustomerDraft::parse`]: code, name and kind are required;
//! a terminal has a terminal type and a sub-distributor has none; personal data (group 5)
//! may only be kept once the customer's consent is recorded (PIPL).
use crate::domain::customer::{CustomerCode, CustomerKind, CustomerStatus, TerminalType};
use crate::domain::money::Money;
use crate::domain::staff::{Login, Phone};
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field key → canonical text. A missing key means the field is empty.
pub type Values = BTreeMap<String, String>;

/// The five groups of a profile, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Group {
    Basic,
    Business,
    Store,
    Resources,
    Personal,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Basic,
        Group::Business,
        Group::Store,
        Group::Resources,
        Group::Personal,
    ];

    /// Reads [`Group::as_str`] back.
    pub fn parse(raw: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Basic => "basic",
            Group::Business => "business",
            Group::Store => "store",
            Group::Resources => "resources",
            Group::Personal => "personal",
        }
    }
}

/// What a field holds, and so how its input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Code,
    /// Free text of at most this many characters.
    Text(u32),
    Kind,
    TerminalType,
    Status,
    Phone,
    /// Yuan with at most two decimals, stored as fen, never negative.
    Money,
    /// A whole number of m².
    Area,
    /// A whole number of things (people, vehicles, displays).
    Count,
    Bool,
    Date,
    /// Another customer, named by its code.
    CustomerRef,
    /// An employee, named by login.
    EmployeeRef,
}

/// One profile field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Name in forms, the export header, the history and the database column.
    pub key: &'static str,
    pub group: Group,
    pub ty: FieldType,
    /// Other headers an import accepts for this column (Chinese first).
    pub aliases: &'static [&'static str],
}

macro_rules! f {
    ($key:literal, $group:ident, $ty:expr, [$($alias:literal),*]) => {
        FieldSpec { key: $key, group: Group::$group, ty: $ty, aliases: &[$($alias),*] }
    };
}

use FieldType as T;

/// Fields holding identifiers: a spreadsheet that took them for numbers rounds them, so
/// an import refuses what looks rounded, and exports write them so they stay text.
pub const IDENTIFIER_FIELDS: [&str; 4] = ["code", "parent_code", "phone", "licence_no"];

/// Every profile field, in page and export order.
pub const FIELDS: &[FieldSpec] = &[
    f!(
        "code",
        Basic,
        T::Code,
        ["客户编码", "编码", "客户代码", "编号"]
    ),
    f!(
        "name",
        Basic,
        T::Text(60),
        ["客户名称", "名称", "客户名", "店名"]
    ),
    f!("kind", Basic, T::Kind, ["类型", "客户类型", "类别"]),
    f!(
        "terminal_type",
        Basic,
        T::TerminalType,
        ["终端类型", "业态", "网点类型"]
    ),
    f!(
        "parent_code",
        Basic,
        T::CustomerRef,
        ["上级编码", "所属二批", "上级客户编码", "服务二批编码"]
    ),
    f!("status", Basic, T::Status, ["状态", "客户状态"]),
    f!("district", Basic, T::Text(30), ["区县", "区", "县", "区域"]),
    f!(
        "township",
        Basic,
        T::Text(30),
        ["乡镇", "镇", "街道", "乡镇街道"]
    ),
    f!(
        "address",
        Basic,
        T::Text(120),
        ["地址", "详细地址", "客户地址"]
    ),
    f!(
        "phone",
        Basic,
        T::Phone,
        ["电话", "联系电话", "手机", "手机号"]
    ),
    f!("contact", Basic, T::Text(30), ["联系人"]),
    f!(
        "legal_owner",
        Basic,
        T::Text(30),
        ["法人", "法人代表", "负责人"]
    ),
    f!(
        "business_nature",
        Basic,
        T::Text(30),
        ["经营性质", "企业性质", "性质"]
    ),
    f!(
        "licence_no",
        Basic,
        T::Text(32),
        ["营业执照号", "执照号", "统一社会信用代码", "license_no"]
    ),
    f!(
        "opened_on",
        Basic,
        T::Date,
        ["开业日期", "开业时间", "成立日期"]
    ),
    f!(
        "rep_login",
        Basic,
        T::EmployeeRef,
        ["业务员", "业务员账号", "负责业务员", "rep"]
    ),
    f!(
        "product_lines",
        Business,
        T::Text(200),
        ["经营品类", "经营产品", "主营产品"]
    ),
    f!(
        "competing_brands",
        Business,
        T::Text(200),
        ["竞品", "竞争品牌", "竞品品牌"]
    ),
    f!(
        "monthly_volume",
        Business,
        T::Money,
        ["月销量", "月销售额", "月进货额"]
    ),
    f!("credit_limit", Business, T::Money, ["信用额度", "授信额度"]),
    f!(
        "payment_record",
        Business,
        T::Text(200),
        ["回款记录", "回款情况"]
    ),
    f!(
        "network_reach",
        Business,
        T::Text(200),
        ["分销网络", "网络覆盖", "辐射范围"]
    ),
    f!(
        "store_area",
        Store,
        T::Area,
        ["面积", "营业面积", "店面面积"]
    ),
    f!(
        "shelf_position",
        Store,
        T::Text(60),
        ["货架位置", "陈列位置"]
    ),
    f!("stack_displays", Store, T::Count, ["堆头数", "堆头"]),
    f!("vivid_display", Store, T::Bool, ["生动化陈列", "生动化"]),
    f!("indoor_ads", Store, T::Bool, ["店内广告", "室内广告"]),
    f!("outdoor_ads", Store, T::Bool, ["店外广告", "户外广告"]),
    f!(
        "assistants",
        Store,
        T::Count,
        ["营业员数", "店员数", "营业员"]
    ),
    f!("staff_count", Resources, T::Count, ["员工数", "人员数"]),
    f!("vehicles", Resources, T::Count, ["车辆数", "车辆"]),
    f!("sites", Resources, T::Count, ["网点数", "场地数"]),
    f!(
        "warehouse_area",
        Resources,
        T::Area,
        ["仓库面积", "库房面积"]
    ),
    f!(
        "working_capital",
        Resources,
        T::Money,
        ["流动资金", "资金实力"]
    ),
    f!(
        "personal_consent",
        Personal,
        T::Bool,
        ["个人信息授权", "同意授权"]
    ),
    f!("consent_date", Personal, T::Date, ["授权日期"]),
    f!(
        "key_person",
        Personal,
        T::Text(30),
        ["关键人", "老板姓名", "关键人物"]
    ),
    f!("birthday", Personal, T::Date, ["生日", "出生日期"]),
    f!("hometown", Personal, T::Text(60), ["籍贯", "家乡"]),
    f!("education", Personal, T::Text(60), ["学历", "文化程度"]),
    f!("family", Personal, T::Text(200), ["家庭", "家庭情况"]),
    f!("hobbies", Personal, T::Text(200), ["爱好", "兴趣爱好"]),
    f!("personality", Personal, T::Text(200), ["性格", "性格特点"]),
    f!(
        "background",
        Personal,
        T::Text(200),
        ["背景", "个人经历", "经历"]
    ),
];

/// The field called `key`.
pub fn field(key: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.key == key)
}

/// The fields of one group, in order.
pub fn group_fields(group: Group) -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS.iter().filter(move |f| f.group == group)
}

/// Largest count or area accepted (a million m² or people is already absurd).
pub const MAX_WHOLE: i64 = 1_000_000;

/// Reads what was typed for `spec` into canonical text; `None` when empty.
pub fn normalize(spec: &FieldSpec, raw: &str) -> Result<Option<String>, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let text = match spec.ty {
        T::Code => CustomerCode::parse(t)?.as_str().to_owned(),
        T::Text(max) => return optional_text(t, max),
        T::Kind => CustomerKind::parse(t)?.as_str().to_owned(),
        T::TerminalType => TerminalType::parse(t)?.as_str().to_owned(),
        T::Status => CustomerStatus::parse(t)?.as_str().to_owned(),
        T::Phone => Phone::parse(t)?.as_str().to_owned(),
        T::Money => {
            let m = Money::parse_yuan(t)?;
            if m.0 < 0 {
                return Err(FieldErrorCode::Negative);
            }
            m.to_yuan_string()
        }
        T::Area => {
            parse_whole(t.trim_end_matches(['㎡', '平']).trim_end_matches("m2"))?.to_string()
        }
        T::Count => parse_whole(t.trim_end_matches(['个', '人', '辆', '台']))?.to_string(),
        T::Bool => parse_bool(t)?.to_string(),
        T::Date => parse_date(t)?.to_string(),
        T::CustomerRef => CustomerCode::parse(t)?.as_str().to_owned(),
        T::EmployeeRef => Login::parse(t)?.as_str().to_owned(),
    };
    Ok(Some(text))
}

fn parse_whole(raw: &str) -> Result<i64, FieldErrorCode> {
    let t = raw.trim().replace([',', '，'], "");
    // "120.0" from a spreadsheet cell is still a whole number
    let t = t.strip_suffix(".0").unwrap_or(&t);
    if t.starts_with('-') && t[1..].chars().all(|c| c.is_ascii_digit()) && t.len() > 1 {
        return Err(FieldErrorCode::Negative);
    }
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldErrorCode::InvalidNumber);
    }
    if t.len() > 7 {
        return Err(FieldErrorCode::TooLarge);
    }
    let n: i64 = t.parse().map_err(|_| FieldErrorCode::InvalidNumber)?;
    if n > MAX_WHOLE {
        return Err(FieldErrorCode::TooLarge);
    }
    Ok(n)
}

fn parse_bool(raw: &str) -> Result<bool, FieldErrorCode> {
    match raw.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "有" | "对" | "✓" => Ok(true),
        "false" | "no" | "n" | "0" | "否" | "无" | "没有" => Ok(false),
        _ => Err(FieldErrorCode::InvalidChoice),
    }
}

/// `2019-03-08`, `2019/3/8`, `2019.03.08`, `2019年3月8日`; years 1900–2100.
pub fn parse_date(raw: &str) -> Result<NaiveDate, FieldErrorCode> {
    let t = raw.trim().trim_end_matches('日');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(FieldErrorCode::InvalidDate);
    };
    let num = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| FieldErrorCode::InvalidDate)
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    if !(1900..=2100).contains(&y) {
        return Err(FieldErrorCode::InvalidDate);
    }
    let y = i32::try_from(y).map_err(|_| FieldErrorCode::InvalidDate)?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or(FieldErrorCode::InvalidDate)
}

/// A profile whose every field passed its own and the cross-field rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDraft {
    values: Values,
}

impl CustomerDraft {
    /// Normalizes every known field of `raw` and applies the cross-field rules; collects
    /// every error rather than stopping at the first. Unknown keys are ignored.
    pub fn parse(raw: &Values) -> Result<CustomerDraft, Vec<FieldError>> {
        let mut values = Values::new();
        let mut errors = Vec::new();
        for spec in FIELDS {
            let Some(input) = raw.get(spec.key) else {
                continue;
            };
            match normalize(spec, input) {
                Ok(Some(v)) => {
                    values.insert(spec.key.to_owned(), v);
                }
                Ok(None) => {}
                Err(code) => errors.push(FieldError::new(spec.key, code)),
            }
        }
        // a customer without a stated status trades (CustomerStatus::parse of "")
        values
            .entry("status".to_owned())
            .or_insert_with(|| CustomerStatus::Active.as_str().to_owned());
        let failed = |key: &str, errors: &[FieldError]| errors.iter().any(|e| e.field == key);
        for key in ["code", "name", "kind"] {
            if !values.contains_key(key) && !failed(key, &errors) {
                errors.push(FieldError::new(key, FieldErrorCode::Required));
            }
        }
        let kind = values.get("kind").and_then(|k| CustomerKind::parse(k).ok());
        let has_type = values.contains_key("terminal_type");
        match kind {
            Some(CustomerKind::Terminal) if !has_type && !failed("terminal_type", &errors) => {
                errors.push(FieldError::new("terminal_type", FieldErrorCode::Required));
            }
            Some(CustomerKind::SubDistributor) if has_type => {
                errors.push(FieldError::new(
                    "terminal_type",
                    FieldErrorCode::OnlyForTerminals,
                ));
            }
            _ => {}
        }
        if values.contains_key("code") && values.get("code") == values.get("parent_code") {
            errors.push(FieldError::new("parent_code", FieldErrorCode::ParentCycle));
        }
        let consent = values.get("personal_consent").map(String::as_str) == Some("true");
        if !consent {
            for spec in group_fields(Group::Personal) {
                if spec.key != "personal_consent" && values.contains_key(spec.key) {
                    errors.push(FieldError::new(spec.key, FieldErrorCode::ConsentRequired));
                }
            }
        }
        if errors.is_empty() {
            Ok(CustomerDraft { values })
        } else {
            Err(errors)
        }
    }

    pub fn values(&self) -> &Values {
        &self.values
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    pub fn code(&self) -> &str {
        self.get("code").unwrap_or_default()
    }

    pub fn kind(&self) -> CustomerKind {
        self.get("kind")
            .and_then(|k| CustomerKind::parse(k).ok())
            .unwrap_or(CustomerKind::Terminal)
    }

    pub fn into_values(self) -> Values {
        self.values
    }
}

/// One field whose canonical value differs between two versions of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The fields that differ from `before` to `after`, in catalogue order.
pub fn diff(before: &Values, after: &Values) -> Vec<FieldChange> {
    FIELDS
        .iter()
        .filter_map(|spec| {
            let (old, new) = (before.get(spec.key), after.get(spec.key));
            (old != new).then(|| FieldChange {
                field: spec.key.to_owned(),
                old: old.cloned(),
                new: new.cloned(),
            })
        })
        .collect()
}

/// A recorded change as the profile's history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: i64,
    /// Written as chrono does, read without its general parser (the first load reads it
    /// in an edit conflict: `domain::time::utc_serde`).
    #[serde(with = "crate::domain::time::utc_serde")]
    pub at: DateTime<Utc>,
    pub by_name: String,
    /// The profile version this change produced.
    pub version: i64,
    pub change: FieldChange,
}

/// How complete a profile is, and what is missing, group by group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    /// Filled expected fields, in percent, rounded down.
    pub percent: u8,
    pub missing: Vec<(Group, Vec<String>)>,
}

/// Which fields a complete profile has. Everyone needs the basic and business groups;
/// terminals need the store group; sub-distributors, and any tier-A customer, need the
/// resources group; tier-A customers need the personal group too (the article: this is
/// what carries a relationship through hard times).
pub fn expected(spec: &FieldSpec, kind: CustomerKind, tier_a: bool) -> bool {
    let terminal = kind == CustomerKind::Terminal;
    match spec.key {
        "code" | "status" | "consent_date" => false,
        "parent_code" => false,
        "terminal_type" => terminal,
        "network_reach" => !terminal,
        _ => match spec.group {
            Group::Basic | Group::Business => true,
            Group::Store => terminal,
            Group::Resources => !terminal || tier_a,
            Group::Personal => tier_a,
        },
    }
}

/// The completeness score of `values` for a customer of `kind`.
pub fn completeness(values: &Values, kind: CustomerKind, tier_a: bool) -> Completeness {
    let mut total = 0u32;
    let mut filled = 0u32;
    let mut missing: Vec<(Group, Vec<String>)> = Vec::new();
    for spec in FIELDS.iter().filter(|s| expected(s, kind, tier_a)) {
        total += 1;
        if values.contains_key(spec.key) {
            filled += 1;
        } else {
            match missing.last_mut() {
                Some((g, keys)) if *g == spec.group => keys.push(spec.key.to_owned()),
                _ => missing.push((spec.group, vec![spec.key.to_owned()])),
            }
        }
    }
    let percent = (filled * 100).checked_div(total).unwrap_or(100);
    Completeness {
        percent: u8::try_from(percent).unwrap_or(100),
        missing,
    }
}

/// Finds the field a spreadsheet header means: the key itself (any case, spaces or
/// dashes for underscores) or one of its aliases.
pub fn field_for_header(header: &str) -> Option<&'static FieldSpec> {
    let h = header.trim().trim_start_matches('\u{feff}').trim();
    let canon = h.to_lowercase().replace([' ', '-'], "_");
    FIELDS
        .iter()
        .find(|f| f.key == canon || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(h)))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use proptest::prelude::*;

    fn vals(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn codes(r: Result<CustomerDraft, Vec<FieldError>>) -> Vec<(String, FieldErrorCode)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn the_catalogue_has_unique_keys_and_aliases() {
        let mut seen = std::collections::HashSet::new();
        for f in FIELDS {
            assert!(seen.insert(f.key.to_owned()), "duplicate key {}", f.key);
            for a in f.aliases {
                assert!(seen.insert((*a).to_lowercase()), "alias {a} used twice");
            }
        }
    }

    #[test]
    fn a_terminal_needs_code_name_kind_and_type() {
        let ok = CustomerDraft::parse(&vals(&[
            ("code", "T001"),
            ("name", " 解放碑便利店 "),
            ("kind", "终端"),
            ("terminal_type", "便利店"),
            ("credit_limit", "5000"),
        ]))
        .unwrap();
        assert_eq!(ok.get("name"), Some("解放碑便利店"));
        assert_eq!(ok.get("kind"), Some("terminal"));
        assert_eq!(ok.get("credit_limit"), Some("5000.00"));
        assert_eq!(
            codes(CustomerDraft::parse(&vals(&[("kind", "terminal")]))),
            vec![
                ("code".into(), FieldErrorCode::Required),
                ("name".into(), FieldErrorCode::Required),
                ("terminal_type".into(), FieldErrorCode::Required),
            ]
        );
    }

    #[test]
    fn a_sub_distributor_has_no_terminal_type_and_cannot_serve_itself() {
        let errs = codes(CustomerDraft::parse(&vals(&[
            ("code", "S1"),
            ("name", "北碚二批"),
            ("kind", "二批"),
            ("terminal_type", "超市"),
            ("parent_code", "S1"),
        ])));
        assert_eq!(
            errs,
            vec![
                ("terminal_type".into(), FieldErrorCode::OnlyForTerminals),
                ("parent_code".into(), FieldErrorCode::ParentCycle),
            ]
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errs = codes(CustomerDraft::parse(&vals(&[
            ("code", "A 1"),
            ("name", "x"),
            ("kind", "wholesaler"),
            ("phone", "12345"),
            ("store_area", "大"),
            ("vivid_display", "maybe"),
            ("opened_on", "2019-02-30"),
            ("credit_limit", "-5"),
            ("monthly_volume", "1.234"),
        ])));
        assert_eq!(
            errs,
            vec![
                ("code".into(), FieldErrorCode::InvalidCode),
                ("kind".into(), FieldErrorCode::InvalidChoice),
                ("phone".into(), FieldErrorCode::InvalidPhone),
                ("opened_on".into(), FieldErrorCode::InvalidDate),
                ("monthly_volume".into(), FieldErrorCode::TooManyDecimals),
                ("credit_limit".into(), FieldErrorCode::Negative),
                ("store_area".into(), FieldErrorCode::InvalidNumber),
                ("vivid_display".into(), FieldErrorCode::InvalidChoice),
            ]
        );
    }

    #[test]
    fn personal_data_needs_recorded_consent() {
        let base = [
            ("code", "T1"),
            ("name", "店"),
            ("kind", "terminal"),
            ("terminal_type", "kiosk"),
            ("hobbies", "钓鱼"),
        ];
        assert_eq!(
            codes(CustomerDraft::parse(&vals(&base))),
            vec![("hobbies".into(), FieldErrorCode::ConsentRequired)]
        );
        let mut with = vals(&base);
        with.insert("personal_consent".into(), "是".into());
        assert!(CustomerDraft::parse(&with).is_ok());
    }

    #[test]
    fn numbers_dates_and_yes_no_have_one_canonical_form() {
        let n = |k: &str, v: &str| normalize(field(k).unwrap(), v);
        assert_eq!(n("store_area", "120㎡"), Ok(Some("120".into())));
        assert_eq!(n("store_area", "1,200"), Ok(Some("1200".into())));
        assert_eq!(n("vehicles", "3.0"), Ok(Some("3".into())));
        assert_eq!(n("vehicles", "-1"), Err(FieldErrorCode::Negative));
        assert_eq!(n("vehicles", "2000000"), Err(FieldErrorCode::TooLarge));
        assert_eq!(n("indoor_ads", "否"), Ok(Some("false".into())));
        assert_eq!(n("opened_on", "2019/3/8"), Ok(Some("2019-03-08".into())));
        assert_eq!(
            n("opened_on", "1899-01-01"),
            Err(FieldErrorCode::InvalidDate)
        );
        assert_eq!(n("rep_login", " Rep.Wang "), Ok(Some("rep.wang".into())));
        assert_eq!(n("address", "   "), Ok(None));
    }

    #[test]
    fn headers_are_found_in_chinese_english_and_loose_spelling() {
        assert_eq!(field_for_header("客户编码").unwrap().key, "code");
        assert_eq!(field_for_header("\u{feff}code").unwrap().key, "code");
        assert_eq!(
            field_for_header("Terminal Type").unwrap().key,
            "terminal_type"
        );
        assert_eq!(field_for_header("Parent-Code").unwrap().key, "parent_code");
        assert_eq!(field_for_header("上级编码").unwrap().key, "parent_code");
        assert!(field_for_header("备注2").is_none());
    }

    #[test]
    fn completeness_names_what_is_missing_and_asks_more_of_tier_a() {
        let v = vals(&[
            ("code", "T1"),
            ("name", "店"),
            ("kind", "terminal"),
            ("terminal_type", "kiosk"),
        ]);
        let c = completeness(&v, CustomerKind::Terminal, false);
        assert!(c.percent < 20);
        assert_eq!(c.missing[0].0, Group::Basic);
        assert!(c.missing[0].1.contains(&"phone".to_owned()));
        assert!(!c.missing.iter().any(|(g, _)| *g == Group::Personal));
        let a = completeness(&v, CustomerKind::Terminal, true);
        assert!(a.percent < c.percent);
        assert!(a.missing.iter().any(|(g, _)| *g == Group::Personal));
        let full: Values = FIELDS
            .iter()
            .map(|f| (f.key.to_owned(), "x".to_owned()))
            .collect();
        assert_eq!(
            completeness(&full, CustomerKind::Terminal, true).percent,
            100
        );
        assert!(
            completeness(&full, CustomerKind::Terminal, true)
                .missing
                .is_empty()
        );
    }

    #[test]
    fn diff_lists_changed_fields_in_order() {
        let a = vals(&[("name", "甲"), ("phone", "13800000000")]);
        let b = vals(&[("name", "乙"), ("address", "解放碑")]);
        let d = diff(&a, &b);
        let keys: Vec<_> = d.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(keys, ["name", "address", "phone"]);
        assert_eq!(d[2].new, None);
        assert!(diff(&a, &a).is_empty());
    }

    fn any_field() -> impl Strategy<Value = FieldSpec> {
        proptest::sample::select(FIELDS)
    }

    proptest! {
        /// Canonical text is a fixed point: normalizing it again gives it back unchanged,
        /// so an export imported again changes nothing.
        #[test]
        fn canonical_text_is_stable(spec in any_field(), raw in "[0-9a-zA-Z年月日./ ,¥-]{0,14}|\\PC{0,10}") {
            if let Ok(Some(c)) = normalize(&spec, &raw) {
                prop_assert_eq!(normalize(&spec, &c), Ok(Some(c.clone())));
            }
        }

        /// Completeness is a percentage and filling a field never lowers it.
        #[test]
        fn filling_a_field_never_lowers_completeness(mask in proptest::collection::vec(any::<bool>(), FIELDS.len()), extra in 0..FIELDS.len(), tier_a: bool, terminal: bool) {
            let kind = if terminal { CustomerKind::Terminal } else { CustomerKind::SubDistributor };
            let mut v: Values = FIELDS.iter().zip(&mask).filter(|(_, m)| **m)
                .map(|(f, _)| (f.key.to_owned(), "x".to_owned())).collect();
            let before = completeness(&v, kind, tier_a);
            prop_assert!(before.percent <= 100);
            v.insert(FIELDS[extra].key.to_owned(), "x".to_owned());
            prop_assert!(completeness(&v, kind, tier_a).percent >= before.percent);
        }
    }
}
