//! Sign-in and access: passwords, server-side sessions, CSRF, role
//! extractors, throttling, safe redirects, one-time tokens, flash messages.

pub mod client_address;
pub mod csrf;
pub mod extractors;
pub mod flash;
pub mod identity;
pub mod invitations;
pub mod oauth;
pub mod password;
pub mod redirect;
pub mod session;
pub mod session_store;
pub mod sweeper;
pub mod throttle;
pub mod tokens;
pub mod unsubscribe;
pub mod write_limits;
