//! The customer 360° on the profile over HTTP: the 12-month sales trend equals the
//! ledger's lines month by month, the open tickets block holds exactly the customer's
//! open tickets, and neither tells another rep or another company anything; the page
//! draws the three buttons (下订单 / 登记回款 / 登记异议) and the board opens the
//! objection form for the customer before any script runs.
#![expect(clippy::unwrap_used)]
use crate::helpers::{refusal, sent, spawn_app};
use qudao::features::customers::api::{GetSalesTrend, SalesTrend};
use qudao::features::tickets::api::{Board, TicketBoard};
use qudao::server::db::on;
use reqwest::StatusCode;
use uuid::Uuid;

fn board_of(customer: &str) -> TicketBoard {
    TicketBoard {
        rep: String::new(),
        tier: String::new(),
        standard: String::new(),
        customer: customer.into(),
    }
}

#[tokio::test]
async fn the_profiles_trend_follows_the_ledger_and_its_tickets_are_the_customers_own() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    // the demo customer with the most sales lines, and its rep
    let (customer, rep_login): (Uuid, String) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT c.id, e.login FROM customers c JOIN employees e \
         ON e.company_id = c.company_id AND e.id = c.rep_id \
         ORDER BY (SELECT COUNT(*) FROM sales_lines s WHERE s.customer_id = c.id) DESC, c.code LIMIT 1"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let trend: SalesTrend = sent(
        &app,
        &m,
        &GetSalesTrend {
            customer: customer.to_string(),
        },
    )
    .await;
    assert_eq!(trend.months.len(), 12);
    let today = qudao::domain::time::beijing_date(chrono::Utc::now());
    assert_eq!(
        trend.months.last().unwrap().month,
        today.format("%Y-%m").to_string()
    );
    let mut total = 0;
    for m in &trend.months {
        let from =
            chrono::NaiveDate::parse_from_str(&format!("{}-01", m.month), "%Y-%m-%d").unwrap();
        let to = from.checked_add_months(chrono::Months::new(1)).unwrap();
        let want: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM sales_lines \
             WHERE customer_id = $1 AND order_date >= $2 AND order_date < $3"
        )
        .bind(customer)
        .bind(from)
        .bind(to)
        .fetch_one(ex)
        .await)
        .unwrap();
        assert_eq!(m.amount.0, want, "{}", m.month);
        total += want;
    }
    assert_eq!(trend.total.0, total);
    assert!(
        total > 0,
        "the demo's best customer sold in the last 12 months"
    );
    // the customer's own rep sees it; another rep, another company and a bad id do not
    let own = app.signed_in(&rep_login).await;
    let theirs: SalesTrend = sent(
        &app,
        &own,
        &GetSalesTrend {
            customer: customer.to_string(),
        },
    )
    .await;
    assert_eq!(theirs, trend);
    let other_login = if rep_login == "lina" {
        "zhaolei"
    } else {
        "lina"
    };
    let other = app.signed_in(other_login).await;
    for (client, id) in [
        (&other, customer.to_string()),
        (&m, "not-an-id".to_owned()),
        (&m, Uuid::now_v7().to_string()),
    ] {
        let (status, _) = refusal(&app, client, &GetSalesTrend { customer: id }).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    app.add_company("别家商贸", "bieren").await;
    let stranger = app.signed_in("bieren").await;
    let (status, _) = refusal(
        &app,
        &stranger,
        &GetSalesTrend {
            customer: customer.to_string(),
        },
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // the open tickets: a customer with an open objection
    let (with_ticket, ticket, owner_login): (Uuid, Uuid, String) =
        on!(&app.pool, |ex| sqlx::query_as(
            "SELECT o.customer_id, o.id, e.login FROM objections o \
         JOIN customers c ON c.company_id = o.company_id AND c.id = o.customer_id \
         JOIN employees e ON e.company_id = c.company_id AND e.id = c.rep_id \
         WHERE o.resolved_at IS NULL ORDER BY o.opened_at LIMIT 1"
        )
        .fetch_one(ex)
        .await)
        .unwrap();
    let open: i64 = on!(&app.pool, |ex| {
        sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM objections WHERE customer_id = $1 AND resolved_at IS NULL) \
         + (SELECT COUNT(*) FROM deliveries WHERE customer_id = $1 AND delivered_at IS NULL AND cancelled_at IS NULL)"
    )
    .bind(with_ticket)
    .fetch_one(ex)
    .await
    })
    .unwrap();
    let b: Board = sent(&app, &m, &board_of(&with_ticket.to_string())).await;
    assert_eq!(b.items.len() as i64, open);
    assert!(
        b.items
            .iter()
            .all(|i| i.customer_id.map(|c| c.0) == Some(with_ticket))
    );
    assert!(b.items.iter().any(|i| i.id.0 == ticket));
    let own = app.signed_in(&owner_login).await;
    let b: Board = sent(&app, &own, &board_of(&with_ticket.to_string())).await;
    assert_eq!(b.items.len() as i64, open);
    // another rep's board for that customer is empty; a malformed id is unknown
    let other_login = if owner_login == "lina" {
        "zhaolei"
    } else {
        "lina"
    };
    let other = app.signed_in(other_login).await;
    let b: Board = sent(&app, &other, &board_of(&with_ticket.to_string())).await;
    assert!(b.items.is_empty());
    let (status, _) = refusal(&app, &m, &board_of("x")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_profile_offers_its_three_actions_and_the_objection_form_opens_for_the_customer() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let (id, code): (Uuid, String) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT c.id, c.code FROM customers c JOIN employees e \
         ON e.company_id = c.company_id AND e.id = c.rep_id \
         WHERE e.login = 'zhangwei' ORDER BY c.code LIMIT 1"
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let page = app.get(&rep, &format!("/customers/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for href in [
        format!("/orders/new?customer={code}"),
        format!("/receivables/{id}"),
        format!("/tickets?new=objection&amp;customer={code}"),
    ] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(html.contains("data-testid=\"trend-chart\""));
    // the board drawn by the server already holds the form with the customer's code
    let board = app
        .get(&rep, &format!("/tickets?new=objection&customer={code}"))
        .await;
    assert_eq!(board.status(), StatusCode::OK);
    let html = board.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"input[customer]\" value=\"{code}\"")),
        "the objection form is not prefilled"
    );
    // refused before the script ran (no category): back to the open form, with the reason
    let from = format!("/tickets?new=objection&customer={code}");
    let r = app
        .post_form(
            &rep,
            "tickets/objections/open",
            &from,
            &[
                ("input[customer]", code.as_str()),
                ("input[category]", ""),
                ("input[assignee]", ""),
                ("input[opened_at]", ""),
                ("input[description]", "货架价签不对"),
            ],
        )
        .await;
    let (back, err) = crate::helpers::form_answer(&r);
    assert!(back.starts_with(&from) && err.is_some(), "{back}");
    let html = app.get(&rep, &back).await.text().await.unwrap();
    assert!(html.contains("请填写此项"), "the refusal is not shown");
}

