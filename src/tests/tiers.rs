//! Managing by tier over HTTP on the demo company: transitions (page, cell lists and
//! command line agree with classes computed independently), tier policies and their
//! versions, tier-change records, the growth watch against the ledger, channel
//! discipline, the dashboard tiles — and reps and other companies kept out.
use crate::helpers::{PNG, TestApp, classification, errors, ok, output, refused, spawn_app};
use qudao::domain::segmentation::{Class, Ranking, Thresholds};
use qudao::server::db::on;
use qudao::server::seed::DEMO_COMPANY_ID;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The ids of the customers assigned to a demo rep.
async fn own_customers(app: &TestApp, login: &str) -> HashSet<String> {
    let rep_id: uuid::Uuid = app.demo_employee_id(login).await.parse().unwrap();
    on!(&app.pool, |ex| sqlx::query_scalar::<_, uuid::Uuid>(
        "SELECT id FROM customers WHERE company_id = $1 AND rep_id = $2",
    )
    .bind(DEMO_COMPANY_ID.0)
    .bind(rep_id)
    .fetch_all(ex)
    .await)
    .unwrap()
    .into_iter()
    .map(|u| u.to_string())
    .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// Classes of a period straight from the segmentation page's ranked rows, by customer id.
async fn classes_of(
    app: &TestApp,
    c: &Client,
    from: &str,
    to: &str,
) -> BTreeMap<String, (Class, i64)> {
    let (_, rows) = classification(app, c, json!({ "from": from, "to": to })).await;
    let totals: Vec<i64> = rows.iter().map(|r| r.3).collect();
    let ranking = Ranking::new(totals.clone());
    let counts = ranking.counts(Thresholds::DEFAULT);
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| (r.0, (Ranking::class_at(counts, i), totals[i])))
        .collect()
}

fn letter(c: Class) -> &'static str {
    match c {
        Class::A => "A",
        Class::B => "B",
        Class::C => "C",
    }
}

/// The matrix counted by hand from two classifications: (from, to) → (customers, total).
fn hand_matrix(
    first: &BTreeMap<String, (Class, i64)>,
    second: &BTreeMap<String, (Class, i64)>,
) -> HashMap<(String, String), (u64, i64)> {
    let mut m: HashMap<(String, String), (u64, i64)> = HashMap::new();
    let ids: HashSet<&String> = first.keys().chain(second.keys()).collect();
    for id in ids {
        let (f, t, total) = match (first.get(id), second.get(id)) {
            (Some((a, _)), Some((b, t))) => (letter(*a), letter(*b), *t),
            (None, Some((b, t))) => ("new", letter(*b), *t),
            (Some((a, t)), None) => (letter(*a), "lost", *t),
            (None, None) => unreachable!(),
        };
        let e = m.entry((f.to_owned(), t.to_owned())).or_default();
        e.0 += 1;
        e.1 += total;
    }
    m
}

/// The first and last day of the months `[first, last]` counted back from the current
/// month in Beijing (0 = this month): the demo's sales follow the calendar.
fn months_back(first: i32, last: i32) -> (String, String) {
    use qudao::domain::sales::{month_of, month_start};
    let now = month_of(qudao::domain::time::beijing_date(chrono::Utc::now()));
    let from = month_start(now - first).unwrap();
    let to = month_start(now - last + 1).unwrap().pred_opt().unwrap();
    (from.to_string(), to.to_string())
}

/// The month `back` months before this one, as `YYYY-MM`.
fn month_back(back: i32) -> String {
    months_back(back, back).0[..7].to_owned()
}

