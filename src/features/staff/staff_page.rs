//! The staff page: the list for owner and managers; add, edit, deactivate / reactivate and
//! password reset for the owner.
use crate::components::Title;
use crate::components::dialog::Dialog;
use crate::components::error_view::{
    ErrorBanner, ForbiddenPage, LoadError, error_message, message_for,
};
use crate::components::form::{SelectField, TextField};
use crate::components::layout::{role_name, use_current_user};
use crate::domain::staff::{Action, EmployeeFields, EmployeeInput, Role, check_password};
use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::features::staff::api::{
    AddEmployee, EmployeeSummary, ResetPassword, UpdateEmployee, add_employee, list_staff,
    reset_password, set_employee_active, update_employee,
};
use crate::i18n::*;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

/// Which dialog is open.
#[derive(Clone, PartialEq)]
enum Panel {
    Closed,
    Add,
    Edit(EmployeeSummary),
    ResetPassword(EmployeeSummary),
    ConfirmDeactivate(EmployeeSummary),
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let user = use_current_user();
    match user {
        Some(u) if u.role.may(Action::ViewStaff) => {
            Either::Left(view! { <StaffList can_manage=u.role.may(Action::ManageStaff) me=u.id /> })
        }
        _ => Either::Right(view! { <ForbiddenPage /> }),
    }
}

#[component]
fn StaffList(can_manage: bool, me: crate::domain::ids::EmployeeId) -> impl IntoView {
    let i18n = use_i18n();
    let staff = Resource::new(|| (), |()| list_staff());
    let panel = RwSignal::new(Panel::Closed);
    let notice = RwSignal::new(None::<String>);
    let page_error = RwSignal::new(None::<String>);
    let done = move |message: String| {
        panel.set(Panel::Closed);
        notice.set(Some(message));
        staff.refetch();
    };

    let reactivate = move |e: EmployeeSummary| {
        page_error.set(None);
        leptos::task::spawn_local(async move {
            match set_employee_active(e.id, e.version, true).await {
                Ok(saved) => {
                    done(t_string!(i18n, staff.reactivated, name = saved.name).to_string())
                }
                Err(err) => page_error.set(Some(error_message(i18n, &err))),
            }
        });
    };

    view! {
        <Title text=crate::components::head_text(move || t_string!(i18n, staff.title).to_string()) />
        <div class="page-head">
            <h1>{t!(i18n, staff.title)}</h1>
            {can_manage.then(|| view! {
                <button type="button" class="button button-primary" on:click=move |_| { notice.set(None); panel.set(Panel::Add) }>
                    {t!(i18n, staff.add)}
                </button>
            })}
        </div>
        <crate::components::layout::StaffTabs />
        {(!can_manage).then(|| view! { <p class="muted">{t!(i18n, staff.read_only)}</p> })}
        <div class="banner banner-success" role="status" hidden=move || notice.get().is_none()>
            {move || notice.get().unwrap_or_default()}
        </div>
        <ErrorBanner message=page_error />
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match staff.await {
                    Err(e) => Either::Left(view! { <LoadError error=e /> }),
                    Ok(list) => {
                        let count = list.len();
                        Either::Right(view! {
                            <p class="muted">{move || t_string!(i18n, staff.count, count = count).to_string()}</p>
                            <table class="table staff-table">
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, staff.name)}</th>
                                        <th scope="col">{t!(i18n, staff.login)}</th>
                                        <th scope="col">{t!(i18n, staff.phone)}</th>
                                        <th scope="col">{t!(i18n, staff.role)}</th>
                                        <th scope="col">{t!(i18n, staff.territory)}</th>
                                        <th scope="col">{t!(i18n, staff.status)}</th>
                                        {can_manage.then(|| view! { <th scope="col">{t!(i18n, staff.actions)}</th> })}
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <StaffRow is_me=e.id == me e=e can_manage=can_manage notice=notice panel=panel reactivate=Callback::new(reactivate) />
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })
                    }
                }
            })}
        </Suspense>
        {move || match panel.get() {
            Panel::Closed => None,
            Panel::Add => Some(view! { <EmployeeForm existing=None panel=panel on_done=Callback::new(done) /> }.into_any()),
            Panel::Edit(e) => Some(view! { <EmployeeForm existing=Some(e) panel=panel on_done=Callback::new(done) /> }.into_any()),
            Panel::ResetPassword(e) => Some(view! { <ResetPasswordForm employee=e panel=panel on_done=Callback::new(done) /> }.into_any()),
            Panel::ConfirmDeactivate(e) => Some(view! { <ConfirmDeactivate employee=e panel=panel on_done=Callback::new(done) /> }.into_any()),
        }}
    }
}

