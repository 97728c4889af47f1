//! The use cases of the sales feature: what its server functions (`features/sales/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.

pub mod ledger;

use crate::domain::money::Money;
use crate::domain::sales::ProductInput;
use crate::domain::sales::{ProductFields, SaleLine};
use crate::domain::staff::Action;
use crate::domain::validation::{FieldError, FieldErrorCode};
use crate::error::AppError;
use crate::error::Conflict;
use crate::features::sales::api::*;
use crate::server::context;
use crate::server::context::scope_of;
use crate::server::db::{UniqueKey as _, customers::Scope, sales as repo};
use uuid::Uuid;
/// A product as a list shows it; its cost price only to those who manage the catalogue.
fn summary(p: repo::ProductRow, sees_costs: bool) -> ProductSummary {
    let yuan = |v: Option<i64>| v.map(|f| Money(f).to_yuan_string()).unwrap_or_default();
    ProductSummary {
        id: p.id.into(),
        sku: p.sku,
        name: p.name,
        category: p.category.unwrap_or_default(),
        unit: p.unit.unwrap_or_default(),
        list_price: yuan(p.list_price),
        price_floor: yuan(p.price_floor),
        pack_size: p.pack_size.map(|n| n.to_string()).unwrap_or_default(),
        piece_unit: p.piece_unit.unwrap_or_default(),
        cost_price: if sees_costs {
            yuan(p.cost_price)
        } else {
            String::new()
        },
        active: p.active,
        version: p.version,
    }
}

pub async fn products() -> Result<Vec<ProductSummary>, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    let sees_costs = user.role.may(Action::ManageCustomers);
    Ok(repo::products(&mut conn, user.company_id)
        .await?
        .into_iter()
        .map(|p| summary(p, sees_costs))
        .collect())
}

/// Another product of the company has this SKU.
fn duplicate_sku() -> AppError {
    FieldError::new("sku", FieldErrorCode::DuplicateCode).into()
}

pub async fn save_product(
    id: String,
    version: i64,
    input: ProductInput,
) -> Result<ProductSummary, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let fields = ProductFields::parse(&input)?;
    let now = chrono::Utc::now();
    let mut tx = state.begin().await?;
    let id = if id.trim().is_empty() {
        let id = Uuid::now_v7();
        repo::insert_product(&mut tx, user.company_id, id, &fields, now)
            .await
            .or_taken(duplicate_sku)?;
        id
    } else {
        let id: Uuid = context::record_id(&id)?;
        let done = repo::update_product(&mut tx, user.company_id, id, version, &fields, now)
            .await
            .or_taken(duplicate_sku)?;
        if !done {
            return Err(AppError::Conflict(Conflict::StaleVersion));
        }
        id
    };
    let saved = repo::products(&mut tx, user.company_id)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(summary(saved, true))
}

pub async fn lines(page: u32) -> Result<Vec<LineSummary>, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    let offset = i64::from(page.max(1) - 1) * LEDGER_PAGE;
    let rows = repo::recent_lines(
        &mut conn,
        user.company_id,
        scope_of(&user),
        LEDGER_PAGE,
        offset,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|l| LineSummary {
            order_id: l.order_id.into(),
            line_no: l.line_no,
            order_date: l.order_date.to_string(),
            customer_id: l.customer_id.into(),
            customer_code: l.customer_code,
            customer_name: l.customer_name,
            sku: l.sku,
            product_name: l.product_name,
            quantity: l.quantity,
            amount: Money(l.amount).to_display_string(),
            profit: Money(l.amount - l.cost).to_display_string(),
            rep_name: l.rep_name,
        })
        .collect())
}

pub async fn create_order(order: OrderInput) -> Result<String, AppError> {
    create_order_once(order).await.map(|(id, _)| id)
}

/// Parses an order's lines; problems are named by line (`lines.1.quantity`), the
/// order's own fields once however many lines repeat them.
fn parse_lines(order: &OrderInput, errors: &mut Vec<FieldError>) -> Vec<SaleLine> {
    if order.lines.is_empty() {
        errors.push(FieldError::new(
            "lines.0.product_sku",
            FieldErrorCode::Required,
        ));
    }
    let mut parsed = Vec::new();
    for (i, l) in order.lines.iter().enumerate() {
        match SaleLine::parse(&line_input(order, l)) {
            Ok(p) => parsed.push(p),
            Err(es) => {
                for e in es {
                    let field = match e.field.as_str() {
                        "order_date" | "customer_code" => e.field.clone(),
                        f => format!("lines.{i}.{f}"),
                    };
                    if !errors.iter().any(|x| x.field == field) {
                        errors.push(FieldError::new(&field, e.code));
                    }
                }
            }
        }
    }
    parsed
}

