//! An in-memory copy of the monthly rollups (`sales_monthly`), per company, so a
//! 12-month classification of 100 000 customers adds 1.2 million integers in memory
//! instead of reading as many rows from SQLite.
//!
//! Never stale, as the customer search index: every change to the lines moves the
//! company's counter in `sales_revisions` and stamps the rollup rows it touched (triggers,
//! same transaction). Each use reads the counter first, in the same read transaction as
//! the loose days of the period; if it moved, the rows stamped above the copy's rev are
//! read and patched in. Months are shared between revisions (`Arc`): a patch copies only
//! the months it touches.
//!
//! A period that does not start or end with a month (the 15th to the 14th) also sums the
//! lines of its loose days. The last few such day ranges read are kept with the copy and
//! carried to the next revision unless a month they touch was stamped in between (the
//! same stamps that patch the months), so paging the table, saving the tiers or coming
//! back to the period reads those lines once.
use crate::domain::ids::CompanyId;
use crate::domain::sales::{Measure, Period, month_of};
use crate::server::db::sales::{self, MonthRow};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Sums of one customer's lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub amount: i64,
    pub cost: i64,
    pub quantity: i64,
    pub lines: i64,
}

impl Totals {
    fn add(&mut self, o: &Totals) {
        self.amount += o.amount;
        self.cost += o.cost;
        self.quantity += o.quantity;
        self.lines += o.lines;
    }

    /// The value of a measure.
    pub fn value(&self, m: Measure) -> i64 {
        m.of(self.amount, self.cost, self.quantity)
    }
}

impl From<&MonthRow> for Totals {
    fn from(r: &MonthRow) -> Totals {
        Totals {
            amount: r.amount,
            cost: r.cost,
            quantity: r.quantity,
            lines: r.lines,
        }
    }
}

/// The customers with rollups in one month.
#[derive(Debug, Clone, Default)]
struct Month {
    cells: Vec<(u32, Totals)>,
    slot: HashMap<u32, usize>,
}

/// Per-customer sums of the lines of a day range `[from, to]`, read at a cube's revision.
type LooseDays = (NaiveDate, NaiveDate, Arc<Vec<MonthRow>>);

/// How many day ranges a cube keeps (each at most one row per customer).
const LOOSE_KEPT: usize = 6;

/// One company's rollups at one revision.
#[derive(Debug, Clone, Default)]
pub struct Cube {
    pub rev: i64,
    customers: Arc<Vec<Uuid>>,
    index: Arc<HashMap<Uuid, u32>>,
    months: BTreeMap<i32, Arc<Month>>,
    /// Loose days read at this revision, the latest last (this cube's own: a patched
    /// cube gets a new list).
    loose: Arc<Mutex<Vec<LooseDays>>>,
}

impl Cube {
    fn patched(&self, rev: i64, rows: &[MonthRow]) -> Cube {
        let mut next = self.clone();
        next.rev = rev;
        // day ranges none of whose months changed are still right at the new revision
        // (the months are gathered only when there are ranges: a first load patches every
        // rollup row into an empty cube)
        let kept: Vec<LooseDays> = self
            .loose
            .lock()
            .map(|l| {
                if l.is_empty() {
                    return Vec::new();
                }
                let changed: BTreeSet<i64> = rows.iter().map(|r| r.month).collect();
                let still = |(from, to, _): &&LooseDays| {
                    let (first, last) = (i64::from(month_of(*from)), i64::from(month_of(*to)));
                    changed.range(first..=last).next().is_none()
                };
                l.iter().filter(still).cloned().collect()
            })
            .unwrap_or_default();
        next.loose = Arc::new(Mutex::new(kept));
        for r in rows {
            let cust = match next.index.get(&r.customer_id) {
                Some(&i) => i,
                None => {
                    let i = u32::try_from(next.customers.len()).unwrap_or(u32::MAX);
                    Arc::make_mut(&mut next.customers).push(r.customer_id);
                    Arc::make_mut(&mut next.index).insert(r.customer_id, i);
                    i
                }
            };
            let Ok(m) = i32::try_from(r.month) else {
                continue;
            };
            let month = Arc::make_mut(next.months.entry(m).or_default());
            let t = Totals::from(r);
            match month.slot.get(&cust) {
                Some(&at) => month.cells[at].1 = t,
                None => {
                    month.slot.insert(cust, month.cells.len());
                    month.cells.push((cust, t));
                }
            }
        }
        next
    }

    /// The sums of the day range `[from, to]` kept at this revision, if any.
    fn loose_days(&self, from: NaiveDate, to: NaiveDate) -> Option<Arc<Vec<MonthRow>>> {
        let l = self.loose.lock().ok()?;
        l.iter()
            .find(|(f, t, _)| (*f, *t) == (from, to))
            .map(|(_, _, rows)| rows.clone())
    }

    /// Keeps the sums of the day range `[from, to]` read at this revision.
    fn keep_loose_days(&self, from: NaiveDate, to: NaiveDate, rows: Arc<Vec<MonthRow>>) {
        if let Ok(mut l) = self.loose.lock() {
            l.retain(|(f, t, _)| (*f, *t) != (from, to));
            l.push((from, to, rows));
            if l.len() > LOOSE_KEPT {
                l.remove(0);
            }
        }
    }