#[tokio::test]
async fn the_tablets_glance_tells_what_the_office_sees_for_the_reps_own_customers_only() {
    use qudao::features::receivables::api::{CustomerStatement, GetStatement};
    use qudao::features::visits::api::{GetOfflineBundle, OfflineBundle};
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let mut bundle: OfflineBundle = sent(&app, &rep, &GetOfflineBundle { columns: true })
        .await
        .read()
        .unwrap();
    bundle.read_columns().unwrap();
    assert_eq!(bundle.trend_months.len(), 12);
    let glances = bundle.glances.get().unwrap();
    assert!(!glances.is_empty());
    // only the rep's own customers, each once
    let own: std::collections::HashSet<_> =
        bundle.customers.iter().flatten().map(|c| c.id).collect();
    let mut seen = std::collections::HashSet::new();
    assert!(
        glances
            .iter()
            .all(|g| own.contains(&g.id) && seen.insert(g.id))
    );
    // the demo's delivered orders leave some of them owing
    assert!(glances.iter().any(|g| g.aging.total().0 > 0));
    for g in &glances {
        let s: CustomerStatement = sent(
            &app,
            &rep,
            &GetStatement {
                customer: g.id.to_string(),
            },
        )
        .await;
        assert_eq!(g.aging, s.aging, "{}", s.code);
        assert_eq!(
            (g.credit.open, g.credit.credit),
            (s.aging.total(), s.credit),
            "{}",
            s.code
        );
        let trend: SalesTrend = sent(
            &app,
            &rep,
            &GetSalesTrend {
                customer: g.id.to_string(),
            },
        )
        .await;
        let amounts: Vec<i64> = trend.months.iter().map(|m| m.amount.0).collect();
        if g.trend.is_empty() {
            assert!(amounts.iter().all(|a| *a == 0), "{}", s.code);
        } else {
            assert_eq!(g.trend, amounts, "{}", s.code);
        }
        let months: Vec<String> = trend.months.iter().map(|m| m.month.clone()).collect();
        assert_eq!(bundle.trend_months, months);
    }
    // the credit status is the one confirming would apply: the demo's past-due customer
    let (past_due,): (Uuid,) = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT i.customer_id FROM invoices i JOIN customers c ON c.company_id = i.company_id \
         AND c.id = i.customer_id JOIN employees e ON e.company_id = c.company_id AND e.id = c.rep_id \
         WHERE e.login = 'zhangwei' AND i.paid < i.amount AND i.due_on < $1 LIMIT 1"
    )
    .bind(qudao::domain::time::beijing_date(chrono::Utc::now()))
    .fetch_one(ex)
    .await)
    .unwrap();
    let g = glances.iter().find(|g| g.id.0 == past_due).unwrap();
    assert!(g.credit.blocked() && g.credit.overdue.0 > 0);
}
