//! The demo company: a Chongqing beverage distributor with a realistic staff, created
//! deterministically (fixed ids) so screenshots, tests and docs agree.
//!
//! All demo accounts share the password [`DEMO_PASSWORD`]; the README lists them.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::staff::{EmployeeFields, EmployeeInput};
use crate::server::auth;
use crate::server::db::Pool;
use crate::server::db::on;
use crate::server::db::{companies, employees};
use anyhow::Context as _;
use uuid::Uuid;

/// The demo's own data is valid by construction: a refusal is a bug in this file, reported
/// with what was being built (a domain refusal is a list of field problems, not an error
/// type `anyhow` takes by `?`).
trait ExpectedValid<T> {
    fn expected_valid(self, what: impl std::fmt::Display) -> anyhow::Result<T>;
}

impl<T, E: std::fmt::Debug> ExpectedValid<T> for Result<T, E> {
    fn expected_valid(self, what: impl std::fmt::Display) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::anyhow!("{what}: {e:?}"))
    }
}

pub const DEMO_PASSWORD: &str = "qudao2026";
pub const DEMO_COMPANY_ID: CompanyId =
    CompanyId(Uuid::from_u128(0x0000_0001_0000_4000_8000_0000_0000_0001));
pub const DEMO_COMPANY_NAME: &str = "重庆渝味饮品商贸有限公司";

/// (login, name, role, phone, territory, active)
pub const DEMO_STAFF: [(&str, &str, &str, &str, &str, bool); 11] = [
    ("laoban", "陈建国", "owner", "13908310001", "重庆主城", true),
    ("liumin", "刘敏", "manager", "13908310002", "销售部", true),
    (
        "wangqiang",
        "王强",
        "manager",
        "13908310003",
        "服务与配送部",
        true,
    ),
    ("zhangwei", "张伟", "rep", "13908310011", "渝北区", true),
    ("lina", "李娜", "rep", "13908310012", "江北区", true),
    ("zhaolei", "赵磊", "rep", "13908310013", "沙坪坝区", true),
    ("sunli", "孙丽", "rep", "13908310014", "九龙坡区", true),
    ("zhoujie", "周杰", "rep", "13908310015", "南岸区", true),
    ("zhengfang", "郑芳", "rep", "13908310016", "巴南区", true),
    ("wugang", "吴刚", "driver", "13908310017", "配送", true),
    ("huangtao", "黄涛", "rep", "13908310018", "大渡口区", false),
];

/// The fixed id of the n-th demo employee.
pub fn demo_employee_id(n: usize) -> EmployeeId {
    EmployeeId(Uuid::from_u128(
        0x0000_0002_0000_4000_8000_0000_0000_0000 + n as u128 + 1,
    ))
}

/// Whether the database holds no company yet.
pub async fn is_empty(pool: &Pool) -> anyhow::Result<bool> {
    let mut conn = pool.acquire().await?;
    Ok(companies::count(&mut conn).await? == 0)
}

/// Whether the demo company (with its published password) is in the database.
pub async fn is_demo(pool: &Pool) -> anyhow::Result<bool> {
    Ok(on!(pool, |ex| sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM companies WHERE id = $1)"
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_one(ex)
    .await)?)
}

/// Creates the demo company and its staff in one transaction. Fails (changing nothing)
/// if the demo company already exists.
pub async fn seed_demo(pool: &Pool) -> anyhow::Result<()> {
    // One hash for all demo accounts: they share a password, and hashing is slow.
    let hash = tokio::task::spawn_blocking(|| auth::hash_password_blocking(DEMO_PASSWORD))
        .await
        .context("hashing task")?
        .expected_valid("hashing the demo password")?;
    let now = chrono::Utc::now();
    let mut tx = pool.begin().await?;
    companies::insert(&mut tx, DEMO_COMPANY_ID, DEMO_COMPANY_NAME, now)
        .await
        .context("the demo company already exists (or the database is not writable)")?;
    for (n, (login, name, role, phone, territory, active)) in DEMO_STAFF.iter().enumerate() {
        let fields = EmployeeFields::parse(&EmployeeInput {
            name: (*name).into(),
            login: (*login).into(),
            phone: (*phone).into(),
            role: (*role).into(),
            territory: (*territory).into(),
        })
        .expected_valid(format_args!("demo employee {login}"))?;
        let id = demo_employee_id(n);
        employees::insert(&mut tx, DEMO_COMPANY_ID, id, &fields, &hash, now).await?;
        if !active {
            employees::set_active(&mut tx, DEMO_COMPANY_ID, id, 1, false, now).await?;
        }
    }
    seed_customers(&mut tx, now).await?;
    seed_sales(&mut tx, now).await?;
    seed_policies(&mut tx, now).await?;
    seed_service(&mut tx, now).await?;
    seed_visits(&mut tx, now).await?;
    tx.commit().await?;
    // official tiers: the year before (saved a month ago) and the last twelve months, so
    // lists, profiles and the transitions page show them at once
    let search = crate::server::search_index::SearchIndex::default();
    let sales = crate::server::sales_index::SalesIndex::default();
    let today = crate::domain::time::beijing_date(now);
    let current = crate::domain::sales::Period::last_12_months(today);
    let before = current.and_then(crate::server::transitions::year_before);
    for (name, period, at) in [
        (
            "上一年度销售额分级（演示）",
            before,
            now - chrono::Duration::days(30),
        ),
        ("近12个月销售额分级（演示）", current, now),
    ] {
        let Some(period) = period else { continue };
        crate::server::segmentation::classification::save_snapshot(
            crate::server::segmentation::classification::Sources {
                pool,
                search: &search,
                sales: &sales,
            },
            DEMO_COMPANY_ID,
            crate::server::segmentation::classification::SnapshotRequest {
                name,
                period,
                measure: crate::domain::sales::Measure::Sales,
                thresholds: crate::domain::segmentation::Thresholds::DEFAULT,
                by: Some(demo_employee_id(0)),
                now: at,
            },
        )
        .await?;
    }
    let mut tx = pool.begin().await?;
    seed_discipline(&mut tx, now).await?;
    seed_prices(&mut tx, now).await?;
    seed_orders(&mut tx, now).await?;
    tx.commit().await?;
    pool.refresh_statistics(&[]).await;
    Ok(())
}

