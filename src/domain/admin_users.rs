//! The rules for an admin's change to a user account, without a database:
//! reading the edit form ([`ProfileForm::parse`]) and judging a change
//! ([`judge`]): who may change what (no admin disables or demotes
//! themself, the last active admin stays), and the role/customer
//! consistency the database's CHECK holds (a customer user belongs to
//! exactly one customer, staff to none). The storage layer loads the
//! account, checks the form's version, asks [`judge`] with the active
//! admins it has locked, and writes.

use std::fmt;

use uuid::Uuid;

use crate::db::models::enums::UserRole;
use crate::domain::form_errors::FormErrors;
use crate::domain::issue_form::HANDLE_MAX;
use crate::domain::text::{self, TextRule};

/// A person's name as an admin edits it. Optional: invited and OAuth
/// users often have none, and are shown by their e-mail.
pub const NAME: TextRule<'static> = TextRule {
    label: "the name",
    required: false,
    max_chars: 255,
    multiline: false,
};

/// The chat handle pre-fills the issue form's submitter handle, so it is
/// held to that field's limit: a pre-filled form never starts out invalid.
pub const CHAT_HANDLE: TextRule<'static> = TextRule {
    label: "the chat handle",
    required: false,
    max_chars: HANDLE_MAX,
    multiline: false,
};

/// A user account as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub id: Uuid,
    pub role: UserRole,
    pub customer_id: Option<Uuid>,
    pub disabled: bool,
}

/// The fields an admin edits, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Trimmed; may be empty.
    pub name: String,
    pub role: UserRole,
    /// Set exactly when `role` is customer.
    pub customer_id: Option<Uuid>,
    /// `None` when left empty.
    pub chat_handle: Option<String>,
}

/// What an admin asks to do with an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Edit(Profile),
    Disable,
    Enable,
}

/// Why a change is not made. Each is a sentence for the admin, shown
/// beside [`Refusal::field`] (or above the form when it has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The one asking is no longer an active admin (disabled or demoted
    /// by another admin while this request ran).
    NotAnAdmin,
    /// An admin asked to change their own role.
    OwnRole,
    /// An admin asked to disable themself.
    OwnAccount,
    /// The change would leave no active admin.
    LastAdmin,
    /// A customer user without a customer.
    CustomerRequired,
    /// An agent or admin with a customer.
    StaffHaveNoCustomer,
}

impl Refusal {
    pub fn sentence(&self) -> &'static str {
        match self {
            Refusal::NotAnAdmin => "Your admin rights changed meanwhile, so nothing was saved.",
            Refusal::OwnRole => {
                "You cannot change your own role. Another admin can, if there is one."
            }
            Refusal::OwnAccount => {
                "You cannot disable your own account. Another admin can, if there is one."
            }
            Refusal::LastAdmin => {
                "This is the last active admin: make another user an admin first, \
                 so someone can still run the desk."
            }
            Refusal::CustomerRequired => "Choose the customer this user belongs to.",
            Refusal::StaffHaveNoCustomer => {
                "Agents and admins belong to no customer: choose \u{201c}No customer\u{201d}."
            }
        }
    }

    /// The edit form's field the sentence belongs beside; `None` for a
    /// refusal about the whole request.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Refusal::OwnRole | Refusal::LastAdmin => Some("role"),
            Refusal::CustomerRequired | Refusal::StaffHaveNoCustomer => Some("customer_id"),
            Refusal::NotAnAdmin | Refusal::OwnAccount => None,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sentence())
    }
}

/// The database CHECK `(role = 'customer') = (customer_id IS NOT NULL)`,
/// as a refusal instead of a constraint violation.
pub fn check_customer(role: UserRole, customer_id: Option<Uuid>) -> Result<(), Refusal> {
    match (role, customer_id) {
        (UserRole::Customer, None) => Err(Refusal::CustomerRequired),
        (UserRole::Admin | UserRole::Agent, Some(_)) => Err(Refusal::StaffHaveNoCustomer),
        _ => Ok(()),
    }
}

/// Judges `request` for `account`, asked by admin `actor`, while
/// `active_admins` are the ids of every enabled admin as the database
/// holds them now (the caller locks those rows until it commits, so two
/// admins removing each other cannot both succeed). Everything is checked
/// before anything is written.
pub fn judge(
    actor: Uuid,
    account: &Account,
    request: &Request,
    active_admins: &[Uuid],
) -> Result<(), Refusal> {
    if !active_admins.contains(&actor) {
        return Err(Refusal::NotAnAdmin);
    }
    if let Request::Edit(profile) = request {
        check_customer(profile.role, profile.customer_id)?;
    }
    // Before the self-protection: the one admin demoting themself learns
    // what would make it possible (another admin), not only that it is not.
    if removes_an_admin(account, request) && !active_admins.iter().any(|&id| id != account.id) {
        return Err(Refusal::LastAdmin);
    }
    if account.id == actor {
        match request {
            Request::Edit(profile) if profile.role != account.role => {
                return Err(Refusal::OwnRole);
            }
            Request::Disable => return Err(Refusal::OwnAccount),
            _ => {}
        }
    }
    Ok(())
}

