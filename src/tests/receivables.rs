//! Receivables over HTTP on the demo company: a delivered order is invoiced once, due
//! after the customer's credit days; payments go oldest due first or as chosen, never
//! more to an invoice than it owes, the rest kept as credit that pays the next invoice;
//! a form sent twice is one payment; every bad input is named by field with nothing
//! stored; the aging report in SQL agrees with the domain's rule and a rep sees only
//! their own customers (report, statement, export, dashboard), a driver and another
//! company nothing.
#![expect(clippy::unwrap_used)]
use crate::helpers::{TestApp, errors, ok, refusal, send, sent, spawn_app};
use qudao::domain::money::Money;
use qudao::domain::receivables::{AllocationInput, Open, PaymentInput, aging};
use qudao::features::orders::api::{CreateOrder, OrderInput, OrderLineInput, StepOrder};
use qudao::features::receivables::api::{
    AgingReport, CustomerStatement, GetAging, GetStatement, PaymentOutcome, RecordPayment,
    VoidPayment,
};
use qudao::server::db::on;
use reqwest::{Client, StatusCode};
use uuid::Uuid;

/// The first `n` active customers (by code) of demo rep `login`: (id, code).
async fn customers_of(app: &TestApp, login: &str, n: i64) -> Vec<(Uuid, String)> {
    let rep: Uuid = app.demo_employee_id(login).await.parse().unwrap();
    on!(&app.pool, |ex| sqlx::query_as(
        "SELECT id, code FROM customers WHERE rep_id = $1 AND status = 'active' \
         ORDER BY code LIMIT $2"
    )
    .bind(rep)
    .bind(n)
    .fetch_all(ex)
    .await)
    .unwrap()
}

/// An order of `quantity` × BJ-500 for `code`, taken and moved to delivered by manager
/// `m`; its id and total (fen).
async fn delivered(app: &TestApp, m: &Client, code: &str, quantity: u32) -> (String, i64) {
    let (id, _) = draft(app, m, code, quantity).await;
    let mut version = 1;
    let mut total = String::new();
    use qudao::domain::orders::Step;
    for step in [Step::Confirm, Step::Pick, Step::Dispatch, Step::Deliver] {
        let d = sent(
            app,
            m,
            &StepOrder {
                id: id.clone(),
                version,
                step,
                reason: String::new(),
            },
        )
        .await;
        version = d.order.version;
        total = d.order.total;
    }
    (id, Money::parse_yuan(&total).unwrap().0)
}

fn payment(key: Uuid, code: &str, amount: &str) -> PaymentInput {
    PaymentInput {
        key: key.to_string(),
        customer_code: code.into(),
        paid_on: String::new(),
        method: "cash".into(),
        amount: amount.into(),
        ..PaymentInput::default()
    }
}

async fn pay(app: &TestApp, c: &Client, p: PaymentInput) -> PaymentOutcome {
    sent(app, c, &RecordPayment { payment: p }).await
}

async fn statement(app: &TestApp, c: &Client, customer: Uuid) -> CustomerStatement {
    sent(
        app,
        c,
        &GetStatement {
            customer: customer.to_string(),
        },
    )
    .await
}

/// Every invoice's `paid` is the sum of its allocations and never above its amount;
/// every payment's `unallocated` is its amount less its allocations and never below 0.
async fn assert_figures_exact(app: &TestApp) {
    let bad_invoices: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM invoices i WHERE i.paid > i.amount OR i.paid <> \
         (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocations a \
          WHERE a.company_id = i.company_id AND a.invoice_id = i.id)"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let bad_payments: i64 = on!(&app.pool, |ex| {
        sqlx::query_scalar(
            // a voided payment pays nothing: no allocations, nothing unallocated
            "SELECT COUNT(*) FROM payments p WHERE p.unallocated < 0 OR p.unallocated <> \
         CASE WHEN p.voided_at IS NULL THEN p.amount ELSE 0 END - \
         (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocations a \
          WHERE a.company_id = p.company_id AND a.payment_id = p.id)",
        )
        .fetch_one(ex)
        .await
    })
    .unwrap();
    assert_eq!((bad_invoices, bad_payments), (0, 0));
}

async fn stored(app: &TestApp, table: &str) -> i64 {
    on!(&app.pool, |ex| sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {table}"
    ))
    .fetch_one(ex)
    .await)
    .unwrap()
}

