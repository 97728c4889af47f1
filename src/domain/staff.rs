//! Staff — the distributor's employees, "the first customer" (Pillar 1) — and who may do
//! what.
//!
//! Roles: the **owner** (老板) sees and sets everything; a **manager** (主管) sees all
//! customers and staff; a **rep** (业务员) sees only the customers assigned to them; a
//! **driver** (司机) sees only the deliveries given to them — the order, the customer's
//! name, address and phone — and records them, nothing of the customers besides. Every
//! role reads the handbook and its own development record. Only the owner manages staff,
//! and a company always keeps at least one active owner:
//!
//! ```
//! use qudao::domain::staff::{keeps_an_active_owner, Role};
//! // the only owner cannot make themself a rep ...
//! assert!(!keeps_an_active_owner(1, (Role::Owner, true), (Role::Rep, true)));
//! // ... but may once a second owner exists
//! assert!(keeps_an_active_owner(2, (Role::Owner, true), (Role::Rep, true)));
//! ```
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text, required_text};
use serde::{Deserialize, Serialize};

/// What a member of staff is allowed to do, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Owner,
    Manager,
    Rep,
    /// Delivers orders (配送): sees the deliveries given to them and nothing else.
    Driver,
}

/// Things that need permission. One rule per action, asked by the server before it acts
/// and by the UI to decide what to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ViewDashboard,
    ViewStaff,
    ManageStaff,
    /// See and edit customers — a rep only those assigned to them (enforced by scope).
    WorkWithCustomers,
    /// Every customer of the company: assign to reps, import, restore history.
    ManageCustomers,
    /// Set the policy each tier gets (visit frequency, support, budget, credit).
    SetTierPolicies,
    /// Set the service standards and working calendar; edit and publish the handbook.
    SetStandards,
    /// What every employee has: the handbook, one's own development record, suggestions.
    UseStaffPages,
    /// See the deliveries given to oneself and record them (any role may drive; a driver
    /// does nothing else).
    Deliver,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Manager, Role::Rep, Role::Driver];

    /// The stored and wire form: `owner`, `manager`, `rep`, `driver`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Rep => "rep",
            Role::Driver => "driver",
        }
    }

    /// Reads the stored form back; anything else is an invalid role.
    pub fn parse(raw: &str) -> Result<Role, FieldErrorCode> {
        match raw.trim() {
            "owner" => Ok(Role::Owner),
            "manager" => Ok(Role::Manager),
            "rep" => Ok(Role::Rep),
            "driver" => Ok(Role::Driver),
            _ => Err(FieldErrorCode::InvalidRole),
        }
    }

    /// The one permission rule of the app for staff-level actions.
    pub fn may(self, action: Action) -> bool {
        match action {
            Action::ViewDashboard => self != Role::Driver,
            Action::ViewStaff => matches!(self, Role::Owner | Role::Manager),
            Action::ManageStaff => self == Role::Owner,
            Action::WorkWithCustomers => self != Role::Driver,
            Action::ManageCustomers => matches!(self, Role::Owner | Role::Manager),
            Action::SetTierPolicies => self == Role::Owner,
            Action::SetStandards => self == Role::Owner,
            Action::UseStaffPages | Action::Deliver => true,
        }
    }
}

/// Whether changing one employee from `before` to `after` (role, active) leaves the
/// company with at least one active owner, given how many active owners it has now.
pub fn keeps_an_active_owner(
    active_owners_now: u32,
    before: (Role, bool),
    after: (Role, bool),
) -> bool {
    let counts = |(role, active): (Role, bool)| u32::from(role == Role::Owner && active);
    let remaining = (active_owners_now + counts(after)).saturating_sub(counts(before));
    remaining >= 1
}

