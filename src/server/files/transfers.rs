//! Imports (the file as the raw body of a POST) and export downloads.
use super::user_who_may;
use crate::domain::staff::Action;
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::features::customers::api::CustomerQuery;
use crate::features::customers::transfer::{FileProblem, ImportOptions, ImportOutcome};
use crate::server::context;
use crate::server::customers::writes::Author;
use crate::server::db::{self, customers as repo};
use crate::server::state::AppState;
use crate::server::transfer;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use std::collections::HashMap;

/// The signed-in owner or manager of an import request and its `options` parameter
/// (JSON; absent means the defaults).
async fn import_request<T: serde::de::DeserializeOwned + Default>(
    state: &AppState,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
) -> Result<(CurrentUser, T), AppError> {
    let user = user_who_may(state, headers, Action::ManageCustomers).await?;
    let options = match q.get("options") {
        None => T::default(),
        // the client's JSON: a malformed request, not a server failure
        Some(o) => serde_json::from_str(o).map_err(|_| {
            AppError::ServerFn(leptos::server_fn::error::ServerFnErrorErr::Args(
                "options".into(),
            ))
        })?,
    };
    Ok((user, options))
}

/// `POST /api/customers/import?options=<json>` with the file as the body. Owner and
/// managers only. Answers an [`ImportOutcome`].
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, AppError> {
    let (user, options) = import_request::<ImportOptions>(&state, &headers, &q).await?;
    let author = Author {
        company: user.company_id,
        by: Some(user.id),
        scope: repo::Scope::All,
        source: "import",
        now: chrono::Utc::now(),
    };
    let started = std::time::Instant::now();
    let outcome = transfer::import(&state.pool, author, body, &options).await?;
    if let ImportOutcome::Report(r) = &outcome
        && r.committed
    {
        tracing::info!(by = %user.id, created = r.created, updated = r.updated, ms = started.elapsed().as_millis() as u64, "customers imported");
    }
    Ok(Json(outcome).into_response())
}

/// The answer when an upload is over the limit: the import page shows the limit.
pub fn too_large(limit: usize) -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(ImportOutcome::File(FileProblem::TooLarge(limit as u64))),
    )
        .into_response()
}

