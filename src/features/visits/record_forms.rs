//! The forms of "Today": a visit (with shelf prices, display checks and photos), an
//! objection and an order, each checked on the device with the same domain rules the
//! server applies, then put in the outbox.
use super::api::{OutboxEntry, OutboxItem, PhotoRef, PlanCustomer, ProductChoice, RecordVisit};
use super::today_page::purpose_label;
use super::today_sync::{SyncStatus, Today, minute_text, now_beijing};
use crate::components::error_view::message_for;
use crate::domain::orders::{OrderFields, OrderInput, OrderLineInput};
use crate::domain::tickets::{NewObjection, ObjectionCategory, ObjectionInput};
use crate::domain::validation::FieldError;
#[cfg(feature = "hydrate")]
use crate::domain::visits::LocationInput;
use crate::domain::visits::{NewVisit, PriceInput, Purpose, VisitInput};
use crate::features::orders::api::CreateOrder;
use crate::features::tickets::api::OpenObjection;
use crate::features::tickets::components::category_label;
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

#[derive(Debug, Clone, PartialEq)]
pub enum Form {
    Visit(Option<VisitInput>),
    Objection(Option<ObjectionInput>),
    Order(Option<OrderInput>),
}

/// Largest photo kept on the device, and photos per visit.
pub const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;
pub use crate::domain::visits::PHOTOS_PER_VISIT;

/// The visit, objection and order forms: checked on the device with the same domain
/// rules the server applies, then queued. Correcting a refused record (`editing`) keeps
/// its id, so the corrected one replaces it in the outbox.
#[component]
pub(super) fn RecordForm(
    today: Today,
    customer: PlanCustomer,
    form: Form,
    editing: Option<OutboxEntry>,
    on_done: Callback<()>,
) -> impl IntoView {
    let recorder = Recorder {
        today,
        errors: RwSignal::new(Vec::new()),
        replace: editing.is_some(),
        old_photos: StoredValue::new(
            editing
                .as_ref()
                .map(|e| e.photos.clone())
                .unwrap_or_default(),
        ),
        customer_name: StoredValue::new(customer.name.clone()),
        on_done,
    };
    // a refused record being corrected: the form holds what it said (one this version
    // cannot read is never replaced by an empty form: it can only be discarded)
    let form = match editing.as_ref().map(|e| e.item.read()) {
        Some(Ok(OutboxItem::Visit(v))) => Form::Visit(Some(v)),
        Some(Ok(OutboxItem::Objection(o))) => Form::Objection(Some(o)),
        Some(Ok(OutboxItem::Order(o))) => Form::Order(Some(o)),
        Some(Err(e)) => {
            leptos::logging::warn!("outbox: {e}");
            let i18n = use_i18n();
            return view! {
                <p class="banner banner-error" role="alert">{t!(i18n, visits.record_unreadable)}</p>
                <button type="button" class="button" on:click=move |_| on_done.run(())>{t!(i18n, common.close)}</button>
            }
            .into_any();
        }
        None => form,
    };
    // a new record gets a new id; a corrected one keeps its own
    let id = editing.map(|e| e.id).unwrap_or_else(new_id);
    let checked_in = minute_text(now_beijing());
    match form {
        Form::Visit(initial) => {
            let input = initial.unwrap_or_else(|| VisitInput {
                id,
                customer_id: customer.id.to_string(),
                checked_in_at: checked_in,
                purpose: Purpose::Routine.as_str().into(),
                prices: vec![PriceInput::default(); 3],
                ..VisitInput::default()
            });
            view! { <VisitForm recorder input /> }.into_any()
        }
        Form::Objection(initial) => {
            let input = initial.unwrap_or_else(|| ObjectionInput {
                client_id: id,
                customer: customer.code.clone(),
                opened_at: checked_in,
                ..ObjectionInput::default()
            });
            view! { <ObjectionForm recorder input /> }.into_any()
        }
        Form::Order(initial) => {
            let input = initial.unwrap_or_else(|| OrderInput {
                client_id: id,
                customer_code: customer.code.clone(),
                order_date: checked_in.get(..10).unwrap_or_default().to_string(),
                lines: vec![OrderLineInput::default()],
            });
            let (customer_id, tier) = (customer.id.0, customer.tier);
            view! { <OrderForm recorder input customer_id tier /> }.into_any()
        }
    }
}