/// One employee's row, with what a manager may do to them.
#[component]
fn StaffRow(
    e: EmployeeSummary,
    is_me: bool,
    can_manage: bool,
    notice: RwSignal<Option<String>>,
    panel: RwSignal<Panel>,
    reactivate: Callback<EmployeeSummary>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (e1, e2, e3, e4) = (e.clone(), e.clone(), e.clone(), e.clone());
    let role = e.role;
    view! {
        <tr class:inactive=!e.active data-login=e.login.clone()>
            <td data-label=move || t_string!(i18n, staff.name).to_string()>
                <strong>{e.name.clone()}</strong>
                {is_me.then(|| view! { <span class="muted">{t!(i18n, staff.you)}</span> })}
            </td>
            <td data-label=move || t_string!(i18n, staff.login).to_string()>{e.login.clone()}</td>
            <td data-label=move || t_string!(i18n, staff.phone).to_string()>{e.phone.clone().unwrap_or_default()}</td>
            <td data-label=move || t_string!(i18n, staff.role).to_string()>{move || role_name(i18n, role)}</td>
            <td data-label=move || t_string!(i18n, staff.territory).to_string()>{e.territory.clone().unwrap_or_default()}</td>
            <td data-label=move || t_string!(i18n, staff.status).to_string()>
                {if e.active {
                    Either::Left(view! { <span class="badge badge-ok">{t!(i18n, staff.active)}</span> })
                } else {
                    Either::Right(view! { <span class="badge badge-off">{t!(i18n, staff.inactive)}</span> })
                }}
            </td>
            {can_manage.then(|| view! {
                <td class="actions-cell">
                    <div class="row-actions">
                    <button type="button" class="button button-small" on:click=move |_| { notice.set(None); panel.set(Panel::Edit(e1.clone())) }>
                        {t!(i18n, staff.edit)}
                    </button>
                    <button type="button" class="button button-small" on:click=move |_| { notice.set(None); panel.set(Panel::ResetPassword(e2.clone())) }>
                        {t!(i18n, staff.reset_password)}
                    </button>
                    {if e3.active {
                        Either::Left((!is_me).then(|| view! {
                            <button type="button" class="button button-small button-danger" on:click=move |_| { notice.set(None); panel.set(Panel::ConfirmDeactivate(e3.clone())) }>
                                {t!(i18n, staff.deactivate)}
                            </button>
                        }))
                    } else {
                        Either::Right(view! {
                            <button type="button" class="button button-small" on:click=move |_| reactivate.run(e4.clone())>
                                {t!(i18n, staff.reactivate)}
                            </button>
                        })
                    }}
                    </div>
                </td>
            })}
        </tr>
    }
}

/// Field errors as a signal per field, translated.
fn field_signal(errors: RwSignal<Vec<FieldError>>, field: &'static str) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || message_for(i18n, &errors.get(), field))
}

