//! The use cases of the sales feature: what its server functions (`features/sales/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.

pub mod ledger;

use crate::domain::money::Money;
use crate::domain::sales::ProductFields;
use crate::domain::sales::ProductInput;
use crate::domain::staff::Action;
use crate::domain::validation::{FieldError, FieldErrorCode};
use crate::error::AppError;
use crate::error::Conflict;
use crate::features::sales::api::*;
use crate::server::context;
use crate::server::context::scope_of;
use crate::server::db::{UniqueKey as _, sales as repo};
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
    let sees_costs = user.role.may(Action::ManageCustomers);
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
            // a rep does not see costs, nor the profit that would tell them
            profit: if sees_costs {
                Money(l.amount - l.cost).to_display_string()
            } else {
                String::new()
            },
            rep_name: l.rep_name,
            order_number: l.order_number,
        })
        .collect())
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
    let gone = repo::undo_batch(&mut tx, user.company_id, id, chrono::Utc::now()).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, batch = %id, lines = gone, "sales import undone");
    Ok(gone)
}

pub async fn delete_order(order_id: String) -> Result<u64, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let id: Uuid = context::record_id(&order_id)?;
    let mut tx = state.begin().await?;
    // an order document leaves the ledger by being cancelled on its page (its history
    // says so); deleting its lines here would leave it "confirmed" and uncounted
    if crate::server::db::orders::exists(&mut tx, user.company_id, id).await? {
        return Err(FieldError::new("order_id", FieldErrorCode::InvalidTransition).into());
    }
    let gone = repo::delete_order(&mut tx, user.company_id, id).await?;
    if gone == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    tracing::info!(by = %user.id, order = %id, lines = gone, "order deleted");
    Ok(gone)
}
