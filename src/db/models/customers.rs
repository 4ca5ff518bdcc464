//! `customers` (the tenants) and `customer_domains`, the e-mail domains that
//! place a self-signed-up user with a customer.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::db::schema::{customer_domains, customers};

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