/// Whether `request` makes `account` stop being an active admin.
fn removes_an_admin(account: &Account, request: &Request) -> bool {
    let active_admin = account.role == UserRole::Admin && !account.disabled;
    active_admin
        && match request {
            Request::Edit(profile) => profile.role != UserRole::Admin,
            Request::Disable => true,
            Request::Enable => false,
        }
}

/// The edit form as posted: every value as typed, so an invalid form
/// comes back intact.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub customer_id: String,
    #[serde(default)]
    pub chat_handle: String,
    /// The account's version when the form was loaded.
    #[serde(default)]
    pub version: String,
}

/// The message for a customer id that is not one of the list's.
pub const NO_SUCH_CUSTOMER: &str = "Choose a customer from the list.";

impl ProfileForm {
    /// The form's values as a [`Profile`], or every field's message. The
    /// role and customer must agree here already, so the admin sees all
    /// that is wrong at once; whether the customer exists is the storage
    /// layer's question.
    pub fn parse(&self) -> Result<Profile, FormErrors> {
        let mut errors = FormErrors::default();
        let name = text::check(&self.name, &NAME).unwrap_or_else(|message| {
            errors.add("name", message);
            String::new()
        });
        let role = UserRole::parse(self.role.trim());
        if role.is_none() {
            errors.add("role", "Choose a role.");
        }
        let customer_id = match self.customer_id.trim() {
            "" => Some(None),
            id => Uuid::parse_str(id).ok().map(Some),
        };
        if customer_id.is_none() {
            errors.add("customer_id", NO_SUCH_CUSTOMER);
        }
        let chat_handle = text::check(&self.chat_handle, &CHAT_HANDLE).unwrap_or_else(|message| {
            errors.add("chat_handle", message);
            String::new()
        });
        if let (Some(role), Some(customer_id)) = (role, customer_id)
            && let Err(refusal) = check_customer(role, customer_id)
        {
            errors.add(refusal.field().unwrap_or("customer_id"), refusal.sentence());
        }
        match (role, customer_id) {
            (Some(role), Some(customer_id)) if errors.is_empty() => Ok(Profile {
                name,
                role,
                customer_id,
                chat_handle: Some(chat_handle).filter(|h| !h.is_empty()),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    const ME: u128 = 1;
    const OTHER_ADMIN: u128 = 2;
    const AGENT: u128 = 3;
    const CUSTOMER: u128 = 4;
    const ACME: u128 = 100;

    fn account(n: u128, role: UserRole) -> Account {
        Account {
            id: id(n),
            role,
            customer_id: (role == UserRole::Customer).then(|| id(ACME)),
            disabled: false,
        }
    }

    fn edit(role: UserRole, customer_id: Option<Uuid>) -> Request {
        Request::Edit(Profile {
            name: "Ada".into(),
            role,
            customer_id,
            chat_handle: None,
        })
    }

    #[test]
    fn an_admin_edits_and_disables_other_people() {
        let admins = [id(ME), id(OTHER_ADMIN)];
        let agent = account(AGENT, UserRole::Agent);
        assert_eq!(
            judge(id(ME), &agent, &edit(UserRole::Admin, None), &admins),
            Ok(())
        );
        assert_eq!(judge(id(ME), &agent, &Request::Disable, &admins), Ok(()));
        let other = account(OTHER_ADMIN, UserRole::Admin);
        assert_eq!(
            judge(id(ME), &other, &edit(UserRole::Agent, None), &admins),
            Ok(())
        );
        assert_eq!(judge(id(ME), &other, &Request::Disable, &admins), Ok(()));
        let customer = account(CUSTOMER, UserRole::Customer);
        assert_eq!(
            judge(id(ME), &customer, &edit(UserRole::Agent, None), &admins),
            Ok(())
        );
    }

    #[test]
    fn an_admin_keeps_their_own_role_and_account() {
        let admins = [id(ME), id(OTHER_ADMIN)];
        let me = account(ME, UserRole::Admin);
        assert_eq!(
            judge(id(ME), &me, &edit(UserRole::Agent, None), &admins),
            Err(Refusal::OwnRole)
        );
        assert_eq!(
            judge(id(ME), &me, &Request::Disable, &admins),
            Err(Refusal::OwnAccount)
        );
        // Their own name and handle they may change.
        assert_eq!(
            judge(id(ME), &me, &edit(UserRole::Admin, None), &admins),
            Ok(())
        );
    }

    #[test]
    fn the_last_active_admin_stays() {
        let me = account(ME, UserRole::Admin);
        assert_eq!(
            judge(id(ME), &me, &edit(UserRole::Agent, None), &[id(ME)]),
            Err(Refusal::LastAdmin)
        );
        assert_eq!(
            judge(id(ME), &me, &Request::Disable, &[id(ME)]),
            Err(Refusal::LastAdmin)
        );
        // A disabled admin is no active one: the other admins' count.
        let disabled_admin = Account {
            disabled: true,
            ..account(OTHER_ADMIN, UserRole::Admin)
        };
        assert_eq!(
            judge(
                id(ME),
                &disabled_admin,
                &edit(UserRole::Agent, None),
                &[id(ME)]
            ),
            Ok(())
        );
        assert_eq!(
            judge(id(ME), &disabled_admin, &Request::Enable, &[id(ME)]),
            Ok(())
        );
    }

    /// Admins A and B remove each other at once: the second to take the
    /// lock sees the first's change in the locked rows and is refused.
    #[test]
    fn of_two_admins_removing_each_other_the_second_is_refused() {
        let other = account(OTHER_ADMIN, UserRole::Admin);
        assert_eq!(
            judge(
                id(ME),
                &other,
                &Request::Disable,
                &[id(ME), id(OTHER_ADMIN)]
            ),
            Ok(())
        );
        // ME was disabled by OTHER_ADMIN meanwhile.
        assert_eq!(
            judge(id(ME), &other, &Request::Disable, &[id(OTHER_ADMIN)]),
            Err(Refusal::NotAnAdmin)
        );
    }

    #[test]
    fn an_actor_who_lost_admin_rights_meanwhile_changes_nothing() {
        let agent = account(AGENT, UserRole::Agent);
        assert_eq!(
            judge(
                id(ME),
                &agent,
                &edit(UserRole::Agent, None),
                &[id(OTHER_ADMIN)]
            ),
            Err(Refusal::NotAnAdmin)
        );
        assert_eq!(
            judge(id(ME), &agent, &Request::Enable, &[]),
            Err(Refusal::NotAnAdmin)
        );
    }

    #[test]
    fn role_and_customer_agree_as_the_database_check_says() {
        let admins = [id(ME)];
        let agent = account(AGENT, UserRole::Agent);
        assert_eq!(
            judge(id(ME), &agent, &edit(UserRole::Customer, None), &admins),
            Err(Refusal::CustomerRequired)
        );
        assert_eq!(
            judge(
                id(ME),
                &agent,
                &edit(UserRole::Agent, Some(id(ACME))),
                &admins
            ),
            Err(Refusal::StaffHaveNoCustomer)
        );
        assert_eq!(
            judge(
                id(ME),
                &agent,
                &edit(UserRole::Customer, Some(id(ACME))),
                &admins
            ),
            Ok(())
        );
        assert_eq!(Refusal::CustomerRequired.field(), Some("customer_id"));
        assert_eq!(Refusal::LastAdmin.field(), Some("role"));
        assert_eq!(Refusal::OwnAccount.field(), None);
    }

    fn form(name: &str, role: &str, customer_id: &str, chat_handle: &str) -> ProfileForm {
        ProfileForm {
            name: name.into(),
            role: role.into(),
            customer_id: customer_id.into(),
            chat_handle: chat_handle.into(),
            version: String::new(),
        }
    }

    #[test]
    fn a_good_form_is_trimmed_and_typed() {
        let acme = id(ACME).to_string();
        let profile = form("  Ada Lovelace ", "customer", &acme, " @ada ")
            .parse()
            .unwrap();
        assert_eq!(
            profile,
            Profile {
                name: "Ada Lovelace".into(),
                role: UserRole::Customer,
                customer_id: Some(id(ACME)),
                chat_handle: Some("@ada".into()),
            }
        );
        let staff = form("", "agent", "", "  ").parse().unwrap();
        assert_eq!(staff.name, "");
        assert_eq!(staff.customer_id, None);
        assert_eq!(staff.chat_handle, None);
    }

    #[test]
    fn a_bad_form_names_every_field_in_error() {
        let errors = form(
            &"x".repeat(256),
            "superuser",
            "not-an-id",
            &"h".repeat(HANDLE_MAX + 1),
        )
        .parse()
        .unwrap_err();
        assert!(errors.get("name").unwrap().contains("at most 255"));
        assert_eq!(errors.get("role"), Some("Choose a role."));
        assert_eq!(errors.get("customer_id"), Some(NO_SUCH_CUSTOMER));
        assert!(errors.get("chat_handle").unwrap().contains("at most 100"));

        let errors = form("Ada\0", "customer", "", "@a\u{7}")
            .parse()
            .unwrap_err();
        assert!(errors.get("name").unwrap().contains("control characters"));
        assert!(
            errors
                .get("chat_handle")
                .unwrap()
                .contains("control characters")
        );
        assert_eq!(
            errors.get("customer_id"),
            Some(Refusal::CustomerRequired.sentence())
        );

        let errors = form("Ada", "admin", &id(ACME).to_string(), "")
            .parse()
            .unwrap_err();
        assert_eq!(
            errors.get("customer_id"),
            Some(Refusal::StaffHaveNoCustomer.sentence())
        );
    }
}