/// Add (no `existing`) or edit an employee.
#[component]
fn EmployeeForm(
    existing: Option<EmployeeSummary>,
    panel: RwSignal<Panel>,
    on_done: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let start = existing
        .as_ref()
        .map(EmployeeSummary::to_input)
        .unwrap_or(EmployeeInput {
            role: Role::Rep.as_str().to_owned(),
            ..EmployeeInput::default()
        });
    let fields = Fields::new(start);
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let is_new = existing.is_none();
    let title_name = existing
        .as_ref()
        .map(|e| e.name.clone())
        .unwrap_or_default();
    // where the browser posts the form by itself (before the script ran)
    let form_action = if is_new {
        AddEmployee::PATH
    } else {
        UpdateEmployee::PATH
    };
    let hidden_id = existing
        .as_ref()
        .map(|e| (e.id.to_string(), e.version.to_string()));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let input = fields.input();
        // The same rule the server applies, for instant feedback.
        let mut found = EmployeeFields::parse(&input).err().unwrap_or_default();
        if let (true, Err(code)) = (is_new, check_password(&password.get_untracked())) {
            found.push(FieldError::new("password", code));
        }
        errors.set(found.clone());
        failure.set(None);
        if !found.is_empty() {
            return;
        }
        busy.set(true);
        let existing = existing.clone();
        let pw = password.get_untracked();
        leptos::task::spawn_local(async move {
            let result = match &existing {
                None => add_employee(input, pw).await,
                Some(e) => update_employee(e.id, e.version, input).await,
            };
            busy.set(false);
            match result {
                Ok(saved) => on_done.run(if existing.is_none() {
                    t_string!(i18n, staff.added, name = saved.name).to_string()
                } else {
                    t_string!(i18n, staff.saved, name = saved.name).to_string()
                }),
                Err(AppError::Validation(list)) => errors.set(list),
                Err(e) => failure.set(Some(error_message(i18n, &e))),
            }
        });
    };

    view! {
        <Dialog
            title=move || if is_new {
                t_string!(i18n, staff.add_title).to_string()
            } else {
                t_string!(i18n, staff.edit_title, name = title_name.clone()).to_string()
            }
            on_close=move |()| panel.set(Panel::Closed)
        >
            <form class="form" method="post" action=form_action on:submit=submit novalidate>
                {hidden_id.map(|(id, version)| view! {
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="version" value=version />
                })}
                <ErrorBanner message=failure />
                <EmployeeGrid fields=fields password=password errors=errors is_new=is_new />
                <div class="form-actions">
                    <button type="button" class="button" on:click=move |_| panel.set(Panel::Closed)>{t!(i18n, common.cancel)}</button>
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>
                        {move || if busy.get() { t_string!(i18n, common.saving).to_string() } else { t_string!(i18n, common.save).to_string() }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}

/// An employee's fields as they are typed.
#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    login: RwSignal<String>,
    phone: RwSignal<String>,
    role: RwSignal<String>,
    territory: RwSignal<String>,
}

impl Fields {
    fn new(start: EmployeeInput) -> Fields {
        Fields {
            name: RwSignal::new(start.name),
            login: RwSignal::new(start.login),
            phone: RwSignal::new(start.phone),
            role: RwSignal::new(start.role),
            territory: RwSignal::new(start.territory),
        }
    }

    fn input(self) -> EmployeeInput {
        EmployeeInput {
            name: self.name.get_untracked(),
            login: self.login.get_untracked(),
            phone: self.phone.get_untracked(),
            role: self.role.get_untracked(),
            territory: self.territory.get_untracked(),
        }
    }
}

