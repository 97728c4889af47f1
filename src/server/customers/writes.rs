//! Saving customers: the one path every write takes — the profile page, the import, the
//! command line and the demo seed. It resolves references (parent by code, rep by
//! login), applies the hierarchy rule, derives the search text and completeness score,
//! writes the row and records the history. Callers own the transaction.
use crate::domain::customer::{CustomerKind, check_parent, expand_initials, search_words};
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::profile::{self, CustomerDraft, FieldChange, Values};
use crate::domain::segmentation::Class;
use crate::domain::validation::{FieldError, FieldErrorCode};
use crate::features::customers::api::CustomerQuery;
use crate::server::db::customers::{self, CustomerWrite, RefRow, Scope};
use crate::server::db::{DbConn, UniqueKey as _};
use chrono::{DateTime, Utc};
use pinyin::ToPinyinMulti;
use std::collections::HashMap;
use uuid::Uuid;

/// The text searches look in: code, name, contact, phone, address and region, lower-cased,
/// then the pinyin initials of the name in every reading (so `cqbh` finds 重庆百货).
pub fn search_text(values: &Values) -> String {
    let fields = [
        "code", "name", "contact", "phone", "address", "district", "township",
    ]
    .into_iter()
    .filter_map(|key| values.get(key).cloned());
    let names = values.get("name").map(|n| initials(n)).unwrap_or_default();
    crate::domain::customer::search_text(fields.chain(names))
}

/// Pinyin initials of `name`, one string per combination of readings (capped at
/// [`crate::domain::customer::MAX_INITIAL_VARIANTS`]). Letters and digits are kept as they are; other characters
/// are skipped.
pub fn initials(name: &str) -> Vec<String> {
    expand_initials(&initials_pattern(name))
}

/// `name`'s initials as a pattern ([`crate::domain::customer::initials_pattern`]):
/// 重庆百货 → `[ctz]q[bm]h`.
pub fn initials_pattern(name: &str) -> String {
    let letters: Vec<Vec<char>> = name
        .chars()
        .zip(name.to_pinyin_multi())
        .map(|(ch, multi)| {
            let mut letters: Vec<char> = match multi {
                Some(m) => m
                    .into_iter()
                    .filter_map(|p| p.first_letter().chars().next())
                    .collect(),
                None if ch.is_ascii_alphanumeric() => vec![ch.to_ascii_lowercase()],
                None => Vec::new(),
            };
            letters.sort_unstable();
            letters.dedup();
            letters
        })
        .collect();
    crate::domain::customer::initials_pattern(&letters)
}

/// What references can resolve to: customers by code with their parents, and active
/// employees by login.
#[derive(Debug, Default)]
pub struct Directory {
    by_code: HashMap<String, RefRow>,
    parent_of: HashMap<Uuid, Option<Uuid>>,
    logins: HashMap<String, Uuid>,
    /// (name, phone) → code, and licence number → code: twin detection in O(1).
    by_name_phone: HashMap<(String, String), String>,
    by_licence: HashMap<String, String>,
}

impl Directory {
    /// Just what `draft` refers to (for a single save).
    pub async fn for_draft(
        conn: &mut DbConn,
        company: CompanyId,
        draft: &CustomerDraft,
    ) -> Result<Directory, sqlx::Error> {
        let mut dir = Directory::default();
        // read whatever the code names; `resolve` decides what this user may link to
        if let Some(code) = draft.get("parent_code")
            && let Some(row) = customers::find_by_code(conn, company, Scope::All, code).await?
        {
            for (id, parent) in customers::ancestors(conn, company, row.id).await? {
                dir.parent_of.insert(id, parent);
            }
            dir.by_code.insert(row.code.clone(), row);
        }
        if let Some(login) = draft.get("rep_login") {
            for (l, id) in customers::active_logins(conn, company).await? {
                if l == login {
                    dir.logins.insert(l, id);
                }
            }
        }
        Ok(dir)
    }

    /// The whole company (for imports of thousands of rows).
    pub async fn whole_company(
        conn: &mut DbConn,
        company: CompanyId,
    ) -> Result<Directory, sqlx::Error> {
        let mut dir = Directory::default();
        for row in customers::all_refs(conn, company).await? {
            dir.add(row);
        }
        dir.logins = customers::active_logins(conn, company)
            .await?
            .into_iter()
            .collect();
        Ok(dir)
    }

    /// Remembers a customer written meanwhile (a later import row may refer to it).
    pub fn add(&mut self, row: RefRow) {
        self.parent_of.insert(row.id, row.parent_id);
        if let Some(phone) = &row.phone {
            self.by_name_phone
                .insert((row.name.clone(), phone.clone()), row.code.clone());
        }
        if let Some(licence) = &row.licence_no {
            self.by_licence.insert(licence.clone(), row.code.clone());
        }
        self.by_code.insert(row.code.clone(), row);
    }