    /// Per-customer sums over whole months `[first, last]` (month numbers), plus `extra`
    /// rows (the loose days), for customers with at least one line.
    pub fn sum(&self, months: Option<(i32, i32)>, extra: &[MonthRow]) -> Vec<(Uuid, Totals)> {
        let mut acc = vec![Totals::default(); self.customers.len()];
        if let Some((first, last)) = months {
            for (_, month) in self.months.range(first..=last) {
                for (cust, t) in &month.cells {
                    if let Some(a) = acc.get_mut(*cust as usize) {
                        a.add(t);
                    }
                }
            }
        }
        let mut others: HashMap<Uuid, Totals> = HashMap::new();
        for r in extra {
            match self.index.get(&r.customer_id) {
                Some(&i) => acc[i as usize].add(&Totals::from(r)),
                None => others
                    .entry(r.customer_id)
                    .or_default()
                    .add(&Totals::from(r)),
            }
        }
        acc.into_iter()
            .enumerate()
            .filter(|(_, t)| t.lines > 0)
            .map(|(i, t)| (self.customers[i], t))
            .chain(others.into_iter().filter(|(_, t)| t.lines > 0))
            .collect()
    }
}

impl Cube {
    /// The customer a slot of [`Cube::slot_sums`] is about.
    pub fn customers(&self) -> &[Uuid] {
        &self.customers
    }

    /// Where a customer's sums are in [`Cube::slot_sums`].
    pub fn slot(&self, customer: &Uuid) -> Option<usize> {
        self.index.get(customer).map(|&i| i as usize)
    }

    /// Per customer slot, a bit for each month of `[first, first + 63]` with a sale
    /// (a positive amount): bit 0 is `first`.
    pub fn months_with_sales(&self, first: i32, last: i32) -> Vec<u64> {
        let mut acc = vec![0u64; self.customers.len()];
        let last = last.min(first + 63);
        if first <= last {
            for (m, month) in self.months.range(first..=last) {
                let bit = 1u64 << (m - first);
                for (cust, t) in &month.cells {
                    if t.amount > 0
                        && let Some(a) = acc.get_mut(*cust as usize)
                    {
                        *a |= bit;
                    }
                }
            }
        }
        acc
    }

    /// Sums over whole months `[first, last]` for every customer slot (zero where none).
    pub fn slot_sums(&self, first: i32, last: i32) -> Vec<Totals> {
        let mut acc = vec![Totals::default(); self.customers.len()];
        if first <= last {
            for (_, month) in self.months.range(first..=last) {
                for (cust, t) in &month.cells {
                    if let Some(a) = acc.get_mut(*cust as usize) {
                        a.add(t);
                    }
                }
            }
        }
        acc
    }
}

/// The per-company copies.
#[derive(Debug, Default)]
pub struct SalesIndex {
    companies: Mutex<HashMap<CompanyId, Arc<Cube>>>,
}

impl SalesIndex {
    /// The company's rollups, brought up to date within `tx` (whose read transaction
    /// then sees the same lines).
    async fn fresh(
        &self,
        tx: &mut crate::server::db::DbConn,
        company: CompanyId,
    ) -> Result<Arc<Cube>, sqlx::Error> {
        let cached = self
            .companies
            .lock()
            .ok()
            .and_then(|m| m.get(&company).cloned());
        let rev = sales::revision(tx, company).await?;
        Ok(match cached {
            Some(c) if c.rev == rev => c,
            base => {
                let base = base.unwrap_or_default();
                let rows = sales::months_changed(tx, company, base.rev).await?;
                let cube = Arc::new(base.patched(rev, &rows));
                if let Ok(mut m) = self.companies.lock()
                    && m.get(&company).is_none_or(|c| c.rev <= cube.rev)
                {
                    m.insert(company, cube.clone());
                }
                cube
            }
        })
    }

    /// The company's monthly rollups, up to date (growth comparisons work on whole
    /// months only).
    pub async fn cube(
        &self,
        pool: &crate::server::db::Pool,
        company: CompanyId,
    ) -> Result<Arc<Cube>, sqlx::Error> {
        let mut tx = pool.begin_read().await?;
        let cube = self.fresh(&mut tx, company).await?;
        tx.rollback().await?;
        Ok(cube)
    }

    /// Per-customer sums of the lines of `period`, for every customer with a line in it:
    /// whole months from the rollups (brought up to date first), loose days from the
    /// lines, both read in one transaction.
    pub async fn period_totals(
        &self,
        pool: &crate::server::db::Pool,
        company: CompanyId,
        period: Period,
    ) -> Result<Vec<(Uuid, Totals)>, sqlx::Error> {
        Ok(self.period_totals_at(pool, company, period).await?.1)
    }

    /// [`SalesIndex::period_totals`] and the sales revision they are of.
    pub async fn period_totals_at(
        &self,
        pool: &crate::server::db::Pool,
        company: CompanyId,
        period: Period,
    ) -> Result<(i64, Vec<(Uuid, Totals)>), sqlx::Error> {
        let mut tx = pool.begin_read().await?;
        let cube = self.fresh(&mut tx, company).await?;
        let parts = period.parts();
        let mut extra = Vec::new();
        for (from, to) in parts.days.into_iter().flatten() {
            let rows = match cube.loose_days(from, to) {
                Some(rows) => rows,
                None => {
                    let rows = Arc::new(sales::day_range_sums(&mut tx, company, from, to).await?);
                    cube.keep_loose_days(from, to, rows.clone());
                    rows
                }
            };
            extra.extend(rows.iter().copied());
        }
        tx.rollback().await?;
        Ok((cube.rev, cube.sum(parts.months, &extra)))
    }
}
