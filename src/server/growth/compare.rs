//! The growth watch: each customer's total in a month, quarter or year against the same
//! period last year (同比), the previous period (环比) and the years before, and the
//! support-candidate rule. Whole months only, so everything is added up from the
//! in-memory rollups ([`SalesIndex`](crate::server::sales_index::SalesIndex)).
use crate::domain::growth::{CandidateReason, CandidateRule, Growth, Window, growth};
use crate::domain::ids::CompanyId;
use crate::domain::sales::Measure;
use crate::server::db::customers::Scope;
use crate::server::sales_index::Totals;
use crate::server::search_index::Entry;
use crate::server::segmentation::classification::Sources;
use std::sync::Arc;

/// What to compare.
#[derive(Debug, Clone)]
pub struct Request {
    pub window: Window,
    pub measure: Measure,
    /// Tiers in force to include (`None`: not classified yet).
    pub tiers: Vec<Option<crate::domain::segmentation::Class>>,
    pub rule: CandidateRule,
}

/// One customer's figures.
#[derive(Debug, Clone)]
pub struct Row {
    pub customer: Arc<Entry>,
    pub current: i64,
    pub last_year: i64,
    pub previous: i64,
    pub yoy: Growth,
    pub mom: Growth,
    /// The same period 3, 2 and 1 years before, oldest first.
    pub years: [i64; 3],
    pub candidate: Option<CandidateReason>,
}

/// The growth rows of the customers in scope whose tier in force is one of
/// `req.tiers`, in index order.
pub async fn watch(
    src: Sources<'_>,
    company: CompanyId,
    scope: Scope,
    req: &Request,
) -> Result<Vec<Row>, sqlx::Error> {
    let allowed =
        crate::server::segmentation::classification::allowed_customers(src.pool, company, scope)
            .await?;
    let customers = src.search.snapshot(src.pool, company).await?;
    let cube = src.sales.cube(src.pool, company).await?;
    let w = req.window;
    // every window's sums once, by position: this period, last year, previous, 3/2/1
    // years before, then each of the rule's periods and its year before
    let periods = req.rule.of_last.max(1) as i32;
    let mut windows = vec![
        w,
        w.last_year(),
        w.previous(),
        w.back(36),
        w.back(24),
        w.back(12),
    ];
    for k in (0..periods).rev() {
        let p = w.back(k * w.len);
        windows.push(p);
        windows.push(p.last_year());
    }
    let sums: Vec<Vec<Totals>> = windows
        .iter()
        .map(|x| {
            let (a, b) = x.months();
            cube.slot_sums(a, b)
        })
        .collect();
    let last_month = w.first + w.len - 1;
    let om = i32::try_from(req.rule.ordering_months).unwrap_or(0).min(64);
    let ordered_bits = cube.months_with_sales(last_month - om + 1, last_month);
    let mut values = vec![0i64; windows.len()];
    let mut growths = Vec::with_capacity(periods as usize);
    let mut ordered = Vec::with_capacity(om as usize);
    let mut rows = Vec::new();
    for e in &customers.entries {
        if allowed.as_ref().is_some_and(|a| !a.contains(&e.id)) {
            continue;
        }
        if !req.tiers.contains(&e.tier) {
            continue;
        }
        let slot = cube.slot(&e.id);
        for (v, s) in values.iter_mut().zip(&sums) {
            *v = slot.map_or(0, |at| s[at].value(req.measure));
        }
        growths.clear();
        growths.extend(values[6..].chunks(2).map(|p| growth(p[0], p[1])));
        let bits = slot.map_or(0, |at| ordered_bits[at]);
        ordered.clear();
        ordered.extend((0..om).map(|i| bits & (1u64 << i) != 0));
        rows.push(Row {
            customer: e.clone(),
            current: values[0],
            last_year: values[1],
            previous: values[2],
            yoy: growth(values[0], values[1]),
            mom: growth(values[0], values[2]),
            years: [values[3], values[4], values[5]],
            candidate: req.rule.check(&growths, &ordered),
        });
    }
    Ok(rows)
}

/// Sort keys of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Code,
    Name,
    Current,
    LastYear,
    Yoy,
    Previous,
    Mom,
}

impl SortKey {
    pub fn parse(raw: &str) -> Option<SortKey> {
        Some(match raw {
            "code" => SortKey::Code,
            "name" => SortKey::Name,
            "current" => SortKey::Current,
            "last_year" => SortKey::LastYear,
            "yoy" => SortKey::Yoy,
            "previous" => SortKey::Previous,
            "mom" => SortKey::Mom,
            _ => return None,
        })
    }
}

/// Sorts rows by `key` (ties by code, byte-wise, so the order is stable).
pub fn sort(rows: &mut [Row], key: SortKey, descending: bool) {
    rows.sort_by(|a, b| {
        let o = match key {
            SortKey::Code => a.customer.code.cmp(&b.customer.code),
            SortKey::Name => a.customer.name.cmp(&b.customer.name),
            SortKey::Current => a.current.cmp(&b.current),
            SortKey::LastYear => a.last_year.cmp(&b.last_year),
            SortKey::Yoy => a.yoy.sort_key().cmp(&b.yoy.sort_key()),
            SortKey::Previous => a.previous.cmp(&b.previous),
            SortKey::Mom => a.mom.sort_key().cmp(&b.mom.sort_key()),
        };
        let o = if descending { o.reverse() } else { o };
        o.then_with(|| a.customer.code.cmp(&b.customer.code))
    });
}