/// What the three forms share: the customer, the field problems found, and putting the
/// record in the outbox.
#[derive(Clone, Copy)]
struct Recorder {
    today: Today,
    errors: RwSignal<Vec<FieldError>>,
    /// Correcting a refused record: the new one replaces it.
    replace: bool,
    /// Photos a refused visit already holds on the device.
    old_photos: StoredValue<Vec<PhotoRef>>,
    customer_name: StoredValue<String>,
    on_done: Callback<()>,
}

impl Recorder {
    /// The message for `field`, if the last check found a problem there.
    fn error(
        self,
        i18n: leptos_i18n::I18nContext<Locale>,
        field: &'static str,
    ) -> impl Fn() -> Option<String> + Copy {
        move || self.errors.with(|e| message_for(i18n, e, field))
    }

    /// Shows the problems found, or puts the record (with new photos) in the outbox.
    fn check_and_save(
        self,
        i18n: leptos_i18n::I18nContext<Locale>,
        found: Result<(), Vec<FieldError>>,
        item: OutboxItem,
        photos: Vec<(PhotoRef, Vec<u8>)>,
    ) {
        if let Err(e) = found {
            self.errors.set(e);
            crate::components::form::focus_first_invalid();
            return;
        }
        self.errors.set(Vec::new());
        let Some(user_id) = self.today.user_id() else {
            return;
        };
        let mut refs = self.old_photos.get_value();
        refs.extend(photos.iter().map(|(p, _)| p.clone()));
        let entry = match OutboxEntry::new(
            user_id,
            minute_text(now_beijing()),
            self.customer_name.get_value(),
            &item,
            refs,
        ) {
            Ok(entry) => entry,
            Err(e) => {
                // not queued (cannot happen with these types): the form keeps the record
                leptos::logging::warn!("outbox: {e}");
                self.today.status.set(super::today_sync::SyncStatus::Failed(
                    t_string!(i18n, visits.device_failed).to_string(),
                ));
                return;
            }
        };
        self.today.queue(i18n, entry, photos, self.on_done);
    }
}

