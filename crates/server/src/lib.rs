//! The `sango-hub` binary's parts: command line, HTTP router, commands. `main.rs` only dispatches.

pub mod app;
pub mod audit;
pub mod cli;
pub mod commands;
pub mod config;
pub mod endpoint;
pub mod graphiql;
pub mod keys;
pub mod plan;
pub mod rate_limit;
pub mod settle;
