//! Widgets of the customer pages: one input for any profile field (chosen by its type
//! in the catalogue), the completeness bar, the kind badge.
use super::api::FilterChoices;
use super::labels::{field_label, kind_label, status_label, terminal_type_label};
use crate::components::error_view::message_for;
use crate::components::form::{SelectField, TextField};
use crate::domain::customer::{CustomerKind, TerminalType};
use crate::domain::profile::{FieldSpec, FieldType};
use crate::domain::segmentation::Class;
use crate::domain::validation::FieldError;
use crate::i18n::*;
use leptos::prelude::*;

/// The translated error of `field` among `errors`.
pub fn field_error(
    errors: RwSignal<Vec<FieldError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || message_for(i18n, &errors.get(), field))
}

/// The options of a choice field: (canonical value, label), with an empty "choose" first
/// when the field may be left empty.
pub fn choices(
    locale: Locale,
    ty: FieldType,
    filters: Option<&FilterChoices>,
) -> Vec<(String, String)> {
    let choose = (
        String::new(),
        td_string!(locale, customers.choose).to_string(),
    );
    match ty {
        FieldType::Kind => std::iter::once(choose)
            .chain(
                CustomerKind::ALL
                    .iter()
                    .map(|k| (k.as_str().to_owned(), kind_label(locale, k.as_str()))),
            )
            .collect(),
        FieldType::TerminalType => std::iter::once(choose)
            .chain(TerminalType::ALL.iter().map(|t| {
                (
                    t.as_str().to_owned(),
                    terminal_type_label(locale, t.as_str()),
                )
            }))
            .collect(),
        FieldType::Status => ["active", "dormant", "closed"]
            .iter()
            .map(|s| ((*s).to_owned(), status_label(locale, s)))
            .collect(),
        FieldType::Bool => vec![
            (
                String::new(),
                td_string!(locale, customers.not_set).to_string(),
            ),
            (
                "true".to_owned(),
                td_string!(locale, customers.yes).to_string(),
            ),
            (
                "false".to_owned(),
                td_string!(locale, customers.no).to_string(),
            ),
        ],
        FieldType::CustomerRef => std::iter::once((
            String::new(),
            td_string!(locale, customers.not_set).to_string(),
        ))
        .chain(
            filters
                .into_iter()
                .flat_map(|f| f.sub_distributors.iter())
                .map(|(_, code, name)| (code.clone(), format!("{name}（{code}）"))),
        )
        .collect(),
        FieldType::EmployeeRef => std::iter::once((
            String::new(),
            td_string!(locale, customers.unassigned).to_string(),
        ))
        .chain(
            filters
                .into_iter()
                .flat_map(|f| f.reps.iter())
                .map(|r| (r.login.clone(), r.name.clone())),
        )
        .collect(),
        _ => Vec::new(),
    }
}

/// An input for one profile field: a select for choices, yes/no, the parent and the rep;
/// a date picker for dates; numeric keyboards for amounts and counts.
#[component]
pub fn ProfileInput(
    spec: &'static FieldSpec,
    value: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(into)] filters: Signal<Option<FilterChoices>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = spec.key;
    let id = format!("f-{key}");
    // posted as the server function's `values` map (see `crate::wire`)
    let name = format!("values[{key}]");
    let label = move || field_label(i18n.get_locale(), key);
    let error = field_error(errors, key);
    match spec.ty {
        FieldType::Kind
        | FieldType::TerminalType
        | FieldType::Status
        | FieldType::Bool
        | FieldType::CustomerRef
        | FieldType::EmployeeRef => {
            let ty = spec.ty;
            let options = Signal::derive(move || {
                let mut opts = choices(i18n.get_locale(), ty, filters.get().as_ref());
                // a stored value missing from the list (e.g. a parent outside the list's
                // cap) stays selectable rather than silently changing
                let v = value.get_untracked();
                if !v.is_empty() && !opts.iter().any(|(o, _)| *o == v) {
                    opts.push((v.clone(), v));
                }
                opts
            });
            view! { <SelectField id=id name=name label=move || label() value=value options=options error=error /> }.into_any()
        }
        FieldType::Date => {
            view! { <TextField id=id name=name label=move || label() value=value error=error input_type="date" /> }.into_any()
        }
        FieldType::Money => {
            view! { <TextField id=id name=name label=move || label() value=value error=error inputmode="decimal" /> }.into_any()
        }
        FieldType::Area | FieldType::Count => {
            view! { <TextField id=id name=name label=move || label() value=value error=error inputmode="numeric" /> }.into_any()
        }
        FieldType::Phone => {
            view! { <TextField id=id name=name label=move || label() value=value error=error input_type="tel" inputmode="tel" /> }.into_any()
        }
        FieldType::Code | FieldType::Text(_) => {
            let required = matches!(key, "code" | "name");
            view! { <TextField id=id name=name label=move || label() value=value error=error required=required /> }.into_any()
        }
    }
}

/// A bar with the completeness percentage.
#[component]
pub fn CompletenessBar(percent: i64) -> impl IntoView {
    let p = percent.clamp(0, 100);
    let level = match p {
        0..=39 => "low",
        40..=74 => "mid",
        _ => "high",
    };
    view! {
        <span class="cust-complete" title=format!("{p}%")>
            <span class="cust-complete-bar" aria-hidden="true">
                <span class=format!("cust-complete-fill cust-complete-{level}") style=format!("width:{p}%")></span>
            </span>
            <span class="cust-complete-num">{format!("{p}%")}</span>
        </span>
    }
}

/// 二批 / 终端·便利店 as a badge.
#[component]
pub fn KindBadge(kind: String, terminal_type: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let class = kind_class(&kind);
    view! {
        <span class=class>
            {move || kind_text(i18n.get_locale(), &kind, terminal_type.as_deref())}
        </span>
    }
}

/// The badge class of a customer kind (see [`KindBadge`]).
pub fn kind_class(kind: &str) -> &'static str {
    if kind == "sub_distributor" {
        "badge badge-sub"
    } else {
        "badge badge-terminal"
    }
}

/// The text of [`KindBadge`]: 二批, or 终端 with its type.
pub fn kind_text(locale: Locale, kind: &str, terminal_type: Option<&str>) -> String {
    match terminal_type {
        Some(t) => format!(
            "{}·{}",
            kind_label(locale, kind),
            terminal_type_label(locale, t)
        ),
        None => kind_label(locale, kind),
    }
}

/// The tier in force: a coloured letter, or nothing before the first classification.
#[component]
pub fn TierBadge(tier: Option<Class>) -> impl IntoView {
    let i18n = use_i18n();
    tier.map(|t| {
        let t = t.as_str();
        let class = format!("tier-badge tier-{}", t.to_lowercase());
        let title = format!("{t} {}", t_string!(i18n, customers.tier_word));
        view! { <span class=class title=title data-tier=t>{t}</span> }
    })
}

/// The badge of a class (as [`TierBadge`], for a tier that is always there).
#[component]
pub fn ClassBadge(class: Class) -> impl IntoView {
    view! { <TierBadge tier=Some(class) /> }
}
