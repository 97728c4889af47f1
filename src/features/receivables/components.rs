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
