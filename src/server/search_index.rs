//! An in-memory copy of what customer lists filter, sort and search on, per company, so a
//! search over 100 000 customers is a scan of memory (milliseconds) rather than of SQLite
//! rows (tens of milliseconds).
//!
//! It is never stale: every change to `customers` moves the company's counter in
//! `customer_revisions` and stamps the row with it (triggers, same transaction; a
//! multi-row insert moves it once and stamps its rows itself, `customers::insert_many`),
//! and each
//! list reads that counter first — if it moved, the rows stamped above the copy's rev
//! are read again and patched in (rev and rows read in one snapshot; a count that does
//! not add up, i.e. a deletion, reloads everything). The page's rows are then read from
//! SQL with the user's scope applied again, so the database stays the authority on who
//! sees what.
//!
//! The order is the SQL one (`ORDER BY key, code`): byte-wise text, empty (NULL) first
//! when ascending, code ascending on ties.
use crate::domain::ids::CompanyId;
use crate::server::db::customers::{self, ListFilter, Scope, SortKey};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// One customer as lists see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: Uuid,
    pub rep_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub kind: String,
    pub status: String,
    pub terminal_type: Option<String>,
    pub district: Option<String>,
    pub township: Option<String>,
    pub tier: Option<crate::domain::segmentation::Class>,
    pub name: String,
    pub code: String,
    pub completeness: i64,
    /// As stored (text), so it orders exactly as SQL orders it.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub search_text: String,
}

/// The customers of one company at one revision.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub rev: i64,
    /// Shared between revisions: a new revision copies pointers, not entries.
    pub entries: Vec<Arc<Entry>>,
    /// Where each customer is in `entries`.
    pub position: HashMap<Uuid, usize>,
}

impl Snapshot {
    /// This snapshot with `changed` entries replaced or added.
    fn patched(&self, rev: i64, changed: Vec<Entry>) -> Snapshot {
        let mut entries = self.entries.clone();
        let mut position = self.position.clone();
        for e in changed {
            match position.get(&e.id) {
                Some(&i) => entries[i] = Arc::new(e),
                None => {
                    position.insert(e.id, entries.len());
                    entries.push(Arc::new(e));
                }
            }
        }
        Snapshot {
            rev,
            entries,
            position,
        }
    }

    fn full(rev: i64, all: Vec<Entry>) -> Snapshot {
        Snapshot::default().patched(rev, all)
    }
}

/// The per-company copies.
#[derive(Debug, Default)]
pub struct SearchIndex {
    companies: Mutex<HashMap<CompanyId, Arc<Snapshot>>>,
}

impl SearchIndex {
    fn cached(&self, company: CompanyId) -> Option<Arc<Snapshot>> {
        self.companies
            .lock()
            .ok()
            .and_then(|m| m.get(&company).cloned())
    }

    /// The company's customers as of now: the copy if the counter has not moved, else
    /// the copy with the changed rows read again (or everything, the first time).
    pub async fn snapshot(
        &self,
        pool: &crate::server::db::Pool,
        company: CompanyId,
    ) -> Result<Arc<Snapshot>, sqlx::Error> {
        let cached = self.cached(company);
        let mut conn = pool.acquire().await?;
        let rev = customers::revision(&mut conn, company).await?;
        if let Some(s) = cached.as_ref().filter(|s| s.rev == rev) {
            return Ok(s.clone());
        }
        drop(conn);
        // rev, changed rows and count from one read transaction: one consistent state
        let mut tx = pool.begin_read().await?;
        let rev = customers::revision(&mut tx, company).await?;
        let since = cached.as_ref().map_or(0, |s| s.rev);
        let changed = customers::list_entries(&mut tx, company, since).await?;
        let total = customers::count_all(&mut tx, company).await?;
        let mut snapshot = match &cached {
            Some(old) => old.patched(rev, changed),
            None => Snapshot::full(rev, changed),
        };
        if i64::try_from(snapshot.entries.len()).ok() != Some(total) {
            // a customer was deleted: start afresh
            snapshot = Snapshot::full(rev, customers::list_entries(&mut tx, company, 0).await?);
        }
        tx.rollback().await?;
        let snapshot = Arc::new(snapshot);
        if let Ok(mut m) = self.companies.lock() {
            // never replace a newer copy another request stored meanwhile
            if m.get(&company).is_none_or(|s| s.rev <= snapshot.rev) {
                m.insert(company, snapshot.clone());
            }
        }
        Ok(snapshot)
    }
}