/// Records an order; with a client id (taken offline) a second call finds the first
/// and answers its id with `false` (nothing new stored).
pub async fn create_order_once(order: OrderInput) -> Result<(String, bool), AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let scope = scope_of(&user);
    let client_id = context::client_id(&order.client_id)?;
    if let Some(id) = client_id {
        let mut conn = state.conn().await?;
        if repo::order_exists(&mut conn, user.company_id, id).await? {
            return Ok((id.to_string(), false));
        }
        crate::server::customers::writes::reassigned_check(
            &mut conn,
            &user,
            order.customer_code.trim(),
        )
        .await?;
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let parsed = parse_lines(&order, &mut errors);
    let mut tx = state.begin().await?;
    let company = user.company_id;
    // one customer by code, within the user's scope (a rep's order for another
    // rep's customer finds nothing)
    let customer = crate::server::db::customers::find_by_code(
        &mut tx,
        company,
        scope,
        order.customer_code.trim(),
    )
    .await?
    .map(|c| (c.id, c.rep_id));
    if customer.is_none() && !order.customer_code.trim().is_empty() {
        errors.push(FieldError::new(
            "customer_code",
            FieldErrorCode::UnknownCustomer,
        ));
    }
    let products: std::collections::HashMap<String, (Uuid, bool)> =
        repo::products(&mut tx, company)
            .await?
            .into_iter()
            .map(|p| (p.sku, (p.id, p.active)))
            .collect();
    for (i, l) in order.lines.iter().enumerate() {
        let sku = l.product_sku.trim();
        let refusal = match products.get(sku) {
            _ if sku.is_empty() => None,
            None => Some(FieldErrorCode::UnknownProduct),
            Some((_, false)) => Some(FieldErrorCode::DiscontinuedProduct),
            Some((_, true)) => None,
        };
        if let Some(code) = refusal {
            errors.push(FieldError::new(&format!("lines.{i}.product_sku"), code));
        }
    }
    let Some((customer_id, rep_id)) = customer.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let order_id = client_id.unwrap_or_else(Uuid::now_v7);
    let batch = Uuid::now_v7();
    let now = chrono::Utc::now();
    repo::insert_batch(
        &mut tx,
        company,
        batch,
        "order",
        None,
        Some(user.id),
        now,
        None,
    )
    .await?;
    let lines: Vec<repo::NewLine> = parsed
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            Some(repo::NewLine {
                order_id,
                line_no: i64::try_from(i + 1).ok()?,
                order_date: l.order_date,
                customer_id,
                product_id: products.get(&l.product_sku)?.0,
                rep_id: match scope {
                    Scope::Rep(me) => Some(me.0),
                    Scope::All => rep_id,
                },
                quantity: l.quantity,
                amount: l.amount.0,
                cost: l.cost.0,
            })
        })
        .collect();
    let inserted = repo::insert_lines(&mut tx, company, batch, &lines).await;
    if inserted.unless_resent(client_id)?.is_none() {
        // the same offline order sent twice at once: the other request stored it
        return Ok((order_id.to_string(), false));
    }
    repo::set_batch_count(
        &mut tx,
        company,
        batch,
        i64::try_from(lines.len()).unwrap_or(0),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, order = %order_id, lines = lines.len(), "order entered");
    Ok((order_id.to_string(), true))
}

pub async fn batches(page: u32) -> Result<ImportBatches, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let mut conn = state.conn().await?;
    let offset = i64::from(page.max(1) - 1) * BATCH_PAGE;
    let (rows, total) =
        repo::import_batches(&mut conn, user.company_id, BATCH_PAGE, offset).await?;
    let items = rows
        .into_iter()
        .map(|b| ImportBatch {
            id: b.id.into(),
            file_name: b.file_name,
            lines: b.line_count,
            by: b.by_name,
            at: crate::domain::time::to_beijing(b.created_at)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        })
        .collect();
    Ok(ImportBatches { items, total })
}

pub async fn undo_import(id: String) -> Result<u64, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let id: Uuid = context::record_id(&id)?;
    let mut tx = state.begin().await?;
    // only an import of this company: orders are deleted one by one, the demo stays
    if !repo::is_import_batch(&mut tx, user.company_id, id).await? {
        return Err(AppError::NotFound);
    }
    let gone = repo::delete_batch(&mut tx, user.company_id, id).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, batch = %id, lines = gone, "sales import undone");
    Ok(gone)
}

pub async fn delete_order(order_id: String) -> Result<u64, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let id: Uuid = context::record_id(&order_id)?;
    let mut tx = state.begin().await?;
    let gone = repo::delete_order(&mut tx, user.company_id, id).await?;
    if gone == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    tracing::info!(by = %user.id, order = %id, lines = gone, "order deleted");
    Ok(gone)
}
