//! The admin area.

pub mod analytics;
pub mod audit;
pub mod customers;
pub mod docs;
pub mod home;
pub mod invitations;
pub mod notifications;
pub mod planes;
pub mod users;

use actix_web::web;
use uuid::Uuid;

use crate::error::AppError;

/// An admin form whose hidden version (or other field no person types)
/// does not read.
pub const DAMAGED: &str = "The form is damaged; reload the page and make the change again.";

/// An id from an admin page's path, in the one form our links write it
/// (hyphenated, lower-case), so each object has one URL: anything else is
/// a page that does not exist, never a 500.
pub fn path_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::try_parse(raw)
        .ok()
        .filter(|id| id.hyphenated().to_string() == raw)
        .ok_or(AppError::NotFound)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(home::configure)
        .configure(analytics::configure)
        .configure(audit::configure)
        .configure(invitations::configure)
        .configure(notifications::configure)
        .configure(users::configure)
        .configure(customers::configure)
        .configure(docs::configure)
        .configure(planes::configure);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_only_in_their_canonical_form() {
        let id = Uuid::new_v4();
        assert_eq!(path_id(&id.to_string()).ok(), Some(id));
        for bad in [
            String::new(),
            "new".into(),
            id.simple().to_string(),
            id.to_string().to_uppercase(),
            format!("{{{id}}}"),
            format!("urn:uuid:{id}"),
            format!("{id}\0"),
        ] {
            assert!(path_id(&bad).is_err(), "{bad:?}");
        }
    }
}