/// The fields of [`EmployeeForm`], each with its error; a new employee's first password.
#[component]
fn EmployeeGrid(
    fields: Fields,
    password: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    is_new: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let role_options = Signal::derive(move || {
        Role::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), role_name(i18n, *r)))
            .collect::<Vec<_>>()
    });
    view! {
        <div class="form-grid">
            <TextField id="name" name="input[name]" label=move || t!(i18n, staff.name) value=fields.name error=field_signal(errors, "name") required=true autofocus=true />
            <TextField id="login" name="input[login]" label=move || t!(i18n, staff.login) hint=move || t!(i18n, login.login_hint) value=fields.login error=field_signal(errors, "login") required=true />
            <TextField id="phone" name="input[phone]" label=move || t!(i18n, staff.phone) value=fields.phone error=field_signal(errors, "phone") input_type="tel" />
            <SelectField id="role" name="input[role]" label=move || t!(i18n, staff.role) value=fields.role options=role_options error=field_signal(errors, "role") />
            <TextField id="territory" name="input[territory]" label=move || t!(i18n, staff.territory) value=fields.territory error=field_signal(errors, "territory") />
            {is_new.then(|| view! {
                <TextField id="password" label=move || t!(i18n, staff.password) hint=move || t!(i18n, staff.password_hint) value=password error=field_signal(errors, "password") input_type="password" autocomplete="new-password" required=true />
            })}
        </div>
    }
}

#[component]
fn ResetPasswordForm(
    employee: EmployeeSummary,
    panel: RwSignal<Panel>,
    on_done: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let name = employee.name.clone();
    let reset_id = employee.id.to_string();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pw = password.get_untracked();
        if let Err(code) = check_password(&pw) {
            errors.set(vec![FieldError::new("password", code)]);
            return;
        }
        errors.set(Vec::new());
        busy.set(true);
        let e = employee.clone();
        leptos::task::spawn_local(async move {
            let r = reset_password(e.id, pw).await;
            busy.set(false);
            match r {
                Ok(()) => on_done
                    .run(t_string!(i18n, staff.password_reset, name = e.name.clone()).to_string()),
                Err(AppError::Validation(list)) => errors.set(list),
                Err(err) => failure.set(Some(error_message(i18n, &err))),
            }
        });
    };
    view! {
        <Dialog title=move || t_string!(i18n, staff.reset_title, name = name.clone()).to_string() on_close=move |()| panel.set(Panel::Closed)>
            <form class="form" method="post" action=ResetPassword::PATH on:submit=submit novalidate>
                <input type="hidden" name="id" value=reset_id />
                <ErrorBanner message=failure />
                <TextField id="new-password" name="password" label=move || t!(i18n, staff.new_password) hint=move || t!(i18n, staff.password_hint) value=password error=field_signal(errors, "password") input_type="password" autocomplete="new-password" required=true autofocus=true />
                <div class="form-actions">
                    <button type="button" class="button" on:click=move |_| panel.set(Panel::Closed)>{t!(i18n, common.cancel)}</button>
                    <button type="submit" class="button button-primary" disabled=move || busy.get()>{t!(i18n, common.save)}</button>
                </div>
            </form>
        </Dialog>
    }
}

#[component]
fn ConfirmDeactivate(
    employee: EmployeeSummary,
    panel: RwSignal<Panel>,
    on_done: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let name = employee.name.clone();
    let confirm = move |_| {
        busy.set(true);
        let e = employee.clone();
        leptos::task::spawn_local(async move {
            let r = set_employee_active(e.id, e.version, false).await;
            busy.set(false);
            match r {
                Ok(saved) => {
                    on_done.run(t_string!(i18n, staff.deactivated, name = saved.name).to_string())
                }
                Err(err) => failure.set(Some(error_message(i18n, &err))),
            }
        });
    };
    view! {
        <Dialog title=move || t_string!(i18n, staff.deactivate).to_string() on_close=move |()| panel.set(Panel::Closed)>
            <p>{move || t_string!(i18n, staff.confirm_deactivate, name = name.clone()).to_string()}</p>
            <ErrorBanner message=failure />
            <div class="form-actions">
                <button type="button" class="button" on:click=move |_| panel.set(Panel::Closed)>{t!(i18n, common.cancel)}</button>
                <button type="button" class="button button-danger" on:click=confirm disabled=move || busy.get()>{t!(i18n, staff.deactivate)}</button>
            </div>
        </Dialog>
    }
}
