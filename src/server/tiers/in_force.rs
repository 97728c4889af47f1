//! Tier policies as the other features read them: the versions a company has, and the
//! one in force for a tier on a day (the handbook, the service standards and violation
//! penalties quote it).
use crate::domain::segmentation::Class;
use crate::domain::tier::{SupportType, in_force};
use crate::error::AppError;
use crate::features::tiers::api::PolicySummary;
use crate::server::db::{DbConn, tiers as repo};
use chrono::NaiveDate;

/// A stored version as sent.
pub fn summary(r: repo::PolicyRow) -> Option<PolicySummary> {
    Some(PolicySummary {
        id: r.id.into(),
        tier: r.tier,
        effective_from: r.effective_from,
        visits_per_month: u32::try_from(r.visits_per_month).ok()?,
        supports: r
            .supports
            .split(',')
            .filter_map(|s| SupportType::parse(s).ok())
            .collect(),
        budget_share_bp: u32::try_from(r.budget_share_bp).ok()?,
        credit_limit: r.credit_limit,
        credit_days: u32::try_from(r.credit_days).ok()?,
        notes: r.notes,
        created_by: r.created_by_name,
        created_at: r.created_at,
    })
}

/// All versions of the company, as sent.
pub async fn versions(
    conn: &mut DbConn,
    company: crate::domain::ids::CompanyId,
) -> Result<Vec<PolicySummary>, AppError> {
    Ok(repo::policies(conn, company)
        .await?
        .into_iter()
        .filter_map(summary)
        .collect())
}

/// The version in force for `tier` on `day` among `versions`.
pub fn policy_on(versions: &[PolicySummary], tier: Class, day: NaiveDate) -> Option<PolicySummary> {
    let keyed: Vec<(Class, NaiveDate, &PolicySummary)> = versions
        .iter()
        .filter_map(|v| {
            Some((
                v.tier,
                NaiveDate::parse_from_str(&v.effective_from, "%Y-%m-%d").ok()?,
                v,
            ))
        })
        .collect();
    in_force(&keyed, tier, day).map(|v| (*v).clone())
}
