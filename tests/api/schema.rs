//! `schema.graphql` is what frontend teams read: it must match what the server exports.

#[test]
fn the_checked_in_schema_matches_the_server() {
    let exported = bantin_api::graphql::sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    if std::env::var_os("BANTIN_UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &exported).expect("schema.graphql written");
    }
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(checked_in == exported, "schema.graphql is out of date: run `make schema` and review the diff");
}
