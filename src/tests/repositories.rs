//! The query builders with many branches, read against a literal oracle: the customer
//! list (search words, nine filters, five sorts both ways, paging, a rep's scope), the
//! rows of a list page (the ids asked, within scope, in their order) and the
//! ticket lists (open only, since, customer, driver, limit, each role's scope). For random
//! combinations over the demo company, the repository returns exactly the rows a plain
//! filter over every row keeps, in the order the page promises — so a branch that drops
//! a condition, binds the wrong value or widens a rep's scope fails here.
use crate::helpers::{TestApp, spawn_app};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use qudao::domain::ids::{CompanyId, EmployeeId};
use qudao::domain::segmentation::Class;
use qudao::server::db::customers::{self, ListFilter, Scope, SortKey, TierFilter};
use qudao::server::db::on;
use qudao::server::db::tickets::{self, DeliveryScope, Filter};
use qudao::server::seed::DEMO_COMPANY_ID;
use std::cmp::Ordering;
use uuid::Uuid;

/// A customer as stored, with what the list filters and sorts by.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Customer {
    id: Uuid,
    code: String,
    name: String,
    kind: String,
    terminal_type: Option<String>,
    status: String,
    district: Option<String>,
    township: Option<String>,
    rep_id: Option<Uuid>,
    parent_id: Option<Uuid>,
    tier: Option<String>,
    search_text: String,
    completeness: i64,
    updated_at: chrono::DateTime<chrono::Utc>,
}