    pub fn by_code(&self, code: &str) -> Option<&RefRow> {
        self.by_code.get(code)
    }

    /// Finds an existing customer with the same name and phone, or the same licence
    /// number: the twins an import must not create.
    pub fn twin_of(&self, draft: &CustomerDraft) -> Option<&RefRow> {
        let by_licence = draft.get("licence_no").and_then(|l| self.by_licence.get(l));
        let by_name_phone = || {
            let key = (
                draft.get("name")?.to_owned(),
                draft.get("phone")?.to_owned(),
            );
            self.by_name_phone.get(&key)
        };
        by_licence
            .or_else(by_name_phone)
            .and_then(|code| self.by_code.get(code))
    }

    /// Parent and rep ids for `draft`, saved as customer `self_id`. Within a rep's scope
    /// a new parent must be one of the rep's own customers; `kept_parent`, the parent the
    /// customer already has, stays allowed (a rep may save a terminal whose supplier
    /// another rep looks after, without seeing that supplier).
    pub fn resolve(
        &self,
        self_id: Uuid,
        draft: &CustomerDraft,
        scope: Scope,
        kept_parent: Option<Uuid>,
    ) -> Result<(Option<Uuid>, Option<Uuid>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let parent = match draft.get("parent_code") {
            None => None,
            Some(code) => match self.by_code.get(code) {
                Some(row) if scope.sees(row.rep_id) || kept_parent == Some(row.id) => {
                    let lookup = |id: Uuid| self.parent_of.get(&id).copied().flatten();
                    match check_parent(self_id, row.id, row.kind(), lookup) {
                        Ok(()) => Some(row.id),
                        Err(code) => {
                            errors.push(FieldError::new("parent_code", code));
                            None
                        }
                    }
                }
                _ => {
                    errors.push(FieldError::new(
                        "parent_code",
                        FieldErrorCode::UnknownCustomer,
                    ));
                    None
                }
            },
        };
        let rep = match draft.get("rep_login") {
            None => None,
            Some(login) => match self.logins.get(login) {
                Some(id) => Some(*id),
                None => {
                    errors.push(FieldError::new(
                        "rep_login",
                        FieldErrorCode::UnknownEmployee,
                    ));
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok((parent, rep))
        } else {
            Err(errors)
        }
    }
}

/// Why a write failed.
#[derive(Debug)]
pub enum SaveError {
    Invalid(Vec<FieldError>),
    /// Missing, outside the scope, or saved by someone else since `expected_version`.
    Stale,
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(e: sqlx::Error) -> Self {
        SaveError::Db(e)
    }
}

impl From<Vec<FieldError>> for SaveError {
    fn from(errors: Vec<FieldError>) -> Self {
        SaveError::Invalid(errors)
    }
}

/// What the user hears: a refused field, "not found" for a record outside their scope or
/// saved meanwhile (the caller tells the two apart where it can), or the logged
/// internal error.
impl From<SaveError> for crate::error::AppError {
    #[track_caller]
    fn from(e: SaveError) -> Self {
        match e {
            SaveError::Invalid(errors) => crate::error::AppError::Validation(errors),
            SaveError::Stale => crate::error::AppError::NotFound,
            SaveError::Db(e) => crate::error::AppError::from(e),
        }
    }
}

/// Another customer of the company has this code.
fn duplicate_code() -> SaveError {
    SaveError::Invalid(vec![FieldError::new("code", FieldErrorCode::DuplicateCode)])
}

/// Who is writing, and how.
#[derive(Debug, Clone, Copy)]
pub struct Author {
    pub company: CompanyId,
    /// `None` for the command line.
    pub by: Option<EmployeeId>,
    pub scope: Scope,
    pub source: &'static str,
    pub now: DateTime<Utc>,
}

/// A customer row ready to be written: its fields, resolved references and derived
/// columns (search text, completeness). Preparing reads no database, so an import
/// prepares every row before it takes the write lock.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub values: Values,
    pub parent: Option<Uuid>,
    pub rep: Option<Uuid>,
    pub search: String,
    pub completeness: u8,
}

impl Prepared {
    pub fn write(&self) -> CustomerWrite<'_> {
        CustomerWrite {
            values: &self.values,
            parent_id: self.parent,
            rep_id: self.rep,
            search_text: &self.search,
            completeness: self.completeness,
        }
    }

    /// The row as references to it see it (for a directory that later rows resolve in).
    pub fn ref_row(&self, id: Uuid) -> RefRow {
        let get = |k: &str| self.values.get(k).cloned();
        RefRow {
            id,
            code: get("code").unwrap_or_default(),
            kind: get("kind").unwrap_or_default(),
            parent_id: self.parent,
            rep_id: self.rep,
            name: get("name").unwrap_or_default(),
            phone: get("phone"),
            licence_no: get("licence_no"),
        }
    }
}

