//! The admin's user pages: the list (searched by the start of the e-mail
//! or name, filtered by role, in keyset pages by e-mail, with each
//! user's customer named in the same statement) and a change to one user
//! (edit, disable, enable). A change loads the user, checks the form's
//! version, locks the active admins, asks [`admin_users::judge`], writes
//! the user with its audit row, and on disabling ends the user's sessions,
//! all in one transaction. What comes back is a typed outcome, not an
//! HTTP error.

use chrono::Utc;
use diesel::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::models::admin_audit::{self, Change};
use crate::db::models::customers::lower;
use crate::db::models::enums::{AuditKind, UserRole};
use crate::db::models::sessions;
use crate::db::models::users::{self, User, UserChangeset};
use crate::db::queries::like;
use crate::db::schema::{customers, users as users_t};
use crate::db::version::Version;
use crate::domain::admin_users::{self, Account, Profile, Refusal, Request};

/// What the list shows: users whose e-mail or name starts with `q`,
/// of `role`, after the e-mail `after` (the previous page's last).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Lower case, trimmed, not empty.
    pub q: Option<String>,
    pub role: Option<UserRole>,
    pub after: Option<String>,
}

/// One user as the list shows them.
#[derive(Debug, Clone, Queryable)]
pub struct ListRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: UserRole,
    pub customer_name: Option<String>,
    pub disabled: bool,
}

/// One page of at most `limit` users by e-mail, and whether more follow;
/// one statement. E-mails are unique, so the e-mail alone orders the list
/// stably and is the keyset. The indexes of migration 000009 serve it:
/// (role, email) for the role filter, and `text_pattern_ops` on `email`
/// and `lower(name)` for the prefix search.
pub fn list(
    conn: &mut PgConnection,
    filter: &ListFilter,
    limit: i64,
) -> QueryResult<(Vec<ListRow>, bool)> {
    let mut query = users_t::table
        .left_join(customers::table)
        .select((
            users_t::id,
            users_t::email,
            users_t::name,
            users_t::role,
            customers::name.nullable(),
            users_t::disabled_at.is_not_null(),
        ))
        .order(users_t::email.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users_t::role.eq(role));
    }
    if let Some(q) = &filter.q {
        let pattern = like::prefix(q);
        query = query.filter(
            users_t::email
                .like(pattern.clone())
                .or(lower(users_t::name).like(pattern)),
        );
    }
    if let Some(after) = &filter.after {
        query = query.filter(users_t::email.gt(after.clone()));
    }
    let mut rows: Vec<ListRow> = query.load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// What became of a change to one user.
#[derive(Debug)]
pub enum Outcome {
    /// Saved: the user as it is now.
    Saved(Box<User>),
    /// Asked for what the user already is; nothing was written.
    Unchanged(Box<User>),
    /// The rules refused it; nothing was written.
    Refused(Refusal),
    /// The customer chosen does not exist (any more); nothing was written.
    UnknownCustomer,
    /// The user changed since the form was loaded (by another admin, or
    /// by themself: a new password); nothing was written. The user as it
    /// is now.
    Stale(Box<User>),
}

/// The rules' view of a user.
fn account(user: &User) -> Account {
    Account {
        id: user.id,
        role: user.role,
        customer_id: user.customer_id,
        disabled: user.is_disabled(),
    }
}

/// The fields an admin edits, as the audit log keeps them before and after.
pub fn snapshot(user: &User) -> Value {
    json!({
        "name": user.name,
        "role": user.role.as_str(),
        "customer_id": user.customer_id,
        "chat_handle": user.chat_handle,
        "disabled": user.is_disabled(),
    })
}

/// The request's columns that differ from `user`'s; `None` when nothing
/// would change. The action names the audit row.
fn changes_of<'a>(user: &User, request: &'a Request) -> Option<(UserChangeset<'a>, &'static str)> {
    match request {
        Request::Edit(Profile {
            name,
            role,
            customer_id,
            chat_handle,
        }) => {
            let changes = UserChangeset {
                name: (user.name != *name).then_some(name.as_str()),
                role: (user.role != *role).then_some(*role),
                customer_id: (user.customer_id != *customer_id).then_some(*customer_id),
                chat_handle: (user.chat_handle != *chat_handle).then_some(chat_handle.as_deref()),
                ..UserChangeset::default()
            };
            let any = changes.name.is_some()
                || changes.role.is_some()
                || changes.customer_id.is_some()
                || changes.chat_handle.is_some();
            any.then_some((changes, "updated"))
        }
        Request::Disable if !user.is_disabled() => Some((
            UserChangeset {
                disabled_at: Some(Some(Utc::now())),
                ..UserChangeset::default()
            },
            "disabled",
        )),
        Request::Enable if user.is_disabled() => Some((
            UserChangeset {
                disabled_at: Some(None),
                ..UserChangeset::default()
            },
            "enabled",
        )),
        Request::Disable | Request::Enable => None,
    }
}

/// Applies `request` to user `id` for `admin`, the form having been loaded
/// at `version`, in one transaction: the user's row, its audit row and (on
/// disabling) the deletion of its sessions, so their open browser is
/// signed out on its next request. An unknown user is `NotFound`.
pub fn change(
    conn: &mut PgConnection,
    admin: &User,
    id: Uuid,
    version: Version,
    request: &Request,
) -> QueryResult<Outcome> {
    conn.transaction(|conn| {
        let user = users::find(conn, id)?;
        if Version(user.updated_at) != version {
            return Ok(Outcome::Stale(Box::new(user)));
        }
        let Some((changes, action)) = changes_of(&user, request) else {
            return Ok(Outcome::Unchanged(Box::new(user)));
        };
        let active_admins = users::lock_active_admins(conn)?;
        if let Err(refusal) = admin_users::judge(admin.id, &account(&user), request, &active_admins)
        {
            return Ok(Outcome::Refused(refusal));
        }
        if let Some(Some(customer_id)) = changes.customer_id {
            // KEY SHARE: the customer cannot be deleted before this commits.
            let found = customers::table
                .find(customer_id)
                .select(customers::id)
                .for_key_share()
                .first::<Uuid>(conn)
                .optional()?;
            if found.is_none() {
                return Ok(Outcome::UnknownCustomer);
            }
        }
        let Some(saved) = users::update_at_version(conn, id, user.updated_at, &changes)? else {
            // Changed between the read above and this write.
            return Ok(Outcome::Stale(Box::new(users::find(conn, id)?)));
        };
        if matches!(request, Request::Disable) {
            sessions::delete_for_user(conn, id)?;
        }
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::User,
                action,
                object_id: Some(id),
                object_label: &saved.email,
                before: Some(snapshot(&user)),
                after: Some(snapshot(&saved)),
            },
        )?;
        Ok(Outcome::Saved(Box::new(saved)))
    })
}
