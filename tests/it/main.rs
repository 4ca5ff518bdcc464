//! The one integration-test binary: every test drives the real app over HTTP
//! against its own PostgreSQL database cloned from a migrated, seeded template.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod access;
mod admin;
mod analytics_csv;
mod auth;
mod browser;
mod crash;
mod database;
mod generate;
mod hostile;
mod html_valid;
mod impressions;
mod issues;
mod limits;
mod links;
mod notifications;
mod oauth;
mod queue;
mod shell;
mod sweep;
