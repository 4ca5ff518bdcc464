//! supportdesk: a self-hosted support desk for platform teams.
//!
//! Customers file issues through a form whose fields follow the platform
//! area ("plane") they choose; documentation is suggested while they type and
//! its usefulness recorded; agents work tickets in queues; admins invite
//! people. Floors, lowest first: `config` and `error`; `db` (storage) and
//! `domain` (rules on plain types); `auth` and `views`; `routes` and
//! `notify` (e-mail delivery); `startup` and `cli`. Each imports only from the floors below it
//! (`scripts/check-imports` keeps it so).

pub mod auth;
pub mod cli;

pub mod config;
pub mod db;
pub mod devdata;
pub mod domain;
pub mod embedded_pg;
pub mod error;
pub mod notify;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod views;