/// Price lists: the base list at each product's list price and the A and B lists a little
/// under it (never under the floor), all since the demo's sales began; a summer promotion
/// on the beer, on each list, this year; and agreed prices for the first customer of each
/// of two reps, one of them under the floor with the owner's approval.
async fn seed_prices(
    conn: &mut crate::server::db::DbConn,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use crate::domain::money::Money;
    use crate::server::db::{pricing, sales};
    use chrono::{Datelike, NaiveDate};
    let company = DEMO_COMPANY_ID;
    let owner = demo_employee_id(0);
    let since = NaiveDate::from_ymd_opt(2024, 1, 1).context("a real day")?;
    let year = crate::domain::time::beijing_date(now).year();
    let summer = (
        NaiveDate::from_ymd_opt(year, 6, 1).context("a real day")?,
        NaiveDate::from_ymd_opt(year, 8, 31).context("a real day")?,
    );
    let products = sales::products(conn, company).await?;
    let customers = sales::customer_codes(conn, company).await?;
    // the first customer (in code order) of zhangwei and of lina
    let first_of = |rep: usize| {
        customers
            .iter()
            .find(|(_, _, r)| *r == Some(demo_employee_id(rep).0))
            .map(|(_, id, _)| *id)
    };
    let agreed = [first_of(3), first_of(4)];
    let mut entries = Vec::new();
    for p in &products {
        let (Some(list), floor) = (p.list_price, p.price_floor.unwrap_or(0)) else {
            continue;
        };
        // a share of the list price, to the jiao, never under the floor
        let share = |pct: i64| (list * pct / 100 / 10 * 10).max(floor);
        let mut add = |scope, customer, from, until, price, approval| {
            entries.push(pricing::NewPrice {
                id: uuid::Uuid::now_v7(),
                product_id: p.id,
                scope,
                customer_id: customer,
                valid_from: from,
                valid_until: until,
                price: Money(price),
                approval,
                created_by: owner,
                created_at: now,
            });
        };
        add("base", None, since, None, list, None);
        add("A", None, since, None, share(95), None);
        add("B", None, since, None, share(98), None);
        // the summer promotion lowers every list, so no tier pays more than another
        if p.sku == "PJ-330" {
            add("base", None, summer.0, Some(summer.1), share(93), None);
            add("A", None, summer.0, Some(summer.1), share(90), None);
            add("B", None, summer.0, Some(summer.1), share(92), None);
        }
        if p.sku == "BJ-500" {
            if let Some(c) = agreed[0] {
                let reason = "年度协议：全年进货不少于 500 箱".to_owned();
                add(
                    "customer",
                    Some(c),
                    since,
                    None,
                    floor - 100,
                    Some((owner, reason)),
                );
            }
            if let Some(c) = agreed[1] {
                add("customer", Some(c), since, None, share(96), None);
            }
        }
    }
    for e in &entries {
        pricing::insert(conn, company, e).await?;
    }
    Ok(())
}

