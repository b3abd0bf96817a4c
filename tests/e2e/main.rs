//! End-to-end tests: start the real `sango-hub` binary and talk to it as users and scripts do.