/// Resolves `draft`'s references in `dir` (as [`Directory::resolve`]) and derives the
/// stored columns, for customer `id`.
pub fn prepare(
    dir: &Directory,
    id: Uuid,
    draft: &CustomerDraft,
    scope: Scope,
    kept_parent: Option<Uuid>,
    tier_a: bool,
) -> Result<Prepared, Vec<FieldError>> {
    let (parent, rep) = dir.resolve(id, draft, scope, kept_parent)?;
    let values = draft.values().clone();
    let kind = values
        .get("kind")
        .and_then(|k| CustomerKind::parse(k).ok())
        .unwrap_or(CustomerKind::Terminal);
    Ok(Prepared {
        search: search_text(&values),
        completeness: profile::completeness(&values, kind, tier_a).percent,
        values,
        parent,
        rep,
    })
}

/// Creates customer `id` from `draft`; returns the row as references see it.
pub async fn create(
    conn: &mut DbConn,
    author: Author,
    dir: &Directory,
    id: Uuid,
    draft: &CustomerDraft,
) -> Result<RefRow, SaveError> {
    let row = prepare(dir, id, draft, author.scope, None, false)?;
    customers::insert(conn, author.company, id, &row.write(), author.now)
        .await
        .or_taken(duplicate_code)?;
    customers::record_change(
        conn,
        author.company,
        id,
        1,
        "",
        None,
        None,
        author.by,
        author.source,
        author.now,
    )
    .await?;
    Ok(row.ref_row(id))
}

/// The stored state an update starts from.
#[derive(Debug, Clone, Copy)]
pub struct Current<'a> {
    pub version: i64,
    pub values: &'a Values,
    pub parent_id: Option<Uuid>,
    /// Whether the customer is an A customer now (A profiles expect more fields).
    pub tier_a: bool,
}

/// Saves `draft` over customer `id` if it is still at `current.version`, recording each
/// changed field. Returns the changes (none: nothing written, version unchanged).
pub async fn update(
    conn: &mut DbConn,
    author: Author,
    dir: &Directory,
    id: Uuid,
    current: Current<'_>,
    draft: &CustomerDraft,
) -> Result<Vec<FieldChange>, SaveError> {
    let (expected_version, before) = (current.version, current.values);
    let changes = profile::diff(before, draft.values());
    if changes.is_empty() {
        return Ok(changes);
    }
    let row = prepare(
        dir,
        id,
        draft,
        author.scope,
        current.parent_id,
        current.tier_a,
    )?;
    if !customers::update(
        conn,
        author.company,
        author.scope,
        id,
        expected_version,
        &row.write(),
        author.now,
    )
    .await
    .or_taken(duplicate_code)?
    {
        return Err(SaveError::Stale);
    }
    let version = expected_version + 1;
    for c in &changes {
        customers::record_change(
            conn,
            author.company,
            id,
            version,
            &c.field,
            c.old.as_deref(),
            c.new.as_deref(),
            author.by,
            author.source,
            author.now,
        )
        .await?;
    }
    Ok(changes)
}

/// The list filter a customer query asks for (the page's, an export's).
pub fn filter_of(q: &CustomerQuery) -> customers::ListFilter {
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    customers::ListFilter {
        words: search_words(&q.search),
        kind: opt(&q.kind),
        terminal_type: opt(&q.terminal_type),
        status: opt(&q.status),
        district: opt(&q.district),
        township: opt(&q.township),
        rep: match q.rep.trim() {
            "" => None,
            "none" => Some(None),
            // an unknown id simply matches nothing
            s => Some(Some(s.parse::<Uuid>().unwrap_or(Uuid::nil()))),
        },
        parent: opt(&q.parent).map(|p| p.parse::<Uuid>().unwrap_or(Uuid::nil())),
        tier: (!q.tier.trim().is_empty()).then(|| match Class::parse_filter(&q.tier) {
            Ok(Some(c)) => customers::TierFilter::Of(c),
            Ok(None) => customers::TierFilter::Unclassified,
            Err(_) => customers::TierFilter::Unknown,
        }),
    }
}

/// The order a customer query asks for; anything unknown is by name.
pub fn sort_of(q: &CustomerQuery) -> customers::SortKey {
    match q.sort.as_str() {
        "code" => customers::SortKey::Code,
        "region" => customers::SortKey::Region,
        "updated" => customers::SortKey::Updated,
        "completeness" => customers::SortKey::Completeness,
        _ => customers::SortKey::Name,
    }
}

