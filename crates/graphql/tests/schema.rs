//! The committed `schema/schema.graphql` must be exactly the schema the server serves.
//! To accept a change: `UPDATE_SCHEMA=1 cargo test -p sango-graphql --test schema`.

#[test]
fn committed_schema_matches_the_served_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/schema.graphql");
    let served = sango_graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &served).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == served,
        "schema/schema.graphql differs from the served schema; review the change and run UPDATE_SCHEMA=1 cargo test -p sango-graphql --test schema"
    );
}

#[test]
fn money_is_a_64_bit_scalar_not_int() {
    let sdl = sango_graphql::sdl();
    assert!(sdl.contains("scalar Yen"));
    assert!(sdl.contains("unitPrice: Yen!"), "unit prices must not be 32-bit Int");
}
