//! The admin's customer pages: the customer list (keyset pages by name,
//! with the page's user and environment counts in one statement), one
//! customer with its domains and environments, and the changes those pages
//! make. Each change runs in one transaction with its `admin_audit` row,
//! is checked against the version the form was loaded at, and comes back
//! as an outcome the page shows (a name or domain taken is a refusal,
//! never a database error).

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{Array, BigInt, Bool, Text, Uuid as SqlUuid};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::db::models::admin_audit::{self, Change};
use crate::db::models::customers::{self, Customer, NewCustomer, lower};
use crate::db::models::enums::AuditKind;
use crate::db::models::environments::{self, Environment, NewEnvironment};
use crate::db::models::users::User;
use crate::db::queries::like;
use crate::db::schema::customers as customers_t;
use crate::db::unique_violation;
use crate::db::version::Version;
use crate::domain::admin_customers::{CustomerDraft, EnvironmentDraft};
use crate::domain::text;

/// Customers per page of the list.
pub const PER_PAGE: i64 = 25;

/// Where the previous page of the list ended: the last row's
/// `lower(name)` (as PostgreSQL computed it, so the comparison matches
/// the order) and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    pub key: String,
    pub id: Uuid,
}

/// The longest key a cursor carries: names hold 255 characters, and
/// lower-casing can lengthen a few.
const CURSOR_KEY_MAX: usize = 1024;

impl ListCursor {
    /// `<uuid>.<key>`, the value of a page link's `after` parameter.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.id, self.key)
    }

    /// The cursor a link carries; `None` for anything damaged, which the
    /// page shows as a notice (a NUL never reaches the database).
    pub fn decode(value: &str) -> Option<Self> {
        let (id, key) = value.split_once('.')?;
        let id = Uuid::try_parse(id).ok()?;
        let sound = key.chars().count() <= CURSOR_KEY_MAX && !text::has_control(key, false);
        sound.then(|| Self {
            key: key.to_owned(),
            id,
        })
    }
}

/// One row of the customer list.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: Uuid,
    pub name: String,
    /// `lower(name)`, for the next page's cursor.
    pub key: String,
    pub users: i64,
    pub environments: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = BigInt)]
    users: i64,
    #[diesel(sql_type = BigInt)]
    environments: i64,
}

/// A page of customers by name (case-insensitive, then id), those whose
/// name contains `search` when given, after `after`. Two statements
/// whatever the page holds: the rows, then all their counts. Reads
/// `per_page + 1` rows to know whether another page follows.
pub fn list(
    conn: &mut PgConnection,
    search: Option<&str>,
    after: Option<&ListCursor>,
    per_page: i64,
) -> QueryResult<(Vec<ListRow>, bool)> {
    let mut query = customers_t::table
        .select((customers_t::id, customers_t::name, lower(customers_t::name)))
        .into_boxed::<Pg>();
    if let Some(words) = search.filter(|s| !s.is_empty()) {
        query = query.filter(customers_t::name.ilike(like::contains(words)));
    }
    if let Some(cursor) = after {
        // A row comparison is one index range; an OR of conditions is not.
        query = query.filter(
            diesel::dsl::sql::<Bool>("(lower(customers.name), customers.id) > (")
                .bind::<Text, _>(cursor.key.clone())
                .sql(", ")
                .bind::<SqlUuid, _>(cursor.id)
                .sql(")"),
        );
    }
    let mut rows: Vec<(Uuid, String, String)> = query
        .order((lower(customers_t::name).asc(), customers_t::id.asc()))
        .limit(per_page + 1)
        .load(conn)?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(usize::try_from(per_page).unwrap_or(0));
    if rows.is_empty() {
        return Ok((Vec::new(), more));
    }

    let ids: Vec<Uuid> = rows.iter().map(|(id, _, _)| *id).collect();
    let counts: Vec<CountRow> = diesel::sql_query(
        "SELECT c.id,
           (SELECT count(*) FROM users u WHERE u.customer_id = c.id) AS users,
           (SELECT count(*) FROM environments e WHERE e.customer_id = c.id) AS environments
         FROM unnest($1::uuid[]) AS c(id)",
    )
    .bind::<Array<SqlUuid>, _>(&ids)
    .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|(id, name, key)| {
            let count = counts.iter().find(|c| c.id == id);
            ListRow {
                id,
                name,
                key,
                users: count.map_or(0, |c| c.users),
                environments: count.map_or(0, |c| c.environments),
            }
        })
        .collect();
    Ok((rows, more))
}