/// A visit: purpose, competitors, notes, display checks, three shelf prices, the next
/// step and photos; the check-in time and place are taken by the device.
#[component]
fn VisitForm(recorder: Recorder, input: VisitInput) -> impl IntoView {
    let i18n = use_i18n();
    let v = RwSignal::new(input);
    v.update(|v| v.prices.resize(3, PriceInput::default()));
    let photos = RwSignal::new(Vec::<(PhotoRef, Vec<u8>)>::new());
    let note = RwSignal::new(None::<String>);
    let locate = RwSignal::new(v.with_untracked(|v| v.location.is_none()) && !recorder.replace);
    #[cfg(feature = "hydrate")]
    if locate.get_untracked() {
        request_location(v);
    }
    let products = recorder.today.products();
    let errors = recorder.errors;
    let err = move |f: &'static str| recorder.error(i18n, f);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = v.get_untracked();
        let found = NewVisit::parse(&input, now_beijing()).map(|_| ());
        recorder.check_and_save(
            i18n,
            found,
            OutboxItem::Visit(input),
            photos.get_untracked(),
        );
    };
    view! {
        <form class="ticket-form today-form" method="post" action=RecordVisit::PATH on:submit=submit novalidate>
            <h2>{t!(i18n, visits.visit_form, name = recorder.customer_name.get_value())}</h2>
            <p class="muted">{t!(i18n, visits.checked_in_at, at = v.with_untracked(|v| v.checked_in_at.replace('T', " ")))}
                " · " {move || match v.with(|v| v.location) {
                    Some(l) => format!("{:.5}, {:.5} ±{:.0} m", l.lat, l.lon, l.accuracy),
                    None if locate.get() => t_string!(i18n, visits.locating).to_string(),
                    None => t_string!(i18n, visits.no_location).to_string(),
                }}
            </p>
            <div class="form-grid">
                // correcting a refused visit: the check-in time may be what was
                // wrong (a tablet whose clock ran ahead)
                {recorder.replace.then(|| view! {
                    <label class="field">
                        <span>{t!(i18n, visits.check_in_time)}</span>
                        <input type="datetime-local" name="checked_in_at" prop:value=move || v.with(|x| x.checked_in_at.clone()) on:input=move |ev| v.update(|x| x.checked_in_at = event_target_value(&ev)) />
                        <small class="field-error" role="alert">{err("checked_in_at")}</small>
                    </label>
                })}
                <label class="field">
                    <span>{t!(i18n, visits.purpose)}</span>
                    <select name="purpose" on:change=move |ev| v.update(|x| x.purpose = event_target_value(&ev)) aria-invalid=move || err("purpose")().is_some().to_string()>
                        {Purpose::ALL.map(|p| { let sel = v.with_untracked(|x| x.purpose == p.as_str()); view! { <option value=p.as_str() selected=sel>{move || purpose_label(i18n, p)}</option> } })}
                    </select>
                    <small class="field-error" role="alert">{err("purpose")}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, visits.competitors)}</span>
                    <input name="competitors" prop:value=move || v.with(|x| x.competitors.clone()) on:input=move |ev| v.update(|x| x.competitors = event_target_value(&ev)) />
                    <small class="field-error" role="alert">{err("competitors")}</small>
                </label>
                <label class="field field-wide">
                    <span>{t!(i18n, visits.notes)}</span>
                    <textarea name="notes" rows="3" prop:value=move || v.with(|x| x.notes.clone()) on:input=move |ev| v.update(|x| x.notes = event_target_value(&ev))></textarea>
                    <small class="field-error" role="alert">{err("notes")}</small>
                </label>
                <DisplayChecks v=v />
                <ShelfPrices v=v products=products errors=errors />
                <label class="field">
                    <span>{t!(i18n, visits.next_step)}</span>
                    <input name="next_step" prop:value=move || v.with(|x| x.next_step.clone()) on:input=move |ev| v.update(|x| x.next_step = event_target_value(&ev)) />
                    <small class="field-error" role="alert">{err("next_step")}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, visits.next_step_on)}</span>
                    <input type="date" name="next_step_on" prop:value=move || v.with(|x| x.next_step_on.clone()) on:input=move |ev| v.update(|x| x.next_step_on = event_target_value(&ev)) />
                    <small class="field-error" role="alert">{err("next_step_on")}</small>
                </label>
                <label class="field field-wide">
                    <span>{t!(i18n, visits.photos)}</span>
                    <input type="file" name="photos" accept="image/jpeg,image/png,image/webp" capture="environment" multiple on:change=move |ev| take_photos(ev, photos, recorder.old_photos.with_value(Vec::len), note, i18n) />
                    <small class="field-hint">{move || t_string!(i18n, visits.photos_taken, n = recorder.old_photos.with_value(Vec::len) + photos.with(Vec::len)).to_string()}</small>
                    <small class="field-error" role="alert">{move || note.get()}</small>
                </label>
            </div>
            <FormFooter today=recorder.today on_done=recorder.on_done />
        </form>
    }
}

/// What the rep saw of the display and the ads, ticked.
#[component]
fn DisplayChecks(v: RwSignal<VisitInput>) -> impl IntoView {
    let i18n = use_i18n();
    let check = move |label: &'static str,
                      get: fn(&VisitInput) -> bool,
                      set: fn(&mut VisitInput, bool)| {
        view! {
            <label class="check">
                <input type="checkbox" name=label prop:checked=move || v.with(get) on:change=move |ev| { let on = event_target_checked(&ev); v.update(|x| set(x, on)); } />
                <span>{move || match label {
                    "vivid_display" => t_string!(i18n, visits.vivid_display).to_string(),
                    "stack_display" => t_string!(i18n, visits.stack_display).to_string(),
                    "indoor_ad" => t_string!(i18n, visits.indoor_ad).to_string(),
                    _ => t_string!(i18n, visits.outdoor_ad).to_string(),
                }}</span>
            </label>
        }
    };
    view! {
        <fieldset class="field field-wide checks">
            <legend>{t!(i18n, visits.display_check)}</legend>
            {check("vivid_display", |x| x.vivid_display, |x, on| x.vivid_display = on)}
            {check("stack_display", |x| x.stack_display, |x, on| x.stack_display = on)}
            {check("indoor_ad", |x| x.indoor_ad, |x, on| x.indoor_ad = on)}
            {check("outdoor_ad", |x| x.outdoor_ad, |x, on| x.outdoor_ad = on)}
        </fieldset>
    }
}

