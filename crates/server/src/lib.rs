//! The `sango-hub` binary's parts: command line, HTTP router, commands. `main.rs` only dispatches.

pub mod app;
pub mod cli;
pub mod commands;
pub mod graphiql;
pub mod plan;
pub mod settle;
