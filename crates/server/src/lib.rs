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

/// The process's allocator: mimalloc, whose per-thread heaps keep the request handlers and the
/// booking writers on the runtime's threads from contending for the system allocator's arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