#[tokio::test]
async fn transitions_of_two_periods_match_a_hand_count_the_cell_lists_and_the_command_line() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    // the demo's customers start up to 12 months ago and stop up to 11 months ago
    let p1 = months_back(34, 23);
    let p2 = months_back(3, 1);
    let first = classes_of(&app, &m, &p1.0, &p1.1).await;
    let second = classes_of(&app, &m, &p2.0, &p2.1).await;
    let expected = hand_matrix(&first, &second);
    assert!(
        expected.keys().any(|(f, _)| f == "new") && expected.keys().any(|(_, t)| t == "lost"),
        "the demo has new and lost customers between these periods"
    );
    let query = json!({
        "from": format!("{}:{}", p1.0, p1.1),
        "to": format!("{}:{}", p2.0, p2.1),
    });
    let body = ok(&app, &m, "tiers/transitions", json!({ "query": query })).await;
    let origins = ["A", "B", "C", "new"];
    let dests = ["A", "B", "C", "lost"];
    let mut csv_expected = String::from("from_class,to_class,customers,total\n");
    for (fi, f) in origins.iter().enumerate() {
        for (ti, t) in dests.iter().enumerate() {
            let cell = &body["matrix"]["cells"][fi][ti];
            let (n, total) = expected
                .get(&((*f).to_owned(), (*t).to_owned()))
                .copied()
                .unwrap_or((0, 0));
            assert_eq!(cell["customers"].as_u64().unwrap(), n, "{f}→{t}");
            assert_eq!(cell["total"].as_i64().unwrap(), total, "{f}→{t}");
            if !(*f == "new" && *t == "lost") {
                csv_expected.push_str(&format!(
                    "{f},{t},{n},{}\n",
                    qudao::domain::sales::Measure::Sales.format(total)
                ));
            }
        }
    }
    // a cell's list holds exactly its customers, largest total first
    let (f, t) = ("B", "A");
    let (n, _) = expected
        .get(&(f.to_owned(), t.to_owned()))
        .copied()
        .unwrap_or((0, 0));
    assert!(n > 0, "the demo has customers moving up from B to A");
    let page = ok(
        &app,
        &m,
        "tiers/moved",
        json!({ "query": query, "from": f, "to": t, "page": 1 }),
    )
    .await;
    assert_eq!(page["count"].as_u64().unwrap(), n);
    let listed: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in &listed {
        assert_eq!(first[*id].0, Class::B);
        assert_eq!(second[*id].0, Class::A);
    }
    let totals: Vec<i64> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["total"].as_i64().unwrap())
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]));
    // lost customers are listed with their first-period totals
    let lost = ok(
        &app,
        &m,
        "tiers/moved",
        json!({ "query": query, "from": "C", "to": "lost", "page": 1 }),
    )
    .await;
    for r in lost["rows"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        assert!(!second.contains_key(id));
        assert_eq!(first[id].1, r["total"].as_i64().unwrap());
    }
    // the command line prints the same numbers
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_qudao"));
    command
        .args([
            "transitions",
            "--from",
            &format!("{}:{}", p1.0, p1.1),
            "--to",
            &format!("{}:{}", p2.0, p2.1),
            "--by",
            "sales",
        ])
        .env("QUDAO_DATABASE_URL", app.database_url.clone());
    let out = output(command).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n"),
        csv_expected
    );
}

#[tokio::test]
async fn at_risk_and_rising_lists_follow_year_on_year_growth() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let p1 = months_back(24, 13);
    let p2 = months_back(12, 1);
    let query = json!({
        "from": format!("{}:{}", p1.0, p1.1),
        "to": format!("{}:{}", p2.0, p2.1),
        "risk": "10",
    });
    let body = ok(&app, &m, "tiers/transitions", json!({ "query": query })).await;
    assert_eq!(body["risk_bp"], 1000);
    let second = classes_of(&app, &m, &p2.0, &p2.1).await;
    // the year before the second period, independently
    let before = classes_of(&app, &m, &p1.0, &p1.1).await;
    for r in body["at_risk"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        assert_eq!(second[id].0, Class::A);
        let now = second[id].1;
        let then = before.get(id).map_or(0, |x| x.1);
        assert_eq!(r["total"].as_i64().unwrap(), now);
        assert_eq!(r["last_year"].as_i64().unwrap(), then);
        // down by 10 % or more: now ≤ 0.9 · then
        assert!(then > 0 && now * 10 <= then * 9, "{id}: {then} → {now}");
    }
    let a_growth = &body["tier_growth"][0];
    for r in body["rising"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        assert_ne!(second[id].0, Class::A);
        let own = r["growth"]["Pct"].as_i64().unwrap();
        assert!(own > 0);
        if second[id].0 == Class::B
            && let Some(a) = a_growth["Pct"].as_i64()
        {
            assert!(own >= a);
        }
    }
    // every listed at-risk customer is counted, and nobody in A qualifies without being listed
    let n_at_risk = second
        .iter()
        .filter(|(id, (c, now))| {
            let then = before.get(*id).map_or(0, |x| x.1);
            *c == Class::A && then > 0 && {
                let bp =
                    ((i128::from(*now) - i128::from(then)) * 10_000).div_euclid(i128::from(then));
                bp <= -1000
            }
        })
        .count();
    assert_eq!(body["at_risk_count"].as_u64().unwrap() as usize, n_at_risk);
}

