//! Pieces the receivables pages share: a payment method's name, and an aging row's
//! cells.
use super::api::{Aging, PaymentMethod};
use crate::i18n::*;
use leptos::prelude::*;

pub fn method_label(i18n: leptos_i18n::I18nContext<Locale>, m: PaymentMethod) -> String {
    match m {
        PaymentMethod::Cash => t_string!(i18n, receivables.method_cash),
        PaymentMethod::Transfer => t_string!(i18n, receivables.method_transfer),
        PaymentMethod::Wechat => t_string!(i18n, receivables.method_wechat),
        PaymentMethod::Alipay => t_string!(i18n, receivables.method_alipay),
    }
    .to_string()
}

/// The four buckets and the total as table cells (labelled for the phone layout).
#[component]
pub fn AgingCells(aging: Aging) -> impl IntoView {
    let i18n = use_i18n();
    let cell = |label: String, m: crate::domain::money::Money, late: bool| {
        let class = if late && m.0 > 0 {
            "num aging-late"
        } else {
            "num"
        };
        view! { <td class=class data-label=label>{m.to_display_string()}</td> }
    };
    view! {
        {cell(t_string!(i18n, receivables.days_0_30).to_string(), aging.days_0_30, false)}
        {cell(t_string!(i18n, receivables.days_31_60).to_string(), aging.days_31_60, true)}
        {cell(t_string!(i18n, receivables.days_61_90).to_string(), aging.days_61_90, true)}
        {cell(t_string!(i18n, receivables.over_90).to_string(), aging.over_90, true)}
        <td class="num" data-label=t_string!(i18n, receivables.balance).to_string()><strong>{aging.total().to_display_string()}</strong></td>
    }
}

/// The header cells matching [`AgingCells`].
#[component]
pub fn AgingHeads() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <th scope="col" class="num">{t!(i18n, receivables.days_0_30)}</th>
        <th scope="col" class="num">{t!(i18n, receivables.days_31_60)}</th>
        <th scope="col" class="num">{t!(i18n, receivables.days_61_90)}</th>
        <th scope="col" class="num">{t!(i18n, receivables.over_90)}</th>
        <th scope="col" class="num">{t!(i18n, receivables.balance)}</th>
    }
}

/// The customer's receivables on their profile: what is open by age and the credit kept
/// (the profile's header has the button that records a payment, 登记回款).
#[component]
pub fn CustomerReceivables(
    statement: Resource<Result<super::api::CustomerStatement, crate::error::AppError>>,
) -> impl IntoView {
    use leptos::either::Either;
    let i18n = use_i18n();
    view! {
        <section class="cust-group cust-receivables" aria-labelledby="receivables-h">
            <div class="cust-group-head">
                <h2 id="receivables-h">{t!(i18n, receivables.title)}</h2>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match statement.await {
                        Err(e) => Either::Left(view! { <crate::components::error_view::ActionError error=e /> }),
                        Ok(s) => Either::Right(view! {
                            <div class="table-wrap"><table class="table aging-table" data-testid="profile-aging">
                                <thead><tr><AgingHeads /><th scope="col" class="num">{t!(i18n, receivables.credit)}</th></tr></thead>
                                <tbody><tr>
                                    <AgingCells aging=s.aging />
                                    <td class="num" data-label=move || t_string!(i18n, receivables.credit).to_string()>{s.credit.to_display_string()}</td>
                                </tr></tbody>
                            </table></div>
                            <CreditReleases releases=s.releases />
                        }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Credit control's releases: who let which order through, why, and the figures then.
#[component]
pub fn CreditReleases(releases: Vec<super::api::ReleaseView>) -> impl IntoView {
    let i18n = use_i18n();
    (!releases.is_empty()).then(|| {
        view! {
            <div class="credit-releases" data-testid="credit-releases">
                <h3>{t!(i18n, receivables.releases)}</h3>
                <ul>
                    {releases.into_iter().map(|r| view! {
                        <li>{t!(i18n, receivables.release_line,
                            at = r.at.clone(),
                            by = r.by.clone(),
                            order = r.order_number.clone(),
                            reason = r.reason.clone(),
                            exposure = r.check.exposure().to_display_string(),
                            limit = r.check.limit.map_or_else(|| t_string!(i18n, receivables.no_limit).to_string(), |l| format!("¥{}", l.to_display_string())),
                            overdue = r.check.overdue.to_display_string())}</li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}
