//! Validated types parsed from raw input; no actix, no diesel.