fn matches(e: &Entry, scope: Scope, f: &ListFilter) -> bool {
    let eq = |v: Option<&str>, want: &Option<String>| want.as_deref().is_none_or(|w| v == Some(w));
    (match scope {
        Scope::All => true,
        Scope::Rep(rep) => e.rep_id == Some(rep.0),
    }) && eq(Some(&e.kind), &f.kind)
        && eq(e.terminal_type.as_deref(), &f.terminal_type)
        && eq(Some(&e.status), &f.status)
        && eq(e.district.as_deref(), &f.district)
        && eq(e.township.as_deref(), &f.township)
        && f.rep.is_none_or(|r| e.rep_id == r)
        && f.parent.is_none_or(|p| e.parent_id == Some(p))
        && f.tier.is_none_or(|t| t.keeps(e.tier))
        && crate::domain::customer::holds_words(&e.search_text, &f.words)
}

fn compare(a: &Entry, b: &Entry, sort: SortKey, descending: bool) -> Ordering {
    let key = match sort {
        SortKey::Code => Ordering::Equal,
        SortKey::Name => a.name.cmp(&b.name),
        SortKey::Region => a
            .district
            .cmp(&b.district)
            .then_with(|| a.township.cmp(&b.township)),
        SortKey::Updated => a.updated_at.cmp(&b.updated_at),
        SortKey::Completeness => a.completeness.cmp(&b.completeness),
    };
    let key = if descending { key.reverse() } else { key };
    let code = a.code.cmp(&b.code);
    // sorting by code itself follows the direction; other sorts break ties by code asc
    if sort == SortKey::Code && descending {
        key.then(code.reverse())
    } else {
        key.then(code)
    }
}

/// Customers per tier in force within `scope`: A, B, C, then those with none.
pub fn tier_counts(snapshot: &Snapshot, scope: Scope) -> [i64; 4] {
    use crate::domain::segmentation::Class;
    let all = ListFilter::default();
    let mut counts = [0; 4];
    for e in snapshot.entries.iter().filter(|e| matches(e, scope, &all)) {
        counts[match e.tier {
            Some(Class::A) => 0,
            Some(Class::B) => 1,
            Some(Class::C) => 2,
            None => 3,
        }] += 1;
    }
    counts
}

/// The districts of the customers within `scope`, each with its townships, both in byte
/// order and each once (a district none of whose customers has a township has none), as
/// the list's region filter offers them.
pub fn regions(snapshot: &Snapshot, scope: Scope) -> Vec<(String, Vec<String>)> {
    let all = ListFilter::default();
    let mut by_district: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        std::collections::BTreeMap::new();
    for e in snapshot.entries.iter().filter(|e| matches(e, scope, &all)) {
        if let Some(d) = e.district.as_deref() {
            by_district
                .entry(d)
                .or_default()
                .extend(e.township.as_deref());
        }
    }
    by_district
        .into_iter()
        .map(|(d, ts)| (d.to_owned(), ts.into_iter().map(str::to_owned).collect()))
        .collect()
}

/// The sub-distributors within `scope` (id, code, name) by name (then code), at most
/// `limit`: the parent filter's and picker's choices.
pub fn sub_distributors(
    snapshot: &Snapshot,
    scope: Scope,
    limit: usize,
) -> Vec<(Uuid, String, String)> {
    let only = ListFilter {
        kind: Some(
            crate::domain::customer::CustomerKind::SubDistributor
                .as_str()
                .to_owned(),
        ),
        ..ListFilter::default()
    };
    let mut hits: Vec<&Entry> = snapshot
        .entries
        .iter()
        .map(|e| &**e)
        .filter(|e| matches(e, scope, &only))
        .collect();
    hits.sort_unstable_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
    hits.into_iter()
        .take(limit)
        .map(|e| (e.id, e.code.clone(), e.name.clone()))
        .collect()
}

/// How many customers match, and the ids of one page of them in list order.
pub fn page(
    snapshot: &Snapshot,
    scope: Scope,
    f: &ListFilter,
    sort: SortKey,
    descending: bool,
    limit: usize,
    offset: usize,
) -> (i64, Vec<Uuid>) {
    let mut hits: Vec<&Entry> = snapshot
        .entries
        .iter()
        .map(|e| &**e)
        .filter(|e| matches(e, scope, f))
        .collect();
    let total = i64::try_from(hits.len()).unwrap_or(i64::MAX);
    let end = offset.saturating_add(limit).min(hits.len());
    if offset >= hits.len() {
        return (total, Vec::new());
    }
    // only the first `end` in order are needed: partial selection, then sort those
    if end < hits.len() {
        hits.select_nth_unstable_by(end, |a, b| compare(a, b, sort, descending));
        hits.truncate(end);
    }
    hits.sort_unstable_by(|a, b| compare(a, b, sort, descending));
    (total, hits[offset..end].iter().map(|e| e.id).collect())
}