#[tokio::test]
async fn bad_comparisons_get_clear_messages() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let snaps = ok(&app, &m, "segmentation/snapshots", json!({})).await;
    let newest = snaps[0]["id"].as_str().unwrap().to_owned();
    let same = format!("snapshot:{newest}");
    let recent = months_back(12, 1);
    for (query, expected) in [
        (
            json!({ "from": same, "to": same }),
            vec![("to", "SameClassification")],
        ),
        (
            json!({ "from": "2001-01-01:2001-12-31", "to": format!("{}:{}", recent.0, recent.1) }),
            vec![("from", "NoSalesInPeriod")],
        ),
        (
            json!({ "from": "2026-03-01:2026-02-01", "to": "soon", "risk": "0" }),
            vec![
                ("from", "EndBeforeStart"),
                ("to", "InvalidDate"),
                ("risk", "ThresholdOutOfRange"),
            ],
        ),
        (
            json!({ "from": format!("snapshot:{}", uuid::Uuid::nil()), "to": same }),
            vec![("from", "InvalidChoice")],
        ),
    ] {
        let (status, body) =
            refused(&app, &m, "tiers/transitions", json!({ "query": query })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(errors(&body), pairs(&expected), "{query}");
    }
    let (status, body) = refused(
        &app,
        &m,
        "tiers/moved",
        json!({ "query": {}, "from": "D", "to": "A", "page": 1 }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&body), pairs(&[("cell", "InvalidChoice")]));
    // no query: the two newest snapshots of the demo
    let d = ok(&app, &m, "tiers/transitions", json!({ "query": {} })).await;
    assert_eq!(d["second"]["key"], same);
    assert_eq!(
        d["first"]["key"],
        format!("snapshot:{}", snaps[1]["id"].as_str().unwrap())
    );
}

#[tokio::test]
async fn a_rep_compares_and_lists_only_their_own_customers() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let own = own_customers(&app, "zhangwei").await;
    let d = ok(&app, &rep, "tiers/transitions", json!({ "query": {} })).await;
    assert_eq!(d["own_customers_only"], true);
    let mut seen = 0u64;
    for f in ["A", "B", "C", "new"] {
        for t in ["A", "B", "C", "lost"] {
            let page = ok(
                &app,
                &rep,
                "tiers/moved",
                json!({ "query": {}, "from": f, "to": t, "page": 1 }),
            )
            .await;
            seen += page["count"].as_u64().unwrap();
            for r in page["rows"].as_array().unwrap() {
                assert!(own.contains(r["id"].as_str().unwrap()), "{f}→{t}");
            }
        }
    }
    assert!(seen > 0 && seen <= own.len() as u64);
    for list in ["at_risk", "rising"] {
        for r in d[list].as_array().unwrap() {
            assert!(own.contains(r["id"].as_str().unwrap()));
        }
    }
    // tier changes: only theirs
    let changes = ok(&app, &rep, "tiers/changes", json!({ "moves_only": true })).await;
    assert!(!changes.as_array().unwrap().is_empty());
    for c in changes.as_array().unwrap() {
        assert!(own.contains(c["customer_id"].as_str().unwrap()));
    }
}

#[tokio::test]
async fn policy_versions_take_effect_by_date_only_the_owner_sets_them_and_snapshots_record_the_policy()
 {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let manager = app.signed_in("liumin").await;
    let today = qudao::domain::time::beijing_date(chrono::Utc::now());
    let input = |tier: &str, day: String, visits: &str| {
        json!({ "input": {
            "tier": tier, "effective_from": day, "visits_per_month": visits,
            "supports": ["knowledge", "material", "distribution"], "budget_share": "25",
            "credit_limit": "50000", "credit_days": "20", "notes": "" } })
    };
    // managers and reps may not set policies
    let (status, _) = refused(
        &app,
        &manager,
        "tiers/policies/save",
        input("B", today.to_string(), "3"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // bad input, every field at once
    let (status, body) = refused(
        &app,
        &owner,
        "tiers/policies/save",
        json!({ "input": { "tier": "B", "effective_from": "", "visits_per_month": "-1",
            "supports": [], "budget_share": "-5", "credit_limit": "x", "credit_days": "" } }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&body),
        pairs(&[
            ("effective_from", "Required"),
            ("visits_per_month", "Negative"),
            ("budget_share", "Negative"),
            ("credit_limit", "InvalidNumber"),
        ])
    );
    // the demo's B policy took effect on 1 January: a second version that day overlaps
    let jan1 = format!("{}-01-01", chrono::Datelike::year(&today));
    let (status, body) = refused(&app, &owner, "tiers/policies/save", input("B", jan1, "3")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&body),
        pairs(&[("effective_from", "OverlappingVersion")])
    );
    // a version from today is in force at once; one from tomorrow is scheduled
    ok(
        &app,
        &owner,
        "tiers/policies/save",
        input("B", today.to_string(), "3"),
    )
    .await;
    let tomorrow = today.succ_opt().unwrap();
    ok(
        &app,
        &owner,
        "tiers/policies/save",
        input("B", tomorrow.to_string(), "5"),
    )
    .await;
    let o = ok(&app, &manager, "tiers/policies", json!({})).await;
    assert_eq!(o["in_force"][1]["visits_per_month"], 3);
    assert_eq!(o["in_force"][1]["effective_from"], today.to_string());
    assert_eq!(o["may_edit"], false);
    // a new snapshot: every customer whose tier changes gets a record with the policy now
    let snap = ok(
        &app,
        &manager,
        "segmentation/save",
        json!({ "query": { "from": months_back(24, 13).0, "to": months_back(24, 13).1 }, "name": "上上年度" }),
    )
    .await;
    let snapshot: uuid::Uuid = snap["id"].as_str().unwrap().parse().unwrap();
    let records: Vec<(uuid::Uuid, Option<String>, String, Option<uuid::Uuid>)> =
        on!(&app.pool, |ex| {
            sqlx::query_as(
        "SELECT customer_id, old_tier, new_tier, policy_id FROM tier_changes WHERE snapshot_id = $1",
    )
    .bind(snapshot)
    .fetch_all(ex)
    .await
        })
        .unwrap();
    assert!(!records.is_empty());
    let b_policy: uuid::Uuid = o["in_force"][1]["id"].as_str().unwrap().parse().unwrap();
    for (_, old, new, policy) in &records {
        assert_ne!(old.as_deref(), Some(new.as_str()));
        if new == "B" {
            assert_eq!(*policy, Some(b_policy));
        }
    }
    // exactly the customers whose tier moved have records
    let moved: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customer_tiers t JOIN customer_tiers p ON p.customer_id = t.customer_id \
         AND p.snapshot_id = (SELECT id FROM tier_snapshots WHERE name = '近12个月销售额分级（演示）') \
         WHERE t.snapshot_id = $1 AND t.class <> p.class",
    )
    .bind(snapshot)
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(records.len() as i64, moved);
    // the profile shows the policy in force for the customer's tier
    let (customer, _, new, _) = records.iter().find(|r| r.2 == "B").unwrap();
    assert_eq!(new, "B");
    let info = ok(
        &app,
        &manager,
        "discipline/customer",
        json!({ "customer_id": customer.to_string() }),
    )
    .await;
    assert_eq!(info["policy"]["id"], b_policy.to_string());
}