#[tokio::test]
async fn a_delivered_order_is_invoiced_once_and_payments_go_oldest_first_keeping_the_rest() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let (customer, code) = customers_of(&app, "zhangwei", 1).await.remove(0);
    let before = statement(&app, &m, customer).await;
    let (first, a) = delivered(&app, &m, &code, 2).await;
    let (_second, b) = delivered(&app, &m, &code, 3).await;
    // one invoice per delivered order, due after the tier policy's credit days
    let (issued, due): (chrono::NaiveDate, chrono::NaiveDate) =
        on!(&app.pool, |ex| sqlx::query_as(
            "SELECT issued_on, due_on FROM invoices WHERE order_id = $1"
        )
        .bind(first.parse::<Uuid>().unwrap())
        .fetch_one(ex)
        .await)
        .unwrap();
    let credit_days: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT p.credit_days FROM tier_policies p JOIN customers c \
         ON c.company_id = p.company_id AND c.tier = p.tier \
         WHERE c.id = $1 AND p.effective_from <= $2 ORDER BY p.effective_from DESC LIMIT 1"
    )
    .bind(customer)
    .bind(issued.to_string())
    .fetch_optional(ex)
    .await)
    .unwrap()
    .unwrap_or(0);
    assert_eq!((due - issued).num_days(), credit_days);
    let s = statement(&app, &m, customer).await;
    assert_eq!(s.open.len(), before.open.len() + 2);
    assert_eq!(s.aging.total().0, before.aging.total().0 + a + b);
    // the customer's existing debts (demo) are paid first: settle them to start clean
    if before.aging.total().0 > 0 {
        let old = Money(before.aging.total().0).to_display_string();
        pay(&app, &m, payment(Uuid::now_v7(), &code, &old)).await;
    }
    let start_credit = statement(&app, &m, customer).await.credit;
    assert_eq!(start_credit.0, before.credit.0.max(0));

    // all of the first invoice and half the second, oldest due first
    let half = b / 2;
    let first_key = Uuid::now_v7();
    let out = pay(
        &app,
        &m,
        payment(first_key, &code, &Money(a + half).to_display_string()),
    )
    .await;
    assert_eq!(
        out.allocated.iter().map(|(_, m)| m.0).collect::<Vec<_>>(),
        [a, half]
    );
    assert_eq!(out.unallocated, Money(0));
    // the account lists the orders that payment paid, earliest due first
    let numbers: Vec<String> = out.allocated.iter().map(|(n, _)| n.clone()).collect();
    let listed = statement(&app, &m, customer)
        .await
        .payments
        .into_iter()
        .find(|p| p.id == first_key.to_string())
        .unwrap()
        .to_orders;
    assert_eq!(listed, numbers.join(", "));
    // more than is open: the rest is kept as credit, never lost
    let key = Uuid::now_v7();
    let out = pay(
        &app,
        &m,
        payment(key, &code, &Money(b - half + 12_345).to_display_string()),
    )
    .await;
    assert_eq!(out.unallocated, Money(12_345));
    let s = statement(&app, &m, customer).await;
    assert_eq!(s.aging.total(), Money(0));
    assert_eq!(s.credit.0, start_credit.0 + 12_345);
    // the same form again (a double click, a retry): nothing new
    let payments = stored(&app, "payments").await;
    let again = pay(
        &app,
        &m,
        payment(key, &code, &Money(b - half + 12_345).to_display_string()),
    )
    .await;
    assert!(again.resent);
    assert_eq!(stored(&app, "payments").await, payments);
    // another payment under an old form's key (a page restored from history): reload
    let (status, _) = refusal(
        &app,
        &m,
        &RecordPayment {
            payment: payment(key, &code, "999"),
        },
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(stored(&app, "payments").await, payments);
    // the credit pays the next delivered order at once
    let (_third, c) = delivered(&app, &m, &code, 1).await;
    let s = statement(&app, &m, customer).await;
    let paid_by_credit = (start_credit.0 + 12_345).min(c);
    assert_eq!(s.aging.total().0, c - paid_by_credit);
    assert_eq!(s.credit.0, start_credit.0 + 12_345 - paid_by_credit);
    // delivering twice is refused and issues nothing more
    let invoices = stored(&app, "invoices").await;
    let d = ok(&app, &m, "orders/get", serde_json::json!({ "id": first })).await;
    let (status, _) = refusal(
        &app,
        &m,
        &StepOrder {
            id: first.clone(),
            version: d["order"]["version"].as_i64().unwrap(),
            step: qudao::domain::orders::Step::Deliver,
            reason: String::new(),
        },
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored(&app, "invoices").await, invoices);
    assert_figures_exact(&app).await;
}

#[tokio::test]
async fn payments_can_be_allocated_by_hand_but_never_beyond_a_balance() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let (customer, code) = customers_of(&app, "lina", 1).await.remove(0);
    delivered(&app, &m, &code, 2).await;
    delivered(&app, &m, &code, 4).await;
    let s = statement(&app, &m, customer).await;
    let newest = s.open.last().unwrap().clone();
    let hand = |amount: &str| AllocationInput {
        invoice: newest.id.clone(),
        amount: amount.into(),
    };
    // the newest invoice by hand: the older ones keep their balance
    let p = PaymentInput {
        allocations: vec![hand("1.00")],
        ..payment(Uuid::now_v7(), &code, "1.50")
    };
    let out = pay(&app, &m, p).await;
    assert_eq!(
        out.allocated,
        vec![(newest.order_number.clone(), Money(100))]
    );
    assert_eq!(out.unallocated, Money(50));
    let after = statement(&app, &m, customer).await;
    for (x, y) in s.open.iter().zip(&after.open) {
        let taken = if x.id == newest.id { 100 } else { 0 };
        assert_eq!(x.balance().0 - y.balance().0, taken, "{}", x.order_number);
    }
    // more than the invoice still owes, more than the payment, an invoice not open
    let too_much = Money(newest.balance().0).to_display_string();
    let other = customers_of(&app, "zhangwei", 1).await.remove(0);
    delivered(&app, &m, &other.1, 1).await;
    let foreign = statement(&app, &m, other.0).await.open[0].id.clone();
    let payments = stored(&app, "payments").await;
    for (p, field, code) in [
        (
            PaymentInput {
                allocations: vec![hand(""), hand(&too_much)],
                ..payment(Uuid::now_v7(), &code, "99999")
            },
            "allocations.1.amount",
            "OverBalance",
        ),
        (
            PaymentInput {
                allocations: vec![hand("5")],
                ..payment(Uuid::now_v7(), &code, "4")
            },
            "amount",
            "OverPayment",
        ),
        (
            PaymentInput {
                allocations: vec![AllocationInput {
                    invoice: foreign.clone(),
                    amount: "1".into(),
                }],
                ..payment(Uuid::now_v7(), &code, "4")
            },
            "allocations.0.amount",
            "OverBalance",
        ),
    ] {
        let (status, body) = refusal(&app, &m, &RecordPayment { payment: p }).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            errors(&body).contains(&(field.to_owned(), code.to_owned())),
            "{body}"
        );
    }
    assert_eq!(stored(&app, "payments").await, payments);
    assert_figures_exact(&app).await;
}