/// For a record made offline: the customer `code` exists but is no longer the user's (it
/// was given to another rep while the record waited on the tablet) — say so rather than
/// "unknown customer".
pub async fn reassigned_check(
    conn: &mut DbConn,
    user: &crate::features::auth::api::CurrentUser,
    code: &str,
) -> Result<(), crate::error::AppError> {
    let any = customers::find_by_code(conn, user.company_id, Scope::All, code).await?;
    match any {
        Some(c) if !crate::server::context::scope_of(user).sees(c.rep_id) => Err(
            crate::error::AppError::Conflict(crate::error::Conflict::CustomerReassigned),
        ),
        _ => Ok(()),
    }
}

/// Removes the parent from what `scope` is shown when the parent belongs to another rep:
/// a rep never sees another rep's customers, not even as a supplier's name.
pub fn hide_foreign_parent(r: &mut customers::CustomerRecord, scope: Scope) {
    if !scope.sees_parent(r.parent_id, r.parent_rep_id) {
        r.values.remove("parent_code");
        r.parent_id = None;
        r.parent_name = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_cover_every_reading_of_polyphonic_characters() {
        let v = initials("重庆百货");
        assert!(v.contains(&"cqbh".to_owned()), "{v:?}");
        assert!(v.contains(&"zqbh".to_owned()), "{v:?}");
        assert!(initials("A8便利店").contains(&"a8bld".to_owned()));
        assert!(
            initials("长长长长长长长长长长").len() <= crate::domain::customer::MAX_INITIAL_VARIANTS
        );
    }

    #[test]
    fn search_text_holds_lowercased_fields_and_initials() {
        let mut v = Values::new();
        v.insert("code".into(), "CQ-001".into());
        v.insert("name".into(), "重庆百货".into());
        v.insert("phone".into(), "13800000000".into());
        let t = search_text(&v);
        // exactly as stored before the rule moved to the domain: rows written then and
        // now read alike
        // (重 reads chong, tong or zhong, 百 bai or mo; each letter's first in order)
        assert_eq!(
            t,
            "cq-001\u{1f}重庆百货\u{1f}13800000000\u{1f}cqbh\u{1f}cqmh\u{1f}tqbh\u{1f}tqmh\u{1f}zqbh\u{1f}zqmh\u{1f}"
        );
        assert_eq!(initials_pattern("重庆百货"), "[ctz]q[bm]h");
    }

    /// What the list's address asks for becomes the repository's filter: blanks are no
    /// filter, "none" is "without one", and an id or tier that cannot exist matches
    /// nothing rather than everything.
    #[test]
    fn a_list_query_becomes_the_filter_it_names() {
        let rep = "3f0b6c1e-8a2b-4c47-9a59-2d3c5e7f9a10";
        let q = CustomerQuery {
            search: " 超市  CQ ".into(),
            kind: "terminal".into(),
            status: "  ".into(),
            district: " 渝中区 ".into(),
            rep: rep.into(),
            parent: "not-an-id".into(),
            tier: "b".into(),
            sort: "region".into(),
            ..CustomerQuery::default()
        };
        let f = filter_of(&q);
        assert_eq!(f.words, ["超市", "cq"]);
        assert_eq!(f.kind.as_deref(), Some("terminal"));
        assert_eq!((f.terminal_type, f.status, f.township), (None, None, None));
        assert_eq!(f.district.as_deref(), Some("渝中区"));
        assert_eq!(
            f.rep.map(|r| r.map(|u| u.to_string())),
            Some(Some(rep.to_owned()))
        );
        assert_eq!(f.parent, Some(Uuid::nil()));
        assert_eq!(sort_of(&q), customers::SortKey::Region);

        let tier = |t: &str| {
            filter_of(&CustomerQuery {
                tier: t.into(),
                ..CustomerQuery::default()
            })
            .tier
        };
        assert_eq!(tier("B"), Some(customers::TierFilter::Of(Class::B)));
        assert_eq!(tier("none"), Some(customers::TierFilter::Unclassified));
        assert_eq!(tier("D"), Some(customers::TierFilter::Unknown));
        assert_eq!(tier(""), None);
        let rep = |r: &str| {
            filter_of(&CustomerQuery {
                rep: r.into(),
                ..CustomerQuery::default()
            })
            .rep
        };
        assert_eq!(rep("none"), Some(None));
        assert_eq!(rep("x"), Some(Some(Uuid::nil())));
        assert_eq!(rep(""), None);
        let sort = |s: &str| {
            sort_of(&CustomerQuery {
                sort: s.into(),
                ..CustomerQuery::default()
            })
        };
        assert_eq!(sort("; DROP TABLE customers"), customers::SortKey::Name);
        assert_eq!(sort("completeness"), customers::SortKey::Completeness);
    }
}