/// A customer as its page shows and its audit rows record it.
#[derive(Debug, Clone)]
pub struct CustomerState {
    pub customer: Customer,
    /// Sorted.
    pub domains: Vec<String>,
}

impl CustomerState {
    fn snapshot(&self) -> Value {
        snapshot(&self.customer.name, &self.domains)
    }
}

fn snapshot(name: &str, domains: &[String]) -> Value {
    json!({ "name": name, "domains": domains })
}

fn environment_snapshot(env: &Environment) -> Value {
    json!({ "name": env.name, "env_type": env.env_type.as_str() })
}

/// How an environment is known in the audit log.
fn environment_label(customer: &Customer, env: &Environment) -> String {
    format!("{} / {}", customer.name, env.name)
}

/// The customer page's data in three statements: the customer, its
/// domains and its environments.
pub fn load(conn: &mut PgConnection, id: Uuid) -> QueryResult<(CustomerState, Vec<Environment>)> {
    let customer = customers::find(conn, id)?;
    let domains = customers::domains_of(conn, id)?;
    let envs = environments::list_for_customer(conn, id)?;
    Ok((CustomerState { customer, domains }, envs))
}

/// Why a change was not made: a value another row already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Another customer, or another environment of this customer, has
    /// this name (ignoring case).
    NameTaken,
    /// These domains belong to other customers: (domain, its customer's
    /// name). Empty when one was taken in the instant between the check
    /// and the write, and has been released again since.
    DomainsTaken(Vec<(String, String)>),
}

/// The outcome of an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    Changed,
    /// The form holds the values the row has: nothing written, no audit row.
    Unchanged,
    /// Another change came after the form was loaded: nothing written.
    Stale,
    Refused(Refusal),
}

/// What a unique violation on a customer write means for its form, or the
/// error itself when it is none of the expected ones.
fn customer_refusal(
    conn: &mut PgConnection,
    e: DieselError,
    domains: &[String],
    except: Option<Uuid>,
) -> QueryResult<Refusal> {
    match unique_violation(&e) {
        Some("customers_name_key") => Ok(Refusal::NameTaken),
        Some("customer_domains_pkey") => {
            customers::domains_taken(conn, domains, except).map(Refusal::DomainsTaken)
        }
        _ => Err(e),
    }
}

/// Creates a customer with its domains, and its audit row.
pub fn create_customer(
    conn: &mut PgConnection,
    admin: &User,
    draft: &CustomerDraft,
) -> QueryResult<Result<Customer, Refusal>> {
    let domains = draft.domain_set();
    let result = conn.transaction(|conn| {
        if customers::name_taken(conn, &draft.name, None)? {
            return Ok(Err(Refusal::NameTaken));
        }
        let taken = customers::domains_taken(conn, &domains, None)?;
        if !taken.is_empty() {
            return Ok(Err(Refusal::DomainsTaken(taken)));
        }
        let customer = customers::insert(conn, &NewCustomer { name: &draft.name })?;
        customers::replace_domains(conn, customer.id, &domains)?;
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Customer,
                action: "created",
                object_id: Some(customer.id),
                object_label: &customer.name,
                before: None,
                after: Some(snapshot(&customer.name, &domains)),
            },
        )?;
        Ok(Ok(customer))
    });
    match result {
        Err(e) => customer_refusal(conn, e, &domains, None).map(Err),
        ok => ok,
    }
}

/// Renames the customer and makes the draft's domains its set, if the
/// customer is still at `version`. `NotFound` for an unknown customer.
pub fn update_customer(
    conn: &mut PgConnection,
    admin: &User,
    id: Uuid,
    version: Version,
    draft: &CustomerDraft,
) -> QueryResult<Saved> {
    let domains = draft.domain_set();
    let result = conn.transaction(|conn| {
        // Locked, so a concurrent save waits and then sees this one's version.
        let customer = customers::find_for_update(conn, id)?;
        let before = CustomerState {
            domains: customers::domains_of(conn, id)?,
            customer,
        };
        if before.customer.name == draft.name && before.domains == domains {
            return Ok(Saved::Unchanged);
        }
        if Version(before.customer.updated_at) != version {
            return Ok(Saved::Stale);
        }
        if customers::name_taken(conn, &draft.name, Some(id))? {
            return Ok(Saved::Refused(Refusal::NameTaken));
        }
        let taken = customers::domains_taken(conn, &domains, Some(id))?;
        if !taken.is_empty() {
            return Ok(Saved::Refused(Refusal::DomainsTaken(taken)));
        }
        // Always written, so the version moves even when only domains change.
        let Some(customer) = customers::update_at_version(conn, id, version, &draft.name)? else {
            return Ok(Saved::Stale);
        };
        customers::replace_domains(conn, id, &domains)?;
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Customer,
                action: "updated",
                object_id: Some(id),
                object_label: &customer.name,
                before: Some(before.snapshot()),
                after: Some(snapshot(&customer.name, &domains)),
            },
        )?;
        Ok(Saved::Changed)
    });
    match result {
        Err(e) => customer_refusal(conn, e, &domains, Some(id)).map(Saved::Refused),
        ok => ok,
    }
}

