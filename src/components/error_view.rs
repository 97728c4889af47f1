//! Every error the user can meet, in their language: messages for [`AppError`] and field
//! codes, and the full-page 404 / 403 / 500 screens (which also set the HTTP status
//! when rendered on the server).
use crate::components::Title;
use crate::domain::validation::{FieldError, FieldErrorCode};
use crate::error::{AppError, Conflict};
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnErrorErr;
use leptos_i18n::I18nContext;

/// One sentence for an error, in the current language.
pub fn error_message(i18n: I18nContext<Locale>, e: &AppError) -> String {
    match e {
        AppError::NotFound => t_string!(i18n, errors.not_found).to_string(),
        AppError::Unauthorized => t_string!(i18n, errors.unauthorized).to_string(),
        AppError::SignInFailed => t_string!(i18n, errors.sign_in_failed).to_string(),
        AppError::TooManyAttempts { retry_after_secs } => {
            let minutes = (retry_after_secs + 59) / 60;
            t_string!(i18n, errors.too_many_attempts, minutes = minutes).to_string()
        }
        AppError::AccountDisabled => t_string!(i18n, errors.account_disabled).to_string(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        AppError::Validation(_) => t_string!(i18n, errors.validation).to_string(),
        AppError::Conflict(Conflict::StaleVersion) | AppError::EditConflict(_) => {
            t_string!(i18n, errors.stale).to_string()
        }
        AppError::Conflict(Conflict::LastOwner) => t_string!(i18n, errors.last_owner).to_string(),
        AppError::Conflict(Conflict::OwnAccount) => t_string!(i18n, errors.own_account).to_string(),
        AppError::Conflict(Conflict::PublishedEdition) => {
            t_string!(i18n, errors.published_edition).to_string()
        }
        AppError::Conflict(Conflict::CustomerReassigned) => {
            t_string!(i18n, errors.customer_reassigned).to_string()
        }
        AppError::Conflict(Conflict::IdTaken) => t_string!(i18n, errors.id_taken).to_string(),
        AppError::Conflict(Conflict::OrderMoved(status)) => {
            let status = crate::features::orders::components::status_label(i18n, *status);
            t_string!(i18n, errors.order_moved, status = status).to_string()
        }
        AppError::Conflict(Conflict::CreditBlocked(c)) => credit_message(i18n, c),
        AppError::Internal => t_string!(i18n, errors.internal).to_string(),
        AppError::Busy => t_string!(i18n, errors.busy).to_string(),
        AppError::ServerFn(ServerFnErrorErr::Request(_)) => {
            t_string!(i18n, errors.network).to_string()
        }
        AppError::ServerFn(
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_),
        ) => t_string!(i18n, errors.bad_request).to_string(),
        AppError::ServerFn(_) => t_string!(i18n, errors.internal).to_string(),
    }
}

/// One phrase for a refused field, in the current language.
pub fn field_message(i18n: I18nContext<Locale>, code: FieldErrorCode) -> String {
    field_message_in(i18n.get_locale(), code)
}