/// `n` random cases; a failure is printed with its smallest example (not stored).
fn cases(n: u32) -> Config {
    Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn demo_customers(app: &TestApp) -> Vec<Customer> {
    on!(&app.pool, |ex| sqlx::query_as(
        "SELECT id, code, name, kind, terminal_type, status, district, township, rep_id, \
         parent_id, tier, search_text, completeness, updated_at FROM customers WHERE company_id = $1",
    )
    .bind(DEMO_COMPANY_ID.0)
    .fetch_all(ex)
    .await)
    .unwrap()
}

/// The distinct values of a column, and one no customer has.
fn choices(all: &[Customer], of: impl Fn(&Customer) -> Option<String>) -> Vec<Option<String>> {
    let mut v: Vec<Option<String>> = all.iter().filter_map(&of).map(Some).collect();
    v.sort();
    v.dedup();
    v.push(Some("no-such-value".into()));
    v.push(None);
    v
}

/// Whether `c` is on the list `f` asks for, seen by `scope`: the oracle.
fn keeps(c: &Customer, scope: Scope, f: &ListFilter) -> bool {
    let eq = |want: &Option<String>, have: Option<&String>| {
        want.as_ref().is_none_or(|w| have == Some(w))
    };
    let seen = match scope {
        Scope::All => true,
        Scope::Rep(me) => c.rep_id == Some(me.0),
    };
    let tier = match f.tier {
        None => true,
        Some(TierFilter::Of(class)) => c.tier.as_deref() == Some(class.as_str()),
        Some(TierFilter::Unclassified) => c.tier.is_none(),
        Some(TierFilter::Unknown) => false,
    };
    seen && tier
        && f.words.iter().all(|w| c.search_text.contains(w.as_str()))
        && eq(&f.kind, Some(&c.kind))
        && eq(&f.terminal_type, c.terminal_type.as_ref())
        && eq(&f.status, Some(&c.status))
        && eq(&f.district, c.district.as_ref())
        && eq(&f.township, c.township.as_ref())
        && f.rep.is_none_or(|r| r == c.rep_id)
        && f.parent.is_none_or(|p| Some(p) == c.parent_id)
}

/// The page's order: the sort key in the asked direction (absent values first when
/// ascending), then the code, which is unique.
fn order(sort: SortKey, descending: bool) -> impl Fn(&Customer, &Customer) -> Ordering {
    move |a, b| {
        let key = match sort {
            SortKey::Code => a.code.cmp(&b.code),
            SortKey::Name => a.name.cmp(&b.name),
            SortKey::Region => (&a.district, &a.township).cmp(&(&b.district, &b.township)),
            SortKey::Updated => a.updated_at.cmp(&b.updated_at),
            SortKey::Completeness => a.completeness.cmp(&b.completeness),
        };
        let key = if descending { key.reverse() } else { key };
        key.then_with(|| a.code.cmp(&b.code))
    }
}

/// A search word: a piece of some customer's searchable text, or text with the
/// characters GLOB would otherwise read as patterns.
fn words(all: &[Customer]) -> impl Strategy<Value = Vec<String>> {
    let texts: Vec<Vec<char>> = all
        .iter()
        .map(|c| c.search_text.chars().collect())
        .collect();
    let piece = (0..texts.len(), any::<prop::sample::Index>(), 1usize..4).prop_map(
        move |(i, start, len)| {
            let t = &texts[i];
            let s = start.index(t.len().max(1)).min(t.len());
            t[s..(s + len).min(t.len())].iter().collect::<String>()
        },
    );
    let odd = prop::sample::select(vec![
        "*".to_owned(),
        "?".into(),
        "[a".into(),
        "不存在的词".into(),
    ]);
    prop::collection::vec(prop_oneof![4 => piece, 1 => odd], 0..3)
        .prop_map(|ws| ws.into_iter().filter(|w| !w.is_empty()).collect())
}

#[test]
fn the_customer_list_returns_exactly_what_its_filters_keep_in_page_order() {
    let rt = runtime();
    let app = rt.block_on(spawn_app());
    let all = rt.block_on(demo_customers(&app));
    assert!(
        all.len() > 50,
        "the demo company has customers: {}",
        all.len()
    );
    let mut reps: Vec<Option<Uuid>> = all.iter().map(|c| c.rep_id).collect();
    reps.sort();
    reps.dedup();
    let parents: Vec<Option<Uuid>> = {
        let mut p: Vec<Option<Uuid>> = all.iter().filter_map(|c| c.parent_id).map(Some).collect();
        p.sort();
        p.dedup();
        p.push(Some(Uuid::nil()));
        p.push(None);
        p
    };
    let scopes: Vec<Scope> = std::iter::once(Scope::All)
        .chain(reps.iter().flatten().map(|r| Scope::Rep(EmployeeId(*r))))
        .collect();
    let rep_filters: Vec<Option<Option<Uuid>>> = std::iter::once(None)
        .chain(reps.iter().map(|r| Some(*r)))
        .collect();
    let tiers = vec![
        None,
        Some(TierFilter::Of(Class::A)),
        Some(TierFilter::Of(Class::B)),
        Some(TierFilter::Of(Class::C)),
        Some(TierFilter::Unclassified),
        Some(TierFilter::Unknown),
    ];
    let sorts = vec![
        SortKey::Code,
        SortKey::Name,
        SortKey::Region,
        SortKey::Updated,
        SortKey::Completeness,
    ];
    // most cases leave a filter out, as a user does; a filter given takes any value
    let pick = |v: Vec<Option<String>>| prop_oneof![3 => Just(None), 1 => prop::sample::select(v)];
    let filter = (
        words(&all),
        pick(choices(&all, |c| Some(c.kind.clone()))),
        pick(choices(&all, |c| c.terminal_type.clone())),
        pick(choices(&all, |c| Some(c.status.clone()))),
        pick(choices(&all, |c| c.district.clone())),
        pick(choices(&all, |c| c.township.clone())),
        prop::sample::select(rep_filters),
        prop::sample::select(parents),
        prop::sample::select(tiers),
    )
        .prop_map(
            |(words, kind, terminal_type, status, district, township, rep, parent, tier)| {
                ListFilter {
                    words,
                    kind,
                    terminal_type,
                    status,
                    district,
                    township,
                    rep,
                    parent,
                    tier,
                }
            },
        );
    let case = (
        filter,
        prop::sample::select(scopes),
        prop::sample::select(sorts),
        any::<bool>(),
        1i64..40,
        0i64..60,
    );
    let company: CompanyId = DEMO_COMPANY_ID;
    let mut runner = TestRunner::new(cases(200));
    runner
        .run(&case, |(f, scope, sort, descending, limit, offset)| {
            let mut expected: Vec<&Customer> = all.iter().filter(|c| keeps(c, scope, &f)).collect();
            expected.sort_by(|a, b| order(sort, descending)(a, b));
            let (count, page) = rt.block_on(async {
                let mut conn = app.pool.acquire().await.unwrap();
                let count = customers::count(&mut conn, company, scope, &f)
                    .await
                    .unwrap();
                let page = customers::list(
                    &mut conn, company, scope, &f, sort, descending, limit, offset,
                )
                .await
                .unwrap();
                (count, page)
            });
            prop_assert_eq!(count, expected.len() as i64);
            let want: Vec<Uuid> = expected
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .map(|c| c.id)
                .collect();
            let got: Vec<Uuid> = page.iter().map(|c| c.id).collect();
            prop_assert_eq!(got, want);
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_list_rows_are_the_ids_asked_within_scope_in_the_order_asked() {
    let rt = runtime();
    let app = rt.block_on(spawn_app());
    let all = rt.block_on(demo_customers(&app));
    let by_id: std::collections::HashMap<Uuid, &Customer> = all.iter().map(|c| (c.id, c)).collect();
    let mut reps: Vec<Uuid> = all.iter().filter_map(|c| c.rep_id).collect();
    reps.sort();
    reps.dedup();
    let scopes: Vec<Scope> = std::iter::once(Scope::All)
        .chain(reps.iter().map(|r| Scope::Rep(EmployeeId(*r))))
        .collect();
    // ids of any customer, in any order, and one no customer has
    let mut ids: Vec<Uuid> = all.iter().map(|c| c.id).collect();
    ids.push(Uuid::nil());
    let asked = prop::collection::vec(prop::sample::select(ids), 0..60).prop_map(|mut v| {
        let mut seen = std::collections::HashSet::new();
        v.retain(|id| seen.insert(*id));
        v
    });
    let company: CompanyId = DEMO_COMPANY_ID;
    let mut runner = TestRunner::new(cases(100));
    runner
        .run(&(asked, prop::sample::select(scopes)), |(asked, scope)| {
            let rows = rt.block_on(async {
                let mut conn = app.pool.acquire().await.unwrap();
                customers::list_rows(&mut conn, company, scope, &asked)
                    .await
                    .unwrap()
            });
            let want: Vec<Uuid> = asked
                .iter()
                .filter(|id| by_id.get(*id).is_some_and(|c| scope.sees(c.rep_id)))
                .copied()
                .collect();
            let got: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            prop_assert_eq!(got, want);
            for r in &rows {
                let c = by_id[&r.id];
                prop_assert_eq!(&r.code, &c.code);
                prop_assert_eq!(&r.name, &c.name);
                prop_assert_eq!(&r.kind, &c.kind);
                prop_assert_eq!(&r.status, &c.status);
                prop_assert_eq!(&r.district, &c.district);
                prop_assert_eq!(r.tier.map(|t| t.as_str().to_owned()), c.tier.clone());
                prop_assert_eq!(r.completeness, c.completeness);
                let parent = c.parent_id.and_then(|p| by_id.get(&p));
                prop_assert_eq!(r.parent_name.as_deref(), parent.map(|p| p.name.as_str()));
                prop_assert_eq!(r.parent_rep_id, parent.and_then(|p| p.rep_id));
                prop_assert_eq!(r.rep_name.is_some(), c.rep_id.is_some());
            }
            Ok(())
        })
        .unwrap();
}

/// A ticket as stored, with its customer's rep.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Ticket {
    id: Uuid,
    customer_id: Uuid,
    rep_id: Option<Uuid>,
    driver_id: Option<Uuid>,
    started: chrono::DateTime<chrono::Utc>,
    done: Option<chrono::DateTime<chrono::Utc>>,
}

/// Checks one answer of a ticket list against the oracle: every row it should keep, at
/// most `limit`, the earliest first. Tickets raised at the same moment may come in either
/// order, so the rows are compared by their times, then each is checked to belong.
fn same_list(
    answer: &[(Uuid, chrono::DateTime<chrono::Utc>)],
    kept: &[&Ticket],
    limit: i64,
) -> Result<(), TestCaseError> {
    let mut kept: Vec<&Ticket> = kept.to_vec();
    kept.sort_by_key(|t| t.started);
    let want: Vec<_> = kept
        .iter()
        .take(limit as usize)
        .map(|t| t.started)
        .collect();
    let got: Vec<_> = answer.iter().map(|a| a.1).collect();
    prop_assert_eq!(got, want);
    for (id, _) in answer {
        prop_assert!(kept.iter().any(|t| t.id == *id), "{} is not kept", id);
    }
    Ok(())
}

fn filter_strategy(tickets: &[Ticket]) -> impl Strategy<Value = Filter> + use<> {
    let mut since: Vec<Option<chrono::DateTime<chrono::Utc>>> =
        tickets.iter().map(|t| Some(t.started)).collect();
    since.push(None);
    let mut customers: Vec<Option<Uuid>> = tickets.iter().map(|t| Some(t.customer_id)).collect();
    customers.push(Some(Uuid::nil()));
    (
        any::<bool>(),
        prop_oneof![Just(None), prop::sample::select(since)],
        prop_oneof![2 => Just(None), 1 => prop::sample::select(customers)],
        1i64..30,
    )
        .prop_map(|(open_only, since, customer, limit)| Filter {
            open_only,
            since,
            customer,
            limit,
        })
}

fn ticket_keeps(t: &Ticket, f: &Filter) -> bool {
    (!f.open_only || t.done.is_none())
        && f.since.is_none_or(|s| t.started >= s)
        && f.customer.is_none_or(|c| c == t.customer_id)
}

/// The demo gives every ticket to the customer's own rep and every delivery to one
/// driver; here about a third of the deliveries have no driver and a third go to a rep
/// who is not the customer's, and half the objections were raised by and given to others
/// — so a scope read from the wrong column shows.
async fn vary_tickets(app: &TestApp) {
    let lina: Uuid = app.demo_employee_id("lina").await.parse().unwrap();
    let manager: Uuid = app.demo_employee_id("liumin").await.parse().unwrap();
    // the last hex digit of the id (upper case), on either engine
    let last_digit = if app.pool.is_sqlite() {
        "substr(hex(id), 32, 1)"
    } else {
        "upper(right(CAST(id AS TEXT), 1))"
    };
    let some = |digits: &str| format!("{last_digit} IN ({digits})");
    let no_driver = format!(
        "UPDATE deliveries SET driver_id = NULL WHERE {}",
        some("'0','1','2','3','4'")
    );
    let other_driver = format!(
        "UPDATE deliveries SET driver_id = $1 WHERE {}",
        some("'5','6','7','8','9'")
    );
    let others = format!(
        "UPDATE objections SET assignee_id = $1, created_by = $2 WHERE {}",
        some("'0','2','4','6','8','A','C','E'")
    );
    for (sql, binds) in [
        (&no_driver, vec![]),
        (&other_driver, vec![lina]),
        (&others, vec![manager, lina]),
    ] {
        let done = on!(&app.pool, |ex| {
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(b);
            }
            q.execute(ex).await.map(|d| d.rows_affected())
        })
        .unwrap();
        assert!(done > 0, "the demo has tickets to vary");
    }
}

#[test]
fn the_ticket_lists_return_exactly_what_their_filters_and_scope_keep() {
    let rt = runtime();
    let app = rt.block_on(spawn_app());
    let company: CompanyId = DEMO_COMPANY_ID;
    rt.block_on(vary_tickets(&app));
    let read = |sql: &str| -> Vec<Ticket> {
        rt.block_on(async {
            on!(&app.pool, |ex| {
                sqlx::query_as(sql)
                    .bind(DEMO_COMPANY_ID.0)
                    .fetch_all(ex)
                    .await
            })
        })
        .unwrap()
    };
    let objections = read(
        "SELECT t.id, t.customer_id, c.rep_id, NULL AS driver_id, t.opened_at AS started, \
         t.resolved_at AS done FROM objections t JOIN customers c \
         ON c.company_id = t.company_id AND c.id = t.customer_id WHERE t.company_id = $1",
    );
    let deliveries = read(
        // a cancelled order's delivery is finished too (it leaves the open lists)
        "SELECT t.id, t.customer_id, c.rep_id, t.driver_id, t.ordered_at AS started, \
         COALESCE(t.delivered_at, t.cancelled_at) AS done FROM deliveries t JOIN customers c \
         ON c.company_id = t.company_id AND c.id = t.customer_id WHERE t.company_id = $1",
    );
    assert!(
        objections.len() > 5 && deliveries.len() > 5,
        "the demo has tickets"
    );
    let mut people: Vec<Uuid> = objections
        .iter()
        .chain(&deliveries)
        .flat_map(|t| [t.rep_id, t.driver_id])
        .flatten()
        .collect();
    people.sort();
    people.dedup();
    let scopes: Vec<Scope> = std::iter::once(Scope::All)
        .chain(people.iter().map(|p| Scope::Rep(EmployeeId(*p))))
        .collect();
    let mut delivery_scopes = vec![DeliveryScope::All];
    for p in &people {
        delivery_scopes.push(DeliveryScope::Rep(EmployeeId(*p)));
        delivery_scopes.push(DeliveryScope::Driven(EmployeeId(*p)));
    }

    let mut runner = TestRunner::new(cases(150));
    let case = (filter_strategy(&objections), prop::sample::select(scopes));
    runner
        .run(&case, |(f, scope)| {
            let kept: Vec<&Ticket> = objections
                .iter()
                .filter(|t| match scope {
                    Scope::All => true,
                    Scope::Rep(me) => t.rep_id == Some(me.0),
                })
                .filter(|t| ticket_keeps(t, &f))
                .collect();
            let answer = rt.block_on(async {
                let mut conn = app.pool.acquire().await.unwrap();
                tickets::objections(&mut conn, company, scope, &f)
                    .await
                    .unwrap()
            });
            let answer: Vec<_> = answer.iter().map(|r| (r.id, r.opened_at)).collect();
            same_list(&answer, &kept, f.limit)
        })
        .unwrap();

    let mut drivers: Vec<Option<Uuid>> = deliveries.iter().map(|t| t.driver_id).collect();
    drivers.push(Some(Uuid::nil()));
    let case = (
        filter_strategy(&deliveries),
        prop::sample::select(delivery_scopes),
        prop_oneof![2 => Just(None), 1 => prop::sample::select(drivers)],
    );
    runner
        .run(&case, |(f, scope, driver)| {
            let sees = |t: &Ticket| match scope {
                DeliveryScope::All => true,
                DeliveryScope::Rep(me) => t.rep_id == Some(me.0),
                DeliveryScope::Driven(me) => t.driver_id == Some(me.0),
            };
            let kept: Vec<&Ticket> = deliveries
                .iter()
                .filter(|t| sees(t) && ticket_keeps(t, &f))
                .filter(|t| driver.is_none_or(|d| t.driver_id == Some(d)))
                .collect();
            let answer = rt.block_on(async {
                let mut conn = app.pool.acquire().await.unwrap();
                tickets::deliveries(&mut conn, company, scope, &f, driver.map(EmployeeId))
                    .await
                    .unwrap()
            });
            let answer: Vec<_> = answer.iter().map(|r| (r.id, r.ordered_at)).collect();
            same_list(&answer, &kept, f.limit)
        })
        .unwrap();
}