/// An environment write refused by the unique (customer_id, name).
fn environment_refusal(e: DieselError) -> QueryResult<Refusal> {
    match unique_violation(&e) {
        Some("environments_customer_id_name_key") => Ok(Refusal::NameTaken),
        _ => Err(e),
    }
}

/// Adds an environment to a customer, with its audit row. `NotFound` for
/// an unknown customer.
pub fn create_environment(
    conn: &mut PgConnection,
    admin: &User,
    customer_id: Uuid,
    draft: &EnvironmentDraft,
) -> QueryResult<Result<Environment, Refusal>> {
    let result = conn.transaction(|conn| {
        let customer = customers::find(conn, customer_id)?;
        if environments::name_taken(conn, customer_id, &draft.name, None)? {
            return Ok(Err(Refusal::NameTaken));
        }
        let env = environments::insert(
            conn,
            &NewEnvironment {
                customer_id,
                name: &draft.name,
                env_type: draft.env_type,
            },
        )?;
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Environment,
                action: "created",
                object_id: Some(env.id),
                object_label: &environment_label(&customer, &env),
                before: None,
                after: Some(environment_snapshot(&env)),
            },
        )?;
        Ok(Ok(env))
    });
    match result {
        Err(e) => environment_refusal(e).map(Err),
        ok => ok,
    }
}

/// Renames or retypes one of the customer's environments if it is still
/// at `version`. `NotFound` for an unknown customer, or an environment
/// that is not this customer's.
pub fn update_environment(
    conn: &mut PgConnection,
    admin: &User,
    customer_id: Uuid,
    env_id: Uuid,
    version: Version,
    draft: &EnvironmentDraft,
) -> QueryResult<Saved> {
    let result = conn.transaction(|conn| {
        let customer = customers::find(conn, customer_id)?;
        let before = environments::find_in_customer_for_update(conn, customer_id, env_id)?;
        if before.name == draft.name && before.env_type == draft.env_type {
            return Ok(Saved::Unchanged);
        }
        if Version(before.updated_at) != version {
            return Ok(Saved::Stale);
        }
        if environments::name_taken(conn, customer_id, &draft.name, Some(env_id))? {
            return Ok(Saved::Refused(Refusal::NameTaken));
        }
        let Some(env) =
            environments::update_at_version(conn, env_id, version, &draft.name, draft.env_type)?
        else {
            return Ok(Saved::Stale);
        };
        admin_audit::record(
            conn,
            admin,
            &Change {
                kind: AuditKind::Environment,
                action: "updated",
                object_id: Some(env.id),
                object_label: &environment_label(&customer, &env),
                before: Some(environment_snapshot(&before)),
                after: Some(environment_snapshot(&env)),
            },
        )?;
        Ok(Saved::Changed)
    });
    match result {
        Err(e) => environment_refusal(e).map(Saved::Refused),
        ok => ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = ListCursor {
            key: "acme. payments".into(),
            id: Uuid::new_v4(),
        };
        assert_eq!(ListCursor::decode(&c.encode()), Some(c));
        let id = Uuid::nil();
        for bad in [
            String::new(),
            "x".into(),
            "not-a-uuid.acme".into(),
            format!("{id}.a\0b"),
            format!("{id}.{}", "a".repeat(CURSOR_KEY_MAX + 1)),
        ] {
            assert_eq!(ListCursor::decode(&bad), None, "{bad:?}");
        }
        // An empty name sorts first; its cursor is still sound.
        assert!(ListCursor::decode(&format!("{id}.")).is_some());
    }
}