/// The message for a field code in `locale` (also used by the command line).
pub fn field_message_in(locale: Locale, code: FieldErrorCode) -> String {
    match code {
        FieldErrorCode::Required => td_string!(locale, field_errors.required).to_string(),
        FieldErrorCode::TooLong { max } => {
            td_string!(locale, field_errors.too_long, max = max).to_string()
        }
        FieldErrorCode::TooShort { min } => {
            td_string!(locale, field_errors.too_short, min = min).to_string()
        }
        FieldErrorCode::InvalidLogin => td_string!(locale, field_errors.invalid_login).to_string(),
        FieldErrorCode::InvalidPhone => td_string!(locale, field_errors.invalid_phone).to_string(),
        FieldErrorCode::InvalidRole => td_string!(locale, field_errors.invalid_role).to_string(),
        FieldErrorCode::InvalidText => td_string!(locale, field_errors.invalid_text).to_string(),
        FieldErrorCode::Taken => td_string!(locale, field_errors.taken).to_string(),
        FieldErrorCode::InvalidChoice => {
            td_string!(locale, field_errors.invalid_choice).to_string()
        }
        FieldErrorCode::InvalidCode => td_string!(locale, field_errors.invalid_code).to_string(),
        FieldErrorCode::ParentNotSubDistributor => {
            td_string!(locale, field_errors.parent_not_sub_distributor).to_string()
        }
        FieldErrorCode::ParentCycle => td_string!(locale, field_errors.parent_cycle).to_string(),
        FieldErrorCode::InvalidNumber => {
            td_string!(locale, field_errors.invalid_number).to_string()
        }
        FieldErrorCode::TooManyDecimals => {
            td_string!(locale, field_errors.too_many_decimals).to_string()
        }
        FieldErrorCode::TooLarge => td_string!(locale, field_errors.too_large).to_string(),
        FieldErrorCode::TooManyPhotos { max } => {
            td_string!(locale, field_errors.too_many_photos, max = max).to_string()
        }
        FieldErrorCode::Negative => td_string!(locale, field_errors.negative).to_string(),
        FieldErrorCode::InvalidDate => td_string!(locale, field_errors.invalid_date).to_string(),
        FieldErrorCode::OnlyForTerminals => {
            td_string!(locale, field_errors.only_for_terminals).to_string()
        }
        FieldErrorCode::ConsentRequired => {
            td_string!(locale, field_errors.consent_required).to_string()
        }
        FieldErrorCode::UnknownCustomer => {
            td_string!(locale, field_errors.unknown_customer).to_string()
        }
        FieldErrorCode::StillServesCustomers => {
            td_string!(locale, field_errors.still_serves_customers).to_string()
        }
        FieldErrorCode::UnknownEmployee => {
            td_string!(locale, field_errors.unknown_employee).to_string()
        }
        FieldErrorCode::NotAnImage => td_string!(locale, field_errors.not_an_image).to_string(),
        FieldErrorCode::DateOutOfRange => {
            td_string!(locale, field_errors.date_out_of_range).to_string()
        }
        FieldErrorCode::EndBeforeStart => {
            td_string!(locale, field_errors.end_before_start).to_string()
        }
        FieldErrorCode::NotWhole => td_string!(locale, field_errors.not_whole).to_string(),
        FieldErrorCode::Zero => td_string!(locale, field_errors.zero).to_string(),
        FieldErrorCode::SignMismatch => td_string!(locale, field_errors.sign_mismatch).to_string(),
        FieldErrorCode::FloorAboveList => {
            td_string!(locale, field_errors.floor_above_list).to_string()
        }
        FieldErrorCode::UnknownProduct => {
            td_string!(locale, field_errors.unknown_product).to_string()
        }
        FieldErrorCode::BelowFloor => td_string!(locale, field_errors.below_floor).to_string(),
        FieldErrorCode::PriceExists => td_string!(locale, field_errors.price_exists).to_string(),
        FieldErrorCode::CustomerClosed => {
            td_string!(locale, field_errors.customer_closed).to_string()
        }
        FieldErrorCode::DiscontinuedProduct => {
            td_string!(locale, field_errors.discontinued_product).to_string()
        }
        FieldErrorCode::NoPrice => td_string!(locale, field_errors.no_price).to_string(),
        FieldErrorCode::PriceNotEditable => {
            td_string!(locale, field_errors.price_not_editable).to_string()
        }
        FieldErrorCode::CustomerDormant => {
            td_string!(locale, field_errors.customer_dormant).to_string()
        }
        FieldErrorCode::DocumentImported => {
            td_string!(locale, field_errors.document_imported).to_string()
        }
        FieldErrorCode::RoundedNumber => {
            td_string!(locale, field_errors.rounded_number).to_string()
        }
        FieldErrorCode::OverPayment => td_string!(locale, field_errors.over_payment).to_string(),
        FieldErrorCode::OverBalance => td_string!(locale, field_errors.over_balance).to_string(),
        FieldErrorCode::ThresholdOutOfRange => {
            td_string!(locale, field_errors.threshold_out_of_range).to_string()
        }
        FieldErrorCode::ThresholdOutOfOrder => {
            td_string!(locale, field_errors.threshold_out_of_order).to_string()
        }
        FieldErrorCode::NoSalesInPeriod => {
            td_string!(locale, field_errors.no_sales_in_period).to_string()
        }
        FieldErrorCode::DuplicateCode => {
            td_string!(locale, field_errors.duplicate_code).to_string()
        }
        FieldErrorCode::HitsOutOfRange => {
            td_string!(locale, field_errors.hits_out_of_range).to_string()
        }
        FieldErrorCode::OverlappingVersion => {
            td_string!(locale, field_errors.overlapping_version).to_string()
        }
        FieldErrorCode::InFuture => td_string!(locale, field_errors.in_future).to_string(),
        FieldErrorCode::InvalidTransition => {
            td_string!(locale, field_errors.invalid_transition).to_string()
        }
        FieldErrorCode::OnlyWhenPenalised => {
            td_string!(locale, field_errors.only_when_penalised).to_string()
        }
        FieldErrorCode::SameClassification => {
            td_string!(locale, field_errors.same_classification).to_string()
        }
        FieldErrorCode::MeasureMismatch => {
            td_string!(locale, field_errors.measure_mismatch).to_string()
        }
        FieldErrorCode::NotStricter => td_string!(locale, field_errors.not_stricter).to_string(),
        FieldErrorCode::AnswerFirst => td_string!(locale, field_errors.answer_first).to_string(),
        FieldErrorCode::BeforeStart => td_string!(locale, field_errors.before_start).to_string(),
        FieldErrorCode::InvalidTime => td_string!(locale, field_errors.invalid_time).to_string(),
        FieldErrorCode::CloseBeforeOpen => {
            td_string!(locale, field_errors.close_before_open).to_string()
        }
    }
}

