//! The small tables every queue page names things from: customers, their
//! environments, planes and staff. Loaded whole (a few hundred rows) so a
//! page of tickets needs no joins, and kept by [`crate::db::cache`] until
//! one of them changes.

use std::collections::HashMap;

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::models::enums::{EnvType, UserRole};
use crate::db::models::users::shown_name;
use crate::db::schema::{customers, environments, planes, users};

/// Something a list offers: its id and its name.
#[derive(Debug, Clone, Queryable)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Default)]
pub struct Directory {
    /// Every customer, by name.
    pub customers: Vec<Named>,
    /// Active planes in display order.
    pub planes: Vec<Named>,
    /// Active agents and admins, by name: who can be assigned.
    pub agents: Vec<Named>,
    /// Customers, planes and staff (inactive and disabled ones included, as
    /// old tickets still name them).
    names: HashMap<Uuid, String>,
    env_types: HashMap<Uuid, EnvType>,
}

impl Directory {
    pub fn load(conn: &mut PgConnection) -> QueryResult<Self> {
        let customers: Vec<Named> = customers::table
            .order(customers::name.asc())
            .select((customers::id, customers::name))
            .load(conn)?;
        let planes: Vec<(Named, bool)> = planes::table
            .order((planes::display_order.asc(), planes::name.asc()))
            .select(((planes::id, planes::name), planes::is_active))
            .load(conn)?;
        let staff: Vec<(Named, bool)> = users::table
            .filter(users::role.eq_any([UserRole::Agent, UserRole::Admin]))
            .order((users::name.asc(), users::email.asc()))
            .select((
                users::id,
                users::name,
                users::email,
                users::disabled_at.is_null(),
            ))
            .load::<(Uuid, String, String, bool)>(conn)?
            .into_iter()
            .map(|(id, name, email, active)| {
                let name = shown_name(&name, &email);
                (Named { id, name }, active)
            })
            .collect();
        let env_types = environments::table
            .select((environments::id, environments::env_type))
            .load::<(Uuid, EnvType)>(conn)?
            .into_iter()
            .collect();

        let names = customers
            .iter()
            .chain(planes.iter().map(|(p, _)| p))
            .chain(staff.iter().map(|(s, _)| s))
            .map(|n| (n.id, n.name.clone()))
            .collect();
        let active = |rows: Vec<(Named, bool)>| {
            rows.into_iter()
                .filter_map(|(named, active)| active.then_some(named))
                .collect()
        };
        Ok(Self {
            customers,
            planes: active(planes),
            agents: active(staff),
            names,
            env_types,
        })
    }

    pub fn name(&self, id: Uuid) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    pub fn env_type(&self, environment_id: Uuid) -> Option<EnvType> {
        self.env_types.get(&environment_id).copied()
    }

    /// Whether every id (of a customer, environment, plane or staff member)
    /// is known, i.e. the directory is not older than the rows naming them.
    pub fn knows(&self, ids: impl IntoIterator<Item = Uuid>) -> bool {
        ids.into_iter()
            .all(|id| self.names.contains_key(&id) || self.env_types.contains_key(&id))
    }
}