#[tokio::test]
async fn a_bad_payment_is_refused_by_field_with_nothing_stored() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let (_, code) = customers_of(&app, "zhangwei", 1).await.remove(0);
    let (_, others) = customers_of(&app, "lina", 1).await.remove(0);
    let tomorrow =
        (qudao::domain::time::beijing_date(chrono::Utc::now()) + chrono::Days::new(1)).to_string();
    let key = || Uuid::now_v7();
    let with = |f: &dyn Fn(&mut PaymentInput)| {
        let mut p = payment(key(), &code, "100");
        f(&mut p);
        p
    };
    // a WeChat number recorded once already
    pay(
        &app,
        &m,
        PaymentInput {
            method: "wechat".into(),
            reference: "4200001234".into(),
            ..payment(key(), &code, "1")
        },
    )
    .await;
    let rep = app.signed_in("zhangwei").await;
    let payments = stored(&app, "payments").await;
    for (who, p, field, error) in [
        (
            &m,
            with(&|p| p.paid_on = tomorrow.clone()),
            "paid_on",
            "InFuture",
        ),
        (
            &m,
            with(&|p| p.paid_on = "2026-02-30".into()),
            "paid_on",
            "InvalidDate",
        ),
        (&m, with(&|p| p.amount = "0".into()), "amount", "Zero"),
        (&m, with(&|p| p.amount = "-5".into()), "amount", "Negative"),
        (
            &m,
            with(&|p| p.amount = "一百".into()),
            "amount",
            "InvalidNumber",
        ),
        (
            &m,
            with(&|p| p.amount = "1.005".into()),
            "amount",
            "TooManyDecimals",
        ),
        (
            &m,
            with(&|p| p.amount = String::new()),
            "amount",
            "Required",
        ),
        (
            &m,
            with(&|p| p.method = "bitcoin".into()),
            "method",
            "InvalidChoice",
        ),
        (
            &m,
            with(&|p| p.method = "alipay".into()),
            "reference",
            "Required",
        ),
        (
            &m,
            with(&|p| p.reference = "9".repeat(65)),
            "reference",
            "TooLong",
        ),
        (
            &m,
            with(&|p| {
                p.method = "wechat".into();
                p.reference = "4200001234".into();
            }),
            "reference",
            "Taken",
        ),
        (
            &m,
            with(&|p| p.customer_code = "NOPE-1".into()),
            "customer_code",
            "UnknownCustomer",
        ),
        // another rep's customer is unknown to a rep
        (
            &rep,
            with(&|p| p.customer_code = others.clone()),
            "customer_code",
            "UnknownCustomer",
        ),
        (&m, with(&|p| p.key = String::new()), "key", "Required"),
    ] {
        let (status, body) = refusal(&app, who, &RecordPayment { payment: p }).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
        // the code as sent (`TooLong` carries its limit)
        let named = body["Validation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == field && e["code"].to_string().contains(error));
        assert!(named, "{field}: {body}");
    }
    assert_eq!(stored(&app, "payments").await, payments);
    // another user's form key is never taken as theirs
    let k = key();
    pay(&app, &m, payment(k, &code, "1")).await;
    let (status, body) = refusal(
        &app,
        &rep,
        &RecordPayment {
            payment: payment(k, &code, "1"),
        },
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&body), [("key".to_owned(), "Taken".to_owned())]);
}