#[tokio::test]
async fn the_growth_watch_adds_up_the_ledger_and_flags_candidates_by_the_rule() {
    let app = spawn_app().await;
    let m = app.signed_in("liumin").await;
    let sums = |from: String, to: String| {
        let pool = app.pool.clone();
        async move {
            let rows: Vec<(uuid::Uuid, i64)> = on!(&pool, |ex| sqlx::query_as(
                "SELECT customer_id, CAST(sum(amount) AS BIGINT) FROM sales_lines WHERE company_id = $1 \
                 AND order_date BETWEEN $2 AND $3 GROUP BY customer_id",
            )
            .bind(DEMO_COMPANY_ID.0)
            .bind(chrono::NaiveDate::parse_from_str(&from, "%Y-%m-%d").unwrap())
            .bind(chrono::NaiveDate::parse_from_str(&to, "%Y-%m-%d").unwrap())
            .fetch_all(ex)
            .await)
            .unwrap();
            rows.into_iter()
                .map(|(c, s)| (c.to_string(), s))
                .collect::<HashMap<_, _>>()
        }
    };
    let this = months_back(2, 2);
    let ly = months_back(14, 14);
    let prev = months_back(3, 3);
    let anchor = month_back(2);
    let now = sums(this.0, this.1).await;
    let last_year = sums(ly.0, ly.1).await;
    let previous = sums(prev.0, prev.1).await;
    let tiers: HashMap<String, Option<String>> = on!(&app.pool, |ex| sqlx::query_as::<
        _,
        (uuid::Uuid, Option<String>),
    >(
        "SELECT id, tier FROM customers WHERE company_id = $1",
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_all(ex)
    .await)
    .unwrap()
    .into_iter()
    .map(|(i, t)| (i.to_string(), t))
    .collect();
    let mut seen = 0;
    let mut page = 1;
    loop {
        let d = ok(
            &app,
            &m,
            "growth/watch",
            json!({ "query": { "kind": "month", "anchor": anchor, "sort": "code", "asc": true, "page": page } }),
        )
        .await;
        let rows = d["rows"].as_array().unwrap();
        for r in rows {
            let id = r["id"].as_str().unwrap();
            assert!(
                matches!(tiers[id].as_deref(), Some("B" | "C")),
                "B and C by default"
            );
            let cur = now.get(id).copied().unwrap_or(0);
            let ly = last_year.get(id).copied().unwrap_or(0);
            assert_eq!(r["current"].as_i64().unwrap(), cur);
            assert_eq!(r["last_year"].as_i64().unwrap(), ly);
            assert_eq!(
                r["previous"].as_i64().unwrap(),
                previous.get(id).copied().unwrap_or(0)
            );
            // growth from nothing is "new", never a number
            if ly <= 0 && cur > 0 {
                assert_eq!(r["yoy"], "New");
            } else if ly > 0 {
                let bp = ((i128::from(cur) - i128::from(ly)) * 10_000).div_euclid(i128::from(ly));
                assert_eq!(r["yoy"]["Pct"].as_i64().unwrap() as i128, bp);
            }
            seen += 1;
        }
        if rows.is_empty() || seen >= d["count"].as_u64().unwrap() {
            assert_eq!(seen, d["count"].as_u64().unwrap());
            break;
        }
        page += 1;
    }
    // the tiers asked for come back as the page's boxes name them
    let d = ok(
        &app,
        &m,
        "growth/watch",
        json!({ "query": { "kind": "month", "anchor": anchor } }),
    )
    .await;
    assert_eq!(d["tiers"], "B,C");
    let d = ok(
        &app,
        &m,
        "growth/watch",
        json!({ "query": { "kind": "month", "anchor": anchor, "tiers": "a, none" } }),
    )
    .await;
    assert_eq!(d["tiers"], "A,none");
    assert!(d["rows"].as_array().unwrap().iter().all(|r| matches!(
        tiers[r["id"].as_str().unwrap()].as_deref(),
        Some("A") | None
    )));
    // a rule to try: growth ≥ 0 % in 1 of the last 1 periods and orders in the last month
    let d = ok(
        &app,
        &m,
        "growth/watch",
        json!({ "query": { "kind": "month", "anchor": anchor, "min_growth": "0", "hits": "1",
            "of_last": "1", "ordering_months": "1", "candidates_only": true } }),
    )
    .await;
    let expected = tiers
        .iter()
        .filter(|(id, t)| {
            let cur = now.get(*id).copied().unwrap_or(0);
            let ly = last_year.get(*id).copied().unwrap_or(0);
            matches!(t.as_deref(), Some("B" | "C")) && ly > 0 && cur >= ly && cur > 0
        })
        .count();
    assert!(expected > 0);
    assert_eq!(d["candidates"].as_u64().unwrap() as usize, expected);
    assert_eq!(d["count"].as_u64().unwrap() as usize, expected);
    assert_eq!(d["rule_saved"], false);
    // a stricter rule finds fewer
    let strict = ok(
        &app,
        &m,
        "growth/watch",
        json!({ "query": { "kind": "month", "anchor": anchor, "min_growth": "50", "hits": "1",
            "of_last": "1", "ordering_months": "1" } }),
    )
    .await;
    assert!(strict["candidates"].as_u64().unwrap() < expected as u64);
    // bad rule and period: every field named
    let (status, body) = refused(
        &app,
        &m,
        "growth/watch",
        json!({ "query": { "kind": "quarter", "anchor": "2026-Q5", "min_growth": "x", "hits": "5",
            "of_last": "4", "ordering_months": "1" } }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&body),
        pairs(&[
            ("anchor", "InvalidDate"),
            ("min_growth", "InvalidNumber"),
            ("hits", "HitsOutOfRange")
        ])
    );
    // saving the rule: managers may, reps may not; the saved rule is then used
    let rep = app.signed_in("zhangwei").await;
    let rule = json!({ "min_growth": "0", "hits": "1", "of_last": "1", "ordering_months": "1" });
    let (status, _) = refused(&app, &rep, "growth/rule", rule.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    ok(&app, &m, "growth/rule", rule).await;
    let d = ok(
        &app,
        &m,
        "growth/watch",
        json!({ "query": { "kind": "month", "anchor": anchor } }),
    )
    .await;
    assert_eq!(d["rule_saved"], true);
    assert_eq!(d["candidates"].as_u64().unwrap() as usize, expected);
    // a rep's watch holds their customers only; the export too
    let own = own_customers(&app, "zhangwei").await;
    let d = ok(
        &app,
        &rep,
        "growth/watch",
        json!({ "query": { "kind": "month", "anchor": anchor } }),
    )
    .await;
    assert!(d["count"].as_u64().unwrap() > 0);
    for r in d["rows"].as_array().unwrap() {
        assert!(own.contains(r["id"].as_str().unwrap()));
    }
    let x = rep
        .get(format!(
            "{}/api/growth/export?kind=month&anchor={anchor}&headers=en",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), StatusCode::OK);
    let bytes = x.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "growth").unwrap();
    let codes: Vec<String> = sheet.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(codes.len() as u64, d["count"].as_u64().unwrap());
    assert_eq!(sheet.rows().next().unwrap()[5].to_string(), "yoy");
}

async fn demo_customer(app: &TestApp, rep: &str) -> (String, String) {
    let rep_id: uuid::Uuid = app.demo_employee_id(rep).await.parse().unwrap();
    let (id, code): (uuid::Uuid, String) = on!(&app.pool, |ex| {
        sqlx::query_as(
        "SELECT id, code FROM customers WHERE company_id = $1 AND rep_id = $2 ORDER BY code LIMIT 1",
    )
    .bind(DEMO_COMPANY_ID.0)
    .bind(rep_id)
    .fetch_one(ex)
    .await
    })
    .unwrap();
    (id.to_string(), code)
}

#[tokio::test]
async fn violations_are_reported_in_scope_decided_by_managers_and_only_move_forward() {
    let app = spawn_app().await;
    let rep = app.signed_in("zhangwei").await;
    let other = app.signed_in("lina").await;
    let manager = app.signed_in("liumin").await;
    let (_, own_code) = demo_customer(&app, "zhangwei").await;
    let (_, lina_code) = demo_customer(&app, "lina").await;
    let today = qudao::domain::time::beijing_date(chrono::Utc::now());
    let report = |code: &str, day: String| {
        json!({ "input": { "customer": code, "kind": "cross_region", "occurred_on": day,
            "product": "", "place": "江北区", "description": "跨区出货" } })
    };
    // a customer the rep may not see is, to them, unknown
    let (status, body) = refused(
        &app,
        &rep,
        "discipline/report",
        report(&lina_code, today.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors(&body), pairs(&[("customer", "UnknownCustomer")]));
    let (_, body) = refused(
        &app,
        &rep,
        "discipline/report",
        json!({ "input": { "customer": own_code, "kind": "theft", "occurred_on": today.succ_opt().unwrap().to_string(),
            "product": "NO-SUCH", "description": " " } }),
    )
    .await;
    assert_eq!(
        errors(&body),
        pairs(&[
            ("kind", "InvalidChoice"),
            ("occurred_on", "InFuture"),
            ("description", "Required")
        ])
    );
    let v = ok(
        &app,
        &rep,
        "discipline/report",
        report(&own_code, today.to_string()),
    )
    .await;
    assert_eq!(v["status"], "Reported");
    let id = v["id"].as_str().unwrap().to_owned();
    // evidence: the reporter uploads, another rep cannot see it, a manager can
    let up = rep
        .post(format!("{}/api/violations/{id}/photos", app.base))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), StatusCode::CREATED);
    let photo: String = up.json().await.unwrap();
    let not_image = rep
        .post(format!("{}/api/violations/{id}/photos", app.base))
        .body(b"hello".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(not_image.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let theirs = other
        .post(format!("{}/api/violations/{id}/photos", app.base))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let get = |c: &Client| {
        c.get(format!("{}/violation-photos/{photo}", app.base))
            .send()
    };
    assert_eq!(get(&other).await.unwrap().status(), StatusCode::NOT_FOUND);
    let seen = get(&manager).await.unwrap();
    assert_eq!(seen.status(), StatusCode::OK);
    assert_eq!(seen.bytes().await.unwrap().as_ref(), PNG);
    // lists: the other rep does not see it; the manager does
    let lina_list = ok(
        &app,
        &other,
        "discipline/violations",
        json!({ "status": "" }),
    )
    .await;
    assert!(
        lina_list
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["id"] != id.as_str())
    );
    let open = ok(
        &app,
        &manager,
        "discipline/violations",
        json!({ "status": "open" }),
    )
    .await;
    let mine = open
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id.as_str())
        .unwrap();
    assert_eq!(mine["photos"].as_array().unwrap().len(), 1);
    // deciding: not the rep; forward only; a penalty only when penalising
    let decide = |status: &str, version: i64, penalty: &str| json!({ "id": id, "version": version, "status": status, "penalty": penalty, "note": "核实" });
    let (status, _) = refused(&app, &rep, "discipline/decide", decide("confirmed", 1, "")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = refused(
        &app,
        &manager,
        "discipline/decide",
        decide("penalised", 1, "100"),
    )
    .await;
    assert_eq!(errors(&body), pairs(&[("status", "InvalidTransition")]));
    let (_, body) = refused(
        &app,
        &manager,
        "discipline/decide",
        decide("confirmed", 1, "100"),
    )
    .await;
    assert_eq!(errors(&body), pairs(&[("penalty", "OnlyWhenPenalised")]));
    let v = ok(
        &app,
        &manager,
        "discipline/decide",
        decide("confirmed", 1, ""),
    )
    .await;
    assert_eq!(v["status"], "Confirmed");
    // a stale page cannot decide again
    let (status, _) = refused(
        &app,
        &manager,
        "discipline/decide",
        decide("dismissed", 1, ""),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, body) = refused(
        &app,
        &manager,
        "discipline/decide",
        decide("penalised", 2, "-5"),
    )
    .await;
    assert_eq!(errors(&body), pairs(&[("penalty", "Negative")]));
    let v = ok(
        &app,
        &manager,
        "discipline/decide",
        decide("penalised", 2, "2000"),
    )
    .await;
    assert_eq!(v["status"], "Penalised");
    assert_eq!(v["penalty"], 200_000);
    assert_eq!(v["notes"], "核实\n核实");
    let (_, body) = refused(
        &app,
        &manager,
        "discipline/decide",
        decide("dismissed", 3, ""),
    )
    .await;
    assert_eq!(errors(&body), pairs(&[("status", "InvalidTransition")]));
    // another company sees none of it
    app.add_company("另一家经销商", "boss2").await;
    let boss2 = app.signed_in("boss2").await;
    let theirs = ok(
        &app,
        &boss2,
        "discipline/violations",
        json!({ "status": "" }),
    )
    .await;
    assert!(theirs.as_array().unwrap().is_empty());
    assert_eq!(get(&boss2).await.unwrap().status(), StatusCode::NOT_FOUND);
    let policies = ok(&app, &boss2, "tiers/policies", json!({})).await;
    assert!(policies["versions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn signals_list_sales_below_the_floor_and_terminals_outside_territory_within_scope() {
    let app = spawn_app().await;
    let manager = app.signed_in("liumin").await;
    let rep = app.signed_in("zhangwei").await;
    let s = ok(&app, &manager, "discipline/signals", json!({ "days": 31 })).await;
    // the demo's sale at 85 % of the floor
    let below = s["below_floor"].as_array().unwrap();
    assert!(!below.is_empty());
    for l in below {
        assert!(
            l["amount"].as_i64().unwrap()
                < l["floor"].as_i64().unwrap() * l["quantity"].as_i64().unwrap()
        );
    }
    // a sub-distributor limited to one township: its terminals elsewhere are listed
    let outside = s["outside_territory"].as_array().unwrap();
    assert!(!outside.is_empty());
    let sub = outside[0]["sub_id"].as_str().unwrap().to_owned();
    for t in outside.iter().filter(|t| t["sub_id"] == sub.as_str()) {
        let place = t["place"].as_str().unwrap();
        let limit = t["territories"][0]["township"].as_str().unwrap();
        assert!(!place.contains(limit), "{place} is inside {limit}");
    }
    // widening the territory to the whole district clears them
    let district: String = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT district FROM customers WHERE id = $1"
    )
    .bind(sub.parse::<uuid::Uuid>().unwrap())
    .fetch_one(ex)
    .await)
    .unwrap();
    let (status, body) = refused(
        &app,
        &manager,
        "discipline/territories",
        json!({ "customer_id": sub, "territories": [["", "x"]] }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors(&body),
        pairs(&[("territories.0.district", "Required")])
    );
    let (status, _) = refused(
        &app,
        &rep,
        "discipline/territories",
        json!({ "customer_id": sub, "territories": [[district, ""]] }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let saved = ok(
        &app,
        &manager,
        "discipline/territories",
        json!({ "customer_id": sub, "territories": [[district, ""]] }),
    )
    .await;
    assert_eq!(saved[0]["township"], Value::Null);
    let s2 = ok(&app, &manager, "discipline/signals", json!({ "days": 31 })).await;
    assert!(
        s2["outside_territory"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["sub_id"] != sub.as_str())
    );
    // a rep's signals are about their customers only
    let own = own_customers(&app, "zhangwei").await;
    let rs = ok(&app, &rep, "discipline/signals", json!({ "days": 31 })).await;
    for l in rs["below_floor"].as_array().unwrap() {
        assert!(own.contains(l["customer_id"].as_str().unwrap()));
    }
    for t in rs["outside_territory"].as_array().unwrap() {
        assert!(own.contains(t["terminal_id"].as_str().unwrap()));
        assert!(own.contains(t["sub_id"].as_str().unwrap()));
    }
}

/// Customers per tier (A, B, C, none) as SQL counts them, of the company or of one rep.
async fn tiers_in_sql(app: &TestApp, rep: Option<uuid::Uuid>) -> Vec<i64> {
    let rows: Vec<(Option<String>, Option<uuid::Uuid>)> = on!(&app.pool, |ex| sqlx::query_as(
        "SELECT tier, rep_id FROM customers WHERE company_id = $1"
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_all(ex)
    .await)
    .unwrap();
    let mut counts = vec![0; 4];
    for (tier, _) in rows.iter().filter(|(_, r)| rep.is_none() || *r == rep) {
        counts[match tier.as_deref() {
            Some("A") => 0,
            Some("B") => 1,
            Some("C") => 2,
            _ => 3,
        }] += 1;
    }
    counts
}

/// A snapshot's changes as (moved up, moved down, first tier), read change by change.
async fn movement_in_sql(app: &TestApp, snapshot: uuid::Uuid, rep: Option<uuid::Uuid>) -> Vec<i64> {
    let rows: Vec<(Option<String>, String, Option<uuid::Uuid>)> =
        on!(&app.pool, |ex| sqlx::query_as(
            "SELECT old_tier, new_tier, rep_id FROM tier_changes WHERE snapshot_id = $1"
        )
        .bind(snapshot)
        .fetch_all(ex)
        .await)
        .unwrap();
    let mut m = vec![0; 3];
    for (old, new, _) in rows.iter().filter(|(_, _, r)| rep.is_none() || *r == rep) {
        match old {
            None => m[2] += 1,
            // A is the highest tier: a move up is to an earlier letter
            Some(old) if new < old => m[0] += 1,
            Some(_) => m[1] += 1,
        }
    }
    m
}

#[tokio::test]
async fn the_dashboard_counts_tiers_movement_candidates_and_open_violations_in_scope() {
    let app = spawn_app().await;
    let owner = app.signed_in("laoban").await;
    let d = ok(&app, &owner, "dashboard", json!({})).await;
    let tiers: Vec<i64> = d["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let all: i64 = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customers WHERE company_id = $1"
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_one(ex)
    .await)
    .unwrap();
    assert_eq!(tiers.iter().sum::<i64>(), all);
    assert_eq!(tiers, tiers_in_sql(&app, None).await);
    let latest: uuid::Uuid = on!(&app.pool, |ex| sqlx::query_scalar(
        "SELECT id FROM tier_snapshots ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(ex)
    .await)
    .unwrap();
    let movement = |d: &serde_json::Value| -> Vec<i64> {
        (0..3).map(|i| d["movement"][i].as_i64().unwrap()).collect()
    };
    assert_eq!(movement(&d), movement_in_sql(&app, latest, None).await);
    let [up, down, _] = movement(&d)[..] else {
        unreachable!()
    };
    assert!(up > 0 && down > 0);
    assert_eq!(d["open_violations"], 2);
    // the rep of the demo's offending sub-distributor sees them; another rep does not
    let zw = app.signed_in("zhangwei").await;
    assert_eq!(
        ok(&app, &zw, "dashboard", json!({})).await["open_violations"],
        2
    );
    let lina = app.signed_in("lina").await;
    let dl = ok(&app, &lina, "dashboard", json!({})).await;
    assert_eq!(dl["open_violations"], 0);
    let lina_tiers: i64 = dl["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert!(lina_tiers < all);
    // a rep's counts are their own customers' and the changes recorded for them
    let lina_id: uuid::Uuid = app.demo_employee_id("lina").await.parse().unwrap();
    assert_eq!(
        dl["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect::<Vec<_>>(),
        tiers_in_sql(&app, Some(lina_id)).await
    );
    assert_eq!(
        movement(&dl),
        movement_in_sql(&app, latest, Some(lina_id)).await
    );
    assert!(movement(&dl).iter().sum::<i64>() > 0);
    // the pages render for a signed-in user
    for path in [
        "/tiers",
        "/tiers/policies",
        "/tiers/changes",
        "/growth",
        "/discipline",
    ] {
        let r = app.get(&lina, path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn the_transitions_command_refuses_bad_periods_in_the_users_language() {
    let app = spawn_app().await;
    let run = |args: &[&str], lang: &str| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_qudao"));
        command
            .arg("transitions")
            .args(args)
            .env("QUDAO_DATABASE_URL", app.database_url.clone())
            .env("LC_ALL", lang);
        output(command)
    };
    let p = months_back(12, 1);
    let period = format!("{}:{}", p.0, p.1);
    let same = run(&["--from", &period, "--to", &period], "zh_CN.UTF-8").await;
    assert!(!same.status.success());
    assert!(String::from_utf8_lossy(&same.stderr).contains("请选择两个不同的分级进行对比"));
    let bad = run(&["--from", "2026-01-01", "--to", &period], "en_US.UTF-8").await;
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--from: Enter a valid date"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let empty = run(
        &[
            "--from",
            "2001-01-01:2001-12-31",
            "--to",
            &period,
            "--format",
            "json",
        ],
        "en_US.UTF-8",
    )
    .await;
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("--from:"));
    let json = run(
        &[
            "--from",
            &format!("{}:{}", months_back(24, 13).0, months_back(24, 13).1),
            "--to",
            &period,
            "--format",
            "json",
        ],
        "en_US.UTF-8",
    )
    .await;
    assert!(json.status.success());
    let rows: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(rows.len(), 15, "4 × 4 cells without new → lost");
    assert!(rows.iter().any(|r| r["from_class"] == "new"));
    assert!(rows.iter().any(|r| r["to_class"] == "lost"));
}