/// Three months of orders by three reps' customers, through every status: the older
/// ones delivered and closed, some on their way, the newest waiting to be confirmed
/// (half of them taken on a tablet), two cancelled. Priced from the demo's lists;
/// those confirmed or later are in the ledger.
async fn seed_orders(
    conn: &mut crate::server::db::DbConn,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use crate::domain::orders::{OrderNumber, OrderStatus, Step};
    use crate::domain::pricing::price_on;
    use crate::domain::segmentation::Class;
    use crate::server::db::customers::Scope;
    use crate::server::db::{orders, pricing, sales};
    use chrono::Datelike;
    let company = DEMO_COMPANY_ID;
    let today = crate::domain::time::beijing_date(now);
    let products: Vec<_> = sales::products(conn, company)
        .await?
        .into_iter()
        .filter(|p| p.active && p.list_price.is_some())
        .take(6)
        .collect();
    let codes = sales::customer_codes(conn, company).await?;
    let reps = [3usize, 4, 5];
    let mut served: Vec<Vec<orders::OrderCustomer>> = Vec::new();
    for rep in reps {
        let mut mine = Vec::new();
        for (code, _, r) in &codes {
            if *r != Some(demo_employee_id(rep).0) || mine.len() >= 8 {
                continue;
            }
            if let Some(c) = orders::customer(conn, company, Scope::All, code).await?
                && c.status == "active"
            {
                mine.push(c);
            }
        }
        served.push(mine);
    }
    let (manager, warehouse, driver) = (
        demo_employee_id(1),
        demo_employee_id(2),
        demo_employee_id(9),
    );
    for k in 0..36usize {
        let Some(customer) = served[k % 3].get((k / 3) % served[k % 3].len().max(1)) else {
            continue;
        };
        // the delivered orders still unpaid reach further back, so the aging has a tail
        // in every bucket (due 15–30 days after delivery, by tier)
        let age = if k % 4 == 0 && k < 20 {
            i64::try_from(45 + k * 7).unwrap_or(0)
        } else {
            i64::try_from((35 - k) * 5 / 2).unwrap_or(0)
        };
        let day = today - chrono::Days::new(u64::try_from(age).unwrap_or(0));
        let at = now - chrono::Duration::days(age) - chrono::Duration::hours(6);
        let (path, status): (&[Step], OrderStatus) = match k {
            7 => (&[Step::Confirm, Step::Cancel], OrderStatus::Cancelled),
            30 => (&[Step::Cancel], OrderStatus::Cancelled),
            0..20 if k % 4 == 0 => (
                &[Step::Confirm, Step::Pick, Step::Dispatch, Step::Deliver],
                OrderStatus::Delivered,
            ),
            0..20 => (
                &[
                    Step::Confirm,
                    Step::Pick,
                    Step::Dispatch,
                    Step::Deliver,
                    Step::Close,
                ],
                OrderStatus::Closed,
            ),
            20..22 => (
                &[Step::Confirm, Step::Pick, Step::Dispatch],
                OrderStatus::OutForDelivery,
            ),
            22..24 => (&[Step::Confirm, Step::Pick], OrderStatus::Picked),
            24..26 => (&[Step::Confirm], OrderStatus::Confirmed),
            _ => (&[], OrderStatus::Draft),
        };
        let tier = customer.tier.as_deref().and_then(|t| Class::parse(t).ok());
        let entries = pricing::entries_for(conn, company, customer.id).await?;
        let mut lines = Vec::new();
        for i in 0..(1 + k % 3) {
            let Some(p) = products.get((k + 2 * i) % products.len().max(1)) else {
                continue;
            };
            let Some(price) = price_on(&entries, p.id, customer.id, tier, day) else {
                continue;
            };
            let quantity = i64::try_from(1 + (k * 7 + i * 3) % 12).unwrap_or(1);
            lines.push(orders::NewOrderLine {
                line_no: i64::try_from(lines.len() + 1).unwrap_or(1),
                product_id: p.id,
                quantity,
                unit_price: price.price.0,
                amount: price.price.0 * quantity,
                price_source: crate::domain::orders::PriceSource::List(price.scope).as_str(),
                approval: None,
            });
        }
        if lines.is_empty() {
            continue;
        }
        let total: i64 = lines.iter().map(|l| l.amount).sum();
        let seq = orders::next_number(conn, company, day.year()).await?;
        let id = uuid::Uuid::now_v7();
        let number = OrderNumber {
            year: day.year(),
            seq: u32::try_from(seq).unwrap_or(1),
        }
        .to_string();
        let tablet = status == OrderStatus::Draft && k % 2 == 0;
        let rep = customer.rep_id.map(crate::domain::ids::EmployeeId);
        orders::insert(
            conn,
            company,
            &orders::NewOrder {
                id,
                number: number.clone(),
                customer_id: customer.id,
                rep_id: customer.rep_id,
                order_date: day,
                source: if tablet { "tablet" } else { "office" },
                total,
                created_by: if tablet {
                    rep.unwrap_or(manager)
                } else {
                    manager
                },
                now: at,
            },
            &lines,
        )
        .await?;
        let mut batch = None;
        for (n, st) in path.iter().enumerate() {
            let when = at + chrono::Duration::hours(i64::try_from(n + 1).unwrap_or(1) * 3);
            let by = match st {
                Step::Pick | Step::Dispatch => warehouse,
                Step::Deliver => driver,
                _ => manager,
            };
            match st {
                Step::Confirm => {
                    let posting = crate::server::orders::Posting {
                        id,
                        customer_id: customer.id,
                        rep_id: customer.rep_id,
                        order_date: day,
                    };
                    batch = Some(
                        crate::server::orders::post(conn, company, manager, &posting, when).await?,
                    );
                    // its delivery ticket, timed from the confirmation
                    crate::server::tickets::deliveries::open_for_order(
                        conn,
                        company,
                        manager,
                        customer.id,
                        &number,
                        id,
                        when,
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("delivery: {e:?}"))?;
                }
                Step::Cancel => {
                    // the order does not name its batch yet: the lines just go
                    if let Some(b) = batch.take() {
                        sales::undo_batch(conn, company, b, when).await?;
                    }
                    crate::server::tickets::deliveries::cancel_for_order(conn, company, id, when)
                        .await
                        .map_err(|e| anyhow::anyhow!("cancelling a delivery: {e:?}"))?;
                }
                Step::Dispatch => {
                    // on 吴刚's truck
                    if let Some(t) =
                        crate::server::db::tickets::delivery_of_order(conn, company, id).await?
                    {
                        crate::server::db::tickets::set_driver(
                            conn,
                            company,
                            t.id,
                            t.version,
                            Some(driver.0),
                            when,
                        )
                        .await?;
                    }
                }
                Step::Deliver => {
                    crate::server::tickets::deliveries::finish_for_order(conn, company, id, when)
                        .await
                        .map_err(|e| anyhow::anyhow!("delivered: {e:?}"))?;
                    let delivered = crate::domain::time::beijing_date(when);
                    crate::server::receivables::issue_for_order(
                        conn,
                        company,
                        id,
                        customer.id,
                        total,
                        delivered,
                        when,
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("invoice: {e:?}"))?;
                }
                _ => {}
            }
            let reason = (*st == Step::Cancel).then_some("客户临时取消");
            orders::add_event(conn, company, id, st.as_str(), by, when, reason).await?;
        }
        orders::set_status(conn, company, id, 1, "draft", status.as_str(), batch, at).await?;
        // collections: closed orders paid (two only half, one with money left over as
        // credit); delivered ones still open, so the aging has a tail
        if status == OrderStatus::Closed {
            let paid = match k {
                5 | 13 => total / 2,
                18 => total + 50_000,
                _ => total,
            };
            let day =
                (day + chrono::Days::new(u64::try_from(10 + k % 20).unwrap_or(10))).min(today);
            let method = crate::domain::receivables::PaymentMethod::ALL[k % 4];
            let reference = method
                .needs_reference()
                .then(|| format!("42000{k:03}{}", day.format("%Y%m%d")));
            crate::server::receivables::record_oldest_first(
                conn,
                company,
                &crate::server::db::receivables::NewPayment {
                    id: uuid::Uuid::now_v7(),
                    customer_id: customer.id,
                    paid_on: day,
                    method: method.as_str(),
                    reference: reference.as_deref(),
                    amount: paid,
                    note: None,
                    recorded_by: rep.unwrap_or(manager),
                    now: at + chrono::Duration::days(10),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("payment: {e:?}"))?;
        }
    }
    Ok(())
}

/// Service standards, the working calendar with holidays, the handbook's draft, tickets
/// over the last months (so the board counts down and compliance has a history), and
/// staff development records.
/// Two months of visits (every customer's rep called on some of them, at irregular
/// intervals, so Today shows a mix of overdue, due and recently visited customers), gift
/// lists per tier and a few touches.
async fn seed_visits(
    conn: &mut crate::server::db::DbConn,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let customers: Vec<(Uuid, Uuid)> = on!(conn, |ex| sqlx::query_as(
        "SELECT id, rep_id FROM customers WHERE company_id = $1 AND rep_id IS NOT NULL \
         AND status = 'active' ORDER BY code",
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_all(&mut *ex)
    .await)?;
    let purposes = ["routine", "order", "display", "relationship", "collection"];
    for (i, (customer, rep)) in customers.iter().enumerate() {
        // every third customer has not been visited for two months: overdue
        let count = if i % 3 == 0 { 0 } else { 1 + i % 4 };
        for j in 0..count {
            let days_ago = 2 + ((i * 7 + j * 13) % 50) as i64;
            let at = now
                - chrono::Duration::days(days_ago)
                - chrono::Duration::minutes(((i * 37) % 480) as i64);
            on!(conn, |ex| {
                sqlx::query(
                "INSERT INTO visits (company_id, id, customer_id, rep_id, checked_in_at, purpose, notes, \
                 vivid_display, stack_display, indoor_ad, outdoor_ad, competitors, next_step, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(DEMO_COMPANY_ID.0)
            .bind(Uuid::now_v7())
            .bind(customer)
            .bind(rep)
            .bind(at)
            .bind(purposes[(i + j) % purposes.len()])
            .bind(["店主反映夏季啤酒走得快", "检查了冰柜陈列", "新品试饮反馈不错", ""][(i + j) % 4])
            .bind(i % 2 == 0)
            .bind(i % 5 == 0)
            .bind(i % 3 == 1)
            .bind(false)
            .bind(["", "农夫山泉", "康师傅冰红茶", "百威"][i % 4])
            .bind(["", "下次带新品海报", "跟进回款"][i % 3])
            .bind(at)
            .execute(&mut *ex)
            .await.map(|d| d.rows_affected())
            })?;
        }
    }
    use crate::domain::segmentation::Class;
    use crate::domain::visits::GiftOccasion;
    for (tier, occasion, gifts) in [
        (Class::A, GiftOccasion::Birthday, "茶叶礼盒、生日贺卡"),
        (Class::A, GiftOccasion::Anniversary, "开业周年花篮"),
        (Class::A, GiftOccasion::SpringFestival, "年货礼盒、春联"),
        (Class::A, GiftOccasion::MidAutumn, "月饼礼盒"),
        (Class::B, GiftOccasion::Birthday, "生日贺卡、小礼品"),
        (Class::B, GiftOccasion::SpringFestival, "春联、台历"),
        (Class::C, GiftOccasion::SpringFestival, "春联"),
    ] {
        crate::server::db::visits::set_gift_list(conn, DEMO_COMPANY_ID, tier, occasion, gifts, now)
            .await?;
    }
    Ok(())
}

async fn seed_service(
    conn: &mut crate::server::db::DbConn,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use crate::domain::handbook::Draft;
    use crate::domain::sla::{CalendarInput, WorkCalendar};
    use crate::domain::tickets::{ServiceStandard, StandardInput};
    use crate::server::db::{development, handbook, service, tickets};
    use chrono::Duration;
    let owner = demo_employee_id(0);
    for (kind, hours, a, working) in [
        ("delivery", "24", "12", false),
        ("first_answer", "4", "2", true),
        ("resolution", "48", "24", false),
    ] {
        let s = ServiceStandard::parse(&StandardInput {
            kind: kind.into(),
            hours: hours.into(),
            tier_a_hours: a.into(),
            working_hours_only: working,
            ..StandardInput::default()
        })
        .expected_valid(format_args!("demo standard {kind}"))?;
        service::save_standard(conn, DEMO_COMPANY_ID, &s, owner, now).await?;
    }
    let holidays = [
        ("2026-10-01", "holiday", "国庆节"),
        ("2026-10-02", "holiday", "国庆节"),
        ("2026-10-03", "holiday", "国庆节"),
        ("2027-01-01", "holiday", "元旦"),
        ("2027-02-06", "holiday", "春节"),
        ("2027-02-07", "holiday", "春节"),
        ("2027-02-08", "holiday", "春节"),
    ];
    let calendar = WorkCalendar::parse(&CalendarInput {
        open: "09:00".into(),
        close: "18:00".into(),
        weekdays: "123456".into(),
        days: holidays
            .iter()
            .map(|(d, k, n)| ((*d).into(), (*k).into(), (*n).into()))
            .collect(),
    })
    .expected_valid("demo calendar")?;
    service::save_calendar(conn, DEMO_COMPANY_ID, &calendar, now).await?;
    let draft = Draft::parse(
        "本手册汇总本公司的服务标准、分级政策、拜访流程与渠道规则。每位员工入职时阅读并确认，标准更新后重新发布。",
        "1. 出发前查看客户档案与上次拜访记录\n2. 进店问候，检查库存与陈列\n3. 记录货架价格与竞品\n4. 了解客户需求与异议，当场登记\n5. 约定下次拜访时间",
        "严禁跨区域供货（窜货）；不得低于最低限价销售；发现违规当日登记并附照片。",
    )
    .expected_valid("demo handbook")?;
    handbook::save_draft(conn, DEMO_COMPANY_ID, &draft, 0, owner, now).await?;

    // tickets: a few customers of each of four reps
    let mut n = 0u32;
    for rep in [3usize, 4, 5, 6] {
        let customers: Vec<(Uuid,)> = on!(conn, |ex| {
            sqlx::query_as(
            "SELECT id FROM customers WHERE company_id = $1 AND rep_id = $2 AND status <> 'closed' ORDER BY code LIMIT 8",
        )
        .bind(DEMO_COMPANY_ID.0)
        .bind(demo_employee_id(rep).0)
        .fetch_all(&mut *ex)
        .await
        })?;
        for (customer,) in &customers {
            n += 1;
            // history: answered within 1–6 hours, resolved within 10–60 hours, over five months
            let opened =
                now - Duration::days(i64::from(n % 150) + 3) - Duration::hours(i64::from(n % 7));
            let id = Uuid::now_v7();
            let categories = [
                "quality", "price", "delivery", "display", "service", "other",
            ];
            tickets::insert_objection(
                conn,
                DEMO_COMPANY_ID,
                &tickets::NewObjection {
                    id,
                    customer: *customer,
                    category: categories[n as usize % categories.len()],
                    description: "客户反映问题，已登记跟进（演示）",
                    assignee: Some(demo_employee_id(rep).0),
                    opened_at: opened,
                    by: demo_employee_id(rep),
                    now,
                },
            )
            .await?;
            let answered = opened + Duration::hours(i64::from(1 + n % 6));
            let resolved = answered + Duration::hours(i64::from(10 + (n * 7) % 50));
            tickets::update_objection(
                conn,
                DEMO_COMPANY_ID,
                id,
                1,
                &tickets::Step {
                    answered_at: Some(answered),
                    resolved_at: Some(resolved),
                    closed_at: Some(resolved),
                    paused_at: None,
                    breached_at: None,
                    assignee: Some(demo_employee_id(rep).0),
                },
                now,
            )
            .await?;
            for (kind, body, at) in [
                ("answered", "已电话答复客户", answered),
                ("resolved", "已处理完毕", resolved),
            ] {
                tickets::insert_comment(
                    conn,
                    DEMO_COMPANY_ID,
                    id,
                    kind,
                    body,
                    demo_employee_id(rep),
                    at,
                )
                .await?;
            }
            // deliveries: most within the day, some late
            let ordered = now - Duration::days(i64::from((n * 3) % 150) + 2);
            let delivery = Uuid::now_v7();
            tickets::insert_delivery(
                conn,
                DEMO_COMPANY_ID,
                &tickets::NewDelivery {
                    id: delivery,
                    customer: *customer,
                    order_ref: &format!("SO-DEMO-{n:04}"),
                    ordered_at: ordered,
                    promised_at: None,
                    driver: Some(demo_employee_id(9).0),
                    by: demo_employee_id(rep),
                    now,
                },
            )
            .await?;
            let took = if n.is_multiple_of(5) {
                30
            } else {
                4 + i64::from(n % 16)
            };
            tickets::complete_delivery(
                conn,
                DEMO_COMPANY_ID,
                delivery,
                1,
                ordered + Duration::hours(took),
                None,
                None,
                now,
            )
            .await?;
        }
        // open tickets today: one waiting for an answer, one delivery on its way
        if let Some((customer,)) = customers.first() {
            tickets::insert_objection(
                conn,
                DEMO_COMPANY_ID,
                &tickets::NewObjection {
                    id: Uuid::now_v7(),
                    customer: *customer,
                    category: "quality",
                    description: "上批货有三箱外包装破损，要求换货。",
                    assignee: Some(demo_employee_id(rep).0),
                    opened_at: now - Duration::hours(rep as i64 - 2),
                    by: demo_employee_id(rep),
                    now,
                },
            )
            .await?;
        }
        if let Some((customer,)) = customers.get(1) {
            n += 1;
            tickets::insert_delivery(
                conn,
                DEMO_COMPANY_ID,
                &tickets::NewDelivery {
                    id: Uuid::now_v7(),
                    customer: *customer,
                    order_ref: &format!("SO-DEMO-{n:04}"),
                    ordered_at: now - Duration::hours(6 * rep as i64 - 8),
                    promised_at: None,
                    driver: Some(demo_employee_id(9).0),
                    by: demo_employee_id(rep),
                    now,
                },
            )
            .await?;
        }
    }

    // staff development: training over the last year, a skills matrix, suggestions
    let today = crate::domain::time::beijing_date(now);
    let topics = [
        ("新品知识", "厂家培训师", true),
        ("陈列标准", "刘敏", false),
        ("异议处理话术", "王强", false),
        ("安全驾驶", "交通安全中心", true),
    ];
    for rep in 3..=9usize {
        for (k, (topic, trainer, external)) in topics.iter().enumerate() {
            if (rep + k) % 3 == 0 {
                continue;
            }
            let day = today - chrono::Days::new(((rep * 37 + k * 71) % 330) as u64);
            let t = crate::domain::development::Training {
                date: day,
                topic: (*topic).into(),
                tenths: 10 + ((rep + k) % 4) as i64 * 5,
                trainer: Some((*trainer).into()),
                external: *external,
            };
            development::insert_training(
                conn,
                DEMO_COMPANY_ID,
                demo_employee_id(rep),
                &t,
                owner,
                now,
            )
            .await?;
        }
        for (k, skill) in ["产品知识", "陈列", "谈判", "收款"].iter().enumerate() {
            let level = 1 + ((rep * 3 + k * 2) % 5) as u8;
            development::set_skill(
                conn,
                DEMO_COMPANY_ID,
                demo_employee_id(rep),
                skill,
                Some(level),
                now,
            )
            .await?;
        }
    }
    development::insert_suggestion(
        conn,
        DEMO_COMPANY_ID,
        demo_employee_id(3),
        "早会改到八点",
        "避开早高峰，九点前就能到第一家店。",
        now - Duration::days(5),
    )
    .await?;
    development::insert_suggestion(
        conn,
        DEMO_COMPANY_ID,
        demo_employee_id(9),
        "配送单加客户收货时段",
        "很多餐饮店只在上午十点前收货。",
        now - Duration::days(2),
    )
    .await?;
    Ok(())
}

/// Tier policies in force since 1 January, as the article suggests them: A gets
/// consulting, management support, territory extension, exclusive categories and
/// promotion money at terminals; B management and knowledge; C knowledge and material.
async fn seed_policies(
    conn: &mut crate::server::db::DbConn,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use crate::domain::tier::{TierPolicy, TierPolicyInput};
    use chrono::Datelike;
    let year = crate::domain::time::beijing_date(now).year();
    let policies = [
        (
            "A",
            "4",
            &[
                "consulting",
                "management",
                "territory_extension",
                "exclusive_categories",
                "terminal_promotion",
            ][..],
            "60",
            "300000",
            "45",
        ),
        (
            "B",
            "2",
            &["management", "knowledge"][..],
            "30",
            "100000",
            "30",
        ),
        (
            "C",
            "1",
            &["knowledge", "material"][..],
            "10",
            "20000",
            "15",
        ),
    ];
    for (tier, visits, supports, share, limit, days) in policies {
        let p = TierPolicy::parse(&TierPolicyInput {
            tier: tier.into(),
            effective_from: format!("{year}-01-01"),
            visits_per_month: visits.into(),
            supports: supports.iter().map(|s| (*s).to_owned()).collect(),
            budget_share: share.into(),
            credit_limit: limit.into(),
            credit_days: days.into(),
            notes: String::new(),
        })
        .expected_valid("demo policy")?;
        crate::server::db::tiers::insert_policy(
            conn,
            DEMO_COMPANY_ID,
            uuid::Uuid::now_v7(),
            &p,
            demo_employee_id(0),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Territories (every sub-distributor its district, two only their own township), a few
/// sales today below the price floor, and two violation records.
async fn seed_discipline(
    conn: &mut crate::server::db::DbConn,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use crate::domain::discipline::{Territory, ViolationKind};
    use crate::server::db::{discipline, sales};
    let company = DEMO_COMPANY_ID;
    let subs = discipline::sub_distributor_places(conn, company).await?;
    for (i, (id, district, township, _)) in subs.iter().enumerate() {
        let Some(district) = district.clone() else {
            continue;
        };
        let township = if i < 2 { township.clone() } else { None };
        discipline::set_territories(conn, company, *id, &[Territory { district, township }])
            .await?;
    }
    let today = crate::domain::time::beijing_date(now);
    let products = sales::products(conn, company).await?;
    let (Some((sub, _, _, rep)), Some(product)) = (subs.first(), products.first()) else {
        return Ok(());
    };
    let rep = *rep;
    let floor = product.price_floor.unwrap_or(0);
    let batch = uuid::Uuid::now_v7();
    sales::insert_batch(conn, company, batch, "demo", None, None, now, None).await?;
    let order = uuid::Uuid::now_v7();
    let line = sales::NewLine {
        order_id: order,
        line_no: 1,
        order_date: today,
        customer_id: *sub,
        product_id: product.id,
        rep_id: rep,
        quantity: 60,
        // 15 % under the floor: 窜货 stock dumped at a price
        amount: floor * 85 / 100 * 60,
        cost: floor * 70 / 100 * 60,
    };
    sales::insert_lines(conn, company, batch, &[line]).await?;
    sales::set_batch_count(conn, company, batch, 1).await?;
    let reports = [
        (
            ViolationKind::CrossRegion,
            today - chrono::Days::new(9),
            Some("江北区"),
            "在江北区观音桥一带以低于区域价出货，有经销商投诉。",
        ),
        (
            ViolationKind::BelowFloor,
            today - chrono::Days::new(3),
            None,
            "白酒按最低限价八五折出货 60 瓶。",
        ),
    ];
    for (kind, day, place, text) in reports {
        discipline::insert_violation(
            conn,
            company,
            &discipline::NewViolation {
                id: uuid::Uuid::now_v7(),
                customer: *sub,
                kind,
                occurred_on: day,
                product: (kind == ViolationKind::BelowFloor).then_some(product.id),
                place,
                description: text,
                by: demo_employee_id(3),
                now,
            },
        )
        .await?;
    }
    Ok(())
}

/// (SKU, name, category, unit, list price fen, floor fen, cost share ‰, seasonal: beer
/// sells in summer)
type DemoProduct = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    i64,
    bool,
);
const DEMO_PRODUCTS: [DemoProduct; 12] = [
    (
        "BJ-500",
        "江津老白干 500ml",
        "白酒",
        "瓶",
        8_800,
        7_900,
        780,
        false,
    ),
    (
        "BJ-250",
        "江津老白干 250ml",
        "白酒",
        "瓶",
        4_600,
        4_100,
        790,
        false,
    ),
    (
        "BJ-GIFT",
        "老白干礼盒 2×500ml",
        "白酒",
        "盒",
        26_800,
        23_800,
        720,
        false,
    ),
    (
        "PJ-330",
        "山城啤酒 330ml×24",
        "啤酒",
        "箱",
        7_200,
        6_500,
        830,
        true,
    ),
    (
        "PJ-500",
        "山城啤酒 500ml×12",
        "啤酒",
        "箱",
        5_400,
        4_900,
        840,
        true,
    ),
    (
        "YL-ZS",
        "天府可乐 330ml×24",
        "饮料",
        "箱",
        6_000,
        5_400,
        820,
        true,
    ),
    (
        "YL-WL",
        "王老吉 310ml×24",
        "饮料",
        "箱",
        8_400,
        7_600,
        850,
        true,
    ),
    (
        "SS-MN",
        "纯牛奶 250ml×24",
        "乳品",
        "箱",
        6_600,
        6_000,
        860,
        false,
    ),
    ("LY-5L", "菜籽油 5L", "粮油", "桶", 9_900, 9_100, 880, false),
    (
        "MF-10",
        "挂面 1kg×10",
        "粮油",
        "件",
        5_200,
        4_700,
        870,
        false,
    ),
    (
        "TL-HG",
        "火锅底料 400g×20",
        "调味品",
        "件",
        12_000,
        10_800,
        760,
        false,
    ),
    (
        "TL-JY",
        "酱油 1.9L×6",
        "调味品",
        "件",
        7_800,
        7_000,
        800,
        false,
    ),
];

/// Three years of sales for the demo customers: a heavy tail (a few sub-distributors and
/// big supermarkets carry most of the volume), a Spring Festival peak (the month before
/// the festival), a Mid-Autumn bump for liquor gift boxes, summer for beer and drinks,
/// and an occasional return.
pub async fn seed_sales(
    conn: &mut crate::server::db::DbConn,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<usize> {
    use crate::domain::sales::{ProductFields, month_of, month_start};
    use crate::server::db::sales::{self as repo, NewLine};
    use chrono::Datelike;
    let company = DEMO_COMPANY_ID;
    let mut rng = Lcg(20_260_128);
    let mut products = Vec::new();
    for (sku, name, category, unit, list, floor, cost, seasonal) in DEMO_PRODUCTS {
        let id = uuid::Uuid::now_v7();
        // "山城啤酒 330ml×24": 24 bottles to the case; the gift box holds 2 bottles
        let pack = match sku {
            "BJ-GIFT" => Some((2, "瓶")),
            _ => name
                .rsplit_once('×')
                .and_then(|(_, n)| n.parse::<i64>().ok())
                .map(|n| {
                    let piece = match sku {
                        "SS-MN" => "盒",
                        "MF-10" | "TL-HG" => "袋",
                        _ => "瓶",
                    };
                    (n, piece)
                }),
        };
        let fields = ProductFields {
            sku: sku.into(),
            name: name.into(),
            category: Some(category.into()),
            unit: Some(unit.into()),
            list_price: Some(crate::domain::money::Money(list)),
            price_floor: Some(crate::domain::money::Money(floor)),
            pack_size: pack.map(|(n, _)| n),
            piece_unit: pack.map(|(_, piece)| piece.to_owned()),
            cost_price: Some(crate::domain::money::Money(list * cost / 1000)),
            active: true,
        };
        repo::insert_product(conn, company, id, &fields, now).await?;
        products.push((id, list, cost, seasonal, sku.starts_with("BJ-GIFT")));
    }
    let customers = repo::customer_codes(conn, company).await?;
    let batch = uuid::Uuid::now_v7();
    repo::insert_batch(conn, company, batch, "demo", None, None, now, None).await?;
    // the month before Spring Festival (2024-02-10, 2025-01-29, 2026-02-17, 2027-02-06)
    let festival_peaks = [2024 * 12, 2024 * 12 + 11, 2026 * 12, 2027 * 12];
    let today = crate::domain::time::beijing_date(now);
    let last_month = month_of(today);
    let first_month = last_month - 35;
    let mut lines = Vec::new();
    for (code, customer_id, rep_id) in &customers {
        // Pareto weight: 1 / u^(1/1.16), the 80/20 shape; sub-distributors buy more
        let u = (rng.below(10_000) as f64 + 1.0) / 10_001.0;
        let (big, cap) = if code.starts_with("EP") {
            (8.0, 300.0)
        } else {
            (1.0, 40.0)
        };
        let weight = (big / u.powf(1.0 / 1.16)).min(cap);
        // a few customers start late or stop (churn and new customers for the story)
        let start = first_month
            + if rng.chance(15) {
                rng.below(24) as i32
            } else {
                0
            };
        let stop = if rng.chance(8) {
            last_month - rng.below(12) as i32
        } else {
            last_month
        };
        for m in start..=stop {
            let month = m.rem_euclid(12) + 1;
            let mut factor = 1.0;
            if festival_peaks.contains(&m) {
                factor *= 2.4;
            }
            if month == 9 {
                factor *= 1.3;
            }
            let orders = ((weight * factor / 6.0).round() as usize).clamp(0, 6);
            let orders = if orders == 0 && rng.below(100) < (weight * 60.0) as usize {
                1
            } else {
                orders
            };
            let Some(first_day) = month_start(m) else {
                continue;
            };
            let days = if m == last_month {
                i64::from(today.day()) - 1
            } else {
                month_start(m + 1).map_or(28, |next| (next - first_day).num_days())
            };
            if days == 0 {
                continue;
            }
            for _ in 0..orders {
                let date = first_day + chrono::Duration::days(rng.below(days as usize) as i64);
                if date >= today {
                    continue;
                }
                let order_id = uuid::Uuid::now_v7();
                let n_lines = 1 + rng.below(3);
                for line_no in 1..=n_lines {
                    let (product_id, list, cost, seasonal, gift) =
                        products[rng.below(products.len())];
                    let mut qty = 1 + rng.below((weight * 2.0) as usize + 3) as i64;
                    if seasonal && (6..=8).contains(&month) {
                        qty *= 2;
                    }
                    if gift && (month == 9 || festival_peaks.contains(&m)) {
                        qty *= 3;
                    }
                    // negotiated prices: list price down to 6 % below
                    let price = list - list * rng.below(7) as i64 / 100;
                    let sign = if rng.chance(1) { -1 } else { 1 };
                    let qty = qty * sign;
                    lines.push(NewLine {
                        order_id,
                        line_no: line_no as i64,
                        order_date: date,
                        customer_id: *customer_id,
                        product_id,
                        rep_id: *rep_id,
                        quantity: qty,
                        amount: price * qty,
                        cost: list * cost / 1000 * qty,
                    });
                }
            }
        }
    }
    repo::insert_lines(conn, company, batch, &lines).await?;
    repo::set_batch_count(conn, company, batch, lines.len() as i64).await?;
    Ok(lines.len())
}

/// (district, rep login or "" for unassigned, townships, roads)
const DEMO_REGIONS: [(&str, &str, &[&str], &[&str]); 8] = [
    (
        "渝北区",
        "zhangwei",
        &[
            "两路街道",
            "龙溪街道",
            "回兴街道",
            "双凤桥街道",
            "木耳镇",
            "兴隆镇",
            "统景镇",
            "洛碛镇",
        ],
        &["金开大道", "新南路", "双龙大道", "松石北路"],
    ),
    (
        "江北区",
        "lina",
        &[
            "观音桥街道",
            "石马河街道",
            "大石坝街道",
            "五里店街道",
            "寸滩街道",
            "鱼嘴镇",
            "复盛镇",
        ],
        &["建新北路", "北城天街", "洋河路", "红旗河沟"],
    ),
    (
        "沙坪坝区",
        "zhaolei",
        &[
            "小龙坎街道",
            "磁器口街道",
            "井口街道",
            "歌乐山街道",
            "青木关镇",
            "回龙坝镇",
            "曾家镇",
        ],
        &["小龙坎正街", "三峡广场", "汉渝路", "天星桥"],
    ),
    (
        "九龙坡区",
        "sunli",
        &[
            "杨家坪街道",
            "石桥铺街道",
            "二郎街道",
            "西彭镇",
            "白市驿镇",
            "铜罐驿镇",
            "陶家镇",
        ],
        &["杨家坪步行街", "科园一路", "西郊路", "谢家湾正街"],
    ),
    (
        "南岸区",
        "zhoujie",
        &[
            "南坪街道",
            "弹子石街道",
            "铜元局街道",
            "长生桥镇",
            "迎龙镇",
            "广阳镇",
        ],
        &["南坪东路", "江南大道", "南城大道", "腾龙大道"],
    ),
    (
        "巴南区",
        "zhengfang",
        &[
            "鱼洞街道",
            "李家沱街道",
            "界石镇",
            "一品街道",
            "南彭街道",
            "木洞镇",
            "丰盛镇",
        ],
        &["鱼洞新街", "龙洲大道", "巴县大道", "渝南大道"],
    ),
    (
        "大渡口区",
        "sunli",
        &["新山村街道", "春晖路街道", "跳磴镇"],
        &["松青路", "文体路", "钢花路"],
    ),
    (
        "北碚区",
        "",
        &["北温泉街道", "天生街道", "歇马街道", "澄江镇", "静观镇"],
        &["北温泉路", "天生路", "云华路"],
    ),
];

const SURNAMES: [&str; 20] = [
    "刘", "陈", "张", "李", "王", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "何",
    "郭", "罗", "谭", "冉",
];
const GIVEN: [&str; 16] = [
    "德明", "春燕", "国华", "小红", "志强", "秀英", "建平", "丽萍", "永福", "桂兰", "文军", "红梅",
    "大勇", "晓东", "玉兰", "光荣",
];

/// A small deterministic generator (so every demo install has the same customers).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n.max(1)
    }
    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

fn stem(township: &str) -> &str {
    township.trim_end_matches("街道").trim_end_matches('镇')
}

/// ~40 sub-distributors and ~800 terminals across Chongqing, with profiles of varying
/// completeness, assigned to the demo reps by district.
pub async fn seed_customers(
    conn: &mut crate::server::db::DbConn,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<usize> {
    use crate::domain::profile::{CustomerDraft, Values};
    use crate::server::customers::writes::{self as svc, Author, Directory};
    let author = Author {
        company: DEMO_COMPANY_ID,
        by: None,
        scope: crate::server::db::customers::Scope::All,
        source: "import",
        now,
    };
    let mut dir = Directory::whole_company(conn, DEMO_COMPANY_ID).await?;
    let mut rng = Lcg(20_261_127);
    let mut count = 0usize;
    let mut phone_seq = 0u64;
    let mut phone = |rng: &mut Lcg| {
        phone_seq += 1;
        let prefix = ["138", "139", "135", "158", "187", "152", "177"][rng.below(7)];
        format!("{prefix}{:08}", 23_000_000 + phone_seq * 7919 % 76_000_000)
    };
    let mut subs: Vec<(String, &str, &str)> = Vec::new();
    let save = |values: Values| -> anyhow::Result<CustomerDraft> {
        CustomerDraft::parse(&values).expected_valid("demo customer")
    };
    let mut s_no = 0;
    for (district, rep, townships, roads) in DEMO_REGIONS {
        let n_subs = if townships.len() > 5 { 6 } else { 3 };
        for t in 0..n_subs {
            s_no += 1;
            let township = townships[(t * 2 + 1) % townships.len()];
            let surname = rng.pick(&SURNAMES);
            let name = match rng.below(3) {
                0 => format!("{}{}氏副食批发部", stem(township), surname),
                1 => format!("{}兴旺商贸有限公司", stem(township)),
                _ => format!("{}老{}粮油副食经营部", stem(township), surname),
            };
            let name = if subs.iter().any(|(_, n, _)| *n == name) {
                format!("{name}{s_no}")
            } else {
                name
            };
            let code = format!("EP{s_no:03}");
            let mut v = Values::new();
            let mut set = |k: &str, val: String| {
                v.insert(k.to_owned(), val);
            };
            set("code", code.clone());
            set("name", name.clone());
            set("kind", "sub_distributor".into());
            set("district", district.into());
            set("township", township.into());
            set(
                "address",
                format!(
                    "重庆市{district}{township}{}{}号",
                    rng.pick(roads),
                    1 + rng.below(300)
                ),
            );
            set("phone", phone(&mut rng));
            let owner = format!("{}{}", surname, rng.pick(&GIVEN));
            set("contact", owner.clone());
            if !rep.is_empty() {
                set("rep_login", rep.into());
            }
            let level = rng.below(100);
            if level > 20 {
                set("legal_owner", owner.clone());
                set(
                    "business_nature",
                    ["个体工商户", "有限责任公司", "个人独资企业"][rng.below(3)].into(),
                );
                set(
                    "licence_no",
                    format!("91500{:013}", 1_000_000 + s_no * 7717),
                );
                set(
                    "opened_on",
                    format!(
                        "{}-{:02}-{:02}",
                        2003 + rng.below(20),
                        1 + rng.below(12),
                        1 + rng.below(28)
                    ),
                );
                set("product_lines", "饮料、啤酒、白酒、休闲食品".into());
                set(
                    "competing_brands",
                    ["娃哈哈、康师傅", "统一、农夫山泉", "今麦郎、怡宝"][rng.below(3)].into(),
                );
                set(
                    "monthly_volume",
                    format!("{}", 50_000 + rng.below(400) * 1000),
                );
                set("credit_limit", format!("{}", (1 + rng.below(10)) * 20_000));
                set(
                    "network_reach",
                    format!(
                        "覆盖{}及周边 {} 个乡镇、约 {} 家终端",
                        stem(township),
                        2 + rng.below(6),
                        40 + rng.below(160)
                    ),
                );
            }
            if level > 45 {
                set("staff_count", (3 + rng.below(20)).to_string());
                set("vehicles", (1 + rng.below(6)).to_string());
                set("sites", (1 + rng.below(3)).to_string());
                set("warehouse_area", (200 + rng.below(1500)).to_string());
                set(
                    "working_capital",
                    format!("{}", (5 + rng.below(60)) * 10_000),
                );
                set(
                    "payment_record",
                    ["月结，从未拖欠", "现款现货", "偶有延迟，30 天内结清"][rng.below(3)].into(),
                );
            }
            if level > 70 {
                set("personal_consent", "true".into());
                set("consent_date", "2026-03-01".into());
                set("key_person", owner.clone());
                set(
                    "birthday",
                    format!(
                        "{}-{:02}-{:02}",
                        1962 + rng.below(25),
                        1 + rng.below(12),
                        1 + rng.below(28)
                    ),
                );
                set(
                    "hometown",
                    ["重庆綦江", "四川广安", "重庆合川", "重庆垫江"][rng.below(4)].into(),
                );
                set(
                    "hobbies",
                    ["钓鱼", "打麻将", "爬山", "喝茶"][rng.below(4)].into(),
                );
                set(
                    "personality",
                    ["爽快，重信用", "精打细算，谨慎", "热情，爱交朋友"][rng.below(3)].into(),
                );
            }
            let draft = save(v)?;
            let row = svc::create(conn, author, &dir, uuid::Uuid::now_v7(), &draft)
                .await
                .expected_valid(format_args!("demo customer {code} not saved"))?;
            dir.add(row);
            subs.push((code, district, rep));
            count += 1;
        }
    }
    let mut t_no = 0;
    for (district, rep, townships, roads) in DEMO_REGIONS {
        let n_terminals = if townships.len() > 5 { 115 } else { 55 };
        let local_subs: Vec<&String> = subs
            .iter()
            .filter(|(_, d, _)| *d == district)
            .map(|(c, _, _)| c)
            .collect();
        for _ in 0..n_terminals {
            t_no += 1;
            let township = rng.pick(townships);
            let surname = rng.pick(&SURNAMES);
            let (name, ty) = match rng.below(10) {
                0 => (format!("重庆百货{}店", stem(township)), "supermarket"),
                1 | 2 => (
                    format!(
                        "{}{}超市",
                        stem(township),
                        ["好又多", "新世纪", "万家福", "惠民"][rng.below(4)]
                    ),
                    "supermarket",
                ),
                3..=5 => (format!("{}记便利店", surname), "convenience_store"),
                6 | 7 => (
                    format!(
                        "{}{}",
                        surname,
                        ["家小面", "记火锅", "氏豆花饭", "老火锅"][rng.below(4)]
                    ),
                    "restaurant",
                ),
                8 => (format!("{}路口小卖部", stem(township)), "kiosk"),
                _ => (format!("{}{}烟酒店", stem(township), surname), "other"),
            };
            let code = format!("ZD{t_no:05}");
            let mut v = Values::new();
            let mut set = |k: &str, val: String| {
                v.insert(k.to_owned(), val);
            };
            set("code", code.clone());
            set("name", name);
            set("kind", "terminal".into());
            set("terminal_type", ty.into());
            set("district", district.into());
            set("township", (*township).into());
            set(
                "address",
                format!(
                    "重庆市{district}{township}{}{}号",
                    rng.pick(roads),
                    1 + rng.below(500)
                ),
            );
            if !local_subs.is_empty() && rng.chance(70) {
                set(
                    "parent_code",
                    local_subs[rng.below(local_subs.len())].clone(),
                );
            }
            if !rep.is_empty() && rng.chance(96) {
                set("rep_login", rep.into());
            }
            if rng.chance(4) {
                set("status", ["dormant", "closed"][rng.below(2)].into());
            }
            let level = rng.below(100);
            if level > 10 {
                set("phone", phone(&mut rng));
                set("contact", format!("{}{}", surname, rng.pick(&GIVEN)));
            }
            if level > 35 {
                set("store_area", (15 + rng.below(400)).to_string());
                set(
                    "shelf_position",
                    ["入口正对货架", "收银台旁", "冷柜第二层", "主通道端架"][rng.below(4)].into(),
                );
                set("stack_displays", rng.below(4).to_string());
                set("vivid_display", rng.chance(50).to_string());
                set("indoor_ads", rng.chance(60).to_string());
                set("outdoor_ads", rng.chance(30).to_string());
                set("assistants", (1 + rng.below(8)).to_string());
            }
            if level > 60 {
                set("legal_owner", format!("{}{}", surname, rng.pick(&GIVEN)));
                set("business_nature", "个体工商户".into());
                set(
                    "opened_on",
                    format!(
                        "{}-{:02}-{:02}",
                        2008 + rng.below(17),
                        1 + rng.below(12),
                        1 + rng.below(28)
                    ),
                );
                set(
                    "product_lines",
                    ["饮料、零食", "饮料、啤酒、香烟", "餐饮自用酒水"][rng.below(3)].into(),
                );
                set("monthly_volume", format!("{}", 2_000 + rng.below(60) * 500));
                // none rather than 0: a limit of 0 is "cash only" and stops every order
                let limit = rng.below(6) * 5_000;
                if limit > 0 {
                    set("credit_limit", format!("{limit}"));
                }
            }
            let draft = save(v)?;
            svc::create(conn, author, &dir, uuid::Uuid::now_v7(), &draft)
                .await
                .expected_valid(format_args!("demo customer {code} not saved"))?;
            count += 1;
        }
    }
    Ok(count)
}
