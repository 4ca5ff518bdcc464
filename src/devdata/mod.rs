//! Data for trying and measuring the app, not for running it: the demo
//! seed (a small, hand-written support desk with published passwords) and
//! the load generator (a million tickets for the benchmark). They stand
//! above `db/`, which keeps storage only, and write as the app writes.

mod demo_catalog;
mod demo_desk;
pub mod generate;
pub mod seed;