/// The message for `field` among `errors`, if any.
pub fn message_for(
    i18n: I18nContext<Locale>,
    errors: &[FieldError],
    field: &str,
) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| field_message(i18n, e.code))
}

/// An inline error banner (polite live region, so screen readers announce it).
#[component]
pub fn ErrorBanner(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="banner banner-error" role="alert" aria-live="assertive" hidden=move || message.get().is_none()>
            {move || message.get().unwrap_or_default()}
        </div>
    }
}

/// The data of a page (or of a part of it) could not be loaded: the error in the user's
/// language. A page rendered on the server with it answers with the error's status (a
/// customer outside the rep's scope: 404), as the error page does.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    page_status(error.status_code());
    view! { <ActionError error=error /> }
}

/// What a form's action answered with an error: the error in the user's language. Unlike
/// [`LoadError`] it leaves the page's status alone — the page itself loaded (a form posted
/// before the script ran comes back to it with the error in the address).
#[component]
pub fn ActionError(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! { <div class="banner banner-error" role="alert">{error_message(i18n, &error)}</div> }
}

/// The status a page drawn on the server answers with when it shows an error instead of
/// its data (the error views call it; a page with its own wording for an error calls it
/// too). In the browser it does nothing.
#[cfg(feature = "ssr")]
pub fn page_status(code: u16) {
    if let (Some(res), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        res.set_status(code);
    }
}

/// In the browser the status is the server's answer: nothing to set.
#[cfg(not(feature = "ssr"))]
pub fn page_status(_code: u16) {}

#[component]
fn ErrorScreen(code: u16, title: String, body: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=title.clone() />
        <main id="main" class="error-screen">
            <p class="error-code" aria-hidden="true">{code}</p>
            <h1>{title}</h1>
            <p>{body}</p>
            <a class="button button-primary" href="/">{t!(i18n, errors.back_home)}</a>
        </main>
    }
}

/// 404: no such page.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    page_status(404);
    let i18n = use_i18n();
    move || {
        view! {
            <ErrorScreen
                code=404
                title=t_string!(i18n, errors.not_found_title).to_string()
                body=t_string!(i18n, errors.not_found_body).to_string()
            />
        }
    }
}

/// 403: signed in, but the role may not see this page.
#[component]
pub fn ForbiddenPage() -> impl IntoView {
    page_status(403);
    let i18n = use_i18n();
    move || {
        view! {
            <ErrorScreen
                code=403
                title=t_string!(i18n, errors.forbidden_title).to_string()
                body=t_string!(i18n, errors.forbidden_body).to_string()
            />
        }
    }
}

/// 500 (or the error's own status): the page's data could not be loaded.
#[component]
pub fn ServerErrorPage(error: AppError) -> impl IntoView {
    page_status(error.status_code());
    let i18n = use_i18n();
    move || {
        view! {
            <ErrorScreen
                code=error.status_code()
                title=t_string!(i18n, errors.server_title).to_string()
                body=error_message(i18n, &error)
            />
        }
    }
}

/// Why credit control refused a confirmation, with its figures.
pub fn credit_message(
    i18n: I18nContext<Locale>,
    c: &crate::domain::receivables::CreditCheck,
) -> String {
    let yuan = |m: crate::domain::money::Money| m.to_display_string();
    let mut parts = Vec::new();
    if let Some(limit) = c.limit.filter(|_| c.over_limit()) {
        parts.push(
            t_string!(
                i18n,
                errors.credit_over_limit,
                open = yuan(c.open),
                credit = yuan(c.credit),
                pending = yuan(c.pending),
                order = yuan(c.order),
                exposure = yuan(c.exposure()),
                limit = yuan(limit)
            )
            .to_string(),
        );
    }
    if c.overdue.0 > 0 {
        parts.push(t_string!(i18n, errors.credit_overdue, overdue = yuan(c.overdue)).to_string());
    }
    t_string!(
        i18n,
        errors.credit_blocked,
        reasons = parts.join(t_string!(i18n, errors.credit_sep))
    )
    .to_string()
}

/// A part of the app whose code could not be fetched: said, with a way to try again
/// (a full load of the same address), instead of a dead page.
#[component]
pub fn ChunkFailed() -> impl IntoView {
    let i18n = use_i18n();
    let retry = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <div class="banner banner-error chunk-failed" role="alert">
            <p>{t!(i18n, common.chunk_failed)}</p>
            <button type="button" class="button" on:click=retry>{t!(i18n, common.retry)}</button>
        </div>
    }
}