/// Three shelf prices seen in the shop, each a product and a price.
#[component]
fn ShelfPrices(
    v: RwSignal<VisitInput>,
    products: Vec<ProductChoice>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="field field-wide">
            <legend>{t!(i18n, visits.shelf_prices)}</legend>
            {(0..3usize).map(|i| {
                let sku_field = format!("prices.{i}.sku");
                let price_field = format!("prices.{i}.price");
                let (sf, pf) = (sku_field.clone(), price_field.clone());
                view! {
                    <div class="price-row">
                        <select name=sku_field.clone() aria-label=move || t_string!(i18n, visits.product).to_string() on:change=move |ev| v.update(|x| x.prices[i].sku = event_target_value(&ev))>
                            <option value="">{t!(i18n, visits.product)}</option>
                            {products.iter().map(|p| { let sel = v.with_untracked(|x| x.prices[i].sku == p.sku); view! { <option value=p.sku.clone() selected=sel>{format!("{} {}", p.sku, p.name)}</option> } }).collect_view()}
                        </select>
                        <input name=price_field.clone() inputmode="decimal" placeholder=move || t_string!(i18n, visits.price_yuan).to_string() prop:value=move || v.with(|x| x.prices[i].price.clone()) on:input=move |ev| v.update(|x| x.prices[i].price = event_target_value(&ev)) />
                        <small class="field-error" role="alert">{move || errors.with(|e| message_for(i18n, e, &sf).or_else(|| message_for(i18n, e, &pf)))}</small>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// An objection the customer raised during the visit.
#[component]
fn ObjectionForm(recorder: Recorder, input: ObjectionInput) -> impl IntoView {
    let i18n = use_i18n();
    let o = RwSignal::new(input);
    let err = move |f: &'static str| recorder.error(i18n, f);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = o.get_untracked();
        let found = NewObjection::parse(&input, now_beijing()).map(|_| ());
        recorder.check_and_save(i18n, found, OutboxItem::Objection(input), Vec::new());
    };
    view! {
        <form class="ticket-form today-form" method="post" action=OpenObjection::PATH on:submit=submit novalidate>
            <h2>{t!(i18n, visits.objection_form, name = recorder.customer_name.get_value())}</h2>
            <div class="form-grid">
                <label class="field">
                    <span>{t!(i18n, tickets.category)}</span>
                    <select name="category" on:change=move |ev| o.update(|f| f.category = event_target_value(&ev))>
                        <option value="">{t!(i18n, discipline.choose)}</option>
                        {ObjectionCategory::ALL.map(|c| { let sel = o.with_untracked(|f| f.category == c.as_str()); view! { <option value=c.as_str() selected=sel>{move || category_label(i18n, c)}</option> } })}
                    </select>
                    <small class="field-error" role="alert">{err("category")}</small>
                </label>
                <label class="field field-wide">
                    <span>{t!(i18n, tickets.description)}</span>
                    <textarea name="description" rows="3" prop:value=move || o.with(|f| f.description.clone()) on:input=move |ev| o.update(|f| f.description = event_target_value(&ev))></textarea>
                    <small class="field-error" role="alert">{err("description")}</small>
                </label>
            </div>
            <FormFooter today=recorder.today on_done=recorder.on_done />
        </form>
    }
}

/// An order taken in the shop (one line): product and quantity, at the customer's price
/// from the device's copy of the lists (`price_on`, the office's rule); the office
/// confirms it ("待确认" until then).
#[component]
fn OrderForm(
    recorder: Recorder,
    input: OrderInput,
    customer_id: uuid::Uuid,
    tier: Option<crate::domain::segmentation::Class>,
) -> impl IntoView {
    let i18n = use_i18n();
    let o = RwSignal::new(input);
    let errors = recorder.errors;
    let entries = StoredValue::new(recorder.today.prices());
    let products = StoredValue::new(recorder.today.products());
    // the price this customer pays for `sku` on the order's day, as the office will
    // price it; `None` too when the device holds no prices (a bundle from before)
    let price_of = move |sku: &str| {
        let day =
            crate::domain::sales::parse_order_date(&o.with_untracked(|x| x.order_date.clone()))
                .ok()?;
        let product = products.with_value(|ps| ps.iter().find(|p| p.sku == sku).cloned())?;
        entries.with_value(|es| {
            crate::domain::pricing::price_on(es, product.id, customer_id, tier, day)
        })
    };
    let knows_prices = entries.with_value(|es| !es.is_empty());
    // A price the device does not know (a list changed since the last sync) is not a
    // reason to refuse the order here: the office prices it, and refuses it only if no
    // list prices it then. A corrected order shows the product it holds.
    let chosen = o.with_untracked(|x| {
        x.lines
            .first()
            .map(|l| l.product_sku.clone())
            .unwrap_or_default()
    });
    let product_options = products
        .get_value()
        .into_iter()
        .map(|p| {
            let selected = p.sku == chosen;
            view! { <option value=p.sku.clone() selected=selected>{format!("{} {}", p.sku, p.name)}</option> }
        })
        .collect_view();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = o.get_untracked();
        let found = OrderFields::parse(&input).map(|_| ());
        recorder.check_and_save(i18n, found, OutboxItem::Order(input), Vec::new());
    };
    // "单价 56.00 元/箱（A 类价）· 金额 336.00 元", as the line stands
    let line_price = move || {
        let (sku, quantity) = o.with(|x| {
            x.lines
                .first()
                .map(|l| (l.product_sku.trim().to_owned(), l.quantity.clone()))
                .unwrap_or_default()
        });
        if sku.is_empty() || !knows_prices {
            return None;
        }
        let Some(found) = price_of(&sku) else {
            return Some(t_string!(i18n, orders.line_priced_by_office).to_string());
        };
        let unit = products
            .with_value(|ps| ps.iter().find(|p| p.sku == sku).map(|p| p.unit.clone()))
            .unwrap_or_default();
        let source = crate::domain::orders::PriceSource::List(found.scope).as_str();
        let mut text = t_string!(
            i18n,
            orders.line_price,
            price = found.price.to_display_string(),
            unit = unit,
            source = crate::features::orders::components::price_source_label(i18n, source)
        )
        .to_string();
        if let Some(amount) = crate::domain::orders::parse_units(&quantity)
            .ok()
            .and_then(|q| found.price.0.checked_mul(q))
        {
            text.push_str(" · ");
            text.push_str(&t_string!(
                i18n,
                orders.estimated_total,
                total = crate::domain::money::Money(amount).to_display_string()
            ));
        }
        Some(text)
    };
    view! {
        <form class="ticket-form today-form" method="post" action=CreateOrder::PATH on:submit=submit novalidate>
            <input type="hidden" name="order[customer_code]" value=o.with_untracked(|x| x.customer_code.clone()) />
            <input type="hidden" name="order[order_date]" value=o.with_untracked(|x| x.order_date.clone()) />
            <h2>{t!(i18n, visits.order_form, name = recorder.customer_name.get_value())}</h2>
            <div class="form-grid">
                <label class="field">
                    <span>{t!(i18n, visits.product)}</span>
                    <select name="order[lines][0][product_sku]" on:change=move |ev| { let val = event_target_value(&ev); o.update(|x| if let Some(l) = x.lines.first_mut() { l.product_sku = val }) }>
                        <option value="">{t!(i18n, discipline.choose)}</option>
                        {product_options}
                    </select>
                    <small class="field-error" role="alert">{move || errors.with(|e| message_for(i18n, e, "lines.0.product_sku"))}</small>
                </label>
                <label class="field">
                    <span>{t!(i18n, visits.quantity)}</span>
                    <input name="order[lines][0][quantity]" inputmode="numeric" value=o.with_untracked(|x| x.lines.first().map(|l| l.quantity.clone()).unwrap_or_default()) prop:value=move || o.with(|x| x.lines.first().map(|l| l.quantity.clone()).unwrap_or_default()) on:input=move |ev| { let val = event_target_value(&ev); o.update(|x| if let Some(l) = x.lines.first_mut() { l.quantity = val }) } />
                    <small class="field-error" role="alert">{move || errors.with(|e| message_for(i18n, e, "lines.0.quantity"))}</small>
                </label>
            </div>
            <p class="order-line-price" data-testid="tablet-line-price">{line_price}</p>
            <p class="muted">{t!(i18n, visits.order_priced_by_office)}</p>
            <FormFooter today=recorder.today on_done=recorder.on_done />
        </form>
    }
}

#[component]
fn FormFooter(today: Today, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || (today.status.get() == SyncStatus::StorageFull).then(|| view! { <div class="banner banner-error" role="alert">{t!(i18n, visits.storage_full)}</div> })}
        <div class="form-actions">
            <button type="submit" class="button button-primary">{t!(i18n, visits.save_on_device)}</button>
            <button type="button" class="button button-ghost" on:click=move |_| on_done.run(())>{t!(i18n, common.cancel)}</button>
        </div>
    }
}

fn new_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        crate::offline::outbox::new_id()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// Asks the browser where the tablet is; a refusal or a timeout leaves the visit
/// without a location.
#[cfg(feature = "hydrate")]
fn request_location(v: RwSignal<VisitInput>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        return;
    };
    let ok = Closure::once_into_js(move |pos: wasm_bindgen::JsValue| {
        let num = |obj: &wasm_bindgen::JsValue, k: &str| {
            js_sys::Reflect::get(obj, &k.into())
                .ok()
                .and_then(|x| x.as_f64())
        };
        let Ok(coords) = js_sys::Reflect::get(&pos, &"coords".into()) else {
            return;
        };
        if let (Some(lat), Some(lon)) = (num(&coords, "latitude"), num(&coords, "longitude")) {
            let accuracy = num(&coords, "accuracy").unwrap_or(0.0);
            v.update(|x| x.location = Some(LocationInput { lat, lon, accuracy }));
        }
    });
    let fail = Closure::once_into_js(move |_e: wasm_bindgen::JsValue| {});
    let options = web_sys::PositionOptions::new();
    options.set_timeout(10_000);
    options.set_maximum_age(60_000);
    let _ = geo.get_current_position_with_error_callback_and_options(
        ok.unchecked_ref(),
        Some(fail.unchecked_ref()),
        &options,
    );
}

