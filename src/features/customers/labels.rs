//! Names of profile fields, groups and choices in the user's language. One match per
//! catalogue, so a key without a translation fails to compile (leptos_i18n checks keys).
use crate::i18n::*;

fn unknown(key: &str) -> String {
    key.to_owned()
}

/// The fields label of `key` in `locale`.
pub fn field_label(locale: Locale, key: &str) -> String {
    match key {
        "code" => td_string!(locale, fields.code).to_string(),
        "name" => td_string!(locale, fields.name).to_string(),
        "kind" => td_string!(locale, fields.kind).to_string(),
        "terminal_type" => td_string!(locale, fields.terminal_type).to_string(),
        "parent_code" => td_string!(locale, fields.parent_code).to_string(),
        "status" => td_string!(locale, fields.status).to_string(),
        "district" => td_string!(locale, fields.district).to_string(),
        "township" => td_string!(locale, fields.township).to_string(),
        "address" => td_string!(locale, fields.address).to_string(),
        "phone" => td_string!(locale, fields.phone).to_string(),
        "contact" => td_string!(locale, fields.contact).to_string(),
        "legal_owner" => td_string!(locale, fields.legal_owner).to_string(),
        "business_nature" => td_string!(locale, fields.business_nature).to_string(),
        "licence_no" => td_string!(locale, fields.licence_no).to_string(),
        "opened_on" => td_string!(locale, fields.opened_on).to_string(),
        "rep_login" => td_string!(locale, fields.rep_login).to_string(),
        "product_lines" => td_string!(locale, fields.product_lines).to_string(),
        "competing_brands" => td_string!(locale, fields.competing_brands).to_string(),
        "monthly_volume" => td_string!(locale, fields.monthly_volume).to_string(),
        "credit_limit" => td_string!(locale, fields.credit_limit).to_string(),
        "payment_record" => td_string!(locale, fields.payment_record).to_string(),
        "network_reach" => td_string!(locale, fields.network_reach).to_string(),
        "store_area" => td_string!(locale, fields.store_area).to_string(),
        "shelf_position" => td_string!(locale, fields.shelf_position).to_string(),
        "stack_displays" => td_string!(locale, fields.stack_displays).to_string(),
        "vivid_display" => td_string!(locale, fields.vivid_display).to_string(),
        "indoor_ads" => td_string!(locale, fields.indoor_ads).to_string(),
        "outdoor_ads" => td_string!(locale, fields.outdoor_ads).to_string(),
        "assistants" => td_string!(locale, fields.assistants).to_string(),
        "staff_count" => td_string!(locale, fields.staff_count).to_string(),
        "vehicles" => td_string!(locale, fields.vehicles).to_string(),
        "sites" => td_string!(locale, fields.sites).to_string(),
        "warehouse_area" => td_string!(locale, fields.warehouse_area).to_string(),
        "working_capital" => td_string!(locale, fields.working_capital).to_string(),
        "personal_consent" => td_string!(locale, fields.personal_consent).to_string(),
        "consent_date" => td_string!(locale, fields.consent_date).to_string(),
        "key_person" => td_string!(locale, fields.key_person).to_string(),
        "birthday" => td_string!(locale, fields.birthday).to_string(),
        "hometown" => td_string!(locale, fields.hometown).to_string(),
        "education" => td_string!(locale, fields.education).to_string(),
        "family" => td_string!(locale, fields.family).to_string(),
        "hobbies" => td_string!(locale, fields.hobbies).to_string(),
        "personality" => td_string!(locale, fields.personality).to_string(),
        "background" => td_string!(locale, fields.background).to_string(),
        other => unknown(other),
    }
}

/// The groups label of `key` in `locale`.
pub fn group_label(locale: Locale, key: &str) -> String {
    match key {
        "basic" => td_string!(locale, groups.basic).to_string(),
        "business" => td_string!(locale, groups.business).to_string(),
        "store" => td_string!(locale, groups.store).to_string(),
        "resources" => td_string!(locale, groups.resources).to_string(),
        "personal" => td_string!(locale, groups.personal).to_string(),
        other => unknown(other),
    }
}

/// The kinds label of `key` in `locale`.
pub fn kind_label(locale: Locale, key: &str) -> String {
    match key {
        "sub_distributor" => td_string!(locale, kinds.sub_distributor).to_string(),
        "terminal" => td_string!(locale, kinds.terminal).to_string(),
        other => unknown(other),
    }
}

/// The terminal_types label of `key` in `locale`.
pub fn terminal_type_label(locale: Locale, key: &str) -> String {
    match key {
        "supermarket" => td_string!(locale, terminal_types.supermarket).to_string(),
        "convenience_store" => td_string!(locale, terminal_types.convenience_store).to_string(),
        "restaurant" => td_string!(locale, terminal_types.restaurant).to_string(),
        "kiosk" => td_string!(locale, terminal_types.kiosk).to_string(),
        "other" => td_string!(locale, terminal_types.other).to_string(),
        other => unknown(other),
    }
}

/// The statuses label of `key` in `locale`.
pub fn status_label(locale: Locale, key: &str) -> String {
    match key {
        "active" => td_string!(locale, statuses.active).to_string(),
        "dormant" => td_string!(locale, statuses.dormant).to_string(),
        "closed" => td_string!(locale, statuses.closed).to_string(),
        other => unknown(other),
    }
}

/// A canonical value as a person reads it: choices translated, yes/no in words, money
/// with the currency sign; everything else as stored.
pub fn display_value(locale: Locale, field: &str, value: &str) -> String {
    use crate::domain::profile::{FieldType, field as spec};
    match spec(field).map(|f| f.ty) {
        Some(FieldType::Kind) => kind_label(locale, value),
        Some(FieldType::TerminalType) => terminal_type_label(locale, value),
        Some(FieldType::Status) => status_label(locale, value),
        Some(FieldType::Bool) => match value {
            "true" => td_string!(locale, customers.yes).to_string(),
            _ => td_string!(locale, customers.no).to_string(),
        },
        Some(FieldType::Money) => format!("¥{value}"),
        _ => value.to_owned(),
    }
}
