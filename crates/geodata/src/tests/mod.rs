//! Unit tests of the embedded geodata and of the parsers.

mod embedded;
mod parsing;
