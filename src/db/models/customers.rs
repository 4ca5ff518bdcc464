//! `customers` (the tenants) and `customer_domains`, the e-mail domains that
//! place a self-signed-up user with a customer.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::db::schema::{customer_domains, customers};
use crate::db::version::Version;

#[diesel::declare_sql_function]
extern "SQL" {
    /// PostgreSQL's `lower(text)`: customer and environment names are
    /// compared case-insensitively, and customers ordered so (the index
    /// `customers_lower_name_id_idx`).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = customers, check_for_backend(diesel::pg::Pg))]
pub struct Customer {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = customers)]
pub struct NewCustomer<'a> {
    pub name: &'a str,
}

#[derive(Debug, Clone, Copy, Default, AsChangeset)]
#[diesel(table_name = customers)]
pub struct CustomerChangeset<'a> {
    pub name: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = customer_domains, primary_key(domain), check_for_backend(diesel::pg::Pg))]
pub struct CustomerDomain {
    pub domain: String,
    pub customer_id: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = customer_domains)]
struct NewCustomerDomain<'a> {
    domain: &'a str,
    customer_id: Uuid,
}

pub fn insert(conn: &mut PgConnection, new: &NewCustomer) -> QueryResult<Customer> {
    diesel::insert_into(customers::table)
        .values(new)
        .returning(Customer::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> QueryResult<Customer> {
    customers::table
        .find(id)
        .select(Customer::as_select())
        .first(conn)
}

/// Names are unique, so this is at most one customer.
pub fn find_by_name(conn: &mut PgConnection, name: &str) -> QueryResult<Option<Customer>> {
    customers::table
        .filter(customers::name.eq(name))
        .select(Customer::as_select())
        .first(conn)
        .optional()
}

/// Every customer, by name.
pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Customer>> {
    customers::table
        .order(customers::name.asc())
        .select(Customer::as_select())
        .load(conn)
}

/// Fails with a query-builder error when the changeset is empty.
pub fn update(
    conn: &mut PgConnection,
    id: Uuid,
    changes: &CustomerChangeset,
) -> QueryResult<Customer> {
    diesel::update(customers::table.find(id))
        .set(changes)
        .returning(Customer::as_returning())
        .get_result(conn)
}

/// The customer, its row locked until the transaction ends, so that two
/// admins saving it at once are checked against each other's version.
pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> QueryResult<Customer> {
    customers::table
        .find(id)
        .select(Customer::as_select())
        .for_update()
        .first(conn)
}

/// Renames the customer if it is still at `version`; `None` when another
/// change came first. Run even when the name stays, it moves the version
/// (the trigger sets `updated_at`), so a change of the domains alone is
/// seen by a concurrent edit too.
pub fn update_at_version(
    conn: &mut PgConnection,
    id: Uuid,
    version: Version,
    name: &str,
) -> QueryResult<Option<Customer>> {
    diesel::update(
        customers::table
            .find(id)
            .filter(customers::updated_at.eq(version.0)),
    )
    .set(customers::name.eq(name))
    .returning(Customer::as_returning())
    .get_result(conn)
    .optional()
}

/// Whether another customer (not `except`) has this name, ignoring case:
/// "Acme" and "acme" would be two tenants nobody can tell apart.
pub fn name_taken(conn: &mut PgConnection, name: &str, except: Option<Uuid>) -> QueryResult<bool> {
    let mut query = customers::table
        .filter(lower(customers::name).eq(lower(name)))
        .select(customers::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(customers::id.ne(id));
    }
    Ok(query.first::<Uuid>(conn).optional()?.is_some())
}

/// A customer's e-mail domains, sorted.
pub fn domains_of(conn: &mut PgConnection, customer_id: Uuid) -> QueryResult<Vec<String>> {
    customer_domains::table
        .filter(customer_domains::customer_id.eq(customer_id))
        .order(customer_domains::domain.asc())
        .select(customer_domains::domain)
        .load(conn)
}

/// Which of `domains` (already normalised) belong to another customer than
/// `except`, with that customer's name, in one statement.
pub fn domains_taken(
    conn: &mut PgConnection,
    domains: &[String],
    except: Option<Uuid>,
) -> QueryResult<Vec<(String, String)>> {
    if domains.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = customer_domains::table
        .inner_join(customers::table)
        .filter(customer_domains::domain.eq_any(domains))
        .select((customer_domains::domain, customers::name))
        .order(customer_domains::domain.asc())
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(customer_domains::customer_id.ne(id));
    }
    query.load(conn)
}

/// Makes `domains` (already normalised, distinct) the customer's set:
/// those no longer listed go, new ones are added, the rest stay as they
/// were. A domain another customer holds fails on the primary key.
pub fn replace_domains(
    conn: &mut PgConnection,
    customer_id: Uuid,
    domains: &[String],
) -> QueryResult<()> {
    diesel::delete(
        customer_domains::table
            .filter(customer_domains::customer_id.eq(customer_id))
            .filter(customer_domains::domain.ne_all(domains)),
    )
    .execute(conn)?;
    let kept: Vec<String> = domains_of(conn, customer_id)?;
    let new: Vec<NewCustomerDomain> = domains
        .iter()
        .filter(|d| !kept.contains(d))
        .map(|domain| NewCustomerDomain {
            domain,
            customer_id,
        })
        .collect();
    if !new.is_empty() {
        diesel::insert_into(customer_domains::table)
            .values(&new)
            .execute(conn)?;
    }
    Ok(())
}

/// The customer an e-mail domain belongs to (case-insensitive).
pub fn find_by_domain(conn: &mut PgConnection, domain: &str) -> QueryResult<Option<Customer>> {
    customers::table
        .inner_join(customer_domains::table)
        .filter(customer_domains::domain.eq(normalize_domain(domain)))
        .select(Customer::as_select())
        .first(conn)
        .optional()
}

/// Maps an e-mail domain to a customer; stored trimmed and lower-case.
pub fn add_domain(
    conn: &mut PgConnection,
    customer_id: Uuid,
    domain: &str,
) -> QueryResult<CustomerDomain> {
    let domain = normalize_domain(domain);
    diesel::insert_into(customer_domains::table)
        .values(NewCustomerDomain {
            domain: &domain,
            customer_id,
        })
        .returning(CustomerDomain::as_returning())
        .get_result(conn)
}

fn normalize_domain(domain: &str) -> String {
    domain.trim().to_lowercase()
}
