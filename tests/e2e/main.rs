//! End-to-end tests: start the real `sango-hub` binary and talk to it as users and scripts do.

mod support;

mod accounts;
mod agreements;
mod cli;
mod concurrency;
mod demo;
mod desk;
mod graphiql;
mod graphql;
mod hostile;
mod settle;
mod upload;
mod writes;
