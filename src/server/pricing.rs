//! The use cases of the price lists (`features/pricing/api.rs`), each in its own
//! transaction, with the rules of `domain::pricing`.
use crate::domain::money::Money;
use crate::domain::pricing::{PriceFields, PriceInput, PriceScope, ScopeChoice, price_on};
use crate::domain::sales::parse_order_date;
use crate::domain::segmentation::Class;
use crate::domain::staff::Action;
use crate::domain::validation::{FieldError, FieldErrorCode};
use crate::error::AppError;
use crate::features::pricing::api::*;
use crate::server::context::{self, scope_of};
use crate::server::db::customers::Scope;
use crate::server::db::{UniqueKey as _, pricing as repo, sales as products_repo};
use uuid::Uuid;

fn yuan(fen: i64) -> String {
    Money(fen).to_yuan_string()
}

pub async fn list(product: String, page: u32) -> Result<PricePage, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    let company = user.company_id;
    let products = products_repo::products(&mut conn, company).await?;
    let product_id = match product.trim() {
        "" => None,
        sku => Some(
            products
                .iter()
                .find(|p| p.sku == sku)
                .map(|p| p.id)
                .ok_or_else(|| FieldError::new("product", FieldErrorCode::UnknownProduct))?,
        ),
    };
    let scope = scope_of(&user);
    let offset = i64::from(page.max(1) - 1) * PRICE_PAGE;
    let rows = repo::page(&mut conn, company, scope, product_id, PRICE_PAGE, offset).await?;
    let total = repo::count(&mut conn, company, scope, product_id).await?;
    Ok(PricePage {
        items: rows
            .into_iter()
            .map(|r| PriceLine {
                id: r.id.to_string(),
                sku: r.sku,
                product_name: r.product_name,
                unit: r.unit.unwrap_or_default(),
                scope: r.scope,
                customer_code: r.customer_code.unwrap_or_default(),
                customer_name: r.customer_name.unwrap_or_default(),
                valid_from: r.valid_from,
                valid_until: r.valid_until.unwrap_or_default(),
                price: yuan(r.price),
                under_floor: r.price_floor.is_some_and(|f| r.price < f),
                approved_by: r.approved_by.unwrap_or_default(),
                approval_reason: r.approval_reason.unwrap_or_default(),
            })
            .collect(),
        total,
        products: products
            .into_iter()
            .map(|p| ProductOption {
                id: p.id.into(),
                sku: p.sku,
                name: p.name,
                active: p.active,
            })
            .collect(),
    })
}

pub async fn save(input: PriceInput) -> Result<String, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let mut fields = PriceFields::parse(&input)?;
    let company = user.company_id;
    let mut tx = state.begin().await?;
    let mut errors = Vec::new();
    let product = products_repo::products(&mut tx, company)
        .await?
        .into_iter()
        .find(|p| p.sku == fields.product_sku);
    if product.is_none() {
        errors.push(FieldError::new(
            "product_sku",
            FieldErrorCode::UnknownProduct,
        ));
    }
    let customer_id = match &fields.customer_code {
        None => None,
        Some(code) => {
            let found = repo::customer(&mut tx, company, Scope::All, code).await?;
            match &found {
                None => errors.push(FieldError::new(
                    "customer_code",
                    FieldErrorCode::UnknownCustomer,
                )),
                Some(c) if c.status == "closed" => errors.push(FieldError::new(
                    "customer_code",
                    FieldErrorCode::CustomerClosed,
                )),
                Some(_) => {}
            }
            found.map(|c| c.id)
        }
    };
    let Some(product) = product.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    fields.check_floor(product.price_floor.map(Money))?;
    let id = Uuid::now_v7();
    let entry = repo::NewPrice {
        id,
        product_id: product.id,
        scope: fields.scope.as_str(),
        customer_id,
        valid_from: fields.valid_from,
        valid_until: fields.valid_until,
        price: fields.price,
        approval: fields.approval_reason.map(|why| (user.id, why)),
        created_by: user.id,
        created_at: chrono::Utc::now(),
    };
    repo::insert(&mut tx, company, &entry)
        .await
        .or_taken(|| AppError::from(FieldError::new("valid_from", FieldErrorCode::PriceExists)))?;
    tx.commit().await?;
    Ok(id.to_string())
}

pub async fn delete(id: String) -> Result<(), AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let id: Uuid = context::record_id(&id)?;
    let mut tx = state.begin().await?;
    if !repo::delete(&mut tx, user.company_id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

pub async fn for_customer(customer_code: String, day: String) -> Result<PriceSheet, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let code = customer_code.trim();
    let mut errors = Vec::new();
    if code.is_empty() {
        errors.push(FieldError::new("customer_code", FieldErrorCode::Required));
    }
    let day = if day.trim().is_empty() {
        Some(context::now_pair().1.date())
    } else {
        crate::domain::validation::take(&mut errors, "day", parse_order_date(&day))
    };
    let mut conn = state.conn().await?;
    let company = user.company_id;
    // a customer of another rep is as unknown as one that does not exist
    let customer = match code {
        "" => None,
        code => repo::customer(&mut conn, company, scope_of(&user), code).await?,
    };
    if customer.is_none() && !code.is_empty() {
        errors.push(FieldError::new(
            "customer_code",
            FieldErrorCode::UnknownCustomer,
        ));
    }
    let (Some(customer), Some(day)) = (customer, day) else {
        return Err(AppError::Validation(errors));
    };
    let tier = customer.tier.as_deref().and_then(|t| Class::parse(t).ok());
    let entries = repo::entries_for(&mut conn, company, customer.id).await?;
    let items = products_repo::products(&mut conn, company)
        .await?
        .into_iter()
        .filter(|p| p.active)
        .map(|p| {
            let found = price_on(&entries, p.id, customer.id, tier, day);
            CustomerPrice {
                sku: p.sku,
                name: p.name,
                unit: p.unit.unwrap_or_default(),
                price: found.map(|f| f.price.to_yuan_string()).unwrap_or_default(),
                scope: found
                    .map(|f| match f.scope {
                        PriceScope::Base => ScopeChoice::Base.as_str(),
                        PriceScope::Tier(c) => c.as_str(),
                        PriceScope::Customer(_) => ScopeChoice::Customer.as_str(),
                    })
                    .unwrap_or_default()
                    .to_owned(),
                from: found.map(|f| f.from.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    Ok(PriceSheet {
        customer_code: customer.code,
        customer_name: customer.name,
        tier: tier.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        day: day.to_string(),
        items,
    })
}