/// A sign-in name: 3–32 of `a-z 0-9 . _ -` (stored lower-case), or a mainland mobile
/// number (11 digits starting with 1), which is what most reps type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Result<Login, FieldErrorCode> {
        let t = raw.trim().to_lowercase();
        if t.is_empty() {
            return Err(FieldErrorCode::Required);
        }
        let n = t.chars().count();
        if n < 3 {
            return Err(FieldErrorCode::TooShort { min: 3 });
        }
        if n > 32 {
            return Err(FieldErrorCode::TooLong { max: 32 });
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c);
        if !t.chars().all(allowed) || !t.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(FieldErrorCode::InvalidLogin);
        }
        Ok(Login(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as people write it in China: a mobile `13812345678` (optionally
/// `+86`), or a landline `023-6388 1234`. Stored with spaces removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, FieldErrorCode> {
        let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if t.is_empty() {
            return Err(FieldErrorCode::Required);
        }
        let body = t.strip_prefix("+86").unwrap_or(&t);
        let digits = body.chars().filter(char::is_ascii_digit).count();
        let shape_ok = body.chars().all(|c| c.is_ascii_digit() || c == '-')
            && !body.starts_with('-')
            && !body.ends_with('-');
        let mobile = digits == 11 && body.starts_with('1') && !body.contains('-');
        let landline = body.starts_with('0') && (10..=12).contains(&digits);
        if shape_ok && (mobile || landline) {
            Ok(Phone(t))
        } else {
            Err(FieldErrorCode::InvalidPhone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Password policy: 8 to 128 characters. Length is what protects against guessing; the
/// sign-in throttle handles the rest.
pub fn check_password(raw: &str) -> Result<(), FieldErrorCode> {
    let n = raw.chars().count();
    if n == 0 {
        Err(FieldErrorCode::Required)
    } else if n < 8 {
        Err(FieldErrorCode::TooShort { min: 8 })
    } else if n > 128 {
        Err(FieldErrorCode::TooLong { max: 128 })
    } else {
        Ok(())
    }
}

/// What the staff form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmployeeInput {
    pub name: String,
    pub login: String,
    pub phone: String,
    pub role: String,
    pub territory: String,
}

/// A checked employee record (everything but the password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeFields {
    pub name: String,
    pub login: Login,
    pub phone: Option<Phone>,
    pub role: Role,
    pub territory: Option<String>,
}

impl EmployeeFields {
    /// Checks every field and reports every problem at once.
    pub fn parse(input: &EmployeeInput) -> Result<EmployeeFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &str, problem: Option<&FieldErrorCode>| {
            if let Some(code) = problem {
                errors.push(FieldError::new(field, *code));
            }
        };
        let name = required_text(&input.name, 40);
        check("name", name.as_ref().err());
        let login = Login::parse(&input.login);
        check("login", login.as_ref().err());
        let phone = if input.phone.trim().is_empty() {
            Ok(None)
        } else {
            Phone::parse(&input.phone).map(Some)
        };
        check("phone", phone.as_ref().err());
        let role = Role::parse(&input.role);
        check("role", role.as_ref().err());
        let territory = optional_text(&input.territory, 60);
        check("territory", territory.as_ref().err());
        match (name, login, phone, role, territory) {
            (Ok(name), Ok(login), Ok(phone), Ok(role), Ok(territory)) if errors.is_empty() => {
                Ok(EmployeeFields {
                    name,
                    login,
                    phone,
                    role,
                    territory,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_the_owner_manages_staff_and_reps_cannot_see_it() {
        let table = [
            (Role::Owner, Action::ManageStaff, true),
            (Role::Manager, Action::ManageStaff, false),
            (Role::Rep, Action::ManageStaff, false),
            (Role::Owner, Action::ViewStaff, true),
            (Role::Rep, Action::WorkWithCustomers, true),
            (Role::Rep, Action::ManageCustomers, false),
            (Role::Manager, Action::ManageCustomers, true),
            (Role::Manager, Action::ViewStaff, true),
            (Role::Rep, Action::ViewStaff, false),
            (Role::Rep, Action::ViewDashboard, true),
            (Role::Owner, Action::SetTierPolicies, true),
            (Role::Manager, Action::SetTierPolicies, false),
            (Role::Rep, Action::SetTierPolicies, false),
            (Role::Owner, Action::SetStandards, true),
            (Role::Manager, Action::SetStandards, false),
            (Role::Rep, Action::SetStandards, false),
            // a driver delivers and reads the handbook, and sees no customer or figure
            (Role::Driver, Action::Deliver, true),
            (Role::Driver, Action::UseStaffPages, true),
            (Role::Driver, Action::WorkWithCustomers, false),
            (Role::Driver, Action::ManageCustomers, false),
            (Role::Driver, Action::ViewDashboard, false),
            (Role::Driver, Action::ViewStaff, false),
            (Role::Rep, Action::Deliver, true),
        ];
        for (role, action, expected) in table {
            assert_eq!(role.may(action), expected, "{role:?} {action:?}");
        }
    }

    #[test]
    fn roles_round_trip_through_their_stored_form() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse("boss"), Err(FieldErrorCode::InvalidRole));
    }

    #[test]
    fn logins_are_lowercased_and_mobile_numbers_are_accepted() {
        assert_eq!(Login::parse(" Zhang.Wei ").unwrap().as_str(), "zhang.wei");
        assert_eq!(Login::parse("13800000001").unwrap().as_str(), "13800000001");
        assert_eq!(Login::parse("ab"), Err(FieldErrorCode::TooShort { min: 3 }));
        assert_eq!(
            Login::parse("张伟"),
            Err(FieldErrorCode::TooShort { min: 3 })
        );
        assert_eq!(Login::parse("张伟伟"), Err(FieldErrorCode::InvalidLogin));
        assert_eq!(Login::parse("_admin"), Err(FieldErrorCode::InvalidLogin));
        assert_eq!(Login::parse("a b c"), Err(FieldErrorCode::InvalidLogin));
        assert_eq!(Login::parse(""), Err(FieldErrorCode::Required));
    }

    #[test]
    fn phones_accept_mobile_and_landline_forms() {
        assert!(Phone::parse("138 1234 5678").is_ok());
        assert!(Phone::parse("+8613812345678").is_ok());
        assert!(Phone::parse("023-63881234").is_ok());
        assert_eq!(Phone::parse("12345"), Err(FieldErrorCode::InvalidPhone));
        assert_eq!(
            Phone::parse("1381234567x"),
            Err(FieldErrorCode::InvalidPhone)
        );
        assert_eq!(
            Phone::parse("-02363881234"),
            Err(FieldErrorCode::InvalidPhone)
        );
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert_eq!(check_password(""), Err(FieldErrorCode::Required));
        assert_eq!(
            check_password("1234567"),
            Err(FieldErrorCode::TooShort { min: 8 })
        );
        assert!(check_password("渠道渠道渠道渠道").is_ok());
        assert!(check_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn employee_form_reports_every_bad_field_at_once() {
        let input = EmployeeInput {
            name: " ".into(),
            login: "a".into(),
            phone: "123".into(),
            role: "boss".into(),
            territory: "渝北".into(),
        };
        let errors = EmployeeFields::parse(&input).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "login", "phone", "role"]);
    }

    #[test]
    fn a_good_employee_form_parses() {
        let input = EmployeeInput {
            name: " 李娜 ".into(),
            login: "LiNa".into(),
            phone: "".into(),
            role: "rep".into(),
            territory: "".into(),
        };
        let e = EmployeeFields::parse(&input).unwrap();
        assert_eq!(e.name, "李娜");
        assert_eq!(e.login.as_str(), "lina");
        assert_eq!(e.phone, None);
        assert_eq!(e.role, Role::Rep);
    }

    fn any_role() -> impl Strategy<Value = Role> {
        prop_oneof![
            Just(Role::Owner),
            Just(Role::Manager),
            Just(Role::Rep),
            Just(Role::Driver)
        ]
    }

    proptest! {
        /// Whatever the change, the rule refuses exactly those that leave no active owner.
        #[test]
        fn owner_rule_matches_a_recount(
            others in 0u32..4, r1 in any_role(), a1 in any::<bool>(), r2 in any_role(), a2 in any::<bool>()
        ) {
            let is_owner = |r: Role, a: bool| u32::from(r == Role::Owner && a);
            let now = others + is_owner(r1, a1);
            let after = others + is_owner(r2, a2);
            prop_assert_eq!(keeps_an_active_owner(now, (r1, a1), (r2, a2)), after >= 1);
        }

        /// Whatever is typed, a parsed login is lower-case and made only of allowed characters.
        #[test]
        fn parsed_logins_are_canonical(raw in "\\PC{0,40}") {
            if let Ok(login) = Login::parse(&raw) {
                let s = login.as_str();
                prop_assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)));
                prop_assert!((3..=32).contains(&s.len()));
                prop_assert_eq!(Login::parse(s).unwrap(), login.clone());
            }
        }
    }
}
