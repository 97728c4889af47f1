//! Form fields with a visible label, an optional hint and an error tied to the input
//! (`aria-invalid`, `aria-describedby`), sized for fingers (44 px minimum).
use leptos::prelude::*;

/// A field's error, hidden as soon as the user edits the field (a stale "required" next
/// to a filled-in input misleads) and shown again when a new check reports one.
#[derive(Clone, Copy)]
struct FieldErrorView {
    error: Signal<Option<String>>,
    edited: RwSignal<bool>,
}

impl FieldErrorView {
    fn get(self) -> Option<String> {
        if self.edited.get() {
            None
        } else {
            self.error.get()
        }
    }
}

fn shown_until_edited(error: Signal<Option<String>>) -> FieldErrorView {
    let edited = RwSignal::new(false);
    // A new verdict (even the same message again after a new submit) shows again.
    Effect::new(move |_| {
        error.track();
        edited.set(false);
    });
    FieldErrorView { error, edited }
}

/// A labelled text input bound to `value`.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: ViewFn,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<ViewFn>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] autofocus: bool,
    /// The on-screen keyboard a tablet shows (`numeric`, `decimal`, `tel` …).
    #[prop(default = "text")]
    inputmode: &'static str,
    /// The name the form posts the value under (the server function's argument, e.g.
    /// `values[phone]`); the id when not given.
    #[prop(optional, into)]
    name: Option<String>,
) -> impl IntoView {
    let name = name.unwrap_or_else(|| id.clone());
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = shown_until_edited(error);
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>
                {label.run()}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            <input
                id=id.clone()
                name=name
                type=input_type
                autocomplete=autocomplete
                required=required
                autofocus=autofocus
                inputmode=inputmode
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described
                // drawn by the server too (bind: is browser-only): correct before hydration
                value=value.get_untracked()
                bind:value=value
                on:input=move |_| error.edited.set(true)
            />
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h.run()}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// A labelled `<select>` bound to `value`; `options` are (value, label) pairs.
#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    #[prop(into)] label: ViewFn,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] error: Signal<Option<String>>,
    /// The name the form posts the value under; the id when not given.
    #[prop(optional, into)]
    name: Option<String>,
) -> impl IntoView {
    let name = name.unwrap_or_else(|| id.clone());
    let error_id = format!("{id}-error");
    let error = shown_until_edited(error);
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label.run()}</label>
            <select
                id=id.clone()
                name=name
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                on:change=move |ev| {
                    error.edited.set(true);
                    value.set(event_target_value(&ev));
                }
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = v == value.get_untracked();
                            view! { <option value=v selected=selected>{l}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <p class="field-error" id=error_id.clone() hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// What had the focus when a form of the page was last submitted.
    static SUBMIT_FOCUS: std::cell::RefCell<Option<web_sys::Element>> =
        const { std::cell::RefCell::new(None) };
}

/// Notes, for every form, what has the focus as it is submitted (the save button, or the
/// field Enter was pressed in), for [`focus_first_invalid`]. Called once, as the app starts
/// in the browser.
#[cfg(feature = "hydrate")]
pub fn note_submit_focus() {
    let _ = window_event_listener_untyped("submit", |_| {
        SUBMIT_FOCUS.with(|f| *f.borrow_mut() = document().active_element());
    });
}

/// After a refused save, moves the focus (and so the view) to the first field marked
/// invalid — on a tablet it may be far above the save button. Not when the user has put
/// the focus elsewhere since the form was submitted (a field tapped while the save was
/// under way, or in the frame the move waits for): what they type goes where they put it.
pub fn focus_first_invalid() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        let submitted_from = SUBMIT_FOCUS.with(|f| f.borrow().clone());
        request_animation_frame(move || {
            let document = document();
            let focused = document.active_element();
            let moved = focused
                .as_ref()
                .is_some_and(|e| Some(e) != submitted_from.as_ref() && e.tag_name() != "BODY");
            if moved {
                return;
            }
            if let Some(el) = document
                .query_selector("[aria-invalid=true]")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    }
}

/// The error a plain form post to server function `S` came back with, when this page
/// load is the answer to one (the browser posted the form itself, before the page's
/// script ran; the server sent it back here with the error in `__err`). Read once when
/// the form is built; the server and the hydrating browser read the same address, so
/// both draw the same error.
pub fn posted_error<S>() -> Option<crate::error::AppError>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError>,
{
    use leptos::server::ServerActionError;
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<ServerActionError>()
        .filter(|e| e.path() == S::PATH)
        .map(|e| ServerFnUrlError::<crate::error::AppError>::decode_err(e.err()))
}

/// [`posted_error`] split as a form shows it: the fields' errors beside their fields, any
/// other error as a sentence above the buttons.
pub fn posted_errors<S>(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
) -> (Vec<crate::domain::validation::FieldError>, Option<String>)
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError>,
{
    match posted_error::<S>() {
        None => (Vec::new(), None),
        Some(crate::error::AppError::Validation(list)) => (list, None),
        Some(e) => (
            Vec::new(),
            Some(crate::components::error_view::error_message(i18n, &e)),
        ),
    }
}