/// Reads the chosen photos into memory (5 MB each, at most four with the `held` ones a
/// corrected visit already has), for the outbox.
#[allow(unused_variables, reason = "the browser build uses every argument")]
fn take_photos(
    ev: leptos::ev::Event,
    photos: RwSignal<Vec<(PhotoRef, Vec<u8>)>>,
    held: usize,
    note: RwSignal<Option<String>>,
    i18n: leptos_i18n::I18nContext<Locale>,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else { return };
        let mut chosen = Vec::new();
        for i in 0..files.length() {
            if let Some(f) = files.get(i) {
                chosen.push(f);
            }
        }
        note.set(None);
        leptos::task::spawn_local(async move {
            for f in chosen {
                if held + photos.with_untracked(Vec::len) >= PHOTOS_PER_VISIT {
                    note.set(Some(
                        t_string!(i18n, visits.too_many_photos, n = PHOTOS_PER_VISIT).to_string(),
                    ));
                    break;
                }
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "a file size"
                )]
                if f.size() as usize > PHOTO_MAX_BYTES {
                    note.set(Some(
                        t_string!(i18n, visits.photo_too_large, name = f.name()).to_string(),
                    ));
                    continue;
                }
                let Ok(buf) = wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await else {
                    continue;
                };
                let bytes = js_sys::Uint8Array::new(&buf).to_vec();
                let content_type = match f.type_().as_str() {
                    "image/png" => "image/png",
                    "image/webp" => "image/webp",
                    _ => "image/jpeg",
                };
                photos.update(|p| {
                    p.push((
                        PhotoRef {
                            id: crate::offline::outbox::new_id(),
                            content_type: content_type.into(),
                        },
                        bytes,
                    ))
                });
            }
        });
    }
}