/// `GET /api/customers/export?format=csv|xlsx&headers=zh|en&<list filters>`: the
/// current filtered list, as the user may see it.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let user = user_who_may(&state, &headers, Action::WorkWithCustomers).await?;
    let query = CustomerQuery::from_lookup(|k| q.get(k).cloned());
    let xlsx = q.get("format").map(String::as_str) == Some("xlsx");
    let chinese = q.get("headers").map(String::as_str) != Some("en");
    let job = transfer::ExportJob {
        company: user.company_id,
        // every row is one the user may see whole; reps see only their own customers,
        // and not the codes of suppliers another rep looks after
        scope: context::scope_of(&user),
        filter: crate::server::customers::writes::filter_of(&query),
        sort: crate::server::customers::writes::sort_of(&query),
        desc: query.desc,
        headers: transfer::export_headers(chinese, true),
    };
    // written to a temporary file a row at a time (memory stays the same whatever the
    // number of customers), then sent from it: a slow download holds no connection
    let (file, rows) = match transfer::export_file(&state.pool, job, xlsx).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "customer export");
            let busy = e.downcast_ref::<sqlx::Error>().is_some_and(db::is_busy);
            return Err(if busy {
                AppError::Busy
            } else {
                AppError::Internal
            });
        }
    };
    let (mime, ext) = if xlsx {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        ("text/csv; charset=utf-8", "csv")
    };
    tracing::info!(by = %user.id, rows, ext, "customers exported");
    let chunks = futures_util::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt as _;
        let mut chunk = vec![0u8; 64 * 1024];
        match file.read(&mut chunk).await {
            Ok(0) => None,
            Ok(n) => {
                chunk.truncate(n);
                let chunk = Ok::<_, std::io::Error>(axum::body::Bytes::from(chunk));
                Some((chunk, file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    // fused: a body layer (compression) polls once more after the end, which an
    // unfused stream answers with a panic (the download was cut off)
    let body = axum::body::Body::from_stream(futures_util::StreamExt::fuse(chunks));
    let date = chrono::Utc::now().format("%Y%m%d");
    Ok(attachment(mime, &format!("customers-{date}.{ext}"), body))
}

/// A download of `body` named `file_name`, never cached.
fn attachment(mime: &'static str, file_name: &str, body: impl IntoResponse) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// `POST /api/sales/import?options=<json>` with the file as the body. Owner and
/// managers only. Answers a [`SalesImportOutcome`].
pub async fn import_sales(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, AppError> {
    use crate::features::sales::transfer::{SalesImportOptions, SalesImportOutcome};
    let (user, options) = import_request::<SalesImportOptions>(&state, &headers, &q).await?;
    let who = crate::server::sales::ledger::ImportBy {
        company: user.company_id,
        by: Some(user.id),
        now: chrono::Utc::now(),
        file_name: q.get("name").map(|n| n.chars().take(200).collect()),
    };
    // an upload is bounded (QUDAO_UPLOAD_LIMIT_MB, 20 MB by default): a page cache of
    // 256 MiB serves it without growing a busy server by a gigabyte
    let mut tx = state.pool.begin_bulk(256).await?;
    let outcome = crate::server::sales::ledger::import(&mut tx, &who, body, options).await?;
    let keep = matches!(&outcome, SalesImportOutcome::Report(r) if r.committed);
    if keep {
        tx.commit().await?;
        state
            .pool
            .refresh_statistics(&crate::server::db::sales::IMPORT_TABLES)
            .await;
    } else {
        tx.rollback().await?;
    }
    if let SalesImportOutcome::Report(r) = &outcome
        && keep
    {
        tracing::info!(by = %user.id, lines = r.lines, "sales imported");
    }
    Ok(Json(outcome).into_response())
}

/// `GET /api/segmentation/export?from&to&measure&a&b&format=csv|xlsx&headers=zh|en`:
/// the classification as the user may see it, in rank order.
pub async fn export_segmentation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    use crate::features::segmentation::api::SegmentationQuery;
    use crate::server::segmentation as seg;
    let user = user_who_may(&state, &headers, Action::WorkWithCustomers).await?;
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let query = SegmentationQuery {
        from: get("from"),
        to: get("to"),
        measure: get("measure"),
        a: get("a"),
        b: get("b"),
    };
    let (period, measure, t) = seg::parse(&query)?;
    let c = crate::server::segmentation::classification::classify(
        state.segmentation_sources(),
        user.company_id,
        context::scope_of(&user),
        period,
        measure,
    )
    .await?;
    let rows: Vec<Vec<String>> =
        crate::server::segmentation::classification::table_rows(&c, measure, t)
            .into_iter()
            .map(Vec::from)
            .collect();
    let heads: Vec<String> = if q.get("headers").map(String::as_str) == Some("en") {
        ["code", "name", "total", "rank", "cum_share", "class"]
            .map(str::to_owned)
            .to_vec()
    } else {
        ["客户编码", "客户名称", "合计", "排名", "累计占比", "分级"]
            .map(str::to_owned)
            .to_vec()
    };
    let stem = format!(
        "abc-{}-{}",
        period.from.format("%Y%m%d"),
        period.to.format("%Y%m%d")
    );
    if q.get("format").map(String::as_str) == Some("xlsx") {
        xlsx_download("abc", heads, rows, format!("{stem}.xlsx")).await
    } else {
        csv_download(heads, rows, format!("{stem}.csv")).await
    }
}

/// `GET /api/growth/export?…` (the page's query): every row of the growth watch as an
/// Excel sheet, within the user's scope.
pub async fn export_growth(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    use crate::features::growth::api::GrowthQuery;
    use crate::server::growth;
    let user = user_who_may(&state, &headers, Action::WorkWithCustomers).await?;
    // the whole table, whatever page the screen was on
    let query = GrowthQuery {
        page: 1,
        ..GrowthQuery::from_params(|k| q.get(k).cloned())
    };
    let (p, rows) = growth::rows(&query, &state, &user).await?;
    let m = p.measure;
    let pct = |g: crate::domain::growth::Growth| match g {
        crate::domain::growth::Growth::New => "new".to_owned(),
        crate::domain::growth::Growth::Flat => String::new(),
        g => g.percent_text().unwrap_or_default(),
    };
    let en = q.get("headers").map(String::as_str) == Some("en");
    let table: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| !query.candidates_only || r.candidate.is_some())
        .map(|r| {
            let reason = r.candidate.map(|c| {
                if en {
                    format!(
                        "+{}% or more in {} of the last {} periods; orders in each of the last {} months",
                        c.min_growth_bp as f64 / 100.0,
                        c.hits,
                        c.of_last,
                        c.ordering_months
                    )
                } else {
                    format!(
                        "近 {} 期中 {} 期同比增长 ≥ {}%，近 {} 个月每月都有订货",
                        c.of_last,
                        c.hits,
                        c.min_growth_bp as f64 / 100.0,
                        c.ordering_months
                    )
                }
            });
            vec![
                r.customer.code.clone(),
                r.customer.name.clone(),
                r.customer.tier.map(|t| t.as_str()).unwrap_or_default().to_owned(),
                m.format(r.current),
                m.format(r.last_year),
                pct(r.yoy),
                m.format(r.previous),
                pct(r.mom),
                m.format(r.years[0]),
                m.format(r.years[1]),
                m.format(r.years[2]),
                reason.unwrap_or_default(),
            ]
        })
        .collect();
    let heads: Vec<String> = if en {
        [
            "code",
            "name",
            "tier",
            "current",
            "same_period_last_year",
            "yoy",
            "previous",
            "mom",
            "3_years_before",
            "2_years_before",
            "1_year_before",
            "support_candidate",
        ]
        .map(str::to_owned)
        .to_vec()
    } else {
        [
            "客户编码",
            "客户名称",
            "分级",
            "本期",
            "去年同期",
            "同比",
            "上期",
            "环比",
            "三年前同期",
            "两年前同期",
            "一年前同期",
            "扶持候选",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let name = format!("growth-{}-{}.xlsx", p.kind.as_str(), p.window.anchor());
    xlsx_download("growth", heads, table, name).await
}

/// `GET /api/receivables/export?headers=en|zh`: the aging report of the user's scope
/// on today's date, every customer owing (the most overdue first) and the total, as
/// `.xlsx`. A rep gets their own customers.
pub async fn export_receivables(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let user = user_who_may(&state, &headers, Action::WorkWithCustomers).await?;
    let mut conn = state.pool.acquire().await?;
    let report = crate::server::receivables::report_for(&mut conn, &user, 0).await?;
    drop(conn);
    let en = q.get("headers").map(String::as_str) == Some("en");
    let cells = |a: &crate::domain::receivables::Aging| {
        [
            a.days_0_30,
            a.days_31_60,
            a.days_61_90,
            a.over_90,
            a.total(),
        ]
        .map(|m| m.to_display_string())
    };
    let mut table: Vec<Vec<String>> = report
        .customers
        .iter()
        .map(|c| {
            let mut row = vec![c.code.clone(), c.name.clone(), c.rep_name.clone()];
            row.extend(cells(&c.aging));
            row
        })
        .collect();
    let mut total = vec![
        String::new(),
        if en { "Total" } else { "合计" }.to_owned(),
        String::new(),
    ];
    total.extend(cells(&report.total));
    table.push(total);
    // then each rep's customers together
    table.push(Vec::new());
    for r in &report.reps {
        let mut row = vec![
            String::new(),
            if en { "Rep total" } else { "业务员合计" }.to_owned(),
            if r.rep_name.is_empty() {
                if en { "Unassigned" } else { "未分配" }.to_owned()
            } else {
                r.rep_name.clone()
            },
        ];
        row.extend(cells(&r.aging));
        table.push(row);
    }
    let heads: Vec<String> = if en {
        [
            "code",
            "name",
            "rep",
            "0_30_days",
            "31_60_days",
            "61_90_days",
            "over_90_days",
            "balance",
        ]
    } else {
        [
            "客户编码",
            "客户名称",
            "业务员",
            "0–30天",
            "31–60天",
            "61–90天",
            "90天以上",
            "应收余额",
        ]
    }
    .map(str::to_owned)
    .to_vec();
    xlsx_download("aging", heads, table, format!("aging-{}.xlsx", report.on)).await
}

/// A table as an Excel download (one sheet, bold headers), written on a blocking thread.
async fn xlsx_download(
    sheet: &'static str,
    heads: Vec<String>,
    rows: Vec<Vec<String>>,
    file_name: String,
) -> Result<Response, AppError> {
    let bytes =
        tokio::task::spawn_blocking(move || transfer::table_xlsx(sheet, &heads, &rows)).await??;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name,
        bytes,
    ))
}

/// A table as a CSV download, written on a blocking thread.
async fn csv_download(
    heads: Vec<String>,
    rows: Vec<Vec<String>>,
    file_name: String,
) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || transfer::table_csv(&heads, &rows)).await??;
    Ok(attachment("text/csv; charset=utf-8", &file_name, bytes))
}
