//! The use cases of the handbook feature: what its server functions (`features/handbook/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.
use crate::domain::handbook::{Draft, Handbook};
use crate::domain::handbook::{PolicyChapter, next_number};
use crate::domain::segmentation::Class;
use crate::domain::staff::Action;
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::features::handbook::api::*;
use crate::server::context;
use crate::server::db::{DbConn, UniqueKey as _, handbook as repo, service};

/// A stored edition; one that does not parse is an internal error (logged).
#[track_caller]
fn parse_content(raw: &str) -> Result<Handbook, AppError> {
    Ok(serde_json::from_str(raw)?)
}

async fn page(
    conn: &mut DbConn,
    user: &CurrentUser,
    number: i64,
) -> Result<HandbookPage, AppError> {
    let latest = repo::latest_number(conn, user.company_id).await?;
    let row = repo::edition(conn, user.company_id, (number > 0).then_some(number)).await?;
    if number > 0 && row.is_none() {
        return Err(AppError::NotFound);
    }
    let edition = match row {
        Some(r) => {
            let content = parse_content(&r.content)?;
            let changed = match repo::edition(conn, user.company_id, Some(r.number - 1)).await? {
                Some(p) => content
                    .changed_since(&parse_content(&p.content)?)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                None => Vec::new(),
            };
            Some(Edition {
                number: r.number,
                published_on: crate::domain::time::beijing_date(r.published_at).to_string(),
                published_by: r.published_by,
                content,
                changed,
            })
        }
        None => None,
    };
    let editions = repo::editions(conn, user.company_id)
        .await?
        .into_iter()
        .map(|(n, at)| (n, crate::domain::time::beijing_date(at).to_string()))
        .collect();
    let (acknowledged, acknowledgements) = match latest {
        Some(n) => {
            let all = repo::acknowledgements(conn, user.company_id, n).await?;
            let mine = all
                .iter()
                .any(|(id, _, _, at)| *id == user.id.0 && at.is_some());
            let list = user.role.may(Action::ViewStaff).then(|| {
                all.into_iter()
                    .map(|(id, name, role, at)| Acknowledgement {
                        employee_id: id.into(),
                        name,
                        role,
                        at: at.map(crate::domain::time::beijing_minute),
                    })
                    .collect()
            });
            (mine, list)
        }
        None => (false, None),
    };
    let draft = if user.role.may(Action::SetStandards) {
        Some(
            repo::draft(conn, user.company_id)
                .await?
                .unwrap_or_default(),
        )
    } else {
        None
    };
    Ok(HandbookPage {
        edition,
        latest,
        editions,
        acknowledged,
        draft,
        acknowledgements,
    })
}

pub async fn get(number: i64) -> Result<HandbookPage, AppError> {
    let (state, user) = context::authorize(Action::UseStaffPages).await?;
    let mut conn = state.conn().await?;
    page(&mut conn, &user, number).await
}

pub async fn save_draft(draft: Draft, version: i64) -> Result<HandbookPage, AppError> {
    let (state, user) = context::authorize(Action::SetStandards).await?;
    let d = Draft::parse(
        &draft.foreword,
        &draft.visit_procedure,
        &draft.channel_rules,
    )?;
    let mut tx = state.begin().await?;
    let saved = repo::save_draft(
        &mut tx,
        user.company_id,
        &d,
        version,
        user.id,
        chrono::Utc::now(),
    )
    .await?;
    if !saved {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    let out = page(&mut tx, &user, 0).await?;
    tx.commit().await?;
    Ok(out)
}

/// The handbook as it would be published now.
pub async fn compile(
    conn: &mut DbConn,
    user: &CurrentUser,
    draft: Draft,
) -> Result<Handbook, AppError> {
    let standards = service::standards(conn, user.company_id).await?;
    let calendar = service::calendar(conn, user.company_id).await?;
    let versions = crate::server::tiers::in_force::versions(conn, user.company_id).await?;
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let policies = Class::ALL
        .into_iter()
        .filter_map(|c| crate::server::tiers::in_force::policy_on(&versions, c, today))
        .map(|p| PolicyChapter {
            tier: p.tier,
            effective_from: p.effective_from,
            visits_per_month: p.visits_per_month,
            supports: p.supports,
            budget_share_bp: p.budget_share_bp,
            credit_limit: p.credit_limit,
            credit_days: p.credit_days,
            notes: p.notes,
        })
        .collect();
    Ok(Handbook {
        company: user.company_name.clone(),
        draft,
        standards,
        calendar: Some(calendar),
        policies,
    })
}

pub async fn publish() -> Result<HandbookPage, AppError> {
    let (state, user) = context::authorize(Action::SetStandards).await?;
    let mut tx = state.begin().await?;
    let draft = repo::draft(&mut tx, user.company_id)
        .await?
        .map(|(d, _)| d)
        .unwrap_or_default();
    // the draft as saved must still be publishable (nothing written: refused)
    let draft = Draft::parse(
        &draft.foreword,
        &draft.visit_procedure,
        &draft.channel_rules,
    )?;
    let content = compile(&mut tx, &user, draft).await?;
    let json = serde_json::to_string(&content)?;
    let latest = repo::latest_number(&mut tx, user.company_id).await?;
    let number = next_number(latest);
    repo::insert_edition(
        &mut tx,
        user.company_id,
        number,
        &json,
        user.id,
        chrono::Utc::now(),
    )
    .await
    // another owner's publish took the number first
    .or_taken(|| AppError::Conflict(crate::error::Conflict::StaleVersion))?;
    let out = page(&mut tx, &user, number).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, number, "handbook edition published");
    Ok(out)
}

pub async fn acknowledge(number: i64) -> Result<HandbookPage, AppError> {
    let (state, user) = context::authorize(Action::UseStaffPages).await?;
    let mut tx = state.begin().await?;
    let latest = repo::latest_number(&mut tx, user.company_id).await?;
    if latest != Some(number) {
        // only the edition in force can be acknowledged; an old page is stale
        return Err(match latest {
            None => AppError::NotFound,
            Some(_) => AppError::Conflict(crate::error::Conflict::StaleVersion),
        });
    }
    repo::acknowledge(
        &mut tx,
        user.company_id,
        number,
        user.id,
        chrono::Utc::now(),
    )
    .await?;
    let out = page(&mut tx, &user, number).await?;
    tx.commit().await?;
    tracing::info!(by = %user.id, number, "handbook acknowledged");
    Ok(out)
}

pub async fn edit_edition(number: i64, _draft: Draft) -> Result<HandbookPage, AppError> {
    let (state, user) = context::authorize(Action::SetStandards).await?;
    let mut conn = state.conn().await?;
    let exists = repo::edition(&mut conn, user.company_id, Some(number))
        .await?
        .is_some();
    if !exists {
        return Err(AppError::NotFound);
    }
    tracing::warn!(by = %user.id, number, "refused to change a published handbook edition");
    Err(AppError::Conflict(crate::error::Conflict::PublishedEdition))
}