#[tokio::test]
async fn the_aging_in_sql_follows_the_domains_buckets_and_a_rep_sees_only_their_own() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    // spread the demo's invoices over every bucket, boundaries included
    let today = qudao::domain::time::beijing_date(chrono::Utc::now());
    let ids: Vec<Uuid> = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT id FROM invoices ORDER BY id"
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    assert!(ids.len() >= 10, "the demo has invoices");
    let lates = [-5i64, 0, 30, 31, 60, 61, 90, 91, 200];
    for (i, id) in ids.iter().enumerate() {
        let due = today - chrono::Duration::days(lates[i % lates.len()]);
        let issued = due - chrono::Duration::days(10);
        on!(&app.pool, |ex| sqlx::query(
            "UPDATE invoices SET due_on = $1, issued_on = $2 WHERE id = $3"
        )
        .bind(due)
        .bind(issued)
        .bind(id)
        .execute(ex)
        .await
        .map(|_| ()))
        .unwrap();
    }
    let rows: Vec<(Uuid, Uuid, chrono::NaiveDate, i64)> = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT id, customer_id, due_on, amount - paid FROM invoices WHERE paid < amount"
    )
    .fetch_all(ex)
    .await)
    .unwrap();
    let report: AgingReport = sent(&app, &owner, &GetAging { page: 1 }).await;
    let open: Vec<Open<Uuid>> = rows
        .iter()
        .map(|(id, _, due, balance)| Open {
            invoice: *id,
            due: *due,
            balance: Money(*balance),
        })
        .collect();
    assert_eq!(report.total, aging(&open, today));
    assert!(report.total.over_90.0 > 0 && report.total.days_31_60.0 > 0);
    // each customer's row is the domain's aging of their open invoices, the most overdue first
    for c in &report.customers {
        let id: Uuid = c.id.parse().unwrap();
        let mine: Vec<Open<Uuid>> = rows
            .iter()
            .zip(&open)
            .filter(|((_, customer, _, _), _)| *customer == id)
            .map(|(_, o)| *o)
            .collect();
        assert_eq!(c.aging, aging(&mine, today), "{}", c.code);
    }
    let overdue: Vec<i64> = report
        .customers
        .iter()
        .map(|c| c.aging.past_30().0)
        .collect();
    assert!(overdue.windows(2).all(|w| w[0] >= w[1]), "{overdue:?}");
    let mut by_reps = qudao::domain::receivables::Aging::default();
    for r in &report.reps {
        by_reps.add(&r.aging);
    }
    assert_eq!(by_reps, report.total);
    // the dashboard's tile: the same overdue figure, its top five the first five
    let dash = ok(&app, &owner, "dashboard", serde_json::json!({})).await;
    let tile: qudao::features::receivables::api::Overdue =
        serde_json::from_value(dash["overdue"].clone()).unwrap();
    assert_eq!(tile.total, report.total);
    assert_eq!(
        tile.top.iter().map(|c| &c.code).collect::<Vec<_>>(),
        report
            .customers
            .iter()
            .filter(|c| c.aging.past_30().0 > 0)
            .take(5)
            .map(|c| &c.code)
            .collect::<Vec<_>>()
    );
    // ties at the tile's edge: every customer owing owes one invoice of the same amount,
    // 100 days late, so they all tie on both sums and their codes decide the top five
    let late = today - chrono::Duration::days(100);
    let mut seen = std::collections::HashSet::new();
    for (id, customer, _, _) in &rows {
        if !seen.insert(*customer) {
            on!(&app.pool, |ex| sqlx::query(
                "UPDATE invoices SET paid = amount WHERE id = $1"
            )
            .bind(id)
            .execute(ex)
            .await
            .map(|_| ()))
            .unwrap();
        }
    }
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE invoices SET amount = paid + 10000, due_on = $1, issued_on = $2 WHERE paid < amount"
    )
    .bind(late)
    .bind(late - chrono::Duration::days(10))
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    let report: AgingReport = sent(&app, &owner, &GetAging { page: 1 }).await;
    let key = |c: &qudao::features::receivables::api::CustomerAging| {
        (
            std::cmp::Reverse(c.aging.past_30().0),
            std::cmp::Reverse(c.aging.total().0),
            c.code.clone(),
        )
    };
    let mut sorted = report.customers.clone();
    sorted.sort_by_key(key);
    assert_eq!(
        report.customers.iter().map(|c| &c.code).collect::<Vec<_>>(),
        sorted.iter().map(|c| &c.code).collect::<Vec<_>>()
    );
    let past: Vec<_> = report
        .customers
        .iter()
        .filter(|c| c.aging.past_30().0 > 0)
        .collect();
    assert!(
        past.len() > 5 && key(past[4]).0 == key(past[5]).0 && key(past[4]).1 == key(past[5]).1,
        "the fifth and sixth tie"
    );
    let dash = ok(&app, &owner, "dashboard", serde_json::json!({})).await;
    let tile: qudao::features::receivables::api::Overdue =
        serde_json::from_value(dash["overdue"].clone()).unwrap();
    assert_eq!(tile.total, report.total);
    assert_eq!(
        tile.top.iter().map(|c| &c.code).collect::<Vec<_>>(),
        past.iter().take(5).map(|c| &c.code).collect::<Vec<_>>()
    );

    // a rep: their own customers only, in the report, the export and statements
    let rep = app.signed_in("zhangwei").await;
    let mine: Vec<String> = customers_of(&app, "zhangwei", 10_000)
        .await
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let theirs: AgingReport = sent(&app, &rep, &GetAging { page: 1 }).await;
    assert!(!theirs.customers.is_empty());
    assert!(theirs.customers.iter().all(|c| mine.contains(&c.code)));
    assert_eq!(theirs.reps.len(), 1);
    // their dashboard's tile sums their customers' invoices alone, as their report does
    let tile: qudao::features::receivables::api::Overdue = serde_json::from_value(
        ok(&app, &rep, "dashboard", serde_json::json!({})).await["overdue"].clone(),
    )
    .unwrap();
    assert_eq!(tile.total, theirs.total);
    assert!(tile.total.total() < report.total.total());
    let book = rep
        .get(format!("{}/api/receivables/export?headers=en", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(book.status(), StatusCode::OK);
    let table = qudao::server::spreadsheet::read_table(&book.bytes().await.unwrap()).unwrap();
    let codes: Vec<&String> = table
        .rows
        .iter()
        .skip(1) // the header
        .filter_map(|r| r.first())
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(codes.len(), theirs.owing as usize);
    assert!(codes.iter().all(|c| mine.contains(c)));
    let someone_elses = report
        .customers
        .iter()
        .find(|c| !mine.contains(&c.code))
        .unwrap();
    let (status, _) = refusal(
        &app,
        &rep,
        &GetStatement {
            customer: someone_elses.id.clone(),
        },
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // a driver: nothing; another company: nothing of this one
    let driver = app.signed_in("wugang").await;
    let (status, _) = refusal(&app, &driver, &GetAging { page: 1 }).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let export = driver
        .get(format!("{}/api/receivables/export", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::FORBIDDEN);
    app.add_company("别家商贸", "bieren").await;
    let stranger = app.signed_in("bieren").await;
    let empty: AgingReport = sent(&app, &stranger, &GetAging { page: 1 }).await;
    assert_eq!((empty.owing, empty.total.total()), (0, Money(0)));
    // and a tile of nothing owed: zero, nobody on it
    let tile: qudao::features::receivables::api::Overdue = serde_json::from_value(
        ok(&app, &stranger, "dashboard", serde_json::json!({})).await["overdue"].clone(),
    )
    .unwrap();
    assert_eq!((tile.total.total(), tile.top.len()), (Money(0), 0));
    let (status, _) = refusal(
        &app,
        &stranger,
        &GetStatement {
            customer: someone_elses.id.clone(),
        },
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn payments_sent_at_once_are_each_stored_once_and_never_overpay() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let w = app.signed_in("wangqiang").await;
    let (customer, code) = customers_of(&app, "zhaolei", 1).await.remove(0);
    delivered(&app, &m, &code, 3).await;
    let before = statement(&app, &m, customer).await;
    let owed = before.aging.total().0;
    let payments = stored(&app, "payments").await;
    for _ in 0..3 {
        // two managers each record the whole debt at once; and one form sent twice at once
        let twice = Uuid::now_v7();
        let amount = Money(owed).to_display_string();
        let (_, _, c, d) = tokio::join!(
            pay(&app, &m, payment(Uuid::now_v7(), &code, &amount)),
            pay(&app, &w, payment(Uuid::now_v7(), &code, &amount)),
            pay(&app, &m, payment(twice, &code, "10")),
            pay(&app, &m, payment(twice, &code, "10")),
        );
        assert_eq!([c.resent, d.resent].iter().filter(|r| **r).count(), 1);
    }
    assert_eq!(stored(&app, "payments").await, payments + 9);
    // the debt paid once, everything else kept as credit
    let s = statement(&app, &m, customer).await;
    assert_eq!(s.aging.total(), Money(0));
    assert_eq!(s.credit.0, before.credit.0 + 3 * (2 * owed + 1_000) - owed);
    assert_figures_exact(&app).await;
}

#[tokio::test]
async fn a_payment_posted_as_a_plain_form_returns_to_the_account() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let (customer, code) = customers_of(&app, "zhangwei", 1).await.remove(0);
    let from = format!("/receivables/{customer}");
    let key = Uuid::now_v7().to_string();
    let fields = [
        ("payment[key]", key.as_str()),
        ("payment[customer_code]", code.as_str()),
        ("payment[paid_on]", ""),
        ("payment[method]", "transfer"),
        ("payment[reference]", ""),
        ("payment[amount]", "88.80"),
        ("payment[note]", "对公转账"),
    ];
    let r = app.post_form(&m, "receivables/pay", &from, &fields).await;
    let (next, err) = crate::helpers::form_answer(&r);
    assert_eq!((next, err), (from.clone(), None));
    let s = statement(&app, &m, customer).await;
    assert_eq!(s.payments[0].amount, Money(8_880));
    assert_eq!(s.payments[0].note, "对公转账");
    // a refused one comes back to the form with its error
    let bad = [("payment[amount]", "0"), ("payment[key]", "")];
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (*k, bad.iter().find(|(b, _)| b == k).map_or(*v, |(_, x)| *x)))
        .collect();
    let r = app.post_form(&m, "receivables/pay", &from, &fields).await;
    let (back, err) = crate::helpers::form_answer(&r);
    assert!(back.starts_with(&from), "{back}");
    assert!(err.is_some());
    // the pages themselves: the report and the account draw on a full load
    for path in ["/receivables".to_owned(), from] {
        let page = m.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
    }
}

fn void(payment: &str, reason: &str) -> VoidPayment {
    VoidPayment {
        payment: payment.into(),
        reason: reason.into(),
    }
}

#[tokio::test]
async fn a_manager_voids_a_mistaken_payment_and_the_account_is_as_before() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let w = app.signed_in("wangqiang").await;
    let (customer, code) = customers_of(&app, "zhangwei", 1).await.remove(0);
    delivered(&app, &m, &code, 2).await;
    let before = statement(&app, &m, customer).await;
    let owed = before.aging.total().0;
    assert!(owed > 0);
    // a typo: ten times the debt by WeChat — pays everything and leaves a large credit
    let mut typo = payment(Uuid::now_v7(), &code, &Money(owed * 10).to_display_string());
    typo.method = "wechat".into();
    typo.reference = "4200001234202612040001".into();
    let out = pay(&app, &m, typo.clone()).await;
    assert_eq!(out.unallocated.0, owed * 9);
    // the credit it left pays the next order on delivery
    let (_, next) = delivered(&app, &m, &code, 1).await;
    let mid = statement(&app, &m, customer).await;
    assert_eq!(mid.aging.total(), Money(0));
    let id = mid.payments[0].id.clone();
    assert_eq!(mid.payments[0].amount.0, owed * 10);
    assert!(mid.may_void);

    // a rep may not void, even their own customer's payment; nothing changes
    let rep = app.signed_in("zhangwei").await;
    assert!(!statement(&app, &rep, customer).await.may_void);
    let (status, _) = refusal(&app, &rep, &void(&id, "录错了")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // a reason is required, and kept short
    let (status, body) = refusal(&app, &m, &void(&id, "  ")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&body),
        [("reason".to_owned(), "Required".to_owned())]
    );
    let (_, body) = refusal(&app, &m, &void(&id, &"长".repeat(201))).await;
    assert_eq!(errors(&body)[0].0, "reason");
    // another company's manager knows nothing of it; a malformed id is not found either
    app.add_company("别家商贸", "bieren").await;
    let stranger = app.signed_in("bieren").await;
    let (status, _) = refusal(&app, &stranger, &void(&id, "录错了")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = refusal(&app, &m, &void("not-an-id", "录错了")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let now = statement(&app, &m, customer).await;
    assert_eq!(
        (now.aging, now.credit, now.payments),
        (mid.aging, mid.credit, mid.payments.clone())
    );

    // two managers voiding it at once: one voids, the other is told it changed
    let (first, second) = (void(&id, "金额录错，应为原欠款"), void(&id, "重复"));
    let (a, b) = tokio::join!(send(&app, &m, &first), send(&app, &w, &second));
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let after = statement(&app, &m, customer).await;
    // as if never recorded: the debt and the next order open again, the credit gone
    assert_eq!(after.aging.total().0, owed + next);
    assert_eq!(after.credit, before.credit);
    let p = after.payments.iter().find(|p| p.id == id).unwrap();
    let v = p.voided.clone().unwrap();
    assert!(["金额录错，应为原欠款", "重复"].contains(&v.reason.as_str()));
    assert!(["刘敏", "王强"].contains(&v.by.as_str()), "{}", v.by);
    assert_eq!((p.unallocated, p.to_orders.as_str()), (Money(0), ""));
    // voiding again is a conflict; the reference is free for the right entry
    let (status, _) = refusal(&app, &m, &void(&id, "再次")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let mut right = typo.clone();
    right.key = Uuid::now_v7().to_string();
    right.amount = Money(owed).to_display_string();
    let out = pay(&app, &m, right.clone()).await;
    assert_eq!(out.unallocated, Money(0));
    assert_eq!(statement(&app, &m, customer).await.aging.total().0, next);
    assert_figures_exact(&app).await;

    // the right entry recorded before the typo is voided: its credit pays what reopens,
    // so the account owes nothing and keeps no credit it should have spent
    let start = statement(&app, &m, customer).await;
    let typo_key = Uuid::now_v7();
    let big = payment(typo_key, &code, &Money(next * 3).to_display_string());
    assert_eq!(pay(&app, &m, big.clone()).await.unallocated.0, next * 2);
    let out = pay(
        &app,
        &m,
        payment(Uuid::now_v7(), &code, &Money(next).to_display_string()),
    )
    .await;
    assert_eq!(out.unallocated.0, next);
    sent::<VoidPayment>(&app, &w, &void(&typo_key.to_string(), "多打了一个零")).await;
    let s = statement(&app, &m, customer).await;
    assert_eq!(s.aging.total(), Money(0));
    assert_eq!(s.credit, start.credit);
    // the voided form sent again (history, a retry) is not "recorded" again
    let (status, _) = refusal(&app, &m, &RecordPayment { payment: big }).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_figures_exact(&app).await;

    // a plain form post (before the script ran) returns to the account
    let from = format!("/receivables/{customer}");
    let cash = right.key.clone();
    let r = app
        .post_form(
            &m,
            "receivables/void",
            &from,
            &[("payment", cash.as_str()), ("reason", "收据作废")],
        )
        .await;
    assert_eq!(crate::helpers::form_answer(&r), (from.clone(), None));
    let r = app
        .post_form(
            &m,
            "receivables/void",
            &from,
            &[("payment", cash.as_str()), ("reason", "again")],
        )
        .await;
    let (back, err) = crate::helpers::form_answer(&r);
    assert!(back.starts_with(&from) && err.is_some(), "{back}");
    assert_figures_exact(&app).await;
}

/// Takes an order of `quantity` × BJ-500 for `code`: its id, version and total (fen).
async fn draft(app: &TestApp, m: &Client, code: &str, quantity: u32) -> (String, i64) {
    let id: String = sent(
        app,
        m,
        &CreateOrder {
            order: OrderInput {
                customer_code: code.into(),
                order_date: String::new(),
                lines: vec![OrderLineInput {
                    product_sku: "BJ-500".into(),
                    quantity: quantity.to_string(),
                    ..OrderLineInput::default()
                }],
                client_id: String::new(),
            },
        },
    )
    .await;
    let d = ok(app, m, "orders/get", serde_json::json!({ "id": id })).await;
    let total = Money::parse_yuan(d["order"]["total"].as_str().unwrap())
        .unwrap()
        .0;
    (id, total)
}

async fn confirm(app: &TestApp, m: &Client, id: &str, reason: &str) -> reqwest::Response {
    crate::helpers::send(
        app,
        m,
        &StepOrder {
            id: id.into(),
            version: 1,
            step: qudao::domain::orders::Step::Confirm,
            reason: reason.into(),
        },
    )
    .await
}

#[tokio::test]
async fn credit_control_stops_a_confirmation_until_a_manager_releases_it() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let (customer, code) = customers_of(&app, "sunli", 1).await.remove(0);
    // start clean: nothing owed, a limit of 1,000 yuan of the customer's own
    let owed = statement(&app, &m, customer).await.aging.total();
    if owed.0 > 0 {
        pay(
            &app,
            &m,
            payment(Uuid::now_v7(), &code, &owed.to_display_string()),
        )
        .await;
    }
    let credit = statement(&app, &m, customer).await.credit.0;
    let set_limit = |fen: Option<i64>| {
        let pool = app.pool.clone();
        async move {
            on!(&pool, |ex| sqlx::query(
                "UPDATE customers SET credit_limit = $1 WHERE id = $2"
            )
            .bind(fen)
            .bind(customer)
            .execute(ex)
            .await
            .map(|_| ()))
            .unwrap();
        }
    };
    set_limit(Some(100_000)).await;
    let (small, a) = draft(&app, &m, &code, 1).await;
    assert!(a < 100_000);
    assert_eq!(confirm(&app, &m, &small, "").await.status(), StatusCode::OK);
    // the next one would pass the limit with the first, confirmed and not yet delivered
    let n = u32::try_from((100_000 + credit) / a).unwrap();
    let (big, b) = draft(&app, &m, &code, n).await;
    let r = confirm(&app, &m, &big, "").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = r.json().await.unwrap();
    let check: qudao::domain::receivables::CreditCheck =
        serde_json::from_value(body["Conflict"]["CreditBlocked"].clone()).unwrap();
    assert_eq!(
        (
            check.limit,
            check.open,
            check.credit,
            check.pending,
            check.order,
            check.overdue
        ),
        (
            Some(Money(100_000)),
            Money(0),
            Money(credit),
            Money(a),
            Money(b),
            Money(0)
        ),
    );
    // money paid in advance counts for the customer
    assert_eq!(check.exposure().0, a + b - credit);
    assert!(check.exposure().0 > 100_000);
    // nothing happened: still a draft, not in the ledger
    let d = ok(&app, &m, "orders/get", serde_json::json!({ "id": big })).await;
    assert_eq!(d["order"]["status"], "draft");
    // a blank reason releases nothing
    assert_eq!(
        confirm(&app, &m, &big, "   ").await.status(),
        StatusCode::CONFLICT
    );
    // the manager releases it with a reason: kept with the figures, on the profile
    assert_eq!(
        confirm(&app, &m, &big, "老客户，月底前回款").await.status(),
        StatusCode::OK
    );
    let s = statement(&app, &m, customer).await;
    assert_eq!(s.releases.len(), 1);
    assert_eq!(s.releases[0].reason, "老客户，月底前回款");
    assert_eq!(s.releases[0].by, "刘敏");
    assert_eq!(s.releases[0].check, check);
    let d = ok(&app, &m, "orders/get", serde_json::json!({ "id": big })).await;
    assert_eq!(d["order"]["status"], "confirmed");
    let events = d["events"].as_array().unwrap();
    assert_eq!(events.last().unwrap()["reason"], "老客户，月底前回款");

    // no limit at all (nor by tier): only money past due stops it
    set_limit(None).await;
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE tier_policies SET credit_limit = 0"
    )
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    let (free, _) = draft(&app, &m, &code, 50).await;
    assert_eq!(confirm(&app, &m, &free, "").await.status(), StatusCode::OK);
    let (_, owed_now) = delivered(&app, &m, &code, 1).await;
    let (late, _) = draft(&app, &m, &code, 1).await;
    assert_eq!(confirm(&app, &m, &late, "").await.status(), StatusCode::OK);
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE invoices SET issued_on = '2026-01-01', due_on = '2026-01-31' WHERE customer_id = $1 AND paid < amount"
    )
    .bind(customer)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    let (stopped, _) = draft(&app, &m, &code, 1).await;
    let r = confirm(&app, &m, &stopped, "").await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = r.json().await.unwrap();
    let check: qudao::domain::receivables::CreditCheck =
        serde_json::from_value(body["Conflict"]["CreditBlocked"].clone()).unwrap();
    assert_eq!((check.limit, check.overdue), (None, Money(owed_now)));
    // a rep never confirms, released or not
    let rep = app.signed_in("sunli").await;
    assert_eq!(
        confirm(&app, &rep, &stopped, "我担保").await.status(),
        StatusCode::FORBIDDEN
    );
}

/// The delivery ticket of an order: (id, version, delivered).
async fn delivery_of(app: &TestApp, order: &str) -> Option<(Uuid, i64, bool)> {
    on!(&app.pool, |ex| sqlx::query_as(
        "SELECT id, version, delivered_at IS NOT NULL FROM deliveries WHERE order_id = $1"
    )
    .bind(order.parse::<Uuid>().unwrap())
    .fetch_optional(ex)
    .await)
    .unwrap()
}

#[tokio::test]
async fn confirming_opens_the_delivery_and_the_driver_delivering_it_invoices_and_collects() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let (customer, code) = customers_of(&app, "sunli", 1).await.remove(0);
    let (id, total) = draft(&app, &m, &code, 3).await;
    assert!(
        delivery_of(&app, &id).await.is_none(),
        "a draft is not delivered"
    );
    assert_eq!(confirm(&app, &m, &id, "").await.status(), StatusCode::OK);
    // the ticket: the order's number, timed from the confirmation
    let (ticket, version, done) = delivery_of(&app, &id).await.unwrap();
    assert!(!done);
    let d = ok(&app, &m, "orders/get", serde_json::json!({ "id": id })).await;
    let number = d["order"]["number"].as_str().unwrap().to_owned();
    let t = ok(
        &app,
        &m,
        "tickets/deliveries/get",
        serde_json::json!({ "id": ticket }),
    )
    .await;
    assert_eq!(t["item"]["order_ref"], number.as_str());
    assert_eq!(t["order"]["number"], number.as_str());
    assert_eq!(t["order"]["lines"].as_array().unwrap().len(), 1);
    // given to 吴刚, who sees what to carry, and delivers taking cash
    let driver_id = app.demo_employee_id("wugang").await;
    let t = ok(
        &app,
        &m,
        "tickets/deliveries/assign",
        serde_json::json!({ "id": ticket, "version": version, "driver": driver_id }),
    )
    .await;
    let version = t["item"]["version"].as_i64().unwrap();
    // the customer's rep may not record it: that would move the order on
    let rep = app.signed_in("sunli").await;
    let (status, _) = crate::helpers::refused(
        &app,
        &rep,
        "tickets/deliveries/complete",
        serde_json::json!({ "id": ticket, "version": version, "note": "", "collected": "" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let wu = app.signed_in("wugang").await;
    let seen = ok(
        &app,
        &wu,
        "tickets/deliveries/get",
        serde_json::json!({ "id": ticket }),
    )
    .await;
    assert_eq!(seen["order"]["total"], Money(total).to_display_string());
    let payments = stored(&app, "payments").await;
    for (bad, code) in [("-5", "Negative"), ("0", "Zero"), ("abc", "InvalidNumber")] {
        let (status, body) = crate::helpers::refused(
            &app,
            &wu,
            "tickets/deliveries/complete",
            serde_json::json!({ "id": ticket, "version": version, "note": "", "collected": bad }),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(errors(&body), [("collected".to_owned(), code.to_owned())]);
    }
    assert!(
        !delivery_of(&app, &id).await.unwrap().2,
        "nothing half-saved"
    );
    let half = Money(total / 2).to_display_string();
    ok(
        &app,
        &wu,
        "tickets/deliveries/complete",
        serde_json::json!({ "id": ticket, "version": version, "note": "已签收", "collected": half }),
    )
    .await;
    // the order is delivered (the warehouse's steps taken with it), invoiced, half paid
    let d = ok(&app, &m, "orders/get", serde_json::json!({ "id": id })).await;
    assert_eq!(d["order"]["status"], "delivered");
    let steps: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["create", "confirm", "pick", "dispatch", "deliver"]);
    assert_eq!(stored(&app, "payments").await, payments + 1);
    let s = statement(&app, &m, customer).await;
    let invoice = s.invoices.iter().find(|v| v.order_id == id).unwrap();
    assert_eq!((invoice.amount.0, invoice.paid.0), (total, total / 2));
    assert_eq!(s.payments[0].recorded_by, "吴刚");
    assert_figures_exact(&app).await;

    // the office marking an order delivered records its delivery too
    let (other, _) = draft(&app, &m, &code, 1).await;
    assert_eq!(confirm(&app, &m, &other, "").await.status(), StatusCode::OK);
    let mut version = 2;
    for step in [
        qudao::domain::orders::Step::Pick,
        qudao::domain::orders::Step::Dispatch,
        qudao::domain::orders::Step::Deliver,
    ] {
        let d = sent(
            &app,
            &m,
            &StepOrder {
                id: other.clone(),
                version,
                step,
                reason: String::new(),
            },
        )
        .await;
        version = d.order.version;
    }
    assert!(delivery_of(&app, &other).await.unwrap().2);
    // a cancelled order's delivery is marked cancelled, not deleted: its driver and any
    // breach stay; it leaves the board and the driver's round; nobody records it
    let (gone, _) = draft(&app, &m, &code, 1).await;
    assert_eq!(confirm(&app, &m, &gone, "").await.status(), StatusCode::OK);
    let (ticket, version, _) = delivery_of(&app, &gone).await.unwrap();
    // on 吴刚's truck and already late, before the overdue job came to mark it
    let driver = app.demo_employee_id("wugang").await;
    on!(&app.pool, |ex| sqlx::query(
        "UPDATE deliveries SET driver_id = $1, ordered_at = $2, breached_at = NULL WHERE id = $3"
    )
    .bind(driver.parse::<Uuid>().unwrap())
    .bind(chrono::Utc::now() - chrono::Duration::days(3))
    .bind(ticket)
    .execute(ex)
    .await
    .map(|_| ()))
    .unwrap();
    let trucker = app.signed_in("wugang").await;
    let up = trucker
        .post(format!("{}/api/tickets/delivery/{ticket}/photos", app.base))
        .body(crate::helpers::PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), StatusCode::CREATED);
    let r = crate::helpers::send(
        &app,
        &m,
        &StepOrder {
            id: gone.clone(),
            version: 2,
            step: qudao::domain::orders::Step::Cancel,
            reason: "客户取消".into(),
        },
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (kept, after, delivered) = delivery_of(&app, &gone).await.unwrap();
    assert_eq!((kept, delivered), (ticket, false));
    let (cancelled, driver_kept, breach_kept): (bool, bool, bool) =
        on!(&app.pool, |ex| sqlx::query_as(
            "SELECT cancelled_at IS NOT NULL, driver_id IS NOT NULL, breached_at IS NOT NULL \
         FROM deliveries WHERE id = $1"
        )
        .bind(ticket)
        .fetch_one(ex)
        .await)
        .unwrap();
    assert!(cancelled && driver_kept && breach_kept);
    assert!(after > version);
    let t = ok(
        &app,
        &m,
        "tickets/deliveries/get",
        serde_json::json!({ "id": ticket }),
    )
    .await;
    assert!(t["cancelled_at"].is_string());
    assert_eq!(t["may_assign"], false);
    let board: qudao::features::tickets::api::Board = sent(
        &app,
        &m,
        &qudao::features::tickets::api::TicketBoard {
            rep: String::new(),
            tier: String::new(),
            standard: String::new(),
            customer: customer.to_string(),
        },
    )
    .await;
    assert!(board.items.iter().all(|i| i.id.0 != ticket));
    let driver = app.signed_in("wugang").await;
    let round = ok(
        &app,
        &driver,
        "tickets/deliveries/mine",
        serde_json::json!({}),
    )
    .await;
    assert!(!round.to_string().contains(&ticket.to_string()));
    let (status, body) = crate::helpers::refused(
        &app,
        &driver,
        "tickets/deliveries/complete",
        serde_json::json!({ "id": ticket, "version": after, "note": "", "collected": "" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // its proof photo stays; no more are taken
    assert_eq!(t["photos"].as_array().map(Vec::len), Some(1));
    let up = trucker
        .post(format!("{}/api/tickets/delivery/{ticket}/photos", app.base))
        .body(crate::helpers::PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn orders_confirmed_before_delivery_tickets_get_theirs_once_and_nothing_is_invoiced_after_the_fact()
 {
    let app = spawn_app().await;
    // the demo is consistent: nothing to bring up to date
    assert_eq!(
        qudao::server::orders::backfill(&app.pool).await.unwrap(),
        (0, 0)
    );
    let m = app.signed_in("liumin").await;
    let (_, code) = customers_of(&app, "sunli", 1).await.remove(0);
    let id = |s: &str| s.parse::<Uuid>().unwrap();
    // as an older version left them: delivered without an invoice; confirmed without a
    // ticket; confirmed with a ticket opened by hand under its number
    let (old_delivered, _) = delivered(&app, &m, &code, 2).await;
    let (bare, _) = draft(&app, &m, &code, 1).await;
    let (by_hand, _) = draft(&app, &m, &code, 1).await;
    for o in [&bare, &by_hand] {
        assert_eq!(confirm(&app, &m, o, "").await.status(), StatusCode::OK);
    }
    let hand_ticket = delivery_of(&app, &by_hand).await.unwrap().0;
    for (sql, order) in [
        ("DELETE FROM invoices WHERE order_id = $1", &old_delivered),
        ("DELETE FROM deliveries WHERE order_id = $1", &bare),
        (
            "UPDATE deliveries SET order_id = NULL WHERE order_id = $1",
            &by_hand,
        ),
    ] {
        on!(&app.pool, |ex| sqlx::query(sql)
            .bind(id(order))
            .execute(ex)
            .await
            .map(|_| ()))
        .unwrap();
    }
    let started = chrono::Utc::now();
    assert_eq!(
        qudao::server::orders::backfill(&app.pool).await.unwrap(),
        (1, 1)
    );
    // the hand-opened ticket is the order's now (no second one); the bare order got one,
    // timed from now: its timer never ran before, so no breach is invented
    assert_eq!(delivery_of(&app, &by_hand).await.unwrap().0, hand_ticket);
    let (ordered_at, breached, number): (chrono::DateTime<chrono::Utc>, bool, String) =
        on!(&app.pool, |ex| sqlx::query_as(
            "SELECT ordered_at, breached_at IS NOT NULL, order_ref FROM deliveries WHERE order_id = $1"
        )
        .bind(id(&bare))
        .fetch_one(ex)
        .await)
        .unwrap();
    assert!(ordered_at >= started - chrono::Duration::seconds(1) && !breached);
    let d = ok(&app, &m, "orders/get", serde_json::json!({ "id": bare })).await;
    assert_eq!(d["order"]["number"], number.as_str());
    // a delivered order's money was settled outside Qudao: no invoice after the fact
    let invoiced: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM invoices WHERE order_id = $1"
    )
    .bind(id(&old_delivered))
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(invoiced, 0);
    // once: a second run finds nothing
    assert_eq!(
        qudao::server::orders::backfill(&app.pool).await.unwrap(),
        (0, 0)
    );
}
