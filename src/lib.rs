//! supportdesk: a self-hosted support desk for platform teams.
//!
//! Customers file issues through a form whose fields follow the platform
//! area ("plane") they choose; documentation is suggested while they type and
//! its usefulness recorded; agents work tickets in queues; admins manage the
//! catalog and read analytics. See `README.md` and the design notes.

pub mod auth;
pub mod cli;

pub mod config;
pub mod db;
pub mod devdata;
pub mod domain;
pub mod embedded_pg;
pub mod error;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod views;
